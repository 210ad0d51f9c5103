/* Compressed input: gzip, xz, zstd and bzip2 streams are recognised by their magic
 * bytes (not by file name, so stdin works too) and decompressed as they are
 * fed; anything else passes through unchanged. Memory is bounded (one
 * 64 KiB output buffer plus the decoder state). */
#ifndef CRASHSIG_DECOMPRESS_H
#define CRASHSIG_DECOMPRESS_H

#include <stddef.h>

/* Receives decompressed bytes; a non-zero return stops the feed and is
 * returned by it. */
typedef int (*cs_sink_fn)(void *arg, const char *data, size_t len);

enum cs_comp {
	CS_COMP_UNKNOWN = 0, /* fewer than 10 bytes seen */
	CS_COMP_PLAIN,
	CS_COMP_GZIP,
	CS_COMP_XZ,
	CS_COMP_ZSTD,
	CS_COMP_BZIP2,
};

typedef struct cs_decomp {
	enum cs_comp fmt;
	unsigned char head[10]; /* first bytes, kept until the format is known */
	size_t nhead;
	void *state;   /* z_stream / lzma_stream / ZSTD_DStream (owned) */
	int in_frame;  /* inside a compressed member/frame (not at its end) */
	int skip_rest; /* non-gzip bytes after a gzip member: ignored, as gzip -d */
	char *out;     /* output buffer (owned) */
	char err[160]; /* message of the last failure, or "" */
} cs_decomp;

void cs_decomp_init(cs_decomp *d);
/* Returns 0, the sink's non-zero return, CRASHSIG_ENOMEM, or
 * CRASHSIG_EFORMAT (corrupt data; d->err says why). */
int cs_decomp_feed(cs_decomp *d, const char *data, size_t len, cs_sink_fn fn,
		   void *arg);
/* End of input: flushes a short plain input; EFORMAT for a truncated
 * compressed stream. */
int cs_decomp_finish(cs_decomp *d, cs_sink_fn fn, void *arg);
void cs_decomp_free(cs_decomp *d);
/* "gzip", "xz", "zstd", "bzip2", "plain", or NULL while undecided. */
const char *cs_decomp_name(const cs_decomp *d);

#endif
