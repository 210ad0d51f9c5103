/* Tests for the libdw symbolizer (include/crashsig/symbolize.h).
 *
 * Fixtures are built by tests/symbolize/fixtures.cmake (gcc -g -O2). Results
 * are compared with addr2line and eu-addr2line, run at test time, when they
 * are installed; the real-kernel tests need the Debian debug vmlinux and are
 * skipped (visibly) without it. The fast DWARF readers are tested in
 * test_dwarf_readers.c, the CLI in test_symbolize_cli.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "testutil.h"
#include <gelf.h>
#include <libelf.h>
#include <zstd.h>

#include "crashsig/crashsig.h"
#include "crashsig/symbolize.h"
#include "symbolize/symfix.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static int have_tool(const char *name)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static char *read_file(const char *path, size_t *len)
{
	char *b = test_read_file(path, len);
	assert_non_null(b);
	return b;
}

static void write_file(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	fclose(f);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* One oracle answer: up to 16 (func, file basename, line) levels. */
struct olevel {
	char func[128];
	char file[128];
	unsigned line;
};
struct oans {
	uint64_t addr;
	struct olevel lv[16];
	size_t n;
};

/* Run "TOOL -fia [-j SEC] -e BIN addr..." and parse its groups. Returns the
 * number of answers (0 if the tool failed). */
static size_t run_oracle(const char *tool, const char *bin, const char *sec,
			 const uint64_t *addrs, size_t n, struct oans *out)
{
	size_t cap = 256 + n * 24;
	char *cmd = malloc(cap);
	assert_non_null(cmd);
	int k = snprintf(cmd, cap, "%s -fia %s%s -e '%s'", tool, sec ? "-j " : "",
			 sec ? sec : "", bin);
	for (size_t i = 0; i < n; i++)
		k += snprintf(cmd + k, cap - (size_t)k, " 0x%llx", (unsigned long long)addrs[i]);
	snprintf(cmd + k, cap - (size_t)k, " 2>/dev/null");
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return 0;
	char line[4096];
	size_t cur = (size_t)-1;
	int want_file = 0;
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\r\n")] = 0;
		if (strncmp(line, "0x", 2) == 0 && !want_file) {
			if (cur + 1 >= n)
				break;
			cur++;
			out[cur].addr = strtoull(line, NULL, 16);
			out[cur].n = 0;
			continue;
		}
		if (cur == (size_t)-1)
			continue;
		struct oans *a = &out[cur];
		if (!want_file) {
			/* eu-addr2line: "inner inlined at file:line:col in outer" */
			char *inl = strstr(line, " inlined at ");
			if (inl)
				*inl = 0;
			if (a->n < 16)
				snprintf(a->lv[a->n].func, sizeof(a->lv[0].func), "%.127s", line);
			want_file = 1;
		} else {
			want_file = 0;
			if (a->n >= 16)
				continue;
			char *d = strstr(line, " (discriminator");
			if (d)
				*d = 0;
			/* file:line or file:line:col (eu-addr2line) */
			char *c1 = strrchr(line, ':');
			unsigned ln = 0;
			if (c1) {
				char *c0 = NULL;
				*c1 = 0;
				ln = (unsigned)strtoul(c1 + 1, NULL, 10);
				c0 = strrchr(line, ':');
				if (c0 && c0[1] >= '0' && c0[1] <= '9') {
					*c0 = 0;
					ln = (unsigned)strtoul(c0 + 1, NULL, 10);
				}
			}
			snprintf(a->lv[a->n].file, sizeof(a->lv[0].file), "%.127s", base_name(line));
			a->lv[a->n].line = ln;
			a->n++;
		}
	}
	pclose(p);
	return cur + 1;
}

static int oans_equal(const struct oans *a, const struct oans *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->lv[i].func, b->lv[i].func) != 0 ||
		    strcmp(a->lv[i].file, b->lv[i].file) != 0 || a->lv[i].line != b->lv[i].line)
			return 0;
	return 1;
}

/* Compare our result with an oracle answer; prints the difference. */
static int matches_oracle(const crashsig_symres *r, const struct oans *o,
			  const char *what)
{
	int ok = r->nlocs == o->n;
	for (size_t i = 0; ok && i < o->n; i++) {
		const crashsig_symloc *l = &r->locs[i];
		ok = strcmp(l->func, o->lv[i].func) == 0 &&
		     strcmp(l->file ? base_name(l->file) : "??", o->lv[i].file) == 0 &&
		     l->line == o->lv[i].line;
	}
	if (!ok) {
		fprintf(stderr, "MISMATCH %s 0x%llx: oracle:", what,
			(unsigned long long)o->addr);
		for (size_t i = 0; i < o->n; i++)
			fprintf(stderr, " %s@%s:%u", o->lv[i].func, o->lv[i].file, o->lv[i].line);
		fprintf(stderr, "\n  ours:");
		for (size_t i = 0; i < r->nlocs; i++)
			fprintf(stderr, " %s@%s:%u", r->locs[i].func,
				r->locs[i].file ? base_name(r->locs[i].file) : "??",
				r->locs[i].line);
		fprintf(stderr, "\n");
	}
	return ok;
}

/* ------------------------------------------------------------------ */
/* bad input                                                           */
/* ------------------------------------------------------------------ */

static void test_missing_file(void **state)
{
	(void)state;
	struct env e;
	int rc = open_sym(&e, SYMFIX_DIR "/does-not-exist", NULL);
	assert_int_equal(rc, CRASHSIG_EIO);
	assert_null(e.s);
	assert_non_null(strstr(crashsig_error_last(e.ctx), "does-not-exist"));
	close_sym(&e);
}

static void test_not_elf(void **state)
{
	(void)state;
	const char *p = SYMFIX_DIR "/not-elf.txt";
	write_file(p, "hello, this is not ELF\n", 23);
	struct env e;
	assert_int_equal(open_sym(&e, p, NULL), CRASHSIG_EFORMAT);
	assert_non_null(strstr(crashsig_error_last(e.ctx), "not an ELF"));
	close_sym(&e);
}

static void test_truncated(void **state)
{
	(void)state;
	size_t n;
	char *d = read_file(FIX_PROG, &n);
	const char *p = SYMFIX_DIR "/truncated";
	write_file(p, d, n * 2 / 3);
	free(d);
	struct env e;
	assert_int_equal(open_sym(&e, p, NULL), CRASHSIG_EFORMAT);
	assert_non_null(strstr(crashsig_error_last(e.ctx), "truncated"));
	close_sym(&e);
}

static void test_wrong_arch(void **state)
{
	(void)state;
	size_t n;
	char *d = read_file(FIX_PROG, &n);
	d[18] = 0x14; /* e_machine = EM_PPC (little endian u16 at 18) */
	d[19] = 0;
	const char *p = SYMFIX_DIR "/wrong-arch";
	write_file(p, d, n);
	free(d);
	struct env e;
	assert_int_equal(open_sym(&e, p, NULL), CRASHSIG_EUNSUPPORTED);
	assert_non_null(strstr(crashsig_error_last(e.ctx), "architecture"));
	close_sym(&e);
}

static void test_bad_options(void **state)
{
	(void)state;
	crashsig_ctx *ctx = new_ctx();
	crashsig_symbolizer *s = (crashsig_symbolizer *)1;
	crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	assert_int_equal(crashsig_symbolizer_new(&s, ctx, &so), CRASHSIG_EINVAL);
	assert_null(s);
	so.vmlinux = FIX_PROG;
	so.version = 99;
	assert_int_equal(crashsig_symbolizer_new(&s, ctx, &so), CRASHSIG_EINVAL);
	crashsig_symbolizer_free(NULL);
	crashsig_ctx_free(ctx);
}

/* ------------------------------------------------------------------ */
/* fixture program                                                     */
/* ------------------------------------------------------------------ */

static void test_inline_chain(void **state)
{
	(void)state;
	struct env e;
	assert_int_equal(open_sym(&e, FIX_PROG, NULL), 0);
	assert_true(crashsig_symbolizer_has_dwarf(e.s));
	/* Some address of fix_use_inlines is inside fix_inl_inner, inlined
	 * into fix_inl_middle, inlined into fix_use_inlines. */
	int found = 0;
	for (unsigned off = 0; off < 16 && !found; off++) {
		char spec[64];
		snprintf(spec, sizeof(spec), "fix_use_inlines+0x%x", off);
		const crashsig_symres *r;
		assert_int_equal(crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r), 1);
		assert_true(r->status & CRASHSIG_SYM_RESOLVED);
		if (r->nlocs == 3) {
			assert_string_equal(r->locs[0].func, "fix_inl_inner");
			assert_string_equal(r->locs[1].func, "fix_inl_middle");
			assert_string_equal(r->locs[2].func, "fix_use_inlines");
			assert_int_equal(r->locs[0].inlined, 1);
			assert_int_equal(r->locs[1].inlined, 1);
			assert_int_equal(r->locs[2].inlined, 0);
			assert_string_equal(base_name(r->locs[0].file), "fix_prog.c");
			assert_int_equal(r->locs[0].line, 13); /* FIX_INNER */
			assert_int_equal(r->locs[1].line, 18); /* FIX_MIDDLE */
			assert_int_equal(r->locs[2].line, 23); /* FIX_OUTER */
			found = 1;
		}
	}
	assert_true(found);
	close_sym(&e);
}

/* Every byte of every fix* function against addr2line / eu-addr2line. */
static void test_oracle_prog(void **state)
{
	(void)state;
	int a2l = have_tool("addr2line"), eu = have_tool("eu-addr2line");
	if (!a2l && !eu) {
		fprintf(stderr, "SKIP: neither addr2line nor eu-addr2line installed\n");
		skip();
	}
	struct fsym fs[64];
	size_t nf = elf_funcs(FIX_PROG, fs, 64);
	assert_true(nf >= 5);
	uint64_t addrs[4096];
	size_t na = 0;
	for (size_t i = 0; i < nf; i++)
		for (uint64_t o = 0; o < fs[i].size && na < 4096; o++)
			addrs[na++] = fs[i].value + o;
	struct oans *o1 = calloc(na, sizeof(*o1)), *o2 = calloc(na, sizeof(*o2));
	assert_non_null(o1);
	assert_non_null(o2);
	size_t n1 = a2l ? run_oracle("addr2line", FIX_PROG, NULL, addrs, na, o1) : 0;
	size_t n2 = eu ? run_oracle("eu-addr2line", FIX_PROG, NULL, addrs, na, o2) : 0;
	struct env e;
	assert_int_equal(open_sym(&e, FIX_PROG, NULL), 0);
	size_t checked = 0, bad = 0;
	for (size_t i = 0; i < na; i++) {
		char spec[64];
		snprintf(spec, sizeof(spec), "0x%llx", (unsigned long long)addrs[i]);
		const crashsig_symres *r;
		assert_int_equal(crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r), 1);
		const struct oans *ref = NULL;
		if (n1 == na && n2 == na)
			ref = oans_equal(&o1[i], &o2[i]) ? &o1[i] : NULL; /* peers agree */
		else if (n1 == na)
			ref = &o1[i];
		else if (n2 == na)
			ref = &o2[i];
		if (!ref)
			continue;
		checked++;
		if (!matches_oracle(r, ref, "fix_prog"))
			bad++;
	}
	fprintf(stderr, "fix_prog: %zu addresses, %zu checked against oracles, %zu differ\n",
		na, checked, bad);
	assert_true(checked > na / 2);
	assert_int_equal(bad, 0);
	free(o1);
	free(o2);
	close_sym(&e);
}

/* Two static fix_dup: the /0xsize picks the right one; a size that fits
 * neither is a mismatch. */
static void test_dup_names_by_size(void **state)
{
	(void)state;
	struct env e;
	assert_int_equal(open_sym(&e, FIX_PROG, NULL), 0);
	const crashsig_symres *r;
	/* learn both kallsyms sizes from addresses */
	struct fsym fs[64];
	size_t nf = elf_funcs(FIX_PROG, fs, 64);
	uint64_t sizes[2] = {0, 0};
	int nd = 0;
	for (size_t i = 0; i < nf && nd < 2; i++) {
		if (strcmp(fs[i].name, "fix_dup") != 0)
			continue;
		char spec[64];
		snprintf(spec, sizeof(spec), "0x%llx", (unsigned long long)fs[i].value + 1);
		assert_int_equal(crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r), 1);
		assert_string_equal(r->symbol, "fix_dup");
		sizes[nd++] = r->sym_size;
	}
	assert_int_equal(nd, 2);
	assert_true(sizes[0] != sizes[1]);
	const char *want[2] = {NULL, NULL};
	for (int k = 0; k < 2; k++) {
		char spec[64];
		snprintf(spec, sizeof(spec), "fix_dup+0x1/0x%llx", (unsigned long long)sizes[k]);
		assert_int_equal(crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r), 1);
		assert_false(r->status & CRASHSIG_SYM_MISMATCH);
		assert_true(r->nlocs >= 1);
		want[k] = base_name(r->locs[r->nlocs - 1].file);
		if (k == 0)
			want[0] = strcmp(want[0], "fix_prog.c") == 0 ? "fix_prog.c" : "fix_other.c";
	}
	/* the two sizes lead to the two different files */
	char spec[64];
	snprintf(spec, sizeof(spec), "fix_dup+0x1/0x%llx", (unsigned long long)sizes[0]);
	crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r);
	char f0[64];
	snprintf(f0, sizeof(f0), "%s", base_name(r->locs[r->nlocs - 1].file));
	snprintf(spec, sizeof(spec), "fix_dup+0x1/0x%llx", (unsigned long long)sizes[1]);
	crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r);
	assert_string_not_equal(f0, base_name(r->locs[r->nlocs - 1].file));
	/* no such size */
	snprintf(spec, sizeof(spec), "fix_dup+0x1/0x%llx",
		 (unsigned long long)(sizes[0] + sizes[1] + 0x1000));
	assert_int_equal(crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r), 1);
	assert_true(r->status & CRASHSIG_SYM_MISMATCH);
	assert_non_null(strstr(r->note, "size"));
	assert_int_equal(r->nlocs, 0);
	/* unknown function, offset past the end */
	assert_int_equal(crashsig_symbolizer_lookup(e.s, "no_such_fn+0x4/0x10", 19, &r), 1);
	assert_true(r->status & CRASHSIG_SYM_MISMATCH);
	snprintf(spec, sizeof(spec), "fix_dup+0x%llx/0x%llx",
		 (unsigned long long)sizes[0] + 5, (unsigned long long)sizes[0]);
	assert_int_equal(crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r), 1);
	assert_true(r->status & CRASHSIG_SYM_MISMATCH);
	assert_non_null(strstr(r->note, "past end"));
	/* garbage */
	assert_true(crashsig_symbolizer_lookup(e.s, "0xzz", 4, &r) < 0);
	assert_int_equal(crashsig_symbolizer_lookup(e.s, "  \n", 3, &r), 0);
	close_sym(&e);
}

/* The return-address rule: PC-1 for call-trace frames, not for IP frames;
 * offset == size belongs to the function for a return address. */
static void test_return_address_rule(void **state)
{
	(void)state;
	struct env e;
	assert_int_equal(open_sym(&e, FIX_PROG, NULL), 0);
	const crashsig_symres *r;
	assert_int_equal(crashsig_symbolizer_lookup(e.s, "fix_use_inlines+0x0", 19, &r), 1);
	uint64_t start = r->addr;
	uint64_t size = r->sym_size;
	crashsig_frame f;
	memset(&f, 0, sizeof(f));
	f.func = "fix_use_inlines";
	f.offset = size;
	f.size = size;
	f.flags = CRASHSIG_FRAME_HAS_OFFSET | CRASHSIG_FRAME_HAS_SIZE;
	assert_int_equal(crashsig_symbolizer_frame(e.s, &f, 0, &r), 1);
	assert_false(r->status & CRASHSIG_SYM_MISMATCH);
	assert_int_equal(r->addr, start + size);
	assert_int_equal(r->lookup, start + size - 1);
	assert_true(r->nlocs >= 1);
	assert_string_equal(r->locs[r->nlocs - 1].func, "fix_use_inlines");
	f.offset = 2;
	f.flags |= CRASHSIG_FRAME_IP;
	assert_int_equal(crashsig_symbolizer_frame(e.s, &f, 0, &r), 1);
	assert_int_equal(r->lookup, start + 2);
	f.flags &= ~(unsigned)CRASHSIG_FRAME_IP;
	assert_int_equal(crashsig_symbolizer_frame(e.s, &f, 0, &r), 1);
	assert_int_equal(r->lookup, start + 1);
	assert_int_equal(crashsig_symbolizer_frame(e.s, &f, 1, &r), 1);
	assert_int_equal(r->lookup, start + 2);
	close_sym(&e);
}

static void test_nodebug_fallback(void **state)
{
	(void)state;
	struct env e;
	assert_int_equal(open_sym(&e, FIX_NODEBUG, NULL), 0);
	assert_false(crashsig_symbolizer_has_dwarf(e.s));
	const crashsig_symres *r;
	assert_int_equal(crashsig_symbolizer_lookup(e.s, "fix_split+0x3", 13, &r), 1);
	assert_true(r->status & CRASHSIG_SYM_RESOLVED);
	assert_true(r->status & CRASHSIG_SYM_NO_DEBUG);
	assert_string_equal(r->symbol, "fix_split");
	assert_int_equal(r->nlocs, 0);
	/* report lines stay as they are */
	const char *in = "[    1.000000] Call Trace:\n[    1.000000]  fix_split+0x3/0x40\n";
	char *out = NULL;
	size_t olen = 0;
	assert_int_equal(crashsig_symbolizer_report(e.s, in, strlen(in), &out, &olen), 0);
	assert_true(strncmp(out, in, strlen("[    1.000000] Call Trace:\n")) == 0);
	assert_non_null(strstr(out, "fix_split+0x3/0x40"));
	assert_null(strstr(out, ".c:"));
	free(out);
	close_sym(&e);
}

/* Text layout: console prefix kept, inline lines inserted with it, \r
 * dropped, other lines unchanged, RIP lines too. */
static void test_report_layout(void **state)
{
	(void)state;
	struct env e;
	assert_int_equal(open_sym(&e, FIX_PROG, NULL), 0);
	/* find an offset with the 3-deep chain */
	unsigned off = 0;
	const crashsig_symres *r;
	for (; off < 16; off++) {
		char spec[64];
		snprintf(spec, sizeof(spec), "fix_use_inlines+0x%x", off);
		crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r);
		if (r->nlocs == 3)
			break;
	}
	assert_true(off < 16);
	uint64_t size = r->sym_size;
	char in[1024];
	snprintf(in, sizeof(in),
		 "[   12.345678] some line\r\n"
		 "[   12.345678] RIP: 0010:fix_use_inlines+0x%x/0x%llx\r\n"
		 "[   12.345678] Call Trace:\r\n"
		 "[   12.345678]  fix_use_inlines+0x%x/0x%llx\r\n"
		 "last line without newline",
		 off, (unsigned long long)size, off + 1, (unsigned long long)size);
	char *out = NULL;
	size_t olen = 0;
	assert_int_equal(crashsig_symbolizer_report(e.s, in, strlen(in), &out, &olen), 0);
	assert_int_equal(strlen(out), olen);
	assert_null(strchr(out, '\r'));
	char exp[2048];
	snprintf(exp, sizeof(exp),
		 "[   12.345678] some line\n"
		 "[   12.345678] RIP: 0010:fix_inl_inner %s:13 [inline]\n"
		 "[   12.345678] RIP: 0010:fix_inl_middle %s:18 [inline]\n"
		 "[   12.345678] RIP: 0010:fix_use_inlines+0x%x/0x%llx %s:23\n"
		 "[   12.345678] Call Trace:\n"
		 "[   12.345678]  fix_inl_inner %s:13 [inline]\n"
		 "[   12.345678]  fix_inl_middle %s:18 [inline]\n"
		 "[   12.345678]  fix_use_inlines+0x%x/0x%llx %s:23\n"
		 "last line without newline",
		 r->locs[0].file, r->locs[1].file, off, (unsigned long long)size,
		 r->locs[2].file, r->locs[0].file, r->locs[1].file, off + 1,
		 (unsigned long long)size, r->locs[2].file);
	assert_string_equal(out, exp);
	free(out);
	/* mismatch note */
	const char *bad = "[ 1.0]  fix_use_inlines+0x1/0x999\n";
	assert_int_equal(crashsig_symbolizer_report(e.s, bad, strlen(bad), &out, &olen), 0);
	assert_non_null(strstr(out, "[mismatch: size 0x999 !="));
	assert_null(strstr(out, ".c:"));
	free(out);
	crashsig_symbolize_stats st;
	crashsig_symbolizer_stats(e.s, &st);
	assert_true(st.mismatched >= 1);
	close_sym(&e);
}

/* ------------------------------------------------------------------ */
/* relocatable "module"                                                */
/* ------------------------------------------------------------------ */

static void check_module_against_oracle(const char *moddir, const char *tag)
{
	int a2l = have_tool("addr2line");
	struct fsym fs[64];
	size_t nf = elf_funcs(FIX_MOD, fs, 64);
	int unlikely = 0;
	for (size_t i = 0; i < nf; i++)
		unlikely |= strcmp(fs[i].sec, ".text.unlikely") == 0;
	assert_true(unlikely); /* the fixture must exercise .text.unlikely */
	struct env e;
	assert_int_equal(open_sym(&e, FIX_PROG, moddir), 0);
	size_t checked = 0, bad = 0;
	for (size_t i = 0; i < nf; i++) {
		uint64_t addrs[512];
		size_t na = 0;
		for (uint64_t o = 0; o < fs[i].size && na < 512; o++)
			addrs[na++] = fs[i].value + o;
		struct oans *oa = calloc(na, sizeof(*oa));
		size_t no = a2l ? run_oracle("addr2line", FIX_MOD, fs[i].sec, addrs, na, oa) : 0;
		for (size_t k = 0; k < na; k++) {
			char spec[192];
			snprintf(spec, sizeof(spec), "fixmod:%.127s+0x%llx", fs[i].name,
				 (unsigned long long)(addrs[k] - fs[i].value));
			const crashsig_symres *r;
			assert_int_equal(crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r), 1);
			assert_true(r->status & CRASHSIG_SYM_RESOLVED);
			assert_true(r->status & CRASHSIG_SYM_HAS_LINE);
			assert_string_equal(r->module, "fixmod");
			assert_string_equal(r->locs[r->nlocs - 1].func, fs[i].name);
			if (no == na) {
				checked++;
				if (!matches_oracle(r, &oa[k], tag))
					bad++;
			}
		}
		free(oa);
	}
	/* the cold function's own line, independent of oracles */
	const crashsig_symres *r;
	assert_int_equal(crashsig_symbolizer_lookup(e.s, "fixmod:fixmod_slowpath+0x0", 26, &r), 1);
	assert_string_equal(r->locs[r->nlocs - 1].func, "fixmod_slowpath");
	assert_string_equal(base_name(r->locs[r->nlocs - 1].file), "fixmod.c");
	fprintf(stderr, "%s: %zu module addresses checked against addr2line -j, %zu differ\n",
		tag, checked, bad);
	assert_int_equal(bad, 0);
	close_sym(&e);
}

static void test_module_et_rel(void **state)
{
	(void)state;
	check_module_against_oracle(FIX_MODDIR, "fixmod.ko");
}

static void test_module_compressed(void **state)
{
	(void)state;
	size_t n;
	char *d = read_file(FIX_MOD, &n);
	/* .ko.zst, compressed in-process */
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/zst/kernel/x", SYMFIX_DIR);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	size_t cap = ZSTD_compressBound(n);
	char *z = malloc(cap);
	size_t zn = ZSTD_compress(z, cap, d, n, 3);
	assert_false(ZSTD_isError(zn));
	char path[600];
	snprintf(path, sizeof(path), "%.500s/fixmod.ko.zst", dir);
	write_file(path, z, zn);
	free(z);
	free(d);
	snprintf(dir, sizeof(dir), "%s/zst", SYMFIX_DIR);
	check_module_against_oracle(dir, "fixmod.ko.zst");
	/* .ko.xz and .ko.gz when the tools are there */
	if (have_tool("xz")) {
		snprintf(cmd, sizeof(cmd),
			 "mkdir -p '%s/xz' && xz -c '%s' > '%s/xz/fixmod.ko.xz'", SYMFIX_DIR,
			 FIX_MOD, SYMFIX_DIR);
		assert_int_equal(system(cmd), 0);
		snprintf(dir, sizeof(dir), "%s/xz", SYMFIX_DIR);
		check_module_against_oracle(dir, "fixmod.ko.xz");
	} else {
		fprintf(stderr, "SKIP part: xz not installed\n");
	}
	if (have_tool("gzip")) {
		snprintf(cmd, sizeof(cmd),
			 "mkdir -p '%s/gz' && gzip -c '%s' > '%s/gz/fixmod.ko.gz'", SYMFIX_DIR,
			 FIX_MOD, SYMFIX_DIR);
		assert_int_equal(system(cmd), 0);
		snprintf(dir, sizeof(dir), "%s/gz", SYMFIX_DIR);
		check_module_against_oracle(dir, "fixmod.ko.gz");
	}
}

static void test_module_missing(void **state)
{
	(void)state;
	struct env e;
	assert_int_equal(open_sym(&e, FIX_PROG, FIX_MODDIR), 0);
	const char *in = " foo+0x1/0x10 [nosuchmod]\n";
	char *out = NULL;
	size_t olen;
	assert_int_equal(crashsig_symbolizer_report(e.s, in, strlen(in), &out, &olen), 0);
	assert_string_equal(out, in); /* unchanged, never a wrong line */
	free(out);
	const crashsig_symres *r;
	assert_int_equal(crashsig_symbolizer_line(e.s, in, strlen(in), &r), 1);
	assert_true(r->status & CRASHSIG_SYM_NO_MODULE);
	close_sym(&e);
}

#define CRASHGEN_BUILD_ID "8c01bb24a12d7bc668760493f18f58f381738ad2"

/* Real module (crashgen.ko, ET_REL, .text.unlikely): found by name and
 * build id; a different build id is a mismatch. Needs no vmlinux. */
static void test_module_build_id(void **state)
{
	(void)state;
	struct env e;
	assert_int_equal(open_sym(&e, FIX_PROG, RK_DIR), 0);
	const crashsig_symres *r;
	const char *ok = "[    2.0]  crashgen_run.cold+0x1c/0x4e [crashgen " CRASHGEN_BUILD_ID "]\n";
	assert_int_equal(crashsig_symbolizer_line(e.s, ok, strlen(ok), &r), 1);
	assert_false(r->status & CRASHSIG_SYM_MISMATCH);
	assert_true(r->status & CRASHSIG_SYM_HAS_LINE);
	assert_string_equal(r->locs[r->nlocs - 1].func, "crashgen_run");
	assert_string_equal(r->locs[r->nlocs - 1].file, "/tmp/crashgen-work/module/crashgen.c");
	assert_int_equal(r->locs[r->nlocs - 1].line, 295);
	const char *bad = "[    2.0]  crashgen_run.cold+0x1c/0x4e [crashgen "
			  "0000bb24a12d7bc668760493f18f58f381738ad2]\n";
	assert_int_equal(crashsig_symbolizer_line(e.s, bad, strlen(bad), &r), 1);
	assert_true(r->status & CRASHSIG_SYM_MISMATCH);
	assert_non_null(strstr(r->note, "build id"));
	close_sym(&e);
	/* by build id only: .build-id/xx/rest.debug under --modules */
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/bid/.build-id/8c' && cp '%s/crashgen.ko' "
		 "'%s/bid/.build-id/8c/%s.debug'",
		 SYMFIX_DIR, RK_DIR, SYMFIX_DIR, &CRASHGEN_BUILD_ID[2]);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(open_sym(&e, FIX_PROG, SYMFIX_DIR "/bid"), 0);
	assert_int_equal(crashsig_symbolizer_line(e.s, ok, strlen(ok), &r), 1);
	assert_true(r->status & CRASHSIG_SYM_HAS_LINE);
	assert_int_equal(r->locs[r->nlocs - 1].line, 295);
	close_sym(&e);
}

/* A .debug_info whose first unit header is garbage. */
static void test_truncated_dwarf(void **state)
{
	(void)state;
	size_t n;
	char *d = read_file(FIX_PROG, &n);
	uint64_t off = debug_info_offset(d, n);
	assert_true(off > 0);
	memset(d + off, 0xff, 4); /* 64-bit DWARF escape ... */
	memset(d + off + 4, 0x7f, 8); /* ... with an absurd length */
	const char *p = SYMFIX_DIR "/bad-dwarf";
	write_file(p, d, n);
	free(d);
	struct env en;
	int rc = open_sym(&en, p, NULL);
	assert_int_equal(rc, CRASHSIG_EFORMAT);
	assert_non_null(strstr(crashsig_error_last(en.ctx), "DWARF"));
	close_sym(&en);
}

/* A damaged unit after the first: vmlinux opens (only its first unit is
 * checked then), lookups in the units before it keep their file:line, and
 * the first lookup that needs libdw names the damage
 * (crashsig_symbolizer_problem; crashsig symbolize exits 2). */
static void test_damaged_later_unit(void **state)
{
	(void)state;
	const char *p = SYMFIX_DIR "/bad-second-unit";
	uint64_t second = damage_second_unit(p);
	struct env en;
	assert_int_equal(open_sym(&en, p, NULL), 0);
	assert_null(crashsig_symbolizer_problem(en.s));
	const crashsig_symres *r;
	const char *spec = "fix_use_inlines+0x4";
	assert_int_equal(crashsig_symbolizer_lookup(en.s, spec, strlen(spec), &r), 1);
	assert_true(r->status & CRASHSIG_SYM_RESOLVED);
	assert_true(r->nlocs >= 1);
	assert_string_equal(base_name(r->locs[r->nlocs - 1].file), "fix_prog.c");
	spec = "fix_other_entry+0x4";
	assert_int_equal(crashsig_symbolizer_lookup(en.s, spec, strlen(spec), &r), 1);
	assert_true(r->nlocs == 0 || !r->locs[r->nlocs - 1].file);
	const char *why = crashsig_symbolizer_problem(en.s);
	assert_non_null(why);
	char want[64];
	snprintf(want, sizeof(want), ".debug_info+0x%llx runs past", (unsigned long long)second);
	assert_non_null(strstr(why, want));
	assert_non_null(strstr(why, p));
	close_sym(&en);
	struct env ok;
	assert_int_equal(open_sym(&ok, FIX_PROG, NULL), 0);
	assert_int_equal(crashsig_symbolizer_lookup(ok.s, spec, strlen(spec), &r), 1);
	assert_true(r->nlocs >= 1 && r->locs[r->nlocs - 1].file);
	assert_null(crashsig_symbolizer_problem(ok.s));
	close_sym(&ok);
}

/* ------------------------------------------------------------------ */
/* paths                                                               */
/* ------------------------------------------------------------------ */

static void test_paths(void **state)
{
	(void)state;
	char b[256];
	crashsig_symbolize_path("debian/build/build_amd64_none_cloud-amd64/mm/slub.c", NULL,
				b, sizeof(b));
	assert_string_equal(b, "mm/slub.c");
	crashsig_symbolize_path("/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S",
				NULL, b, sizeof(b));
	assert_string_equal(b, "arch/x86/entry/entry_64.S");
	crashsig_symbolize_path("/build/reproducible-path/linux-6.1.192/debian/build/"
				"build_amd64_none_cloud-amd64/include/linux/slab.h",
				NULL, b, sizeof(b));
	assert_string_equal(b, "include/linux/slab.h");
	crashsig_symbolize_path("/usr/src/linux-headers-6.1.0-56-common/include/linux/slab.h",
				NULL, b, sizeof(b));
	assert_string_equal(b, "include/linux/slab.h");
	crashsig_symbolize_path("/home/me/linux/net/ipv4/tcp.c", NULL, b, sizeof(b));
	assert_string_equal(b, "net/ipv4/tcp.c");
	/* out-of-tree module sources stay as they are */
	crashsig_symbolize_path("/tmp/crashgen-work/module/crashgen.c", NULL, b, sizeof(b));
	assert_string_equal(b, "/tmp/crashgen-work/module/crashgen.c");
	crashsig_symbolize_path("/tmp/crashgen-work/module/crashgen.c", "/tmp/crashgen-work/", b,
				sizeof(b));
	assert_string_equal(b, "module/crashgen.c");
	crashsig_symbolize_path("kernel/sched/core.c", NULL, b, sizeof(b));
	assert_string_equal(b, "kernel/sched/core.c");
	assert_int_equal(crashsig_symbolize_path("abcdef", NULL, b, 4), 6);
	assert_string_equal(b, "abc");
}

/* ------------------------------------------------------------------ */
/* the real Debian kernel                                              */
/* ------------------------------------------------------------------ */

static int need_vmlinux(void)
{
	if (!file_exists(SYMFIX_VMLINUX)) {
		fprintf(stderr, "SKIP: %s not installed (apt-get install "
				"linux-image-6.1.0-56-cloud-amd64-dbg)\n",
			SYMFIX_VMLINUX);
		return 0;
	}
	return 1;
}

static char *symbolize_file(struct env *e, const char *path, size_t *olen)
{
	size_t n;
	char *d = read_file(path, &n);
	char *out = NULL;
	assert_int_equal(crashsig_symbolizer_report(e->s, d, n, &out, olen), 0);
	free(d);
	return out;
}

static void assert_has_line(const char *out, const char *line)
{
	if (!strstr(out, line)) {
		fprintf(stderr, "missing line: '%s'\n", line);
		fail();
	}
}

static void test_real_uaf_write(void **state)
{
	(void)state;
	if (!need_vmlinux())
		skip();
	struct env e;
	assert_int_equal(open_sym(&e, SYMFIX_VMLINUX, RK_DIR), 0);
	size_t olen;
	char *out = symbolize_file(&e, RK_DIR "/uaf_write.log", &olen);
	/* verified with addr2line/eu-addr2line (-j .text.unlikely for .cold) */
	assert_has_line(out, "[    2.727056]  __dump_stack lib/dump_stack.c:91 [inline]\n"
			     "[    2.727056]  dump_stack_lvl+0x44/0x5c lib/dump_stack.c:109\n");
	assert_has_line(out, "[    2.727056]  check_bytes_and_report.cold+0x6d/0x97 mm/slub.c:1019\n");
	assert_has_line(out, " get_partial_node.part.0+0x256/0x400 mm/slub.c:2230\n");
	assert_has_line(out, "[    2.727056]  kmalloc include/linux/slab.h:563 [inline]\n"
			     "[    2.727056]  crashgen_uaf_write+0x50/0x60 [crashgen] "
			     "/tmp/crashgen-work/module/crashgen.c:210\n");
	assert_has_line(out, " crashgen_run.cold+0x1c/0x4e [crashgen] /tmp/crashgen-work/module/crashgen.c:295"
			     "\n");
	assert_has_line(out, " entry_SYSCALL_64_after_hwframe+0x6e/0xd8 "
			     "arch/x86/entry/entry_64.S:121\n");
	assert_has_line(out, " do_syscall_x64 arch/x86/entry/common.c:46 [inline]\n");
	assert_null(strchr(out, '\r'));
	crashsig_symbolize_stats st;
	crashsig_symbolizer_stats(e.s, &st);
	assert_int_equal(st.mismatched, 0);
	assert_int_equal(st.unresolved, 0);
	assert_true(st.frames >= 50);
	free(out);
	close_sym(&e);
}

static void test_real_rip_and_offset_eq_size(void **state)
{
	(void)state;
	if (!need_vmlinux())
		skip();
	struct env e;
	assert_int_equal(open_sym(&e, SYMFIX_VMLINUX, RK_DIR), 0);
	size_t olen;
	char *out = symbolize_file(&e, RK_DIR "/nullderef.log", &olen);
	assert_has_line(out,
			"] RIP: 0010:crashgen_obj_len /tmp/crashgen-work/module/crashgen.c:61 [inline]\n"
			"[    2.825950] RIP: 0010:crashgen_total_len "
			"/tmp/crashgen-work/module/crashgen.c:66 [inline]\n"
			"[    2.825950] RIP: 0010:crashgen_nullderef+0xc/0x20 [crashgen] "
			"/tmp/crashgen-work/module/crashgen.c:94\n");
	assert_has_line(out, "] RIP: 0033:0x47b7a0\n"); /* user space: untouched */
	free(out);
	out = symbolize_file(&e, RK_DIR "/timer_oops.log", &olen);
	/* offset == size: address is the first byte of crashgen_timer_fn, the
	 * return-address rule puts it at the end of crashgen_stackprot */
	assert_has_line(out, " ? crashgen_stackprot+0x70/0x70 [crashgen] "
			     "/tmp/crashgen-work/module/crashgen.c:232\n");
	assert_has_line(out, "] RIP: 0010:crashgen_timer_fn+0xc/0x20 [crashgen] "
			     "/tmp/crashgen-work/module/crashgen.c:238\n");
	free(out);
	crashsig_symbolize_stats st;
	crashsig_symbolizer_stats(e.s, &st);
	assert_int_equal(st.mismatched, 0);
	close_sym(&e);
}

/* Kernel Offset: for raw [<addr>] frames. */
static void test_real_kaslr(void **state)
{
	(void)state;
	if (!need_vmlinux())
		skip();
	struct env e;
	assert_int_equal(open_sym(&e, SYMFIX_VMLINUX, NULL), 0);
	const crashsig_symres *r;
	assert_int_equal(crashsig_symbolizer_lookup(e.s, "vfs_write+0xc7", 14, &r), 1);
	uint64_t a = r->addr;
	/* the report's Kernel Offset: line (at its end) sets the offset */
	const char *in = "[    1.0] Call Trace:\n"
			 "[    1.0] Kernel Offset: 0x1e000000 from 0xffffffff81000000 "
			 "(relocation range: 0xffffffff80000000-0xffffffffbfffffff)\n";
	char *out = NULL;
	size_t olen;
	assert_int_equal(crashsig_symbolizer_report(e.s, in, strlen(in), &out, &olen), 0);
	assert_string_equal(out, in);
	free(out);
	crashsig_frame f;
	memset(&f, 0, sizeof(f));
	f.func = "";
	f.addr = a + 0x1e000000;
	f.flags = CRASHSIG_FRAME_HAS_ADDR;
	assert_int_equal(crashsig_symbolizer_frame(e.s, &f, 0, &r), 1);
	assert_string_equal(r->symbol, "vfs_write");
	assert_int_equal(r->sym_offset, 0xc7);
	assert_int_equal(r->sym_size, 0x3f0);
	assert_string_equal(r->locs[r->nlocs - 1].file, "fs/read_write.c");
	assert_int_equal(r->locs[r->nlocs - 1].line, 582);
	/* and from a single line */
	const char *ko = "[    1.0] Kernel Offset: 0x2000000 from 0xffffffff81000000\n";
	assert_int_equal(crashsig_symbolizer_line(e.s, ko, strlen(ko), &r), 0);
	f.addr = a + 0x2000000;
	assert_int_equal(crashsig_symbolizer_frame(e.s, &f, 0, &r), 1);
	assert_string_equal(r->symbol, "vfs_write");
	/* user-space addresses are left alone */
	f.addr = 0x47b7a0;
	assert_int_equal(crashsig_symbolizer_frame(e.s, &f, 0, &r), 0);
	close_sym(&e);
}

/* 200 addresses of the real vmlinux against addr2line and eu-addr2line. */
static void test_real_oracle(void **state)
{
	(void)state;
	if (!need_vmlinux())
		skip();
	int a2l = have_tool("addr2line"), eu = have_tool("eu-addr2line");
	if (!a2l && !eu) {
		fprintf(stderr, "SKIP: no addr2line/eu-addr2line\n");
		skip();
	}
	struct env e;
	assert_int_equal(open_sym(&e, SYMFIX_VMLINUX, NULL), 0);
	/* deterministic addresses: every 73rd text address of a few functions
	 * found by name */
	static const char *const fns[] = {
		"vfs_write", "ksys_write", "__kmem_cache_alloc_node", "___slab_alloc",
		"do_syscall_64", "check_object", "dump_stack_lvl", "tcp_sendmsg_locked",
		"schedule", "__schedule", "handle_mm_fault", "do_user_addr_fault",
		"filemap_map_pages", "kmalloc_trace", "proc_reg_write", NULL};
	uint64_t addrs[256];
	size_t na = 0;
	for (size_t i = 0; fns[i]; i++) {
		const crashsig_symres *r;
		char spec[128];
		snprintf(spec, sizeof(spec), "%s+0x0", fns[i]);
		if (crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r) != 1 ||
		    !(r->status & CRASHSIG_SYM_RESOLVED))
			continue;
		for (uint64_t o = 0; o < r->sym_size && na < 256; o += 37)
			addrs[na++] = r->addr + o;
	}
	assert_true(na > 100);
	struct oans *o1 = calloc(na, sizeof(*o1)), *o2 = calloc(na, sizeof(*o2));
	size_t n1 = a2l ? run_oracle("addr2line", SYMFIX_VMLINUX, NULL, addrs, na, o1) : 0;
	size_t n2 = eu ? run_oracle("eu-addr2line", SYMFIX_VMLINUX, NULL, addrs, na, o2) : 0;
	size_t checked = 0, bad = 0;
	for (size_t i = 0; i < na; i++) {
		const struct oans *ref = NULL;
		if (n1 == na && n2 == na)
			ref = oans_equal(&o1[i], &o2[i]) ? &o1[i] : NULL;
		else if (n2 == na)
			ref = &o2[i];
		else if (n1 == na)
			ref = &o1[i];
		if (!ref)
			continue;
		char spec[64];
		snprintf(spec, sizeof(spec), "0x%llx", (unsigned long long)addrs[i]);
		const crashsig_symres *r;
		assert_int_equal(crashsig_symbolizer_lookup(e.s, spec, strlen(spec), &r), 1);
		checked++;
		if (!matches_oracle(r, ref, "vmlinux"))
			bad++;
	}
	fprintf(stderr, "vmlinux: %zu addresses, %zu checked, %zu differ\n", na, checked, bad);
	assert_true(checked > na / 2);
	assert_int_equal(bad, 0);
	free(o1);
	free(o2);
	close_sym(&e);
}

/* The title must not depend on symbolization. */
static void test_real_titles_unchanged(void **state)
{
	(void)state;
	if (!need_vmlinux())
		skip();
	static const char *const logs[] = {"uaf_write.log", "nullderef.log", "timer_oops.log",
					   "warn.log", "gpf.log", NULL};
	struct env e;
	assert_int_equal(open_sym(&e, SYMFIX_VMLINUX, RK_DIR), 0);
	for (size_t i = 0; logs[i]; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", RK_DIR, logs[i]);
		size_t n, olen;
		char *raw = read_file(path, &n);
		char *sym = symbolize_file(&e, path, &olen);
		crashsig_report **r1 = NULL, **r2 = NULL;
		size_t c1 = 0, c2 = 0;
		assert_int_equal(crashsig_parse_buffer(e.ctx, raw, n, &r1, &c1), 0);
		assert_int_equal(crashsig_parse_buffer(e.ctx, sym, olen, &r2, &c2), 0);
		assert_true(c1 >= 1);
		assert_int_equal(c1, c2);
		for (size_t k = 0; k < c1; k++) {
			const char *t1 = crashsig_report_title(r1[k]);
			const char *t2 = crashsig_report_title(r2[k]);
			if (strcmp(t1, t2) != 0)
				fprintf(stderr, "%s report %zu: '%s' != '%s'\n", logs[i], k, t1, t2);
			assert_string_equal(t1, t2);
		}
		crashsig_reports_free(r1, c1);
		crashsig_reports_free(r2, c2);
		free(raw);
		free(sym);
	}
	close_sym(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_wrong_arch),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_inline_chain),
		cmocka_unit_test(test_oracle_prog),
		cmocka_unit_test(test_dup_names_by_size),
		cmocka_unit_test(test_return_address_rule),
		cmocka_unit_test(test_nodebug_fallback),
		cmocka_unit_test(test_report_layout),
		cmocka_unit_test(test_module_et_rel),
		cmocka_unit_test(test_module_compressed),
		cmocka_unit_test(test_module_missing),
		cmocka_unit_test(test_module_build_id),
		cmocka_unit_test(test_truncated_dwarf),
		cmocka_unit_test(test_damaged_later_unit),
		cmocka_unit_test(test_real_uaf_write),
		cmocka_unit_test(test_real_rip_and_offset_eq_size),
		cmocka_unit_test(test_real_kaslr),
		cmocka_unit_test(test_real_oracle),
		cmocka_unit_test(test_real_titles_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
