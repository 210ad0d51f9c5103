/* .debug_aranges read the way libdw 0.188 (dwarf_getaranges) and libdwfl
 * (addrarange in libdwfl/cu.c) read it for dwfl_module_addrdie, without
 * reading the unit headers (die.h). */
#include <stdlib.h>
#include <string.h>

#include "dwarf/die.h"

void dwr_aranges_fini(dwr_aranges *ar)
{
	if (!ar)
		return;
	free(ar->a);
	free(ar->run);
	memset(ar, 0, sizeof(*ar));
}

/* Stable merge sort by address (glibc's qsort, which libdw calls, is a
 * merge sort: ranges at the same address stay in file order). */
static void sort_ranges(dwr_arange *a, dwr_arange *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	sort_ranges(a, tmp, h);
	sort_ranges(a + h, tmp, n - h);
	if (a[h - 1].addr <= a[h].addr)
		return; /* already in order: the usual case, runs of one unit */
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = a[j].addr < a[i].addr ? a[j++] : a[i++];
	while (i < h)
		tmp[k++] = a[i++];
	memcpy(a, tmp, k * sizeof(*a));
}

int dwr_aranges_load(dwr_aranges *ar, const dwr_sections *s)
{
	memset(ar, 0, sizeof(*ar));
	const dwr_sec *sec = &s->aranges;
	if (!sec->d || !sec->n)
		return 0;
	size_t cap = 0;
	dwr_cur c = {sec->d, sec->d + sec->n, 0};
	int rc = DWR_UNSUPPORTED;
	while (c.p < c.end) {
		const unsigned char *hdr = c.p;
		uint64_t len = dwr_fixed(&c, 4);
		unsigned lsize = 4;
		if (len == 0xffffffffu) {
			len = dwr_fixed(&c, 8);
			lsize = 8;
		} else if (len >= 0xfffffff0u) {
			goto fail;
		}
		if (c.bad || len > (uint64_t)(c.end - c.p))
			goto fail;
		dwr_cur e = {c.p, c.p + len, 0}; /* this set */
		c.p += len;
		unsigned version = (unsigned)dwr_fixed(&e, 2);
		uint64_t unit = dwr_fixed(&e, lsize);
		unsigned asize = (unsigned)dwr_fixed(&e, 1);
		unsigned ssize = (unsigned)dwr_fixed(&e, 1);
		if (e.bad || version != 2 || (asize != 4 && asize != 8) || ssize != 0 ||
		    unit >= s->info.n)
			goto fail;
		/* the tuples start at a multiple of twice the address size */
		size_t at = (size_t)(e.p - hdr), al = 2 * asize;
		dwr_skip(&e, (al - at % al) % al);
		for (;;) {
			uint64_t addr = dwr_fixed(&e, asize), l = dwr_fixed(&e, asize);
			if (e.bad)
				goto fail;
			if (addr == 0 && l == 0)
				break;
			if (ar->n == cap) {
				cap = cap ? cap * 2 : 1024;
				dwr_arange *na = realloc(ar->a, cap * sizeof(*na));
				if (!na) {
					rc = CRASHSIG_ENOMEM;
					goto fail;
				}
				ar->a = na;
			}
			ar->a[ar->n].addr = addr;
			ar->a[ar->n].len = l;
			ar->a[ar->n].unit = unit;
			ar->n++;
		}
	}
	if (!ar->n)
		return 0;
	if (ar->n > UINT32_MAX)
		goto fail;
	dwr_arange *tmp = malloc(ar->n * sizeof(*tmp));
	ar->run = malloc(ar->n * sizeof(*ar->run));
	if (!tmp || !ar->run) {
		free(tmp);
		rc = CRASHSIG_ENOMEM;
		goto fail;
	}
	sort_ranges(ar->a, tmp, ar->n);
	free(tmp);
	/* one entry per run of ranges of the same unit */
	for (size_t i = 0; i < ar->n; i++)
		if (i == 0 || ar->a[i].unit != ar->a[i - 1].unit)
			ar->run[ar->nrun++] = (uint32_t)i;
	return 0;
fail:
	dwr_aranges_fini(ar);
	return rc;
}

int dwr_aranges_find(const dwr_aranges *ar, uint64_t addr, uint64_t *unit)
{
	/* libdwfl's binary search, step for step (with ranges of several
	 * units at one address the path decides) */
	size_t l = 0, u = ar->nrun;
	while (l < u) {
		size_t idx = (l + u) / 2;
		uint64_t start = ar->a[ar->run[idx]].addr;
		if (addr < start) {
			u = idx;
			continue;
		} else if (addr > start) {
			if (idx + 1 < ar->nrun) {
				if (addr >= ar->a[ar->run[idx + 1]].addr) {
					l = idx + 1;
					continue;
				}
			} else {
				/* it might be in the last range */
				const dwr_arange *last = &ar->a[ar->n - 1];
				if (addr > last->addr + last->len)
					break;
			}
		}
		*unit = ar->a[ar->run[idx]].unit;
		return 1;
	}
	return 0;
}
