/*
 * decode_tunnel.c - tunnels and encapsulations around IP/TCP, recognised by
 * their content (a well-known UDP port only says which to try first), nested
 * up to ENCAP_MAX layers.
 *
 *   IP protocol 4/41   IP-in-IP, 6in4, 6to4/6rd, 4in6          RFC 2003, 4213
 *   IP protocol 47     GRE (checksum, key, sequence; v1 PPTP)   RFC 2784, 2890, 2637
 *     type 0x88be/22eb ERSPAN I, II, III                       draft-foschiano-erspan
 *     type 0x6558      Ethernet (gretap, NVGRE)                 RFC 7637
 *   IP protocol 137    MPLS in IP                               RFC 4023
 *   UDP                VXLAN 4789/8472, VXLAN-GPE 4790, Geneve 6081, GTP-U 2152,
 *                      Teredo 3544, CAPWAP data 5247, MPLS 6635, GRE 4754
 *   Ethernet types     MPLS 8847/8848 (label stack, control word), NSH 894f,
 *                      PPP 880b, PPPoE session 8864
 *   802.11             data frames, LLC/SNAP; radiotap, Prism, AVS headers
 *
 *     GRE:    | C R K S s recur A flags ver | protocol | [sum|off] [key] [seq] [ack] |
 *     VXLAN:  | flags 08 | reserved 3 | VNI 3 | reserved 1 | Ethernet ...
 *     Geneve: | ver optlen | O C rsvd | protocol | VNI 3 | rsvd | options |
 *     GTP-U:  | ver PT E S PN | type ff | length | TEID | [seq npdu next] [ext]* |
 *     NSH:    | ver O U ttl len | md type | next | SPI 3 | SI | context |
 *
 * Each layer found is pushed onto the packet's chain with the outer
 * addresses that carried it and its identifiers; the identifiers that tell
 * two tenants apart go into the packet's tunnel key (README "Flow key").  A
 * UDP payload on no tunnel port is tried against each UDP tunnel with strict
 * header checks, and taken only when a TCP segment (or an IP fragment) comes
 * out; such a probe counts nothing until it succeeds.
 */
#include <string.h>

#include "decode_int.h"

#define DLT_IEEE802_11_ 105
#define DLT_PRISM_ 119
#define DLT_IEEE802_11_RADIO_ 127
#define DLT_IEEE802_11_AVS_ 163

int tun_dlt_supported(int dlt)
{
	return dlt == DLT_IEEE802_11_ || dlt == DLT_PRISM_ || dlt == DLT_IEEE802_11_RADIO_ ||
	       dlt == DLT_IEEE802_11_AVS_;
}

/* ---------------------------------------------------------------- chain */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static uint64_t addr_hash(const uint8_t a[16])
{
	uint64_t h0, h1;

	memcpy(&h0, a, 8);
	memcpy(&h1, a + 8, 8);
	return mix64(h0 ^ mix64(h1 + 0x9e3779b97f4a7c15ull));
}

static void key_add(struct pkt *o, uint64_t v)
{
	o->tkey = mix64(o->tkey ^ v) | 1;   /* never 0 once a layer adds to it */
}

/* The layer's outer address pair, in either order (both directions of a
 * connection carry the same pair, swapped). */
static void key_pair(struct pkt *o, const struct encap_layer *l)
{
	key_add(o, (uint64_t)l->type << 56 ^ (addr_hash(l->src) + addr_hash(l->dst)));
}

static void key_id(struct pkt *o, const struct encap_layer *l, uint32_t id)
{
	key_add(o, (uint64_t)l->type << 40 ^ 0x8000000000ull ^ id);
}

/* A new innermost layer; over_ip: the IP header just decoded carries it
 * (its addresses become the layer's, and the packet's are cleared for the
 * inner header).  NULL past ENCAP_MAX (counted). */
static struct encap_layer *push(struct pkt *o, enum encap_type t, bool over_ip,
				struct tt_stats *st)
{
	struct encap_layer *l;

	if (o->n_encap >= ENCAP_MAX) {
		st->encap_depth++;
		return NULL;
	}
	if (!o->n_encap)
		st->encap_packets++;
	l = &o->encap[o->n_encap++];
	memset(l, 0, sizeof *l);
	l->type = (uint8_t)t;
	if (over_ip) {
		l->af = o->af;
		memcpy(l->src, o->src, 16);
		memcpy(l->dst, o->dst, 16);
	}
	memset(o->src, 0, 16);
	memset(o->dst, 0, 16);
	return l;
}

static enum decode_result cut(struct tt_stats *st)
{
	st->truncated++;
	return DEC_ERROR;
}

static enum decode_result bad(struct tt_stats *st)
{
	st->err_tunnel++;
	return DEC_ERROR;
}

/* Recognised, but its payload cannot be read (encrypted, fragmented,
 * signalling). */
static enum decode_result unreadable(struct tt_stats *st)
{
	st->encap_skipped++;
	return DEC_SKIP;
}

/* IPv4 or IPv6 by the version nibble, for payloads that do not say. */
static enum decode_result ip_by_version(struct cur c, struct pkt *o, struct tt_stats *st)
{
	struct cur t = c;
	uint8_t b;

	if (!cur_u8(&t, &b))
		return cut(st);
	if (b >> 4 == 4)
		return dec_ipv4(c, o, st);
	if (b >> 4 == 6)
		return dec_ipv6(c, o, st);
	st->non_ip++;
	return DEC_SKIP;
}

/* ---------------------------------------------------------------- MPLS, NSH, PPPoE */

/* RFC 3032 label stack, then what the bottom label carries: IPv4/IPv6 by
 * explicit-null label or version nibble, else Ethernet (RFC 4448) with a
 * control word when the first nibble is 0 (RFC 4385). */
static enum decode_result mpls(struct cur c, struct pkt *o, bool over_ip, struct tt_stats *st)
{
	struct encap_layer *l = push(o, ENCAP_MPLS, over_ip, st);
	uint32_t label;
	unsigned n = 0;
	struct cur t;
	uint8_t b;

	if (!l)
		return DEC_ERROR;
	do {
		if (!cur_u32(&c, &label))
			return cut(st);
		if (!n)
			l->id = label >> 12;
		n++;
	} while (!(label & 0x100));
	l->flags = ENCAP_F_ID | (n > 1 ? ENCAP_F_ID2 : 0);
	l->id2 = n > 1 ? label >> 12 : 0;
	l->sub = (uint8_t)(n > 255 ? 255 : n);
	if (over_ip)
		key_pair(o, l);
	if (label >> 12 == 0)
		return dec_ipv4(c, o, st);
	if (label >> 12 == 2)
		return dec_ipv6(c, o, st);
	t = c;
	if (!cur_u8(&t, &b))
		return cut(st);
	if (b >> 4 == 4 || b >> 4 == 6)
		return ip_by_version(c, o, st);
	if (b >> 4 == 0) {
		l->flags |= ENCAP_F_CW;
		if (!cur_skip(&c, 4))
			return cut(st);
	}
	return dec_ethernet(c, o, st);
}

static enum decode_result nsh(struct cur c, struct pkt *o, bool over_ip, struct tt_stats *st);

/* What follows NSH or VXLAN-GPE: both use the NSH Next Protocol numbers
 * (RFC 8300 11.2.5, draft-ietf-nvo3-vxlan-gpe 3.2). */
static enum decode_result next_protocol(uint8_t np, struct cur c, struct pkt *o, struct tt_stats *st)
{
	switch (np) {
	case 1: return dec_ipv4(c, o, st);
	case 2: return dec_ipv6(c, o, st);
	case 3: return dec_ethernet(c, o, st);
	case 4: return nsh(c, o, false, st);
	case 5: return mpls(c, o, false, st);
	}
	st->non_ip++;
	return DEC_SKIP;
}

/* RFC 8300 2.2: base header, service path header, context headers. */
static enum decode_result nsh(struct cur c, struct pkt *o, bool over_ip, struct tt_stats *st)
{
	struct encap_layer *l;
	uint16_t w;
	uint8_t md, np;
	uint32_t sp;
	size_t len;

	if (!cur_u16(&c, &w) || !cur_u8(&c, &md) || !cur_u8(&c, &np) || !cur_u32(&c, &sp))
		return cut(st);
	len = (size_t)(w & 0x3f) * 4;
	md &= 0x0f;
	if (w >> 14 != 0 || len < 8 || md == 0 || md == 0x0f || (md == 1 && len != 24))
		return bad(st);
	if (!cur_skip(&c, len - 8))
		return cut(st);
	l = push(o, ENCAP_NSH, over_ip, st);
	if (!l)
		return DEC_ERROR;
	l->flags = ENCAP_F_ID | ENCAP_F_ID2;
	l->id = sp >> 8;
	l->id2 = sp & 0xff;
	l->sub = np;
	/* The SPI names a path, one per direction: not part of the key. */
	if (over_ip)
		key_pair(o, l);
	return next_protocol(np, c, o, st);
}

/* RFC 2516 5.4: ver/type 0x11, code 0, session id, length, then PPP. */
static enum decode_result pppoe(struct cur c, struct pkt *o, struct tt_stats *st)
{
	struct encap_layer *l;
	uint8_t vt, code;
	uint16_t sid, len;

	if (!cur_u8(&c, &vt) || !cur_u8(&c, &code) || !cur_u16(&c, &sid) || !cur_u16(&c, &len))
		return cut(st);
	if (vt != 0x11 || code != 0)
		return bad(st);
	if (len < c.left)
		c.left = len;   /* Ethernet padding after the session payload */
	l = push(o, ENCAP_PPPOE, false, st);
	if (!l)
		return DEC_ERROR;
	l->flags = ENCAP_F_ID;
	l->id = sid;
	return dec_ppp(c, o, st);
}

/* ---------------------------------------------------------------- GRE, ERSPAN */

/* ERSPAN type I (no header: GRE without sequence), II (8 bytes, version 1)
 * and III (12 bytes, version 2, optional 8-byte platform subheader). */
static enum decode_result erspan(uint16_t proto, uint16_t gfl, struct cur c, struct pkt *o,
				 struct tt_stats *st)
{
	struct encap_layer *l;
	uint32_t w0, w1, w2 = 0;
	unsigned ver;

	if (proto == 0x88be && !(gfl & 0x1000)) {
		if (!(l = push(o, ENCAP_ERSPAN, true, st)))
			return DEC_ERROR;
		l->sub = 1;
		return dec_ethernet(c, o, st);
	}
	if (!cur_u32(&c, &w0) || !cur_u32(&c, &w1))
		return cut(st);
	ver = w0 >> 28;
	if (proto == 0x22eb && !cur_u32(&c, &w2))
		return cut(st);
	if ((proto == 0x88be && ver != 1) || (proto == 0x22eb && ver != 2))
		return bad(st);
	if ((w2 & 1) && !cur_skip(&c, 8))
		return cut(st);
	if (!(l = push(o, ENCAP_ERSPAN, true, st)))
		return DEC_ERROR;
	/* A mirror: the copied traffic is the network's own, so no key. */
	l->sub = proto == 0x88be ? 2 : 3;
	l->flags = ENCAP_F_ID;
	l->id = w0 & 0x3ff;
	if ((w0 >> 16) & 0xfff) {
		l->flags |= ENCAP_F_ID2;
		l->id2 = (w0 >> 16) & 0xfff;   /* the original frame's VLAN */
	}
	if (proto == 0x22eb && ((w2 >> 10) & 0x1f) == 2)
		return ip_by_version(c, o, st);   /* frame type 2: an IP packet */
	return dec_ethernet(c, o, st);
}

/* RFC 1701 source routing entries: address family, offset, length. */
static bool gre_routing(struct cur *c)
{
	for (int i = 0; i < 16; i++) {
		uint16_t af;
		uint8_t off, len;
		if (!cur_u16(c, &af) || !cur_u8(c, &off) || !cur_u8(c, &len))
			return false;
		if (!len)
			return true;
		if (!cur_skip(c, len))
			return false;
	}
	return false;
}

static enum decode_result gre(struct cur c, struct pkt *o, struct tt_stats *st)
{
	struct encap_layer *l;
	uint16_t fl, proto;
	uint32_t key = 0, seq;
	unsigned ver;

	if (!cur_u16(&c, &fl) || !cur_u16(&c, &proto))
		return cut(st);
	ver = fl & 7;
	if (ver > 1 || (ver == 1 && (proto != 0x880b || !(fl & 0x2000))))
		return bad(st);
	if ((fl & 0xc000) && !cur_skip(&c, 4))
		return cut(st);
	if ((fl & 0x2000) && !cur_u32(&c, &key))
		return cut(st);
	if ((fl & 0x1000) && !cur_u32(&c, &seq))
		return cut(st);
	if (ver == 1 && (fl & 0x0080) && !cur_skip(&c, 4))
		return cut(st);
	if ((fl & 0x4000) && !gre_routing(&c))
		return cut(st);
	if (proto == 0x88be || proto == 0x22eb)
		return erspan(proto, fl, c, o, st);
	if (!(l = push(o, ENCAP_GRE, true, st)))
		return DEC_ERROR;
	l->sub = (uint8_t)(ver | (proto == 0x6558 ? ENCAP_GRE_TEB : 0));
	key_pair(o, l);
	if (fl & 0x2000) {
		l->flags = ENCAP_F_ID;
		/* PPTP: the call id, chosen by each peer, so not in the key. */
		l->id = ver == 1 ? key & 0xffff : key;
		/* Carrying Ethernet, the key is NVGRE's VSID and a flow id
		 * that each end may pick for entropy: only the VSID counts. */
		if (ver == 0)
			key_id(o, l, proto == 0x6558 ? key >> 8 : key);
	}
	if (ver == 1 && c.left == 0) {
		st->non_ip++;   /* a PPTP acknowledgement alone */
		return DEC_SKIP;
	}
	return dec_ethertype(proto, c, o, st);
}

/* ---------------------------------------------------------------- UDP tunnels */

/* Each answers DEC_NOT_MINE when the header is not of its kind; strict:
 * tried without a port hint, so every reserved field must be as sent and
 * lengths must match the UDP payload's declared length (decl), which the
 * capture may have cut (c holds what is there). */
typedef enum decode_result (*udp_tunnel_fn)(struct cur c, size_t decl, struct pkt *o,
					    bool strict, struct tt_stats *st);

/* RFC 7348 5; the GBP extension's flag bits are accepted on a hinted port. */
static enum decode_result vxlan(struct cur c, size_t decl, struct pkt *o, bool strict,
				struct tt_stats *st)
{
	struct encap_layer *l;
	uint32_t w0, w1;

	(void)decl;   /* lengths are checked by the payload inside */

	if (!cur_u32(&c, &w0) || !cur_u32(&c, &w1))
		return strict ? DEC_NOT_MINE : cut(st);
	if (!(w0 & 0x08000000) || (strict && (w0 != 0x08000000 || (w1 & 0xff))))
		return DEC_NOT_MINE;
	if (!(l = push(o, ENCAP_VXLAN, true, st)))
		return DEC_ERROR;
	l->flags = ENCAP_F_ID;
	l->id = w1 >> 8;
	key_id(o, l, l->id);
	return dec_ethernet(c, o, st);
}

/* draft-ietf-nvo3-vxlan-gpe 3.3: the P flag says a next protocol follows. */
static enum decode_result vxlan_gpe(struct cur c, size_t decl, struct pkt *o, bool strict,
					struct tt_stats *st)
{
	struct encap_layer *l;
	uint32_t w0, w1;
	uint8_t fl, np;

	(void)decl;   /* lengths are checked by the payload inside */

	if (!cur_u32(&c, &w0) || !cur_u32(&c, &w1))
		return strict ? DEC_NOT_MINE : cut(st);
	fl = (uint8_t)(w0 >> 24);
	np = (uint8_t)w0;
	if ((fl & 0x30) || !(fl & 0x04) ||
	    (strict && (!(fl & 0x08) || (w0 & 0x00ffff00) || (w1 & 0xff) || np < 1 || np > 5)))
		return DEC_NOT_MINE;
	if (!(l = push(o, ENCAP_VXLAN_GPE, true, st)))
		return DEC_ERROR;
	l->sub = np;
	if (fl & 0x08) {
		l->flags = ENCAP_F_ID;
		l->id = w1 >> 8;
		key_id(o, l, l->id);
	}
	return next_protocol(np, c, o, st);
}

/* RFC 8926 3.4 and 3.5: options are class/type/length TLVs filling optlen. */
static enum decode_result geneve(struct cur c, size_t decl, struct pkt *o, bool strict,
					struct tt_stats *st)
{
	struct encap_layer *l;
	struct cur opts;
	uint8_t b0, b1;
	uint16_t proto;
	uint32_t w, nopt = 0;

	(void)decl;   /* lengths are checked by the payload inside */

	if (!cur_u8(&c, &b0) || !cur_u8(&c, &b1) || !cur_u16(&c, &proto) || !cur_u32(&c, &w))
		return strict ? DEC_NOT_MINE : cut(st);
	if (b0 >> 6 != 0 || (strict && ((b1 & 0x3f) || (w & 0xff) ||
					(proto != 0x6558 && proto != 0x0800 && proto != 0x86dd))))
		return DEC_NOT_MINE;
	if (!cur_sub(&c, (size_t)(b0 & 0x3f) * 4, &opts))
		return strict ? DEC_NOT_MINE : cut(st);
	while (!cur_empty(&opts)) {
		uint16_t cls;
		uint8_t type, len;
		if (!cur_u16(&opts, &cls) || !cur_u8(&opts, &type) || !cur_u8(&opts, &len) ||
		    !cur_skip(&opts, (size_t)(len & 0x1f) * 4))
			return strict ? DEC_NOT_MINE : bad(st);
		nopt++;
	}
	if (!(l = push(o, ENCAP_GENEVE, true, st)))
		return DEC_ERROR;
	l->flags = ENCAP_F_ID | ENCAP_F_ID2;
	l->id = w >> 8;
	l->id2 = nopt;
	l->sub = (uint8_t)((b0 & 0x3f) * 4);
	key_id(o, l, l->id);
	if (proto == 0x6558)
		return dec_ethernet(c, o, st);
	return dec_ethertype(proto, c, o, st);
}

/* TS 29.281 5.1 and 5.2: the length counts what follows the first 8 bytes;
 * extension headers are 4n bytes with their length first and the next
 * type last.  The PDU session container (0x85) gives the QoS flow id. */
static enum decode_result gtpu(struct cur c, size_t decl, struct pkt *o, bool strict,
				struct tt_stats *st)
{
	struct encap_layer *l;
	struct cur body;
	uint8_t fl, mt, next = 0, npdu, q;
	uint16_t len, seq;
	uint32_t teid, qfi = 0;
	bool has_qfi = false;

	if (!cur_u8(&c, &fl) || !cur_u8(&c, &mt) || !cur_u16(&c, &len) || !cur_u32(&c, &teid))
		return strict ? DEC_NOT_MINE : cut(st);
	if (fl >> 5 != 1 || !(fl & 0x10) || (strict && (mt != 0xff || (size_t)len + 8 != decl)))
		return DEC_NOT_MINE;
	if (mt != 0xff)
		return unreadable(st);   /* echo, error indication, end marker */
	body = c;
	if (len < body.left)
		body.left = len;
	if ((fl & 0x07) && (!cur_u16(&body, &seq) || !cur_u8(&body, &npdu) || !cur_u8(&body, &next)))
		return strict ? DEC_NOT_MINE : cut(st);
	for (int i = 0; next; i++) {
		uint8_t elen, b;
		struct cur ext;
		if (i == 16)
			return strict ? DEC_NOT_MINE : bad(st);
		if (!cur_u8(&body, &elen))
			return strict ? DEC_NOT_MINE : cut(st);
		if (!elen)
			return strict ? DEC_NOT_MINE : bad(st);
		if (!cur_sub(&body, (size_t)elen * 4 - 2, &ext) || !cur_u8(&body, &b))
			return strict ? DEC_NOT_MINE : cut(st);
		if (next == 0x85 && cur_skip(&ext, 1) && cur_u8(&ext, &q)) {
			qfi = q & 0x3f;
			has_qfi = true;
		}
		next = b;
	}
	if (!(l = push(o, ENCAP_GTPU, true, st)))
		return DEC_ERROR;
	l->flags = ENCAP_F_ID | (has_qfi ? ENCAP_F_ID2 : 0);
	l->id = teid;
	l->id2 = qfi;
	/* Each end picks the TEID it receives on: the two directions of one
	 * bearer differ, so the key takes the tunnel's endpoints. */
	key_pair(o, l);
	return ip_by_version(body, o, st);
}

/* RFC 4380 5.1.1: optional authentication indicator (type 1), then
 * optional origin indication (type 0, port and address inverted), then
 * the IPv6 packet. */
static enum decode_result teredo(struct cur c, size_t decl, struct pkt *o, bool strict,
					struct tt_stats *st)
{
	struct encap_layer *l;
	struct cur t;
	uint16_t ind, port = 0, plen;
	uint32_t addr = 0;
	uint8_t flags = 0, idlen, aulen, b;
	const uint8_t *start = c.p;

	t = c;
	if (cur_u16(&t, &ind) && ind == 1) {
		if (!cur_u8(&t, &idlen) || !cur_u8(&t, &aulen) ||
		    !cur_skip(&t, (size_t)idlen + aulen + 9))
			return strict ? DEC_NOT_MINE : cut(st);
		flags |= ENCAP_F_AUTH;
		c = t;
	}
	t = c;
	if (cur_u16(&t, &ind) && ind == 0) {
		if (!cur_u16(&t, &port) || !cur_u32(&t, &addr))
			return strict ? DEC_NOT_MINE : cut(st);
		flags |= ENCAP_F_ORIGIN;
		c = t;
	}
	t = c;
	if (!cur_u8(&t, &b)) {
		if (strict || !flags)
			return DEC_NOT_MINE;
		st->non_ip++;   /* a bubble or router solicitation's indicators alone */
		return DEC_SKIP;
	}
	if (b >> 4 != 6)
		return DEC_NOT_MINE;
	if (strict && (!cur_skip(&t, 3) || !cur_u16(&t, &plen) ||
		       decl < (size_t)(c.p - start) ||
		       40u + plen != decl - (size_t)(c.p - start)))
		return DEC_NOT_MINE;
	if (!(l = push(o, ENCAP_TEREDO, true, st)))
		return DEC_ERROR;
	/* Relays are anycast and often differ by direction: no key. */
	l->flags = flags;
	l->id = (uint16_t)~port;
	l->id2 = ~addr;
	return dec_ipv6(c, o, st);
}

/* ---------------------------------------------------------------- 802.11, CAPWAP */

/* IEEE 802.11-2020 9.2.4 and 9.3.2.1: an unprotected data frame, then
 * LLC/SNAP (aa aa 03, OUI, Ethernet type).  may_swap: Cisco controllers
 * send CAPWAP's native frames with the frame control and sequence control
 * bytes swapped, which the version bits (always 0) reveal. */
static enum decode_result wlan_frame(struct cur c, struct pkt *o, uint8_t radio, bool may_swap,
				     struct tt_stats *st)
{
	struct encap_layer *l;
	uint8_t fc0, fc1, qos0, dsap, ssap, ctl;
	uint16_t seqctl, et, fragno = 0x0f00;   /* little-endian: low nibble, first byte */

	if (!cur_u8(&c, &fc0) || !cur_u8(&c, &fc1))
		return cut(st);
	if (may_swap && (fc0 & 3) && !(fc1 & 3)) {
		uint8_t x = fc0;
		fc0 = fc1;
		fc1 = x;
		fragno = 0x000f;                /* sequence control swapped too */
	}
	if (fc0 & 3)
		return bad(st);                 /* protocol version 0 only */
	if (((fc0 >> 2) & 3) != 2 || (fc0 & 0x40)) {
		st->non_ip++;                   /* management, control, null data */
		return DEC_SKIP;
	}
	/* duration, three addresses; sequence control (little-endian) */
	if (!cur_skip(&c, 20) || !cur_u16(&c, &seqctl))
		return cut(st);
	if ((fc1 & 3) == 3 && !cur_skip(&c, 6))
		return cut(st);
	if (fc0 & 0x80) {
		if (!cur_u8(&c, &qos0) || !cur_skip(&c, 1))
			return cut(st);
		if (qos0 & 0x80)
			return unreadable(st);      /* A-MSDU */
		if ((fc1 & 0x80) && !cur_skip(&c, 4))
			return cut(st);           /* HT control */
	}
	if ((fc1 & 0x40) || (fc1 & 0x04) || (seqctl & fragno))
		return unreadable(st);          /* protected, or a fragment */
	if (!cur_u8(&c, &dsap) || !cur_u8(&c, &ssap) || !cur_u8(&c, &ctl) || !cur_skip(&c, 3) ||
	    !cur_u16(&c, &et))
		return cut(st);
	if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03) {
		st->non_ip++;
		return DEC_SKIP;
	}
	if (!(l = push(o, ENCAP_IEEE80211, false, st)))
		return DEC_ERROR;
	l->sub = radio;
	return dec_ethertype(et, c, o, st);
}

/* RFC 5415 4.3: preamble (version 0, type 0), HLEN in 4-byte words, WBID
 * 1 (IEEE 802.11) with T set: a native 802.11 frame; T clear: Ethernet. */
static enum decode_result capwap(struct cur c, size_t decl, struct pkt *o, bool strict,
					struct tt_stats *st)
{
	struct encap_layer *l;
	struct cur t = c;
	uint32_t w0;
	size_t hlen;
	unsigned wbid;
	bool native, frag;

	(void)decl;   /* lengths are checked by the payload inside */

	if (!cur_u32(&t, &w0))
		return strict ? DEC_NOT_MINE : cut(st);
	if (w0 >> 28)
		return DEC_NOT_MINE;
	if ((w0 >> 24) & 0x0f) {
		/* Type 1, a DTLS-protected channel: the datagram is not a
		 * tunnel but DTLS behind a 4-byte header, which udp.c reads. */
		if (strict || ((w0 >> 24) & 0x0f) == 1)
			return DEC_NOT_MINE;
		return unreadable(st);
	}
	hlen = (size_t)((w0 >> 19) & 0x1f) * 4;
	wbid = (w0 >> 9) & 0x1f;
	native = (w0 >> 8) & 1;
	frag = (w0 >> 7) & 1;
	if (hlen < 8 || (strict && (!native || wbid != 1)))
		return DEC_NOT_MINE;
	if (!cur_skip(&c, hlen))
		return strict ? DEC_NOT_MINE : cut(st);
	if (!(l = push(o, ENCAP_CAPWAP, true, st)))
		return DEC_ERROR;
	l->sub = (uint8_t)wbid;
	if (frag)
		return unreadable(st);
	if (!native)
		return dec_ethernet(c, o, st);
	if (wbid == 1)
		return wlan_frame(c, o, ENCAP_RADIO_NONE, true, st);
	return unreadable(st);
}

static enum decode_result mpls_udp(struct cur c, size_t decl, struct pkt *o, bool strict,
					struct tt_stats *st)
{
	(void)decl;
	return strict ? DEC_NOT_MINE : mpls(c, o, true, st);
}

static enum decode_result gre_udp(struct cur c, size_t decl, struct pkt *o, bool strict,
					struct tt_stats *st)
{
	(void)decl;
	return strict ? DEC_NOT_MINE : gre(c, o, st);
}

static const struct {
	uint16_t port;
	udp_tunnel_fn fn;
} udp_ports[] = {
	{ 4789, vxlan }, { 8472, vxlan }, { 4790, vxlan_gpe }, { 6081, geneve },
	{ 2152, gtpu }, { 3544, teredo }, { 5247, capwap }, { 6635, mpls_udp },
	{ 4754, gre_udp },
};

/* Tried on any UDP payload, in this order, when the ports do not say. */
static const udp_tunnel_fn udp_probes[] = { vxlan, geneve, gtpu, vxlan_gpe, teredo, capwap };

static udp_tunnel_fn port_hint(uint16_t port)
{
	for (size_t i = 0; i < sizeof udp_ports / sizeof udp_ports[0]; i++)
		if (udp_ports[i].port == port)
			return udp_ports[i].fn;
	return NULL;
}

struct saved {
	uint8_t af, n_encap;
	uint64_t tkey;
	uint8_t src[16], dst[16];
};

static void save(const struct pkt *o, struct saved *s)
{
	s->af = o->af;
	s->n_encap = o->n_encap;
	s->tkey = o->tkey;
	memcpy(s->src, o->src, 16);
	memcpy(s->dst, o->dst, 16);
}

static void restore(struct pkt *o, const struct saved *s)
{
	o->af = s->af;
	o->n_encap = s->n_encap;
	o->tkey = s->tkey;
	memcpy(o->src, s->src, 16);
	memcpy(o->dst, s->dst, 16);
}

static enum decode_result udp(struct cur c, uint32_t l4len, struct pkt *o, struct tt_stats *st)
{
	const struct cur whole = c;
	udp_tunnel_fn hint;
	struct tt_stats scratch;
	struct saved sv;
	enum decode_result r;
	uint16_t sp, dp, len, sum;
	size_t decl;

	if (!cur_u16(&c, &sp) || !cur_u16(&c, &dp) || !cur_u16(&c, &len) || !cur_u16(&c, &sum) ||
	    len < 8) {
		st->non_tcp++;
		return DEC_SKIP;
	}
	decl = (size_t)len - 8;
	if (decl < c.left)
		c.left = decl;
	hint = port_hint(dp);
	if (!hint)
		hint = port_hint(sp);
	if (hint) {
		save(o, &sv);
		r = hint(c, decl, o, false, st);
		if (r != DEC_NOT_MINE)
			return r;
		restore(o, &sv);
	}
	save(o, &sv);
	memset(&scratch, 0, sizeof scratch);
	for (size_t i = 0; i < sizeof udp_probes / sizeof udp_probes[0]; i++) {
		if (udp_probes[i] == hint)
			continue;
		r = udp_probes[i](c, decl, o, true, &scratch);
		restore(o, &sv);
		if (r == DEC_TCP || r == DEC_FRAGMENT)
			return udp_probes[i](c, decl, o, true, st);   /* again, counted */
	}
	/* No tunnel: a datagram of its own (DTLS, QUIC or other UDP), counted
	 * as non_tcp too, since most UDP is neither. */
	st->non_tcp++;
	r = dec_udp_header(whole.p, (uint32_t)whole.left, l4len < whole.left ? (uint32_t)whole.left : l4len,
			   o, st);
	if (r == DEC_UDP && o->payload_missing)
		st->truncated++;
	return r;
}

/* ---------------------------------------------------------------- entry points */

enum decode_result tun_ip_payload(uint8_t proto, struct cur c, uint32_t l4len, struct pkt *o,
				  struct tt_stats *st)
{
	struct encap_layer *l;
	struct cur t;
	uint16_t s6, d6;
	bool sixto4;

	switch (proto) {
	case 4:
		if (!(l = push(o, o->af == 6 ? ENCAP_4IN6 : ENCAP_IPIP, true, st)))
			return DEC_ERROR;
		key_pair(o, l);
		return dec_ipv4(c, o, st);
	case 41:
		/* 6to4 (RFC 3056): inner addresses in 2002::/16, relays chosen
		 * per direction, so the outer pair is not part of the key. */
		t = c;
		sixto4 = o->af == 4 && cur_skip(&t, 8) && cur_u16(&t, &s6) &&
			      cur_skip(&t, 14) && cur_u16(&t, &d6) &&
			      (s6 == 0x2002 || d6 == 0x2002);
		if (!(l = push(o, o->af == 6 ? ENCAP_IPIP : sixto4 ? ENCAP_6TO4 : ENCAP_6IN4, true,
			       st)))
			return DEC_ERROR;
		if (!sixto4)
			key_pair(o, l);
		return dec_ipv6(c, o, st);
	case 17:
		return udp(c, l4len, o, st);
	case 47:
		return gre(c, o, st);
	case 137:
		return mpls(c, o, true, st);
	}
	st->non_tcp++;
	return DEC_SKIP;
}

enum decode_result tun_ethertype(uint16_t et, struct cur c, struct pkt *o, struct tt_stats *st)
{
	switch (et) {
	case 0x6558:
		return dec_ethernet(c, o, st);
	case 0x8847: case 0x8848:
		return mpls(c, o, false, st);
	case 0x894f:
		return nsh(c, o, false, st);
	case 0x8864:
		return pppoe(c, o, st);
	case 0x880b:
		if (!push(o, ENCAP_PPP, false, st))
			return DEC_ERROR;
		return dec_ppp(c, o, st);
	}
	st->non_ip++;
	return DEC_SKIP;
}

/* Radiotap: version 0, pad, length and present bitmap, little-endian. */
static bool radiotap_len(struct cur c, size_t *len)
{
	uint8_t ver, pad, l0, l1;

	if (!cur_u8(&c, &ver) || !cur_u8(&c, &pad) || !cur_u8(&c, &l0) || !cur_u8(&c, &l1))
		return false;
	*len = (size_t)l0 | (size_t)l1 << 8;
	return ver == 0 && *len >= 8;
}

/* Prism (msgcode, msglen in the capturing host's order) or AVS (magic
 * 0x8021100x and a big-endian length), both of which DLT 119 may carry. */
static bool prism_len(struct cur c, size_t caplen, uint8_t *radio, size_t *len)
{
	uint32_t magic, be;

	if (!cur_u32(&c, &magic) || !cur_u32(&c, &be))
		return false;
	if ((magic & 0xfffffff0u) == 0x80211000u) {
		*radio = ENCAP_RADIO_AVS;
		*len = be;
	} else {
		uint32_t le = (be >> 24) | ((be >> 8) & 0xff00) | ((be << 8) & 0xff0000) | (be << 24);
		*radio = ENCAP_RADIO_PRISM;
		*len = le <= caplen ? le : be;
	}
	return *len >= 8;
}

enum decode_result tun_wlan_link(int dlt, struct cur c, struct pkt *o, struct tt_stats *st)
{
	uint8_t radio = ENCAP_RADIO_NONE;
	size_t len = 0;

	switch (dlt) {
	case DLT_IEEE802_11_RADIO_:
		radio = ENCAP_RADIO_RADIOTAP;
		if (!radiotap_len(c, &len))
			return c.left < 4 ? cut(st) : bad(st);
		break;
	case DLT_PRISM_: case DLT_IEEE802_11_AVS_:
		if (!prism_len(c, c.left, &radio, &len))
			return c.left < 8 ? cut(st) : bad(st);
		break;
	}
	if (!cur_skip(&c, len))
		return cut(st);
	return wlan_frame(c, o, radio, false, st);
}
