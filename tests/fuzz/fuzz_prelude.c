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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct side {
	uint8_t *pend;
	size_t plen;
	int state;              /* 0 prelude, 1 TLS, 2 done */
};

static void push(struct pre_state *ps, struct side *sd, int dir, const uint8_t *b, size_t n)
{
	uint8_t *buf;
	size_t len, off = 0;

	if (sd->state || !n)
		return;
	len = sd->plen + n;
	buf = malloc(len);
	if (!buf)
		return;
	if (sd->plen)
		memcpy(buf, sd->pend, sd->plen);
	memcpy(buf + sd->plen, b, n);
	free(sd->pend);
	sd->pend = NULL;
	sd->plen = 0;
	for (;;) {
		size_t used = 0, co = 0, cl = 0, left = len - off;
		uint8_t *exact = malloc(left ? left : 1);
		enum pre_status st;

		if (!exact)
			break;
		memcpy(exact, buf + off, left);
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
	if (!sd->state && off < len) {
		sd->plen = len - off;
		sd->pend = malloc(sd->plen);
		if (sd->pend)
			memcpy(sd->pend, buf + off, sd->plen);
		else
			sd->plen = 0;
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pre_state ps;
	struct side sd[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };

	if (size < 2)
		return 0;
	pre_init(&ps, 0, (uint16_t)(data[0] << 8 | data[1]));
	data += 2;
	size -= 2;
	while (size >= 3) {
		int dir = data[0] & 1;
		size_t len = (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		push(&ps, &sd[dir], dir, data, len);
		data += len;
		size -= len;
	}
	(void)pre_recognised(&ps);
	(void)pre_result_name(ps.info.result);
	free(sd[0].pend);
	free(sd[1].pend);
	return 0;
}
