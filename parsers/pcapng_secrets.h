/*
 * pcapng_secrets.h - TLS key logs embedded in pcapng captures (Decryption
 * Secrets Blocks, as Wireshark's editcap --inject-secrets writes them).
 * pcapng_walk.c walks the file; this reads one block body.
 */
#ifndef TLSTAP_PCAPNG_SECRETS_H
#define TLSTAP_PCAPNG_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAPNG_DSB 0x0000000Au

/* A Decryption Secrets Block's body (after type and length, n bytes): true
 * when it holds a TLS key log ("TLSK"); *data points into body, *len bytes. */
bool pcapng_dsb_tls(const uint8_t *body, size_t n, bool le, const uint8_t **data, size_t *len);

#endif
