/* libFuzzer target: the parsers of crashsig validate. The input's first line
 * is a title, the rest a report text and a MAINTAINERS file at once:
 * crashsig_title_function, crashsig_guilty_file, crashsig_maintainers_parse
 * and _lookup of the guilty file, and crashsig_validate_title against an
 * index of the test ELF fixture (fix_prog). Outputs must be terminated and
 * inside their buffers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"

static crashsig_ctx *ctx;
static crashsig_index *ix;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		crashsig_options o = CRASHSIG_OPTIONS_INIT;
		o.flags = CRASHSIG_CTX_NO_RULES;
		crashsig_index_options io = CRASHSIG_INDEX_OPTIONS_INIT;
		io.vmlinux = SYMFIX_DIR "/fix_prog";
		io.modules_dir = "";
		if (crashsig_ctx_new(&ctx, &o, NULL, 0) || crashsig_index_new(&ix, ctx, &io))
			abort();
	}
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tl = nl ? (size_t)(nl - data) : size;
	char *title = malloc(tl + 1);
	char *text = malloc(size ? size : 1);
	if (!title || !text)
		abort();
	memcpy(title, data, tl);
	title[tl] = 0;
	memcpy(text, data, size);

	char func[256];
	if (crashsig_title_function(title, func, sizeof(func)) == 1 && !memchr(func, 0, sizeof(func)))
		abort();
	char path[512];
	size_t pl = crashsig_guilty_file(title, text, size, path, sizeof(path));
	/* the length of the whole path; the buffer holds it cut (snprintf) */
	if (pl && strlen(path) != (pl < sizeof(path) ? pl : sizeof(path) - 1))
		abort();
	if (pl)
		(void)crashsig_guilty_skipped(path);

	crashsig_maintainers *m = NULL;
	if (crashsig_maintainers_parse(&m, ctx, text, size) == 0) {
		crashsig_maint_match *v = NULL;
		size_t n = 0;
		if (crashsig_maintainers_lookup(m, pl ? path : "mm/slub.c", &v, &n) == 0) {
			for (size_t i = 0; i < n; i++) {
				(void)strlen(v[i].section);
				for (size_t k = 0; k < v[i].nmaintainers; k++)
					(void)strlen(v[i].maintainers[k]);
			}
			crashsig_maint_matches_free(v, n);
		}
	}
	crashsig_maintainers_free(m);

	crashsig_validation *val = NULL;
	if (crashsig_validate_title(ix, title, &val) == 0 && !val)
		abort();
	crashsig_validation_free(val);
	free(title);
	free(text);
	return 0;
}
