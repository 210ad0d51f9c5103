/* crashsig serve's HTML output (src/serve/html.c): the one escaping
 * function every text from a crash goes through, URL encoding, and the
 * SVG charts' labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "serve/html.h"

/* The output of fn(o, arg) as a string (free it). */
static char *esc(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	assert_non_null(o);
	h_esc(o, s, n);
	fclose(o);
	return buf;
}

static void expect_esc(const char *in, size_t n, const char *want)
{
	char *got = esc(in, n);
	assert_string_equal(got, want);
	free(got);
}

#define FFFD "\xef\xbf\xbd"

static void test_markup(void **st)
{
	(void)st;
	const char *s = "<script>alert(\"x\")</script>";
	expect_esc(s, strlen(s), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
	s = "a' onmouseover='x' b&c";
	expect_esc(s, strlen(s), "a&#39; onmouseover=&#39;x&#39; b&amp;c");
	s = "&lt; stays &amp;lt;";
	expect_esc(s, strlen(s), "&amp;lt; stays &amp;amp;lt;");
	expect_esc("", 0, "");
	/* the length counts, not a NUL */
	expect_esc("ab<\0<d", 5, "ab&lt;" FFFD "&lt;");
}

static void test_utf8(void **st)
{
	(void)st;
	/* well-formed UTF-8 is copied */
	const char *ok = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad";
	expect_esc(ok, strlen(ok), ok);
	/* every byte of an ill-formed sequence is U+FFFD */
	expect_esc("\xff", 1, FFFD);
	expect_esc("\xc0\xaf", 2, FFFD FFFD);                     /* overlong '/' */
	expect_esc("\xe0\x80\xbc", 3, FFFD FFFD FFFD);            /* overlong '<' */
	expect_esc("\xed\xa0\x80", 3, FFFD FFFD FFFD);            /* surrogate */
	expect_esc("\xf4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD);   /* above U+10FFFF */
	expect_esc("x\xe2\x82", 3, "x" FFFD FFFD);                /* truncated */
	expect_esc("\x80<", 2, FFFD "&lt;");                      /* stray continuation */
	/* controls: tab, newline, CR kept; C0, DEL and C1 replaced */
	expect_esc("a\tb\nc\rd", 7, "a\tb\nc\rd");
	expect_esc("\x01\x1b[31m\x7f", 7, FFFD FFFD "[31m" FFFD);
	expect_esc("\xc2\x85\xc2\x9f\xc2\xa0", 6, FFFD FFFD "\xc2\xa0");
}

/* Length of a well-formed UTF-8 sequence (independent of html.c). */
static size_t u8len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	if (!k || k > n)
		return 0;
	uint32_t cp = k == 1 ? c : k == 2 ? c & 0x1f : k == 3 ? c & 0x0f : c & 0x07;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[k] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* Whatever the bytes: the output is valid UTF-8 with no character that
 * could open a tag or end an attribute, and no control but tab, LF, CR. */
static void test_any_bytes(void **st)
{
	(void)st;
	unsigned seed = 12345;
	unsigned char in[64];
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 64);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned v = seed >> 16;
			/* bias towards the interesting bytes */
			static const unsigned char pick[] = {'<', '>', '"', '\'', '&', 0, 0x7f, 0x80,
							     0xc2, 0xe2, 0xed, 0xf0, 0xf4, 0xff, 'a', ';'};
			in[i] = (v & 1) ? pick[(v >> 1) % sizeof(pick)] : (unsigned char)(v >> 3);
		}
		char *out = esc((const char *)in, n);
		const unsigned char *p = (const unsigned char *)out;
		size_t len = strlen(out);
		for (size_t i = 0; i < len;) {
			size_t k = u8len(p + i, len - i);
			assert_true(k > 0);
			if (k == 1) {
				assert_null(strchr("<>\"'", p[i]));
				assert_true(p[i] >= 0x20 || p[i] == '\t' || p[i] == '\n' || p[i] == '\r');
				assert_true(p[i] != 0x7f);
			}
			if (k == 2 && p[i] == 0xc2)
				assert_true(p[i + 1] >= 0xa0); /* no C1 */
			i += k;
		}
		free(out);
	}
}

static char *url(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	h_url(o, s);
	fclose(o);
	return buf;
}

static void test_url(void **st)
{
	(void)st;
	char *u = url("a b&c=d/\xc3\xa9\"<x>'?#%~._-Z9");
	assert_string_equal(u, "a%20b%26c%3Dd%2F%C3%A9%22%3Cx%3E%27%3F%23%25~._-Z9");
	free(u);
}

static char *run_time(int64_t t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	h_time(o, t);
	fclose(o);
	return buf;
}

static void test_time(void **st)
{
	(void)st;
	char *t = run_time(0);
	assert_string_equal(t, "-");
	free(t);
	t = run_time(1796656262); /* 2026-12-07 15:11:02 UTC */
	assert_string_equal(t, "2026-12-07 15:11");
	free(t);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_charts(void **st)
{
	(void)st;
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	int64_t v[3] = {0, 5, 2};
	h_spark(o, v, 3, 1796601600, 86400, 60, 18);
	fclose(o);
	assert_int_equal(count(buf, "<rect"), 2); /* a bar per day with crashes */
	assert_non_null(strstr(buf, "<title>2026-12-08: 5</title>"));
	assert_non_null(strstr(buf, "<title>2026-12-09: 2</title>"));
	assert_non_null(strstr(buf, "height=\"17.0\"")); /* the largest is full height */
	free(buf);
	/* series names come from crashes (crash types): escaped */
	o = open_memstream(&buf, &len);
	int64_t s[4] = {1, 2, 3, 0};
	const char *names[] = {"KASAN", "<script>x</script>"};
	double rate[2] = {0.5, -1};
	h_stacked(o, s, 2, 2, names, rate, "corrupted", 1796601600, 86400, 300, 100);
	fclose(o);
	assert_null(strstr(buf, "<script>"));
	assert_non_null(strstr(buf, "&lt;script&gt;x&lt;/script&gt;"));
	assert_int_equal(count(buf, "<circle"), 1); /* no rate on a day without crashes */
	free(buf);
	/* the page frame escapes its title */
	o = open_memstream(&buf, &len);
	h_head(o, "Bug 1: </title><script>", "bugs");
	h_foot(o, "<b>");
	fclose(o);
	assert_null(strstr(buf, "<script>"));
	assert_null(strstr(buf, "<b>"));
	assert_int_equal(count(buf, "<title>"), 1);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup),	 cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_any_bytes), cmocka_unit_test(test_url),
		cmocka_unit_test(test_time),	 cmocka_unit_test(test_charts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
