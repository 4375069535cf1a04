/*
 * prelude_impl.h - what prelude.c (framework, line-based protocols, HTTP
 * CONNECT) and prelude_bin.c (binary protocols, SOCKS) share, and nobody
 * else.
 */
#ifndef TLSTAP_PRELUDE_IMPL_H
#define TLSTAP_PRELUDE_IMPL_H

#include "cursor.h"
#include "prelude.h"

/* pre_dir.mode */
enum {
	PRE_M_PRELUDE = 0,      /* parsing cleartext */
	PRE_M_AWAIT,            /* TLS may begin at the next byte; cleartext goes on otherwise */
	PRE_M_TLS,              /* handed over to the TLS parser */
	PRE_M_WRAP,             /* TDS, OpenVPN: TLS inside the protocol's packets */
	PRE_M_OFF,              /* no TLS in this direction */
};

/* pre_state.phase */
enum {
	PRE_PH_IDENTIFY = 0,    /* nothing recognised yet */
	PRE_PH_PROXY,           /* a proxy negotiation is being followed */
	PRE_PH_INNER,           /* the proxy granted: identify what it carries */
	PRE_PH_UPGRADE,         /* an upgrade protocol is being followed */
};

enum { PRE_ROLE_NONE = 0, PRE_ROLE_CLIENT, PRE_ROLE_SERVER };

/* One step: a whole item parsed (*used bytes), need more, or not this. */
enum pre_step { PRE_S_OK = 0, PRE_S_NEED, PRE_S_NO };

/* Whether l (len bytes) starts with w, ASCII case-insensitive. */
bool pre_prefix(const uint8_t *l, size_t len, const char *w);
/* Set the role of dir (and the other side's). */
void pre_set_client(struct pre_state *ps, int client_dir);
/* The server's answer text (bounded copy). */
void pre_set_text(struct pre_info *in, const uint8_t *p, size_t n);
/* A malformed prelude: the first code is kept; the prelude is given up. */
void pre_fail(struct pre_state *ps, const char *code);
/* The upgrade is decided: accepted (TLS may begin in both directions) or not
 * (no TLS in either). */
void pre_decide(struct pre_state *ps, uint8_t result);

/* Binary protocols and SOCKS (prelude_bin.c).  identify: whether the first
 * bytes of dir are one of them (and which); step: one message. */
enum pre_step pre_bin_identify(struct pre_state *ps, int dir, const uint8_t *p, size_t n);
enum pre_step pre_bin_step(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			   size_t *used);
/* TDS: the next piece of a PRELOGIN packet that carries TLS. */
enum pre_status pre_tds_unwrap(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			       size_t *consumed, size_t *chunk_off, size_t *chunk_len);

/* OpenVPN (prelude_ovpn.c): a client's hard reset starts dir; the next
 * piece of TLS stream in its control packets. */
enum pre_step pre_ovpn_identify(struct pre_state *ps, int dir, const uint8_t *p, size_t n);
enum pre_status pre_ovpn_unwrap(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
				size_t *consumed, size_t *chunk_off, size_t *chunk_len);

/* GridFTP (prelude_adat.c): the server accepted AUTH GSSAPI (334): both
 * directions carry base64 TLS in ADAT lines from now on; the next piece
 * of it (PRE_WRAPPED: base64 text, info.wrapped_b64). */
void pre_adat_start(struct pre_state *ps);
enum pre_status pre_adat_unwrap(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
				size_t *consumed, size_t *chunk_off, size_t *chunk_len);

static inline bool pre_is_bin(uint8_t proto)
{
	return proto == PRE_P_LDAP || proto == PRE_P_PGSQL || proto == PRE_P_MYSQL ||
	       proto == PRE_P_TDS || proto == PRE_P_RDP || proto == PRE_P_ADB;
}

#endif
