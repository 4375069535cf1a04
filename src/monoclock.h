/*
 * monoclock.h - the monotonic clock in nanoseconds, for the timers of the
 * output sinks and the progress line (never packet time).
 */
#ifndef TLSTAP_MONOCLOCK_H
#define TLSTAP_MONOCLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
