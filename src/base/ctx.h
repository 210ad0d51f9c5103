/* The context object: options, compiled rules and the last error. */
#ifndef CRASHSIG_CTX_H
#define CRASHSIG_CTX_H

#include "crashsig/base.h"
#include "base/util.h"

struct cs_rules; /* classify/rules.h: opaque to base */
struct cs_build_scratch; /* classify/report.c: opaque to base */

/* Answers of the global skip table by function name, of a format's own
 * skip patterns by name and format, and of the stall-anchor table by name,
 * kept for the life of the context (its rules never change): traces of
 * different reports repeat the same functions. key is a 64-bit FNV-1a
 * hash of the name (mixed with the format, or a constant, for the other
 * answers), 0 = empty. Open addressing (8 probes, then the first slot is
 * taken over); up to 16384 entries (256 KiB per context: the syzkaller
 * corpus needs 2,551 keys). The first table has 512 (8 KiB: a process
 * classifying one report touches 2 pages); between two reports, a table
 * more than half full is replaced by one 4 times larger, its answers
 * moved into it. */
#define CS_SKIP_MEMO 16384
#define CS_SKIP_MEMO_MIN 512
/* One 8-byte word (half the table of a key and a byte, which classifying
 * reads with a cache miss per name): the key in bits 2-63, bit 2 always
 * set, so 0 is an empty slot; the answer in bits 0-1. */
#define CS_MEMO_KEY(k) (((k) & ~3ull) | 4u)
struct cs_skip_memo {
	uint64_t word;
};

struct crashsig_ctx {
	crashsig_options opts; /* copy; rules_dir not kept */
	struct cs_rules *rules; /* owned */
	struct cs_skip_memo *skip_memo; /* owned, skip_memo_cap entries, or NULL */
	size_t skip_memo_cap;
	size_t skip_memo_fill; /* entries in use */
	/* owned, or NULL: the buffers and match data report building
	 * borrows for each report and gives back (cs_report_build) */
	struct cs_build_scratch *build;
	cs_err err;
};

/* Record an error on ctx (ctx may be NULL) and return code. */
int cs_ctx_error(crashsig_ctx *ctx, int code, const char *fmt, ...)
	CS_PRINTF(3, 4);

#endif
