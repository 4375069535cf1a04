/*
 * pcapng_walk.c - the interface of each packet block of a pcapng stream
 * (draft-ietf-opsawg-pcapng, sections 3 and 4).
 *
 *   block:  type (4) | total length (4) | body ... | total length (4)
 *
 *   SHB  0x0A0D0D0A  byte-order magic 0x1A2B3C4D (4) ... : a new section,
 *                    its interfaces numbered from 0 again, its byte order
 *   IDB  0x00000001  linktype (2) reserved (2) snaplen (4) options:
 *                    code (2) length (2) value, padded to 4; if_name = 2
 *   EPB  0x00000006  interface id (4) ...
 *   SPB  0x00000003  (interface 0)
 *   PB   0x00000002  interface id (2) drops (2) ...   (obsolete)
 *   DSB  0x0000000A  secrets type (4) length (4) data: gathered whole
 *                    when a secrets handler is set (pcapng_walk_secrets)
 *
 * Only the first PCAPNG_KEEP bytes of a block are kept; the rest is
 * skipped as it streams past, so memory does not grow with the packets.
 */
#include "pcapng_walk.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "pcapng_secrets.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_PB 2u
#define BT_SPB 3u
#define BT_EPB 6u
#define OPT_IF_NAME 2u

bool pcapng_walk_is_pcapng(const uint8_t *p, size_t n)
{
	return n >= 4 && p[0] == 0x0a && p[1] == 0x0d && p[2] == 0x0d && p[3] == 0x0a;
}

void pcapng_walk_init(struct pcapng_walk *w)
{
	memset(w, 0, sizeof *w);
}

void pcapng_walk_secrets(struct pcapng_walk *w, pcapng_secrets_fn fn, void *arg)
{
	w->secrets = fn;
	w->secrets_arg = arg;
}

void pcapng_walk_done(struct pcapng_walk *w)
{
	free(w->dsb);
	w->dsb = NULL;
}

/* A 16- or 32-bit value in the section's byte order. */
static bool rd(struct cur *c, bool be, size_t width, uint32_t *v)
{
	const uint8_t *b;

	if (!cur_bytes(c, width, &b))
		return false;
	*v = 0;
	for (size_t i = 0; i < width; i++)
		*v |= (uint32_t)b[be ? i : width - 1 - i] << (8 * (width - 1 - i));
	return true;
}

static void enqueue(struct pcapng_walk *w, uint32_t local)
{
	int32_t idx = local < w->n_section && w->section_base + local < w->n_ifaces ?
		      (int32_t)(w->section_base + local) : -1;

	if (w->count == PCAPNG_QUEUE) {
		w->broken = true;       /* the reader fell too far behind: stop */
		return;
	}
	w->queue[(w->head + w->count) % PCAPNG_QUEUE] = idx;
	w->count++;
}

/* The if_name option of an interface description (kept bytes only). */
static void idb_name(struct pcapng_walk *w, struct cur c, char *out)
{
	uint32_t code, len;

	if (!cur_skip(&c, 8))
		return;
	while (rd(&c, w->big_endian, 2, &code) && rd(&c, w->big_endian, 2, &len) && code != 0) {
		const uint8_t *v;
		if (!cur_bytes(&c, len, &v))
			return;
		if (code == OPT_IF_NAME) {
			size_t n = len < PCAPNG_NAME_MAX - 1 ? len : PCAPNG_NAME_MAX - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			out[strnlen(out, n)] = '\0';   /* a NUL-terminated value */
			return;
		}
		if (!cur_skip(&c, (4 - len % 4) % 4))
			return;
	}
}

/* The kept start of a block is complete: what it says. */
static void block_done(struct pcapng_walk *w)
{
	struct cur c = cur_make(w->blk, w->have);
	uint32_t v;

	cur_skip(&c, 8);
	switch (w->type) {
	case BT_SHB:
		w->section_base = w->n_ifaces;
		w->n_section = 0;
		break;
	case BT_IDB:
		if (w->n_ifaces < PCAPNG_MAX_IFACES && w->section_base + w->n_section == w->n_ifaces) {
			w->name[w->n_ifaces][0] = '\0';
			idb_name(w, c, w->name[w->n_ifaces]);
			w->n_ifaces++;
		}
		w->n_section++;
		break;
	case BT_EPB:
		if (rd(&c, w->big_endian, 4, &v))
			enqueue(w, v);
		else
			w->broken = true;
		break;
	case BT_PB:
		if (rd(&c, w->big_endian, 2, &v))
			enqueue(w, v);
		else
			w->broken = true;
		break;
	case BT_SPB:
		enqueue(w, 0);
		break;
	case PCAPNG_DSB:
		/* Gathered whole (the skip below fills it) for a secrets reader. */
		if (w->secrets && w->len <= PCAPNG_DSB_MAX && (w->dsb = malloc(w->len)) != NULL) {
			memcpy(w->dsb, w->blk, w->have);
			w->dsb_have = w->have;
		}
		break;
	default:
		break;
	}
}

/* A secrets block is whole in dsb: its key log to the handler. */
static void dsb_done(struct pcapng_walk *w)
{
	const uint8_t *data;
	size_t n;

	if (pcapng_dsb_tls(w->dsb + 8, w->dsb_have - 12, !w->big_endian, &data, &n))
		w->secrets(w->secrets_arg, data, n);
	free(w->dsb);
	w->dsb = NULL;
	w->dsb_have = 0;
}

/* The block header is in blk: its type, byte order and length.  Returns
 * whether more header bytes are needed first. */
static bool header(struct pcapng_walk *w)
{
	struct cur c = cur_make(w->blk, w->have);
	uint32_t bom;

	cur_skip(&c, 4);
	w->type = (uint32_t)w->blk[0] << 24 | (uint32_t)w->blk[1] << 16 |
		  (uint32_t)w->blk[2] << 8 | w->blk[3];
	if (w->type == BT_SHB) {
		struct cur m = cur_make(w->blk + 8, w->have - 8);
		if (w->have < 12)
			return true;
		rd(&m, true, 4, &bom);
		if (bom == 0x1A2B3C4Du)
			w->big_endian = true;
		else if (bom == 0x4D3C2B1Au)
			w->big_endian = false;
		else
			w->broken = true;
	} else if (!w->big_endian) {
		w->type = (uint32_t)w->blk[3] << 24 | (uint32_t)w->blk[2] << 16 |
			  (uint32_t)w->blk[1] << 8 | w->blk[0];
	}
	rd(&c, w->big_endian, 4, &w->len);
	if (w->len < 12 || w->len % 4 != 0)
		w->broken = true;
	return false;
}

void pcapng_walk_push(struct pcapng_walk *w, const uint8_t *p, size_t n)
{
	while (n && !w->broken) {
		size_t want, take;

		if (w->skip) {
			take = w->skip < n ? (size_t)w->skip : n;
			if (w->dsb) {
				memcpy(w->dsb + w->dsb_have, p, take);
				w->dsb_have += (uint32_t)take;
			}
			w->skip -= take;
			p += take;
			n -= take;
			if (!w->skip && w->dsb)
				dsb_done(w);
			continue;
		}
		if (w->len == 0) {
			want = w->have < 8 ? 8 : 12;
		} else {
			want = w->len < PCAPNG_KEEP ? w->len : PCAPNG_KEEP;
		}
		take = want - w->have < n ? want - w->have : n;
		memcpy(w->blk + w->have, p, take);
		w->have += (uint32_t)take;
		p += take;
		n -= take;
		if (w->have < want)
			continue;
		if (w->len == 0) {
			if (!header(w) && !w->broken && w->have >= w->len)
				goto done;
			continue;
		}
done:
		block_done(w);
		w->skip = w->len - w->have;
		if (!w->skip && w->dsb)
			dsb_done(w);
		w->have = 0;
		w->len = 0;
	}
}

int32_t pcapng_walk_next(struct pcapng_walk *w)
{
	int32_t v;

	if (!w->count)
		return -1;
	v = w->queue[w->head];
	w->head = (w->head + 1) % PCAPNG_QUEUE;
	w->count--;
	return v;
}

const char *pcapng_walk_name(const struct pcapng_walk *w, int32_t idx)
{
	if (idx < 0 || (uint32_t)idx >= w->n_ifaces)
		return NULL;
	return w->name[idx];
}
