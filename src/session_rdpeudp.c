/*
 * session_rdpeudp.c - RDP's UDP transport ([MS-RDPEUDP], [MS-RDPEUDP2]):
 * the TLS or DTLS that secures it, out of its datagrams
 * (parsers/rdpeudp.c reads them) and into the carriers tlstap has.
 *
 *   SYN (client) / SYN+ACK (server) --> each side's initial sequence number,
 *            the mode (RDPUDP_FLAG_SYNLOSSY: lossy, DTLS), the version
 *            (SYNEX; version 3: MS-RDPEUDP2 framing from the next datagram)
 *   data datagram --reliable--> source sequence number --> ovpn_chan (the
 *            OpenVPN carrier's reorder window: retransmissions skipped,
 *            reordering undone) --> chunks in order --> sess_pre_wrapped
 *            --> tls_stream --> tls_core   (as TLS over TCP)
 *                 --lossy-----> the chunk is one DTLS datagram --> session_dtls
 *   ACK-only, FEC-coded and dummy datagrams: not read.
 *
 * A flow is recognised by its SYN, or, picked up later, by a version 1/2
 * data datagram whose chunk starts with a TLS or DTLS record header.
 */
#include "session_rdpeudp.h"

#include <stdlib.h>
#include <string.h>

#include "../parsers/openvpn.h"
#include "../parsers/rdpeudp.h"
#include "jw.h"
#include "session.h"
#include "session_dtls.h"
#include "session_impl.h"
#include "tls_core.h"

#define DGRAM_MAX 2048          /* above any MTU the SYN exchange may agree */

struct sess_rdp {
	int8_t client;                  /* direction of the SYN, -1 not seen */
	bool lossy;                     /* DTLS in each chunk */
	bool mode_known;                /* from the SYN, or from the first chunk */
	bool v2[2];                     /* MS-RDPEUDP2 framing from this side now */
	bool started[2];                /* the side's sequence start is known */
	bool has_cid;
	uint8_t cid[16];
	uint16_t version;               /* uUdpVer of the SYN+ACK (else the SYN) */
	uint32_t last[2];               /* MS-RDPEUDP2: last channel sequence, unwrapped */
	struct ovpn_chan ch[2];
	size_t mem_counted;
};

/* The chunk starts with a TLS or DTLS record header (a mid-stream pickup). */
static bool record_start(const uint8_t *p, size_t n)
{
	return n >= 5 && p[0] >= 20 && p[0] <= 23 && (p[1] == 3 || p[1] == 0xfe) &&
	       (p[1] == 0xfe || p[2] <= 4);
}

/* Flags a version 1/2 datagram has: none of the reserved ones. */
static bool known_flags(uint16_t f)
{
	return !(f & 0xe080);
}

static bool carrier_sniff(const uint8_t *p, size_t n)
{
	struct rdpeudp_syn syn;
	struct rdpeudp_pkt pk;

	if (rdpeudp_syn(p, n, &syn) == RDPEUDP_OK)
		return known_flags(syn.flags) &&
		       (syn.flags & RDPEUDP_ACK ? syn.source_ack != 0xffffffffu
						: syn.source_ack == 0xffffffffu);
	return rdpeudp_v1(p, n, &pk) == RDPEUDP_OK && known_flags(pk.flags) && pk.data &&
	       record_start(pk.body, pk.len);
}

static bool carrier_accepts(const uint8_t *p, size_t n)
{
	(void)p;
	return n >= 3;
}

static struct session *carrier_open(struct tt_ctx *ctx)
{
	void *state;
	struct session *s = core_new_carried(ctx, sizeof *s->rdp, &state);

	if (!s)
		return NULL;
	s->rdp = state;
	s->rdp->client = -1;
	s->pre_tried = true;    /* the stream is TLS or nothing: no prelude */
	for (int i = 0; i < 2; i++)
		ovpn_chan_init(&s->rdp->ch[i]);
	session_set_framing(s, "rdpeudp");
	return s;
}

/* The session's memory follows what the windows hold. */
static void sync_mem(struct session *s)
{
	core_mem_follow(s, s->rdp->ch[0].mem + s->rdp->ch[1].mem, &s->rdp->mem_counted);
}

/* A SYN or SYN+ACK: the side's sequence start, the mode and version. */
static void syn(struct session *s, int dir, const struct rdpeudp_syn *y)
{
	struct sess_rdp *r = s->rdp;

	if (!(y->flags & RDPEUDP_ACK)) {
		r->client = (int8_t)dir;
		r->lossy = y->flags & RDPEUDP_SYNLOSSY;
		r->mode_known = true;
		if (y->has_cid) {
			r->has_cid = true;
			memcpy(r->cid, y->cid, 16);
		}
	} else if (r->client < 0) {
		r->client = (int8_t)!dir;
	}
	if (!r->version || (y->flags & RDPEUDP_ACK))
		r->version = y->version;
	if (!r->started[dir]) {
		r->ch[dir].next = y->isn + 1;   /* the first source packet's */
		r->started[dir] = true;
	}
	/* Version 3: MS-RDPEUDP2 after the SYN+ACK, both ways, whose channel
	 * sequence numbers start where its first chunk says. */
	if ((y->flags & RDPEUDP_ACK) && y->version == RDPEUDP_VER_3)
		for (int i = 0; i < 2; i++)
			r->v2[i] = true, r->started[i] = false;
}

/* A chunk of dir's reliable stream with sequence number seq. */
static void chunk(struct session *s, int dir, uint32_t seq, const uint8_t *p, size_t n,
		  uint64_t ts)
{
	struct ovpn_chan *c = &s->rdp->ch[dir];
	const uint8_t *q;
	size_t k;

	if (!s->rdp->started[dir]) {
		c->next = seq;
		s->rdp->started[dir] = true;
	}
	ovpn_chan_add(c, seq, p, n);
	while (tls_core_wants_data(s) && ovpn_chan_next(c, &q, &k))
		if (k)
			sess_pre_wrapped(s, dir, q, k, ts);
}

/* MS-RDPEUDP2's 16-bit channel sequence number, unwrapped against the
 * side's last one. */
static uint32_t unwrap16(struct sess_rdp *r, int dir, uint32_t seq)
{
	uint32_t v;
	int16_t d;

	if (!r->started[dir])
		return r->last[dir] = seq;
	d = (int16_t)(uint16_t)(seq - (r->last[dir] & 0xffffu));
	v = d < 0 ? r->last[dir] - (uint32_t)(-(int32_t)d) : r->last[dir] + (uint16_t)d;
	if ((int32_t)(v - r->last[dir]) > 0)
		r->last[dir] = v;
	return v;
}

/* A datagram after the SYN exchange: its chunk to the stream of dir. */
static void data(struct session *s, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
	struct sess_rdp *r = s->rdp;
	struct rdpeudp_pkt pk;
	uint8_t buf[DGRAM_MAX];

	if (r->v2[dir]) {
		if (n > sizeof buf) {
			tls_core_anomaly(s, "rdpeudp_malformed");
			return;
		}
		memcpy(buf, p, n);
		rdpeudp2_unswap(buf, n);
		if (rdpeudp_v2(buf, n, &pk) != RDPEUDP_OK) {
			tls_core_anomaly(s, "rdpeudp_malformed");
			return;
		}
		if (pk.data && pk.len)
			chunk(s, dir, unwrap16(r, dir, pk.seq), pk.body, pk.len, ts);
		return;
	}
	if (rdpeudp_v1(p, n, &pk) != RDPEUDP_OK) {
		tls_core_anomaly(s, "rdpeudp_malformed");
		return;
	}
	if (!pk.data || !pk.len)
		return;
	if (!r->mode_known) {           /* picked up late: the chunk tells */
		r->lossy = pk.body[0] >= 20 && pk.len > 1 && pk.body[1] == 0xfe;
		r->mode_known = true;
		if (!r->lossy)
			session_anomaly(s, "midstream");
	}
	if (r->lossy)
		session_dtls_datagram(s, dir, pk.body, pk.len, 0, ts);
	else
		chunk(s, dir, pk.seq, pk.body, pk.len, ts);
}

static void carrier_push(struct session *s, int dir, const uint8_t *p, size_t n,
			 uint32_t missing, uint64_t ts_ns)
{
	struct rdpeudp_syn y;

	if ((dir != 0 && dir != 1) || !s->rdp || !tls_core_wants_data(s))
		return;
	if (missing) {          /* a cut datagram cannot be read: its chunk is lost */
		tls_core_anomaly(s, "datagram_truncated");
		return;
	}
	tls_core_time(s, ts_ns);
	if (!s->rdp->v2[dir] && rdpeudp_syn(p, n, &y) == RDPEUDP_OK)
		syn(s, dir, &y);
	else
		data(s, dir, p, n, ts_ns);
	sync_mem(s);
}

void sess_rdp_emit(struct jw *w, const struct session *s)
{
	const struct sess_rdp *r = s->rdp;

	jw_open(w, "rdpeudp", '{');
	if (r->version)
		jw_uint(w, "version", r->version == RDPEUDP_VER_3 ? 3 : r->version);
	if (r->mode_known)
		jw_name(w, "mode", r->lossy ? "lossy" : "reliable");
	if (r->has_cid)
		jw_hexbytes(w, "correlation_id", r->cid, 16);
	if (r->mode_known && !r->lossy) {
		jw_uint(w, "retransmissions", r->ch[0].resent + r->ch[1].resent);
		jw_uint(w, "reordered", r->ch[0].reordered + r->ch[1].reordered);
	}
	jw_close(w, true);
}

void sess_rdp_finish(struct session *s)
{
	struct sess_rdp *r = s->rdp;

	for (int i = 0; i < 2; i++)
		if (tls_core_wants_data(s) && (ovpn_chan_held(&r->ch[i]) || r->ch[i].dropped))
			tls_core_anomaly(s, "rdpeudp_chunk_lost");
}

void sess_rdp_free(struct session *s)
{
	if (!s->rdp)
		return;
	for (int i = 0; i < 2; i++)
		ovpn_chan_free(&s->rdp->ch[i]);
	free(s->rdp);
	s->rdp = NULL;
}

const struct udp_carrier session_rdpeudp = {
	carrier_sniff, carrier_accepts, carrier_open, carrier_push
};
