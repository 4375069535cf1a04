/*
 * sources.c - the table of packet sources (sources.h).  Entries are never
 * moved once added (an array of pointers that only grows at its end, in
 * blocks that are never reallocated), so a looked-up source stays valid.
 */
#include "sources.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jw.h"

#define BLOCK 256u

struct entry {
	char *file, *iface;
	int32_t iface_id;
	char *members;                  /* serialised record members (NULL: none) */
	size_t members_len;
	uint32_t members_count;
};

struct sources {
	pthread_mutex_t lock;
	struct entry *block[SOURCES_MAX / BLOCK + 1];
	uint32_t n;                     /* ids 1..n are in use */
	uint32_t last;                  /* the id found last: files repeat it */
};

struct sources *sources_new(void)
{
	struct sources *t = calloc(1, sizeof *t);

	if (t)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

static struct entry *slot(struct sources *t, uint32_t id)
{
	return &t->block[(id - 1) / BLOCK][(id - 1) % BLOCK];
}

void sources_free(struct sources *t)
{
	if (!t)
		return;
	for (uint32_t id = 1; id <= t->n; id++) {
		free(slot(t, id)->file);
		free(slot(t, id)->iface);
		free(slot(t, id)->members);
	}
	for (size_t i = 0; i < sizeof t->block / sizeof t->block[0]; i++)
		free(t->block[i]);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* log.file.path of e, as a record member (ECS; FIELDS.md); the interface
 * goes into the record's observer object (emit.c).  false when memory ran
 * out. */
static bool serialise(struct entry *e)
{
	struct jw w;
	const char *m;
	size_t n;
	bool ok;

	jw_init(&w);
	jw_open(&w, NULL, '{');
	if (e->file) {
		jw_open(&w, "log", '{');
		jw_open(&w, "file", '{');
		/* a name the user gave: any bytes, escaped like wire strings */
		jw_wire(&w, "path", e->file, strlen(e->file), NULL);
		jw_close(&w, true);
		jw_close(&w, true);
	}
	m = jw_members(&w, &n, &e->members_count);
	ok = !w.oom && (!n || (e->members = malloc(n)) != NULL);
	if (ok && n)
		memcpy(e->members, m, n);
	e->members_len = ok ? n : 0;
	if (!ok)
		e->members_count = 0;
	jw_free(&w);
	return ok;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int matches(const struct entry *s, const char *file, int32_t iface_id, const char *iface)
{
	return s->iface_id == iface_id && same(s->file, file) && same(s->iface, iface);
}

uint32_t sources_id(struct sources *t, const char *file, int32_t iface_id, const char *iface)
{
	uint32_t id = SOURCE_NONE;
	struct entry *s;

	pthread_mutex_lock(&t->lock);
	if (t->last && matches(slot(t, t->last), file, iface_id, iface)) {
		id = t->last;
		goto out;
	}
	for (uint32_t i = t->n; i >= 1; i--)
		if (matches(slot(t, i), file, iface_id, iface)) {
			id = i;
			goto out;
		}
	if (t->n == SOURCES_MAX)
		goto out;
	if (!t->block[t->n / BLOCK] && !(t->block[t->n / BLOCK] = calloc(BLOCK, sizeof **t->block)))
		goto out;
	s = &t->block[t->n / BLOCK][t->n % BLOCK];
	s->file = file ? strdup(file) : NULL;
	s->iface = iface ? strdup(iface) : NULL;
	s->iface_id = iface_id;
	if ((file && !s->file) || (iface && !s->iface) || !serialise(s)) {
		free(s->file);
		free(s->iface);
		memset(s, 0, sizeof *s);
		goto out;
	}
	id = ++t->n;
out:
	if (id)
		t->last = id;
	pthread_mutex_unlock(&t->lock);
	return id;
}

int sources_get(struct sources *t, uint32_t id, struct source *out)
{
	int rc = -1;

	pthread_mutex_lock(&t->lock);
	if (id != SOURCE_NONE && id <= t->n) {
		const struct entry *e = slot(t, id);
		out->file = e->file;
		out->iface = e->iface;
		out->iface_id = e->iface_id;
		out->members = e->members;
		out->members_len = e->members_len;
		out->members_count = e->members_count;
		rc = 0;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}
