/*
 * cli.c - positional captures and the trailing BPF expression, sizes with
 * units, the views, the report, -w and --from-json (cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <lzma.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "../parsers/x509.h"
#include "emit.h"
#include "pcapsave.h"
#include "report_html.h"

static void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tlstap: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tlstap --help'.\n");
	exit(CLI_EXIT_USAGE);
}

void cli_init(struct cli *cl)
{
	memset(cl, 0, sizeof *cl);
	cl->colour = -1;
}

unsigned long long cli_size(const char *opt, const char *s, unsigned long long lo,
			    unsigned long long hi)
{
	char *end;
	unsigned long long v, mul = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; break;
	case 'm': case 'M': mul = 1ull << 20; break;
	case 'g': case 'G': mul = 1ull << 30; break;
	case 't': case 'T': mul = 1ull << 40; break;
	default: break;
	}
	if (mul > 1 && end != s) {
		end++;
		if (strcmp(end, "iB") == 0)
			end += 2;
	}
	if (errno || end == s || *end || s[0] == '-' || v > hi / mul || v * mul < lo) {
		fprintf(stderr, "tlstap: %s: expected a size from %llu to %llu (suffixes K, M, G: "
			"KiB, MiB, GiB), got \"%s\"\n", opt, lo, hi, s);
		exit(CLI_EXIT_USAGE);
	}
	return v * mul;
}

/* "90", "90s", "15m", "2h", "1d": nanoseconds. */
static uint64_t duration(const char *s)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end && !end[1]) {
		mul = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
		end += mul != 0;
	}
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > 86400ull * 3650 / mul)
		usage_error("--duration: expected a time such as 90, 90s, 15m, 2h or 1d, got \"%s\"",
			    s);
	return (uint64_t)v * mul * 1000000000ull;
}

bool cli_option(struct cli *cl, struct capture_opts *co, int c, const char *arg)
{
	switch (c) {
	case CLI_OPT_FORMAT:
		if (strcmp(arg, "json") == 0)
			cl->format = VIEW_JSON;
		else if (strcmp(arg, "text") == 0)
			cl->format = VIEW_TEXT;
		else if (strcmp(arg, "ladder") == 0)
			cl->format = VIEW_LADDER;
		else
			usage_error("--format: expected json, text or ladder, got \"%s\"", arg);
		cl->format_set = true;
		return true;
	case 'v':
		cl->format = VIEW_LADDER;
		cl->format_set = true;
		return true;
	case CLI_OPT_COLOR:
		if (strcmp(arg, "auto") == 0)
			cl->colour = -1;
		else if (strcmp(arg, "always") == 0)
			cl->colour = 1;
		else if (strcmp(arg, "never") == 0)
			cl->colour = 0;
		else
			usage_error("--color: expected auto, always or never, got \"%s\"", arg);
		return true;
	case CLI_OPT_REPORT: cl->report = arg; return true;
	case CLI_OPT_FROM_JSON: cl->from_json = arg; return true;
	case 'w': cl->save = arg; return true;
	case 'q': cl->quiet = true; return true;
	case 'c':
		co->max_packets = cli_size("-c", arg, 1, 1ull << 62);
		return true;
	case CLI_OPT_DURATION: co->duration_ns = duration(arg); return true;
	default: return false;
	}
}

void cli_add_file(struct cli *cl, const char *arg)
{
	char err[512];

	if (input_list_add(&cl->files, arg, err, sizeof err) < 0)
		usage_error("%s", err);
}

/* Whether the filter compiles for one of the common link types; a filter
 * that does not fit a particular file's link type is still reported for
 * that file. */
static bool filter_compiles(const char *expr, char *err, size_t errlen)
{
	static const int dlts[] = { DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL };

	for (size_t i = 0; i < sizeof dlts / sizeof dlts[0]; i++) {
		pcap_t *p = pcap_open_dead(dlts[i], 262144);
		struct bpf_program prog;
		bool ok;
		if (!p)
			return true;   /* cannot tell: the capture will say */
		ok = pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
		if (ok)
			pcap_freecode(&prog);
		else if (i == 0)
			snprintf(err, errlen, "%s", pcap_geterr(p));
		pcap_close(p);
		if (ok)
			return true;
	}
	return false;
}

static void join_bpf(struct cli *cl, int argc, char **argv)
{
	size_t len = 1;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (!(cl->bpf = calloc(1, len)))
		usage_error("out of memory");
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(cl->bpf, " ");
		strcat(cl->bpf, argv[i]);
	}
}

/* A name the user meant as a file (a path, or a capture's extension) that
 * is not there: an error, not the start of a filter. */
static bool looks_like_file(const char *a)
{
	static const char *const ext[] = { ".pcap", ".pcapng", ".cap", ".gz", ".zst", ".xz", ".dmp" };
	size_t n = strlen(a);

	if (strchr(a, ' '))
		return false;   /* a quoted filter: "net 10.0.0.0/8" */
	if (strchr(a, '/'))
		return true;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t e = strlen(ext[i]);
		if (n > e && strcmp(a + n - e, ext[i]) == 0)
			return true;
	}
	return false;
}

void cli_positional(struct cli *cl, struct capture_opts *co, const struct tt_config *cfg,
		    int argc, char **argv, bool live)
{
	int i = 0;
	char err[PCAP_ERRBUF_SIZE + 64];

	/* With -i every positional argument is the filter, as in tcpdump. */
	for (; !live && i < argc && input_is_name(argv[i]); i++)
		cli_add_file(cl, argv[i]);
	if (i < argc && !live && looks_like_file(argv[i]))
		usage_error("%s: no such capture file", argv[i]);
	if (i < argc) {
		if (co->filter)
			usage_error("give the filter once: -f \"%s\" or a trailing expression",
				    co->filter);
		join_bpf(cl, argc - i, argv + i);
		co->filter = cl->bpf;
	}
	if (co->filter && !filter_compiles(co->filter, err, sizeof err))
		usage_error("bad filter \"%s\": %s", co->filter, err);
	if (cfg->ca_file && access(cfg->ca_file, R_OK) != 0)
		usage_error("--ca-file %s: %s", cfg->ca_file, strerror(errno));
	if (cfg->client_ca_file && access(cfg->client_ca_file, R_OK) != 0)
		usage_error("--client-ca-file %s: %s", cfg->client_ca_file, strerror(errno));
	if (cfg->ca_dir && access(cfg->ca_dir, R_OK | X_OK) != 0)
		usage_error("--ca-dir %s: %s", cfg->ca_dir, strerror(errno));
	if (cl->from_json && (cl->files.n || live))
		usage_error("--from-json reads saved records: no capture at the same time");
}

/* Colour on the sink: never into a file or a socket, never with NO_COLOR;
 * on a terminal unless --color never. */
static bool want_colour(const struct cli *cl, const char *out)
{
	const char *nc = getenv("NO_COLOR");

	if (cl->colour >= 0)
		return cl->colour == 1;
	if (nc && *nc)
		return false;
	if (out && strcmp(out, "-") != 0)
		return false;
	return isatty(STDOUT_FILENO) == 1;
}

int cli_start(struct cli *cl, struct tt_ctx *ctx, struct capture_opts *co)
{
	struct emit_hooks h = { 0 };
	char err[512];
	int t = 0;

	if (cl->format != VIEW_JSON) {
		if (!(cl->view = view_new(cl->format, want_colour(cl, cl->out_set ? "file" : NULL)))) {
			fprintf(stderr, "tlstap: out of memory\n");
			return 5;
		}
		h.render = view_render;
		h.render_arg = cl->view;
	}
	if (cl->report) {
		if (!(cl->rep = report_new(cl->report, err, sizeof err))) {
			fprintf(stderr, "tlstap: --report %s\n", err);
			return 3;
		}
		h.tap[t] = report_record;
		h.tap_arg[t++] = cl->rep;
	}
	if (cl->save) {
		if (!(cl->saver = saver_new(cl->save, err, sizeof err))) {
			fprintf(stderr, "tlstap: -w %s\n", err);
			return 3;
		}
		h.tap[t] = saver_record;
		h.tap_arg[t++] = cl->saver;
		co->tap = saver_packet;
		co->tap_arg = cl->saver;
	}
	/* --report alone: the report is the output, nothing on stdout. */
	if (cl->report && !cl->out_set && !cl->format_set) {
		h.render = view_render;
		if (!(cl->view = view_new(VIEW_NONE, false)))
			return 5;
		h.render_arg = cl->view;
	}
	co->progress = !cl->quiet && isatty(STDERR_FILENO) == 1;
	co->st = &ctx->st;
	co->out = ctx->em;
	if (h.render || t)
		emitter_hooks(ctx->em, &h);
	return 0;
}

int cli_replay(struct cli *cl, struct tt_ctx *ctx)
{
	FILE *f = strcmp(cl->from_json, "-") == 0 ? stdin : fopen(cl->from_json, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "tlstap: %s: %s\n", cl->from_json, strerror(errno));
		return 2;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		json_t *v;
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (!n)
			continue;
		v = json_loadb(line, (size_t)n, JSON_ALLOW_NUL, NULL);
		if (!json_is_object(v)) {
			fprintf(stderr, "tlstap: %s:%lu: not a JSON record, skipped\n", cl->from_json,
				lineno);
			rc = 2;
		} else {
			emit_json_text(ctx, line, (size_t)n);
		}
		json_decref(v);
		if (emitter_gone(ctx->em))
			break;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

int cli_finish(struct cli *cl)
{
	int rc = 0;

	if (cl->rep && report_finish(cl->rep) < 0)
		rc = 3;
	if (cl->saver && saver_free(cl->saver) < 0)
		rc = 3;
	view_free(cl->view);
	input_list_free(&cl->files);
	free(cl->bpf);
	cl->rep = NULL;
	cl->saver = NULL;
	cl->view = NULL;
	return rc;
}

void cli_usage(FILE *out)
{
	fprintf(out,
"Reading:\n"
"  -c, --count N         stop after N packets (all inputs together).\n"
"  --duration TIME       stop TIME after the first packet (packet time for files,\n"
"                        the clock for -i): 90, 90s, 15m, 2h, 1d.\n"
"  -q, --quiet           no progress line, no summary on stderr.  Without -q a\n"
"                        progress line (bytes and percent of the file, packets/s,\n"
"                        sessions, time left) shows while a large file is read,\n"
"                        when stderr is a terminal.\n"
"\n"
"Views for people (the JSON record is the source of every one):\n"
"  --format json         one JSON record per line (the default).\n"
"  --format text         one aligned line per session: time, client -> server,\n"
"                        SNI, version, cipher, outcome and why, authentication,\n"
"                        certificate validation, JA3 (short) and JA4.\n"
"  --format ladder, -v   each handshake as a ladder diagram: every message on\n"
"                        the side that sent it, with its time and size, the key\n"
"                        facts beside it, and the verdict.\n"
"  --color WHEN          auto (default: colour on a terminal, not with NO_COLOR\n"
"                        set), always, never.\n"
"  --report FILE.html    also write one self-contained HTML report (charts,\n"
"                        searchable session table, ladder and certificate chain\n"
"                        per session; no network access needed).  Alone, it is\n"
"                        the only output; with -o or --format, both are written.\n"
"  --from-json FILE      read saved records (NDJSON, '-' for stdin) instead of a\n"
"                        capture, to view them or make a report.\n"
"  -w, --write FILE      save the packets of the sessions that failed or carry\n"
"                        anomalies as a pcap file (to study in Wireshark).\n");
}

void cli_versions(const char *v)
{
	printf("tlstap %s\n  %s\n  jansson %s\n  %s\n  zlib %s\n  zstd %s\n  liblzma %s\n", v,
	       pcap_lib_version(), JANSSON_VERSION, x509_library_version(), zlibVersion(),
	       ZSTD_versionString(), lzma_version_string());
}
