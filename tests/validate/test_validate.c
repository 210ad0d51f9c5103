/* Tests of crashsig validate (include/crashsig/validate.h):
 *  - titles: which function a title names;
 *  - a fixture "kernel" built with gcc -g -O2 (fixtures/validate/vfix_*.c):
 *    one function per verdict;
 *  - Debian's 6.1 vmlinux (skipped visibly when absent): the seed titles,
 *    the real Debian logs with crashgen.ko, and the census of the corpus
 *    titles against tests/validate/census-6.1.txt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crashsig/crashsig.h"
#include "crashsig/symbolize.h"
#include "crashsig/validate.h"
#include "testutil.h"
#include "validate/validate_int.h"

#ifndef VFIX_DIR
#define VFIX_DIR "."
#endif
#define VMLINUX61 "/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64"

/* ------------------------------------------------------------------ */
/* Titles                                                              */
/* ------------------------------------------------------------------ */

static void expect_fn(const char *title, const char *fn)
{
	char buf[256];
	int r = crashsig_title_function(title, buf, sizeof(buf));
	if (!fn) {
		if (r)
			fail_msg("'%s': expected no function, got '%s'", title, buf);
		return;
	}
	if (!r || strcmp(buf, fn))
		fail_msg("'%s': expected '%s', got '%s'", title, fn, r ? buf : "(none)");
}

static void test_title_function(void **state)
{
	(void)state;
	expect_fn("general protection fault in xsk_poll", "xsk_poll");
	expect_fn("WARNING in bpf_check", "bpf_check");
	expect_fn("KASAN: slab-out-of-bounds Read in ip6_fragment", "ip6_fragment");
	expect_fn("BUG: using __this_cpu_read() in preemptible code in ipcomp_init_state",
		  "ipcomp_init_state");
	expect_fn("KASAN: slab-out-of-bounds in gup_huge_pmd at addr ADDR", "gup_huge_pmd");
	expect_fn("INFO: Freed in fasync_free_rcu age=NUM cpu=NUM pid=NUM", "fasync_free_rcu");
	expect_fn("KCSAN: data-race in tick_nohz_next_event / tick_nohz_stop_tick",
		  "tick_nohz_next_event");
	expect_fn("general protection fault in do_tcp_getsockopt (2)", "do_tcp_getsockopt");
	expect_fn("general protection fault in corrupted", NULL);
	expect_fn("lost connection to test machine", NULL);
	expect_fn("kernel panic: sysrq triggered crash", NULL);
	expect_fn("WARNING: suspicious RCU usage", NULL);
	expect_fn("BUG: unable to handle kernel", NULL);
	expect_fn("", NULL);
}

/* ------------------------------------------------------------------ */
/* Fixture binary                                                      */
/* ------------------------------------------------------------------ */

typedef struct env {
	crashsig_ctx *ctx;
	crashsig_index *ix;
} env;

static int env_open(env *e, const char *vmlinux, const char *mods, const char *const *extra,
		    size_t nextra)
{
	memset(e, 0, sizeof(*e));
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	char err[256];
	if (crashsig_ctx_new(&e->ctx, &o, err, sizeof(err)))
		return -1;
	crashsig_index_options io = CRASHSIG_INDEX_OPTIONS_INIT;
	io.vmlinux = vmlinux;
	io.modules_dir = mods;
	io.extra_modules = extra;
	io.nextra_modules = nextra;
	if (crashsig_index_new(&e->ix, e->ctx, &io)) {
		fprintf(stderr, "index: %s\n", crashsig_error_last(e->ctx));
		return -1;
	}
	return 0;
}

static void env_close(env *e)
{
	crashsig_index_free(e->ix);
	crashsig_ctx_free(e->ctx);
}

static int has_item(const crashsig_validation *v, const char *s)
{
	for (size_t i = 0; i < v->nitems; i++)
		if (!strcmp(v->items[i], s))
			return 1;
	return 0;
}

static int has_symbol(const crashsig_validation *v, const char *s)
{
	for (size_t i = 0; i < v->nsymbols; i++)
		if (!strcmp(v->symbols[i], s))
			return 1;
	return 0;
}

static crashsig_validation *check(env *e, const char *title, crashsig_name_status st)
{
	crashsig_validation *v = NULL;
	assert_int_equal(crashsig_validate_title(e->ix, title, &v), 0);
	assert_non_null(v);
	if (v->status != st)
		fail_msg("'%s': status %s, expected %s (%s)", title,
			 crashsig_name_status_str(v->status), crashsig_name_status_str(st),
			 v->verdict);
	assert_non_null(v->verdict);
	return v;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = s ? strlen(s) : 0, b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

static void test_fixture_verdicts(void **state)
{
	(void)state;
	const char *extra[] = {VFIX_DIR "/vfixmod.ko"};
	env e;
	assert_int_equal(env_open(&e, VFIX_DIR "/vfix", "", extra, 1), 0);
	crashsig_validation *v;

	v = check(&e, "WARNING in vfix_holder_a", CRASHSIG_NAME_SYMBOL);
	assert_true(v->producible);
	assert_true(ends_with(v->decl_file, "vfix_main.c"));
	assert_true(v->decl_line > 0);
	crashsig_validation_free(v);

	/* inline-only: both holders listed; a WARNING line cannot name it */
	v = check(&e, "WARNING in vfix_helper", CRASHSIG_NAME_INLINE_ONLY);
	assert_true(has_item(v, "vfix_holder_a"));
	assert_true(has_item(v, "vfix_holder_b"));
	assert_int_equal(v->holders_total, 2);
	assert_false(v->producible);
	assert_true(ends_with(v->decl_file, "vfix_main.c"));
	crashsig_validation_free(v);
	/* ... while a stack-titled report names it once symbolized */
	v = check(&e, "general protection fault in vfix_helper", CRASHSIG_NAME_INLINE_ONLY);
	assert_true(v->producible);
	assert_non_null(strstr(v->verdict, "raw report"));
	crashsig_validation_free(v);

	v = check(&e, "BUG: foo in vfix_partly", CRASHSIG_NAME_PARTLY_INLINED);
	assert_true(v->producible);
	crashsig_validation_free(v);

	v = check(&e, "KASAN: use-after-free Read in vfix_scaled", CRASHSIG_NAME_SUFFIXED);
	assert_true(has_symbol(v, "vfix_scaled.constprop.0"));
	crashsig_validation_free(v);

	v = check(&e, "general protection fault in vfix_dup", CRASHSIG_NAME_MULTIPLE_STATIC);
	assert_int_equal(v->nsymbols, 2);
	assert_int_equal(v->nitems, 2);
	assert_true(ends_with(v->items[0], "vfix_main.c") || ends_with(v->items[1], "vfix_main.c"));
	assert_true(ends_with(v->items[0], "vfix_other.c") ||
		    ends_with(v->items[1], "vfix_other.c"));
	crashsig_validation_free(v);

	v = check(&e, "INFO: task hung in sys_vfixcall", CRASHSIG_NAME_SYMBOL);
	assert_string_equal(v->syscall_wrapper, "__x64_sys_vfixcall");
	crashsig_validation_free(v);
	v = check(&e, "INFO: task hung in SyS_vfixcall", CRASHSIG_NAME_SYMBOL);
	assert_string_equal(v->syscall_wrapper, "__x64_sys_vfixcall");
	crashsig_validation_free(v);

	/* KCSAN names two functions: both are validated */
	v = check(&e, "KCSAN: data-race in vfix_holder_a / vfix_partly", CRASHSIG_NAME_SYMBOL);
	assert_string_equal(v->function, "vfix_holder_a");
	assert_string_equal(v->function2, "vfix_partly");
	assert_int_equal(v->status2, CRASHSIG_NAME_PARTLY_INLINED);
	assert_non_null(v->verdict2);
	assert_true(v->producible);
	crashsig_validation_free(v);
	v = check(&e, "KCSAN: data-race in vfix_holder_a / vfix_no_such_function", CRASHSIG_NAME_SYMBOL);
	assert_string_equal(v->function2, "vfix_no_such_function");
	assert_int_equal(v->status2, CRASHSIG_NAME_ABSENT);
	assert_false(v->producible);
	assert_non_null(strstr(v->verdict, "second function"));
	crashsig_validation_free(v);
	v = check(&e, "KCSAN: data-race in vfix_holder_a.constprop.0 / vfix_holder_b", CRASHSIG_NAME_SYMBOL);
	assert_string_equal(v->function2, "vfix_holder_b");
	crashsig_validation_free(v);
	/* other titles have no second function */
	v = check(&e, "WARNING in vfix_holder_a", CRASHSIG_NAME_SYMBOL);
	assert_null(v->function2);
	assert_null(v->verdict2);
	assert_int_equal(v->status2, CRASHSIG_NAME_NO_FUNCTION);
	crashsig_validation_free(v);

	v = check(&e, "WARNING in vfixmod_entry", CRASHSIG_NAME_MODULE);
	assert_string_equal(v->module, "vfixmod");
	assert_true(has_symbol(v, "vfixmod:vfixmod_entry"));
	assert_true(ends_with(v->decl_file, "vfix_mod.c"));
	crashsig_validation_free(v);

	v = check(&e, "KASAN: use-after-free in vfixmod_helper", CRASHSIG_NAME_INLINE_ONLY);
	assert_string_equal(v->module, "vfixmod");
	assert_true(has_item(v, "vfixmod_entry"));
	crashsig_validation_free(v);

	v = check(&e, "general protection fault in vfix_hlper", CRASHSIG_NAME_ABSENT);
	assert_false(v->producible);
	assert_true(has_item(v, "vfix_helper"));
	crashsig_validation_free(v);

	v = check(&e, "lost connection to test machine", CRASHSIG_NAME_NO_FUNCTION);
	assert_null(v->function);
	crashsig_validation_free(v);

	/* with a report, close names come from the file of the title's
	 * frame: vfix_other (another file) is not suggested for vfix_othr */
	char rep[2048];
	snprintf(rep, sizeof(rep),
		 "general protection fault, probably for non-canonical address "
		 "0xdffffc0000000002: 0000 [#1] PREEMPT SMP KASAN\n"
		 "CPU: 0 PID: 1 Comm: syz-executor Not tainted 6.1.0 #1\n"
		 "RIP: 0010:vfix_othr+0x1/0x20 %s/fixtures/validate/vfix_main.c:12\n"
		 "Call Trace:\n"
		 " <TASK>\n"
		 " vfix_othr+0x1/0x20 %s/fixtures/validate/vfix_main.c:12\n"
		 " main+0x10/0x40 %s/fixtures/validate/vfix_main.c:60\n"
		 " </TASK>\n",
		 CRASHSIG_SOURCE_DIR, CRASHSIG_SOURCE_DIR, CRASHSIG_SOURCE_DIR);
	crashsig_report **reps = NULL;
	size_t nr = 0;
	assert_int_equal(crashsig_parse_buffer(e.ctx, rep, strlen(rep), &reps, &nr), 0);
	assert_int_equal(nr, 1);
	assert_string_equal(crashsig_report_title(reps[0]), "general protection fault in vfix_othr");
	assert_int_equal(crashsig_validate_report(e.ix, NULL, reps[0], &v), 0);
	assert_int_equal(v->status, CRASHSIG_NAME_ABSENT);
	assert_true(v->has_report);
	assert_true(v->nitems > 0);
	assert_false(has_item(v, "vfix_other"));
	assert_true(ends_with(v->guilty_file, "fixtures/validate/vfix_main.c"));
	crashsig_validation_free(v);
	crashsig_reports_free(reps, nr);
	v = check(&e, "general protection fault in vfix_othr", CRASHSIG_NAME_ABSENT);
	assert_true(has_item(v, "vfix_other")); /* without a file: the whole build */
	crashsig_validation_free(v);

	crashsig_index_stats st;
	crashsig_index_stats_get(e.ix, &st);
	assert_true(st.vmlinux_symbols >= 10);
	assert_int_equal(st.modules, 1);
	assert_true(st.subprograms >= 10);
	env_close(&e);
}

static void test_errors(void **state)
{
	(void)state;
	crashsig_ctx *ctx;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.flags = CRASHSIG_CTX_NO_RULES;
	assert_int_equal(crashsig_ctx_new(&ctx, &o, NULL, 0), 0);
	crashsig_index *ix = (crashsig_index *)1;
	crashsig_index_options io = CRASHSIG_INDEX_OPTIONS_INIT;
	io.vmlinux = "/nonexistent/vmlinux";
	assert_int_equal(crashsig_index_new(&ix, ctx, &io), CRASHSIG_EIO);
	assert_null(ix);
	assert_non_null(strstr(crashsig_error_last(ctx), "/nonexistent/vmlinux"));
	io.vmlinux = CRASHSIG_SOURCE_DIR "/fixtures/validate/vfix_main.c";
	assert_int_equal(crashsig_index_new(&ix, ctx, &io), CRASHSIG_EFORMAT);
	io.vmlinux = NULL;
	assert_int_equal(crashsig_index_new(&ix, ctx, &io), CRASHSIG_EINVAL);
	crashsig_index_free(NULL);
	crashsig_validation_free(NULL);
	crashsig_ctx_free(ctx);
}

/* The shared DIE reader (src/dwarf/, through dwarf_top.c) and libdw give
 * the same index. */
static void same_walk(const char *vmlinux, const char *mods)
{
	crashsig_ctx *ctx;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.flags = CRASHSIG_CTX_NO_RULES;
	assert_int_equal(crashsig_ctx_new(&ctx, &o, NULL, 0), 0);
	crashsig_index *a, *b;
	crashsig_index_options io = CRASHSIG_INDEX_OPTIONS_INIT;
	io.vmlinux = vmlinux;
	io.modules_dir = mods;
	assert_int_equal(crashsig_index_new(&a, ctx, &io), 0);
	io.flags = CRASHSIG_INDEX_LIBDW_ONLY;
	assert_int_equal(crashsig_index_new(&b, ctx, &io), 0);
	/* a was built by the shared DIE reader (not its libdw fallback), b
	 * by libdw: else this compares libdw with itself */
	assert_int_equal(a->dies_own, 1);
	assert_int_equal(b->dies_own, 0);
	assert_int_equal(a->ncus, b->ncus);
	assert_true(a->nfns > 0);
	assert_int_equal(a->nfns, b->nfns);
	for (size_t i = 0; i < a->ncus; i++) {
		assert_int_equal(a->cus[i].off, b->cus[i].off);
		assert_true((!a->cus[i].name && !b->cus[i].name) ||
			    (a->cus[i].name && b->cus[i].name &&
			     !strcmp(a->cus[i].name, b->cus[i].name)));
	}
	for (size_t i = 0; i < a->nfns; i++) {
		const vx_fn *x = &a->fns[i], *y = &b->fns[i];
		if (x->off != y->off || strcmp(x->name, y->name) || x->cu != y->cu ||
		    x->inl != y->inl || x->flags != y->flags)
			fail_msg("DIE 0x%llx %s: fast (%s cu %u inl %u flags %u) vs libdw (%s cu %u "
				 "inl %u flags %u)",
				 (unsigned long long)x->off, vmlinux, x->name, x->cu, x->inl, x->flags,
				 y->name, y->cu, y->inl, y->flags);
	}
	fprintf(stderr, "%s: %zu units, %zu subprograms alike\n", vmlinux, a->ncus, a->nfns);
	crashsig_index_free(a);
	crashsig_index_free(b);
	crashsig_ctx_free(ctx);
}

static void test_fast_walk_fixture(void **state)
{
	(void)state;
	same_walk(VFIX_DIR "/vfix", "");
}

/* ------------------------------------------------------------------ */
/* Debian 6.1                                                          */
/* ------------------------------------------------------------------ */

static int have_vmlinux(void)
{
	if (access(VMLINUX61, R_OK)) {
		fprintf(stderr, "skipped: %s is not installed (linux-image-6.1.0-56-cloud-amd64-dbg)\n",
			VMLINUX61);
		return 0;
	}
	return 1;
}

/* The seed titles (../shared/seeds): what 6.1 has under their names. */
static void test_seeds_61(void **state)
{
	(void)state;
	if (!have_vmlinux())
		skip();
	env e;
	assert_int_equal(env_open(&e, VMLINUX61, NULL, NULL, 0), 0);
	crashsig_validation *v;

	/* the table of fixtures/validate/seeds-6.1.txt */
	size_t len;
	char *tab = test_read_file(CRASHSIG_SOURCE_DIR "/fixtures/validate/seeds-6.1.txt", &len);
	assert_non_null(tab);
	int rows = 0;
	for (char *line = strtok(tab, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char *title = line, *st = strchr(title, '\t');
		assert_non_null(st);
		*st++ = 0;
		char *prod = strchr(st, '\t');
		assert_non_null(prod);
		*prod++ = 0;
		assert_int_equal(crashsig_validate_title(e.ix, title, &v), 0);
		if (strcmp(crashsig_name_status_str(v->status), st) || v->producible != atoi(prod))
			fail_msg("%s: %s producible=%d, expected %s producible=%d", title,
				 crashsig_name_status_str(v->status), v->producible, st, atoi(prod));
		crashsig_validation_free(v);
		rows++;
	}
	assert_int_equal(rows, 5);
	free(tab);

	/* seed 000: xsk_poll is a plain function on 6.1 too */
	v = check(&e, "general protection fault in xsk_poll", CRASHSIG_NAME_SYMBOL);
	assert_string_equal(v->decl_file, "net/xdp/xsk.c");
	crashsig_validation_free(v);

	/* seed 001 was titled on 5.6 from do_tcp_getsockopt.isra while the
	 * fault was in the inlined tcp_zerocopy_receive. On 6.1
	 * do_tcp_getsockopt has an out-of-line copy (and a .cold piece), and
	 * tcp_zerocopy_receive is a real function: a 6.1 report of the same
	 * bug would be titled "... in tcp_zerocopy_receive". */
	v = check(&e, "general protection fault in do_tcp_getsockopt", CRASHSIG_NAME_SYMBOL);
	assert_true(has_symbol(v, "do_tcp_getsockopt"));
	assert_string_equal(v->decl_file, "net/ipv4/tcp.c");
	crashsig_validation_free(v);
	v = check(&e, "general protection fault in tcp_zerocopy_receive", CRASHSIG_NAME_SYMBOL);
	assert_true(has_symbol(v, "tcp_zerocopy_receive"));
	assert_string_equal(v->decl_file, "net/ipv4/tcp.c");
	crashsig_validation_free(v);

	/* seed 004: the WARN is in check_map_prog_compatibility, inline-only
	 * on 6.1 too (held by bpf_check), so the WARNING line - and the title
	 * - name bpf_check; the title about the inline function cannot be
	 * produced. */
	v = check(&e, "WARNING in bpf_check", CRASHSIG_NAME_SYMBOL);
	assert_true(v->producible);
	assert_true(v->nsites > 0);
	int inlined_site = 0;
	for (size_t i = 0; i < v->nsites; i++) {
		assert_string_equal(v->sites[i].symbol, "bpf_check");
		assert_true(v->sites[i].warning);
		inlined_site |= v->sites[i].inlined_in != NULL;
	}
	assert_true(inlined_site);
	crashsig_validation_free(v);
	v = check(&e, "WARNING in check_map_prog_compatibility", CRASHSIG_NAME_INLINE_ONLY);
	assert_true(has_item(v, "bpf_check"));
	assert_false(v->producible);
	assert_string_equal(v->decl_file, "kernel/bpf/verifier.c");
	crashsig_validation_free(v);

	/* sys_X maps back to the wrappers */
	v = check(&e, "INFO: task hung in sys_sendmsg", CRASHSIG_NAME_SYMBOL);
	assert_string_equal(v->syscall_wrapper, "__x64_sys_sendmsg");
	crashsig_validation_free(v);
	env_close(&e);
}

static char *strip_header(char *buf, size_t *len)
{
	/* annotated fixtures: '#' comments and KEY: lines, then a blank line */
	if (buf[0] != '#' && strncmp(buf, "TITLE:", 6))
		return buf;
	char *p = strstr(buf, "\n\n");
	if (!p)
		return buf;
	*len -= (size_t)(p + 2 - buf);
	return p + 2;
}

static void validate_log(env *e, crashsig_symbolizer *sym, const char *path, int *checked)
{
	size_t len;
	char *buf = test_read_file(path, &len);
	assert_non_null(buf);
	char *text = strip_header(buf, &len);
	crashsig_report **reps = NULL;
	size_t n = 0;
	assert_int_equal(crashsig_parse_buffer(e->ctx, text, len, &reps, &n), 0);
	assert_true(n > 0);
	crashsig_validation *v;
	assert_int_equal(crashsig_validate_report(e->ix, sym, reps[0], &v), 0);
	/* every title holds (exit status 0 of crashsig validate) */
	if (v->status == CRASHSIG_NAME_INLINE_ONLY || v->status == CRASHSIG_NAME_ABSENT)
		fail_msg("%s: %s: %s", path, v->title, v->verdict);
	assert_int_equal(v->mismatch, 0);
	const char *base = v->guilty_file ? strrchr(v->guilty_file, '/') : NULL;
	base = base ? base + 1 : v->guilty_file;
	if (v->module && !strcmp(v->module, "crashgen")) {
		/* crashgen's code faulted: crashgen is to blame */
		if (!base || strcmp(base, "crashgen.c"))
			fail_msg("%s: guilty %s, expected crashgen.c", path, v->guilty_file);
	} else if (strstr(path, "sysrq")) {
		assert_string_equal(v->guilty_file, "drivers/tty/sysrq.c");
	}
	/* the WARN site, inside the inlined helper (module __bug_table) */
	if (!strcmp(v->title, "WARNING in crashgen_warn")) {
		assert_int_equal(v->nsites, 1);
		assert_true(v->sites[0].warning);
		assert_string_equal(v->sites[0].symbol, "crashgen:crashgen_warn");
		assert_string_equal(v->sites[0].inlined_in, "crashgen_check_state");
		assert_int_equal(v->sites[0].line, 71);
	}
	/* the always_inline helpers come back inline-only with their callers */
	for (size_t i = 0; i < v->ninline_notes; i++) {
		const char *note = v->inline_notes[i];
		if (strncmp(note, "crashgen_", 9))
			continue;
		if (!strstr(note, ": inline-only, inlined into crashgen_"))
			fail_msg("%s: %s", path, note);
		(*checked)++;
	}
	crashsig_validation_free(v);
	crashsig_reports_free(reps, n);
	free(buf);
}

/* The real Debian 6.1 logs with crashgen.ko (fixtures/realkernel and the
 * *real-debian61* fixtures). */
static void test_real_logs_61(void **state)
{
	(void)state;
	if (!have_vmlinux())
		skip();
	const char *ko = CRASHSIG_SOURCE_DIR "/fixtures/realkernel/crashgen.ko";
	const char *extra[] = {ko};
	env e;
	assert_int_equal(env_open(&e, VMLINUX61, NULL, extra, 1), 0);
	crashsig_symbolizer *sym;
	crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	so.vmlinux = VMLINUX61;
	so.modules_dir = ko;
	assert_int_equal(crashsig_symbolizer_new(&sym, e.ctx, &so), 0);
	int nlogs = 0, helpers = 0;
	const char *dirs[] = {CRASHSIG_SOURCE_DIR "/fixtures/realkernel",
			      CRASHSIG_SOURCE_DIR "/fixtures/report",
			      CRASHSIG_SHARED_DIR "/realkernel/reports"};
	int shared = 0;
	for (size_t d = 0; d < 3; d++) {
		DIR *dir = opendir(dirs[d]);
		if (d == 2 && !dir) {
			fprintf(stderr, "skipped: %s is absent (the 24 original logs)\n", dirs[d]);
			continue;
		}
		assert_non_null(dir);
		struct dirent *de;
		while ((de = readdir(dir))) {
			size_t nl = strlen(de->d_name);
			int want = d != 1 ? (nl > 4 && !strcmp(de->d_name + nl - 4, ".log"))
					  : strstr(de->d_name, "real-debian61") != NULL;
			shared += d == 2 && want;
			if (!want)
				continue;
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", dirs[d], de->d_name);
			validate_log(&e, sym, path, &helpers);
			nlogs++;
		}
		closedir(dir);
	}
	assert_true(nlogs >= 29);
	assert_true(shared == 0 || shared == 24);
	/* nullderef (2 helpers), gpf, warn: crashgen_obj_len,
	 * crashgen_total_len, crashgen_poke, crashgen_check_state */
	assert_true(helpers >= 4);
	crashsig_symbolizer_free(sym);
	env_close(&e);
}

/* ------------------------------------------------------------------ */
/* Census of the corpus titles                                         */
/* ------------------------------------------------------------------ */

static int cmp_num(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	long i = atol(x), j = atol(y);
	return i != j ? (i < j ? -1 : 1) : strcmp(x, y);
}

/* One line per titled, not corrupted corpus report:
 * FILE<TAB>STATUS<TAB>FUNCTION<TAB>MODULE or syscall wrapper or "-". */
static char *census(env *e, const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			names = realloc(names, cap * sizeof(char *));
			assert_non_null(names);
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_num);
	size_t outcap = 1 << 16, outlen = 0;
	char *out = malloc(outcap);
	assert_non_null(out);
	out[0] = 0;
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		size_t len;
		char *buf = test_read_file(path, &len);
		free(names[i]);
		if (!buf)
			continue;
		char title[1024] = "";
		int corrupted = 0;
		for (char *p = buf; p && *p && *p != '\n';) {
			char *nl = strchr(p, '\n');
			if (!strncmp(p, "TITLE: ", 7))
				snprintf(title, sizeof(title), "%.*s",
					 (int)((nl ? nl : p + strlen(p)) - p - 7), p + 7);
			if (!strncmp(p, "CORRUPTED: Y", 12))
				corrupted = 1;
			p = nl ? nl + 1 : NULL;
		}
		free(buf);
		if (!title[0] || corrupted)
			continue;
		crashsig_validation *v;
		assert_int_equal(crashsig_validate_title(e->ix, title, &v), 0);
		char line[2048];
		int k = snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\n", path + strlen(dir) + 1,
				 crashsig_name_status_str(v->status),
				 v->function ? v->function : "-",
				 v->module ? v->module : v->syscall_wrapper ? v->syscall_wrapper : "-");
		while (outlen + (size_t)k + 1 > outcap)
			out = realloc(out, outcap *= 2);
		memcpy(out + outlen, line, (size_t)k + 1);
		outlen += (size_t)k;
		(*count)++;
		crashsig_validation_free(v);
	}
	free(names);
	return out;
}

static void test_fast_walk_61(void **state)
{
	(void)state;
	if (!have_vmlinux())
		skip();
	same_walk(VMLINUX61, "");
}

static void test_census_61(void **state)
{
	(void)state;
	const char *dir = CRASHSIG_SHARED_DIR "/corpus/syzkaller/linux/report";
	if (!have_vmlinux())
		skip();
	if (access(dir, R_OK)) {
		fprintf(stderr, "skipped: corpus %s is absent\n", dir);
		skip();
	}
	env e;
	assert_int_equal(env_open(&e, VMLINUX61, NULL, NULL, 0), 0);
	size_t n;
	char *got = census(&e, dir, &n);
	assert_non_null(got);
	assert_int_equal(n, 461);
	const char *base = CRASHSIG_SOURCE_DIR "/tests/validate/census-6.1.txt";
	if (getenv("CRASHSIG_UPDATE_CENSUS")) {
		FILE *f = fopen(getenv("CRASHSIG_UPDATE_CENSUS"), "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	size_t len;
	char *want = test_read_file(base, &len);
	assert_non_null(want);
	/* compare the data lines ('#' lines are the commentary) */
	char *w = want, *g = got;
	size_t lineno = 0, diffs = 0;
	while (*w || *g) {
		while (*w == '#') {
			char *nl = strchr(w, '\n');
			w = nl ? nl + 1 : w + strlen(w);
		}
		if (!*w && !*g)
			break;
		char *wn = strchr(w, '\n'), *gn = strchr(g, '\n');
		size_t wl = wn ? (size_t)(wn - w) : strlen(w), gl = gn ? (size_t)(gn - g) : strlen(g);
		lineno++;
		if (wl != gl || memcmp(w, g, wl)) {
			fprintf(stderr, "census line %zu: want '%.*s' got '%.*s'\n", lineno, (int)wl, w,
				(int)gl, g);
			diffs++;
		}
		w = wn ? wn + 1 : w + wl;
		g = gn ? gn + 1 : g + gl;
	}
	assert_int_equal(diffs, 0);
	free(want);
	free(got);
	env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title_function),
		cmocka_unit_test(test_fixture_verdicts),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_fast_walk_fixture),
		cmocka_unit_test(test_fast_walk_61),
		cmocka_unit_test(test_seeds_61),
		cmocka_unit_test(test_real_logs_61),
		cmocka_unit_test(test_census_61),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
