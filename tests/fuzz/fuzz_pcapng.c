/*
 * fuzz_pcapng - the pcapng block walker on a byte stream cut into pieces:
 * the first byte picks the piece size, each piece is copied into an
 * exact-size allocation, and every queued interface must have a name or be
 * -1.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/pcapng_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pcapng_walk w;
	size_t chunk;
	int32_t v;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	data++;
	size--;
	pcapng_walk_init(&w);
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		uint8_t *p = malloc(n);
		if (!p)
			return 0;
		memcpy(p, data + off, n);
		pcapng_walk_push(&w, p, n);
		free(p);
		/* The reader takes a packet now and then. */
		if (off % 3 == 0 && (v = pcapng_walk_next(&w)) != -1 && !pcapng_walk_name(&w, v))
			abort();
	}
	while ((v = pcapng_walk_next(&w)) != -1)
		if (!pcapng_walk_name(&w, v))
			abort();
	return 0;
}
