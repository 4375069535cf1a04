/*
 * test_slab.c - slab.c: objects of one size from blocks of their own,
 * named by 32-bit references.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/slab.h"
#include "tt_test.h"

#define N 3000   /* several 64 KiB blocks of 60-byte slots */

/* The blocks a pool holds (its array aside). */
static int blocks(const struct slab_pool *p)
{
	return (int)((p->bytes - p->array_bytes) / 65536);   /* each at least 64 KiB */
}

int main(void)
{
	struct slab_pool p, q;
	static uint32_t ref[N];
	uint64_t one;

	slab_init(&p, 58);
	CHECK(p.slot == 60);
	CHECK(p.cap == (65536 - 64) / 60);
	CHECK(p.bytes == 0);

	/* distinct, aligned, writable objects; blocks as they fill */
	for (int i = 0; i < N; i++) {
		ref[i] = slab_alloc(&p);
		CHECK(ref[i] != SLAB_NIL && !(ref[i] & 0x80000000u));
		CHECK(((uintptr_t)slab_at(&p, ref[i]) & 3) == 0);
		memset(slab_at(&p, ref[i]), i & 0xff, 60);
	}
	for (int i = 1; i < N; i++) {
		uint8_t *a = slab_at(&p, ref[i]), *b = slab_at(&p, ref[i - 1]);
		CHECK(a + 60 <= b || b + 60 <= a);
	}
	for (int i = 0; i < N; i++)
		CHECK(((uint8_t *)slab_at(&p, ref[i]))[59] == (i & 0xff) &&
		      ((uint8_t *)slab_at(&p, ref[i]))[0] == (i & 0xff));
	CHECK(blocks(&p) == (N + 1090) / 1091);   /* (65536 - 64) / 60 slots each */
	CHECK(p.array_bytes >= 16 * sizeof(void *));

	/* a freed slot is the next one handed out */
	slab_free(&p, ref[10]);
	CHECK(slab_alloc(&p) == ref[10]);

	/* freeing the oldest objects empties, and gives back, their blocks;
	 * a new block takes the lowest free number */
	for (int i = 0; i < N - 100; i++)
		slab_free(&p, ref[i]);
	CHECK(blocks(&p) == 1);
	one = p.bytes;
	ref[0] = slab_alloc(&p);
	CHECK(ref[0] != SLAB_NIL && ((uint8_t *)slab_at(&p, ref[N - 1]))[0] == ((N - 1) & 0xff));
	slab_free(&p, ref[0]);

	/* the last block with room stays through an alloc/free in turn */
	for (int i = N - 100; i < N; i++)
		slab_free(&p, ref[i]);
	CHECK(p.bytes == one);
	for (int k = 0; k < 5; k++) {
		uint32_t o = slab_alloc(&p);
		CHECK(o != SLAB_NIL);
		slab_free(&p, o);
		CHECK(p.bytes == one);
	}

	/* filling again reuses the given-back numbers: references stay small */
	for (int i = 0; i < N; i++)
		ref[i] = slab_alloc(&p);
	for (int i = 0; i < N; i++)
		CHECK(ref[i] >> SLAB_SLOT_BITS < (uint32_t)blocks(&p));
	for (int i = 0; i < N; i++)
		slab_free(&p, ref[i]);

	/* two pools side by side: each object goes back to its own */
	slab_init(&q, 84);
	CHECK(q.slot == 84);
	uint32_t a = slab_alloc(&p), b = slab_alloc(&q);
	CHECK(a != SLAB_NIL && b != SLAB_NIL);
	slab_free(&q, b);
	slab_free(&p, a);
	CHECK(p.bytes == one);
	slab_destroy(&p);
	slab_destroy(&q);
	CHECK(p.bytes == 0 && q.bytes == 0);

	/* destroy with objects still out; tiny objects still hold a link */
	slab_init(&p, 1);
	CHECK(p.slot == 4 && p.cap == 1u << SLAB_SLOT_BITS);
	for (int i = 0; i < 5000; i++)
		CHECK(slab_alloc(&p) != SLAB_NIL);
	CHECK(blocks(&p) == 2);
	slab_destroy(&p);
	CHECK(p.bytes == 0 && p.n_block == 0 && p.avail == SLAB_NIL);
	return TT_DONE();
}
