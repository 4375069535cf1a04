/*
 * verdict_hello.c - the hellos' part of the verdict (verdict.h): each
 * hello's fingerprints (JA3 and JA4 of the ClientHello, JA3S and JA4S of
 * the ServerHello, parsers/fp.h), unless the context's hello cache already
 * holds the record's lists for the same inputs.
 *
 *   hello ─> key (every input of the lists) ─> frag_get ─ hit ─> cached
 *                                                        └ miss ─> fp, key
 */
#include <string.h>

#include "../parsers/digest.h"
#include "../parsers/fp.h"
#include "../parsers/tls_hs.h"
#include "fragcache.h"
#include "session_impl.h"
#include "verdict.h"

static void hk_bytes(struct verdict_hello_key *k, const void *p, size_t n)
{
	memcpy(k->b + k->n, p, n);
	k->n += n;
}

static void hk_u16(struct verdict_hello_key *k, uint16_t v)
{
	hk_bytes(k, &v, sizeof v);
}

static void hk_list16(struct verdict_hello_key *k, const uint16_t *v, uint16_t n)
{
	hk_u16(k, n);
	hk_bytes(k, v, (size_t)n * 2);
}

static void client_key(struct verdict_hello_key *k, const void *src)
{
	const struct tls_client_hello *ch = src;
	const struct tls_alpn_list *l = &ch->alpn;
	uint8_t flags = (uint8_t)(ch->sslv2 | ch->has_sni << 1 | ch->has_alpn << 2 | ch->dtls << 3 |
				  ch->quic << 4);

	k->n = 0;
	hk_bytes(k, "C", 1);
	hk_bytes(k, &flags, 1);
	hk_u16(k, ch->legacy_version);
	hk_u16(k, ch->n_ciphers_total);
	hk_u16(k, ch->n_exts_total);
	hk_list16(k, ch->ciphers, ch->n_ciphers);
	hk_list16(k, ch->exts, ch->n_exts);
	hk_list16(k, ch->groups, ch->n_groups);
	hk_list16(k, ch->sigalgs, ch->n_sigalgs);
	hk_list16(k, ch->versions, ch->n_versions);
	hk_list16(k, ch->keyshares, ch->n_keyshares);
	hk_u16(k, ch->n_ptfmts);
	hk_bytes(k, ch->ptfmts, ch->n_ptfmts);
	hk_u16(k, ch->n_comp);
	hk_bytes(k, ch->comp, ch->n_comp);
	hk_u16(k, l->n);
	for (uint16_t i = 0; i < l->n; i++) {
		size_t len = (size_t)l->off[i] + l->len[i] <= sizeof l->buf ? l->len[i] : 0;
		hk_u16(k, l->off[i]);
		hk_bytes(k, &l->len[i], 1);
		hk_bytes(k, l->buf + l->off[i], len);
	}
}

/* Every input server_lists reads (the ALPN only for JA4S's characters). */
static void server_key(struct verdict_hello_key *k, const void *src)
{
	const struct tls_server_hello *sh = src;
	const struct tls_alpn_list *l = &sh->alpn;

	k->n = 0;
	hk_bytes(k, sh->quic ? "Q" : "S", 1);
	hk_u16(k, sh->legacy_version);
	hk_u16(k, sh->selected_version);
	hk_u16(k, sh->cipher);
	hk_u16(k, sh->n_exts_total);
	hk_list16(k, sh->exts, sh->n_exts);
	hk_u16(k, l->n);
	if (l->n && (size_t)l->off[0] + l->len[0] <= sizeof l->buf) {
		hk_bytes(k, &l->len[0], 1);
		hk_bytes(k, l->buf + l->off[0], l->len[0]);
	}
}

static void client_fp(const struct tls_client_hello *ch, struct verdict_client_fp *fp)
{
	fp_ja3(ch, fp->ja3_string, sizeof fp->ja3_string, fp->ja3);
	fp_ja4(ch, ch->quic ? 'q' : ch->dtls ? 'd' : 't', fp->ja4, fp->ja4_r, sizeof fp->ja4_r);
}

static void server_fp(const struct tls_server_hello *sh, struct verdict_server_fp *fp)
{
	fp_ja3s(sh, fp->ja3s_string, sizeof fp->ja3s_string, fp->ja3s);
	fp->ja4s[0] = 0;
#ifdef TLSTAP_WITH_FOXIO
	{
		char ja4sr[FP_JA4R_MAX];
		fp_ja4s(sh, sh->quic ? 'q' : dtls_is_version(sh->legacy_version) ? 'd' : 't', fp->ja4s,
			ja4sr, sizeof ja4sr);
	}
#endif
}

/* The cache's fragment for the key key() makes of hello, or NULL after
 * keying vh for the emitter's store (no cache: nothing keyed). */
static const struct frag *look_up(struct frag_cache *fc, struct verdict_hello *vh,
				  void (*key)(struct verdict_hello_key *, const void *),
				  const void *hello)
{
	vh->present = true;
	vh->cached = NULL;
	vh->keyed = false;
	if (!fc)
		return NULL;
	key(&vh->key, hello);
	vh->h = dig_fast64(vh->key.b, vh->key.n);
	vh->cached = frag_get(fc, vh->key.b, vh->key.n, vh->h);
	vh->keyed = !vh->cached;
	return vh->cached;
}

void verdict_hellos(const struct session *s, struct tt_ctx *ctx, struct verdict *v)
{
	struct frag_cache *fc = ctx ? ctx->hello_frags : NULL;
	const struct tls_client_hello *ch = core_ch(s);

	if (ch && !look_up(fc, &v->hello[VERDICT_CLIENT], client_key, ch))
		client_fp(ch, &v->hello[VERDICT_CLIENT].fp.client);
	/* After a HelloRetryRequest, JA3S/JA4S and the extensions are the
	 * HRR's: the first ServerHello, paired with the first ClientHello. */
	if (s->sh && (s->sh_seen || s->hrr) && !s->v2) {
		const struct tls_server_hello *sh = s->hrr_sh ? s->hrr_sh : s->sh;
		if (!look_up(fc, &v->hello[VERDICT_SERVER], server_key, sh))
			server_fp(sh, &v->hello[VERDICT_SERVER].fp.server);
	}
}
