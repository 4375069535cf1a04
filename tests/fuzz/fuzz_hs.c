/*
 * fuzz_hs - the handshake message parsers on one message body.  The first
 * byte picks the parser (and its version-dependent layout); the rest is the
 * body, copied into an exact-size allocation so that any overread is caught.
 */
#include <stdlib.h>
#include <string.h>

#include "../../parsers/tls_hs.h"
#include "../../parsers/tls_names.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parsed hello survives its pack (tls_hello_pack.c, how the session keeps
 * it): the unpacked copy packs to the same bytes. */
static void check_pack(const struct tls_client_hello *ch)
{
	static struct tls_client_hello back;
	size_t n = tls_hello_pack_size(ch);
	uint8_t *p = malloc(n), *q = malloc(n);

	if (p && q && (tls_hello_pack(ch, p) != n || tls_hello_unpack(p, n, &back) != 0 ||
		       tls_hello_pack_size(&back) != n || tls_hello_pack(&back, q) != n ||
		       memcmp(p, q, n) != 0))
		abort();
	free(p);
	free(q);
}

/* What the reading thread scans of a hello (tls_scan_client_hello,
 * tls_scan_session_id) is what the parse of the same bytes says. */
static void check_scan(const uint8_t *body, size_t size, const struct tls_client_hello *ch)
{
	struct tls_ch_brief b;
	const uint8_t *sid = NULL;
	size_t sid_len;

	tls_scan_client_hello(body, size, &b);
	sid_len = tls_scan_session_id(body, size, &sid);
	if (b.has_early_data != ch->has_early_data || b.n_versions != ch->n_versions ||
	    memcmp(b.versions, ch->versions, b.n_versions * sizeof b.versions[0]) != 0 ||
	    sid_len != ch->session_id_len ||
	    (sid_len && memcmp(sid, ch->session_id, sid_len) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tls_client_hello ch;
	static struct tls_server_hello sh;
	struct anom_set a = { 0 };
	struct tls_cert_ref certs[8];
	struct tls_cert_request cr;
	struct tls_ske ske;
	size_t n, total;
	uint8_t sel, *body, b1, b2, st;
	uint16_t sa, tl, version;
	uint32_t u32;
	bool has;
	static const char *const kx[] = { "ecdhe", "dhe", "rsa", "dh_anon", "ecdh_anon",
					  "psk", "ecdhe_psk", "dhe_psk", "rsa_psk", NULL };

	if (size < 1)
		return 0;
	sel = data[0];
	size--;
	body = fuzz_copy(data + 1, size);
	if (!body)
		return 0;
	version = (sel & 0x80) ? 0x0303 : 0x0301;
	switch (sel & 0x0f) {
	case 0:
		memset(&ch, 0, sizeof ch);
		tls_parse_client_hello(body, size, &ch, &a);
		check_pack(&ch);
		check_scan(body, size, &ch);
		break;
	case 1:
		/* cleared as the session clears a pooled struct */
		memset(&sh, 0xa5, sizeof sh);
		tls_server_hello_clear(&sh);
		tls_parse_server_hello(body, size, &sh, &a);
		break;
	case 2:
		tls_parse_certificate(body, size, sel & 0x10, certs, 8, &n, &total, &a);
		break;
	case 3:
		memset(&ske, 0, sizeof ske);
		tls_parse_server_key_exchange(body, size, kx[(sel >> 4) % 9], version, &ske, &a);
		break;
	case 4:
		memset(&cr, 0, sizeof cr);
		tls_parse_certificate_request(body, size, version, &cr, &a);
		break;
	case 5:
		tls_parse_certificate_verify(body, size, version, &has, &sa, &a);
		break;
	case 6:
		tls_parse_new_session_ticket(body, size, sel & 0x10, &u32, &tl, &a);
		break;
	case 7:
		tls_parse_certificate_status(body, size, &st, &u32, &a);
		break;
	case 8:
		tls_parse_client_key_exchange(body, size, kx[(sel >> 4) % 9], version, &a);
		break;
	case 9:
		tls_parse_alert(body, size, &b1, &b2);
		break;
	case 10:
		memset(&ch, 0, sizeof ch);
		tls_parse_sslv2_client_hello(body, size, &ch, &a);
		check_pack(&ch);
		break;
	default: {
		struct tls_record r;
		size_t consumed, need;
		tls_record_parse(body, size, &r, &consumed, &need);
		tls_sslv2_record_parse(body, size, &r, &consumed, &need);
		tls_sniff(body, size);
		break;
	}
	}
	free(body);
	return 0;
}
