/* One loader for kernel images (vmlinux and modules), shared by symbolize
 * and validate: see image.h for what is checked and the messages. */
#include "symbolize/image.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "base/util.h"

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

static const char *const ko_exts[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz",
				      ".ko.debug", NULL};

size_t cs_module_name(const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name), base = 0;
	for (size_t i = 0; ko_exts[i]; i++) {
		size_t el = strlen(ko_exts[i]);
		if (nl > el && strcmp(name + nl - el, ko_exts[i]) == 0) {
			base = nl - el;
			break;
		}
	}
	if (!base || !outlen)
		return 0;
	size_t n = base < outlen - 1 ? base : outlen - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = name[i] == '-' ? '_' : name[i];
	out[n] = 0;
	return n;
}

const char *cs_machine_name(unsigned machine)
{
	switch (machine) {
	case EM_386: return "i386";
	case EM_ARM: return "ARM";
	case EM_X86_64: return "x86-64";
	case EM_AARCH64: return "AArch64";
	case EM_PPC: return "PowerPC";
	case EM_PPC64: return "PowerPC64";
	case EM_S390: return "s390";
	case EM_MIPS: return "MIPS";
	case EM_RISCV: return "RISC-V";
	case EM_SPARCV9: return "SPARC64";
#ifdef EM_LOONGARCH
	case EM_LOONGARCH: return "LoongArch";
#endif
	default: return NULL;
	}
}

/* ------------------------------------------------------------------ */
/* The ELF header, read by hand (bounds for decompression)              */
/* ------------------------------------------------------------------ */

static uint64_t rd_uint(const unsigned char *p, size_t len, int be)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)p[be ? len - 1 - i : i] << (8 * i);
	return v;
}

/* Where an ELF file's header says its parts are. */
typedef struct elf_layout {
	int ok, be, is64;
	uint64_t shoff, shnum, shent;
	uint64_t extent; /* end of the header, program and section header tables */
} elf_layout;

/* Parse the ELF header at h (n bytes valid). */
static elf_layout elf_header(const unsigned char *h, size_t n)
{
	elf_layout L = {0};
	if (n < 52 || memcmp(h, ELFMAG, SELFMAG) != 0)
		return L;
	L.be = h[EI_DATA] == ELFDATA2MSB;
	if (h[EI_DATA] != ELFDATA2LSB && !L.be)
		return L;
#define RD(off, len) rd_uint(h + (off), (len), L.be)
	uint64_t phoff, ehsize, phent, phnum;
	if (h[EI_CLASS] == ELFCLASS64) {
		if (n < 64)
			return L;
		L.is64 = 1;
		phoff = RD(32, 8);
		L.shoff = RD(40, 8);
		ehsize = RD(52, 2);
		phent = RD(54, 2);
		phnum = RD(56, 2);
		L.shent = RD(58, 2);
		L.shnum = RD(60, 2);
	} else if (h[EI_CLASS] == ELFCLASS32) {
		phoff = RD(28, 4);
		L.shoff = RD(32, 4);
		ehsize = RD(40, 2);
		phent = RD(42, 2);
		phnum = RD(44, 2);
		L.shent = RD(46, 2);
		L.shnum = RD(48, 2);
	} else {
		return L;
	}
#undef RD
	/* more than 0xff00 sections: the count is in section 0; assume the
	 * largest table (64 Ki entries) for the bound */
	if (!L.shnum && L.shoff)
		L.shnum = 65536;
	if (phnum > 65535 || L.shnum > 65536 || phent > 4096 || L.shent > 4096 ||
	    phoff > (1ull << 48) || L.shoff > (1ull << 48))
		return L;
	L.extent = ehsize;
	if (phoff && phoff + phnum * phent > L.extent)
		L.extent = phoff + phnum * phent;
	if (L.shoff && L.shoff + L.shnum * L.shent > L.extent)
		L.extent = L.shoff + L.shnum * L.shent;
	L.ok = 1;
	return L;
}

/* The end of the last section with file data, from the section header
 * table (read from fd), or 0. */
static uint64_t sections_end(int fd, const elf_layout *L)
{
	uint64_t end = 0;
	size_t want = L->is64 ? 64 : 40;
	if (L->shent < want)
		return 0;
	unsigned char e[64];
	for (uint64_t i = 0; i < L->shnum; i++) {
		if (pread(fd, e, want, (off_t)(L->shoff + i * L->shent)) != (ssize_t)want)
			break;
		uint64_t type = rd_uint(e + 4, 4, L->be);
		uint64_t off = L->is64 ? rd_uint(e + 24, 8, L->be) : rd_uint(e + 16, 4, L->be);
		uint64_t size = L->is64 ? rd_uint(e + 32, 8, L->be) : rd_uint(e + 20, 4, L->be);
		if (type != SHT_NOBITS && off < (1ull << 48) && size < (1ull << 48) &&
		    off + size > end)
			end = off + size;
	}
	return end;
}

/* ------------------------------------------------------------------ */
/* Compressed modules: decompressed here with limits                    */
/* ------------------------------------------------------------------ */

/* Decompressed bytes go here: into an anonymous memory file, never more
 * than the ELF file itself describes: its header bounds the data up to the
 * section header table; the section headers then bound the rest. A
 * "module" of 2 GB of zeros is no ELF file and is stopped after 4 bytes. */
typedef struct sink {
	crashsig_ctx *ctx;
	const char *path;
	int fd;
	unsigned char hdr[64];
	uint64_t got; /* bytes written */
	elf_layout L;
	uint64_t limit; /* once the header is complete */
	int sections;   /* the section headers were read */
	int rc;
} sink;

static int sink_out(sink *k, const unsigned char *d, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(k->fd, d + off, n - off);
		if (w <= 0)
			return k->rc = cs_ctx_error(k->ctx, CRASHSIG_EIO, "%s: %s", k->path,
						    strerror(errno));
		off += (size_t)w;
	}
	k->got += n;
	return 0;
}

static int sink_write(sink *k, const unsigned char *d, size_t n)
{
	if (k->rc)
		return k->rc;
	if (k->got < sizeof(k->hdr)) {
		size_t c = sizeof(k->hdr) - (size_t)k->got < n ? sizeof(k->hdr) - (size_t)k->got : n;
		memcpy(k->hdr + k->got, d, c);
		size_t have = (size_t)k->got + c;
		if (memcmp(k->hdr, ELFMAG, have < SELFMAG ? have : SELFMAG) != 0)
			return k->rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT,
						    "%s: not an ELF file (decompressed data)",
						    k->path);
		if (have == sizeof(k->hdr)) {
			k->L = elf_header(k->hdr, have);
			if (!k->L.ok)
				return k->rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT,
							    "%s: not an ELF file (bad ELF header)",
							    k->path);
			k->limit = k->L.extent;
		}
	}
	while (n) {
		if (!k->limit || k->got + n <= k->limit)
			return sink_out(k, d, n);
		size_t part = (size_t)(k->limit - k->got);
		if (part && sink_out(k, d, part))
			return k->rc;
		d += part;
		n -= part;
		/* at the end of what the header describes: the section
		 * headers are all written, they say where the data ends */
		uint64_t end = k->sections ? 0 : sections_end(k->fd, &k->L);
		k->sections = 1;
		if (end <= k->limit)
			return k->rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT,
						    "%s: decompresses to more than the %llu bytes "
						    "its ELF headers describe",
						    k->path, (unsigned long long)k->limit);
		k->limit = end;
	}
	return 0;
}

/* After the last byte: the data must be as long as its headers say. */
static int sink_end(sink *k)
{
	if (k->rc)
		return k->rc;
	if (!k->L.ok)
		return k->rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT,
					    "%s: not an ELF file (%llu bytes decompressed)",
					    k->path, (unsigned long long)k->got);
	if (k->got < k->L.extent)
		return k->rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT,
					    "%s: truncated file: decompresses to %llu bytes, its "
					    "ELF header describes %llu",
					    k->path, (unsigned long long)k->got,
					    (unsigned long long)k->L.extent);
	return 0;
}

enum { COMP_NONE, COMP_GZ, COMP_XZ, COMP_ZST };

static int comp_kind(const char *path)
{
	size_t l = strlen(path);
	if (l > 3 && !strcmp(path + l - 3, ".gz"))
		return COMP_GZ;
	if (l > 3 && !strcmp(path + l - 3, ".xz"))
		return COMP_XZ;
	if (l > 4 && !strcmp(path + l - 4, ".zst"))
		return COMP_ZST;
	return COMP_NONE;
}

#define INBUF (64 * 1024)
#define OUTBUF (256 * 1024)

static int inflate_gz(sink *k, int in, unsigned char *ib, unsigned char *ob)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return cs_ctx_error(k->ctx, CRASHSIG_ENOMEM, "%s: cannot set up zlib", k->path);
	int zr = Z_OK, rc = 0;
	ssize_t n;
	while (!rc && zr != Z_STREAM_END && (n = read(in, ib, INBUF)) > 0) {
		z.next_in = ib;
		z.avail_in = (uInt)n;
		while (!rc && z.avail_in) {
			z.next_out = ob;
			z.avail_out = OUTBUF;
			zr = inflate(&z, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
				rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT, "%s: gzip: %s",
						  k->path, z.msg ? z.msg : "corrupt data");
				break;
			}
			rc = sink_write(k, ob, OUTBUF - z.avail_out);
			if (zr == Z_STREAM_END)
				break;
		}
	}
	if (!rc && zr != Z_STREAM_END)
		rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT, "%s: gzip: truncated data", k->path);
	inflateEnd(&z);
	return rc;
}

static int unxz(sink *k, int in, unsigned char *ib, unsigned char *ob)
{
	lzma_stream z = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&z, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return cs_ctx_error(k->ctx, CRASHSIG_ENOMEM, "%s: cannot set up xz", k->path);
	lzma_ret zr = LZMA_OK;
	int rc = 0, eof = 0;
	while (!rc && zr != LZMA_STREAM_END) {
		if (!z.avail_in && !eof) {
			ssize_t n = read(in, ib, INBUF);
			if (n < 0) {
				rc = cs_ctx_error(k->ctx, CRASHSIG_EIO, "%s: %s", k->path,
						  strerror(errno));
				break;
			}
			eof = n == 0;
			z.next_in = ib;
			z.avail_in = (size_t)n;
		}
		z.next_out = ob;
		z.avail_out = OUTBUF;
		zr = lzma_code(&z, eof ? LZMA_FINISH : LZMA_RUN);
		if (zr != LZMA_OK && zr != LZMA_STREAM_END) {
			rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT, "%s: xz: %s", k->path,
					  zr == LZMA_BUF_ERROR ? "truncated data"
					  : zr == LZMA_MEM_ERROR ? "out of memory"
								 : "corrupt data");
			break;
		}
		rc = sink_write(k, ob, OUTBUF - z.avail_out);
	}
	lzma_end(&z);
	return rc;
}

static int unzstd(sink *k, int in, unsigned char *ib, unsigned char *ob)
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	if (!dc)
		return cs_ctx_error(k->ctx, CRASHSIG_ENOMEM, "%s: cannot set up zstd", k->path);
	size_t last = 1;
	ssize_t n;
	int rc = 0;
	while (!rc && (n = read(in, ib, INBUF)) > 0) {
		ZSTD_inBuffer zi = {ib, (size_t)n, 0};
		while (!rc && zi.pos < zi.size) {
			ZSTD_outBuffer zo = {ob, OUTBUF, 0};
			last = ZSTD_decompressStream(dc, &zo, &zi);
			if (ZSTD_isError(last)) {
				rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT, "%s: zstd: %s", k->path,
						  ZSTD_getErrorName(last));
				break;
			}
			rc = sink_write(k, ob, zo.pos);
		}
	}
	if (!rc && last != 0)
		rc = cs_ctx_error(k->ctx, CRASHSIG_EFORMAT, "%s: zstd: truncated data", k->path);
	ZSTD_freeDCtx(dc);
	return rc;
}

/* Decompress the open file in into a memfd, bounded by its ELF headers.
 * Returns the memfd (rewound) or a crashsig_error on ctx. */
static int decompress(crashsig_ctx *ctx, const char *path, int in, int kind)
{
	sink k = {ctx, path, memfd_create("crashsig-module", MFD_CLOEXEC), {0}, 0, {0}, 0, 0, 0};
	unsigned char *ib = malloc(INBUF), *ob = malloc(OUTBUF);
	int rc;
	if (k.fd < 0 || !ib || !ob)
		rc = cs_ctx_error(ctx, CRASHSIG_ENOMEM, "%s: cannot set up decompression", path);
	else if (kind == COMP_GZ)
		rc = inflate_gz(&k, in, ib, ob);
	else if (kind == COMP_XZ)
		rc = unxz(&k, in, ib, ob);
	else
		rc = unzstd(&k, in, ib, ob);
	if (!rc)
		rc = sink_end(&k);
	free(ib);
	free(ob);
	if (rc) {
		if (k.fd >= 0)
			close(k.fd);
		return rc;
	}
	lseek(k.fd, 0, SEEK_SET);
	return k.fd;
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */
/* ------------------------------------------------------------------ */

static const char *type_name(unsigned t)
{
	switch (t) {
	case ET_EXEC: return "EXEC";
	case ET_DYN: return "DYN";
	case ET_REL: return "REL";
	case ET_CORE: return "CORE";
	default: return "unknown";
	}
}

/* The ELF checks of image.h, on the open img (fd, elf, size set). */
static int check(cs_image *img, crashsig_ctx *ctx, const char *path, cs_image_kind kind,
		 unsigned machine)
{
	Elf *e = img->elf;
	GElf_Ehdr eh;
	const char *what = kind == CS_IMAGE_MODULE ? "module" : "kernel";
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh))
		return cs_ctx_error(ctx, CRASHSIG_EFORMAT, "%s: not an ELF file%s", path,
				    img->compressed ? " (decompressed data)" : "");
	int cls = gelf_getclass(e);
	const char *mname = cs_machine_name(eh.e_machine);
	if (cls != ELFCLASS64 || (eh.e_machine != EM_X86_64 && eh.e_machine != EM_AARCH64) ||
	    (machine && eh.e_machine != machine)) {
		char got[64];
		if (mname)
			snprintf(got, sizeof(got), "%s (%d-bit)", mname, cls == ELFCLASS64 ? 64 : 32);
		else
			snprintf(got, sizeof(got), "ELF machine %u (%d-bit)", (unsigned)eh.e_machine,
				 cls == ELFCLASS64 ? 64 : 32);
		if (machine && cs_machine_name(machine))
			return cs_ctx_error(ctx, CRASHSIG_EUNSUPPORTED,
					    "%s: wrong architecture: %s; expected a 64-bit %s %s "
					    "like its vmlinux",
					    path, got, cs_machine_name(machine), what);
		return cs_ctx_error(ctx, CRASHSIG_EUNSUPPORTED,
				    "%s: wrong architecture: %s; expected a 64-bit x86-64 or "
				    "AArch64 %s",
				    path, got, what);
	}
	img->machine = eh.e_machine;
	uint64_t size = img->size;
	if ((eh.e_shoff && (eh.e_shoff > size ||
			    (uint64_t)eh.e_shnum * eh.e_shentsize > size - eh.e_shoff)) ||
	    (eh.e_phoff && (eh.e_phoff > size ||
			    (uint64_t)eh.e_phnum * eh.e_phentsize > size - eh.e_phoff)))
		return cs_ctx_error(ctx, CRASHSIG_EFORMAT,
				    "%s: truncated file (its ELF headers point past its %llu bytes)",
				    path, (unsigned long long)size);
	size_t nsec = 0, shstr = 0;
	if (elf_getshdrnum(e, &nsec) != 0)
		return cs_ctx_error(ctx, CRASHSIG_EFORMAT, "%s: bad section table", path);
	int has_shstr = elf_getshdrstrndx(e, &shstr) == 0;
	int symtab = 0, modsec = 0;
	for (size_t i = 1; i < nsec; i++) {
		GElf_Shdr sh;
		Elf_Scn *scn = elf_getscn(e, i);
		if (!scn || !gelf_getshdr(scn, &sh))
			return cs_ctx_error(ctx, CRASHSIG_EFORMAT, "%s: bad section header %zu",
					    path, i);
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset))
			return cs_ctx_error(ctx, CRASHSIG_EFORMAT,
					    "%s: truncated file (section %zu ends at %llu, the "
					    "file has %llu bytes)",
					    path, i,
					    (unsigned long long)(sh.sh_offset + sh.sh_size),
					    (unsigned long long)size);
		if (sh.sh_type == SHT_SYMTAB && sh.sh_size)
			symtab = 1;
		/* only a relocatable vmlinux candidate needs the names */
		const char *n = kind == CS_IMAGE_VMLINUX && eh.e_type == ET_REL && !modsec &&
						sh.sh_type == SHT_PROGBITS && has_shstr
					? elf_strptr(e, shstr, sh.sh_name)
					: NULL;
		if (n && (!strcmp(n, ".modinfo") || !strcmp(n, ".gnu.linkonce.this_module")))
			modsec = 1;
	}
	img->is_rel = eh.e_type == ET_REL;
	if (kind == CS_IMAGE_VMLINUX) {
		if (eh.e_type == ET_REL && modsec)
			return cs_ctx_error(ctx, CRASHSIG_EFORMAT,
					    "%s: a kernel module, not a vmlinux (relocatable, with "
					    ".modinfo / .gnu.linkonce.this_module); give the vmlinux "
					    "it was built for",
					    path);
		if (eh.e_type != ET_EXEC && eh.e_type != ET_REL)
			return cs_ctx_error(ctx, CRASHSIG_EFORMAT,
					    "%s: not a kernel image (ELF type %s%s); give the vmlinux "
					    "with symbols",
					    path, type_name(eh.e_type),
					    eh.e_type == ET_DYN ? ": a shared library or position-"
								  "independent program"
								: "");
	} else if (eh.e_type != ET_REL) {
		return cs_ctx_error(ctx, CRASHSIG_EFORMAT,
				    "%s: not a kernel module (ELF type %s%s; modules are "
				    "relocatable objects)",
				    path, type_name(eh.e_type),
				    eh.e_type == ET_EXEC ? ": an executable, a vmlinux?" : "");
	}
	if (!symtab)
		return cs_ctx_error(ctx, CRASHSIG_EFORMAT,
				    "%s: no symbol table (stripped): not a %s with symbols", path,
				    kind == CS_IMAGE_MODULE ? "module" : "vmlinux");
	return 0;
}

int cs_image_open(cs_image *img, crashsig_ctx *ctx, const char *path, cs_image_kind kind,
		  unsigned machine)
{
	*img = (cs_image)CS_IMAGE_INIT;
	/* O_NONBLOCK: a FIFO must not block the open; no effect on files */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return cs_ctx_error(ctx, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int dir = S_ISDIR(st.st_mode);
		close(fd);
		return cs_ctx_error(ctx, CRASHSIG_EIO, "%s: %s", path,
				    dir ? strerror(EISDIR) : "not a regular file");
	}
	int ck = kind == CS_IMAGE_MODULE ? comp_kind(path) : COMP_NONE;
	if (ck != COMP_NONE) {
		int mfd = decompress(ctx, path, fd, ck);
		close(fd);
		if (mfd < 0)
			return mfd;
		fd = mfd;
		img->compressed = 1;
		if (fstat(fd, &st) != 0) {
			close(fd);
			return cs_ctx_error(ctx, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
		}
	}
	img->fd = fd;
	img->size = (uint64_t)st.st_size;
	elf_version(EV_CURRENT);
	img->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int rc = check(img, ctx, path, kind, machine);
	if (rc)
		cs_image_close(img);
	return rc;
}

int cs_image_dup_fd(const cs_image *img)
{
	if (!img || img->fd < 0)
		return -1;
	int fd = fcntl(img->fd, F_DUPFD_CLOEXEC, 0);
	if (fd >= 0)
		lseek(fd, 0, SEEK_SET);
	return fd;
}

void cs_image_close(cs_image *img)
{
	if (!img)
		return;
	if (img->elf)
		elf_end(img->elf);
	if (img->fd >= 0)
		close(img->fd);
	*img = (cs_image)CS_IMAGE_INIT;
}
