/* Modules of the name index: finding and reading their symbol tables,
 * their DWARF on demand through libdwfl (ET_REL needs relocations; at most
 * MAX_MOD_DWARF kept open), the holders of inlined copies inside one module
 * and the modules that may hold a function only inlined there. */
#include "validate/validate_int.h"

#include "symbolize/image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dwarf.h>

/* ------------------------------------------------------------------ */
/* Modules                                                             */
/* ------------------------------------------------------------------ */

static int add_problem(crashsig_index *ix, const char *msg)
{
	if (cs_reserve((void **)&ix->problems, &ix->capproblems, ix->nproblems + 1,
		       sizeof(char *)))
		return CRASHSIG_ENOMEM;
	if (!(ix->problems[ix->nproblems] = cs_strndup(msg, strlen(msg))))
		return CRASHSIG_ENOMEM;
	ix->nproblems++;
	return 0;
}

int vx_add_module(crashsig_index *ix, const char *path, int explicit_file)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char nn[256];
	if (!cs_module_name(base, nn, sizeof(nn))) {
		if (!explicit_file)
			return 0;
		/* a file named by the caller: its name up to the first '.' */
		size_t k = strcspn(base, ".");
		snprintf(nn, sizeof(nn), "%.*s", (int)(k ? k : strlen(base)), base);
		for (char *p = nn; *p; p++)
			if (*p == '-')
				*p = '_';
	}
	cs_image img;
	int rc = cs_image_open(&img, ix->ctx, path, CS_IMAGE_MODULE, ix->machine);
	if (rc == CRASHSIG_ENOMEM || (rc && explicit_file))
		return rc;
	if (cs_reserve((void **)&ix->mods, &ix->capmods, ix->nmods + 1, sizeof(vx_mod))) {
		cs_image_close(&img);
		return CRASHSIG_ENOMEM;
	}
	vx_mod *m = &ix->mods[ix->nmods];
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->name = cs_strndup(nn, strlen(nn));
	m->path = cs_strndup(path, strlen(path));
	if (!m->name || !m->path) {
		free(m->name);
		free(m->path);
		cs_image_close(&img);
		return CRASHSIG_ENOMEM;
	}
	ix->nmods++;
	if (rc) { /* refused: listed, no symbols; the reason is kept */
		const char *why = crashsig_error_last(ix->ctx);
		return add_problem(ix, why[0] ? why : path); /* no context: the path */
	}
	/* The symbol table stays mapped; the descriptor is not needed (a
	 * decompressed module's memfd stays alive through the mapping). */
	elf_cntl(img.elf, ELF_C_FDREAD);
	m->elf = img.elf;
	img.elf = NULL;
	cs_image_close(&img);
	return vx_add_symtab(ix, m->elf, (uint32_t)ix->nmods);
}

static int scan_file(void *arg, const char *path, const char *name)
{
	(void)name;
	return vx_add_module(arg, path, 0);
}

int vx_scan_modules(crashsig_index *ix, const char *dir)
{
	/* 8 levels, links to directories followed; dot entries (.build-id
	 * trees) are no modules. */
	int rc = cs_dir_walk(dir, 8, 1, scan_file, ix);
	if (rc == CRASHSIG_EIO)
		return cs_ctx_error(ix->ctx, CRASHSIG_EIO, "%s: %s", dir, strerror(errno));
	return rc;
}

/* At most this many modules keep their (relocated, hence copied) DWARF. */
#define MAX_MOD_DWARF 8

static void mod_dwarf_close(crashsig_index *ix, vx_mod *m)
{
	if (m->dwfl) {
		dwfl_end(m->dwfl);
		ix->nmod_dwarf--;
	}
	m->dwfl = NULL;
	m->dm = NULL;
	m->dw = NULL;
	m->dwarf_tried = 0;
}

Dwarf *vx_mod_dwarf(crashsig_index *ix, vx_mod *m, Dwarf_Addr *bias)
{
	m->used = ++ix->tick;
	if (m->dwarf_tried) {
		*bias = m->bias;
		return m->dw;
	}
	if (ix->nmod_dwarf >= MAX_MOD_DWARF) {
		vx_mod *old = NULL;
		for (size_t i = 0; i < ix->nmods; i++)
			if (ix->mods[i].dwfl && &ix->mods[i] != m &&
			    (!old || ix->mods[i].used < old->used))
				old = &ix->mods[i];
		if (old)
			mod_dwarf_close(ix, old);
	}
	m->dwarf_tried = 1;
	static const Dwfl_Callbacks cb = {
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
	/* through the loader again (a compressed module is decompressed with
	 * its bounds; libdwfl would do it without) */
	cs_image img;
	if (!m->elf || cs_image_open(&img, NULL, m->path, CS_IMAGE_MODULE, ix->machine))
		return NULL;
	int fd = cs_image_dup_fd(&img);
	cs_image_close(&img);
	if (fd < 0)
		return NULL;
	m->dwfl = dwfl_begin(&cb);
	if (!m->dwfl) {
		close(fd);
		return NULL;
	}
	ix->nmod_dwarf++;
	/* dwfl takes ownership of fd on success */
	Dwfl_Module *dm = dwfl_report_offline(m->dwfl, m->name, m->path, fd);
	dwfl_report_end(m->dwfl, NULL, NULL);
	if (!dm) {
		close(fd);
		return NULL;
	}
	m->dm = dm;
	m->dw = dwfl_module_getdwarf(dm, &m->bias);
	*bias = m->bias;
	return m->dw;
}


/* Holders of inlined copies of name inside one module (its DWARF is small
 * enough to walk whole). */
int vx_mod_holders(crashsig_index *ix, vx_mod *m, const char *name, vx_holder_cb cb,
		   void *arg)
{
	Dwarf_Addr bias;
	Dwarf *dw = vx_mod_dwarf(ix, m, &bias);
	if (!dw)
		return 0;
	uint64_t *set = NULL;
	size_t nset = 0, cap = 0;
	Dwarf_Off off = 0, next;
	size_t hsize;
	int rc = 0;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		off = 0;
		while (dwarf_next_unit(dw, off, &next, &hsize, NULL, NULL, NULL, NULL, NULL,
				       NULL) == 0) {
			Dwarf_Die cudie, die;
			int ok = dwarf_offdie(dw, off + hsize, &cudie) != NULL;
			off = next;
			if (!ok || dwarf_child(&cudie, &die) != 0)
				continue;
			do {
				if (dwarf_tag(&die) != DW_TAG_subprogram)
					continue;
				if (pass == 0) {
					const char *n = dwarf_diename(&die);
					if (!n || strcmp(n, name))
						continue;
					if (cs_reserve((void **)&set, &cap, nset + 1, sizeof(*set))) {
						rc = CRASHSIG_ENOMEM;
						break;
					}
					set[nset++] = dwarf_dieoffset(&die);
				} else if (dwarf_hasattr(&die, DW_AT_low_pc) ||
					   dwarf_hasattr(&die, DW_AT_ranges)) {
					vx_walk_inlines(&die, &die, set, nset, cb, arg, 0);
				}
			} while (dwarf_siblingof(&die, &die) == 0);
		}
		if (!nset)
			break;
		qsort(set, nset, sizeof(*set), vx_cmp_u64);
	}
	free(set);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Strings of module DWARF                                             */
/* ------------------------------------------------------------------ */

static const char *mod_debug_str(vx_mod *m, size_t *len)
{
	size_t shstrndx;
	if (!m->elf || elf_getshdrstrndx(m->elf, &shstrndx))
		return NULL;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(m->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_flags & SHF_COMPRESSED))
			continue;
		const char *nm = elf_strptr(m->elf, shstrndx, sh.sh_name);
		if (!nm || strcmp(nm, ".debug_str"))
			continue;
		Elf_Data *d = elf_rawdata(scn, NULL);
		if (!d || !d->d_buf)
			return NULL;
		*len = d->d_size;
		return d->d_buf;
	}
	return NULL;
}

static size_t prefix_len(const char *a, const char *b)
{
	size_t i = 0;
	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

typedef struct mscore {
	uint32_t mod;
	size_t best, hits;
} mscore;

static int cmp_mscore(const void *a, const void *b)
{
	const mscore *x = a, *y = b;
	if (x->best != y->best)
		return x->best > y->best ? -1 : 1;
	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return x->mod < y->mod ? -1 : x->mod > y->mod;
}

/* A function only inlined inside a module has no symbol there, but the
 * module's other functions usually share its prefix ("sctp_", "nfsd_").
 * Rank modules by the longest prefix their symbols share with name (at
 * least the first '_'-separated word), and confirm with the exact string
 * in the module's .debug_str. No global string index: it would cost more
 * than the whole title run. */
static int cmp_symname(const void *a, const void *b, void *arg)
{
	const vx_sym *s = arg;
	return strcmp(s[*(const uint32_t *)a].name, s[*(const uint32_t *)b].name);
}

size_t vx_modules_with_string(crashsig_index *ix, const char *name, uint32_t *out, size_t max)
{
	size_t n = strlen(name), word = 0;
	while (word < n && name[word] == '_')
		word++;
	while (word < n && name[word] != '_')
		word++;
	if (word < 2 || !ix->nmods || !max || ix->nsyms == ix->nvmsyms)
		return 0;
	if (!ix->modsyms_sorted) {
		ix->nmodsyms_sorted = ix->nsyms - ix->nvmsyms;
		ix->modsyms_sorted = malloc(ix->nmodsyms_sorted * sizeof(uint32_t));
		if (!ix->modsyms_sorted)
			return 0;
		for (size_t i = 0; i < ix->nmodsyms_sorted; i++)
			ix->modsyms_sorted[i] = (uint32_t)(ix->nvmsyms + i);
		qsort_r(ix->modsyms_sorted, ix->nmodsyms_sorted, sizeof(uint32_t), cmp_symname,
			ix->syms);
	}
	/* the module symbols starting with the first word of name */
	size_t lo = 0, hi = ix->nmodsyms_sorted;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strncmp(ix->syms[ix->modsyms_sorted[mid]].name, name, word) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	mscore sc[64];
	size_t nsc = 0;
	for (size_t i = lo; i < ix->nmodsyms_sorted; i++) {
		const vx_sym *s = &ix->syms[ix->modsyms_sorted[i]];
		if (strncmp(s->name, name, word))
			break;
		size_t p = prefix_len(name, s->name), k = 0;
		while (k < nsc && sc[k].mod != s->mod - 1)
			k++;
		if (k == nsc) {
			if (nsc == sizeof(sc) / sizeof(sc[0]))
				continue;
			sc[nsc].mod = s->mod - 1;
			sc[nsc].best = 0;
			sc[nsc++].hits = 0;
		}
		if (p > sc[k].best)
			sc[k].best = p;
		sc[k].hits++;
	}
	if (nsc)
		qsort(sc, nsc, sizeof(mscore), cmp_mscore);
	size_t k = 0;
	/* a module must share the first word and its '_' ("sg_" of sg_io
	 * for sg_scsi_ioctl; "fs" of fsnotify is not enough) */
	for (size_t i = 0; i < nsc && i < 6 && k < max && sc[i].best > word; i++) {
		size_t len = 0;
		const char *p = mod_debug_str(&ix->mods[sc[i].mod], &len);
		for (const char *q = p; q && q < p + len &&
		     (q = memmem(q, len - (size_t)(q - p), name, n + 1)); q++) {
			if (q == p || q[-1] == 0) {
				out[k++] = sc[i].mod;
				break;
			}
		}
	}
	return k;
}

