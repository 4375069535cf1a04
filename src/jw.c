/*
 * jw.c - the streaming JSON writer (see jw.h).
 *
 * Commas are placed by counting the members of each open level; an empty
 * level opened as optional is cut off again by rewinding the buffer to the
 * mark taken before its key.  Escaping follows RFC 8259 section 7, with the
 * short forms for \b \f \n \r \t and \u00XX for the other control
 * characters, the same bytes jansson writes.
 */
#include "jw.h"
#include "mem.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

void jw_init(struct jw *w)
{
	memset(w, 0, sizeof *w);
}

size_t jw_bytes(const struct jw *w)
{
	return w->block;        /* kept at each realloc: read after every packet */
}

void jw_free(struct jw *w)
{
	free(w->p);
	memset(w, 0, sizeof *w);
}

void jw_reset(struct jw *w)
{
	w->len = 0;
	w->oom = false;
	w->depth = 0;
	w->items[0] = 0;
}

/* need's slow path: grows the buffer to hold n more bytes. */
static bool grow(struct jw *w, size_t n)
{
	size_t cap;
	char *np;

	if (w->oom)
		return false;
	cap = w->cap ? w->cap : 4096;
	while (cap < w->len + n)
		cap *= 2;
	np = realloc(w->p, cap);
	if (!np) {
		w->oom = true;
		return false;
	}
	w->p = np;
	w->cap = cap;
	w->block = mem_block(np);
	return true;
}

/* Room for n more bytes; false (and oom) when there is none.  A writer
 * that hit oom has len == cap forced by nothing, so the fast test alone
 * is not enough: oom is checked first. */
static inline bool need(struct jw *w, size_t n)
{
	if (!w->oom && w->len + n <= w->cap)
		return true;
	return grow(w, n);
}

/* The long tail of copy_short, kept out of line: inlined, GCC's overread
 * warning takes the branch for lengths > 32 as reachable from call sites
 * whose strings are known to be shorter. */
__attribute__((noinline)) static void copy_long(char *d, const char *s, size_t n)
{
	memcpy(d, s, n);
}

/* memcpy of the short strings records are made of (keys, names) without
 * a library call: two overlapping word copies cover 8..16 bytes, four
 * cover up to 32.  Reads and writes only the n bytes of s and d. */
static inline void copy_short(char *d, const char *s, size_t n)
{
	uint64_t a, b, c, e;
	uint32_t x, y;

	if (n >= 8 && n <= 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n > 16 && n <= 32) {
		memcpy(&a, s, 8);
		memcpy(&b, s + 8, 8);
		memcpy(&c, s + n - 16, 8);
		memcpy(&e, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + 8, &b, 8);
		memcpy(d + n - 16, &c, 8);
		memcpy(d + n - 8, &e, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else if (n < 4) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	} else {
		copy_long(d, s, n);
	}
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (!need(w, n))
		return;
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

/* The separator and key (kl bytes; none when key is NULL) before a value
 * at the current level, with room for `after` more bytes reserved: the
 * caller may then write that many bytes at w->p + w->len unchecked.
 * Returns false (nothing written) on oom. */
static inline bool member(struct jw *w, const char *key, size_t kl, size_t after)
{
	char *o;

	if (!need(w, kl + 4 + after))
		return false;
	o = w->p + w->len;
	if (w->items[w->depth]++)
		*o++ = ',';
	if (key) {
		*o++ = '"';
		copy_short(o, key, kl);
		o += kl;
		*o++ = '"';
		*o++ = ':';
	}
	w->len = (size_t)(o - w->p);
	return true;
}

void jw_open_kl(struct jw *w, const char *key, size_t kl, char brace)
{
	size_t mark = w->len;

	if (w->oom)
		return;
	if (w->depth + 1 >= JW_DEPTH) {
		w->oom = true;
		return;
	}
	if (!member(w, key, kl, 1))
		return;
	w->p[w->len++] = brace;
	w->depth++;
	w->items[w->depth] = 0;
	w->mark[w->depth] = mark;
	w->kind[w->depth] = brace;
	w->body[w->depth] = w->len;
}

uint32_t jw_close(struct jw *w, bool keep_empty)
{
	uint32_t n;
	char brace;

	if (w->oom || w->depth == 0)
		return 0;
	n = w->items[w->depth];
	if (n == 0 && !keep_empty) {
		w->len = w->mark[w->depth];
		w->depth--;
		w->items[w->depth]--;
		return 0;
	}
	brace = w->kind[w->depth] == '{' ? '}' : ']';
	if (!need(w, 1))
		return 0;
	w->p[w->len++] = brace;
	w->depth--;
	return n;
}

/* Whether any of the 8 bytes of x needs escaping: a control character
 * (below 0x20), a quote or a backslash (the classic "has a zero byte"
 * test on x, x ^ '"' and x ^ '\\'). */
static bool word_needs_escape(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	uint64_t lt = (x - ones * 0x20) & ~x;

	return ((lt | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs) != 0;
}

/* Escaped body of a string whose bytes are known to be valid UTF-8. */
static void esc_body(struct jw *w, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c;
		char e[6];
		size_t el = 2;

		/* Most strings need no escape at all: skip them a word at a time. */
		while (i + 8 <= n) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			if (word_needs_escape(x))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, s + run, i - run);
		run = i + 1;
		e[0] = '\\';
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		default:
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hexdig[c >> 4];
			e[5] = hexdig[c & 15];
			el = 6;
		}
		put(w, e, el);
	}
	put(w, s + run, n - run);
}

void jw_strn_kl(struct jw *w, const char *key, size_t kl, const char *s, size_t n)
{
	if (!member(w, key, kl, 1))
		return;
	w->p[w->len++] = '"';
	esc_body(w, s, n);
	put(w, "\"", 1);
}

void jw_namen_kl(struct jw *w, const char *key, size_t kl, const char *s, size_t n)
{
#ifndef NDEBUG
	for (size_t i = 0; i < n; i++)
		assert((unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\');
#endif
	if (!member(w, key, kl, n + 2))
		return;
	w->p[w->len++] = '"';
	copy_short(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len++] = '"';
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one
 * (RFC 3629 section 4: no overlong forms, surrogates or values above
 * U+10FFFF). */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

void jw_wire_kl(struct jw *w, const char *key, size_t kl, const void *vp, size_t n,
		struct anom_set *a)
{
	const uint8_t *p = vp;
	size_t i = 0, run = 0;
	bool bad = false;

	if (member(w, key, kl, 1))
		w->p[w->len++] = '"';
	while (i < n) {
		size_t l = p[i] < 0x80 ? 1 : utf8_seq(p + i, n - i);
		if (l) {
			i += l;
			continue;
		}
		/* The valid run before, then the byte as the text \xHH (its
		 * backslash escaped for JSON). */
		esc_body(w, (const char *)p + run, i - run);
		{
			char e[5] = { '\\', '\\', 'x', hexdig[p[i] >> 4], hexdig[p[i] & 15] };
			put(w, e, sizeof e);
		}
		bad = true;
		run = ++i;
	}
	esc_body(w, (const char *)p + run, n - run);
	put(w, "\"", 1);
	if (bad && a)
		anom_add(a, "invalid_utf8");
}

/* Two decimal digits per division: records are mostly numbers. */
static const char digits2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Number of decimal digits of v (1..20). */
static inline size_t dec_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/* The digits of v at out, written from the end (no NUL); their count. */
static inline size_t utoa_at(char *out, uint64_t v)
{
	size_t n = dec_len(v), i = n;

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		out[--i] = digits2[d + 1];
		out[--i] = digits2[d];
	}
	if (v >= 10) {
		out[--i] = digits2[v * 2 + 1];
		out[--i] = digits2[v * 2];
	} else {
		out[--i] = (char)('0' + v);
	}
	return n;
}

size_t jw_utoa(uint64_t v, char *out)
{
	size_t n = utoa_at(out, v);

	out[n] = '\0';
	return n;
}

void jw_uint_kl(struct jw *w, const char *key, size_t kl, uint64_t v)
{
	if (member(w, key, kl, 20))
		w->len += utoa_at(w->p + w->len, v);
}

void jw_int_kl(struct jw *w, const char *key, size_t kl, int64_t v)
{
	if (v >= 0) {
		jw_uint_kl(w, key, kl, (uint64_t)v);
		return;
	}
	if (!member(w, key, kl, 21))
		return;
	w->p[w->len++] = '-';
	w->len += utoa_at(w->p + w->len, 0ull - (uint64_t)v);
}

void jw_bool_kl(struct jw *w, const char *key, size_t kl, bool v)
{
	if (!member(w, key, kl, 5))
		return;
	memcpy(w->p + w->len, v ? "true" : "false", v ? 4 : 5);
	w->len += v ? 4 : 5;
}

size_t jw_fmt_hex(char *out, uint32_t v, int digits)
{
	out[0] = '0';
	out[1] = 'x';
	for (int i = 0; i < digits; i++)
		out[2 + i] = hexdig[(v >> (4 * (digits - 1 - i))) & 15];
	out[2 + digits] = '\0';
	return (size_t)digits + 2;
}

void jw_hex(struct jw *w, const char *key, uint32_t v, int digits)
{
	char b[12];

	jw_namen(w, key, b, jw_fmt_hex(b, v, digits));
}

/* The two lowercase hex digits of every byte value. */
static const char hexpair[] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

void jw_hexbytes_kl(struct jw *w, const char *key, size_t kl, const uint8_t *p, size_t n)
{
	char *o;

	if (!member(w, key, kl, 2 * n + 2))
		return;
	o = w->p + w->len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++, o += 2)
		memcpy(o, hexpair + 2 * p[i], 2);
	*o++ = '"';
	w->len = (size_t)(o - w->p);
}

/* Proleptic Gregorian date of a day count since 1970-01-01 (the inverse of
 * the usual days-from-civil formula, by 400-year eras). */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);                        /* [0, 146096] */
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* [0, 365] */
	unsigned mp = (5 * doy + 2) / 153;                                   /* [0, 11] */

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void two(char *o, unsigned v)
{
	o[0] = (char)('0' + v / 10 % 10);
	o[1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DDTHH:MM:SS" (19 bytes); years outside 0..9999 are clamped,
 * which RFC 3339 cannot express anyway. */
static void rfc3339(char o[19], int64_t secs)
{
	int64_t days = secs / 86400, rem = secs % 86400, y;
	unsigned m, d;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil(days, &y, &m, &d);
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	two(o, (unsigned)(y / 100));
	two(o + 2, (unsigned)(y % 100));
	o[4] = '-';
	two(o + 5, m);
	o[7] = '-';
	two(o + 8, d);
	o[10] = 'T';
	two(o + 11, (unsigned)(rem / 3600));
	o[13] = ':';
	two(o + 14, (unsigned)(rem / 60 % 60));
	o[16] = ':';
	two(o + 17, (unsigned)(rem % 60));
}

/* rfc3339 of secs into o, through a cache of recent seconds (one slot per
 * value of a few bits of it: consecutive seconds take different slots, and
 * a record's packet times and certificate dates rarely meet). */
static void cached_rfc3339(struct jw_tcache t[JW_TCACHE], char o[19], int64_t secs)
{
	uint64_t u = (uint64_t)secs;
	struct jw_tcache *c = &t[(u ^ u >> 11 ^ u >> 23) & (JW_TCACHE - 1)];

	if (!c->ok || c->secs != secs) {
		rfc3339(c->text, secs);
		c->secs = secs;
		c->ok = true;
	}
	memcpy(o, c->text, 19);
}

size_t jw_fmt_time(char out[21], int64_t secs)
{
	/* The findings' certificate dates: the same few, session after
	 * session, in each thread. */
	static _Thread_local struct jw_tcache t[JW_TCACHE];

	cached_rfc3339(t, out, secs);
	out[19] = 'Z';
	out[20] = '\0';
	return 20;
}

void jw_time_us_kl(struct jw *w, const char *key, size_t kl, uint64_t ns)
{
	unsigned us = (unsigned)(ns % 1000000000u / 1000u);
	char *b;

	if (!member(w, key, kl, 29))
		return;
	b = w->p + w->len;
	b[0] = '"';
	cached_rfc3339(w->t, b + 1, (int64_t)(ns / 1000000000u));
	b[20] = '.';
	for (int i = 26; i >= 22; i -= 2) {
		memcpy(b + i - 1, digits2 + 2 * (us % 100), 2);
		us /= 100;
	}
	b[27] = 'Z';
	b[28] = '"';
	w->len += 29;
}

void jw_time_s_kl(struct jw *w, const char *key, size_t kl, int64_t secs)
{
	char *b;

	if (!member(w, key, kl, 22))
		return;
	b = w->p + w->len;
	b[0] = '"';
	cached_rfc3339(w->t, b + 1, secs);
	b[20] = 'Z';
	b[21] = '"';
	w->len += 22;
}

void jw_raw_kl(struct jw *w, const char *key, size_t kl, const char *json, size_t n)
{
	if (!member(w, key, kl, n))
		return;
	memcpy(w->p + w->len, json, n);
	w->len += n;
}

void jw_splice(struct jw *w, const char *members, size_t n, uint32_t count)
{
	if (!count || w->oom)
		return;
	if (w->items[w->depth])
		put(w, ",", 1);
	put(w, members, n);
	w->items[w->depth] += count;
}

const char *jw_members(const struct jw *w, size_t *n, uint32_t *count)
{
	/* At the root (depth 0) there is no level. */
	if (w->depth == 0 || w->oom) {
		*n = 0;
		*count = 0;
		return "";
	}
	*n = w->len - w->body[w->depth];
	*count = w->items[w->depth];
	return w->p + w->body[w->depth];
}
