/*
 * quic_tp.c - RFC 9000 18.2 (transport parameter definitions), RFC 9221 3
 * (max_datagram_frame_size), RFC 9287 (grease_quic_bit), RFC 9368 3
 * (version_information), and the drafts' 16-bit form.  Picture: quic_tp.h.
 */
#include "quic_tp.h"

#include <string.h>

#include "cursor.h"
#include "quic.h"

struct tp_name {
	uint64_t id;
	const char *name;
	bool is_int;
};

static const struct tp_name names[] = {
	{ 0x00, "original_destination_connection_id", false },
	{ 0x01, "max_idle_timeout", true },
	{ 0x02, "stateless_reset_token", false },
	{ 0x03, "max_udp_payload_size", true },
	{ 0x04, "initial_max_data", true },
	{ 0x05, "initial_max_stream_data_bidi_local", true },
	{ 0x06, "initial_max_stream_data_bidi_remote", true },
	{ 0x07, "initial_max_stream_data_uni", true },
	{ 0x08, "initial_max_streams_bidi", true },
	{ 0x09, "initial_max_streams_uni", true },
	{ 0x0a, "ack_delay_exponent", true },
	{ 0x0b, "max_ack_delay", true },
	{ 0x0c, "disable_active_migration", false },
	{ 0x0d, "preferred_address", false },
	{ 0x0e, "active_connection_id_limit", true },
	{ 0x0f, "initial_source_connection_id", false },
	{ 0x10, "retry_source_connection_id", false },
	{ 0x11, "version_information", false },
	{ 0x20, "max_datagram_frame_size", true },
	{ 0x2ab2, "grease_quic_bit", false },
	{ 0x3127, "initial_rtt", true },
	{ 0x3128, "google_connection_options", false },
	{ 0x3129, "user_agent", false },
	{ 0x4752, "google_version", false },
	{ 0xff73db, "version_information_draft", false },
	{ 0xff04de1a, "min_ack_delay_draft", true },
	{ 0xff04de1b, "min_ack_delay", true },
};

static const struct tp_name *lookup(uint64_t id)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].id == id)
			return &names[i];
	return NULL;
}

const char *quic_tp_name(uint64_t id)
{
	const struct tp_name *t = lookup(id);

	if (t)
		return t->name;
	if (id >= 27 && (id - 27) % 31 == 0)
		return "grease";
	return NULL;
}

/* Integers are varints in the varint form; the legacy form's fixed-size
 * integers are kept raw. */
static void store(struct quic_tp *tp, uint64_t id, const uint8_t *v, size_t len,
		  bool varint, struct anom_set *a)
{
	struct quic_tp_param *e;
	const struct tp_name *t = lookup(id);
	struct cur c = cur_make(v, len);
	uint64_t x;

	tp->n_total++;
	if (tp->n >= QUIC_TP_MAX) {
		anom_add(a, "list_truncated");
		return;
	}
	e = &tp->p[tp->n++];
	e->id = id;
	e->len = (uint16_t)(len > 0xffff ? 0xffff : len);
	if (varint && t && t->is_int && quic_varint(&c, &x) && cur_empty(&c)) {
		e->is_int = true;
		e->value = x;
	} else {
		memcpy(e->raw, v, len < QUIC_TP_VAL_MAX ? len : QUIC_TP_VAL_MAX);
	}
}

static int parse_varint(struct cur *c, struct quic_tp *tp, struct anom_set *a)
{
	uint64_t id, len;
	const uint8_t *v;

	while (!cur_empty(c)) {
		if (!quic_varint(c, &id) || !quic_varint(c, &len) || len > c->left)
			return -1;
		cur_bytes(c, (size_t)len, &v);
		store(tp, id, v, (size_t)len, true, a);
	}
	return 0;
}

static int parse_legacy(struct cur *c, struct quic_tp *tp, struct anom_set *a)
{
	struct cur body, v;
	uint16_t id;

	if (!cur_vec16(c, &body) || !cur_empty(c))
		return -1;
	while (!cur_empty(&body)) {
		if (!cur_u16(&body, &id) || !cur_vec16(&body, &v))
			return -1;
		store(tp, id, v.p, v.left, false, a);
	}
	return 0;
}

int quic_tp_parse(const uint8_t *p, size_t n, bool varint, struct quic_tp *tp,
		  struct anom_set *a)
{
	struct cur c = cur_make(p, n);
	int rc;

	memset(tp, 0, sizeof *tp);
	rc = varint ? parse_varint(&c, tp, a) : parse_legacy(&c, tp, a);
	if (rc < 0)
		anom_add(a, "quic_bad_transport_params");
	return rc;
}
