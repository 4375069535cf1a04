/*
 * socksink.h - the Unix stream socket output ("-o unix:PATH"): a bounded
 * queue of whole records sent with non-blocking writes, so that the
 * capture never waits for the collector (README "Output").
 */
#ifndef TLSTAP_SOCKSINK_H
#define TLSTAP_SOCKSINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sock_sink;

/* A sink for the socket at path, connected now if the collector is there
 * (else later, retried once a second).  NULL with a message in err. */
struct sock_sink *socksink_new(const char *path, char *err, size_t errlen);
/* Offline input: a connected collector that reads slowly holds the writer
 * back (up to 10 s without progress) instead of records being dropped. */
void socksink_patient(struct sock_sink *k);
/* Queues one record (n bytes, without its newline) and sends what it can.
 * False when it did not fit (the caller counts it dropped); records cut by
 * a lost connection are added to *dropped. */
bool socksink_put(struct sock_sink *k, const char *rec, size_t n, uint64_t *dropped);
/* The queue holds at most cap bytes from now on (64 KiB to its 4 MiB):
 * its share of --memcap; what does not fit is dropped and counted. */
void socksink_limit(struct sock_sink *k, size_t cap);
/* What the sink counts in the memory budget (mem.h): its queue's bound
 * and the sink itself. */
size_t socksink_bytes(const struct sock_sink *k);
/* Sends what is queued (waiting only when patient), then frees k; records
 * not delivered are added to *dropped. */
void socksink_free(struct sock_sink *k, uint64_t *dropped);

#endif
