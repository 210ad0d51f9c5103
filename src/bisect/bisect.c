/* crashsig_bisect: object lifecycle, accessors and rendering. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bisect/bisect_int.h"
#include "input/input.h"
#include "base/ctx.h"

const char *bs_strndup(crashsig_bisect *b, const char *s, size_t n)
{
	if (cs_reserve((void **)&b->pool, &b->cap_pool, b->npool + 1, sizeof(char *)))
		return NULL;
	char *c = cs_strndup(s, n);
	if (c)
		b->pool[b->npool++] = c;
	return c;
}

const char *bs_strdup(crashsig_bisect *b, const char *s)
{
	return bs_strndup(b, s, strlen(s));
}

CS_EXPORT const char *crashsig_verdict_name(crashsig_verdict v)
{
	switch (v) {
	case CRASHSIG_VERDICT_GOOD: return "good";
	case CRASHSIG_VERDICT_BAD: return "bad";
	case CRASHSIG_VERDICT_SKIP: return "skip";
	default: return "none";
	}
}

CS_EXPORT const char *crashsig_relation_name(crashsig_relation r)
{
	switch (r) {
	case CRASHSIG_REL_SAME: return "same";
	case CRASHSIG_REL_ALT: return "alt";
	case CRASHSIG_REL_SAME_TYPE: return "same-type";
	case CRASHSIG_REL_INFRA: return "infra-like";
	default: return "unrelated";
	}
}

CS_EXPORT const char *crashsig_run_status_name(crashsig_run_status s)
{
	switch (s) {
	case CRASHSIG_RUN_OK: return "OK";
	case CRASHSIG_RUN_CRASHED: return "crashed";
	case CRASHSIG_RUN_BOOT_FAILED: return "boot failed";
	case CRASHSIG_RUN_TEST_FAILED: return "basic kernel testing failed";
	case CRASHSIG_RUN_INFRA: return "infra problem";
	case CRASHSIG_RUN_IGNORED: return "ignore";
	default: return "failed";
	}
}

CS_EXPORT const char *crashsig_bisect_step_flag_name(unsigned bit)
{
	switch (bit) {
	case CRASHSIG_STEP_UNRELATED_ONLY: return "unrelated-only";
	case CRASHSIG_STEP_TOO_FEW_CRASHES: return "too-few-crashes";
	case CRASHSIG_STEP_WEAK_GOOD: return "weak-good";
	case CRASHSIG_STEP_VERDICT_CHANGED: return "verdict-changed";
	case CRASHSIG_STEP_BUILD_FAILED: return "build-failed";
	case CRASHSIG_STEP_TITLE_DRIFT: return "title-drift";
	case CRASHSIG_STEP_LOG_MISMATCH: return "log-mismatch";
	default: return NULL;
	}
}

CS_EXPORT const char *crashsig_bisect_flag_name(unsigned bit)
{
	switch (bit) {
	case CRASHSIG_BISECT_CULPRIT_MERGE: return "culprit-merge";
	case CRASHSIG_BISECT_CULPRIT_RELEASE: return "culprit-release";
	case CRASHSIG_BISECT_CULPRIT_NOOP: return "culprit-noop";
	case CRASHSIG_BISECT_PARENT_UNTESTED: return "parent-never-tested";
	case CRASHSIG_BISECT_TITLE_DRIFT: return "title-drift";
	case CRASHSIG_BISECT_VERDICT_CHANGED: return "verdict-changed";
	case CRASHSIG_BISECT_UNRELATED_BAD: return "unrelated-bad-step";
	case CRASHSIG_BISECT_TOO_FEW_CRASHES: return "too-few-crashes";
	case CRASHSIG_BISECT_WEAK_GOOD: return "weak-good-step";
	case CRASHSIG_BISECT_DETECTOR: return "culprit-introduced-detector";
	case CRASHSIG_BISECT_DIFF_ELSEWHERE: return "diff-misses-guilty-path";
	case CRASHSIG_BISECT_SKIPPED_STEPS: return "skipped-steps";
	default: return NULL;
	}
}

CS_EXPORT void crashsig_bisect_free(crashsig_bisect *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nsteps; i++)
		free(b->steps[i].titles);
	free(b->steps);
	for (size_t i = 0; i < b->npool; i++)
		free(b->pool[i]);
	free(b->pool);
	free(b->unrec);
	free(b->inconcl);
	free(b->diffstat);
	cs_buf_free(&b->message);
	cs_buf_free(&b->added);
	cs_buf_free(&b->report);
	free(b);
}

/* A bisection log is read through the input layer like every input
 * (compressed files, CR-only line ends, archives) and parsed line by line:
 * memory is bounded by the parser's limits (bisect_int.h), not by the
 * input. */
struct crashsig_bisect_reader {
	crashsig_ctx *ctx;
	crashsig_bisect *b;
	bs_parser *p;
	cs_input *in;
	int err;
	int finished;
};

static int reader_line(void *arg, const cs_rline *l, const crashsig_document *doc)
{
	(void)doc;
	crashsig_bisect_reader *r = arg;
	if (l->flags & CS_RL_CONT)
		return 0; /* the rest of an over-long line */
	return bs_parser_line(r->p, l->data, l->len);
}

CS_EXPORT int crashsig_bisect_reader_new(crashsig_bisect_reader **out, crashsig_ctx *ctx,
					 const crashsig_bisect_options *opts)
{
	if (!out)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL, "bisect: no output pointer");
	*out = NULL;
	if (!ctx)
		return CRASHSIG_EINVAL;
	if (opts && opts->version != CRASHSIG_BISECT_OPTIONS_VERSION)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL,
				    "bisect: unsupported options version %u", opts->version);
	if (!ctx->rules)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL,
				    "bisect: the context was created without rules");
	crashsig_bisect_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	r->ctx = ctx;
	r->b = calloc(1, sizeof(*r->b));
	cs_input_ops ops = {.line = reader_line, .arg = r};
	if (!r->b || !(r->p = bs_parser_new(r->b)) ||
	    cs_input_new(&r->in, &ops, ctx->opts.max_line, CRASHSIG_INPUT_NO_MAIL)) {
		crashsig_bisect_reader_free(r);
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	}
	r->b->sum.revisions_logged = -1;
	r->b->sum.logged_error_probability = -1;
	*out = r;
	return 0;
}

static int reader_rc(crashsig_bisect_reader *r, int rc)
{
	if (!rc)
		return 0;
	r->err = rc;
	if (cs_input_error(r->in))
		return cs_ctx_error(r->ctx, rc, "%s", cs_input_error(r->in));
	return cs_ctx_error(r->ctx, rc, "bisect: %s",
			    rc == CRASHSIG_ENOMEM ? "out of memory" : "read failed");
}

CS_EXPORT int crashsig_bisect_reader_feed(crashsig_bisect_reader *r, const void *data,
					  size_t len)
{
	if (!r || (!data && len))
		return CRASHSIG_EINVAL;
	if (r->err)
		return r->err;
	if (r->finished)
		return cs_ctx_error(r->ctx, CRASHSIG_EINVAL, "bisect: feed after finish");
	return reader_rc(r, cs_input_feed(r->in, data, len));
}

CS_EXPORT int crashsig_bisect_reader_finish(crashsig_bisect_reader *r, crashsig_bisect **out)
{
	if (!r || !out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (r->err)
		return r->err;
	if (r->finished)
		return cs_ctx_error(r->ctx, CRASHSIG_EINVAL, "bisect: finish called twice");
	r->finished = 1;
	int rc = reader_rc(r, cs_input_finish(r->in));
	if (rc)
		return rc;
	crashsig_bisect *b = r->b;
	if (!b->seen_bisection || !b->nsteps)
		return cs_ctx_error(r->ctx, CRASHSIG_ENOTFOUND, "no bisection log found");
	rc = bs_audit(b, r->ctx);
	if (rc)
		return cs_ctx_error(r->ctx, rc, "bisect: %s",
				    rc == CRASHSIG_ENOMEM ? "out of memory" : "audit failed");
	b->sum.inconclusive = b->inconcl;
	b->sum.ninconclusive = b->ninconcl;
	b->sum.diffstat = b->diffstat;
	b->sum.ndiffstat = b->ndiffstat;
	r->b = NULL;
	*out = b;
	return CRASHSIG_OK;
}

CS_EXPORT void crashsig_bisect_reader_free(crashsig_bisect_reader *r)
{
	if (!r)
		return;
	crashsig_bisect_free(r->b);
	bs_parser_free(r->p);
	cs_input_free(r->in);
	free(r);
}

CS_EXPORT int crashsig_bisect_parse(crashsig_ctx *ctx, const void *data, size_t len,
				    const crashsig_bisect_options *opts,
				    crashsig_bisect **out)
{
	if (!out)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL, "bisect: no output pointer");
	*out = NULL;
	if (!ctx || (!data && len))
		return cs_ctx_error(ctx, CRASHSIG_EINVAL, "bisect: bad argument");
	crashsig_bisect_reader *r;
	int rc = crashsig_bisect_reader_new(&r, ctx, opts);
	if (rc)
		return rc;
	rc = crashsig_bisect_reader_feed(r, data, len);
	if (!rc)
		rc = crashsig_bisect_reader_finish(r, out);
	crashsig_bisect_reader_free(r);
	return rc;
}

CS_EXPORT size_t crashsig_bisect_step_count(const crashsig_bisect *b)
{
	return b ? b->nsteps : 0;
}

CS_EXPORT const crashsig_bisect_step *crashsig_bisect_step_get(const crashsig_bisect *b,
							       size_t i)
{
	return b && i < b->nsteps ? &b->steps[i].pub : NULL;
}

CS_EXPORT const crashsig_bisect_summary *crashsig_bisect_summary_get(const crashsig_bisect *b)
{
	return b ? &b->sum : NULL;
}

CS_EXPORT const char *crashsig_bisect_unrecognized(const crashsig_bisect *b, size_t i,
						   unsigned *lineno)
{
	if (!b || i >= b->nunrec)
		return NULL;
	if (lineno)
		*lineno = b->unrec[i].line;
	return b->unrec[i].text;
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */
/* ------------------------------------------------------------------ */

/* Revisions tested as syzkaller counts them (env.test calls): builds made
 * only to read the parent's signature do not count. */
static size_t revisions(const crashsig_bisect *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->nsteps; i++)
		n += !b->steps[i].build_only;
	return n;
}

/* JSON string; invalid UTF-8 bytes become \u00XX (their Latin-1 value). */
static int jstr(cs_buf *o, const char *s)
{
	if (!s)
		return cs_buf_adds(o, "null");
	int rc = cs_buf_addc(o, '"');
	const unsigned char *p = (const unsigned char *)s;
	while (*p && !rc) {
		unsigned c = *p;
		/* well-formed sequences only (no overlongs, surrogates, ...):
		 * the output must pass a strict UTF-8 decoder */
		size_t n = cs_utf8_len(p, strnlen((const char *)p, 4));
		if (n > 1) {
			rc = cs_buf_add(o, p, n);
			p += n;
			continue;
		}
		if (c == '"')
			rc = cs_buf_adds(o, "\\\"");
		else if (c == '\\')
			rc = cs_buf_adds(o, "\\\\");
		else if (c == '\n')
			rc = cs_buf_adds(o, "\\n");
		else if (c == '\t')
			rc = cs_buf_adds(o, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			rc = cs_buf_printf(o, "\\u%04x", c);
		else
			rc = cs_buf_addc(o, (char)c);
		p++;
	}
	return rc ? rc : cs_buf_addc(o, '"');
}

static int jnum(cs_buf *o, double v)
{
	if (v < 0)
		return cs_buf_adds(o, "null");
	return cs_buf_printf(o, "%.6g", v);
}

static int jtri(cs_buf *o, int v)
{
	return cs_buf_adds(o, v < 0 ? "null" : v ? "true" : "false");
}

static int jflags(cs_buf *o, unsigned flags, const char *(*name)(unsigned))
{
	int rc = cs_buf_addc(o, '[');
	int first = 1;
	for (unsigned bit = 1; bit && !rc; bit <<= 1) {
		if (!(flags & bit) || !name(bit))
			continue;
		if (!first)
			rc = cs_buf_addc(o, ',');
		if (!rc)
			rc = jstr(o, name(bit));
		first = 0;
	}
	return rc ? rc : cs_buf_addc(o, ']');
}

static int jlist(cs_buf *o, const char *const *v, size_t n)
{
	int rc = cs_buf_addc(o, '[');
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = cs_buf_addc(o, ',');
		if (!rc)
			rc = jstr(o, v[i]);
	}
	return rc ? rc : cs_buf_addc(o, ']');
}

#define J(x)                                                                   \
	do {                                                                   \
		if ((rc = (x)))                                                \
			return rc;                                             \
	} while (0)

static int render_json_step(cs_buf *o, const crashsig_bisect_step *p)
{
	int rc;
	J(cs_buf_printf(o, "{\"line\":%u,\"commit\":", p->line));
	J(jstr(o, p->commit));
	J(cs_buf_adds(o, ",\"subject\":"));
	J(jstr(o, p->subject));
	J(cs_buf_adds(o, ",\"release\":"));
	J(jstr(o, p->release));
	J(cs_buf_adds(o, ",\"role\":"));
	J(jstr(o, p->role));
	J(cs_buf_adds(o, ",\"compiler\":"));
	J(jstr(o, p->compiler));
	J(cs_buf_adds(o, ",\"signature\":"));
	J(jstr(o, p->signature));
	J(cs_buf_printf(o, ",\"logged\":\"%s\",\"logged_explicit\":%s,\"then\":\"%s\","
			   "\"now\":\"%s\"",
			crashsig_verdict_name(p->logged), p->logged_explicit ? "true" : "false",
			crashsig_verdict_name(p->then), crashsig_verdict_name(p->now)));
	J(cs_buf_printf(o, ",\"total\":%u,\"ok\":%u,\"crashed\":%u,\"boot_failed\":%u,"
			   "\"test_failed\":%u,\"infra\":%u,\"ignored\":%u,\"failed\":%u,"
			   "\"bug_crashes\":%u,\"titles\":[",
			p->total, p->ok, p->crashed, p->boot_failed, p->test_failed, p->infra,
			p->ignored, p->failed, p->bug_crashes));
	for (size_t k = 0; k < p->ntitles; k++) {
		const crashsig_bisect_title *t = &p->titles[k];
		J(cs_buf_adds(o, k ? ",{\"title\":" : "{\"title\":"));
		J(jstr(o, t->title));
		J(cs_buf_printf(o, ",\"status\":\"%s\",\"count\":%u,\"relation\":\"%s\"}",
				crashsig_run_status_name(t->status), t->count,
				crashsig_relation_name(t->relation)));
	}
	J(cs_buf_adds(o, "],\"representative\":"));
	J(jstr(o, p->representative));
	J(cs_buf_adds(o, ",\"false_negative_logged\":"));
	J(jnum(o, p->false_negative_logged));
	J(cs_buf_adds(o, ",\"build_error\":"));
	J(jstr(o, p->build_error));
	J(cs_buf_adds(o, ",\"flags\":"));
	J(jflags(o, p->flags, crashsig_bisect_step_flag_name));
	return cs_buf_addc(o, '}');
}

static int render_json(const crashsig_bisect *b, const char *name, cs_buf *o)
{
	const crashsig_bisect_summary *s = &b->sum;
	int rc;
	J(cs_buf_adds(o, "{\"file\":"));
	J(jstr(o, name));
	J(cs_buf_adds(o, ",\"kind\":"));
	J(jstr(o, s->kind));
	J(cs_buf_adds(o, ",\"format\":"));
	J(jstr(o, s->format));
	J(cs_buf_adds(o, ",\"rules_then\":"));
	J(jstr(o, s->rules_then));
	J(cs_buf_adds(o, ",\"outcome\":"));
	J(jstr(o, s->outcome));
	J(cs_buf_adds(o, ",\"start_commit\":"));
	J(jstr(o, s->start_commit));
	J(cs_buf_adds(o, ",\"syzkaller_commit\":"));
	J(jstr(o, s->syzkaller_commit));
	J(cs_buf_adds(o, ",\"original_title\":"));
	J(jstr(o, s->original_title));
	J(cs_buf_adds(o, ",\"original_type\":"));
	J(jstr(o, s->original_type));
	J(cs_buf_adds(o, ",\"revisions_logged\":"));
	if (s->revisions_logged < 0)
		J(cs_buf_adds(o, "null"));
	else
		J(cs_buf_printf(o, "%d", s->revisions_logged));
	J(cs_buf_printf(o, ",\"revisions\":%zu,\"steps\":[", revisions(b)));
	for (size_t i = 0; i < b->nsteps; i++) {
		if (i)
			J(cs_buf_addc(o, ','));
		J(render_json_step(o, &b->steps[i].pub));
	}
	J(cs_buf_adds(o, "],\"culprit\":"));
	if (s->culprit) {
		J(cs_buf_adds(o, "{\"commit\":"));
		J(jstr(o, s->culprit));
		J(cs_buf_adds(o, ",\"subject\":"));
		J(jstr(o, s->culprit_subject));
		J(cs_buf_adds(o, ",\"signature\":"));
		J(jstr(o, s->culprit_signature));
		J(cs_buf_adds(o, ",\"parent_signature\":"));
		J(jstr(o, s->parent_signature));
		J(cs_buf_adds(o, ",\"parent_commit\":"));
		J(jstr(o, s->parent_commit));
		J(cs_buf_printf(o, ",\"merge\":%s,\"release\":%s,\"noop\":",
				s->flags & CRASHSIG_BISECT_CULPRIT_MERGE ? "true" : "false",
				s->flags & CRASHSIG_BISECT_CULPRIT_RELEASE ? "true" : "false"));
		J(jtri(o, s->culprit_noop));
		J(cs_buf_adds(o, ",\"parent_tested\":"));
		J(jtri(o, s->parent_tested));
		J(cs_buf_adds(o, ",\"boundary_proof\":"));
		J(jstr(o, s->boundary_proof));
		J(cs_buf_adds(o, ",\"diffstat\":"));
		J(jlist(o, s->diffstat, s->ndiffstat));
		J(cs_buf_adds(o, ",\"guilty_file\":"));
		J(jstr(o, s->guilty_file));
		J(cs_buf_printf(o, ",\"guilty_line\":%u", s->guilty_line));
		J(cs_buf_adds(o, ",\"touches\":"));
		J(jstr(o, s->touches));
		J(cs_buf_adds(o, ",\"touched_path\":"));
		J(jstr(o, s->touched_path));
		J(cs_buf_adds(o, ",\"detector\":"));
		J(jstr(o, s->detector));
		J(cs_buf_addc(o, '}'));
	} else {
		J(cs_buf_adds(o, "null"));
	}
	J(cs_buf_adds(o, ",\"inconclusive\":"));
	J(jlist(o, s->inconclusive, s->ninconclusive));
	J(cs_buf_adds(o, ",\"confidence\":{\"syzkaller\":"));
	J(jnum(o, s->confidence));
	J(cs_buf_adds(o, ",\"title_aware\":"));
	J(jnum(o, s->confidence_titles));
	J(cs_buf_adds(o, ",\"logged_error_probability\":"));
	J(jnum(o, s->logged_error_probability));
	J(cs_buf_adds(o, "},\"flags\":"));
	J(jflags(o, s->flags, crashsig_bisect_flag_name));
	J(cs_buf_adds(o, ",\"label\":"));
	J(jstr(o, s->label));
	J(cs_buf_adds(o, ",\"label_reasons\":"));
	J(jstr(o, s->label_reasons));
	J(cs_buf_adds(o, ",\"unrecognized\":["));
	for (size_t i = 0; i < b->nunrec; i++) {
		J(cs_buf_printf(o, "%s{\"line\":%u,\"text\":", i ? "," : "", b->unrec[i].line));
		J(jstr(o, b->unrec[i].text));
		J(cs_buf_addc(o, '}'));
	}
	return cs_buf_adds(o, "]}\n");
}

static int tflags(cs_buf *o, unsigned flags, const char *(*name)(unsigned))
{
	int rc = 0, first = 1;
	for (unsigned bit = 1; bit && !rc; bit <<= 1) {
		if (!(flags & bit) || !name(bit))
			continue;
		rc = cs_buf_printf(o, "%s%s", first ? "" : ",", name(bit));
		first = 0;
	}
	if (first && !rc)
		rc = cs_buf_addc(o, '-');
	return rc;
}

static const char *sh(const char *hash)
{
	return hash ? hash : "-";
}

static int render_text(const crashsig_bisect *b, const char *name, cs_buf *o)
{
	const crashsig_bisect_summary *s = &b->sum;
	int rc;
	J(cs_buf_printf(o, "%s: %s bisection, log format %s, rules of then %s, outcome %s\n",
			name ? name : "<input>", s->kind, s->format, s->rules_then, s->outcome));
	J(cs_buf_printf(o, "bisected crash: %s",
			s->original_title ? s->original_title : "(unknown)"));
	if (s->original_type && s->original_type[0])
		J(cs_buf_printf(o, " [%s]", s->original_type));
	J(cs_buf_addc(o, '\n'));
	J(cs_buf_adds(o, "  # commit       release  logged then now  total ok crash boot "
			 "infra ign flags titles\n"));
	for (size_t i = 0; i < b->nsteps; i++) {
		const crashsig_bisect_step *p = &b->steps[i].pub;
		J(cs_buf_printf(o, "%3zu %-12.12s %-8s %-4s%c %-4s %-4s %5u %2u %5u %4u %5u %3u ",
				i + 1, p->commit, p->release ? p->release : "-",
				crashsig_verdict_name(p->logged), p->logged_explicit ? ' ' : '*',
				crashsig_verdict_name(p->then), crashsig_verdict_name(p->now),
				p->total, p->ok, p->crashed, p->boot_failed, p->infra + p->failed,
				p->ignored));
		J(tflags(o, p->flags, crashsig_bisect_step_flag_name));
		for (size_t k = 0; k < p->ntitles; k++) {
			const crashsig_bisect_title *t = &p->titles[k];
			J(cs_buf_printf(o, "%s%s [%s", k ? "; " : " ", t->title,
					crashsig_relation_name(t->relation)));
			if (t->status != CRASHSIG_RUN_CRASHED)
				J(cs_buf_printf(o, ", %s", crashsig_run_status_name(t->status)));
			J(cs_buf_printf(o, " x%u]", t->count));
		}
		if (p->build_error)
			J(cs_buf_printf(o, " build error: %s", p->build_error));
		J(cs_buf_addc(o, '\n'));
	}
	J(cs_buf_adds(o, "  (* verdict implied: no \"# git bisect\" line)\n"));
	if (s->culprit) {
		J(cs_buf_printf(o, "culprit: %s %s\n", s->culprit,
				s->culprit_subject ? s->culprit_subject : ""));
		J(cs_buf_printf(o, "  merge: %s, release: %s, no-op (signature equals parent's): %s\n",
				s->flags & CRASHSIG_BISECT_CULPRIT_MERGE ? "yes" : "no",
				s->flags & CRASHSIG_BISECT_CULPRIT_RELEASE ? "yes" : "no",
				s->culprit_noop < 0 ? "unknown" : s->culprit_noop ? "yes" : "no"));
		J(cs_buf_printf(o, "  culprit signature: %s\n  parent signature:  %s\n",
				sh(s->culprit_signature), sh(s->parent_signature)));
		J(cs_buf_printf(o, "  parent tested: %s",
				s->parent_tested > 0	? "yes"
				: s->parent_tested == 0 ? "no (parent never tested)"
				: !s->culprit_signature ? "unknown (no kernel signatures in the log)"
							: "unknown (no parent signature in the log)"));
		if (s->boundary_proof)
			J(cs_buf_printf(o, "; boundary proven by tested-good %s (parent's signature)",
					s->boundary_proof));
		J(cs_buf_addc(o, '\n'));
		if (s->guilty_file && s->guilty_line)
			J(cs_buf_printf(o, "  guilty file: %s:%u", s->guilty_file, s->guilty_line));
		else
			J(cs_buf_printf(o, "  guilty file: %s", s->guilty_file ? s->guilty_file : "unknown"));
		J(cs_buf_printf(o, "; diffstat touches: %s", s->touches));
		if (s->touched_path)
			J(cs_buf_printf(o, " (%s)", s->touched_path));
		J(cs_buf_printf(o, "\n  introduced the detector: %s\n", s->detector));
	}
	if (s->ninconclusive) {
		J(cs_buf_printf(o, "inconclusive: %zu commits:", s->ninconclusive));
		for (size_t i = 0; i < s->ninconclusive; i++)
			J(cs_buf_printf(o, " %.12s", s->inconclusive[i]));
		J(cs_buf_addc(o, '\n'));
	}
	J(cs_buf_printf(o, "revisions: %zu tested", revisions(b)));
	if (s->revisions_logged >= 0)
		J(cs_buf_printf(o, ", log says %d", s->revisions_logged));
	J(cs_buf_printf(o, "\nconfidence: syzkaller %.3f, title-aware %.3f",
			s->confidence, s->confidence_titles));
	if (s->logged_error_probability >= 0)
		J(cs_buf_printf(o, ", logged accumulated error probability %.2f",
				s->logged_error_probability));
	J(cs_buf_adds(o, "\nflags: "));
	J(tflags(o, s->flags, crashsig_bisect_flag_name));
	J(cs_buf_printf(o, "\nlabel: %s", s->label));
	if (s->label_reasons)
		J(cs_buf_printf(o, " (%s)", s->label_reasons));
	J(cs_buf_addc(o, '\n'));
	if (b->nunrec)
		J(cs_buf_printf(o, "unrecognized lines: %zu (first at line %u: %s)\n", b->unrec_total,
				b->unrec[0].line, b->unrec[0].text));
	return 0;
}

CS_EXPORT int crashsig_bisect_render(const crashsig_bisect *b, crashsig_bisect_format fmt,
				     const char *name, char **out, size_t *len)
{
	if (!b || !out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	cs_buf o = {0};
	int rc = fmt == CRASHSIG_BISECT_JSON ? render_json(b, name, &o)
					     : render_text(b, name, &o);
	if (!rc && !o.data)
		rc = cs_buf_add(&o, "", 0);
	if (rc) {
		cs_buf_free(&o);
		return rc;
	}
	if (len)
		*len = o.len;
	*out = cs_buf_detach(&o);
	return *out ? CRASHSIG_OK : CRASHSIG_ENOMEM;
}
