/* Fixture program for test_symbolize: always-inline helpers (an inline
 * chain of depth 3), a hot/cold split function, and a static function whose
 * name also exists in fix_other.c (symbol choice by size). */
#include <stdio.h>
#include <stdlib.h>

int fix_other_entry(int x);

static volatile int fix_sink;

static inline __attribute__((always_inline)) int fix_inl_inner(int *p)
{
	return *p + 3; /* FIX_INNER */
}

static inline __attribute__((always_inline)) int fix_inl_middle(int *p)
{
	return fix_inl_inner(p) * 7; /* FIX_MIDDLE */
}

__attribute__((noinline)) int fix_use_inlines(int *p)
{
	int r = fix_inl_middle(p); /* FIX_OUTER */
	fix_sink = r;
	return r + 1;
}

__attribute__((noinline, cold)) void fix_cold_report(int v)
{
	fprintf(stderr, "cold %d\n", v);
	abort();
}

__attribute__((noinline)) int fix_split(int v)
{
	if (__builtin_expect(v == 12345, 0)) {
		fprintf(stderr, "unlikely %d\n", v);
		fprintf(stderr, "really unlikely %d\n", v + fix_sink);
		fix_cold_report(v);
	}
	return v * 2;
}

static __attribute__((noinline)) int fix_dup(int v)
{
	return v + fix_sink; /* FIX_DUP_PROG */
}

int main(int argc, char **argv)
{
	(void)argv;
	int x = argc;
	return fix_use_inlines(&x) + fix_split(argc) + fix_dup(argc) +
	       fix_other_entry(argc);
}
