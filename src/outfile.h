/*
 * outfile.h - an output file written by a thread of its own.
 *
 * Records are appended to a 1 MiB buffer; a full buffer is handed to the
 * writing thread, and the capture goes on while the kernel copies it out.
 * On a handshake-heavy capture the records are several times the size of
 * the packets, and write(2) had been a third of tlstap's time.  At most
 * OF_BUFS buffers exist: when the disk is slower than the capture, of_write
 * waits for one to come back instead of growing memory.
 *
 * Not thread-safe by itself: the emitter calls it under its lock.
 */
#ifndef TLSTAP_OUTFILE_H
#define TLSTAP_OUTFILE_H

#include <stddef.h>

struct outfile;

/* Writes to fd (owned: closed by of_free and of_replace, unless it is
 * standard output).  NULL if the thread cannot start. */
struct outfile *of_new(int fd);
/* What o holds as the allocator handed it out (mem.h): its buffers. */
size_t of_bytes(struct outfile *o);
/* Appends n bytes.  0, or -1 once a write has failed (sticky; nothing more
 * is written). */
int of_write(struct outfile *o, const char *p, size_t n);
/* Returns once everything appended so far has been written. */
void of_flush(struct outfile *o);
/* Flushes, then writes to fd from now on (the old one is closed): SIGHUP. */
void of_replace(struct outfile *o, int fd);
/* A write failed: its errno (0 if none). */
int of_error(struct outfile *o);
/* Flushes, stops the thread, closes the file.  0, or -1 if a write failed. */
int of_free(struct outfile *o);

#endif
