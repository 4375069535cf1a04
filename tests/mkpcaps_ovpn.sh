#!/bin/bash
# Makes the OpenVPN captures (rows ovpn_* of pcaps/CASES.tsv but ovpn_tls12,
# which tests/ovpn_pcap.py builds): a real OpenVPN 2.6 client and server
# (Debian's openvpn) in two private network namespaces joined by a veth pair
# (10.99.0.1 <-> 10.99.0.2), recorded by tcpdump in the server namespace.
# Nothing leaves the namespaces; their names start with "tunnels2".  No tun
# device is needed: both peers run with `--dev null` (OpenVPN's test device:
# the control channel and its TLS handshake are the real ones, the tunnel
# carries nothing), in point-to-point TLS mode, until the client's
# --ping-exit.
#   ovpn_udp            UDP, no control-channel protection, TLS 1.3
#   ovpn_udp_tlsauth    UDP, --tls-auth with --auth SHA256 (a 32-byte HMAC:
#                       its client reset is as long as a tls-crypt one),
#                       --tls-version-max 1.2 (the chains are in the clear)
#   ovpn_udp_tlscrypt   UDP, --tls-crypt (encrypted control channel)
#   ovpn_udp_tlscrypt2  UDP, --tls-crypt-v2 (per-client key)
#   ovpn_tcp_tlscrypt   TCP, --tls-crypt
#   ovpn_udp_reorder    ovpn_udp with its datagrams reordered and
#                       one sent twice (tests/ovpn_perturb.py)
# The static keys are made by `openvpn --genkey` on every run.
#
# Usage (root): tests/mkpcaps_ovpn.sh     Needs: openvpn openssl tcpdump iproute2 python3
# MKPCAPS_DEST=DIR writes the captures to DIR instead of pcaps/.  Every run
# makes new keys, randoms and times: the golden files then need
# `tests/golden/run.py TLSTAP --update ovpn_...` and a review.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"

netns_begin ovpn out certs -- openvpn openssl ss timeout python3
C=$W/certs
netns_ca ca "/O=tlstap tests/CN=tlstap OpenVPN CA"
netns_cert srv "/O=tlstap tests/CN=vpn.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:vpn.tlstap.test\n'
netns_cert cli "/O=tlstap tests/CN=client.tlstap.test" \
	'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n'
openvpn --genkey secret "$C/ta.key"
openvpn --genkey tls-crypt-v2-server "$C/v2srv.key"
openvpn --tls-crypt-v2 "$C/v2srv.key" --genkey tls-crypt-v2-client "$C/v2cli.key"

netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:63:00 10.99.0.1/24 10.99.0.2/24

# ovpn NAME udp|tcp SERVER-OPTIONS -- CLIENT-OPTIONS: one connection, until
# the client has pinged three times after its handshake.
ovpn() {
	local name=$1 proto=$2 sopt=() copt=() sp=udp cp=udp lp=u
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sopt+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	copt=("$@")
	[ "$proto" = tcp ] && { sp=tcp-server; cp=tcp-client; lp=t; }
	CUR=$name
	local common=(--dev null --ca "$C/ca.pem" --verb 3 --hand-window 10 --connect-retry 1)
	netns_capture "$NS" "$VS" "$W/out/$name.pcap" udp port 1194 or tcp port 1194
	netns_srv "$NS" 1194 "$lp" openvpn --tls-server --proto "$sp" --lport 1194 \
		--cert "$C/srv.pem" --key "$C/srv.key" --dh none "${common[@]}" "${sopt[@]}"
	timeout 10 ip netns exec "$NC" openvpn --tls-client --proto "$cp" --remote 10.99.0.2 1194 \
		--nobind --cert "$C/cli.pem" --key "$C/cli.key" --remote-cert-tls server \
		"${common[@]}" --ping 1 --ping-exit 3 "${copt[@]}" >>"$W/log/$name.cli" 2>&1 || true
	grep -q "Initialization Sequence Completed" "$W/log/$name.cli" || die "no handshake"
	netns_srv_stop
	netns_capture_stop "$W/out/$name.pcap"
	cp "$W/out/$name.pcap" "$DEST/$name.pcap"
}

ovpn ovpn_udp udp
ovpn ovpn_udp_tlsauth udp --tls-auth "$C/ta.key" 0 --auth SHA256 --tls-version-max 1.2 -- \
	--tls-auth "$C/ta.key" 1 --auth SHA256 --tls-version-max 1.2
ovpn ovpn_udp_tlscrypt udp --tls-crypt "$C/ta.key" -- --tls-crypt "$C/ta.key"
ovpn ovpn_udp_tlscrypt2 udp --tls-crypt-v2 "$C/v2srv.key" -- --tls-crypt-v2 "$C/v2cli.key"
ovpn ovpn_tcp_tlscrypt tcp --tls-crypt "$C/ta.key" -- --tls-crypt "$C/ta.key"
CUR=ovpn_udp_reorder
python3 "$HERE/ovpn_perturb.py" "$DEST/ovpn_udp.pcap" "$DEST/ovpn_udp_reorder.pcap"
echo "mkpcaps_ovpn.sh: made $(ls "$W/out" | wc -l) captures and ovpn_udp_reorder in $DEST"
