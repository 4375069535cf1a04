/*
 * tls_core.h - the transport-neutral TLS handshake core: one TLS session fed
 * by events, running the handshake state machine and the outcome rules
 * (README "Outcome"; the rules themselves are described in tls_core.c).
 *
 *   TCP:   reassembly -> session.c -> tls_stream (records) --+
 *   DTLS:  datagrams  -> records / reassembled messages -----+--> tls_core --> outcome,
 *   QUIC:  CRYPTO frames -> handshake bytes -----------------+     hellos, chains,
 *   STARTTLS: the bytes after the plaintext prelude -> TCP       anomalies
 *
 * Sides are the carrier's: 0 and 1, typically the flow's first and second
 * direction.  Which one is the client is decided here, by content (the
 * ClientHello sender), falling back on syn_side.  Times are capture times
 * in ns since the epoch.
 *
 * Ownership: the core copies what it keeps.  No pointer passed in is kept
 * after the call returns.  The session (struct session, session_impl.h) is
 * owned by whoever called tls_core_new(); tls_core_free() frees it.
 *
 * Events, in the order the carrier sees them:
 *   tls_core_bytes()          the side sent payload (before its records)
 *   tls_core_looks_tls()      the carrier judged the bytes to be TLS
 *   tls_core_not_tls()        ... or a side's first bytes not TLS
 *   tls_core_record()         one record: change_cipher_spec, alert,
 *                             handshake (cleartext: its bytes are joined into
 *                             messages here; after the side's CCS: Finished /
 *                             encrypted handshake), application_data
 *                             ("an encrypted record of N bytes": only
 *                             r->len is read), heartbeat; or an SSLv2 record
 *   tls_core_handshake_bytes() a stream of handshake bytes that did not come
 *                             in TLS records (QUIC CRYPTO frames)
 *   tls_core_handshake_msg()  one whole handshake message the carrier
 *                             reassembled itself (DTLS)
 *   tls_core_discard()        the side's partial handshake message is lost
 *   tls_core_gap(), tls_core_fin(), tls_core_reset(), tls_core_finish()
 */
#ifndef TLSTAP_TLS_CORE_H
#define TLSTAP_TLS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../parsers/tls_record.h"
#include "config.h"

struct session;

enum tls_outcome {
	TLS_OUT_NONE = 0,               /* not decided yet */
	TLS_OUT_ESTABLISHED,
	TLS_OUT_ALERT,
	TLS_OUT_RESET,
	TLS_OUT_CLOSED,
	TLS_OUT_INCOMPLETE,
	TLS_OUT_NO_SERVER_RESPONSE,
	TLS_OUT_MALFORMED,
	TLS_OUT_MIDSTREAM,              /* joined after the handshake: never seen */
	/* not_tls is reported by tls_core_is_tls() == false */
};

/* A new session carried by `transport` (a static string: "tcp", "udp",
 * ...); syn_side is the side that opened the connection (-1 unknown).
 * NULL on ENOMEM. */
struct session *tls_core_new(struct tt_ctx *ctx, const char *transport, int syn_side);
void tls_core_free(struct session *s);
/* Frees the structs and blocks the sessions of ctx left for reuse (at the
 * end, after every session of ctx is freed). */
void tls_core_pool_free(struct tt_ctx *ctx);
/* Gives those kept for reuse back to the allocator (memory runs short). */
void tls_core_pool_trim(struct tt_ctx *ctx);
/* Bytes the pool of freed structs and blocks and the scratch ClientHello
 * hold (mem.h). */
size_t tls_core_pool_bytes(const struct tt_ctx *ctx);

/* ---- events ---- */

/* The side sent payload (any byte, TLS or not). */
void tls_core_bytes(struct session *s, int side);
/* The carrier recognised TLS (counted once per session). */
void tls_core_looks_tls(struct session *s);
/* The side's first bytes are not TLS; sniffed: its carrier had judged them
 * TLS at first (then this is an invalid record, not a foreign protocol). */
void tls_core_not_tls(struct session *s, int side, bool sniffed);
/* One record of the side; sslv2: it had an SSLv2 header.  r->body is read
 * for r->len bytes except for application_data (NULL allowed). */
void tls_core_record(struct session *s, int side, const struct tls_record *r, bool sslv2,
		     uint64_t ts);
/* Cleartext handshake bytes of the side, in order, message boundaries
 * anywhere: joined into messages (at most cfg.max_handshake_msg each). */
void tls_core_handshake_bytes(struct session *s, int side, const uint8_t *b, size_t n,
			      uint64_t ts);
/* One whole handshake message of the side: its type and body (without the
 * 4-byte header). */
void tls_core_handshake_msg(struct session *s, int side, uint8_t type, const uint8_t *b,
			    size_t n, uint64_t ts);
/* The side's framing broke (an invalid record): its partial handshake
 * message is lost, handshake bytes are ignored until a record starts with a
 * message, and until tls_core_resynced() an end of the connection counts
 * as malformed (invalid_record). */
void tls_core_discard(struct session *s, int side);
/* The carrier found a record boundary again after tls_core_discard(). */
void tls_core_resynced(struct session *s, int side);
/* `missing` bytes of the side will never arrive (anomaly tcp_gap). */
void tls_core_gap(struct session *s, int side, uint64_t missing);
/* The carrier joined the connection after it started (anomaly midstream
 * recorded by the caller): application data first means the handshake
 * was missed. */
void tls_core_midstream(struct session *s);
/* A carrier-level anomaly (midstream, tcp_overlap_conflict, ...). */
void tls_core_anomaly(struct session *s, const char *code);
/* The carrier's framing broke beyond repair: outcome malformed. */
void tls_core_malformed(struct session *s, int side, const char *code);
/* The capture time of the carrier's next event (tls_core_fin/reset): a
 * FIN or RST that decides the outcome ends tls.handshake_duration there. */
void tls_core_time(struct session *s, uint64_t ts);
/* The side closed (FIN) / the connection was reset (RST). */
void tls_core_fin(struct session *s, int side);
void tls_core_reset(struct session *s, int side);
/* Bytes seen after the outcome was decided (counters only). */
void tls_core_note_payload(struct session *s, int side, uint64_t n);
/* Close the books (flow end): undecided sessions get their final outcome. */
void tls_core_finish(struct session *s);

/* ---- state ---- */

/* The session is not known non-TLS, and its outcome is not decided or a
 * TLS 1.3 post-handshake window is open (README "Decryption"). */
bool tls_core_wants_data(const struct session *s);
/* The outcome is decided and no window is open, or the session is not
 * TLS: the record may be built. */
bool tls_core_done(const struct session *s);
/* The outcome is decided and no window is open. */
bool tls_core_decided(const struct session *s);
/* At least one side was recognised as TLS. */
bool tls_core_is_tls(const struct session *s);
/* SSLv2 exchange: both sides' records have SSLv2 headers from now on. */
bool tls_core_sslv2(const struct session *s);
/* Side of the TLS client (ClientHello sender), else syn_side, or -1. */
int tls_core_client_side(const struct session *s);

#endif
