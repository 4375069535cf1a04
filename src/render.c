/*
 * render.c - session records built and written by a thread of their own
 * (render.h).
 *
 *   capture: lock, wait for room, copy the job in, head++, wake the render
 *            thread if it sleeps, unlock
 *   render:  lock, wait for jobs, unlock, verdict + record for each, the
 *            session handed back, lock, tail moved on, wake whoever waits
 *            for room or for the drain
 *   capture: at its next record (or render_drain), the sessions of the
 *            jobs rendered freed
 */
#include "render.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../parsers/x509.h"
#include "emit.h"
#include "fragcache.h"
#include "jw.h"
#include "mem.h"
#include "session.h"
#include "tls_core.h"

struct job {
	struct flow_endpoints ep;
	struct flow_counters ct;
	struct encap_chain *encap;      /* [2], copied; NULL: not tunnelled */
	bool has_encap[2];
	bool at_end;
	int syn_side, client;
	struct session *sess;
	size_t mem;                     /* the session's bytes when handed over */
};

/* Fields that one thread writes often and the other reads are kept on
 * cache lines apart (RENDER_LINE), each group with those of its writer:
 * a line written on one core and read on the other moves between their
 * caches at every write. */
#define RENDER_LINE 64

struct render {
	struct tt_ctx *main;
	struct tt_ctx ctx;              /* the render thread's */
	struct jw w;
	pthread_t tid;
	/* the store's lock: the render thread's, about once a certificate */
	_Alignas(RENDER_LINE) struct x509_share share;
	/* the ring, under mu */
	_Alignas(RENDER_LINE) pthread_mutex_t mu;
	pthread_cond_t work, room;
	unsigned head, tail;            /* jobs [tail, head) wait or are in hand */
	unsigned waiters;               /* on room: for space, or for the drain */
	bool idle, stop;
	/* the capture's alone (it hands sessions over and frees them) */
	_Alignas(RENDER_LINE) _Atomic uint64_t pending;   /* bytes of the sessions not yet freed */
	unsigned tail_seen;             /* tail as last read under mu: it only grows */
	unsigned reaped;                /* jobs before it freed: reaped <= tail_seen */
	/* room beyond RENDER_HELD while pending is below: start_bytes for the
	 * first RENDER_JOBS records, held_bytes after */
	uint64_t start_bytes, held_bytes;
	struct tt_stats added;          /* ctx.st as last added to main's */
	/* the render thread's, published after each record */
	_Alignas(RENDER_LINE) _Atomic uint64_t caches, output;
	/* RENDER_JOBS slots, from calloc: their pages are touched as the ring
	 * first goes round, not at start (600 KiB) */
	struct job *ring;
};

void ctx_x509_lock(const struct tt_ctx *ctx)
{
	if (ctx && ctx->x509_share)
		pthread_mutex_lock(&ctx->x509_share->mu);
}

void ctx_x509_unlock(const struct tt_ctx *ctx)
{
	struct x509_share *sh = ctx ? ctx->x509_share : NULL;

	if (!sh)
		return;
	atomic_store_explicit(&sh->bytes, x509_ctx_bytes(ctx->x509), memory_order_relaxed);
	pthread_mutex_unlock(&sh->mu);
}

uint64_t ctx_x509_bytes(const struct tt_ctx *ctx)
{
	if (ctx->x509_share)
		return atomic_load_explicit(&ctx->x509_share->bytes, memory_order_relaxed);
	return x509_ctx_bytes(ctx->x509);
}

/* What the thread holds now, for the capture's memory budget. */
static void publish(struct render *r)
{
	atomic_store_explicit(&r->caches,
			      frag_cache_bytes(r->ctx.hello_frags) + tls_core_pool_bytes(&r->ctx),
			      memory_order_relaxed);
	atomic_store_explicit(&r->output, jw_bytes(&r->w), memory_order_relaxed);
}

static void render_one(struct render *r, struct job *j)
{
	struct session *s = j->sess;
	struct flow_info fi = {
		&j->ep, &j->ct, j->syn_side, s, NULL,
		{ j->has_encap[0] ? &j->encap[0] : NULL, j->has_encap[1] ? &j->encap[1] : NULL },
		j->at_end, 0, ""
	};

	session_adopt(s, &r->ctx);
	session_settle(s);
	emit_flow_record(&r->ctx, &fi, j->client);
	session_release(s);
	/* Back to the capture, which frees it when it reuses the slot: its
	 * memory came from the capture's malloc arena, and freeing it here
	 * took that arena's lock against the capture's own mallocs. */
	session_hand_over(s);
}

/* A rendered job's session and chains, freed by the capture thread. */
static void reap(struct render *r, struct job *j)
{
	if (!j->sess)
		return;
	session_adopt(j->sess, r->main);
	session_free(j->sess);
	free(j->encap);
	j->encap = NULL;
	j->sess = NULL;
	atomic_fetch_sub_explicit(&r->pending, j->mem, memory_order_relaxed);
}

/* The capture's: frees the sessions of the jobs rendered as of tail_seen
 * (the render thread works on [tail, head) only). */
static void reap_rendered(struct render *r)
{
	for (; r->reaped != r->tail_seen; r->reaped++)
		reap(r, &r->ring[r->reaped % RENDER_JOBS]);
}

/* Whether another job may wait, by the tail last seen (render.h). */
static bool room(const struct render *r)
{
	unsigned n = r->head - r->tail_seen;
	uint64_t bound = r->tail_seen >= RENDER_JOBS ? r->held_bytes : r->start_bytes;

	return n < RENDER_JOBS &&
	       (n < RENDER_HELD || atomic_load_explicit(&r->pending, memory_order_relaxed) < bound);
}

/* Wakes the thread if it sleeps and there is work (the caller holds mu). */
static void wake(struct render *r)
{
	if (r->idle && r->head != r->tail) {
		r->idle = false;
		pthread_cond_signal(&r->work);
	}
}

static void *render_main(void *arg)
{
	struct render *r = arg;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		unsigned end;
		while (r->head == r->tail && !r->stop) {
			r->idle = true;
			pthread_cond_wait(&r->work, &r->mu);
		}
		r->idle = false;
		if (r->head == r->tail)
			break;
		/* everything waiting, in one go: the capture does not wait
		 * for the lock once per record */
		end = r->head;
		pthread_mutex_unlock(&r->mu);
		for (unsigned i = r->tail; i != end; i++)
			render_one(r, &r->ring[i % RENDER_JOBS]);
		publish(r);
		pthread_mutex_lock(&r->mu);
		r->tail = end;
		if (r->waiters)
			pthread_cond_broadcast(&r->room);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct render *render_new(struct tt_ctx *main)
{
	struct render *r = aligned_alloc(RENDER_LINE, sizeof *r);
	sigset_t all, was;
	bool started;

	if (!r)
		return NULL;
	memset(r, 0, sizeof *r);
	r->ring = calloc(RENDER_JOBS, sizeof *r->ring);
	if (!r->ring) {
		free(r);
		return NULL;
	}
	r->main = main;
	r->ctx.cfg = main->cfg;
	r->ctx.em = main->em;
	r->ctx.x509 = main->x509;
	r->ctx.sources = main->sources;
	/* Decryption happens while the packets are read, never here; a key
	 * log followed live (asked again on a miss) stays the capture's. */
	r->ctx.keylog = NULL;
	r->ctx.kfollow = NULL;
	jw_init(&r->w);
	r->ctx.w = &r->w;
	r->ctx.x509_share = &r->share;
	/* The hello cache serves the verdict and the record: the render
	 * thread's while it runs, main's again after. */
	r->ctx.hello_frags = main->hello_frags;
	pthread_mutex_init(&r->share.mu, NULL);
	atomic_init(&r->share.bytes, x509_ctx_bytes(main->x509));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->room, NULL);
	atomic_init(&r->pending, 0);
	atomic_init(&r->caches, 0);
	atomic_init(&r->output, 0);
	publish(r);
	/* The thread starts with every signal blocked: they are the
	 * capture's to handle. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &was);
	started = pthread_create(&r->tid, NULL, render_main, r) == 0;
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	if (!started) {
		pthread_mutex_destroy(&r->share.mu);
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->work);
		pthread_cond_destroy(&r->room);
		jw_free(&r->w);
		free(r->ring);
		free(r);
		return NULL;
	}
	r->held_bytes = main->cfg.memcap / 64;
	if (r->held_bytes > RENDER_HELD_BYTES)
		r->held_bytes = RENDER_HELD_BYTES;
	r->start_bytes = main->cfg.memcap / 16;
	if (r->start_bytes > RENDER_START_BYTES)
		r->start_bytes = RENDER_START_BYTES;
	main->x509_share = &r->share;
	main->hello_frags = NULL;
	return r;
}

void render_push(struct render *r, const struct flow_info *fi, struct session *s, int client)
{
	struct encap_chain *encap = NULL;
	struct job *j;

	if (fi->encap[0] || fi->encap[1]) {
		/* Tunnelled flows are few; without memory for their chains the
		 * record goes without them rather than not at all. */
		encap = malloc(2 * sizeof *encap);
		if (encap)
			for (int d = 0; d < 2; d++)
				if (fi->encap[d])
					encap[d] = *fi->encap[d];
	}
	/* Room is known without the lock by the tail last seen, which the
	 * move of head below refreshes; without room, the tail is read again
	 * and, until it moves, waited for.  The sessions rendered meanwhile
	 * are freed outside the lock, which the render thread wants at the
	 * end of each batch. */
	reap_rendered(r);
	while (!room(r)) {
		pthread_mutex_lock(&r->mu);
		while (r->tail == r->tail_seen) {
			wake(r);
			r->waiters++;
			pthread_cond_wait(&r->room, &r->mu);
			r->waiters--;
		}
		r->tail_seen = r->tail;
		pthread_mutex_unlock(&r->mu);
		reap_rendered(r);
	}
	/* The slot at head is this thread's until head moves past it (the
	 * render thread takes [tail, head) only): it is filled without the
	 * lock, which the render thread wants at the end of each batch.
	 * Freeing sessions under it made that thread wait for the lock, and
	 * both sides then paid a futex call (about 200 a run of
	 * handshake.pcap, each way). */
	j = &r->ring[r->head % RENDER_JOBS];   /* reaped: head - RENDER_JOBS < reaped */
	j->ep = *fi->ep;
	j->ct = *fi->ct;
	j->encap = encap;
	for (int d = 0; d < 2; d++)
		j->has_encap[d] = encap && fi->encap[d];
	j->at_end = fi->at_end;
	j->syn_side = fi->syn_side;
	j->client = client;
	j->sess = s;
	j->mem = session_hand_over(s);
	atomic_fetch_add_explicit(&r->pending, j->mem, memory_order_relaxed);
	pthread_mutex_lock(&r->mu);
	r->head++;
	r->tail_seen = r->tail;
	/* A sleeping thread is woken for a batch, not for each record: a
	 * wake-up is a system call on both sides.  Fewer wait for
	 * render_kick (each second of packet time) or render_drain. */
	if (r->head - r->tail >= RENDER_BATCH)
		wake(r);
	pthread_mutex_unlock(&r->mu);
}

void render_kick(struct render *r)
{
	pthread_mutex_lock(&r->mu);
	wake(r);
	pthread_mutex_unlock(&r->mu);
}

void render_drain(struct render *r, struct tt_stats *st)
{
	struct tt_stats now;
	uint64_t *to = (uint64_t *)st, *cur = (uint64_t *)&now, *was = (uint64_t *)&r->added;
	const size_t nf = sizeof now / sizeof(uint64_t);
	const size_t m0 = offsetof(struct tt_stats, mem_now) / sizeof(uint64_t);
	const size_t m1 = offsetof(struct tt_stats, mem_budget) / sizeof(uint64_t) + 1;

	pthread_mutex_lock(&r->mu);
	wake(r);
	while (r->head != r->tail) {
		r->waiters++;
		pthread_cond_wait(&r->room, &r->mu);
		r->waiters--;
	}
	now = r->ctx.st;
	r->tail_seen = r->tail;
	pthread_mutex_unlock(&r->mu);
	reap_rendered(r);
	/* The memory parts are the capture's to set (render_bytes). */
	for (size_t f = 0; f < nf; f++)
		if (f < m0 || f >= m1)
			to[f] += cur[f] - was[f];
	r->added = now;
}

uint64_t render_bytes(const struct render *r, int part)
{
	switch (part) {
	case MEM_SESSIONS:
		return atomic_load_explicit(&r->pending, memory_order_relaxed);
	case MEM_CACHES:
		return atomic_load_explicit(&r->caches, memory_order_relaxed);
	case MEM_OUTPUT:
		return atomic_load_explicit(&r->output, memory_order_relaxed);
	case MEM_QUEUES:
		return mem_chunk(sizeof *r) + mem_chunk(RENDER_JOBS * sizeof *r->ring);
	default:
		return 0;
	}
}

void render_free(struct render *r)
{
	if (!r)
		return;
	render_drain(r, &r->main->st);
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_signal(&r->work);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->tid, NULL);
	r->main->x509_share = NULL;
	session_pool_free(&r->ctx);
	r->main->hello_frags = r->ctx.hello_frags;
	jw_free(&r->w);
	pthread_mutex_destroy(&r->share.mu);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->work);
	pthread_cond_destroy(&r->room);
	free(r->ring);
	free(r);
}
