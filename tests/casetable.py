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


def table(here, case):
    """The cases of here/cases.tsv by name: case(fields) of each line."""
    return {parts[0]: case(parts) for parts in rows(os.path.join(here, "cases.tsv"))}


def main(doc, names, update, check, runner):
    """The runners' command line, `run.py TLSTAP NAME` or `run.py TLSTAP
    --update [NAME...]`: update(tlstap, name) for each name given (every one
    of names without), or check(tlstap, name), which says what differs and
    returns whether the case passed; runner is the script's path from the
    top, for the hint.  Returns the exit code."""
    if len(sys.argv) < 3:
        sys.exit(doc)
    tlstap, name = sys.argv[1], sys.argv[2]
    if name == "--update":
        for name in sys.argv[3:] or sorted(names):
            update(tlstap, name)
        return 0
    if check(tlstap, name):
        return 0
    sys.stderr.write("(regenerate with: %s %s --update %s, then review git diff)\n"
                     % (runner, tlstap, name))
    return 1
