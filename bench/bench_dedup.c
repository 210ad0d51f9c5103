/* Bug store throughput: N crashes (the corpus logs, repeated) go through the
 * parser into a fresh store, in batched transactions.
 *
 * usage: bench_dedup [-n CRASHES] [-b BATCH] [--db URL] [--merge-similar] DIR...
 *
 * Prints crashes/s, the bugs formed, and the peak RSS (which must not grow
 * with N: the store keeps its caches bounded by the number of distinct
 * titles, and SQLite its page cache). Default: 1,000,000 crashes into a new
 * SQLite file in a temporary directory. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crashsig/crashsig.h"
#include "crashsig/dedup.h"

#include "bench_dir.h"

typedef struct logbuf {
	char *data;
	size_t len;
} logbuf;

static logbuf *logs;
static size_t nlogs, caplogs;

static void load_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		fclose(f);
		return;
	}
	fclose(f);
	b[n] = 0;
	/* annotated logs: skip the header block */
	char *log = b;
	if (!strncmp(b, "TITLE:", 6) || b[0] == '#') {
		char *p = strstr(b, "\n\n");
		log = p ? p + 2 : b;
	}
	char *end = strstr(log, "\n\nREPORT:\n");
	if (nlogs == caplogs) {
		caplogs = caplogs ? caplogs * 2 : 1024;
		logs = realloc(logs, caplogs * sizeof(*logs));
		if (!logs)
			exit(2);
	}
	size_t ll = end ? (size_t)(end - log) + 1 : strlen(log);
	memmove(b, log, ll);
	logs[nlogs].data = b;
	logs[nlogs++].len = ll;
}

static void load_dir(const char *dir)
{
	size_t n = 0;
	char **names = bench_dir_list(dir, &n);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (!stat(names[i], &st) && S_ISREG(st.st_mode))
			load_file(names[i]);
		free(names[i]);
	}
	free(names);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long want = 1000000;
	unsigned batch = 10000;
	const char *url = NULL;
	unsigned flags = 0;
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-n") && a + 1 < argc)
			want = atol(argv[++a]);
		else if (!strcmp(argv[a], "-b") && a + 1 < argc)
			batch = (unsigned)atol(argv[++a]);
		else if (!strcmp(argv[a], "--db") && a + 1 < argc)
			url = argv[++a];
		else if (!strcmp(argv[a], "--merge-similar"))
			flags |= CRASHSIG_STORE_MERGE_SIMILAR;
		else
			break;
	}
	if (a >= argc || want <= 0) {
		fprintf(stderr, "usage: %s [-n CRASHES] [-b BATCH] [--db URL] [--merge-similar] DIR...\n",
			argv[0]);
		return 2;
	}
	for (; a < argc; a++)
		load_dir(argv[a]);
	if (!nlogs) {
		fprintf(stderr, "no logs\n");
		return 2;
	}
	char tmpdir[] = "/tmp/bench-dedup-XXXXXX", path[256];
	if (!url) {
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			return 2;
		}
		snprintf(path, sizeof(path), "sqlite:%s/bugs.db", tmpdir);
		url = path;
	}
	crashsig_ctx *ctx;
	char err[256];
	if (crashsig_ctx_new(&ctx, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	o.batch = batch;
	o.flags = flags;
	crashsig_store *s = NULL;
	if (crashsig_store_open(&s, url, &o)) {
		fprintf(stderr, "%s: %s\n", url, crashsig_store_error(s));
		crashsig_store_free(s);
		return 2;
	}
	struct rusage ru0;
	getrusage(RUSAGE_SELF, &ru0);
	double cpu0 = (double)ru0.ru_utime.tv_sec + ru0.ru_utime.tv_usec / 1e6 +
		      (double)ru0.ru_stime.tv_sec + ru0.ru_stime.tv_usec / 1e6;
	double t0 = now(), parse = 0;
	long done = 0, rounds = 0;
	long rss_at_10pct = 0;
	while (done < want) {
		for (size_t i = 0; i < nlogs && done < want; i++) {
			double p0 = now();
			crashsig_report **rs;
			size_t nr;
			if (crashsig_parse_buffer(ctx, logs[i].data, logs[i].len, &rs, &nr)) {
				fprintf(stderr, "parse: %s\n", crashsig_error_last(ctx));
				return 2;
			}
			parse += now() - p0;
			/* each round is another log (another source): its crashes are
			 * new ones, not duplicates of the first round's */
			char src[64];
			snprintf(src, sizeof(src), "bench/%ld/%zu", rounds, i);
			for (size_t k = 0; k < nr && done < want; k++) {
				if (crashsig_store_add_report(s, ctx, rs[k], 1700000000 + done, src, NULL)) {
					fprintf(stderr, "add: %s\n", crashsig_store_error(s));
					return 2;
				}
				done++;
				if (done == want / 10) {
					struct rusage ru;
					getrusage(RUSAGE_SELF, &ru);
					rss_at_10pct = ru.ru_maxrss;
				}
			}
			crashsig_reports_free(rs, nr);
		}
		rounds++;
	}
	if (crashsig_store_flush(s)) {
		fprintf(stderr, "flush: %s\n", crashsig_store_error(s));
		return 2;
	}
	double t1 = now();
	crashsig_bug **bugs;
	size_t nb;
	long long total = 0;
	if (crashsig_store_list(s, &bugs, &nb) == 0) {
		for (size_t i = 0; i < nb; i++)
			total += bugs[i]->count;
		crashsig_bugs_free(bugs, nb);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6 - cpu0;
	printf("%s: %ld crashes (%zu logs x %ld rounds) in %.2f s wall, %.2f s CPU of this "
	       "process: %.0f crashes/s wall, %.0f per CPU second (parsing %.2f s wall, "
	       "store %.2f s wall); %zu bugs, counts add up to %lld; peak RSS %ld KiB "
	       "(%ld KiB at 10%%)\n",
	       crashsig_store_backend(s), done, nlogs, rounds, t1 - t0, cpu, done / (t1 - t0),
	       done / cpu, parse, t1 - t0 - parse, nb, total, ru.ru_maxrss, rss_at_10pct);
	crashsig_store_free(s);
	crashsig_ctx_free(ctx);
	if (url == path) {
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd)) {
		}
	}
	for (size_t i = 0; i < nlogs; i++)
		free(logs[i].data);
	free(logs);
	return total == done ? 0 : 1;
}
