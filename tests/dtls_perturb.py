#!/usr/bin/env python3
"""Derives a hard-to-reassemble DTLS capture from a real one (deterministic).

    dtls_perturb.py IN.pcap OUT.pcap [SEED]

IN is an Ethernet/IPv4/UDP capture of one DTLS session (tests/mkpcaps_dtls.sh).
In OUT, every epoch-0 handshake message is cut into fragments of at most 90
bytes, each in a record of its own (RFC 6347 4.2.2); within each flight (the
datagrams one side sends before the other answers) the fragments are
shuffled, one fragment of each flight is sent twice (a retransmission), a
fragment overlapping the flight's longest one goes first (so that it is
overlapped), and the records are packed two or three to a datagram.  Other records keep their place after the flight's
handshake fragments.  A reassembler must give the same messages as for IN.
"""
import random
import struct
import sys


def read_pcap(path):
    d = open(path, "rb").read()
    hdr, off, out = d[:24], 24, []
    while off + 16 <= len(d):
        ts, tu, cl, wl = struct.unpack("<IIII", d[off:off + 16])
        out.append((ts, tu, d[off + 16:off + 16 + cl]))
        off += 16 + cl
    return hdr, out


def ip_sum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def split(frame):
    """Ethernet + IPv4 + UDP: (link+ip header template, udp ports, payload)."""
    ihl = (frame[14] & 15) * 4
    l4 = 14 + ihl
    return frame[:l4], frame[l4:l4 + 4], frame[l4 + 8:]


def build(template, ports, payload):
    eth, ip = template[:14], bytearray(template[14:])
    udp = ports + struct.pack("!HH", 8 + len(payload), 0) + payload
    ip[2:4] = struct.pack("!H", len(ip) + len(udp))
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack("!H", ip_sum(bytes(ip)))
    return eth + bytes(ip) + udp


def records(payload):
    off, out = 0, []
    while off + 13 <= len(payload):
        ln = struct.unpack("!H", payload[off + 11:off + 13])[0]
        out.append(payload[off:off + 13 + ln])
        off += 13 + ln
    return out


def frag_record(rec, seq, t, mlen, mseq, off, body):
    hs = bytes([t]) + mlen.to_bytes(3, "big") + struct.pack("!H", mseq) + \
        off.to_bytes(3, "big") + len(body).to_bytes(3, "big") + body
    return rec[:3] + rec[3:5] + seq.to_bytes(6, "big") + struct.pack("!H", len(hs)) + hs


def main():
    src, dst = sys.argv[1], sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    hdr, pkts = read_pcap(src)
    # Flights: runs of datagrams from the same sender.
    flights = []
    for ts, tu, fr in pkts:
        tmpl, ports, pl = split(fr)
        if flights and flights[-1]["ports"] == ports:
            flights[-1]["recs"] += records(pl)
        else:
            flights.append({"tmpl": tmpl, "ports": ports, "ts": (ts, tu), "recs": records(pl)})
    out = []
    seq = {}
    for fl in flights:
        frags, rest, msgs = [], [], {}
        for rec in fl["recs"]:
            epoch = struct.unpack("!H", rec[3:5])[0]
            if rec[0] != 22 or epoch != 0:
                rest.append(rec)
                continue
            body = rec[13:]
            while len(body) >= 12:
                t, mlen = body[0], int.from_bytes(body[1:4], "big")
                mseq = struct.unpack("!H", body[4:6])[0]
                fo, fl_ = int.from_bytes(body[6:9], "big"), int.from_bytes(body[9:12], "big")
                m = msgs.setdefault(mseq, [rec, t, mlen, bytearray(mlen)])
                m[3][fo:fo + fl_] = body[12:12 + fl_]
                body = body[12 + fl_:]
        for mseq, (rec, t, mlen, msg) in sorted(msgs.items()):
            msg = bytes(msg)
            for o in range(0, max(mlen, 1), 90):
                frags.append((rec, t, mlen, mseq, o, msg[o:o + 90], msg))
        if len(frags) > 2:
            rnd.shuffle(frags)
            frags.append(frags[rnd.randrange(len(frags))])          # sent twice
            # a fragment overlapping the longest one: from 30 bytes into it, 60 long
            r0 = max(frags, key=lambda f: len(f[5]))
            o = r0[4] + 30
            if o < r0[2]:
                frags.insert(0, r0[:4] + (o, r0[6][o:o + 60], r0[6]))
        key = (fl["tmpl"], fl["ports"])
        recs = []
        for rec, t, mlen, mseq, o, b, _ in frags:
            seq[key] = seq.get(key, 0) + 1
            recs.append(frag_record(rec, seq[key], t, mlen, mseq, o, b))
        recs += rest
        i = 0
        while i < len(recs):
            k = rnd.choice((2, 3))
            out.append((fl["ts"], build(fl["tmpl"], fl["ports"], b"".join(recs[i:i + k]))))
            i += k
    with open(dst, "wb") as f:
        f.write(hdr)
        for n, ((ts, tu), fr) in enumerate(out):
            f.write(struct.pack("<IIII", ts, tu + n, len(fr), len(fr)) + fr)


if __name__ == "__main__":
    main()
