/* Kallsyms-like symbol table of one binary (vmlinux or a module). */
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize/symbolize_int.h"

/* ------------------------------------------------------------------ */
/* Symbol table                                                        */
/* ------------------------------------------------------------------ */

/* Hash of a symbol name of n bytes, eight bytes at a time (vmlinux has
 * ~47,000 text symbols, and hashing their names a byte at a time was a
 * tenth of the symbolizer's start-up). limit: the end of the string table
 * s is in (the last bytes are then read as one word and masked), or NULL. */
static uint32_t hash_mem(const char *s, size_t n, const char *limit)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	for (; n >= 8; n -= 8, s += 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	if (n) {
		w = 0;
		if (limit && limit - s >= 8) {
			memcpy(&w, s, 8); /* inside the table: then masked */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			w &= ~0ull >> (8 * (8 - n));
#else
			w = 0;
			for (size_t i = 0; i < n; i++)
				w |= (uint64_t)(unsigned char)s[i] << (8 * i);
#endif
		} else {
			for (size_t i = 0; i < n; i++) /* n < 8: no call to memcpy */
				w |= (uint64_t)(unsigned char)s[i] << (8 * i);
		}
		h = (h ^ w) * 0xff51afd7ed558ccdull;
	}
	h ^= h >> 32;
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h ^ (h >> 29)) & 0xffffff; /* struct sym keeps 24 bits */
}

static uint32_t hash_str(const char *s)
{
	return hash_mem(s, strlen(s), NULL);
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
	uint32_t *cnt = malloc(65536 * sizeof(*cnt)); /* n < 2^32: uint32 indexes */
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return CRASHSIG_ENOMEM;
	}
	struct sym *src = m->syms, *dst = tmp;
	uint64_t range = hi - lo;
	for (unsigned shift = 0; shift < 64 && (shift == 0 || (range >> shift) != 0);
	     shift += 16) {
		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[((src[i].addr - lo) >> shift) & 0xffff]++;
		uint32_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			uint32_t c = cnt[d];
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

/* Sort keys (addr - lo) << 32 | index by their high half, stably (LSD
 * radix, digits of at most 13 bits): the order of (address, index). */
static int sort_keys(uint64_t *k, size_t n, uint64_t range)
{
	unsigned bits = 0;
	while (bits < 32 && (range >> bits))
		bits++;
	if (n < 2 || !bits)
		return 0;
	unsigned passes = (bits + 12) / 13, dbits = (bits + passes - 1) / passes;
	size_t nd = (size_t)1 << dbits;
	uint64_t *tmp = malloc(n * sizeof(*tmp));
	uint32_t *cnt = malloc(nd * sizeof(*cnt));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return CRASHSIG_ENOMEM;
	}
	uint64_t *src = k, *dst = tmp;
	for (unsigned p = 0, sh = 32; p < passes; p++, sh += dbits) {
		memset(cnt, 0, nd * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(src[i] >> sh) & (nd - 1)]++;
		uint32_t sum = 0;
		for (size_t d = 0; d < nd; d++) {
			uint32_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i] >> sh) & (nd - 1)]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != k)
		memcpy(k, src, n * sizeof(*k));
	free(tmp);
	free(cnt);
	return 0;
}

/* The name of symbol y when it is one the symbolizer keeps (a function or
 * untyped symbol with a name, in an executable section, not a local ".L"
 * label, its name inside the string table), else NULL. */
static const char *text_sym(const Elf64_Sym *y, const struct secinfo *sec, size_t nsec,
			    const char *strs, size_t strn, int terminated)
{
	int t = ELF64_ST_TYPE(y->st_info);
	if (t != STT_FUNC && t != STT_NOTYPE)
		return NULL;
	size_t shndx = y->st_shndx;
	if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE || shndx >= nsec)
		return NULL;
	if (sec[shndx].exec <= 0 || y->st_name >= strn)
		return NULL;
	const char *name = strs + y->st_name;
	if (!*name || (name[0] == '.' && name[1] == 'L') ||
	    (!terminated && !memchr(name, 0, strn - y->st_name)))
		return NULL;
	return name;
}

/* Fast path for a 64-bit ET_EXEC with its own .symtab (vmlinux): read the
 * Elf64_Sym array directly; names are only touched for text symbols. The
 * text symbols are sorted as 8-byte keys (address, index) and then made
 * in address order, so the 32-byte symbols are written once and never
 * sorted (sort_syms finds them in order): 365 pages of a sort buffer fewer
 * on a vmlinux.
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
	/* every section's extent once (a few dozen), not per symbol */
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 1; i < nsec; i++) {
		struct secinfo *si = sec_get(elf, sec, i, 0, 0, bias);
		if (si->exec > 0) {
			lo = si->start < lo ? si->start : lo;
			hi = si->end > hi ? si->end : hi;
		}
	}
	/* a string table ending in NUL terminates every name inside it */
	int terminated = strn && strs[strn - 1] == 0;
	uint64_t *keys = cnt <= UINT32_MAX && lo < hi && hi - lo < (1ull << 32)
				 ? malloc(sizeof(*keys) * (cnt ? cnt : 1))
				 : NULL;
	size_t nk = 0;
	for (size_t i = 1; keys && i < cnt; i++) {
		if (!text_sym(&es[i], sec, nsec, strs, strn, terminated))
			continue;
		uint64_t a = es[i].st_value + bias;
		if (a < lo || a - lo >= (1ull << 32)) {
			free(keys); /* outside its sections: sorted the long way */
			keys = NULL;
			break;
		}
		keys[nk++] = (a - lo) << 32 | i;
	}
	if (keys && sort_keys(keys, nk, hi - lo) != 0) {
		free(keys);
		return CRASHSIG_ENOMEM;
	}
	m->syms = malloc(sizeof(struct sym) * (keys ? (nk ? nk : 1) : (cnt ? cnt : 1)));
	if (!m->syms) {
		free(keys);
		return CRASHSIG_ENOMEM;
	}
	m->nsyms = 0;
	if (keys) {
		for (size_t j = 0; j < nk; j++) {
			size_t i = (size_t)(keys[j] & 0xffffffffu);
			sym_push(m, &sec[es[i].st_shndx], strs + es[i].st_name, es[i].st_value + bias,
				 ELF64_ST_TYPE(es[i].st_info), ELF64_ST_BIND(es[i].st_info),
				 es[i].st_size);
		}
		free(keys);
		m->strs_end = strs + strn;
		return 1;
	}
	for (size_t i = 1; i < cnt; i++) {
		const char *name = text_sym(&es[i], sec, nsec, strs, strn, terminated);
		if (name)
			sym_push(m, &sec[es[i].st_shndx], name, es[i].st_value + bias,
				 ELF64_ST_TYPE(es[i].st_info), ELF64_ST_BIND(es[i].st_info),
				 es[i].st_size);
	}
	m->strs_end = strs + strn;
	return 1;
}

int mod_load_syms(crashsig_symbolizer *s, struct mod *m)
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
	/* the names of the direct path are all in one string table */
	for (size_t i = 0; i < k; i++) {
		const char *nm = m->syms[i].name;
		m->syms[i].hash = hash_mem(nm, strlen(nm), m->strs_end);
	}
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

uint32_t sym_by_name(const struct mod *m, const char *name)
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
const struct sym *sym_by_addr(const struct mod *m, uint64_t addr)
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
