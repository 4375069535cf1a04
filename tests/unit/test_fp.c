/*
 * Unit tests for parsers/fp.c: JA3/JA3S/JA4 over hand-built hellos, one
 * test per known trap, published examples, Community ID reference vectors,
 * and the published values in ../shared/corpus (FoxIO ja4 JSON, Arkime
 * expected sessions) rebuilt into hellos when the corpus is present.
 */
#include "../../parsers/fp.h"
#include "../../parsers/digest.h"
#include "tt_test.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>

static const uint16_t g1 = 0x0a0a, g2 = 0x1a1a, g3 = 0xfafa;

static struct tls_client_hello *hello_new(void)
{
	struct tls_client_hello *ch = calloc(1, sizeof *ch);
	ch->legacy_version = 0x0303;
	return ch;
}

#define SET(arr, nfield, ...) do { \
	static const uint16_t v_[] = { __VA_ARGS__ }; \
	memcpy((arr), v_, sizeof v_); \
	(nfield) = (nfield##_total) = (uint16_t)(sizeof v_ / sizeof v_[0]); \
} while (0)

static void alpn_add(struct tls_alpn_list *l, const void *v, uint8_t n)
{
	uint16_t off = l->n ? (uint16_t)(l->off[l->n - 1] + l->len[l->n - 1]) : 0;
	memcpy(l->buf + off, v, n);
	l->off[l->n] = off;
	l->len[l->n] = n;
	l->n++;
	l->n_total = l->n;
}

/* The JA4 specification's example hello (technical_details/JA4.md). */
static struct tls_client_hello *spec_hello(int grease)
{
	struct tls_client_hello *ch = hello_new();
	if (grease) {
		SET(ch->ciphers, ch->n_ciphers, g1, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
		    0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035);
		SET(ch->exts, ch->n_exts, g2, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
		    0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a,
		    g3, 0x0015);
		SET(ch->versions, ch->n_versions, g1, 0x0304, 0x0303);
		SET(ch->groups, ch->n_groups, g2, 0x001d, 0x0017, 0x0018);
	} else {
		SET(ch->ciphers, ch->n_ciphers, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
		    0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035);
		SET(ch->exts, ch->n_exts, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
		    0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a,
		    0x0015);
		SET(ch->versions, ch->n_versions, 0x0304, 0x0303);
		SET(ch->groups, ch->n_groups, 0x001d, 0x0017, 0x0018);
	}
	SET(ch->sigalgs, ch->n_sigalgs, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
	    0x0806, 0x0601);
	ch->ptfmts[0] = 0;
	ch->n_ptfmts = ch->n_ptfmts_total = 1;
	ch->has_sni = true;
	ch->has_alpn = true;
	alpn_add(&ch->alpn, "h2", 2);
	alpn_add(&ch->alpn, "http/1.1", 8);
	return ch;
}

static char rbuf[FP_JA4R_MAX];

static const char *ja4(const struct tls_client_hello *ch)
{
	static char out[FP_JA4_MAX];
	fp_ja4(ch, 't', out, rbuf, sizeof rbuf);
	return out;
}

static void test_ja4_spec(void)
{
	struct tls_client_hello *ch = spec_hello(0), *gr = spec_hello(1);
	char s1[FP_JA3_MAX], s2[FP_JA3_MAX], h1[33], h2[33];

	CHECK_STR(ja4(ch), "t13d1516h2_8daaf6152771_e5627efa2ab1");
	CHECK_STR(rbuf, "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,"
		  "c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,"
		  "002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601");
	/* GREASE in ciphers, extensions, versions and groups changes nothing. */
	CHECK_STR(ja4(gr), "t13d1516h2_8daaf6152771_e5627efa2ab1");
	fp_ja3(ch, s1, sizeof s1, h1);
	fp_ja3(gr, s2, sizeof s2, h2);
	CHECK_STR(s1, s2);
	CHECK_STR(h1, h2);
	CHECK_STR(s1, "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-"
		  "157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23-24,0");

	/* No signature algorithms: no "_", the spec's 6d807ffa2a79. */
	ch->n_sigalgs = ch->n_sigalgs_total = 0;
	CHECK_STR(ja4(ch), "t13d1516h2_8daaf6152771_6d807ffa2a79");
	CHECK(rbuf[strlen(rbuf) - 1] != '_');
	CHECK(strstr(rbuf, "ff01_") == NULL);
	/* GREASE in signature algorithms is ignored as everywhere else. */
	SET(ch->sigalgs, ch->n_sigalgs, g1, 0x0403);
	ja4(ch);
	CHECK(strstr(rbuf, "_0403") && !strstr(rbuf, "0a0a"));
	free(ch);
	free(gr);
}

static void test_ja4_a_section(void)
{
	struct tls_client_hello *ch = spec_hello(0);

	/* No SNI extension: 'i', and one extension fewer. */
	SET(ch->exts, ch->n_exts, 0x001b, 0x0033, 0x0010, 0x000d);
	ch->has_sni = false;
	CHECK(strncmp(ja4(ch), "t13i1504h2_", 11) == 0);
	/* SNI present whatever it holds (an IP literal too): 'd'. */
	SET(ch->exts, ch->n_exts, 0x0000, 0x001b, 0x0033, 0x0010, 0x000d);
	ch->has_sni = true;
	memcpy(ch->sni, "192.0.2.1", 9);
	ch->sni_len = 9;
	CHECK(strncmp(ja4(ch), "t13d1505h2_", 11) == 0);

	/* ALPN cases. */
	memset(&ch->alpn, 0, sizeof ch->alpn);
	CHECK(strncmp(ja4(ch), "t13d150500_", 11) == 0);        /* none */
	alpn_add(&ch->alpn, "", 0);
	CHECK(strncmp(ja4(ch), "t13d150500_", 11) == 0);        /* empty value */
	memset(&ch->alpn, 0, sizeof ch->alpn);
	alpn_add(&ch->alpn, "h", 1);
	CHECK(strncmp(ja4(ch), "t13d1505hh_", 11) == 0);        /* one char */
	memset(&ch->alpn, 0, sizeof ch->alpn);
	alpn_add(&ch->alpn, "http/1.1", 8);
	CHECK(strncmp(ja4(ch), "t13d1505h1_", 11) == 0);
	memset(&ch->alpn, 0, sizeof ch->alpn);
	alpn_add(&ch->alpn, "\xab\xcd", 2);
	CHECK(strncmp(ja4(ch), "t13d1505ad_", 11) == 0);        /* hex rule */
	memset(&ch->alpn, 0, sizeof ch->alpn);
	alpn_add(&ch->alpn, "h2\xff", 3);
	CHECK(strncmp(ja4(ch), "t13d15056f_", 11) == 0);        /* one end not alnum */
	memset(&ch->alpn, 0, sizeof ch->alpn);
	alpn_add(&ch->alpn, "-x-", 3);
	CHECK(strncmp(ja4(ch), "t13d15052d_", 11) == 0);

	/* Versions: legacy when no supported_versions; GREASE-only list. */
	ch->n_versions = ch->n_versions_total = 0;
	CHECK(strncmp(ja4(ch), "t12d", 4) == 0);
	ch->legacy_version = 0x0301;
	CHECK(strncmp(ja4(ch), "t10d", 4) == 0);
	ch->legacy_version = 0x0300;
	CHECK(strncmp(ja4(ch), "ts3d", 4) == 0);
	ch->legacy_version = 0x7f1c;
	CHECK(strncmp(ja4(ch), "t00d", 4) == 0);
	SET(ch->versions, ch->n_versions, g1);
	ch->legacy_version = 0x0303;
	CHECK(strncmp(ja4(ch), "t12d", 4) == 0);
	ch->sslv2 = true;
	ch->legacy_version = 0x0002;
	CHECK(strncmp(ja4(ch), "ts2d", 4) == 0);
	ch->sslv2 = false;

	/* More than 99 ciphers and extensions: "99". */
	ch->n_ciphers = ch->n_ciphers_total = 150;
	for (uint16_t i = 0; i < 150; i++)
		ch->ciphers[i] = (uint16_t)(0x0100 + i);
	ch->n_exts = ch->n_exts_total = 120;
	for (uint16_t i = 0; i < 120; i++)
		ch->exts[i] = (uint16_t)(0x2000 + i);
	CHECK(strncmp(ja4(ch) + 4, "9999", 4) == 0);
	/* Truncated by the parser: the total still counts. */
	ch->n_ciphers = 3;
	ch->n_ciphers_total = 300;
	CHECK(strncmp(ja4(ch) + 4, "99", 2) == 0);

	/* No ciphers, no extensions: both hashes 000000000000. */
	ch->n_ciphers = ch->n_ciphers_total = 0;
	ch->n_exts = ch->n_exts_total = 0;
	ch->n_sigalgs = ch->n_sigalgs_total = 0;
	ch->has_sni = false;
	CHECK_STR(ja4(ch) + 10, "_000000000000_000000000000");
	free(ch);

	/* QUIC proto letter. */
	ch = spec_hello(0);
	{
		char out[FP_JA4_MAX];
		fp_ja4(ch, 'q', out, NULL, 0);
		CHECK(out[0] == 'q');
	}
	free(ch);

	/* DTLS: the 'd' letter, d1/d2/d3; DTLS codes count down, so with 1.3
	 * and 1.2 offered the version is d3; OpenSSL's 0x0100 is unknown. */
	ch = spec_hello(0);
	{
		char out[FP_JA4_MAX];
		SET(ch->versions, ch->n_versions, g1, 0xfefd, 0xfefc);
		fp_ja4(ch, 'd', out, NULL, 0);
		CHECK(strncmp(out, "dd3d", 4) == 0);
		SET(ch->versions, ch->n_versions, 0xfefd);
		fp_ja4(ch, 'd', out, NULL, 0);
		CHECK(strncmp(out, "dd2d", 4) == 0);
		ch->n_versions = 0;
		ch->legacy_version = 0xfeff;
		fp_ja4(ch, 'd', out, NULL, 0);
		CHECK(strncmp(out, "dd1d", 4) == 0);
		ch->legacy_version = 0x0100;
		fp_ja4(ch, 'd', out, NULL, 0);
		CHECK(strncmp(out, "d00d", 4) == 0);
	}
	free(ch);
}

static void test_ja3(void)
{
	/* The example of the JA3 README (salesforce/ja3). */
	struct tls_client_hello *ch = hello_new();
	struct tls_server_hello sh;
	char s[FP_JA3_MAX], h[33];

	ch->legacy_version = 0x0301;
	SET(ch->ciphers, ch->n_ciphers, 47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4);
	SET(ch->exts, ch->n_exts, 0, 10, 11);
	SET(ch->groups, ch->n_groups, 23, 24, 25);
	ch->n_ptfmts = ch->n_ptfmts_total = 1;
	CHECK(fp_ja3(ch, s, sizeof s, h) == strlen(s));
	CHECK_STR(s, "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0");
	CHECK_STR(h, "ada70206e40642a3e4461f35503241d5");

	/* Empty lists stay empty between commas; padding (21) is kept. */
	memset(ch, 0, sizeof *ch);
	ch->legacy_version = 0x0303;
	SET(ch->ciphers, ch->n_ciphers, g1, 0x1301);
	SET(ch->exts, ch->n_exts, g2, 21);
	fp_ja3(ch, s, sizeof s, h);
	CHECK_STR(s, "771,4865,21,,");
	/* A small buffer truncates, never overflows. */
	{
		char small[6];
		fp_ja3(ch, small, sizeof small, h);
		CHECK_STR(small, "771,4");
	}
	free(ch);

	memset(&sh, 0, sizeof sh);
	sh.legacy_version = 0x0303;
	sh.cipher = 0xc02f;
	SET(sh.exts, sh.n_exts, 65281, 0, 11, 35, 16, 23);
	fp_ja3s(&sh, s, sizeof s, h);
	CHECK_STR(s, "771,49199,65281-0-11-35-16-23");
	{
		uint8_t d[16];
		char hx[33];
		dig_md5(s, strlen(s), d);
		dig_hex(d, 16, hx, 0);
		CHECK_STR(h, hx);
	}
#ifdef TLSTAP_WITH_FOXIO
	{
		/* FoxIO's browsers-x509 sample, stream 1. */
		char o[FP_JA4_MAX], r[256];
		SET(sh.exts, sh.n_exts, 0xff01, 0x0000, 0x000b, 0x0023, 0x0005, 0x0010, 0x0017);
		sh.cipher = 0xc02b;
		memset(&sh.alpn, 0, sizeof sh.alpn);
		alpn_add(&sh.alpn, "h2", 2);
		fp_ja4s(&sh, 't', o, r, sizeof r);
		CHECK_STR(o, "t1207h2_c02b_cf25e267ce22");
		CHECK_STR(r, "t1207h2_c02b_ff01,0000,000b,0023,0005,0010,0017");
	}
#endif
}

static void cid(int af, const char *sa, const char *da, uint16_t sp, uint16_t dp,
		uint8_t proto, const char *want)
{
	uint8_t a[16], b[16];
	char out[64];
	inet_pton(af == 6 ? AF_INET6 : AF_INET, sa, a);
	inet_pton(af == 6 ? AF_INET6 : AF_INET, da, b);
	fp_community_id((uint8_t)af, a, b, sp, dp, proto, 0, out);
	CHECK_STR(out, want);
	fp_community_id((uint8_t)af, b, a, dp, sp, proto, 0, out);
	CHECK_STR(out, want);   /* both directions alike */
}

static void test_community_id(void)
{
	/* Reference vectors of the Community ID specification. */
	cid(4, "128.232.110.120", "66.35.250.204", 34855, 80, 6, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	cid(4, "192.168.1.52", "8.8.8.8", 54585, 53, 17, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
	cid(6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, 6,
	    "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
	/* Same address: ports order the endpoints. */
	{
		uint8_t a[4] = { 10, 0, 0, 1 };
		char x[64], y[64];
		fp_community_id(4, a, a, 1000, 80, 6, 0, x);
		fp_community_id(4, a, a, 80, 1000, 6, 0, y);
		CHECK_STR(x, y);
		fp_community_id(4, a, a, 80, 1000, 6, 1, y);
		CHECK(strcmp(x, y) != 0);   /* the seed matters */
	}
}

/* ------------------------------------------------------------------ */
/* Corpus: published values rebuilt into hellos                        */

static int corpus_ja3, corpus_ja4, corpus_ja3_bad, corpus_ja4_bad;

static size_t parse_list(const char *s, const char *stop, int base, char sep,
			 uint16_t *out, size_t cap)
{
	size_t n = 0;
	while (s < stop && *s) {
		char *e;
		unsigned long v = strtoul(s, &e, base);
		if (e == s)
			break;
		if (n < cap)
			out[n++] = (uint16_t)v;
		s = e;
		if (*s == sep)
			s++;
		else
			break;
	}
	return n;
}

static void corpus_ja3_check(const char *str, const char *want)
{
	struct tls_client_hello *ch = hello_new();
	const char *f[5];
	char s[FP_JA3_MAX], h[33];
	int k = 0;

	f[k++] = str;
	for (const char *p = str; *p && k < 5; p++)
		if (*p == ',')
			f[k++] = p + 1;
	if (k != 5) {
		free(ch);
		return;
	}
	ch->legacy_version = (uint16_t)strtoul(f[0], NULL, 10);
	ch->n_ciphers = ch->n_ciphers_total =
		(uint16_t)parse_list(f[1], f[2], 10, '-', ch->ciphers, TLS_MAX_CIPHERS);
	ch->n_exts = ch->n_exts_total =
		(uint16_t)parse_list(f[2], f[3], 10, '-', ch->exts, TLS_MAX_EXTS);
	ch->n_groups = ch->n_groups_total =
		(uint16_t)parse_list(f[3], f[4], 10, '-', ch->groups, TLS_MAX_GROUPS);
	{
		uint16_t pf[TLS_MAX_PTFMTS];
		size_t n = parse_list(f[4], f[4] + strlen(f[4]), 10, '-', pf, TLS_MAX_PTFMTS);
		for (size_t i = 0; i < n; i++)
			ch->ptfmts[i] = (uint8_t)pf[i];
		ch->n_ptfmts = ch->n_ptfmts_total = (uint16_t)n;
	}
	fp_ja3(ch, s, sizeof s, h);
	corpus_ja3++;
	if (strcmp(s, str) != 0 || strcmp(h, want) != 0) {
		corpus_ja3_bad++;
		fprintf(stderr, "corpus ja3: %s\n  got %s %s\n  want %s\n", str, s, h, want);
	}
	free(ch);
}

/* raw: a JA4 raw form (sorted ja4_r or original-order ja4_ro). */
static void corpus_ja4_check(const char *raw, const char *want, const char *want_r)
{
	struct tls_client_hello *ch = hello_new();
	const char *u1 = strchr(raw, '_'), *u2 = u1 ? strchr(u1 + 1, '_') : NULL;
	const char *u3 = u2 ? strchr(u2 + 1, '_') : NULL;
	char ver[3], out[FP_JA4_MAX];
	int has0 = 0, has16 = 0;

	if (!u1 || !u2 || u1 - raw != 10) {
		free(ch);
		return;
	}
	memcpy(ver, raw + 1, 2);
	ver[2] = '\0';
	if (strcmp(ver, "13") == 0) {
		SET(ch->versions, ch->n_versions, 0x0304);
	} else if (strcmp(ver, "12") == 0) {
		ch->legacy_version = 0x0303;
	} else if (strcmp(ver, "11") == 0) {
		ch->legacy_version = 0x0302;
	} else if (strcmp(ver, "10") == 0) {
		ch->legacy_version = 0x0301;
	} else if (strcmp(ver, "s3") == 0) {
		ch->legacy_version = 0x0300;
	} else if (strcmp(ver, "d2") == 0) {
		ch->legacy_version = 0xfefd;
	} else if (strcmp(ver, "d1") == 0) {
		ch->legacy_version = 0xfeff;
	} else if (strcmp(ver, "d3") == 0) {
		ch->legacy_version = 0xfefd;
		SET(ch->versions, ch->n_versions, 0xfefc);
	} else {
		free(ch);
		return;
	}
	ch->n_ciphers = ch->n_ciphers_total =
		(uint16_t)parse_list(u1 + 1, u2, 16, ',', ch->ciphers, TLS_MAX_CIPHERS);
	ch->n_exts = (uint16_t)parse_list(u2 + 1, u3 ? u3 : u2 + strlen(u2), 16, ',',
					  ch->exts, TLS_MAX_EXTS);
	for (uint16_t i = 0; i < ch->n_exts; i++) {
		has0 |= ch->exts[i] == 0;
		has16 |= ch->exts[i] == 0x10;
	}
	if (raw[3] == 'd' && !has0)
		ch->exts[ch->n_exts++] = 0;
	ch->has_sni = raw[3] == 'd';
	if (memcmp(raw + 8, "00", 2) != 0) {
		if (!has16)
			ch->exts[ch->n_exts++] = 0x10;
		alpn_add(&ch->alpn, raw + 8, 2);
	}
	ch->n_exts_total = ch->n_exts;
	if (u3)
		ch->n_sigalgs = ch->n_sigalgs_total = (uint16_t)parse_list(
			u3 + 1, u3 + strlen(u3), 16, ',', ch->sigalgs, TLS_MAX_SIGALGS);
	fp_ja4(ch, raw[0], out, rbuf, sizeof rbuf);
	corpus_ja4++;
	if (strcmp(out, want) != 0 || (want_r && strcmp(rbuf, want_r) != 0)) {
		corpus_ja4_bad++;
		fprintf(stderr, "corpus ja4: %s\n  got %s\n  want %s\n", raw, out, want);
	}
	free(ch);
}

static const char *jstr0(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (json_is_array(v))
		v = json_array_get(v, 0);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void corpus_arkime(const char *path)
{
	json_error_t e;
	json_t *root, *ss;
	FILE *f = fopen(path, "r");
	char *buf, *brace;
	long n;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return;
	}
	fclose(f);
	brace = strchr(buf, '{');
	root = brace ? json_loads(brace, 0, &e) : NULL;
	free(buf);
	if (!root)
		return;
	ss = json_object_get(root, "sessions3");
	for (size_t i = 0; i < json_array_size(ss); i++) {
		json_t *tls = json_object_get(json_object_get(json_array_get(ss, i), "body"), "tls");
		const char *j3 = jstr0(tls, "ja3"), *j3s = jstr0(tls, "ja3string");
		const char *j4 = jstr0(tls, "ja4"), *j4r = jstr0(tls, "ja4_r");
		if (j3 && j3s)
			corpus_ja3_check(j3s, j3);
		if (j4 && j4r)
			corpus_ja4_check(j4r, j4, j4r);
	}
	json_decref(root);
}

static void corpus_foxio(const char *path)
{
	json_error_t e;
	json_t *root = json_load_file(path, 0, &e);
	if (!root)
		return;
	for (size_t i = 0; i < json_array_size(root); i++) {
		json_t *s = json_array_get(root, i);
		for (int k = 1; k < 10; k++) {
			char kj[16], kr[16], kro[16];
			snprintf(kj, sizeof kj, "JA4.%d", k);
			snprintf(kr, sizeof kr, "JA4_r.%d", k);
			snprintf(kro, sizeof kro, "JA4_ro.%d", k);
			const char *j = jstr0(s, kj), *r = jstr0(s, kr), *ro = jstr0(s, kro);
			if (!j)
				break;
			if (ro)
				corpus_ja4_check(ro, j, r);
			else if (r)
				corpus_ja4_check(r, j, r);
		}
	}
	json_decref(root);
}

static void corpus_dir(const char *dir, const char *suffix, void (*fn)(const char *))
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[2048];
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name), sl = strlen(suffix);
		if (l > sl && strcmp(de->d_name + l - sl, suffix) == 0 &&
		    (strcmp(suffix, ".json") != 0 || strstr(de->d_name, "__python__"))) {
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			fn(path);
		}
	}
	closedir(d);
}

static void test_corpus(void)
{
	const char *env = getenv("TT_CORPUS");
	char root[1024], d[1200];

	if (env) {
		snprintf(root, sizeof root, "%s", env);
	} else {
		/* __FILE__ is .../tests/unit/test_fp.c; the corpus sits next
		 * to the checkout, in ../shared/corpus. */
		char f[900];
		snprintf(f, sizeof f, "%s", __FILE__);
		char *s = strstr(f, "tests/unit/test_fp.c");
		if (s)
			*s = '\0';
		snprintf(root, sizeof root, "%s../shared/corpus", f);
	}
	snprintf(d, sizeof d, "%s/arkime", root);
	corpus_dir(d, ".test", corpus_arkime);
	snprintf(d, sizeof d, "%s/ja4", root);
	corpus_dir(d, ".json", corpus_foxio);
	if (corpus_ja3 + corpus_ja4 == 0) {
		fprintf(stderr, "corpus not found at %s: corpus checks SKIPPED\n", root);
		return;
	}
	fprintf(stderr, "corpus: %d ja3 (%d differ), %d ja4 (%d differ)\n", corpus_ja3,
		corpus_ja3_bad, corpus_ja4, corpus_ja4_bad);
	CHECK(corpus_ja3_bad == 0);
	CHECK(corpus_ja4_bad == 0);
	CHECK(corpus_ja4 >= 20);
}

int main(void)
{
	test_ja4_spec();
	test_ja4_a_section();
	test_ja3();
	test_community_id();
	test_corpus();
	return TT_DONE();
}
