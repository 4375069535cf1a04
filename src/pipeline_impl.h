/*
 * pipeline_impl.h - what pipeline.c and pipeline_budget.c share: the
 * pipeline's state and the few steps both take.  Not for other files
 * (pipeline.h is the API).
 */
#ifndef TLSTAP_PIPELINE_IMPL_H
#define TLSTAP_PIPELINE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "flow.h"
#include "pktclock.h"
#include "reasm.h"

#define SEC 1000000000ull

struct pipeline {
	struct tt_ctx *ctx;
	struct flow_table *ft;
	struct ipfrag *frag;
	struct qpaths *qp;      /* QUIC connections on new address pairs */
	struct reasm_mem mem;
	struct pkt_clock clock;
	bool ext_clock;         /* pipeline_clock() drives it */
	uint64_t last_ts, next_check;
	struct flow *cur;       /* the flow of the packet at hand */
	bool hint_ok;           /* hint is the packet at hand's hash (pipeline_hint) */
	uint32_t hint;
	uint64_t encap_bytes;   /* flows' tunnel chains, as allocated (mem.h) */
	uint64_t qp_bytes;      /* qpaths_bytes(qp), read again when it changes:
				 * memory is accounted several times a packet */
	uint32_t source;        /* of the packets now arriving (sources.h) */
	uint32_t since_sample;  /* packets since the allocator's slack was measured */
	uint64_t shed_credit;   /* bytes shed that the parts have not grown back into */
	uint64_t last_total;    /* the parts' total after the last packet */
	/* What the render thread holds (certificates, caches, output), as
	 * last read: every PL_EXT_EVERY packets and at each sync, not after
	 * every packet (those counters are written on the other core). */
	uint32_t ext_age;
	uint64_t ext_certs, ext_caches, ext_output;
	struct render *render;  /* records built beside the capture; NULL: here */
};

/* pipeline.c: every way a flow ends (its session finished, its record
 * written if due, the flow freed); a flow's reassembly stopped; the
 * oldest compact connection dropped. */
void pl_end_flow(struct pipeline *pl, struct flow *f);
void pl_stop_reasm(struct pipeline *pl, struct flow *f);
void pl_drop_compact(struct pipeline *pl);

/* pipeline_budget.c: the memory budget (README "Memory"). */
/* The parts this pipeline holds, as they are now, into the stats (mem.h). */
void pl_account(struct pipeline *pl);
/* After a packet of flow keep (never shed itself): sessions within
 * --session-memcap, everything within --memcap. */
void pl_keep_budget(struct pipeline *pl, struct flow *keep);
/* reasm_mem's reclaim hook: room for more bytes of reassembly. */
bool pl_reclaim(void *u, uint64_t more);

#endif
