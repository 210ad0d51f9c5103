/* Private to src/validate: the result object of a validation (one
 * allocation list owns every string and array it hands out) and the
 * helpers that fill it, shared by validate.c (titles), sites.c (WARN/BUG
 * sites), suggest.c (close names) and report.c (reports). */
#ifndef CRASHSIG_VALIDATE_RESULT_H
#define CRASHSIG_VALIDATE_RESULT_H

#include "validate/validate_int.h"

/* At most this many holders / suggestions / sites are listed. */
#define MAX_ITEMS 24
#define MAX_SITES 64

typedef struct vres {
	crashsig_validation v; /* first: the public part */
	void **allocs;
	size_t nallocs, capallocs;
	int oom;
} vres;

void *vx_rmem(vres *r, size_t n);
const char *vx_rstrn(vres *r, const char *s, size_t n);
const char *vx_rstr(vres *r, const char *s);
const char *vx_rfmt(vres *r, const char *fmt, ...) CS_PRINTF(2, 3);

/* A growing list of strings, copied into the result at the end. */
typedef struct slist {
	const char **v;
	size_t n, cap;
	int oom;
} slist;

int vx_slist_has(const slist *l, const char *s);
void vx_slist_add(vres *r, slist *l, const char *s, int uniq);
const char *const *vx_slist_take(vres *r, slist *l, size_t *n);

/* A source path made kernel-relative, copied into the result. */
void vx_norm_path(vres *r, const char *path, const char **out);

typedef struct vx_range {
	uint64_t lo, hi;
} vx_range;

typedef struct holders_acc {
	crashsig_index *ix;
	vres *r;
	slist names; /* the first MAX_ITEMS holders */
	slist all;   /* every holder, to count them once */
	size_t total;
	vx_range *ranges;
	size_t nranges, capranges;
	int oom;
} holders_acc;

/* A vx_holder_cb for vx_holders / vx_mod_holders filling a holders_acc. */
void vx_holders_add(void *arg, Dwarf_Die *top, Dwarf_Die *inl);
int vx_collect_holders(crashsig_index *ix, vres *r, const char *name, holders_acc *h);

/* sites.c: WARN/BUG sites in address ranges of vmlinux, or of a module
 * function; whether a title kind asks for them. */
void vx_sites_in(crashsig_index *ix, vres *r, const vx_range *rg, size_t nrg);
void vx_module_sites(crashsig_index *ix, vres *r, vx_mod *m, const char *name);
int vx_wants_sites(const char *kind);

/* suggest.c: close names for an absent function (from file first). */
void vx_suggest(crashsig_index *ix, vres *r, const char *name, const char *file);

/* validate.c: the verdict for a title; file_hint is the source file of
 * the title's frame when a report gives it. */
int vx_validate_title(crashsig_index *ix, const char *title, const char *file_hint, vres **out);
int vx_title_split(const char *t, size_t *kind_len, const char **fn, size_t *fnlen);
int vx_ident_char(int c);

#endif
