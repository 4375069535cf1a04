/*
 * view_text.c - `--format text`: one aligned line per session.
 *
 *   time                     client -> server                   SNI
 *   version  cipher  outcome  authentication  validation  ja3 ja4
 *
 * Columns have fixed widths (records are written as they come, so widths
 * cannot be measured first); a longer value is cut and ends in "~".
 */
#include <string.h>

#include "view.h"

/* One column: the value, made safe, padded (or cut) to width. */
static void col(struct vbuf *b, const char *s, size_t width, bool colour, const char *sgr)
{
	size_t w;

	if (!s)
		s = "-";
	if (sgr)
		vb_sgr(b, colour, sgr);
	w = vb_safe(b, s, width);
	if (sgr)
		vb_sgr(b, colour, "0");
	vb_pad(b, width > w ? width - w + 2 : 2);
}

/* "alert: unknown_ca from client", "reset by server", "established", "resumed". */
static void outcome_text(json_t *r, char *buf, size_t len)
{
	const char *o = vj_str(r, "tls.outcome"), *why = vj_str(r, "tls.failure.reason");

	if (!o) {
		snprintf(buf, len, "-");
	} else if (strcmp(o, "established") == 0) {
		snprintf(buf, len, "%s", vj_true(r, "tls.resumed") ? "resumed" : "established");
	} else if (why) {
		if (strncmp(why, "fatal alert ", 12) == 0)
			why += 12;
		snprintf(buf, len, "%s: %s", o, why);
	} else {
		snprintf(buf, len, "%s", o);
	}
}

static const char *validation_sgr(const char *st)
{
	if (!st)
		return NULL;
	return strcmp(st, "ok") == 0 ? "32" : "33";
}

void view_text_line(struct vbuf *b, json_t *r, bool colour)
{
	char t[40], cli[64], srv[64], ends[140], ver[24], out[160], fp[96];
	const char *st = vj_str(r, "tls.server.validation.status");
	const char *ja3 = vj_str(r, "tls.client.ja3"), *ja4 = vj_str(r, "tls.client.ja4");
	size_t w;

	vj_time(vj_str(r, "event.start"), t, sizeof t);
	vj_endpoint(r, "source", cli, sizeof cli);
	vj_endpoint(r, "destination", srv, sizeof srv);
	snprintf(ends, sizeof ends, "%s -> %s", cli, srv);
	outcome_text(r, out, sizeof out);
	if (!st && vj_true(r, "tls.server.certificate_encrypted"))
		st = "encrypted";
	fp[0] = '\0';
	if (ja3 || ja4)
		snprintf(fp, sizeof fp, "ja3=%.8s ja4=%s", ja3 ? ja3 : "-", ja4 ? ja4 : "-");

	col(b, t, 23, colour, "2");
	col(b, ends, 44, colour, NULL);
	vb_sgr(b, colour, "1");
	w = vj_safe(b, r, "tls.client.server_name", 30);
	vb_sgr(b, colour, "0");
	vb_pad(b, 32 - w);
	col(b, vj_version(r, ver, sizeof ver), 8, colour, NULL);
	col(b, vj_str(r, "tls.cipher"), 40, colour, NULL);
	col(b, out, 44, colour, vj_outcome_sgr(r));
	col(b, vj_str(r, "tls.authentication"), 17, colour, NULL);
	col(b, st, 16, colour, validation_sgr(st));
	vb_safe(b, fp[0] ? fp : "-", 0);
}
