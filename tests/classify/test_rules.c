/* Rule engine: loading, errors that name file and line, overrides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/rules.h"
#include "classify/rules_builtin.h"
#include "builtin_rules.h"

static int load(const char *text, cs_rules **r, cs_err *err)
{
	const char *names[] = {"t.rules"};
	const char *texts[] = {text};
	size_t lens[] = {strlen(text)};
	return cs_rules_load_texts(r, 1, names, texts, lens, err);
}

static void test_builtin_loads(void **state)
{
	(void)state;
	cs_rules *r = NULL;
	cs_err err = {{0}};
	assert_int_equal(cs_rules_load_builtin(&r, &err), 0);
	assert_non_null(r);
	assert_true(r->ncrashes > 20);
	/* compiled on first use */
	assert_true(cs_re_ok(&r->skip));
	assert_null(r->skip.code);
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	assert_non_null(md);
	assert_int_equal(cs_re_match(&r->skip, "dump_stack", 10, 0, md), 1);
	assert_non_null(r->skip.code);
	assert_int_equal(r->skip.state, CS_RE_READY);
	assert_int_equal(cs_re_match(&r->skip, "xsk_poll", 8, 0, md), 0);
	pcre2_match_data_free(md);
	assert_int_equal(r->log.n, 0);
	cs_rules_free(r);
	cs_rules_free(NULL);
}

/* The built-in rules are compiled on first use, without the checks that
 * need a compiled regex: loaded from the same texts with every regex
 * compiled, they pass them all (a bad regex, a sanitize pattern that
 * matches the empty string, ...). */
static void test_builtin_compiles(void **state)
{
	(void)state;
	size_t n = 0;
	while (crashsig_builtin_rules[n].name)
		n++;
	assert_true(n > 5);
	cs_rules *r = NULL;
	cs_err err = {{0}};
	int rc = test_load_builtin_rules(&r, &err);
	if (rc)
		fail_msg("%s", err.msg);
	assert_int_equal(r->skip.state, CS_RE_READY);
	assert_non_null(r->skip.loose);
	for (size_t i = 0; i < r->ncrashes; i++)
		for (size_t j = 0; j < r->crashes[i].nformats; j++)
			assert_int_equal(r->crashes[i].formats[j].match.state, CS_RE_READY);
	cs_rules_free(r);
}

/* The built-in regexes come compiled from the build (rules_builtin.h):
 * each decodes into the code its pattern compiles to. A code whose key is
 * not the regex's own, or codes of another PCRE2, are not used: the
 * pattern is compiled. */
static void test_builtin_precompiled(void **state)
{
	(void)state;
	const struct crashsig_builtin_codes *p = &crashsig_builtin_codes;
	assert_true(p->n > 200);
	assert_true(cs_rules_codes_fit(p));
	struct crashsig_builtin_codes other = *p;
	other.pcre2_version = "10.0 1999-01-01";
	assert_false(cs_rules_codes_fit(&other));
	other = *p;
	other.linksize = p->linksize + 1;
	assert_false(cs_rules_codes_fit(&other));
	cs_rules *r = NULL;
	cs_err err = {{0}};
	assert_int_equal(cs_rules_load_builtin(&r, &err), 0);
	assert_ptr_equal(r->pre, p);
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	assert_non_null(md);
	/* decoded: the same code as compiling the pattern */
	const cs_re *tables[] = {&r->skip, &r->call_trace, &r->panic,
				 &r->crashes[0].formats[0].match};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		const cs_re *re = tables[i];
		assert_true(re->pre > 0);
		assert_int_equal(p->codes[re->pre - 1].key, cs_re_key(re));
		cs_re_exec(re, "x", 1, 0, md);
		assert_int_equal(re->state, CS_RE_READY);
		int ec;
		PCRE2_SIZE eo;
		pcre2_code *fresh = pcre2_compile((PCRE2_SPTR)re->src, PCRE2_ZERO_TERMINATED,
						  re->opts, &ec, &eo, NULL);
		assert_non_null(fresh);
		size_t a = 0, b = 0;
		pcre2_pattern_info(re->code, PCRE2_INFO_SIZE, &a);
		pcre2_pattern_info(fresh, PCRE2_INFO_SIZE, &b);
		assert_int_equal(a, b);
		pcre2_code_free(fresh);
	}
	assert_int_equal(cs_re_match(&r->skip, "dump_stack", 10, 0, md), 1);
	assert_int_equal(r->ndecoded, 4);
	assert_int_equal(r->ncompiled, 0);
	cs_rules_free(r);
	/* keys that are not the regexes' own: compiled from the patterns */
	struct crashsig_builtin_code *codes = calloc(p->n, sizeof(*codes));
	assert_non_null(codes);
	memcpy(codes, p->codes, p->n * sizeof(*codes));
	for (size_t i = 0; i < p->n; i++)
		codes[i].key ^= 1;
	other = *p;
	other.codes = codes;
	assert_int_equal(cs_rules_load_builtin(&r, &err), 0);
	r->pre = &other;
	assert_int_equal(cs_re_match(&r->skip, "dump_stack", 10, 0, md), 1);
	assert_int_equal(cs_re_match(&r->skip, "xsk_poll", 8, 0, md), 0);
	assert_int_equal(r->skip.state, CS_RE_READY);
	assert_int_equal(r->ndecoded, 0);
	assert_int_equal(r->ncompiled, 1);
	assert_int_equal(r->log.n, 0);
	cs_rules_free(r);
	free(codes);
	pcre2_match_data_free(md);
}

/* Lazily compiled rules: a regex that does not compile is recorded once
 * and never matches; the JIT comes after jit_after matches, with the same
 * answers. */
static void test_lazy_compile_and_jit(void **state)
{
	(void)state;
	const char *text = "skip ^(?:dump_stack|kasan_report)$\n"
			   "skip kmalloc\n"
			   "panic ^Kernel panic - not syncing\n"
			   "crash oops\nstart \"Oops: \"\ntype DoS\n"
			   "format\nmatch Oops: (unclosed\ntitle oops\nno-frame-ok\nend\n";
	const char *names[] = {"lazy.rules"};
	const char *texts[] = {text};
	size_t lens[] = {strlen(text)};
	cs_rules *r = NULL;
	cs_err err = {{0}};
	/* compiled now: the bad regex is an error naming its line */
	assert_int_equal(cs_rules_load_texts(&r, 1, names, texts, lens, &err), CRASHSIG_ERULES);
	assert_non_null(strstr(err.msg, "lazy.rules:8"));
	assert_int_equal(cs_rules_load_texts_ex(&r, 1, names, texts, lens, 0, &err), 0);
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	assert_non_null(md);
	const cs_re *bad = &r->crashes[0].formats[0].match;
	assert_int_equal(bad->state, CS_RE_NEW);
	for (int k = 0; k < 2; k++)
		assert_true(cs_re_exec(bad, "Oops: (x", 8, 0, md) < 0);
	assert_int_equal(bad->state, CS_RE_BROKEN);
	assert_int_equal(r->log.n, 1);
	assert_non_null(strstr(r->log.msgs[0], "lazy.rules:8: bad regex"));
	assert_non_null(strstr(r->log.msgs[0], "treated as no match"));
	/* the JIT after jit_after matches; the first-byte answers (a line
	 * that cannot start a panic) run no matcher and count for nothing */
	r->jit_after = 3;
	for (int k = 0; k < 10; k++)
		assert_int_equal(cs_re_match(&r->panic, "x", 1, 0, md), 0);
	assert_int_equal(r->panic.uses, 0);
	for (unsigned k = 0; k < 6; k++) {
		assert_int_equal(r->panic.jit, k > 3);
		assert_int_equal(cs_re_match(&r->panic, "Kernel panic - not syncing: x", 29, 0, md), 1);
		assert_int_equal(cs_re_match(&r->skip, "sock_kmalloc", 12, 0, md), 1);
		assert_int_equal(cs_re_match(&r->skip, "dump_stack_lvl", 14, 0, md), 0);
	}
	assert_true(r->skip.jit);
	pcre2_match_data_free(md);
	cs_rules_free(r);
}

/* JIT-compiled regexes are entered with pcre2_jit_match, which does not
 * check UTF-8: a pattern that reads its subject as UTF ("(*UTF)" in a
 * rules file) stays with pcre2_match, so invalid UTF-8 is an error there
 * (no match), never a read out of bounds. */
static void test_jit_entry_and_utf(void **state)
{
	(void)state;
	cs_rules *r = NULL;
	cs_err err = {{0}};
	assert_int_equal(load("panic ^Kernel panic - not syncing\n"
			      "crash oops\nstart \"Oops: \"\ntype DoS\n"
			      "format\nmatch (*UTF)Oops: caf\\x{e9} ([a-z]+)\ntitle oops in $1\n"
			      "no-frame-ok\nend\n",
			      &r, &err),
			 0);
	r->jit_after = 0;
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	assert_non_null(md);
	assert_int_equal(cs_re_match(&r->panic, "Kernel panic - not syncing: x", 29, 0, md), 1);
	assert_true(r->panic.jit);
	assert_true(r->panic.jit_code); /* entered directly */
	assert_int_equal(cs_re_match(&r->panic, "Kernel panic - not syncin", 25, 0, md), 0);
	const cs_re *u = &r->crashes[0].formats[0].match;
	assert_int_equal(cs_re_exec(u, "Oops: caf\xc3\xa9 init", 16, 0, md), 2);
	assert_true(u->jit);
	assert_false(u->jit_code); /* UTF: through pcre2_match */
	assert_true(cs_re_exec(u, "Oops: caf\xc3\xa9\xff init", 17, 0, md) < 0);
	assert_true(cs_re_exec(u, "Oops: caf\xe9 init", 15, 0, md) < 0);
	pcre2_match_data_free(md);
	cs_rules_free(r);
}

static void test_minimal_kind(void **state)
{
	(void)state;
	cs_rules *r = NULL;
	cs_err err = {{0}};
	assert_int_equal(load("define F ([a-z_]+)\n"
			      "crash oops\nstart \"Oops: \"\ntype DoS\n"
			      "format\nmatch Oops: {{F}}\ntitle oops in $1\nno-frame-ok\nend\n",
			      &r, &err), 0);
	assert_int_equal(r->ncrashes, 1);
	assert_string_equal(r->crashes[0].starts[0], "Oops: ");
	assert_string_equal(r->crashes[0].formats[0].match.src, "Oops: ([a-z_]+)");
	assert_int_equal(r->start_index.nstarts['O'], 1);
	assert_string_equal(r->start_index.starts['O'][0].lit, "Oops: ");
	assert_ptr_equal(r->start_index.starts['O'][0].crash, &r->crashes[0]);
	cs_rules_free(r);
}

static void test_errors_name_the_line(void **state)
{
	(void)state;
	cs_rules *r = NULL;
	cs_err err = {{0}};
	assert_int_equal(load("crash x\nstart X\nformat\nmatch (unclosed\ntitle t\n", &r, &err),
			 CRASHSIG_ERULES);
	assert_null(r);
	assert_non_null(strstr(err.msg, "t.rules:4"));
	assert_int_equal(load("bogus directive\n", &r, &err), CRASHSIG_ERULES);
	assert_non_null(strstr(err.msg, "unknown directive"));
	assert_int_equal(load("crash x\nformat\nmatch a\ntitle t\n", &r, &err), CRASHSIG_ERULES);
	assert_non_null(strstr(err.msg, "no 'start'"));
	assert_int_equal(load("crash x\nstart X\nformat\nmatch {{NOPE}}\n", &r, &err),
			 CRASHSIG_ERULES);
	assert_non_null(strstr(err.msg, "unknown macro"));
}

/* A global table mixes pieces anchored with ^ and loose ones: it is kept as
 * two regexes, and the anchored one answers from its first bytes and
 * minimum length; a match of either piece is a match. */
static void test_table_split_and_prefilter(void **state)
{
	(void)state;
	cs_rules *r = NULL;
	cs_err err = {{0}};
	assert_int_equal(load("skip ^(?:dump_stack|kasan_report)$\n"
			      "skip kmalloc\n"
			      "skip ^__warn\n"
			      "crash oops\nstart \"Oops: \"\ntype DoS\n"
			      "format\nmatch Oops:\ntitle oops\nno-frame-ok\nend\n",
			      &r, &err),
			 0);
	assert_non_null(r->skip.code);
	assert_non_null(r->skip.loose);
	assert_true(r->skip.has_first);
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	assert_non_null(md);
	static const struct {
		const char *s;
		int want;
	} cases[] = {
		{"dump_stack", 1},      {"kasan_report", 1}, {"__warn", 1},
		{"__warn_printk", 1},   {"sock_kmalloc", 1}, {"kmalloc", 1},
		{"dump_stack_lvl", 0},  {"xsk_poll", 0},     {"", 0},
		{"d", 0},               {"kmallo", 0},       {"report_kasan", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(cs_re_match(&r->skip, cases[i].s, strlen(cases[i].s), 0, md),
				 cases[i].want);
	pcre2_match_data_free(md);
	cs_rules_free(r);
}

/* Suppress pieces give the line scan their literal prefixes (escaped
 * punctuation literal, an optional last character dropped); a piece
 * without one of 4 bytes makes every line go through the table. */
static void test_suppress_literals(void **state)
{
	(void)state;
	cs_rules *r = NULL;
	cs_err err = {{0}};
	const char *kind = "crash oops\nstart \"Oops: \"\ntype DoS\n"
			   "format\nmatch Oops:\ntitle oops\nno-frame-ok\nend\n";
	char text[512];
	snprintf(text, sizeof(text),
		 "suppress \\*\\*\\* stack smashing\n"
		 "suppress ^Killed process .* \\(sshd\\)\n"
		 "suppress colou?r\n%s", kind);
	assert_int_equal(load(text, &r, &err), 0);
	assert_int_equal(r->nsuppress_lits, 3);
	assert_string_equal(r->suppress_lits[0], "*** stack smashing");
	assert_string_equal(r->suppress_lits[1], "Killed process ");
	assert_string_equal(r->suppress_lits[2], "colo");
	assert_false(r->suppress_any_line);
	assert_int_equal(r->start_index.nstarts['*'], 1);
	assert_null(r->start_index.starts['*'][0].crash);
	assert_int_equal(r->start_index.starts['*'][0].role, CS_REF_SUPPRESS);
	cs_rules_free(r);

	snprintf(text, sizeof(text), "suppress \\d+ oops\nsuppress (?i)sshd killed\n%s", kind);
	assert_int_equal(load(text, &r, &err), 0);
	assert_int_equal(r->nsuppress_lits, 0);
	assert_true(r->suppress_any_line);
	cs_rules_free(r);
}

static void test_missing_dir(void **state)
{
	(void)state;
	cs_rules *r = NULL;
	cs_err err = {{0}};
	assert_int_equal(cs_rules_load_dir(&r, "/nonexistent-dir", &err), CRASHSIG_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent-dir"));
	assert_int_equal(cs_rules_load_dir(&r, CRASHSIG_SOURCE_DIR "/rules", &err), 0);
	cs_rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_loads),
		cmocka_unit_test(test_builtin_compiles),
		cmocka_unit_test(test_builtin_precompiled),
		cmocka_unit_test(test_lazy_compile_and_jit),
		cmocka_unit_test(test_jit_entry_and_utf),
		cmocka_unit_test(test_minimal_kind),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_suppress_literals),
		cmocka_unit_test(test_missing_dir),
		cmocka_unit_test(test_table_split_and_prefilter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
