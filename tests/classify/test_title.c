/* Titles and extraction: sanitization, suffixes, symbolization
 * independence, several crashes in order, bisection-log mentions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crashsig/crashsig.h"
#include "base/ctx.h"
#include "classify/report.h"
#include "classify/rules.h"

static crashsig_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	char err[256];
	return crashsig_ctx_new(&ctx, NULL, err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	crashsig_ctx_free(ctx);
	return 0;
}

static void sanitize(const char *in, const char *want)
{
	cs_buf out = {0};
	assert_int_equal(cs_title_sanitize(ctx->rules, in, &out), 0);
	assert_string_equal(out.data, want);
	cs_buf_free(&out);
}

static void test_sanitize(void **state)
{
	(void)state;
	sanitize("INFO: task syz-executor.3:8425 blocked", "INFO: task syz-executor blocked");
	sanitize("BUG: bad at ffff88804fab1858", "BUG: bad at ADDR");
	sanitize("x in 1,2,3 and cfg80211_x", "x in NUM,NUM,NUM and cfg80211_x");
	sanitize("WARNING at net/core/dev.c:1234", "WARNING at net/core/dev.c:LINE");
	sanitize("route to 10.1.2.3", "route to IP");
	/* syzbot's last step (report.go: sanitizeTitle): tabs are blanks,
	 * control and non-ASCII bytes go, runs of blanks collapse, ends are
	 * trimmed, and only the first 120 bytes count */
	sanitize("  BUG: Bad\tpage  state \x01in\xc3\xa9 x  ", "BUG: Bad page state in x");
	/* the same answers once the rules are JIT-compiled and a rule is
	 * passed over for a title without a byte class it needs (a digit,
	 * a run of 6 hex digits, ...: cs_re_maybe_in) */
	for (int k = 0; k < 8; k++) {
		sanitize("x in 12 and 42", "x in NUM and NUM");
		sanitize("in xyz1234567", "in xyzNUM");
		sanitize("KASAN: use-after-free Read in deface", "KASAN: use-after-free Read in ADDR");
		sanitize("KASAN: use-after-free Read in defac", "KASAN: use-after-free Read in defac");
		sanitize("WARNING in foo.c:12:3", "WARNING in foo.c:LINE");
		sanitize("no digits at all", "no digits at all");
		sanitize("at 127.0.0.1 now", "at IP now");
	}
	char longt[200];
	memset(longt, 'a', sizeof(longt) - 1);
	longt[sizeof(longt) - 1] = 0;
	cs_buf out = {0};
	assert_int_equal(cs_title_sanitize(ctx->rules, longt, &out), 0);
	assert_int_equal(out.len, 120);
	cs_buf_free(&out);
}

static void test_func_norm(void **state)
{
	(void)state;
	cs_buf out = {0};
	assert_int_equal(cs_title_func(ctx->rules, "__x64_sys_rmdir", &out), 0);
	assert_string_equal(out.data, "sys_rmdir");
	assert_int_equal(cs_title_func(ctx->rules, "do_tcp_getsockopt.isra.50", &out), 0);
	assert_string_equal(out.data, "do_tcp_getsockopt");
	cs_buf_free(&out);
}

static const char raw[] =
	"[   10.1] general protection fault, probably for non-canonical address 0xdffffc0000000012: 0000 [#1] SMP KASAN\n"
	"[   10.1] RIP: 0010:xsk_poll+0x81/0x4d0\n"
	"[   10.1] Call Trace:\n"
	"[   10.1]  sock_poll+0x15e/0x480\n"
	"[   10.1]  do_sys_poll+0x4a7/0xc20\n";
static const char symbolized[] =
	"general protection fault, probably for non-canonical address 0xdffffc0000000012: 0000 [#1] SMP KASAN\n"
	"RIP: 0010:xsk_ring_empty net/xdp/xsk.c:300 [inline]\n"
	"RIP: 0010:xsk_poll+0x81/0x4d0 net/xdp/xsk.c:386\n"
	"Call Trace:\n"
	" sock_poll_inline include/linux/net.h:10 [inline]\n"
	" sock_poll+0x15e/0x480 net/socket.c:1263\n"
	" do_sys_poll+0x4a7/0xc20 fs/select.c:1001\n";

static void one_title(const char *log, const char *want)
{
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, log, strlen(log), &r, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(crashsig_report_title(r[0]), want);
	crashsig_reports_free(r, n);
}

static void test_symbolization_independent(void **state)
{
	(void)state;
	one_title(raw, "general protection fault in xsk_poll");
	one_title(symbolized, "general protection fault in xsk_poll");
}

static void test_several_in_order(void **state)
{
	(void)state;
	const char log[] =
		"boot noise\n"
		"all runs: crashed: general protection fault in xsk_poll\n"
		"WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 foo_bar+0x1/0x2\n"
		"RIP: 0010:foo_bar+0x1/0x2\n"
		"Call Trace:\n foo_caller+0x1/0x2\n"
		"---[ end trace 0000 ]---\n"
		"BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
		"RIP: 0010:crashgen_nullderef+0xc/0x20 [crashgen]\n";
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, log, strlen(log), &r, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(crashsig_report_title(r[0]), "WARNING in foo_bar");
	assert_string_equal(crashsig_report_title(r[1]),
			    "BUG: unable to handle kernel NULL pointer dereference in crashgen_nullderef");
	assert_string_equal(crashsig_report_type(r[1]), "NULL-POINTER-DEREFERENCE");
	assert_true(crashsig_report_start(r[0]) < crashsig_report_start(r[1]));
	assert_true(crashsig_report_end(r[0]) <= crashsig_report_start(r[1]));
	crashsig_reports_free(r, n);
}

/* Suppressions cover a whole run, as syzkaller matches them against the
 * whole console output (pkg/report/report.go ParseFrom): a line before the
 * report, or after it while it is pending, suppresses it; a reboot starts a
 * new run. */
/* The last report of log, which must hold nreports reports (the first
 * titled first, unless NULL) and end with a "WARNING in foo_bar": is it
 * suppressed? */
static int last_suppressed(const char *log, size_t nreports, const char *first)
{
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, log, strlen(log), &r, &n), 0);
	assert_int_equal(n, nreports);
	if (first)
		assert_string_equal(crashsig_report_title(r[0]), first);
	assert_string_equal(crashsig_report_title(r[n - 1]), "WARNING in foo_bar");
	int sup = crashsig_report_suppressed(r[n - 1]);
	crashsig_reports_free(r, n);
	return sup;
}

static void test_suppressed_run(void **state)
{
	(void)state;
	static const char warn[] =
		"[   50.100000] WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 foo_bar+0x1/0x2\n"
		"[   50.100001] RIP: 0010:foo_bar+0x1/0x2\n"
		"[   50.100002] Call Trace:\n"
		"[   50.100003]  foo_caller+0x1/0x2\n"
		"[   50.100004] ---[ end trace 0000 ]---\n";
	char log[4096];

	/* no suppression line */
	assert_false(last_suppressed(warn, 1, NULL));

	/* a user program's line before the kernel's report */
	snprintf(log, sizeof(log), "*** stack smashing detected ***: terminated\n%s", warn);
	assert_true(last_suppressed(log, 1, NULL));

	/* the executor killed for memory after the report */
	snprintf(log, sizeof(log),
		 "%s[   51.000000] lowmemorykiller: Killing 'syz-executor' (1234), adj 0\n", warn);
	assert_true(last_suppressed(log, 1, NULL));

	/* the machine booted again: the next run is not suppressed (the
	 * reboot is a report of its own) */
	snprintf(log, sizeof(log),
		 "[   10.000000] Out of memory: Kill process 77 (sshd) score 1 or sacrifice child\n"
		 "SeaBIOS (version 1.16.2-debian-1.16.2-1)\n"
		 "Booting the kernel.\n"
		 "%s", warn);
	assert_false(last_suppressed(log, 2, "unexpected kernel reboot"));

	/* ... also when only the kernel's banner says so (console logs of
	 * several boots one after another) */
	snprintf(log, sizeof(log),
		 "[   10.000000] lowmemorykiller: Killing 'sshd' (77), adj 0\n"
		 "[    0.000000] Linux version 6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org)\n"
		 "%s", warn);
	assert_false(last_suppressed(log, 1, NULL));
}

/* A WARNING whose panic (panic_on_warn, 5.x) printed its call trace above
 * the pc line: with the pc's function skipped, the frames after the pc line
 * name it (syzkaller's warningStackFmt), not the trap handler. */
static void test_warning_panic_stack(void **state)
{
	(void)state;
	const char log[] =
		"WARNING: CPU: 1 PID: 1161 at mm/slab.h:420 kfree+0x29b/0x2b0\n"
		"Kernel panic - not syncing: panic_on_warn set ...\n"
		"CPU: 1 PID: 1161 Comm: kworker/u4:9 Not tainted 5.9.0-rc7-syzkaller #0\n"
		"Call Trace:\n"
		" dump_stack+0x198/0x1fd\n"
		" panic+0x382/0x7fb\n"
		" __warn.cold+0x20/0x4b\n"
		" report_bug+0x1bd/0x210\n"
		" handle_bug+0x38/0x90\n"
		" exc_invalid_op+0x14/0x40\n"
		" asm_exc_invalid_op+0x12/0x20\n"
		"RIP: 0010:kfree+0x29b/0x2b0\n"
		"RSP: 0018:ffffc90016137b50 EFLAGS: 00010086\n"
		" kvfree+0x42/0x50\n"
		" nfsd_reply_cache_shutdown+0x1a3/0x2c0\n"
		" nfsd_exit_net+0x15f/0x490\n"
		" ops_exit_list+0xb0/0x160\n";
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, log, strlen(log), &r, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(crashsig_report_title(r[0]), "WARNING in nfsd_reply_cache_shutdown");
	crashsig_reports_free(r, n);
}

static void test_no_crash(void **state)
{
	(void)state;
	const char log[] = "run #8: boot failed: WARNING in foo\ncrash: general protection fault in x\n";
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, log, strlen(log), &r, &n), 0);
	assert_int_equal(n, 0);
	crashsig_reports_free(r, n);
}

static void test_stacks(void **state)
{
	(void)state;
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, symbolized, strlen(symbolized), &r, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(crashsig_report_stack_count(r[0]), 2);
	const crashsig_stack *ip = crashsig_report_stack(r[0], 0);
	assert_string_equal(ip->kind, "ip");
	assert_int_equal(ip->nframes, 2);
	const crashsig_stack *ct = crashsig_report_stack(r[0], 1);
	assert_string_equal(ct->kind, "call trace");
	assert_int_equal(ct->nframes, 3);
	assert_string_equal(ct->frames[1].file, "net/socket.c");
	assert_int_equal(ct->frames[1].line, 1263);
	crashsig_reports_free(r, n);
}

static void test_callers(void **state)
{
	(void)state;
	/* other callers and user-space output stay out of a report; a crash of
	 * another caller, of user space (SYZFAIL) or of a log without caller
	 * ids (concatenated input) is a report of its own, in order of start */
	const char log[] =
		"[   10.1][ T100] BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
		"[   10.1][ T200] WARNING: CPU: 1 PID: 200 at kernel/other.c:1 other_fn+0x1/0x2\n"
		"SYZFAIL: failed to recv rpc\n"
		"[   10.1][ T100] RIP: 0010:first_fn+0xc/0x20\n"
		"[   10.1][ T100] Call Trace:\n"
		"[   10.1][ T100]  caller_fn+0x1/0x2\n"
		"[   10.1][ T200] RIP: 0010:other_fn+0x1/0x2\n"
		"[   10.1][ T200] Call Trace:\n"
		"[   10.1][ T200]  other_caller+0x1/0x2\n"
		"[   20.0] general protection fault: 0000 [#1] SMP\n"
		"[   20.0] RIP: 0010:second_fn+0x1/0x2\n";
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, log, strlen(log), &r, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(crashsig_report_title(r[0]),
			    "BUG: unable to handle kernel NULL pointer dereference in first_fn");
	size_t len;
	const char *text = crashsig_report_text(r[0], &len);
	assert_null(strstr(text, "other_fn"));
	assert_null(strstr(text, "SYZFAIL"));
	assert_string_equal(crashsig_report_title(r[1]), "WARNING in other_fn");
	assert_string_equal(crashsig_report_title(r[2]), "SYZFAIL: failed to recv rpc");
	assert_string_equal(crashsig_report_title(r[3]), "general protection fault in second_fn");
	crashsig_reports_free(r, n);
}

/* A second header of the same caller stays in the report (syzkaller keeps
 * it whole); without caller ids it starts a new one. Timestamps behind a
 * report's own, or a long pause, end it. */
static void test_report_ends(void **state)
{
	(void)state;
	const char whole[] =
		"[   10.1][ T100] WARNING: CPU: 0 PID: 100 at kernel/a.c:1 warn_fn+0x1/0x2\n"
		"[   10.1][ T100] BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
		"[   10.1][ T100] RIP: 0010:warn_fn+0x1/0x2\n"
		"[   10.1][ T100] Call Trace:\n"
		"[   10.1][ T100]  caller_fn+0x1/0x2\n";
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, whole, strlen(whole), &r, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(crashsig_report_title(r[0]), "WARNING in warn_fn");
	crashsig_reports_free(r, n);
	/* another log after it: timestamps go back, a new log begins */
	char twice[sizeof(whole) * 2];
	snprintf(twice, sizeof(twice), "%s%s", whole, whole);
	for (char *t = twice; (t = strstr(t, "[   10.1]")) && t < twice + strlen(whole); t++)
		t[4] = '6'; /* the first copy at 60.1 s */
	assert_int_equal(crashsig_parse_buffer(ctx, twice, strlen(twice), &r, &n), 0);
	assert_int_equal(n, 2);
	crashsig_reports_free(r, n);
	const char pause[] =
		"[   10.1][ T100] WARNING: CPU: 0 PID: 100 at kernel/a.c:1 warn_fn+0x1/0x2\n"
		"[   10.1][ T100] RIP: 0010:warn_fn+0x1/0x2\n"
		"[   10.1][ T100] Call Trace:\n"
		"[   10.1][ T100]  caller_fn+0x1/0x2\n"
		"[   90.1][ T100] WARNING: CPU: 0 PID: 100 at kernel/b.c:1 later_fn+0x1/0x2\n"
		"[   90.1][ T100] RIP: 0010:later_fn+0x1/0x2\n"
		"[   90.1][ T100] Call Trace:\n"
		"[   90.1][ T100]  caller_fn+0x1/0x2\n";
	assert_int_equal(crashsig_parse_buffer(ctx, pause, strlen(pause), &r, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(crashsig_report_title(r[1]), "WARNING in later_fn");
	crashsig_reports_free(r, n);
	const char console[] =
		"[   10.1] WARNING: CPU: 0 PID: 100 at kernel/a.c:1 warn_fn+0x1/0x2\n"
		"[   10.1] BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
		"[   10.1] RIP: 0010:null_fn+0x1/0x2\n";
	assert_int_equal(crashsig_parse_buffer(ctx, console, strlen(console), &r, &n), 0);
	assert_int_equal(n, 2);
	crashsig_reports_free(r, n);
}

static void test_no_rules_context(void **state)
{
	(void)state;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.flags = CRASHSIG_CTX_NO_RULES;
	crashsig_ctx *c2;
	char err[128];
	assert_int_equal(crashsig_ctx_new(&c2, &o, err, sizeof(err)), 0);
	crashsig_parser *p = NULL;
	assert_int_equal(crashsig_parser_new(&p, c2), CRASHSIG_EINVAL);
	assert_null(p);
	assert_non_null(strstr(crashsig_error_last(c2), "without rules"));
	crashsig_ctx_free(c2);
}

/* A crash marker is found at any column of a line of any length (the
 * vector scan's 32-byte blocks, its overlapping last block and the copy
 * of short lines), with or without a console prefix; a marker cut short
 * by the line's end is none. */
static void test_marker_every_column(void **state)
{
	(void)state;
	static const char filler[] = "abcdefghijklmnopqrstuvwxyz0123456789 ,.:;ABCDEFGH";
	char log[512];
	for (size_t w = 0; w <= 120; w++) {
		for (int prefixed = 0; prefixed < 2; prefixed++) {
			for (int cut = 0; cut < 2; cut++) {
				size_t n = 0;
				if (prefixed)
					n += (size_t)snprintf(log, sizeof(log), "[   12.345678] ");
				for (size_t i = 0; i < w; i++)
					log[n++] = filler[(i * 7) % (sizeof(filler) - 1)];
				n += (size_t)snprintf(log + n, sizeof(log) - n, "%s\n",
						      cut ? "Kernel panic - not syncin"
							  : "Kernel panic - not syncing: boom");
				crashsig_report **r;
				size_t nr;
				assert_int_equal(crashsig_parse_buffer(ctx, log, n, &r, &nr), 0);
				if (nr != (size_t)!cut)
					fail_msg("column %zu%s%s: %zu crashes", w,
						 prefixed ? ", prefixed" : "", cut ? ", cut" : "", nr);
				if (nr)
					assert_string_equal(crashsig_report_title(r[0]),
							    "kernel panic: boom");
				crashsig_reports_free(r, nr);
			}
		}
	}
}

/* The answers of the skip tables are kept by the context (base/ctx.h): when
 * its table grows, the answers move into the larger one (a name seen before
 * is not matched again). */
static void test_skip_memo_grows(void **state)
{
	(void)state;
	crashsig_ctx *c;
	char err[256];
	assert_int_equal(crashsig_ctx_new(&c, NULL, err, sizeof(err)), 0);
	/* 300 frames the skip table passes over: 300 answers in one report */
	cs_buf log = {0};
	assert_int_equal(cs_buf_adds(&log, "WARNING: CPU: 0 PID: 1 at mm/x.c:1 kasan_rip+0x1/0x2\n"
				    "Modules linked in:\n"
				    "RIP: 0010:kasan_rip+0x1/0x2\n"
				    "Call Trace:\n"), 0);
	for (int i = 0; i < 300; i++)
		assert_int_equal(cs_buf_printf(&log, " kasan_helper_%d+0x1/0x2\n", i), 0);
	assert_int_equal(cs_buf_adds(&log, " victim_caller+0x1/0x2\n"), 0);
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(c, log.data, log.len, &r, &n), 0);
	assert_int_equal(n, 1);
	crashsig_reports_free(r, n);
	size_t cap = c->skip_memo_cap, fill = c->skip_memo_fill;
	assert_true(fill > cap / 2);
	/* the next report finds the table more than half full: it grows */
	const char small[] = "WARNING: CPU: 0 PID: 1 at mm/y.c:1 other_fn+0x1/0x2\n"
			     "Modules linked in:\n"
			     "RIP: 0010:other_fn+0x1/0x2\n"
			     "Call Trace:\n"
			     " other_caller+0x1/0x2\n";
	assert_int_equal(crashsig_parse_buffer(c, small, strlen(small), &r, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(crashsig_report_title(r[0]), "WARNING in other_fn");
	crashsig_reports_free(r, n);
	assert_true(c->skip_memo_cap > cap);
	/* the answers moved: those of the first report are there */
	assert_true(c->skip_memo_fill >= fill);
	/* and are found: the first report again adds none (or the few its
	 * first table lost when 8 slots in a row were taken) */
	fill = c->skip_memo_fill;
	assert_int_equal(crashsig_parse_buffer(c, log.data, log.len, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(crashsig_report_title(r[0]), "WARNING in victim_caller");
	crashsig_reports_free(r, n);
	assert_true(c->skip_memo_fill <= fill + 8);
	cs_buf_free(&log);
	crashsig_ctx_free(c);
}

/* The first "Call Trace:" line is found with one scan for the call-trace
 * table's literals once its regex is JIT-compiled (report.c: first_trace),
 * line by line before: both find the same line. Lines that hold a literal
 * but open no trace ("... Call Trace: ..." in prose) come before it. */
static void test_first_trace_scan(void **state)
{
	(void)state;
	static const char *const decoys[] = {
		"",
		"print_stack Call Trace: from a message\n",
		"print_stack Call Trace: from a message\nsaid stack backtrace: twice\n",
	};
	crashsig_ctx *c[2];
	char err[256];
	for (int k = 0; k < 2; k++) {
		assert_int_equal(crashsig_ctx_new(&c[k], NULL, err, sizeof(err)), 0);
		/* 0: JIT and literals at once; never: the interpreter, line by line */
		c[k]->rules->jit_after = k ? UINT32_MAX : 0;
	}
	for (size_t d = 0; d < sizeof(decoys) / sizeof(decoys[0]); d++) {
		cs_buf log = {0};
		assert_int_equal(cs_buf_printf(&log,
					       "INFO: task syz-executor.0:5067 blocked for more than 143 seconds.\n"
					       "      Not tainted 6.1.0-syzkaller #0\n"
					       "task:syz-executor.0  state:D stack:0 pid:5067 ppid:1 flags:0x00004004\n"
					       "%s"
					       "Call Trace:\n"
					       " <TASK>\n"
					       " __schedule+0x1/0x2\n"
					       " schedule+0x1/0x2\n"
					       " ext4_buffered_write_iter+0x1/0x2\n"
					       " do_syscall_64+0x1/0x2\n"
					       " </TASK>\n",
					       decoys[d]),
				 0);
		for (int k = 0; k < 2; k++) {
			/* twice: the second time with the answers the first left */
			for (int again = 0; again < 2; again++) {
				crashsig_report **r;
				size_t n;
				assert_int_equal(crashsig_parse_buffer(c[k], log.data, log.len, &r, &n), 0);
				assert_int_equal(n, 1);
				assert_string_equal(crashsig_report_title(r[0]),
						    "INFO: task hung in ext4_buffered_write_iter");
				crashsig_reports_free(r, n);
			}
		}
		cs_buf_free(&log);
	}
	assert_non_null(cs_re_required_lits(&c[0]->rules->call_trace));
	assert_null(cs_re_required_lits(&c[1]->rules->call_trace));
	for (int k = 0; k < 2; k++)
		crashsig_ctx_free(c[k]);
}

/* Report building borrows its buffers from the context and gives them
 * back (report.c: cs_build_scratch): a report after a larger one, or after
 * one whose buffers grew past what is kept, gets the answers a fresh
 * context gives. */
static void test_build_scratch_reuse(void **state)
{
	(void)state;
	cs_buf big = {0};
	assert_int_equal(cs_buf_adds(&big, "WARNING: CPU: 0 PID: 1 at mm/x.c:1 first_fn+0x1/0x2\n"
				    "Modules linked in:\n"
				    "RIP: 0010:first_fn+0x1/0x2\n"
				    "Call Trace:\n"), 0);
	/* frame names longer than the scratch keeps in all (64 KiB) */
	for (int i = 0; i < 900; i++)
		assert_int_equal(cs_buf_printf(&big, " helper_%04d_%0100d+0x1/0x2\n", i, 0), 0);
	const char small[] = "BUG: KASAN: use-after-free in small_fn+0x1/0x2\n"
			     "Read of size 8 at addr ffff888000000000 by task a/1\n"
			     "Call Trace:\n"
			     " small_fn+0x1/0x2\n"
			     " small_caller+0x1/0x2\n";
	crashsig_ctx *fresh;
	char err[256];
	assert_int_equal(crashsig_ctx_new(&fresh, NULL, err, sizeof(err)), 0);
	crashsig_report **r;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(fresh, small, strlen(small), &r, &n), 0);
	assert_int_equal(n, 1);
	char *want = strdup(crashsig_report_title(r[0]));
	assert_non_null(want);
	crashsig_reports_free(r, n);
	crashsig_ctx_free(fresh);
	assert_string_equal(want, "KASAN: use-after-free Read in small_fn");
	for (int round = 0; round < 3; round++) {
		assert_int_equal(crashsig_parse_buffer(ctx, big.data, big.len, &r, &n), 0);
		assert_int_equal(n, 1);
		assert_string_equal(crashsig_report_title(r[0]), "WARNING in first_fn");
		crashsig_reports_free(r, n);
		assert_int_equal(crashsig_parse_buffer(ctx, small, strlen(small), &r, &n), 0);
		assert_int_equal(n, 1);
		assert_string_equal(crashsig_report_title(r[0]), want);
		crashsig_reports_free(r, n);
	}
	free(want);
	cs_buf_free(&big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_func_norm),
		cmocka_unit_test(test_symbolization_independent),
		cmocka_unit_test(test_several_in_order),
		cmocka_unit_test(test_no_crash),
		cmocka_unit_test(test_suppressed_run),
		cmocka_unit_test(test_warning_panic_stack),
		cmocka_unit_test(test_stacks),
		cmocka_unit_test(test_no_rules_context),
		cmocka_unit_test(test_callers),
		cmocka_unit_test(test_report_ends),
		cmocka_unit_test(test_marker_every_column),
		cmocka_unit_test(test_skip_memo_grows),
		cmocka_unit_test(test_first_trace_scan),
		cmocka_unit_test(test_build_scratch_reuse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
