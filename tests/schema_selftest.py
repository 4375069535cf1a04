#!/usr/bin/python3
"""Self test of src/schema/tlstap.schema.json and tests/validate_records.py.

Hand-written records that follow SCHEMA.md must validate; each mutation
(wrong type, unknown key, null, empty string, broken framing, wrong record
kind) must be rejected with a message naming the problem.  Run by meson
(suite 'schema') or directly; exit 0 on success.
"""

import copy
import io
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import validate_records as vr  # noqa: E402

TS = '2026-11-22T10:00:00.123456Z'

X509 = {
    'version_number': '3',
    'serial_number': '0A1B2C',
    'subject': {'distinguished_name': 'CN=www.example.com,O=Example',
                'common_name': ['www.example.com'], 'organization': ['Example']},
    'issuer': {'distinguished_name': 'CN=Example CA', 'common_name': ['Example CA']},
    'not_before': '2026-01-01T00:00:00Z',
    'not_after': '2027-01-01T00:00:00Z',
    'signature_algorithm': 'sha256WithRSAEncryption',
    'public_key_algorithm': 'RSA',
    'public_key_size': 2048,
    'public_key_exponent': 65537,
    'alternative_names': ['www.example.com', 'example.com'],
    'hash': {'sha1': 'A' * 40, 'sha256': 'B' * 64},
    'is_ca': False,
    'self_signed': False,
    'key_usage': ['digital_signature', 'key_encipherment'],
    'extended_key_usage': ['serverAuth'],
}

SESSION_FULL = {
    '@timestamp': TS,
    'event': {'kind': 'event', 'dataset': 'tlstap.session', 'start': TS,
              'end': '2026-11-22T10:00:01.000000Z', 'duration': 876544000},
    'source': {'ip': '192.0.2.1', 'port': 51000, 'bytes': 1500, 'packets': 7},
    'destination': {'ip': '2001:db8::1', 'port': 443, 'bytes': 5000, 'packets': 6},
    'network': {'transport': 'tcp', 'type': 'ipv4', 'iana_number': '6',
                'community_id': '1:LQU9qZlK+B5F3KDmev6m5PMibrg=', 'bytes': 6500,
                'packets': 13, 'vlan': {'id': '100'}},
    'tls': {
        'version_protocol': 'tls',
        'version': '1.2',
        'cipher': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
        'curve': 'x25519',
        'established': True,
        'resumed': False,
        'next_protocol': 'h2',
        'outcome': 'established',
        'alerts': [{'from': 'client', 'level': 'warning', 'description': 'close_notify',
                    'code': 0, 'encrypted': False},
                   {'from': 'server', 'level': 'unknown', 'encrypted': True}],
        'anomalies': ['midstream', 'invalid_utf8'],
        'authentication': 'two_way',
        'handshake_messages': ['client:client_hello', 'server:server_hello',
                               'server:certificate', 'server:server_key_exchange',
                               'server:certificate_request', 'server:server_hello_done',
                               'client:certificate', 'client:client_key_exchange',
                               'client:certificate_verify', 'client:change_cipher_spec',
                               'client:finished', 'server:change_cipher_spec',
                               'server:finished'],
        'compression': 'null',
        'client': {
            'server_name': 'www.example.com',
            'ja3': '0123456789abcdef0123456789abcdef',
            'ja3_string': '771,49199-49195,0-10-11,29-23,0',
            'ja4': 't13d1516h2_8daaf6152771_b0da82dd1658',
            'ja4_r': 't13d1516h2_002f,0035_0005,000a_0403',
            'supported_ciphers': ['GREASE', 'TLS_AES_128_GCM_SHA256', '0x5a5a'],
            'version': '0x0303',
            'supported_versions': ['1.3', '1.2'],
            'alpn': ['h2', 'http/1.1'],
            'supported_groups': ['X25519MLKEM768', 'x25519', 'secp256r1'],
            'key_share_groups': ['X25519MLKEM768', 'x25519'],
            'signature_algorithms': ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256'],
            'ec_point_formats': ['uncompressed'],
            'compression_methods': ['null'],
            'extensions': [0, 23, 65281, 10, 11, 35, 16, 5, 13, 18, 51, 45, 43, 27, 17513, 65037],
            'session_id': 'aabbccdd',
            'certificate_verify': {'signature_algorithm': 'rsa_pss_rsae_sha256'},
            'x509': X509,
            'hash': {'sha1': 'C' * 40, 'sha256': 'D' * 64},
        },
        'server': {
            'ja3s': 'fedcba9876543210fedcba9876543210',
            'ja3s_string': '771,49199,65281-0-11-16',
            'extensions': [65281, 0, 11, 16],
            'session_id': '00ff',
            'ticket_lifetime_hint': 7200,
            'key_exchange': {'method': 'ecdhe', 'group': 'x25519',
                             'signature_algorithm': 'rsa_pss_rsae_sha256'},
            'certificate_request': {'certificate_types': ['rsa_sign', 'ecdsa_sign'],
                                    'signature_algorithms': ['rsa_pkcs1_sha256'],
                                    'authorities': ['CN=Example CA']},
            'x509': X509,
            'hash': {'sha1': 'E' * 40, 'sha256': 'F' * 64},
            'subject': 'CN=www.example.com,O=Example',
            'issuer': 'CN=Example CA',
            'not_before': '2026-01-01T00:00:00Z',
            'not_after': '2027-01-01T00:00:00Z',
            'certificate_chain': ['MIIB', 'MIIC'],
            'chain': [X509, X509],
            'validation': {'status': 'unknown_ca', 'sni_match': True, 'chain_ordered': True},
        },
    },
}

SESSION_FAILED = {
    '@timestamp': TS,
    'event': {'dataset': 'tlstap.session', 'start': TS, 'end': TS, 'duration': 0},
    'source': {'ip': '10.0.0.1', 'port': 40000},
    'destination': {'ip': '10.0.0.2', 'port': 443},
    'network': {'transport': 'tcp', 'type': 'ipv4'},
    'tls': {'outcome': 'no_server_response',
            'failure': {'stage': 'server_hello', 'reason': 'no bytes from the server'},
            'authentication': 'unknown',
            'handshake_messages': ['client:client_hello'],
            'client': {'server_name': 'example.org', 'version': '0x0303',
                       'supported_ciphers': ['TLS_AES_128_GCM_SHA256'],
                       'extensions': [0, 43]}},
}

STATS = {
    '@timestamp': TS,
    'event': {'kind': 'metric', 'dataset': 'tlstap.stats'},
    'tlstap': {'stats': {
        'final': True, 'packets': 100, 'bytes': 65000, 'truncated_packets': 0,
        'decode_errors': {'link': 0, 'ipv4': 0, 'ipv6': 0, 'tcp': 1, 'other': 0},
        'non_ip': 2, 'non_tcp': 3,
        'bad_checksums': {'ipv4_header': 0, 'tcp': 0},
        'fragments': {'datagrams': 0, 'reassembled': 0, 'timed_out': 0, 'dropped': 0},
        'flows': {'created': 5, 'evicted': 0, 'timed_out': 1, 'active': 0},
        'reassembly': {'gaps': 0, 'gap_bytes': 0, 'memcap_hits': 0, 'dir_limit_hits': 0,
                       'overlap_conflicts': 0},
        'sessions': {'tls': 4, 'not_tls': 1, 'established': 3, 'alert': 1, 'reset': 0,
                     'closed': 0, 'incomplete': 0, 'no_server_response': 0, 'malformed': 0},
        'anomalies': {'midstream': 1, '(other)': 2},
        'certificates': {'parsed': 3, 'cache_hits': 1, 'failed': 0, 'validations': 2,
                         'validation_hits': 1},
        'records': {'written': 5, 'dropped': 0},
        'pcap': {'received': 100, 'dropped': 0, 'if_dropped': 0},
    }},
}

GOOD = [SESSION_FULL, SESSION_FAILED, STATS]

failures = 0


def line(rec):
    return (json.dumps(rec, separators=(',', ':'), ensure_ascii=False) + '\n').encode()


def run(data):
    """(failed lines, messages) for an NDJSON byte string."""
    out = io.StringIO()
    _, failed = vr.validate_stream('t', io.BytesIO(data), VALIDATOR, out, quiet=True)
    return failed, out.getvalue()


def expect_ok(what, data):
    global failures
    failed, msgs = run(data)
    if failed:
        failures += 1
        print('FAIL %s: should validate, got:\n%s' % (what, msgs))


def expect_bad(what, data, needle):
    global failures
    failed, msgs = run(data)
    if not failed or needle not in msgs:
        failures += 1
        print('FAIL %s: should be rejected with %r, got: %r' % (what, needle, msgs))


def mutate(rec, path, value=None, delete=False):
    r = copy.deepcopy(rec)
    o = r
    for p in path[:-1]:
        o = o[p]
    if delete:
        del o[path[-1]]
    else:
        o[path[-1]] = value
    return r


def main():
    global VALIDATOR
    VALIDATOR = vr.load_validator(vr.DEFAULT_SCHEMA)

    for i, rec in enumerate(GOOD):
        expect_ok('good record %d' % i, line(rec))
    expect_ok('all good records', b''.join(line(r) for r in GOOD))
    # Alternatives ECS allows: a single value where ECS says "array".
    expect_ok('ECS array field as a single value',
              line(mutate(SESSION_FULL, ['tls', 'server', 'x509', 'subject', 'common_name'], 'x')))
    expect_ok('draft version', line(mutate(SESSION_FULL, ['tls', 'version'], '1.3-draft23')))

    s = SESSION_FULL
    # Wrong types.
    expect_bad('port as string', line(mutate(s, ['source', 'port'], '443')), "'443' is not of type 'integer'")
    expect_bad('port out of range', line(mutate(s, ['source', 'port'], 70000)), 'source.port')
    expect_bad('established as string', line(mutate(s, ['tls', 'established'], 'true')), 'tls.established')
    expect_bad('object where ECS has a value',
               line(mutate(s, ['tls', 'cipher'], {'name': 'x'})), 'tls.cipher')
    expect_bad('extensions as names', line(mutate(s, ['tls', 'client', 'extensions'], ['server_name'])),
               'tls.client.extensions[0]')
    expect_bad('float counter', line(mutate(s, ['event', 'duration'], 1.5)), 'non-integer number')
    expect_bad('float that looks integral', line(mutate(STATS, ['tlstap', 'stats', 'packets'], 100.0)),
               'tlstap.stats.packets')
    expect_bad('bad timestamp', line(mutate(s, ['@timestamp'], '2026-11-22 10:00:00')), '@timestamp')
    expect_bad('timestamp without microseconds', line(mutate(s, ['@timestamp'], '2026-11-22T10:00:00Z')),
               '@timestamp')
    expect_bad('ja3 uppercase', line(mutate(s, ['tls', 'client', 'ja3'], 'A' * 32)), 'tls.client.ja3')
    expect_bad('sha1 lowercase', line(mutate(s, ['tls', 'server', 'hash', 'sha1'], 'a' * 40)),
               'tls.server.hash.sha1')
    expect_bad('unknown outcome', line(mutate(s, ['tls', 'outcome'], 'ok')), 'tls.outcome')
    expect_bad('handshake message without side',
               line(mutate(s, ['tls', 'handshake_messages'], ['client_hello'])), 'tls.handshake_messages[0]')
    expect_bad('client.version as integer', line(mutate(s, ['tls', 'client', 'version'], 771)),
               'tls.client.version')
    # Unknown keys (typos) anywhere in the objects we define.
    expect_bad('top-level typo', line(mutate(s, ['tsl'], {})), "'tsl' was unexpected")
    expect_bad('tls typo', line(mutate(s, ['tls', 'cypher'], 'x')), "'cypher' was unexpected")
    expect_bad('client typo', line(mutate(s, ['tls', 'client', 'ja3_str'], 'x')), "'ja3_str' was unexpected")
    expect_bad('x509 typo', line(mutate(s, ['tls', 'server', 'x509', 'serial'], '01')),
               "'serial' was unexpected")
    expect_bad('alert typo', line(mutate(s, ['tls', 'alerts', 0, 'desc'], 'x')), "'desc' was unexpected")
    expect_bad('stats typo', line(mutate(STATS, ['tlstap', 'stats', 'pakets'], 1)), "'pakets' was unexpected")
    # Required fields and conditional rules.
    expect_bad('missing source', line(mutate(s, ['source'], delete=True)), "'source' is a required property")
    expect_bad('failure missing when not established',
               line(mutate(SESSION_FAILED, ['tls', 'failure'], delete=True)), "'failure' is a required property")
    expect_bad('encrypted alert with description',
               line(mutate(s, ['tls', 'alerts', 1, 'description'], 'bad_record_mac')), 'tls.alerts[1]')
    expect_bad('unknown dataset', line(mutate(s, ['event', 'dataset'], 'tlstap.flow')), 'event.dataset')
    expect_bad('stats fields in a session record', line(mutate(s, ['tlstap'], STATS['tlstap'])),
               "'stats' was unexpected")
    expect_bad('unknown encapsulation type',
               line(mutate(s, ['tlstap'], {'encapsulation': [{'type': 'l2tp'}]})), 'l2tp')
    expect_bad('VXLAN VNI beyond 24 bits',
               line(mutate(s, ['tlstap'], {'encapsulation': [{'type': 'vxlan', 'vni': 1 << 24}]})),
               'vni')
    expect_bad('session fields in a stats record', line(mutate(STATS, ['tls'], {'outcome': 'established'})),
               "'tls' was unexpected")
    # null and empty strings.
    expect_bad('null value', line(mutate(s, ['tls', 'next_protocol'], None)), 'null value')
    expect_bad('null in array', line(mutate(s, ['tls', 'anomalies'], ['midstream', None])), 'null value')
    expect_bad('empty string', line(mutate(s, ['tls', 'client', 'server_name'], '')), 'empty string')
    expect_bad('empty object', line(mutate(s, ['tls', 'failure'], {})), 'tls.failure')
    # Framing.
    good = line(STATS)
    expect_bad('two objects on one line', good[:-1] + good, 'not one JSON value')
    expect_bad('record split over two lines', good[:40] + b'\n' + good[40:], 'not one JSON value')
    expect_bad('cut short at end of input', good[:-1], 'cut short')
    expect_bad('truncated record', good[:len(good) // 2] + b'\n', 'not one JSON value')
    expect_bad('CRLF', good[:-1] + b'\r\n', 'CR before LF')
    expect_bad('empty line', good + b'\n' + good, 'empty line')
    expect_bad('array instead of object', b'[1,2]\n', 'must be a JSON object')
    expect_bad('invalid UTF-8', good[:20] + b'\xff' + good[20:], 'not UTF-8')
    expect_bad('duplicate key', b'{"@timestamp":"%s","@timestamp":"%s"}\n' % (TS.encode(), TS.encode()),
               'duplicate key')
    expect_bad('NaN', line(STATS)[:-2] + b',"x":NaN}\n', 'non-finite')
    expect_bad('raw control character', b'{"a":"x\ty"}\n', 'not one JSON value')

    # The command line: exit codes, several files, stdin.
    script = os.path.join(HERE, 'validate_records.py')
    ok = subprocess.run([sys.executable, script, '-q', '-'], input=b''.join(line(r) for r in GOOD),
                        capture_output=True)
    bad = subprocess.run([sys.executable, script, '-q'], input=line(STATS) + b'null\n', capture_output=True)
    missing = subprocess.run([sys.executable, script, '-q', '/nonexistent/x.ndjson'], capture_output=True)
    global failures
    if ok.returncode != 0 or bad.returncode != 1 or b'<stdin>:2:' not in bad.stdout or missing.returncode != 2:
        failures += 1
        print('FAIL command line: exit codes %d %d %d, output %r' %
              (ok.returncode, bad.returncode, missing.returncode, bad.stdout))

    print('schema self test: %s' % ('%d failures' % failures if failures else 'ok'))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
