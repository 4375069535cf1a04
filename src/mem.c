/*
 * mem.c - the memory budget's counters (see mem.h).
 */
#include "mem.h"

#include <malloc.h>
#include <stdatomic.h>

#include "hugeheap.h"
#include "jw.h"
#include "monoclock.h"

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

void mem_set_all(struct tt_stats *st, const uint64_t now[MEM_PARTS])
{
	uint64_t total = 0;
	int i = 0;

	/* Most packets change no part (this runs after every one): then
	 * neither the total nor a peak moves.  Compared one by one, with an
	 * early exit that keeps the compiler from comparing two at a time:
	 * its 16-byte loads of the 8-byte stores just made to now[] cannot be
	 * forwarded from the store buffer, and that stall was half of
	 * pl_account's time on the AMD EPYC the benchmark last ran on. */
	while (i < MEM_PARTS && now[i] == st->mem_now[i])
		i++;
	if (i == MEM_PARTS)
		return;
	for (i = 0; i < MEM_PARTS; i++) {
		if (now[i] > st->mem_peak[i])
			st->mem_peak[i] = now[i];
		st->mem_now[i] = now[i];
		total += now[i];
	}
	st->mem_total_now = total;
	if (total > st->mem_total_peak)
		st->mem_total_peak = total;
}

/* Process-wide (the allocator is): written by whichever pipeline samples. */
static _Atomic uint64_t budget_all, slack_now, slack_peak, trims, trim_ns;
static _Atomic uint64_t sample_cost_ns, sample_end_ns;
static atomic_flag sampling = ATOMIC_FLAG_INIT;

/* Free chunks inside the arenas (mallinfo2's fordblks, less the top chunk
 * that glibc gives back by itself past M_TRIM_THRESHOLD): resident until
 * they are reused or malloc_trim() releases their pages.  After a trim it
 * overstates what is resident by the pages released inside free chunks,
 * which is the safe side. */
static uint64_t measure(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.fordblks > mi.keepcost ? mi.fordblks - mi.keepcost : 0;
}

void mem_baseline(uint64_t budget)
{
	budget_all = budget;
}

uint64_t mem_slack_sample(void)
{
	uint64_t slack, t0, t1, start;

	if (!budget_all)
		return 0;   /* no budget set (unit tests) */
	if (atomic_flag_test_and_set(&sampling))
		return slack_now;   /* another thread is at it */
	start = mono_ns();
	slack = measure();
	if (slack > budget_all / 16) {
		t0 = mono_ns();
		malloc_trim(0);
		trims++;
		trim_ns += mono_ns() - t0;
		slack = measure();
	}
	slack_now = slack;
	if (slack > slack_peak)
		slack_peak = slack;
	t1 = mono_ns();
	sample_cost_ns = t1 - start;
	sample_end_ns = t1;
	atomic_flag_clear(&sampling);
	return slack;
}

bool mem_sample_due(uint64_t now, uint64_t last_end, uint64_t last_cost)
{
	/* A sample walks every free chunk of every arena: on a large,
	 * fragmented heap that is a millisecond or more.  The next waits
	 * until MEM_SAMPLE_SHARE times the last one's cost has gone by, so
	 * sampling takes at most about 1/MEM_SAMPLE_SHARE of the run.  A
	 * clock read before another thread's sample ended is "not yet". */
	if (now < last_end)
		return false;
	return now - last_end >= MEM_SAMPLE_SHARE * last_cost;
}

bool mem_slack_due(void)
{
	return mem_sample_due(mono_ns(), sample_end_ns, sample_cost_ns);
}

uint64_t mem_slack_share(uint64_t memcap)
{
	uint64_t all = budget_all, s = slack_now;

	if (!all || memcap >= all)
		return s;
	return (uint64_t)((unsigned __int128)s * memcap / all);
}

uint64_t mem_total(const struct tt_stats *st)
{
	return st->mem_total_now;
}

const char *mem_part_name(enum mem_part part)
{
	static const char *const names[MEM_PARTS] = {
		"flows", "reassembly", "sessions", "fragments", "caches", "queues",
		"certificates", "output",
	};

	return names[part];
}

/* tlstap.stats.memory: the budget, the total and each part now and at
 * its peak (with worker threads, the sum of the workers' peaks), and what
 * was shed to stay within it (README "Memory"). */
void mem_json(struct jw *w, const struct tt_stats *st)
{
	uint64_t huge;

	jw_open(w, "memory", '{');
	jw_uint(w, "budget_bytes", st->mem_budget);
	jw_uint(w, "current_bytes", mem_total(st));
	jw_uint(w, "peak_bytes", st->mem_total_peak);
	jw_uint(w, "shed_half_open", st->shed_half_open);
	jw_uint(w, "shed_sessions", st->shed_sessions);
	jw_open(w, "allocator", '{');
	jw_uint(w, "slack_bytes", slack_now);
	jw_uint(w, "slack_peak_bytes", slack_peak);
	jw_uint(w, "trims", trims);
	jw_uint(w, "trim_ns", trim_ns);
	if ((huge = hugeheap_bytes()) != UINT64_MAX)
		jw_uint(w, "huge_page_bytes", huge);
	jw_close(w, true);
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
