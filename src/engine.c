/*
 * engine.c - inline pipeline or worker threads, and the output side's
 * clock (engine.h).
 */
#include "render.h"
#include "engine.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "../parsers/x509.h"
#include "emit.h"
#include "mem.h"
#include "pipeline.h"
#include "secrets.h"
#include "workers.h"

struct engine {
	struct tt_ctx *ctx;
	struct pipeline *pl;            /* one thread ... */
	struct workers *wk;             /* ... or --threads N >= 2 */
	uint64_t last_ts;
	uint64_t stats_interval_ns, next_stats;
	uint64_t own_output, own_certs;   /* the main context's parts (count_main) */
	bool readers;                   /* fanout: the workers read their own packets */
};

static volatile sig_atomic_t reopen_flag;

/* The parts of the memory budget that belong to the main context: the
 * emitter's buffers (which the inline pipeline adds to its output part,
 * ctx->output_bytes) and, with workers, the main context's certificate
 * store; the workers count their own. */
static void count_main(struct engine *e)
{
	struct tt_ctx *ctx = e->ctx;

	uint64_t certs;

	ctx->output_bytes = emitter_bytes(ctx->em);
	if (e->pl)
		return;
	/* ctx->st holds the workers' parts too (workers_sync): only the
	 * main context's own share is replaced. */
	certs = ctx_x509_bytes(ctx);
	mem_set(&ctx->st, MEM_OUTPUT, ctx->st.mem_now[MEM_OUTPUT] - e->own_output + ctx->output_bytes);
	mem_set(&ctx->st, MEM_CERTS, ctx->st.mem_now[MEM_CERTS] - e->own_certs + certs);
	e->own_output = ctx->output_bytes;
	e->own_certs = certs;
}

struct engine *engine_new(struct tt_ctx *ctx, uint64_t stats_interval_ns)
{
	struct engine *e = calloc(1, sizeof *e);

	if (!e)
		return NULL;
	e->ctx = ctx;
	e->stats_interval_ns = stats_interval_ns;
	emitter_budget(ctx->em, ctx->cfg.memcap);
	ctx->st.mem_budget = ctx->cfg.memcap;
	count_main(e);
	if (ctx->cfg.threads > 1) {
		char err[256];
		e->wk = workers_new(ctx, ctx->cfg.threads, err, sizeof err);
		if (!e->wk) {
			fprintf(stderr, "tlstap: worker threads: %s\n", err);
			free(e);
			return NULL;
		}
		mem_baseline(ctx->cfg.memcap);
		return e;
	}
	e->pl = pipeline_new(ctx);
	if (!e->pl) {
		free(e);
		return NULL;
	}
	mem_baseline(ctx->cfg.memcap);
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	if (e->wk)
		workers_free(e->wk);
	else
		pipeline_free(e->pl);
	free(e);
}

void engine_packet(struct engine *e, int dlt, uint64_t ts_ns, const uint8_t *data,
		   uint32_t caplen, uint32_t wirelen)
{
	if (ts_ns > e->last_ts)
		e->last_ts = ts_ns;
	if (e->wk)
		workers_packet(e->wk, dlt, ts_ns, data, caplen, wirelen);
	else
		pipeline_packet(e->pl, dlt, ts_ns, data, caplen, wirelen);
}

bool engine_prefetch_key(const struct engine *e, int dlt, const uint8_t *data, uint32_t caplen,
			 uint32_t *hash)
{
	return !e->wk && pipeline_prefetch_key(e->pl, dlt, data, caplen, hash);
}

void engine_prefetch_flow(const struct engine *e, uint32_t hash)
{
	if (!e->wk)
		pipeline_prefetch_flow(e->pl, hash);
}

void engine_hint(struct engine *e, bool known, uint32_t hash)
{
	if (!e->wk)
		pipeline_hint(e->pl, known, hash);
}

void engine_source(struct engine *e, uint32_t source)
{
	if (e->wk)
		workers_source(e->wk, source);
	else
		pipeline_source(e->pl, source);
}

/* Brings ctx->st up to date (with workers: once each has handled all it
 * was given). */
static void sync_stats(struct engine *e)
{
	count_main(e);
	if (e->wk)
		workers_sync(e->wk, 0);
	else
		pipeline_sync(e->pl);
}

void engine_input(struct engine *e)
{
	e->next_stats = 0;
}

void engine_clock(struct engine *e, uint64_t now_ns)
{
	if (e->stats_interval_ns) {
		if (e->next_stats == 0) {
			e->next_stats = now_ns + e->stats_interval_ns;
		} else if (now_ns >= e->next_stats) {
			sync_stats(e);
			emit_stats(e->ctx, now_ns, false);
			e->next_stats = now_ns + e->stats_interval_ns;
		}
	}
	if (reopen_flag) {
		reopen_flag = 0;
		if (e->pl)
			pipeline_drain(e->pl);  /* what came before, to the old file */
		emitter_reopen(e->ctx->em);
	}
}

void engine_idle(struct engine *e, uint64_t now_ns)
{
	if (e->wk)
		workers_tick(e->wk, now_ns);
	else
		pipeline_tick(e->pl, now_ns);
	engine_clock(e, now_ns);
	if (e->pl)
		pipeline_drain(e->pl);
	emitter_flush(e->ctx->em);
}

void engine_privileges_dropped(struct engine *e)
{
	emitter_check_reopen(e->ctx->em);
}

void engine_request_reopen(void)
{
	reopen_flag = 1;
}

void engine_secrets(struct engine *e, struct keylog *kl, const uint8_t *text, size_t n)
{
	uint64_t before = kl->st.secrets;

	if (e->wk)
		workers_sync(e->wk, 0);
	keylog_add_buffer(kl, (const char *)text, n, true);
	if (kl->st.secrets == before)
		return;
	e->ctx->keylog = kl;
	secrets_count(kl, &e->ctx->st);
	if (e->wk)
		workers_keylog(e->wk, kl);
}

void engine_flush(struct engine *e)
{
	count_main(e);
	if (e->wk)
		workers_sync(e->wk, 1);
	else
		pipeline_flush(e->pl);
}

uint64_t engine_last_time(const struct engine *e)
{
	uint64_t w = e->readers ? workers_last_time(e->wk) : 0;

	return w > e->last_ts ? w : e->last_ts;
}

unsigned engine_workers(const struct engine *e)
{
	return e->wk ? e->ctx->cfg.threads : 0;
}

int engine_readers_start(struct engine *e, engine_read_fn fn, void *arg)
{
	if (!e->wk || workers_read_start(e->wk, fn, arg) < 0)
		return -1;
	e->readers = true;
	return 0;
}

void engine_reader_packet(struct engine *e, unsigned k, int dlt, uint64_t ts_ns,
			  const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	workers_read_packet(e->wk, k, dlt, ts_ns, data, caplen, wirelen);
}

void engine_readers_stop(struct engine *e)
{
	count_main(e);
	workers_read_stop(e->wk);
}

int engine_dlt_supported(int dlt)
{
	return pipeline_dlt_supported(dlt);
}
