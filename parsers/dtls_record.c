/*
 * dtls_record.c - DTLS records, handshake fragment headers, HelloVerifyRequest
 * and ACK (RFC 6347 4.1, 4.2.1, 4.2.2; RFC 9146 4; RFC 9147 4, 5.2, 7).
 *
 * DTLSPlaintext / DTLSCiphertext:
 *
 *   +------+---------+-------+-----------------+========+--------+==========+
 *   | type | version | epoch | sequence_number | cid    | length | fragment |
 *   |  u8  |   u16   |  u16  |       u48       | (t=25) |  u16   |          |
 *   +------+---------+-------+-----------------+========+--------+==========+
 *
 * DTLS 1.3 unified header (first byte 0 0 1 C S L E E):
 *
 *   +----------+============+==============+=========+============+
 *   | 001CSLEE | cid (if C) | seq 8/16 (S) | len (L) | ciphertext |
 *   +----------+============+==============+=========+============+
 *
 * Several records share one datagram; a record without a length (L = 0)
 * runs to the end of the datagram.
 */
#include "dtls.h"

#include "cursor.h"

/* RFC 6347 4.1: ciphertext may exceed 2^14 by at most 2048 bytes. */
#define DTLS_MAX_RECORD (16384 + 2048)

bool dtls_is_version(uint16_t v)
{
	return v == DTLS_V10 || v == DTLS_V12 || v == DTLS_V13 || v == DTLS_BAD_VER;
}

uint16_t dtls_tls_version(uint16_t v)
{
	switch (v) {
	case DTLS_V10: return 0x0302;
	/* OpenSSL's pre-standard DTLS compares below SSL 3.0 in its version
	 * tests, so it sends what SSL 3.0 sends (an RSA premaster secret
	 * without a length prefix). */
	case DTLS_BAD_VER: return 0x0300;
	case DTLS_V12: return 0x0303;
	case DTLS_V13: return 0x0304;
	default: return v;
	}
}

static bool plain_type(uint8_t t)
{
	return t >= TLS_CT_CCS && t <= DTLS_CT_ACK;
}

static enum tls_status unified(struct cur *c, uint8_t b0, uint8_t cid_len,
			       struct dtls_record *r, size_t n, size_t *consumed)
{
	uint8_t s8;
	uint16_t s16, len;

	r->type = DTLS_CT_CIPHERTEXT;
	r->unified = true;
	r->epoch = b0 & 3;
	if (b0 & 0x10) {
		/* A connection id whose length nobody told us cannot be skipped. */
		if (!cid_len)
			return TLS_BAD;
		if (!cur_bytes(c, cid_len, &r->cid))
			return TLS_NEED_MORE;
		r->cid_len = cid_len;
	}
	if (b0 & 0x08) {
		if (!cur_u16(c, &s16))
			return TLS_NEED_MORE;
		r->seq = s16;
	} else {
		if (!cur_u8(c, &s8))
			return TLS_NEED_MORE;
		r->seq = s8;
	}
	if (b0 & 0x04) {
		r->has_len = true;
		if (!cur_u16(c, &len))
			return TLS_NEED_MORE;
		if (len > DTLS_MAX_RECORD)
			return TLS_BAD;
	} else {
		if (c->left > DTLS_MAX_RECORD)
			return TLS_BAD;
		len = (uint16_t)c->left;
	}
	if (!cur_bytes(c, len, &r->body))
		return TLS_NEED_MORE;
	r->len = len;
	*consumed = n - c->left;
	return TLS_OK;
}

enum tls_status dtls_record_parse(const uint8_t *p, size_t n, uint8_t cid_len,
				  struct dtls_record *r, size_t *consumed)
{
	struct cur c = cur_make(p, n);
	uint8_t b0;
	uint16_t seq_hi, len;
	uint32_t seq_lo;

	*r = (struct dtls_record){ 0 };
	if (!cur_u8(&c, &b0))
		return TLS_NEED_MORE;
	if ((b0 & 0xe0) == 0x20)
		return unified(&c, b0, cid_len, r, n, consumed);
	if (!plain_type(b0))
		return TLS_BAD;
	r->type = b0;
	if (!cur_u16(&c, &r->version))
		return n >= 2 && p[1] != 0xfe && p[1] != 0x01 ? TLS_BAD : TLS_NEED_MORE;
	if (!dtls_is_version(r->version))
		return TLS_BAD;
	if (!cur_u16(&c, &r->epoch) || !cur_u16(&c, &seq_hi) || !cur_u32(&c, &seq_lo))
		return TLS_NEED_MORE;
	r->seq = (uint64_t)seq_hi << 32 | seq_lo;
	if (b0 == DTLS_CT_TLS12_CID) {
		if (!cid_len)
			return TLS_BAD;
		if (!cur_bytes(&c, cid_len, &r->cid))
			return TLS_NEED_MORE;
		r->cid_len = cid_len;
	}
	if (!cur_u16(&c, &len))
		return TLS_NEED_MORE;
	if (len > DTLS_MAX_RECORD)
		return TLS_BAD;
	if (!cur_bytes(&c, len, &r->body))
		return TLS_NEED_MORE;
	r->len = len;
	r->has_len = true;
	*consumed = n - c.left;
	return TLS_OK;
}

enum tls_status dtls_hs_frag_parse(const uint8_t *p, size_t n, struct dtls_hs_frag *f,
				   size_t *consumed)
{
	struct cur c = cur_make(p, n);

	if (!cur_u8(&c, &f->type) || !cur_u24(&c, &f->msg_len) || !cur_u16(&c, &f->msg_seq) ||
	    !cur_u24(&c, &f->frag_off) || !cur_u24(&c, &f->frag_len))
		return TLS_NEED_MORE;
	if ((uint64_t)f->frag_off + f->frag_len > f->msg_len)
		return TLS_BAD;
	if (!cur_bytes(&c, f->frag_len, &f->body))
		return TLS_NEED_MORE;
	*consumed = DTLS_HS_HDR + (size_t)f->frag_len;
	return TLS_OK;
}

/* Handshake types a DTLS peer sends in epoch 0. */
static bool dtls_hs_type(uint8_t t)
{
	return (t >= 1 && t <= 4) || t == 6 || t == 8 || (t >= 11 && t <= 16) ||
	       t == 20 || t == 22;
}

/* One plaintext record that could open or continue a DTLS flow. */
static bool plausible(const struct dtls_record *r)
{
	struct dtls_hs_frag f;
	size_t k;

	switch (r->type) {
	case TLS_CT_HANDSHAKE:
		if (r->epoch)
			return r->len > 0;   /* encrypted Finished */
		return dtls_hs_frag_parse(r->body, r->len, &f, &k) == TLS_OK &&
		       dtls_hs_type(f.type);
	case TLS_CT_CCS:
		return r->len == 1 && r->body[0] == 1;
	case TLS_CT_ALERT:
		return r->len == 2 || r->epoch;
	case TLS_CT_APPDATA:
	case DTLS_CT_TLS12_CID:
		return r->epoch && r->len > 0;
	case DTLS_CT_ACK:
		return r->len >= 2;
	default:
		return false;
	}
}

bool dtls_sniff(const uint8_t *p, size_t n)
{
	struct dtls_record r;
	size_t k, off = 0;
	uint16_t version = 0;

	if (n < DTLS_RECORD_HDR || p[0] < TLS_CT_CCS || p[0] > DTLS_CT_ACK)
		return false;
	while (off < n) {
		if (dtls_record_parse(p + off, n - off, 0, &r, &k) != TLS_OK)
			return false;
		if (!r.unified) {
			if ((version && r.version != version) || !plausible(&r))
				return false;
			version = r.version;
		}
		off += k;
	}
	return true;
}

size_t dtls_capwap_header(const uint8_t *p, size_t n)
{
	struct cur c = cur_make(p, n);
	uint32_t w;

	if (!cur_u32(&c, &w) || w != 0x01000000u || c.left == 0)
		return 0;
	return DTLS_CAPWAP_HDR;
}

int dtls_parse_hello_verify_request(const uint8_t *body, size_t len, uint16_t *version,
				    uint8_t *cookie_len, struct anom_set *a)
{
	struct cur c = cur_make(body, len), cookie;

	if (!cur_u16(&c, version) || !cur_vec8(&c, &cookie)) {
		anom_add(a, "hello_verify_request_malformed");
		return -1;
	}
	*cookie_len = (uint8_t)cookie.left;
	if (!cur_empty(&c))
		anom_add(a, "trailing_bytes");
	return 0;
}

#define DTLS_EXT_CONNECTION_ID 54

int dtls_hello_cid(const uint8_t *body, size_t len, bool client, uint8_t *cid_len)
{
	struct cur c = cur_make(body, len), v, exts, ext;
	uint16_t type;

	if (!cur_skip(&c, 2 + 32) || !cur_vec8(&c, &v))        /* version, random, session id */
		return 0;
	if (client) {
		if (!cur_vec8(&c, &v) || !cur_vec16(&c, &v) || !cur_vec8(&c, &v))
			return 0;                                 /* cookie, suites, compression */
	} else if (!cur_skip(&c, 3)) {                            /* suite, compression */
		return 0;
	}
	if (!cur_vec16(&c, &exts))
		return 0;
	while (cur_u16(&exts, &type) && cur_vec16(&exts, &ext)) {
		if (type != DTLS_EXT_CONNECTION_ID)
			continue;
		if (!cur_vec8(&ext, &v))
			return 0;
		*cid_len = (uint8_t)v.left;
		return 1;
	}
	return 0;
}

int dtls_parse_ack(const uint8_t *body, size_t len, struct anom_set *a)
{
	struct cur c = cur_make(body, len), list;

	if (!cur_vec16(&c, &list) || list.left % 16 || !cur_empty(&c)) {
		anom_add(a, "dtls_ack_malformed");
		return -1;
	}
	return (int)(list.left / 16);
}
