/*
 * Unit tests for parsers/dtls_record.c and parsers/dtls_reasm.c: DTLS
 * records (RFC 6347 4.1), DTLS 1.2 connection ids (RFC 9146), the DTLS 1.3
 * unified header and ACK (RFC 9147 4, 7), handshake fragments, the
 * HelloVerifyRequest, the ClientHello's cookie, recognition by content
 * (RFC 7983's first-byte ranges) and handshake reassembly from fragments in
 * any order, repeated and overlapping.
 *
 * Inputs are handed over in allocations of exactly their size, and every
 * valid input also as each of its truncated prefixes (answer: need more or
 * failed, never a crash or a read past the end).
 */
#include "../../parsers/dtls.h"
#include "../../parsers/tls_hs.h"
#include "tt_test.h"

#include <stdint.h>
#include <stdlib.h>

static uint8_t *dup_exact(const uint8_t *b, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	if (n)
		memcpy(p, b, n);
	return p;
}

static enum tls_status rec(const uint8_t *b, size_t n, uint8_t cid_len, struct dtls_record *r,
			   size_t *used)
{
	uint8_t *p = dup_exact(b, n);
	enum tls_status st = dtls_record_parse(p, n, cid_len, r, used);

	if (st == TLS_OK) {
		uintptr_t lo = (uintptr_t)p, at = (uintptr_t)r->body;
		CHECK(at >= lo && at + r->len <= lo + n && *used <= n);
		r->body = b + (at - lo);
		if (r->cid)
			r->cid = b + ((uintptr_t)r->cid - lo);
	}
	free(p);
	return st;
}

/* Every strict prefix of a valid record: NEED_MORE. */
static void prefixes_need_more(const uint8_t *b, size_t n, uint8_t cid_len)
{
	struct dtls_record r;
	size_t used;

	for (size_t k = 0; k < n; k++) {
		enum tls_status st = rec(b, k, cid_len, &r, &used);
		CHECK(st == TLS_NEED_MORE);
		if (st != TLS_NEED_MORE)
			fprintf(stderr, "  prefix %zu of %zu: %d\n", k, n, st);
	}
}

static void test_plain(void)
{
	static const uint8_t b[] = {
		22, 0xfe, 0xfd, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x03,
		0xaa, 0xbb, 0xcc,
	};
	static const uint8_t old[] = {
		21, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x02, 2, 40,
	};
	struct dtls_record r;
	size_t used;
	uint8_t bad[sizeof b];

	CHECK(rec(b, sizeof b, 0, &r, &used) == TLS_OK);
	CHECK(r.type == 22 && r.version == DTLS_V12 && r.epoch == 1);
	CHECK(r.seq == 0x102 && r.len == 3 && r.body == b + 13 && used == sizeof b);
	CHECK(!r.unified && r.has_len && !r.cid);
	prefixes_need_more(b, sizeof b, 0);

	CHECK(rec(old, sizeof old, 0, &r, &used) == TLS_OK);
	CHECK(r.type == 21 && r.version == DTLS_BAD_VER && r.seq == 7 && r.len == 2);
	prefixes_need_more(old, sizeof old, 0);

	memcpy(bad, b, sizeof b);
	bad[0] = 27;                      /* no such content type */
	CHECK(rec(bad, sizeof bad, 0, &r, &used) == TLS_BAD);
	CHECK(rec(bad, 1, 0, &r, &used) == TLS_BAD);
	bad[0] = 22;
	bad[1] = 0x03, bad[2] = 0x03;     /* TLS, not DTLS */
	CHECK(rec(bad, sizeof bad, 0, &r, &used) == TLS_BAD);
	CHECK(rec(bad, 2, 0, &r, &used) == TLS_BAD);
	bad[1] = 0xfe, bad[2] = 0xfe;     /* a DTLS-looking version nobody uses */
	CHECK(rec(bad, sizeof bad, 0, &r, &used) == TLS_BAD);
	bad[2] = 0xfd;
	bad[11] = 0x50;                   /* length 0x5003 > 2^14 + 2048 */
	CHECK(rec(bad, sizeof bad, 0, &r, &used) == TLS_BAD);

	CHECK(dtls_tls_version(DTLS_V10) == 0x0302 && dtls_tls_version(DTLS_V12) == 0x0303);
	CHECK(dtls_tls_version(DTLS_V13) == 0x0304 && dtls_tls_version(DTLS_BAD_VER) == 0x0300);
	CHECK(dtls_tls_version(0x0303) == 0x0303 && !dtls_is_version(0x0303));
}

static void test_cid_and_unified(void)
{
	/* RFC 9146: type 25, cid (2 bytes here) before the length. */
	static const uint8_t cid12[] = {
		25, 0xfe, 0xfd, 0x00, 0x01, 0, 0, 0, 0, 0, 9, 0xc1, 0xd2, 0x00, 0x02, 0x11, 0x22,
	};
	/* RFC 9147 4: 001 C=0 S=1 L=1 EE=2, seq 0x0304, length 2. */
	static const uint8_t uni[] = { 0x2e, 0x03, 0x04, 0x00, 0x02, 0x99, 0x98 };
	/* 001 C=1 S=0 L=0 EE=3, cid (4), seq 8 bits, then to the end. */
	static const uint8_t uni_cid[] = { 0x33, 1, 2, 3, 4, 0x42, 0xde, 0xad, 0xbe };
	struct dtls_record r;
	size_t used;

	CHECK(rec(cid12, sizeof cid12, 2, &r, &used) == TLS_OK);
	CHECK(r.cid_len == 2 && r.cid == cid12 + 11 && r.len == 2 && r.body == cid12 + 15);
	prefixes_need_more(cid12, sizeof cid12, 2);
	CHECK(rec(cid12, sizeof cid12, 0, &r, &used) == TLS_BAD);   /* cid length unknown */

	CHECK(rec(uni, sizeof uni, 0, &r, &used) == TLS_OK);
	CHECK(r.unified && r.type == DTLS_CT_CIPHERTEXT && r.epoch == 2 && r.seq == 0x304);
	CHECK(r.len == 2 && r.body == uni + 5 && used == sizeof uni);
	prefixes_need_more(uni, sizeof uni, 0);

	CHECK(rec(uni_cid, sizeof uni_cid, 4, &r, &used) == TLS_OK);
	CHECK(r.unified && r.epoch == 3 && r.seq == 0x42 && r.cid == uni_cid + 1 && r.len == 3);
	CHECK(!r.has_len && used == sizeof uni_cid);
	CHECK(rec(uni_cid, sizeof uni_cid, 0, &r, &used) == TLS_BAD);
	/* The two other corners: a cid with a 16-bit sequence and a length
	 * (two records in one datagram), no cid, an 8-bit sequence, a length. */
	{
		static const uint8_t cid_s16_len[] = {
			0x3d, 1, 2, 0x12, 0x34, 0x00, 0x01, 0x77,
			0x27, 0x09, 0x00, 0x02, 0x55, 0x66,
		};
		CHECK(rec(cid_s16_len, sizeof cid_s16_len, 2, &r, &used) == TLS_OK);
		CHECK(r.unified && r.epoch == 1 && r.cid_len == 2 && r.seq == 0x1234);
		CHECK(r.has_len && r.len == 1 && r.body == cid_s16_len + 7 && used == 8);
		CHECK(rec(cid_s16_len + 8, 6, 0, &r, &used) == TLS_OK);
		CHECK(r.unified && r.epoch == 3 && !r.cid && r.seq == 9 && r.len == 2 && used == 6);
		prefixes_need_more(cid_s16_len, 8, 2);
		prefixes_need_more(cid_s16_len + 8, 6, 0);
	}
	/* Without a length the body is what is left, possibly nothing. */
	CHECK(rec(uni_cid, 6, 4, &r, &used) == TLS_OK && r.len == 0);
	CHECK(rec(uni_cid, 5, 4, &r, &used) == TLS_NEED_MORE);
}

static void test_frag(void)
{
	static const uint8_t b[] = {
		1, 0x00, 0x00, 0x0a, 0x00, 0x02, 0x00, 0x00, 0x04, 0x00, 0x00, 0x03, 7, 8, 9,
	};
	struct dtls_hs_frag f;
	size_t used;
	uint8_t bad[sizeof b];

	for (size_t k = 0; k <= sizeof b; k++) {
		uint8_t *p = dup_exact(b, k);
		enum tls_status st = dtls_hs_frag_parse(p, k, &f, &used);
		CHECK(k == sizeof b ? st == TLS_OK : st == TLS_NEED_MORE);
		free(p);
	}
	dtls_hs_frag_parse(b, sizeof b, &f, &used);
	CHECK(f.type == 1 && f.msg_len == 10 && f.msg_seq == 2 && f.frag_off == 4);
	CHECK(f.frag_len == 3 && f.body == b + 12 && used == 15);
	memcpy(bad, b, sizeof b);
	bad[8] = 8;                       /* 8 + 3 > 10 */
	CHECK(dtls_hs_frag_parse(bad, sizeof bad, &f, &used) == TLS_BAD);
}

static void test_hvr_ack(void)
{
	static const uint8_t hvr[] = { 0xfe, 0xff, 4, 0xc0, 0x0c, 0x1e, 0x00 };
	static const uint8_t ack[] = {
		0x00, 0x20,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct anom_set a = { 0 };
	uint16_t v = 0;
	uint8_t cl = 0;

	CHECK(dtls_parse_hello_verify_request(hvr, sizeof hvr, &v, &cl, &a) == 0);
	CHECK(v == DTLS_V10 && cl == 4 && a.n == 0);
	for (size_t k = 0; k < sizeof hvr; k++) {
		uint8_t *p = dup_exact(hvr, k);
		CHECK(dtls_parse_hello_verify_request(p, k, &v, &cl, &a) == -1);
		free(p);
	}
	CHECK(anom_has(&a, "hello_verify_request_malformed"));

	memset(&a, 0, sizeof a);
	CHECK(dtls_parse_ack(ack, sizeof ack, &a) == 2 && a.n == 0);
	for (size_t k = 0; k < sizeof ack; k++) {
		uint8_t *p = dup_exact(ack, k);
		CHECK(dtls_parse_ack(p, k, &a) == -1);
		free(p);
	}
	CHECK(anom_has(&a, "dtls_ack_malformed"));
}

/* A DTLS 1.2 ClientHello with a 2-byte cookie in one record: header, the
 * fragment header, then the body. */
static const uint8_t ch_dgram[] = {
	22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x41,
	1, 0x00, 0x00, 0x35, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x35,
	0xfe, 0xfd,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	0x00,                             /* session id */
	0x02, 0xab, 0xcd,                 /* cookie */
	0x00, 0x04, 0xc0, 0x2b, 0xc0, 0x2f,
	0x01, 0x00,
	0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00,
};

static void test_client_hello_cookie(void)
{
	struct tls_client_hello *ch = calloc(1, sizeof *ch);
	struct anom_set a = { 0 };
	const uint8_t *body = ch_dgram + 25;
	size_t len = sizeof ch_dgram - 25;

	CHECK(len == 0x35);
	ch->dtls = true;
	CHECK(tls_parse_client_hello(body, len, ch, &a) == 0);
	CHECK(ch->legacy_version == DTLS_V12 && ch->cookie_len == 2 && ch->session_id_len == 0);
	CHECK(ch->n_ciphers == 2 && ch->ciphers[1] == 0xc02f && ch->n_exts == 1);
	CHECK(a.n == 0);
	/* Read as TLS the cookie would be the cipher list: the parse differs. */
	memset(ch, 0, sizeof *ch);
	tls_parse_client_hello(body, len, ch, &a);
	CHECK(ch->n_ciphers != 2 || ch->cookie_len == 0);
	for (size_t k = 0; k < len; k++) {
		uint8_t *p = dup_exact(body, k);
		memset(ch, 0, sizeof *ch);
		ch->dtls = true;
		memset(&a, 0, sizeof a);
		tls_parse_client_hello(p, k, ch, &a);
		/* every cut is noticed, but for the hello without extensions */
		CHECK(a.n > 0 || k == 46);
		free(p);
	}
	free(ch);
}

/* The connection_id extension (54) in a ClientHello (after its cookie)
 * and a ServerHello; absent; every prefix answers 0 or 1 safely. */
static void test_hello_cid(void)
{
	static const uint8_t ch_tail[] = {
		0x00,                         /* session id */
		0x01, 0x77,                   /* cookie */
		0x00, 0x02, 0xc0, 0x2b, 0x01, 0x00,
		0x00, 0x0c, 0x00, 0x17, 0x00, 0x00,           /* extended_master_secret */
		0x00, 0x36, 0x00, 0x04, 0x03, 0xaa, 0xbb, 0xcc, /* connection_id: 3 bytes */
	};
	static const uint8_t sh_tail[] = {
		0x00, 0xc0, 0x2b, 0x00,
		0x00, 0x07, 0x00, 0x36, 0x00, 0x03, 0x02, 0x01, 0x02,
	};
	uint8_t ch[2 + 32 + sizeof ch_tail], sh[2 + 32 + sizeof sh_tail];
	uint8_t cl = 99;

	memset(ch, 0, sizeof ch);
	ch[0] = 0xfe, ch[1] = 0xfd;
	memcpy(ch + 34, ch_tail, sizeof ch_tail);
	memset(sh, 0, sizeof sh);
	sh[0] = 0xfe, sh[1] = 0xfd;
	memcpy(sh + 34, sh_tail, sizeof sh_tail);
	CHECK(dtls_hello_cid(ch, sizeof ch, true, &cl) == 1 && cl == 3);
	CHECK(dtls_hello_cid(sh, sizeof sh, false, &cl) == 1 && cl == 2);
	/* The ClientHello read as a ServerHello: no such extension found. */
	CHECK(dtls_hello_cid(ch, sizeof ch, false, &cl) == 0);
	/* Without the extension (the list cut before it). */
	ch[34 + 10] = 0x04;
	CHECK(dtls_hello_cid(ch, sizeof ch - 8, true, &cl) == 0);
	ch[34 + 10] = 0x0c;
	for (size_t k = 0; k < sizeof ch; k++) {
		uint8_t *p = dup_exact(ch, k);
		CHECK(dtls_hello_cid(p, k, true, &cl) == 0);
		free(p);
	}
}

static void test_sniff(void)
{
	static const uint8_t stun[] = {
		0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	};
	static const uint8_t rtp[] = { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xfe, 0xfd };
	static const uint8_t tls[] = { 22, 3, 1, 0, 4, 1, 0, 0, 0 };
	/* CCS then an encrypted Finished (epoch 1). */
	static const uint8_t ccs_fin[] = {
		20, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 3, 0, 1, 1,
		22, 0xfe, 0xff, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4,
	};
	uint8_t two[sizeof ch_dgram * 2], bad[sizeof ch_dgram];

	CHECK(dtls_sniff(ch_dgram, sizeof ch_dgram));
	for (size_t k = 0; k < sizeof ch_dgram; k++) {
		uint8_t *p = dup_exact(ch_dgram, k);
		CHECK(!dtls_sniff(p, k));
		free(p);
	}
	memcpy(two, ch_dgram, sizeof ch_dgram);
	memcpy(two + sizeof ch_dgram, ch_dgram, sizeof ch_dgram);
	CHECK(dtls_sniff(two, sizeof two));
	two[sizeof ch_dgram + 2] = 0xff;  /* the second record another version */
	CHECK(!dtls_sniff(two, sizeof two));
	CHECK(dtls_sniff(ccs_fin, sizeof ccs_fin));
	CHECK(!dtls_sniff(stun, sizeof stun));
	CHECK(!dtls_sniff(rtp, sizeof rtp));
	CHECK(!dtls_sniff(tls, sizeof tls));
	memcpy(bad, ch_dgram, sizeof ch_dgram);
	bad[13] = 99;                     /* no such handshake type */
	CHECK(!dtls_sniff(bad, sizeof bad));
	memcpy(bad, ch_dgram, sizeof ch_dgram);
	bad[0] = 23;                      /* application data in epoch 0 */
	CHECK(!dtls_sniff(bad, sizeof bad));
}

static struct dtls_hs_frag frag(uint8_t type, uint16_t seq, uint32_t mlen, uint32_t off,
				uint32_t flen, const uint8_t *msg)
{
	struct dtls_hs_frag f = { type, mlen, seq, off, flen, msg + off };
	return f;
}

static void test_reasm_order(void)
{
	static const uint8_t m0[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t m1[4] = { 0xa, 0xb, 0xc, 0xd };
	uint8_t other[10];
	struct dtls_reasm r;
	struct dtls_hs_msg m;
	struct dtls_hs_frag f;

	dtls_reasm_init(&r, 1024);
	/* Message 1 first, whole; then message 0 in pieces, out of order. */
	f = frag(2, 1, 4, 0, 4, m1);
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
	CHECK(!dtls_reasm_next(&r, false, &m));
	f = frag(1, 0, 10, 6, 4, m0);
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
	f = frag(1, 0, 10, 0, 4, m0);
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
	CHECK(!dtls_reasm_next(&r, false, &m));
	f = frag(1, 0, 10, 2, 5, m0);     /* overlaps both sides, fills 4..5 */
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
	CHECK(r.overlaps == 1 && r.retransmits == 0 && r.conflicts == 0);
	f = frag(1, 0, 10, 0, 4, m0);     /* a full repeat: retransmission */
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
	CHECK(r.retransmits == 1);
	CHECK(dtls_reasm_next(&r, false, &m));
	CHECK(m.type == 1 && m.msg_seq == 0 && m.len == 10 && memcmp(m.body, m0, 10) == 0);
	CHECK(dtls_reasm_next(&r, false, &m));
	CHECK(m.type == 2 && m.msg_seq == 1 && m.len == 4 && memcmp(m.body, m1, 4) == 0);
	CHECK(!dtls_reasm_next(&r, false, &m));
	CHECK(r.mem == 0);
	/* A message handed out, sent again: counted, not handed out twice. */
	f = frag(1, 0, 10, 0, 10, m0);
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD && r.retransmits == 2);
	CHECK(!dtls_reasm_next(&r, true, &m));
	/* Different bytes for bytes held: the first copy wins, counted. */
	memcpy(other, m0, sizeof other);
	other[3] = 0x33;
	f = frag(11, 2, 10, 0, 5, m0);
	dtls_reasm_add(&r, &f);
	f = frag(11, 2, 10, 3, 7, other);
	dtls_reasm_add(&r, &f);
	CHECK(r.conflicts == 1 && r.overlaps == 2);
	CHECK(dtls_reasm_next(&r, false, &m) && m.len == 10 && memcmp(m.body, m0, 10) == 0);
	/* Another length for a message being assembled. */
	f = frag(12, 3, 10, 0, 2, m0);
	dtls_reasm_add(&r, &f);
	f = frag(12, 3, 9, 2, 2, m0);
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_INCONSISTENT);
	dtls_reasm_free(&r);
	CHECK(r.mem == 0);
}

static void test_reasm_limits(void)
{
	static uint8_t big[64];
	struct dtls_reasm r;
	struct dtls_hs_msg m;
	struct dtls_hs_frag f;

	dtls_reasm_init(&r, 32);
	/* Too large: said once, then skipped when its turn comes. */
	f = frag(11, 0, 64, 0, 16, big);
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_TOO_LARGE);
	f = frag(11, 0, 64, 16, 16, big);
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
	f = frag(14, 1, 0, 0, 0, big);    /* ServerHelloDone: empty */
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
	CHECK(dtls_reasm_next(&r, false, &m) && m.type == 14 && m.len == 0 && m.msg_seq == 1);
	/* Far ahead: dropped. */
	f = frag(1, 200, 4, 0, 4, big);
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_DROPPED);
	CHECK(!dtls_reasm_next(&r, false, &m));   /* releases message 1 */
	/* A missing message: the later ones wait, then flush skips it. */
	for (uint16_t s = 3; s < 3 + DTLS_REASM_SLOTS; s++) {
		f = frag(16, s, 4, 0, 4, big);
		CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
	}
	CHECK(!dtls_reasm_next(&r, false, &m));
	/* Every slot taken: the next message makes the table give up on 2. */
	f = frag(16, 3 + DTLS_REASM_SLOTS, 4, 0, 4, big);
	CHECK(dtls_reasm_add(&r, &f) == DTLS_R_DROPPED);
	CHECK(r.skipped == 1);
	for (uint16_t s = 3; s < 3 + DTLS_REASM_SLOTS; s++)
		CHECK(dtls_reasm_next(&r, false, &m) && m.msg_seq == s);
	/* An incomplete message at the end: dropped by the flush. */
	f = frag(16, 20, 4, 0, 2, big);
	dtls_reasm_add(&r, &f);
	f = frag(16, 22, 4, 0, 4, big);
	dtls_reasm_add(&r, &f);
	CHECK(!dtls_reasm_next(&r, false, &m));
	CHECK(dtls_reasm_next(&r, true, &m) && m.msg_seq == 22);
	CHECK(r.incomplete == 1 && !dtls_reasm_next(&r, true, &m));
	dtls_reasm_free(&r);
	CHECK(r.mem == 0);

	/* Memory follows what arrived, not what a header declares. */
	{
		static uint8_t huge[200000];
		dtls_reasm_init(&r, 1u << 20);
		f = frag(11, 0, sizeof huge, 0, 100, huge);
		CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
		CHECK(r.mem > 0 && r.mem < 1024);
		f = frag(11, 0, sizeof huge, 150000, 100, huge);
		CHECK(dtls_reasm_add(&r, &f) == DTLS_R_HELD);
		CHECK(r.mem >= 150100 && r.mem <= sizeof huge + sizeof huge / 8 + 1);
		dtls_reasm_free(&r);
		CHECK(r.mem == 0);
	}
}

/* RFC 5415 4.2: the CAPWAP DTLS header, then DTLS; every prefix of it is
 * refused, as are other preambles and reserved bits. */
static void test_capwap(void)
{
	static const uint8_t dg[] = { 0x01, 0, 0, 0, 0x16, 0xfe, 0xfd, 0, 0 };
	static const uint8_t other[][5] = {
		{ 0x00, 0, 0, 0, 0x16 },   /* type 0: CAPWAP in the clear */
		{ 0x11, 0, 0, 0, 0x16 },   /* version 1 */
		{ 0x01, 0, 1, 0, 0x16 },   /* reserved bits set */
	};

	CHECK(dtls_capwap_header(dg, sizeof dg) == DTLS_CAPWAP_HDR);
	for (size_t k = 0; k <= DTLS_CAPWAP_HDR; k++) {
		uint8_t *q = dup_exact(dg, k);

		CHECK(dtls_capwap_header(q, k) == 0);
		free(q);
	}
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		CHECK(dtls_capwap_header(other[i], sizeof other[i]) == 0);
}

int main(void)
{
	test_plain();
	test_cid_and_unified();
	test_frag();
	test_hvr_ack();
	test_client_hello_cookie();
	test_hello_cid();
	test_sniff();
	test_capwap();
	test_reasm_order();
	test_reasm_limits();
	return TT_DONE();
}
