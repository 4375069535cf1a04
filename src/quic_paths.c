/*
 * quic_paths.c - the index of QUIC connection ids and extra address pairs
 * (see quic_paths.h).
 *
 *   key 'c' | connection id (1..20 bytes)          -> flow, sender's side
 *   key 'p' | af vlan tkey | lower endpoint | upper  -> flow, side of the
 *             (endpoint = 16-byte address, port)        lower endpoint
 *
 * The keys live in a cidtab (a seeded chained hash on bytes); each flow's
 * entries are also chained from the flow (flow.qpaths) so that forgetting
 * a flow touches only its own.  A short header does not say how long its
 * connection id is: the lengths in use are kept, and each is tried (at
 * most 20 probes, usually one).
 */
#include "quic_paths.h"

#include <stdlib.h>
#include <string.h>

#include "cidtab.h"
#include "flow.h"
#include "mem.h"
#include "session.h"
#include "session_quic.h"

#define KEY_MAX CIDTAB_KEY_MAX
#define PATHS_MAX 8   /* address pairs indexed per connection, its own excluded */

struct qp_entry {
	struct cidtab_key k;        /* first: the table links it */
	struct qp_entry *onext;     /* the flow's entries */
	struct flow *f;
	uint8_t aux;
};

struct qpaths {
	struct cidtab t;
	uint32_t max, n_paths;
	uint64_t bytes;             /* the entries' (mem.h), kept up to date: the
				     * pipeline asks after every packet */
};

struct qpaths *qpaths_new(uint32_t max_entries, uint64_t seed)
{
	struct qpaths *m = calloc(1, sizeof *m);

	if (m && !cidtab_init(&m->t, seed)) {
		free(m);
		return NULL;
	}
	if (m) {
		m->max = max_entries;
		m->bytes = mem_chunk(sizeof *m);
	}
	return m;
}

/* Entries are normally gone by now (each flow forgets its own before it is
 * freed); any left are freed with the index. */
void qpaths_free(struct qpaths *m)
{
	for (uint32_t i = 0; m && i <= m->t.mask; i++)
		while (m->t.bucket[i]) {
			struct cidtab_key *e = m->t.bucket[i];
			m->t.bucket[i] = e->hnext;
			free(e);
		}
	if (m)
		cidtab_fini(&m->t);
	free(m);
}

uint64_t qpaths_bytes(const struct qpaths *m)
{
	return m ? m->bytes + m->t.bytes : 0;
}

/* Indexes k for f; false when full, on ENOMEM, or when k is taken. */
static bool add(struct qpaths *m, struct flow *f, const uint8_t *k, size_t n, int aux)
{
	struct qp_entry *e;

	if (m->t.n >= m->max || cidtab_find(&m->t, k, n) || !(e = calloc(1, sizeof *e)))
		return false;
	cidtab_insert(&m->t, &e->k, k, n);
	e->aux = (uint8_t)aux;
	e->f = f;
	e->onext = f->qpaths;
	f->qpaths = e;
	m->bytes += mem_chunk(sizeof *e);
	if (k[0] == 'p')
		m->n_paths++;
	return true;
}

void qpaths_forget(struct qpaths *m, struct flow *f)
{
	while (f->qpaths) {
		struct qp_entry *e = f->qpaths;

		cidtab_remove(&m->t, &e->k);
		f->qpaths = e->onext;
		m->bytes -= mem_chunk(sizeof *e);
		if (e->k.key[0] == 'p')
			m->n_paths--;
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

struct flow *qpaths_find(struct qpaths *m, const struct flow_endpoints *key, const uint8_t *p,
			 size_t n, int *side, bool *new_path)
{
	struct qp_entry *e;

	if (!m || m->t.n == 0)
		return NULL;
	if (m->n_paths) {
		uint8_t k[KEY_MAX];
		bool low;
		size_t kn = path_key(key, k, &low);

		if ((e = (struct qp_entry *)cidtab_find(&m->t, k, kn))) {
			*side = low ? e->aux : 1 - e->aux;
			*new_path = false;
			return e->f;
		}
	}
	if (!(e = (struct qp_entry *)cidtab_find_dcid(&m->t, p, n)))
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
		    m->t.n >= m->max)
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
