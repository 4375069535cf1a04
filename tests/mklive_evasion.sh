#!/bin/bash
# Evasion captures where the kernel's behaviour decides (README "Evasion"):
# real stacks in two private network namespaces joined by a veth pair
# (10.98.0.1 <-> 10.98.0.2), recorded by tcpdump in the client namespace
# with offloads off.  Nothing leaves the namespaces.
#
#   live_urgent.pcap  a Python client sends one byte with MSG_OOB, then a
#                     TLS handshake on the same socket to openssl s_server:
#                     the handshake completes only because the server's
#                     Linux stack (SO_OOBINLINE off) takes the urgent byte
#                     out of the stream, which the script checks.
#
# Usage (root): tests/mklive_evasion.sh [DIR]   (default pcaps/)
# Needs: openssl tcpdump iproute2 ethtool python3.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DEST=${1:-$(dirname "$HERE")/pcaps}
PY=/usr/bin/python3
[ "$(id -u)" = 0 ] || { echo "mklive_evasion.sh: must run as root" >&2; exit 1; }

tag=$$
NC=tcpc$tag NS=tcps$tag VC=tcpa$tag VS=tcpb$tag
W=$(mktemp -d /tmp/mklive_evasion.XXXXXX)
pids=()
cleanup() {
	local rc=$?
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del "$NC" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	[ "$rc" = 0 ] || tail -n 20 "$W"/*.log >&2 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$W"
	exit "$rc"
}
trap cleanup EXIT

ip netns add "$NC"
ip netns add "$NS"
ip link add "$VC" type veth peer name "$VS"
ip link set "$VC" netns "$NC"
ip link set "$VS" netns "$NS"
ip -n "$NC" link set "$VC" address 02:00:0a:62:00:01
ip -n "$NS" link set "$VS" address 02:00:0a:62:00:02
ip -n "$NC" addr add 10.98.0.1/24 dev "$VC"
ip -n "$NS" addr add 10.98.0.2/24 dev "$VS"
for pair in "$NC $VC" "$NS $VS"; do
	set -- $pair
	ip -n "$1" link set lo up
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
	ip -n "$1" link set "$2" up
done

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj /CN=urgent.tlstap.test -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null

ip netns exec "$NS" openssl s_server -accept 443 -cert "$W/cert.pem" -key "$W/key.pem" \
	-naccept 1 -rev -quiet >"$W/server.log" 2>&1 &
pids+=($!)
ip netns exec "$NC" tcpdump -i "$VC" --immediate-mode -Z root -U -s 0 -w "$W/urgent.pcap" tcp port 443 \
	>"$W/tcpdump.log" 2>&1 &
pids+=($!)
sleep 1

ip netns exec "$NC" "$PY" - >"$W/client.log" 2>&1 <<'PYEOF'
import socket, ssl, sys
s = socket.create_connection(("10.98.0.2", 443), timeout=5)
s.send(b"!", socket.MSG_OOB)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(s, server_hostname="urgent.tlstap.test")
t.sendall(b"hello urgent\n")
reply = t.recv(100)
print("handshake", t.version(), reply)
t.close()
sys.exit(0 if reply.strip() == b"tnegru olleh" else 1)
PYEOF
sleep 0.5
kill -INT "${pids[1]}" 2>/dev/null || true
wait "${pids[1]}" 2>/dev/null || true
grep -q "^handshake TLS" "$W/client.log" || { echo "mklive_evasion.sh: the handshake after the urgent byte failed" >&2; exit 1; }
cp "$W/urgent.pcap" "$DEST/live_urgent.pcap"
echo "mklive_evasion.sh: $(cat "$W/client.log"); wrote $DEST/live_urgent.pcap"
