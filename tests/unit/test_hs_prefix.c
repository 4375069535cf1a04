/*
 * Every handshake message of the project's real sessions (the fuzz seed
 * corpus tests/fuzz/corpus/hs: ClientHello, ServerHello, Certificate,
 * ServerKeyExchange, CertificateRequest, CertificateVerify,
 * ClientKeyExchange, NewSessionTicket from openssl and gnutls) is parsed
 * whole, then every truncated prefix of it is parsed from an exact-size
 * allocation: the answer must be "failed" (-1), never a crash or a read
 * past the end (the ASan build checks that).  Decoded values of known
 * messages are checked too.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/tls_hs.h"
#include "../../parsers/tls_names.h"
#include "tt_test.h"

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(len > 0 ? (size_t)len : 1);
	if (b && len > 0 && fread(b, 1, (size_t)len, f) != (size_t)len) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*n = len > 0 ? (size_t)len : 0;
	return b;
}

/* Parse body with the parser the selector byte names; returns its answer. */
static struct tls_client_hello ch;
static struct tls_server_hello sh;
static const char *kx = "ecdhe";   /* ServerKeyExchange shape under test */
static uint16_t ver = 0x0303;      /* TLS 1.2 layouts, or 1.0/1.1 ones */

static int parse(uint8_t sel, const uint8_t *body, size_t len)
{
	uint8_t st;
	struct anom_set a = { 0 };
	struct tls_cert_ref certs[16];
	struct tls_cert_request cr;
	struct tls_ske ske;
	size_t n, total;
	uint16_t sa, tl;
	uint32_t u32;
	bool has;

	switch (sel & 0x0f) {
	case 0:
		memset(&ch, 0, sizeof ch);
		return tls_parse_client_hello(body, len, &ch, &a);
	case 1:
		memset(&sh, 0, sizeof sh);
		return tls_parse_server_hello(body, len, &sh, &a);
	case 2:
		return tls_parse_certificate(body, len, false, certs, 16, &n, &total, &a);
	case 3:
		return tls_parse_server_key_exchange(body, len, kx, ver, &ske, &a);
	case 4:
		return tls_parse_certificate_request(body, len, ver, &cr, &a);
	case 5:
		return tls_parse_certificate_verify(body, len, ver, &has, &sa, &a);
	case 6:
		return tls_parse_new_session_ticket(body, len, false, &u32, &tl, &a);
	case 7:
		return tls_parse_certificate_status(body, len, &st, &u32, &a);
	case 8:
		return tls_parse_client_key_exchange(body, len, "ecdhe", 0x0303, &a);
	}
	return -2;   /* a selector this test does not know */
}

static void test_corpus(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), msgs = 0, whole = 0;

	CHECK(n > 20);
	for (int i = 0; i < n; i++) {
		char path[4096];
		uint8_t *buf;
		size_t len;

		/* Captured seeds only: inputs the fuzzer added are named by
		 * their SHA-1 (40 hex digits) and need not be messages at all. */
		if (ents[i]->d_name[0] == '.' ||
		    strspn(ents[i]->d_name, "0123456789abcdef") == 40) {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
		buf = slurp(path, &len);
		if (!buf || len < 2) {
			free(buf);
			continue;
		}
		msgs++;
		/* The key exchange of a ServerKeyExchange is the one that parses it. */
		static const char *const kxs[] = { "dhe", "ecdhe" };
		static const uint16_t vers[] = { 0x0303, 0x0301 };
		for (int v = 0; v < 4; v++) {
			kx = kxs[v & 1];
			ver = vers[v >> 1];
			if (parse(buf[0], buf + 1, len - 1) == 0)
				break;
		}
		/* Seeds cut from perturbed or snaplen-limited captures need not
		 * be whole messages: count those that are. */
		whole += parse(buf[0], buf + 1, len - 1) == 0;
		for (size_t k = 0; k < len - 1; k++) {
			uint8_t *pre = malloc(k ? k : 1);
			memcpy(pre, buf + 1, k);
			int r = parse(buf[0], pre, k);
			/* A hello cut right after its compression methods is a
			 * valid hello without extensions (SSL 3.0 style). */
			bool bare_hello = ((buf[0] & 0x0f) == 0 && ch.n_exts_total == 0) ||
					  ((buf[0] & 0x0f) == 1 && sh.n_exts_total == 0);
			if (!(r == -1 || (r == 0 && bare_hello) || (buf[0] & 0x0f) == 8)) {
				fprintf(stderr, "%s: prefix %zu of %zu answered %d\n",
					path, k, len - 1, r);
				CHECK(0);
				break;
			}
			tt_checks++;
			free(pre);
		}
		free(buf);
	}
	free(ents);
	fprintf(stderr, "%d captured handshake messages (%d whole), every prefix\n", msgs, whole);
	CHECK(whole > msgs * 9 / 10);
}

/* A ClientHello built by hand: decoded values. */
static void test_client_hello_values(void)
{
	struct anom_set a = { 0 };
	static const uint8_t ch_bytes[] = {
		0x03, 0x03,                                   /* legacy_version */
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
		0x00,                                         /* session id */
		0x00, 0x06, 0x0a, 0x0a, 0x13, 0x01, 0xc0, 0x2f, /* suites: GREASE, 1301, c02f */
		0x01, 0x00,                                   /* compression: null */
		0x00, 0x2e,                                   /* extensions: 46 bytes */
		0x00, 0x00, 0x00, 0x0e, 0x00, 0x0c, 0x00, 0x00, 0x09,
		'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't',  /* server_name */
		0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 'h', '2', /* ALPN h2 */
		0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04,     /* supported_versions 1.3 */
		0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d, /* groups x25519 */
		0x00, 0x17, 0x00, 0x00,                       /* EMS */
	};
	memset(&ch, 0, sizeof ch);
	CHECK(tls_parse_client_hello(ch_bytes, sizeof ch_bytes, &ch, &a) == 0);
	CHECK(a.n == 0);
	CHECK(ch.legacy_version == 0x0303 && ch.n_ciphers == 3 && ch.ciphers[0] == 0x0a0a);
	CHECK(tls_is_grease(ch.ciphers[0]) && ch.ciphers[2] == 0xc02f);
	CHECK(ch.has_sni && ch.sni_len == 9 && memcmp(ch.sni, "localhost", 9) == 0);
	CHECK(ch.has_alpn && ch.alpn.n == 1 && ch.alpn.len[0] == 2);
	CHECK(ch.n_versions == 1 && ch.versions[0] == 0x0304);
	CHECK(ch.n_groups == 1 && ch.groups[0] == 0x001d && ch.has_ems);
	CHECK(ch.n_exts == 5 && ch.exts[0] == 0 && ch.exts[4] == 23);
	for (size_t k = 0; k < sizeof ch_bytes; k++) {
		struct anom_set b = { 0 };
		uint8_t *pre = malloc(k ? k : 1);
		int r;
		memcpy(pre, ch_bytes, k);
		memset(&ch, 0, sizeof ch);
		r = tls_parse_client_hello(pre, k, &ch, &b);
		if (k == 45)
			CHECK(r == 0 && ch.n_exts_total == 0);   /* ends after compression */
		else
			CHECK(r == -1 && b.n >= 1);   /* the failure is named */
		free(pre);
	}
	/* A duplicated extension is named and still listed. */
	uint8_t dup[sizeof ch_bytes + 4];
	memcpy(dup, ch_bytes, sizeof ch_bytes);
	memcpy(dup + sizeof ch_bytes, "\x00\x17\x00\x00", 4);
	dup[46] = 0x32;   /* extensions length 46 + 4 */
	memset(&ch, 0, sizeof ch);
	a.n = 0;
	CHECK(tls_parse_client_hello(dup, sizeof dup, &ch, &a) == 0);
	CHECK(anom_has(&a, "duplicate_extension") && ch.n_exts == 6);
}

/* HelloRetryRequest is recognised by its random; the downgrade sentinel too. */
static void test_server_hello_values(void)
{
	uint8_t sh_bytes[2 + 32 + 1 + 2 + 1 + 2 + 6 + 6] = { 0x03, 0x03 };
	static const uint8_t hrr[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65,
		0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2,
		0xc8, 0xa8, 0x33, 0x9c,
	};
	static const uint8_t tail[] = {
		0x00,                   /* session id */
		0x13, 0x01, 0x00,       /* cipher, compression */
		0x00, 0x0c,             /* extensions */
		0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,   /* supported_versions 1.3 */
		0x00, 0x33, 0x00, 0x02, 0x00, 0x1d,   /* key_share (HRR: group only) */
	};
	struct anom_set a = { 0 };

	memcpy(sh_bytes + 2, hrr, 32);
	memcpy(sh_bytes + 34, tail, sizeof tail);
	memset(&sh, 0, sizeof sh);
	CHECK(tls_parse_server_hello(sh_bytes, sizeof sh_bytes, &sh, &a) == 0);
	CHECK(sh.is_hrr && sh.selected_version == 0x0304 && sh.selected_group == 0x001d);
	CHECK(tls_sh_version(&sh) == 0x0304 && sh.cipher == 0x1301);

	memcpy(sh_bytes + 2 + 24, "DOWNGRD\x01", 8);
	memset(&sh, 0, sizeof sh);
	CHECK(tls_parse_server_hello(sh_bytes, sizeof sh_bytes, &sh, &a) == 0);
	CHECK(!sh.is_hrr && sh.downgrade == 12);
}

/* The record layer and the sniffer. */
static void test_records(void)
{
	static const uint8_t rec[] = { 22, 3, 1, 0, 4, 1, 0, 0, 0 };
	struct tls_record r;
	size_t used, need;

	CHECK(tls_record_parse(rec, sizeof rec, &r, &used, &need) == TLS_OK);
	CHECK(used == 9 && r.type == 22 && r.len == 4 && r.version == 0x0301);
	for (size_t k = 0; k < sizeof rec; k++) {
		need = 0;
		CHECK(tls_record_parse(rec, k, &r, &used, &need) == TLS_NEED_MORE);
		CHECK(k < 5 ? need == 5 : need == 9);
	}
	CHECK(tls_record_parse((const uint8_t *)"GET / HTTP/1.1\r\n", 16, &r, &used, &need) == TLS_BAD);
	CHECK(tls_sniff(rec, sizeof rec) == TLS_OK);
	CHECK(tls_sniff((const uint8_t *)"SSH-2.0-OpenSSH", 15) == TLS_BAD);
	CHECK(tls_sniff((const uint8_t *)"HTTP/1.1 200 OK", 15) == TLS_BAD);
	/* An SSLv2-compatible ClientHello: 2-byte header, type 1, version 3.1. */
	static const uint8_t v2[] = { 0x80, 0x0e, 0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00,
				      0x00, 0x02, 0x00, 0x00, 0x2f, 0xaa, 0xbb };
	CHECK(tls_sniff(v2, sizeof v2) == TLS_OK);
	CHECK(tls_sslv2_record_parse(v2, sizeof v2, &r, &used, &need) == TLS_OK && r.type == 1);
	struct anom_set a = { 0 };
	memset(&ch, 0, sizeof ch);
	CHECK(tls_parse_sslv2_client_hello(r.body, r.len, &ch, &a) == 0);
	CHECK(ch.sslv2 && ch.legacy_version == 0x0301 && ch.n_ciphers == 1 && ch.ciphers[0] == 0x002f);
}

/* tls_scan_client_hello and tls_scan_session_id (the ClientHello read at
 * once while its parse waits) against the parse on the same bytes: every
 * ClientHello of the corpus, the fuzzer's inputs too, and every prefix of
 * each, from an exact-size allocation. */
static bool scan_agrees(const uint8_t *body, size_t len)
{
	struct anom_set a = { 0 };
	struct tls_ch_brief b;
	const uint8_t *sid = NULL;
	size_t sid_len;

	memset(&ch, 0, sizeof ch);
	tls_parse_client_hello(body, len, &ch, &a);
	tls_scan_client_hello(body, len, &b);
	sid_len = tls_scan_session_id(body, len, &sid);
	return b.has_early_data == ch.has_early_data && b.n_versions == ch.n_versions &&
	       memcmp(b.versions, ch.versions, b.n_versions * sizeof b.versions[0]) == 0 &&
	       sid_len == ch.session_id_len && (!sid_len || memcmp(sid, ch.session_id, sid_len) == 0);
}

/* Every seed of dir for the parser selector sel, every prefix of its body
 * from an exact-size allocation, handed to check (whole: the prefix is the
 * body).  A false answer is reported with what it means.  Returns the
 * seeds walked. */
static int each_prefix(const char *dir, unsigned sel, bool (*check)(const uint8_t *, size_t, bool),
		       const char *what)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), seeds = 0;

	CHECK(n > 20);
	for (int i = 0; i < n; i++) {
		char path[4096];
		uint8_t *buf;
		size_t len;

		if (ents[i]->d_name[0] == '.') {   /* ".", "..": not seeds */
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
		buf = slurp(path, &len);
		if (!buf || len < 1 || (buf[0] & 0x0f) != sel) {
			free(buf);
			continue;
		}
		seeds++;
		for (size_t k = 0; k <= len - 1; k++) {
			uint8_t *pre = malloc(k ? k : 1);
			bool ok;
			memcpy(pre, buf + 1, k);
			ok = check(pre, k, k == len - 1);
			free(pre);
			if (!ok) {
				fprintf(stderr, "%s: prefix %zu of %zu: %s\n", path, k, len - 1, what);
				CHECK(0);
				break;
			}
			tt_checks++;
		}
		free(buf);
	}
	free(ents);
	return seeds;
}

static int scanned_early, scanned_v13;

static bool scan_check(const uint8_t *p, size_t k, bool whole)
{
	bool ok = scan_agrees(p, k);

	scanned_early += whole && ch.has_early_data;
	scanned_v13 += whole && ch.n_versions > 0;
	return ok;
}

static void test_scan(const char *dir)
{
	int hellos = each_prefix(dir, 0, scan_check, "the scan disagrees with the parse");

	fprintf(stderr, "%d ClientHellos scanned (%d with early_data, %d with "
		"supported_versions), every prefix\n", hellos, scanned_early, scanned_v13);
	CHECK(hellos > 20 && scanned_early > 0 && scanned_v13 > 0);
}

/* tls_server_hello_clear leaves garbage only where nothing reads: a
 * ServerHello parsed into a struct full of it after the clear reads the
 * same as one parsed into a zeroed struct, for every ServerHello of the
 * corpus and every prefix. */
static bool same_sh(const struct tls_server_hello *a, const struct tls_server_hello *b)
{
	const size_t exts = offsetof(struct tls_server_hello, exts),
		     after_exts = offsetof(struct tls_server_hello, n_exts),
		     alpn = offsetof(struct tls_server_hello, alpn),
		     after_alpn = alpn + sizeof a->alpn;

	if (memcmp(a, b, exts) != 0 ||
	    memcmp((const uint8_t *)a + after_exts, (const uint8_t *)b + after_exts,
		   alpn - after_exts) != 0 ||
	    memcmp((const uint8_t *)a + after_alpn, (const uint8_t *)b + after_alpn,
		   sizeof *a - after_alpn) != 0)
		return false;
	if (memcmp(a->exts, b->exts, a->n_exts * sizeof a->exts[0]) != 0 ||
	    a->alpn.n != b->alpn.n || a->alpn.n_total != b->alpn.n_total)
		return false;
	for (uint16_t i = 0; i < a->alpn.n; i++)
		if (a->alpn.len[i] != b->alpn.len[i] ||
		    memcmp(a->alpn.buf + a->alpn.off[i], b->alpn.buf + b->alpn.off[i],
			   a->alpn.len[i]) != 0)
			return false;
	return true;
}

static bool clear_check(const uint8_t *p, size_t k, bool whole)
{
	static struct tls_server_hello zeroed, cleared;
	struct anom_set a = { 0 }, b = { 0 };
	int ra, rb;

	(void)whole;
	memset(&zeroed, 0, sizeof zeroed);
	memset(&cleared, 0xa5, sizeof cleared);
	tls_server_hello_clear(&cleared);
	ra = tls_parse_server_hello(p, k, &zeroed, &a);
	rb = tls_parse_server_hello(p, k, &cleared, &b);
	return ra == rb && a.n == b.n && same_sh(&zeroed, &cleared);
}

static void test_sh_clear(const char *dir)
{
	int hellos = each_prefix(dir, 1, clear_check, "reads otherwise after a clear");

	fprintf(stderr, "%d ServerHellos parsed after a clear, every prefix\n", hellos);
	CHECK(hellos > 20);
}

/* Anomalies of a parse put off, put back at their place. */
static void test_anom_insert(void)
{
	struct anom_set a = { 0 }, from = { 0 }, full = { 0 };

	anom_add(&a, "x");
	anom_add(&a, "y");      /* found after the parse was due */
	anom_add(&a, "z");
	anom_add(&from, "y");
	anom_add(&from, "w");
	anom_insert(&a, 1, &from);
	CHECK(a.n == 4 && strcmp(a.code[0], "x") == 0 && strcmp(a.code[1], "y") == 0 &&
	      strcmp(a.code[2], "w") == 0 && strcmp(a.code[3], "z") == 0);
	/* nothing to add: unchanged */
	struct anom_set none = { 0 };
	anom_insert(&a, 0, &none);
	CHECK(a.n == 4 && strcmp(a.code[0], "x") == 0);
	/* a full set: what no longer fits is counted */
	static const char *const many[ANOM_MAX] = {
		"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b0", "b1", "b2", "b3",
		"b4", "b5", "b6", "b7", "b8", "b9", "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7",
		"c8", "c9", "d0", "d1",
	};
	for (int i = 0; i < ANOM_MAX; i++)
		anom_add(&full, many[i]);
	anom_insert(&full, 0, &from);
	CHECK(full.n == ANOM_MAX && strcmp(full.code[0], "y") == 0 &&
	      strcmp(full.code[1], "w") == 0 && full.dropped == 2);
}

int main(int argc, char **argv)
{
	test_anom_insert();
	test_scan(argc > 1 ? argv[1] : "../tests/fuzz/corpus/hs");
	test_sh_clear(argc > 1 ? argv[1] : "../tests/fuzz/corpus/hs");
	test_client_hello_values();
	test_server_hello_values();
	test_records();
	test_corpus(argc > 1 ? argv[1] : "../tests/fuzz/corpus/hs");
	return TT_DONE();
}
