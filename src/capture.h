/*
 * capture.h - packet sources: capture files (pcap, pcapng, stdin) and live
 * interfaces, both through libpcap, both feeding the engine.
 */
#ifndef TLSTAP_CAPTURE_H
#define TLSTAP_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"

struct capture_opts {
	const char *filter;             /* BPF expression or NULL */
	int snaplen;                    /* live: bytes per packet */
	int buffer_kib;                 /* live: kernel buffer, 0 = libpcap default */
	bool fanout;                    /* live: one socket per worker (--fanout) */
	const char *user;               /* live: drop root to this user after opening */
	uint64_t max_packets;           /* -c: stop after this many, all inputs (0: no limit) */
	uint64_t duration_ns;           /* --duration: stop this long after the first packet */
	bool progress;                  /* files: a progress line on stderr */
	const struct tt_stats *st;      /* the progress line's session count (NULL: none) */
	struct emitter *out;            /* stop quietly when its reader went away (NULL: never) */
	struct sources *sources;        /* names each packet's source (NULL: none) */
	struct keylog *keylog;          /* pcapng secrets blocks join it (NULL: skipped) */
	/* -w: every packet is shown to tap before the engine (NULL: none) */
	void (*tap)(void *arg, int dlt, uint64_t ts_ns, const uint8_t *data,
		    uint32_t caplen, uint32_t wirelen);
	void *tap_arg;
	struct kfollow *keylog_follow;  /* live: --keylog files polled from the loop (NULL: none) */
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
