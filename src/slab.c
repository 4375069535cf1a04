/*
 * slab.c - fixed-size objects from blocks of their own (slab.h).
 *
 * A block is a header and n slots; a slot is a pointer to its block, then
 * the object.  Free slots of a block form a list through their objects;
 * slots never used are handed out in order first.  Blocks with a free
 * slot are on the pool's avail list (doubly linked, so that one leaves it
 * in constant time when it fills up or empties).  An empty block is freed
 * unless it is the only one with room.
 */
#include "slab.h"

#include <stdlib.h>

#include "mem.h"

#define SLAB_BYTES 65536

struct slab {
	struct slab_pool *pool;
	struct slab *prev, *next;       /* on pool->avail, when it has a free slot */
	struct slab *all_next, *all_prev;
	void *free;                     /* a freed object; its first word links the next */
	uint32_t used, fresh, cap;      /* objects out; slots never used start at fresh */
	uint64_t bytes;                 /* as allocated (mem.h) */
};

#define HDR ((sizeof(struct slab) + 15) & ~(size_t)15)

void slab_init(struct slab_pool *p, size_t size)
{
	p->slot = (sizeof(struct slab *) + size + 7) & ~(size_t)7;
	p->avail = p->all = NULL;
	p->bytes = 0;
}

static void avail_push(struct slab_pool *p, struct slab *b)
{
	b->prev = NULL;
	b->next = p->avail;
	if (p->avail)
		p->avail->prev = b;
	p->avail = b;
}

static void avail_unlink(struct slab_pool *p, struct slab *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		p->avail = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

static struct slab *block_new(struct slab_pool *p)
{
	struct slab *b = malloc(SLAB_BYTES);

	if (!b)
		return NULL;
	b->pool = p;
	b->free = NULL;
	b->used = b->fresh = 0;
	b->cap = (uint32_t)((SLAB_BYTES - HDR) / p->slot);
	b->bytes = mem_block(b);
	p->bytes += b->bytes;
	b->all_prev = NULL;
	b->all_next = p->all;
	if (p->all)
		p->all->all_prev = b;
	p->all = b;
	avail_push(p, b);
	return b;
}

void *slab_alloc(struct slab_pool *p)
{
	struct slab *b = p->avail ? p->avail : block_new(p);
	uint8_t *slot;
	void *obj;

	if (!b)
		return NULL;
	if (b->free) {
		obj = b->free;
		b->free = *(void **)obj;
	} else {
		slot = (uint8_t *)b + HDR + (size_t)b->fresh++ * p->slot;
		*(struct slab **)(void *)slot = b;
		obj = slot + sizeof(struct slab *);
	}
	if (++b->used == b->cap)
		avail_unlink(p, b);
	return obj;
}

static void block_free(struct slab_pool *p, struct slab *b)
{
	if (b->all_prev)
		b->all_prev->all_next = b->all_next;
	else
		p->all = b->all_next;
	if (b->all_next)
		b->all_next->all_prev = b->all_prev;
	p->bytes -= b->bytes;
	free(b);
}

void slab_free(void *obj)
{
	struct slab *b;
	struct slab_pool *p;

	if (!obj)
		return;
	b = *(struct slab **)(void *)((uint8_t *)obj - sizeof(struct slab *));
	p = b->pool;
	if (b->used-- == b->cap)
		avail_push(p, b);
	if (b->used == 0 && (p->avail != b || b->next)) {
		/* empty, and not the pool's last block with room: an object
		 * made and freed in turn must not take a block each time */
		avail_unlink(p, b);
		block_free(p, b);
		return;
	}
	*(void **)obj = b->free;
	b->free = obj;
}

void slab_destroy(struct slab_pool *p)
{
	while (p->all)
		block_free(p, p->all);
	p->avail = NULL;
}
