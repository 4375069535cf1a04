/*
 * verdict.c - the decisions a session record reports (verdict.h): the
 * outcome's name and reason, who authenticated (README "Outcome"), the
 * server chain's validation with SNI match, --certs-dir files, the
 * anomalies only the whole session shows, and the findings.
 */
#include "render.h"
#include "verdict.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../parsers/fp.h"
#include "../parsers/tls_hs.h"
#include "../parsers/tls_names.h"
#include "../parsers/tls_retry.h"
#include "quic_session.h"
#include "findings.h"
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
	[TLS_OUT_MIDSTREAM] = "midstream",
};

const char *verdict_v2_error_name(uint8_t code)
{
	switch (code) {
	case 1: return "sslv2_no_cipher_error";
	case 2: return "sslv2_no_certificate_error";
	case 4: return "sslv2_bad_certificate_error";
	case 6: return "sslv2_unsupported_certificate_type_error";
	default: return "sslv2_error";
	}
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
	if (s->tls13 && s->decrypting) {
		/* Read with a key log: what the messages say. */
		if (!s->n_chain_total[sv])
			return s->d[sv].finished ? "unknown" : NULL;
		if (!s->srv_cr)
			return "one_way";
		if (s->cli_cert && !s->cli_cert_empty)
			return "two_way";
		return s->cli_cert || s->d[c].finished ? "two_way_requested" : NULL;
	}
	if (s->tls13) {
		/* Inferred from the size of the client's first encrypted record
		 * (unless a record looked padded): Finished alone is 4 + hash bytes; an
		 * empty Certificate 8 (alone, or before Finished in the same
		 * record); anything larger carries a certificate. */
		uint32_t tag = cs == 0x1305 ? 8 : 16, fin = 4 + (cs == 0x1302 ? 48 : 32), pl;
		if (!s->cli_flight || s->cli_first_len < 1 + tag)
			return s->srv_flight ? "unknown" : NULL;
		/* Padded records: a padded Finished and a certificate cannot
		 * be told apart by size. */
		if (s->padded)
			return "unknown";
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

/* What a TLS 1.3 post-handshake authentication read with a key log
 * (tls_core_post.c) makes of the handshake's value a: a client certificate
 * makes it two_way, an empty one turns one_way into two_way_requested
 * (tls.post_handshake.authentication says how). */
static const char *post_authentication(const struct session *s, const char *a)
{
	if (s->ph_auth == PH_AUTH_CERT)
		return "two_way";
	if (s->ph_auth == PH_AUTH_EMPTY && a && strcmp(a, "one_way") == 0)
		return "two_way_requested";
	return a;
}

static void alert_reason(const struct sess_alert *al, const char *who, char *out, size_t cap)
{
	if (al->sslv2) {
		snprintf(out, cap, "%s from %s", verdict_v2_error_name(al->desc), who);
	} else if (al->encrypted && !al->decrypted) {
		snprintf(out, cap, "encrypted alert from %s", who);
	} else {
		const char *n = tls_alert_name(al->desc);
		if (n)
			snprintf(out, cap, "fatal alert %s from %s", n, who);
		else
			snprintf(out, cap, "fatal alert %u from %s", (unsigned)al->desc, who);
	}
}

/* A QUIC CONNECTION_CLOSE that ended the handshake (the core saw it as a
 * reset): "CONNECTION_CLOSE PROTOCOL_VIOLATION from server". */
static void quic_close_reason(const struct session *s, int role, const char *who, char *out,
			      size_t cap)
{
	const struct quic_close *c = &s->quic->qc.close[role];
	const char *name = c->app ? NULL : quic_error_name(c->code);

	if (!c->present)
		snprintf(out, cap, "CONNECTION_CLOSE from %s", who);
	else if (name)
		snprintf(out, cap, "CONNECTION_CLOSE %s from %s", name, who);
	else
		snprintf(out, cap, "CONNECTION_CLOSE %s error 0x%llx from %s",
			 c->app ? "application" : "transport", (unsigned long long)c->code, who);
}

/* tls.failure.reason: the cause of the outcome, and who caused it. */
static void failure_reason(const struct session *s, int c, char *out, size_t cap)
{
	const char *who = s->cause_dir < 0 ? "unknown side" :
			  s->cause_dir == c ? "client" : "server";
	const char *text = NULL;

	out[0] = '\0';
	switch (s->cause) {
	case SC_ALERT:
		alert_reason(&s->fail_al, who, out, cap);
		return;
	case SC_INFERRED_ALERT:
		snprintf(out, cap, "encrypted alert from %s (inferred from the record size)", who);
		return;
	case SC_RESET:
		if (s->quic)
			quic_close_reason(s, s->cause_dir == c ? 0 : 1, who, out, cap);
		else
			snprintf(out, cap, "reset by %s", who);
		return;
	case SC_CLOSED:
		snprintf(out, cap, "closed by %s", who);
		return;
	case SC_MALFORMED:
		snprintf(out, cap, "record layer broken beyond resync (%s)",
			 s->fail_anom ? s->fail_anom : "invalid_record");
		return;
	case SC_NO_RESPONSE: text = "no response from server"; break;
	case SC_SERVER_NOT_TLS: text = "server answered with data that is not TLS"; break;
	case SC_INCOMPLETE:
		text = anom_has(&s->anom, "flow_evicted") ?
		       "evicted from the flow table during the handshake" :
		       "capture ended during the handshake";
		break;
	case SC_ONE_SIDED: text = "only one direction of the connection was captured"; break;
	case SC_MIDSTREAM: text = "connection joined after the handshake"; break;
	case SC_NONE: break;
	}
	if (text)
		snprintf(out, cap, "%s", text);
}

/* DIR/<SHA-256>.der, created exclusively; the name comes from our own
 * hash, never from the wire.  An existing file is the same certificate.
 * Returns false when the file could not be written. */
static bool write_der(const char *dir, struct x509_cert *c)
{
	char path[4096];
	size_t off = 0;
	int fd;

	if (c->der_written || !c->der_len)
		return true;
	errno = 0;   /* stays 0 for a path too long or a short write */
	if ((size_t)snprintf(path, sizeof path, "%s/%s.der", dir, c->sha256_hex) >= sizeof path)
		return false;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		if (errno != EEXIST)
			return false;
		c->der_written = true;
		return true;
	}
	while (off < c->der_len) {
		ssize_t w = write(fd, c->der + off, c->der_len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (close(fd) != 0 || off != c->der_len) {
		/* Never leave a partial file under a hash name. */
		unlink(path);
		return false;
	}
	c->der_written = true;
	return true;
}

/* The first --certs-dir failure of the run, said once on stderr; every
 * session it touches also carries the anomaly certificate_write_failed. */
static void say_write_failed(const char *dir, int e)
{
	static atomic_flag said = ATOMIC_FLAG_INIT;

	if (!atomic_flag_test_and_set(&said))
		fprintf(stderr, "tlstap: %s: cannot write certificates (%s); sessions whose "
			"certificates were not written carry certificate_write_failed\n",
			dir, e ? strerror(e) : "path too long or short write");
}

#ifdef TLSTAP_WITH_FOXIO
_Static_assert(sizeof ((struct x509_cert *)0)->ja4x == FP_JA4_MAX, "JA4X buffer");
#endif

void verdict_chain(struct tt_ctx *ctx, struct x509_cert *const *chain, size_t n,
		   const uint8_t *sni, size_t sni_len, bool has_sni, uint64_t ts_ns, bool server,
		   struct verdict_side *vs)
{
	memset(vs, 0, sizeof *vs);
#ifdef TLSTAP_WITH_FOXIO
	/* Once per certificate: the certificate cache keeps it. */
	for (size_t i = 0; chain && i < n; i++)
		if (chain[i] && chain[i]->der_len && !chain[i]->ja4x[0])
			fp_ja4x(chain[i], chain[i]->ja4x);
#endif
	if (!chain || n == 0 || !chain[0] || !ctx)
		return;
	if (ctx->cfg.certs_dir)
		for (size_t i = 0; i < n; i++)
			if (chain[i] && !write_der(ctx->cfg.certs_dir, chain[i])) {
				vs->write_failed = true;
				say_write_failed(ctx->cfg.certs_dir, errno);
			}
	/* The client's chain too, against --client-ca-file or the same
	 * store (no name to match). */
	if (ctx->x509) {
		ctx_x509_lock(ctx);
		vs->validated = x509_validate(server ? ctx->x509 : x509_client_store(ctx->x509),
					      chain, n, sni, sni_len, server && has_sni, ts_ns,
					      &vs->validation) == 0;
		ctx_x509_unlock(ctx);
	}
}

/* One role's chain: files, and for the server the validation with the
 * server name the server answered (the second ClientHello's when a retry
 * changed it: its certificate was chosen for that one). */
static void side_verdict(const struct session *s, struct tt_ctx *ctx, int dir, bool server,
			 struct verdict_side *vs)
{
	const struct tls_client_hello *ch = core_ch(s);
	const uint8_t *sni = ch ? ch->sni : NULL;
	size_t sni_len = ch && ch->has_sni ? ch->sni_len : 0;

	if (s->retry_changes & (1u << TLS_RETRY_SERVER_NAME)) {
		sni = s->retry_sni;
		sni_len = s->retry_sni_present ? s->retry_sni_len : 0;
	}
	bool has_sni = server && sni && sni_len;

	verdict_chain(ctx, s->chain[dir], s->n_chain[dir], has_sni ? sni : NULL,
		      has_sni ? sni_len : 0, has_sni, s->cert_ts[dir], server, vs);
}

/* tls.findings: the facts the record states, judged under the policy. */
static void findings(const struct session *s, const struct tt_ctx *ctx, int c,
		     uint64_t ts_ns, struct verdict *v)
{
	const struct verdict_side *sv = &v->side[VERDICT_SERVER];
	struct fnd_facts f;

	if (!ctx)
		return;
	session_facts(s, c, ts_ns, sv->validated ? &sv->validation : NULL, &f);
	fnd_judge(&f, &ctx->cfg.findings, &v->findings);
}

/* The CertificateRequest's authorities as the record lists them (only
 * when tls.server has a certificate_request: session_emit.c). */
static void authorities(const struct session *s, struct verdict *v)
{
	const struct tls_cert_request *cr = s->cr;

	if (!(s->sh && (s->sh_seen || s->hrr) && !s->v2 && cr && s->srv_cr && s->cr_auth))
		return;
	for (uint16_t i = 0; i < cr->n_authorities && i < TLS_MAX_AUTHORITIES; i++)
		v->authority_dn[v->n_authority_dn++] = x509_dn_string(cr->authorities[i].der,
								      cr->authorities[i].len);
}

void verdict_free(struct verdict *v)
{
	for (unsigned i = 0; i < v->n_authority_dn; i++)
		free(v->authority_dn[i]);
	v->n_authority_dn = 0;
}

void verdict_build(const struct session *s, struct tt_ctx *ctx, int client_side,
		   uint64_t ts_ns, struct verdict *v)
{
	int c = client_side == 1 ? 1 : 0;

	/* Everything but the findings' 8 KiB array, which holds n entries
	 * (zeroing it cost more than the rest of the verdict), and the
	 * hellos' keys and fingerprints, set as they are needed. */
	memset(v, 0, offsetof(struct verdict, findings));
	v->findings.n = 0;
	v->findings.worst = 0;
	v->hello[VERDICT_CLIENT].present = v->hello[VERDICT_SERVER].present = false;
	v->client = c;
	if (!s->is_tls) {
		const char *why = sess_pre_reason(s);
		v->outcome = s->not_tls ? sess_pre_outcome(s) : NULL;
		if (why)
			snprintf(v->fail_reason, sizeof v->fail_reason, "%s", why);
		return;
	}
	if (s->outcome != TLS_OUT_NONE) {
		v->outcome = outcome_names[s->outcome];
		if (s->outcome != TLS_OUT_ESTABLISHED) {
			v->fail_stage = s->fail_stage;
			failure_reason(s, c, v->fail_reason, sizeof v->fail_reason);
		}
	}
	v->authentication = post_authentication(s, authentication(s, c, &v->authentication_inferred));
	side_verdict(s, ctx, c, false, &v->side[VERDICT_CLIENT]);
	side_verdict(s, ctx, !c, true, &v->side[VERDICT_SERVER]);
	/* A client that never sent a byte while the server spoke TLS was not
	 * captured (one-sided capture, asymmetric routing): say so even when
	 * the outcome could be inferred from the server's side.  (A silent
	 * server is the session's own business: no_server_response, or
	 * server_data_missing when the client's messages prove an answer.) */
	v->client_data_missing = s->client >= 0 && !s->d[s->client].got_bytes &&
				 s->d[!s->client].got_bytes;
	findings(s, ctx, c, ts_ns, v);
	authorities(s, v);
	verdict_hellos(s, ctx, v);
}

