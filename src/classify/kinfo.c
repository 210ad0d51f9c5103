/* Kernel metadata of a report or a log: release, taint flags, CPU, PID,
 * comm, hardware name. Read from the lines every oops/WARNING prints
 * (lib/dump_stack.c dump_stack_print_info):
 *   CPU: 1 PID: 94 Comm: sh Tainted: G           OE      6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2
 *   CPU: 0 UID: 0 PID: 5432 Comm: syz-executor Not tainted 6.12.0-rc1 #0
 *   Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS ...
 * and, for the release, from the boot banner (init/version.c):
 *   Linux version 6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org) ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "crashsig/classify.h"
#include "input/prefix.h"

/* include/linux/panic.h (taint_flags[] in kernel/panic.c): bit, letter. */
static const struct {
	char letter;
	const char *name;
} taints[] = {
	{'P', "PROPRIETARY_MODULE"}, {'F', "FORCED_MODULE"},
	{'S', "CPU_OUT_OF_SPEC"},    {'R', "FORCED_RMMOD"},
	{'M', "MACHINE_CHECK"},      {'B', "BAD_PAGE"},
	{'U', "USER"},               {'D', "DIE"},
	{'A', "OVERRIDDEN_ACPI_TABLE"}, {'W', "WARN"},
	{'C', "CRAP"},               {'I', "FIRMWARE_WORKAROUND"},
	{'O', "OOT_MODULE"},         {'E', "UNSIGNED_MODULE"},
	{'L', "SOFTLOCKUP"},         {'K', "LIVEPATCH"},
	{'X', "AUX"},                {'T', "RANDSTRUCT"},
	{'N', "TEST"},
};
#define NTAINTS (sizeof(taints) / sizeof(taints[0]))

CS_EXPORT const char *crashsig_taint_name(unsigned int bit)
{
	return bit < NTAINTS ? taints[bit].name : NULL;
}

CS_EXPORT char crashsig_taint_letter(unsigned int bit)
{
	return bit < NTAINTS ? taints[bit].letter : 0;
}

static void copy(char *dst, size_t cap, const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

static const char *find(const char *s, size_t len, const char *what)
{
	return memmem(s, len, what, strlen(what));
}

static int parse_num(const char *s, size_t len, const char *key, long *out)
{
	const char *p = find(s, len, key);
	if (!p)
		return 0;
	p += strlen(key);
	const char *e = s + len;
	if (p >= e || !cs_isdigit((unsigned char)*p))
		return 0;
	long v = 0;
	while (p < e && cs_isdigit((unsigned char)*p) && v < 100000000)
		v = v * 10 + (*p++ - '0');
	*out = v;
	return 1;
}

/* "RELEASE #VERSION..." at s: release up to the first blank. */
static void release_version(crashsig_kernel_info *ki, const char *s, size_t len)
{
	while (len && *s == ' ') {
		s++;
		len--;
	}
	size_t r = 0;
	while (r < len && s[r] != ' ')
		r++;
	if (!r || !cs_isdigit((unsigned char)s[0]))
		return;
	copy(ki->release, sizeof(ki->release), s, r);
	while (r < len && s[r] == ' ')
		r++;
	copy(ki->build, sizeof(ki->build), s + r, len - r);
	/* lib/dump_stack.c: BUILD_ID_FMT " %20phN" after the version. */
	size_t bl = strlen(ki->build), k = bl;
	while (k && cs_isxdigit((unsigned char)ki->build[k - 1]))
		k--;
	if (bl - k == 40 && k && ki->build[k - 1] == ' ') {
		memcpy(ki->build_id, ki->build + k, 41);
		while (k && ki->build[k - 1] == ' ')
			k--;
		ki->build[k] = 0;
	}
}

/* The "CPU: N [UID: N] PID: N Comm: COMM {Not tainted|Tainted: FLAGS} REL #V"
 * line. */
static int cpu_line(crashsig_kernel_info *ki, const char *s, size_t len)
{
	if (len < 20 || memcmp(s, "CPU: ", 5) != 0)
		return 0;
	const char *comm = find(s, len, " Comm: ");
	if (!comm)
		return 0;
	long v;
	if (parse_num(s, len, "CPU: ", &v))
		ki->cpu = (int)v;
	if (parse_num(s, len, " PID: ", &v))
		ki->pid = v;
	const char *c = comm + 7, *e = s + len;
	const char *nt = find(c, (size_t)(e - c), " Not tainted");
	const char *t = find(c, (size_t)(e - c), " Tainted: ");
	const char *end = nt ? nt : t ? t : e;
	copy(ki->comm, sizeof(ki->comm), c, (size_t)(end - c));
	if (nt) {
		ki->tainted = 0;
		ki->taint[0] = 0;
		ki->flags |= CRASHSIG_KINFO_TAINT;
		release_version(ki, nt + 12, (size_t)(e - nt - 12));
	} else if (t) {
		const char *p = t + 10;
		size_t n = 0;
		unsigned long mask = 0;
		/* Flags are single letters and blanks ('G' is P unset); the
		 * release is the first token starting with a digit. */
		while (p < e && !cs_isdigit((unsigned char)*p)) {
			if (cs_isalpha((unsigned char)*p)) {
				if (n + 1 < sizeof(ki->taint))
					ki->taint[n++] = *p;
				for (unsigned b = 0; b < NTAINTS; b++)
					if (taints[b].letter == *p)
						mask |= 1ul << b;
			}
			p++;
		}
		ki->taint[n] = 0;
		ki->tainted = mask;
		ki->flags |= CRASHSIG_KINFO_TAINT;
		release_version(ki, p, (size_t)(e - p));
	}
	return 1;
}

static void scan_line(crashsig_kernel_info *ki, const char *s, size_t len)
{
	if (!(ki->flags & CRASHSIG_KINFO_CPU) && cpu_line(ki, s, len)) {
		ki->flags |= CRASHSIG_KINFO_CPU;
		return;
	}
	if (!ki->hardware[0] && len > 15 && memcmp(s, "Hardware name: ", 15) == 0) {
		copy(ki->hardware, sizeof(ki->hardware), s + 15, len - 15);
		return;
	}
	if (!ki->release[0] && len > 14 && memcmp(s, "Linux version ", 14) == 0) {
		const char *p = s + 14;
		size_t n = 0;
		while (n < len - 14 && p[n] != ' ')
			n++;
		if (n && cs_isdigit((unsigned char)p[0]))
			copy(ki->release, sizeof(ki->release), p, n);
		return;
	}
	/* "WARNING: CPU: 1 PID: 95 at ..." when no CPU: line follows. */
	if (ki->cpu < 0 && len > 14 && memcmp(s, "WARNING: CPU: ", 14) == 0) {
		long v;
		if (parse_num(s, len, "CPU: ", &v))
			ki->cpu = (int)v;
		if (parse_num(s, len, " PID: ", &v))
			ki->pid = v;
	}
}

CS_EXPORT int crashsig_kernel_info_parse(const char *text, size_t len,
					 crashsig_kernel_info *ki)
{
	if (!ki || (!text && len))
		return CRASHSIG_EINVAL;
	unsigned int version = ki->version;
	memset(ki, 0, sizeof(*ki));
	ki->version = version ? version : CRASHSIG_KERNEL_INFO_VERSION;
	ki->cpu = -1;
	ki->pid = -1;
	cs_buf scratch = {0};
	int rc = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - text - pos) : len - pos;
		cs_line ln;
		if ((rc = cs_normalize(text + pos, ll, &ln, &scratch)))
			break;
		scan_line(ki, ln.text, ln.len);
		pos += ll + 1;
		if ((ki->flags & CRASHSIG_KINFO_CPU) && ki->hardware[0] && ki->release[0])
			break;
	}
	cs_buf_free(&scratch);
	return rc;
}

CS_EXPORT int crashsig_report_kernel_info(const crashsig_report *r,
					  crashsig_kernel_info *ki)
{
	if (!r || !ki)
		return CRASHSIG_EINVAL;
	size_t len;
	const char *text = crashsig_report_text(r, &len);
	return crashsig_kernel_info_parse(text, len, ki);
}
