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
	uint8_t *pend[2] = { NULL, NULL };
	size_t plen[2] = { 0, 0 };
	uint64_t ts = 1700000000ull * 1000000000ull;
	struct jw w;
	json_error_t jerr = { 0 };
	struct rec_tally t = { 0 };

	setup();
	s = session_new(&ctx, 0);
	if (!s)
		return 0;
	while (size >= 3) {
		int dir = data[0] & 1, ev = (data[0] >> 1) & 3;
		size_t len = (size_t)data[1] << 8 | data[2], used;
		uint8_t *buf;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		ts += 1000000;
		if (session_wants_data(s)) {
			buf = malloc(plen[dir] + len ? plen[dir] + len : 1);
			if (!buf)
				break;
			if (plen[dir])
				memcpy(buf, pend[dir], plen[dir]);
			memcpy(buf + plen[dir], data, len);
			used = session_push(s, dir, buf, plen[dir] + len, ts);
			if (used > plen[dir] + len)
				abort();   /* the contract: never more than offered */
			free(pend[dir]);
			plen[dir] = plen[dir] + len - used;
			pend[dir] = NULL;
			if (plen[dir]) {
				pend[dir] = malloc(plen[dir]);
				if (pend[dir])
					memcpy(pend[dir], buf + used, plen[dir]);
				else
					plen[dir] = 0;
			}
			free(buf);
		} else {
			session_note_payload(s, dir, len, ts);
		}
		data += len;
		size -= len;
		if (ev == 1) {
			session_gap(s, dir, 100, ts);
			free(pend[dir]);
			pend[dir] = NULL;
			plen[dir] = 0;
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
		verdict_build(s, &ctx, session_client_side(s) < 0 ? 0 : session_client_side(s), ts, &vd);
		session_emit(&w, s, &vd, &ctx, &t);
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
	free(pend[0]);
	free(pend[1]);
	session_free(s);
	return 0;
}
