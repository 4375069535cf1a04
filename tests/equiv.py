#!/usr/bin/python3
"""Options that must never change what tlstap reports.

  - the hello cache (src/fragcache.c): the fingerprint and list fields of a
    ClientHello seen before are spliced from it, so records must be
    byte-identical with the default cache, with a 1-slot cache that replaces
    entries all the time, and without it (--hello-cache 0);
  - worker threads (--threads N, src/workers.c): the same records, in
    another order, and the same final counters (periodic stats records on);
  - the render thread (src/render.c) off (--no-render-thread): the same
    records in the same order, the same final counters.

Runs over every capture in pcaps/ and, when it is there, every capture of
../shared/corpus.

  equiv.py TLSTAP
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CORPUS = os.path.join(os.path.dirname(TOP), "shared", "corpus")
EXTS = (".pcap", ".pcapng", ".cap")
# Counters that depend on the process, not on the traffic: memory, CPU time, and how
# the certificate caches were used (each worker has its own, so a
# certificate seen by two workers is parsed twice; every lookup is still
# either a parse or a hit, so that sum is compared).
PROCESS_STATS = ("peak_rss_bytes", "memory", "cpu")


def captures():
    for d in (os.path.join(TOP, "pcaps"), CORPUS):
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(EXTS):
                    yield os.path.join(root, f)


def run(tlstap, path, extra):
    # Periodic stats too: with workers they are summed at quiescent points,
    # and the final record counts them among the records written.
    p = subprocess.run([tlstap, "--stats-interval", "1", *extra, "-r", path],
                       capture_output=True, timeout=120)
    if p.returncode < 0:
        raise SystemExit("%s: tlstap %s killed by signal %d" % (path, " ".join(extra), -p.returncode))
    sessions, stats = [], None
    for line in p.stdout.splitlines():
        if b'"tlstap.stats"' in line[:200]:
            stats = json.loads(line)["tlstap"]["stats"]
            for k in PROCESS_STATS:
                stats.pop(k, None)
            c = stats.pop("certificates", {})
            stats["certificate_lookups"] = c.get("parsed", 0) + c.get("cache_hits", 0)
        else:
            sessions.append(line)
    return sessions, stats, p.returncode


def main():
    tlstap = sys.argv[1]
    n = bad = 0

    def differ(path, what):
        nonlocal bad
        print("%s: %s" % (path, what))
        bad += 1

    for path in captures():
        ref, ref_stats, ref_rc = run(tlstap, path, ["--hello-cache", "0"])
        for extra in (["--hello-cache", "1024"], ["--hello-cache", "1"]):
            got, _, _ = run(tlstap, path, extra)
            if got != ref:
                differ(path, "records differ with " + " ".join(extra))
        got, stats, rc = run(tlstap, path, ["--hello-cache", "0", "--no-render-thread"])
        if got != ref:
            differ(path, "records differ with --no-render-thread")
        if stats != ref_stats or rc != ref_rc:
            differ(path, "final counters or exit code differ with --no-render-thread")
        got, stats, rc = run(tlstap, path, ["--threads", "3"])
        if sorted(got) != sorted(ref):
            differ(path, "records differ with --threads 3")
        if stats != ref_stats:
            keys = sorted(k for k in set(stats or {}) | set(ref_stats or {})
                          if (stats or {}).get(k) != (ref_stats or {}).get(k))
            differ(path, "final counters differ with --threads 3: " + ", ".join(keys))
        if rc != ref_rc:
            differ(path, "exit code %d with --threads 3, %d without" % (rc, ref_rc))
        n += 1
    print("%d captures, %d differences" % (n, bad))
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
