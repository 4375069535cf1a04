/*
 * session_emit.c - the tls.* part of a session record (SCHEMA.md), built
 * from struct session; the certificate fields come from emit_x509_side().
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
 *                  downgrade_sentinel certificate_encrypted + certificates } }
 *
 * Absent information is an absent key.  Wire strings (SNI, ALPN) go through
 * ju_wire_str; anomalies found while building the record (invalid_utf8,
 * certificate ones) join the session's before tls.anomalies is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../parsers/fp.h"
#include "../parsers/tls_names.h"
#include "../parsers/x509.h"
#include "emit.h"
#include "jsonutil.h"
#include "session_impl.h"

static const char *const outcome_names[] = {
	[TLS_OUT_NONE] = NULL,
	[TLS_OUT_ESTABLISHED] = "established",
	[TLS_OUT_ALERT] = "alert",
	[TLS_OUT_RESET] = "reset",
	[TLS_OUT_CLOSED] = "closed",
	[TLS_OUT_INCOMPLETE] = "incomplete",
	[TLS_OUT_NO_SERVER_RESPONSE] = "no_server_response",
	[TLS_OUT_MALFORMED] = "malformed",
};

/* Steals v; a NULL v (allocation failure) is skipped. */
static void put(json_t *o, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(o, key, v);
}

static void push(json_t *arr, json_t *v)
{
	if (v)
		json_array_append_new(arr, v);
}

/* An array under key, unless empty. */
static void put_arr(json_t *o, const char *key, json_t *arr)
{
	if (arr && json_array_size(arr))
		json_object_set_new(o, key, arr);
	else
		json_decref(arr);
}

/* An object under key, unless empty. */
static void put_obj(json_t *o, const char *key, json_t *obj)
{
	if (obj && json_object_size(obj))
		json_object_set_new(o, key, obj);
	else
		json_decref(obj);
}

static json_t *hex8(uint8_t v)
{
	char b[8];
	snprintf(b, sizeof b, "0x%02x", v);
	return json_string(b);
}

/* A 16-bit code by name, "GREASE", or 0x%04x. */
static json_t *code_name(uint16_t v, const char *(*name)(uint16_t))
{
	const char *n;

	if (tls_is_grease(v))
		return json_string("GREASE");
	n = name(v);
	return n ? json_string(n) : ju_hex16(v);
}

static json_t *code_list(const uint16_t *v, uint16_t n, const char *(*name)(uint16_t))
{
	json_t *a = json_array();

	for (uint16_t i = 0; a && i < n; i++)
		push(a, code_name(v[i], name));
	return a;
}

static json_t *hex_bytes(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[2 * 64 + 1];
	char *out = buf;
	json_t *j;

	if (n > 64) {
		out = malloc(2 * n + 1);
		if (!out)
			return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
	j = json_string(out);
	if (out != buf)
		free(out);
	return j;
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

static json_t *compression_json(uint8_t c)
{
	const char *n = compression_name(c);
	return n ? json_string(n) : hex8(c);
}

/* ClientCertificateType (RFC 5246 7.4.4, RFC 8422 5.5). */
static json_t *cert_type_json(uint8_t t)
{
	static const struct { uint8_t code; const char *name; } tab[] = {
		{ 1, "rsa_sign" }, { 2, "dss_sign" }, { 3, "rsa_fixed_dh" },
		{ 4, "dss_fixed_dh" }, { 5, "rsa_ephemeral_dh" }, { 6, "dss_ephemeral_dh" },
		{ 20, "fortezza_dms" }, { 64, "ecdsa_sign" }, { 65, "rsa_fixed_ecdh" },
		{ 66, "ecdsa_fixed_ecdh" }, { 67, "gost_sign256" }, { 68, "gost_sign512" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].code == t)
			return json_string(tab[i].name);
	return hex8(t);
}

/* SSLv2 cipher kinds (draft-hickman-netscape-ssl-00, appendix). */
static json_t *v2_cipher_json(uint32_t k)
{
	static const struct { uint32_t code; const char *name; } tab[] = {
		{ 0x010080, "SSL_CK_RC4_128_WITH_MD5" },
		{ 0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5" },
		{ 0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5" },
		{ 0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5" },
		{ 0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5" },
		{ 0x060040, "SSL_CK_DES_64_CBC_WITH_MD5" },
		{ 0x0700c0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5" },
	};
	char b[16];

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].code == k)
			return json_string(tab[i].name);
	snprintf(b, sizeof b, "0x%06x", (unsigned)k);
	return json_string(b);
}

static const char *v2_error_name(uint8_t code)
{
	switch (code) {
	case 1: return "sslv2_no_cipher_error";
	case 2: return "sslv2_no_certificate_error";
	case 4: return "sslv2_bad_certificate_error";
	case 6: return "sslv2_unsupported_certificate_type_error";
	default: return "sslv2_error";
	}
}

static const char *version_str(uint16_t v, char buf[8])
{
	const char *n = tls_version_name(v);

	if (n)
		return n;
	snprintf(buf, 8, "0x%04x", v);
	return buf;
}

static json_t *version_json(uint16_t v)
{
	char b[8];
	if (tls_is_grease(v))
		return json_string("GREASE");
	return json_string(version_str(v, b));
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

/* tls.authentication: see SCHEMA.md and README "Outcome".  NULL while the
 * handshake has not got far enough to tell. */
static const char *authentication(const struct session *s, int c, bool *inferred)
{
	int sv = !c;
	uint16_t cs = s->sh ? s->sh->cipher : 0;

	*inferred = false;
	if (!s->sh_seen)
		return NULL;
	if (s->resumed)
		return "unknown";
	if (s->v2)
		return s->srv_cert ? "one_way" : NULL;
	if (s->tls13) {
		/* Inferred from the size of the client's first encrypted record
		 * (no padding assumed): Finished alone is 4 + hash bytes; an
		 * empty Certificate 8 (alone, or before Finished in the same
		 * record); anything larger carries a certificate. */
		uint32_t tag = cs == 0x1305 ? 8 : 16, fin = 4 + (cs == 0x1302 ? 48 : 32), pl;
		if (!s->cli_flight || s->cli_first_len < 1 + tag)
			return s->srv_flight ? "unknown" : NULL;
		pl = s->cli_first_len - 1 - tag;
		*inferred = true;
		if (pl == fin)
			return "one_way";
		if (pl == 8 || pl == 8 + fin)
			return "two_way_requested";
		if (pl > fin + 8)
			return "two_way";
		*inferred = false;
		return "unknown";
	}
	if (!s->srv_shd && !s->cli_cke && !s->d[c].ccs)
		return NULL;
	if (!s->n_chain_total[sv])
		return tls_cipher_is_anon_or_psk(cs) ? "anonymous" : "unknown";
	if (!s->srv_cr)
		return "one_way";
	if (s->cli_cert && !s->cli_cert_empty)
		return "two_way";
	if (s->cli_cert || s->cli_cke)
		return "two_way_requested";
	return NULL;
}

static json_t *failure_obj(const struct session *s, int c)
{
	json_t *f = json_object();
	char reason[128];
	const char *who = s->cause_dir >= 0 ? side(s->cause_dir, c) : "unknown side";
	const struct sess_alert *al = &s->fail_al;

	if (!f)
		return NULL;
	reason[0] = '\0';
	switch (s->cause) {
	case SC_ALERT:
		if (al->sslv2) {
			snprintf(reason, sizeof reason, "%s from %s", v2_error_name(al->desc), who);
		} else if (al->encrypted) {
			snprintf(reason, sizeof reason, "encrypted alert from %s", who);
		} else {
			const char *n = tls_alert_name(al->desc);
			if (n)
				snprintf(reason, sizeof reason, "fatal alert %s from %s", n, who);
			else
				snprintf(reason, sizeof reason, "fatal alert %u from %s",
					 (unsigned)al->desc, who);
		}
		break;
	case SC_INFERRED_ALERT:
		snprintf(reason, sizeof reason,
			 "encrypted alert from %s (inferred from the record size)", who);
		break;
	case SC_RESET:
		snprintf(reason, sizeof reason, "reset by %s", who);
		break;
	case SC_CLOSED:
		snprintf(reason, sizeof reason, "closed by %s", who);
		break;
	case SC_NO_RESPONSE:
		snprintf(reason, sizeof reason, "no response from server");
		break;
	case SC_SERVER_NOT_TLS:
		snprintf(reason, sizeof reason, "server answered with data that is not TLS");
		break;
	case SC_INCOMPLETE:
		snprintf(reason, sizeof reason, "capture ended during the handshake");
		break;
	case SC_MALFORMED:
		snprintf(reason, sizeof reason, "record layer broken beyond resync (%s)",
			 s->fail_anom ? s->fail_anom : "invalid_record");
		break;
	case SC_ONE_SIDED:
		snprintf(reason, sizeof reason, "only one direction of the connection was captured");
		break;
	case SC_MIDSTREAM:
		snprintf(reason, sizeof reason, "connection joined after the handshake");
		break;
	case SC_NONE:
		break;
	}
	if (s->fail_stage)
		put(f, "stage", json_string(s->fail_stage));
	if (reason[0])
		put(f, "reason", json_string(reason));
	return f;
}

static json_t *alerts_arr(const struct session *s, int c)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; arr && i < s->n_alerts; i++) {
		const struct sess_alert *al = &s->alerts[i];
		json_t *o = json_object();
		const char *n;

		if (!o)
			break;
		put(o, "from", json_string(side(al->dir, c)));
		put(o, "level", json_string(al->encrypted ? "unknown" :
					    al->level == 1 ? "warning" :
					    al->level == 2 ? "fatal" : "unknown"));
		if (!al->encrypted) {
			if (al->sslv2) {
				put(o, "description", json_string(v2_error_name(al->desc)));
			} else {
				n = tls_alert_name(al->desc);
				put(o, "description", n ? json_string(n) : hex8(al->desc));
				put(o, "code", json_integer(al->desc));
			}
		}
		put(o, "encrypted", json_boolean(al->encrypted));
		push(arr, o);
	}
	return arr;
}

static json_t *messages_arr(const struct session *s, int c)
{
	json_t *arr = json_array();
	char buf[16], item[48];

	for (uint32_t i = 0; arr && i < s->n_msgs; i++) {
		snprintf(item, sizeof item, "%s:%s", side(s->msgs[i].dir, c),
			 msg_name(s->msgs[i].code, buf));
		push(arr, json_string(item));
	}
	return arr;
}

static json_t *alpn_arr(const struct tls_alpn_list *l, struct anom_set *a)
{
	json_t *arr = json_array();

	for (uint16_t i = 0; arr && i < l->n; i++) {
		if ((size_t)l->off[i] + l->len[i] > sizeof l->buf)
			break;
		push(arr, ju_wire_str(l->buf + l->off[i], l->len[i], a));
	}
	return arr;
}

static void client_hello_fields(json_t *cl, const struct tls_client_hello *ch, struct anom_set *a)
{
	char ja3s[FP_JA3_MAX], md5[33], ja4[FP_JA4_MAX], ja4r[FP_JA4R_MAX], b[8];
	json_t *arr;

	if (ch->has_sni && ch->sni_len)
		put(cl, "server_name", ju_wire_str(ch->sni, ch->sni_len, a));
	fp_ja3(ch, ja3s, sizeof ja3s, md5);
	put(cl, "ja3", json_string(md5));
	if (ja3s[0])
		put(cl, "ja3_string", json_string(ja3s));
	fp_ja4(ch, 't', ja4, ja4r, sizeof ja4r);
	if (ja4[0])
		put(cl, "ja4", json_string(ja4));
	if (ja4r[0])
		put(cl, "ja4_r", json_string(ja4r));

	arr = json_array();
	for (uint16_t i = 0; arr && i < ch->n_ciphers; i++)
		push(arr, code_name(ch->ciphers[i], tls_cipher_name));
	put_arr(cl, "supported_ciphers", arr);
	snprintf(b, sizeof b, "0x%04x", ch->legacy_version);
	put(cl, "version", json_string(b));
	if (ch_has_ext(ch, 43)) {
		arr = json_array();
		for (uint16_t i = 0; arr && i < ch->n_versions; i++)
			push(arr, version_json(ch->versions[i]));
		put_arr(cl, "supported_versions", arr);
	}
	if (ch->has_alpn)
		put_arr(cl, "alpn", alpn_arr(&ch->alpn, a));
	if (ch_has_ext(ch, 10))
		put_arr(cl, "supported_groups", code_list(ch->groups, ch->n_groups, tls_group_name));
	if (ch_has_ext(ch, 51))
		put_arr(cl, "key_share_groups",
			code_list(ch->keyshares, ch->n_keyshares, tls_group_name));
	if (ch_has_ext(ch, 13))
		put_arr(cl, "signature_algorithms",
			code_list(ch->sigalgs, ch->n_sigalgs, tls_sigscheme_name));
	if (ch_has_ext(ch, 11)) {
		arr = json_array();
		for (uint16_t i = 0; arr && i < ch->n_ptfmts; i++) {
			const char *n = tls_ec_point_format_name(ch->ptfmts[i]);
			push(arr, n ? json_string(n) : hex8(ch->ptfmts[i]));
		}
		put_arr(cl, "ec_point_formats", arr);
	}
	arr = json_array();
	for (uint16_t i = 0; arr && i < ch->n_comp; i++)
		push(arr, compression_json(ch->comp[i]));
	put_arr(cl, "compression_methods", arr);
	arr = json_array();
	for (uint16_t i = 0; arr && i < ch->n_exts; i++)
		push(arr, json_integer(ch->exts[i]));
	put_arr(cl, "extensions", arr);
	if (ch->session_id_len)
		put(cl, "session_id", hex_bytes(ch->session_id,
						ch->session_id_len <= 32 ? ch->session_id_len : 32));
	if (ch->ech.present) {
		json_t *e = json_object();
		if (e) {
			put(e, "type", json_string(ch->ech.type == 0 ? "outer" :
						   ch->ech.type == 1 ? "inner" : "unknown"));
			if (ch->ech.type == 0) {
				put(e, "config_id", json_integer(ch->ech.config_id));
				put(e, "kdf", json_integer(ch->ech.kdf_id));
				put(e, "aead", json_integer(ch->ech.aead_id));
			}
			put_obj(cl, "ech", e);
		}
	}
}

static void key_exchange(json_t *sv, const struct session *s)
{
	json_t *kx = json_object();
	const struct tls_server_hello *sh = s->sh;

	if (!kx)
		return;
	if (s->tls13) {
		put(kx, "method", json_string(sh->has_psk ? (sh->has_key_share ? "psk_ecdhe" : "psk")
						     : "ecdhe"));
		if (sh->has_key_share)
			put(kx, "group", code_name(sh->selected_group, tls_group_name));
	} else {
		const char *m = tls_cipher_kx(sh->cipher);
		if (m) {
			put(kx, "method", json_string(m));
			if (s->srv_ske && s->ske.has_group)
				put(kx, "group", code_name(s->ske.group, tls_group_name));
			if (s->srv_ske && s->ske.dh_bits)
				put(kx, "dh_bits", json_integer(s->ske.dh_bits));
			if (s->srv_ske && s->ske.has_sigalg)
				put(kx, "signature_algorithm",
				    code_name(s->ske.sigalg, tls_sigscheme_name));
		}
	}
	put_obj(sv, "key_exchange", kx);
}

static void cert_request(json_t *sv, const struct session *s)
{
	const struct tls_cert_request *cr = s->cr;
	json_t *o = json_object(), *arr;

	if (!o)
		return;
	arr = json_array();
	for (uint16_t i = 0; arr && i < cr->n_types && i < TLS_MAX_CERT_TYPES; i++)
		push(arr, cert_type_json(cr->types[i]));
	put_arr(o, "certificate_types", arr);
	put_arr(o, "signature_algorithms",
		code_list(cr->sigalgs, cr->n_sigalgs < TLS_MAX_SIGALGS ? cr->n_sigalgs
								      : TLS_MAX_SIGALGS,
			  tls_sigscheme_name));
	/* Authorities: the DER of each DistinguishedName as lowercase hex
	 * (exact, and needs no certificate parser). */
	arr = json_array();
	for (uint16_t i = 0; arr && s->cr_auth && i < cr->n_authorities && i < TLS_MAX_AUTHORITIES; i++)
		push(arr, hex_bytes(cr->authorities[i].der, cr->authorities[i].len));
	put_arr(o, "authorities", arr);
	/* An empty object is still information: the server asked. */
	json_object_set_new(sv, "certificate_request", o);
}

static void server_hello_fields(json_t *sv, const struct session *s)
{
	const struct tls_server_hello *sh = s->sh;
	char ja3s[FP_JA3_MAX], md5[33];
	json_t *arr;

	fp_ja3s(sh, ja3s, sizeof ja3s, md5);
	put(sv, "ja3s", json_string(md5));
	if (ja3s[0])
		put(sv, "ja3s_string", json_string(ja3s));
#ifdef TLSTAP_WITH_FOXIO
	{
		char ja4s[FP_JA4_MAX], ja4sr[FP_JA4R_MAX];
		fp_ja4s(sh, 't', ja4s, ja4sr, sizeof ja4sr);
		if (ja4s[0])
			put(sv, "ja4s", json_string(ja4s));
	}
#endif
	arr = json_array();
	for (uint16_t i = 0; arr && i < sh->n_exts; i++)
		push(arr, json_integer(sh->exts[i]));
	put_arr(sv, "extensions", arr);
	if (sh->session_id_len)
		put(sv, "session_id", hex_bytes(sh->session_id,
						sh->session_id_len <= 32 ? sh->session_id_len : 32));
	if (sh->downgrade == 12)
		put(sv, "downgrade_sentinel", json_string("1.2"));
	else if (sh->downgrade == 11)
		put(sv, "downgrade_sentinel", json_string("1.1"));
}

static void negotiated(json_t *tls, const struct session *s, struct anom_set *a)
{
	const struct tls_server_hello *sh = s->sh;
	char b[8];

	if (s->version) {
		put(tls, "version_protocol",
		    json_string(s->version == 0x0300 || s->version == 0x0002 ? "ssl" : "tls"));
		put(tls, "version", json_string(version_str(s->version, b)));
	}
	if (s->v2) {
		if (s->v2_cipher)
			put(tls, "cipher", v2_cipher_json(s->v2_cipher));
		return;
	}
	if (!sh || !(s->sh_seen || s->hrr))
		return;
	/* A malformed ServerHello may have ended before its cipher field. */
	if (!(s->sh_bad && sh->cipher == 0))
		put(tls, "cipher", code_name(sh->cipher, tls_cipher_name));
	if (s->tls13 && sh->has_key_share && sh->selected_group)
		put(tls, "curve", code_name(sh->selected_group, tls_group_name));
	else if (!s->tls13 && s->srv_ske && s->ske.has_group)
		put(tls, "curve", code_name(s->ske.group, tls_group_name));
	if (s->sh_seen)
		put(tls, "compression", compression_json(sh->compression));
	if (s->sh_seen && sh->has_alpn && sh->alpn.n && sh->alpn.len[0] &&
	    (size_t)sh->alpn.off[0] + sh->alpn.len[0] <= sizeof sh->alpn.buf)
		put(tls, "next_protocol",
		    ju_wire_str(sh->alpn.buf + sh->alpn.off[0], sh->alpn.len[0], a));
}

int session_emit(json_t *root, const struct session *s, struct tt_ctx *ctx, int client_side)
{
	struct anom_set a = s->anom;
	int c = client_side == 1 ? 1 : 0, svd = !c;
	json_t *tls, *cl, *sv, *arr;
	const char *auth;
	bool inferred;

	if (!s->is_tls && !s->not_tls)
		return 0;
	tls = ju_obj(root, "tls");
	if (!tls)
		return -1;
	if (!s->is_tls) {
		put(tls, "outcome", json_string("not_tls"));
		ju_set(tls, "failure.reason", json_string("the first bytes are not a TLS or SSL record"));
		return 0;
	}

	negotiated(tls, s, &a);
	if (s->outcome != TLS_OUT_NONE) {
		put(tls, "established", json_boolean(s->outcome == TLS_OUT_ESTABLISHED));
		put(tls, "resumed", json_boolean(s->resumed));
		put(tls, "outcome", json_string(outcome_names[s->outcome]));
		if (s->outcome != TLS_OUT_ESTABLISHED)
			put(tls, "failure", failure_obj(s, c));
	}
	if (s->n_alerts)
		put_arr(tls, "alerts", alerts_arr(s, c));
	auth = authentication(s, c, &inferred);
	if (auth) {
		put(tls, "authentication", json_string(auth));
		if (inferred)
			put(tls, "authentication_inferred", json_true());
	}
	if (s->n_msgs)
		put_arr(tls, "handshake_messages", messages_arr(s, c));

	cl = json_object();
	if (cl) {
		if (s->ch)
			client_hello_fields(cl, s->ch, &a);
		if (s->cli_cv && s->cv_has_sigalg) {
			json_t *cv = json_object();
			if (cv) {
				put(cv, "signature_algorithm", code_name(s->cv_sigalg, tls_sigscheme_name));
				put_obj(cl, "certificate_verify", cv);
			}
		}
		if (s->hrr)
			put(cl, "hello_retry", json_true());
		if (s->n_chain[c])
			emit_x509_side(cl, ctx, s->chain[c], s->n_chain[c], NULL, 0, false,
				       s->cert_ts[c], false, &a);
		put_obj(tls, "client", cl);
	}

	sv = json_object();
	if (sv) {
		if (s->sh && (s->sh_seen || s->hrr) && !s->v2) {
			server_hello_fields(sv, s);
			if (s->has_nst && !s->tls13)
				put(sv, "ticket_lifetime_hint", json_integer(s->nst_lifetime));
			if (s->sh_seen && !(s->resumed && !s->tls13))
				key_exchange(sv, s);
			if (s->cr && s->srv_cr)
				cert_request(sv, s);
			if (s->tls13 && s->sh_seen && !s->resumed)
				put(sv, "certificate_encrypted", json_true());
		}
		if (s->n_chain[svd]) {
			const struct tls_client_hello *ch = s->ch;
			bool has_sni = ch && ch->has_sni && ch->sni_len;
			emit_x509_side(sv, ctx, s->chain[svd], s->n_chain[svd],
				       has_sni ? ch->sni : NULL, has_sni ? ch->sni_len : 0, has_sni,
				       s->cert_ts[svd], true, &a);
		}
		put_obj(tls, "server", sv);
	}

	/* How much of each direction the capture lost (the tcp_gap anomaly). */
	if (s->gap_bytes[0] || s->gap_bytes[1]) {
		int cd = c;
		json_t *g = json_object();
		if (g && s->gap_bytes[cd])
			put(g, "client", json_integer((json_int_t)s->gap_bytes[cd]));
		if (g && s->gap_bytes[!cd])
			put(g, "server", json_integer((json_int_t)s->gap_bytes[!cd]));
		put_obj(tls, "gap_bytes", g);
	}

	/* A client that never sent a byte while the server spoke TLS was not
	 * captured (one-sided capture, asymmetric routing): say so even when
	 * the outcome could be inferred from the server's side.  (A silent
	 * server is the session's own business: no_server_response, or
	 * server_data_missing when the client's messages prove an answer.) */
	if (s->client >= 0 && !s->d[s->client].got_bytes && s->d[!s->client].got_bytes)
		anom_add(&a, "client_data_missing");

	/* Last: building the record may have added anomalies. */
	if (a.n) {
		arr = json_array();
		for (unsigned i = 0; arr && i < a.n; i++)
			push(arr, json_string(a.code[i]));
		if (arr && a.dropped)
			push(arr, json_string("anomalies_truncated"));
		put_arr(tls, "anomalies", arr);
	}
	return 0;
}
