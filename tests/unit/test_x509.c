/*
 * Unit tests for the X.509 facade (parsers/x509_*.c): fields, the fallback reader, the cache,
 * validation at capture time and RFC 6125 host matching, with the
 * certificates of tests/certs (made by tests/certs/mkcerts.sh).
 *
 * The certificate directory: argv[1], else $TT_CERTS_DIR, else found from
 * this file's path.
 */
#include "../../parsers/x509.h"
#include "../../parsers/digest.h"
#include "../../src/config.h"
#include "../../src/emit.h"
#include "../../src/verdict.h"
#include "tt_test.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char certdir[1024];
static struct x509_ctx *ctx;

#define T(y, mo, d) ((uint64_t)(days(y, mo, d)) * 86400u * 1000000000u)

static int64_t days(int y, int m, int d)
{
	y -= m <= 2;
	int era = y / 400, yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return (int64_t)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static uint8_t *slurp(const char *name, size_t *n)
{
	char path[1200];
	FILE *f;
	uint8_t *b;
	long len;

	snprintf(path, sizeof path, "%s/%s", certdir, name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)len + 1);
	if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*n = (size_t)len;
	return b;
}

static struct x509_cert *load(const char *name)
{
	size_t n = 0;
	uint8_t *b = slurp(name, &n);
	struct x509_cert *c;
	if (!b)
		return NULL;
	c = x509_cert_get(ctx, b, n);
	free(b);
	return c;
}

static const char *attr(const struct x509_name *nm, enum x509_attr_kind k, int nth)
{
	for (uint16_t i = 0; i < nm->n_attrs; i++)
		if (nm->attrs[i].kind == k && nth-- == 0)
			return nm->attrs[i].val.p;
	return NULL;
}

static const char *san(const struct x509_cert *c, enum x509_san_kind k, int nth)
{
	for (uint16_t i = 0; i < c->n_sans; i++)
		if (c->sans[i].kind == k && nth-- == 0)
			return c->sans[i].val.p;
	return NULL;
}

static bool host(const struct x509_cert *c, const char *h)
{
	return x509_host_match(c, (const uint8_t *)h, strlen(h));
}

/* Validates the named chain at time t with sni (NULL: none). */
static struct x509_validation check(const char *const *names, size_t n, const char *sni,
				    uint64_t t)
{
	struct x509_cert *ch[8];
	struct x509_validation v;
	memset(&v, 0xff, sizeof v);
	for (size_t i = 0; i < n; i++)
		ch[i] = load(names[i]);
	for (size_t i = 0; i < n; i++)
		if (!ch[i])
			return v;
	if (x509_validate(ctx, ch, n, (const uint8_t *)sni, sni ? strlen(sni) : 0, sni != NULL,
			  t, &v) != 0)
		v.status = X509_ST_COUNT;
	for (size_t i = 0; i < n; i++)
		x509_cert_put(ctx, ch[i]);
	return v;
}

#define ST(v) x509_status_name((v).status)
#define HAS(v, s) (((v).reasons & (1u << (s))) != 0)
#define CHAIN(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

#define now T(2025, 6, 1)

static void test_leaf_fields(void)
{
	struct x509_cert *c = load("leaf.der");
	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(!c->parse_error);
	CHECK(c->version == 3);
	CHECK(c->serial_hex && strlen(c->serial_hex) >= 4);
	CHECK_STR(c->subject.dn.p, "CN=www.example.test,OU=Edge,OU=Web,O=Tlstap Test,"
		  "L=Test City,ST=Test State,C=ZZ");
	CHECK_STR(c->issuer.dn.p, "CN=Tlstap Test Intermediate,OU=Issuing,O=Tlstap Test,C=ZZ");
	CHECK_STR(attr(&c->subject, X509_A_CN, 0), "www.example.test");
	CHECK_STR(attr(&c->subject, X509_A_OU, 0), "Web");
	CHECK_STR(attr(&c->subject, X509_A_OU, 1), "Edge");
	CHECK_STR(attr(&c->subject, X509_A_ST, 0), "Test State");
	CHECK_STR(attr(&c->subject, X509_A_L, 0), "Test City");
	CHECK_STR(attr(&c->subject, X509_A_C, 0), "ZZ");
	CHECK(c->validity_ok && c->not_before == days(2021, 1, 1) * 86400 &&
	      c->not_after == days(2031, 1, 1) * 86400);
	CHECK_STR(c->sig_alg, "sha256WithRSAEncryption");
	CHECK_STR(c->pk_alg, "RSA");
	CHECK(c->pk_bits == 2048 && c->rsa_exponent == 65537);
	CHECK_STR(san(c, X509_SAN_DNS, 0), "www.example.test");
	CHECK_STR(san(c, X509_SAN_DNS, 1), "example.test");
	CHECK(c->has_basic_constraints && !c->is_ca);
	CHECK(c->has_key_usage && c->key_usage == ((1u << 0) | (1u << 2)));
	CHECK(c->n_ekus == 2);
	CHECK_STR(c->ekus[0].p, "serverAuth");
	CHECK_STR(c->ekus[1].p, "clientAuth");
	CHECK(c->has_aia);
	CHECK(!x509_cert_self_signed(c) && !c->self_issued);
	CHECK(strlen(c->sha256_hex) == 64 && strlen(c->sha1_hex) == 40);
	{
		uint8_t h[32];
		char hx[65];
		dig_sha256(c->der, c->der_len, h);
		dig_hex(h, 32, hx, 1);
		CHECK_STR(c->sha256_hex, hx);
	}
	/* JA4X inputs: 7 subject attributes, extension OIDs in order. */
	CHECK(c->n_subj_oids == 7);
	CHECK_STR(c->subj_oids[0].p, "550406");        /* C, DER order */
	CHECK_STR(c->subj_oids[6].p, "550403");
	CHECK(c->n_ext_oids >= 6);
	CHECK_STR(c->ext_oids[0].p, "551d13");
	x509_cert_put(ctx, c);

	c = load("root.der");
	CHECK(c && x509_cert_self_signed(c) && c->self_issued && c->is_ca && c->max_pathlen == -1);
	CHECK(c && c->key_usage == ((1u << 5) | (1u << 6)));
	x509_cert_put(ctx, c);
	c = load("inter.der");
	CHECK(c && c->is_ca && c->max_pathlen == 0 && !x509_cert_self_signed(c));
	x509_cert_put(ctx, c);
}

static void test_keys(void)
{
	struct x509_cert *c;

	c = load("rsa1024.der");
	CHECK(c && c->pk_bits == 1024);
	x509_cert_put(ctx, c);
	c = load("rsa4096.der");
	CHECK(c && c->pk_bits == 4096);
	x509_cert_put(ctx, c);
	c = load("p256.der");
	CHECK(c && strcmp(c->pk_alg, "EC") == 0 && strcmp(c->pk_curve, "secp256r1") == 0 &&
	      c->pk_bits == 256 && c->rsa_exponent == 0);
	x509_cert_put(ctx, c);
	c = load("p384.der");
	CHECK(c && strcmp(c->pk_curve, "secp384r1") == 0 && c->pk_bits == 384);
	x509_cert_put(ctx, c);
	c = load("sha1.der");
	CHECK(c && strcmp(c->sig_alg, "sha1WithRSAEncryption") == 0 && c->sig_weak);
	x509_cert_put(ctx, c);
	c = load("ipsan.der");
	CHECK(c && c->n_sans == 4);
	if (c) {
		CHECK_STR(san(c, X509_SAN_IP, 0), "192.0.2.7");
		CHECK_STR(san(c, X509_SAN_IP, 1), "2001:db8::7");
		CHECK_STR(san(c, X509_SAN_EMAIL, 0), "ops@example.test");
		CHECK_STR(san(c, X509_SAN_URI, 0), "https://example.test/x");
	}
	x509_cert_put(ctx, c);
}

/* CertificateRequest authorities: a DER Name as its RFC 4514 string; every
 * truncated prefix is refused (NULL), never a crash or a partial name. */
static void test_dn_string(void)
{
	/* SEQUENCE { SET { SEQUENCE { O, "tlstap tests" } }
	 *            SET { SEQUENCE { CN, "tlstap ca root" } } } */
	static const uint8_t dn[] = {
		0x30, 0x31, 0x31, 0x15, 0x30, 0x13, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x0c,
		't', 'l', 's', 't', 'a', 'p', ' ', 't', 'e', 's', 't', 's',
		0x31, 0x18, 0x30, 0x16, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0f,
		't', 'l', 's', 't', 'a', 'p', ' ', 'c', 'a', ' ', 'r', 'o', 'o', 't', ',',
	};
	static const uint8_t empty[] = { 0x30, 0x00 };
	char *s = x509_dn_string(dn, sizeof dn);

	CHECK_STR(s, "CN=tlstap ca root\\,,O=tlstap tests");
	free(s);
	s = x509_dn_string(empty, sizeof empty);
	CHECK_STR(s, "");
	free(s);
	for (size_t n = 0; n < sizeof dn; n++)
		CHECK(x509_dn_string(dn, n) == NULL);
}

/* Certificates mbedTLS 2.28 refuses keep what the fallback reader finds. */
static void test_fallback(void)
{
	struct x509_cert *c = load("ed25519.der");
	CHECK(c != NULL);
	if (c) {
		/* 3.x may parse Ed25519 one day; the fields hold either way. */
		CHECK_STR(c->pk_alg, "Ed25519");
		CHECK_STR(c->sig_alg, "Ed25519");
		CHECK_STR(c->subject.dn.p, "CN=ed.example.test,O=Tlstap Test");
		CHECK(c->validity_ok && c->not_before == days(2021, 1, 1) * 86400);
		CHECK(c->serial_hex != NULL);
		CHECK_STR(san(c, X509_SAN_DNS, 0), "ed.example.test");
		CHECK(c->self_issued);
		CHECK(c->parse_error && c->parse_code != 0 && c->parse_msg[0]);
	}
	x509_cert_put(ctx, c);

	/* An RSASSA-PSS key mbedTLS 2.28 refuses keeps its algorithm and size. */
	c = load("rsapss.der");
	CHECK(c != NULL);
	if (c) {
		CHECK_STR(c->pk_alg, "RSASSA-PSS");
		CHECK(c->pk_bits == 2048);
		CHECK(c->sig_alg[0] != '\0');
		CHECK_STR(c->subject.dn.p, "CN=rsapss.example.test");
	}
	x509_cert_put(ctx, c);

	/* Post-quantum: an OID longer than 15 characters keeps its name, and
	 * the size is the public key's (ML-DSA-65: 1952 bytes). */
	c = load("mldsa65.der");
	CHECK(c != NULL);
	if (c) {
		CHECK_STR(c->pk_alg, "ML-DSA-65");
		CHECK(c->pk_bits == 1952 * 8);
		CHECK_STR(c->sig_alg, "ML-DSA-65");
		CHECK_STR(san(c, X509_SAN_DNS, 0), "mldsa.example.test");
	}
	x509_cert_put(ctx, c);

	/* 600 subjectAltNames: all kept (the cap is X509_MAX_SANS). */
	c = load("san600.der");
	CHECK(c != NULL);
	if (c) {
		CHECK(c->n_sans == 600 && c->n_sans_total == 600);
		CHECK_STR(san(c, X509_SAN_DNS, 599), "h599.example.test");
	}
	x509_cert_put(ctx, c);

	c = load("critext.der");
	CHECK(c && c->parse_error);
	if (c) {
		CHECK_STR(c->subject.dn.p, "CN=crit.example.test,O=Tlstap Test");
		CHECK_STR(c->pk_alg, "RSA");
		CHECK(c->pk_bits == 2048);
		CHECK(c->n_ext_oids == 5);   /* BC, SAN, the critical one, SKI, AKI */
	}
	x509_cert_put(ctx, c);
}

static void test_malformed(void)
{
	size_t n = 0;
	uint8_t *b = slurp("leaf.der", &n);
	struct x509_cert *c;
	static const uint8_t junk[] = { 0x30, 0x82, 0xff, 0xff, 0x30, 0x00 };

	c = x509_cert_get(ctx, NULL, 0);
	CHECK(c && c->parse_error && c->der_len == 0 && strlen(c->sha256_hex) == 64);
	CHECK(c && !c->subject.present && c->serial_hex == NULL);
	x509_cert_put(ctx, c);
	c = x509_cert_get(ctx, junk, sizeof junk);
	CHECK(c && c->parse_error);
	x509_cert_put(ctx, c);
	if (!b)
		return;
	/* Every truncated prefix, in an exact-size allocation so that a
	 * sanitizer catches any overread. */
	for (size_t k = 0; k < n; k++) {
		uint8_t *p = malloc(k ? k : 1);
		memcpy(p, b, k);
		c = x509_cert_get(ctx, p, k);
		CHECK(c && c->parse_error);
		x509_cert_put(ctx, c);
		free(p);
	}
	/* Every single-byte corruption (names, times, extensions ...). */
	for (size_t k = 0; k < n; k++) {
		uint8_t *p = malloc(n);
		memcpy(p, b, n);
		p[k] ^= 0x55;
		c = x509_cert_get(ctx, p, n);
		CHECK(c != NULL);
		x509_cert_put(ctx, c);
		free(p);
	}
	free(b);
}

/* DER builder for hand-made certificates: appends tag, length, body. */
static size_t tlv(uint8_t *out, uint8_t tag, const uint8_t *body, size_t n)
{
	size_t k = 0;
	out[k++] = tag;
	if (n < 128) {
		out[k++] = (uint8_t)n;
	} else {
		out[k++] = 0x82;
		out[k++] = (uint8_t)(n >> 8);
		out[k++] = (uint8_t)n;
	}
	memmove(out + k, body, n);
	return k + n;
}

#define CAT(buf, k, ...) do { \
	const uint8_t x_[] = { __VA_ARGS__ }; \
	memcpy((buf) + (k), x_, sizeof x_); (k) += sizeof x_; \
} while (0)

/* A certificate whose validity uses zone offsets (X.680 allows them,
 * RFC 5280 does not, mbedTLS refuses them; Arkime's corpus has one). */
static void test_time_offsets(void)
{
	uint8_t tbs[512], t[512], cert[600], alg[32], name[64], val[64], spki[64];
	size_t k = 0, na, nn, nv, ns, nt, nc;
	struct x509_cert *c;
	static const char nb[] = "250115120000+0530", nafter[] = "20260115120000-0800";

	/* AlgorithmIdentifier sha256WithRSAEncryption */
	k = 0;
	CAT(t, k, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00);
	na = tlv(alg, 0x30, t, k);
	/* Name: CN=a */
	k = 0;
	CAT(t, k, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 'a');
	nn = tlv(name, 0x30, t, k);
	/* Validity */
	k = tlv(t, 0x17, (const uint8_t *)nb, strlen(nb));
	k += tlv(t + k, 0x18, (const uint8_t *)nafter, strlen(nafter));
	nv = tlv(val, 0x30, t, k);
	/* SPKI: rsaEncryption, empty key */
	k = 0;
	CAT(t, k, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
	    0x05, 0x00, 0x03, 0x01, 0x00);
	ns = tlv(spki, 0x30, t, k);
	/* TBS: serial 0x2a, alg, issuer, validity, subject, spki */
	k = 0;
	CAT(t, k, 0x02, 0x01, 0x2a);
	memcpy(t + k, alg, na); k += na;
	memcpy(t + k, name, nn); k += nn;
	memcpy(t + k, val, nv); k += nv;
	memcpy(t + k, name, nn); k += nn;
	memcpy(t + k, spki, ns); k += ns;
	nt = tlv(tbs, 0x30, t, k);
	k = 0;
	memcpy(t, tbs, nt); k = nt;
	memcpy(t + k, alg, na); k += na;
	CAT(t, k, 0x03, 0x01, 0x00);
	nc = tlv(cert, 0x30, t, k);

	c = x509_cert_get(ctx, cert, nc);
	CHECK(c && c->parse_error);
	if (c) {
		CHECK(c->validity_ok);
		/* 12:00 at +05:30 is 06:30Z; 12:00 at -08:00 is 20:00Z. */
		CHECK(c->not_before == days(2025, 1, 15) * 86400 + 6 * 3600 + 30 * 60);
		CHECK(c->not_after == days(2026, 1, 15) * 86400 + 20 * 3600);
		CHECK_STR(c->serial_hex, "2A");
		CHECK_STR(c->subject.dn.p, "CN=a");
		CHECK(c->self_issued);
		CHECK(c->version == 1);
	}
	x509_cert_put(ctx, c);
	for (size_t n = 0; n < nc; n++) {
		uint8_t *p = malloc(n ? n : 1);
		memcpy(p, cert, n);
		c = x509_cert_get(ctx, p, n);
		CHECK(c != NULL);
		x509_cert_put(ctx, c);
		free(p);
	}
}

static void test_cache(void)
{
	struct x509_cert *a, *b;
	uint64_t hits = x509_ctx_stats(ctx)->cache_hits;
	a = load("leaf.der");
	b = load("leaf.der");
	CHECK(a && a == b);
	CHECK(x509_ctx_stats(ctx)->cache_hits == hits + 1);
	x509_cert_put(ctx, a);
	x509_cert_put(ctx, b);

	/* A tiny cache evicts, and a held reference outlives eviction. */
	struct x509_ctx_opts o = { .ca_file = NULL, .cache_size = 2 };
	char err[128], path[1200];
	struct x509_ctx *small;
	snprintf(path, sizeof path, "%s/ca.pem", certdir);
	o.ca_file = path;
	small = x509_ctx_new(&o, err, sizeof err);
	CHECK(small != NULL);
	if (!small)
		return;
	struct x509_ctx *save = ctx;
	ctx = small;
	a = load("leaf.der");
	x509_cert_put(ctx, load("inter.der"));
	x509_cert_put(ctx, load("root.der"));
	x509_cert_put(ctx, load("p256.der"));
	CHECK(a && strcmp(a->subject.dn.p, "CN=www.example.test,OU=Edge,OU=Web,O=Tlstap Test,"
			  "L=Test City,ST=Test State,C=ZZ") == 0);
	b = load("leaf.der");
	CHECK(b && b != a);     /* evicted, parsed again */
	x509_cert_put(ctx, b);
	ctx = save;
	x509_ctx_free(small);
	x509_cert_put(NULL, a); /* after the context: still fine */
}

/* --client-ca-file: a store of its own for client chains. */
/* The validation cache: every distinct chain validated once, a repeat
 * answered from the cache, and nine chains competing for one set of eight
 * ways evict the least recently used.  Any bytes make a certificate object
 * (parse_error), and the cache is keyed by the chain's SHA-256s, so junk
 * DER serves; for a one-certificate chain the set is the low byte of the
 * first SHA-256 word (x509_valid.c). */
static struct x509_cert *junk_cert(struct x509_ctx *x, uint32_t i)
{
	uint8_t b[8] = { 0x30, 0x06, 0x02, 0x04 };

	memcpy(b + 4, &i, sizeof i);
	return x509_cert_get(x, b, sizeof b);
}

static bool validate1(struct x509_ctx *x, struct x509_cert *c)
{
	struct x509_validation v;
	return x509_validate(x, &c, 1, NULL, 0, false, T(2030, 1, 1), &v) == 0;
}

static void test_validation_cache(void)
{
	struct x509_ctx_opts o = { .ca_file = NULL, .cache_size = 512 };
	char err[256];
	struct x509_ctx *x = x509_ctx_new(&o, err, sizeof err);
	struct x509_cert *c[100], *same[9];
	const struct x509_stats *st;
	uint32_t k = 0;
	size_t ns = 0;

	CHECK(x != NULL);
	if (!x)
		return;
	st = x509_ctx_stats(x);
	/* 100 chains, three times in turn (at most 6 share a set): a
	 * direct-mapped cache of 1,024 slots would see about five of them
	 * collide and miss on every round. */
	for (uint32_t i = 0; i < 100; i++)
		c[i] = junk_cert(x, i);
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < 100; i++)
			CHECK(c[i] && validate1(x, c[i]));
	CHECK(st->validations == 100);
	CHECK(st->validation_hits == 200);
	for (size_t i = 0; i < 100; i++)
		x509_cert_put(x, c[i]);

	/* Nine chains of one set (the first SHA-256 byte 0x5a or 0xda). */
	while (ns < 9 && k < 1000000) {
		struct x509_cert *j = junk_cert(x, 1000 + k++);
		if (j && (j->sha256[0] & 0x7f) == 0x5a)
			same[ns++] = j;
		else
			x509_cert_put(x, j);
	}
	CHECK(ns == 9);
	if (ns == 9) {
		uint64_t v0 = st->validations, h0 = st->validation_hits;
		for (size_t i = 0; i < 8; i++)
			validate1(x, same[i]);          /* eight misses fill the set */
		validate1(x, same[0]);                  /* hit: same[1] is now the oldest */
		validate1(x, same[8]);                  /* miss: evicts same[1] */
		validate1(x, same[0]);                  /* hit */
		validate1(x, same[2]);                  /* hit */
		CHECK(st->validations == v0 + 9);
		CHECK(st->validation_hits == h0 + 3);
		validate1(x, same[1]);                  /* evicted: validated again */
		CHECK(st->validations == v0 + 10);
	}
	for (size_t i = 0; i < ns; i++)
		x509_cert_put(x, same[i]);
	x509_ctx_free(x);
}

static void test_client_store(void)
{
	struct x509_ctx_opts o = { .cache_size = 8 };
	struct x509_ctx *save = ctx, *x;
	struct x509_validation v;
	char err[256], path[1200], other[1200];

	/* the server store: another root only */
	snprintf(other, sizeof other, "%s/otherroot.der", certdir);
	snprintf(path, sizeof path, "%s/ca.pem", certdir);
	o.ca_file = other;
	o.client_ca_file = path;
	x = x509_ctx_new(&o, err, sizeof err);
	CHECK(x != NULL);
	if (!x)
		return;
	CHECK(x509_ctx_ca_count(x) == 1);
	CHECK(x509_client_store(x) != x);
	CHECK(x509_ctx_ca_count(x509_client_store(x)) == 1);
	ctx = x;
	v = check(CHAIN("leaf.der", "inter.der"), NULL, now);
	CHECK_STR(ST(v), "unknown_ca");
	ctx = x509_client_store(x);
	v = check(CHAIN("leaf.der", "inter.der"), NULL, now);
	CHECK_STR(ST(v), "ok");
	ctx = save;
	x509_ctx_free(x);
	/* without one, client chains use the same store */
	CHECK(x509_client_store(ctx) == ctx);
	CHECK(x509_client_store(NULL) == NULL);
	o.client_ca_file = "/nonexistent/ca.pem";
	CHECK(x509_ctx_new(&o, err, sizeof err) == NULL);
	CHECK(strstr(err, "/nonexistent/ca.pem") != NULL);
}

static void test_validation(void)
{
	struct x509_validation v;

	v = check(CHAIN("leaf.der", "inter.der"), "www.example.test", now);
	CHECK_STR(ST(v), "ok");
	CHECK(v.reasons == 0 && v.chain_ordered && v.sni_checked && v.sni_match);
	v = check(CHAIN("leaf.der", "inter.der", "root.der"), "example.test", now);
	CHECK_STR(ST(v), "ok");
	CHECK(v.chain_ordered && v.sni_match);
	/* Judged at capture time, not now. */
	v = check(CHAIN("leaf.der", "inter.der"), NULL, T(2032, 1, 1));
	CHECK_STR(ST(v), "expired");
	CHECK(!v.sni_checked);
	v = check(CHAIN("leaf.der", "inter.der"), NULL, T(2020, 6, 1));
	CHECK_STR(ST(v), "not_yet_valid");
	/* the root's window counts too */
	v = check(CHAIN("leaf.der", "inter.der"), NULL, T(2019, 6, 1));
	CHECK(HAS(v, X509_ST_NOT_YET_VALID));
	v = check(CHAIN("expired.der", "inter.der"), NULL, now);
	CHECK_STR(ST(v), "expired");
	/* In 2015 the leaf was valid but the root (2020-) was not yet. */
	v = check(CHAIN("expired.der", "inter.der"), NULL, T(2015, 6, 1));
	CHECK_STR(ST(v), "not_yet_valid");
	CHECK(!HAS(v, X509_ST_EXPIRED));
	v = check(CHAIN("future.der", "inter.der"), NULL, now);
	CHECK_STR(ST(v), "not_yet_valid");
	v = check(CHAIN("selfsigned.der"), "self.example.test", now);
	CHECK_STR(ST(v), "self_signed");
	CHECK(v.sni_match && v.chain_ordered);
	v = check(CHAIN("leaf.der", "inter.der"), "wrong.example.test", now);
	CHECK_STR(ST(v), "ok");
	CHECK(v.sni_checked && !v.sni_match);
	v = check(CHAIN("otherleaf.der", "otherroot.der"), "other.example.test", now);
	CHECK_STR(ST(v), "unknown_ca");
	CHECK(v.chain_ordered && v.sni_match);
	v = check(CHAIN("otherleaf.der"), NULL, now);
	CHECK_STR(ST(v), "unknown_ca");
	/* Missing intermediate: the leaf has AIA and its issuer's O matches
	 * the root's: incomplete_chain. */
	v = check(CHAIN("leaf.der"), NULL, now);
	CHECK_STR(ST(v), "incomplete_chain");
	v = check(CHAIN("cnonly.der"), NULL, now);
	CHECK_STR(ST(v), "incomplete_chain");
	/* Reversed / misordered: still validates, not ordered. */
	v = check(CHAIN("leaf.der", "root.der", "inter.der"), NULL, now);
	CHECK_STR(ST(v), "ok");
	CHECK(!v.chain_ordered);
	v = check(CHAIN("inter.der", "leaf.der"), NULL, now);
	CHECK(!v.chain_ordered);
	v = check(CHAIN("rsa1024.der", "inter.der"), NULL, now);
	CHECK_STR(ST(v), "weak_key");
	v = check(CHAIN("rsa4096.der", "inter.der"), "big.example.test", now);
	CHECK_STR(ST(v), "ok");
	v = check(CHAIN("p256.der", "inter.der"), "p256.example.test", now);
	CHECK_STR(ST(v), "ok");
	CHECK(v.sni_match);
	v = check(CHAIN("p384.der", "inter.der"), NULL, now);
	CHECK_STR(ST(v), "ok");
	v = check(CHAIN("sha1.der", "inter.der"), NULL, now);
	CHECK_STR(ST(v), "weak_signature");
	v = check(CHAIN("ed25519.der"), "ed.example.test", now);
	CHECK_STR(ST(v), "parse_error");
	CHECK(v.sni_match);
	v = check(CHAIN("critext.der", "inter.der"), NULL, now);
	CHECK_STR(ST(v), "parse_error");
	/* A wrong issuer: the leaf names inter but p256's key is not inter's. */
	v = check(CHAIN("leaf.der", "p256.der"), NULL, now);
	CHECK(!v.chain_ordered);
	/* Cached chain result, different time: still right. */
	v = check(CHAIN("leaf.der", "inter.der"), NULL, T(2032, 1, 1));
	CHECK_STR(ST(v), "expired");

	/* The leaf signed by someone else: bad signature (names match). */
	{
		size_t n = 0;
		uint8_t *b = slurp("leaf.der", &n);
		if (b) {
			struct x509_cert *ch[2];
			b[n - 5] ^= 0x01;       /* inside the signature value */
			ch[0] = x509_cert_get(ctx, b, n);
			ch[1] = load("inter.der");
			CHECK(ch[0] && !ch[0]->parse_error);
			if (ch[0] && ch[1] && x509_validate(ctx, ch, 2, NULL, 0, false, now, &v) == 0) {
				CHECK_STR(ST(v), "bad_signature");
				CHECK(!v.chain_ordered);
			}
			x509_cert_put(ctx, ch[0]);
			x509_cert_put(ctx, ch[1]);
			free(b);
		}
	}
	CHECK(x509_validate(ctx, NULL, 0, NULL, 0, false, now, &v) == -1);

	/* A 1,000-certificate chain: bounded work, an answer, no crash. */
	{
		struct x509_cert **big = calloc(1000, sizeof *big);
		struct x509_cert *l = load("leaf.der"), *i = load("inter.der");
		if (big && l && i) {
			big[0] = l;
			for (size_t k = 1; k < 1000; k++)
				big[k] = i;
			CHECK(x509_validate(ctx, big, 1000, NULL, 0, false, now, &v) == 0);
			CHECK_STR(ST(v), "ok");     /* duplicates do not hurt the path */
			CHECK(!v.chain_ordered);
		}
		x509_cert_put(ctx, l);
		x509_cert_put(ctx, i);
		free(big);
	}
}

static void test_hosts(void)
{
	struct x509_cert *c = load("wildcard.der");
	if (c) {
		CHECK(host(c, "a.wild.example.test"));
		CHECK(host(c, "A.WILD.Example.Test"));
		CHECK(host(c, "a.wild.example.test."));
		CHECK(!host(c, "wild.example.test"));          /* * needs a label */
		CHECK(!host(c, "a.b.wild.example.test"));      /* one label only */
		CHECK(!host(c, ".wild.example.test"));
		CHECK(!host(c, "foo.part.example.test"));      /* f* not honoured */
		CHECK(!host(c, "x.test"));                     /* *.test: too broad */
		CHECK(host(c, "mixed.case.EXAMPLE.test"));
		/* CN is *.wild.example.test but SANs exist: CN ignored anyway. */
		CHECK(!host(c, ""));
	}
	x509_cert_put(ctx, c);
	c = load("cnonly.der");
	CHECK(c && host(c, "cn.example.test") && !host(c, "other.example.test"));
	x509_cert_put(ctx, c);
	c = load("ipsan.der");
	if (c) {
		CHECK(host(c, "192.0.2.7"));
		CHECK(host(c, "2001:db8::7"));
		CHECK(host(c, "2001:DB8:0:0:0:0:0:7"));
		CHECK(!host(c, "192.0.2.8"));
		/* CN=192.0.2.7 is no DNS name and the IP is matched by SAN only. */
	}
	x509_cert_put(ctx, c);
	c = load("leaf.der");
	if (c) {
		static const uint8_t nul[] = "www.example.test\0.evil";
		CHECK(!x509_host_match(c, nul, sizeof nul - 1));
		CHECK(!host(c, "www.example.test.evil"));
		CHECK(!host(c, "192.0.2.1"));
	}
	x509_cert_put(ctx, c);
}

static const char *jget(json_t *o, const char *path)
{
	char buf[256], *save = NULL, *tok;
	snprintf(buf, sizeof buf, "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save))
		o = json_object_get(o, tok);
	return json_is_string(o) ? json_string_value(o) : NULL;
}

/* The verdict on a server chain, then emit_x509_side into an object of
 * its own, read back as a tree. */
static json_t *side_json(struct tt_ctx *tc, struct x509_cert *const *chain, size_t n,
			 const char *sni, uint64_t ts, struct anom_set *a, int *rc)
{
	struct verdict_side vs;
	struct jw w;
	json_t *v;

	verdict_chain(tc, chain, n, (const uint8_t *)sni, sni ? strlen(sni) : 0, sni != NULL, ts,
		      true, &vs);
	jw_init(&w);
	jw_open(&w, NULL, '{');
	*rc = emit_x509_side(&w, tc, chain, n, &vs, a);
	jw_close(&w, true);
	v = w.oom ? NULL : json_loadb(w.p, w.len, JSON_ALLOW_NUL, NULL);
	CHECK(v != NULL);
	jw_free(&w);
	return v ? v : json_object();
}

/* emit_x509_side: field names and types of SCHEMA.md, --certs-dir. */
static void test_emit(void)
{
	static struct tt_ctx tc;
	struct x509_cert *ch[2];
	struct anom_set a = { 0 };
	char dir[] = "/tmp/tt_x509_XXXXXX", path[256];
	json_t *side, *x, *v;
	struct stat sb;
	int rc;

	tc.x509 = ctx;
	tc.cfg.emit_chain_der = true;
	CHECK(mkdtemp(dir) != NULL);
	tc.cfg.certs_dir = dir;
	ch[0] = load("leaf.der");
	ch[1] = load("inter.der");
	if (!ch[0] || !ch[1])
		return;
	side = side_json(&tc, ch, 2, "www.example.test", now, &a, &rc);
	CHECK(rc == 0);
	x = json_object_get(side, "x509");
	CHECK_STR(jget(x, "version_number"), "3");
	CHECK_STR(jget(x, "serial_number"), ch[0]->serial_hex);
	CHECK_STR(jget(x, "subject.distinguished_name"), ch[0]->subject.dn.p);
	CHECK_STR(json_string_value(json_array_get(json_object_get(
		json_object_get(x, "subject"), "organizational_unit"), 1)), "Edge");
	CHECK_STR(jget(x, "not_before"), "2021-01-01T00:00:00Z");
	CHECK_STR(jget(x, "not_after"), "2031-01-01T00:00:00Z");
	CHECK_STR(jget(x, "signature_algorithm"), "sha256WithRSAEncryption");
	CHECK_STR(jget(x, "public_key_algorithm"), "RSA");
	CHECK(json_integer_value(json_object_get(x, "public_key_size")) == 2048);
	CHECK(json_integer_value(json_object_get(x, "public_key_exponent")) == 65537);
	CHECK(json_array_size(json_object_get(x, "alternative_names")) == 2);
	CHECK(json_is_false(json_object_get(x, "is_ca")));
	CHECK(json_array_size(json_object_get(x, "key_usage")) == 2);
	CHECK_STR(jget(side, "hash.sha256"), ch[0]->sha256_hex);
	CHECK_STR(jget(side, "subject"), ch[0]->subject.dn.p);
	CHECK_STR(jget(side, "issuer"), ch[0]->issuer.dn.p);
	CHECK_STR(jget(side, "not_after"), "2031-01-01T00:00:00Z");
	CHECK(json_array_size(json_object_get(side, "chain")) == 2);
	CHECK_STR(jget(json_array_get(json_object_get(side, "chain"), 1), "hash.sha256"),
		  ch[1]->sha256_hex);
	CHECK(json_array_size(json_object_get(side, "certificate_chain")) == 2);
	v = json_object_get(side, "validation");
	CHECK_STR(jget(v, "status"), "ok");
	CHECK(json_is_true(json_object_get(v, "sni_match")));
	CHECK(json_is_true(json_object_get(v, "chain_ordered")));
	CHECK(json_array_size(json_object_get(v, "reasons")) == 0);
	CHECK(a.n == 0);
	snprintf(path, sizeof path, "%s/%s.der", dir, ch[0]->sha256_hex);
	CHECK(stat(path, &sb) == 0 && (size_t)sb.st_size == ch[0]->der_len &&
	      (sb.st_mode & 0777) == 0640);
	unlink(path);
	snprintf(path, sizeof path, "%s/%s.der", dir, ch[1]->sha256_hex);
	CHECK(stat(path, &sb) == 0);
	unlink(path);
	json_decref(side);
	x509_cert_put(ctx, ch[0]);
	x509_cert_put(ctx, ch[1]);

	/* A refused certificate: hashes, recovered fields, the anomaly. */
	side = NULL;
	ch[0] = load("ed25519.der");
	tc.cfg.certs_dir = NULL;
	tc.cfg.emit_chain_der = false;
	if (ch[0]) {
		side = side_json(&tc, ch, 1, NULL, now, &a, &rc);
		CHECK(rc == 0);
		CHECK(anom_has(&a, "certificate_parse_error"));
		CHECK_STR(json_string_value(json_array_get(json_object_get(json_object_get(
			json_object_get(side, "x509"), "subject"), "common_name"), 0)),
			  "ed.example.test");
		CHECK_STR(jget(side, "x509.public_key_algorithm"), "Ed25519");
		CHECK(jget(side, "x509.parse_error") != NULL);
		CHECK_STR(jget(side, "validation.status"), "parse_error");
		CHECK(json_object_get(json_object_get(side, "validation"), "sni_match") == NULL);
		CHECK(json_object_get(side, "certificate_chain") == NULL);
	}
	x509_cert_put(ctx, ch[0]);
	json_decref(side);
	/* No chain: nothing added. */
	side = side_json(&tc, NULL, 0, NULL, now, &a, &rc);
	CHECK(rc == 0);
	CHECK(json_object_size(side) == 0);
	json_decref(side);
	rmdir(dir);
}

static void find_certdir(int argc, char **argv)
{
	const char *env = getenv("TT_CERTS_DIR");
	if (argc > 1)
		snprintf(certdir, sizeof certdir, "%s", argv[1]);
	else if (env)
		snprintf(certdir, sizeof certdir, "%s", env);
	else {
		/* __FILE__ is tests/unit/test_x509.c, relative to the build
		 * directory meson runs tests in, or absolute. */
		char f[900];
		snprintf(f, sizeof f, "%s", __FILE__);
		char *s = strstr(f, "unit/test_x509.c");
		if (s)
			*s = '\0';
		snprintf(certdir, sizeof certdir, "%scerts", f);
	}
}

int main(int argc, char **argv)
{
	struct x509_ctx_opts o = { 0 };
	char err[256], path[1200];

	find_certdir(argc, argv);
	snprintf(path, sizeof path, "%s/ca.pem", certdir);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "test certificates not found at %s\n", certdir);
		return 1;
	}
	o.ca_file = path;
	o.cache_size = 64;
	ctx = x509_ctx_new(&o, err, sizeof err);
	CHECK(ctx != NULL);
	if (!ctx) {
		fprintf(stderr, "%s\n", err);
		return TT_DONE();
	}
	CHECK(x509_ctx_ca_count(ctx) == 1);
	test_leaf_fields();
	test_keys();
	test_fallback();
	test_dn_string();
	test_malformed();
	test_time_offsets();
	test_cache();
	test_validation();
	test_validation_cache();
	test_client_store();
	test_hosts();
	test_emit();
	x509_ctx_free(ctx);
	{
		/* RFC 4648 section 10 test vectors, and a buffer one byte short. */
		static const char *const vec[][2] = {
			{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
			{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		};
		char b64[16];
		for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
			size_t n = strlen(vec[i][0]);
			CHECK(dig_base64((const uint8_t *)vec[i][0], n, b64, sizeof b64) == strlen(vec[i][1]));
			CHECK_STR(b64, vec[i][1]);
		}
		CHECK(dig_base64((const uint8_t *)"foobar", 6, b64, 8) == 0 && b64[0] == '\0');
		{
			uint8_t all[256];
			char big[400];
			for (int i = 0; i < 256; i++)
				all[i] = (uint8_t)i;
			CHECK(dig_base64(all, 256, big, sizeof big) == 344);
			CHECK(strncmp(big, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v", 64) == 0);
			CHECK(strcmp(big + 336, "/P3+/w==") == 0);
		}
	}
	return TT_DONE();
}
