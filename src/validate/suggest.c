/* Close names for a function a build does not have: the functions of the
 * source file a report names first, else neighbours in sorted order within
 * a small edit distance or sharing a long prefix. */
#include "validate/result.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int build_sorted(crashsig_index *ix)
{
	if (ix->sorted_names)
		return 0;
	size_t n = ix->nfns + ix->nsyms;
	ix->sorted_names = malloc((n ? n : 1) * sizeof(char *));
	if (!ix->sorted_names)
		return CRASHSIG_ENOMEM;
	size_t k = 0;
	/* functions with code have symbols; add the inline ones */
	for (size_t i = 0; i < ix->nfns; i++)
		if (!(ix->fns[i].flags & (VX_FN_DECL | VX_FN_CODE)) && ix->fns[i].inl)
			ix->sorted_names[k++] = ix->fns[i].name;
	for (size_t i = 0; i < ix->nsyms; i++)
		if (!ix->syms[i].name[ix->syms[i].blen])
			ix->sorted_names[k++] = ix->syms[i].name;
	qsort(ix->sorted_names, k, sizeof(char *), cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || strcmp(ix->sorted_names[u - 1], ix->sorted_names[i]))
			ix->sorted_names[u++] = ix->sorted_names[i];
	ix->nsorted = u;
	return 0;
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t i = 0;
	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

/* Bounded Levenshtein distance (returns > max when farther). */
static size_t edit_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > max || la > 120 || lb > 120)
		return max + 1;
	size_t prev[128], cur[128];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		size_t rowmin = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t c = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < c)
				c = prev[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			cur[j] = c;
			if (c < rowmin)
				rowmin = c;
		}
		if (rowmin > max)
			return max + 1;
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

typedef struct cand {
	const char *name;
	size_t score; /* lower is closer */
} cand;

static int cmp_cand(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Close names: with a known source file, the functions of that unit;
 * otherwise names of the whole build sharing a long prefix or within a
 * small edit distance among the neighbours in sorted order. */
void vx_suggest(crashsig_index *ix, vres *r, const char *name, const char *file)
{
	slist out = {0};
	cand c[MAX_ITEMS * 4];
	size_t nc = 0;
	size_t len = strlen(name);
	if (file && ix->dw) {
		for (size_t u = 0; u < ix->ncus; u++) {
			if (!ix->cus[u].name || strcmp(ix->cus[u].name, file))
				continue;
			for (size_t i = 0; i < ix->nfns; i++) {
				const vx_fn *f = &ix->fns[i];
				if (f->cu != u || (f->flags & VX_FN_DECL) ||
				    (!(f->flags & (VX_FN_CODE | VX_FN_OOL | VX_FN_EXTERNAL)) && !f->inl))
					continue;
				size_t d = edit_distance(name, f->name, len);
				size_t score = d * 4 + (len - common_prefix(name, f->name));
				if (nc < sizeof(c) / sizeof(c[0])) {
					c[nc].name = f->name;
					c[nc++].score = score;
				} else {
					qsort(c, nc, sizeof(cand), cmp_cand);
					if (score < c[nc - 1].score) {
						c[nc - 1].name = f->name;
						c[nc - 1].score = score;
					}
				}
			}
		}
	}
	if (!nc && !build_sorted(ix) && ix->nsorted) {
		size_t lo = 0, hi = ix->nsorted;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (strcmp(ix->sorted_names[mid], name) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t maxd = len / 4 + 1;
		size_t from = lo > 200 ? lo - 200 : 0, to = lo + 200 < ix->nsorted ? lo + 200 : ix->nsorted;
		for (size_t i = from; i < to && nc < sizeof(c) / sizeof(c[0]); i++) {
			const char *s = ix->sorted_names[i];
			size_t cp = common_prefix(name, s);
			size_t d = edit_distance(name, s, maxd);
			if (d > maxd && cp * 3 < len * 2)
				continue;
			c[nc].name = s;
			c[nc++].score = (d > maxd ? maxd + 1 : d) * 4 + (len - cp);
		}
	}
	qsort(c, nc, sizeof(cand), cmp_cand);
	for (size_t i = 0; i < nc && out.n < 5; i++)
		vx_slist_add(r, &out, c[i].name, 1);
	r->v.items = vx_slist_take(r, &out, &r->v.nitems);
}

