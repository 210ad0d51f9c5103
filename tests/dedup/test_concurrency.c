/* Several processes writing to one store at once lose nothing: 4 writer
 * processes add crashes (shared titles, titles of their own, one batch size
 * each) to one SQLite file and, when CRASHSIG_TEST_PG is set, to one
 * PostgreSQL database; the counts must add up and no title may end up with
 * two open bugs. And nothing is counted twice: two writers reading their
 * logs at once, then each reading its log again (at once again), give the
 * counts of one writer after the other, once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "dedup_testutil.h"

#define WRITERS 4
#define PER_WRITER 600
#define SHARED_TITLES 25

static char *tmp;

static int setup(void **state)
{
	(void)state;
	tmp = dt_tmpdir();
	return tmp ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	dt_rmrf(tmp);
	free(tmp);
	return 0;
}

/* One writer: returns the process exit status (0 ok). */
static int writer(const char *url, int w)
{
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	static const unsigned batches[WRITERS] = {1, 7, 50, 1000};
	o.batch = batches[w];
	crashsig_store *s = NULL;
	if (crashsig_store_open(&s, url, &o)) {
		fprintf(stderr, "writer %d: open: %s\n", w, crashsig_store_error(s));
		crashsig_store_free(s);
		return 1;
	}
	for (int i = 0; i < PER_WRITER; i++) {
		char title[128], alt[128];
		/* most crashes share titles with the other writers; every tenth
		 * is the writer's own */
		if (i % 10 == 9)
			snprintf(title, sizeof(title), "WARNING in writer%d_func%d", w, i);
		else
			snprintf(title, sizeof(title), "KASAN: use-after-free Read in shared%d",
				 (i * 7 + w) % SHARED_TITLES);
		snprintf(alt, sizeof(alt), "bad-access in %s", strstr(title, " in ") + 4);
		const char *alts[1] = {alt};
		crashsig_crash c = CRASHSIG_CRASH_INIT;
		c.title = title;
		c.alt_titles = alts;
		c.nalt_titles = 1;
		c.time = 1000 + i;
		c.signature = "f g h";
		if (crashsig_store_add(s, &c, NULL)) {
			fprintf(stderr, "writer %d: add %d: %s\n", w, i, crashsig_store_error(s));
			crashsig_store_free(s);
			return 1;
		}
	}
	if (crashsig_store_flush(s)) {
		fprintf(stderr, "writer %d: flush: %s\n", w, crashsig_store_error(s));
		crashsig_store_free(s);
		return 1;
	}
	crashsig_store_free(s);
	return 0;
}

static void concurrent(int pg)
{
	char *url = dt_fresh_url(pg, tmp, "conc");
	assert_non_null(url);
	/* the store does not exist yet: the writers race to create it too */
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (!pids[w])
			_exit(writer(url, w));
	}
	for (int w = 0; w < WRITERS; w++) {
		int st;
		assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	crashsig_store *s = NULL;
	assert_int_equal(crashsig_store_open(&s, url, NULL), 0);
	crashsig_bug **bugs;
	size_t n;
	assert_int_equal(crashsig_store_list(s, &bugs, &n), 0);
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		total += bugs[i]->count;
		assert_int_equal(bugs[i]->seq, 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(bugs[i]->base_title, bugs[j]->base_title);
	}
	printf("%s: %d writers x %d crashes: %lld counted in %zu bugs\n",
	       pg ? "postgresql" : "sqlite", WRITERS, PER_WRITER, (long long)total, n);
	fflush(stdout);
	assert_int_equal(total, WRITERS * PER_WRITER);
	/* every shared title and every writer's own: one bug each */
	assert_int_equal(n, SHARED_TITLES + WRITERS * (PER_WRITER / 10));
	crashsig_bugs_free(bugs, n);
	crashsig_store_free(s);
	free(url);
}

/* A writer that reads "its log": crashes with a source and offsets, so
 * their ids are derived and a second reading is all duplicates. */
#define LOG_CRASHES 300
static int log_writer(const char *url, int w, unsigned batch)
{
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	o.batch = batch;
	crashsig_store *s = NULL;
	if (crashsig_store_open(&s, url, &o)) {
		fprintf(stderr, "log writer %d: open: %s\n", w, crashsig_store_error(s));
		crashsig_store_free(s);
		return 1;
	}
	char source[32];
	snprintf(source, sizeof(source), "machine%d/console.log", w);
	for (int i = 0; i < LOG_CRASHES; i++) {
		char title[128], rep[160];
		if (i % 7 == 6)
			snprintf(title, sizeof(title), "WARNING in own%d_%d", w, i);
		else
			snprintf(title, sizeof(title), "KASAN: use-after-free Read in shared%d", i % 11);
		snprintf(rep, sizeof(rep), "BUG: %s\nCall Trace:\n", title);
		crashsig_crash c = CRASHSIG_CRASH_INIT;
		c.title = title;
		c.source = source;
		c.offset = (uint64_t)i * 1000;
		c.report = rep;
		c.report_len = strlen(rep);
		c.time = 1000 + i;
		c.time_source = CRASHSIG_TIME_SOURCE_FILE;
		if (crashsig_store_add(s, &c, NULL)) {
			fprintf(stderr, "log writer %d: add %d: %s\n", w, i, crashsig_store_error(s));
			crashsig_store_free(s);
			return 1;
		}
	}
	int rc = crashsig_store_flush(s) != 0;
	crashsig_store_free(s);
	return rc;
}

static void run_concurrently(const char *url, int n, unsigned batch)
{
	pid_t pids[8];
	for (int w = 0; w < n; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (!pids[w])
			_exit(log_writer(url, w, batch));
	}
	for (int w = 0; w < n; w++) {
		int st;
		assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
}

/* "title count" lines of a store, sorted (bugs by title). */
static char *counts_of(const char *url)
{
	crashsig_store *s = NULL;
	assert_int_equal(crashsig_store_open(&s, url, NULL), 0);
	crashsig_bug **bugs;
	size_t n;
	assert_int_equal(crashsig_store_list(s, &bugs, &n), 0);
	char **lines = calloc(n + 1, sizeof(char *));
	assert_non_null(lines);
	size_t len = 1;
	for (size_t i = 0; i < n; i++) {
		lines[i] = malloc(strlen(bugs[i]->title) + 32);
		sprintf(lines[i], "%s %lld\n", bugs[i]->title, (long long)bugs[i]->count);
		len += strlen(lines[i]);
	}
	qsort(lines, n, sizeof(char *), dt_name_cmp);
	char *out = calloc(1, len);
	for (size_t i = 0; i < n; i++) {
		strcat(out, lines[i]);
		free(lines[i]);
	}
	free(lines);
	/* and the counts are the crashes in the store */
	crashsig_crash_record **v;
	size_t nc;
	assert_int_equal(crashsig_store_crashes(s, NULL, &v, &nc), 0);
	int64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += bugs[i]->count;
	assert_int_equal(total, (int64_t)nc);
	crashsig_crash_records_free(v, nc);
	crashsig_bugs_free(bugs, n);
	crashsig_store_free(s);
	return out;
}

static void rerun(int pg)
{
	char *conc = dt_fresh_url(pg, tmp, "rerun_conc");
	char *seq = dt_fresh_url(pg, tmp, "rerun_seq");
	assert_non_null(conc);
	assert_non_null(seq);
	/* two writers at once, then each again, at once again */
	run_concurrently(conc, 2, 1);
	run_concurrently(conc, 2, 25);
	/* one after the other, once */
	assert_int_equal(log_writer(seq, 0, 1), 0);
	assert_int_equal(log_writer(seq, 1, 1), 0);
	char *a = counts_of(conc), *b = counts_of(seq);
	if (strcmp(a, b))
		printf("concurrent + re-run:\n%s\nsequential:\n%s\n", a, b);
	assert_string_equal(a, b);
	/* 2 x 300 crashes */
	int64_t total = 0;
	for (const char *p = a; (p = strchr(p, '\n')); p++) {
		const char *sp = p;
		while (sp > a && sp[-1] != ' ')
			sp--;
		total += atoll(sp);
	}
	printf("%s: 2 writers at once, then again: %lld crashes, as one after the other\n",
	       pg ? "postgresql" : "sqlite", (long long)total);
	assert_int_equal(total, 2 * LOG_CRASHES);
	free(a);
	free(b);
	free(conc);
	free(seq);
}

static void test_rerun_sqlite(void **st)
{
	(void)st;
	rerun(0);
}

static void test_rerun_pg(void **st)
{
	(void)st;
	if (!dt_pg_url()) {
		dt_pg_skip_note("concurrent writers and their re-runs");
		skip();
	}
	rerun(1);
}

static void test_sqlite(void **st)
{
	(void)st;
	concurrent(0);
}

static void test_pg(void **st)
{
	(void)st;
	if (!dt_pg_url()) {
		dt_pg_skip_note("4 concurrent writers");
		skip();
	}
	concurrent(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_pg),
		cmocka_unit_test(test_rerun_sqlite),
		cmocka_unit_test(test_rerun_pg),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
