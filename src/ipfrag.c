/*
 * ipfrag.c - IP fragment reassembly.
 *
 * Policy: the first copy of every byte wins (a later overlapping fragment
 * only fills what is still missing), tracked in 8-byte units, the fragment
 * granularity of both IPv4 and IPv6.  A datagram is complete when the last
 * fragment (MF clear) has fixed its length and every unit below it is
 * present.  Bounds: cfg.frag_max_datagrams in flight (the oldest is dropped
 * to make room), 65,535 bytes each; datagrams not completed within
 * cfg.frag_timeout_ns of packet time are dropped (stats fragments.*).
 */
#include "ipfrag.h"

#include <stdlib.h>
#include <string.h>

#define FRAG_MAX 65535u
#define UNITS ((FRAG_MAX + 7) / 8)

struct dgram {
	struct dgram *next;
	uint8_t af, proto;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint64_t first_ns;
	uint32_t total;          /* 0 until the last fragment arrived */
	uint32_t units_have;
	uint8_t have[UNITS / 8 + 1];
	uint8_t data[FRAG_MAX];
};

struct ipfrag {
	const struct tt_config *cfg;
	struct tt_stats *st;
	struct dgram *list;      /* newest first */
	uint32_t n;
	uint8_t *out;            /* the last completed datagram */
};

struct ipfrag *ipfrag_new(const struct tt_config *cfg, struct tt_stats *st)
{
	struct ipfrag *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->cfg = cfg;
	f->st = st;
	return f;
}

static void drop_all(struct ipfrag *f)
{
	while (f->list) {
		struct dgram *d = f->list;
		f->list = d->next;
		free(d);
	}
	f->n = 0;
}

void ipfrag_free(struct ipfrag *f)
{
	if (!f)
		return;
	drop_all(f);
	free(f->out);
	free(f);
}

void ipfrag_expire(struct ipfrag *f, uint64_t now_ns)
{
	struct dgram **pp = &f->list;

	while (*pp) {
		struct dgram *d = *pp;
		if (now_ns > d->first_ns + f->cfg->frag_timeout_ns) {
			*pp = d->next;
			free(d);
			f->n--;
			f->st->frag_timeouts++;
		} else
			pp = &d->next;
	}
}

static void drop_oldest(struct ipfrag *f)
{
	struct dgram **pp = &f->list;

	if (!*pp)
		return;
	while ((*pp)->next)
		pp = &(*pp)->next;
	free(*pp);
	*pp = NULL;
	f->n--;
	f->st->frag_dropped++;
}

/* Every unit below the end is present (units past the end, sent by a
 * fragment that disagrees about where the datagram ends, do not count). */
static int complete(const struct dgram *d)
{
	uint32_t units = (d->total + 7) / 8;

	if (!d->total || d->units_have < units)
		return 0;
	for (uint32_t u = 0; u < units; u++)
		if (!(d->have[u / 8] & (1u << (u % 8))))
			return 0;
	return 1;
}

const uint8_t *ipfrag_add(struct ipfrag *f, const struct pkt *p, uint64_t ts_ns,
			  uint8_t *proto, uint32_t *len)
{
	size_t alen = p->af == 4 ? 4 : 16;
	struct dgram *d, **pp;
	uint32_t end = p->frag_off + p->frag_len;

	if (end > FRAG_MAX || (p->frag_more && p->frag_len % 8)) {
		f->st->err_other++;
		return NULL;
	}
	/* The key: addresses and id, and for IPv4 the protocol (RFC 791).  An
	 * IPv6 fragment's next header may differ between fragments; the one
	 * of the first fragment counts (RFC 8200 4.5). */
	for (pp = &f->list; (d = *pp) != NULL; pp = &d->next)
		if (d->af == p->af && d->id == p->frag_id &&
		    (p->af == 6 || d->proto == p->frag_proto) &&
		    memcmp(d->src, p->src, alen) == 0 && memcmp(d->dst, p->dst, alen) == 0)
			break;
	if (!d) {
		if (f->n >= f->cfg->frag_max_datagrams)
			drop_oldest(f);
		d = calloc(1, sizeof *d);
		if (!d)
			return NULL;
		d->af = p->af;
		d->proto = p->frag_proto;
		d->id = p->frag_id;
		memcpy(d->src, p->src, alen);
		memcpy(d->dst, p->dst, alen);
		d->first_ns = ts_ns;
		d->next = f->list;
		f->list = d;
		f->n++;
		f->st->frag_datagrams++;
		pp = &f->list;
	}
	if (!p->frag_more) {
		if (d->total && d->total != end) {
			f->st->err_other++;   /* two different ends: keep the first */
			return NULL;
		}
		d->total = end;
	}
	if (p->af == 6 && p->frag_off == 0)
		d->proto = p->frag_proto;
	/* First copy wins, per 8-byte unit. */
	for (uint32_t u = p->frag_off / 8; u * 8 < end; u++) {
		uint32_t a = u * 8, b = a + 8 < end ? a + 8 : end;
		if (d->have[u / 8] & (1u << (u % 8)))
			continue;
		memcpy(d->data + a, p->frag_data + (a - p->frag_off), b - a);
		if (b - a == 8 || b == end) {
			d->have[u / 8] = (uint8_t)(d->have[u / 8] | (1u << (u % 8)));
			d->units_have++;
		}
	}
	if (!complete(d))
		return NULL;
	/* Detach, hand out its bytes. */
	for (pp = &f->list; *pp != d; pp = &(*pp)->next)
		;
	*pp = d->next;
	f->n--;
	free(f->out);
	f->out = malloc(d->total ? d->total : 1);
	if (!f->out) {
		free(d);
		return NULL;
	}
	memcpy(f->out, d->data, d->total);
	*proto = d->proto;
	*len = d->total;
	free(d);
	f->st->frag_reassembled++;
	return f->out;
}
