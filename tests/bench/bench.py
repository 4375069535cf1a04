#!/usr/bin/python3
"""Throughput benchmark: tlstap against the raw libpcap read loop (the floor)
on the same capture in the same run.

  bench.py [--runs N] [--threads 1,2,4] [--peers LIST] [--build DIR] CAPTURE...

For each capture, after one warm-up read (page cache), the floor and tlstap
(once per --threads value: 1 is the single-threaded default, 2 and more
worker threads) run in turn, N rounds (default 5).  Printed per capture and
thread count: median wall and CPU time, peak RSS (the largest of the
runs: it depends on how far the render thread fell behind), packets/s, Gbit/s,
sessions/s, and the median of the per-round ratios tlstap/floor (wall
time).  "x cores" divides tlstap's CPU time (all its threads, user and
system) by the floor's wall time times the cores this process may run on
(N): the ratio tlstap would reach if its work were spread evenly over
those cores, so the least wall-time ratio the machine allows for that much
work; wall ratios above it are threads waiting, not work.  "x reader"
is the reading thread's own CPU time (tlstap.stats.cpu.main_thread_ns)
over the floor's wall time: what the ratio would be if every other
thread had a core of its own, the least the one-thread design allows.

The floor is the plain libpcap loop (pcap_open_offline, pcap_next_ex);
tlstap reads through a 1 MiB stdio buffer instead of stdio's 4 KiB, so
the same loop with that buffer ("floor-1M", pcap_floor -b) is timed too
and tlstap's ratio to it printed as well.  tlstap writes its records to a
temporary file, so producing the output is part of what is measured.

Peers, timed in the same rounds against the same floor: `tcpdump -w
/dev/null` (copying every packet, every round) and, when installed, the
analyzers ndpiReader, ssldump and tshark (reading TLS fields), which are
10 to 200 times slower, so they run in the first --peer-runs rounds only
(default 1).  Their RSS is wait4's, which can include this script's
size from before the exec (an upper bound).
"""
import shutil
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench: %s failed (%d): %s" % (cmd[0], os.waitstatus_to_exitcode(status), err))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


def stats_of(path):
    """Sessions, packets, tlstap's own peak RSS (MiB, VmHWM from its final
    stats record: wait4's ru_maxrss would include this Python process's
    size from before the exec) and its reading thread's CPU seconds."""
    sessions = packets = 0
    rss = reader = 0.0
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            ds = r["event"]["dataset"]
            if ds == "tlstap.session":
                sessions += 1
            elif ds == "tlstap.stats":
                packets = r["tlstap"]["stats"]["packets"]
                rss = r["tlstap"]["stats"].get("peak_rss_bytes", 0) / 2**20
                reader = r["tlstap"]["stats"].get("cpu", {}).get("main_thread_ns", 0) / 1e9
    return sessions, packets, rss, reader


# name: (command before the capture, after it, runs every round)
PEERS = {
    "tcpdump": (["tcpdump", "-Z", "root", "-n", "-r"], ["-w", "/dev/null"], True),
    "ndpiReader": (["ndpiReader", "-q", "-i"], [], False),
    "ssldump": (["ssldump", "-n", "-r"], [], False),
    "tshark": (["tshark", "-n", "-r"], ["-Y", "tls.handshake.type == 1", "-T", "fields", "-e",
                                        "tls.handshake.extensions_server_name", "-e", "tls.handshake.ja3"],
               False),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--extra", default="", help="extra tlstap arguments")
    ap.add_argument("--threads", default="1,2,4", help="comma-separated --threads values")
    ap.add_argument("--peers", default="tcpdump,ndpiReader,ssldump,tshark",
                    help="comma-separated peers (those not installed are left out; '' for none)")
    ap.add_argument("--peer-runs", type=int, default=1, help="rounds in which the slow peers run")
    ap.add_argument("captures", nargs="+")
    a = ap.parse_args()
    peers = [p for p in a.peers.split(",") if p and shutil.which(PEERS[p][0][0])]
    peer_rows = []
    tlstap = os.path.join(a.build, "tlstap")
    floor = os.path.join(a.build, "pcap_floor")
    out = tempfile.NamedTemporaryFile(prefix="tlstap-bench-", suffix=".ndjson", delete=False).name
    rows = []
    cores = len(os.sched_getaffinity(0))
    for cap in a.captures:
        size = os.path.getsize(cap)
        with open(cap, "rb") as f:          # warm the page cache
            while f.read(1 << 24):
                pass
        threads = [int(t) for t in a.threads.split(",")]
        fl, fb = [], []
        tl = {t: [] for t in threads}
        ratios = {t: [] for t in threads}
        ratios_b = {t: [] for t in threads}
        ratios_c = {t: [] for t in threads}
        ratios_r = {t: [] for t in threads}
        seen = {}
        pt = {p: [] for p in peers}
        pr = {p: [] for p in peers}
        for rnd in range(a.runs):
            fl.append(run([floor, cap]))
            fb.append(run([floor, "-b", cap]))
            for p in peers:
                pre, post, every = PEERS[p]
                if every or rnd < a.peer_runs:
                    pt[p].append(run(pre + [cap] + post))
                    pr[p].append(pt[p][-1][0] / fl[-1][0])
            for t in threads:
                if os.path.exists(out):
                    os.unlink(out)
                tl[t].append(run([tlstap, "--threads", str(t), "-r", cap, "-o", out] +
                                 a.extra.split()))
                ratios[t].append(tl[t][-1][0] / fl[-1][0])
                ratios_b[t].append(tl[t][-1][0] / fb[-1][0])
                ratios_c[t].append(tl[t][-1][1] / (cores * fl[-1][0]))
                st = stats_of(out)
                if t in seen and seen[t][2] > st[2]:
                    st = (st[0], st[1], seen[t][2], st[3])
                seen[t] = st
                ratios_r[t].append(seen[t][3] / fl[-1][0])
        med = lambda xs, i: statistics.median(x[i] for x in xs)
        for t in threads:
            sessions, packets, rss, _ = seen[t]
            tw = med(tl[t], 0)
            rows.append(dict(capture="%s, %d thread%s" % (os.path.basename(cap), t, "s" * (t > 1)),
                             mb=size / 1e6, packets=packets,
                             sessions=sessions, floor_wall=med(fl, 0), floor_cpu=med(fl, 1),
                             wall=tw, cpu=med(tl[t], 1), rss=rss,
                             pps=packets / tw, gbps=size * 8 / tw / 1e9, sps=sessions / tw,
                             ratio=statistics.median(ratios[t]),
                             floor_b=med(fb, 0), ratio_b=statistics.median(ratios_b[t]),
                             ratio_c=statistics.median(ratios_c[t]),
                             ratio_r=statistics.median(ratios_r[t])))
        for p in peers:
            peer_rows.append((os.path.basename(cap), p, len(pt[p]), med(pt[p], 0), med(pt[p], 1),
                              max(x[2] for x in pt[p]), statistics.median(pr[p])))
    os.unlink(out)
    hdr = ("capture", "MB", "packets", "sessions", "floor s", "floor-1M s", "tlstap s", "cpu s",
           "RSS MiB", "Mpkt/s", "Gbit/s", "sess/s", "x floor", "x floor-1M", "x cores", "x reader")
    print(("%-32s" + " %10s" * (len(hdr) - 1)) % hdr)
    for r in rows:
        print("%-32s %10.1f %10d %10d %10.3f %10.3f %10.3f %10.3f %10.1f %10.2f %10.2f %10.0f %10.2f %10.2f %10.2f %10.2f" % (
            r["capture"], r["mb"], r["packets"], r["sessions"], r["floor_wall"], r["floor_b"],
            r["wall"], r["cpu"], r["rss"], r["pps"] / 1e6, r["gbps"], r["sps"], r["ratio"],
            r["ratio_b"], r["ratio_c"], r["ratio_r"]))
    print("(median of %d alternating runs each; x floor = median of per-run wall-time ratios;" % a.runs)
    print(" x cores = median of per-run CPU time / (floor wall time x %d cores): the least" % cores)
    print(" x floor this machine allows for the work tlstap did; x reader = the reading")
    print(" thread's CPU time / floor wall time: the least with a core for every other thread)")
    if peer_rows:
        print()
        print("%-32s %-12s %6s %10s %10s %10s %10s" % ("capture", "peer", "runs", "wall s", "cpu s",
                                                       "RSS MiB<=", "x floor"))
        for r in peer_rows:
            print("%-32s %-12s %6d %10.3f %10.3f %10.1f %10.2f" % r)


if __name__ == "__main__":
    main()
