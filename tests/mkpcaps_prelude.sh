#!/bin/bash
# Makes the captures of TLS behind a cleartext prelude (issue 16): STARTTLS-style
# upgrades and proxies, listed in pcaps/CASES.tsv (rows starttls_*, proxy_*).
#
# Real sessions, each between a real client and a real server in two private
# network namespaces joined by a veth pair (10.98.0.1 <-> 10.98.0.2), recorded
# by tcpdump inside the client namespace, offloads off.  Nothing leaves the
# namespaces.
#   starttls_smtp, starttls_smtp_refused, starttls_pop3, starttls_ftp:
#       tests/prelude_servers.py (Python's ssl module) against
#       openssl s_client -starttls / Python smtplib
#   starttls_imap      Dovecot           / openssl s_client -starttls imap
#   starttls_ldap      OpenLDAP slapd    / openssl s_client -starttls ldap
#   starttls_pgsql     PostgreSQL        / psql sslmode=require
#   starttls_pgsql_refused  PostgreSQL ssl=off / psql sslmode=prefer
#   starttls_mysql     MariaDB           / mariadb --ssl
#   proxy_connect      tinyproxy         / openssl s_client -proxy, to s_server
#   proxy_connect_refused  tinyproxy (port not allowed) / openssl s_client -proxy
#   proxy_socks5       Dante             / curl --socks5, to s_server
# Hand-built (tests/mkprelude.py, from pcaps/tls12_ecdhe_rsa.pcap): MSSQL/TDS,
# RDP, ADB, XMPP (client and server-to-server), IRC, NNTP, ManageSieve, LMTP;
# (tests/ovpn_pcap.py) the same session in OpenVPN's TCP control channel.
#
# Usage (root): tests/mkpcaps_prelude.sh
#   Needs: openssl tcpdump iproute2 ethtool python3 curl dovecot-imapd slapd
#          postgresql mariadb-server tinyproxy dante-server
# MKPCAPS_DEST=DIR writes the captures to DIR instead of pcaps/.  The golden
# files then need `tests/golden/run.py TLSTAP --update NAME...` and a review.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"
PY=/usr/bin/python3
PGBIN=/usr/lib/postgresql/15/bin

netns_need openssl ethtool ss curl dovecot slapd mariadbd mariadb-install-db mariadb \
	tinyproxy danted psql runuser timeout
[ -x "$PGBIN/postgres" ] || { echo "mkpcaps_prelude.sh: $PGBIN/postgres is missing" >&2; exit 1; }

tag=$(( $$ % 10000 ))
NC=starttlsc$tag NS=starttlss$tag VC=starttlsc$tag VS=starttlss$tag
C=10.98.0.1 S=10.98.0.2
netns_workdir out
chmod 755 "$W"

cleanup() {
	local rc=$?
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null
	sleep 0.3
	netns_del "$NC" "$NS"
	if [ "$rc" != 0 ]; then
		echo "mkpcaps_prelude.sh: failed while making '$CUR'; logs:" >&2
		tail -n 20 "$W"/log/"$CUR"* >&2 2>/dev/null
	fi
	rm -rf "$W"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ network

NETNS_OFFLOADS='tso off gso off gro off tx off rx off'
netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:62:00 $C/24 $S/24

# ------------------------------------------------------------------ certificate

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-subj "/CN=server.tlstap.test" -addext "subjectAltName=DNS:server.tlstap.test" \
	-keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null
chmod 644 "$W/cert.pem" "$W/key.pem"

# ------------------------------------------------------------------ helpers

insrv() { ip netns exec "$NS" "$@"; }
incli() { ip netns exec "$NC" "$@"; }

cap_start() { # cap_start NAME
	CUR=$1
	netns_capture "$NC" "$VC" "$W/out/$1.pcap" tcp
}

cap_stop() {
	sleep 0.5
	# The tcpdump of the client namespace, by pid (`ip netns exec` may have
	# forked it); SIGTERM, since a child ended by SIGINT makes bash act as if
	# it got one too.
	local p
	for p in $(ip netns pids "$NC"); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = tcpdump ] && kill -TERM "$p" 2>/dev/null
	done
	wait "$CAP" 2>/dev/null || true
}

bg_srv() { # bg_srv LOGNAME CMD...: a server in the server namespace
	local log=$1
	shift
	insrv "$@" >"$W/log/$CUR.$log" 2>&1 &
	pids+=($!)
	SRV=$!
}

wait_port() { netns_listen "$NS" "$1"; } # wait_port PORT
stop_srv() { netns_srv_stop; }

pysrv() { # pysrv PROTO PORT [refuse]
	bg_srv server "$PY" "$HERE/prelude_servers.py" "$1" $S "$2" "$W/cert.pem" "$W/key.pem" ${3:-}
	wait_port "$2"
}

# openssl s_client: a line after the handshake, then wait for the server to close
sclient() { # sclient STDIN-TEXT ARGS...
	local text=$1
	shift
	(sleep 1; printf '%b' "$text"; sleep 1) |
		incli timeout 15 openssl s_client -ign_eof -servername server.tlstap.test "$@" \
		>"$W/log/$CUR.client" 2>&1 || true
}

# ------------------------------------------------------------------ line protocols (Python servers)

cap_start starttls_smtp
pysrv smtp 25
sclient 'NOOP\r\nQUIT\r\n' -starttls smtp -connect $S:25
stop_srv
cap_stop

cap_start starttls_smtp_refused
pysrv smtp 25 refuse
incli timeout 15 "$PY" -c '
import smtplib
s = smtplib.SMTP("'$S'", 25, local_hostname="client.tlstap.test")
s.ehlo()
try:
    s.starttls()
except smtplib.SMTPException as e:
    print("refused:", e)
s.quit()' >"$W/log/$CUR.client" 2>&1
stop_srv
cap_stop

cap_start starttls_pop3
pysrv pop3 110
sclient 'NOOP\r\nQUIT\r\n' -starttls pop3 -connect $S:110
stop_srv
cap_stop

cap_start starttls_ftp
pysrv ftp 21
sclient 'SYST\r\nQUIT\r\n' -starttls ftp -connect $S:21
stop_srv
cap_stop

# ------------------------------------------------------------------ Dovecot IMAP

mkdir -p "$W/dovecot/run" "$W/dovecot/state"
cat >"$W/dovecot/dovecot.conf" <<EOF
base_dir = $W/dovecot/run
state_dir = $W/dovecot/state
protocols = imap
listen = $S
ssl = yes
ssl_cert = <$W/cert.pem
ssl_key = <$W/key.pem
log_path = $W/log/starttls_imap.dovecot
mail_location = mbox:/tmp/nonexistent
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
EOF
cap_start starttls_imap
bg_srv server dovecot -F -c "$W/dovecot/dovecot.conf"
wait_port 143
sclient 'a1 CAPABILITY\r\na2 LOGOUT\r\n' -starttls imap -connect $S:143
stop_srv
cap_stop

# ------------------------------------------------------------------ OpenLDAP slapd

mkdir -p "$W/ldap/db"
cat >"$W/ldap/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $W/ldap/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile $W/cert.pem
TLSCertificateKeyFile $W/key.pem
database mdb
suffix "dc=tlstap,dc=test"
directory $W/ldap/db
EOF
cap_start starttls_ldap
bg_srv server slapd -d 0 -f "$W/ldap/slapd.conf" -h "ldap://$S/"
wait_port 389
sclient '' -starttls ldap -connect $S:389
stop_srv
cap_stop

# ------------------------------------------------------------------ PostgreSQL

mkdir -p "$W/pg"
cp "$W/cert.pem" "$W/pg/server.crt"
cp "$W/key.pem" "$W/pg/server.key"
chown -R postgres "$W/pg"
chmod 600 "$W/pg/server.key"
runuser -u postgres -- "$PGBIN/initdb" -D "$W/pg/data" -A trust >"$W/log/pg.initdb" 2>&1
cat >>"$W/pg/data/postgresql.conf" <<EOF
listen_addresses = '$S'
unix_socket_directories = '$W/pg'
ssl_cert_file = '$W/pg/server.crt'
ssl_key_file = '$W/pg/server.key'
EOF
echo "host all all 10.98.0.0/24 trust" >>"$W/pg/data/pg_hba.conf"
pgcase() { # pgcase NAME ssl(on|off) sslmode
	cap_start "$1"
	sed -i "/^ssl = /d" "$W/pg/data/postgresql.conf"
	echo "ssl = $2" >>"$W/pg/data/postgresql.conf"
	insrv runuser -u postgres -- "$PGBIN/pg_ctl" -D "$W/pg/data" -l "$W/pg/log.$1" -w start \
		>"$W/log/$1.server" 2>&1
	wait_port 5432
	incli timeout 15 psql "host=$S user=postgres dbname=postgres sslmode=$3" -c 'select 1' \
		>"$W/log/$1.client" 2>&1 || true
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$W/pg/data" -m fast -w stop >>"$W/log/$1.server" 2>&1
	cap_stop
}
pgcase starttls_pgsql on require
pgcase starttls_pgsql_refused off prefer

# ------------------------------------------------------------------ MariaDB

mkdir -p "$W/my"
mariadb-install-db --no-defaults --datadir="$W/my/data" --user=root --auth-root-authentication-method=normal \
	>"$W/log/my.install" 2>&1
cap_start starttls_mysql
bg_srv server mariadbd --no-defaults --datadir="$W/my/data" --user=root --bind-address=$S \
	--socket="$W/my/sock" --pid-file="$W/my/pid" --skip-networking=0 --skip-grant-tables \
	--skip-name-resolve \
	--ssl-cert="$W/cert.pem" --ssl-key="$W/key.pem"
wait_port 3306
incli timeout 15 mariadb --no-defaults -h $S -u root --ssl --ssl-verify-server-cert=0 -e 'select 1' \
	>"$W/log/$CUR.client" 2>&1 || true
stop_srv
cap_stop

# ------------------------------------------------------------------ proxies

cat >"$W/tinyproxy.conf" <<EOF
Port 8888
Listen $S
Timeout 30
MaxClients 4
Allow 10.98.0.0/24
ConnectPort 4433
LogLevel Info
EOF
websrv() {
	insrv openssl s_server -accept 4433 -cert "$W/cert.pem" -key "$W/key.pem" -www \
		>"$W/log/$CUR.web" 2>&1 &
	pids+=($!)
	WEB=$!
	wait_port 4433
}
webstop() { kill "$WEB" 2>/dev/null || true; wait "$WEB" 2>/dev/null || true; }

cap_start proxy_connect
websrv
bg_srv proxy tinyproxy -d -c "$W/tinyproxy.conf"
wait_port 8888
sclient 'GET / HTTP/1.0\r\n\r\n' -proxy $S:8888 -connect $S:4433
stop_srv
webstop
cap_stop

cap_start proxy_connect_refused
bg_srv proxy tinyproxy -d -c "$W/tinyproxy.conf"
wait_port 8888
sclient '' -proxy $S:8888 -connect $S:443
stop_srv
cap_stop

cat >"$W/danted.conf" <<EOF
logoutput: $W/log/proxy_socks5.danted
internal: $S port = 1080
external: $S
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
EOF
cap_start proxy_socks5
websrv
bg_srv proxy danted -f "$W/danted.conf"
wait_port 1080
incli timeout 15 curl -sk --socks5 $S:1080 -o /dev/null https://$S:4433/ >"$W/log/$CUR.client" 2>&1 || true
stop_srv
webstop
cap_stop

# ------------------------------------------------------------------ hand-built

CUR=hand-built
"$PY" "$HERE/mkprelude.py" "$TOP/pcaps/tls12_ecdhe_rsa.pcap" "$W/out"
"$PY" "$HERE/ovpn_pcap.py" "$TOP/pcaps/tls12_ecdhe_rsa.pcap" "$W/out/ovpn_tls12.pcap"
"$PY" "$HERE/mkrdpeudp.py" "$W/out/rdpeudp_tls12.pcap"

[ -n "${MKPCAPS_LOGS:-}" ] && cp -r "$W/log" "$MKPCAPS_LOGS"
CUR=install
for f in "$W"/out/*.pcap; do
	[ -s "$f" ] || { echo "mkpcaps_prelude.sh: $(basename "$f") is empty" >&2; exit 1; }
done
mkdir -p "$DEST"
cp "$W"/out/*.pcap "$DEST"/
echo "mkpcaps_prelude.sh: $(ls "$W"/out | wc -l) captures written to $DEST"
