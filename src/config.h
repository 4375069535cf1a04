/*
 * config.h - run-time configuration, counters and the context passed down
 * the pipeline.  There are no other globals: every stage receives what it
 * needs through struct tt_ctx.
 */
#ifndef TLSTAP_CONFIG_H
#define TLSTAP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "findings.h"

struct x509_cert;

/* --certificates: how much of each certificate a session record carries
 * (README "Certificates in records"). */
enum cert_mode {
	CERTS_FULL,     /* x509 of the leaf and every chain entry in full */
	CERTS_ONCE,     /* by hash; each certificate once as a tlstap.x509 record */
	CERTS_LEAF,     /* x509 of the leaf in full, chain entries by hash */
	CERTS_CHAIN,    /* chain entries by hash, no x509 object */
	CERTS_NONE,     /* no chain, no x509 object */
};

struct tt_config {
	/* everything that grows with traffic together (mem.h): default 256 MiB */
	uint64_t memcap;
	/* flows (flow.c) */
	uint32_t max_flows;             /* default 1,000,000 */
	uint64_t tcp_idle_timeout_ns;   /* established, no packet: default 300 s */
	uint64_t tcp_closed_timeout_ns; /* after FIN/RST both ways: default 5 s */
	bool vlan_tracking;             /* the VLAN tag is part of the flow key (default) */
	uint64_t udp_timeout_ns;        /* UDP flow (DTLS), no datagram: default 60 s */
	/* IP fragments (ipfrag.c) */
	uint32_t frag_max_datagrams;    /* default 4096 in flight */
	uint64_t frag_timeout_ns;       /* default 30 s */
	/* reassembly (reasm.c) */
	uint32_t reasm_dir_limit;       /* bytes buffered per direction, default 256 KiB */
	uint64_t reasm_memcap;          /* all directions together, default 64 MiB */
	/* TLS (session.c) */
	uint32_t max_handshake_msg;     /* default 256 KiB */
	uint32_t max_certs;             /* per chain, default 16 */
	uint32_t max_hs_messages;       /* tls.handshake_messages cap, default 64 */
	uint32_t max_alerts;            /* default 16 */
	uint64_t session_memcap;        /* sessions' memory, all connections: default 256 MiB */
	/* certificates */
	const char *ca_file;            /* NULL: system bundle */
	const char *ca_dir;
	const char *client_ca_file;     /* --client-ca-file: NULL, client chains use the above */
	const char *certs_dir;          /* --certs-dir */
	bool emit_chain_der;            /* tls.*.certificate_chain */
	enum cert_mode certs;           /* --certificates, default CERTS_FULL */
	uint32_t cert_cache_size;       /* default 4096 */
	/* output */
	uint32_t hello_cache_size;      /* distinct hellos' fragments kept, default 1024 */
	uint16_t community_id_seed;
	bool pretty;
	/* ECS envelope of every record */
	const char *observer_name;      /* --observer-name */
	const char *ingress_iface;      /* -i: observer.ingress.interface.name */
#define LABELS_MAX 32
	const char *label_key[LABELS_MAX], *label_val[LABELS_MAX];   /* --add-field */
	unsigned nlabels;
	/* threads (workers.c): 1 = everything in the reading thread */
	uint32_t threads;
	/* with one thread, session records built and written by a thread of
	 * their own (render.h); false: in the reading thread */
	bool render_thread;
	/* tls.findings (findings.c): thresholds, codes turned off, severities */
	struct fnd_policy findings;
};

void config_defaults(struct tt_config *cfg);

/* The parts of the memory budget (enum mem_part, mem.h). */
#define TT_MEM_PARTS 8

/* Counters for tlstap.stats.  Per-layer decode errors are named so that the
 * stats record is self-explaining. */
struct tt_stats {
	uint64_t packets, bytes;
	uint64_t truncated;             /* caplen < needed header bytes */
	uint64_t bad_checksum_ip, bad_checksum_tcp; /* counted, never dropped */
	uint64_t err_link, err_ip, err_ipv6, err_tcp, err_other;
	uint64_t non_ip, non_tcp;
	uint64_t err_tunnel;            /* malformed tunnel/encapsulation header */
	uint64_t encap_packets;         /* decoded through at least one tunnel layer */
	uint64_t encap_depth;           /* more than ENCAP_MAX layers: dropped */
	uint64_t encap_skipped;         /* a tunnel whose payload is unreadable */
	uint64_t frag_datagrams, frag_reassembled, frag_timeouts, frag_dropped;
	uint64_t flows_created, flows_evicted, flows_timed_out, flows_active;
	uint64_t flows_evicted_memcap;  /* ended to keep sessions within session_memcap */
	uint64_t flows_reused;          /* a new connection on an open flow's port pair */
	uint64_t time_jumps;            /* packets stamped far ahead, counted at the clock */
	/* what the endpoint's stack would not take (tcptrack.c) */
	uint64_t tcp_dropped;           /* segments it drops (no ACK, out of window) */
	uint64_t tcp_held;              /* copies it may have dropped, held */
	uint64_t tcp_rst_ignored;       /* RSTs it does not accept */
	uint64_t tcp_urgent;            /* urgent pointers taken out of the stream */
	uint64_t reasm_shed;            /* idle directions made to stop for reasm_memcap */
	uint64_t frag_overlaps;         /* datagrams dropped for overlapping fragments */
	uint64_t reasm_gaps, reasm_gap_bytes, reasm_memcap_hits, reasm_dir_limit_hits;
	uint64_t reasm_overlap_conflicts;
	uint64_t sessions, sessions_not_tls;
	uint64_t outcome[9];            /* indexed by enum tls_outcome */
	uint64_t records_written, records_dropped;
	uint64_t certs_parsed, certs_cache_hits, certs_failed;
	uint64_t certs_validations, certs_validation_hits;
	/* decryption (--keylog) */
	uint64_t keylog_lines, keylog_secrets, keylog_bad_lines;
	uint64_t dec_sessions;          /* sessions whose ClientHello random had secrets */
	uint64_t dec_records;           /* records opened */
	uint64_t dec_failed;            /* sessions where a record did not open (AEAD tag) */
	uint64_t dec_unsupported;       /* sessions with a key but a cipher suite without support */
	uint64_t dec_missing_secret;    /* a side's secret was not in the key log */
	/* live capture */
	uint64_t pcap_recv, pcap_drop, pcap_ifdrop;
	/* the memory budget (mem.h): bytes each part holds now and at its
	 * peak, the total's peak, the budget, and what was shed to keep it */
	uint64_t mem_now[TT_MEM_PARTS], mem_peak[TT_MEM_PARTS], mem_total_peak;
	uint64_t mem_total_now;   /* the sum of mem_now, kept by mem_set */
	uint64_t mem_budget;
	uint64_t shed_half_open;        /* connections without payload dropped */
	uint64_t shed_sessions;         /* unfinished sessions ended and reported */
};

struct x509_ctx;
struct emitter;
struct frag_cache;
struct jw;
struct hello_pool;
struct tls_client_hello;
struct session;
struct sources;
struct keylog;
struct kfollow;
struct x509_share;

struct tt_ctx {
	struct tt_config cfg;
	struct tt_stats st;
	struct x509_ctx *x509;
	struct emitter *em;
	struct frag_cache *hello_frags; /* NULL: every record built in full */
	struct jw *w;                   /* record buffer of a worker; NULL: the emitter's */
	uint64_t sess_mem;              /* bytes the sessions hold now (session.c) */
	uint64_t output_bytes;          /* the emitter's buffers and queues, as the
					 * engine last counted them (main context) */
	struct hello_pool *pool;        /* freed hello structs kept for reuse (session.c) */
	/* the ClientHello of a compact session (session_impl.h, core_ch),
	 * parsed again from its bytes: whose it is now, NULL none */
	struct tls_client_hello *ch_scratch;
	const struct session *ch_owner;
	struct sources *sources;        /* where packets came from (sources.h); NULL: not named */
	const struct keylog *keylog;    /* --keylog secrets, looked up without a lock
					 * (tls_keylog.h); NULL: no decryption, no cost */
	struct kfollow *kfollow;        /* live: the files followed (keylog_follow.h), asked
					 * again when a lookup misses; NULL: read once */
	/* --certificates once: the chains the record being built refers to,
	 * whose tlstap.x509 records emit_session writes first (emit_x509.c) */
	struct {
		struct x509_cert *const *chain;
		size_t n;
	} x509_refs[2];
	unsigned n_x509_refs;
	/* the certificate store shared with the render thread (render.h):
	 * every use of x509 holds its lock; NULL: this context's alone */
	struct x509_share *x509_share;
};

#endif
