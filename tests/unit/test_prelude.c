/*
 * Unit tests for parsers/prelude.c and prelude_bin.c: each upgrade protocol
 * and proxy as a hand-built conversation (the bytes from the RFCs' and
 * specifications' examples and layouts, not from the parser), fed
 *   - whole, and the outcome checked field by field;
 *   - with every message split in two at every byte: the same outcome;
 *   - cut after every byte of every message: a strict prefix of a cleartext
 *     message is "need more", never TLS, done or a decision.
 * Bytes are handed over in allocations of exactly their size so that a
 * sanitizer build reports any read past what has arrived.
 */
#include "../../parsers/digest.h"
#include "../../parsers/prelude.h"
#include "tt_test.h"

#include <stdint.h>
#include <stdlib.h>

#define C 0     /* the client's flow direction in every conversation */
#define S 1
#define M(d, s) { d, (const uint8_t *)(s), sizeof(s) - 1, 0 }
#define T(d, s) { d, (const uint8_t *)(s), sizeof(s) - 1, 1 }   /* TLS bytes */

struct msg {
	int dir;
	const uint8_t *b;
	size_t n;
	int tls;
};

/* A ClientHello and a ServerHello record header and start (tls_sniff: yes). */
#define CH "\x16\x03\x01\x00\x08\x01\x00\x00\x04\x03\x03\xaa\xbb"
#define SH "\x16\x03\x03\x00\x08\x02\x00\x00\x04\x03\x03\xcc\xdd"

struct want {
	const char *proto, *result, *command;
	long code;              /* -1: none */
	const char *text;
	bool tls[2];
	const char *proxy, *proxy_state, *host;
	long proxy_code;        /* -1: none */
	uint16_t port;
	const char *anomaly;
};

struct conv {
	const char *name;
	uint16_t port_hint;
	const struct msg *m;
	size_t n;
	struct want w;
	const uint8_t *unwrapped[2];    /* TDS: the TLS stream each side carried */
	size_t unwrapped_len[2];
};

struct run {
	struct pre_state ps;
	uint8_t buf[2][8192];
	size_t blen[2];
	bool tls[2], done[2], not_prelude;
	bool tls_seen[2];               /* bare or wrapped TLS bytes came */
	uint8_t tlsb[2][512];
	size_t ntls[2];
	enum pre_status last[2];
};

static void tls_append(struct run *r, int dir, const uint8_t *b, size_t n)
{
	CHECK(r->ntls[dir] + n <= sizeof r->tlsb[dir]);
	if (r->ntls[dir] + n > sizeof r->tlsb[dir])
		return;
	memcpy(r->tlsb[dir] + r->ntls[dir], b, n);
	r->ntls[dir] += n;
}

static void drop(struct run *r, int dir, size_t used)
{
	memmove(r->buf[dir], r->buf[dir] + used, r->blen[dir] - used);
	r->blen[dir] -= used;
}

/* The caller's side of the contract, as the session does it. */
static void feed(struct run *r, int dir, const uint8_t *b, size_t n)
{
	if (r->tls[dir]) {
		tls_append(r, dir, b, n);
		return;
	}
	if (r->done[dir] || r->not_prelude)
		return;
	CHECK(r->blen[dir] + n <= sizeof r->buf[dir]);
	memcpy(r->buf[dir] + r->blen[dir], b, n);
	r->blen[dir] += n;
	for (;;) {
		size_t used = 0, co = 0, cl = 0, len = r->blen[dir];
		uint8_t *p = malloc(len ? len : 1);
		enum pre_status st;

		if (!p)
			exit(2);
		memcpy(p, r->buf[dir], len);
		st = pre_push(&r->ps, dir, len ? p : NULL, len, &used, &co, &cl);
		free(p);
		r->last[dir] = st;
		CHECK(used <= len);
		if (used > len)
			return;
		switch (st) {
		case PRE_WRAPPED:
			CHECK(co + cl <= used && cl > 0);
			tls_append(r, dir, r->buf[dir] + co, cl);
			r->tls_seen[dir] = true;
			drop(r, dir, used);
			continue;
		case PRE_TLS:
			drop(r, dir, used);
			r->tls[dir] = r->tls_seen[dir] = true;
			tls_append(r, dir, r->buf[dir], r->blen[dir]);
			r->blen[dir] = 0;
			return;
		case PRE_DONE:
			CHECK(used == len);
			r->done[dir] = true;
			r->blen[dir] = 0;
			return;
		case PRE_NOT:
			CHECK(used == 0);
			r->not_prelude = true;
			return;
		case PRE_NEED_MORE:
			drop(r, dir, used);
			return;
		}
	}
}

static void start(struct run *r, const struct conv *cv)
{
	memset(r, 0, sizeof *r);
	pre_init(&r->ps, C, cv->port_hint);
}

static void run_all(struct run *r, const struct conv *cv, size_t split_msg, size_t split_at)
{
	start(r, cv);
	for (size_t i = 0; i < cv->n; i++) {
		const struct msg *m = &cv->m[i];
		if (i == split_msg && split_at > 0 && split_at < m->n) {
			feed(r, m->dir, m->b, split_at);
			feed(r, m->dir, m->b + split_at, m->n - split_at);
		} else {
			feed(r, m->dir, m->b, m->n);
		}
	}
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_want(const struct conv *cv, const struct run *r)
{
	const struct pre_info *in = &r->ps.info;
	const struct want *w = &cv->w;
	bool ok = true;

	ok &= str_eq(pre_proto_name(in->proto), w->proto);
	ok &= str_eq(pre_result_name(in->result), w->result);
	ok &= str_eq(in->command, w->command);
	ok &= w->code < 0 ? !in->has_code : in->has_code && in->code == (uint32_t)w->code;
	ok &= !w->text || strcmp(in->text, w->text) == 0;
	ok &= in->tls[0] == w->tls[0] && in->tls[1] == w->tls[1];
	ok &= r->tls_seen[0] == w->tls[0] && r->tls_seen[1] == w->tls[1];
	ok &= str_eq(pre_proxy_name(in->proxy), w->proxy);
	ok &= str_eq(pre_proxy_state_name(in->proxy_state), w->proxy_state);
	ok &= !w->host || strcmp(in->proxy_host, w->host) == 0;
	ok &= w->proxy_code < 0 ? !in->proxy_has_code
				: in->proxy_has_code && in->proxy_code == w->proxy_code;
	ok &= in->proxy_port == w->port;
	ok &= str_eq(in->anomaly, w->anomaly);
	for (int d = 0; d < 2; d++)
		if (cv->unwrapped[d])
			ok &= r->ntls[d] >= cv->unwrapped_len[d] &&
			      memcmp(r->tlsb[d], cv->unwrapped[d], cv->unwrapped_len[d]) == 0;
	CHECK(ok);
	if (!ok)
		fprintf(stderr, "  %s: proto %s result %s command %s code %s%u text \"%s\" "
			"tls %d/%d proxy %s %s %s:%u code %u anomaly %s\n", cv->name,
			pre_proto_name(in->proto), pre_result_name(in->result), in->command,
			in->has_code ? "" : "(none) ", in->code, in->text, r->tls[0], r->tls[1],
			pre_proxy_name(in->proxy), pre_proxy_state_name(in->proxy_state),
			in->proxy_host, in->proxy_port, in->proxy_code, in->anomaly);
}

/* Same outcome, however the bytes were cut into segments. */
static bool same(const struct run *a, const struct run *b)
{
	const struct pre_info *x = &a->ps.info, *y = &b->ps.info;

	return x->proto == y->proto && x->result == y->result && str_eq(x->command, y->command) &&
	       x->has_code == y->has_code && x->code == y->code && strcmp(x->text, y->text) == 0 &&
	       x->tls[0] == y->tls[0] && x->tls[1] == y->tls[1] &&
	       x->tls_at[0] == y->tls_at[0] && x->tls_at[1] == y->tls_at[1] &&
	       x->proxy == y->proxy && x->proxy_state == y->proxy_state &&
	       x->proxy_code == y->proxy_code && x->proxy_port == y->proxy_port &&
	       strcmp(x->proxy_host, y->proxy_host) == 0 && a->ntls[0] == b->ntls[0] &&
	       a->ntls[1] == b->ntls[1] && memcmp(a->tlsb, b->tlsb, sizeof a->tlsb) == 0;
}

static void check_conv(const struct conv *cv)
{
	static struct run whole, cut;

	run_all(&whole, cv, (size_t)-1, 0);
	check_want(cv, &whole);
	for (size_t i = 0; i < cv->n; i++) {
		for (size_t k = 1; k < cv->m[i].n; k++) {
			run_all(&cut, cv, i, k);
			CHECK(same(&whole, &cut));
			if (!same(&whole, &cut))
				fprintf(stderr, "  %s: split message %zu at %zu differs\n", cv->name, i, k);
		}
		/* every strict prefix of a cleartext message: need more */
		for (size_t k = 0; k < cv->m[i].n && !cv->m[i].tls; k++) {
			int d = cv->m[i].dir;
			start(&cut, cv);
			for (size_t j = 0; j < i; j++)
				feed(&cut, cv->m[j].dir, cv->m[j].b, cv->m[j].n);
			/* (a direction the prelude already gave up takes anything) */
			if (cut.tls[d] || cut.done[d] || cut.not_prelude ||
			    cut.ps.info.result == PRE_R_REFUSED ||
			    cut.ps.info.result == PRE_R_NOT_REQUESTED)
				continue;
			feed(&cut, d, cv->m[i].b, k);
			CHECK(cut.last[d] == PRE_NEED_MORE && !cut.tls[d] && !cut.done[d]);
			if (cut.last[d] != PRE_NEED_MORE)
				fprintf(stderr, "  %s: prefix %zu of message %zu: status %d\n",
					cv->name, k, i, cut.last[d]);
		}
	}
}

#define CONV(nm, port, msgs, ...) \
	{ nm, port, msgs, sizeof(msgs) / sizeof(msgs[0]), __VA_ARGS__, { NULL, NULL }, { 0, 0 } }
#define NOPROXY NULL, NULL, NULL, -1, 0

/* ---- SMTP, LMTP, FTP (RFC 3207, RFC 2033, RFC 4217) ---- */

static const struct msg smtp_ok[] = {
	M(S, "220 mx.example.com ESMTP Postfix\r\n"), M(C, "EHLO client.example.org\r\n"),
	M(S, "250-mx.example.com\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n"),
	M(C, "STARTTLS\r\n"), M(S, "220 2.0.0 Ready to start TLS\r\n"), T(C, CH), T(S, SH),
};
static const struct msg smtp_refused[] = {
	M(S, "220 mx.example.com ESMTP\r\n"), M(C, "EHLO c\r\n"), M(S, "250 mx.example.com\r\n"),
	M(C, "STARTTLS\r\n"), M(S, "454 4.7.0 TLS not available due to local problem\r\n"),
	M(C, "QUIT\r\n"), M(S, "221 Bye\r\n"),
};
static const struct msg smtp_plain[] = {
	M(S, "220 mx ESMTP\r\n"), M(C, "HELO c\r\n"), M(S, "250 mx\r\n"),
	M(C, "MAIL FROM:<a@example.org>\r\n"), M(S, "250 ok\r\n"),
};
static const struct msg lmtp_ok[] = {
	M(S, "220 lmtp.example.com LMTP ready\r\n"), M(C, "LHLO c\r\n"),
	M(S, "250-lmtp.example.com\r\n250 STARTTLS\r\n"), M(C, "STARTTLS\r\n"),
	M(S, "220 2.0.0 Begin TLS negotiation now\r\n"), T(C, CH), T(S, SH),
};
static const struct msg ftp_ok[] = {
	M(S, "220 ProFTPD Server ready.\r\n"), M(C, "AUTH TLS\r\n"),
	M(S, "234 AUTH TLS successful\r\n"), T(C, CH), T(S, SH),
};
static const struct msg ftp_refused[] = {
	M(S, "220 (vsFTPd 3.0.3)\r\n"), M(C, "FEAT\r\n"),
	M(S, "211-Features:\r\n EPRT\r\n PASV\r\n211 End\r\n"), M(C, "AUTH SSL\r\n"),
	M(S, "530 Please login with USER and PASS.\r\n"),
};

/* ---- IMAP, POP3, NNTP, ManageSieve, IRC ---- */

static const struct msg imap_ok[] = {
	M(S, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.\r\n"),
	M(C, "a001 STARTTLS\r\n"), M(S, "a001 OK Begin TLS negotiation now.\r\n"),
	T(C, CH), T(S, SH),
};
static const struct msg imap_refused[] = {
	M(S, "* OK IMAP4rev1 ready\r\n"), M(C, "1 STARTTLS\r\n"),
	M(S, "1 BAD Unknown command\r\n"), M(C, "2 LOGOUT\r\n"),
};
static const struct msg pop3_ok[] = {
	M(S, "+OK POP3 server ready\r\n"), M(C, "AUTH\r\n"),
	M(S, "-ERR Unrecognized command.\r\n"), M(C, "CAPA\r\n"),
	M(S, "+OK Capability list follows\r\nTOP\r\nSTLS\r\nUSER\r\n.\r\n"), M(C, "STLS\r\n"),
	M(S, "+OK Begin TLS negotiation\r\n"), T(C, CH), T(S, SH),
};
static const struct msg pop3_plain[] = {
	M(S, "+OK ready\r\n"), M(C, "USER alice\r\n"), M(S, "+OK\r\n"),
};
static const struct msg nntp_ok[] = {
	M(S, "200 news.example.com InterNetNews server ready\r\n"), M(C, "CAPABILITIES\r\n"),
	M(S, "101 Capability list:\r\nVERSION 2\r\nSTARTTLS\r\n.\r\n"), M(C, "STARTTLS\r\n"),
	M(S, "382 Continue with TLS negotiation\r\n"), T(C, CH), T(S, SH),
};
static const struct msg nntp_refused[] = {
	M(S, "201 news ready, no posting\r\n"), M(C, "STARTTLS\r\n"),
	M(S, "580 Can not initiate TLS negotiation\r\n"),
};
static const struct msg sieve_ok[] = {
	M(S, "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto reject\"\r\n"
	     "\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n"),
	M(C, "STARTTLS\r\n"), M(S, "OK \"Begin TLS negotiation now.\"\r\n"), T(C, CH), T(S, SH),
};
static const struct msg irc_ok[] = {
	M(C, "STARTTLS\r\n"),
	M(S, ":irc.example.org 670  :STARTTLS successful, go ahead with TLS handshake\r\n"),
	T(C, CH), T(S, SH),
};
static const struct msg irc_refused[] = {
	M(S, ":irc.example.org NOTICE * :*** Looking up your hostname...\r\n"),
	M(C, "CAP LS 302\r\n"), M(C, "STARTTLS\r\n"),
	M(S, ":irc.example.org 691 alice :STARTTLS failed (Wrong moon phase)\r\n"),
};

/* ---- XMPP (RFC 6120 5.4, examples 9.1; dialback XEP-0220) ---- */

static const struct msg xmpp_ok[] = {
	M(C, "<?xml version='1.0'?><stream:stream to='im.example.com' version='1.0' "
	     "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"),
	M(S, "<?xml version='1.0'?><stream:stream from='im.example.com' id='t7AMCin9' "
	     "version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
	     "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
	     "</starttls></stream:features>"),
	M(C, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
	M(S, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"), T(C, CH), T(S, SH),
};
static const struct msg xmpp_s2s_refused[] = {
	M(C, "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
	     "xmlns:stream='http://etherx.jabber.org/streams' to='b.example' version='1.0'>"),
	M(S, "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
	     "xmlns:stream='http://etherx.jabber.org/streams' id='x1' version='1.0'>"
	     "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
	     "<dialback xmlns='urn:xmpp:features:dialback'/></stream:features>"),
	M(C, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
	M(S, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"), M(S, "</stream:stream>"),
};

/* ---- LDAP (RFC 4511 4.14) ---- */

static const struct msg ldap_ok[] = {
	M(C, "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" "1.3.6.1.4.1.1466.20037"),
	M(S, "\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00"),
	T(C, CH), T(S, SH),
};
static const struct msg ldap_refused[] = {
	/* a rootDSE search first (long-form length), then StartTLS */
	M(C, "\x30\x81\x25\x02\x01\x01\x63\x20\x04\x00\x0a\x01\x00\x0a\x01\x00\x02\x01\x00"
	     "\x02\x01\x00\x01\x01\x00\x87\x0bobjectclass\x30\x00"),
	M(S, "\x30\x0c\x02\x01\x01\x65\x07\x0a\x01\x00\x04\x00\x04\x00"),
	M(C, "\x30\x1d\x02\x01\x02\x77\x18\x80\x16" "1.3.6.1.4.1.1466.20037"),
	M(S, "\x30\x17\x02\x01\x02\x78\x12\x0a\x01\x02\x04\x00\x04\x0bunsupported"),
};

/* ---- PostgreSQL, MySQL ---- */

static const struct msg pgsql_ok[] = {
	M(C, "\x00\x00\x00\x08\x04\xd2\x16\x2f"), M(S, "S"), T(C, CH), T(S, SH),
};
static const struct msg pgsql_refused[] = {
	M(C, "\x00\x00\x00\x08\x04\xd2\x16\x2f"), M(S, "N"),
	M(C, "\x00\x00\x00\x17\x00\x03\x00\x00user\0postgres\0\0"),
};
#define MYSQL_GREETING \
	"\x4a\x00\x00\x00\x0a" "5.7.33\0" "\x08\x00\x00\x00" "abcdefgh" "\x00" \
	"\xff\xff" "\x21" "\x02\x00" "\xff\xc1" "\x15" "\0\0\0\0\0\0\0\0\0\0" \
	"ijklmnopqrst\0" "mysql_native_password\0"
static const struct msg mysql_ok[] = {
	M(S, MYSQL_GREETING),
	M(C, "\x20\x00\x00\x01" "\x05\xae\xff\x01" "\x00\x00\x00\x01" "\x21"
	     "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
	T(C, CH), T(S, SH),
};
static const struct msg mysql_plain[] = {
	M(S, MYSQL_GREETING),
	M(C, "\x26\x00\x00\x01" "\x05\xa6\xff\x01" "\x00\x00\x00\x01" "\x21"
	     "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0" "root\0" "\0"),
};

/* ---- Microsoft SQL Server: TLS inside TDS PRELOGIN (MS-TDS 2.2.6.5) ---- */

/* options: VERSION at 11 (6 bytes), ENCRYPTION at 17 (1 byte), terminator */
#define PRELOGIN(type, enc) \
	type "\x01\x00\x1a\x00\x00\x01\x00" \
	"\x00\x00\x0b\x00\x06" "\x01\x00\x11\x00\x01" "\xff" "\x0f\x00\x07\xd0\x00\x00" enc
static const struct msg tds_ok[] = {
	M(C, PRELOGIN("\x12", "\x00")), M(S, PRELOGIN("\x04", "\x00")),
	/* the ClientHello record in two PRELOGIN packets, the ServerHello in one */
	M(C, "\x12\x00\x00\x0f\x00\x00\x01\x00" "\x16\x03\x01\x00\x08\x01\x00"),
	M(C, "\x12\x01\x00\x0e\x00\x00\x02\x00" "\x00\x04\x03\x03\xaa\xbb"),
	M(S, "\x12\x01\x00\x15\x00\x00\x01\x00" SH),
	T(C, "\x17\x03\x03\x00\x02\xee\xff"),
};
static const uint8_t tds_ok_cli[] = CH "\x17\x03\x03\x00\x02\xee\xff";
static const struct msg tds_nosup[] = {
	M(C, PRELOGIN("\x12", "\x00")), M(S, PRELOGIN("\x04", "\x02")),
};

/* ---- GridFTP: GSI's TLS base64 in ADAT (RFC 2228) ---- */

static const struct msg gridftp_ok[] = {
	M(S, "220 gsiftp.example.org GridFTP Server 6.14 ready.\r\n"), M(C, "AUTH GSSAPI\r\n"),
	M(S, "334 Using authentication type; ADAT must follow.\r\n"),
	M(C, "ADAT FgMBAAgBAAAEAwOquw==\r\n"),
	M(S, "235 ADAT=FgMDAAgCAAAEAwPM3Q==\r\n"),
	/* a space inside a token: skipped (adat_bad_encoding); a clear reply */
	M(C, "ENC FwMD AALu/w==\r\n"), M(S, "500 not understood\r\n"),
	M(S, "632-FwMDAALu/w==\r\n632 FwMDAALu/w==\r\n"),
};
static const char gridftp_cli[] = "FgMBAAgBAAAEAwOquw==FwMDAALu/w==";
static const char gridftp_srv[] = "FgMDAAgCAAAEAwPM3Q==FwMDAALu/w==FwMDAALu/w==";
static const struct msg gss_refused[] = {
	M(S, "220 ftp.example.org FTP server ready.\r\n"), M(C, "AUTH GSSAPI\r\n"),
	M(S, "504 Unknown security mechanism\r\n"),
};

/* ---- RDP (MS-RDPBCGR 2.2.1.1, 2.2.1.2) ---- */

static const struct msg rdp_ok[] = {
	M(C, "\x03\x00\x00\x2b\x26\xe0\x00\x00\x00\x00\x00" "Cookie: mstshash=alice\r\n"
	     "\x01\x00\x08\x00\x03\x00\x00\x00"),
	M(S, "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00" "\x02\x1f\x08\x00\x02\x00\x00\x00"),
	T(C, CH), T(S, SH),
};
static const struct msg rdp_refused[] = {
	M(C, "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00" "\x01\x00\x08\x00\x01\x00\x00\x00"),
	M(S, "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00" "\x03\x00\x08\x00\x02\x00\x00\x00"),
};

/* ---- ADB (CNXN, then STLS both ways) ---- */

static const struct msg adb_ok[] = {
	M(C, "CNXN" "\x01\x00\x00\x01" "\x00\x00\x10\x00" "\x07\x00\x00\x00"
	     "\x32\x02\x00\x00" "\xbc\xb1\xa7\xb1" "host::\0"),
	M(S, "STLS" "\x00\x00\x00\x01" "\x00\x00\x00\x00" "\x00\x00\x00\x00"
	     "\x00\x00\x00\x00" "\xac\xab\xb3\xac"),
	M(C, "STLS" "\x00\x00\x00\x01" "\x00\x00\x00\x00" "\x00\x00\x00\x00"
	     "\x00\x00\x00\x00" "\xac\xab\xb3\xac"),
	T(C, CH), T(S, SH),
};

/* ---- NoMachine NX: banners, then TLS ---- */

static const struct msg nx_ok[] = {
	M(C, "NXSH-8.10.1\n"), M(S, "NXD-8.10.1\n"), T(C, CH), T(S, SH),
};

/* ---- proxies: HTTP CONNECT (RFC 9110 9.3.6), SOCKS4/4a, SOCKS5 (RFC 1928/1929) ---- */

static const struct msg connect_ok[] = {
	M(C, "CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n"
	     "User-Agent: curl/8.5.0\r\n\r\n"),
	M(S, "HTTP/1.1 200 Connection established\r\n\r\n"), T(C, CH), T(S, SH),
};
static const struct msg connect_auth[] = {
	M(C, "CONNECT [2001:db8::1]:8443 HTTP/1.1\r\nHost: [2001:db8::1]:8443\r\n\r\n"),
	M(S, "HTTP/1.1 407 Proxy Authentication Required\r\n"
	     "Proxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n"),
	M(C, "CONNECT [2001:db8::1]:8443 HTTP/1.1\r\nProxy-Authorization: Basic YTpi\r\n\r\n"),
	M(S, "HTTP/1.0 403 Forbidden\r\n\r\n"),
};
static const struct msg socks4_ok[] = {
	M(C, "\x04\x01\x01\xbb\x5d\xb8\xd8\x22" "alice\0"), M(S, "\x00\x5a\x00\x00\x00\x00\x00\x00"),
	T(C, CH), T(S, SH),
};
static const struct msg socks4a_refused[] = {
	M(C, "\x04\x01\x01\xbb\x00\x00\x00\x01" "\0" "www.example.com\0"),
	M(S, "\x00\x5b\x00\x00\x00\x00\x00\x00"),
};
static const struct msg socks5_ok[] = {
	M(C, "\x05\x01\x00"), M(S, "\x05\x00"),
	M(C, "\x05\x01\x00\x03\x0fwww.example.com\x01\xbb"),
	M(S, "\x05\x00\x00\x01\x7f\x00\x00\x01\x04\x38"), T(C, CH), T(S, SH),
};
static const struct msg socks5_smtp[] = {
	M(C, "\x05\x02\x00\x02"), M(S, "\x05\x02"), M(C, "\x01\x05" "alice" "\x06" "secret"),
	M(S, "\x01\x00"), M(C, "\x05\x01\x00\x01\xc0\x00\x02\x19\x00\x19"),
	M(S, "\x05\x00\x00\x04" "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01" "\x9c\x40"),
	M(S, "220 mx.example.com ESMTP\r\n"), M(C, "EHLO c\r\n"), M(S, "250 STARTTLS\r\n"),
	M(C, "STARTTLS\r\n"), M(S, "220 Go ahead\r\n"), T(C, CH), T(S, SH),
};
static const struct msg socks5_refused[] = {
	M(C, "\x05\x01\x00"), M(S, "\x05\x00"),
	M(C, "\x05\x01\x00\x01\x0a\x00\x00\x07\x01\xbb"),
	M(S, "\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00"),
};

static const struct conv convs[] = {
	CONV("smtp_ok", 25, smtp_ok, { "smtp", "accepted", "STARTTLS", 220,
		"2.0.0 Ready to start TLS", { true, true }, NOPROXY, NULL }),
	CONV("smtp_refused", 25, smtp_refused, { "smtp", "refused", "STARTTLS", 454,
		"4.7.0 TLS not available due to local problem", { false, false }, NOPROXY, NULL }),
	CONV("smtp_plain", 25, smtp_plain, { "smtp", "not_requested", NULL, -1, "",
		{ false, false }, NOPROXY, NULL }),
	CONV("lmtp_ok", 0, lmtp_ok, { "lmtp", "accepted", "STARTTLS", 220, NULL,
		{ true, true }, NOPROXY, NULL }),
	CONV("ftp_ok", 21, ftp_ok, { "ftp", "accepted", "AUTH TLS", 234, "AUTH TLS successful",
		{ true, true }, NOPROXY, NULL }),
	CONV("ftp_refused", 0, ftp_refused, { "ftp", "refused", "AUTH SSL", 530, NULL,
		{ false, false }, NOPROXY, NULL }),
	CONV("imap_ok", 143, imap_ok, { "imap", "accepted", "STARTTLS", -1,
		"Begin TLS negotiation now.", { true, true }, NOPROXY, NULL }),
	CONV("imap_refused", 143, imap_refused, { "imap", "refused", "STARTTLS", -1,
		"Unknown command", { false, false }, NOPROXY, NULL }),
	CONV("pop3_ok", 110, pop3_ok, { "pop3", "accepted", "STLS", -1, "Begin TLS negotiation",
		{ true, true }, NOPROXY, NULL }),
	CONV("pop3_plain", 110, pop3_plain, { "pop3", "not_requested", NULL, -1, "",
		{ false, false }, NOPROXY, NULL }),
	CONV("nntp_ok", 119, nntp_ok, { "nntp", "accepted", "STARTTLS", 382, NULL,
		{ true, true }, NOPROXY, NULL }),
	CONV("nntp_refused", 0, nntp_refused, { "nntp", "refused", "STARTTLS", 580, NULL,
		{ false, false }, NOPROXY, NULL }),
	CONV("sieve_ok", 4190, sieve_ok, { "managesieve", "accepted", "STARTTLS", -1,
		"\"Begin TLS negotiation now.\"", { true, true }, NOPROXY, NULL }),
	CONV("irc_ok", 6667, irc_ok, { "irc", "accepted", "STARTTLS", 670,
		"STARTTLS successful, go ahead with TLS handshake", { true, true }, NOPROXY, NULL }),
	CONV("irc_ok_noport", 0, irc_ok, { "irc", "accepted", "STARTTLS", 670, NULL,
		{ true, true }, NOPROXY, NULL }),
	CONV("irc_refused", 0, irc_refused, { "irc", "refused", "STARTTLS", 691,
		"STARTTLS failed (Wrong moon phase)", { false, false }, NOPROXY, NULL }),
	CONV("xmpp_ok", 5222, xmpp_ok, { "xmpp_client", "accepted", "starttls", -1, "proceed",
		{ true, true }, NOPROXY, NULL }),
	CONV("xmpp_s2s_refused", 5269, xmpp_s2s_refused, { "xmpp_server", "refused", "starttls",
		-1, "failure", { false, false }, NOPROXY, NULL }),
	CONV("ldap_ok", 389, ldap_ok, { "ldap", "accepted", "StartTLS", 0, "",
		{ true, true }, NOPROXY, NULL }),
	CONV("ldap_refused", 389, ldap_refused, { "ldap", "refused", "StartTLS", 2, "unsupported",
		{ false, false }, NOPROXY, NULL }),
	CONV("pgsql_ok", 5432, pgsql_ok, { "postgresql", "accepted", "SSLRequest", -1, "S",
		{ true, true }, NOPROXY, NULL }),
	CONV("pgsql_refused", 5432, pgsql_refused, { "postgresql", "refused", "SSLRequest", -1,
		"N", { false, false }, NOPROXY, NULL }),
	CONV("mysql_ok", 3306, mysql_ok, { "mysql", "accepted", "SSLRequest", -1, "",
		{ true, true }, NOPROXY, NULL }),
	CONV("mysql_plain", 3306, mysql_plain, { "mysql", "not_requested", NULL, -1, "",
		{ false, false }, NOPROXY, NULL }),
	{ "tds_ok", 1433, tds_ok, sizeof tds_ok / sizeof tds_ok[0],
	  { "mssql", "accepted", "PRELOGIN", 0, "ENCRYPT_OFF", { true, true }, NOPROXY, NULL },
	  { tds_ok_cli, (const uint8_t *)SH }, { sizeof tds_ok_cli - 1, sizeof SH - 1 } },
	CONV("tds_nosup", 1433, tds_nosup, { "mssql", "refused", "PRELOGIN", 2,
		"ENCRYPT_NOT_SUP", { false, false }, NOPROXY, NULL }),
	{ "gridftp_ok", 2811, gridftp_ok, sizeof gridftp_ok / sizeof gridftp_ok[0],
	  { "ftp", "accepted", "AUTH GSSAPI", 334, "Using authentication type; ADAT must follow.",
	    { true, true }, NOPROXY, "adat_bad_encoding" },
	  { (const uint8_t *)gridftp_cli, (const uint8_t *)gridftp_srv },
	  { sizeof gridftp_cli - 1, sizeof gridftp_srv - 1 } },
	CONV("gss_refused", 0, gss_refused, { "ftp", "refused", "AUTH GSSAPI", 504, NULL,
		{ false, false }, NOPROXY, NULL }),
	CONV("rdp_ok", 3389, rdp_ok, { "rdp", "accepted", "RDP_NEG_REQ", 2, "PROTOCOL_HYBRID",
		{ true, true }, NOPROXY, NULL }),
	CONV("rdp_refused", 3389, rdp_refused, { "rdp", "refused", "RDP_NEG_REQ", 2, "",
		{ false, false }, NOPROXY, NULL }),
	CONV("adb_ok", 5555, adb_ok, { "adb", "accepted", "STLS", -1, "",
		{ true, true }, NOPROXY, NULL }),
	CONV("nx_ok", 4000, nx_ok, { "nx", "accepted", "NXSH", -1, "8.10.1",
		{ true, true }, NOPROXY, NULL }),
	CONV("connect_ok", 3128, connect_ok, { NULL, NULL, NULL, -1, "", { true, true },
		"http_connect", "granted", "www.example.com", 200, 443, NULL }),
	CONV("connect_auth", 3128, connect_auth, { NULL, NULL, NULL, -1, "", { false, false },
		"http_connect", "refused", "2001:db8::1", 403, 8443, NULL }),
	CONV("socks4_ok", 1080, socks4_ok, { NULL, NULL, NULL, -1, "", { true, true },
		"socks4", "granted", "", 0x5a, 443, NULL }),
	CONV("socks4a_refused", 1080, socks4a_refused, { NULL, NULL, NULL, -1, "",
		{ false, false }, "socks4a", "refused", "www.example.com", 0x5b, 443, NULL }),
	CONV("socks5_ok", 1080, socks5_ok, { NULL, NULL, NULL, -1, "", { true, true },
		"socks5", "granted", "www.example.com", 0, 443, NULL }),
	CONV("socks5_smtp", 1080, socks5_smtp, { "smtp", "accepted", "STARTTLS", 220,
		"Go ahead", { true, true }, "socks5", "granted", "", 0, 25, NULL }),
	CONV("socks5_refused", 1080, socks5_refused, { NULL, NULL, NULL, -1, "",
		{ false, false }, "socks5", "refused", "", 5, 443, NULL }),
};

/* What is not a prelude is left alone: nothing consumed, PRE_NOT. */
static void test_not_prelude(void)
{
	static const char *const inputs[] = {
		"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
		"SSH-2.0-OpenSSH_9.6\r\n",
		"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00",     /* TLS itself */
		"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\xff\xfe\xfd",
		"\x30\x05\x04\x03" "abc",                          /* BER, not LDAPMessage */
	};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		struct pre_state ps;
		size_t used = 7, co, cl, n = strlen(inputs[i]);
		if (i == 3)
			n = 13;
		pre_init(&ps, 0, 443);
		enum pre_status st = pre_push(&ps, 0, (const uint8_t *)inputs[i], n, &used, &co, &cl);
		CHECK(st == PRE_NOT && used == 0 && !pre_recognised(&ps));
		if (st != PRE_NOT)
			fprintf(stderr, "  input %zu: status %d\n", i, st);
	}
}

/* A line longer than PRE_MAX_ITEM is skipped, not buffered. */
static void test_long_line(void)
{
	static uint8_t big[3 * PRE_MAX_ITEM];
	struct pre_state ps;
	size_t used, co, cl;
	enum pre_status st;

	pre_init(&ps, 0, 25);
	CHECK(pre_push(&ps, 1, (const uint8_t *)"220 mx\r\n", 8, &used, &co, &cl) ==
	      PRE_NEED_MORE && used == 8);
	memset(big, 'x', sizeof big);
	st = pre_push(&ps, 1, big, PRE_MAX_ITEM, &used, &co, &cl);
	CHECK(st == PRE_NEED_MORE && used == PRE_MAX_ITEM);
	big[10] = '\n';
	memcpy(big + 11, "250 STARTTLS\r\n", 14);
	st = pre_push(&ps, 1, big, 25, &used, &co, &cl);
	CHECK(st == PRE_NEED_MORE && used == 25 && ps.info.server_offers);
}

/* Base64 decoded in pieces cut anywhere gives the same bytes; a
 * character outside the alphabet is flagged and skipped. */
static void test_b64(void)
{
	static const char text[] = "FgMBAAgBAAAEAwOquw==FwMDAALu/w==QUJD";
	static const uint8_t want[] = "\x16\x03\x01\x00\x08\x01\x00\x00\x04\x03\x03\xaa\xbb"
				      "\x17\x03\x03\x00\x02\xee\xff" "ABC";
	size_t n = sizeof text - 1;

	for (size_t cut = 0; cut <= n; cut++) {
		struct dig_b64 st = { 0 };
		uint8_t out[DIG_B64_OUT(sizeof text)];
		size_t o = dig_b64_decode(&st, (const uint8_t *)text, cut, out);

		o += dig_b64_decode(&st, (const uint8_t *)text + cut, n - cut, out + o);
		CHECK(o == sizeof want - 1 && memcmp(out, want, o) == 0 && !st.bad && !st.nchar);
	}
	{
		struct dig_b64 st = { 0 };
		uint8_t out[16];
		size_t o = dig_b64_decode(&st, (const uint8_t *)"QU JD", 5, out);

		CHECK(o == 3 && memcmp(out, "ABC", 3) == 0 && st.bad);
		st.bad = false;
		CHECK(dig_b64_decode(&st, (const uint8_t *)"Q=", 2, out) == 0 && st.bad);
	}
}

int main(void)
{
	test_b64();
	for (size_t i = 0; i < sizeof convs / sizeof convs[0]; i++)
		check_conv(&convs[i]);
	test_not_prelude();
	test_long_line();
	return TT_DONE();
}
