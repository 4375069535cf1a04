/*
 * tls_decrypt.c - TLS 1.3 record protection, RFC 8446 section 5.2:
 *
 *   TLSCiphertext (what the wire carries)        TLSInnerPlaintext (after opening)
 *   +------+---------+--------+---------------+   +---------+------+-----------+
 *   | 0x17 | 0x0303  | length | AEAD(...)+tag |   | content | type | 00 00 ... |
 *   +------+---------+--------+---------------+   +---------+------+-----------+
 *     additional_data = the 5-byte header           strip the zeros, the last
 *     nonce = iv XOR (0^4 || seq, 64-bit BE)          non-zero byte is the type
 *
 * Traffic keys (section 7.3): key = HKDF-Expand-Label(secret, "key", "", n),
 * iv = HKDF-Expand-Label(secret, "iv", "", 12).  The AEADs are Nettle's.
 */
#include "tls_decrypt.h"

#include <string.h>

#include <nettle/ccm.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>
#include <nettle/memops.h>

#define TLS13_MAX_CIPHERTEXT (16384 + 256)

bool tls13_suite_info(uint16_t suite, struct tls13_suite *s)
{
	static const struct tls13_suite tab[] = {
		{ TLS_AEAD_AES128_GCM, TLS13_SHA256, 16, 16 },          /* 0x1301 */
		{ TLS_AEAD_AES256_GCM, TLS13_SHA384, 32, 16 },          /* 0x1302 */
		{ TLS_AEAD_CHACHA20_POLY1305, TLS13_SHA256, 32, 16 },   /* 0x1303 */
		{ TLS_AEAD_AES128_CCM, TLS13_SHA256, 16, 16 },          /* 0x1304 */
		{ TLS_AEAD_AES128_CCM8, TLS13_SHA256, 16, 8 },          /* 0x1305 */
	};

	if (suite < 0x1301 || suite > 0x1305)
		return false;
	*s = tab[suite - 0x1301];
	return true;
}

size_t tls_aead_tag_len(enum tls_aead a)
{
	switch (a) {
	case TLS_AEAD_NONE: return 0;
	case TLS_AEAD_AES128_CCM8: return 8;
	default: return 16;
	}
}

bool tls13_keys_init(struct tls13_keys *k, const struct tls13_suite *suite,
		     const uint8_t *secret, size_t secret_len)
{
	if (secret_len != tls13_hash_len(suite->hash))
		return false;
	memset(k, 0, sizeof *k);
	k->suite = *suite;
	return tls13_expand_label(suite->hash, secret, secret_len, "key", NULL, 0, k->key,
				  suite->key_len) &&
	       tls13_expand_label(suite->hash, secret, secret_len, "iv", NULL, 0, k->iv, 12);
}

void tls13_keys_wipe(struct tls13_keys *k)
{
	volatile uint8_t *p = (volatile uint8_t *)k;

	for (size_t i = 0; i < sizeof *k; i++)
		p[i] = 0;
}

static bool gcm_open(bool aes256, const uint8_t *key, const uint8_t *nonce, size_t nonce_len,
		     const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t m,
		     uint8_t *out)
{
	uint8_t tag[GCM_DIGEST_SIZE];

	if (aes256) {
		struct gcm_aes256_ctx c;

		gcm_aes256_set_key(&c, key);
		gcm_aes256_set_iv(&c, nonce_len, nonce);
		gcm_aes256_update(&c, aad_len, aad);
		gcm_aes256_decrypt(&c, m, out, ct);
		gcm_aes256_digest(&c, sizeof tag, tag);
	} else {
		struct gcm_aes128_ctx c;

		gcm_aes128_set_key(&c, key);
		gcm_aes128_set_iv(&c, nonce_len, nonce);
		gcm_aes128_update(&c, aad_len, aad);
		gcm_aes128_decrypt(&c, m, out, ct);
		gcm_aes128_digest(&c, sizeof tag, tag);
	}
	return memeql_sec(tag, ct + m, sizeof tag) != 0;
}

bool tls_aead_open(enum tls_aead a, const uint8_t *key, const uint8_t *nonce,
		   size_t nonce_len, const uint8_t *aad, size_t aad_len, const uint8_t *ct,
		   size_t n, uint8_t *out)
{
	size_t tl = tls_aead_tag_len(a);

	if (a == TLS_AEAD_NONE || n < tl)
		return false;
	size_t m = n - tl;

	switch (a) {
	case TLS_AEAD_AES128_GCM:
	case TLS_AEAD_AES256_GCM:
		return gcm_open(a == TLS_AEAD_AES256_GCM, key, nonce, nonce_len, aad, aad_len,
				ct, m, out);
	case TLS_AEAD_CHACHA20_POLY1305: {
		struct chacha_poly1305_ctx c;
		uint8_t tag[CHACHA_POLY1305_DIGEST_SIZE];

		if (nonce_len != CHACHA_POLY1305_NONCE_SIZE)
			return false;
		chacha_poly1305_set_key(&c, key);
		chacha_poly1305_set_nonce(&c, nonce);
		chacha_poly1305_update(&c, aad_len, aad);
		chacha_poly1305_decrypt(&c, m, out, ct);
		chacha_poly1305_digest(&c, sizeof tag, tag);
		return memeql_sec(tag, ct + m, sizeof tag) != 0;
	}
	case TLS_AEAD_AES128_CCM:
	case TLS_AEAD_AES128_CCM8: {
		struct ccm_aes128_ctx c;

		if (nonce_len < CCM_MIN_NONCE_SIZE || nonce_len > CCM_MAX_NONCE_SIZE)
			return false;
		ccm_aes128_set_key(&c, key);
		return ccm_aes128_decrypt_message(&c, nonce_len, nonce, aad_len, aad, tl, m, out,
						  ct) != 0;
	}
	case TLS_AEAD_NONE:
		break;
	}
	return false;
}

enum tls_open_status tls13_open(struct tls13_keys *k, const uint8_t hdr[5],
				const uint8_t *ct, size_t n, uint8_t *out, size_t *out_len,
				uint8_t *type)
{
	uint8_t nonce[12];
	size_t tl = k->suite.tag_len;

	if (n <= tl || n > TLS13_MAX_CIPHERTEXT)
		return TLS_OPEN_SHORT;
	memcpy(nonce, k->iv, 12);
	for (int i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(k->seq >> (8 * i));
	if (!tls_aead_open(k->suite.aead, k->key, nonce, 12, hdr, 5, ct, n, out))
		return TLS_OPEN_BAD_TAG;
	k->seq++;
	size_t m = n - tl;

	while (m > 0 && out[m - 1] == 0)
		m--;
	if (m == 0)
		return TLS_OPEN_NO_TYPE;
	*type = out[m - 1];
	*out_len = m - 1;
	return TLS_OPEN_OK;
}
