/* The context object: options, compiled rules and the last error. */
#ifndef CRASHSIG_CTX_H
#define CRASHSIG_CTX_H

#include "crashsig/base.h"
#include "base/util.h"

struct cs_rules; /* classify/rules.h: opaque to base */

struct crashsig_ctx {
	crashsig_options opts; /* copy; rules_dir not kept */
	struct cs_rules *rules; /* owned */
	cs_err err;
};

/* Record an error on ctx (ctx may be NULL) and return code. */
int cs_ctx_error(crashsig_ctx *ctx, int code, const char *fmt, ...)
	CS_PRINTF(3, 4);

#endif
