/*
 * quic_conn.c - following one QUIC connection's handshake: RFC 9000 7
 * (the cryptographic handshake), 17.2.2 (Initial), 17.2.5 (Retry: the client
 * restarts with the server's new connection id), 6 (Version Negotiation),
 * RFC 9001 5.2 (Initial keys from the client's first DCID).  Picture and
 * ownership: quic_conn.h.
 */
#include "quic_conn.h"

#include <string.h>

#include "tls_hs.h"

/* Plaintext of one packet: a datagram is at most 64 KiB. */
#define PT_MAX 65536

static bool cid_eq(const struct quic_cid *x, const struct quic_cid *y)
{
	return x->len == y->len && memcmp(x->b, y->b, x->len) == 0;
}

void quic_conn_init(struct quic_conn *qc, const struct quic_events *ev)
{
	memset(qc, 0, sizeof *qc);
	qc->ev = *ev;
	qc->client_side = -1;
	qc->gquic_client_side = -1;
	qc->gquic_base = UINT64_MAX;
	qc->retry_tag = -1;
	qc->largest_pn[0] = qc->largest_pn[1] = UINT64_MAX;
}

void quic_conn_free(struct quic_conn *qc)
{
	quic_cstream_free(&qc->cs[0]);
	quic_cstream_free(&qc->cs[1]);
}

static int side_of(const struct quic_conn *qc, int role)
{
	return role == 0 ? qc->client_side : 1 - qc->client_side;
}

/* After a restart, the client's new first message (a fresh ClientHello)
 * stands for the one already delivered: skip it once its header is in. */
static bool skip_restarted(struct quic_conn *qc)
{
	struct quic_cstream *cs = &qc->cs[0];
	uint8_t type;
	uint32_t len;

	if (tls_hs_header(cs->buf, cs->contig, &type, &len) != TLS_OK)
		return false;
	qc->restart_pending = false;
	qc->delivered[0] = TLS_HS_HDR + (size_t)len;
	return true;
}

/* Hands the role's newly contiguous bytes to the handshake callback, or,
 * for Google QUIC crypto, reads the CHLO once it is whole. */
static void deliver(struct quic_conn *qc, int role, struct anom_set *a)
{
	struct quic_cstream *cs = &qc->cs[role];


	if (qc->gquic) {
		/* CHLOs follow each other in the stream (a full one after the
		 * server's REJ); each is read once whole. */
		while (role == 0 && qc->chlo_next < cs->contig && qc->n_more < QUIC_MORE_CHLO) {
			struct gquic_chlo *ch = qc->have_chlo ? &qc->more[qc->n_more] : &qc->chlo;
			const uint8_t *p = cs->buf + qc->chlo_next;
			size_t n = cs->contig - qc->chlo_next;

			/* What follows a CHLO in its frame may be padding. */
			if (qc->have_chlo && n >= 4 && memcmp(p, "CHLO", 4) != 0)
				break;
			if (gquic_chlo_parse(p, n, ch, a) != QUIC_OK)
				break;
			qc->chlo_next += gquic_chlo_len(p, n);
			if (qc->have_chlo)
				qc->n_more++;
			qc->have_chlo = true;
		}
		return;
	}
	if (role == 0 && (!qc->answered || (qc->restart_pending && !skip_restarted(qc))))
		return;
	if (cs->contig > qc->delivered[role] && qc->ev.handshake)
		qc->ev.handshake(qc->ev.arg, side_of(qc, role), cs->buf + qc->delivered[role],
				 cs->contig - qc->delivered[role]);
	qc->delivered[role] = cs->contig;
}

/* The server spoke (other than Retry or Version Negotiation): the client's
 * handshake bytes held so far are the ones it answers. */
static void answered(struct quic_conn *qc, struct anom_set *a)
{
	if (qc->answered || qc->client_side < 0)
		return;
	qc->answered = true;
	deliver(qc, 0, a);
}

void quic_conn_finish(struct quic_conn *qc, struct anom_set *a)
{
	answered(qc, a);
}

static void frames(struct quic_conn *qc, int role, const uint8_t *pt, size_t n,
		   struct anom_set *a)
{
	struct quic_frames f = { 0 };

	quic_frames_parse(pt, n, qc->vi.family != QUIC_FAM_IETF, &qc->cs[role], &f, a);
	if (f.close.present && !qc->close[role].present) {
		qc->close[role] = f.close;
		if (qc->ev.close)
			qc->ev.close(qc->ev.arg, side_of(qc, role), &f.close);
	}
	deliver(qc, role, a);
}

/* Tries keys k on pk; on success the plaintext is in pt. */
static bool try_open(struct quic_conn *qc, int role, const struct quic_keys *k,
		     const struct quic_packet *pk, uint8_t *pt, size_t *n)
{
	struct anom_set scratch = { 0 };
	uint64_t pn;

	if (quic_unprotect(k, pk, qc->largest_pn[role], pt, PT_MAX, n, &pn, &scratch) != QUIC_OK)
		return false;
	if (qc->largest_pn[role] == UINT64_MAX || pn > qc->largest_pn[role])
		qc->largest_pn[role] = pn;
	return true;
}

/* The client's Initial under keys derived from its own DCID and version:
 * the first one, or after Retry / Version Negotiation. */
static bool open_rekeyed(struct quic_conn *qc, const struct quic_packet *pk, uint8_t *pt,
			 size_t *n)
{
	struct quic_keys k[2];
	struct quic_vinfo vi;
	uint64_t saved = qc->largest_pn[0];

	/* A reserved version has no keys of its own: clients protect it as v1
	 * or as draft-29; the AEAD tag tells which. */
	static const uint32_t stand_in[] = { QUIC_V1, 0xff00001d };
	uint32_t kv = pk->version;
	size_t i = 0;

	for (;;) {
		if (quic_version_reserved(pk->version))
			kv = stand_in[i];
		if (!quic_version_info(kv, &vi) ||
		    !quic_initial_keys(kv, pk->dcid.b, pk->dcid.len, &k[0], &k[1]))
			return false;
		qc->largest_pn[0] = UINT64_MAX;
		if (try_open(qc, 0, &k[0], pk, pt, n))
			break;
		qc->largest_pn[0] = saved;
		if (!quic_version_reserved(pk->version) || ++i == sizeof stand_in / sizeof stand_in[0])
			return false;
	}
	if (qc->client_side >= 0) {
		if (!cid_eq(&pk->dcid, &qc->key_cid) && !qc->retry && pk->version == qc->version)
			qc->retry = true;   /* a new DCID that proves keys: a Retry we missed */
		/* A new attempt: its CRYPTO stream starts again at offset 0. */
		quic_cstream_free(&qc->cs[0]);
		quic_cstream_free(&qc->cs[1]);
		qc->restart_pending = qc->delivered[0] > 0 && !qc->gquic;
		qc->answered = false;
		if (!qc->restart_pending)
			qc->delivered[0] = 0;
		qc->delivered[1] = 0;
		qc->restarts++;
	}
	qc->keys[0] = k[0];
	qc->keys[1] = k[1];
	qc->key_cid = pk->dcid;
	qc->version = pk->version;
	qc->vi = vi;
	qc->largest_pn[1] = UINT64_MAX;
	return true;
}

static void initial(struct quic_conn *qc, int side, const struct quic_packet *pk,
		    struct anom_set *a)
{
	static _Thread_local uint8_t pt[PT_MAX];
	size_t n = 0;
	int role = -1;

	if (qc->client_side < 0) {
		if (open_rekeyed(qc, pk, pt, &n)) {
			qc->client_side = side;
			qc->odcid = pk->dcid;
			qc->client_scid = pk->scid;
			role = 0;
		}
	} else if (side == qc->client_side) {
		if (pk->version == qc->version && try_open(qc, 0, &qc->keys[0], pk, pt, &n))
			role = 0;
		else if (open_rekeyed(qc, pk, pt, &n))
			role = 0;
	} else if (pk->version == qc->version && try_open(qc, 1, &qc->keys[1], pk, pt, &n)) {
		role = 1;
		if (!qc->server_scid_set) {
			qc->server_scid = pk->scid;
			qc->server_scid_set = true;
		}
	}
	if (role < 0) {
		if (qc->client_side >= 0 && side != qc->client_side)
			answered(qc, a);
		qc->n_undecrypted[side]++;
		anom_add(a, qc->client_side < 0 ? "quic_initial_undecryptable"
						: "quic_decrypt_failed");
		if (qc->ev.protected_pkt)
			qc->ev.protected_pkt(qc->ev.arg, side, QUIC_PT_INITIAL, pk->len);
		return;
	}
	qc->n_initial[role]++;
	if (role == 1)
		answered(qc, a);
	frames(qc, role, pt, n, a);
}

static void version_negotiation(struct quic_conn *qc, const struct quic_packet *pk)
{
	struct cur c = cur_make(pk->versions, pk->n_versions * 4);
	uint32_t v;

	if (qc->vn)
		return;
	qc->vn = true;
	while (cur_u32(&c, &v)) {
		qc->n_vn_total++;
		if (qc->n_vn < QUIC_VN_MAX)
			qc->vn_versions[qc->n_vn++] = v;
	}
}

/* Google QUIC Q024..Q049: the CHLO in clear text, from the client (the
 * side whose packets carry the version). */
static void gquic_old(struct quic_conn *qc, int side, const struct quic_packet *pk,
		      struct anom_set *a)
{
	struct anom_set scratch = { 0 };

	qc->gquic = true;
	if (qc->gquic_client_side < 0)
		qc->gquic_client_side = side;
	if (side != qc->gquic_client_side)
		return;
	if (qc->client_side < 0)
		qc->client_side = side;
	if (!qc->version) {
		qc->version = pk->version;
		quic_version_info(pk->version, &qc->vi);
		qc->odcid = pk->dcid;
	}
	/* Q046: only Initial packets (type 0) are in clear text.  Packets after
	 * the first CHLO may be encrypted: what does not read is not reported. */
	if ((pk->first & 0x80) && (pk->first & 0x30))
		return;
	if (gquic_old_packet(pk, &qc->cs[0], &qc->gquic_base,
			     qc->have_chlo ? &scratch : a) == QUIC_OK)
		deliver(qc, 0, a);
}

/* A Retry from the server: its tag is checked against the DCID of the
 * client's Initial it answers (the one the Initial keys derive from). */
static void retry(struct quic_conn *qc, int side, const struct quic_packet *pk,
		  struct anom_set *a)
{
	if (!qc->retry && qc->client_side >= 0 && side != qc->client_side) {
		qc->retry_tag = (int8_t)quic_retry_verify(pk, &qc->key_cid);
		if (qc->retry_tag == 0)
			anom_add(a, "quic_retry_integrity_failed");
	}
	qc->retry = true;
	qc->retry_scid = pk->scid;
}

static void one_packet(struct quic_conn *qc, int side, const struct quic_packet *pk,
		       struct anom_set *a)
{
	if (!qc->first_version && pk->type != QUIC_PT_SHORT && pk->type != QUIC_PT_VN)
		qc->first_version = pk->version;
	switch (pk->type) {
	case QUIC_PT_INITIAL:
		if (qc->client_side < 0 || side == qc->client_side) {
			struct quic_vinfo vi;

			quic_version_info(pk->version, &vi);
			if (vi.family == QUIC_FAM_GQUIC_Q050)
				qc->gquic = true;
		}
		initial(qc, side, pk, a);
		break;
	case QUIC_PT_RETRY:
		retry(qc, side, pk, a);
		break;
	case QUIC_PT_VN:
		version_negotiation(qc, pk);
		break;
	case QUIC_PT_GQUIC:
		gquic_old(qc, side, pk, a);
		break;
	case QUIC_PT_HANDSHAKE:
	case QUIC_PT_0RTT:
	case QUIC_PT_SHORT:
		if (qc->client_side >= 0 && side != qc->client_side)
			answered(qc, a);
		if (pk->type == QUIC_PT_HANDSHAKE)
			qc->n_handshake[side]++;
		else if (pk->type == QUIC_PT_0RTT)
			qc->n_0rtt++;
		else
			qc->n_short[side]++;
		if (qc->ev.protected_pkt)
			qc->ev.protected_pkt(qc->ev.arg, side, pk->type, pk->len);
		break;
	}
}

void quic_conn_datagram(struct quic_conn *qc, int side, const uint8_t *p, size_t n,
			struct anom_set *a)
{
	size_t off = 0;

	if (side < 0 || side > 1)
		return;
	while (off < n) {
		struct quic_packet pk;

		/* Bytes after the last packet that are all zero: padding. */
		if (off > 0 && p[off] == 0) {
			size_t z = off;

			while (z < n && p[z] == 0)
				z++;
			if (z == n)
				break;
		}
		if (quic_packet_parse(p + off, n - off, &pk, a) != QUIC_OK)
			break;
		one_packet(qc, side, &pk, a);
		if (pk.len == 0)
			break;
		off += pk.len;
	}
}
