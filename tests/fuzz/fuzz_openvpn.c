/*
 * fuzz_openvpn - OpenVPN's control packets (parsers/openvpn.c): the input
 * is one direction's bytes; the tls-auth size is learnt from its first
 * packet (ovpn_first) or, failing that, taken from the first byte, and
 * every packet header is read in turn, each from an exact-size copy of what
 * is left so that a read past the end is caught.  Each packet is also read
 * as a UDP datagram (ovpn_packet, ovpn_narrow) and its message put in a
 * channel (ovpn_chan), whose messages come out in order.  The contract (a
 * header within its packet, a packet within the bytes when OK, messages in
 * increasing id) is checked and a breach aborts.
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

/* One packet as a UDP datagram: its layout, its message into the channel. */
static void datagram(struct ovpn_layout *l, struct ovpn_chan *ch, const uint8_t *p, size_t n,
		     size_t auth)
{
	uint8_t *q = exact(p, n);
	struct ovpn_hdr h;
	const uint8_t *m;
	size_t k;
	uint32_t before;

	if (!q)
		return;
	ovpn_narrow(l, q, n, true, NULL);
	if (ovpn_packet(q, n, auth, &h) == OVPN_OK && h.has_msg_id) {
		if (h.hdr_len > n)
			abort();
		ovpn_chan_add(ch, h.msg_id, q + h.hdr_len, n - h.hdr_len);
		before = ch->next;
		while (ovpn_chan_next(ch, &m, &k))
			if (k > OVPN_CHAN_MAX_PAYLOAD || ch->next != ++before)
				abort();
	}
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t auth = 0, off = 0;
	struct ovpn_layout l = { 0 };
	struct ovpn_chan ch;
	uint8_t *q = size > 2 ? exact(data + 2, size - 2) : NULL;

	if (q && ovpn_first(q, size - 2, &l) == OVPN_OK)
		auth = ovpn_layout_auth(&l);
	else
		auth = size ? (size_t)(data[0] % 80) : 0;
	free(q);
	ovpn_chan_init(&ch);
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
		if (size - off < 2u + h.len)
			break;
		datagram(&l, &ch, data + off + 2, h.len, auth);
		off += 2u + h.len;
	}
	ovpn_chan_free(&ch);
	return 0;
}
