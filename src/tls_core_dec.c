/*
 * tls_core_dec.c - the handshake core reads TLS 1.3 encrypted records with
 * the secrets of a key log (README "Decryption").
 *
 *   ServerHello ──ClientHello random──> keylog_find ──> handshake secrets
 *   server record ─open(s hs key)─> EE, CR, Certificate, CV, Finished ─┐
 *   client record ─open(c hs key)─> Certificate, CV, Finished ─────────┼─> core
 *   after a side's Finished: its application traffic secret ──────────┘   (messages,
 *     ─> post-handshake messages, alerts; application data only counted)   alerts)
 *   client 0-RTT records ─open(early key)─> early data counted, EndOfEarlyData
 *     (before the ServerHello the suite is found by trying the client's
 *     TLS 1.3 suites: the AEAD tag tells)
 *
 * Memory: about 17 KiB per session with a key (one record's plaintext),
 * counted against --session-memcap until the session ends.
 *
 * Nothing opened is kept: plaintext lives in one scratch buffer for the
 * time of one record; handshake bytes are handed to the core (which copies
 * what it keeps), application data is dropped.  Secrets and keys are copied
 * into this session's state, wiped when it is freed, never written out.
 * A record that does not open (wrong key, altered record: the AEAD tag
 * fails) ends decryption for the session: anomaly decryption_failed, and
 * the session goes on as one without a key (size inference).
 */
#include <stdlib.h>
#include <string.h>

#include "../parsers/tls_decrypt.h"
#include "../parsers/tls_keylog.h"
#include "keylog_follow.h"
#include "session_impl.h"

enum { DK_NONE = 0, DK_HANDSHAKE, DK_APPLICATION, DK_TLS12 };
enum { EARLY_NONE = 0, EARLY_ON, EARLY_OFF };

struct core_dec {
	struct tls13_suite suite;
	uint8_t stage[2];               /* DK_* per flow direction */
	bool pending[2];                /* the side's handshake secret, not in a
					 * followed key log at the ServerHello:
					 * looked for again at its first record */
	bool opened[2];                 /* a record of the side opened */
	struct tls13_keys k[2];
	struct tls12_keys k12[2];       /* TLS <= 1.2: after the side's ChangeCipherSpec */
	uint8_t ap[2][TLS13_MAX_HASH];  /* the side's application traffic secret */
	bool have_ap[2];
	uint8_t early;                  /* EARLY_*: the client's 0-RTT key ek */
	uint16_t early_cipher;          /* ek's suite */
	struct tls13_keys ek;
	uint8_t buf[16384 + 256];       /* one record's plaintext */
};

static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

void core_dec_free(struct session *s)
{
	if (!s->dec)
		return;
	wipe(s->dec, sizeof *s->dec);
	free(s->dec);
	s->dec = NULL;
	s->decrypting = false;
}

/* Decryption ends for the session: it is reported as without a key. */
static void give_up(struct session *s, const char *anom)
{
	anom_add(&s->anom, anom);
	core_post_close(s);
	core_dec_free(s);
}

/* The key log's entry of the session's ClientHello random, or NULL.  A key
 * log followed in live capture may not have the label's secret yet (its
 * writer logs it just before the packets that need it): the files are read
 * again, once, before giving up. */
static const struct keylog_entry *find_entry(struct session *s, enum keylog_label l)
{
	const struct tls_client_hello *ch = core_ch(s);
	const struct keylog_entry *e;
	size_t len;

	if (!ch)
		return NULL;
	e = keylog_find(s->ctx->keylog, ch->random);
	if ((!e || !keylog_secret(e, l, &len)) && kfollow_refresh(s->ctx->kfollow))
		e = keylog_find(s->ctx->keylog, ch->random);
	return e;
}

bool core_dec_late(const struct session *s)
{
	const struct tls_client_hello *ch = core_ch(s);

	if (!s->ctx || !s->ctx->kfollow || s->dec_used || !ch || !s->sh)
		return false;
	kfollow_refresh(s->ctx->kfollow);
	return keylog_find(s->ctx->keylog, ch->random) != NULL;
}

/* The session's decryption state, made once (counted: a session with a
 * key); false without memory. */
static bool dec_new(struct session *s)
{
	if (s->dec)
		return true;
	s->ctx->st.dec_sessions++;
	s->dec = calloc(1, sizeof *s->dec);
	if (!s->dec) {
		anom_add(&s->anom, "alloc_failed");
		return false;
	}
	core_mem_add(s, sizeof *s->dec);
	return true;
}

/* The key log lacks a secret the session needs: counted and said. */
static void secret_missing(struct session *s)
{
	s->ctx->st.dec_missing_secret++;
	anom_add(&s->anom, "keylog_secret_missing");
}

/* Keys of the side from the label's secret; false when the key log lacks it. */
static bool side_keys(struct session *s, const struct keylog_entry *e, int dir,
		      enum keylog_label l)
{
	size_t len = 0;
	const uint8_t *sec = keylog_secret(e, l, &len);
	struct core_dec *d = s->dec;

	if (!sec || len != tls13_hash_len(d->suite.hash) ||
	    !tls13_keys_init(&d->k[dir], &d->suite, sec, len)) {
		d->stage[dir] = DK_NONE;
		return false;
	}
	d->stage[dir] = DK_HANDSHAKE;
	s->dec_used |= (uint8_t)(1u << l);
	return true;
}

static void keep_ap(struct session *s, const struct keylog_entry *e, int dir,
		    enum keylog_label l)
{
	size_t len = 0;
	const uint8_t *sec = keylog_secret(e, l, &len);
	struct core_dec *d = s->dec;

	if (sec && len == tls13_hash_len(d->suite.hash)) {
		memcpy(d->ap[dir], sec, len);
		d->have_ap[dir] = true;
	}
}

void core_dec_server_hello(struct session *s)
{
	const struct keylog_entry *e;
	struct tls13_suite suite;
	int c = core_client_dir(s), sv = !c;
	const struct tls_client_hello *ch = core_ch(s);

	if (!s->ctx->keylog || !ch || !s->sh || s->decrypting)
		return;
	e = find_entry(s, KL_SERVER_HS);
	if (!e)
		return;
	if (!tls13_suite_info(s->sh->cipher, &suite)) {
		if (!s->dec)
			s->ctx->st.dec_sessions++;
		s->ctx->st.dec_unsupported++;
		anom_add(&s->anom, "decryption_unsupported_cipher");
		core_dec_free(s);
		return;
	}
	if (!dec_new(s))
		return;
	/* 0-RTT keys are the PSK's suite, which an accepting server selects */
	if (s->dec->early == EARLY_ON && s->dec->early_cipher != s->sh->cipher)
		s->dec->early = EARLY_OFF;
	s->dec->suite = suite;
	bool ok_s = side_keys(s, e, sv, KL_SERVER_HS), ok_c = side_keys(s, e, c, KL_CLIENT_HS);

	if (ok_s != ok_c && s->ctx->kfollow) {
		/* A followed key log may have one line of the pair and not yet
		 * the other (its writers log each secret when they install its
		 * key): the side's first record asks again (pending_keys). */
		s->dec->pending[ok_s ? c : sv] = true;
	} else if (!ok_s || !ok_c) {
		secret_missing(s);
		if (!ok_s && !ok_c) {
			core_dec_free(s);
			return;
		}
	}
	keep_ap(s, e, sv, KL_SERVER_AP0);
	keep_ap(s, e, c, KL_CLIENT_AP0);
	s->decrypting = true;
}

static void switch_to(struct session *s, int dir, const uint8_t *secret)
{
	struct core_dec *d = s->dec;
	size_t hl = tls13_hash_len(d->suite.hash);

	if (tls13_keys_init(&d->k[dir], &d->suite, secret, hl))
		d->stage[dir] = DK_APPLICATION;
	else
		d->stage[dir] = DK_NONE;
}

void core_dec_finished(struct session *s, int dir)
{
	struct core_dec *d = s->dec;

	if (!d || d->stage[dir] != DK_HANDSHAKE)
		return;
	if (!d->have_ap[dir] && s->ctx->kfollow) {
		/* a followed key log may have gained it since the ServerHello */
		enum keylog_label l = dir == core_client_dir(s) ? KL_CLIENT_AP0 : KL_SERVER_AP0;

		keep_ap(s, find_entry(s, l), dir, l);
	}
	if (!d->have_ap[dir]) {
		d->stage[dir] = DK_NONE;   /* the rest of the side stays opaque */
		return;
	}
	s->dec_used |= (uint8_t)(1u << (dir == core_client_dir(s) ? KL_CLIENT_AP0 : KL_SERVER_AP0));
	switch_to(s, dir, d->ap[dir]);
}

void core_dec_key_update(struct session *s, int dir)
{
	struct core_dec *d = s->dec;
	size_t hl;

	if (!d || d->stage[dir] != DK_APPLICATION)
		return;
	/* RFC 8446 7.2: next = HKDF-Expand-Label(current, "traffic upd", "", Hash.length) */
	hl = tls13_hash_len(d->suite.hash);
	uint8_t next[TLS13_MAX_HASH];

	if (!tls13_expand_label(d->suite.hash, d->ap[dir], hl, "traffic upd", NULL, 0, next, hl)) {
		d->stage[dir] = DK_NONE;
		return;
	}
	memcpy(d->ap[dir], next, hl);
	wipe(next, sizeof next);
	switch_to(s, dir, d->ap[dir]);
}

/* The opened content of one record. */
static void deliver(struct session *s, int dir, uint8_t type, const uint8_t *p, size_t n,
		    uint32_t wire_len, uint64_t ts)
{
	int c = core_client_dir(s);
	bool after_fin = s->d[c].finished;

	switch (type) {
	case TLS_CT_HANDSHAKE:
		core_tls13_appdata(s, dir, wire_len, true);
		core_hs_feed(s, dir, p, n, ts);
		break;
	case TLS_CT_ALERT:
		if (n != 2) {
			anom_add(&s->anom, "malformed_alert");
			break;
		}
		core_alert(s, dir, p[0], p[1], true);
		core_post_record(s, dir, type, p[0], p[1]);
		return;
	case TLS_CT_APPDATA:
		/* Counted, never looked into. */
		core_tls13_appdata(s, dir, wire_len, true);
		break;
	default:
		anom_add(&s->anom, "unexpected_content_type");
		core_tls13_appdata(s, dir, wire_len, true);
		break;
	}
	if (after_fin) {
		if (dir == c)
			s->dec_cli_after = true;
		else
			s->dec_srv_after = true;
	}
	core_check_established(s);
	core_post_record(s, dir, type, 0, 0);
}

/* ---- 0-RTT: the client's early data (RFC 8446 2.3, 4.2.10) ---- */

/* The early key from the key log's CLIENT_EARLY_TRAFFIC_SECRET, for the
 * suite `cipher`; false when it has none or the suite is not supported. */
static bool early_keys(struct session *s, const struct keylog_entry *e, uint16_t cipher)
{
	struct tls13_suite suite;
	size_t len = 0;
	const uint8_t *sec = keylog_secret(e, KL_CLIENT_EARLY, &len);

	if (!sec || !tls13_suite_info(cipher, &suite) || len != tls13_hash_len(suite.hash))
		return false;
	if (!tls13_keys_init(&s->dec->ek, &suite, sec, len))
		return false;
	s->dec->early_cipher = cipher;
	return true;
}

/* Opens r with the early key (the record's header in hdr); before the
 * ServerHello the suite is not known: each TLS 1.3 suite the client
 * offered is tried, the AEAD tag tells which one it is. */
static enum tls_open_status early_open(struct session *s, const uint8_t hdr[5],
				       const struct tls_record *r, size_t *len, uint8_t *type)
{
	struct core_dec *d = s->dec;
	const struct tls_client_hello *ch = core_ch(s);
	const struct keylog_entry *e = keylog_find(s->ctx->keylog, ch->random);

	if (d->early_cipher)
		return tls13_open(&d->ek, hdr, r->body, r->len, d->buf, len, type);
	for (uint16_t i = 0; e && i < ch->n_ciphers; i++) {
		if (ch->ciphers[i] < 0x1301 || ch->ciphers[i] > 0x1305 ||
		    (s->sh && ch->ciphers[i] != s->sh->cipher) || !early_keys(s, e, ch->ciphers[i]))
			continue;
		if (tls13_open(&d->ek, hdr, r->body, r->len, d->buf, len, type) == TLS_OPEN_OK)
			return TLS_OPEN_OK;
		d->early_cipher = 0;
	}
	return TLS_OPEN_BAD_TAG;
}

/* The opened content of an early record: application data is counted,
 * never kept; EndOfEarlyData ends the early key (the client's next
 * records are its handshake's). */
static void deliver_early(struct session *s, int dir, uint8_t type, size_t n, uint32_t wire_len,
			  uint64_t ts)
{
	struct core_dec *d = s->dec;

	/* (not d->opened: that is the handshake key's first record) */
	s->dec_records++;
	s->ctx->st.dec_records++;
	s->dec_early_records++;
	s->dec_used |= 1u << KL_CLIENT_EARLY;
	if (type == TLS_CT_APPDATA) {
		core_early_record(s, wire_len);
		s->dec_early_bytes += (uint32_t)n;
	} else if (type == TLS_CT_HANDSHAKE) {
		d->early = EARLY_OFF;
		core_hs_feed(s, dir, d->buf, n, ts);
	} else {
		anom_add(&s->anom, "unexpected_content_type");
	}
}

static void record_header(const struct tls_record *r, uint8_t hdr[5])
{
	hdr[0] = r->type;
	hdr[1] = (uint8_t)(r->version >> 8);
	hdr[2] = (uint8_t)r->version;
	hdr[3] = (uint8_t)(r->len >> 8);
	hdr[4] = (uint8_t)r->len;
}

/* A client record that may be 0-RTT early data: true when the early key
 * opened it (and its content was handed on).  The key is looked up at the
 * first such record, before the ServerHello when the client sent early
 * data at once. */
static bool early_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	const struct keylog_entry *e;
	uint8_t hdr[5], type = 0;
	size_t len = 0;

	if (!s->ctx->keylog || !core_ch(s) || !core_ch(s)->has_early_data || !r->body ||
	    r->len > 16384 + 256 || (s->dec && s->dec->early == EARLY_OFF))
		return false;
	if (!s->dec || s->dec->early == EARLY_NONE) {
		e = find_entry(s, KL_CLIENT_EARLY);
		if (!e || !keylog_secret(e, KL_CLIENT_EARLY, &len) || !dec_new(s))
			return false;
		s->dec->early = EARLY_ON;
	}
	record_header(r, hdr);
	if (early_open(s, hdr, r, &len, &type) != TLS_OPEN_OK) {
		s->dec->early = EARLY_OFF;
		return false;
	}
	deliver_early(s, dir, type, len, r->len, ts);
	return true;
}

bool core_dec_early(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	return early_record(s, dir, r, ts);
}

/* The side's handshake secret, missing from the followed key log at the
 * ServerHello, looked for once more now that the side's first encrypted
 * record is here; missing still, the session says so as it would have. */
static void pending_keys(struct session *s, int dir)
{
	struct core_dec *d = s->dec;
	bool client = dir == core_client_dir(s);
	enum keylog_label hs = client ? KL_CLIENT_HS : KL_SERVER_HS;
	const struct keylog_entry *e;

	d->pending[dir] = false;
	e = find_entry(s, hs);
	if (e && side_keys(s, e, dir, hs)) {
		keep_ap(s, e, dir, client ? KL_CLIENT_AP0 : KL_SERVER_AP0);
		return;
	}
	secret_missing(s);
}

bool core_dec_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	struct core_dec *d = s->dec;
	uint8_t hdr[5], type = 0;
	size_t len = 0;
	enum tls_open_status st;

	/* 0-RTT early data, then EndOfEarlyData, under the early key */
	if (d && d->early == EARLY_ON && dir == core_client_dir(s) && early_record(s, dir, r, ts))
		return true;
	if (!d)
		return false;
	/* 0-RTT: client records before the server's flight are early data. */
	if (dir == core_client_dir(s) && !s->srv_flight)
		return false;
	if (d->pending[dir])
		pending_keys(s, dir);
	if (d->stage[dir] == DK_NONE || !r->body || r->len > sizeof d->buf)
		return false;
	record_header(r, hdr);
	st = tls13_open(&d->k[dir], hdr, r->body, r->len, d->buf, &len, &type);
	if (st == TLS_OPEN_BAD_TAG && dir == core_client_dir(s) && !d->opened[dir] &&
	    s->ch_early_data && core_early_record(s, r->len)) {
		/* Early data still flowing after the server's flight began: the
		 * server skips what its handshake keys do not open (RFC 8446
		 * 4.2.10), within its early-data limit. */
		anom_add(&s->anom, "early_data_after_server_flight");
		return true;
	}
	if (st != TLS_OPEN_OK) {
		s->ctx->st.dec_failed++;
		give_up(s, st == TLS_OPEN_NO_TYPE ? "decrypted_record_empty" : "decryption_failed");
		return false;
	}
	d->opened[dir] = true;
	s->dec_records++;
	s->ctx->st.dec_records++;
	deliver(s, dir, type, d->buf, len, r->len, ts);
	return true;
}

/* ---- SSL 3.0 to TLS 1.2: the master secret of a CLIENT_RANDOM line ---- */

void core_dec12_ccs(struct session *s, int dir)
{
	const struct keylog_entry *e;
	struct tls12_suite suite;
	struct tls12_keys k;
	const uint8_t *ms;
	size_t len = 0;
	int c = core_client_dir(s);
	const struct tls_client_hello *ch = core_ch(s);

	if (!ch || !s->sh || (s->dec && s->dec->stage[dir] != DK_NONE))
		return;
	/* looked up once, at the first ChangeCipherSpec */
	if (!s->dec && s->d[!dir].ccs)
		return;
	e = find_entry(s, KL_CLIENT_RANDOM);
	if (!e)
		return;
	if (!s->dec)
		s->ctx->st.dec_sessions++;
	ms = keylog_secret(e, KL_CLIENT_RANDOM, &len);
	if (!ms) {
		secret_missing(s);
		return;
	}
	/* SSL 3.0 to TLS 1.2; a suite the version cannot carry is unsupported */
	if (!tls12_suite_info(s->sh->cipher, &suite) ||
	    !tls12_keys_init(&k, &suite, s->version, ms, ch->random, s->sh->random, dir == c)) {
		s->ctx->st.dec_unsupported++;
		anom_add(&s->anom, "decryption_unsupported_cipher");
		return;
	}
	if (!s->dec) {
		s->dec = calloc(1, sizeof *s->dec);
		if (!s->dec) {
			anom_add(&s->anom, "alloc_failed");
			return;
		}
		core_mem_add(s, sizeof *s->dec);
	}
	k.etm = suite.mac != TLS_MAC_NONE && suite.bulk != TLS_BULK_RC4 && ch->has_etm &&
		s->sh->has_etm;
	s->dec->k12[dir] = k;
	wipe(&k, sizeof k);
	s->dec->stage[dir] = DK_TLS12;
	s->dec_used |= 1u << KL_CLIENT_RANDOM;
	s->decrypting = true;
}

bool core_dec12_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	struct core_dec *d = s->dec;
	size_t len = 0;
	enum tls_open_status st;

	if (!d || d->stage[dir] != DK_TLS12 || !r->body || r->len > sizeof d->buf)
		return false;
	st = tls12_open(&d->k12[dir], r->type, r->version, r->body, r->len, d->buf, &len);
	if (st != TLS_OPEN_OK) {
		s->ctx->st.dec_failed++;
		give_up(s, st == TLS_OPEN_BAD_PADDING ? "decryption_bad_padding" : "decryption_failed");
		return false;
	}
	d->opened[dir] = true;
	s->dec_records++;
	s->ctx->st.dec_records++;
	if (r->type == TLS_CT_HANDSHAKE) {
		core_hs_feed(s, dir, d->buf, len, ts);
	} else if (r->type == TLS_CT_ALERT) {
		if (len == 2)
			core_alert(s, dir, d->buf[0], d->buf[1], true);
		else
			anom_add(&s->anom, "malformed_alert");
	}
	/* application data: opened to keep the sequence, dropped */
	return true;
}
