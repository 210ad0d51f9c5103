/* Line normalization: console prefixes removed, caller id kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "classify/normalize.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_glued_text_and_syslog),
		cmocka_unit_test(test_escapes_and_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
