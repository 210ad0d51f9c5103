/* libFuzzer target: the streaming parser. The input is a console log; it is
 * parsed in one piece and again in pieces of pseudo-random sizes (chosen from
 * a hash of the input, so a finding reproduces from the file alone). Titles,
 * offsets, corrupted/suppressed/panicked flags and report counts must not
 * depend on where the input was split:
 * any difference aborts. Input that starts like a compressed stream is
 * decompressed by the parser; when it is corrupt, feed or finish fails with
 * an error, and then it must fail however the input was split (the reports
 * handed out before the error may differ: they come from a prefix the
 * decompressor had accepted). The log kept around each report
 * (log_context) must not depend on the split either, and of plain input it
 * is the input's own bytes ending where the report ends. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"

static crashsig_ctx *ctx;

typedef struct result {
	int failed; /* feed or finish returned an error */
	size_t n;
	char **titles;
	uint64_t *start, *end;
	int *flags; /* corrupted | suppressed << 1 | panicked << 2 */
	uint64_t *log; /* FNV-1a of the report's log excerpt and its length */
} result;

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ n;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static int discard(void *arg, const void *data, size_t len)
{
	(void)arg;
	(void)data;
	(void)len;
	return 1; /* the format is known: stop */
}

/* Offsets are offsets in the decompressed text: only plain input bounds
 * them by its size. */
static int compressed(const uint8_t *data, size_t size)
{
	crashsig_decompressor *d;
	if (crashsig_decompressor_new(&d, ctx))
		abort();
	crashsig_decompressor_feed(d, data, size < 16 ? size : 16, discard, NULL);
	if (size < 16)
		crashsig_decompressor_finish(d, discard, NULL);
	const char *f = crashsig_decompressor_format(d);
	int c = f && strcmp(f, "plain");
	crashsig_decompressor_free(d);
	return c;
}

static void parse(const uint8_t *data, size_t size, uint64_t seed, size_t maxchunk,
		  result *out)
{
	int bound = !compressed(data, size);
	memset(out, 0, sizeof(*out));
	crashsig_parser *p = NULL;
	crashsig_parser_options po = CRASHSIG_PARSER_OPTIONS_INIT;
	po.log_context = 256;
	if (crashsig_parser_new_opts(&p, ctx, &po))
		abort();
	size_t off = 0;
	while (off < size) {
		size_t k = size - off;
		if (maxchunk) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			size_t c = 1 + (size_t)(seed % maxchunk);
			if (c < k)
				k = c;
		}
		if (crashsig_parser_feed(p, data + off, k)) {
			out->failed = 1;
			crashsig_parser_free(p);
			return;
		}
		off += k;
	}
	if (crashsig_parser_finish(p)) {
		out->failed = 1;
		crashsig_parser_free(p);
		return;
	}
	crashsig_report *r;
	while (crashsig_parser_next(p, &r) == 1) {
		out->titles = realloc(out->titles, (out->n + 1) * sizeof(char *));
		out->start = realloc(out->start, (out->n + 1) * sizeof(uint64_t));
		out->end = realloc(out->end, (out->n + 1) * sizeof(uint64_t));
		out->flags = realloc(out->flags, (out->n + 1) * sizeof(int));
		out->log = realloc(out->log, (out->n + 1) * sizeof(uint64_t));
		if (!out->titles || !out->start || !out->end || !out->flags || !out->log)
			abort();
		const char *t = crashsig_report_title(r);
		if (!t || !*t)
			abort(); /* every report has a title */
		out->titles[out->n] = strdup(t);
		out->start[out->n] = crashsig_report_start(r);
		out->end[out->n] = crashsig_report_end(r);
		out->flags[out->n] = !!crashsig_report_corrupted(r) |
				     !!crashsig_report_suppressed(r) << 1 |
				     !!crashsig_report_panicked(r) << 2;
		if ((bound && out->end[out->n] > size) || out->start[out->n] > out->end[out->n])
			abort();
		size_t loglen = 0;
		const char *log = crashsig_report_log(r, &loglen);
		out->log[out->n] = log ? fnv(log, loglen) : 0;
		if (log && bound) {
			const crashsig_document *d = crashsig_report_document(r);
			uint64_t end = (d ? d->offset : 0) + out->end[out->n];
			if (end > size || loglen > end || memcmp(data + end - loglen, log, loglen))
				abort(); /* not the input's bytes before the report's end */
		}
		/* exercise the lazily built parts */
		size_t ns = crashsig_report_stack_count(r);
		for (size_t i = 0; i < ns; i++)
			(void)crashsig_report_stack(r, i);
		out->n++;
		crashsig_report_free(r);
	}
	crashsig_parser_free(p);
}

static void result_free(result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->titles[i]);
	free(r->titles);
	free(r->start);
	free(r->end);
	free(r->flags);
	free(r->log);
}

static void same(const result *a, const result *b, size_t maxchunk)
{
	if (a->failed || b->failed) {
		if (a->failed == b->failed)
			return;
		fprintf(stderr, "fuzz_parser: an error depends on chunking (pieces <= %zu): %s\n",
			maxchunk, a->failed ? "whole input failed" : "pieces failed");
		abort();
	}
	int bad = a->n != b->n;
	for (size_t i = 0; !bad && i < a->n; i++)
		bad = strcmp(a->titles[i], b->titles[i]) || a->start[i] != b->start[i] ||
		      a->end[i] != b->end[i] || a->flags[i] != b->flags[i] || a->log[i] != b->log[i];
	if (!bad)
		return;
	fprintf(stderr, "fuzz_parser: result depends on chunking (pieces <= %zu)\n", maxchunk);
	for (size_t i = 0; i < a->n || i < b->n; i++)
		fprintf(stderr, "  [%zu] '%s' %llu..%llu flags %d  vs  '%s' %llu..%llu flags %d\n", i,
			i < a->n ? a->titles[i] : "-",
			i < a->n ? (unsigned long long)a->start[i] : 0ull,
			i < a->n ? (unsigned long long)a->end[i] : 0ull,
			i < a->n ? a->flags[i] : -1,
			i < b->n ? b->titles[i] : "-",
			i < b->n ? (unsigned long long)b->start[i] : 0ull,
			i < b->n ? (unsigned long long)b->end[i] : 0ull,
			i < b->n ? b->flags[i] : -1);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx && crashsig_ctx_new(&ctx, NULL, NULL, 0))
		abort();
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ull;
	h |= 1;
	result one, small, big;
	parse(data, size, 0, 0, &one);
	parse(data, size, h, 16, &small);
	same(&one, &small, 16);
	parse(data, size, h * 3, 4096, &big);
	same(&one, &big, 4096);
	result_free(&one);
	result_free(&small);
	result_free(&big);
	return 0;
}
