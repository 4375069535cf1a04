#!/usr/bin/python3
"""pcaptool: read, write and perturb the captures in pcaps/ (standard library only).

tests/mkpcaps.sh uses it to derive the hand-built and reassembly captures from
the real sessions it records; the reassembly tests may call it themselves.

  pcaptool.py summary FILE...             connections, stream digests and the TLS
                                          messages each side sent in the clear
  pcaptool.py perturb KIND IN OUT [--seed N]
        KIND: seg1 tiny reverse shuffle dup overlap_equal overlap_conflict
              gap_cert wrap midstream keepalive syn_data client_only
              server_only mix
  pcaptool.py edge KIND IN OUT [--seed N]
        KIND: raw null vlan qinq sll sll2 ipv4_options ipv6_exthdr frag4 frag6
              snap96 caplen0 cut bigendian linktype147
  pcaptool.py junk KIND OUT               text random empty
  pcaptool.py keep-conn IN N OUT          only the N-th TCP connection (0-based)
  pcaptool.py resum IN OUT                the same packets with IP and TCP checksums
                                          recomputed (after an edit in place)
  pcaptool.py evade KIND IN OUT           what an attacker on the path adds to a
                                          real session (see evade() for the kinds)
  pcaptool.py pcapng OUT IN... [--secrets KEYLOG]
                                          one interface per input, nanosecond
                                          timestamps, packets merged by time;
                                          KEYLOG embedded as a Decryption
                                          Secrets Block (TLS key log)

Every perturbation is deterministic for a given --seed (default 1).  Stream
preserving kinds (seg1 tiny reverse shuffle dup overlap_equal overlap_conflict
wrap midstream keepalive syn_data mix) give
the same two byte streams as their input; `summary` prints their SHA-256 so
that this can be checked.  Packets are rebuilt with consistent IP total
lengths, IPv4 identifications (renumbered per direction in output order), and
recomputed IP and TCP checksums.  Timestamps are kept, but made strictly
increasing in file order.
"""
import hashlib
import random
import re
import struct
import sys

# ---------------------------------------------------------------- file formats

LINK_NULL, LINK_ETH, LINK_RAW, LINK_LOOP = 0, 1, 101, 108
LINK_SLL, LINK_SLL2, LINK_IPV4, LINK_IPV6 = 113, 276, 228, 229


class Capture:
    """A capture in memory: link type, snaplen and (ts_ns, data, origlen) records."""

    def __init__(self, linktype=LINK_ETH, snaplen=262144, records=None):
        self.linktype = linktype
        self.snaplen = snaplen
        self.records = records if records is not None else []
        self.error = None        # why reading stopped early, if it did


def read_pcap(path):
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) >= 4 and buf[:4] == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(buf)
    if len(buf) < 24:
        raise ValueError("%s: not a capture file (%d bytes)" % (path, len(buf)))
    magic = buf[:4]
    table = {b"\xd4\xc3\xb2\xa1": ("<", 1000), b"\xa1\xb2\xc3\xd4": (">", 1000),
             b"\x4d\x3c\xb2\xa1": ("<", 1), b"\xa1\xb2\x3c\x4d": (">", 1)}
    if magic not in table:
        raise ValueError("%s: unknown magic %s" % (path, magic.hex()))
    e, mul = table[magic]
    _, _, _, _, snaplen, linktype = struct.unpack(e + "HHiIII", buf[4:24])
    cap = Capture(linktype & 0xffff, snaplen)
    off = 24
    while off < len(buf):
        if off + 16 > len(buf):
            cap.error = "truncated record header"
            break
        sec, frac, incl, orig = struct.unpack(e + "IIII", buf[off:off + 16])
        if off + 16 + incl > len(buf):
            cap.error = "truncated record"
            break
        cap.records.append((sec * 10**9 + frac * mul, buf[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return cap


def read_pcapng(buf):
    """Enough pcapng for our own files and tcpdump's: SHB, IDB, EPB, SPB, OPB."""
    cap = Capture()
    ifaces = []              # (linktype, ticks per second)
    e = "<"
    off = 0
    while off + 12 <= len(buf):
        btype = struct.unpack(e + "I", buf[off:off + 4])[0]
        if btype == 0x0a0d0d0a:
            e = "<" if buf[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack(e + "I", buf[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(buf):
            cap.error = "truncated block"
            break
        body = buf[off + 8:off + blen - 4]
        if btype == 1:
            lt, _, snap = struct.unpack(e + "HHI", body[:8])
            res = 10**6
            o = 8
            while o + 4 <= len(body):
                code, ln = struct.unpack(e + "HH", body[o:o + 4])
                if code == 0:
                    break
                if code == 9 and ln >= 1:
                    v = body[o + 4]
                    res = 2 ** (v & 0x7f) if v & 0x80 else 10 ** v
                o += 4 + ((ln + 3) & ~3)
            ifaces.append((lt, res))
            cap.linktype, cap.snaplen = lt, snap
        elif btype == 6:
            iid, hi, lo, incl, orig = struct.unpack(e + "IIIII", body[:20])
            lt, res = ifaces[iid]
            ticks = (hi << 32) | lo
            cap.records.append((ticks * 10**9 // res, body[20:20 + incl], orig, iid, lt))
        elif btype == 3:
            orig = struct.unpack(e + "I", body[:4])[0]
            cap.records.append((0, body[4:4 + orig], orig, 0, ifaces[0][0]))
        off += blen
    cap.ifaces = ifaces
    return cap


def write_pcap(path, cap, nano=False, big_endian=False, cut_at=None):
    e = ">" if big_endian else "<"
    magic = 0xa1b23c4d if nano else 0xa1b2c3d4
    out = bytearray(struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, cap.snaplen, cap.linktype))
    for rec in cap.records:
        ts, data, orig = rec[0], rec[1], rec[2]
        frac = ts % 10**9 if nano else (ts % 10**9) // 1000
        out += struct.pack(e + "IIII", ts // 10**9, frac, len(data), orig) + data
    if cut_at is not None:
        out = out[:cut_at]
    with open(path, "wb") as f:
        f.write(out)


def write_pcapng(path, caps, secrets=None):
    """One interface per capture, if_tsresol 9 (nanoseconds), packets by time."""

    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = len(body) + 12
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)

    def opt(code, val):
        return struct.pack("<HH", code, len(val)) + val + b"\0" * (-len(val) % 4)

    out = bytearray(block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1)
                          + opt(4, b"tlstap pcaptool.py") + opt(0, b"")))
    merged = []
    for iid, cap in enumerate(caps):
        out += block(1, struct.pack("<HHI", cap.linktype, 0, cap.snaplen)
                     + opt(2, b"if%d" % iid) + opt(9, b"\x09") + opt(0, b""))
        merged += [(r[0], iid, r[1], r[2]) for r in cap.records]
    if secrets is not None:
        # Decryption Secrets Block: secrets type "TLSK", length, the key log.
        out += block(0x0000000a, struct.pack("<II", 0x544c534b, len(secrets)) + secrets)
    merged.sort(key=lambda r: (r[0], r[1]))
    for ts, iid, data, orig in merged:
        out += block(6, struct.pack("<IIIII", iid, ts >> 32, ts & 0xffffffff, len(data), orig) + data)
    with open(path, "wb") as f:
        f.write(out)

# ---------------------------------------------------------------- packet model


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


class Pkt:
    """An Ethernet (optionally VLAN-tagged) IPv4/IPv6 TCP packet, rebuildable."""

    def __init__(self, ts, l2, ipv, iph, ext, tcp, opts, payload):
        self.ts, self.l2, self.ipv = ts, l2, ipv
        self.iph = dict(iph)       # v4: tos id ff ttl src dst opts; v6: vtf hlim src dst
        self.ext = list(ext)       # v6 extension headers: (type, bytes incl. next-header byte)
        self.tcp = dict(tcp)       # sport dport seq ack flags win urg
        self.opts, self.payload = opts, payload
        self.raw_frag = None       # serialised IP bytes for hand-made fragments

    def copy(self, **kw):
        p = Pkt(self.ts, self.l2, self.ipv, self.iph, self.ext, self.tcp, self.opts, self.payload)
        p.dir = getattr(self, "dir", 0)
        for k, v in kw.items():
            setattr(p, k, v)
        return p

    def key(self):
        return (self.iph["src"], self.tcp["sport"], self.iph["dst"], self.tcp["dport"])

    def seglen(self):
        f = self.tcp["flags"]
        return len(self.payload) + (1 if f & 0x02 else 0) + (1 if f & 0x01 else 0)

    def tcp_bytes(self):
        t = self.tcp
        opts = self.opts + b"\0" * (-len(self.opts) % 4)
        hlen = 20 + len(opts)
        hdr = struct.pack("!HHIIHHHH", t["sport"], t["dport"], t["seq"] & 0xffffffff,
                          t["ack"] & 0xffffffff, ((hlen // 4) << 12) | t["flags"], t["win"], 0,
                          t["urg"]) + opts
        seg = hdr + self.payload
        if self.ipv == 4:
            pseudo = self.iph["src"] + self.iph["dst"] + struct.pack("!HH", 6, len(seg))
        else:
            pseudo = self.iph["src"] + self.iph["dst"] + struct.pack("!IxxxB", len(seg), 6)
        c = csum(pseudo + seg)
        if getattr(self, "bad_tcp_sum", False):
            c ^= 0x5a5a
        return seg[:16] + struct.pack("!H", c) + seg[18:]

    def ip_bytes(self):
        if self.raw_frag is not None:
            return self.raw_frag
        seg = self.tcp_bytes()
        h = self.iph
        if self.ipv == 4:
            opts = h["opts"] + b"\0" * (-len(h["opts"]) % 4)
            ihl = 5 + len(opts) // 4
            hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, h["tos"], ihl * 4 + len(seg), h["id"] & 0xffff,
                              h["ff"], h["ttl"], 6, 0, h["src"], h["dst"]) + opts
            if getattr(self, "ip_len_zero", False):
                hdr = hdr[:2] + b"\0\0" + hdr[4:]
            c = csum(hdr) ^ (0x5a5a if getattr(self, "bad_ip_sum", False) else 0)
            hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
            return hdr + seg
        chain = b""
        types = [t for t, _ in self.ext] + [6]
        for i, (_, body) in enumerate(self.ext):
            chain += bytes([types[i + 1]]) + body[1:]
        first = types[0]
        hdr = struct.pack("!IHBB16s16s", h["vtf"], len(chain) + len(seg), first, h["hlim"], h["src"], h["dst"])
        return hdr + chain + seg

    def frame(self):
        return self.l2 + self.ip_bytes()


def split_l2(data, linktype):
    """(link header incl. its protocol field, ethertype-like protocol, network bytes)."""
    if linktype == LINK_ETH:
        o, et = 12, None
        while o + 2 <= len(data):
            et = struct.unpack("!H", data[o:o + 2])[0]
            o += 2
            if et in (0x8100, 0x88a8, 0x9100):
                o += 2
                continue
            break
        return data[:o], et, data[o:]
    if linktype == LINK_SLL and len(data) >= 16:
        return data[:16], struct.unpack("!H", data[14:16])[0], data[16:]
    if linktype == LINK_SLL2 and len(data) >= 20:
        return data[:20], struct.unpack("!H", data[0:2])[0], data[20:]
    if linktype in (LINK_RAW, 12, 14, LINK_IPV4, LINK_IPV6) and data:
        return b"", 0x0800 if data[0] >> 4 == 4 else 0x86dd, data
    if linktype in (LINK_NULL, LINK_LOOP) and len(data) >= 4:
        fam = struct.unpack("!I" if linktype == LINK_LOOP else "<I", data[:4])[0]
        if fam > 0xffff:
            fam = struct.unpack(">I", data[:4])[0]
        return data[:4], 0x0800 if fam == 2 else 0x86dd, data[4:]
    return data, None, b""


def parse(rec, linktype, frags=None):
    """A Pkt from one capture record, or None if it is not (reassemblable) TCP."""
    ts, data = rec[0], rec[1]
    l2, et, net = split_l2(data, linktype)
    if et == 0x0800 and len(net) >= 20:
        ihl = (net[0] & 15) * 4
        tot, ident, ff, ttl, proto = struct.unpack("!HHHBB", net[2:10])
        net = net[:tot]
        if ff & 0x3fff:
            if frags is None:
                return None
            whole = frags.add(("4", net[12:20], ident), (ff & 0x1fff) * 8, not ff & 0x2000, net[ihl:])
            if whole is None:
                return None
            net = net[:2] + struct.pack("!H", ihl + len(whole)) + net[4:6] + b"\0\0" + net[8:ihl] + whole
            ff = 0
        if proto != 6:
            return None
        iph = dict(tos=net[1], id=ident, ff=ff, ttl=ttl, src=net[12:16], dst=net[16:20], opts=net[20:ihl])
        return tcp_from(ts, l2, 4, iph, [], net[ihl:])
    if et == 0x86dd and len(net) >= 40:
        vtf, plen, nh, hlim = struct.unpack("!IHBB", net[:8])
        src, dst = net[8:24], net[24:40]
        rest = net[40:40 + plen]
        ext = []
        while nh in (0, 43, 60, 44) and len(rest) >= 8:
            if nh == 44:
                if frags is None:
                    return None
                off_m = struct.unpack("!H", rest[2:4])[0]
                ident = struct.unpack("!I", rest[4:8])[0]
                whole = frags.add(("6", src + dst, ident), off_m & 0xfff8, not off_m & 1, rest[8:])
                if whole is None:
                    return None
                nh, rest = rest[0], whole
                continue
            ln = (rest[1] + 1) * 8
            ext.append((nh, rest[:ln]))
            nh, rest = rest[0], rest[ln:]
        if nh != 6:
            return None
        return tcp_from(ts, l2, 6, dict(vtf=vtf, hlim=hlim, src=src, dst=dst), ext, rest)
    return None


def tcp_from(ts, l2, ipv, iph, ext, seg):
    if len(seg) < 20:
        return None
    sport, dport, seq, ack, offfl, win, _, urg = struct.unpack("!HHIIHHHH", seg[:20])
    hlen = (offfl >> 12) * 4
    tcp = dict(sport=sport, dport=dport, seq=seq, ack=ack, flags=offfl & 0x1ff, win=win, urg=urg)
    return Pkt(ts, l2, ipv, iph, ext, tcp, seg[20:hlen], seg[hlen:])


class Frags:
    """IP fragment reassembly for `summary` (no timeouts: test files are small)."""

    def __init__(self):
        self.parts = {}

    def add(self, key, off, last, data):
        p = self.parts.setdefault(key, {"pieces": {}, "end": None})
        p["pieces"][off] = data
        if last:
            p["end"] = off + len(data)
        if p["end"] is None:
            return None
        buf = bytearray(p["end"])
        have = 0
        for o in sorted(p["pieces"]):
            if o > have:
                return None
            d = p["pieces"][o]
            buf[o:o + len(d)] = d
            have = max(have, o + len(d))
        if have < p["end"]:
            return None
        del self.parts[key]
        return bytes(buf)


def load_session(path):
    """Packets of the first TCP connection in an Ethernet capture; client = SYN sender."""
    cap = read_pcap(path)
    if cap.linktype != LINK_ETH:
        sys.exit("pcaptool: %s: perturbations need an Ethernet capture" % path)
    pkts = [p for p in (parse(r, cap.linktype) for r in cap.records) if p]
    if not pkts:
        sys.exit("pcaptool: %s: no TCP packets" % path)
    syn = next((p for p in pkts if p.tcp["flags"] & 0x12 == 0x02), pkts[0])
    ck = syn.key()
    sk = (ck[2], ck[3], ck[0], ck[1])
    pkts = [p for p in pkts if p.key() in (ck, sk)]
    for p in pkts:
        p.dir = 0 if p.key() == ck else 1
    return cap, pkts


def save(path, cap, pkts, renumber=True):
    """Write pkts: IPv4 ids renumbered per direction, strictly increasing times."""
    if renumber:
        nextid = {}
        for p in pkts:
            if p.ipv == 4 and p.raw_frag is None:
                d = getattr(p, "dir", 0)
                if d not in nextid:
                    nextid[d] = p.iph["id"]
                p.iph = dict(p.iph, id=nextid[d] & 0xffff)
                nextid[d] += 1
    last = -1
    recs = []
    for p in pkts:
        ts = max(p.ts, last + 1000)
        last = ts
        f = p.frame()
        recs.append((ts, f, len(f)))
    write_pcap(path, Capture(cap.linktype, cap.snaplen, recs))

# ---------------------------------------------------------------- TCP streams


def isn_of(pkts, d):
    """Sequence number of stream offset 0 in direction d (SYN + 1, else lowest seen)."""
    for p in pkts:
        if p.dir == d and p.tcp["flags"] & 0x02:
            return (p.tcp["seq"] + 1) & 0xffffffff
    seqs = [p.tcp["seq"] for p in pkts if p.dir == d and p.payload]
    if not seqs:
        return 0
    base = seqs[0]
    return min(seqs, key=lambda s: ((s - base + 2**31) & 0xffffffff) - 2**31)


def offset(p, isn):
    return offset_of(p.tcp["seq"], isn)


def offset_of(seq, isn):
    return ((seq - isn + 2**31) & 0xffffffff) - 2**31


def stream(pkts, d):
    """First-arrival-wins byte stream of direction d: (bytes, holes, conflicts)."""
    isn = isn_of(pkts, d)
    buf, have = bytearray(), bytearray()
    conflicts = 0
    for p in pkts:
        if p.dir != d or not p.payload:
            continue
        o = offset(p, isn) + (1 if p.tcp["flags"] & 0x02 else 0)    # data on SYN
        if o < 0:
            continue
        end = o + len(p.payload)
        if end > len(buf):
            buf += b"\0" * (end - len(buf))
            have += b"\0" * (end - len(have))
        for i, b in enumerate(p.payload):
            if have[o + i]:
                conflicts += buf[o + i] != b
            else:
                buf[o + i], have[o + i] = b, 1
    holes = have.count(0)
    return bytes(buf), holes, conflicts


def split_at(pkts, d, cuts):
    """Split direction d's data segments at the given stream offsets."""
    isn = isn_of(pkts, d)
    out = []
    for p in pkts:
        if p.dir != d or not p.payload:
            out.append(p)
            continue
        o = offset(p, isn)
        inner = sorted(c - o for c in cuts if o < c < o + len(p.payload))
        out += pieces(p, inner)
    return out


def pieces(p, inner):
    """p cut at the relative offsets in inner; PSH and FIN only on the last piece."""
    bounds = [0] + inner + [len(p.payload)]
    res = []
    for i in range(len(bounds) - 1):
        a, b = bounds[i], bounds[i + 1]
        last = i == len(bounds) - 2
        fl = p.tcp["flags"] if last else p.tcp["flags"] & ~0x09
        q = p.copy(payload=p.payload[a:b])
        q.tcp = dict(p.tcp, seq=(p.tcp["seq"] + a) & 0xffffffff, flags=fl)
        q.dir = p.dir
        res.append(q)
    return res


def resegment(pkts, size_fn):
    """Cut every data segment; size_fn(direction, stream offset) gives each piece's length."""
    isn = {d: isn_of(pkts, d) for d in (0, 1)}
    out = []
    for p in pkts:
        if not p.payload:
            out.append(p)
            continue
        o = offset(p, isn[p.dir])
        inner, pos = [], 0
        while True:
            pos += max(1, size_fn(p.dir, o + pos))
            if pos >= len(p.payload):
                break
            inner.append(pos)
        out += pieces(p, inner)
    return out


def runs(pkts):
    """Index ranges of maximal runs of same-direction data packets (no SYN/FIN/RST)."""
    res, start = [], None
    for i, p in enumerate(pkts + [None]):
        ok = p is not None and p.payload and not p.tcp["flags"] & 0x07
        if ok and start is not None and pkts[start].dir == p.dir:
            continue
        if start is not None:
            res.append((start, i))
        start = i if ok else None
    return res


def in_windows(pkts, win, fn):
    out = list(pkts)
    for a, b in runs(pkts):
        for w in range(a, b, win):
            chunk = out[w:min(w + win, b)]
            out[w:min(w + win, b)] = fn(chunk)
    return out

# ---------------------------------------------------------------- TLS view


def tls_records(data):
    """(content type, version, body) of each complete record, and the leftover count."""
    recs, o = [], 0
    while o + 5 <= len(data):
        ct, ver, ln = struct.unpack("!BHH", data[o:o + 5])
        if o + 5 + ln > len(data):
            break
        recs.append((ct, ver, data[o + 5:o + 5 + ln], o))
        o += 5 + ln
    return recs, len(data) - o


def handshake_msgs(recs):
    """Plaintext handshake messages (type, body, stream offset of the message)."""
    buf, starts, out = b"", [], []
    ccs = False
    for ct, ver, body, o in recs:
        ccs = ccs or ct == 20
        if ct != 22:
            continue
        # After ChangeCipherSpec, TLS <= 1.2 handshake records are encrypted;
        # only a whole ClientHello or ServerHello (TLS 1.3 after HelloRetryRequest,
        # behind a compatibility CCS) is still in the clear.
        if ccs and not (len(body) >= 4 and body[0] in (1, 2) and
                        struct.unpack("!I", b"\0" + body[1:4])[0] == len(body) - 4):
            continue
        for i in range(len(body)):
            starts.append(o + 5 + i)
        buf += body
    o = 0
    while o + 4 <= len(buf):
        t = buf[o]
        ln = struct.unpack("!I", b"\0" + buf[o + 1:o + 4])[0]
        if o + 4 + ln > len(buf):
            break
        out.append((t, buf[o + 4:o + 4 + ln], starts[o]))
        o += 4 + ln
    return out


def exts(body, o):
    res = {}
    if o + 2 > len(body):
        return res
    end = o + 2 + struct.unpack("!H", body[o:o + 2])[0]
    o += 2
    while o + 4 <= end:
        t, ln = struct.unpack("!HH", body[o:o + 4])
        res.setdefault(t, body[o + 4:o + 4 + ln])
        o += 4 + ln
    return res


HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
HS_NAMES = {0: "hello_request", 1: "client_hello", 2: "server_hello", 4: "new_session_ticket",
            8: "encrypted_extensions", 11: "certificate", 12: "server_key_exchange",
            13: "certificate_request", 14: "server_hello_done", 15: "certificate_verify",
            16: "client_key_exchange", 20: "finished", 22: "certificate_status"}


def describe(data):
    """Words for what a byte stream shows in the clear."""
    recs, left = tls_records(data)
    words = []
    if not recs:
        return "no TLS records" + (" (%d bytes)" % len(data) if data else "")
    for ct, ver, body, _ in recs:
        if ct == 21 and len(body) == 2:
            words.append("alert(%d,%d)" % (body[0], body[1]))
        elif ct == 20:
            words.append("ccs")
        elif ct == 23:
            words.append("appdata")
    w2 = []
    for t, body, _ in handshake_msgs(recs):
        name = HS_NAMES.get(t, "hs%d" % t)
        if t == 1 and len(body) > 38:
            sid = body[34]
            o = 35 + sid
            ncs = struct.unpack("!H", body[o:o + 2])[0]
            o += 2 + ncs
            o += 1 + body[o]
            e = exts(body, o)
            extra = ["v=%04x" % struct.unpack("!H", body[:2])[0]]
            if 0 in e and len(e[0]) > 5:
                extra.append("sni=" + e[0][5:].decode("latin-1"))
            if 43 in e:
                extra.append("sv=" + e[43][1:].hex())
            if 51 in e and len(e[51]) >= 4:
                extra.append("ks=%04x" % struct.unpack("!H", e[51][2:4])[0])
            if 41 in e:
                extra.append("psk")
            if 35 in e and e[35]:
                extra.append("ticket")
            if sid:
                extra.append("sid")
            name += "[" + ",".join(extra) + "]"
        elif t == 2 and len(body) > 38:
            sid = body[34]
            o = 35 + sid
            cs = struct.unpack("!H", body[o:o + 2])[0]
            e = exts(body, o + 3)
            if body[2:34] == HRR_RANDOM:
                name = "hello_retry_request"
            ver = struct.unpack("!H", e[43][:2])[0] if 43 in e and len(e[43]) >= 2 else \
                struct.unpack("!H", body[:2])[0]
            name += "[v=%04x,cs=%04x%s]" % (ver, cs, ",psk" if 41 in e else "")
        elif t == 11:
            n = struct.unpack("!I", b"\0" + body[:3])[0] if len(body) >= 3 else 0
            name += "[%d bytes]" % n
        w2.append(name)
    out = " ".join(w2 + words)
    if left:
        out += " +%d bytes" % left
    return out


def conns(cap):
    """Connections in any capture: {key: [Pkt...]} with .dir set, in file order."""
    frags = Frags()
    lt = cap.linktype
    res = {}
    for r in cap.records:
        p = parse(r, r[4] if len(r) > 4 else lt, frags)
        if p is None:
            continue
        k = p.key()
        rk = (k[2], k[3], k[0], k[1])
        if rk in res:
            p.dir = 1
            res[rk].append(p)
        else:
            p.dir = 0
            res.setdefault(k, []).append(p)
    for k, ps in res.items():
        # the SYN sender is the client; without one, the first sender.
        syn = next((p for p in ps if p.tcp["flags"] & 0x12 == 0x02), None)
        if syn is not None and syn.dir == 1:
            for p in ps:
                p.dir ^= 1
    return res


def ip_str(b):
    if len(b) == 4:
        return ".".join(str(x) for x in b)
    return ":".join(b[i:i + 2].hex() for i in range(0, 16, 2))


def cmd_summary(paths):
    for path in paths:
        cap = read_pcap(path)
        print("%s: linktype %d, snaplen %d, %d records%s" % (
            path, cap.linktype, cap.snaplen, len(cap.records),
            ", " + cap.error if cap.error else ""))
        for k, ps in conns(cap).items():
            c = next(p for p in ps if p.dir == 0) if any(p.dir == 0 for p in ps) else ps[0]
            flags = "".join(sorted({"S" if p.tcp["flags"] & 2 else "" for p in ps} |
                                   {"R" if p.tcp["flags"] & 4 else "" for p in ps} |
                                   {"F" if p.tcp["flags"] & 1 else "" for p in ps}))
            print("  %s:%d -> %s:%d  packets %d  flags %s" % (
                ip_str(c.iph["src"]), c.tcp["sport"], ip_str(c.iph["dst"]), c.tcp["dport"],
                len(ps), flags or "-"))
            for d, who in ((0, "client"), (1, "server")):
                data, holes, conflicts = stream(ps, d)
                print("    %s %d bytes sha256 %s%s%s" % (
                    who, len(data), hashlib.sha256(data).hexdigest()[:16],
                    " holes %d" % holes if holes else "",
                    " conflicts %d" % conflicts if conflicts else ""))
                if data:
                    print("      " + describe(data))

# ---------------------------------------------------------------- perturbations


def cert_range(pkts):
    """Stream offsets (start, end) of the server's Certificate message body, or of
    its largest encrypted record in the first flight (TLS 1.3)."""
    data, _, _ = stream(pkts, 1)
    recs, _ = tls_records(data)
    for t, body, o in handshake_msgs(recs):
        if t == 11:
            return o + 4, o + 4 + len(body)
    enc = [(len(b), o) for ct, _, b, o in recs if ct == 23]
    if not enc:
        sys.exit("pcaptool: no Certificate in the server stream")
    ln, o = max(enc[:4])
    return o + 5, o + 5 + ln


def hello_len(pkts, d):
    data, _, _ = stream(pkts, d)
    recs, _ = tls_records(data)
    return 5 + len(recs[0][2]) if recs else len(data)


def perturb(kind, pkts, rng):
    if kind == "seg1":
        # 1-byte segments over the first 320 bytes of each stream (the hellos and
        # the start of the server's flight); whole files stay small.
        return resegment(pkts, lambda d, o: 1 if o < 320 else 1 << 30)
    if kind == "tiny":
        return resegment(pkts, lambda d, o: rng.randint(1, 16))
    if kind in ("reverse", "shuffle"):
        segs = resegment(pkts, lambda d, o: rng.randint(40, 160))
        if kind == "reverse":
            return in_windows(segs, 8, lambda c: c[::-1])
        return in_windows(segs, 8, lambda c: rng.sample(c, len(c)))
    if kind == "dup":
        segs = resegment(pkts, lambda d, o: rng.randint(40, 300))
        out, pending = [], []
        for p in segs:
            out.append(p)
            if p.payload and rng.random() < 0.3:
                pending.append([rng.randint(0, 3), p.copy(dir=p.dir)])
            for item in pending[:]:
                if item[0] == 0:
                    out.append(item[1])
                    pending.remove(item)
                else:
                    item[0] -= 1
        return out + [i[1] for i in pending]
    if kind in ("overlap_equal", "overlap_conflict"):
        return overlaps(pkts, rng, kind == "overlap_conflict")
    if kind == "gap_cert":
        a, b = cert_range(pkts)
        lo, hi = a + (b - a) // 3, a + (b - a) // 3 + 200
        segs = split_at(pkts, 1, [lo, hi])
        isn = isn_of(pkts, 1)
        return [p for p in segs if not (p.dir == 1 and p.payload and lo <= offset(p, isn) < hi)]
    if kind == "wrap":
        # the 2^32 wrap falls inside the ClientHello and inside the Certificate.
        a, b = cert_range(pkts)
        return shift_seq(shift_seq(pkts, 0, hello_len(pkts, 0) // 2), 1, (a + b) // 2)
    if kind == "midstream":
        out = []
        isn = isn_of(pkts, 0)
        for p in pkts:
            if p.tcp["flags"] & 0x02:
                continue
            if p.dir == 0 and not p.payload and p.tcp["seq"] == isn and not out:
                continue      # the ACK that completes the three-way handshake
            out.append(p)
        return out
    if kind == "keepalive":
        # Before the first FIN, a keep-alive from each side, each answered by
        # a duplicate ACK: the client's Linux style (no data, sequence number
        # one below the next), the server's BSD style (the same with one 0x00
        # garbage byte, which is old data and not stream content).
        isn = {d: isn_of(pkts, d) for d in (0, 1)}
        nxt = dict(isn)
        j = next((i for i, p in enumerate(pkts) if p.tcp["flags"] & 0x05), len(pkts))
        for p in pkts[:j]:
            if p.payload and offset_of(p.tcp["seq"] + len(p.payload), isn[p.dir]) > offset_of(nxt[p.dir], isn[p.dir]):
                nxt[p.dir] = (p.tcp["seq"] + len(p.payload)) & 0xffffffff
        ts = pkts[j - 1].ts
        tmpl = {d: next(p for p in reversed(pkts[:j]) if p.dir == d and p.tcp["flags"] & 0x10) for d in (0, 1)}
        extra = []
        for d, garbage in ((0, b""), (1, b"\0")):
            for who, seq, pl in ((d, nxt[d] - 1, garbage), (1 - d, nxt[1 - d], b"")):
                q = tmpl[who].copy(payload=pl, dir=who)
                q.tcp = dict(q.tcp, seq=seq & 0xffffffff, ack=nxt[1 - who], flags=0x10)
                ts += 2 * 10**6
                q.ts = ts
                extra.append(q)
        return pkts[:j] + extra + [p.copy(ts=max(p.ts, ts), dir=p.dir) for p in pkts[j:]]
    if kind == "syn_data":
        # TCP Fast Open style: the ClientHello rides on the SYN, the SYN-ACK
        # acknowledges it, and the handshake's bare ACK goes.
        i = next(i for i, p in enumerate(pkts) if p.dir == 0 and p.payload)
        ch = pkts[i]
        out = []
        for j, p in enumerate(pkts):
            if j == i or (j < i and p.dir == 0 and not p.tcp["flags"] & 0x02):
                continue
            if p.tcp["flags"] & 0x12 == 0x02:
                p = p.copy(payload=ch.payload, dir=0)
            elif p.tcp["flags"] & 0x12 == 0x12:
                p = p.copy(dir=1)
                p.tcp = dict(p.tcp, ack=(p.tcp["ack"] + len(ch.payload)) & 0xffffffff)
            out.append(p)
        return out
    if kind == "client_only":
        return [p for p in pkts if p.dir == 0]
    if kind == "server_only":
        return [p for p in pkts if p.dir == 1]
    if kind == "mix":
        segs = resegment(pkts, lambda d, o: rng.choice((1, 2, 7, 50, 200, 1400)))
        segs = in_windows(segs, rng.randint(2, 10), lambda c: rng.sample(c, len(c)))
        out = []
        for p in segs:
            out.append(p)
            if p.payload and rng.random() < 0.15:
                out.append(p.copy(dir=p.dir))
        return out
    sys.exit("pcaptool: unknown perturbation %s" % kind)


def overlaps(pkts, rng, conflict):
    """Retransmissions overlapping neighbouring segments.

    Equal: after segments i and i+1, a copy of [middle of i, middle of i+1);
    and between i and i+1, a copy of [middle of i, middle of i+1) that runs
    ahead into data not yet seen.  Conflict: i+1 and i+2 arrive before i, then
    a copy of [middle of i+1, middle of i+2) with every byte changed, then i.
    The changed copy only overlaps data already held out of order, so a
    first-arrival-wins reassembler still delivers the original stream; the
    overlap is the evasion signal (tcp_overlap_conflict)."""
    segs = resegment(pkts, lambda d, o: rng.randint(60, 180))
    out = list(segs)
    isn = {d: isn_of(pkts, d) for d in (0, 1)}

    def span(p, q, flip):
        a = offset(p, isn[p.dir]) + len(p.payload) // 2
        b = offset(q, isn[q.dir]) + len(q.payload) // 2
        data, _, _ = stream(pkts, p.dir)
        body = data[a:b]
        if flip:
            body = bytes(x ^ 0x5a for x in body)
        r = p.copy(payload=body)
        r.tcp = dict(p.tcp, seq=(isn[p.dir] + a) & 0xffffffff, flags=p.tcp["flags"] & ~0x09 | 0x08)
        r.dir = p.dir
        return r

    for a, b in reversed(runs(segs)):
        if b - a < 3:
            continue
        for i in reversed(range(a, b - 2, 3)):
            s1, s2, s3 = segs[i], segs[i + 1], segs[i + 2]
            if conflict:
                new = [s2, s3, span(s2, s3, True), s1]
            elif (i - a) % 2:
                new = [s1, span(s1, s2, False), s2, s3]
            else:
                new = [s1, s2, span(s1, s2, False), s3]
            out[i:i + 3] = new
    return out


def shift_seq(pkts, d, wrap_at):
    """Renumber direction d so that stream offset wrap_at has sequence number 0."""
    isn = isn_of(pkts, d)
    delta = (-wrap_at - isn) & 0xffffffff
    out = []
    for p in pkts:
        q = p.copy(dir=p.dir)
        t = dict(p.tcp)
        if p.dir == d:
            t["seq"] = (t["seq"] + delta) & 0xffffffff
        elif t["flags"] & 0x10:
            t["ack"] = (t["ack"] + delta) & 0xffffffff
            q.opts = shift_sack(p.opts, delta)
        q.tcp = t
        out.append(q)
    return out


def shift_sack(opts, delta):
    b, o = bytearray(opts), 0
    while o < len(b):
        kind = b[o]
        if kind in (0, 1):
            o += 1
            continue
        if o + 1 >= len(b) or b[o + 1] < 2:
            break
        ln = b[o + 1]
        if kind == 5:
            for e in range(o + 2, o + ln - 3, 4):
                v = (struct.unpack("!I", b[e:e + 4])[0] + delta) & 0xffffffff
                b[e:e + 4] = struct.pack("!I", v)
        o += ln
    return bytes(b)

# ---------------------------------------------------------------- edge cases


def frag_ip(p, sizes, ident):
    """The IP packet of p cut into fragments with payload sizes (multiples of 8)."""
    whole = p.ip_bytes()
    res = []
    if p.ipv == 4:
        ihl = (whole[0] & 15) * 4
        hdr, body = whole[:ihl], whole[ihl:]
        o = 0
        for i, n in enumerate(sizes + [len(body)]):
            part = body[o:o + n]
            if not part:
                break
            more = o + len(part) < len(body)
            h = bytearray(hdr)
            struct.pack_into("!HHH", h, 2, ihl + len(part), ident, (0x2000 if more else 0) | (o // 8))
            struct.pack_into("!H", h, 10, 0)
            struct.pack_into("!H", h, 10, csum(bytes(h)))
            q = p.copy()
            q.raw_frag = bytes(h) + part
            q.dir = p.dir
            res.append(q)
            o += len(part)
        return res
    plen = struct.unpack("!H", whole[4:6])[0]
    nh = whole[6]
    body = whole[40:40 + plen]
    o = 0
    for n in sizes + [len(body)]:
        part = body[o:o + n]
        if not part:
            break
        more = o + len(part) < len(body)
        fh = struct.pack("!BBHI", nh, 0, o | (1 if more else 0), ident)
        h = whole[:4] + struct.pack("!HB", len(fh) + len(part), 44) + whole[7:40]
        q = p.copy()
        q.raw_frag = h + fh + part
        q.dir = p.dir
        res.append(q)
        o += len(part)
    return res


def relink(cap, pkts, linktype):
    """Re-encapsulate Ethernet frames for another link type."""
    recs = []
    for r in cap.records:
        l2, et, net = split_l2(r[1], LINK_ETH)
        if linktype in (LINK_RAW,):
            hdr = b""
        elif linktype == LINK_NULL:
            hdr = struct.pack("<I", 2 if et == 0x0800 else 30)
        elif linktype == LINK_SLL:
            hdr = struct.pack("!HHH6sxxH", 0, 1, 6, r[1][6:12], et)
        elif linktype == LINK_SLL2:
            hdr = struct.pack("!HHIHBB6sxx", et, 0, 2, 1, 0, 6, r[1][6:12])
        else:
            hdr = l2
        d = hdr + net
        recs.append((r[0], d, len(d)))
    return Capture(linktype, cap.snaplen, recs)


def edge(kind, path, out, rng):
    cap, pkts = load_session(path)
    first_data = {d: next((i for i, p in enumerate(pkts) if p.dir == d and p.payload), None)
                  for d in (0, 1)}
    if kind == "raw":
        return write_pcap(out, relink(cap, pkts, LINK_RAW))
    if kind == "null":
        return write_pcap(out, relink(cap, pkts, LINK_NULL))
    if kind == "sll":
        return write_pcap(out, relink(cap, pkts, LINK_SLL))
    if kind == "sll2":
        return write_pcap(out, relink(cap, pkts, LINK_SLL2))
    if kind == "vlan":
        for p in pkts:
            p.l2 = p.l2[:12] + struct.pack("!HH", 0x8100, 100) + p.l2[-2:]
        return save(out, cap, pkts, renumber=False)
    if kind == "qinq":
        for p in pkts:
            # outer S-tag 802.1ad VLAN 200, inner C-tag 802.1Q VLAN 100.
            p.l2 = p.l2[:12] + struct.pack("!HHHH", 0x88a8, 200, 0x8100, 100) + p.l2[-2:]
        return save(out, cap, pkts, renumber=False)
    if kind == "ipv4_options":
        # Router Alert, NOP, Record Route with two empty slots: 16 option bytes.
        opts = bytes([0x94, 4, 0, 0, 1, 7, 11, 4]) + b"\0" * 8
        for p in pkts:
            p.iph = dict(p.iph, opts=opts)
        return save(out, cap, pkts, renumber=False)
    if kind == "ipv6_exthdr":
        hbh = bytes([0, 0, 1, 4, 0, 0, 0, 0])            # Hop-by-Hop, PadN
        dst = bytes([0, 0, 1, 4, 0, 0, 0, 0])            # Destination Options, PadN
        for p in pkts:
            p.ext = [(0, hbh), (60, dst)]
        return save(out, cap, pkts, renumber=False)
    if kind in ("frag4", "frag6"):
        i = first_data[0]
        ch = pkts[i]
        n = len(ch.payload) + 20 + len(ch.opts)
        a = (n // 3) & ~7
        fr = frag_ip(ch, [a, a], 0x7a7a if kind == "frag4" else 0x7a7a7a7a)
        if len(fr) < 3:
            sys.exit("pcaptool: ClientHello too small to fragment in three")
        # out of order: the last fragment first, then the first, then the middle.
        pkts[i:i + 1] = [fr[2], fr[0], fr[1]] + fr[3:]
        return save(out, cap, pkts, renumber=False)
    if kind == "snap96":
        recs = [(r[0], r[1][:96], r[2]) for r in cap.records]
        return write_pcap(out, Capture(cap.linktype, 96, recs))
    if kind == "caplen0":
        recs = []
        for i, r in enumerate(cap.records):
            recs.append(r)
            if i % 3 == 1:
                recs.append((r[0] + 1000, b"", 66))
        return write_pcap(out, Capture(cap.linktype, cap.snaplen, recs))
    if kind == "cut":
        # cut in the middle of the first server record that carries data.
        j = first_data[1]
        size = 24
        for r in cap.records[:j]:
            size += 16 + len(r[1])
        return write_pcap(out, cap, cut_at=size + 16 + len(cap.records[j][1]) // 2)
    if kind == "bigendian":
        return write_pcap(out, cap, big_endian=True)
    if kind == "linktype147":
        recs = [(r[0], r[1][14:], r[2] - 14) for r in cap.records]
        return write_pcap(out, Capture(147, cap.snaplen, recs))
    sys.exit("pcaptool: unknown edge case %s" % kind)


# ---------------------------------------------------------------- evasion


def first_payload(pkts, d):
    return next(i for i, p in enumerate(pkts) if p.dir == d and p.payload)


def shift_after(pkts, d, isn, frm, delta):
    """Direction d's sequence numbers at stream offset >= frm move by delta, and
    the other side's acknowledgements of them with them."""
    for p in pkts:
        t = dict(p.tcp)
        if p.dir == d and offset_of(t["seq"], isn) >= frm and not t["flags"] & 0x02:
            t["seq"] = (t["seq"] + delta) & 0xffffffff
        elif p.dir != d and t["flags"] & 0x10 and offset_of(t["ack"], isn) > frm:
            t["ack"] = (t["ack"] + delta) & 0xffffffff
        p.tcp = t


def fake_hello(ch, rng):
    """The ClientHello segment with its host name changed (same length): an
    attacker's first copy."""
    data = bytearray(ch)
    m = re.search(rb"\x00\x00(..)(..)\x00(..)([a-z0-9.-]{4,})", bytes(data))
    if m is None:
        sys.exit("pcaptool: no server_name in the ClientHello")
    a, b = m.start(4), m.start(4) + struct.unpack("!H", m.group(3))[0]
    fake = (b"x" * (b - a - 9) + b".evil.tld")[-(b - a):]
    data[a:b] = fake
    return bytes(data)


def tamper(pkts, rng, how):
    """Before the real ClientHello segment, an attacker's copy of it with
    another SNI that the server does not take, made so by how(copy)."""
    i = first_payload(pkts, 0)
    ch = pkts[i]
    fake = ch.copy(payload=fake_hello(ch.payload, rng))
    fake.ts = ch.ts - 1000
    res = how(fake)
    pkts[i:i] = res if isinstance(res, list) else [res]
    return pkts


def evade(kind, pkts, rng):
    """An attacker on the path between the sensor and the server, or a
    stack's quirk (README "Evasion"): the kind of change, on a real session."""
    isn = {d: isn_of(pkts, d) for d in (0, 1)}
    i = first_payload(pkts, 0)
    ch = pkts[i]
    if kind in ("recver35", "recverff"):
        pl = bytearray(ch.payload)
        pl[1:3] = b"\x03\x05" if kind == "recver35" else b"\x03\xff"
        pkts[i] = ch.copy(payload=bytes(pl))
        return pkts
    if kind == "empty_record":
        shift_after(pkts, 0, isn[0], 0, 5)
        pkts[i] = pkts[i].copy(payload=b"\x16\x03\x01\x00\x00" + ch.payload)
        t = dict(pkts[i].tcp, seq=isn[0])
        pkts[i].tcp = t
        return pkts
    if kind == "urgent":
        # send(fd, "!", 1, MSG_OOB) before the hello: Linux sets the
        # urgent pointer one past the byte.
        shift_after(pkts, 0, isn[0], 0, 1)
        u = ch.copy(payload=b"!")
        u.tcp = dict(ch.tcp, seq=isn[0], flags=0x38, urg=1)
        u.ts = ch.ts - 1000
        pkts.insert(i, u)
        return pkts
    if kind == "junk_window":
        # 40 KiB far beyond any window the server offered (the issue's
        # 132 KiB against the default --reasm-limit; the golden case runs
        # with --reasm-limit 65536 to keep the file small).
        junk = []
        for k in range(0, 40 * 1024, 1400):
            q = ch.copy(payload=bytes(rng.getrandbits(8) for _ in range(1400)))
            q.tcp = dict(ch.tcp, seq=(isn[0] + (1 << 20) + k) & 0xffffffff, flags=0x10)
            q.ts = ch.ts - 100000 + k // 1400
            junk.append(q)
        pkts[i:i] = junk
        return pkts
    if kind == "spoof_syn":
        syn = next(p for p in pkts if p.dir == 0 and p.tcp["flags"] & 0x12 == 0x02)
        j = pkts.index(syn)
        fake = syn.copy()
        fake.tcp = dict(syn.tcp, seq=(syn.tcp["seq"] + 0x10000000) & 0xffffffff)
        fake.ts = syn.ts - 1000
        pkts.insert(j, fake)
        return pkts
    if kind == "synacks":
        sa = next(p for p in pkts if p.dir == 1 and p.tcp["flags"] & 0x12 == 0x12)
        j = pkts.index(sa)
        other = sa.copy()
        other.tcp = dict(sa.tcp, seq=(sa.tcp["seq"] - 0x01000000) & 0xffffffff)
        other.ts = sa.ts - 500
        pkts.insert(j, other)
        return pkts
    if kind == "ttl_low":
        return tamper(pkts, rng, lambda f: f.copy(iph=dict(f.iph, ttl=2)))
    if kind == "bad_tcp_sum":
        return tamper(pkts, rng, lambda f: f.copy(bad_tcp_sum=True))
    if kind == "bad_ip_sum":
        return tamper(pkts, rng, lambda f: f.copy(bad_ip_sum=True))
    if kind == "ip_len_zero":
        return tamper(pkts, rng, lambda f: f.copy(ip_len_zero=True))
    if kind == "no_ack":
        def noack(f):
            f.tcp = dict(f.tcp, flags=f.tcp["flags"] & ~0x10, ack=0)
            return f
        return tamper(pkts, rng, noack)
    if kind == "frag_overlap":
        # Three fragments of which the third starts inside the second:
        # Linux drops the whole datagram (RFC 5722 for IPv6, and IPv4 too).
        def frags(f):
            n = len(f.payload) + 20 + len(f.opts)
            a = (n // 3) & ~7
            fr = frag_ip(f, [a, a], 0x6b6b)
            last = fr[2]
            hdr = bytearray(last.raw_frag[:20])
            body = f.ip_bytes()[20:]
            start = 2 * a - 8
            struct.pack_into("!HH", hdr, 2, 20 + len(body) - start, 0x6b6b)
            struct.pack_into("!H", hdr, 6, start // 8)
            struct.pack_into("!H", hdr, 10, 0)
            struct.pack_into("!H", hdr, 10, csum(bytes(hdr)))
            last.raw_frag = bytes(hdr) + body[start:]
            return fr[:3]
        return tamper(pkts, rng, frags)
    if kind == "len_lie":
        # A 70-byte frame (wire length 70) whose IPv4 header claims 1,500.
        lie = ch.copy(payload=b"\x16\x03\x01\x05\xc8\x01" + b"\0" * 10)
        raw = bytearray(lie.ip_bytes())
        struct.pack_into("!H", raw, 2, 1500)
        struct.pack_into("!H", raw, 10, 0)
        struct.pack_into("!H", raw, 10, csum(bytes(raw[:20])))
        lie.raw_frag = bytes(raw)
        lie.ts = ch.ts - 1000
        pkts.insert(i, lie)
        return pkts
    if kind == "ack_unsent":
        # Before the server's hello, a client ACK for a megabyte it never sent.
        j = first_payload(pkts, 1)
        a = next(p for p in pkts if p.dir == 0 and p.tcp["flags"] & 0x10)
        q = a.copy(payload=b"")
        q.tcp = dict(a.tcp, flags=0x10, seq=(isn[0] + len(ch.payload)) & 0xffffffff,
                     ack=(isn[1] + (1 << 20)) & 0xffffffff)
        q.ts = pkts[j].ts - 1000
        pkts.insert(j, q)
        return pkts
    if kind == "zero_pad_ack":
        # The handshake's last ACK carries 6 zero bytes of Ethernet padding
        # counted in the IP length; the hello reuses the sequence number.
        k = next(n for n, p in enumerate(pkts) if p.dir == 0 and p.tcp["flags"] == 0x10 and
                 not p.payload)
        pkts[k] = pkts[k].copy(payload=b"\0" * 6)
        return pkts
    if kind == "fake_alert":
        # Before the server's first data, a fatal alert the client never
        # takes (bad checksum) at the same sequence number.
        j = first_payload(pkts, 1)
        q = pkts[j].copy(payload=b"\x15\x03\x03\x00\x02\x02\x28", bad_tcp_sum=True)
        q.ts = pkts[j].ts - 1000
        pkts.insert(j, q)
        return pkts
    if kind in ("rst_inexact", "rst_outside"):
        # Right after the client's second flight, a RST "from the server"
        # that the client does not take (in the window but not exact, or
        # outside it), then a SYN "from the client" with a new ISN; the
        # real connection goes on.
        j = first_payload(pkts, 1)
        k = next(n for n in range(j, len(pkts)) if pkts[n].dir == 1 and pkts[n].payload and
                 any(q.dir == 0 and q.payload for q in pkts[j:n]))
        nxt = max(((p.tcp["seq"] + len(p.payload)) & 0xffffffff for p in pkts[:k] if p.dir == 1),
                  key=lambda s: offset_of(s, isn[1]))
        r = pkts[j].copy(payload=b"")
        seq = nxt + 100 if kind == "rst_inexact" else nxt + 0x40000000
        r.tcp = dict(pkts[j].tcp, seq=seq & 0xffffffff, flags=0x04, ack=0)
        r.ts = pkts[k].ts - 2000
        syn = next(p for p in pkts if p.dir == 0 and p.tcp["flags"] == 0x02).copy()
        syn.tcp = dict(syn.tcp, seq=(syn.tcp["seq"] + 0x20000000) & 0xffffffff)
        syn.ts = pkts[k].ts - 1000
        pkts[k:k] = [r, syn]
        return pkts
    if kind == "fin_spoof":
        # Right after the ClientHello, FINs both ways that the endpoints
        # never take: each inside data its side sends later (20 bytes into
        # the client's next flight, 100 into the server's).
        j = first_payload(pkts, 1)
        out = []
        for d in (0, 1):
            src = next(p for p in pkts if p.dir == d and p.tcp["flags"] & 0x10)
            q = src.copy(payload=b"")
            q.tcp = dict(src.tcp, seq=(isn[d] + (len(ch.payload) + 20 if d == 0 else 100)) & 0xffffffff,
                         ack=src.tcp["ack"], flags=0x11)
            q.ts = pkts[j].ts - 1000 + d
            out.append(q)
        pkts[j:j] = out
        return pkts
    if kind == "new_conn":
        # The connection ends with the client's FIN alone (the server's is
        # lost), then the same port pair carries a second connection with
        # new initial sequence numbers.
        first = [p for p in pkts if not (p.dir == 1 and p.tcp["flags"] & 0x01)]
        second = shift_seq(shift_seq([p.copy() for p in pkts], 0, 0x12340), 1, 0x56780)
        last = first[-1].ts
        for p in second:
            p.ts = p.ts - pkts[0].ts + last + 10**9
        return first + second
    if kind == "new_conn_open":
        # Neither FIN is seen (the first connection timed out at both ends,
        # or the capture lost its end); the same port pair then carries a
        # second connection with new ISNs, which the server answers.
        first = [p for p in pkts if not p.tcp["flags"] & 0x05]
        second = shift_seq(shift_seq([p.copy() for p in pkts], 0, 0x12340), 1, 0x56780)
        last = first[-1].ts
        for p in second:
            p.ts = p.ts - pkts[0].ts + last + 10**9
        return first + second
    if kind == "hrr_sni":
        # After the HelloRetryRequest, the second ClientHello names another
        # host (same length): the server answers it, a sensor reading the
        # first hello reports the first name (RFC 8446 4.1.2 forbids it).
        k = next(n for n in range(i + 1, len(pkts)) if pkts[n].dir == 0 and pkts[n].payload)
        if not re.search(b"\x16\x03\x03..\x01", pkts[k].payload, re.S):
            sys.exit("pcaptool: no second ClientHello")
        pkts[k] = pkts[k].copy(payload=fake_hello(pkts[k].payload, rng))
        return pkts
    if kind in ("early_junk", "early_hs"):
        # The client offered 0-RTT; the server rejected it. Right after the
        # server's flight, a record "from the client" before its real
        # flight: early_junk, 19 random bytes of application data (an
        # encrypted alert by its size) that the server skips as early data
        # it cannot open, the session going on; early_hs, a cleartext
        # handshake record holding an empty client Certificate, which a
        # server reading protected records answers with an alert (19 bytes,
        # encrypted) and a close: the session ends there.
        j = first_payload(pkts, 1)
        k = next(n for n in range(j, len(pkts)) if pkts[n].dir == 0 and pkts[n].payload)
        at = offset(pkts[k], isn[0])
        if kind == "early_junk":
            rec = b"\x17\x03\x03\x00\x13" + bytes(rng.getrandbits(8) for _ in range(19))
            shift_after(pkts, 0, isn[0], at, len(rec))
            q = pkts[k].copy(payload=rec)
            q.tcp = dict(pkts[k].tcp, seq=(isn[0] + at) & 0xffffffff)
            q.ts = pkts[k].ts - 1000
            pkts.insert(k, q)
            return pkts
        rec = b"\x16\x03\x03\x00\x08\x0b\x00\x00\x04\x00\x00\x00\x00"
        srv_next = max(((p.tcp["seq"] + len(p.payload)) & 0xffffffff for p in pkts[:k]
                        if p.dir == 1), key=lambda x: offset_of(x, isn[1]))
        q = pkts[k].copy(payload=rec)
        q.tcp = dict(pkts[k].tcp, flags=0x18)
        q.ts = pkts[k].ts
        cli_next = (q.tcp["seq"] + len(rec)) & 0xffffffff
        srv = pkts[j]
        al = srv.copy(payload=b"\x17\x03\x03\x00\x13" +
                      bytes(rng.getrandbits(8) for _ in range(19)))
        al.tcp = dict(srv.tcp, seq=srv_next, ack=cli_next, flags=0x18)
        al.ts = q.ts + 300000
        fin = al.copy(payload=b"")
        fin.tcp = dict(al.tcp, seq=(srv_next + 24) & 0xffffffff, flags=0x11)
        fin.ts = al.ts + 1000
        cfin = q.copy(payload=b"")
        cfin.tcp = dict(q.tcp, seq=cli_next, ack=(srv_next + 25) & 0xffffffff, flags=0x11)
        cfin.ts = fin.ts + 1000
        last = al.copy(payload=b"")
        last.tcp = dict(al.tcp, seq=(srv_next + 25) & 0xffffffff,
                        ack=(cli_next + 1) & 0xffffffff, flags=0x10)
        last.ts = cfin.ts + 1000
        return pkts[:k] + [q, al, fin, cfin, last]
    if kind == "vlan_asym":
        # Asymmetric tagging: the client's frames carry VLAN 100, the
        # server's none (a trunk on one side only).
        for p in pkts:
            if p.dir == 0:
                p.l2 = p.l2[:12] + struct.pack("!HH", 0x8100, 100) + p.l2[-2:]
        return pkts
    sys.exit("pcaptool: unknown evasion %s" % kind)


def keep_conn(path, n, out):
    """Only the n-th TCP connection (0-based, in order of first packet) of a
    capture, its records unchanged."""
    cap = read_pcap(path)
    keys = list(conns(cap))
    if n >= len(keys):
        sys.exit("pcaptool: %s has %d connections" % (path, len(keys)))
    k = keys[n]
    both = (k, (k[2], k[3], k[0], k[1]))
    recs = [r for r in cap.records
            if (lambda p: p is not None and p.key() in both)(parse(r, cap.linktype))]
    write_pcap(path if out is None else out, Capture(cap.linktype, cap.snaplen, recs))


def junk(kind, out, rng):
    if kind == "text":
        data = (b"This is not a capture file.\nIt is a text file named .pcap, for the\n"
                b"bad-input tests of tlstap: one clear error line, non-zero exit.\n")
    elif kind == "random":
        data = bytes(rng.getrandbits(8) for _ in range(4096))
    elif kind == "empty":
        data = b""
    else:
        sys.exit("pcaptool: unknown junk %s" % kind)
    with open(out, "wb") as f:
        f.write(data)


def main(argv):
    seed = 1
    if "--seed" in argv:
        i = argv.index("--seed")
        seed = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    rng = random.Random(seed)
    if len(argv) >= 2 and argv[0] == "summary":
        return cmd_summary(argv[1:])
    if len(argv) == 4 and argv[0] == "perturb":
        cap, pkts = load_session(argv[2])
        return save(argv[3], cap, perturb(argv[1], pkts, rng))
    if len(argv) == 4 and argv[0] == "edge":
        return edge(argv[1], argv[2], argv[3], rng)
    if len(argv) == 3 and argv[0] == "resum":
        cap, pkts = load_session(argv[1])
        return save(argv[2], cap, pkts, renumber=False)
    if len(argv) == 4 and argv[0] == "evade":
        cap, pkts = load_session(argv[2])
        return save(argv[3], cap, evade(argv[1], pkts, rng), renumber=False)
    if len(argv) == 4 and argv[0] == "keep-conn":
        return keep_conn(argv[1], int(argv[2]), argv[3])
    if len(argv) == 3 and argv[0] == "junk":
        return junk(argv[1], argv[2], rng)
    if len(argv) >= 3 and argv[0] == "pcapng":
        ins, secrets = argv[2:], None
        if "--secrets" in ins:
            i = ins.index("--secrets")
            with open(ins[i + 1], "rb") as f:
                secrets = f.read()
            ins = ins[:i] + ins[i + 2:]
        return write_pcapng(argv[1], [read_pcap(p) for p in ins], secrets)
    sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
