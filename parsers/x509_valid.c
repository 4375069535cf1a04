/*
 * x509_valid.c - host names against a certificate (RFC 6125 6.4) and chain
 * validation (RFC 5280 6).
 *
 * Validation (x509_validate): mbedtls_x509_crt_verify_with_profile against
 * the CA store with a permissive profile, the wall-clock flags (EXPIRED,
 * FUTURE) masked in the verify callback, which also records the validity
 * of every certificate on the verified path; the capture time is compared
 * with those windows afterwards.  Everything but time and SNI is cached per
 * distinct chain.
 */
#include "x509_impl.h"
#include "digest.h"
#include "lru_way.h"

/* ------------------------------------------------------------------ */
/* Host names (RFC 6125 section 6.4)                                   */

static int lc(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

static bool ieq(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (lc((unsigned char)a[i]) != lc((unsigned char)b[i]))
			return false;
	return true;
}

static bool dns_match(const char *pat, size_t pn, const char *host, size_t hn)
{
	if (pn && pat[pn - 1] == '.')
		pn--;
	if (!pn || memchr(pat, '\0', pn))
		return false;
	if (pn > 2 && pat[0] == '*' && pat[1] == '.') {
		const char *rest = pat + 2, *hdot;
		size_t rn = pn - 2;
		/* No wildcard over a single label ("*.com", "*.test"): the
		 * closest we get to a public-suffix rule without a list. */
		if (!memchr(rest, '.', rn) || memchr(rest, '*', rn))
			return false;
		hdot = memchr(host, '.', hn);
		if (!hdot || hdot == host)
			return false;
		return ieq(rest, rn, hdot + 1, hn - (size_t)(hdot + 1 - host));
	}
	if (memchr(pat, '*', pn))
		return false;   /* partial-label wildcards are not honoured */
	return ieq(pat, pn, host, hn);
}

bool x509_host_match(const struct x509_cert *leaf, const uint8_t *name, size_t len)
{
	char h[256];
	uint8_t ip[16];
	int iplen = 0;
	bool any_dns = false;

	if (!leaf || !name)
		return false;
	if (len && name[len - 1] == '.')
		len--;
	if (!len || len >= sizeof h || memchr(name, '\0', len))
		return false;
	memcpy(h, name, len);
	h[len] = '\0';

	if (inet_pton(AF_INET, h, ip) == 1)
		iplen = 4;
	else if (strchr(h, ':') && inet_pton(AF_INET6, h, ip) == 1)
		iplen = 16;
	if (iplen) {
		for (uint16_t i = 0; i < leaf->n_sans; i++)
			if (leaf->sans[i].kind == X509_SAN_IP && leaf->sans[i].ip_len == iplen &&
			    memcmp(leaf->sans[i].ip, ip, (size_t)iplen) == 0)
				return true;
		return false;
	}
	for (uint16_t i = 0; i < leaf->n_sans; i++) {
		const struct x509_san *s = &leaf->sans[i];
		if (s->kind != X509_SAN_DNS)
			continue;
		any_dns = true;
		if (dns_match(s->val.p, s->val.n, h, len))
			return true;
	}
	if (any_dns)
		return false;
	/* No DNS SAN: the most specific (last in DER order) CN. */
	for (uint16_t i = leaf->subject.n_attrs; i-- > 0;)
		if (leaf->subject.attrs[i].kind == X509_A_CN)
			return dns_match(leaf->subject.attrs[i].val.p,
					 leaf->subject.attrs[i].val.n, h, len);
	return false;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

static const char *const status_names[X509_ST_COUNT] = {
	"ok", "parse_error", "bad_signature", "self_signed", "incomplete_chain",
	"unknown_ca", "expired", "not_yet_valid", "weak_key", "weak_signature",
	"bad_usage", "other",
};

const char *x509_status_name(enum x509_status s)
{
	return (unsigned)s < X509_ST_COUNT ? status_names[s] : "other";
}

struct vpath {
	struct vstatic *v;
	const mbedtls_x509_crt *top;    /* highest certificate reached */
	int top_depth;
	/* The path mbedTLS verified, by depth: a certificate whose parent is
	 * at the next depth and whose flags lack NOT_TRUSTED had its
	 * signature checked good with that parent's key (mbedTLS 2.28
	 * x509_crt_verify_chain), which check_order then need not redo. */
	const mbedtls_x509_crt *at[VPATH_MAX];
	uint32_t flags[VPATH_MAX];
};

static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct vpath *vp = ctx;
	/* Judged against the capture time later, not the wall clock. */
	*flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
	if (depth >= 0 && depth < VPATH_MAX) {
		vp->v->nb[depth] = x509_time_secs(&crt->valid_from);
		vp->v->na[depth] = x509_time_secs(&crt->valid_to);
		if ((unsigned)depth + 1 > vp->v->n_path)
			vp->v->n_path = (uint8_t)(depth + 1);
		vp->at[depth] = crt;
		vp->flags[depth] = *flags;
	}
	if (depth > vp->top_depth) {
		vp->top_depth = depth;
		vp->top = crt;
	}
	return 0;
}

/* Values of the O attributes of a parsed name list. */
static bool name_o_match(const mbedtls_x509_name *a, const mbedtls_x509_name *b)
{
	for (; a && a->oid.p; a = a->next) {
		if (!x509_oid_is(&a->oid, MBEDTLS_OID_AT_ORGANIZATION, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_ORGANIZATION)))
			continue;
		for (const mbedtls_x509_name *c = b; c && c->oid.p; c = c->next)
			if (x509_oid_is(&c->oid, MBEDTLS_OID_AT_ORGANIZATION,
				   MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_ORGANIZATION)) &&
			    a->val.len == c->val.len && memcmp(a->val.p, c->val.p, a->val.len) == 0)
				return true;
	}
	return false;
}

static bool raw_eq(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/*
 * An untrusted chain ends at `top` (the highest certificate mbedTLS got to).
 * The rule for incomplete_chain versus unknown_ca:
 *   - top self-issued: a root we do not know: unknown_ca (self_signed when
 *     that root is the leaf itself);
 *   - a store CA carries top's issuer name: it did not verify top:
 *     bad_signature;
 *   - otherwise the issuer is a missing intermediate.  It is
 *     incomplete_chain when a known root would likely complete the chain:
 *     top carries authorityInfoAccess (publicly trusted CAs include it so
 *     clients can fetch the missing intermediate), or a store CA has the
 *     same organization (O) as top's issuer; else unknown_ca.
 */
static uint32_t untrusted_reason(struct x509_ctx *x, const mbedtls_x509_crt *top,
				 const struct x509_cert *topc, bool leaf_self_signed)
{
	if (!top)
		return 1u << X509_ST_UNKNOWN_CA;
	if (raw_eq(&top->subject_raw, &top->issuer_raw))
		return 1u << (leaf_self_signed ? X509_ST_SELF_SIGNED : X509_ST_UNKNOWN_CA);
	for (const mbedtls_x509_crt *ca = &x->ca; ca && ca->raw.p; ca = ca->next)
		if (raw_eq(&ca->subject_raw, &top->issuer_raw))
			return 1u << X509_ST_BAD_SIGNATURE;
	if (topc && topc->has_aia)
		return 1u << X509_ST_INCOMPLETE_CHAIN;
	for (const mbedtls_x509_crt *ca = &x->ca; ca && ca->raw.p; ca = ca->next)
		if (name_o_match(&top->issuer, &ca->subject))
			return 1u << X509_ST_INCOMPLETE_CHAIN;
	return 1u << X509_ST_UNKNOWN_CA;
}

static bool weak_key(const struct x509_cert *c)
{
	if (!c->pk_bits)
		return false;
	if (strcmp(c->pk_alg, "RSA") == 0 || strcmp(c->pk_alg, "DSA") == 0)
		return c->pk_bits < 2048;
	if (strcmp(c->pk_alg, "EC") == 0)
		return c->pk_bits < 224;
	return false;
}

/* Whether mbedTLS's path (vp, NULL if it did not run) has child under a
 * certificate with parent's public key (parent itself, its copy in the CA
 * store, a cross-signed twin) with a good signature: x509_sig_ok(child,
 * parent) depends on nothing else. */
static bool path_sig_good(const struct vpath *vp, const mbedtls_x509_crt *child,
			  const mbedtls_x509_crt *parent)
{
	for (int d = 0; vp && d + 1 < VPATH_MAX && vp->at[d]; d++)
		if (vp->at[d] == child)
			return vp->at[d + 1] && raw_eq(&vp->at[d + 1]->XP(pk_raw), &parent->XP(pk_raw)) &&
			       !(vp->flags[d] & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
	return false;
}

/* chain_ordered: each certificate names the next as its issuer and, where
 * both parsed (node[i], else NULL), the next one's key verifies it.  A
 * signature mbedTLS's path validation checked (vp) is not checked again:
 * with RSA-4096 and ECDSA keys these are most of a new chain's cost. */
static void check_order(struct x509_cert *const *chain, mbedtls_x509_crt *const *node,
			size_t used, const struct vpath *vp, struct vstatic *v)
{
	v->chain_ordered = true;
	for (size_t i = 0; i + 1 < used; i++) {
		const struct x509_cert *a = chain[i], *b = chain[i + 1];
		bool ok;
		if (node[i] && node[i + 1])
			ok = raw_eq(&node[i]->issuer_raw, &node[i + 1]->subject_raw) &&
			     (path_sig_good(vp, node[i], node[i + 1]) ||
			      x509_sig_ok(node[i], node[i + 1]));
		else
			ok = a->issuer.present && b->subject.present && a->issuer.dn.p &&
			     b->subject.dn.p && a->issuer.dn.n == b->subject.dn.n &&
			     memcmp(a->issuer.dn.p, b->subject.dn.p, a->issuer.dn.n) == 0;
		if (node[i] && node[i + 1] && !ok &&
		    raw_eq(&node[i]->issuer_raw, &node[i + 1]->subject_raw))
			v->reasons |= 1u << X509_ST_BAD_SIGNATURE;
		if (!ok)
			v->chain_ordered = false;
	}
}

/* mbedTLS's path validation of list (the parsed chain) against the CA
 * store, time flags masked (the capture time is compared later). */
static void verify_path(struct x509_ctx *x, mbedtls_x509_crt *list,
			struct x509_cert *const *chain, mbedtls_x509_crt *const *node,
			size_t used, bool any_refused, struct vpath *out)
{
	static const mbedtls_x509_crt_profile permissive = {
		0xffffffffu, 0xffffffffu, 0xffffffffu, 0
	};
	struct vpath vp = { .v = out->v, .top_depth = -1 };
	struct vstatic *v = out->v;
	uint32_t flags = 0;
	int vr = mbedtls_x509_crt_verify_with_profile(list, x->n_ca ? &x->ca : NULL, NULL,
						      &permissive, NULL, &flags, verify_cb, &vp);

	*out = vp;

	flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
	if (vr != 0 && vr != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		/* A fatal error (a path longer than mbedTLS allows, no
		 * memory): the flags then mean nothing. */
		flags = 0;
		v->reasons |= 1u << X509_ST_OTHER;
		out->at[0] = NULL;      /* no path to lean on */
	}
	if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
		const struct x509_cert *topc = NULL;
		for (size_t i = 0; i < used; i++)
			if (node[i] && node[i] == vp.top)
				topc = chain[i];
		v->reasons |= untrusted_reason(x, vp.top, topc, x509_cert_self_signed(chain[0]));
		if (any_refused)
			v->reasons |= 1u << X509_ST_PARSE_ERROR;
	}
	if (flags & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
		     MBEDTLS_X509_BADCERT_NS_CERT_TYPE))
		v->reasons |= 1u << X509_ST_BAD_USAGE;
	if (flags & ~(uint32_t)(MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_KEY_USAGE |
				MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
				MBEDTLS_X509_BADCERT_NS_CERT_TYPE))
		v->reasons |= 1u << X509_ST_OTHER;
}

static void validate_static(struct x509_ctx *x, struct x509_cert *const *chain, size_t n,
			    struct vstatic *v)
{
	mbedtls_x509_crt list;
	mbedtls_x509_crt *node[VPATH_MAX] = { 0 };  /* by chain index, NULL if refused */
	struct vpath vp;
	bool any_refused = false;
	size_t used = n < VPATH_MAX ? n : VPATH_MAX;

	memset(v, 0, sizeof *v);
	mbedtls_x509_crt_init(&list);
	for (size_t i = 0; i < used; i++) {
		mbedtls_x509_crt *last = &list;
		if (chain[i]->parse_error ||
		    mbedtls_x509_crt_parse_der(&list, chain[i]->der, chain[i]->der_len) != 0) {
			any_refused = true;
			continue;
		}
		while (last->next)
			last = last->next;
		node[i] = last;
	}

	/* A self-issued leaf that its own key does not verify. */
	if (node[0] && chain[0]->self_issued && !x509_cert_self_signed(chain[0]))
		v->reasons |= 1u << X509_ST_BAD_SIGNATURE;

	if (!node[0]) {
		v->reasons |= 1u << X509_ST_PARSE_ERROR;
		for (size_t i = 0; i < used && v->n_path < VPATH_MAX; i++)
			if (chain[i]->validity_ok) {
				v->nb[v->n_path] = chain[i]->not_before;
				v->na[v->n_path] = chain[i]->not_after;
				v->n_path++;
			}
	} else {
		vp.v = v;
		verify_path(x, &list, chain, node, used, any_refused, &vp);
	}
	check_order(chain, node, used, node[0] ? &vp : NULL, v);

	/* Weak keys and signatures, roots (self-signed) excepted. */
	for (size_t i = 0; i < used; i++) {
		if (x509_cert_self_signed(chain[i]))
			continue;
		if (weak_key(chain[i]))
			v->reasons |= 1u << X509_ST_WEAK_KEY;
		if (chain[i]->sig_weak)
			v->reasons |= 1u << X509_ST_WEAK_SIGNATURE;
	}
	mbedtls_x509_crt_free(&list);
}

/* A looked-up chain, as holds() takes it. */
struct vkey {
	struct x509_cert *const *chain;
	size_t n;
};

/* Whether way (a struct vslot) holds the chain: every SHA-256, in order. */
static bool holds(const void *way, const void *arg)
{
	const struct vslot *s = way;
	const struct vkey *k = arg;
	bool same = s->key && s->n == k->n;

	for (size_t i = 0; same && i < k->n; i++)
		same = memcmp(s->key + 32 * i, k->chain[i]->sha256, 32) == 0;
	return same;
}

int x509_validate(struct x509_ctx *x, struct x509_cert *const *chain, size_t n,
		  const uint8_t *sni, size_t sni_len, bool has_sni, uint64_t ts_ns,
		  struct x509_validation *out)
{
	struct vstatic local, *v = &local;
	struct vslot *set, *slot;
	int64_t t = (int64_t)(ts_ns / 1000000000u);
	uint64_t h = 0;
	uint32_t r;
	bool hit;

	if (!x || !chain || n == 0 || !chain[0])
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t w;
		if (!chain[i])
			return -1;
		/* The slot: SHA-256s are uniform already, so their leading
		 * words, weighted by position, spread chains evenly. */
		memcpy(&w, chain[i]->sha256, sizeof w);
		h += w * (2 * i + 1);
	}
	set = &x->vcache[(h % VCACHE_SETS) * VCACHE_WAYS];
	slot = &set[lru_way_pick(set, VCACHE_WAYS, sizeof *set, offsetof(struct vslot, used), holds,
				 &(struct vkey){ chain, n }, &hit)];
	x->vclock++;
	if (hit) {
		v = &slot->v;
		slot->used = x->vclock;
		x->st.validation_hits++;
	} else {
		x->st.validations++;
		uint8_t *key = malloc(n * 32);
		validate_static(x, chain, n, &local);
		if (key) {
			for (size_t i = 0; i < n; i++)
				memcpy(key + 32 * i, chain[i]->sha256, 32);
			x->cache_bytes += x509_block(key);
			x->cache_bytes -= x509_block(slot->key);
			free(slot->key);
			slot->key = key;
			slot->n = n;
			slot->used = x->vclock;
			slot->v = local;
		}
	}

	r = v->reasons;
	for (uint8_t i = 0; i < v->n_path; i++) {
		if (t > v->na[i])
			r |= 1u << X509_ST_EXPIRED;
		if (t < v->nb[i])
			r |= 1u << X509_ST_NOT_YET_VALID;
	}
	memset(out, 0, sizeof *out);
	out->reasons = r;
	out->status = X509_ST_OK;
	for (int s = 1; s < X509_ST_COUNT; s++)
		if (r & (1u << s)) {
			out->status = (enum x509_status)s;
			break;
		}
	out->chain_ordered = v->chain_ordered;
	out->ca_store_empty = x->n_ca == 0;
	if (has_sni) {
		out->sni_checked = true;
		out->sni_match = x509_host_match(chain[0], sni, sni_len);
	}
	return 0;
}

