/*
 * tls_core.c - the handshake core: one TLS session fed by events (records,
 * handshake messages, alerts, CCS, the end of the connection), whatever
 * carries it, and the outcome state machine (RFC 5246 7.3 and 7.4, RFC 8446
 * 2 and 4, RFC 6101 for SSL 3.0, draft-hickman-netscape-ssl-00 for SSLv2).
 * The handshake messages themselves are handled in tls_core_hs.c.
 *
 *   carrier --record(side)--> CCS / alert / handshake / app data --+
 *          --handshake bytes or message(side)--> tls_core_hs.c ----+--> outcome
 *          --fin / reset / gap / finish(side)----------------------+
 *
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
 *   - the client's first encrypted record after that starts its flight,
 *     with every client record of the same capture time (one segment) -
 *     unless it is alert-sized (2 + 1 + AEAD tag = 19 bytes, 11 for
 *     CCM_8): then it is an encrypted alert from the client (outcome
 *     `alert`, decided at once);
 *   - ESTABLISHED (inferred) once the server answers the client's flight
 *     with a record that is not alert-sized, or the client sends another
 *     record while its first was a lone, unpadded Finished
 *     (otherwise it may have carried a Certificate: only the server
 *     judges it);
 *   - the server's first answer being alert-sized is its rejection (client
 *     authentication; stage `certificate`), unless the client had closed;
 *     an alert-sized server record after its flight and before the
 *     client's is an alert too (no handshake record is that small);
 *   - at the end of the connection (FIN, RST, capture end) a non-alert
 *     client flight counts as ESTABLISHED.  A server flight of exactly one
 *     alert-sized record and no client flight is an alert from the server.
 *   - a record whose length minus the AEAD tag is a multiple of 64 looks
 *     block-padded (RFC 8446 5.4): authentication is then `unknown`.
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
 *   midstream           decided at once: a connection that reassembly joined
 *                       midstream, no hello seen, whose first record is
 *                       application data or an encrypted alert
 *
 * Gaps: the partial handshake message of that direction is dropped; the
 * carrier looks for the next plausible record (for TCP, parsers/tls_stream.c:
 * type 20-24, version 3.0-3.4, length 1..2^14+2048, and the header after it
 * plausible too when in view) instead of giving up.
 *
 * Memory: the hellos, the CertificateRequest and the handshake buffers are
 * allocated on demand; handshake buffers hold only bytes that arrived, at
 * most 4 + cfg.max_handshake_msg, and are freed once the outcome is known.
 */
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "../parsers/cursor.h"
#include "../parsers/tls_names.h"
#include "../parsers/x509.h"
#include "mem.h"
#include "session_impl.h"
#include "tls_core.h"

int core_client_dir(const struct session *s)
{
	if (s->client >= 0)
		return s->client;
	return s->syn_side == 1 ? 1 : 0;
}

bool core_decided(const struct session *s)
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

/* A full list (*cap elements of sz bytes at arr, at most max) doubled from
 * first: the new block (arr is then gone), or NULL with "alloc_failed". */
static void *grow_list(struct session *s, void *arr, uint32_t *cap, uint32_t first,
		       uint32_t max, size_t sz)
{
	uint32_t nc = *cap ? *cap * 2 : first;
	void *a;

	if (nc > max)
		nc = max;
	a = realloc(arr, nc * sz);
	if (!a) {
		anom_add(&s->anom, "alloc_failed");
		return NULL;
	}
	core_mem_sub(s, *cap * sz);
	core_mem_add(s, nc * sz);
	*cap = nc;
	return a;
}

void core_add_msg(struct session *s, int dir, uint16_t code)
{
	uint32_t cap = s->ctx->cfg.max_hs_messages;

	if (s->n_msgs >= cap) {
		anom_add(&s->anom, "handshake_messages_truncated");
		return;
	}
	if (!s->cap_msgs && cap >= POOL_MSGS_N) {
		/* the first block from the pool: most handshakes fit it */
		if (!(s->msgs = core_pool_get(s->ctx, POOL_MSGS))) {
			anom_add(&s->anom, "alloc_failed");
			return;
		}
		s->cap_msgs = POOL_MSGS_N;
		core_mem_add(s, POOL_MSGS_N * sizeof *s->msgs);
	} else if (s->n_msgs == s->cap_msgs) {
		struct sess_msg *m = grow_list(s, s->msgs, &s->cap_msgs, POOL_MSGS_N, cap, sizeof *m);
		if (!m)
			return;
		s->msgs = m;
	}
	s->msgs[s->n_msgs].code = code;
	s->msgs[s->n_msgs].dir = (uint8_t)dir;
	s->msgs[s->n_msgs].len = s->ev_len;
	s->msgs[s->n_msgs].ts = s->ev_ts;
	s->msgs[s->n_msgs].post = s->tls13 && s->decrypting && s->d[core_client_dir(s)].finished;
	s->n_msgs++;
}

void core_add_alert(struct session *s, int dir, uint8_t level, uint8_t desc, bool enc,
		      bool sslv2)
{
	uint32_t cap = s->ctx->cfg.max_alerts;
	struct sess_alert al = { .dir = (uint8_t)dir, .level = level, .desc = desc,
				  .encrypted = enc, .sslv2 = sslv2 };

	/* The alert that decides the outcome is kept even past the cap. */
	if (!core_decided(s))
		s->fail_al = al;
	if (s->n_alerts >= cap) {
		anom_add(&s->anom, "alerts_truncated");
		return;
	}
	/* Its place in the timeline (an SSLv2 ERROR is listed as itself). */
	if (!sslv2)
		core_add_msg(s, dir, SESS_MSG_ALERT);
	if (s->n_alerts == s->cap_alerts) {
		struct sess_alert *a = grow_list(s, s->alerts, &s->cap_alerts, 4, cap, sizeof *a);
		if (!a)
			return;
		s->alerts = a;
	}
	s->alerts[s->n_alerts++] = al;
}

static bool tls13_auth_possible(const struct session *s);

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
	int c = core_client_dir(s), sv = !c;
	uint16_t cs;

	if (!s->n_ch && !s->sh_seen)
		return "client_hello";
	if (s->hrr && !s->sh_seen && s->n_ch < 2)
		return "client_hello";
	if (!s->sh_seen)
		return "server_hello";
	if (s->v2)
		return s->v2_cmk || s->resumed ? "finished" : "client_master_key";
	if (s->tls13 && s->cli_flight && tls13_auth_possible(s))
		return "certificate";
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

/* The session's own allocations count against cfg.session_memcap and
 * --memcap (the pipeline ends the oldest connections when the total is
 * over it), as the allocator's chunks of that size (mem.h). */
void core_mem_add(struct session *s, size_t n)
{
	if (!n)
		return;
	n = mem_chunk(n);
	s->mem += n;
	s->ctx->sess_mem += n;
}

void core_mem_follow(struct session *s, size_t now, size_t *counted)
{
	if (now > *counted)
		core_mem_add(s, now - *counted);
	*counted = now;
}

struct session *core_new_carried(struct tt_ctx *ctx, size_t size, void **state)
{
	struct session *s = tls_core_new(ctx, "udp", -1);

	if (!s)
		return NULL;
	*state = calloc(1, size);
	if (!*state) {
		tls_core_free(s);
		return NULL;
	}
	core_mem_add(s, size);
	return s;
}

void core_mem_sub(struct session *s, size_t n)
{
	if (!n)
		return;
	n = mem_chunk(n);
	n = n < s->mem ? n : s->mem;
	s->mem -= n;
	s->ctx->sess_mem -= n < s->ctx->sess_mem ? n : s->ctx->sess_mem;
}

static void free_hs_buffers(struct session *s)
{
	for (int i = 0; i < 2; i++) {
		core_mem_sub(s, s->d[i].hs_cap);
		free(s->d[i].hs);
		s->d[i].hs = NULL;
		s->d[i].hs_len = s->d[i].hs_cap = s->d[i].hs_skip = 0;
	}
}

void core_decide(struct session *s, enum tls_outcome out, enum sess_cause why, int dir)
{
	if (core_decided(s))
		return;
	s->outcome = out;
	s->cause = why;
	s->cause_dir = dir;
	s->decided_ns = s->ev_ts;
	if (out != TLS_OUT_ESTABLISHED)
		s->fail_stage = expected_next(s);
	if (s->is_tls && (unsigned)out < sizeof s->ctx->st.outcome / sizeof s->ctx->st.outcome[0])
		s->ctx->st.outcome[out]++;
	free_hs_buffers(s);
}

static void malformed(struct session *s, int dir, const char *code)
{
	/* Bytes never recognised as TLS are not a broken TLS session. */
	if (!s->is_tls) {
		s->not_tls = true;
		return;
	}
	anom_add(&s->anom, code);
	s->fail_anom = code;
	core_decide(s, TLS_OUT_MALFORMED, SC_MALFORMED, dir);
}

/* TLS 1.3 alert record size: 2-byte alert, 1 content type byte, AEAD tag. */
uint32_t core_tls13_alert_len(const struct session *s)
{
	return 2 + 1 + (s->sh && s->sh->cipher == 0x1305 ? 8 : 16);
}

/* Whether the client's TLS 1.3 flight may have answered a
 * CertificateRequest: anything but a lone Finished of the exact size.  Then
 * the client's later data proves nothing: only the server's reaction
 * decides. */
static bool tls13_auth_possible(const struct session *s)
{
	uint32_t tag = core_tls13_alert_len(s) - 3;
	uint32_t fin = 4 + (s->sh && s->sh->cipher == 0x1302 ? 48 : 32);

	return s->padded || s->cli_first_len != fin + 1 + tag;
}

/* One direction of the connection is missing from the capture: the other
 * side's messages prove it spoke, yet none of its bytes arrived.  Records
 * the anomaly when true. */
bool core_one_sided(struct session *s)
{
	int c = core_client_dir(s), sv = !c;

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

void core_check_established(struct session *s)
{
	int c = core_client_dir(s), sv = !c;

	if (core_decided(s) || !s->sh_seen)
		return;
	if (s->v2) {
		if (s->d[sv].v2_enc_records >= 2 && s->d[c].v2_enc_records >= 1)
			core_decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
		return;
	}
	if (s->tls13 && s->decrypting) {
		/* Read, not inferred: the client's Finished, then anything but an
		 * alert after it; under client authentication only the server's
		 * answer counts (it may still reject the certificate, while the
		 * client already sends data). */
		if (s->d[c].finished && (s->dec_srv_after || (s->dec_cli_after && !s->srv_cr))) {
			core_decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
			core_post_open(s);
		}
		return;
	}
	if (s->tls13) {
		/* After the client's flight: the server's answer, or the
		 * client's data when its flight cannot have carried a
		 * certificate. */
		if (s->cli_flight && s->cli_first_len != core_tls13_alert_len(s) &&
		    (s->srv_after_data ||
		     ((s->cli_after || s->cli_flight > 1) && !tls13_auth_possible(s))))
			core_decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
		return;
	}
	/* The side that sends Finished last does so only after verifying the
	 * peer's: the server in a full handshake, the client in an abbreviated
	 * one.  Either that Finished, or application data both ways after
	 * ChangeCipherSpec (Finished lost in a gap). */
	if ((s->d[c].finished && s->d[sv].finished) ||
	    (!s->resumed && s->d[sv].finished) || (s->resumed && s->d[c].finished) ||
	    (s->d[c].ccs && s->d[sv].ccs && s->d[c].appdata && s->d[sv].appdata))
		core_decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
}

/* The connection ended (FIN both ways, RST, flow end): what the evidence
 * allows, else `fallback`. */
static void decide_end(struct session *s, enum sess_cause fallback, int dir)
{
	int c = core_client_dir(s), sv = !c;

	if (core_decided(s))
		return;
	if (s->tls13 && s->sh_seen && s->decrypting) {
		if (s->d[c].finished) {
			core_decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
			return;
		}
	} else if (s->tls13 && s->sh_seen) {
		uint32_t al = core_tls13_alert_len(s);
		/* (a server alert after the flight decided at once) */
		if (s->cli_flight && s->cli_first_len != al) {
			core_decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
			return;
		}
		if (s->early_held) {
			/* nothing followed the alert-sized client record */
			s->early_held = false;
			core_add_alert(s, c, 0, 0, true, false);
			core_decide(s, TLS_OUT_ALERT, SC_INFERRED_ALERT, c);
			return;
		}
		if (!s->cli_flight && s->srv_flight == 1 && s->srv_first_len == al) {
			core_add_alert(s, sv, 0, 0, true, false);
			core_decide(s, TLS_OUT_ALERT, SC_INFERRED_ALERT, sv);
			return;
		}
	} else if (s->sh_seen && !s->v2 && s->d[c].ccs && s->d[sv].ccs) {
		core_decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
		return;
	}
	if (fallback == SC_RESET) {
		core_decide(s, TLS_OUT_RESET, SC_RESET, dir);
		return;
	}
	if (core_one_sided(s)) {
		core_decide(s, TLS_OUT_INCOMPLETE, SC_ONE_SIDED, -1);
		return;
	}
	if (s->n_ch && !s->d[sv].got_bytes && !s->d[sv].fin && !s->d[sv].rst) {
		core_decide(s, TLS_OUT_NO_SERVER_RESPONSE, SC_NO_RESPONSE, sv);
		return;
	}
	if (s->first_fin >= 0) {
		core_decide(s, TLS_OUT_CLOSED, SC_CLOSED, s->first_fin);
		return;
	}
	for (int i = 0; i < 2; i++)
		if (s->d[i].broken) {
			s->fail_anom = "invalid_record";
			core_decide(s, TLS_OUT_MALFORMED, SC_MALFORMED, i);
			return;
		}
	core_decide(s, TLS_OUT_INCOMPLETE, SC_INCOMPLETE, -1);
}


/* Joined after the handshake: no hello of either side was seen. */
static bool midstream_unseen(const struct session *s)
{
	return s->midstream && !s->n_ch && !s->sh_seen && !s->hrr && !s->v2;
}

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
		core_add_alert(s, dir, 0, 0, true, false);
		/* (usually the close_notify of a connection whose handshake
		 * the capture missed: not a handshake failure) */
		if (midstream_unseen(s)) {
			core_decide(s, TLS_OUT_MIDSTREAM, SC_MIDSTREAM, -1);
			s->fail_stage = NULL;
		} else if (!core_one_sided(s))
			core_decide(s, TLS_OUT_ALERT, SC_ALERT, dir);
		return;
	}
	if (cur_u8(&c, &level) && cur_u8(&c, &desc)) {
		core_add_alert(s, dir, level, desc, false, false);
		if (level == 2)
			core_decide(s, TLS_OUT_ALERT, SC_ALERT, dir);
		else if (level != 1)
			anom_add(&s->anom, "malformed_alert");
	}
}

/* A decrypted alert (tls_core_dec.c), or one read in the clear. */
void core_alert(struct session *s, int dir, uint8_t level, uint8_t desc, bool decrypted)
{
	core_add_alert(s, dir, level, desc, decrypted, false);
	if (decrypted && s->n_alerts && s->alerts[s->n_alerts - 1].dir == dir)
		s->alerts[s->n_alerts - 1].decrypted = true;
	if (!core_decided(s) && decrypted)
		s->fail_al.decrypted = true;
	if (level == 2)
		core_decide(s, TLS_OUT_ALERT, SC_ALERT, dir);
	else if (level != 1)
		anom_add(&s->anom, "malformed_alert");
}

/* A ChangeCipherSpec: the side's keys change, unless it is TLS 1.3's
 * middlebox compatibility one. */
static void handle_ccs(struct session *s, int dir)
{
	struct sess_dir *d = &s->d[dir];
	int c = core_client_dir(s);

	core_add_msg(s, dir, SESS_MSG_CCS);
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
		return;
	if (!s->sh_seen && dir == c && !s->cli_cke &&
	    !((s->ch || s->ch_pack) && !s->ch_offers13))
		return;
	/* A server CCS without a ServerHello is unexpected, unless the
	 * capture joined after it and the client's ClientKeyExchange shows a
	 * TLS <= 1.2 handshake under way. */
	if (!s->sh_seen && dir != c && !(s->midstream && s->cli_cke)) {
		anom_add(&s->anom, "unexpected_message");
		return;
	}
	d->ccs = d->enc = true;
	if (s->ctx->keylog)
		core_dec12_ccs(s, dir);
	if (dir != c && !s->srv_cert && !s->srv_ske && !s->srv_shd)
		s->resumed = true;
	core_check_established(s);
}

/* A handshake record: opened with a key, counted when encrypted without
 * one, else its messages parsed. */
static void handle_handshake(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	struct sess_dir *d = &s->d[dir];

	if (d->enc && !s->tls13 && s->dec && core_dec12_record(s, dir, r, ts))
		return;
	if (core_tls13_cleartext_handshake(s, dir))
		return;
	if (d->enc && !s->tls13) {
		if (!d->finished) {
			d->finished = true;
			core_add_msg(s, dir, SESS_MSG_ENC_FINISHED);
		} else {
			core_add_msg(s, dir, SESS_MSG_ENC_HS);
		}
		core_check_established(s);
		return;
	}
	core_hs_feed(s, dir, r->body, r->len, ts);
}

/* An application data record: a midstream pickup, TLS 1.3's encrypted
 * flights, data after the keys changed, 0-RTT, or out of place. */
static void handle_appdata(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	struct sess_dir *d = &s->d[dir];
	int c = core_client_dir(s);

	if (midstream_unseen(s)) {
		/* The handshake happened before the capture saw the flow. */
		core_decide(s, TLS_OUT_MIDSTREAM, SC_MIDSTREAM, -1);
		s->fail_stage = NULL;
	} else if (s->tls13 && s->sh_seen) {
		/* (after the decision only the window's opened records count) */
		if (!(s->dec && core_dec_record(s, dir, r, ts)) && !core_decided(s))
			core_tls13_record(s, dir, r->len, ts);
	} else if (d->ccs) {
		if (s->dec)
			core_dec12_record(s, dir, r, ts);
		d->appdata++;
		if (!s->appdata_listed[dir]) {
			s->appdata_listed[dir] = true;
			core_add_msg(s, dir, SESS_MSG_APPDATA);
		}
		core_check_established(s);
	} else if (dir == c && !s->sh_seen && s->ch_early_data) {
		if (!core_dec_early(s, dir, r, ts))
			core_early_record(s, r->len);
	} else if (s->d[!dir].got_bytes) {
		/* (with the peer's direction missing, data is what we expect) */
		anom_add(&s->anom, "unexpected_application_data");
	}
}

static void handle_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	switch (r->type) {
	case TLS_CT_CCS:
		handle_ccs(s, dir);
		break;
	case TLS_CT_ALERT:
		if (!(s->d[dir].ccs && s->dec && core_dec12_record(s, dir, r, ts)))
			handle_alert(s, dir, r);
		break;
	case TLS_CT_HANDSHAKE:
		handle_handshake(s, dir, r, ts);
		break;
	case TLS_CT_APPDATA:
		handle_appdata(s, dir, r, ts);
		break;
	case TLS_CT_HEARTBEAT:
		anom_add(&s->anom, "heartbeat");
		break;
	default:
		break;
	}
}

/* Whether this client record shows that the server answered: anything
 * after the record that carried the first ClientHello, except 0-RTT early
 * data and its CCS (a ClientHello with early_data). */
static void note_client_progress(struct session *s, int dir, const struct tls_record *r, bool v2)
{
	if (s->cli_after_ch || dir != core_client_dir(s) || !s->n_ch)
		return;
	if (!v2 && (r->type == TLS_CT_APPDATA || r->type == TLS_CT_CCS) &&
	    s->ch_early_data)
		return;
	s->cli_after_ch = true;
}

void tls_core_not_tls(struct session *s, int dir, bool sniffed)
{
	if (!s->is_tls) {
		s->not_tls = true;
		return;
	}
	if (sniffed) {
		/* This direction's own sniff said TLS, the record says not. */
		malformed(s, dir, "invalid_record");
		return;
	}
	if (dir != core_client_dir(s)) {
		anom_add(&s->anom, "server_not_tls");
		core_decide(s, TLS_OUT_NO_SERVER_RESPONSE, SC_SERVER_NOT_TLS, dir);
	} else {
		malformed(s, dir, "client_not_tls");
	}
}


/* ---- API: lifecycle ---- */

struct session *tls_core_new(struct tt_ctx *ctx, const char *transport, int syn_side)
{
	struct session *s = core_pool_get(ctx, POOL_SESS);

	if (!s)
		return NULL;
	memset(s, 0, sizeof *s);
	s->ctx = ctx;
	s->transport = transport;
	core_mem_add(s, sizeof *s);
	s->syn_side = syn_side;
	s->client = -1;
	s->cause_dir = -1;
	s->first_fin = -1;
	return s;
}

void core_chain_release(struct session *s)
{
	for (int i = 0; i < 2; i++) {
		if (!s->n_chain[i])
			continue;
		ctx_x509_lock(s->ctx);
		for (uint32_t k = 0; k < s->n_chain[i]; k++)
			x509_cert_put(s->ctx->x509, s->chain[i][k]);
		ctx_x509_unlock(s->ctx);
		s->n_chain[i] = 0;
	}
}

void tls_core_free(struct session *s)
{
	if (!s)
		return;
	core_chain_release(s);
	for (int i = 0; i < 2; i++) {
		free(s->chain[i]);   /* chain_der[i] too: the same block */
	}
	free_hs_buffers(s);
	sess_dtls_free(s);
	free(s->dtls);
	sess_quic_free(s);
	free(s->quic);
	core_dec_free(s);
	free(s->ee_alpn);
	core_pool_put(s->ctx, POOL_CH, s->ch);
	free(s->ch_pack);
	if (s->ctx->ch_owner == s)
		s->ctx->ch_owner = NULL;
	core_pool_put(s->ctx, POOL_SH, s->sh);
	core_pool_put(s->ctx, POOL_SH, s->hrr_sh);
	free(s->cr);
	free(s->cr_auth);
	free(s->retry_sni);
	if (s->cap_msgs == POOL_MSGS_N)
		core_pool_put(s->ctx, POOL_MSGS, s->msgs);
	else
		free(s->msgs);
	free(s->alerts);
	core_mem_sub(s, s->mem);
	core_pool_put(s->ctx, POOL_SESS, s);
}

/* ---- API: events ---- */

void tls_core_bytes(struct session *s, int side)
{
	s->d[side].got_bytes = true;
}

void tls_core_looks_tls(struct session *s)
{
	mark_tls(s);
}

void tls_core_record(struct session *s, int side, const struct tls_record *r, bool sslv2,
		     uint64_t ts)
{
	/* The timeline's time and size of what this record adds. */
	s->ev_ts = ts;
	s->ev_len = r->len;
	note_client_progress(s, side, r, sslv2);
	if (sslv2)
		core_handle_v2_record(s, side, r, ts);
	else
		handle_record(s, side, r, ts);
	s->ev_ts = 0;   /* later decisions without a time of their own give no duration */
}

void tls_core_time(struct session *s, uint64_t ts)
{
	s->ev_ts = ts;
}

void tls_core_handshake_bytes(struct session *s, int side, const uint8_t *b, size_t n,
			      uint64_t ts)
{
	core_hs_feed(s, side, b, n, ts);
}

static void drop_partial(struct session *s, int side)
{
	struct sess_dir *d = &s->d[side];

	d->hs_len = d->hs_skip = 0;
	d->hs_resync = true;
}

void tls_core_discard(struct session *s, int side)
{
	drop_partial(s, side);
	s->d[side].broken = true;
}

void tls_core_resynced(struct session *s, int side)
{
	s->d[side].broken = false;
}

void tls_core_gap(struct session *s, int side, uint64_t missing)
{
	anom_add(&s->anom, "tcp_gap");
	core_post_close(s);
	s->gap_bytes[side] += missing;
	if (!tls_core_wants_data(s))
		return;
	drop_partial(s, side);
	s->d[side].broken = false;
}

void tls_core_midstream(struct session *s)
{
	s->midstream = true;
	for (int i = 0; i < 2; i++)
		s->d[i].hs_resync = true;
}

void tls_core_anomaly(struct session *s, const char *code)
{
	anom_add(&s->anom, code);
}

void tls_core_malformed(struct session *s, int side, const char *code)
{
	malformed(s, side, code);
}

void tls_core_fin(struct session *s, int side)
{
	struct sess_dir *d = &s->d[side];

	if (!d->fin && s->first_fin < 0)
		s->first_fin = side;
	d->fin = true;
	if (s->d[0].fin && s->d[1].fin)
		core_post_close(s);
	if (s->is_tls && !core_decided(s) && s->d[0].fin && s->d[1].fin)
		decide_end(s, SC_CLOSED, side);
	s->ev_ts = 0;
}

void tls_core_reset(struct session *s, int side)
{
	s->d[side].rst = true;
	core_post_close(s);
	if (s->is_tls && !core_decided(s))
		decide_end(s, SC_RESET, side);
	s->ev_ts = 0;
}

void tls_core_note_payload(struct session *s, int side, uint64_t n)
{
	s->d[side].note_bytes += n;
}

void tls_core_finish(struct session *s)
{
	s->ev_ts = 0;   /* the end of the flow is not the end of a handshake */
	if (s->dtls)
		sess_dtls_finish(s);
	if (s->quic)
		sess_quic_finish(s);
	core_post_close(s);
	if (s->is_tls && !core_decided(s))
		decide_end(s, SC_INCOMPLETE, -1);
	free_hs_buffers(s);
}

/* ---- API: state ---- */

/* (a decided session still reads its post-handshake window) */
bool tls_core_wants_data(const struct session *s)
{
	return (!core_decided(s) || s->ph_open) && !s->not_tls;
}

bool tls_core_done(const struct session *s)
{
	return (core_decided(s) && !s->ph_open) || s->not_tls;
}

bool tls_core_decided(const struct session *s)
{
	return core_decided(s) && !s->ph_open;
}

bool tls_core_is_tls(const struct session *s)
{
	return s->is_tls;
}

bool tls_core_sslv2(const struct session *s)
{
	return s->v2;
}

int tls_core_client_side(const struct session *s)
{
	return s->client >= 0 ? s->client : s->syn_side;
}
