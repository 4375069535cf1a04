/*
 * tls_hello.h - decoded ClientHello and ServerHello (RFC 8446 4.1.2-4.1.4,
 * RFC 5246 7.4.1).  Filled by the handshake parser (tls_hs.c), read by the
 * fingerprints (fp.c), the session and the emitter.
 *
 * Lists from the wire are stored up to a fixed bound; n_* is what was stored,
 * n_*_total what the peer sent (so JA4's counts stay right and an overflow is
 * visible: the parser records the anomaly `list_truncated`).  All codes are
 * kept raw, GREASE included, in wire order; consumers filter GREASE.
 * Strings (SNI, ALPN) are raw wire bytes with a length, not NUL-terminated
 * text: they may hold anything.
 */
#ifndef TLSTAP_TLS_HELLO_H
#define TLSTAP_TLS_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLS_MAX_CIPHERS   512
#define TLS_MAX_EXTS      256
#define TLS_MAX_GROUPS    128
#define TLS_MAX_SIGALGS   128
#define TLS_MAX_VERSIONS  32
#define TLS_MAX_PTFMTS    16
#define TLS_MAX_COMP      16
#define TLS_MAX_ALPN      32
#define TLS_ALPN_BUF      1024
#define TLS_MAX_SNI       1024
#define TLS_MAX_KEYSHARES 16
#define TLS_MAX_MISC      16
#define TLS_QUIC_TP_BUF   512

/* GREASE (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa. */
static inline bool tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* A list of ALPN protocol names, packed: name i is buf[off[i] .. off[i]+len[i]).
 * The counts come first and the buffer last (tls_hello_pack.c copies the
 * part a hello uses). */
struct tls_alpn_list {
	uint16_t n, n_total;
	uint16_t off[TLS_MAX_ALPN];
	uint8_t len[TLS_MAX_ALPN];
	uint8_t buf[TLS_ALPN_BUF];
};

struct tls_ech_info {
	bool present;
	uint8_t type;          /* 0 outer, 1 inner */
	uint8_t config_id;
	uint16_t kdf_id, aead_id;
	uint16_t enc_len, payload_len;
};

/* The scalars and every list's count come first, the lists' storage after
 * them: a kept hello is this struct with each list cut to its count
 * (tls_hello_pack.c), so the layout keeps that a few copies. */
struct tls_client_hello {
	uint16_t legacy_version;
	uint8_t random[32];
	uint8_t session_id[32];
	uint8_t session_id_len;
	bool sslv2;                     /* arrived as an SSLv2-compatible hello */
	bool dtls;                      /* set by the caller: a DTLS hello, with a cookie */
	uint8_t cookie_len;             /* DTLS cookie (RFC 6347 4.2.1), bytes */

	uint16_t n_ciphers, n_ciphers_total;
	uint16_t n_comp, n_comp_total;
	uint16_t n_exts, n_exts_total;
	uint16_t n_groups, n_groups_total;
	uint16_t n_ptfmts, n_ptfmts_total;
	uint16_t n_sigalgs, n_sigalgs_total;
	uint16_t n_sigalgs_cert, n_sigalgs_cert_total;
	uint16_t n_versions, n_versions_total;
	uint16_t n_keyshares, n_keyshares_total;
	uint16_t n_psk_modes;
	uint16_t n_cert_compression;

	bool has_sni;                   /* extension 0 present (even if empty) */
	uint16_t sni_len;
	bool sni_truncated;

	bool has_alpn, has_ems, has_etm, has_reneg, has_ticket_ext,
	     has_status_request, has_early_data, has_post_handshake_auth,
	     has_cookie, has_padding, has_psk, has_record_size_limit;
	uint16_t ticket_len;            /* session_ticket (35) payload length */
	uint16_t psk_identities;        /* pre_shared_key (41) identity count */
	uint16_t record_size_limit;
	uint16_t padding_len;
	struct tls_ech_info ech;        /* encrypted_client_hello (0xfe0d) */
	/* quic_transport_parameters (0x39, drafts 0xffa5): the raw body, which
	 * quic_tp.c decodes; quic_tp_ext is the codepoint kept (0x39 when
	 * both are present), 0 if none. */
	bool quic;                      /* set by the caller: carried by QUIC */
	uint16_t quic_tp_ext;
	uint16_t quic_tp_len;
	bool quic_tp_truncated;

	/* the lists, n_* entries used of each */
	uint16_t ciphers[TLS_MAX_CIPHERS];
	uint8_t comp[TLS_MAX_COMP];
	uint16_t exts[TLS_MAX_EXTS];    /* extension codes, wire order */
	uint16_t groups[TLS_MAX_GROUPS];          /* supported_groups (10) */
	uint8_t ptfmts[TLS_MAX_PTFMTS];           /* ec_point_formats (11) */
	uint16_t sigalgs[TLS_MAX_SIGALGS];        /* signature_algorithms (13) */
	uint16_t sigalgs_cert[TLS_MAX_SIGALGS];   /* signature_algorithms_cert (50) */
	uint16_t versions[TLS_MAX_VERSIONS];      /* supported_versions (43) */
	uint16_t keyshares[TLS_MAX_KEYSHARES];    /* key_share (51) groups */
	uint8_t psk_modes[TLS_MAX_MISC];          /* psk_key_exchange_modes (45) */
	uint16_t cert_compression[TLS_MAX_MISC];  /* compress_certificate (27) */
	uint8_t sni[TLS_MAX_SNI];       /* first host_name entry, raw bytes (sni_len) */
	uint8_t quic_tp[TLS_QUIC_TP_BUF];         /* quic_tp_len bytes */
	struct tls_alpn_list alpn;      /* ALPN (16) */
	struct tls_alpn_list alps;      /* application_settings (17513/17613) */
};

struct tls_server_hello {
	uint16_t legacy_version;
	uint8_t random[32];
	uint8_t session_id[32];
	uint8_t session_id_len;
	uint16_t cipher;
	uint8_t compression;
	bool is_hrr;                    /* random == SHA-256("HelloRetryRequest") */

	uint16_t exts[TLS_MAX_EXTS];
	uint16_t n_exts, n_exts_total;

	uint16_t selected_version;      /* supported_versions (43), 0 if absent */
	uint16_t selected_group;        /* key_share (51) group, 0 if absent */
	bool has_key_share;
	bool has_psk;                   /* pre_shared_key (41) selected identity */
	uint16_t psk_identity;
	struct tls_alpn_list alpn;      /* at most one name when valid */
	bool has_alpn, has_ems, has_etm, has_reneg, has_ticket_ext,
	     has_status_request, has_sni_ack;
	uint8_t downgrade;              /* 0 none, 12 = DOWNGRD\x01, 11 = DOWNGRD\x00 */
	bool quic;                      /* set by the caller: carried by QUIC */
};

/* A parsed ClientHello kept compactly (tls_hello_pack.c): each list cut to
 * its count, everything else as it is.
 * tls_hello_pack_size: the bytes tls_hello_pack writes for ch (at most
 *   sizeof *ch).
 * tls_hello_pack: writes them to out, which the caller owns; returns the
 *   count.
 * tls_hello_unpack: fills ch from n bytes written by tls_hello_pack: every
 *   field and every list entry as they were packed; a list's storage past
 *   its count is left as it was (as after a parse, nothing may read it).
 *   Returns 0, or -1 when the bytes are not such a pack (ch then holds no
 *   hello: its contents are unspecified).
 * tls_hello_packed_session_id: the legacy_session_id of a pack of n bytes,
 *   without unpacking: its length (0 to 32), *sid pointing into the pack;
 *   0 when n is too short to hold one. */
size_t tls_hello_pack_size(const struct tls_client_hello *ch);
size_t tls_hello_pack(const struct tls_client_hello *ch, uint8_t *out);
int tls_hello_unpack(const uint8_t *in, size_t n, struct tls_client_hello *ch);
size_t tls_hello_packed_session_id(const uint8_t *in, size_t n, const uint8_t **sid);

/* The version the server chose: supported_versions when present, else legacy. */
static inline uint16_t tls_sh_version(const struct tls_server_hello *sh)
{
	return sh->selected_version ? sh->selected_version : sh->legacy_version;
}

#endif
