#!/usr/bin/python3
"""Validate tlstap NDJSON output against src/schema/tlstap.schema.json.

usage: validate_records.py [--schema PATH] [--quiet] [FILE ...]
       (no FILE, or "-": read standard input)

Every line is checked twice:
  framing  - UTF-8; LF-terminated (a last line without LF is a record cut
             short); exactly one JSON object per line; no duplicate keys, no
             NaN/Infinity, no non-integer numbers, no null anywhere, no empty
             string as a member value (SCHEMA.md: absent information is an
             absent key);
  schema   - the JSON Schema (draft 2020-12), which picks the record kind by
             event.dataset.
Each failing line gets one message per problem on stdout, as
"FILE:LINE: [framing|schema] PATH: message".  Exit status: 0 all lines valid,
1 some line failed, 2 usage or I/O error.  Uses only Debian 12's
python3-jsonschema (4.10).
"""

import argparse
import decimal
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, '..', 'src', 'schema', 'tlstap.schema.json')
MAX_ERRORS_PER_LINE = 20


class FramingError(Exception):
    pass


def _no_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise FramingError('duplicate key %r' % k)
        obj[k] = v
    return obj


def _no_constant(name):
    raise FramingError('non-finite number %s' % name)


def _path(parts):
    out = ''
    for p in parts:
        out += '[%d]' % p if isinstance(p, int) else ('.' if out else '') + str(p)
    return out or '(record)'


def _walk(value, path, problems):
    """Values SCHEMA.md rules out wherever they appear."""
    if value is None:
        problems.append((_path(path), 'null value (absent information must be an absent key)'))
    elif isinstance(value, decimal.Decimal):
        problems.append((_path(path), 'non-integer number %s (tlstap writes integers only)' % value))
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str) and v == '':
                problems.append((_path(path + [k]), 'empty string (absent information must be an absent key)'))
            _walk(v, path + [k], problems)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk(v, path + [i], problems)


def check_line(raw, last_line):
    """Framing problems of one raw line (bytes, with its LF if any) and the
    decoded record (None when it could not be decoded)."""
    problems = []
    if not raw.endswith(b'\n'):
        problems.append(('(line)', 'no terminating LF: the record was cut short' if last_line
                         else 'no terminating LF'))
    body = raw[:-1] if raw.endswith(b'\n') else raw
    if body.endswith(b'\r'):
        problems.append(('(line)', 'CR before LF: lines must end in LF alone'))
        body = body[:-1]
    try:
        text = body.decode('utf-8')
    except UnicodeDecodeError as e:
        problems.append(('(line)', 'not UTF-8 at byte %d' % e.start))
        return problems, None
    if not text.strip():
        problems.append(('(line)', 'empty line'))
        return problems, None
    try:
        rec = json.loads(text, object_pairs_hook=_no_duplicates,
                         parse_constant=_no_constant, parse_float=decimal.Decimal)
    except FramingError as e:
        problems.append(('(line)', str(e)))
        return problems, None
    except json.JSONDecodeError as e:
        problems.append(('(line)', 'not one JSON value: %s (column %d)' % (e.msg, e.colno)))
        return problems, None
    if not isinstance(rec, dict):
        problems.append(('(line)', 'a record must be a JSON object, not %s' % type(rec).__name__))
        return problems, None
    _walk(rec, [], problems)
    return problems, rec


def schema_problems(validator, rec):
    errs = sorted(validator.iter_errors(rec), key=lambda e: (list(e.absolute_path), e.message))
    out = []
    for e in errs:
        msg = e.message
        # anyOf (ECS "may be an array") hides the useful error; add the best one.
        if e.validator in ('anyOf', 'oneOf') and e.context:
            msg += ' (%s)' % jsonschema.exceptions.best_match(e.context).message
        item = (_path(list(e.absolute_path)), msg)
        if item not in out:
            out.append(item)
    return out


def load_validator(path):
    with open(path, encoding='utf-8') as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_stream(name, stream, validator, out, quiet=False):
    """Returns (lines, failed lines)."""
    lines = failed = 0
    raw = stream.readline()
    while raw:
        nxt = stream.readline()
        lines += 1
        problems, rec = check_line(raw, not nxt)
        kinds = [('framing', p) for p in problems]
        if rec is not None:
            kinds += [('schema', p) for p in schema_problems(validator, rec)]
        if kinds:
            failed += 1
            for kind, (where, msg) in kinds[:MAX_ERRORS_PER_LINE]:
                out.write('%s:%d: [%s] %s: %s\n' % (name, lines, kind, where, msg))
            if len(kinds) > MAX_ERRORS_PER_LINE:
                out.write('%s:%d: ... %d more problems\n' % (name, lines, len(kinds) - MAX_ERRORS_PER_LINE))
        raw = nxt
    if not quiet:
        sys.stderr.write('%s: %d lines, %d invalid\n' % (name, lines, failed))
    return lines, failed


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--schema', default=DEFAULT_SCHEMA, help='schema file (default: %(default)s)')
    ap.add_argument('--quiet', '-q', action='store_true', help='no per-file summary on stderr')
    ap.add_argument('files', nargs='*', help='NDJSON files; none or "-" for standard input')
    args = ap.parse_args(argv)
    try:
        validator = load_validator(args.schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        sys.stderr.write('validate_records: schema %s: %s\n' % (args.schema, e))
        return 2
    total_failed = 0
    for name in args.files or ['-']:
        try:
            if name == '-':
                _, failed = validate_stream('<stdin>', sys.stdin.buffer, validator, sys.stdout, args.quiet)
            else:
                with open(name, 'rb') as f:
                    _, failed = validate_stream(name, f, validator, sys.stdout, args.quiet)
        except OSError as e:
            sys.stderr.write('validate_records: %s: %s\n' % (name, e))
            return 2
        total_failed += failed
    return 1 if total_failed else 0


if __name__ == '__main__':
    sys.exit(main())
