/*
 * crashsig: the command-line tool. Uses only the public libcrashsig API.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <crashsig/crashsig.h>

#include "commands.h"
#include "decode_out.h"
#include "io.h"
#include "json.h"

/* Sub-commands: one line each. run() gets argv[0] = the sub-command name
 * and returns the exit status (0 ok/found, 1 nothing/negative, 2 error). */
static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"symbolize", tool_cmd_symbolize, "resolve stack frames to file:line (libdw, debuginfod)"},
	{"decode", tool_cmd_decode, "disassemble Code: lines and explain the fault"},
	{"validate", tool_cmd_validate, "check crash titles against a kernel's symbols"},
	{"bisect", tool_cmd_bisect, "audit syzbot bisection logs"},
	{"dedup", tool_cmd_dedup, "group crashes into bugs in a bug store (SQLite, PostgreSQL)"},
#ifdef CRASHSIG_WITH_SERVE
	{"serve", tool_cmd_serve, "web dashboard and HTTP API over a bug store (libmicrohttpd)"},
#endif
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage_head[] =
	"usage: crashsig [OPTIONS] [FILE...]\n"
	"       crashsig COMMAND [OPTIONS] [FILE...]\n"
	"       crashsig help [COMMAND]\n"
	"\n"
	"Find Linux kernel crashes in console logs and crash reports and name them\n"
	"the way syzbot does. FILE '-' or no FILE reads standard input. Input of any\n"
	"size is streamed; gzip, xz, zstd and bzip2 input is recognised by content\n"
	"and decompressed; tar archives are read member by member; emails and mbox\n"
	"archives are read as mail (MIME decoded; headers, quoted text and syzbot's\n"
	"title lists are no crashes); CRLF, NUL bytes, ANSI escapes and console\n"
	"prefixes (timestamps, caller ids, log levels, syslog, dmesg -T, journalctl -k,\n"
	"/dev/kmsg, netconsole) are handled. See crashsig(1), INPUT.\n"
	"\n"
	"Output (default): the title of the first crash of each file, one per line;\n"
	"with several files each line is 'FILE: title'.\n"
	"\n"
	"Options:\n"
	"  -a, --all          every crash, not only the first\n"
	"  -r, --report       print the extracted crash text after the title, with\n"
	"                     the disassembly of its Code: line\n"
	"  -j, --json         one JSON object per crash (JSON Lines); fields below\n"
	"  -f, --fields LIST  with --json (implied): only these comma-separated fields\n"
	"      --quoted       mail: also crashes seen only in quoted text (marked\n"
	"                     \"quoted\": true in JSON, \"[quoted]\" otherwise)\n"
	"      --rules DIR    use the *.rules files in DIR instead of the built-in rules\n"
	"      --progress     progress line and summary on a terminal even for small\n"
	"                     input (default: for input over 256 MiB)\n"
	"      --no-progress  never\n"
	"  -h, --help         show this help\n"
	"  -V, --version      show the version\n"
	"\n";

static const char usage_tail[] =
	"\n"
	"Exit status (every command): 0 a crash was found / the command succeeded,\n"
	"1 no crash was found / nothing could be resolved or decoded, 2 an error\n"
	"(unreadable input, bad option or argument, write error).\n"
	"See crashsig(1) and 'crashsig help COMMAND'.\n";

/* ------------------------------------------------------------------ */
/* JSON fields                                                         */
/* ------------------------------------------------------------------ */

typedef struct jctx {
	const char *file;
	const crashsig_report *r;
	const crashsig_kernel_info *ki;
} jctx;

static void jb(FILE *o, int v) { fputs(v ? "true" : "false", o); }

/* Empty string -> null. */
static void jstr_or_null(FILE *o, const char *s)
{
	json_cstr(o, s && s[0] ? s : NULL);
}

static void f_file(FILE *o, const jctx *c) { json_cstr(o, c->file); }
static void f_title(FILE *o, const jctx *c) { json_cstr(o, crashsig_report_title(c->r)); }
static void f_alt(FILE *o, const jctx *c)
{
	fputc('[', o);
	for (size_t i = 0; i < crashsig_report_alt_title_count(c->r); i++) {
		if (i)
			fputc(',', o);
		json_cstr(o, crashsig_report_alt_title(c->r, i));
	}
	fputc(']', o);
}
static void f_type(FILE *o, const jctx *c) { json_cstr(o, crashsig_report_type(c->r)); }
static void f_corrupted(FILE *o, const jctx *c) { jb(o, crashsig_report_corrupted(c->r)); }
static void f_creason(FILE *o, const jctx *c) { json_cstr(o, crashsig_report_corrupted_reason(c->r)); }
static void f_suppressed(FILE *o, const jctx *c) { jb(o, crashsig_report_suppressed(c->r)); }
static void f_panicked(FILE *o, const jctx *c) { jb(o, crashsig_report_panicked(c->r)); }
static void f_frame(FILE *o, const jctx *c) { json_cstr(o, crashsig_report_frame(c->r)); }
static void f_executor(FILE *o, const jctx *c) { json_cstr(o, crashsig_report_executor(c->r)); }
static void f_kind(FILE *o, const jctx *c) { json_cstr(o, crashsig_report_kind(c->r)); }
static void f_rule(FILE *o, const jctx *c) { json_cstr(o, crashsig_report_rule(c->r)); }
static void f_start(FILE *o, const jctx *c)
{
	fprintf(o, "%llu", (unsigned long long)crashsig_report_start(c->r));
}
static void f_end(FILE *o, const jctx *c)
{
	fprintf(o, "%llu", (unsigned long long)crashsig_report_end(c->r));
}
static void f_document(FILE *o, const jctx *c)
{
	const crashsig_document *d = crashsig_report_document(c->r);
	fprintf(o, "%zu", d ? d->index : (size_t)0);
}
static const char *doc_str(const jctx *c, int which)
{
	const crashsig_document *d = crashsig_report_document(c->r);
	if (!d)
		return NULL;
	switch (which) {
	case 0: return d->member;
	case 1: return d->message_id;
	case 2: return d->subject;
	case 3: return d->from;
	case 4: return d->date;
	default: return d->from_syzbot ? d->claimed_title : NULL;
	}
}
static void f_member(FILE *o, const jctx *c) { json_cstr(o, doc_str(c, 0)); }
static void f_origin(FILE *o, const jctx *c)
{
	json_cstr(o, crashsig_origin_name(crashsig_report_origin(c->r)));
}
static void f_time(FILE *o, const jctx *c)
{
	crashsig_time t;
	char buf[64];
	crashsig_report_time(c->r, &t);
	json_cstr(o, crashsig_time_format(&t, buf, sizeof(buf)) ? buf : NULL);
}
static void f_time_source(FILE *o, const jctx *c)
{
	crashsig_time t;
	crashsig_report_time(c->r, &t);
	json_cstr(o, !(t.flags & CRASHSIG_TIME_WALL) ? NULL
		     : (t.flags & CRASHSIG_TIME_MAIL) ? "mail"
						       : "log");
}
static void f_uptime(FILE *o, const jctx *c)
{
	crashsig_time t;
	crashsig_report_time(c->r, &t);
	if (t.flags & CRASHSIG_TIME_BOOT)
		fprintf(o, "%.6f", t.boot);
	else
		fputs("null", o);
}
static void f_message_id(FILE *o, const jctx *c) { json_cstr(o, doc_str(c, 1)); }
static void f_subject(FILE *o, const jctx *c) { json_cstr(o, doc_str(c, 2)); }
static void f_from(FILE *o, const jctx *c) { json_cstr(o, doc_str(c, 3)); }
static void f_date(FILE *o, const jctx *c) { json_cstr(o, doc_str(c, 4)); }
static void f_claimed(FILE *o, const jctx *c) { json_cstr(o, doc_str(c, 5)); }

/* Does crashsig's title (or one of its alternative titles) say what
 * syzbot's mail claims? The claim without its " (N)" (the N-th bug of a
 * title) and a "<tree> boot error: " / "test error: " prefix. -1: no
 * claim. */
static int claim_matches(const crashsig_report *r)
{
	const crashsig_document *d = crashsig_report_document(r);
	if (!d || !d->from_syzbot || !d->claimed_title)
		return -1;
	const char *cl = d->claimed_title;
	const char *e = strstr(cl, " boot error: ");
	const char *t = strstr(cl, " test error: ");
	if (e && !memchr(cl, ' ', (size_t)(e - cl)))
		cl = e + 13;
	else if (t && !memchr(cl, ' ', (size_t)(t - cl)))
		cl = t + 13;
	size_t n = strlen(cl);
	if (n > 4 && cl[n - 1] == ')') {
		size_t k = n - 2;
		while (k > 0 && cl[k] >= '0' && cl[k] <= '9')
			k--;
		if (k + 2 < n && k >= 1 && cl[k] == '(' && cl[k - 1] == ' ')
			n = k - 1;
	}
	const char *title = crashsig_report_title(r);
	if (strlen(title) == n && !memcmp(title, cl, n))
		return 1;
	for (size_t i = 0; i < crashsig_report_alt_title_count(r); i++) {
		const char *a = crashsig_report_alt_title(r, i);
		if (strlen(a) == n && !memcmp(a, cl, n))
			return 1;
	}
	return 0;
}
static void f_claim_match(FILE *o, const jctx *c)
{
	int m = claim_matches(c->r);
	fputs(m < 0 ? "null" : m ? "true" : "false", o);
}
static void f_quoted(FILE *o, const jctx *c) { jb(o, crashsig_report_quoted(c->r)); }
static void f_release(FILE *o, const jctx *c) { jstr_or_null(o, c->ki->release); }
static void f_build(FILE *o, const jctx *c) { jstr_or_null(o, c->ki->build); }
static void f_build_id(FILE *o, const jctx *c) { jstr_or_null(o, c->ki->build_id); }
static void f_taint(FILE *o, const jctx *c)
{
	if (!(c->ki->flags & CRASHSIG_KINFO_TAINT)) {
		fputs("null", o);
		return;
	}
	fputc('[', o);
	int n = 0;
	for (unsigned b = 0; crashsig_taint_name(b); b++) {
		if (!(c->ki->tainted & (1ul << b)))
			continue;
		if (n++)
			fputc(',', o);
		json_cstr(o, crashsig_taint_name(b));
	}
	fputc(']', o);
}
static void f_cpu(FILE *o, const jctx *c)
{
	if (c->ki->cpu < 0)
		fputs("null", o);
	else
		fprintf(o, "%d", c->ki->cpu);
}
static void f_pid(FILE *o, const jctx *c)
{
	if (c->ki->pid < 0)
		fputs("null", o);
	else
		fprintf(o, "%ld", c->ki->pid);
}
static void f_comm(FILE *o, const jctx *c) { jstr_or_null(o, c->ki->comm); }
static void f_hardware(FILE *o, const jctx *c) { jstr_or_null(o, c->ki->hardware); }
static void f_report(FILE *o, const jctx *c)
{
	size_t len;
	const char *text = crashsig_report_text(c->r, &len);
	json_str(o, text, len);
}
/* The file syzbot would blame; null unless the report carries source paths
 * (it was symbolized). */
static void f_guilty_file(FILE *o, const jctx *c)
{
	size_t len;
	const char *text = crashsig_report_text(c->r, &len);
	char guilty[512];
	json_cstr(o, crashsig_guilty_file(crashsig_report_title(c->r), text, len, guilty,
					  sizeof(guilty))
			     ? guilty
			     : NULL);
}
static void f_code(FILE *o, const jctx *c)
{
	size_t len;
	const char *text = crashsig_report_text(c->r, &len);
	tool_decode_json(o, text, len);
}
static void f_stacks(FILE *o, const jctx *c)
{
	static const char *const ctxn[] = {"task", "irq", "softirq", "nmi", "exception"};
	fputc('[', o);
	for (size_t i = 0; i < crashsig_report_stack_count(c->r); i++) {
		const crashsig_stack *s = crashsig_report_stack(c->r, i);
		fprintf(o, "%s{\"kind\":", i ? "," : "");
		json_cstr(o, s->kind);
		fputs(",\"frames\":[", o);
		for (size_t j = 0; j < s->nframes; j++) {
			const crashsig_frame *f = &s->frames[j];
			fprintf(o, "%s{\"func\":", j ? "," : "");
			json_cstr(o, f->func);
			if (f->flags & CRASHSIG_FRAME_HAS_OFFSET)
				fprintf(o, ",\"offset\":%llu", (unsigned long long)f->offset);
			if (f->flags & CRASHSIG_FRAME_HAS_SIZE)
				fprintf(o, ",\"size\":%llu", (unsigned long long)f->size);
			if (f->flags & CRASHSIG_FRAME_HAS_ADDR)
				fprintf(o, ",\"addr\":\"0x%llx\"", (unsigned long long)f->addr);
			if (f->module) {
				fputs(",\"module\":", o);
				json_cstr(o, f->module);
			}
			if (f->build_id) {
				fputs(",\"build_id\":", o);
				json_cstr(o, f->build_id);
			}
			if (f->file) {
				fputs(",\"file\":", o);
				json_cstr(o, f->file);
				fprintf(o, ",\"line\":%u", f->line);
			}
			fputs(",\"inline\":", o);
			jb(o, f->flags & CRASHSIG_FRAME_INLINE);
			fputs(",\"unreliable\":", o);
			jb(o, f->flags & CRASHSIG_FRAME_UNRELIABLE);
			fputs(",\"ip\":", o);
			jb(o, f->flags & CRASHSIG_FRAME_IP);
			if (f->context && f->context < 5)
				fprintf(o, ",\"context\":\"%s\"", ctxn[f->context]);
			fputc('}', o);
		}
		fputs("]}", o);
	}
	fputc(']', o);
}

static const struct field {
	const char *name;
	void (*write)(FILE *o, const jctx *c);
	const char *help;
} fields[] = {
	{"file", f_file, "input file name (\"<stdin>\")"},
	{"title", f_title, "syzbot-style title"},
	{"alt_titles", f_alt, "alternative titles, sorted"},
	{"type", f_type, "syzkaller crash type (\"DoS\", \"KASAN-READ\", ...)"},
	{"corrupted", f_corrupted, "true when no frame names the report"},
	{"corrupted_reason", f_creason, "why, or null"},
	{"suppressed", f_suppressed, "syzkaller would not report it"},
	{"panicked", f_panicked, "a kernel panic followed"},
	{"frame", f_frame, "the function the title names, or null"},
	{"executor", f_executor, "\"proc=N, id=M\" of syz-executor, or null"},
	{"kind", f_kind, "the crash kind (rule) that matched"},
	{"rule", f_rule, "FILE:LINE of the title format, or null"},
	{"start", f_start, "byte offset of the crash in the (decompressed) input"},
	{"end", f_end, "byte offset after the crash"},
	{"document", f_document, "index of the message / archive member (0, 1, ...); offsets are in it"},
	{"member", f_member, "archive member name, or null"},
	{"origin", f_origin, "\"console\", \"journal\", \"kmsg\", \"netconsole\" or \"mail\""},
	{"time", f_time, "wall clock time of the crash, UTC (\"2026-12-01T15:39:35Z\"), or null"},
	{"time_source", f_time_source, "\"log\" (its console prefix) or \"mail\" (the Date:), or null"},
	{"uptime", f_uptime, "seconds since boot from its console prefix, or null"},
	{"message_id", f_message_id, "mail: Message-ID, else null"},
	{"subject", f_subject, "mail: Subject (decoded), else null"},
	{"from", f_from, "mail: From (decoded), else null"},
	{"date", f_date, "mail: Date as written, else null"},
	{"claimed_title", f_claimed, "mail from syzbot: the title it claims (not used as title)"},
	{"claimed_title_matches", f_claim_match, "title or an alternative title is the claim (null: no claim)"},
	{"quoted", f_quoted, "found in quoted mail text (--quoted)"},
	{"release", f_release, "kernel release (uname -r), or null"},
	{"build", f_build, "text after the release on the CPU: line (\"#1 ...\")"},
	{"build_id", f_build_id, "vmlinux build id from the CPU: line, or null"},
	{"taint", f_taint, "taint flags by kernel name ([] not tainted, null unknown)"},
	{"cpu", f_cpu, "CPU number, or null"},
	{"pid", f_pid, "PID, or null"},
	{"comm", f_comm, "task name, or null"},
	{"hardware", f_hardware, "\"Hardware name:\" line, or null"},
	{"report", f_report, "the crash text, console prefixes removed"},
	{"guilty_file", f_guilty_file, "the source file syzbot would blame (symbolized reports), or null"},
	{"code", f_code, "decoded Code: dumps (as crashsig decode --json)"},
	{"stacks", f_stacks, "parsed stacks: kind, frames (func, offset, size, addr, ...)"},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static void usage(FILE *f)
{
	fputs(usage_head, f);
	fputs("JSON fields (default: all, in this order; numbers are JSON numbers,\n"
	      "addresses are \"0x...\" strings):\n", f);
	for (size_t i = 0; i < NFIELDS; i++)
		fprintf(f, "  %-17s %s\n", fields[i].name, fields[i].help);
	fputs("\nCommands:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-17s %s\n", commands[i].name, commands[i].summary);
	fputs(usage_tail, f);
}

/* ------------------------------------------------------------------ */
/* Progress and summary (stderr is a terminal, not JSON)               */
/* ------------------------------------------------------------------ */

#define PROGRESS_MIN (256ull << 20)

typedef struct titleset {
	char **v;
	size_t cap, n;
} titleset;

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void titles_add(titleset *t, const char *s)
{
	if (t->n * 2 >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		char **nv = calloc(cap, sizeof(*nv));
		if (!nv)
			return;
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->v[i])
				continue;
			size_t k = hash(t->v[i]) & (cap - 1);
			while (nv[k])
				k = (k + 1) & (cap - 1);
			nv[k] = t->v[i];
		}
		free(t->v);
		t->v = nv;
		t->cap = cap;
	}
	size_t k = hash(s) & (t->cap - 1);
	while (t->v[k]) {
		if (!strcmp(t->v[k], s))
			return;
		k = (k + 1) & (t->cap - 1);
	}
	if ((t->v[k] = strdup(s)))
		t->n++;
}

static void titles_free(titleset *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->v[i]);
	free(t->v);
}

enum { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };

typedef struct opts {
	int all, report, json, progress, quoted;
	const char *rules;
	int nfiles;
	unsigned char want[NFIELDS];
	/* run state */
	int tty;          /* stderr is a terminal and not JSON */
	int shown;        /* a progress line is on the terminal */
	int big;          /* an input was big enough for progress and summary */
	double t0, last;
	uint64_t crashes;
	titleset titles;
} opts;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(opts *o, const char *name, uint64_t done, uint64_t total)
{
	double t = now();
	if (o->shown && t - o->last < 0.5)
		return;
	o->last = t;
	o->shown = 1;
	double mb = (double)done / (1 << 20);
	double rate = t > o->t0 ? mb / (t - o->t0) : 0;
	fputs("\r\033[K", stderr);
	if (total)
		tool_err("crashsig: %s: %.0f/%.0f MiB (%.0f%%), %llu crashes, %.0f MiB/s",
			name, mb, (double)total / (1 << 20), 100.0 * (double)done / (double)total,
			(unsigned long long)o->crashes, rate);
	else
		tool_err("crashsig: %s: %.0f MiB, %llu crashes, %.0f MiB/s", name, mb,
			(unsigned long long)o->crashes, rate);
}

/* ------------------------------------------------------------------ */
/* Processing                                                          */
/* ------------------------------------------------------------------ */

static void print_json(const opts *o, const char *file, const crashsig_report *r)
{
	crashsig_kernel_info ki = CRASHSIG_KERNEL_INFO_INIT;
	crashsig_report_kernel_info(r, &ki);
	jctx c = {file, r, &ki};
	int n = 0;
	fputc('{', stdout);
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!o->want[i])
			continue;
		fprintf(stdout, "%s\"%s\":", n++ ? "," : "", fields[i].name);
		fields[i].write(stdout, &c);
	}
	fputs("}\n", stdout);
}

/* Print one report; returns 1 if more reports of this file are wanted. */
static int emit(opts *o, const char *name, const crashsig_report *r)
{
	o->crashes++;
	if (o->tty)
		titles_add(&o->titles, crashsig_report_title(r));
	if (o->json) {
		print_json(o, name, r);
		return 1;
	}
	if (o->nfiles > 1)
		printf("%s: ", name);
	fputs(crashsig_report_title(r), stdout);
	if (crashsig_report_quoted(r))
		fputs(" [quoted]", stdout);
	if (claim_matches(r) == 0)
		printf(" [syzbot says: %s]", crashsig_report_document(r)->claimed_title);
	putchar('\n');
	if (o->report) {
		size_t len;
		const char *text = crashsig_report_text(r, &len);
		fwrite(text, 1, len, stdout);
		if (len && text[len - 1] != '\n')
			putchar('\n');
		tool_decode_append_text(stdout, text, len);
		putchar('\n');
	}
	return o->all;
}

/* One input being read: the parser reads it through the input layer
 * (decompression, archives, mail) and hands each report over as soon as
 * it is ready (push mode), so memory stays bounded even when a small
 * compressed piece expands to hundreds of megabytes. */
typedef struct run {
	opts *o;
	crashsig_ctx *ctx;
	crashsig_parser *p;
	const char *name;
	int found, more, failed;
} run;

#define STOP 1 /* callback return: enough (first crash, or a write error) */

static int on_report(void *arg, crashsig_report *r)
{
	run *rn = arg;
	if (rn->more) {
		rn->found = 1;
		rn->more = emit(rn->o, rn->name, r);
	}
	crashsig_report_free(r);
	if (tool_stdout_failed()) {
		rn->failed = 1; /* reported once, by tool_finish_stdout */
		return STOP;
	}
	return rn->more ? 0 : STOP;
}

/* After each piece: the progress line, once the input turns out big. */
static void tick(opts *o, const char *name, int *show, uint64_t done, uint64_t total)
{
	if (!*show && o->tty && o->progress == PROGRESS_AUTO && done > PROGRESS_MIN)
		*show = 1;
	if (*show) {
		o->big = 1;
		progress(o, name, done, total);
	}
}

/* A mapped file that shrinks under us (logrotate's copytruncate) raises
 * SIGBUS on the pages past its new end: the tool catches it and reports
 * the file, instead of dying. (The tool's only global state.) */
static sigjmp_buf sigbus_jmp;
static volatile sig_atomic_t sigbus_armed;

static void on_sigbus(int sig)
{
	(void)sig;
	if (sigbus_armed)
		siglongjmp(sigbus_jmp, 1);
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

/* Returns 0 crash found, 1 none, 2 error. */
static int process(crashsig_ctx *ctx, opts *o, const char *path)
{
	run rn = {o, ctx, NULL, strcmp(path, "-") ? path : "<stdin>", 0, 1, 0};
	FILE *fp = tool_open("crashsig", path);
	if (!fp)
		return 2;
	uint64_t total = 0, done = 0;
	struct stat st;
	crashsig_parser_options po = CRASHSIG_PARSER_OPTIONS_INIT;
	po.flags = o->quoted ? CRASHSIG_PARSER_QUOTED : 0;
	po.report = on_report;
	po.arg = &rn;
	/* year-less stamps (syslog, journal short) belong to the year of the
	 * file's last change; of standard input, to now */
	po.reference_time = (int64_t)time(NULL);
	if (!fstat(fileno(fp), &st) && S_ISREG(st.st_mode)) {
		total = (uint64_t)st.st_size;
		if (fp != stdin)
			po.reference_time = (int64_t)st.st_mtime;
	}
	if (crashsig_parser_new_opts(&rn.p, ctx, &po)) {
		tool_err("crashsig: %s: %s\n", rn.name, crashsig_error_last(ctx));
		tool_close(fp);
		return 2;
	}
	int show = o->tty && o->progress != PROGRESS_NEVER &&
		   (o->progress == PROGRESS_ALWAYS || total > PROGRESS_MIN);
	/* A regular file is read through windows of a memory mapping (the page
	 * cache, not a copy of it: a crash-free log is mostly only scanned);
	 * anything else, or a file that cannot be mapped, with fread. */
	int mapped = 0;
	if (total && fp != stdin) {
		const size_t win = 4u << 20;
		mapped = 1;
		struct sigaction sa, old_sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigbus;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, &old_sa);
		volatile uint64_t off = 0;
		void *volatile m = MAP_FAILED;
		size_t volatile n = 0;
		if (sigsetjmp(sigbus_jmp, 1)) {
			/* the parser was left mid-feed: it is abandoned */
			sigbus_armed = 0;
			sigaction(SIGBUS, &old_sa, NULL);
			munmap(m, n);
			tool_err("crashsig: %s: the file shrank while it was read\n", rn.name);
			tool_close(fp);
			return 2;
		}
		for (off = 0; off < total && !rn.failed && rn.more; off += win) {
			n = total - off < win ? (size_t)(total - off) : win;
			m = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fileno(fp),
				 (off_t)off);
			if (m == MAP_FAILED) {
				if (off) {
					tool_err("crashsig: %s: %s\n", rn.name, strerror(errno));
					rn.failed = 1;
				} else {
					mapped = 0; /* read it instead */
				}
				break;
			}
			madvise(m, n, MADV_SEQUENTIAL);
			sigbus_armed = 1;
			int rc = crashsig_parser_feed(rn.p, m, n);
			sigbus_armed = 0;
			munmap(m, n);
			m = MAP_FAILED;
			done += n;
			if (rc < 0) {
				tool_err("crashsig: %s: %s\n", rn.name, crashsig_error_last(ctx));
				rn.failed = 1;
			}
			if (rc)
				break;
			tick(o, rn.name, &show, done, total);
		}
		sigaction(SIGBUS, &old_sa, NULL);
		if (mapped && !rn.failed && rn.more && crashsig_parser_finish(rn.p) < 0) {
			tool_err("crashsig: %s: %s\n", rn.name, crashsig_error_last(ctx));
			rn.failed = 1;
		}
	}
	size_t bufsz = 1 << 20;
	char *buf = mapped ? NULL : malloc(bufsz);
	if (!mapped && !buf) {
		tool_err("crashsig: out of memory\n");
		rn.failed = 1;
	}
	while (!mapped && !rn.failed && rn.more) {
		size_t n = fread(buf, 1, bufsz, fp);
		done += n;
		int rc = n ? crashsig_parser_feed(rn.p, buf, n) : 0;
		if (rc < 0) {
			tool_err("crashsig: %s: %s\n", rn.name, crashsig_error_last(ctx));
			rn.failed = 1;
		}
		if (rc)
			break;
		if (n < bufsz) {
			if (ferror(fp)) {
				tool_err("crashsig: %s: read error: %s\n", rn.name,
					strerror(errno));
				rn.failed = 1;
			} else if ((rc = crashsig_parser_finish(rn.p)) < 0) {
				tool_err("crashsig: %s: %s\n", rn.name,
					crashsig_error_last(ctx));
				rn.failed = 1;
			}
			break;
		}
		tick(o, rn.name, &show, done, total);
	}
	if (o->shown)
		fputs("\r\033[K", stderr);
	o->shown = 0;
	free(buf);
	crashsig_parser_free(rn.p);
	tool_close(fp);
	if (rn.failed)
		return 2;
	return rn.found ? 0 : 1;
}

static int parse_fields(opts *o, const char *list)
{
	memset(o->want, 0, sizeof(o->want));
	const char *p = list;
	if (!*p) {
		fputs("crashsig: --fields: empty list (see crashsig --help)\n", stderr);
		return -1;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		size_t i;
		for (i = 0; i < NFIELDS; i++)
			if (strlen(fields[i].name) == n && !memcmp(fields[i].name, p, n))
				break;
		if (i == NFIELDS) {
			tool_err("crashsig: --fields: unknown field '%.*s' (see crashsig --help)\n",
				(int)n, p);
			return -1;
		}
		o->want[i] = 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return tool_finish_stdout("crashsig", 0);
	}
	const struct command *c = find_command(argv[1]);
	if (!c) {
		tool_err("crashsig: help: no command '%s'\n", argv[1]);
		return 2;
	}
	char *av[] = {argv[1], "--help", NULL};
	return c->run(2, av);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	if (argc > 1) {
		const struct command *c = find_command(argv[1]);
		if (c)
			return c->run(argc - 1, argv + 1);
	}
	enum { OPT_RULES = 256, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_QUOTED };
	static const struct option lopts[] = {
		{"all", no_argument, NULL, 'a'},
		{"report", no_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},
		{"fields", required_argument, NULL, 'f'},
		{"rules", required_argument, NULL, OPT_RULES},
		{"quoted", no_argument, NULL, OPT_QUOTED},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	opts o = {0};
	memset(o.want, 1, sizeof(o.want));
	int c;
	while ((c = getopt_long(argc, argv, "arjf:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'a': o.all = 1; break;
		case 'r': o.report = 1; break;
		case 'j': o.json = 1; break;
		case 'f':
			o.json = 1;
			if (parse_fields(&o, optarg))
				return 2;
			break;
		case OPT_RULES: o.rules = optarg; break;
		case OPT_QUOTED: o.quoted = 1; break;
		case OPT_PROGRESS: o.progress = PROGRESS_ALWAYS; break;
		case OPT_NO_PROGRESS: o.progress = PROGRESS_NEVER; break;
		case 'h':
			usage(stdout);
			return tool_finish_stdout("crashsig", 0);
		case 'V':
			printf("crashsig %s\n", crashsig_version());
			return tool_finish_stdout("crashsig", 0);
		default:
			fputs("Try 'crashsig --help'.\n", stderr);
			return 2;
		}
	}
	char *stdin_only[] = {"-"};
	char **files = optind < argc ? argv + optind : stdin_only;
	int nf = optind < argc ? argc - optind : 1;
	o.nfiles = nf;
	o.tty = !o.json && isatty(STDERR_FILENO);
	o.t0 = o.last = now();
	crashsig_options copts = CRASHSIG_OPTIONS_INIT;
	copts.rules_dir = o.rules;
	crashsig_ctx *ctx;
	char err[512];
	if (crashsig_ctx_new(&ctx, &copts, err, sizeof(err))) {
		tool_err("crashsig: %s\n", err);
		return 2;
	}
	int status = 1;
	size_t warned = 0;
	for (int i = 0; i < nf; i++) {
		int rc = process(ctx, &o, files[i]);
		/* rules that hit the regex limits, each once */
		for (; warned < crashsig_warning_count(ctx); warned++)
			tool_err("crashsig: warning: %s\n", crashsig_warning(ctx, warned));
		if (rc == 2)
			status = 2;
		else if (rc == 0 && status != 2)
			status = 0;
		if (tool_stdout_failed())
			break;
	}
	if (o.tty && (o.big || o.progress == PROGRESS_ALWAYS))
		tool_err("crashsig: %llu crash%s, %zu distinct title%s, %.2f s\n",
			(unsigned long long)o.crashes, o.crashes == 1 ? "" : "es", o.titles.n,
			o.titles.n == 1 ? "" : "s", now() - o.t0);
	titles_free(&o.titles);
	crashsig_ctx_free(ctx);
	return tool_finish_stdout("crashsig", status);
}
