/*
 * bench_classify: classification throughput on one core.
 * usage: bench_classify [-n ROUNDS] FILE_OR_DIR...
 * Reads every log (annotated corpus files: the headers are skipped) into
 * memory, then parses all of them ROUNDS times with one context, and prints
 * reports/s and MB/s (mean, median, fastest and first round) and the number
 * of crashes found per round.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <crashsig/crashsig.h>

typedef struct log {
	char *data;
	size_t len;
} log_t;

static log_t *logs;
static size_t nlogs;

static void add_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)sz + 1);
	size_t got = fread(buf, 1, (size_t)sz, f);
	fclose(f);
	buf[got] = 0;
	/* annotated corpus file: skip headers up to the first blank line */
	char *p = buf;
	if (!strncmp(p, "TITLE:", 6) || !strncmp(p, "#", 1) || !strncmp(p, "\n", 1) ||
	    !strncmp(p, "TYPE:", 5)) {
		char *b = strstr(p, "\n\n");
		if (b)
			p = b + 2;
		else if (*p == '\n')
			p++;
	}
	logs = realloc(logs, (nlogs + 1) * sizeof(*logs));
	logs[nlogs].len = got - (size_t)(p - buf);
	logs[nlogs].data = malloc(logs[nlogs].len + 1);
	memcpy(logs[nlogs].data, p, logs[nlogs].len);
	nlogs++;
	free(buf);
}

static void add(const char *path)
{
	struct stat st;
	if (stat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		add_file(path);
		return;
	}
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		add(p);
	}
	if (d)
		closedir(d);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int rounds = 20, i = 1;
	if (argc > 2 && !strcmp(argv[1], "-n")) {
		rounds = atoi(argv[2]);
		i = 3;
	}
	for (; i < argc; i++)
		add(argv[i]);
	if (!nlogs) {
		fprintf(stderr, "usage: bench_classify [-n ROUNDS] FILE_OR_DIR...\n");
		return 2;
	}
	size_t bytes = 0;
	for (size_t k = 0; k < nlogs; k++)
		bytes += logs[k].len;
	double t0 = now();
	crashsig_ctx *ctx;
	char err[256];
	if (crashsig_ctx_new(&ctx, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	double t1 = now();
	size_t crashes = 0;
	/* per-round times: on a shared VM the mean moves with the neighbours'
	 * load, the fastest and the median rounds much less */
	double *rt = calloc((size_t)rounds, sizeof(*rt));
	if (!rt)
		return 1;
	for (int r = 0; r < rounds; r++) {
		double r0 = now();
		crashes = 0;
		for (size_t k = 0; k < nlogs; k++) {
			crashsig_report **reps;
			size_t n;
			if (crashsig_parse_buffer(ctx, logs[k].data, logs[k].len, &reps, &n))
				return 1;
			crashes += n;
			crashsig_reports_free(reps, n);
		}
		rt[r] = now() - r0;
	}
	double t2 = now();
	double per = (t2 - t1) / rounds;
	/* the first round finds the context's name memo empty, as a
	 * process that reads a log once does */
	double first = rt[0];
	qsort(rt, (size_t)rounds, sizeof(*rt), cmp_double);
	double best = rt[0], med = rt[rounds / 2];
	printf("%zu logs, %.1f MB, %zu crashes per round; context setup %.1f ms\n", nlogs,
	       bytes / 1e6, crashes, (t1 - t0) * 1e3);
	printf("%.0f logs/s, %.0f reports/s, %.1f MB/s (%d rounds, %.2f ms per round)\n",
	       nlogs / per, crashes / per, bytes / 1e6 / per, rounds, per * 1e3);
	printf("median round %.2f ms = %.0f reports/s, %.1f MB/s; fastest round %.2f ms = %.0f "
	       "reports/s, %.1f MB/s\n",
	       med * 1e3, crashes / med, bytes / 1e6 / med, best * 1e3, crashes / best,
	       bytes / 1e6 / best);
	printf("first round %.2f ms = %.0f reports/s, %.1f MB/s\n", first * 1e3,
	       crashes / first, bytes / 1e6 / first);
	free(rt);
	crashsig_ctx_free(ctx);
	for (size_t k = 0; k < nlogs; k++)
		free(logs[k].data);
	free(logs);
	return 0;
}
