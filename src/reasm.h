/*
 * reasm.h - TCP stream reassembly for one direction of a connection.
 *
 * Sequence numbers are compared wrap-safe and mapped to 64-bit stream
 * offsets.  In-order bytes go to the sink; what the sink does not consume is
 * kept and presented again with the next bytes.  Out-of-order segments wait
 * in a sorted list.  Memory is bounded per direction and globally.
 *
 * A copy the endpoint may not have accepted (bad checksum, TTL too low,
 * ...: the pipeline decides) is held, not delivered: a later normal copy of
 * the same bytes replaces it, and it is delivered only once the peer's
 * acknowledgement shows that the endpoint accepted bytes there.
 */
#ifndef TLSTAP_REASM_H
#define TLSTAP_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blkpool.h"

struct reasm_seg;

/* Where in-order bytes go (the session, or a test). */
struct reasm_sink {
	size_t (*data)(void *u, int dir, const uint8_t *p, size_t n, uint64_t ts);
	void (*gap)(void *u, int dir, uint64_t missing, uint64_t ts);
	void (*anomaly)(void *u, const char *code);
	void (*fin)(void *u, int dir, uint64_t ts);
	void *u;
	/* Optional (NULL: not known): after data() left bytes unconsumed, how
	 * many bytes, from the first of them, it needs before it can consume
	 * any; data() is not called again with fewer. */
	size_t (*want)(void *u, int dir);
};

#define REASM_BLOCK_MIN 256      /* the pool's sizes: REASM_BLOCK_MIN << 0 .. 4 */
#define REASM_CLASSES 5
#define REASM_POOL_MAX 64

/* Shared accounting for all directions. */
struct reasm_mem {
	uint64_t used, cap;
	uint64_t hist_used;      /* delivered-bytes history: at most cap / 8, apart */
	uint32_t dir_limit;
	uint64_t *gaps, *gap_bytes, *memcap_hits, *dir_limit_hits, *conflicts;
	/* Asked before cap is declared hit: free what others hold (the
	 * pipeline stops idle connections); true if `more` fits now.  NULL:
	 * no one to ask. */
	bool (*reclaim)(void *u, uint64_t more);
	void *reclaim_u;
	/* Blocks of REASM_BLOCK_MIN << c bytes that directions gave back, kept
	 * (at most REASM_POOL_MAX of each size) for the next ones: taking one
	 * costs neither the allocator's search nor a fresh page.  Counted in
	 * the budget's reassembly part with the rest (reasm_mem_bytes). */
	struct blkpool pool[REASM_CLASSES];
	uint64_t pool_bytes;
};

/* How far a segment is trusted. */
enum reasm_hold {
	REASM_TRUSTED = 0,       /* a copy the endpoint accepts */
	REASM_DOUBTFUL,          /* one it may have dropped: replaced by a trusted copy
	                          * (tcp_overlap_conflict if they differ) */
	REASM_PADDING,           /* a few zero bytes on a pure ACK (Ethernet padding
	                          * counted in the IP length): replaced silently */
	REASM_UNSURE,            /* probably taken, not known yet (a wrong checksum
	                          * before the direction's checksums are judged):
	                          * as DOUBTFUL, but used silently once
	                          * acknowledged, and at the end */
};

/* Delivered bytes kept to compare later copies with (per direction). */
#define REASM_HISTORY 4096

struct reasm_dir {
	bool init;               /* next_seq is known */
	bool stopped;            /* no more buffering: counters only */
	bool fin_pending;
	bool fin_seen;           /* fin_off is known (pending or delivered) */
	uint32_t next_seq;       /* sequence number of the next byte due */
	uint64_t next_off;       /* its stream offset */
	uint64_t fin_off;
	uint8_t *pend;           /* delivered but not consumed */
	size_t pend_len, pend_cap;
	size_t want;             /* the sink takes nothing until pend holds this
	                          * many (its want callback; 0 unknown) */
	struct reasm_seg *ooo;   /* out of order, sorted by offset */
	size_t ooo_bytes;
	uint64_t seen_end;       /* highest offset the sender was seen to reach */
	uint64_t acked_off;      /* highest offset the peer acknowledged */
	bool urg_pending;        /* an urgent byte waits to be taken out */
	uint64_t urg_off;
	bool flushing;           /* the end: unsure copies are used */
	uint8_t *hist;           /* the last hist_cap delivered bytes, by offset */
	uint32_t hist_cap;       /* a power of two, grown with the stream up to
	                          * REASM_HISTORY */
	uint64_t hist_from;      /* lowest offset hist holds */
};

/* Start the direction at sequence number seq (the first byte expected). */
void reasm_start(struct reasm_dir *d, uint32_t seq);
/* A segment: seq, payload, FIN flag.  Delivers what became in order. */
void reasm_segment(struct reasm_dir *d, int dir, uint32_t seq, const uint8_t *p, size_t n,
		   bool fin, uint64_t ts, struct reasm_mem *m, const struct reasm_sink *k);
/* The same for a copy that is held until confirmed (see above). */
void reasm_segment_held(struct reasm_dir *d, int dir, uint32_t seq, const uint8_t *p, size_t n,
			enum reasm_hold hold, uint64_t ts, struct reasm_mem *m,
			const struct reasm_sink *k);
/* The sender sent up to seq_end (bytes a snaplen cut away): they are lost. */
void reasm_missing(struct reasm_dir *d, int dir, uint32_t seq_end, uint64_t ts,
		   struct reasm_mem *m, const struct reasm_sink *k);
/* The urgent byte at seq (RFC 9293 3.8.5, as Linux places it) is taken out
 * of the stream when it is delivered, as a receiver without SO_OOBINLINE
 * reads it (anomaly tcp_urgent_data).  One mark at a time; a newer one
 * replaces it. */
void reasm_urgent(struct reasm_dir *d, uint32_t seq);
/* The peer acknowledged up to ack: bytes below it we never saw are lost,
 * but only up to what the sender was seen to send (an ACK for data never
 * sent declares no gap), and held copies below it are delivered. */
void reasm_acked(struct reasm_dir *d, int dir, uint32_t ack, uint64_t ts,
		 struct reasm_mem *m, const struct reasm_sink *k);
/* End of what will arrive: gaps before waiting data are declared and the
 * data delivered. */
void reasm_flush(struct reasm_dir *d, int dir, uint64_t ts, struct reasm_mem *m,
		 const struct reasm_sink *k);
/* Start again at seq, dropping everything (the peer acknowledged another
 * initial sequence number). */
void reasm_restart(struct reasm_dir *d, uint32_t seq, struct reasm_mem *m);
/* Stop buffering and free everything (the session needs no more bytes). */
void reasm_stop(struct reasm_dir *d, struct reasm_mem *m);
void reasm_free(struct reasm_dir *d, struct reasm_mem *m);
/* What reassembly holds in all: buffers, waiting segments, histories and
 * the blocks kept for reuse. */
uint64_t reasm_mem_bytes(const struct reasm_mem *m);
/* Free the blocks kept for reuse (at the end, or to give memory back). */
void reasm_mem_release(struct reasm_mem *m);

#endif
