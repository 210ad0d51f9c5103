/* Private to src/validate: the top-level DIEs of .debug_info the name index
 * wants, read with the shared DIE reader of src/dwarf/ (dwarf_top.c);
 * index.c falls back to libdw when it answers VX_TOP_UNSUPPORTED. */
#ifndef CRASHSIG_VALIDATE_DWARF_TOP_H
#define CRASHSIG_VALIDATE_DWARF_TOP_H

#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

#include "base/util.h"

#define VX_TOP_UNSUPPORTED 1

/* A DW_TAG_subprogram directly below a unit. */
typedef struct vx_top_sub {
	uint64_t off;     /* DIE offset in .debug_info */
	const char *name; /* DW_AT_name, or NULL */
	uint64_t origin;  /* DW_AT_abstract_origin / DW_AT_specification */
	int has_origin;
	int inl;          /* DW_AT_inline */
	int code;         /* DW_AT_low_pc or DW_AT_ranges */
	int decl, ext;    /* DW_AT_declaration, DW_AT_external */
} vx_top_sub;

/* Called for every compile / partial unit (offset of its DIE, its
 * DW_AT_name or NULL), then for its subprograms. A non-zero return stops
 * the walk and is returned. */
typedef int (*vx_top_unit_cb)(void *arg, uint64_t die_off, const char *name);
typedef int (*vx_top_sub_cb)(void *arg, const vx_top_sub *s);

/* Walk elf's .debug_info. Returns 0, VX_TOP_UNSUPPORTED (nothing can be
 * trusted: start again with libdw), or what a callback returned. */
int vx_top_walk(Elf *elf, vx_top_unit_cb unit_cb, vx_top_sub_cb sub_cb, void *arg);

#endif
