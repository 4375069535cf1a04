/*
 * ipfrag.c - IP fragment reassembly.
 *
 * Policy, as Linux has it since 4.19 (RFC 5722 for IPv6, the same for
 * IPv4): a fragment that overlaps bytes already held, other than an exact
 * copy of them, discards the whole datagram (stats fragments.overlaps); a
 * later fragment with the same key starts a new one.  Bytes are tracked in
 * 8-byte units, the fragment granularity of both IPv4 and IPv6.  A datagram
 * is complete when the last fragment (MF clear) has fixed its length and
 * every unit below it is present.
 *
 * Cost and bounds: datagrams sit in a hash table keyed by addresses, id
 * and (IPv4) protocol under a random per-table seed, and on an age list, so
 * that a fragment costs the same however many are in flight.  At most
 * cfg.frag_max_datagrams are in flight and their buffers (grown to the
 * highest byte a fragment reached, not 64 KiB up front) hold at most a
 * quarter of cfg.reasm_memcap; the oldest is dropped to make room
 * (fragments.dropped).  Datagrams not completed within cfg.frag_timeout_ns
 * of packet time are dropped (fragments.timed_out).
 */
#include "ipfrag.h"

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "mem.h"

#define FRAG_MAX 65535u
#define UNITS ((FRAG_MAX + 7) / 8)

struct dgram {
	struct dgram *hnext;             /* hash chain */
	struct dgram *older, *newer;     /* age list */
	uint32_t hash;
	uint8_t af, proto;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint64_t first_ns;
	uint32_t total;          /* 0 until the last fragment arrived */
	uint32_t units_have;
	uint32_t cap;            /* bytes of data */
	uint8_t *data;
	uint8_t have[UNITS / 8 + 1];
};

struct ipfrag {
	const struct tt_config *cfg;
	struct tt_stats *st;
	struct dgram **bucket;
	uint32_t mask;
	uint64_t seed;
	struct dgram *oldest, *newest;
	uint32_t n;
	uint64_t mem, mem_cap;   /* bytes the datagrams hold, and the bound */
	uint8_t *out;            /* the last completed datagram */
	uint64_t fixed;          /* mem_block of bucket and out (asked after every packet) */
};

struct ipfrag *ipfrag_new(const struct tt_config *cfg, struct tt_stats *st)
{
	struct ipfrag *f = calloc(1, sizeof *f);
	uint32_t n = 64;

	if (!f)
		return NULL;
	while (n < 2 * (uint64_t)cfg->frag_max_datagrams && n < (1u << 24))
		n <<= 1;
	f->bucket = calloc(n, sizeof *f->bucket);
	if (!f->bucket) {
		free(f);
		return NULL;
	}
	f->mask = n - 1;
	f->fixed = mem_block(f->bucket);
	f->seed = flow_random_seed();
	f->cfg = cfg;
	f->st = st;
	f->mem_cap = cfg->reasm_memcap / 4;
	if (f->mem_cap < 2 * (sizeof(struct dgram) + FRAG_MAX))
		f->mem_cap = 2 * (sizeof(struct dgram) + FRAG_MAX);
	return f;
}

static uint32_t key_hash(const struct ipfrag *f, uint8_t af, const uint8_t *src,
			 const uint8_t *dst, uint32_t id, uint8_t proto)
{
	uint64_t a = 0, b = 0, c = 0, d = 0, h;

	memcpy(&a, src, 8);
	memcpy(&b, src + 8, 8);
	memcpy(&c, dst, 8);
	memcpy(&d, dst + 8, 8);
	if (af == 4) {
		b = 0;
		d = 0;
		memcpy(&c, dst, 4);
		a &= 0xffffffffull;
		c &= 0xffffffffull;
	}
	h = f->seed ^ ((uint64_t)id << 8 | proto | (uint64_t)af << 40);
	h = (h ^ a) * 0x9e3779b97f4a7c15ull;
	h = (h ^ (h >> 29) ^ b) * 0xc2b2ae3d27d4eb4full;
	h = (h ^ (h >> 31) ^ c) * 0x165667b19e3779f9ull;
	h = (h ^ (h >> 29) ^ d) * 0xd6e8feb86659fd93ull;
	return (uint32_t)(h ^ (h >> 32));
}

/* Unlink d from the table and the age list and free it. */
static void drop(struct ipfrag *f, struct dgram *d)
{
	struct dgram **pp = &f->bucket[d->hash & f->mask];

	while (*pp != d)
		pp = &(*pp)->hnext;
	*pp = d->hnext;
	if (d->older)
		d->older->newer = d->newer;
	else
		f->oldest = d->newer;
	if (d->newer)
		d->newer->older = d->older;
	else
		f->newest = d->older;
	f->mem -= sizeof *d + d->cap;
	f->n--;
	free(d->data);
	free(d);
}

/* f->mem counts the datagrams' structs and buffers as requested; each of
 * the two takes up to 32 bytes more from the allocator. */
uint64_t ipfrag_bytes(const struct ipfrag *f)
{
	return f->mem + 32ull * 2 * f->n + f->fixed;
}

void ipfrag_free(struct ipfrag *f)
{
	if (!f)
		return;
	while (f->oldest)
		drop(f, f->oldest);
	free(f->bucket);
	free(f->out);
	free(f);
}

void ipfrag_expire(struct ipfrag *f, uint64_t now_ns)
{
	/* The age list is in arrival order: the expired ones lead it. */
	while (f->oldest && now_ns > f->oldest->first_ns + f->cfg->frag_timeout_ns) {
		drop(f, f->oldest);
		f->st->frag_timeouts++;
	}
}

static void drop_oldest(struct ipfrag *f, const struct dgram *keep)
{
	if (!f->oldest || f->oldest == keep)
		return;
	drop(f, f->oldest);
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

static struct dgram *find(struct ipfrag *f, const struct pkt *p, uint32_t h)
{
	size_t alen = p->af == 4 ? 4 : 16;

	/* The key: addresses and id, and for IPv4 the protocol (RFC 791).  An
	 * IPv6 fragment's next header may differ between fragments; the one
	 * of the first fragment counts (RFC 8200 4.5). */
	for (struct dgram *d = f->bucket[h & f->mask]; d; d = d->hnext)
		if (d->hash == h && d->af == p->af && d->id == p->frag_id &&
		    (p->af == 6 || d->proto == p->frag_proto) &&
		    memcmp(d->src, p->src, alen) == 0 && memcmp(d->dst, p->dst, alen) == 0)
			return d;
	return NULL;
}

static struct dgram *start(struct ipfrag *f, const struct pkt *p, uint32_t h, uint64_t ts_ns)
{
	size_t alen = p->af == 4 ? 4 : 16;
	struct dgram *d;

	while (f->n >= f->cfg->frag_max_datagrams || f->mem + sizeof *d > f->mem_cap) {
		if (!f->oldest)
			return NULL;
		drop_oldest(f, NULL);
	}
	d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->hash = h;
	d->af = p->af;
	d->proto = p->frag_proto;
	d->id = p->frag_id;
	memcpy(d->src, p->src, alen);
	memcpy(d->dst, p->dst, alen);
	d->first_ns = ts_ns;
	d->hnext = f->bucket[h & f->mask];
	f->bucket[h & f->mask] = d;
	d->older = f->newest;
	if (f->newest)
		f->newest->newer = d;
	else
		f->oldest = d;
	f->newest = d;
	f->n++;
	f->mem += sizeof *d;
	f->st->frag_datagrams++;
	return d;
}

/* Room for bytes up to end; false when the bound says no. */
static bool reserve(struct ipfrag *f, struct dgram *d, uint32_t end)
{
	uint32_t cap = d->cap ? d->cap : 1024;
	uint8_t *nd;

	if (end <= d->cap)
		return true;
	while (cap < end)
		cap = cap * 2 > FRAG_MAX ? FRAG_MAX : cap * 2;
	while (f->mem + (cap - d->cap) > f->mem_cap && f->oldest && f->oldest != d)
		drop_oldest(f, d);
	if (f->mem + (cap - d->cap) > f->mem_cap || !(nd = realloc(d->data, cap)))
		return false;
	memset(nd + d->cap, 0, cap - d->cap);
	f->mem += cap - d->cap;
	d->data = nd;
	d->cap = cap;
	return true;
}

/* The fragment's bytes overlap bytes held: true if they are an exact copy
 * of them (ignored), false if the datagram must go. */
static bool overlap_is_copy(const struct dgram *d, const struct pkt *p, uint32_t end, bool *any)
{
	*any = false;
	for (uint32_t u = p->frag_off / 8; u * 8 < end; u++)
		if (d->have[u / 8] & (1u << (u % 8)))
			*any = true;
		else if (*any)
			return false;   /* partly new, partly held */
	if (!*any)
		return true;
	for (uint32_t u = p->frag_off / 8; u * 8 < end; u++)
		if (!(d->have[u / 8] & (1u << (u % 8))))
			return false;
	return end <= d->cap && memcmp(d->data + p->frag_off, p->frag_data, p->frag_len) == 0;
}

const uint8_t *ipfrag_add(struct ipfrag *f, const struct pkt *p, uint64_t ts_ns,
			  uint8_t *proto, uint32_t *len)
{
	struct dgram *d;
	uint32_t end = p->frag_off + p->frag_len, h;
	bool any;

	if (end > FRAG_MAX || (p->frag_more && p->frag_len % 8)) {
		f->st->err_other++;
		return NULL;
	}
	h = key_hash(f, p->af, p->src, p->dst, p->frag_id, p->af == 4 ? p->frag_proto : 0);
	d = find(f, p, h);
	if (d && !overlap_is_copy(d, p, end, &any)) {
		drop(f, d);
		f->st->frag_overlaps++;
		return NULL;
	}
	if (d && any)
		return NULL;   /* an exact copy of what is held */
	if (!d && !(d = start(f, p, h, ts_ns)))
		return NULL;
	if (!p->frag_more) {
		if (d->total && d->total != end) {
			f->st->err_other++;   /* two different ends: keep the first */
			return NULL;
		}
		d->total = end;
	}
	if (p->af == 6 && p->frag_off == 0)
		d->proto = p->frag_proto;
	if (!reserve(f, d, end)) {
		drop(f, d);
		f->st->frag_dropped++;
		return NULL;
	}
	memcpy(d->data + p->frag_off, p->frag_data, p->frag_len);
	for (uint32_t u = p->frag_off / 8; u * 8 < end; u++) {
		uint32_t a = u * 8;
		if (a + 8 <= end || end == d->total || !p->frag_more) {
			d->have[u / 8] = (uint8_t)(d->have[u / 8] | (1u << (u % 8)));
			d->units_have++;
		}
	}
	if (!complete(d))
		return NULL;
	/* Hand out its bytes, then let it go. */
	f->fixed -= mem_block(f->out);
	free(f->out);
	f->out = d->data;
	f->fixed += mem_block(f->out);
	d->data = NULL;
	f->mem -= d->cap;
	d->cap = 0;
	*proto = d->proto;
	*len = d->total;
	drop(f, d);
	f->st->frag_reassembled++;
	return f->out ? f->out : (const uint8_t *)"";
}
