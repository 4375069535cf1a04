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
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

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

/*
 * TLS 1.2 (RFC 5246 5, 6.3; AEAD records RFC 5288 3, RFC 6655 3, RFC 7905 2):
 *
 *   P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) ...
 *   A(0) = seed, A(i) = HMAC(secret, A(i-1))
 *   key_block: [client key][server key][client IV][server IV]   (no MAC keys)
 *   GCM/CCM record: | explicit nonce (8) | ciphertext | tag |, nonce = IV(4) || explicit
 *   ChaCha20-Poly1305: | ciphertext | tag |, nonce = IV(12) XOR (0^4 || seq)
 *   additional data: seq (8) || type || version || plaintext length (2)
 */

bool tls12_suite_info(uint16_t suite, struct tls12_suite *s)
{
	static const struct {
		uint16_t id;
		struct tls12_suite s;
	} tab[] = {
		{ 0x009c, { TLS_AEAD_AES128_GCM, TLS13_SHA256, 16, 4, 8, 16 } },
		{ 0x009d, { TLS_AEAD_AES256_GCM, TLS13_SHA384, 32, 4, 8, 16 } },
		{ 0x009e, { TLS_AEAD_AES128_GCM, TLS13_SHA256, 16, 4, 8, 16 } },
		{ 0x009f, { TLS_AEAD_AES256_GCM, TLS13_SHA384, 32, 4, 8, 16 } },
		{ 0xc02b, { TLS_AEAD_AES128_GCM, TLS13_SHA256, 16, 4, 8, 16 } },
		{ 0xc02c, { TLS_AEAD_AES256_GCM, TLS13_SHA384, 32, 4, 8, 16 } },
		{ 0xc02f, { TLS_AEAD_AES128_GCM, TLS13_SHA256, 16, 4, 8, 16 } },
		{ 0xc030, { TLS_AEAD_AES256_GCM, TLS13_SHA384, 32, 4, 8, 16 } },
		{ 0xc09c, { TLS_AEAD_AES128_CCM, TLS13_SHA256, 16, 4, 8, 16 } },
		{ 0xc0a0, { TLS_AEAD_AES128_CCM8, TLS13_SHA256, 16, 4, 8, 8 } },
		{ 0xc0ac, { TLS_AEAD_AES128_CCM, TLS13_SHA256, 16, 4, 8, 16 } },
		{ 0xc0ae, { TLS_AEAD_AES128_CCM8, TLS13_SHA256, 16, 4, 8, 8 } },
		{ 0xcca8, { TLS_AEAD_CHACHA20_POLY1305, TLS13_SHA256, 32, 12, 0, 16 } },
		{ 0xcca9, { TLS_AEAD_CHACHA20_POLY1305, TLS13_SHA256, 32, 12, 0, 16 } },
		{ 0xccaa, { TLS_AEAD_CHACHA20_POLY1305, TLS13_SHA256, 32, 12, 0, 16 } },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].id == suite) {
			*s = tab[i].s;
			return true;
		}
	return false;
}

/* P_hash with HMAC-SHA-256 or -384 into out (len bytes); seed at most 128. */
static void p_hash(enum tls13_hash h, const uint8_t *secret, size_t slen, const uint8_t *seed,
		   size_t seed_len, uint8_t *out, size_t len)
{
	uint8_t a[TLS13_MAX_HASH], block[TLS13_MAX_HASH];
	size_t hl = tls13_hash_len(h);
	struct hmac_sha256_ctx c256;
	struct hmac_sha384_ctx c384;

#define HM(data1, n1, data2, n2, dst) do { \
		if (h == TLS13_SHA384) { \
			hmac_sha384_set_key(&c384, slen, secret); \
			hmac_sha384_update(&c384, n1, data1); \
			if (n2) hmac_sha384_update(&c384, n2, data2); \
			hmac_sha384_digest(&c384, SHA384_DIGEST_SIZE, dst); \
		} else { \
			hmac_sha256_set_key(&c256, slen, secret); \
			hmac_sha256_update(&c256, n1, data1); \
			if (n2) hmac_sha256_update(&c256, n2, data2); \
			hmac_sha256_digest(&c256, SHA256_DIGEST_SIZE, dst); \
		} \
	} while (0)
	HM(seed, seed_len, NULL, (size_t)0, a);
	for (size_t done = 0; done < len; done += hl) {
		HM(a, hl, seed, seed_len, block);
		memcpy(out + done, block, len - done < hl ? len - done : hl);
		HM(a, hl, NULL, (size_t)0, a);
	}
#undef HM
	memset(block, 0, sizeof block);
}

bool tls12_keys_init(struct tls12_keys *k, const struct tls12_suite *suite,
		     const uint8_t master[48], const uint8_t client_random[32],
		     const uint8_t server_random[32], bool client_side)
{
	uint8_t seed[13 + 64], kb[2 * 32 + 2 * 12];
	size_t kl = suite->key_len, il = suite->iv_len;

	if (kl > 32 || il > 12)
		return false;
	memcpy(seed, "key expansion", 13);
	memcpy(seed + 13, server_random, 32);
	memcpy(seed + 45, client_random, 32);
	p_hash(suite->hash, master, 48, seed, sizeof seed, kb, 2 * kl + 2 * il);
	memset(k, 0, sizeof *k);
	k->suite = *suite;
	memcpy(k->key, kb + (client_side ? 0 : kl), kl);
	memcpy(k->iv, kb + 2 * kl + (client_side ? 0 : il), il);
	memset(kb, 0, sizeof kb);
	return true;
}

enum tls_open_status tls12_open(struct tls12_keys *k, uint8_t type, uint16_t version,
				const uint8_t *body, size_t n, uint8_t *out, size_t *out_len)
{
	const struct tls12_suite *su = &k->suite;
	uint8_t nonce[12], aad[13];
	size_t m;

	if (n < (size_t)su->explicit_len + su->tag_len || n > 16384 + 2048)
		return TLS_OPEN_SHORT;
	m = n - su->explicit_len - su->tag_len;
	if (su->explicit_len) {
		memcpy(nonce, k->iv, 4);
		memcpy(nonce + 4, body, 8);
	} else {
		memcpy(nonce, k->iv, 12);
		for (int i = 0; i < 8; i++)
			nonce[11 - i] ^= (uint8_t)(k->seq >> (8 * i));
	}
	for (int i = 0; i < 8; i++)
		aad[7 - i] = (uint8_t)(k->seq >> (8 * i));
	aad[8] = type;
	aad[9] = (uint8_t)(version >> 8);
	aad[10] = (uint8_t)version;
	aad[11] = (uint8_t)(m >> 8);
	aad[12] = (uint8_t)m;
	if (!tls_aead_open(su->aead, k->key, nonce, 12, aad, sizeof aad, body + su->explicit_len,
			   n - su->explicit_len, out))
		return TLS_OPEN_BAD_TAG;
	k->seq++;
	*out_len = m;
	return TLS_OPEN_OK;
}
