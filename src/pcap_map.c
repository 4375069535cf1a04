/*
 * pcap_map.c - classic pcap records read in place (see pcap_map.h).
 *
 * The file format (libpcap's savefile, draft-ietf-opsawg-pcap section 4):
 *
 *   file header, 24 bytes          record, 16 bytes + caplen
 *   +-------------------+          +------------------+
 *   | magic        u32  |          | ts seconds   u32 |
 *   | major, minor u16  |          | ts fraction  u32 |  us or ns by magic
 *   | (reserved)   2u32 |          | caplen       u32 |  bytes that follow
 *   | snaplen      u32  |          | len          u32 |  on the wire
 *   | linktype     u32  |          | data ...         |
 *   +-------------------+          +------------------+
 *
 * All fields in the writer's byte order, told by the magic.  libpcap reads
 * each record through stdio into a buffer of its own: two copies of every
 * byte after the kernel's and a library call per packet.  Here the file is
 * read 256 KiB at a time into one buffer and each record is handed out
 * where it lies; a record that does not fit the window's rest is read
 * again at the start of the next window (one longer than a window gets a
 * window of its own).  256 KiB, not the megabyte it was: the kernel's copy
 * of a window passes through this core's 512 KiB L2, and a megabyte of it
 * evicted the connections' state each time.  (A mapping of the file
 * instead made the first touch of each packet's bytes slower than the
 * copy: the user time on corpus-mixed doubled.)
 */
#include "pcap_map.h"

#include "../parsers/cursor.h"

#include <stdlib.h>
#include <unistd.h>

#define PMAP_WIN (1u << 18)
/* libpcap's own ceiling for the link types tlstap reads; larger records
 * are left to it (it knows the exceptions). */
#define PMAP_MAX_CAPLEN 262144u
#define PMAP_REC 16u
/* A window is PMAP_WIN bytes, or one record when that is longer. */
#define PMAP_BUF (PMAP_WIN + PMAP_REC + PMAP_MAX_CAPLEN)

bool pmap_format(struct pcap_map *m, const uint8_t *hdr, size_t n)
{
	struct cur c = cur_make(hdr, n);
	uint32_t magic;
	uint16_t major, minor;

	if (!cur_u32(&c, &magic) || !cur_u16(&c, &major) || !cur_u16(&c, &minor))
		return false;
	switch (magic) {
	case 0xa1b2c3d4: m->swapped = false; m->nano = false; break;
	case 0xa1b23c4d: m->swapped = false; m->nano = true; break;
	case 0xd4c3b2a1: m->swapped = true; m->nano = false; break;
	case 0x4d3cb2a1: m->swapped = true; m->nano = true; break;
	default: return false;
	}
	if (m->swapped) {
		major = (uint16_t)(major << 8 | major >> 8);
		minor = (uint16_t)(minor << 8 | minor >> 8);
	}
	/* Before 2.3 caplen and len could be swapped: libpcap fixes those. */
	return major == 2 && minor == 4;
}

void pmap_start(struct pcap_map *m, int fd, uint64_t size, uint32_t snaplen)
{
	m->fd = fd;
	m->size = size;
	m->off = 24;
	m->snaplen = snaplen;
	m->buf = NULL;
	m->win = NULL;
	m->wstart = 0;
	m->wlen = 0;
}

void pmap_close(struct pcap_map *m)
{
	free(m->buf);
	m->buf = NULL;
	m->win = NULL;
	m->wlen = 0;
}

/* The window read again from file offset off, n bytes at least; false
 * when the file does not hold them (then libpcap reads on from there). */
static bool refill(struct pcap_map *m, uint64_t off, size_t n)
{
	size_t len, got = 0;

	if (!m->buf && !(m->buf = malloc(PMAP_BUF)))
		return false;
	m->win = NULL;
	len = n > PMAP_WIN ? n : PMAP_WIN;
	if (m->size - off < len)
		len = (size_t)(m->size - off);
	if (n > len)
		return false;
	while (got < len) {
		ssize_t r = pread(m->fd, m->buf + got, len - got, (off_t)(off + got));
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	m->win = m->buf;
	m->wstart = off;
	m->wlen = len;
	return true;
}

/* Whether file bytes [off, off + n) are in the window, refilled when they
 * are not.  (Twice a packet: the test inline, the read a call.) */
static inline bool cover(struct pcap_map *m, uint64_t off, size_t n)
{
	if (m->win && off >= m->wstart && off - m->wstart + n <= m->wlen)
		return true;
	return refill(m, off, n);
}

static uint32_t order(const struct pcap_map *m, uint32_t v)
{
	return m->swapped ? __builtin_bswap32(v) : v;
}

const uint8_t *pmap_peek(const struct pcap_map *m, unsigned ahead, uint32_t *caplen)
{
	uint64_t at = m->off - m->wstart;
	uint32_t n = 0;

	if (!m->win || m->off < m->wstart || !ahead)
		return NULL;
	for (;;) {
		/* the record's caplen, read as pmap_next does */
		struct cur c = cur_make(m->win + at, at < m->wlen ? m->wlen - (size_t)at : 0);
		if (!cur_skip(&c, 8) || !cur_u32(&c, &n) || !cur_skip(&c, 4))
			return NULL;
		n = order(m, n);
		if (n > m->wlen - at - PMAP_REC)
			return NULL;
		if (--ahead == 0)
			break;
		at += PMAP_REC + n;
	}
	*caplen = n;
	return m->win + at + PMAP_REC;
}

int pmap_next(struct pcap_map *m, struct pmap_pkt *pkt)
{
	uint32_t sec, frac, caplen, len;
	struct cur c, h;

	if (m->off > m->size || m->size - m->off < PMAP_REC || !cover(m, m->off, PMAP_REC))
		return 0;
	c = cur_make(m->win + (m->off - m->wstart), m->wlen - (size_t)(m->off - m->wstart));
	/* One test for the record header (decode.c's fixed headers likewise). */
	if (!cur_sub(&c, PMAP_REC, &h) || !cur_u32(&h, &sec) || !cur_u32(&h, &frac) ||
	    !cur_u32(&h, &caplen) || !cur_u32(&h, &len))
		return 0;
	sec = order(m, sec);
	frac = order(m, frac);
	caplen = order(m, caplen);
	len = order(m, len);
	if (caplen > m->snaplen || caplen > PMAP_MAX_CAPLEN ||
	    m->size - m->off - PMAP_REC < caplen)
		return 0;
	if (!cover(m, m->off, PMAP_REC + (size_t)caplen))
		return 0;
	c = cur_make(m->win + (m->off - m->wstart), m->wlen - (size_t)(m->off - m->wstart));
	if (!cur_skip(&c, PMAP_REC) || !cur_bytes(&c, caplen, &pkt->data))
		return 0;
	/* As libpcap at nanosecond precision: microseconds times 1000. */
	pkt->ts_ns = (uint64_t)sec * 1000000000u + (m->nano ? frac : (uint64_t)frac * 1000u);
	pkt->caplen = caplen;
	pkt->len = len;
	m->off += PMAP_REC + caplen;
	return 1;
}
