#!/usr/bin/python3
"""parsers/ is pure: its files include only each other (by bare name) and
system headers, never a file of src/, pcap.h or jansson.h (README
"Conventions of the code").  Exit 1 naming each offending line.

  parsers_pure.py PARSERS_DIR
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
FORBIDDEN_SYSTEM = ("pcap.h", "pcap/pcap.h", "jansson.h")


def main():
    top = sys.argv[1]
    own = set(os.listdir(top))
    bad = []
    checked = 0
    for name in sorted(own):
        if not name.endswith((".c", ".h")):
            continue
        checked += 1
        with open(os.path.join(top, name), encoding="utf-8", errors="replace") as f:
            for no, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                kind, path = m.groups()
                if kind == '"' and path not in own:
                    bad.append("%s:%d: includes \"%s\", not a file of parsers/" % (name, no, path))
                elif kind == "<" and path in FORBIDDEN_SYSTEM:
                    bad.append("%s:%d: includes <%s>" % (name, no, path))
    for b in bad:
        print(b)
    print("%d files of parsers/ checked, %d bad includes" % (checked, len(bad)))
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
