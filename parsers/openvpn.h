/*
 * openvpn.h - OpenVPN's control channel over TCP as a passive observer reads
 * it: the packets that carry the TLS handshake between an OpenVPN client and
 * server (OpenVPN's "reliability layer"; the wire format is described in the
 * openvpn source's ssl_pkt.h and doc/protocol, and in Wireshark's dissector
 * notes), so that the TLS stream inside can be followed.
 *
 *   TCP: | length (16) | op (5 bits) key_id (3) | session_id (64)
 *        | [tls-auth: HMAC (16..64) | packet_id (32) | net_time (32)]
 *        | ack_count (8) | acked packet_ids (32 x n) | [remote session_id (64), n > 0]
 *        | [message packet_id (32): not in P_ACK_V1] | payload
 *
 * The payload of P_CONTROL_V1 is a piece of the TLS stream, in message
 * packet_id order; resets carry none (a 2.6 client's may carry an early
 * negotiation TLV), P_ACK_V1 none, P_DATA_* the tunnel's encrypted packets.
 * tls-auth adds an HMAC whose size the digest decides (--auth): each size
 * is a layout the client's first packet, a hard reset, may fit
 * (ovpn_first); the later packets must fit it too (ovpn_narrow: their acks
 * name the peer's session id), which tells a SHA-256 tls-auth reset from a
 * tls-crypt one of the same length.  tls-crypt (and tls-crypt-v2) encrypt
 * the control channel with a pre-shared key: recognised, not readable.
 *
 * Pure functions over bytes in memory; reads through cursor.h.
 */
#ifndef TLSTAP_OPENVPN_H
#define TLSTAP_OPENVPN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ovpn_op {
	OVPN_CONTROL_SOFT_RESET_V1 = 3,
	OVPN_CONTROL_V1 = 4,
	OVPN_ACK_V1 = 5,
	OVPN_DATA_V1 = 6,
	OVPN_CONTROL_HARD_RESET_CLIENT_V2 = 7,
	OVPN_CONTROL_HARD_RESET_SERVER_V2 = 8,
	OVPN_DATA_V2 = 9,
	OVPN_CONTROL_HARD_RESET_CLIENT_V3 = 10,
	OVPN_CONTROL_WKC_V1 = 11,
};

enum ovpn_status {
	OVPN_OK = 0,
	OVPN_SHORT,     /* the bytes end before the header does */
	OVPN_BAD,       /* not an OpenVPN packet this parser reads */
};

/* The most acks one control packet carries (OpenVPN sends at most 8). */
#define OVPN_MAX_ACKS 8

struct ovpn_hdr {
	uint8_t op, key_id;
	uint16_t len;           /* after the 2-byte length field */
	size_t hdr_len;         /* from the length field to the payload */
	bool has_msg_id;
	uint32_t msg_id;        /* message packet_id (not in P_ACK_V1) */
	uint8_t n_acks;
	uint8_t sid[8];         /* the sender's session id */
	uint8_t remote_sid[8];  /* the peer's, when n_acks > 0 */
};

/* How the control channel is protected. */
enum ovpn_prot {
	OVPN_PROT_NONE = 0,
	OVPN_PROT_TLS_AUTH,     /* HMAC, replay packet_id and time in clear packets */
	OVPN_PROT_TLS_CRYPT,    /* encrypted with a pre-shared key */
	OVPN_PROT_TLS_CRYPT_V2, /* likewise, per-client key wrapped in the reset */
};

/* The layouts a connection may have: a bitmask over ovpn_auth_sizes
 * (bit i: ovpn_auth_size(i) bytes of tls-auth fields; bit 0 none). */
struct ovpn_layout {
	uint8_t prot;           /* enum ovpn_prot: the first candidate's */
	uint8_t cand;           /* still possible tls-auth sizes; 0 for tls-crypt */
	uint8_t client_sid[8];
};

/* The tls-auth fields' size of candidate i (0..5), or 0 past the end. */
size_t ovpn_auth_size(unsigned i);
/* The size of the layout's first remaining candidate (0: none, tls-crypt). */
size_t ovpn_layout_auth(const struct ovpn_layout *l);

/*
 * A client's first packet, a hard reset (p at the opcode, n its length:
 * a datagram, or a TCP packet after its length field): the layouts it fits
 * into *l.  OVPN_OK when it is a plain, tls-auth, tls-crypt or tls-crypt-v2
 * client reset; OVPN_BAD otherwise (*l undefined).
 */
enum ovpn_status ovpn_first(const uint8_t *p, size_t n, struct ovpn_layout *l);

/*
 * A later control packet of the connection (p at the opcode, n its length),
 * from the client when from_client: keeps in l->cand the tls-auth sizes
 * under which it reads, with any acks naming the peer's session id (the
 * client's; the server's, peer_sid, when known, else NULL).  Returns
 * whether a candidate is left; data packets and tls-crypt leave l as is.
 */
bool ovpn_narrow(struct ovpn_layout *l, const uint8_t *p, size_t n, bool from_client,
		 const uint8_t *peer_sid);

/*
 * The header of the packet at p (2-byte length included), with `auth`
 * bytes of tls-auth fields.  Returns OVPN_OK with *h once the header is in
 * (the payload may still be arriving: p + h->hdr_len .. 2 + h->len);
 * OVPN_SHORT before; OVPN_BAD for an unknown opcode or a header longer than
 * the packet.  Data packets (P_DATA_*) have hdr_len 3: their contents are
 * not read.
 */
enum ovpn_status ovpn_header(const uint8_t *p, size_t n, size_t auth, struct ovpn_hdr *h);

/*
 * The same for a whole packet without the length field (a UDP datagram:
 * p at the opcode, n its length; h->len is n - 1 + 2 as if framed, hdr_len
 * counts from p).  OVPN_OK or OVPN_BAD.
 */
enum ovpn_status ovpn_packet(const uint8_t *p, size_t n, size_t auth, struct ovpn_hdr *h);

/* ---- the control channel over UDP: messages back in packet_id order ---- */

#define OVPN_CHAN_SLOTS 8       /* OpenVPN keeps at most 8 unacknowledged */
#define OVPN_CHAN_MAX_PAYLOAD 4096

struct ovpn_chan_slot {
	bool used;
	uint32_t id;
	uint16_t len;
	uint8_t *buf;
};

struct ovpn_chan {
	uint32_t next;                  /* message packet_id expected next */
	struct ovpn_chan_slot slot[OVPN_CHAN_SLOTS];
	uint8_t *out;                   /* handed out, freed by the next call */
	uint32_t resent;                /* a message seen before: skipped */
	uint32_t reordered;             /* arrived before one it follows */
	uint32_t dropped;               /* past the window, too long, or no memory */
	size_t mem;                     /* bytes of the payloads held */
};

enum ovpn_chan_res { OVPN_CH_HELD = 0, OVPN_CH_AGAIN, OVPN_CH_DROPPED };

/* The channel starts at message packet_id 0 (the hard reset). */
void ovpn_chan_init(struct ovpn_chan *c);
/* Frees what it holds; c may be reused after ovpn_chan_init(). */
void ovpn_chan_free(struct ovpn_chan *c);
/* Message id with n payload bytes (copied): held until its turn, a copy
 * of one seen before (counted, skipped), or dropped (counted): more than
 * OVPN_CHAN_SLOTS ahead, longer than OVPN_CHAN_MAX_PAYLOAD, no memory. */
enum ovpn_chan_res ovpn_chan_add(struct ovpn_chan *c, uint32_t id, const uint8_t *p, size_t n);
/* The next message in order, if held: its payload in *p (valid until the
 * next ovpn_chan_* call) and *n. */
bool ovpn_chan_next(struct ovpn_chan *c, const uint8_t **p, size_t *n);
/* Messages held that their predecessors never completed. */
unsigned ovpn_chan_held(const struct ovpn_chan *c);

#endif
