#!/usr/bin/python3
"""Hand-built captures of the handshake-verdict cases (issue 17), reshaped
from the real OpenSSL sessions tests/mkpcaps_verdict.sh recorded in DIR.

  mkpcaps_verdict.py DIR

v13_firefox_cert_required   from v13_cert_required (TLS_AES_256_GCM_SHA384):
    the client's empty Certificate (25-byte record) and Finished (69) become
    one 77-byte record (8 + 52 + content type + 16-byte tag), as Firefox
    sends them, followed 0.3 ms later by a 437-byte record (its HTTP
    request) before the server's 19-byte encrypted certificate_required.
v13_chromium_abort          from v13_cert_required: the client sends no
    flight at all but a FIN (Chromium aborting on the CertificateRequest);
    the server's 19-byte encrypted alert follows its flight, the client's
    last packet is a RST.
midstream_alert_first       from pcaps/tls12_ecdhe_rsa.pcap: only what
    follows the client's close_notify: the server's encrypted close_notify
    (the first packet, sent from port 443), then the FINs.
Encrypted bodies are deterministic pseudo-random bytes (fixed seed).
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaptool as P  # noqa: E402

RNG = random.Random(17)


def rec(ctype, n):
    return bytes([ctype, 3, 3]) + n.to_bytes(2, "big") + RNG.randbytes(n)


def records(payload):
    out, o = [], 0
    while o + 5 <= len(payload):
        n = int.from_bytes(payload[o + 3:o + 5], "big")
        out.append((payload[o], n))
        o += 5 + n
    return out


def shift(pkts, start, d, delta, seq_from):
    """Move direction d's sequence numbers at or after seq_from by delta
    (packets from index start on), and the peer's acknowledgements of them."""
    for p in pkts[start:]:
        if p.dir == d and P.offset_of(p.tcp["seq"], seq_from) >= 0:
            p.tcp["seq"] = (p.tcp["seq"] + delta) & 0xffffffff
        if p.dir != d and p.tcp["flags"] & 0x10 and P.offset_of(p.tcp["ack"], seq_from) > 0:
            p.tcp["ack"] = (p.tcp["ack"] + delta) & 0xffffffff


def client_flight(pkts):
    for i, p in enumerate(pkts):
        if p.dir == 0 and [t for t, _ in records(p.payload)] == [20, 23, 23]:
            return i
    sys.exit("mkpcaps_verdict.py: no client flight of CCS + 2 records")


def firefox(src, out):
    cap, pkts = P.load_session(src)
    i = client_flight(pkts)
    p = pkts[i]
    old = len(p.payload)
    ccs = p.payload[:6]
    p.payload = ccs + rec(23, 77)
    end = p.tcp["seq"] + old
    shift(pkts, i + 1, 0, len(p.payload) - old, end)
    q = p.copy(payload=rec(23, 437), ts=p.ts + 300000)
    q.dir = 0
    q.tcp = dict(p.tcp, seq=(p.tcp["seq"] + len(p.payload)) & 0xffffffff)
    shift(pkts, i + 1, 0, len(q.payload), (p.tcp["seq"] + len(p.payload)) & 0xffffffff)
    pkts.insert(i + 1, q)
    P.save(out, cap, pkts)


def chromium(src, out):
    cap, pkts = P.load_session(src)
    i = client_flight(pkts)
    p = pkts[i]
    old = len(p.payload)
    end = p.tcp["seq"] + old
    p.payload = b""
    p.tcp["flags"] = 0x11                       # FIN + ACK
    shift(pkts, i + 1, 0, 1 - old, end)
    rest = []
    for q in pkts[i + 1:]:
        if q.dir == 0:
            continue                            # the client's socket is gone
        rest.append(q)
    last = rest[-1]
    rst = p.copy(ts=last.ts + 200000, payload=b"")
    rst.dir = 0
    rst.tcp = dict(p.tcp, seq=(p.tcp["seq"] + 1) & 0xffffffff, flags=0x04)
    P.save(out, cap, pkts[:i + 1] + rest + [rst])


def midstream_alert(src, out):
    cap, pkts = P.load_session(src)
    alerts = [k for k, p in enumerate(pkts) if [t for t, _ in records(p.payload)] == [21]]
    srv = [k for k in alerts if pkts[k].dir == 1]
    if not srv:
        sys.exit("mkpcaps_verdict.py: no server alert in %s" % src)
    P.save(out, cap, [p for p in pkts[srv[0]:] if p.payload or p.tcp["flags"] & 0x05])


def main(argv):
    d = argv[1]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    firefox(os.path.join(d, "v13_cert_required.pcap"), os.path.join(d, "v13_firefox_cert_required.pcap"))
    chromium(os.path.join(d, "v13_cert_required.pcap"), os.path.join(d, "v13_chromium_abort.pcap"))
    midstream_alert(os.path.join(top, "pcaps", "tls12_ecdhe_rsa.pcap"),
                    os.path.join(d, "midstream_alert_first.pcap"))


if __name__ == "__main__":
    main(sys.argv)
