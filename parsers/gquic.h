/*
 * gquic.h - Google QUIC's client hello (CHLO) and the clear-text packets of
 * Q024..Q049 that carry it (Chromium's "QUIC Crypto" design document and
 * wire-format notes; no RFC).  Q050 carries the CHLO and T050/T051 carry TLS
 * in protected Initial packets: quic.c/quic_crypto.c decrypt those and
 * quic_frames.c (gquic mode) collects the handshake stream.
 *
 *   CHLO message (little-endian integers):
 *   +------+-----------+---------+==========================+========+
 *   | CHLO | n_tags u16| pad u16 | n_tags x (tag[4], end u32)| values |
 *   +------+-----------+---------+==========================+========+
 *   value i = values[end(i-1) .. end(i))
 *
 *   Q024..Q045 public header:  flags | CID (8) | version (4) | pn (1..6) |
 *                              hash (12) | [private flags (1), up to Q033]
 *   Q046 long header:    first | version (4) | CID lengths | DCID | pn | hash
 *   then frames; the handshake is stream 1 in a STREAM frame (1fdooossB).
 */
#ifndef TLSTAP_GQUIC_H
#define TLSTAP_GQUIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "quic.h"
#include "quic_frames.h"

#define GQUIC_MAX_TAGS 64
#define GQUIC_STR_MAX  256

struct gquic_chlo {
	uint32_t tags[GQUIC_MAX_TAGS];   /* tag codes, wire order, as read LE */
	uint16_t n_tags, n_tags_total;
	bool has_sni, has_uaid, has_ver;
	uint8_t sni[GQUIC_STR_MAX];
	uint16_t sni_len;
	uint8_t uaid[GQUIC_STR_MAX];     /* the user agent */
	uint16_t uaid_len;
	uint8_t ver[4];                  /* VER: the version the client speaks */
};

/*
 * Parses a CHLO at the start of p[0..n).  Returns QUIC_OK with *ch filled;
 * QUIC_SHORT when the message runs past n (more of the stream is needed);
 * QUIC_BAD (anomaly gquic_bad_chlo) when it is not a well-formed CHLO.
 * Strings longer than GQUIC_STR_MAX are cut (anomaly string_truncated).
 */
enum quic_status gquic_chlo_parse(const uint8_t *p, size_t n, struct gquic_chlo *ch,
				  struct anom_set *a);

/* The length of the CHLO at p (which gquic_chlo_parse accepted). */
size_t gquic_chlo_len(const uint8_t *p, size_t n);

/*
 * The CYU fingerprint of a CHLO (Cisco's, as Suricata reports it): the
 * text "<version digits>,<tag>-<tag>-..." (tags in wire order, trailing NUL
 * bytes dropped; version 0x51303436 "Q046" gives "46") into out (cap bytes,
 * NUL-terminated; cut short if cap is too small) and its MD5 as 32 lowercase
 * hex digits.  Returns the text's length.
 */
size_t gquic_cyu(const struct gquic_chlo *ch, uint32_t version, char *out, size_t cap,
		 char md5hex[33]);

/*
 * The frames of a clear-text Q024..Q049 client packet (pk from
 * quic_packet_parse, type QUIC_PT_GQUIC): stream-1 data goes into cs at its
 * offset less *base, the stream offset of the first CHLO seen (set here;
 * UINT64_MAX before).  Integers are little-endian before Q039.  Returns
 * QUIC_OK, or QUIC_BAD (anomaly gquic_bad_packet) for a header or frame
 * that does not read.
 */
enum quic_status gquic_old_packet(const struct quic_packet *pk, struct quic_cstream *cs,
				  uint64_t *base, struct anom_set *a);

#endif
