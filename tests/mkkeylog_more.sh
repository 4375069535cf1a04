#!/bin/bash
# Regenerates the key-log captures added after tests/mkkeylog.sh, each with
# its key log (test sessions, fresh keys: nothing secret):
#  - keylog_tls13_early_rejected: a real TLS 1.3 resumption whose client
#    sends 0-RTT early data that the server rejects (RFC 8446 4.2.10: it
#    skips the records it cannot open with its handshake keys).  openssl
#    s_server issues tickets that allow early data (-max_early_data) but
#    does not read early data (no -early_data), so it rejects it; s_client
#    resumes with -early_data.
#  - keylog_tls12_cbc (ECDHE-RSA-AES128-SHA, encrypt_then_mac, OpenSSL's
#    default) and keylog_tls12_cbc_mte (ECDHE-RSA-AES256-SHA384, -no_etm:
#    MAC-then-encrypt): TLS 1.2 CBC-HMAC sessions.  Two private network
# namespaces joined by a veth pair (10.97.0.1 <-> 10.97.0.2), tcpdump in the
# client namespace; nothing leaves them.  The junk-record variants are made
# from this capture by tests/mkevasion.sh (evade_early_junk*).
#
# Usage (root): tests/mkkeylog_more.sh     Needs: openssl tcpdump iproute2 ethtool
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"

[ "$(id -u)" = 0 ] || { echo "mkkeylog_more.sh: must run as root (network namespaces)" >&2; exit 1; }
for c in openssl tcpdump ip ethtool ss timeout; do
	command -v "$c" >/dev/null || { echo "mkkeylog_more.sh: $c is missing" >&2; exit 1; }
done

tag=$$
NC=tlsearlyc$tag NS=tlsearlys$tag VC=tec$tag VS=tes$tag
W=$(mktemp -d /tmp/mkkeylog_more.XXXXXX)
mkdir -p "$W/log"
pids=()
CUR=keylog_tls13_early_rejected

trap 'netns_cleanup "$NC" "$NS"' EXIT
trap 'exit 130' INT TERM
die() { echo "mkkeylog_more.sh: $*" >&2; exit 1; }

netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:61:00 10.97.0.1/24 10.97.0.2/24

openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$W/srv.key" -out "$W/srv.pem" -days 3650 -subj "/CN=early.tlstap.test" \
	-addext subjectAltName=DNS:early.tlstap.test 2>/dev/null

# srv_cap ARGS: s_server with ARGS listening on 443, then tcpdump started.
srv_cap() {
	ip netns exec "$NS" openssl s_server -accept 443 -rev -cert "$W/srv.pem" \
		-key "$W/srv.key" "$@" >"$W/log/$CUR.srv" 2>&1 </dev/null &
	pids+=($!)
	for _ in $(seq 200); do
		[ -n "$(ip netns exec "$NS" ss -Hltn "sport = :443")" ] && break
		sleep 0.05
	done
	netns_cap_start "$NC" "$VC" "$W/$CUR.pcap" "$W/log/$CUR.tcpdump" tcp ||
		die "tcpdump did not start"
	pids+=("$CAP")
}
# cap_end: tcpdump stopped once the last packets are in.
cap_end() {
	sleep 0.3
	kill -INT "$CAP" 2>/dev/null || true
	wait "$CAP" 2>/dev/null || true
}
srv_cap -naccept 2 -tls1_3 -max_early_data 16384
cli() {
	{ printf 'hello tlstap\n'; sleep 0.8; } |
		timeout 20 ip netns exec "$NC" openssl s_client -connect 10.97.0.2:443 \
		-servername "${SNI:-early.tlstap.test}" "$@" >>"$W/log/$CUR.cli" 2>&1 || true
}
# The first connection gets a ticket; only the second is kept in the key log.
cli -tls1_3 -sess_out "$W/sess.pem"
printf 'GET /early HTTP/1.0\r\n\r\n' >"$W/early.txt"
cli -tls1_3 -sess_in "$W/sess.pem" -early_data "$W/early.txt" -keylogfile "$W/$CUR.keylog"
cap_end
grep -q "Early data was rejected" "$W/log/$CUR.cli" || die "the server did not reject early data"
grep -q EARLY_TRAFFIC_SECRET "$W/$CUR.keylog" || die "no early traffic secret in the key log"
# Keep only the resumed connection (the second one).
python3 "$HERE/pcaptool.py" keep-conn "$W/$CUR.pcap" 1 "$DEST/$CUR.pcap"
cp "$W/$CUR.keylog" "$DEST/$CUR.keylog"
echo "mkkeylog_more.sh: $DEST/$CUR.pcap"

# TLS 1.2 CBC-HMAC: one connection each, with the server's chain above.
cbc() { # cbc NAME CIPHER [S_CLIENT ARGS]
	local name=$1 cipher=$2
	shift 2
	CUR=$name
	srv_cap -naccept 1 -tls1_2 -cipher "$cipher"
	SNI=cbc.tlstap.test cli -tls1_2 -cipher "$cipher" -keylogfile "$W/$CUR.keylog" "$@"
	cap_end
	grep -q CLIENT_RANDOM "$W/$CUR.keylog" || die "$CUR: no master secret in the key log"
	cp "$W/$CUR.pcap" "$DEST/$CUR.pcap"
	cp "$W/$CUR.keylog" "$DEST/$CUR.keylog"
	echo "mkkeylog_more.sh: $DEST/$CUR.pcap"
}
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$W/srv.key" -out "$W/srv.pem" \
	-days 3650 -subj "/CN=cbc.tlstap.test" -addext subjectAltName=DNS:cbc.tlstap.test 2>/dev/null
cbc keylog_tls12_cbc ECDHE-RSA-AES128-SHA
cbc keylog_tls12_cbc_mte ECDHE-RSA-AES256-SHA384 -no_etm
