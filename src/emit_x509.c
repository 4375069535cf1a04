/*
 * emit_x509.c - the certificate part of a session record: one side's chain
 * as ECS x509 objects, the ECS shortcuts, validation, and --certs-dir.
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
 * certificate goes through ju_wire_str, which escapes invalid UTF-8.
 */
#include "emit.h"
#include "jsonutil.h"
#include "../parsers/digest.h"
#include "../parsers/fp.h"
#include "../parsers/x509.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const attr_field[] = {
	[X509_A_CN] = "common_name",
	[X509_A_O] = "organization",
	[X509_A_OU] = "organizational_unit",
	[X509_A_C] = "country",
	[X509_A_L] = "locality",
	[X509_A_ST] = "state_or_province",
};

/* RFC 3339 UTC with whole seconds (certificates carry no fractions). */
static json_t *time_secs(int64_t s)
{
	time_t t = (time_t)s;
	struct tm tm;
	char b[64];
	if (!gmtime_r(&t, &tm))
		return NULL;
	snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return json_string(b);
}

static json_t *name_obj(const struct x509_name *nm, struct anom_set *a)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "distinguished_name", ju_wire_str(nm->dn.p, nm->dn.n, a));
	for (int k = X509_A_CN; k < X509_A_OTHER; k++) {
		json_t *arr = NULL;
		for (uint16_t i = 0; i < nm->n_attrs; i++) {
			if (nm->attrs[i].kind != (enum x509_attr_kind)k)
				continue;
			if (!arr && !(arr = json_array()))
				break;
			json_array_append_new(arr, ju_wire_str(nm->attrs[i].val.p,
							       nm->attrs[i].val.n, a));
		}
		if (arr)
			json_object_set_new(o, attr_field[k], arr);
	}
	return o;
}

/* The ECS x509 object of one certificate. */
static json_t *x509_obj(const struct x509_cert *c, struct anom_set *a)
{
	json_t *o = json_object(), *h;
	char b[16];

	if (!o)
		return NULL;
	if (c->version) {
		snprintf(b, sizeof b, "%d", c->version);
		json_object_set_new(o, "version_number", json_string(b));
	}
	if (c->serial_hex)
		json_object_set_new(o, "serial_number", json_string(c->serial_hex));
	if (c->subject.present)
		json_object_set_new(o, "subject", name_obj(&c->subject, a));
	if (c->issuer.present)
		json_object_set_new(o, "issuer", name_obj(&c->issuer, a));
	if (c->validity_ok) {
		json_object_set_new(o, "not_before", time_secs(c->not_before));
		json_object_set_new(o, "not_after", time_secs(c->not_after));
	}
	if (c->sig_alg[0])
		json_object_set_new(o, "signature_algorithm", json_string(c->sig_alg));
	if (c->pk_alg[0])
		json_object_set_new(o, "public_key_algorithm", json_string(c->pk_alg));
	if (c->pk_bits)
		json_object_set_new(o, "public_key_size", json_integer(c->pk_bits));
	if (c->pk_curve[0])
		json_object_set_new(o, "public_key_curve", json_string(c->pk_curve));
	if (c->rsa_exponent)
		json_object_set_new(o, "public_key_exponent",
				    json_integer((json_int_t)c->rsa_exponent));
	if (c->n_sans) {
		json_t *arr = json_array();
		for (uint16_t i = 0; arr && i < c->n_sans; i++)
			json_array_append_new(arr, ju_wire_str(c->sans[i].val.p, c->sans[i].val.n, a));
		json_object_set_new(o, "alternative_names", arr);
	}
	h = json_object();
	if (h) {
		json_object_set_new(h, "sha1", json_string(c->sha1_hex));
		json_object_set_new(h, "sha256", json_string(c->sha256_hex));
		json_object_set_new(o, "hash", h);
	}
	json_object_set_new(o, "is_ca", json_boolean(c->is_ca));
	json_object_set_new(o, "self_signed", json_boolean(c->self_signed));
	if (c->has_key_usage) {
		json_t *arr = json_array();
		for (unsigned i = 0; arr && i < X509_KU_COUNT; i++)
			if (c->key_usage & (1u << i))
				json_array_append_new(arr, json_string(x509_ku_names[i]));
		json_object_set_new(o, "key_usage", arr);
	}
	if (c->n_ekus) {
		json_t *arr = json_array();
		for (uint16_t i = 0; arr && i < c->n_ekus; i++)
			json_array_append_new(arr, json_string(c->ekus[i].p));
		json_object_set_new(o, "extended_key_usage", arr);
	}
	if (c->parse_error)
		json_object_set_new(o, "parse_error", json_string(c->parse_msg));
#ifdef TLSTAP_WITH_FOXIO
	if (c->der_len) {
		char j[FP_JA4_MAX];
		fp_ja4x(c, j);
		json_object_set_new(o, "ja4x", json_string(j));
	}
#endif
	if (c->parse_error)
		anom_add(a, "certificate_parse_error");
	if (c->n_sans_total > c->n_sans || c->n_ekus_total > c->n_ekus ||
	    c->subject.n_attrs_total > c->subject.n_attrs ||
	    c->issuer.n_attrs_total > c->issuer.n_attrs)
		anom_add(a, "certificate_field_truncated");
	return o;
}

/* DIR/<SHA-256>.der, created exclusively; the name comes from our own
 * hash, never from the wire.  An existing file is the same certificate. */
static void write_der(const char *dir, struct x509_cert *c, struct anom_set *a)
{
	char path[4096];
	size_t off = 0;
	int fd;

	if (c->der_written || !c->der_len)
		return;
	if ((size_t)snprintf(path, sizeof path, "%s/%s.der", dir, c->sha256_hex) >= sizeof path) {
		anom_add(a, "certificate_write_failed");
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		if (errno == EEXIST)
			c->der_written = true;
		else
			anom_add(a, "certificate_write_failed");
		return;
	}
	while (off < c->der_len) {
		ssize_t w = write(fd, c->der + off, c->der_len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (close(fd) != 0 || off != c->der_len) {
		/* Never leave a partial file under a hash name. */
		unlink(path);
		anom_add(a, "certificate_write_failed");
		return;
	}
	c->der_written = true;
}

static json_t *validation_obj(const struct x509_validation *v)
{
	json_t *o = json_object(), *r = json_array();
	if (!o || !r) {
		json_decref(o);
		json_decref(r);
		return NULL;
	}
	json_object_set_new(o, "status", json_string(x509_status_name(v->status)));
	if (v->sni_checked)
		json_object_set_new(o, "sni_match", json_boolean(v->sni_match));
	json_object_set_new(o, "chain_ordered", json_boolean(v->chain_ordered));
	for (int s = 1; s < X509_ST_COUNT; s++)
		if (v->reasons & (1u << s))
			json_array_append_new(r, json_string(x509_status_name((enum x509_status)s)));
	json_object_set_new(o, "reasons", r);
	return o;
}

int emit_x509_side(json_t *side, struct tt_ctx *ctx, struct x509_cert *const *chain,
		   size_t n, const uint8_t *sni, size_t sni_len, bool has_sni,
		   uint64_t ts_ns, bool is_server, struct anom_set *a)
{
	const struct x509_cert *leaf;
	json_t *arr, *leafobj;
	int rc = 0;

	if (!side)
		return -1;
	if (!chain || n == 0 || !chain[0])
		return 0;
	leaf = chain[0];

	leafobj = x509_obj(leaf, a);
	if (!leafobj || json_object_set_new(side, "x509", leafobj) != 0)
		rc = -1;
	if (ju_set(side, "hash.sha1", json_string(leaf->sha1_hex)) != 0 ||
	    ju_set(side, "hash.sha256", json_string(leaf->sha256_hex)) != 0)
		rc = -1;
	if (leaf->subject.present)
		json_object_set_new(side, "subject",
				    ju_wire_str(leaf->subject.dn.p, leaf->subject.dn.n, a));
	if (leaf->issuer.present)
		json_object_set_new(side, "issuer",
				    ju_wire_str(leaf->issuer.dn.p, leaf->issuer.dn.n, a));
	if (leaf->validity_ok) {
		json_object_set_new(side, "not_before", time_secs(leaf->not_before));
		json_object_set_new(side, "not_after", time_secs(leaf->not_after));
	}

	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (chain[i])
			json_array_append_new(arr, x509_obj(chain[i], a));
	if (!arr || json_object_set_new(side, "chain", arr) != 0)
		rc = -1;

	if (ctx && ctx->cfg.emit_chain_der) {
		json_t *der = json_array();
		for (size_t i = 0; der && i < n; i++) {
			size_t cap;
			char *b;
			if (!chain[i])
				continue;
			cap = 4 * ((chain[i]->der_len + 2) / 3) + 1;
			b = malloc(cap);
			if (!b)
				continue;
			dig_base64(chain[i]->der, chain[i]->der_len, b, cap);
			json_array_append_new(der, json_string(b));
			free(b);
		}
		if (!der || json_object_set_new(side, "certificate_chain", der) != 0)
			rc = -1;
	}

	if (ctx && ctx->cfg.certs_dir)
		for (size_t i = 0; i < n; i++)
			if (chain[i])
				write_der(ctx->cfg.certs_dir, chain[i], a);

	if (is_server && ctx && ctx->x509) {
		struct x509_validation v;
		if (x509_validate(ctx->x509, chain, n, sni, sni_len, has_sni, ts_ns, &v) == 0) {
			json_t *vo = validation_obj(&v);
			if (!vo || json_object_set_new(side, "validation", vo) != 0)
				rc = -1;
		}
	}
	return rc;
}
