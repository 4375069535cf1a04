/*
 * pcapsave.h - `-w FILE`: the packets of the TLS sessions that failed or
 * carry anomalies, saved as a pcap file for later study (Wireshark).
 *
 * A session's outcome is known only after its packets went by, so the
 * packets wait in a bounded ring (SAVE_RING_BYTES); when the record of a
 * failed or anomalous session is written, the ring's packets of its
 * connection are saved, and so is every later packet of that connection
 * (until it stays quiet for a minute).  Each session's packets are in
 * capture order; sessions follow one another in the order their records
 * were written.  IP fragments and packets of a link type other than the
 * first packet's are not saved (counted, reported at the end).
 */
#ifndef TLSTAP_PCAPSAVE_H
#define TLSTAP_PCAPSAVE_H

#include <stddef.h>
#include <stdint.h>

#define SAVE_RING_BYTES (64u << 20)

struct saver;

/* Creates FILE now (truncating it) so that a bad path fails at startup.
 * NULL with err. */
struct saver *saver_new(const char *path, char *err, size_t errlen);
/* The capture tap (capture.h): every packet, before the pipeline. */
void saver_packet(void *sv, int dlt, uint64_t ts_ns, const uint8_t *data, uint32_t caplen,
		  uint32_t wirelen);
/* The emitter tap (emit.h): every record. */
void saver_record(void *sv, const char *rec, size_t n);
/* Writes out and closes; one line on stderr says what was saved.  0, or -1
 * if the file could not be written. */
int saver_free(struct saver *sv);

#endif
