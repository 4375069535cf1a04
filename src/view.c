/*
 * view.c - what the record views share: a text buffer that makes wire
 * strings safe for a terminal, lookups in a parsed record, and the
 * emitter's render hook that picks the view.
 */
#include "view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct view {
	enum view_kind kind;
	bool colour;
	struct vbuf out;
	unsigned sessions;              /* ladders rendered: a blank line between them */
};

static bool vb_grow(struct vbuf *b, size_t more)
{
	size_t nc;
	char *p;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	nc = b->cap ? b->cap : 1024;
	while (nc < b->len + more + 1)
		nc *= 2;
	p = realloc(b->p, nc);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = nc;
	return true;
}

void vb_free(struct vbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

void vb_putn(struct vbuf *b, const char *s, size_t n)
{
	if (!vb_grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void vb_puts(struct vbuf *b, const char *s)
{
	vb_putn(b, s, strlen(s));
}

void vb_printf(struct vbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !vb_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void vb_pad(struct vbuf *b, size_t n)
{
	while (n--)
		vb_putn(b, " ", 1);
}

void vb_sgr(struct vbuf *b, bool colour, const char *sgr)
{
	if (colour)
		vb_printf(b, "\033[%sm", sgr);
}

/* Length of the UTF-8 sequence starting with byte c (the record is valid
 * UTF-8: jansson checked it). */
static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

size_t vb_safe(struct vbuf *b, const char *s, size_t max)
{
	return vb_safen(b, s, strlen(s), max);
}

size_t vb_safen(struct vbuf *b, const char *s, size_t len, size_t max)
{
	size_t cols = 0;
	const char *end = s + len;

	while (s < end) {
		const unsigned char *u = (const unsigned char *)s;
		size_t n = utf8_len(u[0]), w;
		char esc[8];
		bool ctl;

		if (n > (size_t)(end - s))
			n = (size_t)(end - s);
		ctl = u[0] < 0x20 || u[0] == 0x7f || (n == 2 && u[0] == 0xc2 && u[1] < 0xa0);
		w = ctl ? 4 * n : 1;
		/* The last character may use the last column; others leave it
		 * for the "~" that marks a cut. */
		if (max && cols + w > (s + n < end ? max - 1 : max)) {
			vb_putn(b, "~", 1);
			return cols + 1;
		}
		if (ctl) {
			for (size_t i = 0; i < n; i++) {
				snprintf(esc, sizeof esc, "\\x%02x", u[i]);
				vb_putn(b, esc, 4);
			}
		} else {
			vb_putn(b, s, n);
		}
		cols += w;
		s += n;
	}
	return cols;
}

json_t *vj_get(json_t *rec, const char *path)
{
	char key[64];

	while (rec && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof key || !json_is_object(rec))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		rec = json_object_get(rec, key);
		path += n + (dot != NULL);
	}
	return rec;
}

const char *vj_str(json_t *rec, const char *path)
{
	return json_string_value(vj_get(rec, path));
}

size_t vj_safe(struct vbuf *b, json_t *rec, const char *path, size_t max)
{
	json_t *v = vj_get(rec, path);

	if (!json_is_string(v))
		return vb_safen(b, "-", 1, max);
	return vb_safen(b, json_string_value(v), json_string_length(v), max);
}

long long vj_int(json_t *rec, const char *path, long long dflt)
{
	json_t *v = vj_get(rec, path);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

bool vj_true(json_t *rec, const char *path)
{
	return json_is_true(vj_get(rec, path));
}

const char *vj_version(json_t *rec, char *buf, size_t len)
{
	const char *proto = vj_str(rec, "tls.version_protocol"), *v = vj_str(rec, "tls.version");
	const char *tr = vj_str(rec, "network.transport");

	if (!v)
		return NULL;
	if (tr && strcmp(tr, "udp") == 0 && proto && strcmp(proto, "tls") == 0)
		proto = "dtls";
	snprintf(buf, len, "%s %s", !proto ? "TLS" : strcmp(proto, "ssl") == 0 ? "SSL" :
		 strcmp(proto, "dtls") == 0 ? "DTLS" : "TLS", v);
	return buf;
}

void vj_time(const char *t, char *buf, size_t len)
{
	/* 2026-11-25T04:37:20.018146Z -> 2026-11-25 04:37:20.018 */
	size_t n = t ? strlen(t) : 0;

	if (n < 19) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%.10s %.8s%.4s", t, t + 11, n >= 23 && t[19] == '.' ? t + 19 : "");
}

void vj_endpoint(json_t *rec, const char *which, char *buf, size_t len)
{
	char path[32];
	const char *ip;
	long long port;

	snprintf(path, sizeof path, "%s.ip", which);
	ip = vj_str(rec, path);
	snprintf(path, sizeof path, "%s.port", which);
	port = vj_int(rec, path, -1);
	if (!ip)
		ip = "?";
	if (port < 0)
		snprintf(buf, len, "%s", ip);
	else if (strchr(ip, ':'))
		snprintf(buf, len, "[%s]:%lld", ip, port);
	else
		snprintf(buf, len, "%s:%lld", ip, port);
}

const char *vj_outcome_sgr(json_t *rec)
{
	const char *o = vj_str(rec, "tls.outcome");

	if (!o)
		return "0";
	if (strcmp(o, "established") == 0)
		return vj_true(rec, "tls.resumed") ? "36" : "32";
	return "1;31";
}

struct view *view_new(enum view_kind kind, bool colour)
{
	struct view *v = calloc(1, sizeof *v);

	if (v) {
		v->kind = kind;
		v->colour = colour;
	}
	return v;
}

void view_free(struct view *v)
{
	if (!v)
		return;
	vb_free(&v->out);
	free(v);
}

size_t view_render(void *arg, const char *rec, size_t n, const char **out)
{
	struct view *v = arg;
	json_error_t err;
	json_t *r;
	const char *ds;

	if (v->kind == VIEW_NONE)
		return 0;
	r = json_loadb(rec, n, JSON_ALLOW_NUL, &err);
	v->out.len = 0;
	v->out.oom = false;
	if (!r) {
		vb_printf(&v->out, "(not a record: %s)", err.text);
	} else if ((ds = vj_str(r, "event.dataset")) && strcmp(ds, "tlstap.session") == 0) {
		if (v->kind == VIEW_LADDER) {
			if (v->sessions++)
				vb_puts(&v->out, "\n");
			view_ladder(&v->out, r, v->colour);
		} else {
			view_text_line(&v->out, r, v->colour);
		}
	}
	json_decref(r);
	if (v->out.oom)
		return 0;
	*out = v->out.p;
	return v->out.len;
}
