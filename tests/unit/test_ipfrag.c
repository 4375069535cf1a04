/*
 * Unit tests for src/ipfrag.c: IPv4 (RFC 791 3.2) and IPv6 (RFC 8200 4.5)
 * fragment reassembly.  Fragments are hand-built IP packets run through
 * decode_packet, as the pipeline does, then given to ipfrag_add: every
 * arrival order, overlaps (the first copy of a byte wins, README "IP
 * fragments"), duplicates, datagrams kept apart by their key, the packet-
 * time timeout, the in-flight limit, and offsets past 64 KiB.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/config.h"
#include "../../src/decode.h"
#include "../../src/ipfrag.h"
#include "tt_test.h"

#define SEC 1000000000ull

/* One fragment as captured: its bytes (which pkt points into) and pkt. */
struct fr {
	uint8_t b[1600];
	struct pkt p;
};

static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* The datagram most tests reassemble: a 45-byte TCP segment, 443 -> 50000,
 * so that it splits into 16 + 16 + 13 bytes (the last not 8-aligned). */
static uint8_t dgram[45];

static void make_dgram(void)
{
	static const uint8_t hdr[20] = {
		0x01, 0xbb, 0xc3, 0x50, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00,
		0x50, 0x18, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	};

	memcpy(dgram, hdr, 20);
	memcpy(dgram + 20, "abcdefghijklmnopqrstuvwxy", 25);
}

/* The Internet checksum (RFC 1071) of n bytes, ready to store. */
static uint16_t inet_sum(const uint8_t *h, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Put len bytes of data after the hlen-byte header already in f->b and
 * decode the packet as the pipeline does (dlt 228 raw IPv4, 229 raw IPv6):
 * it must come out a clean fragment. */
static void decoded(struct fr *f, int dlt, size_t hlen, const uint8_t *data, size_t len)
{
	uint32_t n = (uint32_t)(hlen + len);
	struct tt_stats st;

	memcpy(f->b + hlen, data, len);
	memset(&st, 0, sizeof st);
	CHECK(decode_packet(dlt, f->b, n, n, &f->p, &st) == DEC_FRAGMENT);
	CHECK(st.truncated == 0 && st.err_ip == 0 && st.err_ipv6 == 0 && st.bad_checksum_ip == 0);
}

/* An IPv4 fragment 192.0.2.s -> 198.51.100.d of protocol proto: off bytes
 * (a multiple of 8) into the datagram, MF if more, len bytes of data. */
static void frag4(struct fr *f, uint8_t proto, uint16_t id, uint8_t s, uint8_t d, uint32_t off,
		  bool more, const uint8_t *data, size_t len)
{
	uint8_t *h = f->b;
	uint16_t fo = (uint16_t)((more ? 0x2000 : 0) | off / 8), sum;

	memset(h, 0, 20);
	h[0] = 0x45;
	h[2] = (uint8_t)((20 + len) >> 8);
	h[3] = (uint8_t)(20 + len);
	h[4] = (uint8_t)(id >> 8);
	h[5] = (uint8_t)id;
	h[6] = (uint8_t)(fo >> 8);
	h[7] = (uint8_t)fo;
	h[8] = 64;
	h[9] = proto;
	h[12] = 192, h[13] = 0, h[14] = 2, h[15] = s;
	h[16] = 198, h[17] = 51, h[18] = 100, h[19] = d;
	sum = inet_sum(h, 20);
	h[10] = (uint8_t)(sum >> 8);
	h[11] = (uint8_t)sum;
	decoded(f, 228, 20, data, len);
}

/* An IPv6 fragment (fixed header, fragment header, data). */
static void frag6(struct fr *f, uint8_t next, uint32_t id, const uint8_t *src, const uint8_t *dst,
		  uint32_t off, bool more, const uint8_t *data, size_t len)
{
	uint8_t *h = f->b;
	uint16_t fo = (uint16_t)(off | (more ? 1u : 0u));

	memset(h, 0, 48);
	h[0] = 0x60;
	h[4] = (uint8_t)((8 + len) >> 8);
	h[5] = (uint8_t)(8 + len);
	h[6] = 44;
	h[7] = 64;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
	h[40] = next;
	h[42] = (uint8_t)(fo >> 8);
	h[43] = (uint8_t)fo;
	h[44] = (uint8_t)(id >> 24);
	h[45] = (uint8_t)(id >> 16);
	h[46] = (uint8_t)(id >> 8);
	h[47] = (uint8_t)id;
	decoded(f, 229, 48, data, len);
}

struct ctx {
	struct tt_config cfg;
	struct tt_stats st;
	struct ipfrag *f;
};

static void ctx_init(struct ctx *c, uint32_t max, uint64_t timeout_ns)
{
	config_defaults(&c->cfg);
	if (max)
		c->cfg.frag_max_datagrams = max;
	if (timeout_ns)
		c->cfg.frag_timeout_ns = timeout_ns;
	memset(&c->st, 0, sizeof c->st);
	c->f = ipfrag_new(&c->cfg, &c->st);
	CHECK(c->f != NULL);
	if (!c->f)
		exit(TT_DONE());
}

/* Reassembled bytes are compared against want; NULL want means "not yet". */
static int add(struct ctx *c, const struct fr *fr, uint64_t ts, const uint8_t *want,
	       uint32_t want_len, uint8_t want_proto)
{
	uint8_t proto = 0xee;
	uint32_t len = 0xeeeeeeee;
	const uint8_t *out = ipfrag_add(c->f, &fr->p, ts, &proto, &len);

	if (!want)
		return out == NULL;
	return out != NULL && len == want_len && proto == want_proto &&
	       memcmp(out, want, want_len) == 0;
}

/* fr[order[0]], fr[order[1]], ... arrive at ts (order a string of
 * indices), each its own check: none completes a datagram but the last,
 * which completes it as want says (with want NULL, not even the last). */
static void arrive(struct ctx *c, const struct fr *fr, const char *order, uint64_t ts,
		   const uint8_t *want, uint32_t want_len, uint8_t want_proto)
{
	for (const char *o = order; *o; o++) {
		bool ok = add(c, &fr[*o - '0'], ts, o[1] ? NULL : want, want_len, want_proto);

		CHECK(ok);
		if (!ok)
			fprintf(stderr, "  (fragment %c of \"%s\")\n", *o, order);
	}
}

/* In a table of its own, fr[order[0]], fr[order[1]], ... arrive and the
 * last completes dgram: one datagram, reassembled once, nothing refused. */
static void complete(const struct fr *fr, const char *order)
{
	struct ctx c;

	ctx_init(&c, 0, 0);
	arrive(&c, fr, order, 0, dgram, 45, 6);
	CHECK(c.st.frag_datagrams == 1 && c.st.frag_reassembled == 1 && c.st.err_other == 0);
	ipfrag_free(c.f);
}

/* The three fragments of dgram, IPv4 id, addresses by s and d. */
static void split4(struct fr fr[3], uint16_t id, uint8_t s, uint8_t d)
{
	frag4(&fr[0], 6, id, s, d, 0, true, dgram, 16);
	frag4(&fr[1], 6, id, s, d, 16, true, dgram + 16, 16);
	frag4(&fr[2], 6, id, s, d, 32, false, dgram + 32, 13);
}

/* In order: nothing until the last piece, then the whole segment, which
 * decodes as TCP; one datagram counted, one reassembled. */
static void test_in_order(void)
{
	struct fr fr[3];
	struct ctx c;
	struct pkt p;
	uint8_t proto;
	uint32_t len;
	const uint8_t *out;

	ctx_init(&c, 0, 0);
	split4(fr, 0x1234, 1, 2);
	arrive(&c, fr, "01", 1 * SEC, NULL, 0, 0);
	CHECK(c.st.frag_datagrams == 1 && c.st.frag_reassembled == 0);
	out = ipfrag_add(c.f, &fr[2].p, 1 * SEC, &proto, &len);
	CHECK(out && len == 45 && proto == 6 && memcmp(out, dgram, 45) == 0);
	CHECK(c.st.frag_datagrams == 1 && c.st.frag_reassembled == 1);
	CHECK(c.st.err_other == 0 && c.st.frag_dropped == 0 && c.st.frag_timeouts == 0);
	if (out) {
		struct tt_stats st;
		memset(&st, 0, sizeof st);
		CHECK(decode_tcp(out, len, &p, &st) == DEC_TCP);
		CHECK(p.sport == 443 && p.dport == 50000 && p.seq == 0x1000 && p.ack == 0x2000);
		CHECK(p.payload == out + 20 && p.payload_len == 25 && p.flags == 0x18);
	}
	ipfrag_free(c.f);
}

/* Every order of the three fragments (reversed among them) completes on
 * the third arrival with the same bytes. */
static void test_orders(void)
{
	static const char *const perm[] = { "012", "021", "102", "120", "201", "210" };
	struct fr fr[3];

	split4(fr, 7, 1, 2);
	for (size_t i = 0; i < sizeof perm / sizeof *perm; i++)
		complete(fr, perm[i]);
}

/* Overlaps, as Linux (RFC 5722 for IPv6, the same for IPv4): a fragment
 * that overlaps held bytes discards the whole datagram (fragments.overlaps)
 * unless it is an exact copy of them; fragments after that start a new
 * datagram. */
static void test_overlap(void)
{
	/* The fragments, UDP, id 9: fill byte, offset, length, more to come. */
	static const struct {
		char fill;
		uint8_t off, len;
		bool more;
	} piece[] = {
		{ 'A', 0, 24, true },      /* 0: A = [0,24) */
		{ 'B', 16, 16, false },    /* 1: B = [16,32), the last */
		{ 'X', 8, 8, true },       /* 2: X = [8,16), inside A */
		{ 'L', 24, 8, false },     /* 3: L = [24,32), the last */
		{ 'A', 0, 16, true },      /* 4: A = [0,16) */
		{ 'Z', 0, 16, true },      /* 5: Z, the same range */
		{ 'L', 16, 4, false },     /* 6: L = [16,20), the last */
		{ 'A', 8, 8, true },       /* 7: A = [8,16), a copy of part of 0 */
	};
	static const struct {
		const char *order;
		uint64_t overlaps;     /* datagrams discarded */
		const char *want;      /* after the order, then fragment 3 ... */
	} run[] = {
		/* A = [0,24) then B = [16,32): both go. */
		{ "01", 1, NULL },
		{ "10", 1, NULL },
		/* X inside A: both go; L alone does not complete. */
		{ "203", 1, NULL },
		/* The same range twice with other bytes: gone; L alone neither. */
		{ "456", 1, NULL },
		/* An exact copy of held bytes is ignored: A, its copy, L. */
		{ "446", 0, "AAAAAAAAAAAAAAAALLLL" },
		{ "073", 0, "AAAAAAAAAAAAAAAAAAAAAAAALLLLLLLL" },
	};
	struct fr fr[8];
	uint8_t fill[24];
	size_t bad = 0;

	for (size_t i = 0; i < 8; i++) {
		memset(fill, piece[i].fill, sizeof fill);
		frag4(&fr[i], 17, 9, 1, 2, piece[i].off, piece[i].more, fill, piece[i].len);
	}
	for (size_t i = 0; i < sizeof run / sizeof *run; i++) {
		struct ctx c;
		const char *want = run[i].want;

		ctx_init(&c, 0, 0);
		arrive(&c, fr, run[i].order, 0, (const uint8_t *)want,
		       want ? (uint32_t)strlen(want) : 0, 17);
		if (c.st.frag_overlaps != run[i].overlaps ||
		    c.st.frag_reassembled != (want ? 1u : 0u))
			bad++;
		ipfrag_free(c.f);
	}
	CHECK(bad == 0);

	/* After a discard, the real fragments complete a new datagram. */
	{
		struct ctx c;
		ctx_init(&c, 0, 0);
		arrive(&c, fr, "01", 0, NULL, 0, 17);
		arrive(&c, fr, "43", 0, NULL, 0, 17);
		CHECK(c.st.frag_overlaps == 1 && c.st.frag_datagrams == 2);
		ipfrag_free(c.f);
	}
}

/* IPv6: a 32-bit identification, the protocol from the fragment header's
 * next header; in order and reversed. */
static void test_ipv6(void)
{
	struct fr fr[3];
	struct ctx c;
	struct pkt p;
	struct tt_stats st;
	uint8_t proto;
	uint32_t len;
	const uint8_t *out;

	frag6(&fr[0], 6, 0x89abcdef, v6_src, v6_dst, 0, true, dgram, 16);
	frag6(&fr[1], 6, 0x89abcdef, v6_src, v6_dst, 16, true, dgram + 16, 16);
	frag6(&fr[2], 6, 0x89abcdef, v6_src, v6_dst, 32, false, dgram + 32, 13);
	CHECK(fr[0].p.af == 6 && fr[0].p.frag_id == 0x89abcdefu);

	ctx_init(&c, 0, 0);
	CHECK(add(&c, &fr[0], 5, NULL, 0, 0));
	CHECK(add(&c, &fr[1], 6, NULL, 0, 0));
	out = ipfrag_add(c.f, &fr[2].p, 7, &proto, &len);
	CHECK(out && len == 45 && proto == 6 && memcmp(out, dgram, 45) == 0);
	if (out) {
		memset(&st, 0, sizeof st);
		CHECK(decode_tcp(out, len, &p, &st) == DEC_TCP && p.dport == 50000);
		CHECK(p.payload_len == 25 && memcmp(p.payload, "abcde", 5) == 0);
	}
	ipfrag_free(c.f);

	complete(fr, "210");
}

/* A datagram never completed is dropped once more than frag_timeout_ns of
 * packet time has passed since its first fragment (30 s by default), and
 * counted; the rest arriving later cannot complete it.  One completed in
 * time is not a timeout, and the configured timeout is the one used. */
static void test_timeout(void)
{
	struct fr fr[3];
	struct ctx c;

	split4(fr, 0x55, 1, 2);
	ctx_init(&c, 0, 0);
	CHECK(c.cfg.frag_timeout_ns == 30 * SEC);
	CHECK(add(&c, &fr[0], 1000 * SEC, NULL, 0, 0));
	ipfrag_expire(c.f, 1000 * SEC + 30 * SEC);      /* exactly 30 s: still within */
	CHECK(c.st.frag_timeouts == 0);
	ipfrag_expire(c.f, 1000 * SEC + 30 * SEC + 1);
	CHECK(c.st.frag_timeouts == 1);
	arrive(&c, fr, "12", 1031 * SEC, NULL, 0, 0);
	CHECK(c.st.frag_datagrams == 2 && c.st.frag_reassembled == 0);
	ipfrag_expire(c.f, 1062 * SEC);
	CHECK(c.st.frag_timeouts == 2);
	/* Nothing left to time out. */
	ipfrag_expire(c.f, 9000 * SEC);
	CHECK(c.st.frag_timeouts == 2);
	ipfrag_free(c.f);

	/* A 5 s timeout: completed within it, then nothing expires. */
	ctx_init(&c, 0, 5 * SEC);
	CHECK(add(&c, &fr[0], 100 * SEC, NULL, 0, 0));
	ipfrag_expire(c.f, 104 * SEC);
	CHECK(add(&c, &fr[1], 104 * SEC, NULL, 0, 0));
	ipfrag_expire(c.f, 105 * SEC);
	CHECK(c.st.frag_timeouts == 0);
	CHECK(add(&c, &fr[2], 105 * SEC, dgram, 45, 6));
	ipfrag_expire(c.f, 500 * SEC);
	CHECK(c.st.frag_timeouts == 0 && c.st.frag_reassembled == 1);

	/* Two in flight, only the older one expires. */
	split4(fr, 0x56, 1, 2);
	CHECK(add(&c, &fr[0], 600 * SEC, NULL, 0, 0));
	split4(fr, 0x57, 1, 2);
	CHECK(add(&c, &fr[0], 603 * SEC, NULL, 0, 0));
	ipfrag_expire(c.f, 606 * SEC);
	CHECK(c.st.frag_timeouts == 1);
	arrive(&c, fr, "12", 606 * SEC, dgram, 45, 6);
	ipfrag_free(c.f);
}

/* At frag_max_datagrams in flight a new datagram drops the oldest one
 * (frag_dropped); the others complete, the dropped one cannot. */
static void test_limit(void)
{
	struct fr fr[5][3];
	struct ctx c;

	for (int i = 1; i <= 4; i++)
		split4(fr[i], (uint16_t)(100 + i), 1, 2);
	ctx_init(&c, 3, 0);
	CHECK(c.cfg.frag_max_datagrams == 3);
	for (unsigned i = 1; i <= 3; i++)
		CHECK(add(&c, &fr[i][0], i * SEC, NULL, 0, 0));
	CHECK(c.st.frag_dropped == 0);
	/* Datagram 1 is the oldest even if it is the last one touched. */
	CHECK(add(&c, &fr[1][1], 3 * SEC, NULL, 0, 0));
	CHECK(add(&c, &fr[4][0], 4 * SEC, NULL, 0, 0));
	CHECK(c.st.frag_dropped == 1 && c.st.frag_datagrams == 4);
	for (int i = 2; i <= 4; i++)
		arrive(&c, fr[i], "12", 5 * SEC, dgram, 45, 6);
	CHECK(c.st.frag_reassembled == 3 && c.st.frag_dropped == 1);
	/* Datagram 1's last piece starts over and finds nothing. */
	CHECK(add(&c, &fr[1][2], 6 * SEC, NULL, 0, 0));
	CHECK(c.st.frag_dropped == 1 && c.st.frag_datagrams == 5);
	ipfrag_free(c.f);

	/* The default limit is 4,096 (README "Limits"). */
	config_defaults(&c.cfg);
	CHECK(c.cfg.frag_max_datagrams == 4096);
}

/* Duplicates change nothing: the datagram completes once, with its bytes,
 * and a duplicate of the last piece is not "a different end". */
static void test_duplicates(void)
{
	struct fr fr[3];
	struct ctx c;

	split4(fr, 0x77, 1, 2);
	ctx_init(&c, 0, 0);
	arrive(&c, fr, "001012", 0, dgram, 45, 6);
	CHECK(c.st.frag_datagrams == 1 && c.st.frag_reassembled == 1 && c.st.err_other == 0);
	/* A copy arriving after completion cannot complete anything. */
	CHECK(add(&c, &fr[2], 0, NULL, 0, 0));
	CHECK(c.st.frag_reassembled == 1);
	ipfrag_free(c.f);

	complete(fr, "2201");
}

/* Fragments are grouped by source, destination, protocol and id (RFC 791
 * 3.2) and, for IPv6, source, destination and id, never across IP
 * versions: interleaved datagrams that differ in one of these each
 * complete with their own bytes. */
static void test_keys(void)
{
	static const uint8_t v6_like_v4_src[16] = { 192, 0, 2, 1 };
	static const uint8_t v6_like_v4_dst[16] = { 198, 51, 100, 2 };
	/* The IPv4 datagrams: protocol, id, source and destination host. */
	static const struct {
		uint8_t proto;
		uint16_t id;
		uint8_t s, d;
	} v4[5] = {
		{ 17, 0x4242, 1, 2 },      /* the reference */
		{ 17, 0x4242, 7, 2 },      /* other source */
		{ 17, 0x4242, 1, 9 },      /* other destination */
		{ 17, 0x4243, 1, 2 },      /* other id */
		{ 6, 0x4242, 1, 2 },       /* other protocol */
	};
	static const uint32_t v6_id[2] = { 0x00014242, 0x00024242 };
	uint8_t d[6][24];
	struct fr fr[6][2];
	struct ctx c;

	for (int i = 0; i < 6; i++)
		memset(d[i], 'a' + i, 24);
	for (int i = 0; i < 5; i++) {
		frag4(&fr[i][0], v4[i].proto, v4[i].id, v4[i].s, v4[i].d, 0, true, d[i], 16);
		frag4(&fr[i][1], v4[i].proto, v4[i].id, v4[i].s, v4[i].d, 16, false, d[i], 8);
	}
	/* IPv6 whose addresses begin with the IPv4 ones, same id. */
	frag6(&fr[5][0], 17, 0x4242, v6_like_v4_src, v6_like_v4_dst, 0, true, d[5], 16);
	frag6(&fr[5][1], 17, 0x4242, v6_like_v4_src, v6_like_v4_dst, 16, false, d[5], 8);

	ctx_init(&c, 0, 0);
	for (int i = 0; i < 6; i++)
		CHECK(add(&c, &fr[i][0], 0, NULL, 0, 0));
	CHECK(c.st.frag_datagrams == 6);
	for (int i = 5; i >= 0; i--)
		CHECK(add(&c, &fr[i][1], 0, d[i], 24, i == 4 ? 6 : 17));
	CHECK(c.st.frag_reassembled == 6 && c.st.err_other == 0);
	ipfrag_free(c.f);

	/* IPv6 ids differing only in the high 16 bits are different. */
	for (int i = 0; i < 2; i++) {
		frag6(&fr[i][0], 17, v6_id[i], v6_src, v6_dst, 0, true, d[i], 16);
		frag6(&fr[i][1], 17, v6_id[i], v6_src, v6_dst, 16, false, d[i], 8);
	}
	ctx_init(&c, 0, 0);
	CHECK(add(&c, &fr[0][0], 0, NULL, 0, 0));
	CHECK(add(&c, &fr[1][1], 0, NULL, 0, 0));
	CHECK(add(&c, &fr[1][0], 0, d[1], 24, 17));
	CHECK(add(&c, &fr[0][1], 0, d[0], 24, 17));
	ipfrag_free(c.f);
}

/* Bounds: a datagram may reach 65,535 bytes and no further.  Offsets that
 * put the end past it (the largest 13-bit offset, 65,528, plus 8 or 16
 * bytes), in IPv4 or IPv6, or a pkt claiming an offset of 1 MiB, are
 * refused and counted (err_other) without starting a datagram; so is a
 * non-final fragment whose length is not a multiple of 8 (RFC 791 3.2,
 * RFC 8200 4.5). */
static void test_bounds(void)
{
	static uint8_t big[65535];
	struct fr *fr = malloc(sizeof *fr);
	struct pkt p;
	struct ctx c;
	uint8_t proto;
	uint32_t len;
	const uint8_t *out;

	CHECK(fr != NULL);
	if (!fr)
		return;
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7 + i / 251);

	ctx_init(&c, 0, 0);
	frag4(fr, 6, 1, 1, 2, 65528, true, big, 16);
	CHECK(fr->p.frag_off == 65528);
	CHECK(add(&c, fr, 0, NULL, 0, 0) && c.st.err_other == 1);
	frag4(fr, 6, 1, 1, 2, 65528, false, big, 8);
	CHECK(add(&c, fr, 0, NULL, 0, 0) && c.st.err_other == 2);
	frag6(fr, 6, 1, v6_src, v6_dst, 65528, true, big, 16);
	CHECK(add(&c, fr, 0, NULL, 0, 0) && c.st.err_other == 3);
	frag4(fr, 6, 1, 1, 2, 0, true, big, 12);
	CHECK(add(&c, fr, 0, NULL, 0, 0) && c.st.err_other == 4);
	p = fr->p;
	p.frag_off = 1u << 20;
	p.frag_len = 8;
	CHECK(ipfrag_add(c.f, &p, 0, &proto, &len) == NULL && c.st.err_other == 5);
	CHECK(c.st.frag_datagrams == 0);
	ipfrag_free(c.f);

	/* 45 fragments of 1,456 bytes and a last one of 15: exactly 65,535. */
	ctx_init(&c, 0, 0);
	out = NULL;
	for (uint32_t off = 0; off < 65520; off += 1456) {
		frag4(fr, 17, 2, 1, 2, off, true, big + off, 1456);
		CHECK(add(&c, fr, 0, NULL, 0, 0));
	}
	frag4(fr, 17, 2, 1, 2, 65520, false, big + 65520, 15);
	out = ipfrag_add(c.f, &fr->p, 0, &proto, &len);
	CHECK(out && len == 65535 && proto == 17 && memcmp(out, big, 65535) == 0);
	CHECK(c.st.err_other == 0 && c.st.frag_reassembled == 1);
	ipfrag_free(c.f);
	free(fr);
}

/* A datagram is complete only when every byte below its end has arrived.
 * Here the first 8 bytes never do: a fragment lying past the final end
 * (offset 24 while the last fragment ends at 16) must not stand in for
 * them, nor must one from a second, conflicting last fragment. */
static void test_no_hole(void)
{
	uint8_t X[8], L[8];
	struct fr beyond, last, last2;
	struct ctx c;

	memset(X, 'X', 8);
	memset(L, 'L', 8);
	frag4(&beyond, 17, 3, 1, 2, 24, true, X, 8);
	frag4(&last, 17, 3, 1, 2, 8, false, L, 8);
	ctx_init(&c, 0, 0);
	CHECK(add(&c, &beyond, 0, NULL, 0, 0));
	CHECK(add(&c, &last, 0, NULL, 0, 0));        /* bytes 0..8 are missing */
	ipfrag_free(c.f);

	frag4(&last2, 17, 3, 1, 2, 24, false, X, 8);
	ctx_init(&c, 0, 0);
	CHECK(add(&c, &last, 0, NULL, 0, 0));
	CHECK(add(&c, &last2, 0, NULL, 0, 0) && c.st.err_other == 1);
	ipfrag_free(c.f);
}

/* Freeing with datagrams in flight releases them (LeakSanitizer in the
 * ASan build); freeing NULL is allowed. */
static void test_free(void)
{
	struct fr fr[3];
	struct ctx c;

	ctx_init(&c, 0, 0);
	for (uint16_t id = 0; id < 20; id++) {
		split4(fr, id, 1, 2);
		CHECK(add(&c, &fr[id % 2 ? 0 : 2], 0, NULL, 0, 0));
	}
	CHECK(c.st.frag_datagrams == 20);
	ipfrag_free(c.f);
	ipfrag_free(NULL);
}

/* Fragments that never complete cost the same however many are in flight
 * (a hash of datagrams, an age list: 300,000 distinct ones finish in well
 * under the test's timeout, where a list walked per fragment took minutes),
 * and their buffers stay within a quarter of the reassembly memory bound:
 * far-out fragments push the oldest out before frag_max_datagrams is
 * reached. */
static void test_flood(void)
{
	struct ctx c;
	struct fr fr;
	uint8_t fill[8] = { 0 };

	ctx_init(&c, 4096, 0);
	for (uint32_t i = 0; i < 300000; i++) {
		frag4(&fr, 6, (uint16_t)i, (uint8_t)(i >> 16), 2, 64, true, fill, 8);
		(void)ipfrag_add(c.f, &fr.p, i, &(uint8_t){ 0 }, &(uint32_t){ 0 });
	}
	CHECK(c.st.frag_datagrams == 300000 && c.st.frag_dropped == 300000 - 4096);
	CHECK(c.st.frag_reassembled == 0 && c.st.frag_overlaps == 0);
	ipfrag_free(c.f);

	/* 1 MiB of reassembly memory: a quarter for fragments, so fragments
	 * near the end of 64 KiB datagrams (each buffer grown that far) push
	 * out older ones long before 4,096 are in flight. */
	config_defaults(&c.cfg);
	c.cfg.reasm_memcap = 1 << 20;
	memset(&c.st, 0, sizeof c.st);
	c.f = ipfrag_new(&c.cfg, &c.st);
	for (uint32_t i = 0; i < 100; i++) {
		frag4(&fr, 6, (uint16_t)i, 1, 2, 60000, true, fill, 8);
		(void)ipfrag_add(c.f, &fr.p, i, &(uint8_t){ 0 }, &(uint32_t){ 0 });
	}
	CHECK(c.st.frag_datagrams == 100 && c.st.frag_dropped >= 96);
	ipfrag_free(c.f);
}

int main(void)
{
	make_dgram();
	test_flood();
	test_in_order();
	test_orders();
	test_overlap();
	test_ipv6();
	test_timeout();
	test_limit();
	test_duplicates();
	test_keys();
	test_bounds();
	test_no_hole();
	test_free();
	return TT_DONE();
}
