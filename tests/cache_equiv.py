#!/usr/bin/python3
"""The hello cache never changes a record.

tlstap splices the fingerprint and list fields of a ClientHello it has seen
before from its hello cache (src/fragcache.c).  This runs tlstap over every
capture in pcaps/ and, when it is there, every capture of ../shared/corpus,
once with the cache (default size, and a 1-slot cache so that entries are
replaced all the time) and once without (--hello-cache 0), and requires
byte-identical session records.

  cache_equiv.py TLSTAP
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CORPUS = os.path.join(os.path.dirname(TOP), "shared", "corpus")
EXTS = (".pcap", ".pcapng", ".cap")


def captures():
    for d in (os.path.join(TOP, "pcaps"), CORPUS):
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(EXTS):
                    yield os.path.join(root, f)


def records(tlstap, path, extra):
    p = subprocess.run([tlstap, "--no-stats", *extra, "-r", path],
                       capture_output=True, timeout=120)
    if p.returncode < 0:
        raise SystemExit("%s: tlstap killed by signal %d" % (path, -p.returncode))
    return p.stdout


def main():
    tlstap = sys.argv[1]
    n = bad = 0
    for path in captures():
        ref = records(tlstap, path, ["--hello-cache", "0"])
        for extra in ([], ["--hello-cache", "1"]):
            if records(tlstap, path, extra) != ref:
                print("%s: records differ with %s" % (path, " ".join(extra) or "the default cache"))
                bad += 1
        n += 1
    print("%d captures, %d differences" % (n, bad))
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
