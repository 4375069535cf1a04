/*
 * workers.c - worker threads (see workers.h).
 *
 *   reader:  decode once -> shard -> append decoded headers (with the
 *            tunnel chain, if any) + bytes to the worker's open batch ->
 *            full? queue it
 *   worker:  pop batch -> pipeline_decoded / pipeline_tick per entry ->
 *            command (sync, flush, exit) -> batch back to the free list
 *
 * Timeouts follow the single-threaded schedule: a pipeline checks them at
 * the first packet of each new second of packet time; the reader keeps the
 * same clock and, after the packet that starts a new second, appends a tick
 * to every worker, so each one checks at the same point of the packet
 * stream as one thread would.  The limits that are totals (flows, fragments,
 * reassembly memory) are divided among the workers.
 */
#include "workers.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../parsers/x509.h"
#include "decode.h"
#include "emit.h"
#include "flow.h"
#include "fragcache.h"
#include "jw.h"
#include "mem.h"
#include "pipeline.h"
#include "pktclock.h"
#include "quic_route.h"

#define BATCH_BYTES (512u * 1024u)      /* more than the largest packet libpcap gives */
#define QUEUE_DEPTH 4                   /* full batches waiting per worker */
#define SEC 1000000000ull

enum { ENT_PACKET, ENT_TICK, ENT_STEP };
/* Commands a batch carries.  The first three are answered (workers_sync
 * waits for them); OUTPUT only asks the worker to push its records out. */
enum { CMD_SYNC = 1, CMD_FLUSH = 2, CMD_EXIT = 4, CMD_OUTPUT = 8, CMD_FEED = 16 };
#define CMD_ANSWERED (CMD_SYNC | CMD_FLUSH | CMD_EXIT)

/* Counters one decode may raise; more, and the worker decodes again. */
#define ENT_COUNTS 4
#define NO_OFF UINT32_MAX

/* One entry of a batch: the header, then caplen bytes, padded to 8.  A
 * packet carries the reader's decode of it (the reader needed the headers
 * to shard it): the result, the counters the decode raised, and struct pkt
 * with its pointers into the packet as offsets (rebased by the worker onto
 * its copy). */
struct ent {
	uint64_t ts;
	uint32_t caplen, wirelen;
	int32_t dlt;
	uint32_t kind;
	int32_t result;                 /* enum decode_result (-1: not decoded) */
	uint32_t redo;                  /* the worker decodes again (all below unused) */
	uint32_t n_counts;
	uint16_t count_field[ENT_COUNTS];   /* index of a struct tt_stats counter */
	uint16_t count_delta[ENT_COUNTS];
	uint32_t payload_off, frag_data_off, l4_off;
	uint64_t now, from;             /* the reader's clock (pktclock.h) at this packet */
	uint8_t held;                   /* the reader's clock held this packet's time */
	uint32_t source;                /* sources.h id of a packet */
	struct pkt pkt;                 /* last: see ENT_BYTES */
};

/* What of an entry a batch holds: struct pkt without its encapsulation
 * chain (400 bytes that plain traffic never fills), then as many layers of
 * the chain as the packet has (ent_layers), then the packet's bytes. */
#define ENT_BYTES ((offsetof(struct ent, pkt) + offsetof(struct pkt, encap) + 7) & ~(size_t)7)
#define ROUND8(n) (((size_t)(n) + 7) & ~(size_t)7)

/* Bytes of the chain stored after an entry's head (0 when the worker
 * decodes the packet again, which rebuilds the chain). */
static size_t ent_layers(const struct ent *e)
{
	return e->redo ? 0 : ROUND8(e->pkt.n_encap * sizeof(struct encap_layer));
}

struct batch {
	struct batch *next;
	size_t len;
	int cmd;
	uint8_t data[BATCH_BYTES];
};

struct worker {
	pthread_t tid;
	bool started;
	unsigned k;                     /* its index */
	struct workers *wk;
	int wake[2];                    /* fanout: a byte when a batch is queued */
	struct tt_ctx ctx;
	struct jw w;
	struct pipeline *pl;
	struct tt_stats snap;           /* counters at the last command */

	pthread_mutex_t mu;
	pthread_cond_t work, room, done;
	struct batch *head, *tail;      /* queued, oldest first */
	struct batch *free;
	unsigned acked;                 /* commands handled */

	struct batch *cur;              /* the reader's open batch */
	unsigned sent;                  /* commands sent */
};

struct workers {
	struct tt_ctx *main;
	unsigned n;
	uint64_t seed;                  /* the sharding hash's key, per run */
	struct pkt_clock clock;         /* the reader's view of packet time */
	uint64_t last_ts, next_check;   /* the pipelines' timeout schedule */
	struct tt_stats summed;         /* the workers' part of main->st at the last sync */
	uint32_t source;                /* of the packets now arriving (sources.h) */
	struct qroute *qr;              /* QUIC connection ids -> worker */
	workers_read_fn read;           /* fanout: each worker reads its own packets */
	void *read_arg;
	atomic_bool read_stop;          /* fanout: leave the reading rounds */
	struct worker w[];
};

/* A packet the reader decoded: its counters into the worker's, its
 * pointers onto the worker's copy of the bytes, then the pipeline. */
static void run_packet(struct worker *w, struct ent *e, const uint8_t *data)
{
	uint64_t *st = (uint64_t *)&w->ctx.st;

	/* Timeouts run on the reader's clock, which saw every packet; the
	 * worker's share would step at other places. */
	pipeline_clock(w->pl, e->now, e->from);
	if (e->held)
		w->ctx.st.time_jumps++;
	if (e->redo) {
		pipeline_packet(w->pl, e->dlt, e->ts, data, e->caplen, e->wirelen);
		return;
	}
	for (uint32_t i = 0; i < e->n_counts; i++)
		st[e->count_field[i]] += e->count_delta[i];
	e->pkt.payload = e->payload_off == NO_OFF ? NULL : data + e->payload_off;
	e->pkt.frag_data = e->frag_data_off == NO_OFF ? NULL : data + e->frag_data_off;
	e->pkt.l4 = e->l4_off == NO_OFF ? NULL : data + e->l4_off;
	pipeline_decoded(w->pl, e->ts, (enum decode_result)e->result, &e->pkt, e->caplen,
			 e->wirelen);
}

/* The oldest queued batch; NULL when none and !wait. */
static struct batch *pop(struct worker *w, bool wait)
{
	struct batch *b;

	pthread_mutex_lock(&w->mu);
	while (!w->head && wait)
		pthread_cond_wait(&w->work, &w->mu);
	b = w->head;
	if (b) {
		w->head = b->next;
		if (!w->head)
			w->tail = NULL;
	}
	pthread_mutex_unlock(&w->mu);
	return b;
}

/* One batch's entries, then its command; the batch back to the free
 * list.  Returns the command. */
static int run_batch(struct worker *w, struct batch *b)
{
	size_t off = 0;
	int cmd;

	while (off < b->len) {
		struct ent e;
		memcpy(&e, b->data + off, ENT_BYTES);
		off += ENT_BYTES;
		if (ent_layers(&e)) {
			memcpy(e.pkt.encap, b->data + off,
			       e.pkt.n_encap * sizeof(struct encap_layer));
			off += ent_layers(&e);
		}
		if (e.kind == ENT_PACKET) {
			pipeline_source(w->pl, e.source);
			run_packet(w, &e, b->data + off);
		} else if (e.kind == ENT_STEP) {
			pipeline_clock(w->pl, e.now, e.from);
		} else {
			pipeline_tick(w->pl, e.ts);
		}
		off += ((size_t)e.caplen + 7) & ~(size_t)7;
	}
	cmd = b->cmd;
	if (cmd & (CMD_FLUSH | CMD_EXIT))
		pipeline_flush(w->pl);
	if (cmd & CMD_ANSWERED) {
		pipeline_sync(w->pl);   /* the parsers' own counters into ctx.st */
		w->snap = w->ctx.st;
	}
	if (cmd & CMD_OUTPUT)
		emitter_flush(w->ctx.em);

	pthread_mutex_lock(&w->mu);
	b->next = w->free;
	w->free = b;
	if (cmd & CMD_ANSWERED) {
		w->acked++;
		pthread_cond_signal(&w->done);
	}
	pthread_cond_signal(&w->room);
	pthread_mutex_unlock(&w->mu);
	return cmd;
}

/* Fanout: rounds of the worker's own packets (the read function hands
 * them to workers_read_packet in this thread), and between rounds what
 * the reading thread queued (ticks, commands).  Returns the last command
 * handled: CMD_EXIT ends the thread. */
static int read_rounds(struct worker *w)
{
	struct workers *wk = w->wk;
	struct batch *b;
	char drain[64];
	int cmd = 0;

	pipeline_source(w->pl, wk->source);
	while (!atomic_load(&wk->read_stop)) {
		if (wk->read(wk->read_arg, w->k, w->wake[0]) < 0)
			break;
		while (read(w->wake[0], drain, sizeof drain) > 0)
			;
		while ((b = pop(w, false)) != NULL)
			if ((cmd = run_batch(w, b)) & CMD_EXIT)
				return cmd;
	}
	return cmd;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	sigset_t all;

	/* Signals belong to the reading thread (pcap_breakloop, flush). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		int cmd = run_batch(w, pop(w, true));
		if ((cmd & CMD_FEED) && !(cmd & CMD_EXIT))
			cmd = read_rounds(w);
		if (cmd & CMD_EXIT)
			return NULL;
	}
}

/* A free batch for the reader (waits while the worker holds them all). */
static struct batch *take_free(struct worker *w)
{
	struct batch *b;

	pthread_mutex_lock(&w->mu);
	while (!w->free)
		pthread_cond_wait(&w->room, &w->mu);
	b = w->free;
	w->free = b->next;
	pthread_mutex_unlock(&w->mu);
	b->len = 0;
	b->cmd = 0;
	b->next = NULL;
	return b;
}

/* Queues the open batch (with a command) and opens a new one lazily. */
static void push(struct worker *w, int cmd)
{
	struct batch *b = w->cur ? w->cur : take_free(w);

	w->cur = NULL;
	b->cmd = cmd;
	if (cmd & CMD_ANSWERED)
		w->sent++;
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = b;
	else
		w->head = b;
	w->tail = b;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	/* A worker reading its own packets waits in poll, not on the queue. */
	if (w->wake[1] >= 0 && write(w->wake[1], "", 1) < 0 && errno != EAGAIN)
		perror("tlstap: worker wake-up");
}

/* Queues an entry (e->caplen bytes of data after it) on w's open batch. */
static void append_ent(struct worker *w, struct ent *e, const uint8_t *data)
{
	uint32_t caplen = e->caplen;
	size_t head, need;

	/* libpcap never gives more than its maximum snapshot length (256 KiB);
	 * should a packet not fit, the worker sees it cut, as by a snaplen
	 * (and decodes it itself). */
	if (caplen > BATCH_BYTES - ENT_BYTES - ent_layers(e)) {
		e->caplen = caplen = (uint32_t)(BATCH_BYTES - ENT_BYTES);
		e->redo = 1;
	}
	head = ENT_BYTES + ent_layers(e);
	need = head + ROUND8(caplen);
	if (w->cur && w->cur->len + need > BATCH_BYTES)
		push(w, 0);
	if (!w->cur)
		w->cur = take_free(w);
	memcpy(w->cur->data + w->cur->len, e, ENT_BYTES);
	if (ent_layers(e))
		memcpy(w->cur->data + w->cur->len + ENT_BYTES, e->pkt.encap,
		       e->pkt.n_encap * sizeof(struct encap_layer));
	if (caplen && data)
		memcpy(w->cur->data + w->cur->len + head, data, caplen);
	w->cur->len += need;
}

static void append(struct worker *w, uint32_t kind, int dlt, uint64_t ts,
		   const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct ent e;

	memset(&e, 0, sizeof e);
	e.ts = ts;
	e.caplen = caplen;
	e.wirelen = wirelen;
	e.dlt = dlt;
	e.kind = kind;
	e.result = -1;
	e.redo = 1;
	append_ent(w, &e, data);
}

/* Offset of a pointer into data[0..caplen], or NO_OFF (NULL, or not in
 * the packet: then the entry is not usable and *ok turns false). */
static uint32_t off_in(const uint8_t *ptr, const uint8_t *data, uint32_t caplen, bool *ok)
{
	uintptr_t p = (uintptr_t)ptr, d = (uintptr_t)data;

	if (!ptr)
		return NO_OFF;
	if (p < d || p - d > caplen) {
		*ok = false;
		return NO_OFF;
	}
	return (uint32_t)(p - d);
}

/* The reader's decode, kept in e for the worker: the result, the counters
 * it raised (against a zeroed set), the headers with offsets.  struct pkt's
 * pointers into the packet (payload, frag_data) are rebased by run_packet;
 * a pointer field added to struct pkt must be rebased there too. */
static void decode_into(struct ent *e, const uint8_t *data)
{
	struct tt_stats d;
	const uint64_t *v = (const uint64_t *)&d;
	const size_t nf = sizeof d / sizeof *v;
	bool ok = true;

	memset(&d, 0, sizeof d);
	e->result = (int32_t)decode_packet(e->dlt, data, e->caplen, e->wirelen, &e->pkt, &d);
	for (size_t f = 0; f < nf && ok; f++) {
		if (!v[f])
			continue;
		if (e->n_counts == ENT_COUNTS || v[f] > UINT16_MAX) {
			ok = false;
			break;
		}
		e->count_field[e->n_counts] = (uint16_t)f;
		e->count_delta[e->n_counts++] = (uint16_t)v[f];
	}
	e->payload_off = off_in(e->pkt.payload, data, e->caplen, &ok);
	e->frag_data_off = off_in(e->pkt.frag_data, data, e->caplen, &ok);
	e->l4_off = off_in(e->pkt.l4, data, e->caplen, &ok);
	e->pkt.payload = e->pkt.frag_data = e->pkt.l4 = NULL;
	if (!ok)
		e->redo = 1;        /* the worker decodes again */
}

/* The worker of a packet: by the unordered address pair, so that both
 * directions and all fragments meet.  Packets that are not IP go to the
 * first worker, which counts them.  A UDP datagram may be QUIC on a new
 * address pair: the routing map sends it to its connection's worker. */
static unsigned shard(struct workers *wk, struct ent *e, const uint8_t *data, uint64_t now)
{
	enum decode_result r = (enum decode_result)e->result;
	unsigned k;

	if (r != DEC_TCP && r != DEC_UDP && r != DEC_FRAGMENT)
		return 0;
	/* The flow table's own symmetric hash, without ports (fragments
	 * carry none) or VLAN. */
	k = (unsigned)((uint64_t)flow_pair_hash(wk->seed, e->pkt.src, 0, e->pkt.dst, 0, 0) * wk->n >> 32);
	if (r == DEC_UDP && !e->redo && e->payload_off != NO_OFF) {
		e->pkt.payload = data + e->payload_off;
		k = qroute_pick(wk->qr, &e->pkt, k, now);
		e->pkt.payload = NULL;
	}
	return k;
}

void workers_packet(struct workers *wk, int dlt, uint64_t ts_ns, const uint8_t *data,
		    uint32_t caplen, uint32_t wirelen)
{
	struct ent e;
	unsigned k;
	bool held;
	uint64_t now = pktclock_advance(&wk->clock, ts_ns, wk->main->cfg.tcp_idle_timeout_ns, &held);

	memset(&e, 0, sizeof e);
	e.ts = ts_ns;
	e.caplen = caplen;
	e.wirelen = wirelen;
	e.dlt = dlt;
	e.kind = ENT_PACKET;
	e.source = wk->source;
	decode_into(&e, data);
	k = shard(wk, &e, data, now);
	/* The schedule follows the pipelines' clock (pktclock.h): one packet
	 * stamped years ahead does not make every worker expire its flows.
	 * The pipelines take this clock rather than keep their own. */
	e.now = now;
	e.from = wk->clock.stepped_from;
	e.held = held;
	wk->clock.stepped_from = 0;
	append_ent(&wk->w[k], &e, data);
	if (e.from) {
		/* The clock stepped: every pipeline moves the flows it saw during
		 * the hold (pktclock.h), not only the one that got this packet. */
		struct ent step;

		memset(&step, 0, sizeof step);
		step.kind = ENT_STEP;
		step.ts = ts_ns;
		step.now = now;
		step.from = e.from;
		for (unsigned i = 0; i < wk->n; i++)
			if (i != k)
				append_ent(&wk->w[i], &step, NULL);
	}
	if (now > wk->last_ts)
		wk->last_ts = now;
	if (wk->last_ts >= wk->next_check) {
		/* The one pipeline that got this packet checks its timeouts
		 * after it; the others check at the same point. */
		wk->next_check = wk->last_ts + SEC;
		qroute_expire(wk->qr, wk->last_ts, wk->main->cfg.udp_timeout_ns);
		for (unsigned i = 0; i < wk->n; i++)
			if (i != k)
				append(&wk->w[i], ENT_TICK, 0, wk->last_ts, NULL, 0, 0);
	}
}

void workers_source(struct workers *wk, uint32_t source)
{
	wk->source = source;
}

void workers_tick(struct workers *wk, uint64_t now_ns)
{
	/* Live capture: the records this batch decides go out at once, not at
	 * the reader's next flush (which waits for the next packet). */
	for (unsigned i = 0; i < wk->n; i++) {
		append(&wk->w[i], ENT_TICK, 0, now_ns, NULL, 0, 0);
		push(&wk->w[i], CMD_OUTPUT);
	}
}

void workers_sync(struct workers *wk, int flush)
{
	uint64_t *st = (uint64_t *)&wk->main->st, *prev = (uint64_t *)&wk->summed;
	const size_t nf = sizeof(struct tt_stats) / sizeof(uint64_t);

	for (unsigned i = 0; i < wk->n; i++)
		push(&wk->w[i], flush ? CMD_FLUSH : CMD_SYNC);
	/* What the reading thread counted itself (libpcap's figures, the
	 * stats records it wrote) is main->st less the workers' part last
	 * time; it stays, and the workers' part is replaced by their sum now. */
	for (size_t f = 0; f < nf; f++)
		st[f] -= prev[f];
	memset(&wk->summed, 0, sizeof wk->summed);
	for (unsigned i = 0; i < wk->n; i++) {
		struct worker *w = &wk->w[i];
		const uint64_t *v = (const uint64_t *)&w->snap;
		pthread_mutex_lock(&w->mu);
		while (w->acked != w->sent)
			pthread_cond_wait(&w->done, &w->mu);
		pthread_mutex_unlock(&w->mu);
		for (size_t f = 0; f < nf; f++)
			prev[f] += v[f];
	}
	/* The reader's routing map counts with the queues. */
	mem_set(&wk->summed, MEM_QUEUES, wk->summed.mem_now[MEM_QUEUES] + qroute_bytes(wk->qr));
	for (size_t f = 0; f < nf; f++)
		st[f] += prev[f];
}

int workers_read_start(struct workers *wk, workers_read_fn fn, void *arg)
{
	for (unsigned i = 0; i < wk->n; i++) {
		struct worker *w = &wk->w[i];
		if (pipe(w->wake) < 0) {
			w->wake[0] = w->wake[1] = -1;
			return -1;
		}
		fcntl(w->wake[0], F_SETFL, O_NONBLOCK);
		fcntl(w->wake[1], F_SETFL, O_NONBLOCK);
	}
	wk->read = fn;
	wk->read_arg = arg;
	atomic_store(&wk->read_stop, false);
	for (unsigned i = 0; i < wk->n; i++)
		push(&wk->w[i], CMD_FEED);
	return 0;
}

void workers_read_stop(struct workers *wk)
{
	/* Set before the sync is queued: a worker that takes the sync
	 * (under its queue's lock) sees it and starts no other round. */
	atomic_store(&wk->read_stop, true);
	workers_sync(wk, 0);
}

void workers_read_packet(struct workers *wk, unsigned k, int dlt, uint64_t ts_ns,
			 const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	pipeline_packet(wk->w[k].pl, dlt, ts_ns, data, caplen, wirelen);
}

uint64_t workers_last_time(const struct workers *wk)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < wk->n; i++)
		if (pipeline_last_time(wk->w[i].pl) > t)
			t = pipeline_last_time(wk->w[i].pl);
	return t;
}

void workers_keylog(struct workers *wk, const struct keylog *kl)
{
	for (unsigned i = 0; i < wk->n; i++)
		wk->w[i].ctx.keylog = kl;
}

static void worker_free(struct worker *w)
{
	struct batch *b;

	pipeline_free(w->pl);
	frag_cache_free(w->ctx.hello_frags);
	x509_ctx_free(w->ctx.x509);
	jw_free(&w->w);
	while ((b = w->free) != NULL) {
		w->free = b->next;
		free(b);
	}
	free(w->cur);
	for (int i = 0; i < 2; i++)
		if (w->wake[i] >= 0)
			close(w->wake[i]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->room);
	pthread_cond_destroy(&w->done);
}

void workers_free(struct workers *wk)
{
	if (!wk)
		return;
	for (unsigned i = 0; i < wk->n; i++)
		if (wk->w[i].started) {
			push(&wk->w[i], CMD_EXIT);
			pthread_join(wk->w[i].tid, NULL);
		}
	for (unsigned i = 0; i < wk->n; i++)
		worker_free(&wk->w[i]);
	qroute_free(wk->qr);
	free(wk);
}

static int worker_init(struct worker *w, const struct tt_ctx *main, unsigned n,
		       char *err, size_t errlen)
{
	struct x509_ctx_opts xo = { 0 };
	uint64_t held;

	w->wake[0] = w->wake[1] = -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->room, NULL);
	pthread_cond_init(&w->done, NULL);
	w->ctx.cfg = main->cfg;
	w->ctx.cfg.threads = 1;
	w->ctx.cfg.render_thread = false;   /* the workers are the parallelism */
	w->ctx.cfg.max_flows = main->cfg.max_flows / n ? main->cfg.max_flows / n : 1;
	w->ctx.cfg.frag_max_datagrams = main->cfg.frag_max_datagrams / n ?
					main->cfg.frag_max_datagrams / n : 1;
	w->ctx.cfg.reasm_memcap = main->cfg.reasm_memcap / n;
	w->ctx.cfg.session_memcap = main->cfg.session_memcap / n;
	/* The budget less what the main context holds (the emitter, its
	 * certificate store: count_main in engine.c), shared. */
	held = mem_total(&main->st) < main->cfg.memcap / 2 ? mem_total(&main->st) : main->cfg.memcap / 2;
	w->ctx.cfg.memcap = (main->cfg.memcap - held) / n;
	w->ctx.em = main->em;
	w->ctx.sources = main->sources;
	w->ctx.keylog = main->keylog;
	w->ctx.kfollow = main->kfollow;
	jw_init(&w->w);
	w->ctx.w = &w->w;
	xo.ca_file = main->cfg.ca_file;
	xo.ca_dir = main->cfg.ca_dir;
	xo.client_ca_file = main->cfg.client_ca_file;
	xo.cache_size = main->cfg.cert_cache_size;
	w->ctx.x509 = x509_ctx_new(&xo, err, errlen);
	if (!w->ctx.x509)
		return -1;
	w->ctx.hello_frags = frag_cache_new(main->cfg.hello_cache_size);
	w->pl = pipeline_new(&w->ctx);
	w->ctx.st.mem_budget = 0;   /* the process's is the main context's (engine.c) */
	if (!w->pl || (main->cfg.hello_cache_size && !w->ctx.hello_frags))
		goto oom;
	for (int i = 0; i < QUEUE_DEPTH + 1; i++) {
		struct batch *b = malloc(sizeof *b);
		if (!b)
			goto oom;
		b->next = w->free;
		w->free = b;
	}
	mem_set(&w->ctx.st, MEM_QUEUES, (QUEUE_DEPTH + 1) * mem_chunk(sizeof(struct batch)));
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

struct workers *workers_new(struct tt_ctx *main, unsigned n, char *err, size_t errlen)
{
	struct workers *wk = calloc(1, sizeof *wk + n * sizeof wk->w[0]);

	if (!wk) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	err[0] = '\0';
	wk->main = main;
	wk->n = n;
	wk->seed = flow_random_seed();
	/* As many keys as the pipelines' own connection-id indexes hold. */
	wk->qr = qroute_new(main->cfg.max_flows > UINT32_MAX / 4 ? UINT32_MAX : main->cfg.max_flows * 4,
			    wk->seed);
	if (!wk->qr) {
		snprintf(err, errlen, "out of memory");
		free(wk);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++) {
		struct worker *w = &wk->w[i];
		w->k = i;
		w->wk = wk;
		if (worker_init(w, main, n, err, errlen) < 0 ||
		    pthread_create(&w->tid, NULL, worker_main, w) != 0) {
			if (!err[0])
				snprintf(err, errlen, "cannot start worker threads");
			wk->n = i + 1;
			workers_free(wk);
			return NULL;
		}
		w->started = true;
	}
	return wk;
}
