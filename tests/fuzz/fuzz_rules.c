/* libFuzzer target: a rules directory with one file (the input). Loading
 * either fails with a message naming a.rules:LINE or gives rules that
 * classify a few fixed logs into non-empty titles. Internal API: the loader
 * takes the text from memory, as the built-in rules are loaded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "classify/rules.h"
#include "crashsig/crashsig.h"

static const char *logs[] = {
	"[   1.000000] XSTART something\n[   1.000001] more\n",
	("[  12.345678] general protection fault, probably for non-canonical address "
	 "0xdffffc0000000000: 0000 [#1] PREEMPT SMP KASAN\n"
	 "[  12.345679] CPU: 0 PID: 1 Comm: syz-executor.3 Not tainted 6.1.0 #1\n"
	 "[  12.345680] RIP: 0010:crashgen_gpf+0x1a/0x30 [crashgen]\n"
	 "[  12.345681] Call Trace:\n"
	 "[  12.345682]  <TASK>\n"
	 "[  12.345683]  do_one_initcall+0x56/0x230\n"
	 "[  12.345684]  do_init_module+0x4a/0x1f0\n"
	 "[  12.345685]  </TASK>\n"),
	("BUG: KASAN: use-after-free in foo_bar+0x1/0x2\nRead of size 8 at addr "
	 "ffff888000000000 by task syz.2.4572/1\nCall Trace:\n dump_stack+0x1/0x2\n"
	 " foo_bar+0x1/0x2\n"),
	("WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2\nINFO: task x:1 blocked "
	 "for more than 143 seconds.\nKernel panic - not syncing: Fatal exception\n"),
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	const char *names[] = {"a.rules"};
	const char *texts[] = {text};
	size_t lens[] = {size};
	cs_rules *r = NULL;
	cs_err err = {{0}};
	int rc = cs_rules_load_texts(&r, 1, names, texts, lens, &err);
	free(text);
	if (rc) {
		if (r || !err.msg[0])
			abort(); /* a failure has a message and no rules */
		return 0;
	}
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.flags = CRASHSIG_CTX_NO_RULES;
	crashsig_ctx *ctx = NULL;
	if (crashsig_ctx_new(&ctx, &o, NULL, 0))
		abort();
	ctx->rules = r;
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		crashsig_report **v = NULL;
		size_t n = 0;
		if (crashsig_parse_buffer(ctx, logs[i], strlen(logs[i]), &v, &n))
			abort();
		for (size_t k = 0; k < n; k++) {
			const char *t = crashsig_report_title(v[k]);
			if (!t || !*t)
				abort();
			for (size_t a = 0; a < crashsig_report_alt_title_count(v[k]); a++)
				(void)strlen(crashsig_report_alt_title(v[k], a));
		}
		crashsig_reports_free(v, n);
	}
	for (size_t w = 0; w < crashsig_warning_count(ctx); w++)
		(void)strlen(crashsig_warning(ctx, w));
	crashsig_ctx_free(ctx);
	return 0;
}
