/*
 * digest.h - the message digests fingerprints and certificates need.
 * Implemented in digest.c (MD5 through mbedTLS, which only it and the X.509
 * facade call; SHA-1 and SHA-256 through Nettle).
 */
#ifndef TLSTAP_DIGEST_H
#define TLSTAP_DIGEST_H

#include <stdbool.h>
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

/* Base64 decoding of text that arrives in pieces: the state between them. */
struct dig_b64 {
	uint32_t acc;           /* bits of the characters of an unfinished quantum */
	uint8_t nchar;          /* how many (0..3) */
	bool bad;               /* a character outside the alphabet was skipped */
};

/* Decodes n characters (RFC 4648; '=' ends a quantum early) into out, which
 * must hold DIG_B64_OUT(n) bytes; returns the bytes written.  Characters of
 * an unfinished quantum stay in st for the next piece. */
#define DIG_B64_OUT(n) (3 * ((n) / 4 + 1))
size_t dig_b64_decode(struct dig_b64 *st, const uint8_t *in, size_t n, uint8_t *out);

#endif
