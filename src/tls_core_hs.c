/*
 * tls_core_hs.c - the handshake core's messages: handshake bytes joined
 * into messages (RFC 8446 4, RFC 5246 7.4), each message parsed
 * (parsers/tls_hs.c) and its effect on the session, and the SSLv2
 * messages (draft-hickman-netscape-ssl-00).
 *
 *     +------+-----------+===============+------+-----------+====
 *     | type | length u24| body (length) | type | length u24| ...
 *     +------+-----------+===============+------+-----------+====
 *        ^ a message may span records, a record hold several messages
 *
 * Memory: a direction's buffer holds only bytes that arrived, at most
 * 4 + cfg.max_handshake_msg; a larger message is listed and skipped
 * (handshake_too_large).  The first ClientHello is parsed once and kept
 * packed (tls_hello_pack: its lists cut to their counts, a few hundred
 * bytes against the struct's 6 KiB; core_ch() unpacks it), and freed hello
 * structs are pooled.
 */
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "../parsers/cursor.h"
#include "../parsers/tls_names.h"
#include "../parsers/tls_retry.h"
#include "../parsers/x509.h"
#include "blkpool.h"
#include "mem.h"
#include "session_impl.h"
#include "tls_core.h"

bool core_offers_tls13(const struct tls_client_hello *ch)
{
	for (uint16_t i = 0; i < ch->n_versions; i++)
		if (sess_is_tls13(ch->versions[i]))
			return true;
	return false;
}

/* The second ClientHello (after a HelloRetryRequest or HelloVerifyRequest)
 * against the first: what it changed that it must not, and its server name
 * when that is one of them (the server answers the second; the record keeps
 * the first and names the switch). */
static void note_retry_changes(struct session *s, const struct tls_client_hello *ch2)
{
	s->retry_changes = tls_retry_changes(core_ch(s), ch2);
	if (!s->retry_changes)
		return;
	anom_add(&s->anom, "hello_retry_changed");
	if (!(s->retry_changes & (1u << TLS_RETRY_SERVER_NAME)))
		return;
	s->retry_sni_present = ch2->has_sni;
	if (!ch2->sni_len)
		return;
	s->retry_sni = malloc(ch2->sni_len);
	if (!s->retry_sni) {
		anom_add(&s->anom, "alloc_failed");
		return;
	}
	memcpy(s->retry_sni, ch2->sni, ch2->sni_len);
	s->retry_sni_len = ch2->sni_len;
	core_mem_add(s, ch2->sni_len);
}

/* Freed ClientHello, ServerHello and session structs and the first
 * blocks of handshake message lists, kept for the next sessions: each
 * took the allocator's slow path for each (the structs, at about 6, 2 and
 * 1 KiB, are above its per-thread cache, and sessions are freed a batch of
 * records at a time, more than that cache holds).  Up to 128 of each are
 * kept, but 32 ClientHello structs: those are parsed into one at a time
 * (the context's scratch). */
static const size_t pool_size[POOL_KINDS] = {
	[POOL_CH] = sizeof(struct tls_client_hello),
	[POOL_SH] = sizeof(struct tls_server_hello),
	[POOL_SESS] = sizeof(struct session),
	[POOL_MSGS] = POOL_MSGS_N * sizeof(struct sess_msg),
};

/* ... and all of them together at most a POOL_SHARE-th of the memory
 * budget (2 MiB by default; full, the kinds' bounds make 0.6 MB). */
#define POOL_SHARE 128u

static const uint32_t pool_max[POOL_KINDS] = {
	[POOL_CH] = 32, [POOL_SH] = 128, [POOL_SESS] = 128, [POOL_MSGS] = 128,
};

struct hello_pool {
	struct blkpool kind[POOL_KINDS];
	size_t bytes;                   /* what the kept blocks hold (mem.h) */
};

void *core_pool_get(struct tt_ctx *ctx, int kind)
{
	struct hello_pool *p = ctx->pool;

	if (!p)
		return malloc(pool_size[kind]);
	if (p->kind[kind].head)
		p->bytes -= mem_chunk(pool_size[kind]);
	return blkpool_get(&p->kind[kind], pool_size[kind]);
}

void core_pool_put(struct tt_ctx *ctx, int kind, void *x)
{
	struct hello_pool *p;

	if (!x)
		return;
	if (!ctx->pool)
		ctx->pool = calloc(1, sizeof *ctx->pool);
	p = ctx->pool;
	if (!p || p->bytes + mem_chunk(pool_size[kind]) > ctx->cfg.memcap / POOL_SHARE)
		free(x);
	else if (blkpool_put(&p->kind[kind], x, pool_max[kind]))
		p->bytes += mem_chunk(pool_size[kind]);
}

void tls_core_pool_trim(struct tt_ctx *ctx)
{
	struct hello_pool *p = ctx->pool;

	if (!p)
		return;
	for (int k = 0; k < POOL_KINDS; k++)
		blkpool_drain(&p->kind[k]);
	p->bytes = 0;
}

void tls_core_pool_free(struct tt_ctx *ctx)
{
	struct hello_pool *p = ctx->pool;

	free(ctx->ch_scratch);
	ctx->ch_scratch = NULL;
	ctx->ch_owner = NULL;
	if (!p)
		return;
	for (int k = 0; k < POOL_KINDS; k++)
		blkpool_drain(&p->kind[k]);
	free(p);
	ctx->pool = NULL;
}

size_t tls_core_pool_bytes(const struct tt_ctx *ctx)
{
	const struct hello_pool *p = ctx->pool;
	size_t scratch = ctx->ch_scratch ? mem_chunk(pool_size[POOL_CH]) : 0;

	if (!p)
		return scratch;
	return scratch + mem_chunk(sizeof *p) + p->bytes;
}

static void parse_client_hello(const struct session *s, const uint8_t *b, size_t n, bool sslv2,
			       struct tls_client_hello *ch, struct anom_set *a)
{
	memset(ch, 0, sizeof *ch);
	ch->dtls = s->dtls != NULL;
	ch->quic = s->quic != NULL;
	if (sslv2)
		tls_parse_sslv2_client_hello(b, n, ch, a);
	else
		tls_parse_client_hello(b, n, ch, a);
}

/* The first ClientHello stays with the session until its record is
 * written: packed (the parsed copy becomes the context's scratch, so that
 * core_ch() need not unpack it while it is there), else as the struct. */
static void keep_client_hello(struct session *s, struct tls_client_hello *ch)
{
	struct tt_ctx *ctx = s->ctx;
	size_t n = tls_hello_pack_size(ch);
	uint8_t *pack = malloc(n);

	if (!pack) {
		s->ch = ch;
		core_mem_add(s, sizeof *ch);
		return;
	}
	s->ch_pack_len = (uint32_t)tls_hello_pack(ch, pack);
	s->ch_pack = pack;
	core_mem_add(s, n);
	core_pool_put(ctx, POOL_CH, ctx->ch_scratch);
	ctx->ch_scratch = ch;
	ctx->ch_owner = s;
}

/* A plain TLS ClientHello (not DTLS, QUIC or SSLv2, no key log: those
 * read it at once) is kept as it came: the handshake needs only whether it
 * offers early data and TLS 1.3, scanned now, and the full parse waits for
 * the record (core_ch(), in the render thread when there is one).  Its
 * anomalies then take the place in the session's list they would have
 * had.  False (nothing kept) on ENOMEM. */
static bool keep_raw_hello(struct session *s, const uint8_t *b, size_t n)
{
	struct tls_ch_brief br;
	uint8_t *copy;

	if (n > UINT32_MAX)
		return false;
	if (!(copy = malloc(n ? n : 1)))
		return false;
	memcpy(copy, b, n);
	tls_scan_client_hello(b, n, &br);
	s->ch_pack = copy;
	s->ch_pack_len = (uint32_t)n;
	s->ch_raw = true;
	s->ch_anom_at = (uint8_t)s->anom.n;
	s->ch_early_data = br.has_early_data;
	s->ch_offers13 = false;
	for (uint16_t i = 0; i < br.n_versions; i++)
		s->ch_offers13 |= sess_is_tls13(br.versions[i]);
	core_mem_add(s, n);
	return true;
}

/* The kept bytes parsed into ch, their anomalies into *a. */
static void parse_raw_hello(const struct session *s, struct tls_client_hello *ch,
			    struct anom_set *a)
{
	memset(ch, 0, sizeof *ch);
	tls_parse_client_hello(s->ch_pack, s->ch_pack_len, ch, a);
}

void core_hello_settle(struct session *s)
{
	struct tt_ctx *ctx = s->ctx;
	struct anom_set a = { .n = 0 };

	if (!s->ch_raw || s->ch_anom_done)
		return;
	if (!ctx->ch_scratch && !(ctx->ch_scratch = core_pool_get(ctx, POOL_CH)))
		return;   /* core_ch() will find no memory either */
	parse_raw_hello(s, ctx->ch_scratch, &a);
	ctx->ch_owner = s;
	s->ch_anom_done = true;
	anom_insert(&s->anom, s->ch_anom_at, &a);
}

const struct tls_client_hello *core_ch(const struct session *s)
{
	struct tt_ctx *ctx = s->ctx;

	if (s->ch || !s->ch_pack)
		return s->ch;
	if (ctx->ch_owner == s)
		return ctx->ch_scratch;
	if (!ctx->ch_scratch && !(ctx->ch_scratch = core_pool_get(ctx, POOL_CH)))
		return NULL;
	if (s->ch_raw) {
		struct anom_set again = { .n = 0 };   /* core_hello_settle's to keep */
		parse_raw_hello(s, ctx->ch_scratch, &again);
	} else if (tls_hello_unpack(s->ch_pack, s->ch_pack_len, ctx->ch_scratch) < 0) {
		ctx->ch_owner = NULL;   /* cannot happen: our own pack */
		return NULL;
	}
	ctx->ch_owner = s;
	return ctx->ch_scratch;
}

static void on_client_hello(struct session *s, int dir, const uint8_t *b, size_t n, bool sslv2)
{
	struct tls_client_hello *ch;

	if (s->client < 0)
		s->client = dir;
	core_add_msg(s, dir, TLS_HS_CLIENT_HELLO);
	if (dir != s->client) {
		anom_add(&s->anom, "unexpected_message");
		return;
	}
	s->n_ch++;
	if (s->n_ch > 1 && !((s->hrr || s->hvr) && s->n_ch == 2 && !s->sh_seen)) {
		anom_add(&s->anom, "unexpected_message");
		return;
	}
	if (s->n_ch == 1 && !sslv2 && !s->dtls && !s->quic && !s->ctx->keylog &&
	    keep_raw_hello(s, b, n))
		return;
	/* The first ClientHello is kept (JA4 after HRR uses it); the second,
	 * after a HelloRetryRequest, is parsed only for its anomalies. */
	ch = core_pool_get(s->ctx, POOL_CH);
	if (!ch) {
		anom_add(&s->anom, "alloc_failed");
		return;
	}
	parse_client_hello(s, b, n, sslv2, ch, &s->anom);
	s->cookie_len = ch->cookie_len;
	if (s->n_ch == 2 && core_ch(s))
		note_retry_changes(s, ch);
	if (s->n_ch == 1 && !s->ch && !s->ch_pack) {
		s->ch_early_data = ch->has_early_data;
		s->ch_offers13 = core_offers_tls13(ch);
		keep_client_hello(s, ch);
	} else {
		core_pool_put(s->ctx, POOL_CH, ch);
	}
}

/* Whether the ServerHello echoes the kept ClientHello's session id (read
 * from the pack or the kept bytes: no parse for it). */
static bool same_session_id(const struct session *s, const struct tls_server_hello *sh)
{
	const struct tls_client_hello *ch;
	const uint8_t *sid;
	size_t len;

	if (!s->ch && s->ch_raw) {
		len = tls_scan_session_id(s->ch_pack, s->ch_pack_len, &sid);
	} else if (!s->ch && s->ch_pack) {
		len = tls_hello_packed_session_id(s->ch_pack, s->ch_pack_len, &sid);
	} else if ((ch = core_ch(s))) {
		sid = ch->session_id;
		len = ch->session_id_len;
	} else {
		return false;
	}
	return len == sh->session_id_len && memcmp(sid, sh->session_id, len) == 0;
}

static void on_server_hello(struct session *s, int dir, const uint8_t *b, size_t n)
{
	struct tls_server_hello *sh;
	int c;

	if (s->client < 0)
		s->client = !dir;
	c = s->client;
	if (dir == c || s->sh_seen || s->v2) {
		core_add_msg(s, dir, TLS_HS_SERVER_HELLO);
		anom_add(&s->anom, "unexpected_message");
		return;
	}
	if (!s->sh) {
		s->sh = core_pool_get(s->ctx, POOL_SH);
		if (s->sh)
			core_mem_add(s, sizeof *s->sh);
		if (!s->sh) {
			core_add_msg(s, dir, TLS_HS_SERVER_HELLO);
			anom_add(&s->anom, "alloc_failed");
			return;
		}
	}
	if (s->hrr && !s->hrr_sh) {
		/* Keep the HelloRetryRequest for JA3S/JA4S (the first
		 * ServerHello, as the reference implementations take it). */
		s->hrr_sh = core_pool_get(s->ctx, POOL_SH);
		if (s->hrr_sh) {
			memcpy(s->hrr_sh, s->sh, sizeof *s->hrr_sh);
			core_mem_add(s, sizeof *s->hrr_sh);
		}
	}
	sh = s->sh;
	tls_server_hello_clear(sh);
	sh->quic = s->quic != NULL;
	s->sh_bad = tls_parse_server_hello(b, n, sh, &s->anom) != 0;
	s->version = tls_sh_version(sh);
	if (s->dtls) {
		/* The rules below are TLS's: DTLS 1.2 is TLS 1.2 in datagrams. */
		s->dtls_version = s->version;
		s->version = dtls_tls_version(s->version);
	}
	if (sh->is_hrr) {
		core_add_msg(s, dir, SESS_MSG_HRR);
		if (s->hrr)
			anom_add(&s->anom, "unexpected_message");
		s->hrr = true;
		s->tls13 = true;
		return;
	}
	core_add_msg(s, dir, TLS_HS_SERVER_HELLO);
	s->sh_seen = true;
	s->tls13 = sess_is_tls13(s->version);
	if (s->tls13) {
		s->resumed = sh->has_psk;
		/* Alerts of length != 2 are encrypted from here on, both ways. */
		s->d[0].enc = s->d[1].enc = true;
		if (s->ctx->keylog)
			core_dec_server_hello(s);
	} else if (sh->session_id_len && same_session_id(s, sh)) {
		s->resumed = true;
	}
	if (s->hrr && !s->tls13)
		anom_add(&s->anom, "unexpected_message");
	if (sh->downgrade && s->ch_offers13)
		anom_add(&s->anom, "downgrade_sentinel");
}

/* The certificates' places in a Certificate message, on the stack up to
 * the default --max-certs. */
#define CERT_REFS_STACK 16

static void on_certificate(struct session *s, int dir, const uint8_t *b, size_t n, uint64_t ts)
{
	struct tt_ctx *ctx = s->ctx;
	size_t max = ctx->cfg.max_certs, cnt = 0, total = 0;
	struct tls_cert_ref stack[CERT_REFS_STACK], *refs;
	bool from_server = dir != core_client_dir(s);
	uint8_t *at;
	size_t size;

	refs = max <= CERT_REFS_STACK ? stack : malloc((max ? max : 1) * sizeof *refs);
	if (!refs) {
		anom_add(&s->anom, "alloc_failed");
		return;
	}
	tls_parse_certificate(b, n, s->tls13, refs, max, &cnt, &total, &s->anom);
	if (from_server) {
		s->srv_cert = true;
		/* A full handshake after all, whatever the session id said. */
		if (!s->tls13)
			s->resumed = false;
	} else {
		s->cli_cert = true;
		s->cli_cert_empty = total == 0;
	}
	if (s->chain[dir]) {
		anom_add(&s->anom, "unexpected_message");
		goto out;
	}
	if (total > cnt)
		anom_add(&s->anom, "certificate_chain_truncated");
	s->n_chain_total[dir] = (uint32_t)total;
	s->cert_ts[dir] = ts;
	if (!cnt)
		goto out;
	/* Kept as they came: the store's lookup (a digest of each and a
	 * comparison with the stored copy, or a parse) waits for the record,
	 * in the render thread when there is one.  Nothing before it reads
	 * the certificates.  (One block: the pointers the lookup fills, then
	 * the lengths and the bytes; from this thread's allocator, which
	 * frees it with the session.) */
	size = cnt * sizeof(uint32_t);
	for (size_t i = 0; i < cnt; i++)
		size += refs[i].len;
	s->chain[dir] = malloc(cnt * sizeof *s->chain[dir] + size);
	if (!s->chain[dir]) {
		anom_add(&s->anom, "alloc_failed");
		goto out;
	}
	memset(s->chain[dir], 0, cnt * sizeof *s->chain[dir]);
	s->chain_der[dir] = (uint8_t *)(s->chain[dir] + cnt);
	at = s->chain_der[dir] + cnt * sizeof(uint32_t);
	for (size_t i = 0; i < cnt; i++) {
		uint32_t len = (uint32_t)refs[i].len;
		memcpy(s->chain_der[dir] + i * sizeof len, &len, sizeof len);
		memcpy(at, refs[i].der, len);
		at += len;
	}
	s->n_chain_der[dir] = (uint32_t)cnt;
	core_mem_add(s, cnt * sizeof *s->chain[dir] + size);
out:
	if (refs != stack)
		free(refs);
}

void core_chain_settle(struct session *s)
{
	struct tt_ctx *ctx = s->ctx;

	for (int dir = 0; dir < 2; dir++) {
		uint32_t cnt = s->n_chain_der[dir], k = 0;
		const uint8_t *der = s->chain_der[dir], *at;

		if (!der || !cnt)
			continue;
		at = der + cnt * sizeof(uint32_t);
		ctx_x509_lock(ctx);
		for (uint32_t i = 0; i < cnt; i++) {
			uint32_t len;
			memcpy(&len, der + i * sizeof len, sizeof len);
			struct x509_cert *c = x509_cert_get(ctx->x509, at, len);
			if (c)
				s->chain[dir][k++] = c;
			else
				anom_add(&s->anom, "alloc_failed");
			at += len;
		}
		ctx_x509_unlock(ctx);
		s->n_chain[dir] = k;
		/* The bytes stay until the session is freed, by the thread
		 * whose allocator they came from (render.c: freeing them here
		 * would take that allocator's lock against its own thread). */
		s->n_chain_der[dir] = 0;
	}
}

static void on_cert_request(struct session *s, const uint8_t *b, size_t n)
{
	struct tls_cert_request *cr;
	size_t total = 0, off = 0;

	if (!s->cr) {
		s->cr = malloc(sizeof *s->cr);
		if (!s->cr) {
			anom_add(&s->anom, "alloc_failed");
			return;
		}
		core_mem_add(s, sizeof *s->cr);
	}
	cr = s->cr;
	memset(cr, 0, sizeof *cr);
	free(s->cr_auth);
	s->cr_auth = NULL;
	tls_parse_certificate_request(b, n, s->version, cr, &s->anom);
	s->srv_cr = true;
	/* The authorities point into the message: copy them so that they
	 * outlive it (emitted later). */
	for (uint16_t i = 0; i < cr->n_authorities; i++)
		total += cr->authorities[i].len;
	if (!cr->n_authorities)
		return;
	s->cr_auth = malloc(total ? total : 1);
	if (!s->cr_auth) {
		cr->n_authorities = 0;
		anom_add(&s->anom, "alloc_failed");
		return;
	}
	for (uint16_t i = 0; i < cr->n_authorities; i++) {
		memcpy(s->cr_auth + off, cr->authorities[i].der, cr->authorities[i].len);
		cr->authorities[i].der = s->cr_auth + off;
		off += cr->authorities[i].len;
	}
}

/* TLS 1.3 EncryptedExtensions (read with a key log): the selected ALPN. */
static void on_encrypted_extensions(struct session *s, const uint8_t *b, size_t n)
{
	struct tls_alpn_list alpn;
	bool has = false, early = false;

	tls_parse_encrypted_extensions(b, n, &alpn, &has, &early, &s->anom);
	s->ee_early = early ? 2 : 1;
	if (!has || s->ee_alpn)
		return;
	s->ee_alpn = malloc(sizeof *s->ee_alpn);
	if (!s->ee_alpn) {
		anom_add(&s->anom, "alloc_failed");
		return;
	}
	*s->ee_alpn = alpn;
	core_mem_add(s, sizeof *s->ee_alpn);
}

/* Messages only a server sends, from the server. */
static void on_server_msg(struct session *s, uint8_t type, const uint8_t *b, size_t n)
{
	const char *kx;

	switch (type) {
	case TLS_HS_SERVER_KEY_EXCHANGE:
		if (!s->sh) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		s->srv_ske = true;
		kx = tls_cipher_kx(s->sh->cipher);
		memset(&s->ske, 0, sizeof s->ske);
		if (kx)
			tls_parse_server_key_exchange(b, n, kx, s->version, &s->ske, &s->anom);
		break;
	case TLS_HS_CERTIFICATE_REQUEST:
		on_cert_request(s, b, n);
		break;
	case TLS_HS_SERVER_HELLO_DONE:
		s->srv_shd = true;
		break;
	case TLS_HS_NEW_SESSION_TICKET: {
		uint16_t tlen = 0;
		uint32_t life = 0;
		if (tls_parse_new_session_ticket(b, n, s->tls13, &life, &tlen, &s->anom) == 0) {
			s->has_nst = true;
			s->nst_lifetime = life;
		}
		break;
	}
	case TLS_HS_CERTIFICATE_STATUS: {
		uint8_t st = 0;
		uint32_t rlen = 0;
		tls_parse_certificate_status(b, n, &st, &rlen, &s->anom);
		s->srv_status = true;
		break;
	}
	default:
		break;
	}
}

/* Messages only a client sends, from the client. */
static void on_client_msg(struct session *s, uint8_t type, const uint8_t *b, size_t n)
{
	const char *kx;

	if (type == TLS_HS_CLIENT_KEY_EXCHANGE) {
		s->cli_cke = true;
		kx = s->sh ? tls_cipher_kx(s->sh->cipher) : NULL;
		if (kx)
			tls_parse_client_key_exchange(b, n, kx, s->version, &s->anom);
	} else if (type == TLS_HS_CERTIFICATE_VERIFY) {
		s->cli_cv = true;
		s->cv_has_sigalg = false;
		tls_parse_certificate_verify(b, n, s->version, &s->cv_has_sigalg, &s->cv_sigalg,
					     &s->anom);
	}
}

static void handshake_msg(struct session *s, int dir, uint8_t type, const uint8_t *b, size_t n,
			  uint64_t ts);

/* A TLS 1.3 message after the client's Finished, read with a key log
 * (RFC 8446 4.6): the client's certificate of a post-handshake
 * authentication is kept as its chain, without touching what the
 * handshake said (tls_core_post.c follows the exchange). */
static void post_handshake_msg(struct session *s, int dir, uint8_t type, const uint8_t *b,
			       size_t n, uint64_t ts)
{
	bool from_client = dir == core_client_dir(s);
	bool cert = s->cli_cert, empty = s->cli_cert_empty;

	core_post_msg(s, dir, type, b, n);
	switch (type) {
	case TLS_HS_CERTIFICATE:
		if (!from_client || !s->ph_cr_pending) {
			anom_add(&s->anom, "unexpected_message");
			break;
		}
		on_certificate(s, dir, b, n, ts);
		s->ph_auth = s->cli_cert_empty ? PH_AUTH_EMPTY : PH_AUTH_CERT;
		s->cli_cert = cert;
		s->cli_cert_empty = empty;
		break;
	case TLS_HS_NEW_SESSION_TICKET:
		if (!from_client) {
			on_server_msg(s, type, b, n);
			break;
		}
		/* fall through */
	case TLS_HS_CERTIFICATE_REQUEST:
		if (!from_client)
			break;
		/* fall through */
	case TLS_HS_ENCRYPTED_EXTENSIONS:
	case TLS_HS_CLIENT_KEY_EXCHANGE:
	case TLS_HS_SERVER_KEY_EXCHANGE:
	case TLS_HS_SERVER_HELLO_DONE:
	case TLS_HS_END_OF_EARLY_DATA:
		anom_add(&s->anom, "unexpected_message");
		break;
	case TLS_HS_KEY_UPDATE:
		core_dec_key_update(s, dir);
		break;
	default:
		break;
	}
}

void tls_core_handshake_msg(struct session *s, int dir, uint8_t type, const uint8_t *b, size_t n,
			    uint64_t ts)
{
	/* The timeline lists the message with its own size, at the time of
	 * the record (or datagram) that completed it. */
	uint64_t ev_ts = s->ev_ts;
	uint32_t ev_len = s->ev_len;

	s->ev_ts = ts;
	s->ev_len = (uint32_t)(TLS_HS_HDR + n);
	handshake_msg(s, dir, type, b, n, ts);
	s->ev_ts = ev_ts;
	s->ev_len = ev_len;
}

static void handshake_msg(struct session *s, int dir, uint8_t type, const uint8_t *b, size_t n,
			  uint64_t ts)
{
	bool from_server;

	if (type == TLS_HS_CLIENT_HELLO) {
		on_client_hello(s, dir, b, n, false);
		return;
	}
	if (type == TLS_HS_SERVER_HELLO) {
		on_server_hello(s, dir, b, n);
		return;
	}
	core_add_msg(s, dir, type);
	from_server = dir != core_client_dir(s);
	if (core_post_msg_is_post(s)) {
		post_handshake_msg(s, dir, type, b, n, ts);
		return;
	}
	switch (type) {
	case TLS_HS_CERTIFICATE:
		on_certificate(s, dir, b, n, ts);
		break;
	case TLS_HS_SERVER_KEY_EXCHANGE:
	case TLS_HS_CERTIFICATE_REQUEST:
	case TLS_HS_SERVER_HELLO_DONE:
	case TLS_HS_NEW_SESSION_TICKET:
	case TLS_HS_CERTIFICATE_STATUS:
		if (from_server)
			on_server_msg(s, type, b, n);
		else
			anom_add(&s->anom, "unexpected_message");
		break;
	case TLS_HS_ENCRYPTED_EXTENSIONS:
		if (from_server && s->tls13)
			on_encrypted_extensions(s, b, n);
		else
			anom_add(&s->anom, "unexpected_message");
		break;
	case TLS_HS_KEY_UPDATE:
		if (s->tls13)
			core_dec_key_update(s, dir);
		break;
	case TLS_HS_CERTIFICATE_VERIFY:
		if (from_server && s->tls13) {
			bool has = false;
			uint16_t alg = 0;
			tls_parse_certificate_verify(b, n, s->version, &has, &alg, &s->anom);
			break;
		}
		/* fall through */
	case TLS_HS_CLIENT_KEY_EXCHANGE:
		if (from_server)
			anom_add(&s->anom, "unexpected_message");
		else
			on_client_msg(s, type, b, n);
		break;
	case TLS_HS_FINISHED:
		/* A cleartext Finished (the ChangeCipherSpec was missed in a gap), or
		 * a TLS 1.3 one read with a key log: its side switches keys. */
		s->d[dir].finished = true;
		core_dec_finished(s, dir);
		core_check_established(s);
		break;
	default:
		break;
	}
}

/* A message declared larger than cfg.max_handshake_msg: listed, skipped. */
void core_too_large(struct session *s, int dir, uint8_t type)
{
	anom_add(&s->anom, "handshake_too_large");
	if (type == TLS_HS_CLIENT_HELLO && s->client < 0)
		s->client = dir;
	if (type == TLS_HS_SERVER_HELLO && s->client < 0)
		s->client = !dir;
	core_add_msg(s, dir, type);
	if (type == TLS_HS_CERTIFICATE) {
		if (dir != core_client_dir(s))
			s->srv_cert = true;
		else
			s->cli_cert = true;
	}
}

/* Handshake types a TLS or SSL 3.0 peer sends over TCP. */
static bool known_hs_type(uint8_t t)
{
	return t <= 2 || t == 4 || t == 5 || t == 8 || (t >= 11 && t <= 16) ||
	       (t >= 20 && t <= 25);
}

static bool hs_append(struct session *s, struct sess_dir *d, const uint8_t *p, size_t n)
{
	size_t want = (size_t)d->hs_len + n;

	if (want > d->hs_cap) {
		size_t cap = d->hs_cap ? d->hs_cap : 512;
		size_t limit = (size_t)s->ctx->cfg.max_handshake_msg + TLS_HS_HDR;
		uint8_t *nb;
		while (cap < want)
			cap *= 2;
		if (cap > limit)
			cap = limit;
		if (cap < want)
			return false;
		nb = realloc(d->hs, cap);
		if (!nb)
			return false;
		core_mem_add(s, cap - d->hs_cap);
		d->hs = nb;
		d->hs_cap = (uint32_t)cap;
	}
	memcpy(d->hs + d->hs_len, p, n);
	d->hs_len = (uint32_t)want;
	return true;
}

/* No partial message pending: whole messages are parsed where they lie,
 * the start of one continued in a later record is kept.  Returns whether
 * to go on with the rest of the bytes. */
static bool hs_fresh(struct session *s, int dir, struct cur *c, uint32_t max, uint64_t ts)
{
	struct sess_dir *d = &s->d[dir];
	const uint8_t *b = NULL;
	uint8_t type;
	uint32_t mlen;
	size_t k;

	if (tls_hs_header(c->p, c->left, &type, &mlen) == TLS_OK) {
		if (mlen > max) {
			core_too_large(s, dir, type);
			cur_skip(c, TLS_HS_HDR);
			d->hs_skip = mlen;
			return true;
		}
		if (c->left - TLS_HS_HDR >= mlen && cur_skip(c, TLS_HS_HDR) &&
		    cur_bytes(c, mlen, &b)) {
			tls_core_handshake_msg(s, dir, type, b, mlen, ts);
			return true;
		}
	}
	/* A message continued in a later record: keep what arrived. */
	k = c->left;
	cur_bytes(c, k, &b);
	if (!hs_append(s, d, b, k))
		anom_add(&s->anom, "alloc_failed");
	return false;
}

/* A partial message pending: its header completed first, then its body;
 * parsed once whole.  Returns whether to go on with the rest of the bytes. */
static bool hs_continue(struct session *s, int dir, struct cur *c, uint32_t max, uint64_t ts)
{
	struct sess_dir *d = &s->d[dir];
	const uint8_t *b = NULL;
	uint8_t type;
	uint32_t mlen;
	size_t need, k;

	if (d->hs_len < TLS_HS_HDR) {
		k = TLS_HS_HDR - d->hs_len;
		if (k > c->left)
			k = c->left;
		cur_bytes(c, k, &b);
		if (!hs_append(s, d, b, k)) {
			anom_add(&s->anom, "alloc_failed");
			d->hs_len = 0;
			return false;
		}
		if (d->hs_len < TLS_HS_HDR)
			return false;
	}
	tls_hs_header(d->hs, d->hs_len, &type, &mlen);
	if (mlen > max) {
		core_too_large(s, dir, type);
		d->hs_skip = mlen - (d->hs_len - TLS_HS_HDR);
		d->hs_len = 0;
		return true;
	}
	need = (size_t)mlen + TLS_HS_HDR - d->hs_len;
	k = need < c->left ? need : c->left;
	cur_bytes(c, k, &b);
	if (!hs_append(s, d, b, k)) {
		anom_add(&s->anom, "alloc_failed");
		d->hs_len = 0;
		d->hs_skip = (uint32_t)(need - k);
		return true;
	}
	if (d->hs_len == (size_t)mlen + TLS_HS_HDR) {
		d->hs_len = 0;
		tls_core_handshake_msg(s, dir, type, d->hs + TLS_HS_HDR, mlen, ts);
	}
	return true;
}

/* Cleartext handshake bytes of one record: messages joined across records,
 * several per record; whole messages in the record are parsed where they lie. */
void core_hs_feed(struct session *s, int dir, const uint8_t *body, size_t len, uint64_t ts)
{
	struct sess_dir *d = &s->d[dir];
	struct cur c = cur_make(body, len);
	uint32_t max = s->ctx->cfg.max_handshake_msg;
	uint8_t type;
	uint32_t mlen;

	if (d->hs_resync) {
		/* The message this record continues lost its start in the gap:
		 * wait for a record that starts with a message. */
		if (tls_hs_header(body, len, &type, &mlen) != TLS_OK || !known_hs_type(type) ||
		    mlen > max)
			return;
		d->hs_resync = false;
	}
	while (c.left && tls_core_wants_data(s)) {
		bool more;
		if (d->hs_skip) {
			size_t k = c.left < d->hs_skip ? c.left : d->hs_skip;
			cur_skip(&c, k);
			d->hs_skip -= (uint32_t)k;
			continue;
		}
		more = d->hs_len ? hs_continue(s, dir, &c, max, ts) : hs_fresh(s, dir, &c, max, ts);
		if (!more)
			return;
	}
}


static const uint8_t *v2_cert_tail(struct cur *c, uint16_t n)
{
	const uint8_t *p;
	return cur_bytes(c, n, &p) ? p : NULL;
}

/* SSLv2 SERVER-HELLO after its type byte:
 *   session_id_hit u8 | certificate_type u8 | server_version u16 |
 *   certificate_length u16 | cipher_specs_length u16 | connection_id_length u16 |
 *   certificate | cipher_specs | connection_id */
static void v2_server_hello(struct session *s, int dir, struct cur *c, uint64_t ts)
{
	uint8_t hit, ctype;
	uint16_t ver, clen, slen, idlen;
	const uint8_t *cert;

	if (s->client < 0)
		s->client = !dir;
	core_add_msg(s, dir, TLS_HS_SERVER_HELLO);
	if (dir == s->client || s->sh_seen) {
		anom_add(&s->anom, "unexpected_message");
		return;
	}
	s->v2 = s->sh_seen = true;
	s->version = 0x0002;   /* both sides' records are SSLv2 from here (tls_core_sslv2) */
	if (!cur_u8(c, &hit) || !cur_u8(c, &ctype) || !cur_u16(c, &ver) || !cur_u16(c, &clen) ||
	    !cur_u16(c, &slen) || !cur_u16(c, &idlen)) {
		anom_add(&s->anom, "malformed_sslv2");
		return;
	}
	s->resumed = hit != 0;
	cert = v2_cert_tail(c, clen);
	if (!cert) {
		anom_add(&s->anom, "malformed_sslv2");
		return;
	}
	if (clen && ctype == 1 && !s->chain[dir]) {    /* SSL_CT_X509_CERTIFICATE */
		s->srv_cert = true;
		s->n_chain_total[dir] = 1;
		s->cert_ts[dir] = ts;
		s->chain[dir] = calloc(1, sizeof *s->chain[dir]);
		if (s->chain[dir]) {
			ctx_x509_lock(s->ctx);
			s->chain[dir][0] = x509_cert_get(s->ctx->x509, cert, clen);
			ctx_x509_unlock(s->ctx);
			s->n_chain[dir] = s->chain[dir][0] ? 1 : 0;
		}
	}
}

void core_handle_v2_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts)
{
	struct cur c = cur_make(r->body, r->len);
	uint8_t mt;
	uint32_t kind;
	uint16_t code;

	if (s->v2 && (s->v2_cmk || s->resumed)) {
		if (!s->d[dir].v2_enc_records++)
			core_add_msg(s, dir, SESS_MSG_ENC_HS);
		core_check_established(s);
		return;
	}
	if (!cur_u8(&c, &mt)) {
		anom_add(&s->anom, "malformed_sslv2");
		return;
	}
	switch (mt) {
	case 1:         /* CLIENT-HELLO */
		on_client_hello(s, dir, r->body, r->len, true);
		break;
	case 4:         /* SERVER-HELLO */
		v2_server_hello(s, dir, &c, ts);
		break;
	case 2:         /* CLIENT-MASTER-KEY: cipher_kind u24, ... */
		core_add_msg(s, dir, SESS_MSG_V2_CLIENT_MASTER_KEY);
		if (cur_u24(&c, &kind))
			s->v2_cipher = kind;
		else
			anom_add(&s->anom, "malformed_sslv2");
		s->v2_cmk = true;
		break;
	case 0:         /* ERROR: error_code u16 */
		core_add_msg(s, dir, SESS_MSG_V2_ERROR);
		if (!cur_u16(&c, &code)) {
			anom_add(&s->anom, "malformed_sslv2");
			code = 0;
		}
		core_add_alert(s, dir, 2, (uint8_t)(code > 255 ? 0 : code), false, true);
		core_decide(s, TLS_OUT_ALERT, SC_ALERT, dir);
		break;
	default:
		anom_add(&s->anom, "malformed_sslv2");
		break;
	}
}
