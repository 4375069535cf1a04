/*
 * test_tls_decrypt - the TLS 1.3 key schedule and record protection
 * against RFC 8448 section 3 ("Simple 1-RTT Handshake") byte for byte,
 * every other AEAD by a record sealed with Nettle here and opened by the
 * decryptor, and every truncated record.
 */
#include <stdio.h>
#include <stdlib.h>

#include <nettle/aes.h>
#include <nettle/arcfour.h>
#include <nettle/cbc.h>
#include <nettle/ccm.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/des.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/md5.h>

#include "../../parsers/tls_decrypt.h"
#include "tt_seal.h"
#include "tt_test.h"

static void unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		while (*s == ' ')
			s++;
		sscanf(s, "%2x", &v);
		out[i] = (uint8_t)v;
		s += 2;
	}
}

/* RFC 8448 section 3, "{server} send handshake record" (complete record) */
static const uint8_t rfc8448_srv_hs_record[679] = {
	0x17, 0x03, 0x03, 0x02, 0xa2, 0xd1, 0xff, 0x33, 0x4a, 0x56, 0xf5, 0xbf,
	0xf6, 0x59, 0x4a, 0x07, 0xcc, 0x87, 0xb5, 0x80, 0x23, 0x3f, 0x50, 0x0f,
	0x45, 0xe4, 0x89, 0xe7, 0xf3, 0x3a, 0xf3, 0x5e, 0xdf, 0x78, 0x69, 0xfc,
	0xf4, 0x0a, 0xa4, 0x0a, 0xa2, 0xb8, 0xea, 0x73, 0xf8, 0x48, 0xa7, 0xca,
	0x07, 0x61, 0x2e, 0xf9, 0xf9, 0x45, 0xcb, 0x96, 0x0b, 0x40, 0x68, 0x90,
	0x51, 0x23, 0xea, 0x78, 0xb1, 0x11, 0xb4, 0x29, 0xba, 0x91, 0x91, 0xcd,
	0x05, 0xd2, 0xa3, 0x89, 0x28, 0x0f, 0x52, 0x61, 0x34, 0xaa, 0xdc, 0x7f,
	0xc7, 0x8c, 0x4b, 0x72, 0x9d, 0xf8, 0x28, 0xb5, 0xec, 0xf7, 0xb1, 0x3b,
	0xd9, 0xae, 0xfb, 0x0e, 0x57, 0xf2, 0x71, 0x58, 0x5b, 0x8e, 0xa9, 0xbb,
	0x35, 0x5c, 0x7c, 0x79, 0x02, 0x07, 0x16, 0xcf, 0xb9, 0xb1, 0x18, 0x3e,
	0xf3, 0xab, 0x20, 0xe3, 0x7d, 0x57, 0xa6, 0xb9, 0xd7, 0x47, 0x76, 0x09,
	0xae, 0xe6, 0xe1, 0x22, 0xa4, 0xcf, 0x51, 0x42, 0x73, 0x25, 0x25, 0x0c,
	0x7d, 0x0e, 0x50, 0x92, 0x89, 0x44, 0x4c, 0x9b, 0x3a, 0x64, 0x8f, 0x1d,
	0x71, 0x03, 0x5d, 0x2e, 0xd6, 0x5b, 0x0e, 0x3c, 0xdd, 0x0c, 0xba, 0xe8,
	0xbf, 0x2d, 0x0b, 0x22, 0x78, 0x12, 0xcb, 0xb3, 0x60, 0x98, 0x72, 0x55,
	0xcc, 0x74, 0x41, 0x10, 0xc4, 0x53, 0xba, 0xa4, 0xfc, 0xd6, 0x10, 0x92,
	0x8d, 0x80, 0x98, 0x10, 0xe4, 0xb7, 0xed, 0x1a, 0x8f, 0xd9, 0x91, 0xf0,
	0x6a, 0xa6, 0x24, 0x82, 0x04, 0x79, 0x7e, 0x36, 0xa6, 0xa7, 0x3b, 0x70,
	0xa2, 0x55, 0x9c, 0x09, 0xea, 0xd6, 0x86, 0x94, 0x5b, 0xa2, 0x46, 0xab,
	0x66, 0xe5, 0xed, 0xd8, 0x04, 0x4b, 0x4c, 0x6d, 0xe3, 0xfc, 0xf2, 0xa8,
	0x94, 0x41, 0xac, 0x66, 0x27, 0x2f, 0xd8, 0xfb, 0x33, 0x0e, 0xf8, 0x19,
	0x05, 0x79, 0xb3, 0x68, 0x45, 0x96, 0xc9, 0x60, 0xbd, 0x59, 0x6e, 0xea,
	0x52, 0x0a, 0x56, 0xa8, 0xd6, 0x50, 0xf5, 0x63, 0xaa, 0xd2, 0x74, 0x09,
	0x96, 0x0d, 0xca, 0x63, 0xd3, 0xe6, 0x88, 0x61, 0x1e, 0xa5, 0xe2, 0x2f,
	0x44, 0x15, 0xcf, 0x95, 0x38, 0xd5, 0x1a, 0x20, 0x0c, 0x27, 0x03, 0x42,
	0x72, 0x96, 0x8a, 0x26, 0x4e, 0xd6, 0x54, 0x0c, 0x84, 0x83, 0x8d, 0x89,
	0xf7, 0x2c, 0x24, 0x46, 0x1a, 0xad, 0x6d, 0x26, 0xf5, 0x9e, 0xca, 0xba,
	0x9a, 0xcb, 0xbb, 0x31, 0x7b, 0x66, 0xd9, 0x02, 0xf4, 0xf2, 0x92, 0xa3,
	0x6a, 0xc1, 0xb6, 0x39, 0xc6, 0x37, 0xce, 0x34, 0x31, 0x17, 0xb6, 0x59,
	0x62, 0x22, 0x45, 0x31, 0x7b, 0x49, 0xee, 0xda, 0x0c, 0x62, 0x58, 0xf1,
	0x00, 0xd7, 0xd9, 0x61, 0xff, 0xb1, 0x38, 0x64, 0x7e, 0x92, 0xea, 0x33,
	0x0f, 0xae, 0xea, 0x6d, 0xfa, 0x31, 0xc7, 0xa8, 0x4d, 0xc3, 0xbd, 0x7e,
	0x1b, 0x7a, 0x6c, 0x71, 0x78, 0xaf, 0x36, 0x87, 0x90, 0x18, 0xe3, 0xf2,
	0x52, 0x10, 0x7f, 0x24, 0x3d, 0x24, 0x3d, 0xc7, 0x33, 0x9d, 0x56, 0x84,
	0xc8, 0xb0, 0x37, 0x8b, 0xf3, 0x02, 0x44, 0xda, 0x8c, 0x87, 0xc8, 0x43,
	0xf5, 0xe5, 0x6e, 0xb4, 0xc5, 0xe8, 0x28, 0x0a, 0x2b, 0x48, 0x05, 0x2c,
	0xf9, 0x3b, 0x16, 0x49, 0x9a, 0x66, 0xdb, 0x7c, 0xca, 0x71, 0xe4, 0x59,
	0x94, 0x26, 0xf7, 0xd4, 0x61, 0xe6, 0x6f, 0x99, 0x88, 0x2b, 0xd8, 0x9f,
	0xc5, 0x08, 0x00, 0xbe, 0xcc, 0xa6, 0x2d, 0x6c, 0x74, 0x11, 0x6d, 0xbd,
	0x29, 0x72, 0xfd, 0xa1, 0xfa, 0x80, 0xf8, 0x5d, 0xf8, 0x81, 0xed, 0xbe,
	0x5a, 0x37, 0x66, 0x89, 0x36, 0xb3, 0x35, 0x58, 0x3b, 0x59, 0x91, 0x86,
	0xdc, 0x5c, 0x69, 0x18, 0xa3, 0x96, 0xfa, 0x48, 0xa1, 0x81, 0xd6, 0xb6,
	0xfa, 0x4f, 0x9d, 0x62, 0xd5, 0x13, 0xaf, 0xbb, 0x99, 0x2f, 0x2b, 0x99,
	0x2f, 0x67, 0xf8, 0xaf, 0xe6, 0x7f, 0x76, 0x91, 0x3f, 0xa3, 0x88, 0xcb,
	0x56, 0x30, 0xc8, 0xca, 0x01, 0xe0, 0xc6, 0x5d, 0x11, 0xc6, 0x6a, 0x1e,
	0x2a, 0xc4, 0xc8, 0x59, 0x77, 0xb7, 0xc7, 0xa6, 0x99, 0x9b, 0xbf, 0x10,
	0xdc, 0x35, 0xae, 0x69, 0xf5, 0x51, 0x56, 0x14, 0x63, 0x6c, 0x0b, 0x9b,
	0x68, 0xc1, 0x9e, 0xd2, 0xe3, 0x1c, 0x0b, 0x3b, 0x66, 0x76, 0x30, 0x38,
	0xeb, 0xba, 0x42, 0xf3, 0xb3, 0x8e, 0xdc, 0x03, 0x99, 0xf3, 0xa9, 0xf2,
	0x3f, 0xaa, 0x63, 0x97, 0x8c, 0x31, 0x7f, 0xc9, 0xfa, 0x66, 0xa7, 0x3f,
	0x60, 0xf0, 0x50, 0x4d, 0xe9, 0x3b, 0x5b, 0x84, 0x5e, 0x27, 0x55, 0x92,
	0xc1, 0x23, 0x35, 0xee, 0x34, 0x0b, 0xbc, 0x4f, 0xdd, 0xd5, 0x02, 0x78,
	0x40, 0x16, 0xe4, 0xb3, 0xbe, 0x7e, 0xf0, 0x4d, 0xda, 0x49, 0xf4, 0xb4,
	0x40, 0xa3, 0x0c, 0xb5, 0xd2, 0xaf, 0x93, 0x98, 0x28, 0xfd, 0x4a, 0xe3,
	0x79, 0x4e, 0x44, 0xf9, 0x4d, 0xf5, 0xa6, 0x31, 0xed, 0xe4, 0x2c, 0x17,
	0x19, 0xbf, 0xda, 0xbf, 0x02, 0x53, 0xfe, 0x51, 0x75, 0xbe, 0x89, 0x8e,
	0x75, 0x0e, 0xdc, 0x53, 0x37, 0x0d, 0x2b
};

/* ... its plaintext (657 octets): EncryptedExtensions, Certificate,
 * CertificateVerify, Finished */
static const uint8_t rfc8448_srv_hs_plain[657] = {
	0x08, 0x00, 0x00, 0x24, 0x00, 0x22, 0x00, 0x0a, 0x00, 0x14, 0x00, 0x12,
	0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19, 0x01, 0x00, 0x01, 0x01,
	0x01, 0x02, 0x01, 0x03, 0x01, 0x04, 0x00, 0x1c, 0x00, 0x02, 0x40, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x01, 0xb9, 0x00, 0x00, 0x01, 0xb5,
	0x00, 0x01, 0xb0, 0x30, 0x82, 0x01, 0xac, 0x30, 0x82, 0x01, 0x15, 0xa0,
	0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x02, 0x30, 0x0d, 0x06, 0x09, 0x2a,
	0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00, 0x30, 0x0e,
	0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x03, 0x72,
	0x73, 0x61, 0x30, 0x1e, 0x17, 0x0d, 0x31, 0x36, 0x30, 0x37, 0x33, 0x30,
	0x30, 0x31, 0x32, 0x33, 0x35, 0x39, 0x5a, 0x17, 0x0d, 0x32, 0x36, 0x30,
	0x37, 0x33, 0x30, 0x30, 0x31, 0x32, 0x33, 0x35, 0x39, 0x5a, 0x30, 0x0e,
	0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x03, 0x72,
	0x73, 0x61, 0x30, 0x81, 0x9f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48,
	0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x81, 0x8d, 0x00,
	0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00, 0xb4, 0xbb, 0x49, 0x8f, 0x82,
	0x79, 0x30, 0x3d, 0x98, 0x08, 0x36, 0x39, 0x9b, 0x36, 0xc6, 0x98, 0x8c,
	0x0c, 0x68, 0xde, 0x55, 0xe1, 0xbd, 0xb8, 0x26, 0xd3, 0x90, 0x1a, 0x24,
	0x61, 0xea, 0xfd, 0x2d, 0xe4, 0x9a, 0x91, 0xd0, 0x15, 0xab, 0xbc, 0x9a,
	0x95, 0x13, 0x7a, 0xce, 0x6c, 0x1a, 0xf1, 0x9e, 0xaa, 0x6a, 0xf9, 0x8c,
	0x7c, 0xed, 0x43, 0x12, 0x09, 0x98, 0xe1, 0x87, 0xa8, 0x0e, 0xe0, 0xcc,
	0xb0, 0x52, 0x4b, 0x1b, 0x01, 0x8c, 0x3e, 0x0b, 0x63, 0x26, 0x4d, 0x44,
	0x9a, 0x6d, 0x38, 0xe2, 0x2a, 0x5f, 0xda, 0x43, 0x08, 0x46, 0x74, 0x80,
	0x30, 0x53, 0x0e, 0xf0, 0x46, 0x1c, 0x8c, 0xa9, 0xd9, 0xef, 0xbf, 0xae,
	0x8e, 0xa6, 0xd1, 0xd0, 0x3e, 0x2b, 0xd1, 0x93, 0xef, 0xf0, 0xab, 0x9a,
	0x80, 0x02, 0xc4, 0x74, 0x28, 0xa6, 0xd3, 0x5a, 0x8d, 0x88, 0xd7, 0x9f,
	0x7f, 0x1e, 0x3f, 0x02, 0x03, 0x01, 0x00, 0x01, 0xa3, 0x1a, 0x30, 0x18,
	0x30, 0x09, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x04, 0x02, 0x30, 0x00, 0x30,
	0x0b, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x04, 0x04, 0x03, 0x02, 0x05, 0xa0,
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x0b, 0x05, 0x00, 0x03, 0x81, 0x81, 0x00, 0x85, 0xaa, 0xd2, 0xa0, 0xe5,
	0xb9, 0x27, 0x6b, 0x90, 0x8c, 0x65, 0xf7, 0x3a, 0x72, 0x67, 0x17, 0x06,
	0x18, 0xa5, 0x4c, 0x5f, 0x8a, 0x7b, 0x33, 0x7d, 0x2d, 0xf7, 0xa5, 0x94,
	0x36, 0x54, 0x17, 0xf2, 0xea, 0xe8, 0xf8, 0xa5, 0x8c, 0x8f, 0x81, 0x72,
	0xf9, 0x31, 0x9c, 0xf3, 0x6b, 0x7f, 0xd6, 0xc5, 0x5b, 0x80, 0xf2, 0x1a,
	0x03, 0x01, 0x51, 0x56, 0x72, 0x60, 0x96, 0xfd, 0x33, 0x5e, 0x5e, 0x67,
	0xf2, 0xdb, 0xf1, 0x02, 0x70, 0x2e, 0x60, 0x8c, 0xca, 0xe6, 0xbe, 0xc1,
	0xfc, 0x63, 0xa4, 0x2a, 0x99, 0xbe, 0x5c, 0x3e, 0xb7, 0x10, 0x7c, 0x3c,
	0x54, 0xe9, 0xb9, 0xeb, 0x2b, 0xd5, 0x20, 0x3b, 0x1c, 0x3b, 0x84, 0xe0,
	0xa8, 0xb2, 0xf7, 0x59, 0x40, 0x9b, 0xa3, 0xea, 0xc9, 0xd9, 0x1d, 0x40,
	0x2d, 0xcc, 0x0c, 0xc8, 0xf8, 0x96, 0x12, 0x29, 0xac, 0x91, 0x87, 0xb4,
	0x2b, 0x4d, 0xe1, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x84, 0x08, 0x04, 0x00,
	0x80, 0x5a, 0x74, 0x7c, 0x5d, 0x88, 0xfa, 0x9b, 0xd2, 0xe5, 0x5a, 0xb0,
	0x85, 0xa6, 0x10, 0x15, 0xb7, 0x21, 0x1f, 0x82, 0x4c, 0xd4, 0x84, 0x14,
	0x5a, 0xb3, 0xff, 0x52, 0xf1, 0xfd, 0xa8, 0x47, 0x7b, 0x0b, 0x7a, 0xbc,
	0x90, 0xdb, 0x78, 0xe2, 0xd3, 0x3a, 0x5c, 0x14, 0x1a, 0x07, 0x86, 0x53,
	0xfa, 0x6b, 0xef, 0x78, 0x0c, 0x5e, 0xa2, 0x48, 0xee, 0xaa, 0xa7, 0x85,
	0xc4, 0xf3, 0x94, 0xca, 0xb6, 0xd3, 0x0b, 0xbe, 0x8d, 0x48, 0x59, 0xee,
	0x51, 0x1f, 0x60, 0x29, 0x57, 0xb1, 0x54, 0x11, 0xac, 0x02, 0x76, 0x71,
	0x45, 0x9e, 0x46, 0x44, 0x5c, 0x9e, 0xa5, 0x8c, 0x18, 0x1e, 0x81, 0x8e,
	0x95, 0xb8, 0xc3, 0xfb, 0x0b, 0xf3, 0x27, 0x84, 0x09, 0xd3, 0xbe, 0x15,
	0x2a, 0x3d, 0xa5, 0x04, 0x3e, 0x06, 0x3d, 0xda, 0x65, 0xcd, 0xf5, 0xae,
	0xa2, 0x0d, 0x53, 0xdf, 0xac, 0xd4, 0x2f, 0x74, 0xf3, 0x14, 0x00, 0x00,
	0x20, 0x9b, 0x9b, 0x14, 0x1d, 0x90, 0x63, 0x37, 0xfb, 0xd2, 0xcb, 0xdc,
	0xe7, 0x1d, 0xf4, 0xde, 0xda, 0x4a, 0xb4, 0x2c, 0x30, 0x95, 0x72, 0xcb,
	0x7f, 0xff, 0xee, 0x54, 0x54, 0xb7, 0x8f, 0x07, 0x18
};

/* RFC 8448 section 3 values. */
#define HS_SECRET "1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac"
#define HASH_CH_SH "86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8"
#define C_HS_TRAFFIC "b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21"
#define S_HS_TRAFFIC "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38"
#define S_HS_KEY "3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc"
#define S_HS_IV "5d 31 3e b2 67 12 76 ee 13 00 0b 30"

static void test_expand_label(void)
{
	uint8_t hs[32], h[32], want[32], got[32];

	unhex(HS_SECRET, hs, 32);
	unhex(HASH_CH_SH, h, 32);
	unhex(C_HS_TRAFFIC, want, 32);
	CHECK(tls13_expand_label(TLS13_SHA256, hs, 32, "c hs traffic", h, 32, got, 32));
	CHECK(memcmp(got, want, 32) == 0);
	unhex(S_HS_TRAFFIC, want, 32);
	CHECK(tls13_expand_label(TLS13_SHA256, hs, 32, "s hs traffic", h, 32, got, 32));
	CHECK(memcmp(got, want, 32) == 0);
	/* SHA-384 differs from SHA-256 and fills 48 bytes */
	uint8_t g384[48];

	CHECK(tls13_expand_label(TLS13_SHA384, hs, 32, "s hs traffic", h, 32, g384, 48));
	CHECK(memcmp(g384, want, 32) != 0);
	CHECK(!tls13_expand_label(TLS13_SHA256, hs, 32, "x", NULL, 256, got, 32));
	CHECK(tls13_hash_len(TLS13_SHA384) == 48 && tls13_hash_len(TLS13_SHA256) == 32);
}

static void test_rfc8448_server_flight(void)
{
	struct tls13_suite su;
	struct tls13_keys k;
	uint8_t secret[32], key[16], iv[12], out[sizeof rfc8448_srv_hs_record];
	size_t n = sizeof rfc8448_srv_hs_record - 5, len = 0;
	uint8_t type = 0;

	unhex(S_HS_TRAFFIC, secret, 32);
	unhex(S_HS_KEY, key, 16);
	unhex(S_HS_IV, iv, 12);
	CHECK(tls13_suite_info(0x1301, &su) && su.aead == TLS_AEAD_AES128_GCM);
	CHECK(!tls13_keys_init(&k, &su, secret, 48));
	CHECK(tls13_keys_init(&k, &su, secret, 32));
	CHECK(memcmp(k.key, key, 16) == 0);
	CHECK(memcmp(k.iv, iv, 12) == 0);
	CHECK(tls13_open(&k, rfc8448_srv_hs_record, rfc8448_srv_hs_record + 5, n, out, &len,
			 &type) == TLS_OPEN_OK);
	CHECK(type == 22);
	CHECK(len == sizeof rfc8448_srv_hs_plain);
	CHECK(memcmp(out, rfc8448_srv_hs_plain, sizeof rfc8448_srv_hs_plain) == 0);
	CHECK(k.seq == 1);
	/* the same record again: wrong sequence number, the tag fails */
	CHECK(tls13_open(&k, rfc8448_srv_hs_record, rfc8448_srv_hs_record + 5, n, out, &len,
			 &type) == TLS_OPEN_BAD_TAG);
	CHECK(k.seq == 1);

	/* a flipped bit anywhere (header = additional data, body, tag) */
	uint8_t *bad = malloc(sizeof rfc8448_srv_hs_record);
	size_t flips[] = { 2, 5, 300, sizeof rfc8448_srv_hs_record - 1 };

	for (size_t i = 0; bad && i < sizeof flips / sizeof flips[0]; i++) {
		memcpy(bad, rfc8448_srv_hs_record, sizeof rfc8448_srv_hs_record);
		bad[flips[i]] ^= 0x01;
		k.seq = 0;
		CHECK(tls13_open(&k, bad, bad + 5, n, out, &len, &type) == TLS_OPEN_BAD_TAG);
		CHECK(k.seq == 0);
	}
	/* every truncated record: short or the tag fails, never a plaintext */
	for (size_t p = 0; bad && p < n; p++) {
		k.seq = 0;
		memcpy(bad, rfc8448_srv_hs_record + 5, p);
		enum tls_open_status st = tls13_open(&k, rfc8448_srv_hs_record, bad, p, out, &len,
						     &type);
		CHECK(st == TLS_OPEN_SHORT || st == TLS_OPEN_BAD_TAG);
	}
	free(bad);
	tls13_keys_wipe(&k);
	CHECK(k.key[0] == 0 && k.seq == 0);
}

static void test_other_suites(void)
{
	static const uint16_t suites[] = { 0x1302, 0x1303, 0x1304, 0x1305 };
	uint8_t secret[48], inner[64], rec[128], out[128];

	for (size_t i = 0; i < sizeof secret; i++)
		secret[i] = (uint8_t)(i * 7 + 1);
	/* an alert (fatal, close_notify), its inner type 21, ten bytes of padding */
	memset(inner, 0, sizeof inner);
	inner[0] = 2;
	inner[2] = 21;
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		struct tls13_suite su;
		struct tls13_keys k;
		size_t len = 0;
		uint8_t type = 0;

		CHECK(tls13_suite_info(suites[i], &su));
		CHECK(tls13_keys_init(&k, &su, secret, tls13_hash_len(su.hash)));
		size_t rl = seal(&k, 3, inner, 13, rec);

		CHECK(rl == 5 + 13 + (size_t)su.tag_len);
		k.seq = 3;
		CHECK(tls13_open(&k, rec, rec + 5, rl - 5, out, &len, &type) == TLS_OPEN_OK);
		CHECK(type == 21 && len == 2 && out[0] == 2 && out[1] == 0);
		CHECK(k.seq == 4);
		k.seq = 2;
		CHECK(tls13_open(&k, rec, rec + 5, rl - 5, out, &len, &type) == TLS_OPEN_BAD_TAG);
		/* only padding: no content type */
		memset(inner + 16, 0, 8);
		rl = seal(&k, 0, inner + 16, 8, rec);
		k.seq = 0;
		CHECK(tls13_open(&k, rec, rec + 5, rl - 5, out, &len, &type) == TLS_OPEN_NO_TYPE);
	}
	struct tls13_suite su;

	CHECK(!tls13_suite_info(0x1300, &su) && !tls13_suite_info(0x1306, &su) &&
	      !tls13_suite_info(0xc02f, &su));
}

/* TLS 1.2: a record sealed here with Nettle as RFC 5288 / 7905 say
 * opens, at its sequence number only, and no truncation of it opens. */
static void test_tls12(void)
{
	static const uint16_t suites[] = { 0xc02f, 0xc030, 0xcca8, 0xc0ac, 0xc0ae };
	uint8_t master[48], cr[32], sr[32], rec[128], out[128], pt[20];
	struct tls12_suite su;

	for (int i = 0; i < 48; i++)
		master[i] = (uint8_t)(3 * i);
	memset(cr, 0x11, 32);
	memset(sr, 0x22, 32);
	memcpy(pt, "\x14\x00\x00\x0c" "verify-data!" "\x15\x03\x03\x00", 20);
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		struct tls12_keys kc, ks;
		uint8_t nonce[12], aad[13];
		size_t el, n, len = 0;
		uint64_t seq = 5;

		CHECK(tls12_suite_info(suites[i], &su));
		CHECK(tls12_keys_init(&kc, &su, 0x0303, master, cr, sr, true));
		CHECK(tls12_keys_init(&ks, &su, 0x0303, master, cr, sr, false));
		CHECK(memcmp(kc.key, ks.key, su.key_len) != 0);
		el = su.explicit_len;
		if (el) {
			memcpy(nonce, kc.iv, 4);
			memcpy(nonce + 4, "\x00\x00\x00\x00\x00\x00\x00\x05", 8);
			memcpy(rec, nonce + 4, 8);
		} else {
			memcpy(nonce, kc.iv, 12);
			nonce[11] ^= (uint8_t)seq;
		}
		memset(aad, 0, 8);
		aad[7] = (uint8_t)seq, aad[8] = 22, aad[9] = 3, aad[10] = 3, aad[11] = 0, aad[12] = 20;
		if (su.aead == TLS_AEAD_AES128_GCM || su.aead == TLS_AEAD_AES256_GCM) {
			struct gcm_aes128_ctx g1;
			struct gcm_aes256_ctx g2;

			if (su.aead == TLS_AEAD_AES128_GCM) {
				gcm_aes128_set_key(&g1, kc.key);
				gcm_aes128_set_iv(&g1, 12, nonce);
				gcm_aes128_update(&g1, 13, aad);
				gcm_aes128_encrypt(&g1, 20, rec + el, pt);
				gcm_aes128_digest(&g1, 16, rec + el + 20);
			} else {
				gcm_aes256_set_key(&g2, kc.key);
				gcm_aes256_set_iv(&g2, 12, nonce);
				gcm_aes256_update(&g2, 13, aad);
				gcm_aes256_encrypt(&g2, 20, rec + el, pt);
				gcm_aes256_digest(&g2, 16, rec + el + 20);
			}
		} else if (su.aead == TLS_AEAD_CHACHA20_POLY1305) {
			struct chacha_poly1305_ctx c;

			chacha_poly1305_set_key(&c, kc.key);
			chacha_poly1305_set_nonce(&c, nonce);
			chacha_poly1305_update(&c, 13, aad);
			chacha_poly1305_encrypt(&c, 20, rec + el, pt);
			chacha_poly1305_digest(&c, 16, rec + el + 20);
		} else {
			struct ccm_aes128_ctx c;

			ccm_aes128_set_key(&c, kc.key);
			ccm_aes128_encrypt_message(&c, 12, nonce, 13, aad, su.tag_len,
						   20 + (size_t)su.tag_len, rec + el, pt);
		}
		n = el + 20 + su.tag_len;
		kc.seq = seq;
		CHECK(tls12_open(&kc, 22, 0x0303, rec, n, out, &len) == TLS_OPEN_OK);
		CHECK(len == 20 && memcmp(out, pt, 20) == 0 && kc.seq == seq + 1);
		CHECK(tls12_open(&kc, 22, 0x0303, rec, n, out, &len) == TLS_OPEN_BAD_TAG);
		ks.seq = seq;
		CHECK(tls12_open(&ks, 22, 0x0303, rec, n, out, &len) == TLS_OPEN_BAD_TAG);
		kc.seq = seq;
		CHECK(tls12_open(&kc, 21, 0x0303, rec, n, out, &len) == TLS_OPEN_BAD_TAG);
		for (size_t p = 0; p < n; p++) {
			enum tls_open_status st;

			kc.seq = seq;
			st = tls12_open(&kc, 22, 0x0303, rec, p, out, &len);
			CHECK(st == TLS_OPEN_SHORT || st == TLS_OPEN_BAD_TAG);
		}
	}
	CHECK(!tls12_suite_info(0x0001, &su) && !tls12_suite_info(0x0009, &su));   /* NULL, DES */
}

/* A TLS 1.2 AES-128-CBC-HMAC-SHA1 record built here with Nettle (the
 * sender's side), MAC-then-encrypt or encrypt-then-MAC: header of the MAC
 * seq || type || version || length. */
/* HMAC-SHA1 of hdr (its length field set to n) || data. */
static void sha1_mac(const struct tls12_keys *k, uint8_t hdr[13], const uint8_t *data, size_t n,
		     uint8_t *out)
{
	struct hmac_sha1_ctx h;

	hdr[11] = (uint8_t)(n >> 8);
	hdr[12] = (uint8_t)n;
	hmac_sha1_set_key(&h, 20, k->mac_key);
	hmac_sha1_update(&h, 13, hdr);
	hmac_sha1_update(&h, n, data);
	hmac_sha1_digest(&h, 20, out);
}

static size_t cbc_record(const struct tls12_keys *k, bool etm, uint8_t pad_byte_fix,
			 const uint8_t *pt, size_t n, uint8_t *rec)
{
	struct aes128_ctx c;
	uint8_t hdr[13] = { 0, 0, 0, 0, 0, 0, 0, 0, 23, 3, 3 }, buf[256], iv[16];
	size_t m = 0, pad;

	for (int i = 0; i < 8; i++)
		hdr[7 - i] = (uint8_t)(k->seq >> (8 * i));
	memcpy(buf, pt, n);
	m = n;
	if (!etm) {
		sha1_mac(k, hdr, pt, n, buf + m);
		m += 20;
	}
	pad = 15 - m % 16;
	for (size_t i = 0; i <= pad; i++)
		buf[m + i] = (uint8_t)pad;
	m += pad + 1;
	buf[m - 2] ^= pad_byte_fix;     /* a broken padding byte when non-zero */
	for (int i = 0; i < 16; i++)
		rec[i] = iv[i] = (uint8_t)(0xa0 + i);
	aes128_set_encrypt_key(&c, k->key);
	cbc_encrypt(&c, (nettle_cipher_func *)aes128_encrypt, 16, iv, m, rec + 16, buf);
	m += 16;
	if (etm) {
		sha1_mac(k, hdr, rec, m, rec + m);
		m += 20;
	}
	return m;
}

static void test_tls12_cbc(void)
{
	static const uint8_t pt[] = "GET / HTTP/1.1\r\nHost: cbc.example\r\n";
	struct tls12_suite su;
	struct tls12_keys k;
	uint8_t rec[256], out[256];
	size_t n, len = 0;

	CHECK(tls12_suite_info(0xc013, &su));
	CHECK(su.mac == TLS_MAC_SHA1 && su.tag_len == 20 && su.key_len == 16 &&
	      su.explicit_len == 16 && su.aead == TLS_AEAD_NONE);
	CHECK(tls12_suite_info(0xc028, &su) && su.mac == TLS_MAC_SHA384 && su.hash == TLS13_SHA384);
	CHECK(tls12_suite_info(0xc013, &su));
	for (int etm = 0; etm < 2; etm++) {
		memset(&k, 0, sizeof k);
		k.suite = su;
		k.etm = etm;
		for (int i = 0; i < 16; i++)
			k.key[i] = (uint8_t)(i * 7 + 1);
		for (int i = 0; i < 20; i++)
			k.mac_key[i] = (uint8_t)(i * 13 + 5);
		k.seq = 3;
		n = cbc_record(&k, etm, 0, pt, sizeof pt - 1, rec);
		CHECK(tls12_open(&k, 23, 0x0303, rec, n, out, &len) == TLS_OPEN_OK);
		CHECK(len == sizeof pt - 1 && memcmp(out, pt, len) == 0);
		CHECK(k.seq == 4);
		/* the same record again: the sequence number moved, the MAC fails */
		CHECK(tls12_open(&k, 23, 0x0303, rec, n, out, &len) == TLS_OPEN_BAD_TAG);
		k.seq = 3;
		CHECK(tls12_open(&k, 22, 0x0303, rec, n, out, &len) == TLS_OPEN_BAD_TAG);
		/* a padding byte that is not the padding length */
		n = cbc_record(&k, etm, 0x40, pt, sizeof pt - 1, rec);
		CHECK(tls12_open(&k, 23, 0x0303, rec, n, out, &len) == TLS_OPEN_BAD_PADDING);
		CHECK(k.seq == 3);
		/* every prefix: never opens, never reads past n */
		n = cbc_record(&k, etm, 0, pt, sizeof pt - 1, rec);
		for (size_t p = 0; p < n; p++) {
			enum tls_open_status st = tls12_open(&k, 23, 0x0303, rec, p, out, &len);
			CHECK(st != TLS_OPEN_OK);
		}
		CHECK(tls12_open(&k, 23, 0x0303, rec, n, out, &len) == TLS_OPEN_OK);
	}
}

/* ---- SSL 3.0, TLS 1.0 and 1.1 ---- */

/* The bytes of hex string h into out; returns out. */
static const uint8_t *hex(const char *h, uint8_t *out)
{
	for (size_t i = 0; h[2 * i]; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return out;
}

/* Key blocks against values computed outside (Python's hashlib and hmac,
 * from RFC 2246 5 and RFC 6101 6.2.2 as written): master 3*i, client random
 * 0x11..., server random 0x22... */
static void test_legacy_keys(void)
{
	uint8_t master[48], cr[32], sr[32], want[24];
	struct tls12_suite su;
	struct tls12_keys k;

	for (int i = 0; i < 48; i++)
		master[i] = (uint8_t)(3 * i);
	memset(cr, 0x11, 32);
	memset(sr, 0x22, 32);
	static const struct {
		uint16_t suite, version;
		bool client;
		const char *mac, *key, *iv;     /* expected, hex; NULL: not checked */
	} v[] = {
		{ 0x002f, 0x0301, true, "296ec55ba1282188e662bf9c9277733ec2cb4d8e", NULL,
		  "bf4dd5db7bae2a937517c8df23504136" },
		{ 0x002f, 0x0301, false, NULL, "dd09b3960d8fd04499bb9a3169161312",
		  "62208ac9a68d00194d416ca47207220d" },
		{ 0x000a, 0x0300, true, "e1dd6522c665879248814581fe2aea28ee9a3e11",
		  "72018ead041da9ade9eaf438aa8da8a3c6fec18f80202288", NULL },
		{ 0x000a, 0x0300, false, NULL, NULL, "c861ed03d4c31493" },
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		CHECK(tls12_suite_info(v[i].suite, &su));
		CHECK(tls12_keys_init(&k, &su, v[i].version, master, cr, sr, v[i].client));
		/* before TLS 1.1 the CBC IV comes from the key block */
		CHECK(k.suite.explicit_len == 0 && k.suite.iv_len == (v[i].suite == 0x000a ? 8 : 16));
		CHECK(!v[i].mac || memcmp(k.mac_key, hex(v[i].mac, want), 20) == 0);
		CHECK(!v[i].key || memcmp(k.key, hex(v[i].key, want), su.key_len) == 0);
		CHECK(!v[i].iv || memcmp(k.iv, hex(v[i].iv, want), k.suite.iv_len) == 0);
	}
	/* TLS 1.1: the IV is on the wire */
	CHECK(tls12_suite_info(0x002f, &su));
	CHECK(tls12_keys_init(&k, &su, 0x0302, master, cr, sr, true));
	CHECK(k.suite.explicit_len == 16 && k.suite.iv_len == 0);
	/* what a version cannot carry */
	CHECK(tls12_suite_info(0xc02f, &su) && !tls12_keys_init(&k, &su, 0x0302, master, cr, sr, true));
	CHECK(tls12_suite_info(0xc027, &su) && !tls12_keys_init(&k, &su, 0x0301, master, cr, sr, true));
	CHECK(tls12_suite_info(0x002f, &su) && !tls12_keys_init(&k, &su, 0x0304, master, cr, sr, true));
	CHECK(!tls12_keys_init(&k, &su, 0x0200, master, cr, sr, true));
}

/* The sender's MAC: HMAC (TLS) or RFC 6101's pad_1/pad_2 construction
 * (SSL 3.0), over seq || type || [version] || length || data. */
static void sender_mac(const struct tls12_keys *k, uint8_t type, const uint8_t *data, size_t n,
		       uint8_t *out)
{
	const struct nettle_hash *h = k->suite.mac == TLS_MAC_MD5 ? &nettle_md5 : &nettle_sha1;
	uint8_t hdr[13], inner[20];
	size_t hn = 0, ml = h->digest_size, pl = ml == 16 ? 48 : 40;
	union {
		struct md5_ctx a;
		struct sha1_ctx b;
	} c, o, i;

	for (int b = 0; b < 8; b++)
		hdr[hn++] = (uint8_t)(k->seq >> (8 * (7 - b)));
	hdr[hn++] = type;
	if (k->version != 0x0300) {
		hdr[hn++] = (uint8_t)(k->version >> 8);
		hdr[hn++] = (uint8_t)k->version;
	}
	hdr[hn++] = (uint8_t)(n >> 8);
	hdr[hn++] = (uint8_t)n;
	if (k->version != 0x0300) {
		hmac_set_key(&o, &i, &c, h, ml, k->mac_key);
		hmac_update(&c, h, hn, hdr);
		hmac_update(&c, h, n, data);
		hmac_digest(&o, &i, &c, h, ml, out);
		return;
	}
	/* SSL 3.0: the inner and outer inputs laid out whole, each hashed at once */
	uint8_t buf[20 + 48 + 13 + 64];
	size_t m = 0;

	memcpy(buf, k->mac_key, ml);
	memset(buf + ml, 0x36, pl);
	memcpy(buf + ml + pl, hdr, hn);
	memcpy(buf + ml + pl + hn, data, n);
	m = ml + pl + hn + n;
	h->init(&c);
	h->update(&c, m, buf);
	h->digest(&c, ml, inner);
	memset(buf + ml, 0x5c, pl);
	memcpy(buf + ml + pl, inner, ml);
	h->init(&c);
	h->update(&c, ml + pl + ml, buf);
	h->digest(&c, ml, out);
}

/* A MAC-then-encrypt CBC record (AES-128 or 3DES) with the IV chained
 * in *iv (implicit, TLS 1.0 / SSL 3.0) or written first (TLS 1.1);
 * SSL 3.0 padding bytes are arbitrary (0xee here). */
static size_t legacy_cbc_record(const struct tls12_keys *k, uint8_t type, const uint8_t *pt,
				size_t n, uint8_t *iv, uint8_t *rec)
{
	size_t bs = k->suite.bulk == TLS_BULK_3DES_CBC ? 8 : 16, ml = k->suite.tag_len, m, o = 0;
	uint8_t buf[256];
	union {
		struct aes128_ctx a;
		struct des3_ctx d;
	} c;

	memcpy(buf, pt, n);
	sender_mac(k, type, pt, n, buf + n);
	m = n + ml;
	size_t pad = bs - 1 - m % bs;

	for (size_t i = 0; i <= pad; i++)
		buf[m + i] = k->version == 0x0300 && i < pad ? 0xee : (uint8_t)pad;
	m += pad + 1;
	if (k->suite.explicit_len) {
		memcpy(rec, iv, bs);
		o = bs;
	}
	if (bs == 8) {
		des3_set_key(&c.d, k->key);
		cbc_encrypt(&c.d, (nettle_cipher_func *)des3_encrypt, 8, iv, m, rec + o, buf);
	} else {
		aes128_set_encrypt_key(&c.a, k->key);
		cbc_encrypt(&c.a, (nettle_cipher_func *)aes128_encrypt, 16, iv, m, rec + o, buf);
	}
	return o + m;
}

/* Every prefix of rec fails and leaves the state as it was. */
static void prefixes_fail(struct tls12_keys *k, uint8_t type, uint16_t v, const uint8_t *rec,
			  size_t n)
{
	struct tls12_keys before = *k;
	uint8_t out[256];
	size_t len;

	for (size_t p = 0; p < n; p++) {
		CHECK(tls12_open(k, type, v, rec, p, out, &len) != TLS_OPEN_OK);
		CHECK(memcmp(k, &before, sizeof before) == 0);
	}
}

/* Two records of one direction, sealed here: the second opens only with
 * the state the first one left (chained IV, RC4 stream, sequence). */
static void legacy_case(uint16_t suite, uint16_t version)
{
	static const uint8_t fin[] = "\x14\x00\x00\x0c" "verify-data!";
	static const uint8_t alert[] = "\x01\x00";
	uint8_t master[48], cr[32], sr[32], r1[256], r2[256], out[256], iv[16];
	struct tls12_suite su;
	struct tls12_keys rx, tx;
	size_t n1, n2, len = 0;

	for (int i = 0; i < 48; i++)
		master[i] = (uint8_t)(5 * i + 1);
	memset(cr, 0x31, 32);
	memset(sr, 0x42, 32);
	CHECK(tls12_suite_info(suite, &su));
	CHECK(tls12_keys_init(&rx, &su, version, master, cr, sr, false));
	tx = rx;
	if (su.bulk == TLS_BULK_RC4) {
		struct arcfour_ctx a;

		arcfour_set_key(&a, 16, tx.key);
		memcpy(r1, fin, 16);
		sender_mac(&tx, 22, fin, 16, r1 + 16);
		n1 = 16 + su.tag_len;
		arcfour_crypt(&a, n1, r1, r1);
		tx.seq++;
		memcpy(r2, alert, 2);
		sender_mac(&tx, 21, alert, 2, r2 + 2);
		n2 = 2 + su.tag_len;
		arcfour_crypt(&a, n2, r2, r2);
	} else {
		memcpy(iv, tx.iv, 16);
		if (tx.suite.explicit_len)
			memset(iv, 0x5a, 16);
		n1 = legacy_cbc_record(&tx, 22, fin, 16, iv, r1);
		tx.seq++;
		if (tx.suite.explicit_len)
			memset(iv, 0xa5, 16);
		n2 = legacy_cbc_record(&tx, 21, alert, 2, iv, r2);
	}
	/* the second record first: wrong IV / stream position / sequence */
	CHECK(tls12_open(&rx, 21, version, r2, n2, out, &len) != TLS_OPEN_OK);
	prefixes_fail(&rx, 22, version, r1, n1);
	CHECK(tls12_open(&rx, 21, version, r1, n1, out, &len) != TLS_OPEN_OK);   /* type in the MAC */
	CHECK(tls12_open(&rx, 22, version, r1, n1, out, &len) == TLS_OPEN_OK);
	CHECK(len == 16 && memcmp(out, fin, 16) == 0 && rx.seq == 1);
	prefixes_fail(&rx, 21, version, r2, n2);
	CHECK(tls12_open(&rx, 21, version, r2, n2, out, &len) == TLS_OPEN_OK);
	CHECK(len == 2 && memcmp(out, alert, 2) == 0 && rx.seq == 2);
	/* altered: a flipped ciphertext bit never opens */
	struct tls12_keys again;

	CHECK(tls12_keys_init(&again, &su, version, master, cr, sr, false));
	r1[n1 - 1] ^= 1;
	CHECK(tls12_open(&again, 22, version, r1, n1, out, &len) != TLS_OPEN_OK);
}

static void test_legacy_records(void)
{
	legacy_case(0x002f, 0x0301);    /* TLS 1.0 AES-128-CBC, implicit IV */
	legacy_case(0x002f, 0x0302);    /* TLS 1.1, explicit IV */
	legacy_case(0x000a, 0x0301);    /* 3DES */
	legacy_case(0x000a, 0x0300);    /* SSL 3.0: its MAC and padding */
	legacy_case(0x002f, 0x0300);
	legacy_case(0x0004, 0x0301);    /* RC4-128 with HMAC-MD5 */
	legacy_case(0x0005, 0x0300);    /* RC4 with SSL 3.0's SHA-1 MAC */
	legacy_case(0x0004, 0x0300);    /* and its MD5 MAC (48-byte pads) */
	legacy_case(0xc012, 0x0303);    /* 3DES in TLS 1.2: explicit 8-byte IV */
}

int main(void)
{
	test_legacy_keys();
	test_legacy_records();
	test_tls12();
	test_tls12_cbc();
	test_expand_label();
	test_rfc8448_server_flight();
	test_other_suites();
	return TT_DONE();
}
