/* The distribution of stack-signature distances between bugs, to choose the
 * similarity threshold of crashsig dedup.
 *
 * usage: bench_dedup_similarity [-t THRESHOLD] DIR...
 *
 * Every file of every DIR (annotated logs: header lines, a blank line, the
 * log) is parsed; its first crash that is not corrupted forms, with every
 * other crash of the same title, one bug (syzbot's title key). For every two
 * bugs of different titles, the distance of their signatures
 * (crashsig_signature_distance) is counted in one of two histograms: bugs
 * that share an alternative title (the dashboard merges them: a proxy for
 * "one bug under two titles") and bugs that share none (a proxy for
 * "different bugs"). Prints both, and for each threshold how many pairs of
 * each kind it would merge. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"
#include "crashsig/dedup.h"

#include "bench_dir.h"

typedef struct bug {
	char *title;
	char *alts[16];
	size_t nalts;
	char *sig;
	int no_stack;
	char *file;
} bug;

static bug *bugs;
static size_t nbugs, capbugs;

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b) {
		b[n] = 0;
		*len = (size_t)n;
	}
	return b;
}

static void add_file(crashsig_ctx *ctx, const char *path)
{
	size_t len;
	char *buf = read_file(path, &len);
	if (!buf)
		return;
	/* skip the annotation header */
	char *log = strstr(buf, "\n\n");
	log = log ? log + 2 : buf;
	if (!strncmp(buf, "\n", 1))
		log = buf + 1;
	char *end = strstr(log, "\n\nREPORT:\n");
	size_t ll = end ? (size_t)(end - log) + 1 : strlen(log);
	crashsig_report **rs;
	size_t nr;
	if (crashsig_parse_buffer(ctx, log, ll, &rs, &nr)) {
		free(buf);
		return;
	}
	for (size_t k = 0; k < nr; k++) {
		crashsig_report *r = rs[k];
		if (crashsig_report_corrupted(r) || crashsig_report_suppressed(r))
			continue;
		const char *t = crashsig_report_title(r);
		int seen = 0;
		for (size_t i = 0; i < nbugs && !seen; i++)
			seen = !strcmp(bugs[i].title, t);
		if (!seen) {
			crashsig_signature *sig;
			if (crashsig_signature_new(&sig, ctx, r))
				break;
			if (nbugs == capbugs) {
				capbugs = capbugs ? capbugs * 2 : 256;
				bugs = realloc(bugs, capbugs * sizeof(*bugs));
				if (!bugs)
					exit(2);
			}
			bug *b = &bugs[nbugs++];
			memset(b, 0, sizeof(*b));
			b->title = strdup(t);
			b->file = strdup(path);
			for (size_t i = 0; i < crashsig_report_alt_title_count(r) && i < 16; i++)
				b->alts[b->nalts++] = strdup(crashsig_report_alt_title(r, i));
			b->sig = strdup(sig->key);
			b->no_stack = sig->no_stack_kind;
			crashsig_signature_free(sig);
		}
		break; /* the first crash of a file */
	}
	crashsig_reports_free(rs, nr);
	free(buf);
}

static void add_dir(crashsig_ctx *ctx, const char *dir)
{
	size_t n = 0;
	char **names = bench_dir_list(dir, &n);
	for (size_t i = 0; i < n; i++) {
		add_file(ctx, names[i]);
		free(names[i]);
	}
	free(names);
}

static int share_alt(const bug *a, const bug *b)
{
	for (size_t i = 0; i < a->nalts; i++)
		for (size_t j = 0; j < b->nalts; j++)
			if (!strcmp(a->alts[i], b->alts[j]))
				return 1;
	for (size_t i = 0; i < a->nalts; i++)
		if (!strcmp(a->alts[i], b->title))
			return 1;
	for (size_t j = 0; j < b->nalts; j++)
		if (!strcmp(b->alts[j], a->title))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	double thr = CRASHSIG_SIMILARITY_THRESHOLD;
	int show = 0, a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-t") && a + 1 < argc)
			thr = atof(argv[++a]);
		else if (!strcmp(argv[a], "-v"))
			show = 1;
		else {
			fprintf(stderr, "usage: %s [-t THRESHOLD] [-v] DIR...\n", argv[0]);
			return 2;
		}
	}
	if (a >= argc) {
		fprintf(stderr, "usage: %s [-t THRESHOLD] [-v] DIR...\n", argv[0]);
		return 2;
	}
	crashsig_ctx *ctx;
	char err[256];
	if (crashsig_ctx_new(&ctx, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	for (; a < argc; a++)
		add_dir(ctx, argv[a]);
	enum { NB = 11 };
	long h[2][NB] = {{0}}, usable[2] = {0, 0}, total[2] = {0, 0};
	/* distances of the pairs below 1, computed once */
	size_t npairs = 0, cappairs = 1024;
	struct pairdist { float d; unsigned char share; } *pd = malloc(cappairs * sizeof(*pd));
	for (size_t i = 0; i < nbugs; i++)
		for (size_t j = i + 1; j < nbugs; j++) {
			int k = share_alt(&bugs[i], &bugs[j]);
			total[k]++;
			if (bugs[i].no_stack || bugs[j].no_stack)
				continue;
			double d = crashsig_signature_distance(ctx, bugs[i].sig, bugs[j].sig);
			if (d >= 1.0)
				continue;
			if (npairs == cappairs) {
				cappairs *= 2;
				pd = realloc(pd, cappairs * sizeof(*pd));
				if (!pd)
					return 2;
			}
			pd[npairs].d = (float)d;
			pd[npairs++].share = (unsigned char)k;
			usable[k]++;
			int bin = (int)(d * 10 + 1e-9);
			h[k][bin < NB ? bin : NB - 1]++;
			if (show && d <= thr)
				printf("%s %.3f\n  %s\n    [%s]\n  %s\n    [%s]\n",
				       k ? "SHARED" : "OTHER ", d, bugs[i].title, bugs[i].sig,
				       bugs[j].title, bugs[j].sig);
		}
	printf("%zu bugs (distinct titles); pairs sharing an alternative title: %ld, "
	       "sharing none: %ld\n", nbugs, total[1], total[0]);
	printf("pairs with a distance < 1 (both have >= 2 non-generic frames in common "
	       "alignment): %ld sharing, %ld not\n\n", usable[1], usable[0]);
	printf("distance      sharing an alt title   sharing none\n");
	for (int b = 0; b < NB - 1; b++)
		printf("[%.1f, %.1f)    %10ld            %10ld\n", b / 10.0, (b + 1) / 10.0, h[1][b],
		       h[0][b]);
	printf("\nthreshold  merges sharing (of %ld)  merges not sharing (of %ld)\n", total[1],
	       total[0]);
	static const double ts[] = {0.0, 0.1, 0.17, 0.2, 0.25, 0.3, 0.34, 0.4, 0.5, 0.6};
	for (size_t t = 0; t < sizeof(ts) / sizeof(ts[0]); t++) {
		long m[2] = {0, 0};
		for (size_t p = 0; p < npairs; p++)
			if (pd[p].d <= ts[t] + 1e-6)
				m[pd[p].share]++;
		printf("  <= %.2f  %10ld                %10ld\n", ts[t], m[1], m[0]);
	}
	free(pd);
	crashsig_ctx_free(ctx);
	return 0;
}
