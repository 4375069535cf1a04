/*
 * reasm.c - TCP reassembly (RFC 9293 3.4 sequence space).
 *
 * Policy, documented in README "Reassembly":
 * - Overlaps: the first copy of a byte wins (as most stacks keep what they
 *   already queued).  A retransmission whose overlapping bytes differ from
 *   the waiting copy raises tcp_overlap_conflict (an evasion signal).  Bytes
 *   already handed to the session are not kept, so only overlaps with
 *   waiting data can be compared.
 * - Gaps: bytes that will never arrive are declared to the sink (tcp_gap)
 *   when the peer acknowledges beyond them (capture loss), when waiting
 *   out-of-order data exceeds the per-direction limit, and at FIN, RST or
 *   the end of the flow; delivery then continues after the hole.
 * - Limits: a direction may hold at most dir_limit bytes (pending plus out
 *   of order) and all directions together at most cap; hitting either raises
 *   reasm_dir_limit / reasm_memcap and stops buffering for that direction.
 */
#include "reasm.h"

#include <stdlib.h>
#include <string.h>

struct reasm_seg {
	struct reasm_seg *next;
	uint64_t off;
	size_t len;
	uint8_t data[];
};

void reasm_start(struct reasm_dir *d, uint32_t seq)
{
	d->init = true;
	d->next_seq = seq;
}

/* Offset of seq relative to the next expected byte (wrap-safe). */
static int64_t rel(const struct reasm_dir *d, uint32_t seq)
{
	return (int64_t)(int32_t)(seq - d->next_seq);
}

static void stop(struct reasm_dir *d, struct reasm_mem *m, const char *why,
		 const struct reasm_sink *k)
{
	if (why && k)
		k->anomaly(k->u, why);
	reasm_stop(d, m);
}

void reasm_stop(struct reasm_dir *d, struct reasm_mem *m)
{
	struct reasm_seg *s = d->ooo;

	while (s) {
		struct reasm_seg *n = s->next;
		free(s);
		s = n;
	}
	d->ooo = NULL;
	m->used -= d->ooo_bytes + d->pend_cap;
	d->ooo_bytes = 0;
	free(d->pend);
	d->pend = NULL;
	d->pend_len = d->pend_cap = 0;
	d->stopped = true;
}

void reasm_free(struct reasm_dir *d, struct reasm_mem *m)
{
	reasm_stop(d, m);
}

static bool room(struct reasm_dir *d, struct reasm_mem *m, size_t more,
		 const struct reasm_sink *k)
{
	if (d->pend_cap + d->ooo_bytes + more > m->dir_limit) {
		(*m->dir_limit_hits)++;
		stop(d, m, "reasm_dir_limit", k);
		return false;
	}
	if (m->used + more > m->cap) {
		(*m->memcap_hits)++;
		stop(d, m, "reasm_memcap", k);
		return false;
	}
	return true;
}

/* Hand in-order bytes to the sink, keeping what it does not consume. */
static void deliver(struct reasm_dir *d, int dir, const uint8_t *p, size_t n, uint64_t ts,
		    struct reasm_mem *m, const struct reasm_sink *k)
{
	size_t used;

	d->next_seq += (uint32_t)n;
	d->next_off += n;
	if (d->stopped)
		return;
	if (d->pend_len == 0) {
		/* Fast path: parse where the bytes lie. */
		used = k->data(k->u, dir, p, n, ts);
		if (used >= n || d->stopped)
			return;
		p += used;
		n -= used;
	}
	if (d->pend_len + n > d->pend_cap) {
		size_t cap = d->pend_cap ? d->pend_cap : 4096;
		uint8_t *np;
		while (cap < d->pend_len + n)
			cap *= 2;
		if (!room(d, m, cap - d->pend_cap, k))
			return;
		np = realloc(d->pend, cap);
		if (!np) {
			stop(d, m, "reasm_memcap", k);
			return;
		}
		m->used += cap - d->pend_cap;
		d->pend = np;
		d->pend_cap = cap;
	}
	memcpy(d->pend + d->pend_len, p, n);
	d->pend_len += n;
	used = k->data(k->u, dir, d->pend, d->pend_len, ts);
	if (d->stopped)
		return;
	if (used > d->pend_len)
		used = d->pend_len;
	memmove(d->pend, d->pend + used, d->pend_len - used);
	d->pend_len -= used;
}

static void check_fin(struct reasm_dir *d, int dir, uint64_t ts, const struct reasm_sink *k)
{
	if (d->fin_pending && d->next_off >= d->fin_off) {
		d->fin_pending = false;
		k->fin(k->u, dir, ts);
	}
}

/* Deliver waiting segments that are now in order. */
static void drain(struct reasm_dir *d, int dir, uint64_t ts, struct reasm_mem *m,
		  const struct reasm_sink *k)
{
	while (d->ooo && d->ooo->off <= d->next_off) {
		struct reasm_seg *s = d->ooo;
		uint64_t skip = d->next_off - s->off;
		d->ooo = s->next;
		d->ooo_bytes -= s->len;
		m->used -= s->len;
		if (skip < s->len)
			deliver(d, dir, s->data + skip, (size_t)(s->len - skip), ts, m, k);
		free(s);
		if (d->stopped)
			return;
	}
}

/* Declare the hole before the first waiting segment, then drain. */
static void skip_hole(struct reasm_dir *d, int dir, uint64_t to, uint64_t ts,
		      struct reasm_mem *m, const struct reasm_sink *k)
{
	uint64_t missing = to - d->next_off;

	if (!missing)
		return;
	(*m->gaps)++;
	*m->gap_bytes += missing;
	/* Bytes waiting before a hole are abandoned with it. */
	if (d->pend) {
		m->used -= d->pend_cap;
		free(d->pend);
		d->pend = NULL;
		d->pend_len = d->pend_cap = 0;
	}
	d->next_seq += (uint32_t)missing;
	d->next_off = to;
	if (!d->stopped)
		k->gap(k->u, dir, missing, ts);
}

static void insert(struct reasm_dir *d, uint64_t off, const uint8_t *p, size_t n,
		   struct reasm_mem *m, const struct reasm_sink *k)
{
	struct reasm_seg **pp = &d->ooo, *s;
	uint64_t end = off + n;

	/* Trim against waiting segments: first copy wins, conflicts noted. */
	for (s = d->ooo; s; s = s->next) {
		uint64_t a = s->off > off ? s->off : off;
		uint64_t b = s->off + s->len < end ? s->off + s->len : end;
		if (a < b && memcmp(s->data + (a - s->off), p + (a - off), (size_t)(b - a)) != 0) {
			(*m->conflicts)++;
			k->anomaly(k->u, "tcp_overlap_conflict");
			break;
		}
	}
	while (n) {
		uint64_t cut_end;
		while (*pp && (*pp)->off + (*pp)->len <= off)
			pp = &(*pp)->next;
		if (*pp && (*pp)->off <= off) {
			/* covered at the start: skip what the existing one has */
			uint64_t have = (*pp)->off + (*pp)->len - off;
			if (have >= n)
				return;
			p += have;
			n -= (size_t)have;
			off += have;
			continue;
		}
		cut_end = *pp && (*pp)->off < off + n ? (*pp)->off : off + n;
		{
			size_t len = (size_t)(cut_end - off);
			if (!room(d, m, len, k))
				return;
			s = malloc(sizeof *s + len);
			if (!s) {
				stop(d, m, "reasm_memcap", k);
				return;
			}
			s->off = off;
			s->len = len;
			memcpy(s->data, p, len);
			s->next = *pp;
			*pp = s;
			pp = &s->next;
			d->ooo_bytes += len;
			m->used += len;
			p += len;
			n -= len;
			off += len;
		}
	}
}

void reasm_segment(struct reasm_dir *d, int dir, uint32_t seq, const uint8_t *p, size_t n,
		   bool fin, uint64_t ts, struct reasm_mem *m, const struct reasm_sink *k)
{
	int64_t r;
	uint64_t off;

	if (!d->init)
		reasm_start(d, seq);
	r = rel(d, seq);
	if (r < 0 && (uint64_t)(-r) > d->next_off) {
		/* Starts before the stream: only what lies past its start is
		 * stream data. */
		uint64_t before = (uint64_t)(-r) - d->next_off;
		if (before >= n)
			n = 0;
		else {
			p += before;
			n -= (size_t)before;
		}
		r = -(int64_t)d->next_off;
	}
	off = (uint64_t)((int64_t)d->next_off + r);
	if (fin && !d->fin_seen && off + n >= d->next_off) {
		d->fin_pending = d->fin_seen = true;
		d->fin_off = off + n;
	}
	if (n && off + n > d->next_off) {
		if (off <= d->next_off) {
			size_t skip = (size_t)(d->next_off - off);
			if (d->ooo) {
				/* Conflict check against waiting data, then the same path. */
				insert(d, off + skip, p + skip, n - skip, m, k);
				drain(d, dir, ts, m, k);
			} else {
				deliver(d, dir, p + skip, n - skip, ts, m, k);
			}
		} else if (!d->stopped) {
			insert(d, off, p, n, m, k);
			if (!d->stopped && d->ooo_bytes > m->dir_limit / 2 && d->ooo) {
				/* Waiting too long for a hole to fill: declare it. */
				skip_hole(d, dir, d->ooo->off, ts, m, k);
				drain(d, dir, ts, m, k);
			}
		} else {
			/* Not buffering: account the bytes as if in order. */
			if (off > d->next_off)
				skip_hole(d, dir, off, ts, m, k);
			deliver(d, dir, p, n, ts, m, k);
		}
	}
	check_fin(d, dir, ts, k);
}

void reasm_acked(struct reasm_dir *d, int dir, uint32_t ack, uint64_t ts,
		 struct reasm_mem *m, const struct reasm_sink *k)
{
	int64_t r;
	uint64_t to;

	if (!d->init)
		return;
	r = rel(d, ack);
	if (r <= 0 || r > (1 << 30))
		return;
	to = d->next_off + (uint64_t)r;
	if (d->fin_seen && to > d->fin_off)
		to = d->fin_off;     /* the FIN takes a sequence number, not a byte */
	/* Every hole below the acknowledged point is lost, however many
	 * waiting segments lie between them. */
	while (to > d->next_off && !d->stopped) {
		uint64_t hole_end = d->ooo && d->ooo->off < to ? d->ooo->off : to;
		if (hole_end > d->next_off)
			skip_hole(d, dir, hole_end, ts, m, k);
		drain(d, dir, ts, m, k);
		if (!d->ooo || d->ooo->off >= to)
			break;
	}
	if (to > d->next_off && !d->ooo && !d->stopped)
		skip_hole(d, dir, to, ts, m, k);
	check_fin(d, dir, ts, k);
}

void reasm_flush(struct reasm_dir *d, int dir, uint64_t ts, struct reasm_mem *m,
		 const struct reasm_sink *k)
{
	while (d->ooo && !d->stopped) {
		skip_hole(d, dir, d->ooo->off, ts, m, k);
		drain(d, dir, ts, m, k);
	}
	if (d->fin_pending && d->fin_off > d->next_off) {
		skip_hole(d, dir, d->fin_off, ts, m, k);
	}
	check_fin(d, dir, ts, k);
}
