/*
 * tt_seal.h - a TLS 1.3 record sealed here with Nettle, as RFC 8446 5.2
 * says, for the tests that open records (test_tls_decrypt.c) or feed them
 * to a session (test_session.c).  AES-256-GCM, ChaCha20-Poly1305 and the
 * AES-128-CCM suites; include after parsers/tls_decrypt.h.
 */
#ifndef TT_SEAL_H
#define TT_SEAL_H

#include <stdint.h>
#include <string.h>

#include <nettle/ccm.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>

/* Seals inner (n bytes) with the suite's AEAD for record seq, as RFC 8446
 * 5.2 says, using Nettle directly; returns the record's total length. */
static inline size_t seal(const struct tls13_keys *k, uint64_t seq, const uint8_t *inner, size_t n,
		   uint8_t *rec)
{
	uint8_t nonce[12];
	size_t tl = k->suite.tag_len, clen = n + tl;

	memcpy(nonce, k->iv, 12);
	for (int i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(seq >> (8 * i));
	rec[0] = 23, rec[1] = 3, rec[2] = 3, rec[3] = (uint8_t)(clen >> 8), rec[4] = (uint8_t)clen;
	switch (k->suite.aead) {
	case TLS_AEAD_AES256_GCM: {
		struct gcm_aes256_ctx c;

		gcm_aes256_set_key(&c, k->key);
		gcm_aes256_set_iv(&c, 12, nonce);
		gcm_aes256_update(&c, 5, rec);
		gcm_aes256_encrypt(&c, n, rec + 5, inner);
		gcm_aes256_digest(&c, 16, rec + 5 + n);
		break;
	}
	case TLS_AEAD_CHACHA20_POLY1305: {
		struct chacha_poly1305_ctx c;

		chacha_poly1305_set_key(&c, k->key);
		chacha_poly1305_set_nonce(&c, nonce);
		chacha_poly1305_update(&c, 5, rec);
		chacha_poly1305_encrypt(&c, n, rec + 5, inner);
		chacha_poly1305_digest(&c, 16, rec + 5 + n);
		break;
	}
	case TLS_AEAD_AES128_CCM:
	case TLS_AEAD_AES128_CCM8: {
		struct ccm_aes128_ctx c;

		ccm_aes128_set_key(&c, k->key);
		ccm_aes128_encrypt_message(&c, 12, nonce, 5, rec, tl, clen, rec + 5, inner);
		break;
	}
	default:
		return 0;
	}
	return 5 + clen;
}

#endif
