/*
 * decode.h - link, network and transport headers of one captured packet.
 */
#ifndef TLSTAP_DECODE_H
#define TLSTAP_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

enum decode_result {
	DEC_TCP,        /* a TCP segment: pkt is filled */
	DEC_UDP,        /* a UDP datagram: addresses, ports and payload are filled */
	DEC_FRAGMENT,   /* an IP fragment: frag fields are filled */
	DEC_SKIP,       /* not IP, or not TCP: counted */
	DEC_ERROR,      /* malformed or truncated headers: counted */
};

struct pkt {
	uint8_t af;                  /* 4 or 6 */
	uint8_t src[16], dst[16];
	bool has_vlan;
	uint16_t vlan;               /* outermost tag */
	/* TCP, and ports and payload for UDP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *payload;      /* points into the packet (or fragment buffer) */
	uint32_t payload_len;        /* bytes present */
	uint32_t payload_missing;    /* bytes cut by the snaplen */
	uint32_t ip_len;             /* IP datagram length, for byte counters */
	/* IP fragment (DEC_FRAGMENT) */
	uint32_t frag_id;
	uint32_t frag_off;           /* bytes */
	bool frag_more;
	uint8_t frag_proto;
	const uint8_t *frag_data;
	uint32_t frag_len;
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

/* Decode one packet of link type dlt.  Never reads past caplen. */
enum decode_result decode_packet(int dlt, const uint8_t *p, uint32_t caplen,
				 uint32_t wirelen, struct pkt *out, struct tt_stats *st);
/* Decode a TCP segment held in a reassembled IP datagram's payload. */
enum decode_result decode_tcp(const uint8_t *p, uint32_t n, struct pkt *out,
			      struct tt_stats *st);
/* The same for a UDP datagram. */
enum decode_result decode_udp(const uint8_t *p, uint32_t n, struct pkt *out,
			      struct tt_stats *st);
int decode_dlt_supported(int dlt);

#endif
