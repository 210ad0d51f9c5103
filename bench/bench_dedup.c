/* Bug store throughput: N crashes (the corpus logs, repeated) go through the
 * parser into a fresh store, in batched transactions, the way crashsig
 * dedup adds them: parsed in one thread, each with a context of its own,
 * and added in another (this one), the two joined by the same bounded pipe
 * (src/tool/pipe.c, as many reports as crashsig dedup lets wait: 2048 and
 * 8 MiB; -q sets the count), so that parsing overlaps the store's writes on
 * two cores; -s parses and adds in this thread, one after the other
 * (crashsig dedup --sequential).
 *
 * usage: bench_dedup [-n CRASHES] [-b BATCH] [-s] [-q ITEMS] [--db URL] [--merge-similar] DIR...
 *
 * Prints the wall time, the CPU time of the process and of each thread
 * (user+sys), how long each thread waited for the other (the parser for
 * room in the pipe, the store for reports), crashes/s, the bugs formed,
 * and the peak RSS at 10% of the crashes and at the end (which must not
 * grow with N: the store keeps its caches bounded by the number of distinct
 * titles, SQLite its page cache, and the pipe its reports). Default:
 * 1,000,000 crashes into a new SQLite file in a temporary directory. */
#include <dirent.h>
#include <pthread.h>
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
#include "tool/pipe.h"

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

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A crash from the parser to the store: as crashsig dedup gives it, with
 * its source and time. */
typedef struct item {
	crashsig_report *r;
	int64_t time;
	char source[48];
} item;

/* What an item holds, for the pipe's budget (as crashsig dedup counts). */
static size_t item_bytes(const item *it)
{
	size_t n = sizeof(*it), len = 0;
	crashsig_report_text(it->r, &len);
	n += len;
	crashsig_report_log(it->r, &len);
	return n + len;
}

typedef struct parse_side {
	crashsig_ctx *ctx; /* its own */
	tool_pipe *pipe;   /* NULL: hand each crash to the store side directly */
	long want, rounds;
	double cpu;  /* of the parser thread */
	double wait; /* wall time it waited for room in the pipe */
	long csw;    /* its voluntary context switches */
	int failed;
	/* one thread: the store side */
	int (*add)(void *arg, item *it);
	void *arg;
} parse_side;

/* Every crash, in order: each round is another log (another source), so its
 * crashes are new ones, not duplicates of the first round's. */
static void parse_all(parse_side *P)
{
	long made = 0;
	while (made < P->want && !P->failed) {
		for (size_t i = 0; i < nlogs && made < P->want && !P->failed; i++) {
			crashsig_report **rs;
			size_t nr;
			if (crashsig_parse_buffer(P->ctx, logs[i].data, logs[i].len, &rs, &nr)) {
				fprintf(stderr, "parse: %s\n", crashsig_error_last(P->ctx));
				P->failed = 1;
				break;
			}
			for (size_t k = 0; k < nr && made < P->want; k++) {
				item it = {rs[k], 1700000000 + made, ""};
				snprintf(it.source, sizeof(it.source), "bench/%ld/%zu", P->rounds, i);
				int rc;
				if (P->pipe) {
					double w0 = now();
					rc = tool_pipe_put(P->pipe, &it, item_bytes(&it));
					P->wait += now() - w0;
					if (!rc)
						rs[k] = NULL; /* handed over */
				} else {
					rs[k] = NULL; /* add() frees it */
					rc = P->add(P->arg, &it);
				}
				if (rc) { /* the store failed */
					P->failed = 1;
					break;
				}
				made++;
			}
			crashsig_reports_free(rs, nr);
		}
		P->rounds++;
	}
}

static void *parse_thread(void *arg)
{
	parse_side *P = arg;
	parse_all(P);
	tool_pipe_close(P->pipe);
	P->cpu = thread_cpu();
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	P->csw = ru.ru_nvcsw;
	return NULL;
}

typedef struct store_side {
	crashsig_store *s;
	crashsig_ctx *ctx; /* its own (the store's) */
	long want, done, rss_at_10pct;
} store_side;

static int add(void *arg, item *it)
{
	store_side *S = arg;
	int rc = crashsig_store_add_report(S->s, S->ctx, it->r, it->time, it->source, NULL);
	crashsig_report_free(it->r);
	if (rc) {
		fprintf(stderr, "add: %s\n", crashsig_store_error(S->s));
		return -1;
	}
	if (++S->done == S->want / 10) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		S->rss_at_10pct = ru.ru_maxrss;
	}
	return 0;
}

static void drop(void *arg)
{
	crashsig_report_free(((item *)arg)->r);
}

int main(int argc, char **argv)
{
	long want = 1000000;
	unsigned batch = 10000;
	const char *url = NULL;
	unsigned flags = 0;
	int sequential = 0;
	size_t qitems = 2048, qbytes = 8u << 20; /* crashsig dedup's */
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-n") && a + 1 < argc)
			want = atol(argv[++a]);
		else if (!strcmp(argv[a], "-b") && a + 1 < argc)
			batch = (unsigned)atol(argv[++a]);
		else if (!strcmp(argv[a], "-s"))
			sequential = 1;
		else if (!strcmp(argv[a], "-q") && a + 1 < argc)
			qitems = (size_t)atol(argv[++a]);
		else if (!strcmp(argv[a], "--db") && a + 1 < argc)
			url = argv[++a];
		else if (!strcmp(argv[a], "--merge-similar"))
			flags |= CRASHSIG_STORE_MERGE_SIMILAR;
		else
			break;
	}
	if (a >= argc || want <= 0) {
		fprintf(stderr,
			"usage: %s [-n CRASHES] [-b BATCH] [-s] [-q ITEMS] [--db URL] [--merge-similar] "
			"DIR...\n",
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
	/* a context for each side, as crashsig dedup has (one when sequential) */
	crashsig_ctx *ctx, *pctx = NULL;
	char err[256];
	if (crashsig_ctx_new(&ctx, NULL, err, sizeof(err)) ||
	    (!sequential && crashsig_ctx_new(&pctx, NULL, err, sizeof(err)))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	o.batch = batch;
	o.flags = flags;
	o.ctx = ctx;
	crashsig_store *s = NULL;
	if (crashsig_store_open(&s, url, &o)) {
		fprintf(stderr, "%s: %s\n", url, crashsig_store_error(s));
		crashsig_store_free(s);
		return 2;
	}
	store_side S = {s, ctx, want, 0, 0};
	parse_side P = {sequential ? ctx : pctx, NULL, want, 0, 0, 0, 0, 0, add, &S};
	struct rusage ru0;
	getrusage(RUSAGE_SELF, &ru0);
	double cpu0 = (double)ru0.ru_utime.tv_sec + ru0.ru_utime.tv_usec / 1e6 +
		      (double)ru0.ru_stime.tv_sec + ru0.ru_stime.tv_usec / 1e6;
	double main_cpu0 = thread_cpu();
	double t0 = now();
	int failed = 0;
	double wait = 0; /* the store thread's, for reports */
	if (sequential) {
		parse_all(&P);
		failed = P.failed;
	} else {
		pthread_t t;
		if (!(P.pipe = tool_pipe_new(sizeof(item), qitems, qbytes)) ||
		    pthread_create(&t, NULL, parse_thread, &P)) {
			fprintf(stderr, "cannot start the parser thread\n");
			return 2;
		}
		item it;
		for (;;) {
			double w0 = now();
			int got = tool_pipe_get(P.pipe, &it);
			wait += now() - w0;
			if (!got)
				break;
			if (add(&S, &it)) {
				tool_pipe_stop(P.pipe);
				failed = 1;
				break;
			}
		}
		pthread_join(t, NULL);
		tool_pipe_free(P.pipe, drop);
		failed |= P.failed;
	}
	if (failed)
		return 2;
	if (crashsig_store_flush(s)) {
		fprintf(stderr, "flush: %s\n", crashsig_store_error(s));
		return 2;
	}
	double t1 = now();
	double main_cpu = thread_cpu() - main_cpu0;
	struct rusage rt;
	getrusage(RUSAGE_THREAD, &rt);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6 - cpu0;
	crashsig_bug **bugs;
	size_t nb = 0;
	long long total = 0;
	if (crashsig_store_list(s, &bugs, &nb) == 0) {
		for (size_t i = 0; i < nb; i++)
			total += bugs[i]->count;
		crashsig_bugs_free(bugs, nb);
	}
	long done = S.done;
	char threads[256];
	if (sequential)
		snprintf(threads, sizeof(threads), "one thread");
	else
		snprintf(threads, sizeof(threads),
			 "parser thread %.2f s, store thread %.2f s; waits: %.2f s for room, "
			 "%.2f s for reports; voluntary context switches %ld and %ld", P.cpu,
			 main_cpu, P.wait, wait, P.csw, rt.ru_nvcsw);
	printf("%s, %s: %ld crashes (%zu logs x %ld rounds) in %.2f s wall, %.2f s CPU of this "
	       "process (%s): %.0f crashes/s wall, %.0f per CPU second; %zu bugs, counts add up "
	       "to %lld; peak RSS %ld KiB (%ld KiB at 10%%)\n",
	       crashsig_store_backend(s), sequential ? "sequential" : "two threads", done, nlogs,
	       P.rounds, t1 - t0, cpu, threads, done / (t1 - t0), done / cpu, nb, total,
	       ru.ru_maxrss, S.rss_at_10pct);
	crashsig_store_free(s);
	crashsig_ctx_free(ctx);
	crashsig_ctx_free(pctx);
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
