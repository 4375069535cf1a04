/*
 * findings.h - security findings per session: what is weak about a
 * handshake, and why (README "Findings", FIELDS.md "tls.findings").
 *
 *   facts (plain struct, filled from what the record states)
 *      + capture time + policy  --fnd_judge-->  bounded list of findings
 *
 * The module is pure: it reads no session, certificate or wire bytes, only
 * struct fnd_facts, so that every finding follows from fields that are in
 * the record and a SIEM can recompute or override it.  Findings never
 * replace facts: the record keeps every fact they were derived from.
 *
 * The policy (thresholds, findings turned off, severities) is read from a
 * key = value file (--findings-config) or single lines (--findings-set);
 * fnd_policy_parse() documents the format.
 */
#ifndef TLSTAP_FINDINGS_H
#define TLSTAP_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Codes, in the order tls.findings lists findings of equal severity. */
enum fnd_code {
	FND_DEPRECATED_VERSION,
	FND_NULL_CIPHER,
	FND_EXPORT_CIPHER,
	FND_ANONYMOUS_KEY_EXCHANGE,
	FND_RC4,
	FND_DES,
	FND_3DES,
	FND_CBC_MODE,
	FND_NO_FORWARD_SECRECY,
	FND_WEAK_DH_GROUP,
	FND_WEAK_EC_CURVE,
	FND_WEAK_SIGNATURE_SCHEME,
	FND_COMPRESSION_ENABLED,
	FND_HEARTBEAT_ENABLED,
	FND_NO_SECURE_RENEGOTIATION,
	FND_INSECURE_RENEGOTIATION_SEEN,
	FND_DOWNGRADE_SENTINEL,
	FND_ZERO_RTT_USED,
	FND_CERTIFICATE_EXPIRED,
	FND_CERTIFICATE_NOT_YET_VALID,
	FND_CERTIFICATE_EXPIRES_SOON,
	FND_CERTIFICATE_LIFETIME_TOO_LONG,
	FND_WEAK_CERTIFICATE_KEY,
	FND_MD5_CERTIFICATE_SIGNATURE,
	FND_SHA1_CERTIFICATE_SIGNATURE,
	FND_SELF_SIGNED_CERTIFICATE,
	FND_UNTRUSTED_CHAIN,
	FND_SNI_CERTIFICATE_MISMATCH,
	FND_NO_SNI,
	FND_CLIENT_OFFERS_WEAK_CIPHERS,
	FND_SSLV2_COMPATIBLE_HELLO,
	FND_HELLO_RETRY_CHANGED,
	FND_COUNT
};

enum fnd_severity { FND_INFO, FND_LOW, FND_MEDIUM, FND_HIGH, FND_SEV_COUNT };

/* The side a finding concerns (whose configuration would change it). */
enum fnd_side { FND_CLIENT, FND_SERVER };

/* Certificate key algorithms, as x509.public_key_algorithm names them. */
enum fnd_key { FND_KEY_UNKNOWN, FND_KEY_RSA, FND_KEY_DSA, FND_KEY_EC, FND_KEY_OTHER };

#define FND_MAX_CERTS 16        /* certificates judged per chain (the rest ignored) */

/* One certificate of a chain (the record's tls.<side>.chain[i]). */
struct fnd_cert {
	enum fnd_key key;
	uint32_t key_bits;              /* public_key_size; 0 unknown */
	uint16_t sig_hash_bits;         /* hash of its signature: 128 MD2/MD4/MD5,
					 * 160 SHA-1, more for SHA-2; 0 unknown */
	bool self_signed;
	bool has_validity;
	int64_t not_before, not_after;  /* seconds since the epoch */
};

struct fnd_chain {
	struct fnd_cert cert[FND_MAX_CERTS];    /* leaf first, as sent */
	uint8_t n;
	/* tls.server.validation (server chain only) */
	bool validated;
	uint32_t reasons;               /* bit (1u << enum x509_status) per reason */
	bool sni_checked, sni_match;
};

/* What one session record states.  Unset fields (zero) mean "not seen". */
struct fnd_facts {
	int64_t now;                    /* capture time: the record's @timestamp, s */

	/* ClientHello (tls.client) */
	bool ch;                        /* a ClientHello was seen */
	bool ch_sslv2;                  /* sslv2_hello */
	bool ch_sni;                    /* server_name */
	bool ch_reneg;                  /* renegotiation_info (65281) in extensions, or
					 * TLS_EMPTY_RENEGOTIATION_INFO_SCSV offered */
	uint16_t ch_max_version;        /* highest of supported_versions (else the
					 * legacy version); 1.3 drafts count as 0x0304 */
	const uint16_t *ch_ciphers;     /* supported_ciphers, wire order */
	uint16_t n_ch_ciphers;
	uint32_t early_data_records;    /* early_data_records (0-RTT) */
	uint32_t retry_changes;         /* hello_retry_changed (1u << TLS_RETRY_*) */

	/* negotiation (tls.version, tls.cipher, tls.server) */
	bool sh;                        /* a ServerHello (not a HelloRetryRequest) */
	uint16_t version;               /* negotiated; 0x0002 for SSLv2 */
	bool has_cipher;
	uint16_t cipher;                /* TLS suite (not SSLv2) */
	uint32_t v2_cipher;             /* SSLv2 cipher kind, 0 none */
	bool has_compression;
	uint8_t compression;            /* tls.compression */
	bool resumed;
	bool tls13_psk_only;            /* key_exchange.method "psk" (TLS 1.3, no key share) */
	bool sh_reneg, sh_heartbeat;    /* 65281 / 15 in tls.server.extensions */
	uint8_t downgrade;              /* downgrade_sentinel: 12 "1.2", 11 "1.1", 0 none */
	bool has_group;
	uint16_t group;                 /* tls.curve (key_share or ServerKeyExchange) */
	uint32_t dh_bits;               /* key_exchange.dh_bits, 0 none */
	bool has_ske_sigalg, has_cv_sigalg;
	uint16_t ske_sigalg;            /* key_exchange.signature_algorithm */
	uint16_t cv_sigalg;             /* tls.client.certificate_verify.signature_algorithm */

	/* after the handshake began */
	int renegotiated_by;            /* side whose encrypted_handshake follows its own
					 * finished (TLS <= 1.2), -1 none */
	bool heartbeat_records;         /* the anomaly `heartbeat` */

	struct fnd_chain chain[2];      /* [FND_CLIENT], [FND_SERVER] */
};

struct fnd_policy {
	uint32_t expiry_warning_days;   /* certificate_expires_soon: 30 */
	uint32_t min_dh_bits;           /* weak_dh_group: 2048 */
	uint32_t min_rsa_bits;          /* weak_certificate_key, RSA and DSA: 2048 */
	uint32_t min_ec_bits;           /* weak_ec_curve, weak_certificate_key (EC): 224 */
	uint32_t max_lifetime_days;     /* certificate_lifetime_too_long; 0: the CA/B
					 * Forum schedule by notBefore (FIELDS.md) */
	uint64_t disabled;              /* bit (1 << code) per finding turned off */
	int8_t severity[FND_COUNT];     /* -1: the code's default */
};

struct fnd_finding {
	uint8_t code;                   /* enum fnd_code */
	uint8_t severity;               /* enum fnd_severity */
	uint8_t side;                   /* enum fnd_side */
	const char *reference;          /* static text */
	char message[112];              /* made by us, never wire bytes */
};

/* Each code at most once per side, so the list cannot overflow. */
#define FND_MAX (2 * FND_COUNT)

struct fnd_list {
	struct fnd_finding f[FND_MAX];
	unsigned n;
	unsigned worst;                 /* highest severity present (valid when n) */
};

void fnd_policy_defaults(struct fnd_policy *p);

/* Applies the policy text [text, text+len) on top of *p (later lines win;
 * `disable` and `enable` accumulate).  `source` names the text in errors
 * ("FILE:LINE: reason" into err).  Returns 0, or -1 with *p partly
 * updated (the caller exits on a usage error).  Format:
 *   # comment                      (also after a value: " # ...")
 *   expiry_warning_days = 30
 *   min_dh_bits = 2048
 *   min_rsa_bits = 2048
 *   min_ec_bits = 224
 *   max_certificate_lifetime_days = br | DAYS
 *   disable = code, code ...       (`all` for every code)
 *   enable = code, code ...
 *   severity.CODE = info | low | medium | high
 */
int fnd_policy_parse(struct fnd_policy *p, const char *text, size_t len, const char *source,
		     char *err, size_t errlen);

/* Fills out with the findings of f under p, most severe first, codes in
 * enum order within a severity.  Returns out->n. */
unsigned fnd_judge(const struct fnd_facts *f, const struct fnd_policy *p, struct fnd_list *out);

/* Static names: "deprecated_version", "high", "server"; NULL out of range. */
const char *fnd_code_name(unsigned code);
const char *fnd_severity_name(unsigned sev);
const char *fnd_side_name(unsigned side);
/* The code named [name, name+len), or -1. */
int fnd_code_by_name(const char *name, size_t len);

#endif
