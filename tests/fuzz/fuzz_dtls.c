/*
 * fuzz_dtls - the DTLS record layer, fragment reassembly and the messages
 * that only DTLS has, over a sequence of datagrams.
 *
 * Input: one byte whose low 3 bits are the connection id length, then
 * datagrams, each a u16 length and that many bytes.  Each datagram is copied
 * into an exact-size allocation (so any overread is caught), sniffed, and
 * its records parsed; handshake fragments go through one reassembler, whose
 * whole messages are parsed as what their type says (ClientHello with the
 * cookie, HelloVerifyRequest); ACK records are parsed too.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/cursor.h"
#include "../../parsers/dtls.h"
#include "../../parsers/tls_hs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void messages(struct dtls_reasm *r, bool flush, struct anom_set *a)
{
	static struct tls_client_hello ch;
	struct dtls_hs_msg m;
	uint16_t v;
	uint8_t cl;

	while (dtls_reasm_next(r, flush, &m)) {
		if (m.type == 1 || m.type == 2)
			(void)dtls_hello_cid(m.body, m.len, m.type == 1, &cl);
		if (m.type == 1) {
			memset(&ch, 0, sizeof ch);
			ch.dtls = true;
			tls_parse_client_hello(m.body, m.len, &ch, a);
		} else if (m.type == 3) {
			dtls_parse_hello_verify_request(m.body, m.len, &v, &cl, a);
		}
	}
}

static void datagram(const uint8_t *p, size_t n, uint8_t cid_len, struct dtls_reasm *r,
		     struct anom_set *a)
{
	struct dtls_record rec;
	struct dtls_hs_frag f;
	size_t k, off = 0, fo;

	(void)dtls_sniff(p, n);
	while (off < n && dtls_record_parse(p + off, n - off, cid_len, &rec, &k) == TLS_OK) {
		off += k;
		if (rec.type == DTLS_CT_ACK)
			dtls_parse_ack(rec.body, rec.len, a);
		if (rec.type != TLS_CT_HANDSHAKE || rec.epoch)
			continue;
		fo = 0;
		while (fo < rec.len &&
		       dtls_hs_frag_parse(rec.body + fo, rec.len - fo, &f, &k) == TLS_OK) {
			fo += k;
			dtls_reasm_add(r, &f);
			messages(r, false, a);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cur c = cur_make(data, size), d;
	struct dtls_reasm r;
	struct anom_set a = { 0 };
	uint8_t sel;

	if (!cur_u8(&c, &sel))
		return 0;
	dtls_reasm_init(&r, 4096);
	while (cur_vec16(&c, &d)) {
		uint8_t *p = malloc(d.left ? d.left : 1);
		if (!p)
			break;
		memcpy(p, d.p, d.left);
		datagram(p, d.left, sel & 7, &r, &a);
		free(p);
	}
	messages(&r, true, &a);
	dtls_reasm_free(&r);
	return 0;
}
