#!/usr/bin/python3
"""ovpn_perturb: an OpenVPN-over-UDP capture whose control channel arrives
as a lossy network delivers it (standard library only).

  ovpn_perturb.py IN OUT

IN is a capture of one OpenVPN connection over UDP made by
tests/mkpcaps_ovpn.sh (Ethernet, IPv4, server port 1194).  In OUT the
server's first three P_CONTROL_V1 datagrams (its TLS flight, cut into
control packets) come in the order 3, 1, 2, and the client's first
P_CONTROL_V1 datagram (its ClientHello) comes again after them, as a
retransmission.  Timestamps stay in capture order; datagrams are not
changed.  A reader must rebuild the same TLS stream as from IN.
"""
import struct
import sys


def read_pcap(path):
    d = open(path, "rb").read()
    hdr, off, out = d[:24], 24, []
    while off + 16 <= len(d):
        ts, tu, cl, wl = struct.unpack("<IIII", d[off:off + 16])
        out.append([ts, tu, wl, d[off + 16:off + 16 + cl]])
        off += 16 + cl
    return hdr, out


def udp(frame):
    """(source port, first payload byte) of an Ethernet/IPv4/UDP frame."""
    if len(frame) < 14 + 20 + 9 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return None
    l4 = 14 + (frame[14] & 15) * 4
    return struct.unpack("!H", frame[l4:l4 + 2])[0], frame[l4 + 8]


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    hdr, recs = read_pcap(argv[0])
    ctl = [i for i, r in enumerate(recs) if udp(r[3]) and udp(r[3])[1] >> 3 == 4]
    srv = [i for i in ctl if udp(recs[i][3])[0] == 1194][:3]
    cli = [i for i in ctl if udp(recs[i][3])[0] != 1194][:1]
    if len(srv) < 3 or not cli:
        sys.exit("ovpn_perturb: fewer control packets than expected in " + argv[0])
    frames = [r[2:] for r in recs]
    order = list(range(len(recs)))
    order[srv[0]], order[srv[1]], order[srv[2]] = srv[2], srv[0], srv[1]
    order.insert(srv[2] + 1, cli[0])
    times = [r[:2] for r in recs]
    times.insert(srv[2] + 1, times[srv[2]])
    with open(argv[1], "wb") as f:
        f.write(hdr)
        for t, i in zip(times, order):
            wl, fr = frames[i]
            f.write(struct.pack("<IIII", t[0], t[1], len(fr), wl) + fr)


if __name__ == "__main__":
    main(sys.argv[1:])
