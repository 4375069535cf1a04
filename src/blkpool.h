/*
 * blkpool.h - freed heap blocks of one size, kept for reuse up to a bound.
 *
 * A last-in first-out list threaded through the blocks themselves (a block
 * is at least a pointer's size), so keeping one costs nothing and taking
 * one back costs neither the allocator's search nor a fresh page: for the
 * sizes a busy capture makes and frees by the thousand above glibc's
 * per-thread cache (reassembly's blocks, the parsed hellos).  The owner
 * knows the size and counts what is kept (n blocks) in its budget.
 */
#ifndef TLSTAP_BLKPOOL_H
#define TLSTAP_BLKPOOL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct blkpool {
	void *head;
	uint32_t n;              /* blocks kept */
};

/* A block of `size` bytes: a kept one, or a new one (NULL if out of memory). */
static inline void *blkpool_get(struct blkpool *p, size_t size)
{
	void *b = p->head;

	if (!b)
		return malloc(size);
	memcpy(&p->head, b, sizeof p->head);
	p->n--;
	return b;
}

/* Keep b (NULL: nothing) while fewer than max are kept; free it otherwise.
 * True if it was kept. */
static inline int blkpool_put(struct blkpool *p, void *b, uint32_t max)
{
	if (!b)
		return 0;
	if (p->n >= max) {
		free(b);
		return 0;
	}
	memcpy(b, &p->head, sizeof p->head);
	p->head = b;
	p->n++;
	return 1;
}

/* Free every kept block. */
static inline void blkpool_drain(struct blkpool *p)
{
	while (p->head) {
		void *b = p->head;
		memcpy(&p->head, b, sizeof p->head);
		free(b);
	}
	p->n = 0;
}

#endif
