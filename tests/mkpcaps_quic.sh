#!/bin/bash
# Regenerates the QUIC captures of pcaps/ (quic_*.pcap, one row each in
# pcaps/CASES.tsv).
#
# Real sessions: ngtcp2's example client and server (Debian ngtcp2-client,
# ngtcp2-server: gtlsclient/gtlsserver, GnuTLS) in two private network
# namespaces joined by a veth pair (10.97.0.1 <-> 10.97.0.2), recorded by
# tcpdump in the client namespace.  Nothing leaves the namespaces (named
# quiccli*/quicsrv*, so they never meet the other scripts').
#
# Hand-built (tests/quic_pcap.py): quic_rfc9001.pcap and quic_rfc9369.pcap,
# the RFC sample Initial packets (tests/unit/quic_vectors.h) in UDP
# datagrams, the first followed by Handshake and 1-RTT packets; and
# quic_gquic_q043.pcap, a Google QUIC client hello; quic_rebind.pcap, the
# RFC connection following its client to two new address pairs.
#
# The key and certificate are made afresh on every run (the server's
# certificate travels encrypted in QUIC: no CA file is needed to read the
# captures).  Regenerating changes every capture: then
# `tests/golden/run.py TLSTAP --update` and a review of the diff.
#
# Usage (root): tests/mkpcaps_quic.sh   Needs: ngtcp2-client ngtcp2-server
#                                              openssl tcpdump iproute2 ethtool
# MKPCAPS_DEST=DIR writes the captures to DIR instead of pcaps/ (a dry run).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"
PY=/usr/bin/python3

netns_begin quic out htdocs -- gtlsclient gtlsserver openssl ethtool timeout
OUT=$W/out

# ------------------------------------------------------------------ network

NETNS_OFFLOADS='tx off rx off gso off tso off gro off'
netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:61:00 10.97.0.1/24 10.97.0.2/24

# ------------------------------------------------------------------ keys

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj "/CN=quic.test" -addext "subjectAltName=DNS:quic.test" \
	-keyout "$W/key.pem" -out "$W/cert.pem" >"$W/log/keys.log" 2>&1
printf 'hello over quic\n' >"$W/htdocs/index.html"

# ------------------------------------------------------------------ cases

# capture NAME PORT SERVER_ARGS -- CLIENT_ARGS: one client run against a
# fresh server, recorded in the client namespace.
capture() {
	local name=$1 port=$2 cport=$2 sp=
	shift 2
	local sargs=() cargs=()
	while [ "$1" != "--" ]; do sargs+=("$1"); shift; done
	shift
	cargs=("$@")
	CUR=$name
	netns_capture "$NC" "$VC" "$OUT/$name.pcap" udp
	if [ "$port" != 0 ]; then
		ip netns exec "$NS" gtlsserver -q -d "$W/htdocs" "${sargs[@]}" 10.97.0.2 "$port" \
			"$W/key.pem" "$W/cert.pem" >"$W/log/$name.server" 2>&1 &
		sp=$!
		pids+=("$sp")
	else
		cport=4499   # nothing listens there
	fi
	sleep 1
	ip netns exec "$NC" timeout 10 gtlsclient -q --exit-on-all-streams-close \
		--sni=quic.test "${cargs[@]}" 10.97.0.2 "$cport" \
		https://quic.test/index.html >"$W/log/$name.client" 2>&1 || true
	sleep 0.7
	netns_capture_stop "$OUT/$name.pcap"
	if [ -n "$sp" ]; then
		kill "$sp" 2>/dev/null || true
		wait "$sp" 2>/dev/null || true
	fi
}

capture quic_ngtcp2_v1 4433 -- --disable-early-data
capture quic_ngtcp2_retry 4434 -V -- --disable-early-data
capture quic_ngtcp2_cipher_mismatch 4435 \
	--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-256-GCM -- \
	--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM
capture quic_ngtcp2_vn 4436 -- -v 0x1a2a3a4a --preferred-versions=0x1
capture quic_ngtcp2_no_server 0 -- --handshake-timeout=2s

CUR=hand-built
$PY "$HERE/quic_pcap.py" rfc9001 "$OUT/quic_rfc9001.pcap"
$PY "$HERE/quic_pcap.py" rfc9369 "$OUT/quic_rfc9369.pcap"
$PY "$HERE/quic_pcap.py" gquic "$OUT/quic_gquic_q043.pcap"
$PY "$HERE/quic_pcap.py" rebind "$OUT/quic_rebind.pcap"

mkdir -p "$DEST"
cp "$OUT"/quic_*.pcap "$DEST/"
echo "mkpcaps_quic.sh: $(ls "$OUT" | wc -l) captures written to $DEST"
