/*
 * emit_x509.c - the certificate part of a session record: one side's chain
 * as ECS x509 objects, the ECS shortcuts, and the validation the verdict
 * reached (verdict.c, which also writes --certs-dir).
 *
 *   tls.server.x509                 leaf, ECS x509 object (below)
 *   tls.server.hash.sha1/.sha256    leaf DER, uppercase hex
 *   tls.server.subject/.issuer      leaf DNs (RFC 4514)
 *   tls.server.not_before/.not_after
 *   tls.server.chain[]              every certificate, leaf first
 *   tls.server.certificate_chain[]  base64 DER (cfg.emit_chain_der)
 *   tls.server.validation           { status, sni_match, chain_ordered, reasons[] }
 *
 * Reads struct x509_cert only (never DER); every string that came from a
 * certificate goes through jw_wire, which escapes invalid UTF-8.
 */
#include "render.h"
#include "emit.h"
#include "jw.h"
#include "mem.h"
#include "../parsers/digest.h"
#include "../parsers/x509.h"
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const attr_field[] = {
	[X509_A_CN] = "common_name",
	[X509_A_O] = "organization",
	[X509_A_OU] = "organizational_unit",
	[X509_A_C] = "country",
	[X509_A_L] = "locality",
	[X509_A_ST] = "state_or_province",
};

static void name_obj(struct jw *w, const char *key, const struct x509_name *nm,
		     struct anom_set *a)
{
	jw_open(w, key, '{');
	jw_wire(w, "distinguished_name", nm->dn.p, nm->dn.n, a);
	for (int k = X509_A_CN; k < X509_A_OTHER; k++) {
		jw_open(w, attr_field[k], '[');
		for (uint16_t i = 0; i < nm->n_attrs; i++)
			if (nm->attrs[i].kind == (enum x509_attr_kind)k)
				jw_wire(w, NULL, nm->attrs[i].val.p, nm->attrs[i].val.n, a);
		jw_close(w, false);
	}
	jw_close(w, true);
}

/* The ECS x509 object of one certificate, as a root value of w. */
static void x509_obj(struct jw *w, struct x509_cert *c, struct anom_set *a)
{
	jw_open(w, NULL, '{');
	if (c->version) {
		char b[24];
		jw_strn(w, "version_number", b, jw_utoa((uint64_t)c->version, b));
	}
	if (c->serial_hex)
		jw_str(w, "serial_number", c->serial_hex);
	if (c->subject.present)
		name_obj(w, "subject", &c->subject, a);
	if (c->issuer.present)
		name_obj(w, "issuer", &c->issuer, a);
	if (c->validity_ok) {
		jw_time_s(w, "not_before", c->not_before);
		jw_time_s(w, "not_after", c->not_after);
	}
	if (c->sig_alg[0])
		jw_str(w, "signature_algorithm", c->sig_alg);
	if (c->pk_alg[0])
		jw_str(w, "public_key_algorithm", c->pk_alg);
	if (c->pk_bits)
		jw_uint(w, "public_key_size", c->pk_bits);
	if (c->pk_curve[0])
		jw_str(w, "public_key_curve", c->pk_curve);
	if (c->rsa_exponent)
		jw_uint(w, "public_key_exponent", c->rsa_exponent);
	if (c->n_sans) {
		jw_open(w, "alternative_names", '[');
		for (uint16_t i = 0; i < c->n_sans; i++)
			jw_wire(w, NULL, c->sans[i].val.p, c->sans[i].val.n, a);
		jw_close(w, true);
	}
	jw_open(w, "hash", '{');
	jw_str(w, "sha1", c->sha1_hex);
	jw_str(w, "sha256", c->sha256_hex);
	jw_close(w, true);
	jw_bool(w, "is_ca", c->is_ca);
	jw_bool(w, "self_signed", x509_cert_self_signed(c));
	if (c->has_key_usage) {
		jw_open(w, "key_usage", '[');
		for (unsigned i = 0; i < X509_KU_COUNT; i++)
			if (c->key_usage & (1u << i))
				jw_str(w, NULL, x509_ku_names[i]);
		jw_close(w, true);
	}
	if (c->n_ekus) {
		jw_open(w, "extended_key_usage", '[');
		for (uint16_t i = 0; i < c->n_ekus; i++)
			jw_str(w, NULL, c->ekus[i].p);
		jw_close(w, true);
	}
	if (c->parse_error)
		jw_str(w, "parse_error", c->parse_msg);
#ifdef TLSTAP_WITH_FOXIO
	if (c->der_len && c->ja4x[0])
		jw_str(w, "ja4x", c->ja4x);     /* the verdict's (verdict_chain) */
#endif
	jw_close(w, true);
	if (c->parse_error)
		anom_add(a, "certificate_parse_error");
	if (c->n_sans_total > c->n_sans || c->n_ekus_total > c->n_ekus ||
	    c->subject.n_attrs_total > c->subject.n_attrs ||
	    c->issuer.n_attrs_total > c->issuer.n_attrs)
		anom_add(a, "certificate_field_truncated");
}

/* The x509 object of c under key: serialised once per certificate and kept
 * with it (a chain recurs in thousands of sessions, and the leaf is written
 * twice per record, as x509 and as chain[0]), together with the anomalies
 * that building it raised, which are replayed in the order first seen. */
enum { FRAG_UTF8 = 1, FRAG_PARSE = 2, FRAG_TRUNC = 4 };

/* Makes c's fragment once; false when out of memory. */
static bool x509_frag(const struct tt_ctx *ctx, struct x509_cert *c)
{
	struct anom_set mine = { 0 };
	struct jw tmp;
	char *frag;

	if (c->emit_json)
		return true;
	jw_init(&tmp);
	x509_obj(&tmp, c, &mine);
	frag = tmp.oom ? NULL : malloc(tmp.len ? tmp.len : 1);
	if (!frag) {
		jw_free(&tmp);
		return false;
	}
	memcpy(frag, tmp.p, tmp.len);
	ctx_x509_lock(ctx);   /* the store counts the fragment */
	x509_cert_set_frag(c, frag, tmp.len);
	ctx_x509_unlock(ctx);
	c->emit_flags = (uint8_t)((anom_has(&mine, "invalid_utf8") ? FRAG_UTF8 : 0) |
				  (anom_has(&mine, "certificate_parse_error") ? FRAG_PARSE : 0) |
				  (anom_has(&mine, "certificate_field_truncated") ? FRAG_TRUNC : 0));
	jw_free(&tmp);
	return true;
}

/* The anomalies that building c's object raised, into a: a session raises
 * them whether or not the object is in its record. */
static void x509_anomalies(struct jw *w, const struct tt_ctx *ctx, struct x509_cert *c,
			   struct anom_set *a)
{
	if (!x509_frag(ctx, c)) {
		w->oom = true;
		return;
	}
	if (c->emit_flags & FRAG_UTF8)
		anom_add(a, "invalid_utf8");
	if (c->emit_flags & FRAG_PARSE)
		anom_add(a, "certificate_parse_error");
	if (c->emit_flags & FRAG_TRUNC)
		anom_add(a, "certificate_field_truncated");
}

static void x509_member(struct jw *w, const struct tt_ctx *ctx, const char *key,
			struct x509_cert *c, struct anom_set *a)
{
	x509_anomalies(w, ctx, c, a);
	if (c->emit_json)
		jw_raw(w, key, c->emit_json, c->emit_json_len);
}

/* A chain entry by reference: { hash: { sha256 } }, the key of its
 * tlstap.x509 record (--certificates once) or of --certs-dir's file. */
static void x509_ref(struct jw *w, const struct tt_ctx *ctx, struct x509_cert *c,
		     struct anom_set *a)
{
	x509_anomalies(w, ctx, c, a);
	jw_open(w, NULL, '{');
	jw_open(w, "hash", '{');
	jw_name(w, "sha256", c->sha256_hex);
	jw_close(w, true);
	jw_close(w, true);
}

static void validation_obj(struct jw *w, const struct x509_validation *v)
{
	jw_open(w, "validation", '{');
	jw_name(w, "status", x509_status_name(v->status));
	if (v->sni_checked)
		jw_bool(w, "sni_match", v->sni_match);
	jw_bool(w, "chain_ordered", v->chain_ordered);
	jw_open(w, "reasons", '[');
	for (int s = 1; s < X509_ST_COUNT; s++)
		if (v->reasons & (1u << s))
			jw_name(w, NULL, x509_status_name((enum x509_status)s));
	jw_close(w, true);
	jw_close(w, true);
}

int emit_x509_side(struct jw *w, struct tt_ctx *ctx, struct x509_cert *const *chain,
		   size_t n, const struct verdict_side *vs, struct anom_set *a)
{
	enum cert_mode mode = ctx ? ctx->cfg.certs : CERTS_FULL;
	struct x509_cert *leaf;

	if (!chain || n == 0 || !chain[0])
		return 0;
	leaf = chain[0];

	if (mode == CERTS_FULL || mode == CERTS_LEAF)
		x509_member(w, ctx, "x509", leaf, a);
	jw_open(w, "hash", '{');
	jw_name(w, "sha1", leaf->sha1_hex);
	jw_name(w, "sha256", leaf->sha256_hex);
	jw_close(w, true);
	if (leaf->subject.present)
		jw_wire(w, "subject", leaf->subject.dn.p, leaf->subject.dn.n, a);
	if (leaf->issuer.present)
		jw_wire(w, "issuer", leaf->issuer.dn.p, leaf->issuer.dn.n, a);
	if (leaf->validity_ok) {
		jw_time_s(w, "not_before", leaf->not_before);
		jw_time_s(w, "not_after", leaf->not_after);
	}

	if (mode != CERTS_NONE) {
		jw_open(w, "chain", '[');
		for (size_t i = 0; i < n; i++) {
			if (!chain[i])
				continue;
			if (mode == CERTS_FULL)
				x509_member(w, ctx, NULL, chain[i], a);
			else
				x509_ref(w, ctx, chain[i], a);
		}
		jw_close(w, true);
	} else {
		for (size_t i = 0; i < n; i++)
			if (chain[i])
				x509_anomalies(w, ctx, chain[i], a);
	}
	if (mode == CERTS_ONCE && ctx->n_x509_refs < 2) {
		ctx->x509_refs[ctx->n_x509_refs].chain = chain;
		ctx->x509_refs[ctx->n_x509_refs].n = n;
		ctx->n_x509_refs++;
	}

	if (ctx && ctx->cfg.emit_chain_der) {
		jw_open(w, "certificate_chain", '[');
		for (size_t i = 0; i < n; i++) {
			size_t cap;
			char *b;
			if (!chain[i])
				continue;
			cap = 4 * ((chain[i]->der_len + 2) / 3) + 1;
			b = malloc(cap);
			if (!b)
				continue;
			jw_strn(w, NULL, b, dig_base64(chain[i]->der, chain[i]->der_len, b, cap));
			free(b);
		}
		jw_close(w, true);
	}

	if (vs->write_failed)
		anom_add(a, "certificate_write_failed");
	if (vs->validated)
		validation_obj(w, &vs->validation);
	return w->oom ? -1 : 0;
}

/* --certificates once: the SHA-256 of every certificate whose tlstap.x509
 * record was written, open addressing on the digest's first bytes.  When
 * it is three quarters full it is emptied (counted): each certificate
 * seen after that is written again, so none goes unwritten. */
#define SEEN_SLOTS (1u << 16)
#define SEEN_MAX (SEEN_SLOTS / 4 * 3)

struct x509_seen {
	uint8_t key[SEEN_SLOTS][32];
	uint8_t used[SEEN_SLOTS];
	uint32_t n;
	uint64_t written, resets;
};

size_t x509_seen_bytes(const struct x509_seen *set)
{
	return mem_block((void *)(uintptr_t)set);
}

int x509_seen_add(struct x509_seen **set, const uint8_t d[32])
{
	struct x509_seen *z = *set;
	uint32_t i;

	if (!z && !(z = *set = calloc(1, sizeof *z)))
		return -1;
	if (z->n >= SEEN_MAX) {
		memset(z->used, 0, sizeof z->used);
		z->n = 0;
		z->resets++;
	}
	i = ((uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16) % SEEN_SLOTS;
	for (; z->used[i]; i = (i + 1) % SEEN_SLOTS)
		if (memcmp(z->key[i], d, 32) == 0)
			return 0;
	memcpy(z->key[i], d, 32);
	z->used[i] = 1;
	z->n++;
	return 1;
}

void x509_seen_written(struct x509_seen *set)
{
	if (set)
		set->written++;
}

void x509_seen_counts(const struct x509_seen *set, uint64_t *written, uint64_t *resets)
{
	*written = set ? set->written : 0;
	*resets = set ? set->resets : 0;
}
