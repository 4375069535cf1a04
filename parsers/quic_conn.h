/*
 * quic_conn.h - one QUIC connection as a passive observer follows it, fed
 * datagram by datagram (RFC 9000 7, 17.2; RFC 9001 4, 5.2; RFC 9369).
 *
 *   datagram --> packets (coalesced) --+-- Initial: keys from the client's
 *   (side 0|1)                         |   DCID, decrypted, frames walked,
 *                                      |   CRYPTO bytes reassembled per role
 *                                      |   --> ev.handshake(side, bytes)
 *                                      +-- Handshake / 0-RTT / 1-RTT: out of
 *                                      |   reach --> ev.protected_pkt(side)
 *                                      +-- Retry, Version Negotiation: noted
 *                                      +-- gQUIC Q024..Q050: the CHLO
 *
 * Sides are the carrier's (the flow's first and second direction).  The
 * client is the side whose Initial opens with the Initial keys of its own
 * Destination Connection ID.  Those keys follow the client: a new DCID after
 * Retry, or a new version after Version Negotiation, re-derives them when
 * the client's next Initial proves them (it decrypts); the server's own
 * connection id, which the client adopts after the server's first Initial,
 * keeps the first keys (RFC 9001 5.2).
 *
 * The client's handshake bytes are held until the server answers (any packet
 * but Retry and Version Negotiation) or the flow ends (quic_conn_finish):
 * a client that starts over after Retry or Version Negotiation sends a
 * fresh ClientHello from offset 0 (new random, perhaps new contents), and
 * the one reported is the one the server answered (restarts counts the
 * attempts).  If the client starts over after its hello was handed over,
 * the new stream's first message is not repeated and the bytes after it
 * follow on.
 *
 * Ownership: the caller owns struct quic_conn (quic_conn_init, then
 * quic_conn_free once).  Callbacks receive pointers valid only during the
 * call.  Nothing here keeps a pointer into a datagram.
 */
#ifndef TLSTAP_QUIC_CONN_H
#define TLSTAP_QUIC_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "gquic.h"
#include "quic.h"
#include "quic_frames.h"

#define QUIC_VN_MAX 16
#define QUIC_MORE_CHLO 3

struct quic_events {
	void *arg;
	/* New in-order TLS handshake bytes sent by side. */
	void (*handshake)(void *arg, int side, const uint8_t *b, size_t n);
	/* A packet of side this observer cannot open (Handshake, 0-RTT, 1-RTT,
	 * or an Initial that does not decrypt), len bytes. */
	void (*protected_pkt)(void *arg, int side, enum quic_ptype type, size_t len);
	/* The first CONNECTION_CLOSE in side's Initial packets. */
	void (*close)(void *arg, int side, const struct quic_close *c);
};

struct quic_conn {
	struct quic_events ev;
	int client_side;                /* -1 until an Initial decrypts */
	uint32_t version;               /* of the client's current Initials */
	uint32_t first_version;         /* of the first long-header packet seen */
	struct quic_vinfo vi;
	struct quic_cid key_cid;        /* the DCID the Initial keys derive from */
	struct quic_cid odcid;          /* the client's first DCID */
	struct quic_cid client_scid, server_scid;
	bool server_scid_set;
	struct quic_keys keys[2];       /* by role: 0 client, 1 server */
	uint64_t largest_pn[2];
	struct quic_cstream cs[2];      /* by role */
	size_t delivered[2];
	bool answered;                  /* the server sent a packet (not VN/Retry) */
	bool restart_pending;           /* the client's stream began again */
	unsigned restarts;              /* ... after Retry or Version Negotiation */
	struct quic_close close[2];     /* by role */
	unsigned n_initial[2];          /* decrypted Initials, by role */
	unsigned n_undecrypted[2];      /* by side */
	unsigned n_handshake[2], n_0rtt, n_short[2];   /* by side */
	bool retry;
	struct quic_cid retry_scid;
	int8_t retry_tag;               /* quic_retry_verify of the first Retry:
	                                 * 1 valid, 0 not, -1 not checked */
	bool vn;
	uint32_t vn_versions[QUIC_VN_MAX];
	uint16_t n_vn, n_vn_total;
	bool gquic;                     /* Q024..Q050: a CHLO, not TLS */
	bool have_chlo;
	struct gquic_chlo chlo;         /* the first CHLO */
	struct gquic_chlo more[QUIC_MORE_CHLO];   /* the next ones (after REJ) */
	uint8_t n_more;
	size_t chlo_next;               /* stream offset of the next CHLO */
	int gquic_client_side;
	uint64_t gquic_base;            /* stream offset of the first CHLO */
};

/* A fresh connection reporting through ev (copied). */
void quic_conn_init(struct quic_conn *qc, const struct quic_events *ev);
void quic_conn_free(struct quic_conn *qc);

/* The flow ended: handshake bytes still held are handed over. */
void quic_conn_finish(struct quic_conn *qc, struct anom_set *a);

/*
 * One UDP payload sent by side (0 or 1).  Every packet it holds is read;
 * events fire in packet order.  Malformed packets add anomalies to a and
 * end the datagram (the rest cannot be framed).
 */
void quic_conn_datagram(struct quic_conn *qc, int side, const uint8_t *p, size_t n,
			struct anom_set *a);

#endif
