/*
 * pcapng_walk.h - which pcapng interface each packet of a capture file was
 * captured on, learned from the file's bytes as they stream past.
 *
 * libpcap reads pcapng files but does not say which interface a packet
 * block names.  The walker sees the same bytes (input.c hands it whatever
 * it gives libpcap), follows the block structure, remembers each
 * interface's name, and queues the interface of every packet block in file
 * order; libpcap returns one packet per packet block, in the same order,
 * so the reader pops one entry per packet.
 *
 * The walker never fails loudly: a block it cannot follow (a bad length, a
 * queue that overflowed) stops it, and every later packet has no known
 * interface (pcapng_walk_next returns -1).  libpcap reports broken files
 * itself.
 *
 * With a secrets handler (pcapng_walk_secrets) it also gathers each
 * Decryption Secrets Block that holds a TLS key log (pcapng_secrets.h)
 * and hands the key log over as the block streams past, in the same pass
 * that queues the packets' interfaces.  The walker sees the bytes before
 * libpcap returns the packets in them, so a secrets block is handed over
 * before any packet that follows it in the file is read.
 */
#ifndef TLSTAP_PCAPNG_WALK_H
#define TLSTAP_PCAPNG_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAPNG_MAX_IFACES 256           /* interfaces named, all sections together */
#define PCAPNG_NAME_MAX 64              /* bytes of an if_name kept (cut: still named) */
#define PCAPNG_KEEP 4096                /* bytes of a block looked at */
#define PCAPNG_QUEUE 65536              /* packets walked ahead of the reader */
#define PCAPNG_DSB_MAX (64u << 20)      /* larger secrets blocks are skipped */

/* Called with the key log of one secrets block (valid during the call). */
typedef void (*pcapng_secrets_fn)(void *arg, const uint8_t *keylog, size_t n);

struct pcapng_walk {
	uint8_t blk[PCAPNG_KEEP];       /* the start of the current block */
	uint32_t have;                  /* bytes of blk filled */
	uint32_t type, len;             /* of the current block, once known */
	uint64_t skip;                  /* bytes of the current block still to pass */
	bool big_endian;
	bool broken;
	uint32_t section_base;          /* global index of the section's interface 0 */
	uint32_t n_section;             /* interfaces in the current section */
	uint32_t n_ifaces;              /* interfaces named, all sections */
	char name[PCAPNG_MAX_IFACES][PCAPNG_NAME_MAX];
	int32_t queue[PCAPNG_QUEUE];    /* global interface index, -1 unknown */
	uint32_t head, count;
	pcapng_secrets_fn secrets;      /* NULL: secrets blocks are skipped */
	void *secrets_arg;
	uint8_t *dsb;                   /* the secrets block being gathered (owned) */
	uint32_t dsb_have;
};

/* Whether the first bytes of a file are a pcapng Section Header Block. */
bool pcapng_walk_is_pcapng(const uint8_t *p, size_t n);
void pcapng_walk_init(struct pcapng_walk *w);
/* Sets fn to get every TLS key log of the stream (packets are queued as
 * without it).  Needs pcapng_walk_done at the end. */
void pcapng_walk_secrets(struct pcapng_walk *w, pcapng_secrets_fn fn, void *arg);
/* Frees what the walker holds (a secrets block cut short by the end). */
void pcapng_walk_done(struct pcapng_walk *w);
/* The next n bytes of the file. */
void pcapng_walk_push(struct pcapng_walk *w, const uint8_t *p, size_t n);
/* The interface of the next packet block, as an index for
 * pcapng_walk_name, or -1 when unknown. */
int32_t pcapng_walk_next(struct pcapng_walk *w);
/* The interface's if_name option ("" when it had none, NULL for a bad
 * index).  Valid as long as w. */
const char *pcapng_walk_name(const struct pcapng_walk *w, int32_t idx);

#endif
