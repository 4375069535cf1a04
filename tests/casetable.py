"""The case tables of the golden test runners (tests/golden/run.py,
tests/views/run.py): a tab-separated file, one case a line, '#' comments and
blank lines skipped."""


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
