#!/usr/bin/python3
"""Conformance of tlstap against the public capture corpus (issue 8).

Runs tlstap over every capture listed in ../shared/corpus/MANIFEST.tsv and
compares its records with the outputs that other projects published for the
same captures: FoxIO ja4 snapshots and JSON, Arkime session documents, Zeek
ssl.log and x509.log, Suricata test.yaml checks on tls fields, nDPI reader
lines and joy JSON.  Three checks, chosen with --check:

  fields   per-field agreement (compared, agreed, percent), overall and per
           source; fails when a field's agreed count falls below baseline.json
  tshark   per capture, the multisets of SNIs, negotiated versions, JA3 and
           JA3S (JA3S carries the cipher) against TSHARK_SUMMARY.jsonl; fails
           below 99% or when a differing capture is not explained in
           TSHARK_DIFFERENCES.md
  robust   no crash (signal, sanitizer report, timeout, invalid NDJSON) on any
           capture; the corrupt captures exit 2 with a stderr line naming the
           file and still print what was decoded before the fault
  all      the three above (default)

Usage:
  conform.py [--tlstap PATH] [--corpus DIR] [--out DIR] [--check CHECK]
             [--jobs N] [--update-baseline] [--no-cache]

Defaults: tlstap from build*/tlstap, corpus ../shared/corpus relative to the
repository root, output in tests/conformance/out/.  When the corpus is absent
the script says so and exits 77 (meson's "skipped").

Every disagreement is written to OUT/disagreements.tsv (capture, source,
expected file, field, expected, got, note) and the tables to
OUT/report-CHECK.txt.  The table's "peer" column counts disagreements that a
documented deviation of the other tool explains (rules in ndpi_peer and
src_ndpi, evidence in DIFFERENCES.md); "adjusted" leaves them out.  Sessions
of kinds tlstap does not decode (DTLS, QUIC, STARTTLS and other in-band
upgrades, proxies, TLS framed inside other protocols) are counted in a
separate "not covered" table; tunnels and 802.11, decoded since issue 16,
are compared like the rest and only listed apart with how much was compared.  tlstap's output per capture is cached in OUT/runs/, keyed by
the binary's path, mtime and size, so the three checks share one run.
Standard library only, plus python3-yaml (Debian) for Suricata's test.yaml.
"""
import argparse
import calendar
import collections
import concurrent.futures
import glob
import ipaddress
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
SKIP = 77

# Fields in table order.  TARGET are the issue 8 targets (99% on TLS over TCP).
FIELDS = [
    "version", "cipher", "sni", "alpn", "curve", "resumed", "established",
    "ja3", "ja3_string", "ja3s", "ja3s_string", "ja4", "ja4_r", "ja4s",
    "cert_sha1", "cert_sha256", "cert_serial", "cert_subject", "cert_issuer",
    "cert_not_before", "cert_not_after", "cert_san", "orientation",
    "quic_version", "quic_first_version", "quic_dcid", "quic_client_scid", "quic_server_scid", "alpn_offered",
    "quic_extension", "gquic_cyu", "gquic_cyu_hash",
]
TARGET = ["version", "cipher", "sni", "alpn", "curve", "resumed", "established",
          "ja3", "ja3s", "ja4", "cert_sha1", "cert_sha256"]
TARGET_PCT = 99.0
# Fields that exist only with a build option (JA4S/JA4X: -Dfoxio); compared
# only when the binary under test emits them at all.
OPTIONAL = {"ja4s"}

# Capture categories (MANIFEST) that tlstap does not decode: sessions of these
# kinds that tlstap does not report are "not covered", not disagreements.
# STARTTLS-style upgrades (starttls-*) and proxies (socks-proxied,
# http-connect-proxied) are decoded (tls.via) and compared like the rest.
UNCOVERED_CLASSES = [
]
# Categories tlstap decodes since issue 16 (tunnels, MPLS, NSH, PPP, 802.11):
# their sessions are compared like any other, and a miss is a disagreement.
# They are listed apart only to show how much of them was compared.
DECODED_CLASSES = [
    ("tunnel", re.compile(r"^(tunnel-|mpls$|nsh$|ppp$)")),
    ("802.11", re.compile(r"^linktype-802\.11$")),
]
CORRUPT_CATEGORY = "damaged-capture-file"

# Captures whose TLS tshark did not see as such (so MANIFEST has no category
# for it) but that carry TLS in a way tlstap does not decode.
EXTRA_UNCOVERED = {
}

# Captures decoded since they were listed above, by what made them so; in
# the "decoded now" lines of the not-covered table.
EXTRA_DECODED = {
    "ndpi/capwap.pcap": "capwap-dtls",                  # DTLS behind the CAPWAP DTLS header
    "ndpi/443-opvn.pcap": "openvpn",                    # TLS inside OpenVPN's TCP framing
    "zeek/globus-url-copy.pcap": "gridftp-adat",        # GridFTP: TLS base64 in FTP ADAT
    "zeek/globus-url-copy-bad-encoding.pcap": "gridftp-adat",
    "ndpi/rdp2.pcap": "rdpeudp",                        # TLS/DTLS in RDP's UDP transport
    # Its TLS is two ClientHellos over flagless TCP after a stray byte
    # (record resync), not UDP: decoded since the record stream resyncs.
    "ndpi/ossfuzz_seed_fake_traces_1.pcapng": "tcp-resync",
}

# Suricata version the test.yaml "requires" are evaluated against.
SURICATA_VERSION = (8, 0, 99)


# ---------------------------------------------------------------- helpers

def die(msg, code=1):
    sys.stderr.write("conform: %s\n" % msg)
    sys.exit(code)


def norm_ip(s):
    if s is None:
        return None
    s = str(s).strip().strip("[]")
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s


def tuple_key(sip, sp, dip, dp):
    try:
        return (norm_ip(sip), int(sp), norm_ip(dip), int(dp))
    except (TypeError, ValueError):
        return None


def get(rec, path):
    """rec['a']['b'] for 'a.b'; also accepts a dotted key at any level."""
    cur = rec
    parts = path.split(".")
    i = 0
    while i < len(parts):
        if not isinstance(cur, dict):
            return None
        for j in range(len(parts), i, -1):
            k = ".".join(parts[i:j])
            if k in cur:
                cur = cur[k]
                i = j
                break
        else:
            return None
    return cur


def version_from_code(code):
    """Wire version code to the canonical form used for comparison."""
    table = {0x0002: "2.0", 0x0200: "2.0", 0x0300: "3.0", 0x0301: "1.0",
             0x0302: "1.1", 0x0303: "1.2", 0x0304: "1.3",
             0xfeff: "dtls1.0", 0xfefd: "dtls1.2", 0xfefc: "dtls1.3"}
    if code in table:
        return table[code]
    if 0x7f00 < code <= 0x7fff:
        return "1.3-draft%d" % (code - 0x7f00)
    if 0xfb00 < code <= 0xfbff:
        return "1.3-draft%d-fb" % (code - 0xfb00)
    return "0x%04x" % code


def norm_version(s):
    """Version spellings of every source to one form: 1.2, 3.0, 1.3-draft18,
    1.3-draft<16 (Suricata), 1.3-fb (nDPI's Fizz), dtls1.2; None = absent."""
    if s is None:
        return None
    s = str(s).strip()
    if s in ("", "-", "UNDETERMINED", "(empty)"):
        return None
    m = re.match(r"^0x([0-9a-fA-F]{4})$", s)
    if m:
        return version_from_code(int(m.group(1), 16))
    m = re.match(r"^TLSv1\.3-draft\(0x([0-9a-fA-F]{4})\)$", s)   # tshark
    if m:
        return version_from_code(int(m.group(1), 16))
    m = re.match(r"^(D?)(TLS|SSL)\s*v?\s*(\d)(?:\.?(\d))?\s*(.*)$", s, re.I)
    if not m:
        return s
    dtls, proto, major, minor, rest = m.groups()
    minor = minor or "0"
    if proto.upper() == "SSL":
        v = "%s.0" % major
    else:
        v = "%s.%s" % (major, minor)
    if dtls:
        v = "dtls" + v
    rest = rest.strip().lower()
    if rest:
        d = re.search(r"draft[- ]?(<?\d+)", rest)
        if d:
            v += "-draft" + d.group(1)
        elif "fizz" in rest:
            v += "-fb"
        elif "draft" in rest:
            v += "-draft"
    return v


def version_agree(exp, got):
    if exp == got:
        return True
    if exp is None or got is None:
        return False
    m = re.match(r"^1\.3-draft(\d+)", got)
    if exp == "1.3-draft<16":
        return bool(m) and int(m.group(1)) < 16
    if exp == "1.3-fb":
        return bool(re.match(r"^1\.3-draft\d+-fb$", got))
    if exp == "1.3-draft":
        return got.startswith("1.3-draft")
    return False


CURVE_ALIAS = {
    "prime256v1": "secp256r1", "p-256": "secp256r1", "p256": "secp256r1",
    "p-384": "secp384r1", "p384": "secp384r1", "p-521": "secp521r1",
    "p521": "secp521r1", "prime192v1": "secp192r1", "x448": "x448",
    "x25519": "x25519", "ecdh_x25519": "x25519", "ecdh_x448": "x448",
}


def norm_curve(s):
    if s in (None, "", "-"):
        return None
    s = str(s).strip()
    return CURVE_ALIAS.get(s.lower(), s.lower())


def norm_hex(s):
    """Hash or fingerprint: lowercase hex, no colons."""
    if s in (None, "", "-"):
        return None
    return re.sub(r"[^0-9a-f]", "", str(s).lower())


def norm_serial(s):
    h = norm_hex(s)
    if h is None:
        return None
    h = h.lstrip("0")
    return h or "0"


def norm_bool(s):
    if isinstance(s, bool):
        return s
    if s in ("T", "true", "True", 1):
        return True
    if s in ("F", "false", "False", 0):
        return False
    return None


def norm_str(s, lower=False):
    if s is None:
        return None
    s = str(s)
    if s in ("", "-", "(empty)"):
        return None
    return s.lower() if lower else s


MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
     "nov", "dec"], 1)}


def norm_time(v):
    """Any source's timestamp to integer seconds since the epoch (UTC)."""
    if v is None or v in ("", "-"):
        return None
    if isinstance(v, (int, float)):
        return int(v)
    s = str(v).strip()
    if re.match(r"^-?\d+(\.\d+)?$", s):
        return int(float(s))
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?(\.\d+)?"
                 r"(Z|[+-]\d\d:?\d\d)?$", s)
    if m:
        y, mo, d, h, mi, sec = (int(x or 0) for x in m.groups()[:6])
        t = calendar.timegm((y, mo, d, h, mi, sec, 0, 0, 0))
        tz = m.group(8)
        if tz and tz != "Z":
            sign = -1 if tz[0] == "+" else 1
            tz = tz[1:].replace(":", "")
            t += sign * (int(tz[:2]) * 3600 + int(tz[2:]) * 60)
        return t
    m = re.match(r"^([A-Za-z]{3})\s+(\d+)\s+(\d\d):(\d\d):(\d\d)\s+(\d{4})", s)  # joy
    if m:
        mo = MONTHS.get(m.group(1).lower())
        if mo:
            return calendar.timegm((int(m.group(6)), mo, int(m.group(2)),
                                    int(m.group(3)), int(m.group(4)),
                                    int(m.group(5)), 0, 0, 0))
    return s


# Distinguished names: every source spells them differently (RFC 4514 order
# and escapes, OpenSSL's one-line form, Suricata's "C=US, O=..", Arkime's
# lowercased CN lists, joy's long names).  They are compared as multisets of
# (attribute, value) pairs with attribute names normalised.
DN_TYPES = {
    "cn": "cn", "commonname": "cn", "2.5.4.3": "cn",
    "o": "o", "organizationname": "o", "2.5.4.10": "o",
    "ou": "ou", "organizationalunitname": "ou", "organizationalunit": "ou",
    "2.5.4.11": "ou",
    "c": "c", "countryname": "c", "2.5.4.6": "c",
    "l": "l", "localityname": "l", "2.5.4.7": "l",
    "st": "st", "s": "st", "stateorprovincename": "st", "2.5.4.8": "st",
    "street": "street", "streetaddress": "street", "2.5.4.9": "street",
    "postalcode": "postalcode", "2.5.4.17": "postalcode",
    "serialnumber": "serialnumber", "2.5.4.5": "serialnumber",
    "emailaddress": "email", "email": "email", "e": "email",
    "1.2.840.113549.1.9.1": "email",
    "dc": "dc", "domaincomponent": "dc", "0.9.2342.19200300.100.1.25": "dc",
    "uid": "uid", "userid": "uid", "0.9.2342.19200300.100.1.1": "uid",
    "businesscategory": "businesscategory", "2.5.4.15": "businesscategory",
    "jurisdictionc": "jurisdictionc", "jurisdictioncountryname": "jurisdictionc",
    "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionc",
    "jurisdictionst": "jurisdictionst",
    "jurisdictionstateorprovincename": "jurisdictionst",
    "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionst",
    "jurisdictionl": "jurisdictionl", "jurisdictionlocalityname": "jurisdictionl",
    "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionl",
    "title": "title", "2.5.4.12": "title", "sn": "sn", "surname": "sn",
    "2.5.4.4": "sn", "givenname": "gn", "gn": "gn", "2.5.4.42": "gn",
    "name": "name", "2.5.4.41": "name", "initials": "initials",
    "2.5.4.43": "initials", "dnqualifier": "dnqualifier", "2.5.4.46": "dnqualifier",
    "pseudonym": "pseudonym", "2.5.4.65": "pseudonym",
    "msjurisdictioncountry": "jurisdictionc",
    "msjurisdictionstateorprovince": "jurisdictionst",
    "msjurisdictionlocality": "jurisdictionl",
    "organizationidentifier": "organizationidentifier",
    "2.5.4.97": "organizationidentifier",
}


def dn_type(t):
    t = t.strip()
    return DN_TYPES.get(t.lower(), t.lower())


def _unescape(v):
    out, i = [], 0
    while i < len(v):
        ch = v[i]
        if ch == "\\" and i + 1 < len(v):
            if i + 2 < len(v) and re.match(r"[0-9a-fA-F]{2}", v[i + 1:i + 3]):
                # a run of \XX is UTF-8
                bs = bytearray()
                while i + 2 < len(v) + 0 and v[i] == "\\" and \
                        re.match(r"[0-9a-fA-F]{2}", v[i + 1:i + 3]):
                    bs.append(int(v[i + 1:i + 3], 16))
                    i += 3
                    if i >= len(v):
                        break
                out.append(bs.decode("utf-8", "replace"))
                continue
            out.append(v[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def dn_parse(s):
    """A DN string to a Counter of (type, value); None when absent."""
    if s is None or s in ("", "-"):
        return None
    # split on unescaped ',' or '+' that start a new "type=" component
    pieces, cur, i = [], [], 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            cur.append(s[i:i + 2])
            i += 2
            continue
        if ch in ",+/" and re.match(r"\s*[A-Za-z0-9][A-Za-z0-9.\-]*\s*=", s[i + 1:]):
            pieces.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    pieces.append("".join(cur))
    c = collections.Counter()
    for p in pieces:
        if "=" not in p:
            if p.strip():
                c[("?", p.strip())] += 1
            continue
        t, v = p.split("=", 1)
        c[(dn_type(t), _unescape(v.strip()))] += 1
    return c


def dn_from_pairs(pairs):
    c = collections.Counter()
    for t, v in pairs:
        c[(dn_type(t), str(v))] += 1
    return c


def dn_restrict(c, types, lower_cn=False):
    if c is None:
        return None
    out = collections.Counter()
    for (t, v), n in c.items():
        if t in types:
            out[(t, v.lower() if lower_cn and t == "cn" else v)] += n
    return out


def dn_str(c):
    if c is None:
        return None
    return ",".join("%s=%s" % tv for tv in sorted(c.elements()))


# ---------------------------------------------------------------- tlstap view

def not_tls_free(r):
    """Whether a tlstap record may match a TLS expectation (not not_tls)."""
    return (r.get("tls") or {}).get("outcome") != "not_tls"


class Rec:
    """Canonical view of one tlstap.session record."""

    def __init__(self, r):
        self.raw = r
        self.key = tuple_key(get(r, "source.ip"), get(r, "source.port"),
                             get(r, "destination.ip"), get(r, "destination.port"))
        self.transport = get(r, "network.transport") or "tcp"
        t = r.get("tls") or {}
        self.tls = t
        # tlstap's own spellings are already canonical (1.2, 1.3-draft18);
        # DTLS is version_protocol dtls + 1.2, compared as dtls1.2
        self.version = str(t["version"]) if t.get("version") else None
        if self.version and t.get("version_protocol") == "dtls":
            self.version = norm_version("0x0100") if self.version == "0x0100" \
                else "dtls" + self.version
        self.cipher = t.get("cipher")
        self.sni = get(t, "client.server_name")
        self.alpn = t.get("next_protocol")
        self.curve = t.get("curve")
        self.resumed = t.get("resumed")
        self.established = t.get("established")
        self.ja3 = get(t, "client.ja3")
        self.ja3_string = get(t, "client.ja3_string")
        self.ja3s = get(t, "server.ja3s")
        self.ja3s_string = get(t, "server.ja3s_string")
        self.ja4 = get(t, "client.ja4")
        self.ja4_r = get(t, "client.ja4_r")
        self.ja4s = get(t, "server.ja4s")
        q = t.get("quic") or {}
        self.quic = q
        self.quic_version = q.get("version")
        self.quic_first_version = q.get("first_version") or q.get("version")
        self.quic_dcid = q.get("dcid")
        self.quic_client_scid = q.get("client_scid")
        self.quic_server_scid = q.get("server_scid")
        self.alpn_offered = (get(t, "client.alpn") or [None])[0]
        self.server_chain = self._chain("server")
        self.client_chain = self._chain("client")

    def _chain(self, side):
        s = self.tls.get(side) or {}
        chain = s.get("chain")
        if isinstance(chain, list) and chain:
            return [c for c in chain if isinstance(c, dict)]
        leaf = s.get("x509")
        if isinstance(leaf, dict):
            c = dict(leaf)
            if "hash" not in c and isinstance(s.get("hash"), dict):
                c["hash"] = s["hash"]
            return [c]
        return []

    def leaf(self):
        return self.server_chain[0] if self.server_chain else None

    def cert_by(self, algo, h):
        for c in self.server_chain + self.client_chain:
            if norm_hex(get(c, "hash." + algo)) == h:
                return c
        return None


def cert_dn(c, which):
    if c is None:
        return None
    dn = get(c, which + ".distinguished_name")
    if dn is not None:
        return dn_parse(dn)
    pairs = []
    names = {"common_name": "cn", "organization": "o",
             "organizational_unit": "ou", "country": "c", "locality": "l",
             "state_or_province": "st"}
    sub = c.get(which) or {}
    for k, t in names.items():
        v = sub.get(k)
        for x in (v if isinstance(v, list) else [v] if v else []):
            pairs.append((t, x))
    return dn_from_pairs(pairs) if pairs else None


# ---------------------------------------------------------------- tallies

class Tally:
    def __init__(self):
        # (bucket, source, field) -> [compared, agreed, peer]; peer counts the
        # disagreements that a documented peer deviation explains (PEER_RULES)
        self.n = collections.defaultdict(lambda: [0, 0, 0])
        self.rows = []
        self.uncovered = collections.Counter()   # (class, source) -> expectations
        self.compared = collections.Counter()    # capture -> expectations compared
        self.peer = collections.Counter()        # (source, field, reason) -> n

    def add(self, source, capture, efile, field, exp, got, ok, note="", peer=None):
        self.compared[capture] += 1
        for key in (("all", "*", field), ("all", source, field)):
            self.n[key][0] += 1
            if ok:
                self.n[key][1] += 1
            elif peer:
                self.n[key][2] += 1
        if peer and not ok:
            self.peer[(source, field, peer)] += 1
            note = ("peer: " + peer + ("; " + note if note else ""))
        if not ok:
            self.rows.append((capture, source, efile, field, show(exp), show(got), note))

    def skip(self, cls, source, capture, efile, what, count=1):
        self.uncovered[(cls, source)] += count
        self.rows.append((capture, source, efile, "(not covered: %s)" % cls, what, "", "not-covered"))


def show(v):
    if v is None:
        return "<absent>"
    if isinstance(v, collections.Counter):
        return dn_str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).replace("\t", " ").replace("\n", " ")


# ---------------------------------------------------------------- matching

class Matcher:
    """Finds the tlstap record for an expectation, each record used once per
    expected file; by 5-tuple (either orientation), else by order/SNI."""

    def __init__(self, recs):
        self.recs = recs
        self.used = set()

    def by_tuple(self, key, prefer_unused=True):
        if key is None:
            return None, False
        rev = (key[2], key[3], key[0], key[1])
        for want, flipped in ((key, False), (rev, True)):
            cands = [i for i, r in enumerate(self.recs) if r.key == want]
            if not cands:
                continue
            free = [i for i in cands if i not in self.used]
            i = free[0] if free else cands[-1]
            self.used.add(i)
            return self.recs[i], flipped
        return None, False

    def by_sni(self, sni):
        for i, r in enumerate(self.recs):
            if i not in self.used and sni and r.sni and r.sni.lower() == sni.lower():
                self.used.add(i)
                return r
        return None


# ---------------------------------------------------------------- comparison core

def cmp_field(t, ctx, field, exp, got):
    """Normalise and compare one field; records the outcome."""
    if field == "version":
        e, g = norm_version(exp) if not isinstance(exp, tuple) else exp[0], got
        ok = version_agree(e, g)
        t.add(ctx.source, ctx.capture, ctx.efile, field, e, g, ok)
        return ok
    if field == "curve":
        e, g = norm_curve(exp), norm_curve(got)
    elif field in ("ja3", "ja3s", "cert_sha1", "cert_sha256"):
        e, g = norm_hex(exp), norm_hex(got)
    elif field == "cert_serial":
        e, g = norm_serial(exp), norm_serial(got)
    elif field in ("cert_not_before", "cert_not_after"):
        e, g = norm_time(exp), norm_time(got)
    elif field in ("resumed", "established"):
        e, g = norm_bool(exp), norm_bool(got)
    elif field == "sni":
        e, g = norm_str(exp, lower=True), norm_str(got, lower=True)
    elif field in ("cert_subject", "cert_issuer"):
        e, g = exp, got
    elif field == "cipher":
        e, g = norm_str(exp), norm_str(got)
        e = e.upper() if e else e
        g = g.upper() if g else g
    else:
        e, g = norm_str(exp), norm_str(got)
    ok = e == g
    t.add(ctx.source, ctx.capture, ctx.efile, field, e, g, ok)
    return ok


class Ctx:
    def __init__(self, source, capture, efile):
        self.source, self.capture, self.efile = source, capture, efile


def rec_value(r, field):
    if field in ("quic_version", "quic_first_version"):
        v = getattr(r, field)
        reserved = v and re.match(r"^[0-9a-f]{8}$", v) and \
            int(v, 16) & 0x0f0f0f0f == 0x0a0a0a0a
        if reserved and field == "quic_first_version" and r.quic_version != v:
            # the hello of a reserved-version attempt is protected as v1
            # or draft-29: nDPI cannot open it and names the next one's
            return rec_value(r, "quic_version")
        return "reserved" if reserved else v
    return getattr(r, field)


def compare_cert(t, ctx, r, exp, lookup="sha1", restrict=None, lower=False,
                 position=None):
    """exp: dict with any of sha1, sha256, serial, subject, issuer (Counter),
    not_before, not_after; finds the certificate in the record by hash (or
    chain position) and compares the rest."""
    c = None
    if position is not None:
        chain = r.server_chain
        c = chain[position] if position < len(chain) else None
    elif lookup in exp and exp[lookup]:
        h = norm_hex(exp[lookup])
        c = r.cert_by(lookup, h)
        cmp_field(t, ctx, "cert_" + lookup, h,
                  norm_hex(get(c, "hash." + lookup)) if c else None)
    if "sha256" in exp and lookup != "sha256":
        cmp_field(t, ctx, "cert_sha256", exp["sha256"], get(c, "hash.sha256") if c else None)
    if "sha1" in exp and lookup != "sha1":
        cmp_field(t, ctx, "cert_sha1", exp["sha1"], get(c, "hash.sha1") if c else None)
    if c is None and position is None:
        return   # the hash disagreement says it all
    if "serial" in exp:
        cmp_field(t, ctx, "cert_serial", exp["serial"],
                  c.get("serial_number") if c else None)
    for w in ("subject", "issuer"):
        if w in exp:
            e = exp[w]
            g = cert_dn(c, w) if c else None
            if restrict is not None:
                e = dn_restrict(e, restrict, lower)
                g = dn_restrict(g, restrict, lower)
            cmp_field(t, ctx, "cert_" + w, e, g)
    for w in ("not_before", "not_after"):
        if w in exp:
            cmp_field(t, ctx, "cert_" + w, exp[w], c.get(w) if c else None)
    if "san" in exp:
        for i, v in exp["san"]:
            alts = (c or {}).get("alternative_names") or []
            cmp_field(t, ctx, "cert_san", v, alts[i] if i < len(alts) else None)


EMITTED = set()   # optional fields the binary under test emits at all


def compare_session(t, ctx, r, exp):
    """exp: canonical field -> expected value (already source-decoded)."""
    for f, v in exp.items():
        if f == "certs" or (f in OPTIONAL and f not in EMITTED):
            continue
        got = rec_value(r, f) if r is not None else None
        cmp_field(t, ctx, f, v, got)


def missing(t, ctx, exp, why="no tlstap record for this connection"):
    for f, v in exp.items():
        if f in OPTIONAL and f not in EMITTED:
            continue
        if f == "certs":
            for ce in v:
                for k in ce:
                    if k in ("sha1", "sha256"):
                        t.add(ctx.source, ctx.capture, ctx.efile, "cert_" + k,
                              show(norm_hex(ce[k])), None, False, why)
            continue
        t.add(ctx.source, ctx.capture, ctx.efile, f, show(v), None, False, why)


# ---------------------------------------------------------------- sources

def read_text(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def src_ja4_snapshot(t, ctx, path, recs, cov):
    txt = read_text(path)
    body = txt.split("\n---\n", 1)[-1] if txt.startswith("---") else txt
    try:
        import yaml
    except ImportError:
        die("python3-yaml is needed (apt-get install python3-yaml)")
    data = yaml.safe_load(body) or []
    m = Matcher(recs)
    for s in data:
        if not isinstance(s, dict):
            continue
        exp = {}
        if "tls_server_name" in s:
            exp["sni"] = s["tls_server_name"]
        if "ja4" in s:
            exp["ja4"] = s["ja4"]
        if "ja4s" in s:
            exp["ja4s"] = s["ja4s"]
        if not exp and "tls_certs" not in s:
            continue
        if s.get("transport") not in ("tcp", "udp", "quic"):
            t.skip("other", ctx.source, ctx.capture, ctx.efile,
                   "stream %s (%s)" % (s.get("stream"), s.get("transport")))
            continue
        r, flipped = m.by_tuple(tuple_key(s.get("src"), s.get("src_port"),
                                          s.get("dst"), s.get("dst_port")))
        if r is None:
            if cov.explains_miss():
                t.skip(cov.cls(), ctx.source, ctx.capture, ctx.efile,
                       "stream %s" % s.get("stream"))
            else:
                missing(t, ctx, exp)
            continue
        cmp_field(t, ctx, "orientation", "client->server",
                  "server->client" if flipped else "client->server")
        compare_session(t, ctx, r, exp)
        # certificate names by chain position
        if s.get("tls_certs") and get(r.tls, "server.certificate_encrypted"):
            t.skip("decrypted-by-peer", ctx.source, ctx.capture, ctx.efile,
                   "stream %s: TLS 1.3 certificates, read by FoxIO with the "
                   "capture's embedded keys" % s.get("stream"))
            continue
        for certs in s.get("tls_certs") or []:
            for pos, x in enumerate(certs.get("x509") or []):
                e = {}
                for w in ("subject", "issuer"):
                    pairs = []
                    for k, v in x.items():
                        if k.startswith(w):
                            pairs.append((k[len(w):], v))
                    if pairs:
                        e[w] = dn_from_pairs(pairs)
                if e:
                    types = {tv[0] for w in e for tv in e[w]}
                    compare_cert(t, ctx, r, e, position=pos, restrict=types)
            break   # the first tls_certs entry is the server's chain


def src_ja4_python(t, ctx, path, recs, cov):
    data = json.loads(read_text(path))
    m = Matcher(recs)
    for s in data:
        exp = {}
        if "domain" in s:
            exp["sni"] = s["domain"]
        if "JA4.1" in s:
            exp["ja4"] = s["JA4.1"]
        if "JA4_r.1" in s:
            exp["ja4_r"] = s["JA4_r.1"]
        if "JA4S" in s:
            exp["ja4s"] = s["JA4S"]
        if not exp:
            continue
        key = tuple_key(s.get("src"), s.get("srcport"), s.get("dst"), s.get("dstport"))
        r, flipped = m.by_tuple(key)
        if r is None:
            cls = cov.cls_for_missing(key)
            if cls:
                t.skip(cls, ctx.source, ctx.capture, ctx.efile, "stream %s" % s.get("stream"))
            else:
                missing(t, ctx, exp)
            continue
        compare_session(t, ctx, r, exp)


def src_ja4_wireshark(t, ctx, path, recs, cov):
    """Per-packet JSON without addresses: only JA4S is comparable (as a
    multiset per capture), and only when the build emits JA4S."""
    data = json.loads(read_text(path))
    exp = collections.Counter()
    for p in data:
        layers = get(p, "_source.layers")
        for v in (layers.get("ja4.ja4s") or []) if isinstance(layers, dict) else []:
            exp[v] += 1
    if not exp:
        return
    got = collections.Counter(r.ja4s for r in recs if r.ja4s)
    for v, n in exp.items():
        for i in range(n):
            ok = got[v] > 0
            if ok:
                got[v] -= 1
            t.add(ctx.source, ctx.capture, ctx.efile, "ja4s", v, v if ok else None, ok,
                  "" if ok else "no record with this JA4S")


def arkime_cert(c):
    e = {"sha1": c.get("hash"), "serial": c.get("serial")}
    for w, pre in (("subject", "subject"), ("issuer", "issuer")):
        pairs = []
        for suf, typ in (("CN", "cn"), ("ON", "o"), ("OU", "ou")):
            for v in c.get(pre + suf) or []:
                pairs.append((typ, v))
        e[w] = dn_from_pairs(pairs)
    if "notBefore" in c:
        e["not_before"] = int(c["notBefore"]) // 1000
    if "notAfter" in c:
        e["not_after"] = int(c["notAfter"]) // 1000
    return e


def src_arkime(t, ctx, path, recs, cov):
    data = json.loads(read_text(path))
    m = Matcher(recs)
    for s in data.get("sessions3", []):
        b = s.get("body") or {}
        if "tls" not in (b.get("protocol") or []) and "tls" not in b and "cert" not in b:
            continue
        tl = b.get("tls") or {}
        exp = {}
        for f, k in (("version", "version"), ("cipher", "cipher"), ("ja3", "ja3"),
                     ("ja3_string", "ja3string"), ("ja3s", "ja3s"),
                     ("ja3s_string", "ja3sstring"), ("ja4", "ja4"), ("ja4_r", "ja4_r")):
            v = tl.get(k)
            if v:
                exp[f] = v
        certs = [arkime_cert(c) for c in b.get("cert") or []]
        if not exp and not certs:
            continue
        proto = b.get("ipProtocol")
        key = tuple_key(get(b, "source.ip"), get(b, "source.port"),
                        get(b, "destination.ip"), get(b, "destination.port"))
        if proto != 6 and not {"dtls", "quic"} & set(b.get("protocol") or []):
            t.skip("other-udp", ctx.source, ctx.capture, ctx.efile, "session %s" % (key,))
            continue
        r, flipped = m.by_tuple(key)
        if r is None:
            cls = cov.cls_for_missing(key)
            if cls:
                t.skip(cls, ctx.source, ctx.capture, ctx.efile, "session %s" % (key,))
            else:
                missing(t, ctx, dict(exp, certs=certs))
            continue
        cmp_field(t, ctx, "orientation", "client->server",
                  "server->client" if flipped else "client->server")
        for f, vals in exp.items():
            g = rec_value(r, f)
            if f == "version":
                e = [norm_version(v) for v in vals]
                ok = any(version_agree(x, g) for x in e)
                t.add(ctx.source, ctx.capture, ctx.efile, f, ",".join(map(str, e)), g, ok)
            elif len(vals) == 1:
                cmp_field(t, ctx, f, vals[0], g)
            else:   # several handshakes on one connection: any of them
                ok = any(cmp_quiet(f, v, g) for v in vals)
                t.add(ctx.source, ctx.capture, ctx.efile, f, "|".join(vals), g, ok,
                      "one of %d values" % len(vals))
        for c in certs:
            compare_cert(t, ctx, r, c, lookup="sha1",
                         restrict={"cn", "o", "ou"}, lower=True)


def cmp_quiet(field, exp, got):
    t = Tally()
    return cmp_field(t, Ctx("", "", ""), field, exp, got)


def zeek_unescape(v):
    r"""Zeek's log escaping: \\ for a backslash, \xHH for other bytes."""
    if "\\" not in v:
        return v
    return re.sub(r"\\x([0-9a-fA-F]{2})|\\\\",
                  lambda m: chr(int(m.group(1), 16)) if m.group(1) else "\\", v)


def zeek_tables(path):
    """Zeek TSV logs: list of sections, each (path, fields, rows)."""
    sections, cur = [], None
    for line in read_text(path).splitlines():
        if line.startswith("#path"):
            cur = {"path": line.split("\t", 1)[1].strip() if "\t" in line else line.split()[1],
                   "fields": None, "rows": []}
            sections.append(cur)
        elif line.startswith("#fields"):
            if cur is None:
                cur = {"path": "?", "fields": None, "rows": []}
                sections.append(cur)
            cur["fields"] = line.split("\t")[1:]
        elif line.startswith("#") or not line.strip():
            continue
        elif cur is not None and cur["fields"]:
            cur["rows"].append(dict(zip(cur["fields"],
                                        (zeek_unescape(v) for v in line.split("\t")))))
    return sections


def zeek_vec(s):
    if s in (None, "-", "(empty)", ""):
        return []
    return s.split(",")


class Coverage:
    """What tlstap is not expected to decode in one capture."""

    def __init__(self, categories, data, rel=None):
        self.cats = categories
        self.data = data      # raw capture bytes, for attributing sections
        self.classes = uncovered_classes(categories, rel)

    def cls(self):
        return self.cls_for_missing()

    def explains_miss(self):
        return self.cls_for_missing() is not None

    def cls_for_missing(self, key=None):
        """The class that explains a TLS-over-TCP session tlstap did not
        report: DTLS and QUIC are UDP, so they never explain a TCP miss."""
        tcp = [c for c in self.classes if c not in ("dtls", "quic")]
        return "/".join(tcp) if tcp else None

    def contains_tuple(self, key):
        """Do the addresses and ports of key occur in the capture's bytes?
        Used to find which section of a multi-capture Zeek log belongs here."""
        if key is None or self.data is None:
            return False
        try:
            a = ipaddress.ip_address(key[0]).packed
            b = ipaddress.ip_address(key[2]).packed
        except ValueError:
            return False
        pa = key[1].to_bytes(2, "big")
        pb = key[3].to_bytes(2, "big")
        return (a in self.data and b in self.data and
                (a + b + pa + pb in self.data or b + a + pb + pa in self.data or
                 (pa + pb in self.data and pb + pa in self.data)))


def zeek_sections_for(path, cov, multi, want):
    secs = [s for s in zeek_tables(path) if s["path"] == want]
    if not multi:
        return secs
    out = []
    for s in secs:
        keys = [tuple_key(r.get("id.orig_h"), r.get("id.orig_p"),
                          r.get("id.resp_h"), r.get("id.resp_p")) for r in s["rows"]]
        if keys and all(cov.contains_tuple(k) for k in keys):
            out.append(s)
    return out


def src_zeek_ssl(t, ctx, path, recs, cov, multi):
    m = Matcher(recs)
    for sec in zeek_sections_for(path, cov, multi, "ssl"):
        for row in sec["rows"]:
            exp = {}
            for f, k in (("version", "version"), ("cipher", "cipher"),
                         ("curve", "curve"), ("sni", "server_name"),
                         ("resumed", "resumed"), ("alpn", "next_protocol"),
                         ("established", "established")):
                if k in row:
                    exp[f] = row[k] if row[k] != "-" else None
            key = tuple_key(row.get("id.orig_h"), row.get("id.orig_p"),
                            row.get("id.resp_h"), row.get("id.resp_p"))
            fps = zeek_vec(row.get("cert_chain_fps"))
            sha1 = row.get("server_cert_sha1")
            r, flipped = m.by_tuple(key)
            if r is None:
                cls = cov.cls_for_missing(key)
                if cls:
                    t.skip(cls, ctx.source, ctx.capture, ctx.efile, "%s" % (key,))
                else:
                    certs = [{"sha256": fps[0]}] if fps else []
                    missing(t, ctx, dict(exp, certs=certs))
                continue
            cmp_field(t, ctx, "orientation", "client->server",
                      "server->client" if flipped else "client->server")
            if exp.get("established") in ("F", False, "false") and r.established and \
                    get(r.quic, "packets.client.one_rtt"):
                # Zeek hands its SSL analyzer only QUIC's Initial CRYPTO data;
                # the client's 1-RTT packets say the handshake completed
                t.add(ctx.source, ctx.capture, ctx.efile, "established", False, True, False,
                      peer="zeek-quic-established")
                exp = {k: v for k, v in exp.items() if k != "established"}
            compare_session(t, ctx, r, exp)
            if "cert_chain_fps" in row:
                leaf = r.leaf()
                cmp_field(t, ctx, "cert_sha256", fps[0] if fps else None,
                          get(leaf, "hash.sha256") if leaf else None)
            if sha1 not in (None, "-"):
                leaf = r.leaf()
                cmp_field(t, ctx, "cert_sha1", sha1, get(leaf, "hash.sha1") if leaf else None)


def zeek_quic_version(v):
    """Zeek's quic.log version -> tlstap's tls.quic.version."""
    if v.startswith("unknown-"):
        return v[len("unknown-"):].rjust(8, "0")
    return {"quicv2": "2"}.get(v, v)


def src_zeek_quic(t, ctx, path, recs, cov):
    """quic.log: one row per connection attempt (a Retry starts a second
    one on the same 5-tuple, whose DCID is the Retry's SCID)."""
    m = Matcher([r for r in recs if r.quic])
    attempts = collections.Counter()
    for sec in zeek_tables(path):
        for row in sec["rows"]:
            key = tuple_key(row.get("id.orig_h"), row.get("id.orig_p"),
                            row.get("id.resp_h"), row.get("id.resp_p"))
            val = lambda k: None if row.get(k) in (None, "-", "(empty)") else row[k]
            exp = {}
            if "server_name" in row:
                exp["sni"] = val("server_name")
            if "client_protocol" in row:
                exp["alpn_offered"] = val("client_protocol")
            if key is None:
                r = m.by_sni(exp.get("sni")) if exp.get("sni") else None
                if r is None:
                    missing(t, ctx, exp, "no tlstap QUIC record with this SNI")
                else:
                    compare_session(t, ctx, r, exp)
                continue
            n = attempts[key]
            attempts[key] += 1
            if "version" in row:
                exp["quic_version"] = zeek_quic_version(row["version"])
            r, _ = m.by_tuple(key)
            if r is None:
                missing(t, ctx, exp)
                continue
            if "client_initial_dcid" in row:
                want = val("client_initial_dcid")
                got = r.quic_dcid if n == 0 else r.quic.get("retry_scid")
                t.add(ctx.source, ctx.capture, ctx.efile, "quic_dcid", show(want), show(got),
                      want == got)
            if "client_scid" in row:
                exp["quic_client_scid"] = val("client_scid")
            if "server_scid" in row and not (n == 0 and r.quic.get("retry") and
                                             val("server_scid") is None):
                exp["quic_server_scid"] = val("server_scid")
            compare_session(t, ctx, r, exp)


def src_zeek_x509(t, ctx, path, recs, cov, multi, zeek_fps):
    secs = [s for s in zeek_tables(path) if s["path"] == "x509"]
    for sec in secs:
        for row in sec["rows"]:
            fp = norm_hex(row.get("fingerprint"))
            if multi and fp not in zeek_fps:
                continue   # belongs to another capture of the same Zeek test
            found = None
            for r in recs:
                c = r.cert_by("sha256", fp)
                if c is not None:
                    found = (r, c)
                    break
            if found is None:
                if cov.classes:   # certificates of DTLS/QUIC sessions too
                    t.skip("/".join(cov.classes), ctx.source, ctx.capture, ctx.efile,
                           "cert %s" % fp)
                else:
                    t.add(ctx.source, ctx.capture, ctx.efile, "cert_sha256", fp, None, False,
                          "certificate not in any tlstap chain")
                continue
            e = {"sha256": fp, "serial": row.get("certificate.serial"),
                 "subject": dn_parse(row.get("certificate.subject")),
                 "issuer": dn_parse(row.get("certificate.issuer")),
                 "not_before": row.get("certificate.not_valid_before"),
                 "not_after": row.get("certificate.not_valid_after")}
            compare_cert(t, ctx, found[0], e, lookup="sha256")


def zeek_fps_of(capture_files, cov):
    """SHA-256 fingerprints Zeek logged for this capture (its ssl logs)."""
    fps = set()
    for path, multi in capture_files:
        for sec in zeek_sections_for(path, cov, multi, "ssl"):
            for row in sec["rows"]:
                for k in ("cert_chain_fps", "client_cert_chain_fps"):
                    fps.update(norm_hex(x) for x in zeek_vec(row.get(k)))
    return fps


NDPI_LINE = re.compile(r"^\s*\d+\s+(TCP|UDP)\s+(\[[^\]]+\]|[^\s:]+):(\d+)\s+<->\s+"
                       r"(\[[^\]]+\]|[^\s:]+):(\d+)\s+(.*)$")


def ndpi_tokens(rest):
    toks, depth, cur = [], 0, []
    for ch in rest:
        if ch == "[":
            depth += 1
            if depth == 1:
                cur = []
                continue
        elif ch == "]":
            depth -= 1
            if depth == 0:
                toks.append("".join(cur))
                continue
        if depth >= 1:
            cur.append(ch)
    return toks


NDPI_SUBJ_TYPES = {"cn", "c", "l", "st", "o", "ou"}


def src_ndpi(t, ctx, path, recs, cov):
    m = Matcher(recs)
    for line in read_text(path).splitlines():
        mm = NDPI_LINE.match(line)
        if not mm:
            continue
        proto, a, pa, b, pb, rest = mm.groups()
        toks = ndpi_tokens(rest)
        kv = {}
        version = None
        for tok in toks:
            if ": " in tok:
                k, v = tok.split(": ", 1)
                kv.setdefault(k, v)
            elif re.match(r"^(TLSv1(\.\d)?|SSLv[23]|TLSv1\.3 \(Fizz\)|TLS \(\w+\)|DTLSv1\.\d)$", tok):
                version = tok
        if "JA3C" not in kv and "JA4" not in kv and "JA3S" not in kv and "QUIC ver" not in kv:
            continue
        key = tuple_key(a, pa, b, pb)
        if proto != "TCP" and "QUIC ver" not in kv and "DTLS" not in rest:
            t.skip("other-udp", ctx.source, ctx.capture, ctx.efile, "%s flow %s" % (proto, key,))
            continue
        exp = {}
        if "Hostname/SNI" in kv:
            exp["sni"] = kv["Hostname/SNI"]
        if "QUIC ver" in kv:
            # the version of the first packet (tls.quic.first_version when
            # the client changed it after Version Negotiation)
            exp["quic_first_version"] = ndpi_quic_version(kv["QUIC ver"])
        if "JA3C" in kv:
            exp["ja3"] = kv["JA3C"].split()[0]
        if "JA4" in kv:
            exp["ja4"] = kv["JA4"]
        server_seen = "JA3S" in kv or "Cipher" in kv
        if "JA3S" in kv:
            exp["ja3s"] = kv["JA3S"].split()[0]   # "<md5> (WEAK)"
        if "Cipher" in kv:
            exp["cipher"] = kv["Cipher"]
        if server_seen:
            if version and not version.startswith("TLS ("):
                exp["version"] = version
            exp["alpn"] = kv.get("(Negotiated) ALPN")
        cert = {}
        if "Certificate SHA-1" in kv:
            cert["sha1"] = kv["Certificate SHA-1"]
        if "Issuer" in kv:
            cert["issuer"] = dn_parse(kv["Issuer"])
        if "Subject" in kv:
            cert["subject"] = dn_parse(kv["Subject"])
        if "Validity" in kv:
            vb = kv["Validity"].split(" - ")
            if len(vb) == 2:
                cert["not_before"], cert["not_after"] = vb
        r, flipped = m.by_tuple(key)
        if r is None:
            cls = cov.cls_for_missing(key)
            if cls:
                t.skip(cls, ctx.source, ctx.capture, ctx.efile, "flow %s" % (key,))
            else:
                missing(t, ctx, dict(exp, certs=[cert] if cert else []))
            continue
        for f, v in exp.items():
            g = rec_value(r, f)
            ok = cmp_quiet(f, v, g)
            e_show = norm_version(v) if f == "version" else v
            t.add(ctx.source, ctx.capture, ctx.efile, f, e_show, g, ok,
                  peer=None if ok else ndpi_peer(f, v, g, r))
        if cert and "subject" in cert and r.leaf():
            # nDPI appends the issuer's RDNs to the subject of some certificates
            both = (cert_dn(r.leaf(), "subject") or collections.Counter()) + \
                (cert_dn(r.leaf(), "issuer") or collections.Counter())
            e = dn_restrict(cert["subject"], NDPI_SUBJ_TYPES)
            g = dn_restrict(cert_dn(r.leaf(), "subject"), NDPI_SUBJ_TYPES)
            twice = dn_restrict(cert_dn(r.leaf(), "subject"), NDPI_SUBJ_TYPES)
            twice = twice + twice if twice is not None else None
            if e != g and (e == dn_restrict(both, NDPI_SUBJ_TYPES) or e == twice):
                t.add(ctx.source, ctx.capture, ctx.efile, "cert_subject", e, g, False,
                      peer="ndpi-subject-rdns-repeated")
                cert = dict(cert)
                del cert["subject"]
        if cert:
            if "sha1" in cert:
                leaf = r.leaf()
                cmp_field(t, ctx, "cert_sha1", cert["sha1"],
                          get(leaf, "hash.sha1") if leaf else None)
                cert2 = dict(cert)
                del cert2["sha1"]
                compare_cert(t, ctx, r, cert2, position=0, restrict=NDPI_SUBJ_TYPES)
            else:
                compare_cert(t, ctx, r, cert, position=0, restrict=NDPI_SUBJ_TYPES)


def foxio_alpn_chars(alpn):
    """JA4 a-part ALPN characters by FoxIO's rule (REFERENCE.md)."""
    if not alpn:
        return "00"
    v = alpn[0]
    if not v:
        return "00"
    if v[0].isascii() and v[0].isalnum() and v[-1].isascii() and v[-1].isalnum():
        return v[0] + v[-1]
    h = v.encode("utf-8", "surrogateescape").hex()
    return h[0] + h[-1]


def ndpi_quic_version(v):
    """nDPI's QUIC version text -> tlstap's tls.quic.version; nDPI says
    Ver-Negotiation for the reserved 0x?a?a?a?a versions, which tlstap
    prints as hex: both become "reserved"."""
    v = v.strip()
    m = re.match(r"^(V-|Draft-|MVFST-)(\w+)$", v)
    if m:
        return {"V-": "", "Draft-": "draft-", "MVFST-": "mvfst-"}[m.group(1)] + m.group(2).lower()
    return "reserved" if v == "Ver-Negotiation" else v


def ndpi_peer(field, exp, got, r):
    """A documented nDPI (2024) deviation that explains exp != got, or None.
    Each rule needs evidence from the record that FoxIO's rule gives got."""
    if field == "ja4" and exp and got and len(exp) == len(got):
        ea, eb, ec = (exp.split("_") + ["", "", ""])[:3]
        ga, gb, gc = (got.split("_") + ["", "", ""])[:3]
        if eb != gb or len(ea) != 10 or len(ga) != 10:
            return None
        if ea[0] != ga[0] or ea[4:8] != ga[4:8]:
            return None
        why = []
        exts = get(r.tls, "client.extensions") or []
        if ec != gc:
            # no extension at all: FoxIO's 000000000000, nDPI hashes the
            # empty string (SHA-256 e3b0c442...)
            if not (ec == "e3b0c44298fc" and gc == "000000000000" and not exts):
                return None
            why.append("empty-hash")
        if ea[1:3] != ga[1:3]:
            sv = get(r.tls, "client.supported_versions") or []
            if ea[1:3] == "d2" and ga[1:3] == "d3" and "dtls1.3" in sv:
                why.append("dtls13-version")     # nDPI reads legacy_version
            elif ea[1:3] == "s3" and ga[1:3] == "00" and \
                    get(r.tls, "client.version") == "0x0100":
                why.append("dtls-bad-ver")        # OpenSSL's 0x0100 as SSL 3.0
            else:
                return None
        if ea[3] != ga[3]:
            if ga[3] != ("d" if 0 in exts else "i"):
                return None
            why.append("sni-flag")
        if ea[8:] != ga[8:]:
            if ga[8:] != foxio_alpn_chars(get(r.tls, "client.alpn")):
                return None
            why.append("alpn-chars")
        return "ndpi-ja4-" + "+".join(why) if why else None
    if field == "version" and got and r.ja3s_string:
        # nDPI keeps the ClientHello's version when the server picks a lower
        # one; its own JA3S (hashed from ServerHello.version) agrees with ours
        try:
            sh = version_from_code(int(r.ja3s_string.split(",")[0]))
        except ValueError:
            return None
        if sh == got and not got.startswith("1.3") and \
                norm_version(exp) == norm_version(get(r.tls, "client.version")):
            return "ndpi-version-from-clienthello"
    return None


JOY_VERSIONS = {1: "2.0", 2: "3.0", 3: "1.0", 4: "1.1", 5: "1.2", 6: "1.3"}


def src_joy(t, ctx, path, recs, cov):
    flows = []
    for line in read_text(path).splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if "sa" in o and "tls" in o:
            flows.append(o)
    m = Matcher(recs)
    for o in flows:
        tl = o["tls"]
        if "s_version" not in tl and "scs" not in tl:
            continue   # the client half: its fields are in JA3, compared elsewhere
        # joy's flows are one-directional: the server's half has sa = server
        key = tuple_key(o["da"], o["dp"], o["sa"], o["sp"])
        exp = {}
        if "s_version" in tl:
            exp["version"] = JOY_VERSIONS.get(tl["s_version"], str(tl["s_version"]))
        r, flipped = m.by_tuple(key)
        if r is None:
            missing(t, ctx, exp)
            continue
        compare_session(t, ctx, r, exp)
        if "scs" in tl:
            # the negotiated cipher is the second JA3S field, in decimal
            g = None
            if r.ja3s_string:
                parts = r.ja3s_string.split(",")
                if len(parts) > 1 and parts[1].isdigit():
                    g = "%04x" % int(parts[1])
            cmp_field(t, ctx, "cipher", tl["scs"].lower(), g)
        for pos, c in enumerate(tl.get("s_cert") or []):
            e = {"serial": c.get("serial_number"),
                 "subject": dn_from_pairs([kv for d in c.get("subject", []) for kv in d.items()]),
                 "issuer": dn_from_pairs([kv for d in c.get("issuer", []) for kv in d.items()]),
                 "not_before": c.get("validity_not_before"),
                 "not_after": c.get("validity_not_after")}
            compare_cert(t, ctx, r, e, position=pos)


# Suricata test.yaml -------------------------------------------------------

def sv_version(s):
    return tuple(int(x) for x in re.findall(r"\d+", str(s))[:3]) + (0,) * (3 - len(re.findall(r"\d+", str(s))[:3]))


def sv_requires_ok(req):
    if not req:
        return True
    if "min-version" in req and sv_version(req["min-version"]) > SURICATA_VERSION:
        return False
    if "lt-version" in req and not SURICATA_VERSION < sv_version(req["lt-version"]):
        return False
    if "features" in req and "QA_SIMULATION" in req["features"]:
        return False
    return True


# settings under which Suricata's event counts say more about the setting
# than about the traffic
SV_SETTING_RX = re.compile(r"simulate-(applayer|packet)|memcap|error-policy|"
                           r"bypass|depth|midstream|exception-policy")

SV_IGNORED_KEYS = {"event_type", "pcap_cnt", "pkt_src", "proto", "community_id",
                   "tls.from_proto", "app_proto"}


# IANA TLS ExtensionType names as Suricata spells them (its quic.extensions).
EXT_NAMES = {0: "server_name", 5: "status_request", 10: "supported_groups",
             11: "ec_point_formats", 13: "signature_algorithms", 16: "alpn",
             18: "signed_certificate_timestamp", 21: "padding", 23: "extended_master_secret",
             27: "compress_certificate", 35: "session_ticket", 41: "pre_shared_key",
             42: "early_data", 43: "supported_versions", 45: "psk_key_exchange_modes",
             51: "key_share", 57: "quic_transport_parameters", 0xfe0d: "encrypted_client_hello",
             0xff01: "renegotiation_info"}


def ext_name(code):
    if code is None:
        return None
    return EXT_NAMES.get(code, str(code))


def ext_name_at(r, i, want):
    """The i-th extension of the ClientHello, or of the ServerHello when that
    one matches (a Suricata QUIC event is per packet, from either side)."""
    names = []
    for side in ("client", "server"):
        exts = get(r.tls, side + ".extensions") or []
        names.append(ext_name(exts[i]) if i < len(exts) else None)
    return want if want in names else names[0]


def ext_value(r, i):
    code = ((get(r.tls, "client.extensions") or []) + [None] * (i + 1))[i]
    if code == 0:
        return r.sni
    if code == 16:
        return ((get(r.tls, "client.alpn") or []) + [None])[0]
    return None


def sv_field(key, val):
    """Suricata EVE key -> (our field, expected, getter(rec))."""
    leaf = lambda r: r.leaf()
    cl = lambda r: r.client_chain[0] if r.client_chain else None
    if key == "tls.sni":
        return "sni", val, lambda r: r.sni
    if key == "tls.version":
        return "version", val, lambda r: r.version
    if key == "tls.ja3.hash":
        return "ja3", val, lambda r: r.ja3
    if key == "tls.ja3.string":
        return "ja3_string", val, lambda r: r.ja3_string
    if key == "tls.ja3s.hash":
        return "ja3s", val, lambda r: r.ja3s
    if key == "tls.ja3s.string":
        return "ja3s_string", val, lambda r: r.ja3s_string
    if key in ("tls.ja4", "quic.ja4"):
        return "ja4", val, lambda r: r.ja4
    if key == "quic.sni":
        return "sni", val, lambda r: r.sni
    if key == "quic.version":
        return "quic_version", val, lambda r: get(r.tls, "quic.version")
    mm = re.match(r"^quic\.cyu\[(\d+)\]\.(hash|string)$", key)
    if mm:
        i, k = int(mm.group(1)), "cyu_hash" if mm.group(2) == "hash" else "cyu"
        return "gquic_" + k, val, lambda r, k=k: val if val in (
            get(r.tls, "quic.gquic." + k) or []) else None
    mm = re.match(r"^quic\.extensions\[(\d+)\]\.(name|values\[0\])$", key)
    if mm:
        i = int(mm.group(1))
        if mm.group(2) == "name":
            # Suricata logs the ServerHello's extensions in the server's event
            return "quic_extension", val, lambda r, i=i: ext_name_at(r, i, val)
        # the first value of the extension at that index: SNI or ALPN
        return "quic_extension", val, lambda r, i=i: ext_value(r, i)
    for pre, pick in (("tls.client.", cl), ("tls.", leaf)):
        if not key.startswith(pre):
            continue
        k = key[len(pre):]
        if k == "fingerprint":
            return "cert_sha1", val, lambda r, p=pick: get(p(r), "hash.sha1")
        if k == "serial":
            return "cert_serial", val, lambda r, p=pick: (p(r) or {}).get("serial_number")
        if k in ("subject", "issuerdn"):
            w = "subject" if k == "subject" else "issuer"
            return "cert_" + w, dn_parse(val), lambda r, p=pick, w=w: cert_dn(p(r), w)
        if k == "notbefore":
            return "cert_not_before", val, lambda r, p=pick: (p(r) or {}).get("not_before")
        if k == "notafter":
            return "cert_not_after", val, lambda r, p=pick: (p(r) or {}).get("not_after")
        mm = re.match(r"^subjectaltname\[(\d+)\]$", k)
        if mm:
            i = int(mm.group(1))
            return "cert_san", val, lambda r, p=pick, i=i: (
                ((p(r) or {}).get("alternative_names") or [None] * (i + 1)) + [None] * (i + 1))[i]
    return None


def src_suricata(t, ctx, path, recs, cov, notes):
    import yaml
    try:
        d = yaml.safe_load(read_text(path)) or {}
    except yaml.YAMLError as e:
        notes.append("%s: unreadable YAML (%s)" % (ctx.efile, e))
        return
    args = " ".join(str(a) for a in (d.get("args") or []))
    if not sv_requires_ok(d.get("requires")) or SV_SETTING_RX.search(args):
        notes.append("%s: skipped (requires/args: %s %s)" % (ctx.efile, d.get("requires"), args))
        return
    for ch in d.get("checks") or []:
        flt = ch.get("filter") if isinstance(ch, dict) else None
        if not flt:
            continue
        match = flt.get("match") or {}
        if not (match.get("event_type") in ("tls", "quic") or
                any(str(k).startswith(("tls.", "quic.")) for k in match)):
            continue
        if not sv_requires_ok(flt.get("requires")):
            continue
        if "has-key" in match or "not-has-key" in match:
            notes.append("%s: check on key presence skipped (%s)" % (
                ctx.efile, match.get("has-key") or match.get("not-has-key")))
            continue
        count = int(flt.get("count", 1))
        sel, fields = [], []
        for k, v in match.items():
            if k in SV_IGNORED_KEYS or k.startswith("ether."):
                continue
            if k in ("src_ip", "dest_ip", "src_port", "dest_port"):
                sel.append((k, v))
                continue
            f = sv_field(k, v)
            if f is None:
                notes.append("%s: unknown key %s ignored" % (ctx.efile, k))
                continue
            fields.append(f)
        if not fields:
            continue
        if cov.explains_miss() and not recs:
            t.skip(cov.cls(), ctx.source, ctx.capture, ctx.efile, "check %s" % match)
            continue

        def sel_ok(r):
            for k, v in sel:
                if k == "src_ip" and r.key and r.key[0] != norm_ip(v):
                    return False
                if k == "dest_ip" and r.key and r.key[2] != norm_ip(v):
                    return False
                if k == "src_port" and r.key and r.key[1] != int(v):
                    return False
                if k == "dest_port" and r.key and r.key[3] != int(v):
                    return False
            return True

        def f_ok(r, f):
            name, exp, getter = f
            return cmp_quiet(name, exp, getter(r))

        cands = [r for r in recs if sel_ok(r)]
        n_all = sum(1 for r in cands if all(f_ok(r, f) for f in fields))
        if n_all == count:
            for f in fields:
                t.add(ctx.source, ctx.capture, ctx.efile, f[0], f[1], f[1], True)
            continue
        # which field spoils it: the ones whose removal gives the right count
        blamed = []
        for f in fields:
            rest = [g for g in fields if g is not f]
            if sum(1 for r in cands if all(f_ok(r, g) for g in rest)) == count:
                blamed.append(f)
        if not blamed:
            blamed = fields
        for f in fields:
            ok = f not in blamed
            gots = sorted({show(f[2](r)) for r in cands}) if not ok else []
            t.add(ctx.source, ctx.capture, ctx.efile, f[0],
                  show(f[1]) + " (count %d)" % count,
                  ",".join(gots) + " (count %d)" % n_all if not ok else show(f[1]), ok,
                  "" if ok else "suricata check count")


# ---------------------------------------------------------------- running tlstap

def find_tlstap():
    cands = sorted(glob.glob(os.path.join(TOP, "build*", "tlstap")),
                   key=lambda p: -os.stat(p).st_mtime)
    return cands[0] if cands else None


def run_one(tlstap, corpus, rel, cache_dir, use_cache, timeout):
    cap = os.path.join(corpus, rel)
    st = os.stat(tlstap)
    stamp = "%s:%d:%d:%d" % (os.path.realpath(tlstap), st.st_mtime_ns, st.st_size,
                             os.stat(cap).st_size)
    cpath = os.path.join(cache_dir, rel.replace("/", "__") + ".json")
    if use_cache and os.path.exists(cpath):
        try:
            with open(cpath) as f:
                c = json.load(f)
            if c.get("stamp") == stamp:
                return rel, c
        except (OSError, ValueError):
            pass
    wrap = shlex.split(os.environ.get("TLSTAP_WRAP", ""))
    cmd = wrap + [tlstap, "--no-stats", "-r", cap]
    t0 = time.time()
    res = {"stamp": stamp, "cmd": cmd}
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
        res["rc"] = p.returncode
        out, err = p.stdout, p.stderr
        res["timeout"] = False
    except subprocess.TimeoutExpired as e:
        res["rc"] = None
        res["timeout"] = True
        out, err = e.stdout or b"", e.stderr or b""
    res["elapsed"] = round(time.time() - t0, 3)
    res["stderr"] = err.decode("utf-8", "replace")[-20000:]
    recs, bad = [], []
    for i, line in enumerate(out.split(b"\n")):
        if not line.strip():
            continue
        try:
            o = json.loads(line.decode("utf-8"))
            if not isinstance(o, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError) as e:
            bad.append("line %d: %s" % (i + 1, e))
            continue
        if get(o, "event.dataset") in (None, "tlstap.session"):
            recs.append(o)
    res["records"] = recs
    res["bad_lines"] = bad[:20]
    res["n_bad_lines"] = len(bad)
    tmp = cpath + ".%d.tmp" % os.getpid()
    with open(tmp, "w") as f:
        json.dump(res, f)
    os.replace(tmp, cpath)
    return rel, res


# ---------------------------------------------------------------- corpus

def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:] if l.strip()]


def load_corpus(corpus):
    man = read_tsv(os.path.join(corpus, "MANIFEST.tsv"))
    exp = read_tsv(os.path.join(corpus, "EXPECTED.tsv"))
    tsh = {}
    with open(os.path.join(corpus, "TSHARK_SUMMARY.jsonl")) as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                tsh[o["file"]] = o
    return man, exp, tsh


def uncovered_classes(cats, rel=None):
    out = []
    for name, rx in UNCOVERED_CLASSES:
        if any(rx.match(c) for c in cats):
            out.append(name)
    extra = EXTRA_UNCOVERED.get(rel)
    if extra and extra not in out:
        out.append(extra)
    return out


# ---------------------------------------------------------------- checks

def check_fields(corpus, man, exp_rows, runs, out, args):
    t = Tally()
    notes = []
    by_capture = {m["file"]: m for m in man}
    per_cap_exp = collections.defaultdict(list)
    for e in exp_rows:
        per_cap_exp[e["source"] + "/" + e["pcap"]].append(e)
    kinds_seen = collections.Counter()
    any_ja4s = any(Rec(r).ja4s for res in runs.values() for r in res.get("records", []))
    if any_ja4s:
        EMITTED.add("ja4s")
    for rel in sorted(per_cap_exp):
        if rel not in by_capture:
            notes.append("%s: expected files for a capture not in MANIFEST" % rel)
            continue
        cats = [c for c in by_capture[rel].get("categories", "").split(",") if c]
        res = runs.get(rel) or {}
        # A not_tls record (a recognised upgrade or proxy prelude that
        # never reached TLS) decoded no TLS: it is never the record of a
        # TLS expectation, which is then missing (or not covered) as before.
        recs = [Rec(r) for r in res.get("records", []) if not_tls_free(r)]
        with open(os.path.join(corpus, rel), "rb") as f:
            data = f.read()
        cov = Coverage(cats, data, rel)
        zeek_logs = []
        for e in per_cap_exp[rel]:
            path = os.path.join(corpus, e["source"], e["expected_file"])
            kind = e["kind"]
            multi = "multi-pcap" in kind
            if kind.startswith("zeek-ssl-log") or (kind.startswith("zeek-baseline") and
                                                  e["expected_file"].endswith("ssl.log")):
                zeek_logs.append((path, multi))
        zfps = None
        for e in per_cap_exp[rel]:
            path = os.path.join(corpus, e["source"], e["expected_file"])
            kind = e["kind"]
            multi = "multi-pcap" in kind
            ctx = Ctx(e["source"], rel, e["expected_file"])
            try:
                if kind == "ja4-snapshot":
                    src_ja4_snapshot(t, ctx, path, recs, cov)
                elif kind == "ja4-python-json":
                    src_ja4_python(t, ctx, path, recs, cov)
                elif kind == "ja4-wireshark-json":
                    if any_ja4s:
                        src_ja4_wireshark(t, ctx, path, recs, cov)
                    else:
                        continue
                elif kind == "arkime-json":
                    src_arkime(t, ctx, path, recs, cov)
                elif kind.startswith("zeek-ssl-log") or (
                        kind.startswith("zeek-baseline") and
                        e["expected_file"].endswith("ssl.log")):
                    src_zeek_ssl(t, ctx, path, recs, cov, multi)
                elif kind.startswith("zeek-baseline") and (
                        e["expected_file"].endswith(("quic.log", "quic.log.cut"))):
                    src_zeek_quic(t, ctx, path, recs, cov)
                elif kind.startswith("zeek-x509-log") or (
                        kind.startswith("zeek-baseline") and
                        e["expected_file"].endswith("x509.log")):
                    if zfps is None:
                        zfps = zeek_fps_of(zeek_logs, cov)
                    src_zeek_x509(t, ctx, path, recs, cov, multi, zfps)
                elif kind == "suricata-eve":
                    src_suricata(t, ctx, path, recs, cov, notes)
                elif kind == "ndpi-out":
                    src_ndpi(t, ctx, path, recs, cov)
                elif kind == "joy-json":
                    src_joy(t, ctx, path, recs, cov)
                else:
                    continue
                kinds_seen[kind] += 1
            except Exception as ex:   # a parser bug must not hide the rest
                notes.append("%s: %s: %r" % (rel, e["expected_file"], ex))
                import traceback
                traceback.print_exc()
    return t, notes, kinds_seen, any_ja4s


def pct(a, n):
    return 100.0 * a / n if n else 0.0


def fields_table(t, any_ja4s):
    """'percent' is agreed/compared; 'adjusted' leaves out the disagreements
    that a documented peer deviation explains (column 'peer', DIFFERENCES.md)."""
    lines = []
    sources = sorted({k[1] for k in t.n if k[1] != "*"})
    head = "%-16s %9s %9s %6s %8s %9s  %s" % ("field", "compared", "agreed", "peer",
                                             "percent", "adjusted", "target (adjusted)")
    lines.append("Agreement with published outputs, TLS over TCP and DTLS (all sources)")
    lines.append(head)
    for f in FIELDS:
        n, a, pe = t.n.get(("all", "*", f), [0, 0, 0])
        if f in OPTIONAL and not any_ja4s:
            lines.append("%-16s %9s %9s %6s %8s %9s  %s" % (f, "-", "-", "-", "-", "-",
                                                      "not compared (build option off)"))
            continue
        if n == 0:
            continue
        mark = ""
        if f in TARGET:
            mark = ">=99%% %s" % ("ok" if pct(a, n - pe) >= TARGET_PCT else "BELOW")
        lines.append("%-16s %9d %9d %6d %7.2f%% %8.2f%%  %s" % (f, n, a, pe, pct(a, n),
                                                             pct(a, n - pe), mark))
    for s in sources:
        lines.append("")
        lines.append("Source: %s" % s)
        lines.append(head[:head.index("target")].rstrip())
        for f in FIELDS:
            n, a, pe = t.n.get(("all", s, f), [0, 0, 0])
            if n:
                lines.append("%-16s %9d %9d %6d %7.2f%% %8.2f%%" % (f, n, a, pe, pct(a, n),
                                                                 pct(a, n - pe)))
    if t.peer:
        lines.append("")
        lines.append("Peer deviations (explained in DIFFERENCES.md)")
        for (src, f, why), v in sorted(t.peer.items()):
            lines.append("  %-16s %-12s %5d  %s" % (src, f, v, why))
    return lines


def not_covered_table(man, tsh, t):
    lines = ["", "Not covered by tlstap (counted, not compared)"]
    caps = collections.defaultdict(list)
    for m in man:
        cats = [c for c in m.get("categories", "").split(",") if c]
        for cls in uncovered_classes(cats, m["file"]):
            caps[cls].append(m["file"])
    lines.append("%-10s %9s %16s %14s" % ("class", "captures", "tshark handshakes", "expectations"))
    classes = sorted(set(caps) | {k[0] for k in t.uncovered})
    for cls in classes:
        hs = sum((tsh.get(f) or {}).get("tls_handshakes", 0) for f in caps.get(cls, []))
        ex = sum(v for (c, s), v in t.uncovered.items() if c == cls)
        lines.append("%-10s %9d %16d %14d" % (cls, len(caps.get(cls, [])), hs, ex))
    dec = collections.defaultdict(list)
    for m in man:
        cats = [c for c in m.get("categories", "").split(",") if c]
        for name, rx in DECODED_CLASSES:
            if any(rx.match(c) for c in cats):
                dec[name].append(m["file"])
        if m["file"] in EXTRA_DECODED:
            dec[EXTRA_DECODED[m["file"]]].append(m["file"])
    if dec:
        lines.append("decoded now, compared like the rest (not in the counts above):")
        for cls in sorted(dec):
            lines.append("%-11s %8d %16d %14s" % (
                cls, len(dec[cls]),
                sum((tsh.get(f) or {}).get("tls_handshakes", 0) for f in dec[cls]),
                "%d compared" % sum(t.compared[f] for f in dec[cls])))
    by_src = collections.Counter()
    for (c, s), v in t.uncovered.items():
        by_src[s] += v
    if by_src:
        lines.append("expectations not compared, by source: " +
                     ", ".join("%s %d" % kv for kv in sorted(by_src.items())))
    return lines


# tshark ------------------------------------------------------------------

def multiset_agree(exp, got):
    e, g = collections.Counter(exp), collections.Counter(got)
    return sum((e & g).values()), sum(e.values())


def check_tshark(man, tsh, runs):
    """Per capture (TSHARK_SUMMARY is per file), TLS over TCP only."""
    res = {"version": [0, 0], "ja3s(cipher)": [0, 0], "sni": [0, 0], "ja3": [0, 0]}
    hrr_explained = collections.Counter()
    diffs, excluded, uncovered_missing = [], [], collections.Counter()
    for m in man:
        rel = m["file"]
        ts = tsh.get(rel)
        if not ts:
            continue
        cats = [c for c in m.get("categories", "").split(",") if c]
        protos = ts.get("protos") or {}
        if CORRUPT_CATEGORY in cats:
            excluded.append((rel, "corrupt capture"))
            continue
        if any(p in protos for p in ("quic", "gquic", "dtls")):
            excluded.append((rel, "contains %s: tshark's counts mix them with TLS over TCP" %
                             "/".join(p for p in ("quic", "gquic", "dtls") if p in protos)))
            continue
        recs = [Rec(r) for r in (runs.get(rel) or {}).get("records", [])]
        # TLS (not DTLS) in RDP's UDP transport is TLS to tshark too.
        recs = [r for r in recs if r.transport == "tcp" or
                (get(r.tls, "via.framing") == "rdpeudp" and "dtls" not in r.tls)]
        e_ver = []
        for v, n in (ts.get("sh_versions") or {}).items():
            e_ver += [norm_version(v)] * n
        g_ver = [r.version for r in recs if r.version]
        e_ja3s = [k for k, n in (ts.get("ja3s") or {}).items() for _ in range(n)]
        g_ja3s = [r.ja3s for r in recs if r.ja3s]
        e_ja3 = [k for k, n in (ts.get("ja3") or {}).items() for _ in range(n)]
        g_ja3 = [r.ja3 for r in recs if r.ja3]
        e_sni = set(s.lower() for s in ts.get("sni") or [])
        g_sni = set(r.sni.lower() for r in recs if r.sni)
        capped = len(ts.get("sni") or []) >= 20     # tshark's list stops at 20
        cls = [c for c in uncovered_classes(cats, rel) if c not in ("dtls", "quic")]
        # tshark counts a HelloRetryRequest as a ServerHello and the second
        # ClientHello as another hello; tlstap has one record per connection
        # (SCHEMA.md) with JA3 of the first ClientHello: one extra tshark
        # entry per HRR session is explained, not a disagreement.
        n_hrr = sum(1 for r in recs if "server:hello_retry_request" in
                    (r.tls.get("handshake_messages") or []))
        # tshark decodes a ClientHello that RDPEUDP sent again (the same
        # chunk, a new datagram) twice; tlstap skips the repeat and counts
        # it in tls.via.rdpeudp.retransmissions.
        n_hrr += sum(get(r.tls, "via.rdpeudp.retransmissions") or 0 for r in recs
                     if r.ja3 and len(r.tls.get("handshake_messages") or []) == 1)
        for name, e, g in (("version", e_ver, g_ver), ("ja3s(cipher)", e_ja3s, g_ja3s),
                           ("ja3", e_ja3, g_ja3)):
            a, n = multiset_agree(e, g)
            if a < n and n_hrr:
                x = min(n - a, n_hrr)
                hrr_explained[name] += x
                n -= x
            if a < n and cls:
                uncovered_missing[(name, "/".join(cls))] += n - a
                n = a
            res[name][0] += a
            res[name][1] += n
            if a < n or (len(g) > len(e) and not cls):
                miss = collections.Counter(e) - collections.Counter(g)
                extra = collections.Counter(g) - collections.Counter(e)
                diffs.append((rel, name, dict(miss), dict(extra)))
        a = len(e_sni & g_sni)
        n = len(e_sni)
        if a < n and cls:
            uncovered_missing[("sni", "/".join(cls))] += n - a
            n = a
        res["sni"][0] += a
        res["sni"][1] += n
        extra = g_sni - e_sni if not capped else set()
        if a < n or (extra and not cls):
            diffs.append((rel, "sni", sorted(e_sni - g_sni), sorted(extra)))
    return res, diffs, excluded, uncovered_missing, hrr_explained


# robustness ----------------------------------------------------------------

SAN_RX = re.compile(r"(AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                    r"runtime error:|MemorySanitizer|ThreadSanitizer)")


def check_robust(man, runs, corpus):
    fails, notes = [], []
    for m in man:
        rel = m["file"]
        r = runs.get(rel)
        cats = m.get("categories", "").split(",")
        if r is None:
            fails.append((rel, "not run"))
            continue
        rc = r.get("rc")
        err = r.get("stderr", "")
        if r.get("timeout"):
            fails.append((rel, "timed out"))
            continue
        if rc is not None and rc < 0:
            fails.append((rel, "killed by signal %s" % signal.Signals(-rc).name
                          if -rc in signal.Signals._value2member_map_ else -rc))
            continue
        if SAN_RX.search(err):
            line = [l for l in err.splitlines() if SAN_RX.search(l)][0]
            fails.append((rel, "sanitizer: %s" % line.strip()[:200]))
            continue
        if r.get("n_bad_lines"):
            fails.append((rel, "%d output lines are not JSON objects: %s" %
                          (r["n_bad_lines"], r["bad_lines"][:2])))
            continue
        if CORRUPT_CATEGORY in cats:
            base = os.path.basename(rel)
            lines = [l for l in err.splitlines() if base in l]
            if rc != 2:
                fails.append((rel, "corrupt capture: exit %s, want 2" % rc))
            elif not lines:
                fails.append((rel, "corrupt capture: no stderr line naming the file "
                              "(stderr: %r)" % err[:300]))
            elif not r.get("records"):
                fails.append((rel, "corrupt capture: nothing decoded before the fault "
                              "was written"))
            else:
                notes.append("%s: exit 2, %d record(s), stderr: %s" %
                             (rel, len(r["records"]), lines[0].strip()))
            continue
        if rc not in (0,):
            fails.append((rel, "exit %s on a readable capture (stderr: %s)" %
                          (rc, err.strip().splitlines()[-1][:200] if err.strip() else "")))
    corrupt = [m["file"] for m in man if CORRUPT_CATEGORY in m.get("categories", "")]
    return fails, notes, corrupt


# ---------------------------------------------------------------- baseline

def load_baseline(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def baseline_from(t, tsh_res):
    b = {"comment": "Agreed counts that only ratchet up; rewrite with "
                    "conform.py --update-baseline after an improvement.",
         "fields": {}, "sources": {}, "tshark": {}}
    for (bucket, src, f), (n, a, _pe) in sorted(t.n.items()):
        if src == "*":
            b["fields"][f] = a
        else:
            b["sources"].setdefault(src, {})[f] = a
    if tsh_res:
        for k, (a, n) in sorted(tsh_res.items()):
            b["tshark"][k] = a
    return b


def ratchet(base, t, tsh_res, which):
    bad = []
    if which == "fields":
        for f, a0 in (base.get("fields") or {}).items():
            a = t.n.get(("all", "*", f), [0, 0])[1]
            if a < a0:
                bad.append("%s: agreed %d < baseline %d" % (f, a, a0))
        for s, d in (base.get("sources") or {}).items():
            for f, a0 in d.items():
                a = t.n.get(("all", s, f), [0, 0])[1]
                if a < a0:
                    bad.append("%s/%s: agreed %d < baseline %d" % (s, f, a, a0))
    if which == "tshark":
        for k, a0 in (base.get("tshark") or {}).items():
            a = (tsh_res.get(k) or [0, 0])[0]
            if a < a0:
                bad.append("tshark %s: agreed %d < baseline %d" % (k, a, a0))
    return bad


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tlstap")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(TOP), "shared", "corpus"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--check", default="all", choices=["all", "fields", "tshark", "robust"])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--update-baseline", action="store_true")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--baseline", default=os.path.join(HERE, "baseline.json"))
    args = ap.parse_args()

    corpus = os.path.abspath(args.corpus)
    if not os.path.exists(os.path.join(corpus, "MANIFEST.tsv")):
        print("SKIPPED: corpus not found at %s (clone ../shared beside the "
              "repository to run the conformance tests)" % corpus)
        return SKIP
    tlstap = args.tlstap or find_tlstap()
    if not tlstap or not os.access(tlstap, os.X_OK):
        print("SKIPPED: no tlstap executable (give --tlstap or build it first)")
        return SKIP
    tlstap = os.path.abspath(tlstap)
    os.makedirs(args.out, exist_ok=True)
    cache = os.path.join(args.out, "runs")
    os.makedirs(cache, exist_ok=True)

    man, exp_rows, tsh = load_corpus(corpus)
    t0 = time.time()
    runs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        futs = [ex.submit(run_one, tlstap, corpus, m["file"], cache, not args.no_cache,
                          args.timeout) for m in man]
        for fu in concurrent.futures.as_completed(futs):
            rel, res = fu.result()
            runs[rel] = res
    nrec = sum(len(r.get("records", [])) for r in runs.values())
    print("tlstap: %s" % tlstap)
    print("corpus: %s (%d captures, %d expected files); %d records in %.1fs" %
          (corpus, len(man), len(exp_rows), nrec, time.time() - t0))

    rc = 0
    report = []
    base = load_baseline(args.baseline)
    t = tsh_res = None

    if args.check in ("all", "fields") or args.update_baseline:
        t, notes, kinds, any_ja4s = check_fields(corpus, man, exp_rows, runs, args.out, args)
        report += fields_table(t, any_ja4s)
        report += not_covered_table(man, tsh, t)
        report.append("")
        report.append("Expected files compared, by kind: " +
                      ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
        report.append("Not comparable kinds: suricata-rules, suricata-eve(alert/flow/stats-only), "
                      "keylog, tcpdump-out, other zeek-baseline logs")
        dpath = os.path.join(args.out, "disagreements.tsv")
        with open(dpath, "w") as f:
            f.write("capture\tsource\texpected_file\tfield\texpected\tgot\tnote\n")
            for row in sorted(t.rows):
                f.write("\t".join(row) + "\n")
        with open(os.path.join(args.out, "notes.txt"), "w") as f:
            f.write("\n".join(notes) + "\n")
        report.append("Disagreements: %s (%d rows); notes: %s" % (
            dpath, sum(1 for r in t.rows if r[6] != "not-covered"),
            os.path.join(args.out, "notes.txt")))
        if args.check in ("all", "fields") and not args.update_baseline:
            bad = ratchet(base, t, None, "fields")
            if bad:
                rc = 1
                report.append("FAIL: agreement fell below baseline.json:")
                report += ["  " + b for b in bad]
            else:
                report.append("fields: no field below baseline.json")

    if args.check in ("all", "tshark") or args.update_baseline:
        tsh_res, diffs, excluded, unc, hrr = check_tshark(man, tsh, runs)
        report.append("")
        report.append("tshark agreement per capture (TLS over TCP; TSHARK_SUMMARY is per file)")
        report.append("%-14s %9s %9s %8s" % ("item", "tshark", "agreed", "percent"))
        low = []
        for k in ("sni", "version", "ja3s(cipher)", "ja3"):
            a, n = tsh_res[k]
            report.append("%-14s %9d %9d %7.2f%%" % (k, n, a, pct(a, n)))
            if k != "ja3" and pct(a, n) < TARGET_PCT:
                low.append(k)
        report.append("captures left out: %d (QUIC/DTLS mixed in, or corrupt)" % len(excluded))
        if hrr:
            report.append("HelloRetryRequest and RDPEUDP-resent ClientHello extras in tshark's counts (not counted): " +
                          ", ".join("%s %d" % kv for kv in sorted(hrr.items())))
        if unc:
            report.append("missing in not-covered classes (not counted): " +
                          ", ".join("%s/%s %d" % (k[0], k[1], v) for k, v in sorted(unc.items())))
        dpath = os.path.join(args.out, "tshark_differences.tsv")
        with open(dpath, "w") as f:
            f.write("capture\titem\ttshark_only\ttlstap_only\n")
            for rel, item, miss, extra in diffs:
                f.write("%s\t%s\t%s\t%s\n" % (rel, item, json.dumps(miss), json.dumps(extra)))
            for rel, why in excluded:
                f.write("%s\t(left out)\t%s\t\n" % (rel, why))
        report.append("differences: %s (%d)" % (dpath, len(diffs)))
        explained = ""
        try:
            explained = read_text(os.path.join(HERE, "TSHARK_DIFFERENCES.md"))
        except OSError:
            pass
        unexplained = sorted({d[0] for d in diffs if d[0] not in explained})
        if args.check in ("all", "tshark") and not args.update_baseline:
            if low:
                rc = 1
                report.append("FAIL: tshark agreement below 99%%: %s" % ", ".join(low))
            if unexplained:
                rc = 1
                report.append("FAIL: differing captures not listed in TSHARK_DIFFERENCES.md:")
                report += ["  " + u for u in unexplained]
            bad = ratchet(base, None, tsh_res, "tshark")
            if bad:
                rc = 1
                report += ["FAIL: " + b for b in bad]

    if args.check in ("all", "robust"):
        fails, notes, corrupt = check_robust(man, runs, corpus)
        report.append("")
        report.append("Robustness: %d captures run, %d failures; corrupt captures: %s" %
                      (len(man), len(fails), ", ".join(corrupt)))
        report += ["  " + n for n in notes]
        if fails:
            rc = 1
            report.append("FAIL:")
            report += ["  %s: %s" % f for f in fails]

    if args.update_baseline:
        b = baseline_from(t, tsh_res)
        with open(args.baseline, "w") as f:
            json.dump(b, f, indent=1, sort_keys=True)
            f.write("\n")
        report.append("baseline written: %s" % args.baseline)

    text = "\n".join(report) + "\n"
    with open(os.path.join(args.out, "report-%s.txt" % args.check), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return rc


if __name__ == "__main__":
    sys.exit(main())
