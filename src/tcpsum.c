/*
 * tcpsum.c - TCP checksum over the pseudo-header and the segment.
 *
 *   IPv4 pseudo-header: | src 4 | dst 4 | 0 | 6 | TCP length 2 |
 *   IPv6 pseudo-header: | src 16 | dst 16 | TCP length 4 | 0 0 0 | 6 |
 *
 * The one's complement sum does not depend on byte order (RFC 1071 2(B)):
 * words are added in host order, 64 bits at a time with the carry added
 * back (one's complement addition), and the total is right when it folds
 * to 0xffff.
 */
#include "tcpsum.h"

#include <string.h>

/* The segment, 8 bytes at a time.  On x86-64 the carries go round in
 * the carry flag (adc): 32 bytes in four instructions and the loop's two;
 * elsewhere 64-bit words are added with their carry counted. */
static uint64_t sum_bytes(const uint8_t *p, size_t n, uint64_t s)
{
	uint64_t a, b, c, d;
	uint32_t w;
	uint16_t h;

#if defined(__x86_64__) && defined(__GNUC__)
	for (; n >= 32; p += 32, n -= 32) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		memcpy(&c, p + 16, 8);
		memcpy(&d, p + 24, 8);
		__asm__("addq %1, %0\n\t"
			"adcq %2, %0\n\t"
			"adcq %3, %0\n\t"
			"adcq %4, %0\n\t"
			"adcq $0, %0"
			: "+r"(s)
			: "r"(a), "r"(b), "r"(c), "r"(d)
			: "cc");
	}
#else
	(void)b, (void)c, (void)d;
#endif
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&a, p, 8);
		s += a;
		s += s < a;   /* the end-around carry */
	}
	if (n >= 4) {
		memcpy(&w, p, 4);
		s += w;
		s += s < w;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		memcpy(&h, p, 2);
		s += h;
		s += s < h;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint8_t last[2] = { p[0], 0 };
		memcpy(&h, last, 2);
		s += h;
		s += s < h;
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
