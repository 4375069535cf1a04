/*
 * tt_test.h - a minimal unit test harness: CHECK records a failure with its
 * location and goes on; TT_DONE() returns the exit status meson reads.
 */
#ifndef TT_TEST_H
#define TT_TEST_H

#include <stdio.h>
#include <string.h>

static int tt_failures, tt_checks;

#define CHECK(cond) do { \
	tt_checks++; \
	if (!(cond)) { \
		tt_failures++; \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	tt_checks++; \
	if (!g_ || strcmp(g_, w_) != 0) { \
		tt_failures++; \
		fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
			g_ ? g_ : "(null)", w_); \
	} \
} while (0)

#define TT_DONE() ( \
	fprintf(stderr, "%d checks, %d failed\n", tt_checks, tt_failures), \
	tt_failures ? 1 : 0)

#endif
