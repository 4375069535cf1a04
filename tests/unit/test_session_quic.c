/*
 * Unit tests for src/session_quic.c, the QUIC carrier: datagrams made from
 * the RFC 9001 Appendix A packets (and packets protected here) into
 * sessions of the handshake core, read back through the verdict and the
 * emitter: the outcome inferred from packet types, a CONNECTION_CLOSE with a
 * TLS alert, a client with no answer, tls.quic, JA4's q, the session
 * memory returned, and every prefix of the client's Initial.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/session.h"
#include "../../src/session_quic.h"
#include "../../src/verdict.h"
#include "quic_vectors.h"
#include "tt_test.h"
#include "tt_session.h"

static uint64_t now = 1700000000ull * 1000000000ull;

static void send(struct session *s, int dir, struct bytes d)
{
	uint8_t *q = dup_exact(d.p, d.n);

	now += 1000000;
	session_quic_datagram(s, dir, q, d.n, 0, now);
	free(q);
}

static const char *str_at(json_t *o, const char *path)
{
	json_t *x = json_object_get(o, path);

	return json_is_string(x) ? json_string_value(x) : "";
}

static json_t *obj_at(json_t *o, const char *k)
{
	json_t *x = json_object_get(o, k);

	return x ? x : json_object();
}

/* A short-header (1-RTT) packet: opaque to the observer. */
static struct bytes short_packet(const uint8_t *dcid, size_t n)
{
	struct bytes b = { malloc(1 + n + 40), 1 + n + 40 };

	b.p[0] = 0x41;
	memcpy(b.p + 1, dcid, n);
	for (size_t i = 1 + n; i < b.n; i++)
		b.p[i] = (uint8_t)(i * 37 + 11);
	return b;
}

static void test_established(void)
{
	struct bytes c = hex(v1_client_pkt), s = hex(v1_server_pkt), dcid = hex(dcid_hex);
	static const uint8_t scid[8] = { 0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5 };
	static const uint8_t filler[40] = { 1 };
	struct prot pr = { QUIC_V1, NULL, scid, 0, 8, 2, true, QUIC_PT_HANDSHAKE,
			   dcid.p, 8, QUIC_V1 };
	struct bytes hs = quic_protect(&pr, filler, sizeof filler), c1 = short_packet(scid, 8);
	struct session *ss = session_quic_new(&ctx);
	json_t *tls, *q;

	send(ss, 0, c);
	CHECK(!session_decided(ss));
	send(ss, 1, s);
	send(ss, 1, hs);
	send(ss, 0, c1);
	send(ss, 0, c1);
	/* Client data after its flight is no proof while a certificate could
	 * have been asked for: the server's next 1-RTT packet decides. */
	CHECK(!session_decided(ss));
	send(ss, 1, c1);
	CHECK(session_decided(ss) && session_client_side(ss) == 0);
	tls = tt_tls_of(ss);
	CHECK_STR(str_at(tls, "outcome"), "established");
	CHECK_STR(str_at(tls, "version"), "1.3");
	CHECK_STR(str_at(tls, "cipher"), "TLS_AES_128_GCM_SHA256");
	CHECK_STR(str_at(obj_at(tls, "client"), "server_name"), "example.com");
	CHECK(strncmp(str_at(obj_at(tls, "client"), "ja4"), "q13d", 4) == 0);
	q = obj_at(tls, "quic");
	CHECK_STR(str_at(q, "version"), "1");
	CHECK_STR(str_at(q, "dcid"), dcid_hex);
	CHECK(json_array_size(json_object_get(q, "transport_parameters")) == 8);
	CHECK(json_is_true(json_object_get(q, "outcome_inferred")));
	json_decref(tls);
	session_free(ss);
	free(c.p);
	free(s.p);
	free(hs.p);
	free(c1.p);
	free(dcid.p);
}

/* The server closes in its Initial with CRYPTO_ERROR 0x128 (handshake_failure);
 * then a client that hears nothing. */
static void test_alert_and_silence(void)
{
	struct bytes c = hex(v1_client_pkt), dcid = hex(dcid_hex), sc;
	static const uint8_t scid[4] = { 5, 6, 7, 8 };
	static const uint8_t closing[] = { 0x1c, 0x41, 0x28, 0x06, 0x00 };
	struct prot pr = { QUIC_V1, NULL, scid, 0, 4, 0, true, QUIC_PT_INITIAL,
			   dcid.p, 8, QUIC_V1 };
	struct session *ss;
	json_t *tls;

	sc = quic_protect(&pr, closing, sizeof closing);
	ss = session_quic_new(&ctx);
	send(ss, 0, c);
	send(ss, 1, sc);
	CHECK(session_decided(ss));
	tls = tt_tls_of(ss);
	CHECK_STR(str_at(tls, "outcome"), "alert");
	CHECK_STR(str_at(obj_at(tls, "failure"), "reason"), "fatal alert handshake_failure from server");
	json_decref(tls);
	session_free(ss);

	ss = session_quic_new(&ctx);
	send(ss, 0, c);
	send(ss, 0, c);
	session_finish(ss, now);
	tls = tt_tls_of(ss);
	CHECK_STR(str_at(tls, "outcome"), "no_server_response");
	CHECK_STR(str_at(obj_at(tls, "client"), "server_name"), "example.com");
	json_decref(tls);
	session_free(ss);
	free(c.p);
	free(sc.p);
	free(dcid.p);
}

static void test_prefixes(void)
{
	struct bytes c = hex(v1_client_pkt);

	for (size_t k = 0; k < c.n; k++) {
		struct session *ss = session_quic_new(&ctx);
		struct bytes cut = { c.p, k };
		json_t *tls;

		send(ss, 0, cut);
		session_finish(ss, now);
		tls = tt_tls_of(ss);
		json_decref(tls);
		session_free(ss);
	}
	free(c.p);
}

int main(void)
{
	tt_session_init();

	test_established();
	test_alert_and_silence();
	test_prefixes();

	tt_session_done();
	return TT_DONE();
}
