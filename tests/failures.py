"""How the whole-tree checks end (tests/certificates_test.py,
tests/es_template_test.py): the first failures, one summary line, and the
exit code."""
import sys


def finish(failures, summary, most):
    """Prints the first `most` failures and `summary; N failures`, then
    exits 1 when there was any, else 0."""
    for f in failures[:most]:
        print("FAIL", f)
    print(f"{summary}; {len(failures)} failures")
    sys.exit(1 if failures else 0)
