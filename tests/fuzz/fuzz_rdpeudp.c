/*
 * fuzz_rdpeudp - RDP's UDP transport datagrams (parsers/rdpeudp.c): the
 * input is one datagram, read from an exact-size copy as a SYN, as a
 * version 1/2 datagram and, swapped, as an MS-RDPEUDP2 one, so that a read
 * past the end is caught.  The contract (a chunk inside the datagram when
 * OK, none from a datagram without data) is checked and a breach aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/rdpeudp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *q, size_t n, const struct rdpeudp_pkt *p)
{
	if (!p->data && (p->body || p->len))
		abort();
	if (p->data && (p->body < q || p->body + p->len != q + n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *q = malloc(size ? size : 1);
	struct rdpeudp_syn s;
	struct rdpeudp_pkt p;

	if (!q)
		return 0;
	if (size)
		memcpy(q, data, size);
	if (rdpeudp_syn(q, size, &s) == RDPEUDP_OK && !(s.flags & RDPEUDP_SYN))
		abort();
	if (rdpeudp_v1(q, size, &p) == RDPEUDP_OK)
		check(q, size, &p);
	rdpeudp2_unswap(q, size);
	if (rdpeudp_v2(q, size, &p) == RDPEUDP_OK)
		check(q, size, &p);
	free(q);
	return 0;
}
