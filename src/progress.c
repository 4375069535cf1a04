/*
 * progress.c - the progress line (progress.h).  Drawn with a carriage
 * return and cleared at the end, so that a terminal keeps only the
 * records and messages.
 */
#include "progress.h"
#include "monoclock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define REDRAW_NS 250000000ull
#define SHOW_AFTER_NS 500000000ull     /* small files never show a line */

void progress_start(struct progress *pg, const char *name)
{
	memset(pg, 0, sizeof *pg);
	pg->name = name;
	pg->start_ns = pg->last_ns = mono_ns();
}

/* n with a binary unit: "734.2 MiB". */
static void human(char *buf, size_t len, uint64_t n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	unsigned u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

void progress_update(struct progress *pg, uint64_t done, uint64_t size, uint64_t packets,
		     uint64_t sessions)
{
	uint64_t now = mono_ns();
	double secs = (double)(now - pg->start_ns) / 1e9;
	char d[32], t[32], left[32] = "";

	if (!pg->start_packets)
		pg->start_packets = packets ? packets : 1;
	if (now - pg->last_ns < REDRAW_NS || now - pg->start_ns < SHOW_AFTER_NS)
		return;
	pg->last_ns = now;
	human(d, sizeof d, done);
	if (size && done && done <= size) {
		double rest = secs * (double)(size - done) / (double)done;
		human(t, sizeof t, size);
		snprintf(left, sizeof left, ", %.0f s left", rest);
		fprintf(stderr, "\r\033[Ktlstap: %s: %s of %s (%.0f%%), %.0f packets/s, "
			"%llu sessions%s", pg->name, d, t, 100.0 * (double)done / (double)size,
			(double)(packets - pg->start_packets) / secs, (unsigned long long)sessions,
			left);
	} else {
		fprintf(stderr, "\r\033[Ktlstap: %s: %s, %.0f packets/s, %llu sessions",
			pg->name, d, (double)(packets - pg->start_packets) / secs,
			(unsigned long long)sessions);
	}
	fflush(stderr);
	pg->shown = 1;
}

void progress_end(struct progress *pg)
{
	if (pg->shown)
		fprintf(stderr, "\r\033[K");
	pg->shown = 0;
}
