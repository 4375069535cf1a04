/*
 * cidtab.c - the byte-keyed table of QUIC connection ids and paths (see
 * cidtab.h).
 */
#include "cidtab.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

static uint32_t hash_bytes(uint64_t seed, const uint8_t *k, size_t n)
{
	uint64_t h = seed ^ ((uint64_t)n * 0x9e3779b97f4a7c15ull);

	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = 0;

		memcpy(&w, k + i, n - i < 8 ? n - i : 8);
		h = (h ^ w ^ (seed >> 23 | seed << 41)) * 0xc2b2ae3d27d4eb4full;
		h ^= h >> 29;
	}
	h *= 0xd6e8feb86659fd93ull;
	return (uint32_t)(h ^ (h >> 32));
}

bool cidtab_init(struct cidtab *t, uint64_t seed)
{
	memset(t, 0, sizeof *t);
	if (!(t->bucket = calloc(256, sizeof *t->bucket)))
		return false;
	t->mask = 255;
	t->seed = seed;
	t->bytes = mem_chunk(256 * sizeof *t->bucket);
	return true;
}

void cidtab_fini(struct cidtab *t)
{
	free(t->bucket);
	t->bucket = NULL;
}

struct cidtab_key *cidtab_find(const struct cidtab *t, const uint8_t *k, size_t n)
{
	uint32_t h = hash_bytes(t->seed, k, n);

	for (struct cidtab_key *e = t->bucket[h & t->mask]; e; e = e->hnext)
		if (e->hash == h && e->len == n && memcmp(e->key, k, n) == 0)
			return e;
	return NULL;
}

static void grow(struct cidtab *t)
{
	uint32_t nmask = t->mask * 2 + 1;
	struct cidtab_key **nb = calloc((size_t)nmask + 1, sizeof *nb);

	if (!nb)
		return;
	for (uint32_t i = 0; i <= t->mask; i++)
		while (t->bucket[i]) {
			struct cidtab_key *e = t->bucket[i];
			t->bucket[i] = e->hnext;
			e->hnext = nb[e->hash & nmask];
			nb[e->hash & nmask] = e;
		}
	free(t->bucket);
	t->bytes = mem_chunk(((size_t)nmask + 1) * sizeof *nb);
	t->bucket = nb;
	t->mask = nmask;
}

void cidtab_insert(struct cidtab *t, struct cidtab_key *e, const uint8_t *k, size_t n)
{
	if (t->n >= t->mask)
		grow(t);
	memcpy(e->key, k, n);
	e->len = (uint8_t)n;
	e->hash = hash_bytes(t->seed, k, n);
	e->hnext = t->bucket[e->hash & t->mask];
	t->bucket[e->hash & t->mask] = e;
	t->n++;
	if (k[0] == 'c')
		t->n_len[n - 1]++;
}

void cidtab_remove(struct cidtab *t, struct cidtab_key *e)
{
	struct cidtab_key **pp = &t->bucket[e->hash & t->mask];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	t->n--;
	if (e->key[0] == 'c')
		t->n_len[e->len - 1]--;
}

struct cidtab_key *cidtab_find_dcid(const struct cidtab *t, const uint8_t *p, size_t n)
{
	uint8_t k[1 + QUIC_MAX_CID];

	k[0] = 'c';
	if (n < 2)
		return NULL;
	if (p[0] & 0x80) {
		size_t l = n > 5 ? p[5] : 0;

		if (l == 0 || l > QUIC_MAX_CID || n < 6 + l || !t->n_len[l])
			return NULL;
		memcpy(k + 1, p + 6, l);
		return cidtab_find(t, k, 1 + l);
	}
	for (size_t l = 1; l <= QUIC_MAX_CID && 1 + l <= n; l++) {
		struct cidtab_key *e;

		if (!t->n_len[l])
			continue;
		memcpy(k + 1, p + 1, l);
		if ((e = cidtab_find(t, k, 1 + l)))
			return e;
	}
	return NULL;
}
