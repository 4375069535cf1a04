#!/usr/bin/python3
"""Reassembly end to end (issue 3), through the real tlstap binary.

1. Equivalence: every committed perturbation of a real session that keeps
   the byte streams equal (pcaps/reasm_{seg1,tiny,reverse,shuffle,dup,
   overlap_equal,overlap_conflict,wrap}_*) gives the same TLS fields as the
   clean capture it came from; the ones that cannot (gap, midstream, one
   direction) report what happened (tcp_gap, midstream, incomplete).
2. Property: N (default 1,000) random re-segmentations, reorderings within a
   window and duplications of the real TLS 1.2 and 1.3 sessions (pcaptool's
   `mix`, seeded) give exactly the TLS fields of the clean capture.

  reasm_property.py TLSTAP [N]
"""
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import pcaptool  # noqa: E402

# Fields that describe the TLS session itself; transport facts (ports,
# counters, timing) and anomalies legitimately differ between perturbations.
# The timeline keeps its messages, sides and sizes; only its times (and the
# handshake's duration) move with the packets.  Its application_data entry
# is timing too: records that reassembly delivers at one moment form one
# flight (README "How a handshake is decided"), so a reordered capture can
# fold the client's first data record into its flight.
IGNORE = {"anomalies", "handshake_duration"}


def untimed(tls):
    if "handshake_timeline" in tls:
        tls["handshake_timeline"] = [{k: v for k, v in e.items() if k != "offset"}
                                     for e in tls["handshake_timeline"]
                                     if e.get("message") != "application_data"]
    return tls


def tls_of(tlstap, path):
    p = subprocess.run([tlstap, "--no-stats", "-r", path], capture_output=True, timeout=60)
    if p.returncode < 0:
        raise SystemExit("%s: tlstap killed by signal %d" % (path, -p.returncode))
    recs = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
    return [untimed({k: v for k, v in r.get("tls", {}).items() if k not in IGNORE})
            for r in recs]


def diff(a, b):
    keys = sorted(set(a) | set(b))
    return ["%s: %s != %s" % (k, json.dumps(a.get(k))[:80], json.dumps(b.get(k))[:80])
            for k in keys if a.get(k) != b.get(k)]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    tlstap = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    fails = 0
    base = {"tls12": os.path.join(TOP, "pcaps", "tls12_ecdhe_rsa.pcap"),
            "tls13": os.path.join(TOP, "pcaps", "tls13.pcap")}
    clean = {k: tls_of(tlstap, v) for k, v in base.items()}

    equal_kinds = ["seg1", "tiny", "reverse", "shuffle", "dup", "overlap_equal",
                   "overlap_conflict", "wrap"]
    for v in base:
        for kind in equal_kinds:
            path = os.path.join(TOP, "pcaps", "reasm_%s_%s.pcap" % (kind, v))
            got = tls_of(tlstap, path)
            if len(got) != 1 or diff(clean[v][0], got[0]):
                fails += 1
                print("FAIL %s: %s" % (os.path.basename(path),
                                       diff(clean[v][0], got[0]) if got else "no record"))
        # The ones that lose bytes must say so.
        expect = {"gap_cert": ("anomalies", "tcp_gap"), "midstream": ("anomalies", "midstream"),
                  "client_only": ("anomalies", "server_data_missing"),
                  "server_only": ("anomalies", "client_data_missing")}
        for kind, (field, want) in expect.items():
            path = os.path.join(TOP, "pcaps", "reasm_%s_%s.pcap" % (kind, v))
            p = subprocess.run([tlstap, "--no-stats", "-r", path], capture_output=True)
            recs = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
            vals = [r["tls"].get(field) for r in recs]
            ok = any((want in x) if isinstance(x, list) else x == want for x in vals)
            if not ok:
                fails += 1
                print("FAIL %s: expected %s %s, got %s" % (os.path.basename(path), field, want, vals))

    rng = random.Random(20261125)
    sessions = {v: pcaptool.load_session(path) for v, path in base.items()}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            v = "tls12" if i % 2 == 0 else "tls13"
            cap, pkts = sessions[v]
            out = os.path.join(tmp, "mix.pcap")
            pcaptool.save(out, cap, pcaptool.perturb("mix", pkts, rng))
            got = tls_of(tlstap, out)
            if len(got) != 1 or diff(clean[v][0], got[0]):
                fails += 1
                keep = os.path.join(tempfile.gettempdir(), "reasm_property_fail_%d.pcap" % i)
                os.replace(out, keep)
                print("FAIL mix #%d (%s, kept as %s): %s" % (i, v, keep,
                      diff(clean[v][0], got[0]) if got else "no record"))
                if fails > 10:
                    break
    print("%d equivalence checks, %d random re-segmentations, %d failures" %
          (2 * (len(equal_kinds) + 4), n, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
