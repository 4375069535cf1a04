/*
 * findings.c - the rules behind tls.findings (FIELDS.md lists each with its
 * rule and reference; README "Findings" shows the policy file).
 *
 *   struct fnd_facts --+-- version, suite, compression, extensions -> version_rules, suite_rules
 *                      +-- key exchange, signatures                -> kx_rules
 *                      +-- chains, validation, capture time        -> cert_rules
 *                      +-- ClientHello                             -> client_rules
 *                      => struct fnd_list, most severe first
 *
 * Nothing here reads the wire or the session: only facts the record states.
 */
#include "findings.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jw.h"
#include "../parsers/tls_names.h"
#include "../parsers/tls_retry.h"
#include "../parsers/x509.h"

struct fnd_meta {
	const char *name;
	uint8_t severity;               /* default */
	const char *reference;
};

static const struct fnd_meta fnd_meta[FND_COUNT] = {
	[FND_DEPRECATED_VERSION] = { "deprecated_version", FND_MEDIUM, "RFC 8996; RFC 9325 3.1.1" },
	[FND_NULL_CIPHER] = { "null_cipher", FND_HIGH, "RFC 9325 4.1" },
	[FND_EXPORT_CIPHER] = { "export_cipher", FND_HIGH, "RFC 9325 4.1" },
	[FND_ANONYMOUS_KEY_EXCHANGE] = { "anonymous_key_exchange", FND_HIGH,
					 "NIST SP 800-52r2 3.3.1; RFC 5246 F.1.1.1" },
	[FND_RC4] = { "rc4", FND_HIGH, "RFC 7465; RFC 9325 4.1" },
	[FND_DES] = { "des", FND_HIGH, "RFC 9325 4.1" },
	[FND_3DES] = { "3des", FND_MEDIUM, "RFC 9325 4.1; NIST SP 800-52r2 3.3.1" },
	[FND_CBC_MODE] = { "cbc_mode", FND_LOW, "RFC 9325 4.2" },
	[FND_NO_FORWARD_SECRECY] = { "no_forward_secrecy", FND_MEDIUM, "RFC 9325 4.1, 6.3" },
	[FND_WEAK_DH_GROUP] = { "weak_dh_group", FND_MEDIUM, "RFC 9325 4.5" },
	[FND_WEAK_EC_CURVE] = { "weak_ec_curve", FND_MEDIUM, "RFC 9325 4.5" },
	[FND_WEAK_SIGNATURE_SCHEME] = { "weak_signature_scheme", FND_MEDIUM, "RFC 9155" },
	[FND_COMPRESSION_ENABLED] = { "compression_enabled", FND_HIGH, "RFC 9325 3.3" },
	[FND_HEARTBEAT_ENABLED] = { "heartbeat_enabled", FND_LOW, "RFC 6520; CVE-2014-0160" },
	[FND_NO_SECURE_RENEGOTIATION] = { "no_secure_renegotiation", FND_MEDIUM,
					  "RFC 5746; RFC 9325 3.5" },
	[FND_INSECURE_RENEGOTIATION_SEEN] = { "insecure_renegotiation_seen", FND_HIGH,
					      "RFC 5746 1; CVE-2009-3555" },
	[FND_DOWNGRADE_SENTINEL] = { "downgrade_sentinel", FND_HIGH, "RFC 8446 4.1.3" },
	[FND_ZERO_RTT_USED] = { "zero_rtt_used", FND_LOW, "RFC 8446 8, E.5; RFC 9325 3.10" },
	[FND_CERTIFICATE_EXPIRED] = { "certificate_expired", FND_HIGH, "RFC 5280 4.1.2.5, 6.1.3" },
	[FND_CERTIFICATE_NOT_YET_VALID] = { "certificate_not_yet_valid", FND_HIGH,
					    "RFC 5280 4.1.2.5, 6.1.3" },
	[FND_CERTIFICATE_EXPIRES_SOON] = { "certificate_expires_soon", FND_LOW, "RFC 5280 4.1.2.5" },
	[FND_CERTIFICATE_LIFETIME_TOO_LONG] = { "certificate_lifetime_too_long", FND_LOW,
						"CA/B Forum BR 6.3.2" },
	[FND_WEAK_CERTIFICATE_KEY] = { "weak_certificate_key", FND_MEDIUM,
				       "CA/B Forum BR 6.1.5; RFC 9325 4.5" },
	[FND_MD5_CERTIFICATE_SIGNATURE] = { "md5_certificate_signature", FND_HIGH,
					    "RFC 6151; CA/B Forum BR 7.1.3.2" },
	[FND_SHA1_CERTIFICATE_SIGNATURE] = { "sha1_certificate_signature", FND_MEDIUM,
					     "CA/B Forum BR 7.1.3.2; RFC 9155" },
	[FND_SELF_SIGNED_CERTIFICATE] = { "self_signed_certificate", FND_MEDIUM, "RFC 5280 6.1" },
	[FND_UNTRUSTED_CHAIN] = { "untrusted_chain", FND_MEDIUM, "RFC 5280 6.1" },
	[FND_SNI_CERTIFICATE_MISMATCH] = { "sni_certificate_mismatch", FND_HIGH,
					   "RFC 9525 6; RFC 9325 6.1" },
	[FND_NO_SNI] = { "no_sni", FND_INFO, "RFC 6066 3; RFC 9325 3.7" },
	[FND_CLIENT_OFFERS_WEAK_CIPHERS] = { "client_offers_weak_ciphers", FND_LOW,
					     "RFC 9325 4.1; RFC 7465 2" },
	[FND_SSLV2_COMPATIBLE_HELLO] = { "sslv2_compatible_hello", FND_LOW, "RFC 6176 3" },
	[FND_HELLO_RETRY_CHANGED] = { "hello_retry_changed", FND_HIGH, "RFC 8446 4.1.2; RFC 6347 4.2.1" },
};

static const char *const sev_names[FND_SEV_COUNT] = { "info", "low", "medium", "high" };

const char *fnd_code_name(unsigned code)
{
	return code < FND_COUNT ? fnd_meta[code].name : NULL;
}

const char *fnd_severity_name(unsigned sev)
{
	return sev < FND_SEV_COUNT ? sev_names[sev] : NULL;
}

const char *fnd_side_name(unsigned side)
{
	return side == FND_CLIENT ? "client" : side == FND_SERVER ? "server" : NULL;
}

int fnd_code_by_name(const char *name, size_t len)
{
	for (unsigned i = 0; i < FND_COUNT; i++)
		if (strlen(fnd_meta[i].name) == len && memcmp(fnd_meta[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

void fnd_policy_defaults(struct fnd_policy *p)
{
	memset(p, 0, sizeof *p);
	p->expiry_warning_days = 30;
	p->min_dh_bits = 2048;
	p->min_rsa_bits = 2048;
	p->min_ec_bits = 224;
	p->max_lifetime_days = 0;
	for (unsigned i = 0; i < FND_COUNT; i++)
		p->severity[i] = -1;
}

/* ------------------------------------------------------------------ judging */

struct judge {
	const struct fnd_facts *f;
	const struct fnd_policy *p;
	struct fnd_list *out;
};

/* Whether fmt uses only the conversions format() knows: %s, %u, %lld. */
static bool plain_format(const char *fmt)
{
	for (const char *p = fmt; (p = strchr(p, '%')) != NULL; p++) {
		if (p[1] == 's' || p[1] == 'u')
			p++;
		else if (p[1] == 'l' && p[2] == 'l' && p[3] == 'd')
			p += 3;
		else
			return false;
	}
	return true;
}

/* vsnprintf for those conversions (a message costs a fifth as much); out
 * gets what vsnprintf would write into cap bytes. */
static void format(char *out, size_t cap, const char *fmt, va_list ap)
{
	size_t n = 0;

	for (const char *p = fmt; *p && n + 1 < cap; p++) {
		char num[24];
		const char *s = num;
		size_t len;

		if (*p != '%') {   /* the text up to the next conversion */
			const char *e = strchrnul(p, '%');
			len = (size_t)(e - p) < cap - 1 - n ? (size_t)(e - p) : cap - 1 - n;
			memcpy(out + n, p, len);
			n += len;
			p = e - 1;
			continue;
		}
		if (p[1] == 's') {
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			p++;
		} else if (p[1] == 'u') {
			num[jw_utoa(va_arg(ap, unsigned), num)] = '\0';
			p++;
		} else {   /* %lld */
			long long v = va_arg(ap, long long);
			unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
			num[0] = '-';
			num[(v < 0) + jw_utoa(u, num + (v < 0))] = '\0';
			p += 3;
		}
		len = strlen(s);
		if (len > cap - 1 - n)
			len = cap - 1 - n;
		memcpy(out + n, s, len);
		n += len;
	}
	out[n] = '\0';
}

/* Adds code for side with the code's severity (or sev when not -1, unless
 * the policy overrides it) and a printf-style message. */
__attribute__((format(printf, 5, 6)))
static void add(struct judge *j, unsigned code, unsigned side, int sev, const char *fmt, ...)
{
	struct fnd_finding *x;
	va_list ap;

	if (j->p->disabled & (1ull << code))
		return;
	for (unsigned i = 0; i < j->out->n; i++)
		if (j->out->f[i].code == code && j->out->f[i].side == side)
			return;
	if (j->out->n == FND_MAX)
		return;         /* cannot happen: each code once per side */
	x = &j->out->f[j->out->n++];
	x->code = (uint8_t)code;
	x->side = (uint8_t)side;
	if (j->p->severity[code] >= 0)
		x->severity = (uint8_t)j->p->severity[code];
	else
		x->severity = (uint8_t)(sev >= 0 ? sev : fnd_meta[code].severity);
	x->reference = fnd_meta[code].reference;
	/* vsnprintf was a third of judging a session. */
	va_start(ap, fmt);
	if (plain_format(fmt))
		format(x->message, sizeof x->message, fmt, ap);
	else
		vsnprintf(x->message, sizeof x->message, fmt, ap);
	va_end(ap);
}

static const char *version_text(uint16_t v)
{
	const char *n = tls_version_name(v);

	return n ? n : "unknown";
}

static void version_rules(struct judge *j)
{
	const struct fnd_facts *f = j->f;

	if (!f->sh)
		return;
	if (f->version == 0x0002)
		add(j, FND_DEPRECATED_VERSION, FND_SERVER, FND_HIGH, "SSL 2.0 negotiated (RFC 6176)");
	else if (f->version == 0x0300)
		add(j, FND_DEPRECATED_VERSION, FND_SERVER, FND_HIGH, "SSL 3.0 negotiated (RFC 7568)");
	else if (f->version == 0x0301 || f->version == 0x0302)
		add(j, FND_DEPRECATED_VERSION, FND_SERVER, -1, "TLS %s negotiated",
		    version_text(f->version));
	if (f->has_compression && f->compression != 0 && f->version != 0x0002)
		add(j, FND_COMPRESSION_ENABLED, FND_SERVER, -1, "compression method %u%s negotiated",
		    (unsigned)f->compression, f->compression == 1 ? " (deflate)" : "");
	if (f->sh_heartbeat || f->heartbeat_records)
		add(j, FND_HEARTBEAT_ENABLED, FND_SERVER, -1, "%s",
		    f->heartbeat_records ? "heartbeat records exchanged"
					 : "server accepted the heartbeat extension");
	/* Renegotiation exists in SSL 3.0 to TLS 1.2. */
	if (f->version >= 0x0300 && f->version <= 0x0303) {
		bool secure = f->ch_reneg && f->sh_reneg;
		if (f->ch && !f->ch_reneg)
			add(j, FND_NO_SECURE_RENEGOTIATION, FND_CLIENT, -1,
			    "neither renegotiation_info nor the SCSV offered");
		else if (f->ch && !f->sh_reneg)
			add(j, FND_NO_SECURE_RENEGOTIATION, FND_SERVER, -1,
			    "server did not answer renegotiation_info");
		if (f->renegotiated_by >= 0 && !secure)
			add(j, FND_INSECURE_RENEGOTIATION_SEEN, (unsigned)f->renegotiated_by, -1,
			    "renegotiation without RFC 5746 protection");
	}
	/* The sentinel says the server supports more than it chose; a client
	 * that offered more saw a downgrade (RFC 8446 4.1.3). */
	if ((f->downgrade == 12 && f->ch_max_version >= 0x0304) ||
	    (f->downgrade == 11 && f->ch_max_version >= 0x0303))
		add(j, FND_DOWNGRADE_SENTINEL, FND_SERVER, -1,
		    "server signals TLS %s support but negotiated %s, client offered %s",
		    f->downgrade == 12 ? "1.3" : "1.2", version_text(f->version),
		    version_text(f->ch_max_version));
}

static void suite_rules(struct judge *j)
{
	const struct fnd_facts *f = j->f;
	unsigned props = 0;

	if (!f->sh)
		return;
	if (f->version == 0x0002) {
		if (f->v2_cipher)
			tls_v2_cipher_name(f->v2_cipher, &props);
	} else if (f->has_cipher) {
		props = tls_cipher_props(f->cipher);
	}
	if (props & TLS_CIPHER_NULL)
		add(j, FND_NULL_CIPHER, FND_SERVER, -1, "suite without encryption");
	if (props & TLS_CIPHER_EXPORT)
		add(j, FND_EXPORT_CIPHER, FND_SERVER, -1, "export-grade suite");
	if (props & TLS_CIPHER_ANON_KX)
		add(j, FND_ANONYMOUS_KEY_EXCHANGE, FND_SERVER, -1, "anonymous Diffie-Hellman");
	if (props & TLS_CIPHER_RC4)
		add(j, FND_RC4, FND_SERVER, -1, "RC4 stream cipher");
	if (props & TLS_CIPHER_DES)
		add(j, FND_DES, FND_SERVER, -1, "single DES (56 bits or less)");
	if (props & TLS_CIPHER_3DES)
		add(j, FND_3DES, FND_SERVER, -1, "3DES (64-bit blocks, 112-bit strength)");
	if (props & TLS_CIPHER_CBC)
		add(j, FND_CBC_MODE, FND_SERVER, -1, "block cipher in CBC mode, not AEAD");
	if (props & TLS_CIPHER_NO_FS)
		add(j, FND_NO_FORWARD_SECRECY, FND_SERVER, -1,
		    "static key exchange: a long-term key decrypts recorded sessions");
	else if (f->tls13_psk_only)
		add(j, FND_NO_FORWARD_SECRECY, FND_SERVER, -1,
		    "TLS 1.3 psk_ke resumption without a key share");
}

/* A SignatureScheme hashing with MD5 or SHA-1. */
static void sigalg_rule(struct judge *j, unsigned side, const char *what, uint16_t code)
{
	int h = tls_sigscheme_legacy_hash(code);
	const char *n = tls_sigscheme_name(code);

	if (h)
		add(j, FND_WEAK_SIGNATURE_SCHEME, side, h == 1 ? FND_HIGH : -1, "%s signed with %s",
		    what, n ? n : h == 1 ? "MD5" : "SHA-1");
}

static void kx_rules(struct judge *j)
{
	const struct fnd_facts *f = j->f;
	uint32_t bits = 0;
	enum tls_group_kind k = f->has_group ? tls_group_kind(f->group, &bits)
					     : TLS_GROUP_UNKNOWN;

	if (!f->sh)
		return;
	if (f->dh_bits && f->dh_bits < j->p->min_dh_bits)
		add(j, FND_WEAK_DH_GROUP, FND_SERVER, f->dh_bits < 1024 ? FND_HIGH : -1,
		    "DH prime of %u bits (minimum %u)", (unsigned)f->dh_bits,
		    (unsigned)j->p->min_dh_bits);
	else if (k == TLS_GROUP_FFDHE && bits < j->p->min_dh_bits)
		add(j, FND_WEAK_DH_GROUP, FND_SERVER, -1, "%s (minimum %u bits)",
		    tls_group_name(f->group), (unsigned)j->p->min_dh_bits);
	if (k == TLS_GROUP_EC && bits < j->p->min_ec_bits)
		add(j, FND_WEAK_EC_CURVE, FND_SERVER, -1, "%s, %u bits (minimum %u)",
		    tls_group_name(f->group), (unsigned)bits, (unsigned)j->p->min_ec_bits);
	else if (k == TLS_GROUP_EXPLICIT)
		add(j, FND_WEAK_EC_CURVE, FND_SERVER, -1, "explicit curve parameters (RFC 8422 5.1.1)");
	if (f->has_ske_sigalg)
		sigalg_rule(j, FND_SERVER, "ServerKeyExchange", f->ske_sigalg);
	if (f->has_cv_sigalg)
		sigalg_rule(j, FND_CLIENT, "CertificateVerify", f->cv_sigalg);
}

/* CA/Browser Forum BR 6.3.2: the longest validity period allowed for a
 * subscriber certificate issued at not_before (ballots 193, SC-31 and
 * SC-081; 39 and 60 months as days).  In days. */
static uint32_t br_lifetime_days(int64_t not_before)
{
	static const struct { int64_t from; uint32_t days; } sched[] = {
		{ 1867536000, 47 },     /* 2029-03-15 */
		{ 1805068800, 100 },    /* 2027-03-15 */
		{ 1773532800, 200 },    /* 2026-03-15 */
		{ 1598918400, 398 },    /* 2020-09-01 */
		{ 1519862400, 825 },    /* 2018-03-01 */
		{ 1427846400, 1187 },   /* 2015-04-01: 39 months */
	};
	for (size_t i = 0; i < sizeof sched / sizeof sched[0]; i++)
		if (not_before >= sched[i].from)
			return sched[i].days;
	return 1827;                    /* 60 months (BR 1.0, 2012) */
}

/* Years 1000 to 9999 (every X.509 time in practice) without gmtime_r and
 * strftime, which cost a finding on an expired chain more than the rest of
 * the findings together; other years as strftime writes them. */
static void time_text(int64_t t, char buf[24])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t >= -30610224000 && t < 253402300800)
		jw_fmt_time(buf, t);
	else if (gmtime_r(&tt, &tm))
		strftime(buf, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(buf, 24, "%lld", (long long)t);
}

/* Dates of every certificate in the chain, at capture time. */
static void cert_dates(struct judge *j, unsigned side, const struct fnd_chain *ch)
{
	int64_t now = j->f->now, warn = (int64_t)j->p->expiry_warning_days * 86400;
	char tb[24];

	for (unsigned i = 0; i < ch->n; i++) {
		const struct fnd_cert *c = &ch->cert[i];
		if (!c->has_validity)
			continue;
		if (now > c->not_after) {
			time_text(c->not_after, tb);
			add(j, FND_CERTIFICATE_EXPIRED, side, -1, "chain[%u] expired %s", i, tb);
		} else if (now < c->not_before) {
			time_text(c->not_before, tb);
			add(j, FND_CERTIFICATE_NOT_YET_VALID, side, -1, "chain[%u] valid from %s", i, tb);
		} else if (c->not_after - now <= warn) {
			time_text(c->not_after, tb);
			add(j, FND_CERTIFICATE_EXPIRES_SOON, side, -1,
			    "chain[%u] expires %s, in %lld days", i, tb,
			    (long long)((c->not_after - now) / 86400));
		}
	}
	if (ch->n && ch->cert[0].has_validity && !ch->cert[0].self_signed) {
		const struct fnd_cert *c = &ch->cert[0];
		uint32_t max = j->p->max_lifetime_days ? j->p->max_lifetime_days
						       : br_lifetime_days(c->not_before);
		/* BR: the period includes both ends, so one second more. */
		int64_t life = c->not_after - c->not_before + 1;
		if (life > (int64_t)max * 86400)
			add(j, FND_CERTIFICATE_LIFETIME_TOO_LONG, side, -1,
			    "leaf valid for %lld days (maximum %u)",
			    (long long)((life + 86399) / 86400), (unsigned)max);
	}
}

static const char *key_name(enum fnd_key k)
{
	switch (k) {
	case FND_KEY_RSA: return "RSA";
	case FND_KEY_DSA: return "DSA";
	case FND_KEY_EC: return "EC";
	default: return "key";
	}
}

/* Keys and signatures: the leaf always, other certificates unless
 * self-signed (a root's own signature proves nothing, and the store
 * decides whether its key is trusted), as tls.*.validation does. */
static void cert_crypto(struct judge *j, unsigned side, const struct fnd_chain *ch)
{
	for (unsigned i = 0; i < ch->n; i++) {
		const struct fnd_cert *c = &ch->cert[i];
		uint32_t min = c->key == FND_KEY_EC ? j->p->min_ec_bits : j->p->min_rsa_bits;
		bool sized = c->key == FND_KEY_RSA || c->key == FND_KEY_DSA || c->key == FND_KEY_EC;

		if (sized && c->key_bits && c->key_bits < min && (i == 0 || !c->self_signed))
			add(j, FND_WEAK_CERTIFICATE_KEY, side,
			    c->key != FND_KEY_EC && c->key_bits < 1024 ? FND_HIGH : -1,
			    "chain[%u] %s %u bits (minimum %u)", i, key_name(c->key),
			    (unsigned)c->key_bits, (unsigned)min);
		if (c->self_signed)
			continue;
		if (c->sig_hash_bits == 128)
			add(j, FND_MD5_CERTIFICATE_SIGNATURE, side, -1, "chain[%u] signed with MD5", i);
		else if (c->sig_hash_bits == 160)
			add(j, FND_SHA1_CERTIFICATE_SIGNATURE, side, -1, "chain[%u] signed with SHA-1", i);
	}
}

static void cert_rules(struct judge *j)
{
	const struct fnd_chain *sv = &j->f->chain[FND_SERVER];
	const uint32_t untrusted = 1u << X509_ST_PARSE_ERROR | 1u << X509_ST_BAD_SIGNATURE |
				   1u << X509_ST_INCOMPLETE_CHAIN | 1u << X509_ST_UNKNOWN_CA |
				   1u << X509_ST_BAD_USAGE | 1u << X509_ST_OTHER;

	for (unsigned side = FND_CLIENT; side <= FND_SERVER; side++) {
		cert_dates(j, side, &j->f->chain[side]);
		cert_crypto(j, side, &j->f->chain[side]);
	}
	if (sv->n && sv->cert[0].self_signed)
		add(j, FND_SELF_SIGNED_CERTIFICATE, FND_SERVER, -1, "the server's leaf is self-signed");
	if (sv->validated && (sv->reasons & untrusted)) {
		unsigned r = 0;
		while (!(sv->reasons & untrusted & (1u << r)))
			r++;
		add(j, FND_UNTRUSTED_CHAIN, FND_SERVER, -1, "validation: %s",
		    x509_status_name((enum x509_status)r));
	}
	if (sv->validated && sv->sni_checked && !sv->sni_match)
		add(j, FND_SNI_CERTIFICATE_MISMATCH, FND_SERVER, -1,
		    "the leaf does not name the SNI host");
}

/* hello_retry_changed: the fields named, server_name first when it is one. */
static void retry_rule(struct judge *j, uint32_t m)
{
	unsigned n = 0, first = TLS_RETRY_SERVER_NAME;

	for (unsigned i = 0; i < TLS_RETRY_COUNT; i++)
		if (m & (1u << i))
			n++;
	while (!(m & (1u << first)))
		first = (first + 1) % TLS_RETRY_COUNT;
	add(j, FND_HELLO_RETRY_CHANGED, FND_CLIENT, -1, "second ClientHello changed %s%s",
	    tls_retry_name(first), n > 1 ? " and more" : "");
}

static void client_rules(struct judge *j)
{
	const struct fnd_facts *f = j->f;
	const unsigned weak = TLS_CIPHER_EXPORT | TLS_CIPHER_NULL | TLS_CIPHER_RC4 |
			      TLS_CIPHER_ANON_KX | TLS_CIPHER_DES;
	unsigned n = 0;
	uint16_t first = 0;

	if (!f->ch)
		return;
	if (f->ch_sslv2)
		add(j, FND_SSLV2_COMPATIBLE_HELLO, FND_CLIENT, -1, "ClientHello in SSL 2.0 format");
	else if (!f->ch_sni)
		add(j, FND_NO_SNI, FND_CLIENT, -1, "ClientHello without server_name");
	for (uint16_t i = 0; i < f->n_ch_ciphers; i++)
		if (tls_cipher_props(f->ch_ciphers[i]) & weak) {
			if (!n++)
				first = f->ch_ciphers[i];
		}
	if (n)
		add(j, FND_CLIENT_OFFERS_WEAK_CIPHERS, FND_CLIENT, -1, "%u weak suites offered, first %s",
		    n, tls_cipher_name(first));
	if (f->early_data_records)
		add(j, FND_ZERO_RTT_USED, FND_CLIENT, -1, "%u early data records (replayable)",
		    (unsigned)f->early_data_records);
	if (f->retry_changes)
		retry_rule(j, f->retry_changes);
}

static unsigned order_key(const struct fnd_finding *x)
{
	return (unsigned)(FND_SEV_COUNT - x->severity) << 16 | (unsigned)x->code << 1 | x->side;
}

unsigned fnd_judge(const struct fnd_facts *f, const struct fnd_policy *p, struct fnd_list *out)
{
	struct judge j = { f, p, out };

	out->n = 0;
	out->worst = FND_INFO;
	version_rules(&j);
	suite_rules(&j);
	kx_rules(&j);
	cert_rules(&j);
	client_rules(&j);
	/* Most severe first, then by code, then client before server. */
	for (unsigned i = 1; i < out->n; i++)
		for (unsigned k = i; k > 0 && order_key(&out->f[k]) < order_key(&out->f[k - 1]); k--) {
			struct fnd_finding t = out->f[k];
			out->f[k] = out->f[k - 1];
			out->f[k - 1] = t;
		}
	if (out->n)
		out->worst = out->f[0].severity;
	return out->n;
}
