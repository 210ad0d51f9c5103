/* The fast DWARF paths of src/symbolize/ (line_table.c, die_walk.c, on the
 * shared reader of src/dwarf/, itself tested in tests/dwarf/) against libdw: end to end (every lookup the same with
 * CRASHSIG_SYMBOLIZE_LIBDW_ONLY) and each reader directly, over the
 * fixtures and, when installed, Debian's vmlinux (skipped visibly without
 * it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "crashsig/crashsig.h"
#include "symbolize/symfix.h"

#include <dwarf.h>

#include "symbolize/symbolize_int.h"

/* The built-in line-table reader and DIE walker give exactly what libdw's
 * dwarf_getsrclines / dwarf_siblingof give. */
static void compare_modes(const char *bin, const char *mods, const char *const *specs,
			  size_t n, size_t *compared)
{
	struct env a, b;
	assert_int_equal(open_sym(&a, bin, mods), 0);
	b.ctx = new_ctx();
	crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	so.vmlinux = bin;
	so.modules_dir = mods;
	so.flags = CRASHSIG_SYMBOLIZE_LIBDW_ONLY;
	assert_int_equal(crashsig_symbolizer_new(&b.s, b.ctx, &so), 0);
	for (size_t i = 0; i < n; i++) {
		const crashsig_symres *r1, *r2;
		int k1 = crashsig_symbolizer_lookup(a.s, specs[i], strlen(specs[i]), &r1);
		/* copy r1 before the next lookup on a (different symbolizer: ok) */
		int k2 = crashsig_symbolizer_lookup(b.s, specs[i], strlen(specs[i]), &r2);
		assert_int_equal(k1, k2);
		if (k1 != 1)
			continue;
		assert_int_equal(r1->status, r2->status);
		assert_int_equal(r1->nlocs, r2->nlocs);
		for (size_t j = 0; j < r1->nlocs; j++) {
			assert_string_equal(r1->locs[j].func, r2->locs[j].func);
			assert_true((r1->locs[j].file == NULL) == (r2->locs[j].file == NULL));
			if (r1->locs[j].file)
				assert_string_equal(r1->locs[j].file, r2->locs[j].file);
			assert_int_equal(r1->locs[j].line, r2->locs[j].line);
			assert_int_equal(r1->locs[j].column, r2->locs[j].column);
		}
		(*compared)++;
	}
	close_sym(&a);
	close_sym(&b);
}

static void test_own_readers_equal_libdw(void **state)
{
	(void)state;
	size_t compared = 0;
	char **specs = calloc(8192, sizeof(*specs));
	size_t n = 0;
	struct fsym fs[64];
	size_t nf = elf_funcs(FIX_PROG, fs, 64);
	for (size_t i = 0; i < nf; i++)
		for (uint64_t o = 0; o < fs[i].size && n < 8192; o++) {
			specs[n] = malloc(32);
			snprintf(specs[n++], 32, "0x%llx", (unsigned long long)(fs[i].value + o));
		}
	compare_modes(FIX_PROG, NULL, (const char *const *)specs, n, &compared);
	for (size_t i = 0; i < n; i++)
		free(specs[i]);
	n = 0;
	nf = elf_funcs(FIX_MOD, fs, 64);
	for (size_t i = 0; i < nf; i++)
		for (uint64_t o = 0; o < fs[i].size && n < 8192; o++) {
			specs[n] = malloc(192);
			snprintf(specs[n++], 192, "fixmod:%.127s+0x%llx", fs[i].name,
				 (unsigned long long)o);
		}
	compare_modes(FIX_PROG, FIX_MODDIR, (const char *const *)specs, n, &compared);
	for (size_t i = 0; i < n; i++)
		free(specs[i]);
	n = 0;
	if (file_exists(SYMFIX_VMLINUX)) {
		/* 3000 addresses spread over the kernel's .text */
		for (uint64_t a = 0xffffffff81000000ull; n < 3000; a += 0xe01ef2 / 3000 + 7) {
			specs[n] = malloc(32);
			snprintf(specs[n++], 32, "0x%llx", (unsigned long long)a);
		}
		compare_modes(SYMFIX_VMLINUX, RK_DIR, (const char *const *)specs, n, &compared);
		for (size_t i = 0; i < n; i++)
			free(specs[i]);
	} else {
		fprintf(stderr, "SKIP part: %s not installed\n", SYMFIX_VMLINUX);
	}
	free(specs);
	fprintf(stderr, "own readers vs libdw: %zu lookups identical\n", compared);
	assert_true(compared > 300);
}

/* ------------------------------------------------------------------ */
/* The two fast DWARF readers, each against libdw directly             */
/* ------------------------------------------------------------------ */

/* Every step-th compile unit DIE of dw (at most max). */
static size_t sample_cus(Dwarf *dw, size_t step, Dwarf_Die *out, size_t max)
{
	Dwarf_CU *cu = NULL, *next;
	uint8_t unit_type;
	Dwarf_Half version;
	Dwarf_Die cudie;
	size_t n = 0, i = 0;
	while (n < max && dwarf_get_units(dw, cu, &next, &version, &unit_type, &cudie, NULL) == 0) {
		cu = next;
		if (unit_type != DW_UT_compile || i++ % step != 0)
			continue;
		out[n++] = cudie;
	}
	return n;
}

struct reader_count {
	size_t cus;      /* CUs compared */
	size_t own;      /* of which the fast reader handled (the rest: libdw) */
	size_t items;    /* rows / functions compared */
};

/* The fast line-table reader (line_table.c) against dwarf_getsrclines:
 * same rows in the same order (address, line, column, end of sequence,
 * file name), or it declines (-1) and libdw is used. */
static void lines_vs_libdw(const struct mod *m, Dwarf_Die *cu, struct reader_count *k)
{
	struct cu_lines own;
	memset(&own, 0, sizeof(own));
	k->cus++;
	if (lines_parse(m, cu, &own) != 0)
		return;
	k->own++;
	Dwarf_Lines *ll = NULL;
	size_t nl = 0;
	if (dwarf_getsrclines(cu, &ll, &nl) != 0)
		nl = 0;
	assert_int_equal(own.n, nl);
	for (size_t i = 0; i < nl; i++) {
		Dwarf_Line *l = dwarf_onesrcline(ll, i);
		Dwarf_Addr a;
		int line, col;
		bool end;
		assert_int_equal(dwarf_lineaddr(l, &a), 0);
		assert_int_equal(dwarf_lineno(l, &line), 0);
		assert_int_equal(dwarf_linecol(l, &col), 0);
		assert_int_equal(dwarf_lineendsequence(l, &end), 0);
		const struct lrow *r = &own.rows[i];
		if (r->addr != a || r->line != (uint32_t)line || (r->col_end >> 1) != col ||
		    (r->col_end & 1) != end)
			fprintf(stderr, "CU %llx row %zu: own %llx:%u:%u end %u, libdw %llx:%d:%d end %d\n",
				(unsigned long long)dwarf_dieoffset(cu), i, (unsigned long long)r->addr,
				r->line, r->col_end >> 1, r->col_end & 1, (unsigned long long)a, line,
				col, end);
		assert_int_equal(r->addr, a);
		assert_int_equal(r->line, (uint32_t)line);
		assert_int_equal(r->col_end >> 1, (unsigned)col);
		assert_int_equal(r->col_end & 1, end ? 1 : 0);
		const char *f1 = lines_file(&own, r->file), *f2 = dwarf_linesrc(l, NULL, NULL);
		assert_true((f1 == NULL) == (f2 == NULL));
		if (f1)
			assert_string_equal(f1, f2);
		k->items++;
	}
	lines_free(&own);
}

struct fr3 {
	uint64_t lo, hi, off;
};

static int fr3_cmp(const void *a, const void *b)
{
	const struct fr3 *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static struct fr3 *fr3_of(const struct cu_funcs *c)
{
	struct fr3 *r = calloc(c->n ? c->n : 1, sizeof(*r));
	assert_non_null(r);
	for (size_t i = 0; i < c->n; i++) {
		r[i].lo = c->r[i].lo;
		r[i].hi = c->r[i].hi;
		r[i].off = c->r[i].off;
	}
	qsort(r, c->n, sizeof(*r), fr3_cmp);
	return r;
}

/* The fast top-level DIE walk (die_walk.c) against dwarf_child /
 * dwarf_siblingof: the same subprogram ranges (with the same DIEs) over
 * the whole CU, and the same function found for an address, or it declines
 * (-2) and libdw is used. */
static void walk_vs_libdw(const struct mod *m, Dwarf_Die *cu, struct reader_count *k)
{
	k->cus++;
	/* libdw: the top-level subprograms with an address range, DIE order */
	struct cu_funcs ref;
	memset(&ref, 0, sizeof(ref));
	Dwarf_Die child;
	if (dwarf_child(cu, &child) == 0) {
		do {
			int hit = 0;
			if (dwarf_tag(&child) == DW_TAG_subprogram &&
			    (dwarf_hasattr(&child, DW_AT_low_pc) || dwarf_hasattr(&child, DW_AT_ranges)))
				assert_int_equal(cu_add(&ref, &child, UINT64_MAX, &hit), 0);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	/* the fast walker over the whole CU (no function contains ~0) */
	struct cu_funcs own;
	memset(&own, 0, sizeof(own));
	own.off = dwarf_dieoffset(cu);
	uint64_t unit = own.off - dwarf_cuoffset(cu), out;
	int r = own_walk(m, &own, unit, UINT64_MAX, &out);
	if (r == -2) {
		free(own.r);
		own_walk_free(&own);
		free(ref.r);
		return;
	}
	k->own++;
	assert_int_equal(r, 0);
	assert_int_equal(own.state, 2);
	assert_int_equal(own.n, ref.n);
	struct fr3 *a = fr3_of(&own), *b = fr3_of(&ref);
	for (size_t i = 0; i < ref.n; i++) {
		assert_int_equal(a[i].lo, b[i].lo);
		assert_int_equal(a[i].hi, b[i].hi);
		assert_int_equal(a[i].off, b[i].off);
		k->items++;
	}
	/* a lookup that stops half way: the first function in DIE order that
	 * contains the address, as the libdw walk finds it */
	if (ref.n) {
		uint64_t pc = ref.r[ref.n / 2].lo;
		size_t first = 0;
		while (!(ref.r[first].lo <= pc && pc < ref.r[first].hi))
			first++;
		struct cu_funcs one;
		memset(&one, 0, sizeof(one));
		one.off = own.off;
		assert_int_equal(own_walk(m, &one, unit, pc, &out), 1);
		assert_int_equal(out, ref.r[first].off);
		free(one.r);
		own_walk_free(&one);
	}
	free(a);
	free(b);
	free(own.r);
	own_walk_free(&own);
	free(ref.r);
}

typedef void (*reader_check)(const struct mod *, Dwarf_Die *, struct reader_count *);

/* Run check over every step-th CU of m; the fast reader must be on for m
 * and must have handled most CUs itself (else nothing was tested). */
static void readers_over(const struct mod *m, int lines, reader_check check, size_t step,
			 const char *what, const char *reader)
{
	assert_non_null(m);
	assert_non_null(m->dw);
	assert_int_equal(lines ? m->own_lines : m->own_walk, 1);
	Dwarf_Die *cus = calloc(4096, sizeof(*cus));
	assert_non_null(cus);
	size_t n = sample_cus(m->dw, step, cus, 4096);
	struct reader_count k = {0, 0, 0};
	for (size_t i = 0; i < n; i++)
		check(m, &cus[i], &k);
	fprintf(stderr, "%s vs libdw on %s: %zu CUs, %zu read by the fast reader, %zu %s identical\n",
		reader, what, k.cus, k.own, k.items, lines ? "rows" : "functions");
	assert_true(k.cus > 0);
	assert_true(k.own * 10 >= k.cus * 9);
	assert_true(k.items > 0);
	free(cus);
}

static void readers_test(int lines)
{
	reader_check check = lines ? lines_vs_libdw : walk_vs_libdw;
	const char *reader = lines ? "line-table reader" : "DIE walker";
	struct env e;
	/* the fixtures: an executable and an ET_REL module (relocated) */
	assert_int_equal(open_sym(&e, FIX_PROG, FIX_MODDIR), 0);
	readers_over(&e.s->vmlinux, lines, check, 1, "fix_prog", reader);
	readers_over(find_module(e.s, "fixmod", NULL), lines, check, 1, "fixmod.ko", reader);
	close_sym(&e);
	if (!file_exists(SYMFIX_VMLINUX)) {
		fprintf(stderr, "skipped: %s vs libdw over the Debian vmlinux because %s is not "
				"installed\n", reader, SYMFIX_VMLINUX);
		skip();
	}
	/* Debian's vmlinux: every 8th CU (272 of ~2,200 CUs, DWARF 5) */
	assert_int_equal(open_sym(&e, SYMFIX_VMLINUX, RK_DIR), 0);
	readers_over(&e.s->vmlinux, lines, check, 8, "vmlinux", reader);
	close_sym(&e);
}

static void test_line_table_vs_libdw(void **state)
{
	(void)state;
	readers_test(1);
}

static void test_die_walk_vs_libdw(void **state)
{
	(void)state;
	readers_test(0);
}

/* ------------------------------------------------------------------ */
/* The unit of an address, and whole lookups without libdw            */
/* ------------------------------------------------------------------ */

/* dwr_aranges_find against dwfl_module_addrdie at every edge of every
 * range (and between): the same unit, or none for both. */
static size_t aranges_vs_libdw(struct mod *m)
{
	assert_int_equal(m->own_cu, 1);
	size_t n = 0;
	for (size_t i = 0; i < m->ar.n; i++) {
		const dwr_arange *r = &m->ar.a[i];
		uint64_t probe[6] = {r->addr - 1, r->addr, r->addr + 1, r->addr + r->len - 1,
				     r->addr + r->len, r->addr + r->len + 1};
		for (int k = 0; k < 6; k++) {
			uint64_t unit = 0;
			int own = dwr_aranges_find(&m->ar, probe[k], &unit);
			Dwarf_Addr bias;
			Dwarf_Die *cu = dwfl_module_addrdie(m->dm, probe[k] + m->dwbias, &bias);
			assert_int_equal(own, cu != NULL);
			if (cu) {
				dwr_unit u;
				assert_int_equal(dwr_unit_read(&m->sec, unit, &u), 0);
				assert_int_equal(u.die_off, dwarf_dieoffset(cu));
			}
			n++;
		}
	}
	return n;
}

/* own_chain does the lookups itself: it declines (-2) for none of them */
static size_t own_chain_covers(crashsig_symbolizer *s, struct mod *m, uint64_t lo, uint64_t hi,
			       uint64_t step, size_t *found)
{
	size_t n = 0;
	for (uint64_t a = lo; a < hi; a += step) {
		s->nlocs = 0;
		cs_buf_clear(&s->strs);
		int r = own_chain(s, m, a, NULL);
		if (r == -2)
			fprintf(stderr, "own_chain declined 0x%llx\n", (unsigned long long)a);
		assert_true(r == 0 || r == 1);
		*found += r == 1;
		n++;
	}
	return n;
}

static void test_own_units_and_chains(void **state)
{
	(void)state;
	struct env e;
	assert_int_equal(open_sym(&e, FIX_PROG, NULL), 0);
	size_t probes = aranges_vs_libdw(&e.s->vmlinux), found = 0;
	struct fsym fs[64];
	size_t nf = elf_funcs(FIX_PROG, fs, 64), chains = 0;
	for (size_t i = 0; i < nf; i++)
		chains += own_chain_covers(e.s, &e.s->vmlinux, fs[i].value, fs[i].value + fs[i].size,
					   1, &found);
	close_sym(&e);
	fprintf(stderr, "fix_prog: %zu aranges probes as libdwfl, %zu lookups by own_chain "
			"(%zu with DWARF)\n", probes, chains, found);
	assert_true(found > 100);
	if (!file_exists(SYMFIX_VMLINUX)) {
		fprintf(stderr, "skipped: the vmlinux part because %s is not installed\n",
			SYMFIX_VMLINUX);
		skip();
	}
	assert_int_equal(open_sym(&e, SYMFIX_VMLINUX, RK_DIR), 0);
	probes = aranges_vs_libdw(&e.s->vmlinux);
	found = 0;
	chains = own_chain_covers(e.s, &e.s->vmlinux, 0xffffffff81000000ull,
				  0xffffffff81000000ull + 0xe01ef2, 0xe01ef2 / 4000 + 3, &found);
	close_sym(&e);
	fprintf(stderr, "vmlinux: %zu aranges probes as libdwfl, %zu lookups by own_chain "
			"(%zu with DWARF)\n", probes, chains, found);
	assert_true(found > 2500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_units_and_chains),
		cmocka_unit_test(test_own_readers_equal_libdw),
		cmocka_unit_test(test_line_table_vs_libdw),
		cmocka_unit_test(test_die_walk_vs_libdw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
