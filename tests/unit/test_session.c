/*
 * Unit tests for src/session.c and src/session_emit.c: hand-built TLS
 * conversations fed the way reassembly feeds them (whole, byte by byte, in
 * random chunks, with unconsumed bytes presented again), checked through
 * the emitted tls.* object; and a key log followed while its writers fill it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../parsers/tls_decrypt.h"
#include "../../parsers/tls_keylog.h"
#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/keylog_follow.h"
#include "../../src/verdict.h"
#include "../../src/session.h"
#include "../../src/tls_core.h"
#include "tt_seal.h"
#include "tt_test.h"
#include "tt_session.h"

static void fill(struct buf *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		u8(b, (seed + i * 7) & 0xff);
}

/* Length-prefixed blocks: open returns the position, close patches it. */
static size_t open_len(struct buf *b, int width)
{
	size_t at = b->n;
	for (int i = 0; i < width; i++)
		u8(b, 0);
	return at;
}

static void close_len(struct buf *b, size_t at, int width)
{
	size_t len = b->n - at - (size_t)width;
	for (int i = width - 1; i >= 0; i--) {
		b->b[at + (size_t)i] = (uint8_t)(len & 0xff);
		len >>= 8;
	}
}

static size_t hs_open(struct buf *b, unsigned type)
{
	u8(b, type);
	return open_len(b, 3);
}

/* A record of type around body. */
static void record(struct buf *out, unsigned type, const uint8_t *body, size_t n)
{
	u8(out, type);
	u16(out, 0x0303);
	u16(out, (unsigned)n);
	bytes(out, body, n);
}

/* Handshake messages in hs, cut into records of at most `max` bytes. */
static void hs_records(struct buf *out, const struct buf *hs, size_t max)
{
	for (size_t off = 0; off < hs->n; off += max) {
		size_t k = hs->n - off < max ? hs->n - off : max;
		record(out, 22, hs->b + off, k);
	}
}

static void ext_begin(struct buf *b, unsigned code, size_t *at)
{
	u16(b, code);
	*at = open_len(b, 2);
}

struct ch_opts {
	bool tls13;
	const uint8_t *sid;
	size_t sid_len;
	unsigned share;         /* key_share group */
	bool psk;
	bool ticket;
	const char *host;       /* server_name, default example.com */
	bool early;             /* early_data (42) */
};

static void client_hello(struct buf *hs, const struct ch_opts *o)
{
	size_t m = hs_open(hs, 1), v, e, x, y;
	const char *host = o->host ? o->host : "example.com";
	size_t hl = strlen(host);

	u16(hs, 0x0303);
	fill(hs, 32, 1);
	u8(hs, (unsigned)o->sid_len);
	bytes(hs, o->sid, o->sid_len);
	v = open_len(hs, 2);
	u16(hs, 0x0a0a);        /* GREASE */
	if (o->tls13) {
		u16(hs, 0x1301);
		u16(hs, 0x1302);
	}
	u16(hs, 0xc02f);
	u16(hs, 0x009c);
	close_len(hs, v, 2);
	u8(hs, 1);
	u8(hs, 0);
	e = open_len(hs, 2);
	ext_begin(hs, 0, &x);   /* server_name */
	y = open_len(hs, 2);
	u8(hs, 0);
	u16(hs, (unsigned)hl);
	bytes(hs, host, hl);
	close_len(hs, y, 2);
	close_len(hs, x, 2);
	ext_begin(hs, 10, &x);  /* supported_groups */
	y = open_len(hs, 2);
	u16(hs, 0x001d);
	u16(hs, 0x0017);
	close_len(hs, y, 2);
	close_len(hs, x, 2);
	ext_begin(hs, 11, &x);  /* ec_point_formats */
	u8(hs, 1);
	u8(hs, 0);
	close_len(hs, x, 2);
	ext_begin(hs, 13, &x);  /* signature_algorithms */
	y = open_len(hs, 2);
	u16(hs, 0x0403);
	u16(hs, 0x0804);
	close_len(hs, y, 2);
	close_len(hs, x, 2);
	ext_begin(hs, 16, &x);  /* ALPN */
	y = open_len(hs, 2);
	u8(hs, 2);
	bytes(hs, "h2", 2);
	u8(hs, 8);
	bytes(hs, "http/1.1", 8);
	close_len(hs, y, 2);
	close_len(hs, x, 2);
	if (o->ticket) {
		ext_begin(hs, 35, &x);
		fill(hs, 48, 9);
		close_len(hs, x, 2);
	}
	if (o->tls13) {
		ext_begin(hs, 43, &x);  /* supported_versions */
		u8(hs, 4);
		u16(hs, 0x0304);
		u16(hs, 0x0303);
		close_len(hs, x, 2);
		ext_begin(hs, 45, &x);  /* psk_key_exchange_modes */
		u8(hs, 1);
		u8(hs, 1);
		close_len(hs, x, 2);
		ext_begin(hs, 51, &x);  /* key_share */
		y = open_len(hs, 2);
		u16(hs, o->share ? o->share : 0x001d);
		u16(hs, 32);
		fill(hs, 32, 3);
		close_len(hs, y, 2);
		close_len(hs, x, 2);
	}
	if (o->early) {
		ext_begin(hs, 42, &x);  /* early_data: empty in a ClientHello */
		close_len(hs, x, 2);
	}
	if (o->psk) {
		ext_begin(hs, 41, &x);  /* pre_shared_key: last */
		y = open_len(hs, 2);
		u16(hs, 16);
		fill(hs, 16, 5);
		u16(hs, 0);
		u16(hs, 0);
		close_len(hs, y, 2);
		y = open_len(hs, 2);
		u8(hs, 32);
		fill(hs, 32, 6);
		close_len(hs, y, 2);
		close_len(hs, x, 2);
	}
	close_len(hs, e, 2);
	close_len(hs, m, 3);
}

static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

struct sh_opts {
	bool tls13, hrr, psk;
	unsigned cipher;
	const uint8_t *sid;
	size_t sid_len;
	bool alpn;
	unsigned version;               /* supported_versions, 0: 0x0304 */
};

/* Protocol version of the TLS 1.3 ServerHellos tls13_flights builds. */
static unsigned tls13_version = 0x0304;

static void server_hello(struct buf *hs, const struct sh_opts *o)
{
	size_t m = hs_open(hs, 2), e, x, y;

	u16(hs, 0x0303);
	if (o->hrr)
		bytes(hs, hrr_random, 32);
	else
		fill(hs, 32, 2);
	u8(hs, (unsigned)o->sid_len);
	bytes(hs, o->sid, o->sid_len);
	u16(hs, o->cipher);
	u8(hs, 0);
	e = open_len(hs, 2);
	if (o->tls13) {
		ext_begin(hs, 43, &x);
		u16(hs, o->version ? o->version : 0x0304);
		close_len(hs, x, 2);
		ext_begin(hs, 51, &x);
		u16(hs, 0x001d);
		if (!o->hrr) {
			u16(hs, 32);
			fill(hs, 32, 4);
		}
		close_len(hs, x, 2);
		if (o->hrr) {           /* a cookie, as stateless servers send */
			ext_begin(hs, 44, &x);
			y = open_len(hs, 2);
			fill(hs, 16, 5);
			close_len(hs, y, 2);
			close_len(hs, x, 2);
		}
		if (o->psk) {
			ext_begin(hs, 41, &x);
			u16(hs, 0);
			close_len(hs, x, 2);
		}
	} else {
		ext_begin(hs, 0xff01, &x);
		u8(hs, 0);
		close_len(hs, x, 2);
		if (o->alpn) {
			ext_begin(hs, 16, &x);
			y = open_len(hs, 2);
			u8(hs, 2);
			bytes(hs, "h2", 2);
			close_len(hs, y, 2);
			close_len(hs, x, 2);
		}
	}
	close_len(hs, e, 2);
	close_len(hs, m, 3);
}

/* A small DER that is not a certificate: x509_cert_get still gives an object. */
static const uint8_t fake_der[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02 };

static void certificate(struct buf *hs, int n)
{
	size_t m = hs_open(hs, 11), l = open_len(hs, 3);
	for (int i = 0; i < n; i++) {
		u24(hs, sizeof fake_der);
		bytes(hs, fake_der, sizeof fake_der);
	}
	close_len(hs, l, 3);
	close_len(hs, m, 3);
}

static void server_key_exchange(struct buf *hs)
{
	size_t m = hs_open(hs, 12);
	u8(hs, 3);
	u16(hs, 0x001d);
	u8(hs, 32);
	fill(hs, 32, 7);
	u16(hs, 0x0804);
	u16(hs, 64);
	fill(hs, 64, 8);
	close_len(hs, m, 3);
}

static void cert_request(struct buf *hs)
{
	size_t m = hs_open(hs, 13), l, d;
	u8(hs, 2);
	u8(hs, 1);
	u8(hs, 64);
	u16(hs, 2);
	u16(hs, 0x0401);
	l = open_len(hs, 2);
	d = open_len(hs, 2);
	u8(hs, 0x30);
	u8(hs, 0x00);
	close_len(hs, d, 2);
	close_len(hs, l, 2);
	close_len(hs, m, 3);
}

static void empty_msg(struct buf *hs, unsigned type)
{
	size_t m = hs_open(hs, type);
	close_len(hs, m, 3);
}

static void client_key_exchange(struct buf *hs)
{
	size_t m = hs_open(hs, 16);
	u8(hs, 32);
	fill(hs, 32, 9);
	close_len(hs, m, 3);
}

static void certificate_verify(struct buf *hs)
{
	size_t m = hs_open(hs, 15);
	u16(hs, 0x0401);
	u16(hs, 32);
	fill(hs, 32, 10);
	close_len(hs, m, 3);
}

static void new_session_ticket(struct buf *hs)
{
	size_t m = hs_open(hs, 4);
	u8(hs, 0);
	u8(hs, 0);
	u8(hs, 0x1c);
	u8(hs, 0x20);   /* lifetime 7200 */
	u16(hs, 32);
	fill(hs, 32, 11);
	close_len(hs, m, 3);
}

static void ccs(struct buf *out)
{
	static const uint8_t one = 1;
	record(out, 20, &one, 1);
}

static void opaque(struct buf *out, unsigned type, size_t n, unsigned seed)
{
	struct buf body = { .n = 0 };
	fill(&body, n, seed);
	record(out, type, body.b, body.n);
}

static void alert(struct buf *out, unsigned level, unsigned desc)
{
	uint8_t b[2] = { (uint8_t)level, (uint8_t)desc };
	record(out, 21, b, 2);
}

/* ---- a conversation: flights in order, each from one side ---- */

#define MAX_FLIGHTS 12

struct conv {
	int dir[MAX_FLIGHTS];
	struct buf *data[MAX_FLIGHTS];
	int n;
};

static struct buf *flight(struct conv *cv, int dir)
{
	struct buf *b = calloc(1, sizeof *b);
	cv->dir[cv->n] = dir;
	cv->data[cv->n++] = b;
	return b;
}

static void conv_free(struct conv *cv)
{
	for (int i = 0; i < cv->n; i++)
		free(cv->data[i]);
	cv->n = 0;
}

enum mode { WHOLE, BYTES, CHUNKS };

/* Reassembly's side of the contract: unconsumed bytes come back first,
 * each push in an exact-size allocation (ASan catches overreads). */
struct feeder {
	struct session *s;
	uint8_t *pend[2];
	size_t plen[2];
	uint32_t rnd;
	uint64_t ts;
};

static void feed(struct feeder *f, int dir, const uint8_t *p, size_t n)
{
	uint8_t *buf;
	size_t all = f->plen[dir] + n, used;

	f->ts += 1000;
	if (!session_wants_data(f->s)) {
		session_note_payload(f->s, dir, n, f->ts);
		return;
	}
	buf = malloc(all ? all : 1);
	if (f->plen[dir])
		memcpy(buf, f->pend[dir], f->plen[dir]);
	memcpy(buf + f->plen[dir], p, n);
	used = session_push(f->s, dir, buf, all, f->ts);
	CHECK(used <= all);
	free(f->pend[dir]);
	f->pend[dir] = NULL;
	f->plen[dir] = all - used;
	if (f->plen[dir]) {
		f->pend[dir] = malloc(f->plen[dir]);
		memcpy(f->pend[dir], buf + used, f->plen[dir]);
	}
	free(buf);
}

static void feed_mode(struct feeder *f, int dir, const uint8_t *p, size_t n, enum mode m)
{
	size_t off = 0;

	while (off < n) {
		size_t k = n - off;
		if (m == BYTES)
			k = 1;
		else if (m == CHUNKS) {
			f->rnd = f->rnd * 1103515245u + 12345u;
			k = 1 + (f->rnd >> 16) % 97;
			if (k > n - off)
				k = n - off;
		}
		feed(f, dir, p + off, k);
		off += k;
	}
}

static void feeder_init(struct feeder *f, int syn_side)
{
	memset(f, 0, sizeof *f);
	f->s = session_new(&ctx, syn_side);
	f->rnd = 42;
	f->ts = 1700000000ull * 1000000000ull;
}

static void feeder_done(struct feeder *f)
{
	free(f->pend[0]);
	free(f->pend[1]);
	session_free(f->s);
}

/* Runs cv (client side `client`) and returns the record's tls object as a
 * new reference; flow end applied when finish. */
static json_t *run(const struct conv *cv, int client, enum mode m, bool finish)
{
	struct feeder f;
	json_t *root, *tls;

	feeder_init(&f, client);
	for (int i = 0; i < cv->n; i++) {
		int dir = cv->dir[i] ? !client : client;
		feed_mode(&f, dir, cv->data[i]->b, cv->data[i]->n, m);
	}
	if (finish)
		session_finish(f.s, f.ts);
	root = tt_emit_root(f.s, session_client_side(f.s) < 0 ? 0 : session_client_side(f.s));
	tls = json_object_get(root, "tls");
	if (getenv("TEST_SESSION_DUMP")) {
		char *d = json_dumps(tls, JSON_COMPACT);
		fprintf(stderr, "%s\n", d);
		free(d);
	}
	json_incref(tls);
	json_decref(root);
	feeder_done(&f);
	return tls;
}

/* ---- JSON helpers ---- */

static json_t *jget(json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while (o && (dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);
		memcpy(key, path, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return o ? json_object_get(o, path) : NULL;
}

static const char *jstr(json_t *o, const char *path)
{
	return json_string_value(jget(o, path));
}

static int jbool(json_t *o, const char *path)
{
	json_t *v = jget(o, path);
	return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* The array at path joined with ',' (static buffer). */
static const char *jjoin(json_t *o, const char *path)
{
	static char out[4096];
	json_t *a = jget(o, path), *v;
	size_t i, n = 0;

	out[0] = '\0';
	json_array_foreach(a, i, v) {
		char tmp[64];
		const char *s = json_string_value(v);
		if (!s) {
			snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
			s = tmp;
		}
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? "," : "", s);
	}
	return out;
}

static bool jhas(json_t *o, const char *path, const char *want)
{
	json_t *a = jget(o, path), *v;
	size_t i;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
			return true;
	return false;
}

/* ---- conversations ---- */

static const uint8_t sid_a[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

static int n_certs = 2;         /* server chain length in tls12_full */

/* per_msg: each server handshake message in a record of its own. */
static void tls12_full_x(struct conv *cv, size_t max_rec, bool mutual, bool per_msg)
{
	struct ch_opts co = { 0 };
	struct sh_opts so = { .cipher = 0xc02f, .alpn = true, .sid = sid_a, .sid_len = 32 };
	struct buf hs = { .n = 0 }, *b;

#define FLUSH() do { if (per_msg) { hs_records(b, &hs, max_rec); hs.n = 0; } } while (0)
	b = flight(cv, 0);
	client_hello(&hs, &co);
	hs_records(b, &hs, max_rec);

	b = flight(cv, 1);
	hs.n = 0;
	server_hello(&hs, &so);
	FLUSH();
	certificate(&hs, n_certs);
	FLUSH();
	server_key_exchange(&hs);
	FLUSH();
	if (mutual)
		cert_request(&hs);
	FLUSH();
	empty_msg(&hs, 14);
	hs_records(b, &hs, max_rec);
#undef FLUSH

	b = flight(cv, 0);
	hs.n = 0;
	if (mutual)
		certificate(&hs, 1);
	client_key_exchange(&hs);
	if (mutual)
		certificate_verify(&hs);
	hs_records(b, &hs, max_rec);
	ccs(b);
	opaque(b, 22, 40, 1);

	b = flight(cv, 1);
	ccs(b);
	opaque(b, 22, 40, 2);

	b = flight(cv, 0);
	opaque(b, 23, 300, 3);
	b = flight(cv, 1);
	opaque(b, 23, 900, 4);
}

static void tls12_full(struct conv *cv, size_t max_rec, bool mutual)
{
	tls12_full_x(cv, max_rec, mutual, false);
}

/* tls.handshake_timeline: the messages of handshake_messages (and the
 * alerts and first application data records), a length each, offsets that
 * never go back from the ClientHello's 0, and the duration to the decision.
 * Removes the time fields afterwards, so that records fed in different
 * pieces can be compared. */
static void check_timeline(json_t *t)
{
	json_t *tl = jget(t, "handshake_timeline"), *hm = jget(t, "handshake_messages");
	size_t j = 0;
	json_int_t last = 0;

	CHECK(json_array_size(tl) >= json_array_size(hm));
	for (size_t i = 0; i < json_array_size(tl); i++) {
		json_t *e = json_array_get(tl, i);
		const char *m = json_string_value(json_object_get(e, "message"));
		const char *from = json_string_value(json_object_get(e, "from"));
		json_int_t off = json_integer_value(json_object_get(e, "offset"));
		char item[64];

		CHECK(m && from && json_integer_value(json_object_get(e, "length")) > 0);
		CHECK(off >= last);
		if (i == 0)
			CHECK(off == 0);
		last = off;
		if (!m || strcmp(m, "alert") == 0 || strcmp(m, "application_data") == 0)
			continue;
		snprintf(item, sizeof item, "%s:%s", from ? from : "?", m);
		CHECK_STR(json_string_value(json_array_get(hm, j)), item);
		j++;
		json_object_del(e, "offset");
	}
	CHECK(j == json_array_size(hm));
	CHECK(json_integer_value(jget(t, "handshake_duration")) == last);
	json_object_del(t, "handshake_duration");
	for (size_t i = 0; i < json_array_size(tl); i++)
		json_object_del(json_array_get(tl, i), "offset");
}

static void test_tls12_full(void)
{
	struct conv cv = { .n = 0 };
	char *ref = NULL;

	tls12_full(&cv, 16384, false);
	for (int m = WHOLE; m <= CHUNKS; m++) {
		json_t *t = run(&cv, 0, (enum mode)m, true);
		char *dump = json_dumps(t, JSON_SORT_KEYS | JSON_COMPACT);

		CHECK_STR(jstr(t, "outcome"), "established");
		CHECK(jbool(t, "established") == 1);
		CHECK(jbool(t, "resumed") == 0);
		CHECK(!jget(t, "failure"));
		CHECK_STR(jstr(t, "version"), "1.2");
		CHECK_STR(jstr(t, "version_protocol"), "tls");
		CHECK_STR(jstr(t, "cipher"), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
		CHECK_STR(jstr(t, "curve"), "x25519");
		CHECK_STR(jstr(t, "next_protocol"), "h2");
		CHECK_STR(jstr(t, "compression"), "null");
		CHECK_STR(jstr(t, "authentication"), "one_way");
		CHECK_STR(jjoin(t, "handshake_messages"),
			  "client:client_hello,server:server_hello,server:certificate,"
			  "server:server_key_exchange,server:server_hello_done,"
			  "client:client_key_exchange,client:change_cipher_spec,client:finished,"
			  "server:change_cipher_spec,server:finished");
		CHECK_STR(jstr(t, "client.server_name"), "example.com");
		CHECK_STR(jjoin(t, "client.supported_ciphers"),
			  "GREASE,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_GCM_SHA256");
		CHECK_STR(jstr(t, "client.version"), "0x0303");
		CHECK_STR(jjoin(t, "client.alpn"), "h2,http/1.1");
		CHECK_STR(jjoin(t, "client.supported_groups"), "x25519,secp256r1");
		CHECK_STR(jjoin(t, "client.extensions"), "0,10,11,13,16");
		CHECK(jstr(t, "client.ja3") && strlen(jstr(t, "client.ja3")) == 32);
		CHECK(jstr(t, "client.ja4") != NULL);
		CHECK(jstr(t, "server.ja3s") && strlen(jstr(t, "server.ja3s")) == 32);
		CHECK_STR(jstr(t, "server.key_exchange.method"), "ecdhe");
		CHECK_STR(jstr(t, "server.key_exchange.group"), "x25519");
		CHECK_STR(jstr(t, "server.key_exchange.signature_algorithm"), "rsa_pss_rsae_sha256");
		CHECK_STR(jstr(t, "server.session_id"),
			  "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
		CHECK(json_array_size(jget(t, "server.chain")) == 2);
		CHECK(!jget(t, "alerts"));
		check_timeline(t);
		/* Offsets and the duration follow the pieces' times (each push is
		 * a microsecond later); names and lengths must not. */
		free(dump);
		dump = json_dumps(t, JSON_SORT_KEYS | JSON_COMPACT);
		if (!ref)
			ref = dump;
		else {
			/* whole, byte by byte and chunked: the same record */
			CHECK(dump && strcmp(ref, dump) == 0);
			free(dump);
		}
		json_decref(t);
	}
	free(ref);
	conv_free(&cv);

	/* Handshake messages cut into 7-byte records: joined again. */
	tls12_full(&cv, 7, false);
	{
		json_t *t = run(&cv, 0, CHUNKS, true);
		CHECK_STR(jstr(t, "outcome"), "established");
		CHECK(jhas(t, "handshake_messages", "server:server_hello_done"));
		CHECK(json_array_size(jget(t, "server.chain")) == 2);
		json_decref(t);
	}
	conv_free(&cv);

	/* Mutual authentication. */
	tls12_full(&cv, 16384, true);
	{
		json_t *t = run(&cv, 0, WHOLE, true);
		CHECK_STR(jstr(t, "outcome"), "established");
		CHECK_STR(jstr(t, "authentication"), "two_way");
		CHECK_STR(jjoin(t, "server.certificate_request.certificate_types"), "rsa_sign,ecdsa_sign");
		CHECK_STR(jjoin(t, "server.certificate_request.signature_algorithms"),
			  "rsa_pkcs1_sha256");
		CHECK_STR(jjoin(t, "server.certificate_request.authorities"), "");   /* the empty Name */
		CHECK_STR(jstr(t, "client.certificate_verify.signature_algorithm"),
			  "rsa_pkcs1_sha256");
		CHECK(json_array_size(jget(t, "client.chain")) == 1);
		CHECK(jhas(t, "handshake_messages", "client:certificate_verify"));
		json_decref(t);
	}
	conv_free(&cv);
}

/* Every truncated prefix of each direction: no crash, never more consumed
 * than offered, and the outcome is not established. */
static void test_prefixes(void)
{
	struct conv cv = { .n = 0 };
	struct buf *all = calloc(1, sizeof *all);

	tls12_full(&cv, 16384, true);
	for (int i = 0; i < cv.n; i++)
		if (cv.dir[i] == 0)
			bytes(all, cv.data[i]->b, cv.data[i]->n);
	for (size_t n = 0; n <= all->n; n++) {
		struct feeder f;
		uint8_t *p;
		size_t used;

		feeder_init(&f, 0);
		p = malloc(n ? n : 1);
		memcpy(p, all->b, n);
		used = session_push(f.s, 0, p, n, 1);
		CHECK(used <= n);
		session_finish(f.s, 2);
		/* decided, unless too few bytes arrived to tell TLS at all */
		CHECK(session_decided(f.s) || (!session_is_tls(f.s) && n < 11));
		free(p);
		feeder_done(&f);
	}
	free(all);
	conv_free(&cv);
}

static void test_tls12_resumption(void)
{
	struct conv cv = { .n = 0 };
	struct ch_opts co = { .sid = sid_a, .sid_len = 32 };
	struct sh_opts so = { .cipher = 0xc02f, .sid = sid_a, .sid_len = 32 };
	struct buf hs = { .n = 0 }, *b;
	json_t *t;

	b = flight(&cv, 0);
	client_hello(&hs, &co);
	hs_records(b, &hs, 16384);
	b = flight(&cv, 1);
	hs.n = 0;
	server_hello(&hs, &so);
	hs_records(b, &hs, 16384);
	ccs(b);
	opaque(b, 22, 40, 1);
	b = flight(&cv, 0);
	ccs(b);
	opaque(b, 22, 40, 2);
	for (int m = WHOLE; m <= CHUNKS; m++) {
		t = run(&cv, 0, (enum mode)m, false);
		CHECK_STR(jstr(t, "outcome"), "established");
		CHECK(jbool(t, "resumed") == 1);
		CHECK_STR(jstr(t, "authentication"), "unknown");
		CHECK(!jget(t, "server.key_exchange"));
		CHECK_STR(jjoin(t, "handshake_messages"),
			  "client:client_hello,server:server_hello,server:change_cipher_spec,"
			  "server:finished,client:change_cipher_spec,client:finished");
		json_decref(t);
	}
	conv_free(&cv);

	/* Ticket resumption: empty session id, NewSessionTicket, CCS. */
	co.sid_len = 0;
	co.ticket = true;
	so.sid_len = 0;
	b = flight(&cv, 0);
	hs.n = 0;
	client_hello(&hs, &co);
	hs_records(b, &hs, 16384);
	b = flight(&cv, 1);
	hs.n = 0;
	server_hello(&hs, &so);
	new_session_ticket(&hs);
	hs_records(b, &hs, 16384);
	ccs(b);
	opaque(b, 22, 40, 1);
	b = flight(&cv, 0);
	ccs(b);
	opaque(b, 22, 40, 2);
	t = run(&cv, 0, CHUNKS, false);
	CHECK_STR(jstr(t, "outcome"), "established");
	CHECK(jbool(t, "resumed") == 1);
	CHECK(json_integer_value(jget(t, "server.ticket_lifetime_hint")) == 7200);
	json_decref(t);
	conv_free(&cv);
}

static void tls13_flights(struct conv *cv, bool hrr, bool psk, size_t client_fin)
{
	struct ch_opts co = { .tls13 = true, .sid = sid_a, .sid_len = 32, .psk = psk };
	struct sh_opts so = { .tls13 = true, .cipher = 0x1301, .sid = sid_a, .sid_len = 32,
			      .psk = psk, .version = tls13_version };
	struct buf hs = { .n = 0 }, *b;

	b = flight(cv, 0);
	if (hrr)
		co.share = 0x0017;
	client_hello(&hs, &co);
	hs_records(b, &hs, 16384);
	if (hrr) {
		struct sh_opts ho = so;
		ho.hrr = true;
		b = flight(cv, 1);
		hs.n = 0;
		server_hello(&hs, &ho);
		hs_records(b, &hs, 16384);
		ccs(b);
		b = flight(cv, 0);
		ccs(b);
		hs.n = 0;
		co.share = 0x001d;
		client_hello(&hs, &co);
		hs_records(b, &hs, 16384);
	}
	b = flight(cv, 1);
	hs.n = 0;
	server_hello(&hs, &so);
	hs_records(b, &hs, 16384);
	if (!hrr)
		ccs(b);
	opaque(b, 23, psk ? 100 : 2500, 5);
	b = flight(cv, 0);
	if (!hrr)
		ccs(b);
	opaque(b, 23, client_fin, 6);
}

static void test_tls13(void)
{
	struct conv cv = { .n = 0 };
	json_t *t;

	/* Full: client Finished (53 bytes), then the client's request. */
	tls13_flights(&cv, false, false, 53);
	opaque(flight(&cv, 0), 23, 200, 7);
	for (int m = WHOLE; m <= CHUNKS; m++) {
		t = run(&cv, 0, (enum mode)m, false);
		CHECK_STR(jstr(t, "outcome"), "established");
		CHECK(jbool(t, "resumed") == 0);
		CHECK_STR(jstr(t, "version"), "1.3");
		CHECK_STR(jstr(t, "cipher"), "TLS_AES_128_GCM_SHA256");
		CHECK_STR(jstr(t, "curve"), "x25519");
		CHECK_STR(jstr(t, "authentication"), "one_way");
		CHECK(jbool(t, "authentication_inferred") == 1);
		CHECK(jbool(t, "server.certificate_encrypted") == 1);
		CHECK_STR(jstr(t, "server.key_exchange.method"), "ecdhe");
		CHECK_STR(jjoin(t, "client.supported_versions"), "1.3,1.2");
		CHECK_STR(jjoin(t, "client.key_share_groups"), "x25519");
		CHECK_STR(jjoin(t, "handshake_messages"),
			  "client:client_hello,server:server_hello,server:change_cipher_spec,"
			  "server:encrypted_handshake,client:change_cipher_spec,"
			  "client:encrypted_handshake");
		json_decref(t);
	}
	conv_free(&cv);

	/* Only the client's Finished, then the flow ends: established at the end. */
	tls13_flights(&cv, false, false, 53);
	t = run(&cv, 0, WHOLE, false);
	CHECK(!jget(t, "outcome"));
	json_decref(t);
	t = run(&cv, 0, WHOLE, true);
	CHECK_STR(jstr(t, "outcome"), "established");
	json_decref(t);
	conv_free(&cv);

	/* The client's first encrypted record is alert-sized: an encrypted alert. */
	tls13_flights(&cv, false, false, 19);
	t = run(&cv, 0, BYTES, false);
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK(jbool(t, "established") == 0);
	CHECK_STR(jstr(t, "failure.stage"), "finished");
	{
		json_t *a = json_array_get(jget(t, "alerts"), 0);
		CHECK_STR(json_string_value(json_object_get(a, "from")), "client");
		CHECK(json_is_true(json_object_get(a, "encrypted")));
		CHECK(!json_object_get(a, "description"));
	}
	json_decref(t);
	conv_free(&cv);

	/* HRR: one session, the second ClientHello in it; server NST decides. */
	tls13_flights(&cv, true, false, 53);
	opaque(flight(&cv, 1), 23, 250, 8);
	for (int m = WHOLE; m <= CHUNKS; m++) {
		t = run(&cv, 0, (enum mode)m, false);
		CHECK_STR(jstr(t, "outcome"), "established");
		CHECK(jbool(t, "client.hello_retry") == 1);
		CHECK_STR(jjoin(t, "client.key_share_groups"), "secp256r1");   /* first CH */
		/* JA3S of the first ServerHello, the HRR with its cookie */
		CHECK_STR(jstr(t, "server.ja3s_string"), "771,4865,43-51-44");
		CHECK_STR(jjoin(t, "handshake_messages"),
			  "client:client_hello,server:hello_retry_request,server:change_cipher_spec,"
			  "client:change_cipher_spec,client:client_hello,server:server_hello,"
			  "server:encrypted_handshake,client:encrypted_handshake");
		CHECK(!jget(t, "anomalies"));
		json_decref(t);
	}
	conv_free(&cv);

	/* Experimental code points are TLS 1.3: the group is reported and the
	 * compatibility-mode session id echo is not a resumption. */
	{
		static const unsigned exp[] = { 0x7e01, 0x7e02, 0x7f1c, 0x7f17, 0xfb1a };
		for (size_t i = 0; i < sizeof exp / sizeof exp[0]; i++) {
			tls13_version = exp[i];
			tls13_flights(&cv, false, false, 53);
			opaque(flight(&cv, 1), 23, 250, 8);
			t = run(&cv, 0, WHOLE, false);
			CHECK_STR(jstr(t, "outcome"), "established");
			CHECK(jbool(t, "resumed") == 0);
			CHECK_STR(jstr(t, "curve"), "x25519");
			CHECK(strncmp(jstr(t, "version"), "1.3-", 4) == 0);
			json_decref(t);
			conv_free(&cv);
		}
		tls13_version = 0x0304;
	}

	/* PSK resumption. */
	tls13_flights(&cv, false, true, 53);
	opaque(flight(&cv, 0), 23, 120, 9);
	t = run(&cv, 0, CHUNKS, false);
	CHECK_STR(jstr(t, "outcome"), "established");
	CHECK(jbool(t, "resumed") == 1);
	CHECK_STR(jstr(t, "server.key_exchange.method"), "psk_ecdhe");
	CHECK_STR(jstr(t, "authentication"), "unknown");
	CHECK(!jget(t, "server.certificate_encrypted"));
	json_decref(t);
	conv_free(&cv);
}

static void test_failures(void)
{
	struct conv cv = { .n = 0 };
	struct ch_opts co = { 0 };
	struct buf hs = { .n = 0 }, *b;
	json_t *t;
	struct feeder f;

	/* Fatal alert from the server in answer to the ClientHello. */
	b = flight(&cv, 0);
	client_hello(&hs, &co);
	hs_records(b, &hs, 16384);
	alert(flight(&cv, 1), 2, 40);
	t = run(&cv, 0, CHUNKS, false);
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK_STR(jstr(t, "failure.stage"), "server_hello");
	CHECK_STR(jstr(t, "failure.reason"), "fatal alert handshake_failure from server");
	{
		json_t *a = json_array_get(jget(t, "alerts"), 0);
		CHECK_STR(json_string_value(json_object_get(a, "level")), "fatal");
		CHECK_STR(json_string_value(json_object_get(a, "description")), "handshake_failure");
		CHECK(json_integer_value(json_object_get(a, "code")) == 40);
		CHECK(json_is_false(json_object_get(a, "encrypted")));
	}
	json_decref(t);

	/* No server response. */
	cv.n--;
	free(cv.data[cv.n]);
	t = run(&cv, 0, WHOLE, true);
	CHECK_STR(jstr(t, "outcome"), "no_server_response");
	CHECK_STR(jstr(t, "failure.stage"), "server_hello");
	json_decref(t);

	/* Server answers with something that is not TLS. */
	bytes(flight(&cv, 1), "HTTP/1.1 400 Bad Request\r\n\r\n", 28);
	t = run(&cv, 0, WHOLE, false);
	CHECK_STR(jstr(t, "outcome"), "no_server_response");
	CHECK(jhas(t, "anomalies", "server_not_tls"));
	json_decref(t);
	conv_free(&cv);

	/* RST from the server after its first flight. */
	tls12_full(&cv, 16384, false);
	feeder_init(&f, 0);
	feed_mode(&f, 0, cv.data[0]->b, cv.data[0]->n, WHOLE);
	feed_mode(&f, 1, cv.data[1]->b, cv.data[1]->n, WHOLE);
	CHECK(session_wants_data(f.s) && !session_decided(f.s));
	session_tcp_event(f.s, 1, TCP_EV_RST, f.ts);
	CHECK(session_decided(f.s) && !session_wants_data(f.s));
	{
		json_t *root = tt_emit_root(f.s, 0);
		t = json_object_get(root, "tls");
		CHECK_STR(jstr(t, "outcome"), "reset");
		CHECK_STR(jstr(t, "failure.reason"), "reset by server");
		CHECK_STR(jstr(t, "failure.stage"), "client_key_exchange");
		json_decref(root);
	}
	feeder_done(&f);

	/* FIN both ways mid-handshake: closed. */
	feeder_init(&f, 0);
	feed_mode(&f, 0, cv.data[0]->b, cv.data[0]->n, WHOLE);
	session_tcp_event(f.s, 0, TCP_EV_FIN, f.ts);
	CHECK(!session_decided(f.s));
	session_tcp_event(f.s, 1, TCP_EV_FIN, f.ts);
	CHECK(session_decided(f.s));
	{
		json_t *root = tt_emit_root(f.s, 0);
		CHECK_STR(jstr(json_object_get(root, "tls"), "outcome"), "closed");
		CHECK_STR(jstr(json_object_get(root, "tls"), "failure.reason"), "closed by client");
		json_decref(root);
	}
	feeder_done(&f);

	/* Capture ends mid-handshake: incomplete. */
	feeder_init(&f, 0);
	feed_mode(&f, 0, cv.data[0]->b, cv.data[0]->n, WHOLE);
	feed_mode(&f, 1, cv.data[1]->b, cv.data[1]->n, WHOLE);
	session_finish(f.s, f.ts);
	{
		json_t *root = tt_emit_root(f.s, 0);
		CHECK_STR(jstr(json_object_get(root, "tls"), "outcome"), "incomplete");
		CHECK_STR(jstr(json_object_get(root, "tls"), "failure.stage"), "client_key_exchange");
		json_decref(root);
	}
	feeder_done(&f);
	conv_free(&cv);
}

/* A gap in the server's first flight: the rest resynchronises and the
 * handshake is still followed to its end. */
static void test_gap(void)
{
	struct conv cv = { .n = 0 };
	struct feeder f;
	json_t *root, *t;
	const struct buf *srv;

	tls12_full_x(&cv, 16384, false, true);
	srv = cv.data[1];
	feeder_init(&f, 0);
	feed_mode(&f, 0, cv.data[0]->b, cv.data[0]->n, WHOLE);
	/* The ServerHello record and 5 bytes more arrive, then 10 bytes in the
	 * Certificate record are lost, then the rest. */
	feed(&f, 1, srv->b, 100);
	session_gap(f.s, 1, 10, f.ts);
	free(f.pend[1]);
	f.pend[1] = NULL;
	f.plen[1] = 0;
	feed_mode(&f, 1, srv->b + 110, srv->n - 110, CHUNKS);
	CHECK(session_wants_data(f.s));
	for (int i = 2; i < cv.n; i++)
		feed_mode(&f, cv.dir[i] ? 1 : 0, cv.data[i]->b, cv.data[i]->n, CHUNKS);
	root = tt_emit_root(f.s, 0);
	t = json_object_get(root, "tls");
	CHECK_STR(jstr(t, "outcome"), "established");
	CHECK(jhas(t, "anomalies", "tcp_gap"));
	CHECK(jhas(t, "anomalies", "record_resync"));
	CHECK(jhas(t, "handshake_messages", "server:server_key_exchange"));
	CHECK(jhas(t, "handshake_messages", "server:server_hello_done"));
	CHECK(!jhas(t, "handshake_messages", "server:certificate"));
	CHECK(jhas(t, "handshake_messages", "server:finished"));
	json_decref(root);
	feeder_done(&f);
	conv_free(&cv);
}

static void test_not_tls(void)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
	struct feeder f;
	json_t *root;

	feeder_init(&f, 0);
	CHECK(session_push(f.s, 0, (const uint8_t *)http, sizeof http - 1, 1) == sizeof http - 1);
	CHECK(!session_is_tls(f.s));
	CHECK(!session_wants_data(f.s));
	CHECK(session_decided(f.s));
	root = tt_emit_root(f.s, 0);
	CHECK_STR(jstr(json_object_get(root, "tls"), "outcome"), "not_tls");
	json_decref(root);
	feeder_done(&f);

	/* Too short to tell yet: nothing consumed, still wanted. */
	feeder_init(&f, 0);
	CHECK(session_push(f.s, 0, (const uint8_t *)"\x16\x03", 2, 1) == 0);
	CHECK(session_wants_data(f.s));
	feeder_done(&f);
}

/* One-sided captures: only the client's or only the server's direction. */
static void test_one_sided(void)
{
	struct conv cv = { .n = 0 }, one = { .n = 0 };
	json_t *t;

	tls12_full(&cv, 16384, false);
	alert(flight(&cv, 0), 1, 0);    /* placeholder, replaced below */
	cv.data[cv.n - 1]->n = 0;
	opaque(cv.data[cv.n - 1], 21, 26, 5);   /* the client's encrypted close_notify */
	for (int i = 0; i < cv.n; i++)
		if (cv.dir[i] == 0) {
			one.dir[one.n] = 0;
			one.data[one.n++] = cv.data[i];
		}
	t = run(&one, 0, CHUNKS, true);
	CHECK_STR(jstr(t, "outcome"), "incomplete");
	CHECK_STR(jstr(t, "failure.reason"), "only one direction of the connection was captured");
	CHECK(jhas(t, "anomalies", "server_data_missing"));
	CHECK(!jhas(t, "anomalies", "unexpected_application_data"));
	CHECK(jhas(t, "handshake_messages", "client:finished"));   /* CCS before an unseen ServerHello */
	CHECK(json_array_size(jget(t, "alerts")) == 1);
	CHECK(jbool(t, "alerts") == -1);
	json_decref(t);

	one.n = 0;
	for (int i = 0; i < cv.n; i++)
		if (cv.dir[i] == 1) {
			one.dir[one.n] = 1;
			one.data[one.n++] = cv.data[i];
		}
	/* The server's Finished of a full handshake follows the client's
	 * verified Finished: established even with the client side missing. */
	t = run(&one, 0, CHUNKS, true);
	CHECK_STR(jstr(t, "outcome"), "established");
	CHECK_STR(jstr(t, "version"), "1.2");
	CHECK(!jget(t, "client"));
	json_decref(t);
	conv_free(&cv);
}

/* Joined midstream: the first bytes are the tail of a record; the next
 * record boundary is found and application data decides `incomplete`. */
static void test_midstream(void)
{
	struct buf *b = calloc(1, sizeof *b);
	struct feeder f;
	json_t *root, *t;

	opaque(b, 23, 300, 1);
	opaque(b, 23, 200, 2);
	opaque(b, 23, 100, 3);
	feeder_init(&f, 0);
	session_anomaly(f.s, "midstream");
	feed_mode(&f, 0, b->b + 123, b->n - 123, CHUNKS);
	CHECK(session_is_tls(f.s));
	CHECK(session_decided(f.s));
	root = tt_emit_root(f.s, 0);
	t = json_object_get(root, "tls");
	CHECK_STR(jstr(t, "outcome"), "midstream");
	CHECK(!jget(t, "failure.stage"));
	CHECK_STR(jstr(t, "failure.reason"), "connection joined after the handshake");
	CHECK(jhas(t, "anomalies", "midstream"));
	json_decref(root);
	feeder_done(&f);
	free(b);
}

/* Limits: a message above max_handshake_msg is skipped with an anomaly, and
 * the handshake_messages cap is visible. */
static void test_limits(void)
{
	struct conv cv = { .n = 0 };
	json_t *t;
	uint32_t saved = ctx.cfg.max_handshake_msg, saved_msgs = ctx.cfg.max_hs_messages;

	n_certs = 40;                           /* a 443-byte Certificate */
	tls12_full(&cv, 100, false);
	n_certs = 2;
	ctx.cfg.max_handshake_msg = 300;        /* only the Certificate is larger */
	t = run(&cv, 0, CHUNKS, false);
	CHECK(jhas(t, "anomalies", "handshake_too_large"));
	CHECK_STR(jjoin(t, "handshake_messages"),
		  "client:client_hello,server:server_hello,server:certificate,"
		  "server:server_key_exchange,server:server_hello_done,"
		  "client:client_key_exchange,client:change_cipher_spec,client:finished,"
		  "server:change_cipher_spec,server:finished");
	CHECK_STR(jstr(t, "outcome"), "established");
	CHECK(!jget(t, "server.chain"));
	json_decref(t);
	ctx.cfg.max_handshake_msg = saved;
	conv_free(&cv);
	tls12_full(&cv, 16384, false);

	ctx.cfg.max_hs_messages = 3;
	t = run(&cv, 0, WHOLE, false);
	CHECK(json_array_size(jget(t, "handshake_messages")) == 3);
	CHECK(jhas(t, "anomalies", "handshake_messages_truncated"));
	CHECK_STR(jstr(t, "outcome"), "established");
	json_decref(t);
	ctx.cfg.max_hs_messages = saved_msgs;
	conv_free(&cv);
}

/* An SSLv2-compatible ClientHello answered by a TLS 1.0 ServerHello. */
static void test_sslv2_compat(void)
{
	struct conv cv = { .n = 0 };
	struct buf *b, hs = { .n = 0 };
	struct sh_opts so = { .cipher = 0x002f };
	json_t *t;

	b = flight(&cv, 0);
	u8(b, 0x80);
	u8(b, 9 + 6 + 16);
	u8(b, 1);               /* CLIENT-HELLO */
	u16(b, 0x0301);
	u16(b, 6);              /* cipher specs */
	u16(b, 0);              /* session id */
	u16(b, 16);             /* challenge */
	u24(b, 0x00002f);
	u24(b, 0x010080);
	fill(b, 16, 12);
	b = flight(&cv, 1);
	server_hello(&hs, &so);
	hs_records(b, &hs, 16384);
	t = run(&cv, 0, CHUNKS, true);
	CHECK(jhas(t, "handshake_messages", "client:client_hello"));
	CHECK(jhas(t, "handshake_messages", "server:server_hello"));
	CHECK_STR(jstr(t, "outcome"), "incomplete");
	CHECK_STR(jstr(t, "failure.stage"), "certificate");
	json_decref(t);
	conv_free(&cv);
}

/* An SSLv2 hello exchange: SERVER-HELLO with a certificate, CLIENT-MASTER-KEY,
 * then encrypted records both ways. */
static void v2_record(struct buf *out, const struct buf *body)
{
	u8(out, 0x80 | (unsigned)(body->n >> 8));
	u8(out, body->n & 0xff);
	bytes(out, body->b, body->n);
}

/* An SSLv2 CLIENT-HELLO offering SSL_CK_RC4_128_WITH_MD5 with a 16-byte
 * challenge, as one SSLv2 record into b (m is scratch). */
static void sslv2_client_hello(struct buf *b, struct buf *m)
{
	m->n = 0;
	u8(m, 1);
	u16(m, 0x0002);
	u16(m, 3);
	u16(m, 0);
	u16(m, 16);
	u24(m, 0x010080);
	fill(m, 16, 12);
	v2_record(b, m);
}

static void test_sslv2(void)
{
	struct conv cv = { .n = 0 };
	struct buf m = { .n = 0 }, *b;
	json_t *t;

	b = flight(&cv, 0);
	sslv2_client_hello(b, &m);

	b = flight(&cv, 1);
	m.n = 0;
	u8(&m, 4);
	u8(&m, 0);              /* session_id_hit */
	u8(&m, 1);              /* X.509 */
	u16(&m, 0x0002);
	u16(&m, sizeof fake_der);
	u16(&m, 3);
	u16(&m, 16);
	bytes(&m, fake_der, sizeof fake_der);
	u24(&m, 0x010080);
	fill(&m, 16, 13);
	v2_record(b, &m);

	b = flight(&cv, 0);
	m.n = 0;
	u8(&m, 2);
	u24(&m, 0x010080);
	u16(&m, 0);
	u16(&m, 16);
	u16(&m, 0);
	fill(&m, 16, 14);
	v2_record(b, &m);
	m.n = 0;
	fill(&m, 33, 15);       /* CLIENT-FINISHED, encrypted */
	v2_record(b, &m);

	b = flight(&cv, 1);
	m.n = 0;
	fill(&m, 33, 16);       /* SERVER-VERIFY, SERVER-FINISHED */
	v2_record(b, &m);
	v2_record(b, &m);

	t = run(&cv, 0, CHUNKS, false);
	CHECK_STR(jstr(t, "outcome"), "established");
	CHECK_STR(jstr(t, "version"), "2.0");
	CHECK_STR(jstr(t, "version_protocol"), "ssl");
	CHECK_STR(jstr(t, "cipher"), "SSL_CK_RC4_128_WITH_MD5");
	CHECK_STR(jstr(t, "authentication"), "one_way");
	CHECK(json_array_size(jget(t, "server.chain")) == 1);
	CHECK_STR(jjoin(t, "handshake_messages"),
		  "client:client_hello,server:server_hello,client:client_master_key,"
		  "client:encrypted_handshake,server:encrypted_handshake");
	json_decref(t);
	conv_free(&cv);

	/* The server refuses with an SSLv2 ERROR. */
	b = flight(&cv, 0);
	m.n = 0;
	sslv2_client_hello(b, &m);
	b = flight(&cv, 1);
	m.n = 0;
	u8(&m, 0);
	u16(&m, 1);
	v2_record(b, &m);
	t = run(&cv, 0, WHOLE, false);
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK_STR(jstr(t, "failure.reason"), "sslv2_no_cipher_error from server");
	json_decref(t);
	conv_free(&cv);
}

/* TLS 1.2 details: a client that answers a CertificateRequest with an empty
 * Certificate and is refused; an encrypted alert; the chain cap. */
static void test_tls12_misc(void)
{
	struct conv cv = { .n = 0 };
	struct ch_opts co = { 0 };
	struct sh_opts so = { .cipher = 0xc02f };
	struct buf hs = { .n = 0 }, *b;
	json_t *t, *a;
	uint32_t saved = ctx.cfg.max_certs;

	b = flight(&cv, 0);
	client_hello(&hs, &co);
	hs_records(b, &hs, 16384);
	b = flight(&cv, 1);
	hs.n = 0;
	server_hello(&hs, &so);
	certificate(&hs, 3);
	server_key_exchange(&hs);
	cert_request(&hs);
	empty_msg(&hs, 14);
	hs_records(b, &hs, 16384);
	b = flight(&cv, 0);
	hs.n = 0;
	certificate(&hs, 0);
	client_key_exchange(&hs);
	hs_records(b, &hs, 16384);
	ccs(b);
	opaque(b, 22, 40, 1);
	alert(flight(&cv, 1), 2, 116);  /* certificate_required */

	ctx.cfg.max_certs = 2;
	t = run(&cv, 0, CHUNKS, false);
	ctx.cfg.max_certs = saved;
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK_STR(jstr(t, "authentication"), "two_way_requested");
	CHECK_STR(jstr(t, "failure.stage"), "change_cipher_spec");
	CHECK_STR(jstr(t, "failure.reason"), "fatal alert certificate_required from server");
	CHECK(jhas(t, "anomalies", "certificate_chain_truncated"));
	CHECK(json_array_size(jget(t, "server.chain")) == 2);
	CHECK(!jget(t, "client.chain"));
	json_decref(t);

	/* A warning alert does not decide; an encrypted one after CCS does. */
	cv.n--;
	free(cv.data[cv.n]);
	b = flight(&cv, 1);
	alert(b, 1, 0);
	ccs(b);
	opaque(b, 21, 26, 3);   /* encrypted alert: length != 2 */
	t = run(&cv, 0, WHOLE, false);
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK_STR(jstr(t, "failure.reason"), "encrypted alert from server");
	a = jget(t, "alerts");
	CHECK(json_array_size(a) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 0), "level")), "warning");
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 0), "description")),
		  "close_notify");
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 1), "level")), "unknown");
	CHECK(json_is_true(json_object_get(json_array_get(a, 1), "encrypted")));
	json_decref(t);
	conv_free(&cv);
}

/* A connection joined midstream whose bytes never look like TLS (no record
 * header within the resync window) is not a malformed TLS session: it is
 * not counted in sessions.malformed. */
static void test_midstream_not_tls(void)
{
	static uint8_t text[70000];
	uint64_t before = ctx.st.outcome[TLS_OUT_MALFORMED];
	struct feeder f;

	memset(text, 'a', sizeof text);
	feeder_init(&f, 0);
	session_anomaly(f.s, "midstream");
	feed_mode(&f, 0, text, sizeof text, WHOLE);
	CHECK(!session_is_tls(f.s));
	session_finish(f.s, f.ts);
	CHECK(!session_is_tls(f.s));
	CHECK(ctx.st.outcome[TLS_OUT_MALFORMED] == before);
	feeder_done(&f);
}

/* TLS 1.3 verdict: feed the conversation, one push per flight, then
 * `extra` more pushes (dir, type, length); returns the tls object (owned
 * by the caller) and whether the session was decided before the end. */
static json_t *tls13_run(struct conv *cv, const int (*extra)[3], int n_extra, bool *decided)
{
	struct feeder f;
	json_t *root, *t;

	feeder_init(&f, 0);
	for (int i = 0; i < cv->n; i++)
		feed_mode(&f, cv->dir[i], cv->data[i]->b, cv->data[i]->n, WHOLE);
	for (int i = 0; i < n_extra; i++) {
		struct buf b = { .n = 0 };
		opaque(&b, (uint8_t)extra[i][1], (size_t)extra[i][2], 11);
		feed_mode(&f, extra[i][0], b.b, b.n, WHOLE);
	}
	*decided = session_decided(f.s);
	session_tcp_event(f.s, 1, TCP_EV_FIN, f.ts);
	session_tcp_event(f.s, 0, TCP_EV_FIN, f.ts);
	CHECK(session_decided(f.s));
	root = tt_emit_root(f.s, 0);
	t = json_object_get(root, "tls");
	json_incref(t);
	json_decref(root);
	feeder_done(&f);
	return t;
}

/* TLS 1.3: the server's first answer to the client's lone Finished is
 * alert-sized: an encrypted alert from the server, decided at once. */
static void test_tls13_server_alert(void)
{
	struct conv cv = { .n = 0 };
	bool decided;
	json_t *t;

	tls13_flights(&cv, false, false, 53);
	opaque(flight(&cv, 1), 23, 19, 9);
	t = tls13_run(&cv, NULL, 0, &decided);
	CHECK(decided);
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK_STR(jstr(t, "failure.stage"), "finished");
	CHECK_STR(jstr(t, "failure.reason"),
		  "encrypted alert from server (inferred from the record size)");
	json_decref(t);
	conv_free(&cv);
}

/* TLS 1.3 client authentication rejected: OpenSSL's Certificate,
 * CertificateVerify and Finished as separate records of one segment, or
 * Firefox's empty Certificate + Finished (61 bytes) and its request in a
 * later packet: only the server's alert-sized answer decides. */
static void test_tls13_client_auth_rejected(void)
{
	static const int firefox[][3] = { { 0, 23, 400 }, { 1, 23, 19 } };
	static const int openssl_ok[][3] = { { 1, 23, 200 } };
	struct conv cv = { .n = 0 };
	struct buf *b;
	bool decided;
	json_t *t;

	tls13_flights(&cv, false, false, 900);          /* Certificate */
	b = cv.data[cv.n - 1];
	opaque(b, 23, 281, 7);                          /* CertificateVerify */
	opaque(b, 23, 53, 8);                           /* Finished */
	opaque(flight(&cv, 1), 23, 19, 9);
	t = tls13_run(&cv, NULL, 0, &decided);
	CHECK(decided);
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK_STR(jstr(t, "authentication"), "two_way");
	CHECK_STR(jstr(t, "failure.stage"), "certificate");
	json_decref(t);
	/* the same flight accepted: the server's ticket */
	free(cv.data[--cv.n]);
	t = tls13_run(&cv, openssl_ok, 1, &decided);
	CHECK(decided);
	CHECK_STR(jstr(t, "outcome"), "established");
	json_decref(t);
	conv_free(&cv);

	cv.n = 0;
	tls13_flights(&cv, false, false, 61);
	t = tls13_run(&cv, firefox, 1, &decided);
	CHECK(!decided);        /* the client's request proves nothing */
	json_decref(t);
	t = tls13_run(&cv, firefox, 2, &decided);
	CHECK(decided);
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK_STR(jstr(t, "authentication"), "two_way_requested");
	CHECK_STR(jstr(t, "failure.stage"), "certificate");
	json_decref(t);
	conv_free(&cv);
}

/* A lone Finished and the client's data in a later packet: established.
 * A padded Finished (528 bytes: 512 + tag): the size cannot tell a
 * certificate from padding, so authentication is unknown and only the
 * server's answer decides.  Chromium: no client flight, the server's
 * alert after its own flight. */
static void test_tls13_padding_and_abort(void)
{
	static const int data[][3] = { { 0, 23, 400 } };
	static const int nst[][3] = { { 0, 23, 400 }, { 1, 23, 250 } };
	struct conv cv = { .n = 0 };
	bool decided;
	json_t *t;

	tls13_flights(&cv, false, false, 53);
	t = tls13_run(&cv, data, 1, &decided);
	CHECK(decided);
	CHECK_STR(jstr(t, "outcome"), "established");
	CHECK_STR(jstr(t, "authentication"), "one_way");
	json_decref(t);
	conv_free(&cv);

	cv.n = 0;
	tls13_flights(&cv, false, false, 528);
	t = tls13_run(&cv, data, 1, &decided);
	CHECK(!decided);
	json_decref(t);
	t = tls13_run(&cv, nst, 2, &decided);
	CHECK(decided);
	CHECK_STR(jstr(t, "outcome"), "established");
	CHECK_STR(jstr(t, "authentication"), "unknown");
	CHECK(!jget(t, "authentication_inferred"));
	json_decref(t);
	conv_free(&cv);

	cv.n = 0;
	tls13_flights(&cv, false, false, 53);
	free(cv.data[--cv.n]);  /* no client flight */
	opaque(flight(&cv, 1), 23, 19, 9);
	t = tls13_run(&cv, NULL, 0, &decided);
	CHECK(decided);
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK(json_array_size(jget(t, "alerts")) == 1);
	json_decref(t);
	conv_free(&cv);
}

/* HelloRetryRequest whose second ClientHello names another host: the
 * record keeps the first, names the second and the change. */
static void test_tls13_retry_changed(void)
{
	struct ch_opts co = { .tls13 = true, .sid = sid_a, .sid_len = 32, .share = 0x0017 };
	struct sh_opts so = { .tls13 = true, .cipher = 0x1301, .sid = sid_a, .sid_len = 32,
			      .version = 0x0304 }, ho = so;
	struct conv cv = { .n = 0 };
	struct buf hs = { .n = 0 }, *b;
	json_t *t;

	client_hello(&hs, &co);
	hs_records(flight(&cv, 0), &hs, 16384);
	ho.hrr = true;
	hs.n = 0;
	server_hello(&hs, &ho);
	hs_records(flight(&cv, 1), &hs, 16384);
	co.share = 0x001d;
	co.host = "evil.example.net";
	hs.n = 0;
	client_hello(&hs, &co);
	hs_records(flight(&cv, 0), &hs, 16384);
	b = flight(&cv, 1);
	hs.n = 0;
	server_hello(&hs, &so);
	hs_records(b, &hs, 16384);
	opaque(b, 23, 2500, 5);
	opaque(flight(&cv, 0), 23, 53, 6);
	opaque(flight(&cv, 1), 23, 250, 8);
	for (int m = WHOLE; m <= CHUNKS; m++) {
		t = run(&cv, 0, (enum mode)m, false);
		CHECK_STR(jstr(t, "outcome"), "established");
		CHECK_STR(jstr(t, "client.server_name"), "evil.example.net");
		CHECK_STR(jstr(t, "client.first_server_name"), "example.com");
		CHECK_STR(jjoin(t, "client.hello_retry_changed"), "server_name");
		CHECK(jhas(t, "anomalies", "hello_retry_changed"));
		CHECK_STR(json_string_value(json_object_get(json_array_get(jget(t, "findings"), 0),
							    "code")), "hello_retry_changed");
		json_decref(t);
	}
	conv_free(&cv);
}

/* TLS 1.2: the client's encrypted handshake record right after its own
 * Finished, before the server's: a renegotiation it began, seen before the
 * record is written. */
static void test_tls12_renegotiation_seen(void)
{
	struct conv cv = { .n = 0 };
	json_t *t;

	tls12_full_x(&cv, 16384, false, false);
	opaque(cv.data[2], 22, 120, 11);        /* after the client's Finished */
	for (int m = WHOLE; m <= CHUNKS; m++) {
		t = run(&cv, 0, (enum mode)m, false);
		CHECK_STR(jstr(t, "outcome"), "established");
		CHECK_STR(jstr(t, "post_handshake.renegotiation"), "client");
		CHECK(!jget(t, "post_handshake.messages"));
		json_decref(t);
	}
	conv_free(&cv);
	/* without it, nothing is said */
	tls12_full_x(&cv, 16384, false, false);
	t = run(&cv, 0, WHOLE, false);
	CHECK(!jget(t, "post_handshake"));
	json_decref(t);
	conv_free(&cv);
}

/* 0-RTT: the server's flight, then what the client sends. */
static void early_flights(struct conv *cv, unsigned first_type, size_t first_len)
{
	struct ch_opts co = { .tls13 = true, .sid = sid_a, .sid_len = 32, .psk = true,
			      .early = true };
	struct sh_opts so = { .tls13 = true, .cipher = 0x1301, .sid = sid_a, .sid_len = 32,
			      .psk = true, .version = 0x0304 };
	struct buf hs = { .n = 0 }, *b;

	b = flight(cv, 0);
	client_hello(&hs, &co);
	hs_records(b, &hs, 16384);
	opaque(b, 23, 40, 4);           /* early data, before the server's flight */
	b = flight(cv, 1);
	hs.n = 0;
	server_hello(&hs, &so);
	hs_records(b, &hs, 16384);
	opaque(b, 23, 100, 5);
	b = flight(cv, 0);
	if (first_type == 22) {
		/* a cleartext client Certificate, empty (TLS 1.3 layout) */
		static const uint8_t cert[] = { 11, 0, 0, 4, 0, 0, 0, 0 };
		record(b, 22, cert, sizeof cert);
	} else {
		opaque(b, first_type, first_len, 6);
	}
}

static void test_tls13_early_data(void)
{
	struct conv cv = { .n = 0 };
	json_t *t;

	/* An alert-sized client record after the server's flight, then the
	 * client's real flight: early data the server skipped, not an alert. */
	early_flights(&cv, 23, 19);
	opaque(flight(&cv, 0), 23, 53, 7);
	opaque(flight(&cv, 0), 23, 200, 8);
	for (int m = WHOLE; m <= CHUNKS; m++) {
		t = run(&cv, 0, (enum mode)m, false);
		CHECK_STR(jstr(t, "outcome"), "established");
		CHECK(json_integer_value(jget(t, "client.early_data_records")) == 2);
		CHECK(jhas(t, "anomalies", "early_data_after_server_flight"));
		json_decref(t);
	}
	conv_free(&cv);

	/* The same record and nothing more: the client's alert, at the end. */
	early_flights(&cv, 23, 19);
	t = run(&cv, 0, WHOLE, false);
	CHECK(!jget(t, "outcome"));
	json_decref(t);
	t = run(&cv, 0, BYTES, true);
	CHECK_STR(jstr(t, "outcome"), "alert");
	CHECK(json_integer_value(jget(t, "client.early_data_records")) == 1);
	CHECK(!jhas(t, "anomalies", "early_data_after_server_flight"));
	json_decref(t);
	conv_free(&cv);

	/* A cleartext handshake record there is not parsed: no client
	 * certificate, the anomaly names it. */
	early_flights(&cv, 22, 0);
	opaque(flight(&cv, 1), 23, 19, 9);
	for (int m = WHOLE; m <= CHUNKS; m++) {
		t = run(&cv, 0, (enum mode)m, true);
		CHECK(jhas(t, "anomalies", "tls13_cleartext_handshake"));
		CHECK(!jhas(t, "handshake_messages", "client:certificate"));
		CHECK_STR(jstr(t, "outcome"), "alert");
		json_decref(t);
	}
	conv_free(&cv);

	/* Early data past the limit is named. */
	{
		struct buf *b;
		early_flights(&cv, 23, 53);
		b = cv.data[0];
		for (int i = 0; i < 2; i++)
			opaque(b, 23, 15000, 10u + (unsigned)i);
		t = run(&cv, 0, CHUNKS, true);
		CHECK(jhas(t, "anomalies", "early_data_over_limit"));
		json_decref(t);
		conv_free(&cv);
	}
}

/* ---- a key log followed while its writers fill it ---- */

static void hex_line(FILE *f, const char *label, const uint8_t *random, const uint8_t *sec,
		     size_t n)
{
	fprintf(f, "%s ", label);
	for (int i = 0; i < 32; i++)
		fprintf(f, "%02x", random[i]);
	fputc(' ', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", sec[i]);
	fputc('\n', f);
}

static void append_secret(const char *path, const char *label, const uint8_t *random,
			  const uint8_t *sec, size_t n)
{
	FILE *f = fopen(path, "a");

	CHECK(f != NULL);
	if (!f)
		return;
	hex_line(f, label, random, sec, n);
	fclose(f);
}

/* A handshake message (type, body of n bytes, each byte seed + i) sealed
 * in one record under k's key at sequence seq. */
static void sealed_msg(struct buf *out, const struct tls13_keys *k, uint64_t seq, unsigned type,
		       size_t n, unsigned seed)
{
	uint8_t inner[256];

	inner[0] = (uint8_t)type;
	inner[1] = 0;
	inner[2] = (uint8_t)(n >> 8);
	inner[3] = (uint8_t)n;
	for (size_t i = 0; i < n; i++)
		inner[4 + i] = (uint8_t)(seed + i);
	inner[4 + n] = 22;   /* the inner content type: handshake */
	out->n += seal(k, seq, inner, 5 + n, out->b + out->n);
}

/* TLS 1.3, TLS_AES_256_GCM_SHA384, a key log followed (live capture).
 * When the ServerHello is read the file holds the server's handshake
 * secret; the client's comes (when) only after the server's flight, as
 * OpenSSL logs each secret when it installs that key.  Then the
 * client's first encrypted record looks again (tls_core_dec.c):
 * when:  1, written before that record: the client's Finished is read;
 *        0, never written: keylog_secret_missing, the Finished opaque;
 *       -1, the same log not followed (offline): missing at once. */
static void keylog_pending_case(const char *path, int when)
{
	struct ch_opts co = { .tls13 = true, .sid = sid_a, .sid_len = 32 };
	struct sh_opts so = { .tls13 = true, .cipher = 0x1302, .sid = sid_a, .sid_len = 32 };
	struct buf hs = { .n = 0 }, *cli = calloc(1, sizeof *cli), *srv = calloc(1, sizeof *srv),
		   *fin = calloc(1, sizeof *fin);
	uint8_t random[32], shs[48], chs[48];
	struct tls13_suite su;
	struct tls13_keys ks, kc;
	struct keylog kl;
	struct kfollow *kf = NULL;
	const char *paths[1] = { path };
	char err[256];
	struct feeder f;
	json_t *root, *tls;

	for (int i = 0; i < 48; i++) {
		shs[i] = (uint8_t)(0x40 + i);
		chs[i] = (uint8_t)(0x90 + 3 * i);
	}
	client_hello(&hs, &co);
	memcpy(random, hs.b + 6, 32);   /* type, length (3), version (2) */
	hs_records(cli, &hs, 16384);
	hs.n = 0;
	server_hello(&hs, &so);
	hs_records(srv, &hs, 16384);
	ccs(srv);
	CHECK(tls13_suite_info(0x1302, &su) && tls13_keys_init(&ks, &su, shs, 48) &&
	      tls13_keys_init(&kc, &su, chs, 48));
	sealed_msg(srv, &ks, 0, 8, 2, 0);       /* EncryptedExtensions: none */
	sealed_msg(srv, &ks, 1, 20, 48, 7);     /* the server's Finished */
	ccs(fin);
	sealed_msg(fin, &kc, 0, 20, 48, 9);     /* the client's Finished */

	fclose(fopen(path, "w"));
	append_secret(path, "SERVER_HANDSHAKE_TRAFFIC_SECRET", random, shs, 48);
	keylog_init(&kl);
	kf = kfollow_open(&kl, paths, 1, when >= 0, err, sizeof err);
	CHECK(kf != NULL);
	ctx.keylog = &kl;
	ctx.kfollow = when >= 0 ? kf : NULL;

	feeder_init(&f, 0);
	feed(&f, 0, cli->b, cli->n);
	feed(&f, 1, srv->b, srv->n);
	if (when == 1)
		append_secret(path, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", random, chs, 48);
	feed(&f, 0, fin->b, fin->n);
	session_finish(f.s, f.ts);
	root = tt_emit_root(f.s, 0);
	tls = json_object_get(root, "tls");
	CHECK_STR(jstr(tls, "cipher"), "TLS_AES_256_GCM_SHA384");
	CHECK(jhas(tls, "handshake_messages", "server:encrypted_extensions") &&
	      jhas(tls, "handshake_messages", "server:finished"));
	if (when == 1) {
		CHECK(jhas(tls, "handshake_messages", "client:finished"));
		CHECK(jhas(tls, "decryption.secrets", "CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
		CHECK(!tt_has_anomaly(tls, "keylog_secret_missing"));
		CHECK(json_integer_value(jget(tls, "decryption.records")) == 3);
	} else {
		CHECK(!jhas(tls, "handshake_messages", "client:finished"));
		CHECK(!jhas(tls, "decryption.secrets", "CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
		CHECK(tt_has_anomaly(tls, "keylog_secret_missing"));
		CHECK(json_integer_value(jget(tls, "decryption.records")) == 2);
	}
	json_decref(root);
	feeder_done(&f);
	ctx.keylog = NULL;
	ctx.kfollow = NULL;
	kfollow_free(kf);
	keylog_free(&kl);
	free(cli);
	free(srv);
	free(fin);
}

static void test_keylog_pending(void)
{
	char path[] = "/tmp/tt_keylog_XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	keylog_pending_case(path, 1);
	keylog_pending_case(path, 0);
	keylog_pending_case(path, -1);
	unlink(path);
}

/* Freed sessions (and their ServerHellos and first message blocks) are
 * kept in the context's pool for the next ones: a session made from a kept
 * one gives the same record as one made fresh, the pool's bytes are
 * counted and stay within a 128th of --memcap, and tls_core_pool_trim()
 * gives them back. */
static void test_pool(void)
{
	struct conv cv = { .n = 0 };
	uint64_t memcap = ctx.cfg.memcap;
	size_t base, kept;
	char *first = NULL;

	tls12_full(&cv, 16384, false);
	tls_core_pool_trim(&ctx);
	base = tls_core_pool_bytes(&ctx);
	for (int i = 0; i < 3; i++) {
		json_t *t = run(&cv, 0, WHOLE, true);
		char *dump = json_dumps(t, JSON_SORT_KEYS | JSON_COMPACT);

		if (!first)
			first = dump;
		else {
			CHECK_STR(dump, first);   /* from the pool: the same record */
			free(dump);
		}
		json_decref(t);
	}
	kept = tls_core_pool_bytes(&ctx) - base;
	CHECK(kept >= 1024);   /* a session struct at least */
	tls_core_pool_trim(&ctx);
	CHECK(tls_core_pool_bytes(&ctx) == base);
	/* a small budget keeps only what fits a 128th of it */
	ctx.cfg.memcap = 256 * 1024;
	for (int i = 0; i < 4; i++) {
		struct session *ss[8];
		for (int k = 0; k < 8; k++)
			ss[k] = session_new(&ctx, 0);
		for (int k = 0; k < 8; k++)
			session_free(ss[k]);
	}
	CHECK(tls_core_pool_bytes(&ctx) - base <= 2048);
	CHECK(tls_core_pool_bytes(&ctx) - base > 0);
	ctx.cfg.memcap = memcap;
	tls_core_pool_trim(&ctx);
	free(first);
	conv_free(&cv);
}

int main(void)
{
	tt_session_init();


	test_tls12_full();
	test_prefixes();
	test_tls12_resumption();
	test_tls13();
	test_failures();
	test_gap();
	test_not_tls();
	test_midstream();
	test_one_sided();
	test_limits();
	test_sslv2_compat();
	test_sslv2();
	test_tls12_misc();
	test_tls13_server_alert();
	test_tls13_client_auth_rejected();
	test_midstream_not_tls();
	test_tls13_padding_and_abort();
	test_tls13_retry_changed();
	test_tls13_early_data();
	test_tls12_renegotiation_seen();
	test_keylog_pending();
	test_pool();

	tt_session_done();
	return TT_DONE();
}
