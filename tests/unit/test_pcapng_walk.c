/*
 * test_pcapng_walk - the interface of each packet block, from hand-built
 * pcapng files in both byte orders, fed whole, in small pieces and cut
 * short at every length; the key logs of Decryption Secrets Blocks for a
 * secrets reader.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/pcapng_walk.h"
#include "tt_test.h"

struct buf {
	uint8_t b[16384];
	size_t n;
	int be;
};

static void put(struct buf *o, uint32_t v, int width)
{
	for (int i = 0; i < width; i++) {
		int sh = o->be ? 8 * (width - 1 - i) : 8 * i;
		o->b[o->n++] = (uint8_t)(v >> sh);
	}
}

/* One block: type, total length, body (padded to 4), total length. */
static void block(struct buf *o, uint32_t type, const uint8_t *body, size_t n)
{
	size_t pad = (4 - n % 4) % 4;
	uint32_t len = (uint32_t)(12 + n + pad);

	put(o, type, 4);
	put(o, len, 4);
	memcpy(o->b + o->n, body, n);
	o->n += n;
	memset(o->b + o->n, 0, pad);
	o->n += pad;
	put(o, len, 4);
}

static void shb(struct buf *o)
{
	struct buf b = { .be = o->be };

	put(&b, 0x1A2B3C4D, 4);
	put(&b, 1, 2);
	put(&b, 0, 2);
	put(&b, 0xffffffff, 4);
	put(&b, 0xffffffff, 4);
	block(o, 0x0A0D0D0A, b.b, b.n);
}

static void idb(struct buf *o, const char *name)
{
	struct buf b = { .be = o->be };

	put(&b, 1, 2);          /* Ethernet */
	put(&b, 0, 2);
	put(&b, 262144, 4);
	if (name) {
		size_t n = strlen(name);
		put(&b, 9, 2);      /* if_tsresol first: skipped */
		put(&b, 1, 2);
		b.b[b.n++] = 9;
		b.n += 3;
		put(&b, 2, 2);
		put(&b, (uint32_t)n, 2);
		memcpy(b.b + b.n, name, n);
		b.n += n + (4 - n % 4) % 4;
		put(&b, 0, 4);      /* opt_endofopt */
	}
	block(o, 1, b.b, b.n);
}

static void epb(struct buf *o, uint32_t iface, size_t caplen)
{
	struct buf b = { .be = o->be };

	put(&b, iface, 4);
	put(&b, 0, 4);
	put(&b, 0, 4);
	put(&b, (uint32_t)caplen, 4);
	put(&b, (uint32_t)caplen, 4);
	memset(b.b + b.n, 0xab, caplen);
	b.n += caplen;
	block(o, 6, b.b, b.n);
}

/* The file: section 1 with eth0 and lo, section 2 with an unnamed
 * interface; a statistics block and a packet larger than PCAPNG_KEEP. */
static void build(struct buf *o)
{
	uint8_t spb[8] = { 0 };
	uint8_t isb[16] = { 0 };

	shb(o);
	idb(o, "eth0");
	idb(o, "lo");
	epb(o, 0, 60);
	epb(o, 1, 5000);
	block(o, 3, spb, sizeof spb);
	epb(o, 7, 10);           /* no such interface */
	block(o, 5, isb, sizeof isb);
	shb(o);
	idb(o, NULL);
	epb(o, 0, 61);
}

static const int want_idx[] = { 0, 1, 0, -1, 2 };
#define N_WANT 5

static void feed(const struct buf *o, size_t len, size_t chunk, struct pcapng_walk *w)
{
	pcapng_walk_init(w);
	for (size_t off = 0; off < len; off += chunk)
		pcapng_walk_push(w, o->b + off, len - off < chunk ? len - off : chunk);
}

static void test_whole(int be)
{
	static struct buf o;
	static struct pcapng_walk w;
	static const size_t chunks[] = { 1, 3, 7, 4096, 1 << 20 };

	memset(&o, 0, sizeof o);
	o.be = be;
	build(&o);
	CHECK(pcapng_walk_is_pcapng(o.b, o.n));
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		feed(&o, o.n, chunks[c], &w);
		CHECK(!w.broken);
		for (int i = 0; i < N_WANT; i++)
			CHECK(pcapng_walk_next(&w) == want_idx[i]);
		CHECK(pcapng_walk_next(&w) == -1);
		CHECK_STR(pcapng_walk_name(&w, 0), "eth0");
		CHECK_STR(pcapng_walk_name(&w, 1), "lo");
		CHECK_STR(pcapng_walk_name(&w, 2), "");
		CHECK(pcapng_walk_name(&w, 3) == NULL);
		CHECK(pcapng_walk_name(&w, -1) == NULL);
	}
	/* Every prefix: the packets whose blocks are complete, in order. */
	for (size_t len = 0; len < o.n; len++) {
		int i = 0;
		feed(&o, len, 5, &w);
		CHECK(!w.broken);
		while (w.count) {
			int32_t v = pcapng_walk_next(&w);
			CHECK(i < N_WANT && v == want_idx[i]);
			i++;
		}
	}
}

/* A Decryption Secrets Block of secrets type stype holding text. */
static void dsb(struct buf *o, uint32_t stype, const char *text, size_t n)
{
	static struct buf b;

	memset(&b, 0, sizeof b);
	b.be = o->be;
	put(&b, stype, 4);
	put(&b, (uint32_t)n, 4);
	memcpy(b.b + b.n, text, n);
	b.n += n;
	block(o, 0x0A, b.b, b.n);
}

struct got {
	char text[8192];
	size_t n;
	int calls;
};

static void on_secrets(void *arg, const uint8_t *p, size_t n)
{
	struct got *g = arg;

	CHECK(g->n + n <= sizeof g->text);
	memcpy(g->text + g->n, p, n);
	g->n += n;
	g->calls++;
}

static void test_secrets(int be)
{
	static struct buf o;
	static struct pcapng_walk w;
	static char big[6000];
	static const char small[] = "CLIENT_RANDOM 00 11\n";
	static const size_t chunks[] = { 1, 5, 4096, 1 << 20 };
	struct got g;

	memset(&o, 0, sizeof o);
	o.be = be;
	memset(big, 'k', sizeof big);
	shb(&o);
	idb(&o, "eth0");
	dsb(&o, 0x544C534B, small, sizeof small - 1);
	epb(&o, 0, 60);
	dsb(&o, 0x57474B4C, "not a TLS key log", 17);   /* WireGuard's: skipped */
	dsb(&o, 0x544C534B, big, sizeof big);             /* larger than PCAPNG_KEEP */
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		memset(&g, 0, sizeof g);
		pcapng_walk_init(&w);
		pcapng_walk_secrets(&w, on_secrets, &g);
		for (size_t off = 0; off < o.n; off += chunks[c])
			pcapng_walk_push(&w, o.b + off, o.n - off < chunks[c] ? o.n - off : chunks[c]);
		pcapng_walk_done(&w);
		CHECK(!w.broken && g.calls == 2 && g.n == sizeof small - 1 + sizeof big);
		CHECK(memcmp(g.text, small, sizeof small - 1) == 0);
		CHECK(memcmp(g.text + sizeof small - 1, big, sizeof big) == 0);
		/* The packet between the blocks is queued as without a handler. */
		CHECK(pcapng_walk_next(&w) == 0 && strcmp(pcapng_walk_name(&w, 0), "eth0") == 0);
		CHECK(pcapng_walk_next(&w) == -1);
	}
	/* Every prefix: the blocks complete in it, nothing from a cut one. */
	for (size_t len = 0; len < o.n; len++) {
		memset(&g, 0, sizeof g);
		pcapng_walk_init(&w);
		pcapng_walk_secrets(&w, on_secrets, &g);
		pcapng_walk_push(&w, o.b, len);
		pcapng_walk_done(&w);
		CHECK(!w.broken && g.calls <= 2);
		CHECK(g.calls == 0 || g.n == sizeof small - 1 || g.n == sizeof small - 1 + sizeof big);
	}
}

static void test_broken(void)
{
	static struct buf o;
	static struct pcapng_walk w;

	memset(&o, 0, sizeof o);
	build(&o);
	/* The second IDB's length made 13: not a multiple of 4. */
	o.b[28 + 4] = 13;
	feed(&o, o.n, 64, &w);
	CHECK(w.broken);
	CHECK(pcapng_walk_next(&w) == -1);
	/* A bad byte-order magic. */
	memset(&o, 0, sizeof o);
	build(&o);
	o.b[8] = 0x99;
	feed(&o, o.n, 64, &w);
	CHECK(w.broken);
	CHECK(!pcapng_walk_is_pcapng((const uint8_t *)"\xd4\xc3\xb2\xa1", 4));
}

int main(void)
{
	test_whole(0);
	test_whole(1);
	test_secrets(0);
	test_secrets(1);
	test_broken();
	return TT_DONE();
}
