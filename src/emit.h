/*
 * emit.h - turning results into NDJSON records and writing them to a sink.
 *
 * The emitter never sees wire bytes: it reads flow_info, the session and
 * x509_cert structs.  Each part of the record is built by the module that
 * owns the struct it reads:
 *   emit.c        envelope (@timestamp, event.*, source.*, destination.*,
 *                 network.*), framing, sinks, tlstap.stats
 *   session_emit  tls.* except certificates          (src/session_emit.c)
 *   emit_x509     certificates of one side           (src/emit_x509.c)
 *   emit_encap    tlstap.encapsulation               (src/emit_encap.c)
 */
#ifndef TLSTAP_EMIT_H
#define TLSTAP_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../parsers/anomaly.h"
#include "config.h"
#include "flowinfo.h"
#include "jw.h"

struct x509_cert;
struct verdict;
struct verdict_side;

#define EMIT_SINKS_MAX 8
/* The ECS version whose field definitions the records follow (ecs.version). */
#define ECS_VERSION "8.17.0"

/* Output to each of outs (none: stdout).  At most one of them a file
 * (appended), "-" (stdout) or "unix:/path" (a Unix stream socket of a local
 * collector); up to EMIT_SINKS_MAX network sinks (netsink.h spellings),
 * each with its own queue and thread.  NULL with err on failure. */
struct emitter *emitter_new(const char *const *outs, unsigned nouts,
			    const struct tt_config *cfg, char *err, size_t errlen);
/* Flushes and closes; records that could not be delivered are added to
 * *dropped.  0, or -1 if a write failed (reported on stderr). */
int emitter_free(struct emitter *em, uint64_t *dropped);
/* Offline input: a Unix-socket collector that reads slowly holds tlstap
 * back instead of records being dropped (live capture never waits). */
void emitter_patient(struct emitter *em);
/* Whether standard output's reader went away (EPIPE, `| head`): the
 * capture stops and tlstap exits 0 without a message. */
bool emitter_gone(struct emitter *em);
/* After a privilege drop: warns on stderr when the output file's directory
 * would not let this user create the file again (SIGHUP after rotation). */
void emitter_check_reopen(struct emitter *em);
/* Reopen the output file (SIGHUP, for logrotate). */
void emitter_reopen(struct emitter *em);
/* Push buffered records to the sink (live capture: after each batch). */
void emitter_flush(struct emitter *em);
/* The sinks' queues get their share of a memory budget: a sixteenth of
 * it, split among them (each 64 KiB to 4 MiB). */
void emitter_budget(struct emitter *em, uint64_t memcap);
/* What the emitter holds as the allocator handed it out (mem.h): its
 * record buffers, the output's buffers, the sinks' queues (their bounds),
 * the --certificates once set. */
uint64_t emitter_bytes(struct emitter *em);

/* Consumers of every finished record besides the sink: the human views,
 * the HTML report and -w (src/view.h).  Each gets the record's JSON text
 * (one line, not NUL-terminated), in output order, under the emitter's
 * lock.  render, when set, replaces the JSON on the sink by the n bytes it
 * stores at *out (owned by the view, valid until its next call; 0 bytes:
 * nothing is written for this record).  Without hooks the JSON path is
 * unchanged. */
#define EMIT_TAPS 4
struct emit_hooks {
	size_t (*render)(void *arg, const char *rec, size_t n, const char **out);
	void *render_arg;
	void (*tap[EMIT_TAPS])(void *arg, const char *rec, size_t n);
	void *tap_arg[EMIT_TAPS];
};
/* Installs hooks (copied); call before the first record. */
void emitter_hooks(struct emitter *em, const struct emit_hooks *h);

/* One tlstap.session record for this flow. */
void emit_session(struct tt_ctx *ctx, const struct flow_info *fi);
/* The same, from the flow's facts alone: the verdict of fi->sess (if any)
 * with client as the side that sent the ClientHello (else the SYN's side,
 * else the side the ports suggest), the Community ID, the record.  Fills
 * fi->verdict (for the call only), fi->client and fi->community_id. */
void emit_flow_record(struct tt_ctx *ctx, struct flow_info *fi, int client);
/* Writes "encapsulation" into the open tlstap object of w when fi's
 * connection was tunnelled (nothing otherwise); client: the client's side. */
void emit_encap(struct jw *w, const struct flow_info *fi, int client);
/* A record saved earlier (--from-json), written as if it were new: n
 * bytes of one JSON object, which the caller checked. */
void emit_json_text(struct tt_ctx *ctx, const char *json, size_t n);
/* One tlstap.stats record at time ts_ns; final marks the last one. */
void emit_stats(struct tt_ctx *ctx, uint64_t ts_ns, bool final);

/* The end-of-run human summary (versions, outcomes, top ciphers, anomalies). */
void emit_summary(struct tt_ctx *ctx, FILE *out);

/* What the end-of-run summary and tlstap.stats count of one session record;
 * filled by session_emit.  Strings are NULL when the record has no such
 * field, and point at static names or into the struct itself. */
struct rec_tally {
	const char *version, *outcome, *cipher;
	char vbuf[8], cbuf[16];
	struct anom_set anom;           /* the record's tls.anomalies */
	uint64_t findings;              /* bit (1 << enum fnd_code) per tls.findings code */
	int worst;                      /* most severe finding (enum fnd_severity), -1 none */
};

/* The members every record ends with: observer (with the interface of the
 * session's source, or of the live capture), ecs.version, labels
 * (--add-field) (emit_envelope.c).  The parts that are the same for every
 * record are serialised once, when the emitter is made, and spliced into
 * each record. */
struct emit_env_part {
	char *text;                     /* members, as jw_splice takes them */
	size_t len;
	uint32_t count;
};
struct emit_env {
	struct emit_env_part observer;  /* observer's members before ingress */
	struct emit_env_part tail;      /* ecs, labels */
};
struct source;
/* Serialises the fixed parts from the configuration and the hostname ("" if
 * unknown); false when out of memory (then nothing is kept). */
bool emit_env_build(struct emit_env *e, const struct tt_config *c, const char *hostname);
void emit_env_free(struct emit_env *e);
/* What the serialised parts take from the allocator (mem.h). */
size_t emit_env_bytes(const struct emit_env *e);
/* Writes the envelope members into w's open root object; src is NULL for
 * records of no one source (then the live interface, if any). */
void emit_env_write(const struct emit_env *e, struct jw *w, const struct tt_config *c,
		    const struct source *src);

/* Writes the "tls" member of a session record (into the open root object
 * of w) from the session and its verdict (verdict.h), and fills t.  0 or -1. */
int session_emit(struct jw *w, const struct session *s, const struct verdict *v,
		 struct tt_ctx *ctx, struct rec_tally *t);

/* Writes the certificate fields of one side into the open tls.server or
 * tls.client object of w: x509 of the leaf, hash.sha1/sha256, the ECS shortcuts
 * subject/issuer/not_before/not_after, chain, certificate_chain (when
 * configured), validation (the verdict's, when it has one).  Anomalies go
 * to a.  0 or -1. */
int emit_x509_side(struct jw *w, struct tt_ctx *ctx, struct x509_cert *const *chain,
		   size_t n, const struct verdict_side *vs, struct anom_set *a);

/* --certificates once: the set of certificates (by SHA-256) whose
 * tlstap.x509 record was written, bounded (emit_x509.c); NULL is empty,
 * and the first add allocates it (free() it).  x509_seen_add: 1 when d was
 * not in it yet (it is now), 0 when it was, -1 out of memory. */
struct x509_seen;
int x509_seen_add(struct x509_seen **set, const uint8_t d[32]);
/* One more record written; the counts for tlstap.stats.x509_records. */
void x509_seen_written(struct x509_seen *set);
void x509_seen_counts(const struct x509_seen *set, uint64_t *written, uint64_t *resets);
/* What the set takes from the allocator (mem.h); 0 for NULL. */
size_t x509_seen_bytes(const struct x509_seen *set);

#endif
