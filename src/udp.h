/*
 * udp.h - what a UDP flow carries, decided by content, and where each of
 * its datagrams goes.
 *
 * The pipeline asks udp_sniff() about a datagram of no known flow: a
 * protocol says "this datagram starts (or continues) one of my flows", and
 * only then does the flow enter the table.  Every later datagram of the flow
 * goes through udp_accepts() (several protocols share one port pair: WebRTC
 * multiplexes STUN, DTLS and SRTP, told apart by the first byte, RFC 7983)
 * and then to the protocol's push.  Adding a protocol is one row in udp.c.
 */
#ifndef TLSTAP_UDP_H
#define TLSTAP_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct session;

enum udp_proto {
	UDP_NONE = 0,           /* not a protocol tlstap decodes */
	UDP_DTLS,
	UDP_QUIC,
	UDP_CAPWAP_DTLS,        /* DTLS behind the CAPWAP DTLS header */
	UDP_OPENVPN,            /* TLS in OpenVPN's control channel */
	UDP_RDPEUDP,            /* TLS or DTLS in RDP's UDP transport */
	UDP_NPROTO
};

/* A carrier of TLS or DTLS over UDP: `sniff` decides from one datagram
 * whether it opens (or, picked up late, continues) a flow of it; `accepts`
 * whether a later datagram of the flow is the carrier's; `open` makes the
 * flow's session (a handshake-core session with the carrier's state; NULL
 * on ENOMEM); `push` hands one datagram over (dir flow-relative, `missing`
 * bytes cut by the snaplen). */
struct udp_carrier {
	bool (*sniff)(const uint8_t *p, size_t n);
	bool (*accepts)(const uint8_t *p, size_t n);
	struct session *(*open)(struct tt_ctx *ctx);
	void (*push)(struct session *s, int dir, const uint8_t *p, size_t n, uint32_t missing,
		     uint64_t ts_ns);
};

/* The protocol this datagram opens a flow of, or UDP_NONE. */
enum udp_proto udp_sniff(const uint8_t *p, size_t n);
/* Whether a datagram of a flow of protocol `proto` is that protocol's (and
 * not STUN, RTP, ... on the same ports). */
bool udp_accepts(enum udp_proto proto, const uint8_t *p, size_t n);
/* A new session for a flow of protocol `proto` (owned by the flow; freed
 * with session_free()); NULL on ENOMEM. */
struct session *udp_open(enum udp_proto proto, struct tt_ctx *ctx);
/* Hand one datagram to the flow's session: dir is flow-relative, `missing`
 * bytes were cut by the snaplen. */
void udp_push(enum udp_proto proto, struct session *s, int dir, const uint8_t *p, size_t n,
	      uint32_t missing, uint64_t ts_ns);

#endif
