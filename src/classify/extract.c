/*
 * Crash-block extraction: a streaming state machine over normalized lines.
 *
 * A line that holds a crash kind's start marker (and none of its `not`
 * patterns, nor the global `not-crash` patterns) opens a block. Where a
 * block ends follows syzkaller (pkg/report/linux.go, findReport):
 *   - A report is made of the lines of its caller. With caller ids on
 *     ("[ T123]", "[  C1]"), lines of other callers or without one (user
 *     space writing to the console) are not part of it; a crash start of
 *     another caller is another crash, with a block of its own (blocks of
 *     several callers are open at once; ParseAll reports each header).
 *     (syzkaller also adds CPU contexts' lines after "Sending NMI from
 *     CPU"; we do not: see rules/README.md, "Where a report ends".)
 *   - With caller ids, a second header of the same caller stays in the
 *     block: syzkaller keeps such a report whole (reportEnd only stops at a
 *     second header without caller ids), e.g. a WARNING raised while an RCU
 *     stall is dumped, or a fault inside a lockdep report. (Not so without
 *     caller ids; in input with no console prefix at all, a report already
 *     cut out of a log such as a syzbot mail, a nested header of another
 *     kind after the first line stays too: see on_line.)
 *   - Without caller ids another crash start ends the block, unless its
 *     kind `follows` (panic lines), is `nested` (periodic messages), is
 *     absorbed by the open block's kinds (`absorbs`: "kernel BUG at" then
 *     "invalid opcode"), or repeats the header (symbolized headers repeat
 *     once per inline frame).
 *   - Once the block has its report (22 lines, 16 for KMSAN), a kernel panic
 *     or a circular-locking report ends it (syzkaller's skipText: the panic
 *     stack of panic_on_warn, and lockdep reports induced by the oops).
 *   - A report is a burst of output: a line of its caller more than
 *     CS_GAP_SECONDS after its previous one ends it; so does a timestamp
 *     more than CS_BACK_SECONDS before its own (a new log or boot: console
 *     logs concatenated), a line matching `block-stop` (the machine
 *     rebooted; not kept) or `block-end` (the last line of a report: kept),
 *     max_report_lines lines, 4 x max_report_lines lines seen
 *     since it opened, and the end of the input.
 * Finished blocks are classified into reports and queued in order of their
 * start; a report waits in a short queue so that a later kernel panic still
 * marks it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "input/input.h"
#include "input/doc.h"
#include "input/prefix.h"
#include "input/ring.h"
#include "classify/report.h"
#include "classify/rules.h"

#define MAX_BLOCK_BYTES (4u << 20)
/* A block slot's first buffers (block_add). */
#define BLOCK_FIRST_LINES 128
#define BLOCK_FIRST_BYTES 8191

typedef struct rq_node {
	crashsig_report *rep;
	struct rq_node *next;
} rq_node;

/* Open blocks at once (one per caller): more close the oldest. */
#define CS_MAX_OPEN 8
/* A report's lines come in one burst (see the top of the file). */
#define CS_GAP_SECONDS 5.0
/* One task's lines are in time order; lines of several CPUs (no caller
 * ids) may be out of order a little. */
#define CS_BACK_SECONDS 1.0
#define CS_BACK_SECONDS_CALLER 0.01

/* One extractor: the state of cutting crash blocks out of one stream of
 * console lines. A parser has two: the text's own lines, and (for mail,
 * with CRASHSIG_PARSER_QUOTED) the quoted lines. */
typedef struct cs_ex {
	crashsig_ctx *ctx;
	crashsig_parser *parser;
	int quoted;               /* the extractor of quoted text */
	cs_buf scratch;
	cs_buf scratch2;          /* the header's time (open_block) */
	const char *cur_raw;      /* the line being read, as the input has it */
	size_t cur_rawlen;
	const cs_start_index *ix; /* borrowed from the rules */
	int teddy32;              /* ix->use_teddy and the CPU has AVX2 */
	size_t max_lines;         /* the context's max_report_lines */
	size_t max_seen;          /* lines a block outlasts: 4 x max_lines */
	pcre2_match_data *md;
	cs_block blk[CS_MAX_OPEN]; /* slots; blk[i].open when in use */
	size_t nopen;
	unsigned open_mask;       /* bit i: blk[i].open (the loops over open
				   * blocks run once per line) */
	uint64_t seq;
	rq_node *head, *tail;   /* reports ready */
	rq_node *phead, *ptail; /* finished, sorted by start; a later panic may still mark them */
	size_t npending;
	uint64_t nlines;        /* lines seen so far in the document */
	int booting;            /* the log began with a boot, no kernel line yet */
	int any_ts;             /* a console timestamp was seen */
	int run_suppressed;     /* a suppression line since the last boot */
	int suppress_cand;      /* the line has a suppression literal (test_start) */
	int boot_cand;          /* ... a block-stop literal: the machine may boot */
} cs_ex;

struct crashsig_parser {
	crashsig_ctx *ctx;
	cs_input *in;
	cs_ex ex0;              /* the text's own lines */
	cs_ex *ex[2];           /* &ex0, and the quoted lines' (with
				 * CRASHSIG_PARSER_QUOTED only), or NULL */
	unsigned flags;         /* CRASHSIG_PARSER_* */
	int64_t reference_time;
	const crashsig_document *doc; /* the document being read */
	int holding;            /* a mail document with its quoted crashes:
				 * reports go out when it ends, merged in order */
	rq_node *ohead, *otail; /* reports ready for crashsig_parser_next */
	int (*report_fn)(void *arg, crashsig_report *r); /* push mode */
	size_t log_context; /* bytes of log kept before a report; 0: none */
	cs_ring ring;       /* the last bytes read (log_context) */
	void *report_arg;
	int avx2;               /* the CPU has AVX2 (ex_scan) */
	int err;
	int finished; /* crashsig_parser_finish was called */
};

static void block_reset(cs_block *b)
{
	cs_buf_clear(&b->text);
	b->nlines = 0;
	b->crash = NULL;
	b->header_col = 0;
	b->caller[0] = 0;
	b->panicked = 0;
	b->suppressed = 0;
	b->nabsorbed = 0;
	b->only_starts = 1;
	b->last_start = NULL;
	b->seen = 0;
	b->last_ts = 0;
	b->has_last_ts = 0;
	b->cpu_traceback = 0;
	b->end_marker = 0;
	b->ninline = 0;
	b->open = 0;
}

static int block_add(cs_block *b, const char *s, size_t n)
{
	if (b->text.len + n + 1 > MAX_BLOCK_BYTES)
		return 0;
	if (b->nlines >= b->cap_lines || b->text.len + n + 2 > b->text.cap) {
		/* a slot's first block starts at the size of a typical report
		 * (a few dozen lines, a few KiB), not grown from 8 lines, 64
		 * bytes */
		if (b->nlines >= b->cap_lines &&
		    cs_reserve((void **)&b->lines, &b->cap_lines,
			       b->cap_lines ? b->nlines + 1 : BLOCK_FIRST_LINES, sizeof(*b->lines)))
			return CRASHSIG_ENOMEM;
		if (!b->text.cap && cs_buf_reserve(&b->text, BLOCK_FIRST_BYTES))
			return CRASHSIG_ENOMEM;
		if (b->text.len + n + 2 > b->text.cap && cs_buf_reserve(&b->text, n + 1))
			return CRASHSIG_ENOMEM;
	}
	/* the line, its '\n' and the buffer's NUL */
	b->lines[b->nlines++] = b->text.len;
	char *d = b->text.data + b->text.len;
	memcpy(d, s, n);
	d[n] = '\n';
	d[n + 1] = 0;
	b->text.len += n + 1;
	return 0;
}

/* Drop the block's last line (a symbolized header repeated for an inline
 * frame, replaced by the next one). */
static void block_drop_last(cs_block *b)
{
	if (b->nlines > 1) {
		b->text.len = b->lines[--b->nlines];
		b->text.data[b->text.len] = 0;
	}
}

static int re_hit(cs_ex *p, const cs_re *re, const char *s, size_t n)
{
	return cs_re_match(re, s, n, 0, p->md);
}

/* Does a marker start at s[i]? With prefilter set, any marker counts
 * (its `not` patterns, written for normalized lines, are not checked). */
static int test_start(cs_ex *p, const char *s, size_t n, size_t i,
		      const cs_start_ref **best, int prefilter)
{
	unsigned char ch = (unsigned char)s[i];
	for (size_t k = 0; k < p->ix->nstarts[ch]; k++) {
		const cs_start_ref *sr = &p->ix->starts[ch][k];
		if (sr->len > n - i || memcmp(s + i, sr->lit, sr->len))
			continue;
		if (sr->role == CS_REF_SUPPRESS) { /* no crash marker */
			p->suppress_cand = 1;
			continue;
		}
		if (sr->role == CS_REF_BOOT) {
			p->boot_cand = 1;
			continue;
		}
		if (*best && (*best)->len >= sr->len)
			continue;
		if (prefilter) {
			*best = sr;
			return 1;
		}
		int excluded = 0;
		for (size_t j = 0; j < sr->crash->nnots && !excluded; j++)
			excluded = re_hit(p, &sr->crash->nots[j], s, n);
		if (!excluded)
			*best = sr;
	}
	return *best != NULL;
}

#include "classify/teddy.h"
#ifdef CS_HAVE_TEDDY32
#include <tmmintrin.h>
#define CS_HAVE_TEDDY 1

/* Teddy prefilter (as in Hyperscan and Rust's regex): for 16 positions at
 * once, nibble lookup tables of the first four bytes of every marker say
 * which positions may start one. Returns the first position >= i that may
 * start a marker, or the position where the scalar scan must take over. */
__attribute__((target("ssse3"))) static size_t teddy_scan(const cs_start_index *ix,
							   const char *s, size_t n,
							   size_t i)
{
	const __m128i low = _mm_set1_epi8(0x0f);
	const __m128i lo0 = _mm_loadu_si128((const __m128i *)ix->teddy_lo[0]);
	const __m128i hi0 = _mm_loadu_si128((const __m128i *)ix->teddy_hi[0]);
	const __m128i lo1 = _mm_loadu_si128((const __m128i *)ix->teddy_lo[1]);
	const __m128i hi1 = _mm_loadu_si128((const __m128i *)ix->teddy_hi[1]);
	const __m128i lo2 = _mm_loadu_si128((const __m128i *)ix->teddy_lo[2]);
	const __m128i hi2 = _mm_loadu_si128((const __m128i *)ix->teddy_hi[2]);
	const __m128i lo3 = _mm_loadu_si128((const __m128i *)ix->teddy_lo[3]);
	const __m128i hi3 = _mm_loadu_si128((const __m128i *)ix->teddy_hi[3]);
	for (; i + 19 <= n; i += 16) {
		__m128i v0 = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i v1 = _mm_loadu_si128((const __m128i *)(s + i + 1));
		__m128i v2 = _mm_loadu_si128((const __m128i *)(s + i + 2));
		__m128i v3 = _mm_loadu_si128((const __m128i *)(s + i + 3));
		__m128i m = _mm_and_si128(
			_mm_shuffle_epi8(lo0, _mm_and_si128(v0, low)),
			_mm_shuffle_epi8(hi0, _mm_and_si128(_mm_srli_epi16(v0, 4), low)));
		m = _mm_and_si128(m, _mm_shuffle_epi8(lo1, _mm_and_si128(v1, low)));
		m = _mm_and_si128(m, _mm_shuffle_epi8(hi1, _mm_and_si128(_mm_srli_epi16(v1, 4), low)));
		m = _mm_and_si128(m, _mm_shuffle_epi8(lo2, _mm_and_si128(v2, low)));
		m = _mm_and_si128(m, _mm_shuffle_epi8(hi2, _mm_and_si128(_mm_srli_epi16(v2, 4), low)));
		m = _mm_and_si128(m, _mm_shuffle_epi8(lo3, _mm_and_si128(v3, low)));
		m = _mm_and_si128(m, _mm_shuffle_epi8(hi3, _mm_and_si128(_mm_srli_epi16(v3, 4), low)));
		unsigned bits = (unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(m, _mm_setzero_si128())) ^ 0xffffu;
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
	}
	return i;
}
#endif

/* The same 32 positions at a time (AVX2: the nibble tables in both 128-bit
 * lanes), for long stretches of text: the fast path of crash-free logs
 * (ex_scan). */
__attribute__((target("avx2"))) static size_t teddy_scan32(const cs_start_index *ix,
							    const char *s, size_t n,
							    size_t i)
{
	__m256i lo[4], hi[4];
	cs_teddy_load32(ix->teddy_lo, ix->teddy_hi, 4, lo, hi);
	for (; i + 35 <= n; i += 32) {
		unsigned bits = cs_teddy_mask32(lo, hi, 4, s + i);
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
	}
	return i;
}

/* The candidates bits (bit k: position at + k) checked in order against
 * the gram bitmap and the markers (test_start). Returns the position of the
 * first marker found, or n. */
static inline size_t starts_in(cs_ex *p, const char *s, size_t n, size_t at, unsigned bits,
			       const cs_start_ref **best, int prefilter)
{
	const cs_start_index *ix = p->ix;
	while (bits) {
		size_t i = at + (size_t)__builtin_ctz(bits);
		bits &= bits - 1;
		unsigned h = cs_gram4(s + i);
		if ((ix->gram[h >> 6] & (1ull << (h & 63))) && test_start(p, s, n, i, best, prefilter))
			return i;
	}
	return n;
}

/* find_start's scan of a whole line with AVX2: the tables are loaded once,
 * each 32 positions give one candidate mask, and the line's last block is
 * the 32 positions ending at its last possible start (n - 4), overlapping
 * the one before, so no byte past the line is read. A line shorter than
 * 35 bytes is copied into a zeroed block first. Returns the position of
 * the first marker found (test_start) or n. */
__attribute__((target("avx2"))) static size_t scan_starts32(cs_ex *p, const char *s,
							    size_t n,
							    const cs_start_ref **best,
							    int prefilter)
{
	if (n < 4)
		return n;
	const cs_start_index *ix = p->ix;
	__m256i lo[4], hi[4];
	cs_teddy_load32(ix->teddy_lo, ix->teddy_hi, 4, lo, hi);
	if (n < 35) {
		/* one block, zero padded: starts up to n - 4 */
		char pad[64];
		memset(pad, 0, sizeof(pad));
		memcpy(pad, s, n);
		unsigned bits = cs_teddy_mask32(lo, hi, 4, pad) & ((1u << (n - 3)) - 1u);
		return starts_in(p, s, n, 0, bits, best, prefilter);
	}
	/* whole blocks, then the last one: the 32 positions ending at n - 4,
	 * without those the blocks before had */
	size_t base = 0;
	for (; base + 35 <= n; base += 32) {
		unsigned bits = cs_teddy_mask32(lo, hi, 4, s + base);
		size_t i;
		if (bits && (i = starts_in(p, s, n, base, bits, best, prefilter)) != n)
			return i;
	}
	if (base + 4 <= n) {
		/* (its last position is n - 4: no mask at the end) */
		size_t at = n - 35;
		unsigned bits = cs_teddy_mask32(lo, hi, 4, s + at) & ~((1u << (base - at)) - 1u);
		return starts_in(p, s, n, at, bits, best, prefilter);
	}
	return n;
}

/* Find the crash start in a line: earliest position, then longest marker.
 * Returns the crash kind and sets *col, or NULL. Candidate positions come
 * from the Teddy prefilter where the CPU has SSSE3 (AVX2: scan_starts32),
 * then from a bitmap of
 * hashed 4-byte marker prefixes; only those are compared with markers. */
static __attribute__((noinline)) const cs_crash *find_start_from(cs_ex *p, const char *s,
								   size_t n, size_t i,
								   const cs_start_ref *best,
								   size_t *col, int prefilter);

static inline const cs_crash *find_start(cs_ex *p, const char *s, size_t n, size_t *col,
					 int prefilter)
{
#ifdef CS_HAVE_TEDDY
	if (p->teddy32) {
		const cs_start_ref *best = NULL;
		size_t i = scan_starts32(p, s, n, &best, prefilter);
		/* (most lines: no marker, none shorter than 4 bytes to look
		 * for, nothing else to do) */
		if (!best && !p->ix->any_short)
			return NULL;
		return find_start_from(p, s, n, i, best, col, prefilter);
	}
#endif
	return find_start_from(p, s, n, 0, NULL, col, prefilter);
}

/* find_start from position i on, best the marker found at i if any. */
static const cs_crash *find_start_from(cs_ex *p, const char *s, size_t n, size_t i,
				       const cs_start_ref *best, size_t *col, int prefilter)
{
	const cs_rules *r = p->ctx->rules;
	while (!best && i + 4 <= n) {
#ifdef CS_HAVE_TEDDY
		if (p->ix->use_teddy) {
			/* (SSSE3 without AVX2) */
			if (i + 19 <= n) {
				i = teddy_scan(p->ix, s, n, i);
			} else {
				/* the line's tail (at most 15 positions where a
				 * marker may start), zero padded to one block */
				char pad[32] = {0};
				memcpy(pad, s + i, n - i);
				size_t j = teddy_scan(p->ix, pad, sizeof(pad), 0);
				i += j;
			}
			if (i + 4 > n)
				break;
		}
#endif
		unsigned h = cs_gram4(s + i);
		if ((p->ix->gram[h >> 6] & (1ull << (h & 63))) &&
		    test_start(p, s, n, i, &best, prefilter))
			break;
		i++;
	}
	if (!best && p->ix->any_short) {
		/* markers shorter than 4 bytes are looked for byte by byte */
		for (i = 0; i < n; i++) {
			if (!p->ix->short_first[(unsigned char)s[i]])
				continue;
			if (test_start(p, s, n, i, &best, prefilter))
				break;
		}
	}
	if (!best)
		return NULL;
	if (!prefilter && re_hit(p, &r->not_crash, s, n))
		return NULL;
	*col = i;
	return best->crash;
}

static int absorbs1(const cs_crash *b, const cs_crash *c)
{
	if (!b->absorbs)
		return 0;
	size_t n = strlen(c->name);
	for (const char *p = strstr(b->absorbs, c->name); p; p = strstr(p + 1, c->name))
		if (p[-1] == ' ' && p[n] == ' ')
			return 1;
	return 0;
}

/* Does the open block take a start line of kind c? Its own kind and every
 * kind it absorbed so far may absorb c, once. */
static int absorbs(const cs_block *b, const cs_crash *c)
{
	if (c->follows || c->nested)
		return 1;
	for (size_t i = 0; i < b->nabsorbed; i++)
		if (b->absorbed_kinds[i] == c)
			return 0;
	if (absorbs1(b->crash, c))
		return 1;
	for (size_t i = 0; i < b->nabsorbed; i++)
		if (absorbs1(b->absorbed_kinds[i], c))
			return 1;
	return 0;
}

/* "panicked" means the kernel panicked after the crash, which may be
 * printed after the crash block closed (behind a second report). Finished
 * reports wait in a short queue where later panic lines still mark them. */
#define MAX_PENDING 16

/* Each open block's slot i of p, in slot order. The set is taken when the
 * loop starts: a block the body closes is still visited if it comes later
 * (no body closes another block than its own). */
#define FOR_OPEN(p, i)                                                             \
	for (unsigned m_ = (p)->open_mask, i; m_ && (i = (unsigned)__builtin_ctz(m_), 1); \
	     m_ &= m_ - 1)

/* Does an open block start before byte offset off? Its report comes first. */
static int open_before(const cs_ex *p, uint64_t off)
{
	FOR_OPEN(p, i)
		if (p->blk[i].start < off)
			return 1;
	return 0;
}

/* Move finished reports to the ready queue: all of them with force, else
 * those beyond MAX_PENDING; never one that an open block precedes. */
static void release_pending(cs_ex *p, int force)
{
	while (p->phead && (force || p->npending > MAX_PENDING) &&
	       !open_before(p, p->phead->rep->start)) {
		rq_node *x = p->phead;
		p->phead = x->next;
		if (!p->phead)
			p->ptail = NULL;
		x->next = NULL;
		p->npending--;
		if (p->tail)
			p->tail->next = x;
		else
			p->head = x;
		p->tail = x;
	}
}

static void mark_panicked(cs_ex *p)
{
	for (rq_node *x = p->phead; x; x = x->next)
		x->rep->panicked = 1;
	FOR_OPEN(p, i)
		p->blk[i].panicked = 1;
}

/* syzkaller matches its suppressions against the whole console output of
 * a test run (pkg/report/report.go, ParseFrom: rep.Suppressed =
 * matchesAny(rep.Output, suppressions)). So a suppression line marks the
 * reports before it that are still pending, the open blocks, and every
 * report after it until the machine boots again (a log of several boots
 * is several runs). */
static void mark_suppressed(cs_ex *p)
{
	p->run_suppressed = 1;
	for (rq_node *x = p->phead; x; x = x->next)
		x->rep->suppressed = 1;
	FOR_OPEN(p, i)
		p->blk[i].suppressed = 1;
}

static int close_block(cs_ex *p, cs_block *b)
{
	if (!b->open)
		return 0;
	b->open = 0;
	p->nopen--;
	p->open_mask &= ~(1u << (b - p->blk));
	crashsig_report *rep = NULL;
	int rc = cs_report_build(p->ctx, b, &rep);
	if (!rc && rep) {
		/* where and when: the document, the header's time */
		const crashsig_document *d = p->parser->doc;
		rep->time = b->time;
		rep->origin = d && d->kind == CRASHSIG_DOCUMENT_MAIL ? CRASHSIG_ORIGIN_MAIL
								     : b->origin;
		rep->quoted = p->quoted;
		if (d && !(rep->doc = cs_document_dup(d)))
			rc = CRASHSIG_ENOMEM;
		/* the log around it: of a console log only (a message's body may
		 * be encoded, an archive member compressed on its own) */
		size_t ctx = p->parser->log_context;
		if (!rc && ctx && (!d || (d->kind == CRASHSIG_DOCUMENT_LOG && !d->member))) {
			uint64_t base = d ? d->offset : 0;
			uint64_t start = base + rep->start, end = base + rep->end;
			rep->log = cs_ring_lines(&p->parser->ring, start > ctx ? start - ctx : 0, end,
						 &rep->log_len);
		}
		if (d && d->date_time.flags & CRASHSIG_TIME_WALL &&
		    !(rep->time.flags & CRASHSIG_TIME_WALL)) {
			/* the log says no wall clock time: the message's Date: */
			rep->time.flags |= CRASHSIG_TIME_WALL | CRASHSIG_TIME_MAIL |
					   (d->date_time.flags & CRASHSIG_TIME_NO_ZONE);
			rep->time.wall = d->date_time.wall;
			rep->time.wall_nsec = 0;
			rep->time.utc_offset = d->date_time.utc_offset;
		}
	}
	block_reset(b);
	if (rc) {
		crashsig_report_free(rep);
		return rc == CRASHSIG_ENOMEM ? cs_ctx_error(p->ctx, rc, "out of memory") : rc;
	}
	if (!rep) /* the block turned out not to be a crash */
		return 0;
	rq_node *n = calloc(1, sizeof(*n));
	if (!n) {
		crashsig_report_free(rep);
		return cs_ctx_error(p->ctx, CRASHSIG_ENOMEM, "out of memory");
	}
	n->rep = rep;
	/* in order of start: blocks of several callers close out of order */
	rq_node **at = &p->phead;
	while (*at && (*at)->rep->start <= rep->start)
		at = &(*at)->next;
	n->next = *at;
	*at = n;
	if (!n->next)
		p->ptail = n;
	p->npending++;
	release_pending(p, 0);
	return 0;
}

static int close_all(cs_ex *p, const cs_block *except)
{
	int rc = 0;
	for (size_t i = 0; i < CS_MAX_OPEN && !rc; i++)
		if (&p->blk[i] != except)
			rc = close_block(p, &p->blk[i]);
	return rc;
}

static int open_block(cs_ex *p, const cs_crash *c, size_t col,
		      const cs_line *ln, int panic, uint64_t off, uint64_t raw_len)
{
	cs_block *b = NULL, *oldest = NULL;
	for (size_t i = 0; i < CS_MAX_OPEN && !b; i++) {
		if (!p->blk[i].open)
			b = &p->blk[i];
		else if (!oldest || p->blk[i].seq < oldest->seq)
			oldest = &p->blk[i];
	}
	if (!b) {
		int rc = close_block(p, oldest);
		if (rc)
			return rc;
		b = oldest;
	}
	block_reset(b);
	b->open = 1;
	b->seq = ++p->seq;
	p->nopen++;
	p->open_mask |= 1u << (b - p->blk);
	b->crash = c;
	b->last_start = c;
	b->header_col = col;
	b->start = off;
	b->end = off + raw_len;
	memcpy(b->caller, ln->caller, sizeof(b->caller));
	b->panicked = panic;
	b->suppressed = p->run_suppressed;
	b->ctx_ts = ln->has_ts;
	b->last_ts = ln->ts;
	/* the header's time and origin (parsed again, with the time) */
	cs_line tl;
	int rc = cs_line_parse(p->cur_raw, p->cur_rawlen, &tl, &p->scratch2, CS_LINE_TIME,
			       p->parser->reference_time);
	if (rc)
		return rc;
	b->time = tl.time;
	b->origin = tl.origin;
	return block_add(b, ln->text, ln->len);
}

/* Is the line of the block's context? syzkaller's contexts (linux.go,
 * extractContext): the caller id; without one, "console" for lines with a
 * timestamp and none for lines without (user space writing to the console). */
static int own(const cs_block *b, const cs_line *ln)
{
	if (b->caller[0] != ln->caller[0])
		return 0;
	if (!b->caller[0])
		return b->ctx_ts == ln->has_ts;
	return cs_same_caller(b->caller, ln->caller);
}

/* syzkaller's findReport stops a report that already has its lines at
 * these (reportMinLines: 16 for KMSAN reports, which print less, else 22). */
static size_t min_lines(const cs_block *b)
{
	size_t hl = b->nlines > 1 ? b->lines[1] : b->text.len;
	return memmem(b->text.data, hl, "BUG: KMSAN:", 11) ? 16 : 22;
}

/* (inlined: on_line ends in it for most lines) */
static inline __attribute__((always_inline)) int add_line(cs_ex *p, cs_block *b,
							   const cs_line *ln, int panic,
							   uint64_t off, uint64_t raw_len)
{
	int rc;
	switch (ln->len >= 14 ? ln->text[0] : 0) {
	case 'D':
		/* lockdep's notice when an oops taints the kernel is no
		 * report line */
		if (ln->len >= 44 &&
		    !memcmp(ln->text, "Disabling lock debugging due to kernel taint", 44))
			return 0;
		break;
	case 'S':
		if (ln->len >= 20 && !memcmp(ln->text, "Sending NMI from CPU", 20))
			b->cpu_traceback = 1;
		break;
	case '-':
		/* the oops was printed to its end (kernel/panic.c:
		 * print_oops_end_marker) */
		if (!memcmp(ln->text, "---[ end trace", 14))
			b->end_marker = 1;
		break;
	}
	/* lines as the kernel printed them: symbolization's "[inline]"
	 * lines do not count (input without prefixes, see on_line) */
	if (!b->ctx_ts && !b->caller[0] && memmem(ln->text, ln->len, " [inline]", 9))
		b->ninline++;
	b->panicked |= panic;
	if ((rc = block_add(b, ln->text, ln->len)))
		return rc;
	b->end = off + raw_len;
	/* (b is the open block of the line's context: on_line's owner) */
	if (ln->has_ts) {
		b->last_ts = ln->ts;
		b->has_last_ts = 1;
	}
	/* "Rebooting in 86400 seconds..": nothing after it is the report's
	 * (anchored tables answer from their first bytes, rules.c) */
	if (b->nlines >= p->max_lines ||
	    re_hit(p, &p->ctx->rules->block_end, ln->text, ln->len))
		return close_block(p, b);
	return 0;
}

static int on_line(cs_ex *p, const char *data, size_t len, uint64_t off,
		   uint64_t raw_len, unsigned rlflags)
{
	/* the splitter saw no bytes to remove (CS_RL_CLEAN) */
	unsigned want = (rlflags & CS_RL_CLEAN) ? CS_LINE_CLEAN : 0;
	const cs_rules *r = p->ctx->rules;
	cs_line ln;
	size_t col = 0;
	int rc;
	/* Outside a crash block, a line without any start marker (in its raw
	 * form: console prefixes do not hide markers) needs no normalization. */
	p->nlines++;
	p->cur_raw = data;
	p->cur_rawlen = len;
	if (p->booting && len && data[0] == '[')
		p->booting = 0; /* the first kernel line: the boot is over */
	p->suppress_cand = p->boot_cand = 0;
	if (!p->nopen && !find_start(p, data, len, &col, 1)) {
		/* no crash marker: only a suppression or a boot can matter */
		if (!p->suppress_cand && !p->boot_cand && !r->suppress_any_line)
			return 0;
		if ((rc = cs_line_parse(data, len, &ln, &p->scratch, want, 0)))
			return rc;
		if (re_hit(p, &r->suppress, ln.text, ln.len))
			mark_suppressed(p);
		if (p->boot_cand && re_hit(p, &r->block_stop, ln.text, ln.len))
			p->run_suppressed = 0; /* the machine boots: a new run */
		return 0;
	}
	if ((rc = cs_line_parse(data, len, &ln, &p->scratch, want, 0)))
		return rc;
	p->any_ts |= ln.has_ts;
	const cs_crash *c = find_start(p, ln.text, ln.len, &col, 0);
	/* (the scan for markers stops at a crash marker: such lines are
	 * matched against the suppressions whole) */
	if ((p->suppress_cand || c || r->suppress_any_line) &&
	    re_hit(p, &r->suppress, ln.text, ln.len))
		mark_suppressed(p);
	if (c && c->not_first && (p->nlines == 1 || p->booting)) {
		p->booting = 1; /* a log that starts with a boot is no reboot */
		c = NULL;
	}
	if ((c && c->not_first) ||
	    (p->boot_cand && re_hit(p, &r->block_stop, ln.text, ln.len)))
		p->run_suppressed = 0; /* the machine boots again: a new run */
	/* the kernel panicked after every report so far that is not out */
	int panic = re_hit(p, &r->panic, ln.text, ln.len);
	if (panic)
		mark_panicked(p);
	if (!p->nopen) {
		if (c)
			return open_block(p, c, col, &ln, panic, off, raw_len);
		return 0;
	}
	/* Blocks end: a report is a burst of output, it does not outlast many
	 * foreign lines, and a timestamp before its own is a new log. */
	unsigned mine = 0; /* bit i: blk[i] is of the line's context (own) */
	FOR_OPEN(p, i) {
		cs_block *b = &p->blk[i];
		int is_own = own(b, &ln);
		mine |= (unsigned)is_own << i;
		int end = ++b->seen > p->max_seen;
		if (ln.has_ts && b->ctx_ts && is_own) {
			/* (a header's own timestamp may be stale: only a crash
			 * start is compared with it) */
			double back = b->caller[0] ? CS_BACK_SECONDS_CALLER : CS_BACK_SECONDS;
			/* (a CPU stuck with interrupts off prints its NMI
			 * backtrace with a clock that stood still: without
			 * caller ids those lines are the block's own) */
			end |= (b->has_last_ts || c || b->caller[0]) &&
			       !(b->cpu_traceback && !b->caller[0]) && ln.ts + back < b->last_ts;
			end |= ln.ts > b->last_ts + CS_GAP_SECONDS;
		}
		if (end && (rc = close_block(p, b)))
			return rc;
	}
	/* the open block of the line's context, the first in slot order
	 * (from the bits: a closed block's bit is gone from open_mask) */
	cs_block *b = mine & p->open_mask ? &p->blk[__builtin_ctz(mine & p->open_mask)] : NULL;
	/* the machine rebooted: every report before it is over */
	int stop = re_hit(p, &r->block_stop, ln.text, ln.len);
	/* (b, the first of the line's blocks, stays open) */
	if (stop && (rc = close_all(p, b)))
		return rc;
	if (c && c->follows) {
		/* a panic ends the reports before it; one that has its lines
		 * already stops here (the panic stack is not part of it) */
		cs_block *t = b;
		if (!t)
			return open_block(p, c, col, &ln, panic, off, raw_len);
		if (t->nlines >= min_lines(t)) {
			t->panicked |= panic;
			return close_block(p, t);
		}
		return add_line(p, t, &ln, panic, off, raw_len);
	}
	if (c && b) {
		/* a second header of the block's caller: the report goes on with
		 * caller ids; without them a new crash starts unless the block
		 * takes it */
		int whole = b->caller[0] != 0;
		/* Ours: input with no console prefix at all (no caller id, no
		 * timestamp so far) is a report already cut out of a console
		 * log: a syzbot mail is syzkaller's rep.Report, one context's
		 * lines with their prefixes stripped (pkg/report/linux.go:
		 * findReport, stripLinePrefix), so it is kept whole as
		 * syzkaller kept it in the log with caller ids. A header of
		 * another kind nested in it (a fault, lockdep, RCU or UBSAN
		 * report raised while it prints: after its first line, before
		 * its end marker and while it has fewer lines than syzkaller's
		 * reportMinLines) stays in it. Not so: a header after the
		 * report (ended, or long enough to have its lines: a log that
		 * goes on), the same kind again (a burst: kmemleak's reports,
		 * SYZFAIL lines), a header right on the next line (the same
		 * fault's next message: arm's "Alignment trap:" then
		 * do_DataAbort's "Unhandled fault:", arch/arm/mm/fault.c), or
		 * a message kind that is only a report with its own follow-up
		 * (`strict`: ODEBUG before a lockdep report). Raw console logs
		 * without prefixes (syzkaller testdata linux/report/242, 151,
		 * 601) keep their cuts; fixture
		 * mailed-report-nested-header-kept-whole. */
		if (!whole && !b->ctx_ts && !p->any_ts && c != b->crash &&
		    !b->crash->strict && b->nlines >= 2 &&
		    b->nlines - b->ninline < min_lines(b) &&
		    !b->end_marker)
			whole = 1;
		/* symbolization repeats a header once per inline frame:
		 * "WARNING: ... at f file.c:1 [inline]" then "... at g+0x1/0x2"
		 * (6.16+: "WARNING: file.c:1 at f file.c:1 [inline], CPU#0: ...") */
		size_t pl = b->text.len - b->lines[b->nlines - 1];
		const char *prev = b->text.data + b->lines[b->nlines - 1];
		int inl = c == b->last_start && memmem(prev, pl, " [inline]", 9) != NULL;
		/* a header of several start lines ("BUG: memory leak" then
		 * "unreferenced object ..."); the same header again is another
		 * report */
		int repeat = inl || (c == b->crash && b->only_starts &&
				     !(ln.len >= 12 && b->text.len >= 12 &&
				       !memcmp(ln.text, b->text.data, 12)));
		int lockdep = memmem(ln.text, ln.len,
					"WARNING: possible circular locking dependency detected",
					54) != NULL;
		if (lockdep && b->nlines >= min_lines(b)) {
			/* oops reporting takes locks: the lockdep report it
			 * induces is not part of the oops (skipText) */
			if ((rc = close_block(p, b)))
				return rc;
			return open_block(p, c, col, &ln, panic, off, raw_len);
		}
		if (!whole && !repeat && !absorbs(b, c)) {
			if ((rc = close_block(p, b)))
				return rc;
			return open_block(p, c, col, &ln, panic, off, raw_len);
		}
		if (inl) {
			/* the last of the repeated headers is the report's header */
			if (b->nlines == 1) {
				b->text.len = 0;
				b->nlines = 0;
				b->header_col = col;
				b->start = off;
			} else {
				block_drop_last(b);
			}
		} else if (!whole && !c->follows && !c->nested &&
			   b->nabsorbed < CS_MAX_ABSORBED) {
			b->absorbed_kinds[b->nabsorbed++] = c;
		}
		b->only_starts &= repeat;
		if (stop)
			return close_block(p, b);
		if ((rc = add_line(p, b, &ln, panic, off, raw_len)))
			return rc;
		b->last_start = c;
		return 0;
	}
	if (c)
		return open_block(p, c, col, &ln, panic, off, raw_len);
	if (b) {
		b->only_starts = 0;
		b->last_start = NULL;
		if (stop)
			return close_block(p, b);
		return add_line(p, b, &ln, panic, off, raw_len);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The parser: documents and lines from the input layer                */
/* ------------------------------------------------------------------ */

static void queue_push(rq_node **head, rq_node **tail, rq_node *n)
{
	n->next = NULL;
	if (*tail)
		(*tail)->next = n;
	else
		*head = n;
	*tail = n;
}

/* Everything ready in the extractors goes out. */
static void drain_ready(crashsig_parser *P)
{
	for (int k = 0; k < 2; k++) {
		cs_ex *x = P->ex[k];
		if (!x)
			continue;
		while (x->head) {
			rq_node *n = x->head;
			x->head = n->next;
			queue_push(&P->ohead, &P->otail, n);
		}
		x->tail = NULL;
	}
}

/* A held mail document ends: its reports and its quoted reports, in order
 * of start (a report before a quoted one at the same place). */
static void merge_ready(crashsig_parser *P)
{
	cs_ex *a = P->ex[0], *b = P->ex[1];
	if (!b) {
		drain_ready(P);
		return;
	}
	while (a->head || b->head) {
		cs_ex *x = !b->head || (a->head && a->head->rep->start <= b->head->rep->start) ? a : b;
		rq_node *n = x->head;
		x->head = n->next;
		queue_push(&P->ohead, &P->otail, n);
	}
	a->tail = b->tail = NULL;
}

/* The end of a document (or of the input): every block closes, in the
 * order it opened, and every finished report is released. */
static int ex_finish(cs_ex *p)
{
	int rc = 0;
	while (!rc && p->nopen) {
		cs_block *o = NULL;
		FOR_OPEN(p, i)
			if (!o || p->blk[i].seq < o->seq)
				o = &p->blk[i];
		rc = close_block(p, o);
	}
	release_pending(p, 1);
	return rc;
}

/* A new document is a new log: no run, no boot, no timestamps seen. */
static void ex_reset(cs_ex *p)
{
	p->nlines = 0;
	p->booting = 0;
	p->any_ts = 0;
	p->run_suppressed = 0;
}

/* Push mode: hand out what is ready (not while a document is held). */
static int deliver(crashsig_parser *P)
{
	if (!P->report_fn || P->holding)
		return 0;
	drain_ready(P);
	while (P->ohead) {
		rq_node *n = P->ohead;
		P->ohead = n->next;
		if (!P->ohead)
			P->otail = NULL;
		crashsig_report *r = n->rep;
		free(n);
		int rc = P->report_fn(P->report_arg, r);
		if (rc)
			return rc;
	}
	return 0;
}

/* The input's bytes once decompressed: the window of the log excerpts. */
static void on_bytes(void *arg, const char *s, size_t n)
{
	crashsig_parser *P = arg;
	cs_ring_add(&P->ring, s, n);
}

static int on_doc(void *arg, const crashsig_document *doc, int end)
{
	crashsig_parser *P = arg;
	if (!end) {
		drain_ready(P);
		P->doc = doc;
		P->holding = (P->flags & CRASHSIG_PARSER_QUOTED) && doc->kind == CRASHSIG_DOCUMENT_MAIL;
		ex_reset(P->ex[0]);
		if (P->ex[1])
			ex_reset(P->ex[1]);
		return 0;
	}
	int rc = ex_finish(P->ex[0]);
	if (!rc && P->ex[1])
		rc = ex_finish(P->ex[1]);
	if (P->holding)
		merge_ready(P);
	else
		drain_ready(P);
	P->holding = 0;
	P->doc = NULL;
	return rc ? rc : deliver(P);
}

static int on_rline(void *arg, const cs_rline *l, const crashsig_document *doc)
{
	crashsig_parser *P = arg;
	(void)doc;
	if (l->flags & CS_RL_PROSE)
		return 0; /* mail text that is no console output */
	int rc;
	if (l->flags & CS_RL_QUOTED) {
		if (!(P->flags & CRASHSIG_PARSER_QUOTED))
			return 0;
		rc = on_line(P->ex[1], l->data + l->qlen, l->len - l->qlen, l->off, l->raw_len,
			     l->flags);
	} else {
		rc = on_line(P->ex[0], l->data, l->len, l->off, l->raw_len, l->flags);
	}
	if (!rc && P->report_fn && (P->ex[0]->head || (P->ex[1] && P->ex[1]->head)))
		rc = deliver(P);
	return rc;
}

/* The fast path of a console log with no crash in sight: while no block is
 * open, a line matters only when a marker (a crash start, a suppression or
 * a boot line: all in the start index) may start in it. The input layer
 * asks how far the text needs no look (the first position the Teddy
 * prefilter and the 4-byte gram bitmap let through) and skips the complete
 * lines before it, so most of a crash-free log is only scanned 16 bytes at
 * a time, never split into lines. The first line of a document, a log
 * that starts with a boot, rules with a suppression that has no literal or
 * markers shorter than 4 bytes read every line. */
static size_t ex_scan(void *arg, const char *s, size_t n)
{
	crashsig_parser *P = arg;
	cs_ex *x = P->ex[0];
	const cs_start_index *ix = x->ix;
	if (x->nopen || x->booting || !x->nlines || ix->any_short ||
	    P->ctx->rules->suppress_any_line)
		return 0;
#ifdef CS_HAVE_TEDDY
	if (!ix->use_teddy)
		return 0;
	size_t i = 0;
	int wide = P->avx2;
	while (i + 19 <= n) {
		i = wide && i + 35 <= n ? teddy_scan32(ix, s, n, i) : teddy_scan(ix, s, n, i);
		if (i + 19 > n)
			break;
		if (wide && i + 35 > n && i + 19 <= n) {
			/* the tail of the wide scan: 16 at a time */
			size_t j = teddy_scan(ix, s, n, i);
			if (j != i) {
				i = j;
				continue;
			}
		}
		unsigned h = cs_gram4(s + i);
		if (ix->gram[h >> 6] & (1ull << (h & 63))) {
			/* a marker's literal, of any role, starts here? */
			unsigned char ch = (unsigned char)s[i];
			for (size_t k = 0; k < ix->nstarts[ch]; k++) {
				const cs_start_ref *sr = &ix->starts[ch][k];
				if (sr->len <= n - i && !memcmp(s + i, sr->lit, sr->len))
					return i;
			}
		}
		i++;
	}
	return i; /* the last bytes: looked at line by line */
#else
	(void)s;
	(void)n;
	return 0;
#endif
}

static void ex_skipped(void *arg, uint64_t bytes)
{
	crashsig_parser *P = arg;
	(void)bytes;
	P->ex[0]->nlines++; /* (only "any line yet" is asked of it) */
}

static int ex_init(cs_ex *x, crashsig_parser *P, int quoted)
{
	x->ctx = P->ctx;
	x->parser = P;
	x->quoted = quoted;
	x->ix = &P->ctx->rules->start_index;
	x->teddy32 = x->ix->use_teddy && P->avx2;
	x->max_lines = P->ctx->opts.max_report_lines;
	x->max_seen = 4 * x->max_lines;
	x->md = pcre2_match_data_create(4, NULL);
	return x->md ? 0 : CRASHSIG_ENOMEM;
}

static void ex_free(cs_ex *p)
{
	for (size_t i = 0; i < CS_MAX_OPEN; i++)
		p->blk[i].open = 0;
	p->open_mask = 0;
	release_pending(p, 1);
	while (p->head) {
		rq_node *n = p->head;
		p->head = n->next;
		crashsig_report_free(n->rep);
		free(n);
	}
	cs_buf_free(&p->scratch);
	cs_buf_free(&p->scratch2);
	for (size_t i = 0; i < CS_MAX_OPEN; i++) {
		cs_buf_free(&p->blk[i].text);
		free(p->blk[i].lines);
	}
	pcre2_match_data_free(p->md);
}

CS_EXPORT int crashsig_parser_new_opts(crashsig_parser **out, crashsig_ctx *ctx,
				       const crashsig_parser_options *opts)
{
	if (!out || !ctx)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (opts && (opts->version < 1 || opts->version > CRASHSIG_PARSER_OPTIONS_VERSION))
		return cs_ctx_error(ctx, CRASHSIG_EINVAL,
				    "crashsig_parser_options version %u is not 1 to %u", opts->version,
				    CRASHSIG_PARSER_OPTIONS_VERSION);
	if (!ctx->rules)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL,
				    "the context was created without rules");
	crashsig_parser *p = calloc(1, sizeof(*p));
	if (!p)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	p->ctx = ctx;
	if (opts) {
		p->flags = opts->flags;
		p->reference_time = opts->reference_time;
		p->report_fn = opts->report;
		p->report_arg = opts->arg;
		if (opts->version >= 2)
			p->log_context = opts->log_context;
	}
	unsigned iflags = ((p->flags & CRASHSIG_PARSER_NO_MAIL) ? CRASHSIG_INPUT_NO_MAIL : 0) |
			  ((p->flags & CRASHSIG_PARSER_NO_ARCHIVE) ? CRASHSIG_INPUT_NO_ARCHIVE : 0);
	cs_input_ops ops = {.line = on_rline, .doc = on_doc, .scan = ex_scan,
			    .skipped = ex_skipped, .arg = p,
			    /* ex_scan answers 0 while the text's blocks are open */
			    .scan_hold = &p->ex0.nopen};
	/* a report is built once its block closes, some lines after its end:
	 * the window holds the context, the report and those lines */
	if (p->log_context) {
		ops.bytes = on_bytes;
		size_t ctxb = p->log_context > SIZE_MAX / 4 ? SIZE_MAX / 4 : p->log_context;
		if (cs_ring_init(&p->ring, 2 * ctxb + (1u << 20))) {
			crashsig_parser_free(p);
			return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
		}
	}
#ifdef CS_HAVE_TEDDY
	p->avx2 = __builtin_cpu_supports("avx2");
#endif
	p->ex[0] = &p->ex0;
	int rc = ex_init(p->ex[0], p, 0);
	if (!rc && (p->flags & CRASHSIG_PARSER_QUOTED))
		rc = !(p->ex[1] = calloc(1, sizeof(cs_ex))) ? CRASHSIG_ENOMEM
							  : ex_init(p->ex[1], p, 1);
	if (!rc)
		rc = cs_input_new(&p->in, &ops, ctx->opts.max_line, iflags);
	if (rc) {
		crashsig_parser_free(p);
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	}
	*out = p;
	return 0;
}

CS_EXPORT int crashsig_parser_new(crashsig_parser **out, crashsig_ctx *ctx)
{
	return crashsig_parser_new_opts(out, ctx, NULL);
}

static int input_rc(crashsig_parser *p, int rc)
{
	rc = cs_input_stream_rc(p->ctx, p->in, rc);
	if (rc)
		p->err = rc;
	return rc;
}

CS_EXPORT int crashsig_parser_feed(crashsig_parser *p, const void *data, size_t len)
{
	if (!p || (!data && len))
		return CRASHSIG_EINVAL;
	int rc = cs_input_stream_check(p->ctx, p->err, p->finished,
				       "crashsig_parser_feed after crashsig_parser_finish");
	return rc ? rc : input_rc(p, cs_input_feed(p->in, data, len));
}

CS_EXPORT int crashsig_parser_finish(crashsig_parser *p)
{
	if (!p)
		return CRASHSIG_EINVAL;
	int rc0 = cs_input_stream_check(p->ctx, p->err, p->finished,
					"crashsig_parser_finish called twice");
	if (rc0)
		return rc0;
	p->finished = 1;
	int rc = cs_input_finish(p->in);
	/* (the documents ended: blocks are closed; an error may have left
	 * some open) */
	int rc2 = ex_finish(p->ex[0]);
	if (!rc2 && p->ex[1])
		rc2 = ex_finish(p->ex[1]);
	p->holding = 0;
	drain_ready(p);
	if (!rc)
		rc = rc2;
	if (!rc)
		rc = deliver(p);
	return input_rc(p, rc);
}

CS_EXPORT int crashsig_parser_next(crashsig_parser *p, crashsig_report **out)
{
	if (!p || !out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (!p->ohead && !p->holding)
		drain_ready(p);
	rq_node *n = p->ohead;
	if (!n)
		return 0;
	p->ohead = n->next;
	if (!p->ohead)
		p->otail = NULL;
	*out = n->rep;
	free(n);
	return 1;
}

CS_EXPORT void crashsig_parser_free(crashsig_parser *p)
{
	if (!p)
		return;
	if (p->ex[0])
		ex_free(p->ex[0]);
	if (p->ex[1]) {
		ex_free(p->ex[1]);
		free(p->ex[1]);
	}
	while (p->ohead) {
		rq_node *n = p->ohead;
		p->ohead = n->next;
		crashsig_report_free(n->rep);
		free(n);
	}
	cs_input_free(p->in);
	cs_ring_free(&p->ring);
	free(p);
}

CS_EXPORT int crashsig_parse_buffer(crashsig_ctx *ctx, const void *data, size_t len,
				    crashsig_report ***out, size_t *count)
{
	if (!ctx || !out || !count || (!data && len))
		return CRASHSIG_EINVAL;
	*out = NULL;
	*count = 0;
	crashsig_parser *p;
	int rc = crashsig_parser_new(&p, ctx);
	if (rc)
		return rc;
	rc = crashsig_parser_feed(p, data, len);
	if (!rc)
		rc = crashsig_parser_finish(p);
	crashsig_report **v = NULL;
	size_t n = 0;
	crashsig_report *rep;
	while (!rc && crashsig_parser_next(p, &rep) == 1) {
		crashsig_report **nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			crashsig_report_free(rep);
			rc = cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
			break;
		}
		v = nv;
		v[n++] = rep;
	}
	crashsig_parser_free(p);
	if (rc) {
		crashsig_reports_free(v, n);
		return rc;
	}
	*out = v;
	*count = n;
	return 0;
}

CS_EXPORT void crashsig_reports_free(crashsig_report **reports, size_t count)
{
	if (!reports)
		return;
	for (size_t i = 0; i < count; i++)
		crashsig_report_free(reports[i]);
	free(reports);
}
