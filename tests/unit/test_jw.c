/* Unit tests for src/jw.c: hostile strings stay one valid JSON line, empty
 * optional levels vanish, numbers and times are exact. */
#include "../../src/jw.h"
#include "tt_test.h"

#include <jansson.h>
#include <stdlib.h>
#include <time.h>

/* The text of one root value written by f. */
static struct jw W;

static const char *text(void)
{
	static char buf[8192];
	size_t n = W.len < sizeof buf - 1 ? W.len : sizeof buf - 1;
	memcpy(buf, W.p, n);
	buf[n] = '\0';
	return W.oom ? "(oom)" : buf;
}

static const char *wire(const void *p, size_t n, struct anom_set *a)
{
	jw_reset(&W);
	jw_wire(&W, NULL, p, n, a);
	return text();
}

static void test_wire(void)
{
	struct anom_set a = { 0 };

	CHECK_STR(wire("example.com", 11, &a), "\"example.com\"");
	CHECK(a.n == 0);

	/* Quotes, newline, NUL and a would-be second record stay inside one string. */
	static const char evil[] = "a\"}\n{\"x\":1\0b";
	CHECK_STR(wire(evil, sizeof evil - 1, &a), "\"a\\\"}\\n{\\\"x\\\":1\\u0000b\"");
	CHECK(a.n == 0);
	CHECK(memchr(W.p, '\n', W.len) == NULL);

	/* Every control character has an escape jansson reads back. */
	{
		char all[32];
		json_t *v;
		for (int i = 0; i < 32; i++)
			all[i] = (char)i;
		wire(all, sizeof all, &a);
		v = json_loadb(W.p, W.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		CHECK(v && json_string_length(v) == 32 && memcmp(json_string_value(v), all, 32) == 0);
		json_decref(v);
	}

	/* The word-at-a-time scan finds a special byte at every offset of
	 * strings of every length, and never one that is not there. */
	{
		static const char specials[] = { '"', '\\', '\n', 0x00, 0x1f, 0x7f, '!', 'a' };
		char in[40], want[300];
		for (size_t len = 1; len <= sizeof in; len++)
			for (size_t at = 0; at < len; at++)
				for (size_t k = 0; k < sizeof specials; k++) {
					size_t o = 0;
					memset(in, 'x', len);
					in[at] = specials[k];
					want[o++] = '"';
					for (size_t i = 0; i < len; i++) {
						unsigned char c = (unsigned char)in[i];
						if (c == '"' || c == '\\') {
							want[o++] = '\\';
							want[o++] = (char)c;
						} else if (c == '\n') {
							want[o++] = '\\';
							want[o++] = 'n';
						} else if (c < 0x20) {
							o += (size_t)snprintf(want + o, 8, "\\u%04x", c);
						} else
							want[o++] = (char)c;
					}
					want[o++] = '"';
					want[o] = '\0';
					jw_reset(&W);
					jw_strn(&W, NULL, in, len);
					if (strcmp(text(), want) != 0) {
						CHECK_STR(text(), want);
						len = sizeof in;
						break;
					}
				}
	}

	/* Valid multi-byte UTF-8 is kept. */
	static const char utf[] = "caf\xc3\xa9 \xf0\x9f\x94\x92";
	CHECK_STR(wire(utf, sizeof utf - 1, &a), "\"caf\xc3\xa9 \xf0\x9f\x94\x92\"");
	CHECK(a.n == 0);

	/* Invalid bytes: lone continuation, overlong, surrogate, truncated. */
	static const char bad[] = "x\x80y\xc0\xafz\xed\xa0\x80w\xe2\x82";
	CHECK_STR(wire(bad, sizeof bad - 1, &a),
		  "\"x\\\\x80y\\\\xc0\\\\xafz\\\\xed\\\\xa0\\\\x80w\\\\xe2\\\\x82\"");
	CHECK(anom_has(&a, "invalid_utf8"));

	/* Long invalid input: every byte becomes four characters. */
	{
		uint8_t big[1000];
		json_t *v;
		memset(big, 0xff, sizeof big);
		wire(big, sizeof big, NULL);
		v = json_loadb(W.p, W.len, JSON_DECODE_ANY, NULL);
		CHECK(v && json_string_length(v) == 4000);
		json_decref(v);
	}
}

static void test_structure(void)
{
	jw_reset(&W);
	jw_open(&W, NULL, '{');
	jw_str(&W, "a", "x");
	jw_open(&W, "empty", '{');
	jw_close(&W, false);                   /* vanishes with its key and comma */
	jw_open(&W, "kept", '[');
	jw_close(&W, true);
	jw_open(&W, "o", '{');
	jw_open(&W, "inner", '[');
	jw_close(&W, false);
	CHECK(jw_close(&W, false) == 0);       /* empty once its child vanished */
	jw_open(&W, "list", '[');
	jw_uint(&W, NULL, 1);
	jw_int(&W, NULL, -2);
	jw_bool(&W, NULL, true);
	jw_hex(&W, NULL, 0x0a0a, 4);
	jw_hexbytes(&W, NULL, (const uint8_t *)"\x01\xab", 2);
	CHECK(jw_close(&W, false) == 5);
	jw_raw(&W, "raw", "{\"k\":1}", 7);
	jw_close(&W, true);
	CHECK_STR(text(), "{\"a\":\"x\",\"kept\":[],\"list\":[1,-2,true,\"0x0a0a\",\"01ab\"],\"raw\":{\"k\":1}}");

	/* A first member that vanishes leaves no comma behind. */
	jw_reset(&W);
	jw_open(&W, NULL, '{');
	jw_open(&W, "gone", '[');
	jw_close(&W, false);
	jw_uint(&W, "n", 18446744073709551615ull);
	jw_int(&W, "m", INT64_MIN);
	jw_close(&W, true);
	CHECK_STR(text(), "{\"n\":18446744073709551615,\"m\":-9223372036854775808}");

	/* Nesting deeper than JW_DEPTH is an error, not an overflow. */
	jw_reset(&W);
	for (int i = 0; i < JW_DEPTH + 2; i++)
		jw_open(&W, NULL, '[');
	CHECK(W.oom);
}

/* Keys and names of every length from 0 to 40 bytes (the short-copy
 * paths for 1-3, 4-7, 8-16, 17-32 and the library copy beyond), given as
 * run-time strings so that jw_klen cannot fold them: the bytes are exactly
 * those of "key":"value", and nothing after them is touched. */
static void test_lengths(void)
{
	char key[48], val[48], want[256];

	for (size_t kl = 0; kl <= 40; kl++)
		for (size_t vl = 0; vl <= 40; vl++) {
			for (size_t i = 0; i < kl; i++)
				key[i] = (char)('a' + (i * 7 + kl) % 26);
			key[kl] = '\0';
			for (size_t i = 0; i < vl; i++)
				val[i] = (char)('A' + (i * 5 + vl) % 26);
			val[vl] = '\0';
			snprintf(want, sizeof want, "{\"%s\":\"%s\",\"%s\":7}", key, val, key);
			jw_reset(&W);
			jw_open(&W, NULL, '{');
			jw_name(&W, key, val);
			jw_uint(&W, key, 7);
			jw_close(&W, true);
			if (strcmp(text(), want) != 0) {
				CHECK_STR(text(), want);
				return;
			}
		}
	/* Literal keys (folded length) give the same bytes. */
	jw_reset(&W);
	jw_open(&W, NULL, '{');
	jw_name(&W, "server_name", "example.com");
	jw_bool(&W, "established", false);
	jw_int(&W, "offset", -12);
	jw_hexbytes(&W, "session_id", (const uint8_t *)"\x00\x7f\x80\xff", 4);
	jw_close(&W, true);
	CHECK_STR(text(), "{\"server_name\":\"example.com\",\"established\":false,"
		  "\"offset\":-12,\"session_id\":\"007f80ff\"}");
}

/* A writer that has run out of memory writes nothing more, through every
 * writer (each checks before it touches the buffer). */
static void test_oom(void)
{
	size_t len;

	jw_reset(&W);
	jw_open(&W, NULL, '{');
	jw_uint(&W, "a", 1);
	len = W.len;
	W.oom = true;
	jw_open(&W, "o", '{');
	jw_name(&W, "n", "x");
	jw_str(&W, "s", "y\n");
	jw_wire(&W, "w", "\xff", 1, NULL);
	jw_uint(&W, "u", 1);
	jw_int(&W, "i", -1);
	jw_bool(&W, "b", true);
	jw_hex(&W, "h", 1, 4);
	jw_hexbytes(&W, "x", (const uint8_t *)"ab", 2);
	jw_time_us(&W, "t", 1);
	jw_time_s(&W, "ts", 1);
	jw_raw(&W, "r", "1", 1);
	jw_close(&W, true);
	jw_close(&W, true);
	CHECK(W.len == len);
	CHECK(W.oom);
	jw_reset(&W);
	CHECK(!W.oom && W.len == 0);
}

/* The calendar code against gmtime_r over 4,000 years and every day edge. */
static void test_time(void)
{
	char want[40];
	struct tm tm;

	jw_reset(&W);
	jw_time_us(&W, NULL, 1763805600123456789ull);
	CHECK_STR(text(), "\"2025-11-22T10:00:00.123456Z\"");
	jw_reset(&W);
	jw_time_us(&W, NULL, 0);
	CHECK_STR(text(), "\"1970-01-01T00:00:00.000000Z\"");
	jw_reset(&W);
	jw_time_s(&W, NULL, -1);
	CHECK_STR(text(), "\"1969-12-31T23:59:59Z\"");
	/* The cached second is used only for that same second. */
	jw_reset(&W);
	jw_time_us(&W, NULL, 1763805600999999000ull);
	jw_time_us(&W, NULL, 1763805601000001000ull);
	jw_time_s(&W, NULL, 1763805601);
	CHECK_STR(text(), "\"2025-11-22T10:00:00.999999Z\",\"2025-11-22T10:00:01.000001Z\","
		  "\"2025-11-22T10:00:01Z\"");

	srand(7);
	for (int i = 0; i < 20000; i++) {
		int64_t secs = (int64_t)((((uint64_t)rand() << 31) ^ (uint64_t)rand()) %
					 (uint64_t)(4000ll * 365 * 86400)) - 1000ll * 365 * 86400;
		time_t t;
		if (i < 400)
			secs = (int64_t)i * 86400 * 91 - 1;   /* day boundaries */
		t = (time_t)secs;
		gmtime_r(&t, &tm);
		snprintf(want, sizeof want, "\"%04d-%02d-%02dT%02d:%02d:%02dZ\"", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		jw_reset(&W);
		jw_time_s(&W, NULL, secs);
		if (strcmp(text(), want) != 0) {
			CHECK_STR(text(), want);
			break;
		}
	}
	/* The caches of recent seconds (the writer's, jw_fmt_time's): 37
	 * seconds revisited in turn, many of them sharing a slot. */
	for (int i = 0; i < 3000; i++) {
		int64_t secs = 1700000000 + (int64_t)(i * 7 % 37) * 2048 + (i % 3);
		time_t t = (time_t)secs;
		char got[21];
		gmtime_r(&t, &tm);
		snprintf(want, sizeof want, "\"%04d-%02d-%02dT%02d:%02d:%02dZ\"", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		jw_reset(&W);
		jw_time_s(&W, NULL, secs);
		jw_fmt_time(got, secs);
		if (strcmp(text(), want) != 0 || strncmp(got, want + 1, 20) != 0 || got[20]) {
			CHECK_STR(text(), want);
			CHECK_STR(got, want);
			break;
		}
	}
}

int main(void)
{
	jw_init(&W);
	test_wire();
	test_structure();
	test_lengths();
	test_oom();
	test_time();
	jw_free(&W);
	return TT_DONE();
}
