/*
 * Unit tests for src/session_ovpn.c (OpenVPN over UDP): hand-built
 * datagrams with tls-auth (a 20-byte HMAC) into a session, checked through
 * the emitted tls object: a ClientHello cut over two control packets that
 * arrive in reverse order, one of them sent again, the server's hello and
 * a fatal alert; a tls-crypt connection (recognised once the server's
 * reset answers, outcome encrypted); a packet that fits no layout; and
 * every truncated prefix of each datagram.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/session.h"
#include "../../src/session_ovpn.h"
#include "../../src/verdict.h"
#include "tt_test.h"
#include "tt_session.h"

static uint64_t now = 1700000000ull * 1000000000ull;
static const uint8_t sid[2][8] = { { 1, 2, 3, 4, 5, 6, 7, 8 }, { 9, 10, 11, 12, 13, 14, 15, 16 } };

/* One control packet of side d with tls-auth (20-byte HMAC, replay id
 * pid): acks name the other side's session id; no message id for acks. */
static void packet(struct buf *b, unsigned op, int d, unsigned pid, unsigned n_acks,
		   unsigned msg_id, const uint8_t *pl, size_t n)
{
	b->n = 0;
	u8(b, op << 3);
	bytes(b, sid[d], 8);
	for (int i = 0; i < 20; i++)
		u8(b, 0x5a);
	u16(b, 0);
	u16(b, pid);
	u16(b, 0x5e3e);
	u16(b, 0x7b98);
	u8(b, n_acks);
	for (unsigned i = 0; i < n_acks; i++) {
		u16(b, 0);
		u16(b, i);
	}
	if (n_acks)
		bytes(b, sid[!d], 8);
	if (op != 5) {
		u16(b, msg_id >> 16);
		u16(b, msg_id & 0xffff);
	}
	bytes(b, pl, n);
}

/* Appends a handshake record: message type and a body of a version, a
 * random (first byte `rnd`, counting up), an empty session id, then tail. */
static void hello_record(struct buf *r, unsigned rec_version, unsigned type, unsigned rnd,
			 const uint8_t *tail, size_t tail_len)
{
	size_t body = 2 + 32 + 1 + tail_len;

	u8(r, 22);
	u16(r, rec_version);
	u16(r, (unsigned)body + 4);
	u8(r, type);
	u24(r, (unsigned)body);
	u16(r, 0x0303);
	for (unsigned i = 0; i < 32; i++)
		u8(r, rnd + i);
	u8(r, 0);
	bytes(r, tail, tail_len);
}

/* A TLS 1.2 ClientHello record (two suites, null compression). */
static void client_hello(struct buf *r)
{
	static const uint8_t tail[] = { 0, 4, 0xc0, 0x2f, 0xc0, 0x30, 1, 0 };

	r->n = 0;
	hello_record(r, 0x0301, 1, 0, tail, sizeof tail);
}

/* A ServerHello record, then a fatal handshake_failure alert. */
static void server_flight(struct buf *r)
{
	static const uint8_t tail[] = { 0xc0, 0x2f, 0 };
	static const uint8_t alert[] = { 21, 3, 3, 0, 2, 2, 40 };

	r->n = 0;
	hello_record(r, 0x0303, 2, 100, tail, sizeof tail);
	bytes(r, alert, sizeof alert);
}

static void send(struct session *s, int dir, const struct buf *d)
{
	now += 1000000;
	session_ovpn.push(s, dir, d->b, d->n, 0, now);
}

static long long num(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* The connection's datagrams in order, into list[] (at most 8). */
static size_t tls_auth_conn(struct buf list[8])
{
	struct buf ch, sf;
	size_t k = 0, half;

	client_hello(&ch);
	server_flight(&sf);
	half = ch.n / 2;
	packet(&list[k++], 7, 0, 1, 0, 0, NULL, 0);                     /* client reset */
	packet(&list[k++], 8, 1, 1, 1, 0, NULL, 0);                     /* server reset */
	packet(&list[k++], 4, 0, 3, 0, 2, ch.b + half, ch.n - half);    /* 2nd half first */
	packet(&list[k++], 4, 0, 2, 1, 1, ch.b, half);                  /* then the 1st */
	packet(&list[k++], 4, 0, 2, 1, 1, ch.b, half);                  /* sent again */
	packet(&list[k++], 4, 1, 2, 1, 1, sf.b, sf.n);
	return k;
}

static void test_tls_auth(void)
{
	struct buf d[8];
	size_t n = tls_auth_conn(d);
	int dirs[] = { 0, 1, 0, 0, 0, 1 };
	struct session *s;
	json_t *tls, *ov;

	CHECK(session_ovpn.sniff(d[0].b, d[0].n) && !session_ovpn.sniff(d[1].b, d[1].n));
	CHECK(session_ovpn.accepts(d[5].b, d[5].n));
	s = session_ovpn.open(&ctx);
	for (size_t i = 0; i < n; i++)
		send(s, dirs[i], &d[i]);
	CHECK(session_decided(s) && session_is_tls(s));
	session_finish(s, now);
	tls = tt_tls_of(s);
	CHECK_STR(json_string_value(json_object_get(tls, "outcome")), "alert");
	ov = json_object_get(json_object_get(tls, "via"), "openvpn");
	CHECK_STR(json_string_value(json_object_get(ov, "transport")), "udp");
	CHECK_STR(json_string_value(json_object_get(ov, "protection")), "tls-auth");
	CHECK(num(json_object_get(tls, "via"), "openvpn", "hmac_size") == 20);
	CHECK(json_integer_value(json_object_get(ov, "retransmissions")) == 1);
	CHECK(json_integer_value(json_object_get(ov, "reordered")) == 1);
	CHECK(json_array_size(json_object_get(tls, "handshake_messages")) == 2);
	json_decref(tls);
	session_free(s);

	/* A server reset whose ack names another session: no layout left. */
	s = session_ovpn.open(&ctx);
	send(s, 0, &d[0]);
	d[1].b[d[1].n - 12] ^= 0xff;
	send(s, 1, &d[1]);
	d[1].b[d[1].n - 12] ^= 0xff;
	session_finish(s, now);
	tls = tt_tls_of(s);
	{
		char *text = json_dumps(tls, JSON_COMPACT);
		CHECK(text && strstr(text, "\"openvpn_malformed\"") != NULL);
		free(text);
	}
	json_decref(tls);
	session_free(s);
}

static void test_tls_crypt(void)
{
	struct buf r = { .n = 0 }, sr = { .n = 0 };
	struct session *s;
	json_t *tls;

	u8(&r, 7 << 3);
	bytes(&r, sid[0], 8);
	for (int i = 0; i < 45; i++)
		u8(&r, (unsigned)(i * 37 + 11) & 0xff);   /* id, time, tag, ciphertext */
	CHECK(r.n == 54 && session_ovpn.sniff(r.b, r.n));
	u8(&sr, 8 << 3);
	bytes(&sr, sid[1], 8);
	for (int i = 0; i < 57; i++)
		u8(&sr, (unsigned)(i * 29 + 3) & 0xff);
	s = session_ovpn.open(&ctx);
	send(s, 0, &r);
	CHECK(!session_is_tls(s));      /* a length alone says little */
	send(s, 1, &sr);
	CHECK(session_is_tls(s));
	session_finish(s, now);
	tls = tt_tls_of(s);
	CHECK_STR(json_string_value(json_object_get(tls, "outcome")), "encrypted");
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(json_object_get(tls, "via"), "openvpn"), "protection")),
		  "tls-crypt");
	json_decref(tls);
	session_free(s);
}

/* Datagram i of the connection cut to k bytes (by the snaplen when cut),
 * the others whole, then the record: never a crash. */
static void one_cut(const struct buf *d, size_t n, const int *dirs, size_t i, size_t k, bool cut)
{
	struct session *s = session_ovpn.open(&ctx);
	uint8_t *p = malloc(k ? k : 1);

	memcpy(p, d[i].b, k);
	for (size_t j = 0; j < n; j++)
		if (j != i)
			send(s, dirs[j], &d[j]);
		else
			session_ovpn.push(s, dirs[i], p, k, cut ? (uint32_t)(d[i].n - k) : 0,
					      now);
	session_finish(s, now);
	json_decref(tt_tls_of(s));
	session_free(s);
	free(p);
}

/* Every truncated prefix of each datagram, in its place: every byte
 * counted is given back (tt_session_done). */
static void test_prefixes(void)
{
	struct buf d[8];
	size_t n = tls_auth_conn(d);
	static const int dirs[] = { 0, 1, 0, 0, 0, 1 };

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < d[i].n; k++) {
			one_cut(d, n, dirs, i, k, false);
			one_cut(d, n, dirs, i, k, true);
		}
}

int main(void)
{
	tt_session_init();
	test_tls_auth();
	test_tls_crypt();
	test_prefixes();
	tt_session_done();
	return TT_DONE();
}
