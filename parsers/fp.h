/*
 * fp.h - TLS client/server fingerprints and the Community ID flow hash.
 * Algorithms and their traps: README.md "Fingerprints" and
 * ../shared/REFERENCE.md.  Pure functions over decoded hellos.
 */
#ifndef TLSTAP_FP_H
#define TLSTAP_FP_H

#include <stddef.h>
#include <stdint.h>

#include "tls_hello.h"

/* Longest possible JA3 string with the bounds of tls_hello.h. */
#define FP_JA3_MAX  8192
#define FP_JA4_MAX  64
#define FP_JA4R_MAX 8192

/* JA3: the input string into str (cap bytes, NUL-terminated) and its MD5 as
 * 32 lowercase hex digits in md5hex.  Returns the string length. */
size_t fp_ja3(const struct tls_client_hello *ch, char *str, size_t cap, char md5hex[33]);
size_t fp_ja3s(const struct tls_server_hello *sh, char *str, size_t cap, char md5hex[33]);

/* JA4 and ja4_r for a ClientHello; proto is 't' (TCP), 'q' or 'd'. */
void fp_ja4(const struct tls_client_hello *ch, char proto, char ja4[FP_JA4_MAX],
	    char *ja4_r, size_t rcap);

#ifdef TLSTAP_WITH_FOXIO
/* JA4S (FoxIO License 1.1; built only with -Dfoxio=true). */
void fp_ja4s(const struct tls_server_hello *sh, char proto, char ja4s[FP_JA4_MAX],
	     char *ja4s_r, size_t rcap);
/* JA4X of a certificate (FoxIO License 1.1): issuer RDN OIDs, subject RDN
 * OIDs, extension OIDs, each list as sha256/12 (000000000000 when empty). */
struct x509_cert;
void fp_ja4x(const struct x509_cert *c, char ja4x[FP_JA4_MAX]);
#endif

/* Community ID v1: "1:" + base64(SHA-1(...)).  af is 4 or 6; addresses are
 * 4 or 16 bytes; out needs 64 bytes. */
void fp_community_id(uint8_t af, const uint8_t *saddr, const uint8_t *daddr,
		     uint16_t sport, uint16_t dport, uint8_t proto, uint16_t seed,
		     char out[64]);

#endif
