/*
 * tls13_kdf.h - the TLS 1.3 key schedule's HKDF-Expand-Label (RFC 8446
 * section 7.1) for SHA-256 and SHA-384, on Nettle's HMAC and HKDF.
 * Shared by every TLS 1.3 keying user (record decryption, QUIC).
 */
#ifndef TLSTAP_TLS13_KDF_H
#define TLSTAP_TLS13_KDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tls13_hash { TLS13_SHA256 = 0, TLS13_SHA384 };

#define TLS13_MAX_HASH 48

/* Digest length of the hash: 32 or 48. */
size_t tls13_hash_len(enum tls13_hash h);

/* HKDF-Expand-Label(secret, label, context, len) into out (len bytes,
 * at most 255 * hash length).  label is without the "tls13 " prefix (at
 * most 249 bytes), context may be NULL when ctx_len is 0 (at most 255).
 * Returns false (out untouched) when a length is out of range. */
bool tls13_expand_label(enum tls13_hash h, const uint8_t *secret, size_t secret_len,
			const char *label, const uint8_t *context, size_t ctx_len,
			uint8_t *out, size_t len);

#endif
