/*
 * render.h - session records built and written by a thread of their own.
 *
 *   capture thread                          render thread
 *   a session is decided or its flow ends   take the oldest jobs
 *   copy the flow's facts, hand the         verdict (validation, findings,
 *   session over (render_push), go on       fingerprints), the record, the
 *                                           session handed back
 *   free it when its slot is reused
 *
 * On handshake-heavy traffic, building a record (the verdict and about
 * 5 KiB of JSON) was 40% of the reading thread's time: with one thread, it
 * is done beside the capture instead of in it.  The session object itself
 * changes hands: the capture thread does not touch it until it comes
 * back, and the render thread works on a context of its own (struct
 * tt_ctx: the ClientHello scratch, the record buffer, counters, and the
 * hello cache, main's, lent while the thread runs), sharing with the
 * capture only the output (under the emitter's lock, as the workers do)
 * and the certificate store (under struct x509_share's lock).
 *
 * RENDER_HELD sessions may always wait, and up to RENDER_JOBS while the
 * waiting ones hold less than a sixty-fourth of the memory budget (at most
 * RENDER_HELD_BYTES; a sixteenth, at most RENDER_START_BYTES, until
 * RENDER_JOBS records are written): a capture faster than its records
 * then waits for room, so memory stays bounded.  The room beyond
 * RENDER_HELD is above all for the start of a run, when every chain is
 * new to the certificate store and its validation makes records several
 * times dearer than later; with 256 the capture waited there for a
 * twentieth of the run on corpus-handshake.  Later a larger bound only
 * raised the peak RSS (a render thread behind in the middle of a run
 * fills the ring when the connections' state is at its largest).
 * The capture frees rendered sessions as soon as it sees them rendered
 * (at its next record), so only waiting ones hold memory.  The thread
 * sleeps when it has nothing to do, and is woken for RENDER_BATCH records
 * at a time (or by render_kick and render_drain).  Records keep the order
 * in which they were pushed; before writing anything else (stats, a
 * flush, a reopen) the capture thread calls render_drain, so the stream
 * reads as it did when one thread wrote it.
 */
#ifndef TLSTAP_RENDER_H
#define TLSTAP_RENDER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "config.h"
#include "flowinfo.h"

#define RENDER_JOBS 4096u
#define RENDER_HELD 256u
#define RENDER_HELD_BYTES (4u << 20)
#define RENDER_START_BYTES (16u << 20)
#define RENDER_BATCH 32u     /* records that wake the thread */

struct render;
struct session;

/* The certificate store's lock, and its size as the last holder left it
 * (read without the lock by the memory budget, several times a packet). */
struct x509_share {
	pthread_mutex_t mu;
	_Atomic uint64_t bytes;
};

/* Starts the thread, on a context made from main's (which shares its
 * store and lends its hello cache from now on).  NULL (and main unchanged)
 * if it cannot: the caller then writes records itself. */
struct render *render_new(struct tt_ctx *main);
/* Writes what waits, stops the thread, adds its counters to main's, and
 * gives main its store and hello cache back. */
void render_free(struct render *r);
/* The record of s on the flow fi describes (fi->ep, ct and encap are
 * copied; fi->sess is ignored): s belongs to the render thread from here
 * on.  client: as emit_flow_record takes it. */
void render_push(struct render *r, const struct flow_info *fi, struct session *s, int client);
/* Wakes the thread for the records waiting, however few (the capture
 * calls it each second of packet time: a record waits at most that long
 * for fewer than RENDER_BATCH others). */
void render_kick(struct render *r);
/* Returns once every record pushed so far is written; then adds to st
 * what the render thread counted since the last call (records written,
 * dropped). */
void render_drain(struct render *r, struct tt_stats *st);
/* What the render thread holds, by memory part (mem.h: MEM_SESSIONS,
 * MEM_CACHES, MEM_QUEUES, MEM_OUTPUT), as it last said. */
uint64_t render_bytes(const struct render *r, int part);

/* The store's lock, for a context whose store is shared (else, and for
 * a NULL context, nothing). */
void ctx_x509_lock(const struct tt_ctx *ctx);
void ctx_x509_unlock(const struct tt_ctx *ctx);
/* x509_ctx_bytes of ctx's store, without waiting for the lock. */
uint64_t ctx_x509_bytes(const struct tt_ctx *ctx);

#endif
