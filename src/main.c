/*
 * main.c - tlstap's wiring: the command line (options.c) into a context,
 * an output (emit.h), the views (cli.c), the certificate store, the engine
 * (engine.h), then captures (capture.h) read into it, then everything
 * closed in the reverse order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../parsers/x509.h"
#include "capture.h"
#include "cli.h"
#include "config.h"
#include "emit.h"
#include "engine.h"
#include "fragcache.h"
#include "hugeheap.h"
#include "keylog_follow.h"
#include "monoclock.h"
#include "options.h"
#include "secrets.h"
#include "sources.h"

/* What one run holds, built by setup and freed by teardown. */
struct run {
	struct tt_ctx ctx;
	struct options opt;
	struct keylog keylog;           /* --keylog files, the pcapng inputs' secrets */
	struct kfollow *kfollow;        /* live: the --keylog files followed as they grow */
	struct engine *eng;
};


/* The certificate store the session records are validated against. */
static struct x509_ctx *trust_store(const struct tt_config *cfg, char *err, size_t errlen)
{
	struct x509_ctx_opts xo;

	memset(&xo, 0, sizeof xo);
	xo.ca_file = cfg->ca_file;
	xo.ca_dir = cfg->ca_dir;
	xo.client_ca_file = cfg->client_ca_file;
	xo.cache_size = cfg->cert_cache_size;
	return x509_ctx_new(&xo, err, errlen);
}

/* What setup made, in the reverse order; the emitter last, and its
 * records dropped into the stats.  -1 when the output failed. */
static int teardown(struct run *r)
{
	engine_free(r->eng);
	frag_cache_free(r->ctx.hello_frags);
	sources_free(r->ctx.sources);
	x509_ctx_free(r->ctx.x509);
	kfollow_free(r->kfollow);
	keylog_free(&r->keylog);
	return emitter_free(r->ctx.em, &r->ctx.st.records_dropped);
}

/* The key logs, the output, the views, the store, the caches, the engine.
 * EXIT_OK, or an exit code after saying why (what was made is freed). */
static int setup(struct run *r)
{
	struct tt_ctx *ctx = &r->ctx;
	struct options *o = &r->opt;
	char err[512];
	int rc;

	keylog_init(&r->keylog);
	if (o->nkeylogs) {
		/* live: the files are followed as they grow */
		r->kfollow = kfollow_open(&r->keylog, o->keylogs, o->nkeylogs, o->iface != NULL,
					  err, sizeof err);
		if (!r->kfollow) {
			fprintf(stderr, "tlstap: %s\n", err);
			return EXIT_USAGE;
		}
		kfollow_stats(r->kfollow, &ctx->st);
		if (r->keylog.st.bad_lines)
			fprintf(stderr, "tlstap: --keylog: %llu line(s) not understood, skipped\n",
				(unsigned long long)r->keylog.st.bad_lines);
		if (!o->iface) {
			kfollow_free(r->kfollow);
			r->kfollow = NULL;
		}
		ctx->keylog = &r->keylog;
		ctx->kfollow = r->kfollow;
		o->co.keylog_follow = r->kfollow;
	}
	o->co.keylog = &r->keylog;      /* and the pcapng inputs' secrets blocks */
	ctx->cfg.ingress_iface = o->iface;
	ctx->em = emitter_new(o->outs, o->nouts, &ctx->cfg, err, sizeof err);
	if (!ctx->em) {
		fprintf(stderr, "tlstap: cannot open output: %s\n", err);
		return EXIT_OUTPUT;
	}
	if (!o->iface)
		emitter_patient(ctx->em);
	if ((rc = cli_start(&o->cli, ctx, &o->co)) != EXIT_OK) {
		cli_finish(&o->cli);
		teardown(r);
		return rc;
	}
	ctx->x509 = trust_store(&ctx->cfg, err, sizeof err);
	if (!ctx->x509) {
		fprintf(stderr, "tlstap: %s\n", err);
		teardown(r);
		cli_finish(&o->cli);
		return EXIT_INTERNAL;
	}
	/* The records are built beside the capture (render.h) unless a -w
	 * saver pairs each record with the packets the capture holds, or a
	 * key log followed live is asked again while a record is built. */
	if (o->co.tap || ctx->kfollow)
		ctx->cfg.render_thread = false;
	ctx->hello_frags = frag_cache_new(ctx->cfg.hello_cache_size);
	ctx->sources = sources_new();
	o->co.sources = ctx->sources;
	/* (the engine last: its render thread borrows the hello cache) */
	if ((ctx->cfg.hello_cache_size && !ctx->hello_frags) || !ctx->sources ||
	    !(r->eng = engine_new(ctx, o->stats_interval_ns))) {
		fprintf(stderr, "tlstap: out of memory\n");
		teardown(r);
		cli_finish(&o->cli);
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

/* The input: saved records, an interface or the capture files.  EXIT_OK
 * or the code of what failed (the other files are still read). */
static int run_input(struct run *r)
{
	struct options *o = &r->opt;
	int rc = EXIT_OK;

	capture_signals();
	if (o->cli.from_json) {
		rc = cli_replay(&o->cli, &r->ctx);
		o->stats = false;
	} else if (o->iface) {
		if (capture_live(r->eng, &r->ctx.st, o->iface, &o->co) < 0)
			rc = EXIT_LIVE;
	} else {
		for (size_t i = 0; i < o->cli.files.n && !capture_stopped(); i++)
			if (capture_file(r->eng, o->cli.files.name[i], &o->co) < 0)
				rc = EXIT_INPUT;
	}
	return rc;
}

/* The end of the run: the last records, the final stats and summary,
 * everything closed.  The exit code: rc, or the first failure after it. */
static int finish(struct run *r, int rc)
{
	struct tt_ctx *ctx = &r->ctx;
	struct options *o = &r->opt;
	int c;

	engine_flush(r->eng);
	if (o->stats)
		emit_stats(ctx, ctx->st.packets ? engine_last_time(r->eng) : wall_ns(), true);
	if (o->summary && !o->iface && !o->cli.quiet && !o->cli.from_json)
		emit_summary(ctx, stderr);
	if (teardown(r) < 0 && rc == EXIT_OK)
		rc = EXIT_OUTPUT;
	if ((c = cli_finish(&o->cli)) != EXIT_OK && rc == EXIT_OK)
		rc = c;
	/* Offline, every record should have reached every sink: say it once. */
	if (!o->iface && ctx->st.records_dropped) {
		fprintf(stderr, "tlstap: %llu records could not be delivered\n",
			(unsigned long long)ctx->st.records_dropped);
		if (rc == EXIT_OK)
			rc = EXIT_UNDELIVERED;
	}
	return rc;
}

/* Whether the run is long enough for huge pages to pay (hugeheap.h): a
 * live capture, standard input, or capture files of HUGEHEAP_FROM bytes
 * in all.  Executing again costs a few milliseconds; huge pages save about
 * 0.15 ms a MB of handshake-heavy capture in page faults alone. */
#define HUGEHEAP_FROM (32ull << 20)

static bool heap_grows(const struct options *o)
{
	unsigned long long all = 0;
	struct stat sb;

	if (o->cli.from_json)
		return false;
	if (o->iface)
		return true;
	for (size_t i = 0; i < o->cli.files.n; i++) {
		const char *name = o->cli.files.name[i];

		if (!strcmp(name, "-"))
			return true;
		if (stat(name, &sb) < 0)
			continue;   /* the capture will say why */
		if (!S_ISREG(sb.st_mode))
			return true;   /* a pipe or a device: a stream */
		all += (unsigned long long)sb.st_size;
	}
	return all >= HUGEHEAP_FROM;
}

int main(int argc, char **argv)
{
	static struct run r;
	int rc = options_parse(&r.opt, &r.ctx.cfg, argc, argv);

	if (rc < 0 && heap_grows(&r.opt))
		hugeheap_reexec(argv);   /* returns only if it did not */
	fputs(r.opt.warnings, stderr);
	if (rc >= 0)
		return rc;
	if ((rc = setup(&r)) != EXIT_OK)
		return rc;
	return finish(&r, run_input(&r));
}
