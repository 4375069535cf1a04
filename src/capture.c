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

#include "emit.h"
#include "input.h"
#include "keylog_follow.h"
#include "monoclock.h"
#include "pcap_map.h"
#include "progress.h"
#include "sources.h"
#include "../parsers/pcapng_walk.h"

#define READ_BUF (1u << 20)

static volatile sig_atomic_t stop_flag;
static uint64_t total_packets, first_ns;   /* over all inputs: -c, --duration */
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

/* The source of the packets from now on: the file, and in a pcapng file
 * the interface of the next packet (*cur caches the last one). */
static void name_source(struct engine *e, const struct capture_opts *o, const char *path,
			const struct input *in, int32_t *cur)
{
	int32_t ifx = in->walk ? pcapng_walk_next(in->walk) : -1;
	const char *file = strcmp(path, "-") == 0 ? NULL : path;

	if (ifx == *cur || !o->sources)
		return;
	*cur = ifx;
	engine_source(e, sources_id(o->sources, file, ifx,
				       in->walk ? pcapng_walk_name(in->walk, ifx) : NULL));
}

/* -c and --duration (packet time), checked for every packet. */
static void count_packet(const struct capture_opts *o, uint64_t ts)
{
	total_packets++;
	if (o->max_packets && total_packets >= o->max_packets)
		stop_flag = 1;
	if (o->duration_ns) {
		if (!first_ns)
			first_ns = ts;
		else if (ts - first_ns >= o->duration_ns)
			stop_flag = 1;
	}
}

/* Every few thousand packets: the progress line (pos: bytes of the file
 * read), and whether standard output's reader went away (`| head`: stop
 * quietly). */
static void now_and_then(const struct capture_opts *o, struct progress *pg,
			 const struct input *in, uint64_t pos)
{
	if (o->out && emitter_gone(o->out))
		stop_flag = 1;
	if (o->progress)
		progress_update(pg, pos, in->size, total_packets, o->st ? o->st->sessions : 0);
}

struct secrets_to {
	struct engine *e;
	struct keylog *kl;
};

/* A pcapng Decryption Secrets Block streamed past (inside libpcap's read,
 * ahead of the packets after it). */
static void on_secrets(void *arg, const uint8_t *text, size_t n)
{
	struct secrets_to *t = arg;

	engine_secrets(t->e, t->kl, text, n);
}

/* One file being read: what each packet needs on its way to the engine. */
struct reading {
	struct engine *e;
	const struct capture_opts *o;
	const char *path;
	const struct input *in;
	struct progress pg;
	int32_t iface;                  /* -2: none named yet */
	uint64_t n;                     /* packets of this file */
};

static void take_packet(struct reading *r, int dlt, uint64_t ts, const uint8_t *data,
			uint32_t caplen, uint32_t len, const struct pcap_map *pm)
{
	const struct capture_opts *o = r->o;

	r->n++;
	name_source(r->e, o, r->path, r->in, &r->iface);
	if (o->tap)
		o->tap(o->tap_arg, dlt, ts, data, caplen, len);
	engine_packet(r->e, dlt, ts, data, caplen, len);
	engine_clock(r->e, ts);
	count_packet(o, ts);
	if ((r->n & 4095) == 0) {
		off_t pos = pm ? (off_t)pm->off : ftello(r->in->raw);
		now_and_then(o, &r->pg, r->in, pos > 0 ? (uint64_t)pos : 0);
	}
}

/* Whether the records of this file can be read in place (pcap_map.h): a
 * plain classic pcap file on disk, no filter (libpcap runs it). */
static bool in_place_ok(const char *path, const struct input *in, const struct capture_opts *o,
		     struct pcap_map *pm)
{
	uint8_t hdr[24];
	ssize_t got;

	if (strcmp(path, "-") == 0 || in->walk || in->codec || !in->size || o->filter ||
	    in->f != in->raw)
		return false;
	got = pread(fileno(in->f), hdr, sizeof hdr, 0);
	return got == (ssize_t)sizeof hdr && pmap_format(pm, hdr, sizeof hdr);
}

/* The records pmap reads, up to the first it leaves to libpcap; then
 * libpcap's FILE is moved there.  0, or -1 (and errno) if it cannot be. */
static int read_in_place(struct reading *r, pcap_t *p, struct pcap_map *pm)
{
	int dlt = pcap_datalink(p);
	struct pmap_pkt pk;

	/* libpcap rewrites the pseudo-headers of these in place. */
	if (dlt == DLT_USB_LINUX || dlt == DLT_USB_LINUX_MMAPPED || dlt == DLT_NFLOG)
		return 0;
	pmap_start(pm, fileno(r->in->f), r->in->size, (uint32_t)pcap_snapshot(p));
	while (!stop_flag && pmap_next(pm, &pk))
		take_packet(r, dlt, pk.ts_ns, pk.data, pk.caplen, pk.len, pm);
	pmap_close(pm);
	return fseeko(r->in->f, (off_t)pm->off, SEEK_SET);
}

int capture_file(struct engine *e, const char *path, const struct capture_opts *o)
{
	struct secrets_to sto = { e, o->keylog };
	char err[PCAP_ERRBUF_SIZE];
	const char *name = display_name(path);
	struct reading r = { e, o, path, NULL, { 0 }, -2, 0 };
	struct pcap_pkthdr *h;
	const u_char *data;
	struct pcap_map pm;
	struct input in;
	bool in_place;
	pcap_t *p;
	char *buf = NULL;
	int dlt, rc = 0;

	err[0] = '\0';
	if (input_open(path, &in, err, sizeof err) < 0) {
		fprintf(stderr, "tlstap: %s: cannot read capture: %s: %s\n", name, path, err);
		return -1;
	}
	r.in = &in;
	if (in.walk && o->keylog)
		pcapng_walk_secrets(in.walk, on_secrets, &sto);
	/* Our own FILE buffer of 1 MiB: stdio's default of one 4 KiB block
	 * per read(2) made a system call for every few packets.  A file read
	 * in place goes through stdio only for its header. */
	in_place = in_place_ok(path, &in, o, &pm);
	if (!in_place && (buf = malloc(READ_BUF)) != NULL)
		setvbuf(in.f, buf, _IOFBF, READ_BUF);
	p = pcap_fopen_offline_with_tstamp_precision(in.f, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "tlstap: %s: cannot read capture%s%s: %s\n", name,
			in.codec ? " inside " : "", in.codec ? in.codec : "", err);
		if (in.f != stdin)
			fclose(in.f);
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
	progress_start(&r.pg, name);
	if (in_place && read_in_place(&r, p, &pm) != 0) {
		fprintf(stderr, "tlstap: %s: stopped after %llu packets: %s\n", name,
			(unsigned long long)r.n, strerror(errno));
		progress_end(&r.pg);
		close_file(p, buf);
		return -1;
	}
	/* pcapng may mix interfaces of different link types. */
	while (!stop_flag && (rc = pcap_next_ex(p, &h, &data)) == 1)
		take_packet(&r, pcap_datalink(p), pkt_ns(h), data, h->caplen, h->len, NULL);
	progress_end(&r.pg);
	if (!stop_flag && rc == PCAP_ERROR) {
		fprintf(stderr, "tlstap: %s: stopped after %llu packets: %s\n", name,
			(unsigned long long)r.n, pcap_geterr(p));
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
	const struct capture_opts *o = args[2];

	if (o->tap)
		o->tap(o->tap_arg, *dlt, pkt_ns(h), data, h->caplen, h->len);
	engine_packet(e, *dlt, pkt_ns(h), data, h->caplen, h->len);
	count_packet(o, pkt_ns(h));
	if (stop_flag)
		pcap_breakloop(live_handle);
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

#define LIVE_BUFFER_KIB 16384        /* the kernel ring without -B */

/* The interface opened and activated with o's snapshot length and buffer,
 * in immediate mode at nanosecond precision; NULL after saying why. */
static pcap_t *live_open(const char *iface, const struct capture_opts *o)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int rc;

	err[0] = '\0';
	p = pcap_create(iface, err);
	if (!p) {
		fprintf(stderr, "tlstap: %s: cannot open interface: %s\n", iface, err);
		return NULL;
	}
	pcap_set_snaplen(p, o->snaplen);
	pcap_set_promisc(p, 1);
	pcap_set_immediate_mode(p, 1);
	pcap_set_timeout(p, 200);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	/* libpcap's default ring (2 MiB) drops bursts at a few hundred Mbit/s
	 * in immediate mode, where every frame takes an MTU-sized slot; 16 MiB
	 * took tests/bench/live_rate.sh's fastest replay without a drop. */
	pcap_set_buffer_size(p, (o->buffer_kib > 0 ? o->buffer_kib : LIVE_BUFFER_KIB) * 1024);
	rc = pcap_activate(p);
	if (rc < 0) {
		fprintf(stderr, "tlstap: %s: cannot capture: %s\n", iface, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)
		fprintf(stderr, "tlstap: %s: warning: %s\n", iface, pcap_geterr(p));
	return p;
}

/* The opened interface made ready: a link type we decode, the filter,
 * privileges dropped, nanosecond time.  -1 after saying why. */
static int live_configure(struct engine *e, pcap_t *p, const char *iface,
			  const struct capture_opts *o)
{
	char err[PCAP_ERRBUF_SIZE];
	bpf_u_int32 net = 0, mask = 0;
	int dlt = pcap_datalink(p);

	if (!engine_dlt_supported(dlt)) {
		fprintf(stderr, "tlstap: %s: unsupported link type %d\n", iface, dlt);
		return -1;
	}
	if (pcap_lookupnet(iface, &net, &mask, err) < 0)
		net = PCAP_NETMASK_UNKNOWN;
	if (set_filter(p, iface, o->filter, mask ? mask : PCAP_NETMASK_UNKNOWN) < 0 ||
	    (o->user && drop_privileges(o->user) < 0))
		return -1;
	if (o->user)
		engine_privileges_dropped(e);
	/* Precision may have been refused by the platform: timestamps then are
	 * microseconds and must be scaled. */
	if (pcap_get_tstamp_precision(p) != PCAP_TSTAMP_PRECISION_NANO) {
		fprintf(stderr, "tlstap: %s: nanosecond timestamps unavailable\n", iface);
		return -1;
	}
	return 0;
}

/* Rounds of packets until a signal, -c, --duration or a gone reader; the
 * clock runs between rounds.  0, or -1 when the capture failed. */
static int live_loop(struct engine *e, pcap_t *p, struct tt_stats *st, const char *iface,
		     const struct capture_opts *o)
{
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(p), .events = POLLIN };
	int dlt = pcap_datalink(p);
	void *args[3] = { e, &dlt, (void *)(uintptr_t)o };

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
			return -1;
		}
		/* Every stats record, periodic ones included, carries
		 * libpcap's counts as of now. */
		read_pcap_stats(p, st);
		kfollow_poll(o->keylog_follow, mono_ns(), st);
		engine_idle(e, now);
		if ((o->out && emitter_gone(o->out)) ||
		    (o->duration_ns && first_ns && now - first_ns >= o->duration_ns))
			stop_flag = 1;
	}
	return 0;
}

int capture_live(struct engine *e, struct tt_stats *st, const char *iface,
		 const struct capture_opts *o)
{
	pcap_t *p = live_open(iface, o);
	int rc;

	if (!p)
		return -1;
	if (live_configure(e, p, iface, o) < 0) {
		pcap_close(p);
		return -1;
	}
	if (o->sources)
		engine_source(e, sources_id(o->sources, NULL, -1, iface));
	live_handle = p;
	fprintf(stderr, "tlstap: capturing on %s\n", iface);
	if (!first_ns)
		first_ns = wall_ns();   /* --duration runs from now */
	rc = live_loop(e, p, st, iface, o);
	read_pcap_stats(p, st);
	live_handle = NULL;
	pcap_close(p);
	return rc;
}
