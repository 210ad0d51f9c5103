/* crashsig dedup [--db URL] [--json] [--outdir DIR] [--merge-similar]
 * FILE|DIR|-...: put every crash found into a bug store and print its bugs.
 * Uses only the public API (include/crashsig). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "crashsig/crashsig.h"
#include "crashsig/dedup.h"

#include "commands.h"
#include "io.h"
#include "json.h"

static const char usage_text[] =
	"usage: crashsig dedup [OPTIONS] [FILE|DIR|-]...\n"
	"\n"
	"Find every crash in the console logs and crash reports given (directories\n"
	"are read recursively; '-' or no FILE with no action reads standard input),\n"
	"add each to a bug store, and print the store's bugs. Crashes join bugs by\n"
	"title and alternative titles with the rules of syzbot's dashboard; running\n"
	"again with more logs adds to the same store.\n"
	"\n"
	"Options:\n"
	"      --db URL          the bug store: sqlite:PATH, PATH (SQLite, created on\n"
	"                        first use) or postgresql://... (default: $CRASHSIG_DB,\n"
	"                        else crashsig-bugs.db)\n"
	"  -j, --json            one JSON object per bug (JSON Lines)\n"
	"      --outdir DIR      write DIR/<id>/ per bug: description, titles, report\n"
	"      --merge-similar   a crash that would open a new bug joins the most\n"
	"                        similar open bug instead (stack distance <= threshold)\n"
	"      --threshold D     similarity threshold (default 0.34)\n"
	"      --fix ID          mark bug ID fixed (no new crashes join it)\n"
	"      --close ID        mark bug ID closed (invalid; likewise)\n"
	"      --reopen ID       mark bug ID open again\n"
	"      --list            print the store's bugs without reading input\n"
	"      --batch N         crashes per transaction (default 1000)\n"
	"      --rules DIR       use the *.rules files in DIR\n"
	"  -h, --help            show this help\n"
	"\n"
	"Table columns: ID, COUNT, FIRST SEEN and LAST SEEN (UTC; a crash's time is\n"
	"its file's modification time, or now for standard input), STATUS, TITLE,\n"
	"then the bug's other titles and the bug it is similar to, if any.\n"
	"\n"
	"Exit status: 0 crashes were found (or the action succeeded), 1 no crash\n"
	"was found, 2 an error occurred.\n";

enum { O_DB = 256, O_OUTDIR, O_MERGE, O_THRESH, O_FIX, O_CLOSE, O_REOPEN, O_LIST,
       O_BATCH, O_RULES };

typedef struct dopts {
	const char *db, *outdir, *rules;
	int json, merge, list;
	double threshold;
	unsigned batch;
} dopts;

typedef struct run {
	crashsig_ctx *ctx;
	crashsig_store *store;
	long crashes;
	int error;
	char *buf;
	size_t bufsz;
} run;

static int add_stream(run *R, FILE *fp, const char *name, int64_t when)
{
	crashsig_parser *p = NULL;
	if (crashsig_parser_new(&p, R->ctx)) {
		tool_err("crashsig dedup: %s: %s\n", name, crashsig_error_last(R->ctx));
		return 2;
	}
	int rc = 0;
	for (;;) {
		size_t n = fread(R->buf, 1, R->bufsz, fp);
		if (n && crashsig_parser_feed(p, R->buf, n)) {
			tool_err("crashsig dedup: %s: %s\n", name, crashsig_error_last(R->ctx));
			rc = 2;
			break;
		}
		int last = n < R->bufsz;
		if (last && ferror(fp)) {
			tool_err("crashsig dedup: %s: read error: %s\n", name, strerror(errno));
			rc = 2;
			break;
		}
		if (last && crashsig_parser_finish(p)) {
			tool_err("crashsig dedup: %s: %s\n", name, crashsig_error_last(R->ctx));
			rc = 2;
			break;
		}
		crashsig_report *r;
		while (!rc && crashsig_parser_next(p, &r) == 1) {
			crashsig_add_result res;
			if (crashsig_store_add_report(R->store, R->ctx, r, when, name, &res)) {
				tool_err("crashsig dedup: %s: %s\n", name,
					crashsig_store_error(R->store));
				rc = 2;
			}
			R->crashes++;
			crashsig_report_free(r);
		}
		if (rc || last)
			break;
	}
	crashsig_parser_free(p);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files are opened by the tool's input helper (tool_open: '-' is standard
 * input, errors name the file); the parser recognises gzip, xz and zstd
 * input by its first bytes and decompresses it as it streams, so a .gz, .xz
 * or .zst log (or a directory of them, or compressed standard input) is read
 * like the plain text, with memory flat whatever its size. */
static int add_path(run *R, const char *path)
{
	if (!strcmp(path, "-")) {
		FILE *in = tool_open("crashsig dedup", "-");
		int rc = add_stream(R, in, "<stdin>", 0);
		tool_close(in);
		return rc;
	}
	struct stat st;
	if (stat(path, &st)) {
		tool_err("crashsig dedup: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d) {
			tool_err("crashsig dedup: %s: %s\n", path, strerror(errno));
			return 2;
		}
		char **names = NULL;
		size_t n = 0, cap = 0;
		struct dirent *e;
		int rc = 0;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue; /* ., .., hidden files */
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				char **nn = realloc(names, cap * sizeof(*names));
				if (!nn) {
					rc = 2;
					break;
				}
				names = nn;
			}
			size_t len = strlen(path) + strlen(e->d_name) + 2;
			if (!(names[n] = malloc(len))) {
				rc = 2;
				break;
			}
			snprintf(names[n], len, "%s/%s", path, e->d_name);
			n++;
		}
		closedir(d);
		if (rc)
			tool_err("crashsig dedup: out of memory\n");
		qsort(names, n, sizeof(*names), entry_cmp);
		for (size_t i = 0; i < n; i++) {
			if (!rc) {
				int r = add_path(R, names[i]);
				if (r == 2)
					R->error = 1;
			}
			free(names[i]);
		}
		free(names);
		return rc;
	}
	FILE *fp = tool_open("crashsig dedup", path);
	if (!fp)
		return 2;
	int rc = add_stream(R, fp, path, (int64_t)st.st_mtime);
	tool_close(fp);
	return rc;
}

static void fmt_time(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t || !gmtime_r(&tt, &tm))
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static const char *status_name(crashsig_bug_status s)
{
	switch (s) {
	case CRASHSIG_BUG_FIXED: return "fixed";
	case CRASHSIG_BUG_CLOSED: return "closed";
	default: return "open";
	}
}

/* Titles of a bug other than its own: those of crashes that joined it, then
 * its remaining alternative titles. */
static size_t other_titles(const crashsig_bug *b, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < b->nmerged_titles && n < max; i++)
		out[n++] = b->merged_titles[i];
	(void)out;
	return n;
}

static void print_table_row(FILE *out, const crashsig_bug *b)
{
	char f[32], l[32];
	fmt_time(f, sizeof(f), b->first_seen);
	fmt_time(l, sizeof(l), b->last_seen);
	fprintf(out, "%-6lld %7lld  %-19s  %-19s  %-6s  %s", (long long)b->id,
		(long long)b->count, f, l, status_name(b->status), b->title);
	const char *o[64];
	size_t n = other_titles(b, o, 64);
	if (n) {
		fputs("  [also: ", out);
		for (size_t i = 0; i < n; i++)
			fprintf(out, "%s%s", i ? " | " : "", o[i]);
		fputc(']', out);
	}
	if (b->similar_to)
		fprintf(out, "  [similar to bug %lld (distance %.2f)]",
			(long long)b->similar_to, b->similar_distance);
	fputc('\n', out);
}

static void json_list(FILE *out, const char *const *v, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		json_cstr(out, v[i]);
	}
	fputc(']', out);
}

static void print_json_row(FILE *out, const crashsig_bug *b)
{
	char f[32], l[32];
	fmt_time(f, sizeof(f), b->first_seen);
	fmt_time(l, sizeof(l), b->last_seen);
	fprintf(out, "{\"id\":%lld,\"title\":", (long long)b->id);
	json_cstr(out, b->title);
	fputs(",\"base_title\":", out);
	json_cstr(out, b->base_title);
	fprintf(out, ",\"seq\":%d,\"status\":\"%s\",\"count\":%lld,\"first_seen\":%lld,"
		"\"last_seen\":%lld,\"first_seen_utc\":",
		b->seq, status_name(b->status), (long long)b->count,
		(long long)b->first_seen, (long long)b->last_seen);
	json_cstr(out, f);
	fputs(",\"last_seen_utc\":", out);
	json_cstr(out, l);
	fputs(",\"other_titles\":", out);
	json_list(out, b->merged_titles, b->nmerged_titles);
	fputs(",\"alt_titles\":", out);
	json_list(out, b->alt_titles, b->nalt_titles);
	fputs(",\"signature\":", out);
	json_cstr(out, b->signature);
	if (b->similar_to)
		fprintf(out, ",\"similar_to\":%lld,\"distance\":%.4f", (long long)b->similar_to,
			b->similar_distance);
	else
		fputs(",\"similar_to\":null,\"distance\":null", out);
	fputs(",\"report_source\":", out);
	json_cstr(out, b->report_source);
	fputs("}\n", out);
}

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	if (!fp) {
		tool_err("crashsig dedup: %s: %s\n", path, strerror(errno));
		return 2;
	}
	int bad = len && fwrite(data, 1, len, fp) != len;
	if (fclose(fp) || bad) {
		tool_err("crashsig dedup: %s: write error: %s\n", path, strerror(errno));
		return 2;
	}
	return 0;
}

static int write_outdir(const char *outdir, const crashsig_bug *b)
{
	char dir[4096];
	if (mkdir(outdir, 0777) && errno != EEXIST) {
		tool_err("crashsig dedup: %s: %s\n", outdir, strerror(errno));
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/%lld", outdir, (long long)b->id);
	if (mkdir(dir, 0777) && errno != EEXIST) {
		tool_err("crashsig dedup: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	char desc[2048];
	int n = snprintf(desc, sizeof(desc), "%s\n", b->title);
	if (n < 0 || (size_t)n >= sizeof(desc))
		n = (int)sizeof(desc) - 1;
	if (write_file(dir, "description", desc, (size_t)n))
		return 2;
	size_t tl = 0;
	for (size_t i = 0; i < b->nalt_titles; i++)
		tl += strlen(b->alt_titles[i]) + 1;
	for (size_t i = 0; i < b->nmerged_titles; i++)
		tl += strlen(b->merged_titles[i]) + 1;
	char *t = malloc(tl + 1), *p = t;
	if (!t)
		return 2;
	for (size_t i = 0; i < b->nalt_titles; i++)
		p += sprintf(p, "%s\n", b->alt_titles[i]);
	for (size_t i = 0; i < b->nmerged_titles; i++) {
		int dup = 0;
		for (size_t j = 0; j < b->nalt_titles; j++)
			dup |= !strcmp(b->alt_titles[j], b->merged_titles[i]);
		if (!dup)
			p += sprintf(p, "%s\n", b->merged_titles[i]);
	}
	int rc = write_file(dir, "titles", t, (size_t)(p - t));
	free(t);
	if (!rc && b->report)
		rc = write_file(dir, "report", b->report, b->report_len);
	return rc;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v <= 0)
		return -1;
	*id = v;
	return 0;
}

int tool_cmd_dedup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, O_DB},
		{"json", no_argument, NULL, 'j'},
		{"outdir", required_argument, NULL, O_OUTDIR},
		{"merge-similar", no_argument, NULL, O_MERGE},
		{"threshold", required_argument, NULL, O_THRESH},
		{"fix", required_argument, NULL, O_FIX},
		{"close", required_argument, NULL, O_CLOSE},
		{"reopen", required_argument, NULL, O_REOPEN},
		{"list", no_argument, NULL, O_LIST},
		{"batch", required_argument, NULL, O_BATCH},
		{"rules", required_argument, NULL, O_RULES},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	dopts o = {0};
	o.db = getenv("CRASHSIG_DB");
	if (!o.db || !*o.db)
		o.db = "crashsig-bugs.db";
	o.batch = 1000;
	int64_t marks[64];
	crashsig_bug_status mark_st[64];
	size_t nmarks = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB: o.db = optarg; break;
		case 'j': o.json = 1; break;
		case O_OUTDIR: o.outdir = optarg; break;
		case O_MERGE: o.merge = 1; break;
		case O_THRESH: {
			char *end;
			o.threshold = strtod(optarg, &end);
			if (*end || end == optarg || o.threshold <= 0 || o.threshold > 1) {
				tool_err("crashsig dedup: --threshold: '%s' is not in (0, 1]\n",
					optarg);
				return 2;
			}
			break;
		}
		case O_FIX:
		case O_CLOSE:
		case O_REOPEN:
			if (nmarks == 64 || parse_id(optarg, &marks[nmarks])) {
				tool_err("crashsig dedup: '%s' is not a bug id\n", optarg);
				return 2;
			}
			mark_st[nmarks++] = c == O_FIX ? CRASHSIG_BUG_FIXED
					    : c == O_CLOSE ? CRASHSIG_BUG_CLOSED : CRASHSIG_BUG_OPEN;
			break;
		case O_LIST: o.list = 1; break;
		case O_BATCH: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 10000000) {
				tool_err("crashsig dedup: --batch: '%s' is not a count\n", optarg);
				return 2;
			}
			o.batch = (unsigned)v;
			break;
		}
		case O_RULES: o.rules = optarg; break;
		case 'h': fputs(usage_text, stdout); return ferror(stdout) ? 2 : 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	int nfiles = argc - optind;
	int read_stdin = !nfiles && !o.list && !nmarks;

	run R = {0};
	if (nfiles || read_stdin) {
		/* The context parses, and its rules give the store the generic
		 * frames of similarity. */
		crashsig_options copts = CRASHSIG_OPTIONS_INIT;
		copts.rules_dir = o.rules;
		char err[512];
		R.bufsz = 1 << 20;
		R.buf = malloc(R.bufsz);
		if (!R.buf || crashsig_ctx_new(&R.ctx, &copts, err, sizeof(err))) {
			tool_err("crashsig dedup: %s\n", R.buf ? err : "out of memory");
			free(R.buf);
			return 2;
		}
	}
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	so.flags = o.merge ? CRASHSIG_STORE_MERGE_SIMILAR : 0;
	so.similarity_threshold = o.threshold;
	so.batch = o.batch;
	so.ctx = R.ctx;
	crashsig_store *store = NULL;
	if (crashsig_store_open(&store, o.db, &so)) {
		tool_err("crashsig dedup: %s: %s\n", o.db, crashsig_store_error(store));
		crashsig_store_free(store);
		crashsig_ctx_free(R.ctx);
		free(R.buf);
		return 2;
	}
	int status = 0;
	for (size_t i = 0; i < nmarks; i++) {
		if (crashsig_store_set_status(store, marks[i], mark_st[i])) {
			tool_err("crashsig dedup: %s: bug %lld: %s\n", o.db,
				(long long)marks[i], crashsig_store_error(store));
			status = 2;
		}
	}
	if (nfiles || read_stdin) {
		R.store = store;
		if (read_stdin) {
			if (add_path(&R, "-"))
				status = 2;
		}
		for (int i = optind; i < argc; i++)
			if (add_path(&R, argv[i]))
				status = 2;
		if (R.error)
			status = 2;
		if (crashsig_store_flush(store)) {
			tool_err("crashsig dedup: %s: %s\n", o.db, crashsig_store_error(store));
			status = 2;
		}
	}
	crashsig_bug **bugs = NULL;
	size_t nbugs = 0;
	int lrc = crashsig_store_list(store, &bugs, &nbugs);
	if (lrc)
		tool_err("crashsig dedup: %s: %s\n", o.db, crashsig_store_error(store));
	if (lrc) {
		crashsig_store_free(store);
		crashsig_ctx_free(R.ctx);
		free(R.buf);
		return 2;
	}
	if (!o.json && nbugs)
		printf("%-6s %7s  %-19s  %-19s  %-6s  %s\n", "ID", "COUNT", "FIRST SEEN",
		       "LAST SEEN", "STATUS", "TITLE");
	for (size_t i = 0; i < nbugs; i++) {
		if (o.json)
			print_json_row(stdout, bugs[i]);
		else
			print_table_row(stdout, bugs[i]);
		if (o.outdir && write_outdir(o.outdir, bugs[i]))
			status = 2;
	}
	crashsig_bugs_free(bugs, nbugs);
	crashsig_store_free(store); /* before the context it borrows */
	crashsig_ctx_free(R.ctx);
	free(R.buf);
	if (fflush(stdout) || ferror(stdout)) {
		tool_err("crashsig dedup: write error: %s\n", strerror(errno));
		return 2;
	}
	if (status)
		return status;
	if ((nfiles || read_stdin) && !R.crashes)
		return 1;
	return 0;
}
