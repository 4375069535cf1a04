/*
 * emit_quic.c - the tls.quic object of a QUIC session record (FIELDS.md
 * "tls.quic"): version, connection ids, Retry and Version Negotiation, the
 * client's transport parameters by name, CONNECTION_CLOSE, packet counts,
 * and Google QUIC's CHLO.  Reads result structs only; the one decoding step
 * (transport parameters) happens when the ClientHello arrives.
 */
#include "quic_session.h"

void quic_sess_client_hello(struct quic_sess *q, const struct tls_client_hello *ch,
			    struct anom_set *a)
{
	bool varint;

	if (!ch->quic_tp_ext || q->have_tp)
		return;
	varint = ch->quic_tp_ext == 0x39 || q->qc.vi.varint_tp;
	quic_tp_parse(ch->quic_tp, ch->quic_tp_len, varint, &q->tp, a);
	q->have_tp = true;
}

static void cid(struct jw *w, const char *key, const struct quic_cid *c)
{
	if (c->len)
		jw_hexbytes(w, key, c->b, c->len);
}

static void transport_parameters(struct jw *w, const struct quic_tp *tp)
{
	jw_open(w, "transport_parameters", '[');
	for (uint16_t i = 0; i < tp->n; i++) {
		const struct quic_tp_param *p = &tp->p[i];
		const char *name = quic_tp_name(p->id);

		jw_open(w, NULL, '{');
		jw_uint(w, "id", p->id);
		if (name)
			jw_name(w, "name", name);
		if (p->is_int)
			jw_uint(w, "value", p->value);
		else if (p->len)
			jw_hexbytes(w, "bytes", p->raw, p->len < QUIC_TP_VAL_MAX ? p->len
										: QUIC_TP_VAL_MAX);
		jw_close(w, true);
	}
	jw_close(w, false);
	if (tp->n_total > tp->n)
		jw_uint(w, "transport_parameters_total", tp->n_total);
}

static void close_frame(struct jw *w, const char *from, const struct quic_close *c,
			struct anom_set *a)
{
	const char *name = c->app ? NULL : quic_error_name(c->code);

	jw_open(w, NULL, '{');
	jw_name(w, "from", from);
	jw_uint(w, "code", c->code);
	if (name)
		jw_name(w, "name", name);
	jw_bool(w, "application", c->app);
	if (!c->app)
		jw_uint(w, "frame_type", c->frame_type);
	if (c->reason_len)
		jw_wire(w, "reason", c->reason, c->reason_len, a);
	jw_close(w, true);
}

static void packets(struct jw *w, const struct quic_sess *q, int client_side)
{
	static const char *const kind[4] = { "initial", "zero_rtt", "handshake", "one_rtt" };

	jw_open(w, "packets", '{');
	for (int role = 0; role < 2; role++) {
		int side = role == 0 ? client_side : 1 - client_side;

		jw_open(w, role == 0 ? "client" : "server", '{');
		if (q->qc.n_initial[role])
			jw_uint(w, kind[0], q->qc.n_initial[role]);
		for (int k = 1; k < 4; k++)
			if (q->packets[side][k])
				jw_uint(w, kind[k], q->packets[side][k]);
		if (q->qc.n_undecrypted[side])
			jw_uint(w, "undecryptable", q->qc.n_undecrypted[side]);
		jw_close(w, false);
	}
	jw_close(w, false);
}

/* CYU of each CHLO: the text and its MD5, in two parallel arrays. */
static void cyu_arrays(struct jw *w, const struct quic_conn *qc)
{
	char cyu[1 + QUIC_MORE_CHLO][GQUIC_MAX_TAGS * 5 + 8], md5[1 + QUIC_MORE_CHLO][33];
	unsigned n = 0;

	for (unsigned i = 0; i <= qc->n_more; i++)
		if (gquic_cyu(i ? &qc->more[i - 1] : &qc->chlo, qc->version, cyu[n], sizeof cyu[n],
			      md5[n]))
			n++;
	jw_open(w, "cyu", '[');
	for (unsigned i = 0; i < n; i++)
		jw_name(w, NULL, cyu[i]);
	jw_close(w, false);
	jw_open(w, "cyu_hash", '[');
	for (unsigned i = 0; i < n; i++)
		jw_name(w, NULL, md5[i]);
	jw_close(w, false);
}

static void gquic(struct jw *w, const struct quic_conn *qc, struct anom_set *a)
{
	const struct gquic_chlo *ch = &qc->chlo;

	jw_open(w, "gquic", '{');
	if (ch->has_sni)
		jw_wire(w, "server_name", ch->sni, ch->sni_len, a);
	if (ch->has_uaid)
		jw_wire(w, "user_agent", ch->uaid, ch->uaid_len, a);
	if (ch->has_ver)
		jw_wire(w, "version", ch->ver, 4, a);
	jw_uint(w, "tags", ch->n_tags_total);
	jw_uint(w, "hellos", 1u + qc->n_more);
	cyu_arrays(w, qc);
	jw_close(w, true);
}

void emit_quic(struct jw *w, const struct quic_sess *q, int client_side, bool inferred,
	       struct anom_set *a)
{
	const struct quic_conn *qc = &q->qc;
	char vb[12];

	jw_open(w, "quic", '{');
	if (qc->version)
		jw_name(w, "version", quic_version_name(qc->version, vb));
	if (qc->first_version && qc->first_version != qc->version)
		jw_name(w, "first_version", quic_version_name(qc->first_version, vb));
	cid(w, "dcid", &qc->odcid);
	cid(w, "client_scid", &qc->client_scid);
	cid(w, "server_scid", &qc->server_scid);
	if (qc->retry) {
		jw_bool(w, "retry", true);
		cid(w, "retry_scid", &qc->retry_scid);
		if (qc->retry_tag >= 0)
			jw_name(w, "retry_integrity", qc->retry_tag ? "valid" : "invalid");
	}
	if (qc->vn) {
		jw_open(w, "version_negotiation", '[');
		for (uint16_t i = 0; i < qc->n_vn; i++)
			jw_name(w, NULL, quic_version_name(qc->vn_versions[i], vb));
		jw_close(w, true);
	}
	if (qc->restarts)
		jw_uint(w, "restarts", qc->restarts);
	if (q->have_tp)
		transport_parameters(w, &q->tp);
	if (qc->close[0].present || qc->close[1].present) {
		jw_open(w, "close", '[');
		for (int role = 0; role < 2; role++)
			if (qc->close[role].present)
				close_frame(w, role == 0 ? "client" : "server", &qc->close[role], a);
		jw_close(w, false);
	}
	if (client_side >= 0)
		packets(w, q, client_side);
	if (q->paths)
		jw_uint(w, "paths", 1u + q->paths);
	if (qc->have_chlo)
		gquic(w, qc, a);
	if (inferred)
		jw_bool(w, "outcome_inferred", true);
	jw_close(w, true);
}
