/*
 * quic_tp.h - the quic_transport_parameters TLS extension (RFC 9000 18,
 * RFC 9001 8.2; codepoint 0x39, drafts 0xffa5), as the ClientHello carries
 * it (the server's is in EncryptedExtensions, encrypted under Handshake keys
 * and out of a passive observer's reach).
 *
 *   varint form (v1, drafts >= 27):   legacy form (drafts < 27, T050, Q050):
 *   +--------+---------+==========+   +---------------+--------+--------+===+
 *   | id (i) | len (i) | value    |   | total len u16 | id u16 | len u16|...|
 *   +--------+---------+==========+   +---------------+--------+--------+===+
 */
#ifndef TLSTAP_QUIC_TP_H
#define TLSTAP_QUIC_TP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"

#define QUIC_TP_MAX     64
#define QUIC_TP_VAL_MAX 32   /* bytes of a non-integer value kept */

struct quic_tp_param {
	uint64_t id;
	bool is_int;              /* value decoded as a varint */
	uint64_t value;
	uint16_t len;             /* value length on the wire */
	uint8_t raw[QUIC_TP_VAL_MAX];   /* first bytes of a non-integer value */
};

struct quic_tp {
	struct quic_tp_param p[QUIC_TP_MAX];
	uint16_t n, n_total;
};

/*
 * Decodes the extension body p[0..n) in the varint or legacy form into *tp
 * (zeroed first).  Returns 0, or -1 with anomaly quic_bad_transport_params
 * (parameters read before the fault are kept).  More than QUIC_TP_MAX
 * parameters are counted in n_total with anomaly list_truncated.
 */
int quic_tp_parse(const uint8_t *p, size_t n, bool varint, struct quic_tp *tp,
		  struct anom_set *a);

/* The RFC or registry name of a parameter id ("initial_max_data"), "grease"
 * for the reserved 31*N+27 ids, NULL when unknown. */
const char *quic_tp_name(uint64_t id);

#endif
