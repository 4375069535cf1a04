/*
 * Unit tests for src/quic_route.c, the reader's map that sends a QUIC
 * connection's datagrams on a new address pair to the worker of its flow:
 * a long header teaches the server's connection id and its address pair;
 * a short header addressed to that id on a new pair (a new client address)
 * goes to the connection's worker, and so does the server's answer on that
 * pair, which carries no id; other datagrams, every truncated prefix, random
 * bytes and a long header of an unknown version keep their shard and teach
 * nothing; groups expire after the idle time, and the least recently used
 * one makes room when the map is full.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/quic_route.h"
#include "quic_vectors.h"
#include "tt_test.h"

#define SEC 1000000000ull

static const uint8_t scid[8] = { 0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5 };

/* A UDP datagram between client 10.97.1.<cli>:<cport> and 10.97.1.2:443. */
static struct pkt udp(uint8_t cli, uint16_t cport, bool from_client)
{
	struct pkt p;
	uint8_t c[16] = { 10, 97, 1, cli }, s[16] = { 10, 97, 1, 2 };

	memset(&p, 0, sizeof p);
	p.af = 4;
	memcpy(from_client ? p.src : p.dst, c, 16);
	memcpy(from_client ? p.dst : p.src, s, 16);
	p.sport = from_client ? cport : 443;
	p.dport = from_client ? 443 : cport;
	return p;
}

/* The worker qroute_pick gives p with payload d[0..n) (an exact copy). */
static unsigned pick(struct qroute *r, struct pkt p, const uint8_t *d, size_t n, unsigned shard,
		     uint64_t now)
{
	uint8_t *q = dup_exact(d, n);
	unsigned k;

	p.payload = q;
	p.payload_len = (uint32_t)n;
	k = qroute_pick(r, &p, shard, now);
	free(q);
	return k;
}

/* A v1 Handshake packet (long header) from `from` with the given ids. */
static size_t handshake(uint8_t *out, uint32_t version, const uint8_t *dcid, size_t dl,
			const uint8_t *sc, size_t sl)
{
	size_t o = 0;

	out[o++] = 0xe1;
	out[o++] = (uint8_t)(version >> 24);
	out[o++] = (uint8_t)(version >> 16);
	out[o++] = (uint8_t)(version >> 8);
	out[o++] = (uint8_t)version;
	out[o++] = (uint8_t)dl;
	if (dl)         /* (an empty id may come as NULL) */
		memcpy(out + o, dcid, dl);
	o += dl;
	out[o++] = (uint8_t)sl;
	if (sl)
		memcpy(out + o, sc, sl);
	o += sl;
	out[o++] = 0x40;
	out[o++] = 40;
	for (int i = 0; i < 40; i++)
		out[o++] = (uint8_t)(i * 37 + 11);
	return o;
}

/* A short header to dcid[0..dl), then filler. */
static size_t short_hdr(uint8_t *out, const uint8_t *dcid, size_t dl)
{
	size_t o = 0;

	out[o++] = 0x41;
	if (dl)
		memcpy(out + o, dcid, dl);
	o += dl;
	for (int i = 0; i < 30; i++)
		out[o++] = (uint8_t)(i * 53 + 5);
	return o;
}

static void test_rebinding(void)
{
	struct qroute *r = qroute_new(64, 7);
	uint8_t srv[128], cli[128], ans[128], other[128];
	size_t ns = handshake(srv, 1, NULL, 0, scid, sizeof scid);
	size_t nc = short_hdr(cli, scid, sizeof scid);
	size_t na = short_hdr(ans, NULL, 0);
	size_t no = short_hdr(other, (const uint8_t[]){ 1, 2, 3, 4, 5, 6, 7, 8 }, 8);
	uint64_t empty = qroute_bytes(r);

	CHECK(r != NULL);
	/* Nothing learnt yet: every datagram keeps its shard, and costs nothing. */
	CHECK(pick(r, udp(9, 40000, true), cli, nc, 1, SEC) == 1);
	CHECK(qroute_bytes(r) == empty);
	/* The server's long header, which its address pair sends to worker 2. */
	CHECK(pick(r, udp(1, 50000, false), srv, ns, 2, SEC) == 2);
	CHECK(qroute_bytes(r) > empty);
	/* The client moved to 10.97.1.9:40000 (another shard): its short
	 * header to the server's id goes to the connection's worker... */
	CHECK(pick(r, udp(9, 40000, true), cli, nc, 0, 2 * SEC) == 2);
	/* ... and the server's answer on that pair, with no id, follows. */
	CHECK(pick(r, udp(9, 40000, false), ans, na, 0, 2 * SEC) == 2);
	/* Another id, and an unrelated pair, keep their shards. */
	CHECK(pick(r, udp(7, 1000, true), other, no, 1, 2 * SEC) == 1);
	CHECK(pick(r, udp(7, 1001, true), ans, na, 1, 2 * SEC) == 1);
	/* Every truncated prefix on a pair never seen: too short to carry the
	 * whole id, it keeps its shard; read from exact-size copies. */
	for (size_t n = 0; n < nc; n++)
		CHECK(pick(r, udp(8, 30000 + (uint16_t)n, true), cli, n, 1, 2 * SEC) ==
		      (n >= 1 + sizeof scid ? 2u : 1u));
	for (size_t n = 0; n < ns; n++)
		pick(r, udp(6, 30000 + (uint16_t)n, false), srv, n, 1, 2 * SEC);
	/* Idle past the timeout: the connection is forgotten. */
	qroute_expire(r, 100 * SEC, 60 * SEC);
	CHECK(qroute_bytes(r) == empty);
	CHECK(pick(r, udp(9, 40000, true), cli, nc, 0, 100 * SEC) == 0);
	qroute_free(r);
}

/* A long header of a version tlstap does not decode (Zeek's vector-max-size
 * trace: a DNS query to port 443 read as version 0x10010000) teaches
 * nothing; nor do random bytes. */
static void test_not_quic(void)
{
	static const uint8_t dns_as_quic[] = {
		0xc6, 0x10, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x32, 0x0d, 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', '-', 'a', 'a',
		'a', 'a', 0x07, 'a', 'a', 'a', 'a', 'a', 'a', 'a', 0x00, 0x00, 0x10, 0x00, 0x01,
	};
	struct qroute *r = qroute_new(64, 7);
	uint64_t empty = qroute_bytes(r);
	uint8_t rnd[200];

	CHECK(pick(r, udp(1, 45492, true), dns_as_quic, sizeof dns_as_quic, 1, SEC) == 1);
	srand(5);
	for (int i = 0; i < 2000; i++) {
		size_t n = (size_t)rand() % sizeof rnd;
		for (size_t j = 0; j < n; j++)
			rnd[j] = (uint8_t)rand();
		CHECK(pick(r, udp(1, (uint16_t)i, true), rnd, n, 1, SEC) == 1);
	}
	CHECK(qroute_bytes(r) == empty);
	qroute_free(r);
}

/* With room for two keys, a second connection's pair and id push out the
 * first connection (the least recently used): its id is unknown then. */
static void test_bounded(void)
{
	struct qroute *r = qroute_new(2, 7);
	static const uint8_t scid2[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	uint8_t a[128], b[128], c[128];
	size_t na = handshake(a, 1, NULL, 0, scid, sizeof scid);
	size_t nb = handshake(b, 1, NULL, 0, scid2, sizeof scid2);
	size_t nc = short_hdr(c, scid, sizeof scid);

	CHECK(pick(r, udp(1, 50000, false), a, na, 2, SEC) == 2);
	CHECK(pick(r, udp(9, 40000, true), c, nc, 0, SEC) == 2);
	CHECK(pick(r, udp(3, 50000, false), b, nb, 1, 2 * SEC) == 1);
	CHECK(pick(r, udp(9, 40001, true), c, nc, 0, 2 * SEC) == 0);
	qroute_free(r);
}

int main(void)
{
	test_rebinding();
	test_not_quic();
	test_bounded();
	return TT_DONE();
}
