/*
 * slab.h - many objects of one size, carved from 64 KiB blocks of their
 * own.  The flow table keeps its compact entries here (flow.c): they are
 * small, made and freed by the million under a SYN flood, and from the
 * general heap their holes would sit between the larger objects made
 * afterwards, which cannot reuse them (README "Memory").  A freed slot is
 * reused by the next object of its pool; a block is given back when its
 * last object goes.
 */
#ifndef TLSTAP_SLAB_H
#define TLSTAP_SLAB_H

#include <stddef.h>
#include <stdint.h>

struct slab;

struct slab_pool {
	size_t slot;                    /* bytes per object and its block pointer */
	struct slab *avail;             /* blocks with a free slot */
	struct slab *all;               /* every block */
	uint64_t bytes;                 /* the blocks, as the allocator gave them (mem.h) */
};

/* A pool of objects of `size` bytes (8-byte aligned). */
void slab_init(struct slab_pool *p, size_t size);
/* An object (uninitialised), or NULL without memory. */
void *slab_alloc(struct slab_pool *p);
/* Gives obj (from slab_alloc of any pool) back to its pool. */
void slab_free(void *obj);
/* Frees every block of p, objects still in them included. */
void slab_destroy(struct slab_pool *p);

#endif
