/*
 * pipeline.h - packets in, records out: decode (decode.c, ipfrag.c) -> flow
 * table (flow.c) -> TCP reassembly (reasm.c) -> session (session.c) ->
 * emit_session().  Time is packet time everywhere, so a file and a live
 * interface behave the same.
 */
#ifndef TLSTAP_PIPELINE_H
#define TLSTAP_PIPELINE_H

#include <stdint.h>

#include "config.h"
#include "decode.h"

struct pipeline;

/* One thread's pipeline (the engine, engine.h, runs one, or each worker
 * thread runs its own).  NULL on allocation failure. */
struct pipeline *pipeline_new(struct tt_ctx *ctx);
/* One captured packet of link type dlt (DLT_* value as libpcap gives it). */
void pipeline_packet(struct pipeline *pl, int dlt, uint64_t ts_ns,
		     const uint8_t *data, uint32_t caplen, uint32_t wirelen);
/* A look ahead at packets after the one about to be given (flow.h's two
 * steps): pipeline_prefetch_key sets *hash to the hash of a packet's
 * connection and has its table slot brought in, or returns false for
 * anything but the common case (Ethernet, at most one 802.1Q tag, IPv4,
 * TCP); pipeline_prefetch_flow, a packet or two later, has the flow
 * brought in.
 * Hints: they change nothing that is seen. */
bool pipeline_prefetch_key(const struct pipeline *pl, int dlt, const uint8_t *data,
			   uint32_t caplen, uint32_t *hash);
void pipeline_prefetch_flow(const struct pipeline *pl, uint32_t hash);
/* The next pipeline_packet's hash, as pipeline_prefetch_key gave it a few
 * packets before (known false: none): its TCP lookup starts from it
 * (flow_lookup_hinted), instead of hashing the key again. */
void pipeline_hint(struct pipeline *pl, bool known, uint32_t hash);
/* The same for a packet already decoded (decode_packet, its counters
 * already in ctx->st): the worker threads get packets decoded by the
 * reader, which needed the headers to shard them.  *p points into the
 * packet, valid for the call. */
void pipeline_decoded(struct pipeline *pl, uint64_t ts_ns, enum decode_result r,
		      struct pkt *p, uint32_t caplen, uint32_t wirelen);
/* The clock of the next packet, from a reader that keeps it for every
 * pipeline (worker threads): now, and the time a step was taken from (0:
 * none).  From the first call on, the pipeline keeps no clock of its own. */
void pipeline_clock(struct pipeline *pl, uint64_t now, uint64_t stepped_from);
/* The packets from now on come from this source (sources.h): a flow is
 * named by its first packet's. */
void pipeline_source(struct pipeline *pl, uint32_t source);
/* Run timeouts up to now_ns without a packet (live capture idle ticks). */
void pipeline_tick(struct pipeline *pl, uint64_t now_ns);
/* End of input: every flow is finished, emitted and freed; ctx->st is up
 * to date. */
void pipeline_flush(struct pipeline *pl);
/* Brings ctx->st up to date (the parsers' own counters copied in); before
 * a tlstap.stats record. */
void pipeline_sync(struct pipeline *pl);
/* Returns once every record due so far is written (render.h): before the
 * output is flushed or anything else is written to it. */
void pipeline_drain(struct pipeline *pl);
void pipeline_free(struct pipeline *pl);
/* Time of the latest packet seen (ns since the epoch), 0 before the first. */
uint64_t pipeline_last_time(const struct pipeline *pl);
/* Whether tlstap can decode this link type. */
int pipeline_dlt_supported(int dlt);

#endif
