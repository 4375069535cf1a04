/*
 * session_rdpeudp.h - the carrier of RDP's UDP transport (MS-RDPEUDP,
 * MS-RDPEUDP2): the TLS stream of its reliable mode into the TCP carrier's
 * record path, the DTLS datagrams of its lossy mode into the DTLS carrier
 * (session_rdpeudp.c).
 */
#ifndef TLSTAP_SESSION_RDPEUDP_H
#define TLSTAP_SESSION_RDPEUDP_H

#include "udp.h"

/* sniff: a SYN or SYN+ACK, or (picked up late) a version 1/2 data
 * datagram whose chunk starts a TLS or DTLS record; accepts: any datagram
 * of 3 bytes or more (the flow's datagrams are all RDPEUDP); open:
 * transport "udp", tls.via.framing "rdpeudp". */
extern const struct udp_carrier session_rdpeudp;

#endif
