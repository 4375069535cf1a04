/*
 * udp.c - the per-datagram dispatch of UDP flows (see udp.h).
 *
 * RFC 7983 (and RFC 9443 for QUIC) split the first byte of a datagram
 * between the protocols that share a WebRTC port:
 *
 *     0..3    STUN            64..79   TURN channel / QUIC short header
 *     16..19  ZRTP            128..191 RTP / RTCP (SRTP)
 *     20..63  DTLS            192..255 QUIC long header
 *
 * One row per protocol, each a carrier (udp.h): `open` makes the flow's
 * session (a handshake-core session, tls_core.h, with its carrier's state);
 * `sniff` decides from one datagram whether it opens (or, picked up late,
 * continues) a flow of it; `accepts` is the RFC 7983 demultiplexing of
 * later datagrams; `push` hands the datagram over.  A new carrier writes
 * its four functions (its handshake bytes into the core with
 * tls_core_handshake_bytes(), as session_quic.c does, or its messages with
 * tls_core_handshake_msg(), as session_dtls.c does), adds its protocol to
 * udp.h and a row here, in the order the rows' first bytes require.
 */
#include "udp.h"

#include "../parsers/dtls.h"
#include "../parsers/quic.h"
#include "session.h"
#include "session_dtls.h"
#include "session_ovpn.h"
#include "session_quic.h"
#include "session_rdpeudp.h"

static bool dtls_accepts(const uint8_t *p, size_t n)
{
	return n && p[0] >= 20 && p[0] <= 63;
}

static void dtls_push(struct session *s, int dir, const uint8_t *p, size_t n, uint32_t missing,
		      uint64_t ts_ns)
{
	session_dtls_datagram(s, dir, p, n, missing, ts_ns);
}

/* Every datagram of a QUIC flow is QUIC's: RFC 9443's first-byte ranges
 * (long header 192..255, short 64..127) do not hold once the peers agreed
 * to grease the fixed bit (RFC 9287), which ngtcp2 and others do; Google
 * QUIC's public header flags are below 64 anyway. */
static bool quic_accepts(const uint8_t *p, size_t n)
{
	(void)p;
	return n > 0;
}

static void quic_push(struct session *s, int dir, const uint8_t *p, size_t n, uint32_t missing,
		      uint64_t ts_ns)
{
	session_quic_datagram(s, dir, p, n, missing, ts_ns);
}

/* DTLS in CAPWAP (RFC 5415 4.2): the 4-byte CAPWAP DTLS header, then DTLS
 * records; the other datagrams of the channel (CAPWAP in the clear:
 * discovery) are not the carrier's. */
static bool capwap_sniff(const uint8_t *p, size_t n)
{
	return dtls_capwap_header(p, n) && dtls_sniff(p + DTLS_CAPWAP_HDR, n - DTLS_CAPWAP_HDR);
}

static bool capwap_accepts(const uint8_t *p, size_t n)
{
	return dtls_capwap_header(p, n) && dtls_accepts(p + DTLS_CAPWAP_HDR, n - DTLS_CAPWAP_HDR);
}

static struct session *capwap_open(struct tt_ctx *ctx)
{
	struct session *s = session_dtls_new(ctx);

	if (s)
		session_set_framing(s, "capwap");
	return s;
}

static void capwap_push(struct session *s, int dir, const uint8_t *p, size_t n, uint32_t missing,
			uint64_t ts_ns)
{
	session_dtls_datagram(s, dir, p + DTLS_CAPWAP_HDR, n - DTLS_CAPWAP_HDR, missing, ts_ns);
}

static const struct udp_carrier dtls = { dtls_sniff, dtls_accepts, session_dtls_new, dtls_push };
static const struct udp_carrier quic = { quic_sniff, quic_accepts, session_quic_new, quic_push };
static const struct udp_carrier capwap = { capwap_sniff, capwap_accepts, capwap_open,
					   capwap_push };

struct udp_row {
	enum udp_proto proto;
	const struct udp_carrier *c;
};

static const struct udp_row rows[] = {
	{ UDP_DTLS, &dtls },
	{ UDP_QUIC, &quic },
	{ UDP_CAPWAP_DTLS, &capwap },
	/* OpenVPN's opcodes share DTLS's first-byte range: a client's hard
	 * reset is never a DTLS record (its content type would be 56 or 80). */
	{ UDP_OPENVPN, &session_ovpn },
	/* RDP's UDP transport: a SYN's snSourceAck is -1 (no DTLS record
	 * starts so), a SYN+ACK's or data datagram's is checked after the
	 * rows above declined it. */
	{ UDP_RDPEUDP, &session_rdpeudp },
};

static const struct udp_row *row(enum udp_proto proto)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (rows[i].proto == proto)
			return &rows[i];
	return NULL;
}

enum udp_proto udp_sniff(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (rows[i].c->sniff(p, n))
			return rows[i].proto;
	return UDP_NONE;
}

struct session *udp_open(enum udp_proto proto, struct tt_ctx *ctx)
{
	const struct udp_row *r = row(proto);
	return r ? r->c->open(ctx) : NULL;
}

bool udp_accepts(enum udp_proto proto, const uint8_t *p, size_t n)
{
	const struct udp_row *r = row(proto);
	return r && r->c->accepts(p, n);
}

void udp_push(enum udp_proto proto, struct session *s, int dir, const uint8_t *p, size_t n,
	      uint32_t missing, uint64_t ts_ns)
{
	const struct udp_row *r = row(proto);

	if (r)
		r->c->push(s, dir, p, n, missing, ts_ns);
}
