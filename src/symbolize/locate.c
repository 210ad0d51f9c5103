/* Finding the debug binaries of a kernel the way `decode_stacktrace.sh -r`
 * users expect: by the release the report names, in the places
 * distributions install them, and by build id through debuginfod. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/util.h"
#include "crashsig/symbolize.h"

/* Where distributions put vmlinux with DWARF, for release R:
 *  Debian (linux-image-R-dbg), Ubuntu (linux-image-unsigned-R-dbgsym):
 *      /usr/lib/debug/boot/vmlinux-R
 *  Fedora/RHEL/CentOS (kernel-debuginfo), Ubuntu ddebs (also):
 *      /usr/lib/debug/lib/modules/R/vmlinux
 *  a kernel built and installed from a tree (make modules_install):
 *      /lib/modules/R/build/vmlinux (and the merged-/usr spelling)
 *  openSUSE (kernel-default-debuginfo next to /boot/vmlinux-R):
 *      /boot/vmlinux-R */
static const char *const vmlinux_places[] = {
	"/usr/lib/debug/boot/vmlinux-%s",
	"/usr/lib/debug/lib/modules/%s/vmlinux",
	"/lib/modules/%s/build/vmlinux",
	"/usr/lib/modules/%s/build/vmlinux",
	"/boot/vmlinux-%s",
};

/* Module trees, most debug-friendly first: the -dbg/debuginfo tree has
 * DWARF; /lib/modules has the modules the kernel loaded (with DWARF only
 * for self-built kernels). */
static const char *const module_places[] = {
	"/usr/lib/debug/lib/modules/%s",
	"/lib/modules/%s",
	"/usr/lib/modules/%s",
};

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A release comes from the report: it must not walk out of the directory. */
static int release_ok(const char *r)
{
	size_t n = strlen(r);
	if (!n || n > 64 || r[0] == '.' || strstr(r, ".."))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (r[i] == '/' || (unsigned char)r[i] <= ' ' || (unsigned char)r[i] >= 0x7f)
			return 0;
	return 1;
}

static void place(char *buf, size_t len, const char *root, const char *fmt, const char *rel)
{
	char tail[512];
	snprintf(tail, sizeof(tail), fmt, rel);
	if (root && root[0] && strcmp(root, "/"))
		snprintf(buf, len, "%s%s", root, tail);
	else
		snprintf(buf, len, "%s", tail);
}

CS_EXPORT int crashsig_symbolize_find_kernel(const char *sysroot, const char *release,
					     crashsig_kernel_files *out)
{
	if (!release || !out)
		return CRASHSIG_EINVAL;
	unsigned int version = out->version;
	memset(out, 0, sizeof(*out));
	out->version = version ? version : CRASHSIG_KERNEL_FILES_VERSION;
	if (!release_ok(release))
		return CRASHSIG_EINVAL;
	char p[sizeof(out->vmlinux)];
	size_t tl = 0;
	for (size_t i = 0; i < sizeof(vmlinux_places) / sizeof(*vmlinux_places); i++) {
		place(p, sizeof(p), sysroot, vmlinux_places[i], release);
		if (is_file(p)) {
			snprintf(out->vmlinux, sizeof(out->vmlinux), "%s", p);
			break;
		}
		int n = snprintf(out->tried + tl, sizeof(out->tried) - tl, "%s%s", tl ? ", " : "", p);
		if (n > 0 && (size_t)n < sizeof(out->tried) - tl)
			tl += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(module_places) / sizeof(*module_places); i++) {
		place(p, sizeof(p), sysroot, module_places[i], release);
		if (is_dir(p)) {
			snprintf(out->modules_dir, sizeof(out->modules_dir), "%s", p);
			break;
		}
	}
	return out->vmlinux[0] ? 1 : 0;
}

/* debuginfod: elfutils' client library, loaded at run time as libdw itself
 * does (libdwfl/debuginfod-client.c), so that libcrashsig has no link-time
 * dependency on it (and its static archive none on libcurl). The client API
 * is declared in elfutils' debuginfod.h; a build id given as a hex string
 * has build_id_len 0. */
typedef struct debuginfod_client debuginfod_client;
typedef debuginfod_client *(*dbgd_begin_fn)(void);
typedef int (*dbgd_find_fn)(debuginfod_client *, const unsigned char *, int, char **);
typedef void (*dbgd_end_fn)(debuginfod_client *);

static int hex_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 128 || n % 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!cs_isxdigit((unsigned char)s[i]) || (s[i] >= 'A' && s[i] <= 'F'))
			return 0;
	return 1;
}

CS_EXPORT int crashsig_debuginfod_find(crashsig_ctx *ctx, const char *build_id, int kind,
				       char *path, size_t pathlen)
{
	if (!build_id || !path || !pathlen)
		return cs_ctx_error(ctx, CRASHSIG_EINVAL, "debuginfod: bad arguments");
	path[0] = 0;
	if (!hex_ok(build_id))
		return cs_ctx_error(ctx, CRASHSIG_EINVAL, "debuginfod: bad build id '%.140s'",
				    build_id);
	const char *urls = getenv("DEBUGINFOD_URLS");
	if (!urls || !urls[0])
		return cs_ctx_error(ctx, CRASHSIG_EUNSUPPORTED,
				    "debuginfod: DEBUGINFOD_URLS is not set");
	/* RTLD_NODELETE: libdebuginfod initialises libcurl once per process
	 * (a constructor); unloading it would drop that state, and each new
	 * load would initialise it again. */
	void *h = dlopen("libdebuginfod.so.1", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h)
		return cs_ctx_error(ctx, CRASHSIG_EUNSUPPORTED,
				    "debuginfod: cannot load libdebuginfod.so.1 (%s)", dlerror());
	dbgd_begin_fn begin = (dbgd_begin_fn)dlsym(h, "debuginfod_begin");
	dbgd_find_fn find = (dbgd_find_fn)dlsym(h, kind == CRASHSIG_DEBUGINFOD_EXECUTABLE
							   ? "debuginfod_find_executable"
							   : "debuginfod_find_debuginfo");
	dbgd_end_fn end = (dbgd_end_fn)dlsym(h, "debuginfod_end");
	int rc;
	debuginfod_client *c = begin && find && end ? begin() : NULL;
	if (!c) {
		rc = cs_ctx_error(ctx, CRASHSIG_EUNSUPPORTED, "debuginfod: client unavailable");
	} else {
		char *got = NULL;
		int fd = find(c, (const unsigned char *)build_id, 0, &got);
		if (fd >= 0 && got && strlen(got) < pathlen) {
			memcpy(path, got, strlen(got) + 1);
			rc = 0;
		} else if (fd >= 0) {
			rc = cs_ctx_error(ctx, CRASHSIG_EINVAL, "debuginfod: path too long");
		} else if (fd == -ENOENT) {
			rc = cs_ctx_error(ctx, CRASHSIG_ENOTFOUND,
					  "debuginfod: build id %s not found at %.300s", build_id,
					  urls);
		} else {
			rc = cs_ctx_error(ctx, CRASHSIG_EIO, "debuginfod: build id %s: %s",
					  build_id, strerror(-fd));
		}
		if (fd >= 0)
			close(fd);
		free(got);
		end(c);
	}
	dlclose(h);
	return rc;
}
