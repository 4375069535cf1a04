/*
 * pcapng_secrets.c - pcapng (draft-ietf-opsawg-pcapng section 3.1 block
 * structure, 4.7 Decryption Secrets Block):
 *
 *   block: | type (4) | total length (4) | body ... | total length (4) |
 *   DSB:   | 0x0000000A | length | secrets type | secrets length | secrets ... pad |
 *          secrets type 0x544C534B ("TLSK"): an NSS key log
 *
 * Numbers are in the byte order the section's magic shows; the block walk
 * is pcapng_walk.c's.
 */
#include "pcapng_secrets.h"

#include "cursor.h"

static bool u32(struct cur *c, bool le, uint32_t *v)
{
	uint32_t x;

	if (!cur_u32(c, &x))
		return false;
	*v = le ? (x >> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24) : x;
	return true;
}

bool pcapng_dsb_tls(const uint8_t *body, size_t n, bool le, const uint8_t **data, size_t *len)
{
	struct cur c = cur_make(body, n);
	uint32_t type, slen;

	if (!u32(&c, le, &type) || !u32(&c, le, &slen) || type != 0x544C534B ||
	    !cur_bytes(&c, slen, data))
		return false;
	*len = slen;
	return true;
}
