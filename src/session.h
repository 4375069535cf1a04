/*
 * session.h - one TLS session per TCP connection: the TCP carrier between
 * reassembly (below) and the handshake core (tls_core.h).
 *
 * Reassembly feeds each direction's in-order bytes; `dir` is flow-relative
 * (0 = the side the flow table saw first, 1 = the other).  The session
 * decides by content whether this is TLS and which side is the client.
 *
 * Contract with reassembly (STYLE.md, "stream-fed parsers"):
 *   session_push() returns how many of the n bytes it consumed.  Bytes it did
 *   not consume (an incomplete record) are presented again, followed by new
 *   bytes, on the next call for that direction.  The session never keeps a
 *   pointer into `p` after returning.
 *   session_wants_data() turns false once the handshake outcome is decided or
 *   the connection is known not to be TLS: reassembly then stops buffering
 *   and only keeps counters.
 */
#ifndef TLSTAP_SESSION_H
#define TLSTAP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "tls_core.h"

struct session;

enum tcp_event { TCP_EV_SYN, TCP_EV_FIN, TCP_EV_RST };

/* A new session; syn_side is the flow's SYN sender (-1 unknown). NULL on ENOMEM. */
struct session *session_new(struct tt_ctx *ctx, int syn_side);
void session_free(struct session *s);
/* Frees the hello structs the sessions of ctx left for reuse (at the end,
 * after every session of ctx is freed). */
void session_pool_free(struct tt_ctx *ctx);

/* In-order stream bytes of direction dir at packet time ts_ns.  Returns bytes consumed. */
size_t session_push(struct session *s, int dir, const uint8_t *p, size_t n, uint64_t ts_ns);
/* After session_push() left bytes unconsumed: how many bytes, counted from
 * the first of them, it needs before another push can consume any (the
 * whole of a record whose header it has read), or 0 if it cannot tell.  A
 * push of fewer would return 0 and change nothing, so reassembly may wait
 * until that many are buffered. */
size_t session_want(const struct session *s, int dir);
/* `missing` bytes of direction dir will never arrive (loss, snaplen, memcap). */
void session_gap(struct session *s, int dir, uint64_t missing, uint64_t ts_ns);
void session_tcp_event(struct session *s, int dir, enum tcp_event ev, uint64_t ts_ns);
/* The TLS records travel inside another protocol's packets: name (static)
 * is that protocol, reported as tls.via.framing. */
void session_set_framing(struct session *s, const char *name);
/* A transport-level anomaly (midstream, tcp_overlap_conflict, reasm_memcap, ...). */
void session_anomaly(struct session *s, const char *code);
/* Counters only (no payload wanted): application data seen by reassembly
 * after session_wants_data() went false still counts for the outcome rule. */
void session_note_payload(struct session *s, int dir, uint64_t n, uint64_t ts_ns);

bool session_wants_data(const struct session *s);
/* The outcome is decided: the record may be emitted now. */
bool session_decided(const struct session *s);
/* At least one TLS record was recognised. */
/* The session has a record to report: TLS was recognised, or a cleartext
 * upgrade or proxy prelude was (which may have ended without TLS: outcome
 * not_tls, with tls.via saying why). */
bool session_is_tls(const struct session *s);
/* The flow's two ports (flow directions 0 and 1): a hint for telling apart
 * protocols whose first bytes look alike.  Optional. */
void session_set_ports(struct session *s, uint16_t port0, uint16_t port1);
/* Flow-relative side of the TLS client (ClientHello sender), or -1. */
int session_client_side(const struct session *s);
/* Close the books when the flow ends (timeout, eviction, end of input):
 * undecided sessions get their final outcome (incomplete, no_server_response...). */
void session_finish(struct session *s, uint64_t ts_ns);
/* Before the record is built: what the session put off until it was
 * decided (the ClientHello's full parse and its anomalies, the lookup of
 * its certificates in the store) is done. */
void session_settle(struct session *s);
/* After the record: what the session holds in stores shared between
 * threads (its certificates) is given back, by the thread that wrote the
 * record, which holds the store's lock anyway. */
void session_release(struct session *s);
/* s leaves its context for another thread's (render.h): its bytes no
 * longer count there, and the context forgets it.  Returns those bytes. */
size_t session_hand_over(struct session *s);
/* s, handed over, belongs to ctx from here on (and counts there). */
void session_adopt(struct session *s, struct tt_ctx *ctx);

#endif
