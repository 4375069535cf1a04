/*
 * pipeline_budget.c - the pipeline's memory budget (README "Memory"):
 * the parts it holds counted after every packet (pl_account), shedding
 * under --session-memcap and --memcap (least recently active first:
 * connections without payload, then unfinished sessions, each reported),
 * and reassembly memory given back by idle connections (pl_reclaim).
 */
#include "pipeline_impl.h"

#include "../parsers/x509.h"
#include "fragcache.h"
#include "ipfrag.h"
#include "jw.h"
#include "mem.h"
#include "render.h"
#include "session.h"
#include "tls_core.h"

/* Reassembly memory is full: the connections idle longest (a second of
 * packet time or more, closed ones first) stop buffering, each saying so
 * (reasm_memcap_shed), so that connections holding a few bytes each cannot
 * keep a new one from being reassembled.  The walk is bounded. */
bool pl_reclaim(void *u, uint64_t more)
{
	struct pipeline *pl = u;

	for (int list = 1; list >= 0; list--) {
		struct flow *f = flow_oldest(pl->ft, list == 1);
		for (int walked = 0; f && walked < 256; walked++) {
			struct flow *newer = f->prev;
			if (pl->mem.used + more <= pl->mem.cap)
				return true;
			if (f->seen_ns + SEC > pl->last_ts)
				break;   /* the rest of this list is more recent */
			if (f != pl->cur && f->rd && (f->rd[0].ooo_bytes || f->rd[0].pend_cap ||
						      f->rd[1].ooo_bytes || f->rd[1].pend_cap)) {
				if (f->sess)
					session_anomaly(f->sess, "reasm_memcap_shed");
				pl_stop_reasm(pl, f);
				pl->ctx->st.reasm_shed++;
			}
			f = newer;
		}
	}
	return pl->mem.used + more <= pl->mem.cap;
}

/* Sessions hold more than cfg.session_memcap: end the least recently
 * active connections that have one (closed ones first), each reported with
 * what it knew and the anomaly session_memcap, until they fit again.  The
 * walk from the old end skips flows without a session, at most a bounded
 * number of them per eviction, so a SYN flood cannot make this slow. */
#define SHED_WALK 256

static void shed_sessions(struct pipeline *pl, struct flow *keep)
{
	struct tt_ctx *ctx = pl->ctx;

	static const int order[] = { FLOW_CLOSED, FLOW_UDP, FLOW_OPEN };

	for (int i = 0; i < 3 && ctx->sess_mem > ctx->cfg.session_memcap; i++) {
		struct flow *f = flow_oldest(pl->ft, order[i]);
		int walked = 0;
		while (f && ctx->sess_mem > ctx->cfg.session_memcap && walked < SHED_WALK) {
			struct flow *newer = f->prev;
			if (f != keep && f->sess) {
				session_anomaly(f->sess, "session_memcap");
				ctx->st.flows_evicted_memcap++;
				ctx->st.flows_evicted++;
				pl_end_flow(pl, f);
				walked = 0;
			} else {
				walked++;
			}
			f = newer;
		}
	}
}

/* The memory budget's parts this pipeline holds, as they are now (mem.h);
 * the render thread's as read at most PL_EXT_EVERY packets ago (they move
 * once a record, and each read after the other core wrote them is a
 * transfer of the cache line). */
#define PL_EXT_EVERY 64u

void pl_account(struct pipeline *pl)
{
	struct tt_ctx *ctx = pl->ctx;
	struct tt_stats *st = &ctx->st;

	if (pl->render && pl->ext_age++ % PL_EXT_EVERY == 0) {
		pl->ext_certs = ctx_x509_bytes(ctx);
		pl->ext_caches = render_bytes(pl->render, MEM_CACHES);
		pl->ext_output = render_bytes(pl->render, MEM_OUTPUT);
	}

	uint64_t now[MEM_PARTS] = {
		[MEM_FLOWS] = flow_table_bytes(pl->ft) + pl->encap_bytes + pl->qp_bytes,
		[MEM_REASM] = reasm_mem_bytes(&pl->mem),
		[MEM_SESSIONS] = ctx->sess_mem,
		[MEM_FRAGS] = ipfrag_bytes(pl->frag),
		[MEM_CACHES] = frag_cache_bytes(ctx->hello_frags) + tls_core_pool_bytes(ctx),
		[MEM_QUEUES] = st->mem_now[MEM_QUEUES],         /* the workers' own */
		[MEM_CERTS] = pl->render ? pl->ext_certs : ctx_x509_bytes(ctx),
		[MEM_OUTPUT] = ctx->output_bytes + (ctx->w ? jw_bytes(ctx->w) : 0),
	};

	if (pl->render) {
		now[MEM_SESSIONS] += render_bytes(pl->render, MEM_SESSIONS);
		now[MEM_CACHES] += pl->ext_caches;
		now[MEM_QUEUES] = render_bytes(pl->render, MEM_QUEUES);
		now[MEM_OUTPUT] += pl->ext_output;
	}
	mem_set_all(st, now);
}

static bool over(struct pipeline *pl, uint64_t goal)
{
	pl_account(pl);
	return mem_total(&pl->ctx->st) > goal;
}

/* What --memcap sheds in each stage: first connections that have sent no
 * payload (a SYN, a handshake: no record to lose), then unfinished
 * sessions, which are ended and reported. */
static bool sheddable(const struct flow *f, int stage)
{
	return !f->emitted && (stage == 0 ? !f->sess : f->sess != NULL);
}

/* What the parts may hold together: --memcap less this pipeline's share
 * of the allocator's slack as last measured (mem.h: memory freed but not
 * yet reused, which the process still holds; README "Memory").  What
 * shedding freed and the parts have not grown back into yet is no slack
 * to reserve for: the next connections reuse it (shed_credit).  At least
 * a thirty-second is kept for what grows between two samples. */
static uint64_t held_cap(const struct pipeline *pl)
{
	uint64_t memcap = pl->ctx->cfg.memcap, slack = mem_slack_share(memcap);

	slack = slack > pl->shed_credit ? slack - pl->shed_credit : 0;
	if (slack < memcap / 32)
		slack = memcap / 32;   /* what sampling misses between samples */
	return slack < memcap / 2 ? memcap - slack : memcap / 2;
}

/* Over held_cap(): shed, least recently active first (connections without
 * payload, the compact ones first, then closed ones, open ones, UDP
 * flows), down to a sixteenth of the budget below it so that the next packets do not start it again.  An unfinished session is
 * reported with what it knew and the anomaly memcap_shed.  Each walk skips
 * at most SHED_WALK flows in a row that do not fit the stage. */
static void shed_budget(struct pipeline *pl, struct flow *keep)
{
	struct tt_ctx *ctx = pl->ctx;
	uint64_t goal = held_cap(pl) - ctx->cfg.memcap / 16, before = mem_total(&ctx->st);
	static const int order[] = { FLOW_QUIET, FLOW_CLOSED, FLOW_OPEN, FLOW_UDP };
	uint64_t seen;

	while (over(pl, goal) && flow_compact_oldest(pl->ft, &seen)) {
		ctx->st.shed_half_open++;
		pl_drop_compact(pl);
	}
	for (int stage = 0; stage < 2; stage++) {
		for (int i = 0; i < 4 && over(pl, goal); i++) {
			struct flow *f = flow_oldest(pl->ft, order[i]);
			int walked = 0;
			while (f && walked < SHED_WALK && over(pl, goal)) {
				struct flow *newer = f->prev;
				if (f == keep || !sheddable(f, stage)) {
					walked++;
				} else if (stage == 0) {
					ctx->st.shed_half_open++;
					pl_end_flow(pl, f);
				} else {
					session_anomaly(f->sess, "memcap_shed");
					ctx->st.shed_sessions++;
					pl_end_flow(pl, f);
				}
				f = newer;
			}
		}
	}
	if (mem_total(&ctx->st) < before)
		pl->shed_credit += before - mem_total(&ctx->st);
}

/* (Called after every packet: the release build's link-time optimisation
 * inlines it into its two callers.  held_cap() is never below half the
 * budget, so up to there it is not computed: the slack's share costs a
 * 128-bit division.) */
void pl_keep_budget(struct pipeline *pl, struct flow *keep)
{
	uint64_t total;

	if (pl->ctx->sess_mem > pl->ctx->cfg.session_memcap)
		shed_sessions(pl, keep);
	pl_account(pl);
	total = mem_total(&pl->ctx->st);
	if (total > pl->last_total) {   /* grown back into what was shed */
		uint64_t grew = total - pl->last_total;
		pl->shed_credit -= grew < pl->shed_credit ? grew : pl->shed_credit;
	}
	pl->last_total = total;
	if (total > pl->ctx->cfg.memcap / 2 && total > held_cap(pl)) {
		reasm_mem_release(&pl->mem);   /* the blocks kept for reuse go first */
		flow_table_trim(pl->ft);
		tls_core_pool_trim(pl->ctx);
		mem_slack_sample();   /* measured again first (trimming past its bound) */
		if (over(pl, held_cap(pl)))
			shed_budget(pl, keep);
		pl->last_total = mem_total(&pl->ctx->st);
	}
}
