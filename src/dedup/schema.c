/*
 * The bug store's schema: its tables, the statements every store prepares,
 * the schema version and its forward migrations.
 *
 * The version is the one row of crashsig_schema. A store is migrated
 * forward on open, under the write lock (so that two first users do not
 * race), step by step: migrations[i] brings version i to i + 1. A version
 * newer than this library, or one crashsig never wrote (0 or negative
 * while the tables exist, not a number), is refused with a message saying
 * so: running migrations from a made-up version would run them on tables
 * they do not expect.
 */
#include "dedup/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_VERSION CRASHSIG_STORE_SCHEMA_VERSION

/* DDL placeholders ({ID}, {BLOB}, {REAL}) are expanded per dialect by the
 * db layer (db.c). */
static const char *const migrations[SCHEMA_VERSION] = {
	/* 0 -> 1: bugs, their titles, the crashes. */
	"CREATE TABLE bugs ("
	" id {ID},"
	" title TEXT NOT NULL,"
	" seq INTEGER NOT NULL,"
	" status INTEGER NOT NULL DEFAULT 0,"
	" count BIGINT NOT NULL DEFAULT 0,"
	" first_seen BIGINT NOT NULL,"
	" last_seen BIGINT NOT NULL,"
	" signature TEXT,"
	" report {BLOB},"
	" report_source TEXT,"
	" similar_to BIGINT,"
	" similar_distance {REAL},"
	" no_stack INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE (title, seq));"
	"CREATE TABLE bug_titles ("
	" bug_id BIGINT NOT NULL REFERENCES bugs(id),"
	" kind INTEGER NOT NULL,"
	" title TEXT NOT NULL,"
	" pos INTEGER NOT NULL,"
	" PRIMARY KEY (bug_id, kind, title));"
	"CREATE INDEX bug_titles_by_title ON bug_titles (title, kind);"
	"CREATE TABLE crashes ("
	" id {ID},"
	" bug_id BIGINT NOT NULL REFERENCES bugs(id),"
	" time BIGINT NOT NULL,"
	" title TEXT NOT NULL,"
	" source TEXT);"
	"CREATE TABLE crashsig_state (generation BIGINT NOT NULL);"
	"INSERT INTO crashsig_state VALUES (0);",
	/* 1 -> 2: the stack signature of every crash, crashes by bug. */
	"ALTER TABLE crashes ADD COLUMN signature TEXT;"
	"CREATE INDEX crashes_by_bug ON crashes (bug_id);",
	/* 2 -> 3: the crash record. Every crash gets an id (unique: the
	 * database itself refuses a crash twice), its time's source, the
	 * machine, position and kernel facts; its texts live apart
	 * (crash_texts, compressed) so that retention can drop them and keep
	 * the row. Crashes of version 2 get ids "v2-N" and their time counts
	 * as given by the client. Bugs get their duplicate target and the time
	 * of their last change of state, which bug_events records. */
	"ALTER TABLE crashes ADD COLUMN crash_id TEXT;"
	"ALTER TABLE crashes ADD COLUMN first_bug BIGINT;"
	"ALTER TABLE crashes ADD COLUMN time_nsec INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE crashes ADD COLUMN time_source INTEGER NOT NULL DEFAULT 4;"
	"ALTER TABLE crashes ADD COLUMN received BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE crashes ADD COLUMN machine TEXT;"
	"ALTER TABLE crashes ADD COLUMN pos BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE crashes ADD COLUMN krelease TEXT;"
	"ALTER TABLE crashes ADD COLUMN build_id TEXT;"
	"ALTER TABLE crashes ADD COLUMN arch TEXT;"
	"ALTER TABLE crashes ADD COLUMN hardware TEXT;"
	"ALTER TABLE crashes ADD COLUMN taint TEXT;"
	"ALTER TABLE crashes ADD COLUMN ctype TEXT;"
	"ALTER TABLE crashes ADD COLUMN corrupted INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE crashes ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE crashes ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE crashes ADD COLUMN uptime {REAL};"
	"ALTER TABLE crashes ADD COLUMN message_id TEXT;"
	"UPDATE crashes SET crash_id = 'v2-' || CAST(id AS TEXT), first_bug = bug_id,"
	" received = time;"
	"CREATE UNIQUE INDEX crashes_by_crash_id ON crashes (crash_id);"
	"CREATE TABLE crash_texts ("
	" crash BIGINT PRIMARY KEY REFERENCES crashes(id),"
	" report {BLOB},"
	" log {BLOB});"
	"CREATE TABLE bug_facets ("
	" bug_id BIGINT NOT NULL REFERENCES bugs(id),"
	" kind INTEGER NOT NULL,"
	" value TEXT NOT NULL,"
	" PRIMARY KEY (bug_id, kind, value));"
	"ALTER TABLE bugs ADD COLUMN dup_of BIGINT;"
	"ALTER TABLE bugs ADD COLUMN status_time BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE bugs ADD COLUMN last_kept BIGINT;"
	"CREATE TABLE bug_events ("
	" id {ID},"
	" bug_id BIGINT NOT NULL REFERENCES bugs(id),"
	" time BIGINT NOT NULL,"
	" from_status INTEGER NOT NULL,"
	" to_status INTEGER NOT NULL,"
	" dup_of BIGINT,"
	" moved BIGINT NOT NULL DEFAULT 0,"
	" reason TEXT);"
	"CREATE INDEX bug_events_by_bug ON bug_events (bug_id);",
	/* 3 -> 4: what the dashboard's pages read, without walking every
	 * crash of a large store. A bug's report moves to bug_reports (a
	 * list of bugs then reads no report pages; bugs.report stays, NULL);
	 * its titles in their order come from an index, without a sort.
	 * Crashes by time (a window's counts by bug,
	 * machine and type come from the index alone), by bug and time (a
	 * bug's daily chart) and by bug alone (a bug's crashes in arrival
	 * order, without sorting them all). Every crash's machine and release are facets
	 * of its bug (version 2's crashes had none), a crash without a
	 * machine the machine "" (so that "seen only on X" knows of it);
	 * each bug counts its
	 * named machines and keeps its only machine while it has one; a
	 * duplicate's facets moved into its target with its crashes. The
	 * machines table holds each machine's totals, crash_days each UTC
	 * day's per crash type (as ABRT's FAF keeps daily counts), both kept
	 * at ingest. */
	"CREATE TABLE bug_reports ("
	" bug_id BIGINT PRIMARY KEY REFERENCES bugs(id),"
	" report {BLOB});"
	"INSERT INTO bug_reports (bug_id, report) SELECT id, report FROM bugs"
	" WHERE report IS NOT NULL;"
	"UPDATE bugs SET report = NULL WHERE report IS NOT NULL;"
	"CREATE INDEX bug_titles_by_bug ON bug_titles (bug_id, kind, pos, title);"
	"DROP INDEX crashes_by_bug;"
	"CREATE INDEX crashes_by_bug ON crashes (bug_id, time, corrupted);"
	"CREATE INDEX crashes_by_bug_seq ON crashes (bug_id);"
	"CREATE INDEX crashes_by_time ON crashes (time, bug_id, corrupted, machine, ctype);"
	"DELETE FROM bug_facets WHERE bug_id IN (SELECT id FROM bugs WHERE status = 3);"
	"INSERT INTO bug_facets (bug_id, kind, value) SELECT DISTINCT bug_id, 2,"
	" COALESCE(machine, '') FROM crashes WHERE 1 = 1 ON CONFLICT DO NOTHING;"
	"INSERT INTO bug_facets (bug_id, kind, value) SELECT DISTINCT bug_id, 1, krelease"
	" FROM crashes WHERE krelease IS NOT NULL AND krelease <> '' ON CONFLICT DO NOTHING;"
	"ALTER TABLE bugs ADD COLUMN machines BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE bugs ADD COLUMN unnamed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE bugs ADD COLUMN only_machine TEXT;"
	CS_BUG_MACHINES_SQL ";"
	"CREATE INDEX bugs_by_only_machine ON bugs (only_machine);"
	"CREATE TABLE machines ("
	" name TEXT PRIMARY KEY,"
	" count BIGINT NOT NULL,"
	" corrupted BIGINT NOT NULL,"
	" first_seen BIGINT NOT NULL,"
	" last_seen BIGINT NOT NULL);"
	"INSERT INTO machines (name, count, corrupted, first_seen, last_seen)"
	" SELECT COALESCE(machine, ''), COUNT(*), SUM(corrupted), MIN(time), MAX(time)"
	" FROM crashes GROUP BY COALESCE(machine, '');"
	"CREATE TABLE crash_days ("
	" day BIGINT NOT NULL,"
	" ctype TEXT NOT NULL,"
	" count BIGINT NOT NULL,"
	" corrupted BIGINT NOT NULL,"
	" first_seen BIGINT NOT NULL,"
	" last_seen BIGINT NOT NULL,"
	" PRIMARY KEY (day, ctype));"
	"INSERT INTO crash_days (day, ctype, count, corrupted, first_seen, last_seen)"
	" SELECT (time / 86400) * 86400, COALESCE(ctype, ''), COUNT(*), SUM(corrupted),"
	" MIN(time), MAX(time) FROM crashes GROUP BY (time / 86400) * 86400, COALESCE(ctype, '');",
};

/* The columns of a crash row, in the order Q_CRASH_ADD binds them. */
#define CRASH_COLS                                                                  \
	"crash_id, bug_id, first_bug, time, time_nsec, time_source, received, title," \
	" source, signature, machine, pos, krelease, build_id, arch, hardware, taint,"  \
	" ctype, corrupted, suppressed, kept, uptime, message_id"

const char *const cs_store_queries[NQ] = {
	[Q_GEN] = "SELECT generation FROM crashsig_state",
	[Q_GEN_BUMP] = "UPDATE crashsig_state SET generation = generation + 1",
	[Q_MERGED_BUGS] = "SELECT b.id, b.status FROM bug_titles t JOIN bugs b ON b.id = t.bug_id"
			  " WHERE t.title = ? AND t.kind = 0 ORDER BY b.seq DESC, b.id DESC",
	[Q_TITLE_TOP] = "SELECT id, status FROM bugs WHERE title = ? ORDER BY seq DESC LIMIT 1",
	[Q_ALT_BUGS] = "SELECT b.id, b.title, b.seq, b.status FROM bug_titles t"
		       " JOIN bugs b ON b.id = t.bug_id WHERE t.title = ? AND t.kind = 1",
	[Q_ALT_HAS] = "SELECT COUNT(*) FROM bug_titles WHERE bug_id = ? AND kind = 1"
		      " AND title = ? AND pos > 0",
	[Q_MAX_SEQ] = "SELECT MAX(seq) FROM bugs WHERE title = ?",
	[Q_NEW_BUG] = "INSERT INTO bugs (title, seq, status, count, first_seen, last_seen,"
		      " signature, report_source, similar_to, similar_distance,"
		      " no_stack) VALUES (?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	[Q_BUG_REPORT_ADD] = "INSERT INTO bug_reports (bug_id, report) VALUES (?, ?)",
	[Q_ADD_TITLE] = "INSERT INTO bug_titles (bug_id, kind, title, pos) VALUES (?, ?, ?, ?)",
	[Q_HAS_TITLE] = "SELECT COUNT(*) FROM bug_titles WHERE bug_id = ? AND kind = ? AND title = ?",
	[Q_NALT] = "SELECT COUNT(*) FROM bug_titles WHERE bug_id = ? AND kind = 1",
	[Q_COUNT] = "UPDATE bugs SET count = count + ?,"
		    " first_seen = CASE WHEN ? < first_seen THEN ? ELSE first_seen END,"
		    " last_seen = CASE WHEN ? > last_seen THEN ? ELSE last_seen END WHERE id = ?",
	[Q_BUG] = "SELECT b.id, b.title, b.seq, b.status, b.count, b.first_seen, b.last_seen,"
		  " b.signature, r.report, b.report_source, b.similar_to, b.similar_distance,"
		  " b.dup_of, b.status_time, b.machines FROM bugs b"
		  " LEFT JOIN bug_reports r ON r.bug_id = b.id WHERE b.id = ?",
	[Q_BUG_TITLES] = "SELECT kind, title FROM bug_titles WHERE bug_id = ? ORDER BY kind, pos",
	[Q_LIST] = "SELECT id FROM bugs ORDER BY id",
	[Q_SIGS] = "SELECT id, signature FROM bugs WHERE status = 0 AND no_stack = 0"
		   " AND signature IS NOT NULL AND signature <> ''",
	[Q_CRASH_ADD] = "INSERT INTO crashes (" CRASH_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
			" ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			" ON CONFLICT (crash_id) DO NOTHING {RETURNING id}",
	[Q_CRASH_BY_ID] = "SELECT bug_id FROM crashes WHERE crash_id = ?",
	[Q_BUG_BASE] = "SELECT count, last_kept FROM bugs WHERE id = ?",
	[Q_FACET_ADD] = "INSERT INTO bug_facets (bug_id, kind, value) VALUES (?, ?, ?)"
			" ON CONFLICT DO NOTHING RETURNING bug_id",
	[Q_TEXT_ADD] = "INSERT INTO crash_texts (crash, report, log) VALUES (?, ?, ?)"
		       " ON CONFLICT DO NOTHING",
	[Q_KEPT_OR] = "UPDATE crashes SET kept = kept | ? WHERE id = ?",
	[Q_KEPT_CLEAR_LAST] = "UPDATE crashes SET kept = kept & ? WHERE id = ? RETURNING kept",
	[Q_TEXT_DEL] = "DELETE FROM crash_texts WHERE crash = ?",
	[Q_LAST_KEPT] = "UPDATE bugs SET last_kept = ? WHERE id = ?",
	/* a machine new to a bug: (named 1/0, value, named 1/0, bug); every
	 * SET reads the row as it was, so concurrent writers agree */
	[Q_BUG_MACHINE] = "UPDATE bugs SET"
			  " only_machine = CASE WHEN machines + unnamed = 0 THEN ? ELSE NULL END,"
			  " machines = machines + ?,"
			  " unnamed = CASE WHEN ? = 0 THEN 1 ELSE unnamed END WHERE id = ?",
	[Q_FACETS] = "SELECT value FROM bug_facets WHERE bug_id = ? AND kind = ? AND value <> ''",
	[Q_DAY_ADD] = "INSERT INTO crash_days (day, ctype, count, corrupted, first_seen, last_seen)"
		      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, ctype) DO UPDATE SET"
		      " count = crash_days.count + excluded.count,"
		      " corrupted = crash_days.corrupted + excluded.corrupted,"
		      " first_seen = CASE WHEN excluded.first_seen < crash_days.first_seen"
		      " THEN excluded.first_seen ELSE crash_days.first_seen END,"
		      " last_seen = CASE WHEN excluded.last_seen > crash_days.last_seen"
		      " THEN excluded.last_seen ELSE crash_days.last_seen END",
	[Q_MACHINE_ADD] = "INSERT INTO machines (name, count, corrupted, first_seen, last_seen)"
			  " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
			  " count = machines.count + excluded.count,"
			  " corrupted = machines.corrupted + excluded.corrupted,"
			  " first_seen = CASE WHEN excluded.first_seen < machines.first_seen"
			  " THEN excluded.first_seen ELSE machines.first_seen END,"
			  " last_seen = CASE WHEN excluded.last_seen > machines.last_seen"
			  " THEN excluded.last_seen ELSE machines.last_seen END",
};

/* Read the version rows. *v: the version (0 when there are none); *bad: a
 * row that is not a version crashsig writes, as text for the message. */
static int read_version(crashsig_store *s, int64_t *v, char *bad, size_t badlen)
{
	cs_stmt *st = NULL;
	*v = 0;
	bad[0] = 0;
	if (cs_db_prepare(s->db, "SELECT version FROM crashsig_schema", &st))
		return CRASHSIG_EDB;
	int r;
	while ((r = cs_stmt_step(st)) == 1) {
		if (!cs_stmt_is_int(st, 0)) {
			const char *t = cs_stmt_text(st, 0, NULL);
			snprintf(bad, badlen, "'%.40s'", t ? t : "NULL");
			continue;
		}
		int64_t x = cs_stmt_int(st, 0);
		if (x < 1)
			snprintf(bad, badlen, "%lld", (long long)x);
		else if (x > *v)
			*v = x;
	}
	cs_stmt_free(st);
	return r < 0 ? CRASHSIG_EDB : 0;
}

int cs_schema_open(crashsig_store *s, int create)
{
	int exists = 0;
	if (cs_db_table_exists(s->db, "crashsig_schema", &exists))
		return cs_error(&s->err, CRASHSIG_EDB, "%s: %s", s->url, cs_db_errmsg(s->db));
	if (!exists && !create)
		return cs_error(&s->err, CRASHSIG_ENOTFOUND, "%s: no crashsig store there",
				s->url);
	/* Under the write lock: the first users of a new store race to create
	 * it, and only one may run the migrations. */
	if (cs_db_begin(s->db))
		return cs_error(&s->err, CRASHSIG_EDB, "%s: %s", s->url, cs_db_errmsg(s->db));
	int rc = cs_db_exec(s->db, "CREATE TABLE IF NOT EXISTS crashsig_schema"
				   " (version INTEGER NOT NULL)");
	int64_t v = 0;
	char bad[64];
	if (!rc)
		rc = read_version(s, &v, bad, sizeof(bad));
	int has_bugs = 0;
	if (!rc)
		rc = cs_db_table_exists(s->db, "bugs", &has_bugs);
	if (rc) {
		rc = cs_error(&s->err, CRASHSIG_EDB, "%s: %s", s->url, cs_db_errmsg(s->db));
		cs_db_rollback(s->db);
		return rc;
	}
	if (bad[0] || (!v && has_bugs)) {
		cs_db_rollback(s->db);
		return cs_error(&s->err, CRASHSIG_EUNSUPPORTED,
				"%s: the store's schema version is %s, not one crashsig writes "
				"(1 to %d): a damaged store, or not a crashsig store",
				s->url, bad[0] ? bad : "missing", SCHEMA_VERSION);
	}
	if (v > SCHEMA_VERSION) {
		cs_db_rollback(s->db);
		return cs_error(&s->err, CRASHSIG_EUNSUPPORTED,
				"%s: the store has schema version %lld; this crashsig knows up to %d",
				s->url, (long long)v, SCHEMA_VERSION);
	}
	for (; !rc && v < SCHEMA_VERSION; v++) {
		char sql[96];
		snprintf(sql, sizeof(sql), "INSERT INTO crashsig_schema VALUES (%lld)",
			 (long long)v + 1);
		rc = cs_db_exec(s->db, migrations[v]);
		if (!rc)
			rc = cs_db_exec(s->db, "DELETE FROM crashsig_schema");
		if (!rc)
			rc = cs_db_exec(s->db, sql);
		if (rc) {
			rc = cs_error(&s->err, CRASHSIG_EDB,
				      "%s: migrating the schema from version %lld to %lld: %s",
				      s->url, (long long)v, (long long)v + 1, cs_db_errmsg(s->db));
			cs_db_rollback(s->db);
			return rc;
		}
	}
	if (cs_db_commit(s->db))
		return cs_error(&s->err, CRASHSIG_EDB, "%s: %s", s->url, cs_db_errmsg(s->db));
	s->schema = (int)v;
	return 0;
}
