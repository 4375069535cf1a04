#!/bin/bash
# Live capture at line rate (README "Performance"): the first packets of a
# benchmark capture are replayed by tcpreplay into a veth pair between two
# private network namespaces (LR_NAME-a, LR_NAME-b) at increasing rates;
# tlstap -i and tcpdump -w /dev/null capture in turn on the receiving end,
# and each rate is reported with the packets each one's kernel ring dropped
# (libpcap's pcap_stats: tlstap's final stats record, tcpdump's summary).
# The highest rate without a drop is each tool's line rate on this machine.
#
#   tests/bench/live_rate.sh [-p PACKETS] [-x "TLSTAP ARGS"] [-m MODES] [CAPTURE [MBPS...]]
#
# Default: 200,000 packets of tests/bench/data/mixed.pcap (run.sh makes it)
# at 250, 500, 1000, 2000 and 4000 Mbit/s, then as fast as tcpreplay can.
# tlstap runs in each of MODES (default "1,2,2f": one thread, --threads 2,
# --threads 2 --fanout; "4f" is --threads 4 --fanout), tcpdump once per
# rate.
# Root; needs iproute2, ethtool, tcpdump, tcpreplay.  Touches nothing but
# its own namespaces.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/netns.sh

packets=200000
extra=""
modes=1,2,2f
while getopts p:x:m: o; do
	case $o in
	p) packets=$OPTARG ;;
	x) extra=$OPTARG ;;
	m) modes=$OPTARG ;;
	*) sed -n '2,18p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
cap=${1:-tests/bench/data/mixed.pcap}
shift || true
rates=${*:-250 500 1000 2000 4000 top}
tlstap=${TLSTAP:-build/tlstap}
[ -s "$cap" ] || { echo "live_rate.sh: no capture $cap (tests/bench/run.sh makes it)" >&2; exit 2; }
command -v tcpreplay >/dev/null || { echo "live_rate.sh: tcpreplay is not installed" >&2; exit 2; }

# Names: LR_NAME (default lr) and the PID, so that runs side by side do
# not meet; the veths fit IFNAMSIZ.
tag=$(( $$ % 100000 )) pfx=${LR_NAME:-lr}
NA=$pfx-a$tag NB=$pfx-b$tag VA=${pfx:0:5}a$tag VB=${pfx:0:5}b$tag
W=$(mktemp -d /tmp/perf-live.XXXXXX)
mkdir -p "$W/log"
CUR=setup
pids=()
trap 'netns_cleanup "$NA" "$NB"' EXIT
netns_del "$NA" "$NB" || true
netns_pair "$NA" "$NB" "$VA" "$VB" 02:00:00:00:00 10.99.0.1/24 10.99.0.2/24

# tcpreplay sends its packets as they are: the frames of the benchmark
# captures fit a 1500-byte MTU.
echo "replaying $packets packets of $cap" >&2

# replay RATE: sends, prints tcpreplay's actual rate in Mbit/s.
replay() {
	local speed=--mbps=$1
	[ "$1" = top ] && speed=--topspeed
	ip netns exec "$NA" tcpreplay -q -i "$VA" "$speed" --limit="$packets" "$cap" \
		>"$W/log/replay" 2>&1
	sed -n 's/.*Rated: [0-9.]* Bps, \([0-9.]*\) Mbps.*/\1/p' "$W/log/replay" | head -1
}

# trial NAME READY RATE CMD...: CMD (logging to $W/log/NAME) in the
# receiving namespace, the replay once it prints READY, then SIGINT; prints
# the actual rate.
trial() {
	local name=$1 ready=$2 rate=$3 pid mbps
	shift 3
	ip netns exec "$NB" "$@" 2>"$W/log/$name" &
	pid=$!
	netns_wait_log "$W/log/$name" "$ready" || { kill "$pid"; return 1; }
	mbps=$(replay "$rate")
	sleep 1
	kill -INT "$pid"
	wait "$pid" || true
	echo "$mbps"
}

# mode_args MODE: tlstap's arguments for a mode (1, 2, 2f, 4f ...)
mode_args() {
	local n=${1%f}
	[ "$n" = 1 ] || printf -- '--threads %s ' "$n"
	[ "$n" = "$1" ] || printf -- '--fanout'
}

# run_tlstap RATE MODE: "actual-Mbps received dropped" from the final stats record
run_tlstap() {
	local out=$W/tlstap.ndjson mbps
	rm -f "$out"
	# shellcheck disable=SC2086 # extra arguments are words
	mbps=$(trial tlstap "capturing on" "$1" "$tlstap" -i "$VB" -o "$out" $(mode_args "$2") $extra)
	python3 - "$out" "$mbps" <<'EOF'
import json, sys
st = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event", {}).get("dataset") == "tlstap.stats":
        st = r["tlstap"]["stats"]
pc = st.get("pcap", {})
print(sys.argv[2], pc.get("received", st.get("packets", 0)), pc.get("dropped", 0) + pc.get("if_dropped", 0))
EOF
}

# run_tcpdump RATE: "actual-Mbps received dropped" from its summary
run_tcpdump() {
	local mbps
	mbps=$(trial tcpdump "listening on" "$1" tcpdump -n -Z root -i "$VB" -w /dev/null)
	echo "$mbps $(sed -n 's/^\([0-9]*\) packets received by filter.*/\1/p' "$W/log/tcpdump") \
$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$W/log/tcpdump")"
}

printf "%-8s %-10s %12s %12s %10s\n" rate tool "sent Mbit/s" received dropped
declare -A best
for r in $rates; do
	for m in ${modes//,/ } tcpdump; do
		CUR=$m-$r
		if [ "$m" = tcpdump ]; then
			read -r mb rx dr < <(run_tcpdump "$r")
			name=tcpdump
		else
			read -r mb rx dr < <(run_tlstap "$r" "$m")
			name=tlstap-$m
		fi
		printf "%-8s %-10s %12s %12s %10s\n" "$r" "$name" "$mb" "$rx" "$dr"
		# the fastest replay that lost nothing
		if [ "$dr" = 0 ] && awk -v a="$mb" -v b="${best[$name]:-0}" 'BEGIN { exit !(a > b) }'; then
			best[$name]=$mb
		fi
	done
done
printf "highest rate without a kernel drop (Mbit/s):"
for k in "${!best[@]}"; do printf " %s %s;" "$k" "${best[$k]}"; done
echo
