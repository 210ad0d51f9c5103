/*
 * Audit of a parsed bisection log: verdicts under the rules of then and of
 * now, title relations, flags, confidence and label.
 *
 * Verdict rules, re-expressed from syzkaller's pkg/bisect/bisect.go:
 *  - "2019" (env.test, 2018 .. May 2023; NumTests = 10): any crash makes the
 *    commit bad; otherwise more than 2/3 (integer total/3*2) of runs failing
 *    is a skip; otherwise one OK run makes it good; else skip.
 *  - "2023" (env.bisectionDecision after pull #3976, with isTransientError
 *    from pull #4009): SYZFATAL/SYZFAIL crashes are ignored unless the
 *    bisected crash is one; bad when there are crashes and good+bad >=
 *    total/2; good when there are none and good >= total/2 (3/4 of total
 *    once the reproducer is flaky, env.updateFlaky: a bad step with less than
 *    half of its good+bad runs crashing); else skip.
 *  - "2024-07" (pull #5047 "set a lower bound for BisectBad verdicts",
 *    July 2024): as 2023, but a bad verdict needs crashes >=
 *    max(2, (total-infra)/6); fewer crashes make the step a skip (it cannot
 *    be declared good either).
 *  - "2024-12" (current: pull #5561 "ignore irrelevant lost connection
 *    crashes", December 2024): as 2024-07, and "lost connection to test
 *    machine" is ignored too unless the bisected crash is one. syzkaller's
 *    own test (bisect_test.go, fix-finds-fix-despite-lost-connection: a
 *    third of the runs lost, the rest OK) expects such a step to be good.
 * The rules of then: by the date of "<host> starts bisection <date>" when the
 * log has it (the dates of the pull requests above); otherwise the newest
 * rule set that reproduces the logged verdicts among those the log's lines
 * allow (2019 for logs without the 2023 lines).
 * "infra problem" and "failed" runs count as infra (processResults).
 *
 * syzkaller's confidence (env.postTestResult, env.test): the reproduction
 * chance p starts at the bad ratio bad/(bad+good) of the first test; every
 * bad bisection step lowers it to the mean of p and its own ratio when that
 * is lower; every good bisection step multiplies the confidence by
 * 1-(1-p)^good (its chance not to be a false negative).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bisect/bisect_int.h"
#include "crashsig/classify.h"
#include "base/ctx.h"
#include "classify/rules.h"

enum { RULE_2019, RULE_2023, RULE_2024_07, RULE_NOW };

static const char *const rule_names[] = {"2019", "2023", "2024-07", "2024-12"};

/* ------------------------------------------------------------------ */
/* Titles                                                              */
/* ------------------------------------------------------------------ */

typedef struct titleset {
	char **v;
	size_t n, cap;
} titleset;

static int ts_add(titleset *t, const char *s, size_t n)
{
	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->v[i]) == n && !strncmp(t->v[i], s, n))
			return 0;
	if (cs_reserve((void **)&t->v, &t->cap, t->n + 1, sizeof(char *)))
		return CRASHSIG_ENOMEM;
	if (!(t->v[t->n] = cs_strndup(s, n)))
		return CRASHSIG_ENOMEM;
	t->n++;
	return 0;
}

static void ts_free(titleset *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* The title and its alternative titles by the rules' "alt" table (the same
 * table the classifier applies to report titles). */
static int title_alts(const cs_rules *r, const char *title, titleset *out)
{
	int rc = ts_add(out, title, strlen(title));
	if (rc || !r)
		return rc;
	pcre2_match_data *md = pcre2_match_data_create(10, NULL);
	if (!md)
		return CRASHSIG_ENOMEM;
	cs_buf tmp = {0};
	size_t n = strlen(title);
	for (size_t i = 0; i < r->nalts && !rc; i++) {
		const cs_subst *s = &r->alts[i];
		int m = pcre2_match(s->re.code, (PCRE2_SPTR)title, n, 0, 0, md, NULL);
		if (m <= 0)
			continue;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		cs_buf_clear(&tmp);
		for (const char *p = s->repl; *p && !rc; p++) {
			if (p[0] == '$' && p[1] >= '1' && p[1] <= '9') {
				int g = p[1] - '0';
				if (g < m && ov[2 * g] != PCRE2_UNSET)
					rc = cs_buf_add(&tmp, title + ov[2 * g],
							ov[2 * g + 1] - ov[2 * g]);
				p++;
			} else {
				rc = cs_buf_addc(&tmp, *p);
			}
		}
		if (!rc && tmp.len)
			rc = ts_add(out, tmp.data, tmp.len);
	}
	cs_buf_free(&tmp);
	pcre2_match_data_free(md);
	return rc;
}

/* The kind of crash a title names: the title without its location
 * ("WARNING in bpf_check" -> "WARNING", "KASAN: use-after-free Read in f"
 * -> "KASAN: use-after-free Read"). */
static size_t title_class(const char *t)
{
	const char *in = NULL;
	for (const char *p = strstr(t, " in "); p; p = strstr(p + 1, " in "))
		in = p;
	return in ? (size_t)(in - t) : strlen(t);
}

/* Test harness and VM failures: pkg/vm (lostConnectionCrash,
 * noOutputCrash, timeoutCrash, executorPreemptedStr), executor failures
 * (SYZFATAL/SYZFAIL: crash.SyzFailure) and pkg/instance boot/test errors. */
static int infra_like(const char *t)
{
	static const char *const pfx[] = {
		"lost connection to test machine", "no output from test machine",
		"timed out", "SYZ-EXECUTOR: PREEMPTED", "SYZFATAL:", "SYZFAIL:",
		"executor failed", "can't ssh into the instance", "failed to create",
		"failed to copy", "failed to run", "kernel doesn't boot",
		"test machine is not executing programs"};
	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (!strncmp(t, pfx[i], strlen(pfx[i])))
			return 1;
	return 0;
}

static int is_syz_failure(const char *t)
{
	return t && (!strncmp(t, "SYZFATAL:", 9) || !strncmp(t, "SYZFAIL:", 8));
}

static int is_lost_connection(const char *t)
{
	return t && !strncmp(t, "lost connection to test machine", 31);
}

typedef struct refinfo {
	const char *title;
	titleset alts;
	const cs_rules *rules;
} refinfo;

static int relation(refinfo *ref, const char *t, crashsig_relation *out)
{
	if (!ref->title) {
		*out = CRASHSIG_REL_UNRELATED;
		return 0;
	}
	if (!strcmp(t, ref->title)) {
		*out = CRASHSIG_REL_SAME;
		return 0;
	}
	if (infra_like(t) && !infra_like(ref->title)) {
		*out = CRASHSIG_REL_INFRA;
		return 0;
	}
	titleset ta = {0};
	int rc = title_alts(ref->rules, t, &ta);
	int alt = 0;
	for (size_t i = 0; i < ta.n && !alt; i++)
		for (size_t j = 0; j < ref->alts.n && !alt; j++)
			alt = !strcmp(ta.v[i], ref->alts.v[j]);
	ts_free(&ta);
	if (rc)
		return rc;
	if (alt) {
		*out = CRASHSIG_REL_ALT;
		return 0;
	}
	size_t a = title_class(t), b = title_class(ref->title);
	*out = a == b && !strncmp(t, ref->title, a) ? CRASHSIG_REL_SAME_TYPE
						    : CRASHSIG_REL_UNRELATED;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Verdicts                                                            */
/* ------------------------------------------------------------------ */

typedef struct counts {
	unsigned total, ok, bad, infra, skip;
} counts;

/* Crashed runs that a rule counts (isTransientError of that time). */
static unsigned counted_crashes(const bs_step *s, int rule, const char *ref)
{
	unsigned n = 0;
	for (size_t i = 0; i < s->ntitles; i++) {
		const crashsig_bisect_title *t = &s->titles[i];
		if (t->status != CRASHSIG_RUN_CRASHED && t->status != CRASHSIG_RUN_IGNORED)
			continue;
		if (rule == RULE_2019) {
			/* no crash was ignored before pull #4009 */
			n += t->count;
			continue;
		}
		if (t->status == CRASHSIG_RUN_IGNORED)
			continue; /* the log says it was not counted */
		if (is_syz_failure(t->title) && !is_syz_failure(ref))
			continue;
		if (rule == RULE_NOW && is_lost_connection(t->title) &&
		    !is_lost_connection(ref))
			continue;
		n += t->count;
	}
	return n;
}

static crashsig_verdict decide(const bs_step *s, int rule, const char *ref,
			       int flaky, double *ratio)
{
	const crashsig_bisect_step *p = &s->pub;
	*ratio = 0;
	if (!s->has_runs || p->total == 0)
		return s->build_only ? CRASHSIG_VERDICT_NONE : CRASHSIG_VERDICT_SKIP;
	unsigned bad = counted_crashes(s, rule, ref);
	unsigned good = p->ok;
	unsigned total = p->total;
	unsigned infra = p->infra + p->failed;
	if (bad + good)
		*ratio = (double)bad / (bad + good);
	if (rule == RULE_2019) {
		if (bad)
			return CRASHSIG_VERDICT_BAD;
		if (total - good - bad > total / 3 * 2)
			return CRASHSIG_VERDICT_SKIP;
		return good ? CRASHSIG_VERDICT_GOOD : CRASHSIG_VERDICT_SKIP;
	}
	unsigned want_good = flaky ? total * 3 / 4 : total / 2;
	unsigned want_total = total / 2;
	if (bad == 0 && good >= want_good)
		return CRASHSIG_VERDICT_GOOD;
	if (bad > 0 && good + bad >= want_total) {
		if (rule >= RULE_2024_07) {
			unsigned min_bad = (total - infra) / 6;
			if (min_bad < 2)
				min_bad = 2;
			if (bad < min_bad)
				return CRASHSIG_VERDICT_SKIP;
		}
		return CRASHSIG_VERDICT_BAD;
	}
	return CRASHSIG_VERDICT_SKIP;
}

/* Expand "all runs: V" to the number of runs made and count statuses. */
static void count_runs(crashsig_bisect *b, int modern)
{
	int flaky = 0;
	for (size_t i = 0; i < b->nsteps; i++) {
		bs_step *s = &b->steps[i];
		crashsig_bisect_step *p = &s->pub;
		if (s->all_runs) {
			/* pkg/bisect: NumTests = 10 (2018-2023); since 2023
			 * MaxNumTests/2 = 10, doubled for the first test and
			 * for flaky reproducers. */
			unsigned n = 10;
			if (modern && (i == 0 || flaky))
				n = 20;
			if (s->run_lines)
				n = s->run_lines; /* both forms: trust the lines */
			else if (s->all_title)
				for (size_t k = 0; k < s->ntitles; k++)
					if (s->titles[k].status == s->all_status &&
					    !strcmp(s->titles[k].title, s->all_title))
						s->titles[k].count = n;
			if (!s->run_lines) {
				if (s->all_status == CRASHSIG_RUN_OK)
					p->ok = n;
			}
			p->total = n;
		} else {
			p->total = s->run_lines;
		}
		unsigned ok_lines = p->total;
		for (size_t k = 0; k < s->ntitles; k++) {
			const crashsig_bisect_title *t = &s->titles[k];
			ok_lines -= t->count <= ok_lines ? t->count : ok_lines;
			switch (t->status) {
			case CRASHSIG_RUN_CRASHED: p->crashed += t->count; break;
			case CRASHSIG_RUN_BOOT_FAILED: p->boot_failed += t->count; break;
			case CRASHSIG_RUN_TEST_FAILED: p->test_failed += t->count; break;
			case CRASHSIG_RUN_INFRA: p->infra += t->count; break;
			case CRASHSIG_RUN_IGNORED: p->ignored += t->count; break;
			case CRASHSIG_RUN_FAILED: p->failed += t->count; break;
			default: break;
			}
		}
		if (!s->all_runs || s->run_lines)
			p->ok = ok_lines;
		/* flakiness as syzkaller tracks it (modern logs only change the
		 * number of runs) */
		if (modern && p->ok + p->crashed &&
		    p->crashed * 2 < p->ok + p->crashed && p->crashed)
			flaky = 1;
	}
}

/* Recompute every step under rule; returns how many explicit logged
 * verdicts it reproduces, and stores into then/now as asked. */
static unsigned apply_rule(crashsig_bisect *b, int rule, const char *ref,
			   int store_then, int store_now)
{
	unsigned agree = 0;
	int flaky = 0;
	for (size_t i = 0; i < b->nsteps; i++) {
		bs_step *s = &b->steps[i];
		double ratio;
		crashsig_verdict v = decide(s, rule, ref, flaky, &ratio);
		if (rule != RULE_2019 && v == CRASHSIG_VERDICT_BAD && ratio < 0.5)
			flaky = 1;
		if (s->pub.logged_explicit && s->pub.logged == v)
			agree++;
		if (store_then)
			s->pub.then = v;
		if (store_now)
			s->pub.now = v;
	}
	return agree;
}

/* ------------------------------------------------------------------ */
/* Final report, guilty file, diffstat                                 */
/* ------------------------------------------------------------------ */

static int same_func(const char *a, const char *b)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");
	return la == lb && !strncmp(a, b, la);
}

static int classify_final(crashsig_bisect *b, crashsig_ctx *ctx, refinfo *ref)
{
	crashsig_bisect_summary *sum = &b->sum;
	sum->original_type = "";
	if (!b->report.len || !ctx->rules)
		return 0;
	crashsig_report **reps = NULL;
	size_t n = 0;
	int rc = crashsig_parse_buffer(ctx, b->report.data, b->report.len, &reps, &n);
	if (rc)
		return rc == CRASHSIG_ENOMEM ? rc : 0;
	if (n) {
		const crashsig_report *r = reps[0];
		const char *title = crashsig_report_title(r);
		if (ref->title && title && !strcmp(title, ref->title)) {
			for (size_t i = 0; i < crashsig_report_alt_title_count(r) && !rc; i++) {
				const char *a = crashsig_report_alt_title(r, i);
				rc = ts_add(&ref->alts, a, strlen(a));
			}
			const char *ty = crashsig_report_type(r);
			if (ty && !(sum->original_type = bs_strdup(b, ty)))
				rc = CRASHSIG_ENOMEM;
		}
		/* the guilty file: the file of the frame the title names, else
		 * the first frame with a file */
		const char *fn = crashsig_report_frame(r);
		const crashsig_frame *first = NULL, *named = NULL;
		for (size_t i = 0; i < crashsig_report_stack_count(r) && !named; i++) {
			const crashsig_stack *st = crashsig_report_stack(r, i);
			for (size_t j = 0; j < st->nframes && !named; j++) {
				const crashsig_frame *f = &st->frames[j];
				if (!f->file || !f->file[0])
					continue;
				if (!first)
					first = f;
				if (fn && f->func && same_func(f->func, fn))
					named = f;
			}
		}
		const crashsig_frame *g = named ? named : first;
		if (!rc && g && !(sum->guilty_file = bs_strdup(b, g->file)))
			rc = CRASHSIG_ENOMEM;
		if (g)
			sum->guilty_line = g->line;
	}
	crashsig_reports_free(reps, n);
	return rc;
}

static void diffstat_match(crashsig_bisect *b)
{
	crashsig_bisect_summary *sum = &b->sum;
	sum->touches = "unknown";
	if (!sum->guilty_file || !b->ndiffstat)
		return;
	const char *g = sum->guilty_file;
	sum->guilty_path = g;
	const char *slash = strrchr(g, '/');
	size_t gdir = slash ? (size_t)(slash - g) + 1 : 0;
	const char *dir_hit = NULL;
	for (size_t i = 0; i < b->ndiffstat; i++) {
		const char *d = b->diffstat[i];
		size_t n = strlen(d);
		if (!strcmp(d, g) ||
		    (!strncmp(d, "...", 3) && n - 3 <= strlen(g) &&
		     !strcmp(g + strlen(g) - (n - 3), d + 3))) {
			sum->touches = "file";
			sum->touched_path = d;
			return;
		}
		if (n && d[n - 1] == '/' && !strncmp(g, d, n)) {
			/* a directory holding the guilty file (git raw output
			 * names top-level trees only) */
			if (!dir_hit || strlen(dir_hit) < n)
				dir_hit = d;
		} else if (gdir) {
			const char *ds = strrchr(d, '/');
			if (ds && (size_t)(ds - d) + 1 == gdir && !strncmp(d, g, gdir) &&
			    !dir_hit)
				dir_hit = d;
		}
	}
	if (dir_hit) {
		sum->touches = "directory";
		size_t n = strlen(dir_hit);
		if (dir_hit[n - 1] == '/')
			sum->touched_path = dir_hit;
		else
			sum->touched_path = bs_strndup(b, g, gdir);
		return;
	}
	sum->touches = "no";
}

/* WARN/BUG macros that a diff can add. */
static int adds_detector(const char *line)
{
	static const char *const m[] = {"WARN(", "WARN_ON", "WARN_ONCE", "WARN_RATELIMIT",
					"BUG(", "BUG_ON", "VM_BUG_ON", "VM_WARN"};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strstr(line, m[i]))
			return 1;
	return 0;
}

static int ci_contains(const char *h, const char *n)
{
	size_t ln = strlen(n);
	for (; *h; h++) {
		size_t i = 0;
		while (i < ln && h[i] && (h[i] | 0x20) == (n[i] | 0x20))
			i++;
		if (i == ln)
			return 1;
	}
	return 0;
}

static void detector(crashsig_bisect *b)
{
	crashsig_bisect_summary *sum = &b->sum;
	sum->detector = "unknown";
	const char *t = b->final_title ? b->final_title : sum->original_title;
	if (!t || !sum->culprit)
		return;
	int warnbug = !strncmp(t, "WARNING", 7) || !strncmp(t, "kernel BUG", 10) ||
		      !strncmp(t, "BUG: ", 5);
	if (b->has_diff) {
		/* "@file" lines name the file of the "+" lines that follow */
		const char *file = NULL;
		size_t flen = 0;
		int found = 0;
		for (const char *p = b->added.data; p && *p && !found;) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			if (*p == '@') {
				file = p + 1;
				flen = n - 1;
			} else if (warnbug && file && sum->guilty_file &&
				   flen == strlen(sum->guilty_file) &&
				   !strncmp(file, sum->guilty_file, flen)) {
				char *l = cs_strndup(p, n);
				if (l && adds_detector(l))
					found = 1;
				free(l);
			}
			p = e ? e + 1 : p + n;
		}
		sum->detector = found ? "yes" : "no";
		return;
	}
	if (!warnbug)
		return;
	if (!strcmp(sum->touches, "file") && b->message.len &&
	    (ci_contains(b->message.data, "warning") ||
	     ci_contains(b->message.data, "WARN_ON") ||
	     ci_contains(b->message.data, "BUG_ON")))
		sum->detector = "possible";
}

/* ------------------------------------------------------------------ */
/* The audit                                                           */
/* ------------------------------------------------------------------ */

/* Append one reason to a "; "-separated list. */
static int why_add(cs_buf *why, const char *fmt, ...) CS_PRINTF(2, 3);
static int why_add(cs_buf *why, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (why->len && cs_buf_adds(why, "; "))
		return CRASHSIG_ENOMEM;
	return cs_buf_adds(why, tmp);
}

/* x^n for a run count (no libm needed). */
static double ipow(double x, unsigned n)
{
	double r = 1;
	while (n--)
		r *= x;
	return r;
}

static int is_release_subject(const char *s)
{
	if (!s || strncmp(s, "Linux ", 6))
		return 0;
	s += 6;
	int dots = 0;
	while (cs_isdigit((unsigned char)*s) || *s == '.')
		dots += *s++ == '.';
	if (!strncmp(s, "-rc", 3)) {
		s += 3;
		while (cs_isdigit((unsigned char)*s))
			s++;
	}
	return dots >= 1 && !*s;
}

static const char *most_frequent_crash(const bs_step *s)
{
	const crashsig_bisect_title *best = NULL;
	for (size_t i = 0; i < s->ntitles; i++) {
		const crashsig_bisect_title *t = &s->titles[i];
		if (t->status != CRASHSIG_RUN_CRASHED)
			continue;
		if (!best || t->count > best->count)
			best = t;
	}
	return best ? best->title : NULL;
}

int bs_audit(crashsig_bisect *b, crashsig_ctx *ctx)
{
	crashsig_bisect_summary *sum = &b->sum;
	int rc = 0;
	int modern = b->has_modern_rules;
	sum->format = b->has_modern_format || b->has_modern_rules ? "2022+"
		      : b->has_signature			   ? "2020"
								   : "2019";
	if (!sum->outcome)
		sum->outcome = "incomplete";
	count_runs(b, modern);

	/* the bisected crash: the most frequent crash of the first test */
	refinfo ref = {0};
	ref.rules = ctx->rules;
	if (b->nsteps)
		ref.title = most_frequent_crash(&b->steps[0]);
	if (!ref.title && b->steps && b->nsteps && b->steps[0].pub.representative)
		ref.title = b->steps[0].pub.representative;
	if (!ref.title)
		ref.title = b->final_title;
	sum->original_title = ref.title;
	if (ref.title)
		rc = title_alts(ctx->rules, ref.title, &ref.alts);
	if (!rc)
		rc = classify_final(b, ctx, &ref);

	/* relations; bug crashes */
	for (size_t i = 0; i < b->nsteps && !rc; i++) {
		bs_step *s = &b->steps[i];
		for (size_t k = 0; k < s->ntitles && !rc; k++) {
			crashsig_bisect_title *t = &s->titles[k];
			rc = relation(&ref, t->title, &t->relation);
			if (t->status == CRASHSIG_RUN_CRASHED &&
			    (t->relation == CRASHSIG_REL_SAME || t->relation == CRASHSIG_REL_ALT))
				s->pub.bug_crashes += t->count;
		}
		s->pub.titles = s->titles;
		s->pub.ntitles = s->ntitles;
	}
	if (rc) {
		ts_free(&ref.alts);
		return rc;
	}

	/* the rules of then: the newest rule set of the log's era that
	 * reproduces the logged verdicts (ties: the newest) */
	int then = RULE_2019;
	if (b->start_date) {
		then = b->start_date < 20230620   ? RULE_2019
		       : b->start_date < 20240715 ? RULE_2023
		       : b->start_date < 20241202 ? RULE_2024_07
						  : RULE_NOW;
	} else if (modern) {
		unsigned best = 0;
		for (int r = RULE_NOW; r >= RULE_2023; r--) {
			unsigned a = apply_rule(b, r, ref.title, 0, 0);
			if (r == RULE_NOW || a > best) {
				best = a;
				then = r;
			}
		}
	}
	sum->rules_then = rule_names[then];
	apply_rule(b, then, ref.title, 1, 0);
	apply_rule(b, RULE_NOW, ref.title, 0, 1);

	/* logged verdicts not written by git bisect: the first test must have
	 * been bad (bisect aborts otherwise), the good end of "git bisect
	 * start" was good, the other release tests as their rules decided */
	for (size_t i = 0; i < b->nsteps; i++) {
		crashsig_bisect_step *p = &b->steps[i].pub;
		if (p->logged_explicit)
			continue;
		if (b->steps[i].build_only)
			p->logged = CRASHSIG_VERDICT_NONE;
		else if (b->good_start && !strncmp(p->commit, b->good_start, strlen(b->good_start)))
			p->logged = CRASHSIG_VERDICT_GOOD;
		else if (i == 0)
			p->logged = CRASHSIG_VERDICT_BAD;
		else
			p->logged = p->then;
	}

	/* step flags */
	for (size_t i = 0; i < b->nsteps; i++) {
		bs_step *s = &b->steps[i];
		crashsig_bisect_step *p = &s->pub;
		if (p->logged_explicit && p->logged != p->then)
			p->flags |= CRASHSIG_STEP_LOG_MISMATCH;
		if (p->logged != CRASHSIG_VERDICT_NONE && p->now != CRASHSIG_VERDICT_NONE &&
		    p->logged != p->now)
			p->flags |= CRASHSIG_STEP_VERDICT_CHANGED;
		if (!s->has_runs && !s->build_only && p->logged == CRASHSIG_VERDICT_SKIP)
			p->flags |= CRASHSIG_STEP_BUILD_FAILED;
		if (p->logged == CRASHSIG_VERDICT_BAD && s->has_runs) {
			int bugish = 0;
			for (size_t k = 0; k < s->ntitles; k++) {
				const crashsig_bisect_title *t = &s->titles[k];
				if (t->status == CRASHSIG_RUN_CRASHED &&
				    t->relation <= CRASHSIG_REL_SAME_TYPE)
					bugish = 1;
			}
			if (p->crashed && !bugish)
				p->flags |= CRASHSIG_STEP_UNRELATED_ONLY;
			unsigned min_bad = (p->total - p->infra - p->failed) / 6;
			if (min_bad < 2)
				min_bad = 2;
			if (p->crashed < min_bad)
				p->flags |= CRASHSIG_STEP_TOO_FEW_CRASHES;
			const char *mf = most_frequent_crash(s);
			if (mf && ref.title && strcmp(mf, ref.title) && bugish &&
			    !(p->flags & CRASHSIG_STEP_UNRELATED_ONLY))
				p->flags |= CRASHSIG_STEP_TITLE_DRIFT;
		}
	}

	/* confidence: syzkaller's and the title-aware one */
	double p0 = 0, pt = 0;
	if (b->nsteps) {
		const crashsig_bisect_step *o = &b->steps[0].pub;
		unsigned bad = counted_crashes(&b->steps[0], then, ref.title);
		if (bad + o->ok)
			p0 = (double)bad / (bad + o->ok);
		if (o->bug_crashes + o->ok)
			pt = (double)o->bug_crashes / (o->bug_crashes + o->ok);
	}
	double conf = 1, conft = 1;
	for (size_t i = 1; i < b->nsteps; i++) {
		bs_step *s = &b->steps[i];
		crashsig_bisect_step *p = &s->pub;
		if (strcmp(p->role, "bisect"))
			continue; /* syzkaller counts bisection steps only */
		if (p->logged == CRASHSIG_VERDICT_GOOD) {
			conf *= 1 - ipow(1 - p0, p->ok);
			conft *= 1 - ipow(1 - pt, p->ok);
		} else if (p->logged == CRASHSIG_VERDICT_BAD) {
			unsigned bad = counted_crashes(s, then, ref.title);
			if (bad + p->ok) {
				double r = (double)bad / (bad + p->ok);
				if ((p0 + r) / 2 < p0)
					p0 = (p0 + r) / 2;
			}
			if (p->bug_crashes + p->ok) {
				double r = (double)p->bug_crashes / (p->bug_crashes + p->ok);
				if ((pt + r) / 2 < pt)
					pt = (pt + r) / 2;
			}
			/* a bad verdict with no crash of the bug has no support
			 * from the bug; one with only same-type crashes, half */
			if (p->flags & CRASHSIG_STEP_UNRELATED_ONLY)
				conft *= 0;
			else if (!p->bug_crashes)
				conft *= 0.5;
		}
	}
	if (b->nsteps && pt == 0 && b->steps[0].pub.bug_crashes == 0)
		conft = 0;
	/* weak good steps, release tests included: fewer than 3/4 of the runs
	 * OK (syzkaller's bar for flaky reproducers) or a false negative
	 * chance above 5% at the title-aware reproduction chance */
	for (size_t i = 1; i < b->nsteps; i++) {
		crashsig_bisect_step *p = &b->steps[i].pub;
		if (p->logged == CRASHSIG_VERDICT_GOOD && b->steps[i].has_runs &&
		    (p->ok * 4 < p->total * 3 || ipow(1 - pt, p->ok) > 0.05))
			p->flags |= CRASHSIG_STEP_WEAK_GOOD;
	}
	sum->confidence = conf;
	sum->confidence_titles = conft;

	/* culprit */
	const bs_step *cul = NULL;
	if (sum->culprit)
		for (size_t i = b->nsteps; i-- > 0 && !cul;)
			if (!strcmp(b->steps[i].pub.commit, sum->culprit))
				cul = &b->steps[i];
	if (cul && !sum->culprit_subject)
		sum->culprit_subject = cul->pub.subject;
	if (!sum->culprit_subject && b->message.len) {
		/* the first line of the commit message git printed */
		size_t n = strcspn(b->message.data, "\n");
		if (n && !(sum->culprit_subject = bs_strndup(b, b->message.data, n))) {
			ts_free(&ref.alts);
			return CRASHSIG_ENOMEM;
		}
	}
	if (!sum->culprit_signature && cul && cul->pub.signature)
		sum->culprit_signature = cul->pub.signature;
	sum->culprit_noop = -1;
	sum->parent_tested = -1;
	/* the checks need only the culprit, also in a log cut short after
	 * git named it */
	if (sum->culprit) {
		if (b->culprit_merge_line ||
		    (sum->culprit_subject && !strncmp(sum->culprit_subject, "Merge ", 6)))
			sum->flags |= CRASHSIG_BISECT_CULPRIT_MERGE;
		if (is_release_subject(sum->culprit_subject))
			sum->flags |= CRASHSIG_BISECT_CULPRIT_RELEASE;
		if (sum->culprit_signature && sum->parent_signature) {
			sum->culprit_noop = !strcmp(sum->culprit_signature, sum->parent_signature);
			if (sum->culprit_noop)
				sum->flags |= CRASHSIG_BISECT_CULPRIT_NOOP;
		}
		if (sum->parent_signature) {
			sum->parent_tested = 0;
			for (size_t i = 0; i < b->nsteps; i++) {
				const crashsig_bisect_step *p = &b->steps[i].pub;
				/* the culprit's own build does not count, even
				 * when its binary equals the parent's (no-op) */
				if (!b->steps[i].has_runs || !p->signature ||
				    !strcmp(p->commit, sum->culprit) ||
				    strcmp(p->signature, sum->parent_signature))
					continue;
				sum->parent_tested = 1;
				if (p->logged == CRASHSIG_VERDICT_GOOD && !sum->boundary_proof)
					sum->boundary_proof = p->commit;
			}
		} else if (sum->parent_commit) {
			sum->parent_tested = 0;
		}
		if (sum->parent_tested == 0)
			sum->flags |= CRASHSIG_BISECT_PARENT_UNTESTED;
		diffstat_match(b);
		if (!strcmp(sum->touches, "no"))
			sum->flags |= CRASHSIG_BISECT_DIFF_ELSEWHERE;
		detector(b);
		if (!strcmp(sum->detector, "yes"))
			sum->flags |= CRASHSIG_BISECT_DETECTOR;
	} else {
		sum->touches = "unknown";
		sum->detector = "unknown";
	}

	/* the culprit's crash is not the bisected one */
	if (b->final_title && ref.title && strcmp(b->final_title, ref.title))
		sum->flags |= CRASHSIG_BISECT_TITLE_DRIFT;
	for (size_t i = 0; i < b->nsteps; i++) {
		unsigned f = b->steps[i].pub.flags;
		if (f & CRASHSIG_STEP_UNRELATED_ONLY)
			sum->flags |= CRASHSIG_BISECT_UNRELATED_BAD;
		if (f & CRASHSIG_STEP_TOO_FEW_CRASHES)
			sum->flags |= CRASHSIG_BISECT_TOO_FEW_CRASHES;
		if (f & CRASHSIG_STEP_WEAK_GOOD)
			sum->flags |= CRASHSIG_BISECT_WEAK_GOOD;
		if (f & CRASHSIG_STEP_VERDICT_CHANGED)
			sum->flags |= CRASHSIG_BISECT_VERDICT_CHANGED;
		if (f & CRASHSIG_STEP_TITLE_DRIFT)
			sum->flags |= CRASHSIG_BISECT_TITLE_DRIFT;
		if (b->steps[i].pub.logged == CRASHSIG_VERDICT_SKIP)
			sum->flags |= CRASHSIG_BISECT_SKIPPED_STEPS;
	}

	/* label */
	const unsigned lowf = CRASHSIG_BISECT_CULPRIT_MERGE | CRASHSIG_BISECT_CULPRIT_RELEASE |
			      CRASHSIG_BISECT_CULPRIT_NOOP | CRASHSIG_BISECT_UNRELATED_BAD |
			      CRASHSIG_BISECT_VERDICT_CHANGED;
	const unsigned medf = CRASHSIG_BISECT_PARENT_UNTESTED | CRASHSIG_BISECT_TITLE_DRIFT |
			      CRASHSIG_BISECT_TOO_FEW_CRASHES | CRASHSIG_BISECT_WEAK_GOOD |
			      CRASHSIG_BISECT_DETECTOR | CRASHSIG_BISECT_DIFF_ELSEWHERE;
	/* The label rates the answer of the bisection. Without an answer
	 * (inconclusive, aborted, cut short) there is nothing to trust. When
	 * the answer is "the crash was already there" (oldest release, HEAD)
	 * the last tested commit must show the bug itself. A culprit must in
	 * addition stand on a tested parent and a diff near the crash. */
	int culprit = !strcmp(sum->outcome, "culprit");
	int present = !strcmp(sum->outcome, "oldest-release-had-bug") ||
		      !strcmp(sum->outcome, "not-fixed");
	const crashsig_bisect_step *last = b->nsteps ? &b->steps[b->nsteps - 1].pub : NULL;
	int low = 0, med = 0;
	cs_buf why = {0};
	/* reasons, "; "-separated; low ones first */
#define WHY(...) (rc = rc ? rc : why_add(&why, __VA_ARGS__))
	if (!culprit && !present) {
		low = 1;
		WHY("no culprit (%s)", sum->outcome);
	}
	for (unsigned bit = 1; bit; bit <<= 1)
		if (sum->flags & bit & lowf) {
			low = 1;
			WHY("%s", crashsig_bisect_flag_name(bit));
		}
	if (conft < 0.5) {
		low = 1;
		WHY("title-aware confidence %.2f", conft);
	}
	if (present && (!last || !last->bug_crashes)) {
		low = 1;
		WHY("the last tested commit shows no crash of the bug");
	}
	for (unsigned bit = 1; bit; bit <<= 1)
		if (sum->flags & bit & medf) {
			med = 1;
			WHY("%s", crashsig_bisect_flag_name(bit));
		}
	if (conft >= 0.5 && conft < 0.9) {
		med = 1;
		WHY("title-aware confidence %.2f", conft);
	}
	if (culprit && sum->parent_tested < 0) {
		med = 1;
		WHY("the parent's test cannot be checked (%s)",
		    sum->culprit_signature ? "no parent signature" : "no kernel signatures");
	}
	if (culprit && strcmp(sum->touches, "file") && strcmp(sum->touches, "no")) {
		med = 1;
		if (sum->touched_path)
			WHY("the diffstat names only %s, not %s", sum->touched_path,
			    sum->guilty_file ? sum->guilty_file : "the guilty file");
		else
			WHY("the diffstat cannot be matched to the crash");
	}
	if (culprit && !strcmp(sum->detector, "possible")) {
		med = 1;
		WHY("the culprit may add the warning that fires");
	}
#undef WHY
	sum->label = low ? "low" : med ? "medium" : "high";
	if (!rc && why.len && !(sum->label_reasons = bs_strndup(b, why.data, why.len)))
		rc = CRASHSIG_ENOMEM;
	cs_buf_free(&why);
	if (rc) {
		ts_free(&ref.alts);
		return rc;
	}
	sum->unrecognized = b->unrec_total;
	ts_free(&ref.alts);
	return 0;
}
