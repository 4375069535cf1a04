/*
 * tls_stream.c - a TCP byte stream cut into TLS records (RFC 8446 5.1,
 * RFC 5246 6.2; SSLv2 headers: draft-hickman-netscape-ssl-00).
 *
 *   +------+---------+--------+==========+------+---------+--------+====
 *   | type | version | length | fragment | type | version | length | ...
 *   +------+---------+--------+==========+------+---------+--------+====
 *      ^ sniffed first; after a gap, the next offset where this header and
 *        (when in view) the one after it are both plausible
 *
 * The first record of a direction may carry an SSLv2 header (a compatible
 * CLIENT-HELLO, or an SSLv2 server's answer); after an SSLv2 SERVER-HELLO
 * every record of both sides does (the caller sets st->sslv2).
 */
#include "tls_stream.h"

#include <string.h>

#include "cursor.h"

/* A record header that could start a record: type 20-24, version 3.0-3.4,
 * a length a record may have (alerts >= 2 bytes, CCS 1). */
static bool plausible_header(const uint8_t *p, size_t n, size_t *len)
{
	struct cur c = cur_make(p, n);
	uint8_t type;
	uint16_t ver, l;

	if (!cur_u8(&c, &type) || !cur_u16(&c, &ver) || !cur_u16(&c, &l))
		return false;
	if (type < TLS_CT_CCS || type > TLS_CT_HEARTBEAT || (ver >> 8) != 3 || (ver & 0xff) > 4)
		return false;
	if (l == 0 || l > TLS_MAX_RECORD || (type == TLS_CT_CCS && l != 1) ||
	    (type == TLS_CT_ALERT && l < 2))
		return false;
	*len = l;
	return true;
}

/* Looks for the next record header in p[0..n): RESYNCED with *used its
 * offset, or NEED_MORE / LOST with *used the bytes that can be dropped. */
static enum tls_stream_ev resync_scan(struct tls_stream *st, const uint8_t *p, size_t n,
				      size_t *used, struct tls_stream_out *out)
{
	size_t i, len, len2;

	for (i = 0; i + TLS_RECORD_HDR <= n; i++) {
		/* A header's second byte is 3 (its version's major): memchr
		 * finds the next place one may start, so the encrypted bytes
		 * after a gap cost a vector compare, not a header test each. */
		const uint8_t *v = memchr(p + i + 1, 3, n - TLS_RECORD_HDR + 1 - i);
		size_t next;
		if (!v) {
			i = n - TLS_RECORD_HDR + 1;
			break;
		}
		i = (size_t)(v - p) - 1;
		if (!plausible_header(p + i, n - i, &len))
			continue;
		next = i + TLS_RECORD_HDR + len;
		if (next + TLS_RECORD_HDR <= n) {
			if (!plausible_header(p + next, n - next, &len2))
				continue;
		} else if (!st->known_tls && tls_sniff(p + i, n - i) != TLS_OK) {
			/* Nothing known to be TLS yet: want the second header too,
			 * unless this one starts a hello. */
			break;
		}
		*used = i;
		out->skipped = st->resync_skipped + i;
		st->resync = st->resync_bad = false;
		st->resync_skipped = 0;
		st->sniffed = true;
		return TLS_STREAM_RESYNCED;
	}
	/* Up to i nothing can start a record; from i on a header may be cut
	 * off at the end (or waits for its successor to come into view). */
	*used = i;
	st->resync_skipped += i;
	if (st->resync_skipped > TLS_STREAM_RESYNC_LIMIT) {
		st->resync = false;
		out->bad = st->resync_bad;
		return TLS_STREAM_LOST;
	}
	return TLS_STREAM_NEED_MORE;
}

static enum tls_status parse_record(struct tls_stream *st, const uint8_t *p, size_t n,
				    struct tls_stream_out *out, size_t *used)
{
	enum tls_status s1, s2;

	out->sslv2 = false;
	if (st->sslv2) {
		out->sslv2 = true;
		return tls_sslv2_record_parse(p, n, &out->rec, used, &st->need);
	}
	s1 = tls_record_parse(p, n, &out->rec, used, &st->need);
	if (s1 != TLS_BAD || st->any_tls)
		return s1;
	s2 = tls_sslv2_record_parse(p, n, &out->rec, used, &st->need);
	if (s2 == TLS_OK)
		out->sslv2 = true;
	return s2;
}

enum tls_stream_ev tls_stream_next(struct tls_stream *st, const uint8_t *p, size_t n,
				   size_t *used, struct tls_stream_out *out)
{
	enum tls_status s;

	*used = 0;
	out->skipped = 0;
	out->bad = false;
	st->need = 0;
	if (st->not_tls) {
		*used = n;
		return TLS_STREAM_NOT_TLS;
	}
	if (!st->sniffed && !st->resync && !st->known_tls) {
		switch (tls_sniff(p, n)) {
		case TLS_NEED_MORE:
			return TLS_STREAM_NEED_MORE;
		case TLS_BAD:
			st->not_tls = true;
			*used = n;
			return TLS_STREAM_NOT_TLS;
		default:
			st->sniffed = true;
			return TLS_STREAM_TLS;
		}
	}
	if (st->resync)
		return resync_scan(st, p, n, used, out);
	s = parse_record(st, p, n, out, used);
	if (s == TLS_NEED_MORE)
		return *used = 0, TLS_STREAM_NEED_MORE;   /* (st->need says how much) */
	if (s == TLS_BAD) {
		*used = 0;
		if (!st->any_tls) {
			st->not_tls = true;
			*used = n;
			return TLS_STREAM_NOT_TLS;
		}
		st->resync = st->resync_bad = true;
		return TLS_STREAM_INVALID;
	}
	if (*used == 0 || *used > n)
		return *used = 0, TLS_STREAM_NEED_MORE;  /* a parser that broke its contract */
	st->sniffed = st->any_tls = true;
	st->records++;
	return TLS_STREAM_RECORD;
}

void tls_stream_gap(struct tls_stream *st)
{
	st->resync = true;
	st->resync_bad = false;
	st->resync_skipped = 0;
}

void tls_stream_midstream(struct tls_stream *st)
{
	st->resync = true;
}
