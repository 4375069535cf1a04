#!/bin/bash
# Regenerates the key-log captures of the versions before TLS 1.2, each with
# its key log (test sessions, fresh keys: nothing secret), made by real
# stacks in two private network namespaces joined by a veth pair
# (10.99.0.1 <-> 10.99.0.2), tcpdump in the client namespace:
#  - keylog_tls10_cbc: OpenSSL, TLS 1.0, ECDHE-RSA-AES128-SHA
#    (MAC-then-encrypt, implicit IVs) and the closing alerts;
#  - keylog_tls11_cbc: OpenSSL, TLS 1.1, AES256-SHA with encrypt_then_mac
#    (explicit IVs);
#  - keylog_tls10_rc4: GnuTLS, TLS 1.0, RSA with RC4-128 and HMAC-MD5;
#  - keylog_tls11_3des: GnuTLS, TLS 1.1, ECDHE-RSA with 3DES-EDE-CBC-SHA.
# Debian's OpenSSL 3.0 has neither SSL 3.0 nor RC4/3DES, GnuTLS has no SSL
# 3.0: the SSL 3.0 capture (keylog_ssl3_3des) is built by tests/mkssl3.py.
# The closing alerts come after the session's record is written, so they
# are in the captures but not in the goldens (README Known limits).
#
# Usage (root): tests/mkkeylog_legacy.sh   Needs: openssl gnutls-bin tcpdump iproute2 ethtool
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DEST=${MKPCAPS_DEST:-$(dirname "$HERE")/pcaps}
. "$HERE/netns.sh"
die() { echo "mkkeylog_legacy.sh: $*" >&2; exit 1; }
netns_need openssl gnutls-serv gnutls-cli ethtool ss timeout
NC=kl2legc$$ NS=kl2legs$$ VC=kl2c$$ VS=kl2s$$
netns_workdir out
netns_traps "$NC" "$NS"

netns_pair "$NC" "$NS" "$VC" "$VS" 02:00:0a:63:00 10.99.0.1/24 10.99.0.2/24

openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$W/srv.key" -out "$W/srv.pem" \
	-days 3650 -subj "/CN=legacy.tlstap.test" -addext subjectAltName=DNS:legacy.tlstap.test \
	2>/dev/null

cap_start() {
	CUR=$1
	netns_capture "$NC" "$VC" "$W/$CUR.pcap" tcp
}
cap_stop() {
	netns_capture_stop "$W/$CUR.pcap"
	grep -q CLIENT_RANDOM "$W/$CUR.keylog" || die "$CUR: no master secret in the key log"
	cp "$W/$CUR.pcap" "$W/$CUR.keylog" "$W/out/"
}
# osrv ARGS: openssl s_server on 443 at security level 0 (TLS 1.0/1.1 need it).
osrv() {
	netns_srv "$NS" 443 t openssl s_server -accept 443 -naccept 1 -rev -cert "$W/srv.pem" \
		-key "$W/srv.key" "$@"
}
# ocli ARGS: s_client writing the key log, one line, a pause.
ocli() {
	netns_cli "$NC" 0.5 openssl s_client -connect 10.99.0.2:443 \
		-servername legacy.tlstap.test -keylogfile "$W/$CUR.keylog" "$@"
}
# gsrv PRIORITY / gcli PRIORITY: GnuTLS, the key log from SSLKEYLOGFILE.
gsrv() {
	netns_srv "$NS" 8443 t gnutls-serv --echo --disable-client-cert -p 8443 \
		--x509certfile "$W/srv.pem" --x509keyfile "$W/srv.key" --priority "$1"
}
gcli() {
	SSLKEYLOGFILE="$W/$CUR.keylog" netns_cli "$NC" 0.5 gnutls-cli -p 8443 --insecure \
		--sni-hostname legacy.tlstap.test --priority "$1" 10.99.0.2
}

cap_start keylog_tls10_cbc
osrv -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' -no_etm
ocli -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0'
cap_stop; netns_srv_stop

cap_start keylog_tls11_cbc
osrv -tls1_1 -cipher 'AES256-SHA:@SECLEVEL=0'
ocli -tls1_1 -cipher 'AES256-SHA:@SECLEVEL=0'
cap_stop; netns_srv_stop

OLD=NORMAL:%NO_ETM:-VERS-ALL:-CIPHER-ALL:-MAC-ALL:-KX-ALL
cap_start keylog_tls10_rc4
gsrv "$OLD:+VERS-TLS1.0:+ARCFOUR-128:+MD5:+RSA"
gcli "$OLD:+VERS-TLS1.0:+ARCFOUR-128:+MD5:+RSA"
cap_stop; netns_srv_stop

cap_start keylog_tls11_3des
gsrv "$OLD:+VERS-TLS1.1:+3DES-CBC:+SHA1:+ECDHE-RSA"
gcli "$OLD:+VERS-TLS1.1:+3DES-CBC:+SHA1:+ECDHE-RSA"
cap_stop; netns_srv_stop

CUR=keylog_ssl3_3des
/usr/bin/python3 "$HERE/mkssl3.py" "$W/out"

CUR=done
mkdir -p "$DEST"
cp "$W"/out/* "$DEST/"
echo "mkkeylog_legacy.sh: $(ls "$W"/out/*.pcap | wc -l) captures with key logs in $DEST"
