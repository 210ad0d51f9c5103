/* Helpers shared by the symbolizer tests (test_symbolize.c,
 * test_dwarf_readers.c, test_symbolize_cli.c): fixture paths (built by
 * tests/symbolize/fixtures.cmake), opening a symbolizer, the FUNC symbols of
 * an ELF file. */
#ifndef CRASHSIG_SYMFIX_H
#define CRASHSIG_SYMFIX_H

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crashsig/crashsig.h"

#ifndef SYMFIX_DIR
#error "SYMFIX_DIR must be defined by tests/symbolize/fixtures.cmake"
#endif

#define FIX_PROG SYMFIX_DIR "/fix_prog"
#define FIX_NODEBUG SYMFIX_DIR "/fix_prog_nodebug"
#define FIX_MODDIR SYMFIX_DIR "/modules"
#define FIX_MOD SYMFIX_DIR "/modules/extra/fixmod.ko"
#define RK_DIR SYMFIX_REALKERNEL_DIR

struct env {
	crashsig_ctx *ctx;
	crashsig_symbolizer *s;
};

static inline crashsig_ctx *new_ctx(void)
{
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	crashsig_ctx *ctx = NULL;
	char eb[256];
	int rc = crashsig_ctx_new(&ctx, &o, eb, sizeof(eb));
	assert_int_equal(rc, 0);
	assert_non_null(ctx);
	return ctx;
}

static inline int open_sym(struct env *e, const char *vmlinux, const char *mods)
{
	e->ctx = new_ctx();
	crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	so.vmlinux = vmlinux;
	so.modules_dir = mods;
	e->s = NULL;
	return crashsig_symbolizer_new(&e->s, e->ctx, &so);
}

static inline void close_sym(struct env *e)
{
	crashsig_symbolizer_free(e->s);
	crashsig_ctx_free(e->ctx);
	e->s = NULL;
	e->ctx = NULL;
}

static inline int file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* The file offset of .debug_info in the ELF image d (n bytes), or 0. */
static inline uint64_t debug_info_offset(char *d, size_t n)
{
	elf_version(EV_CURRENT);
	Elf *e = elf_memory(d, n);
	assert_non_null(e);
	size_t shstr;
	assert_int_equal(elf_getshdrstrndx(e, &shstr), 0);
	Elf_Scn *scn = NULL;
	uint64_t off = 0;
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		gelf_getshdr(scn, &sh);
		if (strcmp(elf_strptr(e, shstr, sh.sh_name), ".debug_info") == 0)
			off = sh.sh_offset;
	}
	elf_end(e);
	return off;
}

/* Copy FIX_PROG to dst with the length of its second DWARF unit (the one
 * of fix_other.c) made a reserved value (0xfffffff0): a unit that runs past
 * .debug_info. Returns that unit's offset in .debug_info. */
static inline uint64_t damage_second_unit(const char *dst)
{
	FILE *f = fopen(FIX_PROG, "rb");
	assert_non_null(f);
	static char d[1 << 20];
	size_t n = fread(d, 1, sizeof(d), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(d));
	uint64_t off = debug_info_offset(d, n);
	assert_true(off > 0);
	uint32_t l0;
	memcpy(&l0, d + off, 4);
	assert_true(l0 < 0xfffffff0u);
	uint64_t second = 4 + (uint64_t)l0;
	assert_true(off + second + 4 <= n);
	uint32_t bad = 0xfffffff0u;
	memcpy(d + off + second, &bad, 4);
	f = fopen(dst, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return second;
}

struct fsym {
	char name[128];
	char sec[64];
	uint64_t value, size;
};

/* FUNC symbols (with size) of an ELF file, read with libelf. */
static inline size_t elf_funcs(const char *path, struct fsym *out, size_t max)
{
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(e);
	size_t shstr, n = 0;
	assert_int_equal(elf_getshdrstrndx(e, &shstr), 0);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		size_t cnt = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < cnt && n < max; i++) {
			GElf_Sym sym;
			gelf_getsym(d, (int)i, &sym);
			if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || !sym.st_size ||
			    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
				continue;
			const char *nm = elf_strptr(e, sh.sh_link, sym.st_name);
			if (!nm || strncmp(nm, "fix", 3) != 0)
				continue;
			GElf_Shdr ts;
			gelf_getshdr(elf_getscn(e, sym.st_shndx), &ts);
			snprintf(out[n].name, sizeof(out[n].name), "%s", nm);
			snprintf(out[n].sec, sizeof(out[n].sec), "%s",
				 elf_strptr(e, shstr, ts.sh_name));
			out[n].value = sym.st_value;
			out[n].size = sym.st_size;
			n++;
		}
	}
	elf_end(e);
	close(fd);
	return n;
}

#endif
