/*
 * fuzz_stream - one TLS session fed as a two-direction chunked stream, as
 * reassembly feeds it.  The input is a sequence of chunks:
 *
 *     +--------+----------+=================+
 *     | dir|ev | len (u16)| bytes (len)     |
 *     +--------+----------+=================+
 *
 * bit 0 of the first byte is the direction; bits 1-2 an event after the
 * chunk (none, gap, FIN, RST).  Each chunk, together with what the session
 * left unconsumed, is copied into an exact-size allocation, so that a read
 * past what arrived is caught by the sanitizer.  The record is then built
 * (session_emit) and serialised.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/session.h"
#include "../../src/verdict.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tt_ctx ctx;

static void setup(void)
{
	static int done;
	struct x509_ctx_opts xo = { 0 };
	char err[256];

	if (done)
		return;
	done = 1;
	config_defaults(&ctx.cfg);
	xo.ca_file = "/dev/null";
	xo.cache_size = 64;
	ctx.x509 = x509_ctx_new(&xo, err, sizeof err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session *s;
	struct fuzz_pend pend[2] = { { NULL, 0 }, { NULL, 0 } };
	struct fuzz_chunk c;
	uint64_t ts = 1700000000ull * 1000000000ull;
	struct jw w;
	json_error_t jerr = { 0 };
	struct rec_tally t = { 0 };

	setup();
	s = session_new(&ctx, 0);
	if (!s)
		return 0;
	while (fuzz_next(&data, &size, &c)) {
		int dir = c.tag & 1, ev = (c.tag >> 1) & 3;
		size_t n, used;
		uint8_t *buf;

		ts += 1000000;
		if (session_wants_data(s)) {
			buf = fuzz_join(&pend[dir], &c, &n);
			if (!buf)
				break;
			used = session_push(s, dir, buf, n, ts);
			if (used > n)
				abort();   /* the contract: never more than offered */
			fuzz_keep(&pend[dir], buf, n, used);
			free(buf);
		} else {
			session_note_payload(s, dir, c.n, ts);
		}
		if (ev == 1) {
			session_gap(s, dir, 100, ts);
			fuzz_drop(&pend[dir]);
		} else if (ev == 2)
			session_tcp_event(s, dir, TCP_EV_FIN, ts);
		else if (ev == 3)
			session_tcp_event(s, dir, TCP_EV_RST, ts);
	}
	session_finish(s, ts);
	if (session_is_tls(s)) {
		json_t *v;
		jw_init(&w);
		jw_open(&w, NULL, '{');
		struct verdict vd;
		session_settle(s);
		verdict_build(s, &ctx, session_client_side(s) < 0 ? 0 : session_client_side(s), ts, &vd);
		session_emit(&w, s, &vd, &ctx, &t);
		verdict_free(&vd);
		jw_close(&w, true);
		/* A record is always one line of valid JSON. */
		v = w.oom ? NULL : json_loadb(w.p, w.len, JSON_ALLOW_NUL, &jerr);
		if (!w.oom && (!v || memchr(w.p, '\n', w.len))) {
			fprintf(stderr, "not one line of JSON (%s): %.*s\n", jerr.text,
				(int)w.len, w.p);
			abort();
		}
		json_decref(v);
		jw_free(&w);
	}
	fuzz_drop(&pend[0]);
	fuzz_drop(&pend[1]);
	session_free(s);
	return 0;
}
