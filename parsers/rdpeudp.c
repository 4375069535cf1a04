/*
 * rdpeudp.c - RDP's UDP transport datagrams ([MS-RDPEUDP] 2.2.2, 3.1.5.1;
 * [MS-RDPEUDP2] 2.2.1): the SYN exchange and where each later datagram's
 * chunk of the TLS or DTLS stream is (see rdpeudp.h for the layouts).
 */
#include "rdpeudp.h"

#include "cursor.h"

#define MTU_MIN 1132
#define MTU_MAX 1232
#define ACKVEC_MAX 2048                 /* MS-RDPEUDP 2.2.2.7 */
#define SYNEX_VERSION_INFO 0x0001       /* uSynExFlags: uUdpVer is valid */

/* MS-RDPEUDP2 2.2.1.1: flags and packet types. */
#define V2_ACK 0x0001
#define V2_DATA 0x0004
#define V2_ACKVEC 0x0008
#define V2_AOA 0x0010
#define V2_OVERHEAD 0x0040
#define V2_DELAYACK 0x0100
#define V2_TYPE_DUMMY 8

enum rdpeudp_status rdpeudp_syn(const uint8_t *p, size_t n, struct rdpeudp_syn *s)
{
	struct cur c = cur_make(p, n);
	uint16_t window, xflags;

	if (!cur_u32(&c, &s->source_ack) || !cur_u16(&c, &window) || !cur_u16(&c, &s->flags) ||
	    !(s->flags & RDPEUDP_SYN) || !cur_u32(&c, &s->isn) || !cur_u16(&c, &s->up_mtu) ||
	    !cur_u16(&c, &s->down_mtu))
		return RDPEUDP_BAD;
	if (s->up_mtu < MTU_MIN || s->up_mtu > MTU_MAX || s->down_mtu < MTU_MIN ||
	    s->down_mtu > MTU_MAX)
		return RDPEUDP_BAD;
	s->has_cid = s->flags & RDPEUDP_CORRELATION_ID;
	if (s->has_cid && (!cur_copy(&c, s->cid, 16) || !cur_skip(&c, 16)))
		return RDPEUDP_BAD;
	s->version = RDPEUDP_VER_1;
	if (!(s->flags & RDPEUDP_SYNEX))
		return RDPEUDP_OK;
	if (!cur_u16(&c, &xflags))
		return RDPEUDP_BAD;
	if ((xflags & SYNEX_VERSION_INFO) && !cur_u16(&c, &s->version))
		return RDPEUDP_BAD;
	if (s->version == RDPEUDP_VER_3 && !cur_skip(&c, 32))   /* the cookie hash */
		return RDPEUDP_BAD;
	return RDPEUDP_OK;
}

/* The ACK vector header: its size, the elements, padding to 4 bytes. */
static bool ack_vector(struct cur *c)
{
	uint16_t k;

	if (!cur_u16(c, &k) || k > ACKVEC_MAX)
		return false;
	return cur_skip(c, (size_t)k + (4u - (2u + k) % 4u) % 4u);
}

enum rdpeudp_status rdpeudp_v1(const uint8_t *p, size_t n, struct rdpeudp_pkt *o)
{
	struct cur c = cur_make(p, n);
	uint32_t ack, coded;
	uint16_t window;

	o->data = false;
	o->body = NULL;
	o->len = 0;
	o->seq = 0;
	if (!cur_u32(&c, &ack) || !cur_u16(&c, &window) || !cur_u16(&c, &o->flags) ||
	    (o->flags & RDPEUDP_SYN))
		return RDPEUDP_BAD;
	if ((o->flags & RDPEUDP_ACK) && !ack_vector(&c))
		return RDPEUDP_BAD;
	if ((o->flags & RDPEUDP_AOA) && !cur_skip(&c, 4))
		return RDPEUDP_BAD;
	if (!(o->flags & RDPEUDP_DATA))
		return RDPEUDP_OK;
	if (!cur_u32(&c, &coded) || !cur_u32(&c, &o->seq))
		return RDPEUDP_BAD;
	if (o->flags & RDPEUDP_FEC)     /* range, index, padding; a coded packet */
		return cur_skip(&c, 4) ? RDPEUDP_OK : RDPEUDP_BAD;
	o->data = true;
	o->body = c.p;
	o->len = c.left;
	return RDPEUDP_OK;
}

void rdpeudp2_unswap(uint8_t *p, size_t n)
{
	uint8_t b;

	if (n < 8)
		return;
	b = p[0];
	p[0] = p[7];
	p[7] = b;
}

/* The ACK payload: sequence number, time stamp, send gap, then the
 * delayed acks the low 4 bits of its last byte count. */
static bool v2_ack(struct cur *c)
{
	uint8_t d;

	return cur_skip(c, 2 + 3 + 1) && cur_u8(c, &d) && cur_skip(c, d & 0x0f);
}

/* The ACKVEC payload: base sequence number, size and time stamp flag,
 * the time stamp and gap when flagged, the coded acks. */
static bool v2_ackvec(struct cur *c)
{
	uint8_t sz;

	return cur_skip(c, 2) && cur_u8(c, &sz) && cur_skip(c, (sz & 0x80) ? 4u : 0u) &&
	       cur_skip(c, sz & 0x7f);
}

enum rdpeudp_status rdpeudp_v2(const uint8_t *p, size_t n, struct rdpeudp_pkt *o)
{
	struct cur c = cur_make(p, n);
	uint8_t prefix;
	uint16_t fw, seq;

	o->data = false;
	o->body = NULL;
	o->len = 0;
	o->seq = 0;
	if (!cur_u8(&c, &prefix) || !cur_u16(&c, &fw))
		return RDPEUDP_BAD;
	fw = (uint16_t)(fw >> 8 | fw << 8);     /* little-endian on the wire */
	o->flags = fw & 0x0fff;
	if ((o->flags & V2_ACK) && !v2_ack(&c))
		return RDPEUDP_BAD;
	if (((o->flags & V2_OVERHEAD) && !cur_skip(&c, 1)) ||
	    ((o->flags & V2_DELAYACK) && !cur_skip(&c, 3)) ||
	    ((o->flags & V2_AOA) && !cur_skip(&c, 2)) ||
	    ((o->flags & V2_DATA) && !cur_skip(&c, 2)) ||
	    ((o->flags & V2_ACKVEC) && !v2_ackvec(&c)))
		return RDPEUDP_BAD;
	if (!(o->flags & V2_DATA) || (prefix >> 1 & 0x0f) == V2_TYPE_DUMMY)
		return RDPEUDP_OK;
	if (!cur_u16(&c, &seq))
		return RDPEUDP_BAD;
	o->seq = (uint16_t)(seq >> 8 | seq << 8);
	o->data = true;
	o->body = c.p;
	o->len = c.left;
	return RDPEUDP_OK;
}
