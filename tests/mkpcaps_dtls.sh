#!/bin/bash
# Regenerates the DTLS captures of pcaps/ (dtls_*.pcap, one row each in
# pcaps/CASES.tsv): real openssl and gnutls DTLS sessions between two private
# network namespaces joined by a veth pair (10.98.0.1 <-> 10.98.0.2),
# recorded by tcpdump in the client namespace.  Nothing leaves the
# namespaces (named dtlscli*/dtlssrv*, so they never meet mkpcaps.sh's).
#
# The certificates are made afresh on every run; the run's CA certificate is
# kept as tests/certs-pcap/dtls_ca.pem (--ca-file of the golden cases).
#
# Usage (root): tests/mkpcaps_dtls.sh     Needs: openssl gnutls-bin tcpdump
#                                                iproute2 ethtool
# MKPCAPS_DEST=DIR writes the captures to DIR instead of pcaps/ (a dry run).
# Regenerating changes every capture: then `tests/golden/run.py TLSTAP
# --update` and a review of the diff.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"

netns_need openssl gnutls-serv gnutls-cli ethtool ss timeout

tag=$$
NC=dtlscli$tag NS=dtlssrv$tag VC=dtlsc$tag VS=dtlss$tag
netns_workdir pcap certs out
OUT=$W/out
netns_traps "$NC" "$NS"

# ------------------------------------------------------------------ network

netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:62:00 10.98.0.1/24 10.98.0.2/24

# ------------------------------------------------------------------ certificates

C=$W/certs
netns_ca ca "/O=tlstap tests/CN=tlstap dtls root"
netns_cert rsa "/O=tlstap tests/CN=dtls.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:dtls.tlstap.test,DNS:*.tlstap.test,IP:10.98.0.2\n'
netns_cert client "/O=tlstap tests/CN=client.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n'
cat "$C/rsa.pem" "$C/ca.pem" >"$C/rsa-chain.pem"

# ------------------------------------------------------------------ helpers

cap_start() {
	CUR=$1
	netns_capture "$NC" "$VC" "$W/pcap/$CUR.pcap" udp
}
cap_stop() {
	netns_capture_stop "$W/pcap/$CUR.pcap"
	cp "$W/pcap/$CUR.pcap" "$OUT/$CUR.pcap"
}
# srv PORT CMD...: a UDP server in the server namespace, in the background.
srv() { netns_srv "$NS" "$1" u "${@:2}"; }
srv_stop() { netns_srv_stop; }
# cli HOLD CMD...: a client that sends one line, then waits HOLD seconds.
cli() { netns_cli "$NC" "$@"; }
# osrv PORT ARGS...: openssl s_server (its -rev is TLS only: its input is a
# stream that stays open for a few seconds and sends nothing).
osrv() {
	local port=$1
	shift
	srv "$port" bash -c 'exec openssl s_server "$@" < <(sleep 4)' s_server -accept "$port" \
		-naccept 1 -cert "$C/rsa.pem" -key "$C/rsa.key" -cert_chain "$C/ca.pem" "$@"
}
ocli() {
	cli "${HOLD:-0.5}" openssl s_client -connect "$1" -CAfile "$C/ca.pem" "${@:2}"
}
# expect NAME WORDS...: the capture's bytes hold each hex string (a DTLS
# version in a record header, a handshake type, ...).
expect() {
	local name=$1 hex
	hex=$(od -An -tx1 -v "$OUT/$name.pcap" | tr -d ' \n')
	shift
	for w in "$@"; do
		case "$hex" in *"$w"*) ;; *) CUR=$name; die "capture lacks $w" ;; esac
	done
}

S=10.98.0.2

# ------------------------------------------------------------------ sessions
# Record headers: 16fefd = DTLS 1.2 handshake, 16feff = DTLS 1.0, 15 = alert.

cap_start dtls12_openssl
osrv 4433 -dtls1_2
ocli $S:4433 -dtls1_2
cap_stop; srv_stop
expect dtls12_openssl 16fefd 14fefd

cap_start dtls10_openssl
osrv 4433 -dtls1 -cipher 'DEFAULT:@SECLEVEL=0'
ocli $S:4433 -dtls1 -cipher 'DEFAULT:@SECLEVEL=0'
cap_stop; srv_stop
expect dtls10_openssl 16feff 14feff

# -listen: the server answers the first ClientHello with a HelloVerifyRequest
# and a cookie (RFC 6347 4.2.1), the client sends its ClientHello again.
cap_start dtls12_cookie
osrv 4433 -dtls1_2 -listen
ocli $S:4433 -dtls1_2
cap_stop; srv_stop
expect dtls12_cookie 16fefd 16feff

cap_start dtls12_mutual
osrv 4433 -dtls1_2 -Verify 1 -CAfile "$C/ca.pem"
ocli $S:4433 -dtls1_2 -cert "$C/client.pem" -key "$C/client.key"
cap_stop; srv_stop
expect dtls12_mutual 16fefd 14fefd

# The server insists on a client certificate the client does not have: it
# sends a fatal alert.
cap_start dtls12_alert
osrv 4433 -dtls1_2 -Verify 1 -verify_return_error -CAfile "$C/ca.pem"
ocli $S:4433 -dtls1_2
cap_stop; srv_stop
expect dtls12_alert 15fefd

cap_start dtls12_gnutls
srv 5684 gnutls-serv --udp --echo --disable-client-cert -p 5684 --x509certfile "$C/rsa-chain.pem" \
	--x509keyfile "$C/rsa.key" --priority NORMAL:-VERS-ALL:+VERS-DTLS1.2
cli 0.5 gnutls-cli --udp -p 5684 --x509cafile "$C/ca.pem" --sni-hostname dtls.tlstap.test \
	--verify-hostname dtls.tlstap.test --priority NORMAL:-VERS-ALL:+VERS-DTLS1.2 $S
cap_stop; srv_stop
expect dtls12_gnutls 16fefd

# Derived: the mutual-auth session with every handshake message cut into
# fragments, shuffled within its flight, one sent twice, one overlapped.
CUR=dtls12_fragmented
/usr/bin/python3 "$HERE/dtls_perturb.py" "$OUT/dtls12_mutual.pcap" "$OUT/dtls12_fragmented.pcap" 7
# Derived: the same session on a CAPWAP control channel (RFC 5415 4.2).
CUR=dtls12_capwap
/usr/bin/python3 "$HERE/pcaptunnel.py" capwap_dtls "$OUT/dtls12_mutual.pcap" "$OUT/dtls12_capwap.pcap"

# ------------------------------------------------------------------ install

mkdir -p "$DEST"
cp "$OUT"/*.pcap "$DEST"/
if [ -z "${MKPCAPS_DEST:-}" ]; then
	cp "$C/ca.pem" "$TOP/tests/certs-pcap/dtls_ca.pem"
fi
ls -l "$OUT" | sed 1d
