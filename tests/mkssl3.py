#!/usr/bin/python3
"""A hand-built SSL 3.0 session and its key log (issue 18): no Debian stack
makes SSL 3.0 any more (OpenSSL 3.0 and GnuTLS are built without it), so
this script is the sender, following RFC 6101 to the letter:

  - ClientHello / ServerHello of version 3.0, TLS_RSA_WITH_3DES_EDE_CBC_SHA
    (0x000a), the server's certificate (tests/certs/selfsigned.der),
    ServerHelloDone, an RSA ClientKeyExchange (SSL 3.0: no length prefix)
    that encrypts the pre-master secret with that certificate's key;
  - master secret and key block by 6.1 and 6.2.2 (MD5 over SHA-1 with "A",
    "BB", "CCC" ...), Finished by 5.6.9 (MD5 and SHA-1 over the handshake,
    the sender, the master secret and pad_1/pad_2);
  - records protected by 5.2.3: the SSL 3.0 MAC, 3DES-EDE-CBC with arbitrary
    padding bytes, the IV of each record the last cipher block of the
    previous one; the server's Finished is split over two records so that
    the chaining is exercised; encrypted close_notify alerts end it.

The cipher and RSA key reading are python3-cryptography's (Debian's 38 or
later); everything else is here.
Deterministic: same output every run.

  mkssl3.py OUTDIR    writes keylog_ssl3_3des.pcap and keylog_ssl3_3des.keylog
"""
import hashlib
import hmac
import os
import struct
import sys

from cryptography import x509
from cryptography.hazmat.primitives.ciphers import Cipher, modes
try:        # cryptography 43 and later
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:         # Debian 12's python3-cryptography (38)
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pcaptool  # noqa: E402
from mkprelude import Conn  # noqa: E402

SUITE = 0x000a
CR = bytes(range(0x40, 0x60))
SR = bytes(range(0x80, 0xa0))
PRE = b"\x03\x00" + bytes((7 * i + 3) & 0xff for i in range(46))


def hs(t, body):
    return bytes([t]) + struct.pack(">I", len(body))[1:] + body


def record(t, body):
    return bytes([t]) + b"\x03\x00" + struct.pack(">H", len(body)) + body


def ssl3_derive(secret, seed, n):
    """RFC 6101 6.1 / 6.2.2: MD5(secret + SHA1(letters + secret + seed)) ..."""
    out, i = b"", 0
    while len(out) < n:
        letters = bytes([0x41 + i]) * (i + 1)
        out += hashlib.md5(secret + hashlib.sha1(letters + secret + seed).digest()).digest()
        i += 1
    return out[:n]


def finished(master, msgs, sender):
    """RFC 6101 5.6.9."""
    out = b""
    for h, pl in ((hashlib.md5, 48), (hashlib.sha1, 40)):
        inner = h(msgs + sender + master + b"\x36" * pl).digest()
        out += h(master + b"\x5c" * pl + inner).digest()
    return out


def ssl3_mac(key, seq, ctype, data):
    """RFC 6101 5.2.3.1 with SHA-1 (pads of 40 bytes)."""
    hdr = struct.pack(">QBH", seq, ctype, len(data))
    inner = hashlib.sha1(key + b"\x36" * 40 + hdr + data).digest()
    return hashlib.sha1(key + b"\x5c" * 40 + inner).digest()


class Side:
    def __init__(self, mac, key, iv):
        self.mac, self.key, self.iv, self.seq = mac, key, iv, 0

    def seal(self, ctype, data):
        m = data + ssl3_mac(self.mac, self.seq, ctype, data)
        pad = 7 - len(m) % 8
        m += bytes([0xc0 + i for i in range(pad)]) + bytes([pad])   # any bytes, then the length
        enc = Cipher(TripleDES(self.key), modes.CBC(self.iv)).encryptor()
        ct = enc.update(m) + enc.finalize()
        self.iv, self.seq = ct[-8:], self.seq + 1
        return record(ctype, ct)


def rsa_encrypt(cert, msg):
    """PKCS #1 v1.5 block type 2 with fixed non-zero padding (deterministic)."""
    pub = cert.public_key().public_numbers()
    k = (pub.n.bit_length() + 7) // 8
    ps = bytes((i * 37) % 255 + 1 for i in range(k - 3 - len(msg)))
    m = int.from_bytes(b"\x00\x02" + ps + b"\x00" + msg, "big")
    return pow(m, pub.e, pub.n).to_bytes(k, "big")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    der = open(os.path.join(HERE, "certs", "selfsigned.der"), "rb").read()
    cert = x509.load_der_x509_certificate(der)
    ch = hs(1, b"\x03\x00" + CR + b"\x00" + struct.pack(">HH", 2, SUITE) + b"\x01\x00")
    sh = hs(2, b"\x03\x00" + SR + b"\x20" + bytes(range(32)) + struct.pack(">H", SUITE) + b"\x00")
    crt = hs(11, struct.pack(">I", len(der) + 3)[1:] + struct.pack(">I", len(der))[1:] + der)
    shd = hs(14, b"")
    cke = hs(16, rsa_encrypt(cert, PRE))
    master = ssl3_derive(PRE, CR + SR, 48)
    kb = ssl3_derive(master, SR + CR, 2 * 20 + 2 * 24 + 2 * 8)
    cli = Side(kb[0:20], kb[40:64], kb[88:96])
    srv = Side(kb[20:40], kb[64:88], kb[96:104])
    msgs = ch + sh + crt + shd + cke
    cfin = hs(20, finished(master, msgs, b"CLNT"))
    sfin = hs(20, finished(master, msgs + cfin, b"SRVR"))
    ccs = record(20, b"\x01")
    flights = [
        (0, record(22, ch)),
        (1, record(22, sh + crt + shd)),
        (0, record(22, cke) + ccs + cli.seal(22, cfin)),
        (1, ccs + srv.seal(22, sfin[:20]) + srv.seal(22, sfin[20:])),
        (0, cli.seal(23, b"GET / HTTP/1.0\r\nHost: self.example.test\r\n\r\n")),
        (1, srv.seal(23, b"HTTP/1.0 204 No Content\r\n\r\n")),
        (0, cli.seal(21, b"\x01\x00")),
        (1, srv.seal(21, b"\x01\x00")),
    ]
    cap = pcaptool.Capture(pcaptool.LINK_ETH)
    pcaptool.save(os.path.join(out, "keylog_ssl3_3des.pcap"), cap, Conn(443).build(flights))
    with open(os.path.join(out, "keylog_ssl3_3des.keylog"), "w") as f:
        f.write("CLIENT_RANDOM %s %s\n" % (CR.hex(), master.hex()))


if __name__ == "__main__":
    main()
