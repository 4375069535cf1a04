/*
 * fragcache.h - record fragments remembered by the exact inputs that made
 * them.
 *
 * A sensor sees the same few hundred client stacks again and again, and the
 * part of a record that depends only on a hello's lists (JA3 and JA4 with
 * their MD5 and SHA-256, the named cipher, group and signature lists) is
 * then the same bytes every time.  The emitter serialises it once per
 * distinct input and splices it into later records; the verdict looks the
 * input up first and fingerprints only a hello that is not here
 * (verdict_hello.c).
 *
 * The key is the full serialised input, compared byte for byte on every hit:
 * a hit can never give another hello's fields.  The table is bounded and
 * set-associative (8 ways; a full set's least recently used entry is
 * replaced), so its memory is at most slots * (key + fragment) bytes.  Not thread-safe: one per worker.
 */
#ifndef TLSTAP_FRAGCACHE_H
#define TLSTAP_FRAGCACHE_H

#include <stddef.h>
#include <stdint.h>

struct frag_cache;

struct frag {
	const char *json;               /* members, as jw_splice takes them */
	size_t len;
	uint32_t members;
	uint32_t flags;                 /* the caller's notes (anomalies to replay) */
};

/* slots is rounded up to a power of two (at least one set of 8); 0 gives
 * NULL (no caching). */
struct frag_cache *frag_cache_new(uint32_t slots);
void frag_cache_free(struct frag_cache *fc);
/* Bytes the cache takes from the allocator (mem.h); 0 for NULL. */
size_t frag_cache_bytes(const struct frag_cache *fc);

/* In both calls h is dig_fast64 of the key (parsers/digest.h); a hit is
 * confirmed by comparing the key itself.
 * The fragment stored under exactly this key, or NULL.  Valid until the next
 * frag_put on the same cache. */
const struct frag *frag_get(struct frag_cache *fc, const void *key, size_t klen, uint64_t h);
/* Stores a copy of key and fragment (replacing the slot's entry); on
 * allocation failure nothing is stored. */
void frag_put(struct frag_cache *fc, const void *key, size_t klen, uint64_t h,
	      const struct frag *f);

#endif
