/*
 * view_ladder.c - `--format ladder` (-v): a session's handshake as a
 * sequence diagram between client and server.
 *
 *   2026-11-25 04:37:20.018  10.99.0.1:56908 -> 10.99.0.2:443  example.com
 *                  client                                             server
 *      0.000 ms  |-- ClientHello 517 B --------------------------->|  SNI example.com
 *      0.412 ms  |<--------------------------- ServerHello 89 B --|  TLS 1.2, TLS_..._GCM_SHA384
 *   == established, one-way authentication, handshake 5.010 ms
 *
 * The messages come from tls.handshake_timeline (side, time offset from
 * the ClientHello, size), or from tls.handshake_messages when a record has
 * no timeline (no times or sizes then).  The facts beside an arrow are the
 * record's own fields: version and cipher at the ServerHello, subject and
 * validation at the Certificate, group at the key exchange, the
 * CertificateRequest that makes it two-way, the alert that ended it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

#define ARROW 50                        /* columns between the two bars */

struct step {
	const char *from;               /* "client" / "server" */
	const char *msg;                /* snake_case name */
	long long offset_ns, size;      /* -1: not known */
	json_t *alert;                  /* the tls.alerts entry of an alert step */
};

/* "client_hello" -> "ClientHello", with a few names of our own. */
static void msg_title(const char *m, char *buf, size_t len)
{
	static const char *const special[][2] = {
		{ "encrypted_handshake", "encrypted flight" },
		{ "application_data", "application data" },
		{ "finished", "Finished (encrypted)" },
	};
	size_t o = 0;
	bool up = true;

	for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
		if (strcmp(m, special[i][0]) == 0) {
			snprintf(buf, len, "%s", special[i][1]);
			return;
		}
	for (; *m && o + 1 < len; m++) {
		if (*m == '_') {
			up = true;
			continue;
		}
		buf[o++] = up ? (char)toupper((unsigned char)*m) : *m;
		up = false;
	}
	buf[o] = '\0';
}

/* The arrow with its label, ARROW + 2 columns: |-- label ---->|  or  |<---- label --| */
static void arrow(struct vbuf *b, const char *label, bool to_server, bool colour)
{
	size_t n = strlen(label), dashes = ARROW > n + 5 ? ARROW - n - 5 : 1;

	vb_puts(b, "|");
	vb_sgr(b, colour, to_server ? "34" : "35");
	if (to_server) {
		vb_puts(b, "-- ");
		vb_safe(b, label, 0);
		vb_puts(b, " ");
		while (dashes--)
			vb_puts(b, "-");
		vb_puts(b, ">");
	} else {
		vb_puts(b, "<");
		while (dashes--)
			vb_puts(b, "-");
		vb_puts(b, " ");
		vb_safe(b, label, 0);
		vb_puts(b, " --");
	}
	vb_sgr(b, colour, "0");
	vb_puts(b, "|");
}

/* "CN=a,O=b" -> its first component's value, for a short note. */
static void short_dn(const char *dn, char *buf, size_t len)
{
	const char *eq = dn ? strchr(dn, '=') : NULL, *comma;

	if (!eq) {
		snprintf(buf, len, "%s", dn ? dn : "?");
		return;
	}
	comma = strchr(eq, ',');
	snprintf(buf, len, "%.*s", (int)(comma ? comma - eq - 1 : (long)strlen(eq + 1)), eq + 1);
}

static void note_hello(json_t *r, struct vbuf *n, int nth_ch)
{
	json_t *sni = vj_get(r, "tls.client.server_name");
	json_t *alpn = vj_get(r, "tls.client.alpn");

	if (nth_ch > 1) {
		vb_puts(n, "second ClientHello, with the key share asked for");
		return;
	}
	vb_puts(n, "SNI ");
	if (json_is_string(sni))
		vb_putn(n, json_string_value(sni), json_string_length(sni));
	else
		vb_puts(n, "none");
	if (json_array_size(alpn)) {
		vb_puts(n, ", ALPN ");
		for (size_t i = 0; i < json_array_size(alpn); i++) {
			const char *a = json_string_value(json_array_get(alpn, i));
			vb_printf(n, "%s%s", i ? "," : "", a ? a : "?");
		}
	}
}

static void note_cert(json_t *r, struct vbuf *n, bool server)
{
	const char *subj = vj_str(r, server ? "tls.server.subject" : "tls.client.subject");
	const char *st = vj_str(r, server ? "tls.server.validation.status" :
				   "tls.client.validation.status");
	char cn[128];

	if (!subj) {
		vb_puts(n, server ? "" : "empty: no client certificate");
		return;
	}
	short_dn(subj, cn, sizeof cn);
	vb_printf(n, "%s", cn);
	if (st)
		vb_printf(n, " (validation: %s)", st);
}

static void note_alert(json_t *al, struct vbuf *n)
{
	const char *lvl = vj_str(al, "level"), *d = vj_str(al, "description");

	if (!al)
		return;
	if (vj_true(al, "encrypted"))
		vb_puts(n, "encrypted alert");
	else
		vb_printf(n, "%s %s", lvl ? lvl : "?", d ? d : "?");
}

/* The key facts beside one arrow (appended to n). */
static void note(json_t *r, const struct step *s, struct vbuf *n, int nth_ch)
{
	bool server = strcmp(s->from, "server") == 0, tls13, v2;
	const char *m = s->msg, *v = vj_str(r, "tls.version");
	char ver[24];

	tls13 = v && strncmp(v, "1.3", 3) == 0;
	v2 = v && strcmp(v, "2.0") == 0;
	if (strcmp(m, "client_hello") == 0) {
		note_hello(r, n, nth_ch);
	} else if (strcmp(m, "server_hello") == 0) {
		const char *c = vj_str(r, "tls.cipher");
		vb_printf(n, "%s, %s", vj_version(r, ver, sizeof ver) ? ver : "?", c ? c : "?");
		if (vj_true(r, "tls.resumed"))
			vb_puts(n, ", resumed");
		if (tls13 && vj_str(r, "tls.curve"))
			vb_printf(n, ", key share %s", vj_str(r, "tls.curve"));
		if (v2 && vj_str(r, "tls.server.subject")) {
			vb_puts(n, "; certificate ");
			note_cert(r, n, true);
		}
	} else if (strcmp(m, "client_master_key") == 0) {
		vb_puts(n, "master key, encrypted to the server's key");
	} else if (strcmp(m, "encrypted_handshake") == 0 && v2) {
		vb_puts(n, server ? "SERVER-VERIFY, SERVER-FINISHED" : "CLIENT-FINISHED");
	} else if (strcmp(m, "hello_retry_request") == 0) {
		vb_puts(n, "asks for another key share");
	} else if (strcmp(m, "certificate") == 0) {
		note_cert(r, n, server);
	} else if (strcmp(m, "server_key_exchange") == 0 || strcmp(m, "client_key_exchange") == 0) {
		const char *g = vj_str(r, "tls.server.key_exchange.group");
		const char *k = vj_str(r, "tls.server.key_exchange.method");
		if (k)
			vb_printf(n, "%s", k);
		if (g)
			vb_printf(n, "%s%s", k ? " " : "", g);
	} else if (strcmp(m, "certificate_request") == 0) {
		vb_puts(n, "asks for a client certificate: two-way");
	} else if (strcmp(m, "encrypted_handshake") == 0 && tls13) {
		if (server)
			vb_puts(n, "EncryptedExtensions .. Finished");
		else if (vj_str(r, "tls.authentication") &&
			 strncmp(vj_str(r, "tls.authentication"), "two_way", 7) == 0)
			vb_puts(n, "Certificate, CertificateVerify, Finished");
		else
			vb_puts(n, "Finished");
	} else if (strcmp(m, "change_cipher_spec") == 0 && tls13) {
		vb_puts(n, "middlebox compatibility");
	} else if (strcmp(m, "alert") == 0) {
		note_alert(s->alert, n);
	}
}

/* The steps of the record: its timeline, else its handshake_messages and
 * then its alerts.  Returns how many were stored (at most max). */
static size_t steps_of(json_t *r, struct step *st, size_t max)
{
	json_t *tl = vj_get(r, "tls.handshake_timeline"), *al = vj_get(r, "tls.alerts");
	size_t n = 0, ai = 0;

	if (json_is_array(tl)) {
		for (size_t i = 0; i < json_array_size(tl) && n < max; i++) {
			json_t *e = json_array_get(tl, i);
			st[n].from = vj_str(e, "from");
			st[n].msg = vj_str(e, "message");
			st[n].offset_ns = vj_int(e, "offset", -1);
			st[n].size = vj_int(e, "length", -1);
			st[n].alert = NULL;
			if (!st[n].from || !st[n].msg)
				continue;
			if (strcmp(st[n].msg, "alert") == 0)
				st[n].alert = json_array_get(al, ai++);
			n++;
		}
		return n;
	}
	tl = vj_get(r, "tls.handshake_messages");
	for (size_t i = 0; i < json_array_size(tl) && n < max; i++) {
		const char *e = json_string_value(json_array_get(tl, i)), *colon;
		if (!e || !(colon = strchr(e, ':')))
			continue;
		st[n].from = strncmp(e, "client:", 7) == 0 ? "client" : "server";
		st[n].msg = colon + 1;
		st[n].offset_ns = st[n].size = -1;
		st[n].alert = NULL;
		n++;
	}
	for (size_t i = 0; i < json_array_size(al) && n < max; i++) {
		json_t *a = json_array_get(al, i);
		st[n].from = vj_str(a, "from") ? vj_str(a, "from") : "server";
		st[n].msg = "alert";
		st[n].offset_ns = st[n].size = -1;
		st[n].alert = a;
		n++;
	}
	return n;
}

static void header(struct vbuf *b, json_t *r, bool colour)
{
	char t[40], cli[64], srv[64];
	const char *sni = vj_str(r, "tls.client.server_name");

	vj_time(vj_str(r, "event.start"), t, sizeof t);
	vj_endpoint(r, "source", cli, sizeof cli);
	vj_endpoint(r, "destination", srv, sizeof srv);
	vb_sgr(b, colour, "1");
	vb_printf(b, "%s  %s -> %s", t, cli, srv);
	if (sni) {
		vb_puts(b, "  ");
		vj_safe(b, r, "tls.client.server_name", 0);
	}
	vb_sgr(b, colour, "0");
	/* The names over their bars: columns 14 and 14 + ARROW + 1. */
	vb_printf(b, "\n%11sclient%*sserver\n", "", ARROW - 8, "");
}

static void verdict(struct vbuf *b, json_t *r, bool colour)
{
	const char *o = vj_str(r, "tls.outcome"), *why = vj_str(r, "tls.failure.reason");
	const char *stage = vj_str(r, "tls.failure.stage"), *auth = vj_str(r, "tls.authentication");
	long long hd = vj_int(r, "tls.handshake_duration", -1);
	json_t *an = vj_get(r, "tls.anomalies");

	vb_sgr(b, colour, vj_outcome_sgr(r));
	vb_puts(b, "== ");
	if (!o)
		vb_puts(b, "no outcome");
	else if (strcmp(o, "established") == 0)
		vb_puts(b, vj_true(r, "tls.resumed") ? "established (resumed)" : "established");
	else
		vb_safe(b, o, 0);
	if (why) {
		vb_puts(b, ": ");
		vb_safe(b, why, 0);
	}
	if (stage)
		vb_printf(b, ", expecting %s", stage);
	vb_sgr(b, colour, "0");
	if (auth)
		vb_printf(b, ", authentication %s%s", auth,
			  vj_true(r, "tls.authentication_inferred") ? " (inferred)" : "");
	if (hd >= 0)
		vb_printf(b, ", handshake %.3f ms", (double)hd / 1e6);
	for (size_t i = 0; i < json_array_size(an); i++) {
		const char *a = json_string_value(json_array_get(an, i));
		vb_printf(b, "%s%s", i ? ", " : "\n   anomalies: ", a ? a : "?");
	}
}

void view_ladder(struct vbuf *b, json_t *r, bool colour)
{
	struct step st[128];
	size_t n = steps_of(r, st, sizeof st / sizeof st[0]);
	int nth_ch = 0;
	struct vbuf nt = { 0 };

	header(b, r, colour);
	for (size_t i = 0; i < n; i++) {
		char title[64], label[96];
		bool to_server = strcmp(st[i].from, "client") == 0;

		if (strcmp(st[i].msg, "client_hello") == 0)
			nth_ch++;
		msg_title(st[i].msg, title, sizeof title);
		if (st[i].size >= 0)
			snprintf(label, sizeof label, "%s %lld B", title, st[i].size);
		else
			snprintf(label, sizeof label, "%s", title);
		if (st[i].offset_ns >= 0)
			vb_printf(b, "%9.3f ms  ", (double)st[i].offset_ns / 1e6);
		else
			vb_pad(b, 14);
		arrow(b, label, to_server, colour);
		nt.len = 0;
		note(r, &st[i], &nt, nth_ch);
		if (nt.len) {
			vb_puts(b, "  ");
			vb_safen(b, nt.p, nt.len, 0);
		}
		vb_puts(b, "\n");
	}
	if (n == 0)
		vb_printf(b, "%14s(no handshake message seen)\n", "");
	vb_free(&nt);
	verdict(b, r, colour);
}
