/*
 * session_prelude.c - the cleartext before TLS on one connection: an
 * upgrade (STARTTLS and its kin) or a proxy (HTTP CONNECT, SOCKS), followed
 * by parsers/prelude.c until it says where TLS begins in each direction.
 *
 *   session_push(dir) --first bytes not TLS--> sess_pre_push --PRE_TLS at k-->
 *        sess_records_push(p + k)                   |
 *                                                   +--PRE_WRAPPED (TDS)--> wrap buffer
 *                                                   |                       --> sess_records_push
 *                                                   +--PRE_DONE / prelude over without TLS:
 *                                                      outcome not_tls, with tls.via saying why
 *
 * The record's tls.via object (FIELDS.md) is built here too.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "../parsers/openvpn.h"
#include "../parsers/tls_record.h"
#include "jw.h"
#include "session_impl.h"
#include "tls_core.h"

/* The TDS unwrap buffer holds at most one record and its header. */
#define WRAP_CAP (TLS_RECORD_HDR + TLS_MAX_RECORD)

bool sess_pre_start(struct session *s)
{
	uint16_t hint;

	if (s->pre || s->pre_tried || s->midstream)
		return false;
	s->pre_tried = true;
	s->pre = malloc(sizeof *s->pre);
	if (!s->pre)
		return false;
	core_mem_add(s, sizeof *s->pre);
	if (s->syn_side == 0 || s->syn_side == 1)
		hint = s->port[!s->syn_side];
	else    /* no SYN seen: the lower port is the likelier server */
		hint = s->port[0] < s->port[1] ? s->port[0] : s->port[1];
	pre_init(s->pre, s->syn_side, hint);
	return true;
}

/* What was counted with core_mem_add stays counted until tls_core_free()
 * takes the session's whole count back. */
void sess_pre_free(struct session *s)
{
	for (int i = 0; i < 2; i++) {
		free(s->d[i].wrap);
		s->d[i].wrap = NULL;
	}
	free(s->pre);
	s->pre = NULL;
	free(s->adat);
	s->adat = NULL;
}

/* Bytes of the TLS stream that came out of TDS or OpenVPN packets: parsed
 * from a buffer, since a record may span packets. */
void sess_pre_wrapped(struct session *s, int dir, const uint8_t *b, size_t n, uint64_t ts)
{
	struct sess_dir *d = &s->d[dir];

	if (!d->wrap) {
		d->wrap = malloc(WRAP_CAP);
		if (!d->wrap)
			return;
		core_mem_add(s, WRAP_CAP);
	}
	d->wrapped = true;
	while (n && tls_core_wants_data(s) && !s->rs[dir].not_tls) {
		size_t k = WRAP_CAP - d->wrap_len, used;

		if (k > n)
			k = n;
		memcpy(d->wrap + d->wrap_len, b, k);
		d->wrap_len += (uint32_t)k;
		b += k;
		n -= k;
		used = sess_records_push(s, dir, d->wrap, d->wrap_len, ts);
		if (used > d->wrap_len)
			used = d->wrap_len;
		if (used == 0 && d->wrap_len == WRAP_CAP) {
			anom_add(&s->anom, "invalid_record");   /* no record fits */
			d->wrap_len = 0;
			continue;
		}
		memmove(d->wrap, d->wrap + used, d->wrap_len - used);
		d->wrap_len -= (uint32_t)used;
	}
}

/* A piece of the wrapped TLS stream: bytes, or (GridFTP) base64 text of
 * them, decoded a slice at a time. */
static void wrapped_piece(struct session *s, int dir, const uint8_t *b, size_t n, uint64_t ts)
{
	uint8_t out[DIG_B64_OUT(1024)];
	struct dig_b64 *st;

	if (!s->pre->info.wrapped_b64) {
		sess_pre_wrapped(s, dir, b, n, ts);
		return;
	}
	if (!s->adat) {   /* only GridFTP sessions pay for it */
		if (!(s->adat = calloc(2, sizeof *s->adat)))
			return;
		core_mem_add(s, 2 * sizeof *s->adat);
	}
	st = &s->adat[dir];
	while (n && tls_core_wants_data(s)) {
		size_t k = n < 1024 ? n : 1024, m = dig_b64_decode(st, b, k, out);

		b += k;
		n -= k;
		if (st->bad) {
			tls_core_anomaly(s, "adat_bad_encoding");
			st->bad = false;
		}
		if (m)
			sess_pre_wrapped(s, dir, out, m, ts);
	}
}

/* The session is over without TLS to read: its record says not_tls (and
 * why), or encrypted (OpenVPN tls-crypt: TLS, but not readable). */
static void end_not_tls(struct session *s)
{
	if (!s->not_tls && !pre_encrypted(s->pre))
		s->ctx->st.sessions_not_tls++;
	s->not_tls = true;
}

/* No direction can carry TLS any more and none did: the session is over. */
static void check_over(struct session *s)
{
	if (!s->is_tls && pre_over(s->pre))
		end_not_tls(s);
}

size_t sess_pre_push(struct session *s, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
	struct sess_dir *d = &s->d[dir];
	size_t off = 0, used, co, cl;

	if (d->pre_tls) {                       /* only a wrapped direction comes here */
		sess_pre_wrapped(s, dir, p, n, ts);
		return n;
	}
	while (!d->pre_done) {
		enum pre_status st = pre_push(s->pre, dir, p + off, n - off, &used, &co, &cl);

		if (used > n - off)
			used = n - off;         /* a parser that broke its contract */
		switch (st) {
		case PRE_NOT:                   /* not a prelude: judged as TLS, which it is not */
			sess_pre_free(s);
			return sess_records_push(s, dir, p, n, ts);
		case PRE_NEED_MORE:
			return off + used;
		case PRE_WRAPPED:
			wrapped_piece(s, dir, p + off + co, cl, ts);
			off += used;
			if (!tls_core_wants_data(s))
				return n;
			continue;
		case PRE_TLS:
			off += used;
			d->pre_tls = true;
			if (d->wrapped) {
				sess_pre_wrapped(s, dir, p + off, n - off, ts);
				return n;
			}
			return off + sess_records_push(s, dir, p + off, n - off, ts);
		case PRE_DONE:
			d->pre_done = true;
			break;
		}
	}
	check_over(s);
	return n;
}

void sess_pre_gap(struct session *s, int dir)
{
	if (!s->d[dir].pre_tls) {
		/* Cleartext lost: the prelude cannot be followed further. */
		s->d[dir].pre_done = true;
		pre_abandon(s->pre);
		check_over(s);
	}
}

void sess_pre_end(struct session *s)
{
	if (!s->is_tls && pre_recognised(s->pre))
		end_not_tls(s);
}

/* ---- the record: tls.via ---- */

static const char *socks5_method_name(uint8_t m)
{
	switch (m) {
	case 0: return "no_authentication";
	case 1: return "gssapi";
	case 2: return "username_password";
	case 0xff: return "no_acceptable_methods";
	default: return NULL;
	}
}

/* A requested host that is an address literal: its RFC 5952 text in out. */
static bool host_is_ip(const struct pre_info *in, char out[INET6_ADDRSTRLEN])
{
	uint8_t a[16];
	int af = memchr(in->proxy_host, ':', in->proxy_host_len) ? AF_INET6 : AF_INET;

	if (in->proxy_host_cut || strlen(in->proxy_host) != in->proxy_host_len ||
	    inet_pton(af, in->proxy_host, a) != 1)
		return false;
	return inet_ntop(af, a, out, INET6_ADDRSTRLEN) != NULL;
}

static void proxy_obj(struct jw *w, const struct pre_info *in, struct anom_set *a)
{
	char ip[INET6_ADDRSTRLEN];

	jw_open(w, "proxy", '{');
	jw_name(w, "type", pre_proxy_name(in->proxy));
	jw_open(w, "target", '{');
	if (in->proxy_host_len && !host_is_ip(in, ip))
		jw_wire(w, "domain", in->proxy_host, in->proxy_host_len, a);
	else if (in->proxy_host_len)
		jw_name(w, "ip", ip);           /* CONNECT 192.0.2.1:443, [2001:db8::1]:443 */
	if (in->proxy_has_ip &&
	    inet_ntop(in->proxy_ip_len == 4 ? AF_INET : AF_INET6, in->proxy_ip, ip, sizeof ip))
		jw_name(w, "ip", ip);
	if (in->proxy_host_len || in->proxy_has_ip)
		jw_uint(w, "port", in->proxy_port);
	jw_close(w, false);
	if (in->proxy_state)
		jw_name(w, "status", pre_proxy_state_name(in->proxy_state));
	if (in->proxy_has_code)
		jw_uint(w, "reply_code", in->proxy_code);
	if (in->proxy_has_method) {
		const char *m = socks5_method_name(in->proxy_method);
		if (m)
			jw_name(w, "method", m);
		else
			jw_hex(w, "method", in->proxy_method, 2);
	}
	jw_close(w, true);
}

/* The upgrade's result as reported: an unanswered request at the end is
 * abandoned, a recognised prelude without one not requested. */
static uint8_t upgrade_result(const struct pre_info *in)
{
	return in->result == PRE_R_NONE ? PRE_R_NOT_REQUESTED : in->result;
}

static void upgrade_obj(struct jw *w, const struct pre_info *in, struct anom_set *a)
{
	jw_open(w, "upgrade", '{');
	jw_name(w, "protocol", pre_proto_name(in->proto));
	if (in->command)
		jw_name(w, "command", in->command);
	jw_name(w, "result", pre_result_name(upgrade_result(in)));
	if (in->has_code)
		jw_uint(w, "reply_code", in->code);
	if (in->text_len)
		jw_wire(w, "reply_text", in->text, in->text_len, a);
	if (in->text_cut)
		jw_bool(w, "reply_text_truncated", true);
	if (in->server_offers)
		jw_bool(w, "server_offered", true);
	if (in->dialback)
		jw_bool(w, "dialback", true);
	jw_close(w, true);
}

static const char *not_tls_reason(const struct pre_info *in)
{
	if (in->proxy_state == PRE_XS_REFUSED)
		return "the proxy refused the connection";
	if (in->proxy && in->proxy_state != PRE_XS_GRANTED)
		return "the proxy never granted the connection";
	if (!in->proto)
		return in->proxy ? "the proxied connection carried no TLS" : NULL;
	if (in->proto == PRE_P_OPENVPN && in->ovpn_prot >= OVPN_PROT_TLS_CRYPT)
		return "the OpenVPN control channel is encrypted by tls-crypt: its TLS cannot be read without the key";
	if (in->proto == PRE_P_OPENVPN)
		return "the OpenVPN control channel carried no TLS";
	switch (upgrade_result(in)) {
	case PRE_R_REFUSED: return "the server refused the TLS upgrade";
	case PRE_R_REQUESTED: return "the TLS upgrade was asked for and never answered";
	case PRE_R_ACCEPTED: return "the TLS upgrade was accepted but no TLS followed";
	default: return "the client did not ask for the TLS upgrade";
	}
}

const char *sess_pre_reason(const struct session *s)
{
	if (!s->pre || !pre_recognised(s->pre) || s->is_tls)
		return NULL;
	return not_tls_reason(&s->pre->info);
}

const char *sess_pre_outcome(const struct session *s)
{
	return s->pre && pre_encrypted(s->pre) ? "encrypted" : "not_tls";
}

static const char *ovpn_prot_name(uint8_t prot)
{
	switch (prot) {
	case OVPN_PROT_TLS_AUTH: return "tls-auth";
	case OVPN_PROT_TLS_CRYPT: return "tls-crypt";
	case OVPN_PROT_TLS_CRYPT_V2: return "tls-crypt-v2";
	default: return "none";
	}
}

/* tls.via.openvpn: the transport, how the control channel is protected,
 * and what the channel's packets showed. */
static void ovpn_obj(struct jw *w, const struct pre_info *in)
{
	jw_open(w, "openvpn", '{');
	jw_name(w, "transport", in->ovpn_udp ? "udp" : "tcp");
	jw_name(w, "protection", ovpn_prot_name(in->ovpn_prot));
	if (in->ovpn_hmac)
		jw_uint(w, "hmac_size", in->ovpn_hmac);
	if (in->ovpn_prot < OVPN_PROT_TLS_CRYPT) {
		jw_uint(w, "retransmissions", in->ovpn_resent);
		if (in->ovpn_udp)
			jw_uint(w, "reordered", in->ovpn_reordered);
	}
	jw_close(w, true);
}

void sess_pre_emit(struct jw *w, const struct session *s, int c, struct anom_set *a)
{
	const struct pre_info *in;

	if (s->framing && (!s->pre || !pre_recognised(s->pre))) {
		jw_open(w, "via", '{');
		jw_name(w, "framing", s->framing);
		if (s->rdp)
			sess_rdp_emit(w, s);
		jw_close(w, true);
	}
	if (!s->pre || !pre_recognised(s->pre))
		return;
	in = &s->pre->info;
	if (in->anomaly)
		anom_add(a, in->anomaly);
	jw_open(w, "via", '{');
	if (s->framing || in->proto == PRE_P_OPENVPN || in->wrapped_b64)
		jw_name(w, "framing", s->framing ? s->framing
				  : in->wrapped_b64 ? "ftp_adat" : pre_proto_name(in->proto));
	if (in->proto == PRE_P_OPENVPN)
		ovpn_obj(w, in);
	if (in->proxy)
		proxy_obj(w, in, a);
	if (in->proto && in->proto != PRE_P_OPENVPN)
		upgrade_obj(w, in, a);
	if (in->tls[0] || in->tls[1]) {
		jw_open(w, "cleartext_bytes", '{');
		if (in->tls[c])
			jw_uint(w, "client", in->tls_at[c]);
		if (in->tls[!c])
			jw_uint(w, "server", in->tls_at[!c]);
		jw_close(w, true);
	}
	jw_close(w, true);
}
