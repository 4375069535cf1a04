/*
 * x509_ctx.c - the X.509 context: the trust store (PEM bundle or
 * directory, RFC 7468), the certificate cache (hash buckets on a fast hash
 * of the DER, confirmed by the DER itself; LRU eviction; references
 * counted) and the context's counters (x509_ctx_stats).
 */
#include "x509_impl.h"
#include "digest.h"

#include <malloc.h>

/* ------------------------------------------------------------------ */
/* Context and caches                                                  */


/* ------------------------------------------------------------------ */
/* Trust store                                                         */

/* Base64 (RFC 4648) with whitespace skipped, as PEM bodies are written.
 * The root store is public data, so the table decoder is fine; mbedTLS's
 * own is constant-time and took 95% of the time of loading the system
 * bundle, paid by every run.  Returns the length, or 0 on a bad
 * character. */
static size_t b64_decode(const char *s, size_t n, uint8_t *out)
{
	static int8_t val[256];
	static int init;
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0;

	if (!init) {
		static const char al[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		memset(val, -1, sizeof val);
		for (int i = 0; i < 64; i++)
			val[(uint8_t)al[i]] = (int8_t)i;
		init = 1;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=')
			break;
		if (val[c] < 0)
			return 0;
		acc = acc << 6 | (uint32_t)(uint8_t)val[c];
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

/* Loads every CERTIFICATE block of a PEM file into the store; a file
 * without one is handed to mbedTLS whole (DER).  Like mbedTLS's parse_file,
 * a bundle with a few odd roots still loads: the result is the number of
 * blocks that did not parse (>= 0), or a negative mbedTLS error when the
 * file cannot be read or holds no usable certificate. */
static int ca_load_file(mbedtls_x509_crt *ca, const char *path)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----", end[] = "-----END CERTIFICATE-----";
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	uint8_t *der = NULL;
	size_t len = 0, cap = 0;
	int loaded = 0, failed = 0, rc;

	if (!f)
		return MBEDTLS_ERR_X509_FILE_IO_ERROR;
	for (;;) {
		size_t got;
		if (len + 65536 + 1 > cap) {
			char *nb;
			if (cap > (64u << 20)) {   /* no trust store is that large */
				free(buf);
				fclose(f);
				return MBEDTLS_ERR_X509_FILE_IO_ERROR;
			}
			cap = cap ? cap * 2 : 262144;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return MBEDTLS_ERR_X509_ALLOC_FAILED;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	rc = ferror(f) ? MBEDTLS_ERR_X509_FILE_IO_ERROR : 0;
	fclose(f);
	buf[len] = '\0';
	if (rc == 0 && !strstr(buf, begin)) {
		free(buf);
		return mbedtls_x509_crt_parse_file(ca, path);
	}
	der = rc == 0 ? malloc(len / 4 * 3 + 3) : NULL;
	for (p = buf; der && (p = strstr(p, begin)) != NULL;) {
		char *body = p + sizeof begin - 1, *stop = strstr(body, end);
		size_t n;
		if (!stop)
			break;
		n = b64_decode(body, (size_t)(stop - body), der);
		if (n && mbedtls_x509_crt_parse_der(ca, der, n) == 0)
			loaded++;
		else
			failed++;
		p = stop + sizeof end - 1;
	}
	free(der);
	free(buf);
	if (rc)
		return rc;
	if (!loaded)
		return failed ? MBEDTLS_ERR_X509_INVALID_FORMAT : MBEDTLS_ERR_X509_ALLOC_FAILED;
	return failed;
}

/* rc from loading CAs out of path: false, with the message in err, on failure. */
static bool ca_loaded(int rc, const char *what, const char *path, char *err, size_t errlen)
{
	char m[160];

	if (rc >= 0)
		return true;
	x509_mbed_errmsg(rc, m, sizeof m);
	snprintf(err, errlen, "cannot load CA %s %s: %s", what, path, m);
	return false;
}

/* The bytes the allocator has handed out and not taken back, all arenas.
 * The trust store is measured by it as it loads (mbedTLS allocates each
 * certificate in many pieces); the process is starting then, and no other
 * thread allocates. */
static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

struct x509_ctx *x509_ctx_new(const struct x509_ctx_opts *o, char *err, size_t errlen)
{
	struct x509_ctx *x = calloc(1, sizeof *x);
	const char *sys = "/etc/ssl/certs/ca-certificates.crt";
	size_t before, after;

	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	mbedtls_x509_crt_init(&x->ca);
	x->cap = o && o->cache_size ? o->cache_size : 4096;
	x->n_bucket = 64;
	while (x->n_bucket < x->cap)
		x->n_bucket <<= 1;
	x->bucket = calloc(x->n_bucket, sizeof *x->bucket);
	x->vcache = calloc(VCACHE_SLOTS, sizeof *x->vcache);
	if (!x->bucket || !x->vcache) {
		snprintf(err, errlen, "out of memory");
		x509_ctx_free(x);
		return NULL;
	}
	x->cache_bytes = x509_block(x->bucket) + x509_block(x->vcache);
	x->self_bytes = x509_block(x);
	before = heap_in_use();
	/* parse_file/parse_path return the number of certificates they could
	 * not parse (> 0): bundles with a few odd roots still load. */
	if (o && o->ca_file &&
	    !ca_loaded(ca_load_file(&x->ca, o->ca_file), "file", o->ca_file, err, errlen)) {
		x509_ctx_free(x);
		return NULL;
	}
	if (o && o->ca_dir &&
	    !ca_loaded(mbedtls_x509_crt_parse_path(&x->ca, o->ca_dir), "directory", o->ca_dir, err, errlen)) {
		x509_ctx_free(x);
		return NULL;
	}
	if (!o || (!o->ca_file && !o->ca_dir))
		(void)ca_load_file(&x->ca, sys);
	after = heap_in_use();
	x->ca_bytes = after > before ? after - before : 0;
	if (o && o->client_ca_file) {
		/* A context of its own, the same loader: only its store and
		 * validation cache are used. */
		struct x509_ctx_opts co = { .ca_file = o->client_ca_file, .cache_size = 1 };
		x->client = x509_ctx_new(&co, err, errlen);
		if (!x->client) {
			x509_ctx_free(x);
			return NULL;
		}
	}
	for (mbedtls_x509_crt *c = &x->ca; c && c->raw.p; c = c->next)
		x->n_ca++;
	return x;
}

uint64_t x509_ctx_bytes(const struct x509_ctx *x)
{
	return x ? x->self_bytes + x->ca_bytes + x->cache_bytes + x509_ctx_bytes(x->client) : 0;
}

size_t x509_ctx_ca_count(const struct x509_ctx *x)
{
	return x ? x->n_ca : 0;
}

static void lru_unlink(struct x509_ctx *x, struct x509_cert *c)
{
	if (c->lru_prev)
		c->lru_prev->lru_next = c->lru_next;
	else
		x->lru_head = c->lru_next;
	if (c->lru_next)
		c->lru_next->lru_prev = c->lru_prev;
	else
		x->lru_tail = c->lru_prev;
	c->lru_prev = c->lru_next = NULL;
}

static void lru_front(struct x509_ctx *x, struct x509_cert *c)
{
	c->lru_prev = NULL;
	c->lru_next = x->lru_head;
	if (x->lru_head)
		x->lru_head->lru_prev = c;
	x->lru_head = c;
	if (!x->lru_tail)
		x->lru_tail = c;
}

static size_t bucket_of(const struct x509_ctx *x, uint64_t key)
{
	return (size_t)key & (x->n_bucket - 1);
}

/* Removes c from the cache and drops the cache's reference. */
static void cache_drop(struct x509_ctx *x, struct x509_cert *c)
{
	struct x509_cert **pp = &x->bucket[bucket_of(x, c->cache_key)];
	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	c->hnext = NULL;
	lru_unlink(x, c);
	c->cached = false;
	x->cache_bytes -= c->mem_bytes;
	c->mem_acct = NULL;
	x->n_cached--;
	x509_cert_put(x, c);
}

void x509_ctx_free(struct x509_ctx *x)
{
	if (!x)
		return;
	while (x->lru_head)
		cache_drop(x, x->lru_head);
	free(x->bucket);
	for (size_t i = 0; x->vcache && i < VCACHE_SLOTS; i++)
		free(x->vcache[i].key);
	free(x->vcache);
	mbedtls_x509_crt_free(&x->ca);
	x509_ctx_free(x->client);
	free(x);
}

struct x509_ctx *x509_client_store(struct x509_ctx *x)
{
	return x && x->client ? x->client : x;
}

struct x509_cert *x509_cert_get(struct x509_ctx *x, const uint8_t *der, size_t len)
{
	uint64_t key;
	struct x509_cert *c;

	if (!der)
		len = 0;
	if (!x)
		return x509_cert_build(der, len, NULL);
	key = dig_fast64(der, len);
	for (c = x->bucket[bucket_of(x, key)]; c; c = c->hnext)
		if (c->cache_key == key && c->der_len == len &&
		    (len == 0 || memcmp(c->der, der, len) == 0)) {
			x->st.cache_hits++;
			lru_unlink(x, c);
			lru_front(x, c);
			c->refs++;
			return c;
		}
	c = x509_cert_build(der, len, &x->st);
	if (!c)
		return NULL;
	while (x->n_cached >= x->cap && x->lru_tail)
		cache_drop(x, x->lru_tail);
	c->cache_key = key;
	size_t b = bucket_of(x, key);
	c->hnext = x->bucket[b];
	x->bucket[b] = c;
	lru_front(x, c);
	c->cached = true;
	c->mem_bytes = x509_cert_bytes(c);
	c->mem_acct = &x->cache_bytes;
	x->cache_bytes += c->mem_bytes;
	c->refs++;              /* the cache's own reference */
	x->n_cached++;
	return c;
}

void x509_cert_put(struct x509_ctx *x, struct x509_cert *c)
{
	(void)x;
	if (!c || c->refs == 0)
		return;
	if (--c->refs == 0)
		x509_cert_destroy(c);
}

const struct x509_stats *x509_ctx_stats(const struct x509_ctx *x)
{
	return &x->st;
}


const char *x509_library_version(void)
{
	return "mbed TLS " MBEDTLS_VERSION_STRING;
}
