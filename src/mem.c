/*
 * mem.c - the memory budget's counters (see mem.h).
 */
#include "mem.h"

#include <malloc.h>

#include "jw.h"

size_t mem_block(void *p)
{
	return p ? malloc_usable_size(p) + 8 : 0;
}

void mem_set(struct tt_stats *st, enum mem_part part, uint64_t bytes)
{
	uint64_t total;

	/* the total follows by difference (modulo 2^64, so a part that
	 * shrinks subtracts): this runs after every packet */
	st->mem_total_now += bytes - st->mem_now[part];
	st->mem_now[part] = bytes;
	if (bytes > st->mem_peak[part])
		st->mem_peak[part] = bytes;
	total = st->mem_total_now;
	if (total > st->mem_total_peak)
		st->mem_total_peak = total;
}

uint64_t mem_total(const struct tt_stats *st)
{
	return st->mem_total_now;
}

const char *mem_part_name(enum mem_part part)
{
	static const char *const names[MEM_PARTS] = {
		"flows", "reassembly", "sessions", "fragments", "caches", "queues",
	};

	return names[part];
}

/* tlstap.stats.memory: the budget, the total and each part now and at
 * its peak (with worker threads, the sum of the workers' peaks), and what
 * was shed to stay within it (README "Memory"). */
void mem_json(struct jw *w, const struct tt_stats *st)
{
	jw_open(w, "memory", '{');
	jw_uint(w, "budget_bytes", st->mem_budget);
	jw_uint(w, "current_bytes", mem_total(st));
	jw_uint(w, "peak_bytes", st->mem_total_peak);
	jw_uint(w, "shed_half_open", st->shed_half_open);
	jw_uint(w, "shed_sessions", st->shed_sessions);
	jw_open(w, "parts", '{');
	for (int p = 0; p < MEM_PARTS; p++) {
		jw_open(w, mem_part_name(p), '{');
		jw_uint(w, "current_bytes", st->mem_now[p]);
		jw_uint(w, "peak_bytes", st->mem_peak[p]);
		jw_close(w, true);
	}
	jw_close(w, true);
	jw_close(w, true);
}
