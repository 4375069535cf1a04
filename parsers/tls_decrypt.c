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
#include <nettle/des.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/md5.h>
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
 * SSL 3.0 to TLS 1.2 (RFC 6101, 2246, 4346, 5246; AEAD records RFC 5288 3,
 * RFC 6655 3, RFC 7905 2):
 *
 *   P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) ...
 *   A(0) = seed, A(i) = HMAC(secret, A(i-1))
 *   TLS 1.2: PRF = P_SHA256 (or the suite's hash); TLS 1.0, 1.1:
 *     PRF = P_MD5(S1, seed) XOR P_SHA1(S2, seed), S1 and S2 the halves of the secret
 *   key_block: [client MAC][server MAC][client key][server key][client IV][server IV]
 *   GCM/CCM record: | explicit nonce (8) | ciphertext | tag |, nonce = IV(4) || explicit
 *   ChaCha20-Poly1305: | ciphertext | tag |, nonce = IV(12) XOR (0^4 || seq)
 *   additional data: seq (8) || type || version || plaintext length (2)
 *   CBC: | IV (TLS 1.1+) | E(content || MAC || padding || padding_length) |
 *     before TLS 1.1 the IV is the previous record's last cipher block
 *   RC4: | E(content || MAC) |, one key stream for the whole direction
 */

bool tls12_suite_info(uint16_t suite, struct tls12_suite *s)
{
#define GCM128 { TLS_AEAD_AES128_GCM, TLS13_SHA256, 16, 4, 8, 16, TLS_MAC_NONE, 0 }
#define GCM256 { TLS_AEAD_AES256_GCM, TLS13_SHA384, 32, 4, 8, 16, TLS_MAC_NONE, 0 }
#define CCM16 { TLS_AEAD_AES128_CCM, TLS13_SHA256, 16, 4, 8, 16, TLS_MAC_NONE, 0 }
#define CCM8 { TLS_AEAD_AES128_CCM8, TLS13_SHA256, 16, 4, 8, 8, TLS_MAC_NONE, 0 }
#define CHACHA { TLS_AEAD_CHACHA20_POLY1305, TLS13_SHA256, 32, 12, 0, 16, TLS_MAC_NONE, 0 }
	/* CBC: the IV (a block) on the wire; the MAC's length as the "tag" */
#define CBC(k, mac, ml, prf) { TLS_AEAD_NONE, prf, k, 0, 16, ml, mac, TLS_BULK_AES_CBC }
#define CBC_SHA1(k) CBC(k, TLS_MAC_SHA1, 20, TLS13_SHA256)
#define CBC_SHA256(k) CBC(k, TLS_MAC_SHA256, 32, TLS13_SHA256)
#define DES3 { TLS_AEAD_NONE, TLS13_SHA256, 24, 0, 8, 20, TLS_MAC_SHA1, TLS_BULK_3DES_CBC }
#define RC4(mac, ml) { TLS_AEAD_NONE, TLS13_SHA256, 16, 0, 0, ml, mac, TLS_BULK_RC4 }
	static const struct {
		uint16_t id;
		struct tls12_suite s;
	} tab[] = {
		{ 0x0004, RC4(TLS_MAC_MD5, 16) }, { 0x0005, RC4(TLS_MAC_SHA1, 20) },
		{ 0x000a, DES3 }, { 0x0013, DES3 }, { 0x0016, DES3 },
		{ 0x002f, CBC_SHA1(16) }, { 0x0032, CBC_SHA1(16) }, { 0x0033, CBC_SHA1(16) },
		{ 0x0035, CBC_SHA1(32) }, { 0x0038, CBC_SHA1(32) },
		{ 0x0039, CBC_SHA1(32) }, { 0x003c, CBC_SHA256(16) }, { 0x003d, CBC_SHA256(32) },
		{ 0x0067, CBC_SHA256(16) }, { 0x006b, CBC_SHA256(32) },
		{ 0x009c, GCM128 }, { 0x009d, GCM256 }, { 0x009e, GCM128 }, { 0x009f, GCM256 },
		{ 0xc007, RC4(TLS_MAC_SHA1, 20) }, { 0xc008, DES3 },
		{ 0xc009, CBC_SHA1(16) }, { 0xc00a, CBC_SHA1(32) }, { 0xc011, RC4(TLS_MAC_SHA1, 20) },
		{ 0xc012, DES3 }, { 0xc013, CBC_SHA1(16) },
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
#undef DES3
#undef RC4

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].id == suite) {
			*s = tab[i].s;
			return true;
		}
	return false;
}

static const struct nettle_hash *mac_hash(enum tls_mac mac)
{
	switch (mac) {
	case TLS_MAC_SHA1: return &nettle_sha1;
	case TLS_MAC_SHA384: return &nettle_sha384;
	case TLS_MAC_MD5: return &nettle_md5;
	default: return &nettle_sha256;
	}
}

union hash_ctx {
	struct md5_ctx m;
	struct sha1_ctx a;
	struct sha256_ctx b;
	struct sha512_ctx c;
};

/* HMAC (RFC 2104) with the MAC's hash over the concatenation of up to
 * three parts (NULL parts skipped) into out (the hash's length). */
static void hmac3(enum tls_mac mac, const uint8_t *key, size_t klen, const uint8_t *p1,
		  size_t n1, const uint8_t *p2, size_t n2, const uint8_t *p3, size_t n3,
		  uint8_t *out)
{
	const struct nettle_hash *h = mac_hash(mac);
	union hash_ctx outer, inner, state;

	hmac_set_key(&outer, &inner, &state, h, klen, key);
	hmac_update(&state, h, n1, p1);
	if (p2)
		hmac_update(&state, h, n2, p2);
	if (p3)
		hmac_update(&state, h, n3, p3);
	hmac_digest(&outer, &inner, &state, h, h->digest_size, out);
}

/* P_hash with HMAC over the MAC's hash, XORed into out (len bytes) when
 * xor, else written there. */
static void p_hash(enum tls_mac m, const uint8_t *secret, size_t slen, const uint8_t *seed,
		   size_t seed_len, uint8_t *out, size_t len, bool xor)
{
	uint8_t a[TLS13_MAX_HASH], block[TLS13_MAX_HASH];
	size_t hl = mac_hash(m)->digest_size;

	hmac3(m, secret, slen, seed, seed_len, NULL, 0, NULL, 0, a);
	for (size_t done = 0; done < len; done += hl) {
		hmac3(m, secret, slen, a, hl, seed, seed_len, NULL, 0, block);
		for (size_t i = 0; i < hl && done + i < len; i++)
			out[done + i] = (uint8_t)((xor ? out[done + i] : 0) ^ block[i]);
		hmac3(m, secret, slen, a, hl, NULL, 0, NULL, 0, a);
	}
	memset(block, 0, sizeof block);
}

/* SSL 3.0's key block (RFC 6101 6.2.2): 16-byte MD5 blocks,
 * MD5(master + SHA1(letters + master + seed)) with "A", "BB", "CCC" ... */
static bool ssl3_key_block(const uint8_t master[48], const uint8_t seed[64], uint8_t *out,
			   size_t len)
{
	struct md5_ctx md5;
	struct sha1_ctx sha;
	uint8_t letters[26], inner[SHA1_DIGEST_SIZE], block[MD5_DIGEST_SIZE];

	if (len > 26 * MD5_DIGEST_SIZE)
		return false;
	for (size_t i = 0, done = 0; done < len; i++, done += MD5_DIGEST_SIZE) {
		memset(letters, 'A' + (int)i, i + 1);
		sha1_init(&sha);
		sha1_update(&sha, i + 1, letters);
		sha1_update(&sha, 48, master);
		sha1_update(&sha, 64, seed);
		sha1_digest(&sha, sizeof inner, inner);
		md5_init(&md5);
		md5_update(&md5, 48, master);
		md5_update(&md5, sizeof inner, inner);
		md5_digest(&md5, sizeof block, block);
		memcpy(out + done, block, len - done < sizeof block ? len - done : sizeof block);
	}
	memset(inner, 0, sizeof inner);
	memset(block, 0, sizeof block);
	return true;
}

/* The suite's layout at the version: false when the version cannot carry it. */
static bool legacy_layout(struct tls12_suite *s, uint16_t version)
{
	uint8_t block = s->bulk == TLS_BULK_3DES_CBC ? 8 : s->bulk == TLS_BULK_RC4 ? 0 : 16;

	if (version < 0x0300 || version > 0x0303)
		return false;
	if (s->aead == TLS_AEAD_NONE && s->bulk != TLS_BULK_RC4)
		s->explicit_len = block;
	if (version == 0x0303)
		return true;
	if (s->aead != TLS_AEAD_NONE || (s->mac != TLS_MAC_SHA1 && s->mac != TLS_MAC_MD5))
		return false;
	if (version < 0x0302 && s->bulk != TLS_BULK_RC4) {
		s->iv_len = block;      /* implicit IV from the key block */
		s->explicit_len = 0;
	}
	return true;
}

bool tls12_keys_init(struct tls12_keys *k, const struct tls12_suite *suite, uint16_t version,
		     const uint8_t master[48], const uint8_t client_random[32],
		     const uint8_t server_random[32], bool client_side)
{
	uint8_t seed[13 + 64], kb[2 * 48 + 2 * 32 + 2 * 16];
	struct tls12_suite s = *suite;
	size_t kl = s.key_len, il, ml = s.mac != TLS_MAC_NONE ? s.tag_len : 0, need;

	if (!legacy_layout(&s, version))
		return false;
	il = s.iv_len;
	if (kl > 32 || il > 16 || ml > 48)
		return false;
	need = 2 * ml + 2 * kl + 2 * il;
	memcpy(seed, "key expansion", 13);
	memcpy(seed + 13, server_random, 32);
	memcpy(seed + 45, client_random, 32);
	if (version == 0x0300) {
		if (!ssl3_key_block(master, seed + 13, kb, need))
			return false;
	} else if (version < 0x0303) {
		/* RFC 2246 5: the halves of the 48-byte secret, 24 bytes each */
		p_hash(TLS_MAC_MD5, master, 24, seed, sizeof seed, kb, need, false);
		p_hash(TLS_MAC_SHA1, master + 24, 24, seed, sizeof seed, kb, need, true);
	} else {
		p_hash(s.hash == TLS13_SHA384 ? TLS_MAC_SHA384 : TLS_MAC_SHA256, master, 48, seed,
		       sizeof seed, kb, need, false);
	}
	memset(k, 0, sizeof *k);
	k->suite = s;
	k->version = version;
	memcpy(k->mac_key, kb + (client_side ? 0 : ml), ml);
	memcpy(k->key, kb + 2 * ml + (client_side ? 0 : kl), kl);
	memcpy(k->iv, kb + 2 * ml + 2 * kl + (client_side ? 0 : il), il);
	memset(kb, 0, sizeof kb);
	return true;
}

/* seq || type || version || length: the MAC's header (RFC 5246 6.2.3.1);
 * SSL 3.0's has no version (11 bytes).  Returns its length. */
static size_t mac_header(uint8_t h[13], uint64_t seq, uint8_t type, uint16_t version,
			 size_t len, bool ssl3)
{
	size_t o = 9;

	for (int i = 0; i < 8; i++)
		h[7 - i] = (uint8_t)(seq >> (8 * i));
	h[8] = type;
	if (!ssl3) {
		h[9] = (uint8_t)(version >> 8);
		h[10] = (uint8_t)version;
		o = 11;
	}
	h[o] = (uint8_t)(len >> 8);
	h[o + 1] = (uint8_t)len;
	return o + 2;
}

/* One of SSL 3.0's two hashes: hash(secret + pad + part1 + part2), the pad
 * 48 (MD5) or 40 (SHA-1) times the byte. */
static void ssl3_hash(const struct nettle_hash *h, const uint8_t *key, uint8_t byte,
		      const uint8_t *p1, size_t n1, const uint8_t *p2, size_t n2, uint8_t *out)
{
	union hash_ctx c;
	uint8_t pad[48];
	size_t ml = h->digest_size, pl = ml == MD5_DIGEST_SIZE ? 48 : 40;

	memset(pad, byte, pl);
	h->init(&c);
	h->update(&c, ml, key);
	h->update(&c, pl, pad);
	h->update(&c, n1, p1);
	h->update(&c, n2, p2);
	h->digest(&c, ml, out);
}

/* SSL 3.0's MAC (RFC 6101 5.2.3.1):
 *   hash(secret + pad_2 + hash(secret + pad_1 + seq + type + length + content)),
 * pad_1 = 0x36 and pad_2 = 0x5c. */
static void ssl3_mac(enum tls_mac mac, const uint8_t *key, const uint8_t *hdr, size_t hn,
		     const uint8_t *data, size_t n, uint8_t *out)
{
	const struct nettle_hash *h = mac_hash(mac);
	uint8_t inner[SHA1_DIGEST_SIZE];

	ssl3_hash(h, key, 0x36, hdr, hn, data, n, inner);
	ssl3_hash(h, key, 0x5c, inner, h->digest_size, NULL, 0, out);
}

/* True when the record MAC over hdr-fields || data matches the ml bytes at want. */
static bool mac_ok(const struct tls12_keys *k, uint8_t type, uint16_t version,
		   const uint8_t *data, size_t n, const uint8_t *want)
{
	uint8_t hdr[13], mac[48];
	size_t hn = mac_header(hdr, k->seq, type, version, n, k->version == 0x0300);
	size_t ml = k->suite.tag_len;

	if (k->version == 0x0300)
		ssl3_mac(k->suite.mac, k->mac_key, hdr, hn, data, n, mac);
	else
		hmac3(k->suite.mac, k->mac_key, ml, hdr, hn, data, n, NULL, 0, mac);
	return memeql_sec(mac, want, ml) != 0;
}

/* CBC decryption of n bytes (a multiple of the block) with iv (one block). */
static void cbc_run(const struct tls12_keys *k, const uint8_t *iv, const uint8_t *ct, size_t n,
		    uint8_t *out)
{
	uint8_t v[AES_BLOCK_SIZE];
	union {
		struct aes128_ctx a;
		struct aes256_ctx b;
		struct des3_ctx d;
	} c;

	if (k->suite.bulk == TLS_BULK_3DES_CBC) {
		memcpy(v, iv, DES3_BLOCK_SIZE);
		des3_set_key(&c.d, k->key);     /* weak-key status: irrelevant to opening */
		cbc_decrypt(&c.d, (nettle_cipher_func *)des3_decrypt, DES3_BLOCK_SIZE, v, n, out,
			    ct);
	} else if (k->suite.key_len == 32) {
		memcpy(v, iv, AES_BLOCK_SIZE);
		aes256_set_decrypt_key(&c.b, k->key);
		cbc_decrypt(&c.b, (nettle_cipher_func *)aes256_decrypt, AES_BLOCK_SIZE, v, n, out, ct);
	} else {
		memcpy(v, iv, AES_BLOCK_SIZE);
		aes128_set_decrypt_key(&c.a, k->key);
		cbc_decrypt(&c.a, (nettle_cipher_func *)aes128_decrypt, AES_BLOCK_SIZE, v, n, out, ct);
	}
}

/* The padding of a decrypted CBC record of ct_len bytes, room bytes at
 * least left for content and MAC: its length with the length byte, or 0
 * when malformed.  TLS: every padding byte holds the padding length; SSL
 * 3.0: any bytes, shorter than a block (RFC 6101 5.2.3.2). */
static size_t cbc_padding(const struct tls12_keys *k, const uint8_t *out, size_t ct_len,
			  size_t room, size_t block)
{
	size_t pad = out[ct_len - 1];

	if (pad + 1 + room > ct_len)
		return 0;
	if (k->version == 0x0300)
		return pad < block ? pad + 1 : 0;
	for (size_t i = ct_len - 1 - pad; i < ct_len - 1; i++)
		if (out[i] != pad)
			return 0;
	return pad + 1;
}

/* A CBC record (RFC 5246 6.2.3.2; RFC 7366 with encrypt_then_mac):
 *   MAC-then-encrypt:  | IV | E(content || MAC || padding || padding_length) |
 *   encrypt-then-MAC:  | IV | E(content || padding || padding_length) | MAC |
 * The IV is on the wire from TLS 1.1 on (explicit_len), else k->iv.
 * Passive decryption: no timing to hide, but the MAC is still compared in
 * constant time. */
static enum tls_open_status cbc_open(struct tls12_keys *k, uint8_t type, uint16_t version,
				     const uint8_t *body, size_t n, uint8_t *out, size_t *out_len)
{
	size_t ml = k->suite.tag_len, ex = k->suite.explicit_len, ct_len, pad, m;
	size_t block = k->suite.bulk == TLS_BULK_3DES_CBC ? 8 : 16;
	size_t tail = k->etm ? ml : 0;

	if (n > 16384 + 2048 || n < ex + tail + block)
		return TLS_OPEN_SHORT;
	ct_len = n - ex - tail;
	if (ct_len % block)
		return TLS_OPEN_SHORT;
	if (k->etm && !mac_ok(k, type, version, body, n - ml, body + n - ml))
		return TLS_OPEN_BAD_TAG;
	cbc_run(k, ex ? body : k->iv, body + ex, ct_len, out);
	pad = cbc_padding(k, out, ct_len, k->etm ? 0 : ml, block);
	if (!pad)
		return TLS_OPEN_BAD_PADDING;
	m = ct_len - pad - (k->etm ? 0 : ml);
	if (!k->etm && !mac_ok(k, type, version, out, m, out + m))
		return TLS_OPEN_BAD_TAG;
	if (!ex)
		memcpy(k->iv, body + ex + ct_len - block, block);
	k->seq++;
	*out_len = m;
	return TLS_OPEN_OK;
}

/* An RC4 record: | E(content || MAC) |, the key stream continuing from
 * the direction's previous record. */
static enum tls_open_status rc4_open(struct tls12_keys *k, uint8_t type, uint16_t version,
				     const uint8_t *body, size_t n, uint8_t *out, size_t *out_len)
{
	size_t ml = k->suite.tag_len;
	struct arcfour_ctx c;

	if (n > 16384 + 2048 || n < ml)
		return TLS_OPEN_SHORT;
	if (!k->rc4_ready) {
		arcfour_set_key(&k->rc4, k->suite.key_len, k->key);
		k->rc4_ready = true;
	}
	c = k->rc4;
	arcfour_crypt(&c, n, out, body);
	if (!mac_ok(k, type, version, out, n - ml, out + n - ml)) {
		memset(&c, 0, sizeof c);
		return TLS_OPEN_BAD_TAG;
	}
	k->rc4 = c;
	memset(&c, 0, sizeof c);
	k->seq++;
	*out_len = n - ml;
	return TLS_OPEN_OK;
}

enum tls_open_status tls12_open(struct tls12_keys *k, uint8_t type, uint16_t version,
				const uint8_t *body, size_t n, uint8_t *out, size_t *out_len)
{
	const struct tls12_suite *su = &k->suite;
	uint8_t nonce[12], aad[13];
	size_t m;

	if (su->mac != TLS_MAC_NONE)
		return su->bulk == TLS_BULK_RC4 ? rc4_open(k, type, version, body, n, out, out_len) :
						  cbc_open(k, type, version, body, n, out, out_len);
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
	mac_header(aad, k->seq, type, version, m, false);
	if (!tls_aead_open(su->aead, k->key, nonce, 12, aad, sizeof aad, body + su->explicit_len,
			   n - su->explicit_len, out))
		return TLS_OPEN_BAD_TAG;
	k->seq++;
	*out_len = m;
	return TLS_OPEN_OK;
}
