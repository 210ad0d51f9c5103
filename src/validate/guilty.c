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
 * like Go's regexp.MatchString they match anywhere unless anchored. They
 * use only '^', '.', ".*" and "\." and are matched by a small matcher of
 * that subset; the other expressions are written out as code, so a guilty
 * file costs no regex compilation (crashsig --json asks for one per
 * crash). */
#include "validate/validate_int.h"

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

/* The lines whose paths do not count (syzkaller's guiltyLineIgnore):
 *   (hardirqs|softirqs)\s+last\s+(enabled|disabled)
 *   ^Register r\d+ information
 * and lockdep's held-lock list (" #0: ffff... (lock){...}, at: f+0x1/0x2
 * path.c:12", ^\s*#\d+:\s.*\bat:\s): where a lock was taken, not where the
 * bug is. That last one is not in the syzkaller source we could read;
 * syzkaller's newer guilty test data (corpus guilty/19 and /67, "sleeping
 * function called from invalid context") expects the file of the call
 * trace below the list. */

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static const char *find(const char *s, size_t n, const char *w)
{
	return memmem(s, n, w, strlen(w));
}

/* At p (end e): \s+WORD where WORD is one of words; returns the end. */
static const char *spaces_then(const char *p, const char *e, const char *const *words)
{
	const char *q = p;
	while (q < e && is_space((unsigned char)*q))
		q++;
	if (q == p)
		return NULL;
	for (size_t i = 0; words[i]; i++) {
		size_t wl = strlen(words[i]);
		if ((size_t)(e - q) >= wl && !memcmp(q, words[i], wl))
			return q + wl;
	}
	return NULL;
}

static int irq_state_line(const char *l, size_t n)
{
	static const char *const last[] = {"last", NULL};
	static const char *const state[] = {"enabled", "disabled", NULL};
	const char *e = l + n;
	for (const char *p = l; p < e; p++) {
		if ((size_t)(e - p) < 8 || (memcmp(p, "hardirqs", 8) && memcmp(p, "softirqs", 8)))
			continue;
		const char *q = spaces_then(p + 8, e, last);
		if (q && spaces_then(q, e, state))
			return 1;
	}
	return 0;
}

static int held_lock_line(const char *l, size_t n)
{
	const char *p = l, *e = l + n;
	while (p < e && is_space((unsigned char)*p))
		p++;
	if (p == e || *p++ != '#' || p == e || !cs_isdigit((unsigned char)*p))
		return 0;
	while (p < e && cs_isdigit((unsigned char)*p))
		p++;
	if (p == e || *p++ != ':' || p == e || !is_space((unsigned char)*p))
		return 0;
	/* \bat:\s further on */
	for (const char *q = p; (q = find(q, (size_t)(e - q), "at:")); q++)
		if ((q == l || !(cs_isalnum((unsigned char)q[-1]) || q[-1] == '_')) && q + 3 < e &&
		    is_space((unsigned char)q[3]))
			return 1;
	return 0;
}

static int line_skipped(const char *l, size_t n)
{
	if (n > 10 && !memcmp(l, "Register r", 10)) {
		const char *p = l + 10, *e = l + n;
		if (p < e && cs_isdigit((unsigned char)*p)) {
			while (p < e && cs_isdigit((unsigned char)*p))
				p++;
			if ((size_t)(e - p) >= 12 && !memcmp(p, " information", 12))
				return 1;
		}
	}
	return irq_state_line(l, n) || held_lock_line(l, n);
}

/* The subset of regular expressions of the skip list: '^' (at the start),
 * '.', "X*" and "\X" (a literal X); unanchored patterns match anywhere.
 * After Pike and Kernighan's matcher (The Practice of Programming, 9.2). */
static int match_here(const char *re, const char *s, const char *e);

static int match_star(const char *atom, size_t alen, const char *re, const char *s,
		      const char *e)
{
	do {
		if (match_here(re, s, e))
			return 1;
	} while (s < e && (alen == 1 && atom[0] == '.' ? 1 : *s == atom[alen - 1]) && s++);
	return 0;
}

static int match_here(const char *re, const char *s, const char *e)
{
	if (!re[0])
		return 1;
	size_t alen = re[0] == '\\' && re[1] ? 2 : 1;
	if (re[alen] == '*')
		return match_star(re, alen, re + alen + 1, s, e);
	if (s < e && ((alen == 1 && re[0] == '.') || *s == re[alen - 1]))
		return match_here(re + alen, s + 1, e);
	return 0;
}

static int mini_match(const char *re, const char *s, size_t n)
{
	const char *e = s + n;
	if (re[0] == '^')
		return match_here(re + 1, s, e);
	do {
		if (match_here(re, s, e))
			return 1;
	} while (s++ < e);
	return 0;
}

static int path_skipped(const char *f, size_t n)
{
	for (size_t i = 0; skip_patterns[i]; i++)
		if (mini_match(skip_patterns[i], f, n))
			return 1;
	return 0;
}

static int path_char(int c)
{
	return cs_isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/';
}

static int name_char(int c)
{
	return cs_isalnum(c) || c == '_' || c == '-';
}

/* syzkaller's filenameRe, ([a-zA-Z0-9_\-\./]*[a-zA-Z0-9_\-]+\.(c|h)):[0-9]+,
 * leftmost match: a run of path characters that ends in NAME.c or NAME.h
 * and is followed by ':' and a digit (':' ends a run, so the match is the
 * whole run). */
static int line_file(const char *l, size_t n, const char **f, size_t *fl)
{
	size_t i = 0;
	while (i < n) {
		if (!path_char((unsigned char)l[i])) {
			i++;
			continue;
		}
		size_t s = i;
		while (i < n && path_char((unsigned char)l[i]))
			i++;
		size_t len = i - s;
		if (i + 1 < n && l[i] == ':' && cs_isdigit((unsigned char)l[i + 1]) && len >= 3 &&
		    l[i - 2] == '.' && (l[i - 1] == 'c' || l[i - 1] == 'h') &&
		    name_char((unsigned char)l[i - 3])) {
			*f = l + s;
			*fl = len;
			return 1;
		}
	}
	return 0;
}

/* syzkaller's deeperPathRe, ^/[a-zA-Z0-9_\-\./]+/[a-zA-Z0-9_\-]+\.(c|h)$ */
static int deeper_suffix(const char *s, size_t n)
{
	if (n < 5 || s[0] != '/')
		return 0;
	const char *last = NULL;
	for (size_t i = 1; i < n; i++) {
		if (!path_char((unsigned char)s[i]))
			return 0;
		if (s[i] == '/')
			last = s + i;
	}
	if (!last || last - s < 2)
		return 0;
	const char *y = last + 1, *e = s + n;
	if (e - y < 3 || e[-2] != '.' || (e[-1] != 'c' && e[-1] != 'h'))
		return 0;
	for (const char *p = y; p < e - 2; p++)
		if (!name_char((unsigned char)*p))
			return 0;
	return 1;
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

static size_t guilty_impl(const char *text, size_t len, char *buf, size_t cap)
{
	lineit it = {text, text + len};
	const char *l, *f;
	size_t n, fl, glen = 0;
	buf[0] = 0;
	int have = 0;
	while (next_line(&it, &l, &n)) {
		if (!line_file(l, n, &f, &fl))
			continue;
		if (!have) {
			/* the fallback is the raw first path */
			glen = fl < cap - 1 ? fl : cap - 1;
			memcpy(buf, f, glen);
			buf[glen] = 0;
			have = 1;
		}
		if (path_skipped(f, fl) || line_skipped(l, n))
			continue;
		glen = clean_path(f, fl, buf, cap);
		break;
	}
	char deepest[1024];
	dir_of(buf, deepest, sizeof(deepest));
	size_t dl = strlen(deepest);
	while (next_line(&it, &l, &n)) {
		if (!line_file(l, n, &f, &fl))
			continue;
		if (path_skipped(f, fl) || line_skipped(l, n))
			continue;
		char clean[1024];
		size_t cl = clean_path(f, fl, clean, sizeof(clean));
		if (cl >= dl && !memcmp(clean, deepest, dl) &&
		    deeper_suffix(clean + dl, cl - dl)) {
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
	size_t n = 0;
	if (title && !strncmp(title, "INFO: rcu detected stall", 24)) {
		static const char *const entries[] = {"apic_timer_interrupt+0x", "el1h_64_irq+0x",
						      "Exception stack", NULL};
		for (size_t i = 0; entries[i] && !n; i++) {
			const char *p = memmem(text, len, entries[i], strlen(entries[i]));
			if (p)
				n = guilty_impl(p, (size_t)(text + len - p), local, sizeof(local));
		}
	}
	if (!n)
		n = guilty_impl(text, len, local, sizeof(local));
	if (buf && buflen) {
		size_t k = n < buflen - 1 ? n : buflen - 1;
		memcpy(buf, local, k);
		buf[k] = 0;
	}
	return n;
}

int vx_guilty_skip(const char *path, size_t len)
{
	return path_skipped(path, len);
}

CS_EXPORT int crashsig_guilty_skipped(const char *path)
{
	return path ? vx_guilty_skip(path, strlen(path)) : 0;
}
