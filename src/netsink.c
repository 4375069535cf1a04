/*
 * netsink.c - the network and local-socket sinks (netsink.h): a bounded
 * queue of whole records filled by the emitter, drained by a thread of the
 * sink's own that frames each record for its transport and sends it.
 *
 *   emitter ─put─> [ len | record ][ len | record ] ... ─thread─> frame ─> send
 *                   (SINK_QUEUE bytes, less under a small --memcap:
 *                   netsink_limit; full: drop, or wait when offline)
 *
 * Framing: syslog spellings prefix the RFC 5424 header
 * "<134>1 TIMESTAMP HOST tlstap PID - - " (facility local0, severity info;
 * the record is the MSG, without BOM) and, over TCP, the RFC 6587 octet
 * count "LEN "; tcp: ends each record with "\n" (NDJSON); datagrams carry
 * one record each; Redis gets RPUSH KEY RECORD or PUBLISH KEY RECORD.
 */
#include "netsink.h"
#include "mem.h"
#include "monoclock.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#define SINK_QUEUE (4u << 20)
#define SINK_QUEUE_MIN (64u << 10)
#define SINK_RETRY_NS 1000000000ull
#define SINK_STALL_NS 10000000000ull
#define SINK_SEND_TIMEOUT_S 10
/* At the end of a run, how long a sink may go on delivering its queue. */
#define SINK_DRAIN_NS (10 * 1000000000ull)
#define SYSLOG_PRI 134          /* local0.info */

enum ns_kind { NS_SYSLOG_UNIX, NS_SYSLOG_UDP, NS_SYSLOG_TCP, NS_UNIX_DGRAM, NS_TCP, NS_REDIS };

struct netsink {
	char *name;
	enum ns_kind kind;
	char *path, *host, *port, *key;   /* what the spelling names */
	int db;
	bool publish;

	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	char *q;                /* records at q[off..off+len): u32 length, bytes */
	size_t off, len;
	size_t cap;             /* what q may hold: SINK_QUEUE or less (netsink_limit) */
	unsigned queued;        /* records in q */
	bool stop, patient, connected;
	uint64_t stop_by;       /* stopping: monotonic ns after which the rest is dropped */
	uint64_t progress;      /* monotonic ns of the last record taken */
	uint64_t sent, dropped;

	/* Thread only. */
	int fd;
	redisContext *rc;
	uint64_t next_try;
	bool warned;
	char *buf;              /* the framed record */
	size_t bufcap;
	char hostname[256];
};

bool netsink_is_spec(const char *spec)
{
	static const char *const pre[] = { "syslog:", "unix-dgram:", "tcp:", "redis://" };

	if (strcmp(spec, "syslog") == 0)
		return true;
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		if (strncmp(spec, pre[i], strlen(pre[i])) == 0)
			return true;
	return false;
}

/* "HOST:PORT" or "[V6]:PORT" into host and port (allocated).  0 or -1. */
static int split_host_port(const char *s, char **host, char **port)
{
	const char *colon;
	size_t hl;

	if (*s == '[') {
		const char *e = strchr(s, ']');
		if (!e || e[1] != ':')
			return -1;
		colon = e + 1;
		s++;
		hl = (size_t)(e - s);
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || colon[1] == '\0')
		return -1;
	*host = strndup(s, hl);
	*port = strdup(colon + 1);
	return *host && *port ? 0 : -1;
}

/* redis://HOST:PORT[/DB][?key=NAME&mode=list|publish] */
static int parse_redis(struct netsink *s, const char *u)
{
	char *hp = strdup(u), *q, *slash;
	int rc = -1;

	if (!hp)
		return -1;
	s->key = strdup("tlstap");
	if ((q = strchr(hp, '?')) != NULL) {
		*q++ = '\0';
		for (char *save = NULL, *kv = strtok_r(q, "&", &save); kv;
		     kv = strtok_r(NULL, "&", &save)) {
			if (strncmp(kv, "key=", 4) == 0 && kv[4]) {
				free(s->key);
				s->key = strdup(kv + 4);
			} else if (strcmp(kv, "mode=list") == 0) {
				s->publish = false;
			} else if (strcmp(kv, "mode=publish") == 0) {
				s->publish = true;
			} else {
				goto out;
			}
		}
	}
	if ((slash = strchr(hp, '/')) != NULL) {
		char *end;
		*slash++ = '\0';
		long db = strtol(slash, &end, 10);
		if (*slash == '\0' || *end || db < 0 || db > 65535)
			goto out;
		s->db = (int)db;
	}
	rc = s->key ? split_host_port(hp, &s->host, &s->port) : -1;
out:
	free(hp);
	return rc;
}

static int parse_spec(struct netsink *s, const char *spec)
{
	if (strcmp(spec, "syslog") == 0) {
		s->kind = NS_SYSLOG_UNIX;
		s->path = strdup("/dev/log");
		return s->path ? 0 : -1;
	}
	if (strncmp(spec, "syslog:unix:", 12) == 0) {
		s->kind = NS_SYSLOG_UNIX;
		s->path = strdup(spec + 12);
		return s->path && *s->path ? 0 : -1;
	}
	if (strncmp(spec, "syslog:udp:", 11) == 0) {
		s->kind = NS_SYSLOG_UDP;
		return split_host_port(spec + 11, &s->host, &s->port);
	}
	if (strncmp(spec, "syslog:tcp:", 11) == 0) {
		s->kind = NS_SYSLOG_TCP;
		return split_host_port(spec + 11, &s->host, &s->port);
	}
	if (strncmp(spec, "unix-dgram:", 11) == 0) {
		s->kind = NS_UNIX_DGRAM;
		s->path = strdup(spec + 11);
		return s->path && *s->path ? 0 : -1;
	}
	if (strncmp(spec, "tcp:", 4) == 0) {
		s->kind = NS_TCP;
		return split_host_port(spec + 4, &s->host, &s->port);
	}
	if (strncmp(spec, "redis://", 8) == 0) {
		s->kind = NS_REDIS;
		return parse_redis(s, spec + 8);
	}
	return -1;
}

/* ---- the sending thread ---- */

static void sink_close(struct netsink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->rc)
		redisFree(s->rc);
	s->rc = NULL;
}

static int connect_inet(struct netsink *s, int type)
{
	struct addrinfo hints = { .ai_socktype = type }, *res, *ai;
	int fd = -1, e;

	if ((e = getaddrinfo(s->host, s->port, &hints, &res)) != 0) {
		errno = EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	freeaddrinfo(res);
	return fd;
}

static int connect_unix_dgram(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof a.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (const struct sockaddr *)&a, sizeof a) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		fd = -1;
	}
	return fd;
}

static int connect_redis(struct netsink *s)
{
	struct timeval tv = { SINK_SEND_TIMEOUT_S, 0 };
	redisReply *r;

	s->rc = redisConnectWithTimeout(s->host, atoi(s->port), tv);
	if (!s->rc || s->rc->err) {
		errno = ECONNREFUSED;
		return -1;
	}
	redisSetTimeout(s->rc, tv);
	if (s->db) {
		r = redisCommand(s->rc, "SELECT %d", s->db);
		bool ok = r && r->type != REDIS_REPLY_ERROR;
		freeReplyObject(r);
		if (!ok) {
			errno = EINVAL;
			return -1;
		}
	}
	return 0;
}

/* One attempt to connect.  0 or -1 (errno). */
static int sink_connect(struct netsink *s)
{
	struct timeval tv = { SINK_SEND_TIMEOUT_S, 0 };

	switch (s->kind) {
	case NS_SYSLOG_UNIX:
	case NS_UNIX_DGRAM:
		s->fd = connect_unix_dgram(s->path);
		break;
	case NS_SYSLOG_UDP:
		s->fd = connect_inet(s, SOCK_DGRAM);
		break;
	case NS_SYSLOG_TCP:
	case NS_TCP:
		s->fd = connect_inet(s, SOCK_STREAM);
		break;
	case NS_REDIS:
		if (connect_redis(s) == 0)
			return 0;
		sink_close(s);
		return -1;
	}
	if (s->fd < 0)
		return -1;
	setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return 0;
}

/* A stream whose peer has gone shows it as readable with EOF or an error:
 * checked before each record so that one is not written into a dead
 * connection and lost without a count. */
static bool stream_dead(int fd)
{
	char c;
	ssize_t r = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);

	return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static int reserve_rec(char **buf, size_t *cap, size_t n)
{
	char *b;

	if (n <= *cap)
		return 0;
	if (!(b = realloc(*buf, n)))
		return -1;
	*buf = b;
	*cap = n;
	return 0;
}

static int reserve(struct netsink *s, size_t n)
{
	return reserve_rec(&s->buf, &s->bufcap, n);
}

/* The record framed for the sink's transport into s->buf.  Its length, or
 * 0 without memory. */
static size_t frame(struct netsink *s, const char *rec, size_t n)
{
	char hdr[400];
	size_t h = 0, pre = 0, total;

	if (s->kind == NS_SYSLOG_UNIX || s->kind == NS_SYSLOG_UDP || s->kind == NS_SYSLOG_TCP) {
		struct timespec ts;
		struct tm tm;
		char when[40];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
		h = (size_t)snprintf(hdr, sizeof hdr, "<%d>1 %s.%06ldZ %s tlstap %ld - - ",
				     SYSLOG_PRI, when, ts.tv_nsec / 1000, s->hostname,
				     (long)getpid());
	}
	total = h + n;
	if (s->kind == NS_SYSLOG_TCP) {
		char cnt[24];
		pre = (size_t)snprintf(cnt, sizeof cnt, "%zu ", total);
		if (reserve(s, pre + total) != 0)
			return 0;
		memcpy(s->buf, cnt, pre);
	} else if (reserve(s, total + 1) != 0) {
		return 0;
	}
	memcpy(s->buf + pre, hdr, h);
	memcpy(s->buf + pre + h, rec, n);
	total += pre;
	if (s->kind == NS_TCP)
		s->buf[total++] = '\n';
	return total;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sends one record.  1 sent, 0 not delivered but the connection stands
 * (too large, no subscriber), -1 the connection is lost and the record may
 * have been cut, -2 the connection is lost and nothing of it was sent (it
 * can go whole on the next connection). */
static int sink_send(struct netsink *s, const char *rec, size_t n)
{
	size_t len;

	if (s->kind == NS_REDIS) {
		if (stream_dead(s->rc->fd))
			return -2;
		redisReply *r = redisCommand(s->rc, s->publish ? "PUBLISH %s %b" : "RPUSH %s %b",
					     s->key, rec, n);
		if (!r)
			return -1;
		int ok = r->type == REDIS_REPLY_INTEGER && (!s->publish || r->integer > 0);
		freeReplyObject(r);
		return ok;
	}
	if ((s->kind == NS_TCP || s->kind == NS_SYSLOG_TCP) && stream_dead(s->fd))
		return -2;
	if ((len = frame(s, rec, n)) == 0)
		return 0;
	if (s->kind == NS_TCP || s->kind == NS_SYSLOG_TCP)
		return send_all(s->fd, s->buf, len) == 0 ? 1 : -1;
	if (send(s->fd, s->buf, len, MSG_NOSIGNAL) == (ssize_t)len)
		return 1;
	/* A datagram is sent whole or not at all. */
	return errno == EMSGSIZE || errno == ENOBUFS ? 0 : -2;
}

static void say(struct netsink *s, const char *what, int e)
{
	if (e)
		fprintf(stderr, "tlstap: %s: %s (%s)\n", s->name, what, strerror(e));
	else
		fprintf(stderr, "tlstap: %s: %s\n", s->name, what);
}

/* Connected, or a wait of up to a second for the next try; false once
 * stopping with no connection (the rest of the queue is lost). */
static bool ensure_connected(struct netsink *s)
{
	uint64_t now = mono_ns();

	if (s->connected)
		return true;
	if (now >= s->next_try || s->stop) {
		s->next_try = now + SINK_RETRY_NS;
		pthread_mutex_unlock(&s->mu);
		int ok = sink_connect(s) == 0, e = errno;
		pthread_mutex_lock(&s->mu);
		if (ok) {
			if (s->warned)
				say(s, "connected", 0);
			s->warned = false;
			s->connected = true;
			return true;
		}
		if (!s->warned)
			say(s, "cannot connect; queueing, retrying every second", e);
		s->warned = true;
		if (s->stop)
			return false;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t wait = s->next_try > now ? s->next_try - now : 0;
	ts.tv_sec += (time_t)(wait / 1000000000u);
	ts.tv_nsec += (long)(wait % 1000000000u);
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&s->more, &s->mu, &ts);
	return true;
}

/* Takes the first record of the queue into rec (grown as needed).  Its
 * length, or 0 if there was no memory for it (it is dropped). */
static size_t take(struct netsink *s, char **rec, size_t *cap)
{
	uint32_t n;
	size_t got = 0;

	memcpy(&n, s->q + s->off, 4);
	if (n <= *cap || reserve_rec(rec, cap, n) == 0) {
		memcpy(*rec, s->q + s->off + 4, n);
		got = n;
	}
	s->off += 4 + (size_t)n;
	s->len -= 4 + (size_t)n;
	s->queued--;
	s->progress = mono_ns();
	pthread_cond_broadcast(&s->room);
	return got;
}

static void *sink_thread(void *arg)
{
	struct netsink *s = arg;
	char *rec = NULL;
	size_t cap = 0, n = 0;
	bool pending = false;   /* rec holds a record not sent at all yet */

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->stop && s->queued == 0 && !pending)
			pthread_cond_wait(&s->more, &s->mu);
		if (s->queued == 0 && !pending)
			break;
		/* Stopping with no connection, or past the drain time (a
		 * receiver that takes nothing more, such as a full datagram
		 * queue, does not hold the exit): the rest is dropped. */
		if ((s->stop && mono_ns() >= s->stop_by) || !ensure_connected(s)) {
			s->dropped += s->queued + pending;
			s->queued = 0;
			s->len = 0;
			pthread_cond_broadcast(&s->room);
			break;
		}
		if (!s->connected)
			continue;
		if (!pending)
			n = take(s, &rec, &cap);
		pthread_mutex_unlock(&s->mu);
		int r = n ? sink_send(s, rec, n) : 0;
		pthread_mutex_lock(&s->mu);
		pending = r == -2;
		if (r > 0) {
			s->sent++;
			continue;
		}
		if (r > -2)
			s->dropped++;
		if (r < 0) {
			sink_close(s);
			s->connected = false;
			s->warned = true;
			s->next_try = 0;   /* a server back already is found at once */
			say(s, "connection lost; queueing", 0);
		}
	}
	pthread_mutex_unlock(&s->mu);
	free(rec);
	return NULL;
}

/* ---- the emitter's side ---- */

static void free_fields(struct netsink *s)
{
	free(s->name);
	free(s->path);
	free(s->host);
	free(s->port);
	free(s->key);
	free(s->q);
	free(s->buf);
	free(s);
}

struct netsink *netsink_new(const char *spec, char *err, size_t errlen)
{
	struct netsink *s = calloc(1, sizeof *s);

	if (!s || !(s->name = strdup(spec)) || !(s->q = malloc(SINK_QUEUE))) {
		snprintf(err, errlen, "out of memory");
		if (s)
			free_fields(s);
		return NULL;
	}
	s->cap = SINK_QUEUE;
	s->fd = -1;
	if (parse_spec(s, spec) != 0) {
		snprintf(err, errlen, "%s: not a sink spelling tlstap knows (see README \"Sinks\")",
			 spec);
		free_fields(s);
		return NULL;
	}
	if (gethostname(s->hostname, sizeof s->hostname - 1) != 0 || !s->hostname[0])
		strcpy(s->hostname, "-");
	for (char *c = s->hostname; *c; c++)
		if (*c <= ' ' || *c > '~')
			*c = '-';
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->more, NULL);
	pthread_cond_init(&s->room, NULL);
	if (pthread_create(&s->th, NULL, sink_thread, s) != 0) {
		snprintf(err, errlen, "%s: cannot start its thread", spec);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->more);
		pthread_cond_destroy(&s->room);
		free_fields(s);
		return NULL;
	}
	return s;
}

void netsink_patient(struct netsink *s)
{
	pthread_mutex_lock(&s->mu);
	s->patient = true;
	pthread_mutex_unlock(&s->mu);
}

/* Waits (offline only) while a connected sink makes progress.  Called
 * with the lock held; true if there may be room now. */
static bool wait_room(struct netsink *s)
{
	struct timespec ts;

	if (!s->patient || !s->connected || mono_ns() - s->progress > SINK_STALL_NS)
		return false;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	pthread_cond_timedwait(&s->room, &s->mu, &ts);
	return true;
}

int netsink_put(struct netsink *s, const char *p, size_t n)
{
	uint32_t n32 = (uint32_t)n;

	pthread_mutex_lock(&s->mu);
	if (n > s->cap - 4) {
		s->dropped++;
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	if (s->queued == 0)
		s->progress = mono_ns();
	while (s->len + 4 + n > s->cap && wait_room(s))
		;
	if (s->len + 4 + n > s->cap) {
		s->dropped++;
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	if (s->off + s->len + 4 + n > s->cap) {
		memmove(s->q, s->q + s->off, s->len);
		s->off = 0;
	}
	memcpy(s->q + s->off + s->len, &n32, 4);
	memcpy(s->q + s->off + s->len + 4, p, n);
	s->len += 4 + n;
	s->queued++;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

void netsink_limit(struct netsink *s, size_t cap)
{
	pthread_mutex_lock(&s->mu);
	s->cap = cap < SINK_QUEUE_MIN ? SINK_QUEUE_MIN : cap > SINK_QUEUE ? SINK_QUEUE : cap;
	pthread_mutex_unlock(&s->mu);
}

size_t netsink_bytes(struct netsink *s)
{
	size_t n;

	pthread_mutex_lock(&s->mu);
	n = mem_chunk(s->cap) + mem_block(s);
	pthread_mutex_unlock(&s->mu);
	return n;
}

void netsink_counts(struct netsink *s, uint64_t *sent, uint64_t *dropped)
{
	pthread_mutex_lock(&s->mu);
	*sent = s->sent;
	*dropped = s->dropped;
	pthread_mutex_unlock(&s->mu);
}

const char *netsink_name(const struct netsink *s)
{
	return s->name;
}

uint64_t netsink_free(struct netsink *s)
{
	uint64_t lost;

	pthread_mutex_lock(&s->mu);
	s->stop = true;
	s->stop_by = mono_ns() + SINK_DRAIN_NS;
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	sink_close(s);
	lost = s->dropped;
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->more);
	pthread_cond_destroy(&s->room);
	free_fields(s);
	return lost;
}
