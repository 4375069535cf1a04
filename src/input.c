/*
 * input.c - capture files from the command line: names expanded into files,
 * and files opened for libpcap with gzip (zlib), zstd (libzstd) and xz
 * (liblzma) decompressed transparently.
 *
 * A compressed file is told by its first bytes, never by its name:
 *
 *   gzip  1f 8b                  (RFC 1952; concatenated members are read on)
 *   zstd  28 b5 2f fd            (RFC 8878; several frames are read on)
 *   xz    fd 37 7a 58 5a 00      (the .xz container; concatenated streams too)
 *
 * libpcap reads a FILE, so a decompressor is a stdio cookie (fopencookie)
 * whose read function pulls compressed bytes from the file on disk and
 * hands out decompressed ones.  Standard input cannot be rewound after its
 * first bytes were looked at: when it is not compressed, a pass-through
 * cookie gives those bytes back first.
 */
#include "input.h"

#include "../parsers/pcapng_walk.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#define IN_CHUNK (1u << 16)
#define MAX_DEPTH 8

enum codec { CODEC_NONE, CODEC_GZIP, CODEC_ZSTD, CODEC_XZ };

struct dz {
	FILE *raw;
	enum codec codec;
	uint8_t in[IN_CHUNK];
	size_t in_len, in_pos;
	bool raw_eof, done, failed;
	z_stream z;
	ZSTD_DStream *zs;
	lzma_stream x;
	bool looked;                    /* the first output bytes were checked for pcapng */
	bool pcapng;
	struct pcapng_walk walk;        /* fed every byte handed out, when pcapng */
};

/* More compressed bytes when the buffer is used up: whether any are left. */
static bool dz_fill(struct dz *d)
{
	if (d->in_pos < d->in_len)
		return true;
	if (d->raw_eof)
		return false;
	d->in_len = fread(d->in, 1, sizeof d->in, d->raw);
	d->in_pos = 0;
	if (d->in_len == 0)
		d->raw_eof = true;
	return d->in_len > 0;
}

/* One decompression step into out[0..cap): bytes produced, or -1. */
static ssize_t dz_step(struct dz *d, char *out, size_t cap)
{
	size_t avail = d->in_len - d->in_pos;

	switch (d->codec) {
	case CODEC_GZIP: {
		int r;
		d->z.next_in = d->in + d->in_pos;
		d->z.avail_in = (uInt)avail;
		d->z.next_out = (Bytef *)out;
		d->z.avail_out = (uInt)cap;
		r = inflate(&d->z, Z_NO_FLUSH);
		d->in_pos = d->in_len - d->z.avail_in;
		if (r == Z_STREAM_END) {
			/* Another member may follow (cat a.gz b.gz). */
			if (dz_fill(d))
				inflateReset(&d->z);
			else
				d->done = true;
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			return -1;
		}
		return (ssize_t)(cap - d->z.avail_out);
	}
	case CODEC_ZSTD: {
		ZSTD_inBuffer ib = { d->in + d->in_pos, avail, 0 };
		ZSTD_outBuffer ob = { out, cap, 0 };
		size_t r = ZSTD_decompressStream(d->zs, &ob, &ib);
		if (ZSTD_isError(r))
			return -1;
		d->in_pos += ib.pos;
		return (ssize_t)ob.pos;
	}
	case CODEC_XZ: {
		lzma_ret r;
		d->x.next_in = d->in + d->in_pos;
		d->x.avail_in = avail;
		d->x.next_out = (uint8_t *)out;
		d->x.avail_out = cap;
		r = lzma_code(&d->x, d->raw_eof ? LZMA_FINISH : LZMA_RUN);
		d->in_pos = d->in_len - d->x.avail_in;
		if (r == LZMA_STREAM_END)
			d->done = true;
		else if (r != LZMA_OK && r != LZMA_BUF_ERROR)
			return -1;
		return (ssize_t)(cap - d->x.avail_out);
	}
	case CODEC_NONE:
		if (avail > cap)
			avail = cap;
		memcpy(out, d->in + d->in_pos, avail);
		d->in_pos += avail;
		return (ssize_t)avail;
	}
	return -1;
}

static ssize_t dz_read(void *cookie, char *buf, size_t size)
{
	struct dz *d = cookie;
	size_t got = 0;

	while (got < size && !d->done && !d->failed) {
		ssize_t r;
		/* With no input left a step may still flush buffered output; a
		 * cut stream ends there and shows as a truncated capture. */
		bool more = dz_fill(d);
		r = dz_step(d, buf + got, size - got);
		if (r < 0) {
			d->failed = true;
			break;
		}
		if (r == 0 && !more)
			break;
		got += (size_t)r;
	}
	if (got == 0 && d->failed) {
		errno = EILSEQ;
		return -1;
	}
	if (!d->looked && got) {
		/* libpcap's first read asks for at least the 4-byte magic. */
		d->looked = true;
		d->pcapng = pcapng_walk_is_pcapng((const uint8_t *)buf, got);
	}
	if (d->pcapng)
		pcapng_walk_push(&d->walk, (const uint8_t *)buf, got);
	return (ssize_t)got;
}

static int dz_close(void *cookie)
{
	struct dz *d = cookie;

	pcapng_walk_done(&d->walk);
	if (d->codec == CODEC_GZIP)
		inflateEnd(&d->z);
	ZSTD_freeDStream(d->zs);
	if (d->codec == CODEC_XZ)
		lzma_end(&d->x);
	if (d->raw != stdin)
		fclose(d->raw);
	free(d);
	return 0;
}

static enum codec sniff(const uint8_t *b, size_t n)
{
	static const uint8_t xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return CODEC_GZIP;
	if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return CODEC_ZSTD;
	if (n >= 6 && memcmp(b, xz, 6) == 0)
		return CODEC_XZ;
	return CODEC_NONE;
}

static const char *codec_name(enum codec c)
{
	return c == CODEC_GZIP ? "gzip" : c == CODEC_ZSTD ? "zstd" : c == CODEC_XZ ? "xz" : NULL;
}

/* A decompressor over raw whose first n bytes (already read) are b. */
static FILE *dz_open(FILE *raw, enum codec codec, const uint8_t *b, size_t n,
		     struct pcapng_walk **walk)
{
	static const cookie_io_functions_t io = { .read = dz_read, .close = dz_close };
	struct dz *d = calloc(1, sizeof *d);
	FILE *f;
	bool ok;

	if (!d)
		return NULL;
	d->raw = raw;
	d->codec = codec;
	pcapng_walk_init(&d->walk);
	memcpy(d->in, b, n);
	d->in_len = n;
	switch (codec) {
	case CODEC_GZIP: ok = inflateInit2(&d->z, 15 + 32) == Z_OK; break;
	case CODEC_ZSTD: ok = (d->zs = ZSTD_createDStream()) != NULL; break;
	case CODEC_XZ:
		ok = lzma_stream_decoder(&d->x, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
		break;
	default: ok = true; break;
	}
	if (!ok) {
		free(d);
		return NULL;
	}
	f = fopencookie(d, "rb", io);
	if (!f) {
		d->raw = stdin;   /* the caller closes raw */
		dz_close(d);
		return NULL;
	}
	*walk = &d->walk;
	return f;
}

int input_open(const char *path, struct input *in, char *err, size_t errlen)
{
	bool std = strcmp(path, "-") == 0;
	FILE *raw = std ? stdin : fopen(path, "rb");
	uint8_t magic[6];
	size_t n;
	enum codec codec;
	struct stat st;

	memset(in, 0, sizeof *in);
	if (!raw) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (!std && fstat(fileno(raw), &st) == 0 && S_ISREG(st.st_mode))
		in->size = (uint64_t)st.st_size;
	n = fread(magic, 1, sizeof magic, raw);
	codec = sniff(magic, n);
	in->codec = codec_name(codec);
	in->raw = raw;
	/* A plain pcap file goes to libpcap as it is; everything else through
	 * a cookie (pcapng: to follow its blocks). */
	if (codec == CODEC_NONE && !std && !pcapng_walk_is_pcapng(magic, n) &&
	    fseek(raw, 0, SEEK_SET) == 0) {
		in->f = raw;
		return 0;
	}
	in->f = dz_open(raw, codec, magic, n, &in->walk);
	if (!in->f) {
		snprintf(err, errlen, "out of memory");
		if (!std)
			fclose(raw);
		return -1;
	}
	return 0;
}

static int list_push(struct input_list *l, const char *name)
{
	char *s;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		char **p = realloc(l->name, nc * sizeof *p);
		if (!p)
			return -1;
		l->name = p;
		l->cap = nc;
	}
	if (!(s = strdup(name)))
		return -1;
	l->name[l->n++] = s;
	return 0;
}

static int skip_dot(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* The directory's files in name order (alphasort), subdirectories read
 * where their name falls. */
static int add_dir(struct input_list *l, const char *dir, int depth, char *err, size_t errlen)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, skip_dot, alphasort), rc = 0;

	if (n < 0) {
		snprintf(err, errlen, "%s: cannot read directory: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		int len = snprintf(path, sizeof path, "%s%s%s", dir,
				   dir[strlen(dir) - 1] == '/' ? "" : "/", ents[i]->d_name);
		if (rc == 0 && len > 0 && (size_t)len < sizeof path && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
				rc = add_dir(l, path, depth + 1, err, errlen);
			else if (S_ISREG(st.st_mode) && list_push(l, path) < 0) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			}
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

int input_list_add(struct input_list *l, const char *arg, char *err, size_t errlen)
{
	struct stat st;

	if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return add_dir(l, arg, 0, err, errlen);
	if (strcmp(arg, "-") != 0 && has_wildcard(arg) && stat(arg, &st) != 0) {
		glob_t g;
		int rc = 0;
		if (glob(arg, 0, NULL, &g) != 0) {
			snprintf(err, errlen, "%s: no file matches", arg);
			return -1;
		}
		for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
			rc = input_list_add(l, g.gl_pathv[i], err, errlen);
		globfree(&g);
		return rc;
	}
	if (list_push(l, arg) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

bool input_is_name(const char *arg)
{
	struct stat st;
	glob_t g;
	bool match;

	if (strcmp(arg, "-") == 0 || stat(arg, &st) == 0)
		return true;
	if (!has_wildcard(arg))
		return false;
	match = glob(arg, 0, NULL, &g) == 0;
	if (match)
		globfree(&g);
	return match;
}

void input_list_free(struct input_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->name[i]);
	free(l->name);
	memset(l, 0, sizeof *l);
}
