/* Validating a report: its title, the symbolizer's mismatch check, the
 * report titled again after symbolizing it with this build, the inline
 * chain at the crash site (with what the build has for each inlined
 * function) and the guilty file. */
#include "validate/result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *frame_file(vres *r, const char *text, size_t len, const char *func)
{
	if (!func)
		return NULL;
	size_t fl = strlen(func);
	for (const char *p = text; p && p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		const char *f = memmem(p, ll, func, fl);
		if (f && (f == p || !vx_ident_char((unsigned char)f[-1])) && f + fl < p + ll &&
		    (f[fl] == '+' || f[fl] == ' ' || f[fl] == '.')) {
			/* a path ending in .c:NUMBER on the line */
			for (const char *q = f + fl; q < p + ll; q++) {
				if (*q != ' ')
					continue;
				const char *s = q + 1, *e = s;
				while (e < p + ll && *e != ':' && *e != ' ')
					e++;
				if (e < p + ll && *e == ':' && e - s > 2 && e[-2] == '.' &&
				    (e[-1] == 'c' || e[-1] == 'h'))
					return vx_rstrn(r, s, (size_t)(e - s));
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* What the build has for a function inlined at the crash site. */
static void inline_note(crashsig_index *ix, vres *r, slist *notes, const char *name,
			const char *module)
{
	size_t n = strlen(name);
	char b[1024];
	uint32_t i = vx_sym_first(ix, name, n);
	if (i != VX_NONE) {
		snprintf(b, sizeof(b), "%s: has a symbol (%s%s%s), also inlined here", name,
			 ix->syms[i].mod ? ix->mods[ix->syms[i].mod - 1].name : "",
			 ix->syms[i].mod ? ":" : "", ix->syms[i].name);
		vx_slist_add(r, notes, b, 1);
		return;
	}
	holders_acc h;
	memset(&h, 0, sizeof(h));
	h.ix = ix;
	h.r = r;
	vx_mod *m = NULL;
	for (size_t k = 0; module && k < ix->nmods; k++)
		if (!strcmp(ix->mods[k].name, module))
			m = &ix->mods[k];
	if (m)
		vx_mod_holders(ix, m, name, vx_holders_add, &h);
	else
		vx_holders(ix, name, vx_holders_add, &h);
	size_t o = (size_t)snprintf(b, sizeof(b), "%s: %s", name,
				    h.total ? "inline-only, inlined into" : "no symbol");
	for (size_t k = 0; k < h.names.n && o < sizeof(b); k++)
		o += (size_t)snprintf(b + o, sizeof(b) - o, "%s %s", k ? "," : "", h.names.v[k]);
	vx_slist_add(r, notes, b, 1);
	free(h.names.v);
	free(h.all.v);
	free(h.ranges);
}

static void copy_chain(crashsig_index *ix, vres *r, const crashsig_symres *res)
{
	slist chain = {0}, notes = {0};
	for (size_t i = 0; i < res->nlocs; i++)
		if (res->locs[i].inlined)
			inline_note(ix, r, &notes, res->locs[i].func, res->module);
	r->v.inline_notes = vx_slist_take(r, &notes, &r->v.ninline_notes);
	for (size_t i = 0; i < res->nlocs; i++) {
		const crashsig_symloc *l = &res->locs[i];
		char b[1024];
		snprintf(b, sizeof(b), "%s %s:%u%s", l->func, l->file ? l->file : "??", l->line,
			 l->inlined ? " [inline]" : "");
		vx_slist_add(r, &chain, b, 0);
	}
	r->v.crash_chain = vx_slist_take(r, &chain, &r->v.ncrash_chain);
}

/* The inline chain at the crash site: the first frame of the report that
 * names the title's function, else the RIP/PC line. */
static void crash_site(crashsig_index *ix, crashsig_symbolizer *sym, vres *r, const char *text, size_t len,
		       const char *func)
{
	const crashsig_symres *ip = NULL, *hit = NULL;
	char buf[4096];
	for (const char *p = text; p && p < text + len && !hit;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		crashsig_frame f;
		if (ll + 256 < sizeof(buf) && crashsig_frame_parse(p, ll, &f, buf, sizeof(buf)) == 1) {
			const crashsig_symres *res;
			int is_rip = (f.flags & CRASHSIG_FRAME_IP) != 0;
			if ((!ip && is_rip) || (func && f.func && !strncmp(f.func, func, strlen(func)) &&
						 (!f.func[strlen(func)] || f.func[strlen(func)] == '.'))) {
				if (crashsig_symbolizer_frame(sym, &f, is_rip, &res) == 1 && res->nlocs) {
					if (func && f.func && !strncmp(f.func, func, strlen(func)))
						hit = res;
					else if (!ip)
						ip = res;
					if (hit || ip)
						copy_chain(ix, r, hit ? hit : ip);
				}
			}
		}
		p = nl ? nl + 1 : NULL;
	}
}

CS_EXPORT int crashsig_validate_report(crashsig_index *ix, crashsig_symbolizer *sym,
				       const crashsig_report *rep, crashsig_validation **out)
{
	if (!out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (!ix || !rep)
		return CRASHSIG_EINVAL;
	size_t len;
	const char *text = crashsig_report_text(rep, &len);
	const char *title = crashsig_report_title(rep);
	char *symtext = NULL;
	size_t symlen = 0;
	crashsig_symbolize_stats before = {0}, after = {0};
	if (sym) {
		crashsig_symbolizer_stats(sym, &before);
		if (crashsig_symbolizer_report(sym, text, len, &symtext, &symlen))
			symtext = NULL;
		crashsig_symbolizer_stats(sym, &after);
	}
	const char *use = symtext ? symtext : text;
	size_t uselen = symtext ? symlen : len;
	/* the file of the title's frame guides suggestions for absent names */
	vres tmp = {0};
	char fn[256];
	crashsig_title_function(title, fn, sizeof(fn));
	const char *hint = frame_file(&tmp, use, uselen, fn[0] ? fn : NULL);
	vres *r;
	int rc = vx_validate_title(ix, title ? title : "", hint, &r);
	for (size_t i = 0; i < tmp.nallocs; i++)
		free(tmp.allocs[i]);
	free(tmp.allocs);
	if (rc) {
		free(symtext);
		return rc;
	}
	crashsig_validation *v = &r->v;
	v->has_report = 1;
	if (sym) {
		v->frames = after.frames - before.frames;
		v->frames_resolved = after.resolved - before.resolved;
		v->mismatch = (int)(after.mismatched - before.mismatched);
		const char *m = symtext ? memmem(symtext, symlen, "[mismatch: ", 11) : NULL;
		if (m) {
			const char *e = memchr(m, ']', (size_t)(symtext + symlen - m));
			v->mismatch_note = vx_rstrn(r, m + 11, e ? (size_t)(e - m - 11) : 0);
		}
		crash_site(ix, sym, r, text, len, v->function);
	}
	if (symtext) {
		crashsig_report **reps = NULL;
		size_t n = 0;
		if (!crashsig_parse_buffer(ix->ctx, symtext, symlen, &reps, &n) && n)
			v->symbolized_title = vx_rstr(r, crashsig_report_title(reps[0]));
		crashsig_reports_free(reps, n);
	}
	char g[1024];
	if (crashsig_guilty_file(title, use, uselen, g, sizeof(g)))
		v->guilty_file = vx_rstr(r, g);
	free(symtext);
	if (r->oom) {
		crashsig_validation_free(v);
		return cs_ctx_error(ix->ctx, CRASHSIG_ENOMEM, "out of memory");
	}
	*out = v;
	return 0;
}

