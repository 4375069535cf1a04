/*
 * slab.c - fixed-size objects from blocks of their own (slab.h).
 *
 * A block is a 64-byte header and cap slots.  Free slots of a block form
 * a list through their objects' first word (slot numbers); slots never
 * used are handed out in order first.  Blocks with a free slot are on the
 * pool's avail list (doubly linked by block number, so that one leaves it
 * in constant time when it fills up or empties).  An empty block is freed
 * unless it is the only one with room; its number is reused by the next
 * block made.
 */
#include "slab.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define SLAB_BYTES 65536
#define HDR 64
#define SLOT_MASK ((1u << SLAB_SLOT_BITS) - 1)
#define NO_SLOT UINT32_MAX

struct slab {
	uint32_t prev, next;            /* block numbers on pool->avail */
	uint32_t free;                  /* a freed slot, NO_SLOT none */
	uint32_t used, fresh;           /* objects out; slots never used start at fresh */
	uint64_t bytes;                 /* as allocated (mem.h) */
};

_Static_assert(sizeof(struct slab) <= HDR, "slab header fits its 64 bytes");

void slab_init(struct slab_pool *p, size_t size)
{
	memset(p, 0, sizeof *p);
	p->slot = size < 4 ? 4 : (size + 3) & ~(size_t)3;
	p->cap = (uint32_t)((SLAB_BYTES - HDR) / p->slot);
	if (p->cap > SLOT_MASK + 1)
		p->cap = SLOT_MASK + 1;
	p->avail = SLAB_NIL;
}

static void avail_push(struct slab_pool *p, uint32_t n)
{
	struct slab *b = p->block[n];

	b->prev = SLAB_NIL;
	b->next = p->avail;
	if (p->avail != SLAB_NIL)
		p->block[p->avail]->prev = n;
	p->avail = n;
}

static void avail_unlink(struct slab_pool *p, uint32_t n)
{
	struct slab *b = p->block[n];

	if (b->prev != SLAB_NIL)
		p->block[b->prev]->next = b->next;
	else
		p->avail = b->next;
	if (b->next != SLAB_NIL)
		p->block[b->next]->prev = b->prev;
}

/* A free block number (the array grown if need be), or SLAB_NIL. */
static uint32_t number(struct slab_pool *p)
{
	struct slab **nb;
	uint32_t want;

	for (uint32_t n = 0; n < p->n_block; n++)
		if (!p->block[n])
			return n;
	if (p->n_block == SLAB_MAX_BLOCKS)
		return SLAB_NIL;
	if (p->n_block == p->max_block) {
		want = p->max_block ? p->max_block * 2 : 16;
		if (!(nb = realloc(p->block, want * sizeof *nb)))
			return SLAB_NIL;
		p->bytes -= p->array_bytes;
		p->array_bytes = mem_block(nb);
		p->bytes += p->array_bytes;
		p->block = nb;
		p->max_block = want;
	}
	p->block[p->n_block] = NULL;
	return p->n_block++;
}

static bool block_new(struct slab_pool *p)
{
	uint32_t n = number(p);
	struct slab *b;

	if (n == SLAB_NIL || !(b = malloc(SLAB_BYTES)))
		return false;
	b->free = NO_SLOT;
	b->used = b->fresh = 0;
	b->bytes = mem_block(b);
	p->bytes += b->bytes;
	p->block[n] = b;
	avail_push(p, n);
	return true;
}

uint32_t slab_alloc(struct slab_pool *p)
{
	struct slab *b;
	uint32_t n, s;

	if (p->avail == SLAB_NIL && !block_new(p))
		return SLAB_NIL;
	n = p->avail;
	b = p->block[n];
	if (b->free != NO_SLOT) {
		s = b->free;
		memcpy(&b->free, (uint8_t *)b + HDR + (size_t)s * p->slot, sizeof b->free);
	} else {
		s = b->fresh++;
	}
	if (++b->used == p->cap)
		avail_unlink(p, n);
	return n << SLAB_SLOT_BITS | s;
}

void slab_free(struct slab_pool *p, uint32_t ref)
{
	uint32_t n = ref >> SLAB_SLOT_BITS;
	struct slab *b = p->block[n];

	if (b->used-- == p->cap)
		avail_push(p, n);
	if (b->used == 0 && (p->avail != n || b->next != SLAB_NIL)) {
		/* empty, and not the pool's last block with room: an object
		 * made and freed in turn must not take a block each time */
		avail_unlink(p, n);
		p->bytes -= b->bytes;
		free(b);
		p->block[n] = NULL;
		return;
	}
	memcpy(slab_at(p, ref), &b->free, sizeof b->free);
	b->free = ref & SLOT_MASK;
}

void slab_destroy(struct slab_pool *p)
{
	for (uint32_t n = 0; n < p->n_block; n++)
		free(p->block[n]);
	free(p->block);
	slab_init(p, p->slot);
}
