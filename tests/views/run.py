#!/usr/bin/python3
"""Golden tests of the views for people (--format text, --format ladder / -v,
--from-json): tlstap's standard output for the arguments of each line of
cases.tsv must equal tests/views/<name>.out byte for byte.

  run.py TLSTAP NAME                 run one case (what meson does)
  run.py TLSTAP --update [NAME...]   rewrite the expected files (review the diff!)

cases.tsv: name, arguments (shell words, relative to the top of the tree),
and optionally environment settings (NAME=VALUE ...).  Standard output is a
pipe, so colour is off unless a case forces it (--color always); NO_COLOR
is removed from the environment unless the case sets it.
"""
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import casetable  # noqa: E402  (tests/casetable.py)
TOP = casetable.TOP


def case(parts):
    """name, arguments, settings -> ([argument, ...], {NAME: VALUE})"""
    env = dict(kv.split("=", 1) for kv in shlex.split(parts[2])) if len(parts) > 2 else {}
    return shlex.split(parts[1]), env


def run(tlstap, args, env):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env)
    return subprocess.run([os.path.abspath(tlstap), "-q", "--no-stats"] + args, cwd=TOP, env=e,
                          capture_output=True, timeout=120)


def update(tlstap, name):
    p = run(tlstap, *TABLE[name])
    with open(os.path.join(HERE, name + ".out"), "wb") as f:
        f.write(p.stdout)
    print("%s: %d lines, exit %d" % (name, p.stdout.count(b"\n"), p.returncode))


def check(tlstap, name):
    p = run(tlstap, *TABLE[name])
    with open(os.path.join(HERE, name + ".out"), "rb") as f:
        want = f.read()
    ok = True
    if p.returncode != 0:
        sys.stderr.write("%s: exit %d\n%s" % (name, p.returncode, p.stderr.decode()))
        ok = False
    if p.stdout != want:
        sys.stderr.write("%s: output differs\n--- expected\n%s\n--- got\n%s\n" %
                         (name, want.decode(errors="replace"), p.stdout.decode(errors="replace")))
        ok = False
    colour = b"\x1b[" in p.stdout
    if colour != ("--color" in TABLE[name][0] and "always" in TABLE[name][0]):
        sys.stderr.write("%s: colour %s, expected the opposite\n" % (name, "on" if colour else "off"))
        ok = False
    return ok


TABLE = casetable.table(HERE, case)

if __name__ == "__main__":
    sys.exit(casetable.main(__doc__, TABLE, update, check, "tests/views/run.py"))
