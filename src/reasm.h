/*
 * reasm.h - TCP stream reassembly for one direction of a connection.
 *
 * Sequence numbers are compared wrap-safe and mapped to 64-bit stream
 * offsets.  In-order bytes go to the sink; what the sink does not consume is
 * kept and presented again with the next bytes.  Out-of-order segments wait
 * in a sorted list.  Memory is bounded per direction and globally.
 */
#ifndef TLSTAP_REASM_H
#define TLSTAP_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct reasm_seg;

/* Where in-order bytes go (the session, or a test). */
struct reasm_sink {
	size_t (*data)(void *u, int dir, const uint8_t *p, size_t n, uint64_t ts);
	void (*gap)(void *u, int dir, uint64_t missing, uint64_t ts);
	void (*anomaly)(void *u, const char *code);
	void (*fin)(void *u, int dir, uint64_t ts);
	void *u;
};

/* Shared accounting for all directions. */
struct reasm_mem {
	uint64_t used, cap;
	uint32_t dir_limit;
	uint64_t *gaps, *gap_bytes, *memcap_hits, *dir_limit_hits, *conflicts;
};

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
	struct reasm_seg *ooo;   /* out of order, sorted by offset */
	size_t ooo_bytes;
};

/* Start the direction at sequence number seq (the first byte expected). */
void reasm_start(struct reasm_dir *d, uint32_t seq);
/* A segment: seq, payload, FIN flag.  Delivers what became in order. */
void reasm_segment(struct reasm_dir *d, int dir, uint32_t seq, const uint8_t *p, size_t n,
		   bool fin, uint64_t ts, struct reasm_mem *m, const struct reasm_sink *k);
/* The peer acknowledged up to ack: bytes below it we never saw are lost. */
void reasm_acked(struct reasm_dir *d, int dir, uint32_t ack, uint64_t ts,
		 struct reasm_mem *m, const struct reasm_sink *k);
/* End of what will arrive: gaps before waiting data are declared and the
 * data delivered. */
void reasm_flush(struct reasm_dir *d, int dir, uint64_t ts, struct reasm_mem *m,
		 const struct reasm_sink *k);
/* Stop buffering and free everything (the session needs no more bytes). */
void reasm_stop(struct reasm_dir *d, struct reasm_mem *m);
void reasm_free(struct reasm_dir *d, struct reasm_mem *m);

#endif
