/*
 * workers.h - worker threads for --threads N (N >= 2).
 *
 * The reading thread hands each packet to one of N workers, chosen by the
 * unordered pair of its IP addresses: both directions of a connection, and
 * every fragment of a datagram (which carries no ports), reach the same
 * worker.  The reader decodes each packet once, for this, and hands the
 * decoded headers (and the counters the decode raised) with the bytes to
 * the worker (pipeline_decoded).  Each worker owns a whole single-threaded
 * pipeline and context:
 * flow table, fragments, reassembly, sessions, certificate and hello caches,
 * counters and record buffer.  Nothing is shared but the emitter, which
 * writes each record whole under its lock, so records are the same as in one
 * thread, only interleaved in another order.
 *
 * Packets travel in batches (copied into the batch buffer) on a bounded
 * queue per worker: the reader blocks when a worker is behind, and a live
 * capture's kernel buffer then absorbs (and counts) the excess.
 */
#ifndef TLSTAP_WORKERS_H
#define TLSTAP_WORKERS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct workers;

/* n workers, each with a context made from main's configuration (its own
 * x509 store and caches) writing to main->em.  NULL with a message in err. */
struct workers *workers_new(struct tt_ctx *main, unsigned n, char *err, size_t errlen);
/* The packets from now on come from this source (pipeline_source). */
void workers_source(struct workers *wk, uint32_t source);
/* Hands a packet (copied) to its worker. */
void workers_packet(struct workers *wk, int dlt, uint64_t ts_ns, const uint8_t *data,
		    uint32_t caplen, uint32_t wirelen);
/* Time passes with no packet (live capture): every worker runs its timeouts,
 * and batches not yet full are handed over now. */
void workers_tick(struct workers *wk, uint64_t now_ns);
/* Waits until every worker has handled all it was given (flushing every
 * flow first when flush), then brings main->st up to date: the sum of the
 * workers' counters plus what the reading thread counted itself (libpcap's
 * figures, the stats records it wrote). */
void workers_sync(struct workers *wk, int flush);
/* Fanout (live capture): each worker reads packets of its own instead of
 * taking them from the reading thread.  Worker k calls fn(arg, k, wake_fd)
 * in its own thread, round after round; fn waits for packets or for
 * wake_fd to turn readable (the reading thread queued a tick or a command,
 * which the worker handles between rounds), hands the packets to
 * workers_read_packet(wk, k, ...) and returns 0, or -1 when it has no more
 * to read.  0, or -1 when the wake-up pipes could not be made. */
typedef int (*workers_read_fn)(void *arg, unsigned k, int wake_fd);
int workers_read_start(struct workers *wk, workers_read_fn fn, void *arg);
/* In worker k's thread, inside fn: one packet into its pipeline, which
 * keeps its own clock as one thread does. */
void workers_read_packet(struct workers *wk, unsigned k, int dlt, uint64_t ts_ns,
			 const uint8_t *data, uint32_t caplen, uint32_t wirelen);
/* Waits until no worker is in fn or will call it again (then what fn
 * reads may be closed); main->st is up to date as after workers_sync. */
void workers_read_stop(struct workers *wk);
/* The latest packet time of the workers' pipelines (after a sync). */
uint64_t workers_last_time(const struct workers *wk);
/* The workers' key log is kl from now on.  Only right after workers_sync,
 * while they wait for the next batch (engine_secrets). */
struct keylog;
void workers_keylog(struct workers *wk, const struct keylog *kl);
/* Flushes every flow, stops and frees the workers. */
void workers_free(struct workers *wk);

#endif
