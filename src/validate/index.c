/* The name index of a kernel build: the function symbols of vmlinux and of
 * every module (ELF .symtab), and the top-level DW_TAG_subprogram DIEs of
 * vmlinux (names, DW_AT_inline, out-of-line copies). Built once per
 * session; inlined copies (DW_TAG_inlined_subroutine) are looked up on
 * demand in the units that declare the function, and module DWARF is opened
 * on demand. Strings point into the mapped ELF files; nothing is copied. */
#include "validate/validate_int.h"

#include <stdbool.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dwarf.h>

#include "symbolize/image.h"
#include "validate/dwarf_top.h"

uint32_t vx_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

size_t vx_base_len(const char *name)
{
	const char *dot = strchr(name, '.');
	return dot && dot != name ? (size_t)(dot - name) : strlen(name);
}

static int map_init(vx_map *m, size_t n)
{
	size_t nb = 64;
	while (nb < n * 2)
		nb <<= 1;
	m->heads = malloc(nb * sizeof(uint32_t));
	if (!m->heads)
		return CRASHSIG_ENOMEM;
	memset(m->heads, 0xff, nb * sizeof(uint32_t));
	m->mask = nb - 1;
	return 0;
}

uint32_t vx_sym_first(const crashsig_index *ix, const char *name, size_t n)
{
	if (!ix->symmap.heads)
		return VX_NONE;
	uint32_t i = ix->symmap.heads[vx_hash(name, n) & ix->symmap.mask];
	while (i != VX_NONE) {
		const vx_sym *s = &ix->syms[i];
		if (s->blen == n && !memcmp(s->name, name, n))
			return i;
		i = s->next;
	}
	return VX_NONE;
}

uint32_t vx_fn_first(const crashsig_index *ix, const char *name, size_t n)
{
	if (!ix->fnmap.heads)
		return VX_NONE;
	uint32_t i = ix->fnmap.heads[vx_hash(name, n) & ix->fnmap.mask];
	while (i != VX_NONE) {
		const vx_fn *f = &ix->fns[i];
		if (!strncmp(f->name, name, n) && !f->name[n])
			return i;
		i = f->next;
	}
	return VX_NONE;
}

/* ------------------------------------------------------------------ */
/* ELF symbol tables                                                   */
/* ------------------------------------------------------------------ */

int vx_add_symtab(crashsig_index *ix, Elf *elf, uint32_t mod)
{
	size_t shnum;
	if (elf_getshdrnum(elf, &shnum))
		return CRASHSIG_EFORMAT;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize)
			continue;
		size_t n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 1; i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(d, (int)i, &sym))
				continue;
			int type = GELF_ST_TYPE(sym.st_info);
			if (type != STT_FUNC && type != STT_NOTYPE)
				continue;
			if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
				continue;
			if (type == STT_NOTYPE) {
				/* Labels of assembly code count as functions
				 * the way nm's t/T do. */
				GElf_Shdr tsh;
				Elf_Scn *ts = elf_getscn(elf, sym.st_shndx);
				if (!ts || !gelf_getshdr(ts, &tsh) ||
				    !(tsh.sh_flags & SHF_EXECINSTR))
					continue;
			}
			const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !name[0] || (name[0] == '.' && name[1] == 'L'))
				continue;
			if (mod && (!strcmp(name, "init_module") ||
				    !strcmp(name, "cleanup_module")))
				continue;
			if (cs_reserve((void **)&ix->syms, &ix->capsyms, ix->nsyms + 1,
				       sizeof(vx_sym)))
				return CRASHSIG_ENOMEM;
			vx_sym *s = &ix->syms[ix->nsyms++];
			s->name = name;
			s->addr = sym.st_value;
			s->size = sym.st_size;
			s->mod = mod;
			s->blen = (uint16_t)vx_base_len(name);
			s->local = GELF_ST_BIND(sym.st_info) == STB_LOCAL;
			s->next = VX_NONE;
		}
	}
	return 0;
}

static int cmp_addr(const void *a, const void *b, void *arg)
{
	const vx_sym *s = arg;
	uint64_t x = s[*(const uint32_t *)a].addr, y = s[*(const uint32_t *)b].addr;
	if (x != y)
		return x < y ? -1 : 1;
	/* Prefer global names at the same address (what kallsyms prints is
	 * the first one; a size breaks ties). */
	uint64_t sx = s[*(const uint32_t *)a].size, sy = s[*(const uint32_t *)b].size;
	return sx > sy ? -1 : sx < sy;
}

const vx_sym *vx_sym_at(const crashsig_index *ix, uint64_t addr)
{
	size_t lo = 0, hi = ix->nbyaddr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->syms[ix->byaddr[mid]].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* The last symbol starting at or before addr that covers it. */
	while (lo > 0) {
		const vx_sym *s = &ix->syms[ix->byaddr[lo - 1]];
		if (addr < s->addr + (s->size ? s->size : 1))
			return s;
		if (s->size)
			return NULL;
		lo--;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* DWARF                                                               */
/* ------------------------------------------------------------------ */

typedef struct die_attrs {
	const char *name;
	uint64_t origin;
	int has_origin;
	int inl;
	int code, decl, ext;
} die_attrs;

static int attr_cb(Dwarf_Attribute *a, void *arg)
{
	die_attrs *st = arg;
	Dwarf_Die d;
	Dwarf_Word w;
	switch (dwarf_whatattr(a)) {
	case DW_AT_name:
		st->name = dwarf_formstring(a);
		break;
	case DW_AT_abstract_origin:
	case DW_AT_specification:
		if (dwarf_formref_die(a, &d)) {
			st->origin = dwarf_dieoffset(&d);
			st->has_origin = 1;
		}
		break;
	case DW_AT_inline:
		if (!dwarf_formudata(a, &w))
			st->inl = (int)w;
		break;
	case DW_AT_low_pc:
	case DW_AT_ranges:
		st->code = 1;
		break;
	case DW_AT_declaration:
	case DW_AT_external: {
		bool f = false;
		if (!dwarf_formflag(a, &f)) {
			if (dwarf_whatattr(a) == DW_AT_declaration)
				st->decl = f;
			else
				st->ext = f;
		}
		break;
	}
	default:
		break;
	}
	return DWARF_CB_OK;
}

typedef struct origin_ref {
	uint64_t origin;
	int code;
} origin_ref;

static int cmp_fn_off(const void *a, const void *b)
{
	uint64_t x = ((const vx_fn *)a)->off, y = ((const vx_fn *)b)->off;
	return x < y ? -1 : x > y;
}

static vx_fn *fn_by_off(crashsig_index *ix, uint64_t off)
{
	size_t lo = 0, hi = ix->nfns;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->fns[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->nfns && ix->fns[lo].off == off ? &ix->fns[lo] : NULL;
}

typedef struct walk_state {
	crashsig_index *ix;
	origin_ref *refs;
	size_t nrefs, caprefs;
} walk_state;

static int ws_unit(void *arg, uint64_t die_off, const char *name)
{
	walk_state *ws = arg;
	crashsig_index *ix = ws->ix;
	if (cs_reserve((void **)&ix->cus, &ix->capcus, ix->ncus + 1, sizeof(vx_cu)))
		return CRASHSIG_ENOMEM;
	ix->cus[ix->ncus].off = die_off;
	ix->cus[ix->ncus++].name = name;
	return 0;
}

static int ws_sub(void *arg, const vx_top_sub *a)
{
	walk_state *ws = arg;
	crashsig_index *ix = ws->ix;
	if (a->has_origin) {
		if (cs_reserve((void **)&ws->refs, &ws->caprefs, ws->nrefs + 1, sizeof(origin_ref)))
			return CRASHSIG_ENOMEM;
		ws->refs[ws->nrefs].origin = a->origin;
		ws->refs[ws->nrefs++].code = a->code;
	}
	if (!a->name)
		return 0;
	if (cs_reserve((void **)&ix->fns, &ix->capfns, ix->nfns + 1, sizeof(vx_fn)))
		return CRASHSIG_ENOMEM;
	vx_fn *f = &ix->fns[ix->nfns++];
	f->name = a->name;
	f->off = a->off;
	f->cu = (uint32_t)(ix->ncus - 1);
	f->next = VX_NONE;
	f->inl = (uint8_t)a->inl;
	f->flags = (uint8_t)((a->code ? VX_FN_CODE : 0) | (a->decl ? VX_FN_DECL : 0) |
			     (a->ext ? VX_FN_EXTERNAL : 0));
	return 0;
}

/* The same walk with libdw: the fallback and the reference. */
static int walk_libdw(walk_state *ws)
{
	crashsig_index *ix = ws->ix;
	Dwarf_Off off = 0, next;
	size_t hsize;
	int rc = 0;
	while (!rc && dwarf_next_unit(ix->dw, off, &next, &hsize, NULL, NULL, NULL, NULL, NULL,
				      NULL) == 0) {
		Dwarf_Die cudie;
		if (!dwarf_offdie(ix->dw, off + hsize, &cudie)) {
			off = next;
			continue;
		}
		off = next;
		if ((rc = ws_unit(ws, dwarf_dieoffset(&cudie), dwarf_diename(&cudie))))
			break;
		Dwarf_Die die;
		if (dwarf_child(&cudie, &die) != 0)
			continue;
		do {
			if (dwarf_tag(&die) != DW_TAG_subprogram)
				continue;
			die_attrs a = {0};
			dwarf_getattrs(&die, attr_cb, &a, 0);
			vx_top_sub t = {dwarf_dieoffset(&die), a.name, a.origin, a.has_origin,
					a.inl, a.code, a.decl, a.ext};
			if ((rc = ws_sub(ws, &t)))
				break;
		} while (dwarf_siblingof(&die, &die) == 0);
	}
	return rc;
}

static int walk_dwarf(crashsig_index *ix, int libdw_only)
{
	walk_state ws = {ix, NULL, 0, 0};
	int rc = libdw_only ? VX_TOP_UNSUPPORTED : vx_top_walk(ix->elf, ws_unit, ws_sub, &ws);
	ix->dies_own = rc != VX_TOP_UNSUPPORTED;
	if (rc == VX_TOP_UNSUPPORTED) {
		ix->nfns = ix->ncus = 0;
		ws.nrefs = 0;
		rc = walk_libdw(&ws);
	}
	if (!rc) {
		/* DIE offsets grow with the walk, so fns is already sorted;
		 * keep the check cheap and robust anyway. */
		for (size_t i = 1; i < ix->nfns; i++)
			if (ix->fns[i - 1].off > ix->fns[i].off) {
				qsort(ix->fns, ix->nfns, sizeof(vx_fn), cmp_fn_off);
				break;
			}
		for (size_t i = 0; i < ws.nrefs; i++) {
			if (!ws.refs[i].code)
				continue;
			vx_fn *f = fn_by_off(ix, ws.refs[i].origin);
			if (f)
				f->flags |= VX_FN_OOL;
		}
		rc = map_init(&ix->fnmap, ix->nfns);
		for (size_t i = 0; !rc && i < ix->nfns; i++) {
			vx_fn *f = &ix->fns[i];
			uint32_t h = vx_hash(f->name, strlen(f->name)) & ix->fnmap.mask;
			f->next = ix->fnmap.heads[h];
			ix->fnmap.heads[h] = (uint32_t)i;
		}
	}
	free(ws.refs);
	return rc;
}

typedef struct walk_job {
	crashsig_index *ix;
	int libdw_only;
	int rc;
} walk_job;

static void *walk_thread(void *arg)
{
	walk_job *j = arg;
	j->rc = walk_dwarf(j->ix, j->libdw_only);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* __bug_table                                                         */
/* ------------------------------------------------------------------ */

static int cmp_bug(const void *a, const void *b);

/* The bytes at a vmlinux address (in an allocated PROGBITS section). */
static const char *vm_bytes(crashsig_index *ix, uint64_t addr, size_t *avail)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(ix->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) ||
		    sh.sh_type != SHT_PROGBITS)
			continue;
		if (addr < sh.sh_addr || addr >= sh.sh_addr + sh.sh_size)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || addr - sh.sh_addr >= d->d_size)
			return NULL;
		*avail = d->d_size - (addr - sh.sh_addr);
		return (const char *)d->d_buf + (addr - sh.sh_addr);
	}
	return NULL;
}

/* The x86-64 6.1 layout with CONFIG_GENERIC_BUG_RELATIVE_POINTERS and
 * CONFIG_DEBUG_BUGVERBOSE (include/asm-generic/bug.h, struct bug_entry):
 *   s32 bug_addr_disp; s32 file_disp; u16 line; u16 flags;
 * both displacements relative to the field's own address. BUGFLAG_WARNING
 * is bit 0. */
int vx_bugs_load(crashsig_index *ix)
{
	if (ix->bugs_loaded)
		return 0;
	ix->bugs_loaded = 1;
	size_t shstrndx;
	if (elf_getshdrstrndx(ix->elf, &shstrndx))
		return 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(ix->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *nm = elf_strptr(ix->elf, shstrndx, sh.sh_name);
		if (!nm || strcmp(nm, "__bug_table") || sh.sh_type != SHT_PROGBITS)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return 0;
		size_t n = d->d_size / 12;
		ix->bugs = calloc(n ? n : 1, sizeof(vx_bug));
		if (!ix->bugs)
			return CRASHSIG_ENOMEM;
		const unsigned char *p = d->d_buf;
		for (size_t i = 0; i < n; i++, p += 12) {
			int32_t adisp, fdisp;
			uint16_t line, flags;
			memcpy(&adisp, p, 4);
			memcpy(&fdisp, p + 4, 4);
			memcpy(&line, p + 8, 2);
			memcpy(&flags, p + 10, 2);
			uint64_t at = sh.sh_addr + i * 12;
			vx_bug *b = &ix->bugs[ix->nbugs++];
			b->addr = at + (uint64_t)(int64_t)adisp;
			b->line = line;
			b->flags = flags;
			size_t avail = 0;
			const char *f = vm_bytes(ix, at + 4 + (uint64_t)(int64_t)fdisp, &avail);
			b->file = f && memchr(f, 0, avail < 4096 ? avail : 4096) ? f : NULL;
		}
		qsort(ix->bugs, ix->nbugs, sizeof(vx_bug), cmp_bug);
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Inlined copies                                                      */
/* ------------------------------------------------------------------ */

static int cmp_bug(const void *a, const void *b)
{
	uint64_t x = ((const vx_bug *)a)->addr, y = ((const vx_bug *)b)->addr;
	return x < y ? -1 : x > y;
}

int vx_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int in_set(const uint64_t *set, size_t n, uint64_t v)
{
	return bsearch(&v, set, n, sizeof(*set), vx_cmp_u64) != NULL;
}

/* Walk the code-bearing DIEs below die (subprograms, lexical blocks,
 * inlined subroutines), calling cb for inlined copies of set members. */
void vx_walk_inlines(Dwarf_Die *top, Dwarf_Die *parent, const uint64_t *set,
			 size_t nset, vx_holder_cb cb, void *arg, int depth)
{
	Dwarf_Die die;
	if (depth > 64 || dwarf_child(parent, &die) != 0)
		return;
	do {
		int tag = dwarf_tag(&die);
		if (tag == DW_TAG_inlined_subroutine) {
			Dwarf_Attribute at;
			Dwarf_Die org;
			if (dwarf_attr(&die, DW_AT_abstract_origin, &at) &&
			    dwarf_formref_die(&at, &org) &&
			    in_set(set, nset, dwarf_dieoffset(&org)))
				cb(arg, top, &die);
			vx_walk_inlines(top, &die, set, nset, cb, arg, depth + 1);
		} else if (tag == DW_TAG_lexical_block) {
			vx_walk_inlines(top, &die, set, nset, cb, arg, depth + 1);
		}
	} while (dwarf_siblingof(&die, &die) == 0);
}

int vx_holders(crashsig_index *ix, const char *name, vx_holder_cb cb, void *arg)
{
	if (!ix->dw)
		return 0;
	uint64_t *set = NULL;
	size_t nset = 0, cap = 0;
	uint32_t *cus = NULL;
	size_t ncus = 0, capc = 0;
	for (uint32_t i = vx_fn_first(ix, name, strlen(name)); i != VX_NONE;
	     i = ix->fns[i].next) {
		if (strcmp(ix->fns[i].name, name))
			continue;
		if (cs_reserve((void **)&set, &cap, nset + 1, sizeof(*set)) ||
		    cs_reserve((void **)&cus, &capc, ncus + 1, sizeof(*cus))) {
			free(set);
			free(cus);
			return CRASHSIG_ENOMEM;
		}
		set[nset++] = ix->fns[i].off;
		if (!ncus || cus[ncus - 1] != ix->fns[i].cu)
			cus[ncus++] = ix->fns[i].cu;
	}
	if (nset)
		qsort(set, nset, sizeof(*set), vx_cmp_u64);
	for (size_t c = 0; c < ncus; c++) {
		Dwarf_Die cudie, die;
		if (!dwarf_offdie(ix->dw, ix->cus[cus[c]].off, &cudie) ||
		    dwarf_child(&cudie, &die) != 0)
			continue;
		do {
			if (dwarf_tag(&die) != DW_TAG_subprogram || (!dwarf_hasattr(&die, DW_AT_low_pc) &&
			    !dwarf_hasattr(&die, DW_AT_ranges)))
				continue;
			vx_walk_inlines(&die, &die, set, nset, cb, arg, 0);
		} while (dwarf_siblingof(&die, &die) == 0);
	}
	free(set);
	free(cus);
	return 0;
}

const char *vx_die_display_name(crashsig_index *ix, Dwarf_Die *die)
{
	Dwarf_Addr lo;
	if (dwarf_lowpc(die, &lo) == 0) {
		const vx_sym *s = vx_sym_at(ix, lo);
		if (s && s->addr == lo)
			return s->name;
	} else {
		Dwarf_Addr base, start, end;
		if (dwarf_ranges(die, 0, &base, &start, &end) > 0) {
			const vx_sym *s = vx_sym_at(ix, start);
			if (s && s->addr == start)
				return s->name;
		}
	}
	Dwarf_Attribute at;
	Dwarf_Die org;
	const char *n = dwarf_diename(die);
	if (!n && dwarf_attr_integrate(die, DW_AT_name, &at))
		n = dwarf_formstring(&at);
	if (!n && dwarf_attr(die, DW_AT_abstract_origin, &at) && dwarf_formref_die(&at, &org))
		n = dwarf_diename(&org);
	return n ? n : "??";
}

/* ------------------------------------------------------------------ */
/* Build                                                               */
/* ------------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

CS_EXPORT int crashsig_index_new(crashsig_index **out, crashsig_ctx *ctx,
				 const crashsig_index_options *opts)
{
	if (!out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (!opts || !opts->vmlinux)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL, "no vmlinux given");
	if (opts->version != CRASHSIG_INDEX_OPTIONS_VERSION)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL,
				    "index options version %u not supported", opts->version);
	double t0 = now_s();
	elf_version(EV_CURRENT);
	crashsig_index *ix = calloc(1, sizeof(*ix));
	if (!ix)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	ix->ctx = ctx;
	/* The loader shared with the symbolizer: the same checks (ELF, 64-bit
	 * x86-64 or AArch64, not truncated, a symbol table, a kernel image and
	 * not a module) and the same messages. */
	cs_image img;
	int rc = cs_image_open(&img, ctx, opts->vmlinux, CS_IMAGE_VMLINUX, 0);
	ix->fd = img.fd;
	ix->elf = img.elf;
	ix->machine = img.machine;
	if (rc)
		goto fail;
	if ((rc = vx_add_symtab(ix, ix->elf, 0)))
		goto nomem;
	ix->nvmsyms = ix->nsyms;
	if (!ix->nvmsyms) {
		rc = cs_ctx_error(ctx, CRASHSIG_EFORMAT,
				  "%s: no function symbols in its symbol table", opts->vmlinux);
		goto fail;
	}
	ix->dw = dwarf_begin_elf(ix->elf, DWARF_C_READ, NULL);
	/* The DIE walk of vmlinux (fns, cus) runs in a second thread while
	 * this one reads the module symbol tables (syms, mods): the two touch
	 * different members and different ELF handles. */
	walk_job job = {ix, (opts->flags & CRASHSIG_INDEX_LIBDW_ONLY) != 0, 0};
	pthread_t th;
	int threaded = 0;
	if (ix->dw) {
		if (!pthread_create(&th, NULL, walk_thread, &job))
			threaded = 1;
		else
			job.rc = walk_dwarf(ix, job.libdw_only);
	}

	/* Modules. */
	char *defdir = NULL;
	const char *mdir = opts->modules_dir;
	if (!mdir) {
		const char *b = strrchr(opts->vmlinux, '/');
		b = b ? b + 1 : opts->vmlinux;
		if (!strncmp(b, "vmlinux-", 8) && b[8]) {
			size_t n = strlen(b + 8);
			defdir = malloc(n + 64);
			if (defdir) {
				snprintf(defdir, n + 64, "/usr/lib/debug/lib/modules/%s", b + 8);
				struct stat st;
				if (!stat(defdir, &st) && S_ISDIR(st.st_mode))
					mdir = defdir;
			} else {
				rc = CRASHSIG_ENOMEM;
			}
		}
	}
	if (!rc && mdir && mdir[0])
		rc = vx_scan_modules(ix, mdir);
	free(defdir);
	/* a module named by the caller must load: its problem is an error */
	for (size_t i = 0; !rc && i < opts->nextra_modules; i++)
		rc = vx_add_module(ix, opts->extra_modules[i], 1);
	if (threaded)
		pthread_join(th, NULL);
	if (rc == CRASHSIG_ENOMEM || job.rc)
		goto nomem;
	if (rc)
		goto fail;

	if ((rc = map_init(&ix->symmap, ix->nsyms)))
		goto nomem;
	/* Insert in reverse so that each chain lists vmlinux first. */
	for (size_t i = ix->nsyms; i-- > 0;) {
		vx_sym *s = &ix->syms[i];
		uint32_t h = vx_hash(s->name, s->blen) & ix->symmap.mask;
		s->next = ix->symmap.heads[h];
		ix->symmap.heads[h] = (uint32_t)i;
	}
	ix->byaddr = malloc((ix->nvmsyms ? ix->nvmsyms : 1) * sizeof(uint32_t));
	if (!ix->byaddr)
		goto nomem;
	for (size_t i = 0; i < ix->nvmsyms; i++)
		ix->byaddr[i] = (uint32_t)i;
	ix->nbyaddr = ix->nvmsyms;
	qsort_r(ix->byaddr, ix->nbyaddr, sizeof(uint32_t), cmp_addr, ix->syms);
	ix->build_seconds = now_s() - t0;
	*out = ix;
	return 0;
nomem:
	if (rc == CRASHSIG_ENOMEM || !rc)
		rc = cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
fail:
	crashsig_index_free(ix);
	return rc;
}

CS_EXPORT void crashsig_index_free(crashsig_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->nmods; i++) {
		vx_mod *m = &ix->mods[i];
		if (m->dwfl)
			dwfl_end(m->dwfl);
		if (m->elf)
			elf_end(m->elf);
		free(m->name);
		free(m->path);
	}
	free(ix->mods);
	for (size_t i = 0; i < ix->nproblems; i++)
		free(ix->problems[i]);
	free(ix->problems);
	if (ix->dw)
		dwarf_end(ix->dw);
	if (ix->elf)
		elf_end(ix->elf);
	if (ix->fd >= 0)
		close(ix->fd);
	free(ix->syms);
	free(ix->symmap.heads);
	free(ix->byaddr);
	free(ix->fns);
	free(ix->fnmap.heads);
	free(ix->cus);
	free(ix->bugs);
	free(ix->sorted_names);
	free(ix->modsyms_sorted);
	free(ix);
}

CS_EXPORT const char *crashsig_index_module_problem(const crashsig_index *ix, size_t i)
{
	return ix && i < ix->nproblems ? ix->problems[i] : NULL;
}

CS_EXPORT void crashsig_index_stats_get(const crashsig_index *ix, crashsig_index_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!ix)
		return;
	st->vmlinux_symbols = ix->nvmsyms;
	st->module_symbols = ix->nsyms - ix->nvmsyms;
	st->modules = ix->nmods;
	st->subprograms = ix->nfns;
	st->units = ix->ncus;
	st->bug_entries = ix->nbugs;
	st->build_seconds = ix->build_seconds;
}
