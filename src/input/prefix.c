#include "input/prefix.h"

#include <stdint.h>
#include <string.h>

#include "input/when.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The fast path (cs_line_parse) reads printk's prefixes several bytes at
 * once: with SSE2 (x86-64), else in 8-byte little-endian words, else byte
 * by byte. CS_PREFIX_NO_SSE2 and CS_PREFIX_PORTABLE build the other two
 * (tests/input/test_prefix.c compares the variants one with another and
 * the fast path with the general one, line_parse). */
#if !defined(CS_PREFIX_PORTABLE) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PREFIX_SWAR 1
#if defined(__SSE2__) && !defined(CS_PREFIX_NO_SSE2)
#define PREFIX_SSE2 1
#endif
#endif

/* printk's own stamp "[%5lu.%06lu]" (kernel/printk/printk.c, print_time):
 * '[', the seconds right-aligned in five columns (0-4 blanks, then 1-5
 * digits), '.', six digits of microseconds, ']': 14 bytes. The stamp_*
 * functions read the 14 bytes at s (all there) and, when they are such a
 * stamp, return 1 and set *val to the seconds + the microseconds * 1e-6 (in
 * doubles: both exact, one product, one sum: the value timestamp_len has
 * always given); else return 0. */

/* Byte by byte (timestamp_len's first look). */
static inline int stamp_bytes(const char *s, double *val)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] != '[' || u[6] != '.' || u[13] != ']')
		return 0;
	unsigned a = u[7] - 48u, b = u[8] - 48u, c = u[9] - 48u, e = u[10] - 48u,
		 f = u[11] - 48u, g = u[12] - 48u;
	if (!((u[5] - 48u < 10) & (a < 10) & (b < 10) & (c < 10) & (e < 10) & (f < 10) &
	      (g < 10)))
		return 0;
	/* the seconds: digits after the blanks, right-aligned */
	uint64_t sec = 0;
	int k = 1;
	while (k < 5 && u[k] == ' ')
		k++;
	for (; k <= 5 && u[k] - 48u < 10; k++)
		sec = sec * 10 + (u[k] - 48u);
	if (k != 6)
		return 0;
	uint64_t frac = ((((a * 10 + b) * 10 + c) * 10 + e) * 10 + f) * 10 + g;
	*val = (double)sec + (double)frac * 1e-6;
	return 1;
}

#ifdef PREFIX_SWAR
/* Eight digit values (0..9, one a byte; the first digit, the most
 * significant, in the lowest byte) as a number: digit pairs, then pairs of
 * pairs, then the two halves, one multiply each. No product carries from a
 * lane into the next one (99, 9999 and 99999999 fit their lanes). */
static inline uint64_t digits8(uint64_t v)
{
	v = (v * (1 + (10u << 8))) >> 8;
	v = ((v & 0x00ff00ff00ff00ffull) * (1 + (100u << 16))) >> 16;
	return ((v & 0x0000ffff0000ffffull) * (1 + (10000ull << 32))) >> 32;
}

/* In two 8-byte words. (Also in SSE2 builds, unused there but by the
 * tests.) */
static inline __attribute__((unused)) int stamp_words(const char *s, double *val)
{
	/* two overlapping words: bytes 0-7 ('[', the five columns of seconds,
	 * '.', a digit) and bytes 6-13 ('.', the six digits, ']') */
	const uint64_t hi = 0x8080808080808080ull, lo7 = 0x7f7f7f7f7f7f7f7full;
	uint64_t w0, w1;
	memcpy(&w0, s, 8);
	memcpy(&w1, s + 6, 8);
	/* bytes 6-13 minus the template ".000000]": 0 at '.' and ']', 0..9
	 * at the digits. A byte is 0..9 when it and it plus 6 are below 16,
	 * 0 when it plus 15 is (a byte that carries into the next one fails
	 * its own test). */
	uint64_t f = w1 ^ 0x5d3030303030302eull;
	if ((f | (f + 0x0f0606060606060full)) & 0xf0f0f0f0f0f0f0f0ull)
		return 0;
	/* bytes 1-5: blanks up to the first non-blank byte (at most byte 5),
	 * digits from it to byte 5. High bits: nb for a byte that is no
	 * blank, nd for one that is no digit (exact per byte: no carries). */
	uint64_t d = w0 ^ 0x3030303030303030ull; /* digits: 0..9; blanks: 0x10 */
	uint64_t nb = w0 ^ 0x2020202020202020ull;
	nb = (((nb & lo7) + lo7) | nb) & hi;
	uint64_t nd = (((d & lo7) + 0x7676767676767676ull) | d) & hi;
	uint64_t first = (nb & 0x0000008080808000ull) | 0x0000800000000000ull;
	first &= -first; /* the high bit of the first non-blank byte (1-5) */
	if (s[0] != '[' || (nd & -first & 0x0000808080808000ull))
		return 0;
	/* the digits: blanks (0x10) count 0; bytes 1-5 moved to 3-7, the
	 * fraction's 1-6 to 2-7 (eight digits with leading zeros each) */
	uint64_t sec = digits8((d << 16) & 0x0f0f0f0f0f000000ull);
	uint64_t frac = digits8(f << 8);
	*val = (double)(int64_t)sec + (double)(int64_t)frac * 1e-6;
	return 1;
}
#endif

#ifdef PREFIX_SSE2
/* In one SSE2 register. */
static inline int stamp_sse2(const char *s, double *val)
{
	/* 16 lanes: bytes 0-5 moved up two lanes behind two zeros (lanes
	 * 0-7: 0, 0, '[', the five columns of seconds) and bytes 5-12
	 * (lanes 8-15: the last column, '.', the six digits); byte 13 on its
	 * own. A lane is in its range [lo, hi] when lane + (0x80 - lo),
	 * signed, is below (hi - lo + 1) - 0x80: one add and one compare for
	 * all of them. */
	if (s[13] != ']')
		return 0;
	__m128i v = _mm_unpacklo_epi64(_mm_slli_epi64(_mm_loadl_epi64((const __m128i *)s), 16),
				       _mm_loadl_epi64((const __m128i *)(s + 5)));
	/* lanes: 0 0 '[' d d d d d | d '.' d d d d d d (d: '0'..'9') */
	const __m128i add = _mm_setr_epi8(-128, -128, 0x80 - '[', 0x80 - '0', 0x80 - '0',
					  0x80 - '0', 0x80 - '0', 0x80 - '0', 0x80 - '0',
					  0x80 - '.', 0x80 - '0', 0x80 - '0', 0x80 - '0',
					  0x80 - '0', 0x80 - '0', 0x80 - '0');
	const __m128i lim = _mm_setr_epi8(-127, -127, -127, -118, -118, -118, -118, -118, -118,
					  -127, -118, -118, -118, -118, -118, -118);
	unsigned in = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(lim, _mm_add_epi8(v, add)));
	/* blanks in the first four columns (lanes 3-6): a run from lane 3,
	 * the digits after it */
	unsigned bl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' '))) & 0x78;
	if ((in | bl) != 0xffff || ((bl + 8) & bl))
		return 0;
	/* digit values: '0' off each digit lane, blanks and '.' saturate to
	 * 0, the '[' and the copy of the last column (0xff off) too: two
	 * lanes of eight digits with leading zeros, the seconds and the
	 * microseconds */
	const __m128i zero = _mm_setr_epi8('0', '0', -1, '0', '0', '0', '0', '0', -1, -1, '0', '0',
					   '0', '0', '0', '0');
	__m128i x = _mm_subs_epu8(v, zero);
	/* pairs: a 16-bit lane times 10 * 256 + 1 holds 10 * its first
	 * digit + its second in its high byte */
	x = _mm_srli_epi16(_mm_mullo_epi16(x, _mm_set1_epi16(10 * 256 + 1)), 8);
	x = _mm_madd_epi16(x, _mm_set1_epi32(100 + (1 << 16))); /* four digits a lane */
	x = _mm_packs_epi32(x, x);
	x = _mm_madd_epi16(x, _mm_set1_epi32(10000 + (1 << 16))); /* seconds, microseconds */
	__m128d r = _mm_cvtepi32_pd(x);
	r = _mm_add_sd(r, _mm_mul_sd(_mm_unpackhi_pd(r, r), _mm_set_sd(1e-6)));
	*val = _mm_cvtsd_f64(r);
	return 1;
}
#endif

/* The fastest of them here. */
static inline int printk_stamp(const char *s, double *val)
{
#if defined(PREFIX_SSE2)
	return stamp_sse2(s, val);
#elif defined(PREFIX_SWAR)
	return stamp_words(s, val);
#else
	return stamp_bytes(s, val);
#endif
}

/* "[  123.456789]" at s: returns its length or 0 and sets *val. */
static size_t timestamp_len(const char *s, size_t len, double *val)
{
	static const double scale[] = {1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9};
	if (len < 4 || s[0] != '[')
		return 0;
	const unsigned char *u = (const unsigned char *)s;
	/* (printk's own stamps take cs_line_parse's fast path) */
	if (len >= 14 && stamp_bytes(s, val))
		return 14;
	size_t i = 1;
	while (i < len && u[i] == ' ')
		i++;
	size_t d = i;
	uint64_t sec = 0, frac = 0;
	while (i < len && (unsigned)(u[i] - '0') < 10)
		sec = sec * 10 + (uint64_t)(u[i++] - '0');
	if (i == d || i >= len || u[i] != '.')
		return 0;
	i++;
	d = i;
	if (i + 7 <= len && u[i + 6] == ']') {
		/* printk's six digits */
		unsigned a = u[i] - 48u, b = u[i + 1] - 48u, c = u[i + 2] - 48u,
			 e = u[i + 3] - 48u, f = u[i + 4] - 48u, g = u[i + 5] - 48u;
		if ((a < 10) & (b < 10) & (c < 10) & (e < 10) & (f < 10) & (g < 10)) {
			frac = ((((a * 10 + b) * 10 + c) * 10 + e) * 10 + f) * 10 + g;
			*val = (double)sec + (double)frac * 1e-6;
			return i + 7;
		}
	}
	while (i < len && (unsigned)(u[i] - '0') < 10)
		frac = frac * 10 + (uint64_t)(u[i++] - '0');
	if (i == d || i >= len || u[i] != ']')
		return 0;
	*val = (double)sec + (i - d < 10 ? (double)frac * scale[i - d] : 0);
	return i + 1;
}

/* "[ T1234]" / "[    C1]": returns its length and copies the id. */
static size_t caller_len(const char *s, size_t len, char *id, size_t idlen)
{
	if (len < 4 || s[0] != '[')
		return 0;
#ifdef PREFIX_SWAR
	if (len >= 8 && s[7] == ']' && idlen >= 8) {
		/* printk's "[%6s]" ("[ T1234]", "[    C1]") in one 8-byte word:
		 * blanks, 'T' or 'C', digits up to the ']'; id holds zeros
		 * past it (cs_line_parse), so the id is stored as a word.
		 * Anything else is read below. */
		uint64_t w, hi = 0x8080808080808080ull, lo7 = 0x7f7f7f7f7f7f7f7full;
		memcpy(&w, s, 8);
		uint64_t nb = w ^ 0x2020202020202020ull; /* blanks: 0 */
		nb = (((nb & lo7) + lo7) | nb) & hi;      /* high bit: not a blank */
		unsigned st = (unsigned)__builtin_ctzll(nb >> 8) / 8 + 1;
		if (st < 6 && (s[st] == 'T' || s[st] == 'C')) {
			uint64_t d = w ^ 0x3030303030303030ull; /* digits: 0..9 */
			uint64_t nd = (((d & lo7) + 0x7676767676767676ull) | d) & hi;
			/* the bytes st + 1 .. 6 must be digits */
			uint64_t want = (0x00ffffffffffffffull >> (8 * (st + 1))) << (8 * (st + 1));
			if (!(nd & want)) {
				uint64_t v = (w >> (8 * st)) & (0x00ffffffffffffffull >> (8 * st));
				memcpy(id, &v, 8);
				return 8;
			}
		}
	}
#endif
	size_t i = 1;
	while (i < len && s[i] == ' ')
		i++;
	if (i >= len || (s[i] != 'T' && s[i] != 'C'))
		return 0;
	size_t st = i++;
	size_t d = i;
	while (i < len && cs_isdigit((unsigned char)s[i]))
		i++;
	if (i == d || i >= len || s[i] != ']' || i - st + 1 > idlen)
		return 0;
	for (size_t k = st; k < i; k++) /* short: no call */
		id[k - st] = s[k];
	id[i - st] = 0;
	return i + 1;
}

static int is_month(const char *s, size_t len)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (len < 4 || s[3] != ' ')
		return 0;
	for (int m = 0; m < 12; m++)
		if (memcmp(s, months + 3 * m, 3) == 0)
			return 1;
	return 0;
}

static int is_weekday(const char *s, size_t len)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	if (len < 4 || s[3] != ' ')
		return 0;
	for (int d = 0; d < 7; d++)
		if (memcmp(s, days + 3 * d, 3) == 0)
			return 1;
	return 0;
}

/* "N.N" at s (digits '.' digits): returns its length or 0. */
static size_t secs_len(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && cs_isdigit((unsigned char)s[i]))
		i++;
	if (!i || i >= len || s[i] != '.')
		return 0;
	size_t d = ++i;
	while (i < len && cs_isdigit((unsigned char)s[i]))
		i++;
	return i > d ? i : 0;
}

/* The other time stamps of util-linux dmesg. Returns the length or 0.
 *  -T, --ctime          "[Tue Dec  1 15:39:35 2026]"
 *  -e, --reltime        "[Dec 1 15:39]" then "[  +0.000123]"
 *  -d, --show-delta     "[    2.701028 <    0.000929>]"
 *  --time-format=delta  "[<    0.000929>]"
 *  --time-format=iso    "2026-12-01T15:39:35,701028+00:00" */
static size_t dmesg_len(const char *s, size_t len)
{
	size_t lim = len < 48 ? len : 48;
	if (len > 26 && cs_isdigit((unsigned char)s[0]) && s[4] == '-' && s[7] == '-' &&
	    s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == ',') {
		for (size_t i = 20; i < lim; i++)
			if (s[i] == ' ')
				return i;
		return 0;
	}
	if (len < 4 || s[0] != '[')
		return 0;
	size_t i = 1;
	if (is_weekday(s + 1, len - 1) || is_month(s + 1, len - 1)) {
		/* ctime / reltime: digits, blanks and ':' up to ']' */
		i = is_weekday(s + 1, len - 1) ? 5 : 1;
		if (!is_month(s + i, len - i))
			return 0;
		for (i += 4; i < lim; i++) {
			if (s[i] == ']')
				return i + 1;
			if (!cs_isdigit((unsigned char)s[i]) && s[i] != ' ' && s[i] != ':')
				return 0;
		}
		return 0;
	}
	while (i < len && s[i] == ' ')
		i++;
	if (i < len && s[i] == '+') {
		/* reltime delta "[  +0.000123]" */
		size_t n = secs_len(s + i + 1, len - i - 1);
		i += 1 + n;
		return n && i < len && s[i] == ']' ? i + 1 : 0;
	}
	size_t n = secs_len(s + i, len - i);
	if (n) {
		i += n;
		while (i < len && s[i] == ' ')
			i++;
	}
	if (i >= len || s[i] != '<')
		return 0;
	i++;
	while (i < len && s[i] == ' ')
		i++;
	n = secs_len(s + i, len - i);
	i += n;
	return n && i + 1 < len && s[i] == '>' && s[i + 1] == ']' ? i + 2 : 0;
}

/* /dev/kmsg record (Documentation/ABI/testing/dev-kmsg), also netconsole's
 * extended format: "PRI,SEQ,USEC,FLAGS[,caller=T1][,...];TEXT". Returns the
 * header length (through ';') or 0; copies the caller id. */
static size_t kmsg_len(const char *s, size_t len, char *id, size_t idlen)
{
	size_t i = 0;
	for (int field = 0; field < 3; field++) {
		size_t d = i;
		while (i < len && cs_isdigit((unsigned char)s[i]))
			i++;
		if (i == d || i - d > 20 || i >= len || s[i] != ',')
			return 0;
		i++;
	}
	/* flags: '-' or 'c' (continuation, older kernels) */
	if (i >= len || (s[i] != '-' && s[i] != 'c' && s[i] != '+'))
		return 0;
	i++;
	size_t lim = len < i + 200 ? len : i + 200;
	size_t fields = i;
	while (i < lim && s[i] != ';')
		i++;
	if (i >= lim)
		return 0;
	for (size_t k = fields; k + 8 < i; k++) {
		if (s[k] == ',' && memcmp(s + k + 1, "caller=", 7) == 0) {
			size_t st = k + 8, e = st;
			while (e < i && s[e] != ',')
				e++;
			if (e - st && e - st < idlen) {
				memset(id, 0, idlen); /* zero padded (cs_line) */
				memcpy(id, s + st, e - st);
				id[e - st] = 0;
			}
		}
	}
	return i + 1;
}

/* journalctl -o short-monotonic: "[    2.701028] host kernel: " after the
 * timestamp. Returns the length of "host kernel: " or 0. */
static size_t journal_host_len(const char *s, size_t len)
{
	size_t lim = len < 80 ? len : 80;
	size_t i = 0;
	while (i < lim && s[i] != ' ' && s[i] != ':' && s[i] != '[')
		i++;
	if (!i || i + 9 > len || memcmp(s + i, " kernel: ", 9) != 0)
		return 0;
	return i + 9;
}

#ifdef PREFIX_SSE2
/* journal_host_len(line + at, len - at) for at >= 6, or SIZE_MAX when
 * 25 bytes or more follow at and the first 16 hold no ' ', ':' or '['
 * (journal_host_len is to read them): the first of them among 16 bytes at
 * once. Fewer than 16 bytes from at on: the line's
 * last 16 (it holds them: at least 10 follow at, at >= 6), the lanes before
 * at dropped. */
static inline size_t journal_host_at(const char *line, size_t len, size_t at)
{
	const char *s = line + at;
	size_t n = len - at;
	/* one byte of host name, " kernel: " (a frame's "  func+0x1/0x2"
	 * goes first) */
	if (n < 10 || s[0] == ' ')
		return 0;
	size_t off = n < 16 ? 16 - n : 0;
	__m128i v = _mm_loadu_si128((const __m128i *)(s - off));
	__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
					      _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))),
				 _mm_cmpeq_epi8(v, _mm_set1_epi8('[')));
	unsigned bits = (unsigned)_mm_movemask_epi8(m) >> off;
	if (!bits) /* none in the first 16 (or all n) bytes: " kernel: " at 16
		    * or later, when n holds it */
		return n >= 16 + 9 ? SIZE_MAX : 0;
	size_t i = (size_t)__builtin_ctz(bits);
	return i && i + 9 <= n && memcmp(s + i, " kernel: ", 9) == 0 ? i + 9 : 0;
}

/* printk's caller id "[%6s]" (CONFIG_PRINTK_CALLER: "[ T1234]", "[    C1]")
 * in the 8 bytes at s, s[0] == '[' and s[7] == ']': blanks from byte 1, 'T'
 * or 'C', then digits through byte 6 (caller_len's word read, also without
 * a call). Lane masks of bytes 1-6 (bytes 0 and 7 are in none): the blanks
 * a run from byte 1, the 'T' or 'C' the byte after it, the digits all the
 * others, one at least. Copies the id, zero padded to 16 bytes. */
static inline int printk_caller(const char *s, char id[16])
{
	__m128i v = _mm_loadl_epi64((const __m128i *)s);
	unsigned bl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
	unsigned tc = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		_mm_cmpeq_epi8(v, _mm_set1_epi8('T')), _mm_cmpeq_epi8(v, _mm_set1_epi8('C'))));
	unsigned dg = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(
		_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))), _mm_set1_epi8(-128 + 10)));
	if (bl + 2 != tc || (bl | tc | dg) != 0x7e || tc >= 0x40)
		return 0;
	/* bytes st-6 (tc == 1 << st) to the start, zeros after them */
	__m128i idv = _mm_srl_epi64(_mm_and_si128(v, _mm_set_epi32(0, 0, 0x00ffffff, -1)),
				    _mm_cvtsi32_si128(8 * __builtin_ctz(tc)));
	_mm_storeu_si128((__m128i *)(void *)id, idv);
	return 1;
}
#endif

/* A syslog date in any locale: strftime "%b %e %H:%M:%S", where %b is the
 * month as the locale abbreviates it ("Jul", "июл", "juil.", "7月"): 1-16
 * bytes of letters, digits, '.' or UTF-8, not all digits, then blanks, a
 * day of 1-2 digits, a blank and HH:MM:SS and a blank. Returns its length
 * or 0. */
static size_t local_date_len(const char *s, size_t len)
{
	size_t i = 0;
	int alpha = 0;
	while (i < len && i < 16) {
		unsigned char c = (unsigned char)s[i];
		if (cs_isdigit(c) || c == '.')
			;
		else if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			alpha = 1;
		else
			break;
		i++;
	}
	if (!alpha || i >= len || s[i] != ' ')
		return 0;
	while (i < len && s[i] == ' ')
		i++;
	size_t d = i;
	while (i < len && i - d < 3 && cs_isdigit((unsigned char)s[i]))
		i++;
	if (i == d || i - d > 2 || i + 10 > len || s[i] != ' ')
		return 0;
	const char *t = s + i + 1; /* HH:MM:SS */
	for (int k = 0; k < 8; k++)
		if ((k == 2 || k == 5) ? t[k] != ':' : !cs_isdigit((unsigned char)t[k]))
			return 0;
	return t[8] == ' ' ? i + 10 : 0;
}

/* Syslog ("Mar  3 10:00:01 host kernel: ", the month in any locale) or ISO
 * journal ("2024-03-03T10:00:01.123456+00:00 host kernel: ") prefix. */
static size_t syslog_len(const char *s, size_t len)
{
	/* every form starts with a date: a letter, a digit or a byte of a
	 * UTF-8 month name (most console lines start with '[' or ' ') */
	if (!len || !(cs_isalnum((unsigned char)s[0]) || (unsigned char)s[0] >= 0x80 || s[0] == '.'))
		return 0;
	/* journalctl -o short-full: "Tue 2026-12-01 15:39:35 UTC host kernel: " */
	if (is_weekday(s, len) && len > 15) {
		s += 4;
		len -= 4;
		size_t r = syslog_len(s, len);
		return r ? r + 4 : 0;
	}
	size_t from = 10;
	int dated = is_month(s, len) ||
		    (len > 11 && cs_isdigit((unsigned char)s[0]) &&
		     cs_isdigit((unsigned char)s[3]) && s[4] == '-' && s[7] == '-');
	if (!dated && (from = local_date_len(s, len)) == 0)
		return 0;
	size_t lim = len < 120 ? len : 120;
	for (size_t i = from; i + 8 <= lim; i++)
		if (s[i] == 'k' && memcmp(s + i, "kernel: ", 8) == 0)
			return i + 8;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Times                                                               */
/* ------------------------------------------------------------------ */

static int dig2(const char *s)
{
	return cs_isdigit((unsigned char)s[0]) && cs_isdigit((unsigned char)s[1])
		       ? (s[0] - '0') * 10 + (s[1] - '0')
		       : -1;
}

/* "HH:MM:SS" at s (8 bytes readable); 0 when not. */
static int hms(const char *s, int *h, int *mi, int *sec)
{
	if (s[2] != ':' || s[5] != ':')
		return 0;
	*h = dig2(s);
	*mi = dig2(s + 3);
	*sec = dig2(s + 6);
	return *h >= 0 && *mi >= 0 && *sec >= 0;
}

/* Fractions ".NNN" at s[*i]: nanoseconds; *i moves past them. */
static int32_t fraction(const char *s, size_t len, size_t *i)
{
	int32_t ns = 0, scale = 100000000;
	if (*i < len && (s[*i] == '.' || s[*i] == ',')) {
		(*i)++;
		while (*i < len && cs_isdigit((unsigned char)s[*i])) {
			ns += (s[*i] - '0') * scale;
			scale /= 10;
			(*i)++;
		}
	}
	return ns;
}

/* "+00:00", "+0000", "Z" at s[i]: seconds east; 0 when none. */
static int iso_zone(const char *s, size_t len, size_t i, int32_t *off)
{
	if (i < len && s[i] == 'Z') {
		*off = 0;
		return 1;
	}
	if (i + 5 > len || (s[i] != '+' && s[i] != '-'))
		return 0;
	int h = dig2(s + i + 1);
	size_t j = i + 3;
	if (j < len && s[j] == ':')
		j++;
	int m = j + 2 <= len ? dig2(s + j) : -1;
	if (h < 0 || m < 0)
		return 0;
	*off = (h * 3600 + m * 60) * (s[i] == '-' ? -1 : 1);
	return 1;
}

/* "2026-12-01T15:39:35[.,]frac[zone]" or with ' ' for 'T' (journal
 * short-full). */
static int iso_time(const char *s, size_t len, crashsig_time *t, int need_zone)
{
	if (len < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' '))
		return 0;
	int64_t y = 0;
	for (int k = 0; k < 4; k++) {
		if (!cs_isdigit((unsigned char)s[k]))
			return 0;
		y = y * 10 + (s[k] - '0');
	}
	int m = dig2(s + 5), d = dig2(s + 8), h, mi, sec;
	if (m < 0 || d < 0 || !hms(s + 11, &h, &mi, &sec))
		return 0;
	size_t i = 19;
	int32_t ns = fraction(s, len, &i);
	int32_t off = 0;
	int zone = iso_zone(s, len, i, &off);
	if (!zone && need_zone) {
		/* short-full: " UTC" / " CET" */
		size_t st = i + 1, e = st;
		while (e < len && cs_isalpha((unsigned char)s[e]))
			e++;
		zone = i < len && s[i] == ' ' && cs_zone_offset(s + st, e - st, &off);
	}
	int64_t w = cs_utc_seconds(y, m, d, h, mi, sec);
	if (w < 0)
		return 0;
	t->flags |= CRASHSIG_TIME_WALL | (zone ? 0 : CRASHSIG_TIME_NO_ZONE);
	t->wall = w - off;
	t->wall_nsec = ns;
	t->utc_offset = off;
	return 1;
}

/* The syslog date ("Dec  1 15:39:35[.frac]", the month in any locale). */
static void syslog_time(const char *s, size_t len, crashsig_time *t, int64_t ref)
{
	size_t used = 0;
	int m = cs_month_name(s, len, &used);
	if (!m)
		return;
	size_t i = used;
	while (i < len && s[i] == ' ')
		i++;
	int d = 0;
	while (i < len && cs_isdigit((unsigned char)s[i]))
		d = d * 10 + (s[i++] - '0');
	int h, mi, sec;
	if (i + 9 > len || s[i] != ' ' || !hms(s + i + 1, &h, &mi, &sec))
		return;
	i += 9;
	int32_t ns = fraction(s, len, &i);
	t->flags |= CRASHSIG_TIME_NO_ZONE;
	cs_time_place_year(t, m, d, h, mi, sec, ns, ref);
}

/* dmesg -T "[Tue Dec  1 15:39:35 2026]" and -e "[Dec 1 15:39]" */
static void ctime_time(const char *s, size_t len, crashsig_time *t, int64_t ref)
{
	size_t i = 1;
	if (len > 5 && s[4] == ' ' && cs_isalpha((unsigned char)s[1]) &&
	    !cs_month_name(s + 1, len - 1, &(size_t){0}))
		i = 5; /* weekday */
	size_t used = 0;
	int m = cs_month_name(s + i, len - i, &used);
	if (!m)
		return;
	i += used;
	while (i < len && s[i] == ' ')
		i++;
	int d = 0;
	while (i < len && cs_isdigit((unsigned char)s[i]))
		d = d * 10 + (s[i++] - '0');
	if (i + 6 > len || s[i] != ' ')
		return;
	i++;
	int h = dig2(s + i), mi = dig2(s + i + 3), sec = 0;
	if (h < 0 || s[i + 2] != ':' || mi < 0)
		return;
	i += 5;
	if (i + 3 <= len && s[i] == ':') {
		sec = dig2(s + i + 1);
		if (sec < 0)
			return;
		i += 3;
	}
	t->flags |= CRASHSIG_TIME_NO_ZONE;
	if (i + 5 <= len && s[i] == ' ' && cs_isdigit((unsigned char)s[i + 1])) {
		int64_t y = 0;
		for (size_t k = i + 1; k < i + 5; k++) {
			if (!cs_isdigit((unsigned char)s[k]))
				return;
			y = y * 10 + (s[k] - '0');
		}
		int64_t w = cs_utc_seconds(y, m, d, h, mi, sec);
		if (w >= 0) {
			t->flags |= CRASHSIG_TIME_WALL;
			t->wall = w;
		}
		return;
	}
	cs_time_place_year(t, m, d, h, mi, sec, 0, ref);
}

static void set_boot(crashsig_time *t, double v)
{
	t->flags |= CRASHSIG_TIME_BOOT;
	t->boot = v;
}

/* ------------------------------------------------------------------ */
/* The line                                                            */
/* ------------------------------------------------------------------ */

int cs_kmsg_record(const char *d, size_t len)
{
	size_t i = 0;
	for (int f = 0; f < 3; f++) {
		size_t st = i;
		while (i < len && cs_isdigit((unsigned char)d[i]))
			i++;
		if (i == st || i >= len || d[i] != ',')
			return 0;
		i++;
	}
	return i < len && (d[i] == '-' || d[i] == 'c' || d[i] == '+') &&
	       memchr(d + i, ';', len - i) != NULL;
}

int cs_kmsg_dict(const char *d, size_t len)
{
	size_t i = 1;
	if (len < 3 || d[0] != ' ')
		return 0;
	while (i < len && ((d[i] >= 'A' && d[i] <= 'Z') || d[i] == '_' || cs_isdigit((unsigned char)d[i])))
		i++;
	return i > 1 && i < len && d[i] == '=';
}

static void finish(cs_line *out, const char *line, size_t line_len, size_t i)
{
	out->line = line;
	out->line_len = line_len;
	out->prefix_len = i;
	out->text = line + i;
	out->len = line_len - i;
}

/* Does s hold an ESC, a NUL or a '\r' (bytes a line loses)? One pass. */
#if defined(__SSE2__)
static int has_special(const char *s, size_t n)
{
	const __m128i esc = _mm_set1_epi8(0x1b), cr = _mm_set1_epi8('\r'), z = _mm_setzero_si128();
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, esc), _mm_cmpeq_epi8(v, cr)),
					 _mm_cmpeq_epi8(v, z));
		if (_mm_movemask_epi8(m))
			return 1;
	}
	if (n >= 16 && i < n) {
		/* the tail: the last 16 bytes again */
		__m128i v = _mm_loadu_si128((const __m128i *)(s + n - 16));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, esc), _mm_cmpeq_epi8(v, cr)),
					 _mm_cmpeq_epi8(v, z));
		return _mm_movemask_epi8(m) != 0;
	}
	for (; i < n; i++)
		if (s[i] == 0x1b || s[i] == '\r' || !s[i])
			return 1;
	return 0;
}
#else
static int has_special(const char *s, size_t n)
{
	return memchr(s, 0x1b, n) || memchr(s, 0, n) || memchr(s, '\r', n);
}
#endif

/* out as a line without any prefix has it, before its prefix is read. */
static inline void line_reset(cs_line *out, unsigned want)
{
	memset(out->caller, 0, sizeof(out->caller)); /* zero padded (prefix.h) */
	out->has_ts = 0;
	out->ts = 0;
	out->prefix = CRASHSIG_PREFIX_NONE;
	out->origin = CRASHSIG_ORIGIN_CONSOLE;
	out->level = -1;
	if (want & CS_LINE_TIME)
		memset(&out->time, 0, sizeof(out->time));
}

/* Every form of line: cs_line_parse's path for what its fast path does not
 * take. */
static __attribute__((noinline)) int line_parse(const char *raw, size_t len, cs_line *out,
						cs_buf *scratch, unsigned want, int64_t ref)
{
	line_reset(out, want);
	/* Remove ANSI escape sequences, NUL bytes and stray '\r'. */
	if (!(want & CS_LINE_CLEAN) && has_special(raw, len)) {
		cs_buf_clear(scratch);
		if (cs_buf_reserve(scratch, len))
			return CRASHSIG_ENOMEM;
		char *d = scratch->data;
		size_t n = 0;
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)raw[i];
			if (ch == 0x1b) {
				if (i + 1 < len && raw[i + 1] == '[') {
					i += 2;
					while (i < len && !(raw[i] >= 0x40 && raw[i] <= 0x7e))
						i++;
				} else if (i + 1 < len) {
					i++;
				}
				continue;
			}
			if (ch == 0 || ch == '\r')
				continue;
			d[n++] = (char)ch;
		}
		d[n] = 0;
		scratch->len = n;
		raw = d;
		len = n;
	}
	/* (a syslog date starts with a letter, a digit, a UTF-8 byte or '.':
	 * a printk line's '[' needs no call) */
	size_t i = len && raw[0] != '[' ? syslog_len(raw, len) : 0;
	if (i) {
		/* "host kernel: ": short-iso / short-full / syslog */
		out->origin = CRASHSIG_ORIGIN_JOURNAL;
		int full = is_weekday(raw, len);
		const char *d = full ? raw + 4 : raw;
		int iso = len > 11 && cs_isdigit((unsigned char)d[0]) && d[4] == '-';
		out->prefix = full ? CRASHSIG_PREFIX_JOURNAL_FULL
			      : iso ? CRASHSIG_PREFIX_JOURNAL_ISO
				    : CRASHSIG_PREFIX_SYSLOG;
		if (want & CS_LINE_TIME) {
			if (iso || full)
				iso_time(d, len - (size_t)(d - raw), &out->time, full);
			else
				syslog_time(raw, len, &out->time, ref);
		}
	}
	int kmsg = 0;
	if (!i && len && cs_isdigit((unsigned char)raw[0])) {
		i = kmsg_len(raw, len, out->caller, sizeof(out->caller));
		kmsg = i != 0;
		out->has_ts = kmsg;
		if (kmsg) {
			out->prefix = CRASHSIG_PREFIX_KMSG;
			out->origin = memmem(raw, i, ",ncfrag=", 8) ? CRASHSIG_ORIGIN_NETCONSOLE
								     : CRASHSIG_ORIGIN_KMSG;
			/* PRI: facility * 8 + level (unsigned: a first field of
			 * more than 9 digits wraps, it does not overflow) */
			unsigned pri = 0;
			for (size_t k = 0; k < i && cs_isdigit((unsigned char)raw[k]); k++)
				pri = pri * 10u + (unsigned)(raw[k] - '0');
			out->level = (int)(pri & 7u);
			/* the third field is the time stamp in microseconds */
			const char *f = memchr(raw, ',', i);
			f = f ? memchr(f + 1, ',', i - (size_t)(f + 1 - raw)) : NULL;
			uint64_t us = 0;
			for (f = f ? f + 1 : raw + i; f < raw + i && cs_isdigit((unsigned char)*f); f++)
				us = us * 10 + (uint64_t)(*f - '0');
			out->ts = (double)us / 1e6;
			if (want & CS_LINE_TIME)
				set_boot(&out->time, out->ts);
		}
		/* /dev/kmsg escapes control bytes and '\\' as \xNN. */
		if (kmsg && memmem(raw + i, len - i, "\\x", 2)) {
			char *d = raw == scratch->data ? scratch->data : NULL;
			if (!d) {
				cs_buf_clear(scratch);
				if (cs_buf_reserve(scratch, len))
					return CRASHSIG_ENOMEM;
				d = scratch->data;
				memcpy(d, raw, i); /* the header stays in the line */
			}
			size_t n = i;
			for (size_t k = i; k < len; k++) {
				int h1, h2;
				if (raw[k] == '\\' && k + 3 < len && raw[k + 1] == 'x' &&
				    (h1 = cs_hexval((unsigned char)raw[k + 2])) >= 0 &&
				    (h2 = cs_hexval((unsigned char)raw[k + 3])) >= 0) {
					char c = (char)(h1 * 16 + h2);
					k += 3;
					if (c == '\r' || c == 0)
						continue;
					d[n++] = c == '\n' || c == '\t' ? ' ' : c;
				} else {
					d[n++] = raw[k];
				}
			}
			d[n] = 0;
			scratch->len = n;
			finish(out, d, n, i);
			return 0;
		}
		if (kmsg) {
			finish(out, raw, len, i);
			return 0;
		}
	}
	/* the commonest prefix first: a printk timestamp is no dmesg stamp */
	size_t pre_t = 0;
	double pre_ts = 0;
	if (!i && len >= 4 && raw[0] == '[')
		pre_t = timestamp_len(raw, len, &pre_ts);
	if (!i && !pre_t) {
		size_t c = dmesg_len(raw, len);
		if (c) {
			/* The wall-clock stamp stands where the timestamp was;
			 * dmesg -d keeps the seconds since boot. */
			out->has_ts = 1;
			if (raw[0] == '[') {
				size_t k = 1;
				while (k < c && raw[k] == ' ')
					k++;
				size_t n = secs_len(raw + k, c - k);
				double v = 0, sc = 1;
				for (size_t q = k; n && q < k + n; q++) {
					if (raw[q] == '.')
						sc = 0.1;
					else if (sc == 1)
						v = v * 10 + (raw[q] - '0');
					else {
						v += (raw[q] - '0') * sc;
						sc /= 10;
					}
				}
				out->ts = v;
				if (n)
					out->prefix = CRASHSIG_PREFIX_DMESG_DELTA;
				else if (memchr(raw, '+', c))
					out->prefix = CRASHSIG_PREFIX_DMESG_RELTIME;
				else
					out->prefix = cs_isdigit((unsigned char)raw[c - 2]) &&
							      cs_isdigit((unsigned char)raw[c - 5]) &&
							      raw[c - 6] == ' '
						      ? CRASHSIG_PREFIX_DMESG_CTIME
						      : CRASHSIG_PREFIX_DMESG_RELTIME;
				if (want & CS_LINE_TIME) {
					if (n)
						set_boot(&out->time, v);
					else if (!memchr(raw, '+', c))
						ctime_time(raw, c, &out->time, ref);
				}
			} else {
				out->prefix = CRASHSIG_PREFIX_DMESG_ISO;
				if (want & CS_LINE_TIME)
					iso_time(raw, c, &out->time, 0);
			}
			i = c;
			if (i < len && raw[i] == ' ')
				i++;
			finish(out, raw, len, i);
			return 0;
		}
	}
	/* "<4>" log level */
	if (len - i >= 3 && raw[i] == '<' && cs_isdigit((unsigned char)raw[i + 1]) &&
	    raw[i + 2] == '>') {
		out->level = raw[i + 1] - '0';
		if (out->level > 7)
			out->level = -1;
		i += 3;
	}
	size_t t;
	if (pre_t && !i) {
		t = pre_t;
		out->ts = pre_ts;
	} else {
		t = timestamp_len(raw + i, len - i, &out->ts);
	}
	if (!t) {
		/* Text glued before the timestamp ("syzkaller login: [  1.2] ..."). */
		size_t lim = len - i < 128 ? len - i : 128;
		const char *p = raw + i;
		size_t k = 1;
		while (k + 4 < lim) {
			const char *b = memchr(p + k, '[', lim - 4 - k);
			if (!b)
				break;
			k = (size_t)(b - p);
			if (p[k + 1] == ' ' || cs_isdigit((unsigned char)p[k + 1])) {
				size_t tl = timestamp_len(p + k, len - i - k, &out->ts);
				if (tl) {
					i += k;
					t = tl;
					break;
				}
			}
			k++;
		}
	}
	if (t) {
		out->has_ts = 1;
		if (out->prefix == CRASHSIG_PREFIX_NONE)
			out->prefix = CRASHSIG_PREFIX_PRINTK;
		if (want & CS_LINE_TIME)
			set_boot(&out->time, out->ts);
		i += t;
		size_t c = caller_len(raw + i, len - i, out->caller, sizeof(out->caller));
		i += c;
		/* journalctl -o short-monotonic prints no printk caller ids */
		if (!c && i < len && raw[i] == ' ') {
			size_t h = journal_host_len(raw + i + 1, len - i - 1);
			if (h) {
				out->prefix = CRASHSIG_PREFIX_JOURNAL_MONOTONIC;
				out->origin = CRASHSIG_ORIGIN_JOURNAL;
				finish(out, raw, len, i + 1 + h);
				return 0;
			}
		}
	} else {
		size_t c = caller_len(raw + i, len - i, out->caller, sizeof(out->caller));
		if (c) {
			i += c;
			t = 1;
			if (out->prefix == CRASHSIG_PREFIX_NONE)
				out->prefix = CRASHSIG_PREFIX_PRINTK;
		}
	}
	if (t && i < len && raw[i] == ' ')
		i++;
	finish(out, raw, len, i);
	return 0;
}

/* Lines cs_line_parse's caller does not know clean: the general path
 * when they hold bytes to remove, else cs_line_parse told they are clean. */
static __attribute__((noinline)) int parse_unclean(const char *raw, size_t len, cs_line *out,
						   cs_buf *scratch, unsigned want, int64_t ref)
{
	if (has_special(raw, len))
		return line_parse(raw, len, out, scratch, want, ref);
	return cs_line_parse(raw, len, out, scratch, want | CS_LINE_CLEAN, ref);
}

/* After printk's stamp (at 14): a caller id other than "[%6s]"'s eight
 * bytes, or none, at raw[14] == '['. */
static __attribute__((noinline)) int parse_caller(const char *raw, size_t len, cs_line *out)
{
	memset(out->caller, 0, sizeof(out->caller)); /* zero padded (prefix.h) */
	size_t i = 14, c = caller_len(raw + i, len - i, out->caller, sizeof(out->caller));
	i += c;
	if (c && i < len && raw[i] == ' ')
		i++;
	finish(out, raw, len, i);
	return 0;
}

/* After printk's stamp and a blank (at 15): a journal host name longer
 * than 15 bytes or a first word as long. */
static __attribute__((noinline)) int parse_journal(const char *raw, size_t len, cs_line *out)
{
	size_t h = journal_host_len(raw + 15, len - 15);
	if (h) {
		out->prefix = CRASHSIG_PREFIX_JOURNAL_MONOTONIC;
		out->origin = CRASHSIG_ORIGIN_JOURNAL;
	}
	finish(out, raw, len, 15 + h);
	return 0;
}

/* A line without any prefix, as line_parse would find (cs_line_parse's
 * second fast path): raw[0] is none of '[', '<' and the digits (no printk
 * stamp, caller id, dmesg stamp, log level or /dev/kmsg header starts
 * there), no '[' follows in the first 128 bytes (no stamp glued after
 * text) and the line holds no "kernel: " in them (every syslog and journal
 * prefix ends in one before byte 124). 0 when there may be a prefix. */
static inline int plain_line(const char *raw, size_t len)
{
	if (!len)
		return 1;
	unsigned char c0 = (unsigned char)raw[0];
	if (c0 == '[' || c0 == '<' || cs_isdigit(c0))
		return 0;
	size_t lim = len < 128 ? len : 128;
#ifdef PREFIX_SSE2
	if (lim >= 16) {
		/* 16 bytes at a time, the last 16 of the 128 (or the line)
		 * again: a '[' is enough; a 'k', only at "kernel: " */
		for (size_t q = 0;; q += 16) {
			if (q > lim - 16)
				q = lim - 16;
			__m128i v = _mm_loadu_si128((const __m128i *)(raw + q));
			unsigned br = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('[')));
			unsigned k = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('k')));
			if (br)
				return 0;
			for (; k; k &= k - 1) {
				size_t p = q + (size_t)__builtin_ctz(k);
				if (p + 8 <= len && memcmp(raw + p, "kernel: ", 8) == 0)
					return 0;
			}
			if (q + 16 >= lim)
				return 1;
		}
	}
#endif
	for (size_t p = 0; p < lim; p++) {
		if (raw[p] == '[')
			return 0;
		if (raw[p] == 'k' && p + 8 <= len && memcmp(raw + p, "kernel: ", 8) == 0)
			return 0;
	}
	return 1;
}

/* A line without printk's stamp at its start: without any prefix
 * (plain_line), else line_parse's. */
static __attribute__((noinline)) int parse_other(const char *raw, size_t len, cs_line *out,
						 cs_buf *scratch, unsigned want, int64_t ref)
{
	if (!plain_line(raw, len))
		return line_parse(raw, len, out, scratch, want, ref);
	line_reset(out, want);
	finish(out, raw, len, 0);
	return 0;
}

/* The commonest line first: printk's 14-byte stamp at the start, then a
 * caller id, a blank or the text (what line_parse finds for such a line:
 * no syslog date, /dev/kmsg header, dmesg stamp or log level can start
 * with the stamp's '['). Then lines without any prefix (plain_line).
 * Everything else: line_parse. */
int cs_line_parse(const char *raw, size_t len, cs_line *out, cs_buf *scratch,
		  unsigned want, int64_t ref)
{
	if (!(want & CS_LINE_CLEAN))
		return parse_unclean(raw, len, out, scratch, want, ref);
	double ts;
	if (len < 14 || raw[0] != '[' || !printk_stamp(raw, &ts))
		return parse_other(raw, len, out, scratch, want, ref);
	out->has_ts = 1;
	out->ts = ts;
	out->prefix = CRASHSIG_PREFIX_PRINTK;
	out->origin = CRASHSIG_ORIGIN_CONSOLE;
	out->level = -1;
	if (want & CS_LINE_TIME) {
		memset(&out->time, 0, sizeof(out->time));
		set_boot(&out->time, ts);
	}
	size_t i = 14;
	if (i < len && raw[i] == '[') {
#ifdef PREFIX_SSE2
		if (len < 22 || raw[21] != ']' || !printk_caller(raw + i, out->caller))
			return parse_caller(raw, len, out);
		i = 22;
		if (i < len && raw[i] == ' ')
			i++;
		finish(out, raw, len, i);
		return 0;
#else
		return parse_caller(raw, len, out);
#endif
	}
	memset(out->caller, 0, sizeof(out->caller)); /* zero padded (prefix.h) */
	if (i < len && raw[i] == ' ') {
		/* no caller id; journalctl -o short-monotonic's "host kernel: " */
#ifdef PREFIX_SSE2
		size_t h = journal_host_at(raw, len, i + 1);
		if (h == SIZE_MAX)
			return parse_journal(raw, len, out);
		if (h) {
			out->prefix = CRASHSIG_PREFIX_JOURNAL_MONOTONIC;
			out->origin = CRASHSIG_ORIGIN_JOURNAL;
		}
		i += 1 + h;
#else
		return parse_journal(raw, len, out);
#endif
	}
	finish(out, raw, len, i);
	return 0;
}
