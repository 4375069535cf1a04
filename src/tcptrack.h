/*
 * tcptrack.h - what the receiving endpoint's stack would do with a segment
 * (RFC 9293 3.10.7, RFC 5961, and Linux where the RFCs leave a choice), so
 * that reassembly is fed what the endpoint accepted and not what an
 * attacker on the path wants the sensor to see.
 *
 * The flow keeps one struct tcp_half per side (flow.h).  Each function
 * reads the packet, updates only the halves, and answers; the pipeline
 * turns the answer into reassembly calls and anomalies.
 */
#ifndef TLSTAP_TCPTRACK_H
#define TLSTAP_TCPTRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "flow.h"
#include "tcpsum.h"

/* From the weakest to the strongest verdict: of two, the greater wins. */
enum tcpt_take {
	TCPT_TAKE,       /* the endpoint takes it */
	TCPT_UNSURE,     /* probably does, not known yet: hold it quietly */
	TCPT_DOUBT,      /* it may not have: hold the copy (reasm_segment_held) */
	TCPT_DROP,       /* it does not */
};

/* A segment of side: how far the peer's stack would accept it, with the
 * anomaly that says why not (*why, NULL when taken).  sum is its checksum
 * (tcpsum_check) or TCPSUM_UNKNOWN when not computed.  Updates side's
 * checksum modes and TTL. */
enum tcpt_take tcpt_classify(struct flow *f, int side, const struct pkt *p, enum tcpsum sum,
			     const char **why);
/* Whether the checksum of this packet can matter: it carries data, SYN,
 * FIN or RST (pure ACKs neither decide a mode nor get held). */
bool tcpt_wants_sum(const struct flow *f, int side, const struct pkt *p);

/* After the packet was classified: record how far side's sequence space
 * reaches (any copy seen counts as sent) and, for a trusted one, what it
 * acknowledged and the window it offered. */
void tcpt_sent(struct flow *f, int side, const struct pkt *p, bool trusted);

/* A SYN of side: remember its sequence number as a candidate ISN.  Returns
 * true when it differs from an earlier candidate (several ISNs). */
bool tcpt_syn(struct flow *f, int side, const struct pkt *p);
/* The ACK of packet p (from side) acknowledges one of the peer's candidate
 * ISNs: *isn gets it and the peer's half is anchored.  Returns true only
 * the first time, when the reassembly of the peer's direction must start
 * (again) at *isn + 1. */
bool tcpt_anchor(struct flow *f, int side, const struct pkt *p, uint32_t *isn);

enum tcpt_rst {
	TCPT_RST_ACCEPT,       /* the exact sequence number: the connection is reset */
	TCPT_RST_CHALLENGE,    /* in the window, not exact: a challenge ACK, no reset */
	TCPT_RST_OUTSIDE,      /* outside the window: ignored */
	TCPT_RST_UNVERIFIED,   /* nothing known to check it against: taken */
};
/* A RST from side, as the peer's stack judges it (RFC 5961 3.2; in
 * SYN-SENT, RFC 9293 3.10.7.3: its ACK must acknowledge the SYN).
 * rcv_nxt is the reassembly's next sequence number of side, if has_rcv. */
enum tcpt_rst tcpt_rst(const struct flow *f, int side, const struct pkt *p, bool has_rcv,
		       uint32_t rcv_nxt);

/* Whether the segment starts beyond the right edge of the window the peer
 * last offered (known once both SYNs were seen): the peer's stack drops it. */
bool tcpt_beyond_window(const struct flow *f, int side, const struct pkt *p);

#endif
