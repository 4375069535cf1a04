#!/bin/bash
# Makes the captures behind the findings golden cases (pcaps/findings/,
# documented one per row in pcaps/findings/CASES.tsv).  A script of its own
# so that regenerating them leaves every other capture alone (and
# tests/mkpcaps.sh, which replaces pcaps/*.pcap, leaves these alone).
#
# Real sessions where a stack can produce the finding: OpenSSL 3.0
# s_server/s_client with @SECLEVEL=0 in two private network namespaces
# joined by a veth pair (10.98.0.1 <-> 10.98.0.2), recorded by tcpdump in
# the client namespace; nothing leaves them.  Certificates with chosen
# dates, keys and digests come from `openssl ca` (-startdate/-enddate).
# What OpenSSL 3 can no longer send (SSLv2-format hellos, heartbeat, RC4,
# export and DES suites, a downgrade sentinel, renegotiation without RFC
# 5746) is made by tests/findings_edit.py from those real sessions: same-
# length edits of handshake bytes, every length kept valid.
#
# Usage (root): tests/mkpcaps_findings.sh      Needs: openssl tcpdump iproute2
#                                                     ethtool python3
# MKPCAPS_DEST=DIR writes to DIR instead of pcaps/findings/ (dry run).
# Regenerating changes the captures (keys, randoms, times) and
# tests/certs-pcap/findings-ca.pem: update the golden files with
# `tests/golden/run.py build/tlstap --update findings_...` and review the diff.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"
TOP=$(dirname "$HERE")
DEST=${MKPCAPS_DEST:-$TOP/pcaps/findings}
PY=/usr/bin/python3
EDIT=$HERE/findings_edit.py

netns_need openssl ethtool ss timeout

tag=$$
NC=findingsc$tag NS=findingss$tag VC=fndc$tag VS=fnds$tag
netns_workdir pcap certs sess out
OUT=$W/out
netns_traps "$NC" "$NS"

# ------------------------------------------------------------------ network

netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:62:00 10.98.0.1/24 10.98.0.2/24
S4=10.98.0.2

# ------------------------------------------------------------------ certificates

C=$W/certs
mkdir -p "$C/db/new"
: >"$C/db/index.txt"
echo 1000 >"$C/db/serial"
cat >"$C/ca.cnf" <<EOF
[ca]
default_ca = c
[c]
dir = $C/db
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = p
copy_extensions = none
unique_subject = no
email_in_dn = no
[p]
organizationName = optional
commonName = supplied
EOF
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$C/ca.key" -out "$C/ca.pem" \
	-days 3650 -sha256 -subj "/O=tlstap tests/CN=tlstap findings root" \
	-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
printf 'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:findings.tlstap.test\n' >"$C/srv.ext"

# leaf NAME KEYALG MD START END: a server certificate for findings.tlstap.test
# issued by the findings root with the given key, digest and validity
# (openssl ca dates, YYYYMMDDHHMMSSZ).
leaf() {
	local name=$1 alg=$2 md=$3 start=$4 end=$5
	openssl req -new -newkey "$alg" -nodes -keyout "$C/$name.key" \
		-subj "/O=tlstap tests/CN=findings.tlstap.test" -out "$C/$name.csr" 2>/dev/null
	openssl ca -batch -config "$C/ca.cnf" -cert "$C/ca.pem" -keyfile "$C/ca.key" \
		-in "$C/$name.csr" -out "$C/$name.pem" -md "$md" -startdate "$start" -enddate "$end" \
		-extfile "$C/srv.ext" -notext >>"$W/log/certs.log" 2>&1 || die "openssl ca $name"
}
now=$(date -u +%s)
d() { date -u -d "@$(( now + $1 * 86400 ))" +%Y%m%d%H%M%SZ; }
leaf good rsa:2048 sha256 "$(d -30)" "$(d 365)"
leaf rsa1024_sha1 rsa:1024 sha1 "$(d -30)" "$(d 365)"
leaf expired rsa:2048 sha256 "$(d -400)" "$(d -35)"
leaf future rsa:2048 sha256 "$(d 30)" "$(d 300)"
leaf md5_soon rsa:2048 md5 "$(d -80)" "$(d 10)"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/self.key" \
	-out "$C/self.pem" -days 90 -sha256 -subj "/CN=findings.tlstap.test" \
	-addext subjectAltName=DNS:findings.tlstap.test 2>/dev/null
openssl dhparam -out "$C/dh1024.pem" 1024 2>/dev/null

# ------------------------------------------------------------------ helpers

cap_start() {
	CUR=$1
	netns_capture "$NC" "$VC" "$W/pcap/$CUR.pcap" tcp
}
cap_stop() { netns_capture_stop "$W/pcap/$CUR.pcap"; }
# osrv CERT ARGS...: one s_server on port 443 with that certificate.  Its
# standard input is a fifo held open until srv_stop, so that an interactive
# server (SRVMODE=, needed for -early_data) does not see end of input.
osrv() {
	local cert=$1
	shift
	rm -f "$W/srvin"
	mkfifo "$W/srvin"
	# shellcheck disable=SC2086
	ip netns exec "$NS" openssl s_server -accept 443 -naccept "${NACCEPT:-1}" \
		${SRVMODE--rev} -cert "$C/$cert.pem" -key "$C/$cert.key" "$@" \
		>>"$W/log/$CUR.srv" 2>&1 <"$W/srvin" &
	SRV=$!
	pids+=("$SRV")
	exec 8>"$W/srvin"
	netns_listen "$NS" 443
}
srv_stop() {
	netns_srv_stop
	exec 8>&-
}
# ocli ARGS...: s_client to the server; sends a line, holds HOLD seconds.
ocli() { netns_cli "$NC" "${HOLD:-0.4}" openssl s_client -connect $S4:443 "$@"; }
keep() { cp "$W/pcap/$CUR.pcap" "$OUT/$1.pcap"; }
expect() { # expect NAME WORDS...: pcaptool's summary mentions each word
	local name=$1 f=$OUT/$1.pcap
	shift
	"$PY" "$HERE/pcaptool.py" summary "$f" >"$W/log/$name.summary"
	for w in "$@"; do
		grep -qF -- "$w" "$W/log/$name.summary" ||
			{ cat "$W/log/$name.summary" >&2; CUR=$name; die "summary lacks '$w'"; }
	done
}
L0='-cipher ALL:eNULL:@SECLEVEL=0'

# ------------------------------------------------------------------ real sessions

# TLS 1.0, static RSA, AES-CBC, an RSA-1024 leaf signed with SHA-1; the
# client also offers the NULL suites (eNULL).
cap_start findings_tls10_legacy
osrv rsa1024_sha1 -tls1 -cipher 'AES128-SHA:@SECLEVEL=0'
ocli -tls1 -servername findings.tlstap.test $L0
cap_stop; srv_stop; keep findings_tls10_legacy
expect findings_tls10_legacy "server_hello[v=0301,cs=002f]" "certificate["

# DHE with a 1024-bit group, ServerKeyExchange signed with rsa_pkcs1_sha1,
# no SNI, an expired leaf; then ECDHE on secp192r1.
cap_start findings_weak_kx
osrv expired -tls1_2 -cipher 'DHE-RSA-AES128-SHA:@SECLEVEL=0' -dhparam "$C/dh1024.pem"
ocli -tls1_2 -noservername -sigalgs RSA+SHA1 -cipher 'DHE-RSA-AES128-SHA:@SECLEVEL=0'
srv_stop
osrv good -tls1_2 -groups secp192r1 -cipher 'DEFAULT:@SECLEVEL=0'
ocli -tls1_2 -servername findings.tlstap.test -groups secp192r1 -cipher 'DEFAULT:@SECLEVEL=0'
cap_stop; srv_stop; keep findings_weak_kx
expect findings_weak_kx "server_hello[v=0303,cs=0033]" "server_key_exchange" "cs=c030]"

# One connection per certificate problem: not yet valid (and a client
# asking for another name), MD5-signed and expiring within 10 days,
# self-signed.
cap_start findings_certs
osrv future -tls1_2
ocli -tls1_2 -servername other.example
srv_stop
osrv md5_soon -tls1_2 -cipher 'DEFAULT:@SECLEVEL=0'
ocli -tls1_2 -servername findings.tlstap.test -cipher 'DEFAULT:@SECLEVEL=0'
srv_stop
osrv self -tls1_2
ocli -tls1_2 -servername findings.tlstap.test
cap_stop; srv_stop; keep findings_certs
expect findings_certs "sni=other.example" "sni=findings.tlstap.test"

# Anonymous DH, then a NULL suite.
cap_start findings_anon_null
osrv good -tls1_2 -cipher 'ADH-AES128-SHA:@SECLEVEL=0'
ocli -tls1_2 -servername findings.tlstap.test -cipher 'ADH-AES128-SHA:@SECLEVEL=0'
srv_stop
osrv good -tls1_2 -cipher 'NULL-SHA256:@SECLEVEL=0'
ocli -tls1_2 -servername findings.tlstap.test -cipher 'NULL-SHA256:@SECLEVEL=0'
cap_stop; srv_stop; keep findings_anon_null
expect findings_anon_null "cs=0034]" "cs=003b]"

# TLS 1.3: a full handshake issuing a ticket, a resumption with 0-RTT
# early data, and a psk_ke resumption (no key share: no forward secrecy).
printf 'early data from the client\n' >"$W/early.txt"
cap_start findings_tls13_psk
# (-early_data cannot be combined with -rev: the server runs interactive)
NACCEPT=3 SRVMODE= osrv self -tls1_3 -early_data -max_early_data 1024 -allow_no_dhe_kex
HOLD=0.8 ocli -tls1_3 -servername findings.tlstap.test -sess_out "$W/sess/a.pem"
HOLD=0.8 ocli -tls1_3 -servername findings.tlstap.test -sess_in "$W/sess/a.pem" \
	-early_data "$W/early.txt" -sess_out "$W/sess/b.pem"
ocli -tls1_3 -servername findings.tlstap.test -sess_in "$W/sess/b.pem" -allow_no_dhe_kex
cap_stop; srv_stop; keep findings_tls13_psk
expect findings_tls13_psk "server_hello[v=0304" ",psk]"

# ------------------------------------------------------------------ edits of real sessions

# Bases: a TLS 1.2 server answering a client that offers TLS 1.3, static
# RSA (no ServerKeyExchange, so any RSA suite fits the rest), and a
# session-id resumption.
cap_start base_tls12
osrv good -tls1_2
ocli -servername findings.tlstap.test
cap_stop; srv_stop; keep base_tls12
for cs in 0005 0003 0009 000a; do
	cap_start base_rsa_$cs
	osrv good -tls1_2 -cipher AES128-SHA
	ocli -tls1_2 -servername findings.tlstap.test
	cap_stop; srv_stop; keep base_rsa_$cs
done
cap_start base_resume_full
NACCEPT=2 osrv good -tls1_2 -no_ticket
ocli -tls1_2 -servername findings.tlstap.test -no_ticket -sess_out "$W/sess/id.pem"
cap_stop
cap_start base_resume
ocli -tls1_2 -servername findings.tlstap.test -no_ticket -sess_in "$W/sess/id.pem"
cap_stop; srv_stop; keep base_resume

CUR=edits
# A TLS 1.3-capable server (sentinel) that compresses, accepts heartbeat
# and forgets renegotiation_info.
"$PY" "$EDIT" "$OUT/base_tls12.pcap" "$OUT/e1.pcap" \
	sh_compression=1 sh_ext=0017:000f sh_ext=ff01:fe00 sh_sentinel=12
# An SSLv2-format ClientHello offering RC4 and export suites, no SCSV.
"$PY" "$EDIT" "$OUT/base_rsa_0005.pcap" "$OUT/e2.pcap" ch_sslv2 sh_cipher=0005
"$PY" "$EDIT" "$OUT/base_rsa_0003.pcap" "$OUT/e3.pcap" sh_cipher=0003
"$PY" "$EDIT" "$OUT/base_rsa_0009.pcap" "$OUT/e4.pcap" sh_cipher=0009
"$PY" "$EDIT" "$OUT/base_rsa_000a.pcap" "$OUT/e5.pcap" sh_cipher=000a
"$PY" "$EDIT" --merge "$OUT/findings_edited.pcap" "$OUT/e1.pcap" "$OUT/e2.pcap" \
	"$OUT/e3.pcap" "$OUT/e4.pcap" "$OUT/e5.pcap"
# Resumption without RFC 5746 (the SCSV and the answer removed) in which the server's encrypted flight holds
# a second handshake record after its Finished (a HelloRequest: the server
# renegotiates at once).
"$PY" "$EDIT" "$OUT/base_resume.pcap" "$OUT/findings_renegotiation.pcap" \
	ch_cipher=00ff:0a0a sh_ext=ff01:fe00 split_server_finished
rm -f "$OUT"/base_*.pcap "$OUT"/e[0-9].pcap

# ------------------------------------------------------------------ done

CUR=check
for f in "$OUT"/*.pcap; do
	[ "$(stat -c %s "$f")" -lt 102400 ] || echo "mkpcaps_findings.sh: note: $(basename "$f") is over 100 KB" >&2
done
mkdir -p "$DEST"
rm -f "$DEST"/*.pcap
cp "$OUT"/*.pcap "$DEST/"
# The root the leaves chain to, for --ca-file in the golden cases.
if [ -z "${MKPCAPS_DEST:-}" ]; then
	cp "$C/ca.pem" "$HERE/certs-pcap/findings-ca.pem"
fi
echo "mkpcaps_findings.sh: $(ls "$DEST"/*.pcap | wc -l) captures in $DEST"
