/* Benchmark for crashsig validate: builds the name index of a vmlinux (and
 * its modules) once, then validates every title given (one per line in
 * FILE, or TITLE: headers of annotated corpus files), and prints the time
 * of each phase and the peak RSS.
 *
 *   bench_validate --vmlinux V [--modules DIR] [--titles FILE] [--libdw-only]
 *                  [CORPUS_FILE...]
 *
 * CORPUS_FILE: annotated corpus reports; their TITLE: is used unless they
 * are marked CORRUPTED: Y (the 461 titles of the census). BENCH_SLOW=SECONDS
 * lists the titles slower than that on stderr.
 *
 * See bench/README.md for the figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <crashsig/crashsig.h>
#include <crashsig/validate.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char **titles;
static size_t ntitles, cap;

static int add_title(const char *t, size_t n)
{
	while (n && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' '))
		n--;
	if (!n)
		return 0;
	if (ntitles == cap) {
		cap = cap ? cap * 2 : 256;
		char **nt = realloc(titles, cap * sizeof(char *));
		if (!nt)
			return -1;
		titles = nt;
	}
	titles[ntitles] = strndup(t, n);
	return titles[ntitles++] ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *vmlinux = NULL, *mods = NULL, *tfile = NULL;
	unsigned flags = 0;
	int first = 1;
	for (; first < argc; first++) {
		if (!strcmp(argv[first], "--vmlinux") && first + 1 < argc)
			vmlinux = argv[++first];
		else if (!strcmp(argv[first], "--modules") && first + 1 < argc)
			mods = argv[++first];
		else if (!strcmp(argv[first], "--titles") && first + 1 < argc)
			tfile = argv[++first];
		else if (!strcmp(argv[first], "--libdw-only"))
			flags |= CRASHSIG_INDEX_LIBDW_ONLY;
		else
			break;
	}
	if (!vmlinux) {
		fprintf(stderr, "usage: bench_validate --vmlinux V [--modules DIR] "
				"[--titles FILE] [--libdw-only] [CORPUS_FILE...]\n");
		return 2;
	}
	char line[4096];
	if (tfile) {
		FILE *f = fopen(tfile, "r");
		if (!f) {
			perror(tfile);
			return 2;
		}
		while (fgets(line, sizeof(line), f))
			add_title(line, strlen(line));
		fclose(f);
	}
	/* annotated corpus files: the TITLE: of reports not marked CORRUPTED */
	for (int i = first; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f)
			continue;
		char title[4096] = "";
		int corrupted = 0;
		while (fgets(line, sizeof(line), f) && line[0] != '\n') {
			if (!strncmp(line, "TITLE: ", 7))
				snprintf(title, sizeof(title), "%s", line + 7);
			if (!strncmp(line, "CORRUPTED: Y", 12))
				corrupted = 1;
		}
		fclose(f);
		if (!corrupted)
			add_title(title, strlen(title));
	}
	double t0 = now_s();
	crashsig_options co = CRASHSIG_OPTIONS_INIT;
	co.flags = CRASHSIG_CTX_NO_RULES;
	crashsig_ctx *ctx;
	char err[256];
	if (crashsig_ctx_new(&ctx, &co, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	crashsig_index_options io = CRASHSIG_INDEX_OPTIONS_INIT;
	io.vmlinux = vmlinux;
	io.modules_dir = mods;
	io.flags = flags;
	crashsig_index *ix;
	if (crashsig_index_new(&ix, ctx, &io)) {
		fprintf(stderr, "index: %s\n", crashsig_error_last(ctx));
		return 2;
	}
	double t1 = now_s();
	size_t counts[8] = {0};
	for (size_t i = 0; i < ntitles; i++) {
		crashsig_validation *v;
		double ts = now_s();
		int vrc = crashsig_validate_title(ix, titles[i], &v);
		if (getenv("BENCH_SLOW") && now_s() - ts > atof(getenv("BENCH_SLOW")))
			fprintf(stderr, "slow: %.3f s %s\n", now_s() - ts, titles[i]);
		if (vrc) {
			fprintf(stderr, "%s: %s\n", titles[i], crashsig_error_last(ctx));
			continue;
		}
		counts[v->status]++;
		crashsig_validation_free(v);
	}
	double t2 = now_s();
	crashsig_index_stats st;
	crashsig_index_stats_get(ix, &st);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("index: %.3f s (%zu vmlinux symbols, %zu module symbols in %zu modules, "
	       "%zu subprograms in %zu units)\n",
	       t1 - t0, st.vmlinux_symbols, st.module_symbols, st.modules, st.subprograms,
	       st.units);
	printf("titles: %zu in %.3f s\n", ntitles, t2 - t1);
	for (int s = 0; s < 8; s++)
		printf("  %-16s %zu\n", crashsig_name_status_str((crashsig_name_status)s),
		       counts[s]);
	printf("total: %.3f s, peak RSS %ld MiB\n", t2 - t0, ru.ru_maxrss / 1024);
	crashsig_index_free(ix);
	crashsig_ctx_free(ctx);
	for (size_t i = 0; i < ntitles; i++)
		free(titles[i]);
	free(titles);
	return 0;
}
