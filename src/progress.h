/*
 * progress.h - the progress line on stderr while a capture file is read
 * (only when stderr is a terminal, and not with -q): bytes and percent of
 * the file, packets per second, sessions so far and the time left.
 */
#ifndef TLSTAP_PROGRESS_H
#define TLSTAP_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *name;
	uint64_t start_ns, last_ns;     /* monotonic clock */
	uint64_t start_packets;
	int shown;                      /* a line is on the terminal */
};

void progress_start(struct progress *pg, const char *name);
/* Redraws the line at most a few times a second; size 0 means unknown. */
void progress_update(struct progress *pg, uint64_t done, uint64_t size, uint64_t packets,
		     uint64_t sessions);
/* Clears the line. */
void progress_end(struct progress *pg);

#endif
