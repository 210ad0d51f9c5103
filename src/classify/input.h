/* Input stage: split a byte stream, fed in pieces, into lines. Compressed
 * streams (gzip, xz, zstd) are recognised by content and decompressed first;
 * offsets are offsets in the decompressed text.
 * Memory is bounded by max_line: longer lines are cut (their tail is
 * dropped, their byte offsets still count). */
#ifndef CRASHSIG_INPUT_H
#define CRASHSIG_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "classify/decompress.h"

/* A line ends at "\n", at "\r\n", or at a bare "\r" (a run of "\r" before
 * "\n", or alone, is one line end: consoles write "\r\r\n").
 * Called for each complete line: data excludes the line end, off is the
 * byte offset of the line start in the stream, raw_len the number of stream
 * bytes the line took including its line end. */
typedef int (*cs_line_fn)(void *arg, const char *data, size_t len,
			  uint64_t off, uint64_t raw_len);

typedef struct cs_splitter {
	cs_buf partial;   /* pending incomplete line (owned) */
	uint64_t off;     /* stream offset of the pending line */
	uint64_t pending; /* stream bytes of the pending line seen so far */
	int in_cr;        /* the pending line ended in '\r' at the end of the
			   * last piece: a '\n' may still follow */
	size_t max_line;
	cs_line_fn fn;
	void *arg;
	cs_decomp dec;    /* decompression in front of the splitting */
	int kmsg;         /* the stream holds /dev/kmsg records */
} cs_splitter;

void cs_splitter_init(cs_splitter *s, size_t max_line, cs_line_fn fn, void *arg);
int cs_splitter_feed(cs_splitter *s, const char *data, size_t len);
int cs_splitter_finish(cs_splitter *s);
void cs_splitter_free(cs_splitter *s);
/* Why the last feed/finish failed in decompression, or NULL. */
const char *cs_splitter_error(const cs_splitter *s);

#endif
