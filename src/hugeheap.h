/*
 * hugeheap.h - glibc's heap on transparent huge pages, asked for at start.
 *
 * hugeheap_reexec(argv), which main() calls once the options are parsed,
 * for a run long enough to gain from it (main.c heap_grows): unless
 * GLIBC_TUNABLES already names glibc.malloc.hugetlb (either way: that is
 * how a user turns this off, GLIBC_TUNABLES=glibc.malloc.hugetlb=0),
 * LD_PRELOAD is set (another allocator, valgrind), the process runs with
 * raised privileges (AT_SECURE: glibc would drop the variable) or the
 * kernel's huge pages are off, it adds glibc.malloc.hugetlb=1 to
 * GLIBC_TUNABLES and executes its own binary again (the file
 * /proc/self/exe links to, so that the process keeps its name) with the
 * same arguments.  If that fails it returns and the run goes on as before.
 */
#ifndef TLSTAP_HUGEHEAP_H
#define TLSTAP_HUGEHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void hugeheap_reexec(char **argv);

/* The process's anonymous memory on huge pages now (AnonHugePages of
 * /proc/self/smaps_rollup), UINT64_MAX if the kernel does not say. */
uint64_t hugeheap_bytes(void);

/* The two decisions, apart for the unit test: whether to ask (thp_path is
 * the kernel's mode file, /sys/kernel/mm/transparent_hugepage/enabled),
 * and GLIBC_TUNABLES's new value (0, or -1 if it does not fit in out). */
bool hugeheap_wanted(const char *tunables, const char *preload, const char *thp_path);
int hugeheap_env(const char *tunables, char *out, size_t outlen);

#endif
