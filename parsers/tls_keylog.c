/*
 * tls_keylog.c - the NSS key log format (SSLKEYLOGFILE), as NSS, OpenSSL,
 * GnuTLS and browsers write it; the TLS 1.3 labels are RFC 8446 section
 * 7.1's secrets (and draft-ietf-tls-keylogfile):
 *
 *   # comment
 *   <LABEL> SP <client random: 64 hex> SP <secret: 2 * len hex> [CR] LF
 *
 *   CLIENT_RANDOM                      48-byte master secret (TLS <= 1.2)
 *   CLIENT_EARLY_TRAFFIC_SECRET        TLS 1.3 secrets, hash length each
 *   CLIENT_HANDSHAKE_TRAFFIC_SECRET    (32 for SHA-256 suites, 48 for SHA-384)
 *   SERVER_HANDSHAKE_TRAFFIC_SECRET
 *   CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0, EXPORTER_SECRET
 *
 * Lines of other labels (RSA, ...) are well-formed but not used.  A line
 * that does not parse is counted and skipped: a key log is never fatal.
 */
#include "tls_keylog.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int label;                      /* enum keylog_label, -1: known, not used */
} names[] = {
	{ "CLIENT_RANDOM", KL_CLIENT_RANDOM },
	{ "CLIENT_EARLY_TRAFFIC_SECRET", KL_CLIENT_EARLY },
	{ "EARLY_TRAFFIC_SECRET", KL_CLIENT_EARLY },
	{ "CLIENT_HANDSHAKE_TRAFFIC_SECRET", KL_CLIENT_HS },
	{ "SERVER_HANDSHAKE_TRAFFIC_SECRET", KL_SERVER_HS },
	{ "CLIENT_TRAFFIC_SECRET_0", KL_CLIENT_AP0 },
	{ "SERVER_TRAFFIC_SECRET_0", KL_SERVER_AP0 },
	{ "EXPORTER_SECRET", KL_EXPORTER },
	{ "RSA", -1 },
	{ "RSA_SESSION_ID", -1 },
	{ "CLIENT_EARLY_EXPORTER_SECRET", -1 },
	{ "EARLY_EXPORTER_SECRET", -1 },      /* OpenSSL's name for it */
	/* OpenSSL 3's secrets after a KeyUpdate: derived here from the _0
	 * ones (RFC 8446 7.2), so not needed */
	{ "CLIENT_TRAFFIC_SECRET_N", -1 },
	{ "SERVER_TRAFFIC_SECRET_N", -1 },
	{ "ECH_SECRET", -1 },
	{ "ECH_CONFIG", -1 },
};

const char *keylog_label_name(enum keylog_label l)
{
	static const char *const n[KL_N_LABELS] = {
		"CLIENT_RANDOM", "CLIENT_EARLY_TRAFFIC_SECRET",
		"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
		"CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET",
	};
	return (unsigned)l < KL_N_LABELS ? n[l] : "?";
}

/* The entries, in chunks that never move: a reader may hold any of them
 * until keylog_free. */
#define CHUNK_ENTRIES 64

struct keylog_chunk {
	struct keylog_chunk *next;
	size_t used;
	struct keylog_entry e[CHUNK_ENTRIES];
};

/* One generation of the index; a bigger one replaces it when it fills up,
 * and the old one stays (readers may be probing it) until keylog_free. */
struct keylog_index {
	struct keylog_index *older;
	size_t cap;                     /* a power of two */
	struct keylog_entry *_Atomic slot[];
};

void keylog_init(struct keylog *kl)
{
	memset(kl, 0, sizeof *kl);
	atomic_init(&kl->idx, NULL);
}

static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

void keylog_free(struct keylog *kl)
{
	struct keylog_index *ix = atomic_load_explicit(&kl->idx, memory_order_relaxed);

	while (ix) {
		struct keylog_index *older = ix->older;

		free(ix);
		ix = older;
	}
	for (struct keylog_chunk *c = kl->chunks, *next; c; c = next) {
		next = c->next;
		wipe(c, sizeof *c);
		free(c);
	}
	kl->chunks = NULL;
	atomic_store_explicit(&kl->idx, NULL, memory_order_relaxed);
	kl->n = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly n bytes of hex at s (2n characters) into out. */
static bool unhex(const char *s, size_t chars, uint8_t *out, size_t max)
{
	if (chars == 0 || chars % 2 || chars / 2 > max)
		return false;
	for (size_t i = 0; i < chars / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static size_t slot_of(const uint8_t random[32], size_t cap)
{
	uint64_t h = 1469598103934665603ull;

	for (int i = 0; i < 32; i++)
		h = (h ^ random[i]) * 1099511628211ull;
	return (size_t)(h & (cap - 1));
}

/* The slot of random in ix: the one holding its entry, or the empty one
 * where it would go.  *e: the entry found (acquire), or NULL. */
static size_t probe(const struct keylog_index *ix, const uint8_t random[32],
		    struct keylog_entry **e)
{
	size_t i = slot_of(random, ix->cap);

	for (;;) {
		struct keylog_entry *x = atomic_load_explicit(&ix->slot[i], memory_order_acquire);

		if (!x || memcmp(x->random, random, 32) == 0) {
			*e = x;
			return i;
		}
		i = (i + 1) & (ix->cap - 1);
	}
}

/* A bigger index with every entry of the current one, published; the old
 * one is kept for the readers still in it.  False when out of memory. */
static bool grow(struct keylog *kl)
{
	struct keylog_index *old = atomic_load_explicit(&kl->idx, memory_order_relaxed);
	size_t cap = old ? old->cap * 2 : 64;
	struct keylog_index *ix = calloc(1, sizeof *ix + cap * sizeof ix->slot[0]);
	struct keylog_entry *e, *none;

	if (!ix)
		return false;
	ix->cap = cap;
	ix->older = old;
	for (size_t i = 0; old && i < old->cap; i++) {
		e = atomic_load_explicit(&old->slot[i], memory_order_relaxed);
		if (e)
			atomic_store_explicit(&ix->slot[probe(ix, e->random, &none)], e,
					      memory_order_relaxed);
	}
	atomic_store_explicit(&kl->idx, ix, memory_order_release);
	return true;
}

/* A fresh entry from the chunks (zeroed), or NULL. */
static struct keylog_entry *new_entry(struct keylog *kl)
{
	struct keylog_chunk *c = kl->chunks;

	if (!c || c->used == CHUNK_ENTRIES) {
		c = calloc(1, sizeof *c);
		if (!c)
			return NULL;
		c->next = kl->chunks;
		kl->chunks = c;
	}
	return &c->e[c->used++];
}

const struct keylog_entry *keylog_find(const struct keylog *kl, const uint8_t random[32])
{
	struct keylog_index *ix = kl ? atomic_load_explicit(&kl->idx, memory_order_acquire) : NULL;
	struct keylog_entry *e = NULL;

	if (ix)
		probe(ix, random, &e);
	return e;
}

const uint8_t *keylog_secret(const struct keylog_entry *e, enum keylog_label l, size_t *len)
{
	if (!e || (unsigned)l >= KL_N_LABELS ||
	    !(atomic_load_explicit(&e->have, memory_order_acquire) & (1u << l)))
		return NULL;
	*len = e->len[l];
	return e->secret[l];
}

/* Stores the secret of the label for random: a new entry, a new secret in
 * a published entry (its bit published last), or a replaced secret in a
 * new copy of the entry.  False when out of memory. */
static bool store(struct keylog *kl, const uint8_t random[32], int label,
		  const uint8_t *secret, size_t sl)
{
	struct keylog_index *ix = atomic_load_explicit(&kl->idx, memory_order_relaxed);
	struct keylog_entry *e = NULL, *n;
	size_t at;
	uint8_t have;

	if ((!ix || (kl->n + 1) * 2 > ix->cap) && !grow(kl))
		return false;
	ix = atomic_load_explicit(&kl->idx, memory_order_relaxed);
	at = probe(ix, random, &e);
	have = e ? atomic_load_explicit(&e->have, memory_order_relaxed) : 0;
	if (e && !(have & (1u << label))) {
		e->len[label] = (uint8_t)sl;
		memcpy(e->secret[label], secret, sl);
		atomic_fetch_or_explicit(&e->have, (uint8_t)(1u << label), memory_order_release);
		return true;
	}
	if (e && e->len[label] == sl && memcmp(e->secret[label], secret, sl) == 0)
		return true;
	n = new_entry(kl);
	if (!n)
		return false;
	if (e) {
		memcpy(n->random, e->random, 32);
		memcpy(n->len, e->len, sizeof n->len);
		memcpy(n->secret, e->secret, sizeof n->secret);
	} else {
		memcpy(n->random, random, 32);
		kl->n++;
	}
	n->len[label] = (uint8_t)sl;
	memcpy(n->secret[label], secret, sl);
	atomic_store_explicit(&n->have, (uint8_t)(have | (1u << label)), memory_order_relaxed);
	atomic_store_explicit(&ix->slot[at], n, memory_order_release);
	return true;
}

/* The next space-separated field of line[*pos..n): its start and length. */
static size_t field(const char *line, size_t n, size_t *pos, const char **start)
{
	while (*pos < n && (line[*pos] == ' ' || line[*pos] == '\t'))
		(*pos)++;
	*start = line + *pos;
	size_t b = *pos;

	while (*pos < n && line[*pos] != ' ' && line[*pos] != '\t')
		(*pos)++;
	return *pos - b;
}

static enum keylog_line_status bad(struct keylog *kl)
{
	kl->st.bad_lines++;
	return KL_LINE_BAD;
}

enum keylog_line_status keylog_add_line(struct keylog *kl, const char *line, size_t n)
{
	const char *lab, *rnd, *sec, *extra;
	size_t pos = 0, ll, rl, sl;
	uint8_t random[32], secret[KEYLOG_MAX_SECRET];
	int label = -2;

	kl->st.lines++;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	ll = field(line, n, &pos, &lab);
	if (ll == 0 || lab[0] == '#')
		return KL_LINE_SKIP;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == ll && memcmp(names[i].name, lab, ll) == 0)
			label = names[i].label;
	if (label == -2)
		return bad(kl);
	rl = field(line, n, &pos, &rnd);
	sl = field(line, n, &pos, &sec);
	if (field(line, n, &pos, &extra) != 0 || rl == 0 || sl == 0)
		return bad(kl);
	if (label == -1) {
		kl->st.ignored++;
		return KL_LINE_IGNORED;
	}
	if (rl != 64 || !unhex(rnd, rl, random, 32) || !unhex(sec, sl, secret, sizeof secret))
		return bad(kl);
	sl /= 2;
	if ((label == KL_CLIENT_RANDOM && sl != 48) ||
	    (label != KL_CLIENT_RANDOM && sl != 32 && sl != 48))
		return bad(kl);
	if (!store(kl, random, label, secret, sl)) {
		wipe(secret, sizeof secret);
		return KL_LINE_NOMEM;
	}
	wipe(secret, sizeof secret);
	kl->st.secrets++;
	return KL_LINE_OK;
}

size_t keylog_add_buffer(struct keylog *kl, const char *buf, size_t n, bool final)
{
	size_t done = 0;

	while (done < n) {
		const char *nl = memchr(buf + done, '\n', n - done);

		if (!nl) {
			if (!final)
				break;
			keylog_add_line(kl, buf + done, n - done);
			return n;
		}
		size_t len = (size_t)(nl - (buf + done)) + 1;

		keylog_add_line(kl, buf + done, len);
		done += len;
	}
	return done;
}
