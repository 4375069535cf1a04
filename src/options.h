/*
 * options.h - tlstap's command line, into what main.c wires up: the
 * configuration (struct tt_config), the capture options, the outputs, the
 * key log files and cli.c's part (struct cli, which takes the options of
 * the views and the tcpdump habits).  --help's text is here too.
 */
#ifndef TLSTAP_OPTIONS_H
#define TLSTAP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "cli.h"
#include "config.h"
#include "emit.h"

/* Exit codes (README "Exit codes", and --help). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = CLI_EXIT_USAGE,
	EXIT_INPUT = 2,         /* a capture could not be read (others were) */
	EXIT_OUTPUT = 3,        /* the output could not be opened or written */
	EXIT_LIVE = 4,          /* live capture could not start, or privileges */
	EXIT_INTERNAL = 5,      /* out of memory, CA store unusable */
	EXIT_UNDELIVERED = 6,   /* reading files: records a sink did not take */
};

#define OPTIONS_LIST_MAX 64     /* --keylog files, --findings-set lines */

struct options {
	struct cli cli;                 /* cli.c's options and the capture names */
	struct capture_opts co;
	const char *iface;              /* -i, or NULL: capture files */
	const char *outs[EMIT_SINKS_MAX + 1];   /* -o, in order */
	unsigned nouts;
	const char *keylogs[OPTIONS_LIST_MAX];  /* --keylog */
	int nkeylogs;
	const char *sets[OPTIONS_LIST_MAX];     /* --findings-set */
	int nsets;
	uint64_t stats_interval_ns;     /* --stats-interval, 0: none */
	bool stats;                     /* tlstap.stats records (--no-stats) */
	bool summary;                   /* --summary, or stderr is a terminal */
	char warnings[1024];            /* lines for stderr, printed by main */
};

/* Parses argv into o and cfg (their defaults first) and checks the whole
 * command line.  Returns -1 when the run goes on, else the code main
 * returns now: EXIT_OK after --help or -V, EXIT_USAGE after saying what
 * is wrong on stderr.  A bad number or a bad --findings-config exits the
 * process at once (EXIT_USAGE, or EXIT_INTERNAL out of memory).
 * argv's strings stay referenced by o and cfg.  Warnings about options
 * that replace others are kept in o->warnings, not printed: main prints
 * them after it may have executed itself again (hugeheap.h). */
int options_parse(struct options *o, struct tt_config *cfg, int argc, char **argv);

#endif
