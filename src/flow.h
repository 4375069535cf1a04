/*
 * flow.h - the table of bidirectional TCP connections and UDP flows.
 *
 * A flow is found by its canonical key (addresses and ports in either
 * order, the IP protocol, plus the outermost VLAN and the tunnel key: the
 * identifiers of the tunnels it travels in, README "Flow key"), hashed with
 * a key drawn at random for each table (flow_table_new) so that nobody can
 * choose colliding keys.  Side 0 is the sender of the first packet seen.
 * Flows sit on one of five LRU lists ordered by last packet time: open TCP
 * connections (those without payload yet on a list of their own), closed ones (FIN both ways, or RST), which time out sooner,
 * and UDP flows, which have a timeout of their own.  The table owns the
 * flows; the pipeline emits a flow and
 * then frees it through flow_remove().
 *
 * A TCP connection that has sent no payload (a SYN, a handshake) can be
 * kept in a compact form between its packets (flow_shrink, which the
 * pipeline calls once it has been quiet a while: a fifth of a
 * struct flow, README "Memory"), in a hash and an LRU list of their own
 * (FLOW_COMPACT).
 * flow_lookup() turns it back into a struct flow, whole and exact, for the
 * packet at hand; nothing outside flow.c sees the compact form, and the
 * pipeline ages and drops it through the flow_compact_* functions.
 */
#ifndef TLSTAP_FLOW_H
#define TLSTAP_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "flowinfo.h"
#include "reasm.h"

struct session;

/* What one side sent, as its peer's stack tracks it (tcptrack.c). */
#define TCPT_ISN_MAX 4
struct tcp_half {
	uint32_t isn[TCPT_ISN_MAX];      /* SYNs' sequence numbers, newest last */
	uint8_t n_isn;
	bool anchored;                   /* the peer acknowledged one of them */
	bool syn_seen, has_wscale;
	uint8_t wscale;
	uint8_t ttl;                     /* highest TTL of its SYN and data */
	bool ttl_known;
	int8_t tcp_sum, ip_sum;          /* checksum modes: 1 verify, -1 offloaded,
	                                  * 0 not decided yet (tcptrack.c) */
	uint8_t tcp_bad, ip_bad;         /* wrong ones while not decided */
	bool len0_unsure;                /* an IPv4 length 0 while not decided */
	bool snd_known, ack_known, win_known;
	uint32_t snd_max;                /* highest sequence number sent, + 1 */
	uint32_t ack;                    /* highest acknowledgement it sent */
	uint32_t win_edge;               /* right edge of the window it offered */
};

struct flow {
	/* A lookup reads the links and the endpoints, which share one cache line. */
	struct flow *hnext;              /* hash chain */
	struct flow *prev, *next;        /* LRU list */
	uint32_t hash;
	uint8_t list;                    /* enum flow_list_id it is on */
	struct flow_endpoints ep;
	struct flow_counters ct;
	uint64_t seen_ns;                /* last packet on the timeout clock */
	uint64_t rst_ns;
	/* Reassembly, [2]: heap, allocated at the first payload (a connection
	 * without payload is cheap: README "Memory") and freed once the
	 * record is written.  Before, start_seq holds where each direction
	 * will start (bit d of started: known); after, rd_done is set. */
	struct reasm_dir *rd;
	struct session *sess;            /* NULL until the first payload */
	struct encap_chain *encap;       /* [2]: each side's first tunnelled packet
					  * (n 0: none yet); heap, NULL if never */
	uint32_t start_seq[2];
	struct tcp_half th[2];
	uint32_t reuse_isn;              /* a SYN on the open connection ... */
	int8_t reuse_side;               /* ... from this side, -1 none */
	int8_t syn_side;                 /* SYN without ACK sender, -1 */
	int8_t rst_side;                 /* who reset; applied when the flow ends */
	bool synack_seen[2];
	bool fin[2], rst;
	uint8_t started;
	bool rd_done;
	uint8_t udp_proto;               /* UDP: what the flow carries (udp.h) */
	bool emitted;                    /* its record was written */
	bool midstream_noted;
	uint8_t qp_cids;                 /* QUIC: roles whose connection id is
					  * indexed (quic_paths.c) */
	struct qp_entry *qpaths;         /* QUIC: its entries in that index */
};

struct flow_table;

/* The LRU lists (FLOW_OPEN and FLOW_CLOSED are false and true).
 * FLOW_QUIET holds the open TCP connections that have sent no payload yet
 * (a SYN, a handshake): the cheapest state to lose, found without walking
 * past the others (README "Memory").  flow_insert() puts a TCP flow on
 * FLOW_OPEN; the pipeline moves it. */
enum flow_list_id { FLOW_OPEN = 0, FLOW_CLOSED = 1, FLOW_UDP = 2, FLOW_QUIET = 3,
		    FLOW_COMPACT = 4, FLOW_LISTS };

/* The hash of two endpoints (16-byte addresses, IPv4 in the first
 * 4 bytes and the rest zero): the same whichever comes first. */
uint32_t flow_pair_hash(uint64_t seed, const uint8_t a[16], uint16_t pa, const uint8_t b[16],
			uint16_t pb, uint16_t vlan);
/* A random hash seed (getrandom; the clock if that fails). */
uint64_t flow_random_seed(void);

/* A table hashing with seed (flow_random_seed(), or fixed in tests). */
struct flow_table *flow_table_new(uint32_t max_flows, uint64_t seed);
void flow_table_free(struct flow_table *t);
/* The flow for this packet, or NULL; *side gets the packet sender's side.
 * A flow kept compact comes back as a struct flow at the head of
 * FLOW_QUIET (NULL without memory: it is then dropped). */
struct flow *flow_lookup(struct flow_table *t, const struct flow_endpoints *key, int *side);
/* The same, given the key's hash as flow_bucket_prefetch_v4 made it for
 * the look ahead: the chain it names is searched first, and only when the
 * flow is not there is the key hashed again (a wrong hint finds nothing:
 * each flow is compared with the key in full). */
struct flow *flow_lookup_hinted(struct flow_table *t, const struct flow_endpoints *key,
				uint32_t hint, int *side);
/* A look ahead in two steps, for packets a little later than the one in
 * hand (hints only: nothing changes, and a wrong hash costs nothing but
 * the cache lines).  flow_bucket_prefetch_v4: the hash of an IPv4 key
 * (addresses as on the wire, tunnel key 0, vlan as in the key), whose slot
 * of the table the CPU is asked to bring in.  flow_prefetch, a packet or
 * two later: the flow that slot leads to (the head of its chain), which a
 * flow_lookup of that key will most likely find. */
uint32_t flow_bucket_prefetch_v4(const struct flow_table *t, const uint8_t src[4], uint16_t sport,
				 const uint8_t dst[4], uint16_t dport, uint16_t vlan);
void flow_prefetch(const struct flow_table *t, uint32_t hash);
/* A new flow with side 0 = key's first endpoint; NULL on ENOMEM. */
struct flow *flow_insert(struct flow_table *t, const struct flow_endpoints *key);
/* Mark the flow as just seen: it moves to the head of list `which`
 * (enum flow_list_id). */
void flow_touch(struct flow_table *t, struct flow *f, int which);
/* Unlink (does not free the session or buffers). */
void flow_remove(struct flow_table *t, struct flow *f);
/* Unlink and free the flow itself (not its session, buffers or chain). */
void flow_free(struct flow_table *t, struct flow *f);
/* Freed flows kept for reuse: at most this many bytes of them (1 KiB
 * until it is called), and all of them given back to the allocator. */
void flow_table_keep(struct flow_table *t, uint64_t bytes);
void flow_table_trim(struct flow_table *t);
/* Bytes the table and its flows take from the allocator (mem.h). */
uint64_t flow_table_bytes(const struct flow_table *t);
uint32_t flow_count(const struct flow_table *t);
uint32_t flow_max(const struct flow_table *t);
/* A flow on FLOW_QUIET that nothing but its handshake has touched is
 * stored compact if that form holds all of it exactly (it then goes to
 * FLOW_COMPACT and f is no longer valid); returns whether it was. */
bool flow_shrink(struct flow_table *t, struct flow *f);
/* Whether a compact flow is left; *seen_ns gets the oldest one's last
 * packet time (flow->seen_ns). */
bool flow_compact_oldest(const struct flow_table *t, uint64_t *seen_ns);
/* Free the oldest compact flow (it has no session: nothing to report). */
void flow_compact_drop(struct flow_table *t);
/* The `n` most recent compact flows seen at `from` are seen at `to`
 * (whole again, at the head of FLOW_QUIET: the compact form keeps no
 * timeout clock of its own). */
void flow_compact_retime(struct flow_table *t, uint64_t from, uint64_t to, int n);
/* How many flows are compact now. */
uint32_t flow_compact_count(const struct flow_table *t);
/* The least recently seen flow of list `which` (enum flow_list_id, not
 * FLOW_COMPACT), or NULL. */
struct flow *flow_oldest(struct flow_table *t, int which);
/* How many flows list `which` holds (not FLOW_COMPACT). */
uint32_t flow_list_count(const struct flow_table *t, int which);
/* The most recently seen flow of list `which`, or NULL (the next older
 * one is f->next). */
struct flow *flow_newest(struct flow_table *t, int which);
/* Any flow (to drain the table at the end), or NULL. */
struct flow *flow_any(struct flow_table *t);

/* A TCP flow's reassembly state (f->rd), allocated at its first payload
 * and started where its handshake said; true if it exists, false without
 * memory.  Its bytes count in flow_table_bytes(). */
bool flow_reasm_open(struct flow_table *t, struct flow *f);
/* Frees it (buffers back to m): the flow's reassembly is over for good. */
void flow_reasm_close(struct flow_table *t, struct flow *f, struct reasm_mem *m);
/* Whether direction d's start is known (reasm_dir.init); once closed:
 * true, as a stopped direction's. */
bool flow_dir_init(const struct flow *f, int d);
/* Whether direction d is reassembled from a known point (started, not
 * stopped); *next gets the sequence number of its next byte. */
bool flow_dir_next(const struct flow *f, int d, uint32_t *next);
/* Direction d starts at seq (reasm_start), now or when f->rd is opened;
 * nothing once closed. */
void flow_dir_start(struct flow *f, int d, uint32_t seq);

#endif
