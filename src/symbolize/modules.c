/* Modules: found by name or build id under the modules directory;
 * compressed modules decompressed here into a memfd, bounded by their own
 * ELF header; unusable module files are named with the reason. */
#include <dirent.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "symbolize/symbolize_int.h"

/* ------------------------------------------------------------------ */
/* Modules                                                             */
/* ------------------------------------------------------------------ */

static void norm_name(char *n)
{
	for (; *n; n++)
		if (*n == '-')
			*n = '_';
}

static const char *const ko_exts[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz",
				      ".ko.debug", NULL};

/* cs_dir_walk callback: a file whose name ends in a module extension is a
 * module named by the rest of its name ('-' read as '_'). */
static int index_file(void *arg, const char *path, const char *name)
{
	crashsig_symbolizer *s = arg;
	size_t nl = strlen(name), base = 0;
	for (size_t i = 0; ko_exts[i]; i++) {
		size_t el = strlen(ko_exts[i]);
		if (nl > el && strcmp(name + nl - el, ko_exts[i]) == 0) {
			base = nl - el;
			break;
		}
	}
	if (!base)
		return 0;
	struct modfile *f = realloc(s->files, (s->nfiles + 1) * sizeof(*f));
	if (!f)
		return CRASHSIG_ENOMEM;
	s->files = f;
	f[s->nfiles].path = cs_strndup(path, strlen(path));
	f[s->nfiles].name = cs_strndup(name, base);
	if (!f[s->nfiles].path || !f[s->nfiles].name) {
		free(f[s->nfiles].path);
		free(f[s->nfiles].name);
		return CRASHSIG_ENOMEM;
	}
	norm_name(f[s->nfiles].name);
	s->nfiles++;
	return 0;
}

/* Module files below dir (16 levels; links to directories are not followed,
 * .build-id is left out with the other dot entries and handled separately).
 * A directory that cannot be read holds no modules. */
static int index_dir(crashsig_symbolizer *s, const char *dir)
{
	int rc = cs_dir_walk(dir, 16, 0, index_file, s);
	return rc == CRASHSIG_EIO ? 0 : rc;
}

/* ------------------------------------------------------------------ */
/* Module files: checked, and decompressed here with limits             */
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

/* Decompressed bytes go here: into an anonymous memory file, never more
 * than the ELF file itself describes: its header bounds the data up to the
 * section header table; the section headers then bound the rest. A
 * "module" of 2 GB of zeros is no ELF file and is stopped after 4 bytes. */
typedef struct mod_sink {
	crashsig_symbolizer *s;
	const char *path;
	int fd;
	unsigned char hdr[64];
	uint64_t got;   /* bytes written */
	elf_layout L;
	uint64_t limit; /* once the header is complete */
	int sections;   /* the section headers were read */
	int rc;
} mod_sink;

static int sink_out(mod_sink *k, const unsigned char *d, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(k->fd, d + off, n - off);
		if (w <= 0)
			return k->rc = cs_ctx_error(k->s->ctx, CRASHSIG_EIO, "%s: %s", k->path,
						    strerror(errno));
		off += (size_t)w;
	}
	k->got += n;
	return 0;
}

static int sink_write(mod_sink *k, const unsigned char *d, size_t n)
{
	if (k->rc)
		return k->rc;
	if (k->got < sizeof(k->hdr)) {
		size_t c = sizeof(k->hdr) - (size_t)k->got < n ? sizeof(k->hdr) - (size_t)k->got : n;
		memcpy(k->hdr + k->got, d, c);
		size_t have = (size_t)k->got + c;
		if (memcmp(k->hdr, ELFMAG, have < SELFMAG ? have : SELFMAG) != 0)
			return k->rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT,
						    "%s: not an ELF file (decompressed data)",
						    k->path);
		if (have == sizeof(k->hdr)) {
			k->L = elf_header(k->hdr, have);
			if (!k->L.ok)
				return k->rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT,
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
			return k->rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT,
						    "%s: decompresses to more than the %llu bytes "
						    "its ELF headers describe",
						    k->path, (unsigned long long)k->limit);
		k->limit = end;
	}
	return 0;
}

/* After the last byte: the data must be as long as its headers say. */
static int sink_end(mod_sink *k)
{
	if (k->rc)
		return k->rc;
	if (!k->L.ok)
		return k->rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT,
					    "%s: not an ELF file (%llu bytes decompressed)",
					    k->path, (unsigned long long)k->got);
	if (k->got < k->L.extent)
		return k->rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT,
					    "%s: truncated: decompresses to %llu bytes, its ELF "
					    "header describes %llu",
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

static int inflate_gz(mod_sink *k, int in, unsigned char *ib, unsigned char *ob)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return cs_ctx_error(k->s->ctx, CRASHSIG_ENOMEM, "%s: cannot set up zlib", k->path);
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
				rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT, "%s: gzip: %s",
						  k->path, z.msg ? z.msg : "corrupt data");
				break;
			}
			rc = sink_write(k, ob, OUTBUF - z.avail_out);
			if (zr == Z_STREAM_END)
				break;
		}
	}
	if (!rc && zr != Z_STREAM_END)
		rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT, "%s: gzip: truncated data",
				  k->path);
	inflateEnd(&z);
	return rc;
}

static int unxz(mod_sink *k, int in, unsigned char *ib, unsigned char *ob)
{
	lzma_stream z = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&z, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return cs_ctx_error(k->s->ctx, CRASHSIG_ENOMEM, "%s: cannot set up xz", k->path);
	lzma_ret zr = LZMA_OK;
	int rc = 0, eof = 0;
	while (!rc && zr != LZMA_STREAM_END) {
		if (!z.avail_in && !eof) {
			ssize_t n = read(in, ib, INBUF);
			if (n < 0) {
				rc = cs_ctx_error(k->s->ctx, CRASHSIG_EIO, "%s: %s", k->path,
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
			rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT, "%s: xz: %s", k->path,
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

static int unzstd(mod_sink *k, int in, unsigned char *ib, unsigned char *ob)
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	if (!dc)
		return cs_ctx_error(k->s->ctx, CRASHSIG_ENOMEM, "%s: cannot set up zstd", k->path);
	size_t last = 1;
	ssize_t n;
	int rc = 0;
	while (!rc && (n = read(in, ib, INBUF)) > 0) {
		ZSTD_inBuffer zi = {ib, (size_t)n, 0};
		while (!rc && zi.pos < zi.size) {
			ZSTD_outBuffer zo = {ob, OUTBUF, 0};
			last = ZSTD_decompressStream(dc, &zo, &zi);
			if (ZSTD_isError(last)) {
				rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT, "%s: zstd: %s", k->path,
						  ZSTD_getErrorName(last));
				break;
			}
			rc = sink_write(k, ob, zo.pos);
		}
	}
	if (!rc && last != 0)
		rc = cs_ctx_error(k->s->ctx, CRASHSIG_EFORMAT, "%s: zstd: truncated data", k->path);
	ZSTD_freeDCtx(dc);
	return rc;
}

/* Open a module file for libdwfl. A compressed module (.ko.gz, .ko.xz,
 * .ko.zst) is decompressed into an anonymous memory file, bounded by its own
 * ELF header; a plain one is checked to be an ELF file as long as its header
 * says. Returns an fd (owned by the caller), -1 for "let libdwfl open the
 * path", or a crashsig_error with the reason on the context. */
static int open_module_file(crashsig_symbolizer *s, const char *path)
{
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cs_ctx_error(s->ctx, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
	int kind = comp_kind(path);
	if (kind == COMP_NONE) {
		unsigned char h[64];
		ssize_t n = read(in, h, sizeof(h));
		struct stat st;
		int rc = 0;
		elf_layout L = n > 0 ? elf_header(h, (size_t)n) : (elf_layout){0};
		uint64_t ext = L.ok ? L.extent : 0;
		if (n < 0)
			rc = cs_ctx_error(s->ctx, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
		else if (!ext)
			rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: not an ELF file", path);
		else if (fstat(in, &st) == 0 && (uint64_t)st.st_size < ext)
			rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT,
					  "%s: truncated: %llu bytes, its ELF header describes %llu",
					  path, (unsigned long long)st.st_size,
					  (unsigned long long)ext);
		close(in);
		return rc ? rc : -1;
	}
	mod_sink k = {s, path, memfd_create("crashsig-module", MFD_CLOEXEC), {0}, 0, {0}, 0, 0, 0};
	unsigned char *ib = malloc(INBUF), *ob = malloc(OUTBUF);
	int rc;
	if (k.fd < 0 || !ib || !ob)
		rc = cs_ctx_error(s->ctx, CRASHSIG_ENOMEM, "%s: cannot set up decompression",
				  path);
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
	close(in);
	if (rc) {
		if (k.fd >= 0)
			close(k.fd);
		return rc;
	}
	lseek(k.fd, 0, SEEK_SET);
	return k.fd;
}

/* Point m->sec at the raw debug sections when the fast readers can read
 * them (little-endian host and file, not SHF_COMPRESSED): src/dwarf/. */
void mod_init_lines(struct mod *m)
{
	m->own_lines = 0;
	m->own_walk = 0;
	if (!m->dw || dwr_sections_init(&m->sec, dwarf_getelf(m->dw)) != 0)
		return;
	m->own_lines = m->sec.line.d != NULL;
	m->own_walk = m->sec.info.d != NULL && m->sec.abbrev.d != NULL;
}

static int report_module(crashsig_symbolizer *s, const char *name,
			 const char *path, struct mod **out)
{
	*out = NULL;
	int fd = open_module_file(s, path);
	if (fd < -1)
		return fd;
	dwfl_report_begin_add(s->dwfl);
	/* dwfl takes ownership of fd */
	Dwfl_Module *dm = dwfl_report_offline(s->dwfl, name, path, fd);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (!dm)
		return cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: %s", path,
				    dwfl_errmsg(-1));
	struct mod *m = calloc(1, sizeof(*m));
	if (!m)
		return CRASHSIG_ENOMEM;
	m->name = strdup(name);
	m->dm = dm;
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(dm, &bias);
	GElf_Ehdr eh;
	m->is_rel = elf && gelf_getehdr(elf, &eh) && eh.e_type == ET_REL;
	m->dw = dwfl_module_getdwarf(dm, &m->dwbias);
	if (!(s->flags & CRASHSIG_SYMBOLIZE_LIBDW_ONLY))
		mod_init_lines(m);
	int rc = m->name ? mod_load_syms(s, m) : CRASHSIG_ENOMEM;
	struct mod **mm = realloc(s->mods, (s->nmods + 1) * sizeof(*mm));
	if (!mm)
		rc = CRASHSIG_ENOMEM;
	else
		s->mods = mm;
	if (rc) {
		free(m->syms);
		free(m->htab);
		free(m->name);
		free(m);
		return rc;
	}
	s->mods[s->nmods++] = m;
	*out = m;
	return 0;
}

static int file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int build_id_path(const char *root, const char *bid, char *buf, size_t n)
{
	size_t l = strlen(bid);
	if (l < 4)
		return 0;
	for (size_t i = 0; i < l; i++)
		if (!cs_isxdigit((unsigned char)bid[i]))
			return 0;
	snprintf(buf, n, "%s/.build-id/%c%c/%s.debug", root, bid[0], bid[1], bid + 2);
	return file_exists(buf);
}

struct mod *find_module(crashsig_symbolizer *s, const char *name,
			       const char *build_id)
{
	char nn[256];
	snprintf(nn, sizeof(nn), "%s", name);
	norm_name(nn);
	for (size_t i = 0; i < s->nmods; i++)
		if (strcmp(s->mods[i]->name, nn) == 0)
			return s->mods[i];
	for (size_t i = 0; i < s->nmissing; i++)
		if (strcmp(s->missing[i], nn) == 0)
			return NULL;
	const char *path = NULL;
	char bpath[4096];
	if (build_id && s->modules_dir &&
	    build_id_path(s->modules_dir, build_id, bpath, sizeof(bpath)))
		path = bpath;
	else if (build_id && build_id_path("/usr/lib/debug", build_id, bpath,
					   sizeof(bpath)))
		path = bpath;
	if (!path && s->modules_dir) {
		if (!s->files_indexed) {
			s->files_indexed = 1;
			struct stat st;
			if (stat(s->modules_dir, &st) == 0 && S_ISREG(st.st_mode)) {
				/* a single module file */
				s->files = calloc(1, sizeof(*s->files));
				if (s->files) {
					const char *b = strrchr(s->modules_dir, '/');
					b = b ? b + 1 : s->modules_dir;
					const char *dot = strstr(b, ".ko");
					s->files[0].name = cs_strndup(b, dot ? (size_t)(dot - b)
									     : strlen(b));
					s->files[0].path = strdup(s->modules_dir);
					if (s->files[0].name && s->files[0].path) {
						norm_name(s->files[0].name);
						s->nfiles = 1;
					}
				}
			} else {
				index_dir(s, s->modules_dir);
			}
		}
		for (size_t i = 0; i < s->nfiles; i++)
			if (strcmp(s->files[i].name, nn) == 0) {
				path = s->files[i].path;
				break;
			}
	}
	/* Not on this system: ask the debuginfod servers of DEBUGINFOD_URLS
	 * by the frame's build id (the module with its DWARF). */
	char dpath[4096];
	if (!path && build_id && getenv("DEBUGINFOD_URLS") &&
	    !(s->flags & CRASHSIG_SYMBOLIZE_NO_DEBUGINFOD) &&
	    crashsig_debuginfod_find(NULL, build_id, CRASHSIG_DEBUGINFOD_DEBUGINFO, dpath,
				     sizeof(dpath)) == 0)
		path = dpath;
	struct mod *m = NULL;
	char why[sizeof(s->ctx->err.msg)] = "";
	if (path && report_module(s, nn, path, &m) && s->ctx)
		snprintf(why, sizeof(why), "%s", s->ctx->err.msg);
	if (!m) {
		/* remembered, with why a file that exists could not be used */
		char **mi = realloc(s->missing, (s->nmissing + 1) * sizeof(*mi));
		char **mw = mi ? realloc(s->missing_why, (s->nmissing + 1) * sizeof(*mw)) : NULL;
		if (mi)
			s->missing = mi;
		if (mw) {
			s->missing_why = mw;
			mi[s->nmissing] = strdup(nn);
			mw[s->nmissing] = why[0] ? strdup(why) : NULL;
			if (mi[s->nmissing])
				s->nmissing++;
			else
				free(mw[s->nmissing]);
		}
	}
	return m;
}

const char *module_problem(const crashsig_symbolizer *s, const char *name)
{
	char nn[256];
	snprintf(nn, sizeof(nn), "%s", name);
	norm_name(nn);
	for (size_t i = 0; i < s->nmissing; i++)
		if (strcmp(s->missing[i], nn) == 0)
			return s->missing_why[i];
	return NULL;
}
