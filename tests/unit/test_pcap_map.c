/*
 * test_pcap_map.c - classic pcap records read in place: both byte orders,
 * both time resolutions, every truncated file, records longer than the
 * snapshot, and records across the mapped window's edge; the look ahead
 * (pmap_peek) gives the next record's bytes, or the one after, only when
 * they are whole in the window, and moves nothing.
 */
#include "tt_test.h"

#include "../../src/pcap_map.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct file {
	uint8_t b[1 << 22];
	size_t n;
	bool be;
};

static void put32(struct file *f, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		f->b[f->n++] = (uint8_t)(f->be ? v >> (24 - 8 * i) : v >> (8 * i));
}

static void put16(struct file *f, uint16_t v)
{
	f->b[f->n++] = (uint8_t)(f->be ? v >> 8 : v);
	f->b[f->n++] = (uint8_t)(f->be ? v : v >> 8);
}

static void header(struct file *f, bool be, bool nano, uint16_t minor, uint32_t snaplen)
{
	f->n = 0;
	f->be = be;
	put32(f, nano ? 0xa1b23c4d : 0xa1b2c3d4);
	put16(f, 2);
	put16(f, minor);
	put32(f, 0);
	put32(f, 0);
	put32(f, snaplen);
	put32(f, 1);
}

/* A record whose bytes are seed, seed + 1, ... */
static void record(struct file *f, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len,
		   uint8_t seed)
{
	put32(f, sec);
	put32(f, frac);
	put32(f, caplen);
	put32(f, len);
	for (uint32_t i = 0; i < caplen; i++)
		f->b[f->n++] = (uint8_t)(seed + i);
}

/* f's first n bytes as a file: its descriptor. */
static int as_file(const struct file *f, size_t n)
{
	FILE *t = tmpfile();
	int fd;

	if (!t || fwrite(f->b, 1, n, t) != n || fflush(t) != 0)
		return -1;
	fd = dup(fileno(t));
	fclose(t);
	return fd;
}

static bool bytes_ok(const struct pmap_pkt *p, uint8_t seed)
{
	for (uint32_t i = 0; i < p->caplen; i++)
		if (p->data[i] != (uint8_t)(seed + i))
			return false;
	return true;
}

static void test_format(void)
{
	struct pcap_map m;
	struct file *f = malloc(sizeof *f);

	header(f, false, false, 4, 65535);
	CHECK(pmap_format(&m, f->b, 24) && m.swapped && !m.nano);
	header(f, true, true, 4, 65535);
	CHECK(pmap_format(&m, f->b, 24) && !m.swapped && m.nano);
	header(f, false, true, 4, 65535);
	CHECK(pmap_format(&m, f->b, 24) && m.swapped && m.nano);
	/* Before 2.4: libpcap's (caplen and len may be swapped). */
	header(f, false, false, 2, 65535);
	CHECK(!pmap_format(&m, f->b, 24));
	for (size_t n = 0; n < 8; n++)
		CHECK(!pmap_format(&m, f->b, n));
	memcpy(f->b, "\x0a\x0d\x0d\x0a", 4);   /* pcapng */
	CHECK(!pmap_format(&m, f->b, 24));
	free(f);
}

/* Three records; at every length of the file, the whole records before
 * the cut are read and the reader stops at the first one cut. */
static void test_prefixes(bool be, bool nano)
{
	struct file *f = malloc(sizeof *f);
	size_t ends[4];
	struct pcap_map m;
	struct pmap_pkt p;

	header(f, be, nano, 4, 65535);
	ends[0] = f->n;
	record(f, 100, 7, 5, 60, 1);
	ends[1] = f->n;
	record(f, 101, 999999, 0, 0, 2);
	ends[2] = f->n;
	record(f, 4000000000u, 3, 70, 70, 3);
	ends[3] = f->n;
	for (size_t n = 24; n <= f->n; n++) {
		int fd = as_file(f, n), got = 0;
		size_t whole = 0;

		CHECK(fd >= 0);
		CHECK(pmap_format(&m, f->b, 24));
		pmap_start(&m, fd, n, 65535);
		while (whole < 3 && ends[whole + 1] <= n)
			whole++;
		while (pmap_next(&m, &p) == 1) {
			const uint8_t *ahead;
			uint32_t an = 0;
			uint64_t at = m.off;
			got++;
			/* What peek shows is the next record, whole within the file's n
			 * bytes; it moves nothing. */
			if ((ahead = pmap_peek(&m, 1, &an))) {
				CHECK(got < 3 && ends[got + 1] <= n);
				CHECK(an == (got == 1 ? 0u : 70u));
				CHECK(an == 0 || ahead[0] == 3);
			}
			/* Two ahead: the third record, after the first only. */
			if ((ahead = pmap_peek(&m, 2, &an)))
				CHECK(got == 1 && ends[3] <= n && an == 70 && ahead[0] == 3);
			CHECK(!pmap_peek(&m, 0, &an));
			CHECK(m.off == at);
			if (got == 1)
				CHECK(p.caplen == 5 && p.len == 60 && bytes_ok(&p, 1) &&
				      p.ts_ns == 100000000000ull + (nano ? 7 : 7000));
			if (got == 2)
				CHECK(p.caplen == 0 && p.len == 0 &&
				      p.ts_ns == 101000000000ull + (nano ? 999999 : 999999000));
			if (got == 3)
				CHECK(p.caplen == 70 && bytes_ok(&p, 3) &&
				      p.ts_ns == 4000000000ull * 1000000000ull + (nano ? 3 : 3000));
		}
		CHECK((size_t)got == whole);
		CHECK(m.off == ends[whole]);
		pmap_close(&m);
		close(fd);
	}
	free(f);
}

/* A record longer than the snapshot (or than 256 KiB) is left to libpcap. */
static void test_long_record(void)
{
	struct file *f = malloc(sizeof *f);
	struct pcap_map m;
	struct pmap_pkt p;
	int fd;

	header(f, false, false, 4, 100);
	record(f, 1, 0, 100, 100, 0);
	record(f, 1, 0, 101, 101, 0);
	fd = as_file(f, f->n);
	CHECK(pmap_format(&m, f->b, 24));
	pmap_start(&m, fd, f->n, 100);
	CHECK(pmap_next(&m, &p) == 1 && p.caplen == 100);
	CHECK(pmap_next(&m, &p) == 0 && m.off == 24 + 16 + 100);
	pmap_close(&m);
	close(fd);

	header(f, false, false, 4, 300000);
	record(f, 1, 0, 262145, 262145, 0);
	fd = as_file(f, f->n);
	pmap_start(&m, fd, f->n, 300000);
	CHECK(pmap_next(&m, &p) == 0 && m.off == 24);
	pmap_close(&m);
	close(fd);

	/* The longest record read in place (262,144 bytes) is longer than a
	 * window: it gets one of its own, between small ones, whole. */
	header(f, false, false, 4, 262144);
	for (unsigned k = 0; k < 6; k++)
		record(f, k, 0, k & 1 ? 262144 : 1000 * k + 7, k & 1 ? 262144 : 1000 * k + 7,
		       (uint8_t)(3 * k));
	fd = as_file(f, f->n);
	pmap_start(&m, fd, f->n, 262144);
	for (unsigned k = 0; k < 6; k++)
		CHECK(pmap_next(&m, &p) == 1 && p.caplen == (k & 1 ? 262144 : 1000 * k + 7) &&
		      bytes_ok(&p, (uint8_t)(3 * k)) && p.ts_ns == (uint64_t)k * 1000000000u);
	CHECK(pmap_next(&m, &p) == 0 && m.off == f->n);
	pmap_close(&m);
	close(fd);
	free(f);
}

/* Records of 60,000 bytes over three megabytes: the window moves, and a
 * record never comes out cut at its edge. */
static void test_windows(void)
{
	struct file *f = malloc(sizeof *f);
	struct pcap_map m;
	struct pmap_pkt p;
	unsigned i = 0, bad = 0;
	int fd;

	header(f, false, false, 4, 65535);
	while (f->n + 16 + 60000 < (3u << 20))
		record(f, i, 0, 60000, 60000, (uint8_t)i), i++;
	fd = as_file(f, f->n);
	CHECK(pmap_format(&m, f->b, 24));
	pmap_start(&m, fd, f->n, 65535);
	const uint8_t *ahead = NULL;
	unsigned peeked = 0;
	for (unsigned k = 0; k < i; k++) {
		uint32_t an;
		if (pmap_next(&m, &p) != 1 || p.caplen != 60000 || !bytes_ok(&p, (uint8_t)k) ||
		    p.ts_ns != (uint64_t)k * 1000000000u)
			bad++;
		if (ahead && p.data != ahead)
			bad++;   /* the record peek showed is the one that came */
		if ((ahead = pmap_peek(&m, 1, &an)) != NULL) {
			struct pmap_pkt q = { 0, an, an, ahead };
			peeked++;
			if (an != 60000 || !bytes_ok(&q, (uint8_t)(k + 1)))
				bad++;
		}
	}
	CHECK(bad == 0);
	/* Most records are seen ahead; those across a window's edge are not. */
	CHECK(peeked > i / 2 && peeked < i - 1);
	CHECK(pmap_next(&m, &p) == 0 && m.off == f->n);
	pmap_close(&m);
	close(fd);
	free(f);
}

int main(void)
{
	test_format();
	test_prefixes(false, false);
	test_prefixes(true, true);
	test_prefixes(false, true);
	test_long_record();
	test_windows();
	return TT_DONE();
}
