/*
 * session_ovpn.h - the OpenVPN-over-UDP carrier: the TLS stream of
 * OpenVPN's control channel, one packet per datagram, into the TCP
 * carrier's record path (session_ovpn.c).
 */
#ifndef TLSTAP_SESSION_OVPN_H
#define TLSTAP_SESSION_OVPN_H

#include "udp.h"

/* sniff: a client's hard reset (plain, tls-auth, tls-crypt or
 * tls-crypt-v2); accepts: a known opcode; open: transport "udp". */
extern const struct udp_carrier session_ovpn;

#endif
