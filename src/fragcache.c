/*
 * fragcache.c - bounded, set-associative cache of record fragments (see
 * fragcache.h).
 */
#include "fragcache.h"

#include "mem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Ways per set: one slot per key would let two stacks seen in turn evict
 * each other on every session (463 distinct ClientHellos in 1024
 * direct-mapped slots missed 6,779 times in 27,000 sessions). */
#define FC_WAYS 8

struct slot {
	uint64_t h;
	uint64_t used;                  /* the clock at the last hit or store */
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

static struct slot *set_of(struct frag_cache *fc, uint64_t h)
{
	return &fc->s[(size_t)(h & fc->mask) * FC_WAYS];
}

/* Whether slot s holds this key (the whole key compared, not its hash). */
static bool holds(const struct slot *s, const void *key, size_t klen, uint64_t h)
{
	return s->key && s->h == h && s->klen == klen && memcmp(s->key, key, klen) == 0;
}

const struct frag *frag_get(struct frag_cache *fc, const void *key, size_t klen, uint64_t h)
{
	struct slot *set = set_of(fc, h);

	for (unsigned w = 0; w < FC_WAYS; w++) {
		struct slot *s = &set[w];
		if (holds(s, key, klen, h)) {
			s->used = ++fc->clock;
			return &s->f;
		}
	}
	return NULL;
}

void frag_put(struct frag_cache *fc, const void *key, size_t klen, uint64_t h,
	      const struct frag *f)
{
	struct slot *set = set_of(fc, h), *s = set;
	uint8_t *b;

	/* The same key again, else an empty way, else the least recently used. */
	for (unsigned w = 0; w < FC_WAYS; w++) {
		struct slot *t = &set[w];
		if (holds(t, key, klen, h)) {
			s = t;
			break;
		}
		if (s->key && (!t->key || t->used < s->used))
			s = t;
	}
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
