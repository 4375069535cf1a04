/*
 * test_tcpsum.c - the TCP checksum (src/tcpsum.c) against a plain RFC 1071
 * sum of big-endian 16-bit words over the pseudo-header and the segment:
 * every length up to a few jumbo words past an Ethernet frame, at every
 * alignment of the segment, IPv4 and IPv6, right and with each byte of a
 * short segment flipped; sums that fold through many carries (all 0xff);
 * and the cases where the checksum cannot be told.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/tcpsum.h"
#include "tt_test.h"

/* RFC 1071 4.1, word by word: the reference. */
static uint32_t ref_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t ref_sum(const struct pkt *p)
{
	uint8_t ph[40];
	size_t pl;
	uint32_t s, len = p->l4_len;

	if (p->af == 4) {
		memcpy(ph, p->src, 4);
		memcpy(ph + 4, p->dst, 4);
		ph[8] = 0, ph[9] = 6, ph[10] = (uint8_t)(len >> 8), ph[11] = (uint8_t)len;
		pl = 12;
	} else {
		memcpy(ph, p->src, 16);
		memcpy(ph + 16, p->dst, 16);
		ph[32] = (uint8_t)(len >> 24), ph[33] = (uint8_t)(len >> 16);
		ph[34] = (uint8_t)(len >> 8), ph[35] = (uint8_t)len;
		ph[36] = ph[37] = ph[38] = 0, ph[39] = 6;
		pl = 40;
	}
	s = ref_add(ref_add(0, ph, pl), p->l4, len);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Put the right checksum into the segment (TCP header bytes 16..17). */
static void fill_sum(struct pkt *p, uint8_t *seg)
{
	uint16_t c;

	seg[16] = seg[17] = 0;
	c = ref_sum(p);
	seg[16] = (uint8_t)(c >> 8);
	seg[17] = (uint8_t)c;
}

static void pkt_over(struct pkt *p, int af, const uint8_t *seg, uint32_t len)
{
	memset(p, 0, sizeof *p);
	p->af = (uint8_t)af;
	for (int i = 0; i < 16; i++) {
		p->src[i] = (uint8_t)(af == 4 && i >= 4 ? 0 : 0xc0 + i);
		p->dst[i] = (uint8_t)(af == 4 && i >= 4 ? 0 : 0x0a + 3 * i);
	}
	p->l4 = seg;
	p->l4_len = len;
}

static void test_lengths(uint8_t fillv)
{
	static uint8_t buf[1600 + 64];

	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = fillv ? fillv : (uint8_t)(rand() & 0xff);
	for (int af = 4; af <= 6; af += 2)
		for (uint32_t len = 18; len <= 1600; len += len < 80 ? 1 : 37)
			for (size_t a = 0; a < 8; a++) {
				struct pkt p;
				uint8_t *seg = buf + a;
				pkt_over(&p, af, seg, len);
				fill_sum(&p, seg);
				CHECK(tcpsum_check(&p) == TCPSUM_OK);
				seg[len - 1] ^= 0x01;
				CHECK(tcpsum_check(&p) == TCPSUM_BAD);
				seg[len - 1] ^= 0x01;
				seg[len / 2] ^= 0x80;
				CHECK(tcpsum_check(&p) == TCPSUM_BAD);
				seg[len / 2] ^= 0x80;
			}
}

/* Each byte of a segment of every short length flipped: always noticed
 * (a one-bit change moves a one's complement sum). */
static void test_each_byte(void)
{
	uint8_t seg[72];

	for (size_t i = 0; i < sizeof seg; i++)
		seg[i] = (uint8_t)(i * 37 + 5);
	for (int af = 4; af <= 6; af += 2)
		for (uint32_t len = 20; len <= sizeof seg; len++) {
			struct pkt p;
			pkt_over(&p, af, seg, len);
			fill_sum(&p, seg);
			CHECK(tcpsum_check(&p) == TCPSUM_OK);
			for (uint32_t k = 0; k < len; k++) {
				seg[k] ^= 0x10;
				CHECK(tcpsum_check(&p) == TCPSUM_BAD);
				seg[k] ^= 0x10;
			}
		}
}

/* Not computed: nothing captured of it, a length not declared (offload). */
static void test_unknown(void)
{
	uint8_t seg[20] = { 0 };
	struct pkt p;

	pkt_over(&p, 4, seg, 20);
	p.l4 = NULL;
	CHECK(tcpsum_check(&p) == TCPSUM_UNKNOWN);
	pkt_over(&p, 4, seg, 0);
	CHECK(tcpsum_check(&p) == TCPSUM_UNKNOWN);
	pkt_over(&p, 4, seg, 20);
	p.ip_len_zero = true;
	CHECK(tcpsum_check(&p) == TCPSUM_UNKNOWN);
}

int main(void)
{
	srand(25);
	test_lengths(0);
	test_lengths(0xff);
	test_each_byte();
	test_unknown();
	return TT_DONE();
}
