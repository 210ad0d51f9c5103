/* The shared DWARF reader (src/dwarf/) on its own: the LEB128 cursor on the
 * DWARF specification's examples; unit headers, abbreviation tables, the
 * top-level DIE iterator and attribute values against libdw over the
 * fixtures of tests/symbolize/fixtures.cmake (DWARF 5, 4, 2, 64-bit DWARF,
 * a relocated ET_REL module) and, when installed, every 8th unit of
 * Debian's vmlinux (skipped visibly without it); and hand-made DWARF for
 * what it must refuse (DWR_UNSUPPORTED: the callers fall back to libdw). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "dwarf/die.h"
#include "symbolize/symfix.h"

#define FIX_DWARF4 SYMFIX_DIR "/fix_prog_dwarf4"
#define FIX_DWARF2 SYMFIX_DIR "/fix_prog_dwarf2"
#define FIX_DWARF64 SYMFIX_DIR "/fix_prog_dwarf64"

/* ------------------------------------------------------------------ */
/* The cursor                                                          */
/* ------------------------------------------------------------------ */

/* DWARF 5, 7.6 (Figures 3 and 4): examples of ULEB128 and SLEB128. */
static void test_leb128_spec_examples(void **state)
{
	(void)state;
	static const struct {
		unsigned char b[2];
		size_t n;
		uint64_t u;
	} ul[] = {{{0x02}, 1, 2},           {{0x7f}, 1, 127},   {{0x80, 0x01}, 2, 128},
		  {{0x81, 0x01}, 2, 129},   {{0x82, 0x01}, 2, 130}, {{0xb9, 0x64}, 2, 12857}};
	for (size_t i = 0; i < sizeof(ul) / sizeof(ul[0]); i++) {
		dwr_cur c = {ul[i].b, ul[i].b + ul[i].n, 0};
		assert_int_equal(dwr_uleb(&c), ul[i].u);
		assert_int_equal(c.bad, 0);
		assert_ptr_equal(c.p, ul[i].b + ul[i].n);
	}
	static const struct {
		unsigned char b[2];
		size_t n;
		int64_t s;
	} sl[] = {{{0x02}, 1, 2},         {{0x7e}, 1, -2},        {{0xff, 0x00}, 2, 127},
		  {{0x81, 0x7f}, 2, -127}, {{0x80, 0x01}, 2, 128},  {{0x80, 0x7f}, 2, -128},
		  {{0x81, 0x01}, 2, 129},  {{0xff, 0x7e}, 2, -129}};
	for (size_t i = 0; i < sizeof(sl) / sizeof(sl[0]); i++) {
		dwr_cur c = {sl[i].b, sl[i].b + sl[i].n, 0};
		assert_true(dwr_sleb(&c) == sl[i].s);
		assert_int_equal(c.bad, 0);
		assert_ptr_equal(c.p, sl[i].b + sl[i].n);
	}
	/* a 10-byte ULEB128 of 2^64 - 1 */
	unsigned char max[10];
	memset(max, 0xff, 9);
	max[9] = 0x01;
	dwr_cur c = {max, max + 10, 0};
	assert_true(dwr_uleb(&c) == UINT64_MAX);
	assert_int_equal(c.bad, 0);
}

static void test_cursor_bounds(void **state)
{
	(void)state;
	const unsigned char b[] = {0x80, 0x80, 'a', 'b', 0x34, 0x12, 0xff};
	/* a LEB128 that runs off the end */
	dwr_cur c = {b, b + 2, 0};
	assert_int_equal(dwr_uleb(&c), 0);
	assert_int_equal(c.bad, 1);
	/* little-endian fixed values; too few bytes */
	dwr_cur f = {b + 4, b + 6, 0};
	assert_int_equal(dwr_fixed(&f, 2), 0x1234);
	assert_int_equal(f.bad, 0);
	assert_int_equal(dwr_fixed(&f, 1), 0);
	assert_int_equal(f.bad, 1);
	/* a string without its NUL */
	dwr_cur s = {b + 2, b + 4, 0};
	assert_null(dwr_cstr(&s));
	assert_int_equal(s.bad, 1);
	/* skipping past the end */
	dwr_cur k = {b, b + 7, 0};
	dwr_skip(&k, 8);
	assert_int_equal(k.bad, 1);
	assert_ptr_equal(k.p, b + 7);
	/* strings of a string section: in range and terminated only */
	const unsigned char str[] = "abc\0de";
	dwr_sec sec = {str, 6}; /* "de" unterminated inside the section */
	assert_string_equal(dwr_sec_str(&sec, 0), "abc");
	assert_string_equal(dwr_sec_str(&sec, 1), "bc");
	assert_null(dwr_sec_str(&sec, 4));
	assert_null(dwr_sec_str(&sec, 6));
	dwr_sec none = {NULL, 0};
	assert_null(dwr_sec_str(&none, 0));
}

/* ------------------------------------------------------------------ */
/* Against libdw                                                       */
/* ------------------------------------------------------------------ */

struct dwf {
	Dwfl *dwfl;
	Dwarf *dw; /* dwfl's */
	dwr_sections sec;
};

static const Dwfl_Callbacks offline_cb = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* path through libdwfl as the symbolizer opens it (an ET_REL file comes
 * relocated), and the shared reader's sections of the same Elf. */
static void dwf_open(struct dwf *f, const char *path)
{
	f->dwfl = dwfl_begin(&offline_cb);
	assert_non_null(f->dwfl);
	Dwfl_Module *m = dwfl_report_offline(f->dwfl, "f", path, -1);
	assert_non_null(m);
	assert_int_equal(dwfl_report_end(f->dwfl, NULL, NULL), 0);
	Dwarf_Addr bias;
	f->dw = dwfl_module_getdwarf(m, &bias);
	assert_non_null(f->dw);
	assert_int_equal(dwr_sections_init(&f->sec, dwarf_getelf(f->dw)), 0);
	assert_non_null(f->sec.info.d);
	assert_non_null(f->sec.abbrev.d);
	assert_non_null(f->sec.line.d);
}

static void dwf_close(struct dwf *f)
{
	dwfl_end(f->dwfl);
}

struct counts {
	size_t units, abbrevs, dies, attrs, skipped_forms;
};

/* The unit's abbreviation table, entry by entry, as libdw reads it. */
static void abbrevs_vs_libdw(const dwr_sections *sec, const dwr_unit *u, Dwarf_Die *cudie,
			     struct counts *k)
{
	dwr_abbrevs t;
	memset(&t, 0, sizeof(t));
	assert_int_equal(dwr_abbrevs_load(&t, &sec->abbrev, u->abbrev_off, u), 0);
	size_t n = 0, rel = 0, len;
	Dwarf_Abbrev *a;
	while ((a = dwarf_getabbrev(cudie, rel, &len)) != NULL && a != DWARF_END_ABBREV) {
		unsigned code = dwarf_getabbrevcode(a);
		assert_true(code < t.ncodes);
		const dwr_abbrev *e = &t.by_code[code];
		assert_int_equal(e->known, 1);
		assert_int_equal(e->tag, dwarf_getabbrevtag(a));
		assert_int_equal(e->children, dwarf_abbrevhaschildren(a) ? 1 : 0);
		/* (not dwarf_getattrcnt: libdw 0.188 counts DW_FORM_implicit_const
		 * abbreviations wrong) */
		int pc = 0, sib = 0;
		unsigned name, form;
		Dwarf_Sword data;
		size_t i;
		for (i = 0; dwarf_getabbrevattr_data(a, i, &name, &form, &data, NULL) == 0; i++) {
			assert_true(i < e->nattr);
			const dwr_attrspec *s = &t.attr[e->first + i];
			assert_int_equal(s->name, name);
			assert_int_equal(s->form, form);
			if (form == DW_FORM_implicit_const)
				assert_true(t.implicit[s->imp] == data);
			pc |= name == DW_AT_low_pc || name == DW_AT_ranges;
			sib |= name == DW_AT_sibling;
		}
		assert_int_equal(i, e->nattr);
		assert_int_equal(e->has_pc, pc);
		assert_int_equal(e->has_sibling, sib);
		n++;
		rel += len;
	}
	assert_ptr_equal(a, DWARF_END_ABBREV);
	size_t known = 0;
	for (size_t c = 0; c < t.ncodes; c++)
		known += t.by_code[c].known;
	assert_int_equal(known, n);
	k->abbrevs += n;
	dwr_abbrevs_fini(&t);
}

/* Attributes collected from dwr_iter_attrs. */
struct got {
	uint32_t name[256], form[256];
	dwr_val v[256];
	size_t n;
};

static int collect(void *arg, uint32_t name, uint32_t form, const dwr_val *v)
{
	struct got *g = arg;
	assert_true(g->n < 256);
	g->name[g->n] = name;
	g->form[g->n] = form;
	g->v[g->n++] = *v;
	return 0;
}

struct libdw_attrs {
	Dwarf_Attribute a[256];
	size_t n;
};

static int libdw_collect(Dwarf_Attribute *a, void *arg)
{
	struct libdw_attrs *l = arg;
	assert_true(l->n < 256);
	l->a[l->n++] = *a;
	return DWARF_CB_OK;
}

/* The attributes of the iterator's current DIE against dwarf_getattrs:
 * same names and forms in the same order, and the same values. */
static void attrs_vs_libdw(dwr_iter *it, Dwarf_Die *die, struct counts *k)
{
	struct got g;
	g.n = 0;
	assert_int_equal(dwr_iter_attrs(it, collect, &g), 0);
	struct libdw_attrs l;
	l.n = 0;
	assert_int_equal(dwarf_getattrs(die, libdw_collect, &l, 0), 1);
	assert_int_equal(g.n, l.n);
	for (size_t i = 0; i < l.n; i++) {
		Dwarf_Attribute *a = &l.a[i];
		const dwr_val *v = &g.v[i];
		unsigned form = dwarf_whatform(a);
		assert_int_equal(g.name[i], dwarf_whatattr(a));
		/* libdw gives the real form of a DW_FORM_indirect */
		if (g.form[i] != DW_FORM_indirect)
			assert_int_equal(g.form[i], form);
		k->attrs++;
		if (!v->known) {
			k->skipped_forms++;
			continue;
		}
		Dwarf_Word w;
		Dwarf_Sword sw;
		Dwarf_Addr ad;
		Dwarf_Die r;
		bool flag;
		switch (form) {
		case DW_FORM_string:
		case DW_FORM_strp:
		case DW_FORM_line_strp: {
			const char *s = dwarf_formstring(a);
			assert_non_null(s);
			assert_non_null(v->s);
			assert_string_equal(v->s, s);
			break;
		}
		case DW_FORM_ref1: case DW_FORM_ref2: case DW_FORM_ref4: case DW_FORM_ref8:
		case DW_FORM_ref_udata: case DW_FORM_ref_addr:
			assert_int_equal(v->ref, 1);
			assert_non_null(dwarf_formref_die(a, &r));
			assert_int_equal(v->u, dwarf_dieoffset(&r));
			break;
		case DW_FORM_addr:
			assert_int_equal(dwarf_formaddr(a, &ad), 0);
			assert_int_equal(v->u, ad);
			break;
		case DW_FORM_flag:
		case DW_FORM_flag_present:
			assert_int_equal(dwarf_formflag(a, &flag), 0);
			assert_int_equal(v->u != 0, flag);
			break;
		case DW_FORM_sdata:
			assert_int_equal(dwarf_formsdata(a, &sw), 0);
			assert_true((int64_t)v->u == sw);
			break;
		case DW_FORM_implicit_const:
			assert_int_equal(dwarf_formsdata(a, &sw), 0);
			assert_true((int64_t)v->u == sw);
			break;
		case DW_FORM_loclistx:
		case DW_FORM_rnglistx:
			/* libdw turns the index into an offset: only a number */
			break;
		default:
			assert_int_equal(dwarf_formudata(a, &w), 0);
			assert_int_equal(v->u, w);
			break;
		}
		assert_int_equal(v->ref, form == DW_FORM_ref1 || form == DW_FORM_ref2 ||
						 form == DW_FORM_ref4 || form == DW_FORM_ref8 ||
						 form == DW_FORM_ref_udata || form == DW_FORM_ref_addr);
	}
}

/* One unit: header, abbreviations, the top-level DIEs in libdw's order
 * (dwarf_child / dwarf_siblingof) with the same tag, children and code
 * flags, and the attributes of the unit DIE and of every other DIE (the
 * others are skipped unread: both paths of the iterator). */
static void unit_vs_libdw(struct dwf *f, dwr_iter *it, Dwarf_Die *cudie, uint8_t unit_type,
			  struct counts *k)
{
	Dwarf_Off die_off = dwarf_dieoffset(cudie);
	Dwarf_Off off = die_off - dwarf_cuoffset(cudie), next, abbrev_off;
	size_t hsize;
	Dwarf_Half version;
	uint8_t asize, osize;
	assert_int_equal(dwarf_next_unit(f->dw, off, &next, &hsize, &version, &abbrev_off, &asize,
					 &osize, NULL, NULL),
			 0);
	dwr_unit u;
	assert_int_equal(dwr_unit_read(&f->sec, off, &u), 0);
	assert_int_equal(u.off, off);
	assert_int_equal(u.end, next);
	assert_int_equal(u.die_off, die_off);
	assert_int_equal(u.die_off, off + hsize);
	assert_int_equal(u.version, version);
	assert_int_equal(u.unit_type, unit_type);
	assert_int_equal(u.abbrev_off, abbrev_off);
	assert_int_equal(u.addr_size, asize);
	assert_int_equal(u.off_size, osize);
	k->units++;
	abbrevs_vs_libdw(&f->sec, &u, cudie, k);

	dwr_die d;
	assert_int_equal(dwr_iter_unit(it, &u, &d), 0);
	assert_int_equal(d.off, die_off);
	assert_int_equal(d.ab->tag, dwarf_tag(cudie));
	attrs_vs_libdw(it, cudie, k);
	Dwarf_Die c;
	size_t i = 0;
	if (dwarf_child(cudie, &c) == 0) {
		do {
			assert_int_equal(dwr_iter_next(it, &d), 1);
			assert_int_equal(d.off, dwarf_dieoffset(&c));
			assert_int_equal(d.ab->tag, dwarf_tag(&c));
			assert_int_equal(d.ab->children, dwarf_haschildren(&c) ? 1 : 0);
			assert_int_equal(d.ab->has_pc, dwarf_hasattr(&c, DW_AT_low_pc) ||
							       dwarf_hasattr(&c, DW_AT_ranges));
			if (i++ % 2 == 1)
				attrs_vs_libdw(it, &c, k);
			k->dies++;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	assert_int_equal(dwr_iter_next(it, &d), 0);
	assert_int_equal(dwr_iter_next(it, &d), 0);
}

/* Every step-th compile unit of path (or all when step is 1). */
static void file_vs_libdw(const char *path, size_t step, unsigned want_version,
			  unsigned want_off_size)
{
	struct dwf f;
	dwf_open(&f, path);
	dwr_iter it;
	dwr_iter_init(&it, &f.sec);
	struct counts k = {0, 0, 0, 0, 0};
	Dwarf_CU *cu = NULL, *next;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie;
	size_t i = 0;
	while (dwarf_get_units(f.dw, cu, &next, &version, &unit_type, &cudie, NULL) == 0) {
		cu = next;
		if (i++ % step != 0)
			continue;
		if (want_version)
			assert_int_equal(version, want_version);
		unit_vs_libdw(&f, &it, &cudie, unit_type, &k);
		if (want_off_size)
			assert_int_equal(it.u.off_size, want_off_size);
	}
	dwr_iter_fini(&it);
	fprintf(stderr,
		"%s: %zu units, %zu abbreviations, %zu top-level DIEs, %zu attributes as "
		"libdw reads them (%zu in forms whose value is skipped)\n",
		path, k.units, k.abbrevs, k.dies, k.attrs, k.skipped_forms);
	assert_true(k.units > 0);
	assert_true(k.dies > 0);
	assert_true(k.attrs > k.dies);
	dwf_close(&f);
}

static void test_fixtures_vs_libdw(void **state)
{
	(void)state;
	file_vs_libdw(FIX_PROG, 1, 5, 4);
	file_vs_libdw(FIX_DWARF4, 1, 4, 4);
	file_vs_libdw(FIX_DWARF2, 1, 2, 4);
	file_vs_libdw(FIX_DWARF64, 1, 5, 8);
	file_vs_libdw(FIX_MOD, 1, 0, 0); /* ET_REL, relocated by libdwfl */
}

static void test_vmlinux_vs_libdw(void **state)
{
	(void)state;
	if (!file_exists(SYMFIX_VMLINUX)) {
		fprintf(stderr, "skipped: the shared DWARF reader vs libdw over the Debian vmlinux "
				"because %s is not installed\n", SYMFIX_VMLINUX);
		skip();
	}
	file_vs_libdw(SYMFIX_VMLINUX, 8, 5, 4);
}

static void test_sections(void **state)
{
	(void)state;
	/* no DWARF: no sections, not an error */
	elf_version(EV_CURRENT);
	int fd = open(FIX_NODEBUG, O_RDONLY);
	assert_true(fd >= 0);
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	assert_non_null(e);
	dwr_sections s;
	assert_int_equal(dwr_sections_init(&s, e), 0);
	assert_null(s.info.d);
	assert_null(s.abbrev.d);
	elf_end(e);
	close(fd);
	/* not an ELF file */
	assert_int_equal(dwr_sections_init(&s, NULL), DWR_UNSUPPORTED);
}

/* ------------------------------------------------------------------ */
/* Hand-made DWARF                                                     */
/* ------------------------------------------------------------------ */

/* .debug_abbrev of the hand-made units:
 *  1 compile_unit, children: name string
 *  2 subprogram, no children: name string, low_pc addr
 *  3 structure_type, children: sibling ref4, name string
 *  4 member, no children: name string
 *  5 variable, no children: name, form 0x7f (no such form)
 *  6 variable, no children: name indirect */
static const unsigned char abbrev[] = {
	1, DW_TAG_compile_unit, DW_CHILDREN_yes, DW_AT_name, DW_FORM_string, 0, 0,
	2, DW_TAG_subprogram, DW_CHILDREN_no, DW_AT_name, DW_FORM_string,
	DW_AT_low_pc, DW_FORM_addr, 0, 0,
	3, DW_TAG_structure_type, DW_CHILDREN_yes, DW_AT_sibling, DW_FORM_ref4,
	DW_AT_name, DW_FORM_string, 0, 0,
	4, DW_TAG_member, DW_CHILDREN_no, DW_AT_name, DW_FORM_string, 0, 0,
	5, DW_TAG_variable, DW_CHILDREN_no, DW_AT_name, 0x7f, 0, 0,
	6, DW_TAG_variable, DW_CHILDREN_no, DW_AT_name, DW_FORM_indirect, 0, 0,
	0,
};

struct unit_buf {
	unsigned char b[256];
	size_t n;
};

static void put(struct unit_buf *u, const void *p, size_t n)
{
	assert_true(u->n + n <= sizeof(u->b));
	memcpy(u->b + u->n, p, n);
	u->n += n;
}

static void put1(struct unit_buf *u, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(u, &c, 1);
}

static void set4(struct unit_buf *u, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		u->b[at + (size_t)i] = (unsigned char)(v >> (8 * i));
}

static void put4(struct unit_buf *u, uint32_t v)
{
	put(u, "\0\0\0", 4);
	set4(u, u->n - 4, v);
}

/* A DWARF 4 unit header (length patched by unit_end). */
static void unit_begin(struct unit_buf *u, unsigned version)
{
	u->n = 0;
	put4(u, 0);
	put1(u, version & 0xff);
	put1(u, version >> 8);
	put4(u, 0); /* abbrev offset */
	put1(u, 8); /* address size */
	put1(u, 1); /* the unit DIE */
	put(u, "cu", 3);
}

static void unit_end(struct unit_buf *u)
{
	set4(u, 0, (uint32_t)(u->n - 4));
}

static int first_name(void *arg, uint32_t name, uint32_t form, const dwr_val *v)
{
	(void)form;
	if (name == DW_AT_name)
		*(const char **)arg = v->s;
	return 0;
}

static int stop_at_name(void *arg, uint32_t name, uint32_t form, const dwr_val *v)
{
	(void)arg;
	(void)form;
	(void)v;
	return name == DW_AT_name ? 42 : 0;
}

/* Open u and return the iterator on its unit DIE. */
static void open_unit(struct unit_buf *u, dwr_sections *s, dwr_iter *it)
{
	memset(s, 0, sizeof(*s));
	s->info.d = u->b;
	s->info.n = u->n;
	s->abbrev.d = abbrev;
	s->abbrev.n = sizeof(abbrev);
	dwr_unit un;
	assert_int_equal(dwr_unit_read(s, 0, &un), 0);
	assert_int_equal(un.end, u->n);
	dwr_iter_init(it, s);
	dwr_die d;
	assert_int_equal(dwr_iter_unit(it, &un, &d), 0);
	assert_int_equal(d.ab->tag, DW_TAG_compile_unit);
}

static void test_handmade(void **state)
{
	(void)state;
	struct unit_buf u;
	dwr_sections s;
	dwr_iter it;
	dwr_die d;
	const char *name;

	/* a structure skipped by its DW_AT_sibling (its children are garbage:
	 * code 9 is not defined), a function, an indirect form, end */
	unit_begin(&u, 4);
	size_t st = u.n;
	put1(&u, 3);
	size_t sib_at = u.n;
	put4(&u, 0);
	put(&u, "s", 2);
	put1(&u, 9);
	put1(&u, 9);
	uint32_t sib = (uint32_t)u.n;
	set4(&u, sib_at, sib);
	put1(&u, 2);
	put(&u, "f", 2);
	put(&u, "\x10\x20\x30\x40\x50\x60\x70\x80", 8);
	put1(&u, 6);
	put1(&u, DW_FORM_string);
	put(&u, "v", 2);
	put1(&u, 0);
	unit_end(&u);
	open_unit(&u, &s, &it);
	name = NULL;
	assert_int_equal(dwr_iter_attrs(&it, first_name, &name), 0);
	assert_string_equal(name, "cu");
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	assert_int_equal(d.off, st);
	assert_int_equal(d.ab->tag, DW_TAG_structure_type);
	assert_int_equal(d.ab->fixed, DWR_VARIABLE);
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	assert_int_equal(d.off, sib);
	assert_int_equal(d.ab->tag, DW_TAG_subprogram);
	assert_int_equal(d.ab->has_pc, 1);
	struct got g;
	g.n = 0;
	assert_int_equal(dwr_iter_attrs(&it, collect, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.v[0].s, "f");
	assert_int_equal(g.form[1], DW_FORM_addr);
	assert_true(g.v[1].u == 0x8070605040302010ull);
	assert_int_equal(g.v[1].known, 1);
	assert_int_equal(dwr_iter_attrs(&it, collect, &g), DWR_UNSUPPORTED); /* read once */
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	name = NULL;
	assert_int_equal(dwr_iter_attrs(&it, first_name, &name), 0);
	assert_string_equal(name, "v");
	assert_int_equal(dwr_iter_next(&it, &d), 0);
	dwr_iter_fini(&it);

	/* the same without the terminating null entry: tolerated */
	u.n--;
	unit_end(&u);
	open_unit(&u, &s, &it);
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	assert_int_equal(dwr_iter_next(&it, &d), 0);
	dwr_iter_fini(&it);

	/* a DW_AT_sibling that points back: refused */
	u.n++;
	unit_end(&u);
	set4(&u, sib_at, (uint32_t)st);
	open_unit(&u, &s, &it);
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	assert_int_equal(dwr_iter_next(&it, &d), DWR_UNSUPPORTED);
	assert_int_equal(dwr_iter_next(&it, &d), DWR_UNSUPPORTED);
	dwr_iter_fini(&it);

	/* a form the reader does not know: the DIE is returned (its code is
	 * known), reading or skipping its attributes is refused */
	unit_begin(&u, 4);
	put1(&u, 5);
	put(&u, "x", 2);
	put1(&u, 0);
	unit_end(&u);
	open_unit(&u, &s, &it);
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	assert_int_equal(d.ab->tag, DW_TAG_variable);
	assert_int_equal(dwr_iter_next(&it, &d), DWR_UNSUPPORTED);
	dwr_iter_fini(&it);
	open_unit(&u, &s, &it);
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	g.n = 0;
	assert_int_equal(dwr_iter_attrs(&it, collect, &g), DWR_UNSUPPORTED);
	dwr_iter_fini(&it);

	/* an undefined abbreviation code */
	unit_begin(&u, 4);
	put1(&u, 7);
	put1(&u, 0);
	unit_end(&u);
	open_unit(&u, &s, &it);
	assert_int_equal(dwr_iter_next(&it, &d), DWR_UNSUPPORTED);
	dwr_iter_fini(&it);

	/* a callback's non-zero return stops the walk of the unit */
	unit_begin(&u, 4);
	put1(&u, 4);
	put(&u, "m", 2);
	put1(&u, 0);
	unit_end(&u);
	open_unit(&u, &s, &it);
	assert_int_equal(dwr_iter_next(&it, &d), 1);
	assert_int_equal(dwr_iter_attrs(&it, stop_at_name, NULL), 42);
	assert_int_equal(dwr_iter_next(&it, &d), DWR_UNSUPPORTED);
	dwr_iter_fini(&it);

	/* unit headers it refuses: version 6, version 1, a length past the
	 * section, the 64-bit escape's reserved neighbours */
	dwr_unit un;
	unit_begin(&u, 6);
	put1(&u, 0);
	unit_end(&u);
	memset(&s, 0, sizeof(s));
	s.info.d = u.b;
	s.info.n = u.n;
	s.abbrev.d = abbrev;
	s.abbrev.n = sizeof(abbrev);
	assert_int_equal(dwr_unit_read(&s, 0, &un), DWR_UNSUPPORTED);
	u.b[4] = 1;
	assert_int_equal(dwr_unit_read(&s, 0, &un), DWR_UNSUPPORTED);
	u.b[4] = 4;
	assert_int_equal(dwr_unit_read(&s, 0, &un), 0);
	s.info.n = u.n - 1;
	assert_int_equal(dwr_unit_read(&s, 0, &un), DWR_UNSUPPORTED);
	s.info.n = u.n;
	memcpy(u.b, "\xf0\xff\xff\xff", 4);
	assert_int_equal(dwr_unit_read(&s, 0, &un), DWR_UNSUPPORTED);
	assert_int_equal(dwr_unit_read(&s, u.n, &un), DWR_UNSUPPORTED);

	/* abbreviation tables it refuses: a duplicate code, a huge code */
	const unsigned char dup[] = {1, DW_TAG_variable, 0, 0, 0, 1, DW_TAG_member, 0, 0, 0, 0};
	const unsigned char huge[] = {0x80, 0x80, 0x04, DW_TAG_variable, 0, 0, 0, 0};
	dwr_sec ds = {dup, sizeof(dup)}, hs = {huge, sizeof(huge)};
	dwr_abbrevs t;
	memset(&t, 0, sizeof(t));
	un.addr_size = 8;
	un.off_size = 4;
	un.version = 4;
	assert_int_equal(dwr_abbrevs_load(&t, &ds, 0, &un), DWR_UNSUPPORTED);
	assert_int_equal(dwr_abbrevs_load(&t, &hs, 0, &un), DWR_UNSUPPORTED);
	assert_int_equal(dwr_abbrevs_load(&t, &ds, 5, &un), 0); /* the second alone */
	assert_int_equal(t.by_code[1].tag, DW_TAG_member);
	dwr_abbrevs_fini(&t);
	dwr_abbrevs_fini(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leb128_spec_examples),
		cmocka_unit_test(test_cursor_bounds),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_handmade),
		cmocka_unit_test(test_fixtures_vs_libdw),
		cmocka_unit_test(test_vmlinux_vs_libdw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
