/* The context's error and the version. Creating a context compiles the
 * rules, so crashsig_ctx_new / crashsig_ctx_free live with the rules in
 * src/classify/context.c: base includes nothing above it. */
#include "base/ctx.h"

#include <stdarg.h>
#include <stdio.h>

CS_EXPORT const char *crashsig_version(void) { return CRASHSIG_VERSION; }

CS_EXPORT const char *crashsig_error_last(const crashsig_ctx *ctx)
{
	return ctx ? ctx->err.msg : "";
}

int cs_ctx_error(crashsig_ctx *ctx, int code, const char *fmt, ...)
{
	if (ctx) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ctx->err.msg, sizeof(ctx->err.msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
