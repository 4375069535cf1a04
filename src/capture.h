/*
 * capture.h - packet sources: capture files (pcap, pcapng, stdin) and live
 * interfaces, both through libpcap, both feeding the engine.
 */
#ifndef TLSTAP_CAPTURE_H
#define TLSTAP_CAPTURE_H

#include <stdint.h>

#include "config.h"
#include "engine.h"

struct capture_opts {
	const char *filter;             /* BPF expression or NULL */
	int snaplen;                    /* live: bytes per packet */
	int buffer_kib;                 /* live: kernel buffer, 0 = libpcap default */
	const char *user;               /* live: drop root to this user after opening */
};

/* Install SIGINT/SIGTERM (stop, flush, exit 0) and SIGHUP (reopen output). */
void capture_signals(void);
/* Whether SIGINT/SIGTERM arrived. */
int capture_stopped(void);

/* Read one capture file ("-" = stdin) into the engine.  Returns 0, or -1
 * after printing one line naming the file and the reason; packets decoded
 * before a fault stay in the engine and are reported. */
int capture_file(struct engine *e, const char *path, const struct capture_opts *o);

/* Capture on an interface until SIGINT/SIGTERM; libpcap's counters go to
 * *st at the end.  Returns 0, or -1 after printing the reason (cannot open,
 * bad filter, cannot drop privileges). */
int capture_live(struct engine *e, struct tt_stats *st, const char *iface,
		 const struct capture_opts *o);

#endif
