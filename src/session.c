/*
 * session.c - one TLS session per TCP connection: record layer, handshake
 * message reassembly, certificates, and the outcome state machine
 * (RFC 5246 7.3 and 7.4, RFC 8446 2 and 4, RFC 6101 for SSL 3.0,
 * draft-hickman-netscape-ssl-00 for SSLv2).
 *
 *   reassembly --push(dir, bytes)--> sniff -> records -> handshake buffer -> messages
 *                                              |  CCS / alert / app data   |
 *                                              +------> outcome <----------+
 *
 * THE OUTCOME STATE MACHINE
 *
 * Orientation.  The client is the side that sent the ClientHello; if only a
 * ServerHello was seen, the other side; with neither, the SYN sender, else
 * flow side 0.
 *
 * TLS <= 1.2, full handshake:
 *   client_hello -> server_hello -> certificate -> [certificate_status]
 *   -> [server_key_exchange] -> [certificate_request] -> server_hello_done
 *   -> [client certificate] -> client_key_exchange -> [certificate_verify]
 *   -> client CCS -> client finished -> [new_session_ticket] -> server CCS
 *   -> server finished.
 *   A handshake record that follows a side's ChangeCipherSpec is encrypted:
 *   the first one is that side's Finished, later ones `encrypted_handshake`.
 *   ESTABLISHED as soon as the Finished of the side that finishes last was
 *   seen (the server in a full handshake, the client in an abbreviated one:
 *   it sends Finished only after verifying its peer's), or when both sides
 *   sent ChangeCipherSpec and application data flowed both ways after it.
 *
 * TLS <= 1.2, abbreviated handshake (resumption): resumed = true when the
 *   ServerHello echoes a non-empty client session_id, or when the server
 *   sends ChangeCipherSpec right after ServerHello / NewSessionTicket (no
 *   Certificate, ServerKeyExchange or ServerHelloDone: ticket resumption with
 *   an empty session id).  A server Certificate after all clears it.
 *   ESTABLISHED at the client's Finished (it comes last).
 *
 * TLS 1.3 (negotiated via supported_versions, drafts included): everything
 *   the server sends after ServerHello is encrypted, in records of outer type
 *   application_data; the ChangeCipherSpec records of middlebox compatibility
 *   mode are listed but change nothing.
 *   - the server's first encrypted record starts its flight
 *     (`server:encrypted_handshake`); every server record until the client's
 *     first encrypted record belongs to it;
 *   - the client's first encrypted record after that is its flight
 *     (`client:encrypted_handshake`: Finished, with Certificate and
 *     CertificateVerify under client authentication) - unless it is
 *     alert-sized (2 + 1 + AEAD tag = 19 bytes, 11 for CCM_8): then it is an
 *     encrypted alert from the client (outcome `alert`, decided at once);
 *   - ESTABLISHED (inferred) once, after a non-alert client flight, either
 *     the client sends another encrypted record (application data), or the
 *     server sends an encrypted record that is not alert-sized
 *     (NewSessionTicket or application data);
 *   - at the end of the connection (FIN, RST, capture end) a non-alert client
 *     flight counts as ESTABLISHED, unless the only server record after it
 *     was alert-sized: then an encrypted alert from the server (outcome
 *     `alert`).  A server flight of exactly one alert-sized record and no
 *     client flight is likewise an alert from the server.
 *   HelloRetryRequest: the second ClientHello stays in the same session;
 *   JA3/JA4 and the client fields come from the first ClientHello.
 *   resumed = true when the server selected pre_shared_key.
 *   Client records of type application_data before the server's flight are
 *   0-RTT early data and do not count.
 *
 * SSLv2 (the server answered SERVER-HELLO): after CLIENT-MASTER-KEY (or a
 *   SERVER-HELLO with session-id-hit: resumed) everything is encrypted;
 *   ESTABLISHED (inferred) when the server sent two encrypted records
 *   (SERVER-VERIFY, SERVER-FINISHED) and the client one (CLIENT-FINISHED).
 *   An SSLv2 ERROR message is a fatal alert.
 *
 * Failures, each decided once, with the side that caused it and the stage
 * (the message expected next):
 *   alert               a fatal cleartext alert, or an encrypted alert
 *                       (type 21 with a length other than 2), before
 *                       ESTABLISHED; warnings are recorded and the handshake
 *                       goes on
 *   reset               RST before ESTABLISHED (after the end-of-connection
 *                       inference above had its say)
 *   closed              FIN before ESTABLISHED; decided when both sides sent
 *                       FIN, or at flow end with one
 *   no_server_response  a ClientHello was sent and the server sent no byte and
 *                       no FIN/RST, and nothing the client sent after it shows
 *                       an answer; or the server answered with bytes that are
 *                       not TLS (anomaly server_not_tls, decided at once)
 *   malformed           the record layer broke (invalid_record, or no record
 *                       header found within 64 KiB after a gap) and did not
 *                       recover
 *   incomplete          one-sided capture: the client sent what only an
 *                       answered client sends (ClientKeyExchange, CCS,
 *                       encrypted records) but no server byte was captured
 *                       (server_data_missing), or only the server's direction
 *                       was captured (client_data_missing); encrypted alerts
 *                       then decide nothing.  Also the flow ended (timeout,
 *                       end of capture) otherwise;
 *                       also, decided at once, a connection that reassembly
 *                       joined midstream and whose first record is
 *                       application data (the handshake was never seen)
 *
 * Gaps: the partial handshake message of that direction is dropped and the
 * direction looks for the next plausible record header (type 20-24,
 * version 3.0-3.4, length 1..2^14+2048, and the header after it plausible
 * too when in view) instead of giving up.
 *
 * Memory: the hellos, the CertificateRequest and the handshake buffers are
 * allocated on demand; handshake buffers hold only bytes that arrived, at
 * most 4 + cfg.max_handshake_msg, and are freed once the outcome is known.
 */
#include <stdlib.h>
#include <string.h>

#include "../parsers/cursor.h"
#include "../parsers/tls_names.h"
#include "../parsers/tls_record.h"
#include "../parsers/x509.h"
#include "session.h"
#include "session_impl.h"

/* Bytes skipped looking for a record header before the layer counts as broken. */
#define SESS_RESYNC_LIMIT (64u * 1024u)

static void decide(struct session *s, enum tls_outcome out, enum sess_cause why, int dir);

static int client_dir(const struct session *s)
{
	if (s->client >= 0)
		return s->client;
	return s->syn_side == 1 ? 1 : 0;
}

static bool decided(const struct session *s)
{
	return s->outcome != TLS_OUT_NONE;
}

static void mark_tls(struct session *s)
{
	if (!s->is_tls) {
		s->is_tls = true;
		s->ctx->st.sessions++;
	}
}

static void add_msg(struct session *s, int dir, uint16_t code)
{
	uint32_t cap = s->ctx->cfg.max_hs_messages;

	if (s->n_msgs >= cap) {
		anom_add(&s->anom, "handshake_messages_truncated");
		return;
	}
	if (s->n_msgs == s->cap_msgs) {
		uint32_t nc = s->cap_msgs ? s->cap_msgs * 2 : 16;
		struct sess_msg *m;
		if (nc > cap)
			nc = cap;
		m = realloc(s->msgs, nc * sizeof *m);
		if (!m) {
			anom_add(&s->anom, "alloc_failed");
			return;
		}
		s->msgs = m;
		s->cap_msgs = nc;
	}
	s->msgs[s->n_msgs].code = code;
	s->msgs[s->n_msgs].dir = (uint8_t)dir;
	s->n_msgs++;
}

static void add_alert(struct session *s, int dir, uint8_t level, uint8_t desc, bool enc,
		      bool sslv2)
{
	uint32_t cap = s->ctx->cfg.max_alerts;
	struct sess_alert al = { (uint8_t)dir, level, desc, enc, sslv2 };

	/* The alert that decides the outcome is kept even past the cap. */
	if (!decided(s))
		s->fail_al = al;
	if (s->n_alerts >= cap) {
		anom_add(&s->anom, "alerts_truncated");
		return;
	}
	if (s->n_alerts == s->cap_alerts) {
		uint32_t nc = s->cap_alerts ? s->cap_alerts * 2 : 4;
		struct sess_alert *a;
		if (nc > cap)
			nc = cap;
		a = realloc(s->alerts, nc * sizeof *a);
		if (!a) {
			anom_add(&s->anom, "alloc_failed");
			return;
		}
		s->alerts = a;
		s->cap_alerts = nc;
	}
	s->alerts[s->n_alerts++] = al;
}

/* Whether a TLS <= 1.2 key exchange sends ServerKeyExchange. */
static bool kx_has_ske(const char *kx)
{
	static const char *const with[] = { "ecdhe", "dhe", "dh_anon", "ecdh_anon",
					    "ecdhe_psk", "dhe_psk", "srp" };
	if (!kx)
		return false;
	for (size_t i = 0; i < sizeof with / sizeof with[0]; i++)
		if (strcmp(kx, with[i]) == 0)
			return true;
	return false;
}

/* The message expected next: tls.failure.stage. */
static const char *expected_next(const struct session *s)
{
	int c = client_dir(s), sv = !c;
	uint16_t cs;

	if (!s->n_ch && !s->sh_seen)
		return "client_hello";
	if (s->hrr && !s->sh_seen && s->n_ch < 2)
		return "client_hello";
	if (!s->sh_seen)
		return "server_hello";
	if (s->v2)
		return s->v2_cmk || s->resumed ? "finished" : "client_master_key";
	if (s->tls13)
		return s->srv_flight ? "finished" : "encrypted_extensions";
	if (s->resumed) {
		if (!s->d[sv].ccs)
			return "change_cipher_spec";
		if (!s->d[sv].finished)
			return "finished";
		if (!s->d[c].ccs)
			return "change_cipher_spec";
		return "finished";
	}
	cs = s->sh ? s->sh->cipher : 0;
	if (!s->srv_shd && !s->cli_cke) {
		if (!s->srv_cert && !tls_cipher_is_anon_or_psk(cs))
			return "certificate";
		if (!s->srv_ske && kx_has_ske(tls_cipher_kx(cs)))
			return "server_key_exchange";
		return "server_hello_done";
	}
	if (s->srv_cr && !s->cli_cert && !s->cli_cke)
		return "certificate";
	if (!s->cli_cke)
		return "client_key_exchange";
	if (s->srv_cr && s->cli_cert && !s->cli_cert_empty && !s->cli_cv)
		return "certificate_verify";
	if (!s->d[c].ccs)
		return "change_cipher_spec";
	if (!s->d[c].finished)
		return "finished";
	if (!s->d[sv].ccs)
		return "change_cipher_spec";
	return "finished";
}

/* Freed ClientHello and ServerHello structs, kept for the next sessions:
 * at about 6 and 2 KiB they are above the allocator's per-thread cache, so
 * each session's two took the allocator's slow path twice. */
#define POOL_MAX 32

enum { POOL_CH, POOL_SH };

static const size_t pool_size[2] = {
	[POOL_CH] = sizeof(struct tls_client_hello),
	[POOL_SH] = sizeof(struct tls_server_hello),
};

struct hello_pool {
	void *item[2][POOL_MAX];
	unsigned n[2];
};

static void *pool_get(struct tt_ctx *ctx, int kind)
{
	struct hello_pool *p = ctx->pool;
	return p && p->n[kind] ? p->item[kind][--p->n[kind]] : malloc(pool_size[kind]);
}

static void pool_put(struct tt_ctx *ctx, int kind, void *x)
{
	struct hello_pool *p;

	if (!x)
		return;
	if (!ctx->pool)
		ctx->pool = calloc(1, sizeof *ctx->pool);
	p = ctx->pool;
	if (p && p->n[kind] < POOL_MAX)
		p->item[kind][p->n[kind]++] = x;
	else
		free(x);
}

void session_pool_free(struct tt_ctx *ctx)
{
	struct hello_pool *p = ctx->pool;

	if (!p)
		return;
	for (int k = 0; k < 2; k++)
		while (p->n[k])
			free(p->item[k][--p->n[k]]);
	free(p);
	ctx->pool = NULL;
}

/* The session's own large allocations count against cfg.session_memcap
 * (the pipeline ends the oldest connections when the total is over it). */
static void mem_add(struct session *s, size_t n)
{
	s->mem += n;
	s->ctx->sess_mem += n;
}

static void mem_sub(struct session *s, size_t n)
{
	n = n < s->mem ? n : s->mem;
	s->mem -= n;
	s->ctx->sess_mem -= n < s->ctx->sess_mem ? n : s->ctx->sess_mem;
}

static void free_hs_buffers(struct session *s)
{
	for (int i = 0; i < 2; i++) {
		mem_sub(s, s->d[i].hs_cap);
		free(s->d[i].hs);
		s->d[i].hs = NULL;
		s->d[i].hs_len = s->d[i].hs_cap = s->d[i].hs_skip = 0;
	}
}

static void decide(struct session *s, enum tls_outcome out, enum sess_cause why, int dir)
{
	if (decided(s))
		return;
	s->outcome = out;
	s->cause = why;
	s->cause_dir = dir;
	if (out != TLS_OUT_ESTABLISHED)
		s->fail_stage = expected_next(s);
	if ((unsigned)out < sizeof s->ctx->st.outcome / sizeof s->ctx->st.outcome[0])
		s->ctx->st.outcome[out]++;
	free_hs_buffers(s);
}

static void malformed(struct session *s, int dir, const char *code)
{
	anom_add(&s->anom, code);
	s->fail_anom = code;
	decide(s, TLS_OUT_MALFORMED, SC_MALFORMED, dir);
}

/* TLS 1.3 alert record size: 2-byte alert, 1 content type byte, AEAD tag. */
static uint32_t tls13_alert_len(const struct session *s)
{
	return 2 + 1 + (s->sh && s->sh->cipher == 0x1305 ? 8 : 16);
}

/* One direction of the connection is missing from the capture: the other
 * side's messages prove it spoke, yet none of its bytes arrived.  Records
 * the anomaly when true. */
static bool one_sided(struct session *s)
{
	int c = client_dir(s), sv = !c;

	if (!s->d[sv].got_bytes && s->cli_after_ch) {
		anom_add(&s->anom, "server_data_missing");
		return true;
	}
	if (!s->d[c].got_bytes && s->d[sv].got_bytes) {
		anom_add(&s->anom, "client_data_missing");
		return true;
	}
	return false;
}

static void check_established(struct session *s)
{
	int c = client_dir(s), sv = !c;

	if (decided(s) || !s->sh_seen)
		return;
	if (s->v2) {
		if (s->d[sv].v2_enc_records >= 2 && s->d[c].v2_enc_records >= 1)
			decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
		return;
	}
	if (s->tls13) {
		if (s->cli_flight && s->cli_first_len != tls13_alert_len(s) &&
		    (s->cli_flight >= 2 || s->srv_after_data))
			decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
		return;
	}
	/* The side that sends Finished last does so only after verifying the
	 * peer's: the server in a full handshake, the client in an abbreviated
	 * one.  Either that Finished, or application data both ways after
	 * ChangeCipherSpec (Finished lost in a gap). */
	if ((s->d[c].finished && s->d[sv].finished) ||
	    (!s->resumed && s->d[sv].finished) || (s->resumed && s->d[c].finished) ||
	    (s->d[c].ccs && s->d[sv].ccs && s->d[c].appdata && s->d[sv].appdata))
		decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
}

/* The connection ended (FIN both ways, RST, flow end): what the evidence
 * allows, else `fallback`. */
static void decide_end(struct session *s, enum sess_cause fallback, int dir)
{
	int c = client_dir(s), sv = !c;

	if (decided(s))
		return;
	if (s->tls13 && s->sh_seen) {
		uint32_t al = tls13_alert_len(s);
		if (s->cli_flight && s->cli_first_len != al) {
			if (s->srv_after_alert && !s->srv_after_data && s->cli_flight == 1) {
				add_alert(s, sv, 0, 0, true, false);
				decide(s, TLS_OUT_ALERT, SC_INFERRED_ALERT, sv);
			} else {
				decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
			}
			return;
		}
		if (!s->cli_flight && s->srv_flight == 1 && s->srv_first_len == al) {
			add_alert(s, sv, 0, 0, true, false);
			decide(s, TLS_OUT_ALERT, SC_INFERRED_ALERT, sv);
			return;
		}
	} else if (s->sh_seen && !s->v2 && s->d[c].ccs && s->d[sv].ccs) {
		decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
		return;
	}
	if (fallback == SC_RESET) {
		decide(s, TLS_OUT_RESET, SC_RESET, dir);
		return;
	}
	if (one_sided(s)) {
		decide(s, TLS_OUT_INCOMPLETE, SC_ONE_SIDED, -1);
		return;
	}
	if (s->n_ch && !s->d[sv].got_bytes && !s->d[sv].fin && !s->d[sv].rst) {
		decide(s, TLS_OUT_NO_SERVER_RESPONSE, SC_NO_RESPONSE, sv);
		return;
	}
	if (s->first_fin >= 0) {
		decide(s, TLS_OUT_CLOSED, SC_CLOSED, s->first_fin);
		return;
	}
	for (int i = 0; i < 2; i++)
		if (s->d[i].resync && s->d[i].resync_bad) {
			s->fail_anom = "invalid_record";
			decide(s, TLS_OUT_MALFORMED, SC_MALFORMED, i);
			return;
		}
	decide(s, TLS_OUT_INCOMPLETE, SC_INCOMPLETE, -1);
}

/* ---- handshake messages ---- */

static bool offers_tls13(const struct tls_client_hello *ch)
{
	for (uint16_t i = 0; i < ch->n_versions; i++)
		if (sess_is_tls13(ch->versions[i]))
			return true;
	return false;
}

static void on_client_hello(struct session *s, int dir, const uint8_t *b, size_t n, bool sslv2)
{
	struct tls_client_hello *ch;

	if (s->client < 0)
		s->client = dir;
	add_msg(s, dir, TLS_HS_CLIENT_HELLO);
	if (dir != s->client) {
		anom_add(&s->anom, "unexpected_message");
		return;
	}
	s->n_ch++;
	if (s->n_ch > 1 && !(s->hrr && s->n_ch == 2 && !s->sh_seen)) {
		anom_add(&s->anom, "unexpected_message");
		return;
	}
	/* The first ClientHello is kept (JA4 after HRR uses it); the second,
	 * after a HelloRetryRequest, is parsed only for its anomalies. */
	ch = pool_get(s->ctx, POOL_CH);
	if (!ch) {
		anom_add(&s->anom, "alloc_failed");
		return;
	}
	memset(ch, 0, sizeof *ch);
	if (sslv2)
		tls_parse_sslv2_client_hello(b, n, ch, &s->anom);
	else
		tls_parse_client_hello(b, n, ch, &s->anom);
	if (s->n_ch == 1 && !s->ch) {
		s->ch = ch;
		mem_add(s, sizeof *ch);
	} else {
		pool_put(s->ctx, POOL_CH, ch);
	}
}

static void on_server_hello(struct session *s, int dir, const uint8_t *b, size_t n)
{
	struct tls_server_hello *sh;
	int c;

	if (s->client < 0)
		s->client = !dir;
	c = s->client;
	if (dir == c || s->sh_seen || s->v2) {
		add_msg(s, dir, TLS_HS_SERVER_HELLO);
		anom_add(&s->anom, "unexpected_message");
		return;
	}
	if (!s->sh) {
		s->sh = pool_get(s->ctx, POOL_SH);
		if (s->sh)
			mem_add(s, sizeof *s->sh);
		if (!s->sh) {
			add_msg(s, dir, TLS_HS_SERVER_HELLO);
			anom_add(&s->anom, "alloc_failed");
			return;
		}
	}
	sh = s->sh;
	memset(sh, 0, sizeof *sh);
	s->sh_bad = tls_parse_server_hello(b, n, sh, &s->anom) != 0;
	s->version = tls_sh_version(sh);
	/* A compatible SSLv2 ClientHello is answered in TLS records: the client
	 * goes on in TLS records too. */
	s->d[c].v2 = false;
	if (sh->is_hrr) {
		add_msg(s, dir, SESS_MSG_HRR);
		if (s->hrr)
			anom_add(&s->anom, "unexpected_message");
		s->hrr = true;
		s->tls13 = true;
		return;
	}
	add_msg(s, dir, TLS_HS_SERVER_HELLO);
	s->sh_seen = true;
	s->tls13 = sess_is_tls13(s->version);
	if (s->tls13) {
		s->resumed = sh->has_psk;
		/* Alerts of length != 2 are encrypted from here on, both ways. */
		s->d[0].enc = s->d[1].enc = true;
	} else if (s->ch && sh->session_id_len &&
		   sh->session_id_len == s->ch->session_id_len &&
		   memcmp(sh->session_id, s->ch->session_id, sh->session_id_len) == 0) {
		s->resumed = true;
	}
	if (s->hrr && !s->tls13)
		anom_add(&s->anom, "unexpected_message");
	if (sh->downgrade && s->ch && offers_tls13(s->ch))
		anom_add(&s->anom, "downgrade_sentinel");
}

static void on_certificate(struct session *s, int dir, const uint8_t *b, size_t n, uint64_t ts)
{
	struct tt_ctx *ctx = s->ctx;
	size_t max = ctx->cfg.max_certs, cnt = 0, total = 0;
	struct tls_cert_ref *refs;
	bool from_server = dir != client_dir(s);
	uint32_t k = 0;

	refs = malloc((max ? max : 1) * sizeof *refs);
	if (!refs) {
		anom_add(&s->anom, "alloc_failed");
		return;
	}
	tls_parse_certificate(b, n, s->tls13, refs, max, &cnt, &total, &s->anom);
	if (from_server) {
		s->srv_cert = true;
		/* A full handshake after all, whatever the session id said. */
		if (!s->tls13)
			s->resumed = false;
	} else {
		s->cli_cert = true;
		s->cli_cert_empty = total == 0;
	}
	if (s->chain[dir]) {
		anom_add(&s->anom, "unexpected_message");
		goto out;
	}
	if (total > cnt)
		anom_add(&s->anom, "certificate_chain_truncated");
	s->n_chain_total[dir] = (uint32_t)total;
	s->cert_ts[dir] = ts;
	if (!cnt)
		goto out;
	s->chain[dir] = calloc(cnt, sizeof *s->chain[dir]);
	if (!s->chain[dir]) {
		anom_add(&s->anom, "alloc_failed");
		goto out;
	}
	for (size_t i = 0; i < cnt; i++) {
		struct x509_cert *c = x509_cert_get(ctx->x509, refs[i].der, refs[i].len);
		if (c)
			s->chain[dir][k++] = c;
		else
			anom_add(&s->anom, "alloc_failed");
	}
	s->n_chain[dir] = k;
out:
	free(refs);
}

static void on_cert_request(struct session *s, const uint8_t *b, size_t n)
{
	struct tls_cert_request *cr;
	size_t total = 0, off = 0;

	if (!s->cr) {
		s->cr = malloc(sizeof *s->cr);
		if (!s->cr) {
			anom_add(&s->anom, "alloc_failed");
			return;
		}
		mem_add(s, sizeof *s->cr);
	}
	cr = s->cr;
	memset(cr, 0, sizeof *cr);
	free(s->cr_auth);
	s->cr_auth = NULL;
	tls_parse_certificate_request(b, n, s->version, cr, &s->anom);
	s->srv_cr = true;
	/* The authorities point into the message: copy them so that they
	 * outlive it (emitted later). */
	for (uint16_t i = 0; i < cr->n_authorities; i++)
		total += cr->authorities[i].len;
	if (!cr->n_authorities)
		return;
	s->cr_auth = malloc(total ? total : 1);
	if (!s->cr_auth) {
		cr->n_authorities = 0;
		anom_add(&s->anom, "alloc_failed");
		return;
	}
	for (uint16_t i = 0; i < cr->n_authorities; i++) {
		memcpy(s->cr_auth + off, cr->authorities[i].der, cr->authorities[i].len);
		cr->authorities[i].der = s->cr_auth + off;
		off += cr->authorities[i].len;
	}
}

static void handle_msg(struct session *s, int dir, uint8_t type, const uint8_t *b, size_t n,
		       uint64_t ts)
{
	bool from_server;
	const char *kx;

	if (type == TLS_HS_CLIENT_HELLO) {
		on_client_hello(s, dir, b, n, false);
		return;
	}
	if (type == TLS_HS_SERVER_HELLO) {
		on_server_hello(s, dir, b, n);
		return;
	}
	add_msg(s, dir, type);
	from_server = dir != client_dir(s);
	switch (type) {
	case TLS_HS_CERTIFICATE:
		on_certificate(s, dir, b, n, ts);
		break;
	case TLS_HS_SERVER_KEY_EXCHANGE:
		if (!from_server || !s->sh) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		s->srv_ske = true;
		kx = tls_cipher_kx(s->sh->cipher);
		memset(&s->ske, 0, sizeof s->ske);
		if (kx)
			tls_parse_server_key_exchange(b, n, kx, s->version, &s->ske, &s->anom);
		break;
	case TLS_HS_CERTIFICATE_REQUEST:
		if (!from_server) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		on_cert_request(s, b, n);
		break;
	case TLS_HS_SERVER_HELLO_DONE:
		if (from_server)
			s->srv_shd = true;
		else
			anom_add(&s->anom, "unexpected_message");
		break;
	case TLS_HS_CLIENT_KEY_EXCHANGE:
		if (from_server) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		s->cli_cke = true;
		kx = s->sh ? tls_cipher_kx(s->sh->cipher) : NULL;
		if (kx)
			tls_parse_client_key_exchange(b, n, kx, s->version, &s->anom);
		break;
	case TLS_HS_CERTIFICATE_VERIFY:
		if (from_server) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		s->cli_cv = true;
		s->cv_has_sigalg = false;
		tls_parse_certificate_verify(b, n, s->version, &s->cv_has_sigalg, &s->cv_sigalg,
					     &s->anom);
		break;
	case TLS_HS_NEW_SESSION_TICKET:
		if (!from_server) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		{
			uint16_t tlen = 0;
			uint32_t life = 0;
			if (tls_parse_new_session_ticket(b, n, s->tls13, &life, &tlen, &s->anom) == 0) {
				s->has_nst = true;
				s->nst_lifetime = life;
			}
		}
		break;
	case TLS_HS_CERTIFICATE_STATUS:
		if (!from_server) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		{
			uint8_t st = 0;
			uint32_t rlen = 0;
			tls_parse_certificate_status(b, n, &st, &rlen, &s->anom);
			s->srv_status = true;
		}
		break;
	case TLS_HS_FINISHED:
		/* A cleartext Finished: the ChangeCipherSpec was missed (gap). */
		s->d[dir].finished = true;
		check_established(s);
		break;
	default:
		break;
	}
}

/* A message declared larger than cfg.max_handshake_msg: listed, skipped. */
static void too_large(struct session *s, int dir, uint8_t type)
{
	anom_add(&s->anom, "handshake_too_large");
	if (type == TLS_HS_CLIENT_HELLO && s->client < 0)
		s->client = dir;
	if (type == TLS_HS_SERVER_HELLO && s->client < 0)
		s->client = !dir;
	add_msg(s, dir, type);
	if (type == TLS_HS_CERTIFICATE) {
		if (dir != client_dir(s))
			s->srv_cert = true;
		else
			s->cli_cert = true;
	}
}

/* Handshake types a TLS or SSL 3.0 peer sends over TCP. */
static bool known_hs_type(uint8_t t)
{
	return t <= 2 || t == 4 || t == 5 || t == 8 || (t >= 11 && t <= 16) ||
	       (t >= 20 && t <= 25);
}

static bool hs_append(struct session *s, struct sess_dir *d, const uint8_t *p, size_t n)
{
	size_t want = (size_t)d->hs_len + n;

	if (want > d->hs_cap) {
		size_t cap = d->hs_cap ? d->hs_cap : 512;
		size_t limit = (size_t)s->ctx->cfg.max_handshake_msg + TLS_HS_HDR;
		uint8_t *nb;
		while (cap < want)
			cap *= 2;
		if (cap > limit)
			cap = limit;
		if (cap < want)
			return false;
		nb = realloc(d->hs, cap);
		if (!nb)
			return false;
		mem_add(s, cap - d->hs_cap);
		d->hs = nb;
		d->hs_cap = (uint32_t)cap;
	}
	memcpy(d->hs + d->hs_len, p, n);
	d->hs_len = (uint32_t)want;
	return true;
}

/* Cleartext handshake bytes of one record: messages joined across records,
 * several per record; whole messages in the record are parsed where they lie. */
static void hs_feed(struct session *s, int dir, const uint8_t *body, size_t len, uint64_t ts)
{
	struct sess_dir *d = &s->d[dir];
	struct cur c = cur_make(body, len);
	uint32_t max = s->ctx->cfg.max_handshake_msg;
	const uint8_t *b = NULL;
	uint8_t type;
	uint32_t mlen;

	if (d->hs_resync) {
		/* The message this record continues lost its start in the gap:
		 * wait for a record that starts with a message. */
		if (tls_hs_header(body, len, &type, &mlen) != TLS_OK || !known_hs_type(type) ||
		    mlen > max)
			return;
		d->hs_resync = false;
	}
	while (c.left && !decided(s)) {
		if (d->hs_skip) {
			size_t k = c.left < d->hs_skip ? c.left : d->hs_skip;
			cur_skip(&c, k);
			d->hs_skip -= (uint32_t)k;
			continue;
		}
		if (!d->hs_len) {
			if (tls_hs_header(c.p, c.left, &type, &mlen) == TLS_OK) {
				if (mlen > max) {
					too_large(s, dir, type);
					cur_skip(&c, TLS_HS_HDR);
					d->hs_skip = mlen;
					continue;
				}
				if (c.left - TLS_HS_HDR >= mlen && cur_skip(&c, TLS_HS_HDR) &&
				    cur_bytes(&c, mlen, &b)) {
					handle_msg(s, dir, type, b, mlen, ts);
					continue;
				}
			}
			/* A message continued in a later record: keep what arrived. */
			{
				size_t k = c.left;
				cur_bytes(&c, k, &b);
				if (!hs_append(s, d, b, k))
					anom_add(&s->anom, "alloc_failed");
			}
			return;
		}
		if (d->hs_len < TLS_HS_HDR) {
			size_t k = TLS_HS_HDR - d->hs_len;
			if (k > c.left)
				k = c.left;
			cur_bytes(&c, k, &b);
			if (!hs_append(s, d, b, k)) {
				anom_add(&s->anom, "alloc_failed");
				d->hs_len = 0;
				return;
			}
			if (d->hs_len < TLS_HS_HDR)
				return;
		}
		tls_hs_header(d->hs, d->hs_len, &type, &mlen);
		if (mlen > max) {
			too_large(s, dir, type);
			d->hs_skip = mlen - (d->hs_len - TLS_HS_HDR);
			d->hs_len = 0;
			continue;
		}
		{
			size_t need = (size_t)mlen + TLS_HS_HDR - d->hs_len;
			size_t k = need < c.left ? need : c.left;
			cur_bytes(&c, k, &b);
			if (!hs_append(s, d, b, k)) {
				anom_add(&s->anom, "alloc_failed");
				d->hs_len = 0;
				d->hs_skip = (uint32_t)(need - k);
				continue;
			}
			if (d->hs_len == (size_t)mlen + TLS_HS_HDR) {
				d->hs_len = 0;
				handle_msg(s, dir, type, d->hs + TLS_HS_HDR, mlen, ts);
			}
		}
	}
}

/* ---- records ---- */

static void handle_alert(struct session *s, int dir, const struct tls_record *r)
{
	struct cur c = cur_make(r->body, r->len);
	uint8_t level, desc;

	if (r->len == 0) {
		anom_add(&s->anom, "malformed_alert");
		return;
	}
	/* A cleartext alert is two bytes; anything else is encrypted, also
	 * when the ChangeCipherSpec that started encryption was not seen.  In a
	 * one-sided capture it may well be the close_notify of a completed
	 * handshake, so it is listed but decides nothing there. */
	if (r->len != 2) {
		add_alert(s, dir, 0, 0, true, false);
		if (!one_sided(s))
			decide(s, TLS_OUT_ALERT, SC_ALERT, dir);
		return;
	}
	if (cur_u8(&c, &level) && cur_u8(&c, &desc)) {
		add_alert(s, dir, level, desc, false, false);
		if (level == 2)
			decide(s, TLS_OUT_ALERT, SC_ALERT, dir);
		else if (level != 1)
			anom_add(&s->anom, "malformed_alert");
	}
}

static void tls13_appdata(struct session *s, int dir, uint32_t len)
{
	uint32_t al = tls13_alert_len(s);

	if (dir != client_dir(s)) {
		if (!s->cli_flight) {
			if (!s->srv_flight++) {
				add_msg(s, dir, SESS_MSG_ENC_HS);
				s->srv_first_len = len;
			}
		} else if (len == al) {
			/* After the client closed, an alert-sized answer is the
			 * server's close_notify, not a rejection of the flight. */
			if (!s->d[client_dir(s)].fin)
				s->srv_after_alert = true;
		} else {
			s->srv_after_data = true;
		}
	} else {
		if (!s->srv_flight) {
			s->early_records++;
			return;
		}
		if (!s->cli_flight++) {
			s->cli_first_len = len;
			if (len == al) {
				add_alert(s, dir, 0, 0, true, false);
				decide(s, TLS_OUT_ALERT, SC_INFERRED_ALERT, dir);
				return;
			}
			add_msg(s, dir, SESS_MSG_ENC_HS);
		}
	}
	check_established(s);
}

static void handle_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	struct sess_dir *d = &s->d[dir];
	int c = client_dir(s);

	switch (r->type) {
	case TLS_CT_CCS:
		add_msg(s, dir, SESS_MSG_CCS);
		if (d->hs_len || d->hs_skip)
			anom_add(&s->anom, "handshake_message_cut");
		d->hs_len = d->hs_skip = 0;
		d->hs_resync = false;
		/* TLS 1.3 middlebox compatibility CCS, also the client's before
		 * any ServerHello (RFC 8446 D.4): no change of keys.  A client
		 * CCS before a ServerHello we did not see is a TLS <= 1.2 one when
		 * the client already sent ClientKeyExchange or never offered 1.3
		 * (one-sided capture). */
		if (s->tls13 || s->v2)
			break;
		if (!s->sh_seen && dir == c && !s->cli_cke && !(s->ch && !offers_tls13(s->ch)))
			break;
		if (!s->sh_seen && dir != c) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		d->ccs = d->enc = true;
		if (dir != c && !s->srv_cert && !s->srv_ske && !s->srv_shd)
			s->resumed = true;
		check_established(s);
		break;
	case TLS_CT_ALERT:
		handle_alert(s, dir, r);
		break;
	case TLS_CT_HANDSHAKE:
		if (d->enc && !s->tls13) {
			if (!d->finished) {
				d->finished = true;
				add_msg(s, dir, SESS_MSG_ENC_FINISHED);
			} else {
				add_msg(s, dir, SESS_MSG_ENC_HS);
			}
			check_established(s);
			break;
		}
		hs_feed(s, dir, r->body, r->len, ts);
		break;
	case TLS_CT_APPDATA:
		if (s->midstream && !s->n_ch && !s->sh_seen) {
			/* The handshake happened before the capture saw the flow. */
			decide(s, TLS_OUT_INCOMPLETE, SC_MIDSTREAM, -1);
			s->fail_stage = NULL;
		} else if (s->tls13 && s->sh_seen) {
			tls13_appdata(s, dir, r->len);
		} else if (d->ccs) {
			d->appdata++;
			check_established(s);
		} else if (dir == c && !s->sh_seen && s->ch && s->ch->has_early_data) {
			s->early_records++;
		} else if (s->d[!dir].got_bytes) {
			/* (with the peer's direction missing, data is what we expect) */
			anom_add(&s->anom, "unexpected_application_data");
		}
		break;
	case TLS_CT_HEARTBEAT:
		anom_add(&s->anom, "heartbeat");
		break;
	default:
		break;
	}
}

static const uint8_t *v2_cert_tail(struct cur *c, uint16_t n)
{
	const uint8_t *p;
	return cur_bytes(c, n, &p) ? p : NULL;
}

/* SSLv2 SERVER-HELLO after its type byte:
 *   session_id_hit u8 | certificate_type u8 | server_version u16 |
 *   certificate_length u16 | cipher_specs_length u16 | connection_id_length u16 |
 *   certificate | cipher_specs | connection_id */
static void v2_server_hello(struct session *s, int dir, struct cur *c, uint64_t ts)
{
	uint8_t hit, ctype;
	uint16_t ver, clen, slen, idlen;
	const uint8_t *cert;

	if (s->client < 0)
		s->client = !dir;
	add_msg(s, dir, TLS_HS_SERVER_HELLO);
	if (dir == s->client || s->sh_seen) {
		anom_add(&s->anom, "unexpected_message");
		return;
	}
	s->v2 = s->sh_seen = true;
	s->version = 0x0002;
	s->d[0].v2 = s->d[1].v2 = true;
	if (!cur_u8(c, &hit) || !cur_u8(c, &ctype) || !cur_u16(c, &ver) || !cur_u16(c, &clen) ||
	    !cur_u16(c, &slen) || !cur_u16(c, &idlen)) {
		anom_add(&s->anom, "malformed_sslv2");
		return;
	}
	s->resumed = hit != 0;
	cert = v2_cert_tail(c, clen);
	if (!cert) {
		anom_add(&s->anom, "malformed_sslv2");
		return;
	}
	if (clen && ctype == 1 && !s->chain[dir]) {    /* SSL_CT_X509_CERTIFICATE */
		s->srv_cert = true;
		s->n_chain_total[dir] = 1;
		s->cert_ts[dir] = ts;
		s->chain[dir] = calloc(1, sizeof *s->chain[dir]);
		if (s->chain[dir]) {
			s->chain[dir][0] = x509_cert_get(s->ctx->x509, cert, clen);
			s->n_chain[dir] = s->chain[dir][0] ? 1 : 0;
		}
	}
}

static void handle_v2_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	struct cur c = cur_make(r->body, r->len);
	uint8_t mt;
	uint32_t kind;
	uint16_t code;

	if (s->v2 && (s->v2_cmk || s->resumed)) {
		if (!s->d[dir].v2_enc_records++)
			add_msg(s, dir, SESS_MSG_ENC_HS);
		check_established(s);
		return;
	}
	if (!cur_u8(&c, &mt)) {
		anom_add(&s->anom, "malformed_sslv2");
		return;
	}
	switch (mt) {
	case 1:         /* CLIENT-HELLO */
		on_client_hello(s, dir, r->body, r->len, true);
		break;
	case 4:         /* SERVER-HELLO */
		v2_server_hello(s, dir, &c, ts);
		break;
	case 2:         /* CLIENT-MASTER-KEY: cipher_kind u24, ... */
		add_msg(s, dir, SESS_MSG_V2_CLIENT_MASTER_KEY);
		if (cur_u24(&c, &kind))
			s->v2_cipher = kind;
		else
			anom_add(&s->anom, "malformed_sslv2");
		s->v2_cmk = true;
		break;
	case 0:         /* ERROR: error_code u16 */
		add_msg(s, dir, SESS_MSG_V2_ERROR);
		if (!cur_u16(&c, &code)) {
			anom_add(&s->anom, "malformed_sslv2");
			code = 0;
		}
		add_alert(s, dir, 2, (uint8_t)(code > 255 ? 0 : code), false, true);
		decide(s, TLS_OUT_ALERT, SC_ALERT, dir);
		break;
	default:
		anom_add(&s->anom, "malformed_sslv2");
		break;
	}
}

/* A record header that could start a record: type 20-24, version 3.0-3.4,
 * a length a record may have (alerts >= 2 bytes, CCS 1). */
static bool plausible_header(const uint8_t *p, size_t n, size_t *len)
{
	struct cur c = cur_make(p, n);
	uint8_t type;
	uint16_t ver, l;

	if (!cur_u8(&c, &type) || !cur_u16(&c, &ver) || !cur_u16(&c, &l))
		return false;
	if (type < TLS_CT_CCS || type > TLS_CT_HEARTBEAT || (ver >> 8) != 3 || (ver & 0xff) > 4)
		return false;
	if (l == 0 || l > TLS_MAX_RECORD || (type == TLS_CT_CCS && l != 1) ||
	    (type == TLS_CT_ALERT && l < 2))
		return false;
	*len = l;
	return true;
}

/* Looks for the next record header in p[0..n).  Returns true with *skip the
 * offset of a header, or false with *skip the bytes that can be dropped. */
static bool resync_scan(struct session *s, int dir, const uint8_t *p, size_t n, size_t *skip)
{
	struct sess_dir *d = &s->d[dir];
	size_t i, len, len2;

	for (i = 0; i + TLS_RECORD_HDR <= n; i++) {
		size_t next;
		if (!plausible_header(p + i, n - i, &len))
			continue;
		next = i + TLS_RECORD_HDR + len;
		if (next + TLS_RECORD_HDR <= n) {
			if (!plausible_header(p + next, n - next, &len2))
				continue;
		} else if (!s->is_tls && tls_sniff(p + i, n - i) != TLS_OK) {
			/* Nothing known to be TLS yet: want the second header too,
			 * unless this one starts a hello. */
			break;
		}
		*skip = i;
		goto found;
	}
	/* Up to i nothing can start a record; from i on a header may be cut
	 * off at the end (or waits for its successor to come into view). */
	*skip = i;
	d->resync_skipped += *skip;
	if (d->resync_skipped > SESS_RESYNC_LIMIT) {
		d->resync = false;
		malformed(s, dir, d->resync_bad ? "invalid_record" : "tcp_gap");
	}
	return false;
found:
	d->resync_skipped += i;
	if (d->resync_skipped)
		anom_add(&s->anom, "record_resync");
	d->resync = d->resync_bad = false;
	d->resync_skipped = 0;
	d->sniffed = true;
	mark_tls(s);
	return true;
}

static enum tls_status parse_record(struct session *s, struct sess_dir *d, const uint8_t *p,
				    size_t n, struct tls_record *r, size_t *used, bool *v2)
{
	enum tls_status st, st2;
	size_t need = 0;

	*v2 = false;
	if (d->v2 && s->v2) {
		*v2 = true;
		return tls_sslv2_record_parse(p, n, r, used, &need);
	}
	st = tls_record_parse(p, n, r, used, &need);
	if (st != TLS_BAD || d->any_tls)
		return st;
	/* The first record of a direction may be SSLv2 (a compatible
	 * CLIENT-HELLO, or an SSLv2 server's answer). */
	st2 = tls_sslv2_record_parse(p, n, r, used, &need);
	if (st2 == TLS_OK)
		d->v2 = *v2 = true;
	return st2;
}

/* Whether this client record shows that the server answered: anything
 * after the record that carried the first ClientHello, except 0-RTT early
 * data and its CCS (a ClientHello with early_data). */
static void note_client_progress(struct session *s, int dir, const struct tls_record *r, bool v2)
{
	if (s->cli_after_ch || dir != client_dir(s) || !s->n_ch)
		return;
	if (!v2 && (r->type == TLS_CT_APPDATA || r->type == TLS_CT_CCS) && s->ch &&
	    s->ch->has_early_data)
		return;
	s->cli_after_ch = true;
}

/* The first record of a direction is not TLS. */
static void first_record_bad(struct session *s, int dir)
{
	struct sess_dir *d = &s->d[dir];

	d->not_tls = true;
	if (!s->is_tls) {
		s->not_tls = true;
		return;
	}
	if (d->sniffed) {
		/* This direction's own sniff said TLS, the record says not. */
		malformed(s, dir, "invalid_record");
		return;
	}
	if (dir != client_dir(s)) {
		anom_add(&s->anom, "server_not_tls");
		decide(s, TLS_OUT_NO_SERVER_RESPONSE, SC_SERVER_NOT_TLS, dir);
	} else {
		malformed(s, dir, "client_not_tls");
	}
}

/* ---- API ---- */

struct session *session_new(struct tt_ctx *ctx, int syn_side)
{
	struct session *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->ctx = ctx;
	mem_add(s, sizeof *s);
	s->syn_side = syn_side;
	s->client = -1;
	s->cause_dir = -1;
	s->first_fin = -1;
	return s;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	for (int i = 0; i < 2; i++) {
		for (uint32_t k = 0; k < s->n_chain[i]; k++)
			x509_cert_put(s->ctx->x509, s->chain[i][k]);
		free(s->chain[i]);
	}
	free_hs_buffers(s);
	pool_put(s->ctx, POOL_CH, s->ch);
	pool_put(s->ctx, POOL_SH, s->sh);
	free(s->cr);
	free(s->cr_auth);
	free(s->msgs);
	free(s->alerts);
	mem_sub(s, s->mem);
	free(s);
}

size_t session_push(struct session *s, int dir, const uint8_t *p, size_t n, uint64_t ts_ns)
{
	struct sess_dir *d;
	size_t off = 0;

	if ((dir != 0 && dir != 1) || !session_wants_data(s))
		return n;
	d = &s->d[dir];
	if (d->not_tls)
		return n;
	if (n)
		d->got_bytes = true;
	if (!d->sniffed && !d->resync && !s->is_tls) {
		switch (tls_sniff(p, n)) {
		case TLS_NEED_MORE:
			return 0;
		case TLS_BAD:
			first_record_bad(s, dir);
			return n;
		default:
			d->sniffed = true;
			mark_tls(s);
			break;
		}
	}
	while (off < n && !decided(s)) {
		struct tls_record r;
		size_t used = 0;
		bool v2;
		enum tls_status st;

		if (d->resync) {
			bool found = resync_scan(s, dir, p + off, n - off, &used);
			off += used;
			if (!found)
				break;
			continue;
		}
		st = parse_record(s, d, p + off, n - off, &r, &used, &v2);
		if (st == TLS_NEED_MORE)
			break;
		if (st == TLS_BAD) {
			if (!d->any_tls) {
				first_record_bad(s, dir);
				return n;
			}
			anom_add(&s->anom, "invalid_record");
			d->resync = d->resync_bad = d->hs_resync = true;
			d->hs_len = d->hs_skip = 0;
			continue;
		}
		if (used == 0 || used > n - off)
			break;          /* a parser that broke its contract: stop safely */
		off += used;
		d->sniffed = d->any_tls = true;
		d->records++;
		note_client_progress(s, dir, &r, v2);
		if (v2)
			handle_v2_record(s, dir, &r, ts_ns);
		else
			handle_record(s, dir, &r, ts_ns);
	}
	return decided(s) ? n : off;
}

void session_gap(struct session *s, int dir, uint64_t missing, uint64_t ts_ns)
{
	struct sess_dir *d;

	(void)ts_ns;
	if (dir != 0 && dir != 1)
		return;
	anom_add(&s->anom, "tcp_gap");
	s->gap_bytes[dir] += missing;
	if (!session_wants_data(s))
		return;
	d = &s->d[dir];
	d->hs_len = d->hs_skip = 0;
	d->hs_resync = true;
	d->resync = true;
	d->resync_bad = false;
	d->resync_skipped = 0;
}

void session_tcp_event(struct session *s, int dir, enum tcp_event ev, uint64_t ts_ns)
{
	struct sess_dir *d;

	(void)ts_ns;
	if (dir != 0 && dir != 1)
		return;
	d = &s->d[dir];
	switch (ev) {
	case TCP_EV_SYN:
		break;
	case TCP_EV_FIN:
		if (!d->fin && s->first_fin < 0)
			s->first_fin = dir;
		d->fin = true;
		if (s->is_tls && !decided(s) && s->d[0].fin && s->d[1].fin)
			decide_end(s, SC_CLOSED, dir);
		break;
	case TCP_EV_RST:
		d->rst = true;
		if (s->is_tls && !decided(s))
			decide_end(s, SC_RESET, dir);
		break;
	}
}

void session_anomaly(struct session *s, const char *code)
{
	anom_add(&s->anom, code);
	/* Joined late: the first bytes may be in the middle of a record, so
	 * look for a record boundary rather than sniff a ClientHello. */
	if (strcmp(code, "midstream") == 0 && !s->d[0].got_bytes && !s->d[1].got_bytes) {
		s->midstream = true;
		for (int i = 0; i < 2; i++)
			s->d[i].resync = s->d[i].hs_resync = true;
	}
}

void session_note_payload(struct session *s, int dir, uint64_t n, uint64_t ts_ns)
{
	(void)ts_ns;
	if (dir == 0 || dir == 1)
		s->d[dir].note_bytes += n;
}

bool session_wants_data(const struct session *s)
{
	return !decided(s) && !s->not_tls;
}

bool session_decided(const struct session *s)
{
	return decided(s) || s->not_tls;
}

bool session_is_tls(const struct session *s)
{
	return s->is_tls;
}

int session_client_side(const struct session *s)
{
	return s->client >= 0 ? s->client : s->syn_side;
}

void session_finish(struct session *s, uint64_t ts_ns)
{
	(void)ts_ns;
	if (s->is_tls && !decided(s))
		decide_end(s, SC_INCOMPLETE, -1);
	free_hs_buffers(s);
}
