#!/bin/bash
# Live capture, end to end (issue 7): two network namespaces joined by a veth
# pair, openssl s_server in one and s_client in the other.  tlstap captures on
# the client's veth, drops root to nobody, and must:
#   - write the record of a TLS 1.2 and of a TLS 1.3 handshake within one
#     second of the handshake, while the connections are still open;
#   - reopen its output on SIGHUP (logrotate) without losing a record;
#   - on SIGTERM, flush the unfinished session and a final stats record, exit 0.
# Needs root (namespaces); exits 77 (meson: skipped) without it.
#   live_test.sh TLSTAP [EXTRA-ARGS]    e.g. "--threads 2"
set -euo pipefail
TLSTAP=$(readlink -f "$1")
read -r -a EXTRA <<< "${2:-}"
[ "$(id -u)" = 0 ] || { echo "skipped: needs root for network namespaces"; exit 77; }
command -v openssl >/dev/null || { echo "skipped: openssl missing"; exit 77; }

tag=$$
cns=ttlc$tag sns=ttls$tag cif=ttc$tag sif=tts$tag
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	ip netns del "$cns" 2>/dev/null || true
	ip netns del "$sns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- records:"; cat "$work"/out* 2>/dev/null || true; echo "--- tlstap stderr:"; cat "$work/err" || true; exit 1; }

ip netns add "$cns"
ip netns add "$sns"
ip link add "$cif" type veth peer name "$sif"
ip link set "$cif" netns "$cns"
ip link set "$sif" netns "$sns"
ip -n "$cns" addr add 10.77.0.1/24 dev "$cif"
ip -n "$sns" addr add 10.77.0.2/24 dev "$sif"
for n in "$cns" "$sns"; do ip -n "$n" link set lo up; done
ip -n "$cns" link set "$cif" up
ip -n "$sns" link set "$sif" up

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=live.tlstap.test -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
chmod 0755 "$work"
chown nobody "$work"     # tlstap runs as nobody after -Z and reopens here

ip netns exec "$sns" openssl s_server -quiet -accept 4433 -cert "$work/cert.pem" \
	-key "$work/key.pem" >/dev/null 2>&1 &
pids+=($!)
# A server that accepts and never answers: the session stays unfinished.
ip netns exec "$sns" /usr/bin/python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.2", 4444)); s.listen(4)
c, _ = s.accept(); time.sleep(60)' &
pids+=($!)

ip netns exec "$cns" "$TLSTAP" "${EXTRA[@]}" -i "$cif" -f tcp -Z nobody -o "$work/out.ndjson" --stats-interval 1 \
	2>"$work/err" &
tpid=$!
pids+=($tpid)
for _ in $(seq 50); do grep -q "capturing on" "$work/err" && break; sleep 0.1; done
grep -q "dropped privileges to user nobody" "$work/err" || fail "no privilege drop message"
[ "$(stat -c %a "$work/out.ndjson")" = 640 ] || fail "output file mode is not 0640"

# count_version FILE VERSION: records of that negotiated version in FILE.
count_version() {
	/usr/bin/python3 -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("event", {}).get("dataset") == "tlstap.session" and r.get("tls", {}).get("version") == sys.argv[2] and r["tls"].get("established"):
        n += 1
print(n)' "$1" "$2" 2>/dev/null || echo 0
}

# handshake VERSION_FLAG: a client that completes the handshake, sends a
# line and keeps the connection open for 4 s; returns at once.
handshake() {
	( (printf 'hello\n'; sleep 4) | ip netns exec "$cns" openssl s_client -quiet \
		-connect 10.77.0.2:4433 -servername live.tlstap.test "$1" >/dev/null 2>&1 ) &
	pids+=($!)
}

# wait_record FILE VERSION WANT: the WANT-th record of VERSION within 1 s.
wait_record() {
	local t0 now
	t0=$(date +%s%N)
	while :; do
		[ "$(count_version "$1" "$2")" -ge "$3" ] && break
		now=$(date +%s%N)
		# Allow the client's own start-up (about 0.2 s) on top of the one second.
		[ $(( (now - t0) / 1000000 )) -le 1500 ] || fail "no TLS $2 record within a second"
		sleep 0.05
	done
	echo "TLS $2 record after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

handshake -tls1_2
wait_record "$work/out.ndjson" 1.2 1
handshake -tls1_3
wait_record "$work/out.ndjson" 1.3 1

# Rotation: move the file away, SIGHUP, and the next record lands in a new file.
mv "$work/out.ndjson" "$work/out.ndjson.1"
kill -HUP "$tpid"
sleep 0.3
handshake -tls1_3
for _ in $(seq 30); do [ -s "$work/out.ndjson" ] && break; sleep 0.05; done
wait_record "$work/out.ndjson" 1.3 1
[ "$(count_version "$work/out.ndjson.1" 1.2)" = 1 ] || fail "rotated file lost the TLS 1.2 record"
[ "$(count_version "$work/out.ndjson.1" 1.3)" = 1 ] || fail "rotated file lost the TLS 1.3 record"

# An unfinished session, then SIGTERM: flushed, final stats, exit 0.
( ip netns exec "$cns" timeout 10 openssl s_client -connect 10.77.0.2:4444 \
	-servername never.tlstap.test </dev/null >/dev/null 2>&1 ) &
pids+=($!)
sleep 1
kill -TERM "$tpid"
rc=0
wait "$tpid" || rc=$?
[ "$rc" = 0 ] || fail "tlstap exited $rc after SIGTERM"
/usr/bin/python3 - "$work/out.ndjson" "$cif" <<'PY' || fail "SIGTERM did not flush"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pending = [r for r in recs if r["event"]["dataset"] == "tlstap.session"
           and r.get("tls", {}).get("client", {}).get("server_name") == "never.tlstap.test"]
stats = [r for r in recs if r["event"]["dataset"] == "tlstap.stats"]
assert len(pending) == 1, "unfinished session not flushed"
assert pending[0]["tls"]["established"] is False
assert stats and stats[-1]["tlstap"]["stats"]["final"] is True, "no final stats"
print("flushed on SIGTERM: outcome", pending[0]["tls"].get("outcome"))
ifs = {r.get("observer", {}).get("ingress", {}).get("interface", {}).get("name") for r in recs}
assert ifs == {sys.argv[2]}, "observer.ingress.interface.name: %s" % ifs
print("every record names the capture interface", sys.argv[2])
beats = [r["tlstap"]["stats"] for r in stats if not r["tlstap"]["stats"]["final"]]
assert beats and all("pcap" in b for b in beats), "no periodic stats with libpcap counts"
print("%d periodic stats records, each with libpcap's counts" % len(beats))
PY
if [ -x /usr/bin/python3 ] && [ -f "$(dirname "$0")/../validate_records.py" ]; then
	cat "$work/out.ndjson.1" "$work/out.ndjson" | /usr/bin/python3 "$(dirname "$0")/../validate_records.py" - \
		|| fail "records do not match the schema"
fi
echo "live capture test passed"
