/*
 * quic_frames.c - RFC 9000 19 (frame types and their fields), 19.6 (CRYPTO),
 * 19.19 (CONNECTION_CLOSE), 20.1 (transport error codes), and the Google
 * QUIC v50 frames that carry the handshake (frame 0x08).  Picture:
 * quic_frames.h.
 *
 * Frames have no common length field, so a frame of an unknown type ends the
 * walk; every known type is skipped by its own fields, inside the payload.
 */
#include "quic_frames.h"

#include <stdlib.h>
#include <string.h>

static bool bit(const uint8_t *have, size_t i)
{
	return have[i / 8] & (1u << (i % 8));
}

/* Grows buf/have to hold at least need bytes (need <= QUIC_CRYPTO_MAX). */
static bool grow(struct quic_cstream *s, size_t need)
{
	size_t cap = s->cap ? s->cap : 2048;
	uint8_t *b, *h;

	while (cap < need)
		cap *= 2;
	if (cap > QUIC_CRYPTO_MAX)
		cap = QUIC_CRYPTO_MAX;
	if (cap <= s->cap)
		return true;
	b = realloc(s->buf, cap);
	if (!b)
		return false;
	s->buf = b;
	h = realloc(s->have, cap / 8);
	if (!h)
		return false;
	memset(h + s->cap / 8, 0, (cap - s->cap) / 8);
	s->have = h;
	s->cap = cap;
	return true;
}

enum quic_status quic_cstream_push(struct quic_cstream *s, uint64_t off, const uint8_t *p,
				   size_t n, struct anom_set *a)
{
	size_t end;
	bool conflict = false;

	if (n == 0)
		return QUIC_OK;
	if (off >= QUIC_CRYPTO_MAX || n > QUIC_CRYPTO_MAX - off) {
		s->overflow = true;
		anom_add(a, "quic_crypto_overflow");
		if (off >= QUIC_CRYPTO_MAX)
			return QUIC_OK;
		n = QUIC_CRYPTO_MAX - (size_t)off;
	}
	end = (size_t)off + n;
	if (!grow(s, end)) {
		anom_add(a, "quic_crypto_no_memory");
		return QUIC_BAD;
	}
	for (size_t i = (size_t)off; i < end; i++) {
		uint8_t v = p[i - (size_t)off];

		if (!bit(s->have, i)) {
			s->buf[i] = v;
			s->have[i / 8] = (uint8_t)(s->have[i / 8] | (1u << (i % 8)));
		} else if (s->buf[i] == v) {
			s->dup_bytes++;
		} else {
			s->conflict_bytes++;
			conflict = true;
		}
	}
	if (conflict)
		anom_add(a, "quic_crypto_conflict");
	while (s->contig < s->cap && bit(s->have, s->contig))
		s->contig++;
	return QUIC_OK;
}

void quic_cstream_free(struct quic_cstream *s)
{
	free(s->buf);
	free(s->have);
	*s = (struct quic_cstream){ 0 };
}

static bool skip_varints(struct cur *c, unsigned k)
{
	uint64_t v;

	while (k-- > 0)
		if (!quic_varint(c, &v))
			return false;
	return true;
}

/* ACK (0x02, 0x03 with ECN counts): RFC 9000 19.3. */
static bool ack_frame(struct cur *c, bool ecn)
{
	uint64_t ranges;

	if (!skip_varints(c, 2) || !quic_varint(c, &ranges) || !skip_varints(c, 1))
		return false;
	if (ranges > c->left)   /* each range is at least two bytes */
		return false;
	for (uint64_t i = 0; i < ranges; i++)
		if (!skip_varints(c, 2))
			return false;
	return !ecn || skip_varints(c, 3);
}

static bool varlen_bytes(struct cur *c, const uint8_t **p, size_t *n)
{
	uint64_t len;

	if (!quic_varint(c, &len) || len > c->left)
		return false;
	*n = (size_t)len;
	return cur_bytes(c, *n, p);
}

static bool crypto_frame(struct cur *c, struct quic_cstream *cs, struct anom_set *a)
{
	uint64_t off;
	const uint8_t *d;
	size_t n;

	if (!quic_varint(c, &off) || !varlen_bytes(c, &d, &n))
		return false;
	if (off > ((uint64_t)1 << 62) - n)
		return false;
	if (cs)
		quic_cstream_push(cs, off, d, n, a);
	return true;
}

static bool close_frame(struct cur *c, bool app, struct quic_close *cl)
{
	uint64_t code, ft = 0;
	const uint8_t *r;
	size_t n;

	if (!quic_varint(c, &code) || (!app && !quic_varint(c, &ft)) || !varlen_bytes(c, &r, &n))
		return false;
	if (cl->present)
		return true;
	cl->present = true;
	cl->app = app;
	cl->code = code;
	cl->frame_type = ft;
	cl->reason_truncated = n > QUIC_REASON_MAX;
	cl->reason_len = (uint16_t)(n > QUIC_REASON_MAX ? QUIC_REASON_MAX : n);
	memcpy(cl->reason, r, cl->reason_len);
	return true;
}

/* STREAM (0x08..0x0f): id, [offset], [length], data (RFC 9000 19.8). */
static bool stream_frame(struct cur *c, uint64_t type)
{
	const uint8_t *d;
	size_t n;

	if (!skip_varints(c, (type & 0x04) ? 2 : 1))
		return false;
	if (type & 0x02)
		return varlen_bytes(c, &d, &n);
	return cur_skip(c, c->left);
}

/* The frames that are only fields: how many varints, then fixed bytes. */
static bool plain_frame(struct cur *c, uint64_t type, bool *known)
{
	const uint8_t *d;
	size_t n;
	uint8_t l;

	*known = true;
	switch (type) {
	case 0x04: return skip_varints(c, 3);
	case 0x05: case 0x11: case 0x15: return skip_varints(c, 2);
	case 0x10: case 0x12: case 0x13: case 0x14: case 0x16: case 0x17: case 0x19:
		return skip_varints(c, 1);
	case 0x07: return varlen_bytes(c, &d, &n);
	case 0x18:
		return skip_varints(c, 2) && cur_u8(c, &l) && l >= 1 && l <= QUIC_MAX_CID &&
		       cur_skip(c, l) && cur_skip(c, 16);
	case 0x1a: case 0x1b: return cur_skip(c, 8);
	case 0x1e: return true;
	case 0x30: return cur_skip(c, c->left);
	case 0x31: return varlen_bytes(c, &d, &n);
	default:
		*known = false;
		return false;
	}
}

static enum quic_status one_frame(struct cur *c, uint64_t type, struct quic_cstream *cs,
				  struct quic_frames *f, struct anom_set *a)
{
	bool ok, known = true;

	switch (type) {
	case 0x00:
		f->n_padding++;
		while (c->left && c->p[0] == 0)
			cur_skip(c, 1);
		return QUIC_OK;
	case 0x01:
		f->n_ping++;
		return QUIC_OK;
	case 0x02: case 0x03:
		f->n_ack++;
		ok = ack_frame(c, type == 0x03);
		break;
	case 0x06:
		f->n_crypto++;
		ok = crypto_frame(c, cs, a);
		break;
	case 0x1c: case 0x1d:
		ok = close_frame(c, type == 0x1d, &f->close);
		break;
	default:
		f->n_other++;
		ok = (type >= 0x08 && type <= 0x0f) ? stream_frame(c, type)
						     : plain_frame(c, type, &known);
		break;
	}
	if (!known) {
		anom_add(a, "quic_unknown_frame");
		return QUIC_BAD;
	}
	if (!ok) {
		anom_add(a, "quic_bad_frame");
		return QUIC_BAD;
	}
	return QUIC_OK;
}

/* Google QUIC v50: padding runs to the end, 0x07 PING, 0x08 CRYPTO with
 * varint offset and length; other frames are not decoded (the walk stops
 * without an anomaly: the handshake data comes first in practice). */
static enum quic_status gquic_frames(struct cur *c, struct quic_cstream *cs,
				     struct quic_frames *f, struct anom_set *a)
{
	uint8_t t;

	while (cur_u8(c, &t)) {
		f->n_frames++;
		if (t == 0x00) {
			f->n_padding++;
			return QUIC_OK;
		}
		if (t == 0x07) {
			f->n_ping++;
			continue;
		}
		if (t != 0x08) {
			f->n_other++;
			return QUIC_OK;
		}
		f->n_crypto++;
		if (!crypto_frame(c, cs, a)) {
			anom_add(a, "quic_bad_frame");
			return QUIC_BAD;
		}
	}
	return QUIC_OK;
}

enum quic_status quic_frames_parse(const uint8_t *p, size_t n, bool gquic,
				   struct quic_cstream *cs, struct quic_frames *f,
				   struct anom_set *a)
{
	struct cur c = cur_make(p, n);
	uint64_t type;

	if (gquic)
		return gquic_frames(&c, cs, f, a);
	while (!cur_empty(&c)) {
		if (!quic_varint(&c, &type)) {
			anom_add(a, "quic_bad_frame");
			return QUIC_BAD;
		}
		f->n_frames++;
		if (one_frame(&c, type, cs, f, a) != QUIC_OK)
			return QUIC_BAD;
	}
	return QUIC_OK;
}

const char *quic_error_name(uint64_t code)
{
	static const char *const names[] = {
		"NO_ERROR", "INTERNAL_ERROR", "CONNECTION_REFUSED", "FLOW_CONTROL_ERROR",
		"STREAM_LIMIT_ERROR", "STREAM_STATE_ERROR", "FINAL_SIZE_ERROR",
		"FRAME_ENCODING_ERROR", "TRANSPORT_PARAMETER_ERROR",
		"CONNECTION_ID_LIMIT_ERROR", "PROTOCOL_VIOLATION", "INVALID_TOKEN",
		"APPLICATION_ERROR", "CRYPTO_BUFFER_EXCEEDED", "KEY_UPDATE_ERROR",
		"AEAD_LIMIT_REACHED", "NO_VIABLE_PATH",
	};

	if (code < sizeof names / sizeof names[0])
		return names[code];
	if (code >= 0x100 && code <= 0x1ff)
		return "CRYPTO_ERROR";
	if (code == 0x11)
		return "VERSION_NEGOTIATION_ERROR";
	return NULL;
}
