/*
 * test_slab.c - slab.c: objects of one size from blocks of their own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/slab.h"
#include "tt_test.h"

#define N 3000   /* several 64 KiB blocks of 96-byte slots */

static int blocks(const struct slab_pool *p)
{
	return (int)(p->bytes / 65536);   /* each block is at least 64 KiB */
}

int main(void)
{
	struct slab_pool p, q;
	static void *obj[N];
	uint64_t one;

	slab_init(&p, 88);
	CHECK(p.slot == 96);
	CHECK(p.bytes == 0);

	/* distinct, aligned, writable objects; blocks as they fill */
	for (int i = 0; i < N; i++) {
		obj[i] = slab_alloc(&p);
		CHECK(obj[i] != NULL);
		CHECK(((uintptr_t)obj[i] & 7) == 0);
		memset(obj[i], i & 0xff, 88);
	}
	for (int i = 1; i < N; i++)
		CHECK((uint8_t *)obj[i] + 88 <= (uint8_t *)obj[i - 1] ||
		      (uint8_t *)obj[i - 1] + 88 <= (uint8_t *)obj[i]);
	for (int i = 0; i < N; i++)
		CHECK(((uint8_t *)obj[i])[87] == (i & 0xff));
	CHECK(blocks(&p) == (N + 680) / 681);   /* (65536 - header) / 96 slots each */

	/* a freed slot is the next one handed out */
	slab_free(obj[10]);
	CHECK(slab_alloc(&p) == obj[10]);

	/* freeing the oldest objects empties, and gives back, their blocks */
	for (int i = 0; i < N - 100; i++)
		slab_free(obj[i]);
	CHECK(blocks(&p) == 1);
	one = p.bytes;

	/* the last block with room stays through an alloc/free in turn */
	for (int i = N - 100; i < N; i++)
		slab_free(obj[i]);
	CHECK(p.bytes == one);
	for (int k = 0; k < 5; k++) {
		void *o = slab_alloc(&p);
		CHECK(o != NULL);
		slab_free(o);
		CHECK(p.bytes == one);
	}

	/* two pools side by side: each object goes back to its own */
	slab_init(&q, 112);
	CHECK(q.slot == 120);
	void *a = slab_alloc(&p), *b = slab_alloc(&q);
	CHECK(a && b);
	slab_free(b);
	slab_free(a);
	slab_free(NULL);
	CHECK(p.bytes == one);
	slab_destroy(&p);
	slab_destroy(&q);
	CHECK(p.bytes == 0 && q.bytes == 0);

	/* destroy with objects still out */
	slab_init(&p, 8);
	for (int i = 0; i < 100; i++)
		CHECK(slab_alloc(&p) != NULL);
	slab_destroy(&p);
	CHECK(p.bytes == 0 && p.all == NULL && p.avail == NULL);
	return TT_DONE();
}
