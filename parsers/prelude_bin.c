/*
 * prelude_bin.c - the binary preludes: proxies that carry any protocol and
 * databases and remote desktops that switch to TLS.
 *
 * SOCKS4 (and 4a)  C: 04 cmd port(2) ipv4(4) userid 00 [host 00]   S: 00 5a port ip
 * SOCKS5 RFC 1928  C: 05 n methods(n)        S: 05 method
 *     (RFC 1929)   C: 01 ulen user plen pass S: 01 status         (method 02 only)
 *                  C: 05 cmd 00 atyp addr port   S: 05 rep 00 atyp addr port
 * LDAP RFC 4511 4.14 (BER, RFC 4511 5.1)
 *     C: 30 len { 02 msgid, 77 len { 80 len "1.3.6.1.4.1.1466.20037" } }
 *     S: 30 len { 02 msgid, 78 len { 0a 01 resultCode, 04 matchedDN, 04 diagnosticMessage } }
 * PostgreSQL (protocol 3, "SSL Session Encryption")
 *     C: 00 00 00 08 04 d2 16 2f (SSLRequest)   S: 'S' | 'N'
 * MySQL / MariaDB (Connection Phase): packets are len(3, LE) seq(1) payload
 *     S: greeting 0a version 00 ... capability_flags_1 (CLIENT_SSL 0x0800)
 *     C: seq 1, 32 bytes: capability flags with CLIENT_SSL (SSLRequest), then TLS
 * Microsoft SQL Server (MS-TDS 2.2.6.5 PRELOGIN): packet = type(1) status(1)
 *     length(2, BE) spid(2) packet(1) window(1) payload; options are
 *     token(1) offset(2) length(2) ... ff; ENCRYPTION is token 01.
 *     C: 12 PRELOGIN   S: 04 response   then TLS records inside 12 packets
 *     until the handshake is done, bare TLS records after it.
 * RDP (MS-RDPBCGR 2.2.1.1 / 2.2.1.2): TPKT 03 00 len(2), X.224 CR e0 / CC d0,
 *     RDP_NEG_REQ 01 flags 08 00 requestedProtocols(4, LE) /
 *     RDP_NEG_RSP 02 flags 08 00 selectedProtocol(4, LE) / RDP_NEG_FAILURE 03
 * ADB (protocol.txt): message = command arg0 arg1 data_length data_crc32
 *     magic (six LE u32) + data; CNXN, then STLS from the device and the
 *     host, then TLS.
 * Multi-byte integers are big-endian except where marked LE.
 */
#include <string.h>

#include "prelude_impl.h"

#define LDAP_STARTTLS_OID "1.3.6.1.4.1.1466.20037"
#define ADB_CNXN 0x4e584e43u
#define ADB_STLS 0x534c5453u
#define ADB_AUTH 0x48545541u
#define MYSQL_CLIENT_SSL 0x0800u

static bool le16(struct cur *c, uint32_t *v)
{
	uint8_t a, b;
	if (!cur_u8(c, &a) || !cur_u8(c, &b))
		return false;
	*v = (uint32_t)a | (uint32_t)b << 8;
	return true;
}

static bool le32(struct cur *c, uint32_t *v)
{
	uint32_t lo, hi;
	struct cur t = *c;
	if (!le16(&t, &lo) || !le16(&t, &hi))
		return false;
	*v = lo | hi << 16;
	*c = t;
	return true;
}

static void request(struct pre_state *ps, int dir, const char *cmd)
{
	pre_set_client(ps, dir);
	ps->info.command = cmd;
	ps->info.result = PRE_R_REQUESTED;
	ps->pending = true;
	ps->d[dir].mode = PRE_M_AWAIT;
}

static void answer(struct pre_state *ps, bool ok, bool has_code, uint32_t code, const char *text)
{
	ps->info.has_code = has_code;
	ps->info.code = code;
	if (text)
		pre_set_text(&ps->info, (const uint8_t *)text, strlen(text));
	pre_decide(ps, ok ? PRE_R_ACCEPTED : PRE_R_REFUSED);
}

static void set_proto(struct pre_state *ps, uint8_t proto, int client_dir)
{
	ps->info.proto = proto;
	ps->phase = PRE_PH_UPGRADE;
	pre_set_client(ps, client_dir);
}

/* A whole item of `total` bytes: NEED while it may still come (bounded by
 * PRE_MAX_ITEM), else skip what is too large to look at. */
static enum pre_step whole(struct pre_dir *d, size_t total, size_t n, size_t *used, bool *big)
{
	*big = false;
	if (total <= n)
		return PRE_S_OK;
	if (total <= PRE_MAX_ITEM)
		return PRE_S_NEED;
	*big = true;
	*used = n;
	d->skip = (uint32_t)(total - n);
	return PRE_S_OK;
}

/* ---- SOCKS ---- */

/* A NUL-terminated string of at most max bytes (copied when out != NULL). */
static enum pre_step cstr(struct cur *c, size_t max, struct pre_info *host)
{
	size_t i;

	for (i = 0; i < c->left && i <= max; i++)
		if (c->p[i] == 0)
			break;
	if (i > max)
		return PRE_S_NO;
	if (i == c->left)
		return PRE_S_NEED;
	if (host) {
		size_t k = i > PRE_HOST_MAX ? PRE_HOST_MAX : i;
		memcpy(host->proxy_host, c->p, k);
		host->proxy_host[k] = 0;
		host->proxy_host_len = (uint16_t)k;
		host->proxy_host_cut = i > PRE_HOST_MAX;
	}
	cur_skip(c, i + 1);
	return PRE_S_OK;
}

static enum pre_step socks4_client(struct pre_state *ps, struct cur *c)
{
	struct pre_info *in = &ps->info;
	uint8_t v, cmd;
	uint16_t port;
	const uint8_t *ip;
	enum pre_step st;
	bool a4;

	if (!cur_u8(c, &v) || !cur_u8(c, &cmd) || !cur_u16(c, &port) || !cur_bytes(c, 4, &ip))
		return PRE_S_NEED;
	a4 = ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0;
	st = cstr(c, 255, NULL);                /* userid */
	if (st == PRE_S_OK && a4)
		st = cstr(c, 255, in);
	if (st != PRE_S_OK)
		return st;
	in->proxy = a4 ? PRE_X_SOCKS4A : PRE_X_SOCKS4;
	in->proxy_port = port;
	if (!a4) {
		in->proxy_has_ip = true;
		in->proxy_ip_len = 4;
		memcpy(in->proxy_ip, ip, 4);
	}
	in->proxy_state = PRE_XS_REQUESTED;
	return PRE_S_OK;
}

/* A SOCKS5 request or reply, ver cmd|rep rsv atyp addr port (RFC 1928 4
 * and 6): *code gets cmd or rep; the request's target is kept when keep. */
static enum pre_step socks5_msg(struct pre_info *in, struct cur *c, bool keep, uint8_t *code)
{
	uint8_t v, rsv, atyp, hl = 0;
	const uint8_t *a;
	uint16_t port;
	size_t alen;

	if (!cur_u8(c, &v) || !cur_u8(c, code) || !cur_u8(c, &rsv))
		return PRE_S_NEED;
	if (v != 5)
		return PRE_S_NO;
	if (!cur_u8(c, &atyp))
		return PRE_S_NEED;
	if (atyp == 1)
		alen = 4;
	else if (atyp == 4)
		alen = 16;
	else if (atyp == 3) {
		if (!cur_u8(c, &hl))
			return PRE_S_NEED;
		alen = hl;
	} else
		return PRE_S_NO;
	if (!cur_bytes(c, alen, &a) || !cur_u16(c, &port))
		return PRE_S_NEED;
	if (!keep)
		return PRE_S_OK;
	in->proxy_port = port;
	if (atyp == 3) {
		memcpy(in->proxy_host, a, alen);
		in->proxy_host[alen] = 0;
		in->proxy_host_len = (uint16_t)alen;
	} else {
		in->proxy_has_ip = true;
		in->proxy_ip_len = (uint8_t)alen;
		memcpy(in->proxy_ip, a, alen);
	}
	return PRE_S_OK;
}

static void granted(struct pre_state *ps, bool ok)
{
	ps->info.proxy_state = ok ? PRE_XS_GRANTED : PRE_XS_REFUSED;
	if (!ok) {
		pre_fail(ps, NULL);
		return;
	}
	ps->phase = PRE_PH_INNER;
	ps->d[0].mode = ps->d[1].mode = PRE_M_AWAIT;
}

static enum pre_step socks5_client(struct pre_state *ps, struct pre_dir *d, struct cur *c)
{
	struct pre_info *in = &ps->info;
	uint8_t v, cmd;
	struct cur body;
	enum pre_step st;

	if (d->sub == 0) {                      /* greeting */
		if (!cur_u8(c, &v) || !cur_vec8(c, &body))
			return PRE_S_NEED;
		d->sub = 1;
		return PRE_S_OK;
	}
	if (d->sub == 1 && in->proxy_has_method && in->proxy_method == 2) {
		/* RFC 1929: 01 ulen user plen pass */
		struct cur u, pw;
		if (!cur_u8(c, &v) || !cur_vec8(c, &u) || !cur_vec8(c, &pw))
			return PRE_S_NEED;
		d->sub = 2;
		return PRE_S_OK;
	}
	st = socks5_msg(in, c, true, &cmd);
	if (st != PRE_S_OK)
		return st;
	in->proxy_state = PRE_XS_REQUESTED;
	d->sub = 3;
	d->mode = PRE_M_AWAIT;
	return PRE_S_OK;
}

static enum pre_step socks5_server(struct pre_state *ps, struct pre_dir *d, struct cur *c)
{
	struct pre_info *in = &ps->info;
	uint8_t v, x;
	enum pre_step st;

	if (d->sub == 0) {                      /* method selection */
		if (!cur_u8(c, &v) || !cur_u8(c, &x))
			return PRE_S_NEED;
		if (v != 5)
			return PRE_S_NO;
		in->proxy_has_method = true;
		in->proxy_method = x;
		d->sub = x == 2 ? 1 : 2;
		if (x == 0xff)
			granted(ps, false);     /* no acceptable method */
		else if (x != 0 && x != 2)
			pre_fail(ps, NULL);     /* GSSAPI or private: encapsulated */
		return PRE_S_OK;
	}
	if (d->sub == 1) {                      /* RFC 1929 status */
		if (!cur_u8(c, &v) || !cur_u8(c, &x))
			return PRE_S_NEED;
		d->sub = 2;
		if (x != 0) {
			in->proxy_has_code = true;
			in->proxy_code = x;
			granted(ps, false);
		}
		return PRE_S_OK;
	}
	st = socks5_msg(in, c, false, &x);
	if (st != PRE_S_OK)
		return st;
	in->proxy_has_code = true;
	in->proxy_code = x;
	granted(ps, x == 0);
	return PRE_S_OK;
}

static enum pre_step socks_step(struct pre_state *ps, int dir, struct cur *c)
{
	struct pre_dir *d = &ps->d[dir];
	uint8_t v, st;
	uint16_t port;
	const uint8_t *ip;

	if (ps->info.proxy == PRE_X_SOCKS5)
		return d->role == PRE_ROLE_CLIENT ? socks5_client(ps, d, c) : socks5_server(ps, d, c);
	if (d->role == PRE_ROLE_CLIENT) {
		enum pre_step r;
		if (d->sub)
			return PRE_S_NO;        /* one request only */
		r = socks4_client(ps, c);
		if (r == PRE_S_OK) {
			d->sub = 1;
			d->mode = PRE_M_AWAIT;
		}
		return r;
	}
	if (!cur_u8(c, &v) || !cur_u8(c, &st) || !cur_u16(c, &port) || !cur_bytes(c, 4, &ip))
		return PRE_S_NEED;
	if (v != 0 && v != 4)
		return PRE_S_NO;
	ps->info.proxy_has_code = true;
	ps->info.proxy_code = st;
	granted(ps, st == 0x5a);
	return PRE_S_OK;
}

/* ---- LDAP ---- */

/* BER tag and definite length; the child cursor holds the value. */
static enum pre_step ber(struct cur *c, uint8_t *tag, struct cur *val, size_t *total)
{
	struct cur t = *c;
	uint8_t b, k;
	size_t len = 0;

	if (!cur_u8(&t, tag) || !cur_u8(&t, &b))
		return PRE_S_NEED;
	if (b & 0x80) {
		k = b & 0x7f;
		if (k == 0 || k > 4)
			return PRE_S_NO;
		for (uint8_t i = 0; i < k; i++) {
			if (!cur_u8(&t, &b))
				return PRE_S_NEED;
			len = len << 8 | b;
		}
	} else {
		len = b;
	}
	if (total)
		*total = (size_t)(t.p - c->p) + len;
	if (!cur_sub(&t, len, val))
		return PRE_S_NEED;
	*c = t;
	return PRE_S_OK;
}

static bool ber_uint(struct cur *c, uint8_t want, uint32_t *v)
{
	uint8_t tag, b;
	struct cur val;

	if (ber(c, &tag, &val, NULL) != PRE_S_OK || tag != want || val.left < 1 || val.left > 4)
		return false;
	*v = 0;
	while (cur_u8(&val, &b))
		*v = *v << 8 | b;
	return true;
}

static bool ldap_is_request(uint8_t op)
{
	static const uint8_t req[] = { 0x60, 0x42, 0x63, 0x66, 0x68, 0x4a, 0x6c, 0x6e, 0x50, 0x77 };
	return memchr(req, op, sizeof req) != NULL;
}

static void ldap_op(struct pre_state *ps, int dir, uint32_t msgid, uint8_t op, struct cur *v)
{
	uint8_t tag;
	struct cur x;
	uint32_t rc;

	if (op == 0x77) {                       /* ExtendedRequest */
		if (ber(v, &tag, &x, NULL) == PRE_S_OK && tag == 0x80 &&
		    x.left == strlen(LDAP_STARTTLS_OID) &&
		    memcmp(x.p, LDAP_STARTTLS_OID, x.left) == 0) {
			request(ps, dir, "StartTLS");
			ps->ldap_msgid = msgid;
		}
		return;
	}
	if (op == 0x60 && !ps->pending) {       /* BindRequest: version, name */
		uint32_t ver;
		if (ber_uint(v, 0x02, &ver) && ber(v, &tag, &x, NULL) == PRE_S_OK && x.left)
			pre_decide(ps, PRE_R_NOT_REQUESTED);
		return;
	}
	if (op != 0x78 || !ps->pending || msgid != ps->ldap_msgid)
		return;
	if (!ber_uint(v, 0x0a, &rc)) {
		pre_fail(ps, "prelude_malformed");
		return;
	}
	ps->info.has_code = true;
	ps->info.code = rc;
	if (ber(v, &tag, &x, NULL) == PRE_S_OK && ber(v, &tag, &x, NULL) == PRE_S_OK)
		pre_set_text(&ps->info, x.p, x.left);   /* diagnosticMessage */
	pre_decide(ps, rc == 0 ? PRE_R_ACCEPTED : PRE_R_REFUSED);
}

static enum pre_step ldap_step(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			       size_t *used)
{
	struct cur c = cur_make(p, n), msg, op;
	uint8_t tag, optag;
	uint32_t msgid;
	size_t total = 0, opt;
	bool big;
	enum pre_step st = ber(&c, &tag, &msg, &total);

	if (n >= 1 && p[0] != 0x30 && !ps->pending) {
		/* A SASL security layer (RFC 4513 5.2.1.8: length-prefixed
		 * buffers) after a bind: the connection went on without TLS. */
		pre_decide(ps, PRE_R_NOT_REQUESTED);
		return PRE_S_OK;
	}
	if (st == PRE_S_NO || (n >= 1 && p[0] != 0x30))
		return PRE_S_NO;
	if (st == PRE_S_NEED)           /* total is 0 until the length is in */
		return total ? whole(&ps->d[dir], total, n, used, &big) : PRE_S_NEED;
	*used = total;
	if (!ber_uint(&msg, 0x02, &msgid))
		return PRE_S_NO;
	if (ber(&msg, &optag, &op, &opt) != PRE_S_OK)
		return PRE_S_NO;
	ldap_op(ps, dir, msgid, optag, &op);
	return PRE_S_OK;
}

/* ---- PostgreSQL ---- */

#define PG_SSL 80877103u
#define PG_GSS 80877104u
#define PG_V3 0x00030000u

static enum pre_step pgsql_step(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
				size_t *used)
{
	struct cur c = cur_make(p, n);
	uint32_t len, code;
	uint8_t b;
	bool big;
	enum pre_step st;

	if (ps->d[dir].role == PRE_ROLE_SERVER) {
		if (!cur_u8(&c, &b))
			return PRE_S_NEED;
		*used = 1;
		if (!ps->pending || (b != 'S' && b != 'N' && b != 'E'))
			return PRE_S_NO;
		if (ps->info.command && strcmp(ps->info.command, "GSSENCRequest") == 0) {
			ps->pending = false;    /* 'N': the client may ask for SSL next */
			if (b != 'N')
				pre_fail(ps, NULL);
			return PRE_S_OK;
		}
		answer(ps, b == 'S', false, 0, b == 'S' ? "S" : b == 'N' ? "N" : "E");
		return PRE_S_OK;
	}
	if (!cur_u32(&c, &len) || !cur_u32(&c, &code))
		return PRE_S_NEED;
	if (len < 8 || len > 10000)
		return PRE_S_NO;
	st = whole(&ps->d[dir], len, n, used, &big);
	if (st != PRE_S_OK)
		return st;
	if (!big)
		*used = len;
	if (code == PG_SSL && len == 8)
		request(ps, dir, "SSLRequest");
	else if (code == PG_GSS && len == 8)
		request(ps, dir, "GSSENCRequest");
	else if (code == PG_V3 && !ps->pending)
		pre_decide(ps, ps->info.result == PRE_R_REFUSED ? PRE_R_REFUSED
								 : PRE_R_NOT_REQUESTED);
	return PRE_S_OK;
}

/* ---- MySQL / MariaDB ---- */

static enum pre_step mysql_step(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
				size_t *used)
{
	struct cur c = cur_make(p, n);
	uint32_t len, cap;
	uint8_t seq, b;
	bool big;
	enum pre_step st;

	if (!le16(&c, &len) || !cur_u8(&c, &b) || !cur_u8(&c, &seq))
		return PRE_S_NEED;
	len |= (uint32_t)b << 16;
	st = whole(&ps->d[dir], 4 + (size_t)len, n, used, &big);
	if (st != PRE_S_OK || big)
		return st;
	*used = 4 + (size_t)len;
	c = cur_make(p + 4, len);
	if (ps->d[dir].role == PRE_ROLE_SERVER) {
		if (seq != 0 || !cur_u8(&c, &b))
			return PRE_S_OK;
		if (b == 0xff) {                /* an error instead of a greeting */
			pre_decide(ps, PRE_R_NOT_REQUESTED);
			return PRE_S_OK;
		}
		/* 0a, version NUL, thread id, 8 bytes of scramble, filler */
		if (b == 0x0a && cstr(&c, 255, NULL) == PRE_S_OK && cur_skip(&c, 4 + 8 + 1) &&
		    le16(&c, &cap))
			ps->info.server_offers = (cap & MYSQL_CLIENT_SSL) != 0;
		return PRE_S_OK;
	}
	if (seq != 1 || !le32(&c, &cap))
		return PRE_S_OK;
	if (cap & MYSQL_CLIENT_SSL) {
		request(ps, dir, "SSLRequest");
		ps->d[!dir].mode = PRE_M_AWAIT;        /* the server answers in TLS */
	} else {
		pre_decide(ps, PRE_R_NOT_REQUESTED);
	}
	return PRE_S_OK;
}

/* ---- Microsoft SQL Server: TDS PRELOGIN ---- */

static const char *tds_enc_name(uint8_t v)
{
	static const char *const n[] = { "ENCRYPT_OFF", "ENCRYPT_ON", "ENCRYPT_NOT_SUP",
					 "ENCRYPT_REQ" };
	return v < 4 ? n[v] : "ENCRYPT_OTHER";
}

/* The ENCRYPTION option of a PRELOGIN payload, 0xff when absent. */
static uint8_t tds_encryption(const uint8_t *pl, size_t n)
{
	struct cur c = cur_make(pl, n), v;
	uint8_t tok, val;
	uint16_t off, len;

	while (cur_u8(&c, &tok) && tok != 0xff) {
		if (!cur_u16(&c, &off) || !cur_u16(&c, &len))
			return 0xff;
		if (tok != 0x01)
			continue;
		v = cur_make(pl, n);
		if (len < 1 || !cur_skip(&v, off) || !cur_u8(&v, &val))
			return 0xff;
		return val;
	}
	return 0xff;
}

static enum pre_step tds_step(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			      size_t *used)
{
	struct cur c = cur_make(p, n);
	uint8_t type, status, enc;
	uint16_t len;
	bool big;
	enum pre_step st;
	int cl = ps->info.client;

	if (!cur_u8(&c, &type) || !cur_u8(&c, &status) || !cur_u16(&c, &len))
		return PRE_S_NEED;
	if (len < 8)
		return PRE_S_NO;
	st = whole(&ps->d[dir], len, n, used, &big);
	if (st != PRE_S_OK || big)
		return st;
	*used = len;
	if (type != 0x12 && type != 0x04)
		return PRE_S_NO;
	if (dir == cl ? ps->info.result != PRE_R_NONE : !ps->pending)
		return PRE_S_OK;                /* not the PRELOGIN exchange: ignored */
	enc = tds_encryption(p + 8, len - 8u);
	ps->tds_enc[dir] = enc;
	if (dir == cl) {
		request(ps, dir, "PRELOGIN");
		ps->d[dir].mode = PRE_M_PRELUDE;        /* TLS comes wrapped, never bare here */
		if (enc == 2)
			pre_decide(ps, PRE_R_NOT_REQUESTED);
		return PRE_S_OK;
	}
	ps->info.has_code = enc != 0xff;
	ps->info.code = enc;
	pre_set_text(&ps->info, (const uint8_t *)tds_enc_name(enc), strlen(tds_enc_name(enc)));
	if (enc == 2 || enc == 0xff) {
		pre_decide(ps, PRE_R_REFUSED);
		return PRE_S_OK;
	}
	ps->pending = false;
	ps->info.result = PRE_R_ACCEPTED;
	ps->d[0].mode = ps->d[1].mode = PRE_M_WRAP;
	return PRE_S_OK;
}

enum pre_status pre_tds_unwrap(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			       size_t *consumed, size_t *chunk_off, size_t *chunk_len)
{
	struct pre_dir *d = &ps->d[dir];
	struct cur c = cur_make(p, n);
	size_t off = 0;
	uint8_t type;
	uint16_t len;

	*consumed = 0;
	while (d->wrap_left == 0) {
		if (c.left < 1)
			goto need;
		if (c.p[0] >= 20 && c.p[0] <= 24) {     /* a bare TLS record: unwrapped from here */
			d->mode = PRE_M_TLS;
			*consumed = off;
			return PRE_TLS;
		}
		if (c.p[0] != 0x12 && c.p[0] != 0x04) {
			pre_fail(ps, "prelude_malformed");
			*consumed = n;
			return PRE_DONE;
		}
		if (c.left < 8)
			goto need;
		cur_u8(&c, &type);
		cur_skip(&c, 1);
		cur_u16(&c, &len);
		cur_skip(&c, 4);
		if (len < 8) {
			pre_fail(ps, "prelude_malformed");
			*consumed = n;
			return PRE_DONE;
		}
		off += 8;
		d->wrap_left = len - 8u;
	}
	if (c.left == 0)
		goto need;
	*chunk_off = off;
	*chunk_len = c.left < d->wrap_left ? c.left : d->wrap_left;
	d->wrap_left -= (uint32_t)*chunk_len;
	*consumed = off + *chunk_len;
	return PRE_WRAPPED;
need:
	*consumed = off;
	return PRE_NEED_MORE;
}

/* ---- RDP ---- */

static const char *rdp_proto_name(uint32_t v)
{
	switch (v) {
	case 0: return "PROTOCOL_RDP";
	case 1: return "PROTOCOL_SSL";
	case 2: return "PROTOCOL_HYBRID";
	case 4: return "PROTOCOL_RDSTLS";
	case 8: return "PROTOCOL_HYBRID_EX";
	case 16: return "PROTOCOL_RDSAAD";
	default: return "PROTOCOL_OTHER";
	}
}

static enum pre_step rdp_step(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			      size_t *used)
{
	struct cur c = cur_make(p, n), neg;
	uint8_t v, rsv, li, code, ntype = 0;
	uint16_t len;
	uint32_t nlen, val = 0;
	bool big;
	enum pre_step st;

	if (!cur_u8(&c, &v) || !cur_u8(&c, &rsv) || !cur_u16(&c, &len))
		return PRE_S_NEED;
	if (v != 3 || len < 7)
		return PRE_S_NO;
	st = whole(&ps->d[dir], len, n, used, &big);
	if (st != PRE_S_OK || big)
		return st;
	*used = len;
	c = cur_make(p + 4, len - 4u);
	if (!cur_u8(&c, &li) || !cur_u8(&c, &code))
		return PRE_S_NO;
	/* RDP_NEG_*: the last 8 bytes of the TPKT (type, flags, length 8 LE, value LE) */
	if (len >= 4 + 7 + 8) {
		neg = cur_make(p + len - 8, 8);
		cur_u8(&neg, &ntype);
		cur_skip(&neg, 1);
		le16(&neg, &nlen);
		le32(&neg, &val);
		if (nlen != 8)
			ntype = 0;
	}
	if ((code & 0xf0) == 0xe0) {            /* Connection Request */
		if (ntype == 1 && val != 0)
			request(ps, dir, "RDP_NEG_REQ");
		else
			pre_decide(ps, PRE_R_NOT_REQUESTED);
		ps->d[dir].mode = PRE_M_PRELUDE;        /* the client waits for the answer */
		return PRE_S_OK;
	}
	if ((code & 0xf0) != 0xd0) {            /* data: standard RDP security */
		if (!ps->pending)
			pre_decide(ps, PRE_R_NOT_REQUESTED);
		return PRE_S_OK;
	}
	if (!ps->pending)
		return PRE_S_OK;
	ps->info.has_code = ntype == 2 || ntype == 3;
	ps->info.code = val;
	if (ntype == 2) {
		const char *t = rdp_proto_name(val);
		pre_set_text(&ps->info, (const uint8_t *)t, strlen(t));
	}
	pre_decide(ps, ntype == 2 && val != 0 ? PRE_R_ACCEPTED : PRE_R_REFUSED);
	return PRE_S_OK;
}

/* ---- ADB ---- */

static enum pre_step adb_step(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			      size_t *used)
{
	struct cur c = cur_make(p, n);
	uint32_t cmd, a0, a1, dlen, crc, magic;
	bool big;
	enum pre_step st;

	if (!le32(&c, &cmd) || !le32(&c, &a0) || !le32(&c, &a1) || !le32(&c, &dlen) ||
	    !le32(&c, &crc) || !le32(&c, &magic))
		return PRE_S_NEED;
	if (magic != (cmd ^ 0xffffffffu) || dlen > 1024u * 1024u)
		return PRE_S_NO;
	st = whole(&ps->d[dir], 24 + (size_t)dlen, n, used, &big);
	if (st != PRE_S_OK)
		return st;
	if (!big)
		*used = 24 + (size_t)dlen;
	if (cmd == ADB_STLS) {
		if (ps->info.result == PRE_R_NONE) {
			ps->info.command = "STLS";
			ps->info.result = PRE_R_REQUESTED;
			ps->pending = true;
			ps->info.server_offers = ps->d[dir].role == PRE_ROLE_SERVER;
		} else if (ps->pending) {
			ps->pending = false;
			ps->info.result = PRE_R_ACCEPTED;
		}
		ps->d[dir].mode = PRE_M_AWAIT;
	} else if ((cmd == ADB_AUTH || cmd == ADB_CNXN) && ps->d[dir].role == PRE_ROLE_SERVER &&
		   !ps->pending) {
		pre_decide(ps, PRE_R_NOT_REQUESTED);
	}
	return PRE_S_OK;
}

/* ---- identification and dispatch ---- */

static bool bytes_are(const uint8_t *p, size_t n, const char *s, size_t k)
{
	return memcmp(p, s, n < k ? n : k) == 0;
}

static enum pre_step ident_socks(struct pre_state *ps, int dir, const uint8_t *p, size_t n)
{
	if (ps->info.proxy != PRE_X_NONE || n < 1 || (p[0] != 4 && p[0] != 5))
		return PRE_S_NO;
	if (n < 3)
		return PRE_S_NEED;
	if (p[0] == 4 && (p[1] != 1 && p[1] != 2))
		return PRE_S_NO;
	if (p[0] == 5) {
		if (p[1] == 0 || p[1] > 16)
			return PRE_S_NO;
		for (size_t i = 2; i < n && i < 2u + p[1]; i++)
			if (p[i] > 3 && p[i] < 0x80)
				return PRE_S_NO;
	}
	ps->info.proxy = p[0] == 5 ? PRE_X_SOCKS5 : PRE_X_SOCKS4;
	ps->phase = PRE_PH_PROXY;
	pre_set_client(ps, dir);
	return PRE_S_OK;
}

static enum pre_step ident_ldap(struct pre_state *ps, int dir, const uint8_t *p, size_t n)
{
	struct cur c = cur_make(p, n), msg;
	uint8_t tag, op;
	uint32_t id;
	size_t total, hdr = n >= 2 && p[1] >= 0x80 ? 2 + (size_t)(p[1] & 0x7f) : 2;
	enum pre_step st;

	if (n < 1 || p[0] != 0x30 || (n > hdr && p[hdr] != 0x02))
		return PRE_S_NO;                /* LDAPMessage: SEQUENCE { INTEGER messageID, ... */
	if (n < hdr + 4)                /* 02 01 id op */
		return PRE_S_NEED;
	st = ber(&c, &tag, &msg, &total);
	if (st == PRE_S_NO)
		return st;
	if (st == PRE_S_NEED) {         /* look inside what has come */
		if (n <= hdr)
			return PRE_S_NEED;
		msg = cur_make(p + hdr, n - hdr);
	}
	if (!ber_uint(&msg, 0x02, &id) || !cur_u8(&msg, &op) || (op & 0xc0) != 0x40)
		return PRE_S_NO;
	set_proto(ps, PRE_P_LDAP, ldap_is_request(op) ? dir : !dir);
	return PRE_S_OK;
}

/* OpenVPN's client hard resets: v2 (plain, tls-auth, tls-crypt), v3
 * (tls-crypt-v2), key id 0. */
static bool is_ovpn_reset(uint8_t b)
{
	return b == 7 << 3 || b == 10 << 3;
}

enum pre_step pre_bin_identify(struct pre_state *ps, int dir, const uint8_t *p, size_t n)
{
	enum pre_step s = ident_socks(ps, dir, p, n);

	if (s != PRE_S_NO || n == 0)
		return s;
	switch (p[0]) {
	case 0x30:
		return ident_ldap(ps, dir, p, n);
	case 0x12:                              /* TDS PRELOGIN */
		if (n < 9)
			return PRE_S_NEED;
		if (p[1] > 1 || p[7] != 0 || p[8] > 0x08 || ((unsigned)p[2] << 8 | p[3]) < 9)
			return PRE_S_NO;
		set_proto(ps, PRE_P_TDS, dir);
		return PRE_S_OK;
	case 0x03:                              /* TPKT + X.224 */
		if (n < 6)
			return PRE_S_NEED;
		if (p[1] != 0 || ((p[5] & 0xf0) != 0xe0 && (p[5] & 0xf0) != 0xd0))
			return PRE_S_NO;
		set_proto(ps, PRE_P_RDP, (p[5] & 0xf0) == 0xe0 ? dir : !dir);
		return PRE_S_OK;
	case 'C': case 'S': case 'A':           /* ADB */
		if ((!bytes_are(p, n, "CNXN", 4) && !bytes_are(p, n, "STLS", 4) &&
		     !bytes_are(p, n, "AUTH", 4)) ||
		    (n >= 5 && (p[4] == '\r' || p[4] == '\n' || p[4] == ' ')))
			return PRE_S_NO;        /* text: POP3 STLS, FTP AUTH */
		if (n < 24)
			return PRE_S_NEED;
		if ((p[20] ^ p[0]) != 0xff || (p[23] ^ p[3]) != 0xff)
			return PRE_S_NO;
		set_proto(ps, PRE_P_ADB, p[0] == 'C' ? dir : !dir);
		return PRE_S_OK;
	case 0x01:              /* a tls-crypt-v2 reset carries the client's wrapped key */
		if (n < 3)
			return PRE_S_NEED;
		return p[2] >> 3 == 10 ? pre_ovpn_identify(ps, dir, p, n) : PRE_S_NO;
	case 0x00:                              /* PostgreSQL, or OpenVPN's length */
		if (n >= 2 && p[1] != 0) {     /* not PostgreSQL's length */
			if (n < 3)
				return PRE_S_NEED;
			return is_ovpn_reset(p[2]) ? pre_ovpn_identify(ps, dir, p, n) : PRE_S_NO;
		}
		if (n < 8)
			return bytes_are(p, n, "\0\0", 2) ? PRE_S_NEED : PRE_S_NO;
		if (p[1] != 0 || (((unsigned)p[4] << 8 | p[5]) != 0x04d2 &&
				  ((unsigned)p[4] << 8 | p[5]) != 0x0003))
			return PRE_S_NO;
		set_proto(ps, PRE_P_PGSQL, dir);
		return PRE_S_OK;
	default:
		break;
	}
	/* MySQL greeting: len(3, LE) seq 0, protocol 10, version "5.7..." */
	if (n >= 3 && p[2] != 0)
		return PRE_S_NO;
	if (n < 6)
		return n < 4 || p[3] == 0 ? PRE_S_NEED : PRE_S_NO;
	if (p[3] != 0 || p[4] != 0x0a || p[5] < '1' || p[5] > '9' || p[0] < 20)
		return PRE_S_NO;
	set_proto(ps, PRE_P_MYSQL, !dir);
	return PRE_S_OK;
}

enum pre_step pre_bin_step(struct pre_state *ps, int dir, const uint8_t *p, size_t n,
			   size_t *used)
{
	struct cur c = cur_make(p, n);
	enum pre_step st;

	*used = 0;
	if (ps->phase == PRE_PH_PROXY) {
		st = socks_step(ps, dir, &c);
		if (st == PRE_S_OK)
			*used = n - c.left;
		else if (st == PRE_S_NEED && n >= PRE_MAX_ITEM)
			st = PRE_S_NO;
		return st;
	}
	switch (ps->info.proto) {
	case PRE_P_LDAP:
		return ldap_step(ps, dir, p, n, used);
	case PRE_P_PGSQL:
		return pgsql_step(ps, dir, p, n, used);
	case PRE_P_MYSQL:
		return mysql_step(ps, dir, p, n, used);
	case PRE_P_TDS:
		return tds_step(ps, dir, p, n, used);
	case PRE_P_RDP:
		return rdp_step(ps, dir, p, n, used);
	case PRE_P_ADB:
		return adb_step(ps, dir, p, n, used);
	default:
		return PRE_S_NO;
	}
}
