/* Compressed input: gzip, xz and zstd recognised by content and streamed
 * through the line splitter; truncation and corruption are errors. Also the
 * /dev/kmsg dictionary lines the splitter drops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "input/input.h"
#include <bzlib.h>

typedef struct got {
	char *text; /* lines joined with '\n' */
	size_t len;
	int n;
} got;

static int collect(void *arg, const cs_rline *l, const crashsig_document *doc)
{
	(void)doc;
	const char *d = l->data;
	size_t len = l->len;
	got *g = arg;
	g->text = realloc(g->text, g->len + len + 2);
	memcpy(g->text + g->len, d, len);
	g->len += len;
	g->text[g->len++] = '\n';
	g->text[g->len] = 0;
	g->n++;
	return 0;
}

static char *make_text(size_t *len)
{
	/* Large enough to need several output buffers of the decoder. */
	size_t cap = 300000, n = 0;
	char *t = malloc(cap);
	for (int i = 0; n + 100 < cap; i++)
		n += (size_t)snprintf(t + n, cap - n, "[ %5d.%06d] line %d of a console log\n",
				      i / 1000, i % 1000000, i);
	*len = n;
	return t;
}

static unsigned char *gz(const char *in, size_t len, size_t *out)
{
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, len) + 64;
	unsigned char *b = malloc(cap);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = b;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out = cap - z.avail_out;
	deflateEnd(&z);
	return b;
}

static unsigned char *xz(const char *in, size_t len, size_t *out)
{
	size_t cap = lzma_stream_buffer_bound(len);
	unsigned char *b = malloc(cap);
	*out = 0;
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)in,
						 len, b, out, cap),
			 LZMA_OK);
	return b;
}

static unsigned char *zst(const char *in, size_t len, size_t *out)
{
	size_t cap = ZSTD_compressBound(len);
	unsigned char *b = malloc(cap);
	/* With the content checksum, as the zstd command writes it. */
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	*out = ZSTD_compress2(cc, b, cap, in, len);
	ZSTD_freeCCtx(cc);
	assert_false(ZSTD_isError(*out));
	return b;
}

static unsigned char *bz(const char *in, size_t len, size_t *out)
{
	unsigned cap = (unsigned)(len + len / 100 + 600);
	unsigned char *b = malloc(cap);
	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)b, &cap, (char *)in, (unsigned)len, 9, 0, 0),
			 BZ_OK);
	*out = cap;
	return b;
}

/* The input pipeline (decompression, then lines) as a test sees it. */
typedef struct pipe {
	cs_input *in;
} pipe_t;
#define cs_splitter pipe_t
#define cs_splitter_free(p) cs_input_free((p)->in)
#define cs_splitter_error(p) cs_input_error((p)->in)

/* Feed data in pieces of `step` bytes; returns the feed/finish result. */
static int run(const unsigned char *data, size_t len, size_t step, got *g, pipe_t *s)
{
	memset(g, 0, sizeof(*g));
	cs_input_ops ops = {.line = collect, .arg = g};
	assert_int_equal(cs_input_new(&s->in, &ops, 0, CRASHSIG_INPUT_NO_MAIL), 0);
	int rc = 0;
	for (size_t i = 0; i < len && !rc; i += step)
		rc = cs_input_feed(s->in, (const char *)data + i, len - i < step ? len - i : step);
	if (!rc)
		rc = cs_input_finish(s->in);
	return rc;
}

static void check_format(unsigned char *(*enc)(const char *, size_t, size_t *),
			 const char *name)
{
	size_t tlen, clen;
	char *text = make_text(&tlen);
	unsigned char *c = enc(text, tlen, &clen);
	static const size_t steps[] = {1, 5, 4096, 1 << 20};
	for (size_t k = 0; k < 4; k++) {
		got g;
		cs_splitter s;
		assert_int_equal(run(c, clen, steps[k], &g, &s), 0);
		assert_string_equal(cs_input_compression(s.in), name);
		assert_int_equal(g.len, tlen);
		assert_memory_equal(g.text, text, tlen);
		cs_splitter_free(&s);
		free(g.text);
	}
	/* Truncated: an error, and the message says so. */
	got g;
	cs_splitter s;
	assert_int_equal(run(c, clen - 7, 4096, &g, &s), CRASHSIG_EFORMAT);
	assert_non_null(cs_splitter_error(&s));
	assert_non_null(strstr(cs_splitter_error(&s), name));
	cs_splitter_free(&s);
	free(g.text);
	/* Corrupt in the middle: an error too (never silently short output). */
	unsigned char *bad = malloc(clen);
	memcpy(bad, c, clen);
	for (size_t i = clen / 2; i < clen / 2 + 64 && i < clen; i++)
		bad[i] ^= 0x5a;
	assert_int_equal(run(bad, clen, 4096, &g, &s), CRASHSIG_EFORMAT);
	cs_splitter_free(&s);
	free(g.text);
	free(bad);
	free(c);
	free(text);
}

static void test_gzip(void **state)
{
	(void)state;
	check_format(gz, "gzip");
}

static void test_xz(void **state)
{
	(void)state;
	check_format(xz, "xz");
}

static void test_zstd(void **state)
{
	(void)state;
	check_format(zst, "zstd");
}

static void test_bzip2(void **state)
{
	(void)state;
	check_format(bz, "bzip2");
}

/* A compressed file cut to its first bytes (3..5 bytes of an xz, zstd or
 * bzip2 magic) is a truncated file, not text (reliability F15). */
static void test_truncated_magic(void **state)
{
	(void)state;
	unsigned char *(*encs[])(const char *, size_t, size_t *) = {xz, zst, bz, gz};
	const char *names[] = {"xz", "zstd", "bzip2", "gzip"};
	for (int e = 0; e < 4; e++) {
		size_t l;
		unsigned char *c = encs[e]("first line\n", 11, &l);
		/* ("BZh" and a digit could be text: bzip2 needs 5 bytes) */
		for (size_t cut = e == 2 ? 5 : 3; cut < 10 && cut < l; cut++) {
			got g;
			pipe_t s;
			int rc = run(c, cut, 1, &g, &s);
			assert_int_equal(rc, CRASHSIG_EFORMAT);
			assert_non_null(cs_splitter_error(&s));
			assert_non_null(strstr(cs_splitter_error(&s), names[e]));
			cs_splitter_free(&s);
			free(g.text);
		}
		free(c);
	}
}

/* Concatenated streams (cat a.gz b.gz, zstd frames, xz streams) are one
 * log, as gzip -dc / xz -dc / zstd -dc print them. */
static void test_concatenated(void **state)
{
	(void)state;
	unsigned char *(*encs[])(const char *, size_t, size_t *) = {gz, xz, zst, bz};
	for (int e = 0; e < 4; e++) {
		size_t l1, l2;
		unsigned char *a = encs[e]("first\n", 6, &l1);
		unsigned char *b = encs[e]("second\n", 7, &l2);
		unsigned char *ab = malloc(l1 + l2);
		memcpy(ab, a, l1);
		memcpy(ab + l1, b, l2);
		got g;
		cs_splitter s;
		assert_int_equal(run(ab, l1 + l2, 3, &g, &s), 0);
		assert_string_equal(g.text, "first\nsecond\n");
		cs_splitter_free(&s);
		free(g.text);
		free(a);
		free(b);
		free(ab);
	}
}

/* Plain text (also shorter than the 6 bytes sniffed) passes through. */
static void test_plain(void **state)
{
	(void)state;
	static const char *const texts[] = {"", "a", "ab\n", "\x1f" "x\n", "hello world\nbye"};
	for (size_t i = 0; i < 5; i++) {
		got g;
		cs_splitter s;
		assert_int_equal(run((const unsigned char *)texts[i], strlen(texts[i]), 1, &g, &s), 0);
		size_t want = strlen(texts[i]);
		if (want && texts[i][want - 1] != '\n')
			want++;
		assert_int_equal(g.len, want);
		if (want)
			assert_memory_equal(g.text, texts[i], strlen(texts[i]));
		cs_splitter_free(&s);
		free(g.text);
	}
}

/* /dev/kmsg: the " KEY=value" dictionary lines after a record are dropped;
 * the same lines in an ordinary log are text and stay. */
static void test_kmsg_dictionary(void **state)
{
	(void)state;
	const char *kmsg = "6,540,2377692,-;virtio_net virtio0: up\n SUBSYSTEM=virtio\n"
			   " DEVICE=+virtio:virtio0\n4,541,2377700,-; dump_stack+0x1/0x2\n";
	got g;
	cs_splitter s;
	assert_int_equal(run((const unsigned char *)kmsg, strlen(kmsg), 4096, &g, &s), 0);
	assert_string_equal(g.text, "6,540,2377692,-;virtio_net virtio0: up\n"
				    "4,541,2377700,-; dump_stack+0x1/0x2\n");
	cs_splitter_free(&s);
	free(g.text);
	const char *plain = "[ 1.0] x\n SUBSYSTEM=virtio\n";
	assert_int_equal(run((const unsigned char *)plain, strlen(plain), 4096, &g, &s), 0);
	assert_string_equal(g.text, plain);
	cs_splitter_free(&s);
	free(g.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_xz),
		cmocka_unit_test(test_zstd),
		cmocka_unit_test(test_bzip2),
		cmocka_unit_test(test_truncated_magic),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_kmsg_dictionary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
