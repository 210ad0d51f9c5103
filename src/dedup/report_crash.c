/*
 * From a parsed report to a crash record: its titles (and those of its
 * unsymbolized copy), flags, crash type, signature (computed only when the
 * store needs it), text, offset, the kernel facts it carries and its time.
 */
#include "dedup/store_int.h"

#include "crashsig/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* The architecture a kernel release names by the distributions' custom:
 * Debian's flavour suffixes (-amd64, -cloud-amd64, -arm64, -686-pae,
 * -armmp, -powerpc64le, -s390x, -riscv64) and the RPM arch suffixes
 * (.x86_64, .aarch64, .i686, .armv7hl, .ppc64le, .s390x, .riscv64).
 * Ubuntu's "-generic" says nothing. */
static crashsig_arch release_arch(const char *rel)
{
	static const struct {
		const char *suffix;
		crashsig_arch arch;
	} tab[] = {
		{"amd64", CRASHSIG_ARCH_X86_64},    {"x86_64", CRASHSIG_ARCH_X86_64},
		{"arm64", CRASHSIG_ARCH_ARM64},     {"aarch64", CRASHSIG_ARCH_ARM64},
		{"-686", CRASHSIG_ARCH_I386},       {"-686-pae", CRASHSIG_ARCH_I386},
		{".i686", CRASHSIG_ARCH_I386},      {"armmp", CRASHSIG_ARCH_ARM},
		{"armmp-lpae", CRASHSIG_ARCH_ARM},  {".armv7hl", CRASHSIG_ARCH_ARM},
		{"ppc64le", CRASHSIG_ARCH_POWERPC}, {"powerpc64le", CRASHSIG_ARCH_POWERPC},
		{"ppc64", CRASHSIG_ARCH_POWERPC},   {"s390x", CRASHSIG_ARCH_S390},
		{"riscv64", CRASHSIG_ARCH_RISCV},
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (ends_with(rel, tab[i].suffix))
			return tab[i].arch;
	return CRASHSIG_ARCH_UNKNOWN;
}

CS_EXPORT int crashsig_store_add_report_opts(crashsig_store *s, crashsig_ctx *ctx,
					     const crashsig_report *r,
					     const crashsig_add_options *o,
					     crashsig_add_result *res)
{
	if (!s || !ctx || !r)
		return CRASHSIG_EINVAL;
	crashsig_add_options def = CRASHSIG_ADD_OPTIONS_INIT;
	if (!o)
		o = &def;
	if (o->version != CRASHSIG_ADD_OPTIONS_VERSION)
		return CRASHSIG_EINVAL;
	const char **alts = NULL;
	size_t nalts = 0;
	crashsig_report **plain = NULL;
	size_t nplain = 0;
	char *member_source = NULL;
	int rc = cs_report_titles(ctx, r, &alts, &nalts, &plain, &nplain);
	if (!rc) {
		size_t len;
		const char *text = crashsig_report_text(r, &len);
		crashsig_kernel_info ki = CRASHSIG_KERNEL_INFO_INIT;
		crashsig_report_kernel_info(r, &ki);
		crashsig_arch arch = crashsig_arch_infer(text, len);
		if (arch == CRASHSIG_ARCH_UNKNOWN)
			arch = release_arch(ki.release);
		crashsig_crash c = CRASHSIG_CRASH_INIT;
		c.title = crashsig_report_title(r);
		c.alt_titles = alts;
		c.nalt_titles = nalts;
		c.corrupted = crashsig_report_corrupted(r);
		c.suppressed = crashsig_report_suppressed(r);
		c.type = crashsig_report_type(r);
		c.report = text;
		c.report_len = len;
		c.offset = crashsig_report_start(r);
		c.id = o->id;
		c.machine = o->machine;
		c.time = o->time;
		c.time_nsec = o->time_nsec;
		c.time_source = o->time ? o->time_source : CRASHSIG_TIME_SOURCE_RECEIVED;
		/* the report's own time: the log's wall clock, else its mail's
		 * Date: (input layer) */
		crashsig_time t;
		memset(&t, 0, sizeof(t));
		if (!crashsig_report_time(r, &t) && (t.flags & CRASHSIG_TIME_WALL)) {
			c.time = t.wall;
			c.time_nsec = t.wall_nsec;
			c.time_source = t.flags & CRASHSIG_TIME_MAIL ? CRASHSIG_TIME_SOURCE_MAIL
								     : CRASHSIG_TIME_SOURCE_LOG;
		}
		c.uptime = t.flags & CRASHSIG_TIME_BOOT ? t.boot : -1.0;
		/* where: a message's id, an archive member under its file */
		const crashsig_document *doc = crashsig_report_document(r);
		c.source = o->source;
		if (doc && doc->kind == CRASHSIG_DOCUMENT_MAIL) {
			c.message_id = doc->message_id;
			/* a message without a Message-ID is told apart from the
			 * others of its mbox by where it starts */
			if (!c.message_id)
				c.offset += doc->offset;
		}
		if (doc && doc->member && o->source) {
			size_t n = strlen(o->source) + strlen(doc->member) + 2;
			if (!(member_source = malloc(n))) {
				rc = cs_store_oom(s);
				goto out;
			}
			snprintf(member_source, n, "%s/%s", o->source, doc->member);
			c.source = member_source;
		}
		c.release = ki.release;
		c.build_id = ki.build_id;
		c.hardware = ki.hardware;
		c.taint = ki.flags & CRASHSIG_KINFO_TAINT ? ki.taint : NULL;
		c.arch = arch != CRASHSIG_ARCH_UNKNOWN ? crashsig_arch_name(arch) : NULL;
		/* the log around it: the caller's, else the one the parser kept
		 * (crashsig_parser_options.log_context) */
		c.log = o->log;
		c.log_len = o->log ? o->log_len : 0;
		if (!c.log)
			c.log = crashsig_report_log(r, &c.log_len);
		cs_report_ref ref = {ctx, r};
		cs_lazy_sig lazy = {cs_report_lazy_sig, &ref};
		rc = cs_store_add_lazy(s, &c, &lazy, res);
	} else {
		rc = cs_store_oom(s);
	}
out:
	free(member_source);
	crashsig_reports_free(plain, nplain);
	free(alts);
	return rc;
}

CS_EXPORT int crashsig_store_add_report(crashsig_store *s, crashsig_ctx *ctx,
					const crashsig_report *r, int64_t time,
					const char *source, crashsig_add_result *res)
{
	crashsig_add_options o = CRASHSIG_ADD_OPTIONS_INIT;
	o.time = time;
	o.time_source = time ? CRASHSIG_TIME_SOURCE_FILE : CRASHSIG_TIME_SOURCE_RECEIVED;
	o.source = source;
	return crashsig_store_add_report_opts(s, ctx, r, &o, res);
}
