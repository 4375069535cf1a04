"""The case tables of the golden test runners (tests/golden/run.py,
tests/views/run.py): a tab-separated file, one case a line, '#' comments and
blank lines skipped; and the command line both runners share."""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rows(path):
    """The fields of every case line of the table at path, in order."""
    out = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            out.append(line.split("\t"))
    return out


def main(doc, names, update, check):
    """The runners' command line, `run.py TLSTAP NAME` or `run.py TLSTAP
    --update [NAME...]`: update(tlstap, name) for each name given (every one
    of names without), or check(tlstap, name).  Returns the exit code."""
    if len(sys.argv) < 3:
        sys.exit(doc)
    tlstap = sys.argv[1]
    if sys.argv[2] == "--update":
        for name in sys.argv[3:] or sorted(names):
            update(tlstap, name)
        return 0
    return check(tlstap, sys.argv[2])
