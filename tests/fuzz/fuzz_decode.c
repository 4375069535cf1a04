/*
 * fuzz_decode - the packet decoder and everything behind it.  The input is a
 * sequence of packets, each as [dlt selector u8][caplen u16][bytes], copied
 * into an exact-size allocation: every link type, fragments, flows,
 * reassembly and sessions run on hostile frames.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = { 1, 113, 276, 12, 14, 101, 228, 229, 0, 108, 9, 50, 105, 119, 127, 163 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tt_ctx ctx;
	static int done;
	struct pipeline *pl;
	uint64_t ts = 1700000000ull * 1000000000ull;

	if (!done) {
		struct x509_ctx_opts xo = { 0 };
		char err[256];
		config_defaults(&ctx.cfg);
		ctx.cfg.max_flows = 64;
		xo.cache_size = 16;
		ctx.x509 = x509_ctx_new(&xo, err, sizeof err);
		ctx.em = emitter_new((const char *[]){ "/dev/null" }, 1, false, err, sizeof err);
		done = 1;
	}
	pl = pipeline_new(&ctx);
	if (!pl)
		return 0;
	while (size >= 3) {
		int dlt = dlts[data[0] % (sizeof dlts / sizeof *dlts)];
		size_t len = (size_t)data[1] << 8 | data[2];
		uint8_t knobs = data[1];   /* time step and wire-length excess */
		uint8_t *pkt;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		pkt = malloc(len ? len : 1);
		if (!pkt)
			break;
		memcpy(pkt, data, len);
		ts += (uint64_t)(knobs & 0x3f) * 1000000000ull / 8;
		pipeline_packet(pl, dlt, ts, pkt, (uint32_t)len, (uint32_t)len + (knobs & 0x40 ? 100 : 0));
		free(pkt);
		data += len;
		size -= len;
	}
	pipeline_flush(pl);
	pipeline_free(pl);
	return 0;
}
