/*
 * tls_retry.c - what a second ClientHello changed (see tls_retry.h).
 * Pure comparison of two decoded hellos; reads no wire bytes.
 */
#include "tls_retry.h"

#include <stdbool.h>
#include <string.h>

static const char *const names[TLS_RETRY_COUNT] = {
	[TLS_RETRY_VERSION] = "version",
	[TLS_RETRY_RANDOM] = "random",
	[TLS_RETRY_SESSION_ID] = "session_id",
	[TLS_RETRY_CIPHERS] = "cipher_suites",
	[TLS_RETRY_COMPRESSION] = "compression_methods",
	[TLS_RETRY_SERVER_NAME] = "server_name",
	[TLS_RETRY_ALPN] = "alpn",
	[TLS_RETRY_VERSIONS] = "supported_versions",
	[TLS_RETRY_GROUPS] = "supported_groups",
	[TLS_RETRY_SIGALGS] = "signature_algorithms",
	[TLS_RETRY_EXTENSIONS] = "extensions",
};

const char *tls_retry_name(unsigned field)
{
	return field < TLS_RETRY_COUNT ? names[field] : NULL;
}

static bool same_u16(const uint16_t *a, uint16_t na, uint16_t ta, const uint16_t *b, uint16_t nb,
		     uint16_t tb)
{
	return na == nb && ta == tb && memcmp(a, b, na * sizeof *a) == 0;
}

/* Extensions a retried hello may add, drop or change (RFC 8446 4.1.2):
 * padding, pre_shared_key, early_data, cookie, key_share, ECH. */
static bool may_change(uint16_t ext)
{
	return ext == 21 || ext == 41 || ext == 42 || ext == 44 || ext == 51 || ext == 0xfe0d;
}

/* The extension lists without the codes that may change, in wire order. */
static bool same_exts(const struct tls_client_hello *a, const struct tls_client_hello *b)
{
	uint16_t i = 0, j = 0;

	if (a->n_exts_total != a->n_exts || b->n_exts_total != b->n_exts)
		return a->n_exts_total == b->n_exts_total;   /* truncated: the counts */
	for (;;) {
		while (i < a->n_exts && may_change(a->exts[i]))
			i++;
		while (j < b->n_exts && may_change(b->exts[j]))
			j++;
		if (i == a->n_exts || j == b->n_exts)
			return i == a->n_exts && j == b->n_exts;
		if (a->exts[i++] != b->exts[j++])
			return false;
	}
}

static bool same_alpn(const struct tls_alpn_list *a, const struct tls_alpn_list *b)
{
	if (a->n != b->n || a->n_total != b->n_total)
		return false;
	for (uint16_t i = 0; i < a->n; i++)
		if (a->len[i] != b->len[i] ||
		    memcmp(a->buf + a->off[i], b->buf + b->off[i], a->len[i]) != 0)
			return false;
	return true;
}

uint32_t tls_retry_changes(const struct tls_client_hello *a, const struct tls_client_hello *b)
{
	uint32_t m = 0;

	if (a->legacy_version != b->legacy_version)
		m |= 1u << TLS_RETRY_VERSION;
	if (memcmp(a->random, b->random, sizeof a->random) != 0)
		m |= 1u << TLS_RETRY_RANDOM;
	if (a->session_id_len != b->session_id_len ||
	    memcmp(a->session_id, b->session_id, a->session_id_len) != 0)
		m |= 1u << TLS_RETRY_SESSION_ID;
	if (!same_u16(a->ciphers, a->n_ciphers, a->n_ciphers_total, b->ciphers, b->n_ciphers,
		      b->n_ciphers_total))
		m |= 1u << TLS_RETRY_CIPHERS;
	if (a->n_comp != b->n_comp || a->n_comp_total != b->n_comp_total ||
	    memcmp(a->comp, b->comp, a->n_comp) != 0)
		m |= 1u << TLS_RETRY_COMPRESSION;
	if (a->has_sni != b->has_sni || a->sni_len != b->sni_len ||
	    a->sni_truncated != b->sni_truncated || memcmp(a->sni, b->sni, a->sni_len) != 0)
		m |= 1u << TLS_RETRY_SERVER_NAME;
	if (a->has_alpn != b->has_alpn || !same_alpn(&a->alpn, &b->alpn))
		m |= 1u << TLS_RETRY_ALPN;
	if (!same_u16(a->versions, a->n_versions, a->n_versions_total, b->versions, b->n_versions,
		      b->n_versions_total))
		m |= 1u << TLS_RETRY_VERSIONS;
	if (!same_u16(a->groups, a->n_groups, a->n_groups_total, b->groups, b->n_groups,
		      b->n_groups_total))
		m |= 1u << TLS_RETRY_GROUPS;
	if (!same_u16(a->sigalgs, a->n_sigalgs, a->n_sigalgs_total, b->sigalgs, b->n_sigalgs,
		      b->n_sigalgs_total))
		m |= 1u << TLS_RETRY_SIGALGS;
	if (!same_exts(a, b))
		m |= 1u << TLS_RETRY_EXTENSIONS;
	return m;
}
