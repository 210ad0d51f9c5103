/* Private to the library (src/symbolize/ and src/validate/, which sits above
 * it): one loader for kernel images. symbolize and validate open a vmlinux
 * or a module through it, with the same checks and the same messages, one
 * text per kind of failure, always "PATH: reason":
 *
 *   PATH: No such file or directory (any open error)      CRASHSIG_EIO
 *   PATH: Is a directory / not a regular file              CRASHSIG_EIO
 *   PATH: not an ELF file [(decompressed data)]            CRASHSIG_EFORMAT
 *   PATH: gzip|xz|zstd: corrupt data / truncated data      CRASHSIG_EFORMAT
 *   PATH: decompresses to more than the N bytes its ELF
 *         headers describe (a decompression bomb)          CRASHSIG_EFORMAT
 *   PATH: truncated file (...)                             CRASHSIG_EFORMAT
 *   PATH: wrong architecture: ... ; expected ...           CRASHSIG_EUNSUPPORTED
 *   PATH: a kernel module, not a vmlinux (...)             CRASHSIG_EFORMAT
 *   PATH: not a kernel image (ELF type DYN ...)            CRASHSIG_EFORMAT
 *   PATH: not a kernel module (ELF type EXEC ...)          CRASHSIG_EFORMAT
 *   PATH: no symbol table (stripped) ...                   CRASHSIG_EFORMAT
 *
 * What is checked (kernel images are 64-bit x86-64 or AArch64 ELF files):
 *  - the file is a regular file; a compressed module (.ko.gz, .ko.xz,
 *    .ko.zst) is decompressed into an anonymous memory file, never more
 *    than its own ELF headers describe (header and program/section header
 *    tables first, then the section data they list);
 *  - ELF magic and header; class ELFCLASS64 and machine EM_X86_64 or
 *    EM_AARCH64 (a module: the machine of its vmlinux when known);
 *  - not truncated: the program and section header tables and the data of
 *    every section (but SHT_NOBITS) lie inside the file;
 *  - a non-empty SHT_SYMTAB;
 *  - the kind: a vmlinux is ET_EXEC, or ET_REL without the sections only a
 *    module has (.modinfo, .gnu.linkonce.this_module: a relocatable
 *    vmlinux.o is accepted, crashgen.ko is not); a module is ET_REL. A
 *    shared object or PIE program (ET_DYN, /bin/ls) is neither.
 */
#ifndef CRASHSIG_SYMBOLIZE_IMAGE_H
#define CRASHSIG_SYMBOLIZE_IMAGE_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ctx.h"

typedef enum cs_image_kind {
	CS_IMAGE_VMLINUX = 1,
	CS_IMAGE_MODULE = 2,
} cs_image_kind;

typedef struct cs_image {
	int fd;        /* owned: the file, or the memfd of a decompressed module */
	Elf *elf;      /* owned: ELF_C_READ_MMAP over fd */
	uint64_t size; /* bytes of the ELF file (decompressed) */
	unsigned machine; /* e_machine */
	int is_rel;       /* ET_REL */
	int compressed;   /* decompressed here from .gz/.xz/.zst */
} cs_image;

#define CS_IMAGE_INIT {-1, NULL, 0, 0, 0, 0}

/* Open and check path as a kind image. machine: the e_machine the image must
 * have (a module of a known vmlinux), 0 for any supported one. Returns 0
 * with *img filled, or a crashsig_error with "PATH: reason" on ctx (may be
 * NULL) and *img empty (cs_image_close is harmless on it). */
int cs_image_open(cs_image *img, crashsig_ctx *ctx, const char *path,
		  cs_image_kind kind, unsigned machine);

/* A new descriptor of the image, at offset 0, for libdwfl (which takes
 * ownership of it), or -1. */
int cs_image_dup_fd(const cs_image *img);

/* Release img (elf_end, close); img becomes empty. NULL allowed. */
void cs_image_close(cs_image *img);

/* The module name of a file name ending in .ko, .ko.xz, .ko.zst, .ko.gz or
 * .ko.debug, '-' read as '_', written to out (NUL terminated, cut to
 * outlen). Returns its length, or 0 when name is no module file name. */
size_t cs_module_name(const char *name, char *out, size_t outlen);

/* "x86-64", "AArch64", "i386", ... for an e_machine, or NULL. */
const char *cs_machine_name(unsigned machine);

#endif
