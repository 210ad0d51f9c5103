/* Line normalization: console prefixes removed, caller id kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "input/prefix.h"

static void norm(const char *in, char *out, size_t outlen, char *caller)
{
	cs_buf scratch = {0};
	cs_line l;
	assert_int_equal(cs_normalize(in, strlen(in), &l, &scratch), 0);
	snprintf(out, outlen, "%.*s", (int)l.len, l.text);
	strcpy(caller, l.caller);
	cs_buf_free(&scratch);
}

#define EXPECT(in, text, who)                                         \
	do {                                                          \
		char o[256], c[16];                                   \
		norm(in, o, sizeof(o), c);                            \
		assert_string_equal(o, text);                         \
		assert_string_equal(c, who);                          \
	} while (0)

static void test_prefixes(void **state)
{
	(void)state;
	EXPECT("[   72.159680] BUG: KASAN: x", "BUG: KASAN: x", "");
	EXPECT("[  576.782461][    C0] Call Trace:", "Call Trace:", "C0");
	EXPECT("[  123.456][ T1234]  func+0x1/0x2", " func+0x1/0x2", "T1234");
	EXPECT("<4>[    1.000000] WARNING: x", "WARNING: x", "");
	EXPECT("[    T1] hello", "hello", "T1");
	EXPECT("no prefix at all", "no prefix at all", "");
	/* caller ids in printk's 8 bytes "[%6s]" (read as one word) and not */
	EXPECT("[    1.000000][    T1] x", "x", "T1");
	EXPECT("[    1.000000][T12345] x", "x", "T12345");
	EXPECT("[    1.000000][ C1234] x", "x", "C1234");
	EXPECT("[    1.000000][  T12a] x", "[  T12a] x", "");
	EXPECT("[    1.000000][     T] x", "[     T] x", "");
	EXPECT("[    1.000000][   C0 ] x", "[   C0 ] x", "");
	EXPECT("[    1.000000][ T1 23] x", "[ T1 23] x", "");
	EXPECT("[    1.000000][ X1234] x", "[ X1234] x", "");
	EXPECT("[    1.000000][      ] x", "[      ] x", "");
	EXPECT("[    1.000000][       T1] x", "x", "T1");
	EXPECT("[    1.000000][T1234567] x", "x", "T1234567");
	EXPECT("[    T1]", "", "T1");
}

static void test_glued_text_and_syslog(void **state)
{
	(void)state;
	EXPECT("syzkaller login: [   72.1] general protection fault", "general protection fault", "");
	EXPECT("Mar  3 10:00:01 host kernel: [ 5.1] BUG: x", "BUG: x", "");
	EXPECT("2024-03-03T10:00:01.123456+00:00 host kernel: Oops", "Oops", "");
}

static void test_escapes_and_nul(void **state)
{
	(void)state;
	EXPECT("\x1b[31m[ 1.0] BUG: red\x1b[0m", "BUG: red", "");
	char in[] = "[ 1.0] a\0b";
	char o[64], c[16];
	cs_buf scratch = {0};
	cs_line l;
	assert_int_equal(cs_normalize(in, sizeof(in) - 1, &l, &scratch), 0);
	snprintf(o, sizeof(o), "%.*s", (int)l.len, l.text);
	assert_string_equal(o, "ab");
	(void)c;
	cs_buf_free(&scratch);
}

/* The prefixes triagers get from their tools (fixtures/input/ has whole logs). */
static void test_tool_prefixes(void **state)
{
	(void)state;
	/* dmesg -T */
	EXPECT("[Tue Dec  1 15:39:35 2026] general protection fault", "general protection fault", "");
	EXPECT("[Sat Nov 28 09:01:02 2026]  dump_stack_lvl+0x44/0x5c", " dump_stack_lvl+0x44/0x5c", "");
	/* the other dmesg time formats: --reltime, --show-delta, delta, iso */
	EXPECT("[Dec 1 15:39] BUG: x", "BUG: x", "");
	EXPECT("[  +0.000123]  f+0x1/0x2", " f+0x1/0x2", "");
	EXPECT("[    2.701028 <    0.000929>] RIP: 0010:f+0x1/0x2", "RIP: 0010:f+0x1/0x2", "");
	EXPECT("[<    0.000929>] Call Trace:", "Call Trace:", "");
	EXPECT("2026-12-01T15:39:35,701028+00:00 Oops", "Oops", "");
	/* old frame lines are not time stamps */
	EXPECT("[<ffffffff81000000>] f+0x1/0x2", "[<ffffffff81000000>] f+0x1/0x2", "");
	/* journalctl -o short-full */
	EXPECT("Tue 2026-12-01 15:39:35 UTC debian kernel: Oops", "Oops", "");
	/* not a date: kept */
	EXPECT("[Foo Dec  1 15:39:35 2026] x", "[Foo Dec  1 15:39:35 2026] x", "");
	/* journalctl -k -o short, short-precise, short-iso, short-monotonic */
	EXPECT("Dec 01 15:39:35 debian kernel: RIP: 0010:f+0x1/0x2", "RIP: 0010:f+0x1/0x2", "");
	EXPECT("Dec 01 15:39:35.701028 debian kernel:  <TASK>", " <TASK>", "");
	EXPECT("2026-12-01T15:39:35+00:00 debian kernel: Oops", "Oops", "");
	EXPECT("2026-12-01T15:39:35+0000 debian kernel: Oops", "Oops", "");
	EXPECT("[    2.701028] debian kernel:  vfs_write+0xc7/0x3f0", " vfs_write+0xc7/0x3f0", "");
	/* journalctl under other locales: %b as LC_TIME abbreviates the month */
	EXPECT("июл 27 14:08:04 laptop kernel: Call Trace:", "Call Trace:", "");
	EXPECT("déc.  1 15:39:35 debian kernel:  vfs_write+0xc7/0x3f0", " vfs_write+0xc7/0x3f0", "");
	EXPECT("12月 01 15:39:35 debian kernel: Oops", "Oops", "");
	/* ... but not a message whose words look like a date without "kernel: " */
	EXPECT("CPU 12 10:00:00 stall", "CPU 12 10:00:00 stall", "");
	EXPECT("12 01 15:39:35 host kernel: Oops", "12 01 15:39:35 host kernel: Oops", "");
	/* a kernel message that merely contains "kernel: " is not a journal prefix */
	EXPECT("[    2.7] Booting paravirtualized kernel: on KVM", "Booting paravirtualized kernel: on KVM", "");
	/* /dev/kmsg and netconsole extended records */
	EXPECT("4,552,2701028,-;general protection fault", "general protection fault", "");
	EXPECT("4,553,2701029,-; crashgen_write+0x86/0xc0 [crashgen]",
	       " crashgen_write+0x86/0xc0 [crashgen]", "");
	EXPECT("4,552,2701028,-,caller=T94;BUG: x", "BUG: x", "T94");
	EXPECT("4,552,2701028,c;cont", "cont", "");
	/* kmsg escapes: \x5c is a backslash, \x09 a tab */
	EXPECT("4,1,2,-;path C:\\x5cdir\\x09end", "path C:\\dir end", "");
	/* the record's time stamp (microseconds) is the line's */
	{
		cs_buf sc = {0};
		cs_line l;
		const char *k = "4,552,2701028,-;BUG: x";
		assert_int_equal(cs_normalize(k, strlen(k), &l, &sc), 0);
		assert_true(l.has_ts);
		assert_true(l.ts > 2.701027 && l.ts < 2.701029);
		cs_buf_free(&sc);
	}
	{
		cs_buf sc = {0};
		cs_line l;
		const char *k = "[    2.701028 <    0.000929>] BUG: x";
		assert_int_equal(cs_normalize(k, strlen(k), &l, &sc), 0);
		assert_true(l.ts > 2.701027 && l.ts < 2.701029);
		cs_buf_free(&sc);
	}
	/* a caller id is zero padded to its 16 bytes (the extractor compares
	 * ids whole, cs_same_caller): also after a longer id in the record */
	{
		static const char *lines[] = {"4,552,2701028,-,caller=T12345,caller=T9;BUG: x",
					      "[   1.000000][    T9] BUG: x",
					      "[   1.000000][ C12345] BUG: x"};
		for (size_t k = 0; k < 3; k++) {
			cs_buf sc = {0};
			cs_line l;
			memset(&l, 0x55, sizeof(l));
			assert_int_equal(cs_normalize(lines[k], strlen(lines[k]), &l, &sc), 0);
			size_t n = strlen(l.caller);
			assert_true(n == 2 || n == 6);
			for (size_t j = n; j < sizeof(l.caller); j++)
				assert_int_equal(l.caller[j], 0);
			cs_buf_free(&sc);
		}
		char a[16] = "T9", b[16] = "T9", c[16] = "T91";
		assert_true(cs_same_caller(a, b));
		assert_false(cs_same_caller(a, c));
	}
	/* numbers with commas are not a record */
	EXPECT("1,2,3 not kmsg", "1,2,3 not kmsg", "");
	/* serial consoles: CR before the text */
	EXPECT("\r[    2.7] BUG: x", "BUG: x", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_glued_text_and_syslog),
		cmocka_unit_test(test_escapes_and_nul),
		cmocka_unit_test(test_tool_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
