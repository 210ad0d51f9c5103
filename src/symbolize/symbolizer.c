/* In-process symbolization of kernel frames with elfutils libdw.
 *
 * One offline Dwfl session holds vmlinux and every module loaded on demand
 * (found by name or build id; .ko.xz/.ko.gz are opened by libdwfl, .ko.zst
 * is decompressed here into a memfd). ET_REL modules are laid out by
 * libdwfl's offline section placement, so symbol values (relative to their
 * own section, .text or .text.unlikely) and DWARF addresses agree.
 *
 * Per binary we keep a kallsyms-like symbol table: text symbols sorted by
 * address, size = distance to the next symbol (capped at the section end),
 * and a name index whose chains let "/0xsize" choose among static functions
 * of the same name. Per DWARF CU (found through .debug_aranges by
 * dwfl_module_addrdie) a table of its top-level subprogram ranges is built
 * lazily; a lookup then walks only the DIE subtree of one function to
 * collect the inline chain, innermost first, with the call sites
 * (DW_AT_call_file/line) as the locations of the outer levels.
 *
 * Speed: the hot paths use crashsig's own DWARF reader (src/dwarf/), which
 * gives exactly what libdw gives (checked CU by CU against the Debian
 * vmlinux, and by tests): the line-table decoder (lines_parse, on its
 * cursor), the top-level DIE walk (own_walk, on its DIE iterator) and, for
 * vmlinux, whole lookups (own_chain: the unit from .debug_aranges as
 * libdwfl finds it, the inline chain and its names). All fall back to
 * libdw for anything they do not know, and the option flag
 * CRASHSIG_SYMBOLIZE_LIBDW_ONLY (crashsig symbolize --libdw-only) turns
 * them off. libdw interns every CU header before the first unit it looks
 * up; before that first libdw lookup, mod_prefault touches the headers
 * so that it does not map ~100 MB of .debug_info through fault-around (a
 * report's lookups on vmlinux need no libdw lookup: no header read). */
#include "crashsig/symbolize.h"

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/util.h"
#include "symbolize/image.h"
#include "symbolize/symbolize_int.h"

/* ------------------------------------------------------------------ */
/* Open / close                                                        */
/* ------------------------------------------------------------------ */

/* libdw interns every CU header in file order the first time any CU is
 * looked up (dwarf_getaranges / dwarf_offdie). Each header read is a page
 * fault on the file mapping, and the kernel maps up to 64 KiB around every
 * read fault ("fault-around"), so on a 160 MiB .debug_info the RSS grows by
 * ~100 MiB for a single lookup. libdwfl maps the file MAP_PRIVATE and
 * writable: touching each header page with an atomic add of 0 takes a
 * write (copy-on-write) fault of exactly one page instead, and the bytes
 * do not change. */
/* Also validates the unit lengths: returns 1 + the offset of the first
 * unit that runs past the end of .debug_info, or 0 when all fit. With
 * touch == 0 it only validates; max: units looked at at most.
 * crashsig's own readers (m->own_cu) find a unit through .debug_aranges
 * and read only it: this runs only before libdw's first unit lookup. */
static uint64_t prefault_cu_headers(Elf *elf, int touch, size_t max)
{
	size_t fsz = 0, shstr;
	char *base = elf_rawfile(elf, &fsz);
	if (!base || elf_getshdrstrndx(elf, &shstr) != 0)
		return 0;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh) || (sh.sh_flags & SHF_COMPRESSED))
			continue;
		const char *n = elf_strptr(elf, shstr, sh.sh_name);
		if (n && strcmp(n, ".debug_info") == 0)
			break;
	}
	if (!scn || sh.sh_type == SHT_NOBITS || sh.sh_offset > fsz ||
	    sh.sh_size > fsz - sh.sh_offset)
		return 0;
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t mask = ~(uintptr_t)((pg > 0 ? pg : 4096) - 1);
	unsigned char *p = (unsigned char *)base + sh.sh_offset;
	uint64_t off = 0, size = sh.sh_size;
	uintptr_t last = 0;
	for (size_t u = 0; u < max && off + 24 <= size; u++) {
		for (int k = 0; k < 2; k++) {
			uintptr_t a = (uintptr_t)(p + off + (k ? 23 : 0)) & mask;
			if (touch && a != last) {
				__atomic_fetch_add((unsigned char *)a, 0, __ATOMIC_RELAXED);
				last = a;
			}
		}
		uint32_t l32;
		memcpy(&l32, p + off, 4);
		uint64_t len = l32, hdr = 4;
		if (l32 == 0xffffffffu) {
			memcpy(&len, p + off + 4, 8);
			hdr = 12;
		} else if (l32 >= 0xfffffff0u) {
			return off + 1;
		}
		if (len > size - off - hdr)
			return off + 1;
		off += hdr + len;
	}
	return 0;
}

static int little_endian_elf(Elf *elf)
{
	GElf_Ehdr eh;
	return elf && gelf_getehdr(elf, &eh) && eh.e_ident[EI_DATA] ==
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		ELFDATA2LSB
#else
		ELFDATA2MSB
#endif
		;
}

int mod_prefault(struct mod *m)
{
	m->prefault = 0;
	uint64_t bad = m->dw ? prefault_cu_headers(dwarf_getelf(m->dw), 1, SIZE_MAX) : 0;
	if (bad) {
		m->dw_bad = 1;
		m->dw_bad_off = bad - 1;
		return -1;
	}
	return 0;
}

static int elf_has_section(Dwfl_Module *dm, const char *name)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(dm, &bias);
	size_t shstr;
	if (!elf || elf_getshdrstrndx(elf, &shstr) != 0)
		return 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *n;
		if (gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS &&
		    (n = elf_strptr(elf, shstr, sh.sh_name)) && strcmp(n, name) == 0)
			return 1;
	}
	return 0;
}

CS_EXPORT int crashsig_symbolizer_new(crashsig_symbolizer **out,
				      crashsig_ctx *ctx,
				      const crashsig_symbolize_options *opts)
{
	if (!out)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL, "symbolizer: out is NULL");
	*out = NULL;
	if (!opts || opts->version != CRASHSIG_SYMBOLIZE_OPTIONS_VERSION ||
	    !opts->vmlinux)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL,
				    "symbolizer: bad options (version or vmlinux missing)");
	crashsig_symbolizer *s = calloc(1, sizeof(*s));
	if (!s)
		return cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
	s->ctx = ctx;
	s->kaslr = s->kaslr_default = opts->kaslr_offset;
	s->flags = opts->flags;
	int rc = 0;
	if ((opts->modules_dir && !(s->modules_dir = strdup(opts->modules_dir))) ||
	    (opts->strip_prefix && !(s->strip_prefix = strdup(opts->strip_prefix))) ||
	    !(s->vmlinux_path = strdup(opts->vmlinux))) {
		rc = cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
		goto fail;
	}
	if (!s->modules_dir) {
		/* Debian layout: /usr/lib/debug/boot/vmlinux-REL ->
		 * /usr/lib/debug/lib/modules/REL */
		const char *b = strrchr(opts->vmlinux, '/');
		b = b ? b + 1 : opts->vmlinux;
		if (strncmp(b, "vmlinux-", 8) == 0 && b[8]) {
			char dir[512];
			struct stat st;
			snprintf(dir, sizeof(dir), "/usr/lib/debug/lib/modules/%.400s", b + 8);
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
			    !(s->modules_dir = strdup(dir))) {
				rc = cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
				goto fail;
			}
		}
	}
	/* the loader shared with validate: the same checks and messages */
	cs_image img;
	if ((rc = cs_image_open(&img, ctx, opts->vmlinux, CS_IMAGE_VMLINUX, 0)) != 0)
		goto fail;
	s->machine = img.machine;
	int vfd = cs_image_dup_fd(&img);
	cs_image_close(&img);
	if (vfd < 0) {
		rc = cs_ctx_error(ctx, CRASHSIG_EIO, "%s: %s", opts->vmlinux, strerror(errno));
		goto fail;
	}
	s->cb.find_elf = dwfl_build_id_find_elf;
	s->cb.find_debuginfo = dwfl_standard_find_debuginfo;
	s->cb.section_address = dwfl_offline_section_address;
	s->debuginfo_path = NULL;
	s->cb.debuginfo_path = &s->debuginfo_path;
	s->dwfl = dwfl_begin(&s->cb);
	if (!s->dwfl) {
		close(vfd);
		rc = cs_ctx_error(ctx, CRASHSIG_ENOMEM, "dwfl_begin: %s", dwfl_errmsg(-1));
		goto fail;
	}
	dwfl_report_begin(s->dwfl);
	/* dwfl takes ownership of vfd */
	Dwfl_Module *dm = dwfl_report_offline(s->dwfl, "kernel", opts->vmlinux, vfd);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (!dm) {
		close(vfd); /* dwfl owns it only on success */
		rc = cs_ctx_error(ctx, CRASHSIG_EFORMAT, "%s: %s", opts->vmlinux,
				  dwfl_errmsg(-1));
		goto fail;
	}
	s->vmlinux.dm = dm;
	{
		GElf_Addr bias;
		Elf *elf = dwfl_module_getelf(dm, &bias);
		GElf_Ehdr eh;
		s->vmlinux.is_rel = elf && gelf_getehdr(elf, &eh) && eh.e_type == ET_REL;
	}
	s->vmlinux.dw = dwfl_module_getdwarf(dm, &s->vmlinux.dwbias);
	if (s->vmlinux.dw) {
		Elf *delf = dwarf_getelf(s->vmlinux.dw);
		if (little_endian_elf(delf)) {
			/* the first unit here; the others when libdw first
			 * looks one up (mod_prefault), if it ever does */
			s->vmlinux.prefault = 1;
			uint64_t bad = prefault_cu_headers(delf, 0, 1);
			if (bad) {
				rc = cs_ctx_error(ctx, CRASHSIG_EFORMAT,
						  "%s: truncated or corrupt DWARF: the unit at "
						  ".debug_info+0x%llx runs past the section end",
						  opts->vmlinux, (unsigned long long)(bad - 1));
				goto fail;
			}
		}
		/* Check that the DWARF is readable: the first CU header. */
		Dwarf_Off noff;
		size_t hsize;
		if (dwarf_nextcu(s->vmlinux.dw, 0, &noff, &hsize, NULL, NULL, NULL) != 0) {
			rc = cs_ctx_error(ctx, CRASHSIG_EFORMAT,
					  "%s: DWARF is unreadable: %s", opts->vmlinux,
					  dwarf_errmsg(-1));
			goto fail;
		}
		s->has_dwarf = 1;
	} else if (elf_has_section(s->vmlinux.dm, ".debug_info")) {
		rc = cs_ctx_error(ctx, CRASHSIG_EFORMAT,
				  "%s: has .debug_info but its DWARF is unreadable "
				  "(truncated or corrupt): %s",
				  opts->vmlinux, dwfl_errmsg(-1));
		goto fail;
	}
	if (!(s->flags & CRASHSIG_SYMBOLIZE_LIBDW_ONLY)) {
		mod_init_lines(&s->vmlinux);
		if ((rc = mod_init_own_cu(&s->vmlinux)) != 0) {
			rc = cs_ctx_error(ctx, rc, "out of memory");
			goto fail;
		}
	}
	if ((rc = mod_load_syms(s, &s->vmlinux)) != 0)
		goto fail;
	*out = s;
	return 0;
fail:
	crashsig_symbolizer_free(s);
	return rc;
}

static void mod_free(struct mod *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cucap; i++) {
		free(m->cus[i].r);
		lines_free(&m->cus[i].lines);
		own_walk_free(&m->cus[i]);
	}
	free(m->cus);
	free(m->syms);
	free(m->htab);
	free(m->name);
	dwr_aranges_fini(&m->ar);
}

CS_EXPORT void crashsig_symbolizer_free(crashsig_symbolizer *s)
{
	if (!s)
		return;
	mod_free(&s->vmlinux);
	for (size_t i = 0; i < s->nmods; i++) {
		mod_free(s->mods[i]);
		free(s->mods[i]);
	}
	free(s->mods);
	for (size_t i = 0; i < s->nmissing; i++) {
		free(s->missing[i]);
		free(s->missing_why[i]);
	}
	free(s->missing_why);
	free(s->missing);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].path);
	free(s->files);
	if (s->dwfl)
		dwfl_end(s->dwfl);
	free(s->debuginfo_path);
	free(s->modules_dir);
	free(s->strip_prefix);
	free(s->vmlinux_path);
	free(s->problem);
	free(s->locs);
	free(s->lo);
	cs_buf_free(&s->strs);
	free(s->scratch);
	cs_buf_free(&s->pscratch);
	free(s);
}

CS_EXPORT int crashsig_symbolizer_has_dwarf(const crashsig_symbolizer *s)
{
	return s ? s->has_dwarf : 0;
}

CS_EXPORT void crashsig_symbolizer_set_kaslr_offset(crashsig_symbolizer *s,
						    uint64_t offset)
{
	if (s)
		s->kaslr = offset;
}

CS_EXPORT const char *crashsig_symbolizer_modules_dir(const crashsig_symbolizer *s)
{
	return s ? s->modules_dir : NULL;
}

CS_EXPORT const char *crashsig_symbolizer_missing_module(const crashsig_symbolizer *s,
							  size_t i)
{
	return s && i < s->nmissing ? s->missing[i] : NULL;
}

CS_EXPORT const char *crashsig_symbolizer_missing_module_problem(const crashsig_symbolizer *s,
								  size_t i)
{
	return s && i < s->nmissing ? s->missing_why[i] : NULL;
}

CS_EXPORT const char *crashsig_symbolizer_problem(const crashsig_symbolizer *s)
{
	return s ? s->problem : NULL;
}

CS_EXPORT void crashsig_symbolizer_stats(const crashsig_symbolizer *s,
					 crashsig_symbolize_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (s)
		*st = s->stats;
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */
/* ------------------------------------------------------------------ */

static void res_reset(crashsig_symbolizer *s)
{
	memset(&s->res, 0, sizeof(s->res));
	s->nlocs = 0;
	cs_buf_clear(&s->strs);
	s->note[0] = 0;
}

/* Fix up string pointers after the arena is complete. */
static int res_finish(crashsig_symbolizer *s, size_t modoff,
		      size_t symoff)
{
	const char *base = s->strs.data;
	for (size_t i = 0; i < s->nlocs; i++) {
		s->locs[i].func = base + s->lo[i].func;
		s->locs[i].file = s->lo[i].file == SIZE_MAX ? NULL : base + s->lo[i].file;
	}
	s->res.locs = s->nlocs ? s->locs : NULL;
	s->res.nlocs = s->nlocs;
	s->res.module = modoff == SIZE_MAX ? NULL : base + modoff;
	s->res.symbol = symoff == SIZE_MAX ? NULL : base + symoff;
	s->res.note = s->note[0] ? s->note : NULL;
	s->stats.frames++;
	if (s->res.status & CRASHSIG_SYM_MISMATCH)
		s->stats.mismatched++;
	else if (s->res.status & CRASHSIG_SYM_HAS_LINE)
		s->stats.resolved++;
	else
		s->stats.unresolved++;
	return 1;
}

/* Core: resolve in module m (NULL: not found) either by name (func,
 * offset, size or size==0 when unknown) or by address. */
static int resolve(crashsig_symbolizer *s, const char *modname, struct mod *m,
		   const char *func, uint64_t off, uint64_t size, int has_size,
		   int by_addr, uint64_t addr, int is_ret, const crashsig_symres **out)
{
	res_reset(s);
	size_t modoff = SIZE_MAX, symoff = SIZE_MAX;
	if (modname && !res_str(s, modname, &modoff))
		return CRASHSIG_ENOMEM;
	if (!m) {
		s->res.status = CRASHSIG_SYM_NO_MODULE;
		const char *why = module_problem(s, modname);
		if (why)
			snprintf(s->note, sizeof(s->note), "module %s: %s", modname, why);
		else
			snprintf(s->note, sizeof(s->note), "module %s not found", modname);
		*out = &s->res;
		return res_finish(s, modoff, symoff);
	}
	const struct sym *sy = NULL;
	if (!by_addr) {
		uint32_t i = sym_by_name(m, func);
		if (i == UINT32_MAX) {
			s->res.status = CRASHSIG_SYM_UNKNOWN | CRASHSIG_SYM_MISMATCH;
			snprintf(s->note, sizeof(s->note), "mismatch: no symbol %.100s", func);
			*out = &s->res;
			return res_finish(s, modoff, symoff);
		}
		sy = &m->syms[i];
		if (has_size) {
			for (uint32_t j = i; j != UINT32_MAX; j = m->syms[j].next_same)
				if (m->syms[j].size == size) {
					sy = &m->syms[j];
					break;
				}
		}
		addr = sy->addr + off;
		if (has_size && sy->size != size)
			snprintf(s->note, sizeof(s->note), "mismatch: size 0x%llx != 0x%llx",
				 (unsigned long long)size, (unsigned long long)sy->size);
		else if (off > sy->size)
			snprintf(s->note, sizeof(s->note),
				 "mismatch: offset 0x%llx past end 0x%llx",
				 (unsigned long long)off, (unsigned long long)sy->size);
	} else {
		sy = sym_by_addr(m, addr);
		if (!sy) {
			s->res.status = CRASHSIG_SYM_UNKNOWN;
			snprintf(s->note, sizeof(s->note), "no symbol at 0x%llx",
				 (unsigned long long)addr);
		} else {
			off = addr - sy->addr;
		}
	}
	uint64_t lookup = addr;
	if (is_ret && !(sy && off == 0))
		lookup = addr - 1;
	s->res.addr = addr;
	s->res.lookup = lookup;
	if (sy) {
		s->res.status |= CRASHSIG_SYM_RESOLVED;
		s->res.sym_offset = off;
		s->res.sym_size = sy->size;
		if (!res_str(s, sy->name, &symoff))
			return CRASHSIG_ENOMEM;
	}
	if (s->note[0] && !by_addr) {
		s->res.status |= CRASHSIG_SYM_MISMATCH;
	} else if (!m->dw) {
		s->res.status |= CRASHSIG_SYM_NO_DEBUG;
	} else if (sy || by_addr) {
		int r = dwarf_chain(s, m, lookup, sy ? sy->name : NULL);
		if (r < 0) {
			return cs_ctx_error(s->ctx, r, "out of memory");
		}
		if (r > 0)
			s->res.status |= CRASHSIG_SYM_HAS_LINE;
	}
	*out = &s->res;
	res_finish(s, modoff, symoff);
	return 1;
}

static int build_id_matches(struct mod *m, const char *hex)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n = dwfl_module_build_id(m->dm, &bits, &vaddr);
	if (n <= 0)
		return 1; /* nothing to compare with */
	size_t hl = strlen(hex);
	if (hl != (size_t)n * 2)
		return 0;
	for (int i = 0; i < n; i++) {
		int hi = cs_hexval((unsigned char)hex[2 * i]);
		int lo = cs_hexval((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0 || (unsigned)(hi * 16 + lo) != bits[i])
			return 0;
	}
	return 1;
}

CS_EXPORT int crashsig_symbolizer_frame(crashsig_symbolizer *s,
					const crashsig_frame *f, int is_ip,
					const crashsig_symres **res)
{
	if (!s || !f || !res)
		return CRASHSIG_EINVAL;
	*res = NULL;
	int ip = is_ip || (f->flags & CRASHSIG_FRAME_IP);
	struct mod *m = &s->vmlinux;
	if (f->module && *f->module) {
		m = find_module(s, f->module, f->build_id);
		if (m && f->build_id && *f->build_id && !build_id_matches(m, f->build_id)) {
			res_reset(s);
			size_t modoff = SIZE_MAX;
			if (!res_str(s, f->module, &modoff))
				return CRASHSIG_ENOMEM;
			s->res.status = CRASHSIG_SYM_MISMATCH;
			snprintf(s->note, sizeof(s->note), "mismatch: build id of %.64s differs",
				 f->module);
			*res = &s->res;
			return res_finish(s, modoff, SIZE_MAX);
		}
	}
	if (f->func && *f->func && (f->flags & CRASHSIG_FRAME_HAS_OFFSET)) {
		return resolve(s, f->module, m, f->func, f->offset, f->size,
			       (f->flags & CRASHSIG_FRAME_HAS_SIZE) && f->size, 0, 0,
			       !ip, res);
	}
	if (f->flags & CRASHSIG_FRAME_HAS_ADDR) {
		if (f->module && *f->module)
			return 0; /* module load address unknown */
		if (f->addr < 0xffff000000000000ull)
			return 0; /* user space (RIP: 0033:0x47b7a0) */
		return resolve(s, NULL, m, NULL, 0, 0, 0, 1, f->addr - s->kaslr, !ip,
			       res);
	}
	return 0;
}

CS_EXPORT int crashsig_symbolizer_lookup(crashsig_symbolizer *s,
					 const char *spec, size_t len,
					 const crashsig_symres **res)
{
	if (!s || !spec || !res)
		return CRASHSIG_EINVAL;
	*res = NULL;
	while (len && cs_isspace((unsigned char)spec[0]))
		spec++, len--;
	while (len && cs_isspace((unsigned char)spec[len - 1]))
		len--;
	if (!len)
		return 0;
	char buf[512];
	if (len >= sizeof(buf))
		return cs_ctx_error(s->ctx, CRASHSIG_EINVAL, "address spec too long");
	memcpy(buf, spec, len);
	buf[len] = 0;
	char *modname = NULL, *p = buf;
	char *colon = strchr(buf, ':');
	if (colon) {
		*colon = 0;
		modname = buf;
		p = colon + 1;
	}
	struct mod *m = modname ? find_module(s, modname, NULL) : &s->vmlinux;
	char *plus = strchr(p, '+');
	if (plus) {
		*plus = 0;
		uint64_t off = 0, size = 0;
		const char *o = plus + 1;
		size_t n = cs_parse_hex(o, strlen(o), &off);
		if (!n)
			return cs_ctx_error(s->ctx, CRASHSIG_EINVAL, "bad offset in '%s'", o);
		int has_size = 0;
		if (o[n] == '/') {
			size_t k = cs_parse_hex(o + n + 1, strlen(o + n + 1), &size);
			has_size = k > 0;
			n += 1 + k;
		}
		if (o[n])
			return cs_ctx_error(s->ctx, CRASHSIG_EINVAL, "bad address '%s'", o);
		return resolve(s, modname, m, p, off, size, has_size, 0, 0, 0, res);
	}
	uint64_t a = 0;
	size_t n = cs_parse_hex(p, strlen(p), &a);
	if (!n || p[n])
		return cs_ctx_error(s->ctx, CRASHSIG_EINVAL, "bad address '%s'", p);
	if (m && modname)
		a += m->text_base;
	return resolve(s, modname, m, NULL, 0, 0, 0, 1, a, 0, res);
}
