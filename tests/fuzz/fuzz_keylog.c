/*
 * fuzz_keylog - the key-log parser and the TLS 1.3 record decryptor.  The
 * first byte picks: even, the rest is a key log (fed in two pieces, as a
 * growing file is, then looked up by the first random found); odd, the rest
 * is a record (TLS 1.3: header and body; with bit 1 set, a TLS 1.2 body)
 * opened with keys derived from a fixed secret for the suite picked by the
 * byte's high bits.  Inputs are copied into
 * exact-size allocations so that any overread is caught.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/tls_decrypt.h"
#include "../../parsers/tls_keylog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void keylog_case(const uint8_t *d, size_t n)
{
	struct keylog kl;
	char *buf = malloc(n ? n : 1);
	size_t half = n / 2, used;
	uint8_t r[32] = { 0 };

	if (!buf)
		return;
	memcpy(buf, d, n);
	keylog_init(&kl);
	used = keylog_add_buffer(&kl, buf, half, false);
	keylog_add_buffer(&kl, buf + used, n - used, true);
	if (n >= 32)
		memcpy(r, d, 32);
	const struct keylog_entry *e = keylog_find(&kl, r);
	size_t len;

	for (int l = 0; e && l < KL_N_LABELS; l++)
		(void)keylog_secret(e, (enum keylog_label)l, &len);
	keylog_free(&kl);
	free(buf);
}

static void record12_case(uint8_t sel, const uint8_t *d, size_t n)
{
	/* sel: bits 2-4 the suite, 5-6 the version (0: TLS 1.2 .. 3: SSL 3.0),
	 * 7 the side */
	static const uint16_t suites[] = { 0xc02f, 0xc030, 0xcca8, 0xc0ac, 0xc0ae,
					   0x0004, 0x000a, 0x002f };
	/* SSL 3.0 to TLS 1.2: implicit IVs and RC4 carry state from one
	 * record to the next, so the input is opened as two records */
	uint16_t version = (uint16_t)(0x0303 - ((sel >> 5) & 3));
	struct tls12_suite su;
	struct tls12_keys k;
	uint8_t ms[48] = { 1 }, cr[32] = { 2 }, sr[32] = { 3 };
	size_t len, half = n / 2;

	if (!tls12_suite_info(suites[(sel >> 2) & 7], &su) ||
	    !tls12_keys_init(&k, &su, version, ms, cr, sr, sel & 0x80))
		return;
	uint8_t *ct = malloc(n ? n : 1), *out = malloc(n ? n : 1);

	if (ct && out) {
		memcpy(ct, d, n);
		(void)tls12_open(&k, 23, version, ct, half, out, &len);
		(void)tls12_open(&k, 22, version, ct + half, n - half, out, &len);
	}
	free(ct);
	free(out);
}

static void record_case(uint8_t sel, const uint8_t *d, size_t n)
{
	struct tls13_suite su;
	struct tls13_keys k;
	uint8_t secret[48], hdr[5] = { 23, 3, 3, 0, 0 }, type;
	size_t len;

	if (sel & 2) {
		record12_case(sel, d, n);
		return;
	}
	if (!tls13_suite_info((uint16_t)(0x1301 + (sel >> 2) % 5), &su))
		return;
	for (size_t i = 0; i < sizeof secret; i++)
		secret[i] = (uint8_t)i;
	if (!tls13_keys_init(&k, &su, secret, tls13_hash_len(su.hash)))
		return;
	k.seq = sel >> 4;
	if (n >= 5) {
		memcpy(hdr, d, 5);
		d += 5, n -= 5;
	}
	uint8_t *ct = malloc(n ? n : 1), *out = malloc(n ? n : 1);

	if (ct && out) {
		memcpy(ct, d, n);
		(void)tls13_open(&k, hdr, ct, n, out, &len, &type);
	}
	free(ct);
	free(out);
	tls13_keys_wipe(&k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		record_case(data[0], data + 1, size - 1);
	else
		keylog_case(data + 1, size - 1);
	return 0;
}
