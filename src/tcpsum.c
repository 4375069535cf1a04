/*
 * tcpsum.c - TCP checksum over the pseudo-header and the segment.
 *
 *   IPv4 pseudo-header: | src 4 | dst 4 | 0 | 6 | TCP length 2 |
 *   IPv6 pseudo-header: | src 16 | dst 16 | TCP length 4 | 0 0 0 | 6 |
 *
 * The one's complement sum does not depend on byte order (RFC 1071 2(B)):
 * words are added in host order, 32 bits at a time into 64, and the total
 * is right when it folds to 0xffff.
 */
#include "tcpsum.h"

#include <string.h>

static uint64_t sum_bytes(const uint8_t *p, size_t n, uint64_t s)
{
	uint32_t w;
	uint16_t h;

	for (; n >= 4; p += 4, n -= 4) {
		memcpy(&w, p, 4);
		s += w;
	}
	if (n >= 2) {
		memcpy(&h, p, 2);
		s += h;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint8_t last[2] = { p[0], 0 };
		memcpy(&h, last, 2);
		s += h;
	}
	return s;
}

enum tcpsum tcpsum_check(const struct pkt *p)
{
	uint8_t ph[40];
	size_t phlen;
	uint32_t len = p->l4_len;
	uint64_t s;

	if (!p->l4 || !len || p->ip_len_zero)
		return TCPSUM_UNKNOWN;
	if (p->af == 4) {
		memcpy(ph, p->src, 4);
		memcpy(ph + 4, p->dst, 4);
		ph[8] = 0;
		ph[9] = 6;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		phlen = 12;
	} else {
		memcpy(ph, p->src, 16);
		memcpy(ph + 16, p->dst, 16);
		ph[32] = (uint8_t)(len >> 24);
		ph[33] = (uint8_t)(len >> 16);
		ph[34] = (uint8_t)(len >> 8);
		ph[35] = (uint8_t)len;
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = 6;
		phlen = 40;
	}
	s = sum_bytes(p->l4, len, sum_bytes(ph, phlen, 0));
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s == 0xffff ? TCPSUM_OK : TCPSUM_BAD;
}
