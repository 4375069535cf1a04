#!/usr/bin/python3
"""Seed corpora for the fuzz harnesses, from the project's own captures.

  mkseeds.py            writes tests/fuzz/corpus/{decode,stream,hs}/

- decode: the first packets of each capture in pcaps/, in fuzz_decode's
  format ([link-type selector u8][length u16][frame]).
- stream: each TCP connection's payload in fuzz_stream's chunk format
  ([direction u8][length u16][bytes]), in capture order.
- hs: every handshake message found in those streams, in fuzz_hs's format
  ([parser selector u8][body]).
- quic: the RFC 9001 / RFC 9369 Appendix A packets that tests/unit/quic_vectors.h
  carries, alone, coalesced and as a connection, in fuzz_quic's format
  ([selector u8][bytes]).
- openvpn: each direction of pcaps/ovpn_tls12.pcap's control channel, in
  fuzz_openvpn's format (one direction's bytes); each direction of the UDP
  captures' datagrams, each given the TCP length field; and the first packets
  of both in fuzz_prelude's ([port u16] then chunks), as prelude/openvpn_ok,
  as prelude/ovpn_tcp_tlscrypt and prelude/gridftp_adat for those captures.
- rdpeudp: datagrams of pcaps/rdpeudp_tls12.pcap (SYN, SYN+ACK, version 2
  data, MS-RDPEUDP2 data and dummy), one per seed.
The pcap harness replays pcaps/ itself; x509 seeds are tests/certs/*.der.
"""
import glob
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests"))
import pcaptool  # noqa: E402  (the project's pcap reader)

# fuzz_decode's link types, by index.
DLTS = [1, 113, 276, 12, 14, 101, 228, 229, 0, 108, 9, 50, 105, 119, 127, 163]
# handshake type -> fuzz_hs selector (low nibble; 0x80 = TLS 1.2 layouts)
HS_SEL = {1: 0, 2: 1, 11: 2, 12: 3, 13: 4, 15: 5, 4: 6, 22: 7, 16: 8}


def write(kind, name, data):
    d = os.path.join(HERE, "corpus", kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def handshake_messages(stream):
    """Handshake messages of one direction's bytes (records joined)."""
    hs = b""
    off = 0
    while off + 5 <= len(stream):
        ctype, ver, ln = stream[off], stream[off + 1:off + 3], struct.unpack(">H", stream[off + 3:off + 5])[0]
        if ctype not in (20, 21, 22, 23, 24) or ver[0] != 3:
            break
        if ctype == 22:
            hs += stream[off + 5:off + 5 + ln]
        off += 5 + ln
    msgs = []
    off = 0
    while off + 4 <= len(hs):
        t = hs[off]
        ln = int.from_bytes(hs[off + 1:off + 4], "big")
        msgs.append((t, hs[off + 4:off + 4 + ln]))
        off += 4 + ln
    return msgs


def tcp_streams(cap):
    """Each TCP connection as [(direction, payload)] in capture order."""
    conns = {}
    for rec in cap.records:
        p = pcaptool.parse(rec, cap.linktype)
        if not p:
            continue
        k = p.key()
        rk = (k[2], k[3], k[0], k[1])
        if k in conns:
            conns[k].append((0, p.payload))
        elif rk in conns:
            conns[rk].append((1, p.payload))
        else:
            conns[k] = [(0, p.payload)]
    return list(conns.values())


def main():
    n_dec = n_str = n_hs = 0
    for path in sorted(glob.glob(os.path.join(TOP, "pcaps", "*.pcap"))):
        base = os.path.splitext(os.path.basename(path))[0]
        try:
            cap = pcaptool.read_pcap(path)
        except ValueError:
            continue   # the deliberately bad files
        if cap.linktype in DLTS and cap.records:
            sel = DLTS.index(cap.linktype)
            blob = b"".join(struct.pack(">BH", sel, len(fr[:65535])) + fr[:65535]
                            for _, fr, _ in cap.records[:48])
            write("decode", base, blob)
            n_dec += 1
        for ci, conn in enumerate(tcp_streams(cap)):
            chunks = b"".join(struct.pack(">BH", d, len(pl)) + pl for d, pl in conn if pl)
            if not chunks:
                continue
            write("stream", "%s-%d" % (base, ci), chunks)
            n_str += 1
            for d in (0, 1):
                data = b"".join(pl for dd, pl in conn if dd == d)
                for t, body in handshake_messages(data):
                    if t in HS_SEL:
                        write("hs", "%s-%d-%d-%d" % (base, ci, d, t), bytes([HS_SEL[t] | 0x80]) + body)
                        n_hs += 1
    n_quic = quic_seeds()
    n_ovpn = openvpn_seeds()
    n_rdp = rdpeudp_seeds()
    print("seeds: %d decode, %d stream, %d hs, %d quic, %d openvpn, %d rdpeudp" %
          (n_dec, n_str, n_hs, n_quic, n_ovpn, n_rdp))


def rdpeudp_seeds():
    """fuzz_rdpeudp seeds: datagrams of the RDPEUDP capture (SYN, SYN+ACK,
    version 2 data, MS-RDPEUDP2 data and dummy)."""
    cap = pcaptool.read_pcap(os.path.join(TOP, "pcaps", "rdpeudp_tls12.pcap"))
    picked = {0: "syn", 1: "synack", 2: "v1_data", 19: "v2_data", 20: "v2_dummy"}
    for i, (_, fr, _) in enumerate(cap.records):     # Ethernet, IPv4, UDP
        if i in picked:
            write("rdpeudp", picked[i], fr[14 + (fr[14] & 15) * 4 + 8:])
    return len(picked)


def openvpn_seeds():
    """fuzz_openvpn and fuzz_prelude seeds from the OpenVPN capture."""
    cap = pcaptool.read_pcap(os.path.join(TOP, "pcaps", "ovpn_tls12.pcap"))
    conn = [(d, pl) for d, pl in tcp_streams(cap)[0] if pl]
    for d, name in ((0, "client_tls_auth"), (1, "server_tls_auth")):
        write("openvpn", name, b"".join(pl for dd, pl in conn if dd == d)[:1500])
    write("prelude", "openvpn_ok", struct.pack(">H", 1194) +
          b"".join(struct.pack(">BH", d, len(pl)) + pl for d, pl in conn[:8]))
    n = 3
    for base in ("ovpn_udp_tlsauth", "ovpn_udp_tlscrypt", "ovpn_udp_tlscrypt2"):
        cap = pcaptool.read_pcap(os.path.join(TOP, "pcaps", base + ".pcap"))
        sides = {}
        for _, fr, _ in cap.records:     # Ethernet, IPv4, UDP
            l4 = 14 + (fr[14] & 15) * 4
            sides.setdefault(fr[26:30], []).append(fr[l4 + 8:])
        for i, dgrams in enumerate(sides.values()):
            write("openvpn", "%s-%d" % (base, i),
                  b"".join(struct.pack(">H", len(g)) + g for g in dgrams)[:3000])
            n += 1
    for base, port in (("ovpn_tcp_tlscrypt", 1194), ("gridftp_adat", 2811)):
        cap = pcaptool.read_pcap(os.path.join(TOP, "pcaps", base + ".pcap"))
        conn = [(d, pl) for d, pl in tcp_streams(cap)[0] if pl]
        write("prelude", base, struct.pack(">H", port) +
              b"".join(struct.pack(">BH", d, len(pl)) + pl for d, pl in conn[:12]))
        n += 1
    return n


def quic_seeds():
    """fuzz_quic seeds from the RFC sample packets in quic_vectors.h."""
    import re
    src = open(os.path.join(TOP, "tests", "unit", "quic_vectors.h")).read()
    hexes = {m.group(1): bytes.fromhex("".join(re.findall(r'"([0-9a-f]+)"', m.group(2))))
             for m in re.finditer(r"static const char (v[12]_\w+)\[\] =\n(.*?);", src, re.S)}
    n = 0
    for v in ("v1", "v2"):
        for name in ("client_pkt", "server_pkt", "retry"):
            write("quic", "%s-%s" % (v, name), b"\0" + hexes["%s_%s" % (v, name)])
            n += 1
        write("quic", v + "-coalesced", b"\0" + hexes[v + "_server_pkt"] + hexes[v + "_client_pkt"])
        write("quic", v + "-frames-client", b"\1" + hexes[v + "_crypto_frame"])
        write("quic", v + "-frames-server", b"\1" + hexes[v + "_server_payload"])
        conn = b"".join(struct.pack(">BH", side, len(p)) + p for side, p in
                        ((0, hexes[v + "_client_pkt"]), (1, hexes[v + "_server_pkt"]),
                         (1, hexes[v + "_retry"]), (0, hexes[v + "_client_pkt"])))
        write("quic", v + "-connection", b"\4" + conn)
        ch = hexes[v + "_crypto_frame"]
        at = ch.index(b"\x00\x39\x00\x32") + 4   # quic_transport_parameters
        write("quic", v + "-tp", b"\3" + ch[at:at + 0x32])
        n += 5
    return n


if __name__ == "__main__":
    main()
