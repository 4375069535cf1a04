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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/if_packet.h>
#include <sys/socket.h>
#endif

#include "emit.h"
#include "input.h"
#include "keylog_follow.h"
#include "monoclock.h"
#include "pcap_map.h"
#include "progress.h"
#include "sources.h"
#include "../parsers/pcapng_walk.h"

#define READ_BUF (1u << 20)
/* How far the in-place reader looks ahead (read_in_place): the table slot
 * of a packet's connection is asked for this many packets before it. */
#define LOOK_AHEAD 3
#define LIVE_MAX 64                   /* sockets: one, or one per worker (--threads) */

/* Set by a signal, -c, --duration, a gone reader or a failed capture;
 * read by every reading thread (lock-free, so the handler may store it). */
static atomic_int stop_flag;
/* Over all inputs, for -c and --duration: written for every packet, so a
 * cache line of their own (the alignment rounds the struct up to one).
 * Beside globals that other threads read (the name tables' pthread_once
 * controls, the reopen flag), each write took the line from the render
 * thread's core and each of its reads took it back. */
static struct {
	_Alignas(64) uint64_t total;
	uint64_t first_ns;
	atomic_uint_fast64_t fan;            /* -c over the fanout readers */
} count;

/* The open live sockets, for pcap_breakloop from the signal handler. */
static pcap_t *live_handles[LIVE_MAX];
static atomic_uint n_live;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		engine_request_reopen();
		return;
	}
	atomic_store(&stop_flag, 1);
	for (unsigned i = 0; i < atomic_load(&n_live); i++)
		pcap_breakloop(live_handles[i]);
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
	const char *file;

	if (ifx == *cur || !o->sources)
		return;   /* (every packet but the first of a file or interface) */
	file = strcmp(path, "-") == 0 ? NULL : path;
	*cur = ifx;
	engine_source(e, sources_id(o->sources, file, ifx,
				       in->walk ? pcapng_walk_name(in->walk, ifx) : NULL));
}

/* -c and --duration (packet time), checked for every packet; n: the
 * packets read so far, this one included. */
static void count_packet(const struct capture_opts *o, uint64_t ts, uint64_t n)
{
	if (o->max_packets && n >= o->max_packets)
		stop_flag = 1;
	if (o->duration_ns) {
		if (!count.first_ns)
			count.first_ns = ts;
		else if (ts - count.first_ns >= o->duration_ns)
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
		progress_update(pg, pos, in->size, count.total, o->st ? o->st->sessions : 0);
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

/* The engine's entry for one packet: reader k's pipeline (--fanout), or
 * the engine's own (k unused). */
typedef void packet_fn(struct engine *e, unsigned k, int dlt, uint64_t ts, const uint8_t *data,
		       uint32_t caplen, uint32_t len);

/* The packets read so far, this one included: one reading thread's count,
 * or the fanout readers' shared one. */
static uint64_t next_total(void)
{
	return ++count.total;
}

static uint64_t next_fanned(void)
{
	return atomic_fetch_add_explicit(&count.fan, 1, memory_order_relaxed) + 1;
}

/* Every capture's way for one packet: the tap (-w), the engine's entry fn,
 * then -c and --duration with the count next() gives.  Inlined into each
 * caller, where fn and next are constants. */
static inline void hand_over(const struct capture_opts *o, packet_fn *fn, uint64_t (*next)(void),
			     struct engine *e, unsigned k, int dlt, uint64_t ts,
			     const uint8_t *data, uint32_t caplen, uint32_t len)
{
	if (o->tap)
		o->tap(o->tap_arg, dlt, ts, data, caplen, len);
	fn(e, k, dlt, ts, data, caplen, len);
	count_packet(o, ts, next());
}

/* A live packet of one reading thread: the engine (its clock runs once a
 * round, round_end). */
static void live_packet(struct engine *e, unsigned k, int dlt, uint64_t ts, const uint8_t *data,
			uint32_t caplen, uint32_t len)
{
	(void)k;
	engine_packet(e, dlt, ts, data, caplen, len);
}

/* A packet of a file: the engine, then its clock (the file's time passed). */
static void file_packet(struct engine *e, unsigned k, int dlt, uint64_t ts, const uint8_t *data,
			uint32_t caplen, uint32_t len)
{
	live_packet(e, k, dlt, ts, data, caplen, len);
	engine_clock(e, ts);
}

static void take_packet(struct reading *r, int dlt, uint64_t ts, const uint8_t *data,
			uint32_t caplen, uint32_t len, const struct pcap_map *pm)
{
	const struct capture_opts *o = r->o;

	r->n++;
	name_source(r->e, o, r->path, r->in, &r->iface);
	hand_over(o, file_packet, next_total, r->e, 0, dlt, ts, data, caplen, len);
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
	/* The look ahead (one thread only: the workers' flows are theirs):
	 * while a packet is handled, the table slot of the connection
	 * LOOK_AHEAD packets on and the flow of the next one come into the
	 * cache (the flow's address is in that slot, read two packets after
	 * it was asked for; hash[] holds the hashes in between).  A lookup's
	 * cache misses were a tenth of the reading thread's time on
	 * handshake-heavy captures. */
	bool look = engine_workers(r->e) == 0, known[LOOK_AHEAD] = { false };
	uint32_t hash[LOOK_AHEAD] = { 0 }, n;
	const uint8_t *ahead;
	unsigned i = 0;

	/* libpcap rewrites the pseudo-headers of these in place. */
	if (dlt == DLT_USB_LINUX || dlt == DLT_USB_LINUX_MMAPPED || dlt == DLT_NFLOG)
		return 0;
	pmap_start(pm, fileno(r->in->f), r->in->size, (uint32_t)pcap_snapshot(p));
	while (!stop_flag && pmap_next(pm, &pk)) {
		unsigned next = (i + 1) % LOOK_AHEAD;
		if (known[next])
			engine_prefetch_flow(r->e, hash[next]);
		/* slot i holds this packet's hash, asked for LOOK_AHEAD
		 * packets ago: its lookup starts from it */
		if (look)
			engine_hint(r->e, known[i], hash[i]);
		known[i] = look && (ahead = pmap_peek(pm, LOOK_AHEAD, &n)) &&
			   engine_prefetch_key(r->e, dlt, ahead, n, &hash[i]);
		i = next;
		take_packet(r, dlt, pk.ts_ns, pk.data, pk.caplen, pk.len, pm);
	}
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

	hand_over(o, live_packet, next_total, e, 0, *dlt, pkt_ns(h), data, h->caplen, h->len);
	if (stop_flag)
		pcap_breakloop(live_handles[0]);
}


/* libpcap's counters of p: received, dropped, dropped by the interface
 * (enum pcap_ctr) into c; false (c untouched) when the platform cannot say. */
enum pcap_ctr { CTR_RECV, CTR_DROP, CTR_IFDROP, CTR_N };

static bool pcap_counters(pcap_t *p, uint64_t c[CTR_N])
{
	struct pcap_stat ps;

	if (pcap_stats(p, &ps) != 0)
		return false;
	c[CTR_RECV] = ps.ps_recv;
	c[CTR_DROP] = ps.ps_drop;
	c[CTR_IFDROP] = ps.ps_ifdrop;
	return true;
}

/* The counters c into st. */
static void stats_from(struct tt_stats *st, const uint64_t c[CTR_N])
{
	st->pcap_recv = c[CTR_RECV];
	st->pcap_drop = c[CTR_DROP];
	st->pcap_ifdrop = c[CTR_IFDROP];
}

/* libpcap's counters into st (kept as they were when the platform cannot
 * say). */
static void read_pcap_stats(pcap_t *p, struct tt_stats *st)
{
	uint64_t c[CTR_N];

	if (pcap_counters(p, c))
		stats_from(st, c);
}

#define LIVE_BUFFER_KIB 16384        /* the kernel ring without -B */

#define LIVE_BLOCK_MS 50               /* the longest a packet waits in the ring */

/* The interface opened and activated with o's snapshot length and buffer,
 * delivering in blocks (at most LIVE_BLOCK_MS late) at nanosecond
 * precision; NULL after saying why. */
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
	/* Not immediate mode: libpcap then uses TPACKET_V3, whose frames take
	 * only their length in the ring (not an MTU-sized slot each) and whose
	 * blocks come one wake-up each, full or after LIVE_BLOCK_MS.  On
	 * tests/bench/live_rate.sh's replay into a 1 MiB ring it dropped a
	 * tenth of what immediate mode did (README "Performance"). */
	pcap_set_immediate_mode(p, 0);
	pcap_set_timeout(p, LIVE_BLOCK_MS);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	/* libpcap's default ring (2 MiB) dropped bursts at a few hundred
	 * Mbit/s; 16 MiB took tests/bench/live_rate.sh's fastest replay
	 * without a drop. */
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
 * nanosecond time.  -1 after saying why. */
static int live_configure(pcap_t *p, const char *iface, const struct capture_opts *o)
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
	if (set_filter(p, iface, o->filter, mask ? mask : PCAP_NETMASK_UNKNOWN) < 0)
		return -1;
	/* Precision may have been refused by the platform: timestamps then are
	 * microseconds and must be scaled. */
	if (pcap_get_tstamp_precision(p) != PCAP_TSTAMP_PRECISION_NANO) {
		fprintf(stderr, "tlstap: %s: nanosecond timestamps unavailable\n", iface);
		return -1;
	}
	return 0;
}

/* After each round of packets (from the reading thread): the key logs
 * followed, the engine's clock to now, and whether to stop. */
static void round_end(struct engine *e, struct tt_stats *st, const struct capture_opts *o,
		      uint64_t now)
{
	kfollow_poll(o->keylog_follow, mono_ns(), st);
	engine_idle(e, now);
	if ((o->out && emitter_gone(o->out)) ||
	    (o->duration_ns && count.first_ns && now - count.first_ns >= o->duration_ns))
		stop_flag = 1;
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
		/* Wait here, at most 200 ms, rather than in pcap_dispatch (which
		 * with TPACKET_V3 waits for the next block however long), so that
		 * the clock (stats heartbeat, flush, reopen) runs without
		 * traffic; a signal ends the wait. */
		int got = 0;
		if (pfd.fd < 0 || (poll(&pfd, 1, 200) > 0 && pfd.revents))
			got = pcap_dispatch(p, -1, live_cb, (u_char *)args);
		uint64_t now = wall_ns();
		if (got == PCAP_ERROR) {
			fprintf(stderr, "tlstap: %s: capture failed: %s\n", iface, pcap_geterr(p));
			return -1;
		}
		/* Every stats record, periodic ones included, carries
		 * libpcap's counts as of now. */
		read_pcap_stats(p, st);
		round_end(e, st, o, now);
	}
	return 0;
}

/* ---- --fanout: one socket per worker in one AF_PACKET fanout group.  The
 * kernel's symmetric flow hash picks the socket of each packet, so both
 * directions of a connection reach one worker, which reads its socket in
 * its own thread (engine_readers_start); the reading thread only keeps
 * the clock and sums the sockets' counters. */

struct fan_sock {
	pcap_t *p;
	struct engine *e;
	const struct capture_opts *o;
	const char *iface;
	unsigned k;
	int dlt;
	/* libpcap's counters (enum pcap_ctr), published by the worker after
	 * each round */
	atomic_uint_fast64_t ctr[CTR_N];
};

static struct fan_sock fan[LIVE_MAX];
static atomic_bool fan_failed;

/* Socket p into the fanout group *group: the first asks the kernel for an
 * id no other group uses (PACKET_FANOUT_FLAG_UNIQUEID) and reads it back
 * into *group (-1 before); the others join it.  Hash by flow, IPv4
 * fragments reassembled before hashing (they carry no ports).  -1 after
 * saying why. */
static int fanout_join(pcap_t *p, const char *iface, int *group)
{
#ifdef PACKET_FANOUT_FLAG_UNIQUEID
	int fd = pcap_fileno(p);
	uint32_t arg = (uint32_t)(PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16;
	socklen_t len = sizeof arg;

	arg |= *group < 0 ? (uint32_t)PACKET_FANOUT_FLAG_UNIQUEID << 16 : (uint32_t)*group;
	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) < 0 ||
	    (*group < 0 && getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) < 0)) {
		fprintf(stderr, "tlstap: %s: --fanout: %s\n", iface, strerror(errno));
		return -1;
	}
	if (*group < 0)
		*group = (int)(arg & 0xffff);
	return 0;
#else
	(void)p, (void)group;
	fprintf(stderr, "tlstap: %s: --fanout needs Linux's AF_PACKET fanout\n", iface);
	return -1;
#endif
}

static void fan_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct fan_sock *s = (struct fan_sock *)user;
	const struct capture_opts *o = s->o;
	uint64_t ts = pkt_ns(h);

	hand_over(o, engine_reader_packet, next_fanned, s->e, s->k, s->dlt, ts, data, h->caplen,
		  h->len);
	if (stop_flag)
		pcap_breakloop(s->p);
}

/* libpcap's counters of s's socket, for the reading thread to sum (by
 * the thread that reads the socket, or once none does). */
static void fan_publish(struct fan_sock *s)
{
	uint64_t c[CTR_N];

	if (pcap_counters(s->p, c))
		for (int i = 0; i < CTR_N; i++)
			atomic_store(&s->ctr[i], c[i]);
}

/* One round of worker k (engine_read_fn): its socket's packets, or the
 * wake-up, or 200 ms; then its counters published.  -1 once stopping. */
static int fan_round(void *arg, unsigned k, int wake_fd)
{
	struct fan_sock *s = &((struct fan_sock *)arg)[k];
	struct pollfd pfd[2] = {
		{ .fd = pcap_get_selectable_fd(s->p), .events = POLLIN },
		{ .fd = wake_fd, .events = POLLIN },
	};
	int got = 0;

	if (stop_flag)
		return -1;
	if (poll(pfd, 2, 200) > 0 && pfd[0].revents)
		got = pcap_dispatch(s->p, -1, fan_cb, (u_char *)s);
	if (got == PCAP_ERROR) {
		fprintf(stderr, "tlstap: %s: capture failed: %s\n", s->iface, pcap_geterr(s->p));
		atomic_store(&fan_failed, true);
		stop_flag = 1;
		return -1;
	}
	fan_publish(s);
	return 0;
}

/* The sockets' counters summed into st. */
static void fan_stats(unsigned n, struct tt_stats *st)
{
	uint64_t c[CTR_N] = { 0 };

	for (unsigned k = 0; k < n; k++)
		for (int i = 0; i < CTR_N; i++)
			c[i] += atomic_load(&fan[k].ctr[i]);
	stats_from(st, c);
}

/* The reading thread while the workers read: the clock every 100 ms, the
 * summed counters, until a stop; then the workers leave their sockets and
 * the final counters are read.  0, or -1 when a capture failed. */
static int fan_loop(struct engine *e, unsigned n, struct tt_stats *st, const char *iface,
		    const struct capture_opts *o)
{
	for (unsigned k = 0; k < n; k++) {
		fan[k].p = live_handles[k];
		fan[k].e = e;
		fan[k].o = o;
		fan[k].iface = iface;
		fan[k].k = k;
		fan[k].dlt = pcap_datalink(live_handles[k]);
	}
	if (engine_readers_start(e, fan_round, fan) < 0) {
		fprintf(stderr, "tlstap: %s: --fanout: cannot start the readers\n", iface);
		return -1;
	}
	while (!stop_flag) {
		poll(NULL, 0, 100);
		fan_stats(n, st);
		round_end(e, st, o, wall_ns());
	}
	engine_readers_stop(e);
	for (unsigned k = 0; k < n; k++)
		fan_publish(&fan[k]);
	fan_stats(n, st);
	return atomic_load(&fan_failed) ? -1 : 0;
}

/* The sockets of the capture: one, or with --fanout one per worker in one
 * fanout group; each configured.  Their number, or 0 after saying why
 * (none left open). */
static unsigned live_sockets(struct engine *e, const char *iface, const struct capture_opts *o)
{
	unsigned n = o->fanout ? engine_workers(e) : 1;
	int group = -1;

	if (n == 0 || n > LIVE_MAX) {
		fprintf(stderr, "tlstap: %s: --fanout needs --threads N (N >= 2)\n", iface);
		return 0;
	}
	for (unsigned k = 0; k < n; k++) {
		pcap_t *p = live_open(iface, o);
		if (p && (live_configure(p, iface, o) < 0 ||
			  (o->fanout && fanout_join(p, iface, &group) < 0))) {
			pcap_close(p);
			p = NULL;
		}
		if (!p) {
			while (k > 0)
				pcap_close(live_handles[--k]);
			return 0;
		}
		live_handles[k] = p;
	}
	return n;
}

int capture_live(struct engine *e, struct tt_stats *st, const char *iface,
		 const struct capture_opts *o)
{
	unsigned n = live_sockets(e, iface, o);
	int rc = -1;

	if (n == 0)
		return -1;
	/* Every socket is open: root is no longer needed. */
	if (o->user && drop_privileges(o->user) < 0)
		goto out;
	if (o->user)
		engine_privileges_dropped(e);
	if (o->sources)
		engine_source(e, sources_id(o->sources, NULL, -1, iface));
	atomic_store(&n_live, n);
	fprintf(stderr, "tlstap: capturing on %s%s\n", iface, o->fanout ? " (fanout)" : "");
	if (!count.first_ns)
		count.first_ns = wall_ns();   /* --duration runs from now */
	if (o->fanout) {
		rc = fan_loop(e, n, st, iface, o);
	} else {
		rc = live_loop(e, live_handles[0], st, iface, o);
		read_pcap_stats(live_handles[0], st);
	}
	atomic_store(&n_live, 0);
out:
	for (unsigned k = 0; k < n; k++)
		pcap_close(live_handles[k]);
	return rc;
}
