/*
 * secrets.h - the run's TLS key log (README "Decryption"): the --keylog
 * files, read before the run, and the Decryption Secrets Blocks of pcapng
 * inputs, which capture hands to the engine as it reads them
 * (engine_secrets), in the same pass as the packets.
 */
#ifndef TLSTAP_SECRETS_H
#define TLSTAP_SECRETS_H

#include <stdbool.h>

#include "../parsers/tls_keylog.h"
#include "config.h"

/* Reads the n key log files into kl, and its line counters into st.
 * False (with a message on stderr) when a file cannot be read. */
bool secrets_load_files(struct keylog *kl, const char *const *paths, int n,
			struct tt_stats *st);
/* kl's line counters into st (tlstap.stats.keylog_*). */
void secrets_count(const struct keylog *kl, struct tt_stats *st);

#endif
