/* Modules: found by name or build id under the modules directory; .ko.zst
 * decompressed into a memfd. */
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

static int index_dir(crashsig_symbolizer *s, const char *dir, int depth)
{
	if (depth > 16)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d)) != NULL && rc == 0) {
		if (e->d_name[0] == '.')
			continue; /* also skips .build-id (handled separately) */
		size_t dl = strlen(dir), nl = strlen(e->d_name);
		char *p = malloc(dl + nl + 2);
		if (!p) {
			rc = CRASHSIG_ENOMEM;
			break;
		}
		memcpy(p, dir, dl);
		p[dl] = '/';
		memcpy(p + dl + 1, e->d_name, nl + 1);
		int isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
			struct stat st;
			isdir = stat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
				e->d_type != DT_LNK;
		}
		if (isdir) {
			rc = index_dir(s, p, depth + 1);
			free(p);
			continue;
		}
		size_t base = 0;
		for (size_t i = 0; ko_exts[i]; i++) {
			size_t el = strlen(ko_exts[i]);
			if (nl > el && strcmp(e->d_name + nl - el, ko_exts[i]) == 0) {
				base = nl - el;
				break;
			}
		}
		if (!base) {
			free(p);
			continue;
		}
		struct modfile *f = realloc(s->files, (s->nfiles + 1) * sizeof(*f));
		if (!f) {
			free(p);
			rc = CRASHSIG_ENOMEM;
			break;
		}
		s->files = f;
		f[s->nfiles].path = p;
		f[s->nfiles].name = cs_strndup(e->d_name, base);
		if (!f[s->nfiles].name) {
			free(p);
			rc = CRASHSIG_ENOMEM;
			break;
		}
		norm_name(f[s->nfiles].name);
		s->nfiles++;
	}
	closedir(d);
	return rc;
}

/* libdwfl (0.188) opens .ko.xz and .ko.gz itself but not .ko.zst:
 * decompress those into an anonymous memory file. Returns an fd or < 0. */
static int zstd_to_memfd(crashsig_symbolizer *s, const char *path)
{
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cs_ctx_error(s->ctx, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
	int out = memfd_create("crashsig-module", MFD_CLOEXEC);
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	size_t inl = ZSTD_DStreamInSize(), outl = ZSTD_DStreamOutSize();
	char *ib = malloc(inl), *ob = malloc(outl);
	int rc = 0;
	if (out < 0 || !dc || !ib || !ob) {
		rc = cs_ctx_error(s->ctx, CRASHSIG_ENOMEM, "%s: cannot set up zstd", path);
		goto done;
	}
	size_t last = 1;
	ssize_t n;
	while (rc == 0 && (n = read(in, ib, inl)) > 0) {
		ZSTD_inBuffer zi = {ib, (size_t)n, 0};
		while (zi.pos < zi.size) {
			ZSTD_outBuffer zo = {ob, outl, 0};
			last = ZSTD_decompressStream(dc, &zo, &zi);
			if (ZSTD_isError(last)) {
				rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: zstd: %s", path,
						  ZSTD_getErrorName(last));
				break;
			}
			if (zo.pos && write(out, ob, zo.pos) != (ssize_t)zo.pos) {
				rc = cs_ctx_error(s->ctx, CRASHSIG_EIO, "%s: write: %s", path,
						  strerror(errno));
				break;
			}
		}
	}
	if (rc == 0 && last != 0)
		rc = cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: truncated zstd data", path);
done:
	free(ib);
	free(ob);
	ZSTD_freeDCtx(dc);
	close(in);
	if (rc) {
		if (out >= 0)
			close(out);
		return rc;
	}
	lseek(out, 0, SEEK_SET);
	return out;
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
	int fd = -1;
	size_t pl = strlen(path);
	if (pl > 4 && strcmp(path + pl - 4, ".zst") == 0) {
		fd = zstd_to_memfd(s, path);
		if (fd < 0)
			return fd;
	}
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
				index_dir(s, s->modules_dir, 0);
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
	if (path)
		report_module(s, nn, path, &m);
	if (!m) {
		char **mi = realloc(s->missing, (s->nmissing + 1) * sizeof(*mi));
		if (mi) {
			s->missing = mi;
			mi[s->nmissing] = strdup(nn);
			if (mi[s->nmissing])
				s->nmissing++;
		}
	}
	return m;
}
