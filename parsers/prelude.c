/*
 * prelude.c - the cleartext before TLS: the driver (contract in prelude.h)
 * and the line-based protocols.
 *
 *   SMTP  RFC 3207 (LMTP RFC 2033)      S: 220 ...  C: EHLO  C: STARTTLS  S: 220 / 4xx 5xx
 *   FTP   RFC 4217 (implicit FTPS: TLS) S: 220 ...  C: AUTH TLS|SSL      S: 234 / 4xx 5xx
 *         RFC 2228 + GSI (GridFTP)      C: AUTH GSSAPI  S: 334, then base64 TLS in
 *                                       C: ADAT ...  S: 335|235 ADAT=... (prelude_adat.c)
 *   IMAP  RFC 3501 6.2.1                S: * OK     C: a STARTTLS        S: a OK / a NO|BAD
 *   POP3  RFC 2595 4                    S: +OK      C: STLS              S: +OK / -ERR
 *   NNTP  RFC 4642                      S: 200|201  C: STARTTLS          S: 382 / 502 580
 *   Sieve RFC 5804 2.2                  S: "STARTTLS" ... OK   C: STARTTLS  S: OK / NO BYE
 *   IRC   IRCv3 tls extension           C: STARTTLS             S: :srv 670 / :srv 691
 *   XMPP  RFC 6120 5.4 (dialback XEP-0220)
 *         C: <stream:stream xmlns='jabber:client|jabber:server'>  S: <stream:features>
 *         C: <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>   S: <proceed/> / <failure/>
 *   NX    NoMachine: banners, then TLS  C: NXSH-8.10.1       S: NXD-8.10.1
 *   HTTP CONNECT  RFC 9110 9.3.6        C: CONNECT host:port HTTP/1.1  S: HTTP/1.1 200 ...
 *
 * Every line is looked at once, then dropped: a line is an item ending in LF
 * (XMPP: an element ending in '>'), at most PRE_MAX_ITEM bytes; the rest of
 * a longer one is skipped.  After the server accepts, the next byte of each
 * direction should start a TLS record (PRE_M_AWAIT); cleartext instead means
 * the prelude goes on.
 */
#include "prelude.h"

#include <string.h>

#include "prelude_impl.h"
#include "tls_record.h"

/* ---- small text helpers (all bounded by len) ---- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

bool pre_prefix(const uint8_t *l, size_t len, const char *w)
{
	size_t k = strlen(w);

	if (len < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(l[i]) != lower((uint8_t)w[i]))
			return false;
	return true;
}

/* l starts with word w (case-insensitive) followed by the end, a space, or ':'. */
static bool is_word(const uint8_t *l, size_t len, const char *w)
{
	size_t k = strlen(w);

	return pre_prefix(l, len, w) && (len == k || l[k] == ' ' || l[k] == ':' || l[k] == '\t');
}

static bool contains(const uint8_t *l, size_t len, const char *w)
{
	size_t k = strlen(w);

	for (size_t i = 0; i + k <= len; i++)
		if (pre_prefix(l + i, len - i, w))
			return true;
	return false;
}

static const uint8_t *after(const uint8_t *l, size_t len, size_t n, size_t *rest);

/* Command w with an argument (a bare "AUTH" only lists mechanisms). */
static bool with_arg(const uint8_t *l, size_t len, const char *w)
{
	size_t r;
	return is_word(l, len, w) && (after(l, len, strlen(w), &r), r > 0);
}

/* "NNN" followed by ' ', '-' or the end: *final is false for "NNN-". */
static bool reply_code(const uint8_t *l, size_t len, uint32_t *code, bool *final)
{
	if (len < 3)
		return false;
	for (int i = 0; i < 3; i++)
		if (l[i] < '0' || l[i] > '9')
			return false;
	if (len > 3 && l[3] != ' ' && l[3] != '-')
		return false;
	*code = (uint32_t)(l[0] - '0') * 100 + (uint32_t)(l[1] - '0') * 10 + (uint32_t)(l[2] - '0');
	*final = len == 3 || l[3] == ' ';
	return true;
}

/* The rest of a line after its first n bytes and any spaces. */
static const uint8_t *after(const uint8_t *l, size_t len, size_t n, size_t *rest)
{
	if (n > len)
		n = len;
	while (n < len && l[n] == ' ')
		n++;
	*rest = len - n;
	return l + n;
}

/* Skip the first word (IMAP tag, IRC prefix) and the spaces after it. */
static const uint8_t *next_word(const uint8_t *l, size_t len, size_t *rest)
{
	size_t i = 0;

	while (i < len && l[i] != ' ')
		i++;
	return after(l, len, i, rest);
}

/* ---- shared state changes ---- */

void pre_set_client(struct pre_state *ps, int client_dir)
{
	ps->info.client = (int8_t)client_dir;
	ps->d[client_dir].role = PRE_ROLE_CLIENT;
	ps->d[!client_dir].role = PRE_ROLE_SERVER;
}

void pre_set_text(struct pre_info *in, const uint8_t *p, size_t n)
{
	in->text_cut = n > PRE_TEXT_MAX;
	if (n > PRE_TEXT_MAX)
		n = PRE_TEXT_MAX;
	memcpy(in->text, p, n);
	in->text[n] = 0;
	in->text_len = (uint16_t)n;
}

static void all_off(struct pre_state *ps)
{
	for (int i = 0; i < 2; i++)
		if (ps->d[i].mode != PRE_M_TLS)
			ps->d[i].mode = PRE_M_OFF;
}

void pre_fail(struct pre_state *ps, const char *code)
{
	if (!ps->info.anomaly)
		ps->info.anomaly = code;
	all_off(ps);
}

void pre_decide(struct pre_state *ps, uint8_t result)
{
	ps->pending = false;
	ps->info.result = result;
	if (result != PRE_R_ACCEPTED) {
		all_off(ps);
		return;
	}
	for (int i = 0; i < 2; i++)
		if (ps->d[i].mode == PRE_M_PRELUDE)
			ps->d[i].mode = PRE_M_AWAIT;
}

/* The client asked for the upgrade: its next bytes may already be TLS. */
static void request(struct pre_state *ps, int dir, const char *cmd)
{
	if (ps->info.result == PRE_R_ACCEPTED)
		return;
	pre_set_client(ps, dir);
	ps->info.command = cmd;
	ps->info.result = PRE_R_REQUESTED;
	ps->pending = true;
	ps->d[dir].mode = PRE_M_AWAIT;
}

/* The server answered the request. */
static void answer(struct pre_state *ps, bool ok, bool has_code, uint32_t code,
		   const uint8_t *text, size_t tlen)
{
	ps->info.has_code = has_code;
	ps->info.code = code;
	pre_set_text(&ps->info, text, tlen);
	pre_decide(ps, ok ? PRE_R_ACCEPTED : PRE_R_REFUSED);
}

/* ---- SMTP, LMTP, FTP, NNTP: three-digit replies ---- */

static uint8_t guess_220(uint16_t port)
{
	if (port == 21 || port == 2811)         /* 2811: GridFTP (gsiftp) */
		return PRE_P_FTP;
	if (port == 24 || port == 2003)
		return PRE_P_LMTP;
	return PRE_P_SMTP;
}

static void coded_client(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	uint8_t *pr = &ps->info.proto;

	if (is_word(l, len, "EHLO") || is_word(l, len, "HELO"))
		*pr = PRE_P_SMTP;
	else if (is_word(l, len, "LHLO"))
		*pr = PRE_P_LMTP;
	else if (*pr != PRE_P_NNTP && (is_word(l, len, "FEAT") || is_word(l, len, "PBSZ")))
		*pr = PRE_P_FTP;
	if (is_word(l, len, "STARTTLS") && *pr != PRE_P_FTP) {
		request(ps, dir, "STARTTLS");
	} else if (is_word(l, len, "AUTH") && *pr != PRE_P_NNTP) {
		size_t r;
		const uint8_t *m = after(l, len, 4, &r);
		if (is_word(m, r, "TLS") || is_word(m, r, "TLS-C") || is_word(m, r, "TLS-P") ||
		    is_word(m, r, "SSL")) {
			*pr = PRE_P_FTP;
			request(ps, dir, lower(m[0]) == 's' ? "AUTH SSL" : "AUTH TLS");
		} else if (*pr == PRE_P_FTP && is_word(m, r, "GSSAPI")) {
			/* RFC 2228: GSI's TLS comes base64 in ADAT exchanges */
			request(ps, dir, "AUTH GSSAPI");
			ps->d[dir].mode = PRE_M_PRELUDE;   /* no TLS record comes bare */
		} else if (!ps->pending && with_arg(l, len, "AUTH")) {
			pre_decide(ps, PRE_R_NOT_REQUESTED);    /* SMTP AUTH in cleartext */
		}
	} else if (!ps->pending &&
		   (is_word(l, len, "MAIL") || is_word(l, len, "USER") || is_word(l, len, "PASS") ||
		    is_word(l, len, "AUTHINFO") || is_word(l, len, "GROUP") ||
		    is_word(l, len, "ARTICLE") || is_word(l, len, "POST"))) {
		pre_decide(ps, PRE_R_NOT_REQUESTED);
	}
}

static void coded_server(struct pre_state *ps, const uint8_t *l, size_t len)
{
	uint32_t code;
	bool final, ok;
	size_t r;
	const uint8_t *t;

	if (!reply_code(l, len, &code, &final)) {
		/* FTP FEAT and NNTP CAPABILITIES list one feature per line. */
		t = after(l, len, 0, &r);
		if (is_word(t, r, "STARTTLS") || (is_word(t, r, "AUTH") && contains(t, r, "TLS")))
			ps->info.server_offers = true;
		return;
	}
	t = after(l, len, 4, &r);
	if (is_word(t, r, "STARTTLS") || (is_word(t, r, "AUTH") && contains(t, r, "TLS")))
		ps->info.server_offers = true;
	if (!ps->pending || !final)
		return;
	switch (ps->info.proto) {
	case PRE_P_FTP:
		ok = code == 234 || code == 334;
		if (ok && ps->info.command && strcmp(ps->info.command, "AUTH GSSAPI") == 0) {
			answer(ps, code == 334, true, code, t, r);
			pre_adat_start(ps);
			return;
		}
		break;
	case PRE_P_NNTP:
		ok = code == 382;
		break;
	default:
		ok = code == 220;
		break;
	}
	answer(ps, ok, true, code, t, r);
}

/* ---- IMAP, POP3, ManageSieve ---- */

static void imap_line(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	size_t r;
	const uint8_t *w = next_word(l, len, &r);

	if (ps->d[dir].role == PRE_ROLE_CLIENT) {
		if (is_word(w, r, "STARTTLS"))
			request(ps, dir, "STARTTLS");
		else if (!ps->pending && (is_word(w, r, "LOGIN") || is_word(w, r, "AUTHENTICATE")))
			pre_decide(ps, PRE_R_NOT_REQUESTED);
		return;
	}
	if (l[0] == '*' || l[0] == '+') {
		if (contains(l, len, "STARTTLS"))
			ps->info.server_offers = true;
		return;
	}
	if (!ps->pending)
		return;
	if (is_word(w, r, "OK") || is_word(w, r, "NO") || is_word(w, r, "BAD")) {
		size_t tr;
		const uint8_t *t = next_word(w, r, &tr);
		answer(ps, is_word(w, r, "OK"), false, 0, t, tr);
	}
}

static void pop3_line(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	size_t r;
	const uint8_t *t;

	if (ps->d[dir].role == PRE_ROLE_CLIENT) {
		if (is_word(l, len, "STLS"))
			request(ps, dir, "STLS");
		else if (!ps->pending && (with_arg(l, len, "USER") || with_arg(l, len, "PASS") ||
					  with_arg(l, len, "APOP") || with_arg(l, len, "AUTH")))
			pre_decide(ps, PRE_R_NOT_REQUESTED);
		return;
	}
	if (is_word(l, len, "STLS"))
		ps->info.server_offers = true;
	if (!ps->pending || !(is_word(l, len, "+OK") || is_word(l, len, "-ERR")))
		return;
	t = next_word(l, len, &r);
	answer(ps, l[0] == '+', false, 0, t, r);
}

static void sieve_line(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	size_t r;
	const uint8_t *t;

	if (ps->d[dir].role == PRE_ROLE_CLIENT) {
		if (is_word(l, len, "STARTTLS"))
			request(ps, dir, "STARTTLS");
		else if (!ps->pending && is_word(l, len, "AUTHENTICATE"))
			pre_decide(ps, PRE_R_NOT_REQUESTED);
		return;
	}
	if (pre_prefix(l, len, "\"STARTTLS\""))
		ps->info.server_offers = true;
	if (!ps->pending ||
	    !(is_word(l, len, "OK") || is_word(l, len, "NO") || is_word(l, len, "BYE")))
		return;
	t = next_word(l, len, &r);
	answer(ps, is_word(l, len, "OK"), false, 0, t, r);
}

/* ---- IRC ---- */

static void irc_line(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	size_t r, tr;
	const uint8_t *w, *t;
	uint32_t code;
	bool final;

	if (ps->d[dir].role == PRE_ROLE_CLIENT) {
		if (is_word(l, len, "STARTTLS"))
			request(ps, dir, "STARTTLS");
		return;
	}
	w = l[0] == ':' ? next_word(l, len, &r) : after(l, len, 0, &r);
	if (is_word(w, r, "CAP") && contains(w, r, " tls"))
		ps->info.server_offers = true;
	if (!reply_code(w, r, &code, &final))
		return;
	if (code == 1 && !ps->pending) {
		pre_decide(ps, PRE_R_NOT_REQUESTED);    /* registered in cleartext */
		return;
	}
	if (!ps->pending || (code != 670 && code != 691 && code != 421))
		return;
	t = next_word(w, r, &tr);               /* the target (nick or '*') */
	if (tr && t[0] != ':')
		t = next_word(t, tr, &tr);
	if (tr && t[0] == ':') {
		t++;
		tr--;
	}
	answer(ps, code == 670, true, code, t, tr);
}

/* ---- NoMachine NX: each side's banner line, then TLS from both ---- */

static void nx_line(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	if (ps->d[dir].role == PRE_ROLE_CLIENT && pre_prefix(l, len, "NXSH-"))
		request(ps, dir, "NXSH");
	else if (ps->d[dir].role == PRE_ROLE_SERVER && pre_prefix(l, len, "NXD-") && ps->pending)
		answer(ps, true, false, 0, l + 4, len - 4);
}

/* ---- a bare STARTTLS first: the server's answer tells the protocol ---- */

static void text_resolve(struct pre_state *ps, const uint8_t *l, size_t len)
{
	uint32_t code;
	bool final;

	if (l[0] == ':')
		ps->info.proto = PRE_P_IRC;
	else if (is_word(l, len, "+OK") || is_word(l, len, "-ERR"))
		ps->info.proto = PRE_P_POP3;
	else if (is_word(l, len, "OK") || is_word(l, len, "NO") || l[0] == '"')
		ps->info.proto = PRE_P_SIEVE;
	else if (reply_code(l, len, &code, &final))
		ps->info.proto = code == 382 || code == 200 || code == 201 ? PRE_P_NNTP
									: PRE_P_SMTP;
}

/* ---- XMPP: one element per item ---- */

/* The element name after '<' (prefix included), and whether it is one of w. */
static bool elem_is(const uint8_t *e, size_t len, const char *w)
{
	size_t k = strlen(w);

	return len > k && e[0] == '<' && pre_prefix(e + 1, len - 1, w) &&
	       (len == k + 1 || e[k + 1] == ' ' || e[k + 1] == '/' || e[k + 1] == '>' ||
		e[k + 1] == '\t' || e[k + 1] == '\r' || e[k + 1] == '\n');
}

static void xmpp_elem(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	size_t r;
	const uint8_t *e = after(l, len, 0, &r);
	bool client = ps->d[dir].role == PRE_ROLE_CLIENT;

	while (r && (e[0] == '\r' || e[0] == '\n' || e[0] == '\t' || e[0] == ' ')) {
		e++;
		r--;
	}
	if (elem_is(e, r, "stream:stream") || elem_is(e, r, "stream")) {
		if (contains(e, r, "'jabber:server'") || contains(e, r, "\"jabber:server\""))
			ps->info.proto = PRE_P_XMPP_SERVER;
		if (contains(e, r, "jabber:server:dialback"))
			ps->info.dialback = true;
		return;
	}
	if (elem_is(e, r, "db:result") || elem_is(e, r, "db:verify") || elem_is(e, r, "dialback"))
		ps->info.dialback = true;
	if (elem_is(e, r, "starttls") || elem_is(e, r, "tls:starttls")) {
		if (client)
			request(ps, dir, "starttls");
		else
			ps->info.server_offers = true;
		return;
	}
	if (client) {
		if (!ps->pending && (elem_is(e, r, "auth") || elem_is(e, r, "iq") ||
				     elem_is(e, r, "message") || elem_is(e, r, "presence") ||
				     elem_is(e, r, "db:result")))
			pre_decide(ps, PRE_R_NOT_REQUESTED);
		return;
	}
	if (ps->pending && (elem_is(e, r, "proceed") || elem_is(e, r, "tls:proceed")))
		answer(ps, true, false, 0, (const uint8_t *)"proceed", 7);
	else if (ps->pending && (elem_is(e, r, "failure") || elem_is(e, r, "tls:failure")))
		answer(ps, false, false, 0, (const uint8_t *)"failure", 7);
}

/* ---- HTTP CONNECT (a proxy: what it carries is identified afterwards) ---- */

static void connect_target(struct pre_info *in, const uint8_t *t, size_t n)
{
	size_t colon = n, i, hn;
	uint32_t port = 0;

	for (i = n; i > 0; i--)
		if (t[i - 1] == ':') {
			colon = i - 1;
			break;
		}
	for (i = colon + 1; i < n && t[i] >= '0' && t[i] <= '9' && port <= 65535; i++)
		port = port * 10 + (uint32_t)(t[i] - '0');
	if (colon < n && i == n && port <= 65535)
		in->proxy_port = (uint16_t)port;
	else
		colon = n;
	if (colon >= 2 && t[0] == '[' && t[colon - 1] == ']') {        /* [v6]:port */
		t++;
		colon -= 2;
	}
	hn = colon > PRE_HOST_MAX ? PRE_HOST_MAX : colon;
	in->proxy_host_cut = colon > PRE_HOST_MAX;
	memcpy(in->proxy_host, t, hn);
	in->proxy_host[hn] = 0;
	in->proxy_host_len = (uint16_t)hn;
}

static void http_line(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	struct pre_dir *d = &ps->d[dir];
	struct pre_info *in = &ps->info;
	size_t r, sp;
	const uint8_t *t;
	uint32_t code;
	bool final;

	if (d->sub == 1) {                      /* headers */
		if (len == 0) {
			d->sub = 0;
			if (d->role == PRE_ROLE_CLIENT) {
				d->mode = PRE_M_AWAIT;
			} else if (in->proxy_code / 100 == 2) {
				in->proxy_state = PRE_XS_GRANTED;
				ps->phase = PRE_PH_INNER;
				ps->d[0].mode = ps->d[1].mode = PRE_M_AWAIT;
			} else if (in->proxy_code == 407) {
				in->proxy_state = PRE_XS_REQUESTED;     /* asks to authenticate */
			} else if (in->proxy_code >= 200) {
				in->proxy_state = PRE_XS_REFUSED;
				all_off(ps);
			}
		}
		return;
	}
	if (d->role == PRE_ROLE_CLIENT) {
		if (!is_word(l, len, "CONNECT"))
			return pre_fail(ps, "proxy_malformed");
		t = after(l, len, 7, &r);
		for (sp = 0; sp < r && t[sp] != ' '; sp++)
			;
		connect_target(in, t, sp);
		in->proxy_state = PRE_XS_REQUESTED;
		d->sub = 1;
		return;
	}
	if (!pre_prefix(l, len, "HTTP/"))
		return pre_fail(ps, "proxy_malformed");
	t = next_word(l, len, &r);
	if (reply_code(t, r, &code, &final)) {
		in->proxy_has_code = true;
		in->proxy_code = (uint16_t)code;
	}
	d->sub = 1;     /* a 1xx's headers end with an empty line too, then a new status */
}

/* ---- identification of the first line ---- */

/* Whether the first bytes can be text of a known protocol (so far). */
static bool texty(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && i < 64; i++)
		if ((p[i] < 0x20 && p[i] != '\r' && p[i] != '\n' && p[i] != '\t') || p[i] == 0x7f)
			return false;
	return true;
}

static void set_proto(struct pre_state *ps, uint8_t proto, int client_dir)
{
	ps->info.proto = proto;
	ps->phase = PRE_PH_UPGRADE;
	pre_set_client(ps, client_dir);
}

/* The first line of dir (len bytes, no line end) names the protocol, or not. */
static bool identify_line(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	uint32_t code;
	bool final;
	size_t r;
	const uint8_t *w = next_word(l, len, &r);
	uint16_t port = ps->port_hint;

	if (l[0] == '<')
		set_proto(ps, PRE_P_XMPP_CLIENT, dir);
	else if (pre_prefix(l, len, "NXSH-"))
		set_proto(ps, PRE_P_NX, dir);
	else if (pre_prefix(l, len, "NXD-"))
		set_proto(ps, PRE_P_NX, !dir);
	else if (is_word(l, len, "CONNECT") && contains(l, len, " HTTP/") &&
		 ps->info.proxy == PRE_X_NONE) {
		ps->info.proxy = PRE_X_HTTP_CONNECT;
		ps->phase = PRE_PH_PROXY;
		pre_set_client(ps, dir);
	} else if (reply_code(l, len, &code, &final) && code == 220)
		set_proto(ps, contains(l, len, "FTP") ? PRE_P_FTP : guess_220(port), !dir);
	else if (reply_code(l, len, &code, &final) && (code == 200 || code == 201))
		set_proto(ps, PRE_P_NNTP, !dir);
	else if (pre_prefix(l, len, "* OK") || pre_prefix(l, len, "* PREAUTH"))
		set_proto(ps, PRE_P_IMAP, !dir);
	else if (is_word(l, len, "+OK"))
		set_proto(ps, PRE_P_POP3, !dir);
	else if (l[0] == '"' && (pre_prefix(l, len, "\"IMPLEMENTATION\"") ||
				 pre_prefix(l, len, "\"SIEVE\"") || pre_prefix(l, len, "\"SASL\"") ||
				 pre_prefix(l, len, "\"STARTTLS\"")))
		set_proto(ps, PRE_P_SIEVE, !dir);
	else if (l[0] == ':' || is_word(l, len, "NOTICE"))
		set_proto(ps, PRE_P_IRC, !dir);
	else if (is_word(l, len, "EHLO") || is_word(l, len, "HELO"))
		set_proto(ps, PRE_P_SMTP, dir);
	else if (is_word(l, len, "LHLO"))
		set_proto(ps, PRE_P_LMTP, dir);
	else if (is_word(l, len, "STLS"))
		set_proto(ps, PRE_P_POP3, dir);
	else if (is_word(l, len, "AUTH") && (contains(l, len, "TLS") || contains(l, len, "SSL")))
		set_proto(ps, PRE_P_FTP, dir);
	else if (is_word(l, len, "CAP") || is_word(l, len, "NICK") || is_word(l, len, "PASS"))
		set_proto(ps, PRE_P_IRC, dir);
	else if (is_word(l, len, "STARTTLS"))
		set_proto(ps, port == 6667 || port == 6697 || port == 7000 ? PRE_P_IRC :
			  port == 119 || port == 433 ? PRE_P_NNTP :
			  port == 4190 ? PRE_P_SIEVE :
			  port == 25 || port == 587 ? PRE_P_SMTP : PRE_P_TEXT, dir);
	else if (r && (is_word(w, r, "STARTTLS") || is_word(w, r, "CAPABILITY")))
		set_proto(ps, PRE_P_IMAP, dir);
	else
		return false;
	return true;
}

static enum pre_step identify(struct pre_state *ps, int dir, const uint8_t *p, size_t n)
{
	enum pre_step b = pre_bin_identify(ps, dir, p, n);
	size_t i, lim = n < PRE_MAX_ITEM ? n : PRE_MAX_ITEM;

	if (b != PRE_S_NO)
		return b;
	if (!texty(p, n))
		return PRE_S_NO;
	if (n && p[0] == '<') {
		static const char *const heads[] = { "<?xml", "<stream:stream" };
		for (i = 0; i < 2; i++) {
			size_t k = strlen(heads[i]);
			if (n < k && memcmp(p, heads[i], n) == 0)
				return PRE_S_NEED;
			if (n >= k && memcmp(p, heads[i], k) == 0)
				return identify_line(ps, dir, p, n) ? PRE_S_OK : PRE_S_NO;
		}
		return PRE_S_NO;
	}
	for (i = 0; i < lim && p[i] != '\n'; i++)
		;
	if (i == lim)
		return n >= PRE_MAX_ITEM ? PRE_S_NO : PRE_S_NEED;
	if (i && p[i - 1] == '\r')
		i--;
	return i && identify_line(ps, dir, p, i) ? PRE_S_OK : PRE_S_NO;
}

/* ---- one line-based item ---- */

static void on_line(struct pre_state *ps, int dir, const uint8_t *l, size_t len)
{
	if (ps->phase == PRE_PH_PROXY)
		return http_line(ps, dir, l, len);
	if (len == 0)
		return;
	if (ps->info.proto == PRE_P_TEXT && ps->d[dir].role == PRE_ROLE_SERVER)
		text_resolve(ps, l, len);
	switch (ps->info.proto) {
	case PRE_P_SMTP: case PRE_P_LMTP: case PRE_P_FTP: case PRE_P_NNTP:
		if (ps->d[dir].role == PRE_ROLE_CLIENT)
			coded_client(ps, dir, l, len);
		else
			coded_server(ps, l, len);
		break;
	case PRE_P_IMAP:
		imap_line(ps, dir, l, len);
		break;
	case PRE_P_POP3:
		pop3_line(ps, dir, l, len);
		break;
	case PRE_P_SIEVE:
		sieve_line(ps, dir, l, len);
		break;
	case PRE_P_IRC:
		irc_line(ps, dir, l, len);
		break;
	case PRE_P_XMPP_CLIENT: case PRE_P_XMPP_SERVER:
		xmpp_elem(ps, dir, l, len);
		break;
	case PRE_P_NX:
		nx_line(ps, dir, l, len);
		break;
	case PRE_P_TEXT:
		if (ps->d[dir].role == PRE_ROLE_CLIENT && is_word(l, len, "STARTTLS"))
			request(ps, dir, "STARTTLS");
		break;
	default:
		break;
	}
}

static enum pre_step text_step(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			       size_t *used)
{
	bool xmpp = ps->phase == PRE_PH_UPGRADE && (ps->info.proto == PRE_P_XMPP_CLIENT ||
						    ps->info.proto == PRE_P_XMPP_SERVER);
	uint8_t end = xmpp ? '>' : '\n';
	size_t i, len, lim = n < PRE_MAX_ITEM ? n : PRE_MAX_ITEM;

	for (i = 0; i < lim && p[i] != end; i++)
		;
	if (i == lim) {
		if (n < PRE_MAX_ITEM)
			return PRE_S_NEED;
		ps->d[dir].cut_line = true;     /* looked at no further */
		*used = n;
		return PRE_S_OK;
	}
	*used = i + 1;
	len = xmpp ? i + 1 : (i && p[i - 1] == '\r' ? i - 1 : i);
	on_line(ps, dir, p, len);
	return PRE_S_OK;
}

static enum pre_step one_item(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			      size_t *used)
{
	*used = 0;
	if (ps->phase == PRE_PH_IDENTIFY || ps->phase == PRE_PH_INNER)
		return identify(ps, dir, p, n);
	if (ps->phase == PRE_PH_PROXY && ps->info.proxy != PRE_X_HTTP_CONNECT)
		return pre_bin_step(ps, dir, p, n, used);
	if (ps->phase == PRE_PH_UPGRADE && pre_is_bin(ps->info.proto))
		return pre_bin_step(ps, dir, p, n, used);
	return text_step(ps, dir, p, n, used);
}

/* ---- the driver ---- */

void pre_init(struct pre_state *ps, int syn_side, uint16_t port_hint)
{
	memset(ps, 0, sizeof *ps);
	ps->info.client = (int8_t)(syn_side == 0 || syn_side == 1 ? syn_side : -1);
	ps->port_hint = port_hint;
	ps->tds_enc[0] = ps->tds_enc[1] = 0xff;
}

/* Skip what an earlier step said to skip; false when nothing is left. */
static bool skip_pending(struct pre_dir *d, const uint8_t *p, size_t n, size_t *c)
{
	if (d->skip) {
		size_t k = n - *c < d->skip ? n - *c : d->skip;
		*c += k;
		d->skip -= (uint32_t)k;
	}
	if (d->cut_line) {
		const uint8_t *nl = *c < n ? memchr(p + *c, '\n', n - *c) : NULL;
		*c = nl ? (size_t)(nl - p) + 1 : n;
		d->cut_line = !nl;
	}
	return *c < n;
}

/* TLS starts (or not) at the next byte of an awaiting direction. */
static enum pre_status await(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			     size_t c)
{
	struct pre_dir *d = &ps->d[dir];

	switch (tls_sniff(p + c, n - c)) {
	case TLS_OK:
		d->mode = PRE_M_TLS;
		ps->info.tls[dir] = true;
		ps->info.tls_at[dir] = d->off + c;
		if (ps->phase == PRE_PH_INNER) {
			if (ps->info.client < 0)
				pre_set_client(ps, dir);
		} else if (ps->info.result == PRE_R_REQUESTED) {
			/* The client went ahead; the server's answer, when it
			 * comes, is still read (and may say otherwise). */
			ps->info.result = PRE_R_ACCEPTED;
		}
		return PRE_TLS;
	case TLS_NEED_MORE:
		return PRE_NEED_MORE;
	default:
		d->mode = PRE_M_PRELUDE;
		return PRE_NOT;
	}
}

enum pre_status pre_push(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			 size_t *consumed, size_t *chunk_off, size_t *chunk_len)
{
	struct pre_dir *d;
	enum pre_status ret = PRE_NEED_MORE;
	size_t c = 0, u;

	*consumed = 0;
	if (dir != 0 && dir != 1)
		return PRE_NOT;
	d = &ps->d[dir];
	for (;;) {
		if (d->mode == PRE_M_OFF) {
			c = n;
			ret = PRE_DONE;
			break;
		}
		if (d->mode == PRE_M_TLS) {
			ret = PRE_TLS;
			break;
		}
		if (d->mode == PRE_M_WRAP) {
			ret = ps->info.proto == PRE_P_OPENVPN
				      ? pre_ovpn_unwrap(ps, dir, p + c, n - c, &u, chunk_off, chunk_len)
			      : ps->info.wrapped_b64
				      ? pre_adat_unwrap(ps, dir, p + c, n - c, &u, chunk_off, chunk_len)
				      : pre_tds_unwrap(ps, dir, p + c, n - c, &u, chunk_off, chunk_len);
			if (ret == PRE_WRAPPED) {
				if (!ps->info.tls[dir])
					ps->info.tls_at[dir] = d->off + c + *chunk_off;
				ps->info.tls[dir] = true;
				*chunk_off += c;
			}
			c += u;
			if (ret == PRE_TLS) {
				ps->info.tls[dir] = true;
				if (!ps->info.tls_at[dir])
					ps->info.tls_at[dir] = d->off + c;
			}
			break;
		}
		if (!skip_pending(d, p, n, &c))
			break;
		if (d->off + c > PRE_MAX_BYTES) {
			if (ps->info.result == PRE_R_NONE && ps->info.proto)
				ps->info.result = PRE_R_NOT_REQUESTED;
			all_off(ps);
			continue;
		}
		if (d->mode == PRE_M_AWAIT) {
			ret = await(ps, dir, p, n, c);
			if (ret != PRE_NOT)
				break;
			ret = PRE_NEED_MORE;
		}
		switch (one_item(ps, dir, p + c, n - c, &u)) {
		case PRE_S_NEED:
			goto out;
		case PRE_S_NO:
			if (ps->phase == PRE_PH_IDENTIFY) {
				if (d->off + c == 0)
					return PRE_NOT;
				pre_fail(ps, "prelude_malformed");
			} else if (ps->phase == PRE_PH_INNER) {
				all_off(ps);    /* the proxy carries something else */
			} else {
				pre_fail(ps, "prelude_malformed");
			}
			continue;
		case PRE_S_OK:
			c += u;
			break;
		}
	}
out:
	d->off += c;
	*consumed = c;
	return ret;
}

bool pre_recognised(const struct pre_state *ps)
{
	return ps->info.proto != PRE_P_NONE || ps->info.proxy != PRE_X_NONE;
}

bool pre_over(const struct pre_state *ps)
{
	for (int i = 0; i < 2; i++)
		if (ps->d[i].mode != PRE_M_OFF && ps->d[i].mode != PRE_M_TLS)
			return false;
	return true;
}

void pre_abandon(struct pre_state *ps)
{
	all_off(ps);
}

/* ---- names ---- */

const char *pre_proto_name(uint8_t proto)
{
	static const char *const names[PRE_P__COUNT] = {
		[PRE_P_SMTP] = "smtp", [PRE_P_LMTP] = "lmtp", [PRE_P_FTP] = "ftp",
		[PRE_P_IMAP] = "imap", [PRE_P_POP3] = "pop3", [PRE_P_NNTP] = "nntp",
		[PRE_P_SIEVE] = "managesieve", [PRE_P_IRC] = "irc",
		[PRE_P_XMPP_CLIENT] = "xmpp_client", [PRE_P_XMPP_SERVER] = "xmpp_server",
		[PRE_P_LDAP] = "ldap", [PRE_P_PGSQL] = "postgresql", [PRE_P_MYSQL] = "mysql",
		[PRE_P_TDS] = "mssql", [PRE_P_RDP] = "rdp", [PRE_P_ADB] = "adb", [PRE_P_NX] = "nx",
		[PRE_P_OPENVPN] = "openvpn",
		[PRE_P_TEXT] = "unknown",
	};
	return proto < PRE_P__COUNT ? names[proto] : NULL;
}

const char *pre_result_name(uint8_t result)
{
	static const char *const names[] = { NULL, "not_requested", "abandoned", "accepted",
					     "refused" };
	return result < sizeof names / sizeof names[0] ? names[result] : NULL;
}

const char *pre_proxy_name(uint8_t proxy)
{
	static const char *const names[] = { NULL, "http_connect", "socks4", "socks4a",
					     "socks5" };
	return proxy < sizeof names / sizeof names[0] ? names[proxy] : NULL;
}

const char *pre_proxy_state_name(uint8_t st)
{
	static const char *const names[] = { NULL, "abandoned", "granted", "refused" };
	return st < sizeof names / sizeof names[0] ? names[st] : NULL;
}
