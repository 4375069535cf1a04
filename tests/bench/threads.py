#!/usr/bin/python3
"""Which thread sets the pace?  CPU time per thread of one or two tlstap
binaries on the same capture, in alternating rounds.

  threads.py [--runs N] [--hz HZ] CAPTURE TLSTAP [TLSTAP2]

Each round runs each binary once under `perf record -e cpu-clock` (HZ
samples a second, default 10,000; records to a temporary file) and counts
the samples of each thread: the reading thread (the process's first, the
one that reads the capture), and all threads together.  Printed per binary:
the median and the minimum of the reading thread's milliseconds and the
median of all threads'; with two binaries, the median of the per-round
ratios second/first (rounds a few seconds apart see the same machine,
which on a shared VM moves by a fifth within minutes).

With one thread (the default) the reading thread's time is the run's wall
time, give or take the start and the end: a change that moves work to the
render thread shows here before it shows in a wall-clock benchmark.
Needs perf (linux-perf); sampling slows every thread a little.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile


def one_run(tlstap, cap, hz, data, out):
    """(reading thread ms, all threads ms) of one run."""
    if os.path.exists(out):
        os.unlink(out)
    subprocess.run(["perf", "record", "-q", "-F", str(hz), "-e", "cpu-clock", "-o", data,
                    tlstap, "-r", cap, "-o", out],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    rep = subprocess.run(["perf", "report", "-i", data, "-s", "pid", "--stdio", "-F", "sample,pid"],
                         capture_output=True, text=True, check=True).stdout
    rows = sorted((int(m.group(2)), int(m.group(1)))
                  for m in (re.match(r"\s*(\d+)\s+(\d+):", line) for line in rep.splitlines()) if m)
    if not rows:
        sys.exit("threads.py: perf recorded no samples")
    ms = 1000.0 / hz
    return rows[0][1] * ms, sum(n for _, n in rows) * ms


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--hz", type=int, default=10000)
    ap.add_argument("capture")
    ap.add_argument("tlstap", nargs="+")
    a = ap.parse_args()
    if len(a.tlstap) > 2:
        sys.exit("threads.py: one or two binaries")
    tmp = tempfile.mkdtemp(prefix="tlstap-threads-")
    data, out = os.path.join(tmp, "perf.data"), os.path.join(tmp, "out.ndjson")
    res = {b: [] for b in a.tlstap}
    try:
        for _ in range(a.runs):
            for b in a.tlstap:
                res[b].append(one_run(b, a.capture, a.hz, data, out))
    finally:
        for f in (data, out, data + ".old"):
            if os.path.exists(f):
                os.unlink(f)
        os.rmdir(tmp)
    for b in a.tlstap:
        print("%-40s reading thread %.1f ms median (min %.1f), all threads %.1f ms median" % (
            b, statistics.median(x[0] for x in res[b]), min(x[0] for x in res[b]),
            statistics.median(x[1] for x in res[b])))
    if len(a.tlstap) == 2:
        x, y = (res[b] for b in a.tlstap)
        print("second/first, median of %d paired rounds: reading thread %.3f, all threads %.3f" % (
            a.runs, statistics.median(q[0] / p[0] for p, q in zip(x, y)),
            statistics.median(q[1] / p[1] for p, q in zip(x, y))))


if __name__ == "__main__":
    main()
