/*
 * quic_route.c - the reader's QUIC routing map (see quic_route.h).
 *
 *   key 'c' | connection id (1..20 bytes)           -> group
 *   key 'p' | af | lower endpoint | upper endpoint   -> group
 *             (endpoint = 16-byte address, port)
 *   group: worker, last datagram's time, its keys; on an LRU list
 *
 * The keys live in a cidtab, as the workers' own index's (quic_paths.c),
 * which reads a datagram's Destination Connection ID the same way.  A key
 * another group holds stays with it, as there.
 */
#include "quic_route.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../parsers/anomaly.h"
#include "../parsers/quic.h"
#include "cidtab.h"
#include "mem.h"

#define KEY_MAX (2 + 2 * 18)

struct qr_group;

struct qr_entry {
	struct cidtab_key k;        /* first: the table links it */
	struct qr_entry *gnext;     /* the group's keys */
	struct qr_group *g;
};

struct qr_group {
	struct qr_group *prev, *next;   /* LRU: the most recent after the head */
	struct qr_entry *keys;
	uint64_t last;
	unsigned worker;
};

struct qroute {
	struct cidtab t;
	uint32_t max, n_groups;
	struct qr_group lru;            /* list head */
};

struct qroute *qroute_new(uint32_t max_entries, uint64_t seed)
{
	struct qroute *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->max = max_entries;
	r->lru.prev = r->lru.next = &r->lru;
	if (cidtab_init(&r->t, seed))
		return r;
	free(r);
	return NULL;
}

static void drop_group(struct qroute *r, struct qr_group *g)
{
	while (g->keys) {
		struct qr_entry *e = g->keys;

		cidtab_remove(&r->t, &e->k);
		g->keys = e->gnext;
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
	cidtab_fini(&r->t);
	free(r);
}

uint64_t qroute_bytes(const struct qroute *r)
{
	if (!r)
		return 0;
	return mem_chunk(sizeof *r) + r->t.bytes + (uint64_t)r->t.n * mem_chunk(sizeof(struct qr_entry)) +
	       (uint64_t)r->n_groups * mem_chunk(sizeof(struct qr_group));
}

/* Gives key k to g, unless another group holds it; the least recently
 * used groups other than g make room when the map is full. */
static void add(struct qroute *r, struct qr_group *g, const uint8_t *k, size_t n)
{
	struct qr_entry *e;

	if (cidtab_find(&r->t, k, n))
		return;
	while (r->t.n >= r->max && r->lru.prev != g && r->lru.prev != &r->lru)
		drop_group(r, r->lru.prev);
	if (r->t.n >= r->max || !(e = calloc(1, sizeof *e)))
		return;
	cidtab_insert(&r->t, &e->k, k, n);
	e->g = g;
	e->gnext = g->keys;
	g->keys = e;
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
	if (r->t.n == 0 && !lh)
		return shard;
	kn = pair_key(p, k);
	if ((e = (struct qr_entry *)cidtab_find(&r->t, k, kn))) {
		g = e->g;
	} else if ((e = (struct qr_entry *)cidtab_find_dcid(&r->t, d, n))) {
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
