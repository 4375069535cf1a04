/*
 * fuzz_tls_stream - the TLS record-stream parser (parsers/tls_stream.c) on
 * its own, fed as reassembly would feed it.  The input is fuzz_stream's
 * chunk format, so both share the seed corpus:
 *
 *     +--------+----------+=================+
 *     | dir|ev | len (u16)| bytes (len)     |
 *     +--------+----------+=================+
 *
 * bit 0 of the first byte is the direction; bits 1-2 an event after the
 * chunk (1: a gap; 2: the connection was joined midstream, before any
 * chunk).  Each chunk, together with what the parser left unconsumed, is
 * copied into an exact-size allocation, so that a read past what arrived
 * is caught by the sanitizer.  The harness also checks the contract: no
 * event consumes more than it was given, a record lies inside what it
 * consumed, NOT_TLS is sticky, and every call makes progress.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/tls_stream.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) abort(); } while (0)

/* Feeds buf[0..n) until the parser wants more; returns the bytes consumed.
 * *done: the direction gives no more records (not TLS, or lost). */
static size_t feed(struct tls_stream *st, bool *known, bool *v2, const uint8_t *buf, size_t n,
		   bool *done)
{
	size_t off = 0, rounds = 0;

	while (off < n) {
		struct tls_stream_out o;
		size_t used = 9999999;
		enum tls_stream_ev ev;

		st->known_tls = *known;
		st->sslv2 = *v2;
		ev = tls_stream_next(st, buf + off, n - off, &used, &o);
		CHECK(used <= n - off);
		CHECK(++rounds <= 2 * n + 8);
		switch (ev) {
		case TLS_STREAM_RECORD:
			CHECK(used > 0);
			CHECK(o.rec.body >= buf + off && o.rec.body + o.rec.len <= buf + off + used);
			if (o.sslv2 && o.rec.len && o.rec.body[0] == 4)
				*v2 = true;     /* an SSLv2 SERVER-HELLO, as the core sees it */
			*known = true;
			break;
		case TLS_STREAM_TLS:
		case TLS_STREAM_RESYNCED:
			*known = true;
			break;
		case TLS_STREAM_NOT_TLS:
			CHECK(used == n - off && st->not_tls);
			*done = true;
			return n;
		case TLS_STREAM_INVALID:
			CHECK(used == 0 && st->resync);
			break;
		case TLS_STREAM_LOST:
			*done = true;   /* the core decides "malformed": no more records */
			return n;
		case TLS_STREAM_NEED_MORE:
		default:
			CHECK(st->resync || used == 0);
			return off + used;
		}
		off += used;
	}
	return off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_stream st[2];
	struct fuzz_pend pend[2] = { { NULL, 0 }, { NULL, 0 } };
	struct fuzz_chunk c;
	bool known = false, v2 = false, lost[2] = { false, false };

	memset(st, 0, sizeof st);
	if (size >= 1 && ((data[0] >> 1) & 3) == 2) {
		tls_stream_midstream(&st[0]);
		tls_stream_midstream(&st[1]);
	}
	while (fuzz_next(&data, &size, &c)) {
		int dir = c.tag & 1, ev = (c.tag >> 1) & 3;
		size_t n, used;
		uint8_t *buf = fuzz_join(&pend[dir], &c, &n);

		if (!buf)
			break;
		if (lost[dir])
			used = n;
		else
			used = feed(&st[dir], &known, &v2, buf, n, &lost[dir]);
		fuzz_keep(&pend[dir], buf, n, used);
		free(buf);
		if (ev == 1) {
			tls_stream_gap(&st[dir]);
			fuzz_drop(&pend[dir]);
		}
	}
	fuzz_drop(&pend[0]);
	fuzz_drop(&pend[1]);
	return 0;
}
