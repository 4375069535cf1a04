#!/usr/bin/python3
"""quic_pcap: hand-built QUIC captures (standard library only).

  quic_pcap.py rfc9001 OUT     the RFC 9001 Appendix A client and server
                               Initial packets, then Handshake and 1-RTT
                               packets of both sides (their protected bytes
                               are filler: no observer can open them)
  quic_pcap.py rfc9369 OUT     the RFC 9369 Appendix A (QUIC v2) Initials,
                               then nothing: the client's last word
  quic_pcap.py gquic OUT       a Google QUIC Q043 client hello in clear text
                               (CHLO with SNI, UAID and VER) and the
                               server's encrypted answer (filler)
  quic_pcap.py rebind OUT      rfc9001's connection whose client moves twice
                               (RFC 9000 9: a NAT rebinding to port 50001,
                               then a new address 10.97.1.9:40000) while it
                               finishes its handshake, still sending to the
                               server's connection id; the server's answers
                               carry no connection id (the client's is empty)

The RFC packets are read from tests/unit/quic_vectors.h, where the unit tests
keep them.  Frames are Ethernet + IPv4 + UDP with real checksums; the client
is 10.97.1.1:50000, the server 10.97.1.2:443; times are fixed.
"""
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pcaptool  # noqa: E402

CLI, SRV = bytes([10, 97, 1, 1]), bytes([10, 97, 1, 2])
T0 = 1_700_000_000 * 10**9


def vectors():
    src = open(os.path.join(HERE, "unit", "quic_vectors.h")).read()
    return {m.group(1): bytes.fromhex("".join(re.findall(r'"([0-9a-f]+)"', m.group(2))))
            for m in re.finditer(r"static const char (\w+)\[\] =\n(.*?);", src, re.S)}


def udp_frame(from_client, payload, ident, cli=(CLI, 50000)):
    src, dst = (cli[0], SRV) if from_client else (SRV, cli[0])
    sp, dp = (cli[1], 443) if from_client else (443, cli[1])
    udp = struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
    c = pcaptool.csum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident, 0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", pcaptool.csum(ip)) + ip[12:]
    macs = (b"\x02\x00\x0a\x61\x01\x02", b"\x02\x00\x0a\x61\x01\x01")
    eth = (macs[0] + macs[1]) if from_client else (macs[1] + macs[0])
    return eth + b"\x08\x00" + ip + udp


def filler(n, seed):
    return bytes((seed * 131 + i * 29 + 7) % 256 for i in range(n))


def varint2(n):
    return struct.pack("!H", 0x4000 | n)


def long_packet(first, version, dcid, scid, body):
    """A long-header packet (no token field: Handshake) with Length over body."""
    return (bytes([first]) + struct.pack("!I", version) + bytes([len(dcid)]) + dcid
            + bytes([len(scid)]) + scid + varint2(len(body)) + body)


def short_packet(dcid, n, seed):
    return bytes([0x41]) + dcid + filler(n, seed)


def write(path, frames):
    cap = pcaptool.Capture(pcaptool.LINK_ETH, 65535)
    for i, (from_client, payload, *cli) in enumerate(frames):
        fr = udp_frame(from_client, payload, 0x100 + i, *cli)
        cap.records.append((T0 + i * 1_000_000, fr, len(fr)))
    pcaptool.write_pcap(path, cap)


def rfc(tag, path, v, version, hs_first):
    scid = bytes.fromhex("f067a5502a4262b5")
    srv_hs = long_packet(hs_first, version, b"", scid, filler(400, 1))
    cli_hs = long_packet(hs_first, version, scid, b"", filler(60, 2))
    frames = [(True, v["%s_client_pkt" % tag]),
              (False, v["%s_server_pkt" % tag] + srv_hs)]
    if tag == "v1":
        frames += [(True, cli_hs + short_packet(scid, 40, 3)),
                   (False, short_packet(b"", 30, 4)),
                   (True, short_packet(scid, 50, 5))]
    write(path, frames)


def rebind(path, v):
    scid = bytes.fromhex("f067a5502a4262b5")
    nat, moved = (CLI, 50001), (bytes([10, 97, 1, 9]), 40000)
    srv_hs = long_packet(0xe1, 1, b"", scid, filler(400, 1))
    cli_hs = long_packet(0xe1, 1, scid, b"", filler(60, 2))
    write(path, [(True, v["v1_client_pkt"]),
                 (False, v["v1_server_pkt"] + srv_hs),
                 (True, cli_hs, nat),                       # found by the server's id
                 (False, short_packet(b"", 30, 4), nat),    # found by its path
                 (True, short_packet(scid, 50, 5), moved),
                 (False, short_packet(b"", 30, 6), moved)])


def gquic(path):
    tags = [(b"SNI\0", b"www.example.org"), (b"UAID", b"Chrome/90.0.4430.93 Linux x86_64"),
            (b"VER\0", b"Q043")]
    idx, vals, end = b"", b"", 0
    for t, val in tags:
        end += len(val)
        idx += t + struct.pack("<I", end)
        vals += val
    chlo = b"CHLO" + struct.pack("<HH", len(tags), 0) + idx + vals
    frame = bytes([0xa0, 0x01]) + struct.pack("!H", len(chlo)) + chlo
    cid = bytes.fromhex("1122334455667788")
    pkt = bytes([0x09]) + cid + b"Q043" + bytes([1]) + filler(12, 9) + frame
    pkt += b"\0" * (1350 - len(pkt))
    answer = bytes([0x08]) + cid + bytes([1]) + filler(600, 10)
    write(path, [(True, pkt), (False, answer)])


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    v = vectors()
    if argv[0] == "rfc9001":
        return rfc("v1", argv[1], v, 1, 0xe1)
    if argv[0] == "rfc9369":
        return rfc("v2", argv[1], v, 0x6b3343cf, 0xf1)
    if argv[0] == "rebind":
        return rebind(argv[1], v)
    if argv[0] == "gquic":
        return gquic(argv[1])
    sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
