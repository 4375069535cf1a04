/*
 * emit.c - NDJSON records: the envelope of a session record, the stats
 * record, framing and the output sink.
 *
 * Framing: every record is one JSON object on one line, written by jw.c
 * straight into one reused buffer (every control character inside strings
 * is escaped, and wire strings go through jw_wire), then appended whole to
 * the output, which a thread of its own writes out in 1 MiB blocks
 * (outfile.c); live capture flushes after each capture batch
 * (emitter_flush) so records appear within a second.
 *
 * The emitter also keeps the small aggregates behind the end-of-run summary
 * and the anomaly counts of tlstap.stats, read back from the records it
 * wrote, so that no other module has to know about them.
 */
#include "emit.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../parsers/fp.h"
#include "../parsers/x509.h"
#include <jansson.h>
#include <pthread.h>

#include "findings.h"
#include "jw.h"
#include "mem.h"
#include "monoclock.h"
#include "netsink.h"
#include "outfile.h"
#include "session.h"
#include "socksink.h"
#include "sources.h"
#include "verdict.h"

#define TALLY_MAX 64

struct tally {
	char *key[TALLY_MAX];
	uint64_t count[TALLY_MAX];
	unsigned n;
	uint64_t other;       /* keys beyond TALLY_MAX */
};

struct emitter {
	/* Worker threads write records whole, one at a time: the sink, the
	 * tallies and w (used by the reading thread only) are behind lock. */
	pthread_mutex_t lock;
	struct jw w;           /* the record being written, reused */
	struct outfile *out;   /* file or stdout; NULL for a socket sink or none */
	struct sock_sink *sock;
	struct netsink *net[EMIT_SINKS_MAX];   /* netsink.c: a queue and thread each */
	unsigned nnet;
	char *path;           /* NULL for stdout */
	int pretty;
	int failed;           /* a write failed: reported once */
	/* sessions per finding code, per most severe finding, with any */
	uint64_t fnd_code[FND_COUNT], fnd_worst[FND_SEV_COUNT], fnd_sessions;
	struct emit_hooks hooks;
	bool hooked;          /* any hook set */
	bool pipe_closed;     /* standard output's reader went away */
	char hostname[256];   /* observer.hostname; "" if unknown */
	struct x509_seen *seen;   /* --certificates once; NULL until the first */
	struct jw xw;         /* the tlstap.x509 record being written */
	struct emit_env env;  /* the envelope's fixed parts */
	struct tally versions, outcomes, ciphers, anomalies;
};

static void tally_add(struct tally *t, const char *key)
{
	for (unsigned i = 0; i < t->n; i++)
		if (strcmp(t->key[i], key) == 0) {
			t->count[i]++;
			return;
		}
	if (t->n < TALLY_MAX && (t->key[t->n] = strdup(key)) != NULL) {
		t->count[t->n++] = 1;
		return;
	}
	t->other++;
}

static void tally_free(struct tally *t)
{
	for (unsigned i = 0; i < t->n; i++)
		free(t->key[i]);
	t->n = 0;
}

static int open_sink(const char *path, char *err, size_t errlen)
{
	/* 0640: records name hosts and certificates; not for every local user. */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);

	if (fd < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return fd;
}

/* The one file, stdout or unix: output of em. */
static int primary_new(struct emitter *em, const char *path, char *err, size_t errlen)
{
	int fd;

	if (path && strncmp(path, "unix:", 5) == 0) {
		em->sock = socksink_new(path + 5, err, errlen);
		return em->sock ? 0 : -1;
	}
	if (!path || strcmp(path, "-") == 0) {
		fd = STDOUT_FILENO;
	} else {
		em->path = strdup(path);
		if (!em->path) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if ((fd = open_sink(path, err, errlen)) < 0)
			return -1;
	}
	em->out = of_new(fd);
	if (!em->out) {
		snprintf(err, errlen, "cannot start the output thread");
		if (fd != STDOUT_FILENO)
			close(fd);
		return -1;
	}
	return 0;
}

struct emitter *emitter_new(const char *const *outs, unsigned nouts,
			    const struct tt_config *cfg, char *err, size_t errlen)
{
	struct emitter *em = calloc(1, sizeof *em);
	const char *primary = NULL;
	bool have_primary = nouts == 0;   /* none named: stdout */

	if (!em) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&em->lock, NULL);
	em->pretty = cfg->pretty;
	if (gethostname(em->hostname, sizeof em->hostname - 1) != 0)
		em->hostname[0] = '\0';
	if (!emit_env_build(&em->env, cfg, em->hostname)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < nouts; i++) {
		if (netsink_is_spec(outs[i])) {
			if (em->nnet == EMIT_SINKS_MAX) {
				snprintf(err, errlen, "at most %d network sinks", EMIT_SINKS_MAX);
				goto fail;
			}
			if (!(em->net[em->nnet] = netsink_new(outs[i], err, errlen)))
				goto fail;
			em->nnet++;
			continue;
		}
		if (have_primary && nouts) {
			snprintf(err, errlen, "at most one file, \"-\" or unix: output (%s)", outs[i]);
			goto fail;
		}
		have_primary = true;
		primary = outs[i];
	}
	if (have_primary && primary_new(em, primary, err, errlen) != 0)
		goto fail;
	if (em->sock)
		em->pretty = 0;   /* collectors read one record per line */
	return em;
fail:
	for (unsigned i = 0; i < em->nnet; i++)
		netsink_free(em->net[i]);
	if (em->sock)
		socksink_free(em->sock, &(uint64_t){ 0 });
	free(em->path);
	emit_env_free(&em->env);
	pthread_mutex_destroy(&em->lock);
	free(em);
	return NULL;
}

void emitter_budget(struct emitter *em, uint64_t memcap)
{
	unsigned n = em->nnet + (em->sock ? 1u : 0u);
	uint64_t share = n ? memcap / 16 / n : 0;
	size_t cap = share > SIZE_MAX ? SIZE_MAX : (size_t)share;

	for (unsigned i = 0; i < em->nnet; i++)
		netsink_limit(em->net[i], cap);
	if (em->sock)
		socksink_limit(em->sock, cap);
}

uint64_t emitter_bytes(struct emitter *em)
{
	uint64_t n = mem_block(em);

	pthread_mutex_lock(&em->lock);
	n += jw_bytes(&em->w) + jw_bytes(&em->xw) + x509_seen_bytes(em->seen) +
	     emit_env_bytes(&em->env);
	if (em->out)
		n += of_bytes(em->out);
	if (em->sock)
		n += socksink_bytes(em->sock);
	for (unsigned i = 0; i < em->nnet; i++)
		n += netsink_bytes(em->net[i]);
	pthread_mutex_unlock(&em->lock);
	return n;
}

/* The output thread's first failed write, reported once. */
static void report_write_error(struct emitter *em)
{
	int e = em->out ? of_error(em->out) : 0;

	/* A reader that went away (`tlstap ... | head`) ends the run quietly,
	 * as tcpdump does: not a failure. */
	if (e == EPIPE && !em->path) {
		em->pipe_closed = true;
		return;
	}
	if (e && !em->failed)
		fprintf(stderr, "tlstap: %s: write failed: %s\n",
			em->path ? em->path : "stdout", strerror(e));
	if (e)
		em->failed = 1;
}

bool emitter_gone(struct emitter *em)
{
	bool gone;

	/* Asked every few thousand packets by the capture thread, while the
	 * render thread holds the lock for each record it writes (and waits
	 * there when the writer is behind).  The error is sticky, so while
	 * there is none the answer needs no lock. */
	if (em->sock || !em->out || !of_error(em->out))
		return false;
	pthread_mutex_lock(&em->lock);
	report_write_error(em);
	gone = em->pipe_closed;
	pthread_mutex_unlock(&em->lock);
	return gone;
}

void emitter_patient(struct emitter *em)
{
	if (em->sock)
		socksink_patient(em->sock);
	for (unsigned i = 0; i < em->nnet; i++)
		netsink_patient(em->net[i]);
}

void emitter_flush(struct emitter *em)
{
	if (!em->out)
		return;   /* sockets send as records are written */
	pthread_mutex_lock(&em->lock);
	of_flush(em->out);
	report_write_error(em);
	pthread_mutex_unlock(&em->lock);
}

void emitter_check_reopen(struct emitter *em)
{
	char *dir, *slash;

	if (!em->path || !(dir = strdup(em->path)))
		return;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) != 0)
		fprintf(stderr, "tlstap: warning: %s: this user cannot create files in %s, so the "
			"reopen after rotation (SIGHUP) will fail and records go on into the moved "
			"file; make the directory writable by the user of -Z\n", em->path, dir);
	free(dir);
}

void emitter_reopen(struct emitter *em)
{
	char err[256];
	int fd;

	if (!em->path || em->sock)
		return;
	fd = open_sink(em->path, err, sizeof err);
	if (fd < 0) {
		fprintf(stderr, "tlstap: reopen failed, keeping the old file: %s\n", err);
		return;
	}
	pthread_mutex_lock(&em->lock);
	of_replace(em->out, fd);
	report_write_error(em);
	pthread_mutex_unlock(&em->lock);
}

int emitter_free(struct emitter *em, uint64_t *dropped)
{
	int rc;

	if (!em)
		return 0;
	for (unsigned i = 0; i < em->nnet; i++)
		*dropped += netsink_free(em->net[i]);
	if (em->sock) {
		socksink_free(em->sock, dropped);
	} else if (em->out) {
		of_flush(em->out);
		report_write_error(em);
		if (of_free(em->out) != 0 && !em->failed && !em->pipe_closed) {
			fprintf(stderr, "tlstap: %s: write failed\n", em->path ? em->path : "stdout");
			em->failed = 1;
		}
		em->out = NULL;
	}
	rc = em->failed ? -1 : 0;
	tally_free(&em->versions);
	tally_free(&em->outcomes);
	tally_free(&em->ciphers);
	tally_free(&em->anomalies);
	jw_free(&em->w);
	jw_free(&em->xw);
	free(em->seen);
	emit_env_free(&em->env);
	pthread_mutex_destroy(&em->lock);
	free(em->path);
	free(em);
	return rc;
}

void emitter_hooks(struct emitter *em, const struct emit_hooks *h)
{
	em->hooks = *h;
	em->hooked = h->render != NULL;
	for (int i = 0; i < EMIT_TAPS; i++)
		em->hooked |= h->tap[i] != NULL;
}

/* The hooks see the record; the bytes for the sink are the rendering when
 * a view renders.  Returns whether there is anything to write. */
static bool run_hooks(struct emitter *em, const char **s, size_t *n)
{
	for (int i = 0; i < EMIT_TAPS; i++)
		if (em->hooks.tap[i])
			em->hooks.tap[i](em->hooks.tap_arg[i], *s, *n);
	if (em->hooks.render)
		*n = em->hooks.render(em->hooks.render_arg, *s, *n, s);
	return *n > 0;
}

/* Write the record in w as one line (or indented, with --pretty); the
 * caller holds em->lock. */
static void write_record(struct tt_ctx *ctx, struct jw *w)
{
	struct emitter *em = ctx->em;
	char *pretty = NULL;
	const char *s;
	size_t n;

	if (w->oom) {
		ctx->st.records_dropped++;
		return;
	}
	/* Network sinks get the compact line; each counts its own drops. */
	for (unsigned i = 0; i < em->nnet; i++)
		netsink_put(em->net[i], w->p, w->len);
	if (!em->out && !em->sock) {
		ctx->st.records_written++;
		return;
	}
	s = w->p;
	n = w->len;
	if (em->hooked && !run_hooks(em, &s, &n))
		return;
	if (em->pretty && !em->hooks.render) {
		/* For people only: parse our own line back and indent it. */
		json_t *v = json_loadb(w->p, w->len, JSON_ALLOW_NUL, NULL);
		pretty = v ? json_dumps(v, JSON_INDENT(2)) : NULL;
		json_decref(v);
		if (!pretty) {
			ctx->st.records_dropped++;
			return;
		}
		s = pretty;
		n = strlen(pretty);
	}
	if (em->sock) {
		if (socksink_put(em->sock, s, n, &ctx->st.records_dropped))
			ctx->st.records_written++;
		else
			ctx->st.records_dropped++;
	} else if (of_write(em->out, s, n) != 0 || of_write(em->out, "\n", 1) != 0) {
		report_write_error(em);
		ctx->st.records_dropped++;
	} else {
		ctx->st.records_written++;
	}
	free(pretty);
}

/* The address as text: dotted quad, or RFC 5952 for IPv6. */
static void ip_text(uint8_t af, const uint8_t *a, char buf[64])
{
	if (af == 4) {
		/* By hand: snprintf was a tenth of a record's cost. */
		char *o = buf;
		for (int i = 0; i < 4; i++) {
			unsigned v = a[i];
			if (i)
				*o++ = '.';
			if (v >= 100)
				*o++ = (char)('0' + v / 100);
			if (v >= 10)
				*o++ = (char)('0' + v / 10 % 10);
			*o++ = (char)('0' + v % 10);
		}
		*o = '\0';
	} else {
		/* RFC 5952: lowercase, longest zero run (>= 2 groups) as "::". */
		uint16_t g[8];
		int best = -1, bestlen = 0, cur = -1, curlen = 0;
		size_t o = 0;

		for (int i = 0; i < 8; i++) {
			g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
			if (g[i] == 0) {
				if (cur < 0) {
					cur = i;
					curlen = 0;
				}
				if (++curlen > bestlen) {
					best = cur;
					bestlen = curlen;
				}
			} else
				cur = -1;
		}
		if (bestlen < 2)
			best = -1;
		/* IPv4-mapped addresses keep the dotted quad. */
		if (best == 0 && bestlen == 5 && g[5] == 0xffff) {
			snprintf(buf, 64, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
			return;
		}
		for (int i = 0; i < 8; i++) {
			if (i == best) {
				o += (size_t)snprintf(buf + o, 64 - o, "::");
				i += bestlen - 1;
				continue;
			}
			if (o && buf[o - 1] != ':')
				buf[o++] = ':';
			o += (size_t)snprintf(buf + o, 64 - o, "%x", g[i]);
		}
		buf[o] = '\0';
	}
}

/* A new record in w: the root object, @timestamp, and the event object,
 * left open for the caller's members. */
static void record_open(struct jw *w, uint64_t ts_ns, const char *kind, const char *dataset)
{
	jw_reset(w);
	jw_open(w, NULL, '{');
	jw_time_us(w, "@timestamp", ts_ns);
	jw_open(w, "event", '{');
	jw_name(w, "kind", kind);
	jw_name(w, "dataset", dataset);
}

/* record_open, then event.category ["network"], event.type ["info"], the
 * event object closed: a record that is no connection (stats, x509). */
static void info_record_open(struct jw *w, uint64_t ts_ns, const char *kind,
			     const char *dataset)
{
	record_open(w, ts_ns, kind, dataset);
	jw_open(w, "category", '[');
	jw_name(w, NULL, "network");
	jw_close(w, true);
	jw_open(w, "type", '[');
	jw_name(w, NULL, "info");
	jw_close(w, true);
	jw_close(w, true);
}

/* ECS event.outcome of a session: did the TLS handshake succeed? */
static const char *ecs_outcome(const char *outcome)
{
	if (!outcome || strcmp(outcome, "not_tls") == 0 || strcmp(outcome, "incomplete") == 0 ||
	    strcmp(outcome, "encrypted") == 0)
		return "unknown";
	return strcmp(outcome, "established") == 0 ? "success" : "failure";
}

/* source / destination; bytes and packets only when they are the
 * connection's totals (ECS's meaning). */
static void endpoint(struct jw *w, const char *name, const struct flow_info *fi, int side)
{
	char ip[64];

	ip_text(fi->ep->af, fi->ep->addr[side], ip);
	jw_open(w, name, '{');
	jw_name(w, "ip", ip);
	jw_uint(w, "port", fi->ep->port[side]);
	if (fi->at_end) {
		jw_uint(w, "bytes", fi->ct->bytes[side]);
		jw_uint(w, "packets", fi->ct->pkts[side]);
	}
	jw_close(w, true);
}

/* tlstap.handshake: what was counted from the first packet up to the
 * record, written when the handshake's outcome was decided (or the flow
 * ended first): every record has it, whether or not it has ECS totals. */
static void handshake_counts(struct jw *w, const struct flow_info *fi, int client)
{
	const struct flow_counters *ct = fi->ct;

	jw_open(w, "handshake", '{');
	jw_uint(w, "client_bytes", ct->bytes[client]);
	jw_uint(w, "client_packets", ct->pkts[client]);
	jw_uint(w, "server_bytes", ct->bytes[!client]);
	jw_uint(w, "server_packets", ct->pkts[!client]);
	jw_time_us(w, "end", ct->last_ns);
	jw_uint(w, "duration", ct->last_ns >= ct->first_ns ? ct->last_ns - ct->first_ns : 0);
	jw_close(w, true);
}

static void tally_record(struct emitter *em, const struct rec_tally *t)
{
	tally_add(&em->versions, t->version ? t->version : "(no server hello)");
	if (t->outcome)
		tally_add(&em->outcomes, t->outcome);
	if (t->cipher)
		tally_add(&em->ciphers, t->cipher);
	for (unsigned i = 0; i < t->anom.n; i++)
		tally_add(&em->anomalies, t->anom.code[i]);
	if (t->anom.dropped)
		tally_add(&em->anomalies, "anomalies_truncated");
	if (t->findings) {
		em->fnd_sessions++;
		if (t->worst >= 0 && t->worst < FND_SEV_COUNT)
			em->fnd_worst[t->worst]++;
		for (unsigned c = 0; c < FND_COUNT; c++)
			if (t->findings & (1ull << c))
				em->fnd_code[c]++;
	}
}

/* The flow's source (NULL when unknown); its log.file.path is serialised
 * once per source (sources.c). */
static const struct source *source_fields(struct jw *w, struct tt_ctx *ctx, uint32_t id,
					  struct source *src)
{
	if (!ctx->sources || sources_get(ctx->sources, id, src) != 0)
		return NULL;
	jw_splice(w, src->members, src->members_len, src->members_count);
	return src;
}

/* The tlstap.x509 records of the certificates the session record in the
 * making refers to and no earlier record carried, stamped ts_ns (the
 * session's); the caller holds em->lock. */
static void x509_records(struct tt_ctx *ctx, uint64_t ts_ns)
{
	struct emitter *em = ctx->em;
	struct jw *w = &em->xw;

	for (unsigned r = 0; r < ctx->n_x509_refs; r++)
		for (size_t i = 0; i < ctx->x509_refs[r].n; i++) {
			struct x509_cert *c = ctx->x509_refs[r].chain[i];
			if (!c || !c->emit_json || x509_seen_add(&em->seen, c->sha256) != 1)
				continue;
			info_record_open(w, ts_ns, "event", "tlstap.x509");
			jw_raw(w, "x509", c->emit_json, c->emit_json_len);
			emit_env_write(&ctx->em->env, w, &ctx->cfg, NULL);
			jw_close(w, true);
			write_record(ctx, w);
			x509_seen_written(em->seen);
		}
	ctx->n_x509_refs = 0;
}

void emit_session(struct tt_ctx *ctx, const struct flow_info *fi)
{
	struct jw *w = ctx->w ? ctx->w : &ctx->em->w;
	struct rec_tally t = { 0 };
	struct source srcbuf;
	const struct source *src;
	int client, server;
	uint64_t first = fi->ct->first_ns, last = fi->ct->last_ns;
	bool udp = fi->ep->proto == 17;

	client = fi->client;
	server = !client;

	record_open(w, first, "event", "tlstap.session");
	jw_open(w, "category", '[');
	jw_name(w, NULL, "network");
	jw_close(w, true);
	jw_open(w, "type", '[');
	jw_name(w, NULL, "connection");
	jw_name(w, NULL, "protocol");
	jw_close(w, true);
	jw_name(w, "outcome", ecs_outcome(fi->verdict ? fi->verdict->outcome : NULL));
	jw_time_us(w, "start", first);
	if (fi->at_end) {
		jw_time_us(w, "end", last);
		jw_uint(w, "duration", last >= first ? last - first : 0);
	}
	jw_close(w, true);
	endpoint(w, "source", fi, client);
	endpoint(w, "destination", fi, server);
	jw_open(w, "network", '{');
	jw_name(w, "transport", udp ? "udp" : "tcp");
	jw_name(w, "type", fi->ep->af == 4 ? "ipv4" : "ipv6");
	jw_name(w, "iana_number", udp ? "17" : "6");
	jw_name(w, "community_id", fi->community_id);
	if (fi->at_end) {
		jw_uint(w, "bytes", fi->ct->bytes[0] + fi->ct->bytes[1]);
		jw_uint(w, "packets", fi->ct->pkts[0] + fi->ct->pkts[1]);
	}
	if (fi->ep->has_vlan) {
		char vid[24];
		jw_open(w, "vlan", '{');
		jw_strn(w, "id", vid, jw_utoa(fi->ep->vlan, vid));
		jw_close(w, true);
	}
	jw_close(w, true);
	/* tlstap's own facts about how the session travelled; dropped when
	 * empty.  Other writers of tlstap.* join emit_encap here. */
	jw_open(w, "tlstap", '{');
	handshake_counts(w, fi, client);
	emit_encap(w, fi, client);
	jw_close(w, true);
	src = source_fields(w, ctx, fi->ct->source, &srcbuf);
	ctx->n_x509_refs = 0;
	if (fi->sess && fi->verdict)
		session_emit(w, fi->sess, fi->verdict, ctx, &t);
	emit_env_write(&ctx->em->env, w, &ctx->cfg, src);
	jw_close(w, true);
	pthread_mutex_lock(&ctx->em->lock);
	tally_record(ctx->em, &t);
	if (ctx->n_x509_refs)
		x509_records(ctx, first);
	write_record(ctx, w);
	pthread_mutex_unlock(&ctx->em->lock);
}

void emit_flow_record(struct tt_ctx *ctx, struct flow_info *fi, int client)
{
	const struct flow_endpoints *ep = fi->ep;
	struct verdict v;

	fi->verdict = NULL;
	if (fi->sess) {
		verdict_build(fi->sess, ctx, client, fi->ct->first_ns, &v);
		fi->verdict = &v;
	}
	fi->client = fi->verdict ? v.client : fi->syn_side >= 0 ? fi->syn_side : 0;
	fp_community_id(ep->af, ep->addr[fi->client], ep->addr[!fi->client], ep->port[fi->client],
			ep->port[!fi->client], ep->proto == 17 ? 17 : 6, ctx->cfg.community_id_seed,
			fi->community_id);
	emit_session(ctx, fi);
	if (fi->verdict)
		verdict_free(&v);
	fi->verdict = NULL;
}

void emit_json_text(struct tt_ctx *ctx, const char *json, size_t n)
{
	struct jw *w = &ctx->em->w;

	pthread_mutex_lock(&ctx->em->lock);
	jw_reset(w);
	jw_raw(w, NULL, json, n);
	write_record(ctx, w);
	pthread_mutex_unlock(&ctx->em->lock);
}

static void tally_json(struct jw *w, const char *key, const struct tally *t)
{
	jw_open(w, key, '{');
	for (unsigned i = 0; i < t->n; i++)
		jw_uint(w, t->key[i], t->count[i]);
	if (t->other)
		jw_uint(w, "(other)", t->other);
	jw_close(w, true);
}

/* The counters of tlstap.stats: the object they go in (NULL: top level),
 * their name, and where they live in struct tt_stats.  One line a counter. */
#define STAT(group, name, field) { group, name, offsetof(struct tt_stats, field) }
static const struct stat_field {
	const char *group, *name;
	size_t off;
} stat_fields[] = {
	STAT(NULL, "packets", packets),
	STAT(NULL, "bytes", bytes),
	STAT(NULL, "truncated_packets", truncated),
	STAT(NULL, "time_jumps", time_jumps),
	STAT("decode_errors", "link", err_link),
	STAT("decode_errors", "ipv4", err_ip),
	STAT("decode_errors", "ipv6", err_ipv6),
	STAT("decode_errors", "tcp", err_tcp),
	STAT("decode_errors", "tunnel", err_tunnel),
	STAT("decode_errors", "other", err_other),
	STAT(NULL, "non_ip", non_ip),
	STAT(NULL, "non_tcp", non_tcp),
	STAT("encapsulation", "packets", encap_packets),
	STAT("encapsulation", "depth_exceeded", encap_depth),
	STAT("encapsulation", "not_decoded", encap_skipped),
	STAT("bad_checksums", "ipv4_header", bad_checksum_ip),
	STAT("bad_checksums", "tcp", bad_checksum_tcp),
	STAT("fragments", "datagrams", frag_datagrams),
	STAT("fragments", "reassembled", frag_reassembled),
	STAT("fragments", "timed_out", frag_timeouts),
	STAT("fragments", "dropped", frag_dropped),
	STAT("fragments", "overlaps", frag_overlaps),
	STAT("flows", "created", flows_created),
	STAT("flows", "evicted", flows_evicted),
	STAT("flows", "timed_out", flows_timed_out),
	STAT("flows", "evicted_memcap", flows_evicted_memcap),
	STAT("flows", "reused", flows_reused),
	STAT("flows", "active", flows_active),
	STAT("reassembly", "gaps", reasm_gaps),
	STAT("reassembly", "gap_bytes", reasm_gap_bytes),
	STAT("reassembly", "memcap_hits", reasm_memcap_hits),
	STAT("reassembly", "dir_limit_hits", reasm_dir_limit_hits),
	STAT("reassembly", "overlap_conflicts", reasm_overlap_conflicts),
	STAT("reassembly", "shed", reasm_shed),
	STAT("endpoint", "dropped", tcp_dropped),
	STAT("endpoint", "held", tcp_held),
	STAT("endpoint", "rst_ignored", tcp_rst_ignored),
	STAT("endpoint", "urgent", tcp_urgent),
	STAT("sessions", "tls", sessions),
	STAT("sessions", "not_tls", sessions_not_tls),
	STAT("sessions", "established", outcome[TLS_OUT_ESTABLISHED]),
	STAT("sessions", "alert", outcome[TLS_OUT_ALERT]),
	STAT("sessions", "reset", outcome[TLS_OUT_RESET]),
	STAT("sessions", "closed", outcome[TLS_OUT_CLOSED]),
	STAT("sessions", "incomplete", outcome[TLS_OUT_INCOMPLETE]),
	STAT("sessions", "no_server_response", outcome[TLS_OUT_NO_SERVER_RESPONSE]),
	STAT("sessions", "malformed", outcome[TLS_OUT_MALFORMED]),
	STAT("sessions", "midstream", outcome[TLS_OUT_MIDSTREAM]),
	STAT("certificates", "parsed", certs_parsed),
	STAT("certificates", "cache_hits", certs_cache_hits),
	STAT("certificates", "failed", certs_failed),
	STAT("certificates", "validations", certs_validations),
	STAT("certificates", "validation_hits", certs_validation_hits),
	STAT("records", "written", records_written),
	STAT("records", "dropped", records_dropped),
};

/* tlstap.stats.findings: sessions with any finding, by their most severe
 * one (each session once), and per code (codes no session had left out). */
static void findings_json(struct jw *w, const struct emitter *em)
{
	jw_open(w, "findings", '{');
	jw_uint(w, "sessions", em->fnd_sessions);
	jw_open(w, "by_severity", '{');
	for (unsigned s = FND_SEV_COUNT; s-- > 0;)
		jw_uint(w, fnd_severity_name(s), em->fnd_worst[s]);
	jw_close(w, true);
	jw_open(w, "by_code", '{');
	for (unsigned c = 0; c < FND_COUNT; c++)
		if (em->fnd_code[c])
			jw_uint(w, fnd_code_name(c), em->fnd_code[c]);
	jw_close(w, true);
	jw_close(w, true);
}

static uint64_t timeval_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

/* CPU time so far: the process's (every thread, user and system) and the
 * calling thread's, the one that reads the capture (emit_stats runs
 * there).  Beside the wall clock, whether the reading thread is the one
 * that sets the pace (README "Performance"). */
static void cpu_json(struct jw *w)
{
	struct rusage ru;
	uint64_t thread_ns;
	bool thread_clock;

	/* the thread's clock first: then it is never ahead of the process's */
	thread_clock = clock_ns(CLOCK_THREAD_CPUTIME_ID, &thread_ns);
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return;
	jw_open(w, "cpu", '{');
	jw_uint(w, "user_ns", timeval_ns(ru.ru_utime));
	jw_uint(w, "system_ns", timeval_ns(ru.ru_stime));
	if (thread_clock)
		jw_uint(w, "main_thread_ns", thread_ns);
	jw_close(w, true);
}

/* The process's peak resident memory (VmHWM: this address space only, so a
 * parent's size before exec does not count, unlike ru_maxrss); 0 if
 * /proc is not there. */
static uint64_t peak_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb * 1024u;
}

/* tlstap.stats.sinks: what each network sink has sent and dropped so far. */
static void sinks_json(struct jw *w, struct emitter *em)
{
	if (!em->nnet)
		return;
	jw_open(w, "sinks", '[');
	for (unsigned i = 0; i < em->nnet; i++) {
		uint64_t sent, dropped;
		netsink_counts(em->net[i], &sent, &dropped);
		jw_open(w, NULL, '{');
		jw_str(w, "name", netsink_name(em->net[i]));
		jw_uint(w, "sent", sent);
		jw_uint(w, "dropped", dropped);
		jw_close(w, true);
	}
	jw_close(w, true);
}

void emit_stats(struct tt_ctx *ctx, uint64_t ts_ns, bool final)
{
	const struct tt_stats *st = &ctx->st;
	struct jw *w = &ctx->em->w;
	const char *group = NULL;
	uint64_t rss;

	pthread_mutex_lock(&ctx->em->lock);
	info_record_open(w, ts_ns, "metric", "tlstap.stats");
	jw_open(w, "tlstap", '{');
	jw_open(w, "stats", '{');
	jw_bool(w, "final", final);
	/* A group's counters are adjacent in the table: one object each. */
	for (size_t i = 0; i < sizeof stat_fields / sizeof *stat_fields; i++) {
		const struct stat_field *f = &stat_fields[i];
		uint64_t v;
		if (f->group != group) {
			if (group)
				jw_close(w, true);
			if (f->group)
				jw_open(w, f->group, '{');
			group = f->group;
		}
		memcpy(&v, (const char *)st + f->off, sizeof v);
		jw_uint(w, f->name, v);
	}
	if (group)
		jw_close(w, true);
	sinks_json(w, ctx->em);
	if (ctx->cfg.certs == CERTS_ONCE) {
		uint64_t written, resets;
		x509_seen_counts(ctx->em->seen, &written, &resets);
		jw_open(w, "x509_records", '{');
		jw_uint(w, "written", written);
		jw_uint(w, "seen_set_resets", resets);
		jw_close(w, true);
	}
	tally_json(w, "anomalies", &ctx->em->anomalies);
	rss = peak_rss_bytes();
	findings_json(w, ctx->em);
	if (rss)
		jw_uint(w, "peak_rss_bytes", rss);
	cpu_json(w);
	mem_json(w, st);
	if (ctx->keylog) {
		jw_open(w, "decryption", '{');
		jw_uint(w, "keylog_lines", st->keylog_lines);
		jw_uint(w, "keylog_secrets", st->keylog_secrets);
		jw_uint(w, "keylog_bad_lines", st->keylog_bad_lines);
		jw_uint(w, "sessions_with_key", st->dec_sessions);
		jw_uint(w, "records_opened", st->dec_records);
		jw_uint(w, "failed", st->dec_failed);
		jw_uint(w, "unsupported_cipher", st->dec_unsupported);
		jw_uint(w, "missing_secret", st->dec_missing_secret);
		jw_close(w, true);
	}
	if (ctx->cfg.ingress_iface || st->pcap_recv || st->pcap_drop || st->pcap_ifdrop) {
		jw_open(w, "pcap", '{');
		jw_uint(w, "received", st->pcap_recv);
		jw_uint(w, "dropped", st->pcap_drop);
		jw_uint(w, "if_dropped", st->pcap_ifdrop);
		jw_close(w, true);
	}
	jw_close(w, true);
	jw_close(w, true);
	emit_env_write(&ctx->em->env, w, &ctx->cfg, NULL);
	jw_close(w, true);
	write_record(ctx, w);
	pthread_mutex_unlock(&ctx->em->lock);
}

/* The tally's indices sorted by descending count. */
static void order(const struct tally *t, unsigned *idx)
{
	for (unsigned i = 0; i < t->n; i++)
		idx[i] = i;
	for (unsigned i = 1; i < t->n; i++)
		for (unsigned j = i; j > 0 && t->count[idx[j]] > t->count[idx[j - 1]]; j--) {
			unsigned k = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = k;
		}
}

static void summary_line(FILE *out, const char *title, const struct tally *t, unsigned top)
{
	unsigned idx[TALLY_MAX];

	if (!t->n)
		return;
	order(t, idx);
	fprintf(out, "  %s:\n", title);
	for (unsigned i = 0; i < t->n && i < top; i++)
		fprintf(out, "    %8llu  %s\n", (unsigned long long)t->count[idx[i]], t->key[idx[i]]);
	if (t->n > top)
		fprintf(out, "    (%u more)\n", t->n - top);
}

/* Findings first: how many sessions are weak, how badly, and why. */
static void summary_findings(FILE *out, const struct emitter *em)
{
	unsigned idx[FND_COUNT], n = 0;

	if (!em->fnd_sessions) {
		fprintf(out, "  findings: none\n");
		return;
	}
	fprintf(out, "  findings: %llu sessions (most severe: %llu high, %llu medium, %llu low, "
		"%llu info)\n", (unsigned long long)em->fnd_sessions,
		(unsigned long long)em->fnd_worst[FND_HIGH],
		(unsigned long long)em->fnd_worst[FND_MEDIUM],
		(unsigned long long)em->fnd_worst[FND_LOW],
		(unsigned long long)em->fnd_worst[FND_INFO]);
	for (unsigned c = 0; c < FND_COUNT; c++)
		if (em->fnd_code[c])
			idx[n++] = c;
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && em->fnd_code[idx[j]] > em->fnd_code[idx[j - 1]]; j--) {
			unsigned k = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = k;
		}
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "    %8llu  %s\n", (unsigned long long)em->fnd_code[idx[i]],
			fnd_code_name(idx[i]));
}

void emit_summary(struct tt_ctx *ctx, FILE *out)

{
	const struct tt_stats *st = &ctx->st;

	fprintf(out, "tlstap: %llu packets, %llu TLS sessions, %llu TCP connections not TLS\n",
		(unsigned long long)st->packets, (unsigned long long)st->sessions,
		(unsigned long long)st->sessions_not_tls);
	summary_line(out, "versions", &ctx->em->versions, 10);
	summary_findings(out, ctx->em);
	summary_line(out, "outcomes", &ctx->em->outcomes, 10);
	summary_line(out, "top ciphers", &ctx->em->ciphers, 5);
	summary_line(out, "anomalies", &ctx->em->anomalies, 20);
	if (st->truncated || st->bad_checksum_ip || st->bad_checksum_tcp)
		fprintf(out, "  %llu truncated packets, %llu bad IPv4 / %llu bad TCP checksums "
			"(decoded anyway)\n", (unsigned long long)st->truncated,
			(unsigned long long)st->bad_checksum_ip,
			(unsigned long long)st->bad_checksum_tcp);
}
