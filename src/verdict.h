/*
 * verdict.h - what tlstap concludes about one session, between the
 * handshake core and the emitter:
 *
 *   tls_core (state) --+--> verdict_build() --> struct verdict --> session_emit (JSON)
 *   x509 chains -------+      outcome name, failure stage and reason,
 *   findings policy ---+      authentication, chain validation and SNI
 *                             match, --certs-dir writes, late anomalies,
 *                             findings (findings.c, judged from the facts
 *                             the record states: session_facts.c)
 *
 * The verdict is plain data: the emitter formats it and decides nothing.
 * Sides in struct verdict are TLS roles (client, server), not flow sides.
 *
 * The hello fingerprints (JA3, JA4, JA3S, JA4S) are the verdict's too, but
 * asked for one hello at a time (verdict_client_fp, verdict_server_fp): the
 * emitter's hello cache (fragcache.h) keeps the formatted lists they go
 * with, so a hello seen before is fingerprinted only once.
 */
#ifndef TLSTAP_VERDICT_H
#define TLSTAP_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "../parsers/fp.h"
#include "../parsers/x509.h"
#include "config.h"

struct session;
struct tls_client_hello;
struct tls_server_hello;

enum { VERDICT_CLIENT = 0, VERDICT_SERVER = 1 };

struct verdict_side {
	bool validated;                 /* validation below is filled (server chain) */
	struct x509_validation validation;
	bool write_failed;              /* --certs-dir: a certificate could not be written */
};

struct verdict {
	int client;                     /* flow side of the client (0 or 1) */
	const char *outcome;            /* "established", ..., "not_tls"; NULL undecided */
	const char *fail_stage;         /* tls.failure.stage, NULL none */
	char fail_reason[128];          /* tls.failure.reason, "" none */
	const char *authentication;     /* tls.authentication, NULL unknown yet */
	bool authentication_inferred;
	struct verdict_side side[2];    /* [VERDICT_CLIENT], [VERDICT_SERVER] */
	bool client_data_missing;       /* anomaly found only by looking at the whole */
	struct fnd_list findings;       /* tls.findings (empty without a ctx: no policy) */
};

/* Fills *v for session s, whose client is on flow side client_side (0 or
 * 1).  Validates the server's chain at the capture time of its Certificate
 * (with ctx->x509), and writes every certificate to ctx->cfg.certs_dir when
 * set; judges the findings at ts_ns, the record's @timestamp, under
 * ctx->cfg.findings.  ctx may be NULL (no validation, no writes, no
 * findings). */
void verdict_build(const struct session *s, struct tt_ctx *ctx, int client_side,
		   uint64_t ts_ns, struct verdict *v);

/* The verdict on one chain of n certificates: written to cfg.certs_dir when
 * set; when server, validated (ctx->x509) at capture time ts_ns, with the
 * SNI match when has_sni. */
void verdict_chain(struct tt_ctx *ctx, struct x509_cert *const *chain, size_t n,
		   const uint8_t *sni, size_t sni_len, bool has_sni, uint64_t ts_ns, bool server,
		   struct verdict_side *vs);

/* A ClientHello's fingerprints (parsers/fp.h); a string is "" when the
 * hello does not give it. */
struct verdict_client_fp {
	char ja3[33];                   /* MD5 of ja3_string, lowercase hex */
	char ja3_string[FP_JA3_MAX];
	char ja4[FP_JA4_MAX];
	char ja4_r[FP_JA4R_MAX];
};

/* A ServerHello's fingerprints; ja4s only in builds with FoxIO's JA4+
 * (TLSTAP_WITH_FOXIO), "" otherwise. */
struct verdict_server_fp {
	char ja3s[33];
	char ja3s_string[FP_JA3_MAX];
	char ja4s[FP_JA4_MAX];
};

/* Fill *fp from the hello (the transport, t/d/q, from the hello's flags). */
void verdict_client_fp(const struct tls_client_hello *ch, struct verdict_client_fp *fp);
void verdict_server_fp(const struct tls_server_hello *sh, struct verdict_server_fp *fp);

/* The name of an SSLv2 ERROR code (sslv2_error for unknown ones). */
const char *verdict_v2_error_name(uint8_t code);

#endif
