/*
 * session_ovpn.h - the OpenVPN-over-UDP carrier: the TLS stream of
 * OpenVPN's control channel, one packet per datagram, into the TCP
 * carrier's record path (session_ovpn.c).
 */
#ifndef TLSTAP_SESSION_OVPN_H
#define TLSTAP_SESSION_OVPN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct session;

/* Whether a datagram opens an OpenVPN flow: a client's hard reset (plain,
 * tls-auth, tls-crypt or tls-crypt-v2). */
bool session_ovpn_sniff(const uint8_t *p, size_t n);
/* Whether a datagram of the flow is an OpenVPN packet (a known opcode). */
bool session_ovpn_accepts(const uint8_t *p, size_t n);
/* A new session (transport "udp"); NULL on ENOMEM. */
struct session *session_ovpn_new(struct tt_ctx *ctx);
/* One datagram of the flow, flow-relative direction dir; `missing` bytes
 * were cut by the snaplen. */
void session_ovpn_datagram(struct session *s, int dir, const uint8_t *p, size_t n,
			   uint32_t missing, uint64_t ts_ns);

#endif
