/*
 * Unit tests for parsers/tls_hs.c: every handshake message parser over
 * hand-built bytes, checked field by field against the RFCs (8446, 5246,
 * 6066, 7301, 8422, 4279, 5077, 8449, 8879, 8701, draft-ietf-tls-esni),
 * the anomaly each malformation names, the list caps, and every truncated
 * prefix of each valid message.  Each prefix is copied into an exact-size
 * heap buffer, so ASan reports any read past its end.
 */
#include "../../parsers/tls_hs.h"
#include "../../parsers/tls_retry.h"
#include "tt_test.h"

#include <stdlib.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- byte builders ---- */

#define BUF_MAX 16384

struct buf {
	uint8_t b[BUF_MAX];
	size_t n;
};

static struct buf *buf_new(void)
{
	struct buf *b = calloc(1, sizeof *b);

	if (!b)
		abort();
	return b;
}

static void put8(struct buf *b, unsigned v)
{
	if (b->n >= BUF_MAX)
		abort();   /* a test built a bigger message than it meant to */
	b->b[b->n++] = (uint8_t)v;
}

static void putn(struct buf *b, unsigned v, unsigned width)
{
	while (width-- > 0)
		put8(b, (v >> (8 * width)) & 0xff);
}

#define put16(b, v) putn((b), (v), 2)
#define put24(b, v) putn((b), (v), 3)
#define put32(b, v) putn((b), (v), 4)

static void put(struct buf *b, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(b, ((const uint8_t *)p)[i]);
}

/* Literal bytes, written out as the wire carries them. */
#define BYTES(b, ...) do { \
	static const uint8_t by_[] = { __VA_ARGS__ }; \
	put((b), by_, sizeof by_); \
} while (0)

/* n filler bytes, none of them 0. */
static void fill(struct buf *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		put8(b, (unsigned)((seed + i * 7) % 255 + 1));
}

/* A length-prefixed vector: vopen reserves the prefix, vclose patches it. */
static size_t vopen(struct buf *b, unsigned width)
{
	size_t at = b->n;

	putn(b, 0, width);
	return at;
}

static void vclose(struct buf *b, size_t at, unsigned width)
{
	size_t len = b->n - at - width;

	for (unsigned i = width; i-- > 0; len >>= 8)
		b->b[at + i] = (uint8_t)(len & 0xff);
}

static void vstr8(struct buf *b, const char *s)
{
	put8(b, (unsigned)strlen(s));
	put(b, s, strlen(s));
}

static void vstr16(struct buf *b, const char *s)
{
	put16(b, (unsigned)strlen(s));
	put(b, s, strlen(s));
}

/* A vector (prefix pw bytes) of count items of ew bytes: base, base+1, ... */
static void seq(struct buf *b, unsigned pw, unsigned ew, unsigned count, unsigned base)
{
	size_t at = vopen(b, pw);

	for (unsigned i = 0; i < count; i++)
		putn(b, base + i, ew);
	vclose(b, at, pw);
}

/* A vector (prefix pw bytes) of n filler bytes. */
static void vfill(struct buf *b, unsigned pw, size_t n, unsigned seed)
{
	putn(b, (unsigned)n, pw);
	fill(b, n, seed);
}

/* A vector (prefix of width bytes) of u16 codes. */
static void codes(struct buf *b, unsigned width, const uint16_t *v, size_t n)
{
	size_t at = vopen(b, width);

	for (size_t i = 0; i < n; i++)
		put16(b, v[i]);
	vclose(b, at, width);
}

/* An extension: | type u16 | extension_data v16 |. */
static size_t ext_open(struct buf *b, unsigned type)
{
	put16(b, type);
	return vopen(b, 2);
}

#define ext_close(b, at) vclose((b), (at), 2)

static void ext_empty(struct buf *b, unsigned type)
{
	put16(b, type);
	put16(b, 0);
}

#define EXT(b, type, ...) do { \
	size_t ex_ = ext_open((b), (type)); \
	BYTES((b), __VA_ARGS__); \
	ext_close((b), ex_); \
} while (0)

static void ext_codes(struct buf *b, unsigned type, unsigned width, const uint16_t *v, size_t n)
{
	size_t e = ext_open(b, type);

	codes(b, width, v, n);
	ext_close(b, e);
}

static void ext_seq(struct buf *b, unsigned type, unsigned pw, unsigned ew, unsigned count,
		    unsigned base)
{
	size_t e = ext_open(b, type);

	seq(b, pw, ew, count, base);
	ext_close(b, e);
}

/* ProtocolNameList (RFC 7301 3.1), for ALPN and ALPS. */
static void ext_alpn(struct buf *b, unsigned type, const char *const *names, size_t n)
{
	size_t e = ext_open(b, type), l = vopen(b, 2);

	for (size_t i = 0; i < n; i++)
		vstr8(b, names[i]);
	vclose(b, l, 2);
	ext_close(b, e);
}

/* server_name holding one host_name (RFC 6066 3). */
static void ext_sni(struct buf *b, const char *name, size_t n)
{
	size_t e = ext_open(b, 0);

	put16(b, (unsigned)n + 3);
	put8(b, 0);
	put16(b, (unsigned)n);
	put(b, name, n);
	ext_close(b, e);
}

/* ---- running parsers ---- */

/* A copy of p[0..n) in a heap block of exactly n bytes. */
static uint8_t *exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n);

	if (!q && n)
		abort();
	if (n)
		memcpy(q, p, n);
	return q;
}

static bool same16(const uint16_t *got, size_t n, const uint16_t *want, size_t wn)
{
	return n == wn && (n == 0 || memcmp(got, want, n * sizeof *got) == 0);
}

static bool alpn_is(const struct tls_alpn_list *l, unsigned i, const char *s)
{
	return i < l->n && l->len[i] == strlen(s) && memcmp(l->buf + l->off[i], s, l->len[i]) == 0;
}

static void dump_anom(const struct anom_set *a)
{
	for (unsigned i = 0; i < a->n; i++)
		fprintf(stderr, "  anomaly: %s\n", a->code[i]);
}

#define CHECK_CLEAN(a) do { CHECK((a)->n == 0); if ((a)->n) dump_anom(a); } while (0)

/* Which parser, and what it needs besides the bytes. */
enum kind { K_CH, K_V2, K_SH, K_CERT, K_SKE, K_CR, K_CV, K_NST, K_CS, K_CKE };

struct msg {
	enum kind kind;
	const char *kx;
	uint16_t version;
	bool tls13;
};

/* Run one parser over p[0..n): its return value.  A hello's fields go to
 * *hello (a struct tls_client_hello, or tls_server_hello), cleared first,
 * unless it is NULL; other results are thrown away. */
static int run(const struct msg *x, const uint8_t *p, size_t n, void *hello, struct anom_set *a)
{
	static struct tls_client_hello ch;
	static struct tls_server_hello sh;
	static struct tls_cert_request cr;
	struct tls_client_hello *chp = hello ? hello : &ch;
	struct tls_server_hello *shp = hello ? hello : &sh;
	struct tls_cert_ref certs[8];
	struct tls_ske ske;
	size_t got, total;
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;
	bool flag;

	switch (x->kind) {
	case K_CH:
		memset(chp, 0, sizeof *chp);
		return tls_parse_client_hello(p, n, chp, a);
	case K_V2:
		memset(chp, 0, sizeof *chp);
		return tls_parse_sslv2_client_hello(p, n, chp, a);
	case K_SH:
		memset(shp, 0, sizeof *shp);
		return tls_parse_server_hello(p, n, shp, a);
	case K_CERT:
		return tls_parse_certificate(p, n, x->tls13, certs, N(certs), &got, &total, a);
	case K_SKE:
		return tls_parse_server_key_exchange(p, n, x->kx, x->version, &ske, a);
	case K_CR:
		return tls_parse_certificate_request(p, n, x->version, &cr, a);
	case K_CV:
		return tls_parse_certificate_verify(p, n, x->version, &flag, &u16, a);
	case K_NST:
		return tls_parse_new_session_ticket(p, n, x->tls13, &u32, &u16, a);
	case K_CS:
		return tls_parse_certificate_status(p, n, &u8, &u32, a);
	case K_CKE:
		return tls_parse_client_key_exchange(p, n, x->kx, x->version, a);
	}
	return -2;
}

#define NONE ((size_t)-1)

static const char *const kind_name[] = { "ClientHello", "SSLv2 CLIENT-HELLO", "ServerHello",
	"Certificate", "ServerKeyExchange", "CertificateRequest", "CertificateVerify",
	"NewSessionTicket", "CertificateStatus", "ClientKeyExchange" };

/*
 * Every prefix of m: each shorter one answers -1 with an anomaly named,
 * except ok_at (a shorter message valid by itself: a hello without
 * extensions), which answers 0; the whole message answers 0.  One CHECK
 * per message; the first few failing lengths are printed.
 */
static void prefixes(const char *what, const struct buf *m, const struct msg *x, size_t ok_at)
{
	unsigned bad = 0;

	for (size_t n = 0; n <= m->n; n++) {
		struct anom_set a;
		uint8_t *p = exact(m->b, n);
		int want = (n == m->n || n == ok_at) ? 0 : -1, rc;

		memset(&a, 0, sizeof a);
		rc = run(x, p, n, NULL, &a);
		free(p);
		if ((rc != want || (rc == -1 && a.n == 0)) && bad++ < 5)
			fprintf(stderr, "%s: prefix %zu of %zu: rc %d, %u anomalies\n",
				what, n, m->n, rc, a.n);
	}
	CHECK(bad == 0);
}

/* Parse m as message x in an exact-size buffer (kept in *body, when body
 * is not NULL, for results that point into it), a hello into *hello; when
 * it parses, check every prefix of it too (see prefixes for ok_at). */
static int parse_at(const struct msg *x, const struct buf *m, size_t ok_at, void *hello,
		    uint8_t **body, struct anom_set *a)
{
	uint8_t *p = exact(m->b, m->n);
	int rc;

	memset(a, 0, sizeof *a);
	rc = run(x, p, m->n, hello, a);
	if (rc == 0)
		prefixes(kind_name[x->kind], m, x, ok_at);
	if (body)
		*body = p;
	else
		free(p);
	return rc;
}

static const struct msg m_ch = { K_CH, NULL, 0, false }, m_sh = { K_SH, NULL, 0, false };

/* A ClientHello (ok_at: where its compression methods end, or NONE). */
static int parse_ch(const struct buf *m, size_t ok_at, struct tls_client_hello *ch,
		    struct anom_set *a)
{
	return parse_at(&m_ch, m, ok_at, ch, NULL, a);
}

/* A ServerHello (ok_at: where its compression method ends, or NONE). */
static int parse_sh(const struct buf *m, size_t ok_at, struct tls_server_hello *sh,
		    struct anom_set *a)
{
	return parse_at(&m_sh, m, ok_at, sh, NULL, a);
}

/* Any other message: no prefix of it is valid by itself. */
static int parse(const struct msg *x, const struct buf *m, uint8_t **body, struct anom_set *a)
{
	return parse_at(x, m, NONE, NULL, body, a);
}

/* m parsed as x where it is (no prefixes, results thrown away) answers -1
 * and names anomaly among this call's anomalies. */
static void expect_fail(const struct msg *x, const struct buf *m, const char *anomaly)
{
	int failures = tt_failures;
	struct anom_set a;

	memset(&a, 0, sizeof a);
	CHECK(run(x, m->b, m->n, NULL, &a) == -1);
	CHECK(anom_has(&a, anomaly));
	if (tt_failures != failures)
		fprintf(stderr, "  %s of %zu bytes, expecting %s\n", kind_name[x->kind], m->n,
			anomaly);
}

/* ---- ClientHello ---- */

/* version 0x0303, random 00..1f, no session id, suites { 1301 }, null
 * compression (CH_FIXED bytes); returns the extensions block, left open. */
#define CH_FIXED (2 + 32 + 1 + 2 + 2 + 1 + 1)

static size_t ch_begin(struct buf *m)
{
	m->n = 0;
	put16(m, 0x0303);
	for (unsigned i = 0; i < 32; i++)
		put8(m, i);
	BYTES(m, 0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00);
	return vopen(m, 2);
}

/* Close the block ch_begin opened and parse (and every prefix). */
static int ch_end(struct buf *m, size_t ex, struct tls_client_hello *ch, struct anom_set *a)
{
	vclose(m, ex, 2);
	return parse_ch(m, CH_FIXED, ch, a);
}

static const uint16_t full_suites[] = { 0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
					0xcca9, 0x009c, 0x002f, 0x00ff };
static const uint16_t full_groups[] = { 0x2a2a, 0x11ec, 0x001d, 0x0017, 0x0018 };
static const uint16_t full_sigalgs[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
					 0x0806, 0x0601 };
static const uint16_t full_sigalgs_cert[] = { 0x0403, 0x0804, 0x0201 };
static const uint16_t full_versions[] = { 0x3a3a, 0x0304, 0x0303 };
static const uint16_t full_certcomp[] = { 0x0002, 0x0001, 0x0003 };   /* brotli, zlib, zstd */
static const uint16_t full_exts[] = { 0x1a1a, 0, 23, 0xff01, 10, 11, 35, 16, 5, 13, 50, 51,
				      45, 43, 27, 17513, 22, 28, 49, 44, 42, 0x7777, 0xfe0d,
				      21, 41 };

/* A ClientHello carrying every extension the parser decodes; returns the
 * length up to the end of its compression methods. */
static size_t build_full_ch(struct buf *m)
{
	static const char *const alpn[] = { "h2", "http/1.1" }, *const alps[] = { "h2" };
	size_t ex, e, ok;

	m->n = 0;
	put16(m, 0x0303);
	for (unsigned i = 0; i < 32; i++)
		put8(m, 0x40 + i);
	put8(m, 32);
	for (unsigned i = 0; i < 32; i++)
		put8(m, 0xa0 + i);
	codes(m, 2, full_suites, N(full_suites));
	BYTES(m, 0x02, 0x01, 0x00);                 /* DEFLATE (RFC 3749), null */
	ok = m->n;
	ex = vopen(m, 2);
	ext_empty(m, 0x1a1a);                       /* GREASE (RFC 8701) */
	ext_sni(m, "example.com", 11);
	ext_empty(m, 23);                           /* extended_master_secret */
	EXT(m, 0xff01, 0x00);                       /* renegotiation_info: initial */
	ext_codes(m, 10, 2, full_groups, N(full_groups));
	EXT(m, 11, 0x03, 0x00, 0x01, 0x02);         /* ec_point_formats */
	EXT(m, 35, 0xde, 0xad, 0xbe, 0xef, 0x01);   /* a 5-byte session ticket */
	ext_alpn(m, 16, alpn, N(alpn));
	EXT(m, 5, 0x01, 0x00, 0x00, 0x00, 0x00);    /* ocsp, no ids, no extensions */
	ext_codes(m, 13, 2, full_sigalgs, N(full_sigalgs));
	ext_codes(m, 50, 2, full_sigalgs_cert, N(full_sigalgs_cert));
	e = ext_open(m, 51);                        /* a GREASE share, an x25519 share */
	BYTES(m, 0x00, 0x29, 0x2a, 0x2a, 0x00, 0x01, 0x00, 0x00, 0x1d, 0x00, 0x20);
	fill(m, 32, 3);
	ext_close(m, e);
	EXT(m, 45, 0x02, 0x01, 0x00);               /* psk_dhe_ke, psk_ke */
	ext_codes(m, 43, 1, full_versions, N(full_versions));
	ext_codes(m, 27, 1, full_certcomp, N(full_certcomp));
	ext_alpn(m, 17513, alps, N(alps));
	ext_empty(m, 22);                           /* encrypt_then_mac */
	EXT(m, 28, 0x40, 0x01);                     /* record_size_limit 2^14 + 1 */
	ext_empty(m, 49);                           /* post_handshake_auth */
	EXT(m, 44, 0x00, 0x04, 0xc0, 0x0c, 0x1e, 0x00);   /* cookie<1..2^16-1> */
	ext_empty(m, 42);                           /* early_data */
	EXT(m, 0x7777, 0x01, 0x02, 0x03);           /* unassigned */
	e = ext_open(m, 0xfe0d);                    /* outer, HKDF-SHA256, AES-128-GCM */
	BYTES(m, 0x00, 0x00, 0x01, 0x00, 0x01, 0x42, 0x00, 0x20);
	fill(m, 32, 7);
	BYTES(m, 0x00, 0x64);
	fill(m, 100, 8);
	ext_close(m, e);
	EXT(m, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);   /* padding (RFC 7685) */
	e = ext_open(m, 41);                        /* two identities, two binders: last */
	BYTES(m, 0x00, 0x15, 0x00, 0x06, 't', 'i', 'c', 'k', 'e', 't', 0x01, 0x02, 0x03, 0x04,
	      0x00, 0x03, 'i', 'd', '2', 0x00, 0x00, 0x00, 0x00, 0x00, 0x42, 0x20);
	fill(m, 32, 13);
	vfill(m, 1, 32, 14);
	ext_close(m, e);
	vclose(m, ex, 2);
	return ok;
}

/* Every field of a ClientHello that carries every decoded extension. */
static void test_ch_full(struct buf *m, struct tls_client_hello *ch)
{
	static const uint8_t comp[] = { 1, 0 }, ptfmts[] = { 0, 1, 2 }, modes[] = { 1, 0 };
	static const uint16_t shares[] = { 0x2a2a, 0x001d };
	struct anom_set a;
	size_t ok = build_full_ch(m);
	bool rnd = true, sid = true;

	CHECK(parse_ch(m, ok, ch, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(ch->legacy_version == 0x0303 && !ch->sslv2);
	for (unsigned i = 0; i < 32; i++) {
		rnd = rnd && ch->random[i] == 0x40 + i;
		sid = sid && ch->session_id[i] == 0xa0 + i;
	}
	CHECK(rnd);
	CHECK(sid && ch->session_id_len == 32);
	/* GREASE is kept raw, in wire order; consumers filter it. */
	CHECK(same16(ch->ciphers, ch->n_ciphers, full_suites, N(full_suites)));
	CHECK(ch->n_ciphers_total == N(full_suites));
	CHECK(tls_is_grease(ch->ciphers[0]) && !tls_is_grease(ch->ciphers[1]));
	CHECK(ch->n_comp == 2 && ch->n_comp_total == 2 && memcmp(ch->comp, comp, 2) == 0);
	CHECK(same16(ch->exts, ch->n_exts, full_exts, N(full_exts)));
	CHECK(ch->n_exts_total == N(full_exts));

	CHECK(ch->has_sni && ch->sni_len == 11 && memcmp(ch->sni, "example.com", 11) == 0);
	CHECK(!ch->sni_truncated);
	CHECK(same16(ch->groups, ch->n_groups, full_groups, N(full_groups)));
	CHECK(ch->n_groups_total == N(full_groups));
	CHECK(ch->n_ptfmts == 3 && ch->n_ptfmts_total == 3 && memcmp(ch->ptfmts, ptfmts, 3) == 0);
	CHECK(same16(ch->sigalgs, ch->n_sigalgs, full_sigalgs, N(full_sigalgs)));
	CHECK(ch->n_sigalgs_total == N(full_sigalgs));
	CHECK(same16(ch->sigalgs_cert, ch->n_sigalgs_cert, full_sigalgs_cert, N(full_sigalgs_cert)));
	CHECK(ch->n_sigalgs_cert_total == N(full_sigalgs_cert));
	CHECK(same16(ch->versions, ch->n_versions, full_versions, N(full_versions)));
	CHECK(ch->n_versions_total == N(full_versions));
	CHECK(same16(ch->keyshares, ch->n_keyshares, shares, N(shares)));
	CHECK(ch->n_keyshares_total == 2);
	CHECK(ch->n_psk_modes == 2 && memcmp(ch->psk_modes, modes, 2) == 0);
	CHECK(same16(ch->cert_compression, ch->n_cert_compression, full_certcomp, N(full_certcomp)));

	CHECK(ch->has_alpn && ch->alpn.n == 2 && ch->alpn.n_total == 2);
	CHECK(alpn_is(&ch->alpn, 0, "h2") && alpn_is(&ch->alpn, 1, "http/1.1"));
	CHECK(ch->alps.n == 1 && ch->alps.n_total == 1 && alpn_is(&ch->alps, 0, "h2"));

	CHECK(ch->has_ems && ch->has_etm && ch->has_reneg && ch->has_status_request);
	CHECK(ch->has_early_data && ch->has_post_handshake_auth && ch->has_cookie);
	CHECK(ch->has_ticket_ext && ch->ticket_len == 5);
	CHECK(ch->has_record_size_limit && ch->record_size_limit == 0x4001);
	CHECK(ch->has_padding && ch->padding_len == 10);
	CHECK(ch->has_psk && ch->psk_identities == 2);
	CHECK(ch->ech.present && ch->ech.type == 0 && ch->ech.config_id == 0x42);
	CHECK(ch->ech.kdf_id == 1 && ch->ech.aead_id == 1);
	CHECK(ch->ech.enc_len == 32 && ch->ech.payload_len == 100);
}

/* No extensions, an empty block, no suites, and broken fixed fields. */
static void test_ch_fixed(struct buf *m, struct tls_client_hello *ch)
{
	struct anom_set a;

	/* SSL 3.0 style: nothing after compression_methods (RFC 5246 7.4.1.2). */
	ch_begin(m);
	m->n = CH_FIXED;
	CHECK(parse_ch(m, NONE, ch, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(ch->n_exts == 0 && ch->n_exts_total == 0 && ch->session_id_len == 0);
	CHECK(ch->n_ciphers == 1 && ch->ciphers[0] == 0x1301 && ch->comp[0] == 0);
	vclose(m, ch_begin(m), 2);
	CHECK(parse_ch(m, CH_FIXED, ch, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(ch->n_exts == 0);

	/* No cipher suite: parsed, named. */
	ch_begin(m);
	m->n = 2 + 32 + 1;
	BYTES(m, 0x00, 0x00, 0x01, 0x00);
	CHECK(parse_ch(m, NONE, ch, &a) == 0);
	CHECK(anom_has(&a, "zero_length_cipher_list") && ch->n_ciphers_total == 0);

	/* An odd cipher_suites length; a 33-byte legacy_session_id<0..32>. */
	ch_begin(m);
	m->b[2 + 32 + 1 + 1] = 3;
	CHECK(parse_ch(m, NONE, ch, &a) == -1 && anom_has(&a, "hello_truncated"));
	ch_begin(m);
	m->b[2 + 32] = 33;
	fill(m, 40, 0);
	CHECK(parse_ch(m, NONE, ch, &a) == -1 && anom_has(&a, "hello_truncated"));
	CHECK(ch->legacy_version == 0x0303 && ch->random[31] == 31);   /* read before the fault */
}

/* Unknown codes (GREASE among them) stay in wire order and their bodies
 * are skipped, so the next extension still decodes; ECH inner, ALPS on its
 * newer code point and the draft key_share code (40). */
static void test_ch_unknown_and_variants(struct buf *m, struct tls_client_hello *ch)
{
	static const uint16_t order[] = { 0xfafa, 0x1234, 43, 0xffff, 0x0a0a, 0x0099, 0xfe0d };
	static const char *const alps[] = { "h3", "h2" };
	struct anom_set a;
	size_t ex;

	ex = ch_begin(m);
	ext_empty(m, 0xfafa);
	EXT(m, 0x1234, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
	EXT(m, 43, 0x02, 0x03, 0x04);
	EXT(m, 0xffff, 0x01);
	ext_empty(m, 0x0a0a);
	EXT(m, 0x0099, 0x00, 0x02, 0x00, 0x17);     /* looks like a list: not read */
	EXT(m, 0xfe0d, 0x01);                       /* inner: Empty */
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(same16(ch->exts, ch->n_exts, order, N(order)) && ch->n_exts_total == N(order));
	CHECK(ch->n_versions == 1 && ch->versions[0] == 0x0304 && ch->n_groups == 0);
	CHECK(ch->ech.present && ch->ech.type == 1 && ch->ech.payload_len == 0);

	ex = ch_begin(m);
	ext_alpn(m, 17613, alps, N(alps));
	EXT(m, 40, 0x00, 0x05, 0x00, 0x17, 0x00, 0x01, 0x04);
	EXT(m, 10, 0x00, 0x02, 0x00, 0x17);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(ch->alps.n == 2 && alpn_is(&ch->alps, 0, "h3") && alpn_is(&ch->alps, 1, "h2"));
	CHECK(!ch->has_alpn && ch->alpn.n == 0);
	CHECK(ch->n_keyshares == 1 && ch->keyshares[0] == 0x0017 && ch->n_keyshares_total == 1);
	CHECK(ch->n_groups == 1 && ch->groups[0] == 0x0017);
}

/* The same extension twice (RFC 8446 4.2 forbids it) is named; whatever
 * list is then reported holds only names from the wire, and never more
 * entries stored than counted (tls_hello.h: n_* <= n_*_total). */
static void test_ch_duplicate(struct buf *m, struct tls_client_hello *ch)
{
	static const char *const first[] = { "http/1.1" }, *const second[] = { "h2" };
	struct anom_set a;
	size_t ex;
	bool wire = true;

	ex = ch_begin(m);
	ext_empty(m, 23);
	ext_empty(m, 23);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "duplicate_extension") && a.n == 1);
	CHECK(ch->n_exts == 2 && ch->exts[0] == 23 && ch->exts[1] == 23 && ch->has_ems);

	ex = ch_begin(m);
	ext_alpn(m, 16, first, 1);
	ext_alpn(m, 16, second, 1);
	EXT(m, 51, 0x00, 0x0a, 0x00, 0x1d, 0x00, 0x01, 0x55, 0x00, 0x17, 0x00, 0x01, 0x66);
	EXT(m, 51, 0x00, 0x05, 0x00, 0x18, 0x00, 0x01, 0x77);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "duplicate_extension"));
	CHECK(ch->alpn.n <= ch->alpn.n_total);
	for (unsigned i = 0; i < ch->alpn.n; i++)
		wire = wire && (alpn_is(&ch->alpn, i, "http/1.1") || alpn_is(&ch->alpn, i, "h2"));
	CHECK(wire);
	CHECK(ch->n_keyshares <= ch->n_keyshares_total);
}

/* Lengths that do not add up, at each level. */
static void test_ch_lengths(struct buf *m, struct tls_client_hello *ch)
{
	struct anom_set a;
	size_t ex;

	/* The extensions block claims more than the hello holds. */
	ex = ch_begin(m);
	ext_empty(m, 23);
	vclose(m, ex, 2);
	m->b[ex + 1] = 5;
	CHECK(parse_ch(m, NONE, ch, &a) == -1 && anom_has(&a, "extension_length_mismatch"));

	/* An extension runs past the block: the ones before it still count. */
	ex = ch_begin(m);
	ext_empty(m, 23);
	BYTES(m, 0x00, 0x10, 0x00, 0x10, 0x00, 0x00);
	vclose(m, ex, 2);
	CHECK(parse_ch(m, NONE, ch, &a) == -1 && anom_has(&a, "extension_length_mismatch"));
	CHECK(ch->n_exts == 1 && ch->has_ems && !ch->has_alpn);

	/* Bytes after the block. */
	ex = ch_begin(m);
	ext_empty(m, 22);
	vclose(m, ex, 2);
	put8(m, 0);
	CHECK(parse_ch(m, NONE, ch, &a) == -1 && anom_has(&a, "trailing_bytes"));
	CHECK(ch->has_etm && ch->n_exts_total == 1);

	/* Bytes left inside flag extensions, and after an inner vector. */
	ex = ch_begin(m);
	EXT(m, 23, 0x00);
	EXT(m, 42, 0x00, 0x00, 0x40, 0x00);
	EXT(m, 10, 0x00, 0x02, 0x00, 0x1d, 0x00, 0x17);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "extension_trailing_bytes") && a.n == 1);
	CHECK(ch->has_ems && ch->has_early_data && ch->n_groups == 1 && ch->groups[0] == 0x001d);

	/* Inner vectors that overrun their extension, or are odd: the damaged
	 * extension is skipped and the next one still decodes. */
	ex = ch_begin(m);
	EXT(m, 10, 0x00, 0x08, 0x00, 0x1d);
	EXT(m, 13, 0x00, 0x03, 0x04, 0x03, 0x08);
	EXT(m, 28, 0x40);
	ext_empty(m, 23);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "bad_vector_length"));
	CHECK(ch->n_groups == 0 && ch->n_sigalgs == 1 && ch->sigalgs[0] == 0x0403);
	CHECK(!ch->has_record_size_limit && ch->has_ems && ch->n_exts == 4);

	/* pre_shared_key without binders; then an identity cut in its age. */
	ex = ch_begin(m);
	EXT(m, 41, 0x00, 0x07, 0x00, 0x01, 'a', 0x00, 0x00, 0x00, 0x07);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "bad_vector_length") && ch->has_psk && ch->psk_identities == 1);
	ex = ch_begin(m);
	EXT(m, 41, 0x00, 0x07, 0x00, 0x04, 'a', 0x00, 0x00, 0x00, 0x07,
	    0x00, 0x02, 0x01, 0x00);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "bad_vector_length") && ch->psk_identities == 0);

	/* An outer ECH cut inside its cipher suite. */
	ex = ch_begin(m);
	EXT(m, 0xfe0d, 0x00, 0x00, 0x01);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "invalid_ech") && ch->ech.present);
}

/* SNI (RFC 6066 3): the first host_name, raw; empty, NUL and long names;
 * ALPN's empty ProtocolName (RFC 7301: ProtocolName<1..2^8-1>). */
static void test_ch_sni_alpn(struct buf *m, struct tls_client_hello *ch)
{
	struct anom_set a;
	size_t ex;
	char big[1025];

	ex = ch_begin(m);
	ext_sni(m, "", 0);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "invalid_sni") && ch->has_sni && ch->sni_len == 0);

	ex = ch_begin(m);
	ext_sni(m, "a\0b", 3);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "invalid_sni") && ch->sni_len == 3 && memcmp(ch->sni, "a\0b", 3) == 0);

	/* Empty extension_data: present, no name. */
	ex = ch_begin(m);
	ext_empty(m, 0);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(ch->has_sni && ch->sni_len == 0);

	/* Another name_type first, then two host_names: the first host_name. */
	ex = ch_begin(m);
	EXT(m, 0, 0x00, 0x16, 0x01, 0x00, 0x02, 'x', 'x',
	    0x00, 0x00, 0x04, 'b', '.', 'e', 'x', 0x00, 0x00, 0x07, 'c', '.', 'e', 'x', 'a', 'm', 'p');
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(ch->sni_len == 4 && memcmp(ch->sni, "b.ex", 4) == 0);

	/* 1025 bytes: the first TLS_MAX_SNI kept, flagged. */
	memset(big, 'a', sizeof big);
	ex = ch_begin(m);
	ext_sni(m, big, sizeof big);
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "sni_too_long") && ch->sni_truncated);
	CHECK(ch->sni_len == TLS_MAX_SNI && memcmp(ch->sni, big, TLS_MAX_SNI) == 0);

	/* The ServerNameList overruns the extension. */
	ex = ch_begin(m);
	EXT(m, 0, 0x00, 0x14, 0x00, 0x00, 0x01, 'x');
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "invalid_sni") && ch->has_sni && ch->sni_len == 0);

	ex = ch_begin(m);
	EXT(m, 16, 0x00, 0x04, 0x00, 0x02, 'h', '2');
	CHECK(ch_end(m, ex, ch, &a) == 0);
	CHECK(anom_has(&a, "empty_alpn") && ch->alpn.n_total == 2 && alpn_is(&ch->alpn, 1, "h2"));
}

/* Lists of cap + over*k entries, in every capped field; 300 extensions
 * (or exactly TLS_MAX_EXTS), extended_master_secret the last. */
static void build_caps(struct buf *m, unsigned over)
{
	size_t ex, e, l;
	unsigned nexts = 9;

	m->n = 0;
	put16(m, 0x0303);
	fill(m, 32, 0);
	put8(m, 0);
	seq(m, 2, 2, TLS_MAX_CIPHERS + over * 88, 0x1000);
	seq(m, 1, 1, TLS_MAX_COMP + over * 4, 0);
	ex = vopen(m, 2);
	ext_seq(m, 10, 2, 2, TLS_MAX_GROUPS + over * 2, 0x0100);
	ext_seq(m, 13, 2, 2, TLS_MAX_SIGALGS + over * 2, 0x0200);
	ext_seq(m, 50, 2, 2, TLS_MAX_SIGALGS + over, 0x0300);
	ext_seq(m, 11, 1, 1, TLS_MAX_PTFMTS + over * 4, 0);
	ext_seq(m, 43, 1, 2, TLS_MAX_VERSIONS + over * 8, 0x7f00);
	ext_seq(m, 45, 1, 1, TLS_MAX_MISC + over * 4, 0);
	ext_seq(m, 27, 1, 2, TLS_MAX_MISC + over * 4, 1);
	ext_seq(m, 16, 2, 2, TLS_MAX_ALPN + over * 8, 0x0100 + 'A');   /* 1-byte names */
	e = ext_open(m, 51);
	l = vopen(m, 2);
	for (unsigned i = 0; i < TLS_MAX_KEYSHARES + over * 4; i++) {
		put16(m, 0x0400 + i);
		BYTES(m, 0x00, 0x01, 0x04);
	}
	vclose(m, l, 2);
	ext_close(m, e);
	for (; nexts < (over ? 299u : TLS_MAX_EXTS - 1u); nexts++)
		ext_empty(m, 0x1000 + nexts);
	ext_empty(m, 23);
	vclose(m, ex, 2);
}

/* Above the caps: the first TLS_MAX_* entries in wire order, totals exact,
 * list_truncated; at exactly the cap nothing is named. */
static void test_ch_caps(struct buf *m, struct tls_client_hello *ch)
{
	struct anom_set a;
	size_t ok = 2 + 32 + 1 + 2 + 2 * (TLS_MAX_CIPHERS + 88) + 1 + TLS_MAX_COMP + 4, e, l;
	char name[256];

	build_caps(m, 1);
	CHECK(parse_ch(m, ok, ch, &a) == 0);
	CHECK(anom_has(&a, "list_truncated") && a.n == 1);
	CHECK(ch->n_ciphers == TLS_MAX_CIPHERS && ch->n_ciphers_total == TLS_MAX_CIPHERS + 88);
	CHECK(ch->ciphers[TLS_MAX_CIPHERS - 1] == 0x1000 + TLS_MAX_CIPHERS - 1);
	CHECK(ch->n_comp == TLS_MAX_COMP && ch->n_comp_total == TLS_MAX_COMP + 4);
	CHECK(ch->n_exts == TLS_MAX_EXTS && ch->n_exts_total == 300 && ch->has_ems);
	CHECK(ch->exts[TLS_MAX_EXTS - 1] == 0x1000 + TLS_MAX_EXTS - 1);
	CHECK(ch->n_groups == TLS_MAX_GROUPS && ch->n_groups_total == TLS_MAX_GROUPS + 2);
	CHECK(ch->groups[TLS_MAX_GROUPS - 1] == 0x0100 + TLS_MAX_GROUPS - 1);
	CHECK(ch->n_sigalgs == TLS_MAX_SIGALGS && ch->n_sigalgs_total == TLS_MAX_SIGALGS + 2);
	CHECK(ch->n_sigalgs_cert == TLS_MAX_SIGALGS &&
	      ch->n_sigalgs_cert_total == TLS_MAX_SIGALGS + 1);
	CHECK(ch->n_ptfmts == TLS_MAX_PTFMTS && ch->n_ptfmts_total == TLS_MAX_PTFMTS + 4);
	CHECK(ch->n_versions == TLS_MAX_VERSIONS && ch->n_versions_total == TLS_MAX_VERSIONS + 8);
	CHECK(ch->n_keyshares == TLS_MAX_KEYSHARES &&
	      ch->n_keyshares_total == TLS_MAX_KEYSHARES + 4);
	CHECK(ch->keyshares[TLS_MAX_KEYSHARES - 1] == 0x0400 + TLS_MAX_KEYSHARES - 1);
	CHECK(ch->n_psk_modes == TLS_MAX_MISC && ch->n_cert_compression == TLS_MAX_MISC);
	CHECK(ch->alpn.n == TLS_MAX_ALPN && ch->alpn.n_total == TLS_MAX_ALPN + 8);
	CHECK(alpn_is(&ch->alpn, TLS_MAX_ALPN - 1, "`"));   /* 'A' + 31 */

	build_caps(m, 0);
	CHECK(parse_ch(m, ok - 2 * 88 - 4, ch, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(ch->n_ciphers == TLS_MAX_CIPHERS && ch->n_ciphers_total == TLS_MAX_CIPHERS);
	CHECK(ch->n_exts == TLS_MAX_EXTS && ch->n_exts_total == TLS_MAX_EXTS && ch->has_ems);
	CHECK(ch->n_keyshares_total == TLS_MAX_KEYSHARES && ch->alpn.n_total == TLS_MAX_ALPN);

	/* ALPN bytes above TLS_ALPN_BUF: four 255-byte names fit, the fifth is counted. */
	memset(name, 'p', 255);
	name[255] = '\0';
	e = ch_begin(m);
	l = ext_open(m, 16);
	put16(m, 5 * 256);
	for (unsigned i = 0; i < 5; i++)
		vstr8(m, name);
	ext_close(m, l);
	vclose(m, e, 2);
	CHECK(parse_ch(m, CH_FIXED, ch, &a) == 0);
	CHECK(anom_has(&a, "list_truncated") && ch->alpn.n == 4 && ch->alpn.n_total == 5);
	CHECK(alpn_is(&ch->alpn, 3, name));
}

/* SSLv2-compatible CLIENT-HELLO (RFC 5246 E.2): 3-byte specs 00XXXX are
 * TLS suites XXXX; the others are counted only. */
static void test_sslv2(struct buf *m, struct tls_client_hello *ch)
{
	static const uint16_t tls[] = { 0x0004, 0x002f, 0x00ff };
	static const struct msg v2 = { K_V2, NULL, 0, false };
	struct anom_set a;

	m->n = 0;
	BYTES(m, 0x01, 0x03, 0x01, 0x00, 0x0f, 0x00, 0x10, 0x00, 0x10,
	      0x01, 0x00, 0x80,    /* SSL_CK_RC4_128_WITH_MD5 */
	      0x00, 0x00, 0x04, 0x00, 0x00, 0x2f,
	      0x07, 0x00, 0xc0,    /* SSL_CK_DES_192_EDE3_CBC_WITH_MD5 */
	      0x00, 0x00, 0xff);
	fill(m, 16, 0x30);    /* session id */
	fill(m, 16, 0x50);    /* challenge */
	CHECK(parse_at(&v2, m, NONE, ch, NULL, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(ch->sslv2 && ch->legacy_version == 0x0301);
	CHECK(same16(ch->ciphers, ch->n_ciphers, tls, N(tls)) && ch->n_ciphers_total == 5);
	CHECK(ch->session_id_len == 16 && memcmp(ch->session_id, m->b + 24, 16) == 0);
	CHECK(ch->n_exts == 0 && !ch->has_sni);

	put8(m, 0);
	memset(&a, 0, sizeof a);
	tls_parse_sslv2_client_hello(m->b, m->n, ch, &a);
	CHECK(anom_has(&a, "trailing_bytes"));
	m->n--;
	m->b[4] = 14;   /* cipher_spec_length not a multiple of 3 */
	expect_fail(&v2, m, "hello_truncated");
	m->b[4] = 15;
	m->b[0] = 4;    /* SERVER-HELLO */
	CHECK(tls_parse_sslv2_client_hello(m->b, m->n, ch, &a) == -1);
}

/* ---- ServerHello ---- */

/* SHA-256("HelloRetryRequest"), RFC 8446 4.1.3. */
static const uint8_t hrr[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* Fixed part, random 60..7f unless given; returns the open extensions
 * block, *ok where the compression method ends. */
static size_t sh_begin(struct buf *m, unsigned version, const uint8_t *random, unsigned sid,
		       unsigned cipher, size_t *ok)
{
	m->n = 0;
	put16(m, version);
	for (unsigned i = 0; i < 32; i++)
		put8(m, random ? random[i] : 0x60 + i);
	put8(m, sid);
	fill(m, sid, 0x20);
	put16(m, cipher);
	put8(m, 0);
	*ok = m->n;
	return vopen(m, 2);
}

/* TLS 1.3: supported_versions, a KeyShareEntry, the selected PSK. */
static void test_sh_tls13(struct buf *m, struct tls_server_hello *sh)
{
	static const uint16_t order[] = { 43, 51, 41 };
	struct anom_set a;
	size_t ok, ex = sh_begin(m, 0x0303, NULL, 32, 0x1301, &ok), e;

	EXT(m, 43, 0x03, 0x04);
	e = ext_open(m, 51);
	BYTES(m, 0x00, 0x1d, 0x00, 0x20);
	fill(m, 32, 1);
	ext_close(m, e);
	EXT(m, 41, 0x00, 0x01);
	vclose(m, ex, 2);
	CHECK(parse_sh(m, ok, sh, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(sh->legacy_version == 0x0303 && sh->selected_version == 0x0304);
	CHECK(tls_sh_version(sh) == 0x0304);
	CHECK(sh->random[0] == 0x60 && sh->random[31] == 0x7f && !sh->is_hrr && sh->downgrade == 0);
	CHECK(sh->session_id_len == 32 && memcmp(sh->session_id, m->b + 35, 32) == 0);
	CHECK(sh->cipher == 0x1301 && sh->compression == 0);
	CHECK(sh->has_key_share && sh->selected_group == 0x001d);
	CHECK(sh->has_psk && sh->psk_identity == 1);
	CHECK(same16(sh->exts, sh->n_exts, order, N(order)) && sh->n_exts_total == 3);
}

/* TLS 1.2 flags and ALPN; exactly one ALPN name; SSL 3.0; a long sid. */
static void test_sh_tls12(struct buf *m, struct tls_server_hello *sh)
{
	static const char *const h2[] = { "h2" }, *const two[] = { "h2", "http/1.1" };
	struct anom_set a;
	size_t ok, ex = sh_begin(m, 0x0303, NULL, 0, 0xc02f, &ok);

	EXT(m, 0xff01, 0x00);
	ext_empty(m, 0);    /* server_name acknowledged (RFC 6066 3) */
	ext_empty(m, 23);
	ext_empty(m, 22);
	ext_empty(m, 35);
	ext_empty(m, 5);
	EXT(m, 11, 0x01, 0x00);
	ext_alpn(m, 16, h2, 1);
	vclose(m, ex, 2);
	CHECK(parse_sh(m, ok, sh, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(sh->selected_version == 0 && tls_sh_version(sh) == 0x0303);
	CHECK(sh->cipher == 0xc02f && sh->session_id_len == 0 && !sh->has_key_share);
	CHECK(sh->has_reneg && sh->has_sni_ack && sh->has_ems && sh->has_etm);
	CHECK(sh->has_ticket_ext && sh->has_status_request && !sh->has_psk);
	CHECK(sh->has_alpn && sh->alpn.n == 1 && alpn_is(&sh->alpn, 0, "h2"));
	CHECK(sh->n_exts == 8 && sh->exts[6] == 11);

	ex = sh_begin(m, 0x0303, NULL, 0, 0xc02f, &ok);
	ext_alpn(m, 16, two, 2);
	vclose(m, ex, 2);
	CHECK(parse_sh(m, ok, sh, &a) == 0 && anom_has(&a, "invalid_alpn_selection"));

	/* SSL 3.0 style: DEFLATE, no extensions. */
	sh_begin(m, 0x0300, NULL, 16, 0x000a, &ok);
	m->b[ok - 1] = 1;
	m->n = ok;
	CHECK(parse_sh(m, NONE, sh, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(sh->compression == 1 && sh->n_exts == 0 && tls_sh_version(sh) == 0x0300);

	sh_begin(m, 0x0303, NULL, 33, 0xc02f, &ok);
	CHECK(parse_sh(m, NONE, sh, &a) == -1 && anom_has(&a, "hello_truncated"));
}

/* The last 8 random bytes 44 4F 57 4E 47 52 44 01 / 00 (RFC 8446 4.1.3). */
static void test_sh_downgrade(struct buf *m, struct tls_server_hello *sh)
{
	static const uint8_t tail[8] = { 0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01 };
	static const struct { uint8_t last; unsigned at; uint8_t want; } cases[] = {
		{ 0x01, 31, 12 }, { 0x00, 31, 11 }, { 0x02, 31, 0 }, { 0x01, 24, 0 },
	};
	struct anom_set a;
	uint8_t rnd[32];
	size_t ok;

	for (unsigned i = 0; i < N(cases); i++) {
		for (unsigned k = 0; k < 24; k++)
			rnd[k] = (uint8_t)(0x90 + k);
		memcpy(rnd + 24, tail, 8);
		rnd[31] = cases[i].last;
		if (cases[i].at != 31)
			rnd[cases[i].at] = 0x45;   /* "EOWNGRD": not the sentinel */
		vclose(m, sh_begin(m, 0x0302, rnd, 0, 0x002f, &ok), 2);
		CHECK(parse_sh(m, ok, sh, &a) == 0);
		CHECK(sh->downgrade == cases[i].want && !sh->is_hrr);
		CHECK(tls_sh_version(sh) == 0x0302);
	}
}

/* HelloRetryRequest: a ServerHello with the fixed random; its key_share is
 * only the selected group (RFC 8446 4.2.8). */
static void test_sh_hrr(struct buf *m, struct tls_server_hello *sh)
{
	struct anom_set a;
	size_t ok, ex = sh_begin(m, 0x0303, hrr, 32, 0x1302, &ok);

	EXT(m, 43, 0x03, 0x04);
	EXT(m, 51, 0x00, 0x17);
	EXT(m, 44, 0x00, 0x04, 0x0c, 0x00, 0x0c, 0x1e);
	vclose(m, ex, 2);
	CHECK(parse_sh(m, ok, sh, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(sh->is_hrr && sh->downgrade == 0 && memcmp(sh->random, hrr, 32) == 0);
	CHECK(sh->has_key_share && sh->selected_group == 0x0017);
	CHECK(sh->cipher == 0x1302 && tls_sh_version(sh) == 0x0304 && sh->n_exts == 3);

	/* One bit off: an ordinary ServerHello, whose key_share then lacks
	 * its key_exchange. */
	m->b[2 + 31] ^= 1;
	CHECK(parse_sh(m, ok, sh, &a) == 0);
	CHECK(!sh->is_hrr && anom_has(&a, "bad_vector_length") && sh->selected_group == 0x0017);
}

/* TLS 1.3 drafts before 22: no session id, no compression method. */
static void test_sh_draft(struct buf *m, struct tls_server_hello *sh)
{
	struct anom_set a;
	size_t ex, e;

	m->n = 0;
	put16(m, 0x7f12);
	fill(m, 32, 0);
	put16(m, 0x1301);
	ex = vopen(m, 2);
	e = ext_open(m, 40);
	BYTES(m, 0x00, 0x1d, 0x00, 0x20);
	fill(m, 32, 1);
	ext_close(m, e);
	vclose(m, ex, 2);
	CHECK(parse_sh(m, 2 + 32 + 2, sh, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(sh->selected_version == 0x7f12 && sh->cipher == 0x1301 && sh->session_id_len == 0);
	CHECK(sh->has_key_share && sh->selected_group == 0x001d);

	/* Draft 22 and later look like TLS 1.2: these bytes no longer parse. */
	m->b[1] = 0x16;
	CHECK(parse_sh(m, NONE, sh, &a) == -1);
}

/* ---- the other messages ---- */

/* Certificate: TLS <= 1.2 certificate_list<0..2^24-1> of ASN.1Cert, and
 * TLS 1.3 (RFC 8446 4.4.2) context + CertificateEntry with extensions;
 * references point into the body. */
static void test_certificate(struct buf *m)
{
	static const struct msg t12 = { K_CERT, NULL, 0x0303, false };
	static const struct msg t13 = { K_CERT, NULL, 0x0304, true };
	struct tls_cert_ref c[4];
	struct anom_set a;
	size_t n, total, l;
	uint8_t *p;

	m->n = 0;
	l = vopen(m, 3);
	vfill(m, 3, 5, 1);
	BYTES(m, 0x00, 0x00, 0x01, 0x30);
	vfill(m, 3, 300, 2);
	vclose(m, l, 3);
	CHECK(parse(&t12, m, &p, &a) == 0);
	CHECK(tls_parse_certificate(p, m->n, false, c, 4, &n, &total, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(n == 3 && total == 3);
	CHECK(c[0].der == p + 6 && c[0].len == 5);
	CHECK(c[1].der == p + 14 && c[1].len == 1 && *c[1].der == 0x30);
	CHECK(c[2].der == p + 18 && c[2].len == 300);
	CHECK(tls_parse_certificate(p, m->n, false, c, 2, &n, &total, &a) == 0);
	CHECK(n == 2 && total == 3);
	free(p);
	put8(m, 0);
	CHECK(tls_parse_certificate(m->b, m->n, false, c, 4, &n, &total, &a) == -1);
	CHECK(anom_has(&a, "trailing_bytes") && total == 3);

	/* An empty list (a client without a certificate). */
	m->n = 0;
	put24(m, 0);
	CHECK(parse(&t12, m, NULL, &a) == 0);

	/* An entry whose length is cut by the list's end. */
	m->n = 0;
	BYTES(m, 0x00, 0x00, 0x08, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03, 0x00, 0x00);
	memset(&a, 0, sizeof a);
	CHECK(tls_parse_certificate(m->b, m->n, false, c, 4, &n, &total, &a) == -1);
	CHECK(anom_has(&a, "certificate_malformed") && n == 1 && total == 1);

	/* TLS 1.3: a status_request entry extension, then a bare entry. */
	m->n = 0;
	put8(m, 0);
	l = vopen(m, 3);
	vfill(m, 3, 10, 3);
	BYTES(m, 0x00, 0x0b, 0x00, 0x05, 0x00, 0x07, 0x01, 0x00, 0x00, 0x03, 0xaa, 0xbb, 0xcc);
	vfill(m, 3, 4, 5);
	put16(m, 0);
	vclose(m, l, 3);
	CHECK(parse(&t13, m, &p, &a) == 0);
	CHECK(tls_parse_certificate(p, m->n, true, c, 4, &n, &total, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(n == 2 && total == 2);
	CHECK(c[0].der == p + 7 && c[0].len == 10 && c[1].der == p + 33 && c[1].len == 4);
	/* The same bytes as a TLS 1.2 list: an empty list, then trailing bytes. */
	CHECK(tls_parse_certificate(p, m->n, false, c, 4, &n, &total, &a) == -1);
	free(p);
}

/* CertificateStatus (RFC 6066 8): status_type, OCSPResponse<1..2^24-1>. */
static void test_certificate_status(struct buf *m)
{
	static const struct msg cs = { K_CS, NULL, 0, false };
	struct anom_set a;
	uint8_t type = 0;
	uint32_t rlen = 0;

	m->n = 0;
	put8(m, 1);
	vfill(m, 3, 200, 0);
	CHECK(parse(&cs, m, NULL, &a) == 0);
	CHECK(tls_parse_certificate_status(m->b, m->n, &type, &rlen, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(type == 1 && rlen == 200);
	put8(m, 0);
	expect_fail(&cs, m, "trailing_bytes");
}

static int ske(const struct buf *m, const char *kx, uint16_t version, struct tls_ske *s,
	       struct anom_set *a)
{
	struct msg x = { K_SKE, kx, version, false };

	if (parse(&x, m, NULL, a) != 0)
		return -1;
	return tls_parse_server_key_exchange(m->b, m->n, kx, version, s, a);
}

/* ServerKeyExchange: ECDHE (RFC 8422 5.4), DHE (RFC 5246 7.4.3), PSK
 * (RFC 4279, 5489), RSA_EXPORT; a SignatureScheme from TLS 1.2 on. */
static void test_server_key_exchange(struct buf *m)
{
	static const struct msg ecdhe10 = { K_SKE, "ecdhe", 0x0301, false };
	static const struct msg ecdhe12 = { K_SKE, "ecdhe", 0x0303, false };
	static const struct msg psk12 = { K_SKE, "psk", 0x0303, false };
	struct tls_ske s;
	struct anom_set a;

	m->n = 0;
	BYTES(m, 0x03, 0x00, 0x1d, 0x20);   /* named_curve x25519 */
	fill(m, 32, 0);
	BYTES(m, 0x08, 0x04, 0x01, 0x00);   /* rsa_pss_rsae_sha256, 256 bytes */
	fill(m, 256, 1);
	CHECK(ske(m, "ecdhe", 0x0303, &s, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(s.has_group && s.curve_type == 3 && s.group == 0x001d);
	CHECK(s.has_sigalg && s.sigalg == 0x0804 && s.sig_len == 256 && s.dh_bits == 0);
	/* Before TLS 1.2 the same bytes hold no scheme: 08 04 is a length. */
	expect_fail(&ecdhe10, m, "server_key_exchange_malformed");
	put8(m, 0);
	expect_fail(&ecdhe12, m, "trailing_bytes");

	m->n = 0;
	BYTES(m, 0x03, 0x00, 0x17, 0x41);   /* secp256r1, TLS 1.0: signature only */
	fill(m, 65, 0);
	BYTES(m, 0x00, 0x48);
	fill(m, 72, 2);
	CHECK(ske(m, "ecdhe", 0x0301, &s, &a) == 0);
	CHECK(s.group == 0x0017 && !s.has_sigalg && s.sig_len == 72);

	m->n = 0;
	put8(m, 1);                         /* explicit_prime: named, not analysed */
	fill(m, 40, 0);
	memset(&a, 0, sizeof a);
	CHECK(tls_parse_server_key_exchange(m->b, m->n, "ecdhe", 0x0303, &s, &a) == 0);
	CHECK(anom_has(&a, "explicit_curve") && !s.has_group && s.curve_type == 1);

	/* DHE: a 2048-bit p written with a leading zero byte. */
	m->n = 0;
	BYTES(m, 0x01, 0x01, 0x00);
	for (unsigned i = 0; i < 256; i++)
		put8(m, 0xff);
	BYTES(m, 0x00, 0x01, 0x02, 0x01, 0x00);
	fill(m, 256, 3);
	BYTES(m, 0x04, 0x01, 0x01, 0x00);
	fill(m, 256, 4);
	CHECK(ske(m, "dhe", 0x0303, &s, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(s.dh_bits == 2048 && !s.has_group && s.has_sigalg && s.sigalg == 0x0401);
	CHECK(s.sig_len == 256);

	/* 1023 bits: 00 00 7f ff..ff, 130 bytes; TLS 1.1. */
	m->n = 0;
	BYTES(m, 0x00, 0x82, 0x00, 0x00, 0x7f);
	for (unsigned i = 0; i < 127; i++)
		put8(m, 0xff);
	BYTES(m, 0x00, 0x01, 0x02, 0x00, 0x01, 0x09, 0x00, 0x02, 0xab, 0xcd);
	CHECK(ske(m, "dhe", 0x0302, &s, &a) == 0 && s.dh_bits == 1023 && s.sig_len == 2);

	/* ecdh_anon: no signature, so a trailing one is extra. */
	m->n = 0;
	BYTES(m, 0x03, 0x00, 0x18, 0x01, 0x04);
	CHECK(ske(m, "ecdh_anon", 0x0303, &s, &a) == 0 && s.group == 0x0018 && !s.has_sigalg);
	put16(m, 0);
	CHECK(tls_parse_server_key_exchange(m->b, m->n, "ecdh_anon", 0x0303, &s, &a) == -1);

	/* ECDHE_PSK (RFC 5489 2): identity hint, then the curve; unsigned. */
	m->n = 0;
	vstr16(m, "hint");
	BYTES(m, 0x03, 0x00, 0x1d, 0x20);
	fill(m, 32, 0);
	CHECK(ske(m, "ecdhe_psk", 0x0303, &s, &a) == 0 && s.group == 0x001d && !s.has_sigalg);

	/* PSK (RFC 4279 2): the hint alone. */
	m->n = 0;
	vstr16(m, "hint");
	CHECK(ske(m, "psk", 0x0303, &s, &a) == 0 && !s.has_group);
	put8(m, 0);
	expect_fail(&psk12, m, "trailing_bytes");

	/* RSA_EXPORT in SSL 3.0: temporary modulus and exponent, signed. */
	m->n = 0;
	vfill(m, 2, 64, 0);
	BYTES(m, 0x00, 0x03, 0x01, 0x00, 0x01, 0x00, 0x40);
	fill(m, 64, 1);
	CHECK(ske(m, "rsa", 0x0300, &s, &a) == 0 && s.sig_len == 64 && !s.has_sigalg);

	/* An ECPoint running past the message: the group read before is kept. */
	m->n = 0;
	BYTES(m, 0x03, 0x00, 0x1d, 0x20, 0x01, 0x02);
	memset(&a, 0, sizeof a);
	CHECK(tls_parse_server_key_exchange(m->b, m->n, "ecdhe", 0x0303, &s, &a) == -1);
	CHECK(anom_has(&a, "server_key_exchange_malformed") && s.group == 0x001d);
}

/* CertificateRequest (RFC 5246 7.4.4; TLS 1.0/1.1 carry no schemes). */
static void test_certificate_request(struct buf *m)
{
	static const uint16_t algs[] = { 0x0403, 0x0804, 0x0401 };
	static const struct msg v12 = { K_CR, NULL, 0x0303, false };
	static const struct msg v11 = { K_CR, NULL, 0x0302, false };
	struct tls_cert_request *cr = calloc(1, sizeof *cr);
	struct anom_set a;
	size_t l;
	uint8_t *p;

	m->n = 0;
	BYTES(m, 0x02, 0x01, 0x40);   /* rsa_sign, ecdsa_sign */
	codes(m, 2, algs, N(algs));
	BYTES(m, 0x00, 0x22, 0x00, 0x0a);
	fill(m, 10, 0);
	vfill(m, 2, 20, 1);
	CHECK(parse(&v12, m, &p, &a) == 0);
	CHECK(tls_parse_certificate_request(p, m->n, 0x0303, cr, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(cr->n_types == 2 && cr->types[0] == 1 && cr->types[1] == 64);
	CHECK(same16(cr->sigalgs, cr->n_sigalgs, algs, N(algs)));
	CHECK(cr->n_authorities == 2 && cr->n_authorities_total == 2);
	CHECK(cr->authorities[0].der == p + 15 && cr->authorities[0].len == 10);
	CHECK(cr->authorities[1].der == p + 27 && cr->authorities[1].len == 20);
	free(p);
	put8(m, 0);
	expect_fail(&v12, m, "trailing_bytes");

	m->n = 0;
	BYTES(m, 0x02, 0x01, 0x02, 0x00, 0x00);   /* TLS 1.1: rsa_sign, dss_sign; no CAs */
	CHECK(parse(&v11, m, NULL, &a) == 0);
	CHECK(tls_parse_certificate_request(m->b, m->n, 0x0302, cr, &a) == 0);
	CHECK(cr->n_types == 2 && cr->n_sigalgs == 0 && cr->n_authorities_total == 0);

	/* Above the caps. */
	m->n = 0;
	l = vopen(m, 1);
	for (unsigned i = 0; i < TLS_MAX_CERT_TYPES + 4; i++)
		put8(m, i);
	vclose(m, l, 1);
	l = vopen(m, 2);
	for (unsigned i = 0; i < TLS_MAX_SIGALGS + 2; i++)
		put16(m, 0x0400 + i);
	vclose(m, l, 2);
	l = vopen(m, 2);
	for (unsigned i = 0; i < TLS_MAX_AUTHORITIES + 4; i++)
		BYTES(m, 0x00, 0x01, 0x30);
	vclose(m, l, 2);
	CHECK(parse(&v12, m, NULL, &a) == 0);
	CHECK(tls_parse_certificate_request(m->b, m->n, 0x0303, cr, &a) == 0);
	CHECK(anom_has(&a, "list_truncated"));
	CHECK(cr->n_types == TLS_MAX_CERT_TYPES && cr->n_sigalgs == TLS_MAX_SIGALGS);
	CHECK(cr->n_authorities == TLS_MAX_AUTHORITIES);
	CHECK(cr->n_authorities_total == TLS_MAX_AUTHORITIES + 4);

	/* A DistinguishedName running past the list. */
	m->n = 0;
	BYTES(m, 0x01, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x09, 0x00, 0x00);
	expect_fail(&v12, m, "certificate_request_malformed");
	free(cr);
}

/* CertificateVerify: SignatureScheme from TLS 1.2, signature<0..2^16-1>. */
static void test_certificate_verify(struct buf *m)
{
	static const struct msg v12 = { K_CV, NULL, 0x0303, false };
	static const struct msg v10 = { K_CV, NULL, 0x0301, false };
	struct anom_set a;
	bool has = false;
	uint16_t alg = 0;

	m->n = 0;
	BYTES(m, 0x08, 0x04, 0x01, 0x00);
	fill(m, 256, 0);
	CHECK(parse(&v12, m, NULL, &a) == 0);
	CHECK(tls_parse_certificate_verify(m->b, m->n, 0x0303, &has, &alg, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(has && alg == 0x0804);
	CHECK(tls_parse_certificate_verify(m->b, m->n, 0x0304, &has, &alg, &a) == 0 && has);
	put8(m, 0);
	expect_fail(&v12, m, "certificate_verify_malformed");

	m->n = 0;
	vfill(m, 2, 128, 1);
	CHECK(parse(&v10, m, NULL, &a) == 0);
	CHECK(tls_parse_certificate_verify(m->b, m->n, 0x0301, &has, &alg, &a) == 0 && !has);
}

/* NewSessionTicket: RFC 5077 3.3 (lifetime hint, ticket) and RFC 8446
 * 4.6.1 (lifetime, age_add, nonce, ticket, extensions). */
static void test_new_session_ticket(struct buf *m)
{
	static const struct msg t12 = { K_NST, NULL, 0x0303, false };
	static const struct msg t13 = { K_NST, NULL, 0x0304, true };
	struct anom_set a;
	uint32_t life = 0;
	uint16_t tlen = 0;

	m->n = 0;
	BYTES(m, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x64);   /* 7200 s, 100 bytes */
	fill(m, 100, 0);
	CHECK(parse(&t12, m, NULL, &a) == 0);
	CHECK(tls_parse_new_session_ticket(m->b, m->n, false, &life, &tlen, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(life == 7200 && tlen == 100);

	m->n = 0;
	BYTES(m, 0x00, 0x02, 0xa3, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x08);   /* 2 days, age_add */
	fill(m, 8, 1);
	vfill(m, 2, 200, 2);
	BYTES(m, 0x00, 0x08, 0x00, 0x2a, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00);   /* early_data */
	CHECK(parse(&t13, m, NULL, &a) == 0);
	CHECK(tls_parse_new_session_ticket(m->b, m->n, true, &life, &tlen, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(life == 172800 && tlen == 200);
	put8(m, 0);
	expect_fail(&t13, m, "trailing_bytes");
	m->n = 6;                            /* cut inside ticket_age_add */
	expect_fail(&t13, m, "new_session_ticket_malformed");
}

/* EncryptedExtensions (RFC 8446 4.3.1) with ALPN, then early_data when
 * early: the selected name and whether 0-RTT was accepted.  Every
 * truncated prefix, in an exact-size copy, fails. */
static void encrypted_extensions(struct buf *m, bool early)
{
	struct tls_alpn_list alpn;
	struct anom_set a;
	bool has = false, ed = !early;
	size_t ex, e, l;

	m->n = 0;
	ex = vopen(m, 2);
	e = ext_open(m, 16);
	l = vopen(m, 2);
	vstr8(m, "h2");
	vclose(m, l, 2);
	ext_close(m, e);
	if (early) {
		e = ext_open(m, 42);
		ext_close(m, e);
	}
	vclose(m, ex, 2);
	memset(&a, 0, sizeof a);
	CHECK(tls_parse_encrypted_extensions(m->b, m->n, &alpn, &has, &ed, &a) == 0);
	CHECK_CLEAN(&a);
	CHECK(has && ed == early && alpn.n == 1 && alpn.len[0] == 2);
	for (size_t k = 0; k < m->n; k++) {
		uint8_t *p = malloc(k ? k : 1);
		if (!p)
			abort();
		memcpy(p, m->b, k);
		memset(&a, 0, sizeof a);
		CHECK(tls_parse_encrypted_extensions(p, k, &alpn, &has, &ed, &a) == -1);
		free(p);
	}
}

static void test_encrypted_extensions(struct buf *m)
{
	encrypted_extensions(m, true);
	encrypted_extensions(m, false);
}

static int cke(const struct buf *m, const char *kx, uint16_t version, struct anom_set *a)
{
	memset(a, 0, sizeof *a);
	return tls_parse_client_key_exchange(m->b, m->n, kx, version, a);
}

static void cke_ok(const struct buf *m, const char *kx, uint16_t version)
{
	struct msg x = { K_CKE, kx, version, false };
	struct anom_set a;

	CHECK(parse(&x, m, NULL, &a) == 0);
	CHECK_CLEAN(&a);
}

/* ClientKeyExchange shapes (RFC 5246 7.4.7, RFC 8422 5.7, RFC 4279 2-4). */
static void test_client_key_exchange(struct buf *m)
{
	struct anom_set a;
	unsigned bad = 0;

	m->n = 0;
	vfill(m, 1, 65, 0);
	cke_ok(m, "ecdhe", 0x0303);
	cke_ok(m, "ecdh", 0x0303);
	put8(m, 0);
	CHECK(cke(m, "ecdhe", 0x0303, &a) == -1 && anom_has(&a, "client_key_exchange_malformed"));

	m->n = 0;
	vfill(m, 2, 256, 1);
	cke_ok(m, "dhe", 0x0303);
	cke_ok(m, "rsa", 0x0301);

	/* SSL 3.0 sends the encrypted premaster secret without a length: any
	 * non-empty body fits, the empty one does not. */
	m->n = 0;
	fill(m, 128, 2);
	CHECK(cke(m, "rsa", 0x0300, &a) == 0);
	for (size_t n = 0; n < m->n; n++) {
		uint8_t *p = exact(m->b, n);

		memset(&a, 0, sizeof a);
		bad += tls_parse_client_key_exchange(p, n, "rsa", 0x0300, &a) != (n ? 0 : -1);
		free(p);
	}
	CHECK(bad == 0);
	CHECK(cke(m, "rsa", 0x0303, &a) == -1);

	/* PSK family: psk_identity first; for plain PSK nothing follows it. */
	m->n = 0;
	vstr16(m, "client1");
	cke_ok(m, "psk", 0x0303);
	put8(m, 0);
	CHECK(cke(m, "psk", 0x0303, &a) == -1 && anom_has(&a, "client_key_exchange_malformed"));
	m->n = 0;
	vstr16(m, "client1");
	vfill(m, 1, 32, 3);
	cke_ok(m, "ecdhe_psk", 0x0303);
	m->n = 0;
	vstr16(m, "client1");
	vfill(m, 2, 128, 4);
	cke_ok(m, "rsa_psk", 0x0303);
	cke_ok(m, "dhe_psk", 0x0303);

	/* Key exchanges whose shape is not checked. */
	CHECK(cke(m, "srp", 0x0303, &a) == 0 && cke(m, NULL, 0x0303, &a) == 0);
}

/* The handshake header (4 bytes, NEED_MORE below) and the alert body. */
static void test_header_and_alert(void)
{
	static const uint8_t h[] = { 0x01, 0x00, 0x01, 0x2c, 0x03 }, al[] = { 2, 40, 0 };
	uint8_t type = 0, level = 0, desc = 0;
	uint32_t len = 0;
	unsigned bad = 0;

	CHECK(tls_hs_header(h, sizeof h, &type, &len) == TLS_OK && type == 1 && len == 300);
	for (size_t n = 0; n < TLS_HS_HDR; n++) {
		uint8_t *p = exact(h, n);

		bad += tls_hs_header(p, n, &type, &len) != TLS_NEED_MORE;
		free(p);
	}
	CHECK(bad == 0);
	CHECK(tls_parse_alert(al, 2, &level, &desc) == 0 && level == 2 && desc == 40);
	CHECK(tls_parse_alert(al, 0, &level, &desc) == -1);
	CHECK(tls_parse_alert(al, 1, &level, &desc) == -1);
	CHECK(tls_parse_alert(al, 3, &level, &desc) == -1);
}

/* RFC 8701's sixteen GREASE values, and near misses. */
static void test_grease(void)
{
	unsigned n = 0;

	for (unsigned v = 0; v <= 0xffff; v++)
		n += tls_is_grease((uint16_t)v);
	CHECK(n == 16);
	CHECK(tls_is_grease(0x0a0a) && tls_is_grease(0xfafa) && tls_is_grease(0x7a7a));
	CHECK(!tls_is_grease(0x0a1a) && !tls_is_grease(0x1a0a) && !tls_is_grease(0x0b0b));
}

/* One message buffer and one of each hello for the whole run: each test
 * starts its message over, and the parsers clear the hellos they fill. */
/* tls_retry_changes: each field on its own; what may change does not count. */
static void test_retry_changes(void)
{
	struct tls_client_hello *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	static const uint16_t e1[] = { 0, 10, 13, 43, 51, 41 }, e2[] = { 0, 10, 21, 13, 43, 44, 51 };

	if (!a || !b)
		return;
	a->legacy_version = 0x0303;
	a->has_sni = true;
	memcpy(a->sni, "a.example", 9);
	a->sni_len = 9;
	a->n_ciphers = a->n_ciphers_total = 2;
	a->ciphers[0] = 0x1301;
	a->ciphers[1] = 0x1302;
	memcpy(a->exts, e1, sizeof e1);
	a->n_exts = a->n_exts_total = 6;
	a->has_early_data = true;
	memcpy(b, a, sizeof *b);
	/* key_share, cookie, padding added or removed, PSK dropped, early_data gone */
	memcpy(b->exts, e2, sizeof e2);
	b->n_exts = b->n_exts_total = 7;
	b->has_early_data = false;
	CHECK(tls_retry_changes(a, b) == 0);
	b->sni[0] = 'b';
	CHECK(tls_retry_changes(a, b) == 1u << TLS_RETRY_SERVER_NAME);
	CHECK_STR(tls_retry_name(TLS_RETRY_SERVER_NAME), "server_name");
	b->sni[0] = 'a';
	b->has_sni = false;
	CHECK(tls_retry_changes(a, b) == 1u << TLS_RETRY_SERVER_NAME);
	b->has_sni = true;
	b->ciphers[1] = 0x1303;
	b->random[5] = 1;
	CHECK(tls_retry_changes(a, b) == (1u << TLS_RETRY_CIPHERS | 1u << TLS_RETRY_RANDOM));
	memcpy(b, a, sizeof *b);
	b->exts[1] = 11;
	CHECK(tls_retry_changes(a, b) == 1u << TLS_RETRY_EXTENSIONS);
	b->exts[1] = 10;
	b->n_exts = 5;          /* PSK (last) dropped: allowed */
	b->n_exts_total = 5;
	CHECK(tls_retry_changes(a, b) == 0);
	b->n_exts = 3;          /* supported_versions dropped (and more): not */
	b->n_exts_total = 3;
	CHECK(tls_retry_changes(a, b) == 1u << TLS_RETRY_EXTENSIONS);
	memcpy(b, a, sizeof *b);
	b->legacy_version = 0x0301;
	b->session_id_len = 1;
	b->n_versions_total = 1;
	b->n_groups_total = 1;
	b->n_sigalgs_total = 1;
	b->n_comp_total = 1;
	b->has_alpn = true;
	CHECK(tls_retry_changes(a, b) ==
	      (1u << TLS_RETRY_VERSION | 1u << TLS_RETRY_SESSION_ID | 1u << TLS_RETRY_VERSIONS |
	       1u << TLS_RETRY_GROUPS | 1u << TLS_RETRY_SIGALGS | 1u << TLS_RETRY_COMPRESSION |
	       1u << TLS_RETRY_ALPN));
	CHECK(tls_retry_name(TLS_RETRY_COUNT) == NULL);
	free(a);
	free(b);
}

int main(void)
{
	struct buf *m = buf_new();
	struct tls_client_hello *ch = calloc(1, sizeof *ch);
	struct tls_server_hello *sh = calloc(1, sizeof *sh);

	test_retry_changes();
	if (!ch || !sh)
		abort();
	test_ch_full(m, ch);
	test_ch_fixed(m, ch);
	test_ch_unknown_and_variants(m, ch);
	test_ch_duplicate(m, ch);
	test_ch_lengths(m, ch);
	test_ch_sni_alpn(m, ch);
	test_ch_caps(m, ch);
	test_sslv2(m, ch);
	test_sh_tls13(m, sh);
	test_sh_tls12(m, sh);
	test_sh_downgrade(m, sh);
	test_sh_hrr(m, sh);
	test_sh_draft(m, sh);
	test_certificate(m);
	test_certificate_status(m);
	test_server_key_exchange(m);
	test_certificate_request(m);
	test_certificate_verify(m);
	test_new_session_ticket(m);
	test_encrypted_extensions(m);
	test_client_key_exchange(m);
	test_header_and_alert();
	test_grease();
	free(sh);
	free(ch);
	free(m);
	return TT_DONE();
}
