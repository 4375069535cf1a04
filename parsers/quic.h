/*
 * quic.h - QUIC packets as a passive observer sees them: the invariant and
 * version-specific headers (RFC 8999, RFC 9000 17, RFC 9369 3.2, drafts
 * 23..34, Google QUIC Q046/Q050/T050/T051), Initial packet protection
 * (RFC 9001 5; quic_crypto.c, Nettle), frames and the CRYPTO stream
 * (RFC 9000 12.4, 19; quic_frames.c), transport parameters (RFC 9000 18;
 * quic_tp.c) and the Google QUIC CHLO (gquic.c).
 *
 *   Long header (first bit 1)                 Short header (first bit 0)
 *   +-+-+-+-+-+-+-+-+                         +-+-+-+-+-+-+-+-+
 *   |1|1|T T|X X X X|  (X protected)          |0|1|S|R R|K|P P|
 *   +-+-+-+-+-+-+-+-+----------------+        +-+-+-+-+-+-+-+-+
 *   | Version (32)                   |        | DCID (length known only
 *   +-------+------------------------+        |  to the endpoints)
 *   | DCIL  | DCID (0..20) | SCIL | SCID (0..20)
 *   +-------+--------------+------+-----------------------------+
 *   | Initial: Token Length (i), Token  |  Retry: Token, Tag (16)
 *   | Length (i) | Packet Number (8..32, protected) | Payload   |
 *   +------------------------------------------------------------+
 *
 * Everything here is a pure function over bytes in memory (a UDP payload or
 * a decrypted packet).  Wire reads go through cursor.h; malformed input is a
 * named anomaly (README "Anomalies") and a QUIC_BAD answer, never an abort.
 */
#ifndef TLSTAP_QUIC_H
#define TLSTAP_QUIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "cursor.h"

#define QUIC_MAX_CID 20
#define QUIC_V1      0x00000001u
#define QUIC_V2      0x6b3343cfu
#define QUIC_TAG_LEN 16

enum quic_status {
	QUIC_OK = 0,
	QUIC_SHORT = 1,   /* the bytes end before the packet does (truncated) */
	QUIC_BAD = 2,     /* not a QUIC packet this parser can read */
};

/* A variable-length integer (RFC 9000 16): 1, 2, 4 or 8 bytes. */
bool quic_varint(struct cur *c, uint64_t *v);

/* What a version number means to a decoder. */
enum quic_family {
	QUIC_FAM_UNKNOWN = 0,
	QUIC_FAM_IETF,       /* v1, v2, drafts: TLS 1.3 in CRYPTO frames */
	QUIC_FAM_GQUIC_TLS,  /* T050, T051: TLS in gQUIC frame 0x08 */
	QUIC_FAM_GQUIC_Q050, /* Q050: CHLO in gQUIC frame 0x08, protected */
	QUIC_FAM_GQUIC_OLD,  /* Q024..Q049: CHLO in a stream-1 frame, clear */
};

struct quic_vinfo {
	enum quic_family family;
	const uint8_t *salt;  /* 20-byte Initial salt, NULL if not protected */
	bool v2;              /* RFC 9369 packet types and "quicv2" labels */
	bool varint_tp;       /* transport parameters use varints (draft >= 28) */
	char name[12];        /* "1", "2", "draft-29", "Q050", ... */
};

/* Fills *vi for version v and returns true when it is a known version. */
bool quic_version_info(uint32_t v, struct quic_vinfo *vi);
/* Versions 0x?a?a?a?a are reserved to exercise Version Negotiation (RFC
 * 9000 15); their packets follow the v1 layout in practice. */
static inline bool quic_version_reserved(uint32_t v)
{
	return (v & 0x0f0f0f0fu) == 0x0a0a0a0au;
}

/* The version as text (the known name, else 8 hex digits) into buf[12];
 * returns buf. */
const char *quic_version_name(uint32_t v, char buf[12]);

enum quic_ptype {
	QUIC_PT_INITIAL = 0,
	QUIC_PT_0RTT,
	QUIC_PT_HANDSHAKE,
	QUIC_PT_RETRY,
	QUIC_PT_VN,      /* Version Negotiation (version 0) */
	QUIC_PT_SHORT,   /* 1-RTT: only the first byte and the rest's length */
	QUIC_PT_GQUIC,   /* Q043..Q049 public header: see gquic.h */
};

struct quic_cid {
	uint8_t len;
	uint8_t b[QUIC_MAX_CID];
};

/*
 * One packet of a datagram.  Pointers refer to the datagram passed to
 * quic_packet_parse() and are valid as long as it is.
 *  - Initial/0-RTT/Handshake: hdr_len is the offset of the (protected)
 *    packet number; len the whole packet (header + Length bytes).
 *  - Retry: token = the Retry token, tag = its 16-byte integrity tag.
 *  - VN: versions = the supported-version list (n_versions of them).
 */
struct quic_packet {
	enum quic_ptype type;
	uint8_t first;
	uint32_t version;
	struct quic_cid dcid, scid;
	const uint8_t *token;
	size_t token_len;
	const uint8_t *tag;
	const uint8_t *versions;
	size_t n_versions;
	const uint8_t *start;
	size_t hdr_len;
	size_t len;
};

/*
 * Reads the packet at the start of p[0..n).  Returns QUIC_OK with *pk and
 * pk->len (the caller moves on by pk->len to the next coalesced packet;
 * a short-header packet takes the rest of the datagram); QUIC_SHORT if a
 * declared length runs past n; QUIC_BAD with an anomaly otherwise.
 */
enum quic_status quic_packet_parse(const uint8_t *p, size_t n, struct quic_packet *pk,
				   struct anom_set *a);

/* Whether a UDP payload plausibly starts a QUIC (or gQUIC) long-header
 * packet of a known version: the dispatch's content test. */
bool quic_sniff(const uint8_t *p, size_t n);

/* RFC 9000 A.3: the full packet number from its truncated encoding
 * (pn_nbits = 8..32) and the largest number seen so far in that space
 * (UINT64_MAX when none). */
uint64_t quic_pn_decode(uint64_t largest, uint64_t truncated, unsigned pn_nbits);

/* ---- Initial packet protection (quic_crypto.c) ---- */

struct quic_keys {
	uint8_t key[16], iv[12], hp[16];
};

/* The Initial secrets for version v and the client's first DCID: the
 * common secret and the client and server secrets (32 bytes each).
 * Returns false for a version without Initial protection. */
bool quic_initial_secrets(uint32_t v, const uint8_t *dcid, size_t dcid_len,
			  uint8_t initial[32], uint8_t client[32], uint8_t server[32]);
/* key, iv and hp from one side's secret, with the version's labels. */
void quic_keys_from_secret(const uint8_t secret[32], bool v2, struct quic_keys *k);
/* Both sides' Initial keys; false for a version without Initial protection. */
bool quic_initial_keys(uint32_t v, const uint8_t *dcid, size_t dcid_len,
		       struct quic_keys *client, struct quic_keys *server);
/* The 5-byte AES-ECB header protection mask for a 16-byte sample. */
void quic_hp_mask(const uint8_t hp[16], const uint8_t sample[16], uint8_t mask[5]);

/*
 * Removes header protection from a long-header packet and decrypts its
 * payload with k into out (capacity out_cap >= pk->len).  largest_pn is the
 * largest packet number seen in this space (UINT64_MAX for none).
 * Returns QUIC_OK with *out_len plaintext bytes and *pn; QUIC_BAD (anomaly
 * quic_decrypt_failed / quic_bad_length) when the packet does not
 * authenticate with these keys.  pk and the datagram are not modified.
 */
enum quic_status quic_unprotect(const struct quic_keys *k, const struct quic_packet *pk,
				uint64_t largest_pn, uint8_t *out, size_t out_cap,
				size_t *out_len, uint64_t *pn, struct anom_set *a);

/*
 * RFC 9001 5.8, RFC 9369 3.3.3: the Retry integrity tag of pk (a Retry
 * packet) recomputed over the pseudo-packet (odcid's length and bytes, then
 * the Retry packet without its tag) with the version's fixed AES-128-GCM
 * key and nonce.  Returns 1 when it matches, 0 when it does not, -1 for a
 * version whose Retry key tlstap does not hold (drafts, Google QUIC).
 */
int quic_retry_verify(const struct quic_packet *pk, const struct quic_cid *odcid);

#endif
