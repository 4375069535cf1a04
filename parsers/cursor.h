/*
 * cursor.h - the one bounds-checked reader for untrusted bytes.
 *
 * Every read of wire data in tlstap goes through a struct cur:
 *
 *     +-------------------------------+
 *     | p -> next unread byte         |   left = bytes still readable
 *     +-------------------------------+
 *
 * Each accessor either succeeds, advancing the cursor, or fails and leaves
 * the cursor unchanged.  A length-prefixed vector is read as a child cursor
 * (cur_vec8/16/24): the parent is advanced past the whole vector and the
 * child sees only the vector's body, so nested vectors cannot overrun their
 * parent.  Integers are big-endian (network order); nothing here casts
 * pointers or overlays structs on packets.
 */
#ifndef TLSTAP_CURSOR_H
#define TLSTAP_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cur {
	const uint8_t *p;
	size_t left;
};

static inline struct cur cur_make(const uint8_t *p, size_t n)
{
	struct cur c = { p, n };
	return c;
}

static inline bool cur_u8(struct cur *c, uint8_t *v)
{
	if (c->left < 1)
		return false;
	*v = c->p[0];
	c->p++;
	c->left--;
	return true;
}

static inline bool cur_u16(struct cur *c, uint16_t *v)
{
	if (c->left < 2)
		return false;
	*v = (uint16_t)((unsigned)c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->left -= 2;
	return true;
}

static inline bool cur_u24(struct cur *c, uint32_t *v)
{
	if (c->left < 3)
		return false;
	*v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | c->p[2];
	c->p += 3;
	c->left -= 3;
	return true;
}

static inline bool cur_u32(struct cur *c, uint32_t *v)
{
	if (c->left < 4)
		return false;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	     (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->left -= 4;
	return true;
}

/* Borrow n bytes: *out points into the cursor's buffer (valid as long as it). */
static inline bool cur_bytes(struct cur *c, size_t n, const uint8_t **out)
{
	if (c->left < n)
		return false;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

/* Copy n bytes out. */
static inline bool cur_copy(struct cur *c, void *dst, size_t n)
{
	const uint8_t *src;
	if (!cur_bytes(c, n, &src))
		return false;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = src[i];
	return true;
}

static inline bool cur_skip(struct cur *c, size_t n)
{
	if (c->left < n)
		return false;
	c->p += n;
	c->left -= n;
	return true;
}

/* A child cursor over the next n bytes; the parent moves past them. */
static inline bool cur_sub(struct cur *c, size_t n, struct cur *child)
{
	const uint8_t *b;
	if (!cur_bytes(c, n, &b))
		return false;
	*child = cur_make(b, n);
	return true;
}

/* Length-prefixed vectors (1, 2 or 3 length bytes).  On failure neither
 * cursor changes: the prefix is not consumed either. */
static inline bool cur_vec8(struct cur *c, struct cur *child)
{
	struct cur t = *c;
	uint8_t n;
	if (!cur_u8(&t, &n) || !cur_sub(&t, n, child))
		return false;
	*c = t;
	return true;
}

static inline bool cur_vec16(struct cur *c, struct cur *child)
{
	struct cur t = *c;
	uint16_t n;
	if (!cur_u16(&t, &n) || !cur_sub(&t, n, child))
		return false;
	*c = t;
	return true;
}

static inline bool cur_vec24(struct cur *c, struct cur *child)
{
	struct cur t = *c;
	uint32_t n;
	if (!cur_u24(&t, &n) || !cur_sub(&t, n, child))
		return false;
	*c = t;
	return true;
}

static inline bool cur_empty(const struct cur *c)
{
	return c->left == 0;
}

#endif
