#!/bin/bash
# Regenerates the tunnel captures in pcaps/ (tun_*.pcap; one row each in
# pcaps/CASES.tsv).
#
# Kernel-built: real tunnels between two underlay network namespaces joined by
# a veth pair (10.98.0.1 <-> 10.98.0.2, fd00:98::1 <-> fd00:98::2), carrying a
# real openssl s_server / s_client handshake, recorded by tcpdump on the
# underlay veth.  Nothing leaves the namespaces; their names start with
# "tunnels".  Kinds: vxlan (two tenants, see below), then gre, gretap, ipip,
# sit, ip6gre, ip6tnl (4in6), geneve and erspan each when the running kernel
# can build it: a kind it cannot build is reported and skipped, and the
# hand-built capture of the same encapsulation stands for it.
#
# VXLAN tenants: VNIs 100 and 200 each join an overlay namespace pair with the
# SAME addresses (192.168.50.1 -> 192.168.50.2:443) and the same client port
# (ip_local_port_range pinned to 40000), the VXLAN devices created in the
# underlay namespaces and moved into the overlay ones (their UDP sockets stay
# in the underlay).  tun_vxlan_tenants.pcap then holds two connections with an
# identical inner 5-tuple that only the VNI tells apart.
#
# Hand-built: tests/pcaptunnel.py wraps the real sessions pcaps/tls12_ecdhe_rsa.pcap
# and pcaps/ipv6_tls13.pcap (made by tests/mkpcaps.sh) in GRE, ERSPAN I/II/III,
# NVGRE, PPTP (PPP in GRE v1), IP-in-IP, 6in4, 6to4, 4in6, VXLAN-GPE, Geneve with
# options, GTP-U with a PDU session container, Teredo with authentication and
# origin indicators, NSH, MPLS (with and without a pseudowire control word),
# PPPoE, 802.11 behind radiotap/Prism/AVS or in CAPWAP, GRE+VXLAN nested, and nine
# IP-in-IP layers (past the decoder's cap of eight).
#
# Usage (root): tests/mktunnels.sh     Needs: openssl tcpdump iproute2 python3
# MKTUNNELS_DEST=DIR writes the captures to DIR instead of pcaps/.
# The kernel-built captures change on every run (keys, randoms, times): the
# golden files then need `tests/golden/run.py TLSTAP --update tun_...` and a
# review.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"
TOP=$(dirname "$HERE")
DEST=${MKTUNNELS_DEST:-$TOP/pcaps}
PY=/usr/bin/python3

netns_need openssl ss timeout

tag=$$
U1=tunnelsU1$tag U2=tunnelsU2$tag
A1=tunnelsA1$tag B1=tunnelsB1$tag A2=tunnelsA2$tag B2=tunnelsB2$tag
V1=tunv1$tag V2=tunv2$tag
netns_workdir out
netns_traps "$A1" "$B1" "$A2" "$B2" "$U1" "$U2"

# ------------------------------------------------------------------ underlay

for n in "$U1" "$U2" "$A1" "$B1" "$A2" "$B2"; do
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip netns exec "$n" sh -c 'echo 0 >/proc/sys/net/ipv6/conf/all/accept_dad; echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad'
done
ip link add "$V1" type veth peer name "$V2"
ip link set "$V1" netns "$U1"
ip link set "$V2" netns "$U2"
ip -n "$U1" link set "$V1" address 02:00:0a:62:00:01
ip -n "$U2" link set "$V2" address 02:00:0a:62:00:02
ip -n "$U1" addr add 10.98.0.1/24 dev "$V1"
ip -n "$U2" addr add 10.98.0.2/24 dev "$V2"
ip -n "$U1" addr add fd00:98::1/64 dev "$V1" nodad
ip -n "$U2" addr add fd00:98::2/64 dev "$V2" nodad
for pair in "$U1 $V1" "$U2 $V2"; do
	set -- $pair
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
	ip -n "$1" link set "$2" up
done

# ------------------------------------------------------------------ certificate

C=$W/certs
mkdir -p "$C"
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$C/srv.key" -out "$C/srv.pem" \
	-days 3650 -sha256 -subj "/O=tlstap tests/CN=tunnel.tlstap.test" \
	-addext subjectAltName=DNS:tunnel.tlstap.test,DNS:*.tunnel.tlstap.test 2>/dev/null

# ------------------------------------------------------------------ helpers

# cap_start NAME: tcpdump on the client's underlay veth.
cap_start() {
	CUR=$1
	netns_capture "$U1" "$V1" "$W/$CUR.pcap" 'not arp and not icmp6'
}
cap_stop() {
	netns_capture_stop "$W/$CUR.pcap"
	cp "$W/$CUR.pcap" "$W/out/$CUR.pcap"
}

# tls NS_SRV NS_CLI HOST SNI: one handshake and a line each way on port 443.
tls() {
	local ns=$1 nc=$2 host=$3 sni=$4
	netns_srv "$ns" 443 t openssl s_server -accept 443 -naccept 1 -rev \
		-cert "$C/srv.pem" -key "$C/srv.key"
	netns_cli "$nc" 0.4 openssl s_client -connect "$host:443" -servername "$sni"
	wait "$SRV" 2>/dev/null || true
}

# ------------------------------------------------------------------ VXLAN tenants

CUR=tun_vxlan_tenants
for vni in 100 200; do
	a=$A1 b=$B1
	[ "$vni" = 200 ] && a=$A2 b=$B2
	ip -n "$U1" link add "vx$vni" type vxlan id "$vni" local 10.98.0.1 remote 10.98.0.2 \
		dstport 4789 dev "$V1"
	ip -n "$U2" link add "vx$vni" type vxlan id "$vni" local 10.98.0.2 remote 10.98.0.1 \
		dstport 4789 dev "$V2"
	ip -n "$U1" link set "vx$vni" netns "$a"
	ip -n "$U2" link set "vx$vni" netns "$b"
	ip -n "$a" link set "vx$vni" address 02:00:c0:a8:32:01
	ip -n "$b" link set "vx$vni" address 02:00:c0:a8:32:02
	ip -n "$a" addr add 192.168.50.1/24 dev "vx$vni"
	ip -n "$b" addr add 192.168.50.2/24 dev "vx$vni"
	ip -n "$a" link set "vx$vni" up
	ip -n "$b" link set "vx$vni" up
	ip netns exec "$a" sh -c 'echo "40000 40000" >/proc/sys/net/ipv4/ip_local_port_range'
done
cap_start tun_vxlan_tenants
tls "$B1" "$A1" 192.168.50.2 tenant-a.tunnel.tlstap.test
sleep 1   # the first connection's TIME_WAIT is in another namespace: no clash
tls "$B2" "$A2" 192.168.50.2 tenant-b.tunnel.tlstap.test
cap_stop

# ------------------------------------------------------------------ other kernel tunnels

# kernel_tunnel NAME OVERLAY_FAMILY TYPE ARGS...: a tunnel device in each
# underlay namespace (local/remote appended), overlay 192.168.60.1/.2 or
# fd00:60::1/2, one handshake over it.  Skipped when the kernel lacks TYPE.
kernel_tunnel() {
	local name=$1 fam=$2 type=$3
	shift 3
	local l1=10.98.0.1 l2=10.98.0.2 o1=192.168.60.1/24 o2=192.168.60.2/24 host=192.168.60.2
	case "$type" in ip6gre|ip6gretap|ip6tnl|ip6erspan) l1=fd00:98::1 l2=fd00:98::2 ;; esac
	[ "$fam" = 6 ] && o1=fd00:60::1/64 o2=fd00:60::2/64 host=[fd00:60::2]
	CUR=$name
	if ! ip -n "$U1" link add tun0 type "$type" "$@" local "$l1" remote "$l2" 2>"$W/log/$name.ip"; then
		echo "mktunnels.sh: $name: the kernel cannot build '$type' ($(head -1 "$W/log/$name.ip")); skipped" >&2
		return 0
	fi
	ip -n "$U2" link add tun0 type "$type" "$@" local "$l2" remote "$l1"
	for pair in "$U1 $o1" "$U2 $o2"; do
		set -- $pair
		ip -n "$1" addr add "$2" dev tun0 nodad 2>/dev/null || ip -n "$1" addr add "$2" dev tun0
		ip -n "$1" link set tun0 up
	done
	cap_start "$name"
	tls "$U2" "$U1" "$host" "$name.tunnel.tlstap.test"
	cap_stop
	ip -n "$U1" link del tun0
	ip -n "$U2" link del tun0
}
kernel_tunnel tun_k_gre 4 gre key 1234
kernel_tunnel tun_k_gretap 4 gretap key 5678
kernel_tunnel tun_k_ipip 4 ipip
kernel_tunnel tun_k_sit 6 sit
kernel_tunnel tun_k_ip6gre 4 ip6gre
kernel_tunnel tun_k_4in6 4 ip6tnl mode ipip6
kernel_tunnel tun_k_erspan 4 erspan seq key 10 erspan_ver 2 erspan_dir ingress erspan_hwid 7
if ip -n "$U1" link add tungnv type geneve id 77 remote 10.98.0.2 2>/dev/null; then
	ip -n "$U1" link del tungnv
	CUR=tun_k_geneve
	ip -n "$U1" link add tun0 type geneve id 77 remote 10.98.0.2
	ip -n "$U2" link add tun0 type geneve id 77 remote 10.98.0.1
	ip -n "$U1" addr add 192.168.60.1/24 dev tun0
	ip -n "$U2" addr add 192.168.60.2/24 dev tun0
	ip -n "$U1" link set tun0 up
	ip -n "$U2" link set tun0 up
	cap_start tun_k_geneve
	tls "$U2" "$U1" 192.168.60.2 geneve.tunnel.tlstap.test
	cap_stop
else
	echo "mktunnels.sh: tun_k_geneve: the kernel cannot build 'geneve'; skipped" >&2
fi

# ------------------------------------------------------------------ hand-built

CUR=hand-built
V4=$TOP/pcaps/tls12_ecdhe_rsa.pcap
V6=$TOP/pcaps/ipv6_tls13.pcap
for k in gre gretap_nvgre erspan1 erspan2 erspan3 ip6gre pptp ipip 4in6 vxlan_gpe geneve gtpu \
	nsh mpls mpls_pw pppoe radiotap prism avs capwap nested depth9; do
	"$PY" "$HERE/pcaptunnel.py" "$k" "$V4" "$W/out/tun_$k.pcap"
done
for k in sit6in4 6to4 ip6ip6 teredo teredo_server_only; do
	"$PY" "$HERE/pcaptunnel.py" "$k" "$V6" "$W/out/tun_$k.pcap"
done

mkdir -p "$DEST"
cp "$W"/out/*.pcap "$DEST/"
echo "mktunnels.sh: wrote $(ls "$W"/out | wc -l) captures to $DEST"
