/*
 * pipeline.c - packets in, records out.
 *
 *   decode_packet -> [ipfrag_add] -> flow_lookup/insert -> reasm_segment
 *       -> session_push ... -> emit_session -> flow freed
 *   UDP: decode_packet -> [ipfrag_add] -> flow_lookup, or udp_sniff then
 *       flow_insert -> udp_accepts -> udp_push (per protocol, udp.c)
 *       -> session ... -> emit_session -> flow freed
 *
 * Orientation: the sender of a SYN without ACK is the client (the SYN+ACK
 * sender the server); without a handshake (midstream pickup), the session
 * names the client by who sent the ClientHello, and failing that the first
 * packet's sender is taken (README "Orientation").
 *
 * Timeouts run on packet time, checked once per second of it: closed flows
 * (FIN both ways or RST) after cfg.tcp_closed_timeout_ns, other TCP flows
 * after cfg.tcp_idle_timeout_ns, UDP flows after cfg.udp_timeout_ns.  At
 * cfg.max_flows, the least recently active flow (closed ones first) is
 * evicted.  A UDP flow enters the table only at a datagram that one of the
 * protocols of udp.c recognises; other UDP traffic costs no state.  Every way a flow ends goes through
 * pl_end_flow(): finish the session, emit if it was TLS and not yet emitted,
 * free.
 */
#include "../parsers/fp.h"
#include "../parsers/x509.h"
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "emit.h"
#include "flow.h"
#include "fragcache.h"
#include "ipfrag.h"
#include "jw.h"
#include "mem.h"
#include "pktclock.h"
#include "quic_paths.h"
#include "reasm.h"
#include "render.h"
#include "session.h"
#include "tls_core.h"
#include "tcpsum.h"
#include "tcptrack.h"
#include "udp.h"
#include "verdict.h"
#include "pipeline_impl.h"

struct sinkctx {
	struct pipeline *pl;
	struct flow *f;
};

static size_t sink_data(void *u, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
	struct sinkctx *k = u;
	return session_push(k->f->sess, dir, p, n, ts);
}

static size_t sink_want(void *u, int dir)
{
	struct sinkctx *k = u;
	return session_want(k->f->sess, dir);
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
	k->f->fin[dir] = true;   /* the FIN the peer takes: in sequence */
	session_tcp_event(k->f->sess, dir, TCP_EV_FIN, ts);
}


/* f leaves the QUIC index (a TCP flow never entered it). */
static void quic_forget(struct pipeline *pl, struct flow *f)
{
	if (!f->qpaths && !f->qp_cids)
		return;
	qpaths_forget(pl->qp, f);
	pl->qp_bytes = qpaths_bytes(pl->qp);
}

struct pipeline *pipeline_new(struct tt_ctx *ctx)
{
	struct pipeline *pl = calloc(1, sizeof *pl);
	struct tt_stats *st = &ctx->st;

	if (!pl)
		return NULL;
	pl->ctx = ctx;
	pl->ft = flow_table_new(ctx->cfg.max_flows, flow_random_seed());
	pl->frag = ipfrag_new(&ctx->cfg, st);
	/* Room for a few entries per flow: two ids and some new paths. */
	pl->qp = qpaths_new(ctx->cfg.max_flows > UINT32_MAX / 4 ? UINT32_MAX : ctx->cfg.max_flows * 4,
			    flow_random_seed());
	pl->qp_bytes = qpaths_bytes(pl->qp);
	if (pl->ft && pl->frag && pl->qp && ctx->cfg.render_thread)
		pl->render = render_new(ctx);   /* NULL: records written here */
	if (!pl->ft || !pl->frag || !pl->qp) {
		flow_table_free(pl->ft);
		ipfrag_free(pl->frag);
		qpaths_free(pl->qp);
		free(pl);
		return NULL;
	}
	flow_table_keep(pl->ft, ctx->cfg.memcap / 256);   /* freed flows kept: 1 MiB by default */
	pl->mem.cap = ctx->cfg.reasm_memcap;
	pl->mem.dir_limit = ctx->cfg.reasm_dir_limit;
	pl->mem.gaps = &st->reasm_gaps;
	pl->mem.gap_bytes = &st->reasm_gap_bytes;
	pl->mem.memcap_hits = &st->reasm_memcap_hits;
	pl->mem.dir_limit_hits = &st->reasm_dir_limit_hits;
	pl->mem.conflicts = &st->reasm_overlap_conflicts;
	pl->mem.reclaim = pl_reclaim;
	pl->mem.reclaim_u = pl;
	st->mem_budget = ctx->cfg.memcap;
	pl_account(pl);
	return pl;
}

static void retime(struct pipeline *pl, uint64_t from, uint64_t to);

void pipeline_clock(struct pipeline *pl, uint64_t now, uint64_t stepped_from)
{
	pl->ext_clock = true;
	pl->clock.now = now;
	if (stepped_from)
		retime(pl, stepped_from, now);
}

void pipeline_source(struct pipeline *pl, uint32_t source)
{
	pl->source = source;
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
static void emit_flow(struct pipeline *pl, struct flow *f, bool at_end)
{
	struct flow_info fi = { &f->ep, &f->ct, f->syn_side, f->sess, NULL, { NULL, NULL }, at_end,
				0, "" };
	int client = -1;

	for (int d = 0; d < 2 && f->encap; d++)
		fi.encap[d] = f->encap[d].n ? &f->encap[d] : NULL;
	if (f->sess) {
		client = session_client_side(f->sess);
		if (client < 0)
			client = f->syn_side >= 0 ? f->syn_side : client_by_ports(f);
	}
	if (pl->render && f->sess) {
		/* the session is the render thread's from here on */
		render_push(pl->render, &fi, f->sess, client);
		f->sess = NULL;
	} else {
		if (f->sess)
			session_settle(f->sess);
		emit_flow_record(pl->ctx, &fi, client);
	}
	f->emitted = true;
}

void pl_stop_reasm(struct pipeline *pl, struct flow *f)
{
	for (int d = 0; d < 2 && f->rd; d++)
		if (!f->rd[d].stopped)
			reasm_stop(&f->rd[d], &pl->mem);
}

void pl_end_flow(struct pipeline *pl, struct flow *f)
{
	struct tt_stats *st = &pl->ctx->st;

	if (f->sess) {
		struct sinkctx sc = { pl, f };
		struct reasm_sink k = { sink_data, sink_gap, sink_anomaly, sink_fin, &sc, sink_want };
		for (int d = 0; d < 2 && f->rd; d++)
			if (!f->rd[d].stopped && session_wants_data(f->sess))
				reasm_flush(&f->rd[d], d, f->ct.last_ns, &pl->mem, &k);
		if (f->rst)
			session_tcp_event(f->sess, f->rst_side, TCP_EV_RST, f->rst_ns);
		session_finish(f->sess, f->ct.last_ns);
		if (session_is_tls(f->sess)) {
			if (!f->emitted)
				emit_flow(pl, f, true);
		} else {
			st->sessions_not_tls++;
		}
	}
	flow_reasm_close(pl->ft, f, &pl->mem);
	quic_forget(pl, f);
	session_free(f->sess);
	pl->encap_bytes -= mem_block(f->encap);
	free(f->encap);
	flow_free(pl->ft, f);
	st->flows_active = flow_count(pl->ft);
}

/* The oldest connection kept compact (flow.h) goes: it has sent no
 * payload, so there is no record to write. */
void pl_drop_compact(struct pipeline *pl)
{
	flow_compact_drop(pl->ft);
	pl->ctx->st.flows_active = flow_count(pl->ft);
}

/* A connection without payload stays whole (a struct flow) while it is
 * young, and goes compact (flow.h) once it has been quiet QUIET_WHOLE_NS,
 * or at once while more than QUIET_WHOLE are whole.  Most connections send
 * their payload a round trip after their SYN: making them compact after
 * each packet of the handshake and whole again at the next was 4.6% of
 * the instructions on the handshake benchmark; a flood of SYNs is still
 * held compact, but for QUIET_WHOLE of them (320 KiB). */
#define QUIET_WHOLE 1024u
#define QUIET_WHOLE_NS (1000ull * 1000 * 1000)

static void expire(struct pipeline *pl, uint64_t now)
{
	const struct tt_config *cfg = &pl->ctx->cfg;
	struct flow *f;
	uint64_t seen;

	if (pl->render)
		render_kick(pl->render);        /* a few records may be waiting */
	ipfrag_expire(pl->frag, now);
	while ((f = flow_oldest(pl->ft, FLOW_CLOSED)) && f->seen_ns + cfg->tcp_closed_timeout_ns < now) {
		pl->ctx->st.flows_timed_out++;
		pl_end_flow(pl, f);
	}
	while ((f = flow_oldest(pl->ft, FLOW_OPEN)) && f->seen_ns + cfg->tcp_idle_timeout_ns < now) {
		pl->ctx->st.flows_timed_out++;
		pl_end_flow(pl, f);
	}
	while ((f = flow_oldest(pl->ft, FLOW_QUIET)) && f->seen_ns + cfg->tcp_idle_timeout_ns < now) {
		pl->ctx->st.flows_timed_out++;
		pl_end_flow(pl, f);
	}
	while (flow_compact_oldest(pl->ft, &seen) && seen + cfg->tcp_idle_timeout_ns < now) {
		pl->ctx->st.flows_timed_out++;
		pl_drop_compact(pl);
	}
	/* The connections without payload quiet for a while go compact (see
	 * QUIET_WHOLE); one whose state that form cannot hold stays whole. */
	for (f = flow_oldest(pl->ft, FLOW_QUIET); f && f->seen_ns + QUIET_WHOLE_NS <= now; ) {
		struct flow *newer = f->prev;
		flow_shrink(pl->ft, f);
		f = newer;
	}
	while ((f = flow_oldest(pl->ft, FLOW_UDP)) && f->seen_ns + cfg->udp_timeout_ns < now) {
		pl->ctx->st.flows_timed_out++;
		pl_end_flow(pl, f);
	}
}

/* The allocator's slack is measured each second of packet time and every
 * SLACK_EVERY packets, unless the last sample is too recent for what it
 * cost (mem.h: a sample walks the allocator's free lists). */
#define SLACK_EVERY 16384u

static void maybe_expire(struct pipeline *pl, uint64_t now)
{
	bool second = now >= pl->next_check;

	if (++pl->since_sample >= SLACK_EVERY || second) {
		pl->since_sample = 0;
		if (mem_slack_due())
			mem_slack_sample();
	}
	if (!second)
		return;
	pl->next_check = now + SEC;
	expire(pl, now);
}

void pipeline_tick(struct pipeline *pl, uint64_t now_ns)
{
	if (now_ns > pl->last_ts)
		maybe_expire(pl, now_ns);
}

/* The flow keeps how each side's first packet travelled, for its record.
 * Without memory it goes without (the record then has no chain). */
static void keep_encap(struct pipeline *pl, struct flow *f, int side, const struct pkt *p)
{
	if (!f->encap) {
		if (!(f->encap = calloc(2, sizeof *f->encap)))
			return;
		pl->encap_bytes += mem_block(f->encap);
	}
	f->encap[side].n = p->n_encap;
	memcpy(f->encap[side].l, p->encap, p->n_encap * sizeof p->encap[0]);
}

static bool is_closed(const struct flow *f)
{
	return f->rst || (f->fin[0] && f->fin[1]);
}

/* The LRU list a TCP flow belongs on after its packet. */
static int list_of(const struct flow *f)
{
	if (is_closed(f))
		return FLOW_CLOSED;
	return f->sess || f->emitted ? FLOW_OPEN : FLOW_QUIET;
}

/* Make room for a new flow: the least recently active one goes (a closed
 * TCP connection first), its record saying it was evicted. */
static void evict_one(struct pipeline *pl)
{
	static const int lists[] = { FLOW_OPEN, FLOW_QUIET, FLOW_UDP };
	struct flow *old = flow_oldest(pl->ft, FLOW_CLOSED);
	bool closed = old != NULL;
	uint64_t seen;

	for (int i = 0; i < 3 && !closed; i++) {
		struct flow *f = flow_oldest(pl->ft, lists[i]);
		if (f && (!old || f->seen_ns < old->seen_ns))
			old = f;
	}
	if (!closed && flow_compact_oldest(pl->ft, &seen) && (!old || seen < old->seen_ns)) {
		pl->ctx->st.flows_evicted++;
		pl_drop_compact(pl);
		return;
	}
	if (!old)
		return;
	pl->ctx->st.flows_evicted++;
	if (old->sess)
		session_anomaly(old->sess, "flow_evicted");
	pl_end_flow(pl, old);
}

static struct flow *new_flow(struct pipeline *pl, const struct flow_endpoints *key)
{
	struct tt_stats *st = &pl->ctx->st;
	struct flow *f;

	if (flow_count(pl->ft) >= flow_max(pl->ft))
		evict_one(pl);
	f = flow_insert(pl->ft, key);
	if (!f)
		return NULL;
	st->flows_created++;
	st->flows_active = flow_count(pl->ft);
	return f;
}

static void flow_key(const struct pkt *p, uint8_t proto, bool vlan, struct flow_endpoints *key)
{
	memset(key, 0, sizeof *key);
	key->af = p->af;
	key->proto = proto;
	memcpy(key->addr[0], p->src, 16);
	memcpy(key->addr[1], p->dst, 16);
	key->port[0] = p->sport;
	key->port[1] = p->dport;
	key->has_vlan = vlan && p->has_vlan;
	key->vlan = vlan ? p->vlan : 0;
	key->tkey = p->tkey;
}

bool pipeline_prefetch_key(const struct pipeline *pl, int dlt, const uint8_t *d, uint32_t n,
			   uint32_t *hash)
{
	uint32_t off = 14, ihl;
	uint16_t vlan = 0;
	unsigned et;

	if (dlt != 1 /* DLT_EN10MB */ || n < 14 + 20 + 4)
		return false;
	et = (unsigned)d[12] << 8 | d[13];
	if (et == 0x8100) {
		if (pl->ctx->cfg.vlan_tracking)
			vlan = (uint16_t)(((unsigned)d[14] << 8 | d[15]) & 0x0fff);
		et = (unsigned)d[16] << 8 | d[17];
		off = 18;
	}
	if (et != 0x0800 || n < off + 20)
		return false;
	ihl = (uint32_t)(d[off] & 15) * 4;
	if (d[off] >> 4 != 4 || ihl < 20 || d[off + 9] != 6 || (d[off + 6] & 0x3f) || d[off + 7] ||
	    n < off + ihl + 4)
		return false;   /* not IPv4, not TCP, a fragment, or cut short */
	d += off;
	*hash = flow_bucket_prefetch_v4(pl->ft, d + 12, (uint16_t)((unsigned)d[ihl] << 8 | d[ihl + 1]),
					d + 16, (uint16_t)((unsigned)d[ihl + 2] << 8 | d[ihl + 3]), vlan);
	return true;
}

void pipeline_prefetch_flow(const struct pipeline *pl, uint32_t hash)
{
	flow_prefetch(pl->ft, hash);
}

void pipeline_hint(struct pipeline *pl, bool known, uint32_t hash)
{
	pl->hint_ok = known;
	pl->hint = hash;
}

/* The record is out: keep only the counters from here on. */
static void emit_decided(struct pipeline *pl, struct flow *f)
{
	emit_flow(pl, f, false);
	flow_reasm_close(pl->ft, f, &pl->mem);
	quic_forget(pl, f);
	session_free(f->sess);
	f->sess = NULL;
}

/* The flow's counters, its source (sources.h) and its place on the
 * timeout clock (pktclock.h). */
static void counters(struct pipeline *pl, struct flow *f, int side, const struct pkt *p,
		     uint64_t ts)
{
	if (!f->ct.first_ns) {
		f->ct.first_ns = ts;
		f->ct.source = pl->source;
	}
	f->seen_ns = pl->last_ts;
	if (ts > f->ct.last_ns)
		f->ct.last_ns = ts;
	f->ct.bytes[side] += p->ip_len;
	f->ct.pkts[side]++;
}

/* One UDP datagram: a flow only for the protocols of udp.c. */
static void udp(struct pipeline *pl, struct pkt *p, uint64_t ts)
{
	struct flow_endpoints key;
	struct flow *f;
	int side = 0;
	bool new_path = false;

	flow_key(p, 17, pl->ctx->cfg.vlan_tracking, &key);
	f = flow_lookup(pl->ft, &key, &side);
	if (!f)   /* a QUIC connection on another address pair? */
		f = qpaths_find(pl->qp, &key, p->payload, p->payload_len, &side, &new_path);
	if (!f) {
		enum udp_proto proto = udp_sniff(p->payload, p->payload_len);
		if (proto == UDP_NONE)
			return;
		f = new_flow(pl, &key);
		if (!f)
			return;
		f->udp_proto = (uint8_t)proto;
		side = 0;
	}
	counters(pl, f, side, p, ts);
	if (!f->emitted && udp_accepts(f->udp_proto, p->payload, p->payload_len)) {
		if (!f->sess)
			f->sess = udp_open(f->udp_proto, pl->ctx);
		if (f->sess) {
			udp_push(f->udp_proto, f->sess, side, p->payload, p->payload_len,
				 p->payload_missing, ts);
			if (f->udp_proto == UDP_QUIC) {
				qpaths_learn(pl->qp, f, &key, side, new_path);
				pl->qp_bytes = qpaths_bytes(pl->qp);
			}
			if (session_decided(f->sess) && session_is_tls(f->sess))
				emit_decided(pl, f);
		}
	}
	flow_touch(pl->ft, f, FLOW_UDP);
	pl_keep_budget(pl, f);
}


/* A SYN (without ACK) of side on an existing flow: a retransmission, or a
 * new connection on the same port pair.  Returns true when the old flow is
 * over (reset, or closed either way: the peer will take a new SYN); on an
 * open connection the peer's SYN-ACK decides (reopen()). */
static bool new_connection(struct flow *f, int side, const struct pkt *p)
{
	const struct tcp_half *h = &f->th[side];

	for (uint8_t i = 0; i < h->n_isn; i++)
		if (h->isn[i] == p->seq)
			return false;
	if (is_closed(f) || f->rst || f->fin[0] || f->fin[1])
		return true;
	if (!h->anchored && !f->th[!side].anchored && h->n_isn)
		return false;   /* still in the handshake: one more candidate */
	f->reuse_side = (int8_t)side;
	f->reuse_isn = p->seq;
	if (f->sess)
		session_anomaly(f->sess, "tcp_syn_on_open_connection");
	return false;
}

/* The peer answered a SYN sent on the open connection: the old connection
 * is over and a new one starts, its client side 0 with that SYN replayed. */
static struct flow *reopen(struct pipeline *pl, struct flow *old, int *side)
{
	int c = old->reuse_side;
	uint32_t isn = old->reuse_isn;
	struct flow_endpoints key = old->ep;
	struct flow *f;

	memcpy(key.addr[0], old->ep.addr[c], 16);
	memcpy(key.addr[1], old->ep.addr[!c], 16);
	key.port[0] = old->ep.port[c];
	key.port[1] = old->ep.port[!c];
	pl_end_flow(pl, old);
	f = new_flow(pl, &key);
	if (!f)
		return NULL;
	pl->ctx->st.flows_reused++;
	f->syn_side = 0;
	f->th[0].syn_seen = true;
	f->th[0].isn[0] = isn;
	f->th[0].n_isn = 1;
	flow_dir_start(f, 0, isn + 1);
	*side = 1;
	return f;
}

/* The flow of this packet, found or made (for a SYN or data); NULL when
 * there is none to report.  *side gets the sender's side. */
static struct flow *flow_of(struct pipeline *pl, const struct pkt *p, int *side)
{
	struct flow_endpoints key;
	struct flow *f;
	bool syn = p->flags & TCP_SYN, ack = p->flags & TCP_ACK;

	flow_key(p, 6, pl->ctx->cfg.vlan_tracking, &key);
	if (pl->hint_ok)
		f = flow_lookup_hinted(pl->ft, &key, pl->hint, side);
	else
		f = flow_lookup(pl->ft, &key, side);
	if (f && syn && !ack && new_connection(f, *side, p)) {
		pl_end_flow(pl, f);
		f = NULL;
	} else if (f && syn && ack && f->reuse_side >= 0 && *side != f->reuse_side &&
		   p->ack == f->reuse_isn + 1) {
		return reopen(pl, f, side);
	}
	if (f)
		return f;
	if (!syn && p->payload_len == 0)
		return NULL;   /* a stray ACK, FIN or RST: no connection to report */
	*side = 0;
	return new_flow(pl, &key);
}

/* A SYN of side: who is the client, the candidate ISN, where reassembly
 * starts.  A SYN with another ISN on an anchored direction is ignored. */
static void track_syn(struct flow *f, int side, const struct pkt *p)
{
	bool ack = p->flags & TCP_ACK;

	if (f->th[side].anchored)
		return;
	if (!ack && f->syn_side < 0)
		f->syn_side = (int8_t)side;
	else if (ack && f->syn_side < 0)
		f->syn_side = (int8_t)!side;
	if (tcpt_syn(f, side, p) && f->sess)
		session_anomaly(f->sess, "tcp_several_isn");
	if (!flow_dir_init(f, side))
		flow_dir_start(f, side, p->seq + 1);
}

/* The packet's ACK acknowledges one of the peer's ISNs: follow it (a spoofed
 * SYN before the real one, a server answering with several SYN-ACKs). */
static void follow_isn(struct pipeline *pl, struct flow *f, int side, const struct pkt *p)
{
	uint32_t isn;
	struct reasm_dir *d = f->rd ? &f->rd[!side] : NULL;

	if (!tcpt_anchor(f, side, p, &isn))
		return;
	if (f->th[!side].n_isn > 1 && f->sess)
		session_anomaly(f->sess, "tcp_several_isn");
	if (!d && (f->started & (1u << !side)))
		f->start_seq[!side] = isn + 1;   /* nothing buffered yet */
	else if (d && d->init && d->next_seq != isn + 1 && d->next_off == 0 && !d->stopped)
		reasm_restart(d, isn + 1, &pl->mem);
}

/* How far the receiving stack takes this segment (tcptrack.h), anomaly
 * noted.  The checksum is computed only where it can change the answer. */
static enum tcpt_take classify(struct pipeline *pl, struct flow *f, int side,
			       const struct pkt *p, bool reassembling)
{
	struct tt_stats *st = &pl->ctx->st;
	enum tcpsum sum = TCPSUM_UNKNOWN;
	enum tcpt_take t;
	const char *why;

	if (tcpt_wants_sum(f, side, p) && (reassembling || !p->payload_len || f->th[side].tcp_sum == 0))
		sum = tcpsum_check(p);
	if (sum == TCPSUM_BAD)
		st->bad_checksum_tcp++;
	t = tcpt_classify(f, side, p, sum, &why);
	if (t == TCPT_TAKE && p->payload_len && reassembling && tcpt_beyond_window(f, side, p)) {
		t = TCPT_DROP;
		why = "tcp_out_of_window";
	}
	if (t == TCPT_DROP)
		st->tcp_dropped++;
	else if (t == TCPT_DOUBT || t == TCPT_UNSURE)
		st->tcp_held++;
	if (why && f->sess)
		session_anomaly(f->sess, why);
	return t;
}

/* Taken by the endpoint, or probably (its data is held quietly). */
static bool taken(enum tcpt_take t)
{
	return t == TCPT_TAKE || t == TCPT_UNSURE;
}

/* Ethernet padding counted in the IP length: a few zero bytes on a pure
 * ACK, which the next data segment reuses the sequence number of. */
static bool is_padding(const struct pkt *p)
{
	if (p->payload_len == 0 || p->payload_len > 16 ||
	    (p->flags & (TCP_SYN | TCP_FIN | TCP_RST | TCP_PSH | TCP_URG)) != 0 ||
	    !(p->flags & TCP_ACK))
		return false;
	for (uint32_t i = 0; i < p->payload_len; i++)
		if (p->payload[i])
			return false;
	return true;
}

/* The segment into reassembly, as far as the endpoint takes it. */
static void feed(struct pipeline *pl, struct flow *f, int side, const struct pkt *p,
		 enum tcpt_take take, uint64_t ts, const struct reasm_sink *k)
{
	struct reasm_dir *d = &f->rd[side];
	bool fin = p->flags & TCP_FIN, ack = p->flags & TCP_ACK;
	uint32_t seq = p->seq + ((p->flags & TCP_SYN) ? 1u : 0u);

	if (take == TCPT_DROP)
		return;
	if (take == TCPT_TAKE && (p->flags & TCP_URG)) {
		/* Linux's pointer: the byte before seq + urg (RFC 961 reading). */
		reasm_urgent(d, p->seq + (p->urg ? p->urg - 1u : 0u));
		pl->ctx->st.tcp_urgent++;
	}
	if ((take == TCPT_DOUBT || take == TCPT_UNSURE) && p->payload_len)
		reasm_segment_held(d, side, seq, p->payload, p->payload_len,
				   take == TCPT_DOUBT ? REASM_DOUBTFUL : REASM_UNSURE, ts, &pl->mem, k);
	else if (take == TCPT_TAKE && is_padding(p))
		reasm_segment_held(d, side, seq, p->payload, p->payload_len, REASM_PADDING, ts,
				   &pl->mem, k);
	else if (take == TCPT_TAKE && (p->payload_len || fin))
		reasm_segment(d, side, seq, p->payload, p->payload_len, fin, ts, &pl->mem, k);
	if (!taken(take))
		return;
	if (p->payload_missing && session_wants_data(f->sess))
		reasm_missing(d, side, seq + p->payload_len + p->payload_missing, ts, &pl->mem, k);
	if (ack && f->rd[!side].init && session_wants_data(f->sess))
		reasm_acked(&f->rd[!side], !side, p->ack, ts, &pl->mem, k);
}

/* A RST, as the receiving stack judges it (RFC 5961): only an accepted one
 * resets the connection, applied when the flow ends (data the peer already
 * had in flight, such as the server's Certificate, still arrives after a
 * client's RST).  The others are named on the record. */
static void rst(struct pipeline *pl, struct flow *f, int side, const struct pkt *p,
		enum tcpt_take take, uint64_t ts)
{
	enum tcpt_rst r;
	const char *why = NULL;
	uint32_t next;
	bool known;

	if (!taken(take)) {
		pl->ctx->st.tcp_rst_ignored++;
		return;
	}
	known = flow_dir_next(f, side, &next);
	r = tcpt_rst(f, side, p, known, next);
	if (r == TCPT_RST_CHALLENGE)
		why = "tcp_rst_not_exact";
	else if (r == TCPT_RST_OUTSIDE)
		why = "tcp_rst_out_of_window";
	else if (r == TCPT_RST_UNVERIFIED)
		why = "tcp_rst_unverified";
	if (why && f->sess)
		session_anomaly(f->sess, why);
	if (r == TCPT_RST_CHALLENGE || r == TCPT_RST_OUTSIDE) {
		pl->ctx->st.tcp_rst_ignored++;
		return;
	}
	if (!f->rst) {
		f->rst = true;
		f->rst_side = (int8_t)side;
		f->rst_ns = ts;
	}
}

/* Data and FIN of a flow whose session takes no more bytes: counters, and
 * a FIN the peer takes (in sequence, or with nothing to compare). */
static void note_only(struct flow *f, int side, const struct pkt *p, enum tcpt_take take,
		      uint64_t ts)
{
	if (!taken(take))
		return;
	if (p->payload_len && f->sess)
		session_note_payload(f->sess, side, p->payload_len, ts);
	if ((p->flags & TCP_FIN) && !f->fin[side]) {
		f->fin[side] = true;
		if (f->sess)
			session_tcp_event(f->sess, side, TCP_EV_FIN, ts);
	}
}

/* After the packet: emit a decided record, keep counters only from then. */
static void settle(struct pipeline *pl, struct flow *f)
{
	if (!f->sess)
		return;
	if (!session_wants_data(f->sess))
		pl_stop_reasm(pl, f);
	if (!f->emitted && session_decided(f->sess) && session_is_tls(f->sess))
		emit_decided(pl, f);
}

static void tcp(struct pipeline *pl, struct pkt *p, uint64_t ts)
{
	struct flow *f;
	int side = 0;
	bool reassembling;
	enum tcpt_take take;

	f = flow_of(pl, p, &side);
	if (!f)
		return;
	pl->cur = f;
	if (p->n_encap && (!f->encap || !f->encap[side].n))
		keep_encap(pl, f, side, p);
	counters(pl, f, side, p, ts);

	if (!f->sess && p->payload_len && !f->emitted) {
		if (!flow_reasm_open(pl->ft, f))
			return;
		f->sess = session_new(pl->ctx, f->syn_side);
		if (!f->sess)
			return;
		session_set_ports(f->sess, f->ep.port[0], f->ep.port[1]);
		if (f->th[0].n_isn > 1 || f->th[1].n_isn > 1)
			session_anomaly(f->sess, "tcp_several_isn");
	}
	reassembling = !f->emitted && (!f->sess || session_wants_data(f->sess));
	take = classify(pl, f, side, p, reassembling);
	if (taken(take) && (p->flags & TCP_SYN))
		track_syn(f, side, p);
	if (taken(take))
		follow_isn(pl, f, side, p);
	if (f->sess && !f->midstream_noted && p->payload_len && !flow_dir_init(f, side)) {
		session_anomaly(f->sess, "midstream");
		f->midstream_noted = true;
	}
	if (take != TCPT_DROP)
		tcpt_sent(f, side, p, taken(take));
	if (f->sess && session_wants_data(f->sess) && !f->rd[side].stopped) {
		/* (built here: most packets of a long connection come after
		 * its record, with no bytes to hand on) */
		struct sinkctx sc = { pl, f };
		struct reasm_sink k = { sink_data, sink_gap, sink_anomaly, sink_fin, &sc, sink_want };
		feed(pl, f, side, p, take, ts, &k);
	} else
		note_only(f, side, p, take, ts);
	if (p->flags & TCP_RST)
		rst(pl, f, side, p, take, ts);
	settle(pl, f);
	flow_touch(pl->ft, f, list_of(f));
	pl->cur = NULL;
	pl_keep_budget(pl, f);
	if (flow_list_count(pl->ft, FLOW_QUIET) > QUIET_WHOLE)
		flow_shrink(pl->ft, f);
}

/* The clock stepped from `from` to `to` once enough packets agreed: the
 * flows they touched meanwhile were seen at `from` and are the most recent
 * ones; they move to `to`, so that the step alone does not time them out. */
static void retime(struct pipeline *pl, uint64_t from, uint64_t to)
{
	pl->clock.stepped_from = 0;
	for (int list = FLOW_OPEN; list < FLOW_COMPACT; list++) {
		struct flow *f = flow_newest(pl->ft, list);
		for (int n = 0; f && n <= PKTCLOCK_CONFIRM; n++, f = f->next)
			if (f->seen_ns == from)
				f->seen_ns = to;
	}
	flow_compact_retime(pl->ft, from, to, PKTCLOCK_CONFIRM + 1);
}

void pipeline_packet(struct pipeline *pl, int dlt, uint64_t ts_ns,
		     const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct pkt p;
	enum decode_result r = decode_packet(dlt, data, caplen, wirelen, &p, &pl->ctx->st);

	pipeline_decoded(pl, ts_ns, r, &p, caplen, wirelen);
	pl->hint_ok = false;   /* (this packet's only) */
}

void pipeline_decoded(struct pipeline *pl, uint64_t ts_ns, enum decode_result r,
		      struct pkt *p, uint32_t caplen, uint32_t wirelen)
{
	struct tt_stats *st = &pl->ctx->st;
	bool held;
	uint64_t now;

	/* Records keep the packets' own times; timeouts run on the clock. */
	if (pl->ext_clock) {
		now = pl->clock.now;
	} else {
		now = pktclock_advance(&pl->clock, ts_ns, pl->ctx->cfg.tcp_idle_timeout_ns, &held);
		if (held)
			st->time_jumps++;
	}
	if (pl->clock.stepped_from)
		retime(pl, pl->clock.stepped_from, now);
	if (now > pl->last_ts)
		pl->last_ts = now;
	st->packets++;
	st->bytes += wirelen;
	if (caplen < wirelen && caplen == 0)
		st->truncated++;
	/* A fragment; inside a reassembled tunnel datagram there may be one
	 * more level (the tunnelled packet itself fragmented). */
	for (int level = 0; r == DEC_FRAGMENT; level++) {
		uint8_t proto;
		uint32_t len;
		const uint8_t *l4;
		if (level == 2 || !(l4 = ipfrag_add(pl->frag, p, now, &proto, &len)))
			goto out;
		uint8_t layers = p->n_encap;
		r = decode_l4(proto, l4, len, p, st);
		if ((proto == 6 || proto == 17) && p->n_encap == layers)
			p->ip_len = len;
	}
	if (r == DEC_TCP)
		tcp(pl, p, ts_ns);
	else if (r == DEC_UDP)
		udp(pl, p, ts_ns);
out:
	maybe_expire(pl, pl->last_ts);
}

/* The counters the parsers keep themselves, into the run's statistics. */
static void pull_parser_stats(struct tt_ctx *ctx)
{
	const struct x509_stats *xs;

	if (!ctx->x509)
		return;
	ctx_x509_lock(ctx);
	xs = x509_ctx_stats(ctx->x509);
	ctx->st.certs_parsed = xs->parsed;
	ctx->st.certs_cache_hits = xs->cache_hits;
	ctx->st.certs_failed = xs->failed;
	ctx->st.certs_validations = xs->validations;
	ctx->st.certs_validation_hits = xs->validation_hits;
	ctx_x509_unlock(ctx);
}

void pipeline_flush(struct pipeline *pl)
{
	struct flow *f;
	uint64_t seen;

	while ((f = flow_any(pl->ft)) != NULL)
		pl_end_flow(pl, f);
	while (flow_compact_oldest(pl->ft, &seen))
		pl_drop_compact(pl);
	pipeline_sync(pl);
}

void pipeline_drain(struct pipeline *pl)
{
	if (pl->render)
		render_drain(pl->render, &pl->ctx->st);
}

void pipeline_sync(struct pipeline *pl)
{
	pipeline_drain(pl);
	pull_parser_stats(pl->ctx);
	pl->ext_age = 0;   /* the render thread's parts read now */
	pl_account(pl);
}

void pipeline_free(struct pipeline *pl)
{
	if (!pl)
		return;
	pipeline_flush(pl);
	render_free(pl->render);
	session_pool_free(pl->ctx);
	flow_table_free(pl->ft);
	reasm_mem_release(&pl->mem);
	ipfrag_free(pl->frag);
	qpaths_free(pl->qp);
	free(pl);
}
