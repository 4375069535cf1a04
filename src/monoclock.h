/*
 * monoclock.h - the system's clocks in nanoseconds: the monotonic one for
 * the timers of the output sinks, the progress line and the allocator's
 * sampling, the wall clock where no packet gives a time, the thread's CPU
 * clock for the stats (never packet time).
 */
#ifndef TLSTAP_MONOCLOCK_H
#define TLSTAP_MONOCLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Clock id's time into *ns; false (and *ns untouched) if it cannot be read. */
static inline bool clock_ns(clockid_t id, uint64_t *ns)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return false;
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return true;
}

static inline uint64_t mono_ns(void)
{
	uint64_t ns = 0;

	clock_ns(CLOCK_MONOTONIC, &ns);
	return ns;
}

static inline uint64_t wall_ns(void)
{
	uint64_t ns = 0;

	clock_ns(CLOCK_REALTIME, &ns);
	return ns;
}

#endif
