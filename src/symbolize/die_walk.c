/* The top-level function of an address, with the shared DIE reader
 * (src/dwarf/die.h; why: README, "Why crashsig has its own DWARF reader"). */
#include <dwarf.h>
#include <stdlib.h>

#include "dwarf/die.h"
#include "symbolize/symbolize_int.h"

/* Finding the subprogram of an address means visiting the top-level DIEs
 * of its CU, most of them types and declarations. With dwarf_siblingof and
 * dwarf_tag that was the largest cost for 10,000 addresses (two locked
 * abbreviation lookups per DIE). The shared reader reads the CU's
 * abbreviation table once and skips DIEs by their attribute forms (or
 * DW_AT_sibling); only subprograms whose abbreviation has DW_AT_low_pc or
 * DW_AT_ranges are handed to libdw (dwarf_offdie + dwarf_ranges). Anything
 * it does not know returns -2 and the caller redoes the CU with libdw. */

void own_walk_free(struct cu_funcs *c)
{
	if (!c->walk)
		return;
	dwr_iter_fini(c->walk);
	free(c->walk);
	c->walk = NULL;
}

/* Start the walk of cudie's unit: 0, -2, CRASHSIG_ENOMEM. */
static int walk_start(const struct mod *m, struct cu_funcs *c, Dwarf_Die *cudie)
{
	uint64_t die_off = dwarf_dieoffset(cudie);
	uint64_t rel = dwarf_cuoffset(cudie);
	dwr_unit u;
	if (rel > die_off || dwr_unit_read(&m->sec, die_off - rel, &u) != 0 ||
	    (u.unit_type != DW_UT_compile && u.unit_type != DW_UT_partial) ||
	    u.die_off != die_off)
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
	return 0;
}

int own_walk(const struct mod *m, struct cu_funcs *c, Dwarf_Die *cudie,
	     Dwarf_Addr pc, Dwarf_Die *out)
{
	if (c->state == 0) {
		int rc = walk_start(m, c, cudie);
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
		Dwarf_Die die;
		if (!dwarf_offdie(m->dw, d.off, &die))
			return -2;
		int hit = 0;
		if (cu_add(c, &die, pc, &hit) != 0)
			return CRASHSIG_ENOMEM;
		if (hit) {
			*out = die;
			return 1;
		}
	}
	c->state = 2;
	own_walk_free(c);
	if (c->n)
		qsort(c->r, c->n, sizeof(*c->r), frange_cmp);
	return 0;
}
