/*
 * replay - runs a fuzz harness over files (or every file of directories)
 * without a fuzzing engine: the default test suite replays each corpus and
 * every crash reproducer this way.  Each input is read into an exact-size
 * allocation.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;
	size_t n;

	if (!f || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "replay: %s: cannot open\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	n = (size_t)st.st_size;
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != n) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

/* Every input under path: a file, or a directory's entries (subdirectories
 * too, e.g. pcaps/findings/), in name order. */
static void walk(const char *path, int *count, int *bad)
{
	struct stat st;
	struct dirent **ents;
	int n;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		*bad += one(path) < 0;
		(*count)++;
		return;
	}
	n = scandir(path, &ents, NULL, alphasort);
	for (int j = 0; j < n; j++) {
		char sub[4096];
		if (ents[j]->d_name[0] != '.') {
			snprintf(sub, sizeof sub, "%s/%s", path, ents[j]->d_name);
			walk(sub, count, bad);
		}
		free(ents[j]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	int count = 0, bad = 0;

	for (int i = 1; i < argc; i++)
		walk(argv[i], &count, &bad);
	printf("replayed %d inputs\n", count);
	return bad ? 1 : 0;
}
