#!/usr/bin/env python3
"""The logrotate snippet (doc/tlstap.logrotate) run for real with
`logrotate -f` while tlstap writes (issue 22).

tlstap reads a capture from a pipe that the test feeds slowly: rounds of
pcaps/multi_session.pcap, each shifted 10 s later in packet time (past the closed timeout), so
every round's records have their own @timestamp.  Halfway, the snippet,
with its path pointed at the temp dir and its postrotate's `systemctl kill`
replaced by `kill -HUP PID` (the rest as shipped: compress, delaycompress,
notifempty, sharedscripts), rotates the file; then the rest is fed.

Checks: the file was rotated (FILE.1 exists, delaycompress leaves it
plain); records of the rounds fed after the rotation are in the new file;
the session records of both files together are exactly those of one run
over the whole stream: none lost, none written twice.
usage: logrotate_test.py TLSTAP
"""
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_ROUNDS = 2000
AFTER = 30


def rounds(path, n):
    """The global header and a function giving round r of the capture's
    packets, shifted."""
    d = open(path, "rb").read()
    if d[:4] != b"\xd4\xc3\xb2\xa1":
        sys.exit("expected a little-endian microsecond pcap")
    pkts, off = [], 24
    while off + 16 <= len(d):
        sec, usec, incl, orig = struct.unpack_from("<IIII", d, off)
        pkts.append((sec, usec, incl, orig, d[off + 16:off + 16 + incl]))
        off += 16 + incl
    def chunk(r):
        return b"".join(struct.pack("<IIII", sec + 10 * r, usec, incl, orig) + data
                        for sec, usec, incl, orig, data in pkts)
    return d[:24], chunk


def min_ts(head, chunk, r):
    """@timestamp text of round r's first packet (records of later rounds
    are stamped at or after it)."""
    sec, usec = struct.unpack_from("<II", chunk(r), 0)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)) + ".%06dZ" % usec


def sessions(lines):
    return sorted(l for l in lines if json.loads(l)["event"]["dataset"] == "tlstap.session")


def main():
    exe = os.path.abspath(sys.argv[1])
    if not shutil.which("logrotate"):
        print("logrotate not installed: skipped")
        return 77
    head, chunk = rounds(os.path.join(TOP, "pcaps", "multi_session.pcap"), MAX_ROUNDS)
    with tempfile.TemporaryDirectory() as d:
        logdir = os.path.join(d, "log")
        os.mkdir(logdir, 0o700)
        out = os.path.join(logdir, "tlstap.ndjson")
        p = subprocess.Popen([exe, "-r", "-", "-o", out, "--no-stats"], stdin=subprocess.PIPE)
        conf = open(os.path.join(TOP, "doc", "tlstap.logrotate")).read()
        conf = conf.replace("/var/log/tlstap/", logdir + "/")
        lines = conf.splitlines()
        i = next(k for k, l in enumerate(lines) if "postrotate" in l)
        if "systemctl kill" not in lines[i + 1] or "--signal=HUP" not in lines[i + 1]:
            sys.exit("the snippet's postrotate is not the expected systemctl kill")
        lines[i + 1] = "\t\tkill -HUP %d" % p.pid
        cfg = os.path.join(d, "tlstap.logrotate")
        open(cfg, "w").write("\n".join(lines) + "\n")

        p.stdin.write(head)
        # Offline, records reach the file a buffer (1 MiB) at a time: feed
        # rounds until the first buffer is on disk (notifempty would skip
        # an empty file), then rotate.
        fed = 0
        while fed < MAX_ROUNDS and (not os.path.exists(out) or os.path.getsize(out) == 0):
            p.stdin.write(chunk(fed))
            p.stdin.flush()
            fed += 1
            if fed % 20 == 0:
                time.sleep(0.05)
        time.sleep(0.2)
        r = subprocess.run(["logrotate", "-f", "-s", os.path.join(d, "state"), cfg],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print("FAIL: logrotate -f: exit %d: %s" % (r.returncode, r.stderr))
            p.kill()
            return 1
        time.sleep(0.2)
        before = fed
        for _ in range(AFTER):
            p.stdin.write(chunk(fed))
            p.stdin.flush()
            fed += 1
            time.sleep(0.01)
        p.stdin.close()
        rc = p.wait(timeout=60)
        ref = subprocess.run([exe, "-r", "-", "--no-stats"],
                             input=head + b"".join(chunk(r) for r in range(fed)),
                             capture_output=True, check=True).stdout.decode().splitlines()
        want = sessions(ref)
        old_path = out + ".1"
        fails = []
        if rc != 0:
            fails.append("tlstap exited %d" % rc)
        if not os.path.exists(old_path):
            fails.append("no %s after logrotate -f: %s" % (old_path, os.listdir(logdir)))
            old = []
        else:
            old = open(old_path).read().splitlines()
        new = open(out).read().splitlines() if os.path.exists(out) else []
        got = sessions(old + new)
        if got != want:
            lost = len(set(want) - set(got))
            dup = len(got) - len(set(got))
            fails.append("%d records in both files, %d expected: %d lost, %d duplicated"
                         % (len(got), len(want), lost, dup))
        t_after = min_ts(head, chunk, before)
        if any(json.loads(l)["@timestamp"] >= t_after for l in sessions(old)):
            fails.append("records of rounds fed after the rotation went to the rotated file")
        if not any(json.loads(l)["@timestamp"] >= t_after for l in sessions(new)):
            fails.append("no record of the rounds fed after the rotation in the new file")
        if not sessions(new) or not sessions(old):
            fails.append("old file %d records, new file %d: the reopen did not split them"
                         % (len(sessions(old)), len(sessions(new))))
        for f in fails:
            print("FAIL:", f)
        print("%d rounds (%d before the rotation), %d session records: %d in the rotated "
              "file, %d in the new one" % (fed, before, len(want), len(sessions(old)),
                                          len(sessions(new))))
        return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
