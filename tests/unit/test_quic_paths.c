/*
 * Unit tests for src/quic_paths.c, the index that follows a QUIC connection
 * to a new address pair: a real session (the RFC 9001 Appendix A Initials)
 * teaches it the server's connection id (the client's is empty there);
 * short and long headers addressed to it are found, with the sender's side,
 * whatever the address pair; a path once learnt is found without any
 * connection id, both ways; other ids, every truncated prefix and random
 * bytes are not; the per-connection path limit is an anomaly; forgetting a
 * flow removes all its entries; and the session's record says `paths`.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/flow.h"
#include "../../src/quic_paths.h"
#include "../../src/session.h"
#include "../../src/session_quic.h"
#include "../../src/verdict.h"
#include "quic_vectors.h"
#include "tt_test.h"
#include "tt_session.h"

static const uint8_t scid[8] = { 0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5 };

static struct flow_endpoints ep(uint8_t cli_last, uint16_t cport, bool from_client)
{
	struct flow_endpoints k = { 0 };
	int c = from_client ? 0 : 1;

	k.af = 4;
	k.proto = 17;
	memcpy(k.addr[c], (uint8_t[]){ 10, 97, 1, cli_last }, 4);
	memcpy(k.addr[1 - c], (uint8_t[]){ 10, 97, 1, 2 }, 4);
	k.port[c] = cport;
	k.port[1 - c] = 443;
	return k;
}

static struct flow *find(struct qpaths *m, struct flow_endpoints k, const uint8_t *p, size_t n,
			 int *side, bool *np)
{
	uint8_t *q = dup_exact(p, n);
	struct flow *f = qpaths_find(m, &k, q, n, side, np);

	free(q);
	return f;
}

static void test_follow(void)
{
	struct bytes c = hex(v1_client_pkt), s = hex(v1_server_pkt);
	struct qpaths *m = qpaths_new(64, 12345);
	struct flow *f = calloc(1, sizeof *f);
	uint8_t sh[40] = { 0x41 }, lh[40] = { 0xe1, 0, 0, 0, 1, 8 }, other[40];
	struct flow_endpoints k0 = ep(1, 50000, true), nat = ep(1, 50001, true);
	int side = -1;
	bool np = false;
	json_t *tls;

	memcpy(sh + 1, scid, 8);
	memcpy(lh + 6, scid, 8);
	CHECK(find(m, nat, sh, sizeof sh, &side, &np) == NULL);   /* empty index */
	f->sess = session_quic_new(&ctx);
	session_quic_datagram(f->sess, 0, c.p, c.n, 0, 1);
	qpaths_learn(m, f, &k0, 0, false);
	CHECK(f->qp_cids == 1 && f->qpaths == NULL);   /* the client's id is empty */
	session_quic_datagram(f->sess, 1, s.p, s.n, 0, 2);
	qpaths_learn(m, f, &k0, 1, false);
	CHECK(f->qp_cids == 3 && f->qpaths != NULL);

	/* The server's id, in a short or a long header: from the client. */
	CHECK(find(m, nat, sh, sizeof sh, &side, &np) == f && side == 0 && np);
	CHECK(find(m, nat, lh, sizeof lh, &side, &np) == f && side == 0 && np);
	memcpy(other, sh, sizeof other);
	other[8] ^= 1;
	CHECK(find(m, nat, other, sizeof other, &side, &np) == NULL);
	for (size_t n = 0; n <= 8; n++)   /* too short to hold the id */
		CHECK(find(m, nat, sh, n, &side, &np) == NULL);
	for (size_t n = 0; n <= 13; n++)
		CHECK(find(m, nat, lh, n, &side, &np) == NULL);
	for (unsigned seed = 1; seed < 200; seed++) {
		for (size_t i = 0; i < sizeof other; i++)
			other[i] = (uint8_t)(seed * 131 + i * 29);
		CHECK(find(m, nat, other, sizeof other, &side, &np) == NULL);
	}

	/* The new pair is learnt: the server's answer, with no id, is found. */
	session_quic_datagram(f->sess, 0, sh, sizeof sh, 0, 3);
	qpaths_learn(m, f, &nat, 0, true);
	CHECK(session_quic_paths(f->sess) == 1);
	CHECK(find(m, ep(1, 50001, false), (uint8_t[]){ 0x41, 9, 9 }, 3, &side, &np) == f);
	CHECK(side == 1 && !np);
	CHECK(find(m, nat, (uint8_t[]){ 0x41 }, 1, &side, &np) == f && side == 0 && !np);
	CHECK(find(m, ep(1, 50002, false), (uint8_t[]){ 0x41, 9, 9 }, 3, &side, &np) == NULL);

	/* At most 8 pairs besides the flow's own; then an anomaly. */
	for (uint16_t port = 40000; port < 40010; port++) {
		struct flow_endpoints k = ep(9, port, true);

		CHECK(find(m, k, sh, sizeof sh, &side, &np) == f && np && side == 0);
		qpaths_learn(m, f, &k, 0, np);
	}
	CHECK(session_quic_paths(f->sess) == 8);
	tls = tt_tls_of(f->sess);
	CHECK(tt_has_anomaly(tls, "quic_paths_limit"));
	CHECK(json_integer_value(json_object_get(json_object_get(tls, "quic"), "paths")) == 9);
	json_decref(tls);

	qpaths_forget(m, f);
	CHECK(f->qpaths == NULL && f->qp_cids == 0);
	CHECK(find(m, nat, sh, sizeof sh, &side, &np) == NULL);
	CHECK(find(m, nat, (uint8_t[]){ 0x41 }, 1, &side, &np) == NULL);
	session_free(f->sess);
	free(f);
	qpaths_free(m);
	free(c.p);
	free(s.p);
}

/* A full index refuses new entries; the flows already in it stay found. */
static void test_full(void)
{
	struct bytes c = hex(v1_client_pkt), s = hex(v1_server_pkt);
	struct qpaths *m = qpaths_new(1, 7);
	struct flow *f = calloc(1, sizeof *f);
	struct flow_endpoints k0 = ep(1, 50000, true), nat = ep(1, 50001, true);
	uint8_t sh[20] = { 0x41 };
	int side;
	bool np;
	json_t *tls;

	memcpy(sh + 1, scid, 8);
	f->sess = session_quic_new(&ctx);
	session_quic_datagram(f->sess, 0, c.p, c.n, 0, 1);
	session_quic_datagram(f->sess, 1, s.p, s.n, 0, 2);
	qpaths_learn(m, f, &k0, 1, false);
	CHECK(find(m, nat, sh, sizeof sh, &side, &np) == f && np);
	qpaths_learn(m, f, &nat, 0, true);
	CHECK(session_quic_paths(f->sess) == 0);
	tls = tt_tls_of(f->sess);
	CHECK(tt_has_anomaly(tls, "quic_paths_limit"));
	json_decref(tls);
	qpaths_forget(m, f);
	session_free(f->sess);
	free(f);
	qpaths_free(m);
	free(c.p);
	free(s.p);
}

int main(void)
{
	tt_session_init();
	test_follow();
	test_full();
	tt_session_done();
	return TT_DONE();
}
