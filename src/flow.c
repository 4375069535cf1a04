/*
 * flow.c - the connection table: chained hash on the canonical 5-tuple
 * (+VLAN), keyed with a random seed per table, grown by doubling, and four
 * LRU lists (open TCP, closed TCP, UDP, TCP without payload yet) for timeouts and eviction.  A TCP
 * and a UDP flow on the same addresses and ports hash alike and are told
 * apart by the protocol.
 */
#include "flow.h"
#include "slab.h"

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
	uint32_t n_compact;
	uint64_t seed;
	struct flow_list lists[FLOW_LISTS];
	struct flow *spare;             /* one freed flow, reused by the next */
	uint64_t bytes;                 /* the buckets and the flows, as allocated (mem.h) */
	struct slab_pool compact[2];    /* compact entries: IPv4, IPv6 (slab.h) */
};

/*
 * The compact form of a TCP connection without payload.  It holds only
 * what such a connection can have: the key without tunnel, the counters of
 * a few packets, and per side one ISN with the flags, TTL and window its
 * SYNs and ACKs left.  The rest is implied (nothing sent but the SYN: the
 * highest sequence number is ISN + 1; an ACK acknowledges the peer's ISN;
 * reassembly starts after the ISN) and checked: flow_shrink() decodes what
 * it encoded and keeps the compact form only if it gives back the same
 * struct flow, byte for byte, so that no state the pipeline or tcptrack.c
 * reads is ever lost or changed; a connection it cannot hold stays whole.
 * 88 bytes for IPv4, 112 for IPv6: with the slab's block pointer, 96-
 * and 120-byte slots of the table's slab pools (slab.h).
 */
struct compact {
	FLOW_HEAD
	uint8_t bits;                   /* CB_* */
	uint8_t pkts;                   /* packets: side 0 low nibble, side 1 high */
	uint64_t first_ns;
	uint32_t seen_d, last_d;        /* seen_ns, ct.last_ns: after first_ns */
	uint32_t source;
	uint16_t port[2], vlan, bytes[2];
	uint8_t ttl[2];
	uint16_t half[2];               /* HB_* flags, wscale in bits 8..11 */
	uint32_t isn[2];
	uint16_t win[2];                /* win_edge - ack */
	uint8_t addr[];                 /* 2 x 4 (IPv4) or 2 x 16 bytes */
};

enum {
	CB_V6 = 1, CB_VLAN = 2, CB_SYN0 = 4, CB_SYN1 = 8, CB_START0 = 16, CB_START1 = 32,
};
enum {
	HB_SYN = 1, HB_ANCHORED = 2, HB_WSCALE = 4, HB_TTL = 8, HB_SND = 16, HB_ACK = 32,
	HB_WIN = 64, HB_ISN = 128,
};

#define COMPACT_MAX (sizeof(struct compact) + 32)

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
	slab_init(&t->compact[0], sizeof(struct compact) + 8);
	slab_init(&t->compact[1], sizeof(struct compact) + 32);
	t->bytes = mem_block(t->bucket);
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	free(t->spare);
	free(t->bucket);
	slab_destroy(&t->compact[0]);
	slab_destroy(&t->compact[1]);
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

/* The links of a table entry, full or compact (both begin with FLOW_HEAD;
 * the build has -fno-strict-aliasing). */
static struct flow_head *H(struct flow *f)
{
	return (struct flow_head *)(void *)f;
}

static void list_unlink(struct flow_list *l, struct flow *f)
{
	struct flow_head *h = H(f);

	if (h->prev)
		H(h->prev)->next = h->next;
	else
		l->head = h->next;
	if (h->next)
		H(h->next)->prev = h->prev;
	else
		l->tail = h->prev;
	h->prev = h->next = NULL;
}

static void list_push(struct flow_list *l, struct flow *f)
{
	struct flow_head *h = H(f);

	h->prev = NULL;
	h->next = l->head;
	if (l->head)
		H(l->head)->prev = f;
	l->head = f;
	if (!l->tail)
		l->tail = f;
}

static bool same_compact(const struct compact *c, const struct flow_endpoints *k, int *side)
{
	static const uint8_t zero[12];
	size_t alen = c->bits & CB_V6 ? 16 : 4;

	if (k->proto != 6 || k->tkey || k->af != (alen == 16 ? 6 : 4) ||
	    k->has_vlan != ((c->bits & CB_VLAN) != 0) || k->vlan != c->vlan)
		return false;
	if (alen == 4 && (memcmp(k->addr[0] + 4, zero, 12) || memcmp(k->addr[1] + 4, zero, 12)))
		return false;
	for (int s = 0; s < 2; s++)
		if (c->port[0] == k->port[s] && c->port[1] == k->port[!s] &&
		    memcmp(c->addr, k->addr[s], alen) == 0 &&
		    memcmp(c->addr + alen, k->addr[!s], alen) == 0) {
			*side = s;
			return true;
		}
	return false;
}

/* A struct flow for the table: the spare one, or a new one. */
static struct flow *take(struct flow_table *t)
{
	struct flow *f = t->spare;

	if (f) {
		t->spare = NULL;
		memset(f, 0, sizeof *f);
		return f;
	}
	if ((f = calloc(1, sizeof *f)))
		t->bytes += mem_block(f);
	return f;
}

/* A struct flow the table no longer uses: kept as the spare, or freed. */
static void release(struct flow_table *t, struct flow *f)
{
	if (!t->spare) {
		t->spare = f;
		return;
	}
	t->bytes -= mem_block(f);
	free(f);
}

/* `to` takes the place of `from` on its hash chain. */
static void rechain(struct flow_table *t, struct flow *from, struct flow *to)
{
	struct flow **pp = &t->bucket[H(from)->hash & t->mask];

	while (*pp != from)
		pp = &H(*pp)->hnext;
	H(to)->hnext = H(from)->hnext;
	*pp = to;
}

static void free_compact(struct flow_table *t, struct compact *c)
{
	t->n_compact--;
	slab_free(c);
}

/* The compact form of f into c (COMPACT_MAX bytes); returns its size, 0
 * when f has state the form has no room for.  What it implies is checked
 * by flow_shrink(). */
static size_t encode(const struct flow *f, struct compact *c)
{
	size_t alen = f->ep.af == 6 ? 16 : 4;
	uint64_t first = f->ct.first_ns;

	if (f->ep.proto != 6 || f->ep.tkey || f->sess || f->rd || f->encap || f->emitted ||
	    f->ct.pkts[0] > 15 || f->ct.pkts[1] > 15 || f->ct.bytes[0] > UINT16_MAX ||
	    f->ct.bytes[1] > UINT16_MAX || f->seen_ns < first || f->seen_ns - first > UINT32_MAX ||
	    f->ct.last_ns < first || f->ct.last_ns - first > UINT32_MAX)
		return 0;
	memset(c, 0, COMPACT_MAX);
	c->hash = f->hash;
	c->bits = (uint8_t)((alen == 16 ? CB_V6 : 0) | (f->ep.has_vlan ? CB_VLAN : 0) |
			    (f->syn_side == 0 ? CB_SYN0 : 0) | (f->syn_side == 1 ? CB_SYN1 : 0) |
			    (f->started & 1 ? CB_START0 : 0) | (f->started & 2 ? CB_START1 : 0));
	c->pkts = (uint8_t)(f->ct.pkts[0] | f->ct.pkts[1] << 4);
	c->first_ns = first;
	c->seen_d = (uint32_t)(f->seen_ns - first);
	c->last_d = (uint32_t)(f->ct.last_ns - first);
	c->source = f->ct.source;
	c->vlan = f->ep.vlan;
	for (int d = 0; d < 2; d++) {
		const struct tcp_half *h = &f->th[d];
		c->port[d] = f->ep.port[d];
		c->bytes[d] = (uint16_t)f->ct.bytes[d];
		c->ttl[d] = h->ttl;
		c->half[d] = (uint16_t)((h->syn_seen ? HB_SYN : 0) | (h->anchored ? HB_ANCHORED : 0) |
					(h->has_wscale ? HB_WSCALE : 0) | (h->ttl_known ? HB_TTL : 0) |
					(h->snd_known ? HB_SND : 0) | (h->ack_known ? HB_ACK : 0) |
					(h->win_known ? HB_WIN : 0) | (h->n_isn ? HB_ISN : 0) |
					(h->wscale & 15) << 8);
		c->isn[d] = h->isn[0];
		c->win[d] = (uint16_t)(h->win_edge - h->ack);
		memcpy(c->addr + (size_t)d * alen, f->ep.addr[d], alen);
	}
	return sizeof *c + 2 * alen;
}

/* The struct flow c stands for (of its head, only the hash). */
static void decode(const struct compact *c, struct flow *f)
{
	size_t alen = c->bits & CB_V6 ? 16 : 4;

	memset(f, 0, sizeof *f);
	f->hash = c->hash;
	f->ep.af = alen == 16 ? 6 : 4;
	f->ep.proto = 6;
	f->ep.has_vlan = (c->bits & CB_VLAN) != 0;
	f->ep.vlan = c->vlan;
	f->ct.first_ns = c->first_ns;
	f->ct.last_ns = c->first_ns + c->last_d;
	f->ct.source = c->source;
	f->seen_ns = c->first_ns + c->seen_d;
	f->syn_side = c->bits & CB_SYN0 ? 0 : c->bits & CB_SYN1 ? 1 : -1;
	f->reuse_side = -1;
	for (int d = 0; d < 2; d++) {
		struct tcp_half *h = &f->th[d];
		uint16_t b = c->half[d];
		memcpy(f->ep.addr[d], c->addr + (size_t)d * alen, alen);
		f->ep.port[d] = c->port[d];
		f->ct.bytes[d] = c->bytes[d];
		f->ct.pkts[d] = (c->pkts >> (4 * d)) & 15;
		if (c->bits & (d ? CB_START1 : CB_START0)) {
			f->started |= (uint8_t)(1u << d);
			f->start_seq[d] = c->isn[d] + 1;
		}
		h->n_isn = b & HB_ISN ? 1 : 0;
		h->isn[0] = c->isn[d];
		h->syn_seen = b & HB_SYN;
		h->anchored = b & HB_ANCHORED;
		h->has_wscale = b & HB_WSCALE;
		h->wscale = (uint8_t)(b >> 8 & 15);
		h->ttl = c->ttl[d];
		h->ttl_known = b & HB_TTL;
		h->snd_known = b & HB_SND;
		h->snd_max = h->snd_known ? c->isn[d] + 1 : 0;
		h->ack_known = b & HB_ACK;
		h->ack = h->ack_known ? c->isn[!d] + 1 : 0;
		h->win_known = b & HB_WIN;
		h->win_edge = h->win_known ? h->ack + c->win[d] : 0;
	}
}

bool flow_shrink(struct flow_table *t, struct flow *f)
{
	union {
		struct compact c;
		uint8_t b[COMPACT_MAX];
	} buf;
	struct flow g;
	struct compact *c;
	size_t n;

	if (f->list != FLOW_QUIET || !(n = encode(f, &buf.c)))
		return false;
	decode(&buf.c, &g);
	g.hnext = f->hnext;
	g.prev = f->prev;
	g.next = f->next;
	g.list = f->list;
	if (memcmp(&g, f, sizeof g) != 0 ||
	    !(c = slab_alloc(&t->compact[n > t->compact[0].slot - sizeof(void *)])))
		return false;
	memcpy(c, &buf, n);
	c->compact = true;
	c->list = FLOW_COMPACT;
	rechain(t, f, (struct flow *)(void *)c);
	list_unlink(&t->lists[FLOW_QUIET], f);
	list_push(&t->lists[FLOW_COMPACT], (struct flow *)(void *)c);
	t->n_compact++;
	release(t, f);
	return true;
}

/* The struct flow of compact entry e, in its place on the hash chain and
 * at the head of FLOW_QUIET; NULL without memory (e is then dropped). */
static struct flow *expand(struct flow_table *t, struct flow *e)
{
	struct compact *c = (struct compact *)(void *)e;
	struct flow *f = take(t);

	if (!f) {
		flow_remove(t, e);
		free_compact(t, c);
		return NULL;
	}
	decode(c, f);
	rechain(t, e, f);
	list_unlink(&t->lists[FLOW_COMPACT], e);
	f->list = FLOW_QUIET;
	list_push(&t->lists[FLOW_QUIET], f);
	free_compact(t, c);
	return f;
}

struct flow *flow_lookup(struct flow_table *t, const struct flow_endpoints *key, int *side)
{
	uint32_t h = key_hash(t, key);

	for (struct flow *f = t->bucket[h & t->mask]; f; f = H(f)->hnext) {
		if (H(f)->hash != h)
			continue;
		if (!H(f)->compact && same(f, key, side))
			return f;
		if (H(f)->compact && same_compact((const struct compact *)(void *)f, key, side))
			return expand(t, f);
	}
	return NULL;
}

bool flow_compact_oldest(const struct flow_table *t, uint64_t *seen_ns)
{
	const struct compact *c = (const struct compact *)(void *)t->lists[FLOW_COMPACT].tail;

	if (!c)
		return false;
	*seen_ns = c->first_ns + c->seen_d;
	return true;
}

void flow_compact_drop(struct flow_table *t)
{
	struct flow *e = t->lists[FLOW_COMPACT].tail;

	if (!e)
		return;
	flow_remove(t, e);
	free_compact(t, (struct compact *)(void *)e);
}

void flow_compact_retime(struct flow_table *t, uint64_t from, uint64_t to, int n)
{
	struct flow *e = t->lists[FLOW_COMPACT].head;

	for (int i = 0; e && i < n; i++) {
		struct compact *c = (struct compact *)(void *)e;
		struct flow *older = c->next;
		if (c->first_ns + c->seen_d == from) {
			if (to >= c->first_ns && to - c->first_ns <= UINT32_MAX) {
				c->seen_d = (uint32_t)(to - c->first_ns);
			} else {
				struct flow *f = expand(t, e);
				if (f)
					f->seen_ns = to;
			}
		}
		e = older;
	}
}

uint32_t flow_compact_count(const struct flow_table *t)
{
	return t->n_compact;
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
			struct flow_head *h = H(f);
			struct flow *n = h->hnext;
			h->hnext = nb[h->hash & nmask];
			nb[h->hash & nmask] = f;
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
	struct flow *f = take(t);

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
	struct flow **pp = &t->bucket[H(f)->hash & t->mask];

	while (*pp && *pp != f)
		pp = &H(*pp)->hnext;
	if (*pp)
		*pp = H(f)->hnext;
	list_unlink(&t->lists[H(f)->list], f);
	t->n--;
}

void flow_free(struct flow_table *t, struct flow *f)
{
	flow_remove(t, f);
	release(t, f);
}

uint64_t flow_table_bytes(const struct flow_table *t)
{
	return t->bytes + t->compact[0].bytes + t->compact[1].bytes;
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
