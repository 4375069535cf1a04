/*
 * tls_record.h - the TLS record layer (RFC 8446 5.1, RFC 5246 6.2) and the
 * SSLv2 record header (draft-hickman-netscape-ssl-00, RFC 6101 E.2).
 *
 *     +------+---------+---------+====================+
 *     | type | version | length  | fragment (length)  |
 *     |  u8  |   u16   |   u16   |                    |
 *     +------+---------+---------+====================+
 *
 * Pure functions over bytes already in memory: no buffering here; the caller
 * (the session, fed by reassembly) re-presents unconsumed bytes.
 */
#ifndef TLSTAP_TLS_RECORD_H
#define TLSTAP_TLS_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum tls_content_type {
	TLS_CT_CCS = 20,
	TLS_CT_ALERT = 21,
	TLS_CT_HANDSHAKE = 22,
	TLS_CT_APPDATA = 23,
	TLS_CT_HEARTBEAT = 24,
};

/* Three answers, as every stream-fed parser in tlstap gives them. */
enum tls_status {
	TLS_OK = 0,        /* parsed; *consumed says how much */
	TLS_NEED_MORE = 1, /* not enough bytes yet; *need says how many in all */
	TLS_BAD = 2,       /* this is not (valid) TLS at this position */
};

#define TLS_RECORD_HDR 5
/* RFC 8446 5.2: ciphertext may exceed 2^14 by 256 (1.3) or 2048 (<= 1.2). */
#define TLS_MAX_RECORD (16384 + 2048)

struct tls_record {
	uint8_t type;
	uint16_t version;
	const uint8_t *body;   /* points into the caller's buffer */
	uint16_t len;
};

/* One record at p.  OK: *consumed = 5 + len.  NEED_MORE: *need = bytes
 * required in all.  BAD: unknown content type, a version whose major byte is
 * not 3 (or 0xfe for DTLS-looking bytes), or a length above TLS_MAX_RECORD. */
enum tls_status tls_record_parse(const uint8_t *p, size_t n, struct tls_record *r,
				 size_t *consumed, size_t *need);

/* SSLv2 record: 2-byte header (high bit set) or 3-byte header.  On OK the
 * body is the SSLv2 message (its first byte the message type: 1
 * CLIENT-HELLO, 4 SERVER-HELLO, ...). */
enum tls_status tls_sslv2_record_parse(const uint8_t *p, size_t n, struct tls_record *r,
				       size_t *consumed, size_t *need);

/* Whether a byte stream starts like TLS or SSL: a record of a known content
 * type with version 3.0 to 3.4 (any 3.x for a record that starts with a
 * ClientHello, whose record version receivers ignore) and a plausible
 * length (a handshake record must also start with a known handshake type;
 * the other types are accepted so that a connection joined midstream is
 * recognised), or an SSLv2 CLIENT-HELLO / SERVER-HELLO whose record is long
 * enough to hold one.  Up to 32 empty handshake records before it are
 * skipped, as stacks skip them.  Decides from at most the first 7 bytes
 * after those: OK (looks like TLS), NEED_MORE, BAD (not TLS). */
enum tls_status tls_sniff(const uint8_t *p, size_t n);

#endif
