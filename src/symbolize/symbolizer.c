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
 * Speed: two hot paths have small built-in readers that give exactly what
 * libdw gives (checked CU by CU against the Debian vmlinux, and by a test):
 * the line-table decoder (lines_parse) and the top-level DIE walker
 * (own_walk). Both fall back to libdw for anything they do not know, and
 * CRASHSIG_SYMBOLIZE_LIBDW_ONLY turns them off. libdw interns every CU
 * header on first use; prefault_cu_headers keeps that from mapping ~100 MB
 * of .debug_info through fault-around. */
#include "crashsig/symbolize.h"

#include <dirent.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "base/ctx.h"
#include "base/util.h"

struct sym {
	uint64_t addr;
	uint64_t size; /* kallsyms-style */
	const char *name; /* points into the ELF string table (dwfl owned) */
	uint32_t next_same; /* next index with the same name, UINT32_MAX */
	uint32_t hash;      /* hash_str(name) */
	uint8_t rank;       /* preference among aliases: lower is better */
};

struct frange {
	uint64_t lo, hi; /* DWARF addresses (unbiased) */
	Dwarf_Die die;
};

/* Top-level subprogram ranges of one CU, collected lazily: the walk over
 * the CU's top-level DIEs stops at the function that contains the address
 * asked for and resumes from there on the next miss; once complete, the
 * table is sorted and searched by bisection. */
struct lrow {
	uint64_t addr;
	uint32_t line;
	uint16_t file;
	uint16_t col_end; /* column << 1 | end_sequence */
};

/* Decoded line table of one CU (see lines_parse). */
struct cu_lines {
	struct lrow *rows; /* sorted as libdw sorts them */
	size_t n;
	char **files; /* indexed like DW_AT_call_file / the file register */
	size_t nfiles;
};

struct cu_funcs {
	Dwarf_Off off;
	struct frange *r;
	size_t n, cap;
	Dwarf_Die next; /* next top-level DIE to visit (state 1) */
	int state;      /* 0: not started, 1: walking, 2: complete, sorted */
	int lines_state; /* 0: not parsed, 1: ok, -1: use libdw */
	struct cu_lines lines;
	int walker;        /* 0: undecided, 1: own DIE walker, -1: libdw */
	uint64_t next_pos; /* own walker: .debug_info offset of next DIE */
	struct abbrevs *ab; /* own walker: the CU's abbreviations (owned) */
};

struct secdata {
	const unsigned char *d;
	size_t n;
};

struct mod {
	char *name; /* NULL for vmlinux; owned */
	Dwfl_Module *dm;
	Dwarf *dw;   /* owned by dwfl; NULL when no DWARF */
	Dwarf_Addr dwbias;
	int is_rel;
	uint64_t text_base; /* address of .text (module-relative addresses) */
	struct sym *syms;   /* owned, sorted by addr */
	size_t nsyms;
	uint32_t *htab; /* owned; name hash -> first sym index */
	size_t hcap;
	struct cu_funcs *cus; /* owned; open addressing by CU offset */
	size_t cucap, cun;
	/* raw .debug_line / .debug_line_str / .debug_str (dwfl owned; for
	 * ET_REL already relocated by libdwfl); own_lines == 0: use libdw */
	struct secdata dl, dls, ds;
	int own_lines;
	/* raw .debug_info / .debug_abbrev for the top-level DIE walker */
	struct secdata di, da;
	int own_walk;
};

struct modfile {
	char *name; /* normalized ('-' -> '_'), owned */
	char *path; /* owned */
};

struct locoff {
	size_t func, file; /* offsets in s->strs, SIZE_MAX: none */
};

struct crashsig_symbolizer {
	crashsig_ctx *ctx; /* borrowed */
	Dwfl *dwfl;        /* owned */
	Dwfl_Callbacks cb;
	char *debuginfo_path; /* owned (cb points at it) */
	struct mod vmlinux;
	struct mod **mods; /* owned, loaded modules */
	size_t nmods;
	char **missing; /* owned names of modules not found */
	size_t nmissing;
	char *modules_dir;  /* owned */
	char *strip_prefix; /* owned */
	struct modfile *files; /* index of modules_dir, built lazily */
	size_t nfiles;
	int files_indexed;
	uint64_t kaslr;
	uint64_t kaslr_default; /* from the options */
	unsigned int flags;     /* from the options */
	int has_dwarf;
	crashsig_symbolize_stats stats;
	/* Result storage (valid until the next lookup). */
	crashsig_symres res;
	crashsig_symloc *locs;
	struct locoff *lo; /* string offsets of locs while building */
	size_t nlocs, caplocs;
	cs_buf strs;       /* string arena for the current result */
	char note[160];
	char *scratch;     /* frame parse buffer */
	size_t scratchlen;
};

/* ------------------------------------------------------------------ */
/* Paths                                                               */
/* ------------------------------------------------------------------ */

static const char *const kernel_top_dirs[] = {
	"arch", "block", "certs", "crypto", "drivers", "fs", "include", "init",
	"io_uring", "ipc", "kernel", "lib", "mm", "net", "rust", "samples",
	"scripts", "security", "sound", "tools", "usr", "virt", NULL};

static int is_top_dir(const char *c, size_t n)
{
	for (size_t i = 0; kernel_top_dirs[i]; i++)
		if (strlen(kernel_top_dirs[i]) == n &&
		    memcmp(kernel_top_dirs[i], c, n) == 0)
			return 1;
	return 0;
}

static const char *memmem_s(const char *h, size_t hl, const char *n)
{
	return memmem(h, hl, n, strlen(n));
}

CS_EXPORT size_t crashsig_symbolize_path(const char *path,
					 const char *strip_prefix, char *buf,
					 size_t buflen)
{
	const char *p = path ? path : "";
	size_t n = strlen(p);
	if (strip_prefix && *strip_prefix &&
	    strncmp(p, strip_prefix, strlen(strip_prefix)) == 0) {
		p += strlen(strip_prefix);
		while (*p == '/')
			p++;
		n = strlen(p);
	}
	const char *q = memmem_s(p, n, "/build/reproducible-path/");
	if (q) {
		q += strlen("/build/reproducible-path/");
		const char *sl = strchr(q, '/');
		if (sl) {
			p = sl + 1;
			n = strlen(p);
		}
	}
	/* debian/build/build_<flavour>/ component, anywhere. */
	for (const char *s = p; (s = memmem_s(s, strlen(s), "debian/build/build_"));
	     s++) {
		if (s == p || s[-1] == '/') {
			const char *sl = strchr(s + strlen("debian/build/build_"), '/');
			if (sl) {
				p = sl + 1;
				n = strlen(p);
			}
			break;
		}
	}
	/* Generic: absolute path of a kernel tree (some "linux" or "build"
	 * directory before a known top-level directory). */
	if (p[0] == '/') {
		const char *c = p + 1;
		while (*c) {
			const char *e = strchr(c, '/');
			if (!e)
				break;
			size_t clen = (size_t)(e - c);
			size_t pre = (size_t)(c - p);
			if (is_top_dir(c, clen) &&
			    (memmem_s(p, pre, "linux") || memmem_s(p, pre, "build"))) {
				p = c;
				n = strlen(p);
				break;
			}
			c = e + 1;
		}
	}
	if (buflen) {
		size_t m = n < buflen - 1 ? n : buflen - 1;
		memcpy(buf, p, m);
		buf[m] = 0;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Symbol table                                                        */
/* ------------------------------------------------------------------ */

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* Stable LSD radix sort by address (16-bit digits over addr - min): the
 * kernel has >100k text symbols and qsort was the top of the profile. */
static int sort_syms(struct mod *m)
{
	size_t n = m->nsyms;
	if (n < 2)
		return 0;
	uint64_t lo = UINT64_MAX, hi = 0;
	int sorted = 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t a = m->syms[i].addr;
		lo = a < lo ? a : lo;
		hi = a > hi ? a : hi;
		if (i && a < m->syms[i - 1].addr)
			sorted = 0;
	}
	if (sorted)
		return 0;
	struct sym *tmp = malloc(n * sizeof(*tmp));
	size_t *cnt = malloc(65536 * sizeof(size_t));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return CRASHSIG_ENOMEM;
	}
	struct sym *src = m->syms, *dst = tmp;
	uint64_t range = hi - lo;
	for (unsigned shift = 0; shift < 64 && (shift == 0 || (range >> shift) != 0);
	     shift += 16) {
		memset(cnt, 0, 65536 * sizeof(size_t));
		for (size_t i = 0; i < n; i++)
			cnt[((src[i].addr - lo) >> shift) & 0xffff]++;
		size_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[((src[i].addr - lo) >> shift) & 0xffff]++] = src[i];
		struct sym *t = src;
		src = dst;
		dst = t;
	}
	if (src != m->syms)
		memcpy(m->syms, src, n * sizeof(*src));
	free(tmp);
	free(cnt);
	return 0;
}

struct secinfo {
	uint64_t start, end;
	int exec; /* -1 unknown yet */
};

static void sym_push(struct mod *m, struct secinfo *si, const char *name,
		     uint64_t addr, int type, int bind, uint64_t st_size)
{
	struct sym *o = &m->syms[m->nsyms++];
	o->addr = addr;
	o->size = si->end; /* temporarily: section end */
	o->name = name;
	o->next_same = UINT32_MAX;
	/* among aliases prefer (like addr2line, then kallsyms) a sized
	 * symbol, a function, fewer leading underscores, global */
	unsigned us = 0;
	while (name[us] == '_' && us < 7)
		us++;
	o->rank = (uint8_t)((st_size ? 0 : 32) + (type == STT_FUNC ? 0 : 16) + us * 2 +
			    (bind == STB_LOCAL ? 1 : 0));
}

/* Section info for shndx, computed on first use. */
static struct secinfo *sec_get(Elf *elf, struct secinfo *sec, size_t shndx,
			       uint64_t base_if_rel, int is_rel, uint64_t bias)
{
	struct secinfo *si = &sec[shndx];
	if (si->exec < 0) {
		GElf_Shdr sh;
		Elf_Scn *scn = elf_getscn(elf, shndx);
		if (!scn || !gelf_getshdr(scn, &sh)) {
			si->exec = 0;
		} else {
			si->exec = (sh.sh_flags & SHF_EXECINSTR) != 0;
			uint64_t base = is_rel ? base_if_rel : sh.sh_addr + bias;
			si->start = base;
			si->end = base + sh.sh_size;
		}
	}
	return si;
}

/* Fast path for a 64-bit ET_EXEC with its own .symtab (vmlinux): read the
 * Elf64_Sym array directly; names are only touched for text symbols.
 * Returns 1 when done, 0 to use the dwfl path, < 0 on ENOMEM. */
static int load_syms_direct(struct mod *m, Elf *elf, struct secinfo *sec, size_t nsec,
			    uint64_t bias)
{
	if (m->is_rel || gelf_getclass(elf) != ELFCLASS64)
		return 0;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	while ((scn = elf_nextscn(elf, scn)) != NULL)
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			break;
	if (!scn)
		return 0;
	Elf_Data *d = elf_getdata(scn, NULL);
	Elf_Scn *strscn = elf_getscn(elf, sh.sh_link);
	Elf_Data *sd = strscn ? elf_getdata(strscn, NULL) : NULL;
	if (!d || !sd || d->d_type != ELF_T_SYM || !d->d_buf || !sd->d_buf)
		return 0;
	const Elf64_Sym *es = d->d_buf;
	size_t cnt = d->d_size / sizeof(Elf64_Sym);
	const char *strs = sd->d_buf;
	size_t strn = sd->d_size;
	m->syms = malloc(sizeof(struct sym) * (cnt ? cnt : 1));
	if (!m->syms)
		return CRASHSIG_ENOMEM;
	m->nsyms = 0;
	for (size_t i = 1; i < cnt; i++) {
		int t = ELF64_ST_TYPE(es[i].st_info);
		if (t != STT_FUNC && t != STT_NOTYPE)
			continue;
		size_t shndx = es[i].st_shndx;
		if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE || shndx >= nsec)
			continue;
		struct secinfo *si = sec_get(elf, sec, shndx, 0, 0, bias);
		if (!si->exec || es[i].st_name >= strn)
			continue;
		const char *name = strs + es[i].st_name;
		if (!*name || (name[0] == '.' && name[1] == 'L') ||
		    !memchr(name, 0, strn - es[i].st_name))
			continue;
		sym_push(m, si, name, es[i].st_value + bias, t, ELF64_ST_BIND(es[i].st_info),
			 es[i].st_size);
	}
	return 1;
}

static int mod_load_syms(crashsig_symbolizer *s, struct mod *m)
{
	size_t nsec = 0;
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(m->dm, &bias);
	if (!elf || elf_getshdrnum(elf, &nsec) != 0)
		return cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "cannot read ELF sections");
	struct secinfo *sec = calloc(nsec ? nsec : 1, sizeof(*sec));
	if (!sec)
		return CRASHSIG_ENOMEM;
	for (size_t i = 0; i < nsec; i++)
		sec[i].exec = -1;
	int direct = load_syms_direct(m, elf, sec, nsec, bias);
	if (direct < 0) {
		free(sec);
		return direct;
	}
	if (!direct) {
		int n = dwfl_module_getsymtab(m->dm);
		if (n <= 0) {
			free(sec);
			return cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: no symbol table",
					    m->name ? m->name : "vmlinux");
		}
		free(m->syms);
		m->syms = malloc(sizeof(struct sym) * (size_t)n);
		if (!m->syms) {
			free(sec);
			return CRASHSIG_ENOMEM;
		}
		m->nsyms = 0;
		for (int i = 1; i < n; i++) {
			GElf_Sym sym;
			GElf_Addr addr;
			GElf_Word shndx;
			Elf *selem;
			Dwarf_Addr sbias;
			const char *name = dwfl_module_getsym_info(m->dm, i, &sym, &addr,
								   &shndx, &selem, &sbias);
			if (!name || !*name)
				continue;
			int t = GELF_ST_TYPE(sym.st_info);
			if (t != STT_FUNC && t != STT_NOTYPE)
				continue;
			/* the symbols may come from a separate debug file whose
			 * section headers mirror the main file's */
			size_t snum = 0;
			if (shndx == SHN_UNDEF || shndx >= nsec || !selem ||
			    elf_getshdrnum(selem, &snum) != 0 || shndx >= snum)
				continue;
			if (name[0] == '.' && name[1] == 'L')
				continue;
			struct secinfo *si = sec_get(selem, sec, shndx, addr - sym.st_value,
						     m->is_rel, sbias);
			if (!si->exec)
				continue;
			sym_push(m, si, name, addr, t, GELF_ST_BIND(sym.st_info), sym.st_size);
		}
	}
	size_t k = m->nsyms;
	/* .text base for module-relative addresses */
	for (size_t i = 1; i < nsec; i++) {
		GElf_Shdr sh;
		Elf_Scn *scn = elf_getscn(elf, i);
		size_t shstr;
		if (!scn || !gelf_getshdr(scn, &sh) || elf_getshdrstrndx(elf, &shstr))
			continue;
		const char *sn = elf_strptr(elf, shstr, sh.sh_name);
		if (sn && strcmp(sn, ".text") == 0) {
			m->text_base = sec[i].exec >= 0 && sec[i].start ? sec[i].start
								       : sh.sh_addr + bias;
			break;
		}
	}
	free(sec);
	m->nsyms = k;
	if (sort_syms(m) != 0)
		return CRASHSIG_ENOMEM;
	/* kallsyms size: distance to the next higher address, capped at the
	 * end of the section */
	for (size_t i = 0; i < k; i++) {
		uint64_t end = m->syms[i].size;
		size_t j = i + 1;
		while (j < k && m->syms[j].addr == m->syms[i].addr)
			j++;
		if (j < k && m->syms[j].addr < end)
			end = m->syms[j].addr;
		m->syms[i].size = end > m->syms[i].addr ? end - m->syms[i].addr : 0;
	}
	/* name index */
	size_t cap = 16;
	while (cap < k * 2)
		cap <<= 1;
	m->htab = malloc(cap * sizeof(uint32_t));
	if (!m->htab)
		return CRASHSIG_ENOMEM;
	memset(m->htab, 0xff, cap * sizeof(uint32_t));
	m->hcap = cap;
	for (size_t i = 0; i < k; i++)
		m->syms[i].hash = hash_str(m->syms[i].name);
	for (size_t i = k; i-- > 0;) {
		size_t h = m->syms[i].hash & (cap - 1);
		for (;;) {
			uint32_t e = m->htab[h];
			if (e == UINT32_MAX) {
				m->htab[h] = (uint32_t)i;
				break;
			}
			if (m->syms[e].hash == m->syms[i].hash &&
			    strcmp(m->syms[e].name, m->syms[i].name) == 0) {
				m->syms[i].next_same = e;
				m->htab[h] = (uint32_t)i;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
	}
	return 0;
}

static uint32_t sym_by_name(const struct mod *m, const char *name)
{
	if (!m->hcap)
		return UINT32_MAX;
	uint32_t hv = hash_str(name);
	size_t h = hv & (m->hcap - 1);
	for (;;) {
		uint32_t e = m->htab[h];
		if (e == UINT32_MAX ||
		    (m->syms[e].hash == hv && strcmp(m->syms[e].name, name) == 0))
			return e;
		h = (h + 1) & (m->hcap - 1);
	}
}

/* Symbol containing addr (last one starting at or before it). */
static const struct sym *sym_by_addr(const struct mod *m, uint64_t addr)
{
	size_t lo = 0, hi = m->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	size_t i = lo - 1;
	const struct sym *r = &m->syms[i];
	while (i > 0 && m->syms[i - 1].addr == r->addr) {
		i--; /* best-ranked alias */
		if (m->syms[i].rank <= r->rank)
			r = &m->syms[i];
	}
	if (addr >= r->addr + (r->size ? r->size : 1))
		return NULL;
	return r;
}

/* ------------------------------------------------------------------ */
/* DWARF: per-CU function ranges and the inline chain                  */
/* ------------------------------------------------------------------ */

static int frange_cmp(const void *a, const void *b)
{
	const struct frange *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

static int cu_add(struct cu_funcs *c, Dwarf_Die *die, Dwarf_Addr pc, int *hit)
{
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;
	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0) {
		if (end <= start)
			continue;
		if (c->n == c->cap) {
			size_t nc = c->cap ? c->cap * 2 : 64;
			struct frange *r = realloc(c->r, nc * sizeof(*r));
			if (!r)
				return CRASHSIG_ENOMEM;
			c->r = r;
			c->cap = nc;
		}
		c->r[c->n].lo = start;
		c->r[c->n].hi = end;
		c->r[c->n].die = *die;
		c->n++;
		if (start <= pc && pc < end)
			*hit = 1;
	}
	return 0;
}

/* Find the top-level subprogram of the CU containing pc; *out is set to
 * it (1), or nothing was found (0); < 0 on ENOMEM. */
static int own_walk(const struct mod *m, struct cu_funcs *c, Dwarf_Die *cudie,
		    Dwarf_Addr pc, Dwarf_Die *out);
static void abbrevs_free(struct abbrevs *a);

static int cu_find(const struct mod *m, struct cu_funcs *c, Dwarf_Die *cudie,
		   Dwarf_Addr pc, Dwarf_Die *out)
{
	if (c->state == 2) {
		size_t lo = 0, hi = c->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (c->r[mid].lo <= pc)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i-- > 0 && i + 8 >= lo;)
			if (c->r[i].lo <= pc && pc < c->r[i].hi) {
				*out = c->r[i].die;
				return 1;
			}
		return 0;
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->r[i].lo <= pc && pc < c->r[i].hi) {
			*out = c->r[i].die;
			return 1;
		}
	if (c->walker == 0)
		c->walker = m->own_walk ? 1 : -1;
	if (c->walker == 1) {
		int r = own_walk(m, c, cudie, pc, out);
		if (r >= 0 || r == CRASHSIG_ENOMEM)
			return r;
		/* something the own walker does not know: start over with libdw */
		c->walker = -1;
		c->state = 0;
		c->n = 0;
		abbrevs_free(c->ab);
		c->ab = NULL;
	}
	Dwarf_Die child;
	int more;
	if (c->state == 0) {
		more = dwarf_child(cudie, &child) == 0;
		c->state = 1;
	} else {
		child = c->next;
		more = 1;
	}
	while (more) {
		int hit = 0;
		if (dwarf_tag(&child) == DW_TAG_subprogram &&
		    (dwarf_hasattr(&child, DW_AT_low_pc) || dwarf_hasattr(&child, DW_AT_ranges))) {
			if (cu_add(c, &child, pc, &hit) != 0)
				return CRASHSIG_ENOMEM;
		}
		Dwarf_Die cur = child;
		more = dwarf_siblingof(&child, &child) == 0;
		if (hit) {
			if (more) {
				c->next = child;
			} else {
				c->state = 2;
				if (c->n)
					qsort(c->r, c->n, sizeof(*c->r), frange_cmp);
			}
			*out = cur;
			return 1;
		}
	}
	c->state = 2;
	if (c->n)
		qsort(c->r, c->n, sizeof(*c->r), frange_cmp);
	return 0;
}

static struct cu_funcs *cu_get(struct mod *m, Dwarf_Die *cudie)
{
	Dwarf_Off off = dwarf_dieoffset(cudie);
	if (m->cun * 2 >= m->cucap) {
		size_t nc = m->cucap ? m->cucap * 2 : 256;
		struct cu_funcs *t = calloc(nc, sizeof(*t));
		if (!t)
			return NULL;
		for (size_t i = 0; i < m->cucap; i++) {
			if (!m->cus[i].off)
				continue;
			size_t h = (size_t)(m->cus[i].off * 0x9E3779B97F4A7C15ull) & (nc - 1);
			while (t[h].off)
				h = (h + 1) & (nc - 1);
			t[h] = m->cus[i];
		}
		free(m->cus);
		m->cus = t;
		m->cucap = nc;
	}
	/* CU DIE offsets are never 0 (the CU header comes first). */
	size_t h = (size_t)(off * 0x9E3779B97F4A7C15ull) & (m->cucap - 1);
	while (m->cus[h].off && m->cus[h].off != off)
		h = (h + 1) & (m->cucap - 1);
	if (!m->cus[h].off) {
		(void)cudie;
		memset(&m->cus[h], 0, sizeof(m->cus[h]));
		m->cus[h].off = off;
		m->cun++;
	}
	return &m->cus[h];
}

static const char *die_name(Dwarf_Die *d)
{
	Dwarf_Attribute a;
	const char *n = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &a));
	return n ? n : "??";
}

static const char *res_str(crashsig_symbolizer *s, const char *str, size_t *off)
{
	/* Strings of a result live in s->strs; we record offsets because the
	 * arena can move, and fix the pointers up at the end. */
	*off = s->strs.len;
	if (cs_buf_add(&s->strs, str, strlen(str) + 1))
		return NULL;
	return str;
}

static int push_loc(crashsig_symbolizer *s, const char *func,
		    const char *file, unsigned line, unsigned col, int inl)
{
	if (s->nlocs == s->caplocs) {
		size_t nc = s->caplocs ? s->caplocs * 2 : 16;
		crashsig_symloc *l = realloc(s->locs, nc * sizeof(*l));
		if (!l)
			return CRASHSIG_ENOMEM;
		s->locs = l;
		struct locoff *o = realloc(s->lo, nc * sizeof(*o));
		if (!o)
			return CRASHSIG_ENOMEM;
		s->lo = o;
		s->caplocs = nc;
	}
	struct locoff *o = &s->lo[s->nlocs];
	crashsig_symloc *l = &s->locs[s->nlocs++];
	memset(l, 0, sizeof(*l));
	l->line = line;
	l->column = col;
	l->inlined = inl;
	o->func = o->file = SIZE_MAX;
	if (!res_str(s, func ? func : "??", &o->func))
		return CRASHSIG_ENOMEM;
	if (file) {
		char tmp[4096];
		crashsig_symbolize_path(file, s->strip_prefix, tmp, sizeof(tmp));
		if (!res_str(s, tmp, &o->file))
			return CRASHSIG_ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Line tables                                                         */
/* ------------------------------------------------------------------ */

/* libdw's dwarf_getsrclines keeps ~40 bytes per row and qsorts every
 * table, and dwarf_getsrcfiles parses the whole program too: on a vmlinux
 * that is half of the time and ~200 MB for 10,000 addresses. This decoder
 * keeps 16 bytes per row, sorts sequences instead of rows, and gives the
 * same answers: rows ordered by address with an end_sequence row before a
 * normal row at the same address, otherwise in program order; the row for
 * an address is the last one at or below it unless that ends a sequence;
 * file names joined with their directory like libdw does. On anything
 * unexpected it returns -1 and the caller falls back to libdw. */

struct lcur {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t rd_uleb(struct lcur *c)
{
	uint64_t v = 0;
	unsigned sh = 0;
	while (c->p < c->end) {
		unsigned char b = *c->p++;
		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80))
			return v;
	}
	c->bad = 1;
	return 0;
}

static int64_t rd_sleb(struct lcur *c)
{
	uint64_t v = 0;
	unsigned sh = 0;
	unsigned char b = 0;
	while (c->p < c->end) {
		b = *c->p++;
		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80)) {
			if (sh < 64 && (b & 0x40))
				v |= ~(uint64_t)0 << sh;
			return (int64_t)v;
		}
	}
	c->bad = 1;
	return 0;
}

static uint64_t rd_n(struct lcur *c, unsigned n)
{
	if ((size_t)(c->end - c->p) < n) {
		c->bad = 1;
		c->p = c->end;
		return 0;
	}
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) /* little endian only (checked) */
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += n;
	return v;
}

static const char *rd_cstr(struct lcur *c)
{
	const unsigned char *z = memchr(c->p, 0, (size_t)(c->end - c->p));
	if (!z) {
		c->bad = 1;
		c->p = c->end;
		return NULL;
	}
	const char *r = (const char *)c->p;
	c->p = z + 1;
	return r;
}

static const char *sec_str(const struct secdata *sd, uint64_t off)
{
	if (!sd->d || off >= sd->n || !memchr(sd->d + off, 0, sd->n - off))
		return NULL;
	return (const char *)sd->d + off;
}

/* Read one attribute value of a v5 entry format. */
static int rd_form(struct lcur *c, const struct mod *m, uint64_t form, int off64,
		   const char **str, uint64_t *num)
{
	*str = NULL;
	*num = 0;
	switch (form) {
	case DW_FORM_string: *str = rd_cstr(c); break;
	case DW_FORM_line_strp: *str = sec_str(&m->dls, rd_n(c, off64 ? 8 : 4)); break;
	case DW_FORM_strp: *str = sec_str(&m->ds, rd_n(c, off64 ? 8 : 4)); break;
	case DW_FORM_udata: *num = rd_uleb(c); break;
	case DW_FORM_sdata: *num = (uint64_t)rd_sleb(c); break;
	case DW_FORM_data1: *num = rd_n(c, 1); break;
	case DW_FORM_data2: *num = rd_n(c, 2); break;
	case DW_FORM_data4: *num = rd_n(c, 4); break;
	case DW_FORM_data8: *num = rd_n(c, 8); break;
	case DW_FORM_data16: rd_n(c, 8); rd_n(c, 8); break;
	case DW_FORM_block: {
		uint64_t l = rd_uleb(c);
		if (l > (uint64_t)(c->end - c->p))
			return -1;
		c->p += l;
		break;
	}
	default: return -1;
	}
	return c->bad ? -1 : 0;
}

static char *join_path(const char *dir, const char *name)
{
	if (!name)
		return NULL;
	if (name[0] == '/' || !dir || !*dir)
		return strdup(name);
	size_t dl = strlen(dir), nl = strlen(name);
	char *r = malloc(dl + nl + 2);
	if (!r)
		return NULL;
	memcpy(r, dir, dl);
	r[dl] = '/';
	memcpy(r + dl + 1, name, nl + 1);
	return r;
}

static void lines_free(struct cu_lines *l)
{
	for (size_t i = 0; i < l->nfiles; i++)
		free(l->files[i]);
	free(l->files);
	free(l->rows);
	memset(l, 0, sizeof(*l));
}

struct lseq {
	size_t start, end; /* rows [start, end) in program order */
	uint64_t addr;
};

static int lseq_cmp(const void *a, const void *b)
{
	const struct lseq *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->start < y->start ? -1 : 1;
}

static int lrow_before(const struct lrow *a, const struct lrow *b)
{
	/* a strictly before b in libdw's order (ties: program order) */
	if (a->addr != b->addr)
		return a->addr < b->addr;
	return (a->col_end & 1) > (b->col_end & 1);
}

/* Full stable sort (overlapping sequences) into libdw's order: by address,
 * an end_sequence row before a normal one, then program order. LSD radix
 * sort on (addr - lowest) << 1 | !end, 8-bit digits. */
static int lines_sort_rows(struct lrow *rows, size_t n)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < n; i++) {
		lo = rows[i].addr < lo ? rows[i].addr : lo;
		hi = rows[i].addr > hi ? rows[i].addr : hi;
	}
	if (hi - lo >= (UINT64_C(1) << 62))
		return -1;
	uint64_t range = ((hi - lo) << 1) | 1;
	struct lrow *tmp = malloc(n * sizeof(*tmp));
	size_t *cnt = malloc(256 * sizeof(*cnt));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return -1;
	}
	struct lrow *src = rows, *dst = tmp;
	for (unsigned sh = 0; sh < 64 && (sh == 0 || (range >> sh)); sh += 8) {
		memset(cnt, 0, 256 * sizeof(*cnt));
#define LKEY(r) (((((r).addr - lo) << 1) | (~(r).col_end & 1)) >> sh & 0xff)
		for (size_t i = 0; i < n; i++)
			cnt[LKEY(src[i])]++;
		size_t sum = 0;
		for (size_t d = 0; d < 256; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[LKEY(src[i])]++] = src[i];
#undef LKEY
		struct lrow *t = src;
		src = dst;
		dst = t;
	}
	if (src != rows)
		memcpy(rows, src, n * sizeof(*rows));
	free(tmp);
	free(cnt);
	return 0;
}

static int lines_parse(const struct mod *m, Dwarf_Die *cudie, struct cu_lines *out)
{
	Dwarf_Attribute at;
	Dwarf_Word stmt;
	memset(out, 0, sizeof(*out));
	if (!m->own_lines ||
	    dwarf_formudata(dwarf_attr(cudie, DW_AT_stmt_list, &at), &stmt) != 0 ||
	    stmt >= m->dl.n)
		return -1;
	const char *comp_dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &at));
	uint8_t cu_asize = 8, osz = 4;
	Dwarf_Die tmp;
	if (!dwarf_diecu(cudie, &tmp, &cu_asize, &osz))
		return -1;
	struct lcur c = {m->dl.d + stmt, m->dl.d + m->dl.n, 0};
	uint64_t unit_len = rd_n(&c, 4);
	int off64 = 0;
	if (unit_len == 0xffffffffu) {
		unit_len = rd_n(&c, 8);
		off64 = 1;
	} else if (unit_len >= 0xfffffff0u) {
		return -1;
	}
	if (c.bad || unit_len > (uint64_t)(c.end - c.p))
		return -1;
	c.end = c.p + unit_len;
	unsigned version = (unsigned)rd_n(&c, 2);
	if (version < 2 || version > 5)
		return -1;
	unsigned asize = cu_asize;
	if (version >= 5) {
		asize = (unsigned)rd_n(&c, 1);
		if (rd_n(&c, 1) != 0) /* segment selector size */
			return -1;
	}
	uint64_t hlen = rd_n(&c, off64 ? 8 : 4);
	if (c.bad || hlen > (uint64_t)(c.end - c.p))
		return -1;
	const unsigned char *prog = c.p + hlen;
	unsigned min_inst = (unsigned)rd_n(&c, 1);
	unsigned max_ops = version >= 4 ? (unsigned)rd_n(&c, 1) : 1;
	int default_stmt = (int)rd_n(&c, 1);
	(void)default_stmt;
	int line_base = (int8_t)rd_n(&c, 1);
	unsigned line_range = (unsigned)rd_n(&c, 1);
	unsigned opcode_base = (unsigned)rd_n(&c, 1);
	if (c.bad || !line_range || !opcode_base || max_ops != 1 || (asize != 4 && asize != 8))
		return -1;
	const unsigned char *std_len = c.p;
	if ((size_t)(c.end - c.p) < opcode_base - 1)
		return -1;
	c.p += opcode_base - 1;

	/* directories and files */
	const char **dirs = NULL;
	size_t ndirs = 0, capd = 0, capf = 0;
	int rc = -1;
#define PUSH_DIR(x)                                                              \
	do {                                                                     \
		if (ndirs == capd) {                                             \
			capd = capd ? capd * 2 : 32;                             \
			const char **nd = realloc(dirs, capd * sizeof(*nd));     \
			if (!nd)                                                 \
				goto out;                                        \
			dirs = nd;                                               \
		}                                                                \
		dirs[ndirs++] = (x);                                             \
	} while (0)
#define PUSH_FILE(x)                                                             \
	do {                                                                     \
		if (out->nfiles == capf) {                                       \
			capf = capf ? capf * 2 : 64;                             \
			char **nf = realloc(out->files, capf * sizeof(*nf));     \
			if (!nf)                                                 \
				goto out;                                        \
			out->files = nf;                                         \
		}                                                                \
		out->files[out->nfiles++] = (x);                                 \
	} while (0)
	if (version < 5) {
		PUSH_DIR(comp_dir); /* index 0: the compilation directory */
		for (;;) {
			const char *d = rd_cstr(&c);
			if (c.bad)
				goto out;
			if (!*d)
				break;
			PUSH_DIR(d);
		}
		PUSH_FILE(NULL); /* file numbers start at 1 */
		for (;;) {
			const char *f = rd_cstr(&c);
			if (c.bad)
				goto out;
			if (!*f)
				break;
			uint64_t di = rd_uleb(&c);
			rd_uleb(&c);
			rd_uleb(&c);
			if (c.bad)
				goto out;
			char *path = join_path(di < ndirs ? dirs[di] : NULL, f);
			if (!path)
				goto out;
			PUSH_FILE(path);
		}
	} else {
		uint64_t fmt[2][16][2];
		unsigned nfmt[2];
		for (int pass = 0; pass < 2; pass++) {
			nfmt[pass] = (unsigned)rd_n(&c, 1);
			if (nfmt[pass] > 16)
				goto out;
			for (unsigned i = 0; i < nfmt[pass]; i++) {
				fmt[pass][i][0] = rd_uleb(&c);
				fmt[pass][i][1] = rd_uleb(&c);
			}
			uint64_t cnt = rd_uleb(&c);
			if (c.bad || cnt > (uint64_t)(c.end - c.p))
				goto out;
			for (uint64_t k = 0; k < cnt; k++) {
				const char *path = NULL;
				uint64_t di = 0;
				for (unsigned i = 0; i < nfmt[pass]; i++) {
					const char *sv;
					uint64_t nv;
					if (rd_form(&c, m, fmt[pass][i][1], off64, &sv, &nv) != 0)
						goto out;
					if (fmt[pass][i][0] == DW_LNCT_path)
						path = sv;
					else if (fmt[pass][i][0] == DW_LNCT_directory_index)
						di = nv;
				}
				if (pass == 0) {
					PUSH_DIR(path);
				} else {
					char *fp = path ? join_path(di < ndirs ? dirs[di] : NULL, path)
							: NULL;
					if (path && !fp)
						goto out;
					PUSH_FILE(fp);
				}
			}
		}
	}
	if (c.bad || prog > c.end)
		goto out;

	/* the program */
	c.p = prog;
	size_t cap = 0;
	struct lseq *seqs = NULL;
	size_t nseq = 0, capseq = 0, seq_start = 0;
	uint64_t addr = 0;
	uint64_t file = 1, line = 1, col = 0;
	int seq_sorted = 1;
	while (c.p < c.end) {
		unsigned op = *c.p++;
		int emit = 0, endseq = 0;
		if (op >= opcode_base) {
			unsigned adj = op - opcode_base;
			addr += (uint64_t)(adj / line_range) * min_inst;
			line += (uint64_t)(int64_t)(line_base + (int)(adj % line_range));
			emit = 1;
		} else if (op == 0) {
			uint64_t len = rd_uleb(&c);
			if (c.bad || len == 0 || len > (uint64_t)(c.end - c.p))
				goto out_seq;
			const unsigned char *next = c.p + len;
			unsigned sub = *c.p++;
			switch (sub) {
			case DW_LNE_end_sequence: emit = 1; endseq = 1; break;
			case DW_LNE_set_address:
				if (len - 1 != asize)
					goto out_seq;
				addr = rd_n(&c, asize);
				break;
			default: break; /* define_file, set_discriminator, ... */
			}
			c.p = next;
		} else {
			switch (op) {
			case DW_LNS_copy: emit = 1; break;
			case DW_LNS_advance_pc: addr += rd_uleb(&c) * min_inst; break;
			case DW_LNS_advance_line: line += (uint64_t)rd_sleb(&c); break;
			case DW_LNS_set_file: file = rd_uleb(&c); break;
			case DW_LNS_set_column: col = rd_uleb(&c); break;
			case DW_LNS_negate_stmt:
			case DW_LNS_set_basic_block:
			case DW_LNS_set_prologue_end:
			case DW_LNS_set_epilogue_begin: break;
			case DW_LNS_const_add_pc:
				addr += (uint64_t)((255 - opcode_base) / line_range) * min_inst;
				break;
			case DW_LNS_fixed_advance_pc: addr += rd_n(&c, 2); break;
			case DW_LNS_set_isa: rd_uleb(&c); break;
			default:
				for (unsigned k = 0; k < std_len[op - 1]; k++)
					rd_uleb(&c);
			}
		}
		if (c.bad)
			goto out_seq;
		if (!emit)
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 256;
			struct lrow *nr = realloc(out->rows, cap * sizeof(*nr));
			if (!nr)
				goto out_seq;
			out->rows = nr;
		}
		struct lrow *r = &out->rows[out->n++];
		r->addr = addr;
		r->line = (uint32_t)line;
		r->file = file < 0xffff ? (uint16_t)file : 0xffff;
		r->col_end = (uint16_t)(((col < 0x7fff ? col : 0x7fff) << 1) | (endseq ? 1 : 0));
		if (endseq) {
			if (nseq == capseq) {
				capseq = capseq ? capseq * 2 : 16;
				struct lseq *ns = realloc(seqs, capseq * sizeof(*ns));
				if (!ns)
					goto out_seq;
				seqs = ns;
			}
			seqs[nseq].start = seq_start;
			seqs[nseq].end = out->n;
			seqs[nseq].addr = out->rows[seq_start].addr;
			if (nseq && seqs[nseq].addr < seqs[nseq - 1].addr)
				seq_sorted = 0;
			nseq++;
			seq_start = out->n;
			addr = 0;
			file = 1;
			line = 1;
			col = 0;
		}
	}
	if (!out->n) { /* no rows: every lookup misses, as with libdw */
		rc = 0;
		goto out_seq;
	}
	if (seq_start != out->n) { /* rows after the last end_sequence */
		if (nseq == capseq) {
			struct lseq *ns = realloc(seqs, (capseq + 1) * sizeof(*ns));
			if (!ns)
				goto out_seq;
			seqs = ns;
			capseq++;
		}
		seqs[nseq].start = seq_start;
		seqs[nseq].end = out->n;
		seqs[nseq].addr = out->rows[seq_start].addr;
		if (nseq && seqs[nseq].addr < seqs[nseq - 1].addr)
			seq_sorted = 0;
		nseq++;
	}
	/* order the sequences by address, then check the row order */
	struct lrow *sorted = out->rows;
	if (!seq_sorted) {
		qsort(seqs, nseq, sizeof(*seqs), lseq_cmp);
		sorted = malloc(out->n * sizeof(*sorted));
		if (!sorted)
			goto out_seq;
		size_t k = 0;
		for (size_t i = 0; i < nseq; i++) {
			memcpy(sorted + k, out->rows + seqs[i].start,
			       (seqs[i].end - seqs[i].start) * sizeof(*sorted));
			k += seqs[i].end - seqs[i].start;
		}
	}
	int ordered = 1;
	for (size_t i = 1; i < out->n && ordered; i++)
		ordered = !lrow_before(&sorted[i], &sorted[i - 1]);
	if (ordered) {
		if (sorted != out->rows) {
			free(out->rows);
			out->rows = sorted;
		}
	} else {
		/* overlapping sequences: full stable sort from program order */
		if (sorted != out->rows)
			free(sorted);
		if (lines_sort_rows(out->rows, out->n) != 0)
			goto out_seq;
	}
	/* like libdw: the highest row always ends a sequence */
	out->rows[out->n - 1].col_end |= 1;
	rc = 0;
out_seq:
	free(seqs);
out:
	free(dirs);
#undef PUSH_DIR
#undef PUSH_FILE
	if (rc)
		lines_free(out);
	return rc;
}

/* The row for pc, like dwarf_getsrc_die; NULL when none. */
static const struct lrow *lines_find(const struct cu_lines *l, uint64_t pc)
{
	if (!l->n)
		return NULL;
	size_t lo = 0, hi = l->n - 1;
	while (lo < hi) {
		size_t mid = hi - (hi - lo) / 2;
		if (pc < l->rows[mid].addr)
			hi = mid - 1;
		else
			lo = mid;
	}
	const struct lrow *r = &l->rows[lo];
	if (!(r->col_end & 1) && r->addr <= pc)
		return r;
	return NULL;
}

static const char *lines_file(const struct cu_lines *l, uint64_t idx)
{
	return idx < l->nfiles ? l->files[idx] : NULL;
}

/* ------------------------------------------------------------------ */
/* Top-level DIE walker                                                */
/* ------------------------------------------------------------------ */

/* Finding the subprogram of an address means visiting the top-level DIEs
 * of its CU, most of them types and declarations. With dwarf_siblingof and
 * dwarf_tag that was the largest cost for 10,000 addresses (two locked
 * abbreviation lookups per DIE). This walker reads the CU's abbreviation
 * table once and skips DIEs by their attribute forms (or DW_AT_sibling);
 * only subprograms whose abbreviation has DW_AT_low_pc or DW_AT_ranges are
 * handed to libdw (dwarf_offdie + dwarf_ranges). Anything unknown returns
 * -2 and the caller redoes the CU with libdw. */

struct abbrev {
	uint32_t tag;
	uint8_t children;
	uint8_t has_pc;
	uint32_t first, nattr; /* in abbrevs.attr */
};

struct abbrevs {
	struct abbrev *by_code; /* index: code (dense tables only) */
	size_t ncodes;
	uint32_t (*attr)[2]; /* {name, form} */
	size_t nattr;
	uint64_t cu_start, cu_end;
	unsigned asize, osize, version;
};

static void abbrevs_free(struct abbrevs *a)
{
	if (!a)
		return;
	free(a->by_code);
	free(a->attr);
	free(a);
}

static struct abbrevs *abbrevs_load(const struct mod *m, Dwarf_Die *cudie, int *err)
{
	*err = -2;
	uint64_t die_off = dwarf_dieoffset(cudie);
	uint64_t rel = dwarf_cuoffset(cudie);
	if (rel > die_off)
		return NULL;
	uint64_t cu_start = die_off - rel;
	if (cu_start >= m->di.n)
		return NULL;
	struct lcur c = {m->di.d + cu_start, m->di.d + m->di.n, 0};
	uint64_t len = rd_n(&c, 4);
	unsigned osize = 4;
	if (len == 0xffffffffu) {
		len = rd_n(&c, 8);
		osize = 8;
	} else if (len >= 0xfffffff0u) {
		return NULL;
	}
	if (c.bad || len > (uint64_t)(c.end - c.p))
		return NULL;
	uint64_t cu_end = (uint64_t)(c.p - m->di.d) + len;
	unsigned version = (unsigned)rd_n(&c, 2);
	unsigned asize;
	uint64_t abbr_off;
	if (version >= 5) {
		unsigned ut = (unsigned)rd_n(&c, 1);
		if (ut != DW_UT_compile && ut != DW_UT_partial)
			return NULL;
		asize = (unsigned)rd_n(&c, 1);
		abbr_off = rd_n(&c, osize);
	} else if (version >= 2) {
		abbr_off = rd_n(&c, osize);
		asize = (unsigned)rd_n(&c, 1);
	} else {
		return NULL;
	}
	if (c.bad || (asize != 4 && asize != 8) || abbr_off >= m->da.n)
		return NULL;
	struct abbrevs *a = calloc(1, sizeof(*a));
	if (!a) {
		*err = CRASHSIG_ENOMEM;
		return NULL;
	}
	a->cu_start = cu_start;
	a->cu_end = cu_end;
	a->asize = asize;
	a->osize = osize;
	a->version = version;
	struct lcur ac = {m->da.d + abbr_off, m->da.d + m->da.n, 0};
	size_t capattr = 0;
	for (;;) {
		uint64_t code = rd_uleb(&ac);
		if (ac.bad)
			goto bad;
		if (code == 0)
			break;
		if (code > 65535)
			goto bad;
		if (code >= a->ncodes) {
			size_t nc = a->ncodes ? a->ncodes : 64;
			while (nc <= code)
				nc *= 2;
			struct abbrev *nb = realloc(a->by_code, nc * sizeof(*nb));
			if (!nb)
				goto nomem;
			memset(nb + a->ncodes, 0, (nc - a->ncodes) * sizeof(*nb));
			a->by_code = nb;
			a->ncodes = nc;
		}
		struct abbrev *e = &a->by_code[code];
		if (e->tag)
			goto bad; /* duplicate code */
		uint64_t tag = rd_uleb(&ac);
		e->tag = tag ? (uint32_t)tag : 0xffffffffu;
		e->children = (uint8_t)rd_n(&ac, 1);
		e->first = (uint32_t)a->nattr;
		for (;;) {
			uint64_t name = rd_uleb(&ac), form = rd_uleb(&ac);
			if (ac.bad)
				goto bad;
			if (name == 0 && form == 0)
				break;
			if (form == DW_FORM_implicit_const)
				rd_sleb(&ac);
			if (name == DW_AT_low_pc || name == DW_AT_ranges)
				e->has_pc = 1;
			if (a->nattr == capattr) {
				capattr = capattr ? capattr * 2 : 256;
				uint32_t(*na)[2] = realloc(a->attr, capattr * sizeof(*na));
				if (!na)
					goto nomem;
				a->attr = na;
			}
			a->attr[a->nattr][0] = (uint32_t)name;
			a->attr[a->nattr][1] = (uint32_t)form;
			a->nattr++;
			e->nattr++;
		}
	}
	return a;
nomem:
	*err = CRASHSIG_ENOMEM;
bad:
	abbrevs_free(a);
	return NULL;
}

/* Skip one attribute value; *val gets reference values. -1: unknown form. */
static int skip_form(struct lcur *c, const struct abbrevs *a, uint64_t form,
		     uint64_t *val)
{
	*val = 0;
	switch (form) {
	case DW_FORM_flag_present:
	case DW_FORM_implicit_const: return 0;
	case DW_FORM_addr: rd_n(c, a->asize); break;
	case DW_FORM_data1: case DW_FORM_flag: case DW_FORM_strx1: case DW_FORM_addrx1:
		rd_n(c, 1); break;
	case DW_FORM_data2: case DW_FORM_strx2: case DW_FORM_addrx2: rd_n(c, 2); break;
	case DW_FORM_strx3: case DW_FORM_addrx3: rd_n(c, 3); break;
	case DW_FORM_data4: case DW_FORM_strx4: case DW_FORM_addrx4: case DW_FORM_ref_sup4:
		rd_n(c, 4); break;
	case DW_FORM_data8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8: rd_n(c, 8); break;
	case DW_FORM_data16: rd_n(c, 8); rd_n(c, 8); break;
	case DW_FORM_ref1: *val = rd_n(c, 1); break;
	case DW_FORM_ref2: *val = rd_n(c, 2); break;
	case DW_FORM_ref4: *val = rd_n(c, 4); break;
	case DW_FORM_ref8: *val = rd_n(c, 8); break;
	case DW_FORM_ref_udata: *val = rd_uleb(c); break;
	case DW_FORM_sdata: rd_sleb(c); break;
	case DW_FORM_udata: case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx:
	case DW_FORM_rnglistx: case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
		rd_uleb(c); break;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_GNU_ref_alt: case DW_FORM_GNU_strp_alt:
		rd_n(c, a->osize); break;
	case DW_FORM_ref_addr: rd_n(c, a->version <= 2 ? a->asize : a->osize); break;
	case DW_FORM_string: rd_cstr(c); break;
	case DW_FORM_block1: case DW_FORM_block2: case DW_FORM_block4:
	case DW_FORM_block: case DW_FORM_exprloc: {
		uint64_t l = form == DW_FORM_block1 ? rd_n(c, 1)
			   : form == DW_FORM_block2 ? rd_n(c, 2)
			   : form == DW_FORM_block4 ? rd_n(c, 4)
						    : rd_uleb(c);
		if (c->bad || l > (uint64_t)(c->end - c->p))
			return -1;
		c->p += l;
		break;
	}
	case DW_FORM_indirect: {
		uint64_t f = rd_uleb(c);
		if (c->bad || f == DW_FORM_indirect || f == DW_FORM_implicit_const)
			return -1;
		return skip_form(c, a, f, val);
	}
	default: return -1;
	}
	return c->bad ? -1 : 0;
}

/* Read the DIE at *pos. Returns 0 for a null entry, 1 for a DIE (with *ab
 * and *sibling, 0 if none; *pos moves past its attributes), -1 on error. */
static int die_read(const struct mod *m, const struct abbrevs *a, uint64_t *pos,
		    const struct abbrev **ab, uint64_t *sibling)
{
	struct lcur c = {m->di.d + *pos, m->di.d + a->cu_end, 0};
	uint64_t code = rd_uleb(&c);
	if (c.bad)
		return -1;
	if (code == 0) {
		*pos = (uint64_t)(c.p - m->di.d);
		return 0;
	}
	if (code >= a->ncodes || !a->by_code[code].tag)
		return -1;
	const struct abbrev *e = &a->by_code[code];
	*sibling = 0;
	for (uint32_t i = 0; i < e->nattr; i++) {
		uint64_t v;
		uint32_t name = a->attr[e->first + i][0], form = a->attr[e->first + i][1];
		if (skip_form(&c, a, form, &v) != 0)
			return -1;
		if (name == DW_AT_sibling && v &&
		    (form == DW_FORM_ref1 || form == DW_FORM_ref2 || form == DW_FORM_ref4 ||
		     form == DW_FORM_ref8 || form == DW_FORM_ref_udata))
			*sibling = a->cu_start + v;
	}
	*pos = (uint64_t)(c.p - m->di.d);
	if (*sibling && (*sibling <= *pos || *sibling > a->cu_end))
		return -1;
	*ab = e;
	return 1;
}

/* Move *pos past the children of the DIE just read. */
static int skip_children(const struct mod *m, const struct abbrevs *a, uint64_t *pos)
{
	size_t depth = 1;
	while (depth) {
		if (*pos >= a->cu_end)
			return -1;
		const struct abbrev *e;
		uint64_t sib;
		int r = die_read(m, a, pos, &e, &sib);
		if (r < 0)
			return -1;
		if (r == 0) {
			depth--;
			continue;
		}
		if (e->children) {
			if (sib)
				*pos = sib;
			else
				depth++;
		}
	}
	return 0;
}

static int own_walk(const struct mod *m, struct cu_funcs *c, Dwarf_Die *cudie,
		    Dwarf_Addr pc, Dwarf_Die *out)
{
	if (c->state == 0) {
		int err;
		c->ab = abbrevs_load(m, cudie, &err);
		if (!c->ab)
			return err;
		uint64_t pos = dwarf_dieoffset(cudie);
		const struct abbrev *e;
		uint64_t sib;
		if (die_read(m, c->ab, &pos, &e, &sib) != 1)
			return -2;
		c->state = 1;
		if (!e->children) {
			c->state = 2;
			abbrevs_free(c->ab);
			c->ab = NULL;
			return 0;
		}
		c->next_pos = pos;
	}
	const struct abbrevs *a = c->ab;
	uint64_t pos = c->next_pos;
	for (;;) {
		if (pos >= a->cu_end)
			break; /* no terminating null entry: tolerate */
		uint64_t die_off = pos;
		const struct abbrev *e;
		uint64_t sib;
		int r = die_read(m, a, &pos, &e, &sib);
		if (r < 0)
			return -2;
		if (r == 0)
			break;
		if (e->children) {
			if (sib)
				pos = sib;
			else if (skip_children(m, a, &pos) != 0)
				return -2;
		}
		if (e->tag != DW_TAG_subprogram || !e->has_pc)
			continue;
		Dwarf_Die d;
		if (!dwarf_offdie(m->dw, die_off, &d))
			return -2;
		int hit = 0;
		if (cu_add(c, &d, pc, &hit) != 0)
			return CRASHSIG_ENOMEM;
		if (hit) {
			c->next_pos = pos;
			*out = d;
			return 1;
		}
	}
	c->state = 2;
	abbrevs_free(c->ab);
	c->ab = NULL;
	if (c->n)
		qsort(c->r, c->n, sizeof(*c->r), frange_cmp);
	return 0;
}

#define MAX_INLINE_DEPTH 64

/* Fill s->locs for address a (dwfl address) in m. Returns 1 when DWARF
 * information was found, 0 when not, < 0 on error. */
static int dwarf_chain(crashsig_symbolizer *s, struct mod *m, uint64_t a,
		       const char *fallback_name)
{
	if (!m->dw)
		return 0;
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(m->dm, a, &bias);
	if (!cu)
		return 0;
	Dwarf_Addr pc = a - bias;
	struct cu_funcs *cf = cu_get(m, cu);
	if (!cf)
		return CRASHSIG_ENOMEM;
	if (cf->lines_state == 0)
		cf->lines_state = lines_parse(m, cu, &cf->lines) == 0 ? 1 : -1;
	const struct cu_lines *own = cf->lines_state == 1 ? &cf->lines : NULL;
	const char *file = NULL;
	int line = 0, col = 0, have_line = 0;
	if (own) {
		const struct lrow *lr = lines_find(own, pc);
		if (lr) {
			have_line = 1;
			file = lines_file(own, lr->file);
			line = (int)lr->line;
			col = lr->col_end >> 1;
		}
	} else {
		Dwarf_Line *ln = dwarf_getsrc_die(cu, pc);
		if (ln) {
			have_line = 1;
			file = dwarf_linesrc(ln, NULL, NULL);
			dwarf_lineno(ln, &line);
			dwarf_linecol(ln, &col);
		}
	}
	Dwarf_Die chain[MAX_INLINE_DEPTH];
	size_t depth = 0;
	/* top-level subprogram containing pc */
	int fr = cu_find(m, cf, cu, pc, &chain[0]);
	if (fr < 0)
		return CRASHSIG_ENOMEM;
	depth = fr > 0;
	if (depth) {
		Dwarf_Die cur = chain[0];
		for (;;) {
			Dwarf_Die c;
			int found = 0;
			if (dwarf_child(&cur, &c) == 0) {
				do {
					int tag = dwarf_tag(&c);
					if (tag != DW_TAG_inlined_subroutine &&
					    tag != DW_TAG_lexical_block)
						continue;
					if (dwarf_haspc(&c, pc) > 0) {
						found = 1;
						break;
					}
				} while (dwarf_siblingof(&c, &c) == 0);
			}
			if (!found)
				break;
			cur = c;
			if (dwarf_tag(&c) == DW_TAG_inlined_subroutine) {
				if (depth == MAX_INLINE_DEPTH)
					break;
				chain[depth++] = c;
			}
		}
	}
	if (!depth && !have_line)
		return 0;
	Dwarf_Files *files = NULL;
	size_t nfiles = 0;
	if (depth > 1 && !own && dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
		files = NULL;
	/* innermost first */
	const char *cfile = file;
	unsigned cline = (unsigned)line, ccol = (unsigned)col;
	if (!depth) {
		return push_loc(s, fallback_name, cfile, cline, ccol, 0) < 0
			       ? CRASHSIG_ENOMEM
			       : 1;
	}
	for (size_t i = depth; i-- > 0;) {
		int r = push_loc(s, die_name(&chain[i]), cfile, cline, ccol, i > 0);
		if (r)
			return r;
		if (i == 0)
			break;
		/* the call site of chain[i] is the location in chain[i-1] */
		Dwarf_Attribute at;
		Dwarf_Word fidx = 0, cl = 0, cc = 0;
		cfile = NULL;
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_file, &at), &fidx) == 0) {
			if (own)
				cfile = lines_file(own, fidx);
			else if (files)
				cfile = dwarf_filesrc(files, fidx, NULL, NULL);
		}
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_line, &at), &cl) != 0)
			cl = 0;
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_column, &at), &cc) != 0)
			cc = 0;
		cline = (unsigned)cl;
		ccol = (unsigned)cc;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Modules                                                             */
/* ------------------------------------------------------------------ */

static void norm_name(char *n)
{
	for (; *n; n++)
		if (*n == '-')
			*n = '_';
}

static const char *const ko_exts[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz",
				      ".ko.debug", NULL};

static int index_dir(crashsig_symbolizer *s, const char *dir, int depth)
{
	if (depth > 16)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d)) != NULL && rc == 0) {
		if (e->d_name[0] == '.')
			continue; /* also skips .build-id (handled separately) */
		size_t dl = strlen(dir), nl = strlen(e->d_name);
		char *p = malloc(dl + nl + 2);
		if (!p) {
			rc = CRASHSIG_ENOMEM;
			break;
		}
		memcpy(p, dir, dl);
		p[dl] = '/';
		memcpy(p + dl + 1, e->d_name, nl + 1);
		int isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
			struct stat st;
			isdir = stat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
				e->d_type != DT_LNK;
		}
		if (isdir) {
			rc = index_dir(s, p, depth + 1);
			free(p);
			continue;
		}
		size_t base = 0;
		for (size_t i = 0; ko_exts[i]; i++) {
			size_t el = strlen(ko_exts[i]);
			if (nl > el && strcmp(e->d_name + nl - el, ko_exts[i]) == 0) {
				base = nl - el;
				break;
			}
		}
		if (!base) {
			free(p);
			continue;
		}
		struct modfile *f = realloc(s->files, (s->nfiles + 1) * sizeof(*f));
		if (!f) {
			free(p);
			rc = CRASHSIG_ENOMEM;
			break;
		}
		s->files = f;
		f[s->nfiles].path = p;
		f[s->nfiles].name = cs_strndup(e->d_name, base);
		if (!f[s->nfiles].name) {
			free(p);
			rc = CRASHSIG_ENOMEM;
			break;
		}
		norm_name(f[s->nfiles].name);
		s->nfiles++;
	}
	closedir(d);
	return rc;
}

/* libdwfl (0.188) opens .ko.xz and .ko.gz itself but not .ko.zst:
 * decompress those into an anonymous memory file. Returns an fd or < 0. */
static int zstd_to_memfd(crashsig_symbolizer *s, const char *path)
{
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cs_ctx_error(s->ctx, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
	int out = memfd_create("crashsig-module", MFD_CLOEXEC);
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	size_t inl = ZSTD_DStreamInSize(), outl = ZSTD_DStreamOutSize();
	char *ib = malloc(inl), *ob = malloc(outl);
	int rc = 0;
	if (out < 0 || !dc || !ib || !ob) {
		rc = cs_ctx_error(s->ctx, CRASHSIG_ENOMEM, "%s: cannot set up zstd", path);
		goto done;
	}
	size_t last = 1;
	ssize_t n;
	while (rc == 0 && (n = read(in, ib, inl)) > 0) {
		ZSTD_inBuffer zi = {ib, (size_t)n, 0};
		while (zi.pos < zi.size) {
			ZSTD_outBuffer zo = {ob, outl, 0};
			last = ZSTD_decompressStream(dc, &zo, &zi);
			if (ZSTD_isError(last)) {
				rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: zstd: %s", path,
						  ZSTD_getErrorName(last));
				break;
			}
			if (zo.pos && write(out, ob, zo.pos) != (ssize_t)zo.pos) {
				rc = cs_ctx_error(s->ctx, CRASHSIG_EIO, "%s: write: %s", path,
						  strerror(errno));
				break;
			}
		}
	}
	if (rc == 0 && last != 0)
		rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: truncated zstd data", path);
done:
	free(ib);
	free(ob);
	ZSTD_freeDCtx(dc);
	close(in);
	if (rc) {
		if (out >= 0)
			close(out);
		return rc;
	}
	lseek(out, 0, SEEK_SET);
	return out;
}

/* Point m->dl/dls/ds at the raw line sections when the own decoder can
 * read them (little-endian host and file, not SHF_COMPRESSED). */
static void mod_init_lines(struct mod *m)
{
	m->own_lines = 0;
	if (!m->dw)
		return;
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	return;
#else
	Elf *elf = dwarf_getelf(m->dw);
	GElf_Ehdr eh;
	size_t shstr;
	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    elf_getshdrstrndx(elf, &shstr) != 0)
		return;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return;
		const char *n = elf_strptr(elf, shstr, sh.sh_name);
		struct secdata *sd = NULL;
		if (!n)
			continue;
		if (strcmp(n, ".debug_line") == 0)
			sd = &m->dl;
		else if (strcmp(n, ".debug_line_str") == 0)
			sd = &m->dls;
		else if (strcmp(n, ".debug_str") == 0)
			sd = &m->ds;
		else if (strcmp(n, ".debug_info") == 0)
			sd = &m->di;
		else if (strcmp(n, ".debug_abbrev") == 0)
			sd = &m->da;
		else
			continue;
		if ((sh.sh_flags & SHF_COMPRESSED) || sh.sh_type == SHT_NOBITS)
			return;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return;
		sd->d = d->d_buf;
		sd->n = d->d_size;
	}
	m->own_lines = m->dl.d != NULL;
	m->own_walk = m->di.d != NULL && m->da.d != NULL;
#endif
}

static int report_module(crashsig_symbolizer *s, const char *name,
			 const char *path, struct mod **out)
{
	*out = NULL;
	int fd = -1;
	size_t pl = strlen(path);
	if (pl > 4 && strcmp(path + pl - 4, ".zst") == 0) {
		fd = zstd_to_memfd(s, path);
		if (fd < 0)
			return fd;
	}
	dwfl_report_begin_add(s->dwfl);
	/* dwfl takes ownership of fd */
	Dwfl_Module *dm = dwfl_report_offline(s->dwfl, name, path, fd);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (!dm)
		return cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: %s", path,
				    dwfl_errmsg(-1));
	struct mod *m = calloc(1, sizeof(*m));
	if (!m)
		return CRASHSIG_ENOMEM;
	m->name = strdup(name);
	m->dm = dm;
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(dm, &bias);
	GElf_Ehdr eh;
	m->is_rel = elf && gelf_getehdr(elf, &eh) && eh.e_type == ET_REL;
	m->dw = dwfl_module_getdwarf(dm, &m->dwbias);
	if (!(s->flags & CRASHSIG_SYMBOLIZE_LIBDW_ONLY))
		mod_init_lines(m);
	int rc = m->name ? mod_load_syms(s, m) : CRASHSIG_ENOMEM;
	struct mod **mm = realloc(s->mods, (s->nmods + 1) * sizeof(*mm));
	if (!mm)
		rc = CRASHSIG_ENOMEM;
	else
		s->mods = mm;
	if (rc) {
		free(m->syms);
		free(m->htab);
		free(m->name);
		free(m);
		return rc;
	}
	s->mods[s->nmods++] = m;
	*out = m;
	return 0;
}

static int file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int build_id_path(const char *root, const char *bid, char *buf, size_t n)
{
	size_t l = strlen(bid);
	if (l < 4)
		return 0;
	for (size_t i = 0; i < l; i++)
		if (!cs_isxdigit((unsigned char)bid[i]))
			return 0;
	snprintf(buf, n, "%s/.build-id/%c%c/%s.debug", root, bid[0], bid[1], bid + 2);
	return file_exists(buf);
}

static struct mod *find_module(crashsig_symbolizer *s, const char *name,
			       const char *build_id)
{
	char nn[256];
	snprintf(nn, sizeof(nn), "%s", name);
	norm_name(nn);
	for (size_t i = 0; i < s->nmods; i++)
		if (strcmp(s->mods[i]->name, nn) == 0)
			return s->mods[i];
	for (size_t i = 0; i < s->nmissing; i++)
		if (strcmp(s->missing[i], nn) == 0)
			return NULL;
	const char *path = NULL;
	char bpath[4096];
	if (build_id && s->modules_dir &&
	    build_id_path(s->modules_dir, build_id, bpath, sizeof(bpath)))
		path = bpath;
	else if (build_id && build_id_path("/usr/lib/debug", build_id, bpath,
					   sizeof(bpath)))
		path = bpath;
	if (!path && s->modules_dir) {
		if (!s->files_indexed) {
			s->files_indexed = 1;
			struct stat st;
			if (stat(s->modules_dir, &st) == 0 && S_ISREG(st.st_mode)) {
				/* a single module file */
				s->files = calloc(1, sizeof(*s->files));
				if (s->files) {
					const char *b = strrchr(s->modules_dir, '/');
					b = b ? b + 1 : s->modules_dir;
					const char *dot = strstr(b, ".ko");
					s->files[0].name = cs_strndup(b, dot ? (size_t)(dot - b)
									     : strlen(b));
					s->files[0].path = strdup(s->modules_dir);
					if (s->files[0].name && s->files[0].path) {
						norm_name(s->files[0].name);
						s->nfiles = 1;
					}
				}
			} else {
				index_dir(s, s->modules_dir, 0);
			}
		}
		for (size_t i = 0; i < s->nfiles; i++)
			if (strcmp(s->files[i].name, nn) == 0) {
				path = s->files[i].path;
				break;
			}
	}
	struct mod *m = NULL;
	if (path)
		report_module(s, nn, path, &m);
	if (!m) {
		char **mi = realloc(s->missing, (s->nmissing + 1) * sizeof(*mi));
		if (mi) {
			s->missing = mi;
			mi[s->nmissing] = strdup(nn);
			if (mi[s->nmissing])
				s->nmissing++;
		}
	}
	return m;
}

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
 * touch == 0 it only validates. */
static uint64_t prefault_cu_headers(Elf *elf, int touch)
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
	while (off + 24 <= size) {
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

static int check_elf_file(crashsig_symbolizer *s, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cs_ctx_error(s->ctx, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cs_ctx_error(s->ctx, CRASHSIG_EIO, "%s: not a regular file", path);
	}
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int rc = 0;
	GElf_Ehdr eh;
	size_t nsec = 0;
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: not an ELF file", path);
	} else if (gelf_getclass(e) != ELFCLASS64 ||
		   (eh.e_machine != EM_X86_64 && eh.e_machine != EM_AARCH64)) {
		rc = cs_ctx_error(s->ctx, CRASHSIG_EUNSUPPORTED,
				  "%s: wrong architecture (ELF machine %u, class %d); "
				  "expected a 64-bit x86-64 or AArch64 kernel",
				  path, (unsigned)eh.e_machine, gelf_getclass(e));
	} else if ((eh.e_shoff && (eh.e_shoff > (uint64_t)st.st_size ||
				   (uint64_t)eh.e_shnum * eh.e_shentsize >
					   (uint64_t)st.st_size - eh.e_shoff)) ||
		   (eh.e_phoff && (eh.e_phoff > (uint64_t)st.st_size ||
				   (uint64_t)eh.e_phnum * eh.e_phentsize >
					   (uint64_t)st.st_size - eh.e_phoff))) {
		rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT,
				  "%s: truncated file (ELF headers point past its %lld bytes)",
				  path, (long long)st.st_size);
	} else if (elf_getshdrnum(e, &nsec) != 0) {
		rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: bad section table", path);
	} else {
		for (size_t i = 1; i < nsec && !rc; i++) {
			GElf_Shdr sh;
			Elf_Scn *scn = elf_getscn(e, i);
			if (!scn || !gelf_getshdr(scn, &sh)) {
				rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT,
						  "%s: bad section header %zu", path, i);
				break;
			}
			if (sh.sh_type != SHT_NOBITS &&
			    (sh.sh_offset > (uint64_t)st.st_size ||
			     sh.sh_size > (uint64_t)st.st_size - sh.sh_offset))
				rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT,
						  "%s: truncated file (section %zu ends at "
						  "%llu, file has %lld bytes)",
						  path, i,
						  (unsigned long long)(sh.sh_offset + sh.sh_size),
						  (long long)st.st_size);
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	return rc;
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
	    (opts->strip_prefix && !(s->strip_prefix = strdup(opts->strip_prefix)))) {
		rc = cs_ctx_error(ctx, CRASHSIG_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = check_elf_file(s, opts->vmlinux)) != 0)
		goto fail;
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
	s->cb.find_elf = dwfl_build_id_find_elf;
	s->cb.find_debuginfo = dwfl_standard_find_debuginfo;
	s->cb.section_address = dwfl_offline_section_address;
	s->debuginfo_path = NULL;
	s->cb.debuginfo_path = &s->debuginfo_path;
	s->dwfl = dwfl_begin(&s->cb);
	if (!s->dwfl) {
		rc = cs_ctx_error(ctx, CRASHSIG_ENOMEM, "dwfl_begin: %s", dwfl_errmsg(-1));
		goto fail;
	}
	dwfl_report_begin(s->dwfl);
	Dwfl_Module *dm = dwfl_report_offline(s->dwfl, "kernel", opts->vmlinux, -1);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (!dm) {
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
		GElf_Ehdr deh;
		if (delf && gelf_getehdr(delf, &deh) && deh.e_ident[EI_DATA] ==
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		    ELFDATA2LSB
#else
		    ELFDATA2MSB
#endif
		) {
			uint64_t bad = prefault_cu_headers(delf, 1);
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
	if (!(s->flags & CRASHSIG_SYMBOLIZE_LIBDW_ONLY))
		mod_init_lines(&s->vmlinux);
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
		abbrevs_free(m->cus[i].ab);
	}
	free(m->cus);
	free(m->syms);
	free(m->htab);
	free(m->name);
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
	for (size_t i = 0; i < s->nmissing; i++)
		free(s->missing[i]);
	free(s->missing);
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].name);
		free(s->files[i].path);
	}
	free(s->files);
	if (s->dwfl)
		dwfl_end(s->dwfl);
	free(s->debuginfo_path);
	free(s->modules_dir);
	free(s->strip_prefix);
	free(s->locs);
	free(s->lo);
	cs_buf_free(&s->strs);
	free(s->scratch);
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

/* ------------------------------------------------------------------ */
/* Lines and whole reports                                             */
/* ------------------------------------------------------------------ */

/* Length of the console prefix "[   12.345678]" (plus an optional caller id
 * "[    T1]"), 0 when there is none. The space after it stays in the body. */
static size_t console_prefix(const char *l, size_t n)
{
	size_t i = 0;
	for (int k = 0; k < 2; k++) {
		if (i >= n || l[i] != '[')
			break;
		size_t j = i + 1;
		int digits = 0;
		while (j < n && (l[j] == ' ' || l[j] == '.' || cs_isdigit((unsigned char)l[j]) ||
				 (k == 1 && (l[j] == 'T' || l[j] == 'C')))) {
			digits += cs_isdigit((unsigned char)l[j]) != 0;
			j++;
		}
		if (j >= n || l[j] != ']' || !digits)
			break;
		i = j + 1;
	}
	return i;
}

static int parse_kernel_offset(const char *b, size_t n, uint64_t *off)
{
	const char *k = memmem(b, n, "Kernel Offset: ", 15);
	if (!k)
		return 0;
	k += 15;
	size_t rest = n - (size_t)(k - b);
	return cs_parse_hex(k, rest, off) > 0;
}

struct span {
	size_t start, end; /* func+off/size in body; end == start: none */
};

static int is_ident(unsigned char c)
{
	return cs_isalnum(c) || c == '_' || c == '.' || c == '$';
}

static void find_span(const char *b, size_t n, const crashsig_frame *f,
		      struct span *sp)
{
	sp->start = sp->end = n;
	size_t fl = f->func ? strlen(f->func) : 0;
	if (fl) {
		for (size_t i = 0; i + fl < n; i++) {
			if (b[i + fl] != '+' || memcmp(b + i, f->func, fl) != 0)
				continue;
			if (i > 0 && is_ident((unsigned char)b[i - 1]))
				continue;
			size_t j = i + fl + 1;
			while (j < n && (cs_isxdigit((unsigned char)b[j]) || b[j] == 'x' ||
					 b[j] == 'X' || b[j] == '/'))
				j++;
			sp->start = i;
			sp->end = j;
			return;
		}
	}
	const char *a = memmem(b, n, ">]", 2);
	if (a)
		sp->start = sp->end = (size_t)(a - b) + 2;
}

static int sym_line(crashsig_symbolizer *s, const char *line, size_t len,
		    const crashsig_symres **res, size_t *plen, crashsig_frame *fr)
{
	*res = NULL;
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	size_t p = console_prefix(line, len);
	*plen = p;
	const char *b = line + p;
	size_t n = len - p;
	uint64_t ko;
	if (n > 15 && parse_kernel_offset(b, n, &ko)) {
		s->kaslr = ko;
		return 0;
	}
	if (s->scratchlen < n + 256) {
		char *nb = realloc(s->scratch, n + 256);
		if (!nb)
			return cs_ctx_error(s->ctx, CRASHSIG_ENOMEM, "out of memory");
		s->scratch = nb;
		s->scratchlen = n + 256;
	}
	if (crashsig_frame_parse(b, n, fr, s->scratch, s->scratchlen) != 1)
		return 0;
	if (fr->file || (fr->flags & CRASHSIG_FRAME_INLINE))
		return 0; /* already symbolized */
	/* a user-space RIP (RIP: 0033:0x...) has no function */
	if ((!fr->func || !*fr->func) && !(fr->flags & CRASHSIG_FRAME_HAS_ADDR))
		return 0;
	return crashsig_symbolizer_frame(s, fr, 0, res);
}

CS_EXPORT int crashsig_symbolizer_line(crashsig_symbolizer *s, const char *line,
				       size_t len, const crashsig_symres **res)
{
	if (!s || !line || !res)
		return CRASHSIG_EINVAL;
	size_t plen;
	crashsig_frame fr;
	return sym_line(s, line, len, res, &plen, &fr);
}

static int add_fileline(cs_buf *o, const crashsig_symloc *l)
{
	if (!l->file)
		return 0;
	if (l->line)
		return cs_buf_printf(o, " %s:%u", l->file, l->line);
	return cs_buf_printf(o, " %s", l->file);
}

static int emit_frame(cs_buf *o, const char *line, size_t plen, const char *b,
		      size_t n, const crashsig_frame *fr, const crashsig_symres *r)
{
	int rc = 0;
	if (r->status & CRASHSIG_SYM_MISMATCH) {
		rc |= cs_buf_add(o, line, plen);
		rc |= cs_buf_add(o, b, n);
		rc |= cs_buf_printf(o, " [%s]\n", r->note ? r->note : "mismatch");
		return rc ? CRASHSIG_ENOMEM : 0;
	}
	if (!(r->status & CRASHSIG_SYM_HAS_LINE) || !r->nlocs) {
		rc |= cs_buf_add(o, line, plen);
		rc |= cs_buf_add(o, b, n);
		rc |= cs_buf_addc(o, '\n');
		return rc ? CRASHSIG_ENOMEM : 0;
	}
	struct span sp;
	find_span(b, n, fr, &sp);
	for (size_t i = 0; i + 1 < r->nlocs; i++) {
		const crashsig_symloc *l = &r->locs[i];
		rc |= cs_buf_add(o, line, plen);
		if (sp.start < n || sp.end > sp.start) {
			rc |= cs_buf_add(o, b, sp.start);
		} else {
			size_t ws = 0;
			while (ws < n && b[ws] == ' ')
				ws++;
			rc |= cs_buf_add(o, b, ws);
		}
		rc |= cs_buf_adds(o, l->func);
		rc |= add_fileline(o, l);
		rc |= cs_buf_adds(o, " [inline]\n");
	}
	const crashsig_symloc *last = &r->locs[r->nlocs - 1];
	rc |= cs_buf_add(o, line, plen);
	if (sp.end > sp.start) {
		/* "func+off/size [module buildid] file:line", the order of
		 * scripts/decode_stacktrace.sh */
		size_t ins = sp.end;
		if (fr->module && ins + 2 < n && b[ins] == ' ' && b[ins + 1] == '[') {
			const char *cl = memchr(b + ins, ']', n - ins);
			if (cl)
				ins = (size_t)(cl - b) + 1;
		}
		rc |= cs_buf_add(o, b, ins);
		rc |= add_fileline(o, last);
		rc |= cs_buf_add(o, b + ins, n - ins);
	} else {
		/* raw address only: name it */
		rc |= cs_buf_add(o, b, n);
		if (r->symbol)
			rc |= cs_buf_printf(o, " %s+0x%llx/0x%llx", r->symbol,
					    (unsigned long long)r->sym_offset,
					    (unsigned long long)r->sym_size);
		rc |= add_fileline(o, last);
	}
	rc |= cs_buf_addc(o, '\n');
	return rc ? CRASHSIG_ENOMEM : 0;
}

CS_EXPORT int crashsig_symbolizer_report(crashsig_symbolizer *s, const void *data,
					 size_t len, char **out, size_t *outlen)
{
	if (!s || (!data && len) || !out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (outlen)
		*outlen = 0;
	const char *d = data;
	s->kaslr = s->kaslr_default;
	/* The "Kernel Offset:" line comes at the end of a panic: find it first. */
	const char *ko = len ? memmem(d, len, "Kernel Offset: ", 15) : NULL;
	if (ko) {
		const char *e = memchr(ko, '\n', len - (size_t)(ko - d));
		parse_kernel_offset(ko, e ? (size_t)(e - ko) : len - (size_t)(ko - d),
				    &s->kaslr);
	}
	cs_buf o = {0};
	int rc = cs_buf_reserve(&o, len + len / 4 + 64);
	size_t pos = 0;
	while (rc == 0 && pos < len) {
		const char *nl = memchr(d + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (d + pos)) : len - pos;
		const char *line = d + pos;
		pos += ll + (nl ? 1 : 0);
		size_t n = ll;
		if (n && line[n - 1] == '\r')
			n--;
		const crashsig_symres *r = NULL;
		size_t plen = 0;
		crashsig_frame fr;
		int k = sym_line(s, line, n, &r, &plen, &fr);
		if (k < 0) {
			rc = k;
			break;
		}
		if (k == 1 && r) {
			rc = emit_frame(&o, line, plen, line + plen, n - plen, &fr, r);
		} else {
			rc = cs_buf_add(&o, line, n);
			if (!rc && nl)
				rc = cs_buf_addc(&o, '\n');
		}
	}
	if (rc) {
		cs_buf_free(&o);
		return cs_ctx_error(s->ctx, rc, "symbolize: %s",
				    rc == CRASHSIG_ENOMEM ? "out of memory" : "failed");
	}
	if (!o.data && cs_buf_reserve(&o, 1)) /* empty input: "" */
		return cs_ctx_error(s->ctx, CRASHSIG_ENOMEM, "out of memory");
	if (outlen)
		*outlen = o.len;
	*out = cs_buf_detach(&o);
	return 0;
}
