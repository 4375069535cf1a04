/*
 * tls_keylog.h - NSS key log files (SSLKEYLOGFILE): the secrets of TLS
 * sessions, keyed by the ClientHello random.
 *
 * Threads: one writer (keylog_add_line / keylog_add_buffer, called by one
 * thread at a time) and any number of readers (keylog_find, keylog_secret)
 * at the same time, without a lock: an entry is published (release) once
 * complete, a secret added to it is published by its bit in `have`, and a
 * secret replaced by another makes a new copy of the entry.  Nothing a
 * reader may hold is moved or freed before keylog_free.
 *
 * Ownership: struct keylog owns its entries and indexes; keylog_free()
 * wipes and frees them (no reader may run then).  Lookups return pointers
 * valid until keylog_free().  Secrets are never printed.
 */
#ifndef TLSTAP_TLS_KEYLOG_H
#define TLSTAP_TLS_KEYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum keylog_label {
	KL_CLIENT_RANDOM = 0,           /* TLS <= 1.2 master secret (48 bytes) */
	KL_CLIENT_EARLY,                /* CLIENT_EARLY_TRAFFIC_SECRET / EARLY_TRAFFIC_SECRET */
	KL_CLIENT_HS,                   /* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
	KL_SERVER_HS,                   /* SERVER_HANDSHAKE_TRAFFIC_SECRET */
	KL_CLIENT_AP0,                  /* CLIENT_TRAFFIC_SECRET_0 */
	KL_SERVER_AP0,                  /* SERVER_TRAFFIC_SECRET_0 */
	KL_EXPORTER,                    /* EXPORTER_SECRET */
	KL_N_LABELS
};

#define KEYLOG_MAX_SECRET 48

struct keylog_entry {
	uint8_t random[32];
	_Atomic uint8_t have;           /* bit (1 << label) per secret present: read it
					 * through keylog_secret */
	uint8_t len[KL_N_LABELS];
	uint8_t secret[KL_N_LABELS][KEYLOG_MAX_SECRET];
};

struct keylog_stats {
	uint64_t lines;                 /* lines read, comments and blank ones included */
	uint64_t secrets;               /* secret lines accepted */
	uint64_t bad_lines;             /* lines that did not parse */
	uint64_t ignored;               /* well-formed lines of labels not used here (RSA ...) */
};

struct keylog_chunk;
struct keylog_index;

struct keylog {
	struct keylog_index *_Atomic idx;       /* open addressing on the random */
	struct keylog_chunk *chunks;    /* the entries, never moved (writer's) */
	size_t n;                       /* entries in the index (writer's) */
	struct keylog_stats st;         /* the writer's counters */
};

enum keylog_line_status {
	KL_LINE_OK = 0,                 /* a secret was stored */
	KL_LINE_SKIP,                   /* blank line or comment */
	KL_LINE_IGNORED,                /* a label not used here */
	KL_LINE_BAD,                    /* malformed (counted in st.bad_lines) */
	KL_LINE_NOMEM,
};

void keylog_init(struct keylog *kl);
void keylog_free(struct keylog *kl);
/* One line (without or with its '\n' / "\r\n"), n bytes, not
 * NUL-terminated.  A later secret for the same random and label replaces
 * the earlier one (the same secret again changes nothing).  Writer only. */
enum keylog_line_status keylog_add_line(struct keylog *kl, const char *line, size_t n);
/* Every complete line of buf; returns the bytes consumed (up to and with
 * the last '\n'), so that a growing file's partial last line is read
 * again later.  final: the buffer is the whole rest of the file (a last
 * line without '\n' is read too). */
size_t keylog_add_buffer(struct keylog *kl, const char *buf, size_t n, bool final);
/* The entry of a ClientHello random, or NULL.  Any thread, no lock. */
const struct keylog_entry *keylog_find(const struct keylog *kl, const uint8_t random[32]);
/* The secret of the label in e, or NULL; its length in *len. */
const uint8_t *keylog_secret(const struct keylog_entry *e, enum keylog_label l, size_t *len);
/* The label's name as written in key log files. */
const char *keylog_label_name(enum keylog_label l);

#endif
