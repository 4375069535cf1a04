/*
 * quic.c - QUIC packet headers: RFC 8999 (invariants), RFC 9000 17.2-17.3
 * (long and short headers, Version Negotiation, Retry), RFC 9369 3.2 (v2
 * packet types), the drafts' version numbers, and the Google QUIC versions
 * that share the long header (Q046, Q050, T050, T051).  Picture: quic.h.
 *
 * A datagram may carry several long-header packets back to back (RFC 9000
 * 12.2, coalescing); each one's Length field says where the next begins.
 */
#include "quic.h"

#include <stdio.h>

bool quic_varint(struct cur *c, uint64_t *v)
{
	struct cur t = *c;
	uint8_t b;
	unsigned n;

	if (!cur_u8(&t, &b))
		return false;
	n = 1u << (b >> 6);
	*v = b & 0x3f;
	for (unsigned i = 1; i < n; i++) {
		if (!cur_u8(&t, &b))
			return false;
		*v = *v << 8 | b;
	}
	*c = t;
	return true;
}

/* Initial salts: RFC 9001 5.2, RFC 9369 3.3.1, draft-ietf-quic-tls-23 and
 * -29 5.2, and Google's T050/T051/Q050 (Chromium quic_crypto_utils). */
static const uint8_t salt_v1[20] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a };
static const uint8_t salt_v2[20] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9 };
static const uint8_t salt_d22[20] = {
	0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a,
	0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a };
static const uint8_t salt_d23[20] = {
	0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
	0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02 };
static const uint8_t salt_d29[20] = {
	0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
	0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99 };
static const uint8_t salt_q050[20] = {
	0x50, 0x45, 0x74, 0xef, 0xd0, 0x66, 0xfe, 0x2f, 0x9d, 0x94,
	0x5c, 0xfc, 0xdb, 0xd3, 0xa7, 0xf0, 0xd3, 0xb5, 0x6b, 0x45 };
static const uint8_t salt_t050[20] = {
	0x7f, 0xf5, 0x79, 0xe5, 0xac, 0xd0, 0x72, 0x91, 0x55, 0x80,
	0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c, 0x60, 0x48, 0x83, 0x10 };
static const uint8_t salt_t051[20] = {
	0x7a, 0x4e, 0xde, 0xf4, 0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50,
	0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc, 0xda, 0x6e, 0x03, 0x3d };

static void vset(struct quic_vinfo *vi, enum quic_family f, const uint8_t *salt,
		 bool varint_tp, const char *name)
{
	vi->family = f;
	vi->salt = salt;
	vi->v2 = false;
	vi->varint_tp = varint_tp;
	snprintf(vi->name, sizeof vi->name, "%s", name);
}

/* Google QUIC versions are four ASCII characters: "Q046". */
static bool gquic_ascii(uint32_t v, char prefix, unsigned lo, unsigned hi, unsigned *num)
{
	unsigned d1 = (v >> 16) & 0xff, d2 = (v >> 8) & 0xff, d3 = v & 0xff;

	if ((v >> 24) != (unsigned char)prefix || d1 < '0' || d1 > '9' || d2 < '0' ||
	    d2 > '9' || d3 < '0' || d3 > '9')
		return false;
	*num = (d1 - '0') * 100 + (d2 - '0') * 10 + (d3 - '0');
	return *num >= lo && *num <= hi;
}

bool quic_version_info(uint32_t v, struct quic_vinfo *vi)
{
	unsigned d = v & 0xff, q;

	vset(vi, QUIC_FAM_UNKNOWN, NULL, true, "");
	if (v == QUIC_V1) {
		vset(vi, QUIC_FAM_IETF, salt_v1, true, "1");
	} else if (v == QUIC_V2) {
		vset(vi, QUIC_FAM_IETF, salt_v2, true, "2");
		vi->v2 = true;
	} else if ((v >> 8) == 0xff0000 && d >= 22 && d <= 34) {
		vset(vi, QUIC_FAM_IETF, d >= 33 ? salt_v1 : d >= 29 ? salt_d29 :
			 d >= 23 ? salt_d23 : salt_d22, d >= 27, "");
		snprintf(vi->name, sizeof vi->name, "draft-%u", d);
	} else if (v == 0xfaceb001) {
		vset(vi, QUIC_FAM_IETF, salt_d22, false, "mvfst-22");
	} else if (v == 0xfaceb002 || v == 0xfaceb00e) {
		/* mvfst's draft-27 based versions. */
		vset(vi, QUIC_FAM_IETF, salt_d23, true, v == 0xfaceb002 ? "mvfst-27" : "mvfst-exp");
	} else if (v == 0x54303530) {
		vset(vi, QUIC_FAM_GQUIC_TLS, salt_t050, false, "T050");
	} else if (v == 0x54303531) {
		vset(vi, QUIC_FAM_GQUIC_TLS, salt_t051, true, "T051");
	} else if (v == 0x51303530) {
		vset(vi, QUIC_FAM_GQUIC_Q050, salt_q050, false, "Q050");
	} else if (gquic_ascii(v, 'Q', 24, 49, &q)) {
		vset(vi, QUIC_FAM_GQUIC_OLD, NULL, false, "");
		snprintf(vi->name, sizeof vi->name, "Q%03u", q);
	} else {
		return false;
	}
	return true;
}

const char *quic_version_name(uint32_t v, char buf[12])
{
	struct quic_vinfo vi;

	if (quic_version_info(v, &vi))
		snprintf(buf, 12, "%s", vi.name);
	else
		snprintf(buf, 12, "%08x", (unsigned)v);
	return buf;
}

static bool read_cid(struct cur *c, uint8_t len, struct quic_cid *cid)
{
	cid->len = len;
	return cur_copy(c, cid->b, len);
}

/* The long-header packet type from its two type bits. */
static enum quic_ptype long_type(uint8_t first, bool v2)
{
	static const enum quic_ptype v1t[4] = { QUIC_PT_INITIAL, QUIC_PT_0RTT,
						 QUIC_PT_HANDSHAKE, QUIC_PT_RETRY };
	static const enum quic_ptype v2t[4] = { QUIC_PT_RETRY, QUIC_PT_INITIAL,
						 QUIC_PT_0RTT, QUIC_PT_HANDSHAKE };
	unsigned t = (first >> 4) & 3;

	return v2 ? v2t[t] : v1t[t];
}

static enum quic_status fail(struct anom_set *a, const char *code)
{
	anom_add(a, code);
	return QUIC_BAD;
}

/* Version Negotiation (RFC 9000 17.2.1): CIDs of any length up to 255. */
static enum quic_status parse_vn(struct cur *c, struct quic_packet *pk, struct anom_set *a)
{
	uint8_t l;
	struct cur t;

	if (!cur_u8(c, &l) || !cur_sub(c, l, &t))
		return QUIC_SHORT;
	read_cid(&t, l > QUIC_MAX_CID ? QUIC_MAX_CID : l, &pk->dcid);
	if (!cur_u8(c, &l) || !cur_sub(c, l, &t))
		return QUIC_SHORT;
	read_cid(&t, l > QUIC_MAX_CID ? QUIC_MAX_CID : l, &pk->scid);
	pk->type = QUIC_PT_VN;
	pk->versions = c->p;
	pk->n_versions = c->left / 4;
	if (c->left % 4 != 0 || c->left == 0)
		anom_add(a, "quic_bad_version_list");
	return QUIC_OK;
}

/* Q046: one byte of two 4-bit CID lengths (l ? l + 3 : 0), then the CIDs;
 * no Length field, the packet takes the rest of the datagram. */
static enum quic_status parse_q046(struct cur *c, struct quic_packet *pk)
{
	uint8_t b;

	if (!cur_u8(c, &b))
		return QUIC_SHORT;
	if (!read_cid(c, (b >> 4) ? (uint8_t)((b >> 4) + 3) : 0, &pk->dcid) ||
	    !read_cid(c, (b & 15) ? (uint8_t)((b & 15) + 3) : 0, &pk->scid))
		return QUIC_SHORT;
	pk->type = QUIC_PT_GQUIC;
	return QUIC_OK;
}

static enum quic_status parse_long(struct cur *c, struct quic_packet *pk, struct anom_set *a)
{
	struct quic_vinfo vi;
	uint8_t l;
	uint64_t v;

	if (!cur_u32(c, &pk->version))
		return QUIC_SHORT;
	if (pk->version == 0)
		return parse_vn(c, pk, a);
	if (!quic_version_info(pk->version, &vi)) {
		if (!quic_version_reserved(pk->version))
			return fail(a, "quic_unknown_version");
		quic_version_info(QUIC_V1, &vi);
	}
	if (vi.family == QUIC_FAM_GQUIC_OLD)
		return parse_q046(c, pk);   /* Q046..Q049 */
	if (!cur_u8(c, &l))
		return QUIC_SHORT;
	if (l > QUIC_MAX_CID)
		return fail(a, "quic_bad_cid_length");
	if (!read_cid(c, l, &pk->dcid) || !cur_u8(c, &l))
		return QUIC_SHORT;
	if (l > QUIC_MAX_CID)
		return fail(a, "quic_bad_cid_length");
	if (!read_cid(c, l, &pk->scid))
		return QUIC_SHORT;
	pk->type = long_type(pk->first, vi.v2);
	if (pk->type == QUIC_PT_RETRY) {
		if (c->left < QUIC_TAG_LEN)
			return fail(a, "quic_bad_retry");
		pk->token = c->p;
		pk->token_len = c->left - QUIC_TAG_LEN;
		pk->tag = c->p + pk->token_len;
		return QUIC_OK;
	}
	if (pk->type == QUIC_PT_INITIAL) {
		if (!quic_varint(c, &v))
			return QUIC_SHORT;
		if (v > c->left)
			return QUIC_SHORT;
		pk->token_len = (size_t)v;
		cur_bytes(c, pk->token_len, &pk->token);
	}
	if (!quic_varint(c, &v))
		return QUIC_SHORT;
	pk->hdr_len = (size_t)(c->p - pk->start);
	if (v > c->left)
		return QUIC_SHORT;
	if (v < 1 + QUIC_TAG_LEN)
		return fail(a, "quic_bad_length");
	pk->len = pk->hdr_len + (size_t)v;
	return QUIC_OK;
}

/* A gQUIC public header (Q043 and earlier) with the version flag. */
static bool gquic_public_header(const uint8_t *p, size_t n)
{
	struct cur c = cur_make(p, n);
	uint8_t flags;
	uint32_t v;
	struct quic_vinfo vi;

	if (!cur_u8(&c, &flags) || (flags & 0x81) != 0x01 || !(flags & 0x08) ||
	    !cur_skip(&c, 8) || !cur_u32(&c, &v))
		return false;
	return quic_version_info(v, &vi) && vi.family == QUIC_FAM_GQUIC_OLD;
}

enum quic_status quic_packet_parse(const uint8_t *p, size_t n, struct quic_packet *pk,
				   struct anom_set *a)
{
	struct cur c = cur_make(p, n);
	enum quic_status st;

	*pk = (struct quic_packet){ 0 };
	pk->start = p;
	if (!cur_u8(&c, &pk->first))
		return QUIC_SHORT;
	if (!(pk->first & 0x80)) {
		pk->type = gquic_public_header(p, n) ? QUIC_PT_GQUIC : QUIC_PT_SHORT;
		if (pk->type == QUIC_PT_GQUIC)
			pk->version = (uint32_t)p[9] << 24 | (uint32_t)p[10] << 16 |
				      (uint32_t)p[11] << 8 | p[12];
		pk->hdr_len = 1;
		pk->len = n;
		return QUIC_OK;
	}
	st = parse_long(&c, pk, a);
	if (st == QUIC_OK && pk->len == 0) {
		/* Retry, VN and Q046 take the rest of the datagram. */
		if (!pk->hdr_len)
			pk->hdr_len = (size_t)(c.p - p);
		pk->len = n;
	}
	if (st == QUIC_SHORT)
		anom_add(a, "quic_truncated");
	return st;
}

bool quic_sniff(const uint8_t *p, size_t n)
{
	struct quic_packet pk;
	struct anom_set a = { 0 };

	if (n < 7)
		return false;
	if (!(p[0] & 0x80))
		return gquic_public_header(p, n);
	if (quic_packet_parse(p, n, &pk, &a) != QUIC_OK)
		return false;
	if (pk.type == QUIC_PT_VN)
		return pk.n_versions > 0 && a.n == 0;
	return true;
}

uint64_t quic_pn_decode(uint64_t largest, uint64_t truncated, unsigned pn_nbits)
{
	uint64_t expected = largest + 1;   /* UINT64_MAX (none) wraps to 0 */
	uint64_t win = (uint64_t)1 << pn_nbits;
	uint64_t hwin = win / 2;
	uint64_t cand = (expected & ~(win - 1)) | truncated;

	if (cand + hwin <= expected && cand < ((uint64_t)1 << 62) - win)
		return cand + win;
	if (cand > expected + hwin && cand >= win)
		return cand - win;
	return cand;
}
