/* crashsig symbolize: resolve the frames of kernel reports with DWARF.
 *
 *   crashsig symbolize [--vmlinux PATH] [--modules DIR] [--strip-prefix P]
 *                      [--sysroot DIR] [--json] [--libdw-only] [FILE...]
 *   crashsig symbolize --vmlinux PATH [--modules DIR] --addresses [FILE...]
 *
 * Without --vmlinux, the kernel release is taken from the report and the
 * vmlinux looked for where distributions install it (or fetched from
 * debuginfod by the build id on the CPU: line).
 * Exit status: 0 at least one frame was found in the binaries, 1 none was
 * (no frame in the input, or none fits), 2 error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crashsig/crashsig.h"
#include "crashsig/symbolize.h"
#include "commands.h"
#include "io.h"
#include "json.h"
#include "lines.h"

#define PROG "crashsig symbolize"

static void usage(FILE *f)
{
	fputs("usage: crashsig symbolize [--vmlinux PATH] [--modules DIR] [--sysroot DIR]\n"
	      "                          [--strip-prefix P] [--json] [FILE...]\n"
	      "       crashsig symbolize --vmlinux PATH [--modules DIR] --addresses\n"
	      "                          [--print-address] [FILE...]\n"
	      "Reads kernel logs (files, '-' or stdin; any input crashsig reads:\n"
	      "gzip/xz/zstd/bzip2, tar, mail, every console prefix) and prints them\n"
	      "with every stack frame resolved to file:line, inline frames first.\n"
	      "With several files, each file's output starts with a '==> FILE <=='\n"
	      "line (in JSON, every object has \"file\").\n"
	      "\n"
	      "  -v, --vmlinux PATH    vmlinux with symbols (and DWARF). Default: found\n"
	      "                        from the kernel release in the report, in\n"
	      "                        /usr/lib/debug/boot/vmlinux-REL,\n"
	      "                        /usr/lib/debug/lib/modules/REL/vmlinux,\n"
	      "                        /lib/modules/REL/build/vmlinux, /boot/vmlinux-REL,\n"
	      "                        else fetched from debuginfod (DEBUGINFOD_URLS) by the\n"
	      "                        build id of the CPU: line\n"
	      "  -m, --modules DIR     module tree searched by name and build id (default:\n"
	      "                        /usr/lib/debug/lib/modules/REL or /lib/modules/REL);\n"
	      "                        modules not found there are fetched from debuginfod\n"
	      "                        by the build id of their frames when DEBUGINFOD_URLS\n"
	      "                        is set\n"
	      "  -s, --sysroot DIR     prefix for the default places (an unpacked debug\n"
	      "                        package)\n"
	      "  -p, --strip-prefix P  remove P from source paths\n"
	      "  -j, --json            one JSON object per frame\n"
	      "  -a, --addresses       input is ADDR, MODULE:ADDR, FUNC+0xOFF or\n"
	      "                        MODULE:FUNC+0xOFF per line; output like addr2line -fi\n"
	      "  -A, --print-address   with --addresses: echo each input line first (-a)\n"
	      "      --libdw-only      read line tables and DIEs with libdw only instead of\n"
	      "                        crashsig's own DWARF reader: same answers, about\n"
	      "                        1.8x the CPU time (for cross-checking)\n"
	      "  -h, --help            show this help\n"
	      "\n"
	      "Exit status: 0 at least one frame was found in the binaries, 1 no frame\n"
	      "was (none in the input, or none fits this vmlinux), 2 error (unreadable\n"
	      "input, missing or unusable vmlinux, bad --modules, write error).\n",
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

/* Same types as the main command's stacks: offset and size are numbers,
 * addresses "0x..." strings (64-bit values do not fit a JSON double). */
static void json_res(FILE *o, const crashsig_symres *r)
{
	fputs("\"module\":", o);
	json_cstr(o, r->module);
	fputs(",\"symbol\":", o);
	json_cstr(o, r->symbol);
	fprintf(o, ",\"offset\":%llu,\"size\":%llu,\"addr\":\"0x%llx\"",
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
		fputs("{\"file\":", stdout);
		json_cstr(stdout, name);
		fprintf(stdout, ",\"line\":%zu,\"text\":", lineno);
		json_str(stdout, line, ll);
		putc(',', stdout);
		json_res(stdout, r);
		fputs("}\n", stdout);
		if (tool_stdout_failed())
			break;
	}
	*plineno = lineno;
	return 0;
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

/* Returns 1 when every address was found, 0 otherwise. */
static int do_addresses(crashsig_symbolizer *s, crashsig_ctx *ctx, FILE *in,
			const char *name, int json, int print_addr)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int all = 1;
	while ((n = getline(&line, &cap, in)) > 0 && !tool_stdout_failed()) {
		size_t l = (size_t)n;
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			l--;
		const crashsig_symres *r;
		int k = crashsig_symbolizer_lookup(s, line, (size_t)n, &r);
		if (k == 0)
			continue;
		if (print_addr && !json)
			printf("%.*s\n", (int)l, line);
		if (k < 0) {
			tool_err(PROG ": %s: %.*s: %s\n", name, (int)l, line,
				crashsig_error_last(ctx));
			if (json) {
				fputs("{\"file\":", stdout);
				json_cstr(stdout, name);
				fputs(",\"input\":", stdout);
				json_str(stdout, line, l);
				fputs(",\"error\":\"bad address\"}\n", stdout);
			} else {
				fputs("??\n??:0\n", stdout);
			}
			all = 0;
			continue;
		}
		if (!(r->status & CRASHSIG_SYM_RESOLVED))
			all = 0;
		if (r->note && !json)
			tool_err(PROG ": %.*s: %s\n", (int)l, line, r->note);
		if (json) {
			fputs("{\"file\":", stdout);
			json_cstr(stdout, name);
			fputs(",\"input\":", stdout);
			json_str(stdout, line, l);
			putc(',', stdout);
			json_res(stdout, r);
			fputs("}\n", stdout);
		} else {
			print_addr2line(r);
		}
	}
	free(line);
	return all;
}

/* ------------------------------------------------------------------ */
/* Streaming                                                           */
/* ------------------------------------------------------------------ */

/* A report input is symbolized in pieces of whole lines as it is read (and
 * decompressed), so memory is bounded by a piece, not by the input. Raw
 * [<addr>] frames use the "Kernel Offset:" line printed at the end of their
 * report, so a piece ends right after such a line or an end-of-trace marker
 * once it holds PIECE_BYTES, and anyway at PIECE_MAX_BYTES (16 pieces). A
 * line longer than TOOL_MAX_LINE is no frame: it is copied through
 * unchanged. CRASHSIG_TEST_PIECE_BYTES sets the piece size (the test of
 * streaming, tests/stream_pieces.py). */
#define PIECE_BYTES (1u << 20)

static size_t piece_bytes(void)
{
	const char *env = getenv("CRASHSIG_TEST_PIECE_BYTES"); /* tests only */
	unsigned long long v = env ? strtoull(env, NULL, 10) : 0;
	if (!v)
		return PIECE_BYTES;
	return v > SIZE_MAX / 16 ? SIZE_MAX / 16 : (size_t)v;
}

#define STREAM_LIBERR 3 /* a library error, on the context */

typedef struct sstream {
	crashsig_symbolizer *s;
	const char *name;
	int json;
	tool_piece p;
	size_t lineno; /* lines already handed to do_report_json */
	size_t piece;
	int header, sep; /* "==> FILE <==" still to print before output; after
			  * a blank line */
	int need_release;   /* the input's release is not known yet */
	const char *release, *vmlinux; /* the vmlinux used and its release */
} sstream;

static void put_header(sstream *st)
{
	if (st->header && !st->json)
		printf("%s==> %s <==\n", st->sep ? "\n" : "", st->name);
	st->header = 0;
}

static int flush_piece(sstream *st, int last_nl)
{
	tool_piece *p = &st->p;
	if (!p->len)
		return 0;
	if (!last_nl)
		p->text[--p->len] = 0; /* the input's last line had no newline */
	if (st->need_release) {
		/* one vmlinux for all inputs: say when an input is from
		 * another kernel (its first piece naming a release) */
		crashsig_kernel_info ki = CRASHSIG_KERNEL_INFO_INIT;
		crashsig_kernel_info_parse(p->text, p->len, &ki);
		if (ki.release[0]) {
			st->need_release = 0;
			if (strcmp(ki.release, st->release))
				tool_err(PROG ": warning: %s is from kernel %s, symbolized "
						"with %s (kernel %s)\n",
					st->name, ki.release, st->vmlinux, st->release);
		}
	}
	int rc;
	if (st->json) {
		rc = do_report_json(st->s, st->name, p->text, p->len, &st->lineno);
	} else {
		char *out = NULL;
		size_t olen = 0;
		rc = crashsig_symbolizer_report(st->s, p->text, p->len, &out, &olen);
		if (rc == 0) {
			put_header(st);
			fwrite(out, 1, olen, stdout);
		}
		free(out);
	}
	tool_piece_keep_from(p, p->nlines);
	if (rc < 0)
		return STREAM_LIBERR;
	return tool_stdout_failed() ? TOOL_EXIT_ERROR : 0;
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
			put_header(st);
			fwrite(l->s, 1, l->len, stdout);
			if (l->nl)
				putchar('\n');
		}
		return 0;
	}
	if (tool_piece_add(&st->p, l->s, l->len)) {
		tool_err(PROG ": out of memory\n");
		return TOOL_EXIT_ERROR;
	}
	int end = strstr(l->s, "Kernel Offset:") || strstr(l->s, "---[ end");
	if (!l->nl || (st->p.len >= st->piece && end) || st->p.len >= 16 * st->piece)
		return flush_piece(st, l->nl);
	return 0;
}

/* Stream one input (SPOOL when stdin was spooled, else PATH) through the
 * library's input layer, which calls fn for each line, to its end.
 * Returns 0, 2 (reported) or fn's non-zero return. */
static int stream_lines(const char *path, FILE *spool, tool_line_fn fn, void *arg)
{
	return spool ? tool_read_lines(PROG, "<stdin>", spool, fn, arg)
		     : tool_read_path(PROG, path, fn, arg);
}

/* Symbolize one input: from SPOOL when stdin was spooled, else streamed
 * from PATH. Returns 0, or 2 (reported). */
static int symbolize_stream(sstream *st, crashsig_ctx *ctx, const char *path, FILE *spool)
{
	st->piece = piece_bytes();
	int rc = stream_lines(path, spool, on_line, st);
	if (!rc)
		rc = flush_piece(st, 1);
	if (!rc)
		put_header(st); /* an empty input still gets its header */
	if (rc == STREAM_LIBERR) {
		tool_err(PROG ": %s: %s\n", st->name, crashsig_error_last(ctx));
		rc = TOOL_EXIT_ERROR;
	}
	tool_piece_free(&st->p);
	return rc ? TOOL_EXIT_ERROR : 0;
}

/* The kernel info of an input not read yet: its pieces are parsed as they
 * are read, until one names a release or build id; memory stays bounded by
 * a piece. Returns 0 (found or not) or 2 (reported). */
typedef struct scan {
	tool_piece p;
	size_t piece;
	crashsig_kernel_info *ki;
} scan;

#define SCAN_FOUND 4

static int scan_piece(scan *sc)
{
	if (!sc->p.len)
		return 0;
	crashsig_kernel_info ki = CRASHSIG_KERNEL_INFO_INIT;
	crashsig_kernel_info_parse(sc->p.text, sc->p.len, &ki);
	tool_piece_keep_from(&sc->p, sc->p.nlines);
	if (ki.release[0] || ki.build_id[0]) {
		*sc->ki = ki;
		return SCAN_FOUND;
	}
	return 0;
}

static int scan_line(void *arg, const tool_line *l)
{
	scan *sc = arg;
	if (l->cont)
		return 0;
	if (tool_piece_add(&sc->p, l->s, l->len))
		return -1;
	return sc->p.len >= sc->piece ? scan_piece(sc) : 0;
}

static int scan_info(const char *path, FILE *spool, crashsig_kernel_info *ki)
{
	scan sc = {{0}, piece_bytes(), ki};
	int rc = stream_lines(path, spool, scan_line, &sc);
	if (!rc)
		rc = scan_piece(&sc);
	tool_piece_free(&sc.p);
	return rc == SCAN_FOUND ? 0 : rc;
}

/* --modules must name something that exists: a tree or one module file. */
static int check_modules(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		tool_err(PROG ": --modules %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		tool_err(PROG ": --modules %s: not a directory or module file\n", path);
		return -1;
	}
	return 0;
}

/* Which modules had no binary, and where they were looked for. */
static void explain_missing(const crashsig_symbolizer *s)
{
	const char *m0 = crashsig_symbolizer_missing_module(s, 0);
	if (!m0)
		return;
	fputs(PROG ": modules not found: ", stderr);
	for (size_t i = 0; crashsig_symbolizer_missing_module(s, i); i++)
		tool_err("%s%s", i ? ", " : "", crashsig_symbolizer_missing_module(s, i));
	fputc('\n', stderr);
	/* a file that was found but refused: named, with the reason */
	for (size_t i = 0; crashsig_symbolizer_missing_module(s, i); i++)
		if (crashsig_symbolizer_missing_module_problem(s, i))
			tool_err("  %s: not used: %s\n", crashsig_symbolizer_missing_module(s, i),
				 crashsig_symbolizer_missing_module_problem(s, i));
	const char *dir = crashsig_symbolizer_modules_dir(s);
	tool_err("  looked in: %s%s/usr/lib/debug/.build-id (by build id)%s\n",
		dir ? dir : "", dir ? " (by name and build id), " : "",
		getenv("DEBUGINFOD_URLS") ? ", debuginfod (DEBUGINFOD_URLS)" : "");
	if (!dir)
		fputs("  no module directory: give --modules DIR\n", stderr);
}

typedef struct input {
	const char *path, *name;
	/* stdin spooled to a temporary file, to be read twice: once for the
	 * release that names the vmlinux (no --vmlinux), once to symbolize */
	FILE *spool;
	int failed;
} input;

/* No --vmlinux: find it from the release (or build id) of the first input
 * that names one. Fills so->vmlinux / so->modules_dir (pointing into kf or
 * fetched) and says on stderr what was used. Returns 0 or 2. */
static int locate(crashsig_ctx *ctx, const input *in, int nin, const char *sysroot,
		  crashsig_symbolize_options *so, crashsig_kernel_files *kf,
		  char *fetched, size_t fetchedlen, char *used_release)
{
	crashsig_kernel_info ki = CRASHSIG_KERNEL_INFO_INIT;
	const char *from = NULL;
	for (int i = 0; i < nin && !from; i++) {
		if (in[i].failed || scan_info(in[i].path, in[i].spool, &ki))
			continue; /* unreadable: reported, and again when symbolized */
		if (in[i].spool && fseek(in[i].spool, 0, SEEK_SET) != 0) {
			tool_err(PROG ": <stdin>: rewinding the temporary file: %s\n",
				 strerror(errno));
			return 2;
		}
		if (ki.release[0] || ki.build_id[0])
			from = in[i].name;
	}
	if (!from) {
		fputs(PROG ": no --vmlinux given and the input names no kernel release\n"
		      "  (no 'CPU: ... RELEASE #N' or 'Linux version' line): give --vmlinux PATH\n",
		      stderr);
		return 2;
	}
	int found = 0;
	if (ki.release[0]) {
		int rc = crashsig_symbolize_find_kernel(sysroot, ki.release, kf);
		if (rc < 0) {
			tool_err(PROG ": %s: kernel release '%s' is not a plain name\n",
				from, ki.release);
			return 2;
		}
		found = rc == 1;
	}
	if (found) {
		so->vmlinux = kf->vmlinux;
		tool_err(PROG ": using %s (kernel %s, from %s)\n", kf->vmlinux,
			ki.release, from);
	} else if (ki.build_id[0] &&
		   crashsig_debuginfod_find(ctx, ki.build_id, CRASHSIG_DEBUGINFOD_DEBUGINFO,
					    fetched, fetchedlen) == 0) {
		so->vmlinux = fetched;
		tool_err(PROG ": using %s (debuginfod, build id %s)\n", fetched,
			ki.build_id);
	} else {
		tool_err(PROG ": no vmlinux for kernel %s (from %s)\n",
			ki.release[0] ? ki.release : "with unknown release", from);
		if (kf->tried[0])
			tool_err("  looked in: %s\n", kf->tried);
		if (ki.build_id[0])
			tool_err("  %s\n", crashsig_error_last(ctx));
		fputs("  install the kernel's debug package or give --vmlinux PATH\n", stderr);
		return 2;
	}
	if (!so->modules_dir && kf->modules_dir[0])
		so->modules_dir = kf->modules_dir;
	memcpy(used_release, ki.release, sizeof(ki.release));
	return 0;
}

int tool_cmd_symbolize(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"vmlinux", required_argument, NULL, 'v'},
		{"modules", required_argument, NULL, 'm'},
		{"sysroot", required_argument, NULL, 's'},
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
	const char *sysroot = NULL;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "v:m:s:p:jaAh", lopts, NULL)) != -1) {
		switch (c) {
		case 'v': so.vmlinux = optarg; break;
		case 'm': so.modules_dir = optarg; break;
		case 's': sysroot = optarg; break;
		case 'p': so.strip_prefix = optarg; break;
		case 'j': json = 1; break;
		case 'a': addresses = 1; break;
		case 'A': print_addr = 1; break;
		case 'L': so.flags |= CRASHSIG_SYMBOLIZE_LIBDW_ONLY; break;
		case 'h': usage(stdout); return tool_finish_stdout(PROG, 0);
		default:
			fputs("Try 'crashsig help symbolize'.\n", stderr);
			return 2;
		}
	}
	if (so.modules_dir && check_modules(so.modules_dir))
		return 2;
	if (addresses && !so.vmlinux) {
		fputs(PROG ": --addresses needs --vmlinux PATH\n", stderr);
		return 2;
	}
	int nfiles = argc - optind;
	int nin = nfiles ? nfiles : 1;
	input *in = calloc((size_t)nin, sizeof(*in));
	if (!in) {
		fputs(PROG ": out of memory\n", stderr);
		return 2;
	}
	int status = 1, errors = 0;
	for (int i = 0; i < nin; i++) {
		in[i].path = nfiles ? argv[optind + i] : "-";
		in[i].name = strcmp(in[i].path, "-") ? in[i].path : "<stdin>";
		/* inputs are streamed; stdin is spooled to a temporary file
		 * when the vmlinux is to be found from the release it names
		 * (it is read twice then) */
		if (!addresses && !so.vmlinux && !strcmp(in[i].path, "-") &&
		    !(in[i].spool = tool_spool_stdin(PROG))) {
			errors = 1;
			in[i].failed = 1;
		}
	}
	crashsig_options co = CRASHSIG_OPTIONS_INIT;
	co.flags = CRASHSIG_CTX_NO_RULES; /* symbolization only */
	crashsig_ctx *ctx = NULL;
	char eb[256] = "";
	crashsig_symbolizer *s = NULL;
	crashsig_kernel_files *kf = calloc(1, sizeof(*kf));
	char *fetched = malloc(4096);
	if (!kf || !fetched || crashsig_ctx_new(&ctx, &co, eb, sizeof(eb)) != 0 || !ctx) {
		tool_err(PROG ": %s\n", eb[0] ? eb : "out of memory");
		status = 2;
		goto out;
	}
	char release[sizeof(((crashsig_kernel_info *)0)->release)] = "";
	if (!so.vmlinux && locate(ctx, in, nin, sysroot, &so, kf, fetched, 4096, release)) {
		status = 2;
		goto out;
	}
	if (crashsig_symbolizer_new(&s, ctx, &so) != 0) {
		tool_err(PROG ": %s\n", crashsig_error_last(ctx));
		status = 2;
		goto out;
	}
	if (!crashsig_symbolizer_has_dwarf(s))
		tool_err(PROG ": warning: %s has no DWARF: printing symbol names only\n",
			so.vmlinux);
	int all_found = 1;
	for (int i = 0; i < nin && !tool_stdout_failed(); i++) {
		if (addresses) {
			FILE *f = tool_open(PROG, in[i].path);
			if (!f) {
				errors = 1;
				continue;
			}
			if (!do_addresses(s, ctx, f, in[i].name, json, print_addr))
				all_found = 0;
			tool_close(f);
			continue;
		}
		if (in[i].failed)
			continue;
		sstream sst = {0};
		sst.s = s;
		sst.name = in[i].name;
		sst.json = json;
		sst.header = nin > 1;
		sst.sep = i > 0;
		sst.need_release = release[0] != 0;
		sst.release = release;
		sst.vmlinux = so.vmlinux;
		if (symbolize_stream(&sst, ctx, in[i].path, in[i].spool))
			errors = 1;
	}
	crashsig_symbolize_stats st;
	crashsig_symbolizer_stats(s, &st);
	if (crashsig_symbolizer_problem(s)) {
		/* what could be read is printed; the status says the input
		 * was damaged, as grep's does after a read error */
		tool_err(PROG ": %s\n", crashsig_symbolizer_problem(s));
		errors = 1;
	}
	if (!addresses && st.mismatched)
		tool_err(PROG ": warning: report does not match this vmlinux (%s: %zu of "
				"%zu frames do not fit)\n",
			so.vmlinux, st.mismatched, st.frames);
	if (!addresses && st.unresolved)
		tool_err(PROG ": note: %zu of %zu frames have no file:line\n",
			st.unresolved, st.frames);
	if (!addresses && st.unresolved)
		explain_missing(s);
	if (addresses)
		status = all_found ? 0 : 1;
	else
		/* found: a frame got file:line, or (no DWARF) its symbol */
		status = st.resolved || (!crashsig_symbolizer_has_dwarf(s) &&
					 st.frames > st.mismatched)
				 ? 0
				 : 1;
	if (errors)
		status = 2;
out:
	crashsig_symbolizer_free(s);
	crashsig_ctx_free(ctx);
	for (int i = 0; i < nin; i++)
		if (in[i].spool)
			fclose(in[i].spool);
	free(in);
	free(kf);
	free(fetched);
	return tool_finish_stdout(PROG, status);
}
