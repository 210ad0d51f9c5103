/* src/base/util.c: the bump allocator the rules keep their strings in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/util.h"

/* Many small strings and a few large objects: every one keeps its bytes
 * (no two overlap), every block is aligned for any object, and one free
 * releases them all (ASan/LSan builds check that nothing leaks). */
static void test_arena(void **state)
{
	(void)state;
	cs_arena a = {0};
	cs_arena_free(&a); /* an empty arena */
	enum { N = 5000 };
	static char *s[N];
	char want[64];
	for (int i = 0; i < N; i++) {
		int n = snprintf(want, sizeof(want), "string %d %.*s", i, i % 40,
				 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		s[i] = i % 2 ? cs_arena_strdup(&a, want) : cs_arena_strndup(&a, want, (size_t)n);
		assert_non_null(s[i]);
		assert_int_equal((uintptr_t)s[i] % _Alignof(max_align_t), 0);
	}
	/* objects larger than a chunk get their own; the current chunk
	 * goes on being filled */
	unsigned char *big = cs_arena_alloc(&a, 100000);
	assert_non_null(big);
	memset(big, 0xab, 100000);
	char *after = cs_arena_strdup(&a, "after the big one");
	assert_non_null(after);
	unsigned char *big2 = cs_arena_alloc(&a, 20000);
	assert_non_null(big2);
	memset(big2, 0xcd, 20000);
	for (int i = 0; i < N; i++) {
		snprintf(want, sizeof(want), "string %d %.*s", i, i % 40,
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		assert_string_equal(s[i], want);
	}
	for (size_t i = 0; i < 100000; i++)
		assert_int_equal(big[i], 0xab);
	assert_string_equal(after, "after the big one");
	assert_string_equal(cs_arena_strndup(&a, "abc", 0), "");
	assert_null(cs_arena_alloc(&a, SIZE_MAX));
	cs_arena_free(&a);
	assert_null(a.head);
	cs_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
