/* Adding crashes to the bug store: crash ids (a client's, derived, random),
 * duplicates refused whatever the path, a growing console log, the crash
 * record's fields (time and its source, kernel facts, arch, texts), the
 * retention of texts (counts never go down); on SQLite, and on PostgreSQL
 * when CRASHSIG_TEST_PG names a server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dedup_testutil.h"

static char *tmp;
static crashsig_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	char err[256];
	if (crashsig_ctx_new(&ctx, NULL, err, sizeof(err)))
		return -1;
	tmp = dt_tmpdir();
	return tmp ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	crashsig_ctx_free(ctx);
	dt_rmrf(tmp);
	free(tmp);
	return 0;
}

static crashsig_store *open_opts(int pg, const char *name, const crashsig_store_options *o)
{
	char *url = dt_fresh_url(pg, tmp, name);
	assert_non_null(url);
	crashsig_store *s = NULL;
	int rc = crashsig_store_open(&s, url, o);
	if (rc)
		fprintf(stderr, "%s: %s\n", url, crashsig_store_error(s));
	assert_int_equal(rc, 0);
	free(url);
	return s;
}

static crashsig_store *open_fresh(int pg, const char *name)
{
	return open_opts(pg, name, NULL);
}

static int64_t total_count(crashsig_store *s)
{
	crashsig_bug **bugs;
	size_t n;
	assert_int_equal(crashsig_store_list(s, &bugs, &n), 0);
	int64_t t = 0;
	for (size_t i = 0; i < n; i++)
		t += bugs[i]->count;
	crashsig_bugs_free(bugs, n);
	return t;
}

static size_t crash_rows(crashsig_store *s, int64_t bug)
{
	crashsig_crash_query q = CRASHSIG_CRASH_QUERY_INIT;
	q.bug = bug;
	crashsig_crash_record **v;
	size_t n;
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	crashsig_crash_records_free(v, n);
	return n;
}

static int want_pg(const char *what)
{
	if (dt_pg_url())
		return 1;
	dt_pg_skip_note(what);
	return 0;
}

#define BOTH(name, what)                                  \
	static void test_##name##_sqlite(void **st)       \
	{                                                 \
		(void)st;                                 \
		name(0);                                  \
	}                                                 \
	static void test_##name##_pg(void **st)           \
	{                                                 \
		(void)st;                                 \
		if (!want_pg(what))                       \
			skip();                           \
		name(1);                                  \
	}

/* Client ids: the second add of an id is a duplicate that changes nothing,
 * even when it says something else; a bad id is refused. */
static void client_ids(int pg)
{
	crashsig_store *s = open_fresh(pg, "ids");
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	crashsig_add_result r;
	c.title = "WARNING in f";
	c.id = "ci-job-17/crash-1";
	c.time = 1000;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	assert_true(r.new_bug);
	assert_string_equal(r.crash_id, "ci-job-17/crash-1");
	int64_t bug = r.bug_id;
	/* a retry, even with another title: the crash is known */
	c.title = "KASAN: use-after-free Read in g";
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_true(r.duplicate);
	assert_false(r.new_bug);
	assert_int_equal(r.bug_id, bug);
	/* a fixed bug: the retry still goes nowhere (no "title (2)") */
	assert_int_equal(crashsig_store_set_status(s, bug, CRASHSIG_BUG_FIXED), 0);
	c.title = "WARNING in f";
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_true(r.duplicate);
	assert_int_equal(r.bug_id, bug);
	assert_int_equal(total_count(s), 1);
	crashsig_bug **bugs;
	size_t n;
	assert_int_equal(crashsig_store_list(s, &bugs, &n), 0);
	assert_int_equal(n, 1);
	crashsig_bugs_free(bugs, n);
	/* bad ids */
	const char *bad[] = {"", "with space", "tab\there", "\x7f"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c.id = bad[i];
		assert_int_equal(crashsig_store_add(s, &c, &r), CRASHSIG_EINVAL);
		assert_non_null(strstr(crashsig_store_error(s), "crash id"));
	}
	char longid[CRASHSIG_CRASH_ID_MAX + 2];
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = 0;
	c.id = longid;
	assert_int_equal(crashsig_store_add(s, &c, &r), CRASHSIG_EINVAL);
	longid[CRASHSIG_CRASH_ID_MAX] = 0;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	crashsig_store_free(s);
}
BOTH(client_ids, "client crash ids")

/* Derived ids: the same source, offset and first line is the same crash;
 * another source, offset, machine or first line is another; later lines do
 * not count. Without a source, ids are random (never a duplicate). */
static void derived_ids(int pg)
{
	crashsig_store *s = open_fresh(pg, "derived");
	const char *rep = "BUG: KASAN: use-after-free in f+0x1/0x2\nRead of size 8\n";
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	crashsig_add_result r, r0;
	c.title = "KASAN: use-after-free Read in f";
	c.report = rep;
	c.report_len = strlen(rep);
	c.source = "/var/log/console.log";
	c.offset = 4096;
	c.time = 1000;
	c.time_source = CRASHSIG_TIME_SOURCE_FILE;
	assert_int_equal(crashsig_store_add(s, &c, &r0), 0);
	assert_false(r0.duplicate);
	assert_int_equal(strlen(r0.crash_id), 32);
	/* more text after the first line, a new file time: the same crash */
	const char *grown = "BUG: KASAN: use-after-free in f+0x1/0x2\nRead of size 8\nCall Trace:\n";
	c.report = grown;
	c.report_len = strlen(grown);
	c.time = 2000;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_true(r.duplicate);
	assert_string_equal(r.crash_id, r0.crash_id);
	/* each of these makes another crash */
	c.offset = 8192;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	c.offset = 4096;
	c.source = "/var/log/other.log";
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	c.machine = "host2";
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	const char *other = "BUG: KASAN: use-after-free in f+0x1/0x3\n";
	c.report = other;
	c.report_len = strlen(other);
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	/* the log's own time tells two boots logged to one name apart */
	c.time_source = CRASHSIG_TIME_SOURCE_LOG;
	c.time = 5000;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	c.time = 5001;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	c.time = 5000;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_true(r.duplicate);
	/* no source: random ids, never a duplicate */
	c.source = NULL;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	char first[CRASHSIG_CRASH_ID_MAX + 1];
	strcpy(first, r.crash_id);
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	assert_string_not_equal(first, r.crash_id);
	assert_int_equal(total_count(s), 9);
	crashsig_store_free(s);
}
BOTH(derived_ids, "derived crash ids")

/* Every crash of a buffer, as crashsig dedup reads a file. */
static size_t add_log(crashsig_store *s, const char *log, size_t len, const char *source,
		      size_t *fresh)
{
	crashsig_report **rs;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, log, len, &rs, &n), 0);
	*fresh = 0;
	for (size_t i = 0; i < n; i++) {
		crashsig_add_result r;
		crashsig_add_options o = CRASHSIG_ADD_OPTIONS_INIT;
		o.source = source;
		o.time = 1700000000;
		o.time_source = CRASHSIG_TIME_SOURCE_FILE;
		assert_int_equal(crashsig_store_add_report_opts(s, ctx, rs[i], &o, &r), 0);
		*fresh += !r.duplicate;
	}
	crashsig_reports_free(rs, n);
	return n;
}

/* A console log being appended to, read again and again: each crash once,
 * also the one at the end that was still being written the first time. */
static void growing_log(int pg)
{
	size_t len = 0;
	char *log = test_read_file(CRASHSIG_SOURCE_DIR "/fixtures/realkernel/uaf_write.log", &len);
	assert_non_null(log);
	/* the second crash starts at 29174 (its first line ends before 29300);
	 * cut inside its call trace, then inside the first crash */
	crashsig_store *s = open_fresh(pg, "growing");
	size_t fresh, n;
	n = add_log(s, log, 23515 + 2000, "console.log", &fresh);
	assert_int_equal(n, 1);
	assert_int_equal(fresh, 1);
	n = add_log(s, log, 29174 + 600, "console.log", &fresh);
	assert_int_equal(n, 2);
	assert_int_equal(fresh, 1); /* only the second crash is new */
	n = add_log(s, log, len, "console.log", &fresh);
	assert_int_equal(n, 2);
	assert_int_equal(fresh, 0); /* the second crash, grown, is the same */
	n = add_log(s, log, len, "console.log", &fresh);
	assert_int_equal(fresh, 0);
	assert_int_equal(total_count(s), 2);
	/* the same log from another source is another log */
	n = add_log(s, log, len, "copy.log", &fresh);
	assert_int_equal(fresh, 2);
	assert_int_equal(total_count(s), 4);
	crashsig_store_free(s);
	free(log);
}
BOTH(growing_log, "a growing log")

/* The record of a crash from a report: its kernel facts, arch, time and
 * its source, texts; and a version 1 crashsig_crash still works. */
static void record(int pg)
{
	size_t len = 0;
	char *log = test_read_file(CRASHSIG_SOURCE_DIR "/fixtures/realkernel/gpf.log", &len);
	assert_non_null(log);
	crashsig_store *s = open_fresh(pg, "record");
	crashsig_report **rs;
	size_t n;
	assert_int_equal(crashsig_parse_buffer(ctx, log, len, &rs, &n), 0);
	assert_int_equal(n, 1);
	crashsig_add_options o = CRASHSIG_ADD_OPTIONS_INIT;
	o.source = "gpf.log";
	o.machine = "debian-vm";
	o.time = 1764600000;
	o.time_nsec = 5;
	o.time_source = CRASHSIG_TIME_SOURCE_FILE;
	const char *excerpt = "[    1.0] boot line\n[    2.0] another\n";
	o.log = excerpt;
	o.log_len = strlen(excerpt);
	crashsig_add_result r;
	assert_int_equal(crashsig_store_add_report_opts(s, ctx, rs[0], &o, &r), 0);
	crashsig_crash_record *c;
	assert_int_equal(crashsig_store_get_crash(s, r.crash_id, &c), 0);
	assert_string_equal(c->id, r.crash_id);
	assert_int_equal(c->bug, r.bug_id);
	assert_string_equal(c->title, "general protection fault in crashgen_gpf");
	assert_int_equal(c->time, 1764600000);
	assert_int_equal(c->time_nsec, 5);
	assert_int_equal(c->time_source, CRASHSIG_TIME_SOURCE_FILE);
	assert_true(c->received > 1764600000);
	assert_string_equal(c->machine, "debian-vm");
	assert_string_equal(c->source, "gpf.log");
	assert_int_equal(c->offset, crashsig_report_start(rs[0]));
	assert_string_equal(c->release, "6.1.0-56-cloud-amd64");
	assert_string_equal(c->arch, "x86_64");
	assert_string_equal(c->taint, "GOE");
	assert_non_null(strstr(c->hardware, "QEMU Standard PC"));
	assert_non_null(c->type);
	assert_non_null(c->signature);
	assert_true(c->kept & CRASHSIG_KEPT_FIRST);
	assert_true(c->kept & CRASHSIG_KEPT_LAST);
	assert_true(c->kept & CRASHSIG_KEPT_RELEASE);
	assert_true(c->kept & CRASHSIG_KEPT_MACHINE);
	size_t tl;
	const char *text = crashsig_report_text(rs[0], &tl);
	assert_int_equal(c->report_len, tl);
	assert_memory_equal(c->report, text, tl);
	assert_string_equal(c->log, excerpt);
	crashsig_crash_record_free(c);
	assert_int_equal(crashsig_store_get_crash(s, "no-such-crash", &c), CRASHSIG_ENOTFOUND);
	assert_null(c);
	/* without a time: received now */
	o.time = 0;
	o.source = "gpf2.log";
	assert_int_equal(crashsig_store_add_report_opts(s, ctx, rs[0], &o, &r), 0);
	assert_int_equal(crashsig_store_get_crash(s, r.crash_id, &c), 0);
	assert_int_equal(c->time_source, CRASHSIG_TIME_SOURCE_RECEIVED);
	assert_true(c->time >= c->received - 5 && c->time <= c->received);
	crashsig_crash_record_free(c);
	/* version 1 crashes: a given time is the client's */
	struct {
		unsigned int version;
		const char *title;
		const char *const *alt_titles;
		size_t nalt_titles;
		int corrupted, suppressed;
		const char *signature;
		int64_t time;
		const char *source, *report;
		size_t report_len;
		int no_stack_kind;
	} v1 = {1, "WARNING in v1", NULL, 0, 0, 0, NULL, 1234, NULL, NULL, 0, 0};
	assert_int_equal(crashsig_store_add(s, (const crashsig_crash *)(const void *)&v1, &r), 0);
	assert_int_equal(crashsig_store_get_crash(s, r.crash_id, &c), 0);
	assert_int_equal(c->time, 1234);
	assert_int_equal(c->time_source, CRASHSIG_TIME_SOURCE_CLIENT);
	assert_null(c->machine);
	assert_null(c->release);
	assert_null(c->report);
	crashsig_crash_record_free(c);
	crashsig_reports_free(rs, n);
	crashsig_store_free(s);
	free(log);
}
BOTH(record, "crash records")

/* The log excerpt keeps its last log_max bytes from a line start; the
 * report its first CRASHSIG_REPORT_MAX bytes. */
static void texts_bounded(int pg)
{
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	so.log_max = 100;
	crashsig_store *s = open_opts(pg, "bounded", &so);
	char log[400];
	size_t o = 0;
	for (int i = 0; o + 20 < sizeof(log); i++)
		o += (size_t)snprintf(log + o, sizeof(log) - o, "line %04d xxxxxxxx\n", i);
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	c.title = "WARNING in big";
	c.id = "big-1";
	c.log = log;
	c.log_len = o;
	size_t rl = CRASHSIG_REPORT_MAX + 5000;
	char *rep = malloc(rl);
	assert_non_null(rep);
	for (size_t i = 0; i < rl; i++)
		rep[i] = i % 50 == 49 ? '\n' : 'r';
	c.report = rep;
	c.report_len = rl;
	crashsig_add_result r;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	crashsig_crash_record *rec;
	assert_int_equal(crashsig_store_get_crash(s, "big-1", &rec), 0);
	assert_true(rec->log_len <= 100);
	assert_true(rec->log_len > 60);
	assert_memory_equal(rec->log, log + o - rec->log_len, rec->log_len);
	assert_memory_equal(rec->log, "line ", 5); /* from a line start */
	assert_true(rec->report_len <= CRASHSIG_REPORT_MAX);
	assert_true(rec->report_len > CRASHSIG_REPORT_MAX - 50);
	assert_int_equal(rec->report[rec->report_len - 1], '\n');
	crashsig_crash_record_free(rec);
	free(rep);
	crashsig_store_free(s);
}
BOTH(texts_bounded, "bounded texts")

/* Retention with keep_per_bug 3 and keep_every 4: texts of the first 3, of
 * every 4th, of the last one received and of the first of each release and
 * machine; the rows (and counts) of all. Batched and one by one alike. */
static void retention(int pg, unsigned batch)
{
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	so.keep_per_bug = 3;
	so.keep_every = 4;
	so.batch = batch;
	crashsig_store *s = open_opts(pg, batch > 1 ? "retention_b" : "retention", &so);
	int64_t bug = 0;
	for (int i = 1; i <= 13; i++) {
		crashsig_crash c = CRASHSIG_CRASH_INIT;
		char id[16], rep[64];
		snprintf(id, sizeof(id), "r%d", i);
		snprintf(rep, sizeof(rep), "WARNING: crash number %d\n", i);
		c.title = "WARNING in kept";
		c.id = id;
		c.report = rep;
		c.report_len = strlen(rep);
		c.time = 1000 + i;
		c.release = i == 9 ? "6.2.0" : "6.1.0";
		c.machine = i == 11 ? "other" : "main";
		crashsig_add_result r;
		assert_int_equal(crashsig_store_add(s, &c, &r), 0);
		bug = r.bug_id;
		if (i == 6) { /* the latest of a committed batch is "last" now */
			assert_int_equal(crashsig_store_flush(s), 0);
		}
	}
	assert_int_equal(crashsig_store_flush(s), 0);
	crashsig_crash_query q = CRASHSIG_CRASH_QUERY_INIT;
	q.bug = bug;
	q.flags = CRASHSIG_CRASHES_TEXT;
	crashsig_crash_record **v;
	size_t n;
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 13);
	static const unsigned want[14] = {
		0,
		CRASHSIG_KEPT_FIRST | CRASHSIG_KEPT_RELEASE | CRASHSIG_KEPT_MACHINE,
		CRASHSIG_KEPT_FIRST,
		CRASHSIG_KEPT_FIRST,
		CRASHSIG_KEPT_SAMPLE,
		0,
		0, /* was the last until 7 arrived */
		0,
		CRASHSIG_KEPT_SAMPLE,
		CRASHSIG_KEPT_RELEASE,
		0,
		CRASHSIG_KEPT_MACHINE,
		CRASHSIG_KEPT_SAMPLE,
		CRASHSIG_KEPT_LAST,
	};
	for (size_t i = 0; i < n; i++) {
		int num = (int)i + 1;
		if (v[i]->kept != want[num])
			printf("crash %d: kept 0x%x, want 0x%x\n", num, v[i]->kept, want[num]);
		assert_int_equal(v[i]->kept, want[num]);
		/* texts exactly for the kept ones */
		assert_int_equal(v[i]->report != NULL, want[num] != 0);
		if (v[i]->report) {
			char rep[64];
			snprintf(rep, sizeof(rep), "WARNING: crash number %d\n", num);
			assert_string_equal(v[i]->report, rep);
		}
	}
	crashsig_crash_records_free(v, n);
	/* counts never go down */
	crashsig_bug *b;
	assert_int_equal(crashsig_store_get(s, bug, &b), 0);
	assert_int_equal(b->count, 13);
	assert_int_equal(b->first_seen, 1001);
	assert_int_equal(b->last_seen, 1013);
	crashsig_bug_free(b);
	q.flags = CRASHSIG_CRASHES_KEPT;
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 9); /* 1-4, 8, 9, 11, 12, 13 */
	crashsig_crash_records_free(v, n);
	crashsig_store_free(s);
}
static void test_retention_sqlite(void **st)
{
	(void)st;
	retention(0, 1);
	retention(0, 5);
}
static void test_retention_pg(void **st)
{
	(void)st;
	if (!want_pg("retention"))
		skip();
	retention(1, 1);
	retention(1, 5);
}

/* CRASHSIG_KEEP_ALL keeps every text; and a crash without texts is kept
 * (its row) all the same. */
static void test_keep_all(void **st)
{
	(void)st;
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	so.keep_per_bug = CRASHSIG_KEEP_ALL;
	crashsig_store *s = open_opts(0, "keepall", &so);
	int64_t bug = 0;
	for (int i = 0; i < 60; i++) {
		crashsig_crash c = CRASHSIG_CRASH_INIT;
		c.title = "WARNING in all";
		c.report = "WARNING: x\n";
		c.report_len = 11;
		crashsig_add_result r;
		assert_int_equal(crashsig_store_add(s, &c, &r), 0);
		bug = r.bug_id;
	}
	crashsig_crash_query q = CRASHSIG_CRASH_QUERY_INIT;
	q.bug = bug;
	q.flags = CRASHSIG_CRASHES_KEPT;
	crashsig_crash_record **v;
	size_t n;
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 60);
	crashsig_crash_records_free(v, n);
	assert_int_equal(crash_rows(s, bug), 60);
	crashsig_store_free(s);
}

/* A rolled-back batch leaves nothing: no crash, no bug, no count, no id
 * (the same crash added again is new), and what was committed before
 * stays. */
static void rollback(int pg)
{
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	so.batch = 100;
	crashsig_store *s = open_opts(pg, "rollback", &so);
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	crashsig_add_result r;
	c.title = "WARNING in kept";
	c.id = "kept-1";
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_int_equal(crashsig_store_flush(s), 0);
	c.title = "WARNING in dropped";
	c.id = "dropped-1";
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_true(r.new_bug);
	c.title = "WARNING in kept";
	c.id = "kept-2";
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_int_equal(total_count(s), 3); /* the batch sees itself */
	assert_int_equal(crashsig_store_rollback(s), 0);
	assert_int_equal(total_count(s), 1);
	crashsig_bug **bugs;
	size_t n;
	assert_int_equal(crashsig_store_list(s, &bugs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(bugs[0]->title, "WARNING in kept");
	crashsig_bugs_free(bugs, n);
	crashsig_crash_record *rec = NULL;
	assert_int_equal(crashsig_store_get_crash(s, "dropped-1", &rec), CRASHSIG_ENOTFOUND);
	crashsig_crash_record_free(rec);
	/* nothing pending: a no-op */
	assert_int_equal(crashsig_store_rollback(s), 0);
	/* the same crashes again are new, and stay once committed */
	c.title = "WARNING in dropped";
	c.id = "dropped-1";
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	assert_true(r.new_bug);
	assert_int_equal(crashsig_store_flush(s), 0);
	assert_int_equal(total_count(s), 2);
	crashsig_store_free(s);
	assert_int_equal(crashsig_store_rollback(NULL), CRASHSIG_EINVAL);
}
BOTH(rollback, "rolled-back batches")

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_ids_sqlite),
		cmocka_unit_test(test_client_ids_pg),
		cmocka_unit_test(test_derived_ids_sqlite),
		cmocka_unit_test(test_derived_ids_pg),
		cmocka_unit_test(test_growing_log_sqlite),
		cmocka_unit_test(test_growing_log_pg),
		cmocka_unit_test(test_record_sqlite),
		cmocka_unit_test(test_record_pg),
		cmocka_unit_test(test_texts_bounded_sqlite),
		cmocka_unit_test(test_texts_bounded_pg),
		cmocka_unit_test(test_retention_sqlite),
		cmocka_unit_test(test_retention_pg),
		cmocka_unit_test(test_keep_all),
		cmocka_unit_test(test_rollback_sqlite),
		cmocka_unit_test(test_rollback_pg),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
