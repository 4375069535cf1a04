/*
 * tls_core_post.c - the handshake core after a TLS 1.3 decision, with a
 * key log: the post-handshake window (RFC 8446 4.6; README "Decryption").
 *
 *   decided established ──(key log opens application records)──> window open
 *     server: NewSessionTicket, CertificateRequest, KeyUpdate, alerts
 *     client: Certificate, CertificateVerify, Finished, KeyUpdate, alerts
 *   window closed ──> the record is written
 *
 * The window closes at the first of:
 *   - each side has sent application data since the last post-handshake
 *     message other than NewSessionTicket, and nothing waits for an answer
 *     (a CertificateRequest for the client's Finished, a KeyUpdate with
 *     update_requested for the peer's KeyUpdate);
 *   - CORE_POST_RECORDS records opened in one direction since the decision;
 *   - an alert, a gap, a RST, both FINs, the end of the flow, a record that
 *     does not open.
 * Nothing is allocated here: the window costs the decryption state the
 * session already holds, for longer.
 */
#include "../parsers/tls_hs.h"
#include "../parsers/tls_record.h"
#include "session_impl.h"

void core_post_open(struct session *s)
{
	if (s->outcome != TLS_OUT_ESTABLISHED || !s->tls13 || !s->decrypting ||
	    s->dtls || s->quic)   /* (decrypting: s->dec holds the keys) */
		return;
	s->ph_open = true;
}

void core_post_close(struct session *s)
{
	s->ph_open = false;
}

bool core_post_msg_is_post(const struct session *s)
{
	return s->tls13 && s->decrypting && s->d[core_client_dir(s)].finished;
}

static bool waiting(const struct session *s)
{
	return s->ph_cr_pending || s->ph_ku_pending[0] || s->ph_ku_pending[1];
}

void core_post_msg(struct session *s, int dir, uint8_t type, const uint8_t *b, size_t n)
{
	bool from_client = dir == core_client_dir(s);

	if (type == TLS_HS_NEW_SESSION_TICKET)
		return;
	s->ph_data[0] = s->ph_data[1] = false;
	switch (type) {
	case TLS_HS_CERTIFICATE_REQUEST:
		if (from_client) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		s->ph_cr_pending = true;
		if (s->ph_auth == PH_AUTH_NONE)
			s->ph_auth = PH_AUTH_REQUESTED;
		break;
	case TLS_HS_FINISHED:
		if (from_client)
			s->ph_cr_pending = false;
		break;
	case TLS_HS_KEY_UPDATE:
		/* RFC 8446 4.6.3: request_update (1 byte), 1 asks the peer to
		 * update too; the peer's KeyUpdate answers. */
		s->ph_ku_pending[dir] = false;
		if (n == 1 && b[0] == 1)
			s->ph_ku_pending[!dir] = true;
		else if (n != 1 || b[0] > 1)
			anom_add(&s->anom, "key_update_malformed");
		break;
	default:
		break;
	}
}

void core_post_record(struct session *s, int dir, uint8_t type, uint8_t level, uint8_t desc)
{
	if (!s->ph_open)
		return;
	if (type == TLS_CT_ALERT) {
		/* The answer to a post-handshake CertificateRequest, or its end. */
		if (s->ph_auth != PH_AUTH_NONE && !s->ph_alert && level == 2) {
			s->ph_alert = true;
			s->ph_alert_dir = (uint8_t)dir;
			s->ph_alert_desc = desc;
		}
		core_post_close(s);
		return;
	}
	if (type == TLS_CT_APPDATA)
		s->ph_data[dir] = true;
	if (++s->ph_records[dir] >= CORE_POST_RECORDS ||
	    (s->ph_data[0] && s->ph_data[1] && !waiting(s)))
		core_post_close(s);
}
