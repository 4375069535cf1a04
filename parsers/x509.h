/*
 * x509.h - the X.509 facade.  Its files (x509_cert.c, x509_ctx.c,
 * x509_valid.c, sharing x509_impl.h) and digest.c are the only ones in
 * tlstap that call mbedTLS (2.28 and 3.x): they parse DER, copies out what tlstap reports into
 * struct x509_cert (plain C data, no mbedTLS types), and frees the mbedTLS
 * object.  Parsed certificates are cached by SHA-256 (bounded, LRU) and
 * reference counted.
 *
 * Strings copied from certificates (names, SANs) are byte strings with a
 * length: they come from the wire and may hold anything, including invalid
 * UTF-8 (the emitter escapes them with jw_wire).  They are never
 * NUL-padded views of the DER; each is its own allocation owned by the cert.
 */
#ifndef TLSTAP_X509_H
#define TLSTAP_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct x509_ctx;

/* What a context counted since it was made (x509_ctx_stats). */
struct x509_stats {
	uint64_t parsed;        /* certificates parsed (first seen) */
	uint64_t cache_hits;    /* ... found in the cache */
	uint64_t failed;        /* ... that mbedTLS refused (parse_error) */
	uint64_t validations;   /* chains validated (mbedTLS path validation) */
	uint64_t validation_hits;       /* ... found in the validation cache */
};

struct x509_ctx_opts {
	const char *ca_file;    /* NULL and ca_dir NULL: the system bundle */
	const char *ca_dir;
	uint32_t cache_size;    /* certificates kept parsed; 0: 4096 */
	const char *client_ca_file;     /* roots for client chains (PEM); NULL:
					 * the store above (x509_client_store) */
};

/* Bounds on lists copied out of one certificate (overflow: *_total). */
#define X509_MAX_ATTRS  32      /* RDN attributes per name */
#define X509_MAX_SANS   2048    /* real certificates carry 401 and more */
#define X509_MAX_EKUS   16
#define X509_MAX_EXTS   32

/* A byte string from the certificate; p is NUL-terminated for convenience
 * but may contain NUL bytes before n (names escape them, SANs may not). */
struct x509_str {
	char *p;
	size_t n;
};

/* The RDN attribute types tlstap reports as ECS components. */
enum x509_attr_kind {
	X509_A_CN, X509_A_O, X509_A_OU, X509_A_C, X509_A_L, X509_A_ST,
	X509_A_OTHER,
};

struct x509_attr {
	enum x509_attr_kind kind;
	struct x509_str val;            /* decoded to UTF-8 where the type allows */
};

struct x509_name {
	struct x509_str dn;             /* RFC 4514, most specific RDN first */
	struct x509_attr attrs[X509_MAX_ATTRS]; /* DER order (least specific first) */
	uint16_t n_attrs, n_attrs_total;
	bool present;                   /* false: could not be read at all */
};

enum x509_san_kind { X509_SAN_DNS, X509_SAN_IP, X509_SAN_EMAIL, X509_SAN_URI };

struct x509_san {
	enum x509_san_kind kind;
	struct x509_str val;            /* IP: text (inet_ntop); others raw */
	uint8_t ip[16];                 /* IP: the address bytes */
	uint8_t ip_len;                 /* 4 or 16; 0 for a malformed length */
};

/* Key usage bits, RFC 5280 4.2.1.3 numbering (bit 0 = digitalSignature). */
#define X509_KU_COUNT 9
extern const char *const x509_ku_names[X509_KU_COUNT];

struct x509_cert {
	/* identity */
	uint8_t sha1[20], sha256[32];
	char sha1_hex[41], sha256_hex[65];      /* uppercase */
	uint8_t *der;                   /* copy of the DER, owned */
	size_t der_len;

	/* parse_error: mbedTLS refused the certificate; the fields below then
	 * hold what the fallback reader recovered (see *_ok flags). */
	bool parse_error;
	int parse_code;                 /* mbedTLS error code (negative), 0 if none */
	char parse_msg[160];

	int version;                    /* 1..3, 0 unknown */
	char *serial_hex;               /* uppercase, no colons; NULL unknown */
	struct x509_name subject, issuer;
	bool validity_ok;
	int64_t not_before, not_after;  /* seconds since the epoch, UTC */
	char sig_alg[48];               /* "sha256WithRSAEncryption" or dotted OID; "" unknown */
	int sig_hash_bits;              /* 0 unknown; 128 for MD5, 160 for SHA-1, ... */
	bool sig_weak;                  /* MD2/MD4/MD5/SHA-1 */
	char pk_alg[48];                /* "RSA", "EC", "Ed25519", "Ed448", "DSA", "RSASSA-PSS",
					 * "ML-DSA-65", ..., else the dotted OID; "" unknown */
	uint32_t pk_bits;               /* key size in bits (RSA: modulus; post-quantum and
					 * unknown algorithms: the public key's length), 0 unknown */
	char pk_curve[24];              /* "secp256r1" ... for EC; "" otherwise */
	uint64_t rsa_exponent;          /* 0 unknown or > 64 bits */

	struct x509_san *sans;          /* n_sans entries */
	uint16_t n_sans, n_sans_total, sans_cap;

	bool has_basic_constraints, is_ca;
	int max_pathlen;                /* -1 none */
	bool has_key_usage;
	uint16_t key_usage;             /* bit i = x509_ku_names[i] */
	struct x509_str ekus[X509_MAX_EKUS]; /* names ("serverAuth") or dotted OIDs */
	uint16_t n_ekus, n_ekus_total;
	bool has_aia;                   /* authorityInfoAccess present */

	/* extension OIDs in order, DER content bytes as lowercase hex (JA4X) */
	struct x509_str ext_oids[X509_MAX_EXTS];
	uint16_t n_ext_oids, n_ext_oids_total;
	/* RDN attribute OIDs in DER order, same form (JA4X) */
	struct x509_str subj_oids[X509_MAX_ATTRS], iss_oids[X509_MAX_ATTRS];
	uint16_t n_subj_oids, n_iss_oids;

	bool self_issued;               /* subject == issuer (DER bytes) */
	/* self-issued and its own key verifies it: x509_cert_self_signed()
	 * works it out at the first question (a signature check is most of a
	 * new certificate's cost, and only the verdict asks) */
	bool sig_self, sig_self_known;

	/* emitter bookkeeping: set once the DER was written to --certs-dir;
	 * the certificate's record fragment, made once by the emitter (plain
	 * bytes to this module, freed with the certificate) */
	bool der_written;
	char ja4x[64];                  /* JA4X, "" until the verdict computes it (FoxIO builds) */
	char *emit_json;
	size_t emit_json_len;
	uint8_t emit_flags;

	/* facade-private bookkeeping (cache): do not touch */
	unsigned refs;
	struct x509_cert *lru_prev, *lru_next, *hnext;
	uint64_t cache_key;     /* fast hash of the DER: the cache's bucket key */
	bool cached;
	size_t mem_bytes;       /* what the cache counts for it (x509_ctx_bytes) */
	size_t *mem_acct;       /* that count, while cached; else NULL */
};

/* NULL on failure with a message in err (an unreadable ca_file/ca_dir that
 * was asked for explicitly).  A missing system bundle is not a failure:
 * validation then reports unknown_ca. */
struct x509_ctx *x509_ctx_new(const struct x509_ctx_opts *o, char *err, size_t errlen);
/* Frees the context; certificates still referenced stay valid until their
 * last x509_cert_put, which must then be given NULL as the context. */
void x509_ctx_free(struct x509_ctx *x);
/* The context whose store validates client chains: the one loaded from
 * client_ca_file, else x itself.  Owned by x. */
struct x509_ctx *x509_client_store(struct x509_ctx *x);
/* Number of CA certificates loaded. */
size_t x509_ctx_ca_count(const struct x509_ctx *x);
/* The bytes the context holds, as the allocator hands them out: the trust
 * stores (measured while they load: the allocator's bytes in use before and
 * after), the certificates cached with their record fragments, the
 * validation cache. */
uint64_t x509_ctx_bytes(const struct x509_ctx *x);
/* c's record fragment (the emitter's, owned by c from here on), counted
 * with the cache that holds c. */
void x509_cert_set_frag(struct x509_cert *c, char *frag, size_t len);
/* The context's counters; valid as long as the context. */
const struct x509_stats *x509_ctx_stats(const struct x509_ctx *x);

/* The certificate for this DER, parsed or from the cache; the caller owns one
 * reference.  A certificate mbedTLS refuses still gets an object (hashes, and
 * what the fallback DER reader recovers) with parse_error set.  A zero-length
 * input also gets an object (hashes of nothing, parse_error).  NULL only on
 * allocation failure.  The input is copied; der may be freed afterwards. */
struct x509_cert *x509_cert_get(struct x509_ctx *x, const uint8_t *der, size_t len);
/* Drops one reference (x may be NULL after x509_ctx_free). */
void x509_cert_put(struct x509_ctx *x, struct x509_cert *c);
/* Whether c is self-signed: self-issued, and its own public key verifies
 * its signature.  Checked at the first call and remembered in c (so not
 * to be asked by two threads at once). */
bool x509_cert_self_signed(struct x509_cert *c);

/* Validation status, most severe first: the first that applies is
 * `status`; every one that applies is in `reasons`. */
enum x509_status {
	X509_ST_OK = 0,
	X509_ST_PARSE_ERROR,        /* the leaf (or another chain cert) was refused */
	X509_ST_BAD_SIGNATURE,      /* a named issuer's key does not verify the cert */
	X509_ST_SELF_SIGNED,        /* the leaf is self-signed and not in the store */
	X509_ST_INCOMPLETE_CHAIN,   /* an intermediate is missing (rule in x509.c) */
	X509_ST_UNKNOWN_CA,         /* chain ends at an issuer not in the store */
	X509_ST_EXPIRED,            /* capture time after not_after of a path cert */
	X509_ST_NOT_YET_VALID,      /* capture time before not_before */
	X509_ST_WEAK_KEY,           /* RSA/DSA < 2048 bits, EC < 224, not roots */
	X509_ST_WEAK_SIGNATURE,     /* MD2/MD4/MD5/SHA-1 signature, not roots */
	X509_ST_BAD_USAGE,          /* key usage / EKU forbids this use */
	X509_ST_OTHER,              /* any other mbedTLS verification flag */
	X509_ST_COUNT
};

const char *x509_status_name(enum x509_status s);
/* "mbed TLS 2.28.3": the library behind this facade (static string). */
const char *x509_library_version(void);

struct x509_validation {
	enum x509_status status;
	uint32_t reasons;               /* bit (1u << status) for each that applies */
	bool sni_checked;               /* an SNI was given */
	bool sni_match;
	bool chain_ordered;             /* each cert is issued by the next one */
	bool ca_store_empty;
};

/* Validates chain[0..n) (leaf first, as presented) against the store at
 * capture time ts_ns (ns since the epoch), and matches the SNI against the
 * leaf when has_sni.  Chain results other than time and SNI are cached by
 * the chain's hashes.  Returns 0, or -1 when n == 0 (out unchanged). */
int x509_validate(struct x509_ctx *x, struct x509_cert *const *chain, size_t n,
		  const uint8_t *sni, size_t sni_len, bool has_sni, uint64_t ts_ns,
		  struct x509_validation *out);

/* RFC 6125 host name check of a leaf: DNS SANs first, the last CN only when
 * there is no DNS SAN; '*' only as the whole left-most label and only with
 * at least two labels after it; IP-literal names against IP SANs only;
 * ASCII case-insensitive; one trailing dot ignored. */
/* The RFC 4514 string (most specific RDN first) of a DER Name, such as a
 * CertificateRequest's DistinguishedName: malloc'd, the caller frees it;
 * "" for an empty Name; NULL when the bytes are not a Name (or ENOMEM). */
char *x509_dn_string(const uint8_t *der, size_t len);
bool x509_host_match(const struct x509_cert *leaf, const uint8_t *name, size_t len);

#endif
