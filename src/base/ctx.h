/* The context object: options, compiled rules and the last error. */
#ifndef CRASHSIG_CTX_H
#define CRASHSIG_CTX_H

#include "crashsig/base.h"
#include "base/util.h"

struct cs_rules; /* classify/rules.h: opaque to base */

/* Answers of the global skip table by function name, and of a format's own
 * skip patterns by name and format, kept for the life of the context (its
 * rules never change): traces of different reports repeat the same
 * functions. key is a 64-bit FNV-1a hash of the name (mixed with the format
 * for a format's answer), 0 = empty. Direct-mapped; 16384 entries (256 KiB
 * per context) hold the names of the whole syzkaller corpus. */
#define CS_SKIP_MEMO 16384
struct cs_skip_memo {
	uint64_t key;
	unsigned char skip;
};

struct crashsig_ctx {
	crashsig_options opts; /* copy; rules_dir not kept */
	struct cs_rules *rules; /* owned */
	struct cs_skip_memo *skip_memo; /* owned, CS_SKIP_MEMO entries, or NULL */
	cs_err err;
};

/* Record an error on ctx (ctx may be NULL) and return code. */
int cs_ctx_error(crashsig_ctx *ctx, int code, const char *fmt, ...)
	CS_PRINTF(3, 4);

#endif
