/*
 * libcrashsig symbolizer: resolve kernel stack frames to function, source
 * file and line (with the inline chain) in-process, with elfutils libdw.
 *
 * Ownership:
 *  - A crashsig_symbolizer is created with crashsig_symbolizer_new and
 *    released with crashsig_symbolizer_free (accepts NULL). It borrows ctx
 *    (errors are recorded there), which must outlive it. It keeps vmlinux and
 *    every module it loaded open until it is freed.
 *  - A crashsig_symres returned by a lookup belongs to the symbolizer and
 *    stays valid until the next lookup on the same symbolizer or until it is
 *    freed, whichever comes first. Copy what you need.
 *  - crashsig_symbolizer_report returns a malloc'ed buffer owned by the
 *    caller (release with free()).
 * One symbolizer may be used from one thread at a time.
 */
#ifndef CRASHSIG_SYMBOLIZE_H
#define CRASHSIG_SYMBOLIZE_H

#include <stddef.h>
#include <stdint.h>

#include "crashsig/base.h"
#include "crashsig/classify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crashsig_symbolizer crashsig_symbolizer;

typedef struct crashsig_symbolize_options {
	unsigned int version; /* CRASHSIG_SYMBOLIZE_OPTIONS_VERSION */
	/* vmlinux with symbols (and ideally DWARF). Required. */
	const char *vmlinux;
	/* Directory searched recursively for modules by name (NAME.ko,
	 * NAME.ko.xz, NAME.ko.zst, NAME.ko.gz, '-' and '_' equivalent) and by
	 * build id (.build-id/xx/yyyy.debug). NULL: for a vmlinux named
	 * vmlinux-REL, /usr/lib/debug/lib/modules/REL when it exists (the
	 * Debian -dbg layout), otherwise no modules. */
	const char *modules_dir;
	/* Extra prefix removed from source paths (after the built-in kernel
	 * build-prefix rules). NULL: none. */
	const char *strip_prefix;
	/* KASLR offset applied to raw [<addr>] frames; normally found in the
	 * report's "Kernel Offset:" line by crashsig_symbolizer_report. */
	uint64_t kaslr_offset;
	/* CRASHSIG_SYMBOLIZE_* flags. */
	unsigned int flags;
} crashsig_symbolize_options;

/* Read line tables and walk top-level DIEs with libdw only
 * (dwarf_getsrclines, dwarf_siblingof) instead of crashsig's own DWARF
 * reader (src/dwarf/; src/symbolize/line_table.c, die_walk.c): same
 * answers, about 1.8x the CPU time
 * on 10,000 vmlinux addresses; for cross-checking, or to rule the built-in
 * readers out. CLI: crashsig symbolize --libdw-only. */
#define CRASHSIG_SYMBOLIZE_LIBDW_ONLY 1u
/* Never ask debuginfod for modules (by default modules not found locally
 * are fetched by build id when DEBUGINFOD_URLS is set). */
#define CRASHSIG_SYMBOLIZE_NO_DEBUGINFOD 2u

#define CRASHSIG_SYMBOLIZE_OPTIONS_VERSION 1
#define CRASHSIG_SYMBOLIZE_OPTIONS_INIT \
	{CRASHSIG_SYMBOLIZE_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0}

/* One level of an inline chain. */
typedef struct crashsig_symloc {
	const char *func; /* function name (DWARF), never NULL */
	const char *file; /* kernel-relative source path, or NULL */
	unsigned int line;   /* 0 if unknown */
	unsigned int column; /* 0 if unknown */
	int inlined;         /* 1: inlined into the next entry of the chain */
} crashsig_symloc;

typedef enum crashsig_symres_status {
	CRASHSIG_SYM_RESOLVED = 1 << 0, /* symbol found (func+off valid) */
	CRASHSIG_SYM_HAS_LINE = 1 << 1, /* locs[] has DWARF file:line */
	CRASHSIG_SYM_MISMATCH = 1 << 2, /* frame does not fit the binary */
	CRASHSIG_SYM_NO_MODULE = 1 << 3, /* module binary not found */
	CRASHSIG_SYM_NO_DEBUG = 1 << 4,  /* binary has no DWARF */
	CRASHSIG_SYM_UNKNOWN = 1 << 5,   /* no symbol at that address/name */
} crashsig_symres_status;

typedef struct crashsig_symres {
	const char *module;  /* module name, NULL for vmlinux */
	const char *symbol;  /* ELF/kallsyms symbol name, or NULL */
	uint64_t sym_offset; /* addr - symbol start */
	uint64_t sym_size;   /* kallsyms-style size (distance to next symbol) */
	uint64_t addr;       /* address in the binary's (offline) layout */
	uint64_t lookup;     /* address used for DWARF (addr, or addr-1) */
	/* Inline chain, innermost first; the last entry is the real
	 * function. nlocs == 0 when there is no DWARF for the address. */
	const crashsig_symloc *locs;
	size_t nlocs;
	unsigned int status; /* crashsig_symres_status bits */
	/* Why the frame is a mismatch / was not resolved, or NULL. */
	const char *note;
} crashsig_symres;

/* Open vmlinux (and prepare the module search). vmlinux and modules are
 * opened by the loader crashsig_index_new uses too: the same checks and
 * messages ("PATH: reason"). Fails with EIO (missing file, a directory),
 * EFORMAT (not ELF, truncated, no symbol table, a module or a shared object
 * given as vmlinux, unreadable DWARF), EUNSUPPORTED (not 64-bit x86-64 or
 * AArch64). A vmlinux without DWARF is accepted (names only). A module
 * must have vmlinux's architecture. */
int crashsig_symbolizer_new(crashsig_symbolizer **out, crashsig_ctx *ctx,
			    const crashsig_symbolize_options *opts);
void crashsig_symbolizer_free(crashsig_symbolizer *s);

/* 1 when vmlinux carries DWARF line information. */
int crashsig_symbolizer_has_dwarf(const crashsig_symbolizer *s);

/* Set the KASLR offset used for raw [<addr>] frames without a name. */
void crashsig_symbolizer_set_kaslr_offset(crashsig_symbolizer *s,
					  uint64_t offset);

/* Resolve a parsed frame (from crashsig_frame_parse). The return-address
 * rule applies (PC-1 is looked up) unless the frame has CRASHSIG_FRAME_IP
 * or is_ip is non-zero. Returns 1 with *res set when the frame could be
 * looked up (check res->status), 0 when the frame carries nothing to look
 * up, < 0 on error. */
int crashsig_symbolizer_frame(crashsig_symbolizer *s, const crashsig_frame *f,
			      int is_ip, const crashsig_symres **res);

/* Batch lookup like addr2line: "ADDR", "MODULE:ADDR", "FUNC+0xOFF",
 * "MODULE:FUNC+0xOFF" (hex, 0x optional). A module ADDR is an offset in the
 * module's .text. No return-address adjustment. Returns 1 with *res, 0 when
 * spec is empty, < 0 (EINVAL) when it cannot be parsed. */
int crashsig_symbolizer_lookup(crashsig_symbolizer *s, const char *spec,
			       size_t len, const crashsig_symres **res);

/* Resolve one console line (console prefix allowed). Returns 1 with *res
 * when the line is a stack frame that was looked up, 0 when the line is not
 * a frame, < 0 on error. Lines "Kernel Offset: 0x.. from 0x.." set the
 * KASLR offset. */
int crashsig_symbolizer_line(crashsig_symbolizer *s, const char *line,
			     size_t len, const crashsig_symres **res);

/* The module directory in use (the option, or the default found for a
 * vmlinux-REL), or NULL. Owned by the symbolizer. */
const char *crashsig_symbolizer_modules_dir(const crashsig_symbolizer *s);

/* Names of the modules that frames referred to but that were not found
 * (in the module directory, /usr/lib/debug/.build-id, or debuginfod), in
 * the order they were first needed; NULL past the last. Owned by the
 * symbolizer. */
const char *crashsig_symbolizer_missing_module(const crashsig_symbolizer *s,
						size_t i);
/* Why the i-th missing module (as above) has no binary although a file was
 * found for it: "PATH: reason" (not an ELF file, truncated, corrupt or too
 * large once decompressed, another architecture than vmlinux, not a module,
 * no symbol table: the checks and messages of the loader vmlinux and
 * modules share with crashsig_index_new), or NULL when no file was found.
 * Owned by the symbolizer. */
const char *crashsig_symbolizer_missing_module_problem(const crashsig_symbolizer *s,
							size_t i);

/* Damaged debug information found while looking up, or NULL: vmlinux is
 * opened with its first DWARF unit checked, the others when a lookup
 * first needs libdw ("PATH: truncated or corrupt DWARF: the unit at
 * .debug_info+0xOFF runs past the section end; ..."). Lookups go on: the
 * frames in the units before it, and those crashsig reads itself from
 * .debug_aranges, keep their file:line. Owned by the symbolizer. */
const char *crashsig_symbolizer_problem(const crashsig_symbolizer *s);

/* Counters since the symbolizer was created. */
typedef struct crashsig_symbolize_stats {
	size_t frames;     /* frames looked up */
	size_t resolved;   /* with file:line */
	size_t mismatched; /* CRASHSIG_SYM_MISMATCH */
	size_t unresolved; /* no module / unknown / no debug info */
} crashsig_symbolize_stats;
void crashsig_symbolizer_stats(const crashsig_symbolizer *s,
			       crashsig_symbolize_stats *st);

/* Rewrite a whole console log: every frame line gets " file:line" and is
 * preceded by its inline frames ("name file:line [inline]", same console
 * prefix); frames that do not fit get " [mismatch: ...]"; all other lines
 * are copied unchanged ('\r' before '\n' is dropped). A "Kernel Offset:"
 * line anywhere in data is used for raw addresses. *out (NUL terminated,
 * length *outlen) is malloc'ed and owned by the caller. */
int crashsig_symbolizer_report(crashsig_symbolizer *s, const void *data,
			       size_t len, char **out, size_t *outlen);

/* Make a source path kernel-relative with the built-in rules and the
 * options' strip_prefix. Writes at most buflen bytes (NUL terminated) to
 * buf; returns the length of the result. */
size_t crashsig_symbolize_path(const char *path, const char *strip_prefix,
			       char *buf, size_t buflen);

/* ------------------------------------------------------------------ */
/* Finding the binaries                                                */
/* ------------------------------------------------------------------ */

/* Debug binaries of a kernel release, as found on this system. */
typedef struct crashsig_kernel_files {
	unsigned int version;    /* CRASHSIG_KERNEL_FILES_VERSION */
	char vmlinux[4096];      /* vmlinux with symbols, or "" */
	char modules_dir[4096];  /* module tree, or "" */
	char tried[4096];        /* vmlinux places looked at, ", " separated */
} crashsig_kernel_files;
#define CRASHSIG_KERNEL_FILES_VERSION 1

/* Look for the vmlinux and modules of kernel `release` (uname -r, as in the
 * report's "CPU: ... 6.1.0-56-cloud-amd64 #1" line; see
 * crashsig_kernel_info_parse) where distributions install them:
 * /usr/lib/debug/boot/vmlinux-R (Debian, Ubuntu),
 * /usr/lib/debug/lib/modules/R/vmlinux (Fedora, RHEL, Ubuntu),
 * /lib/modules/R/build/vmlinux and /usr/lib/modules/R/build/vmlinux (built
 * from a tree), /boot/vmlinux-R (openSUSE); modules under
 * /usr/lib/debug/lib/modules/R, /lib/modules/R, /usr/lib/modules/R.
 * sysroot (NULL or "/" for none) is prepended to every place (an unpacked
 * debug package). Returns 1 when a vmlinux was found, 0 when not (out->tried
 * lists where it was looked for), EINVAL for a release that is not a plain
 * name. */
int crashsig_symbolize_find_kernel(const char *sysroot, const char *release,
				   crashsig_kernel_files *out);

#define CRASHSIG_DEBUGINFOD_DEBUGINFO 0  /* ELF with DWARF (-dbg) */
#define CRASHSIG_DEBUGINFOD_EXECUTABLE 1 /* the binary itself */

/* Fetch a binary by build id (lower-case hex) from the debuginfod servers
 * of DEBUGINFOD_URLS with elfutils' client (libdebuginfod.so.1, loaded at
 * run time; cache in DEBUGINFOD_CACHE_PATH or ~/.cache/debuginfod_client).
 * Writes the local path of the cached file to path. Returns 0,
 * CRASHSIG_ENOTFOUND (no server has it), CRASHSIG_EUNSUPPORTED
 * (DEBUGINFOD_URLS unset or libdebuginfod missing), EIO, EINVAL; the
 * message is on ctx. */
int crashsig_debuginfod_find(crashsig_ctx *ctx, const char *build_id, int kind,
			     char *path, size_t pathlen);

#ifdef __cplusplus
}
#endif

#endif
