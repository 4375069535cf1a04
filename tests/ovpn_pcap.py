#!/usr/bin/python3
"""ovpn_pcap: a real TLS session carried in OpenVPN's control channel over TCP
(standard library only; builds on pcaptool.py).

  ovpn_pcap.py IN OUT

IN is an Ethernet capture of one TLS-over-TCP connection made by
tests/mkpcaps.sh.  Each TLS payload of it becomes the payload of P_CONTROL_V1
packets (OpenVPN's 2-byte TCP length framing, tls-auth with a 20-byte HMAC,
filler bytes here), as an OpenVPN client and server exchange them: the
client's hard reset and the server's first, acks, a server flight cut into
pieces of at most 600 bytes (a TLS record spans control packets), the
client's first control packet sent twice (the copy is skipped), and a data
packet (P_DATA_V2) after the handshake.  Sequence numbers are rewritten;
times and addresses are IN's.  Output is deterministic.
"""
import struct
import sys

import pcaptool as pt

AUTH = 20
SID = (bytes.fromhex("d67be45be5c201eb"), bytes.fromhex("1908 2e80 f9ca 5280".replace(" ", "")))


def filler(n, seed):
    return bytes((seed * 97 + i * 31 + 5) % 256 for i in range(n))


def control(op, d, msg_id, acks, payload=b"", pid=1):
    """One control packet of side d, with its 2-byte TCP length."""
    body = bytes([op << 3]) + SID[d] + filler(AUTH, pid + 16 * d) + struct.pack("!II", pid, 0x5e3e7b98)
    body += bytes([len(acks)]) + b"".join(struct.pack("!I", a) for a in acks)
    if acks:
        body += SID[1 - d]
    if op != 5:
        body += struct.pack("!I", msg_id)
    body += payload
    return struct.pack("!H", len(body)) + body


class Builder:
    def __init__(self):
        self.out, self.added, self.msg, self.pid = [], [0, 0], [0, 0], [1, 1]

    def emit(self, tmpl, payload):
        """tmpl with its payload replaced, sequence numbers shifted by what
        each side has added so far."""
        d = tmpl.dir
        t = dict(tmpl.tcp)
        t["seq"] = (t["seq"] + self.added[d]) & 0xffffffff
        if t["flags"] & 0x10:
            t["ack"] = (t["ack"] + self.added[1 - d]) & 0xffffffff
        p = tmpl.copy(tcp=t, payload=payload)
        self.added[d] += len(payload) - len(tmpl.payload)
        self.out.append(p)

    def insert(self, tmpl, payload):
        """A new segment of tmpl's side before tmpl."""
        t = dict(tmpl.tcp, flags=0x18)
        p = tmpl.copy(tcp=t, payload=b"")
        self.emit(p, payload)

    def ctl(self, tmpl, op, acks=(), payload=b""):
        d = tmpl.dir
        mid = self.msg[d]
        if op != 5:
            self.msg[d] += 1
        self.pid[d] += 1
        return control(op, d, mid, list(acks), payload, self.pid[d])


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    cap, pkts = pt.load_session(argv[0])
    b = Builder()
    started, dup_done = False, False
    for p in pkts:
        if p.tcp["flags"] & 0x01 and p.dir == 0:       # the tunnel's data, before the FIN
            b.insert(p, struct.pack("!H", 40) + bytes([9 << 3]) + filler(39, 3))
        if not p.payload:
            b.emit(p, b"")
            continue
        d = p.dir
        if not started:
            started = True
            srv = next(q for q in pkts if q.dir == 1)
            b.insert(p, b.ctl(p, 7))                     # hard reset, client
            b.insert(srv.copy(tcp=dict(srv.tcp, seq=p.tcp["ack"], ack=p.tcp["seq"]), opts=p.opts),
                     b.ctl(srv, 8, acks=[0]))             # hard reset, server
            b.insert(p, b.ctl(p, 5, acks=[0]))            # the client's ack
        chunk = 600 if d == 1 else len(p.payload)
        wire = b""
        for o in range(0, len(p.payload), chunk):
            wire += b.ctl(p, 4, acks=[b.msg[1 - d] - 1], payload=p.payload[o:o + chunk])
        if d == 0 and not dup_done:
            dup_done = True
            wire += wire                                  # sent twice: the copy is skipped
        b.emit(p, wire)
    pt.save(argv[1], cap, b.out)


if __name__ == "__main__":
    main(sys.argv[1:])
