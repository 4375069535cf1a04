/*
 * quic_session.h - what a QUIC session carries besides its TLS handshake:
 * the connection follower (parsers/quic_conn.h), the client's transport
 * parameters decoded from its ClientHello, and the tls.quic object of the
 * record (emit_quic.c).
 *
 * The session owns one struct quic_sess per QUIC flow (quic_sess_new /
 * quic_sess_free); the handshake bytes quic_conn reassembles go to the
 * TLS handshake state machine like the messages of a TCP stream.
 */
#ifndef TLSTAP_QUIC_SESSION_H
#define TLSTAP_QUIC_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "../parsers/quic_conn.h"
#include "../parsers/quic_tp.h"
#include "../parsers/tls_hello.h"
#include "jw.h"

struct quic_sess {
	struct quic_conn qc;
	bool have_tp;
	struct quic_tp tp;              /* the client's transport parameters */
	unsigned packets[2][4];         /* by side: -, 0-RTT, Handshake, 1-RTT */
	uint64_t last_ts;               /* time of the last datagram */
	size_t mem_counted;             /* CRYPTO buffers counted in the session */
	unsigned paths;                 /* address pairs besides the flow's own
	                                 * (quic_paths.c) */
};

/* The client's transport parameters from its ClientHello: decoded in the
 * encoding its extension codepoint and the QUIC version call for. */
void quic_sess_client_hello(struct quic_sess *q, const struct tls_client_hello *ch,
			    struct anom_set *a);

/* tls.quic for the record; client_side is the flow side of the client (or
 * -1), inferred whether the outcome `established` was inferred from the
 * packet types.  Wire strings (close reason, CHLO values) go through
 * jw_wire with anomalies into a. */
void emit_quic(struct jw *w, const struct quic_sess *q, int client_side, bool inferred,
	       struct anom_set *a);

#endif
