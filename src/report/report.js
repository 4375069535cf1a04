/* tlstap report: overview charts, session table, ladder and certificate
 * chain per session, all drawn from the records embedded in this page.
 * Strings from the records came off the wire: they only ever become text
 * nodes (textContent), never markup. */
"use strict";
(function () {
  var errorBox = document.getElementById("errors");
  function showError(msg) {
    errorBox.hidden = false;
    var d = document.createElement("div");
    d.className = "error";
    d.textContent = msg;
    errorBox.appendChild(d);
  }
  window.addEventListener("error", function (ev) {
    showError("error: " + ev.message + " (" + ev.filename + ":" + ev.lineno + ")");
  });
  window.addEventListener("unhandledrejection", function (ev) {
    showError("unhandled rejection: " + ev.reason);
  });

  var SVGNS = "http://www.w3.org/2000/svg";
  var records = JSON.parse(document.getElementById("tlstap-records").textContent);
  var sessions = records.filter(function (r) { return get(r, "event.dataset") === "tlstap.session"; });
  var OUTCOMES = ["established", "resumed", "alert", "reset", "closed", "incomplete",
    "no_server_response", "malformed", "not_tls"];
  var OUTCOME_COLOURS = { established: "#2e8540", resumed: "#2c7a7b", alert: "#c53030",
    reset: "#dd6b20", closed: "#b7791f", incomplete: "#718096", no_server_response: "#805ad5",
    malformed: "#9b2c2c", not_tls: "#4a5568" };

  function get(o, path) {
    var keys = path.split(".");
    for (var i = 0; i < keys.length; i++) {
      if (o === null || typeof o !== "object") return undefined;
      o = o[keys[i]];
    }
    return o;
  }
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function sv(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  /* What a session row shows, derived from the record only. */
  function versionOf(r) {
    var v = get(r, "tls.version");
    if (!v) return "";
    return (get(r, "tls.version_protocol") === "ssl" ? "SSL " : "TLS ") + v;
  }
  function outcomeOf(r) {
    var o = get(r, "tls.outcome") || "";
    if (o === "established" && get(r, "tls.resumed")) return "resumed";
    return o;
  }
  function endpoint(r, which) {
    var ip = get(r, which + ".ip") || "?", port = get(r, which + ".port");
    if (ip.indexOf(":") >= 0) ip = "[" + ip + "]";
    return port === undefined ? ip : ip + ":" + port;
  }
  function kxOf(r) {
    var m = get(r, "tls.server.key_exchange.method"), g = get(r, "tls.curve");
    if (!m && !g) return "";
    return (m || "?") + (g ? " " + g : "");
  }
  function validationOf(r) {
    var s = get(r, "tls.server.validation.status");
    if (s) return s;
    return get(r, "tls.server.certificate_encrypted") ? "encrypted" : "";
  }
  function timeOf(r) {
    var t = get(r, "event.start") || "";
    return t.replace("T", " ").replace("Z", "").slice(0, 23);
  }

  var COLUMNS = [
    ["#", function (r, i) { return i + 1; }],
    ["time", timeOf],
    ["client", function (r) { return endpoint(r, "source"); }],
    ["server", function (r) { return endpoint(r, "destination"); }],
    ["SNI", function (r) { return get(r, "tls.client.server_name") || ""; }],
    ["version", versionOf],
    ["cipher", function (r) { return get(r, "tls.cipher") || ""; }],
    ["key exchange", kxOf],
    ["outcome", outcomeOf],
    ["authentication", function (r) { return get(r, "tls.authentication") || ""; }],
    ["validation", validationOf],
    ["JA4", function (r) { return get(r, "tls.client.ja4") || ""; }],
  ];

  /* ---------- overview charts ---------- */
  function count(values) {
    var m = new Map();
    values.forEach(function (v) { if (v !== "" && v !== undefined) m.set(v, (m.get(v) || 0) + 1); });
    return Array.from(m.entries()).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
  }
  function chartBox(title, id) {
    var box = el("div", { "class": "chart", id: "chart-" + id }, el("h2", null, title));
    document.getElementById("overview").appendChild(box);
    return box;
  }
  function barChart(title, id, entries, top, colours) {
    var box = chartBox(title, id);
    if (!entries.length) { box.appendChild(el("p", { "class": "empty" }, "none in this capture")); return; }
    var shown = entries.slice(0, top), rest = entries.slice(top);
    if (rest.length) shown.push(["(" + rest.length + " more)", rest.reduce(function (s, e) { return s + e[1]; }, 0)]);
    var max = Math.max.apply(null, shown.map(function (e) { return e[1]; }));
    var rowH = 18, labelW = 200, barW = 160, w = labelW + barW + 50;
    var svg = sv("svg", { viewBox: "0 0 " + w + " " + (shown.length * rowH + 4), role: "img" });
    shown.forEach(function (e, i) {
      var y = i * rowH + 2, len = Math.max(1, Math.round(barW * e[1] / max));
      var label = String(e[0]);
      var t = sv("text", { x: labelW - 6, y: y + 12, "text-anchor": "end" },
        label.length > 30 ? label.slice(0, 29) + "\u2026" : label);
      t.appendChild(sv("title", {}, label));
      svg.appendChild(t);
      svg.appendChild(sv("rect", { x: labelW, y: y + 2, width: len, height: rowH - 5, rx: 2,
        fill: (colours && colours[e[0]]) || "#4a7fb5", "class": "bar", "data-label": label, "data-count": e[1] }));
      svg.appendChild(sv("text", { x: labelW + len + 4, y: y + 12, "class": "muted" }, e[1]));
    });
    box.appendChild(svg);
  }
  /* Outcomes over time: stacked columns, at most 24 intervals. */
  function timeChart() {
    var box = chartBox("Outcomes over time", "outcomes-time");
    var ts = sessions.map(function (r) { return Date.parse(get(r, "event.start")); }).filter(isFinite);
    if (!ts.length) { box.appendChild(el("p", { "class": "empty" }, "no sessions")); return; }
    var t0 = Math.min.apply(null, ts), t1 = Math.max.apply(null, ts);
    var n = Math.min(24, Math.max(1, sessions.length)), span = Math.max(1, t1 - t0) / n;
    var buckets = [];
    for (var i = 0; i < n; i++) buckets.push({});
    sessions.forEach(function (r) {
      var t = Date.parse(get(r, "event.start"));
      if (!isFinite(t)) return;
      var b = Math.min(n - 1, Math.floor((t - t0) / span)), o = outcomeOf(r) || "unknown";
      buckets[b][o] = (buckets[b][o] || 0) + 1;
    });
    var max = Math.max.apply(null, buckets.map(function (b) {
      return Object.keys(b).reduce(function (s, k) { return s + b[k]; }, 0); }));
    var W = 400, H = 130, colW = (W - 40) / n;
    var svg = sv("svg", { viewBox: "0 0 " + W + " " + (H + 40), role: "img" });
    buckets.forEach(function (b, i) {
      var y = H;
      OUTCOMES.concat(["unknown"]).forEach(function (o) {
        if (!b[o]) return;
        var h = Math.max(1, (H - 10) * b[o] / max);
        y -= h;
        var rect = sv("rect", { x: 30 + i * colW + 1, y: y, width: Math.max(1, colW - 2), height: h,
          fill: OUTCOME_COLOURS[o] || "#a0aec0" });
        rect.appendChild(sv("title", {}, o + ": " + b[o]));
        svg.appendChild(rect);
      });
    });
    svg.appendChild(sv("text", { x: 26, y: 12, "text-anchor": "end", "class": "muted" }, max));
    svg.appendChild(sv("text", { x: 30, y: H + 14, "class": "muted" }, new Date(t0).toISOString().slice(0, 19).replace("T", " ")));
    svg.appendChild(sv("text", { x: W - 4, y: H + 14, "text-anchor": "end", "class": "muted" }, new Date(t1).toISOString().slice(0, 19).replace("T", " ")));
    var lx = 30, ly = H + 24;
    OUTCOMES.forEach(function (o) {
      if (!sessions.some(function (r) { return outcomeOf(r) === o; })) return;
      var w = 22 + o.length * 6;
      if (lx + w > W) { lx = 30; ly += 14; }
      svg.appendChild(sv("rect", { x: lx, y: ly, width: 9, height: 9, fill: OUTCOME_COLOURS[o] }));
      svg.appendChild(sv("text", { x: lx + 12, y: ly + 9 }, o));
      lx += w;
    });
    svg.setAttribute("viewBox", "0 0 " + W + " " + (ly + 14));
    box.appendChild(svg);
  }
  /* Days from the capture to each distinct server certificate's expiry. */
  function expiryEntries() {
    var seen = new Set(), order = ["expired", "< 7 days", "< 30 days", "< 90 days", "< 1 year", ">= 1 year"];
    var m = {};
    sessions.forEach(function (r) {
      var h = get(r, "tls.server.hash.sha256"), na = Date.parse(get(r, "tls.server.not_after"));
      var t = Date.parse(get(r, "event.start"));
      if (!h || seen.has(h) || !isFinite(na) || !isFinite(t)) return;
      seen.add(h);
      var d = (na - t) / 86400000;
      var k = d < 0 ? order[0] : d < 7 ? order[1] : d < 30 ? order[2] : d < 90 ? order[3] : d < 365 ? order[4] : order[5];
      m[k] = (m[k] || 0) + 1;
    });
    return order.filter(function (k) { return m[k]; }).map(function (k) { return [k, m[k]]; });
  }
  function overview() {
    var col = function (f) { return sessions.map(f); };
    barChart("Versions", "versions", count(col(versionOf)), 8);
    barChart("Outcomes", "outcomes", count(col(outcomeOf)), 10, OUTCOME_COLOURS);
    timeChart();
    barChart("Failure reasons", "failures", count(col(function (r) {
      return outcomeOf(r) === "established" || outcomeOf(r) === "resumed" ? "" : get(r, "tls.failure.reason") || outcomeOf(r); })), 8);
    barChart("Cipher suites", "ciphers", count(col(function (r) { return get(r, "tls.cipher"); })), 8);
    barChart("Key exchange", "kx", count(col(kxOf)), 8);
    barChart("Server certificate validation", "validation", count(col(validationOf)), 10);
    barChart("Server certificates: expiry ahead of the capture", "expiry", expiryEntries(), 6);
    barChart("Top SNIs", "sni", count(col(function (r) { return get(r, "tls.client.server_name"); })), 10);
    barChart("Top JA4 fingerprints", "ja4", count(col(function (r) { return get(r, "tls.client.ja4"); })), 10);
    barChart("Top JA3S fingerprints", "ja3s", count(col(function (r) { return get(r, "tls.server.ja3s"); })), 6);
  }

  /* ---------- the session table ---------- */
  var rows = [], sortCol = 0, sortDir = 1;
  function buildTable() {
    var head = document.querySelector("#sessions thead tr"), body = document.querySelector("#sessions tbody");
    COLUMNS.forEach(function (c, i) {
      var th = el("th", { scope: "col", "data-col": i }, c[0]);
      th.addEventListener("click", function () { sortBy(i); });
      head.appendChild(th);
    });
    sessions.forEach(function (r, i) {
      var cells = COLUMNS.map(function (c) { return c[1](r, i); });
      var tr = el("tr", { "data-index": i, "data-outcome": outcomeOf(r) });
      cells.forEach(function (v, ci) {
        var td = el("td", null, v);
        if (COLUMNS[ci][0] === "outcome")
          td.className = v === "established" ? "o-established" : v === "resumed" ? "o-resumed" : "o-failed";
        if (COLUMNS[ci][0] === "validation" && v)
          td.className = v === "ok" ? "v-ok" : "v-bad";
        tr.appendChild(td);
      });
      tr.addEventListener("click", function () { showSession(i); });
      rows.push({ tr: tr, cells: cells, text: cells.join(" ").toLowerCase() });
      body.appendChild(tr);
    });
    ["input", "change", "search"].forEach(function (ev) {
      document.getElementById("search").addEventListener(ev, filter);
    });
    filter();
  }
  function filter() {
    var q = document.getElementById("search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var ok = q.every(function (w) { return row.text.indexOf(w) >= 0; });
      row.tr.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById("count").textContent = shown + " of " + rows.length + " sessions";
  }
  function sortBy(ci) {
    sortDir = sortCol === ci ? -sortDir : 1;
    sortCol = ci;
    var cmp = function (a, b) {
      var x = a.cells[ci], y = b.cells[ci];
      if (typeof x === "number" && typeof y === "number") return (x - y) * sortDir;
      return String(x).localeCompare(String(y), undefined, { numeric: true }) * sortDir;
    };
    rows.sort(cmp);
    var body = document.querySelector("#sessions tbody");
    rows.forEach(function (row) { body.appendChild(row.tr); });
    document.querySelectorAll("#sessions th").forEach(function (th, i) {
      if (i === ci) th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  /* ---------- one session: ladder, facts, certificate chain ---------- */
  function title(m) {
    var special = { encrypted_handshake: "encrypted flight", application_data: "application data",
      finished: "Finished (encrypted)" };
    if (special[m]) return special[m];
    return m.split("_").map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join("");
  }
  function steps(r) {
    var tl = get(r, "tls.handshake_timeline"), alerts = get(r, "tls.alerts") || [], out = [], ai = 0;
    if (Array.isArray(tl)) {
      tl.forEach(function (e) {
        out.push({ from: e.from, msg: e.message, offset: e.offset, size: e.length,
          alert: e.message === "alert" ? alerts[ai++] : undefined });
      });
      return out;
    }
    (get(r, "tls.handshake_messages") || []).forEach(function (s) {
      var i = s.indexOf(":");
      out.push({ from: s.slice(0, i), msg: s.slice(i + 1) });
    });
    alerts.forEach(function (a) { out.push({ from: a.from, msg: "alert", alert: a }); });
    return out;
  }
  function note(r, s, nthHello) {
    var tls13 = String(get(r, "tls.version") || "").indexOf("1.3") === 0, server = s.from === "server";
    switch (s.msg) {
    case "client_hello":
      if (nthHello > 1) return "second ClientHello, with the key share asked for";
      var alpn = get(r, "tls.client.alpn");
      return "SNI " + (get(r, "tls.client.server_name") || "none") + (alpn && alpn.length ? ", ALPN " + alpn.join(",") : "");
    case "server_hello":
      return versionOf(r) + ", " + (get(r, "tls.cipher") || "?") + (get(r, "tls.resumed") ? ", resumed" : "") +
        (tls13 && get(r, "tls.curve") ? ", key share " + get(r, "tls.curve") : "") +
        (get(r, "tls.version") === "2.0" && get(r, "tls.server.subject") ? "; certificate " + get(r, "tls.server.subject") : "");
    case "hello_retry_request": return "asks for another key share";
    case "client_master_key": return "master key, encrypted to the server's key";
    case "certificate":
      var subj = get(r, server ? "tls.server.subject" : "tls.client.subject");
      var st = get(r, server ? "tls.server.validation.status" : "tls.client.validation.status");
      if (!subj) return server ? "" : "empty: no client certificate";
      return subj + (st ? " (validation: " + st + ")" : "");
    case "server_key_exchange": case "client_key_exchange":
      return kxOf(r);
    case "certificate_request": return "asks for a client certificate: two-way";
    case "encrypted_handshake":
      if (get(r, "tls.version") === "2.0") return server ? "SERVER-VERIFY, SERVER-FINISHED" : "CLIENT-FINISHED";
      if (!tls13) return "";
      if (server) return "EncryptedExtensions .. Finished";
      return String(get(r, "tls.authentication") || "").indexOf("two_way") === 0 ?
        "Certificate, CertificateVerify, Finished" : "Finished";
    case "change_cipher_spec": return tls13 ? "middlebox compatibility" : "";
    case "alert":
      if (!s.alert) return "";
      return s.alert.encrypted ? "encrypted alert" : (s.alert.level || "?") + " " + (s.alert.description || "?");
    }
    return "";
  }
  function verdictOf(r) {
    var o = outcomeOf(r), why = get(r, "tls.failure.reason"), stage = get(r, "tls.failure.stage");
    var hd = get(r, "tls.handshake_duration"), auth = get(r, "tls.authentication");
    var v = (o === "resumed" ? "established (resumed)" : o || "no outcome") + (why ? ": " + why : "") +
      (stage ? ", expecting " + stage : "");
    if (auth) v += ", authentication " + auth + (get(r, "tls.authentication_inferred") ? " (inferred)" : "");
    if (typeof hd === "number") v += ", handshake " + (hd / 1e6).toFixed(3) + " ms";
    return v;
  }
  function ladder(r) {
    var st = steps(r), W = 980, L = 150, R = 520, rowH = 34, top = 40;
    var H = top + Math.max(1, st.length) * rowH + 40;
    var svg = sv("svg", { "class": "ladder", viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img",
      "data-steps": st.length });
    svg.appendChild(sv("text", { x: L, y: 20, "text-anchor": "middle", "font-weight": "600" }, "client"));
    svg.appendChild(sv("text", { x: R, y: 20, "text-anchor": "middle", "font-weight": "600" }, "server"));
    svg.appendChild(sv("line", { x1: L, y1: 28, x2: L, y2: H - 30, "class": "lifeline" }));
    svg.appendChild(sv("line", { x1: R, y1: 28, x2: R, y2: H - 30, "class": "lifeline" }));
    var hellos = 0;
    st.forEach(function (s, i) {
      var y = top + i * rowH + 18, toServer = s.from === "client";
      if (s.msg === "client_hello") hellos++;
      var g = sv("g", { "class": "msg " + (toServer ? "to-server" : "to-client") + (s.msg === "alert" ? " alert" : ""),
        "data-from": s.from, "data-message": s.msg });
      var x1 = toServer ? L : R, x2 = toServer ? R - 8 : L + 8, tip = toServer ? R : L;
      g.appendChild(sv("line", { x1: x1, y1: y, x2: x2, y2: y, "stroke-width": 2 }));
      g.appendChild(sv("polygon", { points: tip + "," + y + " " + x2 + "," + (y - 5) + " " + x2 + "," + (y + 5) }));
      var label = title(s.msg) + (typeof s.size === "number" ? " (" + s.size + " B)" : "");
      g.appendChild(sv("text", { x: (L + R) / 2, y: y - 6, "text-anchor": "middle", "class": "label" }, label));
      if (typeof s.offset === "number")
        g.appendChild(sv("text", { x: L - 12, y: y + 4, "text-anchor": "end", "class": "muted offset" },
          (s.offset / 1e6).toFixed(3) + " ms"));
      var n = note(r, s, hellos);
      if (n) g.appendChild(sv("text", { x: R + 14, y: y + 4, "class": "note" }, n.length > 70 ? n.slice(0, 69) + "\u2026" : n));
      svg.appendChild(g);
    });
    if (!st.length)
      svg.appendChild(sv("text", { x: (L + R) / 2, y: top + 20, "text-anchor": "middle", "class": "muted" }, "no handshake message seen"));
    var o = outcomeOf(r);
    svg.appendChild(sv("text", { x: 10, y: H - 10, "class": "verdict", fill: OUTCOME_COLOURS[o] || "#1d232a" }, verdictOf(r)));
    return svg;
  }
  function facts(r) {
    var dl = el("dl", { "class": "facts" });
    [["client", endpoint(r, "source")], ["server", endpoint(r, "destination")],
     ["SNI", get(r, "tls.client.server_name")], ["ALPN", get(r, "tls.next_protocol")],
     ["version", versionOf(r)], ["cipher", get(r, "tls.cipher")], ["key exchange", kxOf(r)],
     ["outcome", verdictOf(r)], ["JA3", get(r, "tls.client.ja3")], ["JA4", get(r, "tls.client.ja4")],
     ["JA3S", get(r, "tls.server.ja3s")], ["Community ID", get(r, "network.community_id")],
     ["anomalies", (get(r, "tls.anomalies") || []).join(", ")],
     ["capture file", get(r, "log.file.path")],
     ["interface", get(r, "observer.ingress.interface.name") || get(r, "observer.ingress.interface.id")]].forEach(function (f) {
      if (f[1] === undefined || f[1] === "") return;
      dl.appendChild(el("dt", null, f[0]));
      dl.appendChild(el("dd", null, f[1]));
    });
    return dl;
  }
  function chainTable(r, side) {
    var chain = get(r, "tls." + side + ".chain");
    if (!Array.isArray(chain) || !chain.length) return null;
    var t = el("table", { "class": "chain", "data-side": side },
      el("thead", null, el("tr", null, el("th", null, "#"), el("th", null, "subject"), el("th", null, "issuer"),
        el("th", null, "valid"), el("th", null, "key"), el("th", null, "SHA-256"))));
    var body = el("tbody");
    chain.forEach(function (c, i) {
      body.appendChild(el("tr", { "class": "cert" }, el("td", null, i),
        el("td", null, get(c, "subject.distinguished_name") || ""),
        el("td", null, get(c, "issuer.distinguished_name") || ""),
        el("td", null, (get(c, "not_before") || "?") + " .. " + (get(c, "not_after") || "?")),
        el("td", null, (get(c, "public_key_algorithm") || "") + " " + (get(c, "public_key_size") || get(c, "public_key_curve") || "")),
        el("td", null, get(c, "hash.sha256") || "")));
    });
    t.appendChild(body);
    return t;
  }
  function showSession(i) {
    var r = sessions[i], d = document.getElementById("detail");
    rows.forEach(function (row) { row.tr.classList.toggle("selected", Number(row.tr.getAttribute("data-index")) === i); });
    d.textContent = "";
    d.setAttribute("data-index", i);
    d.appendChild(el("h2", null, "Session " + (i + 1) + ": " + endpoint(r, "source") + " \u2192 " + endpoint(r, "destination") +
      (get(r, "tls.client.server_name") ? "  " + get(r, "tls.client.server_name") : "")));
    d.appendChild(el("h3", null, "Handshake"));
    d.appendChild(ladder(r));
    d.appendChild(facts(r));
    var val = get(r, "tls.server.validation");
    ["server", "client"].forEach(function (side) {
      var t = chainTable(r, side);
      if (!t) return;
      d.appendChild(el("h3", null, (side === "server" ? "Server" : "Client") + " certificate chain" +
        (side === "server" && val ? " (validation: " + val.status + (val.reasons ? "; " + val.reasons.join(", ") : "") + ")" : "")));
      d.appendChild(t);
    });
    if (get(r, "tls.server.certificate_encrypted"))
      d.appendChild(el("p", { "class": "muted" }, "The server's certificates travelled encrypted (TLS 1.3)."));
    d.appendChild(el("h3", null, "Record"));
    d.appendChild(el("pre", { "class": "raw" }, JSON.stringify(r, null, 2)));
    d.hidden = false;
    if (history.replaceState) history.replaceState(null, "", "#session=" + (i + 1));
  }

  /* ---------- start ---------- */
  var times = sessions.map(timeOf).filter(Boolean).sort();
  var first = times[0] || "", last = times[times.length - 1] || "";
  var failed = sessions.filter(function (r) { var o = outcomeOf(r); return o !== "established" && o !== "resumed"; }).length;
  document.getElementById("summary").textContent = sessions.length + " TLS sessions" +
    (sessions.length ? ", " + failed + " not established, " + first + " .. " + last + " UTC" : "") + ".";
  overview();
  buildTable();
  var m = /^#session=(\d+)$/.exec(location.hash);
  if (m && sessions[Number(m[1]) - 1]) showSession(Number(m[1]) - 1);
  document.body.setAttribute("data-ready", "1");
})();
