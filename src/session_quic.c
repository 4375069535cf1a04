/*
 * session_quic.c - the QUIC carrier: datagrams into handshake-core events
 * (RFC 9000, RFC 9001, RFC 9369; Google QUIC).
 *
 *   datagram -> quic_conn (parsers/quic_conn.c): packets, Initial keys,
 *     CRYPTO reassembly
 *       handshake bytes (ClientHello, ServerHello) ---> tls_core_handshake_bytes
 *       Handshake, 0-RTT, 1-RTT packets -------------> tls_core_record: TLS 1.3's
 *                                                      "encrypted record of N bytes"
 *       CONNECTION_CLOSE, CRYPTO_ERROR (0x100+alert) -> tls_core_record: a cleartext
 *                                                      fatal alert
 *       CONNECTION_CLOSE, another error -------------> tls_core_reset
 *
 * What differs from TLS over TCP, and how it is handled:
 * - Everything after the hellos is encrypted, so the outcome follows the
 *   core's TLS 1.3 inference, fed with packets: the server's Handshake and
 *   1-RTT packets are its flight; the client's flight is its first 1-RTT
 *   packet, which it can only send once it has the server's Finished and
 *   sent its own (its Handshake packets are not taken as the flight: they
 *   may carry a CONNECTION_CLOSE that rejects the server's certificate).
 *   0-RTT packets are early data.  QUIC carries no TLS alert records, so no
 *   packet counts as alert-sized (lengths are reported as at least 32).
 *   tls.quic.outcome_inferred marks the result.
 * - A CONNECTION_CLOSE in an Initial packet with a transport error (not a
 *   TLS alert) ends the handshake like a reset; from a client that had no
 *   answer it changes nothing (no_server_response stands).
 * - There is no FIN or RST: otherwise the outcome is decided by the
 *   inference or when the flow times out.
 * - Google QUIC (Q024..Q050) is not TLS: its CHLO is reported in
 *   tls.quic.gquic and the session has no outcome beyond `incomplete`.
 */
#include <stdlib.h>
#include <string.h>

#include "../parsers/quic_conn.h"
#include "quic_session.h"
#include "session_impl.h"
#include "session_quic.h"
#include "tls_core.h"

struct quic_ev {
	struct session *s;
	uint64_t ts;
};

static void on_handshake(void *arg, int side, const uint8_t *b, size_t n)
{
	struct quic_ev *e = arg;
	struct session *s = e->s;

	if (!tls_core_wants_data(s))
		return;
	tls_core_looks_tls(s);
	tls_core_handshake_bytes(s, side, b, n, e->ts);
	if (side == s->client && core_ch(s) && !s->quic->have_tp)
		quic_sess_client_hello(s->quic, core_ch(s), &s->anom);
}

static void on_protected(void *arg, int side, enum quic_ptype type, size_t len)
{
	struct quic_ev *e = arg;
	struct session *s = e->s;
	struct tls_record r = { 0 };
	static const int slot[] = { [QUIC_PT_INITIAL] = 0, [QUIC_PT_0RTT] = 1,
				    [QUIC_PT_HANDSHAKE] = 2, [QUIC_PT_SHORT] = 3 };

	if (type == QUIC_PT_INITIAL)   /* one that no key opened: counted by quic_conn */
		return;
	if (type <= QUIC_PT_SHORT)
		s->quic->packets[side][slot[type]]++;
	if (!tls_core_wants_data(s) || !tls_core_is_tls(s) || s->client < 0 || s->quic->qc.gquic)
		return;
	if (type == QUIC_PT_HANDSHAKE && side == s->client)
		return;   /* not the client's flight (see above) */
	r.type = TLS_CT_APPDATA;
	r.version = 0x0303;
	r.len = (uint16_t)(len < 32 ? 32 : len > 0xffff ? 0xffff : len);
	tls_core_record(s, side, &r, false, e->ts);
}

static void on_close(void *arg, int side, const struct quic_close *c)
{
	struct quic_ev *e = arg;
	struct session *s = e->s;
	uint8_t alert[2];
	struct tls_record r = { 0 };

	tls_core_anomaly(s, "quic_connection_close");
	if (!tls_core_wants_data(s))
		return;
	if (!c->app && c->code >= 0x100 && c->code <= 0x1ff) {
		alert[0] = 2;   /* fatal */
		alert[1] = (uint8_t)(c->code - 0x100);
		r.type = TLS_CT_ALERT;
		r.version = 0x0303;
		r.body = alert;
		r.len = 2;
		tls_core_record(s, side, &r, false, e->ts);
		return;
	}
	if (side == s->client && !s->d[1 - side].got_bytes)
		return;   /* the client gave up: its peer's silence decides */
	tls_core_reset(s, side);
}

static struct quic_sess *quic_state(struct session *s, struct quic_ev *ev)
{
	struct quic_events qe = { ev, on_handshake, on_protected, on_close };

	if (!s->quic) {
		s->quic = calloc(1, sizeof *s->quic);
		if (!s->quic)
			return NULL;
		core_mem_add(s, sizeof *s->quic);
		quic_conn_init(&s->quic->qc, &qe);
	}
	s->quic->qc.ev.arg = ev;
	return s->quic;
}

struct session *session_quic_new(struct tt_ctx *ctx)
{
	struct session *s = tls_core_new(ctx, "quic", -1);
	struct quic_ev ev = { s, 0 };

	if (s && !quic_state(s, &ev)) {
		tls_core_free(s);
		return NULL;
	}
	if (s)
		s->quic->qc.ev.arg = NULL;
	return s;
}

/* The CRYPTO streams' buffers count in the session's memory. */
static void sync_mem(struct session *s)
{
	struct quic_sess *q = s->quic;
	size_t now = q->qc.cs[0].cap * 9 / 8 + q->qc.cs[1].cap * 9 / 8;

	if (now > q->mem_counted)
		core_mem_add(s, now - q->mem_counted);
	else
		core_mem_sub(s, q->mem_counted - now);
	q->mem_counted = now;
}

void session_quic_datagram(struct session *s, int dir, const uint8_t *p, size_t n,
			   uint32_t missing, uint64_t ts_ns)
{
	struct quic_ev ev = { s, ts_ns };
	struct quic_sess *q;
	bool had_chlo;

	if ((dir != 0 && dir != 1) || !(q = quic_state(s, &ev)))
		return;
	q->last_ts = ts_ns;
	if (n)
		tls_core_bytes(s, dir);
	had_chlo = q->qc.have_chlo;
	if (missing)
		anom_add(&s->anom, "datagram_truncated");
	quic_conn_datagram(&q->qc, dir, p, n, &s->anom);
	if (q->qc.client_side >= 0 && s->client < 0)
		s->client = q->qc.client_side;
	if (!tls_core_is_tls(s) && (q->qc.first_version || (!had_chlo && q->qc.have_chlo)))
		/* A QUIC packet of a known version was read: the connection gets
		 * a record even if no hello is ever decrypted (Google QUIC's
		 * CHLO, an Initial that does not open, a capture that starts
		 * late). */
		tls_core_looks_tls(s);
	if (q->qc.client_side < 0 && !q->qc.gquic && q->qc.n_undecrypted[dir] &&
	    !s->d[1 - dir].got_bytes && !anom_has(&s->anom, "midstream")) {
		/* The first Initial seen is not the client's: joined late. */
		tls_core_anomaly(s, "midstream");
		tls_core_midstream(s);
	}
	q->qc.ev.arg = NULL;
	sync_mem(s);
}

/* The flow ended: a client hello still held (no answer) goes to the core
 * now, before the outcome is decided; the buffers are freed. */
void sess_quic_finish(struct session *s)
{
	struct quic_ev ev = { s, s->quic->last_ts };

	s->quic->qc.ev.arg = &ev;
	quic_conn_finish(&s->quic->qc, &s->anom);
	s->quic->qc.ev.arg = NULL;
	quic_conn_free(&s->quic->qc);
	sync_mem(s);
}

/* Frees the CRYPTO buffers; what the record reports stays. */
void sess_quic_free(struct session *s)
{
	if (!s->quic)
		return;
	quic_conn_free(&s->quic->qc);
	sync_mem(s);
}

unsigned session_quic_cids(const struct session *s, const uint8_t *cid[2], uint8_t len[2])
{
	const struct quic_conn *qc = &s->quic->qc;
	unsigned known = 0;

	if (qc->gquic)
		return 0;
	cid[0] = qc->client_scid.b;
	len[0] = qc->client_scid.len;
	cid[1] = qc->server_scid.b;
	len[1] = qc->server_scid.len;
	if (qc->client_side >= 0)
		known |= 1;
	if (qc->server_scid_set)
		known |= 2;
	return known;
}

unsigned session_quic_paths(const struct session *s)
{
	return s->quic ? s->quic->paths : 0;
}

void session_quic_new_path(struct session *s)
{
	if (s->quic)
		s->quic->paths++;
}
