/*
 * fp.c - TLS fingerprints over decoded hellos, and the Community ID flow
 * hash.  No wire bytes are read here: the inputs are the structs of
 * tls_hello.h, filled by the handshake parser.
 *
 *   JA3  (Salesforce, BSD-3-Clause)  MD5 of
 *        legacy_version,ciphers,extensions,groups,point_formats
 *        decimal, '-'-joined, wire order, GREASE removed from the first three
 *   JA3S MD5 of legacy_version,cipher,extensions
 *   JA4  (FoxIO, BSD-3-Clause)       a_b_c
 *        a = proto ver sni #ciphers #exts alpn   e.g. t13d1516h2
 *        b = sha256/12 of the sorted ciphers ("002f,0035,...")
 *        c = sha256/12 of the sorted extensions minus SNI and ALPN,
 *            then "_" and the signature algorithms in wire order
 *   JA4S, JA4X (FoxIO License 1.1): only with TLSTAP_WITH_FOXIO.
 *   Community ID v1 (Corelight): "1:" + base64(SHA-1(seed|addrs|proto|0|ports))
 *
 * The specifications decide where implementations differ; the traps are
 * listed in ../shared/REFERENCE.md and README.md "Fingerprints".
 */
#include "fp.h"
#include "digest.h"
#ifdef TLSTAP_WITH_FOXIO
#include "x509.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appending into a fixed buffer; a full buffer truncates (never overflows)
 * and the caller sizes buffers for the worst case of tls_hello.h. */
struct out {
	char *p;
	size_t n, cap;
};

static void o_puts(struct out *o, const char *s)
{
	while (*s && o->n + 1 < o->cap)
		o->p[o->n++] = *s++;
	if (o->cap)
		o->p[o->n] = '\0';
}

/* Digits by hand: these run for every value of every hello, and snprintf
 * cost more than the hashing. */
static void o_dec(struct out *o, unsigned v)
{
	char b[12];
	size_t i = sizeof b - 1;

	b[i] = '\0';
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	o_puts(o, b + i);
}

static void o_hex4(struct out *o, uint16_t v)
{
	static const char hx[] = "0123456789abcdef";
	char b[5] = { hx[v >> 12], hx[(v >> 8) & 15], hx[(v >> 4) & 15], hx[v & 15], '\0' };

	o_puts(o, b);
}

/* Decimal list of the non-GREASE (when filter) values, '-'-joined. */
static void o_declist16(struct out *o, const uint16_t *v, size_t n, int filter)
{
	int first = 1;
	for (size_t i = 0; i < n; i++) {
		if (filter && tls_is_grease(v[i]))
			continue;
		if (!first)
			o_puts(o, "-");
		o_dec(o, v[i]);
		first = 0;
	}
}

static void md5hex(const char *s, size_t n, char out[33])
{
	uint8_t d[16];
	dig_md5(s, n, d);
	dig_hex(d, 16, out, 0);
}

size_t fp_ja3(const struct tls_client_hello *ch, char *str, size_t cap, char md5hex_out[33])
{
	struct out o = { str, 0, cap };

	if (cap)
		str[0] = '\0';
	o_dec(&o, ch->legacy_version);
	o_puts(&o, ",");
	o_declist16(&o, ch->ciphers, ch->n_ciphers, 1);
	o_puts(&o, ",");
	o_declist16(&o, ch->exts, ch->n_exts, 1);
	o_puts(&o, ",");
	o_declist16(&o, ch->groups, ch->n_groups, 1);
	o_puts(&o, ",");
	for (size_t i = 0; i < ch->n_ptfmts; i++) {
		if (i)
			o_puts(&o, "-");
		o_dec(&o, ch->ptfmts[i]);
	}
	md5hex(str, o.n, md5hex_out);
	return o.n;
}

size_t fp_ja3s(const struct tls_server_hello *sh, char *str, size_t cap, char md5hex_out[33])
{
	struct out o = { str, 0, cap };

	if (cap)
		str[0] = '\0';
	o_dec(&o, sh->legacy_version);
	o_puts(&o, ",");
	o_dec(&o, sh->cipher);
	o_puts(&o, ",");
	o_declist16(&o, sh->exts, sh->n_exts, 1);
	md5hex(str, o.n, md5hex_out);
	return o.n;
}

/* ------------------------------------------------------------------ */
/* JA4                                                                 */

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002:
	case 0x0200: return "s2";
	case 0x0100: return "s1";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	default: return "00";
	}
}

/* Order of versions: TLS codes as they are, DTLS ones (0xfeXX, counting
 * down) above every TLS code and in their own order. */
static unsigned version_rank(uint16_t v)
{
	return (v >> 8) == 0xfe ? 0x10000u + (0xffu - (v & 0xffu)) : v;
}

static int is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* First and last character of the first ALPN value; "00" when there is
 * none or it is empty; when either end is not an ASCII letter or digit,
 * the first and last hex digits of the value's bytes instead. */
static void ja4_alpn(const struct tls_alpn_list *l, char out[3])
{
	static const char hx[] = "0123456789abcdef";
	out[0] = out[1] = '0';
	out[2] = '\0';
	if (l->n == 0 || l->len[0] == 0)
		return;
	const uint8_t *v = l->buf + l->off[0];
	uint8_t first = v[0], last = v[l->len[0] - 1];
	if (is_alnum(first) && is_alnum(last)) {
		out[0] = (char)first;
		out[1] = (char)last;
	} else {
		out[0] = hx[first >> 4];
		out[1] = hx[last & 15];
	}
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return (x > y) - (x < y);
}

/* Lowercase 4-hex list, ','-joined. */
static void o_hexlist(struct out *o, const uint16_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			o_puts(o, ",");
		o_hex4(o, v[i]);
	}
}

/* First 12 hex digits of SHA-256 of s, or twelve zeros for "". */
static void hash12(const char *s, size_t n, char out[13])
{
	uint8_t d[32];
	char h[65];
	if (n == 0) {
		memcpy(out, "000000000000", 13);
		return;
	}
	dig_sha256(s, n, d);
	dig_hex(d, 32, h, 0);
	memcpy(out, h, 12);
	out[12] = '\0';
}

/* Copies the non-GREASE values (and those not in drop[]) into dst. */
static size_t filter16(const uint16_t *src, size_t n, uint16_t *dst,
		       const uint16_t *drop, size_t ndrop)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int skip = tls_is_grease(src[i]);
		for (size_t j = 0; j < ndrop && !skip; j++)
			skip = src[i] == drop[j];
		if (!skip)
			dst[k++] = src[i];
	}
	return k;
}

/* Count for the a section: the non-GREASE values stored, plus any the
 * parser could not store (assumed non-GREASE), capped at 99. */
static unsigned count99(size_t kept, size_t stored, size_t total)
{
	size_t c = kept + (total > stored ? total - stored : 0);
	return c > 99 ? 99u : (unsigned)c;
}

void fp_ja4(const struct tls_client_hello *ch, char proto, char ja4[FP_JA4_MAX],
	    char *ja4_r, size_t rcap)
{
	static const uint16_t sni_alpn[] = { 0x0000, 0x0010 };
	uint16_t ciphers[TLS_MAX_CIPHERS], exts[TLS_MAX_EXTS], sigs[TLS_MAX_SIGALGS];
	size_t nc, ne_all, ne, ns;
	uint16_t ver = 0;
	char a[16], alpn[3], bh[13], ch12[13];
	char *bbuf = NULL, *cbuf = NULL;
	size_t bcap = (size_t)TLS_MAX_CIPHERS * 5 + 1;
	size_t ccap = (size_t)(TLS_MAX_EXTS + TLS_MAX_SIGALGS) * 5 + 2;
	struct out bo, co, ro;
	int has_sni = 0;

	/* Version: highest non-GREASE supported_versions, else legacy.  DTLS
	 * codes count down (1.3 is 0xfefc, 1.2 0xfefd): the highest version is
	 * meant, not the highest number. */
	for (size_t i = 0; i < ch->n_versions; i++)
		if (!tls_is_grease(ch->versions[i]) &&
		    (!ver || version_rank(ch->versions[i]) > version_rank(ver)))
			ver = ch->versions[i];
	if (!ver)
		ver = ch->legacy_version;

	nc = filter16(ch->ciphers, ch->n_ciphers, ciphers, NULL, 0);
	ne_all = filter16(ch->exts, ch->n_exts, exts, NULL, 0);
	for (size_t i = 0; i < ch->n_exts; i++)
		if (ch->exts[i] == 0x0000)
			has_sni = 1;
	/* The SNI flag is the extension's presence, whatever its content. */
	has_sni = has_sni || ch->has_sni;
	ja4_alpn(&ch->alpn, alpn);
	/* Over DTLS 0x0100 is OpenSSL's pre-standard DTLS, not SSL 1.0:
	 * FoxIO's table has no entry for it, so "00" (unknown). */
	snprintf(a, sizeof a, "%c%s%c%02u%02u%s", proto,
		 ch->sslv2 ? "s2" : proto == 'd' && ver == 0x0100 ? "00" : ja4_version(ver),
		 has_sni ? 'd' : 'i',
		 count99(nc, ch->n_ciphers, ch->n_ciphers_total),
		 count99(ne_all, ch->n_exts, ch->n_exts_total), alpn);

	ne = filter16(ch->exts, ch->n_exts, exts, sni_alpn, 2);
	ns = filter16(ch->sigalgs, ch->n_sigalgs, sigs, NULL, 0);
	qsort(ciphers, nc, sizeof ciphers[0], cmp_u16);
	qsort(exts, ne, sizeof exts[0], cmp_u16);

	bbuf = malloc(bcap);
	cbuf = malloc(ccap);
	if (!bbuf || !cbuf) {
		/* Out of memory: an honest "unknown" rather than a wrong value. */
		snprintf(ja4, FP_JA4_MAX, "%s_000000000000_000000000000", a);
		if (rcap)
			ja4_r[0] = '\0';
		free(bbuf);
		free(cbuf);
		return;
	}
	bo = (struct out){ bbuf, 0, bcap };
	co = (struct out){ cbuf, 0, ccap };
	bbuf[0] = cbuf[0] = '\0';
	o_hexlist(&bo, ciphers, nc);
	o_hexlist(&co, exts, ne);
	if (ns) {
		o_puts(&co, "_");
		o_hexlist(&co, sigs, ns);
	}
	hash12(bbuf, bo.n, bh);
	hash12(cbuf, co.n, ch12);
	snprintf(ja4, FP_JA4_MAX, "%s_%s_%s", a, bh, ch12);

	if (ja4_r && rcap) {
		ro = (struct out){ ja4_r, 0, rcap };
		ja4_r[0] = '\0';
		o_puts(&ro, a);
		o_puts(&ro, "_");
		o_puts(&ro, bbuf);
		o_puts(&ro, "_");
		o_puts(&ro, cbuf);
	}
	free(bbuf);
	free(cbuf);
}

#ifdef TLSTAP_WITH_FOXIO
/* JA4S: proto version #exts alpn _ cipher _ sha256/12 of the extensions in
 * wire order. */
void fp_ja4s(const struct tls_server_hello *sh, char proto, char ja4s[FP_JA4_MAX],
	     char *ja4s_r, size_t rcap)
{
	uint16_t exts[TLS_MAX_EXTS];
	char a[16], alpn[3], h[13], *buf;
	size_t ne, cap = (size_t)TLS_MAX_EXTS * 5 + 1;
	struct out o;

	ne = filter16(sh->exts, sh->n_exts, exts, NULL, 0);
	ja4_alpn(&sh->alpn, alpn);
	snprintf(a, sizeof a, "%c%s%02u%s", proto, ja4_version(tls_sh_version(sh)),
		 count99(ne, sh->n_exts, sh->n_exts_total), alpn);
	buf = malloc(cap);
	if (!buf) {
		snprintf(ja4s, FP_JA4_MAX, "%s_%04x_000000000000", a, sh->cipher);
		if (rcap)
			ja4s_r[0] = '\0';
		return;
	}
	o = (struct out){ buf, 0, cap };
	buf[0] = '\0';
	o_hexlist(&o, exts, ne);
	hash12(buf, o.n, h);
	snprintf(ja4s, FP_JA4_MAX, "%s_%04x_%s", a, sh->cipher, h);
	if (ja4s_r && rcap)
		snprintf(ja4s_r, rcap, "%s_%04x_%s", a, sh->cipher, buf);
	free(buf);
}

/* sha256/12 of the ','-joined hex OIDs. */
static void oid_hash(const struct x509_str *v, size_t n, char out[13])
{
	size_t len = 0;
	char *s;
	for (size_t i = 0; i < n; i++)
		len += v[i].n + 1;
	s = malloc(len + 1);
	if (!s) {
		memcpy(out, "000000000000", 13);
		return;
	}
	struct out o = { s, 0, len + 1 };
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			o_puts(&o, ",");
		o_puts(&o, v[i].p ? v[i].p : "");
	}
	hash12(s, o.n, out);
	free(s);
}

void fp_ja4x(const struct x509_cert *c, char ja4x[FP_JA4_MAX])
{
	char i[13], s[13], e[13];
	oid_hash(c->iss_oids, c->n_iss_oids, i);
	oid_hash(c->subj_oids, c->n_subj_oids, s);
	oid_hash(c->ext_oids, c->n_ext_oids, e);
	snprintf(ja4x, FP_JA4_MAX, "%s_%s_%s", i, s, e);
}
#endif

/* ------------------------------------------------------------------ */
/* Community ID v1                                                     */

void fp_community_id(uint8_t af, const uint8_t *saddr, const uint8_t *daddr,
		     uint16_t sport, uint16_t dport, uint8_t proto, uint16_t seed,
		     char out[64])
{
	uint8_t buf[2 + 16 + 16 + 1 + 1 + 2 + 2], d[20];
	size_t alen = af == 6 ? 16 : 4, k = 0;
	const uint8_t *a = saddr, *b = daddr;
	uint16_t pa = sport, pb = dport;
	int c = memcmp(saddr, daddr, alen);

	/* The smaller (address, port) endpoint goes first, so both
	 * directions of a flow hash alike. */
	if (c > 0 || (c == 0 && sport > dport)) {
		a = daddr;
		b = saddr;
		pa = dport;
		pb = sport;
	}
	buf[k++] = (uint8_t)(seed >> 8);
	buf[k++] = (uint8_t)seed;
	memcpy(buf + k, a, alen);
	k += alen;
	memcpy(buf + k, b, alen);
	k += alen;
	buf[k++] = proto;
	buf[k++] = 0;
	buf[k++] = (uint8_t)(pa >> 8);
	buf[k++] = (uint8_t)pa;
	buf[k++] = (uint8_t)(pb >> 8);
	buf[k++] = (uint8_t)pb;
	dig_sha1(buf, k, d);
	memcpy(out, "1:", 2);
	dig_base64(d, sizeof d, out + 2, 62);
}
