/* Creating and freeing a context (declared in <crashsig/base.h>): the
 * context owns the compiled rules, which belong to classify, so the
 * constructor lives here rather than in src/base/ (base includes nothing
 * above it). The struct and its error handling are in base/ctx.h. */
#include "base/ctx.h"

#include <stdio.h>
#include <stdlib.h>

#include "classify/report.h"
#include "classify/rules.h"

CS_EXPORT int crashsig_ctx_new(crashsig_ctx **out, const crashsig_options *opts,
			       char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (!out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (opts && opts->version != CRASHSIG_OPTIONS_VERSION) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen,
				 "unsupported crashsig_options version %u (this library: %u)",
				 opts->version, (unsigned)CRASHSIG_OPTIONS_VERSION);
		return CRASHSIG_EINVAL;
	}
	crashsig_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "out of memory");
		return CRASHSIG_ENOMEM;
	}
	crashsig_options def = CRASHSIG_OPTIONS_INIT;
	if (opts)
		ctx->opts = *opts;
	else
		ctx->opts = def;
	if (!ctx->opts.max_line)
		ctx->opts.max_line = 64 * 1024;
	if (!ctx->opts.max_report_lines)
		ctx->opts.max_report_lines = 1000;
	const char *dir = ctx->opts.rules_dir;
	ctx->opts.rules_dir = NULL;
	int rc = 0;
	if (!(ctx->opts.flags & CRASHSIG_CTX_NO_RULES))
		rc = dir ? cs_rules_load_dir(&ctx->rules, dir, &ctx->err)
			 : cs_rules_load_builtin(&ctx->rules, &ctx->err);
	if (rc) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s", ctx->err.msg);
		crashsig_ctx_free(ctx);
		return rc;
	}
	*out = ctx;
	return CRASHSIG_OK;
}

CS_EXPORT void crashsig_ctx_free(crashsig_ctx *ctx)
{
	if (!ctx)
		return;
	cs_rules_free(ctx->rules);
	free(ctx->skip_memo);
	cs_build_scratch_free(ctx->build);
	free(ctx);
}

/* The warnings of a context are the rules' regex-limit log (classify/rules.h). */
CS_EXPORT size_t crashsig_warning_count(const crashsig_ctx *ctx)
{
	return ctx && ctx->rules ? ctx->rules->log.n : 0;
}

CS_EXPORT const char *crashsig_warning(const crashsig_ctx *ctx, size_t i)
{
	return i < crashsig_warning_count(ctx) ? ctx->rules->log.msgs[i] : NULL;
}
