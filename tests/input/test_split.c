/* Input stage: line splitting across chunk boundaries, CRLF, long lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "input/split.h"

typedef struct got {
	char lines[16][80];
	uint64_t off[16];
	uint64_t raw[16];
	unsigned flags[16];
	int n;
} got;

static int collect(void *arg, const cs_rline *l)
{
	got *g = arg;
	if (g->n < 16) {
		snprintf(g->lines[g->n], sizeof(g->lines[0]), "%.*s", (int)l->len, l->data);
		g->off[g->n] = l->off;
		g->raw[g->n] = l->raw_len;
		g->flags[g->n] = l->flags;
	}
	g->n++;
	return 0;
}

static void feed_bytewise(cs_splitter *s, const char *text)
{
	for (size_t i = 0; text[i]; i++)
		assert_int_equal(cs_splitter_feed(s, text + i, 1), 0);
}

static void test_chunk_boundaries(void **state)
{
	(void)state;
	got g = {0};
	cs_splitter s;
	cs_splitter_init(&s, 0, 0, collect, &g);
	feed_bytewise(&s, "first\r\nsecond\nthird");
	assert_int_equal(g.n, 2);
	assert_int_equal(cs_splitter_finish(&s), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.lines[0], "first");
	assert_string_equal(g.lines[1], "second");
	assert_string_equal(g.lines[2], "third");
	assert_int_equal(g.off[1], 7);
	assert_int_equal(g.off[2], 14);
	assert_int_equal(g.raw[0], 7);
	cs_splitter_free(&s);
}

static void test_long_line_is_cut(void **state)
{
	(void)state;
	got g = {0};
	cs_splitter s;
	cs_splitter_init(&s, 8, 0, collect, &g);
	assert_int_equal(cs_splitter_feed(&s, "0123456789abcdef", 16), 0);
	assert_int_equal(cs_splitter_feed(&s, "ghij\nnext\n", 10), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.lines[0], "01234567");
	assert_int_equal(g.raw[0], 21); /* offsets keep counting */
	assert_int_equal(g.off[1], 21);
	assert_string_equal(g.lines[1], "next");
	assert_true(g.flags[0] & CS_RL_CUT);
	assert_false(g.flags[1] & CS_RL_CUT);
	assert_true(s.partial.cap <= 64);
	cs_splitter_free(&s);
}

/* With CS_SPLIT_SEGMENTS a long line comes in pieces of max_line bytes
 * (MORE, then CONT), nothing dropped, offsets adding up; in any chunking. */
static void test_long_line_segments(void **state)
{
	(void)state;
	static const char in[] = "0123456789abcdefghij\r\nxy\n0123456789\n";
	size_t len = sizeof(in) - 1;
	for (size_t chunk = 1; chunk <= len; chunk++) {
		got g = {0};
		cs_splitter s;
		cs_splitter_init(&s, 8, CS_SPLIT_SEGMENTS, collect, &g);
		for (size_t i = 0; i < len; i += chunk)
			assert_int_equal(cs_splitter_feed(&s, in + i, chunk < len - i ? chunk : len - i), 0);
		assert_int_equal(cs_splitter_finish(&s), 0);
		assert_int_equal(g.n, 6);
		static const char *want[] = {"01234567", "89abcdef", "ghij", "xy", "01234567", "89"};
		static const unsigned fl[] = {CS_RL_MORE, CS_RL_MORE | CS_RL_CONT, CS_RL_CONT, 0,
					      CS_RL_MORE, CS_RL_CONT};
		uint64_t off = 0;
		for (int i = 0; i < 6; i++) {
			assert_string_equal(g.lines[i], want[i]);
			assert_int_equal(g.flags[i] & ~CS_RL_CLEAN, fl[i]); /* (a hint) */
			assert_int_equal(g.off[i], off);
			off += g.raw[i];
		}
		assert_int_equal(off, len);
		cs_splitter_free(&s);
	}
}

static void test_nul_bytes_pass_through(void **state)
{
	(void)state;
	got g = {0};
	cs_splitter s;
	cs_splitter_init(&s, 0, 0, collect, &g);
	assert_int_equal(cs_splitter_feed(&s, "a\0b\nc\n", 6), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.raw[0], 4);
	cs_splitter_free(&s);
}

/* A consumer's scan that skips everything before the first '!' (as
 * ex_scan skips text without markers), counting its calls. */
typedef struct scanner {
	got g;
	int calls;
	uint64_t skipped;
} scanner;

static int collect_sc(void *arg, const cs_rline *l)
{
	return collect(&((scanner *)arg)->g, l);
}

static size_t scan_bang(void *arg, const char *s, size_t n)
{
	scanner *sc = arg;
	sc->calls++;
	const char *b = memchr(s, '!', n);
	return b ? (size_t)(b - s) : n;
}

static void skipped_sc(void *arg, uint64_t bytes)
{
	((scanner *)arg)->skipped += bytes;
}

static void test_scan_hold(void **state)
{
	(void)state;
	const char *text = "a\nb\n!c\nd\ne\n";
	/* no hold: lines before the '!' line are skipped */
	scanner sc = {0};
	cs_splitter s;
	cs_splitter_init(&s, 0, 0, collect_sc, &sc);
	cs_splitter_set_scan(&s, scan_bang, skipped_sc, &sc);
	assert_int_equal(cs_splitter_feed(&s, text, strlen(text)), 0);
	assert_int_equal(sc.skipped, 8); /* "a", "b", then "d", "e" */
	assert_int_equal(sc.g.n, 1);
	assert_string_equal(sc.g.lines[0], "!c");
	assert_int_equal(sc.g.off[0], 4);
	assert_int_equal(sc.calls, 2);
	cs_splitter_free(&s);
	/* held: scan is not asked, every line comes out */
	scanner h = {0};
	size_t hold = 1;
	cs_splitter_init(&s, 0, 0, collect_sc, &h);
	cs_splitter_set_scan(&s, scan_bang, skipped_sc, &h);
	cs_splitter_set_scan_hold(&s, &hold);
	assert_int_equal(cs_splitter_feed(&s, text, 4), 0);
	assert_int_equal(h.calls, 0);
	assert_int_equal(h.g.n, 2);
	/* released: asked again at the next line start */
	hold = 0;
	assert_int_equal(cs_splitter_feed(&s, text + 4, strlen(text) - 4), 0);
	assert_int_equal(h.calls, 2);
	assert_int_equal(h.g.n, 3);
	assert_string_equal(h.g.lines[2], "!c");
	assert_int_equal(h.g.off[2], 4);
	assert_int_equal(h.skipped, 4);
	cs_splitter_free(&s);
}

/* CS_RL_CLEAN: set on whole lines without an ESC or a NUL (before their
 * end: bytes of the next line do not count), in the 16-byte blocks and in
 * the tail; never on segments. */
static void test_clean_flag(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		size_t len;
		int clean[3];
	} cases[] = {
#define T(lit) lit, sizeof(lit) - 1
		{T("short\nline\x1b[0m\nz"), {1, 0, 0}},
		{T("a line of more than sixteen bytes\n\0next\n"), {1, 0, -1}},
		{T("0123456789abcdefghij\x1bklmnopqrstuvwxyz\nok\n"), {0, 1, -1}},
		{T("0123456789abcdefghijklmnopqrstuvwxy\0\r\nok\r\n"), {0, 1, -1}},
		{T("0123456789abcdefghijklmnopqrstuvwxyz\n"), {1, -1, -1}},
		/* the line end inside a 32-byte block, a NUL after it in the block */
		{T("abc\n\0" "123456789abcdefghijklmnopqrstuvwxyz\nok\n"), {1, 0, 1}},
		/* a special in the second 32-byte block, then in a short tail */
		{T("0123456789abcdefghijklmnopqrstuv0123456789\x1b"
		   "abcdefghijklmnopqrstuvwxyz0123456789\nabcdefghijklmnopqrstuvwxyz0123456789ab\x1b\n"),
		 {0, 0, -1}},
	};
#undef T
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		got g = {0};
		cs_splitter s;
		cs_splitter_init(&s, 0, 0, collect, &g);
		assert_int_equal(cs_splitter_feed(&s, cases[c].text, cases[c].len), 0);
		assert_int_equal(cs_splitter_finish(&s), 0);
		for (int i = 0; i < 3 && cases[c].clean[i] >= 0; i++) {
			assert_true(i < g.n);
			if (!!(g.flags[i] & CS_RL_CLEAN) != cases[c].clean[i])
				fail_msg("case %zu line %d: flags %u", c, i, g.flags[i]);
		}
		cs_splitter_free(&s);
	}
	/* segments of a long line are never clean */
	got g = {0};
	cs_splitter s;
	cs_splitter_init(&s, 8, CS_SPLIT_SEGMENTS, collect, &g);
	assert_int_equal(cs_splitter_feed(&s, "0123456789abcdef\n", 17), 0);
	assert_int_equal(g.n, 2);
	assert_false(g.flags[0] & CS_RL_CLEAN);
	assert_false(g.flags[1] & CS_RL_CLEAN);
	cs_splitter_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk_boundaries),
		cmocka_unit_test(test_long_line_is_cut),
		cmocka_unit_test(test_long_line_segments),
		cmocka_unit_test(test_nul_bytes_pass_through),
		cmocka_unit_test(test_scan_hold),
		cmocka_unit_test(test_clean_flag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
