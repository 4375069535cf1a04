/*
 * jsonutil.c - jansson helpers shared by the emitters: safe strings from
 * wire bytes, dotted-path setters, timestamps.
 */
#include "jsonutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one.
 * Rejects overlong forms, surrogates and code points above U+10FFFF
 * (RFC 3629 section 4). */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t len;
	uint8_t lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

json_t *ju_wire_str(const void *vp, size_t n, struct anom_set *a)
{
	const uint8_t *p = vp;
	size_t i = 0, o = 0, bad = 0;
	char stackbuf[512], *out = stackbuf;
	json_t *s;

	/* Fast path: already valid UTF-8. */
	while (i < n) {
		size_t l = utf8_seq(p + i, n - i);
		if (!l)
			break;
		i += l;
	}
	if (i == n)
		return json_stringn((const char *)p, n);

	/* Worst case every byte becomes 4 characters. */
	if (n > (sizeof stackbuf - 1) / 4) {
		out = malloc(n * 4 + 1);
		if (!out)
			return NULL;
	}
	for (i = 0; i < n;) {
		size_t l = utf8_seq(p + i, n - i);
		if (l) {
			memcpy(out + o, p + i, l);
			o += l;
			i += l;
		} else {
			static const char hex[] = "0123456789abcdef";
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 15];
			i++;
			bad++;
		}
	}
	if (bad && a)
		anom_add(a, "invalid_utf8");
	s = json_stringn(out, o);
	if (out != stackbuf)
		free(out);
	return s;
}

/* obj[key] as an object, created if missing; NULL if it is something else. */
static json_t *child_obj(json_t *obj, const char *key)
{
	json_t *child = json_object_get(obj, key);

	if (!child) {
		child = json_object();
		if (!child || json_object_set_new(obj, key, child) != 0)
			return NULL;
	}
	return json_is_object(child) ? child : NULL;
}

/* Walk or create the objects of path up to its last dot (and the last one
 * too with create_last); *leaf gets the last key. */
static json_t *walk(json_t *obj, const char *path, const char **leaf, int create_last)
{
	char key[64];
	const char *dot;

	while (obj && (dot = strchr(path, '.')) != NULL) {
		size_t kl = (size_t)(dot - path);
		if (kl == 0 || kl >= sizeof key)
			return NULL;
		memcpy(key, path, kl);
		key[kl] = '\0';
		obj = child_obj(obj, key);
		path = dot + 1;
	}
	if (!obj)
		return NULL;
	if (create_last)
		return child_obj(obj, path);
	*leaf = path;
	return obj;
}

int ju_set(json_t *obj, const char *path, json_t *v)
{
	const char *leaf;
	json_t *parent;

	if (!v)
		return -1;
	if (path[0] == '.' || strstr(path, "..")) {
		json_decref(v);
		return -1;
	}
	parent = walk(obj, path, &leaf, 0);
	if (!parent) {
		json_decref(v);
		return -1;
	}
	return json_object_set_new(parent, leaf, v);
}

json_t *ju_obj(json_t *obj, const char *path)
{
	return walk(obj, path, NULL, 1);
}

void ju_time(uint64_t ns, char out[32])
{
	time_t secs = (time_t)(ns / 1000000000u);
	unsigned usec = (unsigned)(ns % 1000000000u / 1000u);
	struct tm tm;

	char tmp[96];

	gmtime_r(&secs, &tm);
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	memcpy(out, tmp, 28);
	out[28] = '\0';
}

json_t *ju_time_json(uint64_t ns)
{
	char buf[32];
	ju_time(ns, buf);
	return json_string(buf);
}

json_t *ju_hex16(uint16_t v)
{
	char buf[8];
	snprintf(buf, sizeof buf, "0x%04x", v);
	return json_string(buf);
}
