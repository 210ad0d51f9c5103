/* Regression tests for the reliability findings of issue 15: every input in
 * fixtures/reliability/{parser,rules,cli} (see its README) that reaches the
 * library. Run under ASan+UBSan by scripts/test.sh, which turns the
 * over-reads, leaks and pointer overflows these inputs caused into
 * failures; the asserts check the answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/ctx.h"
#include "base/util.h"
#include "input/split.h"
#include "classify/rules.h"
#include "crashsig/crashsig.h"
#include "crashsig/symbolize.h"
#include "crashsig/validate.h"
#include "testutil.h"

#define REL CRASHSIG_SOURCE_DIR "/fixtures/reliability/"

static char *slurp(const char *path, size_t *len)
{
	char *t = test_read_file(path, len);
	if (!t)
		fail_msg("cannot read %s", path);
	return t;
}

/* A context that classifies with rules loaded from text (name "a.rules"),
 * or NULL with the loader's message in err. */
static crashsig_ctx *ctx_with_rules(const char *text, size_t len, cs_err *err,
				    int *rc)
{
	const char *names[] = {"a.rules"};
	const char *texts[] = {text};
	size_t lens[] = {len};
	cs_rules *r = NULL;
	memset(err, 0, sizeof(*err));
	*rc = cs_rules_load_texts(&r, 1, names, texts, lens, err);
	if (*rc)
		return NULL;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.flags = CRASHSIG_CTX_NO_RULES;
	crashsig_ctx *ctx = NULL;
	assert_int_equal(crashsig_ctx_new(&ctx, &o, NULL, 0), 0);
	ctx->rules = r;
	return ctx;
}

/* Parse data in pieces of `chunk` bytes (0: at once); returns the reports. */
static crashsig_report **parse_chunked(crashsig_ctx *ctx, const char *data,
				       size_t len, size_t chunk, size_t *n)
{
	crashsig_parser *p = NULL;
	assert_int_equal(crashsig_parser_new(&p, ctx), 0);
	for (size_t i = 0; i < len;) {
		size_t k = chunk && chunk < len - i ? chunk : len - i;
		assert_int_equal(crashsig_parser_feed(p, data + i, k), 0);
		i += k;
	}
	assert_int_equal(crashsig_parser_finish(p), 0);
	crashsig_report **v = NULL, *r;
	*n = 0;
	while (crashsig_parser_next(p, &r) == 1) {
		v = realloc(v, (*n + 1) * sizeof(*v));
		assert_non_null(v);
		v[(*n)++] = r;
	}
	crashsig_parser_free(p);
	return v;
}

/* Every report has a non-empty, NUL-terminated title of printable text
 * (no heap garbage) and a well-formed executor, if any. */
static void check_reports(crashsig_report **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *t = crashsig_report_title(v[i]);
		assert_non_null(t);
		assert_true(strlen(t) > 0);
		const char *e = crashsig_report_executor(v[i]);
		if (e) {
			unsigned a, b;
			assert_int_equal(sscanf(e, "proc=%u, id=%u", &a, &b), 2);
		}
	}
}

/* Two `executor` rules are one branch reset group: whichever matched gives
 * groups 1 and 2 (was: unset groups, pointer overflow, "proc=, id="). */
static void test_executor(void **state)
{
	(void)state;
	crashsig_ctx *ctx;
	assert_int_equal(crashsig_ctx_new(&ctx, NULL, NULL, 0), 0);
	size_t len = 0, n = 0;
	char *t = slurp(REL "cli/exec_syz-executor.3.17.log", &len);
	crashsig_report **v = parse_chunked(ctx, t, len, 0, &n);
	assert_true(n >= 1);
	assert_string_equal(crashsig_report_executor(v[0]), "proc=3, id=17");
	crashsig_reports_free(v, n);
	free(t);

	t = slurp(REL "parser/executor-ub.min", &len);
	v = parse_chunked(ctx, t, len, 0, &n);
	assert_int_equal(n, 1);
	assert_string_equal(crashsig_report_executor(v[0]), "proc=0, id=7");
	crashsig_reports_free(v, n);
	free(t);

	/* the fuzzer's input: first byte chose the chunk size */
	t = slurp(REL "parser/crash-00a597b87e3f190176841db5668f500485bf7345", &len);
	size_t n1;
	crashsig_report **v1 = parse_chunked(ctx, t, len, 0, &n1);
	check_reports(v1, n1);
	for (size_t chunk = 1; chunk < 300; chunk += 37) {
		v = parse_chunked(ctx, t + 1, len - 1, chunk, &n);
		check_reports(v, n);
		crashsig_reports_free(v, n);
	}
	crashsig_reports_free(v1, n1);
	free(t);
	crashsig_ctx_free(ctx);
}

/* Feed data in pieces of `chunk` bytes (0: at once) and finish; returns 0, or
 * the first error of feed or finish. */
static int feed_all(crashsig_ctx *ctx, const char *data, size_t len, size_t chunk)
{
	crashsig_parser *p = NULL;
	assert_int_equal(crashsig_parser_new(&p, ctx), 0);
	int rc = 0;
	for (size_t off = 0; off < len && !rc;) {
		size_t k = chunk && chunk < len - off ? chunk : len - off;
		rc = crashsig_parser_feed(p, data + off, k);
		off += k;
	}
	if (!rc)
		rc = crashsig_parser_finish(p);
	crashsig_parser_free(p);
	return rc;
}

/* Found by tests/fuzz/fuzz_parser: a log that starts with the zstd magic but
 * is no zstd frame. The parser takes it as compressed input (by content) and
 * must fail with an error, whole or in pieces of any size, without leaking
 * (ASan). */
static void test_corrupt_compressed(void **state)
{
	(void)state;
	crashsig_ctx *ctx = NULL;
	assert_int_equal(crashsig_ctx_new(&ctx, NULL, NULL, 0), 0);
	size_t len = 0;
	char *t = slurp(REL "parser/fuzz-parser-zstd-magic-corrupt", &len);
	assert_true(feed_all(ctx, t, len, 0) < 0);
	for (size_t chunk = 1; chunk <= 17; chunk++)
		assert_true(feed_all(ctx, t, len, chunk) < 0);
	free(t);
	crashsig_ctx_free(ctx);
}

/* Rules files from the fuzzer and by hand: each is rejected with a message
 * naming a.rules:LINE, or loads and classifies sane titles. */
static void load_or_reject(const char *text, size_t len, const char *want)
{
	cs_err err;
	int rc;
	crashsig_ctx *ctx = ctx_with_rules(text, len, &err, &rc);
	if (want) {
		assert_int_equal(rc, CRASHSIG_ERULES);
		if (!strstr(err.msg, want))
			fail_msg("message '%s' lacks '%s'", err.msg, want);
	}
	if (!ctx) {
		assert_true(rc == CRASHSIG_ERULES);
		assert_non_null(strstr(err.msg, "a.rules:"));
		return;
	}
	const char *logs[] = {REL "rules/xstart.log",
			      CRASHSIG_SOURCE_DIR "/fixtures/realkernel/gpf.log"};
	for (size_t i = 0; i < 2; i++) {
		size_t l = 0, n = 0;
		char *t = slurp(logs[i], &l);
		crashsig_report **v = parse_chunked(ctx, t, l, 0, &n);
		check_reports(v, n);
		crashsig_reports_free(v, n);
		free(t);
	}
	crashsig_ctx_free(ctx);
}

static void test_rules_files(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		const char *whole;    /* expected message for the whole file */
		const char *stripped; /* ... without its first byte */
	} cases[] = {
		{"rules/hbo-title.min", "a.rules:6: empty 'title'", NULL},
		{"rules/crash-3150444690e69689c4e0da4ad93d059e1d7337e5",
		 "a.rules:1: NUL byte", "a.rules:19: empty 'title'"},
		{"rules/leak-1.min", "a.rules:5: 'match' given twice", NULL},
		{"rules/dup-match-leak.rules", "a.rules:5: 'match' given twice", NULL},
		{"rules/leak-88512ef456b1d2266cb279259f07ed9a0a65d2b9",
		 "a.rules:1: unknown directive", "a.rules:16: 'match' given twice"},
		{"rules/empty-title/a.rules", "a.rules:5: empty 'title'", NULL},
		{"cli/rules-dup-requires/a.rules", "a.rules:6: 'requires' given twice", NULL},
		{"cli/macro-doubling.rules", "a.rules:17: macro expansion longer than", NULL},
		{"rules/timeout-sanitize-growth.rules", "can match the empty string", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s%s", REL, cases[i].file);
		size_t len = 0;
		char *t = slurp(path, &len);
		load_or_reject(t, len, cases[i].whole);
		if (len)
			load_or_reject(t + 1, len - 1, cases[i].stripped);
		free(t);
	}
}

/* `title $1` with an unset group: the start line names the report (was a
 * title of heap garbage). */
static void test_group_title(void **state)
{
	(void)state;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.rules_dir = REL "rules/group-title";
	crashsig_ctx *ctx;
	char err[256];
	assert_int_equal(crashsig_ctx_new(&ctx, &o, err, sizeof(err)), 0);
	size_t len = 0, n = 0;
	char *t = slurp(REL "rules/xstart.log", &len);
	crashsig_report **v = parse_chunked(ctx, t, len, 0, &n);
	assert_int_equal(n, 1);
	assert_string_equal(crashsig_report_title(v[0]), "XSTART");
	assert_true(crashsig_report_corrupted(v[0]));
	crashsig_reports_free(v, n);
	free(t);
	crashsig_ctx_free(ctx);
	/* the directory reproducer: same message through the public API */
	o.rules_dir = REL "rules/empty-title";
	assert_int_equal(crashsig_ctx_new(&ctx, &o, err, sizeof(err)), CRASHSIG_ERULES);
	assert_null(ctx);
	assert_non_null(strstr(err, "empty-title/a.rules:5: empty 'title'"));
}

/* Catastrophic regexes cost bounded time per line and are reported once,
 * naming the rule. */
static void evil(const char *rules_file, const char *extra, const char *want)
{
	size_t len = 0;
	char *t = slurp(rules_file, &len);
	cs_buf rules = {0};
	assert_int_equal(cs_buf_add(&rules, t, len), 0);
	assert_int_equal(cs_buf_adds(&rules, extra), 0);
	free(t);
	cs_err err;
	int rc;
	crashsig_ctx *ctx = ctx_with_rules(rules.data, rules.len, &err, &rc);
	if (!ctx)
		fail_msg("%s", err.msg);
	cs_buf log = {0};
	for (int i = 0; i < 50; i++) {
		assert_int_equal(cs_buf_adds(&log, i % 2 ? "[ 1.0] EVILSTART " : "[ 1.0] XSTART "), 0);
		for (int k = 0; k < 3000; k++)
			assert_int_equal(cs_buf_addc(&log, 'a'), 0);
		assert_int_equal(cs_buf_adds(&log, "!\n"), 0);
	}
	size_t n;
	crashsig_report **v = parse_chunked(ctx, log.data, log.len, 0, &n);
	assert_true(n > 0);
	crashsig_reports_free(v, n);
	assert_int_equal(crashsig_warning_count(ctx), 1);
	if (!strstr(crashsig_warning(ctx, 0), want))
		fail_msg("warning '%s' lacks '%s'", crashsig_warning(ctx, 0), want);
	assert_non_null(strstr(crashsig_warning(ctx, 0), "limit"));
	assert_null(crashsig_warning(ctx, 1));
	/* a second log: still one warning */
	v = parse_chunked(ctx, log.data, log.len, 0, &n);
	crashsig_reports_free(v, n);
	assert_int_equal(crashsig_warning_count(ctx), 1);
	cs_buf_free(&log);
	cs_buf_free(&rules);
	crashsig_ctx_free(ctx);
}

static void test_regex_limits(void **state)
{
	(void)state;
	evil(REL "cli/evil-not.rules", "", "a.rules:3:");
	evil(REL "cli/evil-block-stop.rules",
	     "crash x\nstart XSTART\nformat\nmatch XSTART\ntitle x\nno-frame-ok\nend\n",
	     "a.rules:1:");
}

/* The built-in rules never come near the limits on real reports. */
static void test_builtin_rules_within_limits(void **state)
{
	(void)state;
	crashsig_ctx *ctx;
	assert_int_equal(crashsig_ctx_new(&ctx, NULL, NULL, 0), 0);
	const char *files[] = {"cli/cr_only.log", "cli/exec_syz-executor.3.17.log",
			       "cli/surrogate.log", "parser/crash-00a597b87e3f190176841db5668f500485bf7345"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s%s", REL, files[i]);
		size_t len = 0, n = 0;
		char *t = slurp(path, &len);
		crashsig_report **v = parse_chunked(ctx, t, len, 0, &n);
		crashsig_reports_free(v, n);
		free(t);
	}
	assert_int_equal(crashsig_warning_count(ctx), 0);
	crashsig_ctx_free(ctx);
}

/* A log with CR-only line ends: all three crashes (was one, "in corrupted"),
 * the same at any chunk size. */
static void test_cr_only(void **state)
{
	(void)state;
	crashsig_ctx *ctx;
	assert_int_equal(crashsig_ctx_new(&ctx, NULL, NULL, 0), 0);
	size_t len = 0, n = 0;
	char *t = slurp(REL "cli/cr_only.log", &len);
	assert_null(memchr(t, '\n', len));
	static const char *want[] = {"general protection fault in crashgen_gpf",
				     "WARNING in crashgen_warn",
				     "general protection fault in crashgen_uaf"};
	size_t chunks[] = {0, 1, 7, 4096};
	for (size_t c = 0; c < 4; c++) {
		crashsig_report **v = parse_chunked(ctx, t, len, chunks[c], &n);
		assert_int_equal(n, 3);
		for (size_t i = 0; i < 3; i++)
			assert_string_equal(crashsig_report_title(v[i]), want[i]);
		crashsig_reports_free(v, n);
	}
	free(t);
	crashsig_ctx_free(ctx);
}

typedef struct lines {
	char text[8][32];
	uint64_t off[8], raw[8];
	int n;
} lines;

static int collect(void *arg, const cs_rline *l)
{
	lines *g = arg;
	if (g->n < 8) {
		snprintf(g->text[g->n], sizeof(g->text[0]), "%.*s", (int)l->len, l->data);
		g->off[g->n] = l->off;
		g->raw[g->n] = l->raw_len;
	}
	g->n++;
	return 0;
}

/* Line ends: "\n", "\r\n", "\r\r\n" and a bare "\r" each end one line, with
 * the same offsets however the input is split. */
static void test_line_ends(void **state)
{
	(void)state;
	static const char in[] = "a\rb\r\nc\r\r\nd\n\re\r";
	static const char *want[] = {"a", "b", "c", "d", "", "e"};
	static const uint64_t off[] = {0, 2, 5, 9, 11, 12};
	size_t len = sizeof(in) - 1;
	for (size_t chunk = 1; chunk <= len; chunk++) {
		lines g = {0};
		cs_splitter s;
		cs_splitter_init(&s, 0, 0, collect, &g);
		for (size_t i = 0; i < len; i += chunk)
			assert_int_equal(cs_splitter_feed(&s, in + i,
							  chunk < len - i ? chunk : len - i), 0);
		assert_int_equal(cs_splitter_finish(&s), 0);
		assert_int_equal(g.n, 6);
		for (int i = 0; i < 6; i++) {
			assert_string_equal(g.text[i], want[i]);
			assert_int_equal(g.off[i], off[i]);
		}
		assert_int_equal(g.off[5] + g.raw[5], len);
		cs_splitter_free(&s);
	}
}

/* max_line = SIZE_MAX ("no limit") keeps a line fed in two pieces (was:
 * lost, the room computation wrapped to 0). */
static void test_max_line_extreme(void **state)
{
	(void)state;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.max_line = SIZE_MAX;
	crashsig_ctx *ctx;
	assert_int_equal(crashsig_ctx_new(&ctx, &o, NULL, 0), 0);
	const char *log = "[   1.000000] general protection fault, probably for non-canonical "
			  "address 0xdffffc0000000000: 0000 [#1] PREEMPT SMP KASAN\n"
			  "[   1.000001] RIP: 0010:crashgen_gpf+0x1/0x2\n";
	size_t n;
	crashsig_report **v = parse_chunked(ctx, log, strlen(log), 20, &n);
	assert_int_equal(n, 1);
	assert_string_equal(crashsig_report_title(v[0]),
			    "general protection fault in crashgen_gpf");
	crashsig_reports_free(v, n);
	crashsig_ctx_free(ctx);

	lines g = {0};
	cs_splitter s;
	cs_splitter_init(&s, SIZE_MAX, 0, collect, &g);
	assert_int_equal(cs_splitter_feed(&s, "hello ", 6), 0);
	assert_int_equal(cs_splitter_feed(&s, "world\n", 6), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.text[0], "hello world");
	cs_splitter_free(&s);
}

/* cs_buf_reserve(b, 0) on an empty buffer leaves a terminated string. */
static void test_buf_reserve_terminates(void **state)
{
	(void)state;
	cs_buf b = {0};
	assert_int_equal(cs_buf_reserve(&b, 0), 0);
	assert_non_null(b.data);
	assert_int_equal(b.data[0], 0);
	assert_int_equal(strlen(b.data), 0);
	cs_buf_free(&b);
	cs_buf c = {0};
	assert_int_equal(cs_buf_reserve(&c, 100), 0);
	assert_int_equal(c.data[0], 0);
	char *d = cs_buf_detach(&c);
	assert_string_equal(d, "");
	free(d);
	assert_int_equal(cs_buf_reserve(&c, SIZE_MAX), CRASHSIG_ENOMEM);
}

/* API misuse is an error, not silently accepted. */
static void test_api_rejects(void **state)
{
	(void)state;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.version = 99;
	crashsig_ctx *ctx = (crashsig_ctx *)1;
	char err[256];
	assert_int_equal(crashsig_ctx_new(&ctx, &o, err, sizeof(err)), CRASHSIG_EINVAL);
	assert_null(ctx);
	assert_non_null(strstr(err, "version 99"));
	o.version = 0;
	assert_int_equal(crashsig_ctx_new(&ctx, &o, NULL, 0), CRASHSIG_EINVAL);

	assert_int_equal(crashsig_ctx_new(&ctx, NULL, NULL, 0), 0);
	crashsig_parser *p;
	assert_int_equal(crashsig_parser_new(&p, ctx), 0);
	assert_int_equal(crashsig_parser_feed(p, "x\n", 2), 0);
	assert_int_equal(crashsig_parser_finish(p), 0);
	assert_int_equal(crashsig_parser_feed(p, "y\n", 2), CRASHSIG_EINVAL);
	assert_non_null(strstr(crashsig_error_last(ctx), "after crashsig_parser_finish"));
	assert_int_equal(crashsig_parser_finish(p), CRASHSIG_EINVAL);
	crashsig_parser_free(p);
	crashsig_ctx_free(ctx);
}

static void add_dir(cs_buf *all, const char *dir)
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
		size_t len = 0;
		char *t = test_read_file(path, &len);
		if (t)
			assert_int_equal(cs_buf_add(all, t, len), 0);
		free(t);
	}
	closedir(d);
}

/* Nothing lost in bytes, at the library: the concatenated corpus fed in
 * random piece sizes gives the same reports (titles, offsets, texts) as
 * the whole buffer. */
static void test_random_pieces(void **state)
{
	(void)state;
	cs_buf all = {0};
	add_dir(&all, CRASHSIG_SOURCE_DIR "/fixtures/report");
	add_dir(&all, CRASHSIG_SOURCE_DIR "/fixtures/reliability/cli");
	size_t own = all.len;
	add_dir(&all, CRASHSIG_SHARED_DIR "/corpus/syzkaller/linux/report");
	if (all.len == own)
		printf("skipped: the shared corpus part because it is absent\n");
	crashsig_ctx *ctx;
	assert_int_equal(crashsig_ctx_new(&ctx, NULL, NULL, 0), 0);
	size_t n1;
	crashsig_report **ref = parse_chunked(ctx, all.data, all.len, 0, &n1);
	assert_true(n1 > 100);
	uint64_t seed = 88172645463325252ull;
	size_t maxes[] = {3, 200, 70000};
	for (size_t m = 0; m < 3; m++) {
		crashsig_parser *p = NULL;
		assert_int_equal(crashsig_parser_new(&p, ctx), 0);
		for (size_t i = 0; i < all.len;) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			size_t k = 1 + (size_t)(seed % maxes[m]);
			if (k > all.len - i)
				k = all.len - i;
			assert_int_equal(crashsig_parser_feed(p, all.data + i, k), 0);
			i += k;
		}
		assert_int_equal(crashsig_parser_finish(p), 0);
		crashsig_report *r;
		size_t n = 0;
		while (crashsig_parser_next(p, &r) == 1) {
			assert_true(n < n1);
			assert_string_equal(crashsig_report_title(r), crashsig_report_title(ref[n]));
			assert_int_equal(crashsig_report_start(r), crashsig_report_start(ref[n]));
			assert_int_equal(crashsig_report_end(r), crashsig_report_end(ref[n]));
			size_t a, b;
			const char *ta = crashsig_report_text(r, &a);
			const char *tb = crashsig_report_text(ref[n], &b);
			assert_int_equal(a, b);
			assert_memory_equal(ta, tb, a);
			crashsig_report_free(r);
			n++;
		}
		assert_int_equal(n, n1);
		crashsig_parser_free(p);
	}
	crashsig_reports_free(ref, n1);
	crashsig_ctx_free(ctx);
	cs_buf_free(&all);
}

/* A directory named like a rules file is an error, not an empty file. */
static void test_rules_dir_entry_is_dir(void **state)
{
	(void)state;
	char dir[] = "/tmp/crashsig-rules-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char p[256];
	snprintf(p, sizeof(p), "%s/a.rules", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("crash x\nstart XSTART\nformat\nmatch XSTART\ntitle x\nno-frame-ok\nend\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/x.rules", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.rules_dir = dir;
	crashsig_ctx *ctx;
	char err[512];
	assert_int_equal(crashsig_ctx_new(&ctx, &o, err, sizeof(err)), CRASHSIG_EIO);
	assert_non_null(strstr(err, "x.rules: Is a directory"));
	rmdir(p);
	assert_int_equal(crashsig_ctx_new(&ctx, &o, err, sizeof(err)), 0);
	crashsig_ctx_free(ctx);
	snprintf(p, sizeof(p), "%s/a.rules", dir);
	unlink(p);
	rmdir(dir);
}

/* The symbolizer's report of empty input is a terminated empty string (was:
 * an unterminated buffer, cs_buf_reserve(b, 0)); an unknown options version
 * is rejected. */
static void test_symbolizer_api(void **state)
{
	(void)state;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.flags = CRASHSIG_CTX_NO_RULES;
	crashsig_ctx *ctx;
	assert_int_equal(crashsig_ctx_new(&ctx, &o, NULL, 0), 0);
	crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	so.vmlinux = SYMFIX_DIR "/fix_prog";
	crashsig_symbolizer *s = NULL;
	so.version = 99;
	assert_int_not_equal(crashsig_symbolizer_new(&s, ctx, &so), 0);
	assert_null(s);
	so.version = CRASHSIG_SYMBOLIZE_OPTIONS_VERSION;
	assert_int_equal(crashsig_symbolizer_new(&s, ctx, &so), 0);
	char *out = NULL;
	size_t len = 1;
	assert_int_equal(crashsig_symbolizer_report(s, "", 0, &out, &len), 0);
	assert_non_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(out[0], 0);
	free(out);
	assert_int_equal(crashsig_symbolizer_report(s, "x", 1, &out, &len), 0);
	assert_int_equal(len, 1);
	assert_string_equal(out, "x");
	free(out);
	crashsig_symbolizer_free(s);
	crashsig_ctx_free(ctx);
}

/* fuzz_validate: an empty "F:" pattern and a path starting with '/' read
 * before the pattern (pointer overflow in file_match); the reproducer and a
 * minimal MAINTAINERS. */
static void test_maintainers_empty_pattern(void **state)
{
	(void)state;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.flags = CRASHSIG_CTX_NO_RULES;
	crashsig_ctx *ctx;
	assert_int_equal(crashsig_ctx_new(&ctx, &o, NULL, 0), 0);
	size_t len = 0;
	char *t = slurp(REL "validate/empty-F-pattern", &len);
	const char *mini = "EMPTY\nM:\tA <a@example.org>\nF:\t\n\nMM\nF:\tmm/\n";
	const char *texts[] = {t, mini};
	size_t lens[] = {len, strlen(mini)};
	/* as tests/fuzz/fuzz_validate.c: the guilty file of the text, with
	 * the first line as the title */
	char title[256], guilty[512];
	const char *nl = memchr(t, '\n', len);
	snprintf(title, sizeof(title), "%.*s", (int)(nl ? (size_t)(nl - t) : len), t);
	if (!crashsig_guilty_file(title, t, len, guilty, sizeof(guilty)))
		snprintf(guilty, sizeof(guilty), "mm/slub.c");
	const char *paths[] = {guilty, "/abs/x.c", "mm/slub.c", "/", ""};
	for (int k = 0; k < 2; k++) {
		crashsig_maintainers *m = NULL;
		if (crashsig_maintainers_parse(&m, ctx, texts[k], lens[k]))
			continue;
		for (size_t i = 0; i < 5; i++) {
			crashsig_maint_match *v = NULL;
			size_t n = 0;
			assert_int_equal(crashsig_maintainers_lookup(m, paths[i], &v, &n), 0);
			for (size_t j = 0; j < n; j++)
				assert_non_null(v[j].section);
			crashsig_maint_matches_free(v, n);
		}
		crashsig_maintainers_free(m);
	}
	/* the empty pattern covers nothing; "mm/" covers mm/slub.c */
	crashsig_maintainers *m = NULL;
	assert_int_equal(crashsig_maintainers_parse(&m, ctx, mini, strlen(mini)), 0);
	crashsig_maint_match *v = NULL;
	size_t n = 9;
	assert_int_equal(crashsig_maintainers_lookup(m, "/abs/x.c", &v, &n), 0);
	assert_int_equal(n, 0);
	crashsig_maint_matches_free(v, n);
	assert_int_equal(crashsig_maintainers_lookup(m, "mm/slub.c", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].section, "MM");
	crashsig_maint_matches_free(v, n);
	crashsig_maintainers_free(m);
	free(t);
	crashsig_ctx_free(ctx);
}

/* fuzz_rules: sanitize replacements that grow the title, repeated until
 * stable and rule after rule, grew it exponentially (a 20 s timeout). The
 * title is bounded by 4096 bytes (or its own length). */
static void test_sanitize_growth(void **state)
{
	(void)state;
	cs_buf rules = {0};
	for (int i = 0; i < 12; i++)
		assert_int_equal(cs_buf_adds(&rules, "sanitize b => bbbbbbbb\n"), 0);
	assert_int_equal(cs_buf_adds(&rules, "crash x\nstart XSTART\nformat\nmatch XSTART (\\w+)\n"
					     "title x $1\nno-frame-ok\nend\n"), 0);
	cs_err err;
	int rc;
	crashsig_ctx *ctx = ctx_with_rules(rules.data, rules.len, &err, &rc);
	if (!ctx)
		fail_msg("%s", err.msg);
	const char *log = "[ 1.0] XSTART abbbbbbbbbbbbbbbbbbbbbbbbbbbbbc\n";
	size_t n;
	crashsig_report **v = parse_chunked(ctx, log, strlen(log), 0, &n);
	assert_int_equal(n, 1);
	const char *t = crashsig_report_title(v[0]);
	assert_true(strlen(t) <= 4096);
	assert_true(strlen(t) > 100); /* titles end at 120 bytes (clean_title) */
	assert_int_equal(strncmp(t, "x abbbb", 7), 0);
	crashsig_reports_free(v, n);
	crashsig_ctx_free(ctx);
	cs_buf_free(&rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_executor),
		cmocka_unit_test(test_corrupt_compressed),
		cmocka_unit_test(test_rules_files),
		cmocka_unit_test(test_group_title),
		cmocka_unit_test(test_regex_limits),
		cmocka_unit_test(test_builtin_rules_within_limits),
		cmocka_unit_test(test_cr_only),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_max_line_extreme),
		cmocka_unit_test(test_buf_reserve_terminates),
		cmocka_unit_test(test_api_rejects),
		cmocka_unit_test(test_random_pieces),
		cmocka_unit_test(test_rules_dir_entry_is_dir),
		cmocka_unit_test(test_symbolizer_api),
		cmocka_unit_test(test_maintainers_empty_pattern),
		cmocka_unit_test(test_sanitize_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
