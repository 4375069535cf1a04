/*
 * tls_core_13.c - the handshake core's TLS 1.3 records after the
 * ServerHello without a key (README "How a handshake is decided"; the
 * rules are listed at the top of tls_core.c): the flights inferred from
 * record sizes, 0-RTT early data as the server skips it, and cleartext
 * handshake records no endpoint takes then.
 */
#include "../parsers/tls_hs.h"
#include "session_impl.h"

/* Whether a TLS 1.3 record of `len` bytes looks block-padded (RFC 8446
 * 5.4): its inner plaintext (length minus the AEAD tag) is a multiple of 64
 * bytes.  OpenSSL's -record_padding and similar policies pad to blocks of
 * 64 bytes or more; an unpadded record lands there once in 64. */
static bool tls13_padded(const struct session *s, uint32_t len)
{
	uint32_t tag = core_tls13_alert_len(s) - 3;

	return len > tag && (len - tag) % 64 == 0;
}

/* A TLS 1.3 server record after the ServerHello. */
static void tls13_server_record(struct session *s, int dir, uint32_t len)
{
	uint32_t al = core_tls13_alert_len(s);

	if (s->cli_flight) {
		s->cli_flight_closed = true;
		if (len != al) {
			s->srv_after_data = true;
		} else if (!s->d[!dir].fin && !s->srv_after_data) {
			/* The server's first answer to the client's flight is an
			 * alert: it rejected the flight (client authentication).
			 * After the client closed, the same size is the server's
			 * close_notify. */
			s->srv_after_alert = true;
			core_add_alert(s, dir, 0, 0, true, false);
			core_decide(s, TLS_OUT_ALERT, SC_INFERRED_ALERT, dir);
			return;
		}
	} else if (!s->srv_flight++) {
		core_add_msg(s, dir, SESS_MSG_ENC_HS);
		s->srv_first_len = len;
		s->srv_flight_msg = s->n_msgs;
	} else if (len != al && s->srv_flight_msg &&
		   s->msgs[s->srv_flight_msg - 1].code == SESS_MSG_ENC_HS) {
		/* the timeline gives the whole flight's size */
		s->msgs[s->srv_flight_msg - 1].len += len;
	} else if (len == al) {
		/* No handshake record is this small (a message header alone is
		 * 4 bytes): an alert after the server's flight, before the
		 * client's (a client that gave up on the CertificateRequest). */
		s->srv_flight--;
		core_add_alert(s, dir, 0, 0, true, false);
		/* (without the client's direction, the close_notify of a
		 * handshake that completed) */
		if (!core_one_sided(s)) {
			core_decide(s, TLS_OUT_ALERT, SC_INFERRED_ALERT, dir);
			return;
		}
	}
	core_check_established(s);
}

/* A TLS 1.3 client record after the ServerHello: 0-RTT data before the
 * server's flight, then its own flight (the records captured with its
 * first one), then data. */
static void tls13_client_record(struct session *s, int dir, uint32_t len, uint64_t ts)
{
	if (!s->srv_flight) {
		core_early_record(s, len);
		return;
	}
	if (s->early_held) {
		/* The client went on: its alert-sized record was early data
		 * that the server skipped, not an alert. */
		s->early_held = false;
		anom_add(&s->anom, "early_data_after_server_flight");
		core_early_record(s, core_tls13_alert_len(s));
	}
	if (!s->cli_flight) {
		if (len == core_tls13_alert_len(s) && s->ch_early_data &&
		    !s->early_records_over) {
			/* Early data may still be in flight (RFC 8446 4.2.10: a
			 * server that rejected it skips what it cannot open):
			 * an alert only if the client sends nothing more. */
			s->early_held = true;
			return;
		}
		if (len == core_tls13_alert_len(s)) {
			/* the client rejected the server's flight */
			core_add_alert(s, dir, 0, 0, true, false);
			core_decide(s, TLS_OUT_ALERT, SC_INFERRED_ALERT, dir);
			s->cli_first_len = len;
			s->cli_flight = 1;
			return;
		}
		s->cli_flight = 1;
		s->cli_first_len = len;
		s->cli_flight_ts = ts;
		s->padded = tls13_padded(s, len);
		core_add_msg(s, dir, SESS_MSG_ENC_HS);
	} else if (!s->cli_flight_closed && ts == s->cli_flight_ts) {
		s->cli_flight++;
	} else {
		s->cli_flight_closed = true;
		s->cli_after++;
		if (!s->appdata_listed[dir]) {
			s->appdata_listed[dir] = true;
			core_add_msg(s, dir, SESS_MSG_APPDATA);
		}
	}
	core_check_established(s);
}

void core_tls13_record(struct session *s, int dir, uint32_t len, uint64_t ts)
{
	if (dir != core_client_dir(s))
		tls13_server_record(s, dir, len);
	else
		tls13_client_record(s, dir, len, ts);
}

/* A TLS 1.3 record the key log opened (tls_core_dec.c): its content is
 * listed and decided by what was read in it, so only the flight counters
 * move here, nothing is inferred from its size. */
void core_tls13_appdata(struct session *s, int dir, uint32_t len, bool quiet)
{
	(void)quiet;
	if (dir != core_client_dir(s)) {
		if (!s->cli_flight) {
			if (!s->srv_flight++)
				s->srv_first_len = len;
		} else if (len == core_tls13_alert_len(s)) {
			if (!s->d[core_client_dir(s)].fin)
				s->srv_after_alert = true;
		} else {
			s->srv_after_data = true;
		}
	} else if (!s->srv_flight) {
		core_early_record(s, len);
	} else if (!s->cli_flight++) {
		s->cli_first_len = len;
	}
}

/* A client record taken as 0-RTT early data, `len` bytes on the wire.  A
 * server skips early data up to its max_early_data_size (RFC 8446 4.2.10),
 * which no record shows: tlstap takes OpenSSL's default, 16,384 bytes of
 * plaintext (each record's length less its content type and AEAD tag).
 * Returns false, with the anomaly early_data_over_limit, past it. */
bool core_early_record(struct session *s, uint32_t len)
{
	uint32_t over = core_tls13_alert_len(s) - 2;

	s->early_records++;
	s->early_bytes += len > over ? len - over : 0;
	if (s->early_bytes <= CORE_EARLY_DATA_MAX)
		return true;
	anom_add(&s->anom, "early_data_over_limit");
	s->early_records_over = true;
	return false;
}

/* A cleartext handshake record after the TLS 1.3 ServerHello, of either
 * side: each endpoint then reads only protected records (RFC 8446 5) and
 * answers this one with unexpected_message, so it is named and skipped,
 * never parsed (an attacker's "Certificate" among 0-RTT records would make
 * a client look authenticated).  A message that began in the hello's record
 * continues; a client that sent no ClientHello yet is sending it (the
 * capture reordered them).  DTLS and QUIC carry handshake bytes their own
 * way. */
bool core_tls13_cleartext_handshake(struct session *s, int dir)
{
	if (!s->tls13 || !s->sh_seen || s->dtls || s->quic || s->d[dir].hs_len ||
	    s->d[dir].hs_skip)
		return false;
	/* (a ClientHello captured after the server's answer is still the hello) */
	if (dir == core_client_dir(s) && !s->n_ch)
		return false;
	anom_add(&s->anom, "tls13_cleartext_handshake");
	return true;
}

