/*
 * session_ovpn.c - OpenVPN over UDP, its default transport: the TLS stream
 * of the control channel out of the datagrams (parsers/openvpn.c reads
 * them) and into the record path the TCP carrier uses after a prelude
 * (session_prelude.c), so that the record is built as for OpenVPN over TCP.
 *
 *   datagram --client's hard reset--> layout (plain, tls-auth + HMAC size,
 *            |                        tls-crypt: recognised, not readable)
 *            --control packet--> narrow the layout --> message packet_id
 *                 --> ovpn_chan (retransmissions skipped, reordering undone)
 *                 --> P_CONTROL_V1 payloads in order --> sess_pre_wrapped
 *                     --> tls_stream --> tls_core
 *            --P_DATA_*, P_ACK_V1, other key ids--> not read
 *
 * Only the first key (key id 0) is followed: a renegotiation's TLS session
 * (key id 1..7, hourly by default) is not reported.
 */
#include "session_ovpn.h"

#include <stdlib.h>
#include <string.h>

#include "../parsers/cursor.h"
#include "../parsers/openvpn.h"
#include "session_impl.h"
#include "tls_core.h"

struct sess_ovpn {
	struct ovpn_layout lay;
	int8_t client;                  /* direction of the client's reset, -1 none yet */
	bool await_server;              /* tls-crypt: believed once the server's reset came */
	bool broken;                    /* a packet fit no layout: no longer followed */
	bool has_sid[2];
	uint8_t sid[2][8];              /* each side's session id */
	struct ovpn_chan ch[2];
	size_t mem_counted;
};

static bool carrier_sniff(const uint8_t *p, size_t n)
{
	struct ovpn_layout l;

	return ovpn_first(p, n, &l) == OVPN_OK;
}

static bool carrier_accepts(const uint8_t *p, size_t n)
{
	struct cur c = cur_make(p, n);
	uint8_t b;

	return cur_u8(&c, &b) && b >> 3 >= OVPN_CONTROL_SOFT_RESET_V1 &&
	       b >> 3 <= OVPN_CONTROL_WKC_V1;
}

static struct session *carrier_open(struct tt_ctx *ctx)
{
	void *state;
	struct session *s = core_new_carried(ctx, sizeof *s->ovpn, &state);

	if (!s)
		return NULL;
	s->ovpn = state;
	s->ovpn->client = -1;
	for (int i = 0; i < 2; i++)
		ovpn_chan_init(&s->ovpn->ch[i]);
	return s;
}

/* The session's memory follows what the channels hold. */
static void sync_mem(struct session *s)
{
	core_mem_follow(s, s->ovpn->ch[0].mem + s->ovpn->ch[1].mem, &s->ovpn->mem_counted);
}

/* What the record says of the channel: its protection as narrowed, the
 * retransmitted and reordered messages. */
static void note_info(struct session *s)
{
	struct sess_ovpn *o = s->ovpn;
	struct pre_info *in = &s->pre->info;
	size_t auth = ovpn_layout_auth(&o->lay);

	in->ovpn_prot = o->lay.prot;
	in->ovpn_hmac = (uint8_t)(auth ? auth - 8 : 0);
	in->ovpn_resent = o->ch[0].resent + o->ch[1].resent;
	in->ovpn_reordered = o->ch[0].reordered + o->ch[1].reordered;
}

/* The prelude state that makes the record's tls.via: the connection is
 * OpenVPN. */
static bool recognise(struct session *s)
{
	struct sess_ovpn *o = s->ovpn;

	if (!sess_pre_start(s)) {
		o->broken = true;
		return false;
	}
	pre_ovpn_start(s->pre, o->client, o->lay.prot, 0, true);
	note_info(s);
	return true;
}

/* The client's hard reset, the flow's first datagram: the layout.  A
 * tls-crypt reset is only a length (any datagram of it could start so):
 * the server's reset must follow. */
static bool start(struct session *s, int dir, const uint8_t *p, size_t n)
{
	struct sess_ovpn *o = s->ovpn;

	if (ovpn_first(p, n, &o->lay) != OVPN_OK) {
		o->broken = true;
		return false;
	}
	o->client = (int8_t)dir;
	o->await_server = o->lay.prot >= OVPN_PROT_TLS_CRYPT;
	return o->await_server || recognise(s);
}

/* tls-crypt: the server's hard reset (key id 0, a tag and more) makes
 * the connection OpenVPN. */
static void server_reset(struct session *s, int dir, const uint8_t *p, size_t n)
{
	struct cur c = cur_make(p, n);
	uint8_t b;

	if (dir != s->ovpn->client && cur_u8(&c, &b) &&
	    b == OVPN_CONTROL_HARD_RESET_SERVER_V2 << 3 && n >= 1 + 8 + 8 + 32 + 5) {
		s->ovpn->await_server = false;
		recognise(s);
	}
}

/* The messages of dir now in order: their TLS bytes to the record path. */
static void drain(struct session *s, int dir, uint64_t ts)
{
	const uint8_t *q;
	size_t k;

	while (tls_core_wants_data(s) && ovpn_chan_next(&s->ovpn->ch[dir], &q, &k))
		if (k)
			sess_pre_wrapped(s, dir, q, k, ts);
}

static void control(struct session *s, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
	struct sess_ovpn *o = s->ovpn;
	struct ovpn_hdr h;
	bool payload;

	if (!ovpn_narrow(&o->lay, p, n, dir == o->client, o->has_sid[!dir] ? o->sid[!dir] : NULL) ||
	    ovpn_packet(p, n, ovpn_layout_auth(&o->lay), &h) != OVPN_OK) {
		tls_core_anomaly(s, "openvpn_malformed");
		o->broken = true;
		return;
	}
	if (h.op == OVPN_DATA_V1 || h.op == OVPN_DATA_V2)
		return;
	if (!o->has_sid[dir]) {
		memcpy(o->sid[dir], h.sid, 8);
		o->has_sid[dir] = true;
	}
	if (!h.has_msg_id || h.key_id != 0)
		return;
	payload = h.op == OVPN_CONTROL_V1;
	ovpn_chan_add(&o->ch[dir], h.msg_id, payload ? p + h.hdr_len : NULL,
		      payload ? n - h.hdr_len : 0);
	drain(s, dir, ts);
}

static void carrier_push(struct session *s, int dir, const uint8_t *p, size_t n,
			 uint32_t missing, uint64_t ts_ns)
{
	struct sess_ovpn *o = s->ovpn;

	if ((dir != 0 && dir != 1) || !o || !tls_core_wants_data(s))
		return;
	if (missing) {          /* a cut packet cannot be read: its message is lost */
		tls_core_anomaly(s, "datagram_truncated");
		return;
	}
	if (o->client < 0 && !o->broken && !start(s, dir, p, n))
		return;
	if (o->await_server)
		server_reset(s, dir, p, n);
	if (o->broken || !s->pre || pre_encrypted(s->pre))
		return;
	control(s, dir, p, n, ts_ns);
	if (s->pre)
		note_info(s);
	sync_mem(s);
}

void sess_ovpn_finish(struct session *s)
{
	struct sess_ovpn *o = s->ovpn;

	for (int i = 0; i < 2; i++)
		if (!o->broken && s->pre && !pre_encrypted(s->pre) && tls_core_wants_data(s) &&
		    (ovpn_chan_held(&o->ch[i]) || o->ch[i].dropped))
			tls_core_anomaly(s, "openvpn_message_lost");
	sess_ovpn_free(s);
}

/* Frees the carrier's state (the record's counters are in s->pre by now);
 * what was counted stays counted until tls_core_free(). */
void sess_ovpn_free(struct session *s)
{
	if (!s->ovpn)
		return;
	for (int i = 0; i < 2; i++)
		ovpn_chan_free(&s->ovpn->ch[i]);
	free(s->ovpn);
	s->ovpn = NULL;
}

const struct udp_carrier session_ovpn = {
	carrier_sniff, carrier_accepts, carrier_open, carrier_push
};
