#!/usr/bin/python3
"""pcaptunnel: wrap a real TLS session from pcaps/ in a tunnel or encapsulation
(standard library only; builds on pcaptool.py).

  pcaptunnel.py KIND IN OUT

IN is an Ethernet capture of one TCP connection made by tests/mkpcaps.sh (real
handshake bytes); every one of its IP packets is carried, unchanged, inside the
encapsulation KIND.  The tunnel endpoints are 10.98.0.1 (client side) and
10.98.0.2 (server side), or fd00:98::1 and fd00:98::2 over IPv6.  Output is
deterministic.  tests/mktunnels.sh lists what each KIND is for.

KIND: gre gretap_nvgre erspan1 erspan2 erspan3 ip6gre pptp ipip sit6in4 6to4
      4in6 ip6ip6 vxlan_gpe geneve gtpu teredo nsh mpls mpls_pw pppoe radiotap
      prism avs capwap nested depth9 teredo_server_only

  pcaptunnel.py capwap_dtls IN OUT

IN is an Ethernet capture of one DTLS flow over IPv4 (tests/mkpcaps_dtls.sh):
each datagram goes, behind the CAPWAP DTLS header (RFC 5415 4.2: preamble
type 1), to the CAPWAP control port 5246 as a wireless termination point
and its access controller exchange it.
"""
import struct
import sys

import pcaptool as pt

C4, S4 = bytes([10, 98, 0, 1]), bytes([10, 98, 0, 2])
C6 = bytes.fromhex("fd000098000000000000000000000001")
S6 = bytes.fromhex("fd000098000000000000000000000002")
MAC_C, MAC_S = bytes.fromhex("020000000a01"), bytes.fromhex("020000000a02")


def eth(et, body, d=0):
    dst, src = (MAC_S, MAC_C) if d == 0 else (MAC_C, MAC_S)
    return dst + src + struct.pack("!H", et) + body


def ipv4(proto, body, d, ident=0, src=None, dst=None):
    s, t = (C4, S4) if d == 0 else (S4, C4)
    s, t = src or s, dst or t
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident & 0xffff, 0x4000, 64,
                    proto, 0, s, t)
    return h[:10] + struct.pack("!H", pt.csum(h)) + h[12:] + body


def ipv6(nh, body, d):
    s, t = (C6, S6) if d == 0 else (S6, C6)
    return struct.pack("!IHBB16s16s", 0x60000000, len(body), nh, 64, s, t) + body


def udp(sport, dport, body, d):
    a, b = (sport, dport) if d == 0 else (dport, sport)
    return struct.pack("!HHHH", a, b, 8 + len(body), 0) + body


def gre(proto, body, key=None, seq=None, csum=False, ver=0, ack=None):
    fl = (0x8000 if csum else 0) | (0x2000 if key is not None else 0) | \
         (0x1000 if seq is not None else 0) | (0x0080 if ack is not None else 0) | ver
    h = struct.pack("!HH", fl, proto)
    if csum:
        h += struct.pack("!HH", 0, 0)
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    if ack is not None:
        h += struct.pack("!I", ack)
    if csum:
        c = pt.csum(h + body)
        h = h[:4] + struct.pack("!H", c) + h[6:]
    return h + body


def wlan(body, d):
    """An 802.11 QoS data frame (to the AP / from the AP), LLC/SNAP, IPv4."""
    fc = bytes([0x88, 0x01 if d == 0 else 0x02])
    sta, ap = MAC_C, bytes.fromhex("02000000aa01")
    a1, a2, a3 = (ap, sta, MAC_S) if d == 0 else (sta, ap, MAC_S)
    hdr = fc + b"\0\0" + a1 + a2 + a3 + b"\x10\x00" + b"\x00\x00"
    return hdr + bytes([0xaa, 0xaa, 0x03, 0, 0, 0]) + struct.pack("!H", 0x0800) + body


def wrap(kind, p, i):
    """The frame (link bytes) carrying packet p, the i-th of the session."""
    d, ip = p.dir, p.ip_bytes()
    inner_eth = p.l2[:12] + struct.pack("!H", 0x0800 if p.ipv == 4 else 0x86dd) + ip
    if kind == "gre":
        return eth(0x0800, ipv4(47, gre(0x0800, ip, key=0x1234, seq=i, csum=True), d, i))
    if kind == "gretap_nvgre":
        return eth(0x0800, ipv4(47, gre(0x6558, inner_eth, key=(5001 << 8) | 7), d, i))
    if kind == "erspan1":
        return eth(0x0800, ipv4(47, gre(0x88be, inner_eth), d, i))
    if kind == "erspan2":
        hdr = struct.pack("!II", (1 << 28) | (10 << 16) | 0x0c00 | 77, 3)
        return eth(0x0800, ipv4(47, gre(0x88be, hdr + inner_eth, seq=i), d, i))
    if kind == "erspan3":
        hdr = struct.pack("!III", (2 << 28) | 0x0800 | 78, 1000 + i, 0x0001)   # O: subheader
        return eth(0x0800, ipv4(47, gre(0x22eb, hdr + b"\0" * 8 + inner_eth, seq=i), d, i))
    if kind == "ip6gre":
        return eth(0x86dd, ipv6(47, gre(0x0800, ip, key=99), d))
    if kind == "pptp":
        call = 0x4001 if d == 0 else 0x8002
        ppp = b"\xff\x03\x00\x21" + ip
        return eth(0x0800, ipv4(47, gre(0x880b, ppp, key=(len(ppp) << 16) | call, seq=i,
                                        ver=1), d, i))
    if kind == "ipip":
        return eth(0x0800, ipv4(4, ip, d, i))
    if kind in ("sit6in4", "6to4"):
        return eth(0x0800, ipv4(41, ip, d, i))
    if kind == "4in6":
        return eth(0x86dd, ipv6(4, ip, d))
    if kind == "ip6ip6":
        return eth(0x86dd, ipv6(41, ip, d))
    if kind == "vxlan_gpe":
        hdr = struct.pack("!II", 0x0c000001, 4321 << 8)
        return eth(0x0800, ipv4(17, udp(41000, 4790, hdr + ip, d), d, i))
    if kind == "geneve":
        opts = struct.pack("!HBB", 0x0102, 0x80, 1) + b"\x11\x22\x33\x44" + \
            struct.pack("!HBB", 0xffff, 0x01, 0)
        hdr = struct.pack("!BBHI", len(opts) // 4, 0, 0x6558, 0xabcdef << 8)
        return eth(0x0800, ipv4(17, udp(42000, 6081, hdr + opts + inner_eth, d), d, i))
    if kind == "gtpu":
        # E flag: sequence, N-PDU, next type 0x85 (PDU session container, QFI 9).
        teid = 0x1001 if d == 0 else 0x2002
        ext = bytes([1, 0x10 if d == 0 else 0x00, 9, 0])
        body = struct.pack("!HBB", i, 0, 0x85) + ext + ip
        hdr = struct.pack("!BBHI", 0x34, 0xff, len(body), teid)
        return eth(0x0800, ipv4(17, udp(2152, 2152, hdr + body, d), d, i))
    if kind == "teredo":
        # Ports that name no tunnel: recognised by content.  The first packet
        # carries an authentication indicator, the server's an origin one.
        pre = b""
        if i == 0:
            pre += struct.pack("!HBB", 1, 0, 0) + b"\x01" * 8 + b"\x00"
        if d == 1:
            pre += struct.pack("!HH4s", 0, 40001 ^ 0xffff, bytes(b ^ 0xff for b in C4))
        return eth(0x0800, ipv4(17, udp(40001, 50002, pre + ip, d), d, i))
    if kind == "nsh":
        spi = 42 if d == 0 else 43
        hdr = struct.pack("!HBBI", 0x0fc6, 0x01, 0x01, (spi << 8) | 255) + b"\0" * 16
        return eth(0x894f, hdr + ip, d)
    if kind == "mpls":
        labels = struct.pack("!II", (1000 << 12) | 64, (2000 << 12) | 0x100 | 64)
        return eth(0x8847, labels + ip, d)
    if kind == "mpls_pw":
        label = struct.pack("!I", (3000 << 12) | 0x100 | 64)
        return eth(0x8847, label + struct.pack("!I", i & 0xffff) + inner_eth, d)
    if kind == "pppoe":
        ppp = b"\x00\x21" + ip
        return eth(0x8864, struct.pack("!BBHH", 0x11, 0, 0x1234, len(ppp)) + ppp, d)
    if kind == "radiotap":
        rt = struct.pack("<BBHI", 0, 0, 12, 0x00000002) + b"\x10\x00\x00\x00"  # flags: FCS
        return rt + wlan(ip, d) + b"\0\0\0\0"
    if kind == "prism":
        hdr = struct.pack("<II16s", 0x00000041, 144, b"wlan0") + b"\0" * 120
        return hdr + wlan(ip, d)
    if kind == "avs":
        hdr = struct.pack("!II", 0x80211001, 64) + b"\0" * 56
        return hdr + wlan(ip, d)
    if kind == "capwap":
        # CAPWAP data (RFC 5415 4.3), HLEN 4 words with wireless specific
        # information, T=1 WBID=1: a native 802.11 frame, whose frame control
        # bytes a Cisco controller sends swapped.
        hdr = struct.pack("!II", 0x00200320, 0) + bytes([4, 0xbf, 0x23, 0, 0, 0, 0, 0])
        w = wlan(ip, d)
        w = bytes([w[1], w[0]]) + w[2:]
        return eth(0x0800, ipv4(17, udp(41264, 5247, hdr + w, d), d, i))
    if kind == "nested":
        # GRE (key 7) over IPv4, carrying IPv4/UDP VXLAN (VNI 300) with a
        # VLAN-tagged Ethernet frame inside.
        tagged = inner_eth[:12] + struct.pack("!HH", 0x8100, 42) + inner_eth[12:]
        vx = struct.pack("!II", 0x08000000, 300 << 8) + tagged
        a, b = bytes([172, 16, 0, 1]), bytes([172, 16, 0, 2])
        mid = ipv4(17, udp(43000, 4789, vx, d), d, i, *((a, b) if d == 0 else (b, a)))
        return eth(0x0800, ipv4(47, gre(0x0800, mid, key=7), d, i))
    if kind == "depth9":
        pkt = ip
        for _ in range(9):
            pkt = ipv4(4, pkt, d, i)
        return eth(0x0800, pkt)
    sys.exit("pcaptunnel: unknown kind %s" % kind)


LINKTYPE = {"radiotap": 127, "prism": 119, "avs": 163}


def capwap_dtls(src, out):
    cap = pt.read_pcap(src)
    recs, first = [], None
    for i, (ts, frame, _) in enumerate(cap.records):
        if frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ihl = (frame[14] & 0x0f) * 4
        ip = frame[14:]
        srcep = ip[12:16] + ip[ihl:ihl + 2]
        first = first or srcep
        d = 0 if srcep == first else 1
        ulen = struct.unpack("!H", ip[ihl + 4:ihl + 6])[0]
        payload = ip[ihl + 8:ihl + ulen]
        f = eth(0x0800, ipv4(17, udp(41264, 5246, b"\x01\0\0\0" + payload, d), d, i), d)
        recs.append((ts, f, len(f)))
    pt.write_pcap(out, pt.Capture(pt.LINK_ETH, 262144, recs))


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    kind, src, out = argv
    if kind == "capwap_dtls":
        return capwap_dtls(src, out)
    cap, pkts = pt.load_session(src)
    if kind == "6to4":
        # 6to4 addresses (RFC 3056): 2002:<IPv4>::/48 of each site.
        for p in pkts:
            if p.ipv != 6:
                sys.exit("pcaptunnel: 6to4 needs an IPv6 session")
            a, b = (C4, S4) if p.dir == 0 else (S4, C4)
            p.iph = dict(p.iph, src=b"\x20\x02" + a + b"\0" * 9 + b"\x01",
                         dst=b"\x20\x02" + b + b"\0" * 9 + b"\x01")
    if kind == "teredo_server_only":
        # Only what the relay sent (a one-sided capture): the record's chain
        # then comes from the server's packets, with their origin indication.
        kind = "teredo"
        pkts = [p for p in pkts if p.dir == 1]
    if kind == "teredo":
        # Teredo client 2001:0:<server>:<flags>:<port>:<addr> (RFC 4380 4).
        for p in pkts:
            cli = bytes.fromhex("20010000") + S4 + bytes.fromhex("8000") + \
                struct.pack("!H", 40001 ^ 0xffff) + bytes(b ^ 0xff for b in C4)
            srv = bytes.fromhex("20010db8" + "0000" * 5 + "beef")
            p.iph = dict(p.iph, src=cli if p.dir == 0 else srv, dst=srv if p.dir == 0 else cli)
    recs, last = [], -1
    for i, p in enumerate(pkts):
        f = wrap(kind, p, i)
        ts = max(p.ts, last + 1000)
        last = ts
        recs.append((ts, f, len(f)))
    pt.write_pcap(out, pt.Capture(LINKTYPE.get(kind, pt.LINK_ETH), 262144, recs))


if __name__ == "__main__":
    main(sys.argv[1:])
