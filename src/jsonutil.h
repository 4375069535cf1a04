/*
 * jsonutil.h - small helpers over jansson shared by the emitters.
 */
#ifndef TLSTAP_JSONUTIL_H
#define TLSTAP_JSONUTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../parsers/anomaly.h"

/* A JSON string from attacker-controlled bytes.  Valid UTF-8 is kept (the
 * encoder escapes quotes, backslashes and control characters); every byte
 * that is not part of a valid UTF-8 sequence becomes the four characters
 * \xHH, and `invalid_utf8` is added to a (may be NULL).  New reference. */
json_t *ju_wire_str(const void *p, size_t n, struct anom_set *a);

/* Set obj[path] where path is dotted ("tls.server.hash.sha1"), creating the
 * intermediate objects.  Steals v (also on failure).  0 or -1. */
int ju_set(json_t *obj, const char *path, json_t *v);

/* The object at a dotted path, created if missing; borrowed reference. */
json_t *ju_obj(json_t *obj, const char *path);

/* RFC 3339 UTC with microseconds: 2026-11-22T10:00:00.123456Z (28 bytes). */
void ju_time(uint64_t ns, char out[32]);
json_t *ju_time_json(uint64_t ns);

/* "0x%04x" names for unknown codes. */
json_t *ju_hex16(uint16_t v);

#endif
