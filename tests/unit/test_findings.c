/*
 * Unit tests for src/findings.c and src/findings_policy.c: each finding
 * fires on the fact that makes it and not on its neighbour (positive and
 * negative), the policy changes thresholds, turns findings off and sets
 * severities, and the policy parser answers every truncated prefix of a
 * valid file (and every line of an invalid one) with success or a message
 * naming the file and line, never a crash.  Given the schema and
 * FIELDS.md (meson passes both), it also checks that they list exactly
 * the codes the module has.
 */
#include "../../src/findings.h"
#include "../../parsers/x509.h"
#include "tt_test.h"

#include <jansson.h>
#include <stdlib.h>

#define DAY 86400
#define NOW 1795000000          /* 2026-11-18 */

static uint16_t good_ciphers[] = { 0x1301, 0xc02f, 0xc030, 0x00ff };

/* A clean TLS 1.2 ECDHE session: no finding at all. */
static void base(struct fnd_facts *f)
{
	memset(f, 0, sizeof *f);
	f->now = NOW;
	f->ch = true;
	f->ch_sni = true;
	f->ch_reneg = true;
	f->ch_max_version = 0x0304;
	f->ch_ciphers = good_ciphers;
	f->n_ch_ciphers = 4;
	f->sh = true;
	f->version = 0x0303;
	f->has_cipher = true;
	f->cipher = 0xc02f;
	f->has_compression = true;
	f->compression = 0;
	f->sh_reneg = true;
	f->has_group = true;
	f->group = 29;
	f->has_ske_sigalg = true;
	f->ske_sigalg = 0x0804;
	f->renegotiated_by = -1;
	f->chain[FND_SERVER].n = 2;
	f->chain[FND_SERVER].cert[0] = (struct fnd_cert){ FND_KEY_RSA, 2048, 256, false, true,
							  NOW - 30 * DAY, NOW + 60 * DAY };
	f->chain[FND_SERVER].cert[1] = (struct fnd_cert){ FND_KEY_RSA, 4096, 256, true, true,
							  NOW - 900 * DAY, NOW + 3000 * DAY };
	f->chain[FND_SERVER].validated = true;
	f->chain[FND_SERVER].sni_checked = true;
	f->chain[FND_SERVER].sni_match = true;
}

static struct fnd_policy pol;

static const struct fnd_finding *find(const struct fnd_list *l, unsigned code)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->f[i].code == code)
			return &l->f[i];
	return NULL;
}

/* The findings of f, as a set of codes; prints the list when asked. */
static unsigned judge(const struct fnd_facts *f, struct fnd_list *l)
{
	return fnd_judge(f, &pol, l);
}

/* f has exactly `code` (on side, with sev) and nothing else. */
#define ONLY(f, code_, side_, sev_) do { \
	struct fnd_list l_; \
	judge(&(f), &l_); \
	CHECK(l_.n == 1); \
	CHECK(l_.n >= 1 && l_.f[0].code == (code_) && l_.f[0].side == (side_) && \
	      l_.f[0].severity == (sev_)); \
	if (l_.n != 1 || l_.f[0].code != (code_)) \
		for (unsigned i_ = 0; i_ < l_.n; i_++) \
			fprintf(stderr, "  line %d: got %s/%s: %s\n", __LINE__, \
				fnd_code_name(l_.f[i_].code), fnd_side_name(l_.f[i_].side), \
				l_.f[i_].message); \
} while (0)

#define NONE(f) do { \
	struct fnd_list l_; \
	judge(&(f), &l_); \
	CHECK(l_.n == 0); \
	for (unsigned i_ = 0; i_ < l_.n; i_++) \
		fprintf(stderr, "  line %d: unexpected %s: %s\n", __LINE__, \
			fnd_code_name(l_.f[i_].code), l_.f[i_].message); \
} while (0)

static void test_clean(void)
{
	struct fnd_facts f;

	base(&f);
	NONE(f);
	/* TLS 1.3 with encrypted certificates: nothing either. */
	base(&f);
	f.version = 0x0304;
	f.cipher = 0x1301;
	f.has_ske_sigalg = false;
	f.sh_reneg = false;
	memset(&f.chain, 0, sizeof f.chain);
	NONE(f);
	/* A handshake that never got a ServerHello judges only the client. */
	base(&f);
	f.sh = false;
	f.version = 0;
	f.cipher = 0x0004;       /* stale, not negotiated */
	NONE(f);
}

static void test_versions(void)
{
	struct fnd_facts f;

	base(&f);
	f.version = 0x0301;
	ONLY(f, FND_DEPRECATED_VERSION, FND_SERVER, FND_MEDIUM);
	f.version = 0x0302;
	ONLY(f, FND_DEPRECATED_VERSION, FND_SERVER, FND_MEDIUM);
	f.version = 0x0300;
	ONLY(f, FND_DEPRECATED_VERSION, FND_SERVER, FND_HIGH);
	f.version = 0x7f17;      /* a 1.3 draft is not deprecated_version */
	f.sh_reneg = false;
	NONE(f);
	base(&f);
	f.version = 0x0002;
	f.has_cipher = false;
	f.v2_cipher = 0x0700c0;
	f.has_compression = false;
	{
		struct fnd_list l;
		judge(&f, &l);
		CHECK(find(&l, FND_DEPRECATED_VERSION) && find(&l, FND_DEPRECATED_VERSION)->severity == FND_HIGH);
		CHECK(find(&l, FND_3DES) && find(&l, FND_CBC_MODE) && find(&l, FND_NO_FORWARD_SECRECY));
		CHECK(!find(&l, FND_NO_SECURE_RENEGOTIATION));  /* SSLv2 has none */
		CHECK(l.n == 4);
	}
}

static void suite(uint16_t cs, unsigned code, unsigned sev)
{
	struct fnd_facts f;
	struct fnd_list l;

	base(&f);
	f.cipher = cs;
	judge(&f, &l);
	CHECK(find(&l, code) != NULL);
	CHECK(find(&l, code) && find(&l, code)->severity == sev && find(&l, code)->side == FND_SERVER);
}

static void test_suites(void)
{
	struct fnd_facts f;
	struct fnd_list l;

	suite(0x0002, FND_NULL_CIPHER, FND_HIGH);
	suite(0xc0b4, FND_NULL_CIPHER, FND_HIGH);
	suite(0x0003, FND_EXPORT_CIPHER, FND_HIGH);
	suite(0x0034, FND_ANONYMOUS_KEY_EXCHANGE, FND_HIGH);
	suite(0xc018, FND_ANONYMOUS_KEY_EXCHANGE, FND_HIGH);
	suite(0x0005, FND_RC4, FND_HIGH);
	suite(0x0009, FND_DES, FND_HIGH);
	suite(0x000a, FND_3DES, FND_MEDIUM);
	suite(0xc013, FND_CBC_MODE, FND_LOW);
	suite(0x009c, FND_NO_FORWARD_SECRECY, FND_MEDIUM);
	suite(0xc02d, FND_NO_FORWARD_SECRECY, FND_MEDIUM);  /* ECDH_ECDSA static */

	/* the exact set for static RSA with AES-CBC */
	base(&f);
	f.cipher = 0x002f;
	judge(&f, &l);
	CHECK(l.n == 2 && find(&l, FND_NO_FORWARD_SECRECY) && find(&l, FND_CBC_MODE));
	/* most severe first */
	CHECK(l.n == 2 && l.f[0].code == FND_NO_FORWARD_SECRECY);
	/* negatives: AEAD with ephemeral keys, PSK with DHE, TLS 1.3 suites */
	base(&f);
	f.cipher = 0xc030;
	NONE(f);
	f.cipher = 0x00aa;       /* DHE_PSK AES GCM */
	f.has_group = false;
	NONE(f);
	/* TLS 1.3 psk_ke resumption */
	base(&f);
	f.version = 0x0304;
	f.cipher = 0x1302;
	f.sh_reneg = false;
	f.resumed = true;
	f.tls13_psk_only = true;
	f.has_group = false;
	f.has_ske_sigalg = false;
	memset(&f.chain, 0, sizeof f.chain);
	ONLY(f, FND_NO_FORWARD_SECRECY, FND_SERVER, FND_MEDIUM);
	f.tls13_psk_only = false;
	NONE(f);
}

static void test_kx(void)
{
	struct fnd_facts f;

	base(&f);
	f.cipher = 0x009e;
	f.has_group = false;
	f.dh_bits = 1024;
	ONLY(f, FND_WEAK_DH_GROUP, FND_SERVER, FND_MEDIUM);
	f.dh_bits = 768;
	ONLY(f, FND_WEAK_DH_GROUP, FND_SERVER, FND_HIGH);
	f.dh_bits = 2048;
	NONE(f);
	pol.min_dh_bits = 3072;
	ONLY(f, FND_WEAK_DH_GROUP, FND_SERVER, FND_MEDIUM);
	/* a TLS 1.3 FFDHE group is judged by its size */
	base(&f);
	f.version = 0x0304;
	f.cipher = 0x1301;
	f.sh_reneg = false;
	f.has_ske_sigalg = false;
	f.group = 256;           /* ffdhe2048 */
	ONLY(f, FND_WEAK_DH_GROUP, FND_SERVER, FND_MEDIUM);
	pol.min_dh_bits = 2048;
	NONE(f);

	base(&f);
	f.group = 19;            /* secp192r1 */
	ONLY(f, FND_WEAK_EC_CURVE, FND_SERVER, FND_MEDIUM);
	f.group = 21;            /* secp224r1 */
	NONE(f);
	f.group = 65281;
	ONLY(f, FND_WEAK_EC_CURVE, FND_SERVER, FND_MEDIUM);
	f.group = 4588;          /* X25519MLKEM768 */
	NONE(f);

	base(&f);
	f.ske_sigalg = 0x0201;   /* rsa_pkcs1_sha1 */
	ONLY(f, FND_WEAK_SIGNATURE_SCHEME, FND_SERVER, FND_MEDIUM);
	f.ske_sigalg = 0x0101;   /* rsa_md5 */
	ONLY(f, FND_WEAK_SIGNATURE_SCHEME, FND_SERVER, FND_HIGH);
	f.ske_sigalg = 0x0401;
	NONE(f);
	f.has_cv_sigalg = true;
	f.cv_sigalg = 0x0203;
	ONLY(f, FND_WEAK_SIGNATURE_SCHEME, FND_CLIENT, FND_MEDIUM);
	f.cv_sigalg = 0x0804;
	NONE(f);
}

static void test_extensions(void)
{
	struct fnd_facts f;

	base(&f);
	f.compression = 1;
	ONLY(f, FND_COMPRESSION_ENABLED, FND_SERVER, FND_HIGH);
	base(&f);
	f.sh_heartbeat = true;
	ONLY(f, FND_HEARTBEAT_ENABLED, FND_SERVER, FND_LOW);
	base(&f);
	f.heartbeat_records = true;
	ONLY(f, FND_HEARTBEAT_ENABLED, FND_SERVER, FND_LOW);

	base(&f);
	f.ch_reneg = false;
	f.sh_reneg = false;
	ONLY(f, FND_NO_SECURE_RENEGOTIATION, FND_CLIENT, FND_MEDIUM);
	base(&f);
	f.sh_reneg = false;
	ONLY(f, FND_NO_SECURE_RENEGOTIATION, FND_SERVER, FND_MEDIUM);
	f.version = 0x0304;      /* TLS 1.3 has no renegotiation */
	f.cipher = 0x1301;
	NONE(f);

	base(&f);
	f.renegotiated_by = FND_SERVER;
	NONE(f);                 /* secure renegotiation */
	f.sh_reneg = false;
	{
		struct fnd_list l;
		judge(&f, &l);
		CHECK(l.n == 2 && find(&l, FND_INSECURE_RENEGOTIATION_SEEN) &&
		      find(&l, FND_INSECURE_RENEGOTIATION_SEEN)->side == FND_SERVER &&
		      find(&l, FND_INSECURE_RENEGOTIATION_SEEN)->severity == FND_HIGH);
	}

	base(&f);
	f.downgrade = 12;        /* client offered 1.3 */
	ONLY(f, FND_DOWNGRADE_SENTINEL, FND_SERVER, FND_HIGH);
	f.ch_max_version = 0x0303;
	NONE(f);                 /* a TLS 1.2 client: the sentinel is routine */
	f.downgrade = 11;
	f.version = 0x0302;
	{
		struct fnd_list l;
		judge(&f, &l);
		CHECK(find(&l, FND_DOWNGRADE_SENTINEL) && find(&l, FND_DEPRECATED_VERSION));
	}
}

static void test_client(void)
{
	struct fnd_facts f;
	static uint16_t weak[] = { 0xc02f, 0x0005, 0x0003, 0x0000 };
	static uint16_t tdes[] = { 0xc02f, 0x000a, 0x5600, 0x00ff, 0x0a0a };
	struct fnd_list l;

	base(&f);
	f.ch_sni = false;
	ONLY(f, FND_NO_SNI, FND_CLIENT, FND_INFO);
	base(&f);
	f.ch_sslv2 = true;
	f.ch_sni = false;        /* cannot carry one: only sslv2_compatible_hello */
	ONLY(f, FND_SSLV2_COMPATIBLE_HELLO, FND_CLIENT, FND_LOW);
	base(&f);
	f.ch_ciphers = weak;
	f.n_ch_ciphers = 4;
	ONLY(f, FND_CLIENT_OFFERS_WEAK_CIPHERS, FND_CLIENT, FND_LOW);
	judge(&f, &l);
	CHECK(l.n == 1 &&
	      strcmp(l.f[0].message, "3 weak suites offered, first TLS_RSA_WITH_RC4_128_SHA") == 0);
	f.ch_ciphers = tdes;     /* 3DES, SCSVs and GREASE are not in the list */
	f.n_ch_ciphers = 5;
	NONE(f);
	base(&f);
	f.early_data_records = 2;
	ONLY(f, FND_ZERO_RTT_USED, FND_CLIENT, FND_LOW);
	/* no ClientHello: no client finding, nor renegotiation verdict */
	base(&f);
	f.ch = false;
	f.ch_sni = f.ch_reneg = false;
	f.n_ch_ciphers = 0;
	NONE(f);
}

static void test_certs(void)
{
	struct fnd_facts f;
	struct fnd_chain *sv;
	struct fnd_list l;

	base(&f);
	sv = &f.chain[FND_SERVER];
	sv->cert[0].not_after = NOW - 1;
	ONLY(f, FND_CERTIFICATE_EXPIRED, FND_SERVER, FND_HIGH);
	judge(&f, &l);
	CHECK(strstr(l.f[0].message, "chain[0]") != NULL);
	base(&f);
	sv->cert[1].not_after = NOW - DAY;          /* an expired root sent along */
	ONLY(f, FND_CERTIFICATE_EXPIRED, FND_SERVER, FND_HIGH);
	base(&f);
	sv->cert[0].not_before = NOW + 1;
	ONLY(f, FND_CERTIFICATE_NOT_YET_VALID, FND_SERVER, FND_HIGH);
	base(&f);
	sv->cert[0].not_after = NOW + 30 * DAY;
	ONLY(f, FND_CERTIFICATE_EXPIRES_SOON, FND_SERVER, FND_LOW);
	/* The messages are formatted by hand (findings.c, format()): each
	 * conversion checked against what printf writes. */
	judge(&f, &l);
	CHECK(strncmp(l.f[0].message, "chain[0] expires ", 17) == 0 &&
	      strcmp(l.f[0].message + strlen(l.f[0].message) - 12, ", in 30 days") == 0);
	sv->cert[0].not_after = NOW + 31 * DAY;
	NONE(f);
	pol.expiry_warning_days = 45;
	ONLY(f, FND_CERTIFICATE_EXPIRES_SOON, FND_SERVER, FND_LOW);
	pol.expiry_warning_days = 30;

	/* lifetime: the BR schedule by notBefore, or the policy's maximum */
	base(&f);
	sv->n = 1;
	sv->cert[0].not_before = 1700000000;        /* 2023-11: 398 days */
	sv->cert[0].not_after = 1700000000 + 398 * DAY - 1;
	f.now = 1700000000 + 100 * DAY;
	NONE(f);
	sv->cert[0].not_after += 1;
	ONLY(f, FND_CERTIFICATE_LIFETIME_TOO_LONG, FND_SERVER, FND_LOW);
	judge(&f, &l);
	CHECK(strcmp(l.f[0].message, "leaf valid for 399 days (maximum 398)") == 0);
	sv->cert[0].not_before = 1780000000;        /* 2026-05: 200 days */
	sv->cert[0].not_after = 1780000000 + 250 * DAY;
	f.now = 1780000000 + 100 * DAY;
	ONLY(f, FND_CERTIFICATE_LIFETIME_TOO_LONG, FND_SERVER, FND_LOW);
	pol.max_lifetime_days = 365;
	NONE(f);
	pol.max_lifetime_days = 0;
	sv->cert[0].not_before = 1500000000;        /* 2017-07: 39 months */
	sv->cert[0].not_after = 1500000000 + 1100 * DAY;
	f.now = 1500000000 + 100 * DAY;
	NONE(f);

	base(&f);
	sv->cert[0].key_bits = 1024;
	ONLY(f, FND_WEAK_CERTIFICATE_KEY, FND_SERVER, FND_MEDIUM);
	sv->cert[0].key_bits = 512;
	ONLY(f, FND_WEAK_CERTIFICATE_KEY, FND_SERVER, FND_HIGH);
	base(&f);
	sv->cert[0].key = FND_KEY_EC;
	sv->cert[0].key_bits = 192;
	ONLY(f, FND_WEAK_CERTIFICATE_KEY, FND_SERVER, FND_MEDIUM);
	sv->cert[0].key_bits = 256;
	NONE(f);
	sv->cert[1].key_bits = 1024;                /* a self-signed root: the store decides */
	NONE(f);
	base(&f);
	f.chain[FND_CLIENT].n = 1;
	f.chain[FND_CLIENT].cert[0] = sv->cert[0];
	f.chain[FND_CLIENT].cert[0].key_bits = 1024;
	ONLY(f, FND_WEAK_CERTIFICATE_KEY, FND_CLIENT, FND_MEDIUM);

	base(&f);
	sv->cert[0].sig_hash_bits = 160;
	ONLY(f, FND_SHA1_CERTIFICATE_SIGNATURE, FND_SERVER, FND_MEDIUM);
	sv->cert[0].sig_hash_bits = 128;
	ONLY(f, FND_MD5_CERTIFICATE_SIGNATURE, FND_SERVER, FND_HIGH);
	base(&f);
	sv->cert[1].sig_hash_bits = 160;            /* a root's own signature */
	NONE(f);

	base(&f);
	sv->n = 1;
	sv->cert[0].self_signed = true;
	sv->reasons = 1u << X509_ST_SELF_SIGNED;
	ONLY(f, FND_SELF_SIGNED_CERTIFICATE, FND_SERVER, FND_MEDIUM);
	base(&f);
	sv->reasons = 1u << X509_ST_UNKNOWN_CA;
	ONLY(f, FND_UNTRUSTED_CHAIN, FND_SERVER, FND_MEDIUM);
	judge(&f, &l);
	CHECK(strstr(l.f[0].message, "unknown_ca") != NULL);
	sv->reasons = 1u << X509_ST_EXPIRED | 1u << X509_ST_WEAK_KEY;
	NONE(f);                 /* those have findings of their own, from the chain */
	sv->reasons = 1u << X509_ST_INCOMPLETE_CHAIN;
	ONLY(f, FND_UNTRUSTED_CHAIN, FND_SERVER, FND_MEDIUM);
	base(&f);
	sv->sni_match = false;
	ONLY(f, FND_SNI_CERTIFICATE_MISMATCH, FND_SERVER, FND_HIGH);
	sv->sni_checked = false;
	NONE(f);
}

static void test_policy_effects(void)
{
	struct fnd_facts f;
	struct fnd_list l;
	char err[256];
	static const char txt[] = "disable = cbc_mode, no_forward_secrecy\n"
				  "severity.deprecated_version = high\n";

	base(&f);
	f.cipher = 0x002f;
	f.version = 0x0301;
	CHECK(fnd_policy_parse(&pol, txt, sizeof txt - 1, "p", err, sizeof err) == 0);
	judge(&f, &l);
	CHECK(l.n == 1 && l.f[0].code == FND_DEPRECATED_VERSION && l.f[0].severity == FND_HIGH);
	CHECK(fnd_policy_parse(&pol, "enable = all", 12, "p", err, sizeof err) == 0);
	judge(&f, &l);
	CHECK(l.n == 3);
	CHECK(fnd_policy_parse(&pol, "disable=all", 11, "p", err, sizeof err) == 0);
	NONE(f);
	fnd_policy_defaults(&pol);
	judge(&f, &l);
	CHECK(l.n == 3 && l.f[0].severity == FND_MEDIUM);
}

/* ------------------------------------------------------------------ parser */

static const char valid[] =
	"# tlstap findings policy of the web team\n"
	"expiry_warning_days = 21\n"
	"min_dh_bits=3072   # above BCP 195\n"
	"\tmin_rsa_bits = 3072\r\n"
	"min_ec_bits = 256\n"
	"max_certificate_lifetime_days = 90\n"
	"max_certificate_lifetime_days = br\n"
	"disable = no_sni , certificate_lifetime_too_long\n"
	"enable = certificate_lifetime_too_long\n"
	"severity.cbc_mode = medium\n"
	"\n";

static void test_parse_valid(void)
{
	struct fnd_policy p;
	char err[256] = "";

	fnd_policy_defaults(&p);
	CHECK(fnd_policy_parse(&p, valid, sizeof valid - 1, "team.conf", err, sizeof err) == 0);
	CHECK(p.expiry_warning_days == 21 && p.min_dh_bits == 3072 && p.min_rsa_bits == 3072 &&
	      p.min_ec_bits == 256 && p.max_lifetime_days == 0);
	CHECK(p.disabled == 1ull << FND_NO_SNI);
	CHECK(p.severity[FND_CBC_MODE] == FND_MEDIUM && p.severity[FND_RC4] == -1);
	CHECK(fnd_policy_parse(&p, "", 0, "empty", err, sizeof err) == 0);
}

static void bad(const char *text, const char *want)
{
	struct fnd_policy p;
	char err[256] = "";

	fnd_policy_defaults(&p);
	CHECK(fnd_policy_parse(&p, text, strlen(text), "f.conf", err, sizeof err) == -1);
	if (!strstr(err, want)) {
		tt_failures++;
		fprintf(stderr, "policy \"%s\": message \"%s\" lacks \"%s\"\n", text, err, want);
	}
}

static void test_parse_errors(void)
{
	bad("min_dh_bits", "f.conf:1: expected key = value");
	bad("\n\nmin_dh_bits = 20000", "f.conf:3: min_dh_bits: expected 0 to 16384");
	bad("min_dh_bits = 2k", "f.conf:1: min_dh_bits: expected a whole number");
	bad("min_dh_bits = ", "f.conf:1: min_dh_bits: expected a number");
	bad("min_dh_bits = -1", "expected a whole number");
	bad("min_dh_bits = 99999999999999999999999", "expected 0 to 16384");
	bad("colour = blue", "f.conf:1: unknown key \"colour\"");
	bad("= 3", "expected a key before '='");
	bad("disable = rc5", "disable: unknown finding code \"rc5\"");
	bad("disable = rc4,", "disable: unknown finding code \"\"");
	bad("disable =", "disable: expected finding codes");
	bad("severity.rc4 = fatal", "severity: expected info, low, medium or high");
	bad("severity.rc5 = high", "unknown finding code \"rc5\"");
	bad("max_certificate_lifetime_days = 0", "expected 1 to 36500");
	bad("min_rsa_bits = 2048\nmin_ec_bits = 2\x01", "f.conf:2: control character");
	{
		static const char nul[] = "min_rsa_bits = 20\0" "48";
		struct fnd_policy p;
		char err[256] = "";
		fnd_policy_defaults(&p);
		CHECK(fnd_policy_parse(&p, nul, sizeof nul - 1, "n", err, sizeof err) == -1);
		CHECK(strstr(err, "n:1: control character") != NULL);
	}
	{
		size_t n = 5000;
		char *big = malloc(n + 1);
		CHECK(big != NULL);
		if (big) {
			memset(big, ' ', n);
			big[n] = '\0';
			bad(big, "f.conf:1: line longer than 4096 bytes");
			free(big);
		}
	}
}

/* Every prefix of the valid file, each in an exact-size allocation so that
 * a read past its end is caught under ASan: parses (a cut value such as
 * "min_dh_bits=30" is still a value), or fails with a "source:line:"
 * message. */
static void test_parse_prefixes(void)
{
	size_t len = sizeof valid - 1, failed = 0;

	for (size_t n = 0; n <= len; n++) {
		struct fnd_policy p;
		char err[256] = "";
		char *copy = malloc(n ? n : 1);
		int rc;

		if (!copy)
			break;
		memcpy(copy, valid, n);
		fnd_policy_defaults(&p);
		rc = fnd_policy_parse(&p, copy, n, "cut.conf", err, sizeof err);
		if (rc != 0 && (rc != -1 || strncmp(err, "cut.conf:", 9) != 0))
			failed++;
		free(copy);
	}
	CHECK(failed == 0);
}

static void test_names(void)
{
	for (unsigned i = 0; i < FND_COUNT; i++) {
		const char *n = fnd_code_name(i);
		CHECK(n != NULL);
		if (n)
			CHECK(fnd_code_by_name(n, strlen(n)) == (int)i);
	}
	CHECK(fnd_code_name(FND_COUNT) == NULL);
	CHECK(fnd_code_by_name("rc4x", 4) == -1);
	CHECK(fnd_code_by_name("rc4", 2) == -1);
	CHECK_STR(fnd_severity_name(FND_HIGH), "high");
	CHECK_STR(fnd_side_name(FND_CLIENT), "client");
	CHECK(FND_COUNT <= 64);  /* the disabled set is one uint64_t */
}

/* The schema's finding_code enum is exactly the module's codes, and
 * FIELDS.md documents each one (as a `code` table row). */
static void test_contract(const char *schema, const char *fields)
{
	json_error_t jerr;
	json_t *root = json_load_file(schema, 0, &jerr);
	json_t *e = json_object_get(json_object_get(json_object_get(root, "$defs"), "finding_code"),
				    "enum");
	FILE *f = fopen(fields, "r");
	static char md[1 << 18];
	size_t n = f ? fread(md, 1, sizeof md - 1, f) : 0;

	if (f)
		fclose(f);
	md[n] = '\0';
	CHECK(root && json_is_array(e) && json_array_size(e) == FND_COUNT);
	for (size_t i = 0; e && i < json_array_size(e); i++) {
		const char *v = json_string_value(json_array_get(e, i));
		CHECK(v && fnd_code_by_name(v, strlen(v)) >= 0);
	}
	CHECK(n > 0);
	for (unsigned c = 0; c < FND_COUNT; c++) {
		char row[64];
		snprintf(row, sizeof row, "| `%s` |", fnd_code_name(c));
		if (!strstr(md, row)) {
			tt_failures++;
			fprintf(stderr, "FIELDS.md has no row for %s\n", fnd_code_name(c));
		}
	}
	json_decref(root);
}

int main(int argc, char **argv)
{
	fnd_policy_defaults(&pol);
	if (argc == 3)
		test_contract(argv[1], argv[2]);
	test_names();
	test_clean();
	test_versions();
	test_suites();
	test_kx();
	test_extensions();
	test_client();
	test_certs();
	test_policy_effects();
	test_parse_valid();
	test_parse_errors();
	test_parse_prefixes();
	return TT_DONE();
}
