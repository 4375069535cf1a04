/*
 * hugeheap.c - the heap on transparent huge pages (see hugeheap.h).
 *
 * glibc backs its heaps with huge pages when the tunable
 * glibc.malloc.hugetlb is 1: it grows the main heap in 2 MiB steps and
 * advises every heap with madvise(MADV_HUGEPAGE).  Tunables are read once,
 * when the process starts, from GLIBC_TUNABLES; no call sets them later.
 * So tlstap, when nothing says otherwise, executes itself again at once
 * with the tunable added: the same binary (the file /proc/self/exe links
 * to), the same arguments, the same descriptors and process id, before it
 * has opened a capture or an output.
 *
 * Why: a handshake-heavy capture makes the heap grow by tens of MiB, one
 * 4 KiB page fault at a time (14,800 faults on the benchmark's
 * corpus-handshake capture, 3,000 with huge pages), and the connections'
 * state is scattered over it, a TLB miss per connection touched.
 */
#include "hugeheap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#define TUNABLE "glibc.malloc.hugetlb"

/* Whether the kernel gives huge pages to memory that asks for them: its
 * mode is "[always]" or "[madvise]", not "[never]". */
static bool thp_enabled(const char *path)
{
	char buf[128];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, "[always]") || strstr(buf, "[madvise]");
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1   /* the sanitizer's allocator, not glibc's */
#else
#define SANITIZED 0
#endif

bool hugeheap_wanted(const char *tunables, const char *preload, const char *thp_path)
{
	if (SANITIZED)
		return false;
	if (tunables && strstr(tunables, TUNABLE))
		return false;   /* said already, either way (and so no loop) */
	if (preload && *preload)
		return false;   /* another allocator, or a tool such as valgrind */
	return thp_enabled(thp_path);
}

int hugeheap_env(const char *tunables, char *out, size_t outlen)
{
	int n;

	if (tunables && *tunables)
		n = snprintf(out, outlen, "%s:%s=1", tunables, TUNABLE);
	else
		n = snprintf(out, outlen, "%s=1", TUNABLE);
	return n >= 0 && (size_t)n < outlen ? 0 : -1;
}

void hugeheap_reexec(char **argv)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
	const char *env = getenv("GLIBC_TUNABLES");
	char was[4096], val[4096], self[4096];
	int saved = errno;
	ssize_t n;

	if (getauxval(AT_SECURE))
		return;   /* glibc would drop the variable: no loop */
	if (!hugeheap_wanted(env, getenv("LD_PRELOAD"),
			     "/sys/kernel/mm/transparent_hugepage/enabled"))
		return;
	if (env && strlen(env) >= sizeof was)
		return;
	if (env)
		strcpy(was, env);   /* setenv may reuse what env points to */
	if (hugeheap_env(env ? was : NULL, val, sizeof val) < 0 ||
	    setenv("GLIBC_TUNABLES", val, 1) < 0)
		return;
	/* The binary's own path, not /proc/self/exe: the process's name (ps,
	 * pgrep, top) comes from the file executed. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0 && (size_t)n < sizeof self - 1) {
		self[n] = '\0';
		execv(self, argv);
	}
	/* No /proc, or the binary is gone (replaced by an upgrade: the link
	 * then ends in " (deleted)"): go on with 4 KiB pages, and leave the
	 * environment as it came. */
	if (env)
		setenv("GLIBC_TUNABLES", was, 1);
	else
		unsetenv("GLIBC_TUNABLES");
	errno = saved;
#else
	(void)argv;   /* glibc before 2.35 has no such tunable */
#endif
}

uint64_t hugeheap_bytes(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	unsigned long long kb;
	uint64_t bytes = UINT64_MAX;

	if (!f)
		return bytes;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1) {
			bytes = (uint64_t)kb * 1024u;
			break;
		}
	fclose(f);
	return bytes;
}
