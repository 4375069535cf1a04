#!/bin/bash
# Regenerates the captures of the handshake-verdict cases (issue 17): TLS 1.3
# client-certificate rejections, record padding, renegotiation and
# post-handshake authentication with a client certificate, and the
# hand-built shapes derived from them (tests/mkpcaps_verdict.py).
#
# Real sessions: openssl s_server/s_client (OpenSSL 3.0) and
# gnutls-serv/gnutls-cli in two private network namespaces (names prefixed
# "verdict") joined by a veth pair, 10.98.0.1 <-> 10.98.0.2, recorded by
# tcpdump in the client namespace with offloads off.  Nothing leaves the
# namespaces.  Keys and certificates are made afresh on each run; the CA
# certificates are kept in tests/certs-pcap/verdict-*.pem.
#
# Usage (root): tests/mkpcaps_verdict.sh    Needs: openssl gnutls-bin tcpdump
#                                                  iproute2 ethtool python3
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"
PY=/usr/bin/python3

netns_need openssl gnutls-serv gnutls-cli ethtool ss timeout
NC=verdictc$$ NS=verdicts$$ VC=vdc$$ VS=vds$$
netns_workdir pcap certs out
OUT=$W/out C=$W/certs
netns_traps "$NC" "$NS"

netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:62:00 10.98.0.1/24 10.98.0.2/24

# ---- certificates: a CA the server trusts, one it does not, and a client
# certificate from each.
for ca in ca otherca; do
	netns_ca "$ca" "/O=tlstap verdict tests/CN=tlstap verdict $ca root"
done
netns_cert rsa "/O=tlstap verdict tests/CN=server.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:tlstap.test,DNS:*.tlstap.test\n' ca
CLIEXT='basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n'
netns_cert client "/O=tlstap verdict tests/CN=client.tlstap.test" "$CLIEXT" ca
netns_cert stranger "/O=tlstap verdict tests/CN=stranger.tlstap.test" "$CLIEXT" otherca

# ---- helpers (as in tests/mkpcaps.sh)
cap_start() {
	CUR=$1
	netns_capture "$NC" "$VC" "$W/pcap/$CUR.pcap" tcp
}
cap_stop() {
	netns_capture_stop "$W/pcap/$CUR.pcap"
	cp "$W/pcap/$CUR.pcap" "$OUT/$CUR.pcap"
}
# srv PORT INPUT CMD...: a server whose standard input is the shell snippet
# INPUT (s_server reads its one-letter commands there).
srv() {
	local port=$1 input=$2
	shift 2
	{ eval "$input"; } | ip netns exec "$NS" "$@" >>"$W/log/$CUR.srv" 2>&1 &
	SRV=$!
	pids+=("$SRV")
	netns_listen "$NS" "$port"
}
srv_stop() {
	sleep 0.2
	netns_srv_stop
}
cli() { netns_cli "$NC" "$@"; }
S=10.98.0.2
OSRV="openssl s_server -naccept 1 -cert $C/rsa.pem -key $C/rsa.key -cert_chain $C/ca.pem"
OCLI="openssl s_client -connect $S:443 -CAfile $C/ca.pem"
GSRV="gnutls-serv -p 443 --echo --x509certfile $C/rsa-chain.pem --x509keyfile $C/rsa.key --x509cafile $C/ca.pem"
GCLI="gnutls-cli -p 443 --x509cafile $C/ca.pem"
cat "$C/rsa.pem" "$C/ca.pem" >"$C/rsa-chain.pem"

# TLS 1.3, the server requires a client certificate from its CA.
cap_start v13_cert_unknown_ca
srv 443 "sleep 3" $OSRV -accept 443 -rev -tls1_3 -Verify 1 -verify_return_error -CAfile "$C/ca.pem"
cli 0.5 $OCLI -servername v13-cert-unknown-ca.tlstap.test -cert "$C/stranger.pem" -key "$C/stranger.key"
cap_stop; srv_stop

cap_start v13_cert_required
srv 443 "sleep 3" $OSRV -accept 443 -rev -tls1_3 -Verify 1 -CAfile "$C/ca.pem"
cli 0.5 $OCLI -servername v13-cert-required.tlstap.test
cap_stop; srv_stop

cap_start v13_gnutls_cert_unknown_ca
srv 443 "sleep 3" $GSRV --require-client-cert --verify-client-cert --priority NORMAL:-VERS-ALL:+VERS-TLS1.3
cli 0.5 $GCLI --sni-hostname v13-gnutls-cert-unknown-ca.tlstap.test --verify-hostname v13-gnutls-cert-unknown-ca.tlstap.test --x509certfile "$C/stranger.pem" \
	--x509keyfile "$C/stranger.key" --priority NORMAL:-VERS-ALL:+VERS-TLS1.3 $S
cap_stop; srv_stop

cap_start v13_gnutls_mutual
srv 443 "sleep 3" $GSRV --require-client-cert --verify-client-cert --priority NORMAL:-VERS-ALL:+VERS-TLS1.3
cli 0.5 $GCLI --sni-hostname v13-gnutls-mutual.tlstap.test --verify-hostname v13-gnutls-mutual.tlstap.test --x509certfile "$C/client.pem" \
	--x509keyfile "$C/client.key" --priority NORMAL:-VERS-ALL:+VERS-TLS1.3 $S
cap_stop; srv_stop

# TLS 1.3 record padding to 512-byte blocks on both sides.
cap_start v13_padding_oneway
srv 443 "sleep 3" $OSRV -accept 443 -rev -tls1_3 -record_padding 512
cli 0.5 $OCLI -servername v13-padding-oneway.tlstap.test -record_padding 512
cap_stop; srv_stop

cap_start v13_padding_mutual
srv 443 "sleep 3" $OSRV -accept 443 -rev -tls1_3 -record_padding 512 -Verify 1 -CAfile "$C/ca.pem"
cli 0.5 $OCLI -servername v13-padding-mutual.tlstap.test -record_padding 512 \
	-cert "$C/client.pem" -key "$C/client.key"
cap_stop; srv_stop

# A client certificate asked for later: TLS 1.2 renegotiation started by the
# server ("R": renegotiate requesting a certificate), TLS 1.3 post-handshake
# authentication ("c").
cap_start v12_reneg_client_cert
srv 443 "sleep 1; echo R; sleep 2" $OSRV -accept 443 -tls1_2 -CAfile "$C/ca.pem"
cli 2 $OCLI -servername v12-reneg-client-cert.tlstap.test -tls1_2 -cert "$C/client.pem" -key "$C/client.key"
cap_stop; srv_stop

cap_start v13_pha_client_cert
srv 443 "sleep 1; echo c; sleep 2" $OSRV -accept 443 -tls1_3 -CAfile "$C/ca.pem"
cli 2 $OCLI -servername v13-pha-client-cert.tlstap.test -enable_pha -cert "$C/client.pem" -key "$C/client.key"
cap_stop; srv_stop

"$PY" "$HERE/mkpcaps_verdict.py" "$OUT"
cp "$OUT"/*.pcap "$DEST"/
mkdir -p "$TOP/tests/certs-pcap"
cp "$C/ca.pem" "$TOP/tests/certs-pcap/verdict-ca.pem"
cp "$C/otherca.pem" "$TOP/tests/certs-pcap/verdict-otherca.pem"
echo "mkpcaps_verdict.sh: wrote $(ls "$OUT" | wc -l) captures to $DEST"
