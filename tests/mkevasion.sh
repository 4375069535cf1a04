#!/bin/bash
# The evasion captures (README "Evasion"): what an attacker on the path, or
# a quirky stack, adds to a real session, hand-built by tests/pcaptool.py
# evade from the real sessions in pcaps/ (deterministic).  One row each in
# pcaps/CASES.tsv, one golden case each in tests/golden/cases.tsv.
#
# Usage: tests/mkevasion.sh [DIR]   (DIR holds tls13.pcap, tls13_hrr.pcap,
#        keylog_tls13_early_rejected.pcap and tls12_ecdhe_rsa.pcap and
#        receives evade_*.pcap; default pcaps/.
#        tests/mkpcaps.sh runs it on the sessions it has just recorded.)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:-$(dirname "$HERE")/pcaps}
PY=/usr/bin/python3
TOOL=$HERE/pcaptool.py

evade() { # evade KIND BASE [NAME]
	"$PY" "$TOOL" evade "$1" "$DIR/$2.pcap" "$DIR/evade_${3:-$1}.pcap"
}
for k in recver35 recverff empty_record urgent junk_window spoof_syn synacks ttl_low \
	bad_tcp_sum bad_ip_sum ip_len_zero no_ack frag_overlap len_lie ack_unsent \
	zero_pad_ack fake_alert new_conn new_conn_open; do
	evade $k tls13
done
for k in rst_inexact rst_outside fin_spoof vlan_asym; do
	evade $k tls12_ecdhe_rsa
done
evade hrr_sni tls13_hrr
# (keylog_tls13_early_rejected.pcap comes from tests/mkkeylog_more.sh)
evade early_junk keylog_tls13_early_rejected
evade early_hs keylog_tls13_early_rejected
echo "mkevasion.sh: $(ls "$DIR"/evade_*.pcap | wc -l) captures in $DIR"
