/*
 * flow.c - the connection table: chained hash on the canonical 5-tuple
 * (+VLAN), keyed with a random seed per table, grown by doubling, and four
 * LRU lists (open TCP, closed TCP, UDP, TCP without payload yet) for
 * timeouts and eviction; the compact connections (FLOW_COMPACT) have a
 * hash and a list of their own.  A TCP
 * and a UDP flow on the same addresses and ports hash alike and are told
 * apart by the protocol.
 */
#include "flow.h"

#include "blkpool.h"
#include "slab.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

struct flow_list {
	struct flow *head, *tail;   /* head: most recent */
	uint32_t n;
};

/* The compact entries' own hash and LRU list (FLOW_COMPACT), linked by
 * slab references (slab.h) whose top bit tells the pool: IPv4 or IPv6. */
#define CREF_V6 0x80000000u

struct compact_set {
	uint32_t *bucket;               /* heads of the hash chains, SLAB_NIL none */
	uint32_t mask;
	uint32_t head, tail;            /* LRU: head most recent */
	uint32_t n;
	struct slab_pool pool[2];       /* IPv4, IPv6 entries */
	uint64_t bucket_bytes;          /* as allocated (mem.h) */
};

struct flow_table {
	struct flow **bucket;
	uint32_t mask;
	uint32_t n, max;
	uint64_t seed;
	struct flow_list lists[FLOW_LISTS];
	/* freed flows and reassembly pairs, reused by the next connections
	 * (FLOW_POOL_MAX of each at most; counted in bytes) */
	struct blkpool spare, spare_rd;
	uint64_t spare_bytes, spare_limit;   /* what they hold, at most */
	uint64_t bytes;                 /* the buckets, the flows, the pairs, as allocated (mem.h) */
	struct compact_set cs;
};

/*
 * The compact form of a TCP connection without payload.  It holds only
 * what such a connection can have: the key without tunnel, the counters of
 * a few packets, and per side one ISN with the flags, TTL and window its
 * SYNs and ACKs left.  The rest is implied (nothing sent but the SYN: the
 * highest sequence number is ISN + 1; an ACK acknowledges the peer's ISN;
 * reassembly starts after the ISN; a TTL is known when it is not 0; the
 * timeout clock saw the last packet) and checked: flow_shrink() decodes
 * what it encoded and keeps the compact form only if it gives back the
 * same struct flow, byte for byte, so that no state the pipeline or
 * tcptrack.c reads is ever lost or changed, and a value too wide for its
 * field makes the connection stay whole instead of wrapping.  52 bytes and
 * the addresses: 60 for IPv4, 84 for IPv6, slots of the table's slab pools
 * (slab.h), which carry no pointer of their own.
 */
struct compact {
	uint32_t hnext;                 /* hash chain: a reference, SLAB_NIL at the end */
	uint32_t prev, next;            /* the LRU list, the same */
	uint32_t isn[2];
	uint32_t first_lo, first_hi;    /* ct.first_ns */
	uint32_t last_d;                /* ct.last_ns - ct.first_ns; seen_ns is ct.last_ns */
	uint16_t port[2];
	uint16_t win[2];                /* win_edge - ack */
	uint32_t side[2];               /* S_* */
	uint32_t x;                     /* X_* */
	uint8_t addr[];                 /* 2 x 4 (IPv4) or 2 x 16 bytes */
};

/* Per side: IP bytes (11 bits: 15 packets of up to 136 bytes), packets
 * (4), TTL (8), window scale (4), then flags. */
#define S_BYTES(w) ((w) & 0x7ffu)
#define S_PKTS(w) ((w) >> 11 & 15u)
#define S_TTL(w) ((w) >> 15 & 0xffu)
#define S_WSCALE(w) ((w) >> 23 & 15u)
enum { S_SYN = 1u << 27, S_ANCHORED = 1u << 28, S_HAS_WSCALE = 1u << 29, S_ACK = 1u << 30,
       S_WIN = 1u << 31 };
/* The connection: VLAN (12 bits), flags, and the source (15 bits). */
#define X_SOURCE_SHIFT 17
enum { X_VLAN = 1u << 12, X_SYN0 = 1u << 13, X_SYN1 = 1u << 14, X_START0 = 1u << 15,
       X_START1 = 1u << 16 };

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
	t->cs.mask = 1023;
	t->cs.bucket = malloc((t->cs.mask + 1) * sizeof *t->cs.bucket);
	if (!t->bucket || !t->cs.bucket) {
		free(t->bucket);
		free(t->cs.bucket);
		free(t);
		return NULL;
	}
	memset(t->cs.bucket, 0xff, (t->cs.mask + 1) * sizeof *t->cs.bucket);
	t->cs.head = t->cs.tail = SLAB_NIL;
	t->max = max_flows;
	t->seed = seed;
	t->spare_limit = 1024;   /* a flow or two, until flow_table_keep() */
	slab_init(&t->cs.pool[0], sizeof(struct compact) + 8);
	slab_init(&t->cs.pool[1], sizeof(struct compact) + 32);
	t->bytes = mem_block(t->bucket);
	t->cs.bucket_bytes = mem_block(t->cs.bucket);
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	flow_table_trim(t);
	free(t->bucket);
	free(t->cs.bucket);
	slab_destroy(&t->cs.pool[0]);
	slab_destroy(&t->cs.pool[1]);
	free(t);
}

/* Whether endpoint a of x is endpoint b of y.  (Equality only: the
 * compiler then compares the addresses as two words, with no call.) */
static bool ep_eq(const struct flow_endpoints *x, int a, const struct flow_endpoints *y, int b)
{
	return x->port[a] == y->port[b] && memcmp(x->addr[a], y->addr[b], 16) == 0;
}

/* One endpoint, mixed under the seed; the key's hash adds the two, so that
 * both directions of a connection hash alike without first ordering the
 * endpoints.  (IPv4 addresses fill the first 4 bytes; the other 12 are
 * zero.)  The seed enters before each multiplication, so the collisions of
 * one run (same a * k for different a) are not those of another: with the
 * words xored with seed halves first, two addresses collide only for seeds
 * that nobody outside the process knows. */
static inline uint64_t ep_hash_words(uint64_t seed, uint64_t a, uint64_t b, uint16_t port)
{
	uint64_t x;

	a ^= seed;
	b ^= seed >> 32 | seed << 32;
	a *= 0x9e3779b97f4a7c15ull;
	b = (b ^ (a >> 31)) * 0xc2b2ae3d27d4eb4full;
	x = a ^ (b >> 29) ^ b ^ (((uint64_t)port + 1 + seed) * 0x165667b19e3779f9ull);
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	return x ^ (x >> 29);
}

static uint64_t ep_hash(uint64_t seed, const uint8_t addr[16], uint16_t port)
{
	uint64_t a, b;

	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	return ep_hash_words(seed, a, b, port);
}

static inline uint32_t pair_mix(uint64_t ha, uint64_t hb, uint16_t vlan)
{
	uint64_t h = ha + hb + (uint64_t)vlan * 0x9e3779b1u;

	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return (uint32_t)(h ^ (h >> 32));
}

/* flow_pair_hash(), inlined where every packet pays for it. */
static inline uint32_t pair_hash(uint64_t seed, const uint8_t a[16], uint16_t pa,
				 const uint8_t b[16], uint16_t pb, uint16_t vlan)
{
	return pair_mix(ep_hash(seed, a, pa), ep_hash(seed, b, pb), vlan);
}

uint32_t flow_pair_hash(uint64_t seed, const uint8_t a[16], uint16_t pa, const uint8_t b[16],
			uint16_t pb, uint16_t vlan)
{
	return pair_hash(seed, a, pa, b, pb, vlan);
}

static uint32_t key_hash(const struct flow_table *t, const struct flow_endpoints *k)
{
	return pair_hash(t->seed ^ k->tkey, k->addr[0], k->port[0], k->addr[1], k->port[1],
			 k->vlan);
}

static bool same(const struct flow *f, const struct flow_endpoints *k, int *side)
{
	if (f->ep.af != k->af || f->ep.has_vlan != k->has_vlan || f->ep.vlan != k->vlan ||
	    f->ep.tkey != k->tkey || f->ep.proto != k->proto)
		return false;
	if (ep_eq(&f->ep, 0, k, 0) && ep_eq(&f->ep, 1, k, 1)) {
		*side = 0;
		return true;
	}
	if (ep_eq(&f->ep, 0, k, 1) && ep_eq(&f->ep, 1, k, 0)) {
		*side = 1;
		return true;
	}
	return false;
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
	l->n--;
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
	l->n++;
}

/* Connections end in bursts (a second's worth of timeouts at a time) and
 * begin one by one.  Their blocks, about 310 and 270 bytes, are above the
 * sizes glibc keeps in quick lists beyond the seven of its per-thread
 * cache, so each free and calloc took its sorted bins and coalescing
 * (about 450 instructions a flow).  Up to FLOW_POOL_MAX freed ones of each
 * are kept here instead, last in first out, within the bytes that
 * flow_table_keep() allows, and given back when memory runs short
 * (flow_table_trim). */
#define FLOW_POOL_MAX 4096u

/* A zeroed block of size bytes: a kept one, or a new one. */
static void *take_block(struct flow_table *t, struct blkpool *p, size_t size)
{
	void *b;

	if (p->head) {
		b = blkpool_get(p, size);
		t->spare_bytes -= mem_block(b);
		memset(b, 0, size);
		return b;
	}
	if ((b = calloc(1, size)))
		t->bytes += mem_block(b);
	return b;
}

/* A block the table no longer uses: kept, or freed. */
static void release_block(struct flow_table *t, struct blkpool *p, void *b)
{
	size_t n = mem_block(b);

	if (!b)
		return;
	if (p->n < FLOW_POOL_MAX && t->spare_bytes + n <= t->spare_limit) {
		blkpool_put(p, b, FLOW_POOL_MAX);
		t->spare_bytes += n;
		return;
	}
	t->bytes -= n;
	free(b);
}

static void drain_blocks(struct flow_table *t, struct blkpool *p)
{
	while (p->head) {
		void *b = blkpool_get(p, 0);
		t->bytes -= mem_block(b);
		t->spare_bytes -= mem_block(b);
		free(b);
	}
}

void flow_table_trim(struct flow_table *t)
{
	drain_blocks(t, &t->spare);
	drain_blocks(t, &t->spare_rd);
}

void flow_table_keep(struct flow_table *t, uint64_t bytes)
{
	t->spare_limit = bytes;
}

static struct flow *take(struct flow_table *t)
{
	return take_block(t, &t->spare, sizeof(struct flow));
}

static void release(struct flow_table *t, struct flow *f)
{
	release_block(t, &t->spare, f);
}

/* Put f on the hash chain of its bucket. */
static void chain(struct flow_table *t, struct flow *f)
{
	f->hnext = t->bucket[f->hash & t->mask];
	t->bucket[f->hash & t->mask] = f;
}

/* Take f off its hash chain. */
static void unchain(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->bucket[f->hash & t->mask];

	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
}

/* ---- the compact entries ---- */

static struct compact *C(const struct flow_table *t, uint32_t ref)
{
	return slab_at(&t->cs.pool[ref >> 31], ref & ~CREF_V6);
}

static size_t alen_of(uint32_t ref)
{
	return ref & CREF_V6 ? 16 : 4;
}

/* The key c stands for (tunnel key 0). */
static void compact_key(const struct compact *c, size_t alen, struct flow_endpoints *k)
{
	memset(k, 0, sizeof *k);
	k->af = alen == 16 ? 6 : 4;
	k->proto = 6;
	k->has_vlan = (c->x & X_VLAN) != 0;
	k->vlan = (uint16_t)(c->x & 0xfff);
	for (int d = 0; d < 2; d++) {
		memcpy(k->addr[d], c->addr + (size_t)d * alen, alen);
		k->port[d] = c->port[d];
	}
}

static inline bool same_compact_at(const struct compact *c, size_t alen,
				   const struct flow_endpoints *k, int *side)
{
	static const uint8_t zero[12];

	if (k->proto != 6 || k->tkey || k->af != (alen == 16 ? 6 : 4) ||
	    k->has_vlan != ((c->x & X_VLAN) != 0) || k->vlan != (c->x & 0xfff))
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

/* Whether compact entry c (addresses alen bytes each) is key k's
 * connection; *side as in same().  (Each length a constant of its own:
 * the compares then need no call.) */
static bool same_compact(const struct compact *c, size_t alen, const struct flow_endpoints *k,
			 int *side)
{
	return alen == 4 ? same_compact_at(c, 4, k, side) : same_compact_at(c, 16, k, side);
}

static uint32_t compact_hash(const struct flow_table *t, uint32_t ref)
{
	struct flow_endpoints k;

	compact_key(C(t, ref), alen_of(ref), &k);
	return flow_pair_hash(t->seed, k.addr[0], k.port[0], k.addr[1], k.port[1], k.vlan);
}

/* Doubles the compact hash (at most one entry per two buckets); without
 * memory the chains grow longer, still correct. */
static void compact_grow(struct flow_table *t)
{
	struct compact_set *cs = &t->cs;
	uint32_t nmask = cs->mask * 2 + 1;
	uint32_t *nb = malloc(((size_t)nmask + 1) * sizeof *nb);

	if (!nb)
		return;
	memset(nb, 0xff, ((size_t)nmask + 1) * sizeof *nb);
	for (uint32_t i = 0; i <= cs->mask; i++)
		for (uint32_t r = cs->bucket[i], n; r != SLAB_NIL; r = n) {
			struct compact *c = C(t, r);
			uint32_t h = compact_hash(t, r) & nmask;
			n = c->hnext;
			c->hnext = nb[h];
			nb[h] = r;
		}
	free(cs->bucket);
	cs->bucket = nb;
	cs->mask = nmask;
	cs->bucket_bytes = mem_block(nb);
}

static void compact_lru_unlink(struct flow_table *t, uint32_t ref)
{
	struct compact *c = C(t, ref);

	if (c->prev != SLAB_NIL)
		C(t, c->prev)->next = c->next;
	else
		t->cs.head = c->next;
	if (c->next != SLAB_NIL)
		C(t, c->next)->prev = c->prev;
	else
		t->cs.tail = c->prev;
}

/* Takes entry ref (of hash h) off the hash and the LRU list and frees it. */
static void compact_free(struct flow_table *t, uint32_t ref, uint32_t h)
{
	uint32_t *pp = &t->cs.bucket[h & t->cs.mask];

	while (*pp != ref)
		pp = &C(t, *pp)->hnext;
	*pp = C(t, ref)->hnext;
	compact_lru_unlink(t, ref);
	slab_free(&t->cs.pool[ref >> 31], ref & ~CREF_V6);
	t->cs.n--;
	t->n--;
}

/* The side word of f's side d (S_*). */
static uint32_t side_word(const struct flow *f, int d)
{
	const struct tcp_half *h = &f->th[d];

	return (uint32_t)f->ct.bytes[d] | (uint32_t)f->ct.pkts[d] << 11 | (uint32_t)h->ttl << 15 |
	       (uint32_t)h->wscale << 23 | (h->syn_seen ? S_SYN : 0) |
	       (h->anchored ? S_ANCHORED : 0) | (h->has_wscale ? S_HAS_WSCALE : 0) |
	       (h->ack_known ? S_ACK : 0) | (h->win_known ? S_WIN : 0);
}

/* The compact form of f into c (COMPACT_MAX bytes); returns its size, 0
 * when f has state the form has no room for (a value wider than its
 * field included).  What it implies is checked by flow_shrink(). */
static size_t encode(const struct flow *f, struct compact *c)
{
	size_t alen = f->ep.af == 6 ? 16 : 4;
	uint64_t first = f->ct.first_ns;

	if (f->ep.proto != 6 || f->ep.tkey || f->sess || f->rd || f->encap || f->emitted ||
	    f->seen_ns != f->ct.last_ns || f->ct.last_ns < first ||
	    f->ct.last_ns - first > UINT32_MAX || f->ep.vlan > 0xfff ||
	    f->ct.source >= 1u << (32 - X_SOURCE_SHIFT))
		return 0;
	for (int d = 0; d < 2; d++)
		if (f->ct.bytes[d] > 0x7ff || f->ct.pkts[d] > 15 || f->th[d].wscale > 15)
			return 0;
	memset(c, 0, COMPACT_MAX);
	c->x = f->ep.vlan | (f->ep.has_vlan ? X_VLAN : 0) | (f->syn_side == 0 ? X_SYN0 : 0) |
	       (f->syn_side == 1 ? X_SYN1 : 0) | (f->started & 1 ? X_START0 : 0) |
	       (f->started & 2 ? X_START1 : 0) | f->ct.source << X_SOURCE_SHIFT;
	c->first_lo = (uint32_t)first;
	c->first_hi = (uint32_t)(first >> 32);
	c->last_d = (uint32_t)(f->ct.last_ns - first);
	for (int d = 0; d < 2; d++) {
		const struct tcp_half *h = &f->th[d];
		c->port[d] = f->ep.port[d];
		c->side[d] = side_word(f, d);
		c->isn[d] = h->isn[0];
		c->win[d] = (uint16_t)(h->win_edge - h->ack);
		memcpy(c->addr + (size_t)d * alen, f->ep.addr[d], alen);
	}
	return sizeof *c + 2 * alen;
}

/* Side d of the struct flow c stands for. */
static void decode_side(const struct compact *c, int d, struct flow *f)
{
	struct tcp_half *h = &f->th[d];
	uint32_t w = c->side[d];

	f->ct.bytes[d] = S_BYTES(w);
	f->ct.pkts[d] = S_PKTS(w);
	if (c->x & (d ? X_START1 : X_START0)) {
		f->started |= (uint8_t)(1u << d);
		f->start_seq[d] = c->isn[d] + 1;
	}
	h->syn_seen = w & S_SYN;
	h->n_isn = h->syn_seen ? 1 : 0;
	h->isn[0] = c->isn[d];
	h->anchored = w & S_ANCHORED;
	h->has_wscale = w & S_HAS_WSCALE;
	h->wscale = (uint8_t)S_WSCALE(w);
	h->ttl = (uint8_t)S_TTL(w);
	h->ttl_known = h->ttl != 0;
	h->snd_known = S_PKTS(w) != 0;
	h->snd_max = h->snd_known ? c->isn[d] + 1 : 0;
	h->ack_known = w & S_ACK;
	h->ack = h->ack_known ? c->isn[!d] + 1 : 0;
	h->win_known = w & S_WIN;
	h->win_edge = h->win_known ? h->ack + c->win[d] : 0;
}

/* The struct flow c (addresses alen bytes each) stands for, hash h; its
 * links are NULL. */
static void decode(const struct compact *c, size_t alen, uint32_t h, struct flow *f)
{
	memset(f, 0, sizeof *f);
	f->hash = h;
	compact_key(c, alen, &f->ep);
	f->ct.first_ns = (uint64_t)c->first_hi << 32 | c->first_lo;
	f->ct.last_ns = f->ct.first_ns + c->last_d;
	f->ct.source = c->x >> X_SOURCE_SHIFT;
	f->seen_ns = f->ct.last_ns;
	f->syn_side = c->x & X_SYN0 ? 0 : c->x & X_SYN1 ? 1 : -1;
	f->reuse_side = -1;
	for (int d = 0; d < 2; d++)
		decode_side(c, d, f);
}

bool flow_shrink(struct flow_table *t, struct flow *f)
{
	union {
		struct compact c;
		uint8_t b[COMPACT_MAX];
	} buf;
	struct compact_set *cs = &t->cs;
	struct flow g;
	uint32_t ref, v6;
	size_t n;

	if (f->list != FLOW_QUIET || !(n = encode(f, &buf.c)))
		return false;
	v6 = f->ep.af == 6 ? CREF_V6 : 0;
	decode(&buf.c, v6 ? 16 : 4, f->hash, &g);
	g.hnext = f->hnext;
	g.prev = f->prev;
	g.next = f->next;
	g.list = f->list;
	if (memcmp(&g, f, sizeof g) != 0 || (ref = slab_alloc(&cs->pool[v6 >> 31])) == SLAB_NIL)
		return false;
	ref |= v6;
	if (cs->n >= (cs->mask + 1) / 2 && cs->mask < (1u << 27))
		compact_grow(t);
	buf.c.hnext = cs->bucket[f->hash & cs->mask];
	cs->bucket[f->hash & cs->mask] = ref;
	buf.c.prev = SLAB_NIL;
	buf.c.next = cs->head;
	memcpy(C(t, ref), &buf, n);
	if (cs->head != SLAB_NIL)
		C(t, cs->head)->prev = ref;
	else
		cs->tail = ref;
	cs->head = ref;
	cs->n++;
	unchain(t, f);
	list_unlink(&t->lists[FLOW_QUIET], f);
	release(t, f);
	return true;
}

/* The struct flow of compact entry ref (hash h), on the hash and at the
 * head of FLOW_QUIET; NULL without memory (the entry is then dropped). */
static struct flow *expand(struct flow_table *t, uint32_t ref, uint32_t h)
{
	struct flow *f = take(t);

	if (f) {
		decode(C(t, ref), alen_of(ref), h, f);
		chain(t, f);
		f->list = FLOW_QUIET;
		list_push(&t->lists[FLOW_QUIET], f);
		t->n++;   /* compact_free counts the entry out */
	}
	compact_free(t, ref, h);
	return f;
}

/* An IPv4 address as the first word of its 16-byte form (the rest zero),
 * read straight from the packet: no key to build in memory first (a
 * 4-byte store read back as 8 bytes stalls the load). */
static inline uint64_t v4_word(const uint8_t p[4])
{
	const uint8_t w[8] = { p[0], p[1], p[2], p[3], 0, 0, 0, 0 };
	uint64_t a;

	memcpy(&a, w, 8);
	return a;
}

uint32_t flow_bucket_prefetch_v4(const struct flow_table *t, const uint8_t src[4], uint16_t sport,
				 const uint8_t dst[4], uint16_t dport, uint16_t vlan)
{
	uint32_t h = pair_mix(ep_hash_words(t->seed, v4_word(src), 0, sport),
			      ep_hash_words(t->seed, v4_word(dst), 0, dport), vlan);

	__builtin_prefetch(&t->bucket[h & t->mask]);
	return h;
}

void flow_prefetch(const struct flow_table *t, uint32_t hash)
{
	const struct flow *f = t->bucket[hash & t->mask];

	if (f)
		for (size_t i = 0; i < sizeof *f; i += 64)
			__builtin_prefetch((const char *)f + i);
}

/* The whole flow of key on the chain of hash h, or NULL. */
static struct flow *chain_find(const struct flow_table *t, const struct flow_endpoints *key,
			       uint32_t h, int *side)
{
	for (struct flow *f = t->bucket[h & t->mask]; f; f = f->hnext)
		if (f->hash == h && same(f, key, side))
			return f;
	return NULL;
}

/* The compact flow of key (hash h), made whole again, or NULL. */
static struct flow *compact_find(struct flow_table *t, const struct flow_endpoints *key,
				 uint32_t h, int *side)
{
	if (!t->cs.n)
		return NULL;
	for (uint32_t r = t->cs.bucket[h & t->cs.mask]; r != SLAB_NIL; r = C(t, r)->hnext)
		if (same_compact(C(t, r), alen_of(r), key, side))
			return expand(t, r, h);
	return NULL;
}

struct flow *flow_lookup(struct flow_table *t, const struct flow_endpoints *key, int *side)
{
	uint32_t h = key_hash(t, key);
	struct flow *f = chain_find(t, key, h, side);

	return f ? f : compact_find(t, key, h, side);
}

struct flow *flow_lookup_hinted(struct flow_table *t, const struct flow_endpoints *key,
				uint32_t hint, int *side)
{
	struct flow *f = chain_find(t, key, hint, side);
	uint32_t h;

	if (f)
		return f;
	h = key_hash(t, key);   /* (a new connection: the hint's chain is walked once) */
	if (h != hint && (f = chain_find(t, key, h, side)))
		return f;
	return compact_find(t, key, h, side);
}

static uint64_t compact_seen(const struct compact *c)
{
	return ((uint64_t)c->first_hi << 32 | c->first_lo) + c->last_d;
}

bool flow_compact_oldest(const struct flow_table *t, uint64_t *seen_ns)
{
	if (t->cs.tail == SLAB_NIL)
		return false;
	*seen_ns = compact_seen(C(t, t->cs.tail));
	return true;
}

void flow_compact_drop(struct flow_table *t)
{
	uint32_t ref = t->cs.tail;

	if (ref != SLAB_NIL)
		compact_free(t, ref, compact_hash(t, ref));
}

void flow_compact_retime(struct flow_table *t, uint64_t from, uint64_t to, int n)
{
	uint32_t r = t->cs.head;

	/* The compact form keeps the last packet's time as the timeout
	 * clock's: such a connection is whole again to be seen at `to`. */
	for (int i = 0; r != SLAB_NIL && i < n; i++) {
		uint32_t older = C(t, r)->next;
		if (compact_seen(C(t, r)) == from) {
			struct flow *f = expand(t, r, compact_hash(t, r));
			if (f)
				f->seen_ns = to;
		}
		r = older;
	}
}

uint32_t flow_compact_count(const struct flow_table *t)
{
	return t->cs.n;
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
	struct flow *f = take(t);

	if (!f)
		return NULL;
	f->ep = *key;
	f->hash = key_hash(t, key);
	f->syn_side = -1;
	f->reuse_side = -1;
	/* At most one whole flow per two buckets (the compact ones have a
	 * hash of their own): a lookup that misses the cache pays for every
	 * chain node it visits. */
	if (t->n - t->cs.n >= (t->mask + 1) / 2 && t->mask < (1u << 27))
		grow(t);
	chain(t, f);
	f->list = key->proto == 17 ? FLOW_UDP : FLOW_OPEN;
	list_push(&t->lists[f->list], f);
	t->n++;
	return f;
}

void flow_touch(struct flow_table *t, struct flow *f, int which)
{
	if (f->list == which && t->lists[which].head == f)
		return;   /* already there: the packets of one flow in a row */
	list_unlink(&t->lists[f->list], f);
	f->list = (uint8_t)which;
	list_push(&t->lists[which], f);
}

void flow_remove(struct flow_table *t, struct flow *f)
{
	unchain(t, f);
	list_unlink(&t->lists[f->list], f);
	t->n--;
}

void flow_free(struct flow_table *t, struct flow *f)
{
	flow_remove(t, f);
	release(t, f);
}

uint64_t flow_table_bytes(const struct flow_table *t)
{
	return t->bytes + t->cs.bucket_bytes + t->cs.pool[0].bytes + t->cs.pool[1].bytes;
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

uint32_t flow_list_count(const struct flow_table *t, int which)
{
	return t->lists[which].n;
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
	if (!(f->rd = take_block(t, &t->spare_rd, 2 * sizeof *f->rd)))
		return false;
	for (int d = 0; d < 2; d++)
		if (f->started & (1u << d))
			reasm_start(&f->rd[d], f->start_seq[d]);
	return true;
}

void flow_reasm_close(struct flow_table *t, struct flow *f, struct reasm_mem *m)
{
	for (int d = 0; d < 2 && f->rd; d++)
		reasm_free(&f->rd[d], m);
	release_block(t, &t->spare_rd, f->rd);
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
