/*
 * tls_hello_pack.c - a parsed ClientHello (tls_hello.h) kept compactly
 * between its parse and the session's record, so that it is never parsed
 * twice.
 *
 * The struct is about 6 KiB of fixed-size lists, of which a hello uses a few
 * hundred bytes.  The pack is the struct with each list cut to its count:
 *
 *   +---------------------+=========+======+= ... =+=========+------+=====+------+=====+
 *   | scalars and counts  | ciphers | comp |       | quic_tp | ALPN | buf  | ALPS | buf |
 *   | (struct bytes as    | n_ciphers entries ...  |         | head | used | head | used|
 *   |  they are)          |         |      |       |         |      |      |      |     |
 *   +---------------------+=========+======+= ... =+=========+------+=====+------+=====+
 *
 * Every list's count sits before the list (the struct keeps its lists
 * last, an ALPN list's offsets before its buffer), so the pack needs no
 * lengths of its own: unpacking reads each from what it already copied.
 * Everything that is not one of the lists below (scalars, flags, random,
 * session id, ALPN offsets, anything added later) is copied as it is, so a
 * new field needs no change here; the struct keeps its lists last so that
 * this is a few copies.  The pack is our own memory, never wire bytes.
 */
#include "tls_hello.h"

#include <stddef.h>
#include <string.h>

/* One list of the struct: cap bytes at off, of which the u16 count at cnt
 * says how many elem-byte entries are used (elem 0: an ALPN buffer, whose
 * used length the list's offsets and lengths give; cnt is the list). */
struct seg {
	uint16_t off, cap, cnt;
	uint8_t elem;
};

#define CH_FIELD(f) (((struct tls_client_hello *)0)->f)
#define SEG(arr, count) \
	{ offsetof(struct tls_client_hello, arr), sizeof CH_FIELD(arr), \
	  offsetof(struct tls_client_hello, count), sizeof CH_FIELD(arr)[0] }
#define SEG_ALPN(l) \
	{ offsetof(struct tls_client_hello, l.buf), sizeof CH_FIELD(l.buf), \
	  offsetof(struct tls_client_hello, l), 0 }

/* In the struct's order (tests/unit/test_tls_hello_pack.c checks it). */
static const struct seg segs[] = {
	SEG(ciphers, n_ciphers),
	SEG(comp, n_comp),
	SEG(exts, n_exts),
	SEG(groups, n_groups),
	SEG(ptfmts, n_ptfmts),
	SEG(sigalgs, n_sigalgs),
	SEG(sigalgs_cert, n_sigalgs_cert),
	SEG(versions, n_versions),
	SEG(keyshares, n_keyshares),
	SEG(psk_modes, n_psk_modes),
	SEG(cert_compression, n_cert_compression),
	SEG(sni, sni_len),
	SEG(quic_tp, quic_tp_len),
	SEG_ALPN(alpn),
	SEG_ALPN(alps),
};

#define N_SEGS (sizeof segs / sizeof segs[0])

_Static_assert(sizeof(struct tls_client_hello) <= UINT16_MAX, "offsets fit in 16 bits");

static uint16_t count_at(const struct tls_client_hello *ch, uint16_t off)
{
	uint16_t v;

	memcpy(&v, (const uint8_t *)ch + off, sizeof v);
	return v;
}

/* The bytes of segment g that ch uses (never more than its capacity). */
static size_t used(const struct tls_client_hello *ch, const struct seg *g)
{
	size_t n = 0;

	if (g->elem) {
		n = (size_t)count_at(ch, g->cnt) * g->elem;
	} else {
		const struct tls_alpn_list *l = (const void *)((const uint8_t *)ch + g->cnt);
		for (uint16_t i = 0; i < l->n && i < TLS_MAX_ALPN; i++)
			if ((size_t)l->off[i] + l->len[i] > n)
				n = (size_t)l->off[i] + l->len[i];
	}
	return n < g->cap ? n : g->cap;
}

/* memcpy, but no call for the many empty lists and gaps. */
static size_t copy(uint8_t *d, const uint8_t *s, size_t n)
{
	if (n)
		memcpy(d, s, n);
	return n;
}

size_t tls_hello_pack_size(const struct tls_client_hello *ch)
{
	size_t n = sizeof *ch;

	for (size_t i = 0; i < N_SEGS; i++)
		n -= segs[i].cap - used(ch, &segs[i]);
	return n;
}

size_t tls_hello_pack(const struct tls_client_hello *ch, uint8_t *out)
{
	const uint8_t *src = (const uint8_t *)ch;
	size_t at = 0, o = 0;

	for (size_t i = 0; i < N_SEGS; i++) {
		const struct seg *g = &segs[i];
		o += copy(out + o, src + at, g->off - at);
		o += copy(out + o, src + g->off, used(ch, g));
		at = (size_t)g->off + g->cap;
	}
	return o + copy(out + o, src + at, sizeof *ch - at);
}

int tls_hello_unpack(const uint8_t *in, size_t n, struct tls_client_hello *ch)
{
	uint8_t *dst = (uint8_t *)ch;
	size_t at = 0, o = 0;

	/* A list's count (or an ALPN list's offsets) precedes it: each list's
	 * length is read from what is already unpacked. */
	for (size_t i = 0; i < N_SEGS; i++) {
		const struct seg *g = &segs[i];
		size_t u;
		if (n - o < g->off - at)
			return -1;
		o += copy(dst + at, in + o, g->off - at);
		u = used(ch, g);
		if (n - o < u)
			return -1;
		o += copy(dst + g->off, in + o, u);
		at = (size_t)g->off + g->cap;
	}
	if (n - o != sizeof *ch - at)
		return -1;
	copy(dst + at, in + o, sizeof *ch - at);
	return 0;
}

size_t tls_hello_packed_session_id(const uint8_t *in, size_t n, const uint8_t **sid)
{
	uint8_t len;

	if (n < offsetof(struct tls_client_hello, ciphers))
		return 0;
	len = in[offsetof(struct tls_client_hello, session_id_len)];
	*sid = in + offsetof(struct tls_client_hello, session_id);
	return len <= sizeof CH_FIELD(session_id) ? len : sizeof CH_FIELD(session_id);
}
