#!/usr/bin/python3
"""The command line habits of issue 21, through the binary.

  cli_test.py TLSTAP

Each check runs tlstap the way the README shows and looks at its records,
its exit code and its messages: captures as positional arguments,
directories in name order, wildcard patterns, gzip/zstd/xz captures, a
trailing BPF expression, pcapng key logs read in the same pass (from
standard input, compressed, in the middle of a file), -c, --duration, -q, -w, --report without a
browser, unit suffixes, repeated -o, --fanout's checks, a closed pipe, usage
exit codes, -V, and the heap on huge pages for long runs.
"""
import gzip
import json
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PCAPS = os.path.join(TOP, "pcaps")
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


def run(args, **kw):
    return subprocess.run([TLSTAP] + args, capture_output=True, timeout=120, cwd=TOP, **kw)


def records(p, dataset="tlstap.session"):
    out = []
    for line in p.stdout.decode().splitlines():
        r = json.loads(line)
        if r["event"]["dataset"] == dataset:
            out.append(r)
    return out


def snis(p):
    return [r.get("tls", {}).get("client", {}).get("server_name") for r in records(p)]


def zstd_frame(data):
    """A zstd frame (RFC 8878) of raw blocks: valid, made without a library."""
    out = bytearray(b"\x28\xb5\x2f\xfd")
    out += bytes([0xa0]) + struct.pack("<I", len(data))   # single segment, 4-byte size
    for off in range(0, max(len(data), 1), 100000):
        chunk = data[off:off + 100000]
        last = off + 100000 >= len(data)
        hdr = (len(chunk) << 3) | (0 << 1) | (1 if last else 0)
        out += struct.pack("<I", hdr)[:3] + chunk
    return bytes(out)


def positional(tmp):
    a, b = os.path.join(PCAPS, "tls13.pcap"), os.path.join(PCAPS, "tls12_ecdhe_rsa.pcap")
    p = run(["--no-stats", a, b])
    check(p.returncode == 0 and snis(p) == ["tls13.tlstap.test", "tls12-ecdhe-rsa.tlstap.test"],
          "two captures as positional arguments, read in order")
    # A directory: its files in name order (subdirectories where they fall).
    d = os.path.join(tmp, "dir")
    os.makedirs(os.path.join(d, "b_sub"))
    shutil.copy(b, os.path.join(d, "c.pcap"))
    shutil.copy(a, os.path.join(d, "a.pcap"))
    shutil.copy(os.path.join(PCAPS, "tls13_hrr.pcap"), os.path.join(d, "b_sub", "x.pcap"))
    open(os.path.join(d, ".hidden.pcap"), "wb").write(b"junk")
    p = run(["--no-stats", d])
    check(p.returncode == 0 and snis(p) == ["tls13.tlstap.test", "tls13-hrr.tlstap.test",
                                            "tls12-ecdhe-rsa.tlstap.test"],
          "a directory is read in name order, dot files skipped")
    # A pattern the shell did not expand (quoted).
    p = run(["--no-stats", os.path.join(d, "*.pcap")])
    check(p.returncode == 0 and len(records(p)) == 2, "a quoted wildcard pattern is expanded")
    p = run(["--no-stats", "-r", d])
    check(p.returncode == 0 and len(records(p)) == 3, "-r DIR works too")
    p = run(["--no-stats", os.path.join(tmp, "missing.pcap")])
    check(p.returncode == 1 and b"no such capture file" in p.stderr,
          "a capture name that is not there is a usage error, not a filter")


def compressed(tmp):
    src = os.path.join(PCAPS, "tls12_mutual.pcap")
    raw = open(src, "rb").read()
    # The same records, but for the file they name.
    def strip(out):
        return [dict(json.loads(l), log=None) for l in out.decode().splitlines()]
    want = strip(run(["--no-stats", src]).stdout)
    files = {
        "gz": gzip.compress(raw),
        "gz-members": gzip.compress(raw[:100]) + gzip.compress(raw[100:]),
        "xz": lzma.compress(raw),
        "zst": zstd_frame(raw),
    }
    if shutil.which("zstd"):
        files["zst-cli"] = subprocess.run(["zstd", "-q", "-c"], input=raw, capture_output=True).stdout
    for name, data in files.items():
        path = os.path.join(tmp, "cap." + name)   # the name says nothing: magic bytes decide
        open(path, "wb").write(data)
        p = run(["--no-stats", path])
        check(p.returncode == 0 and strip(p.stdout) == want and
              records(p)[0]["log"]["file"]["path"] == path, "%s capture read transparently" % name)
    ng = open(os.path.join(PCAPS, "pcapng_two_ifaces.pcapng"), "rb").read()
    path = os.path.join(tmp, "two.pcapng.zst")
    open(path, "wb").write(zstd_frame(ng))
    p = run(["--no-stats", path])
    names = sorted((r["log"]["file"]["path"], r["observer"]["ingress"]["interface"]["name"],
                    r["tls"]["client"]["server_name"]) for r in records(p))
    check(p.returncode == 0 and names == [(path, "if0", "pcapng-if0.tlstap.test"),
                                          (path, "if1", "pcapng-if1.tlstap.test")],
          "each record names its file and pcapng interface (compressed pcapng): %s" % names)
    p = run(["--no-stats", "--threads", "2", path, src])
    names = sorted((r["log"]["file"]["path"], r.get("observer", {}).get("ingress", {}).get(
        "interface", {}).get("name", "-")) for r in records(p))
    check(p.returncode == 0 and names == sorted([(path, "if0"), (path, "if1"), (src, "-")]),
          "... also with worker threads and several files")
    p = run(["--no-stats", "-r", "-"], input=gzip.compress(raw))
    check(p.returncode == 0 and strip(p.stdout) == want, "gzip on standard input")
    p = run(["--no-stats", "-r", "-"], input=raw)
    got = records(p)
    check(p.returncode == 0 and got and all("log" not in r for r in got) and
          [dict(r, log=None) for r in got] == [dict(r, log=None) for r in records(
              run(["--no-stats", src]))], "plain capture on standard input (no file named)")
    cut = os.path.join(tmp, "cut.gz")
    open(cut, "wb").write(gzip.compress(raw)[:-400])
    p = run(["--no-stats", cut])
    check(p.returncode == 2 and b"cut.gz" in p.stderr, "a cut gzip stream is a truncated capture (exit 2)")


def pcapng_blocks(data):
    """The blocks of a little-endian pcapng file, each as bytes."""
    out, off = [], 0
    while off < len(data):
        n = struct.unpack_from("<I", data, off + 4)[0]
        out.append(data[off:off + n])
        off += n
    return out


def filler_epb(n):
    """An Enhanced Packet Block of interface 0: an Ethernet frame of n bytes
    of a local experimental EtherType (nothing tlstap follows)."""
    frame = b"\x02" * 6 + b"\x04" * 6 + b"\x88\xb5" + b"\0" * (n - 14)
    body = struct.pack("<IIIII", 0, 0, 0, n, n) + frame + b"\0" * (-n % 4)
    return struct.pack("<II", 6, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))


def secrets_in_stream(tmp):
    """A pcapng file's Decryption Secrets Block is read in the same pass as
    its packets: from standard input and compressed files too, and in the
    middle of a file while worker threads are running."""
    src = os.path.join(PCAPS, "keylog_tls13_mutual_dsb.pcapng")
    ca = ["--no-stats", "--ca-file", os.path.join(TOP, "tests/certs-pcap/keylog-ca.pem")]
    raw = open(src, "rb").read()
    def strip(p):
        return sorted(json.dumps(dict(r, log=None), sort_keys=True) for r in records(p))
    want = strip(run(ca + [src]))
    check(want and all("decryption" in json.dumps(json.loads(r)) for r in want),
          "the secrets block's capture is decrypted")
    p = run(ca + ["-r", "-"], input=raw)
    check(p.returncode == 0 and strip(p) == want, "secrets block on standard input")
    path = os.path.join(tmp, "dsb.pcapng.xz")
    open(path, "wb").write(lzma.compress(raw))
    p = run(ca + ["--threads", "2", path])
    check(p.returncode == 0 and strip(p) == want, "secrets block in an xz capture, two threads")
    # Over 2 MiB of other packets first: the workers are busy when the
    # block streams past, well after the reader's first buffer.
    blocks = pcapng_blocks(raw)
    dsb = [b for b in blocks if struct.unpack_from("<I", b)[0] == 0x0A]
    rest = [b for b in blocks if struct.unpack_from("<I", b)[0] != 0x0A]
    mid = os.path.join(tmp, "mid.pcapng")
    open(mid, "wb").write(b"".join(rest[:2] + [filler_epb(1500)] * 1500 + dsb + rest[2:]))
    for threads in ("1", "3"):
        p = run(ca + ["--threads", threads, "-r", "-"], input=open(mid, "rb").read())
        check(p.returncode == 0 and strip(p) == want,
              "secrets block in the middle of a file, --threads %s" % threads)


def filters():
    multi = os.path.join(PCAPS, "multi_session.pcap")
    p = run(["--no-stats", multi, "tcp", "port", "8443"])
    check(p.returncode == 0 and snis(p) == ["multi-d.tlstap.test"],
          "a trailing BPF expression filters, as in tcpdump")
    p = run(["--no-stats", multi, "tcp port 8443"])
    check(p.returncode == 0 and snis(p) == ["multi-d.tlstap.test"], "... also as one word")
    p = run(["--no-stats", multi, "net 10.99.0.0/16 and port 8443"])
    check(p.returncode == 0 and snis(p) == ["multi-d.tlstap.test"], "... a quoted filter with a '/'")
    p = run(["--no-stats", multi, "tcp", "prot", "443"])
    check(p.returncode == 1 and b"bad filter" in p.stderr, "a bad filter is a usage error (1)")
    p = run(["--no-stats", "-f", "tcp", multi, "port", "443"])
    check(p.returncode == 1 and b"filter once" in p.stderr, "-f and a trailing expression: usage error")
    p = run(["--no-stats", "--ca-file", "/nonexistent/ca.pem", multi])
    check(p.returncode == 1 and b"--ca-file" in p.stderr, "a missing --ca-file is a usage error (1)")


def limits(tmp):
    multi = os.path.join(PCAPS, "multi_session.pcap")
    p = run(["-c", "5", multi])
    st = records(p, "tlstap.stats")
    check(p.returncode == 0 and st and st[-1]["tlstap"]["stats"]["packets"] == 5, "-c 5 reads 5 packets")
    p = run(["-c", "5", multi, multi])
    st = records(p, "tlstap.stats")
    check(p.returncode == 0 and st[-1]["tlstap"]["stats"]["packets"] == 5, "-c counts over all files")
    p = run(["--duration", "1s", multi])
    st = records(p, "tlstap.stats")
    all_p = records(run([multi]), "tlstap.stats")[-1]["tlstap"]["stats"]["packets"]
    n = st[-1]["tlstap"]["stats"]["packets"]
    check(p.returncode == 0 and 0 < n < all_p, "--duration 1s stops one second of packet time in (%d of %d)"
          % (n, all_p))
    p = run(["--duration", "0", multi])
    check(p.returncode == 1, "--duration 0 is a usage error")
    p = run(["--no-stats", "--reasm-memcap", "64M", "--session-memcap", "1G", "--reasm-limit", "256KiB",
             multi])
    check(p.returncode == 0, "sizes take unit suffixes (64M, 1G, 256KiB)")
    p = run(["--reasm-memcap", "64X", multi])
    check(p.returncode == 1 and b"--reasm-memcap" in p.stderr, "a bad unit is a usage error")
    for arg, want in (("512M", 512 << 20), ("2G", 2 << 30), (None, 256 << 20)):
        p = run((["--memcap", arg] if arg else []) + [multi])
        st = records(p, "tlstap.stats")
        got = st[-1]["tlstap"]["stats"]["memory"]["budget_bytes"] if st else None
        check(p.returncode == 0 and got == want, "--memcap %s: budget %s bytes" % (arg or "(default)", got))
    p = run(["--memcap", "1M", multi])
    check(p.returncode == 1 and b"--memcap" in p.stderr, "--memcap below 4 MiB is a usage error")
    out1, out2 = os.path.join(tmp, "o1.ndjson"), os.path.join(tmp, "o2.ndjson")
    p = run(["--no-stats", "-o", out1, "-o", out2, multi])
    check(p.returncode == 0 and b"warning: -o" in p.stderr and os.path.getsize(out2) > 0
          and not os.path.exists(out1), "a repeated -o warns and the last one wins")
    p = run(["-q", "--summary", multi])
    check(p.returncode == 0 and p.stderr == b"", "-q: nothing on stderr")


def fanout():
    """--fanout is for live capture with worker threads: anything else is a
    usage error said before a socket is opened (tests/live/fanout_test.sh
    runs it on an interface)."""
    multi = os.path.join(PCAPS, "multi_session.pcap")
    for args, what in ((["--fanout", "--threads", "2", multi], "on capture files"),
                       (["--fanout", "-i", "lo"], "without --threads"),
                       (["--fanout", "--threads", "1", "-i", "lo"], "with --threads 1")):
        p = run(args)
        check(p.returncode == 1 and b"--fanout needs -i INTERFACE and --threads N" in p.stderr,
              "--fanout %s is a usage error (1)" % what)
    p = run(["--help"])
    check(b"--fanout" in p.stdout, "--help says what --fanout does")


def closed_pipe():
    # Enough records that the reader goes away while tlstap still writes.
    args = [TLSTAP, "--certificate-chain"] + [os.path.join(PCAPS, "tls12_mutual.pcap")] * 400
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TOP)
    p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read()
    rc = p.wait(timeout=120)
    check(rc == 0 and b"write failed" not in err, "a closed pipe (| head) ends quietly with 0 (rc %d)" % rc)


def save_failed(tmp):
    out = os.path.join(tmp, "failed.pcap")
    caps = [os.path.join(PCAPS, n) for n in ("tls12_ecdhe_rsa.pcap", "alert_unknown_ca.pcap",
                                             "reset.pcap", "tls13.pcap", "no_server_response.pcap")]
    p = run(["--no-stats", "-w", out] + caps)
    failed = [r for r in records(p) if r["tls"]["outcome"] != "established" or r["tls"].get("anomalies")]
    check(p.returncode == 0 and len(failed) == 3 and b"-w " in p.stderr, "-w: run with 3 failed sessions")
    again = run(["--no-stats", out])
    got = sorted((r["source"]["port"], r["tls"]["outcome"]) for r in records(again))
    want = sorted((r["source"]["port"], r["tls"]["outcome"]) for r in failed)
    check(again.returncode == 0 and got == want,
          "-w saved exactly the failed sessions, and they decode the same: %s" % got)
    # Every packet of those connections, the ones after the decision too.
    pk = records(run([out]), "tlstap.stats")[-1]["tlstap"]["stats"]["packets"]
    bpf = " or ".join("tcp port %d" % r["source"]["port"] for r in failed)
    wantpk = records(run(caps + [bpf]), "tlstap.stats")[-1]["tlstap"]["stats"]["packets"]
    check(pk == wantpk, "-w saved every packet of them (%d of %d)" % (pk, wantpk))
    p = run(["--no-stats", "-w", os.path.join(tmp, "nodir", "x.pcap"), caps[0]])
    check(p.returncode == 3, "-w to an unwritable path fails at startup (exit 3)")


def report_and_views(tmp):
    rep = os.path.join(tmp, "r.html")
    p = run([os.path.join(PCAPS, "tls13.pcap"), os.path.join(PCAPS, "hostile_sni.pcap"), "--report", rep])
    html = open(rep, encoding="utf-8").read() if os.path.exists(rep) else ""
    check(p.returncode == 0 and p.stdout == b"", "--report alone writes nothing on stdout")
    check("<script src" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
          and "https://" not in html, "the report fetches nothing from the network")
    start = html.find('id="tlstap-records">')
    data = html[start + len('id="tlstap-records">'):html.find("</script>", start)]
    recs = json.loads(data) if start >= 0 else []
    check(len([r for r in recs if r["event"]["dataset"] == "tlstap.session"]) == 2,
          "the report holds every session record")
    check("\\u003c" in data or "<" not in data, "no '<' of a record reaches the page's markup")
    p = run(["--report", rep, "--format", "text", os.path.join(PCAPS, "tls13.pcap")])
    check(p.returncode == 0 and b"tls13.tlstap.test" in p.stdout, "--report with --format text: both")
    p = run(["--format", "nope", os.path.join(PCAPS, "tls13.pcap")])
    check(p.returncode == 1, "--format with an unknown view is a usage error")


def cpu_time():
    """tlstap.stats.cpu: the reading thread's time is part of the process's,
    and a run that reads a capture spends some of each."""
    p = run([os.path.join(PCAPS, "tls13.pcap"), os.path.join(PCAPS, "bigendian_tls12.pcap")])
    st = records(p, "tlstap.stats")
    cpu = st[-1]["tlstap"]["stats"].get("cpu", {}) if st else {}
    total = cpu.get("user_ns", 0) + cpu.get("system_ns", 0)
    main_ns = cpu.get("main_thread_ns", 0)
    # getrusage truncates each of its two times to the microsecond
    check(p.returncode == 0 and total > 0 and 0 < main_ns <= total + 2000,
          "stats.cpu: main thread %d ns within the process's %d ns" % (main_ns, total))


def huge_page_bytes(p):
    st = records(p, "tlstap.stats")
    return st[-1]["tlstap"]["stats"]["memory"]["allocator"].get("huge_page_bytes") if st else None


def syn_stream(n):
    """n connection attempts (tls13.pcap's SYN from n addresses and ports):
    a heap of several MiB that ends with no record."""
    with open(os.path.join(PCAPS, "tls13.pcap"), "rb") as f:
        data = f.read()
    ts, _, caplen, _ = struct.unpack("<IIII", data[24:40])
    syn = data[40:40 + caplen]
    out = [data[:24]]
    for i in range(n):
        p = bytearray(syn)
        p[28:30] = struct.pack(">H", i >> 8)          # 10.99.x.y
        p[34:36] = struct.pack(">H", 1024 + (i & 0xff) * 200)
        out.append(struct.pack("<IIII", ts, i % 1000000, caplen, caplen) + bytes(p))
    return b"".join(out)


def huge_pages(tmp):
    """A long run puts the heap on huge pages (tlstap executes itself again
    with glibc.malloc.hugetlb=1, README "Memory"); a short one does not;
    GLIBC_TUNABLES naming the tunable turns it off.  Where the kernel's mode
    is "madvise" only memory that asked gets huge pages, so the stats tell."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            mode = f.read()
    except OSError:
        mode = ""
    with open(TLSTAP, "rb") as f:
        sanitized = any(s in f.read() for s in (b"__asan_init", b"__tsan_init"))
    data = syn_stream(60000)
    path = os.path.join(tmp, "syn.pcap")
    with open(path, "wb") as f:
        f.write(data)
    env = dict(os.environ)
    env.pop("GLIBC_TUNABLES", None)
    env.pop("LD_PRELOAD", None)
    stream = run(["-r", "-"], input=data, env=env)
    short = run([path], env=env)
    off = run(["-r", "-"], input=data, env=dict(env, GLIBC_TUNABLES="glibc.malloc.hugetlb=0"))
    for p, what in ((stream, "standard input"), (short, "a 5 MB file"), (off, "turned off")):
        st = records(p, "tlstap.stats")
        flows = st[-1]["tlstap"]["stats"]["flows"]["created"] if st else 0
        check(p.returncode == 0 and flows == 60000 and not records(p)
              and isinstance(huge_page_bytes(p), int),
              "huge pages: %s, 60,000 connections, stats say how much (%s bytes)"
              % (what, huge_page_bytes(p)))
    if "[madvise]" in mode and not sanitized:
        check(huge_page_bytes(stream) > 0, "huge pages: a stream's heap is on them (%s bytes)"
              % huge_page_bytes(stream))
        # executed again, the process keeps its name (ps, pgrep) and its id
        proc = subprocess.Popen([TLSTAP, "-r", "-", "-o", os.devnull], stdin=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=TOP, env=env)
        proc.stdin.write(data[:24])
        proc.stdin.flush()
        environ = comm = b""
        for _ in range(100):
            try:
                with open("/proc/%d/environ" % proc.pid, "rb") as f:
                    environ = f.read()
                with open("/proc/%d/comm" % proc.pid, "rb") as f:
                    comm = f.read().strip()
            except OSError:
                break
            if b"glibc.malloc.hugetlb=1" in environ:
                break
            time.sleep(0.05)
        proc.stdin.close()
        rc = proc.wait(timeout=60)
        check(rc == 0 and b"glibc.malloc.hugetlb=1" in environ
              and comm == os.path.basename(TLSTAP).encode()[:15],
              "huge pages: executed again with the tunable, same process id and name (%r)" % comm)
        check(huge_page_bytes(short) == 0 and huge_page_bytes(off) == 0,
              "huge pages: not for a small file, nor when GLIBC_TUNABLES says no")
    else:
        print("skip huge pages' effect: kernel mode %r%s" % (mode.strip(), ", sanitizer build" if sanitized else ""))


def version():
    p = run(["-V"])
    out = p.stdout.decode()
    check(p.returncode == 0 and all(w in out for w in ("libpcap", "jansson", "mbed TLS", "zlib", "zstd",
                                                         "liblzma")),
          "-V names every library: " + " / ".join(out.split("\n")))


def main():
    global TLSTAP
    TLSTAP = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="tlstap-cli-")
    try:
        positional(tmp)
        compressed(tmp)
        secrets_in_stream(tmp)
        filters()
        limits(tmp)
        huge_pages(tmp)
        fanout()
        closed_pipe()
        save_failed(tmp)
        report_and_views(tmp)
        cpu_time()
        version()
    finally:
        shutil.rmtree(tmp)
    if FAILS:
        print("%d failed" % len(FAILS))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
