#!/bin/bash
# The benchmark (README "Performance"): generate the captures once into
# tests/bench/data (git-ignored), then time tlstap against the libpcap floor
# and its peers.  Dev notes: tests/bench/README.md.
#   tests/bench/run.sh            corpus-mixed, corpus-handshake (from the
#                                 sessions of ../shared/corpus), mixed,
#                                 handshake (from pcaps/)
#   tests/bench/run.sh small      the CI smoke test
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p tests/bench/data
kinds=${1:-"corpus-mixed corpus-handshake mixed handshake"}
caps=()
for k in $kinds; do
	f=tests/bench/data/$k.pcap
	[ -s "$f" ] || /usr/bin/python3 tests/bench/gen.py "$k" "$f"
	caps+=("$f")
done
runs=5
[ "$kinds" = small ] && runs=1
peers=()
[ "$kinds" = small ] && peers=(--peers "" --threads 1,2)
/usr/bin/python3 tests/bench/bench.py --runs $runs "${peers[@]}" "${caps[@]}"
