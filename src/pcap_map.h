/*
 * pcap_map.h - the records of a classic pcap file read in place, from a
 * large buffer of the file, without libpcap's per-packet copies.
 *
 * Only the plain case takes this path: a regular file in the classic
 * format (microsecond or nanosecond magic, either byte order, version
 * 2.4) whose records are whole and within the snapshot length.  At the
 * first record that is anything else (cut short, longer than the
 * snapshot, the end of the file) pmap_next stops and says where: the
 * caller seeks libpcap's FILE there and lets libpcap read on, so that
 * every odd case, and its message, is libpcap's.
 */
#ifndef TLSTAP_PCAP_MAP_H
#define TLSTAP_PCAP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pcap_map {
	int fd;
	uint64_t size;          /* the file's size when opened */
	uint64_t off;           /* the next record's offset */
	uint32_t snaplen;       /* records longer go to libpcap */
	bool swapped;           /* the file's byte order is not big-endian */
	bool nano;              /* fractions are nanoseconds */
	uint8_t *buf;           /* the window's storage (NULL until the first read) */
	const uint8_t *win;     /* file bytes [wstart, wstart + wlen), or NULL */
	uint64_t wstart;
	size_t wlen;
};

/* One record: data points into the window, valid until the next
 * pmap_next or pmap_close. */
struct pmap_pkt {
	uint64_t ts_ns;
	uint32_t caplen, len;
	const uint8_t *data;
};

/* Whether the file header hdr (its first 24 bytes, n of them read) is one
 * pmap can read: the classic magic in either byte order, microseconds or
 * nanoseconds, version 2.4.  Fills m's format fields; the caller still
 * lets libpcap open the file (its header checks and link type). */
bool pmap_format(struct pcap_map *m, const uint8_t *hdr, size_t n);

/* Starts reading fd (size bytes, a regular file) at its first record;
 * snaplen is libpcap's snapshot length for the file.  No mapping yet. */
void pmap_start(struct pcap_map *m, int fd, uint64_t size, uint32_t snaplen);

/* The next record into *pkt: 1, or 0 when the record at m->off is not one
 * pmap reads (m->off == m->size: the end of the file); the caller hands
 * the rest of the file, from m->off, to libpcap. */
int pmap_next(struct pcap_map *m, struct pmap_pkt *pkt);

/* The bytes of the record `ahead` records after the one pmap_next gave
 * last (1: the next one), and their number in *caplen, if they and the
 * records before them are in the window already; else NULL.  Reads
 * nothing and moves nothing: a look ahead. */
const uint8_t *pmap_peek(const struct pcap_map *m, unsigned ahead, uint32_t *caplen);

/* Frees the window; fd stays the caller's. */
void pmap_close(struct pcap_map *m);

#endif
