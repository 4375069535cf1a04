/*
 * dtls_reasm.c - DTLS handshake messages rebuilt from their fragments
 * (RFC 6347 4.2.2, RFC 9147 5.2 and 5.5).
 *
 * Each fragment says where it lies in its message:
 *
 *   message_seq 3, length 1000:
 *     [off 0, len 400][off 400, len 400]          [off 800, len 200]
 *     [off 0, len 500] <- overlaps: counted, first copy kept
 *   |=========================================================|
 *   0                                                      1000
 *
 * A slot per message being assembled holds its bytes and a bitmap of those
 * that arrived, so fragments may come in any order, be repeated, or overlap.
 * Messages are handed out in message_seq order, once each.  The set of
 * slots is bounded (DTLS_REASM_SLOTS), so is each message (max_msg), and
 * so is how far ahead of the next expected message a fragment may be
 * (DTLS_REASM_WINDOW): a peer cannot make this hold more than
 * DTLS_REASM_SLOTS * max_msg * 9 / 8 bytes, and a slot holds only as much as
 * the fragments that arrived reach into their message.
 */
#include "dtls.h"

#include <stdlib.h>
#include <string.h>

/* Fragments this far ahead of the next expected message are dropped. */
#define DTLS_REASM_WINDOW 32u

void dtls_reasm_init(struct dtls_reasm *r, uint32_t max_msg)
{
	memset(r, 0, sizeof *r);
	r->max_msg = max_msg;
	r->big_seq = -1;
}

static void slot_free(struct dtls_reasm *r, struct dtls_reasm_slot *s)
{
	r->mem -= s->cap + ((size_t)s->cap + 7) / 8;
	free(s->buf);
	free(s->bits);
	memset(s, 0, sizeof *s);
}

void dtls_reasm_free(struct dtls_reasm *r)
{
	for (unsigned i = 0; i < DTLS_REASM_SLOTS; i++)
		slot_free(r, &r->slot[i]);
}

static struct dtls_reasm_slot *find(struct dtls_reasm *r, uint32_t seq)
{
	for (unsigned i = 0; i < DTLS_REASM_SLOTS; i++)
		if (r->slot[i].used && r->slot[i].msg_seq == seq)
			return &r->slot[i];
	return NULL;
}

static struct dtls_reasm_slot *lowest(struct dtls_reasm *r)
{
	struct dtls_reasm_slot *lo = NULL;

	for (unsigned i = 0; i < DTLS_REASM_SLOTS; i++)
		if (r->slot[i].used && (!lo || r->slot[i].msg_seq < lo->msg_seq))
			lo = &r->slot[i];
	return lo;
}

/* Every slot is taken: give up waiting for the next expected message and
 * go on from the lowest one held (handed out by the next dtls_reasm_next()
 * once complete). */
static void make_room(struct dtls_reasm *r)
{
	struct dtls_reasm_slot *lo = lowest(r);

	if (!lo || find(r, r->next_seq))
		return;
	r->skipped += lo->msg_seq - r->next_seq;
	r->next_seq = lo->msg_seq;
}

static enum dtls_reasm_result slot_new(struct dtls_reasm *r, const struct dtls_hs_frag *f,
				       struct dtls_reasm_slot **out)
{
	struct dtls_reasm_slot *s = NULL;

	for (unsigned i = 0; i < DTLS_REASM_SLOTS && !s; i++)
		if (!r->slot[i].used)
			s = &r->slot[i];
	if (!s) {
		make_room(r);
		return DTLS_R_DROPPED;
	}
	s->used = true;
	s->type = f->type;
	s->msg_seq = f->msg_seq;
	s->len = f->msg_len;
	*out = s;
	return DTLS_R_HELD;
}

/* Room for bytes [0, end) of the message: only as far as fragments have
 * reached, never the declared length up front (doubling, capped at it). */
static bool reserve(struct dtls_reasm *r, struct dtls_reasm_slot *s, uint32_t end)
{
	size_t cap = s->cap ? s->cap : 256, ob = ((size_t)s->cap + 7) / 8, nb;
	uint8_t *buf, *bits;

	if (end <= s->cap)
		return true;
	while (cap < end)
		cap *= 2;
	if (cap > s->len)
		cap = s->len;
	nb = (cap + 7) / 8;
	buf = realloc(s->buf, cap ? cap : 1);
	if (!buf)
		return false;
	s->buf = buf;
	bits = realloc(s->bits, nb ? nb : 1);
	if (!bits)
		return false;
	memset(bits + ob, 0, nb - ob);
	s->bits = bits;
	r->mem += cap - s->cap + nb - ob;
	s->cap = (uint32_t)cap;
	return true;
}

/* Copy the fragment's new bytes; count what was there already. */
static void fill(struct dtls_reasm *r, struct dtls_reasm_slot *s, const struct dtls_hs_frag *f)
{
	uint32_t fresh = 0, again = 0;
	bool conflict = false;

	for (uint32_t i = 0; i < f->frag_len; i++) {
		uint32_t at = f->frag_off + i;
		uint8_t bit = (uint8_t)(1u << (at & 7));
		if (s->bits[at >> 3] & bit) {
			again++;
			if (s->buf[at] != f->body[i])
				conflict = true;
			continue;
		}
		s->bits[at >> 3] |= bit;
		s->buf[at] = f->body[i];
		fresh++;
	}
	s->have += fresh;
	if (f->frag_len && !fresh)
		r->retransmits++;
	else if (again)
		r->overlaps++;
	if (conflict)
		r->conflicts++;
	if (s->have == s->len)
		s->done = true;
}

enum dtls_reasm_result dtls_reasm_add(struct dtls_reasm *r, const struct dtls_hs_frag *f)
{
	struct dtls_reasm_slot *s;
	enum dtls_reasm_result res;

	if (f->msg_seq < r->next_seq) {
		r->retransmits++;   /* of a message already handed out */
		return DTLS_R_HELD;
	}
	if (f->msg_seq >= r->next_seq + DTLS_REASM_WINDOW)
		return DTLS_R_DROPPED;
	if (f->msg_len > r->max_msg) {
		if (r->big_seq == f->msg_seq)
			return DTLS_R_HELD;
		r->big_seq = f->msg_seq;
		return DTLS_R_TOO_LARGE;
	}
	s = find(r, f->msg_seq);
	if (s) {
		if (s->type != f->type || s->len != f->msg_len)
			return DTLS_R_INCONSISTENT;
		if (s->done) {
			r->retransmits++;
			return DTLS_R_HELD;
		}
	} else {
		res = slot_new(r, f, &s);
		if (res != DTLS_R_HELD)
			return res;
	}
	if (!reserve(r, s, f->frag_off + f->frag_len))
		return DTLS_R_NOMEM;
	fill(r, s, f);
	return DTLS_R_HELD;
}

bool dtls_reasm_next(struct dtls_reasm *r, bool flush, struct dtls_hs_msg *m)
{
	struct dtls_reasm_slot *s;

	if (r->out) {
		slot_free(r, r->out);
		r->out = NULL;
	}
	for (;;) {
		s = find(r, r->next_seq);
		if (s && s->done) {
			m->type = s->type;
			m->msg_seq = s->msg_seq;
			m->body = s->buf;
			m->len = s->len;
			r->next_seq++;
			r->out = s;
			return true;
		}
		if (!s && (int64_t)r->next_seq == r->big_seq) {
			r->next_seq++;   /* reported when it arrived */
			continue;
		}
		if (!flush)
			return false;
		/* End of the flow: what is incomplete never will be. */
		if (s) {
			r->incomplete++;
			slot_free(r, s);
			r->next_seq++;
			continue;
		}
		s = lowest(r);
		if (!s)
			return false;
		r->skipped += s->msg_seq - r->next_seq;
		r->next_seq = s->msg_seq;
	}
}
