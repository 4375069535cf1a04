/*
 * Unit tests for src/decode.c: every link type it supports (Ethernet with
 * stacked 802.1Q/802.1ad tags, MPLS, PPPoE; PPP; Linux cooked v1/v2; raw IP;
 * BSD null/loopback in both byte orders), IPv4 (options, checksum, TSO
 * length 0, fragments, RFC 791), IPv6 (extension headers and fragments,
 * RFC 8200 4), TCP (RFC 9293 3.1), what is skipped and how it is counted, and
 * every truncated caplen of full frames from exact-size allocations.
 *
 * The frames are built here byte by byte; expected values are read off the
 * bytes as the specifications define them, not from the decoder's output.
 * Most link-layer cases are rows of a table (struct link, struct stack),
 * built by one helper and checked by one loop that names a failing row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/decode.h"
#include "tt_test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A byte string and its length, for the tables. */
#define B(s) s, sizeof(s) - 1

/* u16 words and how many, for the tables. */
#define W(...) { __VA_ARGS__ }, N(((const uint16_t[]){ __VA_ARGS__ }))

/* A TCP segment (RFC 9293 3.1): 49153 -> 443, PSH|ACK, 5 payload bytes. */
static const uint8_t tcp_seg[] = {
	0xc0, 0x01, 0x01, 0xbb,             /* ports 49153 -> 443 */
	0x01, 0x02, 0x03, 0x04,             /* seq */
	0xa0, 0xb0, 0xc0, 0xd0,             /* ack */
	0x50, 0x18, 0x72, 0x10,             /* offset 5 words, PSH|ACK, window 29200 */
	0x00, 0x00, 0x00, 0x00,             /* checksum, urgent pointer */
	'h', 'e', 'l', 'l', 'o',
};
#define SEG_LEN ((uint16_t)sizeof tcp_seg)

/* IPv4 header (RFC 791 3.1), 192.0.2.1 -> 198.51.100.2, DF, TCP, no
 * checksum yet: the length is patched per frame. */
static const uint8_t ip4_base[20] = {
	0x45, 0x00, 0x00, 0x00, 0x1c, 0x46, 0x40, 0x00, 64, 6, 0x00, 0x00,
	192, 0, 2, 1, 198, 51, 100, 2,
};

/* IPv6 header (RFC 8200 3), 2001:db8::1 -> 2001:db8::2; payload length
 * and next header are patched per frame. */
static const uint8_t ip6_base[40] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 64,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
};

/* A one-word IPv4 Router Alert option (RFC 2113). */
static const uint8_t ra[4] = { 0x94, 0x04, 0x00, 0x00 };

/* Ethernet destination and source: 02:00:00:00:00:02, 02:00:00:00:00:01. */
#define MACS "\x02\x00\x00\x00\x00\x02" "\x02\x00\x00\x00\x00\x01"

/* MPLS label stack entries (RFC 3032 2.1), as two words each. */
#define MPLS_16_BOS 0x0001, 0x0140      /* label 16, S, TTL 64 */
#define MPLS_17 0x0001, 0x1040          /* label 17, no S */

/* Linux cooked headers (tcpdump's LINKTYPE_LINUX_SLL and _SLL2 pages) of
 * packet type t, ARPHRD_ETHER, a 6-byte address padded to 8: v1 | packet
 * type 2 | ARPHRD 2 | address length 2 | address 8 |, then the protocol; v2
 * after its protocol: | reserved 2 | ifindex 4 (2) | ARPHRD 2 | packet
 * type 1 | address length 1 | address 8 |. */
#define SLL1(t) "\x00" t "\x00\x01\x00\x06" "\x02\x00\x00\x00\x00\x01\x00\x00"
#define SLL2(t) "\x00\x00\x00\x00\x00\x02\x00\x01" t "\x06" "\x02\x00\x00\x00\x00\x01\x00\x00"
#define SLL_TO_US "\x00"
#define SLL_OUTGOING "\x04"

/* An ARP request (RFC 826): Ethernet, IPv4, lengths 6 and 4, request;
 * 02:00:00:00:00:01 at 192.0.2.1 asks for 192.0.2.2. */
#define ARP_HDR "\x00\x01\x08\x00\x06\x04\x00\x01"
#define ARP ARP_HDR "\x02\x00\x00\x00\x00\x01" "\xc0\x00\x02\x01" \
	"\x00\x00\x00\x00\x00\x00" "\xc0\x00\x02\x02"

/* The Internet checksum (RFC 1071) of n bytes, ready to store. */
static uint16_t inet_sum(const uint8_t *h, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)h[i] << 8 | (i + 1 < n ? h[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Fill in the checksum of the IPv4 header at h (its IHL gives the size). */
static void ip4_fix_sum(uint8_t *h)
{
	size_t ihl = (size_t)(h[0] & 15) * 4;
	uint16_t s;

	h[10] = h[11] = 0;
	s = inet_sum(h, ihl);
	h[10] = (uint8_t)(s >> 8);
	h[11] = (uint8_t)s;
}

/* n data bytes counting up from base. */
static void ramp(uint8_t *d, size_t n, unsigned base)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(base + i);
}

static size_t put(uint8_t *f, size_t n, const void *b, size_t len)
{
	memcpy(f + n, b, len);
	return n + len;
}

static size_t put16(uint8_t *f, size_t n, uint16_t v)
{
	f[n] = (uint8_t)(v >> 8);
	f[n + 1] = (uint8_t)v;
	return n + 2;
}

/* An IPv4 header with opts (a multiple of 4 bytes) before l4len bytes of
 * protocol proto; frag is the flags/fragment offset word. */
static size_t put_ip4(uint8_t *f, size_t n, uint8_t proto, const uint8_t *opts, size_t optlen,
		      uint16_t l4len, uint16_t frag)
{
	uint8_t *h = f + n;
	size_t ihl = 20 + optlen;

	n = put(f, n, ip4_base, 20);
	if (optlen)
		n = put(f, n, opts, optlen);
	h[0] = (uint8_t)(0x40 | ihl / 4);
	put16(h, 2, (uint16_t)(ihl + l4len));
	put16(h, 6, frag);
	h[9] = proto;
	ip4_fix_sum(h);
	return n;
}

static size_t put_ip4_tcp(uint8_t *f, size_t n)
{
	n = put_ip4(f, n, 6, NULL, 0, SEG_LEN, 0x4000);
	return put(f, n, tcp_seg, sizeof tcp_seg);
}

static size_t put_ip6(uint8_t *f, size_t n, uint8_t nh, uint16_t plen)
{
	uint8_t *h = f + n;

	n = put(f, n, ip6_base, 40);
	put16(h, 4, plen);
	h[6] = nh;
	return n;
}

static size_t put_ip6_tcp(uint8_t *f, size_t n)
{
	n = put_ip6(f, n, 6, SEG_LEN);
	return put(f, n, tcp_seg, sizeof tcp_seg);
}

/* The segment over IPv4 (af 4) or IPv6 (af 6). */
static size_t put_ip_tcp(uint8_t *f, size_t n, int af)
{
	return af == 4 ? put_ip4_tcp(f, n) : put_ip6_tcp(f, n);
}

/* An Ethernet header at the start of f: the addresses, then nw u16 words
 * (802.1Q/802.1ad tags, MPLS label entries, a PPPoE header; the ethertype
 * or PPP protocol last). */
static size_t put_eth_words(uint8_t *f, const uint16_t *w, size_t nw)
{
	size_t n = put(f, 0, MACS, 12);

	for (size_t i = 0; i < nw; i++)
		n = put16(f, n, w[i]);
	return n;
}

/* An untagged Ethernet header of ethertype type. */
static size_t put_eth(uint8_t *f, uint16_t type)
{
	return put_eth_words(f, &type, 1);
}

/* Ethernet, IPv4 with optlen bytes of Router Alert and total length 0
 * (TCP segmentation offload: the NIC fills it in after the capture point),
 * the segment. */
static size_t put_tso(uint8_t *f, size_t optlen)
{
	size_t n = put_ip4(f, put_eth(f, 0x0800), 6, ra, optlen, 0, 0x4000);

	f[16] = f[17] = 0;
	ip4_fix_sum(f + 14);
	return put(f, n, tcp_seg, sizeof tcp_seg);
}

/* Everything decode.c counts, so that a test can say "nothing else". */
static uint64_t counted(const struct tt_stats *st)
{
	return st->truncated + st->bad_checksum_ip + st->bad_checksum_tcp + st->err_link +
	       st->err_ip + st->err_ipv6 + st->err_tcp + st->err_other + st->non_ip +
	       st->non_tcp;
}

static enum decode_result dec(int dlt, const uint8_t *f, size_t n, struct pkt *p,
			      struct tt_stats *st)
{
	memset(st, 0, sizeof *st);
	memset(p, 0xa5, sizeof *p);          /* stale fields must not leak through */
	return decode_packet(dlt, f, (uint32_t)n, (uint32_t)n, p, st);
}

/* Decoding f[0..n) on dlt answers want and counts the packet once, in
 * the counter ctr, and nowhere else. */
#define CHECK_ONE(dlt, f, n, want, ctr) do { \
	struct tt_stats st_; \
	struct pkt p_; \
	enum decode_result r_ = dec((dlt), (f), (n), &p_, &st_); \
	CHECK(r_ == (want) && st_.ctr == 1 && counted(&st_) == 1); \
} while (0)

/* After the checks of a table's row: name the row if one of them failed. */
static void name_row(int failures_before, const char *what)
{
	if (tt_failures != failures_before)
		fprintf(stderr, "  in: %s\n", what);
}

/* The segment above, decoded whole: every TCP field read off its bytes,
 * the payload pointing into the frame at off, nothing counted. */
static void expect_seg(enum decode_result r, const struct pkt *p, const struct tt_stats *st,
		       const uint8_t *frame, size_t off, int af)
{
	static const uint8_t v4s[4] = { 192, 0, 2, 1 }, v4d[4] = { 198, 51, 100, 2 };

	CHECK(r == DEC_TCP);
	if (r != DEC_TCP)
		return;
	CHECK(p->af == af);
	if (af == 4) {
		CHECK(memcmp(p->src, v4s, 4) == 0 && memcmp(p->dst, v4d, 4) == 0);
		CHECK(p->ip_len == 20u + SEG_LEN);
	} else {
		CHECK(memcmp(p->src, ip6_base + 8, 16) == 0 && memcmp(p->dst, ip6_base + 24, 16) == 0);
	}
	CHECK(p->sport == 49153 && p->dport == 443);
	CHECK(p->seq == 0x01020304u && p->ack == 0xa0b0c0d0u);
	CHECK(p->flags == (TCP_PSH | TCP_ACK) && p->win == 29200);
	CHECK(p->payload == frame + off && p->payload_len == 5 && p->payload_missing == 0);
	CHECK(memcmp(p->payload, "hello", 5) == 0);
	CHECK(counted(st) == 0);
}

/* A frame of a table: a link header of len bytes on dlt, then the segment
 * over IPv4 or IPv6 (af 4 or 6), its payload len + 40 or len + 60 bytes in;
 * or, with af 0, the whole frame, which is not IP. */
struct link {
	const char *what;
	int dlt;
	const char *hdr;
	size_t len;
	int af;
};

static size_t put_link(uint8_t *f, const struct link *l)
{
	size_t n = put(f, 0, l->hdr, l->len);

	return l->af ? put_ip_tcp(f, n, l->af) : n;
}

static size_t link_payload(const struct link *l)
{
	return l->len + (l->af == 4 ? 40u : 60u);
}

/* Frame f[0..n) on dlt decodes to the segment, its payload at off (af 4
 * or 6), or (af 0) is skipped and counted as non_ip; *p is the result. */
static void expect_frame(int dlt, const uint8_t *f, size_t n, size_t off, int af, struct pkt *p)
{
	struct tt_stats st;

	if (af)
		expect_seg(dec(dlt, f, n, p, &st), p, &st, f, off, af);
	else
		CHECK_ONE(dlt, f, n, DEC_SKIP, non_ip);
}

/* Each frame of v decodes to the segment at its offset, or (af 0) is
 * skipped and counted as non_ip, and nothing else. */
static void check_links(const struct link *v, size_t nv)
{
	uint8_t f[256];
	struct pkt p;

	for (size_t i = 0; i < nv; i++) {
		int failures = tt_failures;

		expect_frame(v[i].dlt, f, put_link(f, &v[i]), link_payload(&v[i]), v[i].af, &p);
		name_row(failures, v[i].what);
	}
}

/* An Ethernet frame of a table: the words w after the addresses (see
 * put_eth_words), then the segment over IPv4 or IPv6 (af 4 or 6), its
 * payload at off; vlan is the outermost VLAN id, -1 for none. */
struct stack {
	const char *what;
	uint16_t w[16];
	size_t nw;
	int af;
	size_t off;
	int vlan;
};

static size_t put_stack(uint8_t *f, const struct stack *s)
{
	return put_ip_tcp(f, put_eth_words(f, s->w, s->nw), s->af);
}

/* Each frame of v decodes to the segment at its offset, with its VLAN id
 * (or none) and the length of the whole IP datagram. */
static void check_stacks(const struct stack *v, size_t nv)
{
	uint8_t f[256];
	struct pkt p;

	for (size_t i = 0; i < nv; i++) {
		int failures = tt_failures;

		expect_frame(1, f, put_stack(f, &v[i]), v[i].off, v[i].af, &p);
		CHECK((v[i].vlan < 0 ? !p.has_vlan : p.has_vlan && p.vlan == v[i].vlan) &&
		      p.ip_len == (v[i].af == 4 ? 20u : 40u) + SEG_LEN);
		name_row(failures, v[i].what);
	}
}

/* The checksum helper itself, on a header whose checksum is published
 * (192.168.0.1 -> 192.168.0.199, UDP, length 115: 0xb861). */
static void test_checksum_helper(void)
{
	uint8_t h[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
		0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};

	ip4_fix_sum(h);
	CHECK(h[10] == 0xb8 && h[11] == 0x61);
	CHECK(inet_sum(h, 20) == 0);         /* a correct header sums to all ones */
}

/* decode_dlt_supported: exactly tcpdump's link types that decode.c reads
 * (NULL 0, EN10MB 1, PPP 9, RAW 12/14, PPP_SERIAL 50, RAW 101, LOOP 108,
 * LINUX_SLL 113, IPV4 228, IPV6 229, LINUX_SLL2 276); others are refused
 * by decode_packet as link errors. */
static void test_dlt_supported(void)
{
	static const int yes[] = { 0, 1, 9, 12, 14, 50, 101, 108, 113, 228, 229, 276 };
	static const int no[] = { -1, 2, 6, 10, 105, 127, 104, 192, 220, 277, 65535 };
	uint8_t f[128];
	size_t n = put_ip4_tcp(f, 0);

	for (size_t i = 0; i < N(yes); i++)
		CHECK(decode_dlt_supported(yes[i]) == 1);
	for (size_t i = 0; i < N(no); i++) {
		CHECK(decode_dlt_supported(no[i]) == 0);
		CHECK_ONE(no[i], f, n, DEC_ERROR, err_link);
	}
}

/* Ethernet II carrying IPv4 and IPv6, no VLAN; a frame padded to the
 * 60-byte minimum keeps the padding out of the payload (IPv4 total length
 * bounds it). */
static void test_ethernet(void)
{
	static const struct stack v[] = {
		{ "Ethernet, IPv4", W(0x0800), 4, 14 + 20 + 20, -1 },
		{ "Ethernet, IPv6", W(0x86dd), 6, 14 + 40 + 20, -1 },
	};
	uint8_t f[128];
	struct tt_stats st;
	struct pkt p;
	size_t n = put_ip4_tcp(f, put_eth(f, 0x0800));

	check_stacks(v, N(v));
	CHECK(n == 59);
	f[n++] = 0;                          /* pad to 60 */
	expect_seg(dec(1, f, n, &p, &st), &p, &st, f, 14 + 20 + 20, 4);
}

/* 802.1Q and 802.1ad (IEEE 802.1Q 9.5): the VLAN id is the low 12 bits of
 * the TCI (PCP and DEI are not part of it), and with stacked tags the
 * outermost one is reported, at any depth; a stack of 40 tags is bounded
 * and answers an error. */
static void test_vlan(void)
{
	static const struct stack v[] = {
		{ "802.1Q, PCP 5, VID 100", W(0x8100, 0xa064, 0x0800), 4, 18 + 40, 100 },
		{ "priority-tagged (VID 0) is still a tag", W(0x8100, 0xe000, 0x86dd),
		  6, 18 + 60, 0 },
		{ "802.1ad S-tag 200 outside C-tag 100", W(0x88a8, 0x00c8, 0x8100, 0x0064, 0x0800),
		  4, 22 + 40, 200 },
		{ "three deep, outer VID 4094 with DEI set; inner 1 and 2",
		  W(0x88a8, 0x1ffe, 0x8100, 0x0001, 0x8100, 0x0002, 0x86dd), 6, 26 + 60, 4094 },
		{ "legacy QinQ TPIDs 0x9100 and 0x9200, six tags deep",
		  W(0x9100, 0x012c, 0x9200, 0x0007, 0x8100, 10, 0x8100, 11, 0x8100, 12,
		    0x8100, 13, 0x0800), 4, 14 + 6 * 4 + 40, 300 },
	};
	uint16_t deep[2 * 40 + 1];
	uint8_t f[256];
	size_t n;

	check_stacks(v, N(v));
	for (unsigned i = 0; i < 40; i++) {
		deep[2 * i] = 0x8100;
		deep[2 * i + 1] = (uint16_t)(i + 1);
	}
	deep[80] = 0x0800;
	n = put_ip4_tcp(f, put_eth_words(f, deep, N(deep)));
	CHECK_ONE(1, f, n, DEC_ERROR, err_link);
}

/* MPLS (RFC 3032 2.1): 32-bit entries | label 20 | TC 3 | S 1 | TTL 8 |
 * until S is set; then the IP version nibble says which IP follows.  No
 * VLAN is reported but the one of a tag outside the labels; a stack with
 * no bottom before the capture ends is truncated. */
static void test_mpls(void)
{
	static const struct stack v[] = {
		{ "one label", W(0x8847, MPLS_16_BOS), 4, 18 + 40, -1 },
		{ "three labels", W(0x8847, MPLS_17, MPLS_17, MPLS_16_BOS), 6, 26 + 60, -1 },
		{ "multicast MPLS ethertype under an 802.1Q tag",
		  W(0x8100, 0x0033, 0x8848, MPLS_16_BOS), 4, 22 + 40, 0x33 },
	};
	static const uint16_t no_bottom[] = {
		0x8847, MPLS_17, MPLS_17, MPLS_17, MPLS_17, MPLS_17,
	};
	uint8_t f[256];
	size_t n = put_eth_words(f, no_bottom, N(no_bottom));

	check_stacks(v, N(v));
	CHECK_ONE(1, f, n, DEC_ERROR, truncated);
}

/* PPPoE session stage (RFC 2516 4, ethertype 0x8864): ver/type 0x11, code
 * 0, session id, length, then the PPP protocol (0x0021 IPv4, 0x0057 IPv6);
 * LCP and the discovery stage (0x8863) are not IP. */
static void test_pppoe(void)
{
	static const struct stack v[] = {
		{ "PPPoE, IPv4", W(0x8864, 0x1100, 0x1234, 2 + 20 + SEG_LEN, 0x0021),
		  4, 22 + 40, -1 },
		{ "PPPoE, IPv6", W(0x8864, 0x1100, 0x1234, 2 + 40 + SEG_LEN, 0x0057),
		  6, 22 + 60, -1 },
	};
	static const struct link not_ip[] = {
		{ "PPPoE, LCP echo", 1,
		  B(MACS "\x88\x64" "\x11\x00\x12\x34\x00\x06" "\xc0\x21" "\x09\x01\x00\x04"), 0 },
		{ "PPPoE discovery, PADI", 1, B(MACS "\x88\x63" "\x11\x09\x00\x00\x00\x00"), 0 },
	};

	check_stacks(v, N(v));
	check_links(not_ip, N(not_ip));
}

/* PPP (DLT 9 and 50; RFC 1661 2, RFC 1662 3.1): an optional ff 03
 * address/control pair, then a 2-byte protocol or, compressed, 1 odd byte;
 * LCP (0xc021) is PPP, not IP. */
static void test_ppp(void)
{
	static const struct link v[] = {
		{ "PPP, ff 03, IPv4", 9, B("\xff\x03\x00\x21"), 4 },
		{ "PPP, IPv4", 9, B("\x00\x21"), 4 },
		{ "PPP, compressed protocol, IPv4", 9, B("\x21"), 4 },
		{ "PPP, ff 03, IPv6", 9, B("\xff\x03\x00\x57"), 6 },
		{ "PPP, compressed protocol, IPv6", 9, B("\x57"), 6 },
		{ "PPP serial, ff 03, IPv4", 50, B("\xff\x03\x00\x21"), 4 },
		{ "PPP serial, IPv6", 50, B("\x00\x57"), 6 },
		{ "PPP, LCP", 9, B("\xff\x03\xc0\x21\x09\x01\x00\x04"), 0 },
	};

	check_links(v, N(v));
}

/* Linux cooked capture v1 (DLT 113, 16 bytes, protocol at 14) and v2
 * (DLT 276, 20 bytes, protocol first), per tcpdump's link-type pages;
 * ARP under either is not IP. */
static void test_sll(void)
{
	static const struct link v[] = {
		{ "SLL, IPv4", 113, B(SLL1(SLL_TO_US) "\x08\x00"), 4 },
		{ "SLL, IPv6", 113, B(SLL1(SLL_TO_US) "\x86\xdd"), 6 },
		{ "SLL, ARP", 113, B(SLL1(SLL_TO_US) "\x08\x06" ARP_HDR), 0 },
		{ "SLL2, IPv4", 276, B("\x08\x00" SLL2(SLL_OUTGOING)), 4 },
		{ "SLL2, IPv6", 276, B("\x86\xdd" SLL2(SLL_OUTGOING)), 6 },
		{ "SLL2, ARP", 276, B("\x08\x06" SLL2(SLL_OUTGOING) ARP_HDR), 0 },
	};

	check_links(v, N(v));
}

/* Raw IP: DLT 12, 14 and 101 tell IPv4 from IPv6 by the version nibble;
 * 228 is IPv4 only and 229 IPv6 only, so the wrong version is an error. */
static void test_raw(void)
{
	static const struct link v[] = {
		{ "DLT 12, IPv4", 12, B(""), 4 }, { "DLT 12, IPv6", 12, B(""), 6 },
		{ "DLT 14, IPv4", 14, B(""), 4 }, { "DLT 14, IPv6", 14, B(""), 6 },
		{ "DLT 101, IPv4", 101, B(""), 4 }, { "DLT 101, IPv6", 101, B(""), 6 },
		{ "DLT 228, IPv4", 228, B(""), 4 }, { "DLT 229, IPv6", 229, B(""), 6 },
	};
	uint8_t f4[128], f6[128];
	size_t n4 = put_ip4_tcp(f4, 0), n6 = put_ip6_tcp(f6, 0);

	check_links(v, N(v));
	CHECK_ONE(228, f6, n6, DEC_ERROR, err_ip);
	CHECK_ONE(229, f4, n4, DEC_ERROR, err_ipv6);
	f4[0] = 0x55;                        /* version 5 */
	CHECK_ONE(12, f4, n4, DEC_ERROR, err_ip);
	CHECK_ONE(101, f4, 0, DEC_ERROR, truncated);
}

/* BSD null (DLT 0: the address family in the capturing host's byte order)
 * and loopback (DLT 108: network order).  AF_INET is 2; AF_INET6 is 24,
 * 28 or 30 depending on the BSD (tcpdump's LINKTYPE_NULL).  Another
 * family (AF_APPLETALK 16) is not IP. */
static void test_null_loop(void)
{
	static const struct {
		const char *what;
		int dlt;
		uint8_t fam[4];
		int af;
	} v[] = {
		{ "little-endian host", 0, { 2, 0, 0, 0 }, 4 },
		{ "big-endian host", 0, { 0, 0, 0, 2 }, 4 },
		{ "NetBSD/OpenBSD", 0, { 24, 0, 0, 0 }, 6 },
		{ "FreeBSD", 0, { 28, 0, 0, 0 }, 6 },
		{ "macOS", 0, { 30, 0, 0, 0 }, 6 },
		{ "macOS, big-endian", 0, { 0, 0, 0, 30 }, 6 },
		{ "loopback, IPv4", 108, { 0, 0, 0, 2 }, 4 },
		{ "loopback, IPv6", 108, { 0, 0, 0, 24 }, 6 },
	};
	uint8_t f[256];
	size_t n = put_ip4_tcp(f, put(f, 0, "\x10\x00\x00\x00", 4));

	for (size_t i = 0; i < N(v); i++) {
		const struct link l = { v[i].what, v[i].dlt, (const char *)v[i].fam, 4, v[i].af };

		check_links(&l, 1);
	}
	CHECK_ONE(0, f, n, DEC_SKIP, non_ip);
	CHECK_ONE(108, f, 3, DEC_ERROR, truncated);
}

/* IPv4 options (RFC 791 3.1): the IHL, not 20, says where TCP starts; a
 * one-word Router Alert (RFC 2113) and the 40-byte maximum (IHL 15). */
static void test_ipv4_options(void)
{
	uint8_t opts[40], f[256];
	struct tt_stats st;
	struct pkt p;
	size_t n;

	n = put_ip4(f, 0, 6, ra, 4, SEG_LEN, 0x4000);
	n = put(f, n, tcp_seg, sizeof tcp_seg);
	CHECK(dec(228, f, n, &p, &st) == DEC_TCP && p.ip_len == 24u + SEG_LEN);
	CHECK(p.payload == f + 24 + 20 && p.payload_len == 5 && counted(&st) == 0);

	memset(opts, 0x01, sizeof opts);     /* NOPs, then End of Option List */
	opts[39] = 0x00;
	n = put_ip4(f, put_eth(f, 0x0800), 6, opts, 40, SEG_LEN, 0x4000);
	n = put(f, n, tcp_seg, sizeof tcp_seg);
	CHECK(f[14] == 0x4f);
	CHECK(dec(1, f, n, &p, &st) == DEC_TCP && p.ip_len == 60u + SEG_LEN);
	CHECK(p.payload == f + 14 + 60 + 20 && p.payload_len == 5 && p.sport == 49153);
	CHECK(counted(&st) == 0);
}

/* Malformed IPv4 headers are IP errors, not truncation: IHL below 5,
 * total length below the header, version not 4 (IPv6 under the IPv4
 * ethertype; IPv4 under the IPv6 one is an IPv6 error). */
static void test_ipv4_malformed(void)
{
	uint8_t f[128];
	size_t n = put_ip4_tcp(f, 0);

	f[0] = 0x44;
	ip4_fix_sum(f);                      /* over 16 bytes: still an error */
	CHECK_ONE(228, f, n, DEC_ERROR, err_ip);
	f[0] = 0x45;
	f[2] = 0;
	f[3] = 19;
	ip4_fix_sum(f);
	CHECK_ONE(228, f, n, DEC_ERROR, err_ip);
	n = put_ip6_tcp(f, put_eth(f, 0x0800));
	CHECK_ONE(1, f, n, DEC_ERROR, err_ip);
	n = put_ip4_tcp(f, put_eth(f, 0x86dd));
	CHECK_ONE(1, f, n, DEC_ERROR, err_ipv6);
}

/* A wrong IPv4 header checksum is counted (bad_checksum_ip) but the
 * packet is still decoded; a right one, options included, is not counted. */
static void test_ipv4_checksum(void)
{
	uint8_t f[128];
	struct tt_stats st;
	struct pkt p;
	size_t n = put_ip4_tcp(f, 0);
	enum decode_result r;

	f[11] ^= 0x01;
	r = dec(228, f, n, &p, &st);
	CHECK(r == DEC_TCP && p.sport == 49153 && p.payload_len == 5);
	CHECK(st.bad_checksum_ip == 1 && counted(&st) == 1);

	n = put_ip4(f, 0, 6, ra, 4, SEG_LEN, 0x4000);
	n = put(f, n, tcp_seg, sizeof tcp_seg);
	CHECK(dec(228, f, n, &p, &st) == DEC_TCP && st.bad_checksum_ip == 0);
	f[22] = 0x01;                        /* an option byte changed after summing */
	CHECK(dec(228, f, n, &p, &st) == DEC_TCP && st.bad_checksum_ip == 1);
}

/* Total length 0 (TCP segmentation offload: the NIC fills it in after the
 * capture point): the captured bytes are taken as the datagram. */
static void test_ipv4_tso(void)
{
	uint8_t f[128];
	struct tt_stats st;
	struct pkt p;
	size_t n = put_tso(f, 0);

	CHECK(dec(1, f, n, &p, &st) == DEC_TCP);
	CHECK(p.payload == f + 54 && p.payload_len == 5 && p.payload_missing == 0);
	CHECK(p.ip_len == 20u + SEG_LEN && p.dport == 443 && counted(&st) == 0);
}

/* IPv4 fragments (RFC 791 3.2): MF or a non-zero offset makes one; the
 * offset is in 8-byte units; the data starts after the options and is
 * bounded by the total length, not by Ethernet padding.  DF alone does not
 * make a fragment.  Fragments are handed out whatever the protocol. */
static void test_ipv4_fragments(void)
{
	uint8_t f[256], data[24];
	struct tt_stats st;
	struct pkt p;
	size_t n;

	ramp(data, sizeof data, 0x30);

	/* First fragment: MF, offset 0, id 0x1c46. */
	n = put_ip4(f, put_eth(f, 0x0800), 6, NULL, 0, 24, 0x2000);
	n = put(f, n, data, 24);
	CHECK(dec(1, f, n, &p, &st) == DEC_FRAGMENT && counted(&st) == 0);
	CHECK(p.af == 4 && p.frag_id == 0x1c46 && p.frag_off == 0 && p.frag_more);
	CHECK(p.frag_proto == 6 && p.frag_data == f + 34 && p.frag_len == 24);
	CHECK(p.ip_len == 44 && p.src[0] == 192 && p.dst[3] == 2);

	/* Middle: MF, offset 185 units = 1480 bytes. */
	n = put_ip4(f, 0, 6, NULL, 0, 24, 0x2000 | 185);
	n = put(f, n, data, 24);
	CHECK(dec(228, f, n, &p, &st) == DEC_FRAGMENT && counted(&st) == 0);
	CHECK(p.frag_off == 1480 && p.frag_more && p.frag_len == 24 && p.frag_data == f + 20);

	/* Last: offset 8191 units (the largest), MF clear, DF set. */
	n = put_ip4(f, 0, 6, NULL, 0, 7, 0x4000 | 0x1fff);
	n = put(f, n, data, 7);
	CHECK(dec(228, f, n, &p, &st) == DEC_FRAGMENT && counted(&st) == 0);
	CHECK(p.frag_off == 65528 && !p.frag_more && p.frag_len == 7);

	/* With options: the data starts after them. */
	n = put_ip4(f, 0, 17, ra, 4, 16, 0x2000 | 3);
	n = put(f, n, data, 16);
	CHECK(dec(228, f, n, &p, &st) == DEC_FRAGMENT && counted(&st) == 0);
	CHECK(p.frag_proto == 17 && p.frag_off == 24 && p.frag_data == f + 24 && p.frag_len == 16);
	CHECK(memcmp(p.frag_data, data, 16) == 0);

	/* Padded to the Ethernet minimum: 8 bytes of data, not 26. */
	n = put_ip4(f, put_eth(f, 0x0800), 6, NULL, 0, 8, 0x0000 | 1);
	n = put(f, n, data, 8);
	memset(f + n, 0, 60 - n);
	CHECK(dec(1, f, 60, &p, &st) == DEC_FRAGMENT && p.frag_len == 8 && p.frag_off == 8);
	CHECK(!p.frag_more && counted(&st) == 0);

	/* DF alone: an ordinary datagram. */
	n = put_ip4_tcp(f, 0);
	CHECK(f[6] == 0x40 && dec(228, f, n, &p, &st) == DEC_TCP);

	/* A fragment cut by the snaplen cannot be reassembled: truncated. */
	n = put_ip4(f, 0, 6, NULL, 0, 24, 0x2000);
	n = put(f, n, data, 24);
	CHECK_ONE(228, f, n - 1, DEC_ERROR, truncated);
}

/* IPv6 extension headers (RFC 8200 4.3-4.6, RFC 4302 2.2 for AH): each
 * one alone before TCP, then the whole recommended order in one packet.
 * Hop-by-hop, routing and destination options measure (len + 1) * 8 bytes,
 * AH (len + 2) * 4, the fragment header 8; a fragment header with offset 0
 * and M clear is an atomic fragment and decoding goes on through it. */
static uint8_t hbh[8] = { 0, 0, 0x01, 0x04, 0, 0, 0, 0 };              /* PadN */
static uint8_t dst16[16] = { 0, 1, 0x01, 0x0c };                       /* PadN 12 */
static uint8_t rh24[24] = { 0, 2, 4, 0 };                               /* SRH, 1 segment */
static uint8_t fh_atomic[8] = { 0, 0, 0x00, 0x00, 0, 0, 0, 0x2a };
static uint8_t ah24[24] = { 0, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };       /* SPI 256, seq 1 */

static void test_ipv6_ext(void)
{
	static const struct {
		uint8_t nh;
		uint8_t *h;
		size_t len;
	} ext[] = {
		{ 0, hbh, 8 }, { 43, rh24, 24 }, { 60, dst16, 16 }, { 44, fh_atomic, 8 },
		{ 51, ah24, 24 },
	};
	uint8_t f[512];
	struct tt_stats st;
	struct pkt p;
	size_t n;

	for (size_t i = 0; i < N(ext); i++) {
		ext[i].h[0] = 6;
		n = put_ip6(f, put_eth(f, 0x86dd), ext[i].nh, (uint16_t)(ext[i].len + SEG_LEN));
		n = put(f, n, ext[i].h, ext[i].len);
		n = put(f, n, tcp_seg, sizeof tcp_seg);
		expect_seg(dec(1, f, n, &p, &st), &p, &st, f, 14 + 40 + ext[i].len + 20, 6);
		CHECK(p.ip_len == 40 + ext[i].len + SEG_LEN);
	}

	/* hop-by-hop, destination, routing, fragment (atomic), AH,
	 * destination, TCP: 8 + 16 + 24 + 8 + 24 + 16 = 96 bytes. */
	hbh[0] = 60;
	dst16[0] = 43;
	rh24[0] = 44;
	fh_atomic[0] = 51;
	ah24[0] = 60;
	n = put_ip6(f, 0, 0, (uint16_t)(96 + SEG_LEN));
	n = put(f, n, hbh, 8);
	n = put(f, n, dst16, 16);
	n = put(f, n, rh24, 24);
	n = put(f, n, fh_atomic, 8);
	n = put(f, n, ah24, 24);
	dst16[0] = 6;
	n = put(f, n, dst16, 16);
	n = put(f, n, tcp_seg, sizeof tcp_seg);
	expect_seg(dec(229, f, n, &p, &st), &p, &st, f, 40 + 96 + 20, 6);
	CHECK(p.ip_len == 40u + 96 + SEG_LEN);

	/* 17 destination options headers in a row: the walk is bounded. */
	n = put_ip6(f, 0, 60, (uint16_t)(17 * 8 + SEG_LEN));
	for (int i = 0; i < 17; i++) {
		hbh[0] = i == 16 ? 6 : 60;
		n = put(f, n, hbh, 8);
	}
	n = put(f, n, tcp_seg, sizeof tcp_seg);
	CHECK_ONE(229, f, n, DEC_ERROR, err_ipv6);

	/* An extension header longer than the payload length (4) while the
	 * capture holds it all: malformed, not truncated. */
	hbh[0] = 6;
	n = put_ip6(f, 0, 0, 4);
	n = put(f, n, hbh, 8);
	n = put(f, n, tcp_seg, sizeof tcp_seg);
	CHECK_ONE(229, f, n, DEC_ERROR, err_ipv6);
}

/* IPv6 fragments (RFC 8200 4.5): | next | res | offset 13 bits, res 2, M |
 * id 32 |; the offset is in 8-byte units, the data is what the payload
 * length leaves after the headers up to and including the fragment
 * header, and the fragment's next header is its protocol. */
static void test_ipv6_fragments(void)
{
	static const uint8_t fh_first[8] = { 6, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t fh_mid[8] = { 17, 0, 0x05, 0xa9, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t fh_last[8] = { 6, 0, 0xff, 0xf8, 0x80, 0x00, 0x00, 0x00 };
	uint8_t f[256], data[32];
	struct tt_stats st;
	struct pkt p;
	size_t n;

	ramp(data, sizeof data, 0x80);

	n = put_ip6(f, put_eth(f, 0x86dd), 44, 8 + 32);
	n = put(f, n, fh_first, 8);
	n = put(f, n, data, 32);
	CHECK(dec(1, f, n, &p, &st) == DEC_FRAGMENT && counted(&st) == 0);
	CHECK(p.af == 6 && p.frag_id == 0xdeadbeefu && p.frag_off == 0 && p.frag_more);
	CHECK(p.frag_proto == 6 && p.frag_data == f + 14 + 48 && p.frag_len == 32);
	CHECK(p.ip_len == 40 + 8 + 32 && memcmp(p.dst, ip6_base + 24, 16) == 0);

	/* Offset 181 units = 1448 bytes, M set, after a hop-by-hop header. */
	hbh[0] = 44;
	n = put_ip6(f, 0, 0, 8 + 8 + 16);
	n = put(f, n, hbh, 8);
	n = put(f, n, fh_mid, 8);
	n = put(f, n, data, 16);
	CHECK(dec(229, f, n, &p, &st) == DEC_FRAGMENT && counted(&st) == 0);
	CHECK(p.frag_off == 1448 && p.frag_more && p.frag_proto == 17 && p.frag_id == 1);
	CHECK(p.frag_data == f + 56 && p.frag_len == 16);

	/* Largest offset, M clear, data of odd length. */
	n = put_ip6(f, 0, 44, 8 + 5);
	n = put(f, n, fh_last, 8);
	n = put(f, n, data, 5);
	CHECK(dec(229, f, n, &p, &st) == DEC_FRAGMENT && counted(&st) == 0);
	CHECK(p.frag_off == 65528 && !p.frag_more && p.frag_id == 0x80000000u && p.frag_len == 5);

	/* Cut by the snaplen: truncated. */
	n = put_ip6(f, 0, 44, 8 + 32);
	n = put(f, n, fh_first, 8);
	n = put(f, n, data, 32);
	CHECK_ONE(229, f, n - 1, DEC_ERROR, truncated);
}

/* Not TCP: ICMP, ICMPv6, no next header are skipped and counted as
 * non_tcp; UDP is decoded (ports, payload) and counted as non_tcp too; ARP (tagged or not), an 802.3 length field (LLC) and LLDP as
 * non_ip. */
static void test_skips(void)
{
	static const uint8_t udp[12] = { 0x13, 0x88, 0x00, 0x35, 0x00, 0x0c, 0, 0, 1, 2, 3, 4 };
	static const uint8_t icmp[8] = { 8, 0, 0xf7, 0xfe, 0, 1, 0, 0 };   /* echo request */
	static const uint8_t icmp6[8] = { 0x80, 0, 0, 0, 0, 1, 0, 1 };     /* echo request */
	static const struct {
		const char *what;
		int dlt;                     /* 228: over IPv4, 229: over IPv6 */
		uint8_t proto;
		const uint8_t *l4;
		uint16_t len;
		enum decode_result want;
	} l4[] = {
		{ "UDP", 228, 17, udp, sizeof udp, DEC_UDP },
		{ "ICMP", 228, 1, icmp, sizeof icmp, DEC_SKIP },
		{ "UDP over IPv6", 229, 17, udp, sizeof udp, DEC_UDP },
		{ "ICMPv6", 229, 58, icmp6, sizeof icmp6, DEC_SKIP },
	};
	static const struct link not_ip[] = {
		{ "ARP", 1, B(MACS "\x08\x06" ARP), 0 },
		{ "ARP under 802.1Q", 1, B(MACS "\x81\x00\x00\x05\x08\x06" ARP), 0 },
		{ "LLDP", 1, B(MACS "\x88\xcc" "\x02\x07\x04\x02\x00\x00\x00\x00\x01"), 0 },
	};
	uint8_t f[256];
	size_t n;

	for (size_t i = 0; i < N(l4); i++) {
		int failures = tt_failures;

		if (l4[i].dlt == 228)
			n = put_ip4(f, 0, l4[i].proto, NULL, 0, l4[i].len, 0);
		else
			n = put_ip6(f, 0, l4[i].proto, l4[i].len);
		n = put(f, n, l4[i].l4, l4[i].len);
		CHECK_ONE(l4[i].dlt, f, n, l4[i].want, non_tcp);
		if (l4[i].want == DEC_UDP) {
			struct tt_stats st = { 0 };
			struct pkt p;
			CHECK(dec(l4[i].dlt, f, n, &p, &st) == DEC_UDP);
			CHECK(p.sport == 5000 && p.dport == 53 && p.payload_len == 4 &&
			      p.payload_missing == 0 && memcmp(p.payload, udp + 8, 4) == 0);
			/* Cut by the snaplen inside the payload: what is there, and
			 * how much is missing. */
			CHECK(dec(l4[i].dlt, f, n - 1, &p, &st) == DEC_UDP);
			CHECK(p.payload_len == 3 && p.payload_missing == 1);
		}
		name_row(failures, l4[i].what);
	}
	hbh[0] = 59;                         /* hop-by-hop, then no next header */
	n = put(f, put_ip6(f, 0, 0, 8), hbh, 8);
	CHECK_ONE(229, f, n, DEC_SKIP, non_tcp);

	check_links(not_ip, N(not_ip));
	n = put16(f, put(f, 0, MACS, 12), 46);    /* 802.3 length */
	n = put(f, n, "\x42\x42\x03", 3);    /* STP LLC */
	memset(f + n, 0, 43);
	CHECK_ONE(1, f, n + 43, DEC_SKIP, non_ip);
}

/* TCP header fields (RFC 9293 3.1): data offset with options (SYN with
 * MSS, SACK permitted, timestamps, window scale; the 60-byte maximum),
 * every flag bit, extreme ports, sequence numbers and window; a data
 * offset below 5 words is a TCP error. */
static void test_tcp(void)
{
	static const uint8_t syn[40] = {
		0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
		0xa0, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x04, 0x05, 0xb4,                          /* MSS 1460 */
		0x04, 0x02,                                      /* SACK permitted */
		0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 0,              /* timestamps */
		0x01, 0x03, 0x03, 0x07,                          /* NOP, window scale 7 */
	};
	uint8_t f[256], seg[80];
	struct tt_stats st;
	struct pkt p;
	size_t n;

	n = put_ip4(f, 0, 6, NULL, 0, 40, 0x4000);
	n = put(f, n, syn, 40);
	CHECK(dec(228, f, n, &p, &st) == DEC_TCP && counted(&st) == 0);
	CHECK(p.sport == 0 && p.dport == 65535 && p.seq == 0xffffffffu && p.ack == 0);
	CHECK(p.flags == TCP_SYN && p.win == 65535 && p.payload_len == 0);
	CHECK(p.payload == f + 60 && p.payload_missing == 0);

	/* Data offset 15: 40 option bytes, then 5 payload bytes. */
	memcpy(seg, tcp_seg, 20);
	seg[12] = 0xf0;
	memset(seg + 20, 0x01, 40);
	memcpy(seg + 60, "hello", 5);
	n = put_ip6(f, 0, 6, 65);
	n = put(f, n, seg, 65);
	CHECK(dec(229, f, n, &p, &st) == DEC_TCP && counted(&st) == 0);
	CHECK(p.payload == f + 100 && p.payload_len == 5 && memcmp(p.payload, "hello", 5) == 0);

	/* Each flag bit alone, then all eight (CWR ECE URG ACK PSH RST SYN FIN). */
	for (int bit = 0; bit <= 8; bit++) {
		memcpy(seg, tcp_seg, sizeof tcp_seg);
		seg[13] = (uint8_t)(bit == 8 ? 0xff : 1u << bit);
		n = put_ip4(f, 0, 6, NULL, 0, SEG_LEN, 0);
		n = put(f, n, seg, sizeof tcp_seg);
		CHECK(dec(228, f, n, &p, &st) == DEC_TCP && p.flags == seg[13]);
	}
	CHECK(TCP_FIN == 0x01 && TCP_SYN == 0x02 && TCP_RST == 0x04 && TCP_PSH == 0x08 &&
	      TCP_ACK == 0x10);

	/* Data offsets 0 and 4: malformed. */
	for (int off = 0; off < 5; off += 4) {
		memcpy(seg, tcp_seg, sizeof tcp_seg);
		seg[12] = (uint8_t)(off << 4);
		n = put_ip4(f, 0, 6, NULL, 0, SEG_LEN, 0);
		n = put(f, n, seg, sizeof tcp_seg);
		CHECK_ONE(228, f, n, DEC_ERROR, err_tcp);
	}
}

/* decode_tcp on its own (the path of a reassembled datagram): the whole
 * segment, every shorter length, and a data offset below 5. */
static void test_decode_tcp(void)
{
	struct tt_stats st;
	struct pkt p;

	for (size_t k = 0; k <= sizeof tcp_seg; k++) {
		uint8_t *b = malloc(k ? k : 1);
		enum decode_result r;

		memcpy(b, tcp_seg, k);
		memset(&st, 0, sizeof st);
		r = decode_tcp(b, (uint32_t)k, &p, &st);
		if (k < 20) {
			/* decode_tcp reads a reassembled datagram, which is whole:
			 * a TCP header that does not fit is malformed, not cut. */
			CHECK(r == DEC_ERROR && st.err_tcp == 1 && counted(&st) == 1);
		} else {
			CHECK(r == DEC_TCP && counted(&st) == 0 && p.payload == b + 20);
			CHECK(p.payload_len == k - 20 && p.sport == 49153 && p.ack == 0xa0b0c0d0u);
		}
		free(b);
	}
	{
		uint8_t b[20];
		memcpy(b, tcp_seg, 20);
		b[12] = 0x30;
		memset(&st, 0, sizeof st);
		CHECK(decode_tcp(b, 20, &p, &st) == DEC_ERROR && st.err_tcp == 1 && counted(&st) == 1);
	}
}

/* A snaplen cut inside the TCP payload: the segment decodes with the bytes
 * present, the rest is said (payload_missing, from the IP length) and the
 * packet counted as truncated.  Ethernet/IPv4, then raw IPv6. */
static void test_snaplen(void)
{
	uint8_t f[128];
	struct tt_stats st;
	struct pkt p;
	size_t n = put_ip4_tcp(f, put_eth(f, 0x0800));

	memset(&st, 0, sizeof st);
	CHECK(decode_packet(1, f, 56, (uint32_t)n, &p, &st) == DEC_TCP);
	CHECK(p.payload == f + 54 && p.payload_len == 2 && p.payload_missing == 3);
	CHECK(memcmp(p.payload, "he", 2) == 0 && p.seq == 0x01020304u);
	CHECK(st.truncated == 1 && counted(&st) == 1);

	/* Cut right after the TCP header: no payload bytes, all 5 missing. */
	memset(&st, 0, sizeof st);
	CHECK(decode_packet(1, f, 54, (uint32_t)n, &p, &st) == DEC_TCP);
	CHECK(p.payload_len == 0 && p.payload_missing == 5 && st.truncated == 1);

	n = put_ip6_tcp(f, 0);
	memset(&st, 0, sizeof st);
	CHECK(decode_packet(229, f, 61, (uint32_t)n, &p, &st) == DEC_TCP);
	CHECK(p.payload == f + 60 && p.payload_len == 1 && p.payload_missing == 4);
	CHECK(p.ip_len == 40u + SEG_LEN && st.truncated == 1 && counted(&st) == 1);
}

/* A TCP header whose data offset reaches past the end of the IP datagram
 * (RFC 9293 3.1: the offset counts header words of this segment) is
 * malformed, not a truncated capture: every byte the IP header declares was
 * captured. */
static void test_tcp_past_ip(void)
{
	uint8_t f[128], seg[32];

	memcpy(seg, tcp_seg, 20);
	seg[12] = 0x80;                      /* 32-byte header */
	memset(seg + 20, 0x01, 12);
	/* IPv4 total length 40, then IPv6 payload length 20: only 20 bytes of
	 * TCP, although 32 were captured. */
	for (int af = 4; af <= 6; af += 2) {
		size_t n = af == 4 ? put_ip4(f, 0, 6, NULL, 0, 20, 0) : put_ip6(f, 0, 6, 20);
		struct tt_stats st;
		struct pkt p;

		n = put(f, n, seg, 32);
		CHECK(dec(af == 4 ? 228 : 229, f, n, &p, &st) == DEC_ERROR);
		CHECK(st.truncated == 0 && st.err_tcp + (af == 4 ? st.err_ip : st.err_ipv6) == 1);
	}
}

/*
 * Decode frame at every caplen k < n from an exact-size copy (so that ASan
 * sees any read past caplen), wirelen n.  With hdr_end 0 the frame holds
 * no TCP payload boundary (a fragment) and every cut is truncated; else a
 * cut before hdr_end is truncated and a cut after it is a TCP segment with
 * the bytes present, the rest missing, counted as truncated.  The whole
 * frame decodes to want with nothing counted.  With tso (Ethernet, IPv4
 * total length 0) the captured bytes are the datagram: a cut after hdr_end,
 * or none, is a segment with nothing missing or counted, whose IP length is
 * what was captured.  Failures name the cut.
 */
static void sweep(const char *name, int dlt, const uint8_t *frame, size_t n, size_t hdr_end,
		  enum decode_result want, bool tso)
{
	int bad = 0;

	for (size_t k = 0; k <= n; k++) {
		uint8_t *b = malloc(k);      /* malloc(0) too: no byte may be read */
		struct tt_stats st;
		struct pkt p;
		enum decode_result r;
		int ok;

		if (!b)
			continue;
		memcpy(b, frame, k);
		memset(&st, 0, sizeof st);
		r = decode_packet(dlt, b, (uint32_t)k, (uint32_t)n, &p, &st);
		if (tso && k >= hdr_end)
			ok = r == DEC_TCP && p.payload == b + hdr_end &&
			     p.payload_len == k - hdr_end && p.payload_missing == 0 &&
			     p.ip_len == k - 14 && counted(&st) == 0;
		else if (k == n)
			ok = r == want && counted(&st) == 0;
		else if (hdr_end == 0 || k < hdr_end)
			ok = r == DEC_ERROR && st.truncated == 1 && counted(&st) == 1;
		else
			ok = r == DEC_TCP && p.payload == b + hdr_end &&
			     p.payload_len == k - hdr_end && p.payload_missing == n - k &&
			     st.truncated == 1 && counted(&st) == 1;
		if (r == DEC_TCP)
			ok = ok && p.payload >= b && p.payload + p.payload_len <= b + k;
		if (r == DEC_FRAGMENT)
			ok = ok && p.frag_data >= b && p.frag_data + p.frag_len <= b + k;
		if (!ok) {
			bad++;
			fprintf(stderr, "%s: caplen %zu of %zu: result %d, truncated %llu, "
				"counted %llu\n", name, k, n, (int)r,
				(unsigned long long)st.truncated, (unsigned long long)counted(&st));
		}
		free(b);
	}
	CHECK(bad == 0);
}

/* Full frames through every truncated caplen: each link type's header,
 * VLAN stacks, MPLS, PPPoE, IPv4 options, TCP options, IPv6 extension
 * headers and both kinds of fragment. */
static void test_prefixes(void)
{
	static const uint8_t ts_opts[12] = { 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9 };
	static const uint8_t fh[8] = { 6, 0, 0x00, 0x01, 0, 0, 0, 5 };
	static const uint16_t qinq[] = { 0x88a8, 0x00c8, 0x8100, 0x0064, 0x0800 };
	static const struct {
		struct link l;
		size_t hdr_end;              /* where the TCP payload starts */
	} links[] = {
		{ { "sll1-ipv4", 113, B(SLL1(SLL_OUTGOING) "\x08\x00"), 4 }, 16 + 40 },
		{ { "null-le-ipv6", 0, B("\x1e\x00\x00\x00"), 6 }, 64 },
		{ { "null-be-ipv4", 0, B("\x00\x00\x00\x02"), 4 }, 44 },
		{ { "loop-ipv4", 108, B("\x00\x00\x00\x02"), 4 }, 44 },
		{ { "ppp-ipv4", 9, B("\x00\x21"), 4 }, 42 },
		{ { "ppp-hdlc-ipv6", 50, B("\xff\x03\x00\x57"), 6 }, 64 },
		{ { "raw-ipv4", 12, B(""), 4 }, 40 },
		{ { "raw-ipv6", 229, B(""), 6 }, 60 },
	};
	static const struct stack stacks[] = {
		{ "pppoe-ipv4", W(0x8864, 0x1100, 0x1234, 2 + 20 + SEG_LEN, 0x0021),
		  4, 22 + 40, -1 },
		{ "vlan-mpls-ipv6", W(0x8100, 0x0010, 0x8847, MPLS_17, MPLS_16_BOS),
		  6, 26 + 60, 16 },
	};
	uint8_t f[512], seg[64];
	size_t n, seg_len;

	for (size_t i = 0; i < N(links); i++)
		sweep(links[i].l.what, links[i].l.dlt, f, put_link(f, &links[i].l),
		      links[i].hdr_end, DEC_TCP, false);
	for (size_t i = 0; i < N(stacks); i++)
		sweep(stacks[i].what, 1, f, put_stack(f, &stacks[i]), stacks[i].off,
		      DEC_TCP, false);

	/* QinQ, IPv4 with options, TCP with options. */
	memcpy(seg, tcp_seg, 20);
	seg[12] = 0x80;
	memcpy(seg + 20, ts_opts, 12);
	memcpy(seg + 32, "hello", 5);
	seg_len = 37;
	n = put_ip4(f, put_eth_words(f, qinq, N(qinq)), 6, ra, 4, (uint16_t)seg_len, 0x4000);
	n = put(f, n, seg, seg_len);
	sweep("qinq-ipv4-options", 1, f, n, 22 + 24 + 32, DEC_TCP, false);

	/* Linux cooked v2, IPv6 with hop-by-hop and destination options. */
	hbh[0] = 60;
	dst16[0] = 6;
	n = put(f, 0, B("\x86\xdd" SLL2(SLL_TO_US)));
	n = put_ip6(f, n, 0, (uint16_t)(24 + SEG_LEN));
	n = put(f, n, hbh, 8);
	n = put(f, n, dst16, 16);
	n = put(f, n, tcp_seg, sizeof tcp_seg);
	sweep("sll2-ipv6-ext", 276, f, n, 20 + 40 + 24 + 20, DEC_TCP, false);

	/* Fragments: no cut of one can be reassembled. */
	n = put_ip4(f, put_eth(f, 0x0800), 6, ra, 4, 16, 0x2000);
	n = put(f, n, tcp_seg, 16);
	sweep("ipv4-fragment", 1, f, n, 0, DEC_FRAGMENT, false);
	hbh[0] = 44;
	n = put_ip6(f, put_eth(f, 0x86dd), 0, 8 + 8 + 16);
	n = put(f, n, hbh, 8);
	n = put(f, n, fh, 8);
	n = put(f, n, tcp_seg, 16);
	sweep("ipv6-fragment", 1, f, n, 0, DEC_FRAGMENT, false);
}

/* TSO frames (IPv4 total length 0) at every caplen: the captured bytes are
 * the datagram, so nothing can be called missing, but a cut inside the
 * headers is still a truncated capture, options included. */
static void test_tso_prefixes(void)
{
	uint8_t f[128];

	sweep("tso-ipv4", 1, f, put_tso(f, 0), 14 + 20 + 20, DEC_TCP, true);
	sweep("tso-ipv4-options", 1, f, put_tso(f, 4), 14 + 24 + 20, DEC_TCP, true);
}

int main(void)
{
	test_checksum_helper();
	test_dlt_supported();
	test_ethernet();
	test_vlan();
	test_mpls();
	test_pppoe();
	test_ppp();
	test_sll();
	test_raw();
	test_null_loop();
	test_ipv4_options();
	test_ipv4_malformed();
	test_ipv4_checksum();
	test_ipv4_tso();
	test_ipv4_fragments();
	test_ipv6_ext();
	test_ipv6_fragments();
	test_skips();
	test_tcp();
	test_decode_tcp();
	test_snaplen();
	test_tcp_past_ip();
	test_prefixes();
	test_tso_prefixes();
	return TT_DONE();
}
