#!/bin/bash
# Regenerates every capture in pcaps/ (documented one per row in pcaps/CASES.tsv).
#
# Real sessions: openssl s_server/s_client and gnutls-serv/gnutls-cli in two
# private network namespaces joined by a veth pair (10.99.0.1 <-> 10.99.0.2,
# fd00:99::1 <-> fd00:99::2, VLAN 100: 10.99.100.1 <-> 10.99.100.2), recorded
# by tcpdump inside the client namespace.  Offloads are switched off so that
# the frames are what a wire would carry (MTU-sized segments, real checksums,
# in-band VLAN tags).  Nothing leaves the namespaces.
#
# Hand-built edge cases and the reassembly perturbations are derived from
# those sessions by tests/pcaptool.py (deterministic: fixed seeds).
#
# Keys and certificates are made afresh in a temporary directory on every run,
# so the captures differ from run to run; the public CA certificates of the
# run are kept in tests/certs-pcap/ (for --ca-file in golden tests).
#
# Usage (root): tests/mkpcaps.sh        Needs: openssl gnutls-bin tcpdump
#                                              iproute2 ethtool python3
# MKPCAPS_DEST=DIR writes the captures to DIR instead of pcaps/ (a dry run
# that leaves the committed captures and tests/certs-pcap/ alone).
# Regenerating changes every capture (new keys, randoms, times): the golden
# files then need `tests/golden/run.py TLSTAP --update` and a review.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"
PY=/usr/bin/python3
TOOL=$HERE/pcaptool.py

netns_need openssl gnutls-serv gnutls-cli ethtool ss timeout
[ -x "$PY" ] || { echo "mkpcaps.sh: $PY is missing" >&2; exit 1; }

tag=$$
NC=ttcli$tag NS=ttsrv$tag VC=ttc$tag VS=tts$tag
netns_workdir pcap certs sess out
# Everything is made in $OUT and only replaces pcaps/ once all of it worked.
OUT=$W/out
netns_traps "$NC" "$NS"

# ------------------------------------------------------------------ network

ip netns add "$NC"
ip netns add "$NS"
ip link add "$VC" type veth peer name "$VS"
ip link set "$VC" netns "$NC"
ip link set "$VS" netns "$NS"
# Fixed MAC addresses keep regenerated captures comparable.
ip -n "$NC" link set "$VC" address 02:00:0a:63:00:01
ip -n "$NS" link set "$VS" address 02:00:0a:63:00:02
for n in "$NC" "$NS"; do
	ip -n "$n" link set lo up
	ip netns exec "$n" sh -c 'echo 0 >/proc/sys/net/ipv6/conf/all/accept_dad; echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad'
done
# A VLAN sub-interface when the kernel has 802.1Q; otherwise vlan_tls12 is a
# plain session whose frames pcaptool tags afterwards (see CASES.tsv).
VLAN=0
if ip -n "$NC" link add link "$VC" name "$VC.100" type vlan id 100 2>/dev/null &&
	ip -n "$NS" link add link "$VS" name "$VS.100" type vlan id 100 2>/dev/null; then
	VLAN=1
	ip -n "$NC" addr add 10.99.100.1/24 dev "$VC.100"
	ip -n "$NS" addr add 10.99.100.2/24 dev "$VS.100"
fi
ip -n "$NC" addr add 10.99.0.1/24 dev "$VC"
ip -n "$NS" addr add 10.99.0.2/24 dev "$VS"
ip -n "$NC" addr add fd00:99::1/64 dev "$VC" nodad
ip -n "$NS" addr add fd00:99::2/64 dev "$VS" nodad
for pair in "$NC $VC" "$NS $VS" "$NC $VC.100" "$NS $VS.100"; do
	set -- $pair
	ip -n "$1" link show "$2" >/dev/null 2>&1 || continue
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
	ip netns exec "$1" ethtool -K "$2" txvlan off rxvlan off >/dev/null 2>&1 || true
	ip -n "$1" link set "$2" up
done

# ------------------------------------------------------------------ certificates

C=$W/certs
for ca in ca otherca; do
	netns_ca "$ca" "/O=tlstap tests/CN=tlstap $ca root"
done
SRVEXT='basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:tlstap.test,DNS:*.tlstap.test,IP:10.99.0.2\n'
netns_cert rsa "/O=tlstap tests/CN=server.tlstap.test" "$SRVEXT"
openssl ecparam -name prime256v1 -out "$C/p256.param"
netns_cert ec "/O=tlstap tests/CN=ecdsa.tlstap.test" "${SRVEXT/,keyEncipherment/}" ca "ec:$C/p256.param"
netns_cert client "/O=tlstap tests/CN=client.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n'
cat "$C/rsa.pem" "$C/ca.pem" >"$C/rsa-chain.pem"

# ------------------------------------------------------------------ helpers

# cap_start NAME: tcpdump into $W/pcap/NAME.pcap.  Optional environment:
# IFC (interface, default the client veth), FILTER (default tcp), NSX
# (namespace, default the client's), TDARGS (extra tcpdump arguments).
cap_start() {
	CUR=$1
	# shellcheck disable=SC2086 # TDARGS are words
	netns_capture "${NSX:-$NC}" "${IFC:-$VC}" "$W/pcap/$CUR.pcap" ${TDARGS:-} "${FILTER:-tcp}"
}

# cap_stop [EXT]: stop tcpdump and keep the capture as pcaps/NAME.pcap.
cap_stop() {
	netns_capture_stop "$W/pcap/$CUR.pcap"
	cp "$W/pcap/$CUR.pcap" "$OUT/$CUR.${1:-pcap}"
}

# srv PORT CMD...: a server in the server namespace, in the background.
srv() { netns_srv "$NS" "$1" t "${@:2}"; }
srv_stop() { netns_srv_stop; }

# cli HOLD CMD...: a client in the client namespace; it sends one line, waits
# HOLD seconds (reading what the server sends), then sees end of input.
cli() { netns_cli "$NC" "$@"; }

# osrv PORT ARGS...: openssl s_server with the RSA leaf and its CA as chain.
osrv() {
	local port=$1
	shift
	srv "$port" openssl s_server -accept "$port" -naccept 1 -rev -cert "$C/rsa.pem" \
		-key "$C/rsa.key" -cert_chain "$C/ca.pem" "$@"
}
# ocli HOST:PORT SNI ARGS...: openssl s_client trusting the test CA.
ocli() {
	local to=$1 sni=$2
	shift 2
	cli "${HOLD:-0.4}" openssl s_client -connect "$to" -servername "$sni" -CAfile "$C/ca.pem" "$@"
}

# expect NAME WORDS...: pcaptool's summary of pcaps/NAME.* mentions each word.
expect() {
	local name=$1 f
	shift
	f=$(ls "$OUT/$name".pcap* | head -n1)
	"$PY" "$TOOL" summary "$f" >"$W/log/$name.summary"
	for w in "$@"; do
		grep -qF -- "$w" "$W/log/$name.summary" ||
			{ cat "$W/log/$name.summary" >&2; CUR=$name; die "summary lacks '$w'"; }
	done
}

S4=10.99.0.2

# ------------------------------------------------------------------ real sessions

cap_start tls12_ecdhe_rsa
osrv 443 -tls1_2 -alpn h2,http/1.1
ocli $S4:443 tls12-ecdhe-rsa.tlstap.test -tls1_2 -alpn h2,http/1.1
cap_stop; srv_stop
expect tls12_ecdhe_rsa "sni=tls12-ecdhe-rsa.tlstap.test" "server_hello[v=0303,cs=c030]" "certificate[" "server_key_exchange"

cap_start tls13
osrv 443 -alpn h2,http/1.1
ocli $S4:443 tls13.tlstap.test -alpn h2,http/1.1
cap_stop; srv_stop
expect tls13 "sni=tls13.tlstap.test" "ks=001d" "server_hello[v=0304,cs=1302]" "appdata"

cap_start tls13_gnutls
srv 8443 gnutls-serv --echo --disable-client-cert -p 8443 --x509certfile "$C/rsa-chain.pem" --x509keyfile "$C/rsa.key" \
	--alpn h2 --priority NORMAL:-VERS-ALL:+VERS-TLS1.3
cli 0.5 gnutls-cli -p 8443 --x509cafile "$C/ca.pem" --sni-hostname tls13-gnutls.tlstap.test \
	--verify-hostname tls13-gnutls.tlstap.test --alpn h2 --priority NORMAL:-VERS-ALL:+VERS-TLS1.3 $S4
cap_stop; srv_stop
expect tls13_gnutls "sni=tls13-gnutls.tlstap.test" "server_hello[v=0304" "appdata"

cap_start tls12_gnutls
srv 4433 gnutls-serv --echo --disable-client-cert -p 4433 --x509certfile "$C/rsa-chain.pem" --x509keyfile "$C/rsa.key" \
	--priority NORMAL:-VERS-ALL:+VERS-TLS1.2
cli 0.5 gnutls-cli -p 4433 --x509cafile "$C/ca.pem" --sni-hostname tls12-gnutls.tlstap.test \
	--verify-hostname tls12-gnutls.tlstap.test --priority NORMAL:-VERS-ALL:+VERS-TLS1.2 $S4
cap_stop; srv_stop
expect tls12_gnutls "sni=tls12-gnutls.tlstap.test" "server_hello[v=0303" "certificate["

cap_start ipv6_tls13
osrv 443 -6
ocli "[fd00:99::2]:443" ipv6-tls13.tlstap.test
cap_stop; srv_stop
expect ipv6_tls13 "fd00:0099:" "sni=ipv6-tls13.tlstap.test" "server_hello[v=0304"

if [ "$VLAN" = 1 ]; then
	FILTER="vlan and tcp" cap_start vlan_tls12
	osrv 443 -tls1_2
	ocli 10.99.100.2:443 vlan-tls12.tlstap.test -tls1_2
	cap_stop; srv_stop
else
	echo "mkpcaps.sh: no 802.1Q in this kernel: vlan_tls12 is tagged by pcaptool" >&2
	cap_start vlan_tls12_untagged
	osrv 443 -tls1_2
	ocli $S4:443 vlan-tls12.tlstap.test -tls1_2
	cap_stop; srv_stop
	"$PY" "$TOOL" edge vlan "$OUT/vlan_tls12_untagged.pcap" "$OUT/vlan_tls12.pcap"
	rm "$OUT/vlan_tls12_untagged.pcap"
fi
expect vlan_tls12 "sni=vlan-tls12.tlstap.test" "server_hello[v=0303"

cap_start tls10
osrv 443 -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
ocli $S4:443 tls10.tlstap.test -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
cap_stop; srv_stop
expect tls10 "server_hello[v=0301,cs=c014]" "certificate["

cap_start tls11
osrv 443 -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
ocli $S4:443 tls11.tlstap.test -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
cap_stop; srv_stop
expect tls11 "server_hello[v=0302,cs=c014]" "certificate["

cap_start tls12_dhe
osrv 443 -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256
ocli $S4:443 tls12-dhe.tlstap.test -tls1_2
cap_stop; srv_stop
expect tls12_dhe "server_hello[v=0303,cs=009e]" "server_key_exchange"

cap_start tls12_rsa_kx
osrv 443 -tls1_2 -cipher AES128-SHA
ocli $S4:443 tls12-rsa-kx.tlstap.test -tls1_2
cap_stop; srv_stop
expect tls12_rsa_kx "server_hello[v=0303,cs=002f]" "client_key_exchange"

cap_start tls12_mutual
osrv 443 -tls1_2 -Verify 1 -CAfile "$C/ca.pem"
ocli $S4:443 tls12-mutual.tlstap.test -tls1_2 -cert "$C/client.pem" -key "$C/client.key"
cap_stop; srv_stop
expect tls12_mutual "certificate_request" "certificate_verify" "appdata"

cap_start tls13_mutual
osrv 443 -tls1_3 -Verify 1 -CAfile "$C/ca.pem"
ocli $S4:443 tls13-mutual.tlstap.test -tls1_3 -cert "$C/client.pem" -key "$C/client.key"
cap_stop; srv_stop
expect tls13_mutual "server_hello[v=0304" "appdata"

cap_start tls12_resume_id
osrv 443 -tls1_2 -no_ticket -naccept 2
ocli $S4:443 tls12-resume-id.tlstap.test -tls1_2 -no_ticket -sess_out "$W/sess/id.pem"
ocli $S4:443 tls12-resume-id.tlstap.test -tls1_2 -no_ticket -sess_in "$W/sess/id.pem"
cap_stop; srv_stop
expect tls12_resume_id "sid]" "certificate["

cap_start tls12_resume_ticket
osrv 443 -tls1_2 -naccept 2
ocli $S4:443 tls12-resume-ticket.tlstap.test -tls1_2 -sess_out "$W/sess/ticket.pem"
ocli $S4:443 tls12-resume-ticket.tlstap.test -tls1_2 -sess_in "$W/sess/ticket.pem"
cap_stop; srv_stop
expect tls12_resume_ticket "ticket" "new_session_ticket"

cap_start tls13_resume_psk
osrv 443 -tls1_3 -naccept 2
HOLD=0.8 ocli $S4:443 tls13-resume-psk.tlstap.test -tls1_3 -sess_out "$W/sess/psk.pem"
ocli $S4:443 tls13-resume-psk.tlstap.test -tls1_3 -sess_in "$W/sess/psk.pem"
cap_stop; srv_stop
expect tls13_resume_psk ",psk]" "server_hello[v=0304,cs=1302,psk]"

cap_start tls13_hrr
osrv 443 -tls1_3 -groups X25519
ocli $S4:443 tls13-hrr.tlstap.test -tls1_3 -groups P-256:X25519
cap_stop; srv_stop
expect tls13_hrr "ks=0017" "hello_retry_request" "ks=001d" "server_hello[v=0304"

cap_start alert_no_shared_cipher
osrv 443 -tls1_2 -cipher AES256-SHA
ocli $S4:443 alert-no-shared-cipher.tlstap.test -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
cap_stop; srv_stop
expect alert_no_shared_cipher "alert(2,40)"

cap_start alert_protocol_version
osrv 443 -tls1_2
ocli $S4:443 alert-protocol-version.tlstap.test -tls1_3
cap_stop; srv_stop
expect alert_protocol_version "alert(2,70)"

cap_start alert_unknown_ca
osrv 443 -tls1_2
cli 0.4 openssl s_client -connect $S4:443 -servername alert-unknown-ca.tlstap.test -tls1_2 \
	-verify_return_error -CAfile "$C/otherca.pem"
cap_stop; srv_stop
expect alert_unknown_ca "alert(2,48)"

cap_start alert_missing_client_cert
osrv 443 -tls1_2 -Verify 1 -CAfile "$C/ca.pem"
ocli $S4:443 alert-missing-client-cert.tlstap.test -tls1_2
cap_stop; srv_stop
expect alert_missing_client_cert "certificate_request" "alert(2,"

# A server that reads the ClientHello and resets the connection (SO_LINGER 0).
cap_start reset
srv 9000 "$PY" -c '
import socket, struct
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 9000)); s.listen(1)
c, _ = s.accept()
buf = b""
while len(buf) < 5 or len(buf) < 5 + struct.unpack("!H", buf[3:5])[0]:
    d = c.recv(4096)
    if not d:
        break
    buf += d
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()'
ocli $S4:9000 reset.tlstap.test
cap_stop; srv_stop
expect reset "flags RS" "client_hello"

# A server that accepts and never writes; the client gives up after 3 s
# (its FIN is in the capture; the listener dies after the capture ends).
cap_start no_server_response
srv 4433 "$PY" -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 4433)); s.listen(1)
c, _ = s.accept(); time.sleep(60)'
{ sleep 3; } | timeout 3 ip netns exec "$NC" openssl s_client -connect $S4:4433 \
	-servername no-server-response.tlstap.test >>"$W/log/$CUR.cli" 2>&1 || true
cap_stop; srv_stop
expect no_server_response "client_hello" "server 0 bytes"

cap_start ecdsa_p256
srv 443 openssl s_server -accept 443 -naccept 1 -rev -cert "$C/ec.pem" -key "$C/ec.key" \
	-cert_chain "$C/ca.pem" -tls1_2
ocli $S4:443 ecdsa-p256.tlstap.test -tls1_2
cap_stop; srv_stop
expect ecdsa_p256 "server_hello[v=0303,cs=c02c]" "certificate["

# Several sessions in one file: two at once (interleaved), then two more,
# one without SNI and one to a gnutls server on another port.
cap_start multi_session
osrv 443 -naccept 3
SRV1=$SRV
srv 8443 gnutls-serv --echo --disable-client-cert -p 8443 --x509certfile "$C/rsa-chain.pem" --x509keyfile "$C/rsa.key"
HOLD=1 ocli $S4:443 multi-a.tlstap.test -tls1_2 &
c1=$!
HOLD=1 ocli $S4:443 multi-b.tlstap.test -tls1_3 &
c2=$!
wait "$c1" "$c2" || true
cli 0.4 openssl s_client -connect $S4:443 -noservername -CAfile "$C/ca.pem"
cli 0.4 gnutls-cli -p 8443 --x509cafile "$C/ca.pem" --sni-hostname multi-d.tlstap.test \
	--verify-hostname multi-d.tlstap.test $S4
cap_stop; srv_stop
SRV=$SRV1 srv_stop
expect multi_session "sni=multi-a.tlstap.test" "sni=multi-b.tlstap.test" "sni=multi-d.tlstap.test"

# Linux cooked captures, v1 and v2, as tcpdump -i any writes them.
TDARGS="-y LINUX_SLL" IFC=any cap_start cooked_v1
osrv 443
ocli $S4:443 cooked-v1.tlstap.test
cap_stop; srv_stop
expect cooked_v1 "linktype 113" "server_hello[v=0304"

TDARGS="-y LINUX_SLL2" IFC=any cap_start cooked_v2
osrv 443 -tls1_2
ocli $S4:443 cooked-v2.tlstap.test -tls1_2
cap_stop; srv_stop
expect cooked_v2 "linktype 276" "server_hello[v=0303"

# Two interfaces at once, nanosecond timestamps: the client's veth (TLS 1.2 to
# 10.99.0.2:443) and the server namespace's loopback (TLS 1.3 to 127.0.0.1:9000),
# merged into one pcapng with one interface description each.
TDARGS="--time-stamp-precision=nano" cap_start pcapng_if0
CAP0=$CAP
TDARGS="--time-stamp-precision=nano" IFC=lo NSX=$NS cap_start pcapng_if1
CAP1=$CAP
osrv 443 -tls1_2
SRVA=$SRV
srv 9000 openssl s_server -accept 9000 -naccept 1 -rev -cert "$C/ec.pem" -key "$C/ec.key"
HOLD=1 ocli $S4:443 pcapng-if0.tlstap.test -tls1_2 &
c1=$!
{ printf 'hello tlstap\n'; sleep 1; } | timeout 20 ip netns exec "$NS" openssl s_client \
	-connect 127.0.0.1:9000 -servername pcapng-if1.tlstap.test >>"$W/log/$CUR.cli" 2>&1 || true
wait "$c1" || true
sleep 0.3
kill -INT "$CAP0" "$CAP1" 2>/dev/null || true
wait "$CAP0" "$CAP1" 2>/dev/null || true
srv_stop
SRV=$SRVA srv_stop
CUR=pcapng_two_ifaces
"$PY" "$TOOL" pcapng "$OUT/pcapng_two_ifaces.pcapng" "$W/pcap/pcapng_if0.pcap" "$W/pcap/pcapng_if1.pcap"
expect pcapng_two_ifaces "sni=pcapng-if0.tlstap.test" "sni=pcapng-if1.tlstap.test"

# ------------------------------------------------------------------ hand-built edge cases

edge() { # edge NAME KIND BASE
	CUR=$1
	"$PY" "$TOOL" edge "$2" "$OUT/$3.pcap" "$OUT/$1.pcap"
}
edge raw_ipv4 raw tls12_ecdhe_rsa
edge raw_ipv6 raw ipv6_tls13
edge null_loopback null tls13
edge vlan_qinq qinq tls12_ecdhe_rsa
edge ipv4_options ipv4_options tls13
edge ipv6_exthdr ipv6_exthdr ipv6_tls13
edge frag4_clienthello frag4 tls13
edge frag6_clienthello frag6 ipv6_tls13
edge snaplen96 snap96 tls12_ecdhe_rsa
edge caplen0 caplen0 tls13
edge cut_mid_record cut tls13
edge bigendian_tls12 bigendian tls12_ecdhe_rsa
edge linktype147 linktype147 tls13
for k in text random empty; do
	CUR=bad_$k
	"$PY" "$TOOL" junk "$k" "$OUT/bad_$k.pcap"
done
# SSLv2 (no Debian stack speaks it any more): built by hand, for the ladder.
CUR=sslv2
"$PY" "$(dirname "$TOOL")/views/mksslv2.py" "$OUT/sslv2.pcap"
expect raw_ipv4 "linktype 101" "server_hello[v=0303"
expect raw_ipv6 "linktype 101" "server_hello[v=0304"
expect null_loopback "linktype 0," "server_hello[v=0304"
expect vlan_qinq "server_hello[v=0303"
expect ipv4_options "server_hello[v=0304"
expect ipv6_exthdr "server_hello[v=0304"
expect frag4_clienthello "sni=tls13.tlstap.test"
expect frag6_clienthello "sni=ipv6-tls13.tlstap.test"
expect cut_mid_record "truncated record"

# ------------------------------------------------------------------ reassembly perturbations

# digests BASE: the "client/server N bytes sha256 X" lines of a capture.
digests() { "$PY" "$TOOL" summary "$1" | sed -n 's/^ *\(client\|server\) \([0-9]* bytes sha256 [0-9a-f]*\).*/\1 \2/p'; }
for base in tls12 tls13; do
	src=$OUT/tls13.pcap
	[ "$base" = tls12 ] && src=$OUT/tls12_ecdhe_rsa.pcap
	want=$(digests "$src")
	for kind in seg1 tiny reverse shuffle dup overlap_equal overlap_conflict gap_cert wrap \
		midstream keepalive syn_data client_only server_only; do
		CUR=reasm_${kind}_$base
		"$PY" "$TOOL" perturb "$kind" "$src" "$OUT/$CUR.pcap" --seed 1
		case $kind in
		seg1 | tiny | reverse | shuffle | dup | overlap_equal | overlap_conflict | wrap | midstream | keepalive | syn_data)
			[ "$(digests "$OUT/$CUR.pcap")" = "$want" ] || die "byte streams differ from $src"
			;;
		esac
	done
	expect "reasm_overlap_conflict_$base" "conflicts"
	expect "reasm_gap_cert_$base" "holes 200"
done

# ------------------------------------------------------------------ evasion

CUR=evasion
MKPCAPS_DEST="$OUT" "$HERE/mkkeylog_more.sh"
MKPCAPS_DEST="$OUT" "$HERE/mkkeylog_legacy.sh"
"$HERE/mkevasion.sh" "$OUT"
"$HERE/mklive_evasion.sh" "$OUT"

# ------------------------------------------------------------------ done

CUR=check
for f in "$OUT"/*.pcap "$OUT"/*.pcapng; do
	n=$(basename "$f")
	grep -q "^$n	" "$TOP/pcaps/CASES.tsv" 2>/dev/null || echo "mkpcaps.sh: note: $n has no row in pcaps/CASES.tsv" >&2
	[ "$(stat -c %s "$f")" -lt 102400 ] || echo "mkpcaps.sh: note: $n is over 100 KB" >&2
done
mkdir -p "$DEST"
rm -f "$DEST"/*.pcap "$DEST"/*.pcapng
cp "$OUT"/*.pcap "$OUT"/*.pcapng "$DEST/"
if [ -z "${MKPCAPS_DEST:-}" ]; then
	mkdir -p "$HERE/certs-pcap"
	cp "$C/ca.pem" "$HERE/certs-pcap/ca.pem"
	cp "$C/otherca.pem" "$HERE/certs-pcap/otherca.pem"
fi
echo "mkpcaps.sh: $(ls "$DEST"/*.pcap "$DEST"/*.pcapng | wc -l) captures, $(du -ch "$DEST"/*.pcap* | tail -n1 | cut -f1) in $DEST"
