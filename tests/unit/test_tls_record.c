/*
 * Unit tests for parsers/tls_record.c: the TLS record header (RFC 8446 5.1,
 * RFC 5246 6.2), the SSLv2 record header (draft-hickman-netscape-ssl-00,
 * RFC 6101 E.2, RFC 5246 E.2) and tls_sniff, "is this TLS at all".
 *
 * Every input is handed over in an allocation of exactly its size, and every
 * valid input is also handed over as each of its truncated prefixes, so that
 * a sanitizer build reports any read past the bytes that have arrived.
 * Expected values come from the RFCs' layouts, not from the parser.
 */
#include "../../parsers/tls_record.h"
#include "../../parsers/tls_names.h"
#include "tt_test.h"

#include <stdint.h>
#include <stdlib.h>

typedef enum tls_status (*rec_fn)(const uint8_t *p, size_t n, struct tls_record *r,
				  size_t *consumed, size_t *need);

/* b[0..n) in an allocation of exactly n bytes; NULL for n == 0, which
 * faults on any read at all. */
static uint8_t *dup_exact(const uint8_t *b, size_t n)
{
	uint8_t *p;

	if (!n)
		return NULL;
	p = malloc(n);
	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	memcpy(p, b, n);
	return p;
}

/*
 * fn over an exact-size copy of b[0..n).  On OK the body must lie inside
 * the input and end exactly where the record does; r->body is then
 * translated back into b so that callers can compare it with b + header.
 */
static enum tls_status call(rec_fn fn, const uint8_t *b, size_t n, struct tls_record *r,
			    size_t *used, size_t *need)
{
	uint8_t *p = dup_exact(b, n);
	enum tls_status st;

	memset(r, 0xa5, sizeof *r);
	*used = *need = (size_t)-1;
	st = fn(p, n, r, used, need);
	if (st == TLS_OK) {
		uintptr_t lo = (uintptr_t)p, at = (uintptr_t)r->body;
		int in = n && at >= lo && at + r->len <= lo + n;

		CHECK(in && *used <= n && (size_t)(at - lo) + r->len == *used);
		r->body = in ? b + (at - lo) : NULL;
	}
	free(p);
	return st;
}

static enum tls_status rec(const uint8_t *b, size_t n, struct tls_record *r, size_t *used,
			   size_t *need)
{
	return call(tls_record_parse, b, n, r, used, need);
}

static enum tls_status v2(const uint8_t *b, size_t n, struct tls_record *r, size_t *used,
			  size_t *need)
{
	return call(tls_sslv2_record_parse, b, n, r, used, need);
}

static enum tls_status sniff(const uint8_t *b, size_t n)
{
	uint8_t *p = dup_exact(b, n);
	enum tls_status st = tls_sniff(p, n);

	free(p);
	return st;
}

/* Every proper prefix of the single TLS record b[0..n) needs more: the
 * 5-byte header while the length is unknown, then the whole record. */
static void rec_prefixes(const uint8_t *b, size_t n)
{
	struct tls_record r;
	size_t used, need;

	for (size_t k = 0; k < n; k++) {
		CHECK(rec(b, k, &r, &used, &need) == TLS_NEED_MORE);
		CHECK(need == (k < TLS_RECORD_HDR ? TLS_RECORD_HDR : n));
	}
}

/* The same for the single SSLv2 record b[0..n).  The length is known after
 * two bytes; a 3-byte header may first ask for its padding byte. */
static void v2_prefixes(const uint8_t *b, size_t n)
{
	size_t hdr = b[0] & 0x80 ? 2 : 3;
	struct tls_record r;
	size_t used, need;

	for (size_t k = 0; k < n; k++) {
		CHECK(v2(b, k, &r, &used, &need) == TLS_NEED_MORE);
		CHECK(need > k && need <= n);
		if (k >= hdr)
			CHECK(need == n);
	}
}

/* A stream that is TLS: no prefix is called BAD, the answer never goes back
 * from OK, and it is OK from `by` bytes on (at most 11, the header says). */
static void sniff_accepts(const uint8_t *b, size_t n, size_t by)
{
	int seen_ok = 0;

	for (size_t k = 0; k <= n; k++) {
		enum tls_status st = sniff(b, k);

		CHECK(st == TLS_OK || (st == TLS_NEED_MORE && !seen_ok));
		if (k >= by)
			CHECK(st == TLS_OK);
		seen_ok |= st == TLS_OK;
	}
}

/* A stream that is not TLS: never OK, and BAD from `by` bytes on. */
static void sniff_rejects(const uint8_t *b, size_t n, size_t by)
{
	for (size_t k = 0; k <= n; k++) {
		enum tls_status st = sniff(b, k);

		CHECK(st != TLS_OK);
		if (k >= by)
			CHECK(st == TLS_BAD);
	}
}

/* ---- TLS records ---- */

/* All five content types under every 3.x record version from SSL 3.0
 * (RFC 6101 5.2.1, {3,0}) to TLS 1.3 (RFC 8446 5.1 sends 0x0301/0x0303, but
 * the field is to be ignored, so 0x0304 must not break parsing). */
static void test_types_versions(void)
{
	static const uint8_t types[] = { TLS_CT_CCS, TLS_CT_ALERT, TLS_CT_HANDSHAKE,
					 TLS_CT_APPDATA, TLS_CT_HEARTBEAT };
	static const char *const names[] = { "3.0", "1.0", "1.1", "1.2", "1.3" };
	struct tls_record r;
	size_t used, need;

	CHECK(TLS_CT_CCS == 20 && TLS_CT_ALERT == 21 && TLS_CT_HANDSHAKE == 22 &&
	      TLS_CT_APPDATA == 23 && TLS_CT_HEARTBEAT == 24);
	for (size_t t = 0; t < sizeof types; t++) {
		for (uint8_t minor = 0; minor <= 4; minor++) {
			const uint8_t b[] = { types[t], 3, minor, 0x00, 0x02, 0xaa, 0xbb };

			CHECK(rec(b, sizeof b, &r, &used, &need) == TLS_OK);
			CHECK(used == 7 && r.type == types[t] && r.len == 2 && r.body == b + 5);
			CHECK(r.version == (0x0300 | minor));
			CHECK_STR(tls_version_name(r.version), names[minor]);
			rec_prefixes(b, sizeof b);
		}
	}
	/* RFC 5246 E.1: a server must accept any {03,XX} record version. */
	static const uint8_t future[] = { 22, 3, 0xff, 0, 1, 0 };
	CHECK(rec(future, sizeof future, &r, &used, &need) == TLS_OK && r.version == 0x03ff);
}

/* Content types other than 20..24 are not TLS (25 tls12_cid and 26 ack are
 * DTLS-only, RFC 9146 and RFC 9147); a single such byte already says so. */
static void test_bad_types(void)
{
	struct tls_record r;
	size_t used, need;

	for (unsigned t = 0; t < 256; t++) {
		const uint8_t b[] = { (uint8_t)t, 3, 3, 0, 1, 0 };

		if (t >= TLS_CT_CCS && t <= TLS_CT_HEARTBEAT)
			continue;
		CHECK(rec(b, sizeof b, &r, &used, &need) == TLS_BAD);
		CHECK(rec(b, 1, &r, &used, &need) == TLS_BAD);
	}
}

/* A record version whose major byte is not 3 is not TLS: SSLv2's 0x0002,
 * DTLS (RFC 6347, RFC 9147: 0xfeff, 0xfefd, 0xfefc), and the TLS 1.3 draft
 * numbers, which only ever appear in supported_versions (the drafts, like
 * RFC 8446 5.1, keep a 3.x legacy record version).  The major byte at
 * offset 1 decides: two bytes are enough. */
static void test_bad_versions(void)
{
	static const uint16_t bad[] = { 0x0002, 0x0003, 0x0100, 0x0200, 0x0400, 0x1603,
					0x7f17, 0x7f1c, 0xfb17, 0xfb1a, 0xfeff, 0xfefd,
					0xfefc, 0xffff };
	struct tls_record r;
	size_t used, need;
	char want[32];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const uint8_t b[] = { 22, (uint8_t)(bad[i] >> 8), (uint8_t)bad[i], 0, 1, 1 };

		CHECK(rec(b, sizeof b, &r, &used, &need) == TLS_BAD);
		CHECK(rec(b, 2, &r, &used, &need) == TLS_BAD);
	}
	/* draft-ietf-tls-tls13-NN is 0x7f00 + NN; named, yet no record version. */
	for (unsigned d = 1; d <= 28; d++) {
		const uint8_t b[] = { 22, 0x7f, (uint8_t)d, 0, 1, 1 };

		snprintf(want, sizeof want, "1.3-draft%u", d);
		CHECK_STR(tls_version_name((uint16_t)(0x7f00 | d)), want);
		CHECK(rec(b, sizeof b, &r, &used, &need) == TLS_BAD);
	}
}

/* RFC 5246 6.2.3: TLSCiphertext.length is at most 2^14 + 2048 (RFC 8446
 * 5.2 allows 2^14 + 256 for 1.3; the record version cannot tell the two
 * apart, so the larger bound holds).  Zero-length application data is
 * legal (RFC 5246 6.2.1). */
static void test_lengths(void)
{
	static uint8_t big[TLS_RECORD_HDR + 18433];
	static const uint16_t ok[] = { 16384, 16384 + 256, 16384 + 2048 };
	struct tls_record r;
	size_t used, need;

	CHECK(TLS_MAX_RECORD == 18432);
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		size_t n = TLS_RECORD_HDR + ok[i];
		const size_t cuts[] = { 0, 1, 4, 5, 6, n / 2, n - 1 };

		big[0] = TLS_CT_APPDATA;
		big[1] = 3;
		big[2] = 3;
		big[3] = (uint8_t)(ok[i] >> 8);
		big[4] = (uint8_t)ok[i];
		CHECK(rec(big, n, &r, &used, &need) == TLS_OK);
		CHECK(used == n && r.len == ok[i] && r.body == big + 5);
		for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
			CHECK(rec(big, cuts[c], &r, &used, &need) == TLS_NEED_MORE);
			CHECK(need == (cuts[c] < 5 ? 5 : n));
		}
	}
	/* One byte over the limit, and the largest u16: BAD from the header,
	 * before a byte of the body is asked for. */
	static const uint8_t over[] = { 23, 3, 3, 0x48, 0x01 };
	static const uint8_t huge[] = { 22, 3, 1, 0xff, 0xff };
	CHECK(rec(over, sizeof over, &r, &used, &need) == TLS_BAD);
	CHECK(rec(huge, sizeof huge, &r, &used, &need) == TLS_BAD);
	big[3] = 0x48;
	big[4] = 0x01;
	CHECK(rec(big, sizeof big, &r, &used, &need) == TLS_BAD);

	static const uint8_t empty[] = { 23, 3, 3, 0, 0 };
	CHECK(rec(empty, sizeof empty, &r, &used, &need) == TLS_OK);
	CHECK(used == 5 && r.len == 0 && r.type == TLS_CT_APPDATA);
	rec_prefixes(empty, sizeof empty);
}

/* Five records back to back, one of each type, as one TLS 1.2 direction
 * could carry them. */
static const uint8_t seq[] = {
	20, 3, 3, 0, 1, 0x01,                         /* ChangeCipherSpec */
	21, 3, 3, 0, 2, 0x01, 0x00,                   /* warning close_notify */
	22, 3, 3, 0, 4, 0x00, 0x00, 0x00, 0x00,       /* HelloRequest */
	23, 3, 3, 0, 5, 0xde, 0xad, 0xbe, 0xef, 0x00, /* application data */
	24, 3, 3, 0, 19, 0x01, 0x00, 0x00,            /* heartbeat_request, RFC 6520 */
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, /* 16 bytes of padding */
	0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
};

static const struct {
	uint8_t type;
	uint16_t len;
	size_t off;
} seq_want[] = {
	{ TLS_CT_CCS, 1, 0 },
	{ TLS_CT_ALERT, 2, 6 },
	{ TLS_CT_HANDSHAKE, 4, 13 },
	{ TLS_CT_APPDATA, 5, 22 },
	{ TLS_CT_HEARTBEAT, 19, 32 },
};

#define NWANT (sizeof seq_want / sizeof seq_want[0])

/* Parses the records of seq[base .. base+n), the way the session does: each
 * call sees only the bytes from its record on, the next expected record is
 * seq_want[*i].  Returns the bytes consumed; a cut record must ask for its
 * header or its whole self. */
static size_t parse_run(size_t base, size_t n, size_t *i)
{
	size_t off = 0, used, need;
	struct tls_record r;

	while (off < n) {
		enum tls_status st = rec(seq + base + off, n - off, &r, &used, &need);

		CHECK(*i < NWANT);
		if (*i >= NWANT)
			break;
		if (st != TLS_OK) {
			CHECK(st == TLS_NEED_MORE);
			CHECK(need == (n - off < 5 ? 5 : 5 + (size_t)seq_want[*i].len));
			break;
		}
		CHECK(base + off == seq_want[*i].off && r.type == seq_want[*i].type);
		CHECK(r.len == seq_want[*i].len && used == 5 + (size_t)r.len);
		CHECK(r.version == 0x0303 && r.body == seq + seq_want[*i].off + 5);
		off += used;
		(*i)++;
	}
	return off;
}

/* Cut the stream at every byte offset: the first part yields exactly the
 * records it holds whole, the rest (unconsumed bytes re-presented) the
 * others, and nothing is lost or invented. */
static void test_back_to_back(void)
{
	CHECK(sizeof seq == 56);
	for (size_t k = 0; k <= sizeof seq; k++) {
		size_t i = 0, whole = 0, off;

		for (size_t j = 0; j < NWANT; j++)
			if (seq_want[j].off + 5 + seq_want[j].len <= k)
				whole = seq_want[j].off + 5 + seq_want[j].len;
		off = parse_run(0, k, &i);
		CHECK(off == whole);
		off += parse_run(off, sizeof seq - off, &i);
		CHECK(off == sizeof seq && i == NWANT);
	}
	/* A bad record after good ones is reported at its own offset. */
	uint8_t b[sizeof seq];
	struct tls_record r;
	size_t used, need;
	memcpy(b, seq, sizeof b);
	b[22] = 0x17 ^ 0x80;
	CHECK(rec(b, sizeof b, &r, &used, &need) == TLS_OK && used == 6);
	CHECK(rec(b + 13, sizeof b - 13, &r, &used, &need) == TLS_OK && used == 9);
	CHECK(rec(b + 22, sizeof b - 22, &r, &used, &need) == TLS_BAD);
}

/* ---- SSLv2 records ---- */

/* RFC 5246 E.2: a TLS 1.0 client's SSLv2-compatible CLIENT-HELLO, 2-byte
 * header, three cipher specs (two TLS suites as 00 XX YY, one SSLv2 kind),
 * no session id, a 16-byte challenge. */
static const uint8_t v2_compat_ch[] = {
	0x80, 0x22,
	0x01, 0x03, 0x01, 0x00, 0x09, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x33, 0x00, 0x00, 0x2f, 0x01, 0x00, 0x80,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
};

/* A real SSL 2.0 CLIENT-HELLO (version 0x0002): RC4_128_WITH_MD5 and
 * DES_192_EDE3_CBC_WITH_MD5. */
static const uint8_t v2_pure_ch[] = {
	0x80, 0x1f,
	0x01, 0x00, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x10,
	0x01, 0x00, 0x80, 0x07, 0x00, 0xc0,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
	0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
};

/* SERVER-HELLO: no session-id hit, X.509 certificate type, version 0x0002,
 * a 3-byte stand-in certificate, one cipher spec, 16-byte connection id. */
static const uint8_t v2_sh[] = {
	0x80, 0x21,
	0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x03, 0x00, 0x10,
	0x30, 0x01, 0x00,
	0x01, 0x00, 0x80,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
};

/* Each SSLv2 record alone: header size, length from its 15 or 14 bits, the
 * first body byte the message type; every prefix needs more. */
static void test_sslv2_records(void)
{
	static const struct {
		const uint8_t *b;
		size_t n, hdr;
		uint8_t type;
	} ok[] = {
		{ v2_compat_ch, sizeof v2_compat_ch, 2, 1 },
		{ v2_pure_ch, sizeof v2_pure_ch, 2, 1 },
		{ v2_sh, sizeof v2_sh, 2, 4 },
	};
	struct tls_record r;
	size_t used, need;

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		CHECK(v2(ok[i].b, ok[i].n, &r, &used, &need) == TLS_OK);
		CHECK(used == ok[i].n && r.len == ok[i].n - ok[i].hdr);
		CHECK(r.body == ok[i].b + ok[i].hdr && r.type == ok[i].type);
		CHECK_STR(tls_version_name(r.version), "2.0");
		v2_prefixes(ok[i].b, ok[i].n);
		/* 0x80 is no content type: not a TLS record. */
		CHECK(rec(ok[i].b, ok[i].n, &r, &used, &need) == TLS_BAD);
		CHECK(rec(ok[i].b, 1, &r, &used, &need) == TLS_BAD);
	}
	CHECK(v2_compat_ch[3] == 3 && v2_compat_ch[4] == 1);

	/* 3-byte header: 14-bit length 24, 5 bytes of padding (an 8-byte block
	 * cipher: 16 MAC + 3 data + 5 padding); the padding counts in the
	 * length.  And one without padding. */
	static const uint8_t hdr3[3 + 24] = { 0x00, 0x18, 0x05, 0x11 };
	static const uint8_t hdr3_nopad[3 + 16] = { 0x00, 0x10, 0x00, 0x12 };
	CHECK(v2(hdr3, sizeof hdr3, &r, &used, &need) == TLS_OK);
	CHECK(used == 27 && r.len == 24 && r.body == hdr3 + 3 && r.type == 0x11);
	v2_prefixes(hdr3, sizeof hdr3);
	CHECK(v2(hdr3_nopad, sizeof hdr3_nopad, &r, &used, &need) == TLS_OK);
	CHECK(used == 19 && r.len == 16 && r.type == 0x12);
	v2_prefixes(hdr3_nopad, sizeof hdr3_nopad);

	/* Largest lengths: 2^15 - 1 with the 2-byte header, 2^14 - 1 with the
	 * 3-byte one.  The header alone already tells the whole size. */
	static uint8_t big[2 + 32767];
	big[0] = 0xff;
	big[1] = 0xff;
	CHECK(v2(big, 2, &r, &used, &need) == TLS_NEED_MORE && need == 2 + 32767);
	CHECK(v2(big, sizeof big - 1, &r, &used, &need) == TLS_NEED_MORE && need == sizeof big);
	CHECK(v2(big, sizeof big, &r, &used, &need) == TLS_OK);
	CHECK(used == sizeof big && r.len == 32767);
	big[0] = 0x3f;
	big[2] = 0x00;
	CHECK(v2(big, 3, &r, &used, &need) == TLS_NEED_MORE && need == 3 + 16383);
	CHECK(v2(big, 3 + 16383, &r, &used, &need) == TLS_OK && r.len == 16383);
}

/* Not SSLv2: a zero length, the security-escape bit of a 3-byte header
 * (never used), padding as long as the record or longer than a cipher
 * block, and ASCII text (which sets 0x40 or has a huge "padding"). */
static void test_sslv2_bad(void)
{
	static const struct {
		const char *what;
		uint8_t b[8];
		size_t n;
	} bad[] = {
		{ "2-byte, length 0", { 0x80, 0x00, 0x01 }, 3 },
		{ "3-byte, length 0", { 0x00, 0x00, 0x00, 0x01 }, 4 },
		{ "escape bit", { 0x40, 0x04, 0x00, 1, 2, 3, 4 }, 7 },
		{ "escape, 2 bytes", { 0x7f, 0xff }, 2 },
		{ "pad == length", { 0x00, 0x04, 0x04, 1, 2, 3, 4 }, 7 },
		{ "pad > length", { 0x00, 0x04, 0x05, 1, 2, 3, 4 }, 7 },
		{ "pad 17 of 256", { 0x01, 0x00, 0x11, 1, 2, 3, 4, 5 }, 8 },
		{ "GET", { 'G', 'E', 'T', ' ', '/', ' ', 'H' }, 7 },
		{ "220", { '2', '2', '0', ' ', 'm', 'x', '.' }, 7 },
	};
	struct tls_record r;
	size_t used, need;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum tls_status st = v2(bad[i].b, bad[i].n, &r, &used, &need);

		if (st != TLS_BAD)
			fprintf(stderr, "sslv2 %s: %d\n", bad[i].what, (int)st);
		CHECK(st == TLS_BAD);
	}
}

/* CLIENT-HELLO then CLIENT-MASTER-KEY (type 2) back to back, cut at every
 * offset: the first part yields what it holds whole. */
static void test_sslv2_back_to_back(void)
{
	static const uint8_t cmk[] = {
		0x80, 0x0e,
		0x02, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
		0xd0, 0xd1, 0xd2, 0xd3,
	};
	uint8_t s[sizeof v2_pure_ch + sizeof cmk];
	struct tls_record r;
	size_t used, need;

	memcpy(s, v2_pure_ch, sizeof v2_pure_ch);
	memcpy(s + sizeof v2_pure_ch, cmk, sizeof cmk);
	for (size_t k = 0; k <= sizeof s; k++) {
		enum tls_status st = v2(s, k, &r, &used, &need);

		if (k < sizeof v2_pure_ch) {
			CHECK(st == TLS_NEED_MORE);
			continue;
		}
		CHECK(st == TLS_OK && used == sizeof v2_pure_ch && r.type == 1);
		st = v2(s + used, k - used, &r, &used, &need);
		if (k < sizeof s)
			CHECK(st == TLS_NEED_MORE && need == (k - sizeof v2_pure_ch < 2 ? 2 : sizeof cmk));
		else
			CHECK(st == TLS_OK && used == sizeof cmk && r.type == 2 && r.len == 14);
	}
}

/* ---- tls_sniff ---- */

/* Starts of real streams: a ClientHello (record version 1.0, as RFC 8446
 * 5.1 sends the first one), an SSL 3.0 one, a TLS 1.3 ServerHello, and
 * every 3.x version up to 1.3.  The handshake type byte at offset 5 decides. */
static void test_sniff_tls(void)
{
	static const uint8_t ch[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc,
				      0x03, 0x03, 0x5e, 0x91, 0x0c, 0x2a, 0x77 };
	static const uint8_t ssl3[] = { 0x16, 0x03, 0x00, 0x00, 0x4b, 0x01, 0x00, 0x00, 0x47,
					0x03, 0x00 };
	static const uint8_t sh13[] = { 0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76,
					0x03, 0x03 };

	sniff_accepts(ch, sizeof ch, 6);
	sniff_accepts(ssl3, sizeof ssl3, 6);
	sniff_accepts(sh13, sizeof sh13, 6);
	for (uint8_t minor = 0; minor <= 4; minor++) {
		const uint8_t b[] = { 22, 3, minor, 0x00, 0x30, 0x01 };

		CHECK(sniff(b, sizeof b) == TLS_OK);
	}
	/* Picked up midstream: the other content types are TLS too (the
	 * session decides what they mean). */
	static const uint8_t alert[] = { 21, 3, 3, 0, 2, 2, 40 };
	static const uint8_t appdata[] = { 23, 3, 3, 0, 0x20, 0x9a };
	static const uint8_t ccs[] = { 20, 3, 1, 0, 1, 1 };
	static const uint8_t hb[] = { 24, 3, 2, 0, 19, 1 };
	sniff_accepts(alert, sizeof alert, 5);
	sniff_accepts(appdata, sizeof appdata, 5);
	sniff_accepts(ccs, sizeof ccs, 5);
	sniff_accepts(hb, sizeof hb, 5);

	/* A ClientHello's record version is ignored by servers (RFC 8446
	 * 5.1): 3.5 and 3.255 still start TLS.  Empty handshake records before
	 * it are skipped, as stacks skip them, up to 32; a 33rd is too many. */
	static const uint8_t ch35[] = { 22, 3, 5, 0, 0x30, 1 };
	static const uint8_t chff[] = { 22, 3, 0xff, 0, 0x30, 1 };
	static const uint8_t empty_ch[] = { 22, 3, 1, 0, 0, 22, 3, 1, 0, 0, 22, 3, 1, 0, 0x30, 1 };
	uint8_t many[33 * 5 + 6];
	sniff_accepts(ch35, sizeof ch35, 6);
	sniff_accepts(chff, sizeof chff, 6);
	sniff_accepts(empty_ch, sizeof empty_ch, 16);
	for (size_t i = 0; i < 33; i++)
		memcpy(many + 5 * i, (const uint8_t[]){ 22, 3, 3, 0, 0 }, 5);
	memcpy(many + 33 * 5, ch35, 6);
	sniff_accepts(many + 5, sizeof many - 5, sizeof many - 5);
	sniff_rejects(many, sizeof many, 33 * 5);
}

/* TLS-looking starts that are not TLS: no version byte 3, DTLS, a version
 * above 1.3 on a record that does not start a ClientHello, an empty
 * handshake record followed by no record, an oversized one, a handshake
 * type no registry has (0x80, 0xff). */
static void test_sniff_tls_bad(void)
{
	static const struct {
		uint8_t b[6];
		size_t by;
	} bad[] = {
		{ { 22, 2, 0, 0, 0x30, 1 }, 2 },
		{ { 22, 0xfe, 0xfd, 0, 0x30, 1 }, 2 },
		{ { 21, 0xfe, 0xff, 0, 2, 2 }, 2 },
		{ { 22, 3, 5, 0, 0x30, 2 }, 6 },
		{ { 22, 3, 3, 0, 0, 1 }, 6 },
		{ { 22, 3, 3, 0x48, 0x01, 1 }, 5 },
		{ { 22, 3, 1, 0xff, 0xff, 1 }, 5 },
		{ { 22, 3, 1, 0, 0x30, 0x80 }, 6 },
		{ { 22, 3, 3, 0, 0x30, 0xff }, 6 },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		sniff_rejects(bad[i].b, sizeof bad[i].b, bad[i].by);
}

/* SSLv2 hellos are TLS-ish streams: a CLIENT-HELLO is known after its
 * 9-byte fixed part (11 bytes with the header), a SERVER-HELLO earlier.
 * The compatible hello in each 3.x version a client may offer (RFC 5246
 * E.2). */
static void test_sniff_sslv2(void)
{
	uint8_t b[sizeof v2_compat_ch];

	sniff_accepts(v2_compat_ch, sizeof v2_compat_ch, 11);
	sniff_accepts(v2_pure_ch, sizeof v2_pure_ch, 11);
	sniff_accepts(v2_sh, sizeof v2_sh, 11);
	for (uint8_t minor = 0; minor <= 3; minor++) {
		memcpy(b, v2_compat_ch, sizeof b);
		b[4] = minor;
		CHECK(sniff(b, sizeof b) == TLS_OK);
	}

	/* Not a hello: a CLIENT-HELLO version neither 2.0 nor 3.x, cipher specs
	 * of no or a non-multiple-of-3 length, a session-id-hit byte other
	 * than 0/1, a SERVER-HELLO version other than 0x0002, a stream
	 * opening with CLIENT-MASTER-KEY, and a 3-byte header (hellos carry
	 * no padding). */
	static const struct {
		size_t at;
		uint8_t hi, lo;
	} edits[] = {
		{ 3, 0x01, 0x00 }, { 3, 0x00, 0x03 }, { 3, 0x04, 0x00 },   /* versions */
		{ 5, 0x00, 0x00 }, { 5, 0x00, 0x04 }, { 5, 0x00, 0x0a },   /* cipher specs */
		{ 1, 0x22, 0x02 },                                         /* CLIENT-MASTER-KEY */
	};
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		memcpy(b, v2_compat_ch, sizeof b);
		b[edits[i].at] = edits[i].hi;
		b[edits[i].at + 1] = edits[i].lo;
		sniff_rejects(b, sizeof b, 11);
	}
	uint8_t sh[sizeof v2_sh];
	memcpy(sh, v2_sh, sizeof sh);
	sh[3] = 0x02;
	sniff_rejects(sh, sizeof sh, 7);
	memcpy(sh, v2_sh, sizeof sh);
	sh[5] = 0x03;
	sh[6] = 0x00;
	sniff_rejects(sh, sizeof sh, 7);
	static const uint8_t hdr3[] = { 0x00, 0x22, 0x00, 0x01, 0x03, 0x01, 0x00, 0x09,
					0x00, 0x00, 0x00, 0x10 };
	sniff_rejects(hdr3, sizeof hdr3, 1);
}

/* Other protocols fail on their first byte; binary junk within 11. */
static void test_sniff_other(void)
{
	static const char *const text[] = {
		"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
		"POST /api HTTP/1.0\r\n",
		"HTTP/1.1 200 OK\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n",
		"SSH-1.99-Cisco-1.25\r\n",
		"220 mx.example.com ESMTP ready\r\n",
		"* OK IMAP4rev1 ready\r\n",
		"+OK POP3 ready\r\n",
	};
	static const uint8_t zeros[16], ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	struct tls_record r;
	size_t used, need;

	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
		const uint8_t *t = (const uint8_t *)text[i];
		size_t n = strlen(text[i]);

		sniff_rejects(t, n, 1);
		CHECK(rec(t, n, &r, &used, &need) == TLS_BAD);
		CHECK(v2(t, n, &r, &used, &need) == TLS_BAD);
	}
	sniff_rejects(zeros, sizeof zeros, 1);
	sniff_rejects(ones, sizeof ones, 7);
}

/* Pseudo-random buffers (xorshift32, fixed seed): the sniffer decides
 * within 11 bytes, never changes its mind as bytes arrive, and accepts
 * almost none (by the checks above about 1 in 300,000).  Whatever the
 * record parsers accept stays inside the buffer (checked in call()). */
static void test_random(void)
{
	uint32_t x = 0x2545f491u;
	unsigned undecided = 0, flipped = 0, accepted = 0;
	struct tls_record r;
	size_t used, need;
	uint8_t b[16];

	for (int i = 0; i < 20000; i++) {
		enum tls_status first = TLS_NEED_MORE;

		for (size_t j = 0; j < sizeof b; j++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			b[j] = (uint8_t)(x >> 24);
		}
		for (size_t k = 0; k <= sizeof b; k++) {
			enum tls_status st = sniff(b, k);

			if (first == TLS_NEED_MORE)
				first = st;
			else if (st != first)
				flipped++;
			if (k == 11 && st == TLS_NEED_MORE)
				undecided++;
		}
		if (first == TLS_OK)
			accepted++;
		rec(b, sizeof b, &r, &used, &need);
		v2(b, sizeof b, &r, &used, &need);
	}
	CHECK(undecided == 0);
	CHECK(flipped == 0);
	CHECK(accepted <= 2);
}

/* The sniffer and the SSLv2 record parser agree: a record too short to
 * hold a hello's fixed fields is not SSL, however the first bytes look. */
static void test_sniff_sslv2_short(void)
{
	static const uint8_t zero[] = { 0x80, 0x00, 0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10 };
	static const uint8_t short_sh[] = { 0x80, 0x05, 0x04, 0x00, 0x01, 0x00, 0x02 };
	struct tls_record r;
	size_t used, need;

	CHECK(tls_sniff(zero, sizeof zero) == TLS_BAD);
	CHECK(tls_sslv2_record_parse(zero, sizeof zero, &r, &used, &need) == TLS_BAD);
	CHECK(tls_sniff(short_sh, sizeof short_sh) == TLS_BAD);
}

int main(void)
{
	test_sniff_sslv2_short();
	test_types_versions();
	test_bad_types();
	test_bad_versions();
	test_lengths();
	test_back_to_back();
	test_sslv2_records();
	test_sslv2_bad();
	test_sslv2_back_to_back();
	test_sniff_tls();
	test_sniff_tls_bad();
	test_sniff_sslv2();
	test_sniff_other();
	test_random();
	return TT_DONE();
}
