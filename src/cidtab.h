/*
 * cidtab.h - a chained hash table on short byte keys: QUIC connection ids
 * ('c' | id) and address-pair keys ('p' | ...), shared by the pipelines'
 * index of QUIC paths (quic_paths.c) and the reader's routing map
 * (quic_route.c).  Intrusive: the caller's entry starts with a struct
 * cidtab_key, which the caller allocates and frees; the table owns only
 * its buckets.  Seeded per table (flow_random_seed()), so nobody outside
 * the process can choose colliding keys; it doubles when the load passes
 * one (on ENOMEM it keeps longer chains, still correct).
 */
#ifndef TLSTAP_CIDTAB_H
#define TLSTAP_CIDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../parsers/quic.h"

#define CIDTAB_KEY_MAX (1 + 4 + 8 + 2 * 18)

struct cidtab_key {
	struct cidtab_key *hnext;
	uint32_t hash;
	uint8_t len;
	uint8_t key[CIDTAB_KEY_MAX];
};

struct cidtab {
	struct cidtab_key **bucket;
	uint32_t mask, n;
	uint32_t n_len[QUIC_MAX_CID + 1];   /* 'c' keys held, by id length */
	uint64_t seed;
	uint64_t bytes;                     /* the buckets' (mem.h) */
};

/* An empty table; false on ENOMEM. */
bool cidtab_init(struct cidtab *t, uint64_t seed);
/* Frees the buckets (the entries are the caller's). */
void cidtab_fini(struct cidtab *t);
/* The entry holding key k[0..n), or NULL. */
struct cidtab_key *cidtab_find(const struct cidtab *t, const uint8_t *k, size_t n);
/* Links e under key k[0..n) (1 <= n <= CIDTAB_KEY_MAX), which must not be
 * held yet. */
void cidtab_insert(struct cidtab *t, struct cidtab_key *e, const uint8_t *k, size_t n);
/* Unlinks e (the caller frees it). */
void cidtab_remove(struct cidtab *t, struct cidtab_key *e);
/* The entry of the connection id datagram p[0..n) is addressed to: a long
 * header says the id's length, a short one does not, so each length of a
 * held id is tried in turn.  NULL when none. */
struct cidtab_key *cidtab_find_dcid(const struct cidtab *t, const uint8_t *p, size_t n);

#endif
