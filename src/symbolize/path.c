/* Kernel source paths as the kernel tree names them. */
#include <stdlib.h>
#include <string.h>

#include "symbolize/symbolize_int.h"

/* ------------------------------------------------------------------ */
/* Paths                                                               */
/* ------------------------------------------------------------------ */

static const char *const kernel_top_dirs[] = {
	"arch", "block", "certs", "crypto", "drivers", "fs", "include", "init",
	"io_uring", "ipc", "kernel", "lib", "mm", "net", "rust", "samples",
	"scripts", "security", "sound", "tools", "usr", "virt", NULL};

static int is_top_dir(const char *c, size_t n)
{
	for (size_t i = 0; kernel_top_dirs[i]; i++)
		if (strlen(kernel_top_dirs[i]) == n &&
		    memcmp(kernel_top_dirs[i], c, n) == 0)
			return 1;
	return 0;
}

static const char *memmem_s(const char *h, size_t hl, const char *n)
{
	return memmem(h, hl, n, strlen(n));
}

CS_EXPORT size_t crashsig_symbolize_path(const char *path,
					 const char *strip_prefix, char *buf,
					 size_t buflen)
{
	const char *p = path ? path : "";
	size_t n = strlen(p);
	if (strip_prefix && *strip_prefix &&
	    strncmp(p, strip_prefix, strlen(strip_prefix)) == 0) {
		p += strlen(strip_prefix);
		while (*p == '/')
			p++;
		n = strlen(p);
	}
	const char *q = memmem_s(p, n, "/build/reproducible-path/");
	if (q) {
		q += strlen("/build/reproducible-path/");
		const char *sl = strchr(q, '/');
		if (sl) {
			p = sl + 1;
			n = strlen(p);
		}
	}
	/* debian/build/build_<flavour>/ component, anywhere. */
	for (const char *s = p; (s = memmem_s(s, strlen(s), "debian/build/build_"));
	     s++) {
		if (s == p || s[-1] == '/') {
			const char *sl = strchr(s + strlen("debian/build/build_"), '/');
			if (sl) {
				p = sl + 1;
				n = strlen(p);
			}
			break;
		}
	}
	/* Generic: absolute path of a kernel tree (some "linux" or "build"
	 * directory before a known top-level directory). */
	if (p[0] == '/') {
		const char *c = p + 1;
		while (*c) {
			const char *e = strchr(c, '/');
			if (!e)
				break;
			size_t clen = (size_t)(e - c);
			size_t pre = (size_t)(c - p);
			if (is_top_dir(c, clen) &&
			    (memmem_s(p, pre, "linux") || memmem_s(p, pre, "build"))) {
				p = c;
				n = strlen(p);
				break;
			}
			c = e + 1;
		}
	}
	if (buflen) {
		size_t m = n < buflen - 1 ? n : buflen - 1;
		memcpy(buf, p, m);
		buf[m] = 0;
	}
	return n;
}
