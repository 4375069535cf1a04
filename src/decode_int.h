/*
 * decode_int.h - what decode.c and decode_tunnel.c share: each layer's
 * decoder may call the others, so a tunnel can carry IP, Ethernet, MPLS or
 * another tunnel.  Not for use outside the decoder.
 */
#ifndef TLSTAP_DECODE_INT_H
#define TLSTAP_DECODE_INT_H

#include "decode.h"
#include "../parsers/cursor.h"

/* decode.c */
enum decode_result dec_ipv4(struct cur c, struct pkt *o, struct tt_stats *st);
enum decode_result dec_ipv6(struct cur c, struct pkt *o, struct tt_stats *st);
/* The payload of an Ethernet type (VLAN tags, MPLS, PPPoE, IP, ...). */
enum decode_result dec_ethertype(uint16_t et, struct cur c, struct pkt *o, struct tt_stats *st);
/* A whole Ethernet frame: addresses, type (802.3 length: not IP). */
enum decode_result dec_ethernet(struct cur c, struct pkt *o, struct tt_stats *st);
/* A PPP frame (RFC 1662 address/control optional, protocol 1 or 2 bytes). */
enum decode_result dec_ppp(struct cur c, struct pkt *o, struct tt_stats *st);

/* decode_tunnel.c */
/* An IP payload that is not TCP: protocol proto, c holds what was captured
 * of it and l4len is its declared length.  DEC_SKIP (counted non_tcp) when
 * it carries no tunnel. */
/* A UDP datagram that is no tunnel: ports and payload into o (DEC_UDP);
 * have bytes captured of the datagram's declared ones. */
enum decode_result dec_udp_header(const uint8_t *p, uint32_t have, uint32_t declared,
				  struct pkt *o, struct tt_stats *st);
enum decode_result tun_ip_payload(uint8_t proto, struct cur c, uint32_t l4len, struct pkt *o,
				  struct tt_stats *st);
/* Ethernet types that only tunnels use: MPLS, NSH, PPP, transparent
 * Ethernet bridging.  DEC_SKIP (non_ip) for any other type. */
enum decode_result tun_ethertype(uint16_t et, struct cur c, struct pkt *o, struct tt_stats *st);
/* 802.11 link types: plain (105), Prism/AVS (119, 163), radiotap (127). */
enum decode_result tun_wlan_link(int dlt, struct cur c, struct pkt *o, struct tt_stats *st);
int tun_dlt_supported(int dlt);

#endif
