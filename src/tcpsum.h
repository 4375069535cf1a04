/*
 * tcpsum.h - the TCP checksum (RFC 9293 3.1, RFC 1071) of a decoded
 * segment, as the receiving stack verifies it.
 */
#ifndef TLSTAP_TCPSUM_H
#define TLSTAP_TCPSUM_H

#include "decode.h"

enum tcpsum { TCPSUM_UNKNOWN = -1, TCPSUM_BAD = 0, TCPSUM_OK = 1 };

/* Whether p's checksum is right: UNKNOWN when the capture did not keep the
 * whole segment (snaplen) or its length was not declared (offload). */
enum tcpsum tcpsum_check(const struct pkt *p);

#endif
