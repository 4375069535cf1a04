#!/bin/sh
# Instructions one tlstap run executes on a capture, or on its first N
# packets (valgrind's callgrind: the count does not depend on the load of a
# shared machine).  The profile is kept for callgrind_annotate.
#
#   tests/bench/instr.sh BINARY CAPTURE [PACKETS] [OUTDIR]
#
# e.g. tests/bench/instr.sh build/tlstap tests/bench/data/corpus-mixed.pcap 200000
set -eu
bin=$1 cap=$2 n=${3:-0} out=${4:-${TMPDIR:-/tmp}/tlstap-instr}
mkdir -p "$out"
if [ "$n" -gt 0 ]; then
	cut="$out/cut-$(basename "$cap" .pcap)-$n.pcap"
	[ -s "$cut" ] || tcpdump -r "$cap" -c "$n" -w "$cut" 2>/dev/null
	cap=$cut
fi
prof="$out/$(basename "$bin")-$(basename "$cap" .pcap).cg"
valgrind --tool=callgrind --callgrind-out-file="$prof" "$bin" -r "$cap" -o /dev/null 2>&1 |
	sed -n 's/.*I *refs: *//p'
echo "profile: $prof" >&2
