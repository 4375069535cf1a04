/*
 * input.h - where capture files come from: the command line's names turned
 * into a list of files (directories in name order, wildcard patterns), and
 * each file opened for libpcap, decompressing gzip, zstd and xz on the fly.
 */
#ifndef TLSTAP_INPUT_H
#define TLSTAP_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* An opened capture: read it through f (libpcap takes it over, and closing
 * f closes everything).  raw is the file on disk under a decompressor (f
 * itself for an uncompressed file); ftello(raw) / size is the progress. */
struct input {
	FILE *f;
	FILE *raw;
	uint64_t size;                  /* bytes on disk, 0 when unknown (a pipe) */
	const char *codec;              /* "gzip", "zstd", "xz", or NULL */
	/* pcapng: which interface each packet was captured on, one
	 * pcapng_walk_next() per packet libpcap returns (-1 for every packet of
	 * a pcap file); NULL for an uncompressed pcap file.  Its secrets
	 * handler (pcapng_walk_secrets), when set, gets the key logs of the
	 * Decryption Secrets Blocks as libpcap reads the bytes.
	 * Owned by f: valid until f is closed. */
	struct pcapng_walk *walk;
};

struct pcapng_walk;

/* Opens path ("-": standard input) and looks at its first bytes: a gzip,
 * zstd or xz stream is decompressed transparently, and a pcapng file's
 * bytes are followed to learn each packet's interface.  0, or -1 with a reason
 * in err (errno's text or the decompressor's). */
int input_open(const char *path, struct input *in, char *err, size_t errlen);

/* A growable list of file names (owned strings). */
struct input_list {
	char **name;
	size_t n, cap;
};

/* Adds what one command-line name stands for: a directory's files (its
 * subdirectories too, in name order, dot files skipped), the files a
 * wildcard pattern matches (in name order; for patterns the shell left
 * alone, e.g. quoted), or the name itself.  0, or -1 with err (nothing
 * matched, unreadable directory, out of memory). */
int input_list_add(struct input_list *l, const char *arg, char *err, size_t errlen);
/* Whether arg names an existing file or directory, is "-", or is a wildcard
 * pattern that matches something: how a positional argument is told from
 * the start of a BPF expression. */
bool input_is_name(const char *arg);
void input_list_free(struct input_list *l);

#endif
