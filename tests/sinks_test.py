#!/usr/bin/python3
"""Output sinks and stats (issue 7), through the real binary.

- `-o unix:PATH` to a listening collector: every record arrives, one per
  line, valid JSON, and the final stats record counts them as written.
- `-o unix:PATH` with no collector: tlstap exits 6, says in one line how
  many records could not be delivered, and never blocks.
- `-o unix:PATH` to a collector that reads slowly (it sleeps before its
  first read, then reads in small pieces) while an offline run writes more
  than the 4 MiB queue: tlstap waits for it and nothing is lost.
- `--stats-interval 1` on a capture spanning several seconds of packet time
  writes periodic tlstap.stats records and one final one.
- `--pretty` writes indented JSON that still parses record by record.
- a capture with no packet: the final stats record carries today's date.

  sinks_test.py TLSTAP
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def collector(path, delay=0.0, chunk=65536):
    """A collector listening on path: (thread, list that gets all it read).
    It waits delay seconds after accepting, then reads chunk bytes at a
    time until the end."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    got = []

    def collect():
        conn, _ = srv.accept()
        time.sleep(delay)
        parts = []
        while True:
            d = conn.recv(chunk)
            if not d:
                break
            parts.append(d)
        got.append(b"".join(parts))

    t = threading.Thread(target=collect)
    t.start()
    return t, got


def main():
    tlstap = os.path.abspath(sys.argv[1])
    cap = os.path.join(TOP, "pcaps", "multi_session.pcap")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "collector.sock")
        t, got = collector(path)
        p = subprocess.run([tlstap, "-r", cap, "-o", "unix:" + path], capture_output=True, timeout=60)
        t.join(10)
        if p.returncode != 0:
            fail("unix sink: exit %d: %s" % (p.returncode, p.stderr.decode()))
        lines = got[0].decode().split("\n") if got else []
        if lines and lines[-1] == "":
            lines.pop()
        recs = [json.loads(l) for l in lines]
        sessions = [r for r in recs if r["event"]["dataset"] == "tlstap.session"]
        stats = [r for r in recs if r["event"]["dataset"] == "tlstap.stats"]
        if len(sessions) != 4 or len(stats) != 1:
            fail("unix sink: %d sessions and %d stats records, want 4 and 1" % (len(sessions), len(stats)))
        if stats[0]["tlstap"]["stats"]["records"]["written"] != 4:
            fail("unix sink: stats say %s written" % stats[0]["tlstap"]["stats"]["records"])
        print("unix sink: 4 session records and the final stats arrived, one per line")

        many = os.path.join(tmp, "many.pcap")
        subprocess.run([sys.executable, os.path.join(TOP, "tests", "bench", "gen.py"), "sessions",
                        "1500", many], check=True, capture_output=True)
        slow_path = os.path.join(tmp, "slow.sock")
        t, got = collector(slow_path, delay=1.5, chunk=4096)
        p = subprocess.run([tlstap, "--no-stats", "-r", many, "-o", "unix:" + slow_path],
                           capture_output=True, timeout=120)
        t.join(30)
        n = got[0].count(b"\n") if got else 0
        if p.returncode != 0 or n != 1500 or len(got[0]) < 4 << 20 or p.stderr:
            fail("slow collector: exit %d, %d of 1500 records (%d bytes), stderr %r" %
                 (p.returncode, n, len(got[0]) if got else 0, p.stderr.decode()))
        print("slow collector: all 1500 records (%.1f MiB) delivered, none dropped" % (len(got[0]) / 2**20))

        p = subprocess.run([tlstap, "-r", cap, "-o", "unix:" + os.path.join(tmp, "nobody.sock")],
                           capture_output=True, timeout=60)
        err = p.stderr.decode()
        if p.returncode != 6 or "could not be delivered" not in err or "cannot connect" not in err:
            fail("no collector: exit %d, stderr %r" % (p.returncode, err))
        print("no collector: exit 6, drop reported:", err.strip().splitlines()[-1])

        p = subprocess.run([tlstap, "-r", os.path.join(TOP, "pcaps", "no_server_response.pcap"),
                            "--stats-interval", "1"], capture_output=True, timeout=60)
        recs = [json.loads(l) for l in p.stdout.decode().splitlines()]
        stats = [r["tlstap"]["stats"] for r in recs if r["event"]["dataset"] == "tlstap.stats"]
        if len(stats) < 2 or [s["final"] for s in stats].count(True) != 1 or not stats[-1]["final"]:
            fail("stats interval: %d stats records %s" % (len(stats), [s["final"] for s in stats]))
        print("stats interval: %d periodic records and a final one" % (len(stats) - 1))

        # A run that reads no packet: its stats carry the wall clock, not 1970.
        empty = os.path.join(tmp, "empty.pcap")
        with open(empty, "wb") as f:
            f.write(bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000"))
        p = subprocess.run([tlstap, "-r", empty], capture_output=True, timeout=60)
        recs = [json.loads(l) for l in p.stdout.decode().splitlines()]
        ts = recs[-1]["@timestamp"] if recs else ""
        now = time.strftime("%Y-%m-%dT%H:%M", time.gmtime())
        if p.returncode != 0 or len(recs) != 1 or ts[:10] != now[:10]:
            fail("empty capture: exit %d, stats stamped %r (today %s)" % (p.returncode, ts, now))
        print("empty capture: stats stamped with the wall clock,", ts)

        p = subprocess.run([tlstap, "--pretty", "--no-stats", "-r", cap], capture_output=True, timeout=60)
        dec = json.JSONDecoder()
        text, i, n = p.stdout.decode(), 0, 0
        while True:
            while i < len(text) and text[i].isspace():
                i += 1
            if i >= len(text):
                break
            _, i = dec.raw_decode(text, i)
            n += 1
        if n != 4 or "\n  " not in text:
            fail("--pretty: %d records" % n)
        print("--pretty: 4 indented records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
