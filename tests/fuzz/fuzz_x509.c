/*
 * fuzz_x509 - the X.509 facade on arbitrary DER: parse (or fall back),
 * cache, validate and emit as ECS x509 objects.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/verdict.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tt_ctx ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int done;
	struct x509_cert *c;
	struct anom_set a = { 0 };
	struct verdict_side vs;
	uint8_t *der;
	struct jw w;
	json_error_t jerr = { 0 };
	json_t *v;

	if (!done) {
		struct x509_ctx_opts xo = { 0 };
		char err[256];
		config_defaults(&ctx.cfg);
		xo.cache_size = 16;   /* small: eviction paths run too */
		ctx.x509 = x509_ctx_new(&xo, err, sizeof err);
		done = 1;
	}
	der = fuzz_copy(data, size);
	if (!der)
		return 0;
	c = x509_cert_get(ctx.x509, der, size);
	free(der);   /* the certificate must not keep pointers into the caller's buffer */
	if (!c)
		return 0;
	verdict_chain(&ctx, &c, 1, (const uint8_t *)"www.example.com", 15, true,
		      1700000000ull * 1000000000ull, true, &vs);
	jw_init(&w);
	jw_open(&w, NULL, '{');
	emit_x509_side(&w, &ctx, &c, 1, &vs, &a);
	jw_close(&w, true);
	/* One line of valid JSON, whatever the certificate holds. */
	v = w.oom ? NULL : json_loadb(w.p, w.len, JSON_ALLOW_NUL, &jerr);
	if (!w.oom && (!v || memchr(w.p, '\n', w.len))) {
		fprintf(stderr, "not one line of JSON (%s): %.*s\n", jerr.text, (int)w.len, w.p);
		abort();
	}
	json_decref(v);
	jw_free(&w);
	x509_cert_put(ctx.x509, c);
	return 0;
}
