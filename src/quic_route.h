/*
 * quic_route.h - the reader's map from QUIC connection ids to worker
 * threads (--threads), so that a connection that changes address pair
 * (RFC 9000 9: a NAT rebinding, even to a new address) reaches the worker
 * that holds its flow, whose own index (quic_paths.h) then finds it.
 *
 *   UDP datagram ──> its 5-tuple known?  ──yes──> that worker
 *                    └─no─> its DCID known? ──yes──> that connection's
 *                           worker (the 5-tuple joins the connection)
 *                           └─no─> the shard of its address pair
 *   a long header of a known version ──> its SCID and 5-tuple join the
 *                    connection of the worker it went to
 *
 * Connection ids and 5-tuples are grouped per connection; a group lives
 * while its datagrams come (any hit refreshes it), is dropped after the UDP
 * timeout without one, and the least recently used group makes room when
 * the map is full.  Only UDP datagrams reach it: TCP costs nothing, and
 * UDP traffic nothing either while no QUIC long header was seen.
 */
#ifndef TLSTAP_QUIC_ROUTE_H
#define TLSTAP_QUIC_ROUTE_H

#include <stdint.h>

#include "decode.h"

struct qroute;

/* An empty map of at most max_entries keys hashing under seed; NULL on
 * ENOMEM. */
struct qroute *qroute_new(uint32_t max_entries, uint64_t seed);
void qroute_free(struct qroute *r);
/* Bytes the map takes from the allocator (mem.h); 0 for NULL. */
uint64_t qroute_bytes(const struct qroute *r);

/* The worker of UDP datagram p (p->payload valid, p->payload_len bytes)
 * at packet time now, whose address pair shards to `shard`; learns from
 * it as the picture above says. */
unsigned qroute_pick(struct qroute *r, const struct pkt *p, unsigned shard, uint64_t now);

/* Drops the groups that saw no datagram since before now - idle. */
void qroute_expire(struct qroute *r, uint64_t now, uint64_t idle);

#endif
