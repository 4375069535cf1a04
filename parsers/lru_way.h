/*
 * lru_way.h - the way choice of a small set-associative cache, shared by
 * the validation cache (x509_valid.c) and the hello cache (src/fragcache.c).
 *
 *     set:  [ way 0 | way 1 | ... | way n-1 ]   each way a struct of the
 *              used     used          used      caller's, with a uint64_t
 *                                               "used" stamp at used_off
 *
 * A way's stamp is the caller's clock at its last hit or store (the clock
 * starts at 1), 0 while the way is empty.  The choice: the way that holds
 * the key, else the first empty way, else the least recently used one
 * (the first of equals).  Only the choice is here: each cache keeps its
 * own keys, clock and replacement.
 */
#ifndef TLSTAP_LRU_WAY_H
#define TLSTAP_LRU_WAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The stamp of way w of set (ways stride bytes apart). */
static inline uint64_t lru_way_used(const void *set, size_t stride, size_t used_off, unsigned w)
{
	uint64_t u;

	memcpy(&u, (const char *)set + (size_t)w * stride + used_off, sizeof u);
	return u;
}

/* Returns the index of the way of set (ways ways, stride bytes apart) for
 * which holds(way, key) is true, with *hit set; else, with *hit false, the
 * way to replace: the first with the smallest stamp (an empty way first).
 * holds is called at most once per way, in order, and never after a true. */
static inline unsigned lru_way_pick(const void *set, unsigned ways, size_t stride,
				    size_t used_off,
				    bool (*holds)(const void *way, const void *key),
				    const void *key, bool *hit)
{
	unsigned victim = 0;

	for (unsigned w = 0; w < ways; w++) {
		if (holds((const char *)set + (size_t)w * stride, key)) {
			*hit = true;
			return w;
		}
		if (lru_way_used(set, stride, used_off, w) <
		    lru_way_used(set, stride, used_off, victim))
			victim = w;
	}
	*hit = false;
	return victim;
}

#endif
