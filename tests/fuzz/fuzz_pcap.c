/*
 * fuzz_pcap - the whole pipeline from capture-file bytes: libpcap reads the
 * input through fmemopen (pcap or pcapng, any link type), then decode,
 * flows, reassembly, TLS, certificates and the emitter run on it.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tt_ctx ctx;
	static int done;
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *pkt;
	struct pipeline *pl;
	pcap_t *p;
	FILE *f;

	if (!done) {
		struct x509_ctx_opts xo = { 0 };
		config_defaults(&ctx.cfg);
		ctx.cfg.max_flows = 256;
		xo.cache_size = 32;
		ctx.x509 = x509_ctx_new(&xo, err, sizeof err);
		ctx.em = emitter_new((const char *[]){ "/dev/null" }, 1, &ctx.cfg, err, sizeof err);
		done = 1;
	}
	if (size == 0)
		return 0;
	f = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (!f)
		return 0;
	p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fclose(f);
		return 0;
	}
	pl = pipeline_new(&ctx);
	if (pl) {
		while (pcap_next_ex(p, &h, &pkt) == 1)
			if (pipeline_dlt_supported(pcap_datalink(p)))
				pipeline_packet(pl, pcap_datalink(p),
						(uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec,
						pkt, h->caplen, h->len);
		pipeline_flush(pl);
		pipeline_free(pl);
	}
	pcap_close(p);   /* closes f */
	return 0;
}
