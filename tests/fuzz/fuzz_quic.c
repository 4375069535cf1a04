/*
 * fuzz_quic - the QUIC parsers.  The first byte picks the entry point:
 *   0: a UDP datagram: every coalesced packet parsed; Initials decrypted with
 *      both sides' keys from their own DCID (the fuzzer finds valid ones from
 *      the RFC seeds), their frames walked into CRYPTO streams, and those
 *      streams read as a ClientHello/ServerHello (transport parameters too)
 *      or a gQUIC CHLO; clear-text gQUIC packets likewise.
 *   1: a decrypted payload's frames (IETF), 2: the same in gQUIC mode,
 *   3: transport parameters (both encodings) and a CHLO,
 *   4: a connection (quic_conn): datagrams as [side u8][length u16][bytes],
 *      each copied into its own exact-size allocation, then the flow's end.
 * The rest is copied into an exact-size allocation so overreads are caught.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/gquic.h"
#include "../../parsers/quic.h"
#include "../../parsers/quic_conn.h"
#include "../../parsers/quic_frames.h"
#include "../../parsers/quic_tp.h"
#include "../../parsers/tls_hs.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_stream(const struct quic_cstream *cs, struct anom_set *a)
{
	static struct tls_client_hello ch;
	static struct tls_server_hello sh;
	static struct quic_tp tp;
	struct gquic_chlo chlo;
	uint8_t type;
	uint32_t len;

	if (!cs->contig)
		return;
	gquic_chlo_parse(cs->buf, cs->contig, &chlo, a);
	if (tls_hs_header(cs->buf, cs->contig, &type, &len) != TLS_OK ||
	    len > cs->contig - TLS_HS_HDR)
		return;
	if (type == TLS_HS_CLIENT_HELLO) {
		memset(&ch, 0, sizeof ch);
		tls_parse_client_hello(cs->buf + TLS_HS_HDR, len, &ch, a);
		quic_tp_parse(ch.quic_tp, ch.quic_tp_len, ch.quic_tp_ext == 0x39, &tp, a);
	} else if (type == TLS_HS_SERVER_HELLO) {
		memset(&sh, 0, sizeof sh);
		tls_parse_server_hello(cs->buf + TLS_HS_HDR, len, &sh, a);
	}
}

static void initial(const struct quic_packet *pk, struct quic_cstream cs[2],
		    struct anom_set *a)
{
	static uint8_t out[65536];
	struct quic_keys k[2];
	struct quic_vinfo vi;
	struct quic_frames f;
	size_t n;
	uint64_t pn;

	if (!quic_initial_keys(pk->version, pk->dcid.b, pk->dcid.len, &k[0], &k[1]))
		return;
	quic_version_info(pk->version, &vi);
	for (int side = 0; side < 2; side++) {
		if (quic_unprotect(&k[side], pk, UINT64_MAX, out, sizeof out, &n, &pn, a) != QUIC_OK)
			continue;
		memset(&f, 0, sizeof f);
		quic_frames_parse(out, n, vi.family != QUIC_FAM_IETF, &cs[side], &f, a);
	}
}

static void datagram(const uint8_t *p, size_t n)
{
	struct quic_cstream cs[2] = { { 0 }, { 0 } };
	struct anom_set a = { 0 };
	struct quic_packet pk;
	size_t off = 0;
	uint64_t base = UINT64_MAX;

	quic_sniff(p, n);
	while (off < n && quic_packet_parse(p + off, n - off, &pk, &a) == QUIC_OK) {
		if (pk.type == QUIC_PT_INITIAL)
			initial(&pk, cs, &a);
		else if (pk.type == QUIC_PT_GQUIC)
			gquic_old_packet(&pk, &cs[0], &base, &a);
		off += pk.len;
	}
	for (int side = 0; side < 2; side++) {
		read_stream(&cs[side], &a);
		quic_cstream_free(&cs[side]);
	}
}

static size_t touched;

static void on_hs(void *arg, int side, const uint8_t *b, size_t n)
{
	(void)arg;
	for (size_t i = 0; i < n; i++)
		touched += b[i] + (size_t)side;
}

static void on_prot(void *arg, int side, enum quic_ptype t, size_t len)
{
	(void)arg;
	touched += (size_t)side + (size_t)t + len;
}

static void on_close(void *arg, int side, const struct quic_close *c)
{
	(void)arg;
	touched += (size_t)side + c->reason_len;
}

static void connection(const uint8_t *p, size_t n)
{
	struct quic_events ev = { NULL, on_hs, on_prot, on_close };
	struct quic_conn qc;
	struct anom_set a = { 0 };
	struct cur c = cur_make(p, n);
	uint8_t side;
	uint16_t len;
	const uint8_t *d;

	quic_conn_init(&qc, &ev);
	while (cur_u8(&c, &side) && cur_u16(&c, &len) && cur_bytes(&c, len, &d)) {
		uint8_t *q = malloc(len ? len : 1);

		if (!q)
			break;
		memcpy(q, d, len);
		quic_conn_datagram(&qc, side & 1, q, len, &a);
		free(q);
	}
	quic_conn_finish(&qc, &a);
	quic_conn_free(&qc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct quic_tp tp;
	struct quic_cstream cs = { 0 };
	struct quic_frames f = { 0 };
	struct gquic_chlo chlo;
	struct anom_set a = { 0 };
	uint8_t sel, *body;

	if (size < 1)
		return 0;
	sel = data[0];
	size--;
	body = fuzz_copy(data + 1, size);
	if (!body)
		return 0;
	switch (sel & 7) {
	case 0:
		datagram(body, size);
		break;
	case 4:
		connection(body, size);
		break;
	case 1:
	case 2:
		quic_frames_parse(body, size, (sel & 7) == 2, &cs, &f, &a);
		read_stream(&cs, &a);
		quic_cstream_free(&cs);
		break;
	default:
		quic_tp_parse(body, size, true, &tp, &a);
		quic_tp_parse(body, size, false, &tp, &a);
		gquic_chlo_parse(body, size, &chlo, &a);
		break;
	}
	free(body);
	return 0;
}
