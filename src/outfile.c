/*
 * outfile.c - an output file written by a thread of its own (outfile.h).
 *
 *   producer (under the emitter's lock)      writer thread
 *   cur += record                             take the oldest full buffer
 *   cur full -> queue it, take a free one     write(2) it whole, retrying
 *                                             short writes and EINTR
 *                                             give it back, wake the producer
 */
#include "outfile.h"
#include "mem.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define OF_BUF (1u << 20)
#define OF_BUFS 4

struct obuf {
	char *p;
	size_t len, cap;
};

struct outfile {
	int fd;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct obuf buf[OF_BUFS];
	unsigned head, queued;          /* ring of full buffers: buf[head..] */
	unsigned cur;                   /* the one being filled */
	bool writing, stop;
	atomic_int err;                 /* errno of the first failed write */
};

static void write_all(struct outfile *o, const struct obuf *b)
{
	size_t off = 0;

	while (off < b->len && !atomic_load(&o->err)) {
		ssize_t w = write(o->fd, b->p + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			atomic_store(&o->err, w < 0 ? errno : EIO);
			break;
		}
		off += (size_t)w;
	}
}

static void *writer(void *arg)
{
	struct outfile *o = arg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&o->mu);
	for (;;) {
		struct obuf *b;
		while (!o->queued && !o->stop)
			pthread_cond_wait(&o->work, &o->mu);
		if (!o->queued)
			break;
		b = &o->buf[o->head];
		o->writing = true;
		pthread_mutex_unlock(&o->mu);
		write_all(o, b);
		pthread_mutex_lock(&o->mu);
		b->len = 0;
		o->head = (o->head + 1) % OF_BUFS;
		o->queued--;
		o->writing = false;
		pthread_cond_broadcast(&o->done);
	}
	pthread_mutex_unlock(&o->mu);
	return NULL;
}

size_t of_bytes(struct outfile *o)
{
	size_t n = mem_block(o);

	pthread_mutex_lock(&o->mu);
	for (int i = 0; i < OF_BUFS; i++)
		n += mem_block(o->buf[i].p);
	pthread_mutex_unlock(&o->mu);
	return n;
}

struct outfile *of_new(int fd)
{
	struct outfile *o = calloc(1, sizeof *o);

	if (!o)
		return NULL;
	o->fd = fd;
	pthread_mutex_init(&o->mu, NULL);
	pthread_cond_init(&o->work, NULL);
	pthread_cond_init(&o->done, NULL);
	if (pthread_create(&o->tid, NULL, writer, o) != 0) {
		pthread_mutex_destroy(&o->mu);
		pthread_cond_destroy(&o->work);
		pthread_cond_destroy(&o->done);
		free(o);
		return NULL;
	}
	return o;
}

/* Hands the buffer being filled to the writer (if it holds anything) and
 * moves to the next one, waiting while the writer still has it. */
static void submit(struct outfile *o)
{
#ifdef __SSE2__
	_mm_sfence();   /* copy_out's stores, visible before the hand-over */
#endif
	pthread_mutex_lock(&o->mu);
	if (o->buf[o->cur].len) {
		o->queued++;
		o->cur = (o->cur + 1) % OF_BUFS;
		pthread_cond_signal(&o->work);
		while (o->queued == OF_BUFS)   /* the next buffer is still the writer's */
			pthread_cond_wait(&o->done, &o->mu);
	}
	pthread_mutex_unlock(&o->mu);
}

/* memcpy into a buffer the writer thread will read, not this one: with
 * non-temporal stores where the CPU has them, so that the records (on a
 * handshake-heavy capture 1.5 times the packets' bytes) do not push the
 * connections' state out of this core's caches on their way out. */
static void copy_out(char *d, const char *s, size_t n)
{
#ifdef __SSE2__
	if (n >= 256) {
		size_t head = (16 - ((uintptr_t)d & 15)) & 15;

		memcpy(d, s, head);
		d += head;
		s += head;
		n -= head;
		for (; n >= 64; d += 64, s += 64, n -= 64) {
			__m128i a = _mm_loadu_si128((const __m128i *)s);
			__m128i b = _mm_loadu_si128((const __m128i *)(s + 16));
			__m128i c = _mm_loadu_si128((const __m128i *)(s + 32));
			__m128i e = _mm_loadu_si128((const __m128i *)(s + 48));
			_mm_stream_si128((__m128i *)d, a);
			_mm_stream_si128((__m128i *)(d + 16), b);
			_mm_stream_si128((__m128i *)(d + 32), c);
			_mm_stream_si128((__m128i *)(d + 48), e);
		}
	}
#endif
	memcpy(d, s, n);   /* the rest: short records, head and tail */
}

int of_write(struct outfile *o, const char *p, size_t n)
{
	struct obuf *b = &o->buf[o->cur];

	if (atomic_load(&o->err))
		return -1;
	if (b->len && b->len + n > OF_BUF) {
		submit(o);
		b = &o->buf[o->cur];
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : OF_BUF;
		char *np;
		while (cap < b->len + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	copy_out(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

void of_flush(struct outfile *o)
{
	submit(o);
	pthread_mutex_lock(&o->mu);
	while (o->queued)
		pthread_cond_wait(&o->done, &o->mu);
	pthread_mutex_unlock(&o->mu);
}

void of_replace(struct outfile *o, int fd)
{
	of_flush(o);
	if (o->fd != STDOUT_FILENO)
		close(o->fd);
	o->fd = fd;
}

int of_error(struct outfile *o)
{
	return atomic_load(&o->err);
}

int of_free(struct outfile *o)
{
	int rc;

	if (!o)
		return 0;
	of_flush(o);
	pthread_mutex_lock(&o->mu);
	o->stop = true;
	pthread_cond_signal(&o->work);
	pthread_mutex_unlock(&o->mu);
	pthread_join(o->tid, NULL);
	if (o->fd != STDOUT_FILENO && close(o->fd) != 0 && !atomic_load(&o->err))
		atomic_store(&o->err, errno);
	rc = atomic_load(&o->err) ? -1 : 0;
	for (int i = 0; i < OF_BUFS; i++)
		free(o->buf[i].p);
	pthread_mutex_destroy(&o->mu);
	pthread_cond_destroy(&o->work);
	pthread_cond_destroy(&o->done);
	free(o);
	return rc;
}
