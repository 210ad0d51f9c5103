/*
 * Required literals of a rules regex: a set of strings such that every
 * match of the regex contains at least one of them. A subject that holds
 * none cannot match, and is answered without running PCRE2 (cs_re_match:
 * most lines and function names a table sees hold none of its words).
 *
 * The pattern is read conservatively: only what is certainly literal
 * counts (characters outside classes, escaped punctuation), a quantifier
 * that allows zero repetitions removes its item, and anything this reader
 * does not fully understand (case-insensitive or extended options, verbs,
 * \Q..\E, \x and other escapes with arguments, `{` that is not a
 * quantifier, ...) gives no set at all, so the regex is always run. For each
 * alternative the longest run of mandatory literal characters is its
 * literal, or, when better, the set of a mandatory group; the set of the
 * pattern is the union over its alternatives.
 */
#include <stdlib.h>
#include <string.h>

#include "classify/teddy.h"
#ifdef CS_HAVE_TEDDY32
#define CS_LITS_TEDDY 1
#endif

#include "classify/rules.h"

#define LIT_MAX CS_RE_LITS_MAX /* literals in a set */
#define LIT_MIN 3              /* shortest literal worth a scan */
#define LIT_LEN CS_RE_LIT_LEN  /* a longer run is cut (still required) */

/* (small: sets are copied as the reader goes; their bytes are in the
 * reader's pool) */
typedef struct litset {
	int n; /* -1: no set */
	unsigned char len[LIT_MAX];
	const char *s[LIT_MAX];
} litset;

#define CONJ_MAX 8 /* sets kept by cs_re_lits_conj */

typedef struct rd {
	const char *p, *end;
	int fail;
	char pool[4096]; /* the literals' bytes */
	size_t npool;
	/* cs_re_lits_conj: the sets of the mandatory items of the pattern's
	 * top level, and whether it has alternatives */
	int collect, top_alts, nconj;
	litset conj[CONJ_MAX];
} rd;

/* At a backslash: its escape character into *e and r->p past both; 0 with
 * r->fail set when the pattern ends at the backslash. */
static int take_escape(rd *r, char *e)
{
	if (r->p + 1 >= r->end) {
		r->fail = 1;
		return 0;
	}
	*e = r->p[1];
	r->p += 2;
	return 1;
}

static int shortest(const litset *l)
{
	int m = LIT_LEN + 1;
	for (int i = 0; i < l->n; i++)
		if (l->len[i] < m)
			m = l->len[i];
	return l->n > 0 ? m : 0;
}

/* Is set a better requirement than b (longer shortest literal, then
 * fewer literals)? */
static int better(const litset *a, const litset *b)
{
	if (a->n <= 0)
		return 0;
	if (b->n <= 0)
		return 1;
	int sa = shortest(a), sb = shortest(b);
	return sa != sb ? sa > sb : a->n < b->n;
}

static void add_lit(rd *r, litset *l, const char *s, size_t n)
{
	if (l->n < 0)
		return;
	if (n > LIT_LEN)
		n = LIT_LEN; /* a prefix of a required literal is required */
	for (int i = 0; i < l->n; i++)
		if (l->len[i] == n && !memcmp(l->s[i], s, n))
			return;
	if (l->n == LIT_MAX) {
		l->n = -1;
		return;
	}
	if (s < r->pool || s >= r->pool + sizeof(r->pool)) {
		if (n > sizeof(r->pool) - r->npool) {
			l->n = -1; /* (a very long pattern: no set) */
			return;
		}
		memcpy(r->pool + r->npool, s, n);
		s = r->pool + r->npool;
		r->npool += n;
	}
	l->s[l->n] = s;
	l->len[l->n++] = (unsigned char)n;
}

static litset parse_alts(rd *r, int depth);

/* After an item: a quantifier ('?', '*', '+', "{m}", "{m,}", "{m,n}", each
 * maybe lazy or possessive)? Returns its minimum (1 without one, *rep set
 * with one) and sets *max (1 without one, -1 unbounded), or returns -1 on
 * something this reader does not understand. */
static long quantifier_ex(rd *r, int *rep, long *max)
{
	*rep = 0;
	*max = 1;
	if (r->p >= r->end)
		return 1;
	long min;
	char q = *r->p;
	if (q == '?' || q == '*') {
		min = 0;
		*max = q == '?' ? 1 : -1;
		r->p++;
	} else if (q == '+') {
		min = 1;
		*max = -1;
		r->p++;
	} else if (q == '{') {
		const char *s = r->p + 1;
		if (s >= r->end || *s < '0' || *s > '9')
			return -1; /* "{,n}" differs between PCRE2 versions */
		min = 0;
		while (s < r->end && *s >= '0' && *s <= '9' && min < 100000)
			min = min * 10 + (*s++ - '0');
		*max = min;
		if (s < r->end && *s == ',') {
			s++;
			if (s < r->end && *s == '}') {
				*max = -1;
			} else {
				/* (a bound past 100000 counts as none) */
				*max = 0;
				for (; s < r->end && *s >= '0' && *s <= '9'; s++)
					if (*max >= 0)
						*max = *max < 100000 ? *max * 10 + (*s - '0') : -1;
			}
		}
		if (s >= r->end || *s != '}')
			return -1;
		r->p = s + 1;
	} else {
		return 1;
	}
	*rep = 1;
	if (r->p < r->end && (*r->p == '?' || *r->p == '+'))
		r->p++; /* lazy or possessive */
	return min;
}

static long quantifier(rd *r, int *rep)
{
	long max;
	return quantifier_ex(r, rep, &max);
}

/* Skip a character class; r->p is past '['. */
static void skip_class(rd *r)
{
	if (r->p < r->end && *r->p == '^')
		r->p++;
	if (r->p < r->end && *r->p == ']')
		r->p++; /* a leading ']' is literal */
	while (r->p < r->end && *r->p != ']') {
		if (*r->p == '\\') {
			/* two bytes, "\cX" three ("\c]" is a control byte);
			 * "\Q...\E" may hide a ']' */
			if (r->p + 1 >= r->end || r->p[1] == 'Q' ||
			    (r->p[1] == 'c' && r->p + 2 >= r->end)) {
				r->fail = 1;
				return;
			}
			r->p += r->p[1] == 'c' ? 3 : 2;
		} else if (*r->p == '[' && r->p + 1 < r->end && r->p[1] == ':') {
			const char *e = r->p + 2;
			while (e + 1 < r->end && !(e[0] == ':' && e[1] == ']'))
				e++;
			if (e + 1 >= r->end) {
				r->fail = 1;
				return;
			}
			r->p = e + 2;
		} else {
			r->p++;
		}
	}
	if (r->p >= r->end)
		r->fail = 1;
	else
		r->p++;
}

/* For cs_re_lits_conj: keep set l of a mandatory item of the top level
 * (the best CONJ_MAX of them). */
static void keep_conj(rd *r, const litset *l)
{
	if (!r->collect || l->n <= 0)
		return;
	if (r->nconj < CONJ_MAX) {
		r->conj[r->nconj++] = *l;
		return;
	}
	int worst = 0;
	for (int i = 1; i < r->nconj; i++)
		if (better(&r->conj[worst], &r->conj[i]))
			worst = i;
	if (better(l, &r->conj[worst]))
		r->conj[worst] = *l;
}

/* One alternative, up to '|' or ')' (not consumed) or the end. */
static litset parse_seq(rd *r, int depth)
{
	litset best = {.n = 0};
	char run[LIT_LEN];
	size_t nrun = 0;
#define END_RUN()                                                            \
	do {                                                                 \
		if (nrun >= LIT_MIN) {                                       \
			litset one = {.n = 0};                               \
			add_lit(r, &one, run, nrun);                         \
			if (better(&one, &best))                             \
				best = one;                                  \
			if (depth == 0)                                      \
				keep_conj(r, &one);                          \
		}                                                            \
		nrun = 0;                                                    \
	} while (0)
	while (!r->fail && r->p < r->end && *r->p != '|' && *r->p != ')') {
		char ch = *r->p;
		int literal = 0;
		char lit = 0;
		litset group = {.n = -1};
		if (ch == '\\') {
			if (r->p + 1 >= r->end) {
				r->fail = 1;
				break;
			}
			char e = r->p[1];
			if (!((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
			      (e >= '0' && e <= '9'))) {
				literal = 1;
				lit = e;
				r->p += 2;
			} else if (strchr("dDsSwWhHvVRbBAzZGntrfae", e)) {
				r->p += 2; /* a class, an assertion, a control character */
			} else {
				r->fail = 1; /* backreferences, \x.., \p{..}, \Q, ... */
				break;
			}
		} else if (ch == '[') {
			r->p++;
			skip_class(r);
		} else if (ch == '(') {
			r->p++;
			int use = 1;
			if (r->p < r->end && *r->p == '*') {
				r->fail = 1; /* verbs */
				break;
			}
			if (r->p < r->end && *r->p == '?') {
				const char *q = r->p + 1;
				if (q < r->end && (*q == ':' || *q == '|' || *q == '>')) {
					r->p = q + 1;
				} else if (q < r->end && (*q == '=' || *q == '!')) {
					r->p = q + 1;
					use = 0; /* lookahead: zero width */
				} else if (q + 1 < r->end && *q == '<' && (q[1] == '=' || q[1] == '!')) {
					r->p = q + 2;
					use = 0; /* lookbehind */
				} else if (q < r->end && (*q == '<' || *q == '\'' ||
							  (*q == 'P' && q + 1 < r->end && q[1] == '<'))) {
					/* named group */
					char close = *q == '\'' ? '\'' : '>';
					while (q < r->end && *q != close)
						q++;
					if (q >= r->end) {
						r->fail = 1;
						break;
					}
					r->p = q + 1;
				} else {
					r->fail = 1; /* options, comments, recursion */
					break;
				}
			}
			if (depth > 32) {
				r->fail = 1;
				break;
			}
			litset in = parse_alts(r, depth + 1);
			if (r->fail || r->p >= r->end || *r->p != ')') {
				r->fail = 1;
				break;
			}
			r->p++;
			if (use)
				group = in;
		} else if (ch == '.' || ch == '^' || ch == '$') {
			r->p++;
		} else if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
			r->fail = 1; /* a quantifier with nothing before it */
			break;
		} else {
			literal = 1;
			lit = ch;
			r->p++;
		}
		int rep;
		long min = quantifier(r, &rep);
		if (min < 0) {
			r->fail = 1;
			break;
		}
		if (literal && min > 0) {
			if (nrun < LIT_LEN)
				run[nrun++] = lit; /* (past LIT_LEN: the prefix is required) */
			if (rep)
				END_RUN(); /* repeated: the next character may not follow */
		} else {
			END_RUN();
			if (!literal && min > 0 && better(&group, &best))
				best = group;
			if (!literal && min > 0 && depth == 0)
				keep_conj(r, &group);
		}
	}
	END_RUN();
#undef END_RUN
	return best;
}

/* Alternatives separated by '|' up to ')' or the end: every one must
 * have a set; the union is the set (n -1: none, though the syntax was
 * understood; r->fail: it was not). */
static litset parse_alts(rd *r, int depth)
{
	litset all = {.n = 0};
	for (;;) {
		litset one = parse_seq(r, depth);
		if (r->fail) {
			all.n = -1;
			return all;
		}
		if (one.n <= 0)
			all.n = -1;
		for (int i = 0; i < one.n && all.n >= 0; i++)
			add_lit(r, &all, one.s[i], one.len[i]);
		if (all.n < 0 && depth == 0) {
			r->fail = 1; /* the pattern has none: no need to read on */
			return all;
		}
		if (r->p < r->end && *r->p == '|') {
			if (depth == 0)
				r->top_alts = 1;
			r->p++;
			continue;
		}
		return all;
	}
}

/* ---- anchored prefixes --------------------------------------------- */

/* One literal character at r->p (an escaped punctuation character or a
 * plain one)? Sets *ch and advances. */
static int literal_char(rd *r, char *ch)
{
	if (r->p >= r->end)
		return 0;
	char c = *r->p;
	if (c == '\\') {
		if (r->p + 1 >= r->end)
			return 0;
		char e = r->p[1];
		if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
			return 0;
		*ch = e;
		r->p += 2;
		return 1;
	}
	if (strchr(".^$*+?()[]{}|", c))
		return 0;
	*ch = c;
	r->p++;
	return 1;
}

static int leads_alts(rd *r, int caret, litset *out, int depth);

/* The leading literals of one alternative: after '^' when caret is set
 * (or inside a non-capturing group of such alternatives), a run of
 * literal characters, or the leading literals of a group. The rest of the
 * alternative is read and ignored. Returns 0 when it has none. */
static int leads_seq(rd *r, int caret, litset *out, int depth)
{
	if (depth > 32)
		return 0;
	int ok = 0;
	int group = 1;
	if (caret && r->p + 2 < r->end && !memcmp(r->p, "(?:", 3)) {
		r->p += 3;
		ok = leads_alts(r, 1, out, depth + 1);
		if (!ok || r->p >= r->end || *r->p != ')')
			return 0;
		r->p++;
	} else {
		if (caret) {
			if (r->p >= r->end || *r->p != '^')
				return 0;
			r->p++;
		}
		if (r->p < r->end && *r->p == '(') {
			r->p++;
			if (r->p + 1 < r->end && r->p[0] == '?' && r->p[1] == ':')
				r->p += 2;
			else if (r->p < r->end && *r->p == '?')
				return 0; /* lookarounds, names, options */
			ok = leads_alts(r, 0, out, depth + 1);
			if (!ok || r->p >= r->end || *r->p != ')')
				return 0;
			r->p++;
		} else {
			char run[LIT_LEN];
			size_t n = 0;
			char ch;
			group = 0;
			for (;;) {
				const char *at = r->p;
				if (n == LIT_LEN || !literal_char(r, &ch))
					break;
				int rep;
				long min = quantifier(r, &rep);
				if (min < 0)
					return 0;
				if (min == 0) {
					r->p = at; /* optional: for parse_seq */
					break;
				}
				run[n++] = ch;
				if (rep)
					break;
			}
			if (!n)
				return 0;
			add_lit(r, out, run, n);
			ok = out->n > 0;
		}
	}
	if (!ok)
		return 0;
	if (group) {
		/* a group quantified to be optional leads nothing */
		int rep;
		long min = quantifier(r, &rep);
		if (min <= 0)
			return 0;
	}
	/* the rest of the alternative */
	(void)parse_seq(r, depth);
	return !r->fail;
}

static int leads_alts(rd *r, int caret, litset *out, int depth)
{
	for (;;) {
		if (!leads_seq(r, caret, out, depth) || out->n < 0)
			return 0;
		if (r->p < r->end && *r->p == '|') {
			r->p++;
			continue;
		}
		return 1;
	}
}

static cs_re_lits *make_lits(const litset *l, int drop_longer);

/* A reader at the start of pattern (on the heap: its pool is large). */
static rd *rd_new(const char *pattern)
{
	rd *r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	r->p = pattern;
	r->end = pattern + strlen(pattern);
	r->fail = 0;
	r->npool = 0;
	r->collect = r->top_alts = r->nconj = 0;
	return r;
}

cs_re_lits *cs_re_prefixes_new(const char *pattern, uint32_t opts)
{
	if (opts & (PCRE2_CASELESS | PCRE2_EXTENDED | PCRE2_EXTENDED_MORE | PCRE2_LITERAL |
		    PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE))
		return NULL;
	rd *r = rd_new(pattern);
	if (!r)
		return NULL;
	litset l = {.n = 0};
	cs_re_lits *out = NULL;
	if (leads_alts(r, 1, &l, 0) && !r->fail && r->p == r->end && l.n > 0)
		out = make_lits(&l, 0);
	free(r);
	return out;
}

/* ---- one line ------------------------------------------------------- */

static void class_set(rd *r, uint64_t *set);

/* Can the class at r->p (after its '[') match a newline? 1 when it can or
 * when this reader does not know its bytes (class_set); advances past the
 * class. */
static int class_nl(rd *r)
{
	const char *start = r->p;
	uint64_t set[4];
	class_set(r, set);
	if (!r->fail)
		return (set[0] >> '\n') & 1;
	r->fail = 0;
	r->p = start;
	skip_class(r);
	return 1;
}

/* The most times the item just read may repeat: 1 without a quantifier,
 * -1 unbounded, -2 something this reader does not know. */
static long max_reps(rd *r)
{
	int rep;
	long max;
	return quantifier_ex(r, &rep, &max) < 0 ? -2 : max;
}

#define NL_UNBOUNDED 100000L

static long nl_alts(rd *r, uint32_t opts, int depth);

/* The most newline bytes a match of one alternative (up to '|' or ')', not
 * consumed) can hold, lookarounds counted as if they consumed; at least
 * NL_UNBOUNDED when there is no bound; r->fail on what this reader does not
 * know. */
static long nl_seq(rd *r, uint32_t opts, int depth)
{
	long sum = 0;
	while (!r->fail && r->p < r->end && *r->p != '|' && *r->p != ')') {
		char ch = *r->p;
		long item = 0;
		if (ch == '\\') {
			char e;
			if (!take_escape(r, &e))
				break;
			if (e == '\n' || e == 'n' || e == 's' || e == 'v' || e == 'R' || e == 'D' ||
			    e == 'W' || e == 'H' || e == 'V') {
				item = 1; /* (\R: CR LF holds one) */
			} else if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
				   (e >= '0' && e <= '9')) {
				if (!strchr("dwShbBAGtrfea", e)) {
					r->fail = 1; /* \z \Z, \N, arguments, references */
					break;
				}
			}
		} else if (ch == '[') {
			r->p++;
			item = class_nl(r);
		} else if (ch == '(') {
			r->p++;
			if (r->p < r->end && *r->p == '*') {
				r->fail = 1; /* verbs: (*CR), (*ANY), ... */
				break;
			}
			if (r->p < r->end && *r->p == '?') {
				const char *q = r->p + 1;
				if (q < r->end && (*q == ':' || *q == '|' || *q == '>' || *q == '=' ||
						  *q == '!')) {
					r->p = q + 1;
				} else if (q + 1 < r->end && *q == '<' && (q[1] == '=' || q[1] == '!')) {
					r->p = q + 2;
				} else {
					r->fail = 1; /* options ((?s)), names, recursion */
					break;
				}
			}
			if (depth > 32) {
				r->fail = 1;
				break;
			}
			item = nl_alts(r, opts, depth + 1);
			if (r->fail || r->p >= r->end || *r->p != ')') {
				r->fail = 1;
				break;
			}
			r->p++;
		} else if (ch == '\n') {
			item = 1;
			r->p++;
		} else if (ch == '$' && !(opts & PCRE2_MULTILINE)) {
			r->fail = 1; /* the end of the subject only */
			break;
		} else if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
			r->fail = 1; /* a quantifier with nothing before it */
			break;
		} else {
			r->p++; /* literals, '.', '^', '$' */
		}
		long reps = max_reps(r);
		if (reps == -2) {
			r->fail = 1;
			break;
		}
		if (item) {
			if (reps < 0 || item >= NL_UNBOUNDED || reps >= NL_UNBOUNDED)
				sum = NL_UNBOUNDED;
			else
				sum += item * reps;
			if (sum > NL_UNBOUNDED)
				sum = NL_UNBOUNDED;
		}
	}
	return sum;
}

static long nl_alts(rd *r, uint32_t opts, int depth)
{
	long most = 0;
	for (;;) {
		long one = nl_seq(r, opts, depth);
		if (r->fail)
			return NL_UNBOUNDED;
		if (one > most)
			most = one;
		if (r->p < r->end && *r->p == '|') {
			r->p++;
			continue;
		}
		return most;
	}
}

int cs_re_max_newlines(const char *pattern, uint32_t opts)
{
	/* (`.` matches a newline with DOTALL; the other options change what
	 * this reader would have to know) */
	if (opts & ~(uint32_t)(PCRE2_MULTILINE | PCRE2_USE_OFFSET_LIMIT | PCRE2_CASELESS |
			       PCRE2_DOLLAR_ENDONLY | PCRE2_NO_AUTO_CAPTURE | PCRE2_ANCHORED))
		return -1;
	rd *r = rd_new(pattern);
	if (!r)
		return -1;
	long n = nl_alts(r, opts, 0);
	int ok = !r->fail && r->p == r->end && n < CS_RE_NL_MAX;
	free(r);
	return ok ? (int)n : -1;
}

/* ---- byte classes ---------------------------------------------------- */

static void set_range(uint64_t *set, unsigned lo, unsigned hi)
{
	for (unsigned c = lo; c <= hi && c < 256; c++)
		set[c >> 6] |= 1ull << (c & 63);
}

/* The bytes of escape e (\d \w \s \D \W \S, or a control or punctuation
 * character) into set; 0 when this reader does not know it. */
static int escape_set(char e, uint64_t *set)
{
	uint64_t t[4] = {0};
	int neg = 0;
	switch (e) {
	case 'D': neg = 1; /* fall through */
	case 'd': set_range(t, '0', '9'); break;
	case 'W': neg = 1; /* fall through */
	case 'w':
		set_range(t, '0', '9');
		set_range(t, 'a', 'z');
		set_range(t, 'A', 'Z');
		set_range(t, '_', '_');
		break;
	case 'S': neg = 1; /* fall through */
	case 's':
		set_range(t, '\t', '\r'); /* \t \n \v \f \r */
		set_range(t, ' ', ' ');
		break;
	case 't': set_range(t, '\t', '\t'); break;
	case 'n': set_range(t, '\n', '\n'); break;
	case 'r': set_range(t, '\r', '\r'); break;
	case 'f': set_range(t, '\f', '\f'); break;
	case 'e': set_range(t, 27, 27); break;
	case 'a': set_range(t, 7, 7); break;
	default:
		if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9') ||
		    e == '\n')
			return 0;
		set_range(t, (unsigned char)e, (unsigned char)e);
	}
	for (int k = 0; k < 4; k++)
		set[k] |= neg ? ~t[k] : t[k];
	return 1;
}

/* The class at r->p (after its '['): its bytes into set, r->fail when this
 * reader does not know them. */
static void class_set(rd *r, uint64_t *set)
{
	uint64_t t[4] = {0};
	int neg = 0, first = 1, prev = -1;
	if (r->p < r->end && *r->p == '^') {
		neg = 1;
		r->p++;
	}
	while (r->p < r->end && (*r->p != ']' || first)) {
		first = 0;
		int lit = -1;
		char ch = *r->p;
		if (ch == '\\') {
			if (r->p + 1 >= r->end)
				break;
			char e = r->p[1];
			r->p += 2;
			uint64_t one[4] = {0};
			if (!escape_set(e, one)) {
				r->fail = 1;
				return;
			}
			for (int k = 0; k < 4; k++)
				t[k] |= one[k];
			/* one byte (a range may start there): its value */
			if (!((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z')))
				lit = (unsigned char)e;
			else if (strchr("tnrfea", e))
				lit = e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r'
				    : e == 'f' ? '\f' : e == 'e' ? 27 : 7;
		} else if (ch == '[' && r->p + 1 < r->end &&
			   (r->p[1] == ':' || r->p[1] == '.' || r->p[1] == '=')) {
			r->fail = 1; /* POSIX classes */
			return;
		} else if (ch == '-' && prev >= 0 && r->p + 1 < r->end && r->p[1] != ']') {
			r->p++;
			int hi;
			if (*r->p == '\\') {
				if (r->p + 1 >= r->end)
					break;
				char e = r->p[1];
				if (strchr("tnrfea", e)) {
					hi = e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r'
					   : e == 'f' ? '\f' : e == 'e' ? 27 : 7;
				} else if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
					   (e >= '0' && e <= '9') || e == '\n') {
					r->fail = 1;
					return;
				} else {
					hi = (unsigned char)e;
				}
				r->p += 2;
			} else {
				hi = (unsigned char)*r->p++;
			}
			if (hi < prev) {
				r->fail = 1;
				return;
			}
			set_range(t, (unsigned)prev, (unsigned)hi);
			prev = -1;
			continue;
		} else {
			lit = (unsigned char)ch;
			set_range(t, (unsigned)lit, (unsigned)lit);
			r->p++;
		}
		prev = lit;
	}
	if (r->p >= r->end) {
		r->fail = 1;
		return;
	}
	r->p++;
	for (int k = 0; k < 4; k++)
		set[k] = neg ? ~t[k] : t[k];
}

static void keep_class(cs_re_class *out, int max, int *n, const uint64_t *set, long min)
{
	uint64_t all = set[0] & set[1] & set[2] & set[3];
	if (*n >= max || all == ~0ull)
		return;
	cs_re_class *c = &out[(*n)++];
	memcpy(c->set, set, sizeof(c->set));
	c->run = (unsigned char)(min > 255 ? 255 : min);
}

/* The mandatory items of one sequence (depth: of groups) up to '|' or ')'
 * (not consumed): classes into out; r->fail on what this reader does not
 * know; *alt set when the sequence ends at '|'. */
static void classes_seq(rd *r, cs_re_class *out, int max, int *n, int mandatory, int depth)
{
	while (!r->fail && r->p < r->end && *r->p != '|' && *r->p != ')') {
		char ch = *r->p;
		uint64_t set[4] = {0};
		int have = 0;
		const char *group = NULL;
		if (ch == '\\') {
			char e;
			if (!take_escape(r, &e))
				break;
			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
				if (strchr("dwsDWS", e))
					have = escape_set(e, set);
				else if (!strchr("bBAzZGtnrfea", e)) {
					r->fail = 1; /* references, arguments, \h \v \R ... */
					break;
				}
			}
		} else if (ch == '[') {
			r->p++;
			class_set(r, set);
			have = 1;
		} else if (ch == '(') {
			r->p++;
			int look = 0;
			if (r->p < r->end && *r->p == '*') {
				r->fail = 1;
				break;
			}
			if (r->p < r->end && *r->p == '?') {
				const char *q = r->p + 1;
				if (q < r->end && (*q == ':' || *q == '>')) {
					r->p = q + 1;
				} else if (q < r->end && (*q == '=' || *q == '!')) {
					r->p = q + 1;
					look = 1;
				} else if (q + 1 < r->end && *q == '<' && (q[1] == '=' || q[1] == '!')) {
					r->p = q + 2;
					look = 1;
				} else {
					r->fail = 1; /* options, names, branch resets, ... */
					break;
				}
			}
			if (depth > 32) {
				r->fail = 1;
				break;
			}
			group = r->p;
			(void)look;
			/* read the group: its items count when it is mandatory,
			 * has no alternatives and is no lookaround (decided
			 * once its quantifier is known: read it again then) */
			int m = *n;
			int alts = 0;
			for (;;) {
				classes_seq(r, out, max, n, 0, depth + 1);
				if (r->fail || r->p >= r->end || *r->p != '|')
					break;
				alts = 1;
				r->p++;
			}
			*n = m;
			if (r->fail || r->p >= r->end || *r->p != ')') {
				r->fail = 1;
				break;
			}
			r->p++;
			int rep;
			long min = quantifier(r, &rep);
			if (min < 0) {
				r->fail = 1;
				break;
			}
			if (mandatory && min > 0 && !alts && !look) {
				const char *after = r->p;
				r->p = group;
				classes_seq(r, out, max, n, 1, depth + 1);
				r->p = after;
			}
			continue;
		} else if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
			r->fail = 1;
			break;
		} else {
			r->p++; /* literals, '.', anchors */
		}
		int rep;
		long min = quantifier(r, &rep);
		if (min < 0) {
			r->fail = 1;
			break;
		}
		if (have && mandatory && min > 0)
			keep_class(out, max, n, set, min);
	}
}

int cs_re_classes(const char *pattern, uint32_t opts, cs_re_class *out, int max)
{
	if (opts & (PCRE2_CASELESS | PCRE2_EXTENDED | PCRE2_EXTENDED_MORE | PCRE2_LITERAL |
		    PCRE2_UTF | PCRE2_UCP | PCRE2_DOTALL))
		return 0;
	rd *r = rd_new(pattern);
	if (!r)
		return 0;
	int n = 0;
	classes_seq(r, out, max, &n, 1, 0);
	/* (alternatives at the top level: none is known to be needed) */
	if (r->fail || r->p != r->end)
		n = 0;
	free(r);
	return n;
}

void cs_bytes_of(const char *s, size_t n, cs_bytes *out)
{
	uint64_t w[4] = {0};
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		w[c >> 6] |= 1ull << (c & 63);
	}
	memcpy(out->w, w, sizeof(w));
}

int cs_re_classes_in(const cs_re_class *cls, int n, const char *s, size_t len,
		     const cs_bytes *have)
{
	for (int i = 0; i < n; i++) {
		const cs_re_class *c = &cls[i];
		if (!((c->set[0] & have->w[0]) | (c->set[1] & have->w[1]) |
		      (c->set[2] & have->w[2]) | (c->set[3] & have->w[3])))
			return 0;
		if (c->run < 2)
			continue;
		size_t run = 0;
		int found = 0;
		for (size_t k = 0; k < len && !found; k++) {
			unsigned char b = (unsigned char)s[k];
			run = (c->set[b >> 6] >> (b & 63)) & 1 ? run + 1 : 0;
			found = run >= c->run;
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* ---- the set -------------------------------------------------------- */

cs_re_lits *cs_re_lits_new(const char *pattern, uint32_t opts)
{
	if (opts & (PCRE2_CASELESS | PCRE2_EXTENDED | PCRE2_EXTENDED_MORE | PCRE2_LITERAL |
		    PCRE2_UTF | PCRE2_UCP))
		return NULL;
	rd *r = rd_new(pattern);
	if (!r)
		return NULL;
	litset l = parse_alts(r, 0);
	cs_re_lits *out = NULL;
	if (!r->fail && r->p == r->end && l.n > 0)
		out = make_lits(&l, 1);
	free(r);
	return out;
}

int cs_re_lits_conj(const char *pattern, uint32_t opts, cs_re_lits **out, int max)
{
	if (opts & (PCRE2_CASELESS | PCRE2_EXTENDED | PCRE2_EXTENDED_MORE | PCRE2_LITERAL |
		    PCRE2_UTF | PCRE2_UCP))
		return 0;
	rd *r = rd_new(pattern);
	if (!r)
		return 0;
	r->collect = 1;
	litset all = parse_alts(r, 0);
	int n = 0;
	if (!r->fail && r->p == r->end && all.n > 0) {
		if (r->top_alts) {
			/* one alternative's items are not the others': the
			 * union is what every match holds */
			r->conj[0] = all;
			r->nconj = 1;
		}
		/* the best first (the first looked for) */
		for (int i = 1; i < r->nconj; i++)
			for (int j = i; j > 0 && better(&r->conj[j], &r->conj[j - 1]); j--) {
				litset t = r->conj[j];
				r->conj[j] = r->conj[j - 1];
				r->conj[j - 1] = t;
			}
		for (int i = 0; i < r->nconj && n < max; i++)
			if ((out[n] = make_lits(&r->conj[i], 1)))
				n++;
	}
	free(r);
	return n;
}

/* The Teddy tables of l (see cs_re_lits). */
static void teddy_tables(cs_re_lits *l)
{
	int tl = 3;
	for (int i = 0; i < l->n; i++)
		if (l->len[i] < tl)
			tl = l->len[i];
	memset(l->t_lo, 0, sizeof(l->t_lo));
	memset(l->t_hi, 0, sizeof(l->t_hi));
	for (int q = tl; q < 3; q++) {
		memset(l->t_lo[q], 0xff, 16);
		memset(l->t_hi[q], 0xff, 16);
	}
	for (int i = 0; i < l->n; i++)
		for (int q = 0; q < tl; q++) {
			unsigned char c = (unsigned char)l->s[i][q];
			l->t_lo[q][c & 15] |= (unsigned char)(1u << (i & 7));
			l->t_hi[q][c >> 4] |= (unsigned char)(1u << (i & 7));
		}
	l->tlen = (unsigned char)(tl > 0 ? tl : 1);
#ifdef CS_LITS_TEDDY
	l->avx2 = tl > 0 && __builtin_cpu_supports("avx2");
#endif
}


/* The set as a cs_re_lits. drop_longer: a literal that contains another
 * of the set adds nothing (for literals anywhere; a prefix that starts
 * with another prefix adds nothing either, which the containment test
 * would not see at position 0 only: kept). */
static cs_re_lits *make_lits(const litset *lp, int drop_longer)
{
	litset l = *lp;
	int keep[LIT_MAX];
	for (int i = 0; i < l.n; i++) {
		keep[i] = 1;
		for (int j = 0; j < l.n && keep[i] && drop_longer; j++)
			if (j != i && l.len[j] <= l.len[i] &&
			    (l.len[j] < l.len[i] || j < i) &&
			    memmem(l.s[i], l.len[i], l.s[j], l.len[j]))
				keep[i] = 0;
	}
	cs_re_lits *out = calloc(1, sizeof(*out));
	if (!out)
		return NULL;
	for (int i = 0; i < l.n; i++) {
		if (!keep[i])
			continue;
		memcpy(out->s[out->n], l.s[i], l.len[i]);
		out->len[out->n] = l.len[i];
		out->n++;
	}
	/* literals by first byte: first[c] = 1 + the first literal starting
	 * with c in a list sorted by it */
	for (int i = 1; i < out->n; i++)
		for (int j = i; j > 0 && (unsigned char)out->s[j][0] <
					     (unsigned char)out->s[j - 1][0]; j--) {
			char t[LIT_LEN];
			memcpy(t, out->s[j], LIT_LEN);
			memcpy(out->s[j], out->s[j - 1], LIT_LEN);
			memcpy(out->s[j - 1], t, LIT_LEN);
			unsigned char tl = out->len[j];
			out->len[j] = out->len[j - 1];
			out->len[j - 1] = tl;
		}
	for (int i = out->n - 1; i >= 0; i--)
		out->first[(unsigned char)out->s[i][0]] = (unsigned char)(i + 1);
	for (int i = 0; i < out->n; i++)
		if (!i || out->s[i][0] != out->s[i - 1][0])
			out->fb[out->nfirst++] = (unsigned char)out->s[i][0];
	teddy_tables(out);
	return out;
}

/* The literals starting with s[i] at i? */
static int lits_at(const cs_re_lits *l, const char *s, size_t n, size_t i)
{
	unsigned k = l->first[(unsigned char)s[i]];
	for (int j = (int)k - 1; k && j < l->n && l->s[j][0] == s[i]; j++)
		if (l->len[j] <= n - i && !memcmp(s + i, l->s[j], l->len[j]))
			return 1;
	return 0;
}

#ifdef CS_LITS_TEDDY
/* cs_re_lits_find with AVX2: candidates 32 positions at a time, each
 * compared with its literals (lits_at), in order. The last block is the 32
 * positions ending at the subject's end, overlapping the one before, so
 * nothing past the subject is read; a subject shorter than 34 bytes is
 * copied into a zeroed block first. */
__attribute__((target("avx2"))) static size_t lits_find_avx2(const cs_re_lits *l, const char *s,
							      size_t n)
{
	size_t tl = l->tlen;
	if (n < tl)
		return n;
	__m256i lo[3], hi[3];
	cs_teddy_load32(l->t_lo, l->t_hi, 3, lo, hi);
	char pad[128];
	const char *t = s;
	if (n < 34) {
		memset(pad, 0, sizeof(pad));
		memcpy(pad, s, n);
		t = pad;
	}
	for (size_t base = 0; base + tl <= n; base += 32) {
		size_t at = base;
		unsigned bits;
		if (t == pad || base + 34 <= n) {
			bits = cs_teddy_mask32(lo, hi, 3, t + base);
		} else {
			at = n - 34;
			bits = cs_teddy_mask32(lo, hi, 3, t + at) & ~((1u << (base - at)) - 1u);
		}
		size_t npos = n - tl + 1 - at; /* starts up to n - tl */
		if (npos < 32)
			bits &= (1u << npos) - 1u;
		while (bits) {
			size_t i = at + (size_t)__builtin_ctz(bits);
			if (lits_at(l, s, n, i))
				return i;
			bits &= bits - 1;
		}
	}
	return n;
}
#endif

int cs_re_lits_any(const cs_re_lits *l, const char *s, size_t n)
{
#ifdef CS_LITS_TEDDY
	if (l->avx2)
		return lits_find_avx2(l, s, n) < n;
#endif
	if (l->nfirst <= CS_RE_LITS_FEW_FIRST) {
		for (int f = 0; f < l->nfirst; f++) {
			const char *p = s, *end = s + n;
			while (p < end && (p = memchr(p, l->fb[f], (size_t)(end - p)))) {
				if (lits_at(l, s, n, (size_t)(p - s)))
					return 1;
				p++;
			}
		}
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned k = l->first[(unsigned char)s[i]];
		if (!k)
			continue;
		for (int j = (int)k - 1; j < l->n && l->s[j][0] == s[i]; j++)
			if (l->len[j] <= n - i && !memcmp(s + i, l->s[j], l->len[j]))
				return 1;
	}
	return 0;
}

size_t cs_re_lits_find(const cs_re_lits *l, const char *s, size_t n)
{
#ifdef CS_LITS_TEDDY
	if (l->avx2)
		return lits_find_avx2(l, s, n);
#endif
	for (size_t i = 0; i < n; i++)
		if (l->first[(unsigned char)s[i]] && lits_at(l, s, n, i))
			return i;
	return n;
}

int cs_re_prefixes_at(const cs_re_lits *l, const char *s, size_t n)
{
	return n && lits_at(l, s, n, 0);
}
