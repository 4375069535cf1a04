/*
 * view.h - views of the records for people: one line per session
 * (view_text.c), the handshake as a ladder diagram (view_ladder.c), and the
 * HTML report (report_html.c).
 *
 * Every view reads the record itself, the JSON text the emitter writes,
 * parsed back with jansson: a view can show nothing the record does not
 * say, and saved records render the same way (--from-json).  Views are
 * emitter hooks (emit.h), so without one the JSON path is untouched.
 *
 * Strings in a record may come off the wire.  Before they reach a terminal
 * every control character (C0, DEL, C1) is written as \xHH (vb_safe), so
 * no record can move the cursor or change colours.
 */
#ifndef TLSTAP_VIEW_H
#define TLSTAP_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable text buffer; oom is sticky and the text then incomplete. */
struct vbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

void vb_free(struct vbuf *b);
void vb_putn(struct vbuf *b, const char *s, size_t n);
void vb_puts(struct vbuf *b, const char *s);
void vb_printf(struct vbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with control characters as \xHH; at most max display columns (0: no
 * limit; cut text ends in "~").  Returns the columns written. */
size_t vb_safe(struct vbuf *b, const char *s, size_t max);
/* The same for len bytes that may hold NUL (shown as \x00). */
size_t vb_safen(struct vbuf *b, const char *s, size_t len, size_t max);
/* n spaces. */
void vb_pad(struct vbuf *b, size_t n);
/* An SGR colour sequence ("1;31") when colour is on, else nothing. */
void vb_sgr(struct vbuf *b, bool colour, const char *sgr);

/* The value at a dotted path ("tls.client.server_name"), or NULL. */
json_t *vj_get(json_t *rec, const char *path);
/* Its string, or NULL when absent or not a string. */
const char *vj_str(json_t *rec, const char *path);
/* The string at path made safe as vb_safen does ("-" when absent): wire
 * strings may hold NUL, which vj_str would cut at. */
size_t vj_safe(struct vbuf *b, json_t *rec, const char *path, size_t max);
/* Its integer, or dflt. */
long long vj_int(json_t *rec, const char *path, long long dflt);
/* Whether it is true. */
bool vj_true(json_t *rec, const char *path);
/* "TLS 1.2", "SSL 2.0", "DTLS 1.2": the record's negotiated version, or NULL. */
const char *vj_version(json_t *rec, char *buf, size_t len);
/* "2026-11-25 04:37:20.018" from an RFC 3339 time (which it must be). */
void vj_time(const char *rfc3339, char *buf, size_t len);
/* "10.0.0.1:443" or "[2001:db8::1]:443" of source or destination. */
void vj_endpoint(json_t *rec, const char *which, char *buf, size_t len);
/* The colour of an outcome: green established, yellow resumed, red failed. */
const char *vj_outcome_sgr(json_t *rec);

/* One session as one aligned line (no newline); nothing for stats records. */
void view_text_line(struct vbuf *b, json_t *rec, bool colour);
/* One session as a ladder diagram (no final newline). */
void view_ladder(struct vbuf *b, json_t *rec, bool colour);

/* VIEW_NONE writes nothing (--report alone: the report is the output). */
enum view_kind { VIEW_JSON, VIEW_TEXT, VIEW_LADDER, VIEW_NONE };

struct view;
/* NULL on allocation failure. */
struct view *view_new(enum view_kind kind, bool colour);
void view_free(struct view *v);
/* The emitter's render hook (emit.h): v is a struct view. */
size_t view_render(void *v, const char *rec, size_t n, const char **out);

#endif
