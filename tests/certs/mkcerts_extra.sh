#!/bin/sh
# mkcerts_extra.sh - the certificates of the algorithm and size bounds in
# tests/unit/test_x509.c (issue 17), next to this script:
#   rsapss.der   self-signed, an RSASSA-PSS key (id-RSASSA-PSS SPKI, 2048
#                bits; mbedTLS 2.28 refuses to parse the key)
#   san600.der   self-signed, 600 DNS subjectAltNames
#   mldsa65.der  self-signed-shaped ML-DSA-65 certificate (FIPS 204 key and
#                signature sizes, OID 2.16.840.1.101.3.4.3.18), hand-built
#                by mkcert_pq.py: OpenSSL 3.0 cannot make ML-DSA keys; the
#                key and signature are deterministic pseudo-random bytes
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
openssl req -x509 -newkey rsa-pss -pkeyopt rsa_keygen_bits:2048 -nodes -keyout k.pem \
	-subj "/CN=rsapss.example.test" -days 3650 -outform DER -out "$here/rsapss.der" 2>/dev/null
i=0; sans=""
while [ $i -lt 600 ]; do sans="${sans}${sans:+,}DNS:h$i.example.test"; i=$((i + 1)); done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k2.pem \
	-subj "/CN=san600.example.test" -days 3650 -addext "subjectAltName=$sans" \
	-outform DER -out "$here/san600.der" 2>/dev/null
python3 "$here/mkcert_pq.py" "$here/mldsa65.der"
