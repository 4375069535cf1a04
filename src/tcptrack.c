/*
 * tcptrack.c - the endpoint model (see tcptrack.h).
 *
 * Checksums: whether a side's checksums can be trusted is decided per flow
 * direction, as capture paths decide it, on its data segments (some paths
 * checksum pure ACKs in software and offload data): a direction whose first
 * two data segments both carry a wrong TCP checksum was captured before the
 * NIC filled it in (transmit offload, loopback), and its checksums are only
 * counted from then on; a direction where one of them was right is
 * verified, and a wrong checksum there marks a copy the endpoint dropped.
 * Until it is decided, a wrong one is held quietly (UNSURE).  The same for
 * the IPv4 header checksum.  The decision sticks, so that copies sent later
 * cannot change it.
 *
 * TTL: a side's data arrives with the highest TTL (hop limit) its SYN
 * (without ACK) and its data segments had; SYN-ACKs and pure ACKs set no
 * mark, as they often come from a proxy in front of the server.  A data
 * segment with a lower TTL is a copy that may expire before the endpoint.  The sensor cannot know the hop count, so such a copy
 * is held.  Checksums of packets longer than an Ethernet frame (coalesced
 * by the capture host: GRO, LRO) are not judged.
 *
 * Sequence space: the highest sequence number and acknowledgement each side
 * sent in segments the peer takes, and the right edge of the window it
 * offered (scaled when both SYNs carried the option, RFC 7323 2.2).
 */
#include "tcptrack.h"

/* An ACK this far beyond what the peer was seen to send is no capture loss
 * of a segment or two. */
#define TCPT_ACK_SLACK 65536u

static bool after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* One checksum verdict into a mode (decided by data segments only: some
 * paths checksum pure ACKs in software and offload data). */
static enum tcpt_take sum_verdict(int8_t *mode, uint8_t *bad, bool ok, bool data,
				  bool *late)
{
	if (ok) {
		if (*mode == 0 && data) {
			*mode = 1;
			*late = true;        /* (the caller knows if any came before) */
		}
		return TCPT_TAKE;
	}
	if (*mode == 1)
		return TCPT_DOUBT;
	if (*mode == 0 && data && ++*bad >= 2)
		*mode = -1;
	return *mode == 0 && data ? TCPT_UNSURE : TCPT_TAKE;
}

/* The stronger of two verdicts (tcptrack.h orders them). */
static enum tcpt_take worse(enum tcpt_take a, enum tcpt_take b)
{
	return b > a ? b : a;
}

/* Whether a checksum verdict can change anything: a direction not decided
 * yet, or a wrong checksum on a verified one.  A decided direction's right
 * checksum, and any on an offloaded one, is taken with nothing to note
 * (sum_verdict would answer TCPT_TAKE without a change). */
static bool sum_matters(int8_t mode, bool ok)
{
	return mode == 0 || (mode == 1 && !ok);
}

bool tcpt_wants_sum(const struct flow *f, int side, const struct pkt *p)
{
	(void)f;
	(void)side;
	return p->payload_len || (p->flags & (TCP_SYN | TCP_FIN | TCP_RST));
}

/* The checksum verdicts of a segment: TCP (sum, UNKNOWN when not
 * computed or not to be judged) and IPv4 header. */
static enum tcpt_take sums(struct tcp_half *h, const struct pkt *p, enum tcpsum sum, bool data,
			   const char **why)
{
	enum tcpt_take t = TCPT_TAKE;

	if (sum != TCPSUM_UNKNOWN && sum_matters(h->tcp_sum, sum == TCPSUM_OK)) {
		bool late = false;
		enum tcpt_take v = sum_verdict(&h->tcp_sum, &h->tcp_bad, sum == TCPSUM_OK, data,
					       &late);
		if (v == TCPT_DOUBT || (late && h->tcp_bad))
			*why = "tcp_bad_checksum";
		if (late && h->len0_unsure)
			*why = "ip_length_zero";
		t = v;
	}
	if (p->af == 4 && sum_matters(h->ip_sum, !p->ip_sum_bad)) {
		bool late = false;
		enum tcpt_take v = sum_verdict(&h->ip_sum, &h->ip_bad, !p->ip_sum_bad, data, &late);
		if (v == TCPT_DOUBT || (late && h->ip_bad))
			*why = "ip_bad_checksum";
		t = worse(t, v);
	}
	return t;
}

/* The packet's fields are read once into locals: the project builds with
 * -fno-strict-aliasing, so every store to the halves would otherwise
 * reload them (this runs on every TCP packet). */
enum tcpt_take tcpt_classify(struct flow *f, int side, const struct pkt *p, enum tcpsum sum,
			     const char **why)
{
	struct tcp_half *h = &f->th[side];
	const struct tcp_half *peer = &f->th[!side];
	const unsigned flags = p->flags;
	const bool data = p->payload_len != 0;
	const uint8_t ttl = p->ttl;
	const char *w = NULL;
	enum tcpt_take t;

	/* Longer than an Ethernet frame holds: coalesced by the capture host
	 * (GRO/LRO), which leaves the checksum of one of its segments. */
	if (p->ip_len > 1500)
		sum = TCPSUM_UNKNOWN;
	t = sums(h, p, sum, data, &w);
	if (p->ip_len_zero && data && h->tcp_sum != -1) {
		/* Segmentation offload shows length 0 only where checksums are
		 * offloaded too. */
		t = worse(t, h->tcp_sum == 1 ? TCPT_DOUBT : TCPT_UNSURE);
		if (h->tcp_sum == 1)
			w = "ip_length_zero";
		else
			h->len0_unsure = true;
	}
	if ((flags & TCP_SYN) ? (flags & TCP_ACK) != 0 : !data) {
		/* A SYN-ACK and pure ACKs often come from a proxy in front of
		 * the server (SYN cookies, load balancers): they set no mark. */
	} else if (!h->ttl_known || ttl > h->ttl) {
		h->ttl = ttl;
		h->ttl_known = true;
	} else if (ttl < h->ttl && !(flags & TCP_SYN)) {
		t = worse(t, TCPT_DOUBT);
		w = "tcp_ttl_low";
	}
	if ((flags & (TCP_ACK | TCP_SYN | TCP_RST)) == TCP_ACK) {
		if (peer->snd_known && after(p->ack, peer->snd_max + TCPT_ACK_SLACK)) {
			/* Linux drops a segment acknowledging data never sent.
			 * The sensor may have missed what was sent (hence the
			 * slack): a pure ACK loses its say on gaps, data is
			 * still taken. */
			if (!data && !(flags & TCP_FIN))
				t = TCPT_DROP;
			w = "tcp_ack_unsent";
		}
	} else if (!(flags & (TCP_ACK | TCP_SYN | TCP_RST)) && h->syn_seen && peer->syn_seen &&
		   (data || (flags & TCP_FIN))) {
		/* RFC 9293 3.10.7.4: without ACK, a synchronized connection
		 * drops the segment. */
		t = TCPT_DROP;
		w = "tcp_data_without_ack";
	}
	*why = w;
	return t;
}

void tcpt_sent(struct flow *f, int side, const struct pkt *p, bool trusted)
{
	struct tcp_half *h = &f->th[side];
	const struct tcp_half *peer = &f->th[!side];
	const unsigned flags = p->flags;
	const uint32_t ack = p->ack;
	uint32_t end;

	if (flags & TCP_RST)
		return;
	end = p->seq + p->payload_len + p->payload_missing + ((flags & TCP_SYN) ? 1u : 0u) +
	      ((flags & TCP_FIN) ? 1u : 0u);
	if (!h->snd_known || after(end, h->snd_max)) {
		h->snd_max = end;
		h->snd_known = true;
	}
	if (!trusted || !(flags & TCP_ACK))
		return;
	if (!h->ack_known || after(ack, h->ack)) {
		h->ack = ack;
		h->ack_known = true;
	}
	if (h->syn_seen && peer->syn_seen) {
		unsigned scale = h->has_wscale && peer->has_wscale && !(flags & TCP_SYN) ? h->wscale : 0;
		uint32_t edge = ack + ((uint32_t)p->win << scale);
		if (!h->win_known || after(edge, h->win_edge)) {
			h->win_edge = edge;
			h->win_known = true;
		}
	}
}

bool tcpt_syn(struct flow *f, int side, const struct pkt *p)
{
	struct tcp_half *h = &f->th[side];

	h->syn_seen = true;
	h->has_wscale = p->has_wscale;
	h->wscale = p->wscale;
	for (uint8_t i = 0; i < h->n_isn; i++)
		if (h->isn[i] == p->seq)
			return false;
	if (h->n_isn == TCPT_ISN_MAX) {
		for (uint8_t i = 1; i < TCPT_ISN_MAX; i++)
			h->isn[i - 1] = h->isn[i];
		h->n_isn--;
	}
	h->isn[h->n_isn++] = p->seq;
	return h->n_isn > 1;
}

bool tcpt_anchor(struct flow *f, int side, const struct pkt *p, uint32_t *isn)
{
	struct tcp_half *peer = &f->th[!side];

	if (!(p->flags & TCP_ACK) || peer->anchored)
		return false;
	for (uint8_t i = 0; i < peer->n_isn; i++)
		if (p->ack == peer->isn[i] + 1) {
			peer->anchored = true;
			*isn = peer->isn[i];
			return true;
		}
	return false;
}

enum tcpt_rst tcpt_rst(const struct flow *f, int side, const struct pkt *p, bool has_rcv,
		       uint32_t rcv_nxt)
{
	const struct tcp_half *me = &f->th[side], *peer = &f->th[!side];
	bool known = false;
	uint32_t left, wnd;

	if (peer->syn_seen && !me->syn_seen && !me->snd_known) {
		/* The receiver is in SYN-SENT: the RST must acknowledge its SYN. */
		if (!(p->flags & TCP_ACK))
			return TCPT_RST_OUTSIDE;
		for (uint8_t i = 0; i < peer->n_isn; i++)
			if (p->ack == peer->isn[i] + 1)
				return TCPT_RST_ACCEPT;
		return TCPT_RST_OUTSIDE;
	}
	if (peer->ack_known) {
		known = true;
		if (p->seq == peer->ack)
			return TCPT_RST_ACCEPT;
	}
	if (has_rcv) {
		known = true;
		if (p->seq == rcv_nxt)
			return TCPT_RST_ACCEPT;
	}
	if (me->snd_known) {
		known = true;
		/* Linux also takes rcv_nxt - 1 once the sender's FIN was in. */
		if (p->seq == me->snd_max || (f->fin[side] && p->seq == me->snd_max - 1))
			return TCPT_RST_ACCEPT;
	}
	if (!known)
		return TCPT_RST_UNVERIFIED;
	left = has_rcv ? rcv_nxt : peer->ack_known ? peer->ack : me->snd_max;
	wnd = peer->win_known && after(peer->win_edge, left) ? peer->win_edge - left : 65535;
	return (uint32_t)(p->seq - left) < wnd ? TCPT_RST_CHALLENGE : TCPT_RST_OUTSIDE;
}

bool tcpt_beyond_window(const struct flow *f, int side, const struct pkt *p)
{
	const struct tcp_half *peer = &f->th[!side];

	return peer->win_known && after(p->seq, peer->win_edge);
}
