#!/bin/bash
# The benchmark (README "Performance"): generate the captures once into
# tests/bench/data (git-ignored), then time tlstap against the libpcap floor.
#   tests/bench/run.sh            mixed (~1 GiB) and handshake-heavy (~200 MB)
#   tests/bench/run.sh small      the CI smoke test
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p tests/bench/data
kinds=${1:-"mixed handshake"}
caps=()
for k in $kinds; do
	f=tests/bench/data/$k.pcap
	[ -s "$f" ] || /usr/bin/python3 tests/bench/gen.py "$k" "$f"
	caps+=("$f")
done
runs=5
[ "$kinds" = small ] && runs=1
/usr/bin/python3 tests/bench/bench.py --runs $runs "${caps[@]}"
