#!/bin/bash
# A key log that grows during live capture (issue 18): tlstap captures on a
# veth in a network namespace with --keylog naming a file that is empty when
# it starts; openssl s_server and s_client (both with -keylogfile, which
# appends) then run several sessions in sequence, each writing its secrets
# just before the packets that need them.  Every session's record must say
# it was decrypted (tls.decryption, the Finished messages read), without a
# decryption anomaly, and the final stats must count the lines read.  A
# last session whose secrets are appended only after its handshake is
# reported without them, with the anomaly keylog_secret_late.
# Needs root (namespaces); exits 77 (meson: skipped) without it.
#   keylog_follow_test.sh TLSTAP [EXTRA-ARGS]    e.g. "--threads 2"
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "skipped: needs root for network namespaces"; exit 77; }
command -v openssl >/dev/null || { echo "skipped: openssl missing"; exit 77; }
. "$(dirname "$0")/../netns.sh"
TLSTAP=$(readlink -f "$1")
read -r -a EXTRA <<< "${2:-}"

cns=kl2fc$$ sns=kl2fs$$ cif=kl2c$$
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	netns_del "$cns" "$sns"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	echo "--- records:"; cat "$work"/out.ndjson 2>/dev/null || true
	echo "--- tlstap stderr:"; cat "$work/err" || true
	exit 1
}

netns_pair "$cns" "$sns" "$cif" "kl2s$$" 02:00:0a:4e:00 10.78.0.1/24 10.78.0.2/24

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=follow.tlstap.test \
	-keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
: >"$work/keys.log"

ip netns exec "$sns" openssl s_server -quiet -accept 4433 -cert "$work/cert.pem" \
	-key "$work/key.pem" -keylogfile "$work/keys.log" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	[ -n "$(ip netns exec "$sns" ss -Hltn "sport = :4433")" ] && break
	sleep 0.05
done

# A second server that logs nothing and sends nothing unasked (no tickets,
# -rev: its input is not sent):
# its session's secrets reach the key log only after its records passed.
ip netns exec "$sns" openssl s_server -quiet -accept 4434 -cert "$work/cert.pem" \
	-key "$work/key.pem" -num_tickets 0 -rev >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	[ -n "$(ip netns exec "$sns" ss -Hltn "sport = :4434")" ] && break
	sleep 0.05
done

ip netns exec "$cns" "$TLSTAP" "${EXTRA[@]}" -i "$cif" -f tcp -o "$work/out.ndjson" \
	--keylog "$work/keys.log" 2>"$work/err" &
tpid=$!
pids+=($tpid)
for _ in $(seq 50); do grep -q "capturing on" "$work/err" && break; sleep 0.1; done
grep -q "capturing on" "$work/err" || fail "tlstap did not start"

# session ARGS: one client after the other, each a line and a short pause.
sessions=0
session() {
	{ printf 'hello\n'; sleep 0.5; } | timeout 10 ip netns exec "$cns" openssl s_client -quiet \
		-connect 10.78.0.2:4433 -servername follow.tlstap.test -keylogfile "$work/keys.log" \
		"$@" >/dev/null 2>&1 || true
	sessions=$((sessions + 1))
}
session -tls1_3
session -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
session -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
session -tls1_2 -cipher ECDHE-RSA-AES256-SHA
session -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
[ "$(grep -c . "$work/keys.log")" -ge 10 ] || fail "the key log did not grow"
# The late session: the client keeps its secrets in another file until the
# handshake is over, then they are appended; the record, written when the
# connection closes, must say they came too late.
{ sleep 1.5; } | timeout 10 ip netns exec "$cns" openssl s_client -tls1_3 \
	-connect 10.78.0.2:4434 -servername late.tlstap.test -keylogfile "$work/late.log" \
	>/dev/null 2>&1 &
late=$!
pids+=($late)
sleep 0.8
grep -q CLIENT_HANDSHAKE_TRAFFIC_SECRET "$work/late.log" || fail "no late key log"
cat "$work/late.log" >>"$work/keys.log"
wait "$late" || true
sessions=$((sessions + 1))
sleep 0.5
kill -TERM "$tpid"
rc=0
wait "$tpid" || rc=$?
[ "$rc" = 0 ] || fail "tlstap exited $rc after SIGTERM"

/usr/bin/python3 - "$work/out.ndjson" "$sessions" "$(grep -c . "$work/keys.log")" <<'PY' || fail "not every session was decrypted"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
want, lines = int(sys.argv[2]), int(sys.argv[3])
sess = [r for r in recs if r["event"]["dataset"] == "tlstap.session"]
assert len(sess) == want, "%d session records, %d sessions" % (len(sess), want)
late = [r for r in sess if r["tls"].get("client", {}).get("server_name") == "late.tlstap.test"]
assert len(late) == 1, "no record of the late session"
assert "keylog_secret_late" in late[0]["tls"].get("anomalies", []), late[0]
assert "decryption" not in late[0]["tls"], late[0]
print("late secrets: keylog_secret_late, not decrypted")
for r in sess:
    if r in late:
        continue
    t = r["tls"]
    name = "%s %s" % (t.get("version"), t.get("cipher"))
    dec = t.get("decryption")
    assert t.get("established"), name + ": not established"
    assert dec and dec["records"] >= 2, name + ": not decrypted (%s)" % dec
    bad = [a for a in t.get("anomalies", []) if "decrypt" in a or "keylog" in a]
    assert not bad, name + ": " + ", ".join(bad)
    msgs = t.get("handshake_messages", [])
    assert "client:finished" in msgs and "server:finished" in msgs, name + ": " + str(msgs)
    print("%s: decrypted, %d records, secrets %s" % (name, dec["records"], ",".join(dec["secrets"])))
st = [r for r in recs if r["event"]["dataset"] == "tlstap.stats"][-1]["tlstap"]["stats"]
d = st["decryption"]
assert d["keylog_lines"] == lines and d["keylog_bad_lines"] == 0, d
print("final stats: %d key log lines read" % d["keylog_lines"])
PY
if [ -f "$(dirname "$0")/../validate_records.py" ]; then
	/usr/bin/python3 "$(dirname "$0")/../validate_records.py" "$work/out.ndjson" ||
		fail "records do not match the schema"
fi
echo "key log follow test passed"
