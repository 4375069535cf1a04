/*
 * Unit tests for src/tls_core_post.c: the TLS 1.3 post-handshake window
 * (README "Decryption").  A session is put in the state a key log leaves
 * it in after the decision (TLS 1.3, decrypting, the client's Finished
 * read, established); the opened records are then told to the window one
 * by one, as tls_core_dec.c does, and the rule is checked: when it closes,
 * what post-handshake client authentication gave, and that the session is
 * done (its record may be written) exactly then.  The KeyUpdate body is
 * hand-built and every truncated prefix of it is tried.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/tls_hs.h"
#include "../../parsers/tls_record.h"
#include "../../parsers/x509.h"
#include "../../src/emit.h"
#include "../../src/session.h"
#include "../../src/session_impl.h"
#include "../../src/verdict.h"
#include "tt_test.h"
#include "tt_session.h"

enum { CLI = 0, SRV = 1 };

/* A session decided established with keys: the window is open. */
static struct session *decided(void)
{
	struct session *s = tls_core_new(&ctx, "tcp", 0);

	CHECK(s != NULL);
	s->client = CLI;
	s->is_tls = s->tls13 = s->sh_seen = s->decrypting = true;
	s->d[CLI].finished = s->d[SRV].finished = true;
	CHECK(tls_core_wants_data(s) && !tls_core_done(s));
	core_decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
	core_post_open(s);
	CHECK(s->ph_open && tls_core_wants_data(s) && !tls_core_done(s) && !tls_core_decided(s));
	return s;
}

/* A post-handshake handshake message in its own record. */
static void msg(struct session *s, int dir, uint8_t type, const uint8_t *b, size_t n)
{
	CHECK(core_post_msg_is_post(s));
	core_post_msg(s, dir, type, b, n);
	core_post_record(s, dir, TLS_CT_HANDSHAKE, 0, 0);
}

static void data(struct session *s, int dir)
{
	core_post_record(s, dir, TLS_CT_APPDATA, 0, 0);
}

static void closed(struct session *s)
{
	CHECK(!s->ph_open && tls_core_done(s) && !tls_core_wants_data(s) && tls_core_decided(s));
}

/* No post-handshake message but tickets: data both ways closes it. */
static void test_plain(void)
{
	struct session *s = decided();

	msg(s, SRV, TLS_HS_NEW_SESSION_TICKET, NULL, 0);
	data(s, CLI);
	msg(s, SRV, TLS_HS_NEW_SESSION_TICKET, NULL, 0);   /* tickets reset nothing */
	CHECK(s->ph_open);
	data(s, SRV);
	closed(s);
	tls_core_free(s);
}

/* The rule of tests/mkkeylog_pha.sh's session: request, CertificateRequest,
 * the answer, then data both ways. */
static void test_pha(bool with_cert)
{
	struct session *s = decided();

	data(s, CLI);
	msg(s, SRV, TLS_HS_CERTIFICATE_REQUEST, NULL, 0);
	CHECK(s->ph_auth == PH_AUTH_REQUESTED && s->ph_cr_pending);
	data(s, SRV);
	data(s, CLI);
	CHECK(s->ph_open);   /* the client has not answered */
	/* tls_core_hs.c sets ph_auth from the Certificate it parsed */
	s->ph_auth = with_cert ? PH_AUTH_CERT : PH_AUTH_EMPTY;
	msg(s, CLI, TLS_HS_CERTIFICATE, NULL, 0);
	if (with_cert)
		msg(s, CLI, TLS_HS_CERTIFICATE_VERIFY, NULL, 0);
	msg(s, CLI, TLS_HS_FINISHED, NULL, 0);
	CHECK(!s->ph_cr_pending && s->ph_open);
	data(s, CLI);
	if (with_cert) {
		data(s, SRV);
		closed(s);
		CHECK(!s->ph_alert);
	} else {
		core_post_record(s, SRV, TLS_CT_ALERT, 2, 116);
		closed(s);
		CHECK(s->ph_alert && s->ph_alert_dir == SRV && s->ph_alert_desc == 116);
	}
	tls_core_free(s);
}

/* A CertificateRequest left unanswered keeps the window open until the
 * per-direction bound. */
static void test_bound(void)
{
	struct session *s = decided();
	uint32_t i;

	msg(s, SRV, TLS_HS_CERTIFICATE_REQUEST, NULL, 0);
	for (i = 0; i < CORE_POST_RECORDS - 2; i++) {
		data(s, SRV);
		data(s, CLI);
		CHECK(s->ph_open);
	}
	data(s, SRV);
	closed(s);
	CHECK(s->ph_auth == PH_AUTH_REQUESTED && !s->ph_alert);
	tls_core_free(s);
}

/* KeyUpdate (RFC 8446 4.6.3): update_requested waits for the peer's; a
 * body that is not one byte of 0 or 1 is an anomaly; every truncated
 * prefix. */
static void test_key_update(void)
{
	static const uint8_t req[] = { 1 }, noreq[] = { 0 }, bad[] = { 2 };
	struct session *s = decided();

	data(s, CLI);
	msg(s, SRV, TLS_HS_KEY_UPDATE, req, sizeof req);
	CHECK(s->ph_ku_pending[CLI] && !s->ph_ku_pending[SRV]);
	data(s, SRV);
	data(s, CLI);
	CHECK(s->ph_open);
	msg(s, CLI, TLS_HS_KEY_UPDATE, noreq, sizeof noreq);
	CHECK(!s->ph_ku_pending[CLI] && !s->ph_ku_pending[SRV]);
	data(s, CLI);
	data(s, SRV);
	closed(s);
	CHECK(!anom_has(&s->anom, "key_update_malformed"));
	tls_core_free(s);

	for (size_t k = 0; k <= sizeof req; k++) {
		s = decided();
		msg(s, SRV, TLS_HS_KEY_UPDATE, req, k);
		CHECK(anom_has(&s->anom, "key_update_malformed") == (k == 0));
		CHECK(s->ph_ku_pending[CLI] == (k == 1) && s->ph_open);
		tls_core_free(s);
	}
	s = decided();
	msg(s, SRV, TLS_HS_KEY_UPDATE, bad, sizeof bad);
	CHECK(anom_has(&s->anom, "key_update_malformed") && !s->ph_ku_pending[CLI]);
	tls_core_free(s);
}

/* The connection's end closes it; a window never opens without keys or
 * for another outcome. */
static void test_end(void)
{
	struct session *s = decided();

	tls_core_fin(s, CLI);
	CHECK(s->ph_open);
	tls_core_fin(s, SRV);
	closed(s);
	tls_core_free(s);

	s = decided();
	tls_core_reset(s, SRV);
	closed(s);
	tls_core_free(s);

	s = decided();
	tls_core_gap(s, CLI, 100);
	closed(s);
	tls_core_free(s);

	s = tls_core_new(&ctx, "tcp", 0);
	s->client = CLI;
	s->is_tls = s->tls13 = s->sh_seen = true;   /* no key */
	core_decide(s, TLS_OUT_ESTABLISHED, SC_NONE, -1);
	core_post_open(s);
	closed(s);
	tls_core_free(s);

	s = tls_core_new(&ctx, "tcp", 0);
	s->client = CLI;
	s->is_tls = s->tls13 = s->sh_seen = s->decrypting = true;
	core_decide(s, TLS_OUT_ALERT, SC_ALERT, SRV);
	core_post_open(s);
	closed(s);
	tls_core_free(s);
}

int main(void)
{
	tt_session_init();
	test_plain();
	test_pha(true);
	test_pha(false);
	test_bound();
	test_key_update();
	test_end();
	tt_session_done();
	return TT_DONE();
}
