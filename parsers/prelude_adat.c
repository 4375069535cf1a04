/*
 * prelude_adat.c - GridFTP's GSI security exchange (RFC 2228 FTP security
 * extensions, with the Globus GSI mechanism): after `AUTH GSSAPI` and the
 * server's 334, the GSS tokens are TLS records, base64 in ADAT commands and
 * in the ADAT= of the server's 335 (continue) and 235 (done) replies; once
 * the context is up, protected commands and replies (ENC/MIC/CONF,
 * 631/632/633) carry TLS application records the same way.
 *
 *   C: AUTH GSSAPI                 S: 334 Using authentication type; ADAT must follow.
 *   C: ADAT <base64 TLS records>   S: 335 ADAT=<base64 TLS records>
 *   C: ADAT <base64 ...>           S: 235 ADAT=<base64 ...>
 *   C: ENC <base64 ...>            S: 632-<base64 ...> / 632 <base64 ...>
 *
 * Each direction is read line by line; the base64 of a line is handed out
 * as it arrives (PRE_WRAPPED, info.wrapped_b64: the caller decodes the
 * pieces in order), never buffered, however long the line; a character
 * outside base64 inside it is skipped (anomaly adat_bad_encoding).  Other
 * lines (a 5xx refusal, a command in the clear) are skipped.
 */
#include <string.h>

#include "prelude_impl.h"

/* pre_dir.sub in this mode */
enum { ADAT_LINE = 0, ADAT_B64, ADAT_SKIP };

/* The longest line head looked for: "335 ADAT=". */
#define HEAD_MAX 9

void pre_adat_start(struct pre_state *ps)
{
	ps->info.wrapped_b64 = true;
	for (int i = 0; i < 2; i++) {
		ps->d[i].mode = PRE_M_WRAP;
		ps->d[i].sub = ADAT_LINE;
	}
}

static bool b64_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

/* The length of the head before a line's base64, 0 when the line carries
 * none: the client's ADAT and protected commands, the server's ADAT= and
 * protected replies (single or multi-line). */
static size_t line_head(bool client, const uint8_t *p, size_t n)
{
	static const char *const cmds[] = { "ADAT ", "ENC ", "MIC ", "CONF " };

	if (client) {
		for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
			if (pre_prefix(p, n, cmds[i]))
				return strlen(cmds[i]);
		return 0;
	}
	if (n < 4 || (p[3] != ' ' && p[3] != '-'))
		return 0;
	if ((pre_prefix(p, n, "335") || pre_prefix(p, n, "235")) && pre_prefix(p + 4, n - 4, "ADAT="))
		return HEAD_MAX;
	if (pre_prefix(p, n, "631") || pre_prefix(p, n, "632") || pre_prefix(p, n, "633"))
		return 4;
	return 0;
}

/* Enough of a line to tell its head: HEAD_MAX bytes or its end. */
static bool head_in(const uint8_t *p, size_t n)
{
	return n >= HEAD_MAX || memchr(p, '\n', n) != NULL;
}

enum pre_status pre_adat_unwrap(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
				size_t *consumed, size_t *chunk_off, size_t *chunk_len)
{
	struct pre_dir *d = &ps->d[dir];
	size_t off = 0, k, h;
	const uint8_t *nl;

	while (off < n) {
		switch (d->sub) {
		case ADAT_B64:
			for (k = 0; off + k < n && b64_char(p[off + k]); k++)
				;
			if (k) {
				*chunk_off = off;
				*chunk_len = k;
				*consumed = off + k;
				return PRE_WRAPPED;
			}
			if (p[off] == '\r' || p[off] == '\n') {
				d->sub = ADAT_SKIP;     /* the line's end */
				break;
			}
			/* Not base64 inside a token: skipped, as decoders do. */
			if (!ps->info.anomaly)
				ps->info.anomaly = "adat_bad_encoding";
			off++;
			break;
		case ADAT_SKIP:
			nl = memchr(p + off, '\n', n - off);
			off = nl ? (size_t)(nl - p) + 1 : n;
			if (nl)
				d->sub = ADAT_LINE;
			break;
		default:
			if (!head_in(p + off, n - off))
				goto need;
			h = line_head(d->role == PRE_ROLE_CLIENT, p + off, n - off);
			off += h;
			d->sub = h ? ADAT_B64 : ADAT_SKIP;
			break;
		}
	}
need:
	*consumed = off;
	return PRE_NEED_MORE;
}
