#!/bin/bash
# Regenerates the key-log captures: pcaps/keylog_*.pcap, each with the NSS
# key log its client wrote, pcaps/keylog_*.keylog (test sessions, fresh test
# keys: nothing secret).  Real openssl s_server/s_client and gnutls-serv/
# gnutls-cli in two private network namespaces joined by a veth pair
# (10.98.0.1 <-> 10.98.0.2), recorded by tcpdump in the client namespace.
# Nothing leaves the namespaces.  The run's test CA is kept as
# tests/certs-pcap/keylog-ca.pem (for --ca-file in the golden cases).
#
# Usage (root): tests/mkkeylog.sh     Needs: openssl gnutls-bin tcpdump iproute2 ethtool
# Regenerating changes every capture: then `tests/golden/run.py TLSTAP
# --update keylog_...` and a review of the diff.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"

netns_begin keylog out certs -- openssl gnutls-serv gnutls-cli ethtool ss timeout
C=$W/certs

netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:62:00 10.98.0.1/24 10.98.0.2/24

# A test CA, an RSA server leaf, a client leaf from the same CA, and a
# second CA the server trusts when it should reject the client.
for ca in ca otherca; do
	netns_ca "$ca" "/O=tlstap tests/CN=tlstap keylog $ca root"
done
netns_cert rsa "/O=tlstap tests/CN=keylog.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:*.tlstap.test\n'
netns_cert client "/O=tlstap tests/CN=client.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n'
cat "$C/rsa.pem" "$C/ca.pem" >"$C/rsa-chain.pem"

cap_start() { netns_keylog_start "$NC" "$VC" "$1"; }
cap_stop() { netns_keylog_stop; }
srv() { netns_srv "$NS" "$1" t "${@:2}"; } # srv PORT CMD...
srv_stop() { netns_srv_stop; }
# osrv ARGS: openssl s_server on 443, RSA leaf with its CA as chain.
osrv() {
	srv 443 openssl s_server -accept 443 -naccept 1 -rev -cert "$C/rsa.pem" -key "$C/rsa.key" \
		-cert_chain "$C/ca.pem" "$@"
}
# ocli SNI ARGS: openssl s_client writing the key log, one line, a pause.
ocli() {
	local sni=$1
	shift
	netns_cli "$NC" 0.5 openssl s_client -connect 10.98.0.2:443 \
		-servername "$sni" -CAfile "$C/ca.pem" -keylogfile "$W/$CUR.keylog" "$@"
}

cap_start keylog_tls13_oneway
osrv -alpn h2,http/1.1
ocli oneway.tlstap.test -alpn h2,http/1.1
cap_stop; srv_stop

cap_start keylog_tls13_mutual
osrv -Verify 1 -CAfile "$C/ca.pem"
ocli mutual.tlstap.test -cert "$C/client.pem" -key "$C/client.key"
cap_stop; srv_stop

# The server trusts only otherca: it rejects the client's certificate with
# an alert after the client's Finished, under its application keys.
cap_start keylog_tls13_rejected
osrv -Verify 1 -verify_return_error -CAfile "$C/otherca.pem"
ocli rejected.tlstap.test -cert "$C/client.pem" -key "$C/client.key"
cap_stop; srv_stop

# The client's key share is x25519, the server takes only P-256: HRR.
cap_start keylog_tls13_hrr
osrv -groups P-256
ocli hrr.tlstap.test -groups X25519:P-256
cap_stop; srv_stop

cap_start keylog_tls13_chacha
osrv -ciphersuites TLS_CHACHA20_POLY1305_SHA256
ocli chacha.tlstap.test -ciphersuites TLS_CHACHA20_POLY1305_SHA256
cap_stop; srv_stop

cap_start keylog_tls13_ccm
osrv -ciphersuites TLS_AES_128_CCM_SHA256
ocli ccm.tlstap.test -ciphersuites TLS_AES_128_CCM_SHA256
cap_stop; srv_stop

cap_start keylog_tls13_ccm8
osrv -ciphersuites TLS_AES_128_CCM_8_SHA256
ocli ccm8.tlstap.test -ciphersuites TLS_AES_128_CCM_8_SHA256
cap_stop; srv_stop

# TLS 1.2: the CLIENT_RANDOM master secret opens both Finished messages.
cap_start keylog_tls12_gcm
osrv -tls1_2
ocli tls12.tlstap.test -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384
cap_stop; srv_stop

cap_start keylog_tls12_chacha
osrv -tls1_2
ocli tls12-chacha.tlstap.test -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305
cap_stop; srv_stop

# GnuTLS writes the key log named by SSLKEYLOGFILE; AES-128-GCM (SHA-256).
cap_start keylog_tls13_gnutls
srv 8443 gnutls-serv --echo --disable-client-cert -p 8443 --x509certfile "$C/rsa-chain.pem" \
	--x509keyfile "$C/rsa.key" --priority NORMAL:-VERS-ALL:+VERS-TLS1.3
SSLKEYLOGFILE="$W/$CUR.keylog" netns_cli "$NC" 0.5 gnutls-cli -p 8443 \
	--x509cafile "$C/ca.pem" --sni-hostname gnutls.tlstap.test --verify-hostname gnutls.tlstap.test \
	--priority NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM 10.98.0.2
cap_stop; srv_stop

# The one-way session's key log with every secret altered (first hex digit)
# and two lines that do not parse: the records do not open (decryption_failed).
CUR=keylog_tls13_wrongkey
{
	echo "NOT_A_LABEL 00 11"
	awk 'NF == 3 { c = substr($3, 1, 1); print $1, $2, (c == "0" ? "1" : "0") substr($3, 2) }' \
		"$W/out/keylog_tls13_oneway.keylog"
	echo "CLIENT_RANDOM tooshort"
} >"$W/out/$CUR.keylog"

# The mutual session as pcapng with its key log inside (a Decryption
# Secrets Block): read without --keylog.
CUR=keylog_tls13_mutual_dsb
/usr/bin/python3 "$HERE/pcaptool.py" pcapng "$W/out/$CUR.pcapng" "$W/out/keylog_tls13_mutual.pcap" \
	--secrets "$W/out/keylog_tls13_mutual.keylog"

CUR=done
mkdir -p "$DEST"
cp "$W"/out/* "$DEST/"
[ -n "${MKPCAPS_DEST:-}" ] || cp "$C/ca.pem" "$HERE/certs-pcap/keylog-ca.pem"
echo "mkkeylog.sh: $(ls "$W"/out/*.pcap* | wc -l) captures with key logs in $DEST"
