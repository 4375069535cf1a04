/*
 * prelude_ovpn.c - OpenVPN's control channel over TCP as a prelude whose
 * TLS comes wrapped (openvpn.h reads the packets): the client's hard reset
 * names the protocol and its protection (openvpn.h: none, tls-auth and
 * its HMAC size, tls-crypt: then nothing more is read); from then on both directions'
 * P_CONTROL_V1 payloads are the TLS stream, in message packet_id order (a
 * retransmitted one is skipped), and every other packet (resets, acks, the
 * tunnel's data) is skipped whole, never buffered.
 *
 *   | len | op | sid | [auth] | acks | [msg id] | TLS piece |   -> PRE_WRAPPED
 *   | len | P_ACK_V1 / P_DATA_* ...                         |   -> skipped
 */
#include "openvpn.h"
#include "prelude_impl.h"

void pre_ovpn_start(struct pre_state *ps, int client_dir, uint8_t prot, uint8_t hmac, bool udp)
{
	ps->info.proto = PRE_P_OPENVPN;
	ps->phase = PRE_PH_UPGRADE;
	pre_set_client(ps, client_dir);
	ps->info.ovpn_prot = prot;
	ps->info.ovpn_hmac = hmac;
	ps->info.ovpn_udp = udp;
	ps->info.result = PRE_R_ACCEPTED;
	/* tls-crypt: the TLS is there, encrypted: no direction shows it. */
	ps->d[0].mode = ps->d[1].mode = prot >= OVPN_PROT_TLS_CRYPT ? PRE_M_OFF : PRE_M_WRAP;
}

bool pre_encrypted(const struct pre_state *ps)
{
	return ps->info.proto == PRE_P_OPENVPN && ps->info.ovpn_prot >= OVPN_PROT_TLS_CRYPT;
}

enum pre_step pre_ovpn_identify(struct pre_state *ps, int dir, const uint8_t *p, size_t n)
{
	struct cur c = cur_make(p, n);
	struct ovpn_layout l;
	const uint8_t *pkt;
	uint16_t len;
	size_t auth;

	if (!cur_u16(&c, &len))
		return PRE_S_NEED;
	if (!cur_bytes(&c, len, &pkt))
		return n >= PRE_MAX_ITEM || len >= PRE_MAX_ITEM ? PRE_S_NO : PRE_S_NEED;
	if (ovpn_first(pkt, len, &l) != OVPN_OK)
		return PRE_S_NO;
	auth = ovpn_layout_auth(&l);
	pre_ovpn_start(ps, dir, l.prot, (uint8_t)(auth ? auth - 8 : 0), false);
	ps->ovpn_auth = (uint8_t)auth;
	return PRE_S_OK;
}

/* The packet whose header h was read: its payload is TLS to hand over
 * (a new P_CONTROL_V1 message) or bytes to skip. */
static void one_packet(struct pre_state *ps, int dir, const struct ovpn_hdr *h)
{
	struct pre_dir *d = &ps->d[dir];
	uint32_t body = (uint32_t)(2u + h->len - h->hdr_len);
	bool fresh = h->has_msg_id && h->msg_id >= ps->ovpn_next[dir];

	if (h->has_msg_id && fresh)
		ps->ovpn_next[dir] = h->msg_id + 1;
	else if (h->op == OVPN_CONTROL_V1)
		ps->info.ovpn_resent++;
	if (h->op == OVPN_CONTROL_V1 && fresh)
		d->wrap_left = body;
	else
		d->skip = body;
}

enum pre_status pre_ovpn_unwrap(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
				size_t *consumed, size_t *chunk_off, size_t *chunk_len)
{
	struct pre_dir *d = &ps->d[dir];
	size_t off = 0;

	*consumed = 0;
	while (d->wrap_left == 0) {
		struct ovpn_hdr h;

		if (d->skip) {
			size_t k = n - off < d->skip ? n - off : d->skip;

			off += k;
			d->skip -= (uint32_t)k;
			if (d->skip)
				goto need;
			continue;
		}
		if (off == n)
			goto need;
		enum ovpn_status st = ovpn_header(p + off, n - off, ps->ovpn_auth, &h);

		if (st == OVPN_SHORT && n - off < PRE_MAX_ITEM)
			goto need;
		if (st != OVPN_OK) {     /* (a header is never PRE_MAX_ITEM long) */
			pre_fail(ps, "openvpn_malformed");
			*consumed = n;
			return PRE_DONE;
		}
		off += h.hdr_len;
		one_packet(ps, dir, &h);
	}
	if (off == n)
		goto need;
	*chunk_off = off;
	*chunk_len = n - off < d->wrap_left ? n - off : d->wrap_left;
	d->wrap_left -= (uint32_t)*chunk_len;
	*consumed = off + *chunk_len;
	return PRE_WRAPPED;
need:
	*consumed = off;
	return PRE_NEED_MORE;
}
