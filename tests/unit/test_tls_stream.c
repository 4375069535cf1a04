/*
 * test_tls_stream - the record-stream parser (parsers/tls_stream.c): records
 * cut from a byte stream, sniffing, SSLv2 first records, invalid records
 * and resynchronisation, gaps, the resync limit; and every truncated prefix
 * of each valid stream (need-more or a record, never a crash or a record
 * past the prefix; a need-more's count is more than the prefix holds, inside
 * the stream, and enough for the next step).
 */
#include <stdlib.h>

#include "../../parsers/tls_stream.h"
#include "tt_test.h"

/* A handshake record holding a (too short to parse, fine to frame)
 * ClientHello header, then an alert record. */
static const uint8_t two[] = {
	0x16, 0x03, 0x01, 0x00, 0x06, 0x01, 0x00, 0x00, 0x02, 0x03, 0x03,
	0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28,
};

/* An SSLv2 CLIENT-HELLO: 2-byte header, type 1, version 3.1, cipher specs
 * length 3, session id length 0, challenge length 16. */
static const uint8_t v2hello[] = {
	0x80, 0x1c, 0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x2f,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

static enum tls_stream_ev next(struct tls_stream *st, const uint8_t *p, size_t n, size_t *used,
			       struct tls_stream_out *o)
{
	return tls_stream_next(st, p, n, used, o);
}

static void test_records(void)
{
	struct tls_stream st = { 0 };
	struct tls_stream_out o;
	size_t used;

	CHECK(next(&st, two, sizeof two, &used, &o) == TLS_STREAM_TLS && used == 0);
	CHECK(next(&st, two, sizeof two, &used, &o) == TLS_STREAM_RECORD);
	CHECK(used == 11 && o.rec.type == 22 && o.rec.len == 6 && o.rec.body == two + 5);
	CHECK(!o.sslv2);
	CHECK(next(&st, two + 11, sizeof two - 11, &used, &o) == TLS_STREAM_RECORD);
	CHECK(used == 7 && o.rec.type == 21 && o.rec.version == 0x0303);
	CHECK(st.records == 2 && st.any_tls);
	CHECK(next(&st, two, 0, &used, &o) == TLS_STREAM_NEED_MORE && used == 0);
}

static void test_v2_first(void)
{
	struct tls_stream st = { 0 };
	struct tls_stream_out o;
	size_t used;

	CHECK(next(&st, v2hello, sizeof v2hello, &used, &o) == TLS_STREAM_TLS);
	CHECK(next(&st, v2hello, sizeof v2hello, &used, &o) == TLS_STREAM_RECORD);
	CHECK(o.sslv2 && used == sizeof v2hello && o.rec.len == 28 && o.rec.body[0] == 1);
	/* After it, a bad TLS header is an invalid record, not an SSLv2 one. */
	CHECK(next(&st, v2hello, sizeof v2hello, &used, &o) == TLS_STREAM_INVALID);
}

static void test_not_tls(void)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	struct tls_stream st = { 0 };
	struct tls_stream_out o;
	size_t used;

	CHECK(next(&st, http, sizeof http - 1, &used, &o) == TLS_STREAM_NOT_TLS);
	CHECK(used == sizeof http - 1 && st.not_tls);
	CHECK(next(&st, two, sizeof two, &used, &o) == TLS_STREAM_NOT_TLS);   /* sticky */
	/* Known TLS (the peer spoke it): no sniff, the first record decides. */
	{
		struct tls_stream s2 = { 0 };
		s2.known_tls = true;
		CHECK(next(&s2, http, sizeof http - 1, &used, &o) == TLS_STREAM_NOT_TLS);
	}
}

static void test_invalid_resync(void)
{
	uint8_t buf[sizeof two + 3];
	struct tls_stream st = { 0 };
	struct tls_stream_out o;
	size_t used;

	/* record, 3 bytes of garbage, record */
	memcpy(buf, two, 11);
	buf[11] = 0xee, buf[12] = 0xee, buf[13] = 0xee;
	memcpy(buf + 14, two + 11, 7);
	CHECK(next(&st, buf, sizeof buf, &used, &o) == TLS_STREAM_TLS);
	CHECK(next(&st, buf, sizeof buf, &used, &o) == TLS_STREAM_RECORD && used == 11);
	CHECK(next(&st, buf + 11, 10, &used, &o) == TLS_STREAM_INVALID && used == 0);
	CHECK(st.resync && st.resync_bad);
	st.known_tls = true;
	CHECK(next(&st, buf + 11, 10, &used, &o) == TLS_STREAM_RESYNCED);
	CHECK(used == 3 && o.skipped == 3 && !st.resync && !st.resync_bad);
	CHECK(next(&st, buf + 14, 7, &used, &o) == TLS_STREAM_RECORD && o.rec.type == 21);
}

static void test_gap_and_limit(void)
{
	static uint8_t junk[4096];
	struct tls_stream st = { 0 };
	struct tls_stream_out o;
	size_t used;
	int i;
	enum tls_stream_ev ev = TLS_STREAM_NEED_MORE;

	/* A gap in a known-TLS stream: the next plausible header is taken. */
	st.known_tls = st.any_tls = st.sniffed = true;
	tls_stream_gap(&st);
	CHECK(st.resync && !st.resync_bad);
	CHECK(next(&st, two + 2, sizeof two - 2, &used, &o) == TLS_STREAM_RESYNCED);
	CHECK(used == 9);
	/* Nothing plausible for more than the limit: lost (after a gap). */
	tls_stream_gap(&st);
	for (i = 0; i < 17 && ev == TLS_STREAM_NEED_MORE; i++) {
		ev = next(&st, junk, sizeof junk, &used, &o);
		CHECK(used == sizeof junk - 4);
	}
	CHECK(ev == TLS_STREAM_LOST && !o.bad && !st.resync);
	/* Midstream: no sniffing, a lone plausible header is enough. */
	{
		struct tls_stream s2 = { 0 };
		s2.known_tls = true;
		tls_stream_midstream(&s2);
		CHECK(next(&s2, two + 11, 7, &used, &o) == TLS_STREAM_RESYNCED && used == 0);
		CHECK(o.skipped == 0);
	}
}

/* The resync scan, as a byte-by-byte reference: the first offset where a
 * plausible header starts (and, in view, a plausible one follows it), as
 * tls_stream.c defines them; or where nothing further can start one. */
static bool ref_plausible(const uint8_t *p, size_t n, size_t *len)
{
	size_t l;

	if (n < 5 || p[0] < 20 || p[0] > 24 || p[1] != 3 || p[2] > 4)
		return false;
	l = (size_t)p[3] << 8 | (size_t)p[4];
	if (l == 0 || l > TLS_MAX_RECORD || (p[0] == 20 && l != 1) || (p[0] == 21 && l < 2))
		return false;
	*len = l;
	return true;
}

static size_t ref_scan(const uint8_t *p, size_t n, bool *found)
{
	size_t i, len, len2;

	*found = false;
	for (i = 0; i + 5 <= n; i++) {
		if (!ref_plausible(p + i, n - i, &len))
			continue;
		if (i + 5 + len + 5 <= n && !ref_plausible(p + i + 5 + len, n - i - 5 - len, &len2))
			continue;
		*found = true;
		return i;
	}
	return i;
}

/* After a gap in a known-TLS stream, over random bytes rich in 3s and
 * header-like runs, at every length: the scan stops where the reference
 * does, resynchronised or not. */
static void test_resync_scan(void)
{
	static uint8_t buf[600];
	uint64_t x = 0x2545f4914f6cdd1dull;
	int bad = 0;

	for (int it = 0; it < 400; it++) {
		for (size_t i = 0; i < sizeof buf; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[i] = (uint8_t)(x >> 56);
			if ((x & 7) == 0)
				buf[i] = 3;
			else if ((x & 31) == 1)
				buf[i] = (uint8_t)(20 + (x >> 8) % 5);
			else if ((x & 63) == 2)
				buf[i] = 0;
		}
		for (size_t n = 0; n <= sizeof buf; n += 1 + (size_t)(it % 7)) {
			struct tls_stream st = { 0 };
			struct tls_stream_out o;
			size_t used, want;
			bool found;
			enum tls_stream_ev ev;

			st.known_tls = st.any_tls = st.sniffed = true;
			tls_stream_gap(&st);
			ev = next(&st, buf, n, &used, &o);
			want = ref_scan(buf, n, &found);
			if (used != want || (ev == TLS_STREAM_RESYNCED) != found)
				bad++;
		}
	}
	CHECK(bad == 0);
}

/* Every prefix of a valid stream: need-more, or events inside the prefix. */
static void prefixes(const uint8_t *full, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint8_t *p = malloc(k ? k : 1);
		struct tls_stream st = { 0 };
		size_t off = 0, used;
		int rounds = 0;

		memcpy(p, full, k);
		for (;;) {
			struct tls_stream_out o;
			enum tls_stream_ev ev = next(&st, p + off, k - off, &used, &o);
			CHECK(used <= k - off);
			if (ev == TLS_STREAM_RECORD)
				CHECK(o.rec.body + o.rec.len <= p + off + used);
			else
				CHECK(ev == TLS_STREAM_TLS || ev == TLS_STREAM_NEED_MORE);
			off += used;
			if (ev == TLS_STREAM_NEED_MORE && st.need) {
				/* what it says it needs: more than it has, within
				 * the stream, and enough to move on with */
				struct tls_stream again = st;
				size_t u2;
				enum tls_stream_ev ev2;
				CHECK(st.need > k - off && off + st.need <= n);
				ev2 = next(&again, full + off, st.need, &u2, &o);
				CHECK(ev2 == TLS_STREAM_RECORD ||
				      (ev2 == TLS_STREAM_NEED_MORE && again.need > st.need));
			} else if (ev != TLS_STREAM_NEED_MORE) {
				CHECK(st.need == 0);
			}
			if (ev == TLS_STREAM_NEED_MORE || off == k || ++rounds > 8)
				break;
		}
		CHECK(rounds <= 8);
		free(p);
	}
}

int main(void)
{
	test_records();
	test_v2_first();
	test_not_tls();
	test_invalid_resync();
	test_gap_and_limit();
	test_resync_scan();
	prefixes(two, sizeof two);
	prefixes(v2hello, sizeof v2hello);
	return TT_DONE();
}
