/*
 * Unit tests for src/decode_tunnel.c: every encapsulation it reads (GRE with
 * checksum/key/sequence and v1 PPTP, ERSPAN I/II/III, NVGRE, IP-in-IP, 6in4,
 * 6to4, 4in6, VXLAN, VXLAN-GPE, Geneve with options, GTP-U with extension
 * headers, Teredo with its indicators, NSH, MPLS with and without control
 * word, PPP, PPPoE, CAPWAP, 802.11 behind radiotap/Prism/AVS), nesting and
 * the depth cap, recognition by content on ports that name no tunnel, the
 * tunnel key (what separates tenants, what both directions share), and every
 * truncated caplen of each frame from exact-size allocations.
 *
 * Frames are built here byte by byte from the specifications' layouts,
 * inside out: an IPv4/TCP packet, then each header around it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/decode.h"
#include "tt_test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct fb {
	uint8_t b[1024];
	size_t n;
};

/* hdr (hn bytes) in front of in. */
static struct fb wrap(const uint8_t *hdr, size_t hn, const struct fb *in)
{
	struct fb f;

	memcpy(f.b, hdr, hn);
	memcpy(f.b + hn, in->b, in->n);
	f.n = hn + in->n;
	return f;
}

static void be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v & 0xffff);
}

static const uint8_t A4[4] = { 192, 0, 2, 1 }, B4[4] = { 198, 51, 100, 2 };
static const uint8_t T1[4] = { 10, 98, 0, 1 }, T2[4] = { 10, 98, 0, 2 };
static const uint8_t T61[16] = { 0xfd, 0, 0, 0x98, [15] = 1 };
static const uint8_t T62[16] = { 0xfd, 0, 0, 0x98, [15] = 2 };

/* IPv4 (RFC 791) around in; dir 1 swaps the addresses. */
static struct fb ip4(uint8_t proto, const uint8_t *s, const uint8_t *d, int dir,
		     const struct fb *in)
{
	uint8_t h[20] = { 0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto };

	be16(h + 2, (unsigned)(20 + in->n));
	memcpy(h + 12, dir ? d : s, 4);
	memcpy(h + 16, dir ? s : d, 4);
	return wrap(h, 20, in);
}

static struct fb ip6(uint8_t nh, int dir, const struct fb *in)
{
	uint8_t h[40] = { 0x60, 0, 0, 0, 0, 0, nh, 64 };

	be16(h + 4, (unsigned)in->n);
	memcpy(h + 8, dir ? T62 : T61, 16);
	memcpy(h + 24, dir ? T61 : T62, 16);
	return wrap(h, 40, in);
}

/* The inner packet: IPv4 192.0.2.1:49153 -> 198.51.100.2:443, PSH|ACK,
 * "hello" (dir 1: the reply). */
static struct fb inner(int dir)
{
	struct fb t = { .n = 25 };
	uint8_t tcp[20] = { 0xc0, 0x01, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0x72, 0x10 };

	if (dir) {
		tcp[0] = 0x01, tcp[1] = 0xbb, tcp[2] = 0xc0, tcp[3] = 0x01;
	}
	memcpy(t.b, tcp, 20);
	memcpy(t.b + 20, "hello", 5);
	return ip4(6, A4, B4, dir, &t);
}

static struct fb eth(unsigned et, const struct fb *in)
{
	uint8_t h[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	be16(h + 12, et);
	return wrap(h, 14, in);
}

static struct fb udp(unsigned sp, unsigned dp, int dir, const struct fb *in)
{
	uint8_t h[8] = { 0 };

	be16(h, dir ? dp : sp);
	be16(h + 2, dir ? sp : dp);
	be16(h + 4, (unsigned)(8 + in->n));
	return wrap(h, 8, in);
}

/* GRE (RFC 2784/2890): flags word, protocol, then the optional fields the
 * flags name, each given by the caller in order. */
static struct fb gre(unsigned flags, unsigned proto, const uint32_t *opt, size_t nopt,
		     const struct fb *in)
{
	uint8_t h[24];
	size_t n = 4;

	be16(h, flags);
	be16(h + 2, proto);
	for (size_t i = 0; i < nopt; i++, n += 4)
		be32(h + n, opt[i]);
	return wrap(h, n, in);
}

static struct fb e4(uint8_t proto, int dir, const struct fb *in)
{
	struct fb x = ip4(proto, T1, T2, dir, in);
	return eth(0x0800, &x);
}

static struct fb e4udp(unsigned sp, unsigned dp, int dir, const struct fb *in)
{
	struct fb u = udp(sp, dp, dir, in);
	return e4(17, dir, &u);
}

static unsigned long long counted(const struct tt_stats *s)
{
	return s->truncated + s->err_link + s->err_ip + s->err_ipv6 + s->err_tcp + s->err_other +
	       s->err_tunnel + s->non_ip + s->non_tcp + s->encap_depth + s->encap_skipped;
}

/* The whole frame decodes to the inner segment with the chain of types
 * want[]; every shorter caplen from an exact-size copy answers a cut (or,
 * for a tunnel found by content, nothing recognised), or, once the inner
 * TCP header is whole, the segment with the rest missing. */
static void sweep(const char *name, int dlt, const struct fb *f, size_t trailer,
		  const uint8_t *want, size_t nwant, struct pkt *out)
{
	size_t hdr_end = f->n - trailer - 5;
	int bad = 0;

	for (size_t k = 0; k <= f->n; k++) {
		uint8_t *b = malloc(k ? k : 1);
		struct tt_stats st;
		struct pkt p;
		enum decode_result r;
		int ok;

		if (!b)
			continue;
		memcpy(b, f->b, k);
		memset(&st, 0, sizeof st);
		r = decode_packet(dlt, b, (uint32_t)k, (uint32_t)f->n, &p, &st);
		if (k >= f->n - trailer) {   /* a cut trailer (802.11 FCS) loses nothing */
			ok = r == DEC_TCP && counted(&st) == 0 && p.n_encap == nwant &&
			     p.payload_len == 5 && memcmp(p.payload, "hello", 5) == 0 &&
			     (p.af == 6 || (memcmp(p.src, A4, 4) == 0 && memcmp(p.dst, B4, 4) == 0));
			for (size_t i = 0; ok && i < nwant; i++)
				ok = p.encap[i].type == want[i];
			if (out)
				*out = p;
		} else if (k < hdr_end) {
			/* A tunnel recognised by content and cut before its inner
			 * packet is not recognised: it is a cut UDP datagram of its
			 * own (counted as non_tcp and truncated, for DTLS/QUIC). */
			ok = (counted(&st) == 1 && ((r == DEC_ERROR && st.truncated == 1) ||
						    (r == DEC_SKIP && (st.non_tcp || st.non_ip)))) ||
			     (r == DEC_UDP && counted(&st) == 2 && st.non_tcp == 1 &&
			      st.truncated == 1 && p.payload_missing > 0);
		} else {
			ok = r == DEC_TCP && p.payload_len <= 5 && st.truncated == 1 &&
			     counted(&st) == 1 && p.payload_missing == 5 - p.payload_len;
		}
		if (r == DEC_TCP)
			ok = ok && p.payload >= b && p.payload + p.payload_len <= b + k;
		if (!ok) {
			bad++;
			fprintf(stderr, "%s: caplen %zu of %zu: result %d, counted %llu, layers %u\n",
				name, k, f->n, (int)r, counted(&st), p.n_encap);
		}
		free(b);
	}
	CHECK(bad == 0);
}

#define SWEEP(name, dlt, f, trailer, out, ...) do { \
	static const uint8_t w_[] = { __VA_ARGS__ }; \
	sweep(name, dlt, f, trailer, w_, N(w_), out); \
} while (0)

static void test_gre(void)
{
	struct fb in = inner(0), in1 = inner(1), g, f, e;
	struct pkt p, q;
	uint32_t ks[] = { 0, 0x1234, 7 };               /* checksum+offset, key, sequence */
	uint32_t vsid[] = { (5001u << 8) | 9 };
	uint32_t pptp0[] = { (29u << 16) | 0x4001, 1 }, pptp1[] = { (29u << 16) | 0x8002, 1 };
	uint8_t ppp[4] = { 0xff, 0x03, 0x00, 0x21 };

	g = gre(0xb000, 0x0800, ks, 3, &in);
	f = e4(47, 0, &g);
	SWEEP("gre key seq csum", 1, &f, 0, &p, ENCAP_GRE);
	CHECK(p.encap[0].id == 0x1234 && (p.encap[0].flags & ENCAP_F_ID) && p.encap[0].af == 4 &&
	      memcmp(p.encap[0].src, T1, 4) == 0 && memcmp(p.encap[0].dst, T2, 4) == 0 && p.tkey);
	/* The reply, outer and inner addresses swapped: the same tunnel key. */
	g = gre(0xb000, 0x0800, ks, 3, &in1);
	f = e4(47, 1, &g);
	CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &(struct tt_stats){ 0 }) == DEC_TCP);
	CHECK(q.tkey == p.tkey);
	/* Another key: another tenant. */
	ks[1] = 0x1235;
	g = gre(0xb000, 0x0800, ks, 3, &in);
	f = e4(47, 0, &g);
	CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &(struct tt_stats){ 0 }) == DEC_TCP);
	CHECK(q.tkey != p.tkey);

	/* NVGRE: key = VSID | flow id, Ethernet inside. */
	e = eth(0x0800, &in);
	g = gre(0x2000, 0x6558, vsid, 1, &e);
	f = e4(47, 0, &g);
	SWEEP("nvgre", 1, &f, 0, &p, ENCAP_GRE);
	CHECK(p.encap[0].id == vsid[0] && (p.encap[0].sub & ENCAP_GRE_TEB));
	/* The other end's flow id (entropy) does not split the connection;
	 * another VSID does. */
	vsid[0] = (5001u << 8) | 200;
	g = gre(0x2000, 0x6558, vsid, 1, &e);
	f = e4(47, 0, &g);
	CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &(struct tt_stats){ 0 }) == DEC_TCP);
	CHECK(q.tkey == p.tkey);
	vsid[0] = (5002u << 8) | 9;
	g = gre(0x2000, 0x6558, vsid, 1, &e);
	f = e4(47, 0, &g);
	CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &(struct tt_stats){ 0 }) == DEC_TCP);
	CHECK(q.tkey != p.tkey);

	/* PPTP: GRE v1, key = payload length | call id (differs per direction). */
	g = wrap(ppp, 4, &in);
	g = gre(0x3001, 0x880b, pptp0, 2, &g);
	f = e4(47, 0, &g);
	SWEEP("pptp", 1, &f, 0, &p, ENCAP_GRE, ENCAP_PPP);
	CHECK(p.encap[0].sub == 1 && p.encap[0].id == 0x4001);
	g = wrap(ppp, 4, &in1);
	g = gre(0x3001, 0x880b, pptp1, 2, &g);
	f = e4(47, 1, &g);
	CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &(struct tt_stats){ 0 }) == DEC_TCP);
	CHECK(q.tkey == p.tkey && q.encap[0].id == 0x8002);

	/* Version 2 and v1 without PPP: malformed. */
	g = gre(0x0002, 0x0800, NULL, 0, &in);
	f = e4(47, 0, &g);
	{
		struct tt_stats st = { 0 };
		CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &st) == DEC_ERROR &&
		      st.err_tunnel == 1);
	}
	/* GRE over IPv6. */
	g = gre(0, 0x0800, NULL, 0, &in);
	e = ip6(47, 0, &g);
	f = eth(0x86dd, &e);
	SWEEP("ip6gre", 1, &f, 0, &p, ENCAP_GRE);
	CHECK(p.encap[0].af == 6 && memcmp(p.encap[0].src, T61, 16) == 0);
}

static void test_erspan(void)
{
	struct fb in = inner(0), e = eth(0x0800, &in), g, f;
	uint8_t h2[8], h3[20] = { 0 };
	uint32_t seq[] = { 5 };
	struct pkt p;

	g = gre(0, 0x88be, NULL, 0, &e);
	f = e4(47, 0, &g);
	SWEEP("erspan I", 1, &f, 0, &p, ENCAP_ERSPAN);
	CHECK(p.encap[0].sub == 1 && p.tkey == 0);

	be32(h2, (1u << 28) | (10u << 16) | 77);
	be32(h2 + 4, 3);
	g = wrap(h2, 8, &e);
	g = gre(0x1000, 0x88be, seq, 1, &g);
	f = e4(47, 0, &g);
	SWEEP("erspan II", 1, &f, 0, &p, ENCAP_ERSPAN);
	CHECK(p.encap[0].sub == 2 && p.encap[0].id == 77 && p.encap[0].id2 == 10);

	be32(h3, (2u << 28) | 78);
	be32(h3 + 4, 12345);
	be32(h3 + 8, 1);                     /* O: an 8-byte platform subheader follows */
	g = wrap(h3, 20, &e);
	g = gre(0x1000, 0x22eb, seq, 1, &g);
	f = e4(47, 0, &g);
	SWEEP("erspan III", 1, &f, 0, &p, ENCAP_ERSPAN);
	CHECK(p.encap[0].sub == 3 && p.encap[0].id == 78);
}

static void test_ip_in_ip(void)
{
	struct fb in = inner(0), f, x;
	struct pkt p;
	uint8_t h6[40] = { 0x60, 0, 0, 0, 0, 25, 6, 64, 0x20, 0x02, 10, 98, 0, 1, [23] = 1,
			   0x20, 0x02, 10, 98, 0, 2, [39] = 2 };
	struct fb six;

	f = e4(4, 0, &in);
	SWEEP("ipip", 1, &f, 0, &p, ENCAP_IPIP);
	CHECK(p.tkey != 0 && p.af == 4);
	x = ip6(4, 0, &in);
	f = eth(0x86dd, &x);
	SWEEP("4in6", 1, &f, 0, &p, ENCAP_4IN6);
	/* Inner IPv4 after outer IPv6: no stale address bytes. */
	for (int i = 4; i < 16; i++)
		CHECK(p.src[i] == 0 && p.dst[i] == 0);

	/* 6to4: IPv6 2002:a62:1::1 -> 2002:a62:2::2 in IPv4, no key. */
	memcpy(six.b, h6, 40);
	memcpy(six.b + 40, in.b + 20, 25);
	six.n = 65;
	f = e4(41, 0, &six);
	{
		struct tt_stats st = { 0 };
		CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &p, &st) == DEC_TCP);
		CHECK(p.n_encap == 1 && p.encap[0].type == ENCAP_6TO4 && p.tkey == 0 && p.af == 6);
	}
	/* The same without the 2002::/16 prefix: a 6in4 tunnel, keyed. */
	six.b[8] = 0x20, six.b[9] = 0x01, six.b[24] = 0x20, six.b[25] = 0x01;
	f = e4(41, 0, &six);
	CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &p, &(struct tt_stats){ 0 }) == DEC_TCP);
	CHECK(p.encap[0].type == ENCAP_6IN4 && p.tkey != 0);
}

static void test_vxlan(void)
{
	struct fb in = inner(0), e = eth(0x0800, &in), v, f;
	uint8_t h[8] = { 0x08, 0, 0, 0, 0, 0, 100, 0 };
	struct pkt p, q;

	v = wrap(h, 8, &e);
	f = e4udp(50000, 4789, 0, &v);
	SWEEP("vxlan", 1, &f, 0, &p, ENCAP_VXLAN);
	CHECK(p.encap[0].id == 100);
	/* VNI 200, same inner 5-tuple: another tenant, another key. */
	h[6] = 200;
	v = wrap(h, 8, &e);
	f = e4udp(50000, 4789, 0, &v);
	CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &(struct tt_stats){ 0 }) == DEC_TCP);
	CHECK(q.tkey != p.tkey && memcmp(q.src, p.src, 16) == 0 && q.encap[0].id == 200);
	/* Linux's default port 8472, and a port that names no tunnel (found by
	 * content, reserved bits as sent). */
	f = e4udp(50000, 8472, 0, &v);
	SWEEP("vxlan 8472", 1, &f, 0, NULL, ENCAP_VXLAN);
	f = e4udp(50000, 12345, 0, &v);
	SWEEP("vxlan by content", 1, &f, 0, NULL, ENCAP_VXLAN);
	/* ... but not with a reserved bit set. */
	v.b[1] = 1;
	f = e4udp(50000, 12345, 0, &v);
	{
		struct tt_stats st = { 0 };
		/* A plain UDP datagram (for DTLS/QUIC to look at), no tunnel. */
		CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &st) == DEC_UDP &&
		      st.non_tcp == 1 && counted(&st) == 1 && q.n_encap == 0 && q.dport == 12345);
	}
}

static void test_gpe_geneve(void)
{
	struct fb in = inner(0), e = eth(0x0800, &in), v, f;
	uint8_t gpe[8] = { 0x0c, 0, 0, 1, 0, 0x10, 0xe1, 0 };
	uint8_t gnv[20] = { 3, 0, 0x65, 0x58, 0xab, 0xcd, 0xef, 0,
			    0x01, 0x02, 0x80, 1, 0x11, 0x22, 0x33, 0x44, 0xff, 0xff, 0x01, 0 };
	struct pkt p;

	v = wrap(gpe, 8, &in);
	f = e4udp(50000, 4790, 0, &v);
	SWEEP("vxlan-gpe", 1, &f, 0, &p, ENCAP_VXLAN_GPE);
	CHECK(p.encap[0].id == 4321 && p.encap[0].sub == 1);
	f = e4udp(50000, 999, 0, &v);
	SWEEP("vxlan-gpe by content", 1, &f, 0, NULL, ENCAP_VXLAN_GPE);

	v = wrap(gnv, 20, &e);
	f = e4udp(50000, 6081, 0, &v);
	SWEEP("geneve", 1, &f, 0, &p, ENCAP_GENEVE);
	CHECK(p.encap[0].id == 0xabcdef && p.encap[0].id2 == 2 && p.encap[0].sub == 12);
	f = e4udp(50000, 999, 0, &v);
	SWEEP("geneve by content", 1, &f, 0, NULL, ENCAP_GENEVE);
	/* An option running past the option length: malformed. */
	gnv[11] = 3;
	v = wrap(gnv, 20, &e);
	f = e4udp(50000, 6081, 0, &v);
	{
		struct tt_stats st = { 0 };
		CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &p, &st) == DEC_ERROR &&
		      st.err_tunnel == 1);
	}
}

static void test_gtpu(void)
{
	struct fb in = inner(0), in1 = inner(1), v, f;
	uint8_t h[16] = { 0x34, 0xff, 0, 0, 0, 0, 0x10, 0x01, 0, 7, 0, 0x85, 1, 0x10, 9, 0 };
	struct pkt p, q;

	be16(h + 2, (unsigned)(8 + in.n));
	v = wrap(h, 16, &in);
	f = e4udp(2152, 2152, 0, &v);
	SWEEP("gtp-u", 1, &f, 0, &p, ENCAP_GTPU);
	CHECK(p.encap[0].id == 0x1001 && p.encap[0].id2 == 9 && (p.encap[0].flags & ENCAP_F_ID2));
	f = e4udp(40000, 40001, 0, &v);
	SWEEP("gtp-u by content", 1, &f, 0, NULL, ENCAP_GTPU);
	/* The downlink carries the other end's TEID: the same key all the same. */
	be32(h + 4, 0x2002);
	h[13] = 0;
	v = wrap(h, 16, &in1);
	f = e4udp(2152, 2152, 1, &v);
	CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &(struct tt_stats){ 0 }) == DEC_TCP);
	CHECK(q.tkey == p.tkey && q.encap[0].id == 0x2002);
	/* Echo request: recognised, nothing to read. */
	h[1] = 1;
	v = wrap(h, 16, &in);
	f = e4udp(2152, 2152, 0, &v);
	{
		struct tt_stats st = { 0 };
		CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &q, &st) == DEC_SKIP &&
		      st.encap_skipped == 1);
	}
}

static void test_teredo(void)
{
	struct fb in = inner(0), six, v, f;
	uint8_t h6[40] = { 0x60, 0, 0, 0, 0, 25, 6, 64, 0x20, 0x01, [23] = 1,
			   0x20, 0x01, 0x0d, 0xb8, [39] = 2 };
	uint8_t ind[21] = { 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0,
			    0, 0, 0x63, 0xbe, 0xf5, 0x9d, 0xff, 0xfe };
	struct pkt p;

	memcpy(six.b, h6, 40);
	memcpy(six.b + 40, in.b + 20, 25);
	six.n = 65;
	f = e4udp(3544, 50000, 0, &six);
	SWEEP("teredo", 1, &f, 0, &p, ENCAP_TEREDO);
	CHECK(p.encap[0].flags == 0 && p.tkey == 0);
	v = wrap(ind, 21, &six);
	f = e4udp(40001, 50002, 0, &v);
	SWEEP("teredo indicators by content", 1, &f, 0, &p, ENCAP_TEREDO);
	CHECK((p.encap[0].flags & (ENCAP_F_AUTH | ENCAP_F_ORIGIN)) == (ENCAP_F_AUTH | ENCAP_F_ORIGIN) &&
	      p.encap[0].id == 0x9c41 && p.encap[0].id2 == 0x0a620001);
}

static void test_nsh_mpls_ppp(void)
{
	struct fb in = inner(0), e = eth(0x0800, &in), v, f;
	uint8_t nsh[24] = { 0x0f, 0xc6, 0x01, 0x01, 0, 0, 42, 255 };
	uint8_t labels[8] = { 0x00, 0x3e, 0x80, 64, 0x00, 0x7d, 0x01, 64 };
	uint8_t pw[8] = { 0x00, 0xbb, 0x81, 64, 0, 0, 0, 1 };
	uint8_t pppoe[8] = { 0x11, 0, 0x12, 0x34, 0, 2 + 45, 0x00, 0x21 };
	struct pkt p;

	v = wrap(nsh, 24, &in);
	f = eth(0x894f, &v);
	SWEEP("nsh", 1, &f, 0, &p, ENCAP_NSH);
	CHECK(p.encap[0].id == 42 && p.encap[0].id2 == 255 && p.tkey == 0);
	v = wrap(labels, 8, &in);
	f = eth(0x8847, &v);
	SWEEP("mpls", 1, &f, 0, &p, ENCAP_MPLS);
	CHECK(p.encap[0].id == 1000 && p.encap[0].id2 == 2000 && p.encap[0].sub == 2);
	v = wrap(pw, 8, &e);
	f = eth(0x8847, &v);
	SWEEP("mpls control word", 1, &f, 0, &p, ENCAP_MPLS);
	CHECK(p.encap[0].flags & ENCAP_F_CW);
	v = wrap(labels, 8, &in);
	f = e4(137, 0, &v);
	SWEEP("mpls in ip", 1, &f, 0, NULL, ENCAP_MPLS);
	f = e4udp(50000, 6635, 0, &v);
	SWEEP("mpls in udp", 1, &f, 0, NULL, ENCAP_MPLS);
	v = wrap(pppoe, 8, &in);
	f = eth(0x8864, &v);
	SWEEP("pppoe", 1, &f, 0, &p, ENCAP_PPPOE);
	CHECK(p.encap[0].id == 0x1234);
	/* GRE in UDP (RFC 8086) with NSH inside. */
	v = wrap(nsh, 24, &in);
	v = gre(0, 0x894f, NULL, 0, &v);
	f = e4udp(50000, 4754, 0, &v);
	SWEEP("gre-in-udp nsh", 1, &f, 0, NULL, ENCAP_GRE, ENCAP_NSH);
}

/* An 802.11 QoS data frame to the AP, LLC/SNAP, IPv4. */
static struct fb wlan(const struct fb *in, uint8_t fc1)
{
	uint8_t h[34] = { 0x88, fc1, 0, 0, [24] = 0, 0, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };

	return wrap(h, 34, in);
}

static void test_wlan(void)
{
	struct fb in = inner(0), w = wlan(&in, 0x01), f, x;
	uint8_t rt[12] = { 0, 0, 12, 0, 2, 0, 0, 0, 0x10, 0, 0, 0 };
	uint8_t prism[144] = { 0x41, 0, 0, 0, 144, 0 };
	uint8_t avs[64] = { 0x80, 0x21, 0x10, 0x01, 0, 0, 0, 64 };
	uint8_t capwap[16] = { 0, 0x20, 0x03, 0x20, 0, 0, 0, 0, 4, 0xbf, 0x23, 0, 0, 0, 0, 0 };
	uint8_t fcs[4] = { 0 };
	struct pkt p;

	f = wrap(rt, 12, &w);
	memcpy(f.b + f.n, fcs, 4);
	f.n += 4;
	SWEEP("radiotap", 127, &f, 4, &p, ENCAP_IEEE80211);
	CHECK(p.encap[0].sub == ENCAP_RADIO_RADIOTAP);
	f = wrap(prism, 144, &w);
	SWEEP("prism", 119, &f, 0, &p, ENCAP_IEEE80211);
	CHECK(p.encap[0].sub == ENCAP_RADIO_PRISM);
	f = wrap(avs, 64, &w);
	SWEEP("avs", 163, &f, 0, &p, ENCAP_IEEE80211);
	CHECK(p.encap[0].sub == ENCAP_RADIO_AVS);
	SWEEP("802.11", 105, &w, 0, NULL, ENCAP_IEEE80211);
	/* Protected: recognised, not readable. */
	x = wlan(&in, 0x41);
	{
		struct tt_stats st = { 0 };
		CHECK(decode_packet(105, x.b, (uint32_t)x.n, (uint32_t)x.n, &p, &st) == DEC_SKIP &&
		      st.encap_skipped == 1);
	}
	/* CAPWAP data (RFC 5415) with wireless info, native 802.11 whose frame
	 * control bytes are swapped (as Cisco controllers send them), on a
	 * port that names nothing (found by content). */
	x = wlan(&in, 0x01);
	x.b[0] = 0x01, x.b[1] = 0x88;
	x = wrap(capwap, 16, &x);
	f = e4udp(41264, 5247, 0, &x);
	SWEEP("capwap", 1, &f, 0, &p, ENCAP_CAPWAP, ENCAP_IEEE80211);
	CHECK(p.encap[0].sub == 1);
	f = e4udp(41264, 1000, 0, &x);
	SWEEP("capwap by content", 1, &f, 0, NULL, ENCAP_CAPWAP, ENCAP_IEEE80211);
}

/* GRE key 7 / IPv4 / UDP VXLAN 300 / VLAN 42 / IPv4 TCP; then IP-in-IP
 * eight deep (decoded) and nine deep (over the cap: counted). */
static void test_nesting(void)
{
	struct fb in = inner(0), x, f;
	uint8_t vx[8] = { 0x08, 0, 0, 0, 0, 0x01, 0x2c, 0 };
	uint8_t tag[18] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0, 0, 42, 0x08, 0 };
	uint32_t key[] = { 7 };
	static const uint8_t M1[4] = { 172, 16, 0, 1 }, M2[4] = { 172, 16, 0, 2 };
	struct pkt p;

	x = wrap(tag, 18, &in);
	x = wrap(vx, 8, &x);
	x = udp(43000, 4789, 0, &x);
	x = ip4(17, M1, M2, 0, &x);
	x = gre(0x2000, 0x0800, key, 1, &x);
	f = e4(47, 0, &x);
	SWEEP("gre/vxlan/vlan", 1, &f, 0, &p, ENCAP_GRE, ENCAP_VXLAN);
	CHECK(p.encap[1].id == 300 && (p.encap[1].flags & ENCAP_F_VLAN) && p.encap[1].vlan == 42 &&
	      memcmp(p.encap[1].src, M1, 4) == 0 && !p.has_vlan);

	x = in;
	for (int i = 0; i < 7; i++)
		x = ip4(4, T1, T2, 0, &x);
	f = e4(4, 0, &x);
	SWEEP("ipip x8", 1, &f, 0, NULL, ENCAP_IPIP, ENCAP_IPIP, ENCAP_IPIP, ENCAP_IPIP,
	      ENCAP_IPIP, ENCAP_IPIP, ENCAP_IPIP, ENCAP_IPIP);
	x = ip4(4, T1, T2, 0, &x);
	f = e4(4, 0, &x);
	{
		struct tt_stats st = { 0 };
		CHECK(decode_packet(1, f.b, (uint32_t)f.n, (uint32_t)f.n, &p, &st) == DEC_ERROR &&
		      st.encap_depth == 1 && counted(&st) == 1);
	}
}

/* A reassembled datagram's payload that is a tunnel (decode_l4). */
static void test_reassembled(void)
{
	struct fb in = inner(0);
	struct pkt p;
	struct tt_stats st = { 0 };

	memset(&p, 0, sizeof p);
	p.af = 4;
	memcpy(p.src, T1, 4);
	memcpy(p.dst, T2, 4);
	CHECK(decode_l4(4, in.b, (uint32_t)in.n, &p, &st) == DEC_TCP && p.n_encap == 1 &&
	      memcmp(p.encap[0].src, T1, 4) == 0 && memcmp(p.src, A4, 4) == 0);
	CHECK(decode_l4(6, in.b + 20, 25, &p, &st) == DEC_TCP && p.payload_len == 5);
	CHECK(decode_l4(1, in.b, (uint32_t)in.n, &p, &st) == DEC_SKIP && st.non_tcp == 1);
}

int main(void)
{
	test_gre();
	test_erspan();
	test_ip_in_ip();
	test_vxlan();
	test_gpe_geneve();
	test_gtpu();
	test_teredo();
	test_nsh_mpls_ppp();
	test_wlan();
	test_nesting();
	test_reassembled();
	return TT_DONE();
}
