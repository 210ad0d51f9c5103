/* Line normalization: console prefixes removed, caller id kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "input/prefix.h"

/* A second copy of the parser with its functions renamed: its static
 * functions, line_parse (the general path: the fast path's oracle), the
 * stamp_* variants (each against the others), printk_caller (against
 * caller_len) and journal_host_at (against journal_host_len), are called
 * here. Building with -DCS_PREFIX_NO_SSE2 or -DCS_PREFIX_PORTABLE (the
 * library too) tests the fast path of machines without SSE2 or not
 * little-endian. */
#define cs_line_parse copy_cs_line_parse
#define cs_kmsg_record copy_cs_kmsg_record
#define cs_kmsg_dict copy_cs_kmsg_dict
int copy_cs_line_parse(const char *raw, size_t len, cs_line *out, cs_buf *scratch,
		       unsigned want, int64_t ref);
int copy_cs_kmsg_record(const char *d, size_t len);
int copy_cs_kmsg_dict(const char *d, size_t len);
#include "input/prefix.c"
#undef cs_line_parse
#undef cs_kmsg_record
#undef cs_kmsg_dict

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
	/* the level is PRI % 8, also of a first field too long for an int
	 * (10^20 - 1: 7; it wraps, no overflow for UBSan to stop at) */
	{
		cs_buf sc = {0};
		cs_line l;
		const char *k = "12,552,2701028,-;BUG: x";
		assert_int_equal(cs_normalize(k, strlen(k), &l, &sc), 0);
		assert_int_equal(l.level, 4);
		k = "99999999999999999999,1,2,-;x";
		assert_int_equal(cs_normalize(k, strlen(k), &l, &sc), 0);
		assert_int_equal(l.level, 7);
		assert_int_equal(l.prefix, CRASHSIG_PREFIX_KMSG);
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

/* A straightforward reading of the prefixes the generated lines hold
 * (printk stamps of any width, caller ids, journalctl's "host kernel: ",
 * text glued before a stamp; no syslog date, kmsg header, dmesg stamp or
 * log level: the generated lines hold no '<', '+', ',', '-' and no
 * letters but 'T', 'C', 'x' and 'k', or " host kernel: " after a stamp). */
static size_t ref_stamp(const char *s, size_t n, double *v)
{
	static const double scale[] = {1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9};
	uint64_t sec = 0, frac = 0;
	size_t i = 1;
	if (n < 4 || s[0] != '[')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	size_t d = i;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		sec = sec * 10 + (uint64_t)(s[i] - '0');
	if (i == d || i >= n || s[i] != '.')
		return 0;
	d = ++i;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		frac = frac * 10 + (uint64_t)(s[i] - '0');
	if (i == d || i >= n || s[i] != ']')
		return 0;
	*v = (double)sec + (i - d < 10 ? (double)frac * scale[i - d] : 0);
	return i + 1;
}

static size_t ref_caller(const char *s, size_t n, char id[16])
{
	size_t i = 1;
	if (n < 4 || s[0] != '[')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != 'T' && s[i] != 'C'))
		return 0;
	size_t st = i++, d = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == d || i >= n || s[i] != ']' || i - st + 1 > 16)
		return 0;
	memcpy(id, s + st, i - st);
	return i + 1;
}

/* "host kernel: " (the first ' ', ':' or '[' within 80 bytes) */
static size_t ref_journal(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 80 && s[i] != ' ' && s[i] != ':' && s[i] != '[')
		i++;
	return i && i + 9 <= n && memcmp(s + i, " kernel: ", 9) == 0 ? i + 9 : 0;
}

typedef struct ref_line {
	size_t prefix_len;
	int has_ts, prefix, origin;
	double ts;
	char caller[16];
} ref_line;

static void ref_parse(const char *s, size_t n, ref_line *r)
{
	memset(r, 0, sizeof(*r));
	size_t i = 0, t = ref_stamp(s, n, &r->ts);
	for (size_t k = 1; !t && k + 4 < (n < 128 ? n : 128); k++) {
		/* text glued before a stamp */
		if (s[k] == '[' && (s[k + 1] == ' ' || (s[k + 1] >= '0' && s[k + 1] <= '9')) &&
		    (t = ref_stamp(s + k, n - k, &r->ts)))
			i = k;
	}
	if (t) {
		r->has_ts = 1;
		r->prefix = CRASHSIG_PREFIX_PRINTK;
		i += t;
		size_t c = ref_caller(s + i, n - i, r->caller);
		i += c;
		size_t h = !c && i < n && s[i] == ' ' ? ref_journal(s + i + 1, n - i - 1) : 0;
		if (h) {
			r->prefix = CRASHSIG_PREFIX_JOURNAL_MONOTONIC;
			r->origin = CRASHSIG_ORIGIN_JOURNAL;
			r->prefix_len = i + 1 + h;
			return;
		}
	} else if ((t = ref_caller(s, n, r->caller))) {
		r->prefix = CRASHSIG_PREFIX_PRINTK;
		i = t;
	}
	if (t && i < n && s[i] == ' ')
		i++;
	r->prefix_len = i;
}

/* ------------------------------------------------------------------ */
/* The fast path's pieces, variant against variant                      */
/* ------------------------------------------------------------------ */

/* The 14 bytes at s (a block of 14: ASan sees a read past them) by every
 * stamp variant built here: the same answer, the same value to the bit,
 * the general reading's value. Returns the answer. */
static int same_stamps(const char *s)
{
	double a = -1, v = -1;
	int ra = stamp_bytes(s, &a);
#ifdef PREFIX_SWAR
	double b = -2;
	assert_int_equal(stamp_words(s, &b), ra);
	if (ra)
		assert_memory_equal(&a, &b, sizeof(double));
#endif
#ifdef PREFIX_SSE2
	double c = -3;
	assert_int_equal(stamp_sse2(s, &c), ra);
	if (ra)
		assert_memory_equal(&a, &c, sizeof(double));
#endif
	if (ra) {
		assert_int_equal(ref_stamp(s, 14, &v), 14);
		assert_memory_equal(&a, &v, sizeof(double));
	}
	return ra;
}

/* "[%5lu.%06lu]" of sec and us into the 14 bytes at s. */
static void put_stamp(char *s, unsigned long sec, unsigned long us)
{
	s[0] = '[';
	for (int k = 5; k >= 1; k--, sec /= 10)
		s[k] = k < 5 && !sec ? ' ' : (char)('0' + sec % 10);
	s[6] = '.';
	for (int k = 12; k >= 7; k--, us /= 10)
		s[k] = (char)('0' + us % 10);
	s[13] = ']';
}

static void test_stamp_variants(void **state)
{
	(void)state;
	char *s = malloc(14);
	assert_non_null(s);
	unsigned long n = 0, yes = 0;
	/* every printk stamp "%5lu" of 0-99999 (with some fractions), of
	 * "%06lu" every fraction below 10000 and every 7th above (with some
	 * seconds) */
	for (unsigned long sec = 0; sec < 100000; sec++, n++) {
		put_stamp(s, sec, (sec * 7919) % 1000000);
		assert_true(same_stamps(s));
	}
	static const unsigned long secs[] = {0, 1, 9, 10, 567, 99999};
	for (unsigned long f = 0; f < 1000000; f += f < 10000 ? 1 : 7, n++) {
		put_stamp(s, secs[f % 6], f);
		assert_true(same_stamps(s));
	}
	put_stamp(s, 12, 3456);
	assert_memory_equal(s, "[   12.003456]", 14);
	/* the five columns of blanks and digits in any order (with leading
	 * zeros, a blank after a digit, no digit) */
	static const char cols[] = " 059";
	for (unsigned m = 0; m < 4 * 4 * 4 * 4 * 4; m++) {
		s[0] = '[';
		for (unsigned k = 0, q = m; k < 5; k++, q /= 4)
			s[1 + k] = cols[q % 4];
		memcpy(s + 6, ".123456]", 8);
		yes += (unsigned long)same_stamps(s);
		n++;
	}
	/* stamps: 0-4 blanks, then digits (of three) */
	assert_int_equal(yes, 3 + 9 + 27 + 81 + 243);
	/* each byte of stamps replaced by each byte value */
	static const char *const stamps[] = {"[  567.074029]", "[    0.000000]", "[99999.999999]",
					     "[ 1234.567890]", "[    9.100000]", "[10000.000001]"};
	for (size_t l = 0; l < sizeof(stamps) / sizeof(*stamps); l++)
		for (int p = 0; p < 14; p++)
			for (int c = 0; c < 256; c++) {
				memcpy(s, stamps[l], 14);
				s[p] = (char)c;
				same_stamps(s);
				n++;
			}
	/* random bytes, mostly of stamps */
	static const char alpha[] = "  0123456789.[]/:\x80\xff";
	uint64_t r = 0x2545f4914f6cdd1dull;
	for (int it = 0; it < 300000; it++) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		memcpy(s, stamps[r % 6], 14);
		for (unsigned k = 0, q = (unsigned)(r >> 8); k < 1 + (r >> 40) % 4; k++, q /= 14 * 19)
			s[q % 14] = alpha[(q / 14) % (sizeof(alpha) - 1)];
		same_stamps(s);
		n++;
	}
	free(s);
	print_message("stamp variants: %lu stamps\n", n);
}

/* printk_caller (SSE2) against caller_len on every 8-byte "[%6s]" over
 * blanks, 'T', 'C', digits and others. */
static void test_caller_variants(void **state)
{
	(void)state;
#ifdef PREFIX_SSE2
	static const char alpha[] = " TC079x:";
	unsigned long yes = 0;
	char *s = malloc(8);
	assert_non_null(s);
	for (unsigned m = 0; m < 8 * 8 * 8 * 8 * 8 * 8; m++) {
		s[0] = '[';
		for (unsigned k = 0, q = m; k < 6; k++, q /= 8)
			s[1 + k] = alpha[q % 8];
		s[7] = ']';
		char a[16], b[16];
		memset(a, 0x55, sizeof(a));
		memset(b, 0, sizeof(b));
		int fast = printk_caller(s, a);
		size_t c = caller_len(s, 8, b, sizeof(b));
		assert_int_equal(fast, c == 8);
		if (fast)
			assert_memory_equal(a, b, sizeof(a));
		yes += (unsigned long)fast;
	}
	free(s);
	/* ids of 1-5 digits after 4-0 blanks, 'T' or 'C' */
	assert_int_equal(yes, 2 * (3 + 9 + 27 + 81 + 243));
#else
	skip();
#endif
}

/* ------------------------------------------------------------------ */
/* The fast paths against the general path and a reference              */
/* ------------------------------------------------------------------ */

/* Lines in blocks of their own size (ASan sees a read past the end). */
typedef struct {
	cs_buf sc1, sc2;
	unsigned long n, fast;
} cmp_state;

static void same_line(const cs_line *a, const cs_line *b, unsigned want)
{
	assert_int_equal(a->line_len, b->line_len);
	assert_int_equal(a->prefix_len, b->prefix_len);
	assert_int_equal(a->len, b->len);
	assert_ptr_equal(a->text, a->line + a->prefix_len);
	assert_ptr_equal(b->text, b->line + b->prefix_len);
	assert_memory_equal(a->line, b->line, a->line_len);
	assert_memory_equal(a->caller, b->caller, sizeof(a->caller));
	assert_int_equal(a->has_ts, b->has_ts);
	assert_memory_equal(&a->ts, &b->ts, sizeof(double)); /* bit-exact */
	assert_int_equal(a->prefix, b->prefix);
	assert_int_equal(a->origin, b->origin);
	assert_int_equal(a->level, b->level);
	if (want & CS_LINE_TIME) {
		assert_int_equal(a->time.flags, b->time.flags);
		assert_memory_equal(&a->time.boot, &b->time.boot, sizeof(double));
		assert_true(a->time.wall == b->time.wall);
		assert_int_equal(a->time.wall_nsec, b->time.wall_nsec);
		assert_int_equal(a->time.utc_offset, b->time.utc_offset);
	}
}

/* The library's cs_line_parse (its fast path) against the general path,
 * the copy's cs_line_parse, and (ref) the reference reading. */
static void check_line(cmp_state *st, const char *src, size_t n, int ref)
{
	char *s = malloc(n ? n : 1);
	assert_non_null(s);
	memcpy(s, src, n);
	static const unsigned wants[] = {0, CS_LINE_CLEAN, CS_LINE_TIME, CS_LINE_TIME | CS_LINE_CLEAN};
	for (size_t w = 0; w < 4; w++) {
		unsigned want = wants[w];
		if ((want & CS_LINE_CLEAN) && (memchr(s, 0, n) || memchr(s, 0x1b, n) || memchr(s, '\r', n)))
			continue; /* not clean: the caller would not say so */
		cs_line a, b, c;
		memset(&a, 0x55, sizeof(a));
		memset(&b, 0xaa, sizeof(b));
		memset(&c, 0x33, sizeof(c));
		assert_int_equal(cs_line_parse(s, n, &a, &st->sc1, want, 0), 0);
		assert_int_equal(line_parse(s, n, &b, &st->sc2, want, 0), 0);
		same_line(&a, &b, want);
		if (!w) { /* (the same code, built as the test is) */
			assert_int_equal(copy_cs_line_parse(s, n, &c, &st->sc2, want, 0), 0);
			same_line(&a, &c, want);
		}
		if (ref && !w) {
			ref_line r;
			ref_parse(s, n, &r);
			assert_ptr_equal(a.line, s);
			assert_int_equal(a.prefix_len, r.prefix_len);
			assert_int_equal(a.has_ts, r.has_ts);
			assert_memory_equal(&a.ts, &r.ts, sizeof(double));
			assert_int_equal(a.prefix, r.prefix);
			assert_int_equal(a.origin, r.origin);
			assert_int_equal(a.level, -1);
			assert_memory_equal(a.caller, r.caller, sizeof(r.caller));
		}
		st->fast += a.has_ts && a.prefix_len >= 14 && s[0] == '[' && s[13] == ']';
	}
	st->n++;
	free(s);
}

static void check_str(cmp_state *st, const char *s, int ref)
{
	check_line(st, s, strlen(s), ref);
}

static const char *const tails[] = {
	"", " ", "  ", "x", " Call Trace:", "  __schedule+0x86c/0x1ed0", "[ T1234] x",
	"[    C1]", "[    C1] ", "[T12345]  x", "[ C1234]", "[     T]", "[   C0 ]", "[ T1 23] x",
	"[  T12a] x", "[       T1] x", "[T1234567] x", "[T123456789012345] x",
	"[T12345678901234] x", "[T1]", "[C12]x", "[ T1", "[", "[ ", " host kernel: x",
	" host kernel:", " a kernel: ", "  host kernel: x", " h:kernel: x", " [ 1.5] x",
	"[ T12] host kernel: x", " 0123456789012345678901234567890123456789012345678901234567890123456789012345678 kernel: x",
	" 01234567890123456789012345678901234567890123456789012345678901234567890123456789 kernel: x",
	" 012345678901234567890123456789012345678901234567890123456789012345678901234567890 kernel: x",
};

/* Every printk stamp shape: 0-6 blanks, 0-7 digits of seconds, a point or
 * not, 0-8 digits of fraction, the ']' or not; each with every tail. */
static void test_stamp_shapes(void **state)
{
	(void)state;
	cmp_state st = {0};
	static const char digits[] = "9081726354";
	char line[256];
	for (int nb = 0; nb <= 6; nb++)
		for (int ns = 0; ns <= 7; ns++)
			for (int dot = 0; dot < 2; dot++)
				for (int nf = 0; nf <= 8; nf++)
					for (int close = 0; close < 2; close++)
						for (size_t t = 0; t < sizeof(tails) / sizeof(*tails); t++) {
							size_t n = 0;
							line[n++] = '[';
							for (int k = 0; k < nb; k++)
								line[n++] = ' ';
							for (int k = 0; k < ns; k++)
								line[n++] = digits[(k + nb + nf) % 10];
							if (dot)
								line[n++] = '.';
							for (int k = 0; k < nf; k++)
								line[n++] = digits[(k * 3 + ns) % 10];
							if (close)
								line[n++] = ']';
							memcpy(line + n, tails[t], strlen(tails[t]));
							n += strlen(tails[t]);
							check_line(&st, line, n, 1);
						}
	/* the extremes */
	check_str(&st, "[    0.000000] x", 1);
	check_str(&st, "[99999.999999] x", 1);
	check_str(&st, "[00000.000000] x", 1);
	check_str(&st, "[    9.999999]", 1);
	check_str(&st, "[123456.123456] x", 1);
	check_str(&st, "[18446744073709551615.999999] x", 1);
	check_str(&st, "[99999999999999999999999.9999999999999] x", 1);
	print_message("stamp shapes: %lu lines, %lu with printk's stamp\n", st.n, st.fast / 4);
	assert_true(st.fast > 1000);
	cs_buf_free(&st.sc1);
	cs_buf_free(&st.sc2);
}

/* Each byte of printk lines replaced by each byte value; each line cut at
 * each length. */
static void test_stamp_mutations(void **state)
{
	(void)state;
	cmp_state st = {0};
	static const char *const lines[] = {
		"[  567.074029] Call Trace:",
		"[    0.000000][    T0] x",
		"[99999.999999][T12345]  f+0x1/0x2",
		"[ 1234.567890][ C1234] host kernel: x",
		"[   12.345678] host kernel: y",
		"[12345.678901]",
		"[    1.000001][  C12]",
	};
	char line[64];
	for (size_t l = 0; l < sizeof(lines) / sizeof(*lines); l++) {
		size_t n = strlen(lines[l]);
		for (size_t p = 0; p < n; p++)
			for (int c = 0; c < 256; c++) {
				memcpy(line, lines[l], n);
				line[p] = (char)c;
				check_line(&st, line, n, 0);
			}
		for (size_t k = 0; k <= n; k++)
			check_line(&st, lines[l], k, 1);
	}
	print_message("mutations: %lu lines\n", st.n);
	cs_buf_free(&st.sc1);
	cs_buf_free(&st.sc2);
}

/* Random lines over the bytes of stamps and caller ids: printk stamps and
 * caller ids with a few bytes changed, random text after them. */
static void test_stamp_random(void **state)
{
	(void)state;
	cmp_state st = {0};
	static const char alpha[] = "    0123456789..]][[TCxk:/";
	uint64_t r = 0x9e3779b97f4a7c15ull;
#define RND() (r ^= r << 13, r ^= r >> 7, r ^= r << 17, r)
	char line[96];
	for (int it = 0; it < 100000; it++) {
		size_t n = 0;
		uint64_t q = RND();
		if (q % 8) {
			/* "[%5lu.%06lu]": usually five columns */
			unsigned cols = q % 3 ? 5 : 1 + (q >> 3) % 7, nd = 1 + (q >> 6) % cols;
			line[n++] = '[';
			for (unsigned k = 0; k < cols; k++)
				line[n++] = k + nd < cols ? ' ' : (char)('0' + RND() % 10);
			line[n++] = '.';
			unsigned nf = (q >> 9) % 4 ? 6 : (q >> 11) % 9;
			for (unsigned k = 0; k < nf; k++)
				line[n++] = (char)('0' + RND() % 10);
			line[n++] = ']';
		}
		if ((q >> 14) % 2) {
			/* "[%6s]" */
			unsigned nd = 1 + (q >> 15) % 7;
			line[n++] = '[';
			for (unsigned k = nd + 1; k < 6; k++)
				line[n++] = ' ';
			line[n++] = (q >> 18) % 2 ? 'T' : 'C';
			for (unsigned k = 0; k < nd; k++)
				line[n++] = (char)('0' + RND() % 10);
			line[n++] = ']';
		}
		/* the text */
		size_t len = n + (q >> 19) % 12;
		while (n < len)
			line[n++] = alpha[RND() % (sizeof(alpha) - 1)];
		/* 0-3 bytes changed */
		for (unsigned k = (q >> 23) % 4; k && n; k--) {
			uint64_t m = RND();
			line[m % n] = m & 0x100 ? alpha[(m >> 9) % (sizeof(alpha) - 1)] : (char)(m >> 20);
		}
		/* ref: the bytes it knows */
		int ref = 1;
		for (size_t k = 0; k < n; k++)
			ref &= memchr(alpha, line[k], sizeof(alpha) - 1) != NULL;
		check_line(&st, line, n, ref);
	}
#undef RND
	print_message("random: %lu lines, %lu with printk's stamp\n", st.n, st.fast / 4);
	assert_true(st.fast > 30000);
	cs_buf_free(&st.sc1);
	cs_buf_free(&st.sc2);
}

/* journalctl -o short-monotonic's "host kernel: " after the stamp: host
 * names and first words of 0-90 bytes, with and without " kernel: ", cut
 * anywhere (the fast path reads 16 bytes at once, from the last 16 of a
 * short line). */
/* journal_host_at (SSE2) against journal_host_len after 15 bytes of src. */
static void same_journal(const char *src, size_t n)
{
#ifdef PREFIX_SSE2
	if (n < 15)
		return;
	char *s = malloc(n);
	assert_non_null(s);
	memcpy(s, src, n);
	size_t a = journal_host_at(s, n, 15), b = journal_host_len(s + 15, n - 15);
	if (a == SIZE_MAX) {
		/* left to journal_host_len: 25 bytes or more, none of the
		 * first 16 a ' ', ':' or '[' */
		assert_true(n - 15 >= 25);
		for (size_t k = 15; k < 31; k++)
			assert_true(s[k] != ' ' && s[k] != ':' && s[k] != '[');
	} else {
		assert_int_equal(a, b);
	}
	free(s);
#else
	(void)src;
	(void)n;
#endif
}

static void test_journal_hosts(void **state)
{
	(void)state;
	cmp_state st = {0};
	static const char host[] = "abcdefgh.ijklmnopqrstuvwxyz-0123456789_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123";
	static const char *const seps[] = {" kernel: x", " kernel: ", " kernel:", " kernel", " kernelx x",
					   ": kernel: x", "[ kernel: x", "  kernel: x", " x kernel: y", ""};
	char line[160];
	for (size_t hl = 0; hl <= 90; hl++)
		for (size_t sp = 0; sp < sizeof(seps) / sizeof(*seps); sp++) {
			size_t n = 0;
			memcpy(line, "[  567.074029] ", 15);
			n = 15;
			memcpy(line + n, host + (hl * 7) % 5, hl);
			n += hl;
			memcpy(line + n, seps[sp], strlen(seps[sp]));
			n += strlen(seps[sp]);
			for (size_t k = hl < 20 || hl % 16 < 2 ? 14 : n; k <= n; k++) {
				check_line(&st, line, k, 1);
				same_journal(line, k);
			}
			/* a delimiter at each place of the host name */
			for (size_t k = 15; k < 15 + hl && hl < 40; k++) {
				char save = line[k];
				line[k] = " :["[k % 3];
				check_line(&st, line, n, 1);
				same_journal(line, n);
				line[k] = save;
			}
		}
	print_message("journal hosts: %lu lines\n", st.n);
	cs_buf_free(&st.sc1);
	cs_buf_free(&st.sc2);
}

/* Lines without a stamp at the start: the plain-line path (no prefix at
 * all) against the general one. "kernel: " and '[' at every place of lines
 * of 0-150 bytes (either one leaves the line to the general path within the
 * first 128 bytes); syslog and journal dates before host names of any
 * length (their "kernel: " up to byte 124 and beyond). */
static void test_plain_lines(void **state)
{
	(void)state;
	cmp_state st = {0};
	static const char text[] = "Call Trace: general protection fault, probably for non-canonical address "
				   "0xdffffc0000000000: 0000 [#1] PREEMPT SMP KASAN NOPTI and more text to go "
				   "past 128 bytes";
	static const char *const firsts[] = {"C", ".", "\xc3\xa9", " ", "k"};
	static const char *const inserts[] = {"kernel: ", "kernel:", "[", "kernel: [", "k", "[ 1.5] ",
					      "[    2.000000][ T1] "};
	char line[300];
	static const size_t lens[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,  11,  12,  13,
				      14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,  25,  30,  31,
				      32, 33, 40, 47, 48, 49, 64, 100, 115, 119, 123, 124, 125, 126,
				      127, 128, 129, 130, 131, 132, 140, 150};
	for (size_t f = 0; f < sizeof(firsts) / sizeof(*firsts); f++)
		for (size_t ln = 0; ln < sizeof(lens) / sizeof(*lens); ln++) {
			size_t n = lens[ln];
			/* text without '[' (the "[#1]" replaced) */
			size_t fl = strlen(firsts[f]);
			memcpy(line, firsts[f], fl);
			for (size_t k = fl; k < n + fl; k++)
				line[k] = text[k % (sizeof(text) - 1)] == '[' ? '(' : text[k % (sizeof(text) - 1)];
			check_line(&st, line, n + fl, 0);
			for (size_t in = 0; in < sizeof(inserts) / sizeof(*inserts); in++)
				for (size_t p = 1; p + strlen(inserts[in]) <= n + fl; p++) {
					char save[32];
					size_t il = strlen(inserts[in]);
					memcpy(save, line + p, il);
					memcpy(line + p, inserts[in], il);
					check_line(&st, line, n + fl, 0);
					memcpy(line + p, save, il);
				}
		}
	static const char *const dates[] = {"Tue 2026-12-01 15:39:35 UTC ", "Mar  3 10:00:01 ",
					    "Dec 01 15:39:35.701028 ", "d\303\251c.  1 15:39:35 ",
					    "2024-03-03T10:00:01.123456+00:00 ", "Tue Mar  3 10:00:01 "};
	for (size_t d = 0; d < sizeof(dates) / sizeof(*dates); d++)
		for (size_t h = 0; h <= 120; h++) {
			size_t n = strlen(dates[d]);
			memcpy(line, dates[d], n);
			for (size_t k = 0; k < h; k++)
				line[n++] = "host-name."[k % 10];
			memcpy(line + n, " kernel: x", 10);
			for (size_t k = 7; k <= 10; k++)
				check_line(&st, line, n + k, 0);
		}
	/* the plain path is taken */
	static const char *const plain[] = {"", "Call Trace:", "TYPE: HANG", "PANICKED: Y",
					    " entry_SYSCALL_64_after_hwframe+0x49/0xbe",
					    "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.2 04/01/2014",
					    "x", "kthread+0x357/0x430 kernel:x"};
	for (size_t k = 0; k < sizeof(plain) / sizeof(*plain); k++) {
		check_str(&st, plain[k], 1);
		assert_true(plain_line(plain[k], strlen(plain[k])));
	}
	static const char *const notplain[] = {"[x", "<4>x", "4,1,2,-;x", "a kernel: x", "a [ 1.0] x",
					       "Mar  3 10:00:01 host kernel: x"};
	for (size_t k = 0; k < sizeof(notplain) / sizeof(*notplain); k++)
		assert_false(plain_line(notplain[k], strlen(notplain[k])));
	print_message("plain lines: %lu lines\n", st.n);
	cs_buf_free(&st.sc1);
	cs_buf_free(&st.sc2);
}

/* The other forms (through the general path: the fast path must leave
 * them to it). */
static void test_other_forms(void **state)
{
	(void)state;
	cmp_state st = {0};
	static const char *const lines[] = {
		"<4>[    1.000000] WARNING: x", "syzkaller login: [   72.1] x",
		"Mar  3 10:00:01 host kernel: [ 5.1] BUG: x", "[Tue Dec  1 15:39:35 2026] x",
		"[  +0.000123]  f+0x1/0x2", "[    2.701028 <    0.000929>] RIP: x",
		"[<    0.000929>] Call Trace:", "2026-12-01T15:39:35,701028+00:00 Oops",
		"4,552,2701028,-,caller=T94;BUG: x", "4,1,2,-;path C:\\x5cdir\\x09end",
		"\x1b[31m[ 1.0] BUG: red\x1b[0m", "\r[    2.7] BUG: x", "[    2.700000]\r BUG: x",
		"[    2.700000] \x1b[1mBUG\x1b[0m: x", "[<ffffffff81000000>] f+0x1/0x2",
		"[    2.701028] debian kernel:  vfs_write+0xc7/0x3f0", "",
		"Dec 01 15:39:35.701028 debian kernel:  <TASK>",
	};
	for (size_t l = 0; l < sizeof(lines) / sizeof(*lines); l++)
		check_str(&st, lines[l], 0);
	char nul[] = "[    1.000000] a\0b";
	check_line(&st, nul, sizeof(nul) - 1, 0);
	cs_buf_free(&st.sc1);
	cs_buf_free(&st.sc2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp_variants),
		cmocka_unit_test(test_caller_variants),
		cmocka_unit_test(test_stamp_shapes),
		cmocka_unit_test(test_stamp_mutations),
		cmocka_unit_test(test_stamp_random),
		cmocka_unit_test(test_journal_hosts),
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_other_forms),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_glued_text_and_syslog),
		cmocka_unit_test(test_escapes_and_nul),
		cmocka_unit_test(test_tool_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
