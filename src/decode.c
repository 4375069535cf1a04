/*
 * decode.c - link (Ethernet with stacked 802.1Q/802.1ad tags; PPP; Linux
 * cooked v1/v2; raw IP; BSD null/loopback), IPv4 (options, RFC 791), IPv6
 * (extension headers, RFC 8200 4) and TCP (RFC 9293 3.1) headers.  Anything
 * that is not TCP or plain Ethernet/IP (tunnels, MPLS, PPPoE, 802.11) is
 * handed to decode_tunnel.c, after the common path's tests.
 *
 *     Ethernet: | dst 6 | src 6 | [tpid 2 | tci 2]* | type 2 | payload |
 *     IPv4:     | ver/ihl | tos | len | id | frag | ttl | proto | sum | src | dst | opts |
 *     TCP:      | sport | dport | seq | ack | off/flags | win | sum | urg | opts |
 *
 * Truncation (caplen below what a header needs) is counted as truncated,
 * kept apart from malformed headers (decode errors by layer).  An IP length
 * beyond the captured bytes is a snaplen cut only when the frame's wire
 * length says the capture cut it; otherwise the header lies (err_ip), and
 * the receiving stack would drop the packet.  Checksums are verified where
 * cheap (IPv4 header) and counted, never used to drop; the TCP checksum is
 * tcpsum.c's, on what the pipeline still needs.
 */
#include "decode.h"

#include <string.h>

#include "decode_int.h"

#define DLT_NULL_ 0
#define DLT_PPP_ 9
#define DLT_PPP_SERIAL_ 50
#define DLT_EN10MB_ 1
#define DLT_RAW_ 12
#define DLT_RAW_BSD_ 14
#define DLT_LINKTYPE_RAW_ 101
#define DLT_LOOP_ 108
#define DLT_LINUX_SLL_ 113
#define DLT_IPV4_ 228
#define DLT_IPV6_ 229
#define DLT_LINUX_SLL2_ 276

int decode_dlt_supported(int dlt)
{
	switch (dlt) {
	case DLT_NULL_: case DLT_EN10MB_: case DLT_RAW_: case DLT_RAW_BSD_:
	case DLT_LINKTYPE_RAW_: case DLT_LOOP_: case DLT_LINUX_SLL_:
	case DLT_IPV4_: case DLT_IPV6_: case DLT_LINUX_SLL2_: case DLT_PPP_:
	case DLT_PPP_SERIAL_:
		return 1;
	}
	return tun_dlt_supported(dlt);
}

/* The window scale option (RFC 7323 2.2) among a SYN's options: kind 3,
 * length 3, shift.  End of list 0 and no-op 1 are one byte. */
static void syn_wscale(struct cur c, struct pkt *o)
{
	uint8_t kind, len;

	while (cur_u8(&c, &kind) && kind != 0) {
		if (kind == 1)
			continue;
		if (!cur_u8(&c, &len) || len < 2)
			return;
		if (kind == 3 && len == 3) {
			uint8_t shift;
			if (cur_u8(&c, &shift)) {
				o->has_wscale = true;
				o->wscale = shift > 14 ? 14 : shift;   /* RFC 7323 2.3 */
			}
			return;
		}
		if (!cur_skip(&c, (size_t)len - 2))
			return;
	}
}

/* The TCP header in p[0..n).  cut: n is what the capture kept of a longer
 * segment, so a header that does not fit is a truncated capture; otherwise
 * n is the segment's declared length and a header that does not fit in it
 * is malformed. */
static inline enum decode_result tcp_header(const uint8_t *p, uint32_t n, bool cut,
					    struct pkt *o, struct tt_stats *st)
{
	struct cur c = cur_make(p, n), h;
	uint8_t off, fl;
	uint16_t sum, urg;
	size_t hlen;

	/* The fixed part as one child cursor: the compiler, seeing its
	 * constant length, drops the tests of the reads inside it. */
	if (!cur_sub(&c, 20, &h) || !cur_u16(&h, &o->sport) || !cur_u16(&h, &o->dport) ||
	    !cur_u32(&h, &o->seq) || !cur_u32(&h, &o->ack) || !cur_u8(&h, &off) ||
	    !cur_u8(&h, &fl) || !cur_u16(&h, &o->win) || !cur_u16(&h, &sum) || !cur_u16(&h, &urg))
		goto short_header;
	hlen = (size_t)(off >> 4) * 4;
	if (hlen < 20) {
		st->err_tcp++;
		return DEC_ERROR;
	}
	if (c.left < hlen - 20)
		goto short_header;
	if (fl & TCP_SYN)
		syn_wscale(cur_make(c.p, hlen - 20), o);
	cur_skip(&c, hlen - 20);
	o->flags = fl;
	o->urg = urg;
	o->payload = c.p;
	o->payload_len = (uint32_t)c.left;
	return DEC_TCP;
short_header:
	if (cut)
		st->truncated++;
	else
		st->err_tcp++;
	return DEC_ERROR;
}

enum decode_result decode_tcp(const uint8_t *p, uint32_t n, struct pkt *o, struct tt_stats *st)
{
	enum decode_result r = tcp_header(p, n, false, o, st);

	o->l4 = p;
	o->l4_len = n;
	return r;
}

/*
 * UDP (RFC 768):  | sport u16 | dport u16 | length u16 | checksum u16 | data |
 * `have` bytes were captured of the datagram's `declared` ones; the UDP
 * length field is trusted only when it fits the IP payload (it is the
 * IP length that counts, as checksum offload and padding make the two
 * differ in captures).  The checksum is never checked.
 */
enum decode_result dec_udp_header(const uint8_t *p, uint32_t have, uint32_t declared,
				  struct pkt *o, struct tt_stats *st)
{
	struct cur c = cur_make(p, have);
	uint16_t ulen, sum;

	if (!cur_u16(&c, &o->sport) || !cur_u16(&c, &o->dport) || !cur_u16(&c, &ulen) ||
	    !cur_u16(&c, &sum)) {
		if (have < declared)
			st->truncated++;
		else
			st->err_other++;
		return DEC_ERROR;
	}
	if (ulen >= 8 && ulen < declared)
		declared = ulen;
	o->payload = c.p;
	o->payload_len = (uint32_t)(c.left < declared - 8 ? c.left : declared - 8);
	o->payload_missing = declared - 8 - o->payload_len;
	o->flags = 0;
	o->seq = o->ack = 0;
	return DEC_UDP;
}

enum decode_result decode_udp(const uint8_t *p, uint32_t n, struct pkt *o, struct tt_stats *st)
{
	return dec_udp_header(p, n, n < 8 ? 8 : n, o, st);
}

/* RFC 1071 over the header (n is a multiple of 4), a 32-bit word at a time
 * into a 64-bit sum, folded at the end.  Words are added in host order:
 * the one's complement sum does not depend on byte order (RFC 1071 2(B)),
 * and 0xffff reads the same both ways; this runs on every IPv4 packet. */
static int ipv4_sum_ok(const uint8_t *h, size_t n)
{
	uint64_t s = 0;
	uint32_t w;

	for (size_t i = 0; i + 3 < n; i += 4) {
		memcpy(&w, h + i, 4);
		s += w;
	}
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

/* The L4 part of an IP datagram: caplen-limited bytes in c, the datagram's
 * declared L4 length in l4len (from_capture: not declared, taken from what
 * was captured, as with TCP segmentation offload). */
static inline enum decode_result l4(struct cur *c, uint8_t proto, uint32_t l4len,
				    bool from_capture, struct pkt *o, struct tt_stats *st)
{
	enum decode_result r;
	uint32_t have = (uint32_t)(c->left < l4len ? c->left : l4len);

	if (proto != 6)
		return tun_ip_payload(proto, cur_make(c->p, have), l4len, o, st);
	if (have < l4len && !from_capture && !o->frame_cut) {
		/* The whole frame was captured: the length is a lie, not a cut. */
		st->err_ip++;
		return DEC_ERROR;
	}
	r = tcp_header(c->p, have, from_capture || have < l4len, o, st);
	if (r != DEC_TCP)
		return r;
	if (have == l4len) {
		o->l4 = c->p;
		o->l4_len = l4len;
	}
	if (have < l4len) {
		o->payload_missing = l4len - have;
		st->truncated++;
	}
	return r;
}

enum decode_result dec_ipv4(struct cur c, struct pkt *o, struct tt_stats *st)
{
	struct cur hdr = c, h;
	uint8_t vihl, tos, ttl, proto;
	uint16_t len, id, frag, sum;
	size_t ihl;
	bool tso = false;

	/* (a child cursor of the fixed part, as in tcp_header) */
	if (!cur_sub(&c, 20, &h) || !cur_u8(&h, &vihl) || !cur_u8(&h, &tos) ||
	    !cur_u16(&h, &len) || !cur_u16(&h, &id) || !cur_u16(&h, &frag) ||
	    !cur_u8(&h, &ttl) || !cur_u8(&h, &proto) || !cur_u16(&h, &sum) ||
	    !cur_copy(&h, o->src, 4) || !cur_copy(&h, o->dst, 4)) {
		st->truncated++;
		return DEC_ERROR;
	}
	ihl = (size_t)(vihl & 15) * 4;
	/* TCP segmentation offload: the NIC fills the length in later, so the
	 * capture shows 0; the captured bytes are then the datagram (and a
	 * header cut by the capture is a cut, not a bad length). */
	if (len == 0 && ihl >= 20) {
		if (hdr.left < ihl) {
			st->truncated++;
			return DEC_ERROR;
		}
		len = (uint16_t)(hdr.left > 65535 ? 65535 : hdr.left);
		tso = true;
	}
	if ((vihl >> 4) != 4 || ihl < 20 || len < ihl) {
		st->err_ip++;
		return DEC_ERROR;
	}
	if (!cur_skip(&c, ihl - 20)) {
		st->truncated++;
		return DEC_ERROR;
	}
	if (!ipv4_sum_ok(hdr.p, ihl)) {
		st->bad_checksum_ip++;
		o->ip_sum_bad = true;
	}
	o->af = 4;
	o->ttl = ttl;
	o->ip_len_zero = tso;
	o->ip_len = len;
	if (frag & 0x3fff) {
		o->frag_id = id;
		o->frag_off = (uint32_t)(frag & 0x1fff) * 8;
		o->frag_more = (frag & 0x2000) != 0;
		o->frag_proto = proto;
		o->frag_data = c.p;
		o->frag_len = (uint32_t)(c.left < len - ihl ? c.left : len - ihl);
		if (c.left < len - ihl) {
			if (o->frame_cut)
				st->truncated++;
			else
				st->err_ip++;   /* the length lies */
			return DEC_ERROR;   /* a cut fragment cannot be reassembled */
		}
		return DEC_FRAGMENT;
	}
	return l4(&c, proto, (uint32_t)(len - ihl), tso, o, st);
}

/* The Fragment header (RFC 8200 4.5) at *c, start being where the
 * extension headers begin: the fragment's fields into o.  True for an
 * atomic fragment (offset 0, no more: *next follows it); otherwise false
 * with DEC_FRAGMENT or DEC_ERROR in *r. */
static inline bool ipv6_fragment(struct cur *c, struct pkt *o, uint16_t plen,
				 const uint8_t *start, struct tt_stats *st, uint8_t *next,
				 enum decode_result *r)
{
	uint8_t hl;
	uint16_t fo;
	uint32_t id;
	size_t used;

	*r = DEC_ERROR;
	if (!cur_u8(c, next) || !cur_u8(c, &hl) || !cur_u16(c, &fo) || !cur_u32(c, &id)) {
		st->truncated++;
		return false;
	}
	o->frag_id = id;
	o->frag_off = (uint32_t)(fo & 0xfff8);
	o->frag_more = (fo & 1) != 0;
	o->frag_proto = *next;
	o->frag_data = c->p;
	used = (size_t)(c->p - start);
	if (used > plen) {
		st->err_ipv6++;
		return false;
	}
	o->frag_len = (uint32_t)(plen - used);
	if (c->left < o->frag_len) {
		st->truncated++;
		return false;
	}
	if (o->frag_off == 0 && !o->frag_more)
		return true;
	*r = DEC_FRAGMENT;
	return false;
}

enum decode_result dec_ipv6(struct cur c, struct pkt *o, struct tt_stats *st)
{
	struct cur h;
	uint32_t vtf;
	uint16_t plen;
	uint8_t nh, hlim;

	/* (a child cursor of the fixed part, as in tcp_header) */
	if (!cur_sub(&c, 40, &h) || !cur_u32(&h, &vtf) || !cur_u16(&h, &plen) ||
	    !cur_u8(&h, &nh) || !cur_u8(&h, &hlim) || !cur_copy(&h, o->src, 16) ||
	    !cur_copy(&h, o->dst, 16)) {
		st->truncated++;
		return DEC_ERROR;
	}
	if ((vtf >> 28) != 6) {
		st->err_ipv6++;
		return DEC_ERROR;
	}
	o->af = 6;
	o->ttl = hlim;
	o->ip_len = 40u + plen;
	const uint8_t *start = c.p;
	/* Extension headers (RFC 8200 4.1): hop-by-hop, routing, destination
	 * options, AH and mobility have the same length layout; fragment is 8. */
	for (int hops = 0; hops < 16; hops++) {
		uint8_t next, hl;
		enum decode_result r;
		size_t len, used;

		switch (nh) {
		case 0: case 43: case 60: case 135: case 139: case 140:
			if (!cur_u8(&c, &next) || !cur_u8(&c, &hl)) {
				st->truncated++;
				return DEC_ERROR;
			}
			len = ((size_t)hl + 1) * 8;
			break;
		case 51:
			if (!cur_u8(&c, &next) || !cur_u8(&c, &hl)) {
				st->truncated++;
				return DEC_ERROR;
			}
			len = ((size_t)hl + 2) * 4;
			break;
		case 44:
			if (!ipv6_fragment(&c, o, plen, start, st, &next, &r))
				return r;
			nh = next;   /* an atomic fragment: no reassembly needed */
			continue;
		default:
			/* L4: the declared payload length bounds it. */
			used = (size_t)(c.p - start);
			if (used > plen) {
				st->err_ipv6++;
				return DEC_ERROR;
			}
			return l4(&c, nh, (uint32_t)(plen - used), false, o, st);
		}
		if (!cur_skip(&c, len - 2)) {
			st->truncated++;
			return DEC_ERROR;
		}
		nh = next;
	}
	st->err_ipv6++;
	return DEC_ERROR;
}

enum decode_result dec_ethertype(uint16_t et, struct cur c, struct pkt *o,
				  struct tt_stats *st)
{
	for (int depth = 0; depth < 32; depth++) {
		uint16_t tci;

		switch (et) {
		case 0x0800:
			return dec_ipv4(c, o, st);
		case 0x86dd:
			return dec_ipv6(c, o, st);
		case 0x8100: case 0x88a8: case 0x9100: case 0x9200:
			if (!cur_u16(&c, &tci) || !cur_u16(&c, &et)) {
				st->truncated++;
				return DEC_ERROR;
			}
			if (o->n_encap) {
				/* A tag inside a tunnel: the innermost layer's. */
				struct encap_layer *l = &o->encap[o->n_encap - 1];
				if (!(l->flags & ENCAP_F_VLAN)) {
					l->flags |= ENCAP_F_VLAN;
					l->vlan = tci & 0x0fff;
				}
			} else if (!o->has_vlan) {
				o->has_vlan = true;
				o->vlan = tci & 0x0fff;
			}
			continue;
		default:
			return tun_ethertype(et, c, o, st);
		}
	}
	st->err_link++;
	return DEC_ERROR;
}

enum decode_result dec_ethernet(struct cur c, struct pkt *o, struct tt_stats *st)
{
	uint16_t et;

	if (!cur_skip(&c, 12) || !cur_u16(&c, &et)) {
		st->truncated++;
		return DEC_ERROR;
	}
	if (et <= 1500) {   /* 802.3 length field: LLC, not IP */
		st->non_ip++;
		return DEC_SKIP;
	}
	return dec_ethertype(et, c, o, st);
}

enum decode_result dec_ppp(struct cur c, struct pkt *o, struct tt_stats *st)
{
	uint16_t proto;
	uint8_t b0, b1;

	if (c.left == 1 && c.p[0] == 0xff)
		goto trunc;   /* the address byte, cut before its control byte */
	if (c.left >= 2 && c.p[0] == 0xff && c.p[1] == 0x03)
		cur_skip(&c, 2);
	if (!cur_u8(&c, &b0))
		goto trunc;
	if (b0 & 1) {
		proto = b0;
	} else {
		if (!cur_u8(&c, &b1))
			goto trunc;
		proto = (uint16_t)(b0 << 8 | b1);
	}
	if (proto == 0x0021)
		return dec_ipv4(c, o, st);
	if (proto == 0x0057)
		return dec_ipv6(c, o, st);
	if (proto == 0x0281 || proto == 0x0283)
		return tun_ethertype(0x8847, c, o, st);   /* MPLS over PPP (RFC 3032 5) */
	st->non_ip++;
	return DEC_SKIP;
trunc:
	st->truncated++;
	return DEC_ERROR;
}

enum decode_result decode_l4(uint8_t proto, const uint8_t *p, uint32_t n, struct pkt *o,
			     struct tt_stats *st)
{
	if (proto == 6)
		return tcp_header(p, n, false, o, st);
	return tun_ip_payload(proto, cur_make(p, n), n, o, st);
}

enum decode_result decode_packet(int dlt, const uint8_t *p, uint32_t caplen,
				 uint32_t wirelen, struct pkt *o, struct tt_stats *st)
{
	struct cur c = cur_make(p, caplen);
	uint16_t et, hatype, halen, pkttype;
	uint32_t fam;
	uint8_t b;

	memset(o, 0, offsetof(struct pkt, payload));
	o->payload_missing = 0;
	o->frame_cut = caplen < wirelen;
	switch (dlt) {
	case DLT_EN10MB_:
		/* dec_ethernet's work, inline: the common path saves a call. */
		if (!cur_skip(&c, 12) || !cur_u16(&c, &et))
			goto trunc;
		if (et == 0x0800)
			return dec_ipv4(c, o, st);
		if (et <= 1500) {   /* 802.3 length field: LLC, not IP */
			st->non_ip++;
			return DEC_SKIP;
		}
		return dec_ethertype(et, c, o, st);
	case DLT_LINUX_SLL_:
		/* packet type, ARPHRD, address length, address (8), protocol */
		if (!cur_u16(&c, &pkttype) || !cur_u16(&c, &hatype) || !cur_u16(&c, &halen) ||
		    !cur_skip(&c, 8) || !cur_u16(&c, &et))
			goto trunc;
		return dec_ethertype(et, c, o, st);
	case DLT_LINUX_SLL2_:
		/* protocol, reserved, ifindex (4), ARPHRD, pkttype, addr len, addr (8) */
		if (!cur_u16(&c, &et) || !cur_skip(&c, 18))
			goto trunc;
		return dec_ethertype(et, c, o, st);
	case DLT_RAW_: case DLT_RAW_BSD_: case DLT_LINKTYPE_RAW_:
		if (c.left < 1)
			goto trunc;
		b = c.p[0] >> 4;
		if (b == 4)
			return dec_ipv4(c, o, st);
		if (b == 6)
			return dec_ipv6(c, o, st);
		st->err_ip++;
		return DEC_ERROR;
	case DLT_PPP_: case DLT_PPP_SERIAL_:
		return dec_ppp(c, o, st);
	case DLT_IPV4_:
		return dec_ipv4(c, o, st);
	case DLT_IPV6_:
		return dec_ipv6(c, o, st);
	case DLT_NULL_: case DLT_LOOP_: {
		/* A 4-byte address family in the capturing host's byte order
		 * (DLT_LOOP: network order); AF_INET is 2 everywhere, AF_INET6
		 * 10 (Linux), 24, 28 or 30 (BSDs, macOS). */
		const uint8_t *f;
		if (!cur_bytes(&c, 4, &f))
			goto trunc;
		fam = (uint32_t)f[0] << 24 | (uint32_t)f[1] << 16 | (uint32_t)f[2] << 8 | f[3];
		if (fam > 0xffff)
			fam = (uint32_t)f[3] << 24 | (uint32_t)f[2] << 16 | (uint32_t)f[1] << 8 | f[0];
		if (fam == 2)
			return dec_ipv4(c, o, st);
		if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
			return dec_ipv6(c, o, st);
		st->non_ip++;
		return DEC_SKIP;
	}
	default:
		if (tun_dlt_supported(dlt))
			return tun_wlan_link(dlt, c, o, st);
		st->err_link++;
		return DEC_ERROR;
	}
trunc:
	st->truncated++;
	return DEC_ERROR;
}
