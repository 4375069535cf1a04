/*
 * reasm.c - TCP reassembly (RFC 9293 3.4 sequence space).
 *
 * Policy, documented in README "Reassembly" and "Evasion":
 * - Overlaps: the first trusted copy of a byte wins (as most stacks keep
 *   what they already queued).  A later copy whose overlapping bytes differ
 *   from the waiting copy, or from the last REASM_HISTORY delivered bytes,
 *   raises tcp_overlap_conflict (an evasion signal).  The history has its
 *   own budget, an eighth of cap, beside the buffers.
 * - Held copies (enum reasm_hold): a copy the endpoint may have dropped
 *   waits in the out-of-order list; a trusted copy of the same bytes
 *   replaces it; it is delivered when the peer acknowledges past its start
 *   (padding also when the sender's next data continues right after it),
 *   and dropped (a hole) when the flow ends without that evidence (an
 *   unsure copy is used then).
 * - Gaps: bytes that will never arrive are declared to the sink (tcp_gap)
 *   when the peer acknowledges beyond them (capture loss; never beyond what
 *   the sender was seen to send), when waiting out-of-order data exceeds
 *   half the per-direction limit, and at FIN, RST or the end of the flow;
 *   delivery then continues after the hole.
 * - FIN: taken when the stream reaches it exactly; data delivered across a
 *   waiting FIN shows the FIN was not the sender's (tcp_fin_conflict).
 * - Urgent data: the marked byte is taken out of the stream (reasm_urgent).
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
	uint8_t hold;            /* enum reasm_hold */
	uint8_t data[];
};

_Static_assert(REASM_HISTORY == REASM_BLOCK_MIN << (REASM_CLASSES - 1),
	       "the history's largest size is a pooled one");

/* The pool's size class of an n-byte block, or -1 for a size it does not keep. */
static int block_class(size_t n)
{
	for (int c = 0; c < REASM_CLASSES; c++)
		if (n == (size_t)REASM_BLOCK_MIN << c)
			return c;
	return -1;
}

static void *block_get(struct reasm_mem *m, size_t n)
{
	int c = block_class(n);

	if (c < 0)
		return malloc(n);
	if (m->pool[c].n)
		m->pool_bytes -= n;
	return blkpool_get(&m->pool[c], n);
}

/* Keep b (n bytes) for the next direction, or free it. */
static void block_put(struct reasm_mem *m, void *b, size_t n)
{
	int c = block_class(n);

	if (c < 0)
		free(b);
	else if (blkpool_put(&m->pool[c], b, REASM_POOL_MAX))
		m->pool_bytes += n;
}

/* A waiting segment of len bytes: in a pooled block when it fits one (the
 * smallest that does), else from malloc.  Most segments wait only until
 * the peer's ACK, a round trip, and a handshake has a few: their malloc
 * and free were a tenth of the reading thread's allocator calls. */
static size_t seg_block(size_t len)
{
	size_t n = sizeof(struct reasm_seg) + len, b = REASM_BLOCK_MIN;

	while (b < n && b < REASM_HISTORY)
		b <<= 1;
	return b >= n ? b : n;
}

static struct reasm_seg *seg_new(struct reasm_mem *m, size_t len)
{
	return block_get(m, seg_block(len));
}

static void seg_free(struct reasm_mem *m, struct reasm_seg *s)
{
	block_put(m, s, seg_block(s->len));
}

void reasm_mem_release(struct reasm_mem *m)
{
	for (int c = 0; c < REASM_CLASSES; c++)
		blkpool_drain(&m->pool[c]);
	m->pool_bytes = 0;
}

uint64_t reasm_mem_bytes(const struct reasm_mem *m)
{
	return m->used + m->hist_used + m->pool_bytes;
}

/* The waiting bytes are all consumed: the buffer goes back. */
static void pend_release(struct reasm_dir *d, struct reasm_mem *m)
{
	m->used -= d->pend_cap;
	block_put(m, d->pend, d->pend_cap);
	d->pend = NULL;
	d->pend_len = d->pend_cap = d->want = 0;
}

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
		seg_free(m, s);
		s = n;
	}
	d->ooo = NULL;
	m->used -= d->ooo_bytes;
	d->ooo_bytes = 0;
	pend_release(d, m);
	m->hist_used -= d->hist_cap;
	block_put(m, d->hist, d->hist_cap);
	d->hist = NULL;
	d->hist_cap = 0;
	d->stopped = true;
}

void reasm_free(struct reasm_dir *d, struct reasm_mem *m)
{
	reasm_stop(d, m);
}

void reasm_restart(struct reasm_dir *d, uint32_t seq, struct reasm_mem *m)
{
	reasm_stop(d, m);
	memset(d, 0, sizeof *d);
	reasm_start(d, seq);
}

static bool room(struct reasm_dir *d, struct reasm_mem *m, size_t more,
		 const struct reasm_sink *k)
{
	if (d->pend_cap + d->ooo_bytes + more > m->dir_limit) {
		(*m->dir_limit_hits)++;
		stop(d, m, "reasm_dir_limit", k);
		return false;
	}
	if (m->used + more > m->cap && !(m->reclaim && m->reclaim(m->reclaim_u, more))) {
		(*m->memcap_hits)++;
		stop(d, m, "reasm_memcap", k);
		return false;
	}
	return true;
}

/* Make the history hold `want` bytes: a power of two from REASM_BLOCK_MIN
 * up to REASM_HISTORY, what it holds moved to its place in the larger
 * ring.  Out of its budget or memory it stays as it is (no comparison
 * then without one; delivery goes on). */
static void hist_grow(struct reasm_dir *d, uint64_t want, struct reasm_mem *m)
{
	uint32_t cap = d->hist_cap ? d->hist_cap * 2 : REASM_BLOCK_MIN;
	uint8_t *h;

	while (cap < want && cap < REASM_HISTORY)
		cap *= 2;
	if (m->hist_used - d->hist_cap + cap > m->cap / 8 || !(h = block_get(m, cap)))
		return;
	if (d->hist) {
		uint64_t held = d->next_off > d->hist_cap ? d->next_off - d->hist_cap : 0;
		if (d->hist_from < held)
			d->hist_from = held;   /* (a growth refused before: the ring wrapped) */
		for (uint64_t o = d->hist_from; o < d->next_off;) {
			size_t a = (size_t)(o % d->hist_cap), b = (size_t)(o % cap);
			uint64_t k = d->next_off - o;
			if (k > d->hist_cap - a)
				k = d->hist_cap - a;
			if (k > cap - b)
				k = cap - b;
			memcpy(h + b, d->hist + a, (size_t)k);
			o += k;
		}
		block_put(m, d->hist, d->hist_cap);
	}
	m->hist_used += cap - d->hist_cap;
	d->hist = h;
	d->hist_cap = cap;
}

/* Keep delivered bytes [next_off, next_off + n) for later comparison.  The
 * history grows with what the stream delivered since hist_from, so a short
 * connection holds a short one. */
static void remember(struct reasm_dir *d, const uint8_t *p, size_t n, struct reasm_mem *m)
{
	uint64_t off = d->next_off, cap;

	if (!d->hist)
		d->hist_from = off;
	if (off + n - d->hist_from > d->hist_cap && d->hist_cap < REASM_HISTORY)
		hist_grow(d, off + n - d->hist_from, m);
	if (!d->hist)
		return;
	cap = d->hist_cap;
	if (n > cap) {
		p += n - cap;
		off += n - cap;
		n = (size_t)cap;
	}
	while (n) {
		size_t at = (size_t)(off % cap);
		size_t k = cap - at < n ? (size_t)cap - at : n;
		memcpy(d->hist + at, p, k);
		p += k;
		off += k;
		n -= k;
	}
}

/* Whether bytes p[0..n) at offset off (all below next_off) differ from
 * what was delivered there, as far as the history reaches. */
static bool differs_delivered(const struct reasm_dir *d, uint64_t off, const uint8_t *p, size_t n)
{
	uint64_t lo = d->next_off > d->hist_cap ? d->next_off - d->hist_cap : 0;

	if (!d->hist)
		return false;
	if (lo < d->hist_from)
		lo = d->hist_from;
	for (size_t i = 0; i < n; i++)
		if (off + i >= lo && d->hist[(off + i) % d->hist_cap] != p[i])
			return true;
	return false;
}

static void conflict(struct reasm_mem *m, const struct reasm_sink *k)
{
	(*m->conflicts)++;
	k->anomaly(k->u, "tcp_overlap_conflict");
}

/* After the sink left bytes unconsumed: how many it needs, from the first
 * of them, before it can take any (0: it cannot tell). */
static size_t sink_want(const struct reasm_sink *k, int dir)
{
	return k->want ? k->want(k->u, dir) : 0;
}

/* Make pend hold `goal` bytes: doubling from 4 KiB (a pooled block) as
 * the bytes come, but never past the sink's want when that covers them: a
 * 16,389-byte record takes 4 KiB, 8 KiB, then 16,389 bytes, not 32 KiB; a
 * record of up to 8 KiB its size at once.  Allocating every want at once
 * saved the copies but held more memory while records arrive (9% more
 * peak RSS on the benchmark's corpus-mixed capture).  False if it stopped
 * for want of room.  (Out of line: deliver_run() stays small
 * enough to be inlined into the per-segment path.) */
__attribute__((noinline)) static bool pend_room(struct reasm_dir *d, size_t goal, struct reasm_mem *m,
		      const struct reasm_sink *k)
{
	size_t cap = d->pend_cap ? d->pend_cap : 4096;
	uint8_t *np;

	while (cap < goal)
		cap *= 2;
	if (d->want >= goal && d->want > 4096 && (cap * 2 > d->want || d->want <= 8192))
		cap = d->want;   /* (no step of a few bytes below it either) */
	if (!room(d, m, cap - d->pend_cap, k))
		return false;
	np = d->pend ? realloc(d->pend, cap) : block_get(m, cap);
	if (!np) {
		stop(d, m, "reasm_memcap", k);
		return false;
	}
	m->used += cap - d->pend_cap;
	d->pend = np;
	d->pend_cap = cap;
	return true;
}

/* Hand in-order bytes to the sink, keeping what it does not consume.  With
 * bytes waiting and a want from the sink, it is called again only once
 * that many are there, and given no more than that: the rest of the
 * segment is then offered where it lies. */
static inline void deliver_run(struct reasm_dir *d, int dir, const uint8_t *p, size_t n,
			       uint64_t ts, struct reasm_mem *m, const struct reasm_sink *k)
{
	size_t used, take;

	if (!d->stopped)
		remember(d, p, n, m);
	d->next_seq += (uint32_t)n;
	d->next_off += n;
	while (n && !d->stopped) {
		if (d->pend_len == 0) {
			/* Fast path: parse where the bytes lie. */
			used = k->data(k->u, dir, p, n, ts);
			if (used >= n || d->stopped)
				return;
			p += used;
			n -= used;
			d->want = sink_want(k, dir);
		}
		take = n;
		if (d->want > d->pend_len && d->want - d->pend_len < n)
			take = d->want - d->pend_len;
		if (d->pend_len + take > d->pend_cap && !pend_room(d, d->pend_len + take, m, k))
			return;
		memcpy(d->pend + d->pend_len, p, take);
		d->pend_len += take;
		p += take;
		n -= take;
		if (d->pend_len < d->want)
			return;   /* (n is 0) */
		used = k->data(k->u, dir, d->pend, d->pend_len, ts);
		if (d->stopped)
			return;
		if (used >= d->pend_len) {
			pend_release(d, m);
			continue;
		}
		memmove(d->pend, d->pend + used, d->pend_len - used);
		d->pend_len -= used;
		d->want = sink_want(k, dir);
	}
}

/* In-order bytes: a waiting FIN they run across was not the sender's, and
 * the urgent byte among them is taken out. */
static void deliver(struct reasm_dir *d, int dir, const uint8_t *p, size_t n, uint64_t ts,
		    struct reasm_mem *m, const struct reasm_sink *k)
{
	if (d->fin_pending && d->fin_off > d->next_off && d->fin_off < d->next_off + n) {
		d->fin_pending = d->fin_seen = false;
		k->anomaly(k->u, "tcp_fin_conflict");
	}
	if (d->urg_pending && d->urg_off >= d->next_off && d->urg_off - d->next_off < n) {
		size_t a = (size_t)(d->urg_off - d->next_off);
		d->urg_pending = false;
		deliver_run(d, dir, p, a, ts, m, k);
		if (!d->stopped)
			remember(d, p + a, 1, m);
		d->next_seq++;
		d->next_off++;
		k->anomaly(k->u, "tcp_urgent_data");
		p += a + 1;
		n -= a + 1;
	}
	deliver_run(d, dir, p, n, ts, m, k);
}

void reasm_urgent(struct reasm_dir *d, uint32_t seq)
{
	int64_t r;
	uint64_t off;

	if (!d->init)
		return;
	r = rel(d, seq);
	if (r < 0 || r > (1 << 30))
		return;          /* already read, or nonsense */
	off = d->next_off + (uint64_t)r;
	if (d->urg_pending && off <= d->urg_off)
		return;
	d->urg_pending = true;
	d->urg_off = off;
}

static void check_fin(struct reasm_dir *d, int dir, uint64_t ts, const struct reasm_sink *k)
{
	if (d->fin_pending && d->next_off >= d->fin_off) {
		d->fin_pending = false;
		k->fin(k->u, dir, ts);
	}
}

static void unlink_seg(struct reasm_dir *d, struct reasm_seg **pp, struct reasm_mem *m)
{
	struct reasm_seg *s = *pp;

	*pp = s->next;
	d->ooo_bytes -= s->len;
	m->used -= s->len;
	seg_free(m, s);
}

/* Deliver waiting segments that are now in order.  A held copy goes only
 * once the peer acknowledged past its start. */
static void drain(struct reasm_dir *d, int dir, uint64_t ts, struct reasm_mem *m,
		  const struct reasm_sink *k)
{
	while (d->ooo && d->ooo->off <= d->next_off) {
		struct reasm_seg *s = d->ooo;
		uint64_t skip = d->next_off - s->off;
		if (s->hold && skip < s->len && d->acked_off <= d->next_off &&
		    !(s->hold == REASM_UNSURE && d->flushing) &&
		    !(s->hold == REASM_PADDING && s->next && s->next->off == s->off + s->len))
			return;   /* (padding the sender's next data follows is data) */
		if (s->hold == REASM_DOUBTFUL && skip < s->len)
			k->anomaly(k->u, "tcp_doubtful_copy_used");
		d->ooo = s->next;
		d->ooo_bytes -= s->len;
		m->used -= s->len;
		if (skip < s->len)
			deliver(d, dir, s->data + skip, (size_t)(s->len - skip), ts, m, k);
		seg_free(m, s);
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
	pend_release(d, m);
	if (d->fin_pending && d->fin_off > d->next_off && d->fin_off < to)
		d->fin_pending = d->fin_seen = false;
	d->next_seq += (uint32_t)missing;
	d->next_off = to;
	d->hist_from = to;
	if (!d->stopped)
		k->gap(k->u, dir, missing, ts);
}

/* Held copies at the head that nothing confirmed are dropped: the hole they
 * leave is declared by the caller. */
static void drop_held_head(struct reasm_dir *d, struct reasm_mem *m, const struct reasm_sink *k)
{
	while (d->ooo && d->ooo->hold && d->ooo->hold != REASM_UNSURE &&
	       d->ooo->off <= d->next_off && d->acked_off <= d->ooo->off) {
		if (d->ooo->hold == REASM_DOUBTFUL)
			k->anomaly(k->u, "tcp_doubtful_copy_dropped");
		unlink_seg(d, &d->ooo, m);
	}
}

/* A trusted copy covers [off, end): held bytes there give way. */
static void drop_held_range(struct reasm_dir *d, uint64_t off, uint64_t end,
			    struct reasm_mem *m, const struct reasm_sink *k)
{
	struct reasm_seg **pp = &d->ooo;

	while (*pp && (*pp)->off < end) {
		struct reasm_seg *s = *pp;
		uint64_t a = s->off > off ? s->off : off;
		uint64_t b = s->off + s->len < end ? s->off + s->len : end;
		if (!s->hold || a >= b) {
			pp = &s->next;
			continue;
		}
		if (a == s->off && b == s->off + s->len) {
			unlink_seg(d, pp, m);
			continue;
		}
		if (a == s->off) {            /* keep the tail */
			size_t cut = (size_t)(b - s->off);
			memmove(s->data, s->data + cut, s->len - cut);
			s->off += cut;
			s->len -= cut;
		} else {                      /* keep the head (a tail past end is lost) */
			size_t keep = (size_t)(a - s->off);
			d->ooo_bytes -= s->len - keep;
			m->used -= s->len - keep;
			s->len = keep;
			pp = &s->next;
			continue;
		}
		d->ooo_bytes -= (size_t)(b - a);
		m->used -= (size_t)(b - a);
		pp = &s->next;
	}
	(void)k;
}

/* Whether the overlap of the new bytes with waiting copies shows a conflict
 * (padding replaced by data is not one). */
static void check_overlaps(const struct reasm_dir *d, uint64_t off, const uint8_t *p, size_t n,
			   enum reasm_hold hold, struct reasm_mem *m, const struct reasm_sink *k)
{
	uint64_t end = off + n;

	if (hold == REASM_PADDING)
		return;
	for (const struct reasm_seg *s = d->ooo; s; s = s->next) {
		uint64_t a = s->off > off ? s->off : off;
		uint64_t b = s->off + s->len < end ? s->off + s->len : end;
		if (s->hold == REASM_PADDING || a >= b)
			continue;
		if (memcmp(s->data + (a - s->off), p + (a - off), (size_t)(b - a)) != 0) {
			conflict(m, k);
			return;
		}
	}
}

static void insert(struct reasm_dir *d, uint64_t off, const uint8_t *p, size_t n,
		   enum reasm_hold hold, struct reasm_mem *m, const struct reasm_sink *k)
{
	struct reasm_seg **pp = &d->ooo, *s;

	check_overlaps(d, off, p, n, hold, m, k);
	if (hold == REASM_TRUSTED)
		drop_held_range(d, off, off + n, m, k);
	/* Trim against waiting segments: the first copy wins. */
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
			s = seg_new(m, len);
			if (!s) {
				stop(d, m, "reasm_memcap", k);
				return;
			}
			s->off = off;
			s->len = len;
			s->hold = (uint8_t)hold;
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

/* Map seq to a stream offset, cutting what lies before the stream's start.
 * Returns the offset; *p and *n are adjusted. */
static uint64_t place(struct reasm_dir *d, uint32_t seq, const uint8_t **p, size_t *n)
{
	int64_t r = rel(d, seq);

	if (r < 0 && (uint64_t)(-r) > d->next_off) {
		/* Starts before the stream: only what lies past its start is
		 * stream data. */
		uint64_t before = (uint64_t)(-r) - d->next_off;
		if (before >= *n)
			*n = 0;
		else {
			*p += before;
			*n -= (size_t)before;
		}
		r = -(int64_t)d->next_off;
	}
	return (uint64_t)((int64_t)d->next_off + r);
}

/* The part of a copy below next_off was delivered already: compare it
 * (a one-byte keep-alive probe just below next_off is no copy). */
static void check_delivered(struct reasm_dir *d, uint64_t off, const uint8_t *p, size_t n,
			    enum reasm_hold hold, struct reasm_mem *m, const struct reasm_sink *k)
{
	size_t old;

	if (off >= d->next_off || hold == REASM_PADDING || d->stopped)
		return;
	old = (size_t)(d->next_off - off < n ? d->next_off - off : n);
	if (n <= 1 && off + n == d->next_off)
		return;
	if (differs_delivered(d, off, p, old))
		conflict(m, k);
}

static void segment(struct reasm_dir *d, int dir, uint32_t seq, const uint8_t *p, size_t n,
		    bool fin, enum reasm_hold hold, uint64_t ts, struct reasm_mem *m,
		    const struct reasm_sink *k)
{
	uint64_t off;

	if (!d->init)
		reasm_start(d, seq);
	off = place(d, seq, &p, &n);
	if (off + n > d->seen_end)
		d->seen_end = off + n;
	if (fin && !d->fin_seen && off + n >= d->next_off) {
		d->fin_pending = d->fin_seen = true;
		d->fin_off = off + n;
	}
	check_delivered(d, off, p, n, hold, m, k);
	if (n && off + n > d->next_off) {
		if (hold != REASM_TRUSTED || off > d->next_off || d->ooo) {
			size_t skip = off < d->next_off ? (size_t)(d->next_off - off) : 0;
			if (d->stopped) {
				if (off > d->next_off)
					skip_hole(d, dir, off, ts, m, k);
				deliver(d, dir, p + skip, n - skip, ts, m, k);
			} else {
				insert(d, off + skip, p + skip, n - skip, hold, m, k);
				drain(d, dir, ts, m, k);
			}
			if (!d->stopped && d->ooo_bytes > m->dir_limit / 2 && d->ooo) {
				/* Waiting too long for a hole to fill: declare it. */
				drop_held_head(d, m, k);
				if (d->ooo)
					skip_hole(d, dir, d->ooo->off, ts, m, k);
				drain(d, dir, ts, m, k);
			}
		} else {
			size_t skip = (size_t)(d->next_off - off);
			deliver(d, dir, p + skip, n - skip, ts, m, k);
		}
	}
	check_fin(d, dir, ts, k);
}

void reasm_segment(struct reasm_dir *d, int dir, uint32_t seq, const uint8_t *p, size_t n,
		   bool fin, uint64_t ts, struct reasm_mem *m, const struct reasm_sink *k)
{
	segment(d, dir, seq, p, n, fin, REASM_TRUSTED, ts, m, k);
}

void reasm_segment_held(struct reasm_dir *d, int dir, uint32_t seq, const uint8_t *p, size_t n,
			enum reasm_hold hold, uint64_t ts, struct reasm_mem *m,
			const struct reasm_sink *k)
{
	segment(d, dir, seq, p, n, false, hold, ts, m, k);
}

static void acked_to(struct reasm_dir *d, int dir, uint64_t to, uint64_t ts,
		     struct reasm_mem *m, const struct reasm_sink *k)
{
	if (to > d->acked_off)
		d->acked_off = to;
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
	/* An ACK for bytes the sender was never seen to send declares no gap
	 * (the FIN's sequence number counts as sent). */
	if (to > d->seen_end + (d->fin_seen ? 1 : 0))
		to = d->seen_end + (d->fin_seen ? 1 : 0);
	if (to > d->next_off)
		acked_to(d, dir, to, ts, m, k);
}

void reasm_missing(struct reasm_dir *d, int dir, uint32_t seq_end, uint64_t ts,
		   struct reasm_mem *m, const struct reasm_sink *k)
{
	int64_t r;

	if (!d->init)
		return;
	r = rel(d, seq_end);
	if (r <= 0 || r > (1 << 30))
		return;
	if (d->next_off + (uint64_t)r > d->seen_end)
		d->seen_end = d->next_off + (uint64_t)r;
	acked_to(d, dir, d->next_off + (uint64_t)r, ts, m, k);
}

void reasm_flush(struct reasm_dir *d, int dir, uint64_t ts, struct reasm_mem *m,
		 const struct reasm_sink *k)
{
	d->flushing = true;
	for (;;) {
		drop_held_head(d, m, k);
		if (!d->ooo || d->stopped)
			break;
		skip_hole(d, dir, d->ooo->off, ts, m, k);
		drain(d, dir, ts, m, k);
	}
	/* A FIN beyond a hole counts only if the peer acknowledged it. */
	if (d->fin_pending && d->fin_off > d->next_off && d->acked_off > d->fin_off)
		skip_hole(d, dir, d->fin_off, ts, m, k);
	check_fin(d, dir, ts, k);
}
