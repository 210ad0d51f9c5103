/* Private to src/symbolize/: the symbolizer object and the structures its
 * pieces share. One file per section of the work:
 *   path.c        kernel source paths (crashsig_symbolize_path)
 *   symtab.c      kallsyms-like symbol table of one binary
 *   cu_funcs.c    per-CU top-level function ranges, the inline chain
 *   line_table.c  fast .debug_line reader (libdw fallback)
 *   die_walk.c    the top-level function of an address with the shared
 *                 DIE reader of src/dwarf/ (libdw fallback)
 *   image.c       the loader of vmlinux and module files, shared with
 *                 validate (image.h: checks, decompression, messages)
 *   modules.c     finding and loading modules (.ko, .ko.xz/.gz/.zst, build id)
 *   symbolizer.c  open/close, lookups (the public entry points)
 *   rewrite.c     symbolizing console lines and whole reports
 * The fast readers are off with CRASHSIG_SYMBOLIZE_LIBDW_ONLY. */
#ifndef CRASHSIG_SYMBOLIZE_INT_H
#define CRASHSIG_SYMBOLIZE_INT_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ctx.h"
#include "base/util.h"
#include "crashsig/symbolize.h"
#include "dwarf/die.h"

struct sym {
	uint64_t addr;
	uint64_t size; /* kallsyms-style */
	const char *name; /* points into the ELF string table (dwfl owned) */
	uint32_t next_same; /* next index with the same name, UINT32_MAX */
	/* 32 bytes a symbol (vmlinux: ~47,000 of them, sorted with a copy) */
	uint32_t hash : 24; /* hash_str(name), 24 bits */
	uint32_t rank : 8;  /* preference among aliases: lower is better */
};

struct frange {
	uint64_t lo, hi; /* DWARF addresses (unbiased) */
	uint64_t off;    /* of the subprogram DIE in .debug_info */
};

struct lrow {
	uint64_t addr;
	uint32_t line;
	uint16_t file;
	uint16_t col_end; /* column << 1 | end_sequence */
};

/* Decoded line table of one CU (see lines_parse); lrow is one row. */
struct cu_lines {
	struct lrow *rows; /* sorted as libdw sorts them */
	size_t n;
	/* file names, indexed like DW_AT_call_file / the file register:
	 * name and directory point into the sections, the joined path is
	 * made on first use (owned) */
	struct lfile {
		const char *name, *dir;
		char *path;
	} *files;
	size_t nfiles;
};

/* Top-level subprogram ranges of one CU, collected lazily: the walk over
 * the CU's top-level DIEs stops at the function that contains the address
 * asked for and resumes from there on the next miss; once complete, the
 * table is sorted and searched by bisection. */
struct cu_funcs {
	Dwarf_Off off; /* of the unit DIE (the key) */
	struct frange *r;
	size_t n, cap;
	Dwarf_Die next; /* next top-level DIE to visit (state 1, libdw) */
	int state;      /* 0: not started, 1: walking, 2: complete, sorted */
	int lines_state; /* 0: not parsed, 1: ok, -1: use libdw */
	struct cu_lines lines;
	int walker;        /* 0: undecided, 1: own DIE walker, -1: libdw */
	dwr_iter *walk;    /* own walker: where it is (state 1); the unit's
			    * reader for own_chain (owned) */
	/* the unit DIE's attributes as the own readers read them
	 * (cu_read: 0 not yet, 1 read, -1 a form they do not read) */
	int cu_read;
	uint64_t base;        /* base address of range lists (libdw's) */
	uint64_t stmt;        /* DW_AT_stmt_list, UINT64_MAX: none */
	const char *comp_dir; /* in the string sections, NULL: none */
};

/* The attributes of a DIE that the own readers use (die_walk.c). */
struct die_attrs {
	uint64_t low, high, ranges, origin, spec, call_file, call_line, call_col;
	const char *name;
	uint16_t low_form, high_form, ranges_form; /* 0: absent */
	uint8_t has_name, has_origin, has_spec;
	uint8_t has_call_file, has_call_line, has_call_col;
	/* a form these readers do not read (use libdw): of the address
	 * attributes, of DW_AT_name, of the references to follow for the
	 * name, of the call site */
	uint8_t bad, name_bad, ref_bad, call_bad;
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
	const char *strs_end; /* end of the string table of every name in
			       * syms (direct path), else NULL */
	uint32_t *htab; /* owned; name hash -> first sym index */
	size_t hcap;
	struct cu_funcs *cus; /* owned; open addressing by CU offset */
	size_t cucap, cun;
	/* raw debug sections (dwfl owned; for ET_REL already relocated by
	 * libdwfl) for the fast readers; own_lines (.debug_line) and
	 * own_walk (.debug_info, .debug_abbrev) == 0: use libdw */
	dwr_sections sec;
	int own_lines;
	int own_walk;
	/* own_cu: the unit of an address from .debug_aranges (ar) and the
	 * inline chain with the own DIE reader, without libdw interning
	 * every unit header (vmlinux) */
	int own_cu;
	dwr_aranges ar;
	/* libdw's first unit lookup will read every unit header: touch them
	 * first (see mod_prefault); dw_bad: a unit runs past the end */
	int prefault;
	int dw_bad;
	uint64_t dw_bad_off; /* .debug_info offset of the unit (dw_bad) */
};

struct modfile {
	char *name; /* normalized ('-' -> '_'), in path's allocation */
	char *path; /* owned: "PATH\0NAME\0" */
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
	char **missing_why; /* owned: why its file could not be used, or NULL */
	size_t nmissing;
	char *modules_dir;  /* owned */
	char *strip_prefix; /* owned */
	struct modfile *files; /* index of modules_dir, built lazily */
	size_t nfiles, capfiles;
	int files_indexed;
	unsigned machine; /* e_machine of vmlinux: modules must have it */
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
	char *vmlinux_path; /* owned: for messages */
	char *problem;     /* owned: damaged debug information found while
			    * looking up, or NULL (crashsig_symbolizer_problem) */
	char *scratch;     /* frame parse buffer */
	size_t scratchlen;
	cs_buf pscratch;   /* a console line with bytes removed (input/prefix.h) */
};

/* symtab.c */
int mod_load_syms(crashsig_symbolizer *s, struct mod *m);
/* Index of the first symbol named name (chain: next_same), UINT32_MAX. */
uint32_t sym_by_name(const struct mod *m, const char *name);
/* Symbol containing addr (last one starting at or before it). */
const struct sym *sym_by_addr(const struct mod *m, uint64_t addr);

/* symbolizer.c */
/* Before libdw's first unit lookup in m: touch every unit header (one
 * copy-on-write fault each instead of fault-around mapping ~100 MB of a
 * vmlinux's .debug_info) and check the unit lengths: 0, or -1 (m->dw_bad:
 * a unit runs past the end of .debug_info; libdw is not used on m). */
int mod_prefault(struct mod *m);

/* cu_funcs.c */
int frange_cmp(const void *a, const void *b);
/* Add the range [lo, hi) of the subprogram at off to c (nothing when
 * empty); *hit = 1 when it contains pc. */
int cu_add_range(struct cu_funcs *c, uint64_t lo, uint64_t hi, uint64_t off, Dwarf_Addr pc,
		 int *hit);
/* Add the ranges of subprogram die to c (libdw); *hit as above. */
int cu_add(struct cu_funcs *c, Dwarf_Die *die, Dwarf_Addr pc, int *hit);
/* The per-unit table of m for the unit DIE at off (created empty). */
struct cu_funcs *cu_get(struct mod *m, uint64_t off);
/* Forget c's top-level functions (its lines stay). */
void cu_reset_funcs(struct cu_funcs *c);
/* Copy str into the result arena; *off gets its offset there. */
const char *res_str(crashsig_symbolizer *s, const char *str, size_t *off);
/* Fill s->locs for address a (dwfl address) in m. Returns 1 when DWARF
 * information was found, 0 when not, < 0 on error. */
int dwarf_chain(crashsig_symbolizer *s, struct mod *m, uint64_t a,
		const char *fallback_name);
/* The location list of one lookup, innermost first (dwarf_chain's and
 * own_chain's output): push_loc adds one. */
int push_loc(crashsig_symbolizer *s, const char *func, const char *file, unsigned line,
	     unsigned col, int inl);

/* line_table.c: the fast line-table reader. */
/* Decode the line table of cudie into out: 0, or -1 (use libdw). */
int lines_parse(const struct mod *m, Dwarf_Die *cudie, struct cu_lines *out);
/* The same from the unit's DW_AT_stmt_list (UINT64_MAX: none),
 * DW_AT_comp_dir (NULL: none) and address size. */
int lines_parse_at(const struct mod *m, uint64_t stmt, const char *comp_dir, unsigned asize,
		   struct cu_lines *out);
/* The row for pc, like dwarf_getsrc_die; NULL when none. */
const struct lrow *lines_find(const struct cu_lines *l, uint64_t pc);
/* The file name of index idx (*out NULL when none), joined with its
 * directory as libdw joins them: 0, or CRASHSIG_ENOMEM. */
int lines_file_get(struct cu_lines *l, uint64_t idx, const char **out);
/* The same, NULL also when out of memory (tests). */
const char *lines_file(struct cu_lines *l, uint64_t idx);
void lines_free(struct cu_lines *l);

/* die_walk.c: the fast top-level DIE walker. Find the top-level subprogram
 * of the unit whose header is at unit (.debug_info) containing pc,
 * resuming c's walk: 1 (*out: its DIE offset), 0 (none), -2 (something it
 * does not know: redo the CU with libdw), CRASHSIG_ENOMEM. */
int own_walk(const struct mod *m, struct cu_funcs *c, uint64_t unit, Dwarf_Addr pc,
	     uint64_t *out);
/* Free c's walk state (c->walk; NULL allowed). */
void own_walk_free(struct cu_funcs *c);
/* Read the unit DIE's attributes into c (it is on the unit DIE, its
 * attributes not read yet): sets c->cu_read. */
int own_cu_attrs(struct cu_funcs *c, dwr_iter *it);
/* dwr_attr_fn collecting a die_attrs. */
int own_die_attr(void *arg, uint32_t name, uint32_t form, const dwr_val *v);
/* Does a DIE with attributes a contain pc (dwarf_haspc)? 1, 0, -2. */
int own_haspc(const struct mod *m, const dwr_unit *u, const struct cu_funcs *c,
	      const struct die_attrs *a, uint64_t pc);
/* Fill s->locs for pc in m with the own readers only (m->own_cu): as
 * dwarf_chain, or -2: something they do not read, use libdw (nothing was
 * added to the result then). */
int own_chain(crashsig_symbolizer *s, struct mod *m, uint64_t pc, const char *fallback_name);

/* modules.c */
/* Point m->sec at the raw sections the fast readers can read. */
void mod_init_lines(struct mod *m);
/* After mod_init_lines: turn m->own_cu on when it can be (vmlinux).
 * 0, or CRASHSIG_ENOMEM. */
int mod_init_own_cu(struct mod *m);
/* The module named name (or with build_id), loaded on first use; NULL
 * when not found (noted in s->missing). */
struct mod *find_module(crashsig_symbolizer *s, const char *name, const char *build_id);
/* Why module name's file could not be used ("PATH: not an ELF file"), or
 * NULL when no file was found. */
const char *module_problem(const crashsig_symbolizer *s, const char *name);

#endif
