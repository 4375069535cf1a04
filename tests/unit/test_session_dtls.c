/*
 * Unit tests for src/session_dtls.c: hand-built DTLS datagrams into a
 * session (RFC 6347, RFC 9147), checked through the emitted tls object:
 * DTLS 1.2 with a retransmitted flight, the HelloVerifyRequest cookie
 * exchange, fragments out of order across datagrams, DTLS 1.3's unified
 * header and the TLS 1.3 inference, a fatal alert, and every truncated
 * prefix of a datagram.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/session.h"
#include "../../src/session_dtls.h"
#include "../../src/verdict.h"
#include "tt_test.h"
#include "tt_session.h"

static uint64_t now = 1700000000ull * 1000000000ull;

/* A DTLSPlaintext record (RFC 6347 4.1). */
static void record(struct buf *d, unsigned type, unsigned version, unsigned epoch, unsigned seq,
		   const uint8_t *body, size_t n)
{
	u8(d, type);
	u16(d, version);
	u16(d, epoch);
	u16(d, 0);
	u16(d, seq >> 16);
	u16(d, seq & 0xffff);
	u16(d, (unsigned)n);
	bytes(d, body, n);
}

/* One handshake record carrying bytes [off, off + len) of message m. */
static void hs_record(struct buf *d, unsigned version, unsigned seq, unsigned type,
		      unsigned mseq, const struct buf *m, size_t off, size_t len)
{
	struct buf f = { .n = 0 };

	u8(&f, type);
	u24(&f, (unsigned)m->n);
	u16(&f, mseq);
	u24(&f, (unsigned)off);
	u24(&f, (unsigned)len);
	bytes(&f, m->b + off, len);
	record(d, 22, version, 0, seq, f.b, f.n);
}

/* A DTLS 1.3 unified-header record: 001 C=0 S=1 L=1, epoch bits ee. */
static void unified(struct buf *d, unsigned ee, unsigned seq, size_t n)
{
	u8(d, 0x2c | (ee & 3));
	u16(d, seq);
	u16(d, (unsigned)n);
	for (size_t i = 0; i < n; i++)
		u8(d, (unsigned)(i * 13 + 5) & 0xff);
}

/* The other unified-header shapes of RFC 9147 4: an 8- or 16-bit
 * sequence number (S), with or without a length (L: without, the record
 * runs to the end of the datagram). */
static void unified_as(struct buf *d, bool s16, bool len, unsigned ee, unsigned seq, size_t n)
{
	u8(d, 0x20 | (s16 ? 0x08 : 0) | (len ? 0x04 : 0) | (ee & 3));
	if (s16)
		u16(d, seq);
	else
		u8(d, seq & 0xff);
	if (len)
		u16(d, (unsigned)n);
	for (size_t i = 0; i < n; i++)
		u8(d, (unsigned)(i * 7 + 3) & 0xff);
}

static void client_hello(struct buf *m, unsigned version, size_t cookie, bool v13)
{
	m->n = 0;
	u16(m, version);
	for (int i = 0; i < 32; i++)
		u8(m, (unsigned)i);
	u8(m, 0);                         /* session id */
	u8(m, (unsigned)cookie);
	for (size_t i = 0; i < cookie; i++)
		u8(m, 0xc0);
	u16(m, 4);
	u16(m, v13 ? 0x1301 : 0xc02b);
	u16(m, 0xc02f);
	u8(m, 1);
	u8(m, 0);
	if (!v13) {
		u16(m, 5);
		u16(m, 0xff01);           /* renegotiation_info, empty */
		u16(m, 1);
		u8(m, 0);
		return;
	}
	u16(m, 4 + 3 + 4 + 8);
	u16(m, 43);                       /* supported_versions: DTLS 1.3 */
	u16(m, 3);
	u8(m, 2);
	u16(m, 0xfefc);
	u16(m, 51);                       /* key_share: x25519, 2 bytes (shape only) */
	u16(m, 8);
	u16(m, 6);
	u16(m, 29);
	u16(m, 2);
	u16(m, 0xabcd);
}

static void server_hello(struct buf *m, unsigned version, bool v13)
{
	m->n = 0;
	u16(m, version);
	for (int i = 0; i < 32; i++)
		u8(m, (unsigned)(100 + i));
	u8(m, 0);
	u16(m, v13 ? 0x1301 : 0xc02f);
	u8(m, 0);
	if (!v13) {
		u16(m, 0);
		return;
	}
	u16(m, 6 + 10);
	u16(m, 43);
	u16(m, 2);
	u16(m, 0xfefc);
	u16(m, 51);
	u16(m, 6);
	u16(m, 29);
	u16(m, 2);
	u16(m, 0x1234);
}

/* The datagrams of one side in turn. */
static void send(struct session *s, int dir, const struct buf *d)
{
	now += 1000000;
	session_dtls_datagram(s, dir, d->b, d->n, 0, now);
}

static const char *str(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	return json_string_value(v);
}

static long long num(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static size_t count_msg(json_t *tls, const char *want)
{
	json_t *a = json_object_get(tls, "handshake_messages"), *v;
	size_t i, k = 0;

	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v), want) == 0)
			k++;
	return k;
}

/* DTLS 1.2: cookie exchange, the client's second ClientHello in two
 * fragments sent in reverse order, the server flight, a client flight
 * sent twice (retransmission), the server's CCS and Finished. */
static void test_dtls12(void)
{
	struct session *s = session_dtls_new(&ctx);
	struct buf m, d, hvr = { .n = 0 }, empty = { .n = 0 }, cke = { .n = 0 };
	static const uint8_t one = 1;
	uint8_t fin[40];
	json_t *tls;

	memset(fin, 0x5a, sizeof fin);
	client_hello(&m, 0xfefd, 0, false);
	d.n = 0;
	hs_record(&d, 0xfeff, 0, 1, 0, &m, 0, m.n);
	send(s, 0, &d);
	u16(&hvr, 0xfefd);
	u8(&hvr, 4);
	u16(&hvr, 0xc0c0);
	u16(&hvr, 0xc0c0);
	d.n = 0;
	hs_record(&d, 0xfeff, 0, 3, 0, &hvr, 0, hvr.n);
	send(s, 1, &d);
	client_hello(&m, 0xfefd, 4, false);
	d.n = 0;
	hs_record(&d, 0xfefd, 2, 1, 1, &m, 30, m.n - 30);
	send(s, 0, &d);
	d.n = 0;
	hs_record(&d, 0xfefd, 1, 1, 1, &m, 0, 40);        /* overlaps 30..40 */
	send(s, 0, &d);
	server_hello(&m, 0xfefd, false);
	d.n = 0;
	hs_record(&d, 0xfefd, 1, 2, 1, &m, 0, m.n);
	hs_record(&d, 0xfefd, 2, 14, 2, &empty, 0, 0);   /* ServerHelloDone */
	send(s, 1, &d);
	u8(&cke, 32);
	for (int i = 0; i < 32; i++)
		u8(&cke, 0x11);
	for (int k = 0; k < 2; k++) {     /* the flight, then its retransmission */
		d.n = 0;
		hs_record(&d, 0xfefd, 3 + 3 * (unsigned)k, 16, 2, &cke, 0, cke.n);
		record(&d, 20, 0xfefd, 0, 4 + 3 * (unsigned)k, &one, 1);
		record(&d, 22, 0xfefd, 1, (unsigned)k, fin, sizeof fin);
		send(s, 0, &d);
	}
	CHECK(!session_decided(s));
	d.n = 0;
	record(&d, 20, 0xfefd, 0, 3, &one, 1);
	record(&d, 22, 0xfefd, 1, 0, fin, sizeof fin);
	send(s, 1, &d);
	CHECK(session_decided(s) && session_is_tls(s) && session_client_side(s) == 0);
	tls = tt_tls_of(s);
	CHECK_STR(str(tls, "outcome", NULL), "established");
	CHECK_STR(str(tls, "version_protocol", NULL), "dtls");
	CHECK_STR(str(tls, "version", NULL), "1.2");
	CHECK_STR(str(tls, "cipher", NULL), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	CHECK(count_msg(tls, "client:client_hello") == 2);
	CHECK(count_msg(tls, "server:hello_verify_request") == 1);
	CHECK(count_msg(tls, "client:client_key_exchange") == 1);
	CHECK(count_msg(tls, "client:change_cipher_spec") == 1);
	CHECK(count_msg(tls, "client:finished") == 1);
	CHECK(count_msg(tls, "server:finished") == 1);
	CHECK(json_is_true(json_object_get(json_object_get(tls, "dtls"), "hello_verify_request")));
	CHECK(num(tls, "dtls", "cookie_length") == 4);
	CHECK(num(tls, "dtls", "retransmissions") == 3);
	CHECK(num(tls, "dtls", "overlapping_fragments") == 1);
	CHECK(strncmp(str(tls, "client", "ja4"), "dd2i", 4) == 0);
	CHECK(strncmp(str(tls, "client", "ja3_string"), "65277,", 6) == 0);
	CHECK(json_object_get(tls, "anomalies") == NULL);
	json_decref(tls);
	session_free(s);
}

/* A new session whose client (flow side `client`) sent a DTLS 1.3
 * ClientHello; m is left holding the server's ServerHello, d empty. */
static struct session *dtls13_hello(int client, struct buf *m, struct buf *d)
{
	struct session *s = session_dtls_new(&ctx);

	client_hello(m, 0xfefd, 0, true);
	d->n = 0;
	hs_record(d, 0xfefd, 0, 1, 0, m, 0, m->n);
	send(s, client, d);
	server_hello(m, 0xfefd, true);
	d->n = 0;
	return s;
}

/* DTLS 1.3: hellos in the clear, then unified-header records: the server's
 * flight, the client's (not alert-sized), the client's data. */
static void test_dtls13(void)
{
	struct buf m, d;
	struct session *s = dtls13_hello(1, &m, &d);   /* the client is flow side 1 here */
	json_t *tls;

	hs_record(&d, 0xfefd, 0, 2, 0, &m, 0, m.n);
	unified(&d, 2, 1, 300);           /* EncryptedExtensions ... Finished */
	send(s, 0, &d);
	d.n = 0;
	unified(&d, 2, 0, 53);            /* client Finished */
	send(s, 1, &d);
	CHECK(!session_decided(s));
	d.n = 0;
	unified(&d, 3, 0, 40);            /* client application data */
	send(s, 1, &d);
	CHECK(session_decided(s));
	tls = tt_tls_of(s);
	CHECK_STR(str(tls, "outcome", NULL), "established");
	CHECK_STR(str(tls, "version", NULL), "1.3");
	CHECK_STR(str(tls, "version_protocol", NULL), "dtls");
	CHECK_STR(str(tls, "cipher", NULL), "TLS_AES_128_GCM_SHA256");
	CHECK(count_msg(tls, "server:encrypted_handshake") == 1);
	CHECK(count_msg(tls, "client:encrypted_handshake") == 1);
	CHECK(strncmp(str(tls, "client", "ja4"), "dd3i", 4) == 0);
	json_decref(tls);
	session_free(s);
}

/* DTLS 1.3 with the other header shapes and ACK records (RFC 9147 7): the
 * server acknowledges the ClientHello's record (epoch 0, sequence 0) in a
 * plaintext ACK before its ServerHello, and ends its datagram with an
 * 8-bit-sequence record without a length; the client's Finished has a
 * 16-bit sequence and no length, its data an 8-bit one with a length; the
 * server's encrypted ACK of epoch 3 is data to an observer.  Then an ACK
 * whose list does not hold whole record numbers is an anomaly. */
static void test_dtls13_shapes_and_acks(void)
{
	static const uint8_t ack_ch[] = {
		0x00, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const uint8_t ack_bad[] = { 0x00, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct buf m, d;
	struct session *s = dtls13_hello(0, &m, &d);
	json_t *tls;

	record(&d, 26, 0xfefd, 0, 0, ack_ch, sizeof ack_ch);
	hs_record(&d, 0xfefd, 1, 2, 0, &m, 0, m.n);
	unified_as(&d, false, false, 2, 0, 280);   /* EncryptedExtensions ... Finished */
	send(s, 1, &d);
	d.n = 0;
	unified_as(&d, true, false, 2, 0, 53);     /* client Finished */
	send(s, 0, &d);
	CHECK(!session_decided(s));
	d.n = 0;
	unified_as(&d, true, true, 3, 0, 12);      /* server: encrypted ACK */
	send(s, 1, &d);
	d.n = 0;
	unified_as(&d, false, true, 3, 1, 40);     /* client application data */
	send(s, 0, &d);
	CHECK(session_decided(s));
	tls = tt_tls_of(s);
	CHECK_STR(str(tls, "outcome", NULL), "established");
	CHECK_STR(str(tls, "version", NULL), "1.3");
	CHECK(count_msg(tls, "server:encrypted_handshake") == 1);
	CHECK(count_msg(tls, "client:encrypted_handshake") == 1);
	CHECK(json_object_get(tls, "anomalies") == NULL);
	json_decref(tls);
	session_free(s);

	s = dtls13_hello(0, &m, &d);
	record(&d, 26, 0xfefd, 0, 0, ack_bad, sizeof ack_bad);
	send(s, 1, &d);
	session_finish(s, now);
	tls = tt_tls_of(s);
	CHECK(tt_has_anomaly(tls, "dtls_ack_malformed"));
	json_decref(tls);
	session_free(s);
}

/* A hello of client_hello()/server_hello() shape for DTLS 1.2 with one
 * more extension: connection_id (54) carrying a cid of n bytes. */
static void add_cid_ext(struct buf *m, size_t ext_len_at, unsigned n)
{
	unsigned el = (unsigned)(m->b[ext_len_at] << 8 | m->b[ext_len_at + 1]);

	u16(m, 54);
	u16(m, n + 1);
	u8(m, n);
	for (unsigned i = 0; i < n; i++)
		u8(m, 0xc0 + i);
	el += 4 + 1 + n;
	m->b[ext_len_at] = (uint8_t)(el >> 8);
	m->b[ext_len_at + 1] = (uint8_t)el;
}

/* A DTLS 1.2 record with a connection id (RFC 9146 4): type 25. */
static void cid_record(struct buf *d, unsigned epoch, unsigned seq, unsigned cid, size_t n)
{
	u8(d, 25);
	u16(d, 0xfefd);
	u16(d, epoch);
	u16(d, 0);
	u16(d, seq >> 16);
	u16(d, seq & 0xffff);
	for (unsigned i = 0; i < cid; i++)
		u8(d, 0xc0 + i);
	u16(d, (unsigned)n);
	for (size_t i = 0; i < n; i++)
		u8(d, 0x42);
}

/* DTLS 1.2 with connection ids (RFC 9146): the client asks for a 3-byte
 * cid, the server for a 2-byte one; after each side's CCS its records are
 * type 25 with the peer's cid, the first of them its Finished. */
static void test_dtls12_cid(void)
{
	struct session *s = session_dtls_new(&ctx);
	struct buf m, d, cke = { .n = 0 };
	static const uint8_t one = 1;
	json_t *tls;

	client_hello(&m, 0xfefd, 0, false);
	add_cid_ext(&m, m.n - 7, 3);
	d.n = 0;
	hs_record(&d, 0xfefd, 0, 1, 0, &m, 0, m.n);
	send(s, 0, &d);
	server_hello(&m, 0xfefd, false);
	m.n -= 2;                         /* an extension list, then the cid */
	u16(&m, 0);
	add_cid_ext(&m, m.n - 2, 2);
	d.n = 0;
	hs_record(&d, 0xfefd, 0, 2, 0, &m, 0, m.n);
	hs_record(&d, 0xfefd, 1, 14, 1, &cke, 0, 0);   /* ServerHelloDone */
	send(s, 1, &d);
	u8(&cke, 1);
	u8(&cke, 0x11);
	d.n = 0;
	hs_record(&d, 0xfefd, 1, 16, 1, &cke, 0, cke.n);
	record(&d, 20, 0xfefd, 0, 2, &one, 1);
	cid_record(&d, 1, 0, 2, 40);       /* the client's Finished, the server's cid */
	send(s, 0, &d);
	d.n = 0;
	record(&d, 20, 0xfefd, 0, 1, &one, 1);
	cid_record(&d, 1, 0, 3, 40);       /* the server's Finished, the client's cid */
	send(s, 1, &d);
	CHECK(session_decided(s));
	tls = tt_tls_of(s);
	CHECK_STR(str(tls, "outcome", NULL), "established");
	CHECK(count_msg(tls, "client:finished") == 1 && count_msg(tls, "server:finished") == 1);
	CHECK(json_object_get(tls, "anomalies") == NULL);
	json_decref(tls);
	session_free(s);
}

/* A fatal alert from the server after the ClientHello; then every prefix
 * of the ClientHello datagram as the only datagram of a session. */
static void test_alert_and_prefixes(void)
{
	struct session *s = session_dtls_new(&ctx);
	struct buf m, d, one;
	static const uint8_t al[2] = { 2, 40 };
	json_t *tls;

	client_hello(&m, 0xfefd, 0, false);
	d.n = 0;
	hs_record(&d, 0xfefd, 0, 1, 0, &m, 0, m.n);
	send(s, 0, &d);
	one.n = 0;
	record(&one, 21, 0xfefd, 0, 0, al, 2);
	send(s, 1, &one);
	CHECK(session_decided(s));
	tls = tt_tls_of(s);
	CHECK_STR(str(tls, "outcome", NULL), "alert");
	json_decref(tls);
	session_free(s);

	for (size_t k = 0; k < d.n; k++) {
		uint8_t *p = malloc(k ? k : 1);
		memcpy(p, d.b, k);
		s = session_dtls_new(&ctx);
		session_dtls_datagram(s, 0, p, k, (uint32_t)(d.n - k), now);
		session_finish(s, now);
		tls = tt_tls_of(s);
		json_decref(tls);
		session_free(s);
		free(p);
	}
}

int main(void)
{
	tt_session_init();

	test_dtls12();
	test_dtls13();
	test_dtls13_shapes_and_acks();
	test_dtls12_cid();
	test_alert_and_prefixes();

	tt_session_done();
	return TT_DONE();
}
