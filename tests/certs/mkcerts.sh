#!/bin/sh
# mkcerts.sh - regenerate the test certificates of tests/unit/test_x509.c.
#
# Run from anywhere: writes DER files (and ca.pem, the test trust store)
# next to this script.  Keys are thrown away; the outputs are committed so
# the tests do not need openssl.  Dates are fixed with `openssl ca`
# -startdate/-enddate so that the tests can name capture times.
#
#   root (RSA 2048, "Tlstap Test Root", in ca.pem)
#    `- inter (RSA 2048, "Tlstap Test Intermediate")
#        |- leaf, expired, future, wildcard, ipsan, cnonly, rsa1024,
#        |  rsa4096, p256, p384, sha1, critext
#   otherroot (not in ca.pem) `- otherleaf
#   selfsigned, ed25519 (self-signed leaves)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = tca
[ tca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
unique_subject = no
preserve = yes
copy_extensions = none
[ anything ]
commonName = optional
organizationName = optional
organizationalUnitName = optional
countryName = optional
localityName = optional
stateOrProvinceName = optional
emailAddress = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_inter ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_leaf ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = caIssuers;URI:http://ca.example.test/inter.der
subjectAltName = $ENV::SAN
[ v3_cnonly ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
[ v3_otherleaf ]
basicConstraints = CA:false
subjectAltName = DNS:other.example.test
[ v3_self ]
basicConstraints = CA:false
subjectAltName = $ENV::SAN
[ v3_crit ]
basicConstraints = CA:false
subjectAltName = DNS:crit.example.test
1.3.6.1.4.1.55555.1 = critical, ASN1:UTF8String:must understand
CNF
: > index.txt
echo 1000 > serial
SAN=DNS:unused
export SAN

key() { # name algorithm-options...
	n=$1; shift
	openssl genpkey -quiet "$@" -out "$n.key" 2>/dev/null ||
		openssl genpkey "$@" -out "$n.key"
}
csr() { # name subject
	openssl req -new -config ca.cnf -key "$1.key" -subj "$2" -out "$1.csr"
}
sign() { # name issuer ext start end [md]
	if [ "$2" = self ]; then
		openssl ca -batch -config ca.cnf -selfsign -keyfile "$1.key" \
			-in "$1.csr" -extensions "$3" -startdate "$4" -enddate "$5" \
			-md "${6:-sha256}" -notext -preserveDN -out "$1.pem" 2>/dev/null
	else
		openssl ca -batch -config ca.cnf -cert "$2.pem" -keyfile "$2.key" \
			-in "$1.csr" -extensions "$3" -startdate "$4" -enddate "$5" \
			-md "${6:-sha256}" -notext -preserveDN -out "$1.pem" 2>/dev/null
	fi
	openssl x509 -in "$1.pem" -outform DER -out "$here/$1.der"
}
rsa() { key "$1" -algorithm RSA -pkeyopt "rsa_keygen_bits:${2:-2048}"; }
T0=20200101000000Z
T1=20400101000000Z

rsa root
csr root "/C=ZZ/O=Tlstap Test/CN=Tlstap Test Root"
sign root self v3_root $T0 $T1
rsa inter
csr inter "/C=ZZ/O=Tlstap Test/OU=Issuing/CN=Tlstap Test Intermediate"
sign inter root v3_inter $T0 $T1

leaf() { # name keyalg-fn subject san start end [md]
	n=$1; kf=$2; subj=$3; SAN=$4; export SAN
	$kf "$n"
	csr "$n" "$subj"
	sign "$n" inter v3_leaf "$5" "$6" "${7:-sha256}"
}
r2048() { rsa "$1" 2048; }
r1024() { rsa "$1" 1024; }
r4096() { rsa "$1" 4096; }
p256() { key "$1" -algorithm EC -pkeyopt ec_paramgen_curve:P-256; }
p384() { key "$1" -algorithm EC -pkeyopt ec_paramgen_curve:P-384; }

leaf leaf r2048 "/C=ZZ/ST=Test State/L=Test City/O=Tlstap Test/OU=Web/OU=Edge/CN=www.example.test" \
	"DNS:www.example.test,DNS:example.test" 20210101000000Z 20310101000000Z
leaf expired r2048 "/O=Tlstap Test/CN=expired.example.test" "DNS:expired.example.test" \
	20150101000000Z 20160101000000Z
leaf future r2048 "/O=Tlstap Test/CN=future.example.test" "DNS:future.example.test" \
	20350101000000Z 20360101000000Z
leaf wildcard r2048 "/O=Tlstap Test/CN=*.wild.example.test" \
	"DNS:*.wild.example.test,DNS:f*.part.example.test,DNS:*.test,DNS:Mixed.Case.example.test" \
	20210101000000Z 20310101000000Z
leaf ipsan r2048 "/O=Tlstap Test/CN=192.0.2.7" \
	"IP:192.0.2.7,IP:2001:db8::7,email:ops@example.test,URI:https://example.test/x" \
	20210101000000Z 20310101000000Z
leaf rsa1024 r1024 "/O=Tlstap Test/CN=weak.example.test" "DNS:weak.example.test" \
	20210101000000Z 20310101000000Z
leaf rsa4096 r4096 "/O=Tlstap Test/CN=big.example.test" "DNS:big.example.test" \
	20210101000000Z 20310101000000Z
leaf p256 p256 "/O=Tlstap Test/CN=p256.example.test" "DNS:p256.example.test" \
	20210101000000Z 20310101000000Z
leaf p384 p384 "/O=Tlstap Test/CN=p384.example.test" "DNS:p384.example.test" \
	20210101000000Z 20310101000000Z
leaf sha1 r2048 "/O=Tlstap Test/CN=sha1.example.test" "DNS:sha1.example.test" \
	20210101000000Z 20310101000000Z sha1

r2048 cnonly
csr cnonly "/O=Tlstap Test/CN=cn.example.test"
sign cnonly inter v3_cnonly 20210101000000Z 20310101000000Z
r2048 critext
csr critext "/O=Tlstap Test/CN=crit.example.test"
sign critext inter v3_crit 20210101000000Z 20310101000000Z

rsa otherroot
csr otherroot "/O=Other Org/CN=Other Root"
sign otherroot self v3_root $T0 $T1
rsa otherleaf
csr otherleaf "/O=Other Org/CN=other.example.test"
sign otherleaf otherroot v3_otherleaf 20210101000000Z 20310101000000Z

SAN=DNS:self.example.test
r2048 selfsigned
csr selfsigned "/O=Self/CN=self.example.test"
sign selfsigned self v3_self 20210101000000Z 20310101000000Z
SAN=DNS:ed.example.test
key ed25519 -algorithm ED25519
csr ed25519 "/O=Tlstap Test/CN=ed.example.test"
sign ed25519 self v3_self 20210101000000Z 20310101000000Z

openssl x509 -in root.pem -out "$here/ca.pem"
echo "certificates written to $here"
