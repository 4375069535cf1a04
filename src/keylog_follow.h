/*
 * keylog_follow.h - the --keylog files: read once at start, and in live
 * capture followed as they grow (README "Decryption"), so that a browser's
 * key log works while it browses.
 *
 * Each file keeps its descriptor (opened before privileges are dropped) and
 * its read offset; what was appended since is read, a partial last line
 * waits for the rest, a file shorter than the offset (truncated) is read
 * again from the start, and a path that names another file now (rotated:
 * another inode) is reopened once the old file's last lines are in.
 *
 * Threads: the capture loop polls (kfollow_poll) and sessions that miss a
 * secret ask for a read now (kfollow_refresh), from any worker; one lock
 * serialises the reading and writing of the table.  Lookups in the table
 * take no lock (parsers/tls_keylog.h).
 *
 * Ownership: struct kfollow refers to (does not own) the key log it fills
 * and the path strings; kfollow_free closes the files.
 */
#ifndef TLSTAP_KEYLOG_FOLLOW_H
#define TLSTAP_KEYLOG_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keylog;
struct tt_stats;
struct kfollow;

#define KFOLLOW_INTERVAL_NS 100000000u  /* kfollow_poll reads at most this often */

/* Reads the n files into kl.  follow: the files stay open to be followed
 * and a partial last line waits for its end; otherwise they are closed and
 * a last line without '\n' counts.  Returns the follower (kfollow_free), or
 * NULL with a message in err when a file cannot be opened or memory is
 * short. */
struct kfollow *kfollow_open(struct keylog *kl, const char *const *paths, int n, bool follow,
			     char *err, size_t errlen);
/* Reads what the files gained when the last read is KFOLLOW_INTERVAL_NS
 * old (now_ns: a monotonic clock), and copies the line counters to *st.
 * The capture thread's; NULL kf: nothing. */
void kfollow_poll(struct kfollow *kf, uint64_t now_ns, struct tt_stats *st);
/* Reads what the files gained, now.  Any thread.  Returns whether secrets
 * were added. */
bool kfollow_refresh(struct kfollow *kf);
/* The line counters (lines, secrets, bad lines) into *st. */
void kfollow_stats(struct kfollow *kf, struct tt_stats *st);
void kfollow_free(struct kfollow *kf);

#endif
