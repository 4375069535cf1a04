#!/usr/bin/python3
"""mkcert_pq.py OUT: a DER X.509 v3 certificate shaped like an ML-DSA-65 one
(RFC 5280 structure; algorithm OID 2.16.840.1.101.3.4.3.18 with absent
parameters, as draft-ietf-lamps-dilithium-certificates specifies; a
1952-byte public key and a 3309-byte signature, the FIPS 204 sizes).  The
key and signature are deterministic pseudo-random bytes: the certificate
parses but does not verify.  Standard library only."""
import random
import sys


def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


def seq(*parts):
    return tlv(0x30, b"".join(parts))


def name(cn):
    attr = seq(tlv(0x06, bytes([0x55, 0x04, 0x03])), tlv(0x0c, cn.encode()))
    return seq(tlv(0x31, attr))


def main(out):
    rng = random.Random(204)
    mldsa65 = tlv(0x06, bytes([0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12]))
    alg = seq(mldsa65)
    spki = seq(alg, tlv(0x03, b"\x00" + rng.randbytes(1952)))
    validity = seq(tlv(0x17, b"250101000000Z"), tlv(0x17, b"350101000000Z"))
    san = seq(tlv(0x06, bytes([0x55, 0x1d, 0x11])),
              tlv(0x04, seq(tlv(0x82, b"mldsa.example.test"))))
    tbs = seq(tlv(0xa0, tlv(0x02, b"\x02")), tlv(0x02, b"\x01\x23\x45\x67"), alg,
              name("mldsa.example.test"), validity, name("mldsa.example.test"), spki,
              tlv(0xa3, seq(san)))
    cert = seq(tbs, alg, tlv(0x03, b"\x00" + rng.randbytes(3309)))
    with open(out, "wb") as f:
        f.write(cert)


if __name__ == "__main__":
    main(sys.argv[1])
