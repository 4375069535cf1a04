#!/usr/bin/python3
"""Did a change make tlstap slower?  An older tlstap against the current one
on the same captures in the same run.

  versus.py [--ref REV | --old-build DIR] [--runs N] [--build DIR] CAPTURE...

REV (default a0e607f, the end of the first build-out, at which the issues
that later added tunnels, STARTTLS, DTLS/QUIC, decryption and the TCP
normalisation were measured) is checked out into a temporary git worktree
and built with the project's default (release) options; --old-build takes
the tlstap of an existing build directory instead (the same commit built
with other options, say -Dpgo=false).  For each capture,
after a warm-up read, the two binaries run alternately N rounds (default 5,
one thread, records to a temporary file).  Printed per capture: the
instructions each executed (with --instructions: user space, `perf
stat`, or valgrind where the CPU's counter is not available; one run
each), the median wall time of each,
the median of the per-round wall ratios new/old, the same for the reading
thread's CPU time (tlstap.stats.cpu.main_thread_ns), and the sessions each
reported.  Developer notes on the results: tests/bench/README.md.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (run, stats_of)

TOP = bench.TOP


def build_ref(rev, where):
    """Check REV out into WHERE (a git worktree) and build it; returns the
    path of its tlstap binary."""
    subprocess.run(["git", "-C", TOP, "worktree", "add", "--detach", "-q", where, rev], check=True)
    b = os.path.join(where, "build")
    subprocess.run(["meson", "setup", b, where], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", b, "tlstap"], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(b, "tlstap")


def instructions(cmd):
    """Instructions CMD executed (user space), or None when neither the
    CPU's counter (perf; virtual machines often lack it) nor valgrind is
    available.  Returns (count, how)."""
    if shutil.which("perf"):
        p = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u"] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in p.stderr.splitlines():
            f = line.split(",")
            if len(f) > 2 and f[2].startswith("instructions") and f[0].isdigit():
                return int(f[0]), "perf"
    if shutil.which("valgrind"):
        p = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                            "--cachegrind-out-file=/dev/null"] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in p.stderr.splitlines():
            if "I" in line and "refs:" in line:
                return int(line.split("refs:")[1].replace(",", "").strip()), "valgrind"
    return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default="a0e607f")
    ap.add_argument("--old-build", help="compare with this build directory's tlstap instead of --ref")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--instructions", action="store_true",
                    help="also count instructions (perf, else valgrind: 50x slower, use a slice)")
    ap.add_argument("captures", nargs="+")
    a = ap.parse_args()
    how = None
    new = os.path.join(a.build, "tlstap")
    tmp = tempfile.mkdtemp(prefix="tlstap-versus-")
    wt = os.path.join(tmp, "ref")
    out = os.path.join(tmp, "out.ndjson")
    try:
        old = os.path.join(a.old_build, "tlstap") if a.old_build else build_ref(a.ref, wt)
        rows = []
        for cap in a.captures:
            with open(cap, "rb") as f:
                while f.read(1 << 24):
                    pass
            cmds = {k: [b, "-r", cap, "-o", out] for k, b in (("old", old), ("new", new))}
            ins, wall, sess = {}, {"old": [], "new": []}, {}
            for k, c in cmds.items():
                if os.path.exists(out):
                    os.unlink(out)
                if a.instructions:
                    ins[k], how = instructions(c)
                else:
                    ins[k], how = None, None
            ratios, rratios = [], []
            for _ in range(a.runs):
                reader = {}
                for k, c in cmds.items():
                    if os.path.exists(out):
                        os.unlink(out)
                    wall[k].append(bench.run(c)[0])
                    st = bench.stats_of(out)
                    sess[k], reader[k] = st[0], st[3]
                ratios.append(wall["new"][-1] / wall["old"][-1])
                if reader["old"] and reader["new"]:
                    rratios.append(reader["new"] / reader["old"])
            rows.append((os.path.basename(cap), ins, {k: statistics.median(v) for k, v in wall.items()},
                         statistics.median(ratios), statistics.median(rratios) if rratios else None,
                         sess))
    finally:
        subprocess.run(["git", "-C", TOP, "worktree", "remove", "--force", wt],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)
    print("reference: %s; %d alternating runs each%s" % (a.old_build or a.ref, a.runs,
                                                        "; instructions by " + how if how else ""))
    print("%-28s %14s %14s %8s %9s %9s %8s %8s %9s %9s" % ("capture", "instr old", "instr new", "new/old",
                                                            "old s", "new s", "new/old", "reader", "sess old",
                                                            "sess new"))
    for name, ins, w, r, rr, s in rows:
        ir = "%8.3f" % (ins["new"] / ins["old"]) if ins["old"] and ins["new"] else "%8s" % "-"
        print("%-28s %14s %14s %s %9.3f %9.3f %8.3f %8s %9d %9d" % (
            name, ins["old"] or "-", ins["new"] or "-", ir, w["old"], w["new"], r,
            "%.3f" % rr if rr else "-", s["old"], s["new"]))


if __name__ == "__main__":
    main()
