/*
 * socksink.c - the Unix stream socket output (socksink.h).
 */
#include "socksink.h"
#include "mem.h"
#include "monoclock.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

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
#define SOCK_QUEUE_MIN (64u << 10)
#define SOCK_RETRY_NS 1000000000ull

struct sock_sink {
	int fd;                /* -1 while disconnected */
	struct sockaddr_un addr;
	char *q;               /* queued bytes: whole records, q[0..len) */
	size_t cap;            /* what q may hold: SOCK_QUEUE or less (socksink_limit) */
	size_t len, sent;      /* sent: bytes of q[0..] already written */
	uint64_t next_try;     /* monotonic ns of the next connect attempt */
	int warned;
	bool patient;          /* offline input: wait for a slow collector */
};

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
	} else if (k->sent > k->cap / 2) {
		memmove(k->q, k->q + k->sent, k->len - k->sent);
		k->len -= k->sent;
		k->sent = 0;
	}
}

/* Offline input has no kernel buffer to overflow, so a connected collector
 * that reads slower than tlstap writes holds tlstap back instead of losing
 * records: wait until the socket takes more, or until it has taken nothing
 * for SOCK_STALL_MS (a collector that stopped reading), or the connection
 * is lost.  Live capture never waits. */
#define SOCK_STALL_MS 10000

static bool sock_wait(struct sock_sink *k)
{
	struct pollfd pfd = { .fd = k->fd, .events = POLLOUT };
	int r;

	if (!k->patient || k->fd < 0)
		return false;
	do
		r = poll(&pfd, 1, SOCK_STALL_MS);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

struct sock_sink *socksink_new(const char *path, char *err, size_t errlen)
{
	struct sock_sink *k = calloc(1, sizeof *k);

	if (!k || !(k->q = malloc(SOCK_QUEUE))) {
		free(k);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->cap = SOCK_QUEUE;
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

void socksink_free(struct sock_sink *k, uint64_t *dropped)
{
	uint64_t lost = 0;

	/* A last chance for what is queued: without blocking when live; an
	 * offline run waits for a collector that is still reading. */
	sock_pump(k, dropped);
	while (k->sent < k->len && sock_wait(k))
		sock_pump(k, dropped);
	for (size_t i = k->sent; i < k->len; i++)
		lost += k->q[i] == '\n';
	*dropped += lost;
	if (k->fd >= 0)
		close(k->fd);
	free(k->q);
	free(k);
}

void socksink_patient(struct sock_sink *k)
{
	k->patient = true;
}

void socksink_limit(struct sock_sink *k, size_t cap)
{
	k->cap = cap < SOCK_QUEUE_MIN ? SOCK_QUEUE_MIN : cap > SOCK_QUEUE ? SOCK_QUEUE : cap;
}

size_t socksink_bytes(const struct sock_sink *k)
{
	return mem_chunk(k->cap) + mem_block((void *)(uintptr_t)k);
}

bool socksink_put(struct sock_sink *k, const char *rec, size_t n, uint64_t *dropped)
{
	if (k->len + n + 1 > k->cap) {
		sock_pump(k, dropped);
		while (k->len + n + 1 > k->cap && sock_wait(k))
			sock_pump(k, dropped);
		if (k->len + n + 1 > k->cap)
			return false;
	}
	memcpy(k->q + k->len, rec, n);
	k->q[k->len + n] = '\n';
	k->len += n + 1;
	sock_pump(k, dropped);
	return true;
}
