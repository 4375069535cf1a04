/*
 * prelude.h - the cleartext before TLS on a TCP connection: STARTTLS-style
 * upgrades (SMTP, LMTP, IMAP, POP3, FTP, XMPP, LDAP, NNTP, ManageSieve, IRC,
 * PostgreSQL, MySQL/MariaDB, Microsoft SQL Server, RDP, ADB, NoMachine NX)
 * and proxies
 * (HTTP CONNECT, SOCKS4/4a/5).  The protocols' RFCs are named where each is
 * read (prelude.c for the line-based ones, prelude_bin.c for the binary ones).
 *
 *   direction bytes --> [ proxy negotiation ] --> [ upgrade prelude ] --> TLS
 *                          CONNECT / SOCKS          STARTTLS, SSLRequest,
 *                                                   PRELOGIN, X.224, ...
 *
 * Recognition is by content; the server port is a hint used only to tell
 * apart protocols whose first bytes are the same (a "220" greeting is SMTP,
 * LMTP or FTP).  The parser is pure: it buffers nothing and keeps no pointer
 * into the bytes it is given.
 *
 * Contract (STYLE.md, stream-fed parsers): pre_push() is given the bytes of
 * one direction that the previous call did not consume, followed by new
 * ones, and answers
 *   PRE_NEED_MORE  *consumed bytes are done with; present the rest again
 *                  with more (an incomplete line or message);
 *   PRE_TLS        TLS begins at p + *consumed in this direction: from there
 *                  on the bytes belong to the TLS record parser;
 *   PRE_WRAPPED    (TDS, OpenVPN) p[chunk->off .. +chunk->len] are bytes of
 *                  the TLS stream carried inside a PRELOGIN packet or an
 *                  OpenVPN P_CONTROL_V1 packet; (GridFTP, info.wrapped_b64)
 *                  base64 text of it, from ADAT lines, to decode in order;
 *                  *consumed covers them; call again with the rest;
 *   PRE_DONE       this direction will carry no TLS (the upgrade was refused,
 *                  never asked for, or the prelude was given up): *consumed
 *                  = n, and later bytes are consumed the same way;
 *   PRE_NOT        not a prelude tlstap knows: nothing consumed.
 * Long lines and large messages are skipped, never buffered: the caller
 * holds at most PRE_MAX_ITEM bytes of one direction at a time.
 */
#ifndef TLSTAP_PRELUDE_H
#define TLSTAP_PRELUDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest line or message looked at; longer ones are skipped. */
#define PRE_MAX_ITEM 4096
/* Cleartext followed per direction before the prelude is given up. */
#define PRE_MAX_BYTES (256u * 1024u)
#define PRE_TEXT_MAX 64         /* reply text kept (bytes) */
#define PRE_HOST_MAX 256        /* proxy target host name kept (bytes) */

enum pre_status {
	PRE_NEED_MORE = 0,
	PRE_TLS,
	PRE_WRAPPED,
	PRE_DONE,
	PRE_NOT,
};

enum pre_proto {
	PRE_P_NONE = 0,
	PRE_P_SMTP, PRE_P_LMTP, PRE_P_FTP, PRE_P_IMAP, PRE_P_POP3, PRE_P_NNTP,
	PRE_P_SIEVE, PRE_P_IRC, PRE_P_XMPP_CLIENT, PRE_P_XMPP_SERVER, PRE_P_LDAP,
	PRE_P_PGSQL, PRE_P_MYSQL, PRE_P_TDS, PRE_P_RDP, PRE_P_ADB, PRE_P_NX,
	PRE_P_OPENVPN,          /* not an upgrade: TLS framed in control packets */
	PRE_P_TEXT,             /* a bare STARTTLS line: not told apart yet */
	PRE_P__COUNT
};

enum pre_result {
	PRE_R_NONE = 0,         /* nothing decided yet */
	PRE_R_NOT_REQUESTED,    /* the prelude went on without an upgrade request */
	PRE_R_REQUESTED,        /* asked for, no answer yet (abandoned if it stays so) */
	PRE_R_ACCEPTED,
	PRE_R_REFUSED,
};

enum pre_proxy {
	PRE_X_NONE = 0, PRE_X_HTTP_CONNECT, PRE_X_SOCKS4, PRE_X_SOCKS4A, PRE_X_SOCKS5,
};

enum pre_proxy_state {
	PRE_XS_NONE = 0, PRE_XS_REQUESTED, PRE_XS_GRANTED, PRE_XS_REFUSED,
};

/* What the prelude showed: copied out of the wire, owned by the struct. */
struct pre_info {
	uint8_t proto;                  /* enum pre_proto */
	uint8_t result;                 /* enum pre_result */
	const char *command;            /* static: "STARTTLS", "STLS", "AUTH TLS", ... */
	bool has_code;
	uint32_t code;                  /* the server's answer: reply code, LDAP
					 * resultCode, RDP selectedProtocol, ... */
	char text[PRE_TEXT_MAX + 1];    /* its text, NUL-terminated, raw bytes */
	uint16_t text_len;
	bool text_cut;                  /* longer than PRE_TEXT_MAX */
	bool dialback;                  /* XMPP server dialback namespace seen */
	bool server_offers;             /* the server advertised the upgrade */
	int8_t client;                  /* flow direction of the client, -1 unknown */
	bool tls[2];                    /* TLS began in this direction ... */
	uint64_t tls_at[2];             /* ... at this stream offset */

	uint8_t proxy;                  /* enum pre_proxy */
	uint8_t proxy_state;            /* enum pre_proxy_state */
	bool proxy_has_code;
	uint16_t proxy_code;            /* HTTP status or SOCKS reply code */
	uint8_t proxy_method;           /* SOCKS5 method the server chose */
	bool proxy_has_method;
	bool proxy_has_ip;
	uint8_t proxy_ip_len;           /* 4 or 16 */
	uint8_t proxy_ip[16];
	uint16_t proxy_port;
	char proxy_host[PRE_HOST_MAX + 1];
	uint16_t proxy_host_len;
	bool proxy_host_cut;

	bool wrapped_b64;               /* the wrapped TLS is base64 text (GridFTP ADAT) */
	uint8_t ovpn_prot;              /* OpenVPN: enum ovpn_prot (openvpn.h) */
	uint8_t ovpn_hmac;              /* its tls-auth HMAC size, bytes */
	bool ovpn_udp;                  /* over UDP (the carrier follows the packets) */
	uint32_t ovpn_resent;           /* control messages seen again, skipped */
	uint32_t ovpn_reordered;        /* UDP: messages that came before their turn */

	const char *anomaly;            /* first malformed-prelude code, static */
};

/* Per direction parsing state (private to prelude*.c). */
struct pre_dir {
	uint8_t mode;
	uint8_t role;                   /* 0 unknown, 1 client, 2 server */
	uint8_t sub;                    /* protocol step (SOCKS5, HTTP headers) */
	bool cut_line;                  /* skipping the rest of an over-long line */
	uint32_t skip;                  /* bytes of a message still to skip */
	uint32_t wrap_left;             /* TDS: payload bytes left in the packet */
	uint64_t off;                   /* bytes of this direction consumed */
};

struct pre_state {
	struct pre_info info;
	struct pre_dir d[2];
	uint16_t port_hint;             /* the server's port, 0 unknown */
	uint8_t phase;                  /* private */
	bool pending;                   /* the upgrade command awaits its answer */
	uint8_t tds_enc[2];             /* TDS ENCRYPTION option per direction, 0xff none */
	uint8_t ovpn_auth;              /* OpenVPN: tls-auth bytes per control packet */
	uint32_t ovpn_next[2];          /* OpenVPN: next message packet_id per direction */
	uint32_t ldap_msgid;
};

/* Start following a connection.  syn_side: flow direction that sent the SYN
 * (-1 unknown); port_hint: the port of the side that did not (0 unknown). */
void pre_init(struct pre_state *ps, int syn_side, uint16_t port_hint);

/* Feed direction dir (0 or 1); see the contract above.  chunk_off/chunk_len
 * are set only with PRE_WRAPPED. */
enum pre_status pre_push(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			 size_t *consumed, size_t *chunk_off, size_t *chunk_len);

/* Whether a protocol or a proxy was recognised at all. */
bool pre_recognised(const struct pre_state *ps);
/* Whether no direction can begin TLS any more (each has begun it or given
 * up). */
bool pre_over(const struct pre_state *ps);
/* Stop following the cleartext (bytes were lost): directions that have not
 * begun TLS will carry none.  A request never answered stays
 * PRE_R_REQUESTED: the caller reports it as abandoned. */
void pre_abandon(struct pre_state *ps);

/* OpenVPN over UDP (the carrier reads the datagrams itself): the
 * connection is OpenVPN, its client in direction client_dir, its control
 * channel protected by prot (enum ovpn_prot) with an HMAC of hmac bytes.
 * With tls-crypt no direction will show TLS (pre_over()). */
void pre_ovpn_start(struct pre_state *ps, int client_dir, uint8_t prot, uint8_t hmac, bool udp);
/* Whether the connection's TLS is there but encrypted (OpenVPN tls-crypt). */
bool pre_encrypted(const struct pre_state *ps);

/* Names for the record: "smtp", "imap", ...; "accepted", ...; "http_connect", ... */
const char *pre_proto_name(uint8_t proto);
const char *pre_result_name(uint8_t result);
const char *pre_proxy_name(uint8_t proxy);
const char *pre_proxy_state_name(uint8_t st);

#endif
