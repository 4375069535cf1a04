/*
 * dtls.h - the DTLS record layer and handshake framing (RFC 6347 4.1 and
 * 4.2.2 for DTLS 1.0/1.2, RFC 9147 4 and 7 for DTLS 1.3's unified header and
 * ACK), OpenSSL's pre-standard DTLS (version 0x0100, DTLS1_BAD_VER), and the
 * reassembly of handshake messages from fragments (dtls_reasm.c).
 *
 * A datagram carries one or more records; nothing here buffers across
 * datagrams except dtls_reasm, which holds handshake fragments until their
 * message is whole.  Answers are those of every tlstap parser: TLS_OK,
 * TLS_NEED_MORE (the datagram ends inside the record: cut by the snaplen,
 * or not DTLS), TLS_BAD (this cannot be DTLS).
 */
#ifndef TLSTAP_DTLS_H
#define TLSTAP_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "tls_record.h"

/* Versions on the wire (ones' complement of the TLS minor numbers). */
#define DTLS_V10 0xfeffu
#define DTLS_V12 0xfefdu
#define DTLS_V13 0xfefcu
#define DTLS_BAD_VER 0x0100u     /* OpenSSL before 0.9.8f, Cisco AnyConnect */

/* Content types beyond TLS's 20..24 (RFC 9146, RFC 9147). */
#define DTLS_CT_TLS12_CID 25
#define DTLS_CT_ACK 26
/* Pseudo type of a DTLS 1.3 unified-header record: always encrypted. */
#define DTLS_CT_CIPHERTEXT 0x100

#define DTLS_RECORD_HDR 13
#define DTLS_HS_HDR 12
#define DTLS_MAX_CID 255

/*
 * DTLSPlaintext / DTLSCiphertext (RFC 6347 4.1), and DTLS 1.2 with a
 * connection id (RFC 9146: type 25, the cid between sequence and length):
 *
 *   +------+---------+-------+-----------------+=======+--------+=========+
 *   | type | version | epoch | sequence_number |  cid  | length | fragment|
 *   |  u8  |   u16   |  u16  |       u48       | (25)  |  u16   |         |
 *   +------+---------+-------+-----------------+=======+--------+=========+
 *
 * DTLS 1.3 unified header (RFC 9147 4), first byte 001CSLEE:
 *
 *   +----------+============+===============+=========+============+
 *   | 001CSLEE | cid (if C) | seq 8/16 (S)  | len (L) | ciphertext |
 *   +----------+============+===============+=========+============+
 *
 * The cid's length is not on the wire: it is what the peers agreed in the
 * connection_id extension, passed in as cid_len (0 when unknown).
 */
struct dtls_record {
	uint16_t type;          /* content type, or DTLS_CT_CIPHERTEXT */
	uint16_t version;       /* 0 for the unified header */
	uint16_t epoch;         /* the low two bits only for the unified header */
	uint64_t seq;           /* 48 bits, or the 8/16 low bits (unified) */
	bool unified;
	bool has_len;           /* the unified header's L bit (plaintext: true) */
	uint8_t cid_len;
	const uint8_t *cid;     /* into the datagram, or NULL */
	const uint8_t *body;    /* into the datagram */
	uint16_t len;
};

/* Whether v is a DTLS version (1.0, 1.2, 1.3 or OpenSSL's 0x0100). */
bool dtls_is_version(uint16_t v);

/* The TLS version a DTLS version is built on (RFC 6347 1, RFC 9147 1):
 * 1.0 -> 0x0302, 1.2 -> 0x0303, 1.3 -> 0x0304; OpenSSL's 0x0100 -> 0x0300
 * (its messages have SSL 3.0's shape); any other value is returned as it is. */
uint16_t dtls_tls_version(uint16_t v);

/* The record at the start of p (n bytes to the end of the datagram).
 * OK: *r filled (pointers into p), *consumed its size.  NEED_MORE: the
 * datagram ends inside the header or the declared body.  BAD: a type,
 * version or length that cannot be DTLS. */
enum tls_status dtls_record_parse(const uint8_t *p, size_t n, uint8_t cid_len,
				  struct dtls_record *r, size_t *consumed);

/* Whether a datagram starts a DTLS flow: every record in it parses to its
 * end, in plaintext headers with one DTLS version, and a handshake record's
 * first fragment header is consistent.  A datagram of only unified-header
 * (encrypted) records is not enough to recognise a flow.  RFC 7983: the
 * first byte of DTLS is 20..63, so STUN, ZRTP, TURN and RTP never match. */
bool dtls_sniff(const uint8_t *p, size_t n);

/*
 * RFC 5415 4.2: a CAPWAP datagram of a DTLS-protected channel (control,
 * port 5246, or data, 5247) begins with the CAPWAP DTLS header, then the
 * DTLS records:
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version| Type=1|               Reserved (0)                    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Returns DTLS_CAPWAP_HDR when p[0..n) starts with that header (version 0,
 * reserved bits zero) and more bytes follow, else 0.
 */
#define DTLS_CAPWAP_HDR 4
size_t dtls_capwap_header(const uint8_t *p, size_t n);

/*
 * Handshake fragment (RFC 6347 4.2.2, RFC 9147 5.2):
 *
 *   +------+--------+-------------+-----------------+-----------------+======+
 *   | type | length | message_seq | fragment_offset | fragment_length | body |
 *   |  u8  |  u24   |     u16     |       u24       |       u24       |      |
 *   +------+--------+-------------+-----------------+-----------------+======+
 */
struct dtls_hs_frag {
	uint8_t type;
	uint32_t msg_len;
	uint16_t msg_seq;
	uint32_t frag_off, frag_len;
	const uint8_t *body;    /* frag_len bytes, into the record */
};

/* One fragment at the start of a handshake record's body.  OK: *consumed =
 * 12 + frag_len.  NEED_MORE: the record ends inside it.  BAD: the fragment
 * reaches past its message's length. */
enum tls_status dtls_hs_frag_parse(const uint8_t *p, size_t n, struct dtls_hs_frag *f,
				   size_t *consumed);

/*
 * HelloVerifyRequest (RFC 6347 4.2.1):
 *   | server_version u16 | cookie<0..2^8-1> |
 * Returns 0 with *version and *cookie_len, -1 (anomaly added) when it does
 * not parse.
 */
int dtls_parse_hello_verify_request(const uint8_t *body, size_t len, uint16_t *version,
				    uint8_t *cookie_len, struct anom_set *a);

/*
 * The connection_id extension (RFC 9146 3, RFC 9147 9) of a ClientHello
 * (client: true; its cookie is skipped) or a ServerHello body:
 *   extension 54: | cid<0..2^8-1> |
 * Returns 1 with *cid_len when the extension is there, 0 when it is not or
 * the hello does not parse that far.  The cid a hello carries is the one
 * its sender wants to receive: it prefixes the records its peer sends.
 */
int dtls_hello_cid(const uint8_t *body, size_t len, bool client, uint8_t *cid_len);

/*
 * ACK (RFC 9147 7):  record_numbers<0..2^16-1>, each { u64 epoch; u64 seq }.
 * Returns the number of record numbers, or -1 (anomaly dtls_ack_malformed).
 */
int dtls_parse_ack(const uint8_t *body, size_t len, struct anom_set *a);

/* ---- handshake message reassembly (dtls_reasm.c) ---- */

#define DTLS_REASM_SLOTS 8

/* One message being assembled: its bytes and a bitmap of those received. */
struct dtls_reasm_slot {
	bool used, done;
	uint8_t type;
	uint16_t msg_seq;
	uint32_t len, have;     /* declared length; distinct bytes received */
	uint32_t cap;           /* bytes of buf: as far as fragments reached */
	uint8_t *buf;           /* cap bytes */
	uint8_t *bits;          /* (cap + 7) / 8: which bytes arrived */
};

/*
 * Per direction.  Messages are handed out in message_seq order, each once:
 * a fragment of a message already handed out, or whose bytes all arrived
 * already, is a retransmission (counted in `retransmits`, not delivered
 * again); a fragment overlapping bytes already held is counted in
 * `overlaps` (and `conflicts` when the bytes differ; the first copy wins).
 * At most DTLS_REASM_SLOTS messages are held; when they are all taken and
 * the next expected one is missing, or when dtls_reasm_next() is told to
 * flush, the missing sequence numbers are skipped (`skipped`) and messages
 * never completed are dropped (`incomplete`).  A message longer than
 * max_msg is never held; it is skipped when its turn comes.
 * Memory: a slot's buffer is malloc'ed only as far as the fragments that
 * arrived reach into the message (never its declared length up front), at
 * most max_msg bytes plus an eighth for the bitmap; `mem` is what is held.
 */
struct dtls_reasm {
	struct dtls_reasm_slot slot[DTLS_REASM_SLOTS];
	uint32_t max_msg;       /* larger messages: DTLS_R_TOO_LARGE */
	uint32_t next_seq;      /* the next message_seq to hand out */
	int32_t big_seq;        /* message_seq of the last too-large message, -1 */
	struct dtls_reasm_slot *out;    /* handed out, freed by the next call */
	size_t mem;
	uint32_t retransmits, overlaps, conflicts, skipped, incomplete;
};

enum dtls_reasm_result {
	DTLS_R_HELD = 0,        /* kept (or a counted retransmission) */
	DTLS_R_TOO_LARGE,       /* msg_len > max_msg: dropped, said once per message */
	DTLS_R_INCONSISTENT,    /* another type or length for a known message_seq */
	DTLS_R_DROPPED,         /* too far ahead, or every slot taken */
	DTLS_R_NOMEM,
};

void dtls_reasm_init(struct dtls_reasm *r, uint32_t max_msg);
/* Frees every buffer; r may be reused after dtls_reasm_init(). */
void dtls_reasm_free(struct dtls_reasm *r);
/* Add one fragment (its body is copied). */
enum dtls_reasm_result dtls_reasm_add(struct dtls_reasm *r, const struct dtls_hs_frag *f);

struct dtls_hs_msg {
	uint8_t type;
	uint16_t msg_seq;
	const uint8_t *body;    /* valid until the next dtls_reasm_* call */
	uint32_t len;
};

/* The next whole message in message_seq order: true and *m filled, or false
 * when the next one is not complete.  The message is released by the next
 * call.  With `flush`, missing messages are skipped (end of the flow). */
bool dtls_reasm_next(struct dtls_reasm *r, bool flush, struct dtls_hs_msg *m);

#endif
