/* WARN/BUG sites from the kernel's __bug_table: in vmlinux (6.1 x86-64
 * struct bug_entry with relative addresses, see index.c) and in ET_REL
 * modules (through the section's relocations), each with the innermost
 * inlined function around it. */
#include "validate/result.h"

#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

static const char *inlined_at(crashsig_index *ix, uint64_t addr)
{
	Dwarf_Die cu, *scopes = NULL;
	if (!ix->dw || !dwarf_addrdie(ix->dw, addr, &cu))
		return NULL;
	int n = dwarf_getscopes(&cu, addr, &scopes);
	const char *name = NULL;
	for (int i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine) {
			Dwarf_Attribute at;
			if (dwarf_attr_integrate(&scopes[i], DW_AT_name, &at))
				name = dwarf_formstring(&at);
			break;
		}
		if (tag == DW_TAG_subprogram)
			break;
	}
	free(scopes);
	return name;
}

static void add_site(crashsig_index *ix, vres *r, crashsig_bug_site *sites, size_t *n,
		     const vx_bug *b)
{
	for (size_t i = 0; i < *n; i++)
		if (sites[i].addr == b->addr)
			return;
	if (*n >= MAX_SITES)
		return;
	crashsig_bug_site *s = &sites[(*n)++];
	s->addr = b->addr;
	const vx_sym *sym = vx_sym_at(ix, b->addr);
	s->symbol = vx_rstr(r, sym ? sym->name : "??");
	vx_norm_path(r, b->file, &s->file);
	s->line = b->line;
	s->warning = (b->flags & 1) != 0;
	s->inlined_in = vx_rstr(r, inlined_at(ix, b->addr));
}

/* WARN/BUG sites inside [lo, hi) ranges. */
void vx_sites_in(crashsig_index *ix, vres *r, const vx_range *rg, size_t nrg)
{
	if (vx_bugs_load(ix) || !ix->nbugs)
		return;
	crashsig_bug_site *sites = vx_rmem(r, MAX_SITES * sizeof(*sites));
	if (!sites)
		return;
	size_t n = 0;
	for (size_t k = 0; k < nrg; k++) {
		size_t lo = 0, hi = ix->nbugs;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (ix->bugs[mid].addr < rg[k].lo)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < ix->nbugs && ix->bugs[i].addr < rg[k].hi; i++)
			add_site(ix, r, sites, &n, &ix->bugs[i]);
	}
	r->v.sites = sites;
	r->v.nsites = n;
}

/* WARN/BUG sites of a module function: __bug_table of an ET_REL module is
 * not relocated, so each entry's bug_addr_disp / file_disp is read from
 * its R_X86_64_PC32 relocation: the target is symbol + addend (for a
 * PC-relative field, target = P + (S + A - P)). */
void vx_module_sites(crashsig_index *ix, vres *r, vx_mod *m, const char *name)
{
	Elf *elf = m->elf;
	size_t shstrndx;
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		return;
	Elf_Scn *scn = NULL, *bt = NULL, *rela = NULL, *symscn = NULL;
	size_t btidx = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *nm = elf_strptr(elf, shstrndx, sh.sh_name);
		if (nm && !strcmp(nm, "__bug_table")) {
			bt = scn;
			btidx = elf_ndxscn(scn);
		}
		if (sh.sh_type == SHT_SYMTAB)
			symscn = scn;
	}
	if (!bt || !symscn)
		return;
	scn = NULL;
	while (!rela && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_RELA && sh.sh_info == btidx)
			rela = scn;
	}
	Elf_Data *bd = elf_getdata(bt, NULL), *rd = rela ? elf_getdata(rela, NULL) : NULL;
	Elf_Data *sd = elf_getdata(symscn, NULL);
	GElf_Shdr rsh, ssh;
	if (!bd || !rd || !sd || !gelf_getshdr(rela, &rsh) || !gelf_getshdr(symscn, &ssh) ||
	    !rsh.sh_entsize)
		return;
	size_t nent = bd->d_size / 12, nrel = rsh.sh_size / rsh.sh_entsize;
	crashsig_bug_site *sites = vx_rmem(r, MAX_SITES * sizeof(*sites));
	if (!sites)
		return;
	size_t ns = 0, nl = strlen(name);
	Dwarf_Addr bias = 0;
	vx_mod_dwarf(ix, m, &bias);
	/* the function symbols of that name (pieces included) */
	struct fnr {
		GElf_Sym sym;
		int idx;
		const char *name;
	} fr[16];
	size_t nfr = 0, nsyms = ssh.sh_size / (ssh.sh_entsize ? ssh.sh_entsize : 24);
	for (size_t i = 1; i < nsyms && nfr < 16; i++) {
		GElf_Sym fn;
		if (!gelf_getsym(sd, (int)i, &fn) || GELF_ST_TYPE(fn.st_info) != STT_FUNC)
			continue;
		const char *fname = elf_strptr(elf, ssh.sh_link, fn.st_name);
		if (!fname || strncmp(fname, name, nl) || (fname[nl] && fname[nl] != '.'))
			continue;
		fr[nfr].sym = fn;
		fr[nfr].idx = (int)i;
		fr[nfr++].name = fname;
	}
	if (!nfr) {
		r->v.sites = sites;
		return;
	}
	/* entries whose bug address (field 0, target = S + A) is in them */
	struct bhit {
		size_t entry, fn;
		uint64_t off;
		int have_file;
		GElf_Sym fsym;
		int64_t fadd;
	} hits[MAX_SITES];
	size_t nh = 0;
	for (size_t i = 0; i < nrel && nh < MAX_SITES; i++) {
		GElf_Rela rl;
		GElf_Sym sy;
		if (!gelf_getrela(rd, (int)i, &rl) || rl.r_offset % 12 != 0 ||
		    rl.r_offset / 12 >= nent || !gelf_getsym(sd, (int)GELF_R_SYM(rl.r_info), &sy))
			continue;
		uint64_t off = sy.st_value + (uint64_t)rl.r_addend;
		for (size_t f = 0; f < nfr; f++) {
			const GElf_Sym *fn = &fr[f].sym;
			if (fn->st_shndx != sy.st_shndx || off < fn->st_value ||
			    off >= fn->st_value + (fn->st_size ? fn->st_size : 1))
				continue;
			memset(&hits[nh], 0, sizeof(hits[nh]));
			hits[nh].entry = rl.r_offset / 12;
			hits[nh].fn = f;
			hits[nh++].off = off;
			break;
		}
	}
	/* their file strings (field 4) */
	for (size_t i = 0; nh && i < nrel; i++) {
		GElf_Rela rl;
		GElf_Sym sy;
		if (!gelf_getrela(rd, (int)i, &rl) || rl.r_offset % 12 != 4)
			continue;
		for (size_t k = 0; k < nh; k++)
			if (hits[k].entry == rl.r_offset / 12 &&
			    gelf_getsym(sd, (int)GELF_R_SYM(rl.r_info), &sy)) {
				hits[k].fsym = sy;
				hits[k].fadd = rl.r_addend;
				hits[k].have_file = 1;
			}
	}
	for (size_t k = 0; k < nh; k++) {
		const struct fnr *f = &fr[hits[k].fn];
		crashsig_bug_site *st = &sites[ns++];
		const unsigned char *p = (const unsigned char *)bd->d_buf + hits[k].entry * 12;
		uint16_t line, flags;
		memcpy(&line, p + 8, 2);
		memcpy(&flags, p + 10, 2);
		st->line = line;
		st->warning = (flags & 1) != 0;
		st->symbol = vx_rfmt(r, "%s:%s", m->name, f->name);
		st->addr = hits[k].off;
		if (hits[k].have_file) {
			Elf_Scn *fs = elf_getscn(elf, hits[k].fsym.st_shndx);
			Elf_Data *fdat = fs ? elf_getdata(fs, NULL) : NULL;
			uint64_t fo = hits[k].fsym.st_value + (uint64_t)hits[k].fadd;
			if (fdat && fdat->d_buf && fo < fdat->d_size &&
			    memchr((const char *)fdat->d_buf + fo, 0, fdat->d_size - fo))
				vx_norm_path(r, (const char *)fdat->d_buf + fo, &st->file);
		}
		/* inline chain at the site through libdwfl's layout */
		GElf_Sym gs;
		GElf_Addr faddr;
		if (m->dm && dwfl_module_getsym_info(m->dm, f->idx, &gs, &faddr, NULL, NULL, NULL)) {
			Dwarf_Addr b2, site = faddr + (hits[k].off - f->sym.st_value);
			Dwarf_Die *cu = dwfl_module_addrdie(m->dm, site, &b2);
			Dwarf_Die *scopes = NULL;
			int n = cu ? dwarf_getscopes(cu, site - b2, &scopes) : 0;
			for (int i = 0; i < n; i++) {
				int tag = dwarf_tag(&scopes[i]);
				if (tag == DW_TAG_inlined_subroutine) {
					Dwarf_Attribute at;
					if (dwarf_attr_integrate(&scopes[i], DW_AT_name, &at))
						st->inlined_in = vx_rstr(r, dwarf_formstring(&at));
					break;
				}
				if (tag == DW_TAG_subprogram)
					break;
			}
			free(scopes);
		}
	}
	r->v.sites = sites;
	r->v.nsites = ns;
}

int vx_wants_sites(const char *kind)
{
	return !strncmp(kind, "WARNING", 7) || !strncmp(kind, "kernel BUG", 10);
}

