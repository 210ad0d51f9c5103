/* The log around a crash: the input layer's window of the last bytes read
 * (src/input/ring.c) and the excerpt the parser keeps with each report of a
 * console log (crashsig_parser_options.log_context, crashsig_report_log),
 * whatever the compression, and none for mail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include <crashsig/crashsig.h>

#include "input/ring.h"

#include "oops.h"

/* The lines of r between from and to are want (n bytes). */
static void expect_lines(cs_ring *r, uint64_t from, uint64_t to, const char *want, size_t n)
{
	size_t len = 0;
	char *o = cs_ring_lines(r, from, to, &len);
	assert_non_null(o);
	assert_int_equal(len, n);
	assert_memory_equal(o, want, n);
	free(o);
}

static void test_ring(void **state)
{
	(void)state;
	cs_ring r;
	assert_int_equal(cs_ring_init(&r, 16), 0);
	size_t len = 0;
	assert_null(cs_ring_lines(&r, 0, 10, &len));
	cs_ring_add(&r, "ab\ncd\nef", 8);
	expect_lines(&r, 0, 8, "ab\ncd\nef", 8);
	/* from inside a line: the next line start */
	expect_lines(&r, 1, 8, "cd\nef", 5);
	/* from a line start stays */
	expect_lines(&r, 3, 5, "cd", 2);
	/* wrapping around: offsets 0..23 written, 8..23 kept */
	cs_ring_add(&r, "gh\nij\nkl\nmn\nop\nq", 16);
	assert_int_equal(r.end, 24);
	expect_lines(&r, 9, 24, "ij\nkl\nmn\nop\nq", 13);
	/* from before what is kept: from the first line start known to be one
	 * (the byte before offset 8 is gone) */
	expect_lines(&r, 0, 24, "ij\nkl\nmn\nop\nq", 13);
	/* to past the end is cut; an empty range is NULL */
	expect_lines(&r, 21, 99, "q", 1);
	assert_null(cs_ring_lines(&r, 24, 30, &len));
	assert_int_equal(len, 0);
	/* more than the ring at once: its last bytes */
	char big[40];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('A' + i % 26);
	big[30] = '\n';
	cs_ring_add(&r, big, sizeof(big));
	assert_int_equal(r.end, 64);
	expect_lines(&r, 48, 64, big + 31, 9);
	cs_ring_free(&r);
	cs_ring_free(NULL);
}

typedef struct got {
	size_t n;
	char *log[4];
	size_t len[4];
	uint64_t start[4], end[4], doc_off[4];
} got;

static int on_report(void *arg, crashsig_report *r)
{
	got *g = arg;
	if (g->n < 4) {
		size_t len = 0;
		const char *l = crashsig_report_log(r, &len);
		g->log[g->n] = l ? malloc(len + 1) : NULL;
		if (l) {
			memcpy(g->log[g->n], l, len);
			g->log[g->n][len] = 0;
		}
		g->len[g->n] = len;
		g->start[g->n] = crashsig_report_start(r);
		g->end[g->n] = crashsig_report_end(r);
		const crashsig_document *d = crashsig_report_document(r);
		g->doc_off[g->n] = d ? d->offset : 0;
	}
	g->n++;
	crashsig_report_free(r);
	return 0;
}

static void got_free(got *g)
{
	for (size_t i = 0; i < 4; i++)
		free(g->log[i]);
}

/* data fed in pieces of step bytes */
static got parse(const char *data, size_t len, unsigned version, size_t context, size_t step)
{
	crashsig_ctx *ctx = NULL;
	char err[256];
	assert_int_equal(crashsig_ctx_new(&ctx, NULL, err, sizeof(err)), 0);
	got g;
	memset(&g, 0, sizeof(g));
	crashsig_parser_options o = CRASHSIG_PARSER_OPTIONS_INIT;
	o.version = version;
	o.report = on_report;
	o.arg = &g;
	o.log_context = context;
	crashsig_parser *p = NULL;
	assert_int_equal(crashsig_parser_new_opts(&p, ctx, &o), 0);
	for (size_t off = 0; off < len; off += step)
		assert_int_equal(crashsig_parser_feed(p, data + off, len - off < step ? len - off : step),
				 0);
	assert_int_equal(crashsig_parser_finish(p), 0);
	crashsig_parser_free(p);
	crashsig_ctx_free(ctx);
	return g;
}

/* a boot of n numbered lines, the oops, more lines, a second oops */
static char *console_log(size_t n, size_t *len)
{
	size_t cap = n * 64 + 4096;
	char *s = malloc(cap);
	assert_non_null(s);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(s + k, cap - k, "[%5zu.000000] boot line %zu of the machine\n",
				      i, i);
	k += (size_t)snprintf(s + k, cap - k, "%s", OOPS);
	for (size_t i = 0; i < 40; i++)
		k += (size_t)snprintf(s + k, cap - k, "after %zu\n", i);
	k += (size_t)snprintf(s + k, cap - k, "%s", OOPS);
	*len = k;
	return s;
}

static void check_excerpt(const char *log, size_t loglen, const got *g, size_t i, size_t context)
{
	uint64_t start = g->doc_off[i] + g->start[i], end = g->doc_off[i] + g->end[i];
	assert_non_null(g->log[i]);
	assert_true(end <= loglen);
	/* it ends where the report ends, and is the log's own bytes */
	assert_true(g->len[i] <= end);
	uint64_t from = end - g->len[i];
	assert_memory_equal(g->log[i], log + from, g->len[i]);
	/* it starts at a line start within context bytes before the report */
	assert_true(from <= start);
	assert_true(start - from <= context);
	assert_true(from == 0 || log[from - 1] == '\n');
	/* and the line before it started more than context bytes before */
	if (from > 0) {
		uint64_t prev = from - 1;
		while (prev > 0 && log[prev - 1] != '\n')
			prev--;
		assert_true(start - prev > context);
	}
}

static void test_parser_log(void **state)
{
	(void)state;
	size_t len = 0;
	char *log = console_log(5000, &len);
	/* the context, in pieces of every size: the same excerpts */
	static const size_t steps[] = {1u << 20, 4096, 97, 1};
	for (size_t k = 0; k < sizeof(steps) / sizeof(*steps); k++) {
		got g = parse(log, len, CRASHSIG_PARSER_OPTIONS_VERSION, 1000, steps[k]);
		assert_int_equal(g.n, 2);
		check_excerpt(log, len, &g, 0, 1000);
		check_excerpt(log, len, &g, 1, 1000);
		assert_non_null(strstr(g.log[0], "boot line 4999 of the machine\n"));
		assert_null(strstr(g.log[0], "boot line 4900 "));
		assert_non_null(strstr(g.log[1], "after 39\n"));
		got_free(&g);
	}
	/* a context larger than the log: all of it */
	got g = parse(log, len, CRASHSIG_PARSER_OPTIONS_VERSION, 1u << 20, 4096);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.len[0], g.end[0]);
	assert_memory_equal(g.log[0], log, g.len[0]);
	got_free(&g);
	/* none asked, or options of version 1 (which have no log_context) */
	g = parse(log, len, CRASHSIG_PARSER_OPTIONS_VERSION, 0, 4096);
	assert_int_equal(g.n, 2);
	assert_null(g.log[0]);
	assert_int_equal(g.len[0], 0);
	got_free(&g);
	g = parse(log, len, 1, 1000, 4096);
	assert_int_equal(g.n, 2);
	assert_null(g.log[1]);
	got_free(&g);
	free(log);
}

/* A gzip-compressed log gives the excerpts of the plain one. */
static void test_compressed_log(void **state)
{
	(void)state;
	size_t len = 0;
	char *log = console_log(3000, &len);
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, (uLong)len);
	unsigned char *gz = malloc(cap);
	assert_non_null(gz);
	z.next_in = (unsigned char *)log;
	z.avail_in = (uInt)len;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t gzlen = z.total_out;
	deflateEnd(&z);
	got a = parse(log, len, CRASHSIG_PARSER_OPTIONS_VERSION, 2000, 4096);
	got b = parse((const char *)gz, gzlen, CRASHSIG_PARSER_OPTIONS_VERSION, 2000, 333);
	assert_int_equal(a.n, 2);
	assert_int_equal(b.n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(a.len[i], b.len[i]);
		assert_memory_equal(a.log[i], b.log[i], a.len[i]);
		check_excerpt(log, len, &b, i, 2000);
	}
	got_free(&a);
	got_free(&b);
	free(gz);
	free(log);
}

/* A message's body may be encoded: its reports keep no log. */
static void test_mail_no_log(void **state)
{
	(void)state;
	static const char msg[] = "From: Some One <one@example.org>\n"
				  "To: list@example.org\n"
				  "Subject: a crash\n"
				  "Date: Wed, 07 Jan 2026 11:05:18 +0100\n"
				  "Message-ID: <m1@example.org>\n"
				  "\n"
				  "Hello,\n\n" OOPS "\nThanks\n";
	got g = parse(msg, sizeof(msg) - 1, CRASHSIG_PARSER_OPTIONS_VERSION, 1000, 4096);
	assert_int_equal(g.n, 1);
	assert_null(g.log[0]);
	got_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_parser_log),
		cmocka_unit_test(test_compressed_log),
		cmocka_unit_test(test_mail_no_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
