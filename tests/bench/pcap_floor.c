/*
 * pcap_floor - the cost of reading a capture and nothing else: open it and
 * call pcap_next_ex until the end.  The benchmark divides tlstap's time by
 * this one's on the same file in the same run.
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const unsigned char *d;
	unsigned long long pkts = 0, bytes = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_floor FILE\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcap_floor: %s: %s\n", argv[1], err);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		pkts++;
		bytes += h->caplen;
	}
	pcap_close(p);
	printf("%llu packets %llu bytes\n", pkts, bytes);
	return rc == PCAP_ERROR ? 1 : 0;
}
