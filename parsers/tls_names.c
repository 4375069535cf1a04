/*
 * tls_names.c - IANA registry names as data: one sorted table per registry,
 * looked up by binary search.
 *
 * Sources: the IANA "Transport Layer Security (TLS) Parameters" registry
 * group (Cipher Suites, Supported Groups, SignatureScheme, Alerts,
 * HandshakeType, EC Point Formats, PskKeyExchangeMode) and the "TLS
 * Extensions" group (ExtensionType Values, Certificate Compression Algorithm
 * IDs), as published in 2025-2026.  Names are IANA's "Description" column
 * unchanged, with three kinds of exception, each marked where it occurs:
 *   - codes IANA lists only as "Reserved for backward compatibility" in the
 *     SignatureScheme registry are the TLS 1.2 SignatureAndHashAlgorithm
 *     pairs (RFC 5246 7.4.1.4.1); they get "<signature>_<hash>" names;
 *   - a few de facto codes that browsers send but IANA never assigned;
 *   - annotations such as "(OBSOLETE)" are dropped from names.
 * GREASE values (RFC 8701) are deliberately absent: callers test
 * tls_is_grease() first.
 *
 *     table:  +--------+--------+   +--------+--------+
 *             | code 0 | name 0 |...| code n | name n |   code strictly rising
 *             +--------+--------+   +--------+--------+
 *
 * A unit test checks that every table is strictly sorted, so adding a row in
 * the wrong place fails the build's tests rather than a lookup at run time.
 */
#include "tls_names.h"

#include <pthread.h>
#include <stddef.h>

struct tn_name {
	uint16_t code;
	const char *name;
};

/* Key exchange of a TLS <= 1.2 suite, stored per row: the session asks once
 * per handshake, and a stored byte beats re-parsing the name. */
enum tn_kx {
	KX_NONE = 0,    /* TLS 1.3 suites, SCSVs, NULL_WITH_NULL_NULL */
	KX_RSA,
	KX_DHE,
	KX_DH,
	KX_ECDHE,
	KX_ECDH,
	KX_PSK,
	KX_DHE_PSK,
	KX_ECDHE_PSK,
	KX_RSA_PSK,
	KX_DH_ANON,
	KX_ECDH_ANON,
	KX_SRP,
	KX_KRB5,
	KX_ECCPWD,
	KX_GOST,
};

static const char *const tn_kx_names[] = {
	[KX_NONE] = NULL,
	[KX_RSA] = "rsa",
	[KX_DHE] = "dhe",
	[KX_DH] = "dh",
	[KX_ECDHE] = "ecdhe",
	[KX_ECDH] = "ecdh",
	[KX_PSK] = "psk",
	[KX_DHE_PSK] = "dhe_psk",
	[KX_ECDHE_PSK] = "ecdhe_psk",
	[KX_RSA_PSK] = "rsa_psk",
	[KX_DH_ANON] = "dh_anon",
	[KX_ECDH_ANON] = "ecdh_anon",
	[KX_SRP] = "srp",
	[KX_KRB5] = "krb5",
	[KX_ECCPWD] = "eccpwd",
	[KX_GOST] = "gost",
};

/* anon: the suite does not authenticate the server with a certificate
 * (anonymous DH/ECDH, plain PSK, DHE/ECDHE-PSK, SRP without RSA/DSS,
 * Kerberos, ECCPWD, NULL_WITH_NULL_NULL).  RSA_PSK and SRP_SHA_RSA/DSS do
 * send a certificate. */
struct tn_cipher {
	uint16_t code;
	uint8_t kx;             /* enum tn_kx */
	uint8_t anon;
	uint8_t cp;             /* CP_* bits: the bulk cipher's weaknesses */
	const char *name;
};

/* Bulk cipher properties per row (the TLS_CIPHER_* bits of tls_names.h
 * without the key exchange ones, which come from the kx column).  They were
 * read off the IANA names once when the column was added; test_tls_names
 * checks every row against its name again. */
#define CP_CBC    TLS_CIPHER_CBC
#define CP_RC4    TLS_CIPHER_RC4
#define CP_3DES   TLS_CIPHER_3DES
#define CP_DES    TLS_CIPHER_DES
#define CP_NULL   TLS_CIPHER_NULL
#define CP_EXPORT TLS_CIPHER_EXPORT

/* TLS Cipher Suites.  Left out on purpose: 0x001C-0x001D (reserved, SSLv3
 * Fortezza), 0x0047-0x005C and 0x0060-0x0066 (reserved "to avoid conflicts
 * with deployed implementations": the expired EXPORT1024 drafts), 0xFEFE-
 * 0xFEFF (reserved), 0xFF00-0xFFFF (private use); IANA gives them no name. */
static const struct tn_cipher tn_ciphers[] = {
	{ 0x0000, KX_NONE, 1, CP_NULL, "TLS_NULL_WITH_NULL_NULL" },
	{ 0x0001, KX_RSA, 0, CP_NULL, "TLS_RSA_WITH_NULL_MD5" },
	{ 0x0002, KX_RSA, 0, CP_NULL, "TLS_RSA_WITH_NULL_SHA" },
	{ 0x0003, KX_RSA, 0, CP_EXPORT | CP_RC4, "TLS_RSA_EXPORT_WITH_RC4_40_MD5" },
	{ 0x0004, KX_RSA, 0, CP_RC4, "TLS_RSA_WITH_RC4_128_MD5" },
	{ 0x0005, KX_RSA, 0, CP_RC4, "TLS_RSA_WITH_RC4_128_SHA" },
	{ 0x0006, KX_RSA, 0, CP_EXPORT | CP_CBC, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5" },
	{ 0x0007, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_IDEA_CBC_SHA" },
	{ 0x0008, KX_RSA, 0, CP_EXPORT | CP_DES | CP_CBC, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x0009, KX_RSA, 0, CP_DES | CP_CBC, "TLS_RSA_WITH_DES_CBC_SHA" },
	{ 0x000a, KX_RSA, 0, CP_3DES | CP_CBC, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x000b, KX_DH, 0, CP_EXPORT | CP_DES | CP_CBC, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x000c, KX_DH, 0, CP_DES | CP_CBC, "TLS_DH_DSS_WITH_DES_CBC_SHA" },
	{ 0x000d, KX_DH, 0, CP_3DES | CP_CBC, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0x000e, KX_DH, 0, CP_EXPORT | CP_DES | CP_CBC, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x000f, KX_DH, 0, CP_DES | CP_CBC, "TLS_DH_RSA_WITH_DES_CBC_SHA" },
	{ 0x0010, KX_DH, 0, CP_3DES | CP_CBC, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0011, KX_DHE, 0, CP_EXPORT | CP_DES | CP_CBC, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x0012, KX_DHE, 0, CP_DES | CP_CBC, "TLS_DHE_DSS_WITH_DES_CBC_SHA" },
	{ 0x0013, KX_DHE, 0, CP_3DES | CP_CBC, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0014, KX_DHE, 0, CP_EXPORT | CP_DES | CP_CBC, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x0015, KX_DHE, 0, CP_DES | CP_CBC, "TLS_DHE_RSA_WITH_DES_CBC_SHA" },
	{ 0x0016, KX_DHE, 0, CP_3DES | CP_CBC, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0017, KX_DH_ANON, 1, CP_EXPORT | CP_RC4, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5" },
	{ 0x0018, KX_DH_ANON, 1, CP_RC4, "TLS_DH_anon_WITH_RC4_128_MD5" },
	{ 0x0019, KX_DH_ANON, 1, CP_EXPORT | CP_DES | CP_CBC, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x001a, KX_DH_ANON, 1, CP_DES | CP_CBC, "TLS_DH_anon_WITH_DES_CBC_SHA" },
	{ 0x001b, KX_DH_ANON, 1, CP_3DES | CP_CBC, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA" },
	{ 0x001e, KX_KRB5, 1, CP_DES | CP_CBC, "TLS_KRB5_WITH_DES_CBC_SHA" },
	{ 0x001f, KX_KRB5, 1, CP_3DES | CP_CBC, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0020, KX_KRB5, 1, CP_RC4, "TLS_KRB5_WITH_RC4_128_SHA" },
	{ 0x0021, KX_KRB5, 1, CP_CBC, "TLS_KRB5_WITH_IDEA_CBC_SHA" },
	{ 0x0022, KX_KRB5, 1, CP_DES | CP_CBC, "TLS_KRB5_WITH_DES_CBC_MD5" },
	{ 0x0023, KX_KRB5, 1, CP_3DES | CP_CBC, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5" },
	{ 0x0024, KX_KRB5, 1, CP_RC4, "TLS_KRB5_WITH_RC4_128_MD5" },
	{ 0x0025, KX_KRB5, 1, CP_CBC, "TLS_KRB5_WITH_IDEA_CBC_MD5" },
	{ 0x0026, KX_KRB5, 1, CP_EXPORT | CP_DES | CP_CBC, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA" },
	{ 0x0027, KX_KRB5, 1, CP_EXPORT | CP_CBC, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA" },
	{ 0x0028, KX_KRB5, 1, CP_EXPORT | CP_RC4, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA" },
	{ 0x0029, KX_KRB5, 1, CP_EXPORT | CP_DES | CP_CBC, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5" },
	{ 0x002a, KX_KRB5, 1, CP_EXPORT | CP_CBC, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5" },
	{ 0x002b, KX_KRB5, 1, CP_EXPORT | CP_RC4, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5" },
	{ 0x002c, KX_PSK, 1, CP_NULL, "TLS_PSK_WITH_NULL_SHA" },
	{ 0x002d, KX_DHE_PSK, 1, CP_NULL, "TLS_DHE_PSK_WITH_NULL_SHA" },
	{ 0x002e, KX_RSA_PSK, 0, CP_NULL, "TLS_RSA_PSK_WITH_NULL_SHA" },
	{ 0x002f, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0030, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_AES_128_CBC_SHA" },
	{ 0x0031, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0032, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA" },
	{ 0x0033, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0034, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_AES_128_CBC_SHA" },
	{ 0x0035, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x0036, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_AES_256_CBC_SHA" },
	{ 0x0037, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x0038, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA" },
	{ 0x0039, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x003a, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_AES_256_CBC_SHA" },
	{ 0x003b, KX_RSA, 0, CP_NULL, "TLS_RSA_WITH_NULL_SHA256" },
	{ 0x003c, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x003d, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x003e, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256" },
	{ 0x003f, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x0040, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256" },
	{ 0x0041, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0042, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0043, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0044, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0045, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0046, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0067, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x0068, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256" },
	{ 0x0069, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x006a, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256" },
	{ 0x006b, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x006c, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_AES_128_CBC_SHA256" },
	{ 0x006d, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_AES_256_CBC_SHA256" },
	{ 0x0084, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0085, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0086, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0087, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0088, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0089, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x008a, KX_PSK, 1, CP_RC4, "TLS_PSK_WITH_RC4_128_SHA" },
	{ 0x008b, KX_PSK, 1, CP_3DES | CP_CBC, "TLS_PSK_WITH_3DES_EDE_CBC_SHA" },
	{ 0x008c, KX_PSK, 1, CP_CBC, "TLS_PSK_WITH_AES_128_CBC_SHA" },
	{ 0x008d, KX_PSK, 1, CP_CBC, "TLS_PSK_WITH_AES_256_CBC_SHA" },
	{ 0x008e, KX_DHE_PSK, 1, CP_RC4, "TLS_DHE_PSK_WITH_RC4_128_SHA" },
	{ 0x008f, KX_DHE_PSK, 1, CP_3DES | CP_CBC, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0090, KX_DHE_PSK, 1, CP_CBC, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA" },
	{ 0x0091, KX_DHE_PSK, 1, CP_CBC, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA" },
	{ 0x0092, KX_RSA_PSK, 0, CP_RC4, "TLS_RSA_PSK_WITH_RC4_128_SHA" },
	{ 0x0093, KX_RSA_PSK, 0, CP_3DES | CP_CBC, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0094, KX_RSA_PSK, 0, CP_CBC, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA" },
	{ 0x0095, KX_RSA_PSK, 0, CP_CBC, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA" },
	{ 0x0096, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_SEED_CBC_SHA" },
	{ 0x0097, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_SEED_CBC_SHA" },
	{ 0x0098, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_SEED_CBC_SHA" },
	{ 0x0099, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_SEED_CBC_SHA" },
	{ 0x009a, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_SEED_CBC_SHA" },
	{ 0x009b, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_SEED_CBC_SHA" },
	{ 0x009c, KX_RSA, 0, 0, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009d, KX_RSA, 0, 0, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x009e, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009f, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x00a0, KX_DH, 0, 0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x00a1, KX_DH, 0, 0, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x00a2, KX_DHE, 0, 0, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256" },
	{ 0x00a3, KX_DHE, 0, 0, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384" },
	{ 0x00a4, KX_DH, 0, 0, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256" },
	{ 0x00a5, KX_DH, 0, 0, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384" },
	{ 0x00a6, KX_DH_ANON, 1, 0, "TLS_DH_anon_WITH_AES_128_GCM_SHA256" },
	{ 0x00a7, KX_DH_ANON, 1, 0, "TLS_DH_anon_WITH_AES_256_GCM_SHA384" },
	{ 0x00a8, KX_PSK, 1, 0, "TLS_PSK_WITH_AES_128_GCM_SHA256" },
	{ 0x00a9, KX_PSK, 1, 0, "TLS_PSK_WITH_AES_256_GCM_SHA384" },
	{ 0x00aa, KX_DHE_PSK, 1, 0, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256" },
	{ 0x00ab, KX_DHE_PSK, 1, 0, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384" },
	{ 0x00ac, KX_RSA_PSK, 0, 0, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256" },
	{ 0x00ad, KX_RSA_PSK, 0, 0, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384" },
	{ 0x00ae, KX_PSK, 1, CP_CBC, "TLS_PSK_WITH_AES_128_CBC_SHA256" },
	{ 0x00af, KX_PSK, 1, CP_CBC, "TLS_PSK_WITH_AES_256_CBC_SHA384" },
	{ 0x00b0, KX_PSK, 1, CP_NULL, "TLS_PSK_WITH_NULL_SHA256" },
	{ 0x00b1, KX_PSK, 1, CP_NULL, "TLS_PSK_WITH_NULL_SHA384" },
	{ 0x00b2, KX_DHE_PSK, 1, CP_CBC, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256" },
	{ 0x00b3, KX_DHE_PSK, 1, CP_CBC, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384" },
	{ 0x00b4, KX_DHE_PSK, 1, CP_NULL, "TLS_DHE_PSK_WITH_NULL_SHA256" },
	{ 0x00b5, KX_DHE_PSK, 1, CP_NULL, "TLS_DHE_PSK_WITH_NULL_SHA384" },
	{ 0x00b6, KX_RSA_PSK, 0, CP_CBC, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256" },
	{ 0x00b7, KX_RSA_PSK, 0, CP_CBC, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384" },
	{ 0x00b8, KX_RSA_PSK, 0, CP_NULL, "TLS_RSA_PSK_WITH_NULL_SHA256" },
	{ 0x00b9, KX_RSA_PSK, 0, CP_NULL, "TLS_RSA_PSK_WITH_NULL_SHA384" },
	{ 0x00ba, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00bb, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00bc, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00bd, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00be, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00bf, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00c0, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c1, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c2, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c3, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c4, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c5, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c6, KX_NONE, 0, 0, "TLS_SM4_GCM_SM3" },
	{ 0x00c7, KX_NONE, 0, 0, "TLS_SM4_CCM_SM3" },
	{ 0x00ff, KX_NONE, 0, 0, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
	{ 0x1301, KX_NONE, 0, 0, "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, KX_NONE, 0, 0, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, KX_NONE, 0, 0, "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, KX_NONE, 0, 0, "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, KX_NONE, 0, 0, "TLS_AES_128_CCM_8_SHA256" },
	{ 0x1306, KX_NONE, 0, 0, "TLS_AEGIS_256_SHA512" },
	{ 0x1307, KX_NONE, 0, 0, "TLS_AEGIS_128L_SHA256" },
	{ 0x5600, KX_NONE, 0, 0, "TLS_FALLBACK_SCSV" },
	{ 0xc001, KX_ECDH, 0, CP_NULL, "TLS_ECDH_ECDSA_WITH_NULL_SHA" },
	{ 0xc002, KX_ECDH, 0, CP_RC4, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA" },
	{ 0xc003, KX_ECDH, 0, CP_3DES | CP_CBC, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc004, KX_ECDH, 0, CP_CBC, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA" },
	{ 0xc005, KX_ECDH, 0, CP_CBC, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA" },
	{ 0xc006, KX_ECDHE, 0, CP_NULL, "TLS_ECDHE_ECDSA_WITH_NULL_SHA" },
	{ 0xc007, KX_ECDHE, 0, CP_RC4, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA" },
	{ 0xc008, KX_ECDHE, 0, CP_3DES | CP_CBC, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc009, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
	{ 0xc00a, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
	{ 0xc00b, KX_ECDH, 0, CP_NULL, "TLS_ECDH_RSA_WITH_NULL_SHA" },
	{ 0xc00c, KX_ECDH, 0, CP_RC4, "TLS_ECDH_RSA_WITH_RC4_128_SHA" },
	{ 0xc00d, KX_ECDH, 0, CP_3DES | CP_CBC, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc00e, KX_ECDH, 0, CP_CBC, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xc00f, KX_ECDH, 0, CP_CBC, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xc010, KX_ECDHE, 0, CP_NULL, "TLS_ECDHE_RSA_WITH_NULL_SHA" },
	{ 0xc011, KX_ECDHE, 0, CP_RC4, "TLS_ECDHE_RSA_WITH_RC4_128_SHA" },
	{ 0xc012, KX_ECDHE, 0, CP_3DES | CP_CBC, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc013, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xc014, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xc015, KX_ECDH_ANON, 1, CP_NULL, "TLS_ECDH_anon_WITH_NULL_SHA" },
	{ 0xc016, KX_ECDH_ANON, 1, CP_RC4, "TLS_ECDH_anon_WITH_RC4_128_SHA" },
	{ 0xc017, KX_ECDH_ANON, 1, CP_3DES | CP_CBC, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc018, KX_ECDH_ANON, 1, CP_CBC, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA" },
	{ 0xc019, KX_ECDH_ANON, 1, CP_CBC, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA" },
	{ 0xc01a, KX_SRP, 1, CP_3DES | CP_CBC, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc01b, KX_SRP, 0, CP_3DES | CP_CBC, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc01c, KX_SRP, 0, CP_3DES | CP_CBC, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc01d, KX_SRP, 1, CP_CBC, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA" },
	{ 0xc01e, KX_SRP, 0, CP_CBC, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xc01f, KX_SRP, 0, CP_CBC, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA" },
	{ 0xc020, KX_SRP, 1, CP_CBC, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA" },
	{ 0xc021, KX_SRP, 0, CP_CBC, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xc022, KX_SRP, 0, CP_CBC, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA" },
	{ 0xc023, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc024, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc025, KX_ECDH, 0, CP_CBC, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc026, KX_ECDH, 0, CP_CBC, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc027, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc028, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc029, KX_ECDH, 0, CP_CBC, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc02a, KX_ECDH, 0, CP_CBC, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc02b, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc02c, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc02d, KX_ECDH, 0, 0, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc02e, KX_ECDH, 0, 0, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc02f, KX_ECDHE, 0, 0, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc030, KX_ECDHE, 0, 0, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc031, KX_ECDH, 0, 0, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc032, KX_ECDH, 0, 0, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc033, KX_ECDHE_PSK, 1, CP_RC4, "TLS_ECDHE_PSK_WITH_RC4_128_SHA" },
	{ 0xc034, KX_ECDHE_PSK, 1, CP_3DES | CP_CBC, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc035, KX_ECDHE_PSK, 1, CP_CBC, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA" },
	{ 0xc036, KX_ECDHE_PSK, 1, CP_CBC, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA" },
	{ 0xc037, KX_ECDHE_PSK, 1, CP_CBC, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256" },
	{ 0xc038, KX_ECDHE_PSK, 1, CP_CBC, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384" },
	{ 0xc039, KX_ECDHE_PSK, 1, CP_NULL, "TLS_ECDHE_PSK_WITH_NULL_SHA" },
	{ 0xc03a, KX_ECDHE_PSK, 1, CP_NULL, "TLS_ECDHE_PSK_WITH_NULL_SHA256" },
	{ 0xc03b, KX_ECDHE_PSK, 1, CP_NULL, "TLS_ECDHE_PSK_WITH_NULL_SHA384" },
	{ 0xc03c, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc03d, KX_RSA, 0, CP_CBC, "TLS_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc03e, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc03f, KX_DH, 0, CP_CBC, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc040, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc041, KX_DH, 0, CP_CBC, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc042, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc043, KX_DHE, 0, CP_CBC, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc044, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc045, KX_DHE, 0, CP_CBC, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc046, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc047, KX_DH_ANON, 1, CP_CBC, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc048, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc049, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc04a, KX_ECDH, 0, CP_CBC, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc04b, KX_ECDH, 0, CP_CBC, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc04c, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc04d, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc04e, KX_ECDH, 0, CP_CBC, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc04f, KX_ECDH, 0, CP_CBC, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc050, KX_RSA, 0, 0, "TLS_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc051, KX_RSA, 0, 0, "TLS_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc052, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc053, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc054, KX_DH, 0, 0, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc055, KX_DH, 0, 0, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc056, KX_DHE, 0, 0, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc057, KX_DHE, 0, 0, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc058, KX_DH, 0, 0, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc059, KX_DH, 0, 0, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc05a, KX_DH_ANON, 1, 0, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc05b, KX_DH_ANON, 1, 0, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc05c, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc05d, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc05e, KX_ECDH, 0, 0, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc05f, KX_ECDH, 0, 0, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc060, KX_ECDHE, 0, 0, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc061, KX_ECDHE, 0, 0, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc062, KX_ECDH, 0, 0, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc063, KX_ECDH, 0, 0, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc064, KX_PSK, 1, CP_CBC, "TLS_PSK_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc065, KX_PSK, 1, CP_CBC, "TLS_PSK_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc066, KX_DHE_PSK, 1, CP_CBC, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc067, KX_DHE_PSK, 1, CP_CBC, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc068, KX_RSA_PSK, 0, CP_CBC, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc069, KX_RSA_PSK, 0, CP_CBC, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc06a, KX_PSK, 1, 0, "TLS_PSK_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc06b, KX_PSK, 1, 0, "TLS_PSK_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc06c, KX_DHE_PSK, 1, 0, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc06d, KX_DHE_PSK, 1, 0, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc06e, KX_RSA_PSK, 0, 0, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc06f, KX_RSA_PSK, 0, 0, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc070, KX_ECDHE_PSK, 1, CP_CBC, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc071, KX_ECDHE_PSK, 1, CP_CBC, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc072, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc073, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc074, KX_ECDH, 0, CP_CBC, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc075, KX_ECDH, 0, CP_CBC, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc076, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc077, KX_ECDHE, 0, CP_CBC, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc078, KX_ECDH, 0, CP_CBC, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc079, KX_ECDH, 0, CP_CBC, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc07a, KX_RSA, 0, 0, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc07b, KX_RSA, 0, 0, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc07c, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc07d, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc07e, KX_DH, 0, 0, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc07f, KX_DH, 0, 0, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc080, KX_DHE, 0, 0, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc081, KX_DHE, 0, 0, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc082, KX_DH, 0, 0, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc083, KX_DH, 0, 0, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc084, KX_DH_ANON, 1, 0, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc085, KX_DH_ANON, 1, 0, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc086, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc087, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc088, KX_ECDH, 0, 0, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc089, KX_ECDH, 0, 0, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc08a, KX_ECDHE, 0, 0, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc08b, KX_ECDHE, 0, 0, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc08c, KX_ECDH, 0, 0, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc08d, KX_ECDH, 0, 0, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc08e, KX_PSK, 1, 0, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc08f, KX_PSK, 1, 0, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc090, KX_DHE_PSK, 1, 0, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc091, KX_DHE_PSK, 1, 0, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc092, KX_RSA_PSK, 0, 0, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc093, KX_RSA_PSK, 0, 0, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc094, KX_PSK, 1, CP_CBC, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc095, KX_PSK, 1, CP_CBC, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc096, KX_DHE_PSK, 1, CP_CBC, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc097, KX_DHE_PSK, 1, CP_CBC, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc098, KX_RSA_PSK, 0, CP_CBC, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc099, KX_RSA_PSK, 0, CP_CBC, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc09a, KX_ECDHE_PSK, 1, CP_CBC, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc09b, KX_ECDHE_PSK, 1, CP_CBC, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc09c, KX_RSA, 0, 0, "TLS_RSA_WITH_AES_128_CCM" },
	{ 0xc09d, KX_RSA, 0, 0, "TLS_RSA_WITH_AES_256_CCM" },
	{ 0xc09e, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_AES_128_CCM" },
	{ 0xc09f, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_AES_256_CCM" },
	{ 0xc0a0, KX_RSA, 0, 0, "TLS_RSA_WITH_AES_128_CCM_8" },
	{ 0xc0a1, KX_RSA, 0, 0, "TLS_RSA_WITH_AES_256_CCM_8" },
	{ 0xc0a2, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_AES_128_CCM_8" },
	{ 0xc0a3, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_AES_256_CCM_8" },
	{ 0xc0a4, KX_PSK, 1, 0, "TLS_PSK_WITH_AES_128_CCM" },
	{ 0xc0a5, KX_PSK, 1, 0, "TLS_PSK_WITH_AES_256_CCM" },
	{ 0xc0a6, KX_DHE_PSK, 1, 0, "TLS_DHE_PSK_WITH_AES_128_CCM" },
	{ 0xc0a7, KX_DHE_PSK, 1, 0, "TLS_DHE_PSK_WITH_AES_256_CCM" },
	{ 0xc0a8, KX_PSK, 1, 0, "TLS_PSK_WITH_AES_128_CCM_8" },
	{ 0xc0a9, KX_PSK, 1, 0, "TLS_PSK_WITH_AES_256_CCM_8" },
	{ 0xc0aa, KX_DHE_PSK, 1, 0, "TLS_PSK_DHE_WITH_AES_128_CCM_8" },
	{ 0xc0ab, KX_DHE_PSK, 1, 0, "TLS_PSK_DHE_WITH_AES_256_CCM_8" },
	{ 0xc0ac, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM" },
	{ 0xc0ad, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM" },
	{ 0xc0ae, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8" },
	{ 0xc0af, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8" },
	{ 0xc0b0, KX_ECCPWD, 1, 0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256" },
	{ 0xc0b1, KX_ECCPWD, 1, 0, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384" },
	{ 0xc0b2, KX_ECCPWD, 1, 0, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256" },
	{ 0xc0b3, KX_ECCPWD, 1, 0, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384" },
	{ 0xc0b4, KX_NONE, 0, CP_NULL, "TLS_SHA256_SHA256" },
	{ 0xc0b5, KX_NONE, 0, CP_NULL, "TLS_SHA384_SHA384" },
	{ 0xc100, KX_GOST, 0, 0, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC" },
	{ 0xc101, KX_GOST, 0, 0, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC" },
	{ 0xc102, KX_GOST, 0, 0, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT" },
	{ 0xc103, KX_NONE, 0, 0, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L" },
	{ 0xc104, KX_NONE, 0, 0, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L" },
	{ 0xc105, KX_NONE, 0, 0, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S" },
	{ 0xc106, KX_NONE, 0, 0, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S" },
	{ 0xcca8, KX_ECDHE, 0, 0, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xcca9, KX_ECDHE, 0, 0, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccaa, KX_DHE, 0, 0, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccab, KX_PSK, 1, 0, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccac, KX_ECDHE_PSK, 1, 0, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccad, KX_DHE_PSK, 1, 0, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccae, KX_RSA_PSK, 0, 0, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xd001, KX_ECDHE_PSK, 1, 0, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256" },
	{ 0xd002, KX_ECDHE_PSK, 1, 0, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384" },
	{ 0xd003, KX_ECDHE_PSK, 1, 0, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256" },
	{ 0xd005, KX_ECDHE_PSK, 1, 0, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256" },
};

/* TLS Supported Groups (formerly EC Named Curve).  Kind and bits: an elliptic curve's field size, or an FFDHE group's
 * modulus size (RFC 7919); KEMs and hybrids (ML-KEM, Kyber) and the
 * explicit-curve markers carry no size. */
enum { GK_EC = TLS_GROUP_EC, GK_FFDHE = TLS_GROUP_FFDHE, GK_KEM = TLS_GROUP_KEM,
       GK_EXPLICIT = TLS_GROUP_EXPLICIT };

struct tn_group {
	uint16_t code;
	uint8_t kind;           /* enum tls_group_kind */
	uint16_t bits;
	const char *name;
};

static const struct tn_group tn_groups[] = {
	{ 1, GK_EC, 163, "sect163k1" },
	{ 2, GK_EC, 163, "sect163r1" },
	{ 3, GK_EC, 163, "sect163r2" },
	{ 4, GK_EC, 193, "sect193r1" },
	{ 5, GK_EC, 193, "sect193r2" },
	{ 6, GK_EC, 233, "sect233k1" },
	{ 7, GK_EC, 233, "sect233r1" },
	{ 8, GK_EC, 239, "sect239k1" },
	{ 9, GK_EC, 283, "sect283k1" },
	{ 10, GK_EC, 283, "sect283r1" },
	{ 11, GK_EC, 409, "sect409k1" },
	{ 12, GK_EC, 409, "sect409r1" },
	{ 13, GK_EC, 571, "sect571k1" },
	{ 14, GK_EC, 571, "sect571r1" },
	{ 15, GK_EC, 160, "secp160k1" },
	{ 16, GK_EC, 160, "secp160r1" },
	{ 17, GK_EC, 160, "secp160r2" },
	{ 18, GK_EC, 192, "secp192k1" },
	{ 19, GK_EC, 192, "secp192r1" },
	{ 20, GK_EC, 224, "secp224k1" },
	{ 21, GK_EC, 224, "secp224r1" },
	{ 22, GK_EC, 256, "secp256k1" },
	{ 23, GK_EC, 256, "secp256r1" },
	{ 24, GK_EC, 384, "secp384r1" },
	{ 25, GK_EC, 521, "secp521r1" },
	{ 26, GK_EC, 256, "brainpoolP256r1" },
	{ 27, GK_EC, 384, "brainpoolP384r1" },
	{ 28, GK_EC, 512, "brainpoolP512r1" },
	{ 29, GK_EC, 255, "x25519" },
	{ 30, GK_EC, 448, "x448" },
	{ 31, GK_EC, 256, "brainpoolP256r1tls13" },
	{ 32, GK_EC, 384, "brainpoolP384r1tls13" },
	{ 33, GK_EC, 512, "brainpoolP512r1tls13" },
	{ 34, GK_EC, 256, "GC256A" },
	{ 35, GK_EC, 256, "GC256B" },
	{ 36, GK_EC, 256, "GC256C" },
	{ 37, GK_EC, 256, "GC256D" },
	{ 38, GK_EC, 512, "GC512A" },
	{ 39, GK_EC, 512, "GC512B" },
	{ 40, GK_EC, 512, "GC512C" },
	{ 41, GK_EC, 256, "curveSM2" },
	{ 256, GK_FFDHE, 2048, "ffdhe2048" },
	{ 257, GK_FFDHE, 3072, "ffdhe3072" },
	{ 258, GK_FFDHE, 4096, "ffdhe4096" },
	{ 259, GK_FFDHE, 6144, "ffdhe6144" },
	{ 260, GK_FFDHE, 8192, "ffdhe8192" },
	{ 512, GK_KEM, 0, "MLKEM512" },
	{ 513, GK_KEM, 0, "MLKEM768" },
	{ 514, GK_KEM, 0, "MLKEM1024" },
	{ 4587, GK_KEM, 0, "SecP256r1MLKEM768" },          /* 0x11eb */
	{ 4588, GK_KEM, 0, "X25519MLKEM768" },             /* 0x11ec */
	{ 4589, GK_KEM, 0, "SecP384r1MLKEM1024" },         /* 0x11ed */
	{ 25497, GK_KEM, 0, "X25519Kyber768Draft00" },     /* 0x6399, IANA: (OBSOLETE) */
	{ 25498, GK_KEM, 0, "SecP256r1Kyber768Draft00" },  /* 0x639a, IANA: (OBSOLETE) */
	{ 65281, GK_EXPLICIT, 0, "arbitrary_explicit_prime_curves" },
	{ 65282, GK_EXPLICIT, 0, "arbitrary_explicit_char2_curves" },
};

/* TLS SignatureScheme, plus the TLS 1.2 SignatureAndHashAlgorithm pairs that
 * IANA keeps as "Reserved for backward compatibility": named
 * <signature>_<hash> from the TLS SignatureAlgorithm and HashAlgorithm
 * registries (marked "1.2 pair"). */
static const struct tn_name tn_sigschemes[] = {
	{ 0x0101, "rsa_md5" },                  /* 1.2 pair */
	{ 0x0102, "dsa_md5" },                  /* 1.2 pair */
	{ 0x0103, "ecdsa_md5" },                /* 1.2 pair */
	{ 0x0201, "rsa_pkcs1_sha1" },
	{ 0x0202, "dsa_sha1" },                 /* 1.2 pair */
	{ 0x0203, "ecdsa_sha1" },
	{ 0x0301, "rsa_sha224" },               /* 1.2 pair */
	{ 0x0302, "dsa_sha224" },               /* 1.2 pair */
	{ 0x0303, "ecdsa_sha224" },             /* 1.2 pair */
	{ 0x0401, "rsa_pkcs1_sha256" },
	{ 0x0402, "dsa_sha256" },               /* 1.2 pair */
	{ 0x0403, "ecdsa_secp256r1_sha256" },
	{ 0x0420, "rsa_pkcs1_sha256_legacy" },
	{ 0x0501, "rsa_pkcs1_sha384" },
	{ 0x0502, "dsa_sha384" },               /* 1.2 pair */
	{ 0x0503, "ecdsa_secp384r1_sha384" },
	{ 0x0520, "rsa_pkcs1_sha384_legacy" },
	{ 0x0601, "rsa_pkcs1_sha512" },
	{ 0x0602, "dsa_sha512" },               /* 1.2 pair */
	{ 0x0603, "ecdsa_secp521r1_sha512" },
	{ 0x0620, "rsa_pkcs1_sha512_legacy" },
	{ 0x0704, "eccsi_sha256" },
	{ 0x0705, "iso_ibs1" },
	{ 0x0706, "iso_ibs2" },
	{ 0x0707, "iso_chinese_ibs" },
	{ 0x0708, "sm2sig_sm3" },
	{ 0x0709, "gostr34102012_256a" },
	{ 0x070a, "gostr34102012_256b" },
	{ 0x070b, "gostr34102012_256c" },
	{ 0x070c, "gostr34102012_256d" },
	{ 0x070d, "gostr34102012_512a" },
	{ 0x070e, "gostr34102012_512b" },
	{ 0x070f, "gostr34102012_512c" },
	{ 0x0804, "rsa_pss_rsae_sha256" },
	{ 0x0805, "rsa_pss_rsae_sha384" },
	{ 0x0806, "rsa_pss_rsae_sha512" },
	{ 0x0807, "ed25519" },
	{ 0x0808, "ed448" },
	{ 0x0809, "rsa_pss_pss_sha256" },
	{ 0x080a, "rsa_pss_pss_sha384" },
	{ 0x080b, "rsa_pss_pss_sha512" },
	{ 0x081a, "ecdsa_brainpoolP256r1tls13_sha256" },
	{ 0x081b, "ecdsa_brainpoolP384r1tls13_sha384" },
	{ 0x081c, "ecdsa_brainpoolP512r1tls13_sha512" },
	{ 0x0840, "gostr34102012_256" },        /* 1.2 pair, intrinsic hash (RFC 9189) */
	{ 0x0841, "gostr34102012_512" },        /* 1.2 pair, intrinsic hash (RFC 9189) */
	{ 0x0904, "mldsa44" },
	{ 0x0905, "mldsa65" },
	{ 0x0906, "mldsa87" },
};

/* TLS ExtensionType Values. */
static const struct tn_name tn_exts[] = {
	{ 0, "server_name" },
	{ 1, "max_fragment_length" },
	{ 2, "client_certificate_url" },
	{ 3, "trusted_ca_keys" },
	{ 4, "truncated_hmac" },
	{ 5, "status_request" },
	{ 6, "user_mapping" },
	{ 7, "client_authz" },
	{ 8, "server_authz" },
	{ 9, "cert_type" },
	{ 10, "supported_groups" },
	{ 11, "ec_point_formats" },
	{ 12, "srp" },
	{ 13, "signature_algorithms" },
	{ 14, "use_srtp" },
	{ 15, "heartbeat" },
	{ 16, "application_layer_protocol_negotiation" },
	{ 17, "status_request_v2" },
	{ 18, "signed_certificate_timestamp" },
	{ 19, "client_certificate_type" },
	{ 20, "server_certificate_type" },
	{ 21, "padding" },
	{ 22, "encrypt_then_mac" },
	{ 23, "extended_main_secret" },         /* RFC 7627's extended_master_secret */
	{ 24, "token_binding" },
	{ 25, "cached_info" },
	{ 26, "tls_lts" },
	{ 27, "compress_certificate" },
	{ 28, "record_size_limit" },
	{ 29, "pwd_protect" },
	{ 30, "pwd_clear" },
	{ 31, "password_salt" },
	{ 32, "ticket_pinning" },
	{ 33, "tls_cert_with_extern_psk" },
	{ 34, "delegated_credential" },
	{ 35, "session_ticket" },
	{ 36, "TLMSP" },
	{ 37, "TLMSP_proxying" },
	{ 38, "TLMSP_delegate" },
	{ 39, "supported_ekt_ciphers" },
	{ 41, "pre_shared_key" },
	{ 42, "early_data" },
	{ 43, "supported_versions" },
	{ 44, "cookie" },
	{ 45, "psk_key_exchange_modes" },
	{ 47, "certificate_authorities" },
	{ 48, "oid_filters" },
	{ 49, "post_handshake_auth" },
	{ 50, "signature_algorithms_cert" },
	{ 51, "key_share" },
	{ 52, "transparency_info" },
	{ 53, "connection_id_deprecated" },     /* IANA: "connection_id (deprecated)" */
	{ 54, "connection_id" },
	{ 55, "external_id_hash" },
	{ 56, "external_session_id" },
	{ 57, "quic_transport_parameters" },
	{ 58, "ticket_request" },
	{ 59, "dnssec_chain" },
	{ 60, "sequence_number_encryption_algorithms" },
	{ 61, "rrc" },
	{ 62, "tls_flags" },
	{ 13172, "next_protocol_negotiation" }, /* 0x3374, de facto (NPN draft) */
	{ 17513, "application_settings" },      /* 0x4469, de facto (ALPS, old code) */
	{ 17613, "application_settings" },      /* 0x44cd, de facto (ALPS) */
	{ 30032, "channel_id" },                /* 0x7550, de facto (Chrome, retired) */
	{ 64768, "ech_outer_extensions" },      /* 0xfd00 */
	{ 65037, "encrypted_client_hello" },    /* 0xfe0d */
	{ 65281, "renegotiation_info" },        /* 0xff01 */
};

/* TLS Alerts (AlertDescription). */
static const struct tn_name tn_alerts[] = {
	{ 0, "close_notify" },
	{ 10, "unexpected_message" },
	{ 20, "bad_record_mac" },
	{ 21, "decryption_failed_RESERVED" },
	{ 22, "record_overflow" },
	{ 30, "decompression_failure_RESERVED" },
	{ 40, "handshake_failure" },
	{ 41, "no_certificate_RESERVED" },
	{ 42, "bad_certificate" },
	{ 43, "unsupported_certificate" },
	{ 44, "certificate_revoked" },
	{ 45, "certificate_expired" },
	{ 46, "certificate_unknown" },
	{ 47, "illegal_parameter" },
	{ 48, "unknown_ca" },
	{ 49, "access_denied" },
	{ 50, "decode_error" },
	{ 51, "decrypt_error" },
	{ 52, "too_many_cids_requested" },
	{ 60, "export_restriction_RESERVED" },
	{ 70, "protocol_version" },
	{ 71, "insufficient_security" },
	{ 80, "internal_error" },
	{ 86, "inappropriate_fallback" },
	{ 90, "user_canceled" },
	{ 100, "no_renegotiation_RESERVED" },
	{ 109, "missing_extension" },
	{ 110, "unsupported_extension" },
	{ 111, "certificate_unobtainable_RESERVED" },
	{ 112, "unrecognized_name" },
	{ 113, "bad_certificate_status_response" },
	{ 114, "bad_certificate_hash_value_RESERVED" },
	{ 115, "unknown_psk_identity" },
	{ 116, "certificate_required" },
	{ 117, "general_error" },
	{ 120, "no_application_protocol" },
	{ 121, "ech_required" },
};

/* TLS HandshakeType, snake_case as tls.handshake_messages writes them
 * (SCHEMA.md).  IANA marks 0 and 6 "_RESERVED" for TLS 1.3; the names here
 * drop the suffix because TLS <= 1.2 peers still send HelloRequest. */
static const struct tn_name tn_hs_types[] = {
	{ 0, "hello_request" },
	{ 1, "client_hello" },
	{ 2, "server_hello" },
	{ 3, "hello_verify_request" },
	{ 4, "new_session_ticket" },
	{ 5, "end_of_early_data" },
	{ 6, "hello_retry_request" },
	{ 8, "encrypted_extensions" },
	{ 9, "request_connection_id" },
	{ 10, "new_connection_id" },
	{ 11, "certificate" },
	{ 12, "server_key_exchange" },
	{ 13, "certificate_request" },
	{ 14, "server_hello_done" },
	{ 15, "certificate_verify" },
	{ 16, "client_key_exchange" },
	{ 17, "client_certificate_request" },
	{ 20, "finished" },
	{ 21, "certificate_url" },
	{ 22, "certificate_status" },
	{ 23, "supplemental_data" },
	{ 24, "key_update" },
	{ 25, "compressed_certificate" },
	{ 26, "ekt_key" },
	{ 254, "message_hash" },
};

/* TLS EC Point Formats. */
static const struct tn_name tn_ec_point_formats[] = {
	{ 0, "uncompressed" },
	{ 1, "ansiX962_compressed_prime" },
	{ 2, "ansiX962_compressed_char2" },
};

/* TLS PskKeyExchangeMode. */
static const struct tn_name tn_psk_modes[] = {
	{ 0, "psk_ke" },
	{ 1, "psk_dhe_ke" },
};

/* TLS Certificate Compression Algorithm IDs (RFC 8879). */
static const struct tn_name tn_cert_compression[] = {
	{ 1, "zlib" },
	{ 2, "brotli" },
	{ 3, "zstd" },
};

/* Protocol versions: the 16-bit wire values, not an IANA registry.
 * 0x7f00+N are TLS 1.3 draft N (draft-ietf-tls-tls13), 0xfb00+N Facebook's
 * (fizz) variants of draft N, 0x7e01..0x7e03 BoringSSL's middlebox
 * experiments on draft 22/23; DTLS counts down from 0xfeff. */
static const struct tn_name tn_versions[] = {
	{ 0x0002, "2.0" },
	{ 0x0300, "3.0" },
	{ 0x0301, "1.0" },
	{ 0x0302, "1.1" },
	{ 0x0303, "1.2" },
	{ 0x0304, "1.3" },
	{ 0x7e01, "1.3-experiment1" },  /* BoringSSL's 2017 experiments */
	{ 0x7e02, "1.3-experiment2" },
	{ 0x7e03, "1.3-experiment3" },
	{ 0x7f01, "1.3-draft1" },
	{ 0x7f02, "1.3-draft2" },
	{ 0x7f03, "1.3-draft3" },
	{ 0x7f04, "1.3-draft4" },
	{ 0x7f05, "1.3-draft5" },
	{ 0x7f06, "1.3-draft6" },
	{ 0x7f07, "1.3-draft7" },
	{ 0x7f08, "1.3-draft8" },
	{ 0x7f09, "1.3-draft9" },
	{ 0x7f0a, "1.3-draft10" },
	{ 0x7f0b, "1.3-draft11" },
	{ 0x7f0c, "1.3-draft12" },
	{ 0x7f0d, "1.3-draft13" },
	{ 0x7f0e, "1.3-draft14" },
	{ 0x7f0f, "1.3-draft15" },
	{ 0x7f10, "1.3-draft16" },
	{ 0x7f11, "1.3-draft17" },
	{ 0x7f12, "1.3-draft18" },
	{ 0x7f13, "1.3-draft19" },
	{ 0x7f14, "1.3-draft20" },
	{ 0x7f15, "1.3-draft21" },
	{ 0x7f16, "1.3-draft22" },
	{ 0x7f17, "1.3-draft23" },
	{ 0x7f18, "1.3-draft24" },
	{ 0x7f19, "1.3-draft25" },
	{ 0x7f1a, "1.3-draft26" },
	{ 0x7f1b, "1.3-draft27" },
	{ 0x7f1c, "1.3-draft28" },
	{ 0xfb17, "1.3-draft23-fb" },
	{ 0xfb1a, "1.3-draft26-fb" },
	{ 0xfefc, "dtls1.3" },
	{ 0xfefd, "dtls1.2" },
	{ 0xfeff, "dtls1.0" },
};

#define TN_COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* Binary search over a table sorted by code; NULL when absent. */
static const char *tn_find(const struct tn_name *t, size_t n, uint16_t code)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].code == code)
			return t[mid].name;
		if (t[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Cipher codes are looked up per offered suite of every ClientHello (the
 * findings stage asks for each one's properties), so they get a direct
 * index instead of a binary search: row + 1 of each code, 0 for codes the
 * table lacks.  128 KiB of zeroed storage of which only the pages of the
 * code ranges IANA uses (about ten) are ever written.  Built once, before
 * the first lookup, by whichever thread comes first. */
static uint16_t tn_cipher_row[1u << 16];
static pthread_once_t tn_cipher_once = PTHREAD_ONCE_INIT;

static void tn_cipher_index(void)
{
	for (size_t i = 0; i < TN_COUNT(tn_ciphers); i++)
		tn_cipher_row[tn_ciphers[i].code] = (uint16_t)(i + 1);
}

static const struct tn_cipher *tn_find_cipher(uint16_t code)
{
	pthread_once(&tn_cipher_once, tn_cipher_index);
	return tn_cipher_row[code] ? &tn_ciphers[tn_cipher_row[code] - 1] : NULL;
}

/* All lookups return static strings (never freed) or NULL for codes the
 * registry does not name; they cannot fail otherwise. */
const char *tls_cipher_name(uint16_t code)
{
	const struct tn_cipher *c = tn_find_cipher(code);

	return c ? c->name : NULL;
}

static const struct tn_group *tn_find_group(uint16_t code)
{
	size_t lo = 0, hi = TN_COUNT(tn_groups);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tn_groups[mid].code == code)
			return &tn_groups[mid];
		if (tn_groups[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *tls_group_name(uint16_t code)
{
	const struct tn_group *g = tn_find_group(code);

	return g ? g->name : NULL;
}

enum tls_group_kind tls_group_kind(uint16_t code, uint32_t *bits)
{
	const struct tn_group *g = tn_find_group(code);

	*bits = g ? g->bits : 0;
	return g ? (enum tls_group_kind)g->kind : TLS_GROUP_UNKNOWN;
}

const char *tls_sigscheme_name(uint16_t code)
{
	return tn_find(tn_sigschemes, TN_COUNT(tn_sigschemes), code);
}

const char *tls_ext_name(uint16_t code)
{
	return tn_find(tn_exts, TN_COUNT(tn_exts), code);
}

/* Handshake message and alert names go into every record several times
 * (tls.handshake_messages, the timeline): a direct index by the one-byte
 * code, built once like tn_cipher_row. */
static const char *tn_hs_by_code[256], *tn_alert_by_code[256];
static pthread_once_t tn_byte_once = PTHREAD_ONCE_INIT;

static void tn_byte_index(void)
{
	for (size_t i = 0; i < TN_COUNT(tn_hs_types); i++)
		if (tn_hs_types[i].code < 256)
			tn_hs_by_code[tn_hs_types[i].code] = tn_hs_types[i].name;
	for (size_t i = 0; i < TN_COUNT(tn_alerts); i++)
		if (tn_alerts[i].code < 256)
			tn_alert_by_code[tn_alerts[i].code] = tn_alerts[i].name;
}

const char *tls_alert_name(uint8_t code)
{
	pthread_once(&tn_byte_once, tn_byte_index);
	return tn_alert_by_code[code];
}

const char *tls_hs_name(uint8_t type)
{
	pthread_once(&tn_byte_once, tn_byte_index);
	return tn_hs_by_code[type];
}

const char *tls_ec_point_format_name(uint8_t code)
{
	return tn_find(tn_ec_point_formats, TN_COUNT(tn_ec_point_formats), code);
}

const char *tls_psk_mode_name(uint8_t code)
{
	return tn_find(tn_psk_modes, TN_COUNT(tn_psk_modes), code);
}

const char *tls_cert_compression_name(uint16_t code)
{
	return tn_find(tn_cert_compression, TN_COUNT(tn_cert_compression), code);
}

const char *tls_version_name(uint16_t v)
{
	return tn_find(tn_versions, TN_COUNT(tn_versions), v);
}

/* NULL for TLS 1.3 suites (the key exchange is in key_share/pre_shared_key,
 * not the suite), SCSVs, NULL_WITH_NULL_NULL and unknown codes. */
const char *tls_cipher_kx(uint16_t code)
{
	const struct tn_cipher *c = tn_find_cipher(code);

	return c ? tn_kx_names[c->kx] : NULL;
}

/* 1 if the suite sends no server certificate; 0 for unknown codes and TLS
 * 1.3 suites, whose authentication the suite does not decide. */
int tls_cipher_is_anon_or_psk(uint16_t code)
{
	const struct tn_cipher *c = tn_find_cipher(code);

	return c ? c->anon : 0;
}

/* Key exchanges without forward secrecy: the session keys follow from a
 * long-term secret (the server's RSA, DH or ECDH key, a pre-shared key, a
 * Kerberos ticket, the server's GOST key, RFC 9189). */
static unsigned kx_props(uint8_t kx)
{
	switch (kx) {
	case KX_RSA: case KX_DH: case KX_ECDH: case KX_PSK: case KX_RSA_PSK:
	case KX_KRB5: case KX_GOST:
		return TLS_CIPHER_NO_FS;
	case KX_DH_ANON: case KX_ECDH_ANON:
		return TLS_CIPHER_ANON_KX;
	default:
		return 0;
	}
}

unsigned tls_cipher_props(uint16_t code)
{
	const struct tn_cipher *c = tn_find_cipher(code);

	return c ? c->cp | kx_props(c->kx) : 0;
}

/* SSLv2 cipher kinds (draft-hickman-netscape-ssl-00, appendix A): every
 * one is RSA key transport. */
static const struct {
	uint32_t code;
	uint8_t cp;
	const char *name;
} tn_v2_ciphers[] = {
	{ 0x010080, CP_RC4, "SSL_CK_RC4_128_WITH_MD5" },
	{ 0x020080, CP_RC4 | CP_EXPORT, "SSL_CK_RC4_128_EXPORT40_WITH_MD5" },
	{ 0x030080, CP_CBC, "SSL_CK_RC2_128_CBC_WITH_MD5" },
	{ 0x040080, CP_CBC | CP_EXPORT, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5" },
	{ 0x050080, CP_CBC, "SSL_CK_IDEA_128_CBC_WITH_MD5" },
	{ 0x060040, CP_CBC | CP_DES, "SSL_CK_DES_64_CBC_WITH_MD5" },
	{ 0x0700c0, CP_CBC | CP_3DES, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5" },
};

const char *tls_v2_cipher_name(uint32_t kind, unsigned *props)
{
	for (size_t i = 0; i < TN_COUNT(tn_v2_ciphers); i++)
		if (tn_v2_ciphers[i].code == kind) {
			*props = tn_v2_ciphers[i].cp | TLS_CIPHER_NO_FS;
			return tn_v2_ciphers[i].name;
		}
	*props = TLS_CIPHER_NO_FS;
	return NULL;
}

/* RFC 5246 7.4.1.4.1: a TLS 1.2 pair's high byte is its HashAlgorithm
 * (md5 = 1, sha1 = 2) and its low byte the signature (rsa 1, dsa 2,
 * ecdsa 3); RFC 8446 kept 0x0201 and 0x0203 with that meaning. */
int tls_sigscheme_legacy_hash(uint16_t code)
{
	unsigned hash = code >> 8, sig = code & 0xffu;

	if ((hash == 1 || hash == 2) && sig >= 1 && sig <= 3)
		return (int)hash;
	return 0;
}
