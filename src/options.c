/*
 * options.c - tlstap's command line (options.h): main's own options in
 * three groups (where packets come from, what the records say and where
 * they go, how they are analysed), cli.c's through cli_option, then the
 * positional names and the trailing filter (cli_positional).
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "findings.h"
#include "netsink.h"
#include "tlstap_version.h"

static const char usage_input[] =
"Usage: tlstap [options] CAPTURE... [BPF EXPRESSION]\n"
"       tlstap [options] -r FILE [-r FILE ...]\n"
"       tlstap [options] -i INTERFACE [BPF EXPRESSION]\n"
"       tlstap [options] --from-json RECORDS.ndjson\n"
"\n"
"Reconstructs TLS and SSL handshakes from packet captures and writes one JSON\n"
"record per TLS session (NDJSON, Elastic Common Schema names): versions,\n"
"ciphers, extensions, SNI, ALPN, certificates, JA3/JA4 fingerprints, and how the\n"
"handshake ended (established, resumed, alert, reset, ...).\n"
"\n"
"Input:\n"
"  CAPTURE...            pcap or pcapng files, directories (their files in name\n"
"                        order, subdirectories included) and wildcard patterns;\n"
"                        gzip, zstd and xz files are decompressed on the fly.\n"
"                        They are read in order as one stream, and a bad file\n"
"                        does not stop the others.\n"
"  -r FILE               the same, one name per -r; '-' reads standard input.\n"
"  -i INTERFACE          capture live until SIGINT or SIGTERM (needs root or\n"
"                        CAP_NET_RAW); records appear as handshakes complete.\n"
"  -f EXPR               BPF filter for files and interfaces, e.g. 'tcp port 443';\n"
"                        or give it after the captures, as with tcpdump:\n"
"                        tlstap a.pcap tcp port 443.  TLS is recognised by content\n"
"                        on any port; a filter only saves work.\n"
"  -s SNAPLEN            live: bytes kept per packet (default 262144).\n"
"  -B KIB                live: kernel capture buffer in KiB (default 16384).\n"
"  -Z USER               live: drop root to USER once the interface is open.\n"
"  --fanout              live, with --threads N: N capture sockets in one\n"
"                        AF_PACKET fanout group, each read by its worker; the\n"
"                        kernel keeps each connection on one (Linux).\n"
"\n";

static const char usage_output[] =
"\n"
"Output:\n"
"  -o PATH               append records to PATH (created mode 0640) instead of\n"
"                        standard output; SIGHUP reopens it (for logrotate).\n"
"  -o unix:SOCKET        send records to a local collector's Unix stream socket;\n"
"                        never blocks capture: reconnects every second, queues\n"
"                        up to 4 MiB, counts what it has to drop.\n"
"  -o syslog             RFC 5424 to the local syslog daemon (/dev/log);\n"
"  -o syslog:unix:PATH   ... to another Unix datagram socket;\n"
"  -o syslog:udp:HOST:PORT, -o syslog:tcp:HOST:PORT  ... over UDP, or over TCP\n"
"                        with RFC 6587 octet counting.\n"
"  -o unix-dgram:PATH    one record per datagram to a Unix datagram socket.\n"
"  -o tcp:HOST:PORT      NDJSON over TCP.\n"
"  -o redis://HOST:PORT[/DB][?key=NAME&mode=list|publish]  RPUSH (default) or\n"
"                        PUBLISH each record (key default \"tlstap\").\n"
"                        -o may be repeated: one file, '-' or unix: output (a\n"
"                        second one replaces the first, with a warning) and\n"
"                        up to 8 of the sinks above, each with its own 4 MiB\n"
"                        queue and thread; they reconnect every second, never\n"
"                        hold live capture back, and count what they drop.\n"
"  --pretty              indented JSON for people (not NDJSON).\n"
"  --observer-name NAME  observer.name of every record (the sensor's name).\n"
"  --add-field KEY=VALUE labels.KEY: VALUE on every record (repeatable).\n"
"  --stats-interval SEC  also write a tlstap.stats record every SEC seconds\n"
"                        (packet time); a final one is always written.\n"
"  --no-stats            do not write tlstap.stats records.\n"
"  --summary             print a human summary to stderr at the end (default\n"
"                        when stderr is a terminal).\n"
"  --certificate-chain   include each certificate's DER, base64, in\n"
"                        tls.server.certificate_chain / tls.client.certificate_chain.\n"
"  --certificates MODE   how much of each certificate a session record\n"
"                        carries: full (default: the leaf and the chain as\n"
"                        x509 objects), once (by hash; each distinct\n"
"                        certificate written once as a tlstap.x509 record),\n"
"                        leaf (the leaf's x509, the chain by hash), chain\n"
"                        (the chain by hash), none (no chain, no x509).\n"
"  --certs-dir DIR       write each distinct certificate once as DIR/<sha256>.der.\n"
"  --community-id-seed N seed for network.community_id (default 0).\n"
"\n";

static const char usage_findings[] =
"Findings (README 'Findings'; tls.findings in every session record):\n"
"  --findings-config FILE  a findings policy: thresholds, findings turned off,\n"
"                        severities; one 'key = value' a line, '#' comments.\n"
"  --findings-set KEY=VALUE  one policy line, applied after the file, e.g.\n"
"                        --findings-set 'disable = no_sni,cbc_mode' or\n"
"                        --findings-set expiry_warning_days=14.\n"
"Decryption (README 'Decryption'):\n"
"  --keylog FILE         an NSS key log (SSLKEYLOGFILE); repeatable.  Sessions\n"
"                        (SSL 3.0 to TLS 1.3) whose ClientHello random it lists\n"
"                        have their handshake read; application data is never\n"
"                        reported.  Live (-i): followed as it grows.\n"
"\n";

static const char usage_certificates[] =
"Certificates:\n"
"  --ca-file FILE        trusted roots (PEM) for tls.server.validation; default:\n"
"                        the system bundle. Validation uses the capture's time.\n"
"  --ca-dir DIR          a directory of trusted root certificates.\n"
"  --client-ca-file FILE roots (PEM) for tls.client.validation; default: the\n"
"                        store above.\n"
"\n";

static const char usage_limits[] =
"Limits (README 'Limits' explains each):\n"
"  --memcap BYTES        all memory that grows with traffic: connections,\n"
"                        reassembly, sessions, fragments, caches, queues\n"
"                        (default 256M); beyond it connections without payload\n"
"                        are dropped, then the oldest unfinished sessions are\n"
"                        ended and reported. The limits below refine it.\n"
"  --max-flows N         concurrent TCP connections and UDP flows tracked\n"
"                        (default 1000000); the least recently active is\n"
"                        evicted and reported.\n"
"  --tcp-timeout SEC     idle timeout of a connection (default 300).\n"
"  --vlan-tracking on|off  whether the VLAN tag tells connections apart\n"
"                        (default on; off where the two directions of a\n"
"                        connection carry different tags).\n"
"  --udp-timeout SEC     idle timeout of a UDP flow, DTLS (default 60).\n"
"  --reasm-memcap BYTES  reassembly memory for all connections (default 64 MiB).\n"
"                        Sizes take K, M, G suffixes (KiB, MiB, GiB): 64M.\n"
"  --reasm-limit BYTES   reassembly memory per direction (default 256 KiB).\n"
"  --max-handshake BYTES largest handshake message parsed (default 1 MiB).\n"
"  --max-certs N         certificates kept per chain (default 16).\n"
"  --session-memcap BYTES  memory of unfinished sessions, all connections\n"
"                        (default 256 MiB); beyond it the oldest are ended\n"
"                        and reported.\n"
"  --threads N           N worker threads (default 1: one thread reads and\n"
"                        follows the traffic, a second builds the records);\n"
"                        connections are shared out by address pair and the\n"
"                        limits above divided among the workers.\n"
"  --no-render-thread    with one thread, build the records in it too.\n"
"  --hello-cache N       distinct ClientHellos whose fingerprint and list fields\n"
"                        are kept serialised for reuse (default 1024; 0: off).\n"
"\n";

static const char usage_end[] =
"  -h, --help            this text.\n"
"  -V, --version         the version and the libraries in use.\n"
"\n"
"Exit status: 0 success (also when the reader of standard output went away,\n"
"as with | head); 1 bad usage (an unknown option or value, a bad filter, a\n"
"missing --ca-file); 2 a capture could not be read or was\n"
"corrupt (everything decoded before the fault, and every other file, is still\n"
"reported); 3 the output could not be written; 4 live capture could not start\n"
"or privileges could not be dropped; 5 internal error (out of memory, CA store);\n"
"6 (reading files) records could not be delivered to a sink.\n"
"\n"
"Examples:\n"
"  tlstap --format text traffic.pcapng\n"
"  tlstap -v captures/ tcp port 443\n"
"  tlstap day1.pcap.zst day2.pcap.zst --report week.html -w failed.pcap\n"
"  tlstap -r traffic.pcapng -o tls.ndjson\n"
"  tcpdump -w - -i eth0 | tlstap -r -\n"
"  tlstap -i eth0 -f 'tcp' -Z nobody -o /var/log/tlstap/tlstap.ndjson\n"
"                        (/var/log/tlstap/ owned by nobody: see -Z)\n";

/* --help: this file's sections around cli.c's (NULL). */
static void usage(FILE *out)
{
	static const char *const parts[] = {
		usage_input, NULL, usage_output, usage_findings, usage_certificates,
		usage_limits, usage_end,
	};

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (parts[i])
			fputs(parts[i], out);
		else
			cli_usage(out);
	}
}

enum {
	OPT_PRETTY = 256, OPT_STATS_INTERVAL, OPT_NO_STATS, OPT_SUMMARY, OPT_CHAIN,
	OPT_CERTS_DIR, OPT_SEED, OPT_CA_FILE, OPT_CA_DIR, OPT_CLIENT_CA_FILE, OPT_MAX_FLOWS, OPT_TCP_TIMEOUT, OPT_UDP_TIMEOUT,
	OPT_MEMCAP, OPT_REASM_LIMIT, OPT_MAX_HS, OPT_MAX_CERTS, OPT_HELLO_CACHE,
	OPT_THREADS, OPT_SESSION_MEMCAP, OPT_VLAN_TRACKING, OPT_BUDGET,
	OPT_FINDINGS_CONFIG, OPT_FINDINGS_SET, OPT_KEYLOG, OPT_OBSERVER_NAME, OPT_ADD_FIELD,
	OPT_CERTIFICATES, OPT_FANOUT, OPT_NO_RENDER_THREAD,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "pretty", no_argument, NULL, OPT_PRETTY },
	{ "observer-name", required_argument, NULL, OPT_OBSERVER_NAME },
	{ "add-field", required_argument, NULL, OPT_ADD_FIELD },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "no-stats", no_argument, NULL, OPT_NO_STATS },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "certificate-chain", no_argument, NULL, OPT_CHAIN },
	{ "certificates", required_argument, NULL, OPT_CERTIFICATES },
	{ "certs-dir", required_argument, NULL, OPT_CERTS_DIR },
	{ "community-id-seed", required_argument, NULL, OPT_SEED },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "ca-dir", required_argument, NULL, OPT_CA_DIR },
	{ "client-ca-file", required_argument, NULL, OPT_CLIENT_CA_FILE },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "tcp-timeout", required_argument, NULL, OPT_TCP_TIMEOUT },
	{ "udp-timeout", required_argument, NULL, OPT_UDP_TIMEOUT },
	{ "reasm-memcap", required_argument, NULL, OPT_MEMCAP },
	{ "reasm-limit", required_argument, NULL, OPT_REASM_LIMIT },
	{ "max-handshake", required_argument, NULL, OPT_MAX_HS },
	{ "max-certs", required_argument, NULL, OPT_MAX_CERTS },
	{ "hello-cache", required_argument, NULL, OPT_HELLO_CACHE },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "fanout", no_argument, NULL, OPT_FANOUT },
	{ "no-render-thread", no_argument, NULL, OPT_NO_RENDER_THREAD },
	{ "session-memcap", required_argument, NULL, OPT_SESSION_MEMCAP },
	{ "memcap", required_argument, NULL, OPT_BUDGET },
	{ "vlan-tracking", required_argument, NULL, OPT_VLAN_TRACKING },
	{ "findings-config", required_argument, NULL, OPT_FINDINGS_CONFIG },
	{ "findings-set", required_argument, NULL, OPT_FINDINGS_SET },
	CLI_LONG_OPTIONS,
	{ "keylog", required_argument, NULL, OPT_KEYLOG },
	{ NULL, 0, NULL, 0 },
};

/* --certificates MODE into cfg; false (said on stderr) for an unknown mode. */
static bool cert_mode_option(struct tt_config *cfg, const char *arg)
{
	static const char *const names[] = {
		[CERTS_FULL] = "full", [CERTS_ONCE] = "once", [CERTS_LEAF] = "leaf",
		[CERTS_CHAIN] = "chain", [CERTS_NONE] = "none",
	};

	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(arg, names[i]) == 0) {
			cfg->certs = (enum cert_mode)i;
			return true;
		}
	fprintf(stderr, "tlstap: --certificates takes full, once, leaf, chain or none\n"
		"Try 'tlstap --help'.\n");
	return false;
}

/* A whole number in [lo, hi], or exit with a usage error naming the option. */
static unsigned long long number(const char *opt, const char *s,
				 unsigned long long lo, unsigned long long hi)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi) {
		fprintf(stderr, "tlstap: %s: expected a whole number from %llu to %llu, got \"%s\"\n",
			opt, lo, hi, s);
		exit(EXIT_USAGE);
	}
	return v;
}

/* The options that set one uint32_t of the configuration, with bounds. */
static const struct u32_opt {
	int id;
	const char *name;
	unsigned long long lo, hi;
	size_t off;
	bool size;                      /* bytes: units allowed (64K) */
} u32_opts[] = {
	{ OPT_MAX_FLOWS, "--max-flows", 1, 100000000, offsetof(struct tt_config, max_flows), false },
	{ OPT_REASM_LIMIT, "--reasm-limit", 32768, 1u << 30, offsetof(struct tt_config, reasm_dir_limit), true },
	{ OPT_MAX_HS, "--max-handshake", 16384, 1u << 24, offsetof(struct tt_config, max_handshake_msg), true },
	{ OPT_MAX_CERTS, "--max-certs", 1, 1000, offsetof(struct tt_config, max_certs), false },
	{ OPT_HELLO_CACHE, "--hello-cache", 0, 1u << 20, offsetof(struct tt_config, hello_cache_size), false },
	{ OPT_THREADS, "--threads", 1, 64, offsetof(struct tt_config, threads), false },
};

/* --add-field KEY=VALUE into cfg's labels; false (said on stderr) when
 * KEY is not [a-z0-9_]+, repeats one, or there are too many. */
static bool add_field(struct tt_config *cfg, char *kv)
{
	char *eq = strchr(kv, '=');

	if (!eq || eq == kv || strspn(kv, "abcdefghijklmnopqrstuvwxyz0123456789_") != (size_t)(eq - kv)) {
		fprintf(stderr, "tlstap: --add-field takes KEY=VALUE, KEY of a-z, 0-9 and _ "
			"(it becomes labels.KEY)\n");
		return false;
	}
	*eq = '\0';
	for (unsigned i = 0; i < cfg->nlabels; i++)
		if (strcmp(cfg->label_key[i], kv) == 0) {
			fprintf(stderr, "tlstap: --add-field %s given twice\n", kv);
			return false;
		}
	if (cfg->nlabels == LABELS_MAX) {
		fprintf(stderr, "tlstap: at most %d --add-field\n", LABELS_MAX);
		return false;
	}
	cfg->label_key[cfg->nlabels] = kv;
	cfg->label_val[cfg->nlabels++] = eq + 1;
	return true;
}

/* Sets the option if it is one of u32_opts (exits on a bad number). */
static bool u32_option(struct tt_config *cfg, int id, const char *arg)
{
	for (size_t i = 0; i < sizeof u32_opts / sizeof u32_opts[0]; i++)
		if (u32_opts[i].id == id) {
			const struct u32_opt *u = &u32_opts[i];
			uint32_t v = (uint32_t)(u->size ? cli_size(u->name, arg, u->lo, u->hi) :
					       number(u->name, arg, u->lo, u->hi));
			memcpy((char *)cfg + u32_opts[i].off, &v, sizeof v);
			return true;
		}
	return false;
}

/* Applies the policy file at path (at most 1 MiB), or exits with a usage
 * error naming the file (and the line, for what is in it). */
static void findings_config(struct tt_config *cfg, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf, err[512];
	size_t n;

	if (!f) {
		fprintf(stderr, "tlstap: %s: cannot read the findings policy: %s\n", path,
			strerror(errno));
		exit(EXIT_USAGE);
	}
	buf = malloc(1u << 20);
	if (!buf) {
		fclose(f);
		fprintf(stderr, "tlstap: out of memory\n");
		exit(EXIT_INTERNAL);
	}
	n = fread(buf, 1, 1u << 20, f);
	if (ferror(f) || (n == 1u << 20 && fgetc(f) != EOF)) {
		fprintf(stderr, "tlstap: %s: %s\n", path,
			ferror(f) ? "cannot read the findings policy" : "findings policy over 1 MiB");
		exit(EXIT_USAGE);
	}
	fclose(f);
	if (fnd_policy_parse(&cfg->findings, buf, n, path, err, sizeof err) != 0) {
		fprintf(stderr, "tlstap: %s\n", err);
		exit(EXIT_USAGE);
	}
	free(buf);
}

/* A warning, kept for main to print once the run goes on (options.h): a
 * whole line, or nothing when the buffer is full. */
__attribute__((format(printf, 2, 3)))
static void warn(struct options *o, const char *fmt, ...)
{
	size_t used = strlen(o->warnings), room = sizeof o->warnings - used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->warnings + used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 >= room) {
		o->warnings[used] = '\0';
		return;
	}
	strcpy(o->warnings + used + (size_t)n, "\n");
}

/* One -o: network sinks add up (at most EMIT_SINKS_MAX); a second file,
 * "-" or unix: output replaces the first, with a warning, as a repeated
 * option does elsewhere.  False (with a message) when there are too many. */
static bool add_output(struct options *o, const char *spec)
{
	unsigned nets = 0;

	for (unsigned i = 0; i < o->nouts; i++) {
		if (netsink_is_spec(o->outs[i])) {
			nets++;
		} else if (!netsink_is_spec(spec)) {
			warn(o, "tlstap: warning: -o %s replaces -o %s", spec, o->outs[i]);
			o->outs[i] = spec;
			return true;
		}
	}
	if (netsink_is_spec(spec) && nets == EMIT_SINKS_MAX) {
		fprintf(stderr, "tlstap: at most %d network sinks (-o)\n", EMIT_SINKS_MAX);
		return false;
	}
	o->outs[o->nouts++] = spec;
	return true;
}

/* The values these return: the option was handled, is not the group's,
 * or was wrong (said on stderr). */
enum { OPT_DONE, OPT_OTHER, OPT_BAD };

/* Where packets come from. */
static int source_option(struct options *o, int c, const char *arg)
{
	switch (c) {
	case 'r': cli_add_file(&o->cli, arg); break;
	case 'i':
		if (o->iface)
			warn(o, "tlstap: warning: -i %s replaces -i %s (one interface at a time)",
			     arg, o->iface);
		o->iface = arg;
		break;
	case 'f': o->co.filter = arg; break;
	case 's': o->co.snaplen = (int)number("-s", arg, 64, 262144); break;
	case 'B': o->co.buffer_kib = (int)number("-B", arg, 1, 4194304); break;
	case 'Z': o->co.user = arg; break;
	case OPT_FANOUT: o->co.fanout = true; break;
	default: return OPT_OTHER;
	}
	return OPT_DONE;
}

/* What the records say and where they go. */
static int output_option(struct options *o, struct tt_config *cfg, int c, char *arg)
{
	switch (c) {
	case 'o':
		if (!add_output(o, arg))
			return OPT_BAD;
		o->cli.out_set = true;
		break;
	case OPT_PRETTY: cfg->pretty = true; break;
	case OPT_NO_RENDER_THREAD: cfg->render_thread = false; break;
	case OPT_OBSERVER_NAME: cfg->observer_name = arg; break;
	case OPT_ADD_FIELD: return add_field(cfg, arg) ? OPT_DONE : OPT_BAD;
	case OPT_STATS_INTERVAL:
		o->stats_interval_ns = number("--stats-interval", arg, 1, 86400 * 365) *
				       1000000000ull;
		break;
	case OPT_NO_STATS: o->stats = false; break;
	case OPT_SUMMARY: o->summary = true; break;
	case OPT_CHAIN: cfg->emit_chain_der = true; break;
	case OPT_CERTS_DIR: cfg->certs_dir = arg; break;
	case OPT_SEED:
		cfg->community_id_seed = (uint16_t)number("--community-id-seed", arg, 0, 65535);
		break;
	case OPT_CERTIFICATES: return cert_mode_option(cfg, arg) ? OPT_DONE : OPT_BAD;
	default: return OPT_OTHER;
	}
	return OPT_DONE;
}

/* One more name for a bounded list of the options; false (said) when full. */
static bool list_add(const char **list, int *n, const char *what, const char *arg)
{
	if (*n == OPTIONS_LIST_MAX) {
		fprintf(stderr, "tlstap: at most %d %s\n", OPTIONS_LIST_MAX, what);
		return false;
	}
	list[(*n)++] = arg;
	return true;
}

/* How the packets are analysed: trust, limits, findings, key logs. */
static int analysis_option(struct options *o, struct tt_config *cfg, int c, const char *arg)
{
	switch (c) {
	case OPT_CA_FILE: cfg->ca_file = arg; break;
	case OPT_CA_DIR: cfg->ca_dir = arg; break;
	case OPT_CLIENT_CA_FILE: cfg->client_ca_file = arg; break;
	case OPT_TCP_TIMEOUT:
		cfg->tcp_idle_timeout_ns = number("--tcp-timeout", arg, 1, 86400 * 30) * 1000000000ull;
		break;
	case OPT_UDP_TIMEOUT:
		cfg->udp_timeout_ns = number("--udp-timeout", arg, 1, 86400 * 30) * 1000000000ull;
		break;
	case OPT_MEMCAP: cfg->reasm_memcap = cli_size("--reasm-memcap", arg, 65536, 1ull << 40); break;
	case OPT_SESSION_MEMCAP:
		cfg->session_memcap = cli_size("--session-memcap", arg, 1ull << 20, 1ull << 40);
		break;
	case OPT_BUDGET: cfg->memcap = cli_size("--memcap", arg, 4ull << 20, 1ull << 40); break;
	case OPT_VLAN_TRACKING:
		if (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0) {
			fprintf(stderr, "tlstap: --vlan-tracking takes on or off\n"
				"Try 'tlstap --help'.\n");
			return OPT_BAD;
		}
		cfg->vlan_tracking = strcmp(arg, "on") == 0;
		break;
	case OPT_FINDINGS_CONFIG: findings_config(cfg, arg); break;
	case OPT_FINDINGS_SET:
		return list_add(o->sets, &o->nsets, "--findings-set options", arg) ? OPT_DONE : OPT_BAD;
	case OPT_KEYLOG:
		return list_add(o->keylogs, &o->nkeylogs, "--keylog files", arg) ? OPT_DONE : OPT_BAD;
	default:
		return u32_option(cfg, c, arg) ? OPT_DONE : OPT_OTHER;
	}
	return OPT_DONE;
}

/* After the options: the --findings-set lines (after every file, whatever
 * the order given), the positional names and filter, one input kind. */
static int finish(struct options *o, struct tt_config *cfg, int argc, char **argv)
{
	char err[512];

	for (int i = 0; i < o->nsets; i++)
		if (fnd_policy_parse(&cfg->findings, o->sets[i], strlen(o->sets[i]),
				     "--findings-set", err, sizeof err) != 0) {
			fprintf(stderr, "tlstap: %s\n", err);
			return EXIT_USAGE;
		}
	cli_positional(&o->cli, &o->co, cfg, argc, argv, o->iface != NULL);
	if (o->co.fanout && (!o->iface || cfg->threads < 2)) {
		fprintf(stderr, "tlstap: --fanout needs -i INTERFACE and --threads N (N >= 2)\n"
			"Try 'tlstap --help'.\n");
		return EXIT_USAGE;
	}
	if ((o->cli.files.n == 0) == (o->iface == NULL) && !o->cli.from_json) {
		fprintf(stderr, "tlstap: give capture files (or -r FILE) or -i INTERFACE (one of them)\n"
			"Try 'tlstap --help'.\n");
		return EXIT_USAGE;
	}
	return -1;
}

int options_parse(struct options *o, struct tt_config *cfg, int argc, char **argv)
{
	int c, r;

	memset(o, 0, sizeof *o);
	o->co.snaplen = 262144;
	o->stats = true;
	o->summary = isatty(STDERR_FILENO);
	config_defaults(cfg);
	cfg->render_thread = true;
	cli_init(&o->cli);
	while ((c = getopt_long(argc, argv, "r:i:f:o:s:B:Z:hV" CLI_SHORT_OPTIONS, long_opts,
				NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (c == 'V') {
			cli_versions(TLSTAP_VERSION);
			return EXIT_OK;
		}
		r = source_option(o, c, optarg);
		if (r == OPT_OTHER)
			r = output_option(o, cfg, c, optarg);
		if (r == OPT_OTHER)
			r = analysis_option(o, cfg, c, optarg);
		if (r == OPT_OTHER && cli_option(&o->cli, &o->co, c, optarg))
			r = OPT_DONE;
		if (r == OPT_BAD)
			return EXIT_USAGE;
		if (r == OPT_OTHER) {
			fprintf(stderr, "Try 'tlstap --help'.\n");
			return EXIT_USAGE;
		}
	}
	return finish(o, cfg, argc - optind, argv + optind);
}
