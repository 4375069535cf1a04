/*
 * quic_route.c - the reader's QUIC routing map (see quic_route.h).
 *
 *   key 'c' | connection id (1..20 bytes)           -> group
 *   key 'p' | af | lower endpoint | upper endpoint   -> group
 *             (endpoint = 16-byte address, port)
 *   group: worker, last datagram's time, its keys; on an LRU list
 *
 * The hash and the probing of a datagram's Destination Connection ID are
 * quic_paths.c's (the workers' own index reads connection ids the same
 * way).  A key another group holds stays with it, as there.
 */
#include "quic_route.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../parsers/anomaly.h"
#include "../parsers/quic.h"
#include "mem.h"
#include "quic_paths.h"

#define KEY_MAX (2 + 2 * 18)

struct qr_group;

struct qr_entry {
	struct qr_entry *hnext;     /* hash chain */
	struct qr_entry *gnext;     /* the group's keys */
	struct qr_group *g;
	uint32_t hash;
	uint8_t len;
	uint8_t key[KEY_MAX];
};

struct qr_group {
	struct qr_group *prev, *next;   /* LRU: the most recent after the head */
	struct qr_entry *keys;
	uint64_t last;
	unsigned worker;
};

struct qroute {
	struct qr_entry **bucket;
	uint32_t mask, n, max, n_groups;
	uint32_t n_len[QUIC_MAX_CID + 1];   /* connection ids held, by length */
	struct qr_group lru;                /* list head */
	uint64_t seed;
};

struct qroute *qroute_new(uint32_t max_entries, uint64_t seed)
{
	struct qroute *r = calloc(1, sizeof *r);

	if (r && !(r->bucket = calloc(256, sizeof *r->bucket))) {
		free(r);
		return NULL;
	}
	if (r) {
		r->mask = 255;
		r->max = max_entries;
		r->seed = seed;
		r->lru.prev = r->lru.next = &r->lru;
	}
	return r;
}

static void drop_group(struct qroute *r, struct qr_group *g)
{
	while (g->keys) {
		struct qr_entry *e = g->keys, **pp = &r->bucket[e->hash & r->mask];

		while (*pp != e)
			pp = &(*pp)->hnext;
		*pp = e->hnext;
		g->keys = e->gnext;
		r->n--;
		if (e->key[0] == 'c')
			r->n_len[e->len - 1]--;
		free(e);
	}
	g->prev->next = g->next;
	g->next->prev = g->prev;
	r->n_groups--;
	free(g);
}

void qroute_free(struct qroute *r)
{
	if (!r)
		return;
	while (r->lru.next != &r->lru)
		drop_group(r, r->lru.next);
	free(r->bucket);
	free(r);
}

uint64_t qroute_bytes(const struct qroute *r)
{
	if (!r)
		return 0;
	return mem_chunk(sizeof *r) + mem_chunk(((size_t)r->mask + 1) * sizeof *r->bucket) +
	       (uint64_t)r->n * mem_chunk(sizeof(struct qr_entry)) +
	       (uint64_t)r->n_groups * mem_chunk(sizeof(struct qr_group));
}

static struct qr_entry *lookup(const struct qroute *r, const uint8_t *k, size_t n)
{
	uint32_t h = qpaths_hash(r->seed, k, n);

	for (struct qr_entry *e = r->bucket[h & r->mask]; e; e = e->hnext)
		if (e->hash == h && e->len == n && memcmp(e->key, k, n) == 0)
			return e;
	return NULL;
}

static void *probe(void *r, const uint8_t *k, size_t n)
{
	return lookup(r, k, n);
}

static void grow(struct qroute *r)
{
	uint32_t nmask = r->mask * 2 + 1;
	struct qr_entry **nb = calloc((size_t)nmask + 1, sizeof *nb);

	if (!nb)
		return;   /* longer chains, still correct */
	for (uint32_t i = 0; i <= r->mask; i++)
		while (r->bucket[i]) {
			struct qr_entry *e = r->bucket[i];
			r->bucket[i] = e->hnext;
			e->hnext = nb[e->hash & nmask];
			nb[e->hash & nmask] = e;
		}
	free(r->bucket);
	r->bucket = nb;
	r->mask = nmask;
}

/* Gives key k to g, unless another group holds it; the least recently
 * used groups other than g make room when the map is full. */
static void add(struct qroute *r, struct qr_group *g, const uint8_t *k, size_t n)
{
	struct qr_entry *e;

	if (lookup(r, k, n))
		return;
	while (r->n >= r->max && r->lru.prev != g && r->lru.prev != &r->lru)
		drop_group(r, r->lru.prev);
	if (r->n >= r->max || !(e = calloc(1, sizeof *e)))
		return;
	if (r->n >= r->mask)
		grow(r);
	memcpy(e->key, k, n);
	e->len = (uint8_t)n;
	e->g = g;
	e->hash = qpaths_hash(r->seed, k, n);
	e->hnext = r->bucket[e->hash & r->mask];
	r->bucket[e->hash & r->mask] = e;
	e->gnext = g->keys;
	g->keys = e;
	r->n++;
	if (k[0] == 'c')
		r->n_len[n - 1]++;
}

static void touch(struct qroute *r, struct qr_group *g, uint64_t now)
{
	g->last = now;
	g->prev->next = g->next;
	g->next->prev = g->prev;
	g->next = r->lru.next;
	g->prev = &r->lru;
	r->lru.next->prev = g;
	r->lru.next = g;
}

static struct qr_group *new_group(struct qroute *r, unsigned worker)
{
	struct qr_group *g = calloc(1, sizeof *g);

	if (!g)
		return NULL;
	g->worker = worker;
	g->prev = g->next = g;   /* touch() links it */
	r->n_groups++;
	return g;
}

/* The key of a datagram's 5-tuple, the same both ways; returns its length. */
static size_t pair_key(const struct pkt *p, uint8_t out[KEY_MAX])
{
	uint8_t ep[2][18];
	int lo;

	memcpy(ep[0], p->src, 16);
	memcpy(ep[1], p->dst, 16);
	ep[0][16] = (uint8_t)(p->sport >> 8);
	ep[0][17] = (uint8_t)p->sport;
	ep[1][16] = (uint8_t)(p->dport >> 8);
	ep[1][17] = (uint8_t)p->dport;
	lo = memcmp(ep[0], ep[1], 18) <= 0 ? 0 : 1;
	out[0] = 'p';
	out[1] = p->af;
	memcpy(out + 2, ep[lo], 18);
	memcpy(out + 20, ep[1 - lo], 18);
	return KEY_MAX;
}

/* Whether d[0..n) starts with a long-header packet of a version tlstap
 * decodes or a reserved one (the parser refuses the others). */
static bool quic_long(const uint8_t *d, size_t n, struct quic_packet *pk)
{
	struct anom_set a = { 0 };

	return n >= 7 && (d[0] & 0x80) && quic_packet_parse(d, n, pk, &a) == QUIC_OK;
}

unsigned qroute_pick(struct qroute *r, const struct pkt *p, unsigned shard, uint64_t now)
{
	const uint8_t *d = p->payload;
	size_t n = p->payload_len;
	struct quic_packet pk;
	struct qr_entry *e;
	struct qr_group *g;
	uint8_t k[KEY_MAX];
	size_t kn;
	bool lh;

	if (!r || !d || n < 2)
		return shard;
	lh = quic_long(d, n, &pk);
	if (r->n == 0 && !lh)
		return shard;
	kn = pair_key(p, k);
	if ((e = lookup(r, k, kn))) {
		g = e->g;
	} else if ((e = qpaths_probe_dcid(d, n, r->n_len, probe, r))) {
		g = e->g;   /* a known connection on a new address pair */
		add(r, g, k, kn);
	} else if (lh && (g = new_group(r, shard))) {
		touch(r, g, now);
		add(r, g, k, kn);
		if (!g->keys) {   /* no room */
			drop_group(r, g);
			return shard;
		}
	} else {
		return shard;
	}
	touch(r, g, now);
	if (lh && pk.type != QUIC_PT_VN && pk.scid.len) {
		uint8_t ck[1 + QUIC_MAX_CID];

		ck[0] = 'c';
		memcpy(ck + 1, pk.scid.b, pk.scid.len);
		add(r, g, ck, 1u + pk.scid.len);
	}
	return g->worker;
}

void qroute_expire(struct qroute *r, uint64_t now, uint64_t idle)
{
	while (r && r->lru.prev != &r->lru && r->lru.prev->last + idle < now)
		drop_group(r, r->lru.prev);
}
