/*
 * Unit tests for parsers/rdpeudp.c (RDP's UDP transport): hand-built SYN,
 * SYN+ACK, version 1/2 data datagrams (ACK vector padding, ack of acks,
 * FEC-coded) and MS-RDPEUDP2 packets (byte swap, ACK, ACKVEC, dummy), each
 * read whole and at every truncated prefix, from an exact-size copy: a
 * prefix that cuts a structure the flags announce is BAD, never a read
 * past the end; a prefix of the data itself is a shorter chunk.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/rdpeudp.h"
#include "tt_test.h"

static uint8_t *dup_exact(const uint8_t *b, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	if (p && n)
		memcpy(p, b, n);
	return p;
}

static size_t put16(uint8_t *o, uint16_t v)
{
	o[0] = (uint8_t)(v >> 8);
	o[1] = (uint8_t)v;
	return 2;
}

static size_t put32(uint8_t *o, uint32_t v)
{
	put16(o, (uint16_t)(v >> 16));
	put16(o + 2, (uint16_t)v);
	return 4;
}

/* A SYN (or SYN+ACK) with a correlation id and SYNEX of version ver;
 * without padding to the MTU (min: the bytes its flags announce). */
static size_t syn(uint8_t *o, bool ack, uint16_t ver)
{
	size_t n = 0;

	n += put32(o + n, ack ? 0x11111111u : 0xffffffffu);
	n += put16(o + n, 64);
	n += put16(o + n, (uint16_t)(RDPEUDP_SYN | RDPEUDP_SYNEX | RDPEUDP_CORRELATION_ID |
				     (ack ? RDPEUDP_ACK : 0)));
	n += put32(o + n, 0xabcdef01u);
	n += put16(o + n, 1232);
	n += put16(o + n, 1132);
	for (int i = 0; i < 32; i++)
		o[n++] = (uint8_t)(i < 16 ? i + 1 : 0);
	n += put16(o + n, 1);
	n += put16(o + n, ver);
	if (ver == RDPEUDP_VER_3) {
		memset(o + n, 0, 32);
		n += 32;
	}
	return n;
}

static void test_syn(void)
{
	uint8_t b[128];
	struct rdpeudp_syn s;

	for (int v = 0; v < 2; v++) {
		size_t n = syn(b, v, v ? RDPEUDP_VER_3 : RDPEUDP_VER_2);
		CHECK(rdpeudp_syn(b, n, &s) == RDPEUDP_OK);
		CHECK(s.isn == 0xabcdef01u && s.up_mtu == 1232 && s.down_mtu == 1132);
		CHECK(s.has_cid && s.cid[0] == 1 && s.cid[15] == 16);
		CHECK(s.version == (v ? RDPEUDP_VER_3 : RDPEUDP_VER_2));
		CHECK(((s.flags & RDPEUDP_ACK) != 0) == (v == 1));
		for (size_t k = 0; k < n; k++) {
			uint8_t *q = dup_exact(b, k);
			CHECK(rdpeudp_syn(q, k, &s) == RDPEUDP_BAD);
			free(q);
		}
	}
	/* an MTU out of range, a datagram without SYN: not a SYN */
	size_t n = syn(b, false, RDPEUDP_VER_1);
	put16(b + 12, 1500);
	CHECK(rdpeudp_syn(b, n, &s) == RDPEUDP_BAD);
	n = syn(b, false, RDPEUDP_VER_1);
	b[7] &= (uint8_t)~RDPEUDP_SYN;
	CHECK(rdpeudp_syn(b, n, &s) == RDPEUDP_BAD);
}

/* A data datagram: ACK vector of k elements (padded), ack of acks when
 * aoa, the source (or FEC) payload header, then the chunk. */
static size_t data(uint8_t *o, size_t k, bool aoa, bool fec, const char *chunk, size_t *hdr)
{
	size_t n = 0;
	uint16_t f = RDPEUDP_ACK | RDPEUDP_DATA | (aoa ? RDPEUDP_AOA : 0) | (fec ? RDPEUDP_FEC : 0);

	n += put32(o + n, 0x22222222u);
	n += put16(o + n, 64);
	n += put16(o + n, f);
	n += put16(o + n, (uint16_t)k);
	memset(o + n, 0x40, k);
	n += k;
	while (n % 4)
		o[n++] = 0xee;          /* padding: whatever the sender left */
	if (aoa)
		n += put32(o + n, 0x33333333u);
	n += put32(o + n, 0x44444444u);
	n += put32(o + n, 0x55555555u);
	if (fec)
		n += put32(o + n, 0x01020000u);
	*hdr = n;
	memcpy(o + n, chunk, strlen(chunk));
	return n + strlen(chunk);
}

static void test_v1(void)
{
	uint8_t b[128];
	struct rdpeudp_pkt p;
	const char *chunk = "\x16\x03\x03\x01\x01\x01";

	for (size_t k = 0; k < 6; k++)
		for (int aoa = 0; aoa < 2; aoa++)
			for (int fec = 0; fec < 2; fec++) {
				size_t hdr, n = data(b, k, aoa, fec, chunk, &hdr);
				CHECK(rdpeudp_v1(b, n, &p) == RDPEUDP_OK);
				CHECK(p.data == !fec);
				if (!fec)
					CHECK(p.seq == 0x55555555u && p.len == 6 &&
					      p.body == b + hdr && p.body[0] == 0x16);
				for (size_t c = 0; c < n; c++) {
					uint8_t *q = dup_exact(b, c);
					enum rdpeudp_status st = rdpeudp_v1(q, c, &p);
					CHECK(c >= hdr ? st == RDPEUDP_OK : st == RDPEUDP_BAD);
					if (c >= hdr && !fec)
						CHECK(p.len == c - hdr);
					free(q);
				}
			}
	/* an ACK vector over 2048 bytes; a SYN is not a data datagram */
	size_t hdr, n = data(b, 0, false, false, chunk, &hdr);
	put16(b + 8, 2049);
	CHECK(rdpeudp_v1(b, n, &p) == RDPEUDP_BAD);
	n = syn(b, false, RDPEUDP_VER_1);
	CHECK(rdpeudp_v1(b, n, &p) == RDPEUDP_BAD);
}

/* An MS-RDPEUDP2 packet in wire order (bytes 0 and 7 swapped). */
static size_t v2(uint8_t *o, bool ackvec, bool dummy, size_t *hdr)
{
	size_t n = 0;
	uint16_t f = 0x0001 | 0x0004 | 0x0040 | 0x0100 | 0x0010 | (ackvec ? 0x0008 : 0);

	o[n++] = dummy ? 0x10 : 0x00;
	o[n++] = (uint8_t)f;
	o[n++] = (uint8_t)(0xc0 | f >> 8);
	memcpy(o + n, "\x64\x00\x10\x00\x00\x05\x02\xaa\xbb", 9);      /* ACK, 2 delayed */
	n += 9;
	o[n++] = 0x0a;                                                  /* OVERHEADSIZE */
	memcpy(o + n, "\x01\xf4\x01", 3);                               /* DELAYACKINFO */
	n += 3;
	memcpy(o + n, "\x64\x00", 2);                                   /* AOA */
	n += 2;
	memcpy(o + n, "\x65\x00", 2);                                   /* DATA: data seq */
	n += 2;
	if (ackvec) {   /* base, 2 acks with a time stamp */
		memcpy(o + n, "\x60\x00\x82\x01\x02\x03\x04\xc1\x7f", 9);
		n += 9;
	}
	if (!dummy) {
		memcpy(o + n, "\x34\x12\x16\x03\x03", 5);                /* channel seq, chunk */
		n += 5;
	}
	*hdr = dummy ? n : n - 3;
	rdpeudp2_unswap(o, n);
	return n;
}

static void test_v2(void)
{
	uint8_t b[64];
	struct rdpeudp_pkt p;

	for (int av = 0; av < 2; av++)
		for (int dummy = 0; dummy < 2; dummy++) {
			size_t hdr, n = v2(b, av, dummy, &hdr);
			uint8_t *q = dup_exact(b, n);
			rdpeudp2_unswap(q, n);
			CHECK(rdpeudp_v2(q, n, &p) == RDPEUDP_OK);
			CHECK(p.data == !dummy);
			if (!dummy)
				CHECK(p.seq == 0x1234 && p.len == 3 && p.body[0] == 0x16);
			free(q);
			for (size_t c = 0; c < n; c++) {
				q = dup_exact(b, n);
				rdpeudp2_unswap(q, n);  /* then cut: the swap needs the whole */
				uint8_t *r = dup_exact(q, c);
				enum rdpeudp_status st = rdpeudp_v2(r, c, &p);
				CHECK(c >= hdr ? st == RDPEUDP_OK : st == RDPEUDP_BAD);
				free(r);
				free(q);
			}
		}
	/* a short datagram is left as it is */
	uint8_t s[3] = { 1, 2, 3 };
	rdpeudp2_unswap(s, 3);
	CHECK(s[0] == 1 && s[2] == 3);
}

int main(void)
{
	test_syn();
	test_v1();
	test_v2();
	return TT_DONE();
}
