/* The library's own reader of .debug_info (why and what: die.h). Its
 * users: symbolize's die_walk.c (the top-level function of an address) and
 * validate's dwarf_top.c (the name index). */
#include "dwarf/die.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

int dwr_sections_init(dwr_sections *s, Elf *elf)
{
	memset(s, 0, sizeof(*s));
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	(void)elf;
	return DWR_UNSUPPORTED;
#else
	GElf_Ehdr eh;
	size_t shstr;
	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    elf_getshdrstrndx(elf, &shstr) != 0)
		return DWR_UNSUPPORTED;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			goto unsupported;
		const char *n = elf_strptr(elf, shstr, sh.sh_name);
		dwr_sec *sd;
		if (!n || strncmp(n, ".debug_", 7) != 0)
			continue;
		n += 7;
		if (strcmp(n, "aranges") == 0 || strcmp(n, "rnglists") == 0) {
			/* optional: left out when not readable as they are */
			Elf_Data *d;
			if ((sh.sh_flags & SHF_COMPRESSED) || sh.sh_type == SHT_NOBITS ||
			    !(d = elf_getdata(scn, NULL)) || !d->d_buf)
				continue;
			sd = n[0] == 'a' ? &s->aranges : &s->rnglists;
			sd->d = d->d_buf;
			sd->n = d->d_size;
			continue;
		}
		if (strcmp(n, "info") == 0)
			sd = &s->info;
		else if (strcmp(n, "abbrev") == 0)
			sd = &s->abbrev;
		else if (strcmp(n, "str") == 0)
			sd = &s->str;
		else if (strcmp(n, "line_str") == 0)
			sd = &s->line_str;
		else if (strcmp(n, "line") == 0)
			sd = &s->line;
		else
			continue;
		if ((sh.sh_flags & SHF_COMPRESSED) || sh.sh_type == SHT_NOBITS)
			goto unsupported;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			goto unsupported;
		sd->d = d->d_buf;
		sd->n = d->d_size;
	}
	return 0;
unsupported:
	memset(s, 0, sizeof(*s));
	return DWR_UNSUPPORTED;
#endif
}

int dwr_unit_read(const dwr_sections *s, uint64_t off, dwr_unit *u)
{
	memset(u, 0, sizeof(*u));
	if (!s->info.d || off >= s->info.n)
		return DWR_UNSUPPORTED;
	dwr_cur c = {s->info.d + off, s->info.d + s->info.n, 0};
	uint64_t len = dwr_fixed(&c, 4);
	u->off_size = 4;
	if (len == 0xffffffffu) {
		len = dwr_fixed(&c, 8);
		u->off_size = 8;
	} else if (len >= 0xfffffff0u) {
		return DWR_UNSUPPORTED; /* reserved */
	}
	if (c.bad || len > (uint64_t)(c.end - c.p))
		return DWR_UNSUPPORTED;
	u->off = off;
	u->end = (uint64_t)(c.p - s->info.d) + len;
	c.end = s->info.d + u->end;
	u->version = (unsigned)dwr_fixed(&c, 2);
	u->unit_type = DW_UT_compile;
	if (u->version == 5) {
		u->unit_type = (unsigned)dwr_fixed(&c, 1);
		u->addr_size = (unsigned)dwr_fixed(&c, 1);
		u->abbrev_off = dwr_fixed(&c, u->off_size);
		switch (u->unit_type) {
		case DW_UT_skeleton:
		case DW_UT_split_compile: dwr_skip(&c, 8); break; /* dwo_id */
		case DW_UT_type:
		case DW_UT_split_type: dwr_skip(&c, 8 + u->off_size); break;
		default: break;
		}
	} else if (u->version >= 2 && u->version <= 4) {
		u->abbrev_off = dwr_fixed(&c, u->off_size);
		u->addr_size = (unsigned)dwr_fixed(&c, 1);
	} else {
		return DWR_UNSUPPORTED;
	}
	if (c.bad || (u->addr_size != 4 && u->addr_size != 8) || !s->abbrev.d ||
	    u->abbrev_off >= s->abbrev.n)
		return DWR_UNSUPPORTED;
	u->die_off = (uint64_t)(c.p - s->info.d);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Abbreviations                                                       */
/* ------------------------------------------------------------------ */

#define DWR_MAX_CODE 65535

void dwr_abbrevs_fini(dwr_abbrevs *t)
{
	if (!t)
		return;
	free(t->by_code);
	free(t->attr);
	free(t->implicit);
	memset(t, 0, sizeof(*t));
}

/* The size of a value of the given form in unit u when it is fixed (0 for
 * forms without data), -1 when it varies or the form is unknown. */
static int form_fixed_size(uint32_t form, const dwr_unit *u)
{
	switch (form) {
	case DW_FORM_flag_present: case DW_FORM_implicit_const: return 0;
	case DW_FORM_data1: case DW_FORM_flag: case DW_FORM_ref1: case DW_FORM_strx1:
	case DW_FORM_addrx1: return 1;
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2: return 2;
	case DW_FORM_strx3: case DW_FORM_addrx3: return 3;
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_strx4: case DW_FORM_addrx4:
	case DW_FORM_ref_sup4: return 4;
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8:
		return 8;
	case DW_FORM_data16: return 16;
	case DW_FORM_addr: return (int)u->addr_size;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_GNU_ref_alt: case DW_FORM_GNU_strp_alt:
		return (int)u->off_size;
	case DW_FORM_ref_addr: return (int)(u->version <= 2 ? u->addr_size : u->off_size);
	default: return -1;
	}
}

int dwr_abbrevs_load(dwr_abbrevs *t, const dwr_sec *sec, uint64_t off, const dwr_unit *u)
{
	if (t->by_code)
		memset(t->by_code, 0, t->ncodes * sizeof(*t->by_code));
	t->ncodes = 0;
	t->nattr = 0;
	t->nimplicit = 0;
	if (!sec->d || off >= sec->n)
		return DWR_UNSUPPORTED;
	dwr_cur c = {sec->d + off, sec->d + sec->n, 0};
	for (;;) {
		uint64_t code = dwr_uleb(&c);
		if (c.bad)
			return DWR_UNSUPPORTED;
		if (code == 0)
			break;
		if (code > DWR_MAX_CODE)
			return DWR_UNSUPPORTED;
		if (code >= t->capcodes) {
			size_t nc = t->capcodes ? t->capcodes : 64;
			while (nc <= code)
				nc *= 2;
			dwr_abbrev *nb = realloc(t->by_code, nc * sizeof(*nb));
			if (!nb)
				return CRASHSIG_ENOMEM;
			memset(nb + t->capcodes, 0, (nc - t->capcodes) * sizeof(*nb));
			t->by_code = nb;
			t->capcodes = nc;
		}
		if (code >= t->ncodes)
			t->ncodes = code + 1;
		dwr_abbrev *e = &t->by_code[code];
		if (e->known)
			return DWR_UNSUPPORTED; /* duplicate code */
		e->known = 1;
		uint64_t tag = dwr_uleb(&c);
		if (tag > UINT16_MAX)
			return DWR_UNSUPPORTED;
		e->tag = (uint16_t)tag;
		e->children = dwr_fixed(&c, 1) == DW_CHILDREN_yes; /* as libdw reads it */
		e->first = (uint32_t)t->nattr;
		uint32_t fixed = 0; /* > 0xffff: variable */
		for (;;) {
			uint64_t name = dwr_uleb(&c), form = dwr_uleb(&c);
			if (c.bad)
				return DWR_UNSUPPORTED;
			if (name == 0 && form == 0)
				break;
			if (name > UINT16_MAX || form > UINT16_MAX)
				return DWR_UNSUPPORTED;
			uint32_t imp = 0;
			if (form == DW_FORM_implicit_const) {
				if (t->nimplicit == t->capimplicit) {
					size_t ni = t->capimplicit ? t->capimplicit * 2 : 16;
					int64_t *v = realloc(t->implicit, ni * sizeof(*v));
					if (!v)
						return CRASHSIG_ENOMEM;
					t->implicit = v;
					t->capimplicit = ni;
				}
				imp = (uint32_t)t->nimplicit;
				t->implicit[t->nimplicit++] = dwr_sleb(&c);
			}
			if (t->nattr == t->capattr) {
				size_t na = t->capattr ? t->capattr * 2 : 256;
				dwr_attrspec *a = realloc(t->attr, na * sizeof(*a));
				if (!a)
					return CRASHSIG_ENOMEM;
				t->attr = a;
				t->capattr = na;
			}
			dwr_attrspec *a = &t->attr[t->nattr++];
			a->name = (uint16_t)name;
			a->form = (uint16_t)form;
			a->imp = imp;
			if (e->nattr == UINT16_MAX)
				return DWR_UNSUPPORTED;
			e->nattr++;
			int size = form_fixed_size((uint32_t)form, u);
			if (name == DW_AT_low_pc || name == DW_AT_ranges) {
				e->has_pc = 1;
			} else if (name == DW_AT_sibling) {
				e->has_sibling = 1;
				if (fixed <= UINT8_MAX &&
				    (form == DW_FORM_ref1 || form == DW_FORM_ref2 ||
				     form == DW_FORM_ref4 || form == DW_FORM_ref8)) {
					e->sib_at = (uint8_t)fixed;
					e->sib_size = (uint8_t)size;
				}
			}
			fixed = size < 0 ? DWR_VARIABLE : fixed + (uint32_t)size;
			if (fixed > DWR_VARIABLE)
				fixed = DWR_VARIABLE;
		}
		/* a sibling it cannot find at a fixed place: the slow path */
		if (e->has_sibling && !e->sib_size)
			fixed = DWR_VARIABLE;
		e->fixed = (uint16_t)fixed;
		if (fixed == DWR_VARIABLE)
			e->sib_size = 0;
	}
	/* codes without an entry stay unknown and are refused when met */
	return 0;
}

/* ------------------------------------------------------------------ */
/* Forms                                                               */
/* ------------------------------------------------------------------ */

enum {
	FV_NONE,      /* skipped: no value here */
	FV_CONST,     /* *raw: constant, flag, address, offset, index */
	FV_REF,       /* *raw: unit-relative reference */
	FV_REF_ADDR,  /* *raw: .debug_info offset */
	FV_STRP,      /* *raw: .debug_str offset */
	FV_LINE_STRP, /* *raw: .debug_line_str offset */
	FV_STRING,    /* *str: in .debug_info */
};

static inline int64_t implicit_of(const dwr_abbrevs *t, const dwr_attrspec *a)
{
	return a->form == DW_FORM_implicit_const ? t->implicit[a->imp] : 0;
}

/* Read (or skip) one attribute value of the given form: FV_*, or -1 for a
 * form this reader does not know or a value past the end of the unit. */
static inline int form_read(dwr_cur *c, const dwr_unit *u, uint32_t form, int64_t implicit,
			    uint64_t *raw, const char **str)
{
	int k = FV_CONST;
again:
	switch (form) {
	case DW_FORM_flag_present: *raw = 1; return FV_CONST;
	case DW_FORM_implicit_const: *raw = (uint64_t)implicit; return FV_CONST;
	case DW_FORM_addr: *raw = dwr_fixed(c, u->addr_size); break;
	case DW_FORM_data1: case DW_FORM_flag: *raw = dwr_fixed(c, 1); break;
	case DW_FORM_data2: *raw = dwr_fixed(c, 2); break;
	case DW_FORM_data4: *raw = dwr_fixed(c, 4); break;
	case DW_FORM_data8: *raw = dwr_fixed(c, 8); break;
	case DW_FORM_udata: case DW_FORM_loclistx: case DW_FORM_rnglistx:
		*raw = dwr_uleb(c); break;
	case DW_FORM_sdata: *raw = (uint64_t)dwr_sleb(c); break;
	case DW_FORM_sec_offset: *raw = dwr_fixed(c, u->off_size); break;
	case DW_FORM_ref1: *raw = dwr_fixed(c, 1); k = FV_REF; break;
	case DW_FORM_ref2: *raw = dwr_fixed(c, 2); k = FV_REF; break;
	case DW_FORM_ref4: *raw = dwr_fixed(c, 4); k = FV_REF; break;
	case DW_FORM_ref8: *raw = dwr_fixed(c, 8); k = FV_REF; break;
	case DW_FORM_ref_udata: *raw = dwr_uleb(c); k = FV_REF; break;
	case DW_FORM_ref_addr:
		*raw = dwr_fixed(c, u->version <= 2 ? u->addr_size : u->off_size);
		k = FV_REF_ADDR;
		break;
	case DW_FORM_strp: *raw = dwr_fixed(c, u->off_size); k = FV_STRP; break;
	case DW_FORM_line_strp: *raw = dwr_fixed(c, u->off_size); k = FV_LINE_STRP; break;
	case DW_FORM_string: *str = dwr_cstr(c); k = FV_STRING; break;
	/* skipped: values this reader does not give */
	case DW_FORM_strx1: case DW_FORM_addrx1: dwr_skip(c, 1); k = FV_NONE; break;
	case DW_FORM_strx2: case DW_FORM_addrx2: dwr_skip(c, 2); k = FV_NONE; break;
	case DW_FORM_strx3: case DW_FORM_addrx3: dwr_skip(c, 3); k = FV_NONE; break;
	case DW_FORM_strx4: case DW_FORM_addrx4: case DW_FORM_ref_sup4:
		dwr_skip(c, 4); k = FV_NONE; break;
	case DW_FORM_ref_sig8: case DW_FORM_ref_sup8: dwr_skip(c, 8); k = FV_NONE; break;
	case DW_FORM_data16: dwr_skip(c, 16); k = FV_NONE; break;
	case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_GNU_addr_index:
	case DW_FORM_GNU_str_index:
		dwr_uleb(c); k = FV_NONE; break;
	case DW_FORM_strp_sup: case DW_FORM_GNU_ref_alt: case DW_FORM_GNU_strp_alt:
		dwr_skip(c, u->off_size); k = FV_NONE; break;
	case DW_FORM_block1: dwr_skip(c, dwr_fixed(c, 1)); k = FV_NONE; break;
	case DW_FORM_block2: dwr_skip(c, dwr_fixed(c, 2)); k = FV_NONE; break;
	case DW_FORM_block4: dwr_skip(c, dwr_fixed(c, 4)); k = FV_NONE; break;
	case DW_FORM_block: case DW_FORM_exprloc: dwr_skip(c, dwr_uleb(c)); k = FV_NONE; break;
	case DW_FORM_indirect: {
		uint64_t f = dwr_uleb(c);
		if (c->bad || f == DW_FORM_indirect || f == DW_FORM_implicit_const ||
		    f > UINT32_MAX)
			return -1;
		form = (uint32_t)f;
		goto again;
	}
	default: return -1;
	}
	return c->bad ? -1 : k;
}

/* Skip the attributes of a DIE of abbreviation e; *sibling gets its
 * DW_AT_sibling (a unit-relative reference) as a .debug_info offset, or 0.
 * 0, or -1 (unknown form, truncated). */
static inline int attrs_skip(const dwr_iter *it, dwr_cur *c, const dwr_abbrev *e,
			     uint64_t *sibling)
{
	*sibling = 0;
	if (e->fixed != DWR_VARIABLE) {
		if ((size_t)(c->end - c->p) < e->fixed)
			return -1;
		if (e->sib_size) {
			dwr_cur s = {c->p + e->sib_at, c->end, 0};
			uint64_t raw = dwr_fixed(&s, e->sib_size);
			if (raw)
				*sibling = it->u.off + raw;
		}
		c->p += e->fixed;
		return 0;
	}
	const dwr_attrspec *a = it->ab.attr + e->first;
	for (uint32_t i = 0; i < e->nattr; i++) {
		uint64_t raw = 0;
		const char *str;
		int k = form_read(c, &it->u, a[i].form, implicit_of(&it->ab, &a[i]), &raw, &str);
		if (k < 0)
			return -1;
		if (k == FV_REF && a[i].name == DW_AT_sibling && raw)
			*sibling = it->u.off + raw;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The iterator                                                        */
/* ------------------------------------------------------------------ */

void dwr_iter_init(dwr_iter *it, const dwr_sections *s)
{
	memset(it, 0, sizeof(*it));
	it->s = s;
	it->ab_unit.abbrev_off = UINT64_MAX;
}

void dwr_iter_fini(dwr_iter *it)
{
	if (!it)
		return;
	dwr_abbrevs_fini(&it->ab);
	it->ab_unit.abbrev_off = UINT64_MAX;
	it->cur = NULL;
}

/* The abbreviation of the DIE at the cursor (its code read), NULL for a
 * null entry (*null = 1) or an unknown code. */
static inline const dwr_abbrev *die_code(const dwr_iter *it, dwr_cur *c, int *null)
{
	uint64_t code = dwr_uleb(c);
	*null = 0;
	if (c->bad)
		return NULL;
	if (code == 0) {
		*null = 1;
		return NULL;
	}
	if (code >= it->ab.ncodes || !it->ab.by_code[code].known)
		return NULL;
	return &it->ab.by_code[code];
}

int dwr_iter_unit(dwr_iter *it, const dwr_unit *u, dwr_die *die)
{
	it->cur = NULL;
	it->broken = 0;
	it->u = *u;
	const dwr_unit *l = &it->ab_unit;
	if (l->abbrev_off != u->abbrev_off || l->addr_size != u->addr_size ||
	    l->off_size != u->off_size || (l->version <= 2) != (u->version <= 2)) {
		it->ab_unit.abbrev_off = UINT64_MAX;
		int rc = dwr_abbrevs_load(&it->ab, &it->s->abbrev, u->abbrev_off, u);
		if (rc)
			return rc;
		it->ab_unit = *u;
	}
	return dwr_iter_die(it, u->die_off, die);
}

int dwr_iter_die(dwr_iter *it, uint64_t off, dwr_die *die)
{
	it->cur = NULL;
	it->broken = 0;
	if (it->ab_unit.abbrev_off == UINT64_MAX || off < it->u.die_off || off >= it->u.end ||
	    it->u.end > it->s->info.n)
		return DWR_UNSUPPORTED;
	dwr_cur c = {it->s->info.d + off, it->s->info.d + it->u.end, 0};
	int null;
	const dwr_abbrev *e = die_code(it, &c, &null);
	if (!e)
		return DWR_UNSUPPORTED;
	it->pos = (uint64_t)(c.p - it->s->info.d);
	it->cur = e;
	it->read = 0;
	it->is_unit = 1;
	it->sibling = 0;
	die->off = off;
	die->ab = e;
	return 0;
}

/* Check a DW_AT_sibling read at the end of a DIE's attributes (pos). */
static inline int sibling_ok(const dwr_iter *it, uint64_t sibling, uint64_t pos)
{
	return sibling > pos && sibling <= it->u.end;
}

int dwr_iter_next(dwr_iter *it, dwr_die *d)
{
	if (it->broken)
		return DWR_UNSUPPORTED;
	if (!it->cur)
		return 0;
	const unsigned char *base = it->s->info.d;
	dwr_cur c = {base + it->pos, base + it->u.end, 0};
	const dwr_abbrev *e = it->cur;
	uint64_t sibling = it->sibling;
	if (!it->read && attrs_skip(it, &c, e, &sibling) != 0)
		goto unsupported;
	if (sibling && !sibling_ok(it, sibling, (uint64_t)(c.p - base)))
		goto unsupported;
	if (it->is_unit) {
		it->is_unit = 0;
		if (!e->children) {
			it->cur = NULL;
			return 0;
		}
	} else if (e->children) {
		if (sibling) {
			c.p = base + sibling;
		} else {
			/* the whole subtree, by forms (DW_AT_sibling inside) */
			size_t depth = 1;
			while (depth) {
				if (c.p >= c.end)
					goto unsupported;
				int null;
				const dwr_abbrev *k = die_code(it, &c, &null);
				if (null) {
					depth--;
					continue;
				}
				uint64_t sib;
				if (!k || attrs_skip(it, &c, k, &sib) != 0)
					goto unsupported;
				if (sib && !sibling_ok(it, sib, (uint64_t)(c.p - base)))
					goto unsupported;
				if (!k->children)
					continue;
				if (sib)
					c.p = base + sib;
				else
					depth++;
			}
		}
	}
	/* the next DIE at this level */
	if (c.p >= c.end) {
		it->cur = NULL; /* no terminating null entry: tolerated */
		return 0;
	}
	uint64_t off = (uint64_t)(c.p - base);
	int null;
	e = die_code(it, &c, &null);
	if (null) {
		it->cur = NULL;
		it->pos = (uint64_t)(c.p - base);
		return 0;
	}
	if (!e)
		goto unsupported;
	it->pos = (uint64_t)(c.p - base);
	it->cur = e;
	it->read = 0;
	it->sibling = 0;
	d->off = off;
	d->ab = e;
	return 1;
unsupported:
	it->cur = NULL;
	it->broken = 1;
	return DWR_UNSUPPORTED;
}

int dwr_iter_attrs(dwr_iter *it, dwr_attr_fn fn, void *arg)
{
	if (it->broken || !it->cur || it->read)
		return DWR_UNSUPPORTED;
	const unsigned char *base = it->s->info.d;
	dwr_cur c = {base + it->pos, base + it->u.end, 0};
	const dwr_abbrev *e = it->cur;
	const dwr_attrspec *a = it->ab.attr + e->first;
	uint64_t sibling = 0;
	for (uint32_t i = 0; i < e->nattr; i++) {
		uint64_t raw = 0;
		const char *str = NULL;
		int k = form_read(&c, &it->u, a[i].form, implicit_of(&it->ab, &a[i]), &raw, &str);
		dwr_val v = {raw, NULL, 0, 1};
		switch (k) {
		case FV_NONE: v.u = 0; v.known = 0; break;
		case FV_CONST: break;
		case FV_REF:
			if (a[i].name == DW_AT_sibling && raw)
				sibling = it->u.off + raw;
			v.u = it->u.off + raw;
			v.ref = 1;
			break;
		case FV_REF_ADDR: v.ref = 1; break;
		case FV_STRP: v.s = dwr_sec_str(&it->s->str, raw); break;
		case FV_LINE_STRP: v.s = dwr_sec_str(&it->s->line_str, raw); break;
		case FV_STRING: v.s = str; v.u = 0; break;
		default:
			it->cur = NULL;
			it->broken = 1;
			return DWR_UNSUPPORTED;
		}
		int rc = fn(arg, a[i].name, a[i].form, &v);
		if (rc) {
			it->broken = 1;
			return rc;
		}
	}
	it->pos = (uint64_t)(c.p - base);
	it->read = 1;
	it->sibling = sibling;
	return 0;
}
