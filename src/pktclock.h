/*
 * pktclock.h - packet time as the clock of timeouts.
 *
 * Timeouts run on the time stamps of the packets, which the capture host
 * writes and an attacker cannot, but a clock step or one damaged record can
 * put a packet years ahead; taken as the time, it would expire every flow
 * at once and then stop timeouts until real time caught up.  A step forward
 * larger than `jump` is taken only when PKTCLOCK_CONFIRM packets in a row
 * agree with it; until then those packets count at the current time and the
 * caller counts them (stats time_jumps).  When the step is taken, the
 * caller moves what it stamped at the old time during the wait (the flows
 * those packets touched) to the new one, so that they do not time out for
 * the step itself.
 */
#ifndef TLSTAP_PKTCLOCK_H
#define TLSTAP_PKTCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define PKTCLOCK_CONFIRM 64

struct pkt_clock {
	uint64_t now;           /* 0 before the first packet */
	uint64_t pending;       /* the step waiting for confirmation */
	uint32_t confirm;       /* packets in a row that agree with it */
	uint64_t stepped_from;  /* set when a step was taken: the time before it
	                         * (the packets held were counted then); the
	                         * caller clears it */
};

/* The time to account a packet stamped ts at; *held is set when ts was a
 * step not (yet) taken. */
static inline uint64_t pktclock_advance(struct pkt_clock *c, uint64_t ts, uint64_t jump, bool *held)
{
	*held = false;
	if (!c->now || ts <= c->now + jump) {
		if (ts > c->now)
			c->now = ts;
		c->confirm = 0;
		return ts;
	}
	if (c->confirm && ts + jump >= c->pending && ts <= c->pending + jump) {
		if (++c->confirm >= PKTCLOCK_CONFIRM) {
			c->stepped_from = c->now;
			c->now = ts;
			c->confirm = 0;
			return ts;
		}
	} else {
		c->pending = ts;
		c->confirm = 1;
	}
	*held = true;
	return c->now;
}

#endif
