/*
 * flow.h - the table of bidirectional TCP connections and UDP flows.
 *
 * A flow is found by its canonical key (addresses and ports in either
 * order, the IP protocol, plus the outermost VLAN).  Side 0 is the sender
 * of the first packet seen.  Flows sit on one of three LRU lists ordered by
 * last packet time: open TCP connections, closed ones (FIN both ways, or
 * RST), which time out sooner, and UDP flows, which have a timeout of their
 * own.  The table owns the flows; the pipeline emits a flow and
 * then frees it through flow_remove().
 */
#ifndef TLSTAP_FLOW_H
#define TLSTAP_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "flowinfo.h"
#include "reasm.h"

struct session;

struct flow {
	/* A lookup reads these first three, which share one cache line. */
	struct flow *hnext;              /* hash chain */
	uint32_t hash;
	struct flow_endpoints ep;
	struct flow *prev, *next;        /* LRU list */
	struct flow_counters ct;
	struct reasm_dir rd[2];
	struct session *sess;            /* NULL until the first payload */
	int8_t syn_side;                 /* SYN without ACK sender, -1 */
	bool synack_seen[2];
	bool fin[2], rst;
	int8_t rst_side;                 /* who reset; applied when the flow ends */
	uint64_t rst_ns;
	uint8_t list;                    /* enum flow_list_id it is on */
	uint8_t udp_proto;               /* UDP: what the flow carries (udp.h) */
	bool emitted;                    /* its record was written */
	bool midstream_noted;
};

struct flow_table;

/* The LRU lists (FLOW_OPEN and FLOW_CLOSED are false and true). */
enum flow_list_id { FLOW_OPEN = 0, FLOW_CLOSED = 1, FLOW_UDP = 2 };

/* The table's hash of two endpoints (16-byte addresses, IPv4 in the first
 * 4 bytes and the rest zero): the same whichever comes first. */
uint32_t flow_pair_hash(const uint8_t a[16], uint16_t pa, const uint8_t b[16], uint16_t pb,
			uint16_t vlan);

struct flow_table *flow_table_new(uint32_t max_flows);
void flow_table_free(struct flow_table *t);
/* The flow for this packet, or NULL; *side gets the packet sender's side. */
struct flow *flow_lookup(struct flow_table *t, const struct flow_endpoints *key, int *side);
/* A new flow with side 0 = key's first endpoint; NULL on ENOMEM. */
struct flow *flow_insert(struct flow_table *t, const struct flow_endpoints *key);
/* Mark the flow as just seen: it moves to the head of list `which`
 * (enum flow_list_id). */
void flow_touch(struct flow_table *t, struct flow *f, int which);
/* Unlink (does not free the session or buffers). */
void flow_remove(struct flow_table *t, struct flow *f);
uint32_t flow_count(const struct flow_table *t);
uint32_t flow_max(const struct flow_table *t);
/* The least recently seen flow of list `which` (enum flow_list_id), or NULL. */
struct flow *flow_oldest(struct flow_table *t, int which);
/* Any flow (to drain the table at the end), or NULL. */
struct flow *flow_any(struct flow_table *t);

#endif
