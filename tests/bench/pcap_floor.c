/*
 * pcap_floor - the cost of reading a capture and nothing else: open it and
 * call pcap_next_ex until the end.  The benchmark divides tlstap's time by
 * this one's on the same file in the same run.
 *
 *   pcap_floor FILE       pcap_open_offline: stdio's default buffer, one
 *                         st_blksize (4 KiB) per read(2) - the floor
 *   pcap_floor -b FILE    the same loop on a FILE with the 1 MiB buffer
 *                         tlstap gives its own input (src/capture.c), so
 *                         that the saving from that buffer is shown apart
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const unsigned char *d;
	unsigned long long pkts = 0, bytes = 0;
	const char *path;
	char *buf = NULL;
	pcap_t *p;
	int rc, big = argc == 3 && strcmp(argv[1], "-b") == 0;

	if (argc != 2 && !big) {
		fprintf(stderr, "usage: pcap_floor [-b] FILE\n");
		return 2;
	}
	path = argv[argc - 1];
	if (big) {
		FILE *f = fopen(path, "rb");
		buf = malloc(1u << 20);
		if (!f || !buf) {
			fprintf(stderr, "pcap_floor: %s: cannot open\n", path);
			return 1;
		}
		setvbuf(f, buf, _IOFBF, 1u << 20);
		p = pcap_fopen_offline(f, err);
	} else {
		p = pcap_open_offline(path, err);
	}
	if (!p) {
		fprintf(stderr, "pcap_floor: %s: %s\n", path, err);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		pkts++;
		bytes += h->caplen;
	}
	pcap_close(p);
	free(buf);
	printf("%llu packets %llu bytes\n", pkts, bytes);
	return rc == PCAP_ERROR ? 1 : 0;
}
