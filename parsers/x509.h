/*
 * x509.h - the X.509 facade.  x509.c is the only file in tlstap that calls
 * mbedTLS (2.28 and 3.x): it parses DER, copies out what tlstap reports into
 * struct x509_cert (plain C data, no mbedTLS types), and frees the mbedTLS
 * object.  Parsed certificates are cached by SHA-256 (bounded, LRU) and
 * reference counted.
 */
#ifndef TLSTAP_X509_H
#define TLSTAP_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct x509_ctx;
struct tt_stats;
struct x509_cert;   /* defined below: plain fields the emitter reads */

struct x509_ctx_opts {
	const char *ca_file;    /* NULL and ca_dir NULL: the system bundle */
	const char *ca_dir;
	uint32_t cache_size;
	struct tt_stats *stats; /* certs_parsed/cache_hits/failed; may be NULL */
};

/* NULL on failure with a message in err.  A missing system bundle is not a
 * failure: validation then reports unknown_ca. */
struct x509_ctx *x509_ctx_new(const struct x509_ctx_opts *o, char *err, size_t errlen);
void x509_ctx_free(struct x509_ctx *x);

/* The certificate for this DER, parsed or from the cache; the caller owns one
 * reference.  A certificate mbedTLS refuses still gets an object (hashes, and
 * what the fallback DER reader recovers) with parse_error set.  NULL only on
 * allocation failure. */
struct x509_cert *x509_cert_get(struct x509_ctx *x, const uint8_t *der, size_t len);
void x509_cert_put(struct x509_ctx *x, struct x509_cert *c);

#endif
