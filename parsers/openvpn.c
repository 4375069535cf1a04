/*
 * openvpn.c - OpenVPN control packets over TCP and UDP (see openvpn.h for
 * the layouts and what is read): the client's first packet and the
 * protection it shows, packet headers, and the UDP control channel put
 * back in message order.
 */
#include "openvpn.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"

/* tls-auth HMAC sizes (none, MD5, SHA-1, SHA-256, SHA-384, SHA-512), each
 * with the replay packet_id and net_time (8 bytes). */
static const uint8_t auth_sizes[] = { 0, 16 + 8, 20 + 8, 32 + 8, 48 + 8, 64 + 8 };
#define N_AUTH (sizeof auth_sizes)

/* A client's hard reset without acks: op, session id, auth, ack count 0,
 * message packet_id 0; a 2.6 client may append its early negotiation TLV
 * (type 1, length 2, flags). */
#define RESET_MIN (1 + 8 + 1 + 4)
#define EARLY_NEG 6
/* tls-crypt: op, session id, packet_id, net_time, tag; then the encrypted
 * ack count and message packet_id (and the TLV). */
#define CRYPT_HDR (1 + 8 + 8 + 32)
#define WKC_MIN (2 + 32 + 256)   /* length, tag, the 2048-bit key */
/* A replay packet_id starts at 1: a first packet's is small.  A 2.6
 * client that can negotiate early starts at 0x0f000001 (EARLY_NEG_START in
 * OpenVPN's source). */
#define FIRST_PID_MAX 0x10000u
#define EARLY_NEG_PID 0x0f000000u

size_t ovpn_auth_size(unsigned i)
{
	return i < N_AUTH ? auth_sizes[i] : 0;
}

size_t ovpn_layout_auth(const struct ovpn_layout *l)
{
	for (unsigned i = 0; i < N_AUTH; i++)
		if (l->cand & 1u << i)
			return auth_sizes[i];
	return 0;
}

/* A replay packet_id as a first packet has it. */
static bool first_pid(struct cur c)
{
	uint32_t pid;

	if (!cur_u32(&c, &pid))
		return false;
	if ((pid & 0xff000000u) == EARLY_NEG_PID)
		pid &= 0x00ffffffu;
	return pid != 0 && pid <= FIRST_PID_MAX;
}

/* Whether the client reset after its session id (c, n bytes in all) reads
 * with a tls-auth fields of size a. */
static bool reset_fits(struct cur c, size_t n, size_t a)
{
	uint8_t acks;
	uint16_t type;
	uint32_t msg_id;

	if (n != RESET_MIN + a && n != RESET_MIN + a + EARLY_NEG)
		return false;
	if (a) {
		struct cur t = c;
		if (!cur_skip(&t, a - 8) || !first_pid(t))
			return false;
	}
	if (!cur_skip(&c, a) || !cur_u8(&c, &acks) || acks != 0 || !cur_u32(&c, &msg_id) ||
	    msg_id != 0)
		return false;
	return n == RESET_MIN + a || (cur_u16(&c, &type) && type == 1);
}

/* tls-crypt(-v2): a tag and at least the encrypted ack count and message
 * id after the clear replay packet_id (whose form changed between OpenVPN
 * versions: not checked); v2 ends with its wrapped key's length, the key
 * itself (2048 bits) tagged.  A v1 reset is told only by its length, and
 * by no tls-auth layout fitting it: over UDP the carrier waits for the
 * server's reset before believing it. */
static bool crypt_fits(struct cur c, size_t n, bool v2)
{
	uint16_t wkc;

	if (n < CRYPT_HDR + 5)
		return false;
	if (!v2)
		return n == CRYPT_HDR + 5 || n == CRYPT_HDR + 5 + EARLY_NEG;
	if (!cur_skip(&c, n - 1 - 8 - 2) || !cur_u16(&c, &wkc))
		return false;
	return wkc >= WKC_MIN && wkc <= n - (CRYPT_HDR + 5);
}

enum ovpn_status ovpn_first(const uint8_t *p, size_t n, struct ovpn_layout *l)
{
	struct cur c = cur_make(p, n);
	uint8_t b;

	if (!cur_u8(&c, &b) || (b & 7) != 0 || !cur_copy(&c, l->client_sid, 8))
		return OVPN_BAD;
	l->cand = 0;
	l->prot = OVPN_PROT_NONE;
	if (b >> 3 == OVPN_CONTROL_HARD_RESET_CLIENT_V3) {
		l->prot = OVPN_PROT_TLS_CRYPT_V2;
		return crypt_fits(c, n, true) ? OVPN_OK : OVPN_BAD;
	}
	if (b >> 3 != OVPN_CONTROL_HARD_RESET_CLIENT_V2)
		return OVPN_BAD;
	for (unsigned i = 0; i < N_AUTH; i++)
		if (reset_fits(c, n, auth_sizes[i]))
			l->cand |= (uint8_t)(1u << i);
	if (l->cand) {
		l->prot = l->cand & 1 ? OVPN_PROT_NONE : OVPN_PROT_TLS_AUTH;
		return OVPN_OK;
	}
	l->prot = OVPN_PROT_TLS_CRYPT;
	return crypt_fits(c, n, false) ? OVPN_OK : OVPN_BAD;
}

static bool is_control(uint8_t op)
{
	return op == OVPN_CONTROL_SOFT_RESET_V1 || op == OVPN_CONTROL_V1 || op == OVPN_ACK_V1 ||
	       op == OVPN_CONTROL_HARD_RESET_CLIENT_V2 || op == OVPN_CONTROL_HARD_RESET_SERVER_V2 ||
	       op == OVPN_CONTROL_HARD_RESET_CLIENT_V3 || op == OVPN_CONTROL_WKC_V1;
}

/* The header after the opcode byte, in pkt (the packet's bytes present so
 * far).  OVPN_SHORT when pkt ends first, OVPN_BAD for too many acks. */
static enum ovpn_status body(struct cur *pkt, size_t auth, struct ovpn_hdr *h)
{
	if (!cur_copy(pkt, h->sid, 8) || !cur_skip(pkt, auth) || !cur_u8(pkt, &h->n_acks))
		return OVPN_SHORT;
	if (h->n_acks > OVPN_MAX_ACKS)
		return OVPN_BAD;
	if (!cur_skip(pkt, 4u * h->n_acks) || (h->n_acks && !cur_copy(pkt, h->remote_sid, 8)))
		return OVPN_SHORT;
	if (h->op != OVPN_ACK_V1) {
		if (!cur_u32(pkt, &h->msg_id))
			return OVPN_SHORT;
		h->has_msg_id = true;
	}
	return OVPN_OK;
}

/* The opcode byte into h; whether the rest is a control header to read. */
static bool opcode(uint8_t b, struct ovpn_hdr *h)
{
	h->op = b >> 3;
	h->key_id = b & 7;
	h->has_msg_id = false;
	h->n_acks = 0;
	return h->op != OVPN_DATA_V1 && h->op != OVPN_DATA_V2;
}

enum ovpn_status ovpn_header(const uint8_t *p, size_t n, size_t auth, struct ovpn_hdr *h)
{
	struct cur c = cur_make(p, n), pkt;
	enum ovpn_status st;
	uint8_t b;

	if (!cur_u16(&c, &h->len) || !cur_u8(&c, &b))
		return OVPN_SHORT;
	h->hdr_len = 3;
	if (h->len == 0)
		return OVPN_BAD;
	if (!opcode(b, h))
		return OVPN_OK;
	if (!is_control(h->op))
		return OVPN_BAD;
	/* The header lies inside the packet: parse it in a cursor of the
	 * packet's declared length, of which the bytes present so far. */
	pkt = cur_make(c.p, c.left < h->len - 1u ? c.left : h->len - 1u);
	st = body(&pkt, auth, h);
	if (st == OVPN_SHORT)   /* short of the bytes present, or of the packet itself */
		return c.left + 1 < h->len ? OVPN_SHORT : OVPN_BAD;
	h->hdr_len = (size_t)(pkt.p - p);
	return st;
}

enum ovpn_status ovpn_packet(const uint8_t *p, size_t n, size_t auth, struct ovpn_hdr *h)
{
	struct cur c = cur_make(p, n);
	uint8_t b;

	if (n == 0 || n > 0xffff || !cur_u8(&c, &b))
		return OVPN_BAD;
	h->len = (uint16_t)n;   /* as if framed: the length field would count n */
	h->hdr_len = 1;
	if (!opcode(b, h))
		return OVPN_OK;
	if (!is_control(h->op) || body(&c, auth, h) != OVPN_OK)
		return OVPN_BAD;
	h->hdr_len = (size_t)(c.p - p);
	return OVPN_OK;
}

/* Whether the tls-auth replay packet_id of a packet read with a fields of
 * size a is one a connection's first packets have. */
static bool auth_pid_fits(const uint8_t *p, size_t n, size_t a)
{
	struct cur c = cur_make(p, n);

	return a == 0 || (cur_skip(&c, 1 + 8 + a - 8) && first_pid(c));
}

bool ovpn_narrow(struct ovpn_layout *l, const uint8_t *p, size_t n, bool from_client,
		 const uint8_t *peer_sid)
{
	const uint8_t *want = from_client ? peer_sid : l->client_sid;
	struct cur c = cur_make(p, n);
	uint8_t b;

	if (!l->cand || !cur_u8(&c, &b) || b >> 3 == OVPN_DATA_V1 || b >> 3 == OVPN_DATA_V2)
		return l->cand != 0 || l->prot >= OVPN_PROT_TLS_CRYPT;
	for (unsigned i = 0; i < N_AUTH; i++) {
		struct ovpn_hdr h;

		if (!(l->cand & 1u << i))
			continue;
		if (ovpn_packet(p, n, auth_sizes[i], &h) != OVPN_OK ||
		    (h.n_acks && want && memcmp(h.remote_sid, want, 8) != 0) ||
		    !auth_pid_fits(p, n, auth_sizes[i]))
			l->cand &= (uint8_t)~(1u << i);
	}
	l->prot = (l->cand & 1) || !l->cand ? OVPN_PROT_NONE : OVPN_PROT_TLS_AUTH;
	return l->cand != 0;
}

/* ---- the UDP control channel ---- */

void ovpn_chan_init(struct ovpn_chan *c)
{
	memset(c, 0, sizeof *c);
}

static void slot_clear(struct ovpn_chan *c, struct ovpn_chan_slot *s)
{
	free(s->buf);
	c->mem -= s->len;
	memset(s, 0, sizeof *s);
}

void ovpn_chan_free(struct ovpn_chan *c)
{
	for (unsigned i = 0; i < OVPN_CHAN_SLOTS; i++)
		if (c->slot[i].used)
			slot_clear(c, &c->slot[i]);
	free(c->out);
	c->out = NULL;
}

static struct ovpn_chan_slot *find(struct ovpn_chan *c, uint32_t id)
{
	for (unsigned i = 0; i < OVPN_CHAN_SLOTS; i++)
		if (c->slot[i].used && c->slot[i].id == id)
			return &c->slot[i];
	return NULL;
}

enum ovpn_chan_res ovpn_chan_add(struct ovpn_chan *c, uint32_t id, const uint8_t *p, size_t n)
{
	struct ovpn_chan_slot *s = NULL;

	if ((int32_t)(id - c->next) < 0 || find(c, id)) {  /* serial order: ids may wrap */
		c->resent++;
		return OVPN_CH_AGAIN;
	}
	for (unsigned i = 0; i < OVPN_CHAN_SLOTS && !s; i++)
		if (!c->slot[i].used)
			s = &c->slot[i];
	if (!s || id - c->next >= OVPN_CHAN_SLOTS || n > OVPN_CHAN_MAX_PAYLOAD)
		goto drop;
	s->buf = malloc(n ? n : 1);
	if (!s->buf)
		goto drop;
	if (n)
		memcpy(s->buf, p, n);
	s->used = true;
	s->id = id;
	s->len = (uint16_t)n;
	c->mem += n;
	if (id != c->next)
		c->reordered++;
	return OVPN_CH_HELD;
drop:
	c->dropped++;
	return OVPN_CH_DROPPED;
}

bool ovpn_chan_next(struct ovpn_chan *c, const uint8_t **p, size_t *n)
{
	struct ovpn_chan_slot *s;

	free(c->out);
	c->out = NULL;
	s = find(c, c->next);
	if (!s)
		return false;
	c->out = s->buf;
	*p = s->buf;
	*n = s->len;
	c->mem -= s->len;
	memset(s, 0, sizeof *s);
	c->next++;
	return true;
}

unsigned ovpn_chan_held(const struct ovpn_chan *c)
{
	unsigned k = 0;

	for (unsigned i = 0; i < OVPN_CHAN_SLOTS; i++)
		k += c->slot[i].used;
	return k;
}
