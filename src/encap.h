/*
 * encap.h - how a packet travelled: the chain of tunnels and encapsulations
 * around its inner IP/TCP, outermost first.
 *
 * decode.c fills one chain per packet; the flow keeps the chain of the
 * first packet of each side (heap, only for tunnelled flows) and the
 * emitter writes it as tlstap.encapsulation.  Nothing here points into
 * packet bytes: a layer is copied values only.
 */
#ifndef TLSTAP_ENCAP_H
#define TLSTAP_ENCAP_H

#include <stdint.h>

/* Hard cap on nested layers.  A deeper packet is dropped and counted
 * (stats encapsulation.depth_exceeded). */
#define ENCAP_MAX 8

enum encap_type {
	ENCAP_NONE,
	ENCAP_IPIP,          /* IPv4 in IPv4, IPv6 in IPv6 (IP protocol 4, 41) */
	ENCAP_6IN4,          /* IPv6 in IPv4 (protocol 41): SIT, 6rd */
	ENCAP_6TO4,          /* 6in4 with a 2002::/16 inner address (RFC 3056) */
	ENCAP_4IN6,          /* IPv4 in IPv6 (protocol 4) */
	ENCAP_GRE,           /* RFC 2784/2890; version 1 is PPTP (RFC 2637) */
	ENCAP_ERSPAN,        /* Cisco ERSPAN types I, II and III over GRE */
	ENCAP_VXLAN,         /* RFC 7348 */
	ENCAP_VXLAN_GPE,     /* draft-ietf-nvo3-vxlan-gpe */
	ENCAP_GENEVE,        /* RFC 8926 */
	ENCAP_GTPU,          /* 3GPP TS 29.281, GTP-U v1 */
	ENCAP_TEREDO,        /* RFC 4380 */
	ENCAP_NSH,           /* RFC 8300 */
	ENCAP_MPLS,          /* RFC 3032 label stack */
	ENCAP_PPP,           /* RFC 1661 inside a tunnel (PPTP, L2 carriers) */
	ENCAP_PPPOE,         /* RFC 2516 session stage */
	ENCAP_CAPWAP,        /* RFC 5415 data channel */
	ENCAP_IEEE80211,     /* an 802.11 data frame (LLC/SNAP), radiotap/Prism/AVS */
	ENCAP_TYPES
};

/* Layer flags: which optional values the layer carries. */
#define ENCAP_F_ID      0x01  /* id is set (key, VNI, TEID, SPI, session...) */
#define ENCAP_F_ID2     0x02  /* id2 is set (NSH SI, ERSPAN session, ...) */
#define ENCAP_F_VLAN    0x04  /* vlan: first 802.1Q tag inside this layer */
#define ENCAP_F_AUTH    0x08  /* Teredo authentication indicator */
#define ENCAP_F_ORIGIN  0x10  /* Teredo origin indicator (id: port, id2: IPv4) */
#define ENCAP_F_CW      0x20  /* MPLS pseudowire control word */

struct encap_layer {
	uint8_t type;               /* enum encap_type */
	uint8_t af;                 /* 4 or 6: the IP header carrying it; 0: not over IP */
	uint8_t flags;              /* ENCAP_F_* */
	uint8_t sub;                /* per type: GRE version, ERSPAN type, MPLS depth,
				     * GPE/NSH next protocol, 802.11 radio header */
	uint16_t vlan;
	uint32_t id, id2;
	uint8_t src[16], dst[16];   /* outer addresses, IPv4 in the first 4 bytes */
};

struct encap_chain {
	uint8_t n;
	struct encap_layer l[ENCAP_MAX];
};

/* GRE's sub: the version (low 3 bits), and this bit when it carries
 * Ethernet (gretap; with a key, NVGRE's VSID and flow id). */
#define ENCAP_GRE_TEB 0x10

/* 802.11 radio headers (sub of ENCAP_IEEE80211). */
enum { ENCAP_RADIO_NONE, ENCAP_RADIO_RADIOTAP, ENCAP_RADIO_PRISM, ENCAP_RADIO_AVS };

#endif
