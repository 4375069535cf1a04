/*
 * secrets.c - the --keylog files into the run's key log (secrets.h).
 */
#include "secrets.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void secrets_count(const struct keylog *kl, struct tt_stats *st)
{
	st->keylog_lines = kl->st.lines;
	st->keylog_secrets = kl->st.secrets;
	st->keylog_bad_lines = kl->st.bad_lines;
}

/* One file, read in pieces: a line is taken whole once its '\n' came. */
static bool load_file(struct keylog *kl, const char *path)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t have = 0, got;

	if (!f) {
		fprintf(stderr, "tlstap: --keylog %s: %s\n", path, strerror(errno));
		return false;
	}
	while ((got = fread(buf + have, 1, sizeof buf - have, f)) > 0) {
		have += got;
		size_t used = keylog_add_buffer(kl, buf, have, false);
		if (used == 0 && have == sizeof buf)
			used = keylog_add_buffer(kl, buf, have, true);  /* overlong line */
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	keylog_add_buffer(kl, buf, have, true);
	fclose(f);
	return true;
}

bool secrets_load_files(struct keylog *kl, const char *const *paths, int n,
			struct tt_stats *st)
{
	for (int i = 0; i < n; i++)
		if (!load_file(kl, paths[i]))
			return false;
	secrets_count(kl, st);
	if (kl->st.bad_lines)
		fprintf(stderr, "tlstap: --keylog: %llu line(s) not understood, skipped\n",
			(unsigned long long)kl->st.bad_lines);
	return true;
}
