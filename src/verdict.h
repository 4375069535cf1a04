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
 * The hello fingerprints (JA3, JA4, JA3S, JA4S) are the verdict's too
 * (verdict_hello.c): the verdict looks each hello's lists up in the
 * context's hello cache (fragcache.h), where the emitter keeps them
 * formatted, and fingerprints only a hello whose lists are not there, so
 * that a hello seen before is fingerprinted once.
 */
#ifndef TLSTAP_VERDICT_H
#define TLSTAP_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../parsers/fp.h"
#include "../parsers/tls_hello.h"
#include "../parsers/tls_hs.h"
#include "../parsers/x509.h"
#include "config.h"

struct session;
struct frag;

enum { VERDICT_CLIENT = 0, VERDICT_SERVER = 1 };

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

/* Every input of a hello's formatted lists, serialised: the hello cache's
 * key.  Counts come before their lists, so that no two different hellos
 * give the same bytes. */
struct verdict_hello_key {
	uint8_t b[64 + 2 * (TLS_MAX_CIPHERS + TLS_MAX_EXTS + TLS_MAX_GROUPS + TLS_MAX_SIGALGS +
			    TLS_MAX_VERSIONS + TLS_MAX_KEYSHARES) +
		  TLS_MAX_PTFMTS + TLS_MAX_COMP + 3 * TLS_MAX_ALPN + TLS_ALPN_BUF];
	size_t n;
};

/* One hello's lists as the record gives them (tls.client from ja3 to
 * extensions, tls.server from ja3s to extensions).  When the context's
 * hello cache holds them formatted, cached is that fragment (valid until
 * the cache's next frag_put) and no fingerprint is computed; else fp holds
 * the fingerprints, and with a cache, key and h say where the emitter
 * stores what it formats. */
struct verdict_hello {
	bool present;                   /* the record has these lists */
	const struct frag *cached;
	bool keyed;                     /* a cache miss: key and h are set */
	uint64_t h;
	struct verdict_hello_key key;
	union {
		struct verdict_client_fp client;
		struct verdict_server_fp server;
	} fp;                           /* when not cached */
};


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
	/* tls.server.certificate_request.authorities: each DistinguishedName
	 * the record lists as an RFC 4514 string (owned, verdict_free frees
	 * them); NULL for one that is not a DER Name (written as hex). */
	char *authority_dn[TLS_MAX_AUTHORITIES];
	unsigned n_authority_dn;
	struct fnd_list findings;       /* tls.findings (empty without a ctx: no policy) */
	/* [VERDICT_CLIENT]: the first ClientHello's lists; [VERDICT_SERVER]:
	 * the ServerHello's, or the HelloRetryRequest's when there was one.
	 * Not zeroed by verdict_build (large): set as they are needed. */
	struct verdict_hello hello[2];
};

/* Fills *v for session s, whose client is on flow side client_side (0 or
 * 1); verdict_free(v) after use.  Validates the server's chain at the capture time of its Certificate
 * (with ctx->x509), and writes every certificate to ctx->cfg.certs_dir when
 * set; judges the findings at ts_ns, the record's @timestamp, under
 * ctx->cfg.findings.  ctx may be NULL (no validation, no writes, no
 * findings). */
void verdict_build(const struct session *s, struct tt_ctx *ctx, int client_side,
		   uint64_t ts_ns, struct verdict *v);

/* Frees what *v owns (the authorities' strings). */
void verdict_free(struct verdict *v);

/* The hellos' part of *v (verdict_hello.c), for verdict_build. */
void verdict_hellos(const struct session *s, struct tt_ctx *ctx, struct verdict *v);

/* The verdict on one chain of n certificates: written to cfg.certs_dir when
 * set; when server, validated (ctx->x509) at capture time ts_ns, with the
 * SNI match when has_sni. */
void verdict_chain(struct tt_ctx *ctx, struct x509_cert *const *chain, size_t n,
		   const uint8_t *sni, size_t sni_len, bool has_sni, uint64_t ts_ns, bool server,
		   struct verdict_side *vs);

/* The name of an SSLv2 ERROR code (sslv2_error for unknown ones). */
const char *verdict_v2_error_name(uint8_t code);

#endif
