/*
 * tls_decrypt.h - TLS 1.3 record protection (RFC 8446 section 5.2-5.3,
 * 7.3): traffic keys from a traffic secret, and the opening of one
 * protected record.  The AEADs are Nettle's (AES-GCM, ChaCha20-Poly1305,
 * AES-CCM); nothing here encrypts, and nothing here keeps a record.
 *
 * Ownership: struct tls13_keys holds key material by value; callers wipe
 * it (tls13_keys_wipe) when they drop it.  Keys are never written out.
 */
#ifndef TLSTAP_TLS_DECRYPT_H
#define TLSTAP_TLS_DECRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nettle/arcfour.h>

#include "tls13_kdf.h"

enum tls_aead {
	TLS_AEAD_NONE = 0,
	TLS_AEAD_AES128_GCM,
	TLS_AEAD_AES256_GCM,
	TLS_AEAD_CHACHA20_POLY1305,
	TLS_AEAD_AES128_CCM,
	TLS_AEAD_AES128_CCM8,
};

/* What a TLS 1.3 cipher suite (0x1301..0x1305) protects records with. */
struct tls13_suite {
	enum tls_aead aead;
	enum tls13_hash hash;
	uint8_t key_len;                /* 16 or 32 */
	uint8_t tag_len;                /* 16, or 8 for CCM_8 */
};

/* The suite's AEAD and hash; false (s untouched) for a suite this
 * decryptor does not support. */
bool tls13_suite_info(uint16_t suite, struct tls13_suite *s);

/* One direction's record protection state. */
struct tls13_keys {
	struct tls13_suite suite;
	uint8_t key[32];
	uint8_t iv[12];
	uint64_t seq;                   /* records opened so far */
};

/* key = HKDF-Expand-Label(secret, "key", "", key_len),
 * iv = HKDF-Expand-Label(secret, "iv", "", 12), seq = 0.  secret_len must
 * be the suite's hash length.  False on a length mismatch. */
bool tls13_keys_init(struct tls13_keys *k, const struct tls13_suite *suite,
		     const uint8_t *secret, size_t secret_len);
void tls13_keys_wipe(struct tls13_keys *k);

enum tls_open_status {
	TLS_OPEN_OK = 0,
	TLS_OPEN_SHORT,                 /* shorter than the tag, or longer than 2^14 + 256 */
	TLS_OPEN_BAD_TAG,               /* the AEAD tag does not verify: wrong key or altered */
	TLS_OPEN_NO_TYPE,               /* plaintext is only zero padding (RFC 8446 5.4) */
	TLS_OPEN_BAD_PADDING,           /* TLS 1.2 CBC: the block padding is malformed */
};

/* Opens one TLS 1.3 record: hdr is its 5-byte header (the additional
 * data), ct its n-byte body.  The plaintext (at most n - tag bytes) goes to
 * out (n bytes of room), its length without the inner type and padding to
 * *out_len, the inner content type to *type.  The sequence number advances
 * only when the tag verified.  On failure out holds nothing meaningful. */
enum tls_open_status tls13_open(struct tls13_keys *k, const uint8_t hdr[5],
				const uint8_t *ct, size_t n, uint8_t *out, size_t *out_len,
				uint8_t *type);

/* ---- SSL 3.0 to TLS 1.2 (RFC 6101, 2246, 4346, 5246; AEAD: 5288, 6655, 7905) ---- */

/* The MAC of a MAC-and-cipher suite (RFC 5246 6.2.3.1; SSL 3.0: RFC 6101 5.2.3.1). */
enum tls_mac {
	TLS_MAC_NONE = 0,               /* an AEAD suite */
	TLS_MAC_SHA1,
	TLS_MAC_SHA256,
	TLS_MAC_SHA384,
	TLS_MAC_MD5,
};

/* The cipher of a suite without AEAD. */
enum tls_bulk {
	TLS_BULK_AES_CBC = 0,
	TLS_BULK_3DES_CBC,
	TLS_BULK_RC4,                   /* a stream: no IV, no padding */
};

struct tls12_suite {
	enum tls_aead aead;             /* TLS_AEAD_NONE: bulk with mac */
	enum tls13_hash hash;           /* the TLS 1.2 PRF's hash */
	uint8_t key_len;
	uint8_t iv_len;                 /* fixed IV: 4 (GCM, CCM) or 12 (ChaCha20-Poly1305);
					 * CBC: the block (implicit IV, before TLS 1.1) or 0 */
	uint8_t explicit_len;           /* per-record nonce or IV on the wire: 8, 0, or the
					 * CBC block (TLS 1.1 and later) */
	uint8_t tag_len;                /* AEAD tag, or the MAC's length */
	enum tls_mac mac;
	enum tls_bulk bulk;             /* without AEAD */
};

/* A suite's TLS 1.2 record layout: ECDHE/DHE/RSA with AES-GCM,
 * AES-CCM(_8), ChaCha20-Poly1305, AES-CBC with HMAC-SHA1/-SHA256/-SHA384,
 * 3DES-EDE-CBC-SHA, RC4-128 with MD5 or SHA-1; false for anything else.
 * tls12_keys_init adapts it to older versions. */
bool tls12_suite_info(uint16_t suite, struct tls12_suite *s);

struct tls12_keys {
	struct tls12_suite suite;
	uint16_t version;               /* 0x0300 (SSL 3.0) .. 0x0303; 0 counts as TLS 1.2 */
	uint8_t key[32];
	uint8_t iv[16];                 /* AEAD fixed IV; CBC before TLS 1.1: the next record's
					 * IV, the last cipher block of the previous one */
	uint8_t mac_key[48];            /* MAC-and-cipher suites */
	bool etm;                       /* encrypt_then_mac negotiated (RFC 7366): the
					 * caller sets it after tls12_keys_init */
	bool rc4_ready;                 /* rc4 holds the stream's state */
	struct arcfour_ctx rc4;
	uint64_t seq;
};

/* One side's keys of a session of version (0x0300..0x0303) from the
 * 48-byte master secret (CLIENT_RANDOM line):
 *   TLS 1.2:        key_block = PRF(master, "key expansion", server_random + client_random)
 *   TLS 1.0, 1.1:   the same with PRF = P_MD5 XOR P_SHA1 (RFC 2246 5)
 *   SSL 3.0:        MD5(master + SHA1("A" + master + server_random + client_random)) +
 *                   MD5(master + SHA1("BB" + ...)) + ...        (RFC 6101 6.2.2)
 * Before TLS 1.1 a CBC suite's first IVs come from the key block.  False
 * for a suite the version cannot carry (AEAD and SHA-256/384 MACs need TLS
 * 1.2) or an unsupported layout. */
bool tls12_keys_init(struct tls12_keys *k, const struct tls12_suite *suite, uint16_t version,
		     const uint8_t master[48], const uint8_t client_random[32],
		     const uint8_t server_random[32], bool client_side);

/* Opens one record of the type and version (the additional data
 * is seq || type || version || plaintext length): body is n bytes (explicit
 * nonce, ciphertext, tag; CBC: IV (TLS 1.1+), ciphertext with the MAC and
 * padding inside, or after it with encrypt_then_mac; RC4: ciphertext with
 * the MAC inside), the plaintext goes to out (n bytes of room).  The
 * sequence number, the implicit IV and the RC4 stream advance only when the
 * tag or MAC verified.  TLS CBC padding that is not n+1 bytes of value n
 * (RFC 5246 6.2.3.2), SSL 3.0 padding not shorter than a block, is
 * TLS_OPEN_BAD_PADDING. */
enum tls_open_status tls12_open(struct tls12_keys *k, uint8_t type, uint16_t version,
				const uint8_t *body, size_t n, uint8_t *out, size_t *out_len);

/* The AEAD itself: decrypts ct (n bytes, the tag last) with key, a 12-byte
 * (7..13 for CCM) nonce and the additional data into out (n - tag bytes).
 * True when the tag verified. */
bool tls_aead_open(enum tls_aead a, const uint8_t *key, const uint8_t *nonce,
		   size_t nonce_len, const uint8_t *aad, size_t aad_len, const uint8_t *ct,
		   size_t n, uint8_t *out);
/* The AEAD's tag length (16, 8 for CCM_8, 0 for none). */
size_t tls_aead_tag_len(enum tls_aead a);

#endif
