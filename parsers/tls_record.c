/*
 * tls_record.c - TLS record layer and SSLv2 record headers.
 *
 * RFC 8446 5.1 / RFC 5246 6.2.1 (TLSPlaintext, TLSCiphertext):
 *
 *     +------+---------+---------+====================+
 *     | type | version | length  | fragment (length)  |
 *     |  u8  |   u16   |   u16   |                    |
 *     +------+---------+---------+====================+
 *
 * SSLv2 (draft-hickman-netscape-ssl-00, RFC 6101 appendix E.2): a 2-byte
 * header with the high bit set (15-bit length, no padding) or a 3-byte header
 * (14-bit length and a padding byte); the first body byte is the message type.
 */
#include "tls_record.h"

#include "cursor.h"

static int valid_type(uint8_t t)
{
	return t >= TLS_CT_CCS && t <= TLS_CT_HEARTBEAT;
}

enum tls_status tls_record_parse(const uint8_t *p, size_t n, struct tls_record *r,
				 size_t *consumed, size_t *need)
{
	struct cur c = cur_make(p, n);
	uint8_t type;
	uint16_t version, len;

	if (!cur_u8(&c, &type) || !cur_u16(&c, &version) || !cur_u16(&c, &len)) {
		/* Reject early what can already be told apart from TLS. */
		if (n >= 1 && !valid_type(p[0]))
			return TLS_BAD;
		if (n >= 2 && p[1] != 3)
			return TLS_BAD;
		*need = TLS_RECORD_HDR;
		return TLS_NEED_MORE;
	}
	if (!valid_type(type) || (version >> 8) != 3 || len > TLS_MAX_RECORD)
		return TLS_BAD;
	if (c.left < len) {
		*need = TLS_RECORD_HDR + (size_t)len;
		return TLS_NEED_MORE;
	}
	r->type = type;
	r->version = version;
	r->len = len;
	r->body = c.p;
	*consumed = TLS_RECORD_HDR + (size_t)len;
	return TLS_OK;
}

enum tls_status tls_sslv2_record_parse(const uint8_t *p, size_t n, struct tls_record *r,
				       size_t *consumed, size_t *need)
{
	struct cur c = cur_make(p, n);
	uint8_t b0, b1, pad;
	size_t hdr, len;

	if (!cur_u8(&c, &b0) || !cur_u8(&c, &b1)) {
		*need = 2;
		return TLS_NEED_MORE;
	}
	if (b0 & 0x80) {
		hdr = 2;
		len = (size_t)(b0 & 0x7f) << 8 | b1;
	} else {
		/* The security-escape bit is never set in practice, and padding
		 * is at most one cipher block: ASCII protocols fail here. */
		if (b0 & 0x40)
			return TLS_BAD;
		hdr = 3;
		len = (size_t)(b0 & 0x3f) << 8 | b1;
		if (!cur_u8(&c, &pad)) {
			*need = 3;
			return TLS_NEED_MORE;
		}
		if (pad > 16 || pad >= len)
			return TLS_BAD;
	}
	if (len == 0)
		return TLS_BAD;
	if (c.left < len) {
		*need = hdr + len;
		return TLS_NEED_MORE;
	}
	r->type = c.p[0];
	r->version = 0x0002;
	r->len = (uint16_t)len;
	r->body = c.p;
	*consumed = hdr + len;
	return TLS_OK;
}

/*
 * An SSLv2 CLIENT-HELLO (type 1) carries a version of 0x0002 or 0x03XX and
 * cipher-spec length that is a multiple of 3; a SERVER-HELLO (type 4) a
 * session-id-hit byte, a certificate type and version 0x0002.
 */
static enum tls_status sniff_sslv2(const uint8_t *p, size_t n)
{
	size_t hdr = 2, reclen;
	uint8_t type;

	if (!(p[0] & 0x80))
		return TLS_BAD;   /* 3-byte headers (with padding) are not used by hellos */
	if (n < hdr + 5)
		return TLS_NEED_MORE;
	reclen = (size_t)(p[0] & 0x7f) << 8 | p[1];
	type = p[hdr];
	if (type == 1) {
		uint16_t ver = (uint16_t)(p[hdr + 1] << 8 | p[hdr + 2]);
		uint16_t cslen = (uint16_t)(p[hdr + 3] << 8 | p[hdr + 4]);
		if (ver != 0x0002 && (ver >> 8) != 3)
			return TLS_BAD;
		/* The fixed part (9 bytes) and one cipher spec must fit in the
		 * record (the challenge's length is the parser's business). */
		if (reclen < 9 + 3)
			return TLS_BAD;
		return cslen && cslen % 3 == 0 ? TLS_OK : TLS_BAD;
	}
	if (type == 4) {
		/* SERVER-HELLO: its 11 fixed bytes must fit. */
		if (reclen < 11 || p[hdr + 1] > 1)
			return TLS_BAD;
		return p[hdr + 3] == 0x00 && p[hdr + 4] == 0x02 ? TLS_OK : TLS_BAD;
	}
	return TLS_BAD;
}

/* Empty handshake records a stack skips before the first real one (OpenSSL
 * gives up after 32 in a row). */
#define SNIFF_EMPTY_MAX 32

enum tls_status tls_sniff(const uint8_t *p, size_t n)
{
	int empty = 0;

	if (n == 0)
		return TLS_NEED_MORE;
	/* A zero-length handshake record (RFC 8446 5.1 forbids sending one,
	 * stacks take it) says nothing: look at what follows. */
	while (n >= TLS_RECORD_HDR && p[0] == TLS_CT_HANDSHAKE && p[1] == 3 && p[3] == 0 &&
	       p[4] == 0 && empty < SNIFF_EMPTY_MAX) {
		p += TLS_RECORD_HDR;
		n -= TLS_RECORD_HDR;
		empty++;
	}
	if (n == 0)
		return TLS_NEED_MORE;
	if (p[0] == TLS_CT_HANDSHAKE || p[0] == TLS_CT_ALERT || p[0] == TLS_CT_CCS ||
	    p[0] == TLS_CT_APPDATA || p[0] == TLS_CT_HEARTBEAT) {
		uint16_t len;
		if (n < 5)
			return n >= 2 && p[1] != 3 ? TLS_BAD : TLS_NEED_MORE;
		if (p[1] != 3)
			return TLS_BAD;
		len = (uint16_t)(p[3] << 8 | p[4]);
		if (len == 0 || len > TLS_MAX_RECORD)
			return TLS_BAD;
		if (p[0] != TLS_CT_HANDSHAKE)
			return p[2] <= 4 ? TLS_OK : TLS_BAD;   /* midstream: the session decides */
		if (n < 6)
			return TLS_NEED_MORE;
		/* The record-layer version of a ClientHello's record is to be
		 * ignored (RFC 8446 5.1; servers check only the major byte), so
		 * any 3.x goes there; other records carry 3.0 to 3.4.  A
		 * handshake record starts with a known handshake type. */
		if (p[5] != 1 && p[2] > 4)
			return TLS_BAD;
		return p[5] <= 25 || p[5] == 254 ? TLS_OK : TLS_BAD;
	}
	if (empty)
		return TLS_BAD;
	if (p[0] & 0x80)
		return sniff_sslv2(p, n);
	return TLS_BAD;
}
