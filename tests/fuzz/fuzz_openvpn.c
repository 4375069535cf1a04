/*
 * fuzz_openvpn - OpenVPN's TCP control packets (parsers/openvpn.c): the
 * input is one direction's bytes; the tls-auth size is learnt from its first
 * packet (ovpn_auth_size) or, failing that, taken from the first byte, and
 * every packet header is read in turn, each from an exact-size copy of what
 * is left so that a read past the end is caught.  The contract (a header
 * within its packet, a packet within the bytes when OK) is checked and a
 * breach aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/openvpn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *exact(const uint8_t *p, size_t n)
{
	uint8_t *q = calloc(1, n ? n : 1);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t auth = 0, off = 0;
	uint8_t *q = exact(data, size);

	if (!q)
		return 0;
	if (ovpn_auth_size(q, size, &auth) != OVPN_OK)
		auth = size ? (size_t)(data[0] % 80) : 0;
	free(q);
	while (off < size) {
		struct ovpn_hdr h;
		enum ovpn_status st;

		q = exact(data + off, size - off);
		if (!q)
			return 0;
		st = ovpn_header(q, size - off, auth, &h);
		free(q);
		if (st != OVPN_OK)
			break;
		if (h.hdr_len > 2u + h.len || h.hdr_len < 3)
			abort();
		off += 2u + h.len;
	}
	return 0;
}
