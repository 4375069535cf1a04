/*
 * anomaly.h - a small set of named anomaly codes attached to a session.
 *
 * Codes are static strings (snake_case, documented in README.md), so every
 * module can name its own without a shared enum.  The set keeps insertion
 * order, ignores repeats, and is bounded: once full, further distinct codes
 * are counted in `dropped` and the emitter adds `anomalies_truncated`.
 */
#ifndef TLSTAP_ANOMALY_H
#define TLSTAP_ANOMALY_H

#include <stddef.h>
#include <string.h>

#define ANOM_MAX 32

struct anom_set {
	const char *code[ANOM_MAX];
	unsigned n;
	unsigned dropped;
};

/* code must be a string with static storage duration. */
static inline void anom_add(struct anom_set *a, const char *code)
{
	for (unsigned i = 0; i < a->n; i++)
		if (a->code[i] == code || strcmp(a->code[i], code) == 0)
			return;
	if (a->n < ANOM_MAX)
		a->code[a->n++] = code;
	else
		a->dropped++;
}

/* The codes of from, found later (a parse put off) but due at place at
 * of a's order: a's first `at` codes, then from's, then a's others, each
 * once, as if from's had been added in their turn. */
static inline void anom_insert(struct anom_set *a, unsigned at, const struct anom_set *from)
{
	struct anom_set later;

	if (!from->n && !from->dropped)
		return;
	later = *a;
	a->n = at < a->n ? at : a->n;
	for (unsigned i = 0; i < from->n; i++)
		anom_add(a, from->code[i]);
	a->dropped += from->dropped;
	for (unsigned i = at; i < later.n; i++)
		anom_add(a, later.code[i]);
}

static inline int anom_has(const struct anom_set *a, const char *code)
{
	for (unsigned i = 0; i < a->n; i++)
		if (strcmp(a->code[i], code) == 0)
			return 1;
	return 0;
}

#endif
