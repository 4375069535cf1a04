/*
 * pcapsave.c - `-w FILE` (pcapsave.h): packets of failed or anomalous
 * sessions, picked by the records themselves.
 *
 *   capture --packet--> ring (bounded, oldest dropped) ----+
 *                  \--> already followed connection? ------+--> pcap_dump
 *   emitter --record--> failed or anomalous? --> its connection's packets
 *
 * The reader thread adds packets and worker threads write records, so
 * everything here is behind one lock.
 */
#include "pcapsave.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

#define RING_MAX 262144u                /* packets in the ring at most */
#define FOLLOW_MAX 4096u                /* connections followed after their record */
#define FOLLOW_IDLE_NS (60ull * 1000000000ull)

/* A connection's endpoints in a canonical order (the smaller first). */
struct conn {
	uint8_t af;
	uint8_t a[16], b[16];
	uint16_t pa, pb;
};

struct slot {
	uint8_t *data;                  /* NULL: free, or already saved */
	uint32_t caplen, wirelen;
	uint64_t ts;
	struct conn c;
};

struct follow {
	struct conn c;
	uint64_t last;                  /* packet time of its last packet */
};

struct saver {
	pthread_mutex_t lock;
	char *path;
	pcap_t *dead;                   /* NULL until the first packet names the link type */
	pcap_dumper_t *dump;
	int dlt;
	struct slot *ring;
	uint32_t head, count;           /* oldest slot, slots in use */
	size_t bytes;
	struct follow follow[FOLLOW_MAX];
	uint32_t n_follow, next_follow;
	uint64_t saved, sessions, missed, other_dlt, fragments;
	bool failed;
};

static void conn_make(struct conn *c, const struct pkt *p)
{
	size_t n = p->af == 4 ? 4 : 16;
	int cmp = memcmp(p->src, p->dst, n);
	bool swap = cmp > 0 || (cmp == 0 && p->sport > p->dport);

	memset(c, 0, sizeof *c);
	c->af = p->af;
	memcpy(c->a, swap ? p->dst : p->src, n);
	memcpy(c->b, swap ? p->src : p->dst, n);
	c->pa = swap ? p->dport : p->sport;
	c->pb = swap ? p->sport : p->dport;
}

static bool conn_eq(const struct conn *x, const struct conn *y)
{
	return memcmp(x, y, sizeof *x) == 0;
}

struct saver *saver_new(const char *path, char *err, size_t errlen)
{
	struct saver *sv = calloc(1, sizeof *sv);
	FILE *f;

	if (!sv || !(sv->path = strdup(path)) ||
	    !(sv->ring = calloc(RING_MAX, sizeof *sv->ring))) {
		snprintf(err, errlen, "out of memory");
		if (sv)
			free(sv->path);
		free(sv);
		return NULL;
	}
	/* Fail now, not at the end of a long run. */
	f = fopen(path, "wb");
	if (!f) {
		snprintf(err, errlen, "%s: %m", path);
		free(sv->ring);
		free(sv->path);
		free(sv);
		return NULL;
	}
	fclose(f);
	pthread_mutex_init(&sv->lock, NULL);
	sv->dlt = -1;
	return sv;
}

static void write_pkt(struct saver *sv, uint64_t ts, const uint8_t *data, uint32_t caplen,
		      uint32_t wirelen)
{
	struct pcap_pkthdr h;

	if (!sv->dump)
		return;
	h.ts.tv_sec = (time_t)(ts / 1000000000u);
	h.ts.tv_usec = (suseconds_t)(ts % 1000000000u);   /* nanosecond file */
	h.caplen = caplen;
	h.len = wirelen;
	pcap_dump((u_char *)sv->dump, &h, data);
	sv->saved++;
}

static void drop_oldest(struct saver *sv)
{
	struct slot *s = &sv->ring[sv->head];

	if (s->data) {
		sv->bytes -= s->caplen;
		free(s->data);
		s->data = NULL;
	}
	sv->head = (sv->head + 1) % RING_MAX;
	sv->count--;
}

/* The followed connection c, or NULL. */
static struct follow *followed(struct saver *sv, const struct conn *c)
{
	for (uint32_t i = 0; i < sv->n_follow; i++)
		if (conn_eq(&sv->follow[i].c, c))
			return &sv->follow[i];
	return NULL;
}

static bool open_dump(struct saver *sv, int dlt)
{
	sv->dlt = dlt;
	sv->dead = pcap_open_dead_with_tstamp_precision(dlt, 262144, PCAP_TSTAMP_PRECISION_NANO);
	if (sv->dead)
		sv->dump = pcap_dump_open(sv->dead, sv->path);
	if (!sv->dump) {
		fprintf(stderr, "tlstap: -w %s: %s\n", sv->path,
			sv->dead ? pcap_geterr(sv->dead) : "out of memory");
		sv->failed = true;
	}
	return sv->dump != NULL;
}

void saver_packet(void *arg, int dlt, uint64_t ts, const uint8_t *data, uint32_t caplen,
		  uint32_t wirelen)
{
	struct saver *sv = arg;
	struct tt_stats scratch;        /* decode's counters: the pipeline counts for real */
	struct pkt p;
	struct conn c;
	struct follow *f;
	struct slot *s;
	enum decode_result r = decode_packet(dlt, data, caplen, wirelen, &p, &scratch);

	if (r == DEC_FRAGMENT) {
		sv->fragments++;
		return;
	}
	if (r != DEC_TCP)
		return;
	conn_make(&c, &p);
	pthread_mutex_lock(&sv->lock);
	if (sv->dlt < 0 && !sv->failed)
		open_dump(sv, dlt);
	if (dlt != sv->dlt) {
		sv->other_dlt++;
	} else if ((f = followed(sv, &c)) != NULL && ts - f->last < FOLLOW_IDLE_NS) {
		f->last = ts;
		write_pkt(sv, ts, data, caplen, wirelen);
	} else {
		while (sv->count && (sv->count == RING_MAX || sv->bytes + caplen > SAVE_RING_BYTES))
			drop_oldest(sv);
		s = &sv->ring[(sv->head + sv->count) % RING_MAX];
		s->data = malloc(caplen ? caplen : 1);
		if (s->data) {
			memcpy(s->data, data, caplen);
			s->caplen = caplen;
			s->wirelen = wirelen;
			s->ts = ts;
			s->c = c;
			sv->bytes += caplen;
			sv->count++;
		}
	}
	pthread_mutex_unlock(&sv->lock);
}

/* The record's connection and start time; false for records that are not
 * failed or anomalous sessions. */
static bool wanted(json_t *r, struct conn *c, uint64_t *start)
{
	json_t *tls = json_object_get(r, "tls");
	const char *out = json_string_value(json_object_get(tls, "outcome"));
	const char *sip = json_string_value(json_object_get(json_object_get(r, "source"), "ip"));
	const char *dip = json_string_value(json_object_get(json_object_get(r, "destination"), "ip"));
	json_int_t sp = json_integer_value(json_object_get(json_object_get(r, "source"), "port"));
	json_int_t dp = json_integer_value(json_object_get(json_object_get(r, "destination"), "port"));
	const char *t0 = json_string_value(json_object_get(json_object_get(r, "event"), "start"));
	struct pkt p;
	struct tm tm;
	char frac[16] = "";

	if (!out || !sip || !dip || !t0)
		return false;
	if (strcmp(out, "established") == 0 && json_array_size(json_object_get(tls, "anomalies")) == 0)
		return false;
	memset(&p, 0, sizeof p);
	if (inet_pton(AF_INET, sip, p.src) == 1 && inet_pton(AF_INET, dip, p.dst) == 1)
		p.af = 4;
	else if (inet_pton(AF_INET6, sip, p.src) == 1 && inet_pton(AF_INET6, dip, p.dst) == 1)
		p.af = 6;
	else
		return false;
	p.sport = (uint16_t)sp;
	p.dport = (uint16_t)dp;
	conn_make(c, &p);
	/* event.start, the first packet's time, to the microsecond (rounded
	 * down, so that first packet is >= it). */
	memset(&tm, 0, sizeof tm);
	if (sscanf(t0, "%d-%d-%dT%d:%d:%d.%15[0-9]", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, frac) < 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*start = (uint64_t)timegm(&tm) * 1000000000u + (uint64_t)strtoull(frac, NULL, 10) * 1000u;
	return true;
}

void saver_record(void *arg, const char *rec, size_t n)
{
	struct saver *sv = arg;
	json_t *r = json_loadb(rec, n, JSON_ALLOW_NUL, NULL);
	struct conn c;
	uint64_t start, last = 0;
	bool any = false;

	if (!r || !wanted(r, &c, &start)) {
		json_decref(r);
		return;
	}
	json_decref(r);
	pthread_mutex_lock(&sv->lock);
	sv->sessions++;
	for (uint32_t i = 0; i < sv->count; i++) {
		struct slot *s = &sv->ring[(sv->head + i) % RING_MAX];
		if (!s->data || s->ts < start || !conn_eq(&s->c, &c))
			continue;
		write_pkt(sv, s->ts, s->data, s->caplen, s->wirelen);
		last = s->ts;
		any = true;
		free(s->data);
		sv->bytes -= s->caplen;
		s->data = NULL;
	}
	if (!any)
		sv->missed++;
	if (!followed(sv, &c)) {
		struct follow *f = &sv->follow[sv->next_follow];
		sv->next_follow = (sv->next_follow + 1) % FOLLOW_MAX;
		if (sv->n_follow < FOLLOW_MAX)
			sv->n_follow++;
		f->c = c;
		f->last = last ? last : start;
	}
	pthread_mutex_unlock(&sv->lock);
}

int saver_free(struct saver *sv)
{
	int rc;

	if (!sv)
		return 0;
	while (sv->count)
		drop_oldest(sv);
	if (sv->dump) {
		pcap_dump_flush(sv->dump);
		pcap_dump_close(sv->dump);
	} else if (!sv->failed && sv->dlt < 0) {
		/* No packet at all: still a valid, empty capture file. */
		open_dump(sv, 1);
		if (sv->dump)
			pcap_dump_close(sv->dump);
	}
	if (sv->dead)
		pcap_close(sv->dead);
	fprintf(stderr, "tlstap: -w %s: %llu packets of %llu failed or anomalous sessions",
		sv->path, (unsigned long long)sv->saved, (unsigned long long)sv->sessions);
	if (sv->missed)
		fprintf(stderr, ", %llu of them no longer in the %u MiB buffer",
			(unsigned long long)sv->missed, SAVE_RING_BYTES >> 20);
	if (sv->other_dlt || sv->fragments)
		fprintf(stderr, "; not saved: %llu packets of another link type, %llu IP fragments",
			(unsigned long long)sv->other_dlt, (unsigned long long)sv->fragments);
	fprintf(stderr, "\n");
	rc = sv->failed ? -1 : 0;
	free(sv->ring);
	free(sv->path);
	pthread_mutex_destroy(&sv->lock);
	free(sv);
	return rc;
}
