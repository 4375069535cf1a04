/*
 * emit.c - NDJSON records: the envelope of a session record, the stats
 * record, framing and the output sink.
 *
 * Framing: every record is one JSON object on one line (jansson escapes every
 * control character inside strings, and wire strings go through
 * ju_wire_str), written whole with a single buffered write.  Output is
 * block-buffered for files and pipes; live capture flushes after each
 * capture batch (emitter_flush) so records appear within a second.
 *
 * The emitter also keeps the small aggregates behind the end-of-run summary
 * and the anomaly counts of tlstap.stats, read back from the records it
 * wrote, so that no other module has to know about them.
 */
#include "emit.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../parsers/fp.h"
#include "jsonutil.h"
#include "session.h"

#define EMIT_BUF (1u << 20)
#define TALLY_MAX 64

struct tally {
	char *key[TALLY_MAX];
	uint64_t count[TALLY_MAX];
	unsigned n;
	uint64_t other;       /* keys beyond TALLY_MAX */
};

/*
 * A Unix stream socket sink ("-o unix:/run/collector.sock") never blocks the
 * capture: records are queued in a bounded buffer and sent with
 * non-blocking writes; while the collector is away the queue fills, and
 * records that do not fit are dropped and counted (records.dropped).  A lost
 * connection is retried at most once a second.  A record cut by a lost
 * connection is not resent half on the new one: the queue restarts at the
 * next whole record, so the collector always reads whole lines.
 */
#define SOCK_QUEUE (4u << 20)
#define SOCK_RETRY_NS 1000000000ull

struct sock_sink {
	int fd;                /* -1 while disconnected */
	struct sockaddr_un addr;
	char *q;               /* queued bytes: whole records, q[0..len) */
	size_t len, sent;      /* sent: bytes of q[0..] already written */
	uint64_t next_try;     /* monotonic ns of the next connect attempt */
	int warned;
};

/* A growable output buffer, reused for every record. */
struct obuf {
	char *p;
	size_t len, cap;
	int oom;
};

struct emitter {
	struct obuf ob;
	FILE *fp;              /* file or stdout; NULL for a socket sink */
	struct sock_sink *sock;
	char *path;           /* NULL for stdout */
	int pretty;
	int failed;           /* a write failed: reported once */
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

static FILE *open_sink(const char *path, char *err, size_t errlen)
{
	int fd;
	FILE *fp;

	/* 0640: records name hosts and certificates; not for every local user. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fp = fdopen(fd, "a");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	setvbuf(fp, NULL, _IOFBF, EMIT_BUF);
	return fp;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sock_connect(struct sock_sink *k)
{
	uint64_t now = mono_ns();
	int fd;

	if (k->fd >= 0 || now < k->next_try)
		return;
	k->next_try = now + SOCK_RETRY_NS;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (const struct sockaddr *)&k->addr, sizeof k->addr) != 0) {
		if (!k->warned)
			fprintf(stderr, "tlstap: %s: cannot connect (%s); queueing, retrying "
				"every second\n", k->addr.sun_path, strerror(errno));
		k->warned = 1;
		close(fd);
		return;
	}
	if (k->warned)
		fprintf(stderr, "tlstap: %s: connected\n", k->addr.sun_path);
	k->warned = 0;
	k->fd = fd;
}

/* Drop the connection; a half-sent record is discarded, not resent. */
static void sock_lost(struct sock_sink *k, uint64_t *dropped)
{
	if (k->sent) {
		char *nl = memchr(k->q + k->sent, '\n', k->len - k->sent);
		size_t cut = nl ? (size_t)(nl - k->q) + 1 : k->len;
		if (nl && (size_t)(nl - k->q) + 1 > k->sent)
			(*dropped)++;
		memmove(k->q, k->q + cut, k->len - cut);
		k->len -= cut;
		k->sent = 0;
	}
	close(k->fd);
	k->fd = -1;
	fprintf(stderr, "tlstap: %s: connection lost; queueing\n", k->addr.sun_path);
	k->warned = 1;
}

static void sock_pump(struct sock_sink *k, uint64_t *dropped)
{
	sock_connect(k);
	while (k->fd >= 0 && k->sent < k->len) {
		ssize_t w = send(k->fd, k->q + k->sent, k->len - k->sent,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w > 0) {
			k->sent += (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			break;
		sock_lost(k, dropped);
	}
	if (k->sent == k->len) {
		k->len = 0;
		k->sent = 0;
	} else if (k->sent > SOCK_QUEUE / 2) {
		memmove(k->q, k->q + k->sent, k->len - k->sent);
		k->len -= k->sent;
		k->sent = 0;
	}
}

static struct sock_sink *sock_new(const char *path, char *err, size_t errlen)
{
	struct sock_sink *k = calloc(1, sizeof *k);

	if (!k || !(k->q = malloc(SOCK_QUEUE))) {
		free(k);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strlen(path) >= sizeof k->addr.sun_path) {
		snprintf(err, errlen, "unix:%s: socket path too long", path);
		free(k->q);
		free(k);
		return NULL;
	}
	k->fd = -1;
	k->addr.sun_family = AF_UNIX;
	memcpy(k->addr.sun_path, path, strlen(path) + 1);
	sock_connect(k);
	return k;
}

static void sock_free(struct sock_sink *k, uint64_t *dropped)
{
	uint64_t lost = 0;

	/* A last chance for what is queued, without blocking. */
	sock_pump(k, dropped);
	for (size_t i = k->sent; i < k->len; i++)
		lost += k->q[i] == '\n';
	if (lost)
		fprintf(stderr, "tlstap: %s: %llu records could not be delivered\n",
			k->addr.sun_path, (unsigned long long)lost);
	*dropped += lost;
	if (k->fd >= 0)
		close(k->fd);
	free(k->q);
	free(k);
}

struct emitter *emitter_new(const char *path, bool pretty, char *err, size_t errlen)
{
	struct emitter *em = calloc(1, sizeof *em);

	if (!em) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	em->pretty = pretty;
	if (path && strncmp(path, "unix:", 5) == 0) {
		em->sock = sock_new(path + 5, err, errlen);
		if (!em->sock) {
			free(em);
			return NULL;
		}
		em->pretty = 0;   /* collectors read one record per line */
		return em;
	}
	if (!path || strcmp(path, "-") == 0) {
		em->fp = stdout;
		setvbuf(stdout, NULL, _IOFBF, EMIT_BUF);
	} else {
		em->path = strdup(path);
		if (!em->path || !(em->fp = open_sink(path, err, errlen))) {
			free(em->path);
			free(em);
			return NULL;
		}
	}
	return em;
}

static void report_write_error(struct emitter *em)
{
	if (!em->failed)
		fprintf(stderr, "tlstap: %s: write failed: %s\n",
			em->path ? em->path : "stdout", strerror(errno));
	em->failed = 1;
}

void emitter_flush(struct emitter *em)
{
	if (em->sock)
		return;   /* sends happen as records are written */
	if (fflush(em->fp) != 0)
		report_write_error(em);
}

void emitter_reopen(struct emitter *em)
{
	char err[256];
	FILE *fp;

	if (!em->path || em->sock)
		return;
	fp = open_sink(em->path, err, sizeof err);
	if (!fp) {
		fprintf(stderr, "tlstap: reopen failed, keeping the old file: %s\n", err);
		return;
	}
	if (fclose(em->fp) != 0)
		report_write_error(em);
	em->fp = fp;
}

int emitter_free(struct emitter *em, uint64_t *dropped)
{
	int rc;

	if (!em)
		return 0;
	if (em->sock) {
		sock_free(em->sock, dropped);
	} else {
		if (fflush(em->fp) != 0)
			report_write_error(em);
		if (em->fp != stdout && fclose(em->fp) != 0)
			report_write_error(em);
	}
	rc = em->failed ? -1 : 0;
	tally_free(&em->versions);
	tally_free(&em->outcomes);
	tally_free(&em->ciphers);
	tally_free(&em->anomalies);
	free(em->ob.p);
	free(em->path);
	free(em);
	return rc;
}

static void ob_need(struct obuf *b, size_t n)
{
	size_t cap;
	char *np;

	if (b->len + n <= b->cap || b->oom)
		return;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	np = realloc(b->p, cap);
	if (!np) {
		b->oom = 1;
		return;
	}
	b->p = np;
	b->cap = cap;
}

static void ob_put(struct obuf *b, const char *s, size_t n)
{
	ob_need(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* RFC 8259 7: quote, backslash and control characters escaped; jansson
 * strings are valid UTF-8, which passes through. */
static void ob_string(struct obuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	ob_put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		size_t el = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		ob_put(b, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			el = 6;
		}
		ob_put(b, esc, el);
	}
	ob_put(b, s + run, n - run);
	ob_put(b, "\"", 1);
}

static void ob_int(struct obuf *b, json_int_t v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	ob_put(b, tmp + i, sizeof tmp - i);
}

/* Compact serialisation in jansson's insertion order (what json_dumps with
 * JSON_COMPACT writes), without its per-character callbacks. */
static void ob_json(struct obuf *b, json_t *v)
{
	const char *key;
	json_t *x;
	size_t i;
	int first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		ob_put(b, "{", 1);
		json_object_foreach(v, key, x) {
			if (!first)
				ob_put(b, ",", 1);
			first = 0;
			ob_string(b, key, strlen(key));
			ob_put(b, ":", 1);
			ob_json(b, x);
		}
		ob_put(b, "}", 1);
		break;
	case JSON_ARRAY:
		ob_put(b, "[", 1);
		json_array_foreach(v, i, x) {
			if (i)
				ob_put(b, ",", 1);
			ob_json(b, x);
		}
		ob_put(b, "]", 1);
		break;
	case JSON_STRING:
		ob_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		ob_int(b, json_integer_value(v));
		break;
	case JSON_TRUE:
		ob_put(b, "true", 4);
		break;
	case JSON_FALSE:
		ob_put(b, "false", 5);
		break;
	default:
		/* Records hold no reals and no nulls (absent is absent). */
		ob_put(b, "null", 4);
		break;
	}
}

/* Write one record; never more than one line unless --pretty. */
static void write_record(struct tt_ctx *ctx, json_t *rec)
{
	struct emitter *em = ctx->em;
	char *s;

	if (em->pretty) {
		s = json_dumps(rec, JSON_INDENT(2));
	} else {
		em->ob.len = 0;
		em->ob.oom = 0;
		ob_json(&em->ob, rec);
		ob_put(&em->ob, "", 1);
		s = em->ob.oom ? NULL : em->ob.p;
	}
	if (!s) {
		ctx->st.records_dropped++;
		return;
	}
	if (em->sock) {
		struct sock_sink *k = em->sock;
		size_t n = strlen(s);
		if (k->len + n + 1 > SOCK_QUEUE) {
			sock_pump(k, &ctx->st.records_dropped);
			if (k->len + n + 1 > SOCK_QUEUE) {
				ctx->st.records_dropped++;
				if (em->pretty)
					free(s);
				return;
			}
		}
		memcpy(k->q + k->len, s, n);
		k->q[k->len + n] = '\n';
		k->len += n + 1;
		ctx->st.records_written++;
		sock_pump(k, &ctx->st.records_dropped);
	} else if (fputs(s, em->fp) == EOF || fputc('\n', em->fp) == EOF) {
		report_write_error(em);
		ctx->st.records_dropped++;
	} else {
		ctx->st.records_written++;
	}
	if (em->pretty)
		free(s);
}

static json_t *ip_json(uint8_t af, const uint8_t *a)
{
	char buf[64];

	if (af == 4)
		snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else {
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
			snprintf(buf, sizeof buf, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
			return json_string(buf);
		}
		for (int i = 0; i < 8; i++) {
			if (i == best) {
				o += (size_t)snprintf(buf + o, sizeof buf - o, "::");
				i += bestlen - 1;
				continue;
			}
			if (o && buf[o - 1] != ':')
				buf[o++] = ':';
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%x", g[i]);
		}
		buf[o] = '\0';
	}
	return json_string(buf);
}

static void set_endpoint(json_t *rec, const char *name, const struct flow_info *fi, int side)
{
	json_t *o = ju_obj(rec, name);

	if (!o)
		return;
	json_object_set_new(o, "ip", ip_json(fi->ep->af, fi->ep->addr[side]));
	json_object_set_new(o, "port", json_integer(fi->ep->port[side]));
	json_object_set_new(o, "bytes", json_integer((json_int_t)fi->ct->bytes[side]));
	json_object_set_new(o, "packets", json_integer((json_int_t)fi->ct->pkts[side]));
}

static void tally_record(struct emitter *em, json_t *tls)
{
	json_t *v, *a;
	size_t i;

	v = json_object_get(tls, "version");
	tally_add(&em->versions, json_is_string(v) ? json_string_value(v) : "(no server hello)");
	v = json_object_get(tls, "outcome");
	if (json_is_string(v))
		tally_add(&em->outcomes, json_string_value(v));
	v = json_object_get(tls, "cipher");
	if (json_is_string(v))
		tally_add(&em->ciphers, json_string_value(v));
	a = json_object_get(tls, "anomalies");
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			tally_add(&em->anomalies, json_string_value(v));
}

void emit_session(struct tt_ctx *ctx, const struct flow_info *fi)
{
	json_t *rec = json_object(), *ev, *net;
	int client, server;
	char cid[64];
	uint64_t first = fi->ct->first_ns, last = fi->ct->last_ns;

	if (!rec) {
		ctx->st.records_dropped++;
		return;
	}
	client = fi->sess ? session_client_side(fi->sess) : -1;
	if (client < 0)
		client = fi->syn_side >= 0 ? fi->syn_side : 0;
	server = !client;

	json_object_set_new(rec, "@timestamp", ju_time_json(first));
	ev = ju_obj(rec, "event");
	if (ev) {
		json_object_set_new(ev, "kind", json_string("event"));
		json_object_set_new(ev, "dataset", json_string("tlstap.session"));
		json_object_set_new(ev, "start", ju_time_json(first));
		json_object_set_new(ev, "end", ju_time_json(last));
		json_object_set_new(ev, "duration",
				    json_integer((json_int_t)(last >= first ? last - first : 0)));
	}
	set_endpoint(rec, "source", fi, client);
	set_endpoint(rec, "destination", fi, server);
	net = ju_obj(rec, "network");
	if (net) {
		json_object_set_new(net, "transport", json_string("tcp"));
		json_object_set_new(net, "type", json_string(fi->ep->af == 4 ? "ipv4" : "ipv6"));
		json_object_set_new(net, "iana_number", json_string("6"));
		fp_community_id(fi->ep->af, fi->ep->addr[client], fi->ep->addr[server],
				fi->ep->port[client], fi->ep->port[server], 6,
				ctx->cfg.community_id_seed, cid);
		json_object_set_new(net, "community_id", json_string(cid));
		json_object_set_new(net, "bytes",
				    json_integer((json_int_t)(fi->ct->bytes[0] + fi->ct->bytes[1])));
		json_object_set_new(net, "packets",
				    json_integer((json_int_t)(fi->ct->pkts[0] + fi->ct->pkts[1])));
		if (fi->ep->has_vlan) {
			char vid[8];
			snprintf(vid, sizeof vid, "%u", (unsigned)fi->ep->vlan);
			ju_set(net, "vlan.id", json_string(vid));
		}
	}
	if (fi->sess)
		session_emit(rec, fi->sess, ctx, client);
	tally_record(ctx->em, json_object_get(rec, "tls"));
	write_record(ctx, rec);
	json_decref(rec);
}

static void tally_json(json_t *obj, const char *key, const struct tally *t)
{
	json_t *o = json_object();

	for (unsigned i = 0; i < t->n; i++)
		json_object_set_new(o, t->key[i], json_integer((json_int_t)t->count[i]));
	if (t->other)
		json_object_set_new(o, "(other)", json_integer((json_int_t)t->other));
	json_object_set_new(obj, key, o);
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
	STAT("decode_errors", "link", err_link),
	STAT("decode_errors", "ipv4", err_ip),
	STAT("decode_errors", "ipv6", err_ipv6),
	STAT("decode_errors", "tcp", err_tcp),
	STAT("decode_errors", "other", err_other),
	STAT(NULL, "non_ip", non_ip),
	STAT(NULL, "non_tcp", non_tcp),
	STAT("bad_checksums", "ipv4_header", bad_checksum_ip),
	STAT("bad_checksums", "tcp", bad_checksum_tcp),
	STAT("fragments", "datagrams", frag_datagrams),
	STAT("fragments", "reassembled", frag_reassembled),
	STAT("fragments", "timed_out", frag_timeouts),
	STAT("fragments", "dropped", frag_dropped),
	STAT("flows", "created", flows_created),
	STAT("flows", "evicted", flows_evicted),
	STAT("flows", "timed_out", flows_timed_out),
	STAT("flows", "active", flows_active),
	STAT("reassembly", "gaps", reasm_gaps),
	STAT("reassembly", "gap_bytes", reasm_gap_bytes),
	STAT("reassembly", "memcap_hits", reasm_memcap_hits),
	STAT("reassembly", "dir_limit_hits", reasm_dir_limit_hits),
	STAT("reassembly", "overlap_conflicts", reasm_overlap_conflicts),
	STAT("sessions", "tls", sessions),
	STAT("sessions", "not_tls", sessions_not_tls),
	STAT("sessions", "established", outcome[TLS_OUT_ESTABLISHED]),
	STAT("sessions", "alert", outcome[TLS_OUT_ALERT]),
	STAT("sessions", "reset", outcome[TLS_OUT_RESET]),
	STAT("sessions", "closed", outcome[TLS_OUT_CLOSED]),
	STAT("sessions", "incomplete", outcome[TLS_OUT_INCOMPLETE]),
	STAT("sessions", "no_server_response", outcome[TLS_OUT_NO_SERVER_RESPONSE]),
	STAT("sessions", "malformed", outcome[TLS_OUT_MALFORMED]),
	STAT("certificates", "parsed", certs_parsed),
	STAT("certificates", "cache_hits", certs_cache_hits),
	STAT("certificates", "failed", certs_failed),
	STAT("records", "written", records_written),
	STAT("records", "dropped", records_dropped),
};

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

void emit_stats(struct tt_ctx *ctx, uint64_t ts_ns, bool final)
{
	const struct tt_stats *st = &ctx->st;
	json_t *rec = json_object(), *t, *o;

	if (!rec)
		return;
	json_object_set_new(rec, "@timestamp", ju_time_json(ts_ns));
	ju_set(rec, "event.kind", json_string("metric"));
	ju_set(rec, "event.dataset", json_string("tlstap.stats"));
	t = ju_obj(rec, "tlstap.stats");
	if (!t) {
		json_decref(rec);
		return;
	}
	json_object_set_new(t, "final", json_boolean(final));
	for (size_t i = 0; i < sizeof stat_fields / sizeof *stat_fields; i++) {
		const struct stat_field *f = &stat_fields[i];
		uint64_t v;
		memcpy(&v, (const char *)st + f->off, sizeof v);
		o = f->group ? ju_obj(t, f->group) : t;
		if (o)
			json_object_set_new(o, f->name, json_integer((json_int_t)v));
	}
	tally_json(t, "anomalies", &ctx->em->anomalies);
	{
		uint64_t rss = peak_rss_bytes();
		if (rss)
			json_object_set_new(t, "peak_rss_bytes", json_integer((json_int_t)rss));
	}
	if (st->pcap_recv || st->pcap_drop || st->pcap_ifdrop) {
		ju_set(t, "pcap.received", json_integer((json_int_t)st->pcap_recv));
		ju_set(t, "pcap.dropped", json_integer((json_int_t)st->pcap_drop));
		ju_set(t, "pcap.if_dropped", json_integer((json_int_t)st->pcap_ifdrop));
	}
	write_record(ctx, rec);
	json_decref(rec);
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

void emit_summary(struct tt_ctx *ctx, FILE *out)
{
	const struct tt_stats *st = &ctx->st;

	fprintf(out, "tlstap: %llu packets, %llu TLS sessions, %llu TCP connections not TLS\n",
		(unsigned long long)st->packets, (unsigned long long)st->sessions,
		(unsigned long long)st->sessions_not_tls);
	summary_line(out, "versions", &ctx->em->versions, 10);
	summary_line(out, "outcomes", &ctx->em->outcomes, 10);
	summary_line(out, "top ciphers", &ctx->em->ciphers, 5);
	summary_line(out, "anomalies", &ctx->em->anomalies, 20);
	if (st->truncated || st->bad_checksum_ip || st->bad_checksum_tcp)
		fprintf(out, "  %llu truncated packets, %llu bad IPv4 / %llu bad TCP checksums "
			"(decoded anyway)\n", (unsigned long long)st->truncated,
			(unsigned long long)st->bad_checksum_ip,
			(unsigned long long)st->bad_checksum_tcp);
}
