/*
 * ipfrag.h - IPv4 (RFC 791) and IPv6 (RFC 8200 4.5) fragment reassembly,
 * bounded in datagrams and bytes, timed out on packet time.
 */
#ifndef TLSTAP_IPFRAG_H
#define TLSTAP_IPFRAG_H

#include <stdint.h>

#include "config.h"
#include "decode.h"

struct ipfrag;

struct ipfrag *ipfrag_new(const struct tt_config *cfg, struct tt_stats *st);
void ipfrag_free(struct ipfrag *f);
/* Bytes the datagrams being reassembled hold (mem.h). */
uint64_t ipfrag_bytes(const struct ipfrag *f);
/* Add the fragment described by pkt (DEC_FRAGMENT).  When it completes a
 * datagram, returns its L4 payload (*proto, *len); the buffer stays valid
 * until the next call.  NULL otherwise. */
const uint8_t *ipfrag_add(struct ipfrag *f, const struct pkt *pkt, uint64_t ts_ns,
			  uint8_t *proto, uint32_t *len);
/* Drop datagrams older than the timeout. */
void ipfrag_expire(struct ipfrag *f, uint64_t now_ns);

#endif
