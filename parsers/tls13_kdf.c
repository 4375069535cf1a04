/*
 * tls13_kdf.c - HKDF-Expand-Label, RFC 8446 section 7.1:
 *
 *   HkdfLabel = struct {
 *       uint16 length;                 +--------+-----+---------------+-----+---------+
 *       opaque label<7..255>;          | length | len | "tls13 "label | len | context |
 *       opaque context<0..255>;        |   2    |  1  |    6 + n      |  1  |   m     |
 *   }                                  +--------+-----+---------------+-----+---------+
 *   HKDF-Expand-Label(Secret, Label, Context, Length) =
 *       HKDF-Expand(Secret, HkdfLabel, Length)
 *
 * The HMAC and HKDF are Nettle's.
 */
#include "tls13_kdf.h"

#include <string.h>

#include <nettle/hkdf.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

size_t tls13_hash_len(enum tls13_hash h)
{
	return h == TLS13_SHA384 ? SHA384_DIGEST_SIZE : SHA256_DIGEST_SIZE;
}

bool tls13_expand_label(enum tls13_hash h, const uint8_t *secret, size_t secret_len,
			const char *label, const uint8_t *context, size_t ctx_len,
			uint8_t *out, size_t len)
{
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t ll = strlen(label), n = 0, hl = tls13_hash_len(h);

	if (ll > 249 || ctx_len > 255 || len > 255 * hl || len > 0xffff)
		return false;
	info[n++] = (uint8_t)(len >> 8);
	info[n++] = (uint8_t)len;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = (uint8_t)ctx_len;
	if (ctx_len)
		memcpy(info + n, context, ctx_len);
	n += ctx_len;
	if (h == TLS13_SHA384) {
		struct hmac_sha384_ctx c;

		hmac_sha384_set_key(&c, secret_len, secret);
		hkdf_expand(&c, (nettle_hash_update_func *)hmac_sha384_update,
			    (nettle_hash_digest_func *)hmac_sha384_digest, SHA384_DIGEST_SIZE,
			    n, info, len, out);
	} else {
		struct hmac_sha256_ctx c;

		hmac_sha256_set_key(&c, secret_len, secret);
		hkdf_expand(&c, (nettle_hash_update_func *)hmac_sha256_update,
			    (nettle_hash_digest_func *)hmac_sha256_digest, SHA256_DIGEST_SIZE,
			    n, info, len, out);
	}
	return true;
}
