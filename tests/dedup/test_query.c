/* Reading the bug store back: bug queries (status, title regex, time range,
 * machine, release, only-machine; sorts and limits), crash lists (filters,
 * paging both ways), counts (per bug, day, hour, machine, release, arch,
 * type) and the life cycle: fixed / invalid / dup-of with their history;
 * on SQLite, and on PostgreSQL when CRASHSIG_TEST_PG names a server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

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

static crashsig_store *open_fresh(int pg, const char *name)
{
	char *url = dt_fresh_url(pg, tmp, name);
	assert_non_null(url);
	crashsig_store *s = NULL;
	int rc = crashsig_store_open(&s, url, NULL);
	if (rc)
		fprintf(stderr, "%s: %s\n", url, crashsig_store_error(s));
	assert_int_equal(rc, 0);
	free(url);
	return s;
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

#define DAY 86400
#define T0 1764547200 /* 2025-12-01 00:00:00 UTC */

static int64_t add(crashsig_store *s, const char *title, const char *alt, int64_t time,
		   const char *machine, const char *release, const char *type, int corrupted)
{
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	const char *alts[1] = {alt};
	c.title = title;
	c.alt_titles = alt ? alts : NULL;
	c.nalt_titles = alt ? 1 : 0;
	c.time = time;
	c.time_source = CRASHSIG_TIME_SOURCE_LOG;
	c.machine = machine;
	c.release = release;
	c.type = type;
	c.corrupted = corrupted;
	c.arch = "x86_64";
	crashsig_add_result r;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	assert_false(r.duplicate);
	return r.bug_id;
}

typedef struct world {
	int64_t a, b, c, bin;
} world;

/* Bug a: 3 crashes on m1 (days 0, 1, 2), release 6.1; bug b: 2 crashes on
 * m1 and m2 (day 1), 6.2; bug c: 1 crash on m2 (day 5), 6.2; 2 corrupted
 * reports on m2 (day 5). */
static world populate(crashsig_store *s)
{
	world w;
	w.a = add(s, "KASAN: use-after-free Read in alpha", "bad-access in alpha", T0, "m1", "6.1", "KASAN-READ", 0);
	add(s, "KASAN: use-after-free Read in alpha", NULL, T0 + DAY + 10, "m1", "6.1", "KASAN-READ", 0);
	add(s, "KASAN: use-after-free Write in alpha", "bad-access in alpha", T0 + 2 * DAY, "m1", "6.1", "KASAN-WRITE", 0);
	w.b = add(s, "WARNING in beta", NULL, T0 + DAY + 3600, "m1", "6.2", "WARNING", 0);
	add(s, "WARNING in beta", NULL, T0 + DAY + 7300, "m2", "6.2", "WARNING", 0);
	w.c = add(s, "general protection fault in gamma", NULL, T0 + 5 * DAY, "m2", "6.2", "DoS", 0);
	w.bin = add(s, "garbage", NULL, T0 + 5 * DAY + 1, "m2", NULL, NULL, 1);
	add(s, "garbage 2", NULL, T0 + 5 * DAY + 2, "m2", NULL, NULL, 1);
	return w;
}

static size_t query_ids(crashsig_store *s, const crashsig_bug_query *q, int64_t *ids, size_t max)
{
	crashsig_bug **bugs;
	size_t n;
	int rc = crashsig_store_query(s, q, &bugs, &n);
	if (rc)
		fprintf(stderr, "%s\n", crashsig_store_error(s));
	assert_int_equal(rc, 0);
	assert_true(n <= max);
	for (size_t i = 0; i < n; i++)
		ids[i] = bugs[i]->id;
	crashsig_bugs_free(bugs, n);
	return n;
}

static void bug_queries(int pg)
{
	crashsig_store *s = open_fresh(pg, "bugq");
	world w = populate(s);
	int64_t ids[8];
	crashsig_bug_query q = CRASHSIG_BUG_QUERY_INIT;
	assert_int_equal(query_ids(s, &q, ids, 8), 4);
	/* sorts: count, first seen, last seen; descending; ties by id */
	q.sort = CRASHSIG_SORT_COUNT;
	q.flags = CRASHSIG_QUERY_DESCENDING;
	assert_int_equal(query_ids(s, &q, ids, 8), 4);
	assert_int_equal(ids[0], w.a);
	assert_int_equal(ids[1], w.b); /* 2 crashes, before the bin's 2 by id */
	assert_int_equal(ids[2], w.bin);
	assert_int_equal(ids[3], w.c);
	q.sort = CRASHSIG_SORT_FIRST_SEEN;
	q.flags = 0;
	query_ids(s, &q, ids, 8);
	assert_int_equal(ids[0], w.a);
	assert_int_equal(ids[1], w.b);
	q.sort = CRASHSIG_SORT_LAST_SEEN;
	q.flags = CRASHSIG_QUERY_DESCENDING;
	q.limit = 2;
	assert_int_equal(query_ids(s, &q, ids, 8), 2);
	assert_int_equal(ids[0], w.bin);
	assert_int_equal(ids[1], w.c);
	/* title regex: title, alternative and merged titles */
	q = (crashsig_bug_query)CRASHSIG_BUG_QUERY_INIT;
	q.title_regex = "^bad-access in";
	assert_int_equal(query_ids(s, &q, ids, 8), 1);
	assert_int_equal(ids[0], w.a);
	q.title_regex = "Write in alpha$";
	assert_int_equal(query_ids(s, &q, ids, 8), 1);
	q.title_regex = "in (beta|gamma)";
	q.limit = 1;
	assert_int_equal(query_ids(s, &q, ids, 8), 1);
	assert_int_equal(ids[0], w.b);
	q.limit = 0;
	q.title_regex = "([unclosed";
	crashsig_bug **bugs;
	size_t n;
	assert_int_equal(crashsig_store_query(s, &q, &bugs, &n), CRASHSIG_EINVAL);
	assert_non_null(strstr(crashsig_store_error(s), "([unclosed"));
	/* time range: a crash of the bug in [since, until) */
	q = (crashsig_bug_query)CRASHSIG_BUG_QUERY_INIT;
	q.since = T0 + DAY;
	q.until = T0 + 2 * DAY;
	assert_int_equal(query_ids(s, &q, ids, 8), 2);
	assert_int_equal(ids[0], w.a);
	assert_int_equal(ids[1], w.b);
	q.since = T0 + 3 * DAY;
	q.until = 0;
	assert_int_equal(query_ids(s, &q, ids, 8), 2); /* c and the bin */
	/* machine, only that machine, release */
	q = (crashsig_bug_query)CRASHSIG_BUG_QUERY_INIT;
	q.machine = "m1";
	assert_int_equal(query_ids(s, &q, ids, 8), 2);
	q.flags = CRASHSIG_QUERY_ONLY_MACHINE;
	assert_int_equal(query_ids(s, &q, ids, 8), 1);
	assert_int_equal(ids[0], w.a);
	q.machine = "m2";
	assert_int_equal(query_ids(s, &q, ids, 8), 2); /* c, bin */
	q.machine = NULL;
	assert_int_equal(crashsig_store_query(s, &q, &bugs, &n), CRASHSIG_EINVAL);
	q.flags = 0;
	q.release = "6.2";
	assert_int_equal(query_ids(s, &q, ids, 8), 2);
	q.release = NULL;
	/* status */
	assert_int_equal(crashsig_store_set_status(s, w.b, CRASHSIG_BUG_FIXED), 0);
	q.statuses = 1u << CRASHSIG_BUG_OPEN;
	assert_int_equal(query_ids(s, &q, ids, 8), 3);
	q.statuses = 1u << CRASHSIG_BUG_FIXED | 1u << CRASHSIG_BUG_INVALID;
	assert_int_equal(query_ids(s, &q, ids, 8), 1);
	assert_int_equal(ids[0], w.b);
	crashsig_store_free(s);
}
BOTH(bug_queries, "bug queries")

static void crash_lists(int pg)
{
	crashsig_store *s = open_fresh(pg, "crashq");
	world w = populate(s);
	crashsig_crash_query q = CRASHSIG_CRASH_QUERY_INIT;
	crashsig_crash_record **v;
	size_t n;
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 8);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i]->seq > v[i - 1]->seq);
	assert_null(v[0]->report); /* no texts without CRASHSIG_CRASHES_TEXT */
	crashsig_crash_records_free(v, n);
	q.bug = w.a;
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[2]->title, "KASAN: use-after-free Write in alpha");
	crashsig_crash_records_free(v, n);
	/* paging, oldest first and newest first */
	q = (crashsig_crash_query)CRASHSIG_CRASH_QUERY_INIT;
	q.limit = 3;
	int64_t seen[8];
	size_t total = 0;
	for (;;) {
		assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
		for (size_t i = 0; i < n; i++)
			seen[total++] = v[i]->seq;
		if (n)
			q.after = v[n - 1]->seq;
		crashsig_crash_records_free(v, n);
		if (n < 3)
			break;
	}
	assert_int_equal(total, 8);
	q = (crashsig_crash_query)CRASHSIG_CRASH_QUERY_INIT;
	q.flags = CRASHSIG_CRASHES_NEWEST_FIRST;
	q.limit = 5;
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(v[0]->seq, seen[7]);
	q.after = v[4]->seq;
	crashsig_crash_records_free(v, n);
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[2]->seq, seen[0]);
	crashsig_crash_records_free(v, n);
	/* filters */
	q = (crashsig_crash_query)CRASHSIG_CRASH_QUERY_INIT;
	q.machine = "m2";
	q.since = T0 + DAY;
	q.until = T0 + 5 * DAY + 2;
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 3); /* b's second, c, the first corrupted */
	assert_int_equal(v[0]->bug, w.b);
	assert_int_equal(v[1]->bug, w.c);
	assert_true(v[2]->corrupted);
	assert_string_equal(v[2]->title, "garbage"); /* its own title */
	assert_int_equal(v[2]->bug, w.bin);
	crashsig_crash_records_free(v, n);
	q = (crashsig_crash_query)CRASHSIG_CRASH_QUERY_INIT;
	q.release = "6.1";
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 3);
	crashsig_crash_records_free(v, n);
	crashsig_store_free(s);
}
BOTH(crash_lists, "crash lists")

static void counts(int pg)
{
	crashsig_store *s = open_fresh(pg, "counts");
	world w = populate(s);
	crashsig_count *v;
	size_t n;
	/* everything */
	assert_int_equal(crashsig_store_count(s, NULL, 0, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].count, 8);
	assert_int_equal(v[0].corrupted, 2);
	assert_int_equal(v[0].first, T0);
	assert_int_equal(v[0].last, T0 + 5 * DAY + 2);
	assert_null(v[0].key);
	crashsig_counts_free(v, n);
	/* per day (UTC), and per day and type: the chart stacked by type */
	assert_int_equal(crashsig_store_count(s, NULL, CRASHSIG_COUNT_BY_DAY, &v, &n), 0);
	assert_int_equal(n, 4);
	int64_t days[4] = {T0, T0 + DAY, T0 + 2 * DAY, T0 + 5 * DAY};
	int64_t per[4] = {1, 3, 1, 3};
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].time, days[i]);
		assert_int_equal(v[i].count, per[i]);
	}
	assert_int_equal(v[3].corrupted, 2);
	crashsig_counts_free(v, n);
	assert_int_equal(crashsig_store_count(s, NULL, CRASHSIG_COUNT_BY_DAY | CRASHSIG_COUNT_BY_TYPE,
					      &v, &n), 0);
	assert_int_equal(n, 6);
	assert_string_equal(v[1].key, "KASAN-READ");
	assert_int_equal(v[1].time, T0 + DAY);
	assert_string_equal(v[2].key, "WARNING");
	assert_int_equal(v[2].count, 2);
	assert_string_equal(v[4].key, ""); /* the corrupted ones: no type */
	crashsig_counts_free(v, n);
	/* per machine: the last crash of each; per hour on one machine */
	assert_int_equal(crashsig_store_count(s, NULL, CRASHSIG_COUNT_BY_MACHINE, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].key, "m1");
	assert_int_equal(v[0].count, 4);
	assert_int_equal(v[0].last, T0 + 2 * DAY);
	assert_string_equal(v[1].key, "m2");
	assert_int_equal(v[1].count, 4);
	crashsig_counts_free(v, n);
	crashsig_crash_query q = CRASHSIG_CRASH_QUERY_INIT;
	q.machine = "m1";
	assert_int_equal(crashsig_store_count(s, &q, CRASHSIG_COUNT_BY_HOUR, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[2].time, T0 + DAY + 3600);
	crashsig_counts_free(v, n);
	/* per bug in a window (the 24 h / 7 d columns, top crashers) */
	q = (crashsig_crash_query)CRASHSIG_CRASH_QUERY_INIT;
	q.since = T0 + DAY;
	assert_int_equal(crashsig_store_count(s, &q, CRASHSIG_COUNT_BY_BUG, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].bug, w.a);
	assert_int_equal(v[0].count, 2);
	assert_int_equal(v[1].bug, w.b);
	assert_int_equal(v[1].count, 2);
	crashsig_counts_free(v, n);
	/* per release and arch */
	assert_int_equal(crashsig_store_count(s, NULL, CRASHSIG_COUNT_BY_RELEASE | CRASHSIG_COUNT_BY_BUG,
					      &v, &n), 0);
	assert_int_equal(n, 4);
	crashsig_counts_free(v, n);
	assert_int_equal(crashsig_store_count(s, NULL, CRASHSIG_COUNT_BY_ARCH, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].key, "x86_64");
	crashsig_counts_free(v, n);
	/* bad groupings */
	assert_int_equal(crashsig_store_count(s, NULL, CRASHSIG_COUNT_BY_DAY | CRASHSIG_COUNT_BY_HOUR,
					      &v, &n), CRASHSIG_EINVAL);
	assert_int_equal(crashsig_store_count(s, NULL,
					      CRASHSIG_COUNT_BY_MACHINE | CRASHSIG_COUNT_BY_TYPE, &v, &n),
			 CRASHSIG_EINVAL);
	assert_int_equal(crashsig_store_count(s, NULL, 0x100, &v, &n), CRASHSIG_EINVAL);
	crashsig_store_free(s);
}
BOTH(counts, "counts")

static int64_t add_sig(crashsig_store *s, const char *title, const char *machine,
		       const char *sig)
{
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	c.title = title;
	c.time = T0;
	c.time_source = CRASHSIG_TIME_SOURCE_LOG;
	c.machine = machine;
	c.signature = sig;
	crashsig_add_result r;
	assert_int_equal(crashsig_store_add(s, &c, &r), 0);
	return r.bug_id;
}

static void expect_facets(crashsig_store *s, int64_t bug, crashsig_facet what, const char *want)
{
	char **v = NULL;
	size_t n = 99;
	assert_int_equal(crashsig_store_bug_facets(s, bug, what, &v, &n), 0);
	char got[256] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? "," : "", v[i]);
	assert_string_equal(got, want);
	crashsig_strings_free(v, n);
}

/* Two count results row for row (and freed). */
static void expect_same_counts(crashsig_count *a, size_t na, crashsig_count *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t k = 0; k < na; k++) {
		assert_int_equal(a[k].bug, b[k].bug);
		assert_int_equal(a[k].time, b[k].time);
		if (a[k].key || b[k].key)
			assert_string_equal(a[k].key, b[k].key);
		assert_int_equal(a[k].count, b[k].count);
		assert_int_equal(a[k].corrupted, b[k].corrupted);
		assert_int_equal(a[k].first, b[k].first);
		assert_int_equal(a[k].last, b[k].last);
	}
	crashsig_counts_free(a, na);
	crashsig_counts_free(b, nb);
}

/* Every crash by machine, and whole days by day and type, as ingest keeps
 * the totals (the machines and crash_days tables, schema 4), equal the
 * same counts walked over the crashes. */
static void expect_machine_totals(crashsig_store *s)
{
	crashsig_count *kept, *walked;
	size_t nk, nw;
	crashsig_crash_query q = CRASHSIG_CRASH_QUERY_INIT;
	q.since = 1; /* not the fast path: the crashes themselves */
	assert_int_equal(crashsig_store_count(s, NULL, CRASHSIG_COUNT_BY_MACHINE, &kept, &nk), 0);
	assert_int_equal(crashsig_store_count(s, &q, CRASHSIG_COUNT_BY_MACHINE, &walked, &nw), 0);
	expect_same_counts(kept, nk, walked, nw);
	/* and whole days by day and type (crash_days) */
	static const unsigned bys[] = {0, CRASHSIG_COUNT_BY_DAY, CRASHSIG_COUNT_BY_TYPE,
				       CRASHSIG_COUNT_BY_DAY | CRASHSIG_COUNT_BY_TYPE};
	static const int64_t ranges[][2] = {{0, 0}, {T0 + DAY, 0}, {T0, T0 + 2 * DAY}, {T0 + 9 * DAY, 0}};
	for (size_t i = 0; i < 4; i++)
		for (size_t r = 0; r < 4; r++) {
			crashsig_crash_query dq = CRASHSIG_CRASH_QUERY_INIT;
			dq.since = ranges[r][0];
			dq.until = ranges[r][1];
			assert_int_equal(crashsig_store_count(s, &dq, bys[i], &kept, &nk), 0);
			/* the same window a second off the day: walked */
			dq.since = ranges[r][0] ? ranges[r][0] - 1 : 1;
			assert_int_equal(crashsig_store_count(s, &dq, bys[i], &walked, &nw), 0);
			expect_same_counts(kept, nk, walked, nw);
		}
}

/* What a dashboard reads without walking crashes: a bug's machines and
 * releases, machines' totals, bugs seen only on one machine (a crash
 * without a machine counts as another), and all of it after a merge; the
 * nearest open bugs by signature; lists without reports. */
static void facets(int pg)
{
	crashsig_store *s = open_fresh(pg, "facets");
	world w = populate(s);
	crashsig_bug *b;
	assert_int_equal(crashsig_store_get(s, w.b, &b), 0);
	assert_int_equal(b->machines, 2);
	crashsig_bug_free(b);
	expect_facets(s, w.a, CRASHSIG_FACET_MACHINE, "m1");
	expect_facets(s, w.b, CRASHSIG_FACET_MACHINE, "m1,m2");
	expect_facets(s, w.b, CRASHSIG_FACET_RELEASE, "6.2");
	expect_facets(s, w.bin, CRASHSIG_FACET_RELEASE, "");
	expect_machine_totals(s);
	int64_t ids[16];
	crashsig_bug_query q = CRASHSIG_BUG_QUERY_INIT;
	q.machine = "m2";
	q.flags = CRASHSIG_QUERY_ONLY_MACHINE;
	assert_int_equal(query_ids(s, &q, ids, 16), 2); /* c and the bin */
	/* a crash of c without a machine: c is no longer m2's alone, and
	 * the unnamed crashes have a total of their own */
	crashsig_crash cr = CRASHSIG_CRASH_INIT;
	cr.title = "general protection fault in gamma";
	cr.time = T0 + 6 * DAY;
	crashsig_add_result r;
	assert_int_equal(crashsig_store_add(s, &cr, &r), 0);
	assert_int_equal(r.bug_id, w.c);
	assert_int_equal(query_ids(s, &q, ids, 16), 1);
	assert_int_equal(ids[0], w.bin);
	cr.time = T0 + 7 * DAY - 1; /* the last second of a day */
	assert_int_equal(crashsig_store_add(s, &cr, &r), 0);
	assert_int_equal(crashsig_store_get(s, w.c, &b), 0);
	assert_int_equal(b->machines, 1); /* named ones */
	crashsig_bug_free(b);
	expect_machine_totals(s);
	/* d, seen only on m3, merged into a (m1): a has both, d none, and no
	 * bug is m3's alone */
	int64_t d = add(s, "WARNING in delta", NULL, T0 + 3 * DAY, "m3", "6.3", "WARNING", 0);
	q.machine = "m3";
	assert_int_equal(query_ids(s, &q, ids, 16), 1);
	assert_int_equal(ids[0], d);
	crashsig_bug_change ch = CRASHSIG_BUG_CHANGE_INIT;
	ch.status = CRASHSIG_BUG_DUP;
	ch.dup_of = w.a;
	assert_int_equal(crashsig_store_change_bug(s, d, &ch), 0);
	assert_int_equal(query_ids(s, &q, ids, 16), 0);
	q.flags = 0;
	assert_int_equal(query_ids(s, &q, ids, 16), 1); /* seen on m3: a */
	assert_int_equal(ids[0], w.a);
	q.machine = NULL;
	q.release = "6.3";
	assert_int_equal(query_ids(s, &q, ids, 16), 1);
	assert_int_equal(ids[0], w.a);
	expect_facets(s, w.a, CRASHSIG_FACET_MACHINE, "m1,m3");
	expect_facets(s, w.a, CRASHSIG_FACET_RELEASE, "6.1,6.3");
	expect_facets(s, d, CRASHSIG_FACET_MACHINE, "");
	assert_int_equal(crashsig_store_get(s, w.a, &b), 0);
	assert_int_equal(b->machines, 2);
	crashsig_bug_free(b);
	assert_int_equal(crashsig_store_get(s, d, &b), 0);
	assert_int_equal(b->machines, 0);
	crashsig_bug_free(b);
	expect_machine_totals(s);
	char **v;
	size_t n;
	assert_int_equal(crashsig_store_bug_facets(s, w.a, (crashsig_facet)7, &v, &n),
			 CRASHSIG_EINVAL);
	/* the nearest open bugs by signature: itself aside, nearest first,
	 * nothing at distance 1 */
	int64_t s1 = add_sig(s, "WARNING in foo_one", NULL, "#WARNING foo_one c1 c2 c3 c4");
	int64_t s2 = add_sig(s, "WARNING in foo_two", NULL, "#WARNING foo_one c1 c2 c3 c9");
	int64_t s3 = add_sig(s, "WARNING in foo_three", NULL, "#WARNING foo_one c1 c7 c8 c9");
	add_sig(s, "WARNING in bar", NULL, "#WARNING bar c1 c2 c3 c4");
	crashsig_similar *sim;
	assert_int_equal(crashsig_store_similar(s, s1, 0, &sim, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sim[0].bug, s2);
	assert_int_equal(sim[1].bug, s3);
	assert_true(sim[0].distance > 0 && sim[0].distance < sim[1].distance &&
		    sim[1].distance < 1.0);
	free(sim);
	assert_int_equal(crashsig_store_similar(s, s1, 1, &sim, &n), 0);
	assert_int_equal(n, 1);
	free(sim);
	assert_int_equal(crashsig_store_similar(s, w.a, 0, &sim, &n), 0); /* no signature */
	assert_int_equal(n, 0);
	free(sim);
	assert_int_equal(crashsig_store_similar(s, 9999, 0, &sim, &n), CRASHSIG_ENOTFOUND);
	/* a list without reports, and with them */
	crashsig_bug **bugs;
	crashsig_bug_query all = CRASHSIG_BUG_QUERY_INIT;
	all.flags = CRASHSIG_QUERY_NO_REPORT;
	assert_int_equal(crashsig_store_query(s, &all, &bugs, &n), 0);
	assert_true(n >= 8);
	for (size_t i = 0; i < n; i++)
		assert_null(bugs[i]->report);
	crashsig_bugs_free(bugs, n);
	crashsig_store_free(s);
}
BOTH(facets, "facets")

/* Life cycle: fixed and invalid bugs attract nothing; reopening is refused
 * while another bug of the title is open; a duplicate is merged into the
 * end of its chain (crashes, counts, titles); cycles are refused; every
 * change is recorded with its time and reason. */
static void lifecycle(int pg)
{
	crashsig_store *s = open_fresh(pg, "life");
	int64_t a = add(s, "WARNING in a", NULL, T0, "m1", NULL, NULL, 0);
	add(s, "WARNING in a", NULL, T0 + 10, "m1", NULL, NULL, 0);
	int64_t b = add(s, "WARNING in b", "bad in b", T0 + 20, "m2", NULL, NULL, 0);
	int64_t c = add(s, "WARNING in c", NULL, T0 + 30, "m2", NULL, NULL, 0);
	/* fixed: the next crash opens "(2)"; reopening the first is refused */
	crashsig_bug_change ch = CRASHSIG_BUG_CHANGE_INIT;
	ch.status = CRASHSIG_BUG_FIXED;
	ch.reason = "fixed by commit 1234abcd";
	ch.time = T0 + 100;
	assert_int_equal(crashsig_store_change_bug(s, a, &ch), 0);
	int64_t a2 = add(s, "WARNING in a", NULL, T0 + 200, "m1", NULL, NULL, 0);
	assert_int_not_equal(a2, a);
	crashsig_bug *bug;
	assert_int_equal(crashsig_store_get(s, a2, &bug), 0);
	assert_string_equal(bug->title, "WARNING in a (2)");
	crashsig_bug_free(bug);
	assert_int_equal(crashsig_store_set_status(s, a, CRASHSIG_BUG_OPEN), CRASHSIG_EINVAL);
	assert_non_null(strstr(crashsig_store_error(s), "WARNING in a (2)"));
	assert_int_equal(crashsig_store_get(s, a, &bug), 0);
	assert_int_equal(bug->status, CRASHSIG_BUG_FIXED);
	assert_int_equal(bug->status_time, T0 + 100);
	crashsig_bug_free(bug);
	/* a duplicate: b into c, then c into a2: b's crashes follow to a2 */
	ch = (crashsig_bug_change)CRASHSIG_BUG_CHANGE_INIT;
	ch.status = CRASHSIG_BUG_DUP;
	ch.dup_of = c;
	ch.reason = "same race";
	assert_int_equal(crashsig_store_change_bug(s, b, &ch), 0);
	ch.dup_of = a2;
	assert_int_equal(crashsig_store_change_bug(s, c, &ch), 0);
	assert_int_equal(crashsig_store_get(s, a2, &bug), 0);
	assert_int_equal(bug->count, 3); /* its own, c's and b's (through c) */
	assert_int_equal(bug->first_seen, T0 + 20);
	int has_b = 0;
	for (size_t i = 0; i < bug->nalt_titles; i++)
		has_b |= !strcmp(bug->alt_titles[i], "bad in b");
	assert_true(has_b);
	crashsig_bug_free(bug);
	assert_int_equal(crashsig_store_get(s, b, &bug), 0);
	assert_int_equal(bug->status, CRASHSIG_BUG_DUP);
	assert_int_equal(bug->dup_of, c);
	assert_int_equal(bug->count, 0);
	crashsig_bug_free(bug);
	crashsig_crash_query q = CRASHSIG_CRASH_QUERY_INIT;
	q.bug = a2;
	crashsig_crash_record **v;
	size_t n;
	assert_int_equal(crashsig_store_crashes(s, &q, &v, &n), 0);
	assert_int_equal(n, 3);
	crashsig_crash_records_free(v, n);
	/* later crashes with the duplicates' titles join the target */
	assert_int_equal(add(s, "WARNING in b", NULL, T0 + 300, "m3", NULL, NULL, 0), a2);
	assert_int_equal(add(s, "WARNING in c", NULL, T0 + 301, "m3", NULL, NULL, 0), a2);
	/* a dup of a dup goes to the end of the chain; cycles are refused */
	int64_t d = add(s, "WARNING in d", NULL, T0 + 400, "m3", NULL, NULL, 0);
	ch.dup_of = b;
	assert_int_equal(crashsig_store_change_bug(s, d, &ch), 0);
	assert_int_equal(crashsig_store_get(s, d, &bug), 0);
	assert_int_equal(bug->dup_of, a2);
	crashsig_bug_free(bug);
	ch.dup_of = d;
	assert_int_equal(crashsig_store_change_bug(s, a2, &ch), CRASHSIG_EINVAL);
	assert_non_null(strstr(crashsig_store_error(s), "its own duplicates"));
	ch.dup_of = a2;
	assert_int_equal(crashsig_store_change_bug(s, a2, &ch), CRASHSIG_EINVAL);
	assert_non_null(strstr(crashsig_store_error(s), "itself"));
	ch.dup_of = 9999;
	assert_int_equal(crashsig_store_change_bug(s, a2, &ch), CRASHSIG_ENOTFOUND);
	ch.dup_of = 0;
	assert_int_equal(crashsig_store_change_bug(s, a2, &ch), CRASHSIG_EINVAL);
	assert_int_equal(crashsig_store_set_status(s, a2, CRASHSIG_BUG_DUP), CRASHSIG_EINVAL);
	assert_int_equal(crashsig_store_set_status(s, 9999, CRASHSIG_BUG_FIXED), CRASHSIG_ENOTFOUND);
	/* invalid, and open again */
	assert_int_equal(crashsig_store_set_status(s, a2, CRASHSIG_BUG_INVALID), 0);
	int64_t a3 = add(s, "WARNING in a", NULL, T0 + 500, "m1", NULL, NULL, 0);
	assert_int_not_equal(a3, a2);
	assert_int_equal(crashsig_store_set_status(s, a3, CRASHSIG_BUG_FIXED), 0);
	assert_int_equal(crashsig_store_set_status(s, a2, CRASHSIG_BUG_OPEN), 0);
	/* the counts add up to the crashes accepted */
	crashsig_bug **bugs;
	assert_int_equal(crashsig_store_list(s, &bugs, &n), 0);
	int64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += bugs[i]->count;
	crashsig_bugs_free(bugs, n);
	crashsig_crash_query all = CRASHSIG_CRASH_QUERY_INIT;
	assert_int_equal(crashsig_store_crashes(s, &all, &v, &n), 0);
	assert_int_equal(total, (int64_t)n);
	assert_int_equal(n, 9);
	crashsig_crash_records_free(v, n);
	/* the history */
	crashsig_bug_event *ev;
	assert_int_equal(crashsig_store_bug_events(s, a, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].from, CRASHSIG_BUG_OPEN);
	assert_int_equal(ev[0].to, CRASHSIG_BUG_FIXED);
	assert_int_equal(ev[0].time, T0 + 100);
	assert_string_equal(ev[0].reason, "fixed by commit 1234abcd");
	crashsig_bug_events_free(ev, n);
	assert_int_equal(crashsig_store_bug_events(s, c, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].to, CRASHSIG_BUG_DUP);
	assert_int_equal(ev[0].dup_of, a2);
	assert_int_equal(ev[0].moved, 2); /* its own and b's */
	assert_string_equal(ev[0].reason, "same race");
	crashsig_bug_events_free(ev, n);
	assert_int_equal(crashsig_store_bug_events(s, a2, &ev, &n), 0);
	assert_int_equal(n, 2); /* invalid, open */
	assert_null(ev[1].reason);
	assert_true(ev[1].time > T0);
	crashsig_bug_events_free(ev, n);
	assert_int_equal(crashsig_store_bug_events(s, 0, &ev, &n), 0);
	assert_int_equal(n, 7);
	crashsig_bug_events_free(ev, n);
	crashsig_store_free(s);
}
BOTH(lifecycle, "the life cycle")

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bug_queries_sqlite),
		cmocka_unit_test(test_bug_queries_pg),
		cmocka_unit_test(test_crash_lists_sqlite),
		cmocka_unit_test(test_crash_lists_pg),
		cmocka_unit_test(test_counts_sqlite),
		cmocka_unit_test(test_counts_pg),
		cmocka_unit_test(test_facets_sqlite),
		cmocka_unit_test(test_facets_pg),
		cmocka_unit_test(test_lifecycle_sqlite),
		cmocka_unit_test(test_lifecycle_pg),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
