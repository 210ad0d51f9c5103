/* Regexes of the built-in rules are compiled on first use and JIT-compiled
 * after CS_RE_JIT_AFTER matches (classify/rules.h): whether a match ran in
 * PCRE2's interpreter or in its JIT must not change an answer, or a title
 * would depend on how many reports came before. Every fixture, and the
 * shared corpus and syzbot emails when present, classified with the JIT
 * from the first match, with the default threshold and without the JIT:
 * the same reports, field by field, and no regex hits a limit. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "base/ctx.h"
#include "base/util.h"
#include "classify/rules.h"
#include "crashsig/crashsig.h"
#include "testutil.h"

/* Everything the classifier says about the reports of one log. */
static int describe(crashsig_ctx *ctx, const char *data, size_t len, cs_buf *out)
{
	crashsig_report **reps;
	size_t n;
	if (crashsig_parse_buffer(ctx, data, len, &reps, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const crashsig_report *r = reps[i];
		const char *reason = crashsig_report_corrupted_reason(r);
		const char *frame = crashsig_report_frame(r);
		const char *exec = crashsig_report_executor(r);
		const char *rule = crashsig_report_rule(r);
		cs_buf_printf(out, "%s|%s|%s|%d|%s|%d|%d|%s|%s|%s|%llu|%llu",
			      crashsig_report_title(r), crashsig_report_type(r),
			      crashsig_report_kind(r), crashsig_report_corrupted(r),
			      reason ? reason : "", crashsig_report_suppressed(r),
			      crashsig_report_panicked(r), frame ? frame : "",
			      exec ? exec : "", rule ? rule : "",
			      (unsigned long long)crashsig_report_start(r),
			      (unsigned long long)crashsig_report_end(r));
		for (size_t k = 0; k < crashsig_report_alt_title_count(r); k++)
			cs_buf_printf(out, "|alt=%s", crashsig_report_alt_title(r, k));
		cs_buf_addc(out, '\n');
	}
	crashsig_reports_free(reps, n);
	return 0;
}

static size_t nfiles;

/* Classify every file below dir with the three contexts; compare. */
static void check_dir(crashsig_ctx **ctx, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			check_dir(ctx, path);
			continue;
		}
		size_t len = 0;
		char *t = test_read_file(path, &len);
		assert_non_null(t);
		cs_buf want = {0};
		assert_int_equal(describe(ctx[0], t, len, &want), 0);
		for (int k = 1; k < 3; k++) {
			cs_buf got = {0};
			assert_int_equal(describe(ctx[k], t, len, &got), 0);
			if (got.len != want.len || (got.len && memcmp(got.data, want.data, got.len)))
				fail_msg("%s: answers differ with jit_after %u:\n%s\nagainst:\n%s",
					 path, ctx[k]->rules->jit_after, got.data ? got.data : "",
					 want.data ? want.data : "");
			cs_buf_free(&got);
		}
		cs_buf_free(&want);
		free(t);
		nfiles++;
	}
	closedir(d);
}

static void test_jit_or_not_same_answers(void **state)
{
	(void)state;
	static const uint32_t after[3] = {0, CS_RE_JIT_AFTER, UINT32_MAX};
	crashsig_ctx *ctx[3];
	for (int k = 0; k < 3; k++) {
		char err[256];
		assert_int_equal(crashsig_ctx_new(&ctx[k], NULL, err, sizeof(err)), 0);
		ctx[k]->rules->jit_after = after[k];
	}
	check_dir(ctx, CRASHSIG_SOURCE_DIR "/fixtures/report");
	check_dir(ctx, CRASHSIG_SOURCE_DIR "/fixtures/realkernel");
	check_dir(ctx, CRASHSIG_SHARED_DIR "/corpus/syzkaller/linux/report");
	check_dir(ctx, CRASHSIG_SHARED_DIR "/corpus/syzbot-emails");
	assert_true(nfiles > 100);
	print_message("%zu logs, the same answers with and without the JIT\n", nfiles);
	/* the never-JIT context ran the interpreter only; the other two
	 * JIT-compiled the regexes of every line */
	assert_false(ctx[2]->rules->panic.jit);
	assert_true(ctx[0]->rules->panic.jit);
	assert_true(ctx[1]->rules->panic.jit);
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < crashsig_warning_count(ctx[k]); i++)
			print_error("jit_after %u: %s\n", after[k], crashsig_warning(ctx[k], i));
		assert_int_equal(crashsig_warning_count(ctx[k]), 0);
		crashsig_ctx_free(ctx[k]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jit_or_not_same_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
