/*
 * mem.h - the memory budget (--memcap): how many bytes each part of the
 * state that grows with traffic holds, now and at its peak, counted as the
 * allocator hands them out (its chunk: the request rounded up, with its
 * header), not as the structs' sizes.
 *
 * The counters live in struct tt_stats (mem_now, mem_peak, indexed by enum
 * mem_part), so that tlstap.stats reports them and worker threads' figures
 * add up like every other counter.  Each part is set by its owner
 * (mem_set): the pipeline sets flows, reassembly, sessions, fragments,
 * caches, certificates and output after each packet, the workers their
 * queues; the engine counts the emitter's buffers (emitter_bytes) into the
 * output part.
 */
#ifndef TLSTAP_MEM_H
#define TLSTAP_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum mem_part {
	MEM_FLOWS,          /* flow structs and their reassembly state, the hash
	                     * buckets, tunnel chains, the QUIC path index */
	MEM_REASM,          /* reassembly buffers and history (requested sizes) */
	MEM_SESSIONS,       /* unfinished sessions: structs, hellos, handshake buffers */
	MEM_FRAGS,          /* IP fragments waiting for their datagram */
	MEM_CACHES,         /* the hello cache, the freed-hello pool */
	MEM_QUEUES,         /* batches between the reader and the workers */
	MEM_CERTS,          /* the trust store, the parsed-certificate cache */
	MEM_OUTPUT,         /* record buffers, the output's buffers and sink queues */
	MEM_PARTS
};

_Static_assert(MEM_PARTS == TT_MEM_PARTS, "struct tt_stats holds one counter per part");

/* The bytes the allocator takes for malloc(n): glibc's chunk (the request
 * and an 8-byte header, in 16-byte steps, at least 32), whole pages for
 * the requests it maps on their own (from 128 KiB, the default
 * M_MMAP_THRESHOLD: a page-rounded mapping with a 16-byte header).
 * Inline: the budget is summed after every packet, mostly of constants. */
static inline size_t mem_chunk(size_t n)
{
	size_t c;

	if (n >= 128u * 1024u)
		return (n + 16 + 4096u - 1) & ~(size_t)(4096u - 1);
	c = (n + 8 + 15) & ~(size_t)15;
	return c < 32 ? 32 : c;
}
/* The same for an allocation made (malloc_usable_size and the header);
 * 0 for NULL. */
size_t mem_block(void *p);
/* The part now holds `bytes`: its peak and the total's follow. */
void mem_set(struct tt_stats *st, enum mem_part part, uint64_t bytes);
/* Every part at once, in one pass (after every packet: pl_account). */
void mem_set_all(struct tt_stats *st, const uint64_t now[MEM_PARTS]);
/* All parts together, now. */
uint64_t mem_total(const struct tt_stats *st);
/*
 * The allocator's slack: resident memory that no allocation uses (freed
 * chunks glibc keeps for reuse), measured for the whole process, not
 * reserved.  slack = RSS - bytes allocated (mallinfo2's uordblks +
 * hblkhd) - the resident part that is no allocation (code, libraries,
 * stacks: taken once by mem_baseline).  Past a bound (a sixteenth of the
 * budget) malloc_trim() gives free pages back to the kernel.
 */
/* After start-up: the budget of the whole process, and what of the
 * resident memory is not the heap's. */
void mem_baseline(uint64_t budget);
/* Measure the slack now (trimming past the bound); returns it. */
uint64_t mem_slack_sample(void);
/* Whether a sample is due now: mem_sample_due() on the monotonic clock and
 * the last sample.  Samples are asked for each second of packet time and
 * every 16,384 packets; this keeps their cost to a small share of a run
 * whose packets come faster than that (a capture file). */
bool mem_slack_due(void);
/* The rule: false while less than MEM_SAMPLE_SHARE times the last sample's
 * duration `last_cost` has passed since it ended at `last_end` (ns). */
#define MEM_SAMPLE_SHARE 256u
bool mem_sample_due(uint64_t now, uint64_t last_end, uint64_t last_cost);
/* The slack last measured, as a pipeline whose budget is `memcap` (its
 * share of the process's) must count it: in proportion. */
uint64_t mem_slack_share(uint64_t memcap);
/* The name of a part in tlstap.stats ("flows", "reassembly", ...). */
const char *mem_part_name(enum mem_part part);
/* The object tlstap.stats.memory (FIELDS.md), written into w. */
struct jw;
void mem_json(struct jw *w, const struct tt_stats *st);

#endif
