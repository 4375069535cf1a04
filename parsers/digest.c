/*
 * digest.c - message digests, hex and base64 encodings, and the fast
 * non-cryptographic hash the caches key on (digest.h).
 *
 * MD5 through mbedTLS; SHA-1 and SHA-256 through Nettle, whose x86-64 code
 * uses the CPU's SHA instructions where it has them: on a Community ID (one
 * 40-byte SHA-1 per connection) 72 ns against mbedTLS's 221, on 120 bytes
 * of SHA-256 175 against 976 (its MD5 is no faster than mbedTLS's).
 */
#include "digest.h"

#include <string.h>

#include <mbedtls/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>

/* mbedTLS 2.x names the digest functions that return a status *_ret. */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define MBED_RET(fn) fn
#else
#define MBED_RET(fn) fn##_ret
#endif

void dig_md5(const void *p, size_t n, uint8_t out[16])
{
	(void)MBED_RET(mbedtls_md5)(p, n, out);
}

void dig_sha1(const void *p, size_t n, uint8_t out[20])
{
	struct sha1_ctx c;

	sha1_init(&c);
	sha1_update(&c, n, p);
	sha1_digest(&c, SHA1_DIGEST_SIZE, out);
}

void dig_sha256(const void *p, size_t n, uint8_t out[32])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, n, p);
	sha256_digest(&c, SHA256_DIGEST_SIZE, out);
}

void dig_hex(const uint8_t *p, size_t n, char *out, int upper)
{
	const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* RFC 4648 base64 with padding.  Not mbedTLS's: its encoder is
 * constant-time, which public data (Community IDs, certificates) does not
 * need, and cost more than the SHA-1 of a Community ID. */
size_t dig_base64(const uint8_t *p, size_t n, char *out, size_t cap)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t need = 4 * ((n + 2) / 3), o = 0, i = 0;

	if (cap == 0)
		return 0;
	if (need + 1 > cap) {
		out[0] = '\0';
		return 0;
	}
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
		out[o++] = al[(v >> 6) & 63];
		out[o++] = al[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
		out[o++] = i + 1 < n ? al[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

/*
 * The cache is looked up once per certificate per session, so its key is a
 * fast non-cryptographic hash of the DER, confirmed by comparing the DER
 * itself; the SHA-256 is computed once, when a certificate is first parsed.
 */
uint64_t dig_fast64(const void *vp, size_t n)
{
	const uint8_t *p = vp;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;

	/* Four independent lanes over 32-byte blocks: one lane's multiply
	 * chain held a certificate's hash to 1.6 bytes a cycle. */
	if (n >= 32) {
		uint64_t l[4] = { h, h ^ 0x6a09e667f3bcc909ull, h ^ 0xbb67ae8584caa73bull,
				  h ^ 0x3c6ef372fe94f82bull };
		while (n >= 32) {
			for (int i = 0; i < 4; i++) {
				uint64_t w;
				memcpy(&w, p + 8 * i, 8);
				l[i] = (l[i] ^ w) * 0xff51afd7ed558ccdull;
				l[i] ^= l[i] >> 32;
			}
			p += 32;
			n -= 32;
		}
		for (int i = 0; i < 4; i++)
			h = (h ^ l[i]) * 0xc4ceb9fe1a85ec53ull;
	}
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

/* The value of a base64 character, -1 for '=', -2 outside the alphabet. */
static int b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '/')
		return c == '+' ? 62 : 63;
	return c == '=' ? -1 : -2;
}

size_t dig_b64_decode(struct dig_b64 *st, const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int v = b64_value(in[i]);

		if (v == -2 || (v == -1 && st->nchar == 1)) {
			st->bad = true;
			continue;
		}
		if (v == -1) {          /* padding: what the quantum holds is whole */
			if (st->nchar == 2)
				out[o++] = (uint8_t)(st->acc >> 4);
			else if (st->nchar == 3) {
				out[o++] = (uint8_t)(st->acc >> 10);
				out[o++] = (uint8_t)(st->acc >> 2);
			}
			st->nchar = 0;
			st->acc = 0;
			continue;
		}
		st->acc = st->acc << 6 | (uint32_t)v;
		if (++st->nchar == 4) {
			out[o++] = (uint8_t)(st->acc >> 16);
			out[o++] = (uint8_t)(st->acc >> 8);
			out[o++] = (uint8_t)st->acc;
			st->nchar = 0;
			st->acc = 0;
		}
	}
	return o;
}
