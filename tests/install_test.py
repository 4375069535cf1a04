#!/usr/bin/python3
"""What `meson install` puts on a sensor (issue 22):

- the version agrees: `tlstap -V`, the man page's .TH line, the first
  version heading of CHANGELOG.md, and observer.version of a record;
- the man page renders with `man -l` without a warning;
- the systemd unit passes `systemd-analyze verify` (its ExecStart pointed
  at the built binary, the man page on MANPATH for Documentation=);
- the logrotate snippet parses (`logrotate -d`).
A tool that is missing is said and its check skipped.

  install_test.py TLSTAP BUILDDIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main():
    tlstap, build = os.path.abspath(sys.argv[1]), sys.argv[2]
    v = subprocess.run([tlstap, "-V"], capture_output=True, text=True).stdout.split()[1]
    man = os.path.join(build, "tlstap.1")
    th = open(man).readline()
    m = re.search(r'"tlstap ([^"]+)"', th)
    ch = re.search(r"^## (\S+)", open(os.path.join(TOP, "CHANGELOG.md")).read(), re.M)
    rec = json.loads(subprocess.run([tlstap, "--no-stats", "-r", os.path.join(TOP, "pcaps", "ecdsa_p256.pcap")],
                                    capture_output=True, text=True).stdout.splitlines()[0])
    got = {"tlstap -V": v, "man page": m and m.group(1), "CHANGELOG": ch and ch.group(1),
           "observer.version": rec["observer"]["version"]}
    if len(set(got.values())) != 1:
        fail("versions disagree: %s" % got)
    print("version %s in the binary, the man page, the CHANGELOG and the records" % v)

    if shutil.which("man"):
        env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")
        p = subprocess.run(["man", "--warnings", "-l", man], capture_output=True, text=True, env=env)
        if p.returncode != 0 or p.stderr.strip() or "EXIT STATUS" not in p.stdout:
            fail("man -l: exit %d, %r" % (p.returncode, p.stderr))
        print("man -l: renders without warnings")
    else:
        print("man not installed: rendering not checked")

    with tempfile.TemporaryDirectory() as d:
        if shutil.which("systemd-analyze"):
            os.makedirs(os.path.join(d, "man", "man1"))
            shutil.copy(man, os.path.join(d, "man", "man1"))
            unit = open(os.path.join(build, "tlstap@.service")).read()
            unit = re.sub(r"^ExecStart=\S+", "ExecStart=" + tlstap, unit, flags=re.M)
            path = os.path.join(d, "tlstap@eth0.service")
            with open(path, "w") as f:
                f.write(unit)
            p = subprocess.run(["systemd-analyze", "verify", path], capture_output=True, text=True,
                               env=dict(os.environ, MANPATH=os.path.join(d, "man")))
            if p.returncode != 0 or p.stderr.strip():
                fail("systemd-analyze verify: exit %d, %r" % (p.returncode, p.stderr))
            print("systemd-analyze verify: the unit passes")
        else:
            print("systemd-analyze not installed: the unit not checked")
        if shutil.which("logrotate"):
            p = subprocess.run(["logrotate", "-d", "-s", os.path.join(d, "state"),
                                os.path.join(TOP, "doc", "tlstap.logrotate")],
                               capture_output=True, text=True)
            if p.returncode != 0 or "error" in p.stderr.lower():
                fail("logrotate -d: exit %d, %r" % (p.returncode, p.stderr))
            print("logrotate -d: the snippet parses")
        else:
            print("logrotate not installed: the snippet not checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
