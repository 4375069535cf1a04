/*
 * Unit tests for parsers/quic*.c and gquic.c: the Initial key schedule,
 * header protection and full protected packets of RFC 9001 Appendix A and
 * RFC 9369 Appendix A byte for byte; header parsing (long, short, coalesced,
 * Version Negotiation, Retry, gQUIC); packet number decoding (RFC 9000
 * A.3); frames; CRYPTO reassembly in any order with duplicates, overlaps and
 * conflicts; transport parameters; the gQUIC CHLO; and every truncated
 * prefix of each valid input, each in an exact-size heap buffer so that ASan
 * reports any read past its end.
 */
#include "../../parsers/gquic.h"
#include "../../parsers/quic.h"
#include "../../parsers/quic_frames.h"
#include "../../parsers/quic_tp.h"
#include "../../parsers/tls13_kdf.h"
#include "../../parsers/tls_hs.h"
#include "quic_vectors.h"
#include "tt_test.h"

struct side {
	const char *secret, *key, *iv, *hp;
};

struct vectors {
	uint32_t version;
	const char *initial;
	struct side client, server;
	const char *crypto_frame, *client_hdr, *client_pkt, *client_sample, *client_mask;
	const char *server_payload, *server_hdr, *server_pkt, *server_sample, *server_mask;
	const char *retry;
};

static const struct vectors rfc9001 = {
	QUIC_V1,
	"7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44",
	{ "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea",
	  "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c",
	  "9f50449e04a0e810283a1e9933adedd2" },
	{ "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b",
	  "cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e",
	  "c206b8d9b9f0f37644430b490eeaa314" },
	v1_crypto_frame, v1_client_hdr, v1_client_pkt,
	"d1b1c98dd7689fb8ec11d242b123dc9b", "437b9aec36",
	v1_server_payload, v1_server_hdr, v1_server_pkt,
	"2cd0991cd25b0aac406a5816b6394100", "2ec0d8356a",
	v1_retry,
};

static const struct vectors rfc9369 = {
	QUIC_V2,
	"2062e8b3cd8d52092614b8071d0aa1fb7c2e3ac193f78b280e72d8f5751f6aba",
	{ "14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b",
	  "8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f",
	  "45b95e15235d6f45a6b19cbcb0294ba9" },
	{ "0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1",
	  "82db637861d55e1d011f19ea71d5d2a7", "dd13c276499c0249d3310652",
	  "edf6d05c83121201b436e16877593c3a" },
	v1_crypto_frame, v2_client_hdr, v2_client_pkt,
	"ffe67b6abcdb4298b485dd04de806071", "94a0c95e80",
	v1_server_payload, v2_server_hdr, v2_server_pkt,
	"6f05d8a4398c47089698baeea26b91eb", "4dd92e91ea",
	v2_retry,
};

/* ---- key schedule and header protection (RFC 9001 A.1, RFC 9369 A.1) ---- */

static void check_side(const struct quic_keys *k, const uint8_t secret[32],
		       const struct side *want)
{
	CHECK(eqhex(secret, 32, want->secret));
	CHECK(eqhex(k->key, 16, want->key));
	CHECK(eqhex(k->iv, 12, want->iv));
	CHECK(eqhex(k->hp, 16, want->hp));
}

static void test_keys(const struct vectors *v)
{
	struct bytes dcid = hex(dcid_hex), s;
	uint8_t init[32], cs[32], ss[32], mask[5];
	struct quic_keys c, sv;

	CHECK(quic_initial_secrets(v->version, dcid.p, dcid.n, init, cs, ss));
	CHECK(eqhex(init, 32, v->initial));
	CHECK(quic_initial_keys(v->version, dcid.p, dcid.n, &c, &sv));
	check_side(&c, cs, &v->client);
	check_side(&sv, ss, &v->server);

	s = hex(v->client_sample);
	quic_hp_mask(c.hp, s.p, mask);
	CHECK(eqhex(mask, 5, v->client_mask));
	free(s.p);
	s = hex(v->server_sample);
	quic_hp_mask(sv.hp, s.p, mask);
	CHECK(eqhex(mask, 5, v->server_mask));
	free(s.p);
	CHECK(!quic_initial_keys(0x12345678, dcid.p, dcid.n, &c, &sv));
	free(dcid.p);
}

/* The TLS 1.3 HKDF-Expand-Label that QUIC's keys come from, as QUIC calls it. */
static void quic_label(const uint8_t *secret, const char *label, uint8_t *out, size_t len)
{
	CHECK(tls13_expand_label(TLS13_SHA256, secret, 32, label, NULL, 0, out, len));
}

/* RFC 9001 A.5 / RFC 9369 A.5: HKDF-Expand-Label with other lengths. */
static void test_expand_label(void)
{
	struct bytes s = hex("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b");
	uint8_t out[32];

	quic_label(s.p, "quic key", out, 32);
	CHECK(eqhex(out, 32, "c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8"));
	quic_label(s.p, "quic iv", out, 12);
	CHECK(eqhex(out, 12, "e0459b3474bdd0e44a41c144"));
	quic_label(s.p, "quic hp", out, 32);
	CHECK(eqhex(out, 32, "25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4"));
	quic_label(s.p, "quic ku", out, 32);
	CHECK(eqhex(out, 32, "1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9"));
	quic_label(s.p, "quicv2 key", out, 32);
	CHECK(eqhex(out, 32, "3bfcddd72bcf02541d7fa0dd1f5f9eeea817e09a6963a0e6c7df0f9a1bab90f2"));
	quic_label(s.p, "quicv2 ku", out, 32);
	CHECK(eqhex(out, 32, "c69374c49e3d2a9466fa689e49d476db5d0dfbc87d32ceeaa6343fd0ae4c7d88"));
	free(s.p);
}

/* Header protection removed by hand from the protected header equals the
 * RFC's unprotected header. */
static void check_unmask(const struct quic_packet *pk, const struct quic_keys *k,
			 const char *want_hdr)
{
	uint8_t hdr[64], mask[5];
	size_t pn_len;

	quic_hp_mask(k->hp, pk->start + pk->hdr_len + 4, mask);
	memcpy(hdr, pk->start, pk->hdr_len + 4);
	hdr[0] ^= mask[0] & 0x0f;
	pn_len = (hdr[0] & 3u) + 1;
	for (size_t i = 0; i < pn_len; i++)
		hdr[pk->hdr_len + i] ^= mask[1 + i];
	CHECK(eqhex(hdr, pk->hdr_len + pn_len, want_hdr));
}

/* ---- the full Initial packets (RFC 9001 A.2/A.3, RFC 9369 A.2/A.3) ---- */

static void check_client_hello(const struct quic_cstream *cs)
{
	static struct tls_client_hello ch;
	struct anom_set a = { 0 };
	struct quic_tp tp;
	uint8_t type;
	uint32_t len;

	CHECK(cs->contig == 241);
	CHECK(tls_hs_header(cs->buf, cs->contig, &type, &len) == TLS_OK);
	CHECK(type == TLS_HS_CLIENT_HELLO && len == 237);
	memset(&ch, 0, sizeof ch);
	CHECK(tls_parse_client_hello(cs->buf + 4, len, &ch, &a) == 0);
	CHECK(a.n == 0);
	CHECK(ch.sni_len == 11 && memcmp(ch.sni, "example.com", 11) == 0);
	CHECK(ch.quic_tp_ext == 0x39 && ch.quic_tp_len == 50 && !ch.quic_tp_truncated);
	CHECK(quic_tp_parse(ch.quic_tp, ch.quic_tp_len, true, &tp, &a) == 0);
	CHECK(tp.n == 8 && tp.n_total == 8 && a.n == 0);
	CHECK(tp.p[0].id == 4 && tp.p[0].is_int && tp.p[0].value == 0x3fffffffffffffffull);
	CHECK(tp.p[3].id == 8 && tp.p[3].value == 16);
	CHECK(tp.p[4].id == 1 && tp.p[4].value == 30000);
	CHECK(tp.p[7].id == 6 && tp.p[7].value == 0xffff);
	CHECK(tp.p[6].id == 0x0f && !tp.p[6].is_int && tp.p[6].len == 8);
	CHECK(eqhex(tp.p[6].raw, 8, dcid_hex));
	CHECK_STR(quic_tp_name(tp.p[6].id), "initial_source_connection_id");
	CHECK_STR(quic_tp_name(tp.p[0].id), "initial_max_data");
}

static void test_client_initial(const struct vectors *v)
{
	struct bytes pkt = hex(v->client_pkt), dcid = hex(dcid_hex), cf = hex(v->crypto_frame);
	struct quic_keys c, s;
	struct quic_packet pk;
	struct anom_set a = { 0 };
	struct quic_frames f = { 0 };
	struct quic_cstream cs = { 0 };
	uint8_t *out = malloc(pkt.n);
	size_t n = 0, zeros = 0;
	uint64_t pn = 0;

	CHECK(quic_sniff(pkt.p, pkt.n));
	CHECK(quic_packet_parse(pkt.p, pkt.n, &pk, &a) == QUIC_OK);
	CHECK(pk.type == QUIC_PT_INITIAL && pk.version == v->version);
	CHECK(pk.dcid.len == 8 && memcmp(pk.dcid.b, dcid.p, 8) == 0 && pk.scid.len == 0);
	CHECK(pk.token_len == 0 && pk.hdr_len == 18 && pk.len == 1200);
	quic_initial_keys(v->version, pk.dcid.b, pk.dcid.len, &c, &s);
	check_unmask(&pk, &c, v->client_hdr);

	CHECK(quic_unprotect(&c, &pk, UINT64_MAX, out, pkt.n, &n, &pn, &a) == QUIC_OK);
	CHECK(pn == 2 && n == 1162 && a.n == 0);
	CHECK(n >= cf.n && memcmp(out, cf.p, cf.n) == 0);
	for (size_t i = cf.n; i < n; i++)
		zeros += out[i] == 0;
	CHECK(zeros == 1162 - cf.n);
	CHECK(quic_frames_parse(out, n, false, &cs, &f, &a) == QUIC_OK);
	CHECK(f.n_crypto == 1 && f.n_padding == 1 && !f.close.present && a.n == 0);
	check_client_hello(&cs);

	/* The server's keys do not open the client's packet. */
	CHECK(quic_unprotect(&s, &pk, UINT64_MAX, out, pkt.n, &n, &pn, &a) == QUIC_BAD);
	CHECK(anom_has(&a, "quic_decrypt_failed"));
	/* Nor does a flipped ciphertext bit. */
	a = (struct anom_set){ 0 };
	pkt.p[600] ^= 1;
	CHECK(quic_unprotect(&c, &pk, UINT64_MAX, out, pkt.n, &n, &pn, &a) == QUIC_BAD);
	quic_cstream_free(&cs);
	free(out);
	free(pkt.p);
	free(dcid.p);
	free(cf.p);
}

static void test_server_initial(const struct vectors *v)
{
	struct bytes pkt = hex(v->server_pkt), dcid = hex(dcid_hex), pl = hex(v->server_payload);
	static struct tls_server_hello sh;
	struct quic_keys c, s;
	struct quic_packet pk;
	struct anom_set a = { 0 };
	struct quic_frames f = { 0 };
	struct quic_cstream cs = { 0 };
	uint8_t *out = malloc(pkt.n), type;
	size_t n = 0;
	uint64_t pn = 0;
	uint32_t len;

	CHECK(quic_packet_parse(pkt.p, pkt.n, &pk, &a) == QUIC_OK);
	CHECK(pk.type == QUIC_PT_INITIAL && pk.dcid.len == 0 && pk.scid.len == 8);
	CHECK(eqhex(pk.scid.b, 8, "f067a5502a4262b5"));
	CHECK(pk.hdr_len == 18 && pk.len == 135);
	quic_initial_keys(v->version, dcid.p, dcid.n, &c, &s);
	check_unmask(&pk, &s, v->server_hdr);
	CHECK(quic_unprotect(&s, &pk, UINT64_MAX, out, pkt.n, &n, &pn, &a) == QUIC_OK);
	CHECK(pn == 1 && eqhex(out, n, v->server_payload));
	CHECK(quic_frames_parse(out, n, false, &cs, &f, &a) == QUIC_OK);
	CHECK(f.n_ack == 1 && f.n_crypto == 1 && f.n_frames == 2 && a.n == 0);
	CHECK(cs.contig == 90);
	CHECK(tls_hs_header(cs.buf, cs.contig, &type, &len) == TLS_OK && type == 2);
	memset(&sh, 0, sizeof sh);
	CHECK(tls_parse_server_hello(cs.buf + 4, len, &sh, &a) == 0);
	CHECK(sh.cipher == 0x1301 && tls_sh_version(&sh) == 0x0304 && sh.selected_group == 0x1d);
	quic_cstream_free(&cs);
	free(out);
	free(pkt.p);
	free(dcid.p);
	free(pl.p);
}

static void test_retry(const struct vectors *v)
{
	struct bytes pkt = hex(v->retry);
	struct quic_packet pk;
	struct anom_set a = { 0 };

	CHECK(quic_packet_parse(pkt.p, pkt.n, &pk, &a) == QUIC_OK);
	CHECK(pk.type == QUIC_PT_RETRY && pk.version == v->version && pk.len == pkt.n);
	CHECK(pk.dcid.len == 0 && eqhex(pk.scid.b, pk.scid.len, "f067a5502a4262b5"));
	CHECK(pk.token_len == 5 && memcmp(pk.token, "token", 5) == 0);
	CHECK(pk.tag == pkt.p + pkt.n - 16);

	/* RFC 9001 A.4 / RFC 9369 A.4: the tag is over the client's first DCID;
	 * any other DCID, or any changed byte, fails it. */
	struct bytes odcid = hex(dcid_hex);
	struct quic_cid od = { (uint8_t)odcid.n, { 0 } }, other;

	memcpy(od.b, odcid.p, odcid.n);
	CHECK(quic_retry_verify(&pk, &od) == 1);
	other = od;
	other.b[0] ^= 1;
	CHECK(quic_retry_verify(&pk, &other) == 0);
	other.len = 0;
	CHECK(quic_retry_verify(&pk, &other) == 0);
	for (size_t i = 0; i < pkt.n; i++) {
		pkt.p[i] ^= 0x40;
		if (quic_packet_parse(pkt.p, pkt.n, &pk, &a) == QUIC_OK && pk.type == QUIC_PT_RETRY)
			CHECK(quic_retry_verify(&pk, &od) != 1);
		pkt.p[i] ^= 0x40;
	}
	pk.version = 0xff00001d;   /* a draft: no key held */
	CHECK(quic_retry_verify(&pk, &od) == -1);
	free(odcid.p);
	free(pkt.p);
}

/* Every prefix of each RFC packet: never OK for a packet that was cut. */
static void test_prefixes(const struct vectors *v)
{
	const char *pkts[] = { v->client_pkt, v->server_pkt, v->retry };
	struct quic_keys c, s;
	struct bytes dcid = hex(dcid_hex);

	quic_initial_keys(v->version, dcid.p, dcid.n, &c, &s);
	for (size_t i = 0; i < 3; i++) {
		struct bytes pkt = hex(pkts[i]);

		for (size_t k = 0; k < pkt.n; k++) {
			uint8_t *q = dup_exact(pkt.p, k), out[1300];
			struct quic_packet pk;
			struct anom_set a = { 0 };
			size_t n;
			uint64_t pn;
			enum quic_status st = quic_packet_parse(q, k, &pk, &a);

			if (i < 2)
				CHECK(st != QUIC_OK);
			else if (st == QUIC_OK)
				CHECK(pk.len == k);
			if (st == QUIC_OK && pk.type == QUIC_PT_INITIAL)
				quic_unprotect(&c, &pk, UINT64_MAX, out, sizeof out, &n, &pn, &a);
			quic_sniff(q, k);
			free(q);
		}
		free(pkt.p);
	}
	free(dcid.p);
}

/* Server Initial + client Initial + a Handshake packet in one datagram. */
static void test_coalesced(void)
{
	struct bytes s = hex(v1_server_pkt), c = hex(v1_client_pkt);
	static const uint8_t hs[] = { 0xe0, 0, 0, 0, 1, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,
				      0x14, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
				      14, 15, 16, 17, 18, 19 };
	size_t n = s.n + c.n + sizeof hs, off = 0, count = 0;
	uint8_t *d = malloc(n);
	enum quic_ptype types[3];
	struct anom_set a = { 0 };

	memcpy(d, s.p, s.n);
	memcpy(d + s.n, c.p, c.n);
	memcpy(d + s.n + c.n, hs, sizeof hs);
	while (off < n && count < 3) {
		struct quic_packet pk;

		if (quic_packet_parse(d + off, n - off, &pk, &a) != QUIC_OK)
			break;
		types[count++] = pk.type;
		off += pk.len;
	}
	CHECK(count == 3 && off == n && a.n == 0);
	CHECK(types[0] == QUIC_PT_INITIAL && types[1] == QUIC_PT_INITIAL);
	CHECK(types[2] == QUIC_PT_HANDSHAKE);
	free(d);
	free(s.p);
	free(c.p);
}

static void test_short_and_vn(void)
{
	static const uint8_t vn[] = { 0x80, 0, 0, 0, 0, 4, 1, 2, 3, 4, 2, 9, 9,
				      0, 0, 0, 1, 0x6b, 0x33, 0x43, 0xcf };
	static const uint8_t bad_vn[] = { 0x80, 0, 0, 0, 0, 0, 0, 1, 2, 3 };
	static const uint8_t shorthdr[] = { 0x41, 1, 2, 3, 4, 5 };
	static const uint8_t unknown[] = { 0xc0, 0x12, 0x34, 0x56, 0x78, 0, 0 };
	struct quic_packet pk;
	struct anom_set a = { 0 };
	char buf[12];

	CHECK(quic_packet_parse(vn, sizeof vn, &pk, &a) == QUIC_OK && a.n == 0);
	CHECK(pk.type == QUIC_PT_VN && pk.n_versions == 2 && pk.dcid.len == 4 && pk.scid.len == 2);
	CHECK(quic_sniff(vn, sizeof vn));
	CHECK(quic_packet_parse(bad_vn, sizeof bad_vn, &pk, &a) == QUIC_OK);
	CHECK(anom_has(&a, "quic_bad_version_list") && !quic_sniff(bad_vn, sizeof bad_vn));
	a = (struct anom_set){ 0 };
	CHECK(quic_packet_parse(shorthdr, sizeof shorthdr, &pk, &a) == QUIC_OK);
	CHECK(pk.type == QUIC_PT_SHORT && pk.len == sizeof shorthdr && !quic_sniff(shorthdr, 6));
	CHECK(quic_packet_parse(unknown, sizeof unknown, &pk, &a) == QUIC_BAD);
	CHECK(anom_has(&a, "quic_unknown_version") && !quic_sniff(unknown, sizeof unknown));
	CHECK_STR(quic_version_name(QUIC_V1, buf), "1");
	CHECK_STR(quic_version_name(0xff00001d, buf), "draft-29");
	CHECK_STR(quic_version_name(0x54303531, buf), "T051");
	CHECK_STR(quic_version_name(0x1a2a3a4a, buf), "1a2a3a4a");
	for (size_t k = 0; k < sizeof vn; k++) {
		uint8_t *q = dup_exact(vn, k);

		quic_packet_parse(q, k, &pk, &a);
		free(q);
	}
}

/* RFC 9000 A.3's example, and the edges of the window. */
static void test_pn_decode(void)
{
	CHECK(quic_pn_decode(0xa82f30ea, 0x9b32, 16) == 0xa82f9b32);
	CHECK(quic_pn_decode(UINT64_MAX, 2, 32) == 2);
	CHECK(quic_pn_decode(0xff, 0x01, 8) == 0x101);
	CHECK(quic_pn_decode(0x101, 0xff, 8) == 0xff);
	CHECK(quic_pn_decode(0, 0xff, 8) == 0xff);
}

/* ---- frames ---- */

static void test_frames(void)
{
	static const uint8_t p[] = {
		0x00, 0x00, 0x00,                         /* PADDING */
		0x01,                                     /* PING */
		0x02, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, /* ACK, one extra range */
		0x03, 0x05, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, /* ACK_ECN */
		0x07, 0x02, 0xaa, 0xbb,                   /* NEW_TOKEN */
		0x06, 0x00, 0x03, 'a', 'b', 'c',          /* CRYPTO 0..3 */
		0x06, 0x03, 0x02, 'd', 'e',               /* CRYPTO 3..5 */
		0x1e,                                     /* HANDSHAKE_DONE */
		0x1c, 0x0a, 0x06, 0x03, 'b', 'a', 'd',    /* CONNECTION_CLOSE */
		0x1d, 0x01, 0x00,                         /* a second one: ignored */
	};
	static const uint8_t unknown[] = { 0x01, 0x40, 0x99 };
	static const uint8_t bad[] = { 0x06, 0x00, 0x05, 'a' };
	struct quic_frames f = { 0 };
	struct quic_cstream cs = { 0 };
	struct anom_set a = { 0 };

	CHECK(quic_frames_parse(p, sizeof p, false, &cs, &f, &a) == QUIC_OK && a.n == 0);
	CHECK(f.n_padding == 1 && f.n_ping == 1 && f.n_ack == 2 && f.n_crypto == 2);
	CHECK(f.n_frames == 10 && f.n_other == 2);
	CHECK(cs.contig == 5 && memcmp(cs.buf, "abcde", 5) == 0);
	CHECK(f.close.present && !f.close.app && f.close.code == 0x0a);
	CHECK(f.close.frame_type == 6 && f.close.reason_len == 3);
	CHECK(memcmp(f.close.reason, "bad", 3) == 0);
	CHECK_STR(quic_error_name(f.close.code), "PROTOCOL_VIOLATION");
	CHECK_STR(quic_error_name(0x128), "CRYPTO_ERROR");
	CHECK(quic_error_name(0x5000) == NULL);
	quic_cstream_free(&cs);

	memset(&f, 0, sizeof f);
	CHECK(quic_frames_parse(unknown, sizeof unknown, false, NULL, &f, &a) == QUIC_BAD);
	CHECK(anom_has(&a, "quic_unknown_frame") && f.n_ping == 1);
	CHECK(quic_frames_parse(bad, sizeof bad, false, NULL, &f, &a) == QUIC_BAD);
	CHECK(anom_has(&a, "quic_bad_frame"));

	for (size_t k = 0; k < sizeof p; k++) {
		uint8_t *q = dup_exact(p, k);
		struct quic_cstream c2 = { 0 };

		memset(&f, 0, sizeof f);
		quic_frames_parse(q, k, false, &c2, &f, &a);
		quic_frames_parse(q, k, true, &c2, &f, &a);
		quic_cstream_free(&c2);
		free(q);
	}
}

/* CRYPTO reassembly: out of order, duplicated, overlapping, conflicting,
 * beyond the bound. */
static void test_cstream(void)
{
	uint8_t data[3000];
	struct quic_cstream cs = { 0 };
	struct anom_set a = { 0 };
	uint8_t other[10];

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 31 + 7);
	quic_cstream_push(&cs, 1500, data + 1500, 1500, &a);
	CHECK(cs.contig == 0);
	quic_cstream_push(&cs, 0, data, 1000, &a);
	CHECK(cs.contig == 1000);
	quic_cstream_push(&cs, 900, data + 900, 700, &a);   /* overlaps both sides */
	CHECK(cs.contig == 3000 && memcmp(cs.buf, data, 3000) == 0);
	CHECK(cs.dup_bytes == 200 && a.n == 0);
	quic_cstream_push(&cs, 0, data, 3000, &a);          /* a retransmission */
	CHECK(cs.dup_bytes == 3200 && a.n == 0);
	memset(other, 0xee, sizeof other);
	quic_cstream_push(&cs, 10, other, sizeof other, &a);
	CHECK(anom_has(&a, "quic_crypto_conflict") && cs.conflict_bytes == 10);
	CHECK(memcmp(cs.buf, data, 3000) == 0);             /* the first copy stays */
	quic_cstream_push(&cs, QUIC_CRYPTO_MAX - 4, data, 10, &a);
	CHECK(anom_has(&a, "quic_crypto_overflow") && cs.overflow && cs.contig == 3000);
	quic_cstream_push(&cs, (uint64_t)1 << 40, data, 10, &a);
	CHECK(cs.contig == 3000 && cs.cap <= QUIC_CRYPTO_MAX);
	quic_cstream_free(&cs);
	CHECK(cs.buf == NULL && cs.contig == 0);
}

/* The drafts' 16-bit form of the transport parameters. */
static void test_tp_legacy(void)
{
	static const uint8_t p[] = { 0x00, 0x0c, 0x00, 0x04, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00,
				     0x00, 0x0c, 0x00, 0x00 };
	static const uint8_t cut[] = { 0x00, 0x10, 0x00, 0x04, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00,
				       0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t grease[] = { 0x1b, 0x00, 0x40, 0x3a, 0x01, 0x00 };
	struct quic_tp tp;
	struct anom_set a = { 0 };

	CHECK(quic_tp_parse(p, sizeof p, false, &tp, &a) == 0 && a.n == 0 && tp.n == 2);
	CHECK(tp.p[0].id == 4 && !tp.p[0].is_int && tp.p[0].len == 4 && tp.p[0].raw[1] == 1);
	CHECK(tp.p[1].id == 0x0c && tp.p[1].len == 0);
	CHECK(quic_tp_parse(cut, sizeof cut, false, &tp, &a) == -1);   /* last one cut */
	CHECK(anom_has(&a, "quic_bad_transport_params") && tp.n == 2);
	a = (struct anom_set){ 0 };
	CHECK(quic_tp_parse(grease, sizeof grease, true, &tp, &a) == 0 && a.n == 0);
	CHECK(tp.n == 2 && tp.p[0].id == 27 && tp.p[1].id == 0x3a);
	CHECK_STR(quic_tp_name(27), "grease");
	CHECK_STR(quic_tp_name(27 + 31 * 5), "grease");
	CHECK(quic_tp_name(0x3b) == NULL);
	for (size_t k = 0; k < sizeof p; k++) {
		uint8_t *q = dup_exact(p, k);

		quic_tp_parse(q, k, false, &tp, &a);
		quic_tp_parse(q, k, true, &tp, &a);
		free(q);
	}
}

/* ---- packets protected here, for the versions the RFCs give no samples of ---- */

/* A client Initial of version v with payload pl, packet number pn (2 bytes). */
static struct bytes protect(uint32_t v, const uint8_t *pl, size_t pln, uint16_t pn)
{
	static const uint8_t dcid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, scid[4] = { 9, 9, 9, 9 };
	struct prot pr = { v, dcid, scid, 8, 4, pn, false, QUIC_PT_INITIAL, dcid, 8, v };

	return quic_protect(&pr, pl, pln);
}

/* Decrypts b and collects its handshake stream into cs. */
static void open_initial(struct bytes b, bool gquic, struct quic_cstream *cs, uint64_t want_pn)
{
	struct quic_packet pk;
	struct quic_keys c, s;
	struct anom_set a = { 0 };
	struct quic_frames f = { 0 };
	uint8_t out[4096];
	size_t n = 0;
	uint64_t pn = 0;

	CHECK(quic_sniff(b.p, b.n));
	CHECK(quic_packet_parse(b.p, b.n, &pk, &a) == QUIC_OK && pk.type == QUIC_PT_INITIAL);
	CHECK(quic_initial_keys(pk.version, pk.dcid.b, pk.dcid.len, &c, &s));
	CHECK(quic_unprotect(&c, &pk, UINT64_MAX, out, sizeof out, &n, &pn, &a) == QUIC_OK);
	CHECK(pn == want_pn && a.n == 0);
	CHECK(quic_frames_parse(out, n, gquic, cs, &f, &a) == QUIC_OK && a.n == 0);
}

static void test_other_versions(void)
{
	static const uint32_t ietf[] = { 0xff00001d, 0xff000020, 0xff000017, 0xff000022,
					 0xfaceb002, QUIC_V2 };
	struct bytes cf = hex(v1_crypto_frame);

	for (size_t i = 0; i < sizeof ietf / sizeof ietf[0]; i++) {
		struct quic_cstream cs = { 0 };
		struct bytes b = protect(ietf[i], cf.p, cf.n, 0x0102);

		open_initial(b, false, &cs, 0x0102);
		check_client_hello(&cs);
		quic_cstream_free(&cs);
		free(b.p);
	}
	/* T051: the same ClientHello in gQUIC's CRYPTO frame (type 0x08). */
	{
		struct quic_cstream cs = { 0 };
		struct bytes b;

		cf.p[0] = 0x08;
		b = protect(0x54303531, cf.p, cf.n, 7);
		open_initial(b, true, &cs, 7);
		check_client_hello(&cs);
		quic_cstream_free(&cs);
		free(b.p);
	}
	free(cf.p);
}

/* ---- Google QUIC ---- */

static size_t build_chlo(uint8_t *d)
{
	static const char sni[] = "www.example.org", ua[] = "Chrome/90.0 Linux";
	size_t n = 0, end = 0;
	struct { const char *tag, *val; size_t len; } t[] = {
		{ "SNI", sni, sizeof sni - 1 }, { "VER", "Q046", 4 }, { "UAID", ua, sizeof ua - 1 },
	};

	memcpy(d, "CHLO", 4);
	d[4] = 3, d[5] = 0, d[6] = 0, d[7] = 0;
	n = 8;
	for (size_t i = 0; i < 3; i++) {
		memset(d + n, 0, 4);
		memcpy(d + n, t[i].tag, strlen(t[i].tag));
		end += t[i].len;
		d[n + 4] = (uint8_t)end, d[n + 5] = (uint8_t)(end >> 8), d[n + 6] = 0, d[n + 7] = 0;
		n += 8;
	}
	for (size_t i = 0; i < 3; i++) {
		memcpy(d + n, t[i].val, t[i].len);
		n += t[i].len;
	}
	return n;
}

static void check_chlo(const uint8_t *p, size_t n)
{
	struct gquic_chlo ch;
	struct anom_set a = { 0 };

	CHECK(gquic_chlo_parse(p, n, &ch, &a) == QUIC_OK && a.n == 0);
	CHECK(ch.has_sni && ch.sni_len == 15 && memcmp(ch.sni, "www.example.org", 15) == 0);
	CHECK(ch.has_ver && memcmp(ch.ver, "Q046", 4) == 0);
	CHECK(ch.has_uaid && ch.uaid_len == 17 && memcmp(ch.uaid, "Chrome/90.0 Linux", 17) == 0);
	CHECK(ch.n_tags == 3 && ch.n_tags_total == 3);
}

static void test_chlo(void)
{
	uint8_t d[256];
	size_t n = build_chlo(d);
	struct gquic_chlo ch;
	struct anom_set a = { 0 };

	check_chlo(d, n);
	for (size_t k = 0; k < n; k++) {
		uint8_t *q = dup_exact(d, k);

		CHECK(gquic_chlo_parse(q, k, &ch, &a) != QUIC_OK);
		free(q);
	}
	d[0] = 'S';
	CHECK(gquic_chlo_parse(d, n, &ch, &a) == QUIC_BAD && anom_has(&a, "gquic_bad_chlo"));
	d[0] = 'C';
	d[12] = 0xff;   /* SNI's end offset past the values */
	CHECK(gquic_chlo_parse(d, n, &ch, &a) != QUIC_OK);
}

/* A clear-text client packet, Q043 (public header) or Q046 (long header). */
static size_t build_old(uint8_t *d, bool q046)
{
	size_t n = 0, cl;
	uint8_t chlo[256];

	if (q046) {
		memcpy(d, "\xc3Q046\x50", 6);
		n = 6;
		memcpy(d + n, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
		n += 8;
		memcpy(d + n, "\0\0\0\1", 4);
		n += 4;
	} else {
		d[n++] = 0x09;
		memcpy(d + n, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
		n += 8;
		memcpy(d + n, "Q043", 4);
		n += 4;
		d[n++] = 1;
	}
	memset(d + n, 0x5a, 12);   /* message hash (not checked) */
	n += 12;
	cl = build_chlo(chlo);
	d[n++] = 0xa0;
	d[n++] = 0x01;
	d[n++] = (uint8_t)(cl >> 8);
	d[n++] = (uint8_t)cl;
	memcpy(d + n, chlo, cl);
	n += cl;
	memset(d + n, 0, 40);
	return n + 40;
}

static void test_gquic_old(void)
{
	for (int q046 = 0; q046 < 2; q046++) {
		uint8_t d[512];
		size_t n = build_old(d, q046);
		struct quic_packet pk;
		struct quic_cstream cs = { 0 };
		struct anom_set a = { 0 };
		uint64_t base = UINT64_MAX;

		CHECK(quic_sniff(d, n));
		CHECK(quic_packet_parse(d, n, &pk, &a) == QUIC_OK && pk.type == QUIC_PT_GQUIC);
		CHECK(pk.version == (q046 ? 0x51303436u : 0x51303433u));
		CHECK(gquic_old_packet(&pk, &cs, &base, &a) == QUIC_OK && a.n == 0);
		check_chlo(cs.buf, cs.contig);
		quic_cstream_free(&cs);
		for (size_t k = 0; k < n; k++) {
			uint8_t *q = dup_exact(d, k);

			base = UINT64_MAX;
			if (quic_packet_parse(q, k, &pk, &a) == QUIC_OK && pk.type == QUIC_PT_GQUIC)
				gquic_old_packet(&pk, &cs, &base, &a);
			quic_cstream_free(&cs);
			free(q);
		}
	}
}

/* Q050: the CHLO in a protected Initial, gQUIC frame 0x08. */
static void test_q050(void)
{
	uint8_t pl[300];
	size_t n;
	struct bytes b;
	struct quic_cstream cs = { 0 };

	n = build_chlo(pl + 4);
	pl[0] = 0x08, pl[1] = 0x00, pl[2] = (uint8_t)(0x40 | n >> 8), pl[3] = (uint8_t)n;
	memset(pl + 4 + n, 0, 20);
	b = protect(0x51303530, pl, n + 24, 1);
	open_initial(b, true, &cs, 1);
	check_chlo(cs.buf, cs.contig);
	quic_cstream_free(&cs);
	free(b.p);
}

/* The tls_hs.c hook: both codepoints (0x39 kept), and a body over the
 * 512 bytes kept. */
static void test_tp_hook(void)
{
	static uint8_t ch[1024];
	static struct tls_client_hello h;
	struct anom_set a = { 0 };
	size_t n = 0, ext_at;

	ch[n++] = 3, ch[n++] = 3;
	memset(ch + n, 7, 32), n += 32;
	ch[n++] = 0;                                   /* session id */
	ch[n++] = 0, ch[n++] = 2, ch[n++] = 0x13, ch[n++] = 0x01;
	ch[n++] = 1, ch[n++] = 0;                      /* compression */
	ext_at = n;
	n += 2;
	ch[n++] = 0xff, ch[n++] = 0xa5, ch[n++] = 0, ch[n++] = 2, ch[n++] = 0x01, ch[n++] = 0x00;
	ch[n++] = 0x00, ch[n++] = 0x39, ch[n++] = 0x02, ch[n++] = 0x58;   /* 600 bytes */
	for (int i = 0; i < 600; i += 3)
		ch[n++] = 0x20, ch[n++] = 1, ch[n++] = (uint8_t)i;   /* id 0x20, len 1 */
	ch[ext_at] = (uint8_t)((n - ext_at - 2) >> 8), ch[ext_at + 1] = (uint8_t)(n - ext_at - 2);
	memset(&h, 0, sizeof h);
	CHECK(tls_parse_client_hello(ch, n, &h, &a) == 0);
	CHECK(h.quic_tp_ext == 0x39 && h.quic_tp_truncated && h.quic_tp_len == TLS_QUIC_TP_BUF);
	CHECK(anom_has(&a, "list_truncated") && !anom_has(&a, "extension_trailing_bytes"));
	CHECK(h.quic_tp[0] == 0x20 && h.quic_tp[3] == 0x20 && h.quic_tp[5] == 3);
}

int main(void)
{
	const struct vectors *vs[] = { &rfc9001, &rfc9369 };

	for (size_t i = 0; i < 2; i++) {
		test_keys(vs[i]);
		test_client_initial(vs[i]);
		test_server_initial(vs[i]);
		test_retry(vs[i]);
		test_prefixes(vs[i]);
	}
	test_expand_label();
	test_coalesced();
	test_short_and_vn();
	test_pn_decode();
	test_frames();
	test_cstream();
	test_tp_legacy();
	test_other_versions();
	test_chlo();
	test_gquic_old();
	test_q050();
	test_tp_hook();
	return TT_DONE();
}
