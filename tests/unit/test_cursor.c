/* Unit tests for parsers/cursor.h: every accessor at every length. */
#include "../../parsers/cursor.h"
#include "tt_test.h"

static void test_ints(void)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05 };
	struct cur c = cur_make(b, sizeof b);
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;

	CHECK(cur_u8(&c, &v8) && v8 == 1);
	CHECK(cur_u16(&c, &v16) && v16 == 0x0203);
	CHECK(!cur_u24(&c, &v32) && c.left == 2);   /* failure leaves it */
	CHECK(cur_u16(&c, &v16) && v16 == 0x0405);
	CHECK(cur_empty(&c) && !cur_u8(&c, &v8));

	c = cur_make(b, sizeof b);
	CHECK(cur_u32(&c, &v32) && v32 == 0x01020304u);
	c = cur_make(b, sizeof b);
	CHECK(cur_u24(&c, &v32) && v32 == 0x010203u);
}

static void test_vectors(void)
{
	/* vec16 { vec8 { aa bb } cc } dd */
	static const uint8_t b[] = { 0x00, 0x04, 0x02, 0xaa, 0xbb, 0xcc, 0xdd };
	struct cur c = cur_make(b, sizeof b), v, w;
	uint8_t x;

	CHECK(cur_vec16(&c, &v) && v.left == 4 && c.left == 1);
	CHECK(cur_vec8(&v, &w) && w.left == 2 && v.left == 1);
	CHECK(cur_u8(&v, &x) && x == 0xcc && cur_empty(&v));

	/* Every truncated prefix: the vector read fails and nothing moves. */
	for (size_t n = 0; n < 6; n++) {
		c = cur_make(b, n);
		CHECK(!cur_vec16(&c, &v) && c.left == n);
	}
	c = cur_make(b + 2, 2);     /* vec8 claims 2, has 1 */
	CHECK(!cur_vec8(&c, &w) && c.left == 2);
	static const uint8_t b24[] = { 0x00, 0x00, 0x01, 0x7f };
	c = cur_make(b24, sizeof b24);
	CHECK(cur_vec24(&c, &w) && w.left == 1 && cur_empty(&c));
	c = cur_make(b24, 3);
	CHECK(!cur_vec24(&c, &w) && c.left == 3);
}

static void test_bytes(void)
{
	static const uint8_t b[] = { 1, 2, 3 };
	struct cur c = cur_make(b, sizeof b);
	const uint8_t *p;
	uint8_t out[3] = { 0 };

	CHECK(!cur_bytes(&c, 4, &p) && c.left == 3);
	CHECK(cur_skip(&c, 1) && c.left == 2);
	CHECK(cur_copy(&c, out, 2) && out[0] == 2 && out[1] == 3);
	CHECK(!cur_skip(&c, 1));
	c = cur_make(b, sizeof b);
	CHECK(cur_bytes(&c, 3, &p) && p == b && cur_empty(&c));
}

int main(void)
{
	test_ints();
	test_vectors();
	test_bytes();
	return TT_DONE();
}
