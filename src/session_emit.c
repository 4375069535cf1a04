/*
 * session_emit.c - the tls.* part of a session record (SCHEMA.md), built
 * from struct session and its verdict (verdict.c: outcome names, failure
 * reason, authentication, validation); the certificate fields come from
 * emit_x509_side().
 *
 *   tls { version_protocol version cipher curve compression next_protocol
 *         established resumed outcome failure{stage reason} alerts[]
 *         authentication authentication_inferred handshake_messages[]
 *         anomalies[]
 *         client { server_name ja3 ja3_string ja4 ja4_r supported_ciphers
 *                  version supported_versions alpn supported_groups
 *                  key_share_groups signature_algorithms ec_point_formats
 *                  compression_methods extensions session_id
 *                  certificate_verify hello_retry ech + certificates }
 *         server { ja3s ja3s_string ja4s extensions session_id
 *                  ticket_lifetime_hint key_exchange certificate_request
 *                  downgrade_sentinel certificate_encrypted + certificates }
 *         findings[] }
 *
 * Absent information is an absent key.  Wire strings (SNI, ALPN) go through
 * jw_wire; anomalies found while building the record (invalid_utf8,
 * certificate ones) join the session's before tls.anomalies is written.
 * tls.findings comes last: the verdict's, formatted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../parsers/tls_keylog.h"
#include "../parsers/tls_names.h"
#include "../parsers/tls_retry.h"
#include "emit.h"
#include "findings.h"
#include "fragcache.h"
#include "jw.h"
#include "quic_session.h"
#include "session_impl.h"
#include "verdict.h"

/* A 16-bit code by name, "GREASE", or 0x%04x (written into buf). */
static const char *code_str(uint16_t v, const char *(*name)(uint16_t), char buf[8])
{
	const char *n;

	if (tls_is_grease(v))
		return "GREASE";
	n = name(v);
	if (n)
		return n;
	jw_fmt_hex(buf, v, 4);
	return buf;
}

static void code_name(struct jw *w, const char *key, uint16_t v, const char *(*name)(uint16_t))
{
	char b[8];

	jw_name(w, key, code_str(v, name, b));
}

/* An array of codes under key, unless empty. */
static void code_list(struct jw *w, const char *key, const uint16_t *v, uint16_t n,
		      const char *(*name)(uint16_t))
{
	jw_open(w, key, '[');
	for (uint16_t i = 0; i < n; i++)
		code_name(w, NULL, v[i], name);
	jw_close(w, false);
}

static const char *compression_name(uint8_t c)
{
	switch (c) {
	case 0: return "null";
	case 1: return "deflate";
	case 64: return "lzs";
	default: return NULL;
	}
}

static void compression_json(struct jw *w, const char *key, uint8_t c)
{
	const char *n = compression_name(c);
	if (n)
		jw_name(w, key, n);
	else
		jw_hex(w, key, c, 2);
}

/* ClientCertificateType (RFC 5246 7.4.4, RFC 8422 5.5). */
static void cert_type_json(struct jw *w, uint8_t t)
{
	static const struct { uint8_t code; const char *name; } tab[] = {
		{ 1, "rsa_sign" }, { 2, "dss_sign" }, { 3, "rsa_fixed_dh" },
		{ 4, "dss_fixed_dh" }, { 5, "rsa_ephemeral_dh" }, { 6, "dss_ephemeral_dh" },
		{ 20, "fortezza_dms" }, { 64, "ecdsa_sign" }, { 65, "rsa_fixed_ecdh" },
		{ 66, "ecdsa_fixed_ecdh" }, { 67, "gost_sign256" }, { 68, "gost_sign512" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].code == t) {
			jw_name(w, NULL, tab[i].name);
			return;
		}
	jw_hex(w, NULL, t, 2);
}

/* SSLv2 cipher kind by name (tls_names.c), or its hex code. */
static const char *v2_cipher_name(uint32_t k, char buf[16])
{
	unsigned props;
	const char *n = tls_v2_cipher_name(k, &props);

	if (n)
		return n;
	jw_fmt_hex(buf, k & 0xffffff, 6);
	return buf;
}

static const char *version_str(uint16_t v, char buf[8])
{
	const char *n = tls_version_name(v);

	if (n)
		return n;
	jw_fmt_hex(buf, v, 4);
	return buf;
}

/* DTLS versions for the summary's tally, `dtls1.2`; the record carries the
 * part after `dtls` (`1.2`) beside version_protocol `dtls`.  OpenSSL's
 * pre-standard version: `dtls0x0100`; NULL for a version no DTLS has. */
static const char *dtls_version_str(uint16_t v)
{
	switch (v) {
	case DTLS_V10: return "dtls1.0";
	case DTLS_V12: return "dtls1.2";
	case DTLS_V13: return "dtls1.3";
	case DTLS_BAD_VER: return "dtls0x0100";
	default: return NULL;
	}
}

static const char *msg_name(uint16_t code, char buf[16])
{
	const char *n;

	switch (code) {
	case SESS_MSG_CCS: return "change_cipher_spec";
	case SESS_MSG_ENC_HS: return "encrypted_handshake";
	case SESS_MSG_ENC_FINISHED: return "finished";
	case SESS_MSG_HRR: return "hello_retry_request";
	case SESS_MSG_V2_CLIENT_MASTER_KEY: return "client_master_key";
	case SESS_MSG_V2_ERROR: return "error";
	case SESS_MSG_ALERT: return "alert";
	case SESS_MSG_APPDATA: return "application_data";
	default:
		break;
	}
	n = code < 256 ? tls_hs_name((uint8_t)code) : NULL;
	if (n)
		return n;
	snprintf(buf, 16, "unknown_%u", (unsigned)code);
	return buf;
}

static const char *side(int dir, int client)
{
	return dir == client ? "client" : "server";
}

static bool ch_has_ext(const struct tls_client_hello *ch, uint16_t code)
{
	for (uint16_t i = 0; i < ch->n_exts; i++)
		if (ch->exts[i] == code)
			return true;
	return false;
}

static void failure_obj(struct jw *w, const struct verdict *v)
{
	jw_open(w, "failure", '{');
	if (v->fail_stage)
		jw_name(w, "stage", v->fail_stage);
	if (v->fail_reason[0])
		jw_name(w, "reason", v->fail_reason);
	jw_close(w, true);
}

static void alerts_arr(struct jw *w, const struct session *s, int c)
{
	jw_open(w, "alerts", '[');
	for (uint32_t i = 0; i < s->n_alerts; i++) {
		const struct sess_alert *al = &s->alerts[i];
		const char *n;

		jw_open(w, NULL, '{');
		jw_name(w, "from", side(al->dir, c));
		bool opaque = al->encrypted && !al->decrypted;

		jw_name(w, "level", opaque ? "unknown" :
				   al->level == 1 ? "warning" :
				   al->level == 2 ? "fatal" : "unknown");
		if (!opaque) {
			if (al->sslv2) {
				jw_name(w, "description", verdict_v2_error_name(al->desc));
			} else {
				n = tls_alert_name(al->desc);
				if (n)
					jw_name(w, "description", n);
				else
					jw_hex(w, "description", al->desc, 2);
				jw_uint(w, "code", al->desc);
			}
		}
		jw_bool(w, "encrypted", al->encrypted);
		if (al->decrypted)
			jw_bool(w, "decrypted", true);
		jw_close(w, true);
	}
	jw_close(w, false);
}

/* tls.decryption: which key-log secrets opened this session's records
 * (their names only; never a key). */
static void decryption_obj(struct jw *w, const struct session *s)
{
	jw_open(w, "decryption", '{');
	jw_open(w, "secrets", '[');
	for (int l = 0; l < KL_N_LABELS; l++)
		if (s->dec_used & (1u << l))
			jw_name(w, NULL, keylog_label_name((enum keylog_label)l));
	jw_close(w, false);
	jw_uint(w, "records", s->dec_records);
	jw_close(w, true);
}

/* A TLS 1.3 post-handshake message that bears on authentication (RFC 8446
 * 4.6.2, 4.6.3): read only with a key log (without one the content type
 * is hidden and nothing is said). */
static bool post_auth_msg(const struct sess_msg *m)
{
	return m->post && (m->code == TLS_HS_CERTIFICATE_REQUEST || m->code == TLS_HS_CERTIFICATE ||
			   m->code == TLS_HS_COMPRESSED_CERTIFICATE ||
			   m->code == TLS_HS_CERTIFICATE_VERIFY || m->code == TLS_HS_FINISHED ||
			   m->code == TLS_HS_KEY_UPDATE);
}

/* tls.post_handshake.authentication and .alert: what a TLS 1.3
 * post-handshake authentication gave (tls_core_post.c). */
static void post_auth_fields(struct jw *w, const struct session *s, int c)
{
	static const char *const auth[] = { NULL, "requested", "two_way_requested", "two_way" };
	char item[48], buf[8];
	const char *n;

	if (s->ph_auth < sizeof auth / sizeof auth[0] && auth[s->ph_auth])
		jw_name(w, "authentication", auth[s->ph_auth]);
	if (!s->ph_alert)
		return;
	n = tls_alert_name(s->ph_alert_desc);
	if (!n) {
		snprintf(buf, sizeof buf, "0x%02x", s->ph_alert_desc);
		n = buf;
	}
	snprintf(item, sizeof item, "%s:%s", side(s->ph_alert_dir, c), n);
	jw_name(w, "alert", item);
}

/* tls.post_handshake: later authentication seen before the record was
 * written: a TLS <= 1.2 renegotiation's first side, TLS 1.3 post-handshake
 * messages (side:name, as handshake_messages) and what their client
 * authentication gave.  Absent when none. */
static void post_handshake_obj(struct jw *w, const struct session *s, int c)
{
	int r = session_renegotiation(s, c);
	uint32_t n = 0;
	char buf[16];

	for (uint32_t i = 0; i < s->n_msgs; i++)
		n += post_auth_msg(&s->msgs[i]);
	if (r < 0 && !n && !s->ph_auth)
		return;
	jw_open(w, "post_handshake", '{');
	if (r >= 0)
		jw_name(w, "renegotiation", r == FND_CLIENT ? "client" : "server");
	if (n) {
		jw_open(w, "messages", '[');
		for (uint32_t i = 0; i < s->n_msgs; i++) {
			char item[48];
			if (!post_auth_msg(&s->msgs[i]))
				continue;
			snprintf(item, sizeof item, "%s:%s", side(s->msgs[i].dir, c),
				 msg_name(s->msgs[i].code, buf));
			jw_name(w, NULL, item);
		}
		jw_close(w, false);
	}
	post_auth_fields(w, s, c);
	jw_close(w, false);
}

static void messages_arr(struct jw *w, const struct session *s, int c)
{
	char buf[16], item[64];

	jw_open(w, "handshake_messages", '[');
	for (uint32_t i = 0; i < s->n_msgs; i++) {
		/* side ":" [ "post_handshake:" (TLS 1.3, read with a key log) ] name */
		const char *sd, *pre, *m;
		size_t sl, pl, ml;

		if (s->msgs[i].code == SESS_MSG_ALERT || s->msgs[i].code == SESS_MSG_APPDATA)
			continue;   /* timeline only */
		sd = side(s->msgs[i].dir, c);
		pre = s->msgs[i].post ? "post_handshake:" : "";
		m = msg_name(s->msgs[i].code, buf);
		sl = strlen(sd);
		pl = strlen(pre);
		ml = strlen(m);
		if (sl + 1 + pl + ml >= sizeof item)
			ml = sizeof item - sl - pl - 2;
		memcpy(item, sd, sl);
		item[sl] = ':';
		memcpy(item + sl + 1, pre, pl);
		memcpy(item + sl + 1 + pl, m, ml);
		jw_namen(w, NULL, item, sl + 1 + pl + ml);
	}
	jw_close(w, false);
}

/* The time the timeline counts from: the first ClientHello, else the
 * first entry.  Whether there was a ClientHello. */
static bool timeline_zero(const struct session *s, int c, uint64_t *t0)
{
	for (uint32_t i = 0; i < s->n_msgs; i++)
		if (s->msgs[i].code == TLS_HS_CLIENT_HELLO && s->msgs[i].dir == c) {
			*t0 = s->msgs[i].ts;
			return true;
		}
	*t0 = s->n_msgs ? s->msgs[0].ts : 0;
	return false;
}

/* tls.handshake_timeline and tls.handshake_duration (FIELDS.md). */
/* Appends s to b at *n (the caller sized b for the longest entry). */
static void cat(char *b, size_t *n, const char *s)
{
	size_t l = strlen(s);

	memcpy(b + *n, s, l);
	*n += l;
}

/* One timeline entry as JSON text into b (at least 160 bytes): written by
 * hand, as every record pays for about a dozen of them and member-wise
 * writing doubled the cost of tls.*.  Names come from our tables and need
 * no escape. */
static size_t timeline_entry(char *b, const struct sess_msg *m, int c, uint64_t t0)
{
	char name[16];
	size_t n = 0;

	cat(b, &n, "{\"from\":\"");
	cat(b, &n, side(m->dir, c));
	cat(b, &n, "\",\"message\":\"");
	cat(b, &n, msg_name(m->code, name));
	cat(b, &n, "\",\"offset\":");
	if (m->ts >= t0) {
		n += jw_utoa(m->ts - t0, b + n);
	} else {
		b[n++] = '-';
		n += jw_utoa(t0 - m->ts, b + n);
	}
	cat(b, &n, ",\"length\":");
	n += jw_utoa(m->len, b + n);
	b[n++] = '}';
	return n;
}

static void timeline_arr(struct jw *w, const struct session *s, int c)
{
	char e[160];
	uint64_t t0;
	bool has_ch = timeline_zero(s, c, &t0);

	jw_open(w, "handshake_timeline", '[');
	for (uint32_t i = 0; i < s->n_msgs; i++)
		jw_raw(w, NULL, e, timeline_entry(e, &s->msgs[i], c, t0));
	jw_close(w, false);
	if (has_ch && s->decided_ns >= t0 && s->decided_ns)
		jw_uint(w, "handshake_duration", s->decided_ns - t0);
}

static void alpn_arr(struct jw *w, const char *key, const struct tls_alpn_list *l,
		     struct anom_set *a)
{
	jw_open(w, key, '[');
	for (uint16_t i = 0; i < l->n; i++) {
		if ((size_t)l->off[i] + l->len[i] > sizeof l->buf)
			break;
		jw_wire(w, NULL, l->buf + l->off[i], l->len[i], a);
	}
	jw_close(w, false);
}

static void u16_arr(struct jw *w, const char *key, const uint16_t *v, uint16_t n)
{
	jw_open(w, key, '[');
	for (uint16_t i = 0; i < n; i++)
		jw_uint(w, NULL, v[i]);
	jw_close(w, false);
}

/* key: v, unless v is "". */
static void name_if(struct jw *w, const char *key, const char *v)
{
	if (v[0])
		jw_name(w, key, v);
}

/* The members of tls.client that depend only on the hello's lists: ja3
 * through extensions. */
static void client_lists(struct jw *w, const void *src, const struct verdict_hello *vh,
			 struct anom_set *a)
{
	const struct tls_client_hello *ch = src;
	const struct verdict_client_fp *fp = &vh->fp.client;

	jw_name(w, "ja3", fp->ja3);
	name_if(w, "ja3_string", fp->ja3_string);
	name_if(w, "ja4", fp->ja4);
	name_if(w, "ja4_r", fp->ja4_r);

	code_list(w, "supported_ciphers", ch->ciphers, ch->n_ciphers, tls_cipher_name);
	jw_hex(w, "version", ch->legacy_version, 4);
	if (ch_has_ext(ch, 43)) {
		char b[8];
		jw_open(w, "supported_versions", '[');
		for (uint16_t i = 0; i < ch->n_versions; i++)
			jw_name(w, NULL, tls_is_grease(ch->versions[i]) ? "GREASE"
						: version_str(ch->versions[i], b));
		jw_close(w, false);
	}
	if (ch->has_alpn)
		alpn_arr(w, "alpn", &ch->alpn, a);
	if (ch_has_ext(ch, 10))
		code_list(w, "supported_groups", ch->groups, ch->n_groups, tls_group_name);
	if (ch_has_ext(ch, 51))
		code_list(w, "key_share_groups", ch->keyshares, ch->n_keyshares, tls_group_name);
	if (ch_has_ext(ch, 13))
		code_list(w, "signature_algorithms", ch->sigalgs, ch->n_sigalgs, tls_sigscheme_name);
	if (ch_has_ext(ch, 11)) {
		jw_open(w, "ec_point_formats", '[');
		for (uint16_t i = 0; i < ch->n_ptfmts; i++) {
			const char *n = tls_ec_point_format_name(ch->ptfmts[i]);
			if (n)
				jw_name(w, NULL, n);
			else
				jw_hex(w, NULL, ch->ptfmts[i], 2);
		}
		jw_close(w, false);
	}
	jw_open(w, "compression_methods", '[');
	for (uint16_t i = 0; i < ch->n_comp; i++)
		compression_json(w, NULL, ch->comp[i]);
	jw_close(w, false);
	u16_arr(w, "extensions", ch->exts, ch->n_exts);
}

/* Lists formatted for the hello cache, stored once the record is built:
 * a store may replace the entry the verdict found for the other hello. */
struct frag_store {
	struct jw tmp[2];
	struct frag nf[2];
	const struct verdict_hello *vh[2];
	unsigned n;
};

/* Writes the members build() makes of src with the verdict's vh: the
 * verdict's cached fragment, or built, and kept in fs for the cache when
 * the verdict keyed it.  Anomalies build() raises are replayed from the
 * cache: only invalid_utf8 can arise from these members. */
typedef void (*lists_build)(struct jw *w, const void *src, const struct verdict_hello *vh,
			    struct anom_set *a);

static void splice_lists(struct jw *w, struct frag_store *fs, lists_build build,
			 const void *src, const struct verdict_hello *vh, struct anom_set *a)
{
	struct anom_set mine = { 0 };
	const struct frag *f = vh->cached;

	if (!f && !vh->keyed) {
		build(w, src, vh, a);
		return;
	}
	if (!f) {
		struct jw *tmp = &fs->tmp[fs->n];
		struct frag *nf = &fs->nf[fs->n];
		jw_init(tmp);
		jw_open(tmp, NULL, '{');
		build(tmp, src, vh, &mine);
		if (tmp->oom) {
			jw_free(tmp);
			build(w, src, vh, a);
			return;
		}
		nf->json = jw_members(tmp, &nf->len, &nf->members);
		nf->flags = anom_has(&mine, "invalid_utf8") ? 1u : 0u;
		fs->vh[fs->n++] = vh;
		f = nf;
	}
	jw_splice(w, f->json, f->len, f->members);
	if (f->flags)
		anom_add(a, "invalid_utf8");
}

/* The lists built this record into the cache (fc NULL: dropped). */
static void frag_store_finish(struct frag_store *fs, struct frag_cache *fc)
{
	for (unsigned i = 0; i < fs->n; i++) {
		if (fc)
			frag_put(fc, fs->vh[i]->key.b, fs->vh[i]->key.n, fs->vh[i]->h, &fs->nf[i]);
		jw_free(&fs->tmp[i]);
	}
	fs->n = 0;
}

/* The first ClientHello's fields; server_name is the one the server
 * answered: the second hello's when a retry changed it (retry_fields says
 * what the first one named). */
static void client_hello_fields(struct jw *w, const struct session *s,
				const struct tls_client_hello *ch, const struct verdict *v,
				struct anom_set *a, struct frag_store *fs)
{
	if (s->retry_changes & (1u << TLS_RETRY_SERVER_NAME)) {
		if (s->retry_sni_present && s->retry_sni_len)
			jw_wire(w, "server_name", s->retry_sni, s->retry_sni_len, a);
	} else if (ch->has_sni && ch->sni_len) {
		jw_wire(w, "server_name", ch->sni, ch->sni_len, a);
	}
	splice_lists(w, fs, client_lists, ch, &v->hello[VERDICT_CLIENT], a);
	if (ch->sslv2)
		jw_bool(w, "sslv2_hello", true);
	if (ch->session_id_len)
		jw_hexbytes(w, "session_id", ch->session_id,
			    ch->session_id_len <= 32 ? ch->session_id_len : 32);
	if (ch->ech.present) {
		jw_open(w, "ech", '{');
		jw_name(w, "type", ch->ech.type == 0 ? "outer" :
				  ch->ech.type == 1 ? "inner" : "unknown");
		if (ch->ech.type == 0) {
			jw_uint(w, "config_id", ch->ech.config_id);
			jw_uint(w, "kdf", ch->ech.kdf_id);
			jw_uint(w, "aead", ch->ech.aead_id);
		}
		jw_close(w, false);
	}
}

static void key_exchange(struct jw *w, const struct session *s)
{
	const struct tls_server_hello *sh = s->sh;

	jw_open(w, "key_exchange", '{');
	if (s->tls13) {
		jw_name(w, "method", sh->has_psk ? (sh->has_key_share ? "psk_ecdhe" : "psk")
						: "ecdhe");
		if (sh->has_key_share)
			code_name(w, "group", sh->selected_group, tls_group_name);
	} else {
		const char *m = tls_cipher_kx(sh->cipher);
		if (m) {
			jw_name(w, "method", m);
			if (s->srv_ske && s->ske.has_group)
				code_name(w, "group", s->ske.group, tls_group_name);
			if (s->srv_ske && s->ske.dh_bits)
				jw_uint(w, "dh_bits", s->ske.dh_bits);
			if (s->srv_ske && s->ske.has_sigalg)
				code_name(w, "signature_algorithm", s->ske.sigalg, tls_sigscheme_name);
		}
	}
	jw_close(w, false);
}

static void cert_request(struct jw *w, const struct session *s, const struct verdict *v,
			 struct anom_set *a)
{
	const struct tls_cert_request *cr = s->cr;

	/* An empty object is still information: the server asked. */
	jw_open(w, "certificate_request", '{');
	jw_open(w, "certificate_types", '[');
	for (uint16_t i = 0; i < cr->n_types && i < TLS_MAX_CERT_TYPES; i++)
		cert_type_json(w, cr->types[i]);
	jw_close(w, false);
	code_list(w, "signature_algorithms", cr->sigalgs,
		  cr->n_sigalgs < TLS_MAX_SIGALGS ? cr->n_sigalgs : TLS_MAX_SIGALGS,
		  tls_sigscheme_name);
	/* Authorities: each DistinguishedName as an RFC 4514 string (SCHEMA.md,
	 * the verdict's); one that is not a DER Name as its lowercase hex, and
	 * an anomaly. */
	jw_open(w, "authorities", '[');
	for (unsigned i = 0; i < v->n_authority_dn; i++) {
		if (v->authority_dn[i]) {
			jw_str(w, NULL, v->authority_dn[i]);
		} else {
			jw_hexbytes(w, NULL, cr->authorities[i].der, cr->authorities[i].len);
			anom_add(a, "certificate_request_authority_malformed");
		}
	}
	jw_close(w, false);
	jw_close(w, true);
}

/* The members of tls.server that depend only on the ServerHello's version,
 * cipher, extensions and ALPN: ja3s, ja3s_string, ja4s, extensions. */
static void server_lists(struct jw *w, const void *src, const struct verdict_hello *vh,
			 struct anom_set *a)
{
	const struct tls_server_hello *sh = src;
	const struct verdict_server_fp *fp = &vh->fp.server;

	(void)a;
	jw_name(w, "ja3s", fp->ja3s);
	name_if(w, "ja3s_string", fp->ja3s_string);
	name_if(w, "ja4s", fp->ja4s);
	u16_arr(w, "extensions", sh->exts, sh->n_exts);
}

static void server_hello_fields(struct jw *w, const struct session *s, const struct verdict *v,
				struct anom_set *a, struct frag_store *fs)
{
	const struct tls_server_hello *sh = s->sh;

	/* After a HelloRetryRequest, JA3S/JA4S and the extensions are the
	 * HRR's (verdict_hello.c). */
	splice_lists(w, fs, server_lists, s->hrr_sh ? s->hrr_sh : sh, &v->hello[VERDICT_SERVER], a);
	if (sh->session_id_len)
		jw_hexbytes(w, "session_id", sh->session_id,
			    sh->session_id_len <= 32 ? sh->session_id_len : 32);
	if (sh->downgrade == 12)
		jw_name(w, "downgrade_sentinel", "1.2");
	else if (sh->downgrade == 11)
		jw_name(w, "downgrade_sentinel", "1.1");
}

static void negotiated(struct jw *w, const struct session *s, struct anom_set *a,
		       struct rec_tally *t)
{
	const struct tls_server_hello *sh = s->sh;

	if (s->dtls && s->dtls_version) {
		jw_name(w, "version_protocol", "dtls");
		t->version = dtls_version_str(s->dtls_version);
		if (t->version) {
			jw_name(w, "version", t->version + 4);
		} else {
			t->version = version_str(s->dtls_version, t->vbuf);
			jw_name(w, "version", t->version);
		}
	} else if (s->version) {
		jw_name(w, "version_protocol",
		       s->version == 0x0300 || s->version == 0x0002 ? "ssl" : "tls");
		t->version = version_str(s->version, t->vbuf);
		jw_name(w, "version", t->version);
	}
	if (s->v2) {
		if (s->v2_cipher) {
			t->cipher = v2_cipher_name(s->v2_cipher, t->cbuf);
			jw_name(w, "cipher", t->cipher);
		}
		return;
	}
	if (!sh || !(s->sh_seen || s->hrr))
		return;
	/* A malformed ServerHello may have ended before its cipher field. */
	if (!(s->sh_bad && sh->cipher == 0)) {
		t->cipher = code_str(sh->cipher, tls_cipher_name, t->cbuf);
		jw_name(w, "cipher", t->cipher);
	}
	if (s->tls13 && sh->has_key_share && sh->selected_group)
		code_name(w, "curve", sh->selected_group, tls_group_name);
	else if (!s->tls13 && s->srv_ske && s->ske.has_group)
		code_name(w, "curve", s->ske.group, tls_group_name);
	if (s->sh_seen)
		compression_json(w, "compression", sh->compression);
	const struct tls_alpn_list *al = sh->has_alpn ? &sh->alpn : s->ee_alpn;

	if (s->sh_seen && al && al->n && al->len[0] &&
	    (size_t)al->off[0] + al->len[0] <= sizeof al->buf)
		jw_wire(w, "next_protocol", al->buf + al->off[0], al->len[0], a);
}

/* tls.dtls: the cookie exchange and the retransmissions. */
static void dtls_fields(struct jw *w, const struct session *s)
{
	jw_open(w, "dtls", '{');
	if (s->hvr)
		jw_bool(w, "hello_verify_request", true);
	if (s->cookie_len)
		jw_uint(w, "cookie_length", s->cookie_len);
	jw_uint(w, "retransmissions", s->dtls->retransmits);
	if (s->dtls->overlaps)
		jw_uint(w, "overlapping_fragments", s->dtls->overlaps);
	jw_close(w, false);
}

/* tls.client.hello_retry_changed: what the second ClientHello changed that
 * it must not (parsers/tls_retry.h); the first hello's server name when
 * that changed (server_name is the second's, which the server answered). */
static void retry_fields(struct jw *w, const struct session *s, struct anom_set *a)
{
	const struct tls_client_hello *ch = core_ch(s);

	jw_open(w, "hello_retry_changed", '[');
	for (unsigned i = 0; i < TLS_RETRY_COUNT; i++)
		if (s->retry_changes & (1u << i))
			jw_str(w, NULL, tls_retry_name(i));
	jw_close(w, false);
	if ((s->retry_changes & (1u << TLS_RETRY_SERVER_NAME)) && ch && ch->has_sni && ch->sni_len)
		jw_wire(w, "first_server_name", ch->sni, ch->sni_len, a);
}

/* tls.client: the first ClientHello's fields, CertificateVerify, the
 * client's certificates. */
static void client_obj(struct jw *w, const struct session *s, const struct verdict *v,
		       struct tt_ctx *ctx, struct anom_set *a, struct frag_store *fs)
{
	int c = v->client;

	jw_open(w, "client", '{');
	if (core_ch(s))
		client_hello_fields(w, s, core_ch(s), v, a, fs);
	else if (s->quic && s->quic->qc.have_chlo && s->quic->qc.chlo.has_sni)
		jw_wire(w, "server_name", s->quic->qc.chlo.sni, s->quic->qc.chlo.sni_len, a);
	if (s->cli_cv && s->cv_has_sigalg) {
		jw_open(w, "certificate_verify", '{');
		code_name(w, "signature_algorithm", s->cv_sigalg, tls_sigscheme_name);
		jw_close(w, false);
	}
	if (s->hrr)
		jw_bool(w, "hello_retry", true);
	if (s->retry_changes)
		retry_fields(w, s, a);
	if (s->early_records)
		jw_uint(w, "early_data_records", s->early_records);
	if (s->dec_early_records)
		jw_uint(w, "early_data_bytes", s->dec_early_bytes);
	if (s->n_chain[c])
		emit_x509_side(w, ctx, s->chain[c], s->n_chain[c], &v->side[VERDICT_CLIENT], a);
	jw_close(w, false);
}

/* tls.server: the ServerHello's fields, what followed it, the server's
 * certificates. */
static void server_obj(struct jw *w, const struct session *s, const struct verdict *v,
		       struct tt_ctx *ctx, struct anom_set *a, struct frag_store *fs)
{
	int svd = !v->client;

	jw_open(w, "server", '{');
	if (s->sh && (s->sh_seen || s->hrr) && !s->v2) {
		server_hello_fields(w, s, v, a, fs);
		if (s->has_nst && !s->tls13)
			jw_uint(w, "ticket_lifetime_hint", s->nst_lifetime);
		if (s->sh_seen && !(s->resumed && !s->tls13))
			key_exchange(w, s);
		if (s->cr && s->srv_cr)
			cert_request(w, s, v, a);
		if (s->tls13 && s->sh_seen && !s->resumed)
			jw_bool(w, "certificate_encrypted", true);
		if (s->ee_early && core_ch(s) && core_ch(s)->has_early_data)
			jw_bool(w, "early_data_accepted", s->ee_early == 2);
	}
	if (s->n_chain[svd])
		emit_x509_side(w, ctx, s->chain[svd], s->n_chain[svd], &v->side[VERDICT_SERVER], a);
	jw_close(w, false);
}

/* tls.findings: the verdict's findings, most severe first; always
 * present ([] is a verdict too: judged, nothing found). */
static void findings_arr(struct jw *w, const struct fnd_list *l, struct rec_tally *t)
{
	jw_open(w, "findings", '[');
	for (unsigned i = 0; i < l->n; i++) {
		const struct fnd_finding *x = &l->f[i];
		jw_open(w, NULL, '{');
		jw_name(w, "code", fnd_code_name(x->code));
		jw_name(w, "severity", fnd_severity_name(x->severity));
		jw_name(w, "side", fnd_side_name(x->side));
		jw_name(w, "reference", x->reference);
		if (x->message[0])
			jw_name(w, "message", x->message);
		jw_close(w, true);
		t->findings |= 1ull << x->code;
	}
	jw_close(w, true);
	if (l->n)
		t->worst = (int)l->worst;
}

/* tls.anomalies, when there are any; the last code says the set was cut. */
static void anomalies_arr(struct jw *w, const struct anom_set *a)
{
	if (!a->n)
		return;
	jw_open(w, "anomalies", '[');
	for (unsigned i = 0; i < a->n; i++)
		jw_name(w, NULL, a->code[i]);
	if (a->dropped)
		jw_name(w, NULL, "anomalies_truncated");
	jw_close(w, false);
}

int session_emit(struct jw *w, const struct session *s, const struct verdict *v,
		 struct tt_ctx *ctx, struct rec_tally *t)
{
	struct anom_set *a = &t->anom;
	struct frag_store fs;
	int c = v->client;

	fs.n = 0;
	*a = s->anom;
	t->worst = -1;
	if (!s->is_tls && !s->not_tls)
		return 0;
	jw_open(w, "tls", '{');
	if (!s->is_tls) {
		sess_pre_emit(w, s, c, a);
		t->outcome = v->outcome ? v->outcome : "not_tls";
		jw_name(w, "outcome", t->outcome);
		jw_open(w, "failure", '{');
		jw_name(w, "reason", v->fail_reason[0] ? v->fail_reason
						       : "the first bytes are not a TLS or SSL record");
		jw_close(w, true);
		anomalies_arr(w, a);
		jw_close(w, true);
		return 0;
	}
	sess_pre_emit(w, s, c, a);

	negotiated(w, s, a, t);
	if (s->outcome != TLS_OUT_NONE) {
		t->outcome = v->outcome;
		jw_bool(w, "established", s->outcome == TLS_OUT_ESTABLISHED);
		jw_bool(w, "resumed", s->resumed);
		jw_name(w, "outcome", t->outcome);
		if (s->outcome != TLS_OUT_ESTABLISHED)
			failure_obj(w, v);
	}
	if (s->n_alerts)
		alerts_arr(w, s, c);
	if (v->authentication) {
		jw_name(w, "authentication", v->authentication);
		if (v->authentication_inferred)
			jw_bool(w, "authentication_inferred", true);
	}
	if (s->n_msgs) {
		messages_arr(w, s, c);
		timeline_arr(w, s, c);
		post_handshake_obj(w, s, c);
	}
	if (s->dtls)
		dtls_fields(w, s);
	if (s->quic)
		emit_quic(w, s->quic, s->client >= 0 ? c : -1, s->outcome == TLS_OUT_ESTABLISHED, a);
	if (s->decrypting)
		decryption_obj(w, s);

	client_obj(w, s, v, ctx, a, &fs);
	server_obj(w, s, v, ctx, a, &fs);
	frag_store_finish(&fs, ctx ? ctx->hello_frags : NULL);

	/* How much of each direction the capture lost (the tcp_gap anomaly). */
	if (s->gap_bytes[0] || s->gap_bytes[1]) {
		jw_open(w, "gap_bytes", '{');
		if (s->gap_bytes[c])
			jw_uint(w, "client", s->gap_bytes[c]);
		if (s->gap_bytes[!c])
			jw_uint(w, "server", s->gap_bytes[!c]);
		jw_close(w, false);
	}

	if (v->client_data_missing)
		anom_add(a, "client_data_missing");
	if (core_dec_late(s))
		anom_add(a, "keylog_secret_late");

	/* Last: building the record may have added anomalies. */
	anomalies_arr(w, a);
	if (ctx)
		findings_arr(w, &v->findings, t);
	jw_close(w, true);
	return 0;
}
