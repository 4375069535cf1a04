/*
 * secrets.h - the run's TLS key log (README "Decryption"): the --keylog
 * files (keylog_follow.h reads them, and follows them in live capture),
 * and the Decryption Secrets Blocks of pcapng
 * inputs, which capture hands to the engine as it reads them
 * (engine_secrets), in the same pass as the packets.
 */
#ifndef TLSTAP_SECRETS_H
#define TLSTAP_SECRETS_H

#include <stdbool.h>

#include "../parsers/tls_keylog.h"
#include "config.h"

/* kl's line counters into st (tlstap.stats.keylog_*). */
void secrets_count(const struct keylog *kl, struct tt_stats *st);

#endif
