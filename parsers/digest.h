/*
 * digest.h - the message digests fingerprints and certificates need.
 * Implemented in digest.c (with the X.509 facade, the only callers of mbedTLS).
 */
#ifndef TLSTAP_DIGEST_H
#define TLSTAP_DIGEST_H

#include <stddef.h>
#include <stdint.h>

void dig_md5(const void *p, size_t n, uint8_t out[16]);
void dig_sha1(const void *p, size_t n, uint8_t out[20]);
void dig_sha256(const void *p, size_t n, uint8_t out[32]);

/* A fast non-cryptographic 64-bit hash, for cache keys whose hits are
 * confirmed by comparing the bytes themselves. */
uint64_t dig_fast64(const void *p, size_t n);

/* Hex of n bytes into out (2n+1 bytes, NUL-terminated); upper or lower case. */
void dig_hex(const uint8_t *p, size_t n, char *out, int upper);

/* Base64 (RFC 4648, padded) of n bytes into out (cap bytes, NUL-terminated;
 * needs 4 * ((n + 2) / 3) + 1).  Returns the length, 0 if cap is too small
 * (out is then ""). */
size_t dig_base64(const uint8_t *p, size_t n, char *out, size_t cap);

#endif
