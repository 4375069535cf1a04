#!/usr/bin/python3
"""mkrdpeudp: a hand-built capture of TLS in RDP's UDP transport (standard
library only; no Debian package speaks MS-RDPEUDP).

  mkrdpeudp.py OUT

The TLS 1.2 handshake of pcaps/tls12_ecdhe_rsa.pcap (real OpenSSL peers), each
TCP segment's payload cut into chunks of at most 1000 bytes, carried twice:

- port 50001: MS-RDPEUDP version 2, reliable mode.  The client's SYN has a
  correlation id and SYNEX (version 2), the server's SYN+ACK names version 2;
  data datagrams carry an ACK vector (padded to 4 bytes) and the source
  payload header.  The client's second chunk is sent twice (a
  retransmission) and the server's first two chunks arrive swapped.
- port 50002: version 3, so MS-RDPEUDP2 after the SYN exchange: each data
  packet has the ACK and DATA payloads and the channel sequence number,
  bytes 0 and 7 swapped on the wire; a dummy packet sits between.

Frames are Ethernet + IPv4 + UDP with real checksums; the client is
10.98.1.1, the server 10.98.1.2:3389; times are fixed.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pcaptool  # noqa: E402

CLI, SRV = bytes([10, 98, 1, 1]), bytes([10, 98, 1, 2])
T0 = 1_700_000_000 * 10**9
SYN, ACK, DATA, CID, SYNEX = 0x0001, 0x0004, 0x0008, 0x0800, 0x1000


def udp_frame(from_client, port, payload, ident):
    src, dst = (CLI, SRV) if from_client else (SRV, CLI)
    sp, dp = (port, 3389) if from_client else (3389, port)
    udp = struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload
    c = pcaptool.csum(src + dst + struct.pack("!BBH", 0, 17, len(udp)) + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident, 0x4000, 64, 17, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", pcaptool.csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01" + b"\x08\x00" + ip + udp


def flights():
    """(from_client, chunk) of the TCP handshake, in packet order."""
    _, pkts = pcaptool.load_session(os.path.join(HERE, "..", "pcaps", "tls12_ecdhe_rsa.pcap"))
    out = []
    for p in pkts:
        for i in range(0, len(p.payload), 1000):
            out.append((p.dir == 0, p.payload[i:i + 1000]))
    return out


def syn(from_client, isn, peer_isn, version):
    flags = SYN | SYNEX | (CID if from_client else ACK)
    b = struct.pack("!IHH", 0xffffffff if from_client else peer_isn, 64, flags)
    b += struct.pack("!IHH", isn, 1232, 1232)
    if from_client:
        b += bytes(range(1, 17)) + bytes(16)
    b += struct.pack("!HH", 1, version) + (bytes(32) if version == 0x101 else b"")
    return b + bytes(1232 - len(b))


def v1_data(ack, seq, chunk):
    vec = b"\x00"       # one element; the header pads to 4 bytes
    return (struct.pack("!IHH", ack, 64, ACK | DATA) + struct.pack("!H", len(vec)) + vec +
            b"\0" + struct.pack("!II", seq, seq) + chunk)


def v2_packet(data_seq, chan_seq, chunk, dummy=False):
    flags = 0x0001 | 0x0004                     # ACK, DATA
    b = bytes([0x10 if dummy else 0x00]) + struct.pack("<H", 0xc000 | flags)
    b += struct.pack("<H", data_seq - 1) + b"\x10\x00\x00" + b"\x00" + b"\x00"   # ACK
    b += struct.pack("<H", data_seq)                                              # DATA
    if not dummy:
        b += struct.pack("<H", chan_seq) + chunk
    b = bytearray(b)
    b[0], b[7] = b[7], b[0]
    return bytes(b)


def reliable(port):
    isn = {True: 0x10000000, False: 0xfffffffe}   # the server's wraps
    frames = [(True, syn(True, isn[True], 0, 2)), (False, syn(False, isn[False], isn[True], 2))]
    seq = {True: isn[True] + 1, False: isn[False] + 1}
    out = []
    for cli, chunk in flights():
        out.append((cli, v1_data(seq[not cli] & 0xffffffff, seq[cli] & 0xffffffff, chunk)))
        seq[cli] += 1
    srv = [i for i, (c, _) in enumerate(out) if not c]
    out[srv[0]], out[srv[1]] = out[srv[1]], out[srv[0]]
    cli = [i for i, (c, _) in enumerate(out) if c]
    out.insert(cli[1] + 1, out[cli[1]])
    return [(c, port, b) for c, b in frames + out]


def rdpeudp2(port):
    frames = [(True, syn(True, 0x20000000, 0, 0x101)),
              (False, syn(False, 0x30000000, 0x20000000, 0x101))]
    n = {True: 0, False: 0}
    for i, (cli, chunk) in enumerate(flights()):
        n[cli] += 1
        frames.append((cli, v2_packet(100 + n[cli], n[cli], chunk)))
        if i == 0:
            frames.append((True, v2_packet(200, 0, b"", dummy=True)))
    return [(c, port, b) for c, b in frames]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cap = pcaptool.Capture(pcaptool.LINK_ETH, 65535)
    for i, (cli, port, payload) in enumerate(reliable(50001) + rdpeudp2(50002)):
        fr = udp_frame(cli, port, payload, 0x100 + i)
        cap.records.append((T0 + i * 1_000_000, fr, len(fr)))
    pcaptool.write_pcap(sys.argv[1], cap)


if __name__ == "__main__":
    main()
