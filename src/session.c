/*
 * session.c - the TCP carrier of a TLS session: each direction's in-order
 * bytes from reassembly cut into records (parsers/tls_stream.c) and handed
 * to the handshake core (tls_core.c) with TCP's own events (gap, FIN, RST).
 *
 *   reassembly --push(dir, bytes)--> tls_stream_next --record--> tls_core_record
 *              --gap / FIN / RST / midstream--------------------> tls_core_*
 *
 * When a connection's first bytes are not TLS, the prelude stage
 * (session_prelude.c, parsers/prelude.c) follows the cleartext of an
 * upgrade or a proxy first and hands each direction to the record stream
 * where its TLS begins:
 *
 *   reassembly --push--> [prelude: STARTTLS, SOCKS, CONNECT, ...] --bytes from
 *                        where TLS begins--> tls_stream_next --> tls_core_*
 *
 * The outcome rules live in the core; this file only translates.
 */
#include <string.h>

#include "../parsers/tls_stream.h"
#include "session.h"
#include "session_impl.h"
#include "tls_core.h"

struct session *session_new(struct tt_ctx *ctx, int syn_side)
{
	return tls_core_new(ctx, "tcp", syn_side);
}

void session_free(struct session *s)
{
	if (s) {
		sess_ovpn_free(s);
		sess_rdp_free(s);
		sess_pre_free(s);
	}
	tls_core_free(s);
}

void session_settle(struct session *s)
{
	core_hello_settle(s);
	core_chain_settle(s);
}

void session_release(struct session *s)
{
	core_chain_release(s);
}

size_t session_hand_over(struct session *s)
{
	struct tt_ctx *ctx = s->ctx;

	ctx->sess_mem -= s->mem < ctx->sess_mem ? s->mem : ctx->sess_mem;
	if (ctx->ch_owner == s)
		ctx->ch_owner = NULL;
	return s->mem;
}

void session_adopt(struct session *s, struct tt_ctx *ctx)
{
	s->ctx = ctx;
	ctx->sess_mem += s->mem;
}

void session_pool_free(struct tt_ctx *ctx)
{
	tls_core_pool_free(ctx);
}

/* One event of the record stream to the core.  Returns whether to go on
 * reading records of this push. */
static bool on_stream_event(struct session *s, int dir, enum tls_stream_ev ev,
			    const struct tls_stream_out *o, uint64_t ts)
{
	struct tls_stream *st = &s->rs[dir];

	switch (ev) {
	case TLS_STREAM_TLS:
		tls_core_looks_tls(s);
		return true;
	case TLS_STREAM_RECORD:
		tls_core_record(s, dir, &o->rec, o->sslv2, ts);
		return true;
	case TLS_STREAM_NOT_TLS:
		tls_core_not_tls(s, dir, st->sniffed);
		return false;
	case TLS_STREAM_INVALID:
		tls_core_anomaly(s, "invalid_record");
		tls_core_discard(s, dir);
		return true;
	case TLS_STREAM_RESYNCED:
		if (o->skipped)
			tls_core_anomaly(s, "record_resync");
		tls_core_resynced(s, dir);
		tls_core_looks_tls(s);
		return true;
	case TLS_STREAM_LOST:
		tls_core_malformed(s, dir, o->bad ? "invalid_record" : "tcp_gap");
		return false;
	case TLS_STREAM_NEED_MORE:
	default:
		return false;
	}
}

/* Whether direction dir's bytes go to the prelude (cleartext before TLS,
 * or records wrapped in another protocol) rather than straight to the
 * record stream. */
static bool to_prelude(const struct session *s, int dir)
{
	return s->pre && (!s->d[dir].pre_tls || s->d[dir].wrapped);
}

size_t session_push(struct session *s, int dir, const uint8_t *p, size_t n, uint64_t ts_ns)
{
	if ((dir != 0 && dir != 1) || !tls_core_wants_data(s))
		return n;
	if (to_prelude(s, dir)) {
		if (n)
			tls_core_bytes(s, dir);
		return sess_pre_push(s, dir, p, n, ts_ns);
	}
	return sess_records_push(s, dir, p, n, ts_ns);
}

/* The record stream's need counts from where the last push stopped: every
 * path that reaches the stream with the caller's bytes (straight, or the
 * prelude handing over at its end) returns what it consumed before the
 * record it waits for.  Bytes the prelude keeps (a wrapped record, a
 * prelude line) are its own, and tell nothing. */
size_t session_want(const struct session *s, int dir)
{
	if ((dir != 0 && dir != 1) || to_prelude(s, dir))
		return 0;
	return s->rs[dir].need;
}

size_t sess_records_push(struct session *s, int dir, const uint8_t *p, size_t n, uint64_t ts_ns)
{
	struct tls_stream *st;
	size_t off = 0;

	st = &s->rs[dir];
	if (st->not_tls)
		return n;
	if (!n)
		return 0;
	tls_core_bytes(s, dir);
	do {
		struct tls_stream_out o;
		enum tls_stream_ev ev;
		size_t used = 0;

		st->known_tls = tls_core_is_tls(s);
		st->sslv2 = tls_core_sslv2(s);
		ev = tls_stream_next(st, p + off, n - off, &used, &o);
		if (ev == TLS_STREAM_NOT_TLS && off == 0 && !tls_core_is_tls(s) &&
		    sess_pre_start(s)) {
			/* Cleartext first: an upgrade or a proxy may lead to TLS. */
			st->not_tls = false;
			return sess_pre_push(s, dir, p, n, ts_ns);
		}
		off += used;
		if (ev == TLS_STREAM_NOT_TLS) {
			on_stream_event(s, dir, ev, &o, ts_ns);
			return n;
		}
		if (!on_stream_event(s, dir, ev, &o, ts_ns))
			break;
	} while (off < n && !tls_core_decided(s));
	return tls_core_decided(s) ? n : off;
}

void session_gap(struct session *s, int dir, uint64_t missing, uint64_t ts_ns)
{
	(void)ts_ns;
	if (dir != 0 && dir != 1)
		return;
	tls_core_gap(s, dir, missing);
	if (s->pre && tls_core_wants_data(s)) {
		sess_pre_gap(s, dir);
		if (!s->d[dir].pre_tls)
			return;
	}
	if (tls_core_wants_data(s))
		tls_stream_gap(&s->rs[dir]);
}

void session_tcp_event(struct session *s, int dir, enum tcp_event ev, uint64_t ts_ns)
{
	if (dir != 0 && dir != 1)
		return;
	if (ev == TCP_EV_SYN)
		return;
	tls_core_time(s, ts_ns);   /* a FIN or RST that decides ends the handshake there */
	if (ev == TCP_EV_FIN)
		tls_core_fin(s, dir);
	else
		tls_core_reset(s, dir);
}

void session_set_framing(struct session *s, const char *name)
{
	s->framing = name;
}

void session_anomaly(struct session *s, const char *code)
{
	tls_core_anomaly(s, code);
	/* Joined late: the first bytes may be in the middle of a record, so
	 * look for a record boundary rather than sniff a ClientHello. */
	if (strcmp(code, "midstream") == 0 && !s->d[0].got_bytes && !s->d[1].got_bytes) {
		tls_core_midstream(s);
		for (int i = 0; i < 2; i++)
			tls_stream_midstream(&s->rs[i]);
	}
}

void session_note_payload(struct session *s, int dir, uint64_t n, uint64_t ts_ns)
{
	(void)ts_ns;
	if (dir == 0 || dir == 1)
		tls_core_note_payload(s, dir, n);
}

bool session_wants_data(const struct session *s)
{
	return tls_core_wants_data(s);
}

bool session_decided(const struct session *s)
{
	return tls_core_done(s);
}

bool session_is_tls(const struct session *s)
{
	return tls_core_is_tls(s) || (s->pre && pre_recognised(s->pre));
}

int session_client_side(const struct session *s)
{
	if (s->client < 0 && s->pre && s->pre->info.client >= 0)
		return s->pre->info.client;
	return tls_core_client_side(s);
}

void session_set_ports(struct session *s, uint16_t port0, uint16_t port1)
{
	s->port[0] = port0;
	s->port[1] = port1;
}

void session_finish(struct session *s, uint64_t ts_ns)
{
	(void)ts_ns;
	if (s->ovpn)
		sess_ovpn_finish(s);
	if (s->rdp)
		sess_rdp_finish(s);
	tls_core_finish(s);
	if (s->pre)
		sess_pre_end(s);
}
