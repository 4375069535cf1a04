#!/usr/bin/python3
"""Build large, realistic benchmark captures from the project's own real
sessions (pcaps/), deterministically (same seed, same bytes).

Each template TCP connection is replayed many times with rewritten addresses,
ports and sequence numbers, and connections are interleaved in time as on a
busy link.  Optionally, bulk application data is appended after a session's
handshake (TLS application_data records in MSS-sized segments), so that most
bytes on the "mixed" capture are encrypted payload, as on a real link.

  gen.py mixed OUT.pcap      about 1 GiB, about 20k sessions, some of several MB
  gen.py handshake OUT.pcap  about 200 MB, about 27k short sessions, failures included
  gen.py corpus-mixed OUT.pcap      as mixed, from the TLS sessions of ../shared/corpus
  gen.py corpus-handshake OUT.pcap  as handshake, from the TLS sessions of ../shared/corpus
  gen.py small OUT.pcap      a few MB: the CI smoke test
  gen.py flood N OUT.pcap    N SYNs from distinct sources (flow-table stress)
  gen.py concurrent N OUT.pcap  N connections open at once (scaling table)
  gen.py hello_flood N M OUT.pcap  N SYN-only connections from distinct sources
                              interleaved with M handshakes whose ClientHello
                              is never answered (memory budget, issue 20)
  gen.py sessions N OUT.pcap    N sessions as in the handshake capture (tests)
"""
import glob
import heapq
import os
import random
import struct
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests"))
import pcaptool  # noqa: E402  (the project's pcap reader)

MSS = 1448


def tcp_packets(path, ipv6=False):
    """The TCP packets of a capture as dicts (pcaptool decodes them); IPv6
    ones too with ipv6 (the replay rewrites every address to IPv4)."""
    cap = pcaptool.read_pcap(path)
    out = []
    for rec in cap.records:
        p = pcaptool.parse(rec, cap.linktype)
        if not p or (p.ipv != 4 and not ipv6):
            continue
        t = p.tcp
        out.append(dict(ts=p.ts, src=(p.iph["src"], t["sport"]), dst=(p.iph["dst"], t["dport"]),
                        seq=t["seq"], ack=t["ack"], flags=t["flags"], win=t["win"],
                        payload=bytes(p.payload)))
    return out


def connections(path, ipv6=False):
    """Split a capture into TCP connections: lists of packets with
    direction 0 (initiator) / 1, relative sequence numbers and times."""
    conns = {}
    order = []
    for p in tcp_packets(path, ipv6):
        key = tuple(sorted([p["src"], p["dst"]]))
        if key not in conns:
            conns[key] = dict(init=p["src"], isn={}, pkts=[], t0=p["ts"])
            order.append(key)
        c = conns[key]
        d = 0 if p["src"] == c["init"] else 1
        if d not in c["isn"]:
            c["isn"][d] = (p["seq"] - (0 if p["flags"] & 2 else 0)) & 0xffffffff
        c["pkts"].append(p | dict(dir=d))
    res = []
    for key in order:
        c = conns[key]
        pk = []
        for p in c["pkts"]:
            d = p["dir"]
            rseq = (p["seq"] - c["isn"][d]) & 0xffffffff
            other = c["isn"].get(1 - d)
            rack = (p["ack"] - other) & 0xffffffff if (other is not None and p["flags"] & 0x10) else 0
            pk.append((p["ts"] - c["t0"], d, p["flags"], rseq, rack, p["win"], p["payload"]))
        res.append(pk)
    return res


class Writer:
    """checksums=True fills in the IPv4 and TCP checksums (a stack would
    hold back a segment whose checksum is wrong until it is acknowledged)."""

    def __init__(self, path, checksums=False):
        self.checksums = checksums
        self.f = open(path, "wb", buffering=1 << 22)
        # nanosecond pcap, Ethernet
        self.f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, 1))
        self.bytes = 0
        self.packets = 0

    def packet(self, ts, sip, dip, sport, dport, seq, ack, flags, win, payload, ipid):
        tcp = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                          5 << 4, flags, win, 0, 0)
        tot = 20 + len(tcp) + len(payload)
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, tot, ipid & 0xffff, 0x4000, 64, 6, 0, sip, dip)
        if self.checksums:
            ip = ip[:10] + struct.pack(">H", pcaptool.csum(ip)) + ip[12:]
            pseudo = sip + dip + struct.pack(">BBH", 0, 6, len(tcp) + len(payload))
            tcp = tcp[:16] + struct.pack(">H", pcaptool.csum(pseudo + tcp + payload)) + tcp[18:]
        eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
        frame = eth + ip + tcp + payload
        self.f.write(struct.pack("<IIII", ts // 10**9, ts % 10**9, len(frame), len(frame)))
        self.f.write(frame)
        self.bytes += len(frame) + 16
        self.packets += 1

    def close(self):
        self.f.close()


def session_events(tmpl, sid, start, rng, bulk, blob):
    """Packets of one replayed connection: (ts, fields...) in time order."""
    cip = bytes([10, (sid >> 16) & 255, (sid >> 8) & 255, sid & 255])
    sip = bytes([172, 16 + (sid % 8), (sid >> 8) & 255, (sid * 7) & 255])
    cport = 1024 + sid % 60000
    sport = 443 if sid % 5 else 8443
    isn = [rng.getrandbits(32), rng.getrandbits(32)]
    ends = [0, 0]
    last_ts = 0
    fin = []
    for (t, d, flags, rseq, rack, win, pl) in tmpl:
        ts = start + t
        if flags & 0x05 and bulk:          # hold FIN/RST until the bulk data is out
            fin.append((t, d, flags, rseq, rack, win, pl))
            continue
        src, dst = (cip, sip) if d == 0 else (sip, cip)
        sp, dp = (cport, sport) if d == 0 else (sport, cport)
        ends[d] = max(ends[d], (rseq + len(pl) + (1 if flags & 2 else 0)))
        yield (ts, src, dst, sp, dp, isn[d] + rseq, isn[1 - d] + rack, flags, win, pl)
        last_ts = ts
    if bulk:
        # Server -> client application data records, 16 KiB each, in MSS segments.
        ts = last_ts
        sent = 0
        while sent < bulk:
            rec_len = min(16384, bulk - sent)
            off = rng.randrange(0, len(blob) - rec_len)
            rec = b"\x17\x03\x03" + struct.pack(">H", rec_len) + blob[off:off + rec_len]
            for i in range(0, len(rec), MSS):
                seg = rec[i:i + MSS]
                ts += 12000   # 12 us apart: about 1 Gbit/s
                yield (ts, sip, cip, sport, cport, isn[1] + ends[1], isn[0] + ends[0], 0x18, 65535, seg)
                ends[1] += len(seg)
            sent += rec_len
            ts += 40000
            yield (ts, cip, sip, cport, sport, isn[0] + ends[0], isn[1] + ends[1], 0x10, 65535, b"")
        for (t, d, flags, rseq, rack, win, pl) in fin:
            ts += 1000
            src, dst = (cip, sip) if d == 0 else (sip, cip)
            sp, dp = (cport, sport) if d == 0 else (sport, cport)
            yield (ts, src, dst, sp, dp, isn[d] + ends[d], isn[1 - d] + ends[1 - d], flags, win, pl)


def build(out, templates, n_sessions, bulk_of, seed, spacing_ns):
    rng = random.Random(seed)
    blob = random.Random(seed + 1).randbytes(1 << 20)
    w = Writer(out)
    heap = []
    t0 = 1764000000 * 10**9
    gens = {}
    next_sid = 0
    ipid = 0

    def start(sid, ts):
        tmpl = templates[sid % len(templates)]
        g = session_events(tmpl, sid, ts, rng, bulk_of(sid, rng), blob)
        ev = next(g, None)
        if ev:
            gens[sid] = g
            heapq.heappush(heap, (ev[0], sid, ev))

    # Start sessions at a steady rate; each runs its own timeline.
    starts = [(t0 + i * spacing_ns + rng.randrange(spacing_ns), i) for i in range(n_sessions)]
    si = 0
    while heap or si < len(starts):
        if si < len(starts) and (not heap or starts[si][0] <= heap[0][0]):
            start(starts[si][1], starts[si][0])
            si += 1
            continue
        ts, sid, ev = heapq.heappop(heap)
        ipid += 1
        w.packet(ev[0], *ev[1:], ipid=ipid)
        nxt = next(gens[sid], None)
        if nxt:
            heapq.heappush(heap, (max(nxt[0], ts), sid, nxt))
        else:
            del gens[sid]
    w.close()
    return w.packets, w.bytes


def load_templates(patterns):
    t = []
    for pat in patterns:
        for path in sorted(glob.glob(os.path.join(TOP, "pcaps", pat))):
            for c in connections(path):
                if any(p[6] for p in c):     # has payload
                    t.append(c)
    if not t:
        sys.exit("gen.py: no template sessions found in pcaps/ (%s)" % ", ".join(patterns))
    return t


CORPUS = os.path.join(os.path.dirname(TOP), "shared", "corpus")
MAX_GAP_NS = 200_000_000        # longer pauses of a corpus session are cut to this


def is_tls_session(c):
    """A whole TLS connection: it opens with the client's SYN, the client's
    first bytes are a handshake record and the server answers with a
    handshake or alert record."""
    first = {}
    for (_, d, _, _, _, _, pl) in c:
        if pl and d not in first:
            first[d] = pl
    return (c[0][1] == 0 and c[0][2] & 0x12 == 0x02 and
            first.get(0, b"")[:2] == b"\x16\x03" and first.get(1, b"")[:2] in (b"\x16\x03", b"\x15\x03"))


def corpus_templates():
    """TLS connections of the shared corpus (../shared/corpus: captures of
    many client and server stacks published by other projects), in
    MANIFEST order, without duplicates (same bytes both ways) and with
    pauses over MAX_GAP_NS cut, so that a replayed session lasts seconds,
    not the hours between the packets of some test captures."""
    manifest = os.path.join(CORPUS, "MANIFEST.tsv")
    if not os.path.exists(manifest):
        sys.exit("gen.py: the shared corpus is not at %s" % CORPUS)
    with open(manifest) as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    out, seen = [], set()
    for r in rows:
        if len(r) < 17 or r[15] not in ("pcap", "pcapng"):
            continue
        try:
            conns = connections(os.path.join(CORPUS, r[4]), ipv6=True)
        except (ValueError, IndexError, KeyError, struct.error):
            continue          # a capture pcaptool cannot read: skipped
        for c in conns:
            if not is_tls_session(c):
                continue
            key = hash(tuple((p[1], p[6]) for p in c if p[6]))
            if key in seen:
                continue
            seen.add(key)
            t, last, pk = 0, 0, []
            for p in c:
                t += min(p[0] - last, MAX_GAP_NS)
                last = p[0]
                pk.append((t,) + p[1:])
            out.append(pk)
    return out


def flood(n, out):
    w = Writer(out)
    t0 = 1764000000 * 10**9
    for i in range(n):
        sip = struct.pack(">I", 0x0a000000 + i)
        w.packet(t0 + i * 1000, sip, b"\xac\x10\x00\x01", 1024 + i % 60000, 443,
                 i * 7919, 0, 0x02, 64240, b"", i)
    w.close()
    return w.packets, w.bytes


def client_hello(sni):
    """A TLS 1.2 record holding a ClientHello with SNI, ALPN h2 and two
    suites: enough for the record's server_name, JA3 and JA4."""
    name = struct.pack(">BH", 0, len(sni)) + sni
    ext = struct.pack(">HHH", 0, len(name) + 2, len(name)) + name
    ext += struct.pack(">HHHB", 16, 5, 3, 2) + b"h2"
    ext += struct.pack(">HHH", 10, 4, 2) + struct.pack(">H", 29)
    body = struct.pack(">H", 0x0303) + bytes(range(32)) + b"\x00" + struct.pack(">HHH", 4, 0xc02f, 0x009c) \
        + b"\x01\x00" + struct.pack(">H", len(ext)) + ext
    hs = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


def hello_flood(n, m, out):
    """n SYN-only connections from distinct sources 10.0.0.0/8, with a
    complete three-way handshake and a ClientHello (SNI h<i>.flood.test)
    from 100.64.0.0/10 after every n/m of them, 1 us apart; no server ever
    answers a hello."""
    w = Writer(out, checksums=True)
    t = 1764000000 * 10**9
    srv = b"\xac\x10\x00\x01"
    every = max(1, n // m) if m else n + 1
    h = 0
    for i in range(n):
        t += 1000
        w.packet(t, struct.pack(">I", 0x0a000000 + i), srv, 1024 + i % 60000, 443,
                 i * 7919, 0, 0x02, 64240, b"", i)
        if h < m and (i + 1) % every == 0:
            cip, port = struct.pack(">I", 0x64400000 + h), 1024 + h % 60000
            cs, ss = h * 104729, h * 15485863
            ch = client_hello(b"h%d.flood.test" % h)
            for a, b, sp, dp, seq, ack, fl, pl in (
                    (cip, srv, port, 443, cs, 0, 0x02, b""),
                    (srv, cip, 443, port, ss, cs + 1, 0x12, b""),
                    (cip, srv, port, 443, cs + 1, ss + 1, 0x10, b""),
                    (cip, srv, port, 443, cs + 1, ss + 1, 0x18, ch)):
                t += 1000
                w.packet(t, a, b, sp, dp, seq, ack, fl, 64240, pl, h)
            h += 1
    w.close()
    return w.packets, w.bytes


def concurrent(n, out):
    """n connections open at once: every three-way handshake first, then a
    keep-alive ACK on each, then every close; 1 us apart, so that all n are
    in the flow table together (the scaling table of README "Performance")."""
    w = Writer(out)
    t = 1764000000 * 10**9
    srv = b"\xac\x10\x00\x01"
    ends = [(struct.pack(">I", 0x0a000000 + i), 1024 + i % 60000, i * 7919, i * 104729)
            for i in range(n)]
    steps = [
        lambda c, s, p, cs, ss: [(c, s, p, 443, cs, 0, 0x02), (s, c, 443, p, ss, cs + 1, 0x12),
                                 (c, s, p, 443, cs + 1, ss + 1, 0x10)],
        lambda c, s, p, cs, ss: [(c, s, p, 443, cs + 1, ss + 1, 0x10)],
        lambda c, s, p, cs, ss: [(c, s, p, 443, cs + 1, ss + 1, 0x11),
                                 (s, c, 443, p, ss + 1, cs + 2, 0x11),
                                 (c, s, p, 443, cs + 2, ss + 2, 0x10)],
    ]
    for step in steps:
        for i, (cip, port, cseq, sseq) in enumerate(ends):
            for a, b, sp, dp, seq, ack, flags in step(cip, srv, port, cseq, sseq):
                t += 1000
                w.packet(t, a, b, sp & 0xffff, dp & 0xffff, seq & 0xffffffff,
                         ack & 0xffffffff, flags, 64240, b"", i)
    w.close()
    return w.packets, w.bytes


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    kind = sys.argv[1]
    ok = ["tls12*.pcap", "tls13*.pcap"]
    fails = ["alert_*.pcap", "reset*.pcap", "no_server_response*.pcap"]
    if kind == "flood":
        n, b = flood(int(sys.argv[2]), sys.argv[3])
    elif kind == "hello_flood":
        n, b = hello_flood(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif kind == "concurrent":
        n, b = concurrent(int(sys.argv[2]), sys.argv[3])
    elif kind == "mixed":
        tm = load_templates(ok)
        # 1 in 20 sessions carries 0.2-1.5 MB; the rest 2-16 KB: about 1 GiB.
        bulk = lambda sid, r: r.randrange(200000, 1500000) if sid % 20 == 0 else r.randrange(2000, 16000)
        n, b = build(sys.argv[2], tm, 20000, bulk, 1, 3_000_000)
    elif kind == "handshake":
        tm = load_templates(ok) + load_templates(fails)
        n, b = build(sys.argv[2], tm, 27000, lambda sid, r: 0, 2, 200_000)
    elif kind == "corpus-mixed":
        # The mixed recipe on the corpus's sessions.
        bulk = lambda sid, r: r.randrange(200000, 1500000) if sid % 20 == 0 else r.randrange(2000, 16000)
        n, b = build(sys.argv[2], corpus_templates(), 20000, bulk, 4, 3_000_000)
    elif kind == "corpus-handshake":
        # Short sessions: those with at most 32 KiB of payload (nine in ten).
        tm = [c for c in corpus_templates() if sum(len(p[6]) for p in c) <= 32768]
        n, b = build(sys.argv[2], tm, 27000, lambda sid, r: 0, 5, 200_000)
    elif kind == "sessions":
        # gen.py sessions N OUT: N handshake-benchmark sessions (tests).
        tm = load_templates(ok) + load_templates(fails)
        n, b = build(sys.argv[3], tm, int(sys.argv[2]), lambda sid, r: 0, 2, 200_000)
    elif kind == "small":
        tm = load_templates(ok) + load_templates(fails)
        bulk = lambda sid, r: r.randrange(1000, 200000) if sid % 4 == 0 else 0
        n, b = build(sys.argv[2], tm, 400, bulk, 3, 1_000_000)
    else:
        sys.exit(__doc__)
    print("%s: %d packets, %.1f MB" % (sys.argv[-1], n, b / 1e6))


if __name__ == "__main__":
    main()
