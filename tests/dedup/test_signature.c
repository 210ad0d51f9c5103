/* Stack signatures and their distance: independence from offsets, boots and
 * symbolization; generic frames; which stacks are comparable; the no-stack
 * kinds; --merge-similar in the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "dedup_testutil.h"

static crashsig_ctx *ctx;
static char *tmp;

static int setup(void **state)
{
	(void)state;
	char err[256];
	tmp = dt_tmpdir();
	return crashsig_ctx_new(&ctx, NULL, err, sizeof(err)) || !tmp;
}

static int teardown(void **state)
{
	(void)state;
	crashsig_ctx_free(ctx);
	dt_rmrf(tmp);
	free(tmp);
	return 0;
}

/* Signature key of the first crash of a text. */
static char *key_of(const char *text, size_t len, int inl)
{
	crashsig_report **rs;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, text, len, &rs, &n), 0);
	assert_true(n > 0);
	crashsig_signature *sig;
	assert_int_equal(crashsig_signature_new(&sig, ctx, rs[0]), 0);
	char *k = strdup(inl ? sig->inline_key : sig->key);
	crashsig_signature_free(sig);
	crashsig_reports_free(rs, n);
	return k;
}

static char *key_of_file(const char *path, int annotated)
{
	dt_annot a;
	char *k;
	if (annotated) {
		assert_int_equal(dt_annot_read(path, &a), 0);
		k = key_of(a.log, a.log_len, 0);
		dt_annot_free(&a);
	} else {
		size_t len = 0;
		char *buf = test_read_file(path, &len);
		assert_non_null(buf);
		k = key_of(buf, len, 0);
		free(buf);
	}
	return k;
}

static void test_distance(void **st)
{
	(void)st;
	const char *a[] = {"f", "g", "h", "i", "j", "k"};
	const char *b[] = {"f", "g", "x", "i", "j", "k"};
	const char *c[] = {"g", "f", "h", "i", "j", "k"};
	assert_true(crashsig_frames_distance(a, 6, a, 6) == 0.0);
	assert_true(crashsig_frames_distance(a, 6, b, 6) > 0.16 &&
		    crashsig_frames_distance(a, 6, b, 6) < 0.17);
	/* a transposition is one edit (Damerau) */
	assert_true(crashsig_frames_distance(a, 6, c, 6) < 0.17);
	assert_true(crashsig_frames_distance(a, 0, b, 0) == 1.0);
	/* generic frames never make two stacks similar */
	assert_true(crashsig_signature_distance(ctx, "kfree __list_del_entry_valid mutex_lock",
						"kfree __list_del_entry_valid mutex_lock") == 1.0);
	assert_true(crashsig_signature_distance(ctx, "kfree foo_bar foo_baz foo_qux",
						"kmalloc foo_bar foo_baz foo_qux") == 0.0);
	/* a different faulting function under the same callers: not similar */
	assert_true(crashsig_signature_distance(ctx, "#WARNING a caller1 caller2 caller3",
						"#WARNING b caller1 caller2 caller3") == 1.0);
	/* one call deeper, same kind of crash: an inlined function */
	double d = crashsig_signature_distance(ctx, "#WARNING inl outer c1 c2 c3",
					       "#WARNING outer c1 c2 c3");
	assert_true(d > 0.19 && d < 0.21);
	/* ... but not across kinds */
	assert_true(crashsig_signature_distance(ctx, "#WARNING inl outer c1 c2 c3",
						"#KASAN:_use-after-free_Read outer c1 c2 c3") == 1.0);
	/* a hang and a fault, a leak and a fault: not comparable */
	assert_true(crashsig_signature_distance(ctx, "@hang #INFO:_task_hung f g h",
						"#INFO:_task_hung f g h") == 1.0);
	assert_true(crashsig_signature_distance(ctx, "@alloc #memory_leak f g h", "@alloc #memory_leak f g h") == 0.0);
	/* failed assertions in different files: two checks, whatever the
	 * stack; the same file, or a crash without a site, compare stacks */
	assert_true(crashsig_signature_distance(ctx, "=slub.c #kernel_BUG f g h i",
						"=refcount.c #WARNING:_refcount_bug f g h i") == 1.0);
	assert_true(crashsig_signature_distance(ctx, "=slub.c #kernel_BUG f g h i",
						"=slub.c #kernel_BUG f g h i") == 0.0);
	assert_true(crashsig_signature_distance(ctx, "=refcount.c #WARNING:_refcount_bug f g h i",
						"#KASAN:_use-after-free_Read f g h i") == 0.0);
	assert_true(crashsig_frame_is_generic(ctx, "__list_del_entry_valid"));
	assert_true(crashsig_frame_is_generic(ctx, "kmem_cache_alloc"));
	assert_true(crashsig_frame_is_generic(ctx, "kthread"));
	assert_false(crashsig_frame_is_generic(ctx, "kthread_worker_fn_for_foo"));
	assert_false(crashsig_frame_is_generic(ctx, "xsk_poll"));
	/* whole names ('$') against prefixes */
	assert_true(crashsig_frame_is_generic(ctx, "__warn"));
	assert_false(crashsig_frame_is_generic(ctx, "__warn_foo"));
	assert_true(crashsig_frame_is_generic(ctx, "__warn_printk"));
	assert_true(crashsig_frame_is_generic(ctx, ""));
	assert_int_equal(crashsig_frame_is_generic(NULL, "kfree"), CRASHSIG_EINVAL);
	/* without rules nothing is generic: the table decides */
	assert_true(crashsig_signature_distance(NULL, "kfree __list_del_entry_valid mutex_lock",
						"kfree __list_del_entry_valid mutex_lock") == 0.0);
}

/* Generic frames are data: the `generic` table of the rules in use. */
static void test_generic_from_rules(void **st)
{
	(void)st;
	char dir[4096], path[4200];
	snprintf(dir, sizeof(dir), "%s/rules-generic", tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/90-test.rules", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("# a table of our own\ngeneric ^foo_\ngeneric ^bar$\n", f);
	assert_int_equal(fclose(f), 0);
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.rules_dir = dir;
	crashsig_ctx *c2;
	char err[256];
	assert_int_equal(crashsig_ctx_new(&c2, &o, err, sizeof(err)), 0);
	assert_true(crashsig_frame_is_generic(c2, "foo_helper"));
	assert_true(crashsig_frame_is_generic(c2, "bar"));
	assert_false(crashsig_frame_is_generic(c2, "barx"));
	assert_false(crashsig_frame_is_generic(c2, "kfree")); /* not in this table */
	assert_true(crashsig_signature_distance(c2, "foo_a foo_b x", "foo_a foo_b x") == 1.0);
	assert_true(crashsig_signature_distance(c2, "kfree kmalloc x", "kfree kmalloc x") == 0.0);
	/* a store given this context compares by its table */
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	so.ctx = c2;
	char url[4200];
	snprintf(url, sizeof(url), "sqlite:%s/generic.db", tmp);
	crashsig_store *s;
	assert_int_equal(crashsig_store_open(&s, url, &so), 0);
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	crashsig_add_result r1, r2, r3;
	c.title = "WARNING in kfree";
	c.signature = "#WARNING kfree kmalloc kvfree";
	assert_int_equal(crashsig_store_add(s, &c, &r1), 0);
	c.title = "WARNING in kfree2";
	c.signature = "#WARNING kfree kmalloc kvfree";
	assert_int_equal(crashsig_store_add(s, &c, &r2), 0);
	/* the built-in table would leave nothing to compare */
	assert_int_equal(r2.similar_to, r1.bug_id);
	c.title = "WARNING in foo_a";
	c.signature = "#WARNING foo_a foo_b baz";
	assert_int_equal(crashsig_store_add(s, &c, &r3), 0);
	c.title = "WARNING in foo_a2";
	assert_int_equal(crashsig_store_add(s, &c, &r3), 0);
	assert_int_equal(r3.similar_to, 0);
	crashsig_store_free(s);
	/* a store without a context uses the built-in rules */
	snprintf(url, sizeof(url), "sqlite:%s/generic2.db", tmp);
	assert_int_equal(crashsig_store_open(&s, url, NULL), 0);
	c.title = "WARNING in kfree";
	c.signature = "#WARNING kfree kmalloc kvfree";
	assert_int_equal(crashsig_store_add(s, &c, &r1), 0);
	c.title = "WARNING in kfree2";
	assert_int_equal(crashsig_store_add(s, &c, &r2), 0);
	assert_int_equal(r2.similar_to, 0);
	crashsig_store_free(s);
	/* version 1 options have no ctx: it is not read */
	so.version = 1;
	snprintf(url, sizeof(url), "sqlite:%s/generic3.db", tmp);
	assert_int_equal(crashsig_store_open(&s, url, &so), 0);
	c.title = "WARNING in kfree";
	assert_int_equal(crashsig_store_add(s, &c, &r1), 0);
	c.title = "WARNING in kfree2";
	assert_int_equal(crashsig_store_add(s, &c, &r2), 0);
	assert_int_equal(r2.similar_to, 0);
	crashsig_store_free(s);
	so.version = CRASHSIG_STORE_OPTIONS_VERSION + 1;
	assert_int_equal(crashsig_store_open(&s, url, &so), CRASHSIG_EINVAL);
	crashsig_store_free(s);
	crashsig_ctx_free(c2);
}

/* The same crash from different boots (other KASLR offsets, oops=panic) and
 * from other contexts has one signature; other crashes have others. */
static void test_independent_of_boot(void **st)
{
	(void)st;
	char *a = key_of_file(CRASHSIG_SOURCE_DIR "/fixtures/realkernel/nullderef.log", 0);
	char *b = key_of_file(CRASHSIG_SOURCE_DIR "/fixtures/report/page-fault-real-debian61-null-panic", 1);
	char *c = key_of_file(CRASHSIG_SOURCE_DIR "/fixtures/realkernel/gpf.log", 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_non_null(strstr(a, "crashgen_nullderef crashgen_run crashgen_write"));
	/* no offsets, no addresses, no module names */
	assert_null(strstr(a, "0x"));
	assert_null(strstr(a, "["));
	free(a);
	free(b);
	free(c);
}

/* Real assertions carry their source file: a double free caught in
 * mm/slub.c and a refcount underflow warned in lib/refcount.c share all
 * their frames (crashgen_run, crashgen_write, ...) and are not similar. */
static void test_assert_site(void **st)
{
	(void)st;
	char *df = key_of_file(CRASHSIG_SOURCE_DIR "/fixtures/report/kernel-bug-real-debian61-slub-doublefree", 1);
	char *rc = key_of_file(CRASHSIG_SOURCE_DIR "/fixtures/report/refcount-real-debian61-underflow", 1);
	char *gpf = key_of_file(CRASHSIG_SOURCE_DIR "/fixtures/realkernel/gpf.log", 0);
	assert_int_equal(strncmp(df, "=slub.c ", 8), 0);
	assert_int_equal(strncmp(rc, "=refcount.c ", 12), 0);
	assert_null(strchr(gpf, '='));
	assert_true(crashsig_signature_distance(ctx, df, rc) == 1.0);
	free(df);
	free(rc);
	free(gpf);
}

/* Symbolization changes nothing in the key; the inline-aware key has the
 * inline frames. */
static void test_independent_of_symbolization(void **st)
{
	(void)st;
	const char *sym =
		"BUG: KASAN: use-after-free in foo_read+0x12/0x40 fs/foo.c:10\n"
		"Read of size 8 at addr ffff888012345678 by task syz/1\n"
		"Call Trace:\n"
		" __dump_stack lib/dump_stack.c:77 [inline]\n"
		" dump_stack+0x10/0x20 lib/dump_stack.c:113\n"
		" foo_helper fs/foo.c:5 [inline]\n"
		" foo_read+0x12/0x40 fs/foo.c:10\n"
		" vfs_read+0x100/0x200 fs/read_write.c:400\n"
		" ksys_read+0x50/0x90 fs/read_write.c:500\n"
		" do_syscall_64+0x40/0x80 arch/x86/entry/common.c:50\n"
		" entry_SYSCALL_64_after_hwframe+0x44/0xae\n";
	const char *plain =
		"BUG: KASAN: use-after-free in foo_read+0x12/0x40\n"
		"Read of size 8 at addr ffff888012345678 by task syz/1\n"
		"Call Trace:\n"
		" dump_stack+0x10/0x20\n"
		" foo_read+0x12/0x40\n"
		" vfs_read+0x100/0x200\n"
		" ksys_read+0x50/0x90\n"
		" do_syscall_64+0x40/0x80\n"
		" entry_SYSCALL_64_after_hwframe+0x44/0xae\n";
	char *ks = key_of(sym, strlen(sym), 0), *kp = key_of(plain, strlen(plain), 0);
	assert_string_equal(ks, kp);
	char *ki = key_of(sym, strlen(sym), 1);
	assert_non_null(strstr(ki, "foo_helper"));
	assert_null(strstr(ks, "foo_helper"));
	free(ks);
	free(kp);
	free(ki);
}

/* Lost connection, no output, executor failure, boot error: never merged
 * by similarity. */
static void test_no_stack_kinds(void **st)
{
	(void)st;
	const char *text = "lost connection to test machine\n";
	crashsig_report **rs;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, text, strlen(text), &rs, &n), 0);
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	c.title = "lost connection to test machine";
	c.signature = "#x a b c d";
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	o.flags = CRASHSIG_STORE_MERGE_SIMILAR;
	char url[512];
	snprintf(url, sizeof(url), "%s/nostack.db", tmp);
	crashsig_store *s;
	assert_int_equal(crashsig_store_open(&s, url, &o), 0);
	crashsig_add_result r1, r2;
	assert_int_equal(crashsig_store_add(s, &c, &r1), 0);
	c.title = "no output from test machine";
	assert_int_equal(crashsig_store_add(s, &c, &r2), 0);
	assert_int_not_equal(r1.bug_id, r2.bug_id);
	assert_int_equal(r2.similar_to, 0);
	crashsig_store_free(s);
	crashsig_reports_free(rs, n);
}

/* Similar bugs are reported; merged only with CRASHSIG_STORE_MERGE_SIMILAR. */
static void test_merge_similar(void **st)
{
	(void)st;
	for (int merge = 0; merge < 2; merge++) {
		crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
		o.flags = merge ? CRASHSIG_STORE_MERGE_SIMILAR : 0;
		char url[512];
		snprintf(url, sizeof(url), "%s/similar%d.db", tmp, merge);
		crashsig_store *s;
		assert_int_equal(crashsig_store_open(&s, url, &o), 0);
		crashsig_crash c = CRASHSIG_CRASH_INIT;
		crashsig_add_result r1, r2, r3;
		c.title = "KASAN: use-after-free Read in nr_release";
		c.signature = "#KASAN:_use-after-free_Read nr_release __sock_release sock_close __fput task_work_run";
		assert_int_equal(crashsig_store_add(s, &c, &r1), 0);
		c.title = "WARNING: held lock freed in nr_release";
		c.signature = "#WARNING:_held_lock_freed nr_release __sock_release sock_close __fput task_work_run";
		assert_int_equal(crashsig_store_add(s, &c, &r2), 0);
		assert_int_equal(r2.similar_to, r1.bug_id);
		assert_true(r2.distance == 0.0);
		assert_int_equal(r2.bug_id == r1.bug_id, merge);
		assert_int_equal(r2.merged_similar, merge);
		/* a different bug under the same callers stays apart */
		c.title = "KASAN: use-after-free Read in nr_bind";
		c.signature = "#KASAN:_use-after-free_Read nr_bind __sock_release sock_close __fput task_work_run";
		assert_int_equal(crashsig_store_add(s, &c, &r3), 0);
		assert_int_not_equal(r3.bug_id, r1.bug_id);
		assert_int_equal(r3.similar_to, 0);
		crashsig_bug *b;
		assert_int_equal(crashsig_store_get(s, r2.bug_id, &b), 0);
		if (!merge) {
			assert_int_equal(b->similar_to, r1.bug_id);
		} else {
			/* the merged title now leads to the bug directly */
			assert_int_equal(b->nmerged_titles, 1);
			assert_string_equal(b->merged_titles[0], "WARNING: held lock freed in nr_release");
		}
		crashsig_bug_free(b);
		crashsig_store_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_assert_site),
		cmocka_unit_test(test_generic_from_rules),
		cmocka_unit_test(test_independent_of_boot),
		cmocka_unit_test(test_independent_of_symbolization),
		cmocka_unit_test(test_no_stack_kinds),
		cmocka_unit_test(test_merge_similar),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
