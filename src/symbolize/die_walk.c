/* The top-level function of an address and its inline chain, with the
 * shared DIE reader (src/dwarf/die.h; why: README, "Why crashsig has its
 * own DWARF reader"). */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/die.h"
#include "symbolize/symbolize_int.h"

/* Finding the subprogram of an address means visiting the top-level DIEs
 * of its CU, most of them types and declarations. With dwarf_siblingof and
 * dwarf_tag that was the largest cost for 10,000 addresses (two locked
 * abbreviation lookups per DIE). The shared reader reads the CU's
 * abbreviation table once and skips DIEs by their attribute forms (or
 * DW_AT_sibling); only subprograms whose abbreviation has DW_AT_low_pc or
 * DW_AT_ranges have their attributes read, and their ranges are computed
 * here as dwarf_ranges computes them. Anything it does not know returns -2
 * and the caller redoes the CU with libdw.
 *
 * own_chain does a whole lookup that way for vmlinux (m->own_cu): the unit
 * from .debug_aranges, the line table, the top-level function and the
 * inline chain under it, the names through DW_AT_abstract_origin and
 * DW_AT_specification. Any libdw call that needs a unit of vmlinux makes
 * libdw read the headers of all units before it (~2,200 page faults and
 * 12 M instructions on Debian's); a report's lookups need none. */

void own_walk_free(struct cu_funcs *c)
{
	if (!c->walk)
		return;
	dwr_iter_fini(c->walk);
	free(c->walk);
	c->walk = NULL;
}

/* ------------------------------------------------------------------ */
/* Attributes and ranges                                               */
/* ------------------------------------------------------------------ */

/* dwarf_formudata's forms (for the attributes read here) */
static int udata_form(uint32_t form)
{
	switch (form) {
	case DW_FORM_data1: case DW_FORM_data2: case DW_FORM_data4: case DW_FORM_data8:
	case DW_FORM_udata: case DW_FORM_sdata: case DW_FORM_implicit_const: return 1;
	default: return 0;
	}
}

static int addrx_form(uint32_t form)
{
	switch (form) {
	case DW_FORM_addrx: case DW_FORM_addrx1: case DW_FORM_addrx2: case DW_FORM_addrx3:
	case DW_FORM_addrx4: case DW_FORM_GNU_addr_index: return 1;
	default: return 0;
	}
}

static int string_form(uint32_t form)
{
	return form == DW_FORM_string || form == DW_FORM_strp || form == DW_FORM_line_strp;
}

int own_die_attr(void *arg, uint32_t name, uint32_t form, const dwr_val *v)
{
	struct die_attrs *a = arg;
	/* DW_FORM_indirect: the form is in the data, the reader does not
	 * keep it; an attribute used here with it is left to libdw */
	int ind = form == DW_FORM_indirect;
	switch (name) {
	case DW_AT_low_pc:
		a->low = v->u;
		a->low_form = (uint16_t)form;
		a->bad |= ind || addrx_form(form);
		break;
	case DW_AT_high_pc:
		a->high = v->u;
		a->high_form = (uint16_t)form;
		a->bad |= ind || addrx_form(form);
		break;
	case DW_AT_ranges:
		a->ranges = v->u;
		a->ranges_form = (uint16_t)form;
		a->bad |= ind;
		break;
	case DW_AT_name:
		a->has_name = 1;
		if (string_form(form))
			a->name = v->s;
		else if (ind || !v->known)
			a->name_bad = 1; /* strx: libdw reads it */
		break;
	case DW_AT_abstract_origin:
	case DW_AT_specification:
		/* references inside the unit only (ref_addr: libdw) */
		if (ind || !v->ref || form == DW_FORM_ref_addr) {
			a->ref_bad = 1;
		} else if (name == DW_AT_abstract_origin) {
			a->has_origin = 1;
			a->origin = v->u;
		} else {
			a->has_spec = 1;
			a->spec = v->u;
		}
		break;
	case DW_AT_call_file:
	case DW_AT_call_line:
	case DW_AT_call_column:
		if (ind || !udata_form(form)) {
			a->call_bad = 1;
		} else if (name == DW_AT_call_file) {
			a->has_call_file = 1;
			a->call_file = v->u;
		} else if (name == DW_AT_call_line) {
			a->has_call_line = 1;
			a->call_line = v->u;
		} else {
			a->has_call_col = 1;
			a->call_col = v->u;
		}
		break;
	default: break;
	}
	return 0;
}

/* The unit DIE's attributes: the base address of its range lists as
 * __libdw_cu_base_address finds it (DW_AT_low_pc, else DW_AT_entry_pc,
 * else 0), DW_AT_stmt_list and DW_AT_comp_dir. */
struct cu_attrs_acc {
	uint64_t low, entry, stmt;
	const char *comp_dir;
	uint8_t has_low, has_entry, bad;
};

static int cu_attr(void *arg, uint32_t name, uint32_t form, const dwr_val *v)
{
	struct cu_attrs_acc *a = arg;
	switch (name) {
	case DW_AT_low_pc:
	case DW_AT_entry_pc:
		if (addrx_form(form) || form == DW_FORM_indirect) {
			a->bad = 1;
		} else if (form == DW_FORM_addr) { /* other forms: not an address */
			if (name == DW_AT_low_pc) {
				a->has_low = 1;
				a->low = v->u;
			} else {
				a->has_entry = 1;
				a->entry = v->u;
			}
		}
		break;
	case DW_AT_stmt_list:
		if (form == DW_FORM_sec_offset || form == DW_FORM_data4 || form == DW_FORM_data8 ||
		    form == DW_FORM_udata)
			a->stmt = v->u;
		else
			a->bad = 1;
		break;
	case DW_AT_comp_dir:
		if (string_form(form))
			a->comp_dir = v->s;
		else if (!v->known || form == DW_FORM_indirect)
			a->bad = 1;
		break;
	default: break;
	}
	return 0;
}

int own_cu_attrs(struct cu_funcs *c, dwr_iter *it)
{
	struct cu_attrs_acc a;
	memset(&a, 0, sizeof(a));
	a.stmt = UINT64_MAX;
	if (dwr_iter_attrs(it, cu_attr, &a) != 0 || a.bad) {
		c->cu_read = -1;
		return -2;
	}
	c->base = a.has_low ? a.low : a.has_entry ? a.entry : 0;
	c->stmt = a.stmt;
	c->comp_dir = a.comp_dir;
	c->cu_read = 1;
	return 0;
}

typedef int (*range_fn)(void *arg, uint64_t lo, uint64_t hi);

/* The ranges of a DIE as dwarf_ranges gives them, in its order: low_pc +
 * high_pc when both read as dwarf_lowpc / dwarf_highpc read them, else
 * DW_AT_ranges (DWARF 5 .debug_rnglists at a DW_FORM_sec_offset; the rest
 * is left to libdw). fn's non-zero return stops and is returned; 0 at the
 * end, -2 for something not read here. */
static int own_ranges(const struct mod *m, const dwr_unit *u, const struct cu_funcs *c,
		      const struct die_attrs *a, range_fn fn, void *arg)
{
	if (a->bad)
		return -2;
	int low_ok = a->low_form == DW_FORM_addr;
	int high_ok = a->high_form == DW_FORM_addr || (low_ok && udata_form(a->high_form));
	if (low_ok && high_ok) {
		uint64_t hi = a->high_form == DW_FORM_addr ? a->high : a->low + a->high;
		return fn(arg, a->low, hi);
	}
	if (!a->ranges_form)
		return 0;
	if (u->version < 5 || a->ranges_form != DW_FORM_sec_offset || c->cu_read != 1 ||
	    !m->sec.rnglists.d || a->ranges >= m->sec.rnglists.n || c->base == UINT64_MAX)
		return -2;
	dwr_cur r = {m->sec.rnglists.d + a->ranges, m->sec.rnglists.d + m->sec.rnglists.n, 0};
	uint64_t base = c->base;
	unsigned as = u->addr_size;
	for (;;) {
		if (r.p >= r.end)
			return -2;
		unsigned code = *r.p++;
		uint64_t b, e;
		switch (code) {
		case DW_RLE_end_of_list: return 0;
		case DW_RLE_offset_pair:
			b = dwr_uleb(&r);
			e = dwr_uleb(&r);
			b += base;
			e += base;
			break;
		case DW_RLE_base_address:
			base = dwr_fixed(&r, as);
			if (r.bad)
				return -2;
			continue;
		case DW_RLE_start_end:
			b = dwr_fixed(&r, as);
			e = dwr_fixed(&r, as);
			break;
		case DW_RLE_start_length:
			b = dwr_fixed(&r, as);
			e = b + dwr_uleb(&r);
			break;
		default: return -2; /* the addrx kinds, or not a range list */
		}
		if (r.bad)
			return -2;
		int rc = fn(arg, b, e);
		if (rc)
			return rc;
	}
}

static int has_pc_fn(void *arg, uint64_t lo, uint64_t hi)
{
	uint64_t pc = *(const uint64_t *)arg;
	return pc >= lo && pc < hi;
}

int own_haspc(const struct mod *m, const dwr_unit *u, const struct cu_funcs *c,
	      const struct die_attrs *a, uint64_t pc)
{
	return own_ranges(m, u, c, a, has_pc_fn, &pc);
}

struct add_arg {
	struct cu_funcs *c;
	uint64_t off, pc;
	int hit;
};

static int add_fn(void *arg, uint64_t lo, uint64_t hi)
{
	struct add_arg *x = arg;
	int rc = cu_add_range(x->c, lo, hi, x->off, x->pc, &x->hit);
	return rc ? rc : 0;
}

/* ------------------------------------------------------------------ */
/* The top-level function                                              */
/* ------------------------------------------------------------------ */

/* Start the walk of the unit at unit: 0, -2, CRASHSIG_ENOMEM. c->walk,
 * the unit's reader with its abbreviations, stays after the walk for the
 * lookups of own_chain in the unit (freed with the symbolizer). */
static int walk_start(const struct mod *m, struct cu_funcs *c, uint64_t unit)
{
	dwr_unit u;
	if (dwr_unit_read(&m->sec, unit, &u) != 0 ||
	    (u.unit_type != DW_UT_compile && u.unit_type != DW_UT_partial) || u.die_off != c->off)
		return -2;
	own_walk_free(c); /* a start that failed before */
	c->walk = malloc(sizeof(*c->walk));
	if (!c->walk)
		return CRASHSIG_ENOMEM;
	dwr_iter_init(c->walk, &m->sec);
	dwr_die d;
	int rc = dwr_iter_unit(c->walk, &u, &d);
	if (rc)
		return rc == CRASHSIG_ENOMEM ? rc : -2;
	if (c->cu_read == 0)
		own_cu_attrs(c, c->walk);
	return 0;
}

int own_walk(const struct mod *m, struct cu_funcs *c, uint64_t unit, Dwarf_Addr pc,
	     uint64_t *out)
{
	if (c->state == 0) {
		int rc = walk_start(m, c, unit);
		if (rc)
			return rc;
		c->state = 1;
	}
	for (;;) {
		dwr_die d;
		int r = dwr_iter_next(c->walk, &d);
		if (r == 0)
			break;
		if (r < 0)
			return -2;
		if (d.ab->tag != DW_TAG_subprogram || !d.ab->has_pc)
			continue;
		struct die_attrs a;
		memset(&a, 0, sizeof(a));
		if (dwr_iter_attrs(c->walk, own_die_attr, &a) != 0)
			return -2;
		struct add_arg x = {c, d.off, pc, 0};
		int rc = own_ranges(m, &c->walk->u, c, &a, add_fn, &x);
		if (rc == CRASHSIG_ENOMEM || rc == -2)
			return rc;
		if (x.hit) {
			*out = d.off;
			return 1;
		}
	}
	c->state = 2;
	if (c->n)
		qsort(c->r, c->n, sizeof(*c->r), frange_cmp);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The whole lookup                                                    */
/* ------------------------------------------------------------------ */

#define MAX_INLINE_DEPTH 64

/* DW_AT_name as dwarf_attr_integrate finds it: on the DIE, else through
 * DW_AT_abstract_origin or DW_AT_specification, 17 DIEs at most. 0 (*out
 * the name, NULL when none or not a string) or -2. */
static int own_name(dwr_iter *it, uint64_t off, const char **out)
{
	*out = NULL;
	for (int k = 0; k <= 16; k++) {
		dwr_die d;
		struct die_attrs a;
		memset(&a, 0, sizeof(a));
		if (dwr_iter_die(it, off, &d) != 0 || dwr_iter_attrs(it, own_die_attr, &a) != 0)
			return -2;
		if (a.has_name) {
			if (a.name_bad)
				return -2;
			*out = a.name;
			return 0;
		}
		if (a.ref_bad)
			return -2;
		if (!a.has_origin && !a.has_spec)
			return 0;
		off = a.has_origin ? a.origin : a.spec;
	}
	return 0;
}

struct level {
	uint64_t off;
	struct die_attrs a; /* of an inlined subroutine: its call site */
};

/* The inline chain under the top-level function top, with the unit's
 * reader it (anywhere in the unit: the caller restores its position).
 * 0 (lv[0..*depth) set), -2. */
static int chain_of(const struct mod *m, const dwr_unit *u, const struct cu_funcs *cf,
		    dwr_iter *it, uint64_t top, uint64_t pc, struct level *lv, size_t *depth)
{
	lv[0].off = top;
	*depth = 1;
	uint64_t cur = top;
	for (;;) {
		dwr_die d;
		if (dwr_iter_die(it, cur, &d) != 0)
			return -2;
		int found = 0, r, tag = 0;
		struct die_attrs a;
		while ((r = dwr_iter_next(it, &d)) == 1) {
			tag = d.ab->tag;
			if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_lexical_block)
				continue;
			memset(&a, 0, sizeof(a));
			if (dwr_iter_attrs(it, own_die_attr, &a) != 0)
				return -2;
			int h = own_haspc(m, u, cf, &a, pc);
			if (h < 0 || (h && tag == DW_TAG_inlined_subroutine && a.call_bad))
				return -2;
			if (h) {
				found = 1;
				break;
			}
		}
		if (r < 0)
			return -2;
		if (!found)
			return 0;
		cur = d.off;
		if (tag == DW_TAG_inlined_subroutine) {
			if (*depth == MAX_INLINE_DEPTH)
				return 0;
			lv[*depth].off = d.off;
			lv[*depth].a = a;
			(*depth)++;
		}
	}
}

int own_chain(crashsig_symbolizer *s, struct mod *m, uint64_t pc, const char *fallback_name)
{
	uint64_t unit;
	if (!dwr_aranges_find(&m->ar, pc, &unit))
		return 0;
	dwr_unit u;
	if (dwr_unit_read(&m->sec, unit, &u) != 0)
		return -2;
	struct cu_funcs *cf = cu_get(m, u.die_off);
	if (!cf)
		return CRASHSIG_ENOMEM;
	if (cf->cu_read < 0 || cf->lines_state < 0 || cf->walker < 0)
		return -2;
	cf->walker = 1;
	int rc;
	if (cf->state == 0) {
		/* the unit's reader, its attributes read */
		if ((rc = walk_start(m, cf, unit)) != 0)
			goto libdw_walk;
		cf->state = 1;
	}
	if (cf->cu_read != 1 || !cf->walk)
		return -2;
	if (cf->lines_state == 0)
		cf->lines_state =
			lines_parse_at(m, cf->stmt, cf->comp_dir, u.addr_size, &cf->lines) == 0 ? 1
												: -1;
	if (cf->lines_state < 0)
		return -2;
	struct cu_lines *own = &cf->lines;
	const char *file = NULL;
	unsigned line = 0, col = 0;
	int have_line = 0;
	const struct lrow *lr = lines_find(own, pc);
	if (lr) {
		have_line = 1;
		if (lines_file_get(own, lr->file, &file) != 0)
			return CRASHSIG_ENOMEM;
		line = lr->line;
		col = lr->col_end >> 1;
	}
	/* the top-level subprogram containing pc */
	uint64_t top = 0;
	int fr = 0;
	if (cf->state == 2) {
		size_t lo = 0, hi = cf->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cf->r[mid].lo <= pc)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i-- > 0 && i + 8 >= lo;)
			if (cf->r[i].lo <= pc && pc < cf->r[i].hi) {
				top = cf->r[i].off;
				fr = 1;
				break;
			}
	} else {
		for (size_t i = 0; i < cf->n; i++)
			if (cf->r[i].lo <= pc && pc < cf->r[i].hi) {
				top = cf->r[i].off;
				fr = 1;
				break;
			}
		if (!fr) {
			fr = own_walk(m, cf, unit, pc, &top);
			if (fr == -2) {
				rc = -2;
				goto libdw_walk;
			}
			if (fr < 0)
				return fr;
		}
	}
	/* the inline chain under it, and every name before the first push
	 * (-2 leaves the result empty); the walk goes on where it was */
	struct level lv[MAX_INLINE_DEPTH];
	const char *names[MAX_INLINE_DEPTH];
	size_t depth = 0;
	if (fr > 0) {
		dwr_iter_pos at = dwr_iter_tell(cf->walk);
		rc = chain_of(m, &u, cf, cf->walk, top, pc, lv, &depth);
		for (size_t i = 0; rc == 0 && i < depth; i++)
			rc = own_name(cf->walk, lv[i].off, &names[i]);
		dwr_iter_seek(cf->walk, &at);
		if (rc)
			return rc;
	}
	if (!depth && !have_line)
		return 0;
	if (!depth)
		return push_loc(s, fallback_name, file, line, col, 0) < 0 ? CRASHSIG_ENOMEM : 1;
	const char *cfile = file;
	unsigned cline = line, ccol = col;
	for (size_t i = depth; i-- > 0;) {
		rc = push_loc(s, names[i] ? names[i] : "??", cfile, cline, ccol, i > 0);
		if (rc)
			return rc;
		if (i == 0)
			break;
		/* the call site of level i is the location in level i-1 */
		const struct die_attrs *a = &lv[i].a;
		cfile = NULL;
		if (a->has_call_file && lines_file_get(own, a->call_file, &cfile) != 0)
			return CRASHSIG_ENOMEM;
		cline = a->has_call_line ? (unsigned)a->call_line : 0;
		ccol = a->has_call_col ? (unsigned)a->call_col : 0;
	}
	return 1;
libdw_walk:
	if (rc == CRASHSIG_ENOMEM)
		return rc;
	/* libdw walks this unit from the start */
	cf->walker = -1;
	cu_reset_funcs(cf);
	return -2;
}
