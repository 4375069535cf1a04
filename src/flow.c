/*
 * flow.c - the connection table: chained hash on the canonical 5-tuple
 * (+VLAN), keyed with a random seed per table, grown by doubling, and four
 * LRU lists (open TCP, closed TCP, UDP, TCP without payload yet) for timeouts and eviction.  A TCP
 * and a UDP flow on the same addresses and ports hash alike and are told
 * apart by the protocol.
 */
#include "flow.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

struct flow_list {
	struct flow *head, *tail;   /* head: most recent */
};

struct flow_table {
	struct flow **bucket;
	uint32_t mask;
	uint32_t n, max;
	uint64_t seed;
	struct flow_list lists[FLOW_LISTS];
	uint64_t bytes;                 /* the buckets and the flows, as allocated (mem.h) */
};

uint64_t flow_random_seed(void)
{
	uint64_t s = 0;
	struct timespec ts;

	if (getrandom(&s, sizeof s, GRND_NONBLOCK) == (ssize_t)sizeof s)
		return s;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)&s;
}

struct flow_table *flow_table_new(uint32_t max_flows, uint64_t seed)
{
	struct flow_table *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->mask = 4095;
	t->bucket = calloc(t->mask + 1, sizeof *t->bucket);
	if (!t->bucket) {
		free(t);
		return NULL;
	}
	t->max = max_flows;
	t->seed = seed;
	t->bytes = mem_block(t->bucket);
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	free(t->bucket);
	free(t);
}

/* Compare endpoint a of x with endpoint b of y. */
static int ep_cmp(const struct flow_endpoints *x, int a, const struct flow_endpoints *y, int b)
{
	int c = memcmp(x->addr[a], y->addr[b], 16);
	if (c)
		return c;
	return (int)x->port[a] - (int)y->port[b];
}

/* One endpoint, mixed under the seed; the key's hash adds the two, so that
 * both directions of a connection hash alike without first ordering the
 * endpoints.  (IPv4 addresses fill the first 4 bytes; the other 12 are
 * zero.)  The seed enters before each multiplication, so the collisions of
 * one run (same a * k for different a) are not those of another: with the
 * words xored with seed halves first, two addresses collide only for seeds
 * that nobody outside the process knows. */
static uint64_t ep_hash(uint64_t seed, const uint8_t addr[16], uint16_t port)
{
	uint64_t a, b, x;

	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	a ^= seed;
	b ^= seed >> 32 | seed << 32;
	a *= 0x9e3779b97f4a7c15ull;
	b = (b ^ (a >> 31)) * 0xc2b2ae3d27d4eb4full;
	x = a ^ (b >> 29) ^ b ^ (((uint64_t)port + 1 + seed) * 0x165667b19e3779f9ull);
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	return x ^ (x >> 29);
}

uint32_t flow_pair_hash(uint64_t seed, const uint8_t a[16], uint16_t pa, const uint8_t b[16],
			uint16_t pb, uint16_t vlan)
{
	uint64_t h = ep_hash(seed, a, pa) + ep_hash(seed, b, pb) + (uint64_t)vlan * 0x9e3779b1u;

	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return (uint32_t)(h ^ (h >> 32));
}

static uint32_t key_hash(const struct flow_table *t, const struct flow_endpoints *k)
{
	return flow_pair_hash(t->seed ^ k->tkey, k->addr[0], k->port[0], k->addr[1], k->port[1],
			      k->vlan);
}

static bool same(const struct flow *f, const struct flow_endpoints *k, int *side)
{
	if (f->ep.af != k->af || f->ep.has_vlan != k->has_vlan || f->ep.vlan != k->vlan ||
	    f->ep.tkey != k->tkey || f->ep.proto != k->proto)
		return false;
	if (ep_cmp(&f->ep, 0, k, 0) == 0 && ep_cmp(&f->ep, 1, k, 1) == 0) {
		*side = 0;
		return true;
	}
	if (ep_cmp(&f->ep, 0, k, 1) == 0 && ep_cmp(&f->ep, 1, k, 0) == 0) {
		*side = 1;
		return true;
	}
	return false;
}

struct flow *flow_lookup(struct flow_table *t, const struct flow_endpoints *key, int *side)
{
	uint32_t h = key_hash(t, key);

	for (struct flow *f = t->bucket[h & t->mask]; f; f = f->hnext)
		if (f->hash == h && same(f, key, side))
			return f;
	return NULL;
}

static void list_unlink(struct flow_list *l, struct flow *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		l->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NULL;
}

static void list_push(struct flow_list *l, struct flow *f)
{
	f->prev = NULL;
	f->next = l->head;
	if (l->head)
		l->head->prev = f;
	l->head = f;
	if (!l->tail)
		l->tail = f;
}

static void grow(struct flow_table *t)
{
	uint32_t nmask = t->mask * 2 + 1;
	struct flow **nb = calloc((size_t)nmask + 1, sizeof *nb);

	if (!nb)
		return;   /* longer chains, still correct */
	for (uint32_t i = 0; i <= t->mask; i++) {
		struct flow *f = t->bucket[i];
		while (f) {
			struct flow *n = f->hnext;
			f->hnext = nb[f->hash & nmask];
			nb[f->hash & nmask] = f;
			f = n;
		}
	}
	t->bytes += mem_block(nb) - mem_block(t->bucket);
	free(t->bucket);
	t->bucket = nb;
	t->mask = nmask;
}

struct flow *flow_insert(struct flow_table *t, const struct flow_endpoints *key)
{
	struct flow *f = calloc(1, sizeof *f);

	if (!f)
		return NULL;
	f->ep = *key;
	f->hash = key_hash(t, key);
	f->syn_side = -1;
	f->reuse_side = -1;
	/* At most one flow per two buckets: a lookup that misses the cache
	 * pays for every chain node it visits. */
	if (t->n >= (t->mask + 1) / 2 && t->mask < (1u << 27))
		grow(t);
	f->hnext = t->bucket[f->hash & t->mask];
	t->bucket[f->hash & t->mask] = f;
	f->list = key->proto == 17 ? FLOW_UDP : FLOW_OPEN;
	list_push(&t->lists[f->list], f);
	t->n++;
	t->bytes += mem_block(f);
	return f;
}

void flow_touch(struct flow_table *t, struct flow *f, int which)
{
	list_unlink(&t->lists[f->list], f);
	f->list = (uint8_t)which;
	list_push(&t->lists[which], f);
}

void flow_remove(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->bucket[f->hash & t->mask];

	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	list_unlink(&t->lists[f->list], f);
	t->n--;
}

void flow_free(struct flow_table *t, struct flow *f)
{
	flow_remove(t, f);
	t->bytes -= mem_block(f);
	free(f);
}

uint64_t flow_table_bytes(const struct flow_table *t)
{
	return t->bytes;
}

uint32_t flow_count(const struct flow_table *t)
{
	return t->n;
}

uint32_t flow_max(const struct flow_table *t)
{
	return t->max;
}

struct flow *flow_oldest(struct flow_table *t, int which)
{
	return t->lists[which].tail;
}

struct flow *flow_newest(struct flow_table *t, int which)
{
	return t->lists[which].head;
}

struct flow *flow_any(struct flow_table *t)
{
	for (int i = FLOW_CLOSED; i >= FLOW_OPEN; i--)
		if (t->lists[i].tail)
			return t->lists[i].tail;
	if (t->lists[FLOW_UDP].tail)
		return t->lists[FLOW_UDP].tail;
	return t->lists[FLOW_QUIET].tail;
}

bool flow_reasm_open(struct flow_table *t, struct flow *f)
{
	if (f->rd)
		return true;
	if (!(f->rd = calloc(2, sizeof *f->rd)))
		return false;
	t->bytes += mem_block(f->rd);
	for (int d = 0; d < 2; d++)
		if (f->started & (1u << d))
			reasm_start(&f->rd[d], f->start_seq[d]);
	return true;
}

void flow_reasm_close(struct flow_table *t, struct flow *f, struct reasm_mem *m)
{
	for (int d = 0; d < 2 && f->rd; d++)
		reasm_free(&f->rd[d], m);
	t->bytes -= mem_block(f->rd);
	free(f->rd);
	f->rd = NULL;
	f->rd_done = true;
}

bool flow_dir_init(const struct flow *f, int d)
{
	if (f->rd)
		return f->rd[d].init;
	return f->rd_done || (f->started & (1u << d));
}

bool flow_dir_next(const struct flow *f, int d, uint32_t *next)
{
	if (f->rd) {
		*next = f->rd[d].next_seq;
		return f->rd[d].init && !f->rd[d].stopped;
	}
	*next = f->start_seq[d];
	return !f->rd_done && (f->started & (1u << d));
}

void flow_dir_start(struct flow *f, int d, uint32_t seq)
{
	if (f->rd) {
		reasm_start(&f->rd[d], seq);
	} else if (!f->rd_done) {
		f->start_seq[d] = seq;
		f->started |= (uint8_t)(1u << d);
	}
}
