/*
 * test_keylog_follow - the --keylog files followed as they grow: a line
 * written in pieces counts once complete, truncation starts over, rotation
 * reads the old file's end and then the new file, a file read once (not
 * followed) counts its last line without '\n'; and the table read by
 * threads while lines arrive (run under TSan: tests/meson.build's
 * keylog_follow test).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../parsers/tls_keylog.h"
#include "../../src/config.h"
#include "../../src/keylog_follow.h"
#include "tt_test.h"

#define S48 "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad3800112233445566778899aabbccddeeff"

static char dir[64], path[96];

/* "CLIENT_RANDOM <random i> <secret>\n" into line; its length. */
static int line_of(char *line, size_t room, unsigned i)
{
	return snprintf(line, room, "CLIENT_RANDOM %056x%08x " S48 "\n", 0u, i);
}

static void random_of(uint8_t r[32], unsigned i)
{
	memset(r, 0, 32);
	r[28] = (uint8_t)(i >> 24), r[29] = (uint8_t)(i >> 16);
	r[30] = (uint8_t)(i >> 8), r[31] = (uint8_t)i;
}

static void append(const char *p, const char *data, size_t n, int flags)
{
	int fd = open(p, O_WRONLY | O_CREAT | flags, 0600);

	CHECK(fd >= 0);
	CHECK(write(fd, data, n) == (ssize_t)n);
	close(fd);
}

static bool have(const struct keylog *kl, unsigned i)
{
	uint8_t r[32];

	random_of(r, i);
	return keylog_find(kl, r) != NULL;
}

static void test_follow(void)
{
	struct keylog kl;
	struct kfollow *kf;
	struct tt_stats st;
	char line[200], err[128];
	const char *paths[1] = { path };
	int n;

	keylog_init(&kl);
	memset(&st, 0, sizeof st);
	append(path, "# start\n", 8, O_TRUNC);
	kf = kfollow_open(&kl, paths, 1, true, err, sizeof err);
	CHECK(kf != NULL);
	CHECK(!kfollow_refresh(kf));            /* nothing new */
	/* a line in three pieces: nothing until its newline */
	n = line_of(line, sizeof line, 1);
	append(path, line, 20, O_APPEND);
	CHECK(!kfollow_refresh(kf) && !have(&kl, 1));
	append(path, line + 20, (size_t)n - 21, O_APPEND);
	CHECK(!kfollow_refresh(kf) && !have(&kl, 1));
	append(path, line + n - 1, 1, O_APPEND);
	CHECK(kfollow_refresh(kf) && have(&kl, 1));
	kfollow_stats(kf, &st);
	CHECK(st.keylog_secrets == 1 && st.keylog_lines == 2 && st.keylog_bad_lines == 0);
	/* truncated (and shorter than what was read): read from the start */
	n = line_of(line, sizeof line, 2);
	append(path, line, (size_t)n, O_TRUNC);
	CHECK(kfollow_refresh(kf) && have(&kl, 2));
	/* truncated in the middle of a partial line: the piece is dropped */
	append(path, line, 30, O_TRUNC);
	CHECK(!kfollow_refresh(kf));
	append(path, "", 0, O_TRUNC);
	CHECK(!kfollow_refresh(kf));
	n = line_of(line, sizeof line, 3);
	append(path, line, (size_t)n, O_APPEND);
	CHECK(kfollow_refresh(kf) && have(&kl, 3));
	/* rotated: the old file's last line (no newline yet) counts, then
	 * the new file is followed */
	char old[128];

	snprintf(old, sizeof old, "%s.1", path);
	n = line_of(line, sizeof line, 4);
	append(path, line, (size_t)n - 1, O_APPEND);
	CHECK(rename(path, old) == 0);
	n = line_of(line, sizeof line, 5);
	append(path, line, (size_t)n, O_TRUNC);
	CHECK(kfollow_refresh(kf) && have(&kl, 4) && have(&kl, 5));
	n = line_of(line, sizeof line, 6);
	append(old, line, (size_t)n, O_APPEND);     /* the old one is no longer read */
	CHECK(!kfollow_refresh(kf) && !have(&kl, 6));
	/* the poll reads at most every KFOLLOW_INTERVAL_NS */
	n = line_of(line, sizeof line, 7);
	append(path, line, (size_t)n, O_APPEND);
	kfollow_poll(kf, 2, &st);
	CHECK(!have(&kl, 7));
	kfollow_poll(kf, 1 + KFOLLOW_INTERVAL_NS, &st);
	CHECK(have(&kl, 7) && st.keylog_secrets == 6);
	kfollow_free(kf);
	unlink(old);
	keylog_free(&kl);
}

static void test_once(void)
{
	struct keylog kl;
	struct kfollow *kf;
	char line[200], err[128];
	const char *paths[1] = { path }, *missing[1] = { "/nonexistent/keylog" };
	int n = line_of(line, sizeof line, 9);

	keylog_init(&kl);
	append(path, line, (size_t)n - 1, O_TRUNC);   /* no newline at the end */
	kf = kfollow_open(&kl, paths, 1, false, err, sizeof err);
	CHECK(kf != NULL && have(&kl, 9));
	CHECK(!kfollow_refresh(kf));            /* not followed */
	kfollow_free(kf);
	CHECK(kfollow_open(&kl, missing, 1, true, err, sizeof err) == NULL);
	CHECK(strstr(err, "/nonexistent/keylog") != NULL);
	keylog_free(&kl);
}

/* Readers look up while the writer adds lines (index growth and new
 * secrets of published entries included): each entry found is complete. */
static struct keylog shared;
static atomic_int done;

static void *reader(void *arg)
{
	unsigned seen = 0;
	size_t len;

	(void)arg;
	while (!atomic_load(&done))
		for (unsigned i = 0; i < 2000; i += 7) {
			uint8_t r[32];
			const struct keylog_entry *e;

			random_of(r, i);
			e = keylog_find(&shared, r);
			if (e && keylog_secret(e, KL_CLIENT_RANDOM, &len))
				seen += len == 48 && keylog_secret(e, KL_CLIENT_RANDOM, &len)[0] == 0xb6;
		}
	return (void *)(uintptr_t)seen;
}

static void test_threads(void)
{
	pthread_t t[2];
	char line[200];

	keylog_init(&shared);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&t[i], NULL, reader, NULL) == 0);
	for (unsigned i = 0; i < 2000; i++) {
		int n = line_of(line, sizeof line, i);

		CHECK(keylog_add_line(&shared, line, (size_t)n) == KL_LINE_OK);
		n = snprintf(line, sizeof line, "CLIENT_HANDSHAKE_TRAFFIC_SECRET %056x%08x %064x\n", 0u,
			     i, i);
		CHECK(keylog_add_line(&shared, line, (size_t)n) == KL_LINE_OK);
	}
	atomic_store(&done, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK(have(&shared, 1999));
	keylog_free(&shared);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/tt_kfollow.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/keys.log", dir);
	test_follow();
	test_once();
	test_threads();
	unlink(path);
	rmdir(dir);
	return TT_DONE();
}
