/* Private declarations of src/validate: the name index of a vmlinux and its
 * modules (index.c), title parsing and verdicts (validate.c), guilty file
 * (guilty.c), MAINTAINERS (maintainers.c). */
#ifndef CRASHSIG_VALIDATE_INT_H
#define CRASHSIG_VALIDATE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>

#include "base/ctx.h"
#include "base/util.h"
#include "crashsig/symbolize.h"
#include "crashsig/validate.h"

#define VX_NONE UINT32_MAX

/* A function symbol (STT_FUNC, or STT_NOTYPE in an executable section) of
 * vmlinux or a module. name points into the mapped ELF string table. */
typedef struct vx_sym {
	const char *name;
	uint64_t addr, size; /* addr: vmlinux address / module section offset */
	uint32_t mod;        /* 0: vmlinux, i: ix->mods[i - 1] */
	uint32_t next;       /* next symbol with the same base name */
	uint16_t blen;       /* length of the base name (before the first '.') */
	uint8_t local;
} vx_sym;

enum {
	VX_FN_CODE = 1,     /* has DW_AT_low_pc / DW_AT_ranges */
	VX_FN_DECL = 2,     /* DW_AT_declaration */
	VX_FN_OOL = 4,      /* a concrete out-of-line DIE refers to it */
	VX_FN_EXTERNAL = 8, /* DW_AT_external */
};

/* A named DW_TAG_subprogram at the top level of a vmlinux unit. */
typedef struct vx_fn {
	const char *name; /* points into .debug_str (mapped) */
	uint64_t off;     /* DIE offset */
	uint32_t cu;      /* index in ix->cus */
	uint32_t next;    /* next DIE with the same name */
	uint8_t inl;      /* DW_AT_inline value (0 when absent) */
	uint8_t flags;    /* VX_FN_* */
} vx_fn;

typedef struct vx_cu {
	uint64_t off;     /* offset of the unit DIE */
	const char *name; /* DW_AT_name of the unit */
} vx_cu;

typedef struct vx_mod {
	char *name; /* module name, '-' turned into '_' */
	char *path;
	Elf *elf;   /* symbol table kept mapped; NULL when unreadable */
	int fd;
	Dwfl *dwfl; /* opened on demand for DWARF */
	Dwfl_Module *dm;
	Dwarf *dw;
	Dwarf_Addr bias;
	int dwarf_tried;
	uint64_t used; /* ix->tick when the DWARF was last asked for */
} vx_mod;

typedef struct vx_map {
	uint32_t *heads;
	size_t mask;
} vx_map;

typedef struct vx_bug {
	uint64_t addr;
	const char *file; /* points into .rodata of vmlinux */
	uint16_t line, flags;
} vx_bug;

struct crashsig_index {
	crashsig_ctx *ctx;
	int fd;
	Elf *elf;
	Dwarf *dw; /* NULL: no DWARF */
	vx_sym *syms;
	size_t nsyms, capsyms, nvmsyms;
	vx_map symmap; /* base name -> syms */
	uint32_t *byaddr; /* vmlinux symbols sorted by address */
	size_t nbyaddr;
	vx_fn *fns;
	size_t nfns, capfns;
	vx_map fnmap; /* name -> fns */
	vx_cu *cus;
	size_t ncus, capcus;
	vx_mod *mods;
	size_t nmods, capmods;
	unsigned machine; /* e_machine of vmlinux: modules must have it */
	/* "PATH: reason" of module files under the modules directory that
	 * the loader refused (listed without symbols), owned */
	char **problems;
	size_t nproblems, capproblems;
	vx_bug *bugs;
	size_t nbugs;
	uint64_t tick;      /* for the module DWARF kept open (LRU) */
	size_t nmod_dwarf;  /* modules with DWARF open */
	int bugs_loaded;
	const char **sorted_names; /* unique base names, sorted (lazily) */
	uint32_t *modsyms_sorted;  /* module symbols by name (lazily) */
	size_t nmodsyms_sorted;
	size_t nsorted;
	double build_seconds;
	int dies_own; /* fns/cus came from the shared DIE reader (src/dwarf/),
		       * 0: from libdw (CRASHSIG_INDEX_LIBDW_ONLY or fallback) */
};

uint32_t vx_hash(const char *s, size_t n);
/* Symbols / DIEs named exactly (base name) name[0..n). */
uint32_t vx_sym_first(const crashsig_index *ix, const char *name, size_t n);
uint32_t vx_fn_first(const crashsig_index *ix, const char *name, size_t n);
/* The vmlinux symbol containing addr, or NULL. */
const vx_sym *vx_sym_at(const crashsig_index *ix, uint64_t addr);
/* Load __bug_table of vmlinux (once). */
int vx_bugs_load(crashsig_index *ix);

/* Holders of the inlined copies of the abstract DIEs fns[idx...] with the
 * given name: calls cb for every DW_TAG_inlined_subroutine whose abstract
 * origin is one of them, with the top-level function holding it (its DIE)
 * and the inlined DIE. Returns 0 or an error. */
typedef void (*vx_holder_cb)(void *arg, Dwarf_Die *top, Dwarf_Die *inl);
int vx_holders(crashsig_index *ix, const char *name, vx_holder_cb cb, void *arg);

int vx_mod_holders(crashsig_index *ix, vx_mod *m, const char *name, vx_holder_cb cb,
		   void *arg);

/* index.c: one ELF symbol table into ix->syms (mod 0: vmlinux). */
int vx_add_symtab(crashsig_index *ix, Elf *elf, uint32_t mod);
/* index.c: calls cb for the inlined copies of set members below parent. */
void vx_walk_inlines(Dwarf_Die *top, Dwarf_Die *parent, const uint64_t *set, size_t nset,
		     vx_holder_cb cb, void *arg, int depth);
int vx_cmp_u64(const void *a, const void *b);
/* modules.c: a module file (.ko, .ko.xz, .ko.zst, .ko.gz, .ko.debug),
 * through the loader shared with the symbolizer (symbolize/image.h). A file
 * the loader refuses is an error when explicit (the caller named it), else
 * it is listed without symbols and its problem recorded (ix->problems).
 * Other file names are ignored. */
int vx_add_module(crashsig_index *ix, const char *path, int explicit_file);
/* every module file below dir */
int vx_scan_modules(crashsig_index *ix, const char *dir);

/* The name to show for a top-level concrete DIE: the symbol at its low pc
 * (with its suffix), else its DWARF name (through the abstract origin). */
const char *vx_die_display_name(crashsig_index *ix, Dwarf_Die *die);

/* A module's DWARF (opened with libdwfl so that relocations are applied),
 * or NULL. */
Dwarf *vx_mod_dwarf(crashsig_index *ix, vx_mod *m, Dwarf_Addr *bias);

/* Modules that may hold inlined copies of name (symbols sharing its
 * prefix, name in their DWARF strings): writes up to max module indexes
 * (0-based) to out, returns how many. */
size_t vx_modules_with_string(crashsig_index *ix, const char *name, uint32_t *out, size_t max);

/* Guilty file: in guilty.c. */
int vx_guilty_skip(const char *path, size_t len);

size_t vx_base_len(const char *name);

#endif
