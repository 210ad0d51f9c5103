#include "input/split.h"

#include <string.h>

/* The first '\n' or '\r' in [p, end), or end: one pass over the line.
 * *special: an ESC or a NUL before it (bytes a console line loses,
 * cs_line_parse; 1 when not looked for). */
#if defined(__SSE2__)
#include <emmintrin.h>
static const char *find_eol(const char *p, const char *end, int *special)
{
	const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	const __m128i esc = _mm_set1_epi8(0x1b), z = _mm_setzero_si128();
	unsigned sp = 0;
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)));
		unsigned x = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, esc), _mm_cmpeq_epi8(v, z)));
		if (m) {
			unsigned k = (unsigned)__builtin_ctz(m);
			*special = (sp | (x & ((1u << k) - 1u))) != 0;
			return p + k;
		}
		sp |= x;
		p += 16;
	}
	while (p < end && *p != '\n' && *p != '\r') {
		sp |= *p == 0x1b || *p == 0;
		p++;
	}
	*special = sp != 0;
	return p;
}
#else
static const char *find_eol(const char *p, const char *end, int *special)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *cr = memchr(p, '\r', (size_t)((nl ? nl : end) - p));
	*special = 1;
	return cr ? cr : nl ? nl : end;
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CS_SPLIT_AVX2 1
/* find_eol 32 bytes at a time (AVX2), the rest as find_eol does. */
__attribute__((target("avx2"))) static const char *find_eol32(const char *p, const char *end,
							       int *special)
{
	const __m256i nl = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
	const __m256i esc = _mm256_set1_epi8(0x1b), z = _mm256_setzero_si256();
	unsigned sp = 0;
	while (end - p >= 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)p);
		unsigned m = (unsigned)_mm256_movemask_epi8(
			_mm256_or_si256(_mm256_cmpeq_epi8(v, nl), _mm256_cmpeq_epi8(v, cr)));
		unsigned x = (unsigned)_mm256_movemask_epi8(
			_mm256_or_si256(_mm256_cmpeq_epi8(v, esc), _mm256_cmpeq_epi8(v, z)));
		if (m) {
			unsigned k = (unsigned)__builtin_ctz(m);
			*special = (sp | (x & ((1u << k) - 1u))) != 0;
			return p + k;
		}
		sp |= x;
		p += 32;
	}
	const char *e = find_eol(p, end, special);
	*special |= sp != 0;
	return e;
}
#endif

void cs_splitter_init(cs_splitter *s, size_t max_line, unsigned flags,
		      cs_rline_fn fn, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->max_line = max_line ? max_line : 65536;
	/* "no limit" (SIZE_MAX) must not wrap the room computations below */
	if (s->max_line > SIZE_MAX / 2)
		s->max_line = SIZE_MAX / 2;
	s->flags = flags;
#ifdef CS_SPLIT_AVX2
	s->avx2 = __builtin_cpu_supports("avx2");
#endif
	s->fn = fn;
	s->arg = arg;
}

void cs_splitter_set_scan(cs_splitter *s, size_t (*scan)(void *, const char *, size_t),
			  void (*skipped)(void *, uint64_t), void *arg)
{
	s->scan = scan;
	s->skipped = skipped;
	s->scan_arg = arg;
}

void cs_splitter_set_scan_hold(cs_splitter *s, const size_t *hold)
{
	s->scan_hold = hold;
}

/* At a line start p: skip the complete lines the consumer does not need.
 * Returns the new p. */
static const char *skip_lines(cs_splitter *s, const char *p, const char *end)
{
	size_t c = s->scan(s->scan_arg, p, (size_t)(end - p));
	if (!c)
		return p;
	const char *lim = p + c;
	/* the last line end before lim: '\n', or a '\r' after it */
	const char *e = memrchr(p, '\n', (size_t)(lim - p));
	const char *from = e ? e + 1 : p;
	const char *r = memrchr(from, '\r', (size_t)(lim - from));
	if (r)
		e = r;
	if (!e)
		return p;
	/* a "\r" at the end of the piece may be followed by "\n" in the next
	 * one: that line end is the splitter's to read */
	if (*e == '\r' && e + 1 == end)
		return p;
	size_t k = (size_t)(e + 1 - p);
	s->off += k;
	s->skipped(s->scan_arg, k);
	return e + 1;
}

void cs_splitter_reset(cs_splitter *s)
{
	cs_buf_clear(&s->partial);
	s->off = s->pending = 0;
	s->in_cr = s->cont = s->cut = 0;
}

static int emit(cs_splitter *s, const char *data, size_t len, uint64_t raw,
		unsigned flags)
{
	if (len && data[len - 1] == '\r')
		len--;
	cs_rline l = {data, len, s->off, raw, flags, 0, 0};
	int rc = s->fn(s->arg, &l);
	s->off += raw;
	return rc;
}

/* A whole line of text p[0..n) that took raw bytes (its line end
 * included), none of it pending. */
static int emit_line(cs_splitter *s, const char *p, size_t n, uint64_t raw, unsigned clean)
{
	if (n <= s->max_line)
		return emit(s, p, n, raw, clean);
	if (!(s->flags & CS_SPLIT_SEGMENTS))
		return emit(s, p, s->max_line, raw, CS_RL_CUT);
	unsigned cont = 0;
	while (n > s->max_line) {
		int rc = emit(s, p, s->max_line, s->max_line, CS_RL_MORE | cont);
		if (rc)
			return rc;
		p += s->max_line;
		n -= s->max_line;
		raw -= s->max_line;
		cont = CS_RL_CONT;
	}
	return emit(s, p, n, raw, cont);
}

/* Keep the text of the line being assembled across pieces: up to max_line
 * bytes (the rest dropped), or in segments. */
static int add_partial(cs_splitter *s, const char *p, size_t n)
{
	if (!(s->flags & CS_SPLIT_SEGMENTS)) {
		size_t room = s->partial.len < s->max_line ? s->max_line - s->partial.len : 0;
		if (n > room)
			s->cut = 1;
		return cs_buf_add(&s->partial, p, n < room ? n : room) ? CRASHSIG_ENOMEM : 0;
	}
	while (s->partial.len + n > s->max_line) {
		size_t take = s->max_line - s->partial.len;
		if (cs_buf_add(&s->partial, p, take))
			return CRASHSIG_ENOMEM;
		p += take;
		n -= take;
		int rc = emit(s, s->partial.data, s->partial.len, s->partial.len,
			      CS_RL_MORE | (s->cont ? CS_RL_CONT : 0));
		s->pending -= s->partial.len;
		cs_buf_clear(&s->partial);
		s->cont = 1;
		if (rc)
			return rc;
	}
	return cs_buf_add(&s->partial, p, n) ? CRASHSIG_ENOMEM : 0;
}

static int flush_partial(cs_splitter *s, unsigned more)
{
	unsigned flags = (s->cont ? CS_RL_CONT : 0) | (s->cut ? CS_RL_CUT : 0) | more;
	int rc = emit(s, s->partial.data ? s->partial.data : "", s->partial.len,
		      s->pending, flags);
	cs_buf_clear(&s->partial);
	s->pending = 0;
	s->in_cr = s->cont = s->cut = 0;
	return rc;
}

int cs_splitter_feed(cs_splitter *s, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	if (s->in_cr) {
		/* the last piece ended in '\r': more '\r' and one '\n' belong
		 * to the same line end */
		while (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		s->pending += (uint64_t)(p - data);
		if (p == end && (p == data || p[-1] == '\r'))
			return 0;
		int rc = flush_partial(s, 0);
		if (rc)
			return rc;
	}
	while (p < end) {
		if (s->scan && !s->pending && !s->cont && !(s->scan_hold && *s->scan_hold) &&
		    (p = skip_lines(s, p, end)) == end)
			return 0;
		int special;
		/* end of the line's text */
#ifdef CS_SPLIT_AVX2
		const char *le = s->avx2 ? find_eol32(p, end, &special) : find_eol(p, end, &special);
#else
		const char *le = find_eol(p, end, &special);
#endif
		const char *q;                     /* after the line end */
		if (le < end && *le == '\r') {
			q = le;
			while (q < end && *q == '\r')
				q++;
			if (q < end && *q == '\n')
				q++;
		} else {
			q = le < end ? le + 1 : end;
		}
		if (q == end && (q == le || q[-1] == '\r')) {
			/* no line end yet, or one that may continue in the
			 * next piece */
			s->pending += (uint64_t)(end - p);
			if (add_partial(s, p, (size_t)(le - p)))
				return CRASHSIG_ENOMEM;
			s->in_cr = q != le;
			return 0;
		}
		int rc;
		if (s->pending || s->cont) {
			s->pending += (uint64_t)(q - p);
			if (add_partial(s, p, (size_t)(le - p)))
				return CRASHSIG_ENOMEM;
			rc = flush_partial(s, 0);
		} else {
			rc = emit_line(s, p, (size_t)(le - p), (uint64_t)(q - p),
				       special ? 0 : CS_RL_CLEAN);
		}
		if (rc)
			return rc;
		p = q;
	}
	return 0;
}

int cs_splitter_finish(cs_splitter *s)
{
	if (s->pending || s->cont)
		return flush_partial(s, s->in_cr ? 0 : CS_RL_NOEOL);
	return 0;
}

void cs_splitter_free(cs_splitter *s)
{
	if (s)
		cs_buf_free(&s->partial);
}
