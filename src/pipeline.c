/*
 * pipeline.c - packets in, records out.
 *
 *   decode_packet -> [ipfrag_add] -> flow_lookup/insert -> reasm_segment
 *       -> session_push ... -> emit_session -> flow freed
 *
 * Orientation: the sender of a SYN without ACK is the client (the SYN+ACK
 * sender the server); without a handshake (midstream pickup), the session
 * names the client by who sent the ClientHello, and failing that the first
 * packet's sender is taken (README "Orientation").
 *
 * Timeouts run on packet time, checked once per second of it: closed flows
 * (FIN both ways or RST) after cfg.tcp_closed_timeout_ns, others after
 * cfg.tcp_idle_timeout_ns.  At cfg.max_flows, the least recently active flow
 * (closed ones first) is evicted.  Every way a flow ends goes through
 * end_flow(): finish the session, emit if it was TLS and not yet emitted,
 * free.
 */
#include "../parsers/x509.h"
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "emit.h"
#include "flow.h"
#include "ipfrag.h"
#include "reasm.h"
#include "session.h"
#include "verdict.h"

#define SEC 1000000000ull

struct pipeline {
	struct tt_ctx *ctx;
	struct flow_table *ft;
	struct ipfrag *frag;
	struct reasm_mem mem;
	uint64_t last_ts, next_check;
};

struct sinkctx {
	struct pipeline *pl;
	struct flow *f;
};

static size_t sink_data(void *u, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
	struct sinkctx *k = u;
	return session_push(k->f->sess, dir, p, n, ts);
}

static void sink_gap(void *u, int dir, uint64_t missing, uint64_t ts)
{
	struct sinkctx *k = u;
	session_gap(k->f->sess, dir, missing, ts);
}

static void sink_anomaly(void *u, const char *code)
{
	struct sinkctx *k = u;
	session_anomaly(k->f->sess, code);
}

static void sink_fin(void *u, int dir, uint64_t ts)
{
	struct sinkctx *k = u;
	session_tcp_event(k->f->sess, dir, TCP_EV_FIN, ts);
}

struct pipeline *pipeline_new(struct tt_ctx *ctx)
{
	struct pipeline *pl = calloc(1, sizeof *pl);
	struct tt_stats *st = &ctx->st;

	if (!pl)
		return NULL;
	pl->ctx = ctx;
	pl->ft = flow_table_new(ctx->cfg.max_flows);
	pl->frag = ipfrag_new(&ctx->cfg, st);
	if (!pl->ft || !pl->frag) {
		flow_table_free(pl->ft);
		ipfrag_free(pl->frag);
		free(pl);
		return NULL;
	}
	pl->mem.cap = ctx->cfg.reasm_memcap;
	pl->mem.dir_limit = ctx->cfg.reasm_dir_limit;
	pl->mem.gaps = &st->reasm_gaps;
	pl->mem.gap_bytes = &st->reasm_gap_bytes;
	pl->mem.memcap_hits = &st->reasm_memcap_hits;
	pl->mem.dir_limit_hits = &st->reasm_dir_limit_hits;
	pl->mem.conflicts = &st->reasm_overlap_conflicts;
	return pl;
}

int pipeline_dlt_supported(int dlt)
{
	return decode_dlt_supported(dlt);
}

uint64_t pipeline_last_time(const struct pipeline *pl)
{
	return pl->last_ts;
}

/* The client of a flow seen without hellos or SYN (picked up mid-stream),
 * by its ports: the side on a well-known port (< 1024) or, failing that,
 * on the lower of two ports is the server.  Equal ports: side 0. */
static int client_by_ports(const struct flow *f)
{
	uint16_t a = f->ep.port[0], b = f->ep.port[1];

	if (a == b)
		return 0;
	if ((a < 1024) != (b < 1024))
		return a < 1024 ? 1 : 0;
	return a < b ? 1 : 0;
}

/* The session's verdict (verdict.c), then its record (emit.c). */
static void emit_flow(struct pipeline *pl, struct flow *f)
{
	struct flow_info fi = { &f->ep, &f->ct, f->syn_side, f->sess, NULL };
	struct verdict v;

	if (f->sess) {
		int client = session_client_side(f->sess);
		if (client < 0)
			client = f->syn_side >= 0 ? f->syn_side : client_by_ports(f);
		verdict_build(f->sess, pl->ctx, client, &v);
		fi.verdict = &v;
	}
	emit_session(pl->ctx, &fi);
	f->emitted = true;
}

static void stop_reasm(struct pipeline *pl, struct flow *f)
{
	for (int d = 0; d < 2; d++)
		if (!f->rd[d].stopped)
			reasm_stop(&f->rd[d], &pl->mem);
}

static void end_flow(struct pipeline *pl, struct flow *f)
{
	struct tt_stats *st = &pl->ctx->st;

	if (f->sess) {
		struct sinkctx sc = { pl, f };
		struct reasm_sink k = { sink_data, sink_gap, sink_anomaly, sink_fin, &sc };
		for (int d = 0; d < 2; d++)
			if (!f->rd[d].stopped && session_wants_data(f->sess))
				reasm_flush(&f->rd[d], d, f->ct.last_ns, &pl->mem, &k);
		if (f->rst)
			session_tcp_event(f->sess, f->rst_side, TCP_EV_RST, f->rst_ns);
		session_finish(f->sess, f->ct.last_ns);
		if (session_is_tls(f->sess)) {
			if (!f->emitted)
				emit_flow(pl, f);
		} else {
			st->sessions_not_tls++;
		}
	}
	for (int d = 0; d < 2; d++)
		reasm_free(&f->rd[d], &pl->mem);
	session_free(f->sess);
	flow_remove(pl->ft, f);
	free(f);
	st->flows_active = flow_count(pl->ft);
}

static void expire(struct pipeline *pl, uint64_t now)
{
	const struct tt_config *cfg = &pl->ctx->cfg;
	struct flow *f;

	ipfrag_expire(pl->frag, now);
	while ((f = flow_oldest(pl->ft, true)) && f->ct.last_ns + cfg->tcp_closed_timeout_ns < now) {
		pl->ctx->st.flows_timed_out++;
		end_flow(pl, f);
	}
	while ((f = flow_oldest(pl->ft, false)) && f->ct.last_ns + cfg->tcp_idle_timeout_ns < now) {
		pl->ctx->st.flows_timed_out++;
		end_flow(pl, f);
	}
}

static void maybe_expire(struct pipeline *pl, uint64_t now)
{
	if (now < pl->next_check)
		return;
	pl->next_check = now + SEC;
	expire(pl, now);
}

void pipeline_tick(struct pipeline *pl, uint64_t now_ns)
{
	if (now_ns > pl->last_ts)
		maybe_expire(pl, now_ns);
}

/* Sessions hold more than cfg.session_memcap: end the least recently
 * active connections that have one (closed ones first), each reported with
 * what it knew and the anomaly session_memcap, until they fit again.  The
 * walk from the old end skips flows without a session, at most a bounded
 * number of them per eviction, so a SYN flood cannot make this slow. */
#define SHED_WALK 256

static void shed_sessions(struct pipeline *pl, struct flow *keep)
{
	struct tt_ctx *ctx = pl->ctx;

	for (int list = 1; list >= 0 && ctx->sess_mem > ctx->cfg.session_memcap; list--) {
		struct flow *f = flow_oldest(pl->ft, list == 1);
		int walked = 0;
		while (f && ctx->sess_mem > ctx->cfg.session_memcap && walked < SHED_WALK) {
			struct flow *newer = f->prev;
			if (f != keep && f->sess) {
				session_anomaly(f->sess, "session_memcap");
				ctx->st.flows_evicted_memcap++;
				ctx->st.flows_evicted++;
				end_flow(pl, f);
				walked = 0;
			} else {
				walked++;
			}
			f = newer;
		}
	}
}

static bool is_closed(const struct flow *f)
{
	return f->rst || (f->fin[0] && f->fin[1]);
}

static void tcp(struct pipeline *pl, struct pkt *p, uint64_t ts)
{
	struct tt_stats *st = &pl->ctx->st;
	struct flow_endpoints key;
	struct flow *f;
	struct sinkctx sc;
	struct reasm_sink k;
	int side = 0;
	bool syn = p->flags & TCP_SYN, ack = p->flags & TCP_ACK;
	bool fin = p->flags & TCP_FIN, rst = p->flags & TCP_RST;
	uint32_t seq;

	memset(&key, 0, sizeof key);
	key.af = p->af;
	memcpy(key.addr[0], p->src, 16);
	memcpy(key.addr[1], p->dst, 16);
	key.port[0] = p->sport;
	key.port[1] = p->dport;
	key.has_vlan = p->has_vlan;
	key.vlan = p->vlan;

	f = flow_lookup(pl->ft, &key, &side);
	if (f && syn && !ack && is_closed(f)) {
		end_flow(pl, f);   /* the port pair is reused by a new connection */
		f = NULL;
	}
	if (!f) {
		if (!syn && p->payload_len == 0)
			return;   /* a stray ACK, FIN or RST: no connection to report */
		if (flow_count(pl->ft) >= flow_max(pl->ft)) {
			struct flow *old = flow_oldest(pl->ft, true);
			if (!old)
				old = flow_oldest(pl->ft, false);
			if (old) {
				st->flows_evicted++;
				end_flow(pl, old);
			}
		}
		f = flow_insert(pl->ft, &key);
		if (!f)
			return;
		side = 0;
		st->flows_created++;
		st->flows_active = flow_count(pl->ft);
	}
	if (!f->ct.first_ns)
		f->ct.first_ns = ts;
	if (ts > f->ct.last_ns)
		f->ct.last_ns = ts;
	f->ct.bytes[side] += p->ip_len;
	f->ct.pkts[side]++;

	if (syn) {
		if (!ack && f->syn_side < 0)
			f->syn_side = (int8_t)side;
		else if (ack && f->syn_side < 0)
			f->syn_side = (int8_t)!side;
		if (!f->rd[side].init)
			reasm_start(&f->rd[side], p->seq + 1);
	}
	seq = p->seq + (syn ? 1u : 0u);

	sc.pl = pl;
	sc.f = f;
	k.data = sink_data;
	k.gap = sink_gap;
	k.anomaly = sink_anomaly;
	k.fin = sink_fin;
	k.u = &sc;

	if (!f->sess && p->payload_len && !f->emitted) {
		f->sess = session_new(pl->ctx, f->syn_side);
		if (!f->sess)
			return;
	}
	if (f->sess && !f->midstream_noted && p->payload_len && !f->rd[side].init) {
		session_anomaly(f->sess, "midstream");
		f->midstream_noted = true;
	}
	if (f->sess) {
		if (session_wants_data(f->sess) && !f->rd[side].stopped) {
			if (p->payload_len || fin)
				reasm_segment(&f->rd[side], side, seq, p->payload, p->payload_len,
					      fin, ts, &pl->mem, &k);
			if (p->payload_missing && session_wants_data(f->sess))
				reasm_acked(&f->rd[side], side,
					    seq + p->payload_len + p->payload_missing, ts, &pl->mem, &k);
			if (ack && f->rd[!side].init && session_wants_data(f->sess))
				reasm_acked(&f->rd[!side], !side, p->ack, ts, &pl->mem, &k);
		} else {
			if (p->payload_len)
				session_note_payload(f->sess, side, p->payload_len, ts);
			if (fin)
				session_tcp_event(f->sess, side, TCP_EV_FIN, ts);
		}
		/* A reset is applied when the flow ends (5 s later, or at the end
		 * of input): data the peer already had in flight, such as the
		 * server's Certificate, still arrives after a client's RST. */
		if (rst && !f->rst) {
			f->rst_side = (int8_t)side;
			f->rst_ns = ts;
		}
		if (!session_wants_data(f->sess))
			stop_reasm(pl, f);
		if (!f->emitted && session_decided(f->sess) && session_is_tls(f->sess)) {
			/* The record is out: keep only the counters from here on. */
			emit_flow(pl, f);
			stop_reasm(pl, f);
			session_free(f->sess);
			f->sess = NULL;
		}
	}
	if (fin)
		f->fin[side] = true;
	if (rst)
		f->rst = true;
	flow_touch(pl->ft, f, is_closed(f));
	if (pl->ctx->sess_mem > pl->ctx->cfg.session_memcap)
		shed_sessions(pl, f);
}

void pipeline_packet(struct pipeline *pl, int dlt, uint64_t ts_ns,
		     const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct pkt p;
	enum decode_result r = decode_packet(dlt, data, caplen, wirelen, &p, &pl->ctx->st);

	pipeline_decoded(pl, ts_ns, r, &p, caplen, wirelen);
}

void pipeline_decoded(struct pipeline *pl, uint64_t ts_ns, enum decode_result r,
		      struct pkt *p, uint32_t caplen, uint32_t wirelen)
{
	struct tt_stats *st = &pl->ctx->st;

	if (ts_ns > pl->last_ts)
		pl->last_ts = ts_ns;
	st->packets++;
	st->bytes += wirelen;
	if (caplen < wirelen && caplen == 0)
		st->truncated++;
	if (r == DEC_FRAGMENT) {
		uint8_t proto;
		uint32_t len;
		const uint8_t *l4 = ipfrag_add(pl->frag, p, ts_ns, &proto, &len);
		if (!l4)
			goto out;
		if (proto != 6) {
			st->non_tcp++;
			goto out;
		}
		r = decode_tcp(l4, len, p, st);
		p->ip_len = len;
	}
	if (r == DEC_TCP)
		tcp(pl, p, ts_ns);
out:
	maybe_expire(pl, pl->last_ts);
}

/* The counters the parsers keep themselves, into the run's statistics. */
static void pull_parser_stats(struct tt_ctx *ctx)
{
	const struct x509_stats *xs;

	if (!ctx->x509)
		return;
	xs = x509_ctx_stats(ctx->x509);
	ctx->st.certs_parsed = xs->parsed;
	ctx->st.certs_cache_hits = xs->cache_hits;
	ctx->st.certs_failed = xs->failed;
}

void pipeline_flush(struct pipeline *pl)
{
	struct flow *f;

	while ((f = flow_any(pl->ft)) != NULL)
		end_flow(pl, f);
	pull_parser_stats(pl->ctx);
}

void pipeline_sync(struct pipeline *pl)
{
	pull_parser_stats(pl->ctx);
}

void pipeline_free(struct pipeline *pl)
{
	if (!pl)
		return;
	pipeline_flush(pl);
	session_pool_free(pl->ctx);
	flow_table_free(pl->ft);
	ipfrag_free(pl->frag);
	free(pl);
}
