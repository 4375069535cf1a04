#!/usr/bin/python3
"""The HTML report in a real browser: Debian's headless chromium, driven by
chromedriver over its W3C WebDriver HTTP API (standard library only).

  browser_test.py TLSTAP OUTDIR

Writes OUTDIR/report.html for captures of every kind of session (TLS 1.2
full and resumed, TLS 1.3 with HelloRetryRequest, mutual TLS, SSLv2,
failed handshakes, a hostile SNI), loads it, and checks through the DOM:
the page loads without errors (its own error box and the browser's console
log), the table holds every session, clicking each kind of session draws
its ladder with the record's messages and its certificate chain, the
filter and the sort work, and no wire string became markup.  The
screenshot is kept as OUTDIR/report.png.  chromedriver is started and
stopped by its PID.  Exit 77 (skipped) without chromium.
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
FAILS = []

# (capture, what the test calls that kind of session)
KINDS = [
    ("tls12_ecdhe_rsa.pcap", "TLS 1.2 full"),
    ("tls12_resume_id.pcap", "TLS 1.2 full, then resumed by session id"),
    ("tls12_resume_ticket.pcap", "TLS 1.2 resumed by ticket"),
    ("tls13_hrr.pcap", "TLS 1.3 with HelloRetryRequest"),
    ("tls13_resume_psk.pcap", "TLS 1.3 resumed (PSK)"),
    ("tls12_mutual.pcap", "TLS 1.2 mutual"),
    ("tls13_mutual.pcap", "TLS 1.3 mutual"),
    ("sslv2.pcap", "SSLv2"),
    ("alert_unknown_ca.pcap", "failed: alert"),
    ("alert_protocol_version.pcap", "failed: alert before ServerHello"),
    ("reset.pcap", "failed: reset"),
    ("no_server_response.pcap", "failed: no server response"),
    ("hostile_sni.pcap", "hostile SNI"),
]


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


class Driver:
    """Just enough WebDriver: one session, JSON over HTTP."""

    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        self.sid = None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read().decode())["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError("%s %s: %s" % (method, path, e.read().decode()[:500]))

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)

    def start(self, chromium):
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1800", "--no-first-run", "--disable-extensions"]},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        self.sid = self.call("POST", "/session", caps)["sessionId"]

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        v = self.s("POST", "/element", {"using": "css selector", "value": css})
        return list(v.values())[0]

    def click(self, css):
        self.s("POST", "/element/%s/click" % self.find(css), {})

    def type(self, css, text):
        el = self.find(css)
        self.s("POST", "/element/%s/clear" % el, {})
        self.s("POST", "/element/%s/value" % el, {"text": text})

    def console(self):
        try:
            return self.s("POST", "/se/log", {"type": "browser"})
        except RuntimeError:
            return None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(d):
    for _ in range(100):
        try:
            if d.call("GET", "/status").get("ready"):
                return True
        except (OSError, RuntimeError):
            pass
        time.sleep(0.1)
    return False


def make_report(tlstap, outdir):
    """Each capture read on its own (hostile_sni.pcap shares its connection
    with tls12_ecdhe_rsa.pcap), the records saved, and the report made from
    them with --from-json."""
    html = os.path.join(outdir, "report.html")
    saved = os.path.join(outdir, "records.ndjson")
    recs, owner, lines = [], [], []
    for c, kind in KINDS:
        p = subprocess.run([tlstap, "-q", "--no-stats", os.path.join(TOP, "pcaps", c)],
                           capture_output=True, cwd=TOP)
        for line in p.stdout.decode().splitlines():
            lines.append(line)
            recs.append(json.loads(line))
            owner.append(kind)
    with open(saved, "w") as f:
        f.write("\n".join(lines) + "\n")
    p = subprocess.run([tlstap, "-q", "--report", html, "--from-json", saved], capture_output=True,
                       cwd=TOP)
    check(p.returncode == 0 and p.stdout == b"",
          "tlstap --report exits 0 and writes nothing else (%s)" % p.stderr.decode().strip())
    return html, recs, owner


def expected_steps(r):
    tls = r.get("tls", {})
    if "handshake_timeline" in tls:
        return [e["message"] for e in tls["handshake_timeline"]]
    return ([m.split(":", 1)[1] for m in tls.get("handshake_messages", [])] +
            ["alert"] * len(tls.get("alerts", [])))


def page_checks(d, recs, owner):
    ready = d.js("return document.body.getAttribute('data-ready');")
    check(ready == "1", "the page's script ran to the end")
    errs = d.js("var e = document.getElementById('errors'); return [e.hidden, e.textContent];")
    check(errs[0] is True and errs[1] == "", "no error in the page's error box (%r)" % errs[1])
    n = d.js("return document.querySelectorAll('#sessions tbody tr').length;")
    check(n == len(recs), "the table holds every session (%d of %d)" % (n, len(recs)))
    charts = d.js("return Array.from(document.querySelectorAll('#overview .chart')).map("
                  "function (c) { return c.id + ':' + c.querySelectorAll('rect').length; });")
    for cid in ("chart-versions", "chart-outcomes", "chart-outcomes-time", "chart-failures",
                "chart-ciphers", "chart-kx", "chart-validation", "chart-expiry", "chart-sni", "chart-ja4"):
        got = [c for c in charts if c.startswith(cid + ":")]
        check(got and int(got[0].split(":")[1]) > 0, "overview chart %s is drawn" % cid)
    for i, r in enumerate(recs):
        kind = owner[i] if i < len(owner) else "?"
        d.click('#sessions tbody tr[data-index="%d"]' % i)
        got = d.js("var d = document.getElementById('detail');"
                   "return [d.hidden, d.getAttribute('data-index'),"
                   " Array.from(d.querySelectorAll('svg.ladder g.msg')).map(function (g) {"
                   "   return g.getAttribute('data-message'); }),"
                   " d.querySelector('svg.ladder .verdict') ? d.querySelector('svg.ladder .verdict').textContent : '',"
                   " d.querySelectorAll('table.chain tr.cert').length];")
        want = expected_steps(r)
        outcome = r["tls"]["outcome"]
        chain = len(r["tls"].get("server", {}).get("chain", [])) + len(r["tls"].get("client", {}).get("chain", []))
        if r["tls"].get("resumed"):
            outcome = "established (resumed)"
        ok = (got[0] is False and got[1] == str(i) and got[2] == want and got[3].startswith(outcome)
              and got[4] == chain)
        check(ok, "%s (session %d): ladder %s, verdict %r, %d certificates" %
              (kind, i + 1, " ".join(got[2]) or "(empty)", got[3], got[4]))
    # The hostile SNI is text: no element came out of it.
    hostile = d.js("return document.querySelectorAll('#sessions td x, #detail x, script').length;")
    check(hostile == 2, "no wire string became markup (scripts: %d)" % hostile)


def filter_and_sort(d, recs):
    d.type("#search", "alert")
    shown = d.js("return Array.from(document.querySelectorAll('#sessions tbody tr'))"
                 ".filter(function (t) { return !t.hidden; }).length;")
    want = len([r for r in recs if "alert" in json.dumps([
        r["tls"].get("outcome"), r["tls"].get("client", {}).get("server_name", "")])])
    check(shown == want, "the filter 'alert' shows %d rows (want %d)" % (shown, want))
    d.type("#search", "")
    d.click('#sessions th[data-col="4"]')
    col = d.js("return Array.from(document.querySelectorAll('#sessions tbody tr')).map("
               "function (t) { return t.children[4].textContent; });")
    check(col == sorted(col, key=lambda s: s.lower()) or len(set(col)) < 2,
          "clicking the SNI header sorts the table")


def main():
    tlstap, outdir = os.path.abspath(sys.argv[1]), sys.argv[2]
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        print("chromium or chromedriver not installed: skipped (apt-get install chromium chromium-driver)")
        return 77
    os.makedirs(outdir, exist_ok=True)
    html, recs, owner = make_report(tlstap, outdir)
    port = free_port()
    log = open(os.path.join(outdir, "chromedriver.log"), "wb")
    proc = subprocess.Popen([driver, "--port=%d" % port], stdout=log, stderr=subprocess.STDOUT)
    d = Driver(port)
    try:
        check(wait_ready(d), "chromedriver is ready")
        d.start(chromium)
        d.s("POST", "/url", {"url": "file://" + os.path.abspath(html)})
        page_checks(d, recs, owner)
        filter_and_sort(d, recs)
        d.click('#sessions tbody tr[data-index="3"]')
        png = d.s("GET", "/screenshot")
        with open(os.path.join(outdir, "report.png"), "wb") as f:
            f.write(base64.b64decode(png))
        logs = d.console()
        if logs is not None:
            bad = [e for e in logs if e.get("level") in ("SEVERE", "WARNING")]
            check(not bad, "no console errors or warnings (%s)" % bad[:3])
        d.s("DELETE", "")
    except RuntimeError as e:
        check(False, "WebDriver: %s" % e)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    print("screenshot: %s" % os.path.join(outdir, "report.png"))
    if FAILS:
        print("%d failed" % len(FAILS))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
