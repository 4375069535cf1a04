/*
 * tls_stream.h - one direction of a TCP byte stream cut into TLS (or SSLv2)
 * records, with resynchronisation after gaps and invalid records
 * (RFC 8446 5.1, RFC 5246 6.2, draft-hickman-netscape-ssl-00).
 *
 *   bytes --tls_stream_next()--> TLS_STREAM_TLS       the stream looks like TLS
 *                                TLS_STREAM_RECORD    one record (type, version, body)
 *                                TLS_STREAM_NOT_TLS   the first bytes are not TLS
 *                                TLS_STREAM_INVALID   a bad record: resynchronising
 *                                TLS_STREAM_RESYNCED  a record header found again
 *                                TLS_STREAM_LOST      no header within 64 KiB
 *                                TLS_STREAM_NEED_MORE stop; re-present the rest
 *
 * A pull parser: the caller (src/session.c for TCP) calls tls_stream_next()
 * on the bytes it holds, drops *used of them, and calls again while there
 * are bytes and it still wants records.  No buffering here: an incomplete
 * record is reported NEED_MORE with *used 0, and the caller presents the
 * same bytes again, followed by new ones, on the next call.  The record's
 * body points into the caller's buffer and is valid until it drops it.
 *
 * What the records mean (handshake messages, alerts, the outcome) is the
 * handshake core's business (src/tls_core.h); this file only frames them.
 */
#ifndef TLSTAP_TLS_STREAM_H
#define TLSTAP_TLS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tls_record.h"

/* Bytes skipped looking for a record header before the stream counts as lost. */
#define TLS_STREAM_RESYNC_LIMIT (64u * 1024u)

enum tls_stream_ev {
	TLS_STREAM_NEED_MORE = 0, /* drop *used bytes (skipped garbage), then wait */
	TLS_STREAM_TLS,           /* the first bytes look like TLS (nothing consumed) */
	TLS_STREAM_RECORD,        /* *rec is a record of *used bytes */
	TLS_STREAM_NOT_TLS,       /* the direction's first bytes are not TLS: it is done */
	TLS_STREAM_INVALID,       /* an invalid record after valid ones: resynchronising */
	TLS_STREAM_RESYNCED,      /* a header follows *used skipped bytes; out->skipped in all */
	TLS_STREAM_LOST,          /* TLS_STREAM_RESYNC_LIMIT exceeded; out->bad: after an
				   * invalid record (else after a gap) */
};

/* One direction.  Zero it to start; the caller sets the two inputs before
 * each call, the rest is the parser's (and may be read). */
struct tls_stream {
	/* inputs */
	bool known_tls;         /* the connection is known to be TLS (either direction):
				 * no sniffing, and a resync trusts a lone header */
	bool sslv2;             /* both sides speak SSLv2 records (SSLv2 exchange) */
	/* state */
	bool sniffed;           /* the first bytes were judged TLS */
	bool not_tls;           /* ... or not (sticky: the direction is done) */
	bool any_tls;           /* at least one record parsed */
	bool resync;            /* looking for the next record header */
	bool resync_bad;        /* ... because a record was invalid, not a gap */
	uint64_t resync_skipped;/* bytes skipped while resynchronising */
	uint32_t records;
	size_t need;            /* after NEED_MORE from a record header: the bytes
				 * from the call's p + *used that the record takes
				 * in all (header and fragment); 0 otherwise */
};

struct tls_stream_out {
	struct tls_record rec;  /* TLS_STREAM_RECORD */
	bool sslv2;             /* ... with an SSLv2 record header */
	uint64_t skipped;       /* TLS_STREAM_RESYNCED: bytes skipped in all */
	bool bad;               /* TLS_STREAM_LOST: the resync followed an invalid record */
};

/* The next event in p[0..n); *used bytes of p are consumed (also for
 * NEED_MORE: skipped while resynchronising).  NOT_TLS consumes all n. */
enum tls_stream_ev tls_stream_next(struct tls_stream *st, const uint8_t *p, size_t n,
				   size_t *used, struct tls_stream_out *out);

/* Bytes of the direction will never arrive: look for the next record header. */
void tls_stream_gap(struct tls_stream *st);

/* The stream was joined late: its first bytes may be inside a record. */
void tls_stream_midstream(struct tls_stream *st);

#endif
