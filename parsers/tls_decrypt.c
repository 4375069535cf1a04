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

#include <nettle/aes.h>
#include <nettle/cbc.h>
#include <nettle/ccm.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha1.h>
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

/* The AEADs with Nettle's generic interface (fixed 12-byte nonces), by
 * enum tls_aead; CCM has its own message interface. */
static const struct nettle_aead *generic_aead(enum tls_aead a)
{
	switch (a) {
	case TLS_AEAD_AES128_GCM: return &nettle_gcm_aes128;
	case TLS_AEAD_AES256_GCM: return &nettle_gcm_aes256;
	case TLS_AEAD_CHACHA20_POLY1305: return &nettle_chacha_poly1305;
	default: return NULL;
	}
}

bool tls_aead_open(enum tls_aead a, const uint8_t *key, const uint8_t *nonce,
		   size_t nonce_len, const uint8_t *aad, size_t aad_len, const uint8_t *ct,
		   size_t n, uint8_t *out)
{
	const struct nettle_aead *g = generic_aead(a);
	size_t tl = tls_aead_tag_len(a);
	union {
		struct gcm_aes128_ctx g128;
		struct gcm_aes256_ctx g256;
		struct chacha_poly1305_ctx cp;
		struct ccm_aes128_ctx ccm;
	} c;
	uint8_t tag[16];

	if (a == TLS_AEAD_NONE || n < tl)
		return false;
	size_t m = n - tl;

	if (g) {
		if (nonce_len != g->nonce_size || g->context_size > sizeof c ||
		    g->digest_size != tl)
			return false;
		g->set_decrypt_key(&c, key);
		g->set_nonce(&c, nonce);
		g->update(&c, aad_len, aad);
		g->decrypt(&c, m, out, ct);
		g->digest(&c, tl, tag);
		return memeql_sec(tag, ct + m, tl) != 0;
	}
	/* AES-128-CCM and CCM_8 */
	if (nonce_len < CCM_MIN_NONCE_SIZE || nonce_len > CCM_MAX_NONCE_SIZE)
		return false;
	ccm_aes128_set_key(&c.ccm, key);
	return ccm_aes128_decrypt_message(&c.ccm, nonce_len, nonce, aad_len, aad, tl, m, out,
					  ct) != 0;
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
#define GCM128 { TLS_AEAD_AES128_GCM, TLS13_SHA256, 16, 4, 8, 16, TLS_MAC_NONE }
#define GCM256 { TLS_AEAD_AES256_GCM, TLS13_SHA384, 32, 4, 8, 16, TLS_MAC_NONE }
#define CCM16 { TLS_AEAD_AES128_CCM, TLS13_SHA256, 16, 4, 8, 16, TLS_MAC_NONE }
#define CCM8 { TLS_AEAD_AES128_CCM8, TLS13_SHA256, 16, 4, 8, 8, TLS_MAC_NONE }
#define CHACHA { TLS_AEAD_CHACHA20_POLY1305, TLS13_SHA256, 32, 12, 0, 16, TLS_MAC_NONE }
	/* AES-CBC: the IV (16) on the wire; the MAC's length as the "tag" */
#define CBC(k, mac, ml, prf) { TLS_AEAD_NONE, prf, k, 0, 16, ml, mac }
#define CBC_SHA1(k) CBC(k, TLS_MAC_SHA1, 20, TLS13_SHA256)
#define CBC_SHA256(k) CBC(k, TLS_MAC_SHA256, 32, TLS13_SHA256)
	static const struct {
		uint16_t id;
		struct tls12_suite s;
	} tab[] = {
		{ 0x002f, CBC_SHA1(16) }, { 0x0033, CBC_SHA1(16) }, { 0x0035, CBC_SHA1(32) },
		{ 0x0039, CBC_SHA1(32) }, { 0x003c, CBC_SHA256(16) }, { 0x003d, CBC_SHA256(32) },
		{ 0x0067, CBC_SHA256(16) }, { 0x006b, CBC_SHA256(32) },
		{ 0x009c, GCM128 }, { 0x009d, GCM256 }, { 0x009e, GCM128 }, { 0x009f, GCM256 },
		{ 0xc009, CBC_SHA1(16) }, { 0xc00a, CBC_SHA1(32) }, { 0xc013, CBC_SHA1(16) },
		{ 0xc014, CBC_SHA1(32) }, { 0xc023, CBC_SHA256(16) },
		{ 0xc024, CBC(32, TLS_MAC_SHA384, 48, TLS13_SHA384) }, { 0xc027, CBC_SHA256(16) },
		{ 0xc028, CBC(32, TLS_MAC_SHA384, 48, TLS13_SHA384) },
		{ 0xc02b, GCM128 }, { 0xc02c, GCM256 }, { 0xc02f, GCM128 }, { 0xc030, GCM256 },
		{ 0xc09c, CCM16 }, { 0xc0a0, CCM8 }, { 0xc0ac, CCM16 }, { 0xc0ae, CCM8 },
		{ 0xcca8, CHACHA }, { 0xcca9, CHACHA }, { 0xccaa, CHACHA },
	};
#undef GCM128
#undef GCM256
#undef CCM16
#undef CCM8
#undef CHACHA
#undef CBC
#undef CBC_SHA1
#undef CBC_SHA256

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].id == suite) {
			*s = tab[i].s;
			return true;
		}
	return false;
}

/* HMAC (RFC 2104) with SHA-1, SHA-256 or SHA-384 over the concatenation of
 * up to three parts (NULL parts skipped) into out (the hash's length). */
static void hmac3(enum tls_mac mac, const uint8_t *key, size_t klen, const uint8_t *p1,
		  size_t n1, const uint8_t *p2, size_t n2, const uint8_t *p3, size_t n3,
		  uint8_t *out)
{
	const struct nettle_hash *h = mac == TLS_MAC_SHA1 ? &nettle_sha1 :
				      mac == TLS_MAC_SHA384 ? &nettle_sha384 : &nettle_sha256;
	union hctx {
		struct sha1_ctx a;
		struct sha256_ctx b;
		struct sha512_ctx c;
	} outer, inner, state;

	hmac_set_key(&outer, &inner, &state, h, klen, key);
	hmac_update(&state, h, n1, p1);
	if (p2)
		hmac_update(&state, h, n2, p2);
	if (p3)
		hmac_update(&state, h, n3, p3);
	hmac_digest(&outer, &inner, &state, h, h->digest_size, out);
}

/* P_hash with HMAC-SHA-256 or -384 into out (len bytes). */
static void p_hash(enum tls13_hash h, const uint8_t *secret, size_t slen, const uint8_t *seed,
		   size_t seed_len, uint8_t *out, size_t len)
{
	uint8_t a[TLS13_MAX_HASH], block[TLS13_MAX_HASH];
	size_t hl = tls13_hash_len(h);
	enum tls_mac m = h == TLS13_SHA384 ? TLS_MAC_SHA384 : TLS_MAC_SHA256;

	hmac3(m, secret, slen, seed, seed_len, NULL, 0, NULL, 0, a);
	for (size_t done = 0; done < len; done += hl) {
		hmac3(m, secret, slen, a, hl, seed, seed_len, NULL, 0, block);
		memcpy(out + done, block, len - done < hl ? len - done : hl);
		hmac3(m, secret, slen, a, hl, NULL, 0, NULL, 0, a);
	}
	memset(block, 0, sizeof block);
}

bool tls12_keys_init(struct tls12_keys *k, const struct tls12_suite *suite,
		     const uint8_t master[48], const uint8_t client_random[32],
		     const uint8_t server_random[32], bool client_side)
{
	uint8_t seed[13 + 64], kb[2 * 48 + 2 * 32 + 2 * 12];
	size_t kl = suite->key_len, il = suite->iv_len;
	size_t ml = suite->mac != TLS_MAC_NONE ? suite->tag_len : 0;

	if (kl > 32 || il > 12 || ml > 48)
		return false;
	memcpy(seed, "key expansion", 13);
	memcpy(seed + 13, server_random, 32);
	memcpy(seed + 45, client_random, 32);
	/* [client MAC][server MAC][client key][server key][client IV][server IV] */
	p_hash(suite->hash, master, 48, seed, sizeof seed, kb, 2 * ml + 2 * kl + 2 * il);
	memset(k, 0, sizeof *k);
	k->suite = *suite;
	memcpy(k->mac_key, kb + (client_side ? 0 : ml), ml);
	memcpy(k->key, kb + 2 * ml + (client_side ? 0 : kl), kl);
	memcpy(k->iv, kb + 2 * ml + 2 * kl + (client_side ? 0 : il), il);
	memset(kb, 0, sizeof kb);
	return true;
}

/* seq || type || version || length: the MAC's header (RFC 5246 6.2.3.1). */
static void mac_header(uint8_t h[13], uint64_t seq, uint8_t type, uint16_t version, size_t len)
{
	for (int i = 0; i < 8; i++)
		h[7 - i] = (uint8_t)(seq >> (8 * i));
	h[8] = type;
	h[9] = (uint8_t)(version >> 8);
	h[10] = (uint8_t)version;
	h[11] = (uint8_t)(len >> 8);
	h[12] = (uint8_t)len;
}

/* AES-CBC decryption of n bytes (a multiple of 16) after the 16-byte iv. */
static void aes_cbc(const struct tls12_keys *k, const uint8_t *iv, const uint8_t *ct, size_t n,
		    uint8_t *out)
{
	uint8_t v[AES_BLOCK_SIZE];
	union {
		struct aes128_ctx a;
		struct aes256_ctx b;
	} c;

	memcpy(v, iv, sizeof v);
	if (k->suite.key_len == 32) {
		aes256_set_decrypt_key(&c.b, k->key);
		cbc_decrypt(&c.b, (nettle_cipher_func *)aes256_decrypt, AES_BLOCK_SIZE, v, n, out, ct);
	} else {
		aes128_set_decrypt_key(&c.a, k->key);
		cbc_decrypt(&c.a, (nettle_cipher_func *)aes128_decrypt, AES_BLOCK_SIZE, v, n, out, ct);
	}
}

/* A CBC-HMAC record (RFC 5246 6.2.3.2; RFC 7366 with encrypt_then_mac):
 *   MAC-then-encrypt:  | IV (16) | E(content || MAC || padding || padding_length) |
 *   encrypt-then-MAC:  | IV (16) | E(content || padding || padding_length) | MAC |
 * Every padding byte holds padding_length.  Passive decryption: no timing
 * to hide, but the MAC is still compared in constant time. */
static enum tls_open_status cbc_open(struct tls12_keys *k, uint8_t type, uint16_t version,
				     const uint8_t *body, size_t n, uint8_t *out, size_t *out_len)
{
	size_t ml = k->suite.tag_len, ct_len, pad, m;
	uint8_t hdr[13], mac[48];

	if (n > 16384 + 2048 || n < 16 + (k->etm ? ml : 0) + 16)
		return TLS_OPEN_SHORT;
	ct_len = n - 16 - (k->etm ? ml : 0);
	if (ct_len % 16)
		return TLS_OPEN_SHORT;
	if (k->etm) {
		mac_header(hdr, k->seq, type, version, n - ml);
		hmac3(k->suite.mac, k->mac_key, ml, hdr, sizeof hdr, body, n - ml, NULL, 0, mac);
		if (!memeql_sec(mac, body + n - ml, ml))
			return TLS_OPEN_BAD_TAG;
	}
	aes_cbc(k, body, body + 16, ct_len, out);
	pad = out[ct_len - 1];
	if (pad + 1 + (k->etm ? 0 : ml) > ct_len)
		return TLS_OPEN_BAD_PADDING;
	for (size_t i = ct_len - 1 - pad; i < ct_len - 1; i++)
		if (out[i] != pad)
			return TLS_OPEN_BAD_PADDING;
	m = ct_len - pad - 1 - (k->etm ? 0 : ml);
	if (!k->etm) {
		mac_header(hdr, k->seq, type, version, m);
		hmac3(k->suite.mac, k->mac_key, ml, hdr, sizeof hdr, out, m, NULL, 0, mac);
		if (!memeql_sec(mac, out + m, ml))
			return TLS_OPEN_BAD_TAG;
	}
	k->seq++;
	*out_len = m;
	return TLS_OPEN_OK;
}

enum tls_open_status tls12_open(struct tls12_keys *k, uint8_t type, uint16_t version,
				const uint8_t *body, size_t n, uint8_t *out, size_t *out_len)
{
	const struct tls12_suite *su = &k->suite;
	uint8_t nonce[12], aad[13];
	size_t m;

	if (su->mac != TLS_MAC_NONE)
		return cbc_open(k, type, version, body, n, out, out_len);
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
