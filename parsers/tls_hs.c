/*
 * tls_hs.c - TLS handshake message parsers.
 *
 * RFC 8446 4.1.2 ClientHello, 4.1.3 ServerHello (and HelloRetryRequest),
 * 4.2 extensions, 4.4.2 Certificate, 4.6.1 NewSessionTicket; RFC 5246 7.4
 * (TLS 1.2 messages); RFC 8422 5.4 ServerKeyExchange (ECDHE); RFC 6066 8
 * CertificateStatus; RFC 5077 3.3 NewSessionTicket (TLS <= 1.2).
 *
 *     ClientHello:
 *     +---------+--------+-------+===========+==========+======+==========+
 *     | version | random | sid<> | cookie<>  | suites<> | cm<> | exts<>   |
 *     |  u16    |   32   |  v8   | v8 (DTLS) |   v16    |  v8  |  v16     |
 *     +---------+--------+-------+===========+==========+======+==========+
 *     extension: | type u16 | data v16 |
 *
 * Every read goes through the cursor; a damaged extension is skipped using
 * the checked length of its own vector, so the remaining ones still count.
 */
#include "tls_hs.h"

#include <stddef.h>
#include <string.h>

#include "cursor.h"

/* SHA-256("HelloRetryRequest"), RFC 8446 4.1.3. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* RFC 8446 4.1.3 downgrade sentinels, "DOWNGRD" + 01 / 00. */
static const uint8_t downgrd[7] = { 0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44 };

enum tls_status tls_hs_header(const uint8_t *p, size_t n, uint8_t *type, uint32_t *len)
{
	struct cur c = cur_make(p, n);

	if (!cur_u8(&c, type) || !cur_u24(&c, len))
		return TLS_NEED_MORE;
	return TLS_OK;
}

/* A list of u16 codes (a vector body) into out[max]; counts all. */
static void u16_list(struct cur *v, uint16_t *out, uint16_t max, uint16_t *n,
		     uint16_t *total, struct anom_set *a)
{
	uint16_t x;
	unsigned cnt = 0;

	*n = 0;
	while (cur_u16(v, &x)) {
		if (*n < max)
			out[(*n)++] = x;
		cnt++;
	}
	*total = (uint16_t)(cnt > 0xffff ? 0xffff : cnt);
	if (cnt > max)
		anom_add(a, "list_truncated");
	if (!cur_empty(v))
		anom_add(a, "bad_vector_length");
}

static void u8_list(struct cur *v, uint8_t *out, uint16_t max, uint16_t *n,
		    uint16_t *total, struct anom_set *a)
{
	uint8_t x;
	unsigned cnt = 0;

	*n = 0;
	while (cur_u8(v, &x)) {
		if (*n < max)
			out[(*n)++] = x;
		cnt++;
	}
	if (total)
		*total = (uint16_t)cnt;
	if (cnt > max)
		anom_add(a, "list_truncated");
}

/* ALPN ProtocolNameList (RFC 7301 3.1).  A repeated extension (already
 * flagged duplicate_extension) replaces the list, as for the other lists. */
static int alpn_list(struct cur *body, struct tls_alpn_list *l, struct anom_set *a)
{
	struct cur list, name;
	unsigned total = 0;
	size_t used = 0;

	l->n = 0;
	if (!cur_vec16(body, &list)) {
		anom_add(a, "bad_vector_length");
		return -1;
	}
	while (!cur_empty(&list)) {
		if (!cur_vec8(&list, &name)) {
			anom_add(a, "bad_vector_length");
			return -1;
		}
		if (name.left == 0)
			anom_add(a, "empty_alpn");
		total++;
		if (l->n < TLS_MAX_ALPN && used + name.left <= TLS_ALPN_BUF) {
			memcpy(l->buf + used, name.p, name.left);
			l->off[l->n] = (uint16_t)used;
			l->len[l->n] = (uint8_t)name.left;
			used += name.left;
			l->n++;
		} else {
			anom_add(a, "list_truncated");
		}
	}
	l->n_total = (uint16_t)(total > 0xffff ? 0xffff : total);
	return 0;
}

/* server_name (RFC 6066 3): the first host_name entry. */
static void sni_ext(struct cur *body, struct tls_client_hello *ch, struct anom_set *a)
{
	struct cur list, name;
	uint8_t type;

	ch->has_sni = true;
	if (cur_empty(body)) {
		/* Empty extension data is a ServerHello's acknowledgement; a
		 * ClientHello must send a non-empty list (RFC 6066 3). */
		anom_add(a, "invalid_sni");
		return;
	}
	if (!cur_vec16(body, &list)) {
		anom_add(a, "invalid_sni");
		return;
	}
	while (!cur_empty(&list)) {
		if (!cur_u8(&list, &type) || !cur_vec16(&list, &name)) {
			anom_add(a, "invalid_sni");
			return;
		}
		if (type != 0 || ch->sni_len || ch->sni_truncated)
			continue;
		if (name.left == 0) {
			anom_add(a, "invalid_sni");
			continue;
		}
		if (name.left > TLS_MAX_SNI) {
			ch->sni_truncated = true;
			anom_add(a, "sni_too_long");
		}
		ch->sni_len = (uint16_t)(name.left > TLS_MAX_SNI ? TLS_MAX_SNI : name.left);
		memcpy(ch->sni, name.p, ch->sni_len);
		for (size_t i = 0; i < ch->sni_len; i++)
			if (ch->sni[i] == 0) {
				anom_add(a, "invalid_sni");
				break;
			}
	}
}

static void key_share_ch(struct cur *body, struct tls_client_hello *ch, struct anom_set *a)
{
	struct cur list, kx;
	uint16_t g;
	unsigned total = 0;

	ch->n_keyshares = 0;   /* a repeated extension replaces the list */
	if (!cur_vec16(body, &list)) {
		anom_add(a, "bad_vector_length");
		return;
	}
	while (!cur_empty(&list)) {
		if (!cur_u16(&list, &g) || !cur_vec16(&list, &kx)) {
			anom_add(a, "bad_vector_length");
			break;
		}
		if (ch->n_keyshares < TLS_MAX_KEYSHARES)
			ch->keyshares[ch->n_keyshares++] = g;
		else
			anom_add(a, "list_truncated");
		total++;
	}
	ch->n_keyshares_total = (uint16_t)(total > 0xffff ? 0xffff : total);
}

static void psk_ch(struct cur *body, struct tls_client_hello *ch, struct anom_set *a)
{
	struct cur ids, id;
	uint32_t age;
	unsigned n = 0;

	ch->has_psk = true;
	if (!cur_vec16(body, &ids)) {
		anom_add(a, "bad_vector_length");
		return;
	}
	while (!cur_empty(&ids)) {
		if (!cur_vec16(&ids, &id) || !cur_u32(&ids, &age)) {
			anom_add(a, "bad_vector_length");
			break;
		}
		n++;
	}
	ch->psk_identities = (uint16_t)(n > 0xffff ? 0xffff : n);
	if (!cur_vec16(body, &ids))   /* binders */
		anom_add(a, "bad_vector_length");
}

static void ech_ext(struct cur *body, struct tls_ech_info *e, struct anom_set *a)
{
	struct cur enc, payload;

	e->present = true;
	if (!cur_u8(body, &e->type)) {
		anom_add(a, "invalid_ech");
		return;
	}
	if (e->type != 0)
		return;   /* inner: an empty body by definition */
	if (!cur_u16(body, &e->kdf_id) || !cur_u16(body, &e->aead_id) ||
	    !cur_u8(body, &e->config_id) || !cur_vec16(body, &enc) ||
	    !cur_vec16(body, &payload)) {
		anom_add(a, "invalid_ech");
		return;
	}
	e->enc_len = (uint16_t)enc.left;
	e->payload_len = (uint16_t)payload.left;
}

/* Whether code was already seen among the first n stored extensions. */
/* QUIC transport parameters: kept raw (bounded) for quic_tp.c, which knows
 * the version-dependent encoding.  A hello may carry both codepoints (the
 * drafts' and RFC 9001's): the RFC one is kept. */
static void quic_tp_ext(uint16_t type, struct cur *body, struct tls_client_hello *ch,
			struct anom_set *a)
{
	size_t n = body->left;

	if (ch->quic_tp_ext == 0x39 || (ch->quic_tp_ext && type != 0x39)) {
		cur_skip(body, body->left);
		return;
	}
	ch->quic_tp_ext = type;
	ch->quic_tp_truncated = false;
	if (n > TLS_QUIC_TP_BUF) {
		ch->quic_tp_truncated = true;
		anom_add(a, "list_truncated");
		n = TLS_QUIC_TP_BUF;
	}
	cur_copy(body, ch->quic_tp, n);
	ch->quic_tp_len = (uint16_t)n;
	cur_skip(body, body->left);
}

static bool seen_ext(const uint16_t *exts, uint16_t n, uint16_t code)
{
	for (uint16_t i = 0; i < n; i++)
		if (exts[i] == code)
			return true;
	return false;
}

/* A list extension: a vector (16-bit length when len16, else 8-bit) of
 * 16-bit codes into out (max, *n kept, *n_total seen). */
static void ext_list16(struct cur *body, bool len16, uint16_t *out, uint16_t max, uint16_t *n,
		       uint16_t *n_total, struct anom_set *a)
{
	struct cur v;

	if (len16 ? cur_vec16(body, &v) : cur_vec8(body, &v))
		u16_list(&v, out, max, n, n_total, a);
	else
		anom_add(a, "bad_vector_length");
}

/* The same with 8-bit codes, in a vector with an 8-bit length. */
static void ext_list8(struct cur *body, uint8_t *out, uint16_t max, uint16_t *n,
		      uint16_t *n_total, struct anom_set *a)
{
	struct cur v;

	if (cur_vec8(body, &v))
		u8_list(&v, out, max, n, n_total, a);
	else
		anom_add(a, "bad_vector_length");
}

/* The ClientHello extensions that are lists of codes; false for others. */
static bool ch_list_extension(uint16_t type, struct cur *body, struct tls_client_hello *ch,
			      struct anom_set *a)
{
	uint16_t total;
	const struct {
		uint16_t type;
		bool len16;             /* the vector's length: 16 or 8 bits */
		uint16_t *out, max, *n, *n_total;
	} l16[] = {
		{ 10, true, ch->groups, TLS_MAX_GROUPS, &ch->n_groups, &ch->n_groups_total },
		{ 13, true, ch->sigalgs, TLS_MAX_SIGALGS, &ch->n_sigalgs, &ch->n_sigalgs_total },
		{ 27, false, ch->cert_compression, TLS_MAX_MISC, &ch->n_cert_compression, &total },
		{ 43, false, ch->versions, TLS_MAX_VERSIONS, &ch->n_versions, &ch->n_versions_total },
		{ 50, true, ch->sigalgs_cert, TLS_MAX_SIGALGS, &ch->n_sigalgs_cert,
		  &ch->n_sigalgs_cert_total },
	};

	for (size_t i = 0; i < sizeof l16 / sizeof l16[0]; i++)
		if (l16[i].type == type) {
			ext_list16(body, l16[i].len16, l16[i].out, l16[i].max, l16[i].n,
				   l16[i].n_total, a);
			return true;
		}
	if (type == 11)
		ext_list8(body, ch->ptfmts, TLS_MAX_PTFMTS, &ch->n_ptfmts, &ch->n_ptfmts_total, a);
	else if (type == 45)
		ext_list8(body, ch->psk_modes, TLS_MAX_MISC, &ch->n_psk_modes, &total, a);
	else
		return false;
	return true;
}

/* The ClientHello extensions whose presence (and size) is what counts;
 * false for others. */
static bool ch_flag_extension(uint16_t type, struct cur *body, struct tls_client_hello *ch,
			      struct anom_set *a)
{
	switch (type) {
	case 5:
		ch->has_status_request = true;
		cur_skip(body, body->left);   /* OCSP responder ids, extensions */
		return true;
	case 21:
		ch->has_padding = true;
		ch->padding_len = (uint16_t)body->left;
		cur_skip(body, body->left);
		return true;
	case 22:
		ch->has_etm = true;
		return true;
	case 23:
		ch->has_ems = true;
		return true;
	case 35:
		ch->has_ticket_ext = true;
		ch->ticket_len = (uint16_t)body->left;
		cur_skip(body, body->left);
		return true;
	case 42:
		ch->has_early_data = true;
		if (!cur_empty(body))
			anom_add(a, "extension_trailing_bytes");
		cur_skip(body, body->left);
		return true;
	case 44:
		ch->has_cookie = true;
		cur_skip(body, body->left);
		return true;
	case 49:
		ch->has_post_handshake_auth = true;
		return true;
	}
	return false;
}

static void ch_extension(uint16_t type, struct cur *body, struct tls_client_hello *ch,
			 struct anom_set *a)
{
	struct cur v;
	uint16_t x;

	if (ch_list_extension(type, body, ch, a) || ch_flag_extension(type, body, ch, a))
		return;
	switch (type) {
	case 0:
		sni_ext(body, ch, a);
		break;
	case 16:
		ch->has_alpn = true;
		alpn_list(body, &ch->alpn, a);
		break;
	case 17513:
	case 17613:
		alpn_list(body, &ch->alps, a);
		break;
	case 28:
		if (cur_u16(body, &x)) {
			ch->has_record_size_limit = true;
			ch->record_size_limit = x;
		} else
			anom_add(a, "bad_vector_length");
		break;
	case 41:
		psk_ch(body, ch, a);
		break;
	case 40:   /* key_share in TLS 1.3 drafts before 23 */
	case 51:
		key_share_ch(body, ch, a);
		break;
	case 0xfe0d:
		ech_ext(body, &ch->ech, a);
		break;
	case 0x39:
	case 0xffa5:
		quic_tp_ext(type, body, ch, a);
		break;
	case 0xff01:
		ch->has_reneg = true;
		if (!cur_vec8(body, &v))   /* renegotiated_connection */
			anom_add(a, "bad_vector_length");
		break;
	default:
		cur_skip(body, body->left);   /* unknown: the code is kept, the body not */
		break;
	}
}

/* The extensions block shared by both hellos: codes in wire order, each
 * body handed to `each`.  Returns -1 if the block itself is broken. */
static int extensions(struct cur *c, uint16_t *exts, uint16_t *n, uint16_t *n_total,
		      struct anom_set *a,
		      void (*each)(uint16_t, struct cur *, void *, struct anom_set *), void *arg)
{
	struct cur block, body;
	uint16_t type;
	unsigned total = 0;
	int rc = 0;

	if (cur_empty(c))
		return 0;   /* no extensions at all (SSL 3.0 style) */
	if (!cur_vec16(c, &block)) {
		anom_add(a, "extension_length_mismatch");
		return -1;
	}
	while (!cur_empty(&block)) {
		if (!cur_u16(&block, &type) || !cur_vec16(&block, &body)) {
			anom_add(a, "extension_length_mismatch");
			rc = -1;
			break;
		}
		if (seen_ext(exts, *n, type))
			anom_add(a, "duplicate_extension");
		if (*n < TLS_MAX_EXTS)
			exts[(*n)++] = type;
		else
			anom_add(a, "list_truncated");
		total++;
		each(type, &body, arg, a);
		if (!cur_empty(&body))
			anom_add(a, "extension_trailing_bytes");
	}
	*n_total = (uint16_t)(total > 0xffff ? 0xffff : total);
	if (!cur_empty(c)) {
		anom_add(a, "trailing_bytes");
		rc = -1;
	}
	return rc;
}

static void ch_each(uint16_t type, struct cur *body, void *arg, struct anom_set *a)
{
	ch_extension(type, body, arg, a);
}

int tls_parse_client_hello(const uint8_t *body, size_t len, struct tls_client_hello *ch,
			   struct anom_set *a)
{
	struct cur c = cur_make(body, len), sid, suites, comp, cookie = { NULL, 0 };
	uint16_t total;

	if (!cur_u16(&c, &ch->legacy_version) || !cur_copy(&c, ch->random, 32) ||
	    !cur_vec8(&c, &sid) || sid.left > 32 || (ch->dtls && !cur_vec8(&c, &cookie))) {
		anom_add(a, "hello_truncated");
		return -1;
	}
	ch->session_id_len = (uint8_t)sid.left;
	cur_copy(&sid, ch->session_id, sid.left);
	if (ch->dtls)
		ch->cookie_len = (uint8_t)cookie.left;
	if (!cur_vec16(&c, &suites) || suites.left % 2) {
		anom_add(a, "hello_truncated");
		return -1;
	}
	if (suites.left == 0)
		anom_add(a, "zero_length_cipher_list");
	u16_list(&suites, ch->ciphers, TLS_MAX_CIPHERS, &ch->n_ciphers, &ch->n_ciphers_total, a);
	if (!cur_vec8(&c, &comp)) {
		anom_add(a, "hello_truncated");
		return -1;
	}
	u8_list(&comp, ch->comp, TLS_MAX_COMP, &ch->n_comp, &total, a);
	ch->n_comp_total = total;
	return extensions(&c, ch->exts, &ch->n_exts, &ch->n_exts_total, a, ch_each, ch);
}

void tls_scan_client_hello(const uint8_t *body, size_t len, struct tls_ch_brief *b)
{
	struct cur c = cur_make(body, len), v, block, ext;
	struct anom_set ignored = { .n = 0 };
	uint16_t type, total;

	b->has_early_data = false;
	b->n_versions = 0;
	/* tls_parse_client_hello's steps up to the extensions, lists skipped */
	if (!cur_skip(&c, 2 + 32) || !cur_vec8(&c, &v) || v.left > 32 || !cur_vec16(&c, &v) ||
	    v.left % 2 || !cur_vec8(&c, &v) || cur_empty(&c) || !cur_vec16(&c, &block))
		return;
	/* extensions()'s walk: every extension up to the first broken one */
	while (cur_u16(&block, &type) && cur_vec16(&block, &ext)) {
		if (type == 42)
			b->has_early_data = true;
		else if (type == 43)
			ext_list16(&ext, false, b->versions, TLS_MAX_VERSIONS, &b->n_versions,
				   &total, &ignored);
	}
}

size_t tls_scan_session_id(const uint8_t *body, size_t len, const uint8_t **sid)
{
	struct cur c = cur_make(body, len), v;

	if (!cur_skip(&c, 2 + 32) || !cur_vec8(&c, &v) || v.left > 32)
		return 0;
	*sid = v.p;
	return v.left;
}

/*
 * SSLv2 CLIENT-HELLO:
 *     | type=1 | version u16 | cs_len u16 | sid_len u16 | chal_len u16 |
 *     | cipher specs (3 bytes each) | session id | challenge |
 */
int tls_parse_sslv2_client_hello(const uint8_t *body, size_t len,
				 struct tls_client_hello *ch, struct anom_set *a)
{
	struct cur c = cur_make(body, len), specs;
	uint8_t type, k0, k1, k2;
	uint16_t cs_len, sid_len, chal_len;
	unsigned total = 0;

	ch->sslv2 = true;
	if (!cur_u8(&c, &type) || type != 1 || !cur_u16(&c, &ch->legacy_version) ||
	    !cur_u16(&c, &cs_len) || !cur_u16(&c, &sid_len) || !cur_u16(&c, &chal_len) ||
	    !cur_sub(&c, cs_len, &specs) || cs_len % 3) {
		anom_add(a, "hello_truncated");
		return -1;
	}
	while (cur_u8(&specs, &k0) && cur_u8(&specs, &k1) && cur_u8(&specs, &k2)) {
		total++;
		if (k0 != 0)
			continue;   /* an SSLv2-only kind: counted, no TLS code */
		if (ch->n_ciphers < TLS_MAX_CIPHERS)
			ch->ciphers[ch->n_ciphers++] = (uint16_t)(k1 << 8 | k2);
		else
			anom_add(a, "list_truncated");
	}
	ch->n_ciphers_total = (uint16_t)(total > 0xffff ? 0xffff : total);
	if (sid_len > 32 || !cur_sub(&c, sid_len, &specs)) {
		anom_add(a, "hello_truncated");
		return -1;
	}
	ch->session_id_len = (uint8_t)sid_len;
	cur_copy(&specs, ch->session_id, sid_len);
	if (!cur_skip(&c, chal_len)) {
		anom_add(a, "hello_truncated");
		return -1;
	}
	if (!cur_empty(&c))
		anom_add(a, "trailing_bytes");
	return 0;
}

void tls_server_hello_clear(struct tls_server_hello *sh)
{
	const size_t exts = offsetof(struct tls_server_hello, exts),
		     after_exts = offsetof(struct tls_server_hello, n_exts),
		     alpn = offsetof(struct tls_server_hello, alpn),
		     after_alpn = alpn + sizeof sh->alpn;

	memset(sh, 0, exts);
	memset((uint8_t *)sh + after_exts, 0, alpn - after_exts);
	sh->alpn.n = sh->alpn.n_total = 0;
	memset((uint8_t *)sh + after_alpn, 0, sizeof *sh - after_alpn);
}

static void sh_extension(uint16_t type, struct cur *body, void *arg, struct anom_set *a)
{
	struct tls_server_hello *sh = arg;
	struct cur v;

	switch (type) {
	case 0:
		sh->has_sni_ack = true;
		break;
	case 5:
		sh->has_status_request = true;
		cur_skip(body, body->left);
		break;
	case 16:
		sh->has_alpn = true;
		alpn_list(body, &sh->alpn, a);
		if (sh->alpn.n_total != 1)
			anom_add(a, "invalid_alpn_selection");
		break;
	case 22:
		sh->has_etm = true;
		break;
	case 23:
		sh->has_ems = true;
		break;
	case 35:
		sh->has_ticket_ext = true;
		cur_skip(body, body->left);
		break;
	case 41:
		sh->has_psk = true;
		if (!cur_u16(body, &sh->psk_identity))
			anom_add(a, "bad_vector_length");
		break;
	case 43:
		if (!cur_u16(body, &sh->selected_version))
			anom_add(a, "bad_vector_length");
		break;
	case 40:   /* key_share in TLS 1.3 drafts before 23 */
	case 51:
		/* ServerHello: KeyShareEntry; HelloRetryRequest: just the group. */
		sh->has_key_share = true;
		if (!cur_u16(body, &sh->selected_group)) {
			anom_add(a, "bad_vector_length");
			break;
		}
		if (!sh->is_hrr && !cur_vec16(body, &v))
			anom_add(a, "bad_vector_length");
		break;
	case 0xff01:
		sh->has_reneg = true;
		cur_skip(body, body->left);
		break;
	default:
		cur_skip(body, body->left);
		break;
	}
}

int tls_parse_server_hello(const uint8_t *body, size_t len, struct tls_server_hello *sh,
			   struct anom_set *a)
{
	struct cur c = cur_make(body, len), sid;

	if (!cur_u16(&c, &sh->legacy_version) || !cur_copy(&c, sh->random, 32)) {
		anom_add(a, "hello_truncated");
		return -1;
	}
	sh->is_hrr = memcmp(sh->random, hrr_random, 32) == 0;
	if (memcmp(sh->random + 24, downgrd, 7) == 0) {
		if (sh->random[31] == 1)
			sh->downgrade = 12;
		else if (sh->random[31] == 0)
			sh->downgrade = 11;
	}
	/* TLS 1.3 drafts before 22 had no session id or compression; their
	 * ServerHello carried 0x7f<draft>, or 0x0304 itself in early drafts. */
	if (sh->legacy_version == 0x0304 ||
	    ((sh->legacy_version >> 8) == 0x7f && (sh->legacy_version & 0xff) < 22)) {
		if (!cur_u16(&c, &sh->cipher)) {
			anom_add(a, "hello_truncated");
			return -1;
		}
		sh->selected_version = sh->legacy_version;
		return extensions(&c, sh->exts, &sh->n_exts, &sh->n_exts_total, a, sh_extension, sh);
	}
	if (!cur_vec8(&c, &sid) || sid.left > 32 || !cur_u16(&c, &sh->cipher) ||
	    !cur_u8(&c, &sh->compression)) {
		anom_add(a, "hello_truncated");
		return -1;
	}
	sh->session_id_len = (uint8_t)sid.left;
	cur_copy(&sid, sh->session_id, sid.left);
	return extensions(&c, sh->exts, &sh->n_exts, &sh->n_exts_total, a, sh_extension, sh);
}

int tls_parse_encrypted_extensions(const uint8_t *body, size_t len,
				   struct tls_alpn_list *alpn, bool *has_alpn, bool *early_data,
				   struct anom_set *a)
{
	struct cur c = cur_make(body, len);
	/* A scratch ServerHello: only its ALPN is wanted, and the real
	 * ServerHello's extension list (JA3S, JA4S) stays as it was. */
	static _Thread_local struct tls_server_hello ee;
	int rc;

	memset(&ee, 0, sizeof ee);
	*has_alpn = *early_data = false;
	if (cur_empty(&c)) {
		anom_add(a, "extension_length_mismatch");
		return -1;
	}
	rc = extensions(&c, ee.exts, &ee.n_exts, &ee.n_exts_total, a, sh_extension, &ee);
	for (uint16_t i = 0; i < ee.n_exts; i++)
		*early_data |= ee.exts[i] == 42;
	*has_alpn = ee.has_alpn;
	if (ee.has_alpn)
		*alpn = ee.alpn;
	return rc;
}

int tls_parse_certificate(const uint8_t *body, size_t len, bool tls13,
			  struct tls_cert_ref *certs, size_t max, size_t *n, size_t *n_total,
			  struct anom_set *a)
{
	struct cur c = cur_make(body, len), ctx, list, der, ext;
	int rc = 0;

	*n = 0;
	*n_total = 0;
	if (tls13 && !cur_vec8(&c, &ctx)) {
		anom_add(a, "certificate_malformed");
		return -1;
	}
	if (!cur_vec24(&c, &list)) {
		anom_add(a, "certificate_malformed");
		return -1;
	}
	while (!cur_empty(&list)) {
		if (!cur_vec24(&list, &der) || (tls13 && !cur_vec16(&list, &ext))) {
			anom_add(a, "certificate_malformed");
			rc = -1;
			break;
		}
		if (*n < max) {
			certs[*n].der = der.p;
			certs[*n].len = (uint32_t)der.left;
			(*n)++;
		}
		(*n_total)++;
	}
	if (!cur_empty(&c)) {
		anom_add(a, "trailing_bytes");
		rc = -1;
	}
	return rc;
}

/* Bits of a big-endian unsigned integer, leading zero bits excluded. */
static uint32_t int_bits(const uint8_t *p, size_t n)
{
	size_t i = 0;
	uint32_t bits;

	while (i < n && p[i] == 0)
		i++;
	if (i == n)
		return 0;
	bits = (uint32_t)((n - i) * 8);
	for (uint8_t b = p[i]; !(b & 0x80); b = (uint8_t)(b << 1))
		bits--;
	return bits;
}

static bool kx_is(const char *kx, const char *name)
{
	return kx && strcmp(kx, name) == 0;
}

static bool kx_has_psk_hint(const char *kx)
{
	return kx_is(kx, "psk") || kx_is(kx, "dhe_psk") || kx_is(kx, "ecdhe_psk") ||
	       kx_is(kx, "rsa_psk");
}

int tls_parse_server_key_exchange(const uint8_t *body, size_t len, const char *kx,
				  uint16_t version, struct tls_ske *ske, struct anom_set *a)
{
	struct cur c = cur_make(body, len), v, pp, gg, ys;
	bool signed_kx;

	memset(ske, 0, sizeof *ske);
	if (kx_has_psk_hint(kx) && !cur_vec16(&c, &v))
		goto bad;
	if (kx_is(kx, "ecdhe") || kx_is(kx, "ecdhe_psk") || kx_is(kx, "ecdh_anon")) {
		if (!cur_u8(&c, &ske->curve_type))
			goto bad;
		if (ske->curve_type == 3) {
			if (!cur_u16(&c, &ske->group))
				goto bad;
			ske->has_group = true;
		} else {
			anom_add(a, "explicit_curve");
			return 0;   /* explicit curve parameters: not analysed further */
		}
		if (!cur_vec8(&c, &v))
			goto bad;
	} else if (kx_is(kx, "dhe") || kx_is(kx, "dhe_psk") || kx_is(kx, "dh_anon")) {
		if (!cur_vec16(&c, &pp) || !cur_vec16(&c, &gg) || !cur_vec16(&c, &ys))
			goto bad;
		ske->dh_bits = int_bits(pp.p, pp.left);
	} else if (kx_is(kx, "rsa")) {
		/* RSA_EXPORT: a temporary RSA key (modulus, exponent). */
		if (!cur_vec16(&c, &pp) || !cur_vec16(&c, &gg))
			goto bad;
	} else if (kx_is(kx, "psk") || kx_is(kx, "rsa_psk")) {
		return cur_empty(&c) ? 0 : (anom_add(a, "trailing_bytes"), -1);
	} else {
		return 0;   /* SRP, GOST, ...: shape not checked */
	}
	signed_kx = !(kx_is(kx, "dh_anon") || kx_is(kx, "ecdh_anon") || kx_has_psk_hint(kx));
	if (signed_kx) {
		if (version >= 0x0303) {
			if (!cur_u16(&c, &ske->sigalg))
				goto bad;
			ske->has_sigalg = true;
		}
		if (!cur_vec16(&c, &v))
			goto bad;
		ske->sig_len = (uint16_t)v.left;
	}
	if (!cur_empty(&c)) {
		anom_add(a, "trailing_bytes");
		return -1;
	}
	return 0;
bad:
	anom_add(a, "server_key_exchange_malformed");
	return -1;
}

/* The DistinguishedName list of certificate_authorities (both layouts). */
static bool cr_authorities(struct cur *cas, struct tls_cert_request *cr)
{
	struct cur dn;
	unsigned n = 0;

	while (!cur_empty(cas)) {
		if (!cur_vec16(cas, &dn))
			return false;
		if (cr->n_authorities < TLS_MAX_AUTHORITIES) {
			cr->authorities[cr->n_authorities].der = dn.p;
			cr->authorities[cr->n_authorities].len = (uint32_t)dn.left;
			cr->n_authorities++;
		}
		n++;
	}
	cr->n_authorities_total = (uint16_t)(n > 0xffff ? 0xffff : n);
	return true;
}

/* RFC 8446 4.3.2: certificate_request_context<0..2^8-1>,
 * extensions<2..2^16-1> with signature_algorithms (13) and
 * certificate_authorities (47). */
static void cr13_extension(uint16_t type, struct cur *body, void *arg, struct anom_set *a)
{
	struct tls_cert_request *cr = arg;
	struct cur v;
	uint16_t total;

	if (type == 13 && cur_vec16(body, &v)) {
		u16_list(&v, cr->sigalgs, TLS_MAX_SIGALGS, &cr->n_sigalgs, &total, a);
	} else if (type == 47 && cur_vec16(body, &v)) {
		if (!cr_authorities(&v, cr))
			anom_add(a, "certificate_request_malformed");
	} else {
		cur_skip(body, body->left);
	}
}

static int cert_request13(struct cur *c, struct tls_cert_request *cr, struct anom_set *a)
{
	struct cur ctx;
	uint16_t exts[TLS_MAX_EXTS], n = 0, total = 0;

	if (!cur_vec8(c, &ctx) || cur_empty(c)) {
		anom_add(a, "certificate_request_malformed");
		return -1;
	}
	return extensions(c, exts, &n, &total, a, cr13_extension, cr);
}

int tls_parse_certificate_request(const uint8_t *body, size_t len, uint16_t version,
				  struct tls_cert_request *cr, struct anom_set *a)
{
	struct cur c = cur_make(body, len), types, sigs, cas;
	uint16_t total;

	memset(cr, 0, sizeof *cr);
	if (version == 0x0304 || (version >> 8) == 0x7f)
		return cert_request13(&c, cr, a);
	if (!cur_vec8(&c, &types))
		goto bad;
	u8_list(&types, cr->types, TLS_MAX_CERT_TYPES, &cr->n_types, &total, a);
	if (version >= 0x0303) {
		if (!cur_vec16(&c, &sigs))
			goto bad;
		u16_list(&sigs, cr->sigalgs, TLS_MAX_SIGALGS, &cr->n_sigalgs, &total, a);
	}
	if (!cur_vec16(&c, &cas) || !cr_authorities(&cas, cr))
		goto bad;
	if (!cur_empty(&c)) {
		anom_add(a, "trailing_bytes");
		return -1;
	}
	return 0;
bad:
	anom_add(a, "certificate_request_malformed");
	return -1;
}

int tls_parse_certificate_verify(const uint8_t *body, size_t len, uint16_t version,
				 bool *has_sigalg, uint16_t *sigalg, struct anom_set *a)
{
	struct cur c = cur_make(body, len), sig;

	*has_sigalg = false;
	if (version >= 0x0303) {
		if (!cur_u16(&c, sigalg))
			goto bad;
		*has_sigalg = true;
	}
	if (!cur_vec16(&c, &sig) || !cur_empty(&c))
		goto bad;
	return 0;
bad:
	anom_add(a, "certificate_verify_malformed");
	return -1;
}

int tls_parse_new_session_ticket(const uint8_t *body, size_t len, bool tls13,
				 uint32_t *lifetime, uint16_t *ticket_len, struct anom_set *a)
{
	struct cur c = cur_make(body, len), nonce, ticket, ext;
	uint32_t age_add;

	if (!cur_u32(&c, lifetime))
		goto bad;
	if (tls13 && (!cur_u32(&c, &age_add) || !cur_vec8(&c, &nonce)))
		goto bad;
	if (!cur_vec16(&c, &ticket))
		goto bad;
	*ticket_len = (uint16_t)ticket.left;
	if (tls13 && !cur_vec16(&c, &ext))
		goto bad;
	if (!cur_empty(&c)) {
		anom_add(a, "trailing_bytes");
		return -1;
	}
	return 0;
bad:
	anom_add(a, "new_session_ticket_malformed");
	return -1;
}

int tls_parse_certificate_status(const uint8_t *body, size_t len, uint8_t *type,
				 uint32_t *resp_len, struct anom_set *a)
{
	struct cur c = cur_make(body, len), resp;

	if (!cur_u8(&c, type) || !cur_vec24(&c, &resp)) {
		anom_add(a, "certificate_status_malformed");
		return -1;
	}
	*resp_len = (uint32_t)resp.left;
	if (!cur_empty(&c)) {
		anom_add(a, "trailing_bytes");
		return -1;
	}
	return 0;
}

int tls_parse_client_key_exchange(const uint8_t *body, size_t len, const char *kx,
				  uint16_t version, struct anom_set *a)
{
	struct cur c = cur_make(body, len), v;
	bool ok = true;

	if (kx_has_psk_hint(kx) && !cur_vec16(&c, &v))
		ok = false;
	if (ok && (kx_is(kx, "ecdhe") || kx_is(kx, "ecdhe_psk") || kx_is(kx, "ecdh_anon") ||
		   kx_is(kx, "ecdh")))
		ok = cur_vec8(&c, &v) && cur_empty(&c);
	else if (ok && (kx_is(kx, "dhe") || kx_is(kx, "dhe_psk") || kx_is(kx, "dh_anon") ||
			kx_is(kx, "dh")))
		ok = cur_vec16(&c, &v) && cur_empty(&c);
	else if (ok && (kx_is(kx, "rsa") || kx_is(kx, "rsa_psk")))
		/* SSL 3.0 sends the encrypted premaster secret without a length. */
		ok = version == 0x0300 ? !cur_empty(&c) : (cur_vec16(&c, &v) && cur_empty(&c));
	else if (ok && kx_is(kx, "psk"))
		ok = cur_empty(&c);   /* only the identity (RFC 4279 2) */
	if (!ok) {
		anom_add(a, "client_key_exchange_malformed");
		return -1;
	}
	return 0;
}

int tls_parse_alert(const uint8_t *body, size_t len, uint8_t *level, uint8_t *desc)
{
	struct cur c = cur_make(body, len);

	if (len != 2 || !cur_u8(&c, level) || !cur_u8(&c, desc))
		return -1;
	return 0;
}
