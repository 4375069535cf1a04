/*
 * quic_paths.h - following a QUIC connection to a new address pair (RFC
 * 9000 9: migration; NAT rebinding), which the flow table, keyed by the UDP
 * 5-tuple, cannot do.
 *
 *   datagram of no known flow ──> qpaths_find: its address pair is one the
 *     connection was seen on before, or its Destination Connection ID is
 *     one the handshake announced (a Source Connection ID of a long header)
 *       ──> the connection's flow and the sender's side in it
 *   datagram of a QUIC flow  ──> qpaths_learn: index the connection ids
 *     (once), and the address pair when it is new
 *
 * Connection ids issued later (NEW_CONNECTION_ID frames) are encrypted, so
 * a client that migrates on purpose, which must switch to such an id (RFC
 * 9000 9.5), is not followed; a NAT rebinding keeps the ids and is.  A
 * zero-length connection id cannot be matched: such a side's packets on
 * the new path are followed once the other side's have taught the path.
 *
 * One index per pipeline (its owner), with at most `max_entries` entries;
 * a flow's entries are unlinked with qpaths_forget() before its session is
 * freed (the index points to flows, never owns them).
 */
#ifndef TLSTAP_QUIC_PATHS_H
#define TLSTAP_QUIC_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flowinfo.h"

struct flow;
struct qpaths;

/* An empty index hashing under seed; NULL on ENOMEM. */
struct qpaths *qpaths_new(uint32_t max_entries, uint64_t seed);
void qpaths_free(struct qpaths *m);
/* Bytes the index takes from the allocator (mem.h); 0 for NULL. */
uint64_t qpaths_bytes(const struct qpaths *m);

/* The flow a datagram of no known flow belongs to (key: its endpoints,
 * sender first; p[0..n) its UDP payload), with *side the sender's side in
 * that flow and *new_path whether its address pair is not indexed yet (it
 * matched by connection id); NULL when none.  Cheap when the index is
 * empty. */
struct flow *qpaths_find(struct qpaths *m, const struct flow_endpoints *key, const uint8_t *p,
			 size_t n, int *side, bool *new_path);

/* After a datagram of side `side` of QUIC flow f went to its session:
 * indexes the connection ids the session now knows, and, when new_path,
 * the datagram's address pair (key), which the session counts as a path.
 * Without room the path is not indexed (anomaly quic_paths_limit). */
void qpaths_learn(struct qpaths *m, struct flow *f, const struct flow_endpoints *key, int side,
		  bool new_path);

/* Unlinks every entry of f. */
void qpaths_forget(struct qpaths *m, struct flow *f);

#endif
