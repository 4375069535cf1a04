/* Unit tests for src/fragcache.c: hits only on the exact key, bounded
 * least-recently-used replacement, copies owned by the cache. */
#include "../../parsers/digest.h"
#include "../../src/fragcache.h"
#include "tt_test.h"

#include <stdlib.h>

static void put(struct frag_cache *fc, const char *key, const char *json, uint32_t flags)
{
	char copy[64];
	struct frag f;

	/* The cache must copy: the caller's buffers are gone afterwards. */
	snprintf(copy, sizeof copy, "%s", json);
	f.json = copy;
	f.len = strlen(copy);
	f.members = 1;
	f.flags = flags;
	frag_put(fc, key, strlen(key), dig_fast64(key, strlen(key)), &f);
	memset(copy, 'X', sizeof copy);
}

static const struct frag *get(struct frag_cache *fc, const char *key)
{
	return frag_get(fc, key, strlen(key), dig_fast64(key, strlen(key)));
}

int main(void)
{
	struct frag_cache *fc = frag_cache_new(1000);
	const struct frag *f;

	CHECK(frag_cache_new(0) == NULL);
	CHECK(fc != NULL);
	if (!fc)
		return TT_DONE();
	CHECK(get(fc, "hello-a") == NULL);
	put(fc, "hello-a", "\"ja3\":\"aa\"", 1);
	f = get(fc, "hello-a");
	CHECK(f && f->len == 10 && memcmp(f->json, "\"ja3\":\"aa\"", 10) == 0 && f->flags == 1);
	/* A prefix, an extension or one changed byte of the key never hits. */
	CHECK(get(fc, "hello-") == NULL);
	CHECK(get(fc, "hello-ab") == NULL);
	CHECK(get(fc, "hello-b") == NULL);
	/* Same hash, other bytes: confirmed by comparison, so no hit. */
	CHECK(frag_get(fc, "hello-b", 7, dig_fast64("hello-a", 7)) == NULL);

	/* Every key length hashes without reading past it (ASan checks). */
	for (size_t n = 0; n <= 17; n++) {
		char *k = malloc(n ? n : 1);
		memset(k, 'k', n);
		(void)dig_fast64(k, n);
		free(k);
	}
	frag_cache_free(fc);

	/* One set of 8 (the least there is): eight keys in turn all stay,
	 * a ninth replaces the least recently used, not the one just hit. */
	fc = frag_cache_new(1);
	for (int i = 0; i < 8; i++) {
		char key[16];
		snprintf(key, sizeof key, "w%d", i);
		put(fc, key, "\"v\":1", 0);
	}
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 8; i++) {
			char key[16];
			snprintf(key, sizeof key, "w%d", i);
			CHECK(get(fc, key) != NULL);
		}
	CHECK(get(fc, "w0") != NULL);   /* w1 is now the least recently used */
	put(fc, "w8", "\"v\":1", 0);
	CHECK(get(fc, "w1") == NULL);
	CHECK(get(fc, "w0") != NULL && get(fc, "w2") != NULL && get(fc, "w8") != NULL);
	/* The same key stored again takes its own way, not another's. */
	put(fc, "w0", "\"v\":2", 0);
	f = get(fc, "w0");
	CHECK(f && f->len == 5 && memcmp(f->json, "\"v\":2", 5) == 0);
	CHECK(get(fc, "w3") != NULL && get(fc, "w7") != NULL);
	frag_cache_free(fc);

	/* Each new key replaces the oldest, memory stays bounded. */
	fc = frag_cache_new(1);
	for (int i = 0; i < 1000; i++) {
		char key[16];
		snprintf(key, sizeof key, "k%d", i);
		put(fc, key, "\"v\":1", 0);
		CHECK(get(fc, key) != NULL);
	}
	CHECK(get(fc, "k0") == NULL);
	frag_cache_free(fc);
	frag_cache_free(NULL);
	return TT_DONE();
}
