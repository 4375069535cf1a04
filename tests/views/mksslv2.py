#!/usr/bin/python3
"""Builds pcaps/sslv2.pcap: an SSLv2 handshake (draft-hickman-netscape-ssl-00)
between a client and a server on 10.99.0.1/10.99.0.2, written by hand
because no stack on Debian 12 speaks SSLv2 any more.

  client                          server
  CLIENT-HELLO          ->
                        <-        SERVER-HELLO (tests/certs/leaf.der)
  CLIENT-MASTER-KEY     ->
  CLIENT-FINISHED (enc) ->
                        <-        SERVER-VERIFY, SERVER-FINISHED (encrypted)

The encrypted records are filler bytes of the right length: tlstap never
decrypts.  Deterministic: the same file on every run.

  mksslv2.py OUT.pcap
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pcaptool  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI, SRV = bytes([10, 99, 0, 1]), bytes([10, 99, 0, 2])
CPORT, SPORT = 40200, 443
RC4_128_WITH_MD5 = b"\x01\x00\x80"


def record(body):
    """An SSLv2 record with a two-byte header (no padding)."""
    return struct.pack("!H", 0x8000 | len(body)) + body


def client_hello():
    challenge = bytes(range(16))
    return record(struct.pack("!BHHHH", 1, 0x0002, 3, 0, 16) + RC4_128_WITH_MD5 + challenge)


def server_hello(cert):
    conn_id = bytes(range(100, 116))
    return record(struct.pack("!BBBHHHH", 4, 0, 1, 0x0002, len(cert), 3, 16) + cert +
                  RC4_128_WITH_MD5 + conn_id)


def client_master_key():
    return record(b"\x02" + RC4_128_WITH_MD5 + struct.pack("!HHH", 0, 16, 0) + bytes([14]) * 16)


def main():
    out = sys.argv[1]
    with open(os.path.join(TOP, "tests", "certs", "leaf.der"), "rb") as f:
        cert = f.read()
    l2c = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    l2s = l2c[6:12] + l2c[0:6] + b"\x08\x00"
    seq = {0: 1000, 1: 5000}
    pkts = []
    ts = [1764045600 * 10**9]

    def send(d, flags, payload=b"", gap_us=150):
        ts[0] += gap_us * 1000
        src, dst = (CLI, SRV) if d == 0 else (SRV, CLI)
        sport, dport = (CPORT, SPORT) if d == 0 else (SPORT, CPORT)
        ack = seq[1 - d] if flags & 0x10 else 0
        p = pcaptool.Pkt(ts[0], l2c if d == 0 else l2s, 4,
                         dict(tos=0, id=1 if d == 0 else 1001, ff=0x4000, ttl=64, src=src, dst=dst,
                              opts=b""), [],
                         dict(sport=sport, dport=dport, seq=seq[d], ack=ack, flags=flags,
                              win=65535, urg=0), b"", payload)
        p.dir = d
        seq[d] += len(payload) + (1 if flags & 0x03 else 0)
        pkts.append(p)

    send(0, 0x02)
    send(1, 0x12)
    send(0, 0x10)
    send(0, 0x18, client_hello(), 300)
    send(1, 0x18, server_hello(cert), 900)
    send(0, 0x18, client_master_key() + record(bytes([15]) * 33), 1200)
    send(1, 0x18, record(bytes([16]) * 33) + record(bytes([17]) * 33), 800)
    send(0, 0x18, record(bytes([18]) * 60), 400)     # application data
    send(0, 0x11, b"", 200)
    send(1, 0x11, b"", 100)
    send(0, 0x10, b"", 100)
    pcaptool.save(out, pcaptool.Capture(pcaptool.LINK_ETH), pkts)


if __name__ == "__main__":
    main()
