/*
 * quic_crypto.c - Initial packet protection as an observer removes it:
 * RFC 9001 5.2 (Initial secrets), 5.1 (key, iv, hp), 5.3 (AEAD_AES_128_GCM
 * with the nonce iv XOR packet number), 5.4.1/5.4.3 (AES-ECB header
 * protection), RFC 9369 3.3 (v2 salt and labels).  All cryptography is
 * Nettle's; nothing here is a hand-written cipher.
 *
 *   initial_secret = HKDF-Extract(salt, client DCID)
 *   client_secret  = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 *   server_secret  = HKDF-Expand-Label(initial_secret, "server in", "", 32)
 *   key/iv/hp      = HKDF-Expand-Label(secret, "quic key"|"quic iv"|"quic hp")
 *
 *   sample = 16 bytes at packet-number offset + 4
 *   mask   = AES-ECB(hp, sample)[0..4]; first ^= mask[0] & 0x0f;
 *   pn bytes ^= mask[1..pn_len]
 */
#include "quic.h"
#include "tls13_kdf.h"

#include <string.h>

#include <nettle/aes.h>
#include <nettle/gcm.h>
#include <nettle/hkdf.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>

/* HKDF-Expand-Label(secret, "tls13 " + label, "", len) with SHA-256: the
 * TLS 1.3 key schedule's.  The lengths here are fixed and in range. */
static void expand(const uint8_t secret[32], const char *label, uint8_t *out, size_t len)
{
	(void)tls13_expand_label(TLS13_SHA256, secret, 32, label, NULL, 0, out, len);
}

bool quic_initial_secrets(uint32_t v, const uint8_t *dcid, size_t dcid_len,
			  uint8_t initial[32], uint8_t client[32], uint8_t server[32])
{
	struct quic_vinfo vi;
	struct hmac_sha256_ctx ctx;

	if (!quic_version_info(v, &vi) || !vi.salt)
		return false;
	hmac_sha256_set_key(&ctx, 20, vi.salt);
	hkdf_extract(&ctx, (nettle_hash_update_func *)hmac_sha256_update,
		     (nettle_hash_digest_func *)hmac_sha256_digest, SHA256_DIGEST_SIZE,
		     dcid_len, dcid, initial);
	expand(initial, "client in", client, 32);
	expand(initial, "server in", server, 32);
	return true;
}

void quic_keys_from_secret(const uint8_t secret[32], bool v2, struct quic_keys *k)
{
	expand(secret, v2 ? "quicv2 key" : "quic key", k->key, sizeof k->key);
	expand(secret, v2 ? "quicv2 iv" : "quic iv", k->iv, sizeof k->iv);
	expand(secret, v2 ? "quicv2 hp" : "quic hp", k->hp, sizeof k->hp);
}

bool quic_initial_keys(uint32_t v, const uint8_t *dcid, size_t dcid_len,
		       struct quic_keys *client, struct quic_keys *server)
{
	uint8_t init[32], cs[32], ss[32];
	struct quic_vinfo vi;

	if (!quic_version_info(v, &vi) || !quic_initial_secrets(v, dcid, dcid_len, init, cs, ss))
		return false;
	quic_keys_from_secret(cs, vi.v2, client);
	quic_keys_from_secret(ss, vi.v2, server);
	return true;
}

void quic_hp_mask(const uint8_t hp[16], const uint8_t sample[16], uint8_t mask[5])
{
	struct aes128_ctx aes;
	uint8_t block[16];

	aes128_set_encrypt_key(&aes, hp);
	aes128_encrypt(&aes, 16, block, sample);
	memcpy(mask, block, 5);
}

enum quic_status quic_unprotect(const struct quic_keys *k, const struct quic_packet *pk,
				uint64_t largest_pn, uint8_t *out, size_t out_cap,
				size_t *out_len, uint64_t *pn, struct anom_set *a)
{
	struct gcm_aes128_ctx gcm;
	uint8_t mask[5], nonce[12], tag[QUIC_TAG_LEN];
	size_t off = pk->hdr_len, pn_len, ct_len;
	uint64_t trunc = 0;

	if (pk->len > out_cap || off + 4 + 16 > pk->len) {
		anom_add(a, "quic_bad_length");
		return QUIC_BAD;
	}
	quic_hp_mask(k->hp, pk->start + off + 4, mask);
	/* The header, unmasked, is the AAD; build it in out, then decrypt over it. */
	memcpy(out, pk->start, off);
	out[0] = (uint8_t)(pk->first ^ (mask[0] & ((pk->first & 0x80) ? 0x0f : 0x1f)));
	pn_len = (size_t)(out[0] & 3) + 1;
	if (off + pn_len + QUIC_TAG_LEN > pk->len) {
		anom_add(a, "quic_bad_length");
		return QUIC_BAD;
	}
	for (size_t i = 0; i < pn_len; i++) {
		out[off + i] = pk->start[off + i] ^ mask[1 + i];
		trunc = trunc << 8 | out[off + i];
	}
	*pn = quic_pn_decode(largest_pn, trunc, (unsigned)(8 * pn_len));
	memcpy(nonce, k->iv, 12);
	for (unsigned i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(*pn >> (8 * i));
	ct_len = pk->len - off - pn_len - QUIC_TAG_LEN;

	gcm_aes128_set_key(&gcm, k->key);
	gcm_aes128_set_iv(&gcm, 12, nonce);
	gcm_aes128_update(&gcm, off + pn_len, out);
	gcm_aes128_decrypt(&gcm, ct_len, out, pk->start + off + pn_len);
	gcm_aes128_digest(&gcm, QUIC_TAG_LEN, tag);
	if (!memeql_sec(tag, pk->start + off + pn_len + ct_len, QUIC_TAG_LEN)) {
		anom_add(a, "quic_decrypt_failed");
		return QUIC_BAD;
	}
	*out_len = ct_len;
	return QUIC_OK;
}

/* The Retry pseudo-packet: 1 + 20 bytes of ODCID, then the packet. */
#define RETRY_MAX (1 + QUIC_MAX_CID + 65536)

int quic_retry_verify(const struct quic_packet *pk, const struct quic_cid *odcid)
{
	/* RFC 9001 5.8 and RFC 9369 3.3.3: fixed, public key and nonce. */
	static const uint8_t key_v1[16] = { 0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,
					    0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e };
	static const uint8_t nonce_v1[12] = { 0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63,
					      0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb };
	static const uint8_t key_v2[16] = { 0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2,
					    0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92 };
	static const uint8_t nonce_v2[12] = { 0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c,
					      0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a };
	static _Thread_local uint8_t pseudo[RETRY_MAX];
	struct gcm_aes128_ctx gcm;
	uint8_t tag[QUIC_TAG_LEN];
	size_t body;

	if (pk->type != QUIC_PT_RETRY || !pk->tag || (pk->version != QUIC_V1 && pk->version != QUIC_V2))
		return -1;
	body = (size_t)(pk->tag - pk->start);
	if (odcid->len > QUIC_MAX_CID || body > RETRY_MAX - 1 - QUIC_MAX_CID)
		return 0;
	pseudo[0] = odcid->len;
	memcpy(pseudo + 1, odcid->b, odcid->len);
	memcpy(pseudo + 1 + odcid->len, pk->start, body);
	gcm_aes128_set_key(&gcm, pk->version == QUIC_V1 ? key_v1 : key_v2);
	gcm_aes128_set_iv(&gcm, 12, pk->version == QUIC_V1 ? nonce_v1 : nonce_v2);
	gcm_aes128_update(&gcm, 1 + odcid->len + body, pseudo);
	gcm_aes128_digest(&gcm, QUIC_TAG_LEN, tag);
	return memeql_sec(tag, pk->tag, QUIC_TAG_LEN) ? 1 : 0;
}
