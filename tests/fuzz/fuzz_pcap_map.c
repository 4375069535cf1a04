/*
 * fuzz_pcap_map - the in-place pcap reader (src/pcap_map.h) on any bytes
 * as a file: every record it hands out must be the file's own bytes at
 * the offset it stood at, whole, and the reader must stop inside the file.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/pcap_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcap_map m;
	struct pmap_pkt p;
	uint64_t at;
	int fd;

	if (!pmap_format(&m, data, size))
		return 0;
	fd = memfd_create("fuzz_pcap_map", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	/* The snapshot length as libpcap would give it for most files. */
	pmap_start(&m, fd, size, 65535);
	for (at = m.off; pmap_next(&m, &p) == 1; at = m.off) {
		if (m.off != at + 16 + p.caplen || m.off > size ||
		    memcmp(p.data, data + at + 16, p.caplen) != 0)
			abort();
	}
	if (m.off > size)
		abort();
	pmap_close(&m);
	close(fd);
	return 0;
}
