/*
 * fuzz_pcapng - the pcapng block walker on a byte stream cut into pieces:
 * the first byte picks the piece size, each piece is copied into an
 * exact-size allocation, and every queued interface must have a name or be
 * -1.  When the first byte's top bit is set the walker has a secrets handler
 * too (pcapng_walk_secrets): each key log it hands over must be inside one
 * block, and the interfaces are queued as without it.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/pcapng_walk.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A key log handed over: read every byte (the sanitizer checks the span). */
static void on_secrets(void *arg, const uint8_t *p, size_t n)
{
	size_t *sum = arg;

	if (n > PCAPNG_DSB_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		*sum += p[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pcapng_walk w;
	size_t chunk, sum = 0;
	bool secrets;
	int32_t v;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	secrets = data[0] & 0x80;
	data++;
	size--;
	pcapng_walk_init(&w);
	if (secrets)
		pcapng_walk_secrets(&w, on_secrets, &sum);
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		uint8_t *p = fuzz_copy(data + off, n);
		if (!p)
			break;
		pcapng_walk_push(&w, p, n);
		free(p);
		/* The reader takes a packet now and then. */
		if (off % 3 == 0 && (v = pcapng_walk_next(&w)) != -1 && !pcapng_walk_name(&w, v))
			abort();
	}
	while ((v = pcapng_walk_next(&w)) != -1)
		if (!pcapng_walk_name(&w, v))
			abort();
	pcapng_walk_done(&w);
	return 0;
}
