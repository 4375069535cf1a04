#!/usr/bin/python3
"""Golden end-to-end tests: a capture in pcaps/ and the records tlstap must
write for it.  cases.tsv lists them, one per line: name, capture, extra
arguments.  Expected records are tests/golden/<name>.ndjson.

  run.py TLSTAP NAME           run one case (what meson does, one test each)
  run.py TLSTAP --update [NAME...]  rewrite expected files from current output
                               (review the diff before committing!)

Every record is also validated against src/schema/tlstap.schema.json by
tests/validate_records.py.
"""
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import casetable  # noqa: E402  (tests/casetable.py)
TOP = casetable.TOP


def case(parts):
    """name, capture, extra arguments -> (capture, [argument, ...])"""
    return parts[1], shlex.split(parts[2]) if len(parts) > 2 else []


def run(tlstap, capture, args):
    # Relative to the top, so that messages naming the file do not depend on
    # where the checkout lives.
    cmd = [os.path.abspath(tlstap), "--no-stats", "-r", capture] + args
    # TLSTAP_WRAP runs tlstap under a tool, e.g. valgrind (meson test --setup valgrind).
    wrap = shlex.split(os.environ.get("TLSTAP_WRAP", ""))
    p = subprocess.run(wrap + cmd, capture_output=True, timeout=600, cwd=TOP)
    return p


def records(text):
    """The records of text, without what depends on the machine and the
    build rather than the capture: observer.hostname and observer.version
    (kept in the expected files as written, ignored in the comparison)."""
    out = []
    for l in text.splitlines():
        if l.strip():
            r = json.loads(l)
            for k in ("hostname", "version"):
                r.get("observer", {}).pop(k, None)
            out.append(r)
    return out


def validate(text, name):
    v = os.path.join(TOP, "tests", "validate_records.py")
    if not os.path.exists(v):
        return True
    p = subprocess.run(["/usr/bin/python3", v, "-"], input=text.encode(), capture_output=True)
    if p.returncode != 0:
        sys.stderr.write("%s: schema validation failed:\n%s%s" %
                         (name, p.stdout.decode(), p.stderr.decode()))
        return False
    return True


def diff(a, b, path=""):
    """Human-readable differences between two JSON values."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            p = path + "." + k if path else k
            if k not in a:
                out.append("  + %s = %s" % (p, json.dumps(b[k])))
            elif k not in b:
                out.append("  - %s = %s" % (p, json.dumps(a[k])))
            else:
                out += diff(a[k], b[k], p)
    elif a != b:
        out.append("  ~ %s: expected %s, got %s" % (path, json.dumps(a), json.dumps(b)))
    return out


def update(tlstap, name):
    capture, args = TABLE[name]
    p = run(tlstap, capture, args)
    with open(os.path.join(HERE, name + ".ndjson"), "wb") as f:
        f.write(p.stdout)
    errf = os.path.join(HERE, name + ".stderr")
    if p.returncode or p.stderr:
        with open(errf, "w") as f:
            f.write("exit %d\n" % p.returncode)
            f.write(p.stderr.decode())
    elif os.path.exists(errf):
        os.unlink(errf)
    print("%s: %d records, exit %d" % (name, len(records(p.stdout.decode())), p.returncode))


def check(tlstap, name):
    if name not in TABLE:
        sys.exit("unknown case %s" % name)
    capture, args = TABLE[name]
    p = run(tlstap, capture, args)
    if p.returncode < 0:
        sys.exit("%s: tlstap killed by signal %d\n%s" % (name, -p.returncode, p.stderr.decode()))
    if p.returncode == 99:
        sys.exit("%s: memory errors or leaks under %s:\n%s" %
                 (name, os.environ.get("TLSTAP_WRAP"), p.stderr.decode()))
    got_text = p.stdout.decode("utf-8")
    ok = validate(got_text, name)
    for line in got_text.splitlines():
        if line.strip() and "\n" in line:
            ok = False
    with open(os.path.join(HERE, name + ".ndjson")) as f:
        want = records(f.read())
    got = records(got_text)
    if len(want) != len(got):
        sys.stderr.write("%s: expected %d records, got %d\n" % (name, len(want), len(got)))
        ok = False
    for i, (w, g) in enumerate(zip(want, got)):
        d = diff(w, g)
        if d:
            sys.stderr.write("%s: record %d differs:\n%s\n" % (name, i + 1, "\n".join(d)))
            ok = False
    errf = os.path.join(HERE, name + ".stderr")
    want_rc = 0
    want_err = ""
    if os.path.exists(errf):
        with open(errf) as f:
            first = f.readline()
            want_rc = int(first.split()[1])
            want_err = f.read()
    if p.returncode != want_rc:
        sys.stderr.write("%s: exit %d, expected %d\n" % (name, p.returncode, want_rc))
        ok = False
    # Only tlstap's own lines are compared (sanitizer noise is not ours).
    pick = lambda s: [l for l in s.splitlines() if l.startswith("tlstap:")]
    if pick(want_err) != pick(p.stderr.decode()):
        sys.stderr.write("%s: stderr differs:\nexpected:\n%s\ngot:\n%s\n" %
                         (name, want_err, p.stderr.decode()))
        ok = False
    return ok


TABLE = casetable.table(HERE, case)


if __name__ == "__main__":
    sys.exit(casetable.main(__doc__, TABLE, update, check, "tests/golden/run.py"))
