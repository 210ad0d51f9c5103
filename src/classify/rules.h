/* Rule engine: the crash kinds, title formats and global tables loaded from
 * the rules directory (see rules/README.md for the language). */
#ifndef CRASHSIG_RULES_H
#define CRASHSIG_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/util.h"

struct crashsig_builtin_codes; /* classify/rules_builtin.h */

/* Rules whose regex hit the PCRE2 limits while matching: each is recorded
 * once ("FILE:LINE: ..."), for crashsig_warning(). Owned by cs_rules; it is
 * the only part of the rules written while matching, which is safe because
 * the rules belong to one context and a context is used from one thread at
 * a time. */
typedef struct cs_re_log {
	char **msgs;
	size_t n;
} cs_re_log;

/* Bounds on the cost of one match of a rules regex (pcre2_match_context):
 * a pattern with catastrophic backtracking gives up after this much work and
 * counts as no match. The built-in rules stay far below them on the corpus
 * (tests/classify/test_limits.c). */
#define CS_RE_MATCH_LIMIT 200000u
#define CS_RE_DEPTH_LIMIT 20000u
#define CS_RE_HEAP_LIMIT_KIB 65536u
/* Longest pattern a macro expansion may produce. */
#define CS_RE_MAX_EXPANDED_N 262144
#define CS_RE_MAX_EXPANDED ((size_t)CS_RE_MAX_EXPANDED_N)
#define CS_STR_(x) #x
#define CS_STR(x) CS_STR_(x)

/* A regex of the rules. It is compiled when it is first matched (built-in
 * rules: most crash kinds' formats are never needed by a small log) or
 * when the rules are loaded (rules read from files: errors name their
 * line), and JIT-compiled once it has been run CS_RE_JIT_AFTER times (the
 * JIT costs several times the compilation: worth it for the regexes of
 * every line and every frame, not for the ones a report needs once).
 * Compiling and the counter write through a const pointer: the rules belong
 * to one context, used from one thread at a time (see cs_re_log). */
enum { CS_RE_NEW = 0, CS_RE_READY, CS_RE_BROKEN };

/* Required literals of a regex (re_lits.c): every match contains one of
 * them. Sorted by first byte; first[c] = 1 + the index of the first
 * literal starting with c, 0 for none. */
#define CS_RE_LITS_MAX 16
#define CS_RE_LIT_LEN 32
/* Subjects up to this long are scanned for the literals first. */
#define CS_RE_LITS_SCAN 256
typedef struct cs_re_lits {
	int n;
	unsigned char len[CS_RE_LITS_MAX];
	char s[CS_RE_LITS_MAX][CS_RE_LIT_LEN];
	unsigned char first[256];
	/* the distinct first bytes (a few: searched with memchr) */
	int nfirst;
	unsigned char fb[CS_RE_LITS_MAX];
	/* Teddy tables of the literals' first three bytes (fewer when a
	 * literal is shorter; unused rows let everything through): bucket
	 * bit i % 8 for literal i; searched 32 positions at a time with AVX2 */
	int avx2;
	unsigned char t_lo[3][16], t_hi[3][16];
	unsigned char tlen;
} cs_re_lits;
/* A set with at most this many distinct first bytes is searched with one
 * memchr per first byte (larger sets: one pass over the subject); then it
 * also serves an anchored regex whose first bytes include blanks
 * ("^\s*Call Trace"). Chosen by callgrind over the corpus: 0, 2, 4, 8. */
#define CS_RE_LITS_FEW_FIRST 8
/* The set of pattern (compiled with opts), or NULL when the pattern has
 * none this reader can be sure of (malloc'd: free()). */
cs_re_lits *cs_re_lits_new(const char *pattern, uint32_t opts);
/* Does s (n bytes) contain one of the literals? */
int cs_re_lits_any(const cs_re_lits *l, const char *s, size_t n);
/* Where does the first of them start in s? n when none does. */
size_t cs_re_lits_find(const cs_re_lits *l, const char *s, size_t n);
/* For a pattern anchored at the subject start (every alternative begins
 * with ^, and no PCRE2_MULTILINE): the literals every match begins with
 * ("^Kernel panic|^Rebooting in \\d+"), or NULL (malloc'd: free()). */
cs_re_lits *cs_re_prefixes_new(const char *pattern, uint32_t opts);
/* Does s (n bytes) begin with one of the prefixes? */
int cs_re_prefixes_at(const cs_re_lits *l, const char *s, size_t n);
/* The most newline bytes a match of pattern (compiled with opts, newlines
 * LF alone) can hold, lookarounds counted as if they consumed, when it is
 * below CS_RE_NL_MAX and the pattern asks for no end of the subject (\z,
 * \Z, '$' without MULTILINE); else, or when the reader is not sure, -1.
 * Then a match starting in line i lies in lines i..i+n, and is found the
 * same in the subject cut at the end of line i+n: what cannot match a
 * newline fails there as it does at the end of the subject. */
#define CS_RE_NL_MAX 64
int cs_re_max_newlines(const char *pattern, uint32_t opts);
/* Sets of literals such that every match of pattern holds one of each (the
 * literal runs and groups of its top level, else the set of
 * cs_re_lits_new), the best first: up to max into out (malloc'd: free()).
 * Returns how many. */
int cs_re_lits_conj(const char *pattern, uint32_t opts, cs_re_lits **out, int max);

/* A byte class every match of a regex holds a run of (cs_re_classes). */
typedef struct cs_re_class {
	uint64_t set[4];   /* bit c: byte c is of the class */
	unsigned char run; /* the run's shortest length (at least 1) */
} cs_re_class;
/* Up to max classes of the mandatory items of pattern ("\\d{7,}": a run of
 * 7 digits; mandatory groups without alternatives are read through), into
 * out; returns how many (0: none known, or a pattern this reader does not
 * fully understand). */
int cs_re_classes(const char *pattern, uint32_t opts, cs_re_class *out, int max);
/* The bytes a subject holds. */
typedef struct cs_bytes {
	uint64_t w[4];
} cs_bytes;
void cs_bytes_of(const char *s, size_t n, cs_bytes *out);
/* Does s (len bytes, *have its bytes) hold a run of each of the n classes? */
int cs_re_classes_in(const cs_re_class *cls, int n, const char *s, size_t len,
		     const cs_bytes *have);
#define CS_RE_CLASSES 4

#define CS_RE_HEAD_SETS 4

typedef struct cs_re {
	pcre2_code *code; /* owned, NULL until compiled */
	/* owned, may be NULL: for global tables, the pieces not anchored at
	 * the start, kept apart so that `code` stays anchored (one try per
	 * subject instead of one per position); a match is either's */
	pcre2_code *loose;
	/* for `code` anchored at the subject start: the bytes a match can
	 * begin with (has_first) and its shortest length, to answer most
	 * subjects without running the matcher */
	unsigned char first[32];
	unsigned char has_first;
	/* ready, has_first and no loose part: cs_re_match may answer from
	 * first alone */
	unsigned char quick_first;
	unsigned char anchored; /* `code` matches at the subject start only */
	unsigned char state; /* CS_RE_NEW, CS_RE_READY, CS_RE_BROKEN */
	unsigned char jit;   /* pcre2_jit_compile was run */
	unsigned char jit_code, jit_loose; /* ... and gave code / loose machine
					    * code: matched with pcre2_jit_match */
	uint32_t minlen;
	uint32_t opts;    /* pcre2_compile options */
	uint32_t uses;    /* matches run without the JIT */
	char *src;        /* pattern after macro expansion (of `code`) */
	char *loose_src;  /* may be NULL: pattern of `loose` */
	char *where;      /* "file:line" for messages */
	struct cs_rules *rules; /* borrowed: match limits, log, JIT threshold */
	uint32_t pre;     /* built-in rules: 1 + its entry in the codes compiled
			   * at build time (rules_builtin.h), or 0 */
	/* cs_re_match: the required literals of `code` and `loose` (owned,
	 * NULL: none known), made when it is JIT-compiled */
	cs_re_lits *lits, *loose_lits;
	cs_re_lits *pfx; /* owned, may be NULL: what every match of `code`
			  * begins with (anchored regexes) */
	unsigned char lits_done;
	/* cs_re_exec_head, made with the literals: 1 + the most newlines a
	 * match of `code` holds (cs_re_max_newlines; 0 unknown), and sets of
	 * literals it holds one of each of (cs_re_lits_conj, owned) */
	unsigned char head_lines;
	unsigned char nhead;
	cs_re_lits *head[CS_RE_HEAD_SETS];
	/* cs_re_maybe_in, made with the literals: the byte classes of `code`
	 * (cs_re_classes; owned, NULL: none) */
	cs_re_class *cls;
	unsigned char ncls;
} cs_re;

/* A regex is JIT-compiled before its match number CS_RE_JIT_AFTER + 1
 * (bench/README.md, "Startup": how this was chosen). */
#ifndef CS_RE_JIT_AFTER
#define CS_RE_JIT_AFTER 4u
#endif

typedef enum cs_step_kind {
	CS_STEP_GROUP, /* function captured by the match regex */
	CS_STEP_IP,    /* the instruction pointer line (RIP/pc/PC is at) */
	CS_STEP_TRACE, /* the first call trace after the header */
	CS_STEP_AFTER, /* frames following the first line matching re */
	CS_STEP_ANY,   /* every frame after the header */
	CS_STEP_STALL, /* representative frame of a stall (stall-anchor/entry) */
	CS_STEP_FIRST, /* first frame of the trace matching re (renamed to name) */
} cs_step_kind;

/* CS_STEP_STALL: what is read before the frame list (syzkaller's stack
 * "parts"): up to CS_STALL_PARTS of these, in order */
typedef enum cs_stall_part {
	CS_PART_FROM,  /* advance past the first line matching re */
	CS_PART_IP,    /* the next instruction pointer line is a frame */
	CS_PART_TRACE, /* advance past the next call-trace line */
} cs_stall_part;
#define CS_STALL_PARTS 4

typedef struct cs_step {
	cs_step_kind kind;
	int group;
	int verbatim; /* CS_STEP_GROUP: skip patterns do not apply ("frame arg N") */
	unsigned char parts[CS_STALL_PARTS]; /* CS_STEP_STALL */
	size_t nparts;
	cs_re re;   /* for CS_STEP_AFTER and CS_STEP_FIRST */
	char *name; /* for CS_STEP_FIRST: replacement name, or NULL */
} cs_step;

typedef struct cs_format {
	cs_re match;
	char *title;   /* template: $1..$9, {FRAME} */
	char *type;    /* NULL: inherit from the crash kind */
	char *alt_title; /* extra alternative title template, or NULL */
	cs_step *steps;
	size_t nsteps;
	cs_step *osteps; /* "origin": a second frame for alt-title's {ORIGIN} */
	size_t nosteps;
	cs_re *skip;   /* format-specific skip patterns */
	size_t nskip;
	int corrupted;    /* reports of this format are always corrupted */
	int no_frame_ok;  /* a missing frame is not corruption */
	int needs_trace;  /* without a call trace the frame is "corrupted" */
	int stackless;    /* the report has no stack by design */
	int else_next;    /* without a frame, try the next format */
	cs_re requires;   /* reports without a match are corrupted */
	char *where;
} cs_format;

typedef struct cs_crash {
	char *name;
	char *where;   /* "file:line" of the crash directive */
	char **starts; /* literal start markers */
	size_t nstarts;
	cs_re *nots;   /* a start line matching one of these is no crash */
	size_t nnots;
	char *type;
	cs_format *formats;
	size_t nformats;
	int follows;   /* continues a crash block already open (panic after oops) */
	char *absorbs; /* " a b c ": kinds whose start continues this block */
	int suppressed; /* reports of this kind are suppressed */
	int strict;     /* a block that matches no format is no crash */
	int nested;     /* inside an open block, its start is just a line */
	int not_first;  /* no crash when nothing was printed before it */
} cs_crash;

/* Index of the start markers of all crash kinds, for the extractor's scan
 * (see find_start in extract.c). Built once when the rules are loaded. */
/* What a literal of the index stands for: a crash kind's start marker, or,
 * with crash NULL, a line a table must see although it starts no crash. */
enum { CS_REF_CRASH = 0, CS_REF_SUPPRESS, CS_REF_BOOT };
typedef struct cs_start_ref {
	const char *lit;
	size_t len;
	const struct cs_crash *crash; /* CS_REF_CRASH only */
	int role;                     /* CS_REF_* */
} cs_start_ref;

typedef struct cs_start_index {
	cs_start_ref *starts[256]; /* markers by first byte (owned) */
	size_t nstarts[256];
	uint64_t gram[1024];       /* bitmap of hashed 4-byte prefixes */
	unsigned char teddy_lo[4][16]; /* Teddy nibble tables (4-byte prefixes) */
	unsigned char teddy_hi[4][16];
	int use_teddy;             /* the CPU has SSSE3 */
	unsigned char short_first[256]; /* first bytes of markers < 4 bytes */
	int any_short;
} cs_start_index;

/* Hash of the 4 bytes at s used by the start index. */
static inline unsigned cs_gram4(const char *s)
{
	uint32_t v;
	memcpy(&v, s, 4);
	return (unsigned)((v * 0x9E3779B1u) >> 16);
}

typedef struct cs_subst {
	cs_re re;
	char *repl; /* $1..$9 */
} cs_subst;

typedef struct cs_rules {
	cs_crash *crashes;
	size_t ncrashes;
	cs_re skip;          /* all global skip patterns joined */
	cs_re call_trace;    /* lines that open a call trace */
	cs_re stack_end;     /* lines that close a call trace */
	cs_re block_end;     /* lines that close a crash block (kept) */
	cs_re block_stop;    /* lines that close a crash block (not kept) */
	cs_re corrupt_title; /* titles matching this are corrupted */
	cs_re corrupt_report;/* reports matching this are corrupted */
	cs_re suppress;      /* reports matching this are suppressed */
	cs_re not_crash;     /* lines that are never crash starts */
	cs_re frame_norm;    /* function name normalization: group 1 is dropped */
	cs_re executor;      /* groups 1, 2: syz-executor proc and id */
	cs_re panic;         /* lines that mean the kernel panicked */
	cs_re stall_anchor;  /* dispatchers: the frame above the first one names a stall */
	cs_re stack_start;   /* lines that start a stack: a stall's frame list ends there */
	cs_re corrupt_frame; /* frames that show interleaved output */
	cs_re corrupt_line;  /* lines that show interleaved output (multi-line) */
	cs_re generic;       /* frames similarity ignores (dedup); see cs_rules_frame_generic */
	cs_re assert_site;   /* group 1: the source file of a failed assertion (dedup) */
	cs_subst *sanitize;
	size_t nsanitize;
	cs_subst *alts;
	size_t nalts;
	cs_subst *types;     /* title regex => type, when the format has none */
	size_t ntypes;
	cs_start_index start_index; /* all start markers, for the scan */
	/* The literal prefixes of the suppress pieces, in the start index as
	 * markers of no crash (crash NULL): a line without one cannot match
	 * the table. suppress_any_line: a piece has no usable prefix, so
	 * every line is matched against the table. */
	char **suppress_lits;
	size_t nsuppress_lits;
	int suppress_any_line;
	/* The same for the block-stop pieces (a machine booting: a new run
	 * for the suppressions); a piece without a prefix is seen only on
	 * lines the extractor reads anyway. */
	char **boot_lits;
	size_t nboot_lits;
	char **macro_names;
	char **macro_vals;
	size_t nmacros;
	pcre2_match_context *mctx; /* owned: match limits of every regex */
	/* owned: the same, with an offset limit set by cs_re_exec_head */
	pcre2_match_context *mctx_head;
	cs_re_log log;             /* regexes that hit the limits */
	uint32_t jit_after;        /* CS_RE_JIT_AFTER (tests: 0 = at once,
				    * UINT32_MAX = never) */
	/* the regexes compiled at build time, when they fit this PCRE2 */
	const struct crashsig_builtin_codes *pre;
	size_t ndecoded, ncompiled; /* regexes made ready from pre / patterns */
	/* every string of the rules (names, titles, types, patterns, "file:
	 * line" places, start literals) but the log and `absorbs` */
	cs_arena strings;
} cs_rules;

/* The built-in rules. Their regexes are compiled on first use; a test
 * (tests/classify/test_rules.c) loads the same texts with
 * cs_rules_load_texts, which compiles every one. */
int cs_rules_load_builtin(cs_rules **out, cs_err *err);
int cs_rules_load_dir(cs_rules **out, const char *dir, cs_err *err);
/* Load from in-memory files (names[i], texts[i], lens[i]); every regex is
 * compiled, so that a bad one is an error naming its file and line. */
int cs_rules_load_texts(cs_rules **out, size_t n, const char *const *names,
			const char *const *texts, const size_t *lens, cs_err *err);
/* The same, with eager 0: regexes are compiled on first use, and the
 * checks that need a compiled regex are not made (for texts known to
 * pass them: the built-in rules). */
int cs_rules_load_texts_ex(cs_rules **out, size_t n, const char *const *names,
			   const char *const *texts, const size_t *lens, int eager,
			   cs_err *err);
void cs_rules_free(cs_rules *r);

/* Calls fn for every regex of the rules that has a pattern, always in the
 * same order (the order of the codes compiled at build time). */
void cs_rules_visit(cs_rules *r, void (*fn)(void *arg, cs_re *re), void *arg);
/* What identifies a compiled regex: a 64-bit FNV-1a hash of its options
 * and patterns. */
uint64_t cs_re_key(const cs_re *re);
/* Were the codes of p (rules_builtin.h) compiled by the PCRE2 this
 * process runs with: the same version, link size, newline and \R
 * conventions? Only then does cs_rules_load_builtin use them. */
int cs_rules_codes_fit(const struct crashsig_builtin_codes *p);

/* Regex helpers (match data allocated by the caller). A regex that cannot
 * be compiled when first used (built-in rules only: they compile, a test
 * says so) is recorded once in the log and never matches. */
int cs_re_match_any(const cs_re *re, const char *s, size_t len, size_t start,
		    pcre2_match_data *md);
/* Does re (its code or its loose part) match s from start? The common
 * answer of the line tables, an anchored regex whose first bytes exclude
 * s[0], without a call. */
static inline int cs_re_match(const cs_re *re, const char *s, size_t len, size_t start,
			      pcre2_match_data *md)
{
	if (re->quick_first && start == 0 && len &&
	    !(re->first[(unsigned char)s[0] >> 3] & (1u << ((unsigned char)s[0] & 7))))
		return 0;
	return cs_re_match_any(re, s, len, start, md);
}
/* Can re's code match s (len bytes, from its start) at all? 0 when it
 * certainly cannot (first byte of an anchored regex, shortest length,
 * required literals of a short subject), 1 otherwise. For the callers of
 * cs_re_exec that would run it on titles. */
int cs_re_maybe(const cs_re *re, const char *s, size_t len);
/* The same, and 0 too when s, whose bytes are *have, lacks a run of one of
 * the byte classes of re (cs_re_classes): for titles tried with many regexes
 * (the sanitize table). */
int cs_re_maybe_in(const cs_re *re, const char *s, size_t len, const cs_bytes *have);
/* pcre2_match of re->code (not the loose part) under the limits of the
 * rules; a match that hits a limit is recorded once per rule and returns
 * PCRE2_ERROR_NOMATCH. */
int cs_re_exec(const cs_re *re, const char *s, size_t len, size_t start,
	       pcre2_match_data *md);
/* Does the rules file give this regex (a table may be absent)? */
/* cs_re_exec from the subject start for a match that starts at or before
 * offset limit: the formats' `match` regexes (compiled with
 * PCRE2_USE_OFFSET_LIMIT) tried on a report's header line, without
 * scanning the rest of the report. Other regexes: cs_re_exec (the caller
 * checks where the match starts). A regex whose matches hold at most n
 * newlines (cs_re_max_newlines) sees the subject up to the end of the n-th
 * line after the one of limit, and is not run when that holds none of the
 * literals of one of its sets (cs_re_lits_conj): no match then (one starting
 * past limit is not sought). */
int cs_re_exec_head(const cs_re *re, const char *s, size_t len, size_t limit,
		    pcre2_match_data *md);
static inline int cs_re_ok(const cs_re *re) { return re->src != NULL; }
/* Literals every match of re holds one of (cs_re_lits_new), for callers
 * that find the candidates of many subjects in one scan: NULL when re is
 * not ready, has none known (yet: they are read once it is JIT-compiled),
 * begins with known prefixes instead, or has a part not anchored. */
const cs_re_lits *cs_re_required_lits(const cs_re *re);

/* Is the function name func (len bytes, compiler suffixes already removed)
 * a generic frame by the `generic` table of the rules: one that says
 * nothing about which bug a stack belongs to (library helpers, list
 * debugging, allocators, ...; rules/90-dedup.rules)? An empty name is
 * generic; without a `generic` table no other name is. md: match data of
 * the caller. The accessor dedup's similarity goes through. */
int cs_rules_frame_generic(const cs_rules *r, const char *func, size_t len,
			   pcre2_match_data *md);
/* The source file named by a report's header as the place of a failed
 * assertion ("kernel BUG at mm/slub.c:435!", "WARNING: CPU: 0 PID: 1 at
 * lib/refcount.c:25 ..."; the `assert-site` table of the rules), searched
 * in the first 3 lines of text: *site points at its base name inside text
 * (*len bytes). Returns 1 when found, else 0. md: match data of the caller
 * with at least 2 pairs. */
int cs_rules_assert_site(const cs_rules *r, const char *text, size_t len,
			 pcre2_match_data *md, const char **site, size_t *site_len);

#endif
