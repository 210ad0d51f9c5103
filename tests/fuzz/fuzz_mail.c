/* libFuzzer target: the input layer with mail (RFC 5322, mbox, MIME,
 * quoted-printable, base64, charsets, format=flowed, quoting, syzbot's
 * templates) and tar archives. The input is read whole and again in pieces
 * of pseudo-random sizes (from a hash of the input, so a finding
 * reproduces from the file alone):
 *  - crashsig_input: every line (document, offset, bytes, flags, quote
 *    depth, prefix length, text) and every document (kind, index, message
 *    id, subject, claimed title) must be the same however it was split;
 *  - the parser with CRASHSIG_PARSER_QUOTED: the same reports (title,
 *    start, quoted, document).
 * When the input fails (corrupt compressed data, a corrupt archive), it
 * must fail however it was split. Any difference aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"

static crashsig_ctx *ctx;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

static uint64_t mixs(uint64_t h, const char *s)
{
	return s ? mix(h, s, strlen(s) + 1) : mix(h, "\1", 1);
}

typedef struct digest {
	uint64_t h;
	size_t lines, docs;
} digest;

static int on_line(void *arg, const crashsig_line *l)
{
	digest *d = arg;
	uint64_t v[6] = {l->document, l->offset, l->bytes, l->flags, l->quote, l->prefix_len};
	d->h = mix(d->h, v, sizeof(v));
	d->h = mix(d->h, l->text, l->len);
	d->h = mix(d->h, l->line, l->line_len);
	if (l->text != l->line + l->prefix_len || l->prefix_len > l->line_len)
		abort(); /* text is the line without its prefix */
	d->lines++;
	return 0;
}

static int on_doc(void *arg, const crashsig_document *doc, int end)
{
	digest *d = arg;
	uint64_t v[3] = {doc->index, (uint64_t)doc->kind, (uint64_t)end};
	d->h = mix(d->h, v, sizeof(v));
	d->h = mixs(d->h, doc->message_id);
	d->h = mixs(d->h, doc->subject);
	d->h = mixs(d->h, doc->claimed_title);
	d->docs++;
	return 0;
}

static uint64_t next_chunk(uint64_t *seed, size_t maxchunk, size_t left)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 7;
	*seed ^= *seed << 17;
	size_t c = 1 + (size_t)(*seed % maxchunk);
	return c < left ? c : left;
}

/* 1: failed */
static int read_lines(const uint8_t *data, size_t size, uint64_t seed, size_t maxchunk,
		      digest *d)
{
	memset(d, 0, sizeof(*d));
	d->h = 1469598103934665603ull;
	crashsig_input_options o = CRASHSIG_INPUT_OPTIONS_INIT;
	o.line = on_line;
	o.document = on_doc;
	o.arg = d;
	o.flags = seed & 1 ? CRASHSIG_INPUT_SEGMENTS : 0;
	o.max_line = 4096;
	crashsig_input *in;
	if (crashsig_input_new(&in, ctx, &o))
		abort();
	int failed = 0;
	for (size_t off = 0; off < size && !failed;) {
		size_t k = maxchunk ? next_chunk(&seed, maxchunk, size - off) : size - off;
		failed = crashsig_input_feed(in, data + off, k) != 0;
		off += k;
	}
	if (!failed)
		failed = crashsig_input_finish(in) != 0;
	crashsig_input_free(in);
	return failed;
}

static int parse(const uint8_t *data, size_t size, uint64_t seed, size_t maxchunk, digest *d)
{
	memset(d, 0, sizeof(*d));
	d->h = 1469598103934665603ull;
	crashsig_parser_options o = CRASHSIG_PARSER_OPTIONS_INIT;
	o.flags = CRASHSIG_PARSER_QUOTED;
	crashsig_parser *p;
	if (crashsig_parser_new_opts(&p, ctx, &o))
		abort();
	int failed = 0;
	for (size_t off = 0; off < size && !failed;) {
		size_t k = maxchunk ? next_chunk(&seed, maxchunk, size - off) : size - off;
		failed = crashsig_parser_feed(p, data + off, k) != 0;
		off += k;
	}
	if (!failed)
		failed = crashsig_parser_finish(p) != 0;
	crashsig_report *r;
	while (!failed && crashsig_parser_next(p, &r) == 1) {
		const crashsig_document *doc = crashsig_report_document(r);
		uint64_t v[4] = {crashsig_report_start(r), (uint64_t)crashsig_report_quoted(r),
				 doc ? doc->index : 0, crashsig_report_end(r)};
		d->h = mix(d->h, v, sizeof(v));
		d->h = mixs(d->h, crashsig_report_title(r));
		d->h = mixs(d->h, doc ? doc->claimed_title : NULL);
		d->lines++;
		crashsig_report_free(r);
	}
	crashsig_parser_free(p);
	return failed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx && crashsig_ctx_new(&ctx, NULL, NULL, 0))
		abort();
	uint64_t seed = mix(1469598103934665603ull, data, size < 64 ? size : 64) | 1;
	digest a, b;
	int fa = read_lines(data, size, seed, 0, &a);
	int fb = read_lines(data, size, seed, 1 + seed % 97, &b);
	if (fa != fb || (!fa && (a.h != b.h || a.lines != b.lines || a.docs != b.docs))) {
		fprintf(stderr, "input: whole %d/%zu lines/%zu docs, pieces %d/%zu/%zu\n", fa,
			a.lines, a.docs, fb, b.lines, b.docs);
		abort();
	}
	fa = parse(data, size, seed, 0, &a);
	fb = parse(data, size, seed, 1 + seed % 61, &b);
	if (fa != fb || (!fa && (a.h != b.h || a.lines != b.lines))) {
		fprintf(stderr, "parser: whole %d/%zu reports, pieces %d/%zu\n", fa, a.lines, fb,
			b.lines);
		abort();
	}
	return 0;
}
