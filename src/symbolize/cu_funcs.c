/* Per-CU function ranges and the inline chain of an address. */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize/symbolize_int.h"

/* ------------------------------------------------------------------ */
/* DWARF: per-CU function ranges and the inline chain                  */
/* ------------------------------------------------------------------ */

int frange_cmp(const void *a, const void *b)
{
	const struct frange *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

int cu_add_range(struct cu_funcs *c, uint64_t lo, uint64_t hi, uint64_t off, Dwarf_Addr pc,
		 int *hit)
{
	if (hi <= lo)
		return 0;
	if (cs_reserve((void **)&c->r, &c->cap, c->n + 1, sizeof(*c->r)))
		return CRASHSIG_ENOMEM;
	c->r[c->n].lo = lo;
	c->r[c->n].hi = hi;
	c->r[c->n].off = off;
	c->n++;
	if (lo <= pc && pc < hi)
		*hit = 1;
	return 0;
}

int cu_add(struct cu_funcs *c, Dwarf_Die *die, Dwarf_Addr pc, int *hit)
{
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;
	uint64_t doff = dwarf_dieoffset(die);
	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0)
		if (cu_add_range(c, start, end, doff, pc, hit) != 0)
			return CRASHSIG_ENOMEM;
	return 0;
}

void cu_reset_funcs(struct cu_funcs *c)
{
	c->state = 0;
	c->n = 0;
	own_walk_free(c);
}

/* The top-level subprogram of the unit cudie (header at unit) containing
 * pc: 1 (*out its DIE offset), 0, CRASHSIG_ENOMEM. */
static int cu_find(const struct mod *m, struct cu_funcs *c, Dwarf_Die *cudie,
		   Dwarf_Addr pc, uint64_t *out)
{
	if (c->state == 2) {
		size_t lo = 0, hi = c->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (c->r[mid].lo <= pc)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i-- > 0 && i + 8 >= lo;)
			if (c->r[i].lo <= pc && pc < c->r[i].hi) {
				*out = c->r[i].off;
				return 1;
			}
		return 0;
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->r[i].lo <= pc && pc < c->r[i].hi) {
			*out = c->r[i].off;
			return 1;
		}
	if (c->walker == 0)
		c->walker = m->own_walk ? 1 : -1;
	if (c->walker == 1) {
		uint64_t die_off = dwarf_dieoffset(cudie), rel = dwarf_cuoffset(cudie);
		int r = rel <= die_off ? own_walk(m, c, die_off - rel, pc, out) : -2;
		if (r >= 0 || r == CRASHSIG_ENOMEM)
			return r;
		/* something the own walker does not know: start over with libdw */
		c->walker = -1;
		cu_reset_funcs(c);
	}
	Dwarf_Die child;
	int more;
	if (c->state == 0) {
		more = dwarf_child(cudie, &child) == 0;
		c->state = 1;
	} else {
		child = c->next;
		more = 1;
	}
	while (more) {
		int hit = 0;
		if (dwarf_tag(&child) == DW_TAG_subprogram &&
		    (dwarf_hasattr(&child, DW_AT_low_pc) || dwarf_hasattr(&child, DW_AT_ranges))) {
			if (cu_add(c, &child, pc, &hit) != 0)
				return CRASHSIG_ENOMEM;
		}
		Dwarf_Die cur = child;
		more = dwarf_siblingof(&child, &child) == 0;
		if (hit) {
			if (more) {
				c->next = child;
			} else {
				c->state = 2;
				if (c->n)
					qsort(c->r, c->n, sizeof(*c->r), frange_cmp);
			}
			*out = dwarf_dieoffset(&cur);
			return 1;
		}
	}
	c->state = 2;
	if (c->n)
		qsort(c->r, c->n, sizeof(*c->r), frange_cmp);
	return 0;
}

struct cu_funcs *cu_get(struct mod *m, uint64_t off)
{
	if (m->cun * 2 >= m->cucap) {
		size_t nc = m->cucap ? m->cucap * 2 : 256;
		struct cu_funcs *t = calloc(nc, sizeof(*t));
		if (!t)
			return NULL;
		for (size_t i = 0; i < m->cucap; i++) {
			if (!m->cus[i].off)
				continue;
			size_t h = (size_t)(m->cus[i].off * 0x9E3779B97F4A7C15ull) & (nc - 1);
			while (t[h].off)
				h = (h + 1) & (nc - 1);
			t[h] = m->cus[i];
		}
		free(m->cus);
		m->cus = t;
		m->cucap = nc;
	}
	/* CU DIE offsets are never 0 (the CU header comes first). */
	size_t h = (size_t)(off * 0x9E3779B97F4A7C15ull) & (m->cucap - 1);
	while (m->cus[h].off && m->cus[h].off != off)
		h = (h + 1) & (m->cucap - 1);
	if (!m->cus[h].off) {
		memset(&m->cus[h], 0, sizeof(m->cus[h]));
		m->cus[h].off = off;
		m->cun++;
	}
	return &m->cus[h];
}

static const char *die_name(Dwarf_Die *d)
{
	Dwarf_Attribute a;
	const char *n = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &a));
	return n ? n : "??";
}

const char *res_str(crashsig_symbolizer *s, const char *str, size_t *off)
{
	/* Strings of a result live in s->strs; we record offsets because the
	 * arena can move, and fix the pointers up at the end. */
	*off = s->strs.len;
	if (cs_buf_add(&s->strs, str, strlen(str) + 1))
		return NULL;
	return str;
}

int push_loc(crashsig_symbolizer *s, const char *func, const char *file, unsigned line,
	     unsigned col, int inl)
{
	if (s->nlocs == s->caplocs) {
		size_t nc = s->caplocs ? s->caplocs * 2 : 16;
		crashsig_symloc *l = realloc(s->locs, nc * sizeof(*l));
		if (!l)
			return CRASHSIG_ENOMEM;
		s->locs = l;
		struct locoff *o = realloc(s->lo, nc * sizeof(*o));
		if (!o)
			return CRASHSIG_ENOMEM;
		s->lo = o;
		s->caplocs = nc;
	}
	struct locoff *o = &s->lo[s->nlocs];
	crashsig_symloc *l = &s->locs[s->nlocs++];
	memset(l, 0, sizeof(*l));
	l->line = line;
	l->column = col;
	l->inlined = inl;
	o->func = o->file = SIZE_MAX;
	if (!res_str(s, func ? func : "??", &o->func))
		return CRASHSIG_ENOMEM;
	if (file) {
		char tmp[4096];
		crashsig_symbolize_path(file, s->strip_prefix, tmp, sizeof(tmp));
		if (!res_str(s, tmp, &o->file))
			return CRASHSIG_ENOMEM;
	}
	return 0;
}


#define MAX_INLINE_DEPTH 64

/* Fill s->locs for address a (dwfl address) in m. Returns 1 when DWARF
 * information was found, 0 when not, < 0 on error. */
int dwarf_chain(crashsig_symbolizer *s, struct mod *m, uint64_t a,
		       const char *fallback_name)
{
	if (!m->dw)
		return 0;
	if (m->own_cu) {
		int r = own_chain(s, m, a - m->dwbias, fallback_name);
		if (r != -2)
			return r;
	}
	if (m->prefault && mod_prefault(m) != 0) {
		/* vmlinux opened with its first unit checked only (the
		 * others cost a page fault each): a damaged one further
		 * on is named now, and the frames libdw would look up
		 * have no file:line */
		if (!s->problem) {
			cs_buf b = {0};
			if (!cs_buf_printf(&b,
					   "%s: truncated or corrupt DWARF: the unit at "
					   ".debug_info+0x%llx runs past the section end; "
					   "frames whose unit crashsig does not read itself "
					   "have no file:line",
					   s->vmlinux_path ? s->vmlinux_path : "vmlinux",
					   (unsigned long long)m->dw_bad_off))
				s->problem = b.data;
			else
				cs_buf_free(&b);
		}
		return 0;
	}
	if (m->dw_bad)
		return 0;
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(m->dm, a, &bias);
	if (!cu)
		return 0;
	Dwarf_Addr pc = a - bias;
	struct cu_funcs *cf = cu_get(m, dwarf_dieoffset(cu));
	if (!cf)
		return CRASHSIG_ENOMEM;
	if (cf->lines_state == 0)
		cf->lines_state = lines_parse(m, cu, &cf->lines) == 0 ? 1 : -1;
	struct cu_lines *own = cf->lines_state == 1 ? &cf->lines : NULL;
	const char *file = NULL;
	int line = 0, col = 0, have_line = 0;
	if (own) {
		const struct lrow *lr = lines_find(own, pc);
		if (lr) {
			have_line = 1;
			if (lines_file_get(own, lr->file, &file) != 0)
				return CRASHSIG_ENOMEM;
			line = (int)lr->line;
			col = lr->col_end >> 1;
		}
	} else {
		Dwarf_Line *ln = dwarf_getsrc_die(cu, pc);
		if (ln) {
			have_line = 1;
			file = dwarf_linesrc(ln, NULL, NULL);
			dwarf_lineno(ln, &line);
			dwarf_linecol(ln, &col);
		}
	}
	Dwarf_Die chain[MAX_INLINE_DEPTH];
	size_t depth = 0;
	/* top-level subprogram containing pc */
	uint64_t top;
	int fr = cu_find(m, cf, cu, pc, &top);
	if (fr < 0)
		return CRASHSIG_ENOMEM;
	if (fr > 0 && !dwarf_offdie(m->dw, top, &chain[0]))
		fr = 0;
	depth = fr > 0;
	if (depth) {
		Dwarf_Die cur = chain[0];
		for (;;) {
			Dwarf_Die c;
			int found = 0;
			if (dwarf_child(&cur, &c) == 0) {
				do {
					int tag = dwarf_tag(&c);
					if (tag != DW_TAG_inlined_subroutine &&
					    tag != DW_TAG_lexical_block)
						continue;
					if (dwarf_haspc(&c, pc) > 0) {
						found = 1;
						break;
					}
				} while (dwarf_siblingof(&c, &c) == 0);
			}
			if (!found)
				break;
			cur = c;
			if (dwarf_tag(&c) == DW_TAG_inlined_subroutine) {
				if (depth == MAX_INLINE_DEPTH)
					break;
				chain[depth++] = c;
			}
		}
	}
	if (!depth && !have_line)
		return 0;
	Dwarf_Files *files = NULL;
	size_t nfiles = 0;
	if (depth > 1 && !own && dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
		files = NULL;
	/* innermost first */
	const char *cfile = file;
	unsigned cline = (unsigned)line, ccol = (unsigned)col;
	if (!depth) {
		return push_loc(s, fallback_name, cfile, cline, ccol, 0) < 0
			       ? CRASHSIG_ENOMEM
			       : 1;
	}
	for (size_t i = depth; i-- > 0;) {
		int r = push_loc(s, die_name(&chain[i]), cfile, cline, ccol, i > 0);
		if (r)
			return r;
		if (i == 0)
			break;
		/* the call site of chain[i] is the location in chain[i-1] */
		Dwarf_Attribute at;
		Dwarf_Word fidx = 0, cl = 0, cc = 0;
		cfile = NULL;
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_file, &at), &fidx) == 0) {
			if (own) {
				if (lines_file_get(own, fidx, &cfile) != 0)
					return CRASHSIG_ENOMEM;
			} else if (files)
				cfile = dwarf_filesrc(files, fidx, NULL, NULL);
		}
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_line, &at), &cl) != 0)
			cl = 0;
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_column, &at), &cc) != 0)
			cc = 0;
		cline = (unsigned)cl;
		ccol = (unsigned)cc;
	}
	return 1;
}
