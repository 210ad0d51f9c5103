/* libFuzzer target: symbolize report text against the test ELF fixtures
 * (tests/symbolize: fix_prog as vmlinux, fixmod.ko as a module). The output
 * must be NUL terminated at its length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"
#include "crashsig/symbolize.h"

static crashsig_ctx *ctx;
static crashsig_symbolizer *sym;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sym) {
		crashsig_options o = CRASHSIG_OPTIONS_INIT;
		o.flags = CRASHSIG_CTX_NO_RULES;
		crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
		so.vmlinux = SYMFIX_DIR "/fix_prog";
		so.modules_dir = SYMFIX_DIR "/modules";
		if (crashsig_ctx_new(&ctx, &o, NULL, 0) ||
		    crashsig_symbolizer_new(&sym, ctx, &so))
			abort();
	}
	char *out = NULL;
	size_t outlen = 0;
	int rc = crashsig_symbolizer_report(sym, data, size, &out, &outlen);
	if (rc == 0) {
		if (!out || out[outlen] != 0)
			abort();
	} else if (out) {
		abort();
	}
	free(out);
	/* the same text, line by line and as addr2line specs */
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		const crashsig_symres *r;
		(void)crashsig_symbolizer_line(sym, p, len, &r);
		(void)crashsig_symbolizer_lookup(sym, p, len, &r);
		p += len + 1;
	}
	return 0;
}
