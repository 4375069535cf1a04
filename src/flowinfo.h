/*
 * flowinfo.h - what the emitter needs to know about a TCP connection or UDP flow,
 * without seeing the flow table, the reassembly or any wire bytes.
 *
 * Sides are flow-relative: side 0 is the endpoint that sent the first packet
 * the flow table saw, side 1 the other.  `syn_side` is the side that sent a
 * SYN without ACK (-1 if none was seen).  The TLS client is the verdict's
 * (see README, "Orientation"), else the SYN sender, else side 0.
 */
#ifndef TLSTAP_FLOWINFO_H
#define TLSTAP_FLOWINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "encap.h"

struct flow_endpoints {
	uint8_t af;                     /* 4 or 6 */
	uint8_t proto;                  /* IP protocol: 6 TCP, 17 UDP (0 is TCP) */
	uint8_t addr[2][16];            /* IPv4 in the first 4 bytes */
	uint16_t port[2];
	bool has_vlan;
	uint16_t vlan;                  /* outermost 802.1Q/802.1ad id */
	uint64_t tkey;                  /* tunnel identifiers (decode.h); 0: none */
};

struct flow_counters {
	uint64_t bytes[2];              /* IP bytes sent by each side */
	uint64_t pkts[2];
	uint64_t first_ns, last_ns;     /* packet times, ns since the epoch */
	uint32_t source;                /* source of the first packet (sources.h), 0 unknown */
};

struct session;
struct verdict;

struct flow_info {
	const struct flow_endpoints *ep;
	const struct flow_counters *ct;
	int syn_side;                   /* -1, 0 or 1 */
	const struct session *sess;     /* may be NULL: no payload seen */
	const struct verdict *verdict;  /* the session's (verdict.h); NULL with sess */
	/* How each side's first packet travelled; NULL: not tunnelled. */
	const struct encap_chain *encap[2];
	/* The connection has ended: ct holds its totals, not only what was
	 * counted up to the handshake's outcome. */
	bool at_end;
	int client;                     /* the client's side: the verdict's, else the SYN's, else 0 */
	char community_id[64];          /* network.community_id (Community ID v1, client first) */
};

#endif
