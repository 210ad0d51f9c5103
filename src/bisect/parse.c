/*
 * Parser of syz-ci bisection logs.
 *
 * The lines and their formats come from syzkaller's source:
 *  - pkg/bisect/bisect.go, env.log() calls in runImpl, bisect, build, test,
 *    processResults, bisectionDecision, detectNoopChange, commitRange*,
 *    testPredicate, revisionHadBug, identifyRewrittenCommit, minimizeConfig
 *    (2019: "testing commit H with COMPILER", "all runs: V", "run #N: V";
 *    2020: "kernel signature: S", "culprit signature:", "parent  signature:";
 *    2023+: "compiler: C", "representative crash: T, types: [..]",
 *    "false negative chance: F", "accumulated error probability: F",
 *    "ignore: T", "infra problem: T", recipients lines, the endings);
 *  - pkg/vcs/git.go Bisect: the "# git bisect ..." trace and git's own
 *    output ("Bisecting: N revisions left ...", "[H] title",
 *    "H is the first bad commit", the commit header, message and diffstat;
 *    2019 git printed a raw ":040000 040000 A B M\tdir" summary instead);
 *  - syz-ci/jobs.go hands pkg/bisect a debugtracer.GenericTracer writing to
 *    the buffer it uploads as the bisection log; GenericTracer.Logf adds a
 *    "02-Jan-2006 15:04:05: " prefix when WithTime is set (syz-ci and
 *    syz-bisect do not set it; other callers may).
 * A run verdict is one of processResults' strings: "OK", "crashed: T",
 * "boot failed: T", "basic kernel testing failed: T", "infra problem: T",
 * "ignore: T", "failed: T".
 *
 * Lines the parser cannot place are kept (crashsig_bisect_unrecognized).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bisect/bisect_int.h"

enum {
	ST_NORMAL,
	ST_COMMIT,  /* git commit header and message */
	ST_DIFF,    /* a unified diff */
	ST_LIST,    /* inconclusive commit list */
	ST_REPORT,  /* the final crash report: the rest of the log */
	ST_BUILD,   /* build error output */
};

struct bs_parser {
	crashsig_bisect *b;
	int state;
	unsigned lineno;
	const char *pending_release;
	int pending_head;
	const char *pending_parent;
	const char *subject_hash; /* from "[H] title" */
	const char *subject;
	int commit_is_culprit;    /* the git header being read is the culprit's */
	int in_message;
	int after_culprit;        /* git printed "H is the first bad commit" */
	cs_buf line;              /* the line without NUL bytes */
};
typedef struct bs_parser parser;

static const char *prefix(const char *s, const char *p)
{
	size_t n = strlen(p);
	return strncmp(s, p, n) ? NULL : s + n;
}

static size_t hexlen(const char *s)
{
	size_t n = 0;
	while (cs_isxdigit((unsigned char)s[n]) && !(s[n] >= 'A' && s[n] <= 'F'))
		n++;
	return n;
}

/* A full or abbreviated (>= 7) lowercase commit hash at s ending at a blank
 * or the end; returns its length or 0. */
static size_t hash_at(const char *s)
{
	size_t n = hexlen(s);
	if (n < 7 || n > 64)
		return 0;
	if (s[n] && s[n] != ' ' && s[n] != '\t')
		return 0;
	return n;
}

static int push(void **arr, size_t *n, size_t *cap, size_t elem)
{
	return cs_reserve(arr, cap, *n + 1, elem);
}

static int add_unrec(parser *p, const char *line)
{
	crashsig_bisect *b = p->b;
	b->unrec_total++;
	if (b->nunrec >= BS_MAX_UNREC)
		return 0; /* counted, not kept: memory is bounded */
	if (cs_reserve((void **)&b->unrec, &b->cap_unrec, b->nunrec + 1,
		       sizeof(*b->unrec)))
		return CRASHSIG_ENOMEM;
	const char *s = bs_strdup(b, line);
	if (!s)
		return CRASHSIG_ENOMEM;
	b->unrec[b->nunrec].text = s;
	b->unrec[b->nunrec].line = p->lineno;
	b->nunrec++;
	return 0;
}

static bs_step *cur_step(parser *p)
{
	return p->b->nsteps ? &p->b->steps[p->b->nsteps - 1] : NULL;
}

static bs_step *find_step(crashsig_bisect *b, const char *hash, size_t n)
{
	for (size_t i = b->nsteps; i-- > 0;)
		if (!strncmp(b->steps[i].pub.commit, hash, n) &&
		    strlen(b->steps[i].pub.commit) >= n)
			return &b->steps[i];
	return NULL;
}

static int new_step(parser *p, const char *hash, size_t hn, const char *rest)
{
	crashsig_bisect *b = p->b;
	if (b->nsteps >= BS_MAX_STEPS)
		return 0;
	if (push((void **)&b->steps, &b->nsteps, &b->cap_steps, sizeof(bs_step)))
		return CRASHSIG_ENOMEM;
	bs_step *s = &b->steps[b->nsteps];
	memset(s, 0, sizeof(*s));
	s->pub.line = p->lineno;
	s->pub.false_negative_logged = -1;
	if (!(s->pub.commit = bs_strndup(b, hash, hn)))
		return CRASHSIG_ENOMEM;
	if (p->pending_release) {
		s->pub.role = "release";
		s->pub.release = p->pending_release;
	} else if (p->pending_head) {
		s->pub.role = "head";
	} else if (p->pending_parent && !strncmp(p->pending_parent, hash, hn)) {
		s->pub.role = "parent";
		s->build_only = 1;
	} else if (b->nsteps == 0) {
		s->pub.role = "original";
	} else if (p->subject_hash && !strncmp(p->subject_hash, hash, hn)) {
		s->pub.role = "bisect";
	} else {
		s->pub.role = "other";
	}
	if (p->subject_hash && !strncmp(p->subject_hash, hash, hn))
		s->pub.subject = p->subject;
	p->pending_release = NULL;
	p->pending_head = 0;
	/* 2019-2022: "with gcc (GCC) 8.1.0"; 2023+: the compiler type ("gcc",
	 * "clang") and the identity on a "compiler:" line. */
	while (*rest == ' ')
		rest++;
	const char *w = prefix(rest, "with ");
	if (w)
		rest = w;
	if (*rest && !(s->pub.compiler = bs_strdup(b, rest)))
		return CRASHSIG_ENOMEM;
	b->nsteps++;
	return 0;
}

static int add_title(crashsig_bisect *b, bs_step *s, crashsig_run_status st,
		     const char *title, unsigned count)
{
	for (size_t i = 0; i < s->ntitles; i++) {
		crashsig_bisect_title *t = &s->titles[i];
		if (t->status == st && !strcmp(t->title, title)) {
			t->count += count;
			return 0;
		}
	}
	if (cs_reserve((void **)&s->titles, &s->cap_titles, s->ntitles + 1,
		       sizeof(*s->titles)))
		return CRASHSIG_ENOMEM;
	crashsig_bisect_title *t = &s->titles[s->ntitles];
	memset(t, 0, sizeof(*t));
	if (!(t->title = bs_strdup(b, title)))
		return CRASHSIG_ENOMEM;
	t->status = st;
	t->count = count;
	s->ntitles++;
	return 0;
}

/* Parse a processResults verdict string. Returns 0 if it is none. */
static int run_verdict(const char *v, crashsig_run_status *st, const char **title)
{
	static const struct {
		const char *pfx;
		crashsig_run_status st;
	} kinds[] = {
		{"crashed: ", CRASHSIG_RUN_CRASHED},
		{"boot failed: ", CRASHSIG_RUN_BOOT_FAILED},
		{"basic kernel testing failed: ", CRASHSIG_RUN_TEST_FAILED},
		{"infra problem: ", CRASHSIG_RUN_INFRA},
		{"ignore: ", CRASHSIG_RUN_IGNORED},
		{"failed: ", CRASHSIG_RUN_FAILED},
	};
	if (!strcmp(v, "OK")) {
		*st = CRASHSIG_RUN_OK;
		*title = NULL;
		return 1;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *r = prefix(v, kinds[i].pfx);
		if (r) {
			*st = kinds[i].st;
			*title = r;
			return 1;
		}
	}
	return 0;
}

static int add_run(parser *p, const char *v, int all)
{
	crashsig_run_status st;
	const char *title;
	bs_step *s = cur_step(p);
	if (!s || !run_verdict(v, &st, &title))
		return 1; /* not placed */
	crashsig_bisect *b = p->b;
	s->has_runs = 1;
	/* both appeared with the 2023 verdict rules (pulls #3876, #4009) */
	if (st == CRASHSIG_RUN_INFRA || st == CRASHSIG_RUN_IGNORED)
		b->has_modern_rules = 1;
	if (all) {
		s->all_runs = 1;
		s->all_status = st;
		if (title && !(s->all_title = bs_strdup(b, title)))
			return CRASHSIG_ENOMEM;
	} else {
		s->run_lines++;
	}
	if (title)
		return add_title(b, s, st, title, all ? 0 : 1) ? CRASHSIG_ENOMEM : 0;
	return 0;
}

static double parse_double(const char *s, int *ok)
{
	char *end;
	double v = strtod(s, &end);
	*ok = end != s;
	return v;
}

static int add_list(crashsig_bisect *b, const char ***arr, size_t *n, size_t *cap,
		    const char *s, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*arr)[i]) == len && !strncmp((*arr)[i], s, len))
			return 0;
	if (*n >= BS_MAX_LIST)
		return 0;
	if (cs_reserve((void **)arr, cap, *n + 1, sizeof(**arr)))
		return CRASHSIG_ENOMEM;
	const char *c = bs_strndup(b, s, len);
	if (!c)
		return CRASHSIG_ENOMEM;
	(*arr)[(*n)++] = c;
	return 0;
}

/* git diff --stat: " path/to/file | 15 +++-" or " ... | Bin 0 -> 12 bytes".
 * Returns 1 and adds the path. */
static int diffstat_line(crashsig_bisect *b, const char *l, int *rc)
{
	if (l[0] != ' ')
		return 0;
	const char *bar = strstr(l, " | ");
	if (!bar)
		return 0;
	const char *q = bar + 3;
	while (*q == ' ')
		q++;
	if (!cs_isdigit((unsigned char)*q) && strncmp(q, "Bin", 3))
		return 0;
	const char *s = l;
	while (*s == ' ')
		s++;
	const char *e = bar;
	while (e > s && e[-1] == ' ')
		e--;
	if (e <= s)
		return 0; /* no path before the bar (" | 5": s went past it) */
	*rc = add_list(b, &b->diffstat, &b->ndiffstat, &b->cap_diffstat, s,
		       (size_t)(e - s));
	return 1;
}

/* " 2 files changed, 15 insertions(+), 1 deletion(-)" and the like. */
static int diffstat_summary(const char *l)
{
	while (*l == ' ')
		l++;
	if (!cs_isdigit((unsigned char)*l))
		return 0;
	while (cs_isdigit((unsigned char)*l))
		l++;
	return !strncmp(l, " file changed", 13) || !strncmp(l, " files changed", 14);
}

/* git's raw output (2019 syz-ci logs): ":040000 040000 SHA SHA M\tpath".
 * A tree (040000) names a directory: stored as "path/". */
static int raw_line(crashsig_bisect *b, const char *l, int *rc)
{
	if (l[0] != ':' || !cs_isdigit((unsigned char)l[1]))
		return 0;
	const char *tab = strchr(l, '\t');
	if (!tab || !tab[1])
		return 0;
	int tree = !strncmp(l + 1, "040000", 6) || !strncmp(l + 8, "040000", 6);
	cs_buf tmp = {0};
	*rc = cs_buf_adds(&tmp, tab + 1);
	if (!*rc && tree)
		*rc = cs_buf_addc(&tmp, '/');
	if (!*rc)
		*rc = add_list(b, &b->diffstat, &b->ndiffstat, &b->cap_diffstat,
			       tmp.data, tmp.len);
	cs_buf_free(&tmp);
	return 1;
}

/* Lines of git's commit header; l is the whole line. */
static int commit_header_line(parser *p, const char *l)
{
	crashsig_bisect *b = p->b;
	if (prefix(l, "Merge: ")) {
		if (p->commit_is_culprit)
			b->culprit_merge_line = 1;
		return 1;
	}
	static const char *const hdr[] = {"Author: ", "AuthorDate: ", "Commit: ",
					  "CommitDate: ", "Date: ", "Date:   "};
	for (size_t i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
		if (prefix(l, hdr[i]))
			return 1;
	if (!strncmp(l, "    ", 4)) {
		if (p->commit_is_culprit && b->message.len < BS_MAX_MESSAGE &&
		    (cs_buf_adds(&b->message, l + 4) || cs_buf_addc(&b->message, '\n')))
			return -1;
		return 1;
	}
	return 0;
}

static int diff_line(parser *p, const char *l)
{
	crashsig_bisect *b = p->b;
	const char *r;
	if ((r = prefix(l, "+++ "))) {
		if (!strncmp(r, "b/", 2))
			r += 2;
		/* remember the file for the added lines that follow */
		if (b->added.len > BS_MAX_TEXT)
			return 1;
		return cs_buf_printf(&b->added, "@%s\n", r) ? -1 : 1;
	}
	if (prefix(l, "--- ") || prefix(l, "index ") || prefix(l, "@@ ") ||
	    prefix(l, "new file mode") || prefix(l, "deleted file mode") ||
	    prefix(l, "similarity index") || prefix(l, "rename from") ||
	    prefix(l, "rename to") || prefix(l, "old mode") || prefix(l, "new mode") ||
	    prefix(l, "\\ No newline"))
		return 1;
	if (l[0] == '+') {
		if (b->added.len > BS_MAX_TEXT)
			return 1;
		return cs_buf_printf(&b->added, "+%s\n", l + 1) ? -1 : 1;
	}
	if (l[0] == '-' || l[0] == ' ' || !l[0])
		return 1;
	return 0;
}

/* Lines that only carry information we do not need, but are known. */
static int known_note(const char *l)
{
	static const char *const pfx[] = {
		"building syzkaller on ",
		"ensuring issue is reproducible on original commit ",
		"picked ",
		"Bisecting: ",
		"cc: ",
		"recipients (to): ",
		"recipients (cc): ",
		"commit msg: ",
		"unable to determine the verdict: ",
		"determine whether the revision contains the guilty commit",
		"checking the merge base ",
		"no existing result, test the revision",
		"the bug was not introduced yet; pretend that kernel crashed",
		"determining the merge base between ",
		"reproducer does not crash the merge base",
		"expected 1 merge base, got ",
		"fetch other tags and check if the commit is present",
		"fetch failed with ",
		"rewritten commit ",
		"failed to detect release: ",
		"failed to detect noop change: ",
		"config minimization failed due to bad Kconfig",
		"proceeding with the original config",
		"crash reproduces with baseline config",
		"unable to test using baseline config, keep original config",
		"testing baseline config failed: ",
		"minimizing config failed: ",
		"There are only 'skip'ped commits left to test.",
		"We cannot bisect more!",
		"reproducer is flaky (",
	};
	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (prefix(l, pfx[i]))
			return 1;
	if (!strncmp(l, "revision ", 9) && strstr(l, " crashed and is reachable"))
		return 1;
	if (strstr(l, " is a merge base, check if it has the bug"))
		return 1;
	/* runImpl (2023+): "<hostname> starts bisection <time>" */
	if (strstr(l, " starts bisection "))
		return 1;
	return 0;
}

static int ending_line(parser *p, const char *l)
{
	crashsig_bisect_summary *sum = &p->b->sum;
	/* runImpl and validateCommitRange, every version. */
	if (!strcmp(l, "the crash already happened on the oldest tested release") ||
	    prefix(l, "oldest tested release already had the bug")) {
		sum->outcome = "oldest-release-had-bug";
		return 1;
	}
	if (!strcmp(l, "the crash still happens on HEAD") ||
	    prefix(l, "crash still not fixed or there were kernel test errors")) {
		sum->outcome = "not-fixed";
		return 1;
	}
	if (!strcmp(l, "crash still not fixed/happens on the oldest tested release")) {
		sum->outcome = !strcmp(sum->kind, "fix") ? "not-fixed"
							 : "oldest-release-had-bug";
		return 1;
	}
	if (!strcmp(l, "HEAD had kernel build, boot or test errors")) {
		sum->outcome = "error";
		return 1;
	}
	return 0;
}

static int normal_line(parser *p, const char *l)
{
	crashsig_bisect *b = p->b;
	crashsig_bisect_summary *sum = &b->sum;
	bs_step *s = cur_step(p);
	const char *r;
	size_t hn;
	int rc = 0, ok;

	if ((r = prefix(l, "bisecting cause commit starting from ")) ||
	    (r = prefix(l, "bisecting fixing commit since "))) {
		b->seen_bisection = 1;
		sum->kind = l[10] == 'c' ? "cause" : "fix";
		if ((hn = hash_at(r)) && !(sum->start_commit = bs_strndup(b, r, hn)))
			return -1;
		return 1;
	}
	if ((r = prefix(l, "building syzkaller on "))) {
		if ((hn = hash_at(r)) && !(sum->syzkaller_commit = bs_strndup(b, r, hn)))
			return -1;
		return 1;
	}
	if ((r = prefix(l, "testing commit ")) && (hn = hash_at(r))) {
		b->seen_bisection = 1;
		return new_step(p, r, hn, r + hn) ? -1 : 1;
	}
	if ((r = prefix(l, "testing release "))) {
		if (!(p->pending_release = bs_strdup(b, r)))
			return -1;
		return 1;
	}
	if (prefix(l, "testing current HEAD ")) {
		p->pending_head = 1;
		return 1;
	}
	if ((r = prefix(l, "kernel signature: ")) && s) {
		b->has_signature = 1;
		if (!(s->pub.signature = bs_strdup(b, r)))
			return -1;
		return 1;
	}
	if ((r = prefix(l, "compiler: ")) && s) {
		b->has_modern_format = 1;
		if (!(s->pub.compiler = bs_strdup(b, r)))
			return -1;
		return 1;
	}
	if ((r = prefix(l, "all runs: "))) {
		rc = add_run(p, r, 1);
		return rc < 0 ? -1 : !rc;
	}
	if ((r = prefix(l, "run #")) && cs_isdigit((unsigned char)*r)) {
		while (cs_isdigit((unsigned char)*r))
			r++;
		if (!(r = prefix(r, ": ")))
			return 0;
		rc = add_run(p, r, 0);
		return rc < 0 ? -1 : !rc;
	}
	if ((r = prefix(l, "representative crash: ")) && s) {
		b->has_modern_rules = 1;
		const char *t = strstr(r, ", types: [");
		const char *e = t ? t : r + strlen(r);
		if (!(s->pub.representative = bs_strndup(b, r, (size_t)(e - r))))
			return -1;
		return 1;
	}
	if ((r = prefix(l, "false negative chance: ")) && s) {
		b->has_modern_rules = 1;
		double v = parse_double(r, &ok);
		if (ok)
			s->pub.false_negative_logged = v;
		return ok;
	}
	if ((r = prefix(l, "accumulated error probability: "))) {
		b->has_modern_rules = 1;
		double v = parse_double(r, &ok);
		if (ok)
			sum->logged_error_probability = v;
		return ok;
	}
	if ((r = prefix(l, "failed building ")) && s) {
		/* env.test: "failed building HASH: reason" */
		if ((hn = hash_at(r)) == 0 && (hn = hexlen(r)) >= 7 && r[hn] == ':')
			r += hn + (r[hn + 1] == ' ' ? 2 : 1);
		s->pub.flags |= CRASHSIG_STEP_BUILD_FAILED;
		if (!(s->pub.build_error = bs_strdup(b, r)))
			return -1;
		p->state = ST_BUILD;
		return 1;
	}
	/* env.test: the test could not run at all (the bisection stops) */
	if (prefix(l, "repro testing failure: ") && s)
		return 1;
	if ((r = prefix(l, "# git bisect "))) {
		b->seen_bisection = 1;
		const char *v;
		crashsig_verdict vd = CRASHSIG_VERDICT_NONE;
		if ((v = prefix(r, "start "))) {
			/* "start BAD GOOD": the good end was tested good */
			const char *g = strchr(v, ' ');
			if (g && (hn = hash_at(g + 1)) &&
			    !(b->good_start = bs_strndup(b, g + 1, hn)))
				return -1;
			return 1;
		}
		if ((v = prefix(r, "good ")))
			vd = CRASHSIG_VERDICT_GOOD;
		else if ((v = prefix(r, "bad ")))
			vd = CRASHSIG_VERDICT_BAD;
		else if ((v = prefix(r, "skip ")))
			vd = CRASHSIG_VERDICT_SKIP;
		if (!v || !(hn = hash_at(v)))
			return 0;
		/* Fix bisections invert the verdict before git sees it
		 * (testPredicate): keep verdicts in crash terms (bad = the
		 * crash reproduces). */
		if (sum->kind && !strcmp(sum->kind, "fix") && vd != CRASHSIG_VERDICT_SKIP)
			vd = vd == CRASHSIG_VERDICT_GOOD ? CRASHSIG_VERDICT_BAD
							 : CRASHSIG_VERDICT_GOOD;
		bs_step *st = find_step(b, v, hn);
		if (st) {
			st->pub.logged = vd;
			st->pub.logged_explicit = 1;
			/* git decided on it: a bisection step even when the
			 * "[H] title" line is missing */
			if (!strcmp(st->pub.role, "other"))
				st->pub.role = "bisect";
			/* lines held back in a step that was skipped without runs
			 * were its build error */
			if (vd == CRASHSIG_VERDICT_SKIP && !st->has_runs && st->pending_valid &&
			    st == cur_step(p)) {
				if (!st->pub.build_error && st->pending_from < b->nunrec)
					st->pub.build_error = b->unrec[st->pending_from].text;
				st->pub.flags |= CRASHSIG_STEP_BUILD_FAILED;
				b->nunrec = st->pending_from;
			}
		}
		return 1;
	}
	if (l[0] == '[') {
		/* git bisect: "[H] title" of the commit it checks out next */
		size_t n = hexlen(l + 1);
		if (n >= 7 && l[1 + n] == ']' && l[2 + n] == ' ') {
			if (!(p->subject_hash = bs_strndup(b, l + 1, n)) ||
			    !(p->subject = bs_strdup(b, l + 3 + n)))
				return -1;
			return 1;
		}
	}
	if ((hn = hash_at(l)) && !strcmp(l + hn, " is the first bad commit")) {
		if (!sum->culprit && !(sum->culprit = bs_strndup(b, l, hn)))
			return -1;
		p->after_culprit = 1;
		return 1;
	}
	if ((r = prefix(l, "commit ")) && (hn = hash_at(r)) && !r[hn]) {
		p->state = ST_COMMIT;
		p->commit_is_culprit = p->after_culprit ||
				       (sum->culprit && !strncmp(sum->culprit, r, hn));
		return 1;
	}
	if ((r = prefix(l, "culprit signature: "))) {
		if (!(sum->culprit_signature = bs_strdup(b, r)))
			return -1;
		return 1;
	}
	if ((r = prefix(l, "parent  signature: ")) || (r = prefix(l, "parent signature: "))) {
		if (!(sum->parent_signature = bs_strdup(b, r)))
			return -1;
		return 1;
	}
	if ((r = prefix(l, "parent commit ")) && (hn = hash_at(r)) &&
	    !strcmp(r + hn, " wasn't tested")) {
		if (!(p->pending_parent = sum->parent_commit = bs_strndup(b, r, hn)))
			return -1;
		return 1;
	}
	if ((r = prefix(l, "revisions tested: "))) {
		sum->revisions_logged = atoi(r);
		return 1;
	}
	if ((r = prefix(l, "first bad commit: ")) || (r = prefix(l, "first good commit: "))) {
		if (!(hn = hash_at(r)))
			return 0;
		if (!(sum->culprit = bs_strndup(b, r, hn)))
			return -1;
		if (r[hn] == ' ' && !(sum->culprit_subject = bs_strdup(b, r + hn + 1)))
			return -1;
		sum->outcome = "culprit";
		return 1;
	}
	if (prefix(l, "bisection is inconclusive, the first ")) {
		sum->outcome = "inconclusive";
		p->state = ST_LIST;
		return 1;
	}
	if (!strcmp(l, "The first bad commit could be any of:")) {
		p->state = ST_LIST;
		return 1;
	}
	if ((r = prefix(l, "crash: "))) {
		if (!(b->final_title = bs_strdup(b, r)))
			return -1;
		p->state = ST_REPORT;
		return 1;
	}
	if ((r = prefix(l, "error: "))) {
		sum->outcome = "error";
		return 1;
	}
	if (ending_line(p, l))
		return 1;
	if (diffstat_line(b, l, &rc))
		return rc ? -1 : 1;
	if (diffstat_summary(l))
		return 1;
	if (prefix(l, " create mode ") || prefix(l, " delete mode ") ||
	    prefix(l, " rename ") || prefix(l, " mode change "))
		return 1;
	if (raw_line(b, l, &rc))
		return rc ? -1 : 1;
	if (prefix(l, "diff --git ")) {
		b->has_diff = 1;
		p->state = ST_DIFF;
		return 1;
	}
	if ((r = strstr(l, " starts bisection ")) && !b->start_date) {
		/* runImpl: "<host> starts bisection 2023-08-02 11:53:03..." */
		int y, m, d;
		if (sscanf(r + 18, "%4d-%2d-%2d", &y, &m, &d) == 3)
			b->start_date = (long)y * 10000 + m * 100 + d;
	}
	if (known_note(l)) {
		if (prefix(l, "unable to determine the verdict: "))
			b->has_modern_rules = 1;
		if (prefix(l, "recipients (") || strstr(l, " starts bisection ") ||
		    prefix(l, "picked "))
			b->has_modern_format = 1;
		return 1;
	}
	return 0;
}

static int handle_line(parser *p, char *l)
{
	crashsig_bisect *b = p->b;
	/* debugtracer WithTime: "02-Jan-2006 15:04:05: " */
	if (strlen(l) > 22 && cs_isdigit((unsigned char)l[0]) && l[2] == '-' &&
	    l[6] == '-' && l[11] == ' ' && l[14] == ':' && l[17] == ':' &&
	    l[20] == ':' && l[21] == ' ')
		l += 22;
	if (p->state == ST_REPORT) {
		if (b->report.len > BS_MAX_TEXT)
			return 0;
		return cs_buf_adds(&b->report, l) || cs_buf_addc(&b->report, '\n') ? -1 : 0;
	}
	if (p->state == ST_LIST) {
		size_t hn = hash_at(l);
		if (hn && !l[hn])
			return add_list(b, &b->inconcl, &b->ninconcl, &b->cap_inconcl, l,
					hn) ? -1 : 0;
		p->state = ST_NORMAL;
	}
	if (p->state == ST_COMMIT) {
		int rc = commit_header_line(p, l);
		if (rc < 0)
			return -1;
		if (rc)
			return 0;
		if (l[0]) {
			p->state = ST_NORMAL;
			p->after_culprit = 0;
		} else {
			return 0;
		}
	}
	if (p->state == ST_DIFF) {
		if (prefix(l, "diff --git "))
			return 0;
		int rc = diff_line(p, l);
		if (rc < 0)
			return -1;
		if (rc)
			return 0;
		p->state = ST_NORMAL;
	}
	if (!l[0])
		return 0;
	int rc = normal_line(p, l);
	if (rc < 0)
		return -1;
	if (rc) {
		if (p->state == ST_BUILD && !prefix(l, "failed building "))
			p->state = ST_NORMAL;
		return 0;
	}
	if (p->state == ST_BUILD) /* build error output continues */
		return 0;
	/* not placed: held back while a step has no results yet, in case the
	 * step turns out to be a failed build (then these were its errors) */
	bs_step *s = cur_step(p);
	if (s && !s->has_runs && !s->pub.logged_explicit && !s->pending_valid) {
		s->pending_valid = 1;
		s->pending_from = b->nunrec;
	}
	return add_unrec(p, l) ? -1 : 0;
}

parser *bs_parser_new(crashsig_bisect *b)
{
	parser *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->b = b;
	b->sum.kind = "cause";
	return p;
}

int bs_parser_line(parser *p, const char *data, size_t len)
{
	/* NUL bytes would cut the line short: drop them; a trailing '\r'
	 * (CRLF) goes too */
	if (len && data[len - 1] == '\r')
		len--;
	cs_buf_clear(&p->line);
	if (len > BS_MAX_LINE)
		len = BS_MAX_LINE;
	int rc = cs_buf_reserve(&p->line, len);
	for (size_t k = 0; k < len && !rc; k++)
		if (data[k])
			p->line.data[p->line.len++] = data[k];
	if (rc)
		return CRASHSIG_ENOMEM;
	p->line.data[p->line.len] = 0;
	p->lineno++;
	return handle_line(p, p->line.data) < 0 ? CRASHSIG_ENOMEM : 0;
}

void bs_parser_free(parser *p)
{
	if (p) {
		cs_buf_free(&p->line);
		free(p);
	}
}
