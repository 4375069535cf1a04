/* Unit tests for parsers/tls_hello_pack.c: a ClientHello struct filled with
 * a pattern (every byte, list tails included) comes back from its pack with
 * every field and every list entry as it was, and list tails untouched (so
 * zero when unpacked into a zeroed struct); counts past a list's capacity
 * are cut to it; every truncated or extended pack is refused; the session
 * id reads from the pack alone. */
#include "../../parsers/tls_hello.h"
#include "tt_test.h"

#include <stdlib.h>

#define ZERO_TAIL(e, arr, count) do { \
	size_t k_ = (size_t)(count) < sizeof (e)->arr / sizeof (e)->arr[0] ? \
		(size_t)(count) : sizeof (e)->arr / sizeof (e)->arr[0]; \
	memset(&(e)->arr[k_], 0, sizeof (e)->arr - k_ * sizeof (e)->arr[0]); \
} while (0)

static size_t alpn_used(const struct tls_alpn_list *l)
{
	size_t n = 0;

	for (unsigned i = 0; i < l->n && i < TLS_MAX_ALPN; i++)
		if ((size_t)l->off[i] + l->len[i] > n)
			n = (size_t)l->off[i] + l->len[i];
	return n < TLS_ALPN_BUF ? n : TLS_ALPN_BUF;
}

static void zero_alpn_tail(struct tls_alpn_list *l)
{
	size_t used = alpn_used(l);

	/* (the offsets and lengths are kept whole) */
	memset(l->buf + used, 0, sizeof l->buf - used);
}

/* What unpacking the pack of ch into a zeroed struct must give: ch with
 * each list's unused tail zero, written here from the field names (not
 * from the packer's table). */
static void expected(const struct tls_client_hello *ch, struct tls_client_hello *e)
{
	*e = *ch;
#define TAIL(arr, count) ZERO_TAIL(e, arr, e->count);
	TAIL(ciphers, n_ciphers) TAIL(comp, n_comp) TAIL(exts, n_exts) TAIL(groups, n_groups)
	TAIL(ptfmts, n_ptfmts) TAIL(sigalgs, n_sigalgs) TAIL(sigalgs_cert, n_sigalgs_cert)
	TAIL(versions, n_versions) TAIL(keyshares, n_keyshares) TAIL(psk_modes, n_psk_modes)
	TAIL(cert_compression, n_cert_compression) TAIL(sni, sni_len) TAIL(quic_tp, quic_tp_len)
#undef TAIL
	zero_alpn_tail(&e->alpn);
	zero_alpn_tail(&e->alps);
}

/* Pack ch, unpack it into a zeroed struct and compare with expected(),
 * into a patterned one and pack that again; then every shorter pack and one
 * a byte longer are refused. */
static void round_trip(const struct tls_client_hello *ch)
{
	struct tls_client_hello *got = malloc(sizeof *got), *want = malloc(sizeof *want);
	size_t n = tls_hello_pack_size(ch);
	uint8_t *pack = malloc(n + 1), *again = malloc(n);
	const uint8_t *sid = NULL;
	unsigned bad = 0;

	if (!got || !want || !pack || !again)
		abort();
	CHECK(n <= sizeof *ch);
	CHECK(tls_hello_pack(ch, pack) == n);
	expected(ch, want);
	memset(got, 0, sizeof *got);
	CHECK(tls_hello_unpack(pack, n, got) == 0);
	CHECK(memcmp(got, want, sizeof *got) == 0);
	CHECK(tls_hello_packed_session_id(pack, n, &sid) ==
	      (ch->session_id_len < 32 ? ch->session_id_len : 32));
	CHECK(sid && memcmp(sid, ch->session_id, ch->session_id_len < 32 ? ch->session_id_len : 32) == 0);
	memset(got, 0xee, sizeof *got);
	CHECK(tls_hello_unpack(pack, n, got) == 0);
	CHECK(tls_hello_pack_size(got) == n && tls_hello_pack(got, again) == n &&
	      memcmp(again, pack, n) == 0);
	for (size_t k = 0; k < n; k++) {
		uint8_t *p = malloc(k ? k : 1);
		memcpy(p, pack, k);
		if (tls_hello_unpack(p, k, got) != -1 && bad++ < 3)
			fprintf(stderr, "pack of %zu bytes cut to %zu was taken\n", n, k);
		free(p);
	}
	CHECK(bad == 0);
	pack[n] = 0;
	CHECK(tls_hello_unpack(pack, n + 1, got) == -1);
	free(pack);
	free(again);
	free(got);
	free(want);
}

static void fill(struct tls_client_hello *ch, uint8_t seed)
{
	uint8_t *b = (uint8_t *)ch;

	for (size_t i = 0; i < sizeof *ch; i++)
		b[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

static void set_counts(struct tls_client_hello *ch, unsigned v)
{
	ch->n_ciphers = ch->n_exts = ch->n_groups = ch->n_sigalgs = (uint16_t)v;
	ch->n_sigalgs_cert = ch->n_versions = ch->n_keyshares = (uint16_t)(v / 4);
	ch->n_comp = ch->n_ptfmts = ch->n_psk_modes = ch->n_cert_compression = (uint16_t)(v % 17);
	ch->sni_len = (uint16_t)(v * 3);
	ch->quic_tp_len = (uint16_t)(v * 2);
	ch->alpn.n = (uint16_t)(v % 33);
	ch->alps.n = (uint16_t)(v % 5);
	for (unsigned i = 0; i < TLS_MAX_ALPN; i++) {
		ch->alpn.off[i] = (uint16_t)(i * 20);
		ch->alpn.len[i] = 13;
		ch->alps.off[i] = (uint16_t)(1000 - i);
		ch->alps.len[i] = (uint8_t)(i + 1);
	}
}

int main(void)
{
	struct tls_client_hello *ch = calloc(1, sizeof *ch);
	size_t small;

	if (!ch)
		return 1;
	/* All zero: no list used, so the pack is the struct less its lists. */
	round_trip(ch);
	small = tls_hello_pack_size(ch);
	CHECK(small < 1024);
	/* Patterned, with counts from none to past every capacity (cut). */
	static const unsigned counts[] = { 0, 1, 3, 16, 31, 100, 257, 511, 512, 600, 65535 };
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		fill(ch, (uint8_t)(i + 1));
		set_counts(ch, counts[i]);
		round_trip(ch);
	}
	/* A typical hello takes a few hundred bytes more than the bare pack. */
	memset(ch, 0, sizeof *ch);
	ch->n_ciphers = 17;
	ch->n_exts = 16;
	ch->sni_len = 20;
	CHECK(tls_hello_pack_size(ch) == small + 34 + 32 + 20);
	/* Too short to hold the session id: none. */
	{
		const uint8_t *sid;
		uint8_t b[8] = { 0 };
		CHECK(tls_hello_packed_session_id(b, sizeof b, &sid) == 0);
	}
	/* A pack that lies about a list's length is refused. */
	{
		size_t n = tls_hello_pack_size(ch);
		uint8_t *p = malloc(n);
		uint16_t u = 0xffff;
		if (!p)
			abort();
		tls_hello_pack(ch, p);
		memcpy(p + offsetof(struct tls_client_hello, n_ciphers), &u, sizeof u);
		CHECK(tls_hello_unpack(p, n, ch) == -1);
		free(p);
	}
	free(ch);
	return TT_DONE();
}
