/*
 * The report object (include/crashsig/classify.h): its public accessors,
 * crashsig_report_free, and its stacks, which are parsed from the report
 * text on first use (classification itself, in report.c, does not need
 * them).
 */
#include "classify/report.h"

#include <stdlib.h>
#include <string.h>

#include "classify/frames.h"
#include "input/doc.h"

/* Name of a stack from the line that introduced it. */
static const char *stack_kind(const char *l)
{
	static const struct {
		const char *needle, *kind;
	} kinds[] = {
		{"Call Trace", "call trace"}, {"Call trace", "call trace"},
		{"Backtrace", "call trace"},  {"stack backtrace", "call trace"},
		{"Allocated by", "allocated"}, {"Freed by", "freed"},
		{"Uninit was", "uninit"},     {"Local variable", "local variable"},
		{"related work creation", "aux"}, {"backtrace:", "backtrace"},
	};
	if (!l)
		return "frames";
	const char *nl = strchr(l, '\n');
	size_t n = nl ? (size_t)(nl - l) : strlen(l);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t k = strlen(kinds[i].needle);
		for (size_t j = 0; j + k <= n; j++)
			if (!memcmp(l + j, kinds[i].needle, k))
				return kinds[i].kind;
	}
	return "frames";
}

static unsigned marker_context(const char *t)
{
	if (!strncmp(t, "<IRQ>", 5))
		return CRASHSIG_CTX_IRQ;
	if (!strncmp(t, "<NMI>", 5))
		return CRASHSIG_CTX_NMI;
	if (!strncmp(t, "<SOFTIRQ>", 9))
		return CRASHSIG_CTX_SOFTIRQ;
	if (!strncmp(t, "<#DF>", 5) || !strncmp(t, "<EXC", 4))
		return CRASHSIG_CTX_EXCEPTION;
	return CRASHSIG_CTX_TASK;
}

/* Collect every frame of the report into stacks, in one pass. A stack
 * starts at an instruction pointer line (consecutive RIP lines of one inline
 * chain stay together) or after a non-frame line, whose text names it. */
static int build_stacks(crashsig_report *rep)
{
	char fbuf[1024];
	crashsig_frame *fr = NULL;
	size_t nfr = 0, capfr = 0;
	struct stk {
		const char *kind;
		size_t first, n;
	} *st = NULL;
	size_t nst = 0, capst = 0;
	cs_buf strs = {0};
	const char *kind = NULL;
	int in_stack = 0, prev_ip_inline = 0, rc = 0;
	unsigned ctxt = CRASHSIG_CTX_TASK;
	/* string fields are stored as offsets into strs until the end */
	const char *end = rep->text + rep->text_len;
	for (const char *l = rep->text, *nl; l < end && !rc; l = nl + 1) {
		nl = memchr(l, '\n', (size_t)(end - l));
		if (!nl)
			nl = end;
		size_t len = (size_t)(nl - l);
		crashsig_frame f, callee;
		if (!cs_frame_parse_ex(l, len, &f, &callee, fbuf, sizeof(fbuf))) {
			const char *t = l;
			size_t tl = len;
			while (tl && *t == ' ') {
				t++;
				tl--;
			}
			if (cs_is_stack_marker(t, tl)) {
				ctxt = marker_context(t);
				continue;
			}
			in_stack = 0;
			prev_ip_inline = 0;
			kind = (tl && t[tl - 1] == ':' && tl < 80) ? t : NULL;
			continue;
		}
		if (f.flags & CRASHSIG_FRAME_IP) {
			if (!prev_ip_inline)
				in_stack = 0;
			prev_ip_inline = (f.flags & CRASHSIG_FRAME_INLINE) != 0;
			if (!*f.func && !(f.flags & CRASHSIG_FRAME_HAS_ADDR))
				continue;
		} else {
			prev_ip_inline = 0;
		}
		if (!in_stack) {
			if ((rc = cs_reserve((void **)&st, &capst, nst + 1, sizeof(*st))))
				break;
			st[nst].kind = (f.flags & CRASHSIG_FRAME_IP) ? "ip" : stack_kind(kind);
			st[nst].first = nfr;
			st[nst].n = 0;
			nst++;
			in_stack = 1;
		}
		/* an arm line is two frames: the callee A, then the call in B;
		 * A is the previous line's B but on the stack's first line */
		int first_line = !st[nst - 1].n;
		if (!first_line && callee.func) {
			const crashsig_frame *pf = &fr[nfr - 1];
			if (pf->func && !strcmp(strs.data + ((uintptr_t)pf->func - 1), callee.func))
				callee.func = NULL;
		}
		crashsig_frame *line_fr[2] = {callee.func ? &callee : NULL, &f};
		for (int w = 0; w < 2 && !rc; w++) {
			crashsig_frame *g = line_fr[w];
			if (!g)
				continue;
			if ((rc = cs_reserve((void **)&fr, &capfr, nfr + 1, sizeof(*fr))))
				break;
			g->context = ctxt;
			const char **fields[4] = {&g->func, &g->module, &g->build_id, &g->file};
			for (int q = 0; q < 4 && !rc; q++) {
				if (!*fields[q])
					continue;
				size_t at = strs.len;
				if (cs_buf_add(&strs, *fields[q], strlen(*fields[q]) + 1))
					rc = CRASHSIG_ENOMEM;
				*fields[q] = (const char *)(uintptr_t)(at + 1);
			}
			fr[nfr++] = *g;
			st[nst - 1].n++;
		}
		if (rc)
			break;
		if ((f.flags & CRASHSIG_FRAME_IP) && !(f.flags & CRASHSIG_FRAME_INLINE))
			in_stack = 0;
	}
	if (!rc && nfr) {
		rep->strings = cs_buf_detach(&strs);
		rep->frames = fr;
		rep->stacks = calloc(nst, sizeof(crashsig_stack));
		if (!rep->strings || !rep->stacks) {
			rc = CRASHSIG_ENOMEM;
		} else {
			for (size_t k = 0; k < nfr; k++) {
				const char **fields[4] = {&fr[k].func, &fr[k].module,
							  &fr[k].build_id, &fr[k].file};
				for (int q = 0; q < 4; q++)
					if (*fields[q])
						*fields[q] = rep->strings +
							     ((uintptr_t)*fields[q] - 1);
			}
			for (size_t k = 0; k < nst; k++) {
				rep->stacks[k].kind = st[k].kind;
				rep->stacks[k].frames = fr + st[k].first;
				rep->stacks[k].nframes = st[k].n;
			}
			rep->nstacks = nst;
		}
		fr = NULL;
	}
	free(fr);
	free(st);
	cs_buf_free(&strs);
	return rc;
}

/* ---- public accessors ---- */

CS_EXPORT const char *crashsig_report_title(const crashsig_report *r)
{
	return r ? r->title : NULL;
}
CS_EXPORT size_t crashsig_report_alt_title_count(const crashsig_report *r)
{
	return r ? r->nalts : 0;
}
CS_EXPORT const char *crashsig_report_alt_title(const crashsig_report *r, size_t i)
{
	return r && i < r->nalts ? r->alts[i] : NULL;
}
CS_EXPORT const char *crashsig_report_type(const crashsig_report *r)
{
	return r ? r->type : NULL;
}
CS_EXPORT int crashsig_report_corrupted(const crashsig_report *r)
{
	return r && r->corrupted_reason != NULL;
}
CS_EXPORT const char *crashsig_report_corrupted_reason(const crashsig_report *r)
{
	return r ? r->corrupted_reason : NULL;
}
CS_EXPORT int crashsig_report_suppressed(const crashsig_report *r)
{
	return r ? r->suppressed : 0;
}
CS_EXPORT int crashsig_report_panicked(const crashsig_report *r)
{
	return r ? r->panicked : 0;
}
CS_EXPORT const char *crashsig_report_frame(const crashsig_report *r)
{
	return r ? r->frame : NULL;
}
CS_EXPORT const char *crashsig_report_executor(const crashsig_report *r)
{
	return r ? r->executor : NULL;
}
CS_EXPORT const char *crashsig_report_kind(const crashsig_report *r)
{
	return r ? r->kind : NULL;
}
CS_EXPORT const char *crashsig_report_rule(const crashsig_report *r)
{
	return r ? r->rule : NULL;
}
CS_EXPORT uint64_t crashsig_report_start(const crashsig_report *r)
{
	return r ? r->start : 0;
}
CS_EXPORT uint64_t crashsig_report_end(const crashsig_report *r)
{
	return r ? r->end : 0;
}
CS_EXPORT const char *crashsig_report_text(const crashsig_report *r, size_t *len)
{
	if (len)
		*len = r ? r->text_len : 0;
	return r ? r->text : NULL;
}
/* Stacks are parsed from the report text on first use: classification
 * alone does not need them. The report is used by one thread at a time, so
 * filling this cache through a const pointer is safe. */
static void ensure_stacks(const crashsig_report *r)
{
	crashsig_report *w = (crashsig_report *)r;
	if (!w->stacks_done) {
		w->stacks_done = 1;
		if (build_stacks(w)) { /* out of memory: no stacks */
			free(w->stacks);
			free(w->frames);
			free(w->strings);
			w->stacks = NULL;
			w->frames = NULL;
			w->strings = NULL;
			w->nstacks = 0;
		}
	}
}

CS_EXPORT size_t crashsig_report_stack_count(const crashsig_report *r)
{
	if (!r)
		return 0;
	ensure_stacks(r);
	return r->nstacks;
}
CS_EXPORT const crashsig_stack *crashsig_report_stack(const crashsig_report *r,
						      size_t i)
{
	if (!r)
		return NULL;
	ensure_stacks(r);
	return i < r->nstacks ? &r->stacks[i] : NULL;
}

CS_EXPORT void crashsig_report_free(crashsig_report *r)
{
	if (!r)
		return;
	free(r->title);
	for (size_t i = 0; i < r->nalts; i++)
		free(r->alts[i]);
	free(r->alts);
	free(r->type);
	free(r->corrupted_reason);
	free(r->frame);
	free(r->executor);
	free(r->text);
	free(r->stacks);
	free(r->frames);
	free(r->strings);
	cs_document_free(r->doc);
	free(r->log);
	free(r);
}

CS_EXPORT int crashsig_report_time(const crashsig_report *r, crashsig_time *t)
{
	if (!r || !t)
		return CRASHSIG_EINVAL;
	*t = r->time;
	return 0;
}

CS_EXPORT crashsig_origin crashsig_report_origin(const crashsig_report *r)
{
	return r ? r->origin : CRASHSIG_ORIGIN_CONSOLE;
}

CS_EXPORT const crashsig_document *crashsig_report_document(const crashsig_report *r)
{
	return r ? r->doc : NULL;
}

CS_EXPORT int crashsig_report_quoted(const crashsig_report *r)
{
	return r ? r->quoted : 0;
}

CS_EXPORT const char *crashsig_report_log(const crashsig_report *r, size_t *len)
{
	if (len)
		*len = r && r->log ? r->log_len : 0;
	return r ? r->log : NULL;
}
