/*
 * secrets.c - the run's key log counters (secrets.h).
 */
#include "secrets.h"

void secrets_count(const struct keylog *kl, struct tt_stats *st)
{
	st->keylog_lines = kl->st.lines;
	st->keylog_secrets = kl->st.secrets;
	st->keylog_bad_lines = kl->st.bad_lines;
}
