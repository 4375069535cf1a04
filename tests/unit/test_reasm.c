/*
 * Unit tests for src/reasm.c: one direction of a TCP stream fed as the
 * pipeline feeds it (reasm_start, reasm_segment, reasm_acked, reasm_flush,
 * reasm_stop/free) into a recording sink that consumes all, some or none of
 * what it is offered.  Expected results come from the README ("Decoding,
 * flows and reassembly", "Limits"), the header comments and RFC 9293
 * sequence arithmetic.  Every segment is copied into an exact-size
 * allocation first, so that sanitizers catch a read past its end.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/config.h"
#include "../../src/reasm.h"
#include "tt_test.h"

/* ---- the stream every test draws its bytes from ---- */

#define STREAM 65536
static uint8_t S[STREAM];

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64*: a fixed sequence per seed, nothing more is needed */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rng_next(s) % n);
}

static void make_stream(void)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < STREAM; i++)
		S[i] = (uint8_t)(rng_next(&s) >> 56);
}

/* ---- the recording sink ---- */

enum take { TAKE_ALL, TAKE_NONE, TAKE_UNIT, TAKE_MAX, TAKE_REC };

struct rec {
	int dir;                 /* the direction this sink serves */
	enum take take;
	size_t unit;             /* TAKE_UNIT: whole multiples; TAKE_MAX: at most;
	                          * TAKE_REC: whole records of 1 to unit bytes */
	size_t fixed;            /* TAKE_REC: records of this many bytes instead */
	bool want_on;            /* TAKE_REC: the sink tells reassembly its want */
	size_t promised;         /* the want told with the held bytes */
	size_t short_offers;     /* offers of fewer bytes than that */
	uint8_t *out;            /* every consumed byte, in order */
	size_t len, cap;
	uint8_t *held;           /* the last offer's unconsumed tail */
	size_t held_len, held_cap;
	size_t offers, last_n;
	size_t bad_offers;       /* offers not starting with the held bytes */
	size_t bad_dir;
	size_t abandoned;        /* held bytes given up at a gap */
	uint64_t last_ts;
	int ngaps;
	uint64_t gap[16];
	size_t gap_at[16];       /* consumed length when the gap came */
	uint64_t gap_total;
	int nanom;
	const char *anom[16];
	int fins;
	size_t fin_at;
	uint64_t fin_ts;
};

static void grow(uint8_t **b, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 256;
	uint8_t *nb;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	nb = realloc(*b, c);
	if (!nb)
		abort();    /* the test's own memory, not input */
	*b = nb;
	*cap = c;
}

/* TAKE_REC: the length of the record that starts after `at` consumed
 * bytes (a function of `at`, so that every cut of the stream agrees). */
static size_t rec_len(const struct rec *r, size_t at)
{
	if (r->fixed)
		return r->fixed;
	return 1 + (size_t)(((uint64_t)at * 0x9e3779b97f4a7c15ull) >> 40) % r->unit;
}

static size_t on_want(void *u, int dir)
{
	struct rec *r = u;

	(void)dir;
	r->promised = r->want_on && r->take == TAKE_REC ? rec_len(r, r->len) : 0;
	return r->promised;
}

static size_t on_data(void *u, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
	struct rec *r = u;
	size_t take = n;

	r->offers++;
	r->last_n = n;
	r->last_ts = ts;
	if (dir != r->dir)
		r->bad_dir++;
	/* What was not consumed last time must come first this time. */
	if (n < r->held_len || (r->held_len && memcmp(p, r->held, r->held_len) != 0))
		r->bad_offers++;
	switch (r->take) {
	case TAKE_ALL:
		break;
	case TAKE_NONE:
		take = 0;
		break;
	case TAKE_UNIT:
		take = n / r->unit * r->unit;
		break;
	case TAKE_MAX:
		take = n < r->unit ? n : r->unit;
		break;
	case TAKE_REC:
		if (r->promised && n < r->promised)
			r->short_offers++;
		take = 0;
		while (take + rec_len(r, r->len + take) <= n)
			take += rec_len(r, r->len + take);
		break;
	}
	r->promised = 0;
	grow(&r->out, &r->cap, r->len + take);
	if (take)
		memcpy(r->out + r->len, p, take);
	r->len += take;
	grow(&r->held, &r->held_cap, n - take);
	if (n - take)
		memcpy(r->held, p + take, n - take);
	r->held_len = n - take;
	return take;
}

static void on_gap(void *u, int dir, uint64_t missing, uint64_t ts)
{
	struct rec *r = u;

	(void)ts;
	if (dir != r->dir)
		r->bad_dir++;
	if (r->ngaps < 16) {
		r->gap[r->ngaps] = missing;
		r->gap_at[r->ngaps] = r->len;
	}
	r->ngaps++;
	r->gap_total += missing;
	/* Bytes held before a hole are abandoned with it (reasm.c). */
	r->abandoned += r->held_len;
	r->held_len = 0;
	r->promised = 0;
}

static void on_anomaly(void *u, const char *code)
{
	struct rec *r = u;

	if (r->nanom < 16)
		r->anom[r->nanom] = code;
	r->nanom++;
}

static void on_fin(void *u, int dir, uint64_t ts)
{
	struct rec *r = u;

	if (dir != r->dir)
		r->bad_dir++;
	r->fins++;
	r->fin_at = r->len;
	r->fin_ts = ts;
}

static void rec_free(struct rec *r)
{
	free(r->out);
	free(r->held);
	memset(r, 0, sizeof *r);
}

static struct reasm_sink sink_for(struct rec *r)
{
	struct reasm_sink k = { on_data, on_gap, on_anomaly, on_fin, r, on_want };
	return k;
}

/* The consumed bytes are exactly S[from, from + n) at position at. */
static bool out_is(const struct rec *r, size_t at, size_t from, size_t n)
{
	return at + n <= r->len && (n == 0 || memcmp(r->out + at, S + from, n) == 0);
}

/* The bytes held back since the last offer are S[from, from + held_len). */
static bool held_is(const struct rec *r, size_t from)
{
	return r->held_len == 0 || memcmp(r->held, S + from, r->held_len) == 0;
}

static bool anomaly_seen(const struct rec *r, const char *code)
{
	for (int i = 0; i < r->nanom && i < 16; i++)
		if (strcmp(r->anom[i], code) == 0)
			return true;
	return false;
}

/* ---- shared accounting ---- */

static struct tt_stats st;
static struct reasm_mem mem;
static size_t over;          /* times a limit was exceeded after a call */

static void mem_init(uint64_t cap, uint32_t dir_limit)
{
	reasm_mem_release(&mem);
	memset(&st, 0, sizeof st);
	memset(&mem, 0, sizeof mem);
	mem.cap = cap;
	mem.dir_limit = dir_limit;
	mem.gaps = &st.reasm_gaps;
	mem.gap_bytes = &st.reasm_gap_bytes;
	mem.memcap_hits = &st.reasm_memcap_hits;
	mem.dir_limit_hits = &st.reasm_dir_limit_hits;
	mem.conflicts = &st.reasm_overlap_conflicts;
	over = 0;
}

static void check_bounds(const struct reasm_dir *d)
{
	if (mem.used > mem.cap || d->pend_cap + d->ooo_bytes > mem.dir_limit ||
	    d->pend_len > d->pend_cap)
		over++;
}

/* ---- the fixture: one direction, what its sink saw, and feeding it ---- */

/* Nothing in it points into it (the sink is made for each call), so a test
 * may take one by value. */
struct fix {
	struct reasm_dir d;
	struct rec r;
	uint32_t isn;            /* the sequence number of stream byte 0 */
};

/* A fresh direction dir whose sink consumes as take and unit say.  Not
 * started: its first segment starts it. */
static struct fix fix_open(uint32_t isn, int dir, enum take take, size_t unit)
{
	struct fix f = { .r = { .dir = dir, .take = take, .unit = unit ? unit : 1 }, .isn = isn };

	return f;
}

/* The same, started: the first byte expected is stream byte 0. */
static struct fix fix_init(uint32_t isn, int dir, enum take take, size_t unit)
{
	struct fix f = fix_open(isn, dir, take, unit);

	reasm_start(&f.d, isn);
	return f;
}

/* Free the direction and the record; true if no reassembly memory is left
 * in use by any direction. */
static bool fix_done(struct fix *f)
{
	reasm_free(&f->d, &mem);
	rec_free(&f->r);
	return mem.used == 0;
}

/* Feed p[0..n) as a segment at seq, from an exact-size copy. */
static void feed(struct fix *f, uint32_t seq, const uint8_t *p, size_t n, bool fin, uint64_t ts)
{
	struct reasm_sink k = sink_for(&f->r);
	uint8_t *c = malloc(n ? n : 1);

	if (!c)
		abort();
	if (n)
		memcpy(c, p, n);
	reasm_segment(&f->d, f->r.dir, seq, c, n, fin, ts, &mem, &k);
	free(c);
	check_bounds(&f->d);
}

/* Feed S[off, off + n) as the stream's segment. */
static void feed_s(struct fix *f, size_t off, size_t n, bool fin)
{
	feed(f, f->isn + (uint32_t)off, S + off, n, fin, 1000 + off);
}

/* Stream pieces [off, off + len), none carrying FIN. */
struct piece {
	size_t off, len;
};

static void feed_pieces(struct fix *f, const struct piece *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		feed_s(f, p[i].off, p[i].len, false);
}

/* Feed the pieces given, in that order: FEED(&f, { 0, 10 }, { 20, 10 }). */
#define FEED(f, ...) feed_pieces(f, (const struct piece[]){ __VA_ARGS__ }, \
	sizeof((const struct piece[]){ __VA_ARGS__ }) / sizeof(struct piece))

static void ack(struct fix *f, uint32_t a)
{
	struct reasm_sink k = sink_for(&f->r);

	reasm_acked(&f->d, f->r.dir, a, 77, &mem, &k);
	check_bounds(&f->d);
}

static void flush(struct fix *f)
{
	struct reasm_sink k = sink_for(&f->r);

	reasm_flush(&f->d, f->r.dir, 88, &mem, &k);
	check_bounds(&f->d);
}

/* ---- tests ---- */

/* In-order segments reach the sink at once and in order, with their
 * timestamps and direction; a sink that consumes everything costs no
 * buffer memory (in-order data is parsed where it lies). */
static void test_in_order(void)
{
	const uint32_t isn = 0x12345678;

	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(isn, 1, TAKE_ALL, 0);
	feed_s(&f, 0, 5, false);
	CHECK(f.r.len == 5 && out_is(&f.r, 0, 0, 5) && f.r.last_ts == 1000);
	FEED(&f, { 5, 1 }, { 6, 1000 });
	CHECK(f.r.len == 1006 && out_is(&f.r, 0, 0, 1006) && f.r.last_ts == 1006);
	CHECK(mem.used == 0);
	/* A segment without payload changes nothing. */
	feed(&f, isn + 1006, S, 0, false, 5);
	CHECK(f.r.len == 1006 && f.r.offers == 3);
	/* FIN on the last segment: the data, then the fin, once. */
	feed_s(&f, 1006, 10, true);
	CHECK(f.r.len == 1016 && out_is(&f.r, 0, 0, 1016));
	CHECK(f.r.fins == 1 && f.r.fin_at == 1016);
	/* A retransmitted FIN is not a second one. */
	feed_s(&f, 1006, 10, true);
	CHECK(f.r.fins == 1 && f.r.len == 1016);
	CHECK(f.r.ngaps == 0 && f.r.nanom == 0 && f.r.bad_dir == 0 && f.r.bad_offers == 0);
	CHECK(mem.used == 0 && over == 0);
	CHECK(fix_done(&f));

	/* A direction picked up mid-stream starts at its first segment. */
	f = fix_open(isn, 0, TAKE_ALL, 0);
	FEED(&f, { 300, 50 }, { 350, 50 });
	CHECK(f.r.len == 100 && out_is(&f.r, 0, 300, 100));
	CHECK(f.r.ngaps == 0 && f.r.nanom == 0);
	fix_done(&f);
}

/* Partial consumption: what the sink leaves is kept and offered again,
 * first, with the next bytes; nothing is lost or repeated. */
static void test_partial(void)
{
	static const size_t sizes[] = { 3, 5, 11, 1, 20, 2, 7, 51 };
	size_t off = 0, bad = 0;
	const uint32_t isn = 1;

	/* A parser that takes whole 7-byte records. */
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(isn, 0, TAKE_UNIT, 7);
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		feed_s(&f, off, sizes[i], false);
		off += sizes[i];
		if (f.r.len != off / 7 * 7 || f.r.held_len != off % 7 ||
		    !out_is(&f.r, 0, 0, f.r.len))
			bad++;
	}
	CHECK(off == 100);
	CHECK(bad == 0);
	CHECK(f.r.bad_offers == 0 && f.r.ngaps == 0 && f.r.nanom == 0);
	CHECK(f.r.len == 98 && f.r.held_len == 2 && held_is(&f.r, 98));
	/* The two waiting bytes are buffered, within the limit. */
	CHECK(mem.used > 0 && mem.used <= mem.dir_limit && over == 0);
	CHECK(fix_done(&f));

	/* A parser that needs everything before it takes anything: the last
	 * offer holds all 50 bytes, then 51 once it takes them. */
	f = fix_init(isn, 0, TAKE_NONE, 0);
	for (off = 0; off < 50; off += 10)
		feed_s(&f, off, 10, false);
	CHECK(f.r.len == 0 && f.r.last_n == 50 && f.r.held_len == 50 && held_is(&f.r, 0));
	CHECK(f.r.bad_offers == 0);
	f.r.take = TAKE_ALL;
	feed_s(&f, 50, 1, false);
	CHECK(f.r.last_n == 51 && f.r.len == 51 && out_is(&f.r, 0, 0, 51));
	CHECK(f.r.bad_offers == 0);
	/* Consumed: a later segment goes straight through again. */
	feed_s(&f, 51, 9, false);
	CHECK(f.r.last_n == 9 && f.r.len == 60 && out_is(&f.r, 0, 0, 60));
	CHECK(fix_done(&f));

	/* A parser that takes at most 4 bytes a call. */
	f = fix_init(isn, 0, TAKE_MAX, 4);
	bad = 0;
	for (off = 0; off < 300; off += 10) {
		feed_s(&f, off, 10, false);
		if (f.r.len + f.r.held_len != off + 10 || !out_is(&f.r, 0, 0, f.r.len) ||
		    !held_is(&f.r, f.r.len))
			bad++;
	}
	CHECK(bad == 0 && f.r.bad_offers == 0 && over == 0);
	CHECK(fix_done(&f));

	/* Partial consumption with data arriving out of order. */
	f = fix_init(isn, 0, TAKE_UNIT, 16);
	FEED(&f, { 40, 30 }, { 10, 30 });
	CHECK(f.r.offers == 0);
	feed_s(&f, 0, 10, false);
	CHECK(f.r.len == 64 && out_is(&f.r, 0, 0, 64) && f.r.held_len == 6);
	CHECK(f.r.bad_offers == 0 && f.r.ngaps == 0 && f.r.nanom == 0);
	CHECK(fix_done(&f));
}

/* Segments ahead of the next expected byte wait, sorted, and are delivered
 * in stream order once the hole before them fills; the waiting bytes are
 * accounted and released. */
static void test_out_of_order(void)
{
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(0x80000000u, 0, TAKE_ALL, 0);
	FEED(&f, { 300, 100 }, { 100, 100 }, { 200, 100 });
	CHECK(f.r.offers == 0 && f.r.len == 0);
	CHECK(mem.used >= 300 && f.d.ooo_bytes == 300);
	feed_s(&f, 0, 100, false);
	CHECK(f.r.len == 400 && out_is(&f.r, 0, 0, 400));
	CHECK(mem.used == 0 && f.d.ooo_bytes == 0);

	/* Reverse order, the FIN first: the fin comes after the last byte. */
	feed_s(&f, 450, 50, true);
	FEED(&f, { 420, 30 }, { 410, 10 });
	CHECK(f.r.len == 400 && f.r.fins == 0);
	feed_s(&f, 400, 10, false);
	CHECK(f.r.len == 500 && out_is(&f.r, 0, 0, 500));
	CHECK(f.r.fins == 1 && f.r.fin_at == 500);
	CHECK(f.r.ngaps == 0 && f.r.nanom == 0 && st.reasm_gaps == 0 && over == 0);
	CHECK(mem.used == 0);
	fix_done(&f);
}

/* Retransmissions: an exact duplicate of delivered or of waiting data is
 * dropped without an anomaly, and so is an old segment wholly before the
 * next expected byte. */
static void test_duplicates(void)
{
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(7, 0, TAKE_ALL, 0);
	FEED(&f, { 0, 100 }, { 0, 100 });
	CHECK(f.r.len == 100 && f.r.offers == 1);
	feed_s(&f, 20, 30, false);
	CHECK(f.r.len == 100 && f.r.offers == 1);
	/* Waiting data sent twice is held once. */
	FEED(&f, { 200, 50 }, { 200, 50 });
	CHECK(f.d.ooo_bytes == 50);
	feed_s(&f, 100, 100, false);
	CHECK(f.r.len == 250 && out_is(&f.r, 0, 0, 250));
	FEED(&f, { 200, 50 }, { 0, 250 });
	CHECK(f.r.len == 250);
	/* A retransmission that brings new bytes after old ones: only the new
	 * ones are delivered. */
	feed_s(&f, 240, 20, false);
	CHECK(f.r.len == 260 && out_is(&f.r, 0, 0, 260));
	CHECK(f.r.nanom == 0 && st.reasm_overlap_conflicts == 0 && f.r.ngaps == 0);
	CHECK(mem.used == 0 && over == 0);
	fix_done(&f);
}

/* Overlaps: the first copy of a byte wins.  Equal bytes pass silently;
 * different bytes for data still waiting raise tcp_overlap_conflict and
 * count in reasm_overlap_conflicts.  Bytes already handed to the sink are
 * not kept, so they are not compared (README, Known limits). */
static void test_overlap(void)
{
	uint8_t alt[64];
	const uint32_t isn = 1000;

	/* Equal bytes, overlapping a waiting segment on both sides. */
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(isn, 0, TAKE_ALL, 0);
	FEED(&f, { 10, 10 }, { 5, 20 }, { 0, 5 });
	CHECK(f.r.len == 25 && out_is(&f.r, 0, 0, 25));
	CHECK(f.r.nanom == 0 && st.reasm_overlap_conflicts == 0);
	CHECK(fix_done(&f));

	/* Different bytes over a waiting segment, arriving out of order. */
	f = fix_init(isn, 0, TAKE_ALL, 0);
	feed_s(&f, 10, 10, false);
	memcpy(alt, S + 5, 20);
	for (int i = 5; i < 15; i++)
		alt[i] ^= 0xff;                 /* stream bytes 10..19 differ */
	feed(&f, isn + 5, alt, 20, false, 1);
	CHECK(f.r.nanom == 1 && anomaly_seen(&f.r, "tcp_overlap_conflict"));
	CHECK(st.reasm_overlap_conflicts == 1);
	feed_s(&f, 0, 5, false);
	/* The waiting copy won; the new bytes around it were taken. */
	CHECK(f.r.len == 25 && out_is(&f.r, 0, 0, 25));
	CHECK(fix_done(&f));

	/* Different bytes over a waiting segment, carried by an in-order
	 * segment that also fills the hole before it. */
	mem_init(1 << 20, 1 << 16);
	f = fix_init(isn, 0, TAKE_ALL, 0);
	feed_s(&f, 10, 10, false);
	memcpy(alt, S, 15);
	alt[12] ^= 0x01;
	feed(&f, isn, alt, 15, false, 1);
	CHECK(f.r.nanom == 1 && anomaly_seen(&f.r, "tcp_overlap_conflict"));
	CHECK(st.reasm_overlap_conflicts == 1);
	CHECK(f.r.len == 20 && out_is(&f.r, 0, 0, 20));

	/* Different bytes over data already delivered: compared with the
	 * history (a conflict), the delivered copy stands and the new tail is
	 * taken. */
	memcpy(alt, S + 15, 20);
	alt[0] ^= 0x55;                         /* stream byte 15 */
	feed(&f, isn + 15, alt, 20, false, 2);
	CHECK(f.r.len == 35 && out_is(&f.r, 0, 0, 35));
	CHECK(f.r.nanom == 2 && st.reasm_overlap_conflicts == 2);
	/* The same bytes again, and a one-byte keep-alive probe with garbage
	 * just below the next byte: no conflict. */
	feed_s(&f, 10, 25, false);
	feed(&f, isn + 34, (const uint8_t *)"", 1, false, 2);
	CHECK(f.r.nanom == 2 && st.reasm_overlap_conflicts == 2 && f.r.len == 35);

	/* One conflicting segment spanning two waiting ones: still one
	 * conflict, and every waiting byte kept. */
	FEED(&f, { 40, 5 }, { 50, 5 });
	memcpy(alt, S + 38, 20);
	alt[3] ^= 0x80;                         /* stream byte 41 */
	alt[13] ^= 0x80;                        /* stream byte 51 */
	feed(&f, isn + 38, alt, 20, false, 3);
	CHECK(st.reasm_overlap_conflicts == 3 && f.r.nanom == 3);
	feed_s(&f, 35, 3, false);
	CHECK(f.r.len == 58);
	CHECK(out_is(&f.r, 0, 0, 38));
	CHECK(out_is(&f.r, 40, 40, 5) && out_is(&f.r, 50, 50, 5));
	/* The hole bytes between them came from the conflicting segment. */
	CHECK(memcmp(f.r.out + 38, alt, 2) == 0 && memcmp(f.r.out + 45, alt + 7, 5) == 0);
	CHECK(memcmp(f.r.out + 55, alt + 17, 3) == 0);
	CHECK(f.r.ngaps == 0 && over == 0);
	CHECK(fix_done(&f));
}

/* The history starts small and grows with the stream (256 bytes, then
 * doubling up to REASM_HISTORY): what it held before growing is compared
 * as before, and once full it covers the last REASM_HISTORY bytes.  The
 * waiting buffer goes back once consumed, and both come back from the
 * pool for the next direction. */
static void test_history_pool(void)
{
	uint8_t alt[64];
	const uint32_t isn = 7;
	const uint64_t all = 256 + 512 + 1024 + 2048 + 4096;
	size_t bad = 0;

	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(isn, 0, TAKE_ALL, 0);
	feed_s(&f, 0, 100, false);
	CHECK(f.d.hist_cap == REASM_BLOCK_MIN && mem.hist_used == REASM_BLOCK_MIN);
	feed_s(&f, 100, 200, false);
	CHECK(f.d.hist_cap == 512 && mem.hist_used == 512);
	feed_s(&f, 300, 400, false);
	CHECK(f.d.hist_cap == 1024);
	feed_s(&f, 700, 1000, false);
	CHECK(f.d.hist_cap == 2048);
	feed_s(&f, 1700, 1600, false);
	CHECK(f.d.hist_cap == REASM_HISTORY && mem.hist_used == REASM_HISTORY);
	/* Bytes delivered before each growth were moved, not lost: the same
	 * bytes again are no conflict, one byte changed is one. */
	for (size_t at = 0; at + 10 <= 3300; at += 37) {
		memcpy(alt, S + at, 10);
		feed(&f, isn + (uint32_t)at, alt, 10, false, 1);
		alt[at % 10] ^= 0x20;
		feed(&f, isn + (uint32_t)at, alt, 10, false, 1);
		if (st.reasm_overlap_conflicts != 1)
			bad++;
		st.reasm_overlap_conflicts = 0;
	}
	CHECK(bad == 0 && f.r.len == 3300 && out_is(&f.r, 0, 0, 3300));
	/* Past REASM_HISTORY bytes: the last ones are compared, older ones
	 * are not known any more. */
	for (size_t off = 3300; off < 10000; off += 1000)
		feed_s(&f, off, off + 1000 <= 10000 ? 1000 : 10000 - off, false);
	CHECK(f.r.len == 10000 && out_is(&f.r, 0, 0, 10000));
	memcpy(alt, S + 9000, 10);
	alt[3] ^= 1;
	feed(&f, isn + 9000, alt, 10, false, 2);
	CHECK(st.reasm_overlap_conflicts == 1);
	memcpy(alt, S + 1000, 10);
	alt[3] ^= 1;
	feed(&f, isn + 1000, alt, 10, false, 2);
	CHECK(st.reasm_overlap_conflicts == 1 && f.r.len == 10000);
	CHECK(fix_done(&f));
	/* Freed: the blocks wait in the pool (each size the history went
	 * through), counted with reassembly. */
	CHECK(mem.hist_used == 0 && mem.pool_bytes == all);
	for (int c = 0; c < 5; c++)
		CHECK(mem.pool[c].n == 1);
	CHECK(reasm_mem_bytes(&mem) == mem.pool_bytes);

	/* A record split across segments waits in a buffer from the pool,
	 * which goes back as soon as the record is consumed. */
	f = fix_init(isn, 0, TAKE_UNIT, 50);
	feed_s(&f, 0, 30, false);
	CHECK(f.d.pend && f.d.pend_cap == REASM_HISTORY && mem.used == REASM_HISTORY);
	CHECK(f.d.hist_cap == REASM_BLOCK_MIN);
	CHECK(mem.pool_bytes == all - REASM_HISTORY - REASM_BLOCK_MIN);
	feed_s(&f, 30, 20, false);
	CHECK(f.r.len == 50 && !f.d.pend && f.d.pend_len == 0 && f.d.pend_cap == 0);
	CHECK(mem.used == 0 && mem.pool_bytes == all - REASM_BLOCK_MIN);
	CHECK(fix_done(&f));
	CHECK(mem.pool_bytes == all && reasm_mem_bytes(&mem) == all);

	/* The pool keeps at most REASM_POOL_MAX blocks of a size. */
	{
		static struct fix many[REASM_POOL_MAX + 8];
		for (int i = 0; i < REASM_POOL_MAX + 8; i++) {
			many[i] = fix_init(isn, 0, TAKE_UNIT, 50);
			feed_s(&many[i], 0, 30, false);
		}
		for (int i = 0; i < REASM_POOL_MAX + 8; i++)
			bad += !fix_done(&many[i]);
		CHECK(bad == REASM_POOL_MAX + 7 && mem.used == 0);
		CHECK(mem.pool[0].n == REASM_POOL_MAX && mem.pool[4].n == REASM_POOL_MAX);
	}
	reasm_mem_release(&mem);
	CHECK(mem.pool_bytes == 0 && reasm_mem_bytes(&mem) == 0);
}

/* Sequence numbers wrap at 2^32 in the middle of the stream: in-order,
 * out-of-order and acknowledged-lost data across the wrap behave exactly
 * as anywhere else (RFC 9293 3.4 modular comparison). */
static void test_wrap(void)
{
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(0xffffff00u, 0, TAKE_ALL, 0);  /* byte 256: sequence 0 */
	feed_s(&f, 0, 200, false);
	/* After the wrap, waiting; then one segment straddling it. */
	FEED(&f, { 300, 100 }, { 500, 100 });
	CHECK(f.r.len == 200);
	feed_s(&f, 200, 100, false);     /* 0xffffffc8 .. 0x2c */
	CHECK(f.r.len == 400 && out_is(&f.r, 0, 0, 400));
	/* An old segment from before the wrap is a retransmission. */
	feed_s(&f, 100, 100, false);
	CHECK(f.r.len == 400);
	/* A hole at 400..500 the peer acknowledges: 100 bytes lost. */
	ack(&f, f.isn + 600);
	CHECK(f.r.ngaps == 1 && f.r.gap[0] == 100 && f.r.gap_at[0] == 400);
	CHECK(f.r.len == 500 && out_is(&f.r, 400, 500, 100));
	CHECK(f.r.nanom == 0 && mem.used == 0 && over == 0);
	fix_done(&f);

	/* Starting one byte before the wrap. */
	f = fix_init(0xffffffffu, 0, TAKE_ALL, 0);
	feed(&f, 0x00000000u, S + 1, 9, false, 1);
	feed(&f, 0xffffffffu, S, 1, false, 1);
	CHECK(f.r.len == 10 && out_is(&f.r, 0, 0, 10) && f.r.ngaps == 0);
	CHECK(fix_done(&f));
}

/* A hole the peer's ACK proves lost: the gap callback gets the exact
 * number of missing bytes, the counters add them up, and the data after
 * the hole follows.  ACKs that prove nothing change nothing. */
static void test_acked(void)
{
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(5000, 1, TAKE_ALL, 0);
	FEED(&f, { 0, 100 }, { 150, 100 });
	/* Up to what was delivered, behind it, or far beyond anything the
	 * sender can have sent (RFC 9293 3.10.7.4 ignores an ACK of unsent
	 * data): nothing. */
	ack(&f, f.isn + 100);
	ack(&f, f.isn + 50);
	ack(&f, f.isn + 100 + 0x7fff0000u);
	CHECK(f.r.ngaps == 0 && f.r.len == 100);
	ack(&f, f.isn + 250);
	CHECK(f.r.ngaps == 1 && f.r.gap[0] == 50 && f.r.gap_at[0] == 100);
	CHECK(f.r.len == 200 && out_is(&f.r, 0, 0, 100) && out_is(&f.r, 100, 150, 100));
	CHECK(st.reasm_gaps == 1 && st.reasm_gap_bytes == 50);
	/* The same ACK again: nothing new. */
	ack(&f, f.isn + 250);
	CHECK(f.r.ngaps == 1 && f.r.len == 200);

	/* Acknowledged beyond everything seen: no gap (an ACK for data never
	 * sent proves nothing lost); later data waits, and the bytes turning
	 * up fill the hole. */
	ack(&f, f.isn + 280);
	CHECK(f.r.ngaps == 1 && f.r.len == 200);
	feed_s(&f, 280, 20, false);
	CHECK(f.r.len == 200);
	feed_s(&f, 250, 30, false);
	CHECK(f.r.len == 250 && out_is(&f.r, 200, 250, 50));

	/* An ACK inside a hole declares only the part below it. */
	feed_s(&f, 400, 10, false);
	ack(&f, f.isn + 350);
	CHECK(f.r.ngaps == 2 && f.r.gap[1] == 50 && f.r.len == 250);
	ack(&f, f.isn + 410);
	CHECK(f.r.ngaps == 3 && f.r.gap[2] == 50 && f.r.len == 260 && out_is(&f.r, 250, 400, 10));
	CHECK(st.reasm_gaps == 3 && st.reasm_gap_bytes == 150 && f.r.gap_total == 150);

	/* A hole before the FIN: the ACK of the FIN (which takes one sequence
	 * number, not a byte) proves the bytes lost, and the fin follows. */
	feed(&f, f.isn + 430, S, 0, true, 9);
	CHECK(f.r.fins == 0);
	ack(&f, f.isn + 431);
	CHECK(f.r.ngaps == 4 && f.r.gap[3] == 20 && f.r.fins == 1 && f.r.len == 260);
	CHECK(st.reasm_gap_bytes == 170);
	CHECK(f.r.nanom == 0 && mem.used == 0 && over == 0 && f.r.bad_dir == 0);
	fix_done(&f);
}

/* One ACK beyond two holes proves both lost: both are declared and all the
 * data waiting below the ACK is delivered at once (reasm.h: "bytes below it
 * we never saw are lost"), not only up to the second hole, leaving the rest
 * for a later ACK or the flush. */
static void test_acked_two_holes(void)
{
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(100, 0, TAKE_ALL, 0);
	FEED(&f, { 0, 10 }, { 20, 10 }, { 40, 10 });
	ack(&f, f.isn + 50);
	CHECK(f.r.ngaps == 2 && f.r.gap_total == 20);
	CHECK(f.r.len == 30 && out_is(&f.r, 0, 0, 10) && out_is(&f.r, 10, 20, 10) &&
	      out_is(&f.r, 20, 40, 10));
	CHECK(fix_done(&f));
}

/* The end of the flow (reasm_flush, at FIN, RST or end of input) declares
 * every hole before waiting data, delivers the data, then the fin; a
 * second flush does nothing more. */
static void test_flush(void)
{
	const uint32_t isn = 42;

	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(isn, 0, TAKE_ALL, 0);
	FEED(&f, { 0, 10 }, { 20, 10 });
	feed_s(&f, 45, 5, true);
	CHECK(f.r.len == 10 && f.r.fins == 0);
	flush(&f);
	CHECK(f.r.ngaps == 2 && f.r.gap[0] == 10 && f.r.gap[1] == 15);
	CHECK(f.r.gap_at[0] == 10 && f.r.gap_at[1] == 20);
	CHECK(f.r.len == 25 && out_is(&f.r, 0, 0, 10) && out_is(&f.r, 10, 20, 10) &&
	      out_is(&f.r, 20, 45, 5));
	CHECK(f.r.fins == 1 && f.r.fin_at == 25);
	CHECK(st.reasm_gaps == 2 && st.reasm_gap_bytes == 25);
	CHECK(mem.used == 0);
	flush(&f);
	CHECK(f.r.ngaps == 2 && f.r.fins == 1 && f.r.len == 25);
	fix_done(&f);

	/* Only a FIN after the hole: nothing shows that the receiver took it
	 * (a spoofed FIN looks the same), so no fin; once the peer
	 * acknowledged it, the hole up to it, then the fin. */
	f = fix_init(isn, 0, TAKE_ALL, 0);
	feed_s(&f, 0, 10, false);
	feed(&f, isn + 30, S, 0, true, 3);
	flush(&f);
	CHECK(f.r.ngaps == 0 && f.r.fins == 0 && f.r.len == 10);
	ack(&f, isn + 31);
	flush(&f);
	CHECK(f.r.ngaps == 1 && f.r.gap[0] == 20 && f.r.fins == 1 && f.r.len == 10);
	fix_done(&f);

	/* Nothing missing: a flush changes nothing. */
	f = fix_init(isn, 0, TAKE_ALL, 0);
	feed_s(&f, 0, 10, false);
	flush(&f);
	CHECK(f.r.ngaps == 0 && f.r.fins == 0 && f.r.len == 10);
	fix_done(&f);

	/* Held bytes before a flushed hole are given up with it, and what
	 * follows is offered on its own. */
	f = fix_init(isn, 0, TAKE_UNIT, 8);
	FEED(&f, { 0, 12 }, { 20, 16 });
	flush(&f);
	CHECK(f.r.ngaps == 1 && f.r.gap[0] == 8 && f.r.abandoned == 4);
	CHECK(f.r.len == 24 && out_is(&f.r, 0, 0, 8) && out_is(&f.r, 8, 20, 16));
	CHECK(f.r.bad_offers == 0 && f.r.nanom == 0 && over == 0);
	CHECK(fix_done(&f));
}

/* The per-direction limit: a sink that consumes nothing makes the held
 * bytes grow; past dir_limit the anomaly is reported once, the counter
 * moves, buffering stops and the memory is released.  Memory never grows
 * past the limit on the way. */
static void test_dir_limit(void)
{
	size_t peak = 0, offers_at_stop = 0;
	int seg_at_stop = -1;
	const uint32_t isn = 3;

	mem_init(1 << 26, 16384);
	struct fix f = fix_init(isn, 0, TAKE_NONE, 0);
	for (int i = 0; i < 40; i++) {
		feed_s(&f, (size_t)i * 1000, 1000, false);
		if (mem.used > peak)
			peak = mem.used;
		if (seg_at_stop < 0 && f.r.nanom) {
			seg_at_stop = i;
			offers_at_stop = f.r.offers;
		}
	}
	/* 16 segments (16,000 bytes) fit in 16 KiB; the 17th does not. */
	CHECK(seg_at_stop == 16);
	CHECK(f.r.nanom == 1 && anomaly_seen(&f.r, "reasm_dir_limit"));
	CHECK(st.reasm_dir_limit_hits == 1 && st.reasm_memcap_hits == 0);
	CHECK(f.d.stopped);
	CHECK(peak <= 16384 && over == 0);
	CHECK(mem.used == 0 && f.d.pend_cap == 0 && f.d.ooo_bytes == 0);
	CHECK(f.r.offers == offers_at_stop);
	CHECK(f.r.bad_offers == 0);
	/* Out-of-order data after the stop is not buffered either. */
	feed_s(&f, 50000, 1000, false);
	CHECK(mem.used == 0 && f.d.ooo_bytes == 0 && f.r.nanom == 1);
	CHECK(fix_done(&f));

	/* Waiting out-of-order data: 400 bytes fit under 1,000; 700 more do
	 * not.  (400 is below half the limit, so no hole is forced first.) */
	mem_init(1 << 26, 1000);
	f = fix_init(isn, 0, TAKE_ALL, 0);
	feed_s(&f, 100, 400, false);
	CHECK(f.r.nanom == 0 && mem.used >= 400 && mem.used <= 1000);
	feed_s(&f, 600, 700, false);
	CHECK(f.r.nanom == 1 && anomaly_seen(&f.r, "reasm_dir_limit"));
	CHECK(st.reasm_dir_limit_hits == 1 && f.d.stopped);
	CHECK(mem.used == 0 && over == 0);
	feed_s(&f, 0, 100, false);
	CHECK(mem.used == 0 && f.r.nanom == 1 && over == 0);
	fix_done(&f);

	/* Out-of-order data beyond half the limit: the hole before it is
	 * declared and the data delivered, without a limit anomaly.  Exactly
	 * half is not beyond it. */
	mem_init(1 << 26, 1000);
	f = fix_init(isn, 0, TAKE_ALL, 0);
	FEED(&f, { 0, 100 }, { 200, 500 });
	CHECK(f.r.ngaps == 0 && f.r.len == 100);
	feed_s(&f, 700, 100, false);
	CHECK(f.r.ngaps == 1 && f.r.gap[0] == 100 && f.r.gap_at[0] == 100);
	CHECK(f.r.len == 700 && out_is(&f.r, 100, 200, 600));
	CHECK(f.r.nanom == 0 && !f.d.stopped && mem.used == 0 && over == 0);
	feed_s(&f, 800, 10, false);
	CHECK(f.r.len == 710 && out_is(&f.r, 700, 800, 10));
	CHECK(fix_done(&f));
}

/* The global memcap, shared by all directions: the direction whose bytes
 * would take the total past cap gets reasm_memcap and stops buffering; the
 * other direction keeps its data and carries on. */
static void test_memcap(void)
{
	size_t peak = 0;
	int hit_at = -1;

	mem_init(10000, 1 << 20);
	struct fix f0 = fix_init(10, 0, TAKE_ALL, 0);
	struct fix f1 = fix_init(0xfffff000u, 1, TAKE_ALL, 0);
	for (int i = 0; i < 6; i++)
		feed_s(&f0, 100 + (size_t)i * 1000, 1000, false);
	CHECK(f0.r.nanom == 0 && mem.used >= 6000 && mem.used <= 10000);
	for (int i = 0; i < 6; i++) {
		feed_s(&f1, 100 + (size_t)i * 1000, 1000, false);
		if (mem.used > peak)
			peak = mem.used;
		if (hit_at < 0 && f1.r.nanom)
			hit_at = i;
	}
	/* 9,000 bytes fit in 10,000 whatever the overhead; 11,000 do not. */
	CHECK(hit_at >= 3 && hit_at <= 4);
	CHECK(f1.r.nanom == 1 && anomaly_seen(&f1.r, "reasm_memcap"));
	CHECK(st.reasm_memcap_hits == 1 && st.reasm_dir_limit_hits == 0);
	CHECK(f1.d.stopped && !f0.d.stopped && f1.d.ooo_bytes == 0);
	CHECK(peak <= 10000 && mem.used <= 10000 && over == 0);
	CHECK(f0.r.nanom == 0);
	/* Direction 0 still has all its waiting data. */
	feed_s(&f0, 0, 100, false);
	CHECK(f0.r.len == 6100 && out_is(&f0.r, 0, 0, 6100));
	CHECK(f0.r.ngaps == 0 && f0.r.bad_dir == 0 && f1.r.bad_dir == 0);
	CHECK(mem.used == 0);
	fix_done(&f0);
	CHECK(fix_done(&f1));
}

/* reasm_stop and reasm_free give back every byte a direction held, held
 * bytes and waiting segments alike; both may be called again, and on a
 * direction that never held anything. */
static void test_stop_free(void)
{
	struct reasm_dir d2;

	mem_init(1 << 26, 1 << 18);
	memset(&d2, 0, sizeof d2);
	struct fix f0 = fix_init(99, 0, TAKE_NONE, 0);
	struct fix f1 = fix_init(99, 0, TAKE_NONE, 0);
	feed_s(&f1, 4000, 1000, false);        /* another direction's */
	uint64_t other = mem.used;
	CHECK(other >= 1000);
	feed_s(&f0, 0, 3000, false);           /* held */
	feed_s(&f0, 5000, 2000, false);        /* waiting */
	feed_s(&f0, 9000, 100, false);
	CHECK(mem.used >= other + 5100);
	reasm_stop(&f0.d, &mem);
	CHECK(f0.d.stopped && f0.d.pend == NULL && f0.d.ooo == NULL);
	CHECK(f0.d.pend_cap == 0 && f0.d.ooo_bytes == 0);
	CHECK(mem.used == other);
	/* Stopped: later data is neither buffered nor offered. */
	size_t offers = f0.r.offers;
	FEED(&f0, { 3000, 2000 }, { 20000, 2000 });
	CHECK(f0.r.offers == offers && f0.d.pend_cap == 0 && f0.d.ooo_bytes == 0);
	reasm_stop(&f0.d, &mem);
	reasm_free(&f0.d, &mem);
	reasm_free(&f1.d, &mem);
	reasm_free(&d2, &mem);
	CHECK(mem.used == 0);
	reasm_free(&f1.d, &mem);
	CHECK(mem.used == 0 && over == 0 && f0.r.nanom == 0 && f1.r.nanom == 0);
	rec_free(&f0.r);
	rec_free(&f1.r);
}

/* Data from before the first expected byte (a retransmission reaching back
 * past where this direction started, or bytes below the ISN) belongs to no
 * stream offset: only the bytes at or after the next expected one count. */
static void test_before_start(void)
{
	uint8_t junk[200];
	const uint32_t isn = 1000;

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(0xa5 ^ i);

	/* Ten bytes below the ISN, then ten of the stream. */
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(isn, 0, TAKE_ALL, 0);
	uint8_t seg[20];
	memcpy(seg, junk, 10);
	memcpy(seg + 10, S, 10);
	feed(&f, isn - 10, seg, 20, false, 1);
	CHECK(f.r.len == 10 && out_is(&f.r, 0, 0, 10));
	feed_s(&f, 10, 10, false);
	CHECK(f.r.len == 20 && out_is(&f.r, 0, 0, 20));
	fix_done(&f);

	/* 100 bytes delivered, then a segment from 100 bytes before the ISN
	 * that ends inside what was delivered: nothing new. */
	f = fix_init(isn, 0, TAKE_ALL, 0);
	feed_s(&f, 0, 100, false);
	uint8_t old[150];
	memcpy(old, junk, 100);
	memcpy(old + 100, S, 50);
	feed(&f, isn - 100, old, 150, false, 2);
	CHECK(f.r.len == 100);
	feed_s(&f, 100, 10, false);
	CHECK(f.r.len == 110 && out_is(&f.r, 0, 0, 110));
	CHECK(f.r.ngaps == 0);
	CHECK(fix_done(&f));
}

/* ---- the seeded random test ---- */

struct seg {
	uint32_t off, len;
	bool fin;
	uint32_t key;            /* arrival order */
};

/* Reorder within a window: each segment's arrival key is its position plus
 * up to w - 1, so no segment moves more than w places (stable sort). */
static void shuffle(struct seg *sg, uint32_t n, uint32_t w, uint64_t *s)
{
	for (uint32_t i = 0; i < n; i++)
		sg[i].key = i + rng_below(s, w);
	for (uint32_t i = 1; i < n; i++) {
		struct seg t = sg[i];
		uint32_t j = i;
		while (j > 0 && sg[j - 1].key > t.key) {
			sg[j] = sg[j - 1];
			j--;
		}
		sg[j] = t;
	}
}

/* A 50 KB stream cut into random segments (some tiny), with exact
 * duplicates and overlapping re-cut retransmissions of the same bytes,
 * shuffled within a window, fed to a sink consuming all or part:
 * exactly the original stream comes out, once, followed by one fin, with no
 * gap or anomaly, within the limits, and nothing left held after free. */
static void test_random(void)
{
	enum { TOTAL = 50 * 1024, MAXSEG = 4096, WINDOW = 8 };
	static struct seg segs[MAXSEG];
	int failed_seed = -1;

	for (int it = 0; it < 1000; it++) {
		uint64_t s = 0x1234567u + (uint64_t)it * 0x9e3779b97f4a7c15u;
		struct fix f;
		uint32_t isn, n = 0;
		bool ok;

		rng_next(&s);
		isn = (uint32_t)rng_next(&s);
		if (it % 4 == 0)        /* wrap somewhere inside the stream */
			isn = 0u - (1 + rng_below(&s, TOTAL - 2));
		for (uint32_t off = 0; off < TOTAL && n < MAXSEG - 2;) {
			uint32_t len = 1 + rng_below(&s, rng_below(&s, 8) ? 1460 : 16);
			if (len > TOTAL - off)
				len = TOTAL - off;
			segs[n++] = (struct seg){ off, len, off + len == TOTAL, 0 };
			if (rng_below(&s, 10) == 0)
				segs[n] = segs[n - 1], n++;       /* exact duplicate */
			else if (rng_below(&s, 8) == 0 && off > 0) {
				/* the same bytes cut another way */
				uint32_t a = off - rng_below(&s, off < 700 ? off : 700);
				uint32_t b = off + len + rng_below(&s, 700);
				if (b > TOTAL)
					b = TOTAL;
				segs[n++] = (struct seg){ a, b - a, b == TOTAL, 0 };
			}
			off += len;
		}
		/* Mostly a few places; every tenth run up to 48 (at most about
		 * 70 KB waiting, below half the 256 KiB limit, so no hole may be
		 * declared). */
		shuffle(segs, n, it % 10 == 9 ? 48 : WINDOW, &s);

		mem_init(64ull << 20, 256u << 10);
		switch (it % 4) {
		case 0:
			f = fix_init(isn, it & 1, TAKE_ALL, 0);
			break;
		case 1:
			f = fix_init(isn, it & 1, TAKE_UNIT, 1 + rng_below(&s, 300));
			break;
		case 2:
			f = fix_init(isn, it & 1, TAKE_MAX, 1 + rng_below(&s, 2000));
			break;
		default:
			f = fix_init(isn, it & 1, TAKE_REC, 1 + rng_below(&s, 3000));
			f.r.want_on = (it / 4) & 1;
			break;
		}
		for (uint32_t i = 0; i < n; i++)
			feed(&f, isn + segs[i].off, S + segs[i].off, segs[i].len,
			     segs[i].fin, i);

		/* (a sink that told its want has not been offered the last
		 * bytes of an unfinished record: reassembly holds them) */
		ok = f.r.len + (f.r.want_on ? f.d.pend_len : f.r.held_len) == TOTAL &&
		     out_is(&f.r, 0, 0, f.r.len) && held_is(&f.r, f.r.len);
		if (f.r.take == TAKE_ALL && f.r.len != TOTAL)
			ok = false;
		if (f.r.take == TAKE_REC) {
			/* every whole record consumed, want or not */
			size_t end = 0;
			while (end + rec_len(&f.r, end) <= TOTAL)
				end += rec_len(&f.r, end);
			ok = ok && f.r.len == end && f.r.short_offers == 0;
		}
		ok = ok && f.r.bad_offers == 0 && f.r.bad_dir == 0;
		ok = ok && f.r.ngaps == 0 && f.r.nanom == 0 && st.reasm_gaps == 0;
		ok = ok && f.r.fins == 1 && f.r.fin_at == f.r.len;
		ok = ok && over == 0 && f.d.ooo_bytes == 0;
		reasm_free(&f.d, &mem);         /* the record stays for the report */
		ok = ok && mem.used == 0;
		CHECK(ok);
		if (!ok && failed_seed < 0) {
			failed_seed = it;
			fprintf(stderr, "random: iteration %d (isn %08x, %u segments): "
				"len %zu held %zu gaps %d anomalies %d fins %d over %zu\n",
				it, isn, n, f.r.len, f.r.held_len, f.r.ngaps, f.r.nanom, f.r.fins,
				over);
		}
		rec_free(&f.r);
	}
}

/* A sink that tells what it needs (TLS: the whole record whose header it
 * read) is offered its bytes again only once that many are there, and no
 * more of them: 16,389-byte records in 1,448-byte segments take two offers
 * each instead of one a segment, the buffer grows to the record's size and
 * not past it, and the bytes after a record are offered where they lie.  What is
 * consumed is the same either way. */
static void test_want(void)
{
	size_t offers[2] = { 0, 0 }, consumed[2] = { 0, 0 };

	for (int w = 0; w < 2; w++) {
		mem_init(1 << 22, 1 << 20);
		struct fix f = fix_init(7, 0, TAKE_REC, 0);
		f.r.fixed = 16389;
		f.r.want_on = w;
		for (size_t off = 0; off < 40000; off += 1448) {
			feed_s(&f, off, off + 1448 <= 40000 ? 1448 : 40000 - off, false);
			if (off == 0 && w)
				CHECK(f.d.pend_cap == 4096 && f.d.want == 16389);
			if (off == 4 * 1448 && w)
				CHECK(f.d.pend_cap == 8192);
			if (off == 6 * 1448 && w)   /* grown to the record, not past it */
				CHECK(f.d.pend_cap == 16389);
			CHECK(f.d.pend_cap <= (w ? 16389u : 32768u));
		}
		CHECK(f.r.len == 2 * 16389 && out_is(&f.r, 0, 0, f.r.len) && held_is(&f.r, f.r.len));
		CHECK(f.r.short_offers == 0 && f.r.bad_offers == 0 && over == 0);
		offers[w] = f.r.offers;
		consumed[w] = f.r.len;
		CHECK(fix_done(&f));
	}
	CHECK(consumed[0] == consumed[1]);
	/* (without: every segment, and the first twice: where it lies, then
	 * from the buffer; with: the first, and each record's last segment
	 * twice: the record from the buffer, the rest where it lies) */
	CHECK(offers[0] == 29 && offers[1] == 5);

	/* A gap drops the held bytes and the want with them: the bytes after
	 * it are offered at once, and what they leave sets a new want. */
	mem_init(1 << 22, 1 << 20);
	struct fix f = fix_init(7, 0, TAKE_REC, 0);
	f.r.fixed = 3000;
	f.r.want_on = true;
	feed_s(&f, 0, 1000, false);
	CHECK(f.d.want == 3000 && f.d.pend_len == 1000 && f.r.offers == 1);
	feed_s(&f, 2000, 500, false);
	ack(&f, 7 + 2500);
	CHECK(f.r.ngaps == 1 && f.r.abandoned == 1000 && f.r.offers == 2);
	CHECK(f.d.want == 3000 && f.d.pend_len == 500 && held_is(&f.r, 2000));
	CHECK(fix_done(&f));
}

/* Hostile input under tight limits: segments, ACKs and flushes at random
 * sequence numbers near and far, some with FIN, into both directions
 * sharing one small memcap.  Whatever arrives, nothing crashes, no limit is
 * exceeded after any call, held bytes are still offered first, and freeing
 * returns the accounting to zero. */
static void test_hostile(void)
{
	size_t bad = 0;

	for (int it = 0; it < 300; it++) {
		uint64_t s = 0xfeedfaceu + (uint64_t)it * 0x9e3779b97f4a7c15u;
		struct fix f[2];

		rng_next(&s);
		mem_init(6000 + rng_below(&s, 6000), 4096 + rng_below(&s, 4096));
		for (int i = 0; i < 2; i++) {
			f[i] = fix_open(0, i, (enum take)rng_below(&s, 4), 1 + rng_below(&s, 64));
			if (rng_below(&s, 2))
				reasm_start(&f[i].d, (uint32_t)rng_next(&s));
		}
		for (int op = 0; op < 300; op++) {
			int i = (int)rng_below(&s, 2);
			uint32_t base = f[i].d.init ? f[i].d.next_seq : (uint32_t)rng_next(&s);
			uint32_t seq;

			switch (rng_below(&s, 8)) {
			case 0:
				seq = (uint32_t)rng_next(&s);
				break;
			case 1:
				seq = base - rng_below(&s, 3000);
				break;
			default:
				seq = base + rng_below(&s, 3000);
				break;
			}
			switch (rng_below(&s, 10)) {
			case 0:
				ack(&f[i], seq);
				break;
			case 1:
				flush(&f[i]);
				break;
			default: {
				size_t n = rng_below(&s, 1600);
				size_t from = rng_below(&s, (uint32_t)(STREAM - n));
				feed(&f[i], seq, S + from, n, rng_below(&s, 20) == 0,
				     (uint64_t)op);
				break;
			}
			}
		}
		for (int i = 0; i < 2; i++) {
			flush(&f[i]);
			bad += f[i].r.bad_offers + f[i].r.bad_dir;
			fix_done(&f[i]);
		}
		if (over || mem.used != 0)
			bad++;
	}
	CHECK(bad == 0);
}

/* Feed S[off, off + n) as a held copy (reasm_segment_held). */
static void feed_held(struct fix *f, size_t off, const uint8_t *p, size_t n, enum reasm_hold h)
{
	struct reasm_sink k = sink_for(&f->r);
	uint8_t *c = malloc(n ? n : 1);

	if (!c)
		abort();
	memcpy(c, p, n);
	reasm_segment_held(&f->d, f->r.dir, f->isn + (uint32_t)off, c, n, h, 5, &mem, &k);
	free(c);
	check_bounds(&f->d);
}

/* A copy the endpoint may have dropped is held: a trusted copy of the same
 * bytes replaces it (a conflict when they differ); alone, it is delivered
 * once the peer acknowledges past its start (tcp_doubtful_copy_used) and
 * dropped at the end without that (tcp_doubtful_copy_dropped, a gap). */
static void test_held(void)
{
	uint8_t fake[40];

	memcpy(fake, S, sizeof fake);
	memset(fake + 10, 'x', 10);
	mem_init(1 << 20, 1 << 16);

	/* The fake first, then the real one: the real one wins, named. */
	struct fix f = fix_init(7, 0, TAKE_ALL, 0);
	feed_held(&f, 0, fake, 40, REASM_DOUBTFUL);
	CHECK(f.r.len == 0);
	feed_s(&f, 0, 40, false);
	CHECK(f.r.len == 40 && out_is(&f.r, 0, 0, 40));
	CHECK(anomaly_seen(&f.r, "tcp_overlap_conflict") && st.reasm_overlap_conflicts == 1);
	CHECK(f.r.ngaps == 0 && mem.used == 0);
	/* The fake after the real one: compared with what was parsed. */
	feed_held(&f, 0, fake, 40, REASM_DOUBTFUL);
	CHECK(f.r.len == 40 && st.reasm_overlap_conflicts == 2);
	CHECK(fix_done(&f));

	/* An identical held copy, then the trusted one: no conflict. */
	mem_init(1 << 20, 1 << 16);
	f = fix_init(7, 0, TAKE_ALL, 0);
	feed_held(&f, 0, S, 40, REASM_DOUBTFUL);
	feed_s(&f, 0, 40, false);
	CHECK(f.r.len == 40 && f.r.nanom == 0);
	CHECK(fix_done(&f));

	/* Alone, acknowledged: delivered and named; data after it follows. */
	f = fix_init(7, 0, TAKE_ALL, 0);
	feed_held(&f, 0, fake, 40, REASM_DOUBTFUL);
	feed_s(&f, 40, 10, false);
	CHECK(f.r.len == 0);
	ack(&f, f.isn + 1);
	CHECK(f.r.len == 50 && out_is(&f.r, 0, 0, 10) && out_is(&f.r, 40, 40, 10));
	CHECK(anomaly_seen(&f.r, "tcp_doubtful_copy_used") && f.r.ngaps == 0);
	CHECK(fix_done(&f));

	/* Alone, never acknowledged: dropped at the end, a gap, then the rest. */
	f = fix_init(7, 0, TAKE_ALL, 0);
	feed_held(&f, 0, fake, 40, REASM_DOUBTFUL);
	feed_s(&f, 40, 10, false);
	flush(&f);
	CHECK(f.r.len == 10 && out_is(&f.r, 0, 40, 10));
	CHECK(f.r.ngaps == 1 && f.r.gap[0] == 40);
	CHECK(anomaly_seen(&f.r, "tcp_doubtful_copy_dropped"));
	CHECK(fix_done(&f));

	/* A held copy never overrides waiting trusted bytes. */
	f = fix_init(7, 0, TAKE_ALL, 0);
	feed_s(&f, 10, 10, false);
	feed_held(&f, 0, fake, 40, REASM_DOUBTFUL);
	CHECK(anomaly_seen(&f.r, "tcp_overlap_conflict"));
	feed_s(&f, 0, 10, false);
	feed_s(&f, 20, 20, false);
	CHECK(f.r.len == 40 && out_is(&f.r, 0, 0, 40));
	CHECK(fix_done(&f));
}

/* Zero padding on a pure ACK: replaced silently by data at the same
 * sequence number; used as data when the sender's next data follows it. */
static void test_padding(void)
{
	static const uint8_t zeros[6];

	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(9, 1, TAKE_ALL, 0);
	feed_held(&f, 0, zeros, 6, REASM_PADDING);
	CHECK(f.r.len == 0);
	feed_s(&f, 0, 30, false);
	CHECK(f.r.len == 30 && out_is(&f.r, 0, 0, 30) && f.r.nanom == 0);
	CHECK(st.reasm_overlap_conflicts == 0);
	/* Padding again (at the next byte), then data right after it. */
	feed_held(&f, 30, zeros, 6, REASM_PADDING);
	CHECK(f.r.len == 30);
	feed_s(&f, 36, 4, false);
	CHECK(f.r.len == 40 && out_is(&f.r, 36, 36, 4) && f.r.out[30] == 0 && f.r.out[35] == 0);
	CHECK(f.r.nanom == 0);
	CHECK(fix_done(&f));
}

/* The urgent byte is taken out as it is delivered; only a newer mark
 * replaces a waiting one; a mark behind the stream is ignored. */
static void test_urgent(void)
{
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(100, 0, TAKE_ALL, 0);
	reasm_urgent(&f.d, f.isn + 5);
	feed_s(&f, 0, 20, false);
	CHECK(f.r.len == 19 && out_is(&f.r, 0, 0, 5) && out_is(&f.r, 5, 6, 14));
	CHECK(anomaly_seen(&f.r, "tcp_urgent_data"));
	/* In a later segment; an older mark does not replace it. */
	reasm_urgent(&f.d, f.isn + 30);
	reasm_urgent(&f.d, f.isn + 25);
	reasm_urgent(&f.d, f.isn + 2);
	feed_s(&f, 20, 20, false);
	CHECK(f.r.len == 38 && out_is(&f.r, 19, 20, 10) && out_is(&f.r, 29, 31, 9));
	/* At the very start and end of a segment. */
	reasm_urgent(&f.d, f.isn + 40);
	feed_s(&f, 40, 1, false);
	CHECK(f.r.len == 38);
	reasm_urgent(&f.d, f.isn + 50);
	feed_s(&f, 41, 10, false);
	CHECK(f.r.len == 47 && out_is(&f.r, 38, 41, 9));
	CHECK(f.r.ngaps == 0 && f.r.bad_offers == 0);
	CHECK(fix_done(&f));
}

/* A FIN counts where the stream reaches it; data delivered across it shows
 * it was not the sender's (tcp_fin_conflict), and the real one counts. */
static void test_fin_conflict(void)
{
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(100, 0, TAKE_ALL, 0);
	feed_s(&f, 0, 10, false);
	feed(&f, f.isn + 20, S, 0, true, 1);           /* a FIN at 20 */
	feed_s(&f, 10, 30, false);                     /* data across it */
	CHECK(f.r.fins == 0 && anomaly_seen(&f.r, "tcp_fin_conflict") && f.r.len == 40);
	feed_s(&f, 40, 5, true);
	CHECK(f.r.fins == 1 && f.r.fin_at == 45);
	CHECK(fix_done(&f));
}

/* Restart at another ISN: what was waiting is dropped; an ACK for bytes
 * never seen declares no gap; bytes a snaplen cut count as sent. */
static void test_restart_missing(void)
{
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(100, 0, TAKE_ALL, 0);
	feed_s(&f, 50, 10, false);
	CHECK(mem.used > 0);
	reasm_restart(&f.d, 5000, &mem);
	f.isn = 5000;
	CHECK(mem.used == 0 && f.d.init && !f.d.stopped && f.d.next_seq == 5000);
	feed_s(&f, 0, 10, false);
	CHECK(f.r.len == 10 && out_is(&f.r, 0, 0, 10));
	ack(&f, f.isn + 1000);
	CHECK(f.r.ngaps == 0);
	{
		struct reasm_sink k = sink_for(&f.r);
		reasm_missing(&f.d, 0, f.isn + 30, 9, &mem, &k);
	}
	CHECK(f.r.ngaps == 1 && f.r.gap[0] == 20);
	feed_s(&f, 30, 5, false);
	CHECK(f.r.len == 15 && out_is(&f.r, 10, 30, 5));
	CHECK(fix_done(&f));
}

/* Waiting segments live in the pooled blocks when they fit one: of every
 * size, in and out of the pool, the bytes come out right, and what waits
 * is counted in used and what is kept for reuse in pool_bytes, until
 * reasm_mem_release(). */
static void test_waiting_blocks(void)
{
	mem_init(1 << 20, 1 << 16);
	struct fix f = fix_init(1000, 0, TAKE_ALL, 0);
	/* 100 bytes (a 256-byte block), 3000 (4096), 5000 (malloc's) */
	FEED(&f, { 8100, 5000 }, { 5100, 3000 }, { 5000, 100 });
	CHECK(f.r.len == 0 && mem.used == 8100 && f.d.ooo_bytes == 8100);
	feed_s(&f, 0, 5000, false);
	CHECK(f.r.len == 13100 && out_is(&f.r, 0, 0, 13100));
	CHECK(mem.used == 0 && f.d.ooo_bytes == 0);
	CHECK(mem.pool_bytes == 256 + 4096);
	/* the kept blocks again, the same sizes */
	FEED(&f, { 13300, 100 }, { 13400, 3000 });
	CHECK(mem.pool_bytes == 0 && mem.used == 3100);
	feed_s(&f, 13100, 200, false);
	CHECK(f.r.len == 16400 && out_is(&f.r, 0, 0, 16400));
	CHECK(mem.used == 0 && mem.pool_bytes >= 256 + 4096);
	/* stopped with segments waiting: they go back too */
	FEED(&f, { 16500, 50 }, { 16600, 60 });
	reasm_stop(&f.d, &mem);
	CHECK(mem.used == 0 && mem.pool_bytes >= 256 + 4096);
	reasm_mem_release(&mem);
	CHECK(mem.pool_bytes == 0);
	fix_done(&f);
}

int main(void)
{
	make_stream();
	test_held();
	test_padding();
	test_urgent();
	test_fin_conflict();
	test_restart_missing();
	test_in_order();
	test_partial();
	test_out_of_order();
	test_waiting_blocks();
	test_duplicates();
	test_overlap();
	test_wrap();
	test_acked();
	test_acked_two_holes();
	test_flush();
	test_dir_limit();
	test_memcap();
	test_stop_free();
	test_before_start();
	test_random();
	test_want();
	test_hostile();
	test_history_pool();
	reasm_mem_release(&mem);
	return TT_DONE();
}
