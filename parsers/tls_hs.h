/*
 * tls_hs.h - TLS handshake message parsers (RFC 8446 4, RFC 5246 7.4,
 * RFC 4492/8422, RFC 6066, RFC 6961, RFC 5077/8446 NewSessionTicket).
 *
 *     +---------+-------------+==========================+
 *     | msg_type| length (u24)| body (length)            |
 *     +---------+-------------+==========================+
 *
 * Each parser reads one complete message body (the handshake layer in the
 * session has already joined it across records) and fills a result struct.
 * Return: 0 parsed; -1 malformed - the fields read before the fault are kept,
 * and a named anomaly (README "Anomalies") is added to `a`.  Parsers never
 * read outside [body, body+len) and keep no pointers into it unless a field
 * says so.
 */
#ifndef TLSTAP_TLS_HS_H
#define TLSTAP_TLS_HS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "tls_hello.h"
#include "tls_record.h"

enum tls_hs_type {
	TLS_HS_HELLO_REQUEST = 0,
	TLS_HS_CLIENT_HELLO = 1,
	TLS_HS_SERVER_HELLO = 2,
	TLS_HS_HELLO_VERIFY_REQUEST = 3,
	TLS_HS_NEW_SESSION_TICKET = 4,
	TLS_HS_END_OF_EARLY_DATA = 5,
	TLS_HS_HELLO_RETRY_REQUEST = 6,   /* draft-era code; HRR is a ServerHello */
	TLS_HS_ENCRYPTED_EXTENSIONS = 8,
	TLS_HS_CERTIFICATE = 11,
	TLS_HS_SERVER_KEY_EXCHANGE = 12,
	TLS_HS_CERTIFICATE_REQUEST = 13,
	TLS_HS_SERVER_HELLO_DONE = 14,
	TLS_HS_CERTIFICATE_VERIFY = 15,
	TLS_HS_CLIENT_KEY_EXCHANGE = 16,
	TLS_HS_FINISHED = 20,
	TLS_HS_CERTIFICATE_URL = 21,
	TLS_HS_CERTIFICATE_STATUS = 22,
	TLS_HS_SUPPLEMENTAL_DATA = 23,
	TLS_HS_KEY_UPDATE = 24,
	TLS_HS_COMPRESSED_CERTIFICATE = 25,
	TLS_HS_MESSAGE_HASH = 254,
};

#define TLS_HS_HDR 4

/* The 4-byte handshake header at p: OK with *type and *len; NEED_MORE if n < 4. */
enum tls_status tls_hs_header(const uint8_t *p, size_t n, uint8_t *type, uint32_t *len);

/* ClientHello.  The caller zeroes *ch; with ch->dtls set first, the DTLS
 * cookie after session_id is read (its length into ch->cookie_len). */
int tls_parse_client_hello(const uint8_t *body, size_t len, struct tls_client_hello *ch,
			   struct anom_set *a);
/* What the handshake needs of a TLS ClientHello at once, read without
 * parsing the rest: whether it carries early_data (42) and its
 * supported_versions (43), as tls_parse_client_hello would set
 * has_early_data, versions and n_versions on the same bytes (the same
 * stops on malformed input, the same cap, a repeat replacing the list).
 * The full parse can then wait until the record is built. */
struct tls_ch_brief {
	bool has_early_data;
	uint16_t n_versions;
	uint16_t versions[TLS_MAX_VERSIONS];
};
void tls_scan_client_hello(const uint8_t *body, size_t len, struct tls_ch_brief *b);
/* The session id of the ClientHello body (a TLS one, not DTLS) into *sid,
 * its length returned: 0 where tls_parse_client_hello would keep none. */
size_t tls_scan_session_id(const uint8_t *body, size_t len, const uint8_t **sid);
/* SSLv2 CLIENT-HELLO (the body after the SSLv2 record header, starting with
 * msg type 1); fills legacy_version, ciphers (3-byte SSLv2 specs that are
 * TLS suites 0x00XXXX become XXXX; others are counted, not stored) and sets sslv2. */
int tls_parse_sslv2_client_hello(const uint8_t *body, size_t len,
				 struct tls_client_hello *ch, struct anom_set *a);
/* TLS 1.3 EncryptedExtensions (RFC 8446 4.3.1): its extensions are
 * checked like a ServerHello's; the selected ALPN is copied to *alpn
 * (*has_alpn says whether there was one); *early_data says whether it
 * carried early_data (42): the server accepted 0-RTT (RFC 8446 4.2.10). */
int tls_parse_encrypted_extensions(const uint8_t *body, size_t len,
				   struct tls_alpn_list *alpn, bool *has_alpn, bool *early_data,
				   struct anom_set *a);
/* Also recognises HelloRetryRequest (sh->is_hrr) and the downgrade sentinel.
 * The caller zeroes *sh first, or clears it with tls_server_hello_clear. */
int tls_parse_server_hello(const uint8_t *body, size_t len, struct tls_server_hello *sh,
			   struct anom_set *a);
/* *sh as zeroed for the parse, except the lists' storage past their counts
 * (extension codes, ALPN names), which nothing reads: about a hundred
 * bytes written instead of the struct's 1.7 KB, every one of them a cache
 * line to take for a struct that comes back from a pool. */
void tls_server_hello_clear(struct tls_server_hello *sh);

/* Certificate (TLS <= 1.2: certificate_list of u24 DER; 1.3 layout when
 * tls13: request context and per-entry extensions).  Stores at most max
 * (pointer, length) pairs pointing into body; *n_total counts all entries. */
struct tls_cert_ref {
	const uint8_t *der;
	uint32_t len;
};
int tls_parse_certificate(const uint8_t *body, size_t len, bool tls13,
			  struct tls_cert_ref *certs, size_t max, size_t *n, size_t *n_total,
			  struct anom_set *a);

/* ServerKeyExchange, shape chosen by the key exchange of the cipher suite
 * (kx as tls_cipher_kx() names it) and whether signature_algorithm fields
 * are present (TLS 1.2: version >= 0x0303). */
struct tls_ske {
	bool has_group;
	uint16_t group;          /* ECDHE named curve */
	uint8_t curve_type;      /* 3 = named_curve */
	uint32_t dh_bits;        /* DHE: bits of p (leading zero bits excluded) */
	bool has_sigalg;
	uint16_t sigalg;
	uint16_t sig_len;
};
int tls_parse_server_key_exchange(const uint8_t *body, size_t len, const char *kx,
				  uint16_t version, struct tls_ske *ske, struct anom_set *a);

/* CertificateRequest (TLS <= 1.2).  Authorities are DER DNs, referenced. */
#define TLS_MAX_CERT_TYPES 16
#define TLS_MAX_AUTHORITIES 16
struct tls_cert_request {
	uint8_t types[TLS_MAX_CERT_TYPES];
	uint16_t n_types;
	uint16_t sigalgs[TLS_MAX_SIGALGS];
	uint16_t n_sigalgs;
	struct tls_cert_ref authorities[TLS_MAX_AUTHORITIES];
	uint16_t n_authorities, n_authorities_total;
};
int tls_parse_certificate_request(const uint8_t *body, size_t len, uint16_t version,
				  struct tls_cert_request *cr, struct anom_set *a);

/* CertificateVerify (TLS 1.2 has a SignatureAndHashAlgorithm; earlier not). */
int tls_parse_certificate_verify(const uint8_t *body, size_t len, uint16_t version,
				 bool *has_sigalg, uint16_t *sigalg, struct anom_set *a);

/* NewSessionTicket: lifetime hint (<= 1.2) or ticket_lifetime (1.3). */
int tls_parse_new_session_ticket(const uint8_t *body, size_t len, bool tls13,
				 uint32_t *lifetime, uint16_t *ticket_len, struct anom_set *a);

/* CertificateStatus: status_type (1 = ocsp) and the response length. */
int tls_parse_certificate_status(const uint8_t *body, size_t len, uint8_t *type,
				 uint32_t *resp_len, struct anom_set *a);

/* ClientKeyExchange: only its length is reported (the contents are secret
 * or public values with no analysis value); checks the shape for kx. */
int tls_parse_client_key_exchange(const uint8_t *body, size_t len, const char *kx,
				  uint16_t version, struct anom_set *a);

/* Alert record body (2 bytes): level and description. */
int tls_parse_alert(const uint8_t *body, size_t len, uint8_t *level, uint8_t *desc);

#endif
