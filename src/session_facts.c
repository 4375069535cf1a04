/*
 * session_facts.c - the facts findings.c judges, read from a session in the
 * form its record states them (FIELDS.md "tls.findings" names the field
 * behind each one), so that a finding can always be recomputed from the
 * record.
 *
 *   struct session + validation + @timestamp  -->  struct fnd_facts
 */
#include <string.h>

#include "../parsers/x509.h"
#include "findings.h"
#include "session_impl.h"

static bool has_code(const uint16_t *v, uint16_t n, uint16_t code)
{
	for (uint16_t i = 0; i < n; i++)
		if (v[i] == code)
			return true;
	return false;
}

/* Highest version the ClientHello offers: supported_versions (GREASE and
 * unknown values skipped; 1.3 drafts as 1.3), else its legacy version. */
static uint16_t max_offered(const struct tls_client_hello *ch)
{
	uint16_t best = 0;

	for (uint16_t i = 0; i < ch->n_versions; i++) {
		uint16_t v = ch->versions[i];
		if (sess_is_tls13(v))
			v = 0x0304;
		else if (v < 0x0300 || v > 0x0304)
			continue;
		if (v > best)
			best = v;
	}
	return best ? best : ch->legacy_version;
}

static enum fnd_key key_kind(const char *alg)
{
	if (!alg[0])
		return FND_KEY_UNKNOWN;
	if (strcmp(alg, "RSA") == 0)
		return FND_KEY_RSA;
	if (strcmp(alg, "DSA") == 0)
		return FND_KEY_DSA;
	if (strcmp(alg, "EC") == 0)
		return FND_KEY_EC;
	return FND_KEY_OTHER;
}

static void chain_facts(struct fnd_chain *out, struct x509_cert *const *chain, uint32_t n)
{
	for (uint32_t i = 0; i < n && out->n < FND_MAX_CERTS; i++) {
		struct x509_cert *c = chain[i];
		struct fnd_cert *fc = &out->cert[out->n++];
		if (!c)
			continue;
		fc->key = key_kind(c->pk_alg);
		fc->key_bits = c->pk_bits;
		fc->sig_hash_bits = (uint16_t)(c->sig_hash_bits > 0 ? c->sig_hash_bits : 0);
		fc->self_signed = x509_cert_self_signed(c);
		fc->has_validity = c->validity_ok;
		fc->not_before = c->not_before;
		fc->not_after = c->not_after;
	}
}

int session_renegotiation(const struct session *s, int c)
{
	bool fin[2] = { false, false };

	if (s->tls13 || s->v2)
		return -1;
	for (uint32_t i = 0; i < s->n_msgs; i++) {
		int d = s->msgs[i].dir & 1;
		uint16_t m = s->msgs[i].code;
		if (m == SESS_MSG_ENC_FINISHED || m == TLS_HS_FINISHED)
			fin[d] = true;
		else if (fin[d] && (m == SESS_MSG_ENC_HS || m == TLS_HS_CLIENT_HELLO ||
				    m == TLS_HS_HELLO_REQUEST))
			return d == c ? FND_CLIENT : FND_SERVER;
	}
	return -1;
}

static void hello_facts(const struct session *s, struct fnd_facts *f)
{
	const struct tls_client_hello *ch = core_ch(s);
	const struct tls_server_hello *sh = s->sh;

	if (ch) {
		f->ch = true;
		f->ch_sslv2 = ch->sslv2;
		f->ch_sni = ch->has_sni && ch->sni_len;
		f->ch_reneg = ch->has_reneg || has_code(ch->ciphers, ch->n_ciphers, 0x00ff);
		f->ch_max_version = max_offered(ch);
		f->ch_ciphers = ch->ciphers;
		f->n_ch_ciphers = ch->n_ciphers;
		f->early_data_records = s->early_records;
		f->retry_changes = s->retry_changes;
	}
	if (!s->sh_seen)
		return;
	f->sh = true;
	f->version = s->version;
	f->resumed = s->resumed;
	if (s->v2) {
		f->v2_cipher = s->v2_cipher;
		return;
	}
	if (!sh || (s->sh_bad && sh->cipher == 0))
		return;
	f->has_cipher = true;
	f->cipher = sh->cipher;
	f->has_compression = true;
	f->compression = sh->compression;
	f->sh_reneg = sh->has_reneg;
	f->sh_heartbeat = has_code(sh->exts, sh->n_exts, 15);
	f->downgrade = sh->downgrade;
}

/* tls.curve and tls.server.key_exchange, as session_emit writes them. */
static void kx_facts(const struct session *s, int c, struct fnd_facts *f)
{
	const struct tls_server_hello *sh = s->sh;

	if (!f->has_cipher)
		return;
	if (s->tls13) {
		if (sh->has_key_share && sh->selected_group) {
			f->has_group = true;
			f->group = sh->selected_group;
		}
		f->tls13_psk_only = sh->has_psk && !sh->has_key_share;
	} else if (s->srv_ske && !(s->resumed)) {
		if (s->ske.has_group) {
			f->has_group = true;
			f->group = s->ske.group;
		}
		f->dh_bits = s->ske.dh_bits;
		f->has_ske_sigalg = s->ske.has_sigalg;
		f->ske_sigalg = s->ske.sigalg;
	}
	if (s->cli_cv && s->cv_has_sigalg) {
		f->has_cv_sigalg = true;
		f->cv_sigalg = s->cv_sigalg;
	}
	f->renegotiated_by = session_renegotiation(s, c);
}

void session_facts(const struct session *s, int client_side, uint64_t ts_ns,
		   const struct x509_validation *v, struct fnd_facts *f)
{
	int c = client_side == 1 ? 1 : 0;

	memset(f, 0, sizeof *f);
	f->now = (int64_t)(ts_ns / 1000000000u);
	f->renegotiated_by = -1;
	hello_facts(s, f);
	kx_facts(s, c, f);
	f->heartbeat_records = anom_has(&s->anom, "heartbeat");
	chain_facts(&f->chain[FND_CLIENT], s->chain[c], s->n_chain[c]);
	chain_facts(&f->chain[FND_SERVER], s->chain[!c], s->n_chain[!c]);
	if (v) {
		f->chain[FND_SERVER].validated = true;
		f->chain[FND_SERVER].reasons = v->reasons;
		f->chain[FND_SERVER].sni_checked = v->sni_checked;
		f->chain[FND_SERVER].sni_match = v->sni_match;
	}
}
