/*
 * quic_frames.h - frames of a decrypted Initial payload (RFC 9000 19) and the
 * CRYPTO stream they carry (RFC 9000 19.6, RFC 9001 4): the TLS handshake
 * bytes of one side in one packet-number space, reassembled by offset across
 * packets and datagrams (out of order, duplicated, overlapping), bounded.
 *
 *   CRYPTO frame:  type 0x06 | Offset (i) | Length (i) | Crypto Data
 *   CONNECTION_CLOSE: type 0x1c|0x1d | Error Code (i) | [Frame Type (i)]
 *                     | Reason Phrase Length (i) | Reason Phrase
 */
#ifndef TLSTAP_QUIC_FRAMES_H
#define TLSTAP_QUIC_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "quic.h"

/* Bytes of one side's CRYPTO stream kept (a ClientHello with post-quantum
 * key shares is ~2 KB, a ServerHello ~1.2 KB); data past it is an anomaly. */
#define QUIC_CRYPTO_MAX 16384
#define QUIC_REASON_MAX 256

/*
 * The stream: buf holds bytes by offset, have one bit per byte.  The caller
 * owns the struct (zero-initialised) and calls quic_cstream_free() once.
 * Bytes [0, contig) have all arrived; the TLS parser may consume them.
 */
struct quic_cstream {
	uint8_t *buf;
	uint8_t *have;
	size_t cap;
	size_t contig;
	unsigned dup_bytes;       /* bytes that arrived again, identical */
	unsigned conflict_bytes;  /* bytes that arrived again, different */
	bool overflow;
};

/* Adds data at offset off.  Returns QUIC_OK; QUIC_BAD when out of memory.
 * Data past QUIC_CRYPTO_MAX is dropped with anomaly quic_crypto_overflow;
 * a byte that differs from one already received keeps the first and adds
 * quic_crypto_conflict. */
enum quic_status quic_cstream_push(struct quic_cstream *s, uint64_t off, const uint8_t *p,
				   size_t n, struct anom_set *a);
void quic_cstream_free(struct quic_cstream *s);

struct quic_close {
	bool present;
	bool app;                 /* 0x1d: application error space */
	uint64_t code;
	uint64_t frame_type;      /* 0x1c only */
	uint8_t reason[QUIC_REASON_MAX];
	uint16_t reason_len;
	bool reason_truncated;
};

struct quic_frames {
	unsigned n_frames, n_crypto, n_ack, n_ping, n_padding, n_other;
	struct quic_close close;  /* the first CONNECTION_CLOSE seen */
};

/*
 * Walks the frames of one decrypted payload, feeding CRYPTO data into cs
 * (which may be NULL) and counting the rest into *f (accumulates: zero it
 * once per packet or once per session as the caller wants).  gquic selects
 * Google QUIC v50 frames (CRYPTO = 0x08).  Returns QUIC_OK when every frame
 * was read; QUIC_BAD at the first frame that cannot be read (anomaly
 * quic_bad_frame or quic_unknown_frame); frames before it count.
 */
enum quic_status quic_frames_parse(const uint8_t *p, size_t n, bool gquic,
				   struct quic_cstream *cs, struct quic_frames *f,
				   struct anom_set *a);

/* The name of a QUIC transport error code (RFC 9000 20.1), e.g.
 * "PROTOCOL_VIOLATION" or "CRYPTO_ERROR" for 0x100..0x1ff; NULL if none. */
const char *quic_error_name(uint64_t code);

#endif
