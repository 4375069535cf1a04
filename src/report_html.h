/*
 * report_html.h - `--report FILE.html`: one self-contained HTML file for a
 * capture (no network access: the CSS, the script and the records are all
 * inside it): overview charts, a searchable, sortable session table, and
 * each session's ladder diagram and certificate chain on click.
 *
 * The report is built from the records themselves (an emitter tap), kept
 * in memory until the end of the run: about the size of the JSON output.
 */
#ifndef TLSTAP_REPORT_HTML_H
#define TLSTAP_REPORT_HTML_H

#include <stddef.h>

struct report;

/* Checks that path can be created now, so that a bad path fails at
 * startup.  NULL with err. */
struct report *report_new(const char *path, char *err, size_t errlen);
/* The emitter tap (emit.h): every record. */
void report_record(void *rp, const char *rec, size_t n);
/* Writes the file and frees.  0, or -1 after a message on stderr. */
int report_finish(struct report *rp);

#endif
