#!/bin/bash
# Regenerates the TLS 1.3 post-handshake and 0-RTT key-log captures, each
# with the NSS key log its client wrote (test sessions, fresh test keys:
# nothing secret):
#  - keylog_tls13_pha: post-handshake client authentication (RFC 8446
#    4.6.2) with Python's ssl module (tests/pha_peer.py): the server asks
#    for a certificate after the handshake, the client sends one, accepted;
#  - keylog_tls13_pha_nocert: the same, the client has no certificate: an
#    empty Certificate, then the server's alert certificate_required;
#  - keylog_tls13_keyupdate: openssl s_server sends a KeyUpdate that
#    requests the client's ('K' on its input), both sides switch keys;
#  - keylog_tls13_early_accepted: a resumption whose 0-RTT early data the
#    server accepts (s_server -early_data, s_client -sess_in -early_data);
#    only the second connection is kept.
# Two private network namespaces joined by a veth pair (10.96.0.1 <->
# 10.96.0.2), tcpdump in the client namespace; nothing leaves them.  The
# run's test CA is written as tests/certs-pcap/keylog-pha-ca.pem.
#
# Usage (root): tests/mkkeylog_pha.sh   Needs: python3 openssl tcpdump iproute2 ethtool
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"

netns_begin pha out certs -- python3 openssl ethtool ss timeout
C=$W/certs

netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:60:00 10.96.0.1/24 10.96.0.2/24

netns_ca ca "/O=tlstap tests/CN=tlstap pha root"
netns_cert srv "/O=tlstap tests/CN=pha.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:*.tlstap.test\n'
netns_cert client "/O=tlstap tests/CN=client.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n'

cap_start() { netns_keylog_start "$NC" "$VC" "$1"; }
cap_stop() { netns_keylog_stop; }
peer() { timeout 20 ip netns exec "$1" python3 "$HERE/pha_peer.py" "${@:2}"; }

# pha SNI [CERT KEY]: one post-handshake authentication.
pha() {
	netns_srv "$NS" 443 t python3 "$HERE/pha_peer.py" server 443 "$C/srv.pem" "$C/srv.key" "$C/ca.pem"
	peer "$NC" client 10.96.0.2 443 "$1" "$C/ca.pem" "$W/$CUR.keylog" "${@:2}" \
		>>"$W/log/$CUR.cli" 2>&1 || true
	wait "$SRV" 2>/dev/null || true
}

cap_start keylog_tls13_pha
pha pha.tlstap.test "$C/client.pem" "$C/client.key"
cap_stop
grep -q "hello client.tlstap.test" "$W/log/$CUR.cli" || die "the server did not accept the certificate"

cap_start keylog_tls13_pha_nocert
pha pha-nocert.tlstap.test
cap_stop
grep -qi "certificate" "$W/log/$CUR.srv" || die "the server did not reject the client"

# KeyUpdate: s_server reads its commands from a FIFO; 'K' once the client
# is connected (a KeyUpdate with update_requested), then a line of data.
CUR=keylog_tls13_keyupdate
mkfifo "$W/srvin"
cap_start keylog_tls13_keyupdate
ip netns exec "$NS" openssl s_server -accept 443 -naccept 1 -cert "$C/srv.pem" -key "$C/srv.key" \
	<"$W/srvin" >>"$W/log/$CUR.srv" 2>&1 &
SRV=$!
pids+=("$SRV")
exec 3>"$W/srvin"
netns_listen "$NS" 443
{ printf 'hello tlstap\n'; sleep 1.2; printf 'after the update\n'; sleep 0.6; } |
	timeout 20 ip netns exec "$NC" openssl s_client -connect 10.96.0.2:443 \
	-servername keyupdate.tlstap.test -CAfile "$C/ca.pem" -keylogfile "$W/$CUR.keylog" \
	>>"$W/log/$CUR.cli" 2>&1 &
CLI=$!
sleep 0.6
printf 'K\n' >&3
sleep 0.3
printf 'from the server\n' >&3
wait "$CLI" || true
exec 3>&-
wait "$SRV" 2>/dev/null || true
cap_stop
grep -q "SSL_do_handshake -> 1" "$W/log/$CUR.srv" || die "s_server sent no KeyUpdate"

# 0-RTT accepted: the first connection gets a ticket, the second resumes
# with early data; only the second is kept, with its own key log.
CUR=keylog_tls13_early_accepted
cap_start keylog_tls13_early_accepted
# (its input stays open for the two connections: at end of input it stops)
netns_srv "$NS" 443 t sh -c 'sleep 6 | openssl s_server -accept 443 -naccept 2 -tls1_3 \
	-early_data -cert "$1" -key "$2"' sh "$C/srv.pem" "$C/srv.key"
ecli() {
	{ printf 'hello tlstap\n'; sleep 0.8; } |
		timeout 20 ip netns exec "$NC" openssl s_client -connect 10.96.0.2:443 \
		-servername early.tlstap.test -CAfile "$C/ca.pem" -tls1_3 "$@" >>"$W/log/$CUR.cli" 2>&1 || true
}
ecli -sess_out "$W/sess.pem"
printf 'GET /early HTTP/1.0\r\n\r\n' >"$W/early.txt"
ecli -sess_in "$W/sess.pem" -early_data "$W/early.txt" -keylogfile "$W/$CUR.keylog"
wait "$SRV" 2>/dev/null || true
netns_capture_stop "$W/$CUR.pcap"
grep -q "Early data was accepted" "$W/log/$CUR.cli" || die "the server did not accept early data"
grep -q EARLY_TRAFFIC_SECRET "$W/$CUR.keylog" || die "no early traffic secret in the key log"
python3 "$HERE/pcaptool.py" keep-conn "$W/$CUR.pcap" 1 "$W/out/$CUR.pcap"
cp "$W/$CUR.keylog" "$W/out/$CUR.keylog"

CUR=done
mkdir -p "$DEST"
cp "$W"/out/* "$DEST/"
[ -n "${MKPCAPS_DEST:-}" ] || cp "$C/ca.pem" "$HERE/certs-pcap/keylog-pha-ca.pem"
echo "mkkeylog_pha.sh: $(ls "$W"/out/*.pcap | wc -l) captures with key logs in $DEST"
