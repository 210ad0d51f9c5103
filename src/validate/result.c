/* The result object of a validation: every string and array it hands out
 * is owned by it (one allocation list), so it outlives the index and the
 * report it was made from. */
#include "validate/result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *vx_rmem(vres *r, size_t n)
{
	if (r->oom)
		return NULL;
	void *p = calloc(1, n ? n : 1);
	if (!p || cs_reserve((void **)&r->allocs, &r->capallocs, r->nallocs + 1,
			     sizeof(void *))) {
		free(p);
		r->oom = 1;
		return NULL;
	}
	r->allocs[r->nallocs++] = p;
	return p;
}

const char *vx_rstrn(vres *r, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = vx_rmem(r, n + 1);
	if (p)
		memcpy(p, s, n);
	return p;
}

const char *vx_rstr(vres *r, const char *s)
{
	return s ? vx_rstrn(r, s, strlen(s)) : NULL;
}

const char *vx_rfmt(vres *r, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	return vx_rstr(r, tmp);
}

/* A growing list of strings, copied into the result at the end. */

int vx_slist_has(const slist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void vx_slist_add(vres *r, slist *l, const char *s, int uniq)
{
	if (!s || (uniq && vx_slist_has(l, s)))
		return;
	const char *c = vx_rstr(r, s);
	if (!c || cs_reserve((void **)&l->v, &l->cap, l->n + 1, sizeof(char *))) {
		l->oom = 1;
		return;
	}
	l->v[l->n++] = c;
}

const char *const *vx_slist_take(vres *r, slist *l, size_t *n)
{
	*n = 0;
	if (!l->n) {
		free(l->v);
		return NULL;
	}
	const char **out = vx_rmem(r, l->n * sizeof(char *));
	if (out) {
		memcpy(out, l->v, l->n * sizeof(char *));
		*n = l->n;
	}
	if (l->oom)
		r->oom = 1;
	free(l->v);
	memset(l, 0, sizeof(*l));
	return out;
}

CS_EXPORT void crashsig_validation_free(crashsig_validation *v)
{
	if (!v)
		return;
	vres *r = (vres *)v;
	for (size_t i = 0; i < r->nallocs; i++)
		free(r->allocs[i]);
	free(r->allocs);
	free(r);
}

CS_EXPORT const char *crashsig_name_status_str(crashsig_name_status st)
{
	switch (st) {
	case CRASHSIG_NAME_SYMBOL: return "symbol";
	case CRASHSIG_NAME_SUFFIXED: return "symbol-suffixed";
	case CRASHSIG_NAME_MODULE: return "module";
	case CRASHSIG_NAME_MULTIPLE_STATIC: return "multiple-static";
	case CRASHSIG_NAME_INLINE_ONLY: return "inline-only";
	case CRASHSIG_NAME_PARTLY_INLINED: return "partly-inlined";
	case CRASHSIG_NAME_ABSENT: return "absent";
	case CRASHSIG_NAME_NO_FUNCTION: return "no-function";
	}
	return "?";
}

void vx_norm_path(vres *r, const char *path, const char **out)
{
	if (!path) {
		*out = NULL;
		return;
	}
	char tmp[1024];
	crashsig_symbolize_path(path, NULL, tmp, sizeof(tmp));
	*out = vx_rstr(r, tmp);
}

void vx_holders_add(void *arg, Dwarf_Die *top, Dwarf_Die *inl)
{
	holders_acc *h = arg;
	const char *n = vx_die_display_name(h->ix, top);
	if (!vx_slist_has(&h->all, n)) {
		vx_slist_add(h->r, &h->all, n, 1);
		h->total++;
		if (h->names.n < MAX_ITEMS)
			vx_slist_add(h->r, &h->names, n, 1);
	}
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	while ((off = dwarf_ranges(inl, off, &base, &lo, &hi)) > 0) {
		if (cs_reserve((void **)&h->ranges, &h->capranges, h->nranges + 1,
			       sizeof(vx_range))) {
			h->oom = 1;
			return;
		}
		h->ranges[h->nranges].lo = lo;
		h->ranges[h->nranges++].hi = hi;
	}
}

int vx_collect_holders(crashsig_index *ix, vres *r, const char *name, holders_acc *h)
{
	memset(h, 0, sizeof(*h));
	h->ix = ix;
	h->r = r;
	int rc = vx_holders(ix, name, vx_holders_add, h);
	if (h->oom || h->names.oom || h->all.oom)
		rc = CRASHSIG_ENOMEM;
	free(h->all.v);
	memset(&h->all, 0, sizeof(h->all));
	return rc;
}

