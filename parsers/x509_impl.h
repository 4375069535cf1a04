/*
 * x509_impl.h - what the X.509 facade's files share and nobody else sees:
 * mbedTLS (the only headers in tlstap that include it), the context's
 * shape, and the few functions one file of the facade calls in another.
 *
 *   x509_cert.c   the DER walker: one certificate parsed and copied out
 *   x509_ctx.c    the context: trust store, certificate cache, counters
 *   x509_valid.c  host names (RFC 6125) and chain validation
 *   digest.c      the message digests and encodings (digest.h)
 */
#ifndef TLSTAP_X509_IMPL_H
#define TLSTAP_X509_IMPL_H

#include "x509.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/version.h>
#include <mbedtls/asn1.h>
#include <mbedtls/md.h>
#include <mbedtls/md5.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform.h>
#include <mbedtls/rsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>
#if defined(MBEDTLS_ERROR_C)
#include <mbedtls/error.h>
#endif

/*
 * 3.x hides struct members behind MBEDTLS_PRIVATE(); 2.x has plain names.
 * Every such access in the facade goes through XP().
 */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define XP(m) MBEDTLS_PRIVATE(m)
#else
#define XP(m) m
#endif

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
/* 3.x moved these readers towards a library-internal header (3.6 has them
 * only there); libmbedx509 still exports them with the 2.x signatures.  A
 * matching redeclaration is harmless where the public header has them. */
int mbedtls_x509_get_name(unsigned char **p, const unsigned char *end,
			  mbedtls_x509_name *cur);
int mbedtls_x509_get_alg(unsigned char **p, const unsigned char *end,
			 mbedtls_x509_buf *alg, mbedtls_x509_buf *params);
int mbedtls_x509_get_time(unsigned char **p, const unsigned char *end,
			  mbedtls_x509_time *t);
int mbedtls_x509_get_serial(unsigned char **p, const unsigned char *end,
			    mbedtls_x509_buf *serial);
#endif


/* What validation learns from a chain apart from time and SNI. */
#define VPATH_MAX 16
struct vstatic {
	uint32_t reasons;
	bool chain_ordered;
	uint8_t n_path;
	int64_t nb[VPATH_MAX], na[VPATH_MAX];
};

/* The validation cache: VCACHE_SETS sets of VCACHE_WAYS chains, least
 * recently used replaced (the way choice: lru_way.h).  Direct-mapped, two popular chains that share a
 * slot evict each other on every session: replaying the corpus
 * (tests/bench corpus-handshake, 116 distinct chains) ran 435 validations,
 * 42% of all instructions; with the ways, 116. */
#define VCACHE_WAYS 8
#define VCACHE_SETS 128
#define VCACHE_SLOTS (VCACHE_WAYS * VCACHE_SETS)
/* A validated chain: its certificates' SHA-256s in order (the key,
 * compared whole) and the verdict that does not depend on time or SNI. */
struct vslot {
	uint8_t *key;
	size_t n;
	uint64_t used;                    /* x509_ctx.vclock at the last use, 0: empty */
	struct vstatic v;
};

struct x509_ctx {
	mbedtls_x509_crt ca;
	size_t n_ca;
	struct x509_stats st;             /* the context's own counters (x509_ctx_stats) */
	/* certificate cache: hash buckets by SHA-256, LRU list (head newest) */
	struct x509_cert **bucket;
	size_t n_bucket, n_cached, cap;
	struct x509_cert *lru_head, *lru_tail;
	struct vslot *vcache;
	uint64_t vclock;                  /* counts validation cache lookups */
	size_t ca_bytes;                  /* the store, measured as it loaded */
	size_t self_bytes;                /* this struct's block (x509_block) */
	size_t cache_bytes;               /* buckets, cached certificates, vcache */
	struct x509_ctx *client;          /* client_ca_file's store (and its own
					   * validation cache), NULL: this one */
};

/* x509_cert.c: a new certificate object for the DER (copied), counted in
 * *st (may be NULL); NULL on ENOMEM.  x509_cert_destroy frees one whose
 * last reference went. */
struct x509_cert *x509_cert_build(const uint8_t *der, size_t len, struct x509_stats *st);
void x509_cert_destroy(struct x509_cert *c);
/* What the allocator took for p (its usable size and header; 0 for NULL),
 * and for c with everything it owns. */
size_t x509_block(const void *p);
size_t x509_cert_bytes(const struct x509_cert *c);
/* "-0x2180 <mbedTLS's text>" for an mbedTLS error code. */
void x509_mbed_errmsg(int code, char *out, size_t cap);
/* An X.509 time as seconds since the epoch (UTC). */
int64_t x509_time_secs(const mbedtls_x509_time *t);
/* Whether an OID is the DER given. */
bool x509_oid_is(const mbedtls_asn1_buf *oid, const char *der, size_t n);
/* x509_oid.c: the name of a post-quantum algorithm OID (ML-DSA, SLH-DSA,
 * HashML-DSA, ML-KEM), a static string, or NULL. */
const char *x509_pq_name(const mbedtls_asn1_buf *oid);
/* A SubjectPublicKeyInfo mbedTLS cannot parse: c's pk_alg (name or dotted
 * OID) and pk_bits from the algorithm OID and the key BIT STRING at q. */
void x509_spki_other(struct x509_cert *c, const mbedtls_asn1_buf *oid, unsigned char *q,
		     const unsigned char *end);
/* Whether the OID is id-RSASSA-PSS (RFC 4055). */
bool x509_oid_is_rsassa_pss(const mbedtls_asn1_buf *oid);
/* Whether child's signature verifies with parent's public key. */
bool x509_sig_ok(const mbedtls_x509_crt *child, mbedtls_x509_crt *parent);

#endif
