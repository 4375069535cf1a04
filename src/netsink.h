/*
 * netsink.h - records sent to a collector over the network or a local
 * socket, each sink with a queue and a thread of its own.
 *
 * Spellings (README "Sinks"):
 *   syslog                     RFC 5424 datagrams to /dev/log
 *   syslog:unix:PATH           RFC 5424 datagrams to a Unix socket
 *   syslog:udp:HOST:PORT       RFC 5424 over UDP (RFC 5426)
 *   syslog:tcp:HOST:PORT       RFC 5424 over TCP, octet counting (RFC 6587)
 *   unix-dgram:PATH            one record per datagram
 *   tcp:HOST:PORT              NDJSON over TCP
 *   redis://HOST:PORT[/DB][?key=NAME&mode=list|publish]
 *
 * The emitter queues whole records (netsink_put); the sink's thread frames
 * and sends them, connecting again at most once a second after a loss.  A
 * record is sent whole or not at all: one cut by a lost connection is
 * dropped and counted, never resent (a collector never sees it twice).
 * Live capture never waits: a record that does not fit in the queue is
 * dropped and counted.  Offline (netsink_patient) the caller waits for a
 * connected sink that is draining its queue, for at most 10 s of no progress.
 */
#ifndef TLSTAP_NETSINK_H
#define TLSTAP_NETSINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netsink;

/* True when spec is one of the spellings above (whether or not valid). */
bool netsink_is_spec(const char *spec);
/* A sink for spec, its thread started (it connects in the background).
 * NULL with err on a bad spelling or no memory. */
struct netsink *netsink_new(const char *spec, char *err, size_t errlen);
/* Offline input: netsink_put waits for a draining sink instead of dropping. */
void netsink_patient(struct netsink *s);
/* Queues the record p[0..n) (no newline).  0, or -1 if it was dropped
 * (counted in the sink). */
int netsink_put(struct netsink *s, const char *p, size_t n);
/* The queue holds at most cap bytes from now on (64 KiB to its 4 MiB):
 * its share of --memcap.  Records that do not fit are dropped and counted
 * as when the receiver is slow. */
void netsink_limit(struct netsink *s, size_t cap);
/* What the sink counts in the memory budget (mem.h): its queue's bound
 * and the sink itself. */
size_t netsink_bytes(struct netsink *s);
/* Records this sink could not deliver so far, and the ones it sent. */
void netsink_counts(struct netsink *s, uint64_t *sent, uint64_t *dropped);
/* The spelling it was made from (owned by the sink). */
const char *netsink_name(const struct netsink *s);
/* Sends what is queued (offline: waiting while the sink drains; live: one
 * try), stops the thread, and frees.  Returns the records not delivered
 * over the sink's life. */
uint64_t netsink_free(struct netsink *s);

#endif
