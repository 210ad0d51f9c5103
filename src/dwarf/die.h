/* The library's own reader of .debug_info, private to the library: unit
 * headers, abbreviation tables (parsed once per unit into an array indexed
 * by code), attribute forms (sizes, skipping, values) and an iterator over
 * the DIEs directly below a unit DIE that skips whole subtrees (by
 * DW_AT_sibling, else by the attribute forms of every DIE inside).
 *
 * Why it exists: finding the function of an address (symbolize) and the
 * name index (validate) both visit every top-level DIE of a unit, most of
 * them types and declarations. libdw decodes each DIE through a locked
 * abbreviation hash lookup (dwarf_tag, dwarf_siblingof); this reader does
 * an array lookup per DIE. It reads DWARF 2 to 5, 32- and 64-bit, little
 * endian, not split, not compressed. On anything else it says
 * DWR_UNSUPPORTED, and the caller does the work with libdw instead (libdw
 * stays the reference: each user has a test that compares the two).
 *
 * Offsets are those libdw uses: from the start of .debug_info. Strings
 * point into the sections (nothing is copied). One dwr_iter per thread. */
#ifndef CRASHSIG_DWARF_DIE_H
#define CRASHSIG_DWARF_DIE_H

#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

#include "crashsig/base.h"
#include "dwarf/cursor.h"

/* Not an error of the input as such: the reader cannot read it, use libdw.
 * (Errors of this module: DWR_UNSUPPORTED, CRASHSIG_ENOMEM.) */
#define DWR_UNSUPPORTED CRASHSIG_EUNSUPPORTED

/* The raw debug sections of one ELF file (borrowed from libelf/libdwfl;
 * d == NULL when the file has no such section). */
typedef struct dwr_sections {
	dwr_sec info, abbrev, str, line_str, line;
	dwr_sec aranges, rnglists; /* optional: NULL also when compressed */
} dwr_sections;

/* Point s at elf's .debug_info, .debug_abbrev, .debug_str,
 * .debug_line_str and .debug_line as libelf gives them (for a module that
 * libdwfl opened: relocated). Returns 0, or DWR_UNSUPPORTED (s all NULL)
 * for a big-endian file or host, or when one of them is compressed or
 * SHT_NOBITS. .debug_aranges and .debug_rnglists are set when present and
 * readable as they are (left NULL otherwise, without failing). */
int dwr_sections_init(dwr_sections *s, Elf *elf);

/* A unit header. */
typedef struct dwr_unit {
	uint64_t off;        /* of the header, in .debug_info */
	uint64_t end;        /* first byte after the unit */
	uint64_t die_off;    /* of the unit DIE */
	uint64_t abbrev_off; /* in .debug_abbrev */
	unsigned version;    /* 2 to 5 */
	unsigned unit_type;  /* DW_UT_*; DW_UT_compile before DWARF 5 */
	unsigned addr_size;  /* 4 or 8 */
	unsigned off_size;   /* 4 (32-bit DWARF) or 8 (64-bit DWARF) */
} dwr_unit;

/* Read the unit header at off in .debug_info: 0, or DWR_UNSUPPORTED
 * (truncated, reserved length, version, address size, abbreviation offset
 * outside .debug_abbrev). */
int dwr_unit_read(const dwr_sections *s, uint64_t off, dwr_unit *u);

/* One attribute specification of an abbreviation (8 bytes: a symbolizer
 * keeps the table of every unit it is walking). */
typedef struct dwr_attrspec {
	uint16_t name, form; /* larger ones: DWR_UNSUPPORTED */
	uint32_t imp;        /* DW_FORM_implicit_const: the value is implicit[imp] */
} dwr_attrspec;

/* One abbreviation (16 bytes). */
#define DWR_VARIABLE 0xffff
typedef struct dwr_abbrev {
	uint16_t tag;
	uint8_t known;       /* the code is defined */
	uint8_t children;    /* DW_CHILDREN_yes */
	uint8_t has_pc;      /* has DW_AT_low_pc or DW_AT_ranges (code) */
	uint8_t has_sibling; /* has DW_AT_sibling */
	/* For skipping: fixed is the size of all its attribute values when
	 * every form has a fixed size in the unit, else DWR_VARIABLE; then
	 * DW_AT_sibling's value is sib_size bytes at sib_at among them
	 * (sib_size 0: none, or not a unit-relative reference of fixed size
	 * in the first 255 bytes). */
	uint8_t sib_size, sib_at;
	uint32_t first;      /* its attributes: attr[first .. first+nattr) */
	uint16_t nattr, fixed;
} dwr_abbrev;

/* The abbreviation table of a unit, indexed by code (codes are small and
 * dense in what compilers emit; above 65535 is DWR_UNSUPPORTED). */
typedef struct dwr_abbrevs {
	dwr_abbrev *by_code; /* owned; [0, ncodes) valid */
	size_t ncodes, capcodes;
	dwr_attrspec *attr; /* owned */
	size_t nattr, capattr;
	int64_t *implicit; /* owned: DW_FORM_implicit_const values */
	size_t nimplicit, capimplicit;
} dwr_abbrevs;

/* Parse the table at off of sec into t (its arrays are reused), for unit u
 * (the fixed sizes depend on its address and offset sizes). 0,
 * DWR_UNSUPPORTED (malformed, duplicate or huge code), CRASHSIG_ENOMEM. */
int dwr_abbrevs_load(dwr_abbrevs *t, const dwr_sec *sec, uint64_t off, const dwr_unit *u);
/* Free t's arrays (t itself is the caller's); t is empty afterwards. */
void dwr_abbrevs_fini(dwr_abbrevs *t);

/* An attribute value as dwr_iter_attrs gives it. */
typedef struct dwr_val {
	uint64_t u;    /* constants, flags, addresses, section offsets, list
			* indexes; references: the DIE's .debug_info offset */
	const char *s; /* strings (DW_FORM_string, strp, line_strp); NULL when
			* the offset is outside the string section */
	uint8_t ref;   /* u is a reference (DW_FORM_ref1..8, ref_udata, ref_addr) */
	uint8_t known; /* 0: the form was skipped, its value is not here
			* (strx*, addrx*, blocks, data16, ref_sig8,
			* supplementary and alternate-file forms) */
} dwr_val;

/* Called for each attribute of a DIE (form as the abbreviation gives it:
 * DW_FORM_indirect for an indirect one); a non-zero return stops
 * dwr_iter_attrs, which returns it. */
typedef int (*dwr_attr_fn)(void *arg, uint32_t name, uint32_t form, const dwr_val *v);

/* A DIE returned by the iterator. */
typedef struct dwr_die {
	uint64_t off;          /* in .debug_info */
	const dwr_abbrev *ab;  /* tag, children, has_pc (the iterator's table) */
} dwr_die;

/* Iterator over the DIEs directly below one unit DIE. Embeds the unit's
 * abbreviation table: one iterator can do many units in turn (the table is
 * reloaded only when the unit's abbreviation offset or sizes change). */
typedef struct dwr_iter {
	const dwr_sections *s; /* borrowed */
	dwr_unit u;
	dwr_abbrevs ab;
	dwr_unit ab_unit;     /* the unit ab was loaded for; abbrev_off
			       * UINT64_MAX: none */
	uint64_t pos;         /* next unread byte of .debug_info */
	const dwr_abbrev *cur; /* the DIE last returned; NULL: none, at end */
	uint64_t sibling;     /* its DW_AT_sibling (attributes read), else 0 */
	uint8_t read;         /* its attributes are read (pos is past them) */
	uint8_t is_unit;      /* it is the unit DIE (its children follow) */
	uint8_t broken;       /* a callback stopped dwr_iter_attrs midway */
} dwr_iter;

void dwr_iter_init(dwr_iter *it, const dwr_sections *s);
/* Start on unit u (from dwr_unit_read; any unit type): load its
 * abbreviations and return its unit DIE in *die (dwr_iter_attrs reads its
 * attributes). 0, DWR_UNSUPPORTED, CRASHSIG_ENOMEM. */
int dwr_iter_unit(dwr_iter *it, const dwr_unit *u, dwr_die *die);
/* Start on the DIE at off (.debug_info) of the unit it is on (from
 * dwr_iter_unit), as on a unit DIE: *die is that DIE, dwr_iter_attrs reads
 * its attributes and dwr_iter_next gives its children. 0, DWR_UNSUPPORTED
 * (off outside the unit, unknown code). */
int dwr_iter_die(dwr_iter *it, uint64_t off, dwr_die *die);
/* The next DIE directly below the unit DIE (or the DIE of dwr_iter_die):
 * 1 (*d set), 0 (no more),
 * DWR_UNSUPPORTED. The previous DIE's attributes (if not read) and
 * children are skipped. */
int dwr_iter_next(dwr_iter *it, dwr_die *d);
/* Call fn for each attribute of the DIE last returned, in order (once per
 * DIE, before dwr_iter_next). 0, DWR_UNSUPPORTED, or fn's non-zero return
 * (the iterator cannot go on in this unit then). */
int dwr_iter_attrs(dwr_iter *it, dwr_attr_fn fn, void *arg);
/* Free what it owns (it may be used again after dwr_iter_init). */
void dwr_iter_fini(dwr_iter *it);

/* Where an iterator is in its unit, to come back to after using it
 * elsewhere in the unit (dwr_iter_die). */
typedef struct dwr_iter_pos {
	uint64_t pos, sibling;
	const dwr_abbrev *cur;
	uint8_t read, is_unit, broken;
} dwr_iter_pos;

static inline dwr_iter_pos dwr_iter_tell(const dwr_iter *it)
{
	dwr_iter_pos p = {it->pos, it->sibling, it->cur, it->read, it->is_unit, it->broken};
	return p;
}

static inline void dwr_iter_seek(dwr_iter *it, const dwr_iter_pos *p)
{
	it->pos = p->pos;
	it->sibling = p->sibling;
	it->cur = p->cur;
	it->read = p->read;
	it->is_unit = p->is_unit;
	it->broken = p->broken;
}

/* .debug_aranges as libdwfl 0.188 reads it to find the unit of an address
 * (dwfl_module_addrdie: dwarf_getaranges, then one entry per run of
 * ranges of the same unit; the gaps between runs belong to the run
 * before). Without interning every unit header, which is what costs libdw
 * a page fault per unit on a vmlinux (~2,200 units, 160 MB). */
typedef struct dwr_arange {
	uint64_t addr, len;
	uint64_t unit; /* offset of the unit header in .debug_info */
} dwr_arange;

typedef struct dwr_aranges {
	dwr_arange *a; /* owned: every range, sorted by address (stable) */
	size_t n;
	uint32_t *run; /* owned: index in a of the first range of each run */
	size_t nrun;
} dwr_aranges;

/* Read s->aranges: 0 (also when there is no such section: nothing
 * found then), DWR_UNSUPPORTED (malformed: libdw fails every lookup),
 * CRASHSIG_ENOMEM. */
int dwr_aranges_load(dwr_aranges *ar, const dwr_sections *s);
/* The unit header offset for addr as libdwfl finds it: 1 (*unit set) or
 * 0 (outside every run). */
int dwr_aranges_find(const dwr_aranges *ar, uint64_t addr, uint64_t *unit);
void dwr_aranges_fini(dwr_aranges *ar);

#endif
