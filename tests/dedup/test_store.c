/* The bug store: the dashboard's grouping rules (including the arrival-order
 * priority rule), closed bugs and "title (2)", corrupted/suppressed bins,
 * persistence across opens, schema migration, errors; on SQLite, and on
 * PostgreSQL when CRASHSIG_TEST_PG names a server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <dlfcn.h>
#include <math.h>
#include <sqlite3.h>

#include "dedup_testutil.h"

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

static crashsig_store *open_fresh(int pg, const char *name, unsigned flags)
{
	char *url = dt_fresh_url(pg, tmp, name);
	assert_non_null(url);
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	o.flags = flags;
	crashsig_store *s = NULL;
	int rc = crashsig_store_open(&s, url, &o);
	if (rc)
		fprintf(stderr, "%s: %s\n", url, crashsig_store_error(s));
	assert_int_equal(rc, 0);
	free(url);
	return s;
}

/* Add a crash "title|alt1|alt2" and return its bug id. */
static int64_t add(crashsig_store *s, const char *spec)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", spec);
	const char *alts[8];
	size_t n = 0;
	char *save, *t = strtok_r(buf, "|", &save), *a;
	while ((a = strtok_r(NULL, "|", &save)) && n < 8)
		alts[n++] = a;
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	c.title = t;
	c.alt_titles = alts;
	c.nalt_titles = n;
	c.time = 1000;
	crashsig_add_result r;
	int rc = crashsig_store_add(s, &c, &r);
	if (rc)
		fprintf(stderr, "%s\n", crashsig_store_error(s));
	assert_int_equal(rc, 0);
	assert_true(r.bug_id > 0);
	return r.bug_id;
}

static int want_pg(const char *what)
{
	if (dt_pg_url())
		return 1;
	dt_pg_skip_note(what);
	return 0;
}

/* The priority rule of findBugForCrash: among candidate bugs found through
 * alternative titles, one whose alternative titles (past its own title)
 * contain the crash's title wins over one that only shares an alternative
 * title, even when the latter sorts first. And arrival order matters: the
 * same crashes in another order group differently, as on the dashboard. */
static void priority(int pg)
{
	crashsig_store *s = open_fresh(pg, "prio1", 0);
	int64_t a = add(s, "A in f|Y");
	int64_t c = add(s, "C in f|N in f");
	assert_int_not_equal(a, c);
	/* titles [N in f, Y]: bug A shares Y (priority 0) and sorts first; bug
	 * C has "N in f" among its alternative titles (priority 1). */
	assert_int_equal(add(s, "N in f|Y"), c);
	crashsig_store_free(s);

	/* The other order: N arrives before C exists, joins A; C then finds A
	 * through N (A's alternative titles now hold it). */
	s = open_fresh(pg, "prio2", 0);
	a = add(s, "A in f|Y");
	assert_int_equal(add(s, "N in f|Y"), a);
	assert_int_equal(add(s, "C in f|N in f"), a);
	crashsig_bug *b = NULL;
	assert_int_equal(crashsig_store_get(s, a, &b), 0);
	assert_int_equal(b->count, 3);
	assert_int_equal(b->nmerged_titles, 2); /* N in f, C in f */
	assert_string_equal(b->alt_titles[0], "A in f");
	crashsig_bug_free(b);
	crashsig_store_free(s);
}

static void test_priority_sqlite(void **st) { (void)st; priority(0); }
static void test_priority_pg(void **st)
{
	(void)st;
	if (!want_pg("the priority rule"))
		skip();
	priority(1);
}

/* Order of findBugForCrash: merged titles, then bug titles, then alt
 * titles; a closed bug attracts nothing and the next crash opens "(2)". */
static void rules(int pg)
{
	crashsig_store *s = open_fresh(pg, "rules", 0);
	int64_t b1 = add(s, "KASAN: use-after-free Read in f|bad-access in f");
	/* joins through the shared alternative title */
	assert_int_equal(add(s, "KASAN: use-after-free Write in f|bad-access in f"), b1);
	/* a different bug */
	int64_t b2 = add(s, "WARNING in g");
	assert_int_not_equal(b1, b2);
	/* a crash whose alternative title is a bug's title joins it */
	assert_int_equal(add(s, "BUG: something in g|WARNING in g"), b2);
	/* merged titles win from now on */
	assert_int_equal(add(s, "BUG: something in g"), b2);

	crashsig_bug *b = NULL;
	assert_int_equal(crashsig_store_lookup(s, "KASAN: use-after-free Write in f", NULL, 0, &b), 0);
	assert_int_equal(b->id, b1);
	assert_string_equal(b->title, "KASAN: use-after-free Read in f");
	crashsig_bug_free(b);

	/* closing */
	assert_int_equal(crashsig_store_set_status(s, b2, CRASHSIG_BUG_FIXED), 0);
	int64_t b3 = add(s, "WARNING in g");
	assert_int_not_equal(b3, b2);
	assert_int_equal(crashsig_store_get(s, b3, &b), 0);
	assert_string_equal(b->title, "WARNING in g (2)");
	assert_string_equal(b->base_title, "WARNING in g");
	assert_int_equal(b->seq, 1);
	assert_int_equal(b->count, 1);
	crashsig_bug_free(b);
	/* the merged title of the fixed bug does not lead back to it */
	assert_int_not_equal(add(s, "BUG: something in g"), b2);
	assert_int_equal(crashsig_store_set_status(s, b3, CRASHSIG_BUG_CLOSED), 0);
	int64_t b4 = add(s, "WARNING in g");
	assert_int_equal(crashsig_store_get(s, b4, &b), 0);
	assert_string_equal(b->title, "WARNING in g (3)");
	crashsig_bug_free(b);
	assert_int_equal(crashsig_store_set_status(s, 99999, CRASHSIG_BUG_FIXED),
			 CRASHSIG_ENOTFOUND);
	assert_true(strstr(crashsig_store_error(s), "99999") != NULL);
	assert_int_equal(crashsig_store_lookup(s, "never seen", NULL, 0, &b), CRASHSIG_ENOTFOUND);
	assert_null(b);

	/* corrupted and suppressed reports: one bin each */
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	crashsig_add_result r1, r2, r3;
	c.title = "KASAN: use-after-free Read in corrupted";
	c.corrupted = 1;
	assert_int_equal(crashsig_store_add(s, &c, &r1), 0);
	c.title = "WARNING in corrupted";
	assert_int_equal(crashsig_store_add(s, &c, &r2), 0);
	assert_int_equal(r1.bug_id, r2.bug_id);
	c.corrupted = 0;
	c.suppressed = 1;
	c.title = "INFO: lockdep is turned off";
	assert_int_equal(crashsig_store_add(s, &c, &r3), 0);
	assert_int_not_equal(r3.bug_id, r1.bug_id);
	assert_int_equal(crashsig_store_get(s, r1.bug_id, &b), 0);
	assert_string_equal(b->title, CRASHSIG_CORRUPTED_TITLE);
	assert_int_equal(b->count, 2);
	crashsig_bug_free(b);
	assert_int_equal(crashsig_store_get(s, r3.bug_id, &b), 0);
	assert_string_equal(b->title, CRASHSIG_SUPPRESSED_TITLE);
	crashsig_bug_free(b);
	crashsig_store_free(s);
}

static void test_rules_sqlite(void **st) { (void)st; rules(0); }
static void test_rules_pg(void **st)
{
	(void)st;
	if (!want_pg("the grouping rules"))
		skip();
	rules(1);
}

/* Running again adds to the same store: counts and last seen grow. */
static void test_persistence(void **st)
{
	(void)st;
	char url[512];
	snprintf(url, sizeof(url), "%s/persist.db", tmp); /* a plain path */
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	o.batch = 100;
	crashsig_store *s = NULL;
	assert_int_equal(crashsig_store_open(&s, url, &o), 0);
	assert_string_equal(crashsig_store_backend(s), "sqlite");
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	c.title = "WARNING in h";
	c.time = 100;
	crashsig_add_result r;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_true(r.new_bug);
	crashsig_store_free(s); /* commits the partial batch */
	assert_int_equal(crashsig_store_open(&s, url, &o), 0);
	c.time = 50;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.new_bug);
	c.time = 300;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_int_equal(crashsig_store_flush(s), 0);
	crashsig_bug **bugs;
	size_t n;
	assert_int_equal(crashsig_store_list(s, &bugs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(bugs[0]->count, 3);
	assert_int_equal(bugs[0]->first_seen, 50);
	assert_int_equal(bugs[0]->last_seen, 300);
	crashsig_bugs_free(bugs, n);
	crashsig_store_free(s);
}

/* A version 1 store (as the first release wrote it) is migrated. */
static void test_migration(void **st)
{
	(void)st;
	char path[512];
	snprintf(path, sizeof(path), "%s/v1.db", tmp);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	const char *v1 =
		"CREATE TABLE crashsig_schema (version INTEGER NOT NULL);"
		"INSERT INTO crashsig_schema VALUES (1);"
		"CREATE TABLE bugs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, seq INTEGER NOT NULL,"
		" status INTEGER NOT NULL DEFAULT 0, count BIGINT NOT NULL DEFAULT 0,"
		" first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, signature TEXT, report BLOB,"
		" report_source TEXT, similar_to BIGINT, similar_distance REAL,"
		" no_stack INTEGER NOT NULL DEFAULT 0, UNIQUE (title, seq));"
		"CREATE TABLE bug_titles (bug_id BIGINT NOT NULL REFERENCES bugs(id), kind INTEGER NOT NULL,"
		" title TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (bug_id, kind, title));"
		"CREATE INDEX bug_titles_by_title ON bug_titles (title, kind);"
		"CREATE TABLE crashes (id INTEGER PRIMARY KEY, bug_id BIGINT NOT NULL REFERENCES bugs(id),"
		" time BIGINT NOT NULL, title TEXT NOT NULL, source TEXT);"
		"CREATE TABLE crashsig_state (generation BIGINT NOT NULL);"
		"INSERT INTO crashsig_state VALUES (0);"
		"INSERT INTO bugs (title, seq, count, first_seen, last_seen, report) VALUES"
		" ('WARNING in old', 0, 7, 1, 2, 'the old report');"
		"INSERT INTO bug_titles VALUES (1, 0, 'WARNING in old', 0);"
		"INSERT INTO bug_titles VALUES (1, 1, 'WARNING in old', 0);"
		"INSERT INTO crashes (bug_id, time, title, source) VALUES (1, 2, 'WARNING in old', 'old.log');";
	assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	crashsig_store *s = NULL;
	assert_int_equal(crashsig_store_open(&s, path, NULL), 0);
	assert_int_equal(crashsig_store_schema_version(s), CRASHSIG_STORE_SCHEMA_VERSION);
	assert_int_equal(add(s, "WARNING in old"), 1);
	crashsig_bug *b;
	assert_int_equal(crashsig_store_get(s, 1, &b), 0);
	assert_int_equal(b->count, 8);
	/* version 4: the report moved to bug_reports; machines' totals and
	 * facets were made from the crashes (neither has a machine) */
	assert_non_null(b->report);
	assert_int_equal(b->report_len, strlen("the old report"));
	assert_memory_equal(b->report, "the old report", b->report_len);
	assert_int_equal(b->machines, 0);
	crashsig_bug_free(b);
	crashsig_count *mc;
	size_t nmc;
	assert_int_equal(crashsig_store_count(s, NULL, CRASHSIG_COUNT_BY_MACHINE, &mc, &nmc), 0);
	assert_int_equal(nmc, 1);
	assert_string_equal(mc[0].key, "");
	assert_int_equal(mc[0].count, 2);
	assert_int_equal(mc[0].first, 2);
	assert_int_equal(mc[0].last, 1000);
	crashsig_counts_free(mc, nmc);
	crashsig_bug_query oq = CRASHSIG_BUG_QUERY_INIT;
	oq.machine = "";
	oq.flags = CRASHSIG_QUERY_ONLY_MACHINE;
	crashsig_bug **ob;
	size_t nob;
	assert_int_equal(crashsig_store_query(s, &oq, &ob, &nob), 0);
	assert_int_equal(nob, 1); /* seen only without a machine */
	crashsig_bugs_free(ob, nob);
	/* the old crash row got an id, and keeps what it had */
	crashsig_crash_record *c;
	assert_int_equal(crashsig_store_get_crash(s, "v2-1", &c), 0);
	assert_int_equal(c->bug, 1);
	assert_int_equal(c->time, 2);
	assert_int_equal(c->time_source, CRASHSIG_TIME_SOURCE_CLIENT);
	assert_string_equal(c->source, "old.log");
	assert_int_equal(c->kept, 0);
	assert_null(c->report);
	crashsig_crash_record_free(c);
	crashsig_store_free(s);
	/* a newer store than this library knows is refused */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE crashsig_schema SET version = 99", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(crashsig_store_open(&s, path, NULL), CRASHSIG_EUNSUPPORTED);
	assert_true(strstr(crashsig_store_error(s), "99") != NULL);
	crashsig_store_free(s);
}

static void test_open_errors(void **st)
{
	(void)st;
	crashsig_store *s = NULL;
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	o.flags = CRASHSIG_STORE_NO_CREATE;
	assert_int_not_equal(crashsig_store_open(&s, "sqlite:/nonexistent/dir/x.db", &o), 0);
	assert_true(strlen(crashsig_store_error(s)) > 0);
	crashsig_store_free(s);
	s = NULL;
	assert_int_not_equal(crashsig_store_open(&s, "postgresql://127.0.0.1:1/none?connect_timeout=2", NULL), 0);
	assert_true(strstr(crashsig_store_error(s), "postgresql") != NULL);
	crashsig_store_free(s);
	crashsig_store_free(NULL);
	crashsig_bug_free(NULL);
	crashsig_bugs_free(NULL, 0);
}

/* libpq is loaded at run time, only for a PostgreSQL URL: without it the
 * error names the library and how to get it; an SQLite store never loads
 * it. */
static void test_libpq_dlopen(void **st)
{
	(void)st;
	/* (the first test of this program: nothing has loaded libpq yet) */
	crashsig_store *s = open_fresh(0, "nopq", 0);
	crashsig_store_free(s);
	assert_null(dlopen("libpq.so.5", RTLD_NOW | RTLD_NOLOAD));
	cs_db *db = NULL;
	cs_err err = {0};
	int rc = cs_db_open_with(&db, "postgresql://127.0.0.1:1/none", 0, 0,
				 "libpq-not-installed.so.5", &err);
	assert_int_equal(rc, CRASHSIG_EUNSUPPORTED);
	assert_null(db);
	assert_non_null(strstr(err.msg, "cannot load libpq-not-installed.so.5"));
	assert_non_null(strstr(err.msg, "libpq5"));
	/* with it, the connection error is libpq's */
	rc = cs_db_open(&db, "postgresql://127.0.0.1:1/none?connect_timeout=2", 0, 0, &err);
	assert_int_equal(rc, CRASHSIG_EDB);
	assert_null(db);
	assert_non_null(strstr(err.msg, "postgresql: "));
	assert_non_null(dlopen("libpq.so.5", RTLD_NOW | RTLD_NOLOAD));
}

/* Schema versions crashsig never wrote are refused with a message, never
 * migrated from (F1: -1 and -30 crashed; F14: 0 or 'abc' gave "table bugs
 * already exists"); a version row missing while the tables exist too. */
static void bad_versions(int pg)
{
	static const char *const versions[] = {"-1", "-30", "-100000000", "0", "'abc'", NULL};
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		if (pg && versions[i] && versions[i][0] == '\'')
			continue; /* an INTEGER column holds no text on PostgreSQL */
		char name[32];
		snprintf(name, sizeof(name), "badver%zu", i);
		char *url = dt_fresh_url(pg, tmp, name);
		assert_non_null(url);
		crashsig_store *s = NULL;
		assert_int_equal(crashsig_store_open(&s, url, NULL), 0);
		crashsig_store_free(s);
		cs_db *db = NULL;
		cs_err err = {{0}};
		assert_int_equal(cs_db_open(&db, pg ? url : url + 7, 0, 0, &err), 0);
		char sql[128];
		if (versions[i])
			snprintf(sql, sizeof(sql), "UPDATE crashsig_schema SET version = %s", versions[i]);
		else
			snprintf(sql, sizeof(sql), "DELETE FROM crashsig_schema");
		assert_int_equal(cs_db_exec(db, sql), 0);
		cs_db_close(db);
		s = NULL;
		int rc = crashsig_store_open(&s, url, NULL);
		printf("version %s: %s\n", versions[i] ? versions[i] : "(none)",
		       crashsig_store_error(s));
		assert_int_equal(rc, CRASHSIG_EUNSUPPORTED);
		const char *m = crashsig_store_error(s);
		assert_non_null(strstr(m, "not one crashsig writes"));
		if (versions[i])
			assert_non_null(strstr(m, versions[i]));
		else
			assert_non_null(strstr(m, "missing"));
		crashsig_store_free(s);
		/* and the store is left as it was: still refused */
		s = NULL;
		assert_int_equal(crashsig_store_open(&s, url, NULL), CRASHSIG_EUNSUPPORTED);
		crashsig_store_free(s);
		free(url);
	}
}
static void test_bad_versions_sqlite(void **st) { (void)st; bad_versions(0); }
static void test_bad_versions_pg(void **st)
{
	(void)st;
	if (!want_pg("bad schema versions"))
		skip();
	bad_versions(1);
}

/* CRASHSIG_STORE_NO_CREATE (read-only front ends): no database, no tables
 * are created (F6). */
static void no_create(int pg)
{
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	o.flags = CRASHSIG_STORE_NO_CREATE;
	crashsig_store *s = NULL;
	char *url = dt_fresh_url(pg, tmp, "nocreate");
	assert_non_null(url);
	int rc = crashsig_store_open(&s, url, &o);
	assert_true(rc == CRASHSIG_ENOTFOUND || rc == CRASHSIG_EIO);
	assert_non_null(strstr(crashsig_store_error(s), pg ? "no crashsig store" : "nocreate.db"));
	crashsig_store_free(s);
	if (!pg) {
		assert_int_not_equal(access(url + 7, F_OK), 0); /* no file */
	} else {
		cs_db *db = NULL;
		cs_err err = {{0}};
		int exists = 1;
		assert_int_equal(cs_db_open(&db, url, 0, 0, &err), 0);
		assert_int_equal(cs_db_table_exists(db, "crashsig_schema", &exists), 0);
		assert_false(exists);
		cs_db_close(db);
	}
	/* once created, it opens */
	s = NULL;
	assert_int_equal(crashsig_store_open(&s, url, NULL), 0);
	crashsig_store_free(s);
	s = NULL;
	assert_int_equal(crashsig_store_open(&s, url, &o), 0);
	crashsig_store_free(s);
	free(url);
}
static void test_no_create_sqlite(void **st) { (void)st; no_create(0); }
static void test_no_create_pg(void **st)
{
	(void)st;
	if (!want_pg("opening without creating"))
		skip();
	no_create(1);
}

/* URLs as shown in messages: no password (F11). */
static void test_url_redact(void **st)
{
	(void)st;
	static const char *const cases[][2] = {
		{"postgresql://user:hunter2@db.example/crashes", "postgresql://user:***@db.example/crashes"},
		{"postgres://u:p%40ss@h:5432/db?sslmode=require", "postgres://u:***@h:5432/db?sslmode=require"},
		{"postgresql://ci@db/c?password=hunter2&sslmode=require",
		 "postgresql://ci@db/c?password=***&sslmode=require"},
		{"postgresql://ci:a@b@db/c?host=/run&password=x", "postgresql://ci:***@db/c?host=/run&password=***"},
		{"postgresql:///crashsig?host=/run/postgresql", "postgresql:///crashsig?host=/run/postgresql"},
		{"postgresql://db/c?mypassword=1", "postgresql://db/c?mypassword=1"},
		{"sqlite:/tmp/user:pw@x.db", "sqlite:/tmp/user:pw@x.db"},
		{"bugs.db", "bugs.db"},
	};
	char buf[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = crashsig_store_url_redact(cases[i][0], buf, sizeof(buf));
		assert_string_equal(buf, cases[i][1]);
		assert_int_equal(n, strlen(cases[i][1]));
	}
	/* a short buffer: cut, NUL terminated, the whole length returned */
	char small[12];
	size_t n = crashsig_store_url_redact(cases[0][0], small, sizeof(small));
	assert_int_equal(n, strlen(cases[0][1]));
	assert_string_equal(small, "postgresql:");
	assert_int_equal(crashsig_store_url_redact(NULL, buf, sizeof(buf)), 0);
	/* a failed open names the store without its password */
	crashsig_store *s = NULL;
	assert_int_not_equal(crashsig_store_open(&s, "postgresql://u:hunter2@127.0.0.1:1/none?connect_timeout=2", NULL), 0);
	assert_null(strstr(crashsig_store_error(s), "hunter2"));
	assert_non_null(strstr(crashsig_store_error(s), "postgresql://u:***@127.0.0.1:1/none"));
	crashsig_store_free(s);
}

/* Similarity thresholds outside (0, 1] are refused (F7: NaN was taken). */
static void test_bad_threshold(void **st)
{
	(void)st;
	const double bad[] = {NAN, -0.5, 1.5, INFINITY};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
		o.similarity_threshold = bad[i];
		char url[512];
		snprintf(url, sizeof(url), "sqlite:%s/th.db", tmp);
		crashsig_store *s = NULL;
		assert_int_equal(crashsig_store_open(&s, url, &o), CRASHSIG_EINVAL);
		assert_non_null(strstr(crashsig_store_error(s), "threshold"));
		crashsig_store_free(s);
	}
}

/* The PostgreSQL server ends the connection in the middle of an ingest
 * (F12): every failure after that has a message, and nothing half done is
 * committed. */
static void test_connection_lost_pg(void **st)
{
	(void)st;
	if (!want_pg("a lost connection"))
		skip();
	char *base = dt_fresh_url(1, tmp, "lost");
	assert_non_null(base);
	char url[4200];
	snprintf(url, sizeof(url), "%s&application_name=crashsig_lost", base);
	crashsig_store_options o = CRASHSIG_STORE_OPTIONS_INIT;
	o.batch = 10;
	crashsig_store *s = NULL;
	assert_int_equal(crashsig_store_open(&s, url, &o), 0);
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	c.title = "WARNING in lost";
	for (int i = 0; i < 15; i++)
		assert_int_equal(crashsig_store_add(s, &c, NULL), 0); /* 10 committed */
	cs_db *db = NULL;
	cs_err err = {{0}};
	assert_int_equal(cs_db_open(&db, dt_pg_url(), 0, 0, &err), 0);
	assert_int_equal(cs_db_exec(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
					" WHERE application_name = 'crashsig_lost'"),
			 0);
	cs_db_close(db);
	int rc = 0;
	for (int i = 0; i < 20 && !rc; i++)
		rc = crashsig_store_add(s, &c, NULL);
	assert_int_not_equal(rc, 0);
	printf("after the server ended the connection: %s\n", crashsig_store_error(s));
	assert_true(strlen(crashsig_store_error(s)) > strlen("postgresql: "));
	assert_int_equal(crashsig_store_flush(s), 0); /* the failed batch was rolled back */
	crashsig_bug **bugs;
	size_t n;
	assert_int_not_equal(crashsig_store_list(s, &bugs, &n), 0);
	assert_true(strlen(crashsig_store_error(s)) > strlen("postgresql: "));
	crashsig_store_free(s);
	/* what was committed is there, consistent */
	s = NULL;
	assert_int_equal(crashsig_store_open(&s, base, NULL), 0);
	assert_int_equal(crashsig_store_list(s, &bugs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(bugs[0]->count, 10);
	crashsig_bugs_free(bugs, n);
	crashsig_store_free(s);
	free(base);
}

/* Titles are trimmed and made valid UTF-8 the same way on every backend. */
static void test_title_normalization(void **st)
{
	(void)st;
	crashsig_store *s = open_fresh(0, "norm", 0);
	int64_t a = add(s, "  WARNING in x  ");
	assert_int_equal(add(s, "WARNING in x"), a);
	int64_t b = add(s, "WARNING in \xff\xfe bad");
	crashsig_bug *bug;
	assert_int_equal(crashsig_store_get(s, b, &bug), 0);
	assert_string_equal(bug->title, "WARNING in ?? bad");
	crashsig_bug_free(bug);
	/* the dashboard keeps 200 bytes of a title (maxTextLen) */
	char longt[320];
	memset(longt, 'x', sizeof(longt) - 1);
	memcpy(longt, "WARNING in ", 11);
	longt[sizeof(longt) - 1] = 0;
	int64_t l = add(s, longt);
	assert_int_equal(crashsig_store_get(s, l, &bug), 0);
	assert_int_equal(strlen(bug->title), 200);
	crashsig_bug_free(bug);
	crashsig_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libpq_dlopen),
		cmocka_unit_test(test_priority_sqlite),
		cmocka_unit_test(test_priority_pg),
		cmocka_unit_test(test_rules_sqlite),
		cmocka_unit_test(test_rules_pg),
		cmocka_unit_test(test_persistence),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_bad_versions_sqlite),
		cmocka_unit_test(test_bad_versions_pg),
		cmocka_unit_test(test_no_create_sqlite),
		cmocka_unit_test(test_no_create_pg),
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_bad_threshold),
		cmocka_unit_test(test_connection_lost_pg),
		cmocka_unit_test(test_title_normalization),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
