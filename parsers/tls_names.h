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

#endif
