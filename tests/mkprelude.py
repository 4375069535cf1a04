#!/usr/bin/python3
"""Hand-built captures of TLS behind a cleartext prelude (issue 16), for the
protocols whose servers Debian does not make practical to run here: MSSQL
(TDS), RDP, ADB, XMPP, IRC, NNTP, ManageSieve, LMTP, GridFTP (GSI).

  mkprelude.py BASE OUTDIR

BASE is a real TLS capture made by tests/mkpcaps.sh (pcaps/tls12_ecdhe_rsa.pcap):
its payloads, in capture order and direction, are the TLS part of every
conversation.  Each capture here is that TLS exchange preceded by the prelude
bytes the protocol's specification gives (the same layouts as
tests/unit/test_prelude.c), on the protocol's well-known port, as one TCP
connection with handshake, MSS-sized segments, ACKs and FINs.  For TDS the
TLS handshake records travel inside PRELOGIN (0x12) packets, as MS-TDS
2.2.6.5 says, and application data bare.  For GridFTP (RFC 2228 security
extensions with Globus GSI, whose GSS tokens are TLS records) each TLS flight
is one line of base64: the handshake in the client's ADAT commands and the
server's 335 ADAT= replies (235 for its last flight), application data and
alerts in ENC commands and 632 replies.  Deterministic: same BASE, same
output.
"""
import base64
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pcaptool  # noqa: E402

CLI_MAC, SRV_MAC = bytes.fromhex("02000a620001"), bytes.fromhex("02000a620002")
CLI_IP, SRV_IP = bytes([10, 98, 0, 1]), bytes([10, 98, 0, 2])
MSS = 1460


def tls_messages(base):
    """The base capture's flights as (direction, bytes), client = 0: the
    payloads in capture order, consecutive ones of one direction joined."""
    _, pkts = pcaptool.load_session(base)
    out = []
    for p in pkts:
        if not p.payload:
            continue
        if out and out[-1][0] == p.dir:
            out[-1] = (p.dir, out[-1][1] + p.payload)
        else:
            out.append((p.dir, p.payload))
    return out


def records(data):
    out, off = [], 0
    while off + 5 <= len(data):
        n = struct.unpack(">H", data[off + 3:off + 5])[0]
        out.append(data[off:off + 5 + n])
        off += 5 + n
    return out


def tds_wrap(msgs):
    """Handshake and CCS records inside TDS PRELOGIN packets, data bare."""
    out, pid = [], [1, 1]
    for d, data in msgs:
        buf = b""
        for r in records(data):
            if r[0] in (20, 22):
                pid[d] += 1
                buf += struct.pack(">BBHHBB", 0x12, 1, 8 + len(r), 0, pid[d] & 0xff, 0) + r
            else:
                buf += r
        out.append((d, buf))
    return out


def adat_wrap(msgs):
    """GridFTP: each flight base64 on one FTP line (RFC 2228 ADAT / ENC)."""
    hs = [any(r[0] in (20, 22) for r in records(b)) for _, b in msgs]
    last_srv = max(i for i, (d, _) in enumerate(msgs) if d == 1 and hs[i])
    out = []
    for i, (d, b) in enumerate(msgs):
        t = base64.b64encode(b)
        if d == 0:
            out.append((0, (b"ADAT " if hs[i] else b"ENC ") + t + b"\r\n"))
        elif hs[i]:
            out.append((1, (b"235 ADAT=" if i == last_srv else b"335 ADAT=") + t + b"\r\n"))
        else:
            out.append((1, b"632 " + t + b"\r\n"))
    return out


def prelogin(ptype, enc):
    opts = b"\x00\x00\x0b\x00\x06" b"\x01\x00\x11\x00\x01" b"\xff"
    body = opts + b"\x0f\x00\x07\xd0\x00\x00" + bytes([enc])
    return struct.pack(">BBHHBB", ptype, 1, 8 + len(body), 0, 1, 0) + body


def adb(cmd, a0, a1, data=b""):
    c = struct.unpack("<I", cmd)[0]
    return struct.pack("<6I", c, a0, a1, len(data), sum(data) & 0xffffffff, c ^ 0xffffffff) + data


XMPP_C = (b"<?xml version='1.0'?><stream:stream to='im.tlstap.test' version='1.0' "
          b"xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>")
XMPP_S = (b"<?xml version='1.0'?><stream:stream from='im.tlstap.test' id='c2s-1' version='1.0' "
          b"xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
          b"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
          b"</starttls></stream:features>")
S2S_HEAD = (b"<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
            b"xmlns:stream='http://etherx.jabber.org/streams' version='1.0' %s>")
TLS_NS = b" xmlns='urn:ietf:params:xml:ns:xmpp-tls'"

# name: (port, prelude [(dir, bytes)], follow with TLS?, wrap: None, tds_wrap or adat_wrap)
CASES = {
    "starttls_lmtp": (24, [
        (1, b"220 lmtp.tlstap.test LMTP ready\r\n"), (0, b"LHLO client.tlstap.test\r\n"),
        (1, b"250-lmtp.tlstap.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 ENHANCEDSTATUSCODES\r\n"),
        (0, b"STARTTLS\r\n"), (1, b"220 2.0.0 Begin TLS negotiation now\r\n")], True, None),
    "starttls_nntp": (119, [
        (1, b"200 news.tlstap.test InterNetNews NNRP server ready\r\n"), (0, b"CAPABILITIES\r\n"),
        (1, b"101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\n.\r\n"),
        (0, b"STARTTLS\r\n"), (1, b"382 Continue with TLS negotiation\r\n")], True, None),
    "starttls_sieve": (4190, [
        (1, b"\"IMPLEMENTATION\" \"tlstap sieve\"\r\n\"SIEVE\" \"fileinto reject\"\r\n"
            b"\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"ready.\"\r\n"),
        (0, b"STARTTLS\r\n"), (1, b"OK \"Begin TLS negotiation now.\"\r\n")], True, None),
    "starttls_irc": (6667, [
        (0, b"CAP LS 302\r\n"),
        (1, b":irc.tlstap.test CAP * LS :multi-prefix sasl tls\r\n"),
        (0, b"STARTTLS\r\n"),
        (1, b":irc.tlstap.test 670 * :STARTTLS successful, go ahead with TLS handshake\r\n")],
        True, None),
    "starttls_xmpp": (5222, [
        (0, XMPP_C), (1, XMPP_S), (0, b"<starttls" + TLS_NS + b"/>"),
        (1, b"<proceed" + TLS_NS + b"/>")], True, None),
    "starttls_xmpp_s2s_refused": (5269, [
        (0, S2S_HEAD % b"to='b.tlstap.test' from='a.tlstap.test'"),
        (1, S2S_HEAD % b"id='s2s-1' from='b.tlstap.test'" +
         b"<stream:features><starttls" + TLS_NS + b"/><dialback xmlns='urn:xmpp:features:dialback'/>"
         b"</stream:features>"),
        (0, b"<starttls" + TLS_NS + b"/>"),
        (1, b"<failure" + TLS_NS + b"/></stream:stream>")], False, None),
    "starttls_mssql": (1433, [
        (0, prelogin(0x12, 0)), (1, prelogin(0x04, 0))], True, tds_wrap),
    "starttls_rdp": (3389, [
        (0, b"\x03\x00\x00\x2c\x27\xe0\x00\x00\x00\x00\x00Cookie: mstshash=tlstap\r\n"
            b"\x01\x00\x08\x00\x03\x00\x00\x00"),
        (1, b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x1f\x08\x00\x02\x00\x00\x00")],
        True, None),
    "starttls_adb": (5555, [
        (0, adb(b"CNXN", 0x01000001, 0x100000, b"host::features=shell_v2,cmd,stat_v2\0")),
        (1, adb(b"STLS", 0x01000000, 0)), (0, adb(b"STLS", 0x01000000, 0))], True, None),
    "gridftp_adat": (2811, [
        (1, b"220 gridftp.tlstap.test GridFTP Server 6.14 [Globus Toolkit 6] ready.\r\n"),
        (0, b"AUTH GSSAPI\r\n"),
        (1, b"334 Using authentication type; ADAT must follow.\r\n")], True, adat_wrap),
}


class Conn:
    def __init__(self, port):
        self.pkts, self.ts = [], 1_700_000_000 * 10**9
        self.seq = [0x10000000, 0x20000000]
        self.port = (40000 + port % 1000, port)

    def add(self, d, flags, payload=b""):
        src, dst = (CLI_IP, SRV_IP) if d == 0 else (SRV_IP, CLI_IP)
        l2 = (SRV_MAC + CLI_MAC if d == 0 else CLI_MAC + SRV_MAC) + b"\x08\x00"
        tcp = dict(sport=self.port[d], dport=self.port[1 - d], seq=self.seq[d],
                   ack=self.seq[1 - d] if flags & 0x10 else 0, flags=flags, win=65535, urg=0)
        iph = dict(tos=0, id=0x1000 * (d + 1), ff=0x4000, ttl=64, src=src, dst=dst, opts=b"")
        p = pcaptool.Pkt(self.ts, l2, 4, iph, [], tcp, b"", payload)
        p.dir = d
        self.pkts.append(p)
        self.ts += 200_000
        self.seq[d] = (self.seq[d] + p.seglen()) & 0xffffffff

    def data(self, d, b):
        for i in range(0, len(b), MSS):
            self.add(d, 0x18, b[i:i + MSS])
        self.add(1 - d, 0x10)

    def build(self, msgs):
        self.add(0, 0x02)
        self.add(1, 0x12)
        self.add(0, 0x10)
        for d, b in msgs:
            self.data(d, b)
        self.add(0, 0x11)
        self.add(1, 0x11)
        self.add(0, 0x10)
        return self.pkts


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, outdir = sys.argv[1], sys.argv[2]
    tls = tls_messages(base)
    for name, (port, pre, follow, wrap) in CASES.items():
        msgs = list(pre)
        if follow:
            msgs += wrap(tls) if wrap else tls
        cap = pcaptool.Capture(pcaptool.LINK_ETH)
        pcaptool.save(os.path.join(outdir, name + ".pcap"), cap, Conn(port).build(msgs))


if __name__ == "__main__":
    main()
