/*
 * libcrashsig validate: hold a syzbot title up against a kernel binary, find
 * the guilty source file of a report the way syzbot does, and look up its
 * maintainers in the kernel's MAINTAINERS file.
 *
 * Ownership:
 *  - A crashsig_index (the names of one vmlinux and its modules) is created
 *    with crashsig_index_new and released with crashsig_index_free (accepts
 *    NULL). It borrows ctx (errors are recorded there), which must outlive
 *    it. It keeps vmlinux (and the modules it looked at) mapped until freed.
 *  - A crashsig_validation returned by crashsig_validate_title /
 *    crashsig_validate_report belongs to the caller (crashsig_validation_free,
 *    accepts NULL). Every string and array it points to belongs to it; it
 *    does not point into the index or the report, so it may outlive both.
 *  - A crashsig_maintainers database is created with
 *    crashsig_maintainers_load and released with crashsig_maintainers_free.
 *    Lookup results (crashsig_maint_match arrays) belong to the caller and
 *    are released with crashsig_maint_matches_free.
 * One index / maintainers database may be used from one thread at a time.
 */
#ifndef CRASHSIG_VALIDATE_H
#define CRASHSIG_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "crashsig/base.h"
#include "crashsig/classify.h"
#include "crashsig/symbolize.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Guilty file                                                         */
/* ------------------------------------------------------------------ */

/* The file syzbot blames for a symbolized report: the first source path
 * (PATH.c:LINE / PATH.h:LINE) of the report text that is not on syzkaller's
 * list of files that never own a bug (headers, lib/, sanitizers, locking,
 * scheduler, ...); then a deeper path under the same directory further down
 * the stack wins. For "INFO: rcu detected stall" titles the search starts at
 * the interrupt entry. When every file is skipped, the first one is used.
 * title may be NULL. text is the report text (crashsig_report_text, or the
 * output of crashsig_symbolizer_report). Writes the path (NUL terminated,
 * cut to buflen) to buf and returns the length of the whole path, as
 * snprintf does (a return >= buflen means buf holds it cut; paths are
 * taken up to 1,023 bytes); 0 when the text names no source file. */
size_t crashsig_guilty_file(const char *title, const char *text, size_t len,
			    char *buf, size_t buflen);

/* 1 when syzbot never blames path (it is on the skip list), else 0. */
int crashsig_guilty_skipped(const char *path);

/* ------------------------------------------------------------------ */
/* Maintainers                                                         */
/* ------------------------------------------------------------------ */

typedef struct crashsig_maintainers crashsig_maintainers;

/* One MAINTAINERS section that covers a file. */
typedef struct crashsig_maint_match {
	const char *section;     /* section title ("XFS FILESYSTEM") */
	const char *status;      /* S: value, or NULL */
	const char *const *maintainers; /* M: values ("Name <mail>") */
	size_t nmaintainers;
	const char *const *reviewers;   /* R: values */
	size_t nreviewers;
	const char *const *lists;       /* L: values */
	size_t nlists;
	/* How specific the matching pattern is, as get_maintainer.pl ranks
	 * sections: the number of '/' in the F: pattern, plus one when it
	 * does not end in '/', -1 for a pattern starting with '*'; 0 for an
	 * N: regex match. */
	int depth;
	const char *pattern; /* the F: or N: pattern that matched */
} crashsig_maint_match;

/* Parse a MAINTAINERS file. Fails with EIO (cannot read it, or it is a
 * directory: "PATH: Is a directory") or EFORMAT (no section found). */
int crashsig_maintainers_load(crashsig_maintainers **out, crashsig_ctx *ctx,
			      const char *path);
/* Same from a buffer (copied); warnings name it "MAINTAINERS". */
int crashsig_maintainers_parse(crashsig_maintainers **out, crashsig_ctx *ctx,
			       const char *data, size_t len);
void crashsig_maintainers_free(crashsig_maintainers *m);
size_t crashsig_maintainers_count(const crashsig_maintainers *m);

/* Warnings found while loading, oldest first; NULL past the last. Today:
 * an F:, X: or N: pattern that is not a valid regular expression (where
 * get_maintainer.pl would stop), as "FILE:LINE: N: 'PATTERN' is not a valid
 * regular expression (REASON); the pattern is ignored"; lookups ignore that
 * pattern. Owned by m. */
const char *crashsig_maintainers_warning(const crashsig_maintainers *m, size_t i);

/* The sections covering a kernel-relative path, following
 * scripts/get_maintainer.pl: F: patterns (a directory prefix when the
 * pattern ends in '/', shell globs otherwise, where a glob matching a
 * directory covers the files below it only when the pattern ends in '/'
 * or names the directory exactly), X: patterns exclude, N: patterns are
 * regular expressions on the path. Sorted like get_maintainer.pl: most
 * specific first (deepest matching pattern), then file order. The
 * catch-all "THE REST" section is reported like any other. *out (array of
 * *count) is owned by the caller; release with crashsig_maint_matches_free.
 * Returns 0 (possibly with *count == 0) or an error. */
int crashsig_maintainers_lookup(const crashsig_maintainers *m, const char *path,
				crashsig_maint_match **out, size_t *count);
void crashsig_maint_matches_free(crashsig_maint_match *arr, size_t count);

/* ------------------------------------------------------------------ */
/* Name index and title validation                                     */
/* ------------------------------------------------------------------ */

typedef struct crashsig_index crashsig_index;

typedef struct crashsig_index_options {
	unsigned int version; /* CRASHSIG_INDEX_OPTIONS_VERSION */
	/* vmlinux with a symbol table and (ideally) DWARF. Required. */
	const char *vmlinux;
	/* Directory searched recursively for module files (NAME.ko,
	 * NAME.ko.xz, NAME.ko.zst, NAME.ko.gz, NAME.ko.debug: their symbol
	 * tables are indexed; their DWARF is read on demand). NULL: for a vmlinux
	 * named vmlinux-REL, /usr/lib/debug/lib/modules/REL when it exists;
	 * "" : no modules. */
	const char *modules_dir;
	/* Extra module files (e.g. an out-of-tree crashgen.ko); one that
	 * cannot be used fails crashsig_index_new. */
	const char *const *extra_modules;
	size_t nextra_modules;
	unsigned int flags; /* CRASHSIG_INDEX_* */
} crashsig_index_options;

/* Walk vmlinux's DIEs with libdw only, not with crashsig's own DWARF reader
 * (src/dwarf/): slower, same index; for cross-checking. CLI: crashsig
 * validate --libdw-only (which turns it off in the symbolizer too). */
#define CRASHSIG_INDEX_LIBDW_ONLY 1u

#define CRASHSIG_INDEX_OPTIONS_VERSION 1
#define CRASHSIG_INDEX_OPTIONS_INIT \
	{CRASHSIG_INDEX_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0}

/* Build the index: the function symbols of vmlinux and of every module, and
 * the DW_TAG_subprogram DIEs of vmlinux (names, inline attributes, out-of-line
 * copies). vmlinux and modules are opened by the same loader as the
 * symbolizer's (crashsig_symbolizer_new), with the same checks and
 * messages ("PATH: reason"). Fails with EIO (missing or unreadable file, a
 * directory), EFORMAT (not ELF, truncated, no symbol table, a module or a
 * shared object given as vmlinux), EUNSUPPORTED (not 64-bit x86-64 or
 * AArch64); an extra module (extra_modules) that cannot be used fails the
 * same way. A vmlinux without DWARF is accepted (no inline-only verdicts
 * then). */
int crashsig_index_new(crashsig_index **out, crashsig_ctx *ctx,
		       const crashsig_index_options *opts);
void crashsig_index_free(crashsig_index *ix);

/* Module files found under the modules directory that could not be used
 * (not ELF, truncated, corrupt or too large once decompressed, another
 * architecture, not a module, no symbol table), each as "PATH: reason", in
 * the order they were met; NULL past the last. They are indexed by name
 * without symbols. Owned by the index. */
const char *crashsig_index_module_problem(const crashsig_index *ix, size_t i);

typedef struct crashsig_index_stats {
	size_t vmlinux_symbols;  /* function symbols of vmlinux */
	size_t module_symbols;   /* function symbols of all modules */
	size_t modules;          /* module files indexed */
	size_t subprograms;      /* DW_TAG_subprogram DIEs of vmlinux */
	size_t units;            /* DWARF compilation units of vmlinux */
	size_t bug_entries;      /* __bug_table entries of vmlinux */
	double build_seconds;    /* wall time of crashsig_index_new */
} crashsig_index_stats;
void crashsig_index_stats_get(const crashsig_index *ix, crashsig_index_stats *st);

typedef enum crashsig_name_status {
	CRASHSIG_NAME_SYMBOL = 0,      /* a vmlinux function symbol */
	CRASHSIG_NAME_SUFFIXED,        /* only .isra/.constprop/.part/.cold pieces
					* (module set when they are a module's) */
	CRASHSIG_NAME_MODULE,          /* a symbol of a module */
	CRASHSIG_NAME_MULTIPLE_STATIC, /* several static functions of that name */
	CRASHSIG_NAME_INLINE_ONLY,     /* no symbol; inlined copies only */
	CRASHSIG_NAME_PARTLY_INLINED,  /* a symbol, and inlined copies too */
	CRASHSIG_NAME_ABSENT,          /* not in this build */
	CRASHSIG_NAME_NO_FUNCTION,     /* the title names no function */
} crashsig_name_status;

/* "symbol", "symbol-suffixed", "module", "multiple-static", "inline-only",
 * "partly-inlined", "absent", "no-function". */
const char *crashsig_name_status_str(crashsig_name_status st);

/* A WARN/BUG site from the kernel's __bug_table. */
typedef struct crashsig_bug_site {
	uint64_t addr;        /* address of the ud2 */
	const char *symbol;   /* function symbol holding it */
	const char *file;     /* file:line recorded in the bug entry */
	unsigned int line;
	int warning;          /* 1: WARN (BUGFLAG_WARNING), 0: BUG */
	/* Innermost inlined function around the site when it is not the
	 * symbol's own function (DWARF inline chain), else NULL. */
	const char *inlined_in;
} crashsig_bug_site;

typedef struct crashsig_validation {
	const char *title;    /* the title validated */
	const char *kind;     /* the part before " in FUNC" ("WARNING") */
	const char *function; /* the function the title names, or NULL */
	crashsig_name_status status;
	/* The binary's own name(s) that matched: the symbol, the pieces
	 * (SUFFIXED), the static copies (MULTIPLE_STATIC), "MODULE:symbol"
	 * (MODULE), the syscall wrappers. */
	const char *const *symbols;
	size_t nsymbols;
	/* The module: MODULE, and SUFFIXED / INLINE_ONLY when the pieces /
	 * inlined copies are a module's; else NULL. */
	const char *module;
	/* sys_X / SyS_X / SYSC_X titles found through __x64_sys_X,
	 * __do_sys_X, __se_sys_X: the wrapper that matched, else NULL. */
	const char *syscall_wrapper;
	/* MULTIPLE_STATIC: the source files; INLINE_ONLY / PARTLY_INLINED:
	 * the functions holding inlined copies; ABSENT: close names
	 * (same source file first when known). */
	const char *const *items;
	size_t nitems;
	size_t holders_total; /* holders found (items may be capped) */
	const char *decl_file; /* declaration, kernel-relative, or NULL */
	unsigned int decl_line;
	/* 1 when this binary can produce the title, 0 when it cannot;
	 * verdict explains either way (never NULL). */
	int producible;
	const char *verdict;
	/* WARNING / kernel BUG titles: the sites in the function, inlined
	 * callees included. */
	const crashsig_bug_site *sites;
	size_t nsites;

	/* Filled by crashsig_validate_report only. */
	int has_report;
	int mismatch;              /* frames that do not fit this binary */
	const char *mismatch_note; /* the symbolizer's first note, or NULL */
	size_t frames, frames_resolved;
	/* Title of the report after symbolizing it with this binary (inline
	 * frames visible), or NULL when it could not be symbolized. */
	const char *symbolized_title;
	/* The inline chain at the crash site (innermost first), as
	 * "func file:line" strings. */
	const char *const *crash_chain;
	size_t ncrash_chain;
	/* The functions inlined at the crash site, with what this build
	 * has for each: "NAME: inline-only, inlined into A, B" or
	 * "NAME: symbol". */
	const char *const *inline_notes;
	size_t ninline_notes;
	const char *guilty_file; /* guilty file of the symbolized report */

	/* "KCSAN: data-race in A / B": B, validated as the title's function
	 * is (status2, verdict2); producible above covers both. NULL (and
	 * status2 CRASHSIG_NAME_NO_FUNCTION, verdict2 NULL) for other titles. */
	const char *function2;
	crashsig_name_status status2;
	const char *verdict2;
} crashsig_validation;

/* Validate a title ("general protection fault in xsk_poll"). */
int crashsig_validate_title(crashsig_index *ix, const char *title,
			    crashsig_validation **out);

/* Validate a report: its title, plus the symbolizer's mismatch check, the
 * title of the symbolized report, the inline chain at the crash site and
 * the guilty file. sym may be NULL (no symbolization: the report text is
 * used as it is). symbolized_title needs the index's context to have its
 * rules (not CRASHSIG_CTX_NO_RULES); it is NULL otherwise. */
int crashsig_validate_report(crashsig_index *ix, crashsig_symbolizer *sym,
			     const crashsig_report *r, crashsig_validation **out);

void crashsig_validation_free(crashsig_validation *v);

/* The function a title names and its kind, without a binary: writes the
 * function (or "" for none) to func and returns 1 when there is one. For
 * "KCSAN: data-race in A / B" the first function is returned (validation
 * checks both: crashsig_validation.function2). */
int crashsig_title_function(const char *title, char *func, size_t funclen);

#ifdef __cplusplus
}
#endif

#endif
