#!/usr/bin/python3
"""How tlstap's cost grows with the number of concurrent connections
(README "Performance", issue 9).

  scale.py [--runs N] [--build DIR] [SIZES...]     default 10000 100000 1000000

For each size, gen.py builds (once, into tests/bench/data/) a capture in
which that many connections are open at the same time: every three-way
handshake first, then a keep-alive ACK on each, then every close.  tlstap
and the raw libpcap loop read it in turn N times (default 3); printed: the
median wall time per packet of each and tlstap's peak RSS (its VmHWM).
Then a SYN flood from 1,000,000 distinct sources under --max-flows 100000:
evictions and peak RSS, which must stay under 64 MiB.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")


def capture(kind, n):
    path = os.path.join(DATA, "%s-%d.pcap" % (kind, n))
    if not os.path.exists(path):
        os.makedirs(DATA, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), kind, str(n), path], check=True)
    return path


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("scale: %s failed (%d): %s" % (cmd[0], p.returncode, p.stderr.decode()))
    return wall, p.stdout


def final_stats(out):
    for line in out.splitlines():
        r = json.loads(line)
        if r["event"]["dataset"] == "tlstap.stats":
            return r["tlstap"]["stats"]
    return {}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("sizes", nargs="*", type=int, default=[10000, 100000, 1000000])
    a = ap.parse_args()
    tlstap = os.path.join(a.build, "tlstap")
    floor = os.path.join(a.build, "pcap_floor")

    print("%12s %10s %14s %14s %12s %14s" % ("connections", "packets", "tlstap ns/pkt",
                                             "floor ns/pkt", "RSS MiB", "bytes/conn"))
    for n in a.sizes:
        cap = capture("concurrent", n)
        tw, fw, st = [], [], {}
        for _ in range(a.runs):
            fw.append(timed([floor, cap])[0])
            w, out = timed([tlstap, "-r", cap])
            tw.append(w)
            st = final_stats(out)
        pk = st.get("packets", 1)
        rss = st.get("peak_rss_bytes", 0)
        print("%12d %10d %14.0f %14.0f %12.1f %14.0f" % (
            n, pk, statistics.median(tw) / pk * 1e9, statistics.median(fw) / pk * 1e9,
            rss / 2**20, rss / n))

    cap = capture("flood", 1000000)
    w, out = timed([tlstap, "--max-flows", "100000", "-r", cap])
    st = final_stats(out)
    rss = st.get("peak_rss_bytes", 0) / 2**20
    print("SYN flood, 1,000,000 sources, --max-flows 100000: %.2f s, %d flows evicted, "
          "peak RSS %.1f MiB (%s 64 MiB)" % (w, st["flows"]["evicted"], rss,
                                             "within" if rss <= 64 else "ABOVE"))
    return 0 if rss <= 64 else 1


if __name__ == "__main__":
    sys.exit(main())
