/*
 * openvpn.c - OpenVPN control packets over TCP (see openvpn.h for the
 * layout and what is read).
 */
#include "openvpn.h"

#include "cursor.h"

/* tls-auth HMAC sizes (MD5, SHA-1, SHA-256, SHA-384, SHA-512), each with
 * the replay packet_id and net_time (8 bytes). */
static const uint8_t auth_sizes[] = { 0, 16 + 8, 20 + 8, 32 + 8, 48 + 8, 64 + 8 };

/* A client's hard reset without acks: op, session id, auth, ack count 0,
 * message packet_id; a 2.6 client may append its early negotiation TLV
 * (type 1, length 2, flags). */
#define RESET_MIN (1 + 8 + 1 + 4)
#define EARLY_NEG 6

enum ovpn_status ovpn_auth_size(const uint8_t *p, size_t n, size_t *auth)
{
	struct cur c = cur_make(p, n);
	uint16_t len;
	uint8_t op;

	if (!cur_u16(&c, &len) || !cur_u8(&c, &op))
		return OVPN_SHORT;
	if (op >> 3 != OVPN_CONTROL_HARD_RESET_CLIENT_V2 || len < RESET_MIN)
		return OVPN_BAD;
	if (c.left + 1 < len)
		return OVPN_SHORT;
	for (size_t i = 0; i < sizeof auth_sizes; i++) {
		size_t a = auth_sizes[i];
		struct cur t = c;
		uint8_t acks;
		uint16_t type;

		if (len != RESET_MIN + a && len != RESET_MIN + a + EARLY_NEG)
			continue;
		if (!cur_skip(&t, 8 + a) || !cur_u8(&t, &acks) || acks != 0 || !cur_skip(&t, 4))
			continue;
		if (len == RESET_MIN + a + EARLY_NEG && (!cur_u16(&t, &type) || type != 1))
			continue;
		*auth = a;
		return OVPN_OK;
	}
	return OVPN_BAD;
}

static bool is_control(uint8_t op)
{
	return op == OVPN_CONTROL_SOFT_RESET_V1 || op == OVPN_CONTROL_V1 || op == OVPN_ACK_V1 ||
	       op == OVPN_CONTROL_HARD_RESET_CLIENT_V2 || op == OVPN_CONTROL_HARD_RESET_SERVER_V2 ||
	       op == OVPN_CONTROL_HARD_RESET_CLIENT_V3 || op == OVPN_CONTROL_WKC_V1;
}

enum ovpn_status ovpn_header(const uint8_t *p, size_t n, size_t auth, struct ovpn_hdr *h)
{
	struct cur c = cur_make(p, n), pkt;
	uint8_t b;

	if (!cur_u16(&c, &h->len) || !cur_u8(&c, &b))
		return OVPN_SHORT;
	h->op = b >> 3;
	h->key_id = b & 7;
	h->has_msg_id = false;
	h->n_acks = 0;
	h->hdr_len = 3;
	if (h->len == 0)
		return OVPN_BAD;
	if (h->op == OVPN_DATA_V1 || h->op == OVPN_DATA_V2)
		return OVPN_OK;
	if (!is_control(h->op))
		return OVPN_BAD;
	/* The header lies inside the packet: parse it in a cursor of the
	 * packet's declared length, of which the bytes present so far. */
	pkt = cur_make(c.p, c.left < h->len - 1u ? c.left : h->len - 1u);
	if (!cur_skip(&pkt, 8 + auth) || !cur_u8(&pkt, &h->n_acks))
		goto cut;
	if (h->n_acks > OVPN_MAX_ACKS)
		return OVPN_BAD;
	if (!cur_skip(&pkt, 4u * h->n_acks + (h->n_acks ? 8u : 0u)))
		goto cut;
	if (h->op != OVPN_ACK_V1) {
		if (!cur_u32(&pkt, &h->msg_id))
			goto cut;
		h->has_msg_id = true;
	}
	h->hdr_len = (size_t)(pkt.p - p);
	return OVPN_OK;
cut:
	/* Short of the bytes present, or of the packet itself. */
	return c.left + 1 < h->len ? OVPN_SHORT : OVPN_BAD;
}
