/*
 * pcapng_secrets.h - TLS key logs embedded in pcapng captures (Decryption
 * Secrets Blocks, as Wireshark's editcap --inject-secrets writes them).
 * The caller walks the file; these read the headers and one block body.
 */
#ifndef TLSTAP_PCAPNG_SECRETS_H
#define TLSTAP_PCAPNG_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_DSB 0x0000000Au

/* A Section Header Block's first 12 bytes: true when they are one; its
 * byte order to *le and its total length to *len. */
bool pcapng_shb(const uint8_t h[12], bool *le, uint32_t *len);
/* Any block's first 8 bytes in the section's byte order: type and total
 * length; false when the length cannot be a block's (< 12, not a multiple
 * of 4). */
bool pcapng_block(const uint8_t h[8], bool le, uint32_t *type, uint32_t *len);
/* A Decryption Secrets Block's body (after type and length, n bytes): true
 * when it holds a TLS key log ("TLSK"); *data points into body, *len bytes. */
bool pcapng_dsb_tls(const uint8_t *body, size_t n, bool le, const uint8_t **data, size_t *len);

#endif
