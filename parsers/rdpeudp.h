/*
 * rdpeudp.h - RDP's UDP transport as a passive observer reads it: the
 * datagrams of [MS-RDPEUDP] (version 1 and 2 of its protocol) and of
 * [MS-RDPEUDP2] (what version 3 switches to after the SYN exchange), so
 * that the TLS (reliable mode) or DTLS (lossy mode) they carry can be
 * followed.  All fields are big-endian in MS-RDPEUDP, little-endian in
 * MS-RDPEUDP2.
 *
 * MS-RDPEUDP 2.2.2 (every datagram of versions 1 and 2, and the SYN and
 * SYN+ACK of version 3):
 *
 *   RDPUDP_FEC_HEADER     | snSourceAck (32) | uReceiveWindowSize (16) | uFlags (16) |
 *   SYN, SYN+ACK:         | snInitialSequenceNumber (32) | uUpStreamMtu (16) | uDownStreamMtu (16) |
 *                         | [CORRELATION_ID: uCorrelationId (128) | reserved (128)]
 *                         | [SYNEX: uSynExFlags (16) | uUdpVer (16) | [ver 0x101: cookie hash (256)]]
 *                         | zero padding to the MTU
 *   other datagrams:      | [ACK: uAckVectorSize (16) | elements (8 x n) | padding to 4]
 *                         | [ACK_OF_ACKS: snAckOfAcksSeqNum (32)]
 *                         | [DATA: snCoded (32) | snSourceStart (32)              (source packet)
 *                         |        or with FEC: snCoded | snSourceStart | uRange (8)
 *                         |        | uFecIndex (8) | padding (16)               (coded: not data)]
 *                         | payload: the next chunk of the TLS stream (reliable), or
 *                         |          one DTLS datagram (lossy, RDPUDP_FLAG_SYNLOSSY)
 *
 * MS-RDPEUDP2 2.2.1 (version 3 after the SYN+ACK; bytes 0 and 7 of each
 * datagram of 8 bytes or more are swapped on the wire: rdpeudp2_unswap):
 *
 *   | prefix: packet type (bits 1-4: 0 data, 8 dummy), short length (bits 0-2) |
 *   | flags (12 bits) + log window (4), LE 16 |
 *   | [ACK: seq (16) | time stamp (24) | send gap (8) | n delayed (4) + scale (4) | n bytes]
 *   | [OVERHEADSIZE (8)] | [DELAYACKINFO (24)] | [AOA: seq (16)] | [DATA: data seq (16)]
 *   | [ACKVEC: base seq (16) | size (7) + has time stamp (1) | [time stamp (24) | gap (8)]
 *   |         | size bytes]
 *   | [DATA, not dummy: channel seq (16) | body: the next chunk of the TLS stream]
 *
 * Pure functions over bytes in memory; reads through cursor.h.
 */
#ifndef TLSTAP_RDPEUDP_H
#define TLSTAP_RDPEUDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RDPUDP_FEC_HEADER uFlags (MS-RDPEUDP 2.2.2.1) */
#define RDPEUDP_SYN 0x0001
#define RDPEUDP_FIN 0x0002
#define RDPEUDP_ACK 0x0004
#define RDPEUDP_DATA 0x0008
#define RDPEUDP_FEC 0x0010
#define RDPEUDP_CN 0x0020
#define RDPEUDP_CWR 0x0040
#define RDPEUDP_AOA 0x0100
#define RDPEUDP_SYNLOSSY 0x0200
#define RDPEUDP_ACKDELAYED 0x0400
#define RDPEUDP_CORRELATION_ID 0x0800
#define RDPEUDP_SYNEX 0x1000

/* uUdpVer (2.2.2.9): version 3 means MS-RDPEUDP2 after the SYN exchange. */
#define RDPEUDP_VER_1 0x0001
#define RDPEUDP_VER_2 0x0002
#define RDPEUDP_VER_3 0x0101

enum rdpeudp_status {
	RDPEUDP_OK = 0,
	RDPEUDP_BAD,            /* not a datagram of this kind, or cut short */
};

/* A SYN or SYN+ACK datagram. */
struct rdpeudp_syn {
	uint32_t source_ack;    /* -1 in a SYN, the peer's ISN in a SYN+ACK */
	uint16_t flags;
	uint32_t isn;           /* snInitialSequenceNumber */
	uint16_t up_mtu, down_mtu;
	bool has_cid;
	uint8_t cid[16];        /* uCorrelationId */
	uint16_t version;       /* uUdpVer; RDPEUDP_VER_1 without SYNEX version info */
};

/* A datagram after the SYN exchange, either layout. */
struct rdpeudp_pkt {
	uint16_t flags;         /* uFlags; MS-RDPEUDP2: its 12 flag bits */
	bool data;              /* a chunk of the stream (or DTLS datagram) follows */
	uint32_t seq;           /* its sequence number: snSourceStart; MS-RDPEUDP2: the
				 * channel sequence number (16 bits) */
	const uint8_t *body;    /* the chunk, inside the datagram given */
	size_t len;
};

/*
 * A SYN (from the client) or SYN+ACK (from the server) at p, n bytes:
 * RDPEUDP_OK with *s when the flags have RDPEUDP_SYN, the MTUs are in the
 * range the specification allows (1132..1232) and the optional payloads
 * the flags announce are there; RDPEUDP_BAD otherwise.
 */
enum rdpeudp_status rdpeudp_syn(const uint8_t *p, size_t n, struct rdpeudp_syn *s);

/*
 * A datagram of versions 1 and 2 that is not a SYN: RDPEUDP_OK with *o
 * (o->data when it carries a source packet: FEC-coded packets are not
 * data); RDPEUDP_BAD when a structure its flags announce is cut short or
 * the ACK vector is longer than the specification's 2048 bytes.
 */
enum rdpeudp_status rdpeudp_v1(const uint8_t *p, size_t n, struct rdpeudp_pkt *o);

/* Swaps bytes 0 and 7 of an MS-RDPEUDP2 datagram (a no-op under 8 bytes):
 * the same call restores the wire order. */
void rdpeudp2_unswap(uint8_t *p, size_t n);

/*
 * An MS-RDPEUDP2 datagram in its unswapped order (rdpeudp2_unswap): *o as
 * rdpeudp_v1's (dummy packets carry no data); RDPEUDP_BAD when a payload
 * its flags announce is cut short.
 */
enum rdpeudp_status rdpeudp_v2(const uint8_t *p, size_t n, struct rdpeudp_pkt *o);

#endif
