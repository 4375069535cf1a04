/*
 * The packet decoder on every frame of the project's captures (the fuzz
 * seed corpus tests/fuzz/corpus/decode: Ethernet, VLAN and QinQ, Linux
 * cooked v1/v2, raw IP, BSD null, IPv4 options, IPv6 extension headers,
 * fragments) and on hand-built frames: each frame whole, then at every
 * caplen from 0 to its length, from an exact-size allocation.  A decoded
 * TCP payload must lie inside the captured bytes; a cut header is counted
 * as truncated, never read past.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/decode.h"
#include "tt_test.h"

static const int dlts[] = { 1, 113, 276, 12, 14, 101, 228, 229, 0, 108 };

/* Decode frame at every caplen; returns the whole-frame result. */
static enum decode_result all_prefixes(int dlt, const uint8_t *frame, size_t len, struct pkt *whole)
{
	struct tt_stats st;
	enum decode_result r = DEC_ERROR;

	for (size_t k = 0; k <= len; k++) {
		uint8_t *buf = malloc(k ? k : 1);
		struct pkt p;

		memcpy(buf, frame, k);
		memset(&st, 0, sizeof st);
		r = decode_packet(dlt, buf, (uint32_t)k, (uint32_t)len, &p, &st);
		if (r == DEC_TCP) {
			/* The payload is inside the buffer, and what is cut is said. */
			CHECK(p.payload >= buf && p.payload + p.payload_len <= buf + k);
			if (k < len)
				CHECK(p.payload_missing > 0 || st.truncated == 0);
		} else if (r == DEC_FRAGMENT) {
			CHECK(p.frag_data >= buf && p.frag_data + p.frag_len <= buf + k);
		}
		if (k == len && whole) {
			/* Point into the caller's frame, not the buffer freed below. */
			*whole = p;
			if (r == DEC_TCP)
				whole->payload = frame + (p.payload - buf);
		}
		free(buf);
	}
	return r;
}

static void test_corpus(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), frames = 0, tcp = 0;

	CHECK(n > 10);
	for (int i = 0; i < n; i++) {
		char path[4096];
		FILE *f;
		static uint8_t buf[1 << 20];
		size_t len, off = 0;

		/* Captured seeds only: inputs the fuzzer added are named by
		 * their SHA-1 (40 hex digits) and need not be messages at all. */
		if (ents[i]->d_name[0] == '.' ||
		    strspn(ents[i]->d_name, "0123456789abcdef") == 40) {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
		f = fopen(path, "rb");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		while (off + 3 <= len) {
			int dlt = dlts[buf[off] % 10];
			size_t fl = (size_t)buf[off + 1] << 8 | buf[off + 2];
			off += 3;
			if (fl > len - off)
				break;
			frames++;
			tcp += all_prefixes(dlt, buf + off, fl, NULL) == DEC_TCP;
			off += fl;
		}
	}
	free(ents);
	fprintf(stderr, "%d captured frames at every caplen, %d TCP\n", frames, tcp);
	CHECK(tcp > frames / 2);
}

/* Ethernet, 802.1ad 200 outside 802.1Q 100, IPv4 with 4 option bytes, TCP
 * with 3 payload bytes. */
static void test_qinq_options(void)
{
	static const uint8_t f[] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
		0x88, 0xa8, 0x00, 0xc8,                   /* 802.1ad, VLAN 200 */
		0x81, 0x00, 0x00, 0x64,                   /* 802.1Q, VLAN 100 */
		0x08, 0x00,
		0x46, 0, 0, 47, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0x01, 0x01, 0x01, 0x00,                   /* options: NOP NOP NOP EOL */
		0x04, 0xd2, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
		'a', 'b', 'c',
	};
	struct pkt p;

	CHECK(all_prefixes(1, f, sizeof f, &p) == DEC_TCP);
	CHECK(p.af == 4 && p.has_vlan && p.vlan == 200);
	CHECK(p.sport == 1234 && p.dport == 443 && p.seq == 1 && p.flags == 0x18);
	CHECK(p.payload_len == 3 && memcmp(p.payload, "abc", 3) == 0);
}

/* BSD null loopback in both byte orders, and PPP, carrying the same packet. */
static void test_null_ppp(void)
{
	uint8_t f[4 + 40];
	static const uint8_t ip[40] = {
		0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
		0x30, 0x39, 0x01, 0xbb, 0, 0, 0, 9, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
	};
	struct pkt p;

	memcpy(f + 4, ip, 40);
	memcpy(f, "\x02\x00\x00\x00", 4);   /* little-endian AF_INET */
	CHECK(all_prefixes(0, f, sizeof f, &p) == DEC_TCP && p.flags == 0x02 && p.sport == 12345);
	memcpy(f, "\x00\x00\x00\x02", 4);   /* big-endian */
	CHECK(all_prefixes(0, f, sizeof f, &p) == DEC_TCP && p.dport == 443);
	memcpy(f, "\xff\x03\x00\x21", 4);   /* PPP, IPv4 */
	CHECK(all_prefixes(9, f, sizeof f, &p) == DEC_TCP && p.seq == 9);
	CHECK(all_prefixes(12, ip, sizeof ip, &p) == DEC_TCP);   /* raw IP */
	CHECK(all_prefixes(228, ip, sizeof ip, &p) == DEC_TCP);
}

/* IPv6: hop-by-hop and destination options before TCP; then a fragment. */
static void test_ipv6(void)
{
	uint8_t f[40 + 8 + 8 + 20];
	struct pkt p;

	memset(f, 0, sizeof f);
	f[0] = 0x60;
	f[5] = 8 + 8 + 20;                     /* payload length */
	f[6] = 0;                              /* hop-by-hop */
	f[7] = 64;
	f[23] = 1;
	f[39] = 2;                             /* ::1 -> ::2 */
	f[40] = 60;                            /* next: destination options */
	f[48] = 6;                             /* next: TCP */
	f[56] = 0x04;
	f[57] = 0xd2;
	f[58] = 0x01;
	f[59] = 0xbb;
	f[68] = 0x50;
	f[69] = 0x10;
	CHECK(all_prefixes(229, f, sizeof f, &p) == DEC_TCP && p.af == 6 && p.sport == 1234);
	CHECK(p.payload_len == 0);
	f[40] = 44;                            /* hop-by-hop now followed by a fragment header */
	f[48] = 6;
	f[50] = 0x00;
	f[51] = 0x01;                          /* offset 0, more fragments */
	f[55] = 7;                             /* identification 7 */
	CHECK(all_prefixes(229, f, sizeof f, &p) == DEC_FRAGMENT);
	CHECK(p.frag_id == 7 && p.frag_more && p.frag_off == 0 && p.frag_proto == 6 && p.frag_len == 20);
}

int main(int argc, char **argv)
{
	test_qinq_options();
	test_null_ppp();
	test_ipv6();
	test_corpus(argc > 1 ? argv[1] : "../tests/fuzz/corpus/decode");
	return TT_DONE();
}
