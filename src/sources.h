/*
 * sources.h - where packets came from: a capture file and, in a pcapng
 * file, the interface; or a live interface.  Each distinct source gets a
 * small id, carried with the packet to the flow it starts, and the
 * session record names it (log.file.path, observer.ingress.interface.*).
 *
 * The reading thread adds sources while workers and the emitter look them
 * up: both take the table's lock (once per new source, once per record).
 * Each source's record members are serialised once, when it is added, and
 * spliced into every record (an escaped file name per record was a fifth
 * of the cost of writing one).
 */
#ifndef TLSTAP_SOURCES_H
#define TLSTAP_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#define SOURCE_NONE 0u                  /* no source known */
#define SOURCES_MAX 65535u              /* beyond it, packets get SOURCE_NONE */

struct source {
	const char *file;               /* as given on the command line, NULL for live */
	const char *iface;              /* interface name, NULL when unknown */
	int32_t iface_id;               /* pcapng interface index, -1 when none */
	/* its record member, "log":{...}, for jw_splice */
	const char *members;
	size_t members_len;
	uint32_t members_count;
};

struct sources;

/* NULL on allocation failure. */
struct sources *sources_new(void);
void sources_free(struct sources *t);
/* The id of (file, iface_id, iface), added when new: SOURCE_NONE when the
 * table is full or memory ran out.  The strings are copied. */
uint32_t sources_id(struct sources *t, const char *file, int32_t iface_id, const char *iface);
/* The source of an id, copied into *out (its strings stay valid as long as
 * the table); 0, or -1 for SOURCE_NONE and unknown ids. */
int sources_get(struct sources *t, uint32_t id, struct source *out);

#endif
