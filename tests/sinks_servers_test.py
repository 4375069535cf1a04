#!/usr/bin/python3
"""The network sinks against real servers the test starts and stops by PID
(issue 22): rsyslog (unix datagram, UDP, TCP with octet counting) and
redis-server (list and publish).

For each sink tlstap reads a capture fed through a pipe in three parts; a
copy of every record also goes to a file (-o FILE beside the sink, which
checks several -o at once).  For the stream sinks the server is stopped
after the first part and started again before the last.  What the server
received must be whole records, each one tlstap wrote, none twice, and
received + dropped (the count tlstap reports, exit 6 when not 0) must be
every record.  UDP is not restarted: a datagram to a stopped receiver is
lost unseen, as UDP syslog always is (README "Sinks").

rsyslog runs in the foreground with its own config, sockets, ports and work
directory (never the system's), with maxMessageSize 256k: records over
rsyslog's default 8 KiB are common (README "Sinks").

  sinks_servers_test.py TLSTAP
Skips (exit 77) when rsyslogd or redis-server is missing.
"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPS = ["ecdsa_p256.pcap", "alert_unknown_ca.pcap"]
COPIES = 30


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    fail("server on port %d did not come up" % port)


def read_pcap(path):
    """(global header, [(ts_sec, ts_usec, rest of record header, data)])."""
    b = open(path, "rb").read()
    if b[:4] != b"\xd4\xc3\xb2\xa1":
        fail("%s: expected a little-endian classic pcap" % path)
    out, i = [], 24
    while i + 16 <= len(b):
        sec, usec, incl, orig = struct.unpack_from("<IIII", b, i)
        out.append((sec, usec, orig, b[i + 16:i + 16 + incl]))
        i += 16 + incl
    return b[:24], out


def with_client_port(d, cport, new):
    """The Ethernet/IPv4/TCP frame d with the client's port cport made new
    (checksums are left stale: tlstap does not drop for them)."""
    if len(d) < 34 or d[12:14] != b"\x08\x00" or d[23] != 6:
        return d
    t = 14 + (d[14] & 15) * 4
    sp, dp = struct.unpack_from(">HH", d, t)
    b = bytearray(d)
    struct.pack_into(">HH", b, t, new if sp == cport else sp, new if dp == cport else dp)
    return bytes(b)


def parts():
    """The capture: COPIES copies of CAPS, each on a client port of its own
    so that every record differs; cut in three parts."""
    hdr, chunks = None, []
    for c in range(COPIES):
        for k, name in enumerate(CAPS):
            h, pkts = read_pcap(os.path.join(TOP, "pcaps", name))
            hdr = hdr or h
            d0 = pkts[0][3]
            cport = struct.unpack_from(">H", d0, 14 + (d0[14] & 15) * 4)[0]
            new = 20000 + c * len(CAPS) + k
            chunks.append(b"".join(struct.pack("<IIII", s, u, len(d), o) + with_client_port(d, cport, new)
                                   for s, u, o, d in pkts))
    n = len(chunks)
    return hdr, [b"".join(chunks[:n // 2]), b"".join(chunks[n // 2:3 * n // 4]),
                 b"".join(chunks[3 * n // 4:])]


def run_tlstap(tlstap, sink, copy_file, hdr, pieces, between):
    """tlstap -r - reading hdr + pieces, between(i) called after piece i."""
    p = subprocess.Popen([tlstap, "--no-stats", "-r", "-", "-o", copy_file, "-o", sink],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(hdr)
    for i, piece in enumerate(pieces):
        p.stdin.write(piece)
        p.stdin.flush()
        time.sleep(1.0)
        between(i)
    p.stdin.close()
    err = p.stderr.read().decode()
    rc = p.wait(60)
    return rc, err


def check(label, rc, err, copy_file, got):
    want = [json.loads(l) for l in open(copy_file).read().splitlines()]
    total = len(want)
    if total != COPIES * len(CAPS):
        fail("%s: %d records in the file copy, expected %d" % (label, total, COPIES * len(CAPS)))
    keys = {json.dumps(r, sort_keys=True) for r in want}
    seen = set()
    for line in got:
        try:
            r = json.loads(line)
        except ValueError:
            fail("%s: a record arrived cut or changed: %r" % (label, line[:120]))
        k = json.dumps(r, sort_keys=True)
        if k not in keys:
            fail("%s: a record tlstap did not write: %r" % (label, line[:120]))
        if k in seen:
            fail("%s: a record arrived twice: %r" % (label, line[:120]))
        seen.add(k)
    dropped = 0
    for l in err.splitlines():
        if l.endswith("records could not be delivered"):
            dropped = int(l.split()[1])
    if (dropped != 0) != (rc == 6) or rc not in (0, 6):
        fail("%s: exit %d with %d dropped; stderr %r" % (label, rc, dropped, err))
    if len(seen) + dropped != total:
        fail("%s: %d received + %d dropped != %d written; stderr %r" %
             (label, len(seen), dropped, total, err))
    print("%s: %d of %d records received whole, %d dropped and counted, none twice (exit %d)" %
          (label, len(seen), total, dropped, rc))


# ---- rsyslog ----

RSYSLOG_CONF = """
global(workDirectory="{d}/spool" maxMessageSize="256k")
module(load="imuxsock" SysSock.Use="off")
module(load="imudp")
module(load="imtcp")
template(name="msgonly" type="string" string="%msg%\\n")
ruleset(name="r_unix") {{ action(type="omfile" file="{d}/unix.out" template="msgonly") }}
ruleset(name="r_udp") {{ action(type="omfile" file="{d}/udp.out" template="msgonly") }}
ruleset(name="r_tcp") {{ action(type="omfile" file="{d}/tcp.out" template="msgonly") }}
input(type="imuxsock" Socket="{d}/log.sock" UseSpecialParser="off" Ruleset="r_unix")
input(type="imudp" Address="127.0.0.1" Port="{udp}" Ruleset="r_udp" RcvBufSize="8m")
input(type="imtcp" Address="127.0.0.1" Port="{tcp}" Ruleset="r_tcp")
"""


class Rsyslog:
    def __init__(self, d):
        self.d, self.udp, self.tcp = d, free_port(socket.SOCK_DGRAM), free_port()
        os.makedirs(os.path.join(d, "spool"), exist_ok=True)
        with open(os.path.join(d, "rsyslog.conf"), "w") as f:
            f.write(RSYSLOG_CONF.format(d=d, udp=self.udp, tcp=self.tcp))
        self.p = None

    def start(self):
        self.p = subprocess.Popen(["rsyslogd", "-n", "-f", os.path.join(self.d, "rsyslog.conf"),
                                   "-i", os.path.join(self.d, "rsyslogd.pid")],
                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.d, "rsyslogd.err"), "a"))
        wait_port(self.tcp)
        end = time.time() + 10
        while not os.path.exists(os.path.join(self.d, "log.sock")) and time.time() < end:
            time.sleep(0.05)

    def stop(self):
        if self.p:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(30)
            self.p = None

    def lines(self, name):
        path = os.path.join(self.d, name)
        if not os.path.exists(path):
            return []
        # %msg% may keep the space after the structured data "-".
        return [l.strip() for l in open(path).read().splitlines() if l.strip()]


# ---- redis ----

def resp_read(f):
    line = f.readline()
    if not line:
        raise EOFError
    t, rest = line[:1], line[1:-2]
    if t in (b"+", b"-", b":"):
        return rest
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2]
    if t == b"*":
        return [resp_read(f) for _ in range(int(rest))]
    raise ValueError(line)


def redis_list(port, db, key):
    """The list key of database db, as text lines."""
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"SELECT %d\r\nLRANGE %s 0 -1\r\n" % (db, key))
    f = s.makefile("rb")
    resp_read(f)
    r = [x.decode() for x in resp_read(f)]
    s.close()
    return r


class Redis:
    def __init__(self, d):
        self.d, self.port, self.p = d, free_port(), None

    def start(self):
        self.p = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", self.d,
                                   "--unixsocket", ""],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def stop(self):
        if self.p:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(30)
            self.p = None


def subscriber(port, channel):
    """A subscriber connected now: (socket, list of messages so far, reader)."""
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"SUBSCRIBE %s\r\n" % channel)
    f = s.makefile("rb")
    resp_read(f)   # the subscribe confirmation
    return s, f


def drain_sub(s, f, got):
    s.settimeout(0.5)
    try:
        while True:
            m = resp_read(f)
            if m and m[0] == b"message":
                got.append(m[2].decode())
    except (socket.timeout, EOFError, OSError):
        pass


def plain_sinks(tlstap, d, hdr, pieces):
    """tcp: (NDJSON) and unix-dgram: to listeners of the test's own, and a
    sink with nobody listening: every record dropped, counted, exit 6."""
    import threading
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    buf = []

    def accept():
        c, _ = lst.accept()
        while True:
            b = c.recv(65536)
            if not b:
                break
            buf.append(b)
    t = threading.Thread(target=accept, daemon=True)
    t.start()
    copy = os.path.join(d, "tcp.copy")
    rc, err = run_tlstap(tlstap, "tcp:127.0.0.1:%d" % lst.getsockname()[1], copy, hdr, pieces,
                         lambda i: None)
    t.join(10)
    text = b"".join(buf).decode()
    if not text.endswith("\n"):
        fail("tcp: the stream does not end with a whole line")
    check("tcp (NDJSON)", rc, err, copy, text.splitlines())

    path = os.path.join(d, "dgram.sock")
    ds = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ds.bind(path)
    ds.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    got = []
    done = threading.Event()

    def recv_all():
        # until tlstap has exited and nothing is left in the queue
        ds.settimeout(0.5)
        while True:
            try:
                got.append(ds.recv(1 << 20).decode())
            except socket.timeout:
                if done.is_set():
                    return
    t = threading.Thread(target=recv_all, daemon=True)
    t.start()
    copy = os.path.join(d, "dgram.copy")
    rc, err = run_tlstap(tlstap, "unix-dgram:" + path, copy, hdr, pieces, lambda i: None)
    done.set()
    t.join(10)
    check("unix-dgram", rc, err, copy, got)

    copy = os.path.join(d, "nobody.copy")
    rc, err = run_tlstap(tlstap, "redis://127.0.0.1:%d" % free_port(), copy, hdr, pieces,
                         lambda i: None)
    if rc != 6 or "cannot connect" not in err:
        fail("no server: exit %d, stderr %r" % (rc, err))
    check("redis, no server", rc, err, copy, [])


def main():
    if len(sys.argv) != 2:
        fail("usage: sinks_servers_test.py TLSTAP")
    tlstap = sys.argv[1]
    missing = [b for b in ("rsyslogd", "redis-server") if not shutil.which(b)]
    if missing:
        print("SKIP: %s not installed (Debian: apt-get install rsyslog redis-server)" % ", ".join(missing))
        return 77
    hdr, pieces = parts()
    with tempfile.TemporaryDirectory(prefix="tlstap-sinks-") as d:
        plain_sinks(tlstap, d, hdr, pieces)
        rs = Rsyslog(d)
        rs.start()
        try:
            for label, sink, out, restart in [
                    ("syslog:unix", "syslog:unix:" + os.path.join(d, "log.sock"), "unix.out", True),
                    ("syslog:udp", "syslog:udp:127.0.0.1:%d" % rs.udp, "udp.out", False),
                    ("syslog:tcp", "syslog:tcp:127.0.0.1:%d" % rs.tcp, "tcp.out", True)]:
                def between(i):
                    if restart and i == 0:
                        rs.stop()
                    if restart and i == 1:
                        rs.start()
                copy = os.path.join(d, label.replace(":", "_") + ".copy")
                rc, err = run_tlstap(tlstap, sink, copy, hdr, pieces, between)
                time.sleep(1.0)   # rsyslog's file writer
                rs.stop()         # flushes omfile
                check(label + (" (restarted)" if restart else ""), rc, err, copy, rs.lines(out))
                rs.start()
        finally:
            rs.stop()

        rd = Redis(d)
        rd.start()
        try:
            got = []

            def between_list(i):
                if i == 0:
                    got.extend(redis_list(rd.port, 3, b"recs"))
                    rd.stop()
                if i == 1:
                    rd.start()
            copy = os.path.join(d, "redis_list.copy")
            rc, err = run_tlstap(tlstap, "redis://127.0.0.1:%d/3?key=recs&mode=list" % rd.port,
                                 copy, hdr, pieces, between_list)
            got.extend(redis_list(rd.port, 3, b"recs"))
            check("redis list /3 (restarted)", rc, err, copy, got)

            got = []
            sub = [subscriber(rd.port, b"chan")]

            def between_pub(i):
                if i == 0:
                    drain_sub(*sub[0], got)
                    rd.stop()
                    drain_sub(*sub[0], got)
                if i == 1:
                    rd.start()
                    sub[0] = subscriber(rd.port, b"chan")
            copy = os.path.join(d, "redis_pub.copy")
            rc, err = run_tlstap(tlstap, "redis://127.0.0.1:%d?key=chan&mode=publish" % rd.port,
                                 copy, hdr, pieces, between_pub)
            drain_sub(*sub[0], got)
            check("redis publish (restarted)", rc, err, copy, got)
        finally:
            rd.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
