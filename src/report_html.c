/*
 * report_html.c - the HTML report (report_html.h).
 *
 *   <!doctype html> ... <style> report.css </style>
 *   <script type="application/json" id="tlstap-records"> [record, ...] </script>
 *   <script> report.js </script>
 *
 * report.css and report.js (src/report/) are compiled in by meson
 * (src/report/embed.py).  The records go into the page as the JSON text
 * tlstap wrote, with every '<' written as \u003c so that no wire string can
 * close the script element; the script puts wire strings into the page
 * only as text nodes, never as markup.
 */
#include "report_html.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_assets.h"

struct report {
	char *path;
	char *buf;                      /* the records, comma-separated, '<' escaped */
	size_t len, cap;
	size_t records;
	int oom;
};

struct report *report_new(const char *path, char *err, size_t errlen)
{
	struct report *rp = calloc(1, sizeof *rp);
	FILE *f;

	if (!rp || !(rp->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		free(rp);
		return NULL;
	}
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(rp->path);
		free(rp);
		return NULL;
	}
	fclose(f);
	return rp;
}

static void put(struct report *rp, const char *s, size_t n)
{
	if (rp->oom)
		return;
	if (rp->len + n > rp->cap) {
		size_t nc = rp->cap ? rp->cap : 1 << 16;
		char *p;
		while (nc < rp->len + n)
			nc *= 2;
		if (!(p = realloc(rp->buf, nc))) {
			rp->oom = 1;
			return;
		}
		rp->buf = p;
		rp->cap = nc;
	}
	memcpy(rp->buf + rp->len, s, n);
	rp->len += n;
}

void report_record(void *arg, const char *rec, size_t n)
{
	struct report *rp = arg;
	size_t from = 0;

	if (rp->records++)
		put(rp, ",\n", 2);
	for (size_t i = 0; i < n; i++)
		if (rec[i] == '<') {
			put(rp, rec + from, i - from);
			put(rp, "\\u003c", 6);
			from = i + 1;
		}
	put(rp, rec + from, n - from);
}

int report_finish(struct report *rp)
{
	FILE *f;
	int rc = 0;

	if (!rp)
		return 0;
	if (rp->oom) {
		fprintf(stderr, "tlstap: %s: out of memory for the report\n", rp->path);
		rc = -1;
	} else if (!(f = fopen(rp->path, "w"))) {
		fprintf(stderr, "tlstap: %s: %s\n", rp->path, strerror(errno));
		rc = -1;
	} else {
		fputs("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"generator\" content=\"tlstap\">\n"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
		      "<title>tlstap report</title>\n<style>\n", f);
		fwrite(report_css, 1, sizeof report_css - 1, f);
		fputs("</style>\n</head>\n<body>\n", f);
		fwrite(report_body, 1, sizeof report_body - 1, f);
		fputs("<script type=\"application/json\" id=\"tlstap-records\">[\n", f);
		if (rp->len)
			fwrite(rp->buf, 1, rp->len, f);
		fputs("\n]</script>\n<script>\n", f);
		fwrite(report_js, 1, sizeof report_js - 1, f);
		fputs("</script>\n</body>\n</html>\n", f);
		if (ferror(f) | (fclose(f) != 0)) {
			fprintf(stderr, "tlstap: %s: write failed\n", rp->path);
			rc = -1;
		}
	}
	free(rp->buf);
	free(rp->path);
	free(rp);
	return rc;
}
