/*
 * gquic.c - the Google QUIC CHLO and Q043..Q049 clear-text packets.
 * Picture and sources: gquic.h.
 */
#include "gquic.h"

#include <string.h>

#include "cursor.h"
#include "digest.h"

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

size_t gquic_chlo_len(const uint8_t *p, size_t n)
{
	struct cur c = cur_make(p, n);
	uint16_t ntags, pad;
	uint32_t tag, end = 0;

	if (!cur_skip(&c, 4) || !le16(&c, &ntags) || !le16(&c, &pad))
		return n;
	for (uint16_t i = 0; i < ntags; i++)
		if (!le32(&c, &tag) || !le32(&c, &end))
			return n;
	return 8 + (size_t)ntags * 8 + end > n ? n : 8 + (size_t)ntags * 8 + end;
}

size_t gquic_cyu(const struct gquic_chlo *ch, uint32_t version, char *out, size_t cap,
		 char md5hex[33])
{
	size_t n = 0;
	uint8_t md5[16];
	unsigned d2 = (version >> 8) & 0xff, d3 = version & 0xff;

	if (cap < 8) {
		md5hex[0] = '\0';
		if (cap)
			out[0] = '\0';
		return 0;
	}
	if (((version >> 16) & 0xff) != '0')
		out[n++] = (char)((version >> 16) & 0xff);
	out[n++] = (char)d2;
	out[n++] = (char)d3;
	out[n++] = ',';
	for (uint16_t i = 0; i < ch->n_tags && n + 6 < cap; i++) {
		if (i)
			out[n++] = '-';
		for (unsigned k = 0; k < 4; k++) {
			char c = (char)((ch->tags[i] >> (8 * k)) & 0xff);

			if (!c)
				break;
			/* Tags are printable ASCII in practice; others become '?'. */
			out[n++] = c >= 0x21 && c <= 0x7e ? c : '?';
		}
	}
	out[n] = '\0';
	dig_md5(out, n, md5);
	dig_hex(md5, 16, md5hex, 0);
	return n;
}

/* n bytes as an unsigned integer, big-endian from Q039 on, little before. */
static bool uint_n(struct cur *c, unsigned n, bool le, uint64_t *v)
{
	uint8_t b;

	*v = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!cur_u8(c, &b))
			return false;
		*v = le ? *v | (uint64_t)b << (8 * i) : *v << 8 | b;
	}
	return true;
}

/* A STREAM frame (1fdooossB): stream id, offset, [data length u16], data.
 * The handshake stream is stream 1; its data goes to cs relative to *base,
 * the offset of the first CHLO seen (a capture may start at a later CHLO,
 * after the server's REJ, at a non-zero stream offset). */
static bool stream_frame(struct cur *c, uint8_t t, bool le, struct quic_cstream *cs,
			 uint64_t *base, struct anom_set *a)
{
	unsigned off_len = (t >> 2) & 7;
	uint64_t id, off, dlen;
	const uint8_t *d;

	if (off_len)
		off_len++;
	if (!uint_n(c, (t & 3u) + 1, le, &id) || !uint_n(c, off_len, le, &off))
		return false;
	if (t & 0x20) {
		if (!uint_n(c, 2, le, &dlen))
			return false;
	} else {
		dlen = c->left;
	}
	if (!cur_bytes(c, (size_t)dlen, &d))
		return false;
	if (id != 1 || !cs)
		return true;
	if (*base == UINT64_MAX && dlen >= 4 && memcmp(d, "CHLO", 4) == 0)
		*base = off;
	if (*base != UINT64_MAX && off >= *base)
		quic_cstream_push(cs, off - *base, d, (size_t)dlen, a);
	return true;
}

/* Bytes before the frames: the header, the 12-byte message hash, and up to
 * Q033 a private-flags byte. */
static size_t header_len(const struct quic_packet *pk, unsigned q)
{
	static const unsigned pn_len[4] = { 1, 2, 4, 6 };
	size_t hdr;

	if (pk->first & 0x80)
		hdr = 6u + pk->dcid.len + pk->scid.len + (pk->first & 3u) + 1u;
	else
		hdr = 1 + 8 + 4 + pn_len[(pk->first >> 4) & 3];
	return hdr + 12 + (q <= 33 ? 1 : 0);
}

enum quic_status gquic_old_packet(const struct quic_packet *pk, struct quic_cstream *cs,
				  uint64_t *base, struct anom_set *a)
{
	struct cur c = cur_make(pk->start, pk->len);
	struct quic_vinfo vi;
	unsigned q;
	uint8_t t;

	if (!quic_version_info(pk->version, &vi) || vi.family != QUIC_FAM_GQUIC_OLD) {
		anom_add(a, "gquic_bad_packet");
		return QUIC_BAD;
	}
	q = (unsigned)((vi.name[1] - '0') * 100 + (vi.name[2] - '0') * 10 + (vi.name[3] - '0'));
	if (!cur_skip(&c, header_len(pk, q))) {
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
		if (!stream_frame(&c, t, q < 39, cs, base, a)) {
			anom_add(a, "gquic_bad_packet");
			return QUIC_BAD;
		}
	}
	return QUIC_OK;
}
