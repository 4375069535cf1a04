/*
 * session_rdpeudp.h - the carrier of RDP's UDP transport (MS-RDPEUDP,
 * MS-RDPEUDP2): the TLS stream of its reliable mode into the TCP carrier's
 * record path, the DTLS datagrams of its lossy mode into the DTLS carrier
 * (session_rdpeudp.c).
 */
#ifndef TLSTAP_SESSION_RDPEUDP_H
#define TLSTAP_SESSION_RDPEUDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct session;

/* Whether a datagram opens an RDPEUDP flow: a SYN or SYN+ACK, or (picked
 * up late) a version 1/2 data datagram whose chunk starts a TLS or DTLS
 * record. */
bool session_rdpeudp_sniff(const uint8_t *p, size_t n);
/* Whether a datagram of the flow is to be read (any of 3 bytes or more:
 * the flow's datagrams are all RDPEUDP). */
bool session_rdpeudp_accepts(const uint8_t *p, size_t n);
/* A new session (transport "udp", tls.via.framing "rdpeudp"); NULL on ENOMEM. */
struct session *session_rdpeudp_new(struct tt_ctx *ctx);
/* One datagram of the flow, flow-relative direction dir; `missing` bytes
 * were cut by the snaplen. */
void session_rdpeudp_datagram(struct session *s, int dir, const uint8_t *p, size_t n,
			      uint32_t missing, uint64_t ts_ns);

#endif
