/*
 * session_impl.h - the private shape of struct session, shared by the
 * handshake core (tls_core.c, tls_core_hs.c), its TCP carrier (session.c)
 * the verdict (verdict.c, session_facts.c) and the record builder
 * (session_emit.c), and nobody else.  Everything here is flow-relative: d[0] and d[1] are the flow's two
 * directions; which of them is the TLS client is decided by content
 * (s->client) and handed to the emitter as client_side.
 */
#ifndef TLSTAP_SESSION_IMPL_H
#define TLSTAP_SESSION_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "../parsers/anomaly.h"
#include "../parsers/digest.h"
#include "../parsers/dtls.h"
#include "../parsers/prelude.h"
#include "../parsers/tls_hello.h"
#include "../parsers/tls_hs.h"
#include "../parsers/tls_stream.h"
#include "tls_core.h"

/* tls.handshake_messages entries: a handshake type (0..255) or one of these
 * pseudo messages, which have no handshake type of their own. */
enum {
	SESS_MSG_CCS = 256,             /* change_cipher_spec */
	SESS_MSG_ENC_HS,                /* encrypted_handshake (TLS 1.3 flight, SSLv2, renegotiation) */
	SESS_MSG_ENC_FINISHED,          /* finished: the encrypted record after CCS (<= 1.2) */
	SESS_MSG_HRR,                   /* hello_retry_request (a ServerHello on the wire) */
	SESS_MSG_V2_CLIENT_MASTER_KEY,  /* SSLv2 client_master_key */
	SESS_MSG_V2_ERROR,              /* SSLv2 error */
	/* timeline only (tls.handshake_timeline), not handshake_messages: */
	SESS_MSG_ALERT,                 /* the next entry of the alerts */
	SESS_MSG_APPDATA,               /* a side's first application data record */
};

/* One entry of tls.handshake_messages and tls.handshake_timeline. */
struct sess_msg {
	uint16_t code;                  /* handshake type or SESS_MSG_* */
	uint8_t dir;
	uint32_t len;                   /* bytes on the wire (FIELDS.md) */
	uint64_t ts;                    /* capture time of the record that completed it */
	bool post;                      /* TLS 1.3 post-handshake (decrypted, after the
					 * client's Finished) */
};

struct sess_alert {
	uint8_t dir;
	uint8_t level;                  /* 1 warning, 2 fatal, other: unknown */
	uint8_t desc;
	bool encrypted;
	bool decrypted;                 /* encrypted, read with a key log: level and desc real */
	bool sslv2;                     /* SSLv2 ERROR message: desc is its code */
};

/* Why the outcome is what it is: the event and the side that caused it. */
enum sess_cause {
	SC_NONE = 0,
	SC_ALERT,                       /* a cleartext or encrypted alert record (fail_al) */
	SC_INFERRED_ALERT,              /* TLS 1.3 alert-sized encrypted record */
	SC_RESET,
	SC_CLOSED,
	SC_NO_RESPONSE,                 /* server sent nothing */
	SC_SERVER_NOT_TLS,              /* server answered with non-TLS bytes */
	SC_INCOMPLETE,
	SC_MALFORMED,                   /* fail_anom names the anomaly */
	SC_MIDSTREAM,                   /* picked up after the handshake */
	SC_ONE_SIDED,                   /* one direction was never captured */
};

struct sess_dir {
	bool got_bytes;                 /* any payload was presented */
	bool broken;                    /* its framing broke (invalid record), not yet
					 * resynchronised (tls_core_discard) */
	bool ccs;                       /* sent ChangeCipherSpec (TLS <= 1.2) */
	bool enc;                       /* its records are encrypted from now on */
	bool finished;                  /* sent its Finished */
	bool fin, rst;
	uint32_t appdata;               /* application_data records after its CCS */
	/* handshake reassembly: only bytes that arrived, at most
	 * 4 + cfg.max_handshake_msg of them */
	uint8_t *hs;
	uint32_t hs_len, hs_cap;
	uint32_t hs_skip;               /* bytes of an oversized message still to drop */
	bool hs_resync;                 /* after a gap: skip handshake records until one
					 * starts with a plausible message header */
	uint32_t v2_enc_records;        /* SSLv2 encrypted records */
	uint64_t note_bytes;            /* session_note_payload() after the decision */
	bool pre_tls;                   /* the prelude handed this direction to TLS */
	bool pre_done;                  /* ... or said it will carry none */
	/* TDS: the TLS stream unwrapped from PRELOGIN packets, parsed from here
	 * (the one place the session buffers bytes itself: records span packets) */
	uint8_t *wrap;
	uint32_t wrap_len;
	bool wrapped;                   /* every later byte goes through wrap */
};

/* DTLS (session_dtls.c): what a datagram transport adds, allocated for
 * DTLS sessions only. */
struct sess_dtls {
	struct dtls_reasm rs[2];        /* handshake fragments, per flow direction */
	uint16_t epoch[2];              /* the epoch each side's CCS switched to */
	uint16_t fin_len[2];            /* size of each side's encrypted Finished record */
	uint32_t retransmits;           /* records seen again (fragments, CCS, Finished) */
	uint32_t overlaps;              /* fragments partly overlapping bytes held */
	size_t mem_counted;             /* reassembly bytes counted in the session's mem */
	uint64_t last_ts;               /* time of the last datagram (for the final flush) */
	uint8_t cid_len[2];             /* connection id length of each side's records */
};

struct session {
	struct tt_ctx *ctx;
	const char *transport;          /* what carries it: "tcp", ... */
	struct tls_stream rs[2];        /* TCP carrier: each direction's record stream (session.c) */
	/* the cleartext before TLS (upgrade, proxy), allocated when the first
	 * bytes are not TLS (session_prelude.c) */
	struct pre_state *pre;
	struct dig_b64 *adat;           /* [2] GridFTP: each side's ADAT base64
					 * between pieces; heap, NULL until then */
	bool pre_tried;                 /* started once: never again */
	const char *framing;            /* static: the protocol whose packets
	                                 * carry the records ("capwap"), NULL */
	uint16_t port[2];               /* flow ports, the prelude's hint */
	size_t mem;                     /* bytes counted in ctx->sess_mem */
	int syn_side;
	int client;                     /* flow-relative client side, -1 unknown */
	struct sess_dir d[2];
	uint64_t gap_bytes[2];          /* bytes of each direction never captured */

	enum tls_outcome outcome;
	bool is_tls;                    /* a direction's first bytes looked like TLS */
	bool not_tls;                   /* the first bytes were not TLS */
	bool midstream;                 /* reassembly joined the connection late */
	bool counted;                   /* counted in ctx->st.sessions */
	enum sess_cause cause;
	int cause_dir;                  /* side that caused it, -1 unknown */
	const char *fail_stage;         /* message expected next at the decision */
	const char *fail_anom;          /* SC_MALFORMED: the anomaly code */
	struct sess_alert fail_al;      /* SC_ALERT / SC_INFERRED_ALERT: the alert */
	int first_fin;                  /* side of the first FIN, -1 none */

	/* hellos, allocated on demand (several KB each) */
	struct tls_client_hello *ch;    /* the first ClientHello (JA3/JA4 source) when
					 * its pack could not be allocated; read it
					 * with core_ch() */
	uint8_t *ch_pack;               /* otherwise the parsed hello, packed
					 * (tls_hello_pack), unpacked by core_ch();
					 * or, with ch_raw, its bytes as they came,
					 * parsed by core_ch() */
	uint32_t ch_pack_len;
	bool ch_raw;                    /* ch_pack holds the bytes, not a pack */
	bool ch_anom_done;              /* ... and its anomalies are in anom, */
	uint8_t ch_anom_at;             /* ... from this place in its order */
	bool ch_early_data;             /* the kept hello offered early_data ... */
	bool ch_offers13;               /* ... and TLS 1.3 (asked per record: no
					 * parse again while other sessions own
					 * the scratch) */
	struct tls_server_hello *sh;    /* the ServerHello, or the HRR if no other came */
	struct tls_server_hello *hrr_sh; /* the HRR once a ServerHello followed it:
					 * JA3S/JA4S fingerprint the first one */
	uint8_t n_ch;                   /* ClientHellos seen */
	bool cli_after_ch;              /* the client sent records only an answered
					 * client sends (CKE, CCS, Finished, ...) */
	bool sh_seen;                   /* a ServerHello that is not an HRR */
	bool sh_bad;                    /* its parser reported it malformed */
	bool hrr;                       /* a HelloRetryRequest was seen */
	uint32_t retry_changes;         /* what the second ClientHello changed
					 * (1u << TLS_RETRY_*, parsers/tls_retry.h) */
	uint8_t *retry_sni;             /* its server name when that changed (owned) */
	uint16_t retry_sni_len;
	bool retry_sni_present;         /* it carried a server_name at all */
	bool tls13;
	bool resumed;
	uint16_t version;               /* negotiated, 0 before a ServerHello */

	/* SSLv2 exchange (server answered with SERVER-HELLO) */
	bool v2;
	bool v2_cmk;                    /* CLIENT-MASTER-KEY seen: encrypted from now */
	uint32_t v2_cipher;             /* 3-byte cipher kind, 0 unknown */

	/* TLS <= 1.2 flights */
	bool srv_cert, srv_ske, srv_cr, srv_shd, srv_status;
	bool cli_cert, cli_cert_empty, cli_cke, cli_cv;
	struct tls_ske ske;
	struct tls_cert_request *cr;
	bool cv_has_sigalg;
	uint16_t cv_sigalg;
	bool has_nst;
	uint32_t nst_lifetime;

	/* TLS 1.3 inference (README "How a handshake is decided") */
	uint32_t srv_flight;            /* server encrypted records before the client's */
	uint32_t cli_flight;            /* client encrypted records of its flight: those
					 * captured with its first, before any server record */
	uint32_t cli_after;             /* client encrypted records after its flight */
	uint32_t cli_first_len;         /* length of the client's first one */
	uint32_t srv_first_len;
	uint64_t cli_flight_ts;         /* capture time of the client's first record */
	bool cli_flight_closed;         /* a server record or a later packet ended it */
	bool srv_after_data;            /* server record after the client's flight, not alert-sized */
	bool srv_after_alert;           /* ... alert-sized */
	bool padded;                    /* the client's first record looked block-padded */
	uint32_t early_records;         /* client records taken as 0-RTT early data */
	uint32_t early_bytes;           /* their plaintext bytes at most (the skip limit) */
	bool early_records_over;        /* ... beyond CORE_EARLY_DATA_MAX */
	bool early_held;                /* an alert-sized client record after the server's
					 * flight: early data if the client goes on */

	/* certificates, per flow direction, references owned by the session */
	struct x509_cert **chain[2];
	uint32_t n_chain[2];
	uint8_t *chain_der[2];          /* the chain as it came, looked up in the
					 * certificate store by core_chain_settle:
					 * n_chain_der lengths (u32), then the
					 * certificates one after the other; in
					 * chain[]'s block, after its pointers
					 * (SSLv2: chain[] alone, this NULL) */
	uint32_t n_chain_der[2];        /* 0 once looked up */
	uint32_t n_chain_total[2];      /* entries the peer sent */
	uint64_t cert_ts[2];            /* capture time of the Certificate message */
	uint8_t *cr_auth;               /* copy of the CertificateRequest DNs */

	/* decryption with a key log (tls_core_dec.c); NULL without a key */
	struct core_dec *dec;
	bool decrypting;                /* a key matched and nothing failed to open */
	bool dec_srv_after;             /* a decrypted non-alert server record after the
					 * client's Finished */
	bool dec_cli_after;             /* ... client record after its Finished */
	uint8_t dec_used;               /* bit (1 << enum keylog_label) per secret used */
	uint32_t dec_records;           /* records opened */
	struct tls_alpn_list *ee_alpn;  /* ALPN of the decrypted EncryptedExtensions */
	uint8_t ee_early;               /* decrypted EncryptedExtensions: 0 not read,
					 * 1 without early_data, 2 with (0-RTT accepted) */
	uint32_t dec_early_records;     /* 0-RTT records opened with the early secret */
	uint32_t dec_early_bytes;       /* ... their application data bytes */

	/* TLS 1.3 after the decision, with a key log (tls_core_post.c): the
	 * record waits while the post-handshake window is open */
	bool ph_open;
	uint8_t ph_records[2];          /* records opened per flow direction in it */
	bool ph_data[2];                /* application data since the last post-handshake
					 * message (NewSessionTicket aside) */
	bool ph_cr_pending;             /* a CertificateRequest the client has not answered */
	bool ph_ku_pending[2];          /* a KeyUpdate asked this direction to update */
	uint8_t ph_auth;                /* PH_AUTH_*: post-handshake client authentication */
	bool ph_alert;                  /* an alert ended it (side and description below) */
	uint8_t ph_alert_dir, ph_alert_desc;

	struct sess_msg *msgs;
	uint32_t n_msgs, cap_msgs;
	/* the record being handled, for the timeline: its time and length
	 * (a handshake message's own while it is handled); ev_ts is 0
	 * outside an event that has a time */
	uint64_t ev_ts;
	uint32_t ev_len;
	uint64_t decided_ns;            /* time of the event that decided the outcome, 0 unknown */
	uint32_t srv_flight_msg;        /* 1 + index of the TLS 1.3 server flight's entry, 0 none */
	bool appdata_listed[2];
	struct sess_alert *alerts;
	uint32_t n_alerts, cap_alerts;

	struct anom_set anom;

	/* DTLS: NULL for TLS over TCP */
	struct sess_dtls *dtls;
	uint16_t dtls_version;          /* the ServerHello's, as on the wire (0xfefd...) */
	uint8_t cookie_len;             /* the last ClientHello's cookie */
	bool hvr;                       /* a HelloVerifyRequest was seen */

	struct quic_sess *quic;         /* QUIC (session_quic.c): NULL otherwise */
	struct sess_ovpn *ovpn;         /* OpenVPN over UDP (session_ovpn.c): NULL otherwise */
	struct sess_rdp *rdp;           /* RDP's UDP transport (session_rdpeudp.c): NULL otherwise */
};

/* session_dtls.c (the DTLS carrier), called by the core at the end of a
 * session: deliver what reassembly still holds; free its buffers. */
void sess_dtls_finish(struct session *s);
void sess_dtls_free(struct session *s);
/* session_quic.c (the QUIC carrier), likewise. */
void sess_quic_finish(struct session *s);
void sess_quic_free(struct session *s);
/* session_ovpn.c (the OpenVPN UDP carrier), from session.c's finish and
 * free: a message still held is reported (openvpn_message_lost). */
void sess_ovpn_finish(struct session *s);
void sess_ovpn_free(struct session *s);
/* session_rdpeudp.c (the RDPEUDP carrier), likewise: a chunk still held
 * is reported (rdpeudp_chunk_lost); tls.via.rdpeudp. */
void sess_rdp_finish(struct session *s);
void sess_rdp_free(struct session *s);
struct jw;
void sess_rdp_emit(struct jw *w, const struct session *s);
struct fnd_facts;
struct x509_validation;
/* The facts findings.c judges, as the record states them: client_side is
 * flow-relative, ts_ns the record's @timestamp, v the server chain's
 * validation (NULL when there was none).  Fills *f; f points into s.
 * (session_facts.c, part of the verdict stage.) */
void session_facts(const struct session *s, int client_side, uint64_t ts_ns,
		   const struct x509_validation *v, struct fnd_facts *f);

/* The side (FND_CLIENT/FND_SERVER) that began a renegotiation, -1 none
 * (TLS <= 1.2 only: in TLS 1.3 and SSLv2 encrypted_handshake means the
 * flights themselves): after its own Finished, an encrypted handshake
 * record, or a ClientHello / HelloRequest read in the clear or decrypted.
 * Only messages listed before the record was written count.
 * (session_facts.c.) */
int session_renegotiation(const struct session *s, int client_side);

/* Whether a negotiated version is TLS 1.3 or one of its drafts. */
static inline bool sess_is_tls13(uint16_t v)
{
	/* 0x7e01..0x7e03: BoringSSL's TLS 1.3 experiments; 0x7fxx drafts;
	 * 0xfbxx Facebook's drafts */
	return v == 0x0304 || (v >= 0x7e01 && v <= 0x7e03) || (v >> 8) == 0x7f ||
	       (v >> 8) == 0xfb;
}

/* ---- the TCP carrier: session.c and session_prelude.c ---- */

/* session.c: the record stream on bytes of dir (session_push's body once
 * any prelude is done with them); returns bytes consumed. */
size_t sess_records_push(struct session *s, int dir, const uint8_t *p, size_t n, uint64_t ts_ns);
/* session_prelude.c: start following a prelude (false: not now, already
 * tried, or no memory); feed it bytes of dir, same contract as
 * session_push. */
bool sess_pre_start(struct session *s);
size_t sess_pre_push(struct session *s, int dir, const uint8_t *p, size_t n, uint64_t ts_ns);
/* A gap in dir: the prelude cannot be followed there any more. */
void sess_pre_gap(struct session *s, int dir);
/* The end of the flow: a recognised prelude without TLS is the record. */
void sess_pre_end(struct session *s);
void sess_pre_free(struct session *s);
/* tls.failure.reason of a not_tls session whose prelude was recognised, or
 * NULL (verdict.c). */
const char *sess_pre_reason(const struct session *s);
/* Bytes of the TLS stream unwrapped from another protocol's packets (TDS,
 * OpenVPN), in order, for the record stream of dir. */
void sess_pre_wrapped(struct session *s, int dir, const uint8_t *b, size_t n, uint64_t ts_ns);
/* tls.outcome of a session without TLS to read: "not_tls", or "encrypted"
 * (OpenVPN tls-crypt). */
const char *sess_pre_outcome(const struct session *s);
/* The tls.via object, written inside "tls" (session_emit.c). */
struct jw;
void sess_pre_emit(struct jw *w, const struct session *s, int client_side, struct anom_set *a);

/* ---- inside the core: tls_core.c and tls_core_hs.c ---- */

enum { POOL_CH, POOL_SH, POOL_SESS, POOL_MSGS, POOL_KINDS };   /* core_pool_get/put kinds */
#define POOL_MSGS_N 16u         /* messages in a POOL_MSGS block */

int core_client_dir(const struct session *s);
bool core_decided(const struct session *s);
void core_decide(struct session *s, enum tls_outcome out, enum sess_cause why, int dir);
void core_check_established(struct session *s);
/* tls.handshake_messages and tls alerts lists (bounded, overflow: anomaly). */
void core_add_msg(struct session *s, int dir, uint16_t code);
void core_add_alert(struct session *s, int dir, uint8_t level, uint8_t desc, bool enc,
		    bool sslv2);
/* Memory counted against cfg.session_memcap. */
void core_mem_add(struct session *s, size_t n);
/* The session's memory follows `now` bytes its carrier holds, *counted of
 * them counted already: growth is added, a shrink only lowers *counted. */
void core_mem_follow(struct session *s, size_t now, size_t *counted);
/* A UDP carrier's session (transport "udp") with `size` zeroed bytes of
 * the carrier's state in *state, counted in the session's memory; NULL
 * (and nothing allocated) on ENOMEM. */
struct session *core_new_carried(struct tt_ctx *ctx, size_t size, void **state);
void core_mem_sub(struct session *s, size_t n);
/* A message declared larger than cfg.max_handshake_msg: listed, skipped. */
void core_too_large(struct session *s, int dir, uint8_t type);
/* A hello struct of the kind (uninitialised), from the pool or malloc; NULL on ENOMEM. */
void *core_pool_get(struct tt_ctx *ctx, int kind);
void core_pool_put(struct tt_ctx *ctx, int kind, void *x);
bool core_offers_tls13(const struct tls_client_hello *ch);
/* The session's first ClientHello, or NULL (none, or no memory to parse
 * it again).  A compact session keeps only the message's bytes: they are
 * parsed again into the context's scratch struct, which stays valid until
 * core_ch() is asked for another session's hello. */
const struct tls_client_hello *core_ch(const struct session *s);
/* A ClientHello kept as it came (tls_core_hs.c) parsed, its anomalies
 * put in the session's list at their place; nothing otherwise. */
void core_hello_settle(struct session *s);
/* The certificates kept as they came (tls_core_hs.c) looked up in the
 * certificate store: chain[] and n_chain[] from then on. */
void core_chain_settle(struct session *s);
/* The chain's references into the certificate store given back (the
 * arrays stay, to be freed with the session). */
void core_chain_release(struct session *s);
/* tls_core_hs.c: cleartext handshake bytes; an SSLv2 record. */
void core_hs_feed(struct session *s, int dir, const uint8_t *body, size_t len, uint64_t ts);
void core_handle_v2_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts);
/* tls_core.c: a decrypted alert; a TLS 1.3 encrypted record's counters
 * (quiet: decrypted, so no encrypted_handshake entry and no alert
 * inferred from its size). */
void core_alert(struct session *s, int dir, uint8_t level, uint8_t desc, bool decrypted);
void core_tls13_appdata(struct session *s, int dir, uint32_t len, bool quiet);
/* tls_core.c: the length of an alert record under the suite's AEAD
 * (TLS 1.3); whether one direction is missing from the capture (records
 * the anomaly when true). */
uint32_t core_tls13_alert_len(const struct session *s);
bool core_one_sided(struct session *s);
/* tls_core_13.c: a TLS 1.3 record of `len` bytes after the ServerHello
 * that no key opened (flights inferred from sizes); whether a cleartext
 * handshake record of dir after the ServerHello is to be skipped (and
 * named). */
void core_tls13_record(struct session *s, int dir, uint32_t len, uint64_t ts);
bool core_tls13_cleartext_handshake(struct session *s, int dir);
/* 0-RTT early data the server skips: at most this many plaintext bytes. */
#define CORE_EARLY_DATA_MAX 16384u
/* A client record of `len` bytes taken as early data: counted; false (and
 * early_data_over_limit) once the skipped bytes pass CORE_EARLY_DATA_MAX. */
bool core_early_record(struct session *s, uint32_t len);

/* tls_core_post.c: the TLS 1.3 post-handshake window (README
 * "Decryption").  Records opened per direction after the decision, at most. */
#define CORE_POST_RECORDS 32u
enum { PH_AUTH_NONE = 0, PH_AUTH_REQUESTED, PH_AUTH_EMPTY, PH_AUTH_CERT };
/* The session was just decided: opens the window when it is an
 * established TLS 1.3 session over TCP whose application records a key
 * opens. */
void core_post_open(struct session *s);
/* Closes it (connection end, gap, decryption stopped): the record is
 * written. */
void core_post_close(struct session *s);
/* Whether a message of dir is post-handshake (TLS 1.3, read with a key
 * log, after the client's Finished). */
bool core_post_msg_is_post(const struct session *s);
/* A post-handshake handshake message of dir (its body b, n bytes). */
void core_post_msg(struct session *s, int dir, uint8_t type, const uint8_t *b, size_t n);
/* A record of dir opened after the decision, of inner content type `type`
 * (alert: level and desc); may close the window. */
void core_post_record(struct session *s, int dir, uint8_t type, uint8_t level, uint8_t desc);

/* tls_core_dec.c: decryption with a key log (README "Decryption"). */
/* After a TLS 1.3 ServerHello: looks the ClientHello random up in the key
 * log and sets up the handshake keys (anomaly when the suite has no
 * support). */
void core_dec_server_hello(struct session *s);
/* A client record before the ServerHello of a ClientHello that offered
 * early_data: true when the key log's early secret opened it (its content
 * handed on, counted as early data); false to count it by size. */
bool core_dec_early(struct session *s, int dir, const struct tls_record *r, uint64_t ts);
/* An application_data record of the side: true when it was opened and
 * its content handed on; false to treat it as an opaque encrypted record. */
bool core_dec_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts);
/* The side's Finished was read: its next records use its application
 * traffic secret. */
void core_dec_finished(struct session *s, int dir);
/* The side sent KeyUpdate: its next records use the next secret. */
void core_dec_key_update(struct session *s, int dir);
void core_dec_free(struct session *s);
/* TLS <= 1.2: the side sent ChangeCipherSpec: its keys from the
 * CLIENT_RANDOM master secret; its protected records (handshake, alert,
 * application data) are then opened here (true) or left opaque (false). */
void core_dec12_ccs(struct session *s, int dir);
/* Following a live key log: whether the session's secrets are there now
 * but came too late (nothing of them was used). */
bool core_dec_late(const struct session *s);
bool core_dec12_record(struct session *s, int dir, const struct tls_record *r, uint64_t ts);

#endif
