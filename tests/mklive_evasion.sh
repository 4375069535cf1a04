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
#   live_rst.pcap     after the handshake, RSTs that the server's stack does
#                     not take (in the window but not exact: a challenge
#                     ACK; outside the window); the connection still echoes
#                     a line afterwards, which the script checks.
#
# Usage (root): tests/mklive_evasion.sh [DIR]   (default pcaps/)
# Needs: openssl tcpdump iproute2 ethtool python3.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"
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
	netns_del "$NC" "$NS"
	[ "$rc" = 0 ] || tail -n 20 "$W"/*.log >&2 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$W"
	exit "$rc"
}
trap cleanup EXIT

netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:62:00 10.98.0.1/24 10.98.0.2/24

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj /CN=urgent.tlstap.test -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null

# run_case NAME: s_server -rev for one connection, tcpdump, then the client
# script on stdin; the capture goes to $DEST/live_NAME.pcap if the client
# exits 0 (it checks what the kernel did).
run_case() {
	local name=$1
	ip netns exec "$NS" openssl s_server -accept 443 -cert "$W/cert.pem" -key "$W/key.pem" \
		-naccept 1 -rev -quiet >"$W/$name.server.log" 2>&1 &
	local srv=$!
	ip netns exec "$NC" tcpdump -i "$VC" --immediate-mode -Z root -U -s 0 \
		-w "$W/$name.pcap" tcp port 443 >"$W/$name.tcpdump.log" 2>&1 &
	local cap=$!
	pids+=("$srv" "$cap")
	sleep 1
	if ! ip netns exec "$NC" "$PY" - >"$W/$name.client.log" 2>&1; then
		echo "mklive_evasion.sh: $name: the client saw the kernel do otherwise:" >&2
		cat "$W/$name.client.log" >&2
		exit 1
	fi
	sleep 0.5
	kill -INT "$cap" 2>/dev/null || true
	wait "$cap" 2>/dev/null || true
	kill "$srv" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	cp "$W/$name.pcap" "$DEST/live_$name.pcap"
	echo "mklive_evasion.sh: $name: $(tr '\n' ' ' <"$W/$name.client.log")"
}

run_case urgent <<'PYEOF'
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

# After the handshake, RSTs "from the client" that the server's stack must
# not take (RFC 5961): 100 bytes ahead of the client's next sequence number
# (in the window: a challenge ACK), then 2^30 ahead (outside); the
# connection then still echoes a line, which the script checks.  The next
# sequence number is read with TCP_REPAIR; the RSTs go out on a raw socket.
run_case rst <<'PYEOF'
import socket, ssl, struct, sys, time
TCP_REPAIR, TCP_REPAIR_QUEUE, TCP_QUEUE_SEQ, TCP_SEND_QUEUE = 19, 20, 21, 2

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def rst(src, dst, seq):
    sip, sport = src
    dip, dport = dst
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, 0, 5 << 4, 0x04, 0, 0, 0)
    ph = socket.inet_aton(sip) + socket.inet_aton(dip) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0x5151, 0x4000, 64, 6, 0,
                     socket.inet_aton(sip), socket.inet_aton(dip))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    r.sendto(ip + tcp, (dip, 0))
    r.close()

s = socket.create_connection(("10.98.0.2", 443), timeout=5)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(s, server_hostname="rst.tlstap.test")
t.sendall(b"first line\n")
assert t.recv(100).strip() == b"enil tsrif"
time.sleep(0.2)
t.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
t.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE)
nxt = struct.unpack("I", t.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ, 4))[0]
t.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 0)
src, dst = t.getsockname(), t.getpeername()
rst(src, dst, nxt + 100)
time.sleep(0.2)
rst(src, dst, nxt + (1 << 30))
time.sleep(0.2)
t.sendall(b"still here\n")
reply = t.recv(100)
print("after two RSTs", reply)
t.close()
sys.exit(0 if reply.strip() == b"ereh llits" else 1)
PYEOF
