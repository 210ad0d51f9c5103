/* Kernel metadata from the CPU:, Hardware name: and Linux version lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crashsig/crashsig.h"

static crashsig_kernel_info parse(const char *text)
{
	crashsig_kernel_info ki = CRASHSIG_KERNEL_INFO_INIT;
	assert_int_equal(crashsig_kernel_info_parse(text, strlen(text), &ki), 0);
	return ki;
}

static void test_debian_oops(void **state)
{
	(void)state;
	crashsig_kernel_info ki = parse(
		"[    2.701028] general protection fault, probably for non-canonical address\n"
		"[    2.701323] CPU: 1 PID: 94 Comm: sh Tainted: G           OE      "
		"6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2\n"
		"[    2.701559] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2\n");
	assert_string_equal(ki.release, "6.1.0-56-cloud-amd64");
	assert_string_equal(ki.build, "#1  Debian 6.1.192-2");
	assert_string_equal(ki.taint, "GOE");
	assert_int_equal(ki.tainted, (1ul << 12) | (1ul << 13));
	assert_string_equal(crashsig_taint_name(12), "OOT_MODULE");
	assert_int_equal(crashsig_taint_letter(13), 'E');
	assert_int_equal(ki.cpu, 1);
	assert_int_equal(ki.pid, 94);
	assert_string_equal(ki.comm, "sh");
	assert_string_equal(ki.hardware, "QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2");
	assert_true(ki.flags & CRASHSIG_KINFO_TAINT);
	assert_string_equal(ki.build_id, "");
}

static void test_syzbot_forms(void **state)
{
	(void)state;
	/* 6.11+: UID field; not tainted; comm with a space */
	crashsig_kernel_info ki = parse(
		"CPU: 0 UID: 0 PID: 5432 Comm: Web Content Not tainted 6.12.0-rc1-syzkaller-00001-gabc #0\n");
	assert_int_equal(ki.cpu, 0);
	assert_int_equal(ki.pid, 5432);
	assert_string_equal(ki.comm, "Web Content");
	assert_string_equal(ki.release, "6.12.0-rc1-syzkaller-00001-gabc");
	assert_string_equal(ki.taint, "");
	assert_int_equal(ki.tainted, 0);
	assert_true(ki.flags & CRASHSIG_KINFO_TAINT);
	/* BAD_PAGE and WARN; build id at the end (CONFIG_STACKTRACE_BUILD_ID) */
	ki = parse("<4>[ 5.0] CPU: 3 PID: 1 Comm: swapper/0 Tainted: G    B   W          "
		   "5.15.0 #1 0123456789abcdef0123456789abcdef01234567\n");
	assert_string_equal(ki.taint, "GBW");
	assert_int_equal(ki.tainted, (1ul << 5) | (1ul << 9));
	assert_string_equal(ki.release, "5.15.0");
	assert_string_equal(ki.build, "#1");
	assert_string_equal(ki.build_id, "0123456789abcdef0123456789abcdef01234567");
}

static void test_fallbacks(void **state)
{
	(void)state;
	/* release from the boot banner, CPU/PID from a WARNING header */
	crashsig_kernel_info ki = parse(
		"[    0.000000] Linux version 6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org) #1\n"
		"[    2.4] WARNING: CPU: 2 PID: 95 at lib/x.c:71 f+0x14/0x20\n");
	assert_string_equal(ki.release, "6.1.0-56-cloud-amd64");
	assert_int_equal(ki.cpu, 2);
	assert_int_equal(ki.pid, 95);
	assert_false(ki.flags & CRASHSIG_KINFO_TAINT);
	/* nothing known */
	ki = parse("hello\n");
	assert_string_equal(ki.release, "");
	assert_int_equal(ki.cpu, -1);
	assert_int_equal(ki.pid, -1);
	assert_null(crashsig_taint_name(64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_oops),
		cmocka_unit_test(test_syzbot_forms),
		cmocka_unit_test(test_fallbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
