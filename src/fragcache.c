/*
 * fragcache.c - bounded, direct-mapped cache of record fragments (see
 * fragcache.h).
 */
#include "fragcache.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	uint64_t h;
	uint8_t *key;                   /* key bytes, then the fragment */
	size_t klen;
	struct frag f;
};

struct frag_cache {
	struct slot *s;
	uint32_t mask;
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
	fc = calloc(1, sizeof *fc);
	if (!fc || !(fc->s = calloc(n, sizeof *fc->s))) {
		free(fc);
		return NULL;
	}
	fc->mask = n - 1;
	fc->bytes = mem_block(fc) + mem_block(fc->s);
	return fc;
}

void frag_cache_free(struct frag_cache *fc)
{
	if (!fc)
		return;
	for (uint32_t i = 0; i <= fc->mask; i++)
		free(fc->s[i].key);
	free(fc->s);
	free(fc);
}

size_t frag_cache_bytes(const struct frag_cache *fc)
{
	return fc ? fc->bytes : 0;
}

const struct frag *frag_get(struct frag_cache *fc, const void *key, size_t klen, uint64_t h)
{
	struct slot *s = &fc->s[h & fc->mask];

	if (s->key && s->h == h && s->klen == klen && memcmp(s->key, key, klen) == 0)
		return &s->f;
	return NULL;
}

void frag_put(struct frag_cache *fc, const void *key, size_t klen, uint64_t h,
	      const struct frag *f)
{
	struct slot *s = &fc->s[h & fc->mask];
	uint8_t *b = malloc(klen + f->len + 1);

	if (!b)
		return;
	fc->bytes += mem_block(b) - mem_block(s->key);
	free(s->key);
	memcpy(b, key, klen);
	memcpy(b + klen, f->json, f->len);
	s->key = b;
	s->klen = klen;
	s->h = h;
	s->f = *f;
	s->f.json = (const char *)b + klen;
}
