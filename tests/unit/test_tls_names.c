/*
 * Unit tests for parsers/tls_names.c: every table strictly sorted, binary
 * search agreeing with a linear scan for all 65536 codes, names that are safe
 * to emit, and spot checks against the IANA registries.
 *
 * The source is included rather than linked so that the static tables can be
 * inspected; the archive member of the core library is then not pulled in,
 * because every symbol it defines is already defined here.
 */
#include "../../parsers/tls_names.c"
#include "../../parsers/tls_hello.h"
#include "tt_test.h"

#include <ctype.h>

/* A name goes into JSON and into "side:message" strings unescaped by eye:
 * allow only letters, digits and _ . - */
static int name_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return 0;
	return 1;
}

static const char *linear(const struct tn_name *t, size_t n, uint16_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

static void check_table(const char *what, const struct tn_name *t, size_t n)
{
	size_t bad = 0;

	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && t[i - 1].code >= t[i].code) {
			fprintf(stderr, "%s: row %zu (0x%04x) not above row %zu (0x%04x)\n",
				what, i, t[i].code, i - 1, t[i - 1].code);
			bad++;
		}
		if (!name_ok(t[i].name)) {
			fprintf(stderr, "%s: bad name at 0x%04x\n", what, t[i].code);
			bad++;
		}
	}
	for (uint32_t c = 0; c <= 0xffff; c++)
		if (tn_find(t, n, (uint16_t)c) != linear(t, n, (uint16_t)c))
			bad++;
	CHECK(bad == 0);
}

static void test_sorted(void)
{
	size_t bad = 0;

	check_table("sigschemes", tn_sigschemes, TN_COUNT(tn_sigschemes));
	check_table("exts", tn_exts, TN_COUNT(tn_exts));
	check_table("alerts", tn_alerts, TN_COUNT(tn_alerts));
	check_table("hs_types", tn_hs_types, TN_COUNT(tn_hs_types));
	check_table("ec_point_formats", tn_ec_point_formats, TN_COUNT(tn_ec_point_formats));
	check_table("psk_modes", tn_psk_modes, TN_COUNT(tn_psk_modes));
	check_table("cert_compression", tn_cert_compression, TN_COUNT(tn_cert_compression));
	check_table("versions", tn_versions, TN_COUNT(tn_versions));

	/* Byte-wide registries must fit their lookup's argument. */
	CHECK(tn_alerts[TN_COUNT(tn_alerts) - 1].code <= 0xff);
	CHECK(tn_hs_types[TN_COUNT(tn_hs_types) - 1].code <= 0xff);
	CHECK(tn_ec_point_formats[TN_COUNT(tn_ec_point_formats) - 1].code <= 0xff);
	CHECK(tn_psk_modes[TN_COUNT(tn_psk_modes) - 1].code <= 0xff);

	for (size_t i = 0; i < TN_COUNT(tn_ciphers); i++) {
		const struct tn_cipher *c = &tn_ciphers[i];

		if (i > 0 && tn_ciphers[i - 1].code >= c->code) {
			fprintf(stderr, "ciphers: row %zu (0x%04x) out of order\n", i, c->code);
			bad++;
		}
		if (!name_ok(c->name) || c->kx >= TN_COUNT(tn_kx_names) || c->anon > 1)
			bad++;
		if (tn_find_cipher(c->code) != c)
			bad++;
	}
	CHECK(bad == 0);
	for (size_t k = 1; k < TN_COUNT(tn_kx_names); k++)
		CHECK(name_ok(tn_kx_names[k]));
}

static void test_ciphers(void)
{
	CHECK_STR(tls_cipher_name(0x0000), "TLS_NULL_WITH_NULL_NULL");
	CHECK_STR(tls_cipher_name(0x0003), "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
	CHECK_STR(tls_cipher_name(0x000a), "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	CHECK_STR(tls_cipher_name(0x002f), "TLS_RSA_WITH_AES_128_CBC_SHA");
	CHECK_STR(tls_cipher_name(0x009e), "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
	CHECK_STR(tls_cipher_name(0x00ff), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
	CHECK_STR(tls_cipher_name(0x1301), "TLS_AES_128_GCM_SHA256");
	CHECK_STR(tls_cipher_name(0x1303), "TLS_CHACHA20_POLY1305_SHA256");
	CHECK_STR(tls_cipher_name(0x1305), "TLS_AES_128_CCM_8_SHA256");
	CHECK_STR(tls_cipher_name(0x5600), "TLS_FALLBACK_SCSV");
	CHECK_STR(tls_cipher_name(0xc02b), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
	CHECK_STR(tls_cipher_name(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	CHECK_STR(tls_cipher_name(0xc030), "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	CHECK_STR(tls_cipher_name(0xc0aa), "TLS_PSK_DHE_WITH_AES_128_CCM_8");
	CHECK_STR(tls_cipher_name(0xc0b4), "TLS_SHA256_SHA256");
	CHECK_STR(tls_cipher_name(0xc0b5), "TLS_SHA384_SHA384");
	CHECK_STR(tls_cipher_name(0xc100), "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC");
	CHECK_STR(tls_cipher_name(0xc106), "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S");
	CHECK_STR(tls_cipher_name(0xcca8), "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
	CHECK_STR(tls_cipher_name(0xd005), "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256");
	CHECK(tls_cipher_name(0x001c) == NULL);   /* reserved, never named */
	CHECK(tls_cipher_name(0x0064) == NULL);
	CHECK(tls_cipher_name(0xd004) == NULL);
	CHECK(tls_cipher_name(0xffff) == NULL);
	for (unsigned hi = 0; hi < 16; hi++)
		CHECK(tls_cipher_name((uint16_t)(hi * 0x1010 + 0x0a0a)) == NULL);   /* GREASE */
}

static void test_kx(void)
{
	CHECK_STR(tls_cipher_kx(0xc02f), "ecdhe");
	CHECK_STR(tls_cipher_kx(0xcca9), "ecdhe");
	CHECK_STR(tls_cipher_kx(0x009e), "dhe");
	CHECK_STR(tls_cipher_kx(0x0014), "dhe");        /* DHE_RSA_EXPORT */
	CHECK_STR(tls_cipher_kx(0x0030), "dh");
	CHECK_STR(tls_cipher_kx(0xc004), "ecdh");
	CHECK_STR(tls_cipher_kx(0x002f), "rsa");
	CHECK_STR(tls_cipher_kx(0x0003), "rsa");        /* RSA_EXPORT */
	CHECK_STR(tls_cipher_kx(0x00a8), "psk");
	CHECK_STR(tls_cipher_kx(0x00aa), "dhe_psk");
	CHECK_STR(tls_cipher_kx(0xc0aa), "dhe_psk");    /* PSK_DHE spelling */
	CHECK_STR(tls_cipher_kx(0xd001), "ecdhe_psk");
	CHECK_STR(tls_cipher_kx(0x00ac), "rsa_psk");
	CHECK_STR(tls_cipher_kx(0x0034), "dh_anon");
	CHECK_STR(tls_cipher_kx(0xc018), "ecdh_anon");
	CHECK_STR(tls_cipher_kx(0xc01d), "srp");
	CHECK_STR(tls_cipher_kx(0x001e), "krb5");
	CHECK_STR(tls_cipher_kx(0xc0b0), "eccpwd");
	CHECK_STR(tls_cipher_kx(0xc100), "gost");
	CHECK(tls_cipher_kx(0x1301) == NULL);
	CHECK(tls_cipher_kx(0x1306) == NULL);
	CHECK(tls_cipher_kx(0x00c6) == NULL);           /* SM4 suites are TLS 1.3 */
	CHECK(tls_cipher_kx(0xc0b4) == NULL);
	CHECK(tls_cipher_kx(0xc103) == NULL);           /* TLS 1.3 GOST */
	CHECK(tls_cipher_kx(0x00ff) == NULL);
	CHECK(tls_cipher_kx(0x5600) == NULL);
	CHECK(tls_cipher_kx(0x0000) == NULL);
	CHECK(tls_cipher_kx(0x0a0a) == NULL);

	CHECK(!tls_cipher_is_anon_or_psk(0xc02f));
	CHECK(!tls_cipher_is_anon_or_psk(0x002f));
	CHECK(!tls_cipher_is_anon_or_psk(0x00ac));      /* RSA_PSK sends a certificate */
	CHECK(!tls_cipher_is_anon_or_psk(0xc01e));      /* SRP_SHA_RSA too */
	CHECK(!tls_cipher_is_anon_or_psk(0x1301));
	CHECK(!tls_cipher_is_anon_or_psk(0x0a0a));
	CHECK(tls_cipher_is_anon_or_psk(0x0034));
	CHECK(tls_cipher_is_anon_or_psk(0xc018));
	CHECK(tls_cipher_is_anon_or_psk(0x00a8));
	CHECK(tls_cipher_is_anon_or_psk(0xccad));
	CHECK(tls_cipher_is_anon_or_psk(0xd001));
	CHECK(tls_cipher_is_anon_or_psk(0xc01d));
	CHECK(tls_cipher_is_anon_or_psk(0x001e));
	CHECK(tls_cipher_is_anon_or_psk(0x0000));

	/* Every TLS <= 1.2 suite (not 0x13xx, not an SCSV) has a kx. */
	for (size_t i = 0; i < TN_COUNT(tn_ciphers); i++) {
		const struct tn_cipher *c = &tn_ciphers[i];
		int has_with = strstr(c->name, "_WITH_") != NULL;

		if (c->code == 0x0000)
			continue;
		/* TLS 1.3 suite names have no _WITH_, except the 1.3 GOST ones. */
		if (has_with && !(c->code >= 0xc103 && c->code <= 0xc106))
			CHECK(tls_cipher_kx(c->code) != NULL);
		else
			CHECK(tls_cipher_kx(c->code) == NULL);
	}
}

static void test_groups(void)
{
	CHECK_STR(tls_group_name(23), "secp256r1");
	CHECK_STR(tls_group_name(24), "secp384r1");
	CHECK_STR(tls_group_name(25), "secp521r1");
	CHECK_STR(tls_group_name(29), "x25519");
	CHECK_STR(tls_group_name(30), "x448");
	CHECK_STR(tls_group_name(1), "sect163k1");
	CHECK_STR(tls_group_name(26), "brainpoolP256r1");
	CHECK_STR(tls_group_name(33), "brainpoolP512r1tls13");
	CHECK_STR(tls_group_name(34), "GC256A");
	CHECK_STR(tls_group_name(41), "curveSM2");
	CHECK_STR(tls_group_name(256), "ffdhe2048");
	CHECK_STR(tls_group_name(260), "ffdhe8192");
	CHECK_STR(tls_group_name(0x0200), "MLKEM512");
	CHECK_STR(tls_group_name(0x0201), "MLKEM768");
	CHECK_STR(tls_group_name(0x0202), "MLKEM1024");
	CHECK_STR(tls_group_name(0x11eb), "SecP256r1MLKEM768");
	CHECK_STR(tls_group_name(0x11ec), "X25519MLKEM768");
	CHECK_STR(tls_group_name(0x11ed), "SecP384r1MLKEM1024");
	CHECK_STR(tls_group_name(0x6399), "X25519Kyber768Draft00");
	CHECK_STR(tls_group_name(0x639a), "SecP256r1Kyber768Draft00");
	CHECK_STR(tls_group_name(0xff01), "arbitrary_explicit_prime_curves");
	CHECK(tls_group_name(0) == NULL);
	CHECK(tls_group_name(42) == NULL);
	CHECK(tls_group_name(0x0a0a) == NULL);
	for (uint32_t c = 0; c <= 0xffff; c++)
		if (tls_is_grease((uint16_t)c))
			CHECK(tls_group_name((uint16_t)c) == NULL && tls_ext_name((uint16_t)c) == NULL &&
			      tls_sigscheme_name((uint16_t)c) == NULL &&
			      tls_version_name((uint16_t)c) == NULL);
}

static void test_sigschemes(void)
{
	CHECK_STR(tls_sigscheme_name(0x0401), "rsa_pkcs1_sha256");
	CHECK_STR(tls_sigscheme_name(0x0403), "ecdsa_secp256r1_sha256");
	CHECK_STR(tls_sigscheme_name(0x0804), "rsa_pss_rsae_sha256");
	CHECK_STR(tls_sigscheme_name(0x0809), "rsa_pss_pss_sha256");
	CHECK_STR(tls_sigscheme_name(0x0807), "ed25519");
	CHECK_STR(tls_sigscheme_name(0x0808), "ed448");
	CHECK_STR(tls_sigscheme_name(0x0201), "rsa_pkcs1_sha1");
	CHECK_STR(tls_sigscheme_name(0x0203), "ecdsa_sha1");
	CHECK_STR(tls_sigscheme_name(0x0101), "rsa_md5");
	CHECK_STR(tls_sigscheme_name(0x0202), "dsa_sha1");
	CHECK_STR(tls_sigscheme_name(0x0402), "dsa_sha256");
	CHECK_STR(tls_sigscheme_name(0x0303), "ecdsa_sha224");
	CHECK_STR(tls_sigscheme_name(0x081a), "ecdsa_brainpoolP256r1tls13_sha256");
	CHECK_STR(tls_sigscheme_name(0x0708), "sm2sig_sm3");
	CHECK_STR(tls_sigscheme_name(0x0709), "gostr34102012_256a");
	CHECK_STR(tls_sigscheme_name(0x0840), "gostr34102012_256");
	CHECK_STR(tls_sigscheme_name(0x0904), "mldsa44");
	CHECK_STR(tls_sigscheme_name(0x0906), "mldsa87");
	CHECK(tls_sigscheme_name(0x0000) == NULL);
	CHECK(tls_sigscheme_name(0x0907) == NULL);
}

static void test_exts(void)
{
	CHECK_STR(tls_ext_name(0), "server_name");
	CHECK_STR(tls_ext_name(10), "supported_groups");
	CHECK_STR(tls_ext_name(16), "application_layer_protocol_negotiation");
	CHECK_STR(tls_ext_name(21), "padding");
	CHECK_STR(tls_ext_name(35), "session_ticket");
	CHECK_STR(tls_ext_name(43), "supported_versions");
	CHECK_STR(tls_ext_name(51), "key_share");
	CHECK_STR(tls_ext_name(57), "quic_transport_parameters");
	CHECK(tls_ext_name(63) == NULL);
	CHECK_STR(tls_ext_name(17513), "application_settings");
	CHECK_STR(tls_ext_name(17613), "application_settings");
	CHECK_STR(tls_ext_name(0xfd00), "ech_outer_extensions");
	CHECK_STR(tls_ext_name(0xfe0d), "encrypted_client_hello");
	CHECK_STR(tls_ext_name(0xff01), "renegotiation_info");
	CHECK(tls_ext_name(40) == NULL);
	CHECK(tls_ext_name(46) == NULL);
	CHECK(tls_ext_name(0xffff) == NULL);
}

static void test_small_registries(void)
{
	CHECK_STR(tls_alert_name(0), "close_notify");
	CHECK_STR(tls_alert_name(40), "handshake_failure");
	CHECK_STR(tls_alert_name(48), "unknown_ca");
	CHECK_STR(tls_alert_name(116), "certificate_required");
	CHECK_STR(tls_alert_name(120), "no_application_protocol");
	CHECK_STR(tls_alert_name(121), "ech_required");
	CHECK(tls_alert_name(1) == NULL);
	CHECK(tls_alert_name(255) == NULL);
	/* The direct indexes hold every row of their tables and nothing else. */
	{
		unsigned hs = 0, al = 0;
		for (unsigned c = 0; c < 256; c++) {
			hs += tls_hs_name((uint8_t)c) != NULL;
			al += tls_alert_name((uint8_t)c) != NULL;
		}
		CHECK(hs == 25);
		CHECK(al == 37);
		CHECK_STR(tls_hs_name(254), "message_hash");
		CHECK_STR(tls_hs_name(0), "hello_request");
		CHECK(tls_hs_name(7) == NULL);
	}

	CHECK_STR(tls_hs_name(1), "client_hello");
	CHECK_STR(tls_hs_name(2), "server_hello");
	CHECK_STR(tls_hs_name(3), "hello_verify_request");
	CHECK_STR(tls_hs_name(4), "new_session_ticket");
	CHECK_STR(tls_hs_name(5), "end_of_early_data");
	CHECK_STR(tls_hs_name(6), "hello_retry_request");
	CHECK_STR(tls_hs_name(8), "encrypted_extensions");
	CHECK_STR(tls_hs_name(11), "certificate");
	CHECK_STR(tls_hs_name(12), "server_key_exchange");
	CHECK_STR(tls_hs_name(13), "certificate_request");
	CHECK_STR(tls_hs_name(14), "server_hello_done");
	CHECK_STR(tls_hs_name(15), "certificate_verify");
	CHECK_STR(tls_hs_name(16), "client_key_exchange");
	CHECK_STR(tls_hs_name(20), "finished");
	CHECK_STR(tls_hs_name(24), "key_update");
	CHECK_STR(tls_hs_name(25), "compressed_certificate");
	CHECK_STR(tls_hs_name(254), "message_hash");
	CHECK(tls_hs_name(7) == NULL);
	CHECK(tls_hs_name(255) == NULL);

	CHECK_STR(tls_ec_point_format_name(0), "uncompressed");
	CHECK_STR(tls_ec_point_format_name(2), "ansiX962_compressed_char2");
	CHECK(tls_ec_point_format_name(3) == NULL);
	CHECK_STR(tls_psk_mode_name(0), "psk_ke");
	CHECK_STR(tls_psk_mode_name(1), "psk_dhe_ke");
	CHECK(tls_psk_mode_name(2) == NULL);
	CHECK_STR(tls_cert_compression_name(1), "zlib");
	CHECK_STR(tls_cert_compression_name(2), "brotli");
	CHECK_STR(tls_cert_compression_name(3), "zstd");
	CHECK(tls_cert_compression_name(0) == NULL);
}

static void test_versions(void)
{
	CHECK_STR(tls_version_name(0x0002), "2.0");
	CHECK_STR(tls_version_name(0x0300), "3.0");
	CHECK_STR(tls_version_name(0x0301), "1.0");
	CHECK_STR(tls_version_name(0x0302), "1.1");
	CHECK_STR(tls_version_name(0x0303), "1.2");
	CHECK_STR(tls_version_name(0x0304), "1.3");
	CHECK_STR(tls_version_name(0x7f12), "1.3-draft18");
	CHECK_STR(tls_version_name(0x7f17), "1.3-draft23");
	CHECK_STR(tls_version_name(0x7f1c), "1.3-draft28");
	CHECK_STR(tls_version_name(0xfb1a), "1.3-draft26-fb");
	CHECK_STR(tls_version_name(0xfeff), "dtls1.0");
	CHECK_STR(tls_version_name(0xfefd), "dtls1.2");
	CHECK_STR(tls_version_name(0xfefc), "dtls1.3");
	CHECK(tls_version_name(0x0305) == NULL);
	CHECK(tls_version_name(0x7f00) == NULL);
	CHECK(tls_version_name(0x7f1d) == NULL);
	CHECK(tls_version_name(0xfefe) == NULL);
}

/* The emitter copies names without escaping them (jw_name): every name of
 * every registry must be printable ASCII without quote or backslash. */
static int plain(const char *n)
{
	for (; n && *n; n++)
		if ((unsigned char)*n < 0x21 || (unsigned char)*n > 0x7e || *n == '"' || *n == '\\')
			return 0;
	return 1;
}

static void test_plain_names(void)
{
	int bad = 0;

	for (uint32_t v = 0; v <= 0xffff; v++) {
		bad += !plain(tls_cipher_name((uint16_t)v)) + !plain(tls_group_name((uint16_t)v)) +
		       !plain(tls_sigscheme_name((uint16_t)v)) + !plain(tls_ext_name((uint16_t)v)) +
		       !plain(tls_version_name((uint16_t)v)) + !plain(tls_cipher_kx((uint16_t)v)) +
		       !plain(tls_cert_compression_name((uint16_t)v));
		if (v < 256)
			bad += !plain(tls_alert_name((uint8_t)v)) + !plain(tls_hs_name((uint8_t)v)) +
			       !plain(tls_ec_point_format_name((uint8_t)v)) +
			       !plain(tls_psk_mode_name((uint8_t)v));
	}
	CHECK(bad == 0);
}

/* The property column agrees with what each IANA name says, read here
 * independently of the one-off script that filled the column. */
static unsigned props_from_name(const char *n, uint8_t kx)
{
	unsigned p = 0;

	if (strstr(n, "EXPORT"))
		p |= TLS_CIPHER_EXPORT;
	if (strstr(n, "_WITH_NULL_") || strcmp(n, "TLS_SHA256_SHA256") == 0 ||
	    strcmp(n, "TLS_SHA384_SHA384") == 0)
		p |= TLS_CIPHER_NULL;
	if (strstr(n, "_RC4_"))
		p |= TLS_CIPHER_RC4;
	if (strstr(n, "_3DES_EDE_"))
		p |= TLS_CIPHER_3DES;
	else if (strstr(n, "_DES_") || strstr(n, "_DES40_"))
		p |= TLS_CIPHER_DES;
	if (strstr(n, "_CBC"))
		p |= TLS_CIPHER_CBC;
	if (kx == KX_RSA || kx == KX_DH || kx == KX_ECDH || kx == KX_PSK || kx == KX_RSA_PSK ||
	    kx == KX_KRB5 || kx == KX_GOST)
		p |= TLS_CIPHER_NO_FS;
	if (kx == KX_DH_ANON || kx == KX_ECDH_ANON)
		p |= TLS_CIPHER_ANON_KX;
	return p;
}

static void test_cipher_props(void)
{
	size_t bad = 0;
	unsigned p;

	for (size_t i = 0; i < TN_COUNT(tn_ciphers); i++) {
		const struct tn_cipher *c = &tn_ciphers[i];
		if (tls_cipher_props(c->code) != props_from_name(c->name, c->kx)) {
			fprintf(stderr, "cipher props of %s: 0x%x, name says 0x%x\n", c->name,
				tls_cipher_props(c->code), props_from_name(c->name, c->kx));
			bad++;
		}
	}
	CHECK(bad == 0);
	CHECK(tls_cipher_props(0x000a) == (TLS_CIPHER_3DES | TLS_CIPHER_CBC | TLS_CIPHER_NO_FS));
	CHECK(tls_cipher_props(0x0003) == (TLS_CIPHER_EXPORT | TLS_CIPHER_RC4 | TLS_CIPHER_NO_FS));
	CHECK(tls_cipher_props(0x0018) == (TLS_CIPHER_RC4 | TLS_CIPHER_ANON_KX));
	CHECK(tls_cipher_props(0x002f) == (TLS_CIPHER_CBC | TLS_CIPHER_NO_FS));
	CHECK(tls_cipher_props(0x0033) == TLS_CIPHER_CBC);
	CHECK(tls_cipher_props(0xc014) == TLS_CIPHER_CBC);
	CHECK(tls_cipher_props(0xc030) == 0);
	CHECK(tls_cipher_props(0x009c) == TLS_CIPHER_NO_FS);
	CHECK(tls_cipher_props(0xc02f) == 0);
	CHECK(tls_cipher_props(0x1301) == 0);
	CHECK(tls_cipher_props(0x0000) == TLS_CIPHER_NULL);
	CHECK(tls_cipher_props(0x00ff) == 0);      /* SCSV */
	CHECK(tls_cipher_props(0x5600) == 0);
	CHECK(tls_cipher_props(0xfefe) == 0);      /* unknown */
	CHECK(tls_cipher_props(0xc0b4) == TLS_CIPHER_NULL);
	CHECK(tls_cipher_props(0xc005) == (TLS_CIPHER_CBC | TLS_CIPHER_NO_FS)); /* ECDH_ECDSA */

	CHECK_STR(tls_v2_cipher_name(0x0700c0, &p), "SSL_CK_DES_192_EDE3_CBC_WITH_MD5");
	CHECK(p == (TLS_CIPHER_3DES | TLS_CIPHER_CBC | TLS_CIPHER_NO_FS));
	CHECK_STR(tls_v2_cipher_name(0x020080, &p), "SSL_CK_RC4_128_EXPORT40_WITH_MD5");
	CHECK(p == (TLS_CIPHER_RC4 | TLS_CIPHER_EXPORT | TLS_CIPHER_NO_FS));
	CHECK(tls_v2_cipher_name(0x123456, &p) == NULL);
	CHECK(p == TLS_CIPHER_NO_FS);
}

static void test_group_kinds(void)
{
	size_t bad = 0;
	uint32_t bits;

	for (size_t i = 0; i < TN_COUNT(tn_groups); i++) {
		const struct tn_group *g = &tn_groups[i];
		if ((i > 0 && tn_groups[i - 1].code >= g->code) || !name_ok(g->name) ||
		    tn_find_group(g->code) != g)
			bad++;
		/* a size exactly when the group has one */
		if ((g->kind == GK_EC || g->kind == GK_FFDHE) != (g->bits != 0))
			bad++;
	}
	CHECK(bad == 0);
	CHECK(tls_group_kind(23, &bits) == TLS_GROUP_EC && bits == 256);
	CHECK(tls_group_kind(19, &bits) == TLS_GROUP_EC && bits == 192);
	CHECK(tls_group_kind(15, &bits) == TLS_GROUP_EC && bits == 160);
	CHECK(tls_group_kind(29, &bits) == TLS_GROUP_EC && bits == 255);
	CHECK(tls_group_kind(256, &bits) == TLS_GROUP_FFDHE && bits == 2048);
	CHECK(tls_group_kind(260, &bits) == TLS_GROUP_FFDHE && bits == 8192);
	CHECK(tls_group_kind(4588, &bits) == TLS_GROUP_KEM && bits == 0);
	CHECK(tls_group_kind(65281, &bits) == TLS_GROUP_EXPLICIT && bits == 0);
	CHECK(tls_group_kind(0x0a0a, &bits) == TLS_GROUP_UNKNOWN && bits == 0);
	CHECK_STR(tls_group_name(25), "secp521r1");
}

static void test_legacy_hash(void)
{
	CHECK(tls_sigscheme_legacy_hash(0x0101) == 1);  /* rsa_md5 */
	CHECK(tls_sigscheme_legacy_hash(0x0201) == 2);  /* rsa_pkcs1_sha1 */
	CHECK(tls_sigscheme_legacy_hash(0x0202) == 2);  /* dsa_sha1 */
	CHECK(tls_sigscheme_legacy_hash(0x0203) == 2);  /* ecdsa_sha1 */
	CHECK(tls_sigscheme_legacy_hash(0x0401) == 0);
	CHECK(tls_sigscheme_legacy_hash(0x0804) == 0);
	CHECK(tls_sigscheme_legacy_hash(0x0204) == 0);  /* not a signature code */
	CHECK(tls_sigscheme_legacy_hash(0x0100) == 0);
	CHECK(tls_sigscheme_legacy_hash(0x0807) == 0);
}

int main(void)
{
	test_cipher_props();
	test_group_kinds();
	test_legacy_hash();
	test_plain_names();
	test_sorted();
	test_ciphers();
	test_kx();
	test_groups();
	test_sigschemes();
	test_exts();
	test_small_registries();
	test_versions();
	return TT_DONE();
}
