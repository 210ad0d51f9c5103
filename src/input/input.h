/* The input pipeline (see include/crashsig/input.h): decompression, tar
 * members, line splitting, mail, /dev/kmsg dictionary lines. Internal users
 * (the classifier) get raw logical lines and parse their console prefixes
 * only when they need them (input/prefix.h); crashsig_input_* wraps this
 * with every line parsed. */
#ifndef CRASHSIG_INPUT_INPUT_H
#define CRASHSIG_INPUT_INPUT_H

#include <stddef.h>

#include "crashsig/input.h"
#include "input/split.h"

typedef struct cs_input_ops {
	/* A logical line of document doc. */
	int (*line)(void *arg, const cs_rline *l, const crashsig_document *doc);
	/* A document starts (end = 0) or ends (end = 1); may be NULL. */
	int (*doc)(void *arg, const crashsig_document *doc, int end);
	/* Optional: which lines the consumer needs (cs_splitter_set_scan); used
	 * for console logs only (not mail, not while sniffing). */
	size_t (*scan)(void *arg, const char *s, size_t n);
	void (*skipped)(void *arg, uint64_t bytes);
	/* Optional, with scan: while *scan_hold is nonzero scan would answer 0
	 * and is not asked (cs_splitter_set_scan_hold). */
	const size_t *scan_hold;
	/* Optional: the input's bytes once decompressed, before anything else
	 * reads them (the bytes whose offsets documents and lines carry). */
	void (*bytes)(void *arg, const char *s, size_t n);
	void *arg;
} cs_input_ops;

typedef struct cs_input cs_input;

/* flags: CRASHSIG_INPUT_* */
int cs_input_new(cs_input **out, const cs_input_ops *ops, size_t max_line,
		 unsigned flags);
int cs_input_feed(cs_input *in, const char *data, size_t len);
int cs_input_finish(cs_input *in);
void cs_input_free(cs_input *in);
/* Why the last feed/finish failed (decompression, archive), or NULL. */
const char *cs_input_error(const cs_input *in);
const char *cs_input_compression(const cs_input *in);

/* The shared part of the public streams' feed and finish
 * (crashsig_input_*, crashsig_parser_*). A stream that failed answers its
 * error again; one that finished takes no more (misuse names the call). */
struct crashsig_ctx;
int cs_input_stream_check(struct crashsig_ctx *ctx, int err, int finished, const char *misuse);
/* rc of cs_input_feed/finish with the context's message set: the input's own
 * reason (decompression, archive) or "out of memory". A callback's stop
 * (rc > 0) passes unchanged. */
int cs_input_stream_rc(struct crashsig_ctx *ctx, const cs_input *in, int rc);

#endif
