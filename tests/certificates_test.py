#!/usr/bin/env python3
"""--certificates once|leaf|chain|none over every capture in pcaps/ that has
certificates, read in one run (so certificates recur across sessions and
files), with one thread and with worker threads.

Checks, per mode:
  - once: every certificate a session refers to (tls.*.chain[].hash.sha256)
    has its tlstap.x509 record earlier in the output; each is written once;
    the final stats count them; the set of x509 records is the same with
    --threads 3 as with one thread, and the sessions are the same
    as in full mode but for their certificate members.
  - leaf / chain / none: the members README describes, nothing else of
    the session changes (compared with full mode).
usage: certificates_test.py TLSTAP
"""
import json
import os
import subprocess
import sys

from failures import finish as failures_finish

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CERT_KEYS = ("x509", "chain")


def run(exe, pcaps, *args):
    cmd = [exe]
    for p in pcaps:
        cmd += ["-r", p]
    out = subprocess.run(cmd + list(args), capture_output=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines()]


def sides(rec):
    tls = rec.get("tls", {})
    return [tls[k] for k in ("client", "server") if k in tls]


def strip(rec):
    """The session without the members --certificates changes."""
    rec = json.loads(json.dumps(rec))
    for side in sides(rec):
        for k in CERT_KEYS:
            side.pop(k, None)
    return rec


def key(rec):
    return (rec["@timestamp"], rec["source"]["port"], rec["destination"]["port"],
            rec.get("log", {}).get("file", {}).get("path"))


def sessions(recs):
    return sorted((r for r in recs if r["event"]["dataset"] == "tlstap.session"), key=key)


def check_once(recs, full, failures, label):
    seen = set()
    for r in recs:
        ds = r["event"]["dataset"]
        if ds == "tlstap.x509":
            h = r["x509"]["hash"]["sha256"]
            if h in seen:
                failures.append(f"{label}: certificate {h} written twice")
            seen.add(h)
        elif ds == "tlstap.session":
            for side in sides(r):
                if "x509" in side:
                    failures.append(f"{label}: a session carries an x509 object")
                for c in side.get("chain", []):
                    if set(c) != {"hash"} or c["hash"]["sha256"] not in seen:
                        failures.append(f"{label}: chain entry {c} has no earlier x509 record")
        elif ds == "tlstap.stats" and r["tlstap"]["stats"]["final"]:
            n = r["tlstap"]["stats"]["x509_records"]["written"]
            if n != len(seen):
                failures.append(f"{label}: stats say {n} x509 records, {len(seen)} written")
    # Every certificate of the full output has its record, none more.
    want = {c["hash"]["sha256"] for r in full for s in sides(r) for c in s.get("chain", [])}
    if want != seen:
        failures.append(f"{label}: x509 records {len(seen)}, distinct certificates {len(want)}")
    return seen


def check_reduced(mode, recs, full, failures):
    for r, f in zip(sessions(recs), sessions(full)):
        if strip(r) != strip(f):
            failures.append(f"{mode}: session {key(r)} differs beyond its certificates")
        for s, fs in zip(sides(r), sides(f)):
            fchain = [c["hash"]["sha256"] for c in fs.get("chain", [])]
            chain = [c["hash"]["sha256"] for c in s.get("chain", [])]
            if mode == "none" and "chain" in s:
                failures.append(f"{mode}: a chain is written")
            if mode in ("leaf", "chain") and chain != fchain:
                failures.append(f"{mode}: chain hashes {chain} != {fchain}")
            if mode != "leaf" and "x509" in s:
                failures.append(f"{mode}: an x509 object is written")
            if mode == "leaf" and s.get("x509") != fs.get("x509"):
                failures.append(f"{mode}: the leaf's x509 differs from full mode")
            if any(set(c) != {"hash"} for c in s.get("chain", [])):
                failures.append(f"{mode}: a chain entry is more than its hash")


def main():
    exe = sys.argv[1]
    pdir = os.path.join(TOP, "pcaps")
    pcaps = sorted(os.path.join(pdir, f) for f in os.listdir(pdir)
                   if f.startswith(("tls12_", "tls13_", "multi_session", "ecdsa", "dtls12_")))
    full = [r for r in run(exe, pcaps, "--no-stats") if r["event"]["dataset"] == "tlstap.session"]
    if sum(1 for r in full for s in sides(r) if s.get("chain")) < 10:
        sys.exit("too few sessions with certificates to test")
    failures = []
    once1 = run(exe, pcaps, "--certificates", "once")
    seen1 = check_once(once1, full, failures, "once")
    once3 = run(exe, pcaps, "--certificates", "once", "--threads", "3")
    seen3 = check_once(once3, full, failures, "once --threads 3")
    if seen1 != seen3:
        failures.append("once: different certificates with --threads 3")
    check_reduced("once", once1, full, failures)
    for mode in ("leaf", "chain", "none"):
        check_reduced(mode, run(exe, pcaps, "--no-stats", "--certificates", mode), full, failures)
    r = subprocess.run([exe, "-r", pcaps[0], "--certificates", "some"], capture_output=True)
    if r.returncode != 1 or b"--certificates takes" not in r.stderr:
        failures.append("an unknown --certificates mode is not refused")
    failures_finish(failures, f"{len(full)} sessions, {len(seen1)} distinct certificates", 20)


if __name__ == "__main__":
    main()
