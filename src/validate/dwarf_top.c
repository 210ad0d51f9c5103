/* The top-level DIEs of .debug_info for the name index, with the shared DIE
 * reader (src/dwarf/die.h; why: README, "Why crashsig has its own DWARF
 * reader").
 *
 * The index needs, for every unit, its name and, for every DW_TAG_subprogram
 * directly below it, a few attributes. libdw answers that too (and is the
 * fallback: index.c's walk_libdw), but it decodes each DIE through its
 * abbreviation hash under a lock and walks with dwarf_siblingof; on the
 * 590 MB Debian vmlinux that is most of the index build. The shared reader
 * parses each unit's abbreviation table once into an array and skips whole
 * subtrees. Whatever it cannot read, or an attribute the index uses in a
 * form whose value it does not give (DW_FORM_strx names, references into
 * type units or other files), is VX_TOP_UNSUPPORTED and the caller walks
 * with libdw. ET_REL files need relocations (libdwfl): not read here. */
#include "validate/dwarf_top.h"

#include <dwarf.h>
#include <string.h>

#include "dwarf/die.h"

static int unit_attr(void *arg, uint32_t name, uint32_t form, const dwr_val *v)
{
	(void)form;
	if (name != DW_AT_name)
		return 0;
	if (!v->known)
		return DWR_UNSUPPORTED;
	*(const char **)arg = v->s;
	return 0;
}

/* The attributes of a subprogram, as index.c's libdw walk (attr_cb) reads
 * them. */
static int sub_attr(void *arg, uint32_t name, uint32_t form, const dwr_val *v)
{
	vx_top_sub *s = arg;
	(void)form;
	switch (name) {
	case DW_AT_name:
		if (!v->known)
			return DWR_UNSUPPORTED;
		s->name = v->s;
		break;
	case DW_AT_abstract_origin:
	case DW_AT_specification:
		if (!v->known)
			return DWR_UNSUPPORTED;
		if (v->ref) {
			s->origin = v->u;
			s->has_origin = 1;
		}
		break;
	case DW_AT_inline:
		if (!v->known)
			return DWR_UNSUPPORTED;
		s->inl = (int)v->u;
		break;
	case DW_AT_low_pc:
	case DW_AT_ranges:
		s->code = 1;
		break;
	case DW_AT_declaration:
	case DW_AT_external:
		if (!v->known)
			return DWR_UNSUPPORTED;
		if (name == DW_AT_declaration)
			s->decl = v->u != 0;
		else
			s->ext = v->u != 0;
		break;
	default:
		break;
	}
	return 0;
}

/* One unit: its name, then its top-level subprograms. */
static int walk_unit(dwr_iter *it, const dwr_unit *u, vx_top_unit_cb unit_cb,
		     vx_top_sub_cb sub_cb, void *arg)
{
	dwr_die d;
	int rc = dwr_iter_unit(it, u, &d);
	const char *uname = NULL;
	if (!rc)
		rc = dwr_iter_attrs(it, unit_attr, &uname);
	if (rc)
		return rc;
	if ((rc = unit_cb(arg, d.off, uname)))
		return rc;
	while ((rc = dwr_iter_next(it, &d)) == 1) {
		if (d.ab->tag != DW_TAG_subprogram)
			continue;
		vx_top_sub s;
		memset(&s, 0, sizeof(s));
		s.off = d.off;
		if ((rc = dwr_iter_attrs(it, sub_attr, &s)))
			return rc;
		if ((rc = sub_cb(arg, &s)))
			return rc;
	}
	return rc;
}

int vx_top_walk(Elf *elf, vx_top_unit_cb unit_cb, vx_top_sub_cb sub_cb, void *arg)
{
	GElf_Ehdr eh;
	dwr_sections sec;
	if (!gelf_getehdr(elf, &eh) || eh.e_type == ET_REL ||
	    dwr_sections_init(&sec, elf) != 0 || !sec.info.d || !sec.abbrev.d)
		return VX_TOP_UNSUPPORTED;
	dwr_iter it;
	dwr_iter_init(&it, &sec);
	int rc = 0;
	for (uint64_t off = 0; !rc && off + 11 <= sec.info.n;) {
		dwr_unit u;
		if (dwr_unit_read(&sec, off, &u) != 0) {
			rc = DWR_UNSUPPORTED;
			break;
		}
		off = u.end;
		/* type units, skeletons: no subprograms the index wants */
		if (u.unit_type == DW_UT_compile || u.unit_type == DW_UT_partial)
			rc = walk_unit(&it, &u, unit_cb, sub_cb, arg);
	}
	dwr_iter_fini(&it);
	return rc == DWR_UNSUPPORTED ? VX_TOP_UNSUPPORTED : rc;
}
