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
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = { 1, 113, 276, 12, 14, 101, 228, 229, 0, 108, 9, 50, 105, 119, 127, 163 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tt_ctx ctx;
	static int done;
	struct pipeline *pl;
	struct fuzz_chunk c;
	uint64_t ts = 1700000000ull * 1000000000ull;

	if (!done) {
		struct x509_ctx_opts xo = { 0 };
		char err[256];
		config_defaults(&ctx.cfg);
		ctx.cfg.max_flows = 64;
		xo.cache_size = 16;
		ctx.x509 = x509_ctx_new(&xo, err, sizeof err);
		ctx.em = emitter_new((const char *[]){ "/dev/null" }, 1, &ctx.cfg, err, sizeof err);
		done = 1;
	}
	pl = pipeline_new(&ctx);
	if (!pl)
		return 0;
	while (fuzz_next(&data, &size, &c)) {
		int dlt = dlts[c.tag % (sizeof dlts / sizeof *dlts)];
		uint8_t knobs = (uint8_t)(c.len >> 8);   /* time step and wire-length excess */
		uint8_t *pkt = fuzz_copy(c.p, c.n);

		if (!pkt)
			break;
		ts += (uint64_t)(knobs & 0x3f) * 1000000000ull / 8;
		pipeline_packet(pl, dlt, ts, pkt, (uint32_t)c.n, (uint32_t)c.n + (knobs & 0x40 ? 100 : 0));
		free(pkt);
	}
	pipeline_flush(pl);
	pipeline_free(pl);
	return 0;
}
