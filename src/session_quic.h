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

/* The connection ids the handshake announced, which the peer then sends to:
 * cid[0]/len[0] the client's Source Connection ID, cid[1]/len[1] the
 * server's (pointers into the session, valid while it lives).  Returns a
 * bitmask of the roles whose id is settled (bit 0 client, bit 1 server; an
 * id may be settled and empty).  Google QUIC: none. */
unsigned session_quic_cids(const struct session *s, const uint8_t *cid[2], uint8_t len[2]);
/* Address pairs the connection was seen on besides its flow's own. */
unsigned session_quic_paths(const struct session *s);
/* One more (quic_paths.c found the connection on a new address pair). */
void session_quic_new_path(struct session *s);

#endif
