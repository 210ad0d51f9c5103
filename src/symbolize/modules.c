/* Modules: found by name or build id under the modules directory, opened
 * through the loader shared with validate (image.c: compressed modules
 * decompressed into a memfd, bounded by their own ELF headers; the same
 * checks and messages); unusable module files are named with the reason. */
#include <dirent.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbolize/image.h"
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

/* Add the module file path of module name (normalized) to the index. */
static int add_modfile(crashsig_symbolizer *s, const char *path, const char *name)
{
	if (cs_reserve((void **)&s->files, &s->capfiles, s->nfiles + 1, sizeof(*s->files)))
		return CRASHSIG_ENOMEM;
	size_t pl = strlen(path), nl = strlen(name);
	char *b = malloc(pl + nl + 2);
	if (!b)
		return CRASHSIG_ENOMEM;
	memcpy(b, path, pl + 1);
	memcpy(b + pl + 1, name, nl + 1);
	s->files[s->nfiles].path = b;
	s->files[s->nfiles].name = b + pl + 1;
	s->nfiles++;
	return 0;
}

/* cs_dir_walk callback: a file whose name ends in a module extension is a
 * module named by the rest of its name ('-' read as '_'): cs_module_name. */
static int index_file(void *arg, const char *path, const char *name)
{
	crashsig_symbolizer *s = arg;
	char nn[256];
	if (!cs_module_name(name, nn, sizeof(nn)))
		return 0;
	return add_modfile(s, path, nn);
}

/* Module files below dir (16 levels; links to directories are not followed,
 * .build-id is left out with the other dot entries and handled separately).
 * A directory that cannot be read holds no modules. */
static int index_dir(crashsig_symbolizer *s, const char *dir)
{
	int rc = cs_dir_walk(dir, 16, 0, index_file, s);
	return rc == CRASHSIG_EIO ? 0 : rc;
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

/* Whole lookups with the own readers (m->own_cu) on a binary whose DWARF
 * addresses are its own (vmlinux: not relocated by libdwfl, no bias), when
 * it has .debug_aranges as libdw reads it. 0, or CRASHSIG_ENOMEM. */
int mod_init_own_cu(struct mod *m)
{
	m->own_cu = 0;
	if (!m->own_lines || !m->own_walk || m->is_rel || m->dwbias != 0)
		return 0;
	int rc = dwr_aranges_load(&m->ar, &m->sec);
	if (rc == CRASHSIG_ENOMEM)
		return rc;
	if (rc || !m->ar.nrun)
		return 0; /* libdw then, with what it makes of them */
	m->own_cu = 1;
	return 0;
}

static int report_module(crashsig_symbolizer *s, const char *name,
			 const char *path, struct mod **out)
{
	*out = NULL;
	/* the loader shared with validate: checked (and decompressed) the
	 * same way, with the same messages; the module must be of the
	 * vmlinux's architecture */
	cs_image img;
	int rc = cs_image_open(&img, s->ctx, path, CS_IMAGE_MODULE, s->machine);
	if (rc)
		return rc;
	int fd = cs_image_dup_fd(&img);
	cs_image_close(&img);
	if (fd < 0)
		return cs_ctx_error(s->ctx, CRASHSIG_EIO, "%s: %s", path, strerror(errno));
	dwfl_report_begin_add(s->dwfl);
	/* dwfl takes ownership of fd */
	Dwfl_Module *dm = dwfl_report_offline(s->dwfl, name, path, fd);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (!dm) {
		close(fd); /* dwfl owns it only on success */
		return cs_ctx_error(s->ctx, CRASHSIG_EFORMAT, "%s: %s", path,
				    dwfl_errmsg(-1));
	}
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
	rc = m->name ? mod_load_syms(s, m) : CRASHSIG_ENOMEM;
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
				const char *b = strrchr(s->modules_dir, '/');
				b = b ? b + 1 : s->modules_dir;
				const char *dot = strstr(b, ".ko");
				char *n = cs_strndup(b, dot ? (size_t)(dot - b) : strlen(b));
				if (n) {
					norm_name(n);
					add_modfile(s, s->modules_dir, n);
					free(n);
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
