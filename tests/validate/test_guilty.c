/* Guilty file (crashsig_guilty_file): syzkaller's rules on small reports,
 * then the annotated corpus ../shared/corpus/syzkaller/linux/guilty
 * (skipped visibly when absent), which must agree >= 98%. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"
#include "crashsig/validate.h"
#include "testutil.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static void expect(const char *title, const char *text, const char *want)
{
	char buf[256];
	size_t n = crashsig_guilty_file(title, text, strlen(text), buf, sizeof(buf));
	if (!want) {
		assert_int_equal(n, 0);
		assert_string_equal(buf, "");
		return;
	}
	if (strcmp(buf, want))
		fail_msg("got '%s', expected '%s' for:\n%s", buf, want, text);
	assert_int_equal(n, strlen(want));
}

static void test_skip_list(void **state)
{
	(void)state;
	assert_true(crashsig_guilty_skipped("include/linux/skbuff.h"));
	assert_true(crashsig_guilty_skipped("lib/list_debug.c"));
	assert_true(crashsig_guilty_skipped("mm/kasan/report.c"));
	assert_true(crashsig_guilty_skipped("mm/slub.c"));
	assert_true(crashsig_guilty_skipped("mm/slab.c"));
	assert_true(crashsig_guilty_skipped("kernel/locking/lockdep.c"));
	assert_true(crashsig_guilty_skipped("arch/x86/kernel/traps.c"));
	assert_true(crashsig_guilty_skipped("arch/x86/mm/fault.c"));
	assert_true(crashsig_guilty_skipped("kernel/sched/core.c"));
	assert_true(crashsig_guilty_skipped("net/core/dev.c"));
	assert_true(crashsig_guilty_skipped("drivers/usb/core/urb.c"));
	assert_false(crashsig_guilty_skipped("net/core/rtnetlink.c"));
	assert_false(crashsig_guilty_skipped("mm/mmap.c"));
	assert_false(crashsig_guilty_skipped("fs/ext4/inode.c"));
	assert_false(crashsig_guilty_skipped("drivers/tty/sysrq.c"));
	assert_false(crashsig_guilty_skipped(NULL));
}

static void test_rules(void **state)
{
	(void)state;
	/* the first file that is not skipped */
	expect(NULL,
	       "BUG: KASAN: use-after-free in foo+0x1/0x2 include/linux/list.h:12\n"
	       " dump_stack+0x1/0x2 lib/dump_stack.c:52\n"
	       " kasan_report+0x1/0x2 mm/kasan/report.c:408\n"
	       " ip6_send_skb+0x2f5/0x330 net/ipv6/ip6_output.c:1748\n"
	       " rawv6_sendmsg+0x1/0x2 net/ipv6/raw.c:932\n",
	       "net/ipv6/ip6_output.c");
	/* a deeper path under the same directory wins */
	expect(NULL,
	       " f+0x1/0x2 drivers/net/foo.c:1\n"
	       " g+0x1/0x2 drivers/net/wireless/ath/ath9k/hif_usb.c:2\n",
	       "drivers/net/wireless/ath/ath9k/hif_usb.c");
	/* ... a sibling does not */
	expect(NULL,
	       " f+0x1/0x2 drivers/net/foo.c:1\n"
	       " g+0x1/0x2 drivers/net/bar.c:2\n",
	       "drivers/net/foo.c");
	/* lockdep's irq-state lines are not the bug */
	expect(NULL,
	       "hardirqs last  enabled at (331): [<0>] slab_alloc net/ipv4/tcp.c:3378\n"
	       " f+0x1/0x2 net/packet/af_packet.c:10\n",
	       "net/packet/af_packet.c");
	/* held locks neither */
	expect(NULL,
	       " #0: ffff88804093d380 (&sb->s_type->i_mutex_key#8/2){+.+.}-{4:4}, at: "
	       "__simple_recursive_removal+0x19a/0x520 fs/libfs.c:619\n"
	       " kvm_xen_set_evtchn_fast+0x1f4/0x990 arch/x86/kvm/xen.c:1829\n",
	       "arch/x86/kvm/xen.c");
	/* paths are cleaned like Go's filepath.Clean */
	expect(NULL, " f+0x1/0x2 ./net/./ipv4/../ipv4/tcp.c:5\n", "net/ipv4/tcp.c");
	/* all skipped: the first file, raw */
	expect(NULL, " f+0x1/0x2 lib/bug.c:1\n g+0x1/0x2 include/linux/x.h:2\n", "lib/bug.c");
	/* rcu stalls start at the interrupt entry */
	expect("INFO: rcu detected stall in sys_foo",
	       " f+0x1/0x2 fs/namei.c:1\n"
	       " apic_timer_interrupt+0x8f/0xa0 arch/x86/entry/entry_64.S:793\n"
	       " g+0x1/0x2 net/socket.c:2\n",
	       "net/socket.c");
	expect("INFO: task hung in sys_foo",
	       " f+0x1/0x2 fs/namei.c:1\n"
	       " apic_timer_interrupt+0x8f/0xa0 arch/x86/entry/entry_64.S:793\n"
	       " g+0x1/0x2 net/socket.c:2\n",
	       "fs/namei.c");
	expect(NULL, "no paths here\n", NULL);
	/* the buffer is cut, the length is the full one */
	char small[8];
	assert_int_equal(crashsig_guilty_file(NULL, " f net/ipv4/tcp.c:1\n", 19, small,
					      sizeof(small)), 14);
	assert_string_equal(small, "net/ipv");
	/* a path longer than the caller's buffer (fuzz_validate's long run,
	 * 2026-12-01: its own check had assumed the return fits) */
	char text[1200], big[512];
	size_t k = 0;
	k += (size_t)snprintf(text + k, sizeof(text) - k, " f ");
	for (int i = 0; i < 100; i++)
		k += (size_t)snprintf(text + k, sizeof(text) - k, "dir%04d/", i);
	k += (size_t)snprintf(text + k, sizeof(text) - k, "x.c:1\n");
	size_t full = crashsig_guilty_file(NULL, text, k, big, sizeof(big));
	assert_true(full >= sizeof(big));
	assert_int_equal(strlen(big), sizeof(big) - 1);
	assert_int_equal(strncmp(big, "dir0000/dir0001/", 16), 0);
}

/* The hand-written matchers of guilty.c against syzkaller's regular
 * expressions themselves (PCRE2 here), on every line of the guilty corpus
 * and on made-up paths: same skip answers, same path found per line. */
static pcre2_code *compile(const char *re)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
	assert_non_null(c);
	return c;
}

static int rx(pcre2_code *c, const char *s, size_t n, size_t *so, size_t *eo)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
	int r = pcre2_match(c, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
	if (r && so) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		*so = ov[2];
		*eo = ov[3];
	}
	pcre2_match_data_free(md);
	return r;
}

static void test_matchers_vs_regex(void **state)
{
	(void)state;
	/* syzkaller pkg/report/linux.go guiltyFileIgnores */
	pcre2_code *skip = compile(
		"(?:.*\\.h)|(?:^lib/.*)|(?:^virt/lib/.*)|(?:^mm/kasan/.*)|(?:^mm/kmsan/.*)|"
		"(?:^kernel/kcov.c)|(?:^mm/sl.b.c)|(?:^mm/filemap.c)|(?:^mm/folio-compat.c)|"
		"(?:^mm/truncate.c)|(?:^mm/memory.c)|(?:^mm/percpu.*)|(?:^mm/vmalloc.c)|"
		"(?:^mm/page_alloc.c)|(?:^mm/mempool.c)|(?:^mm/util.c)|(?:^kernel/rcu/.*)|"
		"(?:^arch/.*/kernel/traps.c)|(?:^arch/.*/kernel/unwind.*.c)|(?:^arch/.*/mm/fault.c)|"
		"(?:^arch/.*/mm/physaddr.c)|(?:^arch/.*/kernel/stacktrace.c)|"
		"(?:^arch/.*/kernel/apic/apic.c)|(?:^arch/arm64/kernel/entry.*.c)|"
		"(?:^arch/arm64/kernel/process\\.c)|(?:^kernel/locking/.*)|(?:^kernel/panic.c)|"
		"(?:^kernel/printk/printk.*.c)|(?:^kernel/softirq.c)|(?:^kernel/kthread.c)|"
		"(?:^kernel/sched/.*.c)|(?:^kernel/stacktrace.c)|(?:^kernel/time/timer.c)|"
		"(?:^kernel/workqueue.c)|(?:^net/core/dev.c)|(?:^net/core/sock.c)|"
		"(?:^net/core/skbuff.c)|(?:^fs/proc/generic.c)|(?:^trusty/)|"
		"(?:^drivers/usb/core/urb.c)|(?:^arch/.*/lib/crc.*)");
	pcre2_code *file = compile("([a-zA-Z0-9_\\-\\./]*[a-zA-Z0-9_\\-]+\\.(c|h)):[0-9]+");
	const char *made_up[] = {"mm/slab.c", "mm/slub.c", "mm/slxbxc", "mm/sl.b.cc", "lib",
				 "lib/x.c", "xlib/x.c", "arch/x86/kernel/traps.c",
				 "arch/x86/kernel/trapsXc", "arch/kernel/traps.c",
				 "arch/x/y/kernel/traps.c.orig", "kernel/sched/core.c",
				 "kernel/sched/c", "kernel/schedx/core.c", "a.hx.c", "fs/x.h",
				 "arch/arm64/kernel/processXc", "arch/arm64/kernel/process.c",
				 "kernel/printk/printk_safe.c", "kernel/printk/printk.c",
				 "trusty/x.c", "arch/arm/lib/crc32.c", "mm/percpu-vm.c", "", NULL};
	for (size_t i = 0; made_up[i]; i++)
		if (crashsig_guilty_skipped(made_up[i]) !=
		    rx(skip, made_up[i], strlen(made_up[i]), NULL, NULL))
			fail_msg("skip answer differs for '%s'", made_up[i]);
	const char *dir = CRASHSIG_SHARED_DIR "/corpus/syzkaller/linux/guilty";
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "skipped: corpus %s is absent (made-up paths only)\n", dir);
	} else {
		struct dirent *de;
		size_t lines = 0, paths = 0;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			size_t len = 0;
			char *buf = test_read_file(path, &len);
			assert_non_null(buf);
			for (char *l = buf; l && *l;) {
				char *nl = strchr(l, '\n');
				size_t n = nl ? (size_t)(nl - l) : strlen(l);
				size_t so = 0, eo = 0;
				int want = rx(file, l, n, &so, &eo);
				char got[512];
				/* a one-line report: the first path of the line
				 * (skipped or not, it is the fallback) */
				char one[4096];
				snprintf(one, sizeof(one), "%.*s\n", (int)n, l);
				size_t k = crashsig_guilty_file(NULL, one, strlen(one), got, sizeof(got));
				if (want && n < sizeof(one) - 2) {
					char exp[512];
					snprintf(exp, sizeof(exp), "%.*s", (int)(eo - so), l + so);
					/* crashsig_guilty_file cleans a path that is not
					 * skipped; compare the raw ones only */
					if (rx(skip, exp, strlen(exp), NULL, NULL) && strcmp(got, exp))
						fail_msg("%s: path '%s', expected '%s' in: %.*s", de->d_name,
							 got, exp, (int)n, l);
					assert_int_equal(crashsig_guilty_skipped(exp),
							 rx(skip, exp, strlen(exp), NULL, NULL));
					paths++;
				} else if (!want && n < sizeof(one) - 2) {
					assert_int_equal(k, 0);
				}
				lines++;
				l = nl ? nl + 1 : NULL;
			}
			free(buf);
		}
		closedir(d);
		fprintf(stderr, "matchers: %zu lines, %zu paths agree with the regexes\n", lines,
			paths);
		assert_true(paths > 100);
	}
	pcre2_code_free(skip);
	pcre2_code_free(file);
}

/* Like syzkaller's testGuiltyFile (pkg/report/report_test.go): the report
 * found by the parser, or - when the parser cut it before the end of the
 * input (a second report follows) - the input from the report on. */
static void test_corpus(void **state)
{
	(void)state;
	const char *dir = CRASHSIG_SHARED_DIR "/corpus/syzkaller/linux/guilty";
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "skipped: corpus %s is absent\n", dir);
		skip();
	}
	crashsig_ctx *ctx;
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	assert_int_equal(crashsig_ctx_new(&ctx, &o, NULL, 0), 0);
	struct dirent *de;
	int n = 0, ok = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		size_t len = 0;
		char *buf = test_read_file(path, &len);
		assert_non_null(buf);
		char want[512] = "";
		if (!strncmp(buf, "FILE: ", 6))
			sscanf(buf + 6, "%511[^\n]", want);
		char *body = strstr(buf, "\n\n");
		body = body ? body + 2 : buf;
		size_t blen = len - (size_t)(body - buf);
		crashsig_report **reps = NULL;
		size_t nr = 0;
		assert_int_equal(crashsig_parse_buffer(ctx, body, blen, &reps, &nr), 0);
		char got[512] = "";
		if (nr) {
			const char *title = crashsig_report_title(reps[0]);
			size_t tl;
			const char *text = crashsig_report_text(reps[0], &tl);
			uint64_t start = crashsig_report_start(reps[0]), end = crashsig_report_end(reps[0]);
			const char *p = body + start;
			size_t pl = blen - start;
			/* whitespace after the end does not count */
			size_t rest = end;
			while (rest < blen && (body[rest] == '\n' || body[rest] == ' '))
				rest++;
			if (rest >= blen) {
				p = text;
				pl = tl;
			}
			crashsig_guilty_file(title, p, pl, got, sizeof(got));
		}
		n++;
		if (!strcmp(got, want))
			ok++;
		else
			fprintf(stderr, "guilty %s: got '%s', expected '%s'\n", de->d_name, got, want);
		crashsig_reports_free(reps, nr);
		free(buf);
	}
	closedir(d);
	crashsig_ctx_free(ctx);
	fprintf(stderr, "guilty file: %d/%d agree\n", ok, n);
	assert_true(n > 0);
	assert_true(ok * 100 >= n * 98);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip_list),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_matchers_vs_regex),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
