/*
 * fuzz_input.h - how the harnesses read their input: exact-size copies (a
 * read past what arrived is the sanitizer's to catch), the chunked format
 * of the stream harnesses, and the bytes a consumer left for the next chunk.
 *
 *     +--------+----------+=================+
 *     | tag    | len (u16)| bytes (len)     |  ...
 *     +--------+----------+=================+
 *
 * What the tag means is the harness's (a direction, an event, a DLT).
 */
#ifndef TT_FUZZ_INPUT_H
#define TT_FUZZ_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* p[0..n) in a new block of exactly n bytes (1 when n is 0), for the
 * caller to free; NULL when out of memory. */
static inline uint8_t *fuzz_copy(const uint8_t *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	if (b && n)
		memcpy(b, p, n);
	return b;
}

struct fuzz_chunk {
	uint8_t tag;
	uint16_t len;           /* as written; n is what was left of it */
	const uint8_t *p;       /* into the input */
	size_t n;
};

/* The next chunk of *data, which moves past it; false when fewer than the
 * three header bytes are left. */
static inline bool fuzz_next(const uint8_t **data, size_t *size, struct fuzz_chunk *c)
{
	if (*size < 3)
		return false;
	c->tag = (*data)[0];
	c->len = (uint16_t)((*data)[1] << 8 | (*data)[2]);
	*data += 3;
	*size -= 3;
	c->n = c->len < *size ? c->len : *size;
	c->p = *data;
	*data += c->n;
	*size -= c->n;
	return true;
}

/* The bytes of one direction its consumer has not taken yet. */
struct fuzz_pend {
	uint8_t *p;
	size_t n;
};

/* The pending bytes, then the chunk, in a new exact-size block (*total
 * bytes) for the caller to free; the pending bytes are emptied.  NULL when
 * out of memory (the pending bytes are kept). */
static inline uint8_t *fuzz_join(struct fuzz_pend *pd, const struct fuzz_chunk *c,
				 size_t *total)
{
	uint8_t *b = malloc(pd->n + c->n ? pd->n + c->n : 1);

	if (!b)
		return NULL;
	if (pd->n)
		memcpy(b, pd->p, pd->n);
	if (c->n)
		memcpy(b + pd->n, c->p, c->n);
	*total = pd->n + c->n;
	free(pd->p);
	pd->p = NULL;
	pd->n = 0;
	return b;
}

/* Keeps buf[used..total) as the pending bytes (none when out of memory). */
static inline void fuzz_keep(struct fuzz_pend *pd, const uint8_t *buf, size_t total, size_t used)
{
	free(pd->p);
	pd->n = total - used;
	pd->p = pd->n ? fuzz_copy(buf + used, pd->n) : NULL;
	if (!pd->p)
		pd->n = 0;
}

/* Forgets the pending bytes (after a gap, and at the end). */
static inline void fuzz_drop(struct fuzz_pend *pd)
{
	free(pd->p);
	pd->p = NULL;
	pd->n = 0;
}

#endif
