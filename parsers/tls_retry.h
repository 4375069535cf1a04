/*
 * tls_retry.h - what a second ClientHello changed (RFC 8446 4.1.2; RFC 6347
 * 4.2.1 for DTLS's HelloVerifyRequest).
 *
 * After a HelloRetryRequest the client MUST send the same ClientHello
 * except: key_share (a new share), early_data (removed), cookie (added),
 * pre_shared_key (updated), padding (any length), and the ECH extension
 * (a new encryption).  Anything else that differs is a change the server
 * answers and a sensor reading the first hello misses: an evasion signal.
 *
 *   first ClientHello --+
 *                       +--> tls_retry_changes --> bitmask of TLS_RETRY_*
 *   second ClientHello -+                          (names: tls_retry_name)
 */
#ifndef TLSTAP_TLS_RETRY_H
#define TLSTAP_TLS_RETRY_H

#include <stdint.h>

#include "tls_hello.h"

enum tls_retry_field {
	TLS_RETRY_VERSION,              /* legacy_version */
	TLS_RETRY_RANDOM,
	TLS_RETRY_SESSION_ID,
	TLS_RETRY_CIPHERS,
	TLS_RETRY_COMPRESSION,
	TLS_RETRY_SERVER_NAME,
	TLS_RETRY_ALPN,
	TLS_RETRY_VERSIONS,             /* supported_versions */
	TLS_RETRY_GROUPS,               /* supported_groups */
	TLS_RETRY_SIGALGS,              /* signature_algorithms */
	TLS_RETRY_EXTENSIONS,           /* the list, without those allowed to change */
	TLS_RETRY_COUNT
};

/* The fields in which `b` (the second ClientHello) differs from `a` (the
 * first), one bit (1u << TLS_RETRY_*) each; 0 when none.  Lists are compared
 * as stored (each is bounded, tls_hello.h) and by their wire totals. */
uint32_t tls_retry_changes(const struct tls_client_hello *a, const struct tls_client_hello *b);

/* The field's name as the record writes it ("server_name"...), or NULL. */
const char *tls_retry_name(unsigned field);

#endif
