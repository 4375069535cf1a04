/*
 * capture.c - libpcap sources.  Timestamps are read at nanosecond precision
 * (pcap with nanosecond magic, pcapng with if_tsresol) and passed on as
 * nanoseconds since the epoch; all timeouts downstream run on them.
 * Capture only delivers packets and time to the engine (engine.h), which
 * owns what happens on the output side.
 */
#include "capture.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


#define READ_BUF (1u << 20)

static volatile sig_atomic_t stop_flag;
static int stdin_buffered;
static pcap_t *live_handle;   /* for pcap_breakloop from the signal handler */

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		engine_request_reopen();
		return;
	}
	stop_flag = 1;
	if (live_handle)
		pcap_breakloop(live_handle);
}

void capture_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int capture_stopped(void)
{
	return stop_flag != 0;
}

static const char *display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

static int set_filter(pcap_t *p, const char *name, const char *filter, bpf_u_int32 net)
{
	struct bpf_program prog;

	if (!filter)
		return 0;
	if (pcap_compile(p, &prog, filter, 1, net) < 0) {
		fprintf(stderr, "tlstap: %s: bad filter \"%s\": %s\n", name, filter, pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) < 0) {
		fprintf(stderr, "tlstap: %s: cannot set filter: %s\n", name, pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

static uint64_t pkt_ns(const struct pcap_pkthdr *h)
{
	/* tv_usec holds nanoseconds: the handles are opened at nano precision. */
	return (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
}

/* pcap_close closes the FILE (not stdin); its buffer is ours. */
static void close_file(pcap_t *p, char *buf)
{
	pcap_close(p);
	free(buf);
}

int capture_file(struct engine *e, const char *path, const struct capture_opts *o)
{
	char err[PCAP_ERRBUF_SIZE];
	const char *name = display_name(path);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0;
	pcap_t *p;
	FILE *f;
	char *buf;
	int dlt, rc;

	err[0] = '\0';
	/* Our own FILE with a 1 MiB buffer: stdio's default of one 4 KiB block
	 * per read(2) made a system call for every few packets. */
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "tlstap: %s: cannot read capture: %s: %s\n", name, path,
			strerror(errno));
		return -1;
	}
	buf = NULL;
	if (f != stdin) {
		buf = malloc(READ_BUF);
		if (buf)
			setvbuf(f, buf, _IOFBF, READ_BUF);
	} else if (!stdin_buffered) {
		/* Standard input outlives any one -r: a buffer of its own,
		 * set before its first read. */
		static char stdin_buf[READ_BUF];
		setvbuf(stdin, stdin_buf, _IOFBF, sizeof stdin_buf);
		stdin_buffered = 1;
	}
	p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "tlstap: %s: cannot read capture: %s\n", name, err);
		if (f != stdin)
			fclose(f);
		free(buf);
		return -1;
	}
	dlt = pcap_datalink(p);
	if (!engine_dlt_supported(dlt)) {
		const char *dn = pcap_datalink_val_to_name(dlt);
		fprintf(stderr, "tlstap: %s: unsupported link type %d (%s)\n", name, dlt,
			dn ? dn : "unknown");
		close_file(p, buf);
		return -1;
	}
	if (set_filter(p, name, o->filter, PCAP_NETMASK_UNKNOWN) < 0) {
		close_file(p, buf);
		return -1;
	}
	engine_input(e);
	while (!stop_flag && (rc = pcap_next_ex(p, &h, &data)) == 1) {
		uint64_t ts = pkt_ns(h);
		n++;
		/* pcapng may mix interfaces of different link types. */
		engine_packet(e, pcap_datalink(p), ts, data, h->caplen, h->len);
		engine_clock(e, ts);
	}
	if (!stop_flag && rc == PCAP_ERROR) {
		fprintf(stderr, "tlstap: %s: stopped after %llu packets: %s\n", name,
			(unsigned long long)n, pcap_geterr(p));
		close_file(p, buf);
		return -1;
	}
	close_file(p, buf);
	return 0;
}

static int drop_privileges(const char *user)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		fprintf(stderr, "tlstap: -Z %s: no such user%s%s\n", user,
			errno ? ": " : "", errno ? strerror(errno) : "");
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "tlstap: -Z %s: cannot drop privileges: %s\n", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		fprintf(stderr, "tlstap: -Z %s: privileges could be regained; refusing to run\n", user);
		return -1;
	}
	fprintf(stderr, "tlstap: dropped privileges to user %s (uid %u)\n", user,
		(unsigned)pw->pw_uid);
	return 0;
}

static void live_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	void **args = (void **)user;
	struct engine *e = args[0];
	const int *dlt = args[1];

	engine_packet(e, *dlt, pkt_ns(h), data, h->caplen, h->len);
}

static uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* libpcap's received/dropped/if_dropped into st (kept as they were when
 * the platform cannot say). */
static void read_pcap_stats(pcap_t *p, struct tt_stats *st)
{
	struct pcap_stat ps;

	if (pcap_stats(p, &ps) == 0) {
		st->pcap_recv = ps.ps_recv;
		st->pcap_drop = ps.ps_drop;
		st->pcap_ifdrop = ps.ps_ifdrop;
	}
}

int capture_live(struct engine *e, struct tt_stats *st, const char *iface,
		 const struct capture_opts *o)
{
	struct pollfd pfd = { .fd = -1, .events = POLLIN };
	char err[PCAP_ERRBUF_SIZE];
	bpf_u_int32 net = 0, mask = 0;
	void *args[2];
	pcap_t *p;
	int dlt, rc = 0;

	err[0] = '\0';
	p = pcap_create(iface, err);
	if (!p) {
		fprintf(stderr, "tlstap: %s: cannot open interface: %s\n", iface, err);
		return -1;
	}
	pcap_set_snaplen(p, o->snaplen);
	pcap_set_promisc(p, 1);
	pcap_set_immediate_mode(p, 1);
	pcap_set_timeout(p, 200);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	if (o->buffer_kib > 0)
		pcap_set_buffer_size(p, o->buffer_kib * 1024);
	rc = pcap_activate(p);
	if (rc < 0) {
		fprintf(stderr, "tlstap: %s: cannot capture: %s\n", iface, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	if (rc > 0)
		fprintf(stderr, "tlstap: %s: warning: %s\n", iface, pcap_geterr(p));
	dlt = pcap_datalink(p);
	if (!engine_dlt_supported(dlt)) {
		fprintf(stderr, "tlstap: %s: unsupported link type %d\n", iface, dlt);
		pcap_close(p);
		return -1;
	}
	if (pcap_lookupnet(iface, &net, &mask, err) < 0)
		net = PCAP_NETMASK_UNKNOWN;
	if (set_filter(p, iface, o->filter, mask ? mask : PCAP_NETMASK_UNKNOWN) < 0 ||
	    (o->user && drop_privileges(o->user) < 0)) {
		pcap_close(p);
		return -1;
	}
	if (o->user)
		engine_privileges_dropped(e);
	/* Precision may have been refused by the platform: timestamps then are
	 * microseconds and must be scaled. */
	if (pcap_get_tstamp_precision(p) != PCAP_TSTAMP_PRECISION_NANO) {
		fprintf(stderr, "tlstap: %s: nanosecond timestamps unavailable\n", iface);
		pcap_close(p);
		return -1;
	}
	live_handle = p;
	args[0] = e;
	args[1] = &dlt;
	fprintf(stderr, "tlstap: capturing on %s\n", iface);
	rc = 0;
	pfd.fd = pcap_get_selectable_fd(p);
	while (!stop_flag) {
		/* In immediate mode a quiet interface would keep pcap_dispatch
		 * waiting: wait here instead, at most 200 ms, so that the clock
		 * (stats heartbeat, flush, reopen) runs without traffic. */
		int got = 0;
		if (pfd.fd < 0 || poll(&pfd, 1, 200) != 0)
			got = pcap_dispatch(p, -1, live_cb, (u_char *)args);
		uint64_t now = wall_ns();
		if (got == PCAP_ERROR) {
			fprintf(stderr, "tlstap: %s: capture failed: %s\n", iface, pcap_geterr(p));
			rc = -1;
			break;
		}
		/* Every stats record, periodic ones included, carries
		 * libpcap's counts as of now. */
		read_pcap_stats(p, st);
		engine_idle(e, now);
	}
	read_pcap_stats(p, st);
	live_handle = NULL;
	pcap_close(p);
	return rc;
}
