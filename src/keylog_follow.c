/*
 * keylog_follow.c - reading and following the --keylog files (see
 * keylog_follow.h).
 *
 *   file:  | lines read into the table | partial line (buf) | appended later ...
 *          0                           off - have           off (read so far)
 */
#include "keylog_follow.h"
#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../parsers/tls_keylog.h"
#include "config.h"

#define KF_LINE_MAX 65536               /* a longer line is read as one (bad) line */

struct kf_file {
	const char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	off_t off;                      /* bytes read from fd */
	size_t have;                    /* of them, a partial line kept in buf */
	char buf[KF_LINE_MAX];
};

struct kfollow {
	pthread_mutex_t mu;
	struct keylog *kl;
	bool follow;
	uint64_t last_ns;               /* the last kfollow_poll read */
	int n;
	struct kf_file f[];
};

/* Reads f to its end into the table; final: its last line counts even
 * without '\n'. */
static void read_rest(struct keylog *kl, struct kf_file *f, bool final)
{
	ssize_t got;

	while ((got = read(f->fd, f->buf + f->have, sizeof f->buf - f->have)) > 0) {
		f->off += got;
		f->have += (size_t)got;
		size_t used = keylog_add_buffer(kl, f->buf, f->have, false);

		if (used == 0 && f->have == sizeof f->buf)
			used = keylog_add_buffer(kl, f->buf, f->have, true);   /* overlong line */
		memmove(f->buf, f->buf + used, f->have - used);
		f->have -= used;
	}
	if (final && f->have) {
		keylog_add_buffer(kl, f->buf, f->have, true);
		f->have = 0;
	}
}

/* Opens path: its descriptor, and its device and inode in *st; -1. */
static int open_path(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, st) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void use_fd(struct kf_file *f, int fd, const struct stat *st)
{
	f->fd = fd;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->off = 0;
	f->have = 0;
}

/* What f gained since the last read: truncation starts over, rotation
 * (the path names another file) reads the old one's end, then the new one.
 * Called with the lock held. */
static void follow_file(struct keylog *kl, struct kf_file *f)
{
	struct stat st;
	int fd;

	if (fstat(f->fd, &st) == 0 && st.st_size < f->off) {
		lseek(f->fd, 0, SEEK_SET);
		f->off = 0;
		f->have = 0;            /* the partial line was cut away */
	}
	read_rest(kl, f, false);
	if (stat(f->path, &st) != 0 || (st.st_dev == f->dev && st.st_ino == f->ino))
		return;
	/* no longer allowed to open it (privileges dropped): keep the old one */
	if ((fd = open_path(f->path, &st)) < 0)
		return;
	read_rest(kl, f, true);         /* the old file's last line is complete now */
	close(f->fd);
	use_fd(f, fd, &st);
	read_rest(kl, f, false);
}

struct kfollow *kfollow_open(struct keylog *kl, const char *const *paths, int n, bool follow,
			     char *err, size_t errlen)
{
	struct kfollow *kf = calloc(1, sizeof *kf + (size_t)n * sizeof kf->f[0]);

	if (!kf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&kf->mu, NULL);
	kf->kl = kl;
	kf->follow = follow;
	for (int i = 0; i < n; i++) {
		struct stat st;
		int fd = open_path(paths[i], &st);

		kf->f[i].path = paths[i];
		if (fd < 0) {
			snprintf(err, errlen, "--keylog %s: %s", paths[i], strerror(errno));
			kfollow_free(kf);
			return NULL;
		}
		use_fd(&kf->f[i], fd, &st);
		kf->n = i + 1;
		read_rest(kl, &kf->f[i], !follow);
		if (!follow) {
			close(kf->f[i].fd);
			kf->f[i].fd = -1;
		}
	}
	return kf;
}

bool kfollow_refresh(struct kfollow *kf)
{
	uint64_t before;

	if (!kf || !kf->follow)
		return false;
	pthread_mutex_lock(&kf->mu);
	before = kf->kl->st.secrets;
	for (int i = 0; i < kf->n; i++)
		follow_file(kf->kl, &kf->f[i]);
	bool more = kf->kl->st.secrets != before;

	pthread_mutex_unlock(&kf->mu);
	return more;
}

void kfollow_stats(struct kfollow *kf, struct tt_stats *st)
{
	if (!kf)
		return;
	pthread_mutex_lock(&kf->mu);
	secrets_count(kf->kl, st);
	pthread_mutex_unlock(&kf->mu);
}

void kfollow_poll(struct kfollow *kf, uint64_t now_ns, struct tt_stats *st)
{
	if (!kf || now_ns - kf->last_ns < KFOLLOW_INTERVAL_NS)
		return;
	kf->last_ns = now_ns;
	kfollow_refresh(kf);
	kfollow_stats(kf, st);
}

void kfollow_free(struct kfollow *kf)
{
	if (!kf)
		return;
	for (int i = 0; i < kf->n; i++) {
		if (kf->f[i].fd >= 0)
			close(kf->f[i].fd);
		memset(kf->f[i].buf, 0, sizeof kf->f[i].buf);  /* secrets of a partial line */
	}
	pthread_mutex_destroy(&kf->mu);
	free(kf);
}
