/*
 * mem.c - the memory budget's counters (see mem.h).
 */
#include "mem.h"

#include <malloc.h>

/* glibc: requests from 128 KiB are mapped on their own (the default
 * M_MMAP_THRESHOLD), a page-rounded mapping with a 16-byte header. */
#define MMAP_FROM (128u * 1024u)
#define PAGE 4096u

size_t mem_chunk(size_t n)
{
	size_t c;

	if (n >= MMAP_FROM)
		return (n + 16 + PAGE - 1) & ~(size_t)(PAGE - 1);
	c = (n + 8 + 15) & ~(size_t)15;
	return c < 32 ? 32 : c;
}

size_t mem_block(void *p)
{
	return p ? malloc_usable_size(p) + 8 : 0;
}

void mem_set(struct tt_stats *st, enum mem_part part, uint64_t bytes)
{
	uint64_t total;

	st->mem_now[part] = bytes;
	if (bytes > st->mem_peak[part])
		st->mem_peak[part] = bytes;
	total = mem_total(st);
	if (total > st->mem_total_peak)
		st->mem_total_peak = total;
}

uint64_t mem_total(const struct tt_stats *st)
{
	uint64_t t = 0;

	for (int i = 0; i < MEM_PARTS; i++)
		t += st->mem_now[i];
	return t;
}

const char *mem_part_name(enum mem_part part)
{
	static const char *const names[MEM_PARTS] = {
		"flows", "reassembly", "sessions", "fragments", "caches", "queues",
	};

	return names[part];
}
