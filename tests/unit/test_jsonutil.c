/* Unit tests for src/jsonutil.c: hostile strings stay one valid JSON line. */
#include "../../src/jsonutil.h"
#include "tt_test.h"

#include <stdlib.h>

static char *dump(json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(v);
	return s;
}

static void test_wire_str(void)
{
	struct anom_set a = { 0 };
	char *s;

	s = dump(ju_wire_str("example.com", 11, &a));
	CHECK_STR(s, "\"example.com\"");
	CHECK(a.n == 0);
	free(s);

	/* Quotes, newline, NUL and a would-be second record stay inside one string. */
	static const char evil[] = "a\"}\n{\"x\":1\0b";
	s = dump(ju_wire_str(evil, sizeof evil - 1, &a));
	CHECK_STR(s, "\"a\\\"}\\n{\\\"x\\\":1\\u0000b\"");
	CHECK(a.n == 0);
	CHECK(strchr(s, '\n') == NULL);
	free(s);

	/* Valid multi-byte UTF-8 is kept. */
	static const char utf[] = "caf\xc3\xa9";
	s = dump(ju_wire_str(utf, sizeof utf - 1, &a));
	CHECK_STR(s, "\"caf\xc3\xa9\"");
	CHECK(a.n == 0);
	free(s);

	/* Invalid bytes: lone continuation, overlong, surrogate, truncated. */
	static const char bad[] = "x\x80y\xc0\xafz\xed\xa0\x80w\xe2\x82";
	s = dump(ju_wire_str(bad, sizeof bad - 1, &a));
	CHECK_STR(s, "\"x\\\\x80y\\\\xc0\\\\xafz\\\\xed\\\\xa0\\\\x80w\\\\xe2\\\\x82\"");
	CHECK(anom_has(&a, "invalid_utf8"));
	free(s);

	/* Long invalid input takes the heap path. */
	uint8_t big[1000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = 0xff;
	json_t *v = ju_wire_str(big, sizeof big, NULL);
	CHECK(v && json_string_length(v) == 4000);
	json_decref(v);
}

static void test_paths(void)
{
	json_t *o = json_object();
	char *s;

	CHECK(ju_set(o, "tls.server.hash.sha1", json_string("AB")) == 0);
	CHECK(ju_set(o, "tls.version", json_string("1.3")) == 0);
	CHECK(ju_obj(o, "tls.client") != NULL);
	CHECK(ju_set(o, "tls.version.x", json_string("no")) == -1);   /* not an object */
	CHECK(ju_set(o, "a..b", json_string("no")) == -1);
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_STR(s, "{\"tls\":{\"client\":{},\"server\":{\"hash\":{\"sha1\":\"AB\"}},\"version\":\"1.3\"}}");
	free(s);
	json_decref(o);
}

static void test_time(void)
{
	char b[32];
	ju_time(1763805600123456789ull, b);
	CHECK_STR(b, "2025-11-22T10:00:00.123456Z");
	ju_time(0, b);
	CHECK_STR(b, "1970-01-01T00:00:00.000000Z");
	json_t *h = ju_hex16(0x0a0a);
	CHECK_STR(json_string_value(h), "0x0a0a");
	json_decref(h);
}

int main(void)
{
	test_wire_str();
	test_paths();
	test_time();
	return TT_DONE();
}
