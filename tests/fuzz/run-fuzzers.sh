#!/bin/bash
# Long fuzzing runs (not part of CI; CI replays what they leave behind).
#   tests/fuzz/run-fuzzers.sh [SECONDS] [HARNESS...]
# Builds build-fuzz with clang (libFuzzer + ASan + UBSan) if needed, then runs
# each harness for SECONDS (default 1800) at low priority, all in parallel,
# with its seed corpus.  New inputs go to tests/fuzz/findings/<harness>/
# (git-ignored); crashes to tests/fuzz/findings/<harness>/crash-*.  A crash
# becomes a reproducer by copying it into tests/fuzz/corpus/<harness>/ (the
# default suite replays that folder).  A summary per harness is printed.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-1800}
shift || true
harnesses=${*:-"hs stream tls_stream x509 decode pcap dtls prelude quic keylog pcapng pcap_map"}
if [ ! -x build-fuzz/tests/fuzz_hs ]; then
	CC=clang meson setup build-fuzz -Dfuzzers=true -Db_sanitize=address,undefined \
		-Dbuildtype=debug -Db_lundef=false >/dev/null || exit 1
fi
ninja -C build-fuzz >/dev/null || exit 1
pids=()
for h in $harnesses; do
	out=tests/fuzz/findings/$h
	mkdir -p "$out"
	seeds=tests/fuzz/corpus/$h
	[ "$h" = pcap ] || [ "$h" = pcap_map ] && seeds=pcaps
	[ "$h" = tls_stream ] && seeds=tests/fuzz/corpus/stream   # same chunk format
	[ -d "$seeds" ] || seeds=
	( cd "$out" && ASAN_OPTIONS=detect_leaks=1 nice -n 19 \
		../../../../build-fuzz/tests/fuzz_$h -max_total_time="$secs" -rss_limit_mb=2048 \
		-timeout=10 -max_len=262144 -print_final_stats=1 . ${seeds:+../../../../$seeds} \
		>log.txt 2>&1 ) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
for h in $harnesses; do
	log=tests/fuzz/findings/$h/log.txt
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	crashes=$(ls tests/fuzz/findings/$h/crash-* tests/fuzz/findings/$h/leak-* tests/fuzz/findings/$h/timeout-* 2>/dev/null | wc -l)
	echo "$h: ${runs:-?} executions in ${secs}s, $crashes crash/leak/timeout inputs"
done
