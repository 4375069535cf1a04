/*
 * tt_session.h - what the session unit tests (test_session*.c) share: the
 * context they run in, byte builders and a session's record read back as
 * JSON.  Include
 * after tt_test.h and the src/ headers (session, emit, verdict, x509).
 */
#ifndef TT_SESSION_H
#define TT_SESSION_H

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static struct tt_ctx ctx;

/* ---- byte builders: a buffer filled in wire order ---- */

struct buf {
	uint8_t b[32768];
	size_t n;
};

static inline void u8(struct buf *b, unsigned v)
{
	b->b[b->n++] = (uint8_t)v;
}

static inline void u16(struct buf *b, unsigned v)
{
	u8(b, v >> 8);
	u8(b, v);
}

static inline void u24(struct buf *b, unsigned v)
{
	u8(b, v >> 16);
	u16(b, v & 0xffff);
}

static inline void bytes(struct buf *b, const void *p, size_t n)
{
	if (n)
		memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* Default configuration, an empty trust store. */
static inline void tt_session_init(void)
{
	struct x509_ctx_opts xo = { 0 };
	char err[256];

	config_defaults(&ctx.cfg);
	xo.ca_file = "/dev/null";
	xo.cache_size = 64;
	ctx.x509 = x509_ctx_new(&xo, err, sizeof err);
}

/* Frees the context; every session freed gave back every byte it counted
 * against --session-memcap. */
static inline void tt_session_done(void)
{
	x509_ctx_free(ctx.x509);
	session_pool_free(&ctx);
	CHECK(ctx.sess_mem == 0);
}

/* The record of s (client side `client`) as a tree, read back from the
 * writer's text, which must be one valid JSON object on one line. */
static inline json_t *tt_emit_root(struct session *s, int client)
{
	struct rec_tally t = { 0 };
	struct verdict v;
	struct jw w;
	json_t *root;

	session_settle(s);   /* as the pipeline does before each record */
	verdict_build(s, &ctx, client, 0, &v);
	jw_init(&w);
	jw_open(&w, NULL, '{');
	session_emit(&w, s, &v, &ctx, &t);
	verdict_free(&v);
	jw_close(&w, true);
	root = w.oom ? NULL : json_loadb(w.p, w.len, JSON_ALLOW_NUL, NULL);
	CHECK(root != NULL && memchr(w.p, '\n', w.len) == NULL);
	jw_free(&w);
	return root ? root : json_object();
}

/* The tls object of s's record as a new reference, printed on stderr when
 * TEST_SESSION_DUMP is set. */
static inline json_t *tt_tls_of(struct session *s)
{
	int c = session_client_side(s);
	json_t *root = tt_emit_root(s, c < 0 ? 0 : c);
	json_t *tls = json_object_get(root, "tls");

	json_incref(tls);
	json_decref(root);
	if (getenv("TEST_SESSION_DUMP") && tls) {
		char *x = json_dumps(tls, JSON_COMPACT);
		fprintf(stderr, "%s\n", x);
		free(x);
	}
	return tls;
}

/* Whether the tls object lists anomaly `name`. */
static inline bool tt_has_anomaly(json_t *tls, const char *name)
{
	json_t *a = json_object_get(tls, "anomalies"), *x;
	size_t i;

	json_array_foreach(a, i, x)
		if (json_is_string(x) && strcmp(json_string_value(x), name) == 0)
			return true;
	return false;
}

#endif
