/*
 * fragcache.c - bounded, direct-mapped cache of record fragments (see
 * fragcache.h).
 */
#include "fragcache.h"

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

/* Eight bytes at a time, each word folded in with a multiply and a rotate,
 * then a final avalanche (the murmur3 finaliser). */
uint64_t frag_hash(const void *key, size_t n)
{
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h ^= w * 0x87c37b91114253d5ull;
		h = (h << 31 | h >> 33) * 0x4cf5ad432745937full;
	}
	w = 0;
	memcpy(&w, p, n);
	h ^= w * 0x87c37b91114253d5ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
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
	free(s->key);
	memcpy(b, key, klen);
	memcpy(b + klen, f->json, f->len);
	s->key = b;
	s->klen = klen;
	s->h = h;
	s->f = *f;
	s->f.json = (const char *)b + klen;
}
