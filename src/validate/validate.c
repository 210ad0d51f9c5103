/* Title validation: which function a syzbot title names, and what this
 * kernel build has under that name (symbol, suffixed pieces, module,
 * several statics, inline-only, absent); the declaration; WARN/BUG sites;
 * for a report, the symbolizer's mismatch check and what the binary's
 * inline chain shows at the crash site. */
#include "validate/validate_int.h"

#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

/* At most this many holders / suggestions / sites are listed. */
#define MAX_ITEMS 24
#define MAX_SITES 64

/* ------------------------------------------------------------------ */
/* Result memory: everything hangs off one object.                     */
/* ------------------------------------------------------------------ */

typedef struct vres {
	crashsig_validation v; /* first: the public part */
	void **allocs;
	size_t nallocs, capallocs;
	int oom;
} vres;

static void *rmem(vres *r, size_t n)
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

static const char *rstrn(vres *r, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = rmem(r, n + 1);
	if (p)
		memcpy(p, s, n);
	return p;
}

static const char *rstr(vres *r, const char *s)
{
	return s ? rstrn(r, s, strlen(s)) : NULL;
}

static const char *rfmt(vres *r, const char *fmt, ...) CS_PRINTF(2, 3);
static const char *rfmt(vres *r, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	return rstr(r, tmp);
}

/* A growing list of strings, copied into the result at the end. */
typedef struct slist {
	const char **v;
	size_t n, cap;
	int oom;
} slist;

static int slist_has(const slist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

static void slist_add(vres *r, slist *l, const char *s, int uniq)
{
	if (!s || (uniq && slist_has(l, s)))
		return;
	const char *c = rstr(r, s);
	if (!c || cs_reserve((void **)&l->v, &l->cap, l->n + 1, sizeof(char *))) {
		l->oom = 1;
		return;
	}
	l->v[l->n++] = c;
}

static const char *const *slist_take(vres *r, slist *l, size_t *n)
{
	*n = 0;
	if (!l->n) {
		free(l->v);
		return NULL;
	}
	const char **out = rmem(r, l->n * sizeof(char *));
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

/* ------------------------------------------------------------------ */
/* Titles                                                              */
/* ------------------------------------------------------------------ */

static int ident_start(int c) { return cs_isalpha(c) || c == '_'; }
static int ident_char(int c) { return cs_isalnum(c) || c == '_'; }

/* Words syzkaller puts where a function would be when it has none. */
static int pseudo_function(const char *s, size_t n)
{
	static const char *const words[] = {"corrupted", "NUM", "ADDR", "PTR", "DEV", NULL};
	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == n && !memcmp(words[i], s, n))
			return 1;
	return 0;
}

/* Find " in FUNC" in title: the last " in " followed by an identifier
 * that ends the title or is followed by a space / '(' / '+'. Sets
 * *kind_len (the text before " in ") and the function span. */
static int title_split(const char *t, size_t *kind_len, const char **fn, size_t *fnlen)
{
	size_t n = strlen(t);
	int found = 0;
	for (size_t i = 0; i + 4 <= n; i++) {
		if (memcmp(t + i, " in ", 4))
			continue;
		size_t s = i + 4, e = s;
		if (s >= n || !ident_start((unsigned char)t[s]))
			continue;
		while (e < n && ident_char((unsigned char)t[e]))
			e++;
		/* compiler suffixes are dropped from titles, but accept them */
		size_t e2 = e;
		while (e2 < n && t[e2] == '.' && e2 + 1 < n && ident_char((unsigned char)t[e2 + 1])) {
			e2++;
			while (e2 < n && ident_char((unsigned char)t[e2]))
				e2++;
		}
		if (e2 < n && t[e2] != ' ' && t[e2] != '(')
			continue;
		*kind_len = i;
		*fn = t + s;
		*fnlen = e - s;
		found = 1;
	}
	if (found && pseudo_function(*fn, *fnlen))
		return 0;
	return found;
}

CS_EXPORT int crashsig_title_function(const char *title, char *func, size_t funclen)
{
	if (func && funclen)
		func[0] = 0;
	if (!title)
		return 0;
	size_t kl, fl;
	const char *fn;
	if (!title_split(title, &kl, &fn, &fl))
		return 0;
	if (func && funclen) {
		size_t k = fl < funclen - 1 ? fl : funclen - 1;
		memcpy(func, fn, k);
		func[k] = 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */
/* ------------------------------------------------------------------ */

static void norm_path(vres *r, const char *path, const char **out)
{
	if (!path) {
		*out = NULL;
		return;
	}
	char tmp[1024];
	crashsig_symbolize_path(path, NULL, tmp, sizeof(tmp));
	*out = rstr(r, tmp);
}

/* Declaration of the DWARF function DIE at off. */
static void set_decl_die(vres *r, Dwarf_Die *die)
{
	const char *f = dwarf_decl_file(die);
	int line = 0;
	dwarf_decl_line(die, &line);
	if (f) {
		norm_path(r, f, &r->v.decl_file);
		r->v.decl_line = line > 0 ? (unsigned)line : 0;
	}
}

static void set_decl_vmlinux(crashsig_index *ix, vres *r, const char *name, int want_code)
{
	if (!ix->dw)
		return;
	uint32_t best = VX_NONE;
	for (uint32_t i = vx_fn_first(ix, name, strlen(name)); i != VX_NONE; i = ix->fns[i].next) {
		const vx_fn *f = &ix->fns[i];
		if (strcmp(f->name, name) || (f->flags & VX_FN_DECL))
			continue;
		int code = (f->flags & (VX_FN_CODE | VX_FN_OOL)) != 0;
		if (best == VX_NONE || (want_code && code && !(ix->fns[best].flags & (VX_FN_CODE | VX_FN_OOL))) ||
		    (!want_code && f->inl && !ix->fns[best].inl))
			best = i;
	}
	if (best == VX_NONE)
		return;
	Dwarf_Die die;
	if (dwarf_offdie(ix->dw, ix->fns[best].off, &die))
		set_decl_die(r, &die);
}

/* Source file (unit name) of the vmlinux code at addr. */
static const char *unit_of(crashsig_index *ix, uint64_t addr)
{
	Dwarf_Die cu;
	if (!ix->dw || !dwarf_addrdie(ix->dw, addr, &cu))
		return NULL;
	return dwarf_diename(&cu);
}

typedef struct find_fn {
	const char *name;
	Dwarf_Die die;
	int found;
} find_fn;

static int find_fn_cb(Dwarf_Die *d, void *arg)
{
	find_fn *ff = arg;
	const char *n = dwarf_diename(d);
	if (n && !strcmp(n, ff->name)) {
		ff->die = *d;
		ff->found = 1;
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

/* Declaration of a module function: find its address through the module's
 * symbol table as libdwfl laid it out, then the subprogram in that unit. */
static void set_decl_module(crashsig_index *ix, vres *r, vx_mod *m, const char *sym)
{
	Dwarf_Addr bias;
	if (!vx_mod_dwarf(ix, m, &bias) || !m->dm)
		return;
	Dwfl_Module *dm = m->dm;
	int nsym = dwfl_module_getsymtab(dm);
	for (int i = 1; i < nsym; i++) {
		GElf_Sym gs;
		GElf_Addr addr;
		const char *n = dwfl_module_getsym_info(dm, i, &gs, &addr, NULL, NULL, NULL);
		if (!n || strcmp(n, sym) || GELF_ST_TYPE(gs.st_info) != STT_FUNC)
			continue;
		Dwarf_Addr b2;
		Dwarf_Die *cu = dwfl_module_addrdie(dm, addr, &b2);
		if (!cu)
			return;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)vx_base_len(sym), sym);
		find_fn ff = {.name = name};
		dwarf_getfuncs(cu, find_fn_cb, &ff, 0);
		if (ff.found)
			set_decl_die(r, &ff.die);
		return;
	}
}

/* ------------------------------------------------------------------ */
/* Holders of inlined copies and WARN/BUG sites                        */
/* ------------------------------------------------------------------ */

typedef struct range {
	uint64_t lo, hi;
} range;

typedef struct holders_acc {
	crashsig_index *ix;
	vres *r;
	slist names;
	size_t total;
	range *ranges;
	size_t nranges, capranges;
	int oom;
} holders_acc;

static void holder_cb(void *arg, Dwarf_Die *top, Dwarf_Die *inl)
{
	holders_acc *h = arg;
	const char *n = vx_die_display_name(h->ix, top);
	if (!slist_has(&h->names, n)) {
		h->total++;
		if (h->names.n < MAX_ITEMS)
			slist_add(h->r, &h->names, n, 1);
	}
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	while ((off = dwarf_ranges(inl, off, &base, &lo, &hi)) > 0) {
		if (cs_reserve((void **)&h->ranges, &h->capranges, h->nranges + 1,
			       sizeof(range))) {
			h->oom = 1;
			return;
		}
		h->ranges[h->nranges].lo = lo;
		h->ranges[h->nranges++].hi = hi;
	}
}

/* The innermost inlined function at addr, when addr is inside an inlined
 * copy; else NULL. */
static const char *inlined_at(crashsig_index *ix, uint64_t addr)
{
	Dwarf_Die cu, *scopes = NULL;
	if (!ix->dw || !dwarf_addrdie(ix->dw, addr, &cu))
		return NULL;
	int n = dwarf_getscopes(&cu, addr, &scopes);
	const char *name = NULL;
	for (int i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine) {
			Dwarf_Attribute at;
			if (dwarf_attr_integrate(&scopes[i], DW_AT_name, &at))
				name = dwarf_formstring(&at);
			break;
		}
		if (tag == DW_TAG_subprogram)
			break;
	}
	free(scopes);
	return name;
}

static void add_site(crashsig_index *ix, vres *r, crashsig_bug_site *sites, size_t *n,
		     const vx_bug *b)
{
	for (size_t i = 0; i < *n; i++)
		if (sites[i].addr == b->addr)
			return;
	if (*n >= MAX_SITES)
		return;
	crashsig_bug_site *s = &sites[(*n)++];
	s->addr = b->addr;
	const vx_sym *sym = vx_sym_at(ix, b->addr);
	s->symbol = rstr(r, sym ? sym->name : "??");
	norm_path(r, b->file, &s->file);
	s->line = b->line;
	s->warning = (b->flags & 1) != 0;
	s->inlined_in = rstr(r, inlined_at(ix, b->addr));
}

/* WARN/BUG sites inside [lo, hi) ranges. */
static void sites_in(crashsig_index *ix, vres *r, const range *rg, size_t nrg)
{
	if (vx_bugs_load(ix) || !ix->nbugs)
		return;
	crashsig_bug_site *sites = rmem(r, MAX_SITES * sizeof(*sites));
	if (!sites)
		return;
	size_t n = 0;
	for (size_t k = 0; k < nrg; k++) {
		size_t lo = 0, hi = ix->nbugs;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (ix->bugs[mid].addr < rg[k].lo)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < ix->nbugs && ix->bugs[i].addr < rg[k].hi; i++)
			add_site(ix, r, sites, &n, &ix->bugs[i]);
	}
	r->v.sites = sites;
	r->v.nsites = n;
}

/* WARN/BUG sites of a module function: __bug_table of an ET_REL module is
 * not relocated, so each entry's bug_addr_disp / file_disp is read from
 * its R_X86_64_PC32 relocation: the target is symbol + addend (for a
 * PC-relative field, target = P + (S + A - P)). */
static void module_sites(crashsig_index *ix, vres *r, vx_mod *m, const char *name)
{
	Elf *elf = m->elf;
	size_t shstrndx;
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		return;
	Elf_Scn *scn = NULL, *bt = NULL, *rela = NULL, *symscn = NULL;
	size_t btidx = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *nm = elf_strptr(elf, shstrndx, sh.sh_name);
		if (nm && !strcmp(nm, "__bug_table")) {
			bt = scn;
			btidx = elf_ndxscn(scn);
		}
		if (sh.sh_type == SHT_SYMTAB)
			symscn = scn;
	}
	if (!bt || !symscn)
		return;
	scn = NULL;
	while (!rela && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_RELA && sh.sh_info == btidx)
			rela = scn;
	}
	Elf_Data *bd = elf_getdata(bt, NULL), *rd = rela ? elf_getdata(rela, NULL) : NULL;
	Elf_Data *sd = elf_getdata(symscn, NULL);
	GElf_Shdr rsh, ssh;
	if (!bd || !rd || !sd || !gelf_getshdr(rela, &rsh) || !gelf_getshdr(symscn, &ssh) ||
	    !rsh.sh_entsize)
		return;
	size_t nent = bd->d_size / 12, nrel = rsh.sh_size / rsh.sh_entsize;
	crashsig_bug_site *sites = rmem(r, MAX_SITES * sizeof(*sites));
	if (!sites)
		return;
	size_t ns = 0, nl = strlen(name);
	Dwarf_Addr bias = 0;
	vx_mod_dwarf(ix, m, &bias);
	for (size_t e = 0; e < nent && ns < MAX_SITES; e++) {
		GElf_Sym asym = {0}, fsym = {0};
		int64_t aadd = 0, fadd = 0;
		int have_a = 0, have_f = 0;
		for (size_t i = 0; i < nrel; i++) {
			GElf_Rela rl;
			if (!gelf_getrela(rd, (int)i, &rl) || rl.r_offset / 12 != e)
				continue;
			GElf_Sym sy;
			if (!gelf_getsym(sd, (int)GELF_R_SYM(rl.r_info), &sy))
				continue;
			if (rl.r_offset % 12 == 0) {
				asym = sy, aadd = rl.r_addend, have_a = 1;
			} else if (rl.r_offset % 12 == 4) {
				fsym = sy, fadd = rl.r_addend, have_f = 1;
			}
		}
		if (!have_a)
			continue;
		uint64_t off = asym.st_value + (uint64_t)aadd;
		/* the function (of that name) holding the site */
		size_t nsyms = ssh.sh_size / (ssh.sh_entsize ? ssh.sh_entsize : 24);
		const char *fname = NULL;
		int fidx = -1;
		GElf_Sym fn;
		for (size_t i = 1; i < nsyms; i++) {
			if (!gelf_getsym(sd, (int)i, &fn) || GELF_ST_TYPE(fn.st_info) != STT_FUNC ||
			    fn.st_shndx != asym.st_shndx || off < fn.st_value ||
			    off >= fn.st_value + (fn.st_size ? fn.st_size : 1))
				continue;
			fname = elf_strptr(elf, ssh.sh_link, fn.st_name);
			fidx = (int)i;
			break;
		}
		if (!fname || strncmp(fname, name, nl) || (fname[nl] && fname[nl] != '.'))
			continue;
		crashsig_bug_site *st = &sites[ns++];
		const unsigned char *p = (const unsigned char *)bd->d_buf + e * 12;
		uint16_t line, flags;
		memcpy(&line, p + 8, 2);
		memcpy(&flags, p + 10, 2);
		st->line = line;
		st->warning = (flags & 1) != 0;
		st->symbol = rfmt(r, "%s:%s", m->name, fname);
		st->addr = off;
		if (have_f) {
			Elf_Scn *fs = elf_getscn(elf, fsym.st_shndx);
			Elf_Data *fdat = fs ? elf_getdata(fs, NULL) : NULL;
			uint64_t fo = fsym.st_value + (uint64_t)fadd;
			if (fdat && fdat->d_buf && fo < fdat->d_size &&
			    memchr((const char *)fdat->d_buf + fo, 0, fdat->d_size - fo))
				norm_path(r, (const char *)fdat->d_buf + fo, &st->file);
		}
		/* inline chain at the site through libdwfl's layout */
		GElf_Sym gs;
		GElf_Addr faddr;
		if (m->dm && fidx > 0 &&
		    dwfl_module_getsym_info(m->dm, fidx, &gs, &faddr, NULL, NULL, NULL)) {
			Dwarf_Addr b2, site = faddr + (off - fn.st_value);
			Dwarf_Die *cu = dwfl_module_addrdie(m->dm, site, &b2);
			Dwarf_Die *scopes = NULL;
			int n = cu ? dwarf_getscopes(cu, site - b2, &scopes) : 0;
			for (int i = 0; i < n; i++) {
				int tag = dwarf_tag(&scopes[i]);
				if (tag == DW_TAG_inlined_subroutine) {
					Dwarf_Attribute at;
					if (dwarf_attr_integrate(&scopes[i], DW_AT_name, &at))
						st->inlined_in = rstr(r, dwarf_formstring(&at));
					break;
				}
				if (tag == DW_TAG_subprogram)
					break;
			}
			free(scopes);
		}
	}
	r->v.sites = sites;
	r->v.nsites = ns;
}

static int wants_sites(const char *kind)
{
	return !strncmp(kind, "WARNING", 7) || !strncmp(kind, "kernel BUG", 10);
}

/* ------------------------------------------------------------------ */
/* Suggestions for absent names                                        */
/* ------------------------------------------------------------------ */

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
static void suggest(crashsig_index *ix, vres *r, const char *name, const char *file)
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
		slist_add(r, &out, c[i].name, 1);
	r->v.items = slist_take(r, &out, &r->v.nitems);
}

/* ------------------------------------------------------------------ */
/* The verdict for one name                                            */
/* ------------------------------------------------------------------ */

static const char *const sys_prefixes[][2] = {
	/* title prefix, binary prefix to try (in order) */
	{"sys_", "__x64_sys_"}, {"sys_", "__do_sys_"}, {"sys_", "__se_sys_"},
	{"sys_", "__ia32_sys_"},
	{"SyS_", "__x64_sys_"}, {"SyS_", "__se_sys_"}, {"SyS_", "__do_sys_"},
	{"SYSC_", "__do_sys_"}, {"SYSC_", "__se_sys_"}, {"SYSC_", "__x64_sys_"},
	{"compat_sys_", "__ia32_compat_sys_"}, {"compat_sys_", "__do_compat_sys_"},
	{"compat_sys_", "__se_compat_sys_"}, {"compat_SyS_", "__se_compat_sys_"},
	{"C_SYSC_", "__do_compat_sys_"},
};

/* Collect the symbols with base name == name: exact ones and pieces. */
static void collect(crashsig_index *ix, const char *name, int vmlinux_only,
		    uint32_t *exact, size_t *nexact, uint32_t *pieces, size_t *npieces,
		    size_t max)
{
	*nexact = *npieces = 0;
	size_t n = strlen(name);
	for (uint32_t i = vx_sym_first(ix, name, n); i != VX_NONE; i = ix->syms[i].next) {
		const vx_sym *s = &ix->syms[i];
		if (s->blen != n || memcmp(s->name, name, n))
			continue;
		if (vmlinux_only && s->mod)
			continue;
		if (!vmlinux_only && !s->mod)
			continue;
		if (!s->name[n]) {
			int dup = 0;
			for (size_t k = 0; k < *nexact; k++)
				if (ix->syms[exact[k]].addr == s->addr &&
				    ix->syms[exact[k]].mod == s->mod)
					dup = 1;
			if (!dup && *nexact < max)
				exact[(*nexact)++] = i;
		} else if (*npieces < max) {
			pieces[(*npieces)++] = i;
		}
	}
}

/* Does DWARF describe inlined copies of name (DW_AT_inline inlined or
 * declared_inlined)? */
static int dwarf_inlined(const crashsig_index *ix, const char *name)
{
	for (uint32_t i = vx_fn_first(ix, name, strlen(name)); i != VX_NONE; i = ix->fns[i].next)
		if (!strcmp(ix->fns[i].name, name) &&
		    (ix->fns[i].inl == DW_INL_inlined || ix->fns[i].inl == DW_INL_declared_inlined))
			return 1;
	return 0;
}

static int collect_holders(crashsig_index *ix, vres *r, const char *name, holders_acc *h)
{
	memset(h, 0, sizeof(*h));
	h->ix = ix;
	h->r = r;
	int rc = vx_holders(ix, name, holder_cb, h);
	if (h->oom || h->names.oom)
		rc = CRASHSIG_ENOMEM;
	return rc;
}

static int classify_name(crashsig_index *ix, vres *r, const char *name, const char *file_hint)
{
	crashsig_validation *v = &r->v;
	enum { MAXS = 64 };
	uint32_t exact[MAXS], pieces[MAXS];
	size_t ne, np;
	slist syms = {0}, items = {0};
	int sites_ok = wants_sites(v->kind);
	range rg[MAXS * 2];
	size_t nrg = 0;

	collect(ix, name, 1, exact, &ne, pieces, &np, MAXS);
	const char *wrapper = NULL;
	char wbuf[512];
	if (!ne && !np) {
		for (size_t k = 0; k < sizeof(sys_prefixes) / sizeof(sys_prefixes[0]); k++) {
			size_t pl = strlen(sys_prefixes[k][0]);
			if (strncmp(name, sys_prefixes[k][0], pl) || !name[pl])
				continue;
			snprintf(wbuf, sizeof(wbuf), "%s%s", sys_prefixes[k][1], name + pl);
			collect(ix, wbuf, 1, exact, &ne, pieces, &np, MAXS);
			if (ne || np) {
				wrapper = wbuf;
				break;
			}
		}
	}
	if (ne || np) {
		for (size_t k = 0; k < ne; k++) {
			const vx_sym *s = &ix->syms[exact[k]];
			slist_add(r, &syms, s->name, 0);
			rg[nrg].lo = s->addr;
			rg[nrg++].hi = s->addr + (s->size ? s->size : 1);
		}
		for (size_t k = 0; k < np; k++) {
			const vx_sym *s = &ix->syms[pieces[k]];
			slist_add(r, &syms, s->name, 1);
			rg[nrg].lo = s->addr;
			rg[nrg++].hi = s->addr + (s->size ? s->size : 1);
		}
		v->symbols = slist_take(r, &syms, &v->nsymbols);
		const char *base = wrapper ? wrapper : name;
		if (wrapper)
			v->syscall_wrapper = rstr(r, wrapper);
		if (ne >= 2) {
			v->status = CRASHSIG_NAME_MULTIPLE_STATIC;
			for (size_t k = 0; k < ne; k++)
				slist_add(r, &items, unit_of(ix, ix->syms[exact[k]].addr), 1);
			v->items = slist_take(r, &items, &v->nitems);
			v->verdict = rfmt(r, "%zu static functions are named %s in this build; "
					  "a report names one of them", ne, base);
		} else if (!ne) {
			v->status = CRASHSIG_NAME_SUFFIXED;
			v->verdict = rfmt(r, "%s exists only as compiler-made pieces (%s%s); "
					  "titles drop the suffix, so the title holds",
					  base, ix->syms[pieces[0]].name, np > 1 ? ", ..." : "");
		} else if (!wrapper && dwarf_inlined(ix, name)) {
			v->status = CRASHSIG_NAME_PARTLY_INLINED;
			/* Holders are not listed here: finding them walks every
			 * unit that inlines the function, and the title holds
			 * anyway. */
			v->verdict = rfmt(r, "%s has an out-of-line copy and DWARF shows "
					  "inlined copies too; a crash in an inlined copy "
					  "names %s only in a symbolized report", name, name);
		} else {
			v->status = CRASHSIG_NAME_SYMBOL;
			v->verdict = wrapper
				? rfmt(r, "%s is reached through the syscall wrapper %s", name, wrapper)
				: rfmt(r, "%s is a function of this build", name);
		}
		v->producible = 1;
		set_decl_vmlinux(ix, r, wrapper ? wrapper : name, 1);
		if (!v->decl_file && wrapper) {
			/* SYSCALL_DEFINE: the DWARF name of __do_sys_X is the
			 * same; fall back to any wrapper. */
			char b2[512];
			snprintf(b2, sizeof(b2), "__do_sys_%s", strchr(name, '_') + 1);
			set_decl_vmlinux(ix, r, b2, 1);
		}
		if (sites_ok)
			sites_in(ix, r, rg, nrg);
		return r->oom ? CRASHSIG_ENOMEM : 0;
	}

	/* Modules. */
	collect(ix, name, 0, exact, &ne, pieces, &np, MAXS);
	if (ne || np) {
		v->status = CRASHSIG_NAME_MODULE;
		const vx_sym *first = &ix->syms[ne ? exact[0] : pieces[0]];
		vx_mod *m = &ix->mods[first->mod - 1];
		v->module = rstr(r, m->name);
		for (size_t k = 0; k < ne + np; k++) {
			const vx_sym *s = &ix->syms[k < ne ? exact[k] : pieces[k - ne]];
			char b[512];
			snprintf(b, sizeof(b), "%s:%s", ix->mods[s->mod - 1].name, s->name);
			slist_add(r, &syms, b, 1);
		}
		v->symbols = slist_take(r, &syms, &v->nsymbols);
		v->producible = 1;
		v->verdict = rfmt(r, "%s is a function of module %s", name, m->name);
		set_decl_module(ix, r, m, first->name);
		if (sites_ok)
			module_sites(ix, r, m, name);
		return r->oom ? CRASHSIG_ENOMEM : 0;
	}

	/* No symbol: inlined copies only? */
	holders_acc h;
	if (collect_holders(ix, r, name, &h)) {
		free(h.ranges);
		free(h.names.v);
		return CRASHSIG_ENOMEM;
	}
	vx_mod *hm = NULL;
	if (!h.total) {
		/* Inlined copies in a module: only modules whose DWARF strings
		 * hold the name are walked. */
		uint32_t cmods[2];
		size_t nc = vx_modules_with_string(ix, name, cmods, 2);
		for (size_t k = 0; k < nc && !h.total; k++) {
			free(h.ranges);
			h.ranges = NULL;
			h.nranges = h.capranges = 0;
			vx_mod_holders(ix, &ix->mods[cmods[k]], name, holder_cb, &h);
			if (h.total)
				hm = &ix->mods[cmods[k]];
		}
		if (h.oom || h.names.oom) {
			free(h.ranges);
			free(h.names.v);
			return CRASHSIG_ENOMEM;
		}
	}
	if (h.total && hm) {
		v->status = CRASHSIG_NAME_INLINE_ONLY;
		v->module = rstr(r, hm->name);
		v->items = slist_take(r, &h.names, &v->nitems);
		v->holders_total = h.total;
		free(h.ranges);
		v->producible = !sites_ok;
		v->verdict = rfmt(r, "inline-only here (module %s): %s names the function "
				  "holding the copy (%s%s)%s", hm->name,
				  sites_ok ? "the WARNING/BUG line" : "a raw report",
				  v->nitems ? v->items[0] : "?", h.total > 1 ? ", ..." : "",
				  sites_ok ? ", so this build cannot produce this title"
					   : "; only a symbolized report names the function");
		return r->oom ? CRASHSIG_ENOMEM : 0;
	}
	if (h.total) {
		v->status = CRASHSIG_NAME_INLINE_ONLY;
		v->items = slist_take(r, &h.names, &v->nitems);
		v->holders_total = h.total;
		set_decl_vmlinux(ix, r, name, 0);
		const char *first = v->nitems ? v->items[0] : "?";
		if (sites_ok) {
			v->producible = 0;
			v->verdict = rfmt(r, "inline-only here: the %s line names the function "
					  "holding the copy (%s%s), so this build cannot produce "
					  "this title", strncmp(v->kind, "WARNING", 7) ? "BUG" : "WARNING",
					  first, h.total > 1 ? ", ..." : "");
			sites_in(ix, r, h.ranges, h.nranges);
		} else {
			v->producible = 1;
			v->verdict = rfmt(r, "inline-only here: a raw report would be titled by "
					  "its caller %s%s; only a symbolized report names %s",
					  first, h.total > 1 ? " (or another holder)" : "", name);
		}
		free(h.ranges);
		return r->oom ? CRASHSIG_ENOMEM : 0;
	}
	free(h.ranges);
	free(h.names.v);
	v->status = CRASHSIG_NAME_ABSENT;
	v->producible = 0;
	set_decl_vmlinux(ix, r, name, 0);
	v->verdict = v->decl_file
		? rfmt(r, "%s is declared here but has no code in this build", name)
		: rfmt(r, "%s is not in this build", name);
	suggest(ix, r, name, file_hint);
	return r->oom ? CRASHSIG_ENOMEM : 0;
}

static int validate_title(crashsig_index *ix, const char *title, const char *file_hint,
			  vres **out)
{
	*out = NULL;
	if (!ix || !title)
		return CRASHSIG_EINVAL;
	vres *r = calloc(1, sizeof(*r));
	if (!r)
		return cs_ctx_error(ix->ctx, CRASHSIG_ENOMEM, "out of memory");
	crashsig_validation *v = &r->v;
	v->title = rstr(r, title);
	size_t kl, fl;
	const char *fn;
	int rc = 0;
	if (!title_split(title, &kl, &fn, &fl)) {
		v->kind = rstr(r, title);
		v->status = CRASHSIG_NAME_NO_FUNCTION;
		v->producible = 1;
		v->verdict = rstr(r, "the title names no function");
	} else {
		v->kind = rstrn(r, title, kl);
		v->function = rstrn(r, fn, fl);
		if (v->function && v->kind)
			rc = classify_name(ix, r, v->function, file_hint);
	}
	if (!rc && r->oom)
		rc = CRASHSIG_ENOMEM;
	if (rc) {
		crashsig_validation_free(v);
		return cs_ctx_error(ix->ctx, rc, "out of memory");
	}
	*out = r;
	return 0;
}

CS_EXPORT int crashsig_validate_title(crashsig_index *ix, const char *title,
				      crashsig_validation **out)
{
	if (!out)
		return CRASHSIG_EINVAL;
	vres *r;
	int rc = validate_title(ix, title, NULL, &r);
	*out = r ? &r->v : NULL;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

/* The source file printed after the title's frame in a symbolized report
 * ("FUNC+0x1/0x2 net/core/foo.c:12" or "FUNC net/core/foo.c:12 [inline]"). */
static const char *frame_file(vres *r, const char *text, size_t len, const char *func)
{
	if (!func)
		return NULL;
	size_t fl = strlen(func);
	for (const char *p = text; p && p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		const char *f = memmem(p, ll, func, fl);
		if (f && (f == p || !ident_char((unsigned char)f[-1])) && f + fl < p + ll &&
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
					return rstrn(r, s, (size_t)(e - s));
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
		slist_add(r, notes, b, 1);
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
		vx_mod_holders(ix, m, name, holder_cb, &h);
	else
		vx_holders(ix, name, holder_cb, &h);
	size_t o = (size_t)snprintf(b, sizeof(b), "%s: %s", name,
				    h.total ? "inline-only, inlined into" : "no symbol");
	for (size_t k = 0; k < h.names.n && o < sizeof(b); k++)
		o += (size_t)snprintf(b + o, sizeof(b) - o, "%s %s", k ? "," : "", h.names.v[k]);
	slist_add(r, notes, b, 1);
	free(h.names.v);
	free(h.ranges);
}

static void copy_chain(crashsig_index *ix, vres *r, const crashsig_symres *res)
{
	slist chain = {0}, notes = {0};
	for (size_t i = 0; i < res->nlocs; i++)
		if (res->locs[i].inlined)
			inline_note(ix, r, &notes, res->locs[i].func, res->module);
	r->v.inline_notes = slist_take(r, &notes, &r->v.ninline_notes);
	for (size_t i = 0; i < res->nlocs; i++) {
		const crashsig_symloc *l = &res->locs[i];
		char b[1024];
		snprintf(b, sizeof(b), "%s %s:%u%s", l->func, l->file ? l->file : "??", l->line,
			 l->inlined ? " [inline]" : "");
		slist_add(r, &chain, b, 0);
	}
	r->v.crash_chain = slist_take(r, &chain, &r->v.ncrash_chain);
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
	int rc = validate_title(ix, title ? title : "", hint, &r);
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
			v->mismatch_note = rstrn(r, m + 11, e ? (size_t)(e - m - 11) : 0);
		}
		crash_site(ix, sym, r, text, len, v->function);
	}
	if (symtext) {
		crashsig_report **reps = NULL;
		size_t n = 0;
		if (!crashsig_parse_buffer(ix->ctx, symtext, symlen, &reps, &n) && n)
			v->symbolized_title = rstr(r, crashsig_report_title(reps[0]));
		crashsig_reports_free(reps, n);
	}
	char g[1024];
	if (crashsig_guilty_file(title, use, uselen, g, sizeof(g)))
		v->guilty_file = rstr(r, g);
	free(symtext);
	if (r->oom) {
		crashsig_validation_free(v);
		return cs_ctx_error(ix->ctx, CRASHSIG_ENOMEM, "out of memory");
	}
	*out = v;
	return 0;
}
