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
 * byte after the kernel's and a library call per packet.  Here a window of
 * the file is mapped and each record is handed out where it lies; a
 * record that does not fit the window moves the window to it.
 */
#include "pcap_map.h"

#include "../parsers/cursor.h"

#include <sys/mman.h>
#include <unistd.h>

#define PMAP_WIN (1u << 20)
/* libpcap's own ceiling for the link types tlstap reads; larger records
 * are left to it (it knows the exceptions). */
#define PMAP_MAX_CAPLEN 262144u
#define PMAP_REC 16u

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
	m->map = NULL;
	m->win = NULL;
	m->wstart = 0;
	m->wlen = 0;
}

void pmap_close(struct pcap_map *m)
{
	if (m->map)
		munmap(m->map, m->wlen);
	m->map = NULL;
	m->win = NULL;
	m->wlen = 0;
}

/* Whether file bytes [off, off + n) are in the window, moving it there
 * when they are not; the caller checked that they are in the file. */
static bool cover(struct pcap_map *m, uint64_t off, size_t n)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), start;
	size_t len;
	void *p;

	if (m->win && off >= m->wstart && off - m->wstart + n <= m->wlen)
		return true;
	pmap_close(m);
	start = off - off % page;
	len = m->size - start < PMAP_WIN ? (size_t)(m->size - start) : PMAP_WIN;
	if (off - start + n > len)
		return false;
	/* Populated at once: the window is read through, in order. */
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, m->fd, (off_t)start);
	if (p == MAP_FAILED)
		return false;
	m->map = p;
	m->win = p;
	m->wstart = start;
	m->wlen = len;
	return true;
}

static uint32_t order(const struct pcap_map *m, uint32_t v)
{
	return m->swapped ? __builtin_bswap32(v) : v;
}

int pmap_next(struct pcap_map *m, struct pmap_pkt *pkt)
{
	uint32_t sec, frac, caplen, len;
	struct cur c;

	if (m->off > m->size || m->size - m->off < PMAP_REC || !cover(m, m->off, PMAP_REC))
		return 0;
	c = cur_make(m->win + (m->off - m->wstart), m->wlen - (size_t)(m->off - m->wstart));
	if (!cur_u32(&c, &sec) || !cur_u32(&c, &frac) || !cur_u32(&c, &caplen) ||
	    !cur_u32(&c, &len))
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
