#!/usr/bin/python3
"""findings_edit: same-length edits of the handshake of a real TLS session,
for the findings captures that OpenSSL 3 cannot produce any more
(tests/mkpcaps_findings.sh; standard library and tests/pcaptool.py only).

  findings_edit.py IN OUT EDIT...        edit the first TCP connection of IN
  findings_edit.py --merge OUT IN...     one capture after the other

Edits (hex codes, 4 digits):
  sh_cipher=XXXX          the ServerHello's cipher suite
  sh_compression=N        the ServerHello's compression method
  sh_ext=AAAA:BBBB        a ServerHello extension's type AAAA becomes BBBB
  sh_sentinel=12|11       the ServerHello random ends with DOWNGRD\\x01 / \\x00
  ch_cipher=AAAA:BBBB     an offered suite AAAA becomes BBBB
  ch_ext=AAAA:BBBB        a ClientHello extension's type AAAA becomes BBBB
  ch_sslv2                the ClientHello record becomes an SSL 2.0-format
                          CLIENT-HELLO of exactly the same size (RFC 5246
                          E.2), offering RC4, export and DES suites, no SCSV
  split_server_finished   the server's first encrypted handshake record
                          (its Finished) becomes two records of the same
                          total size: Finished, then one more handshake
                          message (as a HelloRequest would be)

Every edit keeps each TCP stream's length, so sequence numbers, record and
message lengths stay valid; packets are rebuilt by pcaptool (checksums
recomputed).  An edit that finds nothing to change is an error.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaptool  # noqa: E402


def records(buf):
    """(offset, type, length) of each TLS record in a stream."""
    out, o = [], 0
    while o + 5 <= len(buf):
        t, ln = buf[o], struct.unpack("!H", buf[o + 3:o + 5])[0]
        out.append((o, t, ln))
        o += 5 + ln
    return out


def first_hs(buf):
    """Offset of the first handshake record's body (the hello message)."""
    for o, t, _ in records(buf):
        if t == 22:
            return o + 5
    sys.exit("findings_edit: no handshake record")


def sh_fields(buf):
    """Offsets in the server stream: random, cipher, compression, extensions (start, end)."""
    m = first_hs(buf)
    if buf[m] != 2:
        sys.exit("findings_edit: the server's first handshake message is not a ServerHello")
    body = m + 4
    rnd = body + 2
    sid = rnd + 32
    cs = sid + 1 + buf[sid]
    comp = cs + 2
    ext = comp + 1
    return rnd, cs, comp, ext + 2, ext + 2 + struct.unpack("!H", buf[ext:ext + 2])[0]


def ch_fields(buf):
    """Offsets in the client stream: cipher list (start, end), extensions (start, end)."""
    m = first_hs(buf)
    if buf[m] != 1:
        sys.exit("findings_edit: the client's first handshake message is not a ClientHello")
    sid = m + 4 + 2 + 32
    cs = sid + 1 + buf[sid]
    cs_end = cs + 2 + struct.unpack("!H", buf[cs:cs + 2])[0]
    comp = cs_end
    ext = comp + 1 + buf[comp]
    return cs + 2, cs_end, ext + 2, ext + 2 + struct.unpack("!H", buf[ext:ext + 2])[0]


def swap_ext(buf, start, end, old, new):
    o = start
    while o + 4 <= end:
        t, ln = struct.unpack("!HH", buf[o:o + 4])
        if t == old:
            buf[o:o + 2] = struct.pack("!H", new)
            return
        o += 4 + ln
    sys.exit("findings_edit: no extension 0x%04x" % old)


def swap_cipher(buf, start, end, old, new):
    for o in range(start, end, 2):
        if struct.unpack("!H", buf[o:o + 2])[0] == old:
            buf[o:o + 2] = struct.pack("!H", new)
            return
    sys.exit("findings_edit: no offered suite 0x%04x" % old)


def sslv2_hello(size):
    """An SSLv2 CLIENT-HELLO record of exactly `size` bytes (2-byte header)."""
    specs = [0x010080, 0x020080, 0x000005, 0x000004, 0x000003, 0x000009, 0x00000a,
             0x00002f, 0x000035, 0x00009c, 0x00009d, 0x00c013, 0x00c014, 0x00c02f, 0x00c030]
    fixed = 2 + 9
    chal = 16 + (size - fixed - 16) % 3
    n = (size - fixed - chal) // 3
    if n < len(specs) or size - 2 > 0x7fff:
        sys.exit("findings_edit: a ClientHello of %d bytes cannot hold the SSLv2 hello" % size)
    code = 0x0041
    while len(specs) < n:           # more real suites, in registry order
        if code not in (0x00ff,):
            specs.append(code)
        code += 1
    body = struct.pack("!BHHHH", 1, 0x0301, 3 * n, 0, chal)
    body += b"".join(struct.pack("!I", s)[1:] for s in specs)
    body += bytes(range(1, chal + 1))
    rec = struct.pack("!H", 0x8000 | len(body)) + body
    assert len(rec) == size
    return rec


def split_finished(buf):
    """The first encrypted handshake record after the server's CCS, split in two."""
    recs = records(buf)
    for i, (o, t, ln) in enumerate(recs):
        if t == 20 and i + 1 < len(recs) and recs[i + 1][1] == 22:
            fo, _, fl = recs[i + 1]
            k = (fl - 5) // 2
            body = buf[fo + 5:fo + 5 + fl]
            ver = buf[fo + 1:fo + 3]
            new = (b"\x16" + ver + struct.pack("!H", k) + body[:k] +
                   b"\x16" + ver + struct.pack("!H", fl - 5 - k) + body[k + 5:])
            assert len(new) == 5 + fl
            buf[fo:fo + 5 + fl] = new
            return
    sys.exit("findings_edit: no server ChangeCipherSpec followed by a handshake record")


def edit(cli, srv, e):
    k, _, v = e.partition("=")
    pair = [int(x, 16) for x in v.split(":")] if ":" in v else None
    if k == "sh_cipher":
        cs = sh_fields(srv)[1]
        srv[cs:cs + 2] = struct.pack("!H", int(v, 16))
    elif k == "sh_compression":
        srv[sh_fields(srv)[2]] = int(v)
    elif k == "sh_ext":
        f = sh_fields(srv)
        swap_ext(srv, f[3], f[4], pair[0], pair[1])
    elif k == "sh_sentinel":
        r = sh_fields(srv)[0]
        srv[r + 24:r + 32] = b"DOWNGRD" + (b"\x01" if v == "12" else b"\x00")
    elif k == "ch_cipher":
        f = ch_fields(cli)
        swap_cipher(cli, f[0], f[1], pair[0], pair[1])
    elif k == "ch_ext":
        f = ch_fields(cli)
        swap_ext(cli, f[2], f[3], pair[0], pair[1])
    elif k == "ch_sslv2":
        o, t, ln = records(cli)[0]
        if t != 22:
            sys.exit("findings_edit: the client's first record is not a handshake")
        cli[o:o + 5 + ln] = sslv2_hello(5 + ln)
    elif k == "split_server_finished":
        split_finished(srv)
    else:
        sys.exit("findings_edit: unknown edit %s" % e)


def main(argv):
    if len(argv) >= 3 and argv[0] == "--merge":
        out, caps, t = argv[1], [pcaptool.read_pcap(p) for p in argv[2:]], 0
        recs = []
        for cap in caps:
            base = cap.records[0][0]
            for ts, data, orig in cap.records:
                recs.append((t + ts - base, data, orig))
            t = recs[-1][0] + 1000000000
        start = caps[0].records[0][0]
        pcaptool.write_pcap(out, pcaptool.Capture(caps[0].linktype, caps[0].snaplen,
                                                  [(start + ts, d, o) for ts, d, o in recs]))
        return 0
    if len(argv) < 3:
        sys.exit(__doc__)
    cap, pkts = pcaptool.load_session(argv[0])
    streams = [bytearray(pcaptool.stream(pkts, d)[0]) for d in (0, 1)]
    lens = [len(s) for s in streams]
    for e in argv[2:]:
        edit(streams[0], streams[1], e)
    assert [len(s) for s in streams] == lens
    for d in (0, 1):
        isn = pcaptool.isn_of(pkts, d)
        for p in pkts:
            if p.dir != d or not p.payload:
                continue
            o = pcaptool.offset(p, isn) + (1 if p.tcp["flags"] & 0x02 else 0)
            p.payload = bytes(streams[d][o:o + len(p.payload)])
    pcaptool.save(argv[1], cap, pkts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
