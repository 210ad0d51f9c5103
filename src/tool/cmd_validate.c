/* crashsig validate: hold syzbot titles up against a kernel build.
 *
 *   crashsig validate --vmlinux V [--modules DIR] [--module KO]...
 *                     [--maintainers FILE] [--title T]... [--json] [-v]
 *                     [--no-symbolize] [REPORT...]
 *
 * Exit status: 0 every title holds, 1 some title names an inline-only or
 * absent function, 2 error. Uses only the public API. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"
#include "crashsig/symbolize.h"
#include "crashsig/validate.h"
#include "commands.h"
#include "io.h"
#include "lines.h"
#include "json.h"

static const char usage_text[] =
	"usage: crashsig validate --vmlinux PATH [--modules DIR] [--module KO]...\n"
	"                         [--maintainers FILE] [--title TITLE]...\n"
	"                         [--title-file FILE] [--json]\n"
	"                         [-v] [--no-symbolize] [--libdw-only] [REPORT...]\n"
	"\n"
	"For each title (given with --title, or of the first crash of each REPORT;\n"
	"'-' reads standard input) say what this kernel build has under the\n"
	"function it names: symbol, symbol-suffixed, module, multiple-static,\n"
	"inline-only (with the functions holding inlined copies), partly-inlined,\n"
	"absent (with close names) or no-function; its declaration; whether the\n"
	"build can produce the title; for WARNING / kernel BUG titles the WARN/BUG\n"
	"sites in the function. With a report: the symbolizer's mismatch check, the\n"
	"title of the report symbolized with this build, the inline chain at the\n"
	"crash site, the guilty file and (with --maintainers) its maintainers.\n"
	"\n"
	"Options:\n"
	"      --vmlinux PATH      vmlinux with symbols and DWARF (required)\n"
	"      --modules DIR       module tree (default: the -dbg layout for\n"
	"                          vmlinux-REL); --modules '' for none\n"
	"      --module KO         an extra module file (repeatable)\n"
	"      --maintainers FILE  the kernel's MAINTAINERS file\n"
	"  -t, --title TITLE      validate TITLE (repeatable)\n"
	"  -T, --title-file FILE  validate every line of FILE as a title\n"
	"  -a, --all              every crash of each REPORT, not only the first\n"
	"  -j, --json             one JSON object per title (JSON Lines)\n"
	"  -v, --verbose          details under each line (sites, chain, ...)\n"
	"      --no-symbolize     use the report text as it is\n"
	"      --libdw-only       read DWARF with libdw only, not with crashsig's\n"
	"                         own reader (slower, same output; cross-check)\n"
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 all titles hold, 1 some title names an inline-only or\n"
	"absent function, 2 an error occurred.\n";

typedef struct vopts {
	int json, verbose, all, no_sym;
	const crashsig_maintainers *maint;
} vopts;

static void json_arr(FILE *o, const char *const *v, size_t n)
{
	fputc('[', o);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', o);
		json_cstr(o, v[i]);
	}
	fputc(']', o);
}

static void print_maint_json(FILE *o, const crashsig_maintainers *m, const char *file)
{
	crashsig_maint_match *mm = NULL;
	size_t n = 0;
	fputs(",\"maintainers\":[", o);
	if (file && !crashsig_maintainers_lookup(m, file, &mm, &n)) {
		for (size_t i = 0; i < n; i++) {
			fputs(i ? ",{\"section\":" : "{\"section\":", o);
			json_cstr(o, mm[i].section);
			fputs(",\"status\":", o);
			json_cstr(o, mm[i].status);
			fputs(",\"maintainers\":", o);
			json_arr(o, mm[i].maintainers, mm[i].nmaintainers);
			fputs(",\"reviewers\":", o);
			json_arr(o, mm[i].reviewers, mm[i].nreviewers);
			fputs(",\"lists\":", o);
			json_arr(o, mm[i].lists, mm[i].nlists);
			fprintf(o, ",\"depth\":%d,\"pattern\":", mm[i].depth);
			json_cstr(o, mm[i].pattern);
			fputc('}', o);
		}
		crashsig_maint_matches_free(mm, n);
	}
	fputc(']', o);
}

static void print_json(FILE *o, const vopts *op, const char *input, const crashsig_validation *v)
{
	fputs("{\"input\":", o);
	json_cstr(o, input);
	fputs(",\"title\":", o);
	json_cstr(o, v->title);
	fputs(",\"kind\":", o);
	json_cstr(o, v->kind);
	fputs(",\"function\":", o);
	json_cstr(o, v->function);
	fputs(",\"status\":", o);
	json_cstr(o, crashsig_name_status_str(v->status));
	fputs(",\"module\":", o);
	json_cstr(o, v->module);
	fputs(",\"symbols\":", o);
	json_arr(o, v->symbols, v->nsymbols);
	fputs(",\"syscall_wrapper\":", o);
	json_cstr(o, v->syscall_wrapper);
	fputs(",\"items\":", o);
	json_arr(o, v->items, v->nitems);
	fprintf(o, ",\"holders_total\":%zu,\"decl_file\":", v->holders_total);
	json_cstr(o, v->decl_file);
	fprintf(o, ",\"decl_line\":%u,\"producible\":%s,\"verdict\":", v->decl_line,
		v->producible ? "true" : "false");
	json_cstr(o, v->verdict);
	fputs(",\"function2\":", o);
	json_cstr(o, v->function2);
	fputs(",\"status2\":", o);
	json_cstr(o, v->function2 ? crashsig_name_status_str(v->status2) : NULL);
	fputs(",\"verdict2\":", o);
	json_cstr(o, v->verdict2);
	fputs(",\"sites\":[", o);
	for (size_t i = 0; i < v->nsites; i++) {
		const crashsig_bug_site *s = &v->sites[i];
		fprintf(o, "%s{\"addr\":\"0x%llx\",\"symbol\":", i ? "," : "",
			(unsigned long long)s->addr);
		json_cstr(o, s->symbol);
		fputs(",\"file\":", o);
		json_cstr(o, s->file);
		fprintf(o, ",\"line\":%u,\"kind\":\"%s\",\"inlined_in\":", s->line,
			s->warning ? "WARN" : "BUG");
		json_cstr(o, s->inlined_in);
		fputc('}', o);
	}
	fputc(']', o);
	if (v->has_report) {
		fprintf(o, ",\"frames\":%zu,\"frames_resolved\":%zu,\"mismatch\":%d,"
			   "\"mismatch_note\":",
			v->frames, v->frames_resolved, v->mismatch);
		json_cstr(o, v->mismatch_note);
		fputs(",\"symbolized_title\":", o);
		json_cstr(o, v->symbolized_title);
		fputs(",\"crash_chain\":", o);
		json_arr(o, v->crash_chain, v->ncrash_chain);
		fputs(",\"inline_notes\":", o);
		json_arr(o, v->inline_notes, v->ninline_notes);
		fputs(",\"guilty_file\":", o);
		json_cstr(o, v->guilty_file);
		if (op->maint)
			print_maint_json(o, op->maint, v->guilty_file);
	}
	fputs("}\n", o);
}

static void print_list(FILE *o, const char *what, const char *const *v, size_t n, size_t total)
{
	if (!n)
		return;
	fprintf(o, "; %s ", what);
	for (size_t i = 0; i < n; i++)
		fprintf(o, "%s%s", i ? ", " : "", v[i]);
	if (total > n)
		fprintf(o, " (+%zu more)", total - n);
}

static void print_text(FILE *o, const vopts *op, const char *input, const crashsig_validation *v)
{
	if (input)
		fprintf(o, "%s: ", input);
	fprintf(o, "%s: %s", v->title, crashsig_name_status_str(v->status));
	if (v->module)
		fprintf(o, ":%s", v->module);
	if (v->function)
		fprintf(o, " %s", v->function);
	if (v->decl_file)
		fprintf(o, " (%s:%u)", v->decl_file, v->decl_line);
	switch (v->status) {
	case CRASHSIG_NAME_SUFFIXED:
		print_list(o, "pieces", v->symbols, v->nsymbols, 0);
		break;
	case CRASHSIG_NAME_MULTIPLE_STATIC:
		print_list(o, "in", v->items, v->nitems, 0);
		break;
	case CRASHSIG_NAME_INLINE_ONLY:
	case CRASHSIG_NAME_PARTLY_INLINED:
		print_list(o, "inlined into", v->items, v->nitems, v->holders_total);
		break;
	case CRASHSIG_NAME_ABSENT:
		print_list(o, "close names", v->items, v->nitems, 0);
		break;
	default:
		break;
	}
	if (v->syscall_wrapper)
		fprintf(o, "; via %s", v->syscall_wrapper);
	if (v->function2)
		fprintf(o, "; second function %s: %s", v->function2,
			crashsig_name_status_str(v->status2));
	if (v->has_report) {
		if (v->mismatch)
			fprintf(o, "; MISMATCH: %d frame(s) do not fit this binary%s%s", v->mismatch,
				v->mismatch_note ? ": " : "", v->mismatch_note ? v->mismatch_note : "");
		if (v->symbolized_title && strcmp(v->symbolized_title, v->title))
			fprintf(o, "; this binary's inline chain titles it \"%s\"",
				v->symbolized_title);
		if (v->guilty_file)
			fprintf(o, "; guilty %s", v->guilty_file);
	}
	if (!v->producible)
		fprintf(o, "; %s", v->verdict);
	fputc('\n', o);
	if (!op->verbose)
		return;
	fprintf(o, "  verdict: %s\n", v->verdict);
	for (size_t i = 0; i < v->nsymbols; i++)
		fprintf(o, "  symbol: %s\n", v->symbols[i]);
	for (size_t i = 0; i < v->nsites; i++)
		fprintf(o, "  %s site: %s:%u in %s%s%s\n", v->sites[i].warning ? "WARN" : "BUG",
			v->sites[i].file ? v->sites[i].file : "??", v->sites[i].line,
			v->sites[i].symbol, v->sites[i].inlined_in ? ", inlined from " : "",
			v->sites[i].inlined_in ? v->sites[i].inlined_in : "");
	for (size_t i = 0; i < v->ncrash_chain; i++)
		fprintf(o, "  crash site: %s\n", v->crash_chain[i]);
	for (size_t i = 0; i < v->ninline_notes; i++)
		fprintf(o, "  inlined: %s\n", v->inline_notes[i]);
	if (v->has_report && op->maint && v->guilty_file) {
		crashsig_maint_match *mm = NULL;
		size_t n = 0;
		if (!crashsig_maintainers_lookup(op->maint, v->guilty_file, &mm, &n)) {
			for (size_t i = 0; i < n; i++) {
				fprintf(o, "  maintainers: %s [%s]", mm[i].section,
					mm[i].status ? mm[i].status : "?");
				for (size_t k = 0; k < mm[i].nmaintainers; k++)
					fprintf(o, "%s %s", k ? "," : "", mm[i].maintainers[k]);
				for (size_t k = 0; k < mm[i].nlists; k++)
					fprintf(o, "%s %s", k ? "," : "; lists", mm[i].lists[k]);
				fputc('\n', o);
			}
			crashsig_maint_matches_free(mm, n);
		}
	}
}

static int emit(const vopts *op, const char *input, const crashsig_validation *v)
{
	if (op->json)
		print_json(stdout, op, input, v);
	else
		print_text(stdout, op, input, v);
	return v->status == CRASHSIG_NAME_INLINE_ONLY || v->status == CRASHSIG_NAME_ABSENT ||
	       (v->function2 && (v->status2 == CRASHSIG_NAME_INLINE_ONLY ||
				 v->status2 == CRASHSIG_NAME_ABSENT));
}

/* The titles of a --title-file, one a line, read the way every
 * sub-command reads its inputs (lines.h: compressed files too). */
typedef struct tfile {
	crashsig_index *ix;
	crashsig_ctx *ctx;
	const vopts *op;
	const char *name;
	int status;
} tfile;

static int title_line(void *arg, const tool_line *l)
{
	tfile *t = arg;
	if (l->cont)
		return 0;
	size_t n = l->len;
	while (n && (l->s[n - 1] == '\r' || l->s[n - 1] == ' '))
		n--;
	if (!n)
		return 0;
	char *title = strndup(l->s, n);
	crashsig_validation *v;
	if (!title || crashsig_validate_title(t->ix, title, &v)) {
		tool_err("crashsig validate: %s: %s\n", t->name,
			 title ? crashsig_error_last(t->ctx) : "out of memory");
		t->status = 2;
	} else {
		if (emit(t->op, NULL, v) && t->status == 0)
			t->status = 1;
		crashsig_validation_free(v);
	}
	free(title);
	return tool_stdout_failed() ? 2 : 0;
}

/* A report file: the parser reads it through the input layer (compressed,
 * archives, mail, any console format) and hands each crash over as it is
 * found (push mode), so memory is bounded by a crash, not by the file. */
typedef struct rfile {
	crashsig_index *ix;
	crashsig_symbolizer *sym;
	crashsig_ctx *ctx;
	const vopts *op;
	const char *name;
	size_t found;
	int status;
} rfile;

static int on_report(void *arg, crashsig_report *r)
{
	rfile *f = arg;
	int more = f->found == 0 || f->op->all;
	if (more) {
		crashsig_validation *v;
		if (crashsig_validate_report(f->ix, f->sym, r, &v)) {
			tool_err("crashsig validate: %s: %s\n", f->name,
				 crashsig_error_last(f->ctx));
			f->status = 2;
		} else {
			if (emit(f->op, f->name, v) && f->status == 0)
				f->status = 1;
			crashsig_validation_free(v);
		}
	}
	f->found++;
	crashsig_report_free(r);
	if (tool_stdout_failed())
		return 1;
	return f->op->all ? 0 : 1; /* 1: the first crash is all that is wanted */
}

static int validate_file(rfile *f, const char *path)
{
	FILE *fp = tool_open("crashsig validate", path);
	if (!fp)
		return 2;
	crashsig_parser_options po = CRASHSIG_PARSER_OPTIONS_INIT;
	po.report = on_report;
	po.arg = f;
	crashsig_parser *p;
	if (crashsig_parser_new_opts(&p, f->ctx, &po)) {
		tool_err("crashsig validate: %s: %s\n", f->name, crashsig_error_last(f->ctx));
		tool_close(fp);
		return 2;
	}
	char buf[1 << 16];
	int rc = 0, failed = 0;
	for (;;) {
		size_t n = fread(buf, 1, sizeof(buf), fp);
		if (n && (rc = crashsig_parser_feed(p, buf, n)))
			break;
		if (n < sizeof(buf)) {
			if (ferror(fp)) {
				tool_err("crashsig validate: %s: read error: %s\n", f->name,
					 strerror(errno));
				failed = 1;
			} else {
				rc = crashsig_parser_finish(p);
			}
			break;
		}
	}
	if (rc < 0) {
		tool_err("crashsig validate: %s: %s\n", f->name, crashsig_error_last(f->ctx));
		failed = 1;
	}
	crashsig_parser_free(p);
	tool_close(fp);
	if (!failed && !f->found) {
		tool_err("crashsig validate: %s: no crash found\n", f->name);
		failed = 1;
	}
	return failed ? 2 : f->status;
}

int tool_cmd_validate(int argc, char **argv)
{
	static const struct option lo[] = {
		{"vmlinux", required_argument, NULL, 'V'},
		{"modules", required_argument, NULL, 'M'},
		{"module", required_argument, NULL, 'K'},
		{"maintainers", required_argument, NULL, 'm'},
		{"title", required_argument, NULL, 't'},
		{"title-file", required_argument, NULL, 'T'},
		{"all", no_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"verbose", no_argument, NULL, 'v'},
		{"no-symbolize", no_argument, NULL, 'S'},
		{"libdw-only", no_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *vmlinux = NULL, *mods = NULL, *maint_path = NULL, *title_file = NULL;
	const char **titles = calloc((size_t)argc + 1, sizeof(char *));
	const char **extra = calloc((size_t)argc + 1, sizeof(char *));
	size_t ntitles = 0, nextra = 0;
	vopts op = {0};
	int c, status = 0, libdw_only = 0;
	if (!titles || !extra) {
		tool_err("crashsig validate: out of memory\n");
		free(titles);
		free(extra);
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:T:ajvh", lo, NULL)) != -1) {
		switch (c) {
		case 'V': vmlinux = optarg; break;
		case 'M': mods = optarg; break;
		case 'K': extra[nextra++] = optarg; break;
		case 'm': maint_path = optarg; break;
		case 't': titles[ntitles++] = optarg; break;
		case 'T': title_file = optarg; break;
		case 'a': op.all = 1; break;
		case 'j': op.json = 1; break;
		case 'v': op.verbose = 1; break;
		case 'S': op.no_sym = 1; break;
		case 'L': libdw_only = 1; break;
		case 'h':
			fputs(usage_text, stdout);
			free(titles);
			free(extra);
			return 0;
		default:
			fputs(usage_text, stderr);
			free(titles);
			free(extra);
			return 2;
		}
	}
	if (!vmlinux || (!ntitles && !title_file && optind >= argc)) {
		tool_err("crashsig validate: %s\n%s",
			!vmlinux ? "--vmlinux is required" : "no --title and no REPORT given",
			usage_text);
		free(titles);
		free(extra);
		return 2;
	}
	crashsig_ctx *ctx = NULL;
	crashsig_index *ix = NULL;
	crashsig_symbolizer *sym = NULL;
	crashsig_maintainers *maint = NULL;
	char err[512];
	crashsig_options co = CRASHSIG_OPTIONS_INIT;
	if (crashsig_ctx_new(&ctx, &co, err, sizeof(err))) {
		tool_err("crashsig validate: %s\n", err);
		status = 2;
		goto out;
	}
	crashsig_index_options io = CRASHSIG_INDEX_OPTIONS_INIT;
	io.vmlinux = vmlinux;
	io.modules_dir = mods;
	io.extra_modules = extra;
	io.nextra_modules = nextra;
	if (libdw_only)
		io.flags |= CRASHSIG_INDEX_LIBDW_ONLY;
	if (crashsig_index_new(&ix, ctx, &io)) {
		tool_err("crashsig validate: %s\n", crashsig_error_last(ctx));
		status = 2;
		goto out;
	}
	/* module files of the tree that could not be used: named, with why */
	for (size_t i = 0; crashsig_index_module_problem(ix, i); i++) {
		if (i == 10) {
			size_t n = i;
			while (crashsig_index_module_problem(ix, n))
				n++;
			tool_err("crashsig validate: warning: %zu more module files not used\n",
				 n - i);
			break;
		}
		tool_err("crashsig validate: warning: module not used: %s\n",
			 crashsig_index_module_problem(ix, i));
	}
	if (maint_path) {
		if (crashsig_maintainers_load(&maint, ctx, maint_path)) {
			tool_err("crashsig validate: %s\n", crashsig_error_last(ctx));
			status = 2;
			goto out;
		}
		for (size_t i = 0; crashsig_maintainers_warning(maint, i); i++)
			tool_err("crashsig validate: warning: %s\n",
				 crashsig_maintainers_warning(maint, i));
		op.maint = maint;
	}
	for (size_t i = 0; i < ntitles; i++) {
		crashsig_validation *v;
		if (crashsig_validate_title(ix, titles[i], &v)) {
			tool_err("crashsig validate: %s\n", crashsig_error_last(ctx));
			status = 2;
			continue;
		}
		if (emit(&op, NULL, v) && status == 0)
			status = 1;
		crashsig_validation_free(v);
	}
	if (title_file) {
		tfile t = {ix, ctx, &op, strcmp(title_file, "-") ? title_file : "<stdin>", 0};
		int rc = tool_read_path("crashsig validate", title_file, title_line, &t);
		if (rc || t.status == 2) {
			status = 2;
			if (rc)
				goto out;
		} else if (t.status && status == 0) {
			status = t.status;
		}
	}
	if (optind < argc && !op.no_sym) {
		crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
		so.vmlinux = vmlinux;
		so.modules_dir = mods;
		if (libdw_only)
			so.flags |= CRASHSIG_SYMBOLIZE_LIBDW_ONLY;
		/* The symbolizer searches one place for modules: a single
		 * --module file without --modules is that place (the
		 * symbolizer accepts a file there). */
		if (!mods && nextra == 1)
			so.modules_dir = extra[0];
		if (crashsig_symbolizer_new(&sym, ctx, &so)) {
			tool_err("crashsig validate: %s\n", crashsig_error_last(ctx));
			status = 2;
			goto out;
		}
	}
	for (int i = optind; i < argc; i++) {
		rfile f = {ix, sym, ctx, &op, strcmp(argv[i], "-") ? argv[i] : "<stdin>", 0, 0};
		int rc = validate_file(&f, argv[i]);
		if (rc == 2)
			status = 2;
		else if (rc && status == 0)
			status = rc;
	}
out:
	if (fflush(stdout) || ferror(stdout)) {
		tool_err("crashsig validate: write error: %s\n", strerror(errno));
		status = 2;
	}
	crashsig_maintainers_free(maint);
	crashsig_symbolizer_free(sym);
	crashsig_index_free(ix);
	crashsig_ctx_free(ctx);
	free(titles);
	free(extra);
	return status;
}
