/*
 * Unit tests for parsers/quic_conn.c: a connection followed datagram by
 * datagram from the RFC 9001 Appendix A packets and packets protected here:
 * which side is the client, coalesced Initial + Handshake, a capture that
 * starts with the server, Retry (new DCID, new keys, a fresh ClientHello not
 * repeated), Version Negotiation from a reserved version, CONNECTION_CLOSE,
 * Google QUIC, and every truncated prefix of each datagram.
 */
#include "../../parsers/quic_conn.h"
#include "quic_vectors.h"
#include "tt_test.h"

struct log {
	uint8_t hs[2][4096];
	size_t n[2];
	unsigned calls[2];
	int order[4];                   /* sides of the first handshake calls */
	unsigned n_order;
	unsigned prot[2][8];
	unsigned closes[2];
	uint64_t close_code;
};

static void on_hs(void *arg, int side, const uint8_t *b, size_t n)
{
	struct log *l = arg;

	if (l->n[side] + n <= sizeof l->hs[side])
		memcpy(l->hs[side] + l->n[side], b, n);
	l->n[side] += n;
	l->calls[side]++;
	if (l->n_order < 4)
		l->order[l->n_order++] = side;
}

static void on_prot(void *arg, int side, enum quic_ptype t, size_t len)
{
	struct log *l = arg;

	(void)len;
	l->prot[side][t]++;
}

static void on_close(void *arg, int side, const struct quic_close *c)
{
	struct log *l = arg;

	l->closes[side]++;
	l->close_code = c->code;
}

static void start(struct quic_conn *qc, struct log *l)
{
	struct quic_events ev = { l, on_hs, on_prot, on_close };

	memset(l, 0, sizeof *l);
	quic_conn_init(qc, &ev);
}

/* Feeds hex datagram d from side into qc, in an exact-size copy. */
static void feed(struct quic_conn *qc, int side, struct bytes d, struct anom_set *a)
{
	uint8_t *q = dup_exact(d.p, d.n);

	quic_conn_datagram(qc, side, q, d.n, a);
	free(q);
}

static struct bytes concat(struct bytes x, struct bytes y)
{
	struct bytes b = { malloc(x.n + y.n), x.n + y.n };

	if (!b.p)
		abort();
	memcpy(b.p, x.p, x.n);
	memcpy(b.p + x.n, y.p, y.n);
	return b;
}

static const uint8_t hs_payload[24] = { 0x01 };   /* opaque to the observer */

/* The RFC's client Initial, then the server's Initial coalesced with a
 * Handshake packet, with the client on side `cs`. */
static void test_rfc_exchange(int cs)
{
	struct bytes dcid = hex(dcid_hex), c = hex(v1_client_pkt), s = hex(v1_server_pkt);
	struct bytes scid = hex("f067a5502a4262b5"), hsp, dg;
	struct prot pr = { QUIC_V1, NULL, scid.p, 0, 8, 2, true, QUIC_PT_HANDSHAKE,
			   dcid.p, 8, QUIC_V1 };
	struct quic_conn qc;
	struct log l;
	struct anom_set a = { 0 };

	hsp = quic_protect(&pr, hs_payload, sizeof hs_payload);
	dg = concat(s, hsp);
	start(&qc, &l);
	feed(&qc, cs, c, &a);
	CHECK(qc.client_side == cs && l.n[cs] == 0);      /* held until answered */
	feed(&qc, 1 - cs, dg, &a);
	CHECK(l.n[cs] == 241 && l.calls[cs] == 1);
	CHECK(l.hs[cs][0] == 1 && l.hs[cs][3] == 237);   /* ClientHello, 237 bytes */
	CHECK(l.n[1 - cs] == 90 && l.hs[1 - cs][0] == 2);  /* ServerHello */
	CHECK(l.order[0] == cs && l.order[1] == 1 - cs);   /* the hello first */
	CHECK(l.prot[1 - cs][QUIC_PT_HANDSHAKE] == 1 && qc.n_handshake[1 - cs] == 1);
	CHECK(qc.n_initial[0] == 1 && qc.n_initial[1] == 1 && a.n == 0);
	CHECK(qc.version == QUIC_V1 && qc.odcid.len == 8 && memcmp(qc.odcid.b, dcid.p, 8) == 0);
	CHECK(qc.server_scid_set && qc.server_scid.len == 8);
	CHECK(memcmp(qc.server_scid.b, scid.p, 8) == 0 && qc.client_scid.len == 0);
	/* A retransmission changes nothing. */
	feed(&qc, cs, c, &a);
	CHECK(l.n[cs] == 241 && l.calls[cs] == 1 && qc.n_initial[0] == 2 && a.n == 0);
	quic_conn_free(&qc);

	/* The server's Initial first: it cannot be opened without the client's DCID. */
	start(&qc, &l);
	feed(&qc, 1 - cs, dg, &a);
	CHECK(qc.client_side == -1 && l.n[0] == 0 && l.n[1] == 0);
	CHECK(anom_has(&a, "quic_initial_undecryptable") && qc.n_undecrypted[1 - cs] == 1);
	feed(&qc, cs, c, &a);
	feed(&qc, 1 - cs, dg, &a);
	CHECK(qc.client_side == cs && l.n[cs] == 241 && l.n[1 - cs] == 90);
	quic_conn_free(&qc);
	free(dg.p);
	free(hsp.p);
	free(dcid.p);
	free(c.p);
	free(s.p);
	free(scid.p);
}

/* Retry: the client starts over towards the server's new connection id,
 * with keys from that id and a fresh ClientHello (a new random). */
static void test_retry_restart(void)
{
	struct bytes dcid = hex(dcid_hex), c = hex(v1_client_pkt), retry = hex(v1_retry);
	struct bytes cf = hex(v1_crypto_frame), c2;
	static const uint8_t newcid[8] = { 0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5 };
	struct prot pr = { QUIC_V1, newcid, NULL, 8, 0, 3, false, QUIC_PT_INITIAL,
			   newcid, 8, QUIC_V1 };
	uint8_t pl[300];
	struct quic_conn qc;
	struct log l;
	struct anom_set a = { 0 };

	memcpy(pl, cf.p, cf.n);
	pl[20] ^= 0xff;                        /* inside the ClientHello's random */
	memset(pl + cf.n, 0, sizeof pl - cf.n);
	c2 = quic_protect(&pr, pl, sizeof pl);
	start(&qc, &l);
	feed(&qc, 0, c, &a);
	feed(&qc, 1, retry, &a);
	CHECK(qc.retry && qc.retry_scid.len == 8 && memcmp(qc.retry_scid.b, newcid, 8) == 0);
	CHECK(qc.retry_tag == 1 && a.n == 0);   /* RFC 9001 A.4's tag is right */
	feed(&qc, 0, c2, &a);
	CHECK(qc.key_cid.len == 8 && memcmp(qc.key_cid.b, newcid, 8) == 0);
	CHECK(qc.n_initial[0] == 2 && qc.restarts == 1 && qc.odcid.len == 8);
	CHECK(memcmp(qc.odcid.b, dcid.p, 8) == 0);
	CHECK(l.n[0] == 0 && a.n == 0);          /* no answer yet */
	quic_conn_finish(&qc, &a);
	CHECK(l.n[0] == 241 && l.calls[0] == 1 && a.n == 0);   /* the second hello only */
	CHECK(l.hs[0][16] == pl[20] && l.hs[0][16] != cf.p[20]);
	CHECK(!qc.restart_pending && qc.delivered[0] == 241);
	quic_conn_free(&qc);

	/* Starting over after the hello was handed over: not repeated. */
	start(&qc, &l);
	feed(&qc, 0, c, &a);
	quic_conn_finish(&qc, &a);
	CHECK(l.n[0] == 241);
	feed(&qc, 0, c2, &a);
	CHECK(qc.restarts == 1 && qc.restart_pending && l.n[0] == 241 && l.calls[0] == 1);
	quic_conn_finish(&qc, &a);
	CHECK(!qc.restart_pending && l.n[0] == 241 && l.calls[0] == 1);
	CHECK(qc.delivered[0] == 241 && a.n == 0);
	quic_conn_free(&qc);

	/* A Retry whose tag does not match: named, and followed all the same. */
	retry.p[retry.n - 1] ^= 1;
	start(&qc, &l);
	feed(&qc, 0, c, &a);
	feed(&qc, 1, retry, &a);
	CHECK(qc.retry && qc.retry_tag == 0 && anom_has(&a, "quic_retry_integrity_failed"));
	quic_conn_free(&qc);
	free(c2.p);
	free(cf.p);
	free(dcid.p);
	free(c.p);
	free(retry.p);
}

/* A reserved version (protected as v1), Version Negotiation, then v1; and
 * a CONNECTION_CLOSE in the server's Initial. */
static void test_vn_and_close(void)
{
	static const uint8_t cid[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	static const uint8_t vn[] = { 0x80, 0, 0, 0, 0, 0, 8, 8, 7, 6, 5, 4, 3, 2, 1,
				      0, 0, 0, 1, 0x6b, 0x33, 0x43, 0xcf };
	static const uint8_t closing[] = { 0x1c, 0x41, 0x28, 0x06, 0x02, 'n', 'o' };
	struct bytes cf = hex(v1_crypto_frame), c1, c2, sc, vnb = { dup_exact(vn, sizeof vn), sizeof vn };
	struct prot pr = { 0x1a2a3a4a, cid, NULL, 8, 0, 0, false, QUIC_PT_INITIAL,
			   cid, 8, QUIC_V1 };
	uint8_t pl[300];
	struct quic_conn qc;
	struct log l;
	struct anom_set a = { 0 };

	memcpy(pl, cf.p, cf.n);
	memset(pl + cf.n, 0, sizeof pl - cf.n);
	c1 = quic_protect(&pr, pl, sizeof pl);
	pr.version = QUIC_V1;
	pr.pn = 1;
	c2 = quic_protect(&pr, pl, sizeof pl);
	pr.server = true;
	pr.dcid_len = 0;
	sc = quic_protect(&pr, closing, sizeof closing);

	start(&qc, &l);
	CHECK(quic_sniff(c1.p, c1.n));
	feed(&qc, 0, c1, &a);
	CHECK(qc.client_side == 0 && qc.version == 0x1a2a3a4a && l.n[0] == 0);
	feed(&qc, 1, vnb, &a);
	CHECK(qc.vn && qc.n_vn == 2 && qc.vn_versions[1] == QUIC_V2);
	feed(&qc, 0, c2, &a);
	CHECK(qc.version == QUIC_V1 && qc.restarts == 1 && l.n[0] == 0);
	feed(&qc, 1, sc, &a);
	CHECK(l.n[0] == 241 && l.calls[0] == 1);
	CHECK(l.closes[1] == 1 && l.close_code == 0x128 && qc.close[1].present);
	CHECK(qc.close[1].reason_len == 2 && qc.close[1].frame_type == 6);
	CHECK(a.n == 0);
	quic_conn_free(&qc);
	free(c1.p);
	free(c2.p);
	free(sc.p);
	free(cf.p);
	free(vnb.p);
}

/* Every prefix of every datagram above, each into a fresh connection that
 * has already seen the full client Initial. */
static void test_prefixes(void)
{
	const char *dgs[] = { v1_client_pkt, v1_server_pkt, v1_retry, v2_client_pkt };

	for (size_t i = 0; i < 4; i++) {
		struct bytes d = hex(dgs[i]), c = hex(v1_client_pkt);

		for (size_t k = 0; k < d.n; k++) {
			struct quic_conn qc;
			struct log l;
			struct anom_set a = { 0 };
			struct bytes cut = { d.p, k };

			start(&qc, &l);
			feed(&qc, 0, cut, &a);
			feed(&qc, 0, c, &a);
			feed(&qc, 1, cut, &a);
			CHECK(l.n[1] == 0 || k == d.n);
			quic_conn_free(&qc);
		}
		free(d.p);
		free(c.p);
	}
}

/* Google QUIC Q043 in clear text: the CHLO, not a TLS handshake. */
static void test_gquic(void)
{
	static const char chlo[] = "CHLO\x01\0\0\0SNI\0\x0b\0\0\0example.com";
	uint8_t d[200];
	size_t n = 0;
	struct quic_conn qc;
	struct log l;
	struct anom_set a = { 0 };
	struct bytes b;

	d[n++] = 0x09;
	memcpy(d + n, "\1\2\3\4\5\6\7\x08Q043\x01", 13);
	n += 13;
	memset(d + n, 0, 12);
	n += 12;
	d[n++] = 0xa0;
	d[n++] = 0x01;
	d[n++] = 0;
	d[n++] = sizeof chlo - 1;
	memcpy(d + n, chlo, sizeof chlo - 1);
	n += sizeof chlo - 1;
	b.p = d;
	b.n = n;
	start(&qc, &l);
	feed(&qc, 1, b, &a);
	CHECK(qc.gquic && qc.have_chlo && qc.client_side == 1 && qc.version == 0x51303433);
	CHECK(qc.chlo.sni_len == 11 && memcmp(qc.chlo.sni, "example.com", 11) == 0);
	CHECK(l.n[0] == 0 && l.n[1] == 0 && a.n == 0);
	quic_conn_free(&qc);
}

int main(void)
{
	test_rfc_exchange(0);
	test_rfc_exchange(1);
	test_retry_restart();
	test_vn_and_close();
	test_prefixes();
	test_gquic();
	return TT_DONE();
}
