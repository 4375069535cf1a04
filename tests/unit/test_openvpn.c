/*
 * Unit tests for parsers/openvpn.c (OpenVPN control packets over TCP and
 * UDP: first packets and their layouts, tls-crypt, the message channel) and
 * its prelude glue (parsers/prelude_ovpn.c): hand-built packets with and
 * without tls-auth, every truncated prefix of each (never OK before the
 * header is in), malformed headers, and a client's direction through
 * pre_push() cut at every byte: the TLS bytes come out once, in order, the
 * retransmitted control packet, acks and data skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/openvpn.h"
#include "../../parsers/prelude.h"
#include "tt_test.h"

/* A control packet: op, session id, auth bytes, acks (+ remote session id),
 * message id (not for P_ACK_V1), payload; with its 2-byte length. */
static size_t control(uint8_t *out, uint8_t op, size_t auth, uint8_t n_acks, uint32_t msg_id,
		      const uint8_t *pl, size_t pl_len)
{
	size_t o = 2;

	out[o++] = (uint8_t)(op << 3);
	memset(out + o, 0xa1, 8 + auth);
	if (auth >= 8) {        /* replay packet_id 1, then a net_time */
		memset(out + o + 8 + auth - 8, 0, 4);
		out[o + 8 + auth - 5] = 1;
	}
	o += 8 + auth;
	out[o++] = n_acks;
	memset(out + o, 0, 4u * n_acks + (n_acks ? 8u : 0u));
	o += 4u * n_acks + (n_acks ? 8u : 0u);
	if (op != OVPN_ACK_V1) {
		out[o++] = (uint8_t)(msg_id >> 24);
		out[o++] = (uint8_t)(msg_id >> 16);
		out[o++] = (uint8_t)(msg_id >> 8);
		out[o++] = (uint8_t)msg_id;
	}
	if (pl_len)
		memcpy(out + o, pl, pl_len);
	o += pl_len;
	out[0] = (uint8_t)((o - 2) >> 8);
	out[1] = (uint8_t)(o - 2);
	return o;
}

static uint8_t *dup_exact(const uint8_t *b, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	if (n)
		memcpy(p, b, n);
	return p;
}

/* ovpn_first on a TCP packet built by control(): past its length field. */
static enum ovpn_status first(const uint8_t *pkt, size_t n, struct ovpn_layout *l)
{
	uint8_t *q = dup_exact(pkt + 2, n - 2);
	enum ovpn_status st = ovpn_first(q, n - 2, l);

	free(q);
	return st;
}

static void test_first(void)
{
	static const size_t sizes[] = { 0, 24, 28, 40, 56, 72 };
	uint8_t pkt[400];
	struct ovpn_layout l;

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = control(pkt, OVPN_CONTROL_HARD_RESET_CLIENT_V2, sizes[i], 0, 0, NULL, 0);

		CHECK(first(pkt, n, &l) == OVPN_OK && ovpn_layout_auth(&l) == sizes[i]);
		CHECK(l.prot == (sizes[i] ? OVPN_PROT_TLS_AUTH : OVPN_PROT_NONE));
		CHECK(ovpn_auth_size((unsigned)i) == sizes[i]);
		for (size_t k = 2; k < n; k++)   /* a cut reset fits no layout ... */
			CHECK(first(pkt, k, &l) == OVPN_BAD ||
			      /* ... but a tls-crypt one has only its length */
			      ((k == 2 + 54 || k == 2 + 60) && l.prot == OVPN_PROT_TLS_CRYPT));
	}
	/* A 2.6 client's early negotiation TLV (type 1, length 2, flags). */
	{
		static const uint8_t tlv[] = { 0, 1, 0, 2, 0, 1 };
		size_t n = control(pkt, OVPN_CONTROL_HARD_RESET_CLIENT_V2, 28, 0, 0, tlv, 6);

		CHECK(first(pkt, n, &l) == OVPN_OK && ovpn_layout_auth(&l) == 28);
		pkt[n - 5] = 2;   /* another TLV type: no size explains the length */
		CHECK(first(pkt, n, &l) == OVPN_BAD);
	}
	{
		size_t n = control(pkt, OVPN_CONTROL_HARD_RESET_SERVER_V2, 28, 1, 0, NULL, 0);

		CHECK(first(pkt, n, &l) == OVPN_BAD);                /* not the client's */
		n = control(pkt, OVPN_CONTROL_HARD_RESET_CLIENT_V2, 28, 0, 0, NULL, 0);
		pkt[n - 5] = 1;                                      /* an ack in a first reset */
		CHECK(first(pkt, n, &l) == OVPN_BAD);
		n = control(pkt, OVPN_CONTROL_HARD_RESET_CLIENT_V2, 28, 0, 0, NULL, 0);
		pkt[n - 1] = 3;                                      /* not message 0 */
		CHECK(first(pkt, n, &l) == OVPN_BAD);
		n = control(pkt, OVPN_CONTROL_HARD_RESET_CLIENT_V2, 28, 0, 0, NULL, 0);
		pkt[2 + 1 + 8 + 20] = 0x80;                          /* replay id 0x80000001 */
		CHECK(first(pkt, n, &l) == OVPN_BAD);
	}
}

/* tls-crypt: a SHA-256 tls-auth reset and a tls-crypt one are both 54
 * bytes; the layout tells them apart, and so do the packets after it. */
static void test_crypt(void)
{
	uint8_t r[60], w[400];
	struct ovpn_layout l;
	size_t n;

	memset(r, 0x9b, sizeof r);      /* tag and ciphertext */
	r[0] = OVPN_CONTROL_HARD_RESET_CLIENT_V2 << 3;
	memset(r + 9, 0, 4);
	r[12] = 1;                      /* packet_id 1 */
	CHECK(ovpn_first(r, 54, &l) == OVPN_OK && l.prot == OVPN_PROT_TLS_CRYPT && !l.cand);
	CHECK(ovpn_first(r, 60, &l) == OVPN_OK && l.prot == OVPN_PROT_TLS_CRYPT);
	CHECK(ovpn_layout_auth(&l) == 0);
	CHECK(ovpn_first(r, 55, &l) == OVPN_BAD);
	r[0] = OVPN_CONTROL_HARD_RESET_SERVER_V2 << 3;
	CHECK(ovpn_first(r, 54, &l) == OVPN_BAD);      /* the server's */
	/* tls-crypt-v2: op 10, a wrapped key of 300 bytes, its length last. */
	memset(w, 0x5d, sizeof w);
	w[0] = OVPN_CONTROL_HARD_RESET_CLIENT_V3 << 3;
	memset(w + 9, 0, 4);
	w[12] = 1;
	n = 49 + 5 + 300;
	w[n - 2] = 300 >> 8;
	w[n - 1] = 300 & 0xff;
	CHECK(ovpn_first(w, n, &l) == OVPN_OK && l.prot == OVPN_PROT_TLS_CRYPT_V2);
	w[n - 2] = 0;
	w[n - 1] = 200;                 /* too short for a wrapped 2048-bit key */
	CHECK(ovpn_first(w, n, &l) == OVPN_BAD);
	w[n - 2] = 300 >> 8;
	w[n - 1] = 300 & 0xff;
	for (size_t k = 0; k < n; k++) {
		uint8_t *q = dup_exact(w, k);
		CHECK(ovpn_first(q, k, &l) == OVPN_BAD || k >= 49 + 5 + 2);
		free(q);
	}
	w[n - 2] = 0x10;                /* longer than the packet */
	CHECK(ovpn_first(w, n, &l) == OVPN_BAD);
	w[0] |= 1;                      /* key id 1: not a first packet */
	CHECK(ovpn_first(w, n, &l) == OVPN_BAD);
}

/* The server's reset names the client's session id in its ack: a layout
 * under which it does not is dropped. */
static void test_narrow(void)
{
	uint8_t c[100], sv[100];
	struct ovpn_layout l;
	size_t nc = control(c, OVPN_CONTROL_HARD_RESET_CLIENT_V2, 40, 0, 0, NULL, 0);
	size_t ns = control(sv, OVPN_CONTROL_HARD_RESET_SERVER_V2, 40, 1, 0, NULL, 0);

	CHECK(ovpn_first(c + 2, nc - 2, &l) == OVPN_OK && l.cand == 1u << 3);
	memcpy(sv + ns - 12, c + 3, 8);         /* remote session id: the client's */
	CHECK(ovpn_narrow(&l, sv + 2, ns - 2, false, NULL) && ovpn_layout_auth(&l) == 40);
	CHECK(ovpn_narrow(&l, sv + 2, ns - 2, true, c + 3));   /* as if the client's */
	sv[ns - 12] ^= 1;                       /* another session */
	CHECK(!ovpn_narrow(&l, sv + 2, ns - 2, false, NULL) && l.cand == 0);
	/* Data packets say nothing of the layout. */
	CHECK(ovpn_first(c + 2, nc - 2, &l) == OVPN_OK);
	sv[2] = OVPN_DATA_V2 << 3;
	CHECK(ovpn_narrow(&l, sv + 2, ns - 2, false, NULL) && l.cand == 1u << 3);
}

/* Messages back in order: retransmissions skipped, the window bounded. */
static void test_chan(void)
{
	struct ovpn_chan c;
	const uint8_t *p;
	size_t n;
	uint8_t a[] = { 1, 2 }, b[] = { 3 }, big[OVPN_CHAN_MAX_PAYLOAD + 1] = { 0 };

	ovpn_chan_init(&c);
	CHECK(ovpn_chan_add(&c, 0, NULL, 0) == OVPN_CH_HELD);
	CHECK(ovpn_chan_add(&c, 2, b, 1) == OVPN_CH_HELD && c.reordered == 1);
	CHECK(ovpn_chan_add(&c, 2, b, 1) == OVPN_CH_AGAIN && c.resent == 1);
	CHECK(ovpn_chan_next(&c, &p, &n) && n == 0);
	CHECK(!ovpn_chan_next(&c, &p, &n) && ovpn_chan_held(&c) == 1);
	CHECK(ovpn_chan_add(&c, 1, a, 2) == OVPN_CH_HELD);
	CHECK(ovpn_chan_next(&c, &p, &n) && n == 2 && p[1] == 2);
	CHECK(ovpn_chan_next(&c, &p, &n) && n == 1 && p[0] == 3);
	CHECK(!ovpn_chan_next(&c, &p, &n) && c.next == 3 && c.mem == 0);
	CHECK(ovpn_chan_add(&c, 0, a, 2) == OVPN_CH_AGAIN && c.resent == 2);
	CHECK(ovpn_chan_add(&c, 3 + OVPN_CHAN_SLOTS, a, 2) == OVPN_CH_DROPPED);
	CHECK(ovpn_chan_add(&c, 4, big, sizeof big) == OVPN_CH_DROPPED && c.dropped == 2);
	for (uint32_t i = 4; i < 4 + OVPN_CHAN_SLOTS - 1; i++)
		CHECK(ovpn_chan_add(&c, i, a, 2) == OVPN_CH_HELD);
	CHECK(ovpn_chan_held(&c) == OVPN_CHAN_SLOTS - 1 && c.mem == 2u * (OVPN_CHAN_SLOTS - 1));
	ovpn_chan_free(&c);
	CHECK(ovpn_chan_held(&c) == 0 && c.mem == 0);
}

/* A UDP packet reads as the same packet framed for TCP, every prefix too. */
static void test_packet(void)
{
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00 };
	uint8_t pkt[200];
	struct ovpn_hdr h, t;
	size_t n = control(pkt, OVPN_CONTROL_V1, 28, 2, 7, tls, sizeof tls);

	CHECK(ovpn_header(pkt, n, 28, &t) == OVPN_OK);
	CHECK(ovpn_packet(pkt + 2, n - 2, 28, &h) == OVPN_OK);
	CHECK(h.hdr_len + 2 == t.hdr_len && h.msg_id == 7 && h.n_acks == 2 && h.len == n - 2);
	CHECK(memcmp(h.sid, pkt + 3, 8) == 0);
	for (size_t k = 0; k < n - 2; k++) {
		uint8_t *q = dup_exact(pkt + 2, k);
		enum ovpn_status st = ovpn_packet(q, k, 28, &h);

		CHECK(k < t.hdr_len - 2 ? st == OVPN_BAD : st == OVPN_OK);
		free(q);
	}
}

static void test_header(void)
{
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00 };
	uint8_t pkt[200];
	struct ovpn_hdr h;
	size_t n = control(pkt, OVPN_CONTROL_V1, 28, 2, 7, tls, sizeof tls), want = n - sizeof tls;

	CHECK(ovpn_header(pkt, n, 28, &h) == OVPN_OK);
	CHECK(h.op == OVPN_CONTROL_V1 && h.key_id == 0 && h.len == n - 2 && h.hdr_len == want);
	CHECK(h.has_msg_id && h.msg_id == 7 && h.n_acks == 2);
	for (size_t k = 0; k < n; k++) {
		uint8_t *q = dup_exact(pkt, k);
		enum ovpn_status st = ovpn_header(q, k, 28, &h);

		CHECK(k < want ? st == OVPN_SHORT : st == OVPN_OK && h.hdr_len == want);
		free(q);
	}
	n = control(pkt, OVPN_ACK_V1, 0, 1, 0, NULL, 0);
	CHECK(ovpn_header(pkt, n, 0, &h) == OVPN_OK && !h.has_msg_id && h.hdr_len == n);
	pkt[2] = OVPN_DATA_V2 << 3 | 1;
	CHECK(ovpn_header(pkt, n, 0, &h) == OVPN_OK && h.hdr_len == 3 && h.key_id == 1);
	pkt[2] = 0xf8;   /* opcode 31 */
	CHECK(ovpn_header(pkt, n, 0, &h) == OVPN_BAD);
	n = control(pkt, OVPN_CONTROL_V1, 0, 9, 1, NULL, 0);
	CHECK(ovpn_header(pkt, n, 0, &h) == OVPN_BAD);       /* too many acks */
	n = control(pkt, OVPN_CONTROL_V1, 0, 0, 1, NULL, 0);
	CHECK(ovpn_header(pkt, n, 28, &h) == OVPN_BAD);      /* header past the packet */
	pkt[0] = pkt[1] = 0;
	CHECK(ovpn_header(pkt, n, 0, &h) == OVPN_BAD);       /* length 0 */
}

/* The client's direction: reset, ack, the hello in two control packets (the
 * first sent twice), a data packet; through pre_push cut at `cut`. */
static void run_prelude(const uint8_t *s, size_t n, size_t cut, const uint8_t *want,
			size_t want_len)
{
	struct pre_state ps;
	uint8_t got[256], *buf = malloc(n);
	size_t got_len = 0, have = 0, fed = 0, start = 0;
	bool done = false;

	pre_init(&ps, 0, 1194);
	while (!done && fed < n) {
		size_t add = fed < cut ? cut - fed : n - fed;

		memcpy(buf + have, s + fed, add);
		have += add;
		fed += add;
		for (;;) {
			size_t used = 0, co = 0, cl = 0;
			uint8_t *q = dup_exact(buf + start, have - start);
			enum pre_status st = pre_push(&ps, 0, q, have - start, &used, &co, &cl);

			if (st == PRE_WRAPPED) {
				CHECK(co + cl <= used && got_len + cl <= sizeof got);
				memcpy(got + got_len, q + co, cl);
				got_len += cl;
			}
			free(q);
			start += used;
			if (st == PRE_WRAPPED)
				continue;
			done = st != PRE_NEED_MORE;
			break;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		start = 0;
	}
	CHECK(!done && got_len == want_len && memcmp(got, want, want_len) == 0);
	CHECK(pre_recognised(&ps) && ps.info.proto == PRE_P_OPENVPN && ps.info.client == 0);
	free(buf);
}

static void test_prelude(void)
{
	uint8_t hello[100], s[600];
	size_t n = 0, k;

	for (size_t i = 0; i < sizeof hello; i++)
		hello[i] = (uint8_t)(i == 0 ? 0x16 : i * 7);
	n += control(s + n, OVPN_CONTROL_HARD_RESET_CLIENT_V2, 28, 0, 0, NULL, 0);
	n += control(s + n, OVPN_ACK_V1, 28, 1, 0, NULL, 0);
	k = control(s + n, OVPN_CONTROL_V1, 28, 1, 1, hello, 60);
	memcpy(s + n + k, s + n, k);                        /* retransmitted */
	n += 2 * k;
	n += control(s + n, OVPN_CONTROL_V1, 28, 0, 2, hello + 60, 40);
	s[n] = 0;
	s[n + 1] = 20;
	s[n + 2] = OVPN_DATA_V2 << 3;
	memset(s + n + 3, 0x5c, 19);
	n += 22;
	for (size_t cut = 1; cut <= n; cut++)
		run_prelude(s, n, cut, hello, sizeof hello);
}

int main(void)
{
	test_first();
	test_crypt();
	test_narrow();
	test_chan();
	test_packet();
	test_header();
	test_prelude();
	return TT_DONE();
}
