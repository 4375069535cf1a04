/*
 * test_mem.c - the memory budget's counters (mem.c): the allocator's chunk
 * for a request, an allocation's real size, each part's peak and the
 * total's, how often the allocator's slack may be sampled, and when the
 * heap asks for huge pages (hugeheap.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/hugeheap.h"
#include "../../src/mem.h"
#include "tt_test.h"

static void chunks(void)
{
	/* glibc: request + 8-byte header, 16-byte steps, at least 32 */
	CHECK(mem_chunk(0) == 32 && mem_chunk(1) == 32 && mem_chunk(24) == 32);
	CHECK(mem_chunk(25) == 48 && mem_chunk(40) == 48 && mem_chunk(41) == 64);
	CHECK(mem_chunk(304) == 320 && mem_chunk(6420) == 6432);
	/* mapped on their own: whole pages */
	CHECK(mem_chunk(128 * 1024) == 132 * 1024 && mem_chunk(1u << 20) == (1u << 20) + 4096);
	for (size_t n = 0; n < 5000; n += 7) {
		void *p = malloc(n);
		/* what malloc hands out is at least the request, and what the
		 * budget counts for the request is what glibc's malloc took
		 * (AddressSanitizer's allocator reports the request itself) */
		CHECK(p && mem_block(p) >= n + 8);
#ifndef __SANITIZE_ADDRESS__
		CHECK(mem_block(p) == mem_chunk(n));
#endif
		free(p);
	}
	CHECK(mem_block(NULL) == 0);
}

static void peaks(void)
{
	struct tt_stats st = { 0 };

	mem_set(&st, MEM_FLOWS, 1000);
	mem_set(&st, MEM_SESSIONS, 500);
	CHECK(mem_total(&st) == 1500 && st.mem_total_peak == 1500);
	mem_set(&st, MEM_FLOWS, 100);
	CHECK(mem_total(&st) == 600 && st.mem_peak[MEM_FLOWS] == 1000 && st.mem_total_peak == 1500);
	mem_set(&st, MEM_QUEUES, 2000);
	CHECK(mem_total(&st) == 2600 && st.mem_total_peak == 2600 && st.mem_peak[MEM_QUEUES] == 2000);
	for (int p = 0; p < MEM_PARTS; p++)
		mem_set(&st, (enum mem_part)p, 0);
	CHECK(mem_total(&st) == 0 && st.mem_total_peak == 2600);
	CHECK_STR(mem_part_name(MEM_FLOWS), "flows");
	CHECK_STR(mem_part_name(MEM_REASM), "reassembly");
	CHECK_STR(mem_part_name(MEM_QUEUES), "queues");
}

/* mem_set_all: the same parts again change nothing; parts that trade
 * bytes (the total the same) still move their peaks, and a part going
 * down leaves its peak. */
static void all_at_once(void)
{
	struct tt_stats st = { 0 };
	uint64_t now[MEM_PARTS] = { [MEM_FLOWS] = 300, [MEM_REASM] = 200 };

	mem_set_all(&st, now);
	CHECK(mem_total(&st) == 500 && st.mem_total_peak == 500 && st.mem_peak[MEM_FLOWS] == 300);
	mem_set_all(&st, now);
	CHECK(mem_total(&st) == 500 && st.mem_total_peak == 500 && st.mem_now[MEM_REASM] == 200);
	now[MEM_FLOWS] = 100;
	now[MEM_OUTPUT] = 200;
	mem_set_all(&st, now);
	CHECK(mem_total(&st) == 500 && st.mem_total_peak == 500);
	CHECK(st.mem_now[MEM_FLOWS] == 100 && st.mem_peak[MEM_FLOWS] == 300);
	CHECK(st.mem_now[MEM_OUTPUT] == 200 && st.mem_peak[MEM_OUTPUT] == 200);
	now[MEM_REASM] = 900;
	mem_set_all(&st, now);
	CHECK(mem_total(&st) == 1200 && st.mem_total_peak == 1200 && st.mem_peak[MEM_REASM] == 900);
	/* mem_set and mem_set_all keep one total between them */
	mem_set(&st, MEM_CERTS, 50);
	now[MEM_CERTS] = 50;
	mem_set_all(&st, now);
	CHECK(mem_total(&st) == 1250 && st.mem_total_peak == 1250);
}

static void sample_rate(void)
{
	/* no sample yet (cost 0): due at once */
	CHECK(mem_sample_due(0, 0, 0) && mem_sample_due(5, 0, 0));
	/* a 1.5 ms sample that ended at t=10 s: not before MEM_SAMPLE_SHARE times 1.5 ms */
	uint64_t end = 10000000000u, cost = 1500000u;
	CHECK(!mem_sample_due(end, end, cost));
	CHECK(!mem_sample_due(end + MEM_SAMPLE_SHARE * cost - 1, end, cost));
	CHECK(mem_sample_due(end + MEM_SAMPLE_SHARE * cost, end, cost));
	CHECK(mem_sample_due(end + 3600000000000u, end, cost));
	/* a clock read before another thread's sample ended */
	CHECK(!mem_sample_due(end - 1, end, cost));
	CHECK(!mem_sample_due(end - 1, end, 0));
	/* the process-wide rule: a sample just taken makes the next one wait
	 * unless it cost nothing measurable (no budget: nothing sampled) */
	CHECK(mem_slack_due());
}

/* The kernel's mode file, as given. */
static const char *mode_file(const char *text)
{
	static char path[] = "/tmp/tt_thp_XXXXXX";
	int fd;

	strcpy(path, "/tmp/tt_thp_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return "/nonexistent";
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void huge_pages(void)
{
	const char *madv = mode_file("always [madvise] never\n");
	char out[64];
	bool asan = false;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	asan = true;   /* the sanitizer's allocator: never asked */
#endif
	CHECK(hugeheap_wanted(NULL, NULL, madv) == !asan);
	CHECK(hugeheap_wanted("glibc.malloc.tcache_count=0", "", madv) == !asan);
	/* already said, either way: the user's word, and no second exec */
	CHECK(!hugeheap_wanted("glibc.malloc.hugetlb=0", NULL, madv));
	CHECK(!hugeheap_wanted("glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=1", NULL, madv));
	/* another allocator or valgrind preloaded */
	CHECK(!hugeheap_wanted(NULL, "/usr/lib/libjemalloc.so.2", madv));
	unlink(madv);
	CHECK(!hugeheap_wanted(NULL, NULL, madv));   /* no such file */
	madv = mode_file("[always] madvise never\n");
	CHECK(hugeheap_wanted(NULL, NULL, madv) == !asan);
	unlink(madv);
	madv = mode_file("always madvise [never]\n");
	CHECK(!hugeheap_wanted(NULL, NULL, madv));
	unlink(madv);
	madv = mode_file("");
	CHECK(!hugeheap_wanted(NULL, NULL, madv));
	unlink(madv);

	CHECK(hugeheap_env(NULL, out, sizeof out) == 0);
	CHECK_STR(out, "glibc.malloc.hugetlb=1");
	CHECK(hugeheap_env("", out, sizeof out) == 0);
	CHECK_STR(out, "glibc.malloc.hugetlb=1");
	CHECK(hugeheap_env("glibc.malloc.tcache_count=0", out, sizeof out) == 0);
	CHECK_STR(out, "glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=1");
	/* exactly fits (22 characters and the NUL), then one short */
	CHECK(hugeheap_env(NULL, out, 23) == 0);
	CHECK(hugeheap_env(NULL, out, 22) == -1);
	CHECK(hugeheap_env("glibc.malloc.tcache_count=0", out, 40) == -1);
	/* what the process has on huge pages: a figure, or "unknown" */
	CHECK(hugeheap_bytes() != UINT64_MAX || access("/proc/self/smaps_rollup", R_OK) != 0);
}

int main(void)
{
	chunks();
	peaks();
	all_at_once();
	sample_rate();
	huge_pages();
	return TT_DONE();
}
