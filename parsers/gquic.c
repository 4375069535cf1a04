/*
 * gquic.c - the Google QUIC CHLO and Q043..Q049 clear-text packets.
 * Picture and sources: gquic.h.
 */
#include "gquic.h"

#include <string.h>

#include "cursor.h"

static bool le16(struct cur *c, uint16_t *v)
{
	uint8_t b[2];

	if (!cur_copy(c, b, 2))
		return false;
	*v = (uint16_t)(b[0] | b[1] << 8);
	return true;
}

static bool le32(struct cur *c, uint32_t *v)
{
	uint8_t b[4];

	if (!cur_copy(c, b, 4))
		return false;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

static void keep(const uint8_t *v, size_t len, uint8_t *dst, uint16_t *dlen,
		 struct anom_set *a)
{
	if (len > GQUIC_STR_MAX) {
		anom_add(a, "string_truncated");
		len = GQUIC_STR_MAX;
	}
	memcpy(dst, v, len);
	*dlen = (uint16_t)len;
}

#define TAG(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | \
			 (uint32_t)(d) << 24)

static void chlo_value(struct gquic_chlo *ch, uint32_t tag, const uint8_t *v, size_t len,
		       struct anom_set *a)
{
	if (tag == TAG('S', 'N', 'I', 0)) {
		ch->has_sni = true;
		keep(v, len, ch->sni, &ch->sni_len, a);
	} else if (tag == TAG('U', 'A', 'I', 'D')) {
		ch->has_uaid = true;
		keep(v, len, ch->uaid, &ch->uaid_len, a);
	} else if (tag == TAG('V', 'E', 'R', 0) && len == 4) {
		ch->has_ver = true;
		memcpy(ch->ver, v, 4);
	}
}

enum quic_status gquic_chlo_parse(const uint8_t *p, size_t n, struct gquic_chlo *ch,
				  struct anom_set *a)
{
	struct cur c = cur_make(p, n), idx, vals;
	uint16_t ntags, pad;
	uint32_t tag, end, prev = 0, last = 0;
	const uint8_t *v = NULL;

	memset(ch, 0, sizeof *ch);
	if (n >= 4 && memcmp(p, "CHLO", 4) != 0) {
		anom_add(a, "gquic_bad_chlo");
		return QUIC_BAD;
	}
	if (!cur_skip(&c, 4) || !le16(&c, &ntags) || !le16(&c, &pad) ||
	    !cur_sub(&c, (size_t)ntags * 8, &idx))
		return QUIC_SHORT;
	/* The last end offset is the size of the value area. */
	for (struct cur t = idx; le32(&t, &tag) && le32(&t, &end);)
		last = end;
	if (!cur_sub(&c, last, &vals))
		return QUIC_SHORT;
	while (le32(&idx, &tag) && le32(&idx, &end)) {
		ch->n_tags_total++;
		if (ch->n_tags < GQUIC_MAX_TAGS)
			ch->tags[ch->n_tags++] = tag;
		else
			anom_add(a, "list_truncated");
		if (end < prev || end > last) {
			anom_add(a, "gquic_bad_chlo");
			return QUIC_BAD;
		}
		if (!cur_bytes(&vals, end - prev, &v))
			return QUIC_BAD;   /* cannot happen: end <= last */
		chlo_value(ch, tag, v, end - prev, a);
		prev = end;
	}
	return QUIC_OK;
}

/* A STREAM frame (1fdooossB): stream id, offset, [data length u16], data. */
static bool stream_frame(struct cur *c, uint8_t t, struct quic_cstream *cs,
			 struct anom_set *a)
{
	unsigned id_len = (t & 3) + 1, off_len = (t >> 2) & 7;
	uint64_t id = 0, off = 0;
	uint16_t dlen;
	uint8_t b;
	const uint8_t *d;

	if (off_len)
		off_len++;
	for (unsigned i = 0; i < id_len; i++) {
		if (!cur_u8(c, &b))
			return false;
		id = id << 8 | b;
	}
	for (unsigned i = 0; i < off_len; i++) {
		if (!cur_u8(c, &b))
			return false;
		off = off << 8 | b;
	}
	if (t & 0x20) {
		if (!cur_u16(c, &dlen))
			return false;
	} else {
		dlen = (uint16_t)(c->left > 0xffff ? 0xffff : c->left);
	}
	if (!cur_bytes(c, dlen, &d))
		return false;
	if (id == 1 && cs)
		quic_cstream_push(cs, off, d, dlen, a);
	return true;
}

enum quic_status gquic_old_packet(const struct quic_packet *pk, struct quic_cstream *cs,
				  struct anom_set *a)
{
	struct cur c = cur_make(pk->start, pk->len);
	uint8_t t;
	size_t hdr;

	if (pk->first & 0x80) {
		hdr = 6u + pk->dcid.len + pk->scid.len + (pk->first & 3u) + 1u;
	} else {
		static const unsigned pn_len[4] = { 1, 2, 4, 6 };
		hdr = 1 + 8 + 4 + pn_len[(pk->first >> 4) & 3];
	}
	if (!cur_skip(&c, hdr + 12)) {   /* + the 12-byte message hash */
		anom_add(a, "gquic_bad_packet");
		return QUIC_BAD;
	}
	while (cur_u8(&c, &t)) {
		if (t == 0x00)
			break;                /* padding to the end */
		if (t == 0x07)
			continue;             /* PING */
		if (!(t & 0x80))
			break;                /* ACK, STOP_WAITING, ...: not needed */
		if (!stream_frame(&c, t, cs, a)) {
			anom_add(a, "gquic_bad_packet");
			return QUIC_BAD;
		}
	}
	return QUIC_OK;
}
