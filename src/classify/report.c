/*
 * Titles: classify a crash block with the rules. For the crash kind that
 * opened the block, the formats are tried in order; the first whose `match`
 * regex matches the block gives the title template, the guilty frame is
 * found by the format's `frame` sources, and the title is sanitized, typed
 * and given its alternative titles. The report object's accessors and its
 * stacks (parsed on first use) are in report_object.c.
 */
#include "classify/report.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

#include "base/ctx.h"
#include "classify/frames.h"

static const char *line_at(const cs_block *b, size_t i, size_t *len)
{
	size_t s = b->lines[i];
	size_t e = i + 1 < b->nlines ? b->lines[i + 1] : b->text.len;
	if (e > s && b->text.data[e - 1] == '\n')
		e--;
	*len = e - s;
	return b->text.data + s;
}

/* Append group g of a match (ovector ov, n groups) of subject; an unset or
 * missing group appends nothing. */
static int append_group(cs_buf *out, const char *subject, const PCRE2_SIZE *ov,
			int n, int g)
{
	if (g >= n || ov[2 * g] == PCRE2_UNSET)
		return 0;
	return cs_buf_add(out, subject + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* Append replacement text repl, with $0..$9 taken from the match. */
static int append_repl(cs_buf *out, const char *repl, const char *subject,
		       const PCRE2_SIZE *ov, int n)
{
	for (const char *t = repl; *t; t++) {
		int rc;
		if (*t == '$' && cs_isdigit((unsigned char)t[1]))
			rc = append_group(out, subject, ov, n, *++t - '0');
		else
			rc = cs_buf_addc(out, *t);
		if (rc)
			return CRASHSIG_ENOMEM;
	}
	return 0;
}

/* A sanitized title never grows past this (or its input's length, when
 * longer): replacements that grow the title, repeated until stable and
 * rule after rule, would otherwise grow it exponentially (fuzz_rules). */
#define CS_TITLE_GROW_MAX 4096

/* Replace every match of re in in by repl ($0..$9); result in out. */
static int subst_all(const cs_subst *s, const char *in, size_t inlen,
		     const cs_bytes *have, pcre2_match_data *md, cs_buf *out)
{
	cs_buf_clear(out);
	size_t pos = 0, copied = 0;
	size_t cap = inlen > CS_TITLE_GROW_MAX ? inlen : CS_TITLE_GROW_MAX;
	/* (most titles hold nothing a sanitize rule replaces) */
	if (!cs_re_maybe_in(&s->re, in, inlen, have))
		pos = inlen + 1;
	while (pos <= inlen) {
		int rc = cs_re_exec(&s->re, in, inlen, pos, md);
		if (rc <= 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (cs_buf_add(out, in + copied, ov[0] - copied) ||
		    append_repl(out, s->repl, in, ov, rc))
			return CRASHSIG_ENOMEM;
		copied = ov[1];
		pos = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
		if (out->len > cap) {
			out->data[out->len = cap] = 0;
			copied = inlen;
			break;
		}
	}
	if (copied < inlen && cs_buf_add(out, in + copied,
					 inlen - copied < cap - out->len ? inlen - copied
									 : cap - out->len))
		return CRASHSIG_ENOMEM;
	if (!out->data && cs_buf_reserve(out, 0))
		return CRASHSIG_ENOMEM;
	return 0;
}

/* The last step of every title (syzkaller pkg/report/report.go:
 * sanitizeTitle): of its first 120 bytes (interleaved lines can be very
 * long), tabs become blanks, other control bytes and non-ASCII bytes are
 * dropped, runs of blanks collapse to one, and the ends are trimmed. */
static int clean_title(cs_buf *out, const char *s, size_t n)
{
	char prev = ' ';
	if (n > 120)
		n = 120;
	if (cs_buf_reserve(out, n))
		return CRASHSIG_ENOMEM;
	char *d = out->data + out->len;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '\t')
			ch = ' ';
		else if ((unsigned char)ch < 0x20 || (unsigned char)ch >= 0x7f)
			continue;
		if (ch == ' ' && prev == ' ')
			continue;
		*d++ = ch;
		prev = ch;
	}
	out->len = (size_t)(d - out->data);
	while (out->len && out->data[out->len - 1] == ' ')
		out->len--;
	out->data[out->len] = 0;
	return 0;
}

/* cs_title_sanitize with the caller's match data (10 pairs) and two work
 * buffers (their contents are replaced). */
static int title_sanitize(const cs_rules *r, const char *in, cs_buf *out,
			  pcre2_match_data *md, cs_buf *cur, cs_buf *tmp)
{
	cs_buf_clear(cur);
	cs_buf_clear(tmp);
	int rc = cs_buf_adds(cur, in);
	cs_bytes have; /* the bytes of cur */
	if (!rc)
		cs_bytes_of(cur->data, cur->len, &have);
	for (size_t i = 0; i < r->nsanitize && !rc; i++) {
		/* (most titles hold nothing most rules replace: no copy then) */
		if (!cs_re_maybe_in(&r->sanitize[i].re, cur->data, cur->len, &have))
			continue;
		/* Matches may overlap ("0,1,2"): repeat until stable. */
		for (int k = 0; k < 4 && !rc; k++) {
			rc = subst_all(&r->sanitize[i], cur->data, cur->len, &have, md, tmp);
			if (rc)
				break;
			int same = tmp->len == cur->len && !memcmp(tmp->data, cur->data, cur->len);
			cs_buf t = *cur;
			*cur = *tmp;
			*tmp = t;
			if (!same)
				cs_bytes_of(cur->data, cur->len, &have);
			if (same)
				break;
		}
	}
	if (rc)
		return rc;
	cs_buf_clear(out);
	return clean_title(out, cur->data, cur->len);
}

int cs_title_sanitize(const cs_rules *r, const char *in, cs_buf *out)
{
	pcre2_match_data *md = pcre2_match_data_create(10, NULL);
	if (!md)
		return CRASHSIG_ENOMEM;
	cs_buf cur = {0}, tmp = {0};
	int rc = title_sanitize(r, in, out, md, &cur, &tmp);
	pcre2_match_data_free(md);
	cs_buf_free(&cur);
	cs_buf_free(&tmp);
	return rc;
}

/* Rust v0 (_R...) and C++ (_Z...) symbols as their source spells them
 * ("<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap");
 * malloc'd, or NULL for other names. */
static char *demangle(const char *func)
{
	if (func[0] == '_' && func[1] == 'R')
		return rust_demangle(func, 0);
	if (func[0] == '_' && func[1] == 'Z')
		return cplus_demangle_v3(func, 0);
	return NULL;
}

/* cs_title_func with the caller's match data (of 4 pairs, as its own: a
 * larger one would report groups past the 3rd), or NULL for its own. */
static int title_func(const cs_rules *r, const char *func, cs_buf *out,
		      pcre2_match_data *given)
{
	char *dm = demangle(func);
	if (dm) {
		cs_buf_clear(out);
		int e = cs_buf_adds(out, dm);
		free(dm);
		return e;
	}
	size_t n = cs_func_base_len(func, strlen(func));
	cs_buf_clear(out);
	if (cs_re_ok(&r->frame_norm)) {
		pcre2_match_data *md = given ? given : pcre2_match_data_create(4, NULL);
		if (!md)
			return CRASHSIG_ENOMEM;
		int rc = cs_re_exec(&r->frame_norm, func, n, 0, md);
		if (rc > 1) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			int g = 1;
			while (g < rc && ov[2 * g] == PCRE2_UNSET)
				g++;
			if (g < rc) {
				int e = cs_buf_add(out, func, ov[2 * g]) ||
					cs_buf_add(out, func + ov[2 * g + 1], n - ov[2 * g + 1]);
				if (!given)
					pcre2_match_data_free(md);
				return e ? CRASHSIG_ENOMEM : 0;
			}
		}
		if (!given)
			pcre2_match_data_free(md);
	}
	return cs_buf_add(out, func, n);
}

int cs_title_func(const cs_rules *r, const char *func, cs_buf *out)
{
	return title_func(r, func, out, NULL);
}

/* A line's frame (frame_func) and classes (line_is), once per report. */
struct fcache_ent {
	unsigned char state; /* 0 not parsed, 1 no frame, 2 frame */
	unsigned char cls;   /* LINE_* bits, see line_is() */
	unsigned flags;
	uint32_t off;        /* function name in fnames */
	uint32_t coff;       /* arm callee name in fnames, or UINT32_MAX */
};

/* What building a report borrows from its context (crashsig_ctx.build, one
 * thread at a time) and gives back: match data, the line cache and the
 * working buffers are allocated once per context instead of once per
 * report. A buffer that grew past CS_SCRATCH_KEEP bytes (a huge report's)
 * is freed when given back. */
#define CS_SCRATCH_KEEP (64u << 10)
struct cs_build_scratch {
	pcre2_match_data *md, *md2; /* 10 pairs: classify.md, classify.md2 */
	pcre2_match_data *md_san;   /* 10 pairs: title_sanitize */
	pcre2_match_data *md_func;  /* 4 pairs: title_func */
	struct fcache_ent *fcache;
	size_t fcache_cap;
	cs_buf fnames, renamed_from, frame, title, tfunc, tmp, stitle;
	cs_buf san_cur, san_tmp, alt; /* used in place */
};

void cs_build_scratch_free(struct cs_build_scratch *S)
{
	if (!S)
		return;
	pcre2_match_data_free(S->md);
	pcre2_match_data_free(S->md2);
	pcre2_match_data_free(S->md_san);
	pcre2_match_data_free(S->md_func);
	free(S->fcache);
	cs_buf *bufs[] = {&S->fnames, &S->renamed_from, &S->frame, &S->title, &S->tfunc,
			  &S->tmp,    &S->stitle,       &S->san_cur, &S->san_tmp, &S->alt};
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		cs_buf_free(bufs[i]);
	free(S);
}

static struct cs_build_scratch *scratch_get(crashsig_ctx *ctx)
{
	if (ctx->build)
		return ctx->build;
	struct cs_build_scratch *S = calloc(1, sizeof(*S));
	if (!S)
		return NULL;
	S->md = pcre2_match_data_create(10, NULL);
	S->md2 = pcre2_match_data_create(10, NULL);
	S->md_san = pcre2_match_data_create(10, NULL);
	S->md_func = pcre2_match_data_create(4, NULL);
	if (!S->md || !S->md2 || !S->md_san || !S->md_func) {
		cs_build_scratch_free(S);
		return NULL;
	}
	return ctx->build = S;
}

/* Take the buffer of slot (emptied); give_back returns it. */
static cs_buf borrow(cs_buf *slot)
{
	cs_buf b = *slot;
	*slot = (cs_buf){0};
	cs_buf_clear(&b);
	return b;
}

static void give_back(cs_buf *slot, cs_buf *b)
{
	if (b->cap > CS_SCRATCH_KEEP)
		cs_buf_free(b);
	cs_buf_clear(b);
	*slot = *b;
	*b = (cs_buf){0};
}

/* A buffer used in place: trimmed the same way after each report. */
static void trim(cs_buf *b)
{
	if (b->cap > CS_SCRATCH_KEEP)
		cs_buf_free(b);
}

typedef struct classify {
	crashsig_ctx *ctx;
	const cs_rules *r;
	const cs_block *b;
	const cs_format *f;
	struct cs_build_scratch *S;
	pcre2_match_data *md;
	pcre2_match_data *md2;
	int matched_groups;
	PCRE2_SIZE ov[20];
	cs_buf renamed_from; /* frame as printed when a rule renamed it */
	int frame_from_ip;   /* the frame came from the faulting pc line */
	size_t group_line;   /* +1: line of the match group that gave the frame */
	struct fcache_ent *fcache; /* S->fcache once used, b->nlines entries */
	cs_buf fnames;
	/* answers of the global skip table by function name: the context's
	 * memo (see base/ctx.h), or this one when it could not be allocated */
	struct cs_skip_memo *memo;
	size_t memo_mask;
	size_t *memo_fill;
	size_t own_fill;
	/* (from here on not zeroed: scratch, and a memo zeroed when used) */
	char fbuf[1024];
	struct cs_skip_memo own_memo[256];
} classify;

static int hit(classify *c, const cs_re *re, const char *s, size_t n)
{
	return cs_re_match(re, s, n, 0, c->md2);
}

/* hit for a long text that seldom holds one of re's required literals:
 * the literal scan answers most texts without the matcher (cs_re_match
 * scans only short subjects first). */
static int hit_rare(classify *c, const cs_re *re, const char *s, size_t n)
{
	const cs_re_lits *lits = cs_re_required_lits(re);
	if (lits && cs_re_lits_find(lits, s, n) == n)
		return 0;
	return hit(c, re, s, n);
}

/* 64-bit FNV-1a hash of the n bytes of name, as a memo key (CS_MEMO_KEY). */
static uint64_t name_key(const char *name, size_t n)
{
	uint64_t key = 1469598103934665603ull ^ n;
	for (size_t i = 0; i < n; i++)
		key = (key ^ (unsigned char)name[i]) * 1099511628211ull;
	return CS_MEMO_KEY(key);
}

/* The memo's slot of key (*found set), or the slot to write it to: open
 * addressing, 8 probes, then the first probed slot is taken over. */
static struct cs_skip_memo *memo_slot(classify *c, uint64_t key, int *found)
{
	size_t home = (size_t)(key ^ (key >> 29)) & c->memo_mask, i = home;
	for (int k = 0; k < 8; k++, i = (i + 1) & c->memo_mask) {
		struct cs_skip_memo *m = &c->memo[i];
		if ((m->word & ~3ull) == key) {
			*found = 1;
			return m;
		}
		if (!m->word) {
			*found = 0;
			(*c->memo_fill)++;
			return m;
		}
	}
	*found = 0;
	return &c->memo[home];
}

/* Put entry e into the table m (mask + 1 entries, larger than the one e
 * comes from), into the slot memo_slot() would find it in; 0 when its 8
 * probes are taken (the answer is dropped). */
static int memo_move(struct cs_skip_memo *m, size_t mask, const struct cs_skip_memo *e)
{
	uint64_t key = e->word & ~3ull;
	size_t i = (size_t)(key ^ (key >> 29)) & mask;
	for (int k = 0; k < 8; k++, i = (i + 1) & mask)
		if (!m[i].word) {
			m[i] = *e;
			return 1;
		}
	return 0;
}

/* Skip patterns see the function name without compiler suffixes
 * (".constprop.0", ".isra.3", ".cold", ...). */
static int skipped(classify *c, const char *func)
{
	size_t n = cs_func_base_len(func, strlen(func));
	if (!n)
		return 1;
	uint64_t key = name_key(func, n);
	int found;
	struct cs_skip_memo *m = memo_slot(c, key, &found);
	if (!found) {
		/* corrupt-frame functions (fault injection's own stack dump)
		 * never name a crash either: syzkaller stops reading a stack
		 * at them (pkg/report/linux.go: linuxStackParams.corruptedLines) */
		m->word = key | (uint64_t)(hit(c, &c->r->skip, func, n) ||
					   (cs_re_ok(&c->r->corrupt_frame) &&
					    hit(c, &c->r->corrupt_frame, func, n)));
	}
	if (m->word & 3)
		return 1;
	if (!c->f->nskip)
		return 0;
	/* the format's own skip patterns, memoized the same way under a key
	 * of the name and the format (formats live as long as the context) */
	uint64_t fkey = CS_MEMO_KEY(key ^ ((uint64_t)(uintptr_t)c->f * 0x9e3779b97f4a7c15ull));
	struct cs_skip_memo *fm = memo_slot(c, fkey, &found);
	if (!found) {
		int sk = 0;
		for (size_t i = 0; i < c->f->nskip && !sk; i++)
			sk = hit(c, &c->f->skip[i], func, n) > 0;
		fm->word = fkey | (uint64_t)sk;
	}
	return (int)(fm->word & 3);
}

/* Does line i parse as a usable frame? Returns the function or NULL. */
enum {
	LINE_TRACE_KNOWN = 1, LINE_TRACE = 2, LINE_END_KNOWN = 4, LINE_END = 8,
	LINE_START_KNOWN = 16, LINE_START = 32,
};

static int ensure_fcache(classify *c);


/* Does line i open a call trace (LINE_TRACE), end one (LINE_END) or start
 * a stack in syzbot's sense (LINE_START, the stack-start table)? The
 * answers are cached: the frame sources ask about the same lines often. */
static int line_is(classify *c, size_t i, unsigned what)
{
	if (ensure_fcache(c))
		return 0;
	struct fcache_ent *e = &c->fcache[i];
	unsigned known = what == LINE_TRACE ? LINE_TRACE_KNOWN
			 : what == LINE_END ? LINE_END_KNOWN
					    : LINE_START_KNOWN;
	if (!(e->cls & known)) {
		size_t len;
		const char *l = line_at(c->b, i, &len);
		const cs_re *re = what == LINE_TRACE ? &c->r->call_trace
				  : what == LINE_END ? &c->r->stack_end
						     : &c->r->stack_start;
		e->cls |= (unsigned char)(known | (hit(c, re, l, len) ? what : 0));
	}
	return (e->cls & what) != 0;
}

static int ensure_fcache(classify *c)
{
	if (!c->fcache) {
		struct cs_build_scratch *S = c->S;
		size_t n = c->b->nlines ? c->b->nlines : 1;
		if (cs_reserve((void **)&S->fcache, &S->fcache_cap, n, sizeof(*S->fcache)))
			return CRASHSIG_ENOMEM;
		memset(S->fcache, 0, n * sizeof(*S->fcache));
		c->fcache = S->fcache;
	}
	return 0;
}

/* Parse line i into its cache entry (frame_func). */
static __attribute__((noinline)) void parse_line(classify *c, size_t i)
{
	struct fcache_ent *e = &c->fcache[i];
	size_t len;
	const char *l = line_at(c->b, i, &len);
	crashsig_frame f;
	crashsig_frame callee;
	e->state = 1;
	e->coff = UINT32_MAX;
	if (!cs_frame_parse_ex(l, len, &f, &callee, c->fbuf, sizeof(c->fbuf)))
		return;
	/* (room for the names of most blocks at once, rather than doubling
	 * from 64 bytes: the frame lines are a part of the block) */
	if (!c->fnames.cap)
		(void)cs_buf_reserve(&c->fnames, c->b->text.len / 4); /* (else: below) */
	/* (names are found by 32-bit offsets: a block is 4 MiB at most; past
	 * that, no frame) */
	if (callee.func) {
		size_t cl = strlen(callee.func);
		if (c->fnames.len + cl >= UINT32_MAX)
			return;
		e->coff = (uint32_t)c->fnames.len;
		if (cs_buf_add(&c->fnames, callee.func, cl + 1))
			return; /* (out of memory: no frame) */
	}
	/* skip patterns see demangled names */
	char *dm = demangle(f.func);
	const char *name = dm ? dm : f.func;
	size_t fl = strlen(name);
	cs_buf *fn = &c->fnames;
	e->off = (uint32_t)fn->len;
	int bad = 0;
	if (fn->len + fl >= UINT32_MAX) {
		bad = 1;
	} else if (fn->cap - fn->len > fl + 1) {
		/* (cs_buf_add in place while there is room) */
		memcpy(fn->data + fn->len, name, fl + 1);
		fn->len += fl + 1;
		fn->data[fn->len] = 0;
	} else {
		bad = cs_buf_add(fn, name, fl + 1);
	}
	if (dm)
		free(dm);
	if (bad)
		return;
	e->flags = f.flags;
	e->state = 2;
}

/* Does line i parse as a frame? Returns its function (owned by c) or NULL.
 * Lines are parsed once per block: the frame sources walk them many times. */
static inline const char *frame_func(classify *c, size_t i, unsigned *flags)
{
	if (!c->fcache && ensure_fcache(c))
		return NULL;
	struct fcache_ent *e = &c->fcache[i];
	if (!e->state)
		parse_line(c, i);
	if (e->state != 2)
		return NULL;
	*flags = e->flags;
	return c->fnames.data + e->off;
}

/* The arm callee of line i ("[<pc>] (A) from [<lr>] (B+...)": A), which
 * comes before the line's frame B; NULL for other lines. */
static const char *frame_callee(classify *c, size_t i)
{
	unsigned fl;
	if (!frame_func(c, i, &fl) || c->fcache[i].coff == UINT32_MAX ||
	    (fl & CRASHSIG_FRAME_UNRELIABLE))
		return NULL;
	return c->fnames.data + c->fcache[i].coff;
}

int cs_is_stack_marker(const char *l, size_t len)
{
	while (len && *l == ' ') {
		l++;
		len--;
	}
	return len >= 3 && l[0] == '<' && l[len - 1] == '>' && len < 12;
}



/* Scan frames starting at line i; returns first acceptable frame function
 * (copied into out) or 0. Stops at the end of the trace. */
static int scan_trace(classify *c, size_t i, cs_buf *out, int part)
{
	int seen = 0;
	for (; i < c->b->nlines; i++) {
		size_t len;
		const char *l = line_at(c->b, i, &len);
		unsigned fl = 0;
		const char *fn = frame_func(c, i, &fl);
		if (fn && (fl & CRASHSIG_FRAME_IP) && !*fn)
			fn = NULL; /* user-mode RIP */
		if (!fn) {
			if (cs_is_stack_marker(l, len))
				continue;
			/* An exception's register dump interrupts a trace, which
			 * goes on after it; the trace ends at stack-end lines or
			 * where the next trace begins. */
			if (seen && (line_is(c, i, LINE_END) || line_is(c, i, LINE_TRACE)))
				return 0;
			/* frames after a line (syzkaller: a part followed by
			 * parseStackTrace) end at the next stack start, even
			 * before the first one: "Call Trace:" there is the
			 * next part (a "frame trace" step), "Allocated by
			 * task N:" another stack */
			if (part && line_is(c, i, LINE_START))
				return 0;
			continue;
		}
		seen = 1;
		const char *ce = frame_callee(c, i);
		if (ce && !skipped(c, ce)) {
			cs_buf_clear(out);
			return cs_buf_adds(out, ce) ? CRASHSIG_ENOMEM : 1;
		}
		/* "? func" frames are stale stack contents, not calls */
		if (fl & (CRASHSIG_FRAME_INLINE | CRASHSIG_FRAME_UNRELIABLE))
			continue;
		if (skipped(c, fn))
			continue;
		cs_buf_clear(out);
		return cs_buf_adds(out, fn) ? CRASHSIG_ENOMEM : 1;
	}
	return 0;
}

/* The first line from line i on that holds one of lits, or nlines: the
 * only lines a regex every match of which holds one of them can match. */
static size_t next_lit_line(const cs_block *b, const cs_re_lits *lits, size_t i)
{
	if (i >= b->nlines)
		return b->nlines;
	size_t off = b->lines[i];
	size_t pos = off + cs_re_lits_find(lits, b->text.data + off, b->text.len - off);
	if (pos >= b->text.len)
		return b->nlines;
	while (i + 1 < b->nlines && b->lines[i + 1] <= pos)
		i++;
	return i;
}

/* First line that opens a call trace. The call-trace table holds a literal
 * in every match ("Call Trace", "Backtrace", ...): one scan of the report
 * finds the lines that hold one, only those are matched, and the lines
 * before them are known to open none (line_is asked line by line gives
 * the same answers, each line's literal search apart). */
static int first_trace(classify *c, size_t *at)
{
	const cs_block *b = c->b;
	const cs_re_lits *lits = cs_re_required_lits(&c->r->call_trace);
	if (lits && ensure_fcache(c))
		lits = NULL;
	for (size_t i = 0; i < b->nlines; i++) {
		if (lits) {
			size_t j = next_lit_line(b, lits, i);
			for (; i < j; i++)
				c->fcache[i].cls |= LINE_TRACE_KNOWN;
			if (i == b->nlines)
				break;
		}
		if (line_is(c, i, LINE_TRACE)) {
			*at = i;
			return 1;
		}
	}
	return 0;
}

static int line_hit(classify *c, const cs_re *re, size_t i)
{
	size_t len;
	const char *l = line_at(c->b, i, &len);
	return hit(c, re, l, len);
}

/* The first line from line `from` on that re matches, or nlines; with
 * re's required literals, only the lines that hold one are matched. */
static size_t next_line_hit(classify *c, const cs_re *re, size_t from)
{
	const cs_block *b = c->b;
	const cs_re_lits *lits = cs_re_required_lits(re);
	for (size_t i = from; i < b->nlines; i++) {
		if (lits && (i = next_lit_line(b, lits, i)) == b->nlines)
			break;
		if (line_hit(c, re, i))
			return i;
	}
	return b->nlines;
}

static int find_line(classify *c, const cs_re *re, size_t *at)
{
	size_t i = next_line_hit(c, re, 0);
	if (i == c->b->nlines)
		return 0;
	*at = i;
	return 1;
}

/* The function of a frame slot of stall_frame(). */
static const char *slot_func(classify *c, size_t slot)
{
	unsigned fl;
	return slot & 1 ? frame_callee(c, slot / 2) : frame_func(c, slot / 2, &fl);
}

/* Is name (after frame-norm) a stall dispatcher? Bit 0 of the answer;
 * bit 1: it is an smp_call_function* one. Memoized under a key of the
 * whole name (title_func sees its suffixes too). */
static int stall_anchor(classify *c, const char *name, cs_buf *canon)
{
	uint64_t key = name_key(name, strlen(name));
	key = CS_MEMO_KEY((key ^ 0xa0761d6478bd642full) * 0xe7037ed1a0b428dbull);
	int found;
	struct cs_skip_memo *m = memo_slot(c, key, &found);
	if (found)
		return (int)(m->word & 3);
	if (title_func(c->r, name, canon, c->S->md_func))
		return -1;
	int a = hit(c, &c->r->stall_anchor, canon->data, canon->len);
	if (a && strstr(canon->data, "smp_call_function"))
		a |= 2;
	m->word = key | (uint64_t)a;
	return a;
}

/* Stalls (RCU stalls, soft lockups, stack overflows) loop somewhere below a
 * dispatcher, and the CPU is caught at a random point of the loop; a frame
 * near the dispatcher names the stall instead (syzkaller
 * pkg/report/linux.go: linuxStallFrameExtractor and the stack parts of the
 * stall formats). The frame list is read as syzbot reads it: the parts of
 * st (advance past a line, the instruction pointer line as a frame, advance
 * past a call-trace line), then the frames up to the next stack-start line,
 * without skipped, "? " and [inline] frames. The frame just above the first
 * dispatcher (stall-anchor, matched on the normalized name) names the stall;
 * the dispatcher itself when it is the first frame, and any
 * smp_call_function* dispatcher as "smp_call_function". No dispatcher: no
 * frame (syzbot says corrupted). */
static int stall_frame(classify *c, const cs_step *st, cs_buf *out)
{
	size_t n = c->b->nlines, i = 0;
	size_t *fr = NULL; /* frames, top first: 2 * line, + 1 for an arm callee */
	size_t nfr = 0, cap = 0;
	int rc = 0;
	/* the parts read before the frame list */
	for (size_t p = 0; p < st->nparts && i < n && !rc; p++, i++) {
		for (; i < n; i++) {
			if (st->parts[p] == CS_PART_FROM) {
				/* the next line the part's regex matches that is
				 * no "? " frame: those are not in the report
				 * syzbot reads (pkg/report/linux.go:
				 * stripLinePrefix) */
				if ((i = next_line_hit(c, &st->re, i)) == n)
					break;
				unsigned fl = 0;
				const char *fn = frame_func(c, i, &fl);
				if (!(fn && (fl & CRASHSIG_FRAME_UNRELIABLE)))
					break;
				continue;
			}
			if (st->parts[p] == CS_PART_TRACE) {
				if (line_is(c, i, LINE_TRACE))
					break;
				continue;
			}
			unsigned fl = 0;
			const char *fn = frame_func(c, i, &fl);
			if (fn && (fl & CRASHSIG_FRAME_IP) && !(fl & CRASHSIG_FRAME_INLINE)) {
				if (*fn && !skipped(c, fn)) {
					if ((rc = cs_reserve((void **)&fr, &cap, nfr + 1, sizeof(*fr))))
						break;
					fr[nfr++] = 2 * i;
				}
				break;
			}
		}
	}
	/* the frames up to the next stack start */
	for (; i < n && !rc; i++) {
		if (line_is(c, i, LINE_START))
			break;
		unsigned fl = 0;
		const char *fn = frame_func(c, i, &fl);
		const char *ce = frame_callee(c, i);
		if (ce && !skipped(c, ce)) {
			if ((rc = cs_reserve((void **)&fr, &cap, nfr + 1, sizeof(*fr))))
				break;
			fr[nfr++] = 2 * i + 1;
		}
		if (!fn || !*fn ||
		    (fl & (CRASHSIG_FRAME_IP | CRASHSIG_FRAME_LR | CRASHSIG_FRAME_INLINE |
			   CRASHSIG_FRAME_UNRELIABLE)) ||
		    skipped(c, fn))
			continue;
		if ((rc = cs_reserve((void **)&fr, &cap, nfr + 1, sizeof(*fr))))
			break;
		fr[nfr++] = 2 * i;
	}
	cs_buf canon = {0};
	for (size_t j = 0; j < nfr && !rc; j++) {
		int a = stall_anchor(c, slot_func(c, fr[j]), &canon);
		if (a < 0) {
			rc = CRASHSIG_ENOMEM;
			break;
		}
		if (!a)
			continue;
		int smp = (a & 2) != 0;
		const char *pick = smp ? "smp_call_function" : slot_func(c, fr[j ? j - 1 : 0]);
		cs_buf_clear(&c->renamed_from);
		if (smp && cs_buf_adds(&c->renamed_from, slot_func(c, fr[j]))) {
			rc = CRASHSIG_ENOMEM;
			break;
		}
		cs_buf_clear(out);
		rc = cs_buf_adds(out, pick) ? CRASHSIG_ENOMEM : 1;
	}
	cs_buf_free(&canon);
	free(fr);
	return rc;
}

/* The first frame of the first trace that matches st->re, named st->name
 * when given (groups many callers of one primitive into one bucket). */
static int first_frame(classify *c, const cs_step *st, cs_buf *out)
{
	/* from the header: the instruction pointer of the looping task
	 * (RIP before "Call Trace:") counts as the top of its trace */
	int traced = 0;
	for (size_t i = 0; i < c->b->nlines; i++) {
		unsigned fl = 0;
		const char *fn = frame_func(c, i, &fl);
		if (!fn || !*fn) {
			if (line_is(c, i, LINE_TRACE)) {
				if (traced)
					break;
				traced = 1;
			} else if (traced && line_is(c, i, LINE_END)) {
				break;
			}
			continue;
		}
		const char *ce = frame_callee(c, i);
		if (ce && hit(c, &st->re, ce, strlen(ce))) {
			cs_buf_clear(out);
			cs_buf_clear(&c->renamed_from);
			if (st->name && cs_buf_adds(&c->renamed_from, ce))
				return CRASHSIG_ENOMEM;
			return cs_buf_adds(out, st->name ? st->name : ce) ? CRASHSIG_ENOMEM : 1;
		}
		if (fl & (CRASHSIG_FRAME_INLINE | CRASHSIG_FRAME_UNRELIABLE))
			continue;
		if (hit(c, &st->re, fn, strlen(fn))) {
			cs_buf_clear(out);
			cs_buf_clear(&c->renamed_from);
			if (st->name && cs_buf_adds(&c->renamed_from, fn))
				return CRASHSIG_ENOMEM;
			return cs_buf_adds(out, st->name ? st->name : fn) ? CRASHSIG_ENOMEM : 1;
		}
	}
	return 0;
}

/* Some reports print their stack without a "Call Trace:" line (KMSAN,
 * KFENCE, KCSAN): any stack frame after the header counts. */
static int has_stack_frames(classify *c)
{
	/* with a "Call Trace:" line, that trace must have a reliable frame
	 * before it ends ("? " frames are stack garbage) */
	size_t from = 1, at;
	int traced = first_trace(c, &at);
	if (traced)
		from = at + 1;
	for (size_t i = from; i < c->b->nlines; i++) {
		unsigned fl = 0;
		const char *fn = frame_func(c, i, &fl);
		if (fn && *fn &&
		    !(fl & (CRASHSIG_FRAME_IP | CRASHSIG_FRAME_LR | CRASHSIG_FRAME_UNRELIABLE)))
			return 1;
		if (traced && !fn && line_is(c, i, LINE_END))
			return 0;
	}
	return 0;
}

/* Output of another task (fault injection dumps its own stack) printed
 * above the frame that names the crash means the title may come from the
 * wrong stack: is there a corrupt-frame or corrupt-line before line
 * `until`? */
static int interleaved(classify *c, size_t until)
{
	if (until > c->b->nlines)
		until = c->b->nlines;
	/* the lines above `until` in one scan (a multi-line table) */
	if (until && hit_rare(c, &c->r->corrupt_line, c->b->text.data,
			 until < c->b->nlines ? c->b->lines[until] : c->b->text.len))
		return 1;
	for (size_t i = 0; cs_re_ok(&c->r->corrupt_frame) && i < until; i++) {
		unsigned fl = 0;
		const char *fn = frame_func(c, i, &fl);
		if (fn && *fn && !(fl & CRASHSIG_FRAME_UNRELIABLE) &&
		    hit(c, &c->r->corrupt_frame, fn, cs_func_base_len(fn, strlen(fn))))
			return 1;
	}
	return 0;
}

/* Line of the first non-inline frame named func (the guilty frame). */
static size_t frame_line(classify *c, const char *func)
{
	for (size_t i = 0; i < c->b->nlines; i++) {
		unsigned fl = 0;
		const char *fn = frame_func(c, i, &fl);
		if (fn && !(fl & CRASHSIG_FRAME_INLINE) && !strcmp(fn, func))
			return i;
		const char *ce = frame_callee(c, i);
		if (ce && !strcmp(ce, func))
			return i;
	}
	return 0; /* from the header line */
}

/* A pc line that prints a NULL pc as "(null)" (%pS before 4.20): the forms
 * syzkaller's linuxRipFrame accepts, "RIP: 0010:          (null)" and
 * "RIP: 0010:[<0000000000000000>]  [<          (null)>]           (null)".
 * They name no function but are the first pc line all the same. */
static int null_pc_line(const char *l, size_t len)
{
	static const char *const pfx[] = {"RIP: ", "EIP: ", "IP: ", "NIP ", "pc : ",
					  "PC is at "};
	const char *e = l + len;
	while (l < e && *l == ' ')
		l++;
	size_t k, n = 0;
	for (k = 0; k < sizeof(pfx) / sizeof(pfx[0]); k++) {
		n = strlen(pfx[k]);
		if ((size_t)(e - l) >= n && !memcmp(l, pfx[k], n))
			break;
	}
	if (k == sizeof(pfx) / sizeof(pfx[0]))
		return 0;
	l += n;
	const char *p = l;
	while (p < e && cs_isdigit((unsigned char)*p))
		p++;
	int seg = p > l && p < e && *p == ':';
	if (seg)
		l = p + 1;
	if (l < e && *l == '[') {
		/* [<pc>] [<  (null)>] (null) */
		p = l + 1;
		if (p < e && *p == '<')
			p++;
		if (e - p >= 2 && p[0] == '0' && p[1] == 'x')
			p += 2;
		const char *h = p;
		while (p < e && cs_isxdigit((unsigned char)*p))
			p++;
		if (p == h)
			return 0;
		if (p < e && *p == '>')
			p++;
		if (p >= e || *p != ']')
			return 0;
		p++;
		if (p >= e || *p != ' ')
			return 0;
		while (p < e && *p == ' ')
			p++;
		if (e - p < 3 || memcmp(p, "[<", 2))
			return 0;
		p += 2;
		while (p < e && *p == ' ')
			p++;
		if (e - p < 8 || memcmp(p, "(null)>]", 8))
			return 0;
		p += 8;
		if (p >= e || *p != ' ')
			return 0;
		while (p < e && *p == ' ')
			p++;
		return e - p >= 6 && !memcmp(p, "(null)", 6);
	}
	/* NN: (null) */
	if (!seg || l >= e || *l != ' ')
		return 0;
	while (l < e && *l == ' ')
		l++;
	return e - l >= 6 && !memcmp(l, "(null)", 6);
}

/* Run the format's frame sources; 1 and out set when found. */
static int run_steps(classify *c, const cs_step *steps, size_t nsteps, cs_buf *out)
{
	for (size_t s = 0; s < nsteps; s++) {
		const cs_step *st = &steps[s];
		int rc = 0;
		size_t at;
		switch (st->kind) {
		case CS_STEP_GROUP:
			if (st->group < c->matched_groups &&
			    c->ov[2 * st->group] != PCRE2_UNSET) {
				size_t n = c->ov[2 * st->group + 1] - c->ov[2 * st->group];
				cs_buf_clear(out);
				if (cs_buf_add(out, c->b->text.data + c->ov[2 * st->group], n))
					return CRASHSIG_ENOMEM;
				/* symbolized headers: "at f file.c:12 [inline]" */
				const char *cs0 = c->b->text.data + c->ov[2 * st->group];
				const char *eol = memchr(cs0, '\n', c->b->text.len - c->ov[2 * st->group]);
				size_t rest = eol ? (size_t)(eol - cs0) : strlen(cs0);
				crashsig_frame fr;
				if (cs_frame_parse(cs0, rest, &fr, c->fbuf, sizeof(c->fbuf)) &&
				    (fr.flags & CRASHSIG_FRAME_INLINE))
					break;
				if (n && (st->verbatim || !skipped(c, out->data))) {
					/* the frame's own line, for the interleaving
					 * check (a function of a lock line may come
					 * again, lower, in another stack) */
					size_t lo = 0, hi = c->b->nlines;
					while (hi - lo > 1) {
						size_t mid = (lo + hi) / 2;
						if (c->b->lines[mid] <= c->ov[2 * st->group])
							lo = mid;
						else
							hi = mid;
					}
					c->group_line = lo + 1;
					return 1;
				}
			}
			break;
		case CS_STEP_IP: {
			/* the pc line's function (syzkaller linuxRipFrame); a bare
			 * address there (a jump to NULL, a user RIP) names
			 * nothing, and the link register is no frame for syzkaller
			 * either: the call trace names it */
			for (size_t i = 0; i < c->b->nlines; i++) {
				unsigned fl = 0;
				size_t len;
				const char *l = line_at(c->b, i, &len);
				/* (neither a pc line nor a NULL one: not parsed
				 * here, most lines of a report are none) */
				if (!cs_frame_maybe_ip(l, len))
					continue;
				const char *fn = frame_func(c, i, &fl);
				if (!fn) {
					if (null_pc_line(l, len))
						break; /* a NULL pc, as a bare address */
					continue;
				}
				if (!(fl & CRASHSIG_FRAME_IP))
					continue;
				if (fl & CRASHSIG_FRAME_INLINE)
					continue; /* inline part */
				/* syzkaller reads the first pc line only: a bare
				 * address there (a jump to NULL, a user RIP) names
				 * nothing, and a later pc line (the interrupted
				 * task's "RIP:" inside an <IRQ> trace) is no more
				 * the faulting pc: the call trace names the crash */
				if (!*fn)
					break;
				if (skipped(c, fn))
					break;
				cs_buf_clear(out);
				c->frame_from_ip = 1;
				return cs_buf_adds(out, fn) ? CRASHSIG_ENOMEM : 1;
			}
			break;
		}
		case CS_STEP_TRACE:
			if (first_trace(c, &at))
				rc = scan_trace(c, at + 1, out, 0);
			break;
		case CS_STEP_AFTER:
			if (find_line(c, &st->re, &at))
				rc = scan_trace(c, at + 1, out, 1);
			break;
		case CS_STEP_ANY:
			rc = scan_trace(c, 0, out, 0);
			break;
		case CS_STEP_STALL:
			rc = stall_frame(c, st, out);
			break;
		case CS_STEP_FIRST:
			rc = first_frame(c, st, out);
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int guilty_frame(classify *c, cs_buf *out)
{
	return run_steps(c, c->f->steps, c->f->nsteps, out);
}

/* Expand a title template ($1..$9, {FRAME}, {ORIGIN}). */
static int expand_template(classify *c, const char *tmpl, const char *frame,
			   cs_buf *out)
{
	cs_buf_clear(out);
	for (const char *t = tmpl; *t; t++) {
		if (*t == '$' && cs_isdigit((unsigned char)t[1])) {
			if (append_group(out, c->b->text.data, c->ov, c->matched_groups,
					 *++t - '0'))
				return CRASHSIG_ENOMEM;
			continue;
		}
		if (*t != '{') {
			/* the text up to the next '$' or '{' at once */
			const char *e = t + 1;
			while (*e && *e != '$' && *e != '{')
				e++;
			if (cs_buf_add(out, t, (size_t)(e - t)))
				return CRASHSIG_ENOMEM;
			t = e - 1;
			continue;
		}
		if (!strncmp(t, "{FRAME}", 7)) {
			if (cs_buf_adds(out, frame ? frame : "corrupted"))
				return CRASHSIG_ENOMEM;
			t += 6;
			continue;
		}
		if (!strncmp(t, "{ORIGIN}", 8)) {
			cs_buf of = {0}, on = {0};
			int r = run_steps(c, c->f->osteps, c->f->nosteps, &of);
			if (r < 0 || (r == 1 && title_func(c->r, of.data, &on, c->S->md_func))) {
				cs_buf_free(&of);
				cs_buf_free(&on);
				return CRASHSIG_ENOMEM;
			}
			int e = cs_buf_adds(out, r == 1 ? on.data : "corrupted");
			cs_buf_free(&of);
			cs_buf_free(&on);
			if (e)
				return CRASHSIG_ENOMEM;
			t += 7;
			continue;
		}
		if (cs_buf_addc(out, *t))
			return CRASHSIG_ENOMEM;
	}
	if (!out->data && cs_buf_reserve(out, 0))
		return CRASHSIG_ENOMEM;
	return 0;
}

static int expand_title(classify *c, const char *frame, cs_buf *out)
{
	return expand_template(c, c->f->title, frame, out);
}

static int add_str(char ***v, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return 0;
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));
	if (!nv)
		return CRASHSIG_ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return CRASHSIG_ENOMEM;
	(*n)++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand tmpl with frame, sanitize it into *stitle (scratch: *title) and
 * add it to the alternative titles unless it is the title itself. */
static int add_alt_title(classify *c, crashsig_report *rep, const char *tmpl,
			 const char *frame, cs_buf *title, cs_buf *stitle)
{
	int rc = expand_template(c, tmpl, frame, title);
	if (!rc)
		rc = title_sanitize(c->r, title->data, stitle, c->S->md_san, &c->S->san_cur,
				    &c->S->san_tmp);
	if (!rc && strcmp(stitle->data, rep->title))
		rc = add_str(&rep->alts, &rep->nalts, stitle->data);
	return rc;
}

/* Apply the "alt" table to title t; add results to r->alts. */
static int add_alts(classify *c, crashsig_report *rep, const char *t)
{
	cs_buf *tmp = &c->S->alt;
	int rc = 0;
	for (size_t i = 0; i < c->r->nalts && !rc; i++) {
		const cs_subst *s = &c->r->alts[i];
		size_t n = strlen(t);
		if (!cs_re_maybe(&s->re, t, n))
			continue;
		int m = cs_re_exec(&s->re, t, n, 0, c->md);
		if (m <= 0)
			continue;
		cs_buf_clear(tmp);
		rc = append_repl(tmp, s->repl, t, pcre2_get_ovector_pointer(c->md), m);
		if (!rc && tmp->len && strcmp(tmp->data, rep->title))
			rc = add_str(&rep->alts, &rep->nalts, tmp->data);
	}
	return rc;
}
int cs_report_build(crashsig_ctx *ctx, const cs_block *b, crashsig_report **out)
{
	*out = NULL;
	const cs_rules *r = ctx->rules;
	struct cs_build_scratch *S = scratch_get(ctx);
	if (!S)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory while classifying a report");
	crashsig_report *rep = calloc(1, sizeof(*rep));
	classify c;
	memset(&c, 0, offsetof(classify, fbuf));
	c.S = S;
	c.md = S->md;
	c.md2 = S->md2;
	c.fnames = borrow(&S->fnames);
	c.renamed_from = borrow(&S->renamed_from);
	cs_buf frame = borrow(&S->frame), title = borrow(&S->title), tfunc = borrow(&S->tfunc),
	       tmp = borrow(&S->tmp), stitle = borrow(&S->stitle);
	int rc = CRASHSIG_ENOMEM;
	if (!rep)
		goto out;
	c.ctx = ctx;
	c.r = r;
	c.b = b;
	if (!ctx->skip_memo || (ctx->skip_memo_fill > ctx->skip_memo_cap / 2 &&
				ctx->skip_memo_cap < CS_SKIP_MEMO)) {
		size_t cap = ctx->skip_memo ? ctx->skip_memo_cap * 4 : CS_SKIP_MEMO_MIN;
		if (cap > CS_SKIP_MEMO)
			cap = CS_SKIP_MEMO;
		struct cs_skip_memo *m = calloc(cap, sizeof(*m));
		if (m) {
			/* the answers move to the larger table: dropped, every
			 * name seen before would be matched again */
			size_t fill = 0;
			for (size_t i = 0; i < ctx->skip_memo_cap; i++)
				if (ctx->skip_memo[i].word &&
				    memo_move(m, cap - 1, &ctx->skip_memo[i]))
					fill++;
			free(ctx->skip_memo);
			ctx->skip_memo = m;
			ctx->skip_memo_cap = cap;
			ctx->skip_memo_fill = fill;
		}
	}
	if (!ctx->skip_memo)
		memset(c.own_memo, 0, sizeof(c.own_memo));
	c.memo = ctx->skip_memo ? ctx->skip_memo : c.own_memo;
	c.memo_mask = ctx->skip_memo ? ctx->skip_memo_cap - 1 : 255;
	c.memo_fill = ctx->skip_memo ? &ctx->skip_memo_fill : &c.own_fill;
	rep->kind = b->crash->name;
	rep->start = b->start;
	rep->end = b->end;
	rep->panicked = b->panicked;
	rep->text_len = b->text.len;
	if (!(rep->text = cs_strndup(b->text.data ? b->text.data : "", b->text.len)))
		goto out;

	const char *corrupt = NULL;
	const char *type = NULL;
	int have_frame = 0;
	/* The header line names the report: a format that matches from the
	 * first line wins over earlier formats that only match a later line
	 * (a second crash header inside the block). Otherwise formats are
	 * tried from the first one that matched at all. */
	size_t first = 0;
	int first_matched = 0; /* c.md holds the match of formats[first] */
	{
		size_t hlen;
		const char *h = line_at(b, 0, &hlen);
		size_t hend = (size_t)(h - b->text.data) + hlen;
		/* (a match starting by the end of the header line: PCRE2 stops
		 * there instead of scanning the report; the leftmost match of
		 * a format starts there if any of its matches does) */
		for (size_t i = 0; i < b->crash->nformats; i++) {
			const cs_format *f = &b->crash->formats[i];
			int m = cs_re_exec_head(&f->match, b->text.data, b->text.len, hend, c.md);
			if (m > 0 && pcre2_get_ovector_pointer(c.md)[0] <= hend) {
				first = i;
				first_matched = m;
				break;
			}
		}
		/* none: the formats are tried from the first one (those that
		 * do not match at all are passed over again) */
	}
	for (size_t i = first; i < b->crash->nformats; i++) {
		const cs_format *f = &b->crash->formats[i];
		int m = i == first && first_matched
				? first_matched
				: cs_re_exec(&f->match, b->text.data,
					     b->text.len, 0, c.md);
		if (m <= 0)
			continue;
		c.f = f;
		c.group_line = 0;
		c.matched_groups = m;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c.md);
		for (int g = 0; g < 20 && g < 2 * m; g++)
			c.ov[g] = ov[g];
		/* A report whose stack is missing (truncated output) cannot be
		 * attributed, even if its header names a function. */
		int fr = 0;
		int no_trace = f->nsteps && !f->stackless && !has_stack_frames(&c);
		if (!no_trace && cs_re_ok(&f->requires) &&
		    !hit(&c, &f->requires, b->text.data, b->text.len))
			corrupt = "a part the report always has is missing";
		if (no_trace)
			corrupt = "the report has no call trace";
		if (!no_trace || !f->needs_trace)
			fr = guilty_frame(&c, &frame);
		if (fr > 0 && interleaved(&c, c.group_line ? c.group_line - 1
							   : frame_line(&c, c.renamed_from.len
									    ? c.renamed_from.data
									    : frame.data))) {
			/* the faulting pc is the CPU's own word; a frame taken from a
			 * stack with foreign lines above it is not */
			corrupt = "another task's output is interleaved into the report";
			if (!c.frame_from_ip)
				fr = 0;
		}
		if (fr < 0) {
			rc = fr;
			goto out;
		}
		have_frame = fr == 1;
		int wants_frame = strstr(f->title, "{FRAME}") != NULL;
		if (!have_frame && wants_frame && f->else_next) {
			/* this format needs its frame; a later one names the
			 * report without it */
			corrupt = NULL;
			c.f = NULL;
			continue;
		}
		if (have_frame) {
			if ((rc = title_func(r, frame.data, &tfunc, S->md_func)))
				goto out;
		} else if (wants_frame && !f->no_frame_ok) {
			corrupt = "no frame to name the crash";
		}
		if ((rc = expand_title(&c, have_frame ? tfunc.data : NULL, &title)))
			goto out;
		if (f->corrupted)
			corrupt = "report format is corrupted";
		type = f->type;
		break;
	}
	rep->rule = c.f ? c.f->where : NULL;
	if (!c.f && b->crash->strict) {
		/* e.g. "WARNING: fbcon: Driver ..." notices: not a crash */
		crashsig_report_free(rep);
		rep = NULL;
		rc = 0;
		goto out;
	}
	if (!c.f) {
		/* No format matched: the start line itself is the title. */
		size_t len;
		const char *l = line_at(b, 0, &len);
		size_t col = b->header_col < len ? b->header_col : 0;
		cs_buf_clear(&title);
		if (cs_buf_add(&title, l + col, len - col))
			goto out;
		/* syzkaller pkg/report/report.go: extractDescription titles
		 * the report with its header line when no format's title
		 * matches, and does not call it corrupted */
	}
	if ((rc = title_sanitize(r, title.data ? title.data : "", &stitle, S->md_san, &S->san_cur,
				 &S->san_tmp)))
		goto out;
	if (!stitle.len) {
		/* the format's template gave nothing (e.g. "title $1" with an
		 * optional group that did not match): the start line names
		 * the report, as when no format matched */
		size_t len;
		const char *l = line_at(b, 0, &len);
		size_t col = b->header_col < len ? b->header_col : 0;
		cs_buf_clear(&stitle);
		if ((rc = cs_buf_add(&stitle, l + col, len - col)) ||
		    (!stitle.data && (rc = cs_buf_reserve(&stitle, 0))))
			goto out;
		corrupt = "the title format gave an empty title";
	}
	rc = CRASHSIG_ENOMEM;
	if (!(rep->title = strdup(stitle.data)))
		goto out;
	if (have_frame && !(rep->frame = strdup(tfunc.data)))
		goto out;
	if (!have_frame && c.f && strstr(c.f->title, "{FRAME}") && !c.f->no_frame_ok &&
	    !(rep->frame = strdup("corrupted")))
		goto out;

	/* type */
	if (!type)
		for (size_t i = 0; i < r->ntypes; i++)
			if (hit(&c, &r->types[i].re, rep->title, strlen(rep->title))) {
				type = r->types[i].repl;
				break;
			}
	if (!type)
		type = b->crash->type;
	if (!(rep->type = strdup(type ? type : "")))
		goto out;

	/* corruption */
	if (!corrupt && hit(&c, &r->corrupt_title, rep->title, strlen(rep->title)))
		corrupt = "title contains console noise";
	if (!corrupt && hit(&c, &r->corrupt_report, b->text.data, b->text.len))
		corrupt = "report is truncated or interleaved";
	if (corrupt && !(rep->corrupted_reason = strdup(corrupt)))
		goto out;

	/* (the suppress table was matched line by line: extract.c) */
	rep->suppressed = b->crash->suppressed || b->suppressed;

	/* executor */
	/* the table is one branch reset group: groups 1 and 2 of the piece
	 * that matched (rules.c, finish) */
	if (cs_re_ok(&r->executor) &&
	    cs_re_exec(&r->executor, b->text.data, b->text.len, 0,
		       c.md2) > 2 &&
	    pcre2_get_ovector_pointer(c.md2)[2] != PCRE2_UNSET &&
	    pcre2_get_ovector_pointer(c.md2)[4] != PCRE2_UNSET) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c.md2);
		cs_buf_clear(&tmp);
		if (cs_buf_printf(&tmp, "proc=%.*s, id=%.*s", (int)(ov[3] - ov[2]),
				  b->text.data + ov[2], (int)(ov[5] - ov[4]),
				  b->text.data + ov[4]))
			goto out;
		if (!(rep->executor = strdup(tmp.data)))
			goto out;
	}

	/* alternative titles: the title with the frame as printed (before
	 * syscall-wrapper normalization), and the alt table over both. */
	if (have_frame && c.f) {
		if (c.renamed_from.len) {
			cs_buf_clear(&frame);
			if (cs_buf_add(&frame, c.renamed_from.data, c.renamed_from.len))
				goto out;
		}
		size_t n = cs_func_base_len(frame.data, frame.len);
		frame.data[n] = 0;
		frame.len = n;
		/* mangled names are only ever shown demangled */
		int mangled = frame.data[0] == '_' &&
			      (frame.data[1] == 'R' || frame.data[1] == 'Z');
		if (!mangled && strcmp(frame.data, tfunc.data)) {
			if ((rc = add_alt_title(&c, rep, c.f->title, frame.data, &title,
						&stitle)))
				goto out;
			rc = CRASHSIG_ENOMEM;
			if (add_alts(&c, rep, stitle.data))
				goto out;
		}
	}
	if (add_alts(&c, rep, rep->title))
		goto out;
	if (c.f && c.f->alt_title &&
	    (rc = add_alt_title(&c, rep, c.f->alt_title, have_frame ? tfunc.data : NULL,
				&title, &stitle)))
		goto out;
	rc = CRASHSIG_ENOMEM;
	if (rep->nalts > 1)
		qsort(rep->alts, rep->nalts, sizeof(char *), cmp_str);
	rc = 0;
out:
	give_back(&S->renamed_from, &c.renamed_from);
	give_back(&S->fnames, &c.fnames);
	give_back(&S->frame, &frame);
	give_back(&S->title, &title);
	give_back(&S->tfunc, &tfunc);
	give_back(&S->tmp, &tmp);
	give_back(&S->stitle, &stitle);
	trim(&S->san_cur);
	trim(&S->san_tmp);
	trim(&S->alt);
	if (S->fcache_cap * sizeof(*S->fcache) > CS_SCRATCH_KEEP) {
		free(S->fcache);
		S->fcache = NULL;
		S->fcache_cap = 0;
	}
	if (rc) {
		crashsig_report_free(rep);
		return cs_ctx_error(ctx, rc, "out of memory while classifying a report");
	}
	*out = rep;
	return 0;
}
