/*
 * engine.h - the one thing capture hands packets to: it chooses the inline
 * pipeline (one thread) or the worker threads (--threads N >= 2), and owns
 * the output side's clock (periodic tlstap.stats records, reopening the
 * output on SIGHUP, flushing records during live capture).
 *
 *   capture ──packet──> engine ──> pipeline            (threads == 1)
 *           ──time───>        └──> workers ──> N pipelines
 *                         clock ──> emit_stats / emitter_reopen / emitter_flush
 *
 * Neither the pipeline nor the workers know the engine, and the pipeline
 * does not know the workers.
 */
#ifndef TLSTAP_ENGINE_H
#define TLSTAP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct engine;

/* ctx->cfg.threads decides inline or workers; stats_interval_ns 0: no
 * periodic stats records.  NULL after printing why. */
struct engine *engine_new(struct tt_ctx *ctx, uint64_t stats_interval_ns);
void engine_free(struct engine *e);

/* One captured packet of link type dlt (DLT_* value as libpcap gives it). */
void engine_packet(struct engine *e, int dlt, uint64_t ts_ns, const uint8_t *data,
		   uint32_t caplen, uint32_t wirelen);
/* Looks ahead at packets after the one about to be given to engine_packet
 * (pipeline.h's pipeline_prefetch_key and pipeline_prefetch_flow); for one
 * thread only (with worker threads: false, and the flow's is not called). */
bool engine_prefetch_key(const struct engine *e, int dlt, const uint8_t *data, uint32_t caplen,
			 uint32_t *hash);
void engine_prefetch_flow(const struct engine *e, uint32_t hash);
/* Before engine_packet: that packet's hash from engine_prefetch_key, when
 * it was known (pipeline_hint). */
void engine_hint(struct engine *e, bool known, uint32_t hash);
/* The packets from now on come from this source (sources.h): a flow is
 * named by its first packet's. */
void engine_source(struct engine *e, uint32_t source);
/* A new input (capture file) starts: the stats interval restarts with it. */
void engine_input(struct engine *e);
/* The output side at time now_ns: a periodic stats record when one is due,
 * the output reopened when asked.  Offline: after each packet. */
void engine_clock(struct engine *e, uint64_t now_ns);
/* Live capture, after each round of packets: timeouts run to now_ns
 * (wall clock), then engine_clock, then records go out. */
void engine_idle(struct engine *e, uint64_t now_ns);
/* Async-signal-safe: reopen the output at the next engine_clock (SIGHUP). */
void engine_request_reopen(void);
/* Privileges are dropped: warns when the output could not be reopened. */
void engine_privileges_dropped(struct engine *e);

/* A key log found in the input (a pcapng Decryption Secrets Block, n
 * bytes of text): its lines join kl, which becomes the run's key log
 * (ctx->keylog) once it holds a secret.  With workers it first waits until
 * each has handled every packet handed over so far: workers read the table
 * only while they handle packets, so none reads it while it grows, and
 * the next batch they take (under its queue's lock) shows them the new
 * table.  The reader is ahead of the packets it hands over, so a block
 * is in the table before the packets after it are handled, with one
 * thread or N alike. */
void engine_secrets(struct engine *e, struct keylog *kl, const uint8_t *text, size_t n);

/* Fanout (live capture with worker threads): each worker reads packets of
 * its own.  engine_workers: how many readers the engine takes (0 with
 * one thread).  engine_readers_start: worker k calls fn(arg, k, wake_fd)
 * in its thread, round after round (workers.h, workers_read_fn), and fn
 * hands each packet to engine_reader_packet(e, k, ...); 0, or -1 when
 * the engine has no workers or cannot wake them.  engine_readers_stop:
 * returns once no worker is in fn or will call it again, ctx->st up to
 * date.  The reading thread keeps the clock (engine_idle). */
typedef int (*engine_read_fn)(void *arg, unsigned k, int wake_fd);
unsigned engine_workers(const struct engine *e);
int engine_readers_start(struct engine *e, engine_read_fn fn, void *arg);
void engine_reader_packet(struct engine *e, unsigned k, int dlt, uint64_t ts_ns,
			  const uint8_t *data, uint32_t caplen, uint32_t wirelen);
void engine_readers_stop(struct engine *e);

/* End of input: every flow finished and emitted; ctx->st up to date. */
void engine_flush(struct engine *e);
/* Time of the latest packet seen (ns since the epoch), 0 before the first. */
uint64_t engine_last_time(const struct engine *e);
/* Whether tlstap can decode this link type. */
int engine_dlt_supported(int dlt);

#endif
