/*
 * session_dtls.c - the DTLS carrier: UDP datagrams into the handshake core
 * (tls_core.h), as session.c carries TCP (RFC 6347 for DTLS 1.0/1.2,
 * RFC 9147 for DTLS 1.3, OpenSSL's 0x0100).
 *
 *   datagram -> records (parsers/dtls_record.c)
 *     handshake, epoch 0 -> fragments -> dtls_reasm -> whole messages --> tls_core_handshake_msg
 *     CCS, alert, application data, encrypted handshake ---------------> tls_core_record
 *     unified header (DTLS 1.3, encrypted), as TLS 1.3's encrypted
 *       records (outer type application_data) --------------------------> tls_core_record
 *     flow end (timeout, eviction, end of input) -> flush the reassembly -> tls_core_finish
 *
 * What differs from TLS over TCP, and how it is handled:
 * - Datagrams are lost and sent again.  A handshake fragment seen before is
 *   counted (tls.dtls.retransmissions), not parsed twice; so are a
 *   ChangeCipherSpec in an epoch the side already left, and an encrypted
 *   Finished of the same size in the same epoch as the one seen.
 * - Handshake messages are rebuilt from fragments in message_seq order
 *   (parsers/dtls_reasm.c); what is still incomplete when the flow ends is
 *   dropped (anomaly handshake_message_cut).
 * - HelloVerifyRequest (a stateless cookie exchange, RFC 6347 4.2.1): the
 *   second ClientHello, with the cookie, stays in the session as after a
 *   HelloRetryRequest; JA3/JA4 come from the first.
 * - There is no FIN or RST: the outcome is decided by the handshake itself
 *   (Finished, alerts, the TLS 1.3 inference) or when the flow times out.
 * - A version maps to the TLS version it is built on for every rule
 *   (dtls_tls_version); the record names the DTLS one.
 * - Datagrams arrive out of order: application data of epoch 1 before the
 *   sender's CCS is not an anomaly (it decides nothing either).
 */
#include <stdlib.h>
#include <string.h>

#include "../parsers/dtls.h"
#include "session_dtls.h"
#include "session_impl.h"
#include "tls_core.h"

static struct sess_dtls *dtls_state(struct session *s)
{
	if (!s->dtls) {
		s->dtls = calloc(1, sizeof *s->dtls);
		if (!s->dtls)
			return NULL;
		core_mem_add(s, sizeof *s->dtls);
		for (int i = 0; i < 2; i++)
			dtls_reasm_init(&s->dtls->rs[i], s->ctx->cfg.max_handshake_msg);
	}
	return s->dtls;
}

/* The session's memory follows what the reassemblers hold. */
static void sync_mem(struct session *s)
{
	struct sess_dtls *x = s->dtls;
	size_t now = x->rs[0].mem + x->rs[1].mem;

	if (now > x->mem_counted)
		core_mem_add(s, now - x->mem_counted);
	else
		core_mem_sub(s, x->mem_counted - now);
	x->mem_counted = now;
}

static void deliver(struct session *s, int dir, bool flush, uint64_t ts)
{
	struct dtls_reasm *r = &s->dtls->rs[dir];
	struct dtls_hs_msg m;

	while (tls_core_wants_data(s) && dtls_reasm_next(r, flush, &m)) {
		if (m.type == TLS_HS_HELLO_VERIFY_REQUEST) {
			uint16_t v;
			uint8_t cl;
			tls_core_handshake_msg(s, dir, m.type, m.body, m.len, ts);
			if (dir == core_client_dir(s))
				continue;   /* listed as unexpected by the state machine */
			if (dtls_parse_hello_verify_request(m.body, m.len, &v, &cl, &s->anom) == 0)
				s->hvr = true;
			continue;
		}
		if (m.type == TLS_HS_CLIENT_HELLO || m.type == TLS_HS_SERVER_HELLO) {
			/* The cid a hello asks for prefixes the records its peer
			 * sends (RFC 9146 3). */
			uint8_t cl;
			if (dtls_hello_cid(m.body, m.len, m.type == TLS_HS_CLIENT_HELLO, &cl))
				s->dtls->cid_len[!dir] = cl;
		}
		tls_core_handshake_msg(s, dir, m.type, m.body, m.len, ts);
	}
}

/* The fragments of one plaintext handshake record. */
static void handshake(struct session *s, int dir, const struct dtls_record *rec, uint64_t ts)
{
	struct dtls_reasm *r = &s->dtls->rs[dir];
	struct dtls_hs_frag f;
	size_t off = 0, used;
	uint32_t before = r->retransmits, ov = r->overlaps;

	while (off < rec->len && tls_core_wants_data(s)) {
		if (dtls_hs_frag_parse(rec->body + off, rec->len - off, &f, &used) != TLS_OK) {
			anom_add(&s->anom, "dtls_fragment_malformed");
			break;
		}
		off += used;
		switch (dtls_reasm_add(r, &f)) {
		case DTLS_R_HELD:
			break;
		case DTLS_R_TOO_LARGE:
			core_too_large(s, dir, f.type);
			break;
		case DTLS_R_INCONSISTENT:
			anom_add(&s->anom, "dtls_fragment_inconsistent");
			break;
		case DTLS_R_DROPPED:
			anom_add(&s->anom, "dtls_fragment_dropped");
			break;
		case DTLS_R_NOMEM:
			anom_add(&s->anom, "alloc_failed");
			break;
		}
		deliver(s, dir, false, ts);
	}
	if (r->conflicts)
		anom_add(&s->anom, "dtls_fragment_conflict");
	s->dtls->retransmits += r->retransmits - before;
	s->dtls->overlaps += r->overlaps - ov;
}

/* A retransmitted CCS or encrypted Finished: counted, not listed again. */
static bool again(struct session *s, int dir, const struct dtls_record *rec)
{
	struct sess_dtls *x = s->dtls;
	const struct sess_dir *d = &s->d[dir];

	if (rec->type == TLS_CT_CCS && !s->tls13) {
		if (d->ccs && rec->epoch < x->epoch[dir])
			return true;
		x->epoch[dir] = (uint16_t)(rec->epoch + 1);
	} else if (rec->type == TLS_CT_HANDSHAKE && rec->epoch && !s->tls13) {
		if (d->finished && rec->epoch == x->epoch[dir] && rec->len == x->fin_len[dir])
			return true;
		if (!d->finished)
			x->fin_len[dir] = rec->len;
	}
	return false;
}

static void record(struct session *s, int dir, const struct dtls_record *rec, uint64_t ts)
{
	struct tls_record r = { 0 };
	struct sess_dir *d = &s->d[dir];

	r.version = dtls_tls_version(rec->version);
	r.body = rec->body;
	r.len = rec->len;
	switch (rec->type) {
	case TLS_CT_HANDSHAKE:
		if (!rec->epoch) {
			handshake(s, dir, rec, ts);
			return;
		}
		/* Encrypted (Finished): also when the CCS before it was lost. */
		if (!s->tls13 && !d->enc) {
			d->ccs = d->enc = true;
			s->dtls->epoch[dir] = rec->epoch;
		}
		r.type = TLS_CT_HANDSHAKE;
		break;
	case TLS_CT_APPDATA:
		/* Data of a later epoch before that side's CCS: the datagrams
		 * were reordered (or the CCS lost), which is UDP's normal life
		 * and not the peer's doing. */
		if (rec->epoch && !s->tls13 && !d->ccs && !(s->midstream && !s->n_ch && !s->sh_seen))
			return;
		r.type = TLS_CT_APPDATA;
		break;
	case TLS_CT_CCS:
	case TLS_CT_ALERT:
	case TLS_CT_HEARTBEAT:
		r.type = (uint8_t)rec->type;
		break;
	case DTLS_CT_ACK:
		if (!rec->epoch) {
			dtls_parse_ack(rec->body, rec->len, &s->anom);
			return;
		}
		r.type = TLS_CT_APPDATA;
		break;
	case DTLS_CT_TLS12_CID:
		/* DTLS 1.2 with a connection id hides the real type: the first
		 * such record after the side's CCS is its Finished, as in TLS
		 * 1.2 the first encrypted record after CCS is. */
		r.type = !s->tls13 && d->ccs && !d->finished ? TLS_CT_HANDSHAKE : TLS_CT_APPDATA;
		break;
	default:
		/* DTLS 1.3 unified header: encrypted records, as TLS 1.3's
		 * outer application_data. */
		r.type = TLS_CT_APPDATA;
		break;
	}
	if (again(s, dir, rec)) {
		s->dtls->retransmits++;
		return;
	}
	tls_core_record(s, dir, &r, false, ts);
}

struct session *session_dtls_new(struct tt_ctx *ctx)
{
	struct session *s = tls_core_new(ctx, "udp", -1);

	if (s && !dtls_state(s)) {
		tls_core_free(s);
		return NULL;
	}
	return s;
}

void session_dtls_datagram(struct session *s, int dir, const uint8_t *p, size_t n,
			   uint32_t missing, uint64_t ts_ns)
{
	size_t off = 0;

	if ((dir != 0 && dir != 1) || !tls_core_wants_data(s) || !dtls_state(s))
		return;
	if (!s->d[0].got_bytes && !s->d[1].got_bytes && !(n > 4 && p[0] == TLS_CT_HANDSHAKE &&
							   p[3] == 0 && p[4] == 0)) {
		/* The first datagram is not an epoch-0 handshake record: the
		 * handshake was before the capture saw the flow. */
		tls_core_anomaly(s, "midstream");
		tls_core_midstream(s);
	}
	s->dtls->last_ts = ts_ns;
	if (n)
		tls_core_bytes(s, dir);
	while (off < n && tls_core_wants_data(s)) {
		struct dtls_record rec;
		size_t used = 0;
		enum tls_status st = dtls_record_parse(p + off, n - off, s->dtls->cid_len[dir], &rec,
						       &used);

		if (st == TLS_BAD && (p[off] & 0xe0) == 0x20) {
			/* A unified header with a connection id of unknown size:
			 * the rest of the datagram is taken as one record. */
			rec = (struct dtls_record){ .type = DTLS_CT_CIPHERTEXT, .unified = true,
						    .body = p + off, .len = (uint16_t)(n - off) };
			used = n - off;
			st = n - off <= 0xffff ? TLS_OK : TLS_BAD;
		}
		if (st != TLS_OK) {
			anom_add(&s->anom, st == TLS_NEED_MORE && missing ? "datagram_truncated"
									: "invalid_record");
			break;
		}
		off += used;
		tls_core_looks_tls(s);
		record(s, dir, &rec, ts_ns);
	}
	if (s->dtls)
		sync_mem(s);
}

void sess_dtls_finish(struct session *s)
{
	for (int i = 0; i < 2; i++) {
		uint32_t inc = s->dtls->rs[i].incomplete;
		deliver(s, i, true, s->dtls->last_ts);
		if (s->dtls->rs[i].incomplete != inc)
			anom_add(&s->anom, "handshake_message_cut");
	}
	sess_dtls_free(s);
}

/* Frees the reassembly buffers; the counters stay for the record. */
void sess_dtls_free(struct session *s)
{
	if (!s->dtls)
		return;
	for (int i = 0; i < 2; i++)
		dtls_reasm_free(&s->dtls->rs[i]);
	sync_mem(s);
}
