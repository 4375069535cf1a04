/*
 * fragcache.c - bounded, set-associative cache of record fragments (see
 * fragcache.h).
 */
#include "fragcache.h"

#include "../parsers/lru_way.h"
#include "mem.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Ways per set: one slot per key would let two stacks seen in turn evict
 * each other on every session (463 distinct ClientHellos in 1024
 * direct-mapped slots missed 6,779 times in 27,000 sessions). */
#define FC_WAYS 8

struct slot {
	uint64_t h;
	uint64_t used;                  /* the clock at the last hit or store, 0: empty */
	uint8_t *key;                   /* key bytes, then the fragment */
	size_t klen;
	struct frag f;
};

struct frag_cache {
	struct slot *s;
	uint32_t mask;                  /* of the sets */
	uint64_t clock;
	size_t bytes;                   /* the slots and their copies, allocated (mem.h) */
};

struct frag_cache *frag_cache_new(uint32_t slots)
{
	struct frag_cache *fc;
	uint32_t n = 1;

	if (!slots)
		return NULL;
	while (n < slots && n < (1u << 20))
		n <<= 1;
	if (n < FC_WAYS)
		n = FC_WAYS;
	fc = calloc(1, sizeof *fc);
	if (!fc || !(fc->s = calloc(n, sizeof *fc->s))) {
		free(fc);
		return NULL;
	}
	fc->mask = n / FC_WAYS - 1;
	fc->bytes = mem_block(fc) + mem_block(fc->s);
	return fc;
}

void frag_cache_free(struct frag_cache *fc)
{
	if (!fc)
		return;
	for (uint32_t i = 0; i < (fc->mask + 1) * FC_WAYS; i++)
		free(fc->s[i].key);
	free(fc->s);
	free(fc);
}

size_t frag_cache_bytes(const struct frag_cache *fc)
{
	return fc ? fc->bytes : 0;
}

/* A looked-up key, as holds() takes it. */
struct lookup {
	const void *key;
	size_t klen;
	uint64_t h;
};

/* Whether way holds this key (the whole key compared, not its hash). */
static bool holds(const void *way, const void *arg)
{
	const struct slot *s = way;
	const struct lookup *k = arg;

	return s->key && s->h == k->h && s->klen == k->klen && memcmp(s->key, k->key, k->klen) == 0;
}

/* The way of h's set that holds the key (*hit), else the one to replace. */
static struct slot *way_of(struct frag_cache *fc, const void *key, size_t klen, uint64_t h,
			   bool *hit)
{
	struct slot *set = &fc->s[(size_t)(h & fc->mask) * FC_WAYS];
	const struct lookup k = { key, klen, h };

	return &set[lru_way_pick(set, FC_WAYS, sizeof *set, offsetof(struct slot, used), holds, &k,
				 hit)];
}

const struct frag *frag_get(struct frag_cache *fc, const void *key, size_t klen, uint64_t h)
{
	bool hit;
	struct slot *s = way_of(fc, key, klen, h, &hit);

	if (!hit)
		return NULL;
	s->used = ++fc->clock;
	return &s->f;
}

void frag_put(struct frag_cache *fc, const void *key, size_t klen, uint64_t h,
	      const struct frag *f)
{
	bool hit;
	/* The same key again, else an empty way, else the least recently used. */
	struct slot *s = way_of(fc, key, klen, h, &hit);
	uint8_t *b;

	if (!(b = malloc(klen + f->len + 1)))
		return;
	fc->bytes += mem_block(b) - mem_block(s->key);
	free(s->key);
	memcpy(b, key, klen);
	memcpy(b + klen, f->json, f->len);
	s->key = b;
	s->klen = klen;
	s->h = h;
	s->used = ++fc->clock;
	s->f = *f;
	s->f.json = (const char *)b + klen;
}
