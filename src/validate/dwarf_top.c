/* A reader of the top-level DIEs of .debug_info for the name index.
 *
 * The index needs, for every unit, its name and, for every DW_TAG_subprogram
 * directly below it, a few attributes. libdw answers that too (and is the
 * fallback), but it decodes each DIE through its abbreviation hash under a
 * lock and walks with dwarf_siblingof; on the 590 MB Debian vmlinux that is
 * most of the index build. This reader parses each unit's abbreviation
 * table once into an array and skips whole subtrees with DW_AT_sibling.
 *
 * It reads DWARF 2 to 5 in the 32-bit format, with the forms GCC and clang
 * emit for a kernel (no split DWARF): it returns VX_TOP_UNSUPPORTED on
 * anything else (64-bit DWARF, DW_FORM_strx*, compressed sections, a form
 * it does not know), and the caller then walks with libdw. Offsets and
 * strings are the ones libdw gives: DIE offsets from the start of
 * .debug_info, names pointing into the mapped string sections. */
#include "validate/dwarf_top.h"

#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

typedef struct cur {
	const unsigned char *p, *end;
	int bad;
} cur;

static uint64_t uleb(cur *c)
{
	uint64_t v = 0;
	unsigned shift = 0;
	while (c->p < c->end) {
		unsigned char b = *c->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	c->bad = 1;
	return 0;
}

static int64_t sleb(cur *c)
{
	int64_t v = 0;
	unsigned shift = 0;
	unsigned char b = 0;
	while (c->p < c->end) {
		b = *c->p++;
		if (shift < 64)
			v |= (int64_t)((uint64_t)(b & 0x7f) << shift);
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				v |= -((int64_t)1 << shift);
			return v;
		}
	}
	c->bad = 1;
	return 0;
}

static uint64_t fixed(cur *c, size_t n)
{
	if ((size_t)(c->end - c->p) < n) {
		c->bad = 1;
		c->p = c->end;
		return 0;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)c->p[i] << (8 * i); /* little endian (x86-64, arm64) */
	c->p += n;
	return v;
}

static void skip(cur *c, uint64_t n)
{
	if ((uint64_t)(c->end - c->p) < n) {
		c->bad = 1;
		c->p = c->end;
	} else {
		c->p += n;
	}
}

typedef struct aattr {
	uint32_t name, form;
	int64_t implicit;
} aattr;

typedef struct abbrev {
	uint32_t tag;
	int children;
	uint32_t first, count; /* in the attribute array */
	int has_sibling;
} abbrev;

typedef struct abtab {
	abbrev *ab; /* indexed by code */
	size_t nab, capab;
	aattr *at;
	size_t nat, capat;
} abtab;

static void abtab_free(abtab *t)
{
	free(t->ab);
	free(t->at);
	memset(t, 0, sizeof(*t));
}

/* Parse the abbreviation table at off; codes must be small (dense). */
static int abtab_load(abtab *t, const unsigned char *sec, size_t size, uint64_t off)
{
	if (t->ab)
		memset(t->ab, 0, t->capab * sizeof(abbrev));
	t->nab = 0;
	t->nat = 0;
	if (off >= size)
		return VX_TOP_UNSUPPORTED;
	cur c = {sec + off, sec + size, 0};
	size_t capab = t->capab;
	for (;;) {
		uint64_t code = uleb(&c);
		if (c.bad)
			return VX_TOP_UNSUPPORTED;
		if (!code)
			break;
		if (code > 1u << 20)
			return VX_TOP_UNSUPPORTED;
		if (code >= capab) {
			size_t ncap = capab ? capab : 64;
			while (ncap <= code)
				ncap *= 2;
			abbrev *na = realloc(t->ab, ncap * sizeof(abbrev));
			if (!na)
				return CRASHSIG_ENOMEM;
			memset(na + capab, 0, (ncap - capab) * sizeof(abbrev));
			t->ab = na;
			capab = t->capab = ncap;
		}
		if (code >= t->nab)
			t->nab = code + 1;
		abbrev *a = &t->ab[code];
		a->tag = (uint32_t)uleb(&c);
		a->children = c.p < c.end ? *c.p++ : 0;
		a->first = (uint32_t)t->nat;
		a->count = 0;
		a->has_sibling = 0;
		for (;;) {
			uint64_t name = uleb(&c), form = uleb(&c);
			if (c.bad)
				return VX_TOP_UNSUPPORTED;
			if (!name && !form)
				break;
			int64_t imp = form == DW_FORM_implicit_const ? sleb(&c) : 0;
			if (cs_reserve((void **)&t->at, &t->capat, t->nat + 1, sizeof(aattr)))
				return CRASHSIG_ENOMEM;
			t->at[t->nat].name = (uint32_t)name;
			t->at[t->nat].form = (uint32_t)form;
			t->at[t->nat++].implicit = imp;
			a->count++;
			if (name == DW_AT_sibling)
				a->has_sibling = 1;
		}
	}
	/* codes without an entry stay tag 0 and are refused when met */
	return 0;
}

typedef struct unitinfo {
	const unsigned char *info;
	size_t info_size;
	const char *str, *line_str;
	size_t str_size, line_str_size;
	uint64_t cu_off; /* offset of the unit header */
	int version, addr_size;
} unitinfo;

typedef struct aval {
	uint64_t u;        /* constants, references (absolute), offsets */
	const char *s;     /* strings */
	int is_ref;
} aval;

/* Read one attribute value of the given form. Returns 0, or
 * VX_TOP_UNSUPPORTED for forms this reader does not handle. */
static int read_form(cur *c, const unitinfo *u, uint32_t form, int64_t implicit, aval *v)
{
	memset(v, 0, sizeof(*v));
	switch (form) {
	case DW_FORM_addr: v->u = fixed(c, (size_t)u->addr_size); break;
	case DW_FORM_data1: case DW_FORM_flag: v->u = fixed(c, 1); break;
	case DW_FORM_data2: v->u = fixed(c, 2); break;
	case DW_FORM_data4: v->u = fixed(c, 4); break;
	case DW_FORM_data8: case DW_FORM_ref_sig8: v->u = fixed(c, 8); break;
	case DW_FORM_data16: skip(c, 16); break;
	case DW_FORM_udata: v->u = uleb(c); break;
	case DW_FORM_sdata: v->u = (uint64_t)sleb(c); break;
	case DW_FORM_implicit_const: v->u = (uint64_t)implicit; break;
	case DW_FORM_flag_present: v->u = 1; break;
	case DW_FORM_sec_offset: v->u = fixed(c, 4); break;
	case DW_FORM_ref1: v->u = u->cu_off + fixed(c, 1); v->is_ref = 1; break;
	case DW_FORM_ref2: v->u = u->cu_off + fixed(c, 2); v->is_ref = 1; break;
	case DW_FORM_ref4: v->u = u->cu_off + fixed(c, 4); v->is_ref = 1; break;
	case DW_FORM_ref8: v->u = u->cu_off + fixed(c, 8); v->is_ref = 1; break;
	case DW_FORM_ref_udata: v->u = u->cu_off + uleb(c); v->is_ref = 1; break;
	case DW_FORM_ref_addr:
		v->u = fixed(c, u->version == 2 ? (size_t)u->addr_size : 4);
		v->is_ref = 1;
		break;
	case DW_FORM_string: {
		const unsigned char *z = memchr(c->p, 0, (size_t)(c->end - c->p));
		if (!z) {
			c->bad = 1;
			return 0;
		}
		v->s = (const char *)c->p;
		c->p = z + 1;
		break;
	}
	case DW_FORM_strp: {
		uint64_t o = fixed(c, 4);
		if (u->str && o < u->str_size && memchr(u->str + o, 0, u->str_size - o))
			v->s = u->str + o;
		break;
	}
	case DW_FORM_line_strp: {
		uint64_t o = fixed(c, 4);
		if (u->line_str && o < u->line_str_size &&
		    memchr(u->line_str + o, 0, u->line_str_size - o))
			v->s = u->line_str + o;
		break;
	}
	case DW_FORM_block1: skip(c, fixed(c, 1)); break;
	case DW_FORM_block2: skip(c, fixed(c, 2)); break;
	case DW_FORM_block4: skip(c, fixed(c, 4)); break;
	case DW_FORM_block: case DW_FORM_exprloc: skip(c, uleb(c)); break;
	case DW_FORM_loclistx: case DW_FORM_rnglistx: v->u = uleb(c); break;
	case DW_FORM_indirect: {
		uint64_t f = uleb(c);
		if (f == DW_FORM_indirect || f == DW_FORM_implicit_const)
			return VX_TOP_UNSUPPORTED;
		return read_form(c, u, (uint32_t)f, 0, v);
	}
	default:
		/* strx, addrx, supplementary files, GNU forms */
		return VX_TOP_UNSUPPORTED;
	}
	return 0;
}

static const char *section(Elf *elf, const char *want, size_t *size, int *compressed)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *nm = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!nm || strcmp(nm, want))
			continue;
		if (sh.sh_flags & SHF_COMPRESSED) {
			*compressed = 1;
			return NULL;
		}
		Elf_Data *d = elf_rawdata(scn, NULL);
		if (!d || !d->d_buf)
			return NULL;
		*size = d->d_size;
		return d->d_buf;
	}
	return NULL;
}

int vx_top_walk(Elf *elf, vx_top_unit_cb unit_cb, vx_top_sub_cb sub_cb, void *arg)
{
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh) || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_type == ET_REL)
		return VX_TOP_UNSUPPORTED; /* ET_REL needs relocations: libdwfl */
	unitinfo u = {0};
	size_t abbrev_size = 0;
	int compressed = 0;
	u.info = (const unsigned char *)section(elf, ".debug_info", &u.info_size, &compressed);
	const unsigned char *abbr =
		(const unsigned char *)section(elf, ".debug_abbrev", &abbrev_size, &compressed);
	u.str = section(elf, ".debug_str", &u.str_size, &compressed);
	u.line_str = section(elf, ".debug_line_str", &u.line_str_size, &compressed);
	if (compressed || !u.info || !abbr)
		return VX_TOP_UNSUPPORTED;
	abtab t = {0};
	int rc = 0;
	uint64_t off = 0;
	while (!rc && off + 11 <= u.info_size) {
		cur c = {u.info + off, u.info + u.info_size, 0};
		uint64_t len = fixed(&c, 4);
		if (len >= 0xfffffff0u || len > u.info_size - off - 4) {
			rc = VX_TOP_UNSUPPORTED;
			break;
		}
		uint64_t next = off + 4 + len;
		c.end = u.info + next;
		u.cu_off = off;
		u.version = (int)fixed(&c, 2);
		uint64_t abbrev_off;
		int unit_type = DW_UT_compile;
		if (u.version >= 5) {
			unit_type = (int)fixed(&c, 1);
			u.addr_size = (int)fixed(&c, 1);
			abbrev_off = fixed(&c, 4);
			if (unit_type == DW_UT_skeleton || unit_type == DW_UT_split_compile)
				skip(&c, 8);
			else if (unit_type == DW_UT_type || unit_type == DW_UT_split_type)
				skip(&c, 12);
		} else if (u.version >= 2) {
			abbrev_off = fixed(&c, 4);
			u.addr_size = (int)fixed(&c, 1);
		} else {
			rc = VX_TOP_UNSUPPORTED;
			break;
		}
		if (c.bad || u.version > 5 || (u.addr_size != 4 && u.addr_size != 8)) {
			rc = VX_TOP_UNSUPPORTED;
			break;
		}
		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial) {
			off = next; /* type units: no subprograms the index wants */
			continue;
		}
		if ((rc = abtab_load(&t, abbr, abbrev_size, abbrev_off)))
			break;
		/* the unit DIE */
		uint64_t die_off = (uint64_t)(c.p - u.info);
		uint64_t code = uleb(&c);
		if (c.bad || !code || code >= t.nab || !t.ab[code].tag) {
			rc = VX_TOP_UNSUPPORTED;
			break;
		}
		const abbrev *a = &t.ab[code];
		const char *uname = NULL;
		for (uint32_t i = 0; i < a->count && !rc; i++) {
			const aattr *at = &t.at[a->first + i];
			aval v;
			rc = read_form(&c, &u, at->form, at->implicit, &v);
			if (at->name == DW_AT_name)
				uname = v.s;
		}
		if (rc || c.bad) {
			rc = VX_TOP_UNSUPPORTED;
			break;
		}
		if ((rc = unit_cb(arg, die_off, uname)))
			break;
		int depth = a->children ? 1 : 0;
		/* the children: subprograms are read, subtrees skipped (by
		 * DW_AT_sibling when there is one) */
		while (depth > 0 && c.p < c.end && !rc) {
			die_off = (uint64_t)(c.p - u.info);
			code = uleb(&c);
			if (c.bad) {
				rc = VX_TOP_UNSUPPORTED;
				break;
			}
			if (!code) {
				depth--;
				continue;
			}
			if (code >= t.nab || !t.ab[code].tag) {
				rc = VX_TOP_UNSUPPORTED;
				break;
			}
			a = &t.ab[code];
			int want = depth == 1 && a->tag == DW_TAG_subprogram;
			vx_top_sub s = {0};
			s.off = die_off;
			uint64_t sibling = 0;
			for (uint32_t i = 0; i < a->count; i++) {
				const aattr *at = &t.at[a->first + i];
				aval v;
				if ((rc = read_form(&c, &u, at->form, at->implicit, &v)))
					break;
				if (at->name == DW_AT_sibling && v.is_ref)
					sibling = v.u;
				if (!want)
					continue;
				switch (at->name) {
				case DW_AT_name:
					s.name = v.s;
					break;
				case DW_AT_abstract_origin:
				case DW_AT_specification:
					if (v.is_ref) {
						s.origin = v.u;
						s.has_origin = 1;
					}
					break;
				case DW_AT_inline:
					s.inl = (int)v.u;
					break;
				case DW_AT_low_pc:
				case DW_AT_ranges:
					s.code = 1;
					break;
				case DW_AT_declaration:
					s.decl = v.u != 0;
					break;
				case DW_AT_external:
					s.ext = v.u != 0;
					break;
				default:
					break;
				}
			}
			if (rc || c.bad) {
				rc = VX_TOP_UNSUPPORTED;
				break;
			}
			if (want && (rc = sub_cb(arg, &s)))
				break;
			if (a->children) {
				if (depth == 1 && sibling > die_off && sibling < next) {
					c.p = u.info + sibling; /* the whole subtree */
				} else {
					depth++;
				}
			}
		}
		off = next;
	}
	abtab_free(&t);
	return rc;
}
