/* crashsig symbolize: resolve the frames of kernel reports with DWARF.
 *
 *   crashsig symbolize --vmlinux PATH [--modules DIR] [--strip-prefix P]
 *                      [--json] [--libdw-only] [FILE...]
 *   crashsig symbolize --vmlinux PATH [--modules DIR] --addresses [FILE...]
 *
 * Exit status: 0 done (mismatching frames are reported on stderr), 1 an
 * input or binary could not be used, 2 usage error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"
#include "crashsig/symbolize.h"
#include "commands.h"
#include "json.h"
#include "lines.h"

static void usage(FILE *f)
{
	fputs("usage: crashsig symbolize --vmlinux PATH [--modules DIR] "
	      "[--strip-prefix P] [--json] [--libdw-only] [FILE...]\n"
	      "       crashsig symbolize --vmlinux PATH [--modules DIR] "
	      "--addresses [--print-address] [--libdw-only] [FILE...]\n"
	      "Reads kernel logs (or '-' / stdin) and prints them with every stack\n"
	      "frame resolved to file:line, inline frames first. --addresses reads\n"
	      "one ADDR, MODULE:ADDR, FUNC+0xOFF or MODULE:FUNC+0xOFF per line and\n"
	      "prints function and file:line like addr2line -fi (with\n"
	      "--print-address, each answer is preceded by its input line, like -a).\n"
	      "--libdw-only reads line tables and DIEs with libdw only instead of\n"
	      "crashsig's own DWARF reader: same answers, about 1.8x the CPU time (for\n"
	      "cross-checking).\n",
	      f);
}

static const char *status_name(unsigned st)
{
	if (st & CRASHSIG_SYM_MISMATCH)
		return "mismatch";
	if (st & CRASHSIG_SYM_NO_MODULE)
		return "no_module";
	if (st & CRASHSIG_SYM_UNKNOWN)
		return "unknown";
	if (st & CRASHSIG_SYM_HAS_LINE)
		return "ok";
	if (st & CRASHSIG_SYM_NO_DEBUG)
		return "no_debug";
	return "no_line";
}

static void json_res(FILE *o, const crashsig_symres *r)
{
	fputs("\"module\":", o);
	json_cstr(o, r->module);
	fputs(",\"symbol\":", o);
	json_cstr(o, r->symbol);
	fprintf(o, ",\"offset\":\"0x%llx\",\"size\":\"0x%llx\",\"addr\":\"0x%llx\"",
		(unsigned long long)r->sym_offset, (unsigned long long)r->sym_size,
		(unsigned long long)r->addr);
	fputs(",\"status\":", o);
	json_cstr(o, status_name(r->status));
	fputs(",\"mismatch\":", o);
	json_cstr(o, (r->status & CRASHSIG_SYM_MISMATCH) ? r->note : NULL);
	fputs(",\"note\":", o);
	json_cstr(o, r->note);
	fputs(",\"frames\":[", o);
	for (size_t i = 0; i < r->nlocs; i++) {
		const crashsig_symloc *l = &r->locs[i];
		fputs(i ? ",{\"func\":" : "{\"func\":", o);
		json_cstr(o, l->func);
		fputs(",\"file\":", o);
		json_cstr(o, l->file);
		fprintf(o, ",\"line\":%u,\"inline\":%s}", l->line,
			l->inlined ? "true" : "false");
	}
	fputs("]", o);
}

static int do_report_json(crashsig_symbolizer *s, const char *name,
			  const char *d, size_t len, size_t *plineno)
{
	const char *ko = len ? memmem(d, len, "Kernel Offset: 0x", 17) : NULL;
	if (ko)
		crashsig_symbolizer_set_kaslr_offset(s, strtoull(ko + 15, NULL, 16));
	size_t pos = 0, lineno = *plineno;
	while (pos < len) {
		const char *nl = memchr(d + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (d + pos)) : len - pos;
		const char *line = d + pos;
		pos += ll + (nl ? 1 : 0);
		lineno++;
		if (ll && line[ll - 1] == '\r')
			ll--;
		const crashsig_symres *r;
		int k = crashsig_symbolizer_line(s, line, ll, &r);
		if (k < 0)
			return k;
		if (k == 0 || !r)
			continue;
		fputs("{\"input\":", stdout);
		json_cstr(stdout, name);
		fprintf(stdout, ",\"line\":%zu,\"text\":", lineno);
		json_str(stdout, line, ll);
		putc(',', stdout);
		json_res(stdout, r);
		fputs("}\n", stdout);
	}
	*plineno = lineno;
	return 0;
}

/* The input is symbolized in pieces of whole lines, so memory is bounded by
 * a piece, not by the input. Raw [<addr>] frames use the "Kernel Offset:"
 * line printed at the end of their report, so a piece ends right after such
 * a line or an end-of-trace marker once it holds PIECE_BYTES, and anyway at
 * PIECE_MAX_BYTES. A line longer than TOOL_MAX_LINE is no frame: it is
 * copied through unchanged. */
#define PIECE_BYTES (1u << 20)
#define PIECE_MAX_BYTES (16u << 20)

typedef struct sstream {
	crashsig_symbolizer *s;
	const char *name;
	int json;
	tool_piece p;
	size_t lineno; /* lines already handed to do_report_json */
	size_t piece;
} sstream;

static int flush_piece(sstream *st, int last_nl)
{
	tool_piece *p = &st->p;
	if (!p->len)
		return 0;
	if (!last_nl)
		p->text[--p->len] = 0; /* the input's last line had no newline */
	int rc;
	if (st->json) {
		rc = do_report_json(st->s, st->name, p->text, p->len, &st->lineno);
	} else {
		char *out = NULL;
		size_t olen = 0;
		rc = crashsig_symbolizer_report(st->s, p->text, p->len, &out, &olen);
		if (rc == 0)
			fwrite(out, 1, olen, stdout);
		free(out);
	}
	tool_piece_keep_from(p, p->nlines);
	return rc < 0 ? 3 : 0;
}

static int on_line(void *arg, const tool_line *l)
{
	sstream *st = arg;
	int rc;
	if (l->more || l->cont) {
		/* a line too long to be a frame: passed through */
		if (!l->cont && (rc = flush_piece(st, 1)))
			return rc;
		if (!l->cont)
			st->lineno++;
		if (!st->json) {
			fwrite(l->s, 1, l->len, stdout);
			if (l->nl)
				putchar('\n');
		}
		return 0;
	}
	if (tool_piece_add(&st->p, l->s, l->len)) {
		fprintf(stderr, "crashsig symbolize: out of memory\n");
		return 2;
	}
	int end = strstr(l->s, "Kernel Offset:") || strstr(l->s, "---[ end");
	if (!l->nl || (st->p.len >= st->piece && end) || st->p.len >= 16 * st->piece)
		return flush_piece(st, l->nl);
	return 0;
}

/* Returns 0, or < 0 on an error (a library error is on the context). */
static int symbolize_stream(crashsig_symbolizer *s, const char *name, FILE *in,
			    int json)
{
	sstream st = {s, name, json, {0}, 0, PIECE_BYTES};
	const char *env = getenv("CRASHSIG_TEST_PIECE_BYTES"); /* tests only */
	if (env && atol(env) > 0)
		st.piece = (size_t)atol(env);
	tool_lines a;
	if (tool_lines_init(&a, on_line, &st)) {
		fprintf(stderr, "crashsig symbolize: out of memory\n");
		return -1;
	}
	int rc = tool_lines_read(&a, in);
	if (rc < 0)
		fprintf(stderr, "crashsig symbolize: %s: read error: %s\n", name,
			strerror(errno));
	if (!rc)
		rc = tool_lines_finish(&a);
	if (!rc)
		rc = flush_piece(&st, 1);
	tool_piece_free(&st.p);
	tool_lines_free(&a);
	return rc ? -1 : 0;
}

static void print_addr2line(const crashsig_symres *r)
{
	if (!r->nlocs) {
		printf("%s\n%s\n", r->symbol ? r->symbol : "??", r->symbol ? "??:?" : "??:0");
		return;
	}
	for (size_t i = 0; i < r->nlocs; i++) {
		const crashsig_symloc *l = &r->locs[i];
		printf("%s\n%s:%u\n", l->func, l->file ? l->file : "??", l->line);
	}
}

static int do_addresses(crashsig_symbolizer *s, crashsig_ctx *ctx, FILE *in,
			int json, int print_addr)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int bad = 0;
	while ((n = getline(&line, &cap, in)) > 0) {
		const crashsig_symres *r;
		int k = crashsig_symbolizer_lookup(s, line, (size_t)n, &r);
		if (k == 0)
			continue;
		if (print_addr && !json) {
			size_t l = (size_t)n;
			while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
				l--;
			printf("%.*s\n", (int)l, line);
		}
		if (k < 0) {
			fprintf(stderr, "crashsig symbolize: %s\n", crashsig_error_last(ctx));
			if (json)
				fputs("{\"error\":\"bad address\"}\n", stdout);
			else
				fputs("??\n??:0\n", stdout);
			bad = 1;
			continue;
		}
		if (r->note && !json) {
			size_t l = (size_t)n;
			while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
				l--;
			fprintf(stderr, "crashsig symbolize: %.*s: %s\n", (int)l, line,
				r->note);
		}
		if (json) {
			size_t l = (size_t)n;
			while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
				l--;
			fputs("{\"input\":", stdout);
			json_str(stdout, line, l);
			putc(',', stdout);
			json_res(stdout, r);
			fputs("}\n", stdout);
		} else {
			print_addr2line(r);
		}
	}
	free(line);
	return bad;
}

int tool_cmd_symbolize(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"vmlinux", required_argument, NULL, 'v'},
		{"modules", required_argument, NULL, 'm'},
		{"strip-prefix", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"addresses", no_argument, NULL, 'a'},
		{"print-address", no_argument, NULL, 'A'},
		{"libdw-only", no_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	crashsig_symbolize_options so = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	int json = 0, addresses = 0, print_addr = 0, c;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "v:m:p:jah", lopts, NULL)) != -1) {
		switch (c) {
		case 'v': so.vmlinux = optarg; break;
		case 'm': so.modules_dir = optarg; break;
		case 'p': so.strip_prefix = optarg; break;
		case 'j': json = 1; break;
		case 'a': addresses = 1; break;
		case 'A': print_addr = 1; break;
		case 'L': so.flags |= CRASHSIG_SYMBOLIZE_LIBDW_ONLY; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!so.vmlinux) {
		fputs("crashsig symbolize: --vmlinux PATH is required\n", stderr);
		usage(stderr);
		return 2;
	}
	crashsig_options co = CRASHSIG_OPTIONS_INIT;
	co.flags = CRASHSIG_CTX_NO_RULES; /* symbolization only */
	crashsig_ctx *ctx = NULL;
	char eb[256] = "";
	if (crashsig_ctx_new(&ctx, &co, eb, sizeof(eb)) != 0 || !ctx) {
		fprintf(stderr, "crashsig symbolize: %s\n", eb[0] ? eb : "cannot create context");
		crashsig_ctx_free(ctx);
		return 1;
	}
	crashsig_symbolizer *s = NULL;
	if (crashsig_symbolizer_new(&s, ctx, &so) != 0) {
		fprintf(stderr, "crashsig symbolize: %s\n", crashsig_error_last(ctx));
		crashsig_ctx_free(ctx);
		return 1;
	}
	if (!crashsig_symbolizer_has_dwarf(s))
		fprintf(stderr, "crashsig symbolize: warning: %s has no DWARF: "
				"printing symbol names only\n", so.vmlinux);
	int status = 0;
	int nfiles = argc - optind;
	for (int i = 0; i < (nfiles ? nfiles : 1) && status == 0; i++) {
		const char *path = nfiles ? argv[optind + i] : "-";
		if (addresses) {
			FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
			if (!in) {
				fprintf(stderr, "crashsig symbolize: %s: cannot open\n", path);
				status = 1;
				break;
			}
			if (do_addresses(s, ctx, in, json, print_addr))
				status = 1;
			if (in != stdin)
				fclose(in);
			continue;
		}
		FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
		if (!in) {
			fprintf(stderr, "crashsig symbolize: %s: %s\n", path, strerror(errno));
			status = 1;
			break;
		}
		int rc = symbolize_stream(s, path, in, json);
		if (in != stdin)
			fclose(in);
		if (rc < 0) {
			fprintf(stderr, "crashsig symbolize: %s: %s\n", path,
				crashsig_error_last(ctx));
			status = 1;
		}
	}
	crashsig_symbolize_stats st;
	crashsig_symbolizer_stats(s, &st);
	if (!addresses && st.mismatched)
		fprintf(stderr, "crashsig symbolize: warning: report does not match this "
				"vmlinux (%zu of %zu frames do not fit)\n",
			st.mismatched, st.frames);
	if (!addresses && st.unresolved)
		fprintf(stderr, "crashsig symbolize: note: %zu of %zu frames have no "
				"file:line (module not found or no debug info)\n",
			st.unresolved, st.frames);
	if (fflush(stdout) != 0)
		status = 1;
	crashsig_symbolizer_free(s);
	crashsig_ctx_free(ctx);
	return status;
}
