/*
 * Rule engine: parse and compile the rules files.
 *
 * A rules file is a list of directives, one per line: a keyword, blanks, and
 * a value. Lines starting with '#' are comments. `crash NAME` opens a crash
 * kind; the directives after it (start, not, type, follows, suppressed,
 * format, match, title, frame, skip, corrupted, no-frame-ok) belong to it
 * until the next `crash` or `end`. Everything else is global. rules/README.md
 * documents the language.
 */
#include "classify/rules.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classify/rules_builtin.h"

typedef struct strlist {
	char **v;
	size_t n;
} strlist;

static int strlist_add(strlist *l, const char *s, size_t n)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return CRASHSIG_ENOMEM;
	l->v = v;
	if (!(v[l->n] = cs_strndup(s, n)))
		return CRASHSIG_ENOMEM;
	l->n++;
	return 0;
}

static void strlist_free(strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Global pattern directives: every line of one is joined into one regex,
 * stored in the cs_rules field at `off`. Tables only tested for a match
 * (TABLE_SPLIT) keep their pieces anchored with ^ and the rest apart;
 * tables whose groups are read stay one regex; TABLE_LINES tables are
 * matched against many lines of text at once (^/$ at line ends). */
enum { TABLE_SPLIT = 1, TABLE_LINES = 2 };
static const struct global_re {
	const char *name;
	size_t off;
	unsigned how;
} globals[] = {
	{"skip", offsetof(cs_rules, skip), TABLE_SPLIT},
	{"call-trace", offsetof(cs_rules, call_trace), TABLE_SPLIT},
	{"stack-end", offsetof(cs_rules, stack_end), TABLE_SPLIT},
	{"block-end", offsetof(cs_rules, block_end), TABLE_SPLIT},
	{"block-stop", offsetof(cs_rules, block_stop), TABLE_SPLIT},
	{"corrupt-title", offsetof(cs_rules, corrupt_title), TABLE_SPLIT},
	{"corrupt-report", offsetof(cs_rules, corrupt_report), TABLE_SPLIT},
	{"suppress", offsetof(cs_rules, suppress), TABLE_SPLIT},
	{"not-crash", offsetof(cs_rules, not_crash), TABLE_SPLIT},
	{"frame-norm", offsetof(cs_rules, frame_norm), 0},
	{"executor", offsetof(cs_rules, executor), 0},
	{"panic", offsetof(cs_rules, panic), TABLE_SPLIT},
	{"stall-anchor", offsetof(cs_rules, stall_anchor), TABLE_SPLIT},
	{"stack-start", offsetof(cs_rules, stack_start), TABLE_SPLIT},
	{"corrupt-frame", offsetof(cs_rules, corrupt_frame), TABLE_SPLIT},
	{"corrupt-line", offsetof(cs_rules, corrupt_line), TABLE_LINES},
	{"generic", offsetof(cs_rules, generic), TABLE_SPLIT},
	{"assert-site", offsetof(cs_rules, assert_site), 0},
};
#define G_COUNT (sizeof(globals) / sizeof(globals[0]))

static cs_re *global_re(cs_rules *r, size_t g)
{
	return (cs_re *)((char *)r + globals[g].off);
}

/* Flag directives of crash kinds and of formats. */
static const struct flag {
	const char *name;
	size_t off;
} crash_flags[] = {
	{"follows", offsetof(cs_crash, follows)},
	{"suppressed", offsetof(cs_crash, suppressed)},
	{"strict", offsetof(cs_crash, strict)},
	{"nested", offsetof(cs_crash, nested)},
	{"not-first", offsetof(cs_crash, not_first)},
}, format_flags[] = {
	{"corrupted", offsetof(cs_format, corrupted)},
	{"no-frame-ok", offsetof(cs_format, no_frame_ok)},
	{"needs-trace", offsetof(cs_format, needs_trace)},
	{"stackless", offsetof(cs_format, stackless)},
	{"else-next", offsetof(cs_format, else_next)},
};

/* Is key the keyword kw? (Most directives differ in their first byte.) */
static inline int is(const char *key, const char *kw)
{
	return key[0] == kw[0] && !strcmp(key, kw);
}

/* Set the flag `key` of obj from table; 1 if key is one of them. */
static int set_flag(const struct flag *table, size_t n, const char *key, void *obj)
{
	for (size_t i = 0; i < n; i++)
		if (is(key, table[i].name)) {
			*(int *)((char *)obj + table[i].off) = 1;
			return 1;
		}
	return 0;
}

typedef struct loader {
	cs_rules *r;
	cs_err *err;
	strlist pending[G_COUNT]; /* lines of each global directive */
	strlist global_where[G_COUNT];
	cs_crash *crash;   /* open crash kind, or NULL */
	cs_format *format; /* open format, or NULL */
	const char *file;
	int line;
	int eager; /* compile every regex now (else on first use) */
	cs_buf xbuf; /* macro expansion */
} loader;

/* "FILE:LINE" of the directive being read into buf (cap bytes, cut to
 * fit); returns its length. Every regex, crash kind and format keeps one:
 * no snprintf for those. */
static size_t where_fmt(const loader *L, char *buf, size_t cap)
{
	char digits[24];
	size_t nd = 0;
	unsigned long v = L->line > 0 ? (unsigned long)L->line : 0;
	do
		digits[nd++] = (char)('0' + v % 10);
	while ((v /= 10) && nd < sizeof(digits));
	size_t fl = strlen(L->file);
	if (fl + 1 + nd + 1 > cap)
		fl = cap > nd + 2 ? cap - nd - 2 : 0;
	memcpy(buf, L->file, fl);
	size_t n = fl;
	buf[n++] = ':';
	while (nd && n + 1 < cap)
		buf[n++] = digits[--nd];
	buf[n] = 0;
	return n;
}

static char *where_dup(const loader *L)
{
	char buf[320];
	size_t n = where_fmt(L, buf, sizeof(buf));
	return cs_arena_strndup(&L->r->strings, buf, n);
}

static int fail(loader *L, const char *fmt, const char *arg)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), fmt, arg);
	return cs_error(L->err, CRASHSIG_ERULES, "%s:%d: %s", L->file, L->line, msg);
}

static const char *macro_lookup(const cs_rules *r, const char *name, size_t n)
{
	for (size_t i = 0; i < r->nmacros; i++)
		if (strlen(r->macro_names[i]) == n && memcmp(r->macro_names[i], name, n) == 0)
			return r->macro_vals[i];
	return NULL;
}

/* Expand {{NAME}} macros. Returns malloc'd string or NULL (error set).
 * Macro values are expanded when they are defined, so this is one level; a
 * result longer than CS_RE_MAX_EXPANDED is an error (31 defines that each
 * double the previous one would otherwise ask for gigabytes). */
static char *expand(loader *L, const char *src)
{
	const char *m = strstr(src, "{{");
	if (!m || !strstr(m + 2, "}}")) {
		/* no macro: the pattern as written (under the same cap) */
		size_t n = strlen(src);
		char *out = n <= CS_RE_MAX_EXPANDED ? cs_arena_strndup(&L->r->strings, src, n)
						    : NULL;
		if (!out && n > CS_RE_MAX_EXPANDED)
			fail(L, "macro expansion longer than %s bytes",
			     CS_STR(CS_RE_MAX_EXPANDED_N));
		else if (!out)
			cs_error(L->err, CRASHSIG_ENOMEM, "out of memory");
		return out;
	}
	cs_buf *b = &L->xbuf;
	cs_buf_clear(b);
	const char *p = src;
	for (;;) {
		m = strstr(p, "{{");
		const char *e = m ? strstr(m + 2, "}}") : NULL;
		const char *val = NULL;
		if (e) {
			val = macro_lookup(L->r, m + 2, (size_t)(e - m - 2));
			if (!val) {
				char name[64];
				snprintf(name, sizeof(name), "%.*s", (int)(e - m - 2), m + 2);
				fail(L, "unknown macro {{%s}}", name);
				return NULL;
			}
		}
		size_t lit = e ? (size_t)(m - p) : strlen(p);
		size_t add = lit + (val ? strlen(val) : 0);
		if (add > CS_RE_MAX_EXPANDED - b->len) {
			fail(L, "macro expansion longer than %s bytes",
			     CS_STR(CS_RE_MAX_EXPANDED_N));
			return NULL;
		}
		if (cs_buf_add(b, p, lit) || (val && cs_buf_adds(b, val)))
			goto oom;
		if (!e)
			break;
		p = e + 2;
	}
	char *out = cs_arena_strndup(&L->r->strings, b->data ? b->data : "", b->len);
	if (out)
		return out;
oom:
	cs_error(L->err, CRASHSIG_ENOMEM, "out of memory");
	return NULL;
}

/* Compile pattern (opts) into *code; on error, a message naming the
 * offset into msg. */
static pcre2_code *compile_one(const char *pattern, uint32_t opts, char *msg, size_t cap)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
					 &ec, &eo, NULL);
	if (!code) {
		PCRE2_UCHAR text[200];
		pcre2_get_error_message(ec, text, sizeof(text));
		snprintf(msg, cap, "bad regex at offset %zu: %.120s: %.200s", (size_t)eo,
			 (char *)text, pattern);
	}
	return code;
}

/* What a match needs beyond the code: the first bytes and the shortest
 * length of an anchored regex. */
static void re_info(cs_re *re)
{
	uint32_t all = 0;
	const uint8_t *bm = NULL;
	pcre2_pattern_info(re->code, PCRE2_INFO_ALLOPTIONS, &all);
	pcre2_pattern_info(re->code, PCRE2_INFO_MINLENGTH, &re->minlen);
	re->anchored = (all & PCRE2_ANCHORED) != 0;
	uint32_t ftype = 0, funit = 0;
	if ((all & PCRE2_ANCHORED) &&
	    !pcre2_pattern_info(re->code, PCRE2_INFO_FIRSTBITMAP, &bm) && bm) {
		memcpy(re->first, bm, sizeof(re->first));
		re->has_first = 1;
	} else if ((all & PCRE2_ANCHORED) &&
		   !pcre2_pattern_info(re->code, PCRE2_INFO_FIRSTCODETYPE, &ftype) &&
		   ftype == 1 &&
		   !pcre2_pattern_info(re->code, PCRE2_INFO_FIRSTCODEUNIT, &funit) &&
		   funit < 256 && !(all & PCRE2_CASELESS)) {
		/* one first byte (PCRE2 gives no bitmap then): "^should_fail" */
		memset(re->first, 0, sizeof(re->first));
		re->first[funit >> 3] = (unsigned char)(1u << (funit & 7));
		re->has_first = 1;
	}
	re->state = CS_RE_READY;
	re->quick_first = re->has_first && !re->loose;
}

/* Compile re (both parts). Returns 0, or -1 with msg set. */
static int re_build(cs_re *re, char *msg, size_t cap)
{
	re->code = compile_one(re->src, re->opts, msg, cap);
	if (!re->code)
		return -1;
	if (re->loose_src && !(re->loose = compile_one(re->loose_src, 0, msg, cap))) {
		pcre2_code_free(re->code);
		re->code = NULL;
		return -1;
	}
	re_info(re);
	if (re->rules)
		re->rules->ncompiled++;
	return 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

uint64_t cs_re_key(const cs_re *re)
{
	uint64_t h = fnv(1469598103934665603ull, &re->opts, sizeof(re->opts));
	h = fnv(h, re->src, strlen(re->src) + 1);
	return re->loose_src ? fnv(h, re->loose_src, strlen(re->loose_src) + 1) : h;
}

/* The code compiled at build time for re, when it is re's own. Returns 0
 * when re is ready, -1 to compile it from its pattern. */
static int re_decode(cs_re *re)
{
	const struct crashsig_builtin_codes *p = re->rules ? re->rules->pre : NULL;
	if (!p || !re->pre || re->pre > p->n)
		return -1;
	const struct crashsig_builtin_code *e = &p->codes[re->pre - 1];
	if (e->key != cs_re_key(re) || !e->loose_len != !re->loose_src)
		return -1;
	pcre2_code *code = NULL, *loose = NULL;
	if (pcre2_serialize_decode(&code, 1, p->bytes + e->off, NULL) != 1)
		return -1;
	if (e->loose_len &&
	    pcre2_serialize_decode(&loose, 1, p->bytes + e->loose_off, NULL) != 1) {
		pcre2_code_free(code);
		return -1;
	}
	re->code = code;
	re->loose = loose;
	re_info(re);
	re->rules->ndecoded++;
	return 0;
}

/* Record msg once in the log of the rules. */
static void log_once(cs_rules *r, const char *msg)
{
	for (size_t i = 0; i < r->log.n; i++)
		if (!strcmp(r->log.msgs[i], msg))
			return;
	char **v = realloc(r->log.msgs, (r->log.n + 1) * sizeof(*v));
	if (!v)
		return;
	r->log.msgs = v;
	if ((v[r->log.n] = strdup(msg)))
		r->log.n++;
}

/* Make re ready to match: compiled on first use (built-in rules). Returns
 * 1, or 0 when it cannot be (recorded once, then never matched). */
static int re_ready(const cs_re *re)
{
	if (re->state == CS_RE_READY)
		return 1;
	if (re->state == CS_RE_BROKEN || !re->src)
		return 0;
	/* see cs_re: the rules belong to one context, used by one thread */
	cs_re *w = (cs_re *)re;
	char msg[600], line[900];
	if (!re_decode(w) || !re_build(w, msg, sizeof(msg)))
		return 1;
	w->state = CS_RE_BROKEN;
	if (w->rules) {
		snprintf(line, sizeof(line), "%s: %s; treated as no match",
			 w->where ? w->where : "(rules)", msg);
		log_once(w->rules, line);
	}
	return 0;
}

/* Keep the expanded pattern in re; with eager set, compile it now (a bad
 * regex is an error naming the rules line). */
static int re_compile_loose(loader *L, cs_re *re, const char *pattern,
			    const char *loose, uint32_t opts)
{
	if (re->src)
		return fail(L, "%s", "a second regex for the same directive");
	if (!(re->src = expand(L, pattern)))
		return CRASHSIG_ERULES;
	if (loose && !(re->loose_src = expand(L, loose)))
		return CRASHSIG_ERULES;
	re->opts = opts;
	re->rules = L->r;
	if (!(re->where = where_dup(L)))
		return CRASHSIG_ENOMEM;
	if (L->eager) {
		char msg[600];
		if (re_build(re, msg, sizeof(msg)))
			return fail(L, "%s", msg);
	}
	return 0;
}

static int re_compile(loader *L, cs_re *re, const char *pattern, uint32_t opts)
{
	return re_compile_loose(L, re, pattern, NULL, opts);
}

/* (its strings belong to the rules' arena) */
static void re_free(cs_re *re)
{
	pcre2_code_free(re->code);
	pcre2_code_free(re->loose);
	free(re->lits);
	free(re->loose_lits);
	free(re->pfx);
	re->lits = re->loose_lits = re->pfx = NULL;
	for (unsigned i = 0; i < re->nhead; i++)
		free(re->head[i]);
	re->nhead = re->head_lines = 0;
	free(re->cls);
	re->cls = NULL;
	re->ncls = 0;
	re->lits_done = 0;
	re->jit = re->jit_code = re->jit_loose = 0;
	re->uses = 0;
	re->code = re->loose = NULL;
	re->src = re->loose_src = re->where = NULL;
	re->state = CS_RE_NEW;
	re->has_first = re->quick_first = 0;
}

/* Record once that re hit a match limit. */
static void limit_hit(const cs_re *re, int rc)
{
	if (!re->rules)
		return;
	char msg[400];
	snprintf(msg, sizeof(msg),
		 "%s: regex hit the PCRE2 %s limit; treated as no match",
		 re->where ? re->where : "(rules)",
		 rc == PCRE2_ERROR_DEPTHLIMIT ? "depth"
		 : rc == PCRE2_ERROR_HEAPLIMIT ? "heap"
					       : "match");
	log_once(re->rules, msg);
}

/* Does code read its subjects as UTF ("(*UTF)" in a rules file)? Only
 * pcre2_match checks that they are valid UTF-8 (pcre2_jit_match does not). */
static int utf(const pcre2_code *code)
{
	uint32_t all = 0;
	pcre2_pattern_info(code, PCRE2_INFO_ALLOPTIONS, &all);
	return (all & PCRE2_UTF) != 0;
}

/* One more match of re: JIT-compile it when it has run often enough. */
static void re_used(const cs_re *re)
{
	if (re->jit)
		return;
	cs_re *w = (cs_re *)re; /* see cs_re */
	uint32_t after = w->rules ? w->rules->jit_after : CS_RE_JIT_AFTER;
	if (w->uses < after) {
		w->uses++;
		return;
	}
	w->jit = 1;
	/* (without JIT support, or out of executable memory, the
	 * interpreter goes on matching: same answers) */
	w->jit_code = pcre2_jit_compile(w->code, PCRE2_JIT_COMPLETE) == 0 && !utf(w->code);
	if (w->loose)
		w->jit_loose = pcre2_jit_compile(w->loose, PCRE2_JIT_COMPLETE) == 0 &&
			       !utf(w->loose);
}

static int exec_ctx(const cs_re *re, const pcre2_code *code, const char *s, size_t len,
		    size_t start, pcre2_match_data *md, pcre2_match_context *mctx)
{
	/* machine code is entered directly: pcre2_match would check the
	 * arguments and the options again before handing over to it (not
	 * for UTF patterns: see utf) */
	if (start > len)
		return PCRE2_ERROR_BADOFFSET; /* (pcre2_jit_match does not check) */
	int jitted = code == re->code ? re->jit_code : code == re->loose && re->jit_loose;
	int rc = jitted ? pcre2_jit_match(code, (PCRE2_SPTR)s, len, start, 0, md, mctx)
			: PCRE2_ERROR_JIT_BADOPTION;
	if (rc == PCRE2_ERROR_JIT_BADOPTION)
		rc = pcre2_match(code, (PCRE2_SPTR)s, len, start, 0, md, mctx);
	/* The JIT's stack is smaller than the interpreter's heap: a regex
	 * whose answer depended on which of them ran would make titles
	 * depend on how often it ran before. */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(code, (PCRE2_SPTR)s, len, start, PCRE2_NO_JIT, md, mctx);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT) {
		limit_hit(re, rc);
		return PCRE2_ERROR_NOMATCH;
	}
	return rc;
}

static int exec_code(const cs_re *re, const pcre2_code *code, const char *s, size_t len,
		     size_t start, pcre2_match_data *md)
{
	return exec_ctx(re, code, s, len, start, md, re->rules ? re->rules->mctx : NULL);
}

int cs_re_exec(const cs_re *re, const char *s, size_t len, size_t start,
	       pcre2_match_data *md)
{
	if (!re_ready(re))
		return PCRE2_ERROR_NOMATCH;
	re_used(re);
	return exec_code(re, re->code, s, len, start, md);
}

static void re_lits(const cs_re *re);

int cs_re_exec_head(const cs_re *re, const char *s, size_t len, size_t limit,
		    pcre2_match_data *md)
{
	if (!re_ready(re))
		return PCRE2_ERROR_NOMATCH;
	re_lits(re);
	if (re->head_lines) {
		/* a match starting by limit lies in the line of limit and the
		 * head_lines - 1 after it, and is found the same in them alone
		 * (cs_re_max_newlines): it holds a literal of each set there,
		 * and the matcher looks no further */
		size_t end = limit;
		for (int k = 0; k < re->head_lines && end < len; k++) {
			const char *nl = memchr(s + end + (k > 0), '\n', len - end - (k > 0));
			end = nl ? (size_t)(nl - s) : len;
		}
		if (end < len)
			len = end;
		for (unsigned i = 0; i < re->nhead; i++)
			if (!cs_re_lits_any(re->head[i], s, len))
				return PCRE2_ERROR_NOMATCH;
	}
	if (!(re->opts & PCRE2_USE_OFFSET_LIMIT) || !re->rules || !re->rules->mctx_head)
		return cs_re_exec(re, s, len, 0, md); /* (the caller checks where) */
	re_used(re);
	/* see cs_re: the rules belong to one context, used by one thread */
	pcre2_set_offset_limit(re->rules->mctx_head, limit);
	return exec_ctx(re, re->code, s, len, 0, md, re->rules->mctx_head);
}

/* The literals of re, made by cs_re_match_any or cs_re_maybe once it is
 * JIT-compiled. */
static void re_lits(const cs_re *re)
{
	/* (reading the pattern costs about as much as a few matches: done
	 * with the JIT, once the regex has been run as often) */
	if (re->lits_done || !re->jit)
		return;
	/* see cs_re: the rules belong to one context, used by one thread */
	cs_re *w = (cs_re *)re;
	w->lits_done = 1;
	if (w->anchored)
		w->pfx = cs_re_prefixes_new(w->src, w->opts);
	w->lits = w->pfx ? NULL : cs_re_lits_new(w->src, w->opts);
	/* (an anchored regex fails at its first bytes: faster than a scan
	 * for its words, unless a few memchr find them) */
	if (w->lits && w->anchored && w->lits->nfirst > CS_RE_LITS_FEW_FIRST) {
		free(w->lits);
		w->lits = NULL;
	}
	if (w->loose_src)
		w->loose_lits = cs_re_lits_new(w->loose_src, 0);
	cs_re_class cls[CS_RE_CLASSES];
	int ncls = cs_re_classes(w->src, w->opts, cls, CS_RE_CLASSES);
	if (ncls > 0 && (w->cls = malloc((size_t)ncls * sizeof(*cls)))) {
		memcpy(w->cls, cls, (size_t)ncls * sizeof(*cls));
		w->ncls = (unsigned char)ncls;
	}
	/* the formats' match regexes (see cs_re_exec_head); newlines are LF
	 * alone: `.` and `$` see nothing else as one */
	uint32_t nl = 0;
	pcre2_pattern_info(w->code, PCRE2_INFO_NEWLINE, &nl);
	if ((w->opts & PCRE2_USE_OFFSET_LIMIT) && nl == PCRE2_NEWLINE_LF) {
		w->head_lines = (unsigned char)(cs_re_max_newlines(w->src, w->opts) + 1);
		if (w->head_lines)
			w->nhead = (unsigned char)cs_re_lits_conj(w->src, w->opts, w->head,
								  CS_RE_HEAD_SETS);
	}
}

/* Can `code` not match s from start, by what is known without running it? */
static int code_cannot(const cs_re *re, const char *s, size_t len, size_t start)
{
	if (start == 0 && (len < re->minlen ||
			   (re->has_first && len &&
			    !(re->first[(unsigned char)s[0] >> 3] &
			      (1u << ((unsigned char)s[0] & 7))))))
		return 1;
	if (re->pfx)
		return start == 0 && !cs_re_prefixes_at(re->pfx, s, len);
	/* (a long text: the JIT finds its way faster than the scan) */
	return len - start <= CS_RE_LITS_SCAN && re->lits &&
	       !cs_re_lits_any(re->lits, s + start, len - start);
}

const cs_re_lits *cs_re_required_lits(const cs_re *re)
{
	if (!re_ready(re))
		return NULL;
	re_lits(re);
	return re->loose ? NULL : re->lits;
}

int cs_re_maybe(const cs_re *re, const char *s, size_t len)
{
	if (!re_ready(re))
		return 0;
	re_lits(re);
	return !code_cannot(re, s, len, 0);
}

int cs_re_maybe_in(const cs_re *re, const char *s, size_t len, const cs_bytes *have)
{
	if (!re_ready(re))
		return 0;
	re_lits(re);
	/* (the classes' bytes first: a few ANDs) */
	for (unsigned i = 0; i < re->ncls; i++) {
		const uint64_t *c = re->cls[i].set;
		if (!((c[0] & have->w[0]) | (c[1] & have->w[1]) | (c[2] & have->w[2]) |
		      (c[3] & have->w[3])))
			return 0;
	}
	if (code_cannot(re, s, len, 0))
		return 0;
	return !re->ncls || cs_re_classes_in(re->cls, re->ncls, s, len, have);
}

int cs_re_match_any(const cs_re *re, const char *s, size_t len, size_t start,
		    pcre2_match_data *md)
{
	if (!re_ready(re))
		return 0;
	re_lits(re);
	/* most subjects cannot begin a match of an anchored table, and
	 * most hold none of the words any match of a table contains */
	int skip = code_cannot(re, s, len, start);
	int loose = re->loose && !(len - start <= CS_RE_LITS_SCAN && re->loose_lits &&
				   !cs_re_lits_any(re->loose_lits, s + start, len - start));
	if (skip && !loose)
		return 0;
	re_used(re);
	if (!skip && exec_code(re, re->code, s, len, start, md) > 0)
		return 1;
	return loose && exec_code(re, re->loose, s, len, start, md) > 0;
}

int cs_rules_frame_generic(const cs_rules *r, const char *func, size_t len,
			   pcre2_match_data *md)
{
	if (!func || !len)
		return 1;
	return r && cs_re_match(&r->generic, func, len, 0, md) > 0;
}

int cs_rules_assert_site(const cs_rules *r, const char *text, size_t len,
			 pcre2_match_data *md, const char **site, size_t *site_len)
{
	if (!r || !text || !cs_re_ok(&r->assert_site))
		return 0;
	size_t end = 0;
	for (int l = 0; l < 3 && end < len; l++) {
		const char *nl = memchr(text + end, '\n', len - end);
		end = nl ? (size_t)(nl - text) + 1 : len;
	}
	if (cs_re_exec(&r->assert_site, text, end, 0, md) < 2)
		return 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	if (ov[2] == PCRE2_UNSET || ov[3] <= ov[2])
		return 0;
	const char *s = text + ov[2], *e = text + ov[3];
	for (const char *q = s; q < e; q++)
		if (*q == '/')
			s = q + 1; /* the base name: module builds print absolute paths */
	if (s == e)
		return 0;
	*site = s;
	*site_len = (size_t)(e - s);
	return 1;
}

/* Make room for element n (zeroed) of the array *v of n elements of sz
 * bytes: its capacity is the next power of two, so it is reallocated
 * log n times, not n times. */
static int grow(void **v, size_t n, size_t sz)
{
	if (!(n & (n - 1))) { /* 0, 1, 2, 4, ...: full */
		size_t cap = n ? 2 * n : 1;
		if (cap > SIZE_MAX / sz)
			return CRASHSIG_ENOMEM;
		void *p = realloc(*v, cap * sz);
		if (!p)
			return CRASHSIG_ENOMEM;
		*v = p;
	}
	memset((char *)*v + n * sz, 0, sz);
	return 0;
}

/* "REGEX => REPLACEMENT" */
static int parse_subst(loader *L, const char *val, cs_subst **arr, size_t *n,
		       int replace_all)
{
	const char *arrow = strstr(val, " => ");
	if (!arrow)
		return fail(L, "expected 'REGEX => REPLACEMENT', got: %s", val);
	if (grow((void **)arr, *n, sizeof(**arr)))
		return CRASHSIG_ENOMEM;
	cs_subst *s = &(*arr)[*n];
	char *pat = cs_strndup(val, (size_t)(arrow - val));
	if (!pat)
		return CRASHSIG_ENOMEM;
	int rc = re_compile(L, &s->re, pat, 0);
	free(pat);
	if (rc)
		return rc;
	(*n)++; /* owned by the rules from here on */
	/* a replace-all pattern that matches "" inserts its replacement at
	 * every position of every title (the built-in rules are checked by
	 * a test, which loads them compiled) */
	if (replace_all && L->eager && !s->re.minlen)
		return fail(L, "sanitize pattern can match the empty string: %s", val);
	s->repl = cs_arena_strdup(&L->r->strings, arrow + 4);
	return s->repl ? 0 : CRASHSIG_ENOMEM;
}

static int directive(loader *L, const char *key, const char *val)
{
	cs_rules *r = L->r;
	if (is(key, "define")) {
		const char *sp = strpbrk(val, " \t");
		if (!sp)
			return fail(L, "define needs a name and a value: %s", val);
		if (grow((void **)&r->macro_names, r->nmacros, sizeof(char *)) ||
		    grow((void **)&r->macro_vals, r->nmacros, sizeof(char *)))
			return CRASHSIG_ENOMEM;
		r->macro_names[r->nmacros] = cs_arena_strndup(&r->strings, val, (size_t)(sp - val));
		if (!r->macro_names[r->nmacros])
			return CRASHSIG_ENOMEM;
		while (*sp == ' ' || *sp == '\t')
			sp++;
		r->macro_vals[r->nmacros] = expand(L, sp);
		r->nmacros++;
		return r->macro_vals[r->nmacros - 1] ? 0 : CRASHSIG_ERULES;
	}
	if (is(key, "crash")) {
		if (!*val)
			return fail(L, "crash needs a name%s", "");
		if (grow((void **)&r->crashes, r->ncrashes, sizeof(cs_crash)))
			return CRASHSIG_ENOMEM;
		L->crash = &r->crashes[r->ncrashes++];
		L->format = NULL;
		if (!(L->crash->name = cs_arena_strdup(&r->strings, val)) ||
		    !(L->crash->where = where_dup(L)))
			return CRASHSIG_ENOMEM;
		return 0;
	}
	if (is(key, "end")) {
		L->crash = NULL;
		L->format = NULL;
		return 0;
	}
	if (is(key, "sanitize"))
		return parse_subst(L, val, &r->sanitize, &r->nsanitize, 1);
	if (is(key, "alt"))
		return parse_subst(L, val, &r->alts, &r->nalts, 0);
	if (is(key, "type-of"))
		return parse_subst(L, val, &r->types, &r->ntypes, 0);
	cs_crash *c = L->crash;
	if (c) {
		cs_format *f = L->format;
		if (is(key, "start")) {
			if (!*val)
				return fail(L, "start needs a literal%s", "");
			if (grow((void **)&c->starts, c->nstarts, sizeof(char *)))
				return CRASHSIG_ENOMEM;
			if (!(c->starts[c->nstarts] = cs_arena_strdup(&r->strings, val)))
				return CRASHSIG_ENOMEM;
			c->nstarts++;
			return 0;
		}
		if (is(key, "not")) {
			if (grow((void **)&c->nots, c->nnots, sizeof(cs_re)))
				return CRASHSIG_ENOMEM;
			int rc = re_compile(L, &c->nots[c->nnots], val, 0);
			c->nnots++;
			return rc;
		}
		if (is(key, "absorbs")) {
			size_t ol = c->absorbs ? strlen(c->absorbs) : 0;
			char *n = realloc(c->absorbs, ol + strlen(val) + 3);
			if (!n)
				return CRASHSIG_ENOMEM;
			if (!ol)
				n[0] = 0;
			strcat(n, " ");
			strcat(n, val);
			strcat(n, " ");
			c->absorbs = n;
			return 0;
		}
		if (!f && set_flag(crash_flags, sizeof(crash_flags) / sizeof(crash_flags[0]),
				   key, c))
			return 0;
		if (is(key, "type")) {
			char **dst = f ? &f->type : &c->type;
			*dst = cs_arena_strdup(&r->strings, val);
			return *dst ? 0 : CRASHSIG_ENOMEM;
		}
		if (is(key, "format")) {
			if (grow((void **)&c->formats, c->nformats, sizeof(cs_format)))
				return CRASHSIG_ENOMEM;
			L->format = &c->formats[c->nformats++];
			if (!(L->format->where = where_dup(L)))
				return CRASHSIG_ENOMEM;
			return 0;
		}
		if (!f)
			return fail(L, "'%s' must follow 'format'", key);
		if ((is(key, "match") && f->match.src) ||
		    (is(key, "requires") && f->requires.src))
			return fail(L, "'%s' given twice in one format", key);
		if (is(key, "match"))
			return re_compile(L, &f->match, val,
					  PCRE2_MULTILINE | PCRE2_USE_OFFSET_LIMIT);
		if ((is(key, "title") || is(key, "alt-title")) && !*val)
			return fail(L, "empty '%s'", key);
		if (is(key, "title")) {
			f->title = cs_arena_strdup(&r->strings, val);
			return f->title ? 0 : CRASHSIG_ENOMEM;
		}
		if (is(key, "alt-title")) {
			f->alt_title = cs_arena_strdup(&r->strings, val);
			return f->alt_title ? 0 : CRASHSIG_ENOMEM;
		}
		if (set_flag(format_flags, sizeof(format_flags) / sizeof(format_flags[0]),
			     key, f))
			return 0;
		if (is(key, "requires"))
			return re_compile(L, &f->requires, val, PCRE2_MULTILINE);
		if (is(key, "skip")) {
			if (grow((void **)&f->skip, f->nskip, sizeof(cs_re)))
				return CRASHSIG_ENOMEM;
			int rc = re_compile(L, &f->skip[f->nskip], val, 0);
			f->nskip++;
			return rc;
		}
		if (is(key, "frame") || is(key, "origin")) {
			int origin = key[0] == 'o';
			cs_step **arr = origin ? &f->osteps : &f->steps;
			size_t *n = origin ? &f->nosteps : &f->nsteps;
			if (grow((void **)arr, *n, sizeof(cs_step)))
				return CRASHSIG_ENOMEM;
			cs_step *s = &(*arr)[(*n)++];
			if (!strncmp(val, "group ", 6) || !strncmp(val, "arg ", 4)) {
				s->kind = CS_STEP_GROUP;
				s->verbatim = val[0] == 'a';
				s->group = atoi(val + (s->verbatim ? 4 : 6));
				if (s->group < 1 || s->group > 9)
					return fail(L, "bad group number: %s", val);
			} else if (!strcmp(val, "ip")) {
				s->kind = CS_STEP_IP;
			} else if (!strcmp(val, "trace")) {
				s->kind = CS_STEP_TRACE;
			} else if (!strncmp(val, "first ", 6)) {
				s->kind = CS_STEP_FIRST;
				const char *arrow = strstr(val + 6, " => ");
				char *pat = cs_strndup(val + 6, arrow ? (size_t)(arrow - val - 6)
								      : strlen(val + 6));
				if (!pat)
					return CRASHSIG_ENOMEM;
				int rc = re_compile(L, &s->re, pat, 0);
				free(pat);
				if (!rc && arrow && !arrow[4])
					rc = fail(L, "empty name after '=>': %s", val);
				if (!rc && arrow && !(s->name = cs_arena_strdup(&r->strings, arrow + 4)))
					rc = CRASHSIG_ENOMEM;
				return rc;
			} else if (!strncmp(val, "stall", 5) && (!val[5] || val[5] == ' ')) {
				/* "stall [from REGEX] [ip] [trace]...": what is read
				 * before the frame list, in order */
				s->kind = CS_STEP_STALL;
				const char *t = val + 5;
				while (*t) {
					while (*t == ' ')
						t++;
					if (!*t)
						break;
					size_t tl = strcspn(t, " ");
					if (s->nparts == CS_STALL_PARTS)
						return fail(L, "too many stall parts: %s", val);
					if (tl == 2 && !strncmp(t, "ip", 2)) {
						s->parts[s->nparts++] = CS_PART_IP;
					} else if (tl == 5 && !strncmp(t, "trace", 5)) {
						s->parts[s->nparts++] = CS_PART_TRACE;
					} else if (tl == 4 && !strncmp(t, "from", 4) && !s->re.src) {
						t += tl;
						while (*t == ' ')
							t++;
						size_t rl = strcspn(t, " ");
						if (!rl)
							return fail(L, "stall from: no regex: %s", val);
						char *pat = cs_strndup(t, rl);
						if (!pat)
							return CRASHSIG_ENOMEM;
						int rc = re_compile(L, &s->re, pat, 0);
						free(pat);
						if (rc)
							return rc;
						s->parts[s->nparts++] = CS_PART_FROM;
						tl = rl;
					} else {
						return fail(L, "unknown stall part: %s", val);
					}
					t += tl;
				}
			} else if (!strcmp(val, "any")) {
				s->kind = CS_STEP_ANY;
			} else if (!strncmp(val, "after ", 6)) {
				s->kind = CS_STEP_AFTER;
				return re_compile(L, &s->re, val + 6, 0);
			} else {
				return fail(L, "unknown frame source: %s", val);
			}
			return 0;
		}
	}
	for (size_t g = 0; g < G_COUNT; g++) {
		if (is(key, globals[g].name)) {
			char where[300];
			size_t wl = where_fmt(L, where, sizeof(where));
			if (strlist_add(&L->pending[g], val, strlen(val)) ||
			    strlist_add(&L->global_where[g], where, wl))
				return CRASHSIG_ENOMEM;
			return 0;
		}
	}
	return fail(L, "unknown directive '%s'", key);
}

static int load_text(loader *L, const char *name, const char *text, size_t len)
{
	L->file = name;
	L->line = 0;
	L->crash = NULL;
	L->format = NULL;
	const char *p = text, *end = text + len;
	cs_buf line = {0}; /* "KEY\0VALUE\0" of the directive */
	int rc = 0;
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		L->line++;
		if (memchr(p, 0, (size_t)(le - p))) {
			rc = fail(L, "%s", "NUL byte in the line");
			break;
		}
		const char *s = p;
		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		const char *e = le;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s < e && *s != '#') {
			const char *k = s;
			while (k < e && *k != ' ' && *k != '\t')
				k++;
			const char *v = k;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			/* "quoted" values keep their blanks */
			if (e - v >= 2 && *v == '"' && e[-1] == '"') {
				v++;
				e--;
			}
			/* the line once, the key's end overwritten (k < v or
			 * k == e: then the value is the empty string there) */
			cs_buf_clear(&line);
			if (cs_buf_add(&line, s, (size_t)(e - s))) {
				rc = CRASHSIG_ENOMEM;
			} else {
				line.data[k - s] = 0;
				rc = directive(L, line.data,
					       v < e ? line.data + (v - s) : line.data + (k - s));
			}
		}
		p = nl ? nl + 1 : end;
	}
	cs_buf_free(&line);
	return rc;
}

static int index_add(cs_start_index *ix, const char *lit, const cs_crash *c, int role)
{
	unsigned char ch = (unsigned char)lit[0];
	if (grow((void **)&ix->starts[ch], ix->nstarts[ch], sizeof(cs_start_ref)))
		return CRASHSIG_ENOMEM;
	cs_start_ref *v = ix->starts[ch];
	size_t ll = strlen(lit);
	v[ix->nstarts[ch]].lit = lit;
	v[ix->nstarts[ch]].len = ll;
	v[ix->nstarts[ch]].crash = c;
	v[ix->nstarts[ch]].role = role;
	ix->starts[ch] = v;
	ix->nstarts[ch]++;
	if (ll >= 4) {
		unsigned h = cs_gram4(lit);
		ix->gram[h >> 6] |= 1ull << (h & 63);
		/* Teddy buckets: markers grouped by their first byte */
		const unsigned char *ul = (const unsigned char *)lit;
		unsigned bucket = 1u << (ul[0] & 7);
		for (unsigned q = 0; q < 4; q++) {
			ix->teddy_lo[q][ul[q] & 15] |= (unsigned char)bucket;
			ix->teddy_hi[q][ul[q] >> 4] |= (unsigned char)bucket;
		}
	} else {
		/* too short for the prefilters: looked for byte by byte */
		ix->short_first[ch] = 1;
		ix->any_short = 1;
	}
	return 0;
}

/* The text every match of regex re begins with (after a leading ^): its
 * characters up to the first metacharacter; an escaped punctuation
 * character is literal; a character made optional by ?, * or {} is not
 * part of it. Writes at most cap - 1 bytes and a terminator to out. */
static size_t literal_prefix(const char *re, char *out, size_t cap)
{
	size_t n = 0;
	const char *s = re[0] == '^' ? re + 1 : re;
	while (*s && n + 1 < cap) {
		char ch;
		const char *next;
		if (*s == '\\') {
			if (!s[1] || isalnum((unsigned char)s[1]))
				break; /* a class (\d, \s) or an escape sequence */
			ch = s[1];
			next = s + 2;
		} else if (strchr(".^$*+?()[]{}|", *s)) {
			break;
		} else {
			ch = *s;
			next = s + 1;
		}
		if (*next == '*' || *next == '?' || *next == '{')
			break;
		out[n++] = ch;
		if (*next == '+')
			break;
		s = next;
	}
	out[n] = 0;
	return n;
}

/* Put the literal prefixes of the pieces of a table that must see lines
 * starting no crash (suppress, block-stop) into the start index: role
 * CS_REF_SUPPRESS or CS_REF_BOOT. */
static int index_literals(loader *L, const strlist *pieces, int role)
{
	cs_rules *r = L->r;
	char ***lits = role == CS_REF_SUPPRESS ? &r->suppress_lits : &r->boot_lits;
	size_t *n = role == CS_REF_SUPPRESS ? &r->nsuppress_lits : &r->nboot_lits;
	for (size_t i = 0; i < pieces->n; i++) {
		char lit[128];
		if (literal_prefix(pieces->v[i], lit, sizeof(lit)) < 4) {
			if (role == CS_REF_SUPPRESS)
				r->suppress_any_line = 1;
			continue;
		}
		if (grow((void **)lits, *n, sizeof(char *)))
			return CRASHSIG_ENOMEM;
		char **v = *lits;
		if (!(v[*n] = cs_arena_strdup(&r->strings, lit)))
			return CRASHSIG_ENOMEM;
		(*n)++;
		if (index_add(&r->start_index, v[*n - 1], NULL, role))
			return CRASHSIG_ENOMEM;
	}
	return 0;
}

static int finish(loader *L)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	L->r->start_index.use_teddy = __builtin_cpu_supports("ssse3");
#endif
	cs_rules *r = L->r;
	L->file = "(joined)";
	L->line = 0;
	for (size_t g = 0; g < G_COUNT; g++) {
		strlist *l = &L->pending[g];
		if (!l->n)
			continue;
		/* Compile each piece alone first, so errors name their line
		 * (rules from files; the built-in ones compile: test_rules). */
		for (size_t i = 0; L->eager && i < l->n; i++) {
			char msg[600];
			pcre2_code *code = NULL;
			L->file = L->global_where[g].v[i];
			char *src = expand(L, l->v[i]); /* (in the arena) */
			if (src)
				code = compile_one(src, 0, msg, sizeof(msg));
			if (!code)
				return src ? fail(L, "%s", msg) : CRASHSIG_ERULES;
			pcre2_code_free(code);
		}
		int split = globals[g].how & TABLE_SPLIT;
		cs_buf b = {0}, loose = {0};
		/* Tables whose groups are read (executor: proc and id) are
		 * joined in a branch reset group "(?|...)": every piece numbers
		 * its groups from 1, so $1 is group 1 of whichever piece
		 * matched, never an unset group of another piece. */
		if (!split && cs_buf_adds(&b, "(?|"))
			return CRASHSIG_ENOMEM;
		for (size_t i = 0; i < l->n; i++) {
			cs_buf *to = split && l->v[i][0] != '^' ? &loose : &b;
			int first = split ? !to->len : i == 0;
			if (cs_buf_adds(to, first ? "(?:" : "|(?:") ||
			    cs_buf_adds(to, l->v[i]) || cs_buf_adds(to, ")")) {
				cs_buf_free(&b);
				cs_buf_free(&loose);
				return CRASHSIG_ENOMEM;
			}
		}
		if (!split && cs_buf_adds(&b, ")")) {
			cs_buf_free(&b);
			return CRASHSIG_ENOMEM;
		}
		L->file = globals[g].name;
		cs_re *dst = global_re(r, g);
		int rc = re_compile_loose(L, dst, b.len ? b.data : loose.data,
					  b.len && loose.len ? loose.data : NULL,
					  globals[g].how & TABLE_LINES ? PCRE2_MULTILINE : 0);
		cs_buf_free(&b);
		cs_buf_free(&loose);
		if (rc)
			return rc;
		/* messages about the joined table name where its pieces are */
		char where[400];
		if (l->n == 1)
			snprintf(where, sizeof(where), "%s", L->global_where[g].v[0]);
		else
			snprintf(where, sizeof(where), "%s table (%s and %zu more)",
				 globals[g].name, L->global_where[g].v[0], l->n - 1);
		if (!(dst->where = cs_arena_strdup(&r->strings, where)))
			return CRASHSIG_ENOMEM;
		if (dst == &r->suppress && (rc = index_literals(L, l, CS_REF_SUPPRESS)))
			return rc;
		if (dst == &r->block_stop && (rc = index_literals(L, l, CS_REF_BOOT)))
			return rc;
	}
	for (size_t i = 0; i < r->ncrashes; i++) {
		cs_crash *c = &r->crashes[i];
		if (!c->nstarts)
			return cs_error(L->err, CRASHSIG_ERULES,
					"%s: crash '%s' has no 'start'", c->where, c->name);
		for (size_t j = 0; j < c->nstarts; j++)
			if (index_add(&r->start_index, c->starts[j], c, CS_REF_CRASH))
				return CRASHSIG_ENOMEM;
		for (size_t j = 0; j < c->nformats; j++) {
			cs_format *f = &c->formats[j];
			if (!f->match.src || !f->title)
				return cs_error(L->err, CRASHSIG_ERULES,
						"%s: format needs 'match' and 'title'",
						f->where);
		}
	}
	return 0;
}

static void loader_free(loader *L)
{
	cs_buf_free(&L->xbuf);
	for (size_t g = 0; g < G_COUNT; g++) {
		strlist_free(&L->pending[g]);
		strlist_free(&L->global_where[g]);
	}
}

int cs_rules_load_texts_ex(cs_rules **out, size_t n, const char *const *names,
			   const char *const *texts, const size_t *lens, int eager,
			   cs_err *err)
{
	*out = NULL;
	cs_rules *r = calloc(1, sizeof(*r));
	if (!r)
		return cs_error(err, CRASHSIG_ENOMEM, "out of memory");
	loader L = {0};
	L.r = r;
	L.err = err;
	L.eager = eager;
	r->jit_after = CS_RE_JIT_AFTER;
	int rc = 0;
	if (!(r->mctx = pcre2_match_context_create(NULL))) {
		cs_rules_free(r);
		return cs_error(err, CRASHSIG_ENOMEM, "out of memory");
	}
	pcre2_set_match_limit(r->mctx, CS_RE_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, CS_RE_DEPTH_LIMIT);
	pcre2_set_heap_limit(r->mctx, CS_RE_HEAP_LIMIT_KIB);
	if (!(r->mctx_head = pcre2_match_context_copy(r->mctx))) {
		cs_rules_free(r);
		return cs_error(err, CRASHSIG_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = load_text(&L, names[i], texts[i], lens[i]);
	if (!rc)
		rc = finish(&L);
	loader_free(&L);
	if (rc) {
		if (rc == CRASHSIG_ENOMEM)
			cs_error(err, rc, "out of memory while loading rules");
		cs_rules_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int cs_rules_load_texts(cs_rules **out, size_t n, const char *const *names,
			const char *const *texts, const size_t *lens, cs_err *err)
{
	return cs_rules_load_texts_ex(out, n, names, texts, lens, 1, err);
}

void cs_rules_visit(cs_rules *r, void (*fn)(void *arg, cs_re *re), void *arg)
{
#define VISIT(re_)                   \
	do {                         \
		cs_re *v_ = (re_);   \
		if (v_->src)         \
			fn(arg, v_); \
	} while (0)
	for (size_t i = 0; i < r->ncrashes; i++) {
		cs_crash *c = &r->crashes[i];
		for (size_t j = 0; j < c->nnots; j++)
			VISIT(&c->nots[j]);
		for (size_t j = 0; j < c->nformats; j++) {
			cs_format *f = &c->formats[j];
			VISIT(&f->match);
			VISIT(&f->requires);
			for (size_t k = 0; k < f->nsteps; k++)
				VISIT(&f->steps[k].re);
			for (size_t k = 0; k < f->nosteps; k++)
				VISIT(&f->osteps[k].re);
			for (size_t k = 0; k < f->nskip; k++)
				VISIT(&f->skip[k]);
		}
	}
	for (size_t g = 0; g < G_COUNT; g++)
		VISIT(global_re(r, g));
	for (size_t i = 0; i < r->nsanitize; i++)
		VISIT(&r->sanitize[i].re);
	for (size_t i = 0; i < r->nalts; i++)
		VISIT(&r->alts[i].re);
	for (size_t i = 0; i < r->ntypes; i++)
		VISIT(&r->types[i].re);
#undef VISIT
}

static void count_re(void *arg, cs_re *re)
{
	(void)re;
	(*(size_t *)arg)++;
}

static void number_re(void *arg, cs_re *re)
{
	re->pre = (uint32_t)++*(size_t *)arg;
}

/* Do the codes compiled at build time fit the PCRE2 this process runs
 * with? The same version and the same build options, else none is used
 * (pcre2_serialize_decode checks the version too, not the options). */
int cs_rules_codes_fit(const struct crashsig_builtin_codes *p)
{
	char v[64];
	uint32_t linksize = 0, newline = 0, bsr = 0;
	if (!p->n || !p->pcre2_version || pcre2_config(PCRE2_CONFIG_VERSION, v) < 0 ||
	    strcmp(v, p->pcre2_version))
		return 0;
	pcre2_config(PCRE2_CONFIG_LINKSIZE, &linksize);
	pcre2_config(PCRE2_CONFIG_NEWLINE, &newline);
	pcre2_config(PCRE2_CONFIG_BSR, &bsr);
	return linksize == p->linksize && newline == p->newline && bsr == p->bsr;
}

int cs_rules_load_builtin(cs_rules **out, cs_err *err)
{
	size_t n = 0;
	while (crashsig_builtin_rules[n].name)
		n++;
	const char **names = calloc(n + 1, sizeof(char *));
	const char **texts = calloc(n + 1, sizeof(char *));
	size_t *lens = calloc(n + 1, sizeof(size_t));
	int rc = CRASHSIG_ENOMEM;
	if (names && texts && lens) {
		for (size_t i = 0; i < n; i++) {
			names[i] = crashsig_builtin_rules[i].name;
			texts[i] = crashsig_builtin_rules[i].text;
			lens[i] = crashsig_builtin_rules[i].len;
		}
		rc = cs_rules_load_texts_ex(out, n, names, texts, lens, 0, err);
		if (!rc && cs_rules_codes_fit(&crashsig_builtin_codes)) {
			/* the regexes are numbered as the generator numbered
			 * them; another count means other rules: none used */
			size_t count = 0;
			cs_rules_visit(*out, count_re, &count);
			if (count == crashsig_builtin_codes.n) {
				count = 0;
				cs_rules_visit(*out, number_re, &count);
				(*out)->pre = &crashsig_builtin_codes;
			}
		}
	} else {
		cs_error(err, rc, "out of memory");
	}
	free(names);
	free(texts);
	free(lens);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cs_rules_load_dir(cs_rules **out, const char *dir, cs_err *err)
{
	*out = NULL;
	DIR *d = opendir(dir);
	if (!d)
		return cs_error(err, CRASHSIG_EIO, "%s: %s", dir, strerror(errno));
	strlist files = {0};
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) && !rc) {
		size_t l = strlen(de->d_name);
		if (l > 6 && !strcmp(de->d_name + l - 6, ".rules"))
			rc = strlist_add(&files, de->d_name, l);
	}
	closedir(d);
	if (!rc && !files.n)
		rc = cs_error(err, CRASHSIG_ERULES, "%s: no *.rules files", dir);
	if (rc) {
		strlist_free(&files);
		return rc == CRASHSIG_ENOMEM ? cs_error(err, rc, "out of memory") : rc;
	}
	qsort(files.v, files.n, sizeof(char *), cmp_str);
	strlist names = {0};
	char **texts = calloc(files.n, sizeof(char *));
	size_t *lens = calloc(files.n, sizeof(size_t));
	if (!texts || !lens)
		rc = CRASHSIG_ENOMEM;
	for (size_t i = 0; i < files.n && !rc; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, files.v[i]);
		if ((rc = strlist_add(&names, path, strlen(path))))
			break;
		FILE *fp = fopen(path, "rb");
		if (!fp) {
			rc = cs_error(err, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
			break;
		}
		cs_buf b = {0};
		char chunk[8192];
		size_t got;
		struct stat st;
		if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
			/* "x.rules/" is no rules file: never read as empty */
			fclose(fp);
			rc = cs_error(err, CRASHSIG_EIO, "%s: %s", path, strerror(EISDIR));
			break;
		}
		while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			if (cs_buf_add(&b, chunk, got)) {
				rc = CRASHSIG_ENOMEM;
				break;
			}
		if (!rc && ferror(fp))
			rc = cs_error(err, CRASHSIG_EIO, "%s: read error: %s", path,
				      strerror(errno));
		fclose(fp);
		lens[i] = b.len;
		texts[i] = cs_buf_detach(&b);
		if (!texts[i])
			rc = CRASHSIG_ENOMEM;
	}
	if (!rc)
		rc = cs_rules_load_texts(out, files.n, (const char *const *)names.v,
					 (const char *const *)texts, lens, err);
	else if (rc == CRASHSIG_ENOMEM)
		cs_error(err, rc, "out of memory");
	for (size_t i = 0; texts && i < files.n; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	strlist_free(&names);
	strlist_free(&files);
	return rc;
}

void cs_rules_free(cs_rules *r)
{
	if (!r)
		return;
	/* (the strings are in r->strings) */
	for (size_t i = 0; i < r->ncrashes; i++) {
		cs_crash *c = &r->crashes[i];
		free(c->starts);
		for (size_t j = 0; j < c->nnots; j++)
			re_free(&c->nots[j]);
		free(c->nots);
		free(c->absorbs);
		for (size_t j = 0; j < c->nformats; j++) {
			cs_format *f = &c->formats[j];
			re_free(&f->match);
			re_free(&f->requires);
			for (size_t k = 0; k < f->nsteps; k++)
				re_free(&f->steps[k].re);
			for (size_t k = 0; k < f->nosteps; k++)
				re_free(&f->osteps[k].re);
			free(f->osteps);
			free(f->steps);
			for (size_t k = 0; k < f->nskip; k++)
				re_free(&f->skip[k]);
			free(f->skip);
		}
		free(c->formats);
	}
	free(r->crashes);
	for (int i = 0; i < 256; i++)
		free(r->start_index.starts[i]);
	free(r->suppress_lits);
	free(r->boot_lits);
	for (size_t g = 0; g < G_COUNT; g++)
		re_free(global_re(r, g));
	cs_subst *subs[] = {r->sanitize, r->alts, r->types};
	size_t ns[] = {r->nsanitize, r->nalts, r->ntypes};
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < ns[k]; i++)
			re_free(&subs[k][i].re);
		free(subs[k]);
	}
	free(r->macro_names);
	free(r->macro_vals);
	for (size_t i = 0; i < r->log.n; i++)
		free(r->log.msgs[i]);
	free(r->log.msgs);
	pcre2_match_context_free(r->mctx);
	pcre2_match_context_free(r->mctx_head);
	cs_arena_free(&r->strings);
	free(r);
}
