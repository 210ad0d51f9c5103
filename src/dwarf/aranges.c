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

/* A little-endian value of n bytes (4 or 8) at p: the reader runs on
 * little-endian hosts only (dwr_sections_init). */
static inline uint64_t rd_le(const unsigned char *p, unsigned n)
{
	if (n == 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Stable LSD radix sort by address (what glibc's qsort, a merge sort,
 * gives libdw: ranges at the same address stay in file order), 11-bit
 * digits over addr - lowest. 0, or CRASHSIG_ENOMEM. */
static int sort_ranges(dwr_arange *a, size_t n)
{
	if (n < 2)
		return 0;
	uint64_t lo = UINT64_MAX, hi = 0;
	int sorted = 1;
	for (size_t i = 0; i < n; i++) {
		lo = a[i].addr < lo ? a[i].addr : lo;
		hi = a[i].addr > hi ? a[i].addr : hi;
		if (i && a[i].addr < a[i - 1].addr)
			sorted = 0;
	}
	if (sorted)
		return 0;
	dwr_arange *tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return CRASHSIG_ENOMEM;
	uint32_t cnt[2048];
	dwr_arange *src = a, *dst = tmp;
	uint64_t range = hi - lo;
	for (unsigned sh = 0; sh < 64 && (sh == 0 || (range >> sh) != 0); sh += 11) {
		memset(cnt, 0, sizeof(cnt));
		for (size_t i = 0; i < n; i++)
			cnt[((src[i].addr - lo) >> sh) & 2047]++;
		uint32_t sum = 0;
		for (size_t d = 0; d < 2048; d++) {
			uint32_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[((src[i].addr - lo) >> sh) & 2047]++] = src[i];
		dwr_arange *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
	free(tmp);
	return 0;
}

int dwr_aranges_load(dwr_aranges *ar, const dwr_sections *s)
{
	memset(ar, 0, sizeof(*ar));
	const dwr_sec *sec = &s->aranges;
	if (!sec->d || !sec->n)
		return 0;
	/* every range takes 8 bytes of the section at least */
	size_t cap = sec->n / 8 + 1;
	if (cap > UINT32_MAX)
		return DWR_UNSUPPORTED;
	ar->a = malloc(cap * sizeof(*ar->a));
	if (!ar->a)
		return CRASHSIG_ENOMEM;
	const unsigned char *p = sec->d, *end = sec->d + sec->n;
	int rc = DWR_UNSUPPORTED;
	while (p < end) {
		const unsigned char *hdr = p;
		if (end - p < 4)
			goto fail;
		uint64_t len = rd_le(p, 4);
		unsigned lsize = 4;
		p += 4;
		if (len == 0xffffffffu) {
			if (end - p < 8)
				goto fail;
			len = rd_le(p, 8);
			lsize = 8;
			p += 8;
		} else if (len >= 0xfffffff0u) {
			goto fail;
		}
		if (len > (uint64_t)(end - p))
			goto fail;
		const unsigned char *set_end = p + len; /* this set */
		if ((size_t)(set_end - p) < 2 + lsize + 2)
			goto fail;
		unsigned version = (unsigned)(p[0] | p[1] << 8);
		uint64_t unit = rd_le(p + 2, lsize);
		unsigned asize = p[2 + lsize], ssize = p[3 + lsize];
		p += 4 + lsize;
		if (version != 2 || (asize != 4 && asize != 8) || ssize != 0 || unit >= s->info.n)
			goto fail;
		/* the tuples start at a multiple of twice the address size */
		size_t at = (size_t)(p - hdr), al = 2 * asize, pad = (al - at % al) % al;
		if ((size_t)(set_end - p) < pad)
			goto fail;
		p += pad;
		for (;;) {
			if ((size_t)(set_end - p) < al)
				goto fail;
			uint64_t addr = rd_le(p, asize), l = rd_le(p + asize, asize);
			p += al;
			if (addr == 0 && l == 0)
				break;
			if (ar->n == cap)
				goto fail; /* cannot happen: 8 bytes a range at least */
			ar->a[ar->n].addr = addr;
			ar->a[ar->n].len = l;
			ar->a[ar->n].unit = unit;
			ar->n++;
		}
		p = set_end;
	}
	if (!ar->n) {
		dwr_aranges_fini(ar);
		return 0;
	}
	ar->run = malloc(ar->n * sizeof(*ar->run));
	if (!ar->run || sort_ranges(ar->a, ar->n) != 0) {
		rc = CRASHSIG_ENOMEM;
		goto fail;
	}
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
