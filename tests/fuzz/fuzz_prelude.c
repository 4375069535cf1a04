/*
 * fuzz_prelude - the prelude parser (parsers/prelude.c) fed a two-direction
 * chunked stream the way the session feeds it:
 *
 *     +-----------+   then   +------+-----------+=============+
 *     | port u16  |          | dir  | len (u16) | bytes (len) |  ...
 *     +-----------+          +------+-----------+=============+
 *
 * The port is the hint pre_init() gets; bit 0 of each chunk's first byte is
 * the direction.  Each chunk, with what the parser left unconsumed, is
 * copied into an exact-size allocation so that a read past what arrived is
 * caught by the sanitizer; the contract (consumed <= n, wrapped chunk inside
 * what was consumed) is checked and a breach aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/prelude.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct side {
	struct fuzz_pend pend;
	int state;              /* 0 prelude, 1 TLS, 2 done */
};

static void push(struct pre_state *ps, struct side *sd, int dir, const struct fuzz_chunk *c)
{
	uint8_t *buf;
	size_t len, off = 0;

	if (sd->state || !c->n)
		return;
	buf = fuzz_join(&sd->pend, c, &len);
	if (!buf)
		return;
	for (;;) {
		size_t used = 0, co = 0, cl = 0, left = len - off;
		uint8_t *exact = fuzz_copy(buf + off, left);
		enum pre_status st;

		if (!exact)
			break;
		st = pre_push(ps, dir, exact, left, &used, &co, &cl);
		free(exact);
		if (used > left || (st == PRE_WRAPPED && (co + cl > used || !cl)))
			abort();
		off += used;
		if (st == PRE_WRAPPED)
			continue;
		if (st == PRE_TLS)
			sd->state = 1;
		else if (st == PRE_DONE || st == PRE_NOT)
			sd->state = 2;
		break;
	}
	fuzz_keep(&sd->pend, buf, len, sd->state ? len : off);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pre_state ps;
	struct side sd[2] = { { { NULL, 0 }, 0 }, { { NULL, 0 }, 0 } };
	struct fuzz_chunk c;

	if (size < 2)
		return 0;
	pre_init(&ps, 0, (uint16_t)(data[0] << 8 | data[1]));
	data += 2;
	size -= 2;
	while (fuzz_next(&data, &size, &c))
		push(&ps, &sd[c.tag & 1], c.tag & 1, &c);
	(void)pre_recognised(&ps);
	(void)pre_result_name(ps.info.result);
	fuzz_drop(&sd[0].pend);
	fuzz_drop(&sd[1].pend);
	return 0;
}
