/*
 * x509_oid.c - names of the public-key and signature algorithms mbedTLS
 * 2.28 does not know: the NIST post-quantum algorithms (FIPS 203 ML-KEM,
 * FIPS 204 ML-DSA, FIPS 205 SLH-DSA; OIDs from the NIST Computer Security
 * Objects Register, arc 2.16.840.1.101.3.4) and RSASSA-PSS keys
 * (RFC 4055 section 3.1, 1.2.840.113549.1.1.10).
 *
 *   2.16.840.1.101.3.4 . 3 . 17..19   ML-DSA-44/65/87
 *                      . 3 . 20..31   SLH-DSA-{SHA2,SHAKE}-{128,192,256}{s,f}
 *                      . 3 . 32..34   HashML-DSA-44/65/87 with SHA-512
 *                      . 4 . 1..3     ML-KEM-512/768/1024
 *   DER content: 60 86 48 01 65 03 04 <arc> <n>
 */
#include <string.h>

#include "x509_impl.h"

static const uint8_t nist_arc[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04 };

static const char *const sig_names[] = {
	[17] = "ML-DSA-44", [18] = "ML-DSA-65", [19] = "ML-DSA-87",
	[20] = "SLH-DSA-SHA2-128s", [21] = "SLH-DSA-SHA2-128f",
	[22] = "SLH-DSA-SHA2-192s", [23] = "SLH-DSA-SHA2-192f",
	[24] = "SLH-DSA-SHA2-256s", [25] = "SLH-DSA-SHA2-256f",
	[26] = "SLH-DSA-SHAKE-128s", [27] = "SLH-DSA-SHAKE-128f",
	[28] = "SLH-DSA-SHAKE-192s", [29] = "SLH-DSA-SHAKE-192f",
	[30] = "SLH-DSA-SHAKE-256s", [31] = "SLH-DSA-SHAKE-256f",
	[32] = "HashML-DSA-44", [33] = "HashML-DSA-65", [34] = "HashML-DSA-87",
};

static const char *const kem_names[] = {
	[1] = "ML-KEM-512", [2] = "ML-KEM-768", [3] = "ML-KEM-1024",
};

const char *x509_pq_name(const mbedtls_asn1_buf *oid)
{
	uint8_t arc, n;

	if (oid->len != sizeof nist_arc + 2 || memcmp(oid->p, nist_arc, sizeof nist_arc) != 0)
		return NULL;
	arc = oid->p[sizeof nist_arc];
	n = oid->p[sizeof nist_arc + 1];
	if (arc == 3 && n < sizeof sig_names / sizeof sig_names[0])
		return sig_names[n];
	if (arc == 4 && n < sizeof kem_names / sizeof kem_names[0])
		return kem_names[n];
	return NULL;
}

bool x509_oid_is_rsassa_pss(const mbedtls_asn1_buf *oid)
{
	static const uint8_t pss[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a };

	return oid->len == sizeof pss && memcmp(oid->p, pss, sizeof pss) == 0;
}

/* The modulus size of an RSAPublicKey (RFC 8017 A.1.1) in a key BIT
 * STRING's bytes; 0 if it is not one. */
static uint32_t rsa_modulus_bits(unsigned char *q, const unsigned char *end)
{
	size_t len;

	if (mbedtls_asn1_get_tag(&q, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
	    mbedtls_asn1_get_tag(&q, end, &len, MBEDTLS_ASN1_INTEGER) || len == 0)
		return 0;
	while (len > 1 && *q == 0) {
		q++;
		len--;
	}
	for (int b = 7; b >= 0; b--)
		if (*q >> b & 1)
			return (uint32_t)((len - 1) * 8 + (size_t)b + 1);
	return 0;
}

/* An algorithm mbedTLS cannot parse a key of: its name (RSASSA-PSS, the
 * post-quantum ones) or dotted OID, and its size from the key BIT STRING
 * at [q, end). */
void x509_spki_other(struct x509_cert *c, const mbedtls_asn1_buf *oid, unsigned char *q,
		       const unsigned char *end)
{
	mbedtls_asn1_bitstring bs;
	const char *name = x509_pq_name(oid);
	bool pss = x509_oid_is_rsassa_pss(oid);

	if (name || pss)
		snprintf(c->pk_alg, sizeof c->pk_alg, "%s", pss ? "RSASSA-PSS" : name);
	else if (mbedtls_oid_get_numeric_string(c->pk_alg, sizeof c->pk_alg, oid) < 0)
		c->pk_alg[0] = '\0';
	if (mbedtls_asn1_get_bitstring(&q, end, &bs) != 0 || bs.len == 0)
		return;
	c->pk_bits = pss ? rsa_modulus_bits(bs.p, bs.p + bs.len)
			 : (uint32_t)(bs.len * 8 - bs.unused_bits);
}
