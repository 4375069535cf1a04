/*
 * slab.h - many objects of one size, carved from 64 KiB blocks of their
 * own and named by 32-bit references instead of pointers.  The flow table
 * keeps its compact entries here (flow.c): they are small, made and freed
 * by the million under a SYN flood, and from the general heap their holes
 * would sit between the larger objects made afterwards, which cannot reuse
 * them (README "Memory"); their links to each other are references, half
 * the size of a pointer, and no slot carries a pointer to its block.  A
 * freed slot is reused by the next object of its pool; a block is given
 * back when its last object goes.
 */
#ifndef TLSTAP_SLAB_H
#define TLSTAP_SLAB_H

#include <stddef.h>
#include <stdint.h>

/* A reference: block number << SLAB_SLOT_BITS | slot.  The top bit is
 * never set, so that a user may tell two pools apart by it; SLAB_NIL is
 * no object. */
#define SLAB_SLOT_BITS 12
#define SLAB_MAX_BLOCKS (1u << (31 - SLAB_SLOT_BITS))
#define SLAB_NIL UINT32_MAX

struct slab;

struct slab_pool {
	size_t slot;                    /* bytes per object, a multiple of 4 */
	uint32_t cap;                   /* slots per block */
	struct slab **block;            /* by block number; NULL: given back */
	uint32_t n_block, max_block;    /* numbers in use up to n_block; array size */
	uint32_t avail;                 /* a block with a free slot, SLAB_NIL none */
	uint64_t bytes;                 /* blocks and array, as the allocator gave them (mem.h) */
	uint64_t array_bytes;           /* the array's part of it */
};

/* A pool of objects of `size` bytes (4-byte aligned). */
void slab_init(struct slab_pool *p, size_t size);
/* A reference to a new object (uninitialised), or SLAB_NIL without
 * memory or past SLAB_MAX_BLOCKS blocks. */
uint32_t slab_alloc(struct slab_pool *p);
/* The object `ref` (from slab_alloc(p), not freed) names. */
static inline void *slab_at(const struct slab_pool *p, uint32_t ref)
{
	return (uint8_t *)p->block[ref >> SLAB_SLOT_BITS] + 64 +
	       (size_t)(ref & ((1u << SLAB_SLOT_BITS) - 1)) * p->slot;
}
/* Gives object `ref` back to p. */
void slab_free(struct slab_pool *p, uint32_t ref);
/* Frees every block of p, objects still in them included. */
void slab_destroy(struct slab_pool *p);

#endif
