/*
 * corpus_check: run libcrashsig over annotated logs (the syzkaller corpus
 * format: header lines TITLE:, ALT:, TYPE:, FRAME:, CORRUPTED:, SUPPRESSED:,
 * PANICKED:, EXECUTOR:, '#' comments; a blank line; the log; an optional
 * "REPORT:" section after a blank line that is not input) and compare the
 * first crash found with the annotations.
 *
 * usage: corpus_check [--min-title P] [--min-all P] [--ratchet FILE]
 *                     [--rules DIR] [-v] PATH...
 * --ratchet FILE reads "title P" and "all P" lines (percentages) from FILE.
 * Exits 1 when an agreement is below its threshold.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <crashsig/crashsig.h>

#include "testutil.h"

typedef struct expect {
	char *title;
	char *alts[64];
	int nalts;
	char *type;
	char *frame;
	char *executor;
	int corrupted, suppressed, panicked;
} expect;

/* The file with '\r' dropped, as the reference scorer reads it. */
static char *read_file(const char *path, size_t *len)
{
	char *buf = test_read_file(path, len);
	if (buf) {
		size_t w = 0;
		for (size_t i = 0; i < *len; i++)
			if (buf[i] != '\r')
				buf[w++] = buf[i];
		buf[w] = 0;
		*len = w;
	}
	return buf;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses headers in place; returns the log start, sets *loglen. */
static char *parse(char *buf, size_t len, expect *e, size_t *loglen)
{
	memset(e, 0, sizeof(*e));
	char *p = buf, *end = buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl == p) {
			p++;
			break;
		}
		*nl = 0;
		char *v = strstr(p, ": ");
		v = v ? v + 2 : p + strlen(p);
		if (p[0] == '#')
			;
		else if (!strncmp(p, "TITLE: ", 7))
			e->title = v;
		else if (!strncmp(p, "ALT: ", 5) && e->nalts < 64)
			e->alts[e->nalts++] = v;
		else if (!strncmp(p, "TYPE: ", 6))
			e->type = v;
		else if (!strncmp(p, "FRAME: ", 7))
			e->frame = v;
		else if (!strncmp(p, "EXECUTOR: ", 10))
			e->executor = v;
		else if (!strncmp(p, "CORRUPTED: ", 11))
			e->corrupted = *v == 'Y';
		else if (!strncmp(p, "SUPPRESSED: ", 12))
			e->suppressed = *v == 'Y';
		else if (!strncmp(p, "PANICKED: ", 10))
			e->panicked = *v == 'Y';
		p = nl + 1;
	}
	qsort(e->alts, (size_t)e->nalts, sizeof(char *), cmpstr);
	/* log ends at "\n\nREPORT:\n" */
	char *log = p < end ? p : end;
	size_t n = (size_t)(end - log);
	for (char *q = log; (q = memmem(q, (size_t)(end - q), "\n\nREPORT:", 9));
	     q++) {
		if (q + 9 == end || q[9] == '\n') {
			n = (size_t)(q - log) + 2;
			break;
		}
	}
	*loglen = n;
	return log;
}

static const char *nz(const char *s) { return s ? s : ""; }

static int same(const char *a, const char *b) { return !strcmp(nz(a), nz(b)); }

static const char *norm_type(const char *t)
{
	return (!t || !strcmp(t, "UNKNOWN")) ? "" : t;
}

static int nfiles, ntitle, nall, verbose;

static void check(crashsig_ctx *ctx, const char *path)
{
	size_t len;
	char *buf = read_file(path, &len);
	if (!buf) {
		fprintf(stderr, "corpus_check: cannot read %s\n", path);
		nfiles++;
		return;
	}
	expect e;
	size_t loglen;
	char *log = parse(buf, len, &e, &loglen);
	crashsig_report **reps = NULL;
	size_t n = 0;
	int rc = crashsig_parse_buffer(ctx, log, loglen, &reps, &n);
	nfiles++;
	if (rc) {
		printf("%s\tERROR %s\n", path, crashsig_error_last(ctx));
		free(buf);
		return;
	}
	const crashsig_report *r = n ? reps[0] : NULL;
	char diff[4096] = "";
	size_t dl = 0;
#define DIFF(...) dl += (size_t)snprintf(diff + dl, dl < sizeof(diff) ? sizeof(diff) - dl : 0, __VA_ARGS__)
	const char *title = r ? crashsig_report_title(r) : "";
	if (same(e.title, title))
		ntitle++;
	else
		DIFF("title: want '%s' got '%s'; ", nz(e.title), title);
	int altok = r ? (size_t)e.nalts == crashsig_report_alt_title_count(r)
		      : e.nalts == 0;
	for (int i = 0; altok && r && i < e.nalts; i++)
		altok = same(e.alts[i], crashsig_report_alt_title(r, (size_t)i));
	if (!altok) {
		DIFF("alt: want [");
		for (int i = 0; i < e.nalts; i++)
			DIFF("%s'%s'", i ? "," : "", e.alts[i]);
		DIFF("] got [");
		for (size_t i = 0; r && i < crashsig_report_alt_title_count(r); i++)
			DIFF("%s'%s'", i ? "," : "", crashsig_report_alt_title(r, i));
		DIFF("]; ");
	}
	const char *type = r ? crashsig_report_type(r) : "";
	if (!same(norm_type(e.type), norm_type(type)))
		DIFF("type: want '%s' got '%s'; ", norm_type(e.type), norm_type(type));
	int corrupted = r && crashsig_report_corrupted(r);
	if (e.corrupted != corrupted)
		DIFF("corrupted: want %d got %d (%s); ", e.corrupted, corrupted,
		     r ? nz(crashsig_report_corrupted_reason(r)) : "");
	int suppressed = r && crashsig_report_suppressed(r);
	if (e.suppressed != suppressed)
		DIFF("suppressed: want %d got %d; ", e.suppressed, suppressed);
	int panicked = r && crashsig_report_panicked(r);
	if (e.panicked != panicked)
		DIFF("panicked: want %d got %d; ", e.panicked, panicked);
	if (e.frame && !same(e.frame, r ? crashsig_report_frame(r) : ""))
		DIFF("frame: want '%s' got '%s'; ", e.frame,
		     r ? nz(crashsig_report_frame(r)) : "");
	if (!same(e.executor, r ? crashsig_report_executor(r) : ""))
		DIFF("executor: want '%s' got '%s'; ", nz(e.executor),
		     r ? nz(crashsig_report_executor(r)) : "");
	if (!dl)
		nall++;
	else if (verbose)
		printf("%s\t%s\n", path, diff);
	crashsig_reports_free(reps, n);
	free(buf);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(crashsig_ctx *ctx, const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		fprintf(stderr, "corpus_check: %s: not found\n", path);
		nfiles++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		check(ctx, path);
		return;
	}
	DIR *d = opendir(path);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(char *));
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_name);
	for (size_t i = 0; i < n; i++) {
		char p[4096];
		snprintf(p, sizeof(p), "%s/%s", path, names[i]);
		walk(ctx, p);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	double min_title = 0, min_all = 0;
	const char *rules = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--min-title") && i + 1 < argc)
			min_title = atof(argv[++i]);
		else if (!strcmp(argv[i], "--min-all") && i + 1 < argc)
			min_all = atof(argv[++i]);
		else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
			rules = argv[++i];
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "--ratchet") && i + 1 < argc) {
			FILE *f = fopen(argv[++i], "r");
			if (!f) {
				fprintf(stderr, "corpus_check: cannot read %s\n", argv[i]);
				return 2;
			}
			char key[32];
			double v;
			while (fscanf(f, "%31s %lf", key, &v) == 2) {
				if (!strcmp(key, "title"))
					min_title = v;
				else if (!strcmp(key, "all"))
					min_all = v;
			}
			fclose(f);
		} else {
			fprintf(stderr, "corpus_check: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: corpus_check [--min-title P] [--min-all P] "
				"[--ratchet FILE] [-v] PATH...\n");
		return 2;
	}
	crashsig_options o = CRASHSIG_OPTIONS_INIT;
	o.rules_dir = rules;
	crashsig_ctx *ctx;
	char err[512];
	if (crashsig_ctx_new(&ctx, &o, err, sizeof(err))) {
		fprintf(stderr, "corpus_check: %s\n", err);
		return 2;
	}
	verbose = verbose || getenv("CORPUS_VERBOSE");
	for (; i < argc; i++)
		walk(ctx, argv[i]);
	/* the rules must stay far from the regex limits on real reports */
	size_t nwarn = crashsig_warning_count(ctx);
	for (size_t w = 0; w < nwarn; w++)
		printf("rules warning: %s\n", crashsig_warning(ctx, w));
	crashsig_ctx_free(ctx);
	double pt = nfiles ? 100.0 * ntitle / nfiles : 0;
	double pa = nfiles ? 100.0 * nall / nfiles : 0;
	printf("title %d/%d (%.1f%%, need %.1f%%)\n", ntitle, nfiles, pt, min_title);
	printf("all-fields %d/%d (%.1f%%, need %.1f%%)\n", nall, nfiles, pa, min_all);
	if (!nfiles) {
		printf("no files checked\n");
		return 1;
	}
	return (pt + 1e-9 < min_title || pa + 1e-9 < min_all || nwarn) ? 1 : 0;
}
