/*
 * session_quic.h - the QUIC carrier: UDP datagrams of a QUIC flow into the
 * handshake core (tls_core.h), as session.h is the TCP carrier and
 * session_dtls.h the DTLS one.
 *
 * The session it makes is a struct session like any other: the pipeline
 * ends it with session_finish() / session_free() and reads it with
 * session_decided(), session_is_tls(), session_client_side().
 */
#ifndef TLSTAP_SESSION_QUIC_H
#define TLSTAP_SESSION_QUIC_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct session;

/* A new QUIC session (transport "quic"); NULL on ENOMEM. */
struct session *session_quic_new(struct tt_ctx *ctx);
/* One UDP datagram of the flow, flow-relative direction dir; `missing`
 * bytes of it were cut by the snaplen.  Nothing of p is kept. */
void session_quic_datagram(struct session *s, int dir, const uint8_t *p, size_t n,
			   uint32_t missing, uint64_t ts_ns);

#endif
