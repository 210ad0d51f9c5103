/* Required literals of a regex (src/classify/re_lits.c): what the reader
 * takes from a pattern, what it refuses, and that it is sound: whenever a
 * regex of the built-in rules matches a line or a frame's function of the
 * fixtures and the shared corpus, the line holds one of its literals. */
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

#include "classify/frames.h"
#include "classify/rules.h"
#include "classify/rules_builtin.h"
#include "builtin_rules.h"
#include "testutil.h"

/* A literal set as "[a][b]" in the reader's order, or "-" for none
 * (freed). */
static const char *show(cs_re_lits *l)
{
	static char out[1024];
	if (!l)
		return "-";
	out[0] = 0;
	for (int i = 0; i < l->n; i++) {
		size_t o = strlen(out);
		snprintf(out + o, sizeof(out) - o, "[%.*s]", l->len[i], l->s[i]);
	}
	free(l);
	return out;
}

/* The set of pattern. */
static const char *set_of(const char *pattern, uint32_t opts)
{
	return show(cs_re_lits_new(pattern, opts));
}

/* The prefixes of pattern. */
static const char *prefixes_of(const char *pattern, uint32_t opts)
{
	return show(cs_re_prefixes_new(pattern, opts));
}

static void test_prefixes(void **state)
{
	(void)state;
	static const struct {
		const char *re;
		const char *want;
	} cases[] = {
		{"^Kernel panic - not syncing", "[Kernel panic - not syncing]"},
		{"(?:^Rebooting in \\d+ seconds)|(?:^---\\[ end Kernel panic)",
		 "[---[ end Kernel panic][Rebooting in ]"}, /* (by first byte) */
		{"^(?:Booting the kernel|Decompressing Linux)", "[Booting the kernel][Decompressing Linux]"},
		{"^(__x64_|__ia32_)sys_", "[__x64_][__ia32_]"},
		{"^ab?c", "[a]"},
		{"^ab+c", "[ab]"},
		{"^\\(xy", "[(xy]"},
		{"^\\s*Call Trace", "-"},
		{"^a|b", "-"},      /* b is not anchored */
		{"(?:^a)?b", "-"},
		{"^(?:abc)?d", "-"},
		{"^(?=abc)", "-"},
		{"^.abc", "-"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = prefixes_of(cases[i].re, 0);
		if (strcmp(got, cases[i].want))
			fail_msg("%s: got %s, want %s", cases[i].re, got, cases[i].want);
	}
	/* ^ after newlines too: no prefix */
	assert_string_equal(prefixes_of("^Kernel panic", PCRE2_MULTILINE), "-");
	cs_re_lits *l = cs_re_prefixes_new("^Kernel panic|^Rebooting in", 0);
	assert_non_null(l);
	assert_true(cs_re_prefixes_at(l, "Kernel panic - not syncing", 26));
	assert_true(cs_re_prefixes_at(l, "Rebooting in 86400 seconds..", 28));
	assert_false(cs_re_prefixes_at(l, " Kernel panic", 13));
	assert_false(cs_re_prefixes_at(l, "Kernel pani", 11));
	assert_false(cs_re_prefixes_at(l, "", 0));
	free(l);
}

static void test_sets(void **state)
{
	(void)state;
	static const struct {
		const char *re;
		const char *want;
	} cases[] = {
		{"Kernel panic", "[Kernel panic]"},
		{"^Kernel panic - not syncing|^Rebooting in \\d+ seconds",
		 "[Kernel panic - not syncing][Rebooting in ]"},
		/* an optional character ends the run before it */
		{"colou?r of", "[colo]"},
		{"abcd?", "[abc]"},
		{"abc*", "-"},           /* "ab" is too short */
		{"xyzw+q", "[xyzw]"},      /* repeated: the run ends after it */
		{"xyz{2}abc", "[xyz]"},
		{"xyz{0,3}abcd", "[abcd]"},
		{"\\(syz-executor\\)", "[(syz-executor)]"},
		{"foo[]x]bar", "[foo]"}, /* "foo", "bar": 3 each, the first wins */
		{"(?:foo|bar)baz", "[baz]"},
		{"(?:abcd|efgh)xy", "[abcd][efgh]"},
		{"(?:abcd|e)xy", "-"},
		{"(?:abcd|efgh)?xyz", "[xyz]"},
		{"(?=abcd)efg", "[efg]"},
		{"(?!abcd)", "-"},
		{"Call (?:T|t)race", "[Call ]"},
		{"a|bcd", "-"},          /* every alternative needs one */
		{"\\d+ seconds|\\w+ minutes", "[ seconds][ minutes]"},
		{"\\n---\\[ end", "[---[ end]"},
		/* what the reader does not understand gives no set */
		{"(?i)kernel panic", "-"},
		{"\\x41bcd", "-"},
		{"\\Qabc\\E", "-"},
		{"(*CR)abcd", "-"},
		{"abc{,3}def", "-"},
		{"(abcd)\\1", "-"},
		{"a{x}bcd", "-"},
		{"[[:alpha:]]abcd", "[abcd]"},
		{"(?<name>abcd)", "[abcd]"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = set_of(cases[i].re, 0);
		if (strcmp(got, cases[i].want))
			fail_msg("%s: got %s, want %s", cases[i].re, got, cases[i].want);
	}
	assert_string_equal(set_of("Kernel panic", PCRE2_CASELESS), "-");
	/* a literal that holds another of the set adds nothing */
	assert_string_equal(set_of("abcdef|bcd|xbcdy", 0), "[bcd]");
	cs_re_lits *l = cs_re_lits_new("Allocated by task|Freed by task", 0);
	assert_non_null(l);
	assert_true(cs_re_lits_any(l, "  Freed by task 12:", 19));
	assert_true(cs_re_lits_any(l, "Allocated by task", 17));
	assert_false(cs_re_lits_any(l, "Allocated by tas", 16));
	assert_false(cs_re_lits_any(l, "", 0));
	assert_int_equal(l->nfirst, 2); /* searched with memchr */
	free(l);
	/* more first bytes than CS_RE_LITS_FEW_FIRST: one pass */
	l = cs_re_lits_new("aaa1|bbb2|ccc3|ddd4|eee5|fff6|ggg7|hhh8|iii9|jjj0", 0);
	assert_non_null(l);
	assert_true(l->nfirst > CS_RE_LITS_FEW_FIRST);
	assert_true(cs_re_lits_any(l, "xx jjj0", 7));
	assert_true(cs_re_lits_any(l, "aaa1", 4));
	assert_false(cs_re_lits_any(l, "jjj aaa bbb", 11));
	assert_false(cs_re_lits_any(l, "jj", 2));
	free(l);
}

/* ---- the search, at every position ---------------------------------- */

/* Does s hold one of l's literals? (memmem, literal by literal) */
static int naive_any(const cs_re_lits *l, const char *s, size_t n)
{
	for (int i = 0; i < l->n; i++)
		if (l->len[i] <= n && memmem(s, n, l->s[i], l->len[i]))
			return 1;
	return 0;
}

/* Both searches (the vector one where the CPU has AVX2, and the scalar
 * one) agree with memmem on subjects of every length up to 300 with a
 * literal, or its last byte cut off, at every position (the 32-byte
 * blocks, the overlapping last block and the short-subject copy), in
 * filler that shares the literals' nibbles. */
/* The first position where a literal starts, or n. */
static size_t naive_find(const cs_re_lits *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < l->n; j++)
			if (l->len[j] <= n - i && !memcmp(s + i, l->s[j], l->len[j]))
				return i;
	return n;
}

static void test_any_every_position(void **state)
{
	(void)state;
	static const char *sets[] = {
		"Allocated by task|Freed by task",
		"aaa1|bbb2|ccc3|ddd4|eee5|fff6|ggg7|hhh8|iii9|jjj0",
		"xyz|Call Trace", /* the shortest literals (LIT_MIN) */
		"Call (?:T|t)race|Allocated:|Backtrace:|status: ",
		/* 16 literals in 8 buckets, alike in their nibbles */
		"ABC|BAC|CDA|DCA|EFA|FEA|GHA|HGA|IJA|JIA|KLA|LKA|MNA|NMA|OPA|POA",
	};
	char s[400];
	uint32_t seed = 12345;
	size_t checks = 0;
	for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
		cs_re_lits *l = cs_re_lits_new(sets[k], 0);
		if (!l)
			fail_msg("no literals: %s", sets[k]);
		int vec = l->avx2;
		for (int mode = 0; mode < 2; mode++) {
			l->avx2 = mode ? 0 : vec;
			for (size_t n = 0; n <= 300; n += n < 70 ? 1 : 7) {
				for (size_t pos = 0; pos <= n; pos += n < 70 ? 1 : 5) {
					for (int cut = 0; cut < 2; cut++) {
						/* filler: letters and digits like the literals' */
						for (size_t i = 0; i < n; i++) {
							seed = seed * 1103515245u + 12345u;
							s[i] = "ABCDEFGHIJKLMNOPabcdefghijq0123456789 :"[(seed >> 16) % 39];
						}
						const char *lit = l->s[(pos + n) % (size_t)l->n];
						size_t ll = l->len[(pos + n) % (size_t)l->n] - (size_t)cut;
						if (pos + ll <= n)
							memcpy(s + pos, lit, ll);
						int want = naive_any(l, s, n);
						/* (exactly n bytes: the sanitizer pass sees
						 * a read past the subject) */
						char *subj = malloc(n ? n : 1);
						assert_non_null(subj);
						memcpy(subj, s, n);
						int got = cs_re_lits_any(l, subj, n);
						/* the first one's position, as a scan of
						 * the positions in order finds it */
						size_t at = cs_re_lits_find(l, subj, n);
						free(subj);
						if (got != want)
							fail_msg("set %zu (%s), n %zu, literal at %zu%s: want %d",
								 k, mode ? "scalar" : "vector", n, pos,
								 cut ? " cut" : "", want);
						size_t want_at = naive_find(l, s, n);
						if (at != want_at)
							fail_msg("set %zu (%s), n %zu, literal at %zu%s: found at %zu, want %zu",
								 k, mode ? "scalar" : "vector", n, pos,
								 cut ? " cut" : "", at, want_at);
						checks++;
					}
				}
			}
		}
		free(l);
	}
	assert_true(checks > 50000);
}

/* ---- soundness over real text ---------------------------------------- */

typedef struct checked {
	cs_re *re[1024];
	cs_re_lits *lits[1024][2];
	cs_re_lits *pfx[1024];
	cs_re_class cls[1024][CS_RE_CLASSES];
	int ncls[1024];
	size_t n;
} checked;

static checked ck;
static pcre2_match_data *md;
static size_t nsubjects, nmatches, npfx, ncls_matches;

static void collect(void *arg, cs_re *re)
{
	(void)arg;
	assert_true(ck.n < 1024);
	ck.re[ck.n] = re;
	ck.lits[ck.n][0] = cs_re_lits_new(re->src, re->opts);
	ck.lits[ck.n][1] = re->loose_src ? cs_re_lits_new(re->loose_src, 0) : NULL;
	ck.pfx[ck.n] = cs_re_prefixes_new(re->src, re->opts);
	ck.ncls[ck.n] = cs_re_classes(re->src, re->opts, ck.cls[ck.n], CS_RE_CLASSES);
	ck.n++;
}

static void check_subject(const char *s, size_t n)
{
	nsubjects++;
	for (size_t i = 0; i < ck.n; i++) {
		cs_re *re = ck.re[i];
		for (int part = 0; part < 2; part++) {
			const cs_re_lits *l = ck.lits[i][part];
			const pcre2_code *code = part ? re->loose : re->code;
			if (!l || !code)
				continue;
			if (pcre2_match(code, (PCRE2_SPTR)s, n, 0, 0, md, NULL) <= 0)
				continue;
			nmatches++;
			if (!cs_re_lits_any(l, s, n))
				fail_msg("%s matches \"%.*s\" but holds none of its literals",
					 re->where, (int)n, s);
		}
		if (ck.ncls[i] && re->code &&
		    pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, md, NULL) > 0) {
			cs_bytes have;
			cs_bytes_of(s, n, &have);
			ncls_matches++;
			if (!cs_re_classes_in(ck.cls[i], ck.ncls[i], s, n, &have))
				fail_msg("%s matches \"%.*s\" but lacks one of its byte classes",
					 re->where, (int)n, s);
		}
		if (ck.pfx[i] && re->code &&
		    pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, md, NULL) > 0) {
			npfx++;
			if (!cs_re_prefixes_at(ck.pfx[i], s, n))
				fail_msg("%s matches \"%.*s\" but it begins with none of its "
					 "prefixes", re->where, (int)n, s);
		}
	}
}

static void check_file(const char *path)
{
	size_t len = 0;
	char *t = test_read_file(path, &len);
	assert_non_null(t);
	char buf[1024];
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - t) : len;
		check_subject(t + i, e - i);
		crashsig_frame f;
		if (cs_frame_parse(t + i, e - i, &f, buf, sizeof(buf)) && f.func && *f.func)
			check_subject(f.func, strlen(f.func));
		i = e + 1;
	}
	free(t);
}

static void check_dir(const char *dir, size_t step)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	size_t k = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || k++ % step)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct stat st;
		if (!stat(path, &st) && S_ISREG(st.st_mode))
			check_file(path);
	}
	closedir(d);
}

static void test_sound_on_real_text(void **state)
{
	(void)state;
	cs_rules *r = NULL;
	cs_err err = {{0}};
	assert_int_equal(test_load_builtin_rules(&r, &err), 0);
	cs_rules_visit(r, collect, NULL);
	size_t with = 0;
	for (size_t i = 0; i < ck.n; i++) {
		with += ck.lits[i][0] != NULL;
		if (ck.re[i]->code)
			pcre2_jit_compile(ck.re[i]->code, PCRE2_JIT_COMPLETE);
		if (ck.re[i]->loose)
			pcre2_jit_compile(ck.re[i]->loose, PCRE2_JIT_COMPLETE);
	}
	md = pcre2_match_data_create(16, NULL);
	assert_non_null(md);
	check_dir(CRASHSIG_SOURCE_DIR "/fixtures/report", 1);
	check_dir(CRASHSIG_SHARED_DIR "/corpus/syzkaller/linux/report", 1);
	check_dir(CRASHSIG_SHARED_DIR "/corpus/syzbot-emails", 4);
	size_t withp = 0, withc = 0;
	for (size_t i = 0; i < ck.n; i++) {
		withp += ck.pfx[i] != NULL;
		withc += ck.ncls[i] > 0;
	}
	print_message("%zu regexes have byte classes, %zu matches hold them\n", withc,
		      ncls_matches);
	assert_true(withc > 20);
	assert_true(ncls_matches > 1000);
	print_message("%zu of %zu regexes have literals, %zu prefixes; %zu subjects, %zu "
		      "matches holding a literal, %zu beginning with a prefix\n",
		      with, ck.n, withp, nsubjects, nmatches, npfx);
	assert_true(withp > 20);
	assert_true(npfx > 100);
	assert_true(with > 100);
	assert_true(nmatches > 1000);
	for (size_t i = 0; i < ck.n; i++) {
		free(ck.lits[i][0]);
		free(ck.lits[i][1]);
		free(ck.pfx[i]);
	}
	pcre2_match_data_free(md);
	cs_rules_free(r);
}

/* The byte classes of pattern as "[09]2 [!09]1" (runs of bytes of the
 * class given by its lowest and highest byte, "!" when the class is more
 * than 128 bytes), or "-". */
static const char *classes_of(const char *pattern, uint32_t opts)
{
	static char out[512];
	cs_re_class cls[8];
	int n = cs_re_classes(pattern, opts, cls, 8);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		int lo = -1, hi = -1, count = 0;
		for (int c = 0; c < 256; c++)
			if (cls[i].set[c >> 6] >> (c & 63) & 1) {
				if (lo < 0)
					lo = c;
				hi = c;
				count++;
			}
		size_t o = strlen(out);
		if (count > 128)
			snprintf(out + o, sizeof(out) - o, "%s[!%d]%u", i ? " " : "", 256 - count,
				 cls[i].run);
		else
			snprintf(out + o, sizeof(out) - o, "%s[%c%c:%d]%u", i ? " " : "",
				 lo > 32 ? lo : '?', hi > 32 ? hi : '?', count, cls[i].run);
	}
	return n ? out : "-";
}

static void test_classes(void **state)
{
	(void)state;
	static const struct {
		const char *re;
		const char *want;
	} cases[] = {
		{"\\d{7,}", "[09:10]7"},
		{"(\\W)(\\d+)(\\W|$)", "[!63]1 [09:10]1"},    /* the group with '|' is passed over */
		{"([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}", "[!62]1 [0f:16]6"},
		{"(\\.\\w+)(?::[0-9]+)+", "[0z:63]1 [09:10]1"},  /* groups read through */
		{"CPU#[0-9]+", "[09:10]1"},
		{"[ab][ab]?x*", "[ab:2]1"},                     /* optional items need nothing */
		{"(?:\\d+)?x", "-"},
		{"(?=\\d)x", "-"},                              /* lookarounds neither */
		{"\\s", "[??:6]1"},
		{"[\\t-\\r ]", "[??:6]1"},
		{"a.b", "-"},
		{"\\d|x", "-"},                                 /* alternatives: none known */
		{"[[:digit:]]", "-"},                           /* what is not understood */
		{"(?i)\\d", "-"},
		{"\\d\\1", "-"},
		{"[^\\x00]", "-"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = classes_of(cases[i].re, 0);
		if (strcmp(got, cases[i].want))
			fail_msg("%s: got %s, want %s", cases[i].re, got, cases[i].want);
	}
	assert_string_equal(classes_of("\\d", PCRE2_CASELESS), "-");
	/* a run: 6 hex digits in a row */
	cs_re_class c[4];
	assert_int_equal(cs_re_classes("[0-9a-f]{6,}", 0, c, 4), 1);
	static const struct {
		const char *s;
		int want;
	} subj[] = {
		{"in deface x", 1}, {"in defac x", 0}, {"a1b2c3d4", 1}, {"abcde", 0}, {"", 0},
		{"xx 123456", 1},
	};
	for (size_t i = 0; i < sizeof(subj) / sizeof(subj[0]); i++) {
		cs_bytes have;
		cs_bytes_of(subj[i].s, strlen(subj[i].s), &have);
		if (cs_re_classes_in(c, 1, subj[i].s, strlen(subj[i].s), &have) != subj[i].want)
			fail_msg("\"%s\": want %d", subj[i].s, subj[i].want);
	}
}

/* ---- the formats' head matches ---------------------------------------- */

static void test_max_newlines(void **state)
{
	(void)state;
	const uint32_t ml = PCRE2_MULTILINE;
	static const struct {
		const char *re;
		int want;
	} cases[] = {
		{"WARNING: .*mm/\\S+\\.c:\\d+ (?:at )?k?.?malloc", 0},
		{"a[^>\\n]+b", 0},          /* a class without the newline */
		{"a[^>]+b", -1},            /* a negated class holds it */
		{"a[\\n]b", 1},
		{"a[\\t-\\r]b", 1},         /* a range over it */
		{"a[ -~]b", 0},
		{"a[[:space:]]b", 1},       /* a class not understood: may */
		{"a[\\x41]b", 1},
		/* (a class not understood is read to its end: its '|' is no
		 * alternative) */
		{"a[\\x28|]b\\nc", 2},
		{"a\\nb\\n", 2},
		{"(?:.*\\n){1,8}?x", 8},
		{"(?:.*\\n)?x(?:y\\n|z)", 2}, /* the longest alternative */
		{"(?:a\\n){2}(?:b\\n){3}", 8 - 3}, /* 2 + 3 */
		{"(?:.*\\n)+?x", -1},       /* unbounded */
		{"a\\s*b", -1},
		{"a\\s?b", 1},
		{"a\\Sb\\dc\\wd", 0},
		{"a(?=.*\\nb)c", 1},        /* lookarounds count */
		{"a(?!\\n)", 1},
		{"a\\Wb", 1}, {"a\\Db", 1}, {"a\\Rb", 1}, {"a\\vb", 1},
		{"a$", 0},                  /* with MULTILINE: a line's end */
		/* the end of the subject, or what the reader does not know */
		{"a\\z", -1}, {"a\\Z", -1}, {"(?s)a.b", -1}, {"(*CR)a", -1},
		{"a\\x0ab", -1}, {"(a)\\1", -1}, {"a{,3}", -1},
		{"(?<n>a)", -1}, {"a{2", -1},
		{"(?:a\\n){64}", -1},       /* CS_RE_NL_MAX */
		{"(?:a\\n){63}", 63},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = cs_re_max_newlines(cases[i].re, ml | PCRE2_USE_OFFSET_LIMIT);
		if (got != cases[i].want)
			fail_msg("%s: got %d, want %d", cases[i].re, got, cases[i].want);
	}
	/* '$' without MULTILINE is the end of the subject; DOTALL lets `.`
	 * match the newline */
	assert_int_equal(cs_re_max_newlines("a$", 0), -1);
	assert_int_equal(cs_re_max_newlines("a.b", PCRE2_DOTALL), -1);
	assert_int_equal(cs_re_max_newlines("a.b", 0), 0);
}

/* The sets of cs_re_lits_conj as "[a][b] [c]" (freed). */
static const char *conj_of(const char *pattern)
{
	static char out[2048];
	cs_re_lits *sets[8];
	int n = cs_re_lits_conj(pattern, PCRE2_MULTILINE, sets, 8);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		size_t o = strlen(out);
		snprintf(out + o, sizeof(out) - o, "%s%s", i ? " " : "", show(sets[i]));
	}
	return n ? out : "-";
}

static void test_conj(void **state)
{
	(void)state;
	static const struct {
		const char *re;
		const char *want;
	} cases[] = {
		/* every mandatory run and group of the top level, the best
		 * (longest shortest literal) first */
		{"BUG: KASAN: ([a-z\\-]+) in \\w+(?:.*\\n){1,8}?.*\\b(Read|Write) (?:of size|at addr)",
		 "[BUG: KASAN: ] [at addr][of size] [ in ] [Read][Write]"},
		{"WARNING: .*lib/kobject\\.c.* (?:kobject_|at)", "[lib/kobject.c] [WARNING: ]"},
		/* optional items and lookarounds require nothing */
		{"abcd(?:efgh)?(?=ijkl)mno", "[abcd] [mno]"},
		/* alternatives at the top level: their union only */
		{"abcd xyz|efgh", "[abcd xyz][efgh]"},
		{"\\w+", "-"},
		{"(?i)abcd", "-"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = conj_of(cases[i].re);
		if (strcmp(got, cases[i].want))
			fail_msg("%s: got %s, want %s", cases[i].re, got, cases[i].want);
	}
	/* at most max sets, the best ones */
	cs_re_lits *sets[2];
	assert_int_equal(cs_re_lits_conj("ab1\\dabcd2\\dabcdef3\\dabcde4", 0, sets, 2), 2);
	assert_string_equal(show(sets[0]), "[abcdef3]");
	assert_string_equal(show(sets[1]), "[abcde4]");
}

/* cs_re_exec_head gives what PCRE2 gives, under the offset limit, for a
 * match starting by the end of the first line, for every format of the
 * built-in rules and report texts starting at each line of the corpus that
 * holds ": " (where crash headers are): the literal sets and the cut
 * subject change no answer. */
static size_t nhead_subjects, nhead_matches, nhead_cut;

static void check_head(cs_rules *r, pcre2_match_context *mc, pcre2_match_data *md2,
		       const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);
	size_t limit = nl ? (size_t)(nl - s) : n;
	pcre2_set_offset_limit(mc, limit);
	nhead_subjects++;
	for (size_t c = 0; c < r->ncrashes; c++)
		for (size_t f = 0; f < r->crashes[c].nformats; f++) {
			cs_re *re = &r->crashes[c].formats[f].match;
			int got = cs_re_exec_head(re, s, n, limit, md2);
			if (!re->code)
				continue;
			nhead_cut += re->head_lines != 0;
			int want = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, md, mc);
			PCRE2_SIZE *wo = pcre2_get_ovector_pointer(md);
			PCRE2_SIZE *go = pcre2_get_ovector_pointer(md2);
			int wy = want > 0 && wo[0] <= limit, gy = got > 0 && go[0] <= limit;
			if (wy != gy || (wy && want != got))
				fail_msg("%s on \"%.80s\": got %d, want %d", re->where, s, got, want);
			for (int g = 0; wy && g < 2 * want; g++)
				if (wo[g] != go[g])
					fail_msg("%s on \"%.80s\": group %d differs", re->where, s, g / 2);
			nhead_matches += wy;
		}
}

static void head_file(cs_rules *r, pcre2_match_context *mc, pcre2_match_data *md2,
		      const char *path)
{
	size_t len = 0;
	char *t = test_read_file(path, &len);
	assert_non_null(t);
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - t) : len;
		if (memmem(t + i, e - i, ": ", 2))
			check_head(r, mc, md2, t + i, len - i < 65536 ? len - i : 65536);
		i = e + 1;
	}
	free(t);
}

static void test_head_same_answers(void **state)
{
	(void)state;
	cs_rules *r = NULL;
	cs_err err = {{0}};
	assert_int_equal(test_load_builtin_rules(&r, &err), 0);
	r->jit_after = 0; /* (the sets are made with the JIT) */
	md = pcre2_match_data_create(16, NULL);
	pcre2_match_data *md2 = pcre2_match_data_create(16, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	assert_non_null(md);
	assert_non_null(md2);
	assert_non_null(mc);
	const char *dirs[] = {CRASHSIG_SOURCE_DIR "/fixtures/report",
			      CRASHSIG_SHARED_DIR "/corpus/syzkaller/linux/report"};
	for (size_t d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		if (!dir)
			continue;
		struct dirent *de;
		size_t k = 0;
		while ((de = readdir(dir))) {
			/* (every third file: the sanitizer tree runs this too) */
			if (de->d_name[0] == '.' || k++ % 3)
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", dirs[d], de->d_name);
			struct stat st;
			if (!stat(path, &st) && S_ISREG(st.st_mode))
				head_file(r, mc, md2, path);
		}
		closedir(dir);
	}
	print_message("%zu subjects, %zu head matches, %zu tries with the subject cut\n",
		      nhead_subjects, nhead_matches, nhead_cut);
	assert_true(nhead_matches > 200);
	assert_true(nhead_cut > 10000);
	pcre2_match_context_free(mc);
	pcre2_match_data_free(md2);
	pcre2_match_data_free(md);
	md = NULL;
	cs_rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_any_every_position),
		cmocka_unit_test(test_sound_on_real_text),
		cmocka_unit_test(test_max_newlines),
		cmocka_unit_test(test_conj),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_head_same_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
