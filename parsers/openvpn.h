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
 * tls-auth adds an HMAC whose size the keys decide: it is learnt from the
 * length of the first packet, a hard reset.  tls-crypt encrypts the control
 * channel: not readable (ovpn_auth_size says OVPN_BAD).
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
};

/*
 * From a client's hard reset (the first packet of the connection, 2-byte
 * length included): the size of the tls-auth fields (HMAC, packet_id,
 * net_time; 0 without tls-auth) into *auth.  OVPN_SHORT when the packet is
 * not whole yet; OVPN_BAD when it is not a plain or tls-auth hard reset.
 */
enum ovpn_status ovpn_auth_size(const uint8_t *p, size_t n, size_t *auth);

/*
 * The header of the packet at p (2-byte length included), with `auth`
 * bytes of tls-auth fields.  Returns OVPN_OK with *h once the header is in
 * (the payload may still be arriving: p + h->hdr_len .. 2 + h->len);
 * OVPN_SHORT before; OVPN_BAD for an unknown opcode or a header longer than
 * the packet.  Data packets (P_DATA_*) have hdr_len 3: their contents are
 * not read.
 */
enum ovpn_status ovpn_header(const uint8_t *p, size_t n, size_t auth, struct ovpn_hdr *h);

#endif
