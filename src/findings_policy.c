/*
 * findings_policy.c - the findings policy file (--findings-config) and
 * single lines of it (--findings-set): thresholds, findings turned off or
 * on, severities.  The format is in findings.h (fnd_policy_parse) and the
 * README ("Findings").
 *
 *   line    = [ key *WS "=" *WS value ] [ *WS "#" comment ]
 *   key     = expiry_warning_days | min_dh_bits | min_rsa_bits | min_ec_bits
 *           | max_certificate_lifetime_days | disable | enable | severity.CODE
 *
 * The text is a byte range, not a C string: a NUL byte is an error like any
 * other stray character, and a file cut anywhere parses or fails with a
 * message, never reads past its end.
 */
#include "findings.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define POLICY_MAX_LINE 4096

struct pline {
	const char *source;
	unsigned line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int fail(const struct pline *pl, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(pl->err, pl->errlen, "%s:%u: %s", pl->source, pl->line, msg);
	return -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* [*p, *e) without leading and trailing blanks. */
static void trim(const char **p, const char **e)
{
	while (*p < *e && is_space(**p))
		(*p)++;
	while (*e > *p && is_space((*e)[-1]))
		(*e)--;
}

static bool word_is(const char *p, const char *e, const char *w)
{
	return (size_t)(e - p) == strlen(w) && memcmp(p, w, (size_t)(e - p)) == 0;
}

/* A whole number in [lo, hi] from [p, e). */
static int number(const struct pline *pl, const char *key, const char *p, const char *e,
		  uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v = 0;

	if (p == e)
		return fail(pl, "%s: expected a number", key);
	for (const char *q = p; q < e; q++) {
		if (*q < '0' || *q > '9')
			return fail(pl, "%s: expected a whole number, got \"%.*s\"", key,
				    (int)(e - p < 40 ? e - p : 40), p);
		v = v * 10 + (uint64_t)(*q - '0');
		if (v > hi)
			break;
	}
	if (v < lo || v > hi)
		return fail(pl, "%s: expected %u to %u", key, (unsigned)lo, (unsigned)hi);
	*out = (uint32_t)v;
	return 0;
}

/* "code, code ..." (or "all") into a bit set. */
static int code_list(const struct pline *pl, const char *key, const char *p, const char *e,
		     uint64_t *set)
{
	*set = 0;
	if (p == e)
		return fail(pl, "%s: expected finding codes", key);
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(e - p)), *ie = c ? c : e, *ip = p;
		int code;

		trim(&ip, &ie);
		if (word_is(ip, ie, "all")) {
			*set |= (1ull << FND_COUNT) - 1;
		} else {
			code = fnd_code_by_name(ip, (size_t)(ie - ip));
			if (code < 0)
				return fail(pl, "%s: unknown finding code \"%.*s\"", key,
					    (int)(ie - ip < 40 ? ie - ip : 40), ip);
			*set |= 1ull << code;
		}
		if (!c)
			return 0;
		p = c + 1;
	}
}

static int severity_value(const struct pline *pl, const char *p, const char *e, int8_t *out)
{
	for (unsigned s = 0; s < FND_SEV_COUNT; s++)
		if (word_is(p, e, fnd_severity_name(s))) {
			*out = (int8_t)s;
			return 0;
		}
	return fail(pl, "severity: expected info, low, medium or high");
}

/* The thresholds that are plain numbers. */
static const struct {
	const char *key;
	size_t off;
	uint32_t lo, hi;
} num_keys[] = {
	{ "expiry_warning_days", offsetof(struct fnd_policy, expiry_warning_days), 0, 3650 },
	{ "min_dh_bits", offsetof(struct fnd_policy, min_dh_bits), 0, 16384 },
	{ "min_rsa_bits", offsetof(struct fnd_policy, min_rsa_bits), 0, 16384 },
	{ "min_ec_bits", offsetof(struct fnd_policy, min_ec_bits), 0, 571 },
};

static int setting(struct fnd_policy *p, const struct pline *pl, const char *k, const char *ke,
		   const char *v, const char *ve)
{
	uint64_t set;

	for (size_t i = 0; i < sizeof num_keys / sizeof num_keys[0]; i++)
		if (word_is(k, ke, num_keys[i].key)) {
			uint32_t n;
			if (number(pl, num_keys[i].key, v, ve, num_keys[i].lo, num_keys[i].hi, &n))
				return -1;
			memcpy((char *)p + num_keys[i].off, &n, sizeof n);
			return 0;
		}
	if (word_is(k, ke, "max_certificate_lifetime_days")) {
		if (word_is(v, ve, "br")) {
			p->max_lifetime_days = 0;
			return 0;
		}
		return number(pl, "max_certificate_lifetime_days", v, ve, 1, 36500,
			      &p->max_lifetime_days);
	}
	if (word_is(k, ke, "disable") || word_is(k, ke, "enable")) {
		bool dis = k[0] == 'd';
		if (code_list(pl, dis ? "disable" : "enable", v, ve, &set))
			return -1;
		p->disabled = dis ? p->disabled | set : p->disabled & ~set;
		return 0;
	}
	if (ke - k > 9 && memcmp(k, "severity.", 9) == 0) {
		int code = fnd_code_by_name(k + 9, (size_t)(ke - k - 9));
		if (code < 0)
			return fail(pl, "unknown finding code \"%.*s\"",
				    (int)(ke - k - 9 < 40 ? ke - k - 9 : 40), k + 9);
		return severity_value(pl, v, ve, &p->severity[code]);
	}
	return fail(pl, "unknown key \"%.*s\"", (int)(ke - k < 40 ? ke - k : 40), k);
}

static int one_line(struct fnd_policy *p, const struct pline *pl, const char *s, const char *e)
{
	const char *hash = memchr(s, '#', (size_t)(e - s)), *eq;

	if (hash)
		e = hash;
	trim(&s, &e);
	if (s == e)
		return 0;
	for (const char *q = s; q < e; q++)
		if ((unsigned char)*q < 0x20 && *q != '\t')
			return fail(pl, "control character (byte 0x%02x)", (unsigned char)*q);
	eq = memchr(s, '=', (size_t)(e - s));
	if (!eq)
		return fail(pl, "expected key = value");
	{
		const char *k = s, *ke = eq, *v = eq + 1, *ve = e;
		trim(&k, &ke);
		trim(&v, &ve);
		if (k == ke)
			return fail(pl, "expected a key before '='");
		return setting(p, pl, k, ke, v, ve);
	}
}

int fnd_policy_parse(struct fnd_policy *p, const char *text, size_t len, const char *source,
		     char *err, size_t errlen)
{
	struct pline pl = { source, 0, err, errlen };
	const char *s = text, *end = text + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *le = nl ? nl : end;
		pl.line++;
		if (le - s > POLICY_MAX_LINE)
			return fail(&pl, "line longer than %d bytes", POLICY_MAX_LINE);
		if (one_line(p, &pl, s, le))
			return -1;
		s = nl ? nl + 1 : end;
	}
	return 0;
}
