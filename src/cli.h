/*
 * cli.h - the command line habits people bring from tcpdump, tshark and
 * Zeek, and the views for people: kept apart from options.c, which parses
 * the options and hands the new ones here.
 *
 *   tlstap [options] [FILE|DIR|PATTERN ...] [BPF expression]
 *
 * Positional arguments are capture files (directories read in name order,
 * wildcard patterns expanded) until the first one that is not: it and the
 * rest form the BPF filter, as with tcpdump.  --format, -v, --color,
 * --report, -w, --from-json, -c, --duration and -q are handled here.
 */
#ifndef TLSTAP_CLI_H
#define TLSTAP_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "config.h"
#include "input.h"
#include "view.h"

struct cli {
	enum view_kind format;
	bool format_set;
	int colour;                     /* -1 auto (terminal and no NO_COLOR), 0, 1 */
	const char *report;             /* --report FILE.html */
	const char *save;               /* -w FILE */
	const char *from_json;          /* --from-json FILE */
	bool quiet;                     /* -q */
	bool out_set;                   /* -o was given */
	struct input_list files;        /* -r and positional names, expanded */
	char *bpf;                      /* the trailing expression, joined (owned) */
	/* run time */
	struct view *view;
	struct report *rep;
	struct saver *saver;
};

/* Option ids options.c hands to cli_option (beyond its own). */
enum {
	CLI_OPT_FORMAT = 512, CLI_OPT_COLOR, CLI_OPT_REPORT, CLI_OPT_FROM_JSON, CLI_OPT_DURATION,
};

/* The long options of this file, for options.c's table. */
#define CLI_LONG_OPTIONS \
	{ "format", required_argument, NULL, CLI_OPT_FORMAT }, \
	{ "color", required_argument, NULL, CLI_OPT_COLOR }, \
	{ "colour", required_argument, NULL, CLI_OPT_COLOR }, \
	{ "report", required_argument, NULL, CLI_OPT_REPORT }, \
	{ "from-json", required_argument, NULL, CLI_OPT_FROM_JSON }, \
	{ "duration", required_argument, NULL, CLI_OPT_DURATION }, \
	{ "count", required_argument, NULL, 'c' }, \
	{ "write", required_argument, NULL, 'w' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "verbose", no_argument, NULL, 'v' }
/* The short options of this file, for options.c's getopt string. */
#define CLI_SHORT_OPTIONS "c:w:qv"

/* Exit code of a usage error (README "Exit codes"). */
#define CLI_EXIT_USAGE 1

void cli_init(struct cli *cl);
/* Handles option c if it is one of this file's; exits with a usage error
 * on a bad value.  Returns whether it was. */
bool cli_option(struct cli *cl, struct capture_opts *co, int c, const char *arg);
/* -r FILE: added like a positional name.  Exits on a usage error. */
void cli_add_file(struct cli *cl, const char *arg);
/* The positional arguments: names, then the BPF expression.  Checks the
 * whole command line (one filter, one input kind, a filter that compiles,
 * a readable --ca-file).  Exits with a usage error. */
void cli_positional(struct cli *cl, struct capture_opts *co, const struct tt_config *cfg,
		    int argc, char **argv, bool live);

/* A size with an optional binary unit: 64K, 64M, 1G (KiB, MiB, GiB), in
 * [lo, hi]; exits with a usage error naming opt. */
unsigned long long cli_size(const char *opt, const char *s, unsigned long long lo,
			    unsigned long long hi);

/* After the emitter exists: installs the views, the report and -w as its
 * hooks and the capture's tap.  0, or an exit code (message printed). */
int cli_start(struct cli *cl, struct tt_ctx *ctx, struct capture_opts *co);
/* --from-json: every line of the file through the emitter (and so through
 * the view and the report).  0, or an exit code. */
int cli_replay(struct cli *cl, struct tt_ctx *ctx);
/* End of the run: writes the report, closes -w.  0, or an exit code. */
int cli_finish(struct cli *cl);
/* The --help section of this file's options. */
void cli_usage(FILE *out);
/* The -V line: tlstap and every library's version. */
void cli_versions(const char *tlstap_version);

#endif
