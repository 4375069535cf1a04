/*
 * jw.h - a streaming JSON writer for NDJSON records.
 *
 * A record is written straight into one growable buffer, member by member,
 * with no tree in between: session records are the hot path of a
 * handshake-heavy capture, and building a jansson tree (an allocation per
 * value, a hash table per object, then a walk and a free) cost most of the
 * time per session.
 *
 *   struct jw w; jw_init(&w);
 *   jw_open(&w, NULL, '{');            root object
 *     jw_str(&w, "version", "1.3");    "version":"1.3"
 *     jw_open(&w, "client", '{');      "client":{
 *       jw_int(&w, "n", 3);
 *     jw_close(&w, false);             dropped again when it stayed empty
 *   jw_close(&w, true);                }
 *
 * Keys are the caller's own literals and are written as given (no escaping);
 * values are escaped by RFC 8259 section 7: quote, backslash and every
 * control character (NUL included, as \u0000).  jw_str is for strings
 * tlstap made itself (names from tables, hex); bytes that came off the wire
 * go through jw_wire, which also keeps the output valid UTF-8.
 *
 * Errors are sticky: an allocation failure sets w->oom, later calls do
 * nothing, and the record is dropped by the caller.  Nesting deeper than
 * JW_DEPTH also sets oom (a bug, never input-driven: the shape of a record
 * is fixed by the code).
 */
#ifndef TLSTAP_JW_H
#define TLSTAP_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../parsers/anomaly.h"

#define JW_DEPTH 16

/* What the allocator took for w's buffer (mem.h). */
struct jw;
size_t jw_bytes(const struct jw *w);

#define JW_TCACHE 16

struct jw {
	char *p;
	size_t len, cap;
	size_t block;                   /* what the allocator handed out for p */
	bool oom;
	unsigned depth;
	uint32_t items[JW_DEPTH];       /* members written at each level */
	size_t mark[JW_DEPTH];          /* len before the level's key */
	size_t body[JW_DEPTH];          /* len after the level's brace */
	char kind[JW_DEPTH];            /* '{' or '[' */
	/* Whole seconds written as times lately, and their text: a run's
	 * records mostly fall in the same second as the one before, and a
	 * record's certificate dates are those of the record before. */
	struct jw_tcache {
		bool ok;
		int64_t secs;
		char text[19];
	} t[JW_TCACHE];
};

void jw_init(struct jw *w);
void jw_free(struct jw *w);
/* Empties the buffer for the next record (keeps the allocation). */
void jw_reset(struct jw *w);

/*
 * Every writer that takes a key has a _kl form taking the key's length as
 * well, and an inline wrapper of the documented name that computes it: the
 * keys are nearly all literals, so the compiler folds the strlen and the
 * writer copies the key without a library call (keys were a quarter of a
 * record's cost).  Call the wrappers; key NULL writes no key.
 */
static inline size_t jw_klen(const char *key)
{
	return key ? strlen(key) : 0;
}

void jw_open_kl(struct jw *w, const char *key, size_t kl, char brace);
void jw_strn_kl(struct jw *w, const char *key, size_t kl, const char *s, size_t n);
void jw_namen_kl(struct jw *w, const char *key, size_t kl, const char *s, size_t n);
void jw_wire_kl(struct jw *w, const char *key, size_t kl, const void *p, size_t n,
		struct anom_set *a);
void jw_int_kl(struct jw *w, const char *key, size_t kl, int64_t v);
void jw_uint_kl(struct jw *w, const char *key, size_t kl, uint64_t v);
void jw_bool_kl(struct jw *w, const char *key, size_t kl, bool v);
void jw_hexbytes_kl(struct jw *w, const char *key, size_t kl, const uint8_t *p, size_t n);
void jw_time_us_kl(struct jw *w, const char *key, size_t kl, uint64_t ns);
void jw_time_s_kl(struct jw *w, const char *key, size_t kl, int64_t secs);
void jw_raw_kl(struct jw *w, const char *key, size_t kl, const char *json, size_t n);

/* Opens an object ('{') or array ('['); key NULL inside an array or at the
 * root. */
static inline void jw_open(struct jw *w, const char *key, char brace)
{
	jw_open_kl(w, key, jw_klen(key), brace);
}
/* Closes the innermost level.  When it has no member and keep_empty is
 * false, the level and its key are removed again, as if never opened.
 * Returns the number of members it had. */
uint32_t jw_close(struct jw *w, bool keep_empty);

static inline void jw_strn(struct jw *w, const char *key, const char *s, size_t n)
{
	jw_strn_kl(w, key, jw_klen(key), s, n);
}
static inline void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_strn_kl(w, key, jw_klen(key), s, strlen(s));
}
/* A string tlstap made itself that needs no escape by construction: names
 * from the registry tables (test_tls_names checks every one), fingerprints,
 * hex, our own words.  Copied as is; debug builds assert the claim. */
static inline void jw_namen(struct jw *w, const char *key, const char *s, size_t n)
{
	jw_namen_kl(w, key, jw_klen(key), s, n);
}
static inline void jw_name(struct jw *w, const char *key, const char *s)
{
	jw_namen_kl(w, key, jw_klen(key), s, strlen(s));
}
/* Attacker-controlled bytes: valid UTF-8 is kept (and escaped as above);
 * each byte that is not part of a valid UTF-8 sequence (RFC 3629: no
 * overlong forms, surrogates or code points above U+10FFFF) becomes the
 * four characters \xHH, written as the JSON text "\\xHH", and
 * `invalid_utf8` is added to a (which may be NULL). */
static inline void jw_wire(struct jw *w, const char *key, const void *p, size_t n,
			   struct anom_set *a)
{
	jw_wire_kl(w, key, jw_klen(key), p, n, a);
}
static inline void jw_int(struct jw *w, const char *key, int64_t v)
{
	jw_int_kl(w, key, jw_klen(key), v);
}
static inline void jw_uint(struct jw *w, const char *key, uint64_t v)
{
	jw_uint_kl(w, key, jw_klen(key), v);
}
static inline void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_bool_kl(w, key, jw_klen(key), v);
}
/* "0x%0*x" with `digits` (at most 8) hex digits (unknown codes). */
void jw_hex(struct jw *w, const char *key, uint32_t v, int digits);
/* The same text into out (digits + 3 bytes, NUL-terminated); its length. */
size_t jw_fmt_hex(char *out, uint32_t v, int digits);
/* Lowercase hex of bytes. */
static inline void jw_hexbytes(struct jw *w, const char *key, const uint8_t *p, size_t n)
{
	jw_hexbytes_kl(w, key, jw_klen(key), p, n);
}
/* "YYYY-MM-DDTHH:MM:SSZ" of a Unix time into out (NUL-terminated); returns
 * 20.  Years outside 0..9999 are clamped. */
size_t jw_fmt_time(char out[21], int64_t secs);
/* RFC 3339 UTC with microseconds, 2026-11-22T10:00:00.123456Z. */
static inline void jw_time_us(struct jw *w, const char *key, uint64_t ns)
{
	jw_time_us_kl(w, key, jw_klen(key), ns);
}
/* RFC 3339 UTC, whole seconds, 2026-11-22T10:00:00Z. */
static inline void jw_time_s(struct jw *w, const char *key, int64_t secs)
{
	jw_time_s_kl(w, key, jw_klen(key), secs);
}
/* A value serialised earlier (by jw, so known to be valid JSON). */
static inline void jw_raw(struct jw *w, const char *key, const char *json, size_t n)
{
	jw_raw_kl(w, key, jw_klen(key), json, n);
}

/* Members serialised earlier as the text between an object's braces
 * ("a":1,"b":[2]), count of them, spliced into the open object. */
void jw_splice(struct jw *w, const char *members, size_t n, uint32_t count);
/* The members written so far at the innermost level, as jw_splice takes
 * them: *n bytes from the returned pointer (valid until the next write). */
const char *jw_members(const struct jw *w, size_t *n, uint32_t *count);

/* Unsigned decimal into out (at least 21 bytes), NUL-terminated; returns
 * the length. */
size_t jw_utoa(uint64_t v, char *out);

#endif
