/* The guilty file of a report, as syzbot computes it.
 *
 * Re-expressed from syzkaller pkg/report/linux.go (ctorLinux's
 * guiltyFileIgnores and guiltyLineIgnore, extractGuiltyFileRaw,
 * extractGuiltyFileImpl) and pkg/report/report.go (filenameRe,
 * deeperPathRe):
 *  - every line of the report is searched for the first PATH.c:LINE or
 *    PATH.h:LINE; the first such path is remembered as a fallback;
 *  - the first path not on the ignore list, on a line that is not a lockdep
 *    "hardirqs/softirqs last enabled/disabled" line or an arm "Register rN
 *    information" line, is the guilty file (cleaned like Go's
 *    filepath.Clean);
 *  - further down, a path under the guilty file's directory that adds at
 *    least one more directory level replaces it ("deeper path");
 *  - for "INFO: rcu detected stall" titles the search first starts at the
 *    interrupt entry (apic_timer_interrupt+0x, el1h_64_irq+0x, "Exception
 *    stack").
 * The patterns below are syzkaller's list of files that never own a bug;
 * like Go's regexp.MatchString they match anywhere unless anchored. */
#include "validate/validate_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

static const char *const skip_patterns[] = {
	".*\\.h",
	"^lib/.*",
	"^virt/lib/.*",
	"^mm/kasan/.*",
	"^mm/kmsan/.*",
	"^kernel/kcov.c",
	"^mm/sl.b.c",
	"^mm/filemap.c",
	"^mm/folio-compat.c",
	"^mm/truncate.c",
	"^mm/memory.c",
	"^mm/percpu.*",
	"^mm/vmalloc.c",
	"^mm/page_alloc.c",
	"^mm/mempool.c",
	"^mm/util.c",
	"^kernel/rcu/.*",
	"^arch/.*/kernel/traps.c",
	"^arch/.*/kernel/unwind.*.c",
	"^arch/.*/mm/fault.c",
	"^arch/.*/mm/physaddr.c",
	"^arch/.*/kernel/stacktrace.c",
	"^arch/.*/kernel/apic/apic.c",
	"^arch/arm64/kernel/entry.*.c",
	"^arch/arm64/kernel/process\\.c",
	"^kernel/locking/.*",
	"^kernel/panic.c",
	"^kernel/printk/printk.*.c",
	"^kernel/softirq.c",
	"^kernel/kthread.c",
	"^kernel/sched/.*.c",
	"^kernel/stacktrace.c",
	"^kernel/time/timer.c",
	"^kernel/workqueue.c",
	"^net/core/dev.c",
	"^net/core/sock.c",
	"^net/core/skbuff.c",
	"^fs/proc/generic.c",
	"^trusty/",
	"^drivers/usb/core/urb.c",
	"^arch/.*/lib/crc.*",
	NULL,
};

static const char line_skip_pattern[] =
	"(hardirqs|softirqs)\\s+last\\s+(enabled|disabled)|^Register r\\d+ information"
	/* lockdep's held-lock list (" #0: ffff... (lock){...}, at: f+0x1/0x2
	 * path.c:12"): where a lock was taken, not where the bug is. Not in
	 * the syzkaller source we could read; syzkaller's newer guilty test
	 * data (corpus guilty/19 and /67, "sleeping function called from
	 * invalid context") expects the file of the call trace below. */
	"|^\\s*#\\d+:\\s.*\\bat:\\s";
static const char file_pattern[] = "([a-zA-Z0-9_\\-\\./]*[a-zA-Z0-9_\\-]+\\.(c|h)):[0-9]+";
static const char deeper_pattern[] = "^/[a-zA-Z0-9_\\-\\./]+/[a-zA-Z0-9_\\-]+\\.(c|h)$";

typedef struct gre {
	pcre2_code *skip, *line_skip, *file, *deeper;
	pcre2_match_data *md;
} gre;

static pcre2_code *re(const char *p)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
	if (c)
		pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

static void gre_free(gre *g)
{
	pcre2_code_free(g->skip);
	pcre2_code_free(g->line_skip);
	pcre2_code_free(g->file);
	pcre2_code_free(g->deeper);
	pcre2_match_data_free(g->md);
}

static int gre_init(gre *g)
{
	memset(g, 0, sizeof(*g));
	cs_buf b = {0};
	for (size_t i = 0; skip_patterns[i]; i++)
		if (cs_buf_printf(&b, "%s(?:%s)", i ? "|" : "", skip_patterns[i])) {
			cs_buf_free(&b);
			return CRASHSIG_ENOMEM;
		}
	g->skip = re(b.data);
	cs_buf_free(&b);
	g->line_skip = re(line_skip_pattern);
	g->file = re(file_pattern);
	g->deeper = re(deeper_pattern);
	g->md = pcre2_match_data_create(8, NULL);
	if (!g->skip || !g->line_skip || !g->file || !g->deeper || !g->md) {
		gre_free(g);
		return CRASHSIG_ENOMEM;
	}
	return 0;
}

static int match(gre *g, pcre2_code *c, const char *s, size_t n)
{
	return pcre2_match(c, (PCRE2_SPTR)s, n, 0, 0, g->md, NULL) >= 0;
}

/* Go's filepath.Clean for a relative or absolute slash path. */
static size_t clean_path(const char *in, size_t n, char *out, size_t cap)
{
	if (!cap)
		return 0;
	char tmp[1024];
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	int rooted = n && in[0] == '/';
	size_t o = 0;
	size_t dotdot = 0; /* where ".." may no longer backtrack */
	if (rooted)
		tmp[o++] = '/', dotdot = 1;
	size_t i = rooted;
	while (i < n) {
		if (in[i] == '/') {
			i++;
		} else if (in[i] == '.' && (i + 1 == n || in[i + 1] == '/')) {
			i++;
		} else if (in[i] == '.' && in[i + 1] == '.' && (i + 2 == n || in[i + 2] == '/')) {
			i += 2;
			if (o > dotdot) {
				o--;
				while (o > dotdot && tmp[o] != '/')
					o--;
			} else if (!rooted) {
				if (o > 0)
					tmp[o++] = '/';
				tmp[o++] = '.';
				tmp[o++] = '.';
				dotdot = o;
			}
		} else {
			if ((rooted && o != 1) || (!rooted && o != 0))
				tmp[o++] = '/';
			while (i < n && in[i] != '/' && o < sizeof(tmp) - 1)
				tmp[o++] = in[i++];
		}
	}
	if (o == 0)
		tmp[o++] = '.';
	size_t k = o < cap - 1 ? o : cap - 1;
	memcpy(out, tmp, k);
	out[k] = 0;
	return k;
}

/* Go's filepath.Dir of a cleaned path. */
static size_t dir_of(const char *p, char *out, size_t cap)
{
	const char *sl = strrchr(p, '/');
	if (!sl)
		return clean_path(".", 1, out, cap);
	return clean_path(p, (size_t)(sl - p) + (sl == p), out, cap);
}

typedef struct lineit {
	const char *p, *end;
} lineit;

static int next_line(lineit *it, const char **l, size_t *n)
{
	if (it->p >= it->end)
		return 0;
	const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*l = it->p;
	*n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	it->p = nl ? nl + 1 : it->end;
	return 1;
}

/* The path of the first file:line match on a line. */
static int line_file(gre *g, const char *l, size_t n, const char **f, size_t *fl)
{
	if (pcre2_match(g->file, (PCRE2_SPTR)l, n, 0, 0, g->md, NULL) < 0)
		return 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(g->md);
	*f = l + ov[2];
	*fl = ov[3] - ov[2];
	return 1;
}

static size_t guilty_impl(gre *g, const char *text, size_t len, char *buf, size_t cap)
{
	lineit it = {text, text + len};
	const char *l, *f;
	size_t n, fl, glen = 0;
	buf[0] = 0;
	int have = 0;
	while (next_line(&it, &l, &n)) {
		if (!line_file(g, l, n, &f, &fl))
			continue;
		if (!have) {
			/* the fallback is the raw first path */
			glen = fl < cap - 1 ? fl : cap - 1;
			memcpy(buf, f, glen);
			buf[glen] = 0;
			have = 1;
		}
		if (match(g, g->skip, f, fl) || match(g, g->line_skip, l, n))
			continue;
		glen = clean_path(f, fl, buf, cap);
		break;
	}
	char deepest[1024];
	dir_of(buf, deepest, sizeof(deepest));
	size_t dl = strlen(deepest);
	while (next_line(&it, &l, &n)) {
		if (!line_file(g, l, n, &f, &fl))
			continue;
		if (match(g, g->skip, f, fl) || match(g, g->line_skip, l, n))
			continue;
		char clean[1024];
		size_t cl = clean_path(f, fl, clean, sizeof(clean));
		if (cl >= dl && !memcmp(clean, deepest, dl) &&
		    match(g, g->deeper, clean + dl, cl - dl)) {
			glen = cl < cap - 1 ? cl : cap - 1;
			memcpy(buf, clean, glen);
			buf[glen] = 0;
			dir_of(buf, deepest, sizeof(deepest));
			dl = strlen(deepest);
		}
	}
	return glen;
}

CS_EXPORT size_t crashsig_guilty_file(const char *title, const char *text, size_t len,
				      char *buf, size_t buflen)
{
	char local[1024];
	if (!text)
		return 0;
	gre g;
	if (gre_init(&g))
		return 0;
	size_t n = 0;
	if (title && !strncmp(title, "INFO: rcu detected stall", 24)) {
		static const char *const entries[] = {"apic_timer_interrupt+0x", "el1h_64_irq+0x",
						      "Exception stack", NULL};
		for (size_t i = 0; entries[i] && !n; i++) {
			const char *p = memmem(text, len, entries[i], strlen(entries[i]));
			if (p)
				n = guilty_impl(&g, p, (size_t)(text + len - p), local, sizeof(local));
		}
	}
	if (!n)
		n = guilty_impl(&g, text, len, local, sizeof(local));
	gre_free(&g);
	if (buf && buflen) {
		size_t k = n < buflen - 1 ? n : buflen - 1;
		memcpy(buf, local, k);
		buf[k] = 0;
	}
	return n;
}

int vx_guilty_skip(const char *path, size_t len)
{
	gre g;
	if (gre_init(&g))
		return 0;
	int r = match(&g, g.skip, path, len);
	gre_free(&g);
	return r;
}

CS_EXPORT int crashsig_guilty_skipped(const char *path)
{
	return path ? vx_guilty_skip(path, strlen(path)) : 0;
}
