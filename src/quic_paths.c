/*
 * quic_paths.c - the index of QUIC connection ids and extra address pairs
 * (see quic_paths.h).
 *
 *   key 'c' | connection id (1..20 bytes)          -> flow, sender's side
 *   key 'p' | af vlan tkey | lower endpoint | upper  -> flow, side of the
 *             (endpoint = 16-byte address, port)        lower endpoint
 *
 * A chained hash on bytes under a seed drawn per table (as the flow table's:
 * nobody outside the process can choose colliding keys), doubling when the
 * load passes one; each flow's entries are also chained from the flow
 * (flow.qpaths) so that forgetting a flow touches only its own.  A short
 * header does not say how long its connection id is: the lengths in use
 * are kept, and each is tried (at most 20 probes, usually one).
 */
#include "quic_paths.h"

#include <stdlib.h>
#include <string.h>

#include "../parsers/quic.h"
#include "flow.h"
#include "mem.h"
#include "session.h"
#include "session_quic.h"

#define KEY_MAX (1 + 4 + 8 + 2 * 18)
#define PATHS_MAX 8   /* address pairs indexed per connection, its own excluded */

struct qp_entry {
	struct qp_entry *hnext;     /* hash chain */
	struct qp_entry *onext;     /* the flow's entries */
	struct flow *f;
	uint32_t hash;
	uint8_t len, aux;
	uint8_t key[KEY_MAX];
};

struct qpaths {
	struct qp_entry **bucket;
	uint32_t mask, n, max;
	uint32_t n_paths;
	uint32_t n_len[QUIC_MAX_CID + 1];   /* connection ids indexed, by length */
	uint64_t seed;
};

struct qpaths *qpaths_new(uint32_t max_entries, uint64_t seed)
{
	struct qpaths *m = calloc(1, sizeof *m);

	if (m && !(m->bucket = calloc(256, sizeof *m->bucket))) {
		free(m);
		m = NULL;
	}
	if (m) {
		m->mask = 255;
		m->max = max_entries;
		m->seed = seed;
	}
	return m;
}

/* Entries are normally gone by now (each flow forgets its own before it is
 * freed); any left are freed with the index. */
void qpaths_free(struct qpaths *m)
{
	for (uint32_t i = 0; m && i <= m->mask; i++)
		while (m->bucket[i]) {
			struct qp_entry *e = m->bucket[i];
			m->bucket[i] = e->hnext;
			free(e);
		}
	if (m)
		free(m->bucket);
	free(m);
}

uint64_t qpaths_bytes(const struct qpaths *m)
{
	if (!m)
		return 0;
	return mem_chunk(sizeof *m) + mem_chunk(((size_t)m->mask + 1) * sizeof *m->bucket) +
	       (uint64_t)m->n * mem_chunk(sizeof(struct qp_entry));
}

uint32_t qpaths_hash(uint64_t seed, const uint8_t *k, size_t n)
{
	uint64_t h = seed ^ ((uint64_t)n * 0x9e3779b97f4a7c15ull);

	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = 0;

		memcpy(&w, k + i, n - i < 8 ? n - i : 8);
		h = (h ^ w ^ (seed >> 23 | seed << 41)) * 0xc2b2ae3d27d4eb4full;
		h ^= h >> 29;
	}
	h *= 0xd6e8feb86659fd93ull;
	return (uint32_t)(h ^ (h >> 32));
}

static struct qp_entry *lookup(const struct qpaths *m, const uint8_t *k, size_t n)
{
	uint32_t h = qpaths_hash(m->seed, k, n);

	for (struct qp_entry *e = m->bucket[h & m->mask]; e; e = e->hnext)
		if (e->hash == h && e->len == n && memcmp(e->key, k, n) == 0)
			return e;
	return NULL;
}

static void grow(struct qpaths *m)
{
	uint32_t nmask = m->mask * 2 + 1;
	struct qp_entry **nb = calloc((size_t)nmask + 1, sizeof *nb);

	if (!nb)
		return;   /* longer chains, still correct */
	for (uint32_t i = 0; i <= m->mask; i++)
		while (m->bucket[i]) {
			struct qp_entry *e = m->bucket[i];
			m->bucket[i] = e->hnext;
			e->hnext = nb[e->hash & nmask];
			nb[e->hash & nmask] = e;
		}
	free(m->bucket);
	m->bucket = nb;
	m->mask = nmask;
}

/* Indexes k for f; false when full, on ENOMEM, or when k is taken. */
static bool add(struct qpaths *m, struct flow *f, const uint8_t *k, size_t n, int aux)
{
	struct qp_entry *e;

	if (m->n >= m->max || lookup(m, k, n) || !(e = calloc(1, sizeof *e)))
		return false;
	if (m->n >= m->mask)
		grow(m);
	memcpy(e->key, k, n);
	e->len = (uint8_t)n;
	e->aux = (uint8_t)aux;
	e->f = f;
	e->hash = qpaths_hash(m->seed, k, n);
	e->hnext = m->bucket[e->hash & m->mask];
	m->bucket[e->hash & m->mask] = e;
	e->onext = f->qpaths;
	f->qpaths = e;
	m->n++;
	if (k[0] == 'p')
		m->n_paths++;
	else
		m->n_len[n - 1]++;
	return true;
}

void qpaths_forget(struct qpaths *m, struct flow *f)
{
	while (f->qpaths) {
		struct qp_entry *e = f->qpaths, **pp = &m->bucket[e->hash & m->mask];

		while (*pp != e)
			pp = &(*pp)->hnext;
		*pp = e->hnext;
		f->qpaths = e->onext;
		m->n--;
		if (e->key[0] == 'p')
			m->n_paths--;
		else
			m->n_len[e->len - 1]--;
		free(e);
	}
	f->qp_cids = 0;
}

/* The path key of an address pair; returns its length, *sender_low whether
 * the sender (key's first endpoint) sorts first. */
static size_t path_key(const struct flow_endpoints *k, uint8_t out[KEY_MAX], bool *sender_low)
{
	uint8_t ep[2][18];
	size_t o = 0;

	for (int i = 0; i < 2; i++) {
		memcpy(ep[i], k->addr[i], 16);
		ep[i][16] = (uint8_t)(k->port[i] >> 8);
		ep[i][17] = (uint8_t)k->port[i];
	}
	*sender_low = memcmp(ep[0], ep[1], 18) <= 0;
	out[o++] = 'p';
	out[o++] = k->af;
	out[o++] = k->has_vlan;
	out[o++] = (uint8_t)(k->vlan >> 8);
	out[o++] = (uint8_t)k->vlan;
	memcpy(out + o, &k->tkey, 8);
	o += 8;
	memcpy(out + o, ep[*sender_low ? 0 : 1], 18);
	memcpy(out + o + 18, ep[*sender_low ? 1 : 0], 18);
	return o + 36;
}

void *qpaths_probe_dcid(const uint8_t *p, size_t n, const uint32_t n_len[QUIC_MAX_CID + 1],
		       void *(*probe)(void *arg, const uint8_t *key, size_t len), void *arg)
{
	uint8_t k[1 + QUIC_MAX_CID];

	k[0] = 'c';
	if (n < 2)
		return NULL;
	if (p[0] & 0x80) {
		size_t l = n > 5 ? p[5] : 0;

		if (l == 0 || l > QUIC_MAX_CID || n < 6 + l || !n_len[l])
			return NULL;
		memcpy(k + 1, p + 6, l);
		return probe(arg, k, 1 + l);
	}
	for (size_t l = 1; l <= QUIC_MAX_CID && 1 + l <= n; l++) {
		void *hit;

		if (!n_len[l])
			continue;
		memcpy(k + 1, p + 1, l);
		if ((hit = probe(arg, k, 1 + l)))
			return hit;
	}
	return NULL;
}

static void *probe_index(void *m, const uint8_t *k, size_t n)
{
	return lookup(m, k, n);
}

struct flow *qpaths_find(struct qpaths *m, const struct flow_endpoints *key, const uint8_t *p,
			 size_t n, int *side, bool *new_path)
{
	struct qp_entry *e;

	if (!m || m->n == 0)
		return NULL;
	if (m->n_paths) {
		uint8_t k[KEY_MAX];
		bool low;
		size_t kn = path_key(key, k, &low);

		if ((e = lookup(m, k, kn))) {
			*side = low ? e->aux : 1 - e->aux;
			*new_path = false;
			return e->f;
		}
	}
	if (!(e = qpaths_probe_dcid(p, n, m->n_len, probe_index, m)))
		return NULL;
	*side = e->aux;
	*new_path = true;
	return e->f;
}

/* The connection ids of f's session, once each is known. */
static void learn_cids(struct qpaths *m, struct flow *f)
{
	const uint8_t *cid[2];
	uint8_t len[2], k[1 + QUIC_MAX_CID];
	int client = session_client_side(f->sess);
	unsigned known = session_quic_cids(f->sess, cid, len);

	k[0] = 'c';
	for (int role = 0; role < 2 && client >= 0; role++) {
		if (!(known & (1u << role)) || (f->qp_cids & (1u << role)))
			continue;
		f->qp_cids |= (uint8_t)(1u << role);
		if (len[role] == 0)
			continue;
		memcpy(k + 1, cid[role], len[role]);
		/* Packets to the server's id come from the client, and back.
		 * An id another connection holds stays with it. */
		if (!add(m, f, k, 1u + len[role], role == 1 ? client : 1 - client) &&
		    m->n >= m->max)
			session_anomaly(f->sess, "quic_paths_limit");
	}
}

void qpaths_learn(struct qpaths *m, struct flow *f, const struct flow_endpoints *key, int side,
		  bool new_path)
{
	if (!m || !f->sess)
		return;
	if (f->qp_cids != 3)
		learn_cids(m, f);
	if (new_path) {
		uint8_t k[KEY_MAX];
		bool low;
		size_t kn = path_key(key, k, &low);

		if (session_quic_paths(f->sess) >= PATHS_MAX ||
		    !add(m, f, k, kn, low ? side : 1 - side)) {
			session_anomaly(f->sess, "quic_paths_limit");
			return;
		}
		session_quic_new_path(f->sess);
	}
}
