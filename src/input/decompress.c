/* Streaming decompression of gzip (zlib), xz (liblzma), zstd (libzstd) and
 * bzip2 (libbz2) input, recognised by content. See decompress.h. */
#include "input/decompress.h"

#include <bzlib.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "base/ctx.h"
#include "base/util.h"
#include "crashsig/input.h"

#define OUT_SIZE (64 * 1024)

void cs_decomp_init(cs_decomp *d)
{
	memset(d, 0, sizeof(*d));
}

const char *cs_decomp_name(const cs_decomp *d)
{
	switch (d->fmt) {
	case CS_COMP_PLAIN: return "plain";
	case CS_COMP_GZIP: return "gzip";
	case CS_COMP_XZ: return "xz";
	case CS_COMP_ZSTD: return "zstd";
	case CS_COMP_BZIP2: return "bzip2";
	default: return NULL;
	}
}

static int fail(cs_decomp *d, const char *what, const char *detail)
{
	snprintf(d->err, sizeof(d->err), "%s: %s", what, detail ? detail : "corrupt data");
	return CRASHSIG_EFORMAT;
}

/* Magic numbers: gzip (RFC 1952) 1f 8b; xz (xz file format 1.1.0) fd 37 7a
 * 58 5a 00; zstd (RFC 8878) 28 b5 2f fd; bzip2 "BZh" and a block size digit
 * '1'..'9', then the first block's magic 31 41 59 26 53 59 (pi) or, for an
 * empty stream, the end-of-stream magic 17 72 45 38 50 90 (sqrt(pi)). */
static const struct magic {
	enum cs_comp fmt;
	unsigned char len;
	const char *bytes; /* '?' in bzip2's: the block size digit */
} magics[] = {
	{CS_COMP_GZIP, 2, "\x1f\x8b"},
	{CS_COMP_ZSTD, 4, "\x28\xb5\x2f\xfd"},
	{CS_COMP_XZ, 6, "\xfd" "7zXZ\0"},
	{CS_COMP_BZIP2, 10, "BZh?\x31\x41\x59\x26\x53\x59"},
	{CS_COMP_BZIP2, 10, "BZh?\x17\x72\x45\x38\x50\x90"},
};

/* How many of the first n bytes of h match magic m (a block size digit
 * matches '?'). */
static size_t magic_match(const struct magic *m, const unsigned char *h, size_t n)
{
	size_t i = 0;
	for (; i < m->len && i < n; i++) {
		unsigned char want = (unsigned char)m->bytes[i];
		if (m->fmt == CS_COMP_BZIP2 && i == 3 ? !(h[i] >= '1' && h[i] <= '9')
						      : h[i] != want)
			break;
	}
	return i;
}

static enum cs_comp sniff(const unsigned char *h, size_t n)
{
	for (size_t k = 0; k < sizeof(magics) / sizeof(magics[0]); k++)
		if (magic_match(&magics[k], h, n) == magics[k].len)
			return magics[k].fmt;
	return CS_COMP_PLAIN;
}

/* The whole input (n bytes, fewer than the longest magic) is the start of a
 * compressed stream's magic: a file cut short, not text. A magic of 3 bytes
 * or more counts ("BZh" alone is no bzip2 file, 3 bytes of a zstd or xz
 * magic are). */
static const char *truncated_magic(const unsigned char *h, size_t n)
{
	if (n < 3)
		return NULL;
	for (size_t k = 0; k < sizeof(magics) / sizeof(magics[0]); k++)
		if (n < magics[k].len && magic_match(&magics[k], h, n) == n &&
		    !(magics[k].fmt == CS_COMP_BZIP2 && n < 5))
			return magics[k].fmt == CS_COMP_ZSTD ? "zstd"
			       : magics[k].fmt == CS_COMP_XZ ? "xz"
			       : magics[k].fmt == CS_COMP_GZIP ? "gzip"
							       : "bzip2";
	return NULL;
}

static int start(cs_decomp *d)
{
	if (d->fmt == CS_COMP_PLAIN)
		return 0;
	d->out = malloc(OUT_SIZE);
	if (!d->out)
		return CRASHSIG_ENOMEM;
	if (d->fmt == CS_COMP_GZIP) {
		z_stream *z = calloc(1, sizeof(*z));
		if (!z)
			return CRASHSIG_ENOMEM;
		/* 15 + 16: gzip wrapper only. */
		if (inflateInit2(z, 15 + 16) != Z_OK) {
			free(z);
			return CRASHSIG_ENOMEM;
		}
		d->state = z;
	} else if (d->fmt == CS_COMP_XZ) {
		lzma_stream *x = calloc(1, sizeof(*x));
		if (!x)
			return CRASHSIG_ENOMEM;
		lzma_stream init = LZMA_STREAM_INIT;
		*x = init;
		if (lzma_stream_decoder(x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
			free(x);
			return CRASHSIG_ENOMEM;
		}
		d->state = x;
	} else if (d->fmt == CS_COMP_BZIP2) {
		bz_stream *b = calloc(1, sizeof(*b));
		if (!b)
			return CRASHSIG_ENOMEM;
		/* small = 0: the fast decoder (3.7 MB per stream at most) */
		if (BZ2_bzDecompressInit(b, 0, 0) != BZ_OK) {
			free(b);
			return CRASHSIG_ENOMEM;
		}
		d->state = b;
	} else {
		ZSTD_DStream *zs = ZSTD_createDStream();
		if (!zs)
			return CRASHSIG_ENOMEM;
		ZSTD_initDStream(zs);
		d->state = zs;
	}
	return 0;
}

static int run_gzip(cs_decomp *d, const char *data, size_t len, cs_sink_fn fn, void *arg)
{
	z_stream *z = d->state;
	z->next_in = (Bytef *)(uintptr_t)data;
	z->avail_in = (uInt)len;
	while (z->avail_in && !d->skip_rest) {
		if (!d->in_frame) {
			/* Between members: another member, or trailing bytes
			 * that gzip -d ignores (with a warning). */
			if (z->next_in[0] != 0x1f) {
				d->skip_rest = 1;
				break;
			}
			d->in_frame = 1;
		}
		z->next_out = (Bytef *)d->out;
		z->avail_out = OUT_SIZE;
		int zr = inflate(z, Z_NO_FLUSH);
		size_t got = OUT_SIZE - z->avail_out;
		if (got) {
			int rc = fn(arg, d->out, got);
			if (rc)
				return rc;
		}
		if (zr == Z_STREAM_END) {
			d->in_frame = 0;
			inflateReset(z);
		} else if (zr == Z_MEM_ERROR) {
			return CRASHSIG_ENOMEM;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return fail(d, "gzip", z->msg);
		}
	}
	return 0;
}

static int run_xz(cs_decomp *d, const char *data, size_t len, int finish,
		  cs_sink_fn fn, void *arg)
{
	lzma_stream *x = d->state;
	x->next_in = (const uint8_t *)data;
	x->avail_in = len;
	for (;;) {
		x->next_out = (uint8_t *)d->out;
		x->avail_out = OUT_SIZE;
		lzma_ret r = lzma_code(x, finish ? LZMA_FINISH : LZMA_RUN);
		size_t got = OUT_SIZE - x->avail_out;
		if (got) {
			int rc = fn(arg, d->out, got);
			if (rc)
				return rc;
		}
		if (r == LZMA_STREAM_END)
			return 0;
		if (r == LZMA_MEM_ERROR)
			return CRASHSIG_ENOMEM;
		if (r == LZMA_BUF_ERROR && finish)
			return fail(d, "xz", "truncated input");
		if (r != LZMA_OK && r != LZMA_BUF_ERROR)
			return fail(d, "xz", r == LZMA_FORMAT_ERROR ? "not xz data"
					     : r == LZMA_DATA_ERROR ? "corrupt data"
					     : "cannot decode");
		if (!x->avail_in && x->avail_out && !finish)
			return 0;
	}
}

static int run_zstd(cs_decomp *d, const char *data, size_t len, cs_sink_fn fn, void *arg)
{
	ZSTD_inBuffer in = {data, len, 0};
	while (in.pos < in.size) {
		ZSTD_outBuffer out = {d->out, OUT_SIZE, 0};
		size_t r = ZSTD_decompressStream(d->state, &out, &in);
		if (ZSTD_isError(r))
			return fail(d, "zstd", ZSTD_getErrorName(r));
		d->in_frame = r != 0;
		if (out.pos) {
			int rc = fn(arg, d->out, out.pos);
			if (rc)
				return rc;
		}
	}
	/* Drain output the decoder still holds. */
	for (;;) {
		ZSTD_outBuffer out = {d->out, OUT_SIZE, 0};
		size_t r = ZSTD_decompressStream(d->state, &out, &in);
		if (ZSTD_isError(r))
			return fail(d, "zstd", ZSTD_getErrorName(r));
		if (!out.pos)
			return 0;
		d->in_frame = r != 0;
		int rc = fn(arg, d->out, out.pos);
		if (rc)
			return rc;
	}
}

/* bzip2: several streams may follow each other (pbzip2, cat a.bz2 b.bz2),
 * as bzip2 -d reads them; other bytes after a stream are ignored, as it
 * does (with a warning). */
static int run_bzip2(cs_decomp *d, const char *data, size_t len, cs_sink_fn fn, void *arg)
{
	bz_stream *b = d->state;
	b->next_in = (char *)(uintptr_t)data;
	b->avail_in = (unsigned)len;
	int full = 0; /* the last call filled the output: more may be pending */
	while ((b->avail_in || full) && !d->skip_rest) {
		if (!d->in_frame) {
			if (!b->avail_in)
				break;
			if (b->next_in[0] != 'B') {
				d->skip_rest = 1;
				break;
			}
			d->in_frame = 1;
		}
		b->next_out = d->out;
		b->avail_out = OUT_SIZE;
		int r = BZ2_bzDecompress(b);
		size_t got = OUT_SIZE - b->avail_out;
		full = got == OUT_SIZE;
		if (got) {
			int rc = fn(arg, d->out, got);
			if (rc)
				return rc;
		}
		if (r == BZ_STREAM_END) {
			d->in_frame = 0;
			full = 0;
			/* ready for a next stream */
			BZ2_bzDecompressEnd(b);
			char *in = b->next_in;
			unsigned avail = b->avail_in;
			memset(b, 0, sizeof(*b));
			if (BZ2_bzDecompressInit(b, 0, 0) != BZ_OK)
				return CRASHSIG_ENOMEM;
			b->next_in = in;
			b->avail_in = avail;
		} else if (r == BZ_MEM_ERROR) {
			return CRASHSIG_ENOMEM;
		} else if (r != BZ_OK) {
			return fail(d, "bzip2", r == BZ_DATA_ERROR_MAGIC ? "not bzip2 data"
						: "corrupt data");
		}
	}
	return 0;
}

static int run(cs_decomp *d, const char *data, size_t len, cs_sink_fn fn, void *arg)
{
	if (!len)
		return 0;
	switch (d->fmt) {
	case CS_COMP_GZIP: return run_gzip(d, data, len, fn, arg);
	case CS_COMP_XZ: return run_xz(d, data, len, 0, fn, arg);
	case CS_COMP_ZSTD: return run_zstd(d, data, len, fn, arg);
	case CS_COMP_BZIP2: return run_bzip2(d, data, len, fn, arg);
	default: return fn(arg, data, len);
	}
}

static int decide(cs_decomp *d)
{
	d->fmt = sniff(d->head, d->nhead);
	int rc = start(d);
	if (rc == CRASHSIG_ENOMEM)
		snprintf(d->err, sizeof(d->err), "out of memory");
	return rc;
}

int cs_decomp_feed(cs_decomp *d, const char *data, size_t len, cs_sink_fn fn, void *arg)
{
	if (d->fmt == CS_COMP_UNKNOWN) {
		size_t take = sizeof(d->head) - d->nhead;
		if (take > len)
			take = len;
		memcpy(d->head + d->nhead, data, take);
		d->nhead += take;
		data += take;
		len -= take;
		if (d->nhead < sizeof(d->head))
			return 0;
		int rc = decide(d);
		if (!rc)
			rc = run(d, (const char *)d->head, d->nhead, fn, arg);
		if (rc)
			return rc;
	}
	return run(d, data, len, fn, arg);
}

int cs_decomp_finish(cs_decomp *d, cs_sink_fn fn, void *arg)
{
	if (d->fmt == CS_COMP_UNKNOWN) {
		if (!d->nhead)
			return 0;
		const char *t = truncated_magic(d->head, d->nhead);
		if (t)
			return fail(d, t, "truncated input");
		int rc = decide(d);
		if (!rc)
			rc = run(d, (const char *)d->head, d->nhead, fn, arg);
		if (rc)
			return rc;
	}
	switch (d->fmt) {
	case CS_COMP_GZIP:
		return d->in_frame ? fail(d, "gzip", "truncated input") : 0;
	case CS_COMP_XZ:
		return run_xz(d, NULL, 0, 1, fn, arg);
	case CS_COMP_ZSTD:
		return d->in_frame ? fail(d, "zstd", "truncated input") : 0;
	case CS_COMP_BZIP2:
		return d->in_frame ? fail(d, "bzip2", "truncated input") : 0;
	default:
		return 0;
	}
}

void cs_decomp_free(cs_decomp *d)
{
	if (!d || !d->state) {
		if (d)
			free(d->out);
		return;
	}
	if (d->fmt == CS_COMP_GZIP)
		inflateEnd(d->state);
	else if (d->fmt == CS_COMP_XZ)
		lzma_end(d->state);
	else if (d->fmt == CS_COMP_BZIP2)
		BZ2_bzDecompressEnd(d->state);
	if (d->fmt == CS_COMP_ZSTD)
		ZSTD_freeDStream(d->state);
	else
		free(d->state);
	d->state = NULL;
	free(d->out);
	d->out = NULL;
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

struct crashsig_decompressor {
	crashsig_ctx *ctx;
	cs_decomp d;
	crashsig_write_fn fn;
	void *arg;
};

static int public_sink(void *arg, const char *data, size_t len)
{
	crashsig_decompressor *p = arg;
	return p->fn(p->arg, data, len);
}

CS_EXPORT int crashsig_decompressor_new(crashsig_decompressor **out, crashsig_ctx *ctx)
{
	if (!out)
		return CRASHSIG_EINVAL;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	(*out)->ctx = ctx;
	cs_decomp_init(&(*out)->d);
	return 0;
}

static int public_rc(crashsig_decompressor *p, int rc)
{
	if (rc && p->d.err[0])
		return cs_ctx_error(p->ctx, rc, "%s", p->d.err);
	return rc;
}

CS_EXPORT int crashsig_decompressor_feed(crashsig_decompressor *p, const void *data,
					 size_t len, crashsig_write_fn fn, void *arg)
{
	if (!p || !fn || (!data && len))
		return CRASHSIG_EINVAL;
	p->fn = fn;
	p->arg = arg;
	return public_rc(p, cs_decomp_feed(&p->d, data, len, public_sink, p));
}

CS_EXPORT int crashsig_decompressor_finish(crashsig_decompressor *p,
					   crashsig_write_fn fn, void *arg)
{
	if (!p || !fn)
		return CRASHSIG_EINVAL;
	p->fn = fn;
	p->arg = arg;
	return public_rc(p, cs_decomp_finish(&p->d, public_sink, p));
}

CS_EXPORT const char *crashsig_decompressor_format(const crashsig_decompressor *p)
{
	return p ? cs_decomp_name(&p->d) : NULL;
}

CS_EXPORT void crashsig_decompressor_free(crashsig_decompressor *p)
{
	if (!p)
		return;
	cs_decomp_free(&p->d);
	free(p);
}
