/*
 * Unit tests for src/flow.c: connections found from either direction with
 * the right side, keys that differ only by VLAN, family or port order kept
 * apart, a table grown far past its first size, and the two LRU lists that
 * timeouts and eviction read.  Every flow is freed by the test, as the
 * pipeline does after flow_remove().  Then the keyed hash, and the endpoint
 * model each flow carries (tcptrack.c): ISN candidates and anchoring, RST
 * acceptance (RFC 5961), the window, checksum modes, TTL and the ACK flag.
 * Last, the compact form of connections without payload, and the look
 * ahead's hash (flow_bucket_prefetch_v4).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/flow.h"
#include "../../src/mem.h"
#include "../../src/pktclock.h"
#include "../../src/tcptrack.h"
#include "tt_test.h"

/* An IPv4 connection a:pa -> b:pb; every byte the table may compare is set. */
static struct flow_endpoints v4(uint32_t a, uint16_t pa, uint32_t b, uint16_t pb)
{
	struct flow_endpoints k;

	memset(&k, 0, sizeof k);
	k.af = 4;
	for (int i = 0; i < 4; i++) {
		k.addr[0][i] = (uint8_t)(a >> (24 - 8 * i));
		k.addr[1][i] = (uint8_t)(b >> (24 - 8 * i));
	}
	k.port[0] = pa;
	k.port[1] = pb;
	return k;
}

/* An IPv6 connection 2001:db8::<a> -> 2001:db8::<b>. */
static struct flow_endpoints v6(uint32_t a, uint16_t pa, uint32_t b, uint16_t pb)
{
	struct flow_endpoints k;

	memset(&k, 0, sizeof k);
	k.af = 6;
	for (int s = 0; s < 2; s++) {
		uint32_t x = s ? b : a;
		k.addr[s][0] = 0x20;
		k.addr[s][1] = 0x01;
		k.addr[s][2] = 0x0d;
		k.addr[s][3] = 0xb8;
		for (int i = 0; i < 4; i++)
			k.addr[s][12 + i] = (uint8_t)(x >> (24 - 8 * i));
	}
	k.port[0] = pa;
	k.port[1] = pb;
	return k;
}

/* The same connection seen from the other end. */
static struct flow_endpoints rev(const struct flow_endpoints *k)
{
	struct flow_endpoints r = *k;

	memcpy(r.addr[0], k->addr[1], 16);
	memcpy(r.addr[1], k->addr[0], 16);
	r.port[0] = k->port[1];
	r.port[1] = k->port[0];
	return r;
}

static struct flow_endpoints with_vlan(struct flow_endpoints k, uint16_t vlan)
{
	k.has_vlan = true;
	k.vlan = vlan;
	return k;
}

/* Look k up: the side it reports if it finds f, -1 if it finds nothing,
 * -2 if it finds another flow. */
static int side_of(struct flow_table *t, const struct flow_endpoints *k, const struct flow *f)
{
	int side = -1;
	struct flow *g = flow_lookup(t, k, &side);

	if (g != f)
		return -2;
	return g ? side : -1;
}

static void drop(struct flow_table *t, struct flow *f)
{
	flow_remove(t, f);
	free(f);
}

/* Remove and free what is left, through flow_any() as the pipeline drains. */
static void drain(struct flow_table *t)
{
	struct flow *f;
	uint32_t n = flow_count(t);

	while ((f = flow_any(t)) != NULL && n-- > 0)
		drop(t, f);
	CHECK(flow_count(t) == 0);
	CHECK(flow_any(t) == NULL);
}

/* A flow is found from both directions: side 0 for the first packet's
 * sender, side 1 for the answer; the stored key is the inserting one. */
static void test_both_directions(void)
{
	struct flow_table *t = flow_table_new(1000, 0x5eed);
	struct flow_endpoints a = v4(0x0a000001, 40000, 0xc0a80001, 443);
	struct flow_endpoints b = v6(1, 51000, 2, 8443);
	struct flow_endpoints ra = rev(&a), rb = rev(&b);
	struct flow *fa, *fb;
	int side = 7;

	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(flow_count(t) == 0 && flow_max(t) == 1000);
	CHECK(flow_lookup(t, &a, &side) == NULL);
	CHECK(flow_oldest(t, false) == NULL && flow_oldest(t, true) == NULL);
	CHECK(flow_any(t) == NULL);

	fa = flow_insert(t, &a);
	fb = flow_insert(t, &b);
	CHECK(fa && fb && fa != fb);
	if (!fa || !fb)
		return;
	CHECK(flow_count(t) == 2);
	/* A new flow: its key, no session, no SYN seen, on the open list. */
	CHECK(memcmp(&fa->ep, &a, sizeof a) == 0);
	CHECK(fa->sess == NULL && fa->syn_side == -1 && fa->list == FLOW_OPEN);
	CHECK(!fa->rd && !fa->started && fa->ct.pkts[0] == 0);

	CHECK(side_of(t, &a, fa) == 0);
	CHECK(side_of(t, &ra, fa) == 1);
	CHECK(side_of(t, &b, fb) == 0);
	CHECK(side_of(t, &rb, fb) == 1);

	/* Either end changed by one port or one address bit: another flow. */
	struct flow_endpoints x = a;
	x.port[0]++;
	CHECK(flow_lookup(t, &x, &side) == NULL);
	x = a;
	x.addr[1][3] ^= 1;
	CHECK(flow_lookup(t, &x, &side) == NULL);
	x = b;
	x.addr[0][15] ^= 0x80;
	CHECK(flow_lookup(t, &x, &side) == NULL);
	x = b;
	x.port[1] = 443;
	CHECK(flow_lookup(t, &x, &side) == NULL);

	/* The same 16 address bytes under the other family are another flow. */
	x = a;
	x.af = 6;
	CHECK(flow_lookup(t, &x, &side) == NULL);

	/* Ports swapped between the hosts: a different connection, kept apart
	 * from the first, each found with its own sides. */
	struct flow_endpoints s = a;
	s.port[0] = a.port[1];
	s.port[1] = a.port[0];
	struct flow_endpoints rs = rev(&s);
	CHECK(flow_lookup(t, &s, &side) == NULL);
	struct flow *fs = flow_insert(t, &s);
	CHECK(fs != NULL);
	CHECK(side_of(t, &s, fs) == 0 && side_of(t, &rs, fs) == 1);
	CHECK(side_of(t, &a, fa) == 0 && side_of(t, &ra, fa) == 1);

	/* Both ends on one host (loopback): told apart by port. */
	struct flow_endpoints lo = v4(0x7f000001, 1000, 0x7f000001, 2000);
	struct flow_endpoints rlo = rev(&lo);
	struct flow *fl = flow_insert(t, &lo);
	CHECK(fl != NULL);
	CHECK(side_of(t, &lo, fl) == 0 && side_of(t, &rlo, fl) == 1);
	CHECK(flow_count(t) == 4);

	drain(t);
	flow_table_free(t);
	flow_table_free(NULL);
}

/* The outermost VLAN is part of the key: the same addresses and ports on
 * two VLANs, and untagged, are three connections. */
static void test_vlan(void)
{
	struct flow_table *t = flow_table_new(100, 0x5eed);
	struct flow_endpoints k = v4(0x0a000001, 40000, 0x0a000002, 443);
	struct flow_endpoints k10 = with_vlan(k, 10), k20 = with_vlan(k, 20);
	struct flow_endpoints r10 = rev(&k10), r20 = rev(&k20), rk = rev(&k);
	struct flow *f10, *f20, *f0;
	int side;

	if (!t) {
		CHECK(t != NULL);
		return;
	}
	f10 = flow_insert(t, &k10);
	CHECK(flow_lookup(t, &k, &side) == NULL);
	CHECK(flow_lookup(t, &k20, &side) == NULL);
	f20 = flow_insert(t, &k20);
	f0 = flow_insert(t, &k);
	CHECK(f10 && f20 && f0 && f10 != f20 && f20 != f0 && f10 != f0);
	CHECK(side_of(t, &k10, f10) == 0 && side_of(t, &r10, f10) == 1);
	CHECK(side_of(t, &k20, f20) == 0 && side_of(t, &r20, f20) == 1);
	CHECK(side_of(t, &k, f0) == 0 && side_of(t, &rk, f0) == 1);
	CHECK(flow_count(t) == 3);

	/* Removing one leaves the other two where they were. */
	drop(t, f10);
	CHECK(flow_lookup(t, &k10, &side) == NULL && flow_lookup(t, &r10, &side) == NULL);
	CHECK(side_of(t, &r20, f20) == 1 && side_of(t, &rk, f0) == 1);
	CHECK(flow_count(t) == 2);

	/* IPv6 too. */
	struct flow_endpoints s = v6(7, 1, 9, 2);
	struct flow_endpoints s1 = with_vlan(s, 1), s4094 = with_vlan(s, 4094);
	struct flow_endpoints rs4094 = rev(&s4094);
	struct flow *g1 = flow_insert(t, &s1), *g2 = flow_insert(t, &s4094);
	CHECK(g1 && g2 && g1 != g2);
	CHECK(side_of(t, &s1, g1) == 0 && side_of(t, &rs4094, g2) == 1);
	CHECK(flow_lookup(t, &s, &side) == NULL);

	drain(t);
	flow_table_free(t);
}

/* The key of the i-th connection of the growth test: IPv4 and IPv6 mixed,
 * many sharing a server address and port, as real traffic does. */
static struct flow_endpoints nth(uint32_t i)
{
	struct flow_endpoints k;

	if (i % 3 == 2)
		k = v6(0x10000 + i, (uint16_t)(1024 + i % 50000), 0x443, 443);
	else
		k = v4(0x0a000000 + i / 7, (uint16_t)(1024 + i), 0xc0000201, 443);
	if (i % 5 == 4)
		k = with_vlan(k, (uint16_t)(i % 4000 + 1));
	return k;
}

/* Thousands of flows, far past the first hash size: every one is still
 * found from both sides while the table grows, after it grew, and after
 * half of them are removed; the removed ones are gone. */
/* Two tenants (tunnel keys) with the same inner addresses and ports are
 * two flows, each found from both directions; no key is a third. */
static void test_tunnel_key(void)
{
	struct flow_table *t = flow_table_new(1000, 0x5eed);
	struct flow_endpoints k = v4(0xc0a83201, 40000, 0xc0a83202, 443);
	struct flow_endpoints a = k, b = k, ra, rb;
	struct flow *fa, *fb, *f0;

	if (!t)
		return;
	a.tkey = 0x1111111111111111ull;
	b.tkey = 0x1111111111111113ull;
	ra = rev(&a);
	rb = rev(&b);
	fa = flow_insert(t, &a);
	fb = flow_insert(t, &b);
	f0 = flow_insert(t, &k);
	CHECK(fa && fb && f0 && fa != fb && fb != f0);
	CHECK(side_of(t, &a, fa) == 0 && side_of(t, &ra, fa) == 1);
	CHECK(side_of(t, &b, fb) == 0 && side_of(t, &rb, fb) == 1);
	CHECK(side_of(t, &k, f0) == 0);
	drain(t);
	flow_table_free(t);
}

static void test_growth(void)
{
	enum { N = 50000 };
	struct flow_table *t = flow_table_new(N, 0x5eed);
	struct flow **fs = calloc(N, sizeof *fs);
	int lost = 0, wrong = 0, ghosts = 0, side;

	if (!t || !fs) {
		CHECK(t && fs);
		flow_table_free(t);
		free(fs);
		return;
	}
	for (uint32_t i = 0; i < N; i++) {
		struct flow_endpoints k = nth(i);
		fs[i] = flow_insert(t, &k);
		if (!fs[i]) {
			lost++;
			continue;
		}
		/* An earlier flow, looked up while the table grows under it. */
		uint32_t j = i / 2;
		struct flow_endpoints kj = nth(j), rj = rev(&kj);
		if (side_of(t, &kj, fs[j]) != 0 || side_of(t, &rj, fs[j]) != 1)
			wrong++;
	}
	CHECK(lost == 0);
	CHECK(wrong == 0);
	CHECK(flow_count(t) == N);

	wrong = 0;
	for (uint32_t i = 0; i < N; i++) {
		struct flow_endpoints k = nth(i), r = rev(&k);
		if (side_of(t, &k, fs[i]) != 0 || side_of(t, &r, fs[i]) != 1)
			wrong++;
	}
	CHECK(wrong == 0);

	/* Remove every other one, some from the closed list. */
	for (uint32_t i = 0; i < N; i += 2) {
		if (i % 4 == 0)
			flow_touch(t, fs[i], true);
		drop(t, fs[i]);
		fs[i] = NULL;
	}
	CHECK(flow_count(t) == N / 2);
	wrong = 0;
	for (uint32_t i = 0; i < N; i++) {
		struct flow_endpoints k = nth(i), r = rev(&k);
		if (i % 2 == 0) {
			if (flow_lookup(t, &k, &side) || flow_lookup(t, &r, &side))
				ghosts++;
		} else if (side_of(t, &k, fs[i]) != 0 || side_of(t, &r, fs[i]) != 1) {
			wrong++;
		}
	}
	CHECK(ghosts == 0);
	CHECK(wrong == 0);

	/* Draining visits each remaining flow once. */
	uint32_t visited = 0;
	struct flow *f;
	while ((f = flow_any(t)) != NULL && visited <= N) {
		drop(t, f);
		visited++;
	}
	CHECK(visited == N / 2);
	CHECK(flow_count(t) == 0 && flow_any(t) == NULL);
	CHECK(flow_oldest(t, false) == NULL && flow_oldest(t, true) == NULL);
	free(fs);
	flow_table_free(t);
}

/* The two LRU lists: flow_touch() moves a flow to the most recent end of
 * the list it names, flow_oldest() gives the least recently touched of a
 * list, flow_any() prefers closed flows, flow_remove() unlinks from
 * whichever list holds the flow. */
static void test_lru(void)
{
	struct flow_table *t = flow_table_new(4, 0x5eed);
	struct flow_endpoints ka = v4(1, 1, 2, 2), kb = v4(1, 3, 2, 2);
	struct flow_endpoints kc = v4(1, 4, 2, 2), kd = v6(1, 5, 2, 2);
	struct flow *a, *b, *c, *d;
	int side;

	if (!t) {
		CHECK(t != NULL);
		return;
	}
	CHECK(flow_max(t) == 4);
	a = flow_insert(t, &ka);
	b = flow_insert(t, &kb);
	c = flow_insert(t, &kc);
	CHECK(a && b && c);
	if (!a || !b || !c)
		return;
	/* Insertion counts as being seen: a is the oldest. */
	CHECK(flow_oldest(t, false) == a);
	CHECK(flow_oldest(t, true) == NULL);
	CHECK(flow_any(t) == a);

	flow_touch(t, a, false);            /* open: b c a */
	CHECK(flow_oldest(t, false) == b);
	flow_touch(t, b, false);            /* open: c a b */
	CHECK(flow_oldest(t, false) == c);
	flow_touch(t, c, false);            /* touching the newest changes nothing else */
	flow_touch(t, c, false);            /* open: a b c */
	CHECK(flow_oldest(t, false) == a);

	flow_touch(t, b, true);             /* open: a c, closed: b */
	CHECK(b->list == FLOW_CLOSED && a->list == FLOW_OPEN);
	CHECK(flow_oldest(t, false) == a);
	CHECK(flow_oldest(t, true) == b);
	CHECK(flow_any(t) == b);
	flow_touch(t, a, true);             /* open: c, closed: b a */
	CHECK(flow_oldest(t, false) == c);
	CHECK(flow_oldest(t, true) == b);
	flow_touch(t, b, true);             /* closed: a b */
	CHECK(flow_oldest(t, true) == a);

	/* Back from closed to open (the port pair in use again). */
	flow_touch(t, a, false);            /* open: c a, closed: b */
	CHECK(a->list == FLOW_OPEN);
	CHECK(flow_oldest(t, true) == b);
	CHECK(flow_oldest(t, false) == c);

	/* The lookup is unaffected by which list a flow is on. */
	CHECK(flow_lookup(t, &kb, &side) == b && side == 0);

	/* Remove from the middle, the tail and the only member of a list. */
	d = flow_insert(t, &kd);            /* open: c a d */
	CHECK(d != NULL && flow_count(t) == 4);
	drop(t, a);                         /* open: c d */
	CHECK(flow_oldest(t, false) == c);
	drop(t, c);                         /* open: d */
	CHECK(flow_oldest(t, false) == d);
	CHECK(flow_lookup(t, &kd, &side) == d && side == 0);
	drop(t, b);                         /* closed: empty */
	CHECK(flow_oldest(t, true) == NULL);
	CHECK(flow_any(t) == d);
	flow_touch(t, d, true);
	CHECK(flow_oldest(t, false) == NULL && flow_oldest(t, true) == d);
	drop(t, d);
	CHECK(flow_count(t) == 0 && flow_any(t) == NULL);
	CHECK(flow_oldest(t, false) == NULL && flow_oldest(t, true) == NULL);
	flow_table_free(t);
}

/* Eviction as the pipeline does it at max flows: closed flows go first,
 * then the least recently touched open one.  The test keeps its own record
 * of when each flow was last touched and on which list, and checks every
 * victim against it over many rounds of touching and removing. */
static void test_eviction_order(void)
{
	enum { M = 64, ROUNDS = M * 20 };
	static uint32_t stamp[ROUNDS];
	static bool live[ROUNDS], closed[ROUNDS];
	struct flow_table *t = flow_table_new(M, 0x5eed);
	uint32_t now = 0, bad = 0, evicted = 0;

	if (!t) {
		CHECK(t != NULL);
		return;
	}
	for (uint32_t i = 0; i < ROUNDS; i++) {
		struct flow_endpoints k = v4(0x0a000001, (uint16_t)(1000 + i), 0x0a000002, 443);
		struct flow *f;
		int side;

		if (flow_count(t) >= flow_max(t)) {
			struct flow *old = flow_oldest(t, true);
			uint32_t want = ROUNDS;
			bool any_closed = false;

			if (!old)
				old = flow_oldest(t, false);
			for (uint32_t j = 0; j < i; j++)
				if (live[j] && closed[j])
					any_closed = true;
			for (uint32_t j = 0; j < i; j++)
				if (live[j] && closed[j] == any_closed &&
				    (want == ROUNDS || stamp[j] < stamp[want]))
					want = j;
			if (!old || want == ROUNDS || old->ep.port[0] != 1000 + want) {
				bad++;
				break;
			}
			live[want] = false;
			drop(t, old);
			evicted++;
		}
		f = flow_insert(t, &k);
		if (!f) {
			bad++;
			break;
		}
		live[i] = true;
		closed[i] = false;
		stamp[i] = ++now;
		/* Touch a pseudo-random earlier flow, closing some, reopening
		 * others. */
		uint32_t j = (uint32_t)((i * 2654435761u) % (i + 1));
		struct flow_endpoints kj = v4(0x0a000001, (uint16_t)(1000 + j), 0x0a000002, 443);
		struct flow *g = flow_lookup(t, &kj, &side);
		if ((g != NULL) != live[j])
			bad++;
		if (g) {
			closed[j] = j % 3 == 0 && i % 2 == 0;
			flow_touch(t, g, closed[j]);
			stamp[j] = ++now;
		}
		if (flow_count(t) > M)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(evicted == ROUNDS - M);
	CHECK(flow_count(t) == M);
	drain(t);
	flow_table_free(t);
}

/* The pair hash is symmetric under any seed, and the seed changes it: keys
 * that collide under one seed (here, 64 IPv6 addresses of one /64 chosen
 * to share a bucket of 4,096) spread out under another. */
static void test_seeded_hash(void)
{
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 }, b[16] = { 0x20, 0x01, 0x0d, 0xb8, 1 };
	uint8_t found[64][16];
	int n = 0, same = 0;

	CHECK(flow_pair_hash(1, a, 443, b, 5000, 7) == flow_pair_hash(1, b, 5000, a, 443, 7));
	CHECK(flow_pair_hash(1, a, 443, b, 5000, 7) != flow_pair_hash(2, a, 443, b, 5000, 7));
	CHECK(flow_random_seed() != flow_random_seed());
	{
		uint32_t want = flow_pair_hash(11, a, 443, b, 5000, 0) & 4095;
		for (uint32_t i = 1; n < 64 && i < 4000000; i++) {
			memcpy(a + 12, &i, 4);
			if ((flow_pair_hash(11, a, 443, b, 5000, 0) & 4095) == want)
				memcpy(found[n++], a, 16);
		}
	}
	CHECK(n == 64);
	for (int i = 1; i < n; i++)
		same += (flow_pair_hash(12, found[i], 443, b, 5000, 0) & 4095) ==
			(flow_pair_hash(12, found[0], 443, b, 5000, 0) & 4095);
	CHECK(same <= 2);

	/* A table keyed differently finds the same flows. */
	struct flow_table *t = flow_table_new(100, 99);
	struct flow_endpoints k = v6(1, 443, 2, 5000);
	struct flow *f = flow_insert(t, &k);
	struct flow_endpoints r = rev(&k);
	CHECK(f && side_of(t, &k, f) == 0 && side_of(t, &r, f) == 1);
	drain(t);
	flow_table_free(t);
}

/* The look ahead's hash of an IPv4 connection, made from the wire's
 * addresses, is the one its flow was filed under, from either end, with
 * and without a VLAN; prefetching any hash, of a flow or of an empty slot,
 * changes nothing. */
static void test_prefetch_hash(void)
{
	struct flow_table *t = flow_table_new(100, 0xfeedface);
	struct flow_endpoints k = v4(0x0a000001, 40000, 0xc0a80001, 443);
	struct flow_endpoints kv = with_vlan(v4(0x0a000002, 40001, 0xc0a80001, 443), 0x123);
	struct flow *f = flow_insert(t, &k), *fv = flow_insert(t, &kv);

	CHECK(f && fv);
	if (!f || !fv)
		return;
	CHECK(flow_bucket_prefetch_v4(t, k.addr[0], 40000, k.addr[1], 443, 0) == f->hash);
	CHECK(flow_bucket_prefetch_v4(t, k.addr[1], 443, k.addr[0], 40000, 0) == f->hash);
	CHECK(flow_bucket_prefetch_v4(t, kv.addr[0], 40001, kv.addr[1], 443, 0x123) == fv->hash);
	CHECK(flow_bucket_prefetch_v4(t, kv.addr[0], 40001, kv.addr[1], 443, 0) != fv->hash);
	CHECK(flow_bucket_prefetch_v4(t, k.addr[0], 40001, k.addr[1], 443, 0) != f->hash);
	for (uint32_t h = 0; h < 4096; h++)
		flow_prefetch(t, h);
	flow_prefetch(t, f->hash);
	CHECK(flow_count(t) == 2 && side_of(t, &k, f) == 0 && side_of(t, &kv, fv) == 0);
	/* A lookup from the look ahead's hash: found from the right one, and
	 * from a wrong one too (the key is hashed again), never another flow. */
	{
		struct flow_endpoints rk = rev(&k), absent = v4(0x0a000009, 40000, 0xc0a80001, 443);
		int side = 7;
		uint32_t h = flow_bucket_prefetch_v4(t, rk.addr[0], 443, rk.addr[1], 40000, 0);
		CHECK(flow_lookup_hinted(t, &rk, h, &side) == f && side == 1);
		CHECK(flow_lookup_hinted(t, &k, h ^ 1, &side) == f && side == 0);
		CHECK(flow_lookup_hinted(t, &k, fv->hash, &side) == f && side == 0);
		CHECK(flow_lookup_hinted(t, &kv, f->hash, &side) == fv && side == 0);
		CHECK(flow_lookup_hinted(t, &absent, h, &side) == NULL);
		CHECK(flow_lookup_hinted(t, &absent, f->hash, &side) == NULL);
	}
	drain(t);
	flow_table_free(t);
}

/* A packet of side as tcptrack sees it. */
static struct pkt seg(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win, uint32_t len)
{
	static const uint8_t zeros[64];
	struct pkt p;

	memset(&p, 0, sizeof p);
	p.af = 4;
	p.flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.win = win;
	p.ttl = 64;
	p.payload = zeros;
	p.payload_len = len;
	return p;
}

/* A handshake: client ISN 1000 (wscale 7), server ISN 5000 (wscale 7). */
static void handshake(struct flow *f)
{
	struct pkt p = seg(TCP_SYN, 1000, 0, 64240, 0);
	uint32_t isn;

	p.has_wscale = true;
	p.wscale = 7;
	CHECK(!tcpt_syn(f, 0, &p));
	tcpt_sent(f, 0, &p, true);
	p = seg(TCP_SYN | TCP_ACK, 5000, 1001, 65160, 0);
	p.has_wscale = true;
	p.wscale = 7;
	CHECK(!tcpt_syn(f, 1, &p));
	CHECK(tcpt_anchor(f, 1, &p, &isn) && isn == 1000);
	tcpt_sent(f, 1, &p, true);
	p = seg(TCP_ACK, 1001, 5001, 502, 0);
	CHECK(tcpt_anchor(f, 0, &p, &isn) && isn == 5000);
	tcpt_sent(f, 0, &p, true);
}

/* The ISN followed is the one the peer acknowledged, among several. */
static void test_isn(void)
{
	struct flow f;
	struct pkt p;
	uint32_t isn;

	memset(&f, 0, sizeof f);
	p = seg(TCP_SYN, 777, 0, 1000, 0);
	CHECK(!tcpt_syn(&f, 0, &p));
	p = seg(TCP_SYN, 1000, 0, 1000, 0);
	CHECK(tcpt_syn(&f, 0, &p));                /* several */
	CHECK(!tcpt_syn(&f, 0, &p));               /* a retransmission is not new */
	p = seg(TCP_SYN | TCP_ACK, 5000, 1001, 1000, 0);
	CHECK(tcpt_anchor(&f, 1, &p, &isn) && isn == 1000 && f.th[0].anchored);
	CHECK(!tcpt_anchor(&f, 1, &p, &isn));      /* only once */
	/* An ACK that names no candidate anchors nothing. */
	memset(&f, 0, sizeof f);
	p = seg(TCP_SYN, 1000, 0, 1000, 0);
	tcpt_syn(&f, 0, &p);
	p = seg(TCP_SYN | TCP_ACK, 5000, 4242, 1000, 0);
	CHECK(!tcpt_anchor(&f, 1, &p, &isn) && !f.th[0].anchored);
	/* At most TCPT_ISN_MAX candidates: the oldest go. */
	memset(&f, 0, sizeof f);
	for (uint32_t i = 0; i < 10; i++) {
		p = seg(TCP_SYN, 100 * i, 0, 1000, 0);
		tcpt_syn(&f, 0, &p);
	}
	CHECK(f.th[0].n_isn == TCPT_ISN_MAX && f.th[0].isn[TCPT_ISN_MAX - 1] == 900);
}

/* RFC 5961 3.2: exact -> reset; in the window -> challenge; else ignored;
 * with nothing known -> unverified.  In SYN-SENT the ACK decides. */
static void test_rst(void)
{
	struct flow f;
	struct pkt p;

	memset(&f, 0, sizeof f);
	handshake(&f);
	/* The client sent 300 bytes; the server acknowledged them. */
	p = seg(TCP_ACK | TCP_PSH, 1001, 5001, 502, 300);
	tcpt_sent(&f, 0, &p, true);
	p = seg(TCP_ACK, 5001, 1301, 509, 0);
	tcpt_sent(&f, 1, &p, true);
	/* A RST from the client at its next byte; from the server at its. */
	p = seg(TCP_RST, 1301, 0, 0, 0);
	CHECK(tcpt_rst(&f, 0, &p, true, 1301) == TCPT_RST_ACCEPT);
	CHECK(tcpt_rst(&f, 0, &p, false, 0) == TCPT_RST_ACCEPT);
	p = seg(TCP_RST, 5001, 0, 0, 0);
	CHECK(tcpt_rst(&f, 1, &p, true, 5001) == TCPT_RST_ACCEPT);
	/* 100 ahead: in the client's window (502 << 7), a challenge ACK. */
	p = seg(TCP_RST, 5101, 0, 0, 0);
	CHECK(tcpt_rst(&f, 1, &p, true, 5001) == TCPT_RST_CHALLENGE);
	/* Behind, or 2^30 ahead: outside. */
	p = seg(TCP_RST, 4000, 0, 0, 0);
	CHECK(tcpt_rst(&f, 1, &p, true, 5001) == TCPT_RST_OUTSIDE);
	p = seg(TCP_RST, 5001 + (1u << 30), 0, 0, 0);
	CHECK(tcpt_rst(&f, 1, &p, true, 5001) == TCPT_RST_OUTSIDE);
	/* Joined mid-stream: nothing to check against. */
	memset(&f, 0, sizeof f);
	p = seg(TCP_RST, 123, 0, 0, 0);
	CHECK(tcpt_rst(&f, 1, &p, false, 0) == TCPT_RST_UNVERIFIED);
	/* SYN-SENT: a RST must acknowledge the SYN. */
	memset(&f, 0, sizeof f);
	p = seg(TCP_SYN, 1000, 0, 64240, 0);
	tcpt_syn(&f, 0, &p);
	tcpt_sent(&f, 0, &p, true);
	p = seg(TCP_RST | TCP_ACK, 0, 1001, 0, 0);
	CHECK(tcpt_rst(&f, 1, &p, false, 0) == TCPT_RST_ACCEPT);
	p = seg(TCP_RST | TCP_ACK, 0, 1002, 0, 0);
	CHECK(tcpt_rst(&f, 1, &p, false, 0) == TCPT_RST_OUTSIDE);
	p = seg(TCP_RST, 0, 0, 0, 0);
	CHECK(tcpt_rst(&f, 1, &p, false, 0) == TCPT_RST_OUTSIDE);
}

/* The window the peer offered, scaled once both SYNs carried the option. */
static void test_window(void)
{
	struct flow f;
	struct pkt p;

	memset(&f, 0, sizeof f);
	p = seg(TCP_ACK, 1001, 5001, 502, 100);
	CHECK(!tcpt_beyond_window(&f, 0, &p));     /* nothing known: no judgement */
	handshake(&f);
	/* The server offered 65,160 from 1001 (SYN-ACK, unscaled). */
	p = seg(TCP_ACK, 1001 + 65160, 5001, 502, 100);
	CHECK(!tcpt_beyond_window(&f, 0, &p));
	p = seg(TCP_ACK, 1001 + 65161, 5001, 502, 100);
	CHECK(tcpt_beyond_window(&f, 0, &p));
	/* Its next ACK offers 509 << 7 from 1001. */
	p = seg(TCP_ACK, 5001, 1001, 509, 0);
	tcpt_sent(&f, 1, &p, true);
	p = seg(TCP_ACK, 1001 + (509u << 7), 5001, 502, 100);
	CHECK(!tcpt_beyond_window(&f, 0, &p));
	p = seg(TCP_ACK, 1001 + (1u << 20), 5001, 502, 100);
	CHECK(tcpt_beyond_window(&f, 0, &p));
}

/* What the endpoint takes: checksum modes per direction (two wrong first:
 * offloaded, counted only; one right: verified, a wrong one doubted), TTL
 * below the SYN's, no ACK, an ACK of unsent data. */
static void test_classify(void)
{
	struct flow f;
	struct pkt p;
	const char *why;

	memset(&f, 0, sizeof f);
	handshake(&f);
	p = seg(TCP_ACK | TCP_PSH, 1001, 5001, 502, 10);
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_OK, &why) == TCPT_TAKE && !why);
	tcpt_sent(&f, 0, &p, true);
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_BAD, &why) == TCPT_DOUBT &&
	      strcmp(why, "tcp_bad_checksum") == 0);
	/* The server's direction: wrong twice from the start, offloaded (the
	 * first one held quietly while that is not known). */
	p = seg(TCP_ACK | TCP_PSH, 5001, 1011, 502, 10);
	CHECK(tcpt_classify(&f, 1, &p, TCPSUM_BAD, &why) == TCPT_UNSURE && !why);
	CHECK(tcpt_classify(&f, 1, &p, TCPSUM_BAD, &why) == TCPT_TAKE && f.th[1].tcp_sum == -1);
	CHECK(tcpt_classify(&f, 1, &p, TCPSUM_OK, &why) == TCPT_TAKE);
	CHECK(tcpt_classify(&f, 1, &p, TCPSUM_BAD, &why) == TCPT_TAKE && f.th[1].tcp_sum == -1);
	/* IPv4 header checksum and length 0 on the verified direction. */
	p = seg(TCP_ACK | TCP_PSH, 1001, 5001, 502, 10);
	p.ip_sum_bad = true;
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_OK, &why) == TCPT_DOUBT &&
	      strcmp(why, "ip_bad_checksum") == 0);
	p.ip_sum_bad = false;
	p.ip_len_zero = true;
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_UNKNOWN, &why) == TCPT_DOUBT &&
	      strcmp(why, "ip_length_zero") == 0);
	/* TTL lower than the SYN's; higher is fine. */
	p = seg(TCP_ACK | TCP_PSH, 1001, 5001, 502, 10);
	p.ttl = 3;
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_OK, &why) == TCPT_DOUBT &&
	      strcmp(why, "tcp_ttl_low") == 0);
	/* No ACK flag after the handshake: dropped. */
	p = seg(TCP_PSH, 1001, 0, 502, 10);
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_OK, &why) == TCPT_DROP &&
	      strcmp(why, "tcp_data_without_ack") == 0);
	/* An ACK for a megabyte the server never sent: data taken (named), a
	 * pure ACK dropped; a few bytes beyond is capture loss, not named. */
	p = seg(TCP_ACK | TCP_PSH, 1001, 5001 + (1u << 20), 502, 10);
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_OK, &why) == TCPT_TAKE &&
	      strcmp(why, "tcp_ack_unsent") == 0);
	p = seg(TCP_ACK, 1001, 5001 + (1u << 20), 502, 0);
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_OK, &why) == TCPT_DROP);
	p = seg(TCP_ACK, 1001, 5002, 502, 0);
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_OK, &why) == TCPT_TAKE && !why);
	/* A higher TTL is fine, and becomes the mark (SYNs never are). */
	p = seg(TCP_ACK | TCP_PSH, 1001, 5001, 502, 10);
	p.ttl = 65;
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_OK, &why) == TCPT_TAKE);
	p.ttl = 64;
	CHECK(tcpt_classify(&f, 0, &p, TCPSUM_OK, &why) == TCPT_DOUBT);
	p = seg(TCP_SYN | TCP_ACK, 5000, 1001, 502, 0);
	p.ttl = 200;
	CHECK(tcpt_classify(&f, 1, &p, TCPSUM_OK, &why) == TCPT_TAKE && f.th[1].ttl != 200);
}

/* The timeout clock: steps up to `jump` are taken at once; one packet (or
 * a few) stamped years ahead counts at the clock's time and does not move
 * it; PKTCLOCK_CONFIRM packets in a row that agree do. */
static void test_clock(void)
{
	const uint64_t S = 1000000000ull, jump = 300 * S;
	struct pkt_clock c = { 0 };
	bool held;

	CHECK(pktclock_advance(&c, 1000 * S, jump, &held) == 1000 * S && !held);
	CHECK(pktclock_advance(&c, 1250 * S, jump, &held) == 1250 * S && !held);
	CHECK(pktclock_advance(&c, 1100 * S, jump, &held) == 1100 * S && c.now == 1250 * S);
	/* Ten years ahead, once, then normal traffic: the clock stays. */
	CHECK(pktclock_advance(&c, 1250 * S + 315360000 * S, jump, &held) == 1250 * S && held);
	for (int i = 0; i < 10; i++)
		CHECK(pktclock_advance(&c, 1251 * S, jump, &held) == 1251 * S && !held);
	CHECK(c.now == 1251 * S);
	/* A few in a row are not enough; a real step (every packet after a
	 * long pause) is taken after PKTCLOCK_CONFIRM. */
	for (int i = 0; i < PKTCLOCK_CONFIRM - 1; i++)
		CHECK(pktclock_advance(&c, 5000 * S + (uint64_t)i, jump, &held) == 1251 * S && held);
	CHECK(pktclock_advance(&c, 5000 * S + 100, jump, &held) == 5000 * S + 100 && !held);
	CHECK(c.now == 5000 * S + 100);
}

/* A UDP flow on the same addresses and ports as a TCP connection is another
 * flow, on the UDP list, found from both directions. */
static void test_udp(void)
{
	struct flow_table *t = flow_table_new(10, 0x5eed);
	struct flow_endpoints a = v4(0x0a000001, 5000, 0x0a000002, 443), u = a, ru;
	struct flow *ft, *fu;
	int side = 7;

	if (!t)
		return;
	u.proto = 17;
	ru = rev(&u);
	ft = flow_insert(t, &a);
	CHECK(flow_lookup(t, &u, &side) == NULL);
	fu = flow_insert(t, &u);
	CHECK(ft && fu && ft != fu && fu->list == FLOW_UDP && ft->list == FLOW_OPEN);
	CHECK(flow_lookup(t, &ru, &side) == fu && side == 1);
	CHECK(flow_lookup(t, &a, &side) == ft && side == 0);
	CHECK(flow_oldest(t, FLOW_UDP) == fu && flow_oldest(t, FLOW_OPEN) == ft);
	flow_remove(t, ft);
	free(ft);
	CHECK(flow_any(t) == fu);
	flow_remove(t, fu);
	free(fu);
	CHECK(flow_any(t) == NULL && flow_count(t) == 0);
	flow_table_free(t);
}


/* What the pipeline leaves on a flow after packet p of side at time ts. */
static void seen(struct flow *f, int side, const struct pkt *p, uint64_t ts)
{
	if (!f->ct.first_ns)
		f->ct.first_ns = ts;
	f->ct.last_ns = ts;
	f->seen_ns = ts;
	f->ct.bytes[side] += 40 + p->payload_len;
	f->ct.pkts[side]++;
	if (p->flags & TCP_SYN) {
		if (f->syn_side < 0)
			f->syn_side = (int8_t)((p->flags & TCP_ACK) ? !side : side);
		flow_dir_start(f, side, p->seq + 1);
	}
}

/* Bytes the table counted for n allocations of `asked` bytes in all:
 * their usable size and 8-byte headers, up to glibc's chunks (`chunks`);
 * a sanitizer's allocator hands out exactly what was asked. */
static bool counted(uint64_t got, size_t asked, size_t n, size_t chunks)
{
	return got >= asked + 8 * n && got <= chunks;
}

/* f, as lookup gives it back after flow_shrink(): the same state, byte for
 * byte, but for the links. */
static bool same_state(const struct flow *a, const struct flow *b)
{
	size_t from = offsetof(struct flow, ep);

	return a->hash == b->hash && a->list == b->list &&
	       memcmp((const char *)a + from, (const char *)b + from, sizeof *a - from) == 0;
}

/* *fp is stored compact and comes back, from k's first side, exactly as it
 * was (*fp is then the flow lookup gave); false if it stayed whole. */
static bool kept(struct flow_table *t, struct flow **fp, const struct flow_endpoints *k)
{
	struct flow snap = **fp;
	int side = 7;

	if (!flow_shrink(t, *fp))
		return false;
	*fp = flow_lookup(t, k, &side);
	CHECK(*fp && side == 0 && same_state(&snap, *fp));
	return *fp != NULL;
}

/* A connection without payload is kept compact between its packets and
 * comes back whole: a SYN, a three-way handshake (IPv4 and IPv6, window
 * scaling, anchored ISNs), found from either side, aged and dropped
 * through flow_compact_*; state the form has no room for stays whole. */
static void test_compact(void)
{
	struct flow_table *t = flow_table_new(100, 0x5eed);
	struct flow_endpoints a = v4(0x0a000001, 40000, 0xc0a80001, 443), ra = rev(&a);
	struct flow_endpoints b = v6(1, 51000, 2, 443), rb = rev(&b);
	struct flow_endpoints c = v4(0x0a000003, 40000, 0xc0a80001, 443), d = c;
	struct flow *f, *g, snap;
	struct pkt p = seg(TCP_SYN, 1000, 0, 64240, 0);
	uint64_t bytes0, ns = 0;
	int side = 7;

	if (!t)
		return;
	a.proto = ra.proto = b.proto = rb.proto = c.proto = d.proto = 6;
	bytes0 = flow_table_bytes(t);
	/* A SYN. */
	f = flow_insert(t, &a);
	seen(f, 0, &p, 1000000000);
	CHECK(!tcpt_syn(f, 0, &p));
	tcpt_sent(f, 0, &p, true);
	flow_touch(t, f, FLOW_QUIET);
	snap = *f;
	CHECK(flow_shrink(t, f));
	CHECK(flow_compact_count(t) == 1 && flow_count(t) == 1 && flow_oldest(t, FLOW_QUIET) == NULL);
	CHECK(flow_any(t) == NULL);
	CHECK(flow_compact_oldest(t, &ns) && ns == 1000000000);
	/* The compact IPv4 form's first 64 KiB block (60-byte slots of it:
	 * test_slab.c) and the pool's array of 16 blocks, and the struct
	 * flow, kept as the spare. */
	CHECK(counted(flow_table_bytes(t) - bytes0, 65536 + 16 * sizeof(void *) + sizeof(struct flow),
		      3, 65536 + 64 + 144 + 320));
	CHECK(flow_lookup(t, &c, &side) == NULL);
	d.has_vlan = true;
	CHECK(flow_lookup(t, &d, &side) == NULL);
	/* (from the look ahead's hash: a compact flow has no chain entry to
	 * find, so the lookup goes on to the compact store) */
	g = flow_lookup_hinted(t, &ra, flow_bucket_prefetch_v4(t, ra.addr[0], ra.port[0], ra.addr[1],
							       ra.port[1], 0), &side);
	CHECK(g && side == 1 && flow_compact_count(t) == 0 && same_state(&snap, g));
	CHECK(g && flow_oldest(t, FLOW_QUIET) == g);
	if (!g)
		return;
	/* The handshake (window scale 7 both ways), then compact again. */
	f = g;
	memset(&f->ct, 0, sizeof f->ct);
	memset(f->th, 0, sizeof f->th);
	handshake(f);
	p = seg(TCP_SYN, 1000, 0, 64240, 0);
	seen(f, 0, &p, 1000000000);
	p = seg(TCP_SYN | TCP_ACK, 5000, 1001, 65160, 0);
	seen(f, 1, &p, 1000100000);
	p = seg(TCP_ACK, 1001, 5001, 502, 0);
	seen(f, 0, &p, 1000300000);
	flow_touch(t, f, FLOW_QUIET);
	CHECK(kept(t, &f, &a));
	CHECK(f && f->th[0].win_known && f->th[1].anchored && f->th[0].anchored);
	/* What the form cannot hold stays whole: two ISNs, a decided checksum
	 * mode, a tunnel. */
	if (f) {
		f->th[0].isn[1] = 7;
		f->th[0].n_isn = 2;
		CHECK(!flow_shrink(t, f) && flow_oldest(t, FLOW_QUIET) == f);
		f->th[0].n_isn = 1;
		f->th[0].isn[1] = 0;
		f->th[1].tcp_sum = 1;
		CHECK(!flow_shrink(t, f));
		f->th[1].tcp_sum = 0;
		flow_touch(t, f, FLOW_OPEN);
		CHECK(!flow_shrink(t, f));   /* not on FLOW_QUIET */
		flow_touch(t, f, FLOW_QUIET);
		CHECK(flow_shrink(t, f));
	}
	/* IPv6: 84 bytes. */
	f = flow_insert(t, &b);
	p = seg(TCP_SYN, 9, 0, 64240, 0);
	seen(f, 0, &p, 2000000000);
	tcpt_syn(f, 0, &p);
	tcpt_sent(f, 0, &p, true);
	flow_touch(t, f, FLOW_QUIET);
	snap = *f;
	bytes0 = flow_table_bytes(t);
	CHECK(flow_shrink(t, f));
	/* The IPv6 form's own first block and array; its struct flow is the
	 * spare now */
	CHECK(counted(flow_table_bytes(t) - bytes0, 65536 + 16 * sizeof(void *), 1,
		      65536 + 64 + 144));
	CHECK(flow_compact_count(t) == 2 && flow_count(t) == 2);
	/* Aging: a clock step makes the newest whole again (the compact form
	 * keeps no timeout clock of its own), the oldest goes first. */
	flow_compact_retime(t, 2000000000, 2500000000, 1);
	CHECK(flow_compact_count(t) == 1 && flow_count(t) == 2);
	g = flow_oldest(t, FLOW_QUIET);
	snap.seen_ns = 2500000000;
	CHECK(g && same_state(&snap, g));
	CHECK(flow_compact_oldest(t, &ns) && ns == 1000300000);
	flow_compact_drop(t);
	CHECK(!flow_compact_oldest(t, &ns) && flow_count(t) == 1);
	g = flow_lookup(t, &rb, &side);
	CHECK(g && side == 1 && same_state(&snap, g));
	if (g)
		flow_free(t, g);
	CHECK(flow_count(t) == 0 && !flow_compact_oldest(t, &ns));
	flow_table_free(t);
}

/* Each narrowed field of the compact form at its limit is kept exactly,
 * one past it keeps the connection whole (never a wrapped value). */
static void test_compact_limits(void)
{
	struct flow_table *t = flow_table_new(100, 0x5eed);
	struct flow_endpoints a = v4(0x0a000001, 40000, 0xc0a80001, 443);
	struct flow_endpoints v = with_vlan(a, 0xfff);
	struct flow *f;
	struct pkt p = seg(TCP_SYN, 1000, 0, 64240, 0);
	uint64_t t0 = 0x123456789abcdef0ull;

	if (!t)
		return;
	a.proto = v.proto = 6;
	f = flow_insert(t, &a);
	handshake(f);
	seen(f, 0, &p, t0);
	p = seg(TCP_SYN | TCP_ACK, 5000, 1001, 65160, 0);
	seen(f, 1, &p, t0);
	p = seg(TCP_ACK, 1001, 5001, 502, 0);
	seen(f, 0, &p, t0);
	flow_touch(t, f, FLOW_QUIET);
	CHECK(kept(t, &f, &a));
	if (!f)
		return;
#define LIMIT(field, ok, over)                                                 \
	do {                                                                   \
		field = (ok);                                                  \
		if (!kept(t, &f, &a) || !f) {                                  \
			CHECK(!"kept at the limit");                           \
			return;                                                \
		}                                                              \
		field = (over);                                                \
		CHECK(!flow_shrink(t, f));                                     \
		field = (ok);                                                  \
	} while (0)
	LIMIT(f->ct.pkts[1], 15, 16);
	LIMIT(f->ct.bytes[0], 2047, 2048);
	LIMIT(f->th[1].wscale, 15, 16);
	f->th[0].ttl_known = true;
	LIMIT(f->th[0].ttl, 255, 0);      /* a TTL known as 0 is not implied */
	LIMIT(f->ct.source, 32767, 32768);
	LIMIT(f->th[0].win_edge, f->th[0].ack + 65535, f->th[0].ack + 65536);
	LIMIT(f->th[1].snd_max, 5001, 5002);
	f->ct.last_ns = f->seen_ns = t0 + UINT32_MAX;
	CHECK(kept(t, &f, &a));
	if (!f)
		return;
	f->ct.last_ns = f->seen_ns = t0 + UINT32_MAX + 1;
	CHECK(!flow_shrink(t, f));
	f->ct.last_ns = t0;
	CHECK(!flow_shrink(t, f));        /* the timeout clock is not the last packet */
	f->seen_ns = t0;
	f->ep.vlan = 0x1000;
	CHECK(!flow_shrink(t, f));
	f->ep.vlan = 0;
	flow_free(t, f);
	/* The widest VLAN id is kept. */
	f = flow_insert(t, &v);
	p = seg(TCP_SYN, 1000, 0, 64240, 0);
	seen(f, 0, &p, t0);
	tcpt_syn(f, 0, &p);
	tcpt_sent(f, 0, &p, true);
	flow_touch(t, f, FLOW_QUIET);
	CHECK(kept(t, &f, &v));
	CHECK(f && f->ep.has_vlan && f->ep.vlan == 0xfff);
	if (f)
		flow_free(t, f);
	CHECK(flow_count(t) == 0);
	flow_table_free(t);
#undef LIMIT
}

/* Many compact connections: their own hash grows, each is found again
 * from either side, and the table's bytes go back down as they leave. */
static void test_compact_many(void)
{
	struct flow_table *t = flow_table_new(0, 0x5eed);
	struct pkt p = seg(TCP_SYN, 1000, 0, 64240, 0);
	uint64_t bytes0;
	enum { N = 5000 };
	int side;

	if (!t)
		return;
	bytes0 = flow_table_bytes(t);
	for (uint32_t i = 0; i < N; i++) {
		struct flow_endpoints k = i & 1 ? v6(i, 1024, 7, 443) : v4(i, 1024, 7, 443);
		struct flow *f;
		k.proto = 6;
		f = flow_insert(t, &k);
		if (!f)
			return;
		seen(f, 0, &p, 1000 + i);
		tcpt_syn(f, 0, &p);
		tcpt_sent(f, 0, &p, true);
		flow_touch(t, f, FLOW_QUIET);
		CHECK(flow_shrink(t, f));
	}
	CHECK(flow_compact_count(t) == N && flow_count(t) == N);
	for (uint32_t i = 0; i < N; i += 7) {
		struct flow_endpoints k = i & 1 ? v6(i, 1024, 7, 443) : v4(i, 1024, 7, 443);
		struct flow_endpoints r;
		struct flow *f;
		k.proto = 6;
		r = rev(&k);
		f = flow_lookup(t, &r, &side);
		CHECK(f && side == 1 && f->ct.first_ns == 1000 + i);
		if (f)
			CHECK(flow_shrink(t, f));
	}
	for (uint32_t i = 0; i < N; i++) {
		uint64_t ns = 0;
		CHECK(flow_compact_oldest(t, &ns));
		flow_compact_drop(t);
	}
	CHECK(flow_count(t) == 0 && flow_compact_count(t) == 0);
	/* what is left: one block per pool kept for the next, the grown
	 * hash, the spare flow */
	CHECK(flow_table_bytes(t) - bytes0 < 2 * 65600 + 4 * 16384 + 2 * 1024 + 400);
	flow_table_free(t);
}

/* Freed flows and reassembly pairs are kept for the next connections
 * within the bytes flow_table_keep() allows, come back zeroed, and go back
 * to the allocator at flow_table_trim(); flow_table_bytes() counts them
 * until then. */
static void test_spares(void)
{
	enum { N = 64 };
	struct flow_table *t = flow_table_new(1000, 0x5eed);
	struct flow *fs[N];
	struct reasm_mem m = { .cap = 1 << 20 };
	uint64_t bytes0, one, all;
	bool zero = true;

	if (!t)
		return;
	bytes0 = flow_table_bytes(t);
	flow_table_keep(t, 10 * 1024);
	for (int i = 0; i < N; i++) {
		struct flow_endpoints k = nth((uint32_t)i);
		fs[i] = flow_insert(t, &k);
		CHECK(fs[i] && flow_reasm_open(t, fs[i]));
	}
	all = flow_table_bytes(t) - bytes0;
	one = all / N;
	CHECK(one >= sizeof(struct flow) + 2 * sizeof(struct reasm_dir));
	for (int i = 0; i < N; i++) {
		if (!fs[i])
			continue;
		fs[i]->ct.pkts[0] = 7;
		fs[i]->rd[1].next_seq = 9;
		flow_reasm_close(t, fs[i], &m);
		flow_free(t, fs[i]);
	}
	/* what is kept: within the bound, and counted */
	CHECK(flow_table_bytes(t) - bytes0 > 0);
	CHECK(flow_table_bytes(t) - bytes0 <= 10 * 1024);
	for (int i = 0; i < N; i++) {
		struct flow_endpoints k = nth((uint32_t)(N + i));
		fs[i] = flow_insert(t, &k);
		if (!fs[i] || !flow_reasm_open(t, fs[i]))
			continue;
		zero &= fs[i]->ct.pkts[0] == 0 && fs[i]->rd[1].next_seq == 0 && fs[i]->rd[1].pend == NULL;
	}
	CHECK(zero);
	CHECK(flow_table_bytes(t) - bytes0 == all);   /* kept ones reused, then new ones */
	for (int i = 0; i < N; i++)
		if (fs[i]) {
			flow_reasm_close(t, fs[i], &m);
			flow_free(t, fs[i]);
		}
	flow_table_trim(t);
	CHECK(flow_table_bytes(t) == bytes0);
	CHECK(m.used == 0);
	flow_table_free(t);
}

int main(void)
{
	test_clock();
	test_seeded_hash();
	test_prefetch_hash();
	test_isn();
	test_rst();
	test_window();
	test_classify();
	test_both_directions();
	test_udp();
	test_vlan();
	test_tunnel_key();
	test_growth();
	test_lru();
	test_eviction_order();
	test_compact();
	test_compact_limits();
	test_compact_many();
	test_spares();
	return TT_DONE();
}
