# Sourced by the capture scripts (tests/mk*.sh): two private network
# namespaces joined by a veth pair, a tcpdump inside one of them, the
# servers and clients run there, test certificates, and the teardown.  Each
# script keeps its own names, addresses and outputs; nothing here touches a
# real interface.  Needs: iproute2 ethtool tcpdump openssl.

# The repository (TOP), and where the captures go (DEST: pcaps/, or
# MKPCAPS_DEST for a dry run).
TOP=$(dirname "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)")
DEST=${MKPCAPS_DEST:-$TOP/pcaps}

# netns_need CMD...: exits unless the script runs as root with every CMD
# on the PATH (tcpdump and ip are always needed).
netns_need() {
	local me c
	me=$(basename "$0")
	[ "$(id -u)" = 0 ] || { echo "$me: must run as root (network namespaces)" >&2; exit 1; }
	for c in tcpdump ip "$@"; do
		command -v "$c" >/dev/null || { echo "$me: $c is missing" >&2; exit 1; }
	done
}

# Offloads switched off on both ends, so that frames are what a wire would
# carry (MTU-sized segments, real checksums).  A script may set its own.
NETNS_OFFLOADS=${NETNS_OFFLOADS:-tx off tso off gso off gro off}

# netns_pair NC NS VC VS MAC CADDR SADDR: namespaces NC (client) and NS
# (server), the veth VC in NC and VS in NS with the fixed addresses MAC:01 and
# MAC:02 (regenerated captures stay comparable), CADDR and SADDR (with their
# prefix length) on them, loopback and both ends up.
netns_pair() {
	local nc=$1 ns=$2 vc=$3 vs=$4 mac=$5 caddr=$6 saddr=$7 pair
	ip netns add "$nc"
	ip netns add "$ns"
	ip link add "$vc" type veth peer name "$vs"
	ip link set "$vc" netns "$nc"
	ip link set "$vs" netns "$ns"
	ip -n "$nc" link set "$vc" address "$mac:01"
	ip -n "$ns" link set "$vs" address "$mac:02"
	ip -n "$nc" addr add "$caddr" dev "$vc"
	ip -n "$ns" addr add "$saddr" dev "$vs"
	for pair in "$nc $vc" "$ns $vs"; do
		set -- $pair
		ip -n "$1" link set lo up
		# shellcheck disable=SC2086 # the offload list is words
		ip netns exec "$1" ethtool -K "$2" $NETNS_OFFLOADS >/dev/null 2>&1 || true
		ip -n "$1" link set "$2" up
	done
}

# netns_del NS...: deletes the namespaces (and with them their veth ends);
# quiet and never failing, for cleanup traps.
netns_del() {
	local n
	for n in "$@"; do ip netns del "$n" 2>/dev/null; done
	return 0
}

# netns_cap_start NS DEV PCAP LOG FILTER...: tcpdump on DEV in NS, writing
# PCAP, its messages in LOG; returns once it listens (its pid in CAP), or 1
# when it did not start.
netns_cap_start() {
	local ns=$1 dev=$2 pcap=$3 log=$4
	shift 4
	ip netns exec "$ns" tcpdump -U --immediate-mode -n -Z root -s 0 -i "$dev" \
		-w "$pcap" "$@" 2>"$log" &
	CAP=$!
	netns_wait_log "$log" "listening on" 100
}

# netns_wait_log LOG TEXT [TRIES]: until TEXT appears in LOG (a capturing
# tool saying it listens), 50 ms apart; 1 after TRIES (default 200).
netns_wait_log() {
	local n
	for n in $(seq "${3:-200}"); do
		grep -qs "$2" "$1" && return 0
		sleep 0.05
	done
	return 1
}

# netns_cleanup NS...: a capture script's EXIT trap (trap 'netns_cleanup
# "$NC" "$NS"' EXIT).  Ends its background jobs ($pids), deletes the
# namespaces, on failure shows the logs of the step that failed ($CUR, in
# $W/log), removes the work directory $W and exits with the script's status.
netns_cleanup() {
	local rc=$? p
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	netns_del "$@"
	if [ "$rc" != 0 ]; then
		echo "$(basename "$0"): failed while making '$CUR'; logs:" >&2
		tail -n 20 "$W"/log/"$CUR".* >&2 2>/dev/null
	fi
	rm -rf "$W"
	exit "$rc"
}

# ---- the steps every capture script repeats.  They use the script's $W
# (work directory, logs in $W/log), $CUR (the capture being made), pids (its
# background jobs) and die (its error exit).

# netns_capture NS DEV PCAP TCPDUMP-ARGS...: netns_cap_start with its log in
# $W/log/$CUR.tcpdump and its pid in pids; dies when it does not start.
# TCPDUMP-ARGS are the filter, after any extra options (-y LINUX_SLL).
netns_capture() {
	local ns=$1 dev=$2 pcap=$3
	shift 3
	netns_cap_start "$ns" "$dev" "$pcap" "$W/log/$CUR.tcpdump" "$@" ||
		{ pids+=("$CAP"); die "tcpdump did not start"; }
	pids+=("$CAP")
}

# netns_capture_stop PCAP: the last packets in flight, then stops the
# tcpdump of netns_capture; dies when PCAP is empty.
netns_capture_stop() {
	sleep 0.3
	kill -INT "$CAP" 2>/dev/null || true
	wait "$CAP" 2>/dev/null || true
	[ -s "$1" ] || die "empty capture"
}

# netns_keylog_start NS DEV NAME: the capture NAME ($CUR) of a client
# that writes its key log to $W/NAME.keylog, recorded on DEV in NS.
netns_keylog_start() {
	CUR=$3
	netns_capture "$1" "$2" "$W/$CUR.pcap" tcp
}

# netns_keylog_stop: stops it; dies without a key log; copies both files
# to $W/out.
netns_keylog_stop() {
	netns_capture_stop "$W/$CUR.pcap"
	[ -s "$W/$CUR.keylog" ] || die "no key log"
	cp "$W/$CUR.pcap" "$W/out/$CUR.pcap"
	cp "$W/$CUR.keylog" "$W/out/$CUR.keylog"
}

# netns_listen NS PORT [t|u]: waits up to 10 s for a TCP (t, the default)
# or UDP (u) socket listening on PORT in NS; dies otherwise.
netns_listen() {
	local ns=$1 port=$2 proto=${3:-t}
	for _ in $(seq 200); do
		[ -n "$(ip netns exec "$ns" ss -Hl"$proto"n "sport = :$port")" ] && return 0
		sleep 0.05
	done
	die "nothing listens on port $port"
}

# netns_srv NS PORT t|u CMD...: CMD in NS in the background (input
# /dev/null, output to $W/log/$CUR.srv), its pid in SRV and pids; returns
# once it listens on TCP (t) or UDP (u) PORT.
netns_srv() {
	local ns=$1 port=$2 proto=$3
	shift 3
	ip netns exec "$ns" "$@" >>"$W/log/$CUR.srv" 2>&1 </dev/null &
	SRV=$!
	pids+=("$SRV")
	netns_listen "$ns" "$port" "$proto"
}

# netns_srv_stop: ends the server of netns_srv.
netns_srv_stop() {
	kill "$SRV" 2>/dev/null || true
	wait "$SRV" 2>/dev/null || true
}

# netns_cli NS HOLD CMD...: CMD in NS (at most 20 s, output to
# $W/log/$CUR.cli) sends one line, waits HOLD seconds reading what the
# server sends, then sees end of input.  Never fails.
netns_cli() {
	local ns=$1 hold=$2
	shift 2
	{ printf 'hello tlstap\n'; sleep "$hold"; } |
		timeout 20 ip netns exec "$ns" "$@" >>"$W/log/$CUR.cli" 2>&1 || true
}

# netns_workdir DIR...: the script's work directory W (its logs in $W/log,
# then each DIR below it), no background jobs yet (pids), CUR=setup.
netns_workdir() {
	local d
	W=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
	mkdir -p "$W/log"
	for d in "$@"; do mkdir -p "$W/$d"; done
	pids=()
	CUR=setup
}

# netns_begin NAME DIR... [-- CMD...]: netns_need CMD...; then a run's
# names and work directory: namespaces NC=NAMEc<tag> and NS=NAMEs<tag>,
# veths VC and VS (the first three letters of NAME, so that they fit
# IFNAMSIZ), tag from the PID; netns_workdir DIR...; netns_traps for both
# namespaces.
netns_begin() {
	local name=$1 dirs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do dirs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	netns_need "$@"
	tag=$(( $$ % 100000 ))
	NC=${name}c$tag NS=${name}s$tag VC=${name:0:3}c$tag VS=${name:0:3}s$tag
	netns_workdir "${dirs[@]}"
	netns_traps "$NC" "$NS"
}

# netns_traps NS...: netns_cleanup of those namespaces on exit; SIGINT and
# SIGTERM exit through it.
netns_traps() {
	# shellcheck disable=SC2064 # the names are fixed now
	trap "netns_cleanup $*" EXIT
	trap 'exit 130' INT TERM
}

# die MESSAGE: the capture being made ($CUR) failed; exits through the traps.
die() {
	echo "$(basename "$0"): $CUR: $*" >&2
	exit 1
}

# ---- test certificates, in $C (the script's certificate directory)

# netns_ca NAME SUBJECT: a self-signed RSA CA, $C/NAME.pem and $C/NAME.key.
netns_ca() {
	openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$C/$1.key" -out "$C/$1.pem" \
		-days 3650 -sha256 -subj "$2" \
		-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# netns_cert NAME SUBJECT EXT [ISSUER [KEYALG]]: $C/NAME.pem and .key, a
# certificate with the extensions EXT (printf %b text), a random serial and
# ten years of validity, from the CA $C/ISSUER (default ca), key KEYALG
# (default rsa:2048).
netns_cert() {
	local name=$1 subj=$2 ext=$3 issuer=${4:-ca} alg=${5:-rsa:2048}
	openssl req -new -newkey "$alg" -nodes -keyout "$C/$name.key" -subj "$subj" \
		-out "$C/$name.csr" 2>/dev/null
	printf '%b' "$ext" >"$C/$name.ext"
	openssl x509 -req -in "$C/$name.csr" -CA "$C/$issuer.pem" -CAkey "$C/$issuer.key" \
		-set_serial "0x$(openssl rand -hex 8)" -days 3650 -sha256 \
		-extfile "$C/$name.ext" -out "$C/$name.pem" 2>/dev/null
}
