/*
 * Unit tests for parsers/openvpn.c (OpenVPN control packets over TCP) and
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

static void test_auth_size(void)
{
	static const size_t sizes[] = { 0, 24, 28, 40, 56, 72 };
	uint8_t pkt[200];

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = control(pkt, OVPN_CONTROL_HARD_RESET_CLIENT_V2, sizes[i], 0, 0, NULL, 0);
		size_t auth = 99;

		CHECK(ovpn_auth_size(pkt, n, &auth) == OVPN_OK && auth == sizes[i]);
		for (size_t k = 0; k < n; k++) {
			uint8_t *q = dup_exact(pkt, k);

			CHECK(ovpn_auth_size(q, k, &auth) == OVPN_SHORT);
			free(q);
		}
	}
	/* A 2.6 client's early negotiation TLV (type 1, length 2, flags). */
	{
		static const uint8_t tlv[] = { 0, 1, 0, 2, 0, 1 };
		size_t n = control(pkt, OVPN_CONTROL_HARD_RESET_CLIENT_V2, 28, 0, 0, tlv, 6), auth;

		CHECK(ovpn_auth_size(pkt, n, &auth) == OVPN_OK && auth == 28);
		pkt[n - 5] = 2;   /* another TLV type: no size explains the length */
		CHECK(ovpn_auth_size(pkt, n, &auth) == OVPN_BAD);
	}
	{
		size_t n = control(pkt, OVPN_CONTROL_HARD_RESET_SERVER_V2, 28, 1, 0, NULL, 0), auth;

		CHECK(ovpn_auth_size(pkt, n, &auth) == OVPN_BAD);   /* not the client's */
		n = control(pkt, OVPN_CONTROL_HARD_RESET_CLIENT_V2, 28, 0, 0, NULL, 0);
		pkt[n - 5] = 1;                                      /* an ack in a first reset */
		CHECK(ovpn_auth_size(pkt, n, &auth) == OVPN_BAD);
		n = control(pkt, OVPN_CONTROL_HARD_RESET_CLIENT_V2, 30, 0, 0, NULL, 0);
		CHECK(ovpn_auth_size(pkt, n, &auth) == OVPN_BAD);   /* no HMAC is 22 bytes */
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
	test_auth_size();
	test_header();
	test_prelude();
	return TT_DONE();
}
