/* Unit tests for parsers/lru_way.h: the way that holds the key wins, else
 * the first empty way, else the least recently used (the first of equals);
 * holds() is asked about each way once, in order, and never after a hit. */
#include "../../parsers/lru_way.h"
#include "tt_test.h"

#include <stdint.h>

/* A caller's way: the stamp somewhere in the middle, as in both caches. */
struct way {
	int key;                        /* 0: empty */
	uint64_t used;
	char pad[3];
};

static unsigned asked;

static bool holds(const void *way, const void *key)
{
	const struct way *w = way;

	asked++;
	return w->key && w->key == *(const int *)key;
}

static unsigned pick(const struct way *set, unsigned ways, int key, bool *hit)
{
	asked = 0;
	return lru_way_pick(set, ways, sizeof *set, offsetof(struct way, used), holds, &key, hit);
}

int main(void)
{
	struct way set[8] = { { 0 } };
	bool hit = true;

	/* All empty: the first way, after asking each one. */
	CHECK(pick(set, 8, 5, &hit) == 0 && !hit && asked == 8);
	/* Filled in turn: each miss takes the next empty way. */
	for (int i = 0; i < 8; i++) {
		unsigned w = pick(set, 8, 100 + i, &hit);
		CHECK(w == (unsigned)i && !hit);
		set[w].key = 100 + i;
		set[w].used = (uint64_t)i + 1;
	}
	/* A key that is there, wherever it is: no way after it is asked. */
	for (int i = 0; i < 8; i++) {
		CHECK(pick(set, 8, 100 + i, &hit) == (unsigned)i && hit && asked == (unsigned)i + 1);
	}
	/* Full: the least recently used, wherever it is. */
	CHECK(pick(set, 8, 7, &hit) == 0 && !hit);
	set[0].used = 9;
	CHECK(pick(set, 8, 7, &hit) == 1 && !hit);
	set[1].used = 10;
	set[5].used = 1;
	CHECK(pick(set, 8, 7, &hit) == 5 && !hit);
	/* Equal stamps: the first of them. */
	set[3].used = 1;
	CHECK(pick(set, 8, 7, &hit) == 3 && !hit);
	/* An emptied way (stamp 0) comes before any used one. */
	set[6].key = 0;
	set[6].used = 0;
	CHECK(pick(set, 8, 7, &hit) == 6 && !hit);
	/* A key in a way with stamp 0 still hits (holds decides, not the stamp). */
	set[6].key = 7;
	CHECK(pick(set, 8, 7, &hit) == 6 && hit);
	/* One way only: it is both the hit and the victim. */
	CHECK(pick(set, 1, 100, &hit) == 0 && hit && asked == 1);
	CHECK(pick(set, 1, 55, &hit) == 0 && !hit);
	CHECK(lru_way_used(set, sizeof *set, offsetof(struct way, used), 1) == 10);
	return TT_DONE();
}
