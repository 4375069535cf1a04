#!/usr/bin/python3
"""The end-of-run counts of findings agree with the records: tlstap reads
every capture of pcaps/findings/ in one run, and the final tlstap.stats
record must count, per code, the sessions whose tls.findings hold it, and
per severity the sessions whose most severe finding has it.

  findings_stats_test.py TLSTAP
"""
import collections
import glob
import json
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORDER = ["info", "low", "medium", "high"]


def main():
    caps = sorted(glob.glob(os.path.join(TOP, "pcaps", "findings", "*.pcap")))
    if not caps:
        sys.exit("findings_stats_test: no captures in pcaps/findings/")
    cmd = [os.path.abspath(sys.argv[1]), "--ca-file",
           os.path.join(TOP, "tests", "certs-pcap", "findings-ca.pem")]
    for c in caps:
        cmd += ["-r", c]
    p = subprocess.run(cmd, capture_output=True, timeout=120)
    if p.returncode != 0:
        sys.exit("findings_stats_test: tlstap exit %d: %s" % (p.returncode, p.stderr.decode()))
    recs = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
    stats = [r for r in recs if r["event"]["dataset"] == "tlstap.stats"][-1]["tlstap"]["stats"]
    by_code, by_sev, sessions = collections.Counter(), collections.Counter(), 0
    for r in recs:
        if r["event"]["dataset"] != "tlstap.session" or "tls" not in r:
            continue
        f = r["tls"].get("findings")
        if f is None:
            sys.exit("findings_stats_test: a TLS session record without tls.findings")
        if f:
            sessions += 1
            by_sev[max((x["severity"] for x in f), key=ORDER.index)] += 1
            for code in {x["code"] for x in f}:
                by_code[code] += 1
    want = {"sessions": sessions, "by_severity": {s: by_sev[s] for s in reversed(ORDER)},
            "by_code": dict(by_code)}
    got = stats["findings"]
    if got != want:
        sys.exit("findings_stats_test: stats %s, records say %s" % (json.dumps(got), json.dumps(want)))
    if len(by_code) < 30:
        sys.exit("findings_stats_test: only %d codes in pcaps/findings/" % len(by_code))
    print("findings_stats_test: %d sessions with findings, %d codes, counts agree" %
          (sessions, len(by_code)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
