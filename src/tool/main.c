/*
 * crashsig: the command-line tool. Uses only the public libcrashsig API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crashsig/crashsig.h>

#include "commands.h"
#include "decode_out.h"
#include "json.h"

static const char usage_text[] =
	"usage: crashsig [OPTIONS] [FILE...]\n"
	"       crashsig symbolize --vmlinux PATH [--modules DIR] [FILE...]\n"
	"       crashsig decode [--arch ARCH] [FILE...]\n"
	"\n"
	"Find Linux kernel crashes in console logs and crash reports and name them\n"
	"the way syzbot does. FILE '-' or no FILE reads standard input. Input of any\n"
	"size is streamed; CRLF, NUL bytes, ANSI escapes and console prefixes\n"
	"(timestamps, caller ids, log levels, syslog) are handled.\n"
	"\n"
	"Output (default): the title of the first crash of each file, one per line;\n"
	"with several files each line is 'FILE: title'.\n"
	"\n"
	"Options:\n"
	"  -a, --all          every crash, not only the first\n"
	"  -r, --report       print the extracted crash text after the title, with\n"
	"                     the disassembly of its Code: line\n"
	"  -j, --json         one JSON object per crash (JSON Lines) with the fields\n"
	"                     file, title, alt_titles, type, corrupted,\n"
	"                     corrupted_reason, suppressed, panicked, frame, executor,\n"
	"                     kind, start, end, report, code (decoded Code: lines),\n"
	"                     stacks (parsed frames)\n"
	"      --rules DIR    use the *.rules files in DIR instead of the built-in rules\n"
	"  -h, --help         show this help\n"
	"  -V, --version      show the version\n"
	"\n"
	"Sub-commands:\n"
	"  symbolize          resolve frames to file:line with a vmlinux (libdw)\n"
	"  decode             disassemble Code: lines and explain the fault\n"
	"  bisect             audit syzbot bisection logs\n"
	"  dedup              group crashes into bugs in a bug store (SQLite, PostgreSQL)\n"
	"\n"
	"Exit status: 0 a crash was found, 1 no crash was found, 2 an error occurred.\n";

typedef struct opts {
	int all, report, json;
	const char *rules;
	int nfiles;
} opts;

static void print_json(FILE *out, const char *file, const crashsig_report *r)
{
	fputs("{\"file\":", out);
	json_cstr(out, file);
	fputs(",\"title\":", out);
	json_cstr(out, crashsig_report_title(r));
	fputs(",\"alt_titles\":[", out);
	for (size_t i = 0; i < crashsig_report_alt_title_count(r); i++) {
		if (i)
			fputc(',', out);
		json_cstr(out, crashsig_report_alt_title(r, i));
	}
	fputs("],\"type\":", out);
	json_cstr(out, crashsig_report_type(r));
	fprintf(out, ",\"corrupted\":%s,\"corrupted_reason\":",
		crashsig_report_corrupted(r) ? "true" : "false");
	json_cstr(out, crashsig_report_corrupted_reason(r));
	fprintf(out, ",\"suppressed\":%s,\"panicked\":%s,\"frame\":",
		crashsig_report_suppressed(r) ? "true" : "false",
		crashsig_report_panicked(r) ? "true" : "false");
	json_cstr(out, crashsig_report_frame(r));
	fputs(",\"executor\":", out);
	json_cstr(out, crashsig_report_executor(r));
	fputs(",\"kind\":", out);
	json_cstr(out, crashsig_report_kind(r));
	fputs(",\"rule\":", out);
	json_cstr(out, crashsig_report_rule(r));
	fprintf(out, ",\"start\":%llu,\"end\":%llu,\"report\":",
		(unsigned long long)crashsig_report_start(r),
		(unsigned long long)crashsig_report_end(r));
	size_t len;
	const char *text = crashsig_report_text(r, &len);
	json_str(out, text, len);
	/* The file syzbot would blame; null unless the report carries
	 * source paths (it was symbolized). */
	char guilty[512];
	fputs(",\"guilty_file\":", out);
	json_cstr(out, crashsig_guilty_file(crashsig_report_title(r), text, len, guilty,
					    sizeof(guilty)) ? guilty : NULL);
	fputs(",\"code\":", out);
	tool_decode_json(out, text, len);
	fputs(",\"stacks\":[", out);
	for (size_t i = 0; i < crashsig_report_stack_count(r); i++) {
		const crashsig_stack *s = crashsig_report_stack(r, i);
		fprintf(out, "%s{\"kind\":", i ? "," : "");
		json_cstr(out, s->kind);
		fputs(",\"frames\":[", out);
		for (size_t j = 0; j < s->nframes; j++) {
			const crashsig_frame *f = &s->frames[j];
			fprintf(out, "%s{\"func\":", j ? "," : "");
			json_cstr(out, f->func);
			if (f->flags & CRASHSIG_FRAME_HAS_OFFSET)
				fprintf(out, ",\"offset\":%llu", (unsigned long long)f->offset);
			if (f->flags & CRASHSIG_FRAME_HAS_SIZE)
				fprintf(out, ",\"size\":%llu", (unsigned long long)f->size);
			if (f->flags & CRASHSIG_FRAME_HAS_ADDR)
				fprintf(out, ",\"addr\":\"0x%llx\"", (unsigned long long)f->addr);
			if (f->module) {
				fputs(",\"module\":", out);
				json_cstr(out, f->module);
			}
			if (f->build_id) {
				fputs(",\"build_id\":", out);
				json_cstr(out, f->build_id);
			}
			if (f->file) {
				fputs(",\"file\":", out);
				json_cstr(out, f->file);
				fprintf(out, ",\"line\":%u", f->line);
			}
			fprintf(out, ",\"inline\":%s,\"unreliable\":%s,\"ip\":%s",
				f->flags & CRASHSIG_FRAME_INLINE ? "true" : "false",
				f->flags & CRASHSIG_FRAME_UNRELIABLE ? "true" : "false",
				f->flags & CRASHSIG_FRAME_IP ? "true" : "false");
			static const char *const ctxn[] = {"task", "irq", "softirq", "nmi",
							   "exception"};
			if (f->context && f->context < 5)
				fprintf(out, ",\"context\":\"%s\"", ctxn[f->context]);
			fputc('}', out);
		}
		fputs("]}", out);
	}
	fputs("]}\n", out);
}

/* Print one report; returns 1 if more reports of this file are wanted. */
static int emit(const opts *o, const char *name, const crashsig_report *r)
{
	if (o->json) {
		print_json(stdout, name, r);
		return 1;
	}
	if (o->nfiles > 1)
		printf("%s: ", name);
	printf("%s\n", crashsig_report_title(r));
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

/* Returns 0 crash found, 1 none, 2 error. */
static int process(crashsig_ctx *ctx, const opts *o, const char *path)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!fp) {
		fprintf(stderr, "crashsig: %s: %s\n", path, strerror(errno));
		return 2;
	}
	crashsig_parser *p = NULL;
	if (crashsig_parser_new(&p, ctx)) {
		fprintf(stderr, "crashsig: %s: %s\n", name, crashsig_error_last(ctx));
		if (fp != stdin)
			fclose(fp);
		return 2;
	}
	size_t bufsz = 1 << 20;
	char *buf = malloc(bufsz);
	int found = 0, more = 1, rc = 0;
	if (!buf) {
		fprintf(stderr, "crashsig: out of memory\n");
		rc = 2;
	}
	while (!rc && more) {
		size_t n = fread(buf, 1, bufsz, fp);
		if (n && crashsig_parser_feed(p, buf, n)) {
			fprintf(stderr, "crashsig: %s: %s\n", name, crashsig_error_last(ctx));
			rc = 2;
			break;
		}
		if (n < bufsz) {
			if (ferror(fp)) {
				fprintf(stderr, "crashsig: %s: read error: %s\n", name,
					strerror(errno));
				rc = 2;
				break;
			}
			if (crashsig_parser_finish(p)) {
				fprintf(stderr, "crashsig: %s: %s\n", name,
					crashsig_error_last(ctx));
				rc = 2;
				break;
			}
		}
		crashsig_report *r;
		while (more && crashsig_parser_next(p, &r) == 1) {
			found = 1;
			more = emit(o, name, r);
			crashsig_report_free(r);
		}
		if (n < bufsz)
			break;
	}
	free(buf);
	crashsig_parser_free(p);
	if (fp != stdin)
		fclose(fp);
	if (rc)
		return rc;
	return found ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "symbolize"))
		return tool_cmd_symbolize(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "decode"))
		return tool_cmd_decode(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "validate"))
		return tool_cmd_validate(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "bisect"))
		return tool_cmd_bisect(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "dedup"))
		return tool_cmd_dedup(argc - 1, argv + 1);
	opts o = {0};
	char **files = calloc((size_t)argc + 1, sizeof(char *));
	if (!files)
		return 2;
	int nf = 0, only_files = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || !strcmp(a, "-")) {
			files[nf++] = argv[i];
		} else if (!strcmp(a, "--")) {
			only_files = 1;
		} else if (!strcmp(a, "-a") || !strcmp(a, "--all")) {
			o.all = 1;
		} else if (!strcmp(a, "-r") || !strcmp(a, "--report")) {
			o.report = 1;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			o.json = 1;
		} else if (!strcmp(a, "--rules") && i + 1 < argc) {
			o.rules = argv[++i];
		} else if (!strncmp(a, "--rules=", 8)) {
			o.rules = a + 8;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			free(files);
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("crashsig %s\n", crashsig_version());
			free(files);
			return 0;
		} else {
			fprintf(stderr, "crashsig: unknown option '%s'\n%s", a, usage_text);
			free(files);
			return 2;
		}
	}
	if (!nf)
		files[nf++] = "-";
	o.nfiles = nf;
	crashsig_options copts = CRASHSIG_OPTIONS_INIT;
	copts.rules_dir = o.rules;
	crashsig_ctx *ctx;
	char err[512];
	if (crashsig_ctx_new(&ctx, &copts, err, sizeof(err))) {
		fprintf(stderr, "crashsig: %s\n", err);
		free(files);
		return 2;
	}
	int status = 1;
	size_t warned = 0;
	for (int i = 0; i < nf; i++) {
		int rc = process(ctx, &o, files[i]);
		/* rules that hit the regex limits, each once */
		for (; warned < crashsig_warning_count(ctx); warned++)
			fprintf(stderr, "crashsig: warning: %s\n", crashsig_warning(ctx, warned));
		if (rc == 2)
			status = 2;
		else if (rc == 0 && status != 2)
			status = 0;
		fflush(stdout);
	}
	crashsig_ctx_free(ctx);
	free(files);
	return status;
}
