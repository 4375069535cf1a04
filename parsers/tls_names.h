/*
 * tls_names.h - IANA registry names, kept as data (tls_names.c), one sorted
 * table per registry, looked up by binary search.  Each returns NULL for a
 * code the registry does not name; callers print unknown codes as 0x%04x.
 *
 * Registries (as of 2026): TLS Cipher Suites, TLS Supported Groups, TLS
 * SignatureScheme, TLS ExtensionType Values, TLS Alerts, TLS HandshakeType,
 * TLS ContentType, plus protocol version names.
 */
#ifndef TLSTAP_TLS_NAMES_H
#define TLSTAP_TLS_NAMES_H

#include <stdint.h>

const char *tls_cipher_name(uint16_t code);    /* "TLS_AES_128_GCM_SHA256" */
const char *tls_group_name(uint16_t code);     /* "x25519", "secp256r1", "X25519MLKEM768" */
const char *tls_sigscheme_name(uint16_t code); /* "rsa_pss_rsae_sha256" */
const char *tls_ext_name(uint16_t code);       /* "server_name" */
const char *tls_alert_name(uint8_t code);      /* "handshake_failure" */
const char *tls_hs_name(uint8_t type);         /* "client_hello" (snake_case) */
const char *tls_ec_point_format_name(uint8_t code); /* "uncompressed" */
const char *tls_psk_mode_name(uint8_t code);   /* "psk_dhe_ke" */
const char *tls_cert_compression_name(uint16_t code); /* "zlib", "brotli", "zstd" */
/* "1.3", "1.2", "1.1", "1.0", "3.0", "2.0", "1.3-draft23", DTLS "dtls1.2"...; NULL if unknown. */
const char *tls_version_name(uint16_t v);

/* Key exchange implied by a TLS <= 1.2 cipher suite ("ecdhe", "dhe", "rsa",
 * "psk", "ecdhe_psk", "dhe_psk", "rsa_psk", "dh_anon", "ecdh_anon", "ecdh",
 * "dh", "srp", "krb5", "gost"), NULL for TLS 1.3 suites and unknown codes;
 * and whether the suite authenticates the server with a certificate. */
const char *tls_cipher_kx(uint16_t code);
int tls_cipher_is_anon_or_psk(uint16_t code);   /* no server certificate expected */

/* What makes a suite weak, as bits (RFC 9325 4.1): the bulk cipher from
 * each suite's row, the key exchange from its kx column.  0 for unknown
 * codes and for TLS 1.3 suites (AEAD, always ephemeral). */
#define TLS_CIPHER_CBC     0x01u    /* a block cipher in CBC mode */
#define TLS_CIPHER_RC4     0x02u
#define TLS_CIPHER_3DES    0x04u
#define TLS_CIPHER_DES     0x08u    /* single DES, DES40 included */
#define TLS_CIPHER_NULL    0x10u    /* no encryption (integrity only) */
#define TLS_CIPHER_EXPORT  0x20u    /* 40/56-bit export grade */
#define TLS_CIPHER_NO_FS   0x40u    /* static RSA, (EC)DH, PSK, KRB5, GOST key exchange */
#define TLS_CIPHER_ANON_KX 0x80u    /* DH_anon / ECDH_anon: nobody authenticated */
unsigned tls_cipher_props(uint16_t code);
/* SSLv2 CIPHER-KIND name ("SSL_CK_RC4_128_WITH_MD5") and its TLS_CIPHER_*
 * bits in *props (always NO_FS: RSA key transport); NULL if unknown. */
const char *tls_v2_cipher_name(uint32_t kind, unsigned *props);

/* Named groups: kind, and in *bits the curve's field size or the FFDHE
 * modulus size (0 for KEMs, explicit curves and unknown codes). */
enum tls_group_kind {
	TLS_GROUP_UNKNOWN = 0,
	TLS_GROUP_EC,
	TLS_GROUP_FFDHE,
	TLS_GROUP_KEM,          /* ML-KEM and the hybrids */
	TLS_GROUP_EXPLICIT,     /* arbitrary_explicit_prime/char2_curves */
};
enum tls_group_kind tls_group_kind(uint16_t code, uint32_t *bits);

/* 1 if a SignatureScheme hashes with MD5, 2 with SHA-1 (the TLS 1.2
 * HashAlgorithm codes), 0 otherwise. */
int tls_sigscheme_legacy_hash(uint16_t code);

#endif
