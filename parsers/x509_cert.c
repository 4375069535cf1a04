/*
 * x509_cert.c - the X.509 facade over mbedTLS (2.28; written to build with
 * 3.x): one certificate parsed and what tlstap reports copied out.  The
 * context and its cache are in x509_ctx.c, validation in x509_valid.c.
 *
 * RFC 5280 section 4.1, the structure read here:
 *
 *   Certificate ::= SEQUENCE {
 *     tbsCertificate SEQUENCE {
 *       [0] version          (optional, v1 when absent)
 *       serialNumber         INTEGER
 *       signature            AlgorithmIdentifier
 *       issuer               Name  = SEQUENCE OF SET OF {OID, value}
 *       validity             SEQUENCE { notBefore, notAfter }
 *       subject              Name
 *       subjectPublicKeyInfo SEQUENCE { AlgorithmIdentifier, BIT STRING }
 *       [1] [2] unique ids   (optional)
 *       [3] extensions       SEQUENCE OF { OID, critical BOOLEAN?, OCTET STRING }
 *     }
 *     signatureAlgorithm, signatureValue }
 *
 * Every field is read with mbedTLS's own exported DER readers
 * (mbedtls_asn1_get_*, mbedtls_x509_get_*), never by hand, by one walker
 * used for every certificate.  mbedtls_x509_crt_parse_der decides whether
 * the certificate is acceptable (parse_error when it is not: Ed25519 in
 * 2.28, unknown critical extensions, odd encodings) and supplies the public
 * key context and the signature check; the walker recovers what it can from
 * certificates mbedTLS refuses, so they keep serial, names and validity.

 */
#include "x509_impl.h"
#include "digest.h"

#include <malloc.h>

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

/* A growable byte buffer; oom is sticky. */
struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void sb_put(struct sbuf *b, const void *src, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *q = realloc(b->p, nc);
		if (!q) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = nc;
	}
	memcpy(b->p + b->n, src, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_ch(struct sbuf *b, char c)
{
	sb_put(b, &c, 1);
}

/* Moves the buffer into *s (empty string on allocation failure). */
static void sb_take(struct sbuf *b, struct x509_str *s)
{
	if (b->oom || !b->p) {
		free(b->p);
		s->p = calloc(1, 1);
		s->n = 0;
	} else {
		s->p = b->p;
		s->n = b->n;
	}
	b->p = NULL;
	b->n = b->cap = 0;
	b->oom = false;
}

static void str_set(struct x509_str *s, const void *p, size_t n)
{
	s->p = malloc(n + 1);
	if (!s->p) {
		s->n = 0;
		return;
	}
	if (n)
		memcpy(s->p, p, n);
	s->p[n] = '\0';
	s->n = n;
}

static void str_free(struct x509_str *s)
{
	free(s->p);
	s->p = NULL;
	s->n = 0;
}

static void utf8_put(struct sbuf *b, uint32_t cp)
{
	char u[4];
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		sb_ch(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		sb_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		sb_put(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		sb_put(b, u, 4);
	}
}

/* A directory string value as text: BMPString (UCS-2) and UniversalString
 * (UCS-4) are converted to UTF-8, T61String is taken as Latin-1 (as most
 * tools do), other string types are copied as they are (the emitter escapes
 * invalid UTF-8).  Non-string values become '#' and the hex of the content.
 * Returns false for a non-string value. */
static bool value_text(struct sbuf *b, int tag, const uint8_t *p, size_t n)
{
	switch (tag) {
	case MBEDTLS_ASN1_BMP_STRING:
		for (size_t i = 0; i + 1 < n; i += 2)
			utf8_put(b, (uint32_t)p[i] << 8 | p[i + 1]);
		return true;
	case MBEDTLS_ASN1_UNIVERSAL_STRING:
		for (size_t i = 0; i + 3 < n; i += 4)
			utf8_put(b, (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
				 (uint32_t)p[i + 2] << 8 | p[i + 3]);
		return true;
	case MBEDTLS_ASN1_T61_STRING:
		for (size_t i = 0; i < n; i++)
			utf8_put(b, p[i]);
		return true;
	case MBEDTLS_ASN1_UTF8_STRING:
	case MBEDTLS_ASN1_PRINTABLE_STRING:
	case MBEDTLS_ASN1_IA5_STRING:
	case 0x12: /* NumericString */
	case 0x1a: /* VisibleString */
	case 0x1b: /* GeneralString */
		sb_put(b, p, n);
		return true;
	default: {
		char h[3];
		sb_ch(b, '#');
		for (size_t i = 0; i < n; i++) {
			dig_hex(p + i, 1, h, 1);
			sb_put(b, h, 2);
		}
		return false;
	}
	}
}

/* ------------------------------------------------------------------ */
/* Names (RFC 4514)                                                    */

static enum x509_attr_kind attr_kind(const char *sn)
{
	static const struct { const char *n; enum x509_attr_kind k; } t[] = {
		{ "CN", X509_A_CN }, { "O", X509_A_O }, { "OU", X509_A_OU },
		{ "C", X509_A_C }, { "L", X509_A_L }, { "ST", X509_A_ST },
	};
	if (!sn)
		return X509_A_OTHER;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].n, sn) == 0)
			return t[i].k;
	return X509_A_OTHER;
}

/*
 * The attribute type as RFC 4514 wants it: a short name where one is
 * registered, else the dotted OID.  mbedTLS knows the common ones; the
 * table adds those it lacks, spelt as OpenSSL spells them so that DNs
 * compare equal with Zeek's and Suricata's.
 */
static const char *attr_name(const mbedtls_asn1_buf *oid, char *num, size_t cap)
{
	static const struct { const char *oid, *name; } extra[] = {
		{ "2.5.4.9", "street" },
		{ "2.5.4.15", "businessCategory" },
		{ "2.5.4.97", "organizationIdentifier" },
		{ "0.9.2342.19200300.100.1.1", "UID" },
		{ "1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL" },
		{ "1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST" },
		{ "1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC" },
	};
	const char *sn = NULL;

	if (mbedtls_oid_get_attr_short_name(oid, &sn) == 0 && sn)
		return sn;
	if (mbedtls_oid_get_numeric_string(num, cap, oid) < 0) {
		snprintf(num, cap, "0.0");
		return num;
	}
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (strcmp(extra[i].oid, num) == 0)
			return extra[i].name;
	return num;
}

/* Appends value text with the RFC 4514 section 2.4 escapes. */
static void dn_escape(struct sbuf *b, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (c == '\0') {
			sb_put(b, "\\00", 3);
			continue;
		}
		if (strchr("\"+,;<>\\", c) || (i == 0 && (c == '#' || c == ' ')) ||
		    (i + 1 == n && c == ' '))
			sb_ch(b, '\\');
		sb_ch(b, c);
	}
}

static void oid_hex(struct x509_str *s, const mbedtls_asn1_buf *oid)
{
	char *h = malloc(oid->len * 2 + 1);
	if (!h) {
		s->p = NULL;
		s->n = 0;
		return;
	}
	dig_hex(oid->p, oid->len, h, 0);
	s->p = h;
	s->n = oid->len * 2;
}

/* Copies an mbedTLS name list into nm; oids gets the attribute OIDs (JA4X). */
static void name_fill(struct x509_name *nm, const mbedtls_x509_name *list,
		      struct x509_str *oids, uint16_t *n_oids)
{
	/* RDN start indices in DER order: an RDN is a run of attributes
	 * joined by next_merged (multi-valued RDN). */
	const mbedtls_x509_name *rdn[64];
	size_t n_rdn = 0;
	bool new_rdn = true;
	struct sbuf dn = { 0 };

	nm->present = true;
	for (const mbedtls_x509_name *a = list; a && a->oid.p; a = a->next) {
		const char *sn = NULL;
		struct sbuf v = { 0 };

		if (new_rdn && n_rdn < sizeof rdn / sizeof rdn[0])
			rdn[n_rdn++] = a;
		new_rdn = !a->XP(next_merged);
		nm->n_attrs_total++;
		if (*n_oids < X509_MAX_ATTRS)
			oid_hex(&oids[(*n_oids)++], &a->oid);
		if (nm->n_attrs >= X509_MAX_ATTRS)
			continue;
		(void)mbedtls_oid_get_attr_short_name(&a->oid, &sn);
		value_text(&v, a->val.tag, a->val.p, a->val.len);
		nm->attrs[nm->n_attrs].kind = attr_kind(sn);
		sb_take(&v, &nm->attrs[nm->n_attrs].val);
		nm->n_attrs++;
	}

	/* Most specific RDN first (RFC 4514 section 2.1): walk RDNs backwards. */
	for (size_t r = n_rdn; r-- > 0;) {
		const mbedtls_x509_name *a = rdn[r];
		if (r + 1 != n_rdn)
			sb_ch(&dn, ',');
		for (;;) {
			char num[64];
			struct sbuf v = { 0 };
			const char *sn = attr_name(&a->oid, num, sizeof num);
			sb_put(&dn, sn, strlen(sn));
			sb_ch(&dn, '=');
			if (value_text(&v, a->val.tag, a->val.p, a->val.len))
				dn_escape(&dn, v.p ? v.p : "", v.n);
			else
				sb_put(&dn, v.p ? v.p : "", v.n);
			free(v.p);
			if (!a->XP(next_merged) || !a->next)
				break;
			a = a->next;
			sb_ch(&dn, '+');
		}
	}
	sb_take(&dn, &nm->dn);
}

static void name_list_free(mbedtls_x509_name *head)
{
	mbedtls_x509_name *a = head->next;
	while (a) {
		mbedtls_x509_name *nx = a->next;
		mbedtls_free(a);
		a = nx;
	}
	head->next = NULL;
}

static void name_free(struct x509_name *nm)
{
	str_free(&nm->dn);
	for (uint16_t i = 0; i < nm->n_attrs; i++)
		str_free(&nm->attrs[i].val);
}

/* ------------------------------------------------------------------ */
/* Time                                                                */

/* Days since 1970-01-01 of a proleptic Gregorian date (civil calendar). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t x509_time_secs(const mbedtls_x509_time *t)
{
	return days_from_civil(t->year, t->mon, t->day) * 86400 +
	       (int64_t)t->hour * 3600 + (int64_t)t->min * 60 + t->sec;
}

/* Digits d[i..i+n) as a number, or -1. */
static int digits(const unsigned char *d, size_t len, size_t i, size_t n)
{
	int v = 0;
	if (i + n > len)
		return -1;
	for (size_t k = i; k < i + n; k++) {
		if (d[k] < '0' || d[k] > '9')
			return -1;
		v = v * 10 + (d[k] - '0');
	}
	return v;
}

/*
 * A Time that mbedtls_x509_get_time refuses: older encoders wrote UTCTime
 * and GeneralizedTime with a zone offset ("250115120000+0530") or without
 * seconds, which RFC 5280 4.1.2.5 forbids but X.680 allows.  The element
 * is read with mbedtls_asn1_get_tag; only its text is interpreted here.
 */
static bool time_lenient(unsigned char **p, const unsigned char *end, int64_t *out)
{
	unsigned char *q = *p;
	size_t len, i;
	int y, mo, d, h, mi, sec = 0;
	bool utc;

	if (mbedtls_asn1_get_tag(&q, end, &len, MBEDTLS_ASN1_UTC_TIME) == 0) {
		utc = true;
	} else {
		q = *p;
		if (mbedtls_asn1_get_tag(&q, end, &len, MBEDTLS_ASN1_GENERALIZED_TIME) != 0)
			return false;
		utc = false;
	}
	if (utc) {
		if ((y = digits(q, len, 0, 2)) < 0)
			return false;
		y += y < 50 ? 2000 : 1900;
		i = 2;
	} else {
		if ((y = digits(q, len, 0, 4)) < 0)
			return false;
		i = 4;
	}
	mo = digits(q, len, i, 2);
	d = digits(q, len, i + 2, 2);
	h = digits(q, len, i + 4, 2);
	mi = digits(q, len, i + 6, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
		return false;
	i += 8;
	if (digits(q, len, i, 2) >= 0) {
		sec = digits(q, len, i, 2);
		if (sec > 60)
			return false;
		i += 2;
	}
	if (!utc && i < len && (q[i] == '.' || q[i] == ','))
		for (i++; i < len && q[i] >= '0' && q[i] <= '9'; i++)
			;       /* fractions of a second: dropped */
	*out = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec;
	if (i < len && (q[i] == '+' || q[i] == '-')) {
		int oh = digits(q, len, i + 1, 2), om = digits(q, len, i + 3, 2);
		if (oh < 0 || om < 0 || oh > 23 || om > 59)
			return false;
		/* local = UTC + offset */
		*out -= (q[i] == '+' ? 1 : -1) * ((int64_t)oh * 3600 + (int64_t)om * 60);
		i += 5;
	} else if (i < len && q[i] == 'Z') {
		i++;
	}
	if (i != len)
		return false;
	*p = q + len;
	return true;
}

/* ------------------------------------------------------------------ */
/* Algorithms                                                          */

static const char *md_sig_name(mbedtls_md_type_t md, mbedtls_pk_type_t pk)
{
	bool ec = pk == MBEDTLS_PK_ECDSA || pk == MBEDTLS_PK_ECKEY;
	if (pk == MBEDTLS_PK_RSASSA_PSS)
		return "rsassaPss";
	switch (md) {
#if MBEDTLS_VERSION_NUMBER < 0x03000000
	case MBEDTLS_MD_MD2: return ec ? NULL : "md2WithRSAEncryption";
	case MBEDTLS_MD_MD4: return ec ? NULL : "md4WithRSAEncryption";
#endif
	case MBEDTLS_MD_MD5: return ec ? NULL : "md5WithRSAEncryption";
	case MBEDTLS_MD_SHA1: return ec ? "ecdsa-with-SHA1" : "sha1WithRSAEncryption";
	case MBEDTLS_MD_SHA224: return ec ? "ecdsa-with-SHA224" : "sha224WithRSAEncryption";
	case MBEDTLS_MD_SHA256: return ec ? "ecdsa-with-SHA256" : "sha256WithRSAEncryption";
	case MBEDTLS_MD_SHA384: return ec ? "ecdsa-with-SHA384" : "sha384WithRSAEncryption";
	case MBEDTLS_MD_SHA512: return ec ? "ecdsa-with-SHA512" : "sha512WithRSAEncryption";
	default: return NULL;
	}
}

static int md_bits(mbedtls_md_type_t md)
{
	switch (md) {
#if MBEDTLS_VERSION_NUMBER < 0x03000000
	case MBEDTLS_MD_MD2: case MBEDTLS_MD_MD4:
#endif
	case MBEDTLS_MD_MD5: return 128;
	case MBEDTLS_MD_SHA1: return 160;
	case MBEDTLS_MD_SHA224: return 224;
	case MBEDTLS_MD_SHA256: return 256;
	case MBEDTLS_MD_SHA384: return 384;
	case MBEDTLS_MD_SHA512: return 512;
	default: return 0;
	}
}

/* 1.3.101.112 and .113 (RFC 8410): OID content bytes 2B 65 70 / 71. */
static const char *eddsa_name(const mbedtls_asn1_buf *oid)
{
	static const uint8_t ed25519[] = { 0x2b, 0x65, 0x70 };
	static const uint8_t ed448[] = { 0x2b, 0x65, 0x71 };
	if (oid->len == 3 && memcmp(oid->p, ed25519, 3) == 0)
		return "Ed25519";
	if (oid->len == 3 && memcmp(oid->p, ed448, 3) == 0)
		return "Ed448";
	return NULL;
}

static void sig_alg_fill(struct x509_cert *c, const mbedtls_asn1_buf *oid)
{
	mbedtls_md_type_t md = MBEDTLS_MD_NONE;
	mbedtls_pk_type_t pk = MBEDTLS_PK_NONE;
	const char *name = NULL;

	if (mbedtls_oid_get_sig_alg(oid, &md, &pk) == 0) {
		name = md_sig_name(md, pk);
		c->sig_hash_bits = md_bits(md);
		c->sig_weak = c->sig_hash_bits > 0 && c->sig_hash_bits <= 160;
	} else if ((name = eddsa_name(oid)) == NULL && (name = x509_pq_name(oid)) == NULL &&
		   x509_oid_is_rsassa_pss(oid)) {
		name = "RSASSA-PSS";
	}
	if (name)
		snprintf(c->sig_alg, sizeof c->sig_alg, "%s", name);
	else if (mbedtls_oid_get_numeric_string(c->sig_alg, sizeof c->sig_alg, oid) < 0)
		c->sig_alg[0] = '\0';
}

/* Public key facts from a parsed key context. */
static void pk_fill(struct x509_cert *c, mbedtls_pk_context *pk)
{
	mbedtls_pk_type_t t = mbedtls_pk_get_type(pk);

	c->pk_bits = (uint32_t)mbedtls_pk_get_bitlen(pk);
	if (t == MBEDTLS_PK_RSA) {
		mbedtls_mpi e;
		uint8_t eb[8];
		snprintf(c->pk_alg, sizeof c->pk_alg, "RSA");
		mbedtls_mpi_init(&e);
		if (mbedtls_rsa_export(mbedtls_pk_rsa(*pk), NULL, NULL, NULL, NULL, &e) == 0 &&
		    mbedtls_mpi_size(&e) <= sizeof eb &&
		    mbedtls_mpi_write_binary(&e, eb, sizeof eb) == 0) {
			c->rsa_exponent = 0;
			for (size_t i = 0; i < sizeof eb; i++)
				c->rsa_exponent = c->rsa_exponent << 8 | eb[i];
		}
		mbedtls_mpi_free(&e);
	} else if (t == MBEDTLS_PK_ECKEY || t == MBEDTLS_PK_ECKEY_DH || t == MBEDTLS_PK_ECDSA) {
		mbedtls_ecp_group_id gid;
		const mbedtls_ecp_curve_info *ci;
		snprintf(c->pk_alg, sizeof c->pk_alg, "EC");
#if MBEDTLS_VERSION_NUMBER >= 0x03050000
		gid = mbedtls_pk_get_ec_group_id(pk);
#else
		gid = mbedtls_pk_ec(*pk)->XP(grp).id;
#endif
		ci = mbedtls_ecp_curve_info_from_grp_id(gid);
		if (ci)
			snprintf(c->pk_curve, sizeof c->pk_curve, "%s", ci->name);
	} else {
		snprintf(c->pk_alg, sizeof c->pk_alg, "%s", mbedtls_pk_get_name(pk));
	}
}

/* SubjectPublicKeyInfo at [p, p+n): let mbedTLS parse the key; when it
 * cannot (EdDSA in 2.28, RSASSA-PSS, post-quantum and unknown algorithms),
 * name the algorithm. */
static void spki_fill(struct x509_cert *c, unsigned char *p, size_t n)
{
	mbedtls_pk_context pk;
	mbedtls_pk_init(&pk);
	if (mbedtls_pk_parse_public_key(&pk, p, n) == 0) {
		pk_fill(c, &pk);
	} else {
		unsigned char *q = p, *end = p + n;
		size_t len;
		mbedtls_asn1_buf oid, params;
		mbedtls_pk_type_t t;
		const char *ed;
		if (mbedtls_asn1_get_tag(&q, end, &len,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) == 0 &&
		    mbedtls_asn1_get_alg(&q, q + len, &oid, &params) == 0) {
			if ((ed = eddsa_name(&oid)) != NULL) {
				snprintf(c->pk_alg, sizeof c->pk_alg, "%s", ed);
				/* RFC 8410 key sizes as OpenSSL reports them. */
				c->pk_bits = ed[2] == '2' ? 256 : 456;
			} else if (mbedtls_oid_get_pk_alg(&oid, &t) == 0) {
				snprintf(c->pk_alg, sizeof c->pk_alg, "%s",
					 t == MBEDTLS_PK_RSA ? "RSA" :
					 t == MBEDTLS_PK_ECKEY ? "EC" : "unknown");
			} else {
				x509_spki_other(c, &oid, q, end);
			}
		}
	}
	mbedtls_pk_free(&pk);
}

/* ------------------------------------------------------------------ */
/* Extensions (RFC 5280 section 4.2)                                   */

const char *const x509_ku_names[X509_KU_COUNT] = {
	"digitalSignature", "nonRepudiation", "keyEncipherment",
	"dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign",
	"encipherOnly", "decipherOnly",
};

static int san_cb(void *ctx, int tag, unsigned char *p, size_t n)
{
	struct x509_cert *c = ctx;
	enum x509_san_kind k;

	switch (tag) {
	case MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2: k = X509_SAN_DNS; break;
	case MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7: k = X509_SAN_IP; break;
	case MBEDTLS_ASN1_CONTEXT_SPECIFIC | 1: k = X509_SAN_EMAIL; break;
	case MBEDTLS_ASN1_CONTEXT_SPECIFIC | 6: k = X509_SAN_URI; break;
	default: return 0;      /* otherName, directoryName, ...: not reported */
	}
	c->n_sans_total++;
	if (c->n_sans >= X509_MAX_SANS)
		return 0;
	if (c->n_sans == c->sans_cap) {
		/* grown by doubling: most certificates have a handful */
		uint16_t nc = c->sans_cap ? (uint16_t)(c->sans_cap * 2) : 8;
		struct x509_san *ns = realloc(c->sans, nc * sizeof *ns);
		if (!ns)
			return 0;
		memset(ns + c->sans_cap, 0, (size_t)(nc - c->sans_cap) * sizeof *ns);
		c->sans = ns;
		c->sans_cap = nc;
	}
	struct x509_san *s = &c->sans[c->n_sans];
	s->kind = k;
	if (k == X509_SAN_IP) {
		char txt[INET6_ADDRSTRLEN];
		if (n == 4 || n == 16) {
			memcpy(s->ip, p, n);
			s->ip_len = (uint8_t)n;
			inet_ntop(n == 4 ? AF_INET : AF_INET6, s->ip, txt, sizeof txt);
			str_set(&s->val, txt, strlen(txt));
		} else {
			/* Wrong length (or a name-constraint style address/mask):
			 * show the hex so nothing is hidden. */
			struct sbuf b = { 0 };
			value_text(&b, -1, p, n);
			sb_take(&b, &s->val);
		}
	} else {
		str_set(&s->val, p, n);
	}
	if (s->val.p)
		c->n_sans++;
	return 0;
}

static const char *eku_name(const char *dotted)
{
	static const struct { const char *oid, *name; } t[] = {
		{ "1.3.6.1.5.5.7.3.1", "serverAuth" },
		{ "1.3.6.1.5.5.7.3.2", "clientAuth" },
		{ "1.3.6.1.5.5.7.3.3", "codeSigning" },
		{ "1.3.6.1.5.5.7.3.4", "emailProtection" },
		{ "1.3.6.1.5.5.7.3.8", "timeStamping" },
		{ "1.3.6.1.5.5.7.3.9", "OCSPSigning" },
		{ "2.5.29.37.0", "anyExtendedKeyUsage" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].oid, dotted) == 0)
			return t[i].name;
	return dotted;
}

static int eku_cb(void *ctx, int tag, unsigned char *p, size_t n)
{
	struct x509_cert *c = ctx;
	mbedtls_asn1_buf oid = { .tag = tag, .len = n, .p = p };
	char dotted[64];
	const char *nm;

	c->n_ekus_total++;
	if (c->n_ekus >= X509_MAX_EKUS)
		return 0;
	if (mbedtls_oid_get_numeric_string(dotted, sizeof dotted, &oid) < 0)
		return 0;
	nm = eku_name(dotted);
	str_set(&c->ekus[c->n_ekus], nm, strlen(nm));
	if (c->ekus[c->n_ekus].p)
		c->n_ekus++;
	return 0;
}

bool x509_oid_is(const mbedtls_asn1_buf *oid, const char *der, size_t n)
{
	return oid->len == n && memcmp(oid->p, der, n) == 0;
}

/* One extension's value (the OCTET STRING's content) by OID. */
static void ext_value(struct x509_cert *c, const mbedtls_asn1_buf *oid,
		      unsigned char *p, unsigned char *end)
{
	size_t len;

	if (x509_oid_is(oid, MBEDTLS_OID_SUBJECT_ALT_NAME, MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME))) {
		/* GeneralNames: any context tag may appear; san_cb sorts them. */
		(void)mbedtls_asn1_traverse_sequence_of(&p, end, 0, 0, 0, 0, san_cb, c);
	} else if (x509_oid_is(oid, MBEDTLS_OID_BASIC_CONSTRAINTS, MBEDTLS_OID_SIZE(MBEDTLS_OID_BASIC_CONSTRAINTS))) {
		int ca = 0, pl;
		if (mbedtls_asn1_get_tag(&p, end, &len,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
			return;
		end = p + len;
		c->has_basic_constraints = true;
		if (p < end && mbedtls_asn1_get_bool(&p, end, &ca) == 0)
			c->is_ca = ca != 0;
		if (p < end && mbedtls_asn1_get_int(&p, end, &pl) == 0)
			c->max_pathlen = pl;
	} else if (x509_oid_is(oid, MBEDTLS_OID_KEY_USAGE, MBEDTLS_OID_SIZE(MBEDTLS_OID_KEY_USAGE))) {
		mbedtls_asn1_bitstring bs;
		if (mbedtls_asn1_get_bitstring(&p, end, &bs) != 0)
			return;
		c->has_key_usage = true;
		for (unsigned i = 0; i < X509_KU_COUNT && i / 8 < bs.len; i++)
			if (bs.p[i / 8] & (0x80u >> (i % 8)))
				c->key_usage = (uint16_t)(c->key_usage | 1u << i);
	} else if (x509_oid_is(oid, MBEDTLS_OID_EXTENDED_KEY_USAGE, MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE))) {
		(void)mbedtls_asn1_traverse_sequence_of(&p, end, 0xff, MBEDTLS_ASN1_OID,
							0, 0, eku_cb, c);
	} else if (x509_oid_is(oid, MBEDTLS_OID_PKIX "\x01\x01", MBEDTLS_OID_SIZE(MBEDTLS_OID_PKIX "\x01\x01"))) {
		c->has_aia = true;      /* authorityInfoAccess, 1.3.6.1.5.5.7.1.1 */
	}
}

/* Extensions ::= SEQUENCE OF Extension, at [p, end). */
static void exts_walk(struct x509_cert *c, unsigned char *p, unsigned char *end)
{
	size_t len;

	if (mbedtls_asn1_get_tag(&p, end, &len,
				 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
		return;
	end = p + len;
	while (p < end) {
		unsigned char *e_end;
		mbedtls_asn1_buf oid;
		int crit = 0;

		if (mbedtls_asn1_get_tag(&p, end, &len,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
			return;
		e_end = p + len;
		if (mbedtls_asn1_get_tag(&p, e_end, &oid.len, MBEDTLS_ASN1_OID) != 0)
			return;
		oid.tag = MBEDTLS_ASN1_OID;
		oid.p = p;
		p += oid.len;
		c->n_ext_oids_total++;
		if (c->n_ext_oids < X509_MAX_EXTS) {
			oid_hex(&c->ext_oids[c->n_ext_oids], &oid);
			if (c->ext_oids[c->n_ext_oids].p)
				c->n_ext_oids++;
		}
		/* critical is optional (DEFAULT FALSE); get_bool leaves p alone
		 * when the next element is not a BOOLEAN. */
		(void)mbedtls_asn1_get_bool(&p, e_end, &crit);
		if (mbedtls_asn1_get_tag(&p, e_end, &len, MBEDTLS_ASN1_OCTET_STRING) == 0)
			ext_value(c, &oid, p, p + len);
		p = e_end;
	}
}

/* ------------------------------------------------------------------ */
/* The walker: every field of tbsCertificate, with mbedTLS's readers   */

struct regions {
	const uint8_t *subj, *iss;      /* whole Name TLVs, for comparisons */
	size_t subj_len, iss_len;
};

/* Validity (p .. vend: the SEQUENCE's content): mbedTLS's reader, else
 * the lenient one. */
static void read_validity(struct x509_cert *c, unsigned char *p, unsigned char *vend)
{
	mbedtls_x509_time from, to;
	unsigned char *t0 = p;

	if (mbedtls_x509_get_time(&p, vend, &from) == 0 &&
	    mbedtls_x509_get_time(&p, vend, &to) == 0) {
		c->validity_ok = true;
		c->not_before = x509_time_secs(&from);
		c->not_after = x509_time_secs(&to);
	} else {
		p = t0;
		c->validity_ok = time_lenient(&p, vend, &c->not_before) &&
				 time_lenient(&p, vend, &c->not_after);
	}
}

/* The issuer (or the subject) Name: q its tag, p .. nend its content.  Its
 * raw bytes are noted in rg (self-issued test). */
static void read_name(struct x509_cert *c, bool subject, unsigned char *q, unsigned char *p,
		      unsigned char *nend, struct regions *rg)
{
	struct x509_name *out = subject ? &c->subject : &c->issuer;
	struct x509_str *oids = subject ? c->subj_oids : c->iss_oids;
	uint16_t *n_oids = subject ? &c->n_subj_oids : &c->n_iss_oids;
	mbedtls_x509_name nm;

	if (!subject) {
		rg->iss = q;
		rg->iss_len = (size_t)(nend - q);
	} else {
		rg->subj = q;
		rg->subj_len = (size_t)(nend - q);
	}
	memset(&nm, 0, sizeof nm);
	if (p == nend) {
		/* An empty Name is legal (subject with SANs only). */
		out->present = true;
		out->dn.p = calloc(1, 1);
	} else if (mbedtls_x509_get_name(&p, nend, &nm) == 0) {
		name_fill(out, &nm, oids, n_oids);
	}
	name_list_free(&nm);
}

char *x509_dn_string(const uint8_t *der, size_t len)
{
	unsigned char *p = (unsigned char *)(uintptr_t)der, *end = p + len;
	struct x509_str oids[X509_MAX_ATTRS];
	struct x509_name nm;
	mbedtls_x509_name head;
	uint16_t n_oids = 0;
	char *out = NULL;
	size_t n;

	memset(&nm, 0, sizeof nm);
	memset(&head, 0, sizeof head);
	if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
	    n != (size_t)(end - p))
		return NULL;
	if (n == 0)
		return calloc(1, 1);
	if (mbedtls_x509_get_name(&p, end, &head) == 0) {
		name_fill(&nm, &head, oids, &n_oids);
		out = malloc(nm.dn.n + 1);
		if (out) {
			memcpy(out, nm.dn.p ? nm.dn.p : "", nm.dn.n);
			out[nm.dn.n] = '\0';
		}
	}
	name_list_free(&head);
	name_free(&nm);
	for (uint16_t i = 0; i < n_oids; i++)
		str_free(&oids[i]);
	return out;
}

static void walk_cert(struct x509_cert *c, struct regions *rg)
{
	unsigned char *p = c->der, *end = c->der + c->der_len, *tend, *q;
	size_t len;
	mbedtls_x509_buf serial, alg, params;
	int ver = 0;

	if (!c->der_len)
		return;
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
		return;
	end = p + len;
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
		return;
	tend = p + len;

	c->version = 1;
	if (mbedtls_asn1_get_tag(&p, tend, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC |
				 MBEDTLS_ASN1_CONSTRUCTED | 0) == 0) {
		q = p + len;
		if (mbedtls_asn1_get_int(&p, q, &ver) == 0 && ver >= 0 && ver < 16)
			c->version = ver + 1;
		p = q;
	}
	if (mbedtls_x509_get_serial(&p, tend, &serial) != 0)
		return;
	c->serial_hex = malloc(serial.len * 2 + 1);
	if (c->serial_hex)
		dig_hex(serial.p, serial.len, c->serial_hex, 1);
	if (mbedtls_x509_get_alg(&p, tend, &alg, &params) != 0)
		return;
	sig_alg_fill(c, &alg);

	/* issuer, validity, subject */
	for (int which = 0; which < 3; which++) {
		q = p;
		if (mbedtls_asn1_get_tag(&p, tend, &len,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
			return;
		if (which == 1)
			read_validity(c, p, p + len);
		else
			read_name(c, which == 2, q, p, p + len, rg);
		p += len;
	}

	q = p;
	if (mbedtls_asn1_get_tag(&p, tend, &len,
				 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
		return;
	p += len;
	spki_fill(c, q, (size_t)(p - q));

	/* issuerUniqueID [1], subjectUniqueID [2] (implicit, primitive) */
	for (int t = 1; t <= 2; t++)
		if (mbedtls_asn1_get_tag(&p, tend, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC | t) == 0)
			p += len;
	if (mbedtls_asn1_get_tag(&p, tend, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC |
				 MBEDTLS_ASN1_CONSTRUCTED | 3) == 0)
		exts_walk(c, p, p + len);
}

/* Whether child's signature verifies with parent's public key. */
bool x509_sig_ok(const mbedtls_x509_crt *child, mbedtls_x509_crt *parent)
{
	const mbedtls_md_info_t *mi = mbedtls_md_info_from_type(child->XP(sig_md));
	uint8_t hash[MBEDTLS_MD_MAX_SIZE];

	if (!mi || mbedtls_md(mi, child->tbs.p, child->tbs.len, hash) != 0)
		return false;
	return mbedtls_pk_verify_ext(child->XP(sig_pk), child->XP(sig_opts), &parent->pk,
				     child->XP(sig_md), hash, mbedtls_md_get_size(mi),
				     child->XP(sig).p, child->XP(sig).len) == 0;
}

void x509_mbed_errmsg(int code, char *out, size_t cap)
{
#if defined(MBEDTLS_ERROR_C)
	char m[144];
	mbedtls_strerror(code, m, sizeof m);
	snprintf(out, cap, "-0x%04x %s", (unsigned)-code, m);
#else
	snprintf(out, cap, "-0x%04x", (unsigned)-code);
#endif
}

/* Builds a certificate object from DER (copied). NULL on ENOMEM. */
struct x509_cert *x509_cert_build(const uint8_t *der, size_t len, struct x509_stats *st)
{
	struct x509_cert *c = calloc(1, sizeof *c);
	struct regions rg = { 0 };
	mbedtls_x509_crt crt;
	int rc;

	if (!c)
		return NULL;
	c->der = malloc(len ? len : 1);
	if (!c->der) {
		free(c);
		return NULL;
	}
	if (len)
		memcpy(c->der, der, len);
	c->der_len = len;
	c->max_pathlen = -1;
	c->refs = 1;
	dig_sha1(der, len, c->sha1);
	dig_sha256(der, len, c->sha256);
	dig_hex(c->sha1, 20, c->sha1_hex, 1);
	dig_hex(c->sha256, 32, c->sha256_hex, 1);

	walk_cert(c, &rg);
	c->self_issued = rg.subj && rg.iss && rg.subj_len == rg.iss_len &&
			 memcmp(rg.subj, rg.iss, rg.iss_len) == 0;

	mbedtls_x509_crt_init(&crt);
	rc = len ? mbedtls_x509_crt_parse_der(&crt, der, len) : MBEDTLS_ERR_X509_INVALID_FORMAT;
	if (rc != 0) {
		c->parse_error = true;
		c->parse_code = rc;
		if (len)
			x509_mbed_errmsg(rc, c->parse_msg, sizeof c->parse_msg);
		else
			snprintf(c->parse_msg, sizeof c->parse_msg, "empty certificate");
		if (st)
			st->failed++;
	} else {
		if (st)
			st->parsed++;
		/* The walker and mbedTLS read the same bytes; mbedTLS's view
		 * of the key is authoritative where both exist. */
		pk_fill(c, &crt.pk);
	}
	/* refused by mbedTLS: not self-signed, nothing to check */
	c->sig_self_known = rc != 0 || !c->self_issued;
	mbedtls_x509_crt_free(&crt);
	return c;
}

bool x509_cert_self_signed(struct x509_cert *c)
{
	mbedtls_x509_crt crt;

	if (c->sig_self_known)
		return c->sig_self;
	mbedtls_x509_crt_init(&crt);
	c->sig_self = mbedtls_x509_crt_parse_der_nocopy(&crt, c->der, c->der_len) == 0 &&
		      x509_sig_ok(&crt, &crt);
	c->sig_self_known = true;
	mbedtls_x509_crt_free(&crt);
	return c->sig_self;
}

size_t x509_block(const void *p)
{
	return p ? malloc_usable_size((void *)(uintptr_t)p) + 8 : 0;
}

static size_t name_bytes(const struct x509_name *nm)
{
	size_t n = x509_block(nm->dn.p);

	for (uint16_t i = 0; i < nm->n_attrs; i++)
		n += x509_block(nm->attrs[i].val.p);
	return n;
}

/* Each list as x509_cert_destroy frees it. */
size_t x509_cert_bytes(const struct x509_cert *c)
{
	size_t n = x509_block(c) + x509_block(c->der) + x509_block(c->serial_hex) +
		   x509_block(c->emit_json) + x509_block(c->sans) + name_bytes(&c->subject) +
		   name_bytes(&c->issuer);

	for (uint16_t i = 0; i < c->n_sans; i++)
		n += x509_block(c->sans[i].val.p);
	for (uint16_t i = 0; i < c->n_ekus; i++)
		n += x509_block(c->ekus[i].p);
	for (uint16_t i = 0; i < c->n_ext_oids; i++)
		n += x509_block(c->ext_oids[i].p);
	for (uint16_t i = 0; i < c->n_subj_oids; i++)
		n += x509_block(c->subj_oids[i].p);
	for (uint16_t i = 0; i < c->n_iss_oids; i++)
		n += x509_block(c->iss_oids[i].p);
	return n;
}

void x509_cert_set_frag(struct x509_cert *c, char *frag, size_t len)
{
	free(c->emit_json);
	c->emit_json = frag;
	c->emit_json_len = len;
	if (c->mem_acct) {
		size_t now = x509_cert_bytes(c);
		*c->mem_acct += now - c->mem_bytes;
		c->mem_bytes = now;
	}
}

void x509_cert_destroy(struct x509_cert *c)
{
	name_free(&c->subject);
	name_free(&c->issuer);
	for (uint16_t i = 0; i < c->n_sans; i++)
		str_free(&c->sans[i].val);
	free(c->sans);
	for (uint16_t i = 0; i < c->n_ekus; i++)
		str_free(&c->ekus[i]);
	for (uint16_t i = 0; i < c->n_ext_oids; i++)
		str_free(&c->ext_oids[i]);
	for (uint16_t i = 0; i < c->n_subj_oids; i++)
		str_free(&c->subj_oids[i]);
	for (uint16_t i = 0; i < c->n_iss_oids; i++)
		str_free(&c->iss_oids[i]);
	free(c->serial_hex);
	free(c->emit_json);
	free(c->der);
	free(c);
}

