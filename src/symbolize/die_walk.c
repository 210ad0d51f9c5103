/* The fast top-level DIE walker (why: README, "Why there are two DWARF readers"). */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize/dwarf_cursor.h"
#include "symbolize/symbolize_int.h"

/* ------------------------------------------------------------------ */
/* Top-level DIE walker                                                */
/* ------------------------------------------------------------------ */

/* Finding the subprogram of an address means visiting the top-level DIEs
 * of its CU, most of them types and declarations. With dwarf_siblingof and
 * dwarf_tag that was the largest cost for 10,000 addresses (two locked
 * abbreviation lookups per DIE). This walker reads the CU's abbreviation
 * table once and skips DIEs by their attribute forms (or DW_AT_sibling);
 * only subprograms whose abbreviation has DW_AT_low_pc or DW_AT_ranges are
 * handed to libdw (dwarf_offdie + dwarf_ranges). Anything unknown returns
 * -2 and the caller redoes the CU with libdw. */

struct abbrev {
	uint32_t tag;
	uint8_t children;
	uint8_t has_pc;
	uint32_t first, nattr; /* in abbrevs.attr */
};

struct abbrevs {
	struct abbrev *by_code; /* index: code (dense tables only) */
	size_t ncodes;
	uint32_t (*attr)[2]; /* {name, form} */
	size_t nattr;
	uint64_t cu_start, cu_end;
	unsigned asize, osize, version;
};

void abbrevs_free(struct abbrevs *a)
{
	if (!a)
		return;
	free(a->by_code);
	free(a->attr);
	free(a);
}

static struct abbrevs *abbrevs_load(const struct mod *m, Dwarf_Die *cudie, int *err)
{
	*err = -2;
	uint64_t die_off = dwarf_dieoffset(cudie);
	uint64_t rel = dwarf_cuoffset(cudie);
	if (rel > die_off)
		return NULL;
	uint64_t cu_start = die_off - rel;
	if (cu_start >= m->di.n)
		return NULL;
	struct lcur c = {m->di.d + cu_start, m->di.d + m->di.n, 0};
	uint64_t len = rd_n(&c, 4);
	unsigned osize = 4;
	if (len == 0xffffffffu) {
		len = rd_n(&c, 8);
		osize = 8;
	} else if (len >= 0xfffffff0u) {
		return NULL;
	}
	if (c.bad || len > (uint64_t)(c.end - c.p))
		return NULL;
	uint64_t cu_end = (uint64_t)(c.p - m->di.d) + len;
	unsigned version = (unsigned)rd_n(&c, 2);
	unsigned asize;
	uint64_t abbr_off;
	if (version >= 5) {
		unsigned ut = (unsigned)rd_n(&c, 1);
		if (ut != DW_UT_compile && ut != DW_UT_partial)
			return NULL;
		asize = (unsigned)rd_n(&c, 1);
		abbr_off = rd_n(&c, osize);
	} else if (version >= 2) {
		abbr_off = rd_n(&c, osize);
		asize = (unsigned)rd_n(&c, 1);
	} else {
		return NULL;
	}
	if (c.bad || (asize != 4 && asize != 8) || abbr_off >= m->da.n)
		return NULL;
	struct abbrevs *a = calloc(1, sizeof(*a));
	if (!a) {
		*err = CRASHSIG_ENOMEM;
		return NULL;
	}
	a->cu_start = cu_start;
	a->cu_end = cu_end;
	a->asize = asize;
	a->osize = osize;
	a->version = version;
	struct lcur ac = {m->da.d + abbr_off, m->da.d + m->da.n, 0};
	size_t capattr = 0;
	for (;;) {
		uint64_t code = rd_uleb(&ac);
		if (ac.bad)
			goto bad;
		if (code == 0)
			break;
		if (code > 65535)
			goto bad;
		if (code >= a->ncodes) {
			size_t nc = a->ncodes ? a->ncodes : 64;
			while (nc <= code)
				nc *= 2;
			struct abbrev *nb = realloc(a->by_code, nc * sizeof(*nb));
			if (!nb)
				goto nomem;
			memset(nb + a->ncodes, 0, (nc - a->ncodes) * sizeof(*nb));
			a->by_code = nb;
			a->ncodes = nc;
		}
		struct abbrev *e = &a->by_code[code];
		if (e->tag)
			goto bad; /* duplicate code */
		uint64_t tag = rd_uleb(&ac);
		e->tag = tag ? (uint32_t)tag : 0xffffffffu;
		e->children = (uint8_t)rd_n(&ac, 1);
		e->first = (uint32_t)a->nattr;
		for (;;) {
			uint64_t name = rd_uleb(&ac), form = rd_uleb(&ac);
			if (ac.bad)
				goto bad;
			if (name == 0 && form == 0)
				break;
			if (form == DW_FORM_implicit_const)
				rd_sleb(&ac);
			if (name == DW_AT_low_pc || name == DW_AT_ranges)
				e->has_pc = 1;
			if (a->nattr == capattr) {
				capattr = capattr ? capattr * 2 : 256;
				uint32_t(*na)[2] = realloc(a->attr, capattr * sizeof(*na));
				if (!na)
					goto nomem;
				a->attr = na;
			}
			a->attr[a->nattr][0] = (uint32_t)name;
			a->attr[a->nattr][1] = (uint32_t)form;
			a->nattr++;
			e->nattr++;
		}
	}
	return a;
nomem:
	*err = CRASHSIG_ENOMEM;
bad:
	abbrevs_free(a);
	return NULL;
}

/* Skip one attribute value; *val gets reference values. -1: unknown form. */
static int skip_form(struct lcur *c, const struct abbrevs *a, uint64_t form,
		     uint64_t *val)
{
	*val = 0;
	switch (form) {
	case DW_FORM_flag_present:
	case DW_FORM_implicit_const: return 0;
	case DW_FORM_addr: rd_n(c, a->asize); break;
	case DW_FORM_data1: case DW_FORM_flag: case DW_FORM_strx1: case DW_FORM_addrx1:
		rd_n(c, 1); break;
	case DW_FORM_data2: case DW_FORM_strx2: case DW_FORM_addrx2: rd_n(c, 2); break;
	case DW_FORM_strx3: case DW_FORM_addrx3: rd_n(c, 3); break;
	case DW_FORM_data4: case DW_FORM_strx4: case DW_FORM_addrx4: case DW_FORM_ref_sup4:
		rd_n(c, 4); break;
	case DW_FORM_data8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8: rd_n(c, 8); break;
	case DW_FORM_data16: rd_n(c, 8); rd_n(c, 8); break;
	case DW_FORM_ref1: *val = rd_n(c, 1); break;
	case DW_FORM_ref2: *val = rd_n(c, 2); break;
	case DW_FORM_ref4: *val = rd_n(c, 4); break;
	case DW_FORM_ref8: *val = rd_n(c, 8); break;
	case DW_FORM_ref_udata: *val = rd_uleb(c); break;
	case DW_FORM_sdata: rd_sleb(c); break;
	case DW_FORM_udata: case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx:
	case DW_FORM_rnglistx: case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
		rd_uleb(c); break;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_GNU_ref_alt: case DW_FORM_GNU_strp_alt:
		rd_n(c, a->osize); break;
	case DW_FORM_ref_addr: rd_n(c, a->version <= 2 ? a->asize : a->osize); break;
	case DW_FORM_string: rd_cstr(c); break;
	case DW_FORM_block1: case DW_FORM_block2: case DW_FORM_block4:
	case DW_FORM_block: case DW_FORM_exprloc: {
		uint64_t l = form == DW_FORM_block1 ? rd_n(c, 1)
			   : form == DW_FORM_block2 ? rd_n(c, 2)
			   : form == DW_FORM_block4 ? rd_n(c, 4)
						    : rd_uleb(c);
		if (c->bad || l > (uint64_t)(c->end - c->p))
			return -1;
		c->p += l;
		break;
	}
	case DW_FORM_indirect: {
		uint64_t f = rd_uleb(c);
		if (c->bad || f == DW_FORM_indirect || f == DW_FORM_implicit_const)
			return -1;
		return skip_form(c, a, f, val);
	}
	default: return -1;
	}
	return c->bad ? -1 : 0;
}

/* Read the DIE at *pos. Returns 0 for a null entry, 1 for a DIE (with *ab
 * and *sibling, 0 if none; *pos moves past its attributes), -1 on error. */
static int die_read(const struct mod *m, const struct abbrevs *a, uint64_t *pos,
		    const struct abbrev **ab, uint64_t *sibling)
{
	struct lcur c = {m->di.d + *pos, m->di.d + a->cu_end, 0};
	uint64_t code = rd_uleb(&c);
	if (c.bad)
		return -1;
	if (code == 0) {
		*pos = (uint64_t)(c.p - m->di.d);
		return 0;
	}
	if (code >= a->ncodes || !a->by_code[code].tag)
		return -1;
	const struct abbrev *e = &a->by_code[code];
	*sibling = 0;
	for (uint32_t i = 0; i < e->nattr; i++) {
		uint64_t v;
		uint32_t name = a->attr[e->first + i][0], form = a->attr[e->first + i][1];
		if (skip_form(&c, a, form, &v) != 0)
			return -1;
		if (name == DW_AT_sibling && v &&
		    (form == DW_FORM_ref1 || form == DW_FORM_ref2 || form == DW_FORM_ref4 ||
		     form == DW_FORM_ref8 || form == DW_FORM_ref_udata))
			*sibling = a->cu_start + v;
	}
	*pos = (uint64_t)(c.p - m->di.d);
	if (*sibling && (*sibling <= *pos || *sibling > a->cu_end))
		return -1;
	*ab = e;
	return 1;
}

/* Move *pos past the children of the DIE just read. */
static int skip_children(const struct mod *m, const struct abbrevs *a, uint64_t *pos)
{
	size_t depth = 1;
	while (depth) {
		if (*pos >= a->cu_end)
			return -1;
		const struct abbrev *e;
		uint64_t sib;
		int r = die_read(m, a, pos, &e, &sib);
		if (r < 0)
			return -1;
		if (r == 0) {
			depth--;
			continue;
		}
		if (e->children) {
			if (sib)
				*pos = sib;
			else
				depth++;
		}
	}
	return 0;
}

int own_walk(const struct mod *m, struct cu_funcs *c, Dwarf_Die *cudie,
		    Dwarf_Addr pc, Dwarf_Die *out)
{
	if (c->state == 0) {
		int err;
		c->ab = abbrevs_load(m, cudie, &err);
		if (!c->ab)
			return err;
		uint64_t pos = dwarf_dieoffset(cudie);
		const struct abbrev *e;
		uint64_t sib;
		if (die_read(m, c->ab, &pos, &e, &sib) != 1)
			return -2;
		c->state = 1;
		if (!e->children) {
			c->state = 2;
			abbrevs_free(c->ab);
			c->ab = NULL;
			return 0;
		}
		c->next_pos = pos;
	}
	const struct abbrevs *a = c->ab;
	uint64_t pos = c->next_pos;
	for (;;) {
		if (pos >= a->cu_end)
			break; /* no terminating null entry: tolerate */
		uint64_t die_off = pos;
		const struct abbrev *e;
		uint64_t sib;
		int r = die_read(m, a, &pos, &e, &sib);
		if (r < 0)
			return -2;
		if (r == 0)
			break;
		if (e->children) {
			if (sib)
				pos = sib;
			else if (skip_children(m, a, &pos) != 0)
				return -2;
		}
		if (e->tag != DW_TAG_subprogram || !e->has_pc)
			continue;
		Dwarf_Die d;
		if (!dwarf_offdie(m->dw, die_off, &d))
			return -2;
		int hit = 0;
		if (cu_add(c, &d, pc, &hit) != 0)
			return CRASHSIG_ENOMEM;
		if (hit) {
			c->next_pos = pos;
			*out = d;
			return 1;
		}
	}
	c->state = 2;
	abbrevs_free(c->ab);
	c->ab = NULL;
	if (c->n)
		qsort(c->r, c->n, sizeof(*c->r), frange_cmp);
	return 0;
}
