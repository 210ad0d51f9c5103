/*
 * The bug store: crashes grouped into bugs with the rules of syzbot's
 * dashboard, in SQLite or PostgreSQL.
 *
 * The rules come from google/syzkaller dashboard/app/api.go and are
 * re-expressed here (no code of it is used):
 *  - reportCrash(): a corrupted report is filed under the title "corrupted
 *    report", a suppressed one under "suppressed report"
 *    (canonicalizeCrashTitle); their alternative titles are only that
 *    title. Otherwise the titles are trimmed (normalizeCrashTitle) and the
 *    crash's title list is its title followed by its alternative titles,
 *    without repeats (mergeStringList).
 *  - findBugForCrash() / findExistingBugForCrash(): a crash joins, in this
 *    order,
 *      1. the open bug of highest seq that has merged a crash of this title
 *         before (bug.MergedTitles contains titles[0]);
 *      2. for each of its titles in order, the highest-seq bug with that
 *         title, if it is open;
 *      3. among bugs whose alternative titles contain any of its titles,
 *         looking only at the highest-seq bug of each bug title (sorted by
 *         title, then seq descending) and only at open ones: a bug whose
 *         title is one of the crash's alternative titles (priority 2) wins
 *         over one whose alternative titles, past its own title, contain
 *         the crash's title (priority 1), which wins over any other
 *         (priority 0); on equal priority the first in that order wins.
 *  - createBugForCrash(): otherwise a new bug opens with seq one above the
 *    highest seq of the title, MergedTitles = [title] and AltTitles = the
 *    crash's titles. A closed bug (fixed or invalid: isActiveBug is false)
 *    therefore never attracts new crashes, and the next crash with its
 *    title opens seq 1, shown "title (2)" (Bug.displayTitle in
 *    dashboard/app/entities.go).
 *  - reportCrash() then counts the crash, adds its title to MergedTitles
 *    and its titles to AltTitles (mergeString / mergeStringList: appended,
 *    without repeats, order kept: AltTitles[0] stays the bug's title).
 *
 * Concurrency: every change happens in a transaction that first takes the
 * database's write lock (cs_db_begin), so concurrent writers are
 * serialized and nothing is lost. The store keeps in-memory caches (titles
 * to bug, bug signatures); they are valid as long as nobody else changed
 * the grouping, which a generation counter in the database tells: every
 * change of titles, bugs or status bumps it, and a transaction that finds
 * it moved drops the caches.
 */
#include "dedup/dedup_int.h"

#include "base/ctx.h"
#include "classify/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHEMA_VERSION 2
/* Titles are cut at 200 bytes (at a UTF-8 boundary) and trimmed, as the
 * dashboard's normalizeCrashTitle/limitLength do with maxTextLen
 * (dashboard/app/api.go, entities.go). */
#define MAX_TITLE 200

/* Kinds of bug_titles rows. */
enum { T_MERGED = 0, T_ALT = 1 };

/* One statement per query; prepared once per store. */
enum {
	Q_GEN,
	Q_GEN_BUMP,
	Q_MERGED_BUGS,
	Q_TITLE_TOP,
	Q_ALT_BUGS,
	Q_ALT_HAS,
	Q_MAX_SEQ,
	Q_NEW_BUG,
	Q_ADD_TITLE,
	Q_HAS_TITLE,
	Q_NALT,
	Q_COUNT,
	Q_CRASH,
	Q_BUG,
	Q_BUG_TITLES,
	Q_LIST,
	Q_STATUS,
	Q_SIGS,
	Q_SIMILAR,
	NQ
};

static const char *const queries[NQ] = {
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
		      " signature, report, report_source, similar_to, similar_distance,"
		      " no_stack) VALUES (?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	[Q_ADD_TITLE] = "INSERT INTO bug_titles (bug_id, kind, title, pos) VALUES (?, ?, ?, ?)",
	[Q_HAS_TITLE] = "SELECT COUNT(*) FROM bug_titles WHERE bug_id = ? AND kind = ? AND title = ?",
	[Q_NALT] = "SELECT COUNT(*) FROM bug_titles WHERE bug_id = ? AND kind = 1",
	[Q_COUNT] = "UPDATE bugs SET count = count + ?,"
		    " first_seen = CASE WHEN ? < first_seen THEN ? ELSE first_seen END,"
		    " last_seen = CASE WHEN ? > last_seen THEN ? ELSE last_seen END WHERE id = ?",
	[Q_CRASH] = "INSERT INTO crashes (bug_id, time, title, source, signature)"
		    " VALUES (?, ?, ?, ?, ?)",
	[Q_BUG] = "SELECT id, title, seq, status, count, first_seen, last_seen, signature,"
		  " report, report_source, similar_to, similar_distance FROM bugs WHERE id = ?",
	[Q_BUG_TITLES] = "SELECT kind, title FROM bug_titles WHERE bug_id = ? ORDER BY kind, pos",
	[Q_LIST] = "SELECT id FROM bugs ORDER BY id",
	[Q_STATUS] = "UPDATE bugs SET status = ? WHERE id = ?",
	[Q_SIGS] = "SELECT id, signature FROM bugs WHERE status = 0 AND no_stack = 0"
		   " AND signature IS NOT NULL AND signature <> ''",
	[Q_SIMILAR] = "UPDATE bugs SET similar_to = ?, similar_distance = ? WHERE id = ?",
};

/* Schema migrations: step i brings version i to i + 1. DDL placeholders
 * ({ID}, {BLOB}, {REAL}) are expanded per dialect by the db layer. */
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
};

/* In-memory cache: a crash whose exact title list was added to a bug before
 * goes straight to it (nothing else to write but the counts). */
typedef struct cache_ent {
	uint64_t hash;
	char *key; /* titles joined by '\n' */
	int64_t bug;
} cache_ent;

typedef struct sig_ent {
	int64_t id;
	cs_sig sig;
} sig_ent;

/* Crash rows of the current transaction, inserted CRASH_ROWS at a time at
 * commit (one round trip per chunk instead of per crash). */
#define CRASH_ROWS 64
typedef struct crow {
	int64_t bug, time;
	char *title, *source, *sig;
} crow;

/* Counts of the current transaction, written once per bug at commit. */
typedef struct pend {
	int64_t bug, count, first, last;
} pend;

struct crashsig_store {
	crow *rows;
	size_t nrows, rows_cap;
	cs_stmt *multi; /* CRASH_ROWS rows per INSERT */
	pend *pend;
	size_t pend_cap, pend_len;
	cs_db *db;
	cs_err err;
	crashsig_store_options opts;
	cs_stmt *q[NQ];
	int schema;
	/* transaction state */
	int in_tx;
	unsigned tx_adds;
	int64_t gen;  /* generation the caches belong to; -1: none */
	/* title list -> bug */
	cache_ent *cache;
	size_t cache_cap, cache_len;
	/* the rules whose `generic` table similarity uses: those of
	 * opts.ctx (borrowed), else the built-in ones, loaded on first use
	 * (owned) */
	cs_rules *own_rules;
	/* signatures of open bugs (for similarity) */
	sig_ent *sigs;
	size_t nsigs, sigs_cap;
	int sigs_loaded;
};

static int fail(crashsig_store *s, int code)
{
	return cs_error(&s->err, code, "%s", cs_db_errmsg(s->db));
}

CS_EXPORT const char *crashsig_store_error(const crashsig_store *s)
{
	return s ? s->err.msg : "";
}

CS_EXPORT const char *crashsig_store_backend(const crashsig_store *s)
{
	return s && s->db && cs_db_get_kind(s->db) == CS_DB_PG ? "postgresql" : "sqlite";
}

CS_EXPORT int crashsig_store_schema_version(const crashsig_store *s)
{
	return s ? s->schema : 0;
}

/* ---------------- caches ---------------- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h | 1;
}

static void cache_clear(crashsig_store *s)
{
	for (size_t i = 0; i < s->cache_cap; i++)
		free(s->cache[i].key);
	free(s->cache);
	s->cache = NULL;
	s->cache_cap = s->cache_len = 0;
	for (size_t i = 0; i < s->nsigs; i++)
		cs_sig_release(&s->sigs[i].sig);
	free(s->sigs);
	s->sigs = NULL;
	s->nsigs = s->sigs_cap = 0;
	s->sigs_loaded = 0;
}

static int64_t cache_get(crashsig_store *s, const char *key)
{
	if (!s->cache_cap)
		return 0;
	uint64_t h = hash_str(key);
	for (size_t i = h & (s->cache_cap - 1);; i = (i + 1) & (s->cache_cap - 1)) {
		if (!s->cache[i].hash)
			return 0;
		if (s->cache[i].hash == h && !strcmp(s->cache[i].key, key))
			return s->cache[i].bug;
	}
}

/* Entries kept before the cache starts anew: memory stays bounded however
 * many distinct titles a store sees. */
#define CACHE_MAX 65536

static void cache_put(crashsig_store *s, const char *key, int64_t bug)
{
	if (s->cache_len >= CACHE_MAX) {
		for (size_t i = 0; i < s->cache_cap; i++)
			free(s->cache[i].key);
		memset(s->cache, 0, s->cache_cap * sizeof(*s->cache));
		s->cache_len = 0;
	}
	if ((s->cache_len + 1) * 2 > s->cache_cap) {
		size_t ncap = s->cache_cap ? s->cache_cap * 2 : 1024;
		cache_ent *n = calloc(ncap, sizeof(*n));
		if (!n)
			return; /* a cache: losing it costs speed only */
		for (size_t i = 0; i < s->cache_cap; i++) {
			if (!s->cache[i].hash)
				continue;
			size_t j = s->cache[i].hash & (ncap - 1);
			while (n[j].hash)
				j = (j + 1) & (ncap - 1);
			n[j] = s->cache[i];
		}
		free(s->cache);
		s->cache = n;
		s->cache_cap = ncap;
	}
	uint64_t h = hash_str(key);
	size_t i = h & (s->cache_cap - 1);
	for (; s->cache[i].hash; i = (i + 1) & (s->cache_cap - 1))
		if (s->cache[i].hash == h && !strcmp(s->cache[i].key, key)) {
			s->cache[i].bug = bug;
			return;
		}
	char *k = strdup(key);
	if (!k)
		return;
	s->cache[i].hash = h;
	s->cache[i].key = k;
	s->cache[i].bug = bug;
	s->cache_len++;
}

/* ---------------- transactions ---------------- */

static int step_int(crashsig_store *s, int q, int64_t *out)
{
	int rc = cs_stmt_step(s->q[q]);
	if (rc < 0) {
		cs_stmt_reset(s->q[q]);
		return fail(s, CRASHSIG_EDB);
	}
	*out = rc && !cs_stmt_is_null(s->q[q], 0) ? cs_stmt_int(s->q[q], 0) : -1;
	cs_stmt_reset(s->q[q]);
	return 0;
}

static int run(crashsig_store *s, int q)
{
	int rc = cs_stmt_step(s->q[q]);
	cs_stmt_reset(s->q[q]);
	return rc < 0 ? fail(s, CRASHSIG_EDB) : 0;
}

static int count_crash(crashsig_store *s, int64_t bug, int64_t when)
{
	if (s->pend_cap) {
		for (size_t i = (size_t)bug & (s->pend_cap - 1);; i = (i + 1) & (s->pend_cap - 1)) {
			pend *p = &s->pend[i];
			if (!p->bug)
				break;
			if (p->bug == bug) {
				p->count++;
				if (when < p->first)
					p->first = when;
				if (when > p->last)
					p->last = when;
				return 0;
			}
		}
	}
	if ((s->pend_len + 1) * 2 > s->pend_cap) {
		size_t ncap = s->pend_cap ? s->pend_cap * 2 : 256;
		pend *n = calloc(ncap, sizeof(*n));
		if (!n)
			return CRASHSIG_ENOMEM;
		for (size_t i = 0; i < s->pend_cap; i++) {
			if (!s->pend[i].bug)
				continue;
			size_t j = (size_t)s->pend[i].bug & (ncap - 1);
			while (n[j].bug)
				j = (j + 1) & (ncap - 1);
			n[j] = s->pend[i];
		}
		free(s->pend);
		s->pend = n;
		s->pend_cap = ncap;
	}
	size_t i = (size_t)bug & (s->pend_cap - 1);
	while (s->pend[i].bug)
		i = (i + 1) & (s->pend_cap - 1);
	s->pend[i] = (pend){bug, 1, when, when};
	s->pend_len++;
	return 0;
}

static void rows_clear(crashsig_store *s)
{
	for (size_t i = 0; i < s->nrows; i++) {
		free(s->rows[i].title);
		free(s->rows[i].source);
		free(s->rows[i].sig);
	}
	s->nrows = 0;
}

static int queue_crash(crashsig_store *s, int64_t bug, int64_t when, const char *title,
		       const char *source, const char *sig)
{
	if (cs_reserve((void **)&s->rows, &s->rows_cap, s->nrows + 1, sizeof(*s->rows)))
		return CRASHSIG_ENOMEM;
	crow *r = &s->rows[s->nrows];
	r->bug = bug;
	r->time = when;
	r->title = strdup(title);
	r->source = source ? strdup(source) : NULL;
	r->sig = sig ? strdup(sig) : NULL;
	if (!r->title || (source && !r->source) || (sig && !r->sig)) {
		free(r->title);
		free(r->source);
		free(r->sig);
		return CRASHSIG_ENOMEM;
	}
	s->nrows++;
	return 0;
}

static void bind_row(cs_stmt *q, int base, const crow *r)
{
	cs_stmt_bind_int(q, base + 1, r->bug);
	cs_stmt_bind_int(q, base + 2, r->time);
	cs_stmt_bind_text(q, base + 3, r->title);
	cs_stmt_bind_text(q, base + 4, r->source);
	cs_stmt_bind_text(q, base + 5, r->sig);
}

/* Insert the queued crash rows. */
static int flush_rows(crashsig_store *s)
{
	size_t i = 0;
	if (!s->multi && s->nrows >= CRASH_ROWS) {
		cs_buf b = {0};
		int e = cs_buf_adds(&b, "INSERT INTO crashes (bug_id, time, title, source, signature) VALUES ");
		for (int k = 0; !e && k < CRASH_ROWS; k++)
			e = cs_buf_adds(&b, k ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)");
		if (e || cs_db_prepare(s->db, b.data, &s->multi)) {
			cs_buf_free(&b);
			return e ? cs_error(&s->err, CRASHSIG_ENOMEM, "out of memory") : fail(s, CRASHSIG_EDB);
		}
		cs_buf_free(&b);
	}
	for (; i + CRASH_ROWS <= s->nrows; i += CRASH_ROWS) {
		for (int k = 0; k < CRASH_ROWS; k++)
			bind_row(s->multi, 5 * k, &s->rows[i + (size_t)k]);
		int rc = cs_stmt_step(s->multi);
		cs_stmt_reset(s->multi);
		if (rc < 0)
			return fail(s, CRASHSIG_EDB);
	}
	for (; i < s->nrows; i++) {
		bind_row(s->q[Q_CRASH], 0, &s->rows[i]);
		if (run(s, Q_CRASH))
			return CRASHSIG_EDB;
	}
	rows_clear(s);
	return 0;
}

/* Write the counts of this transaction. */
static int flush_counts(crashsig_store *s)
{
	if (s->nrows && flush_rows(s))
		return CRASHSIG_EDB;
	for (size_t i = 0; i < s->pend_cap; i++) {
		pend *p = &s->pend[i];
		if (!p->bug)
			continue;
		cs_stmt *q = s->q[Q_COUNT];
		cs_stmt_bind_int(q, 1, p->count);
		cs_stmt_bind_int(q, 2, p->first);
		cs_stmt_bind_int(q, 3, p->first);
		cs_stmt_bind_int(q, 4, p->last);
		cs_stmt_bind_int(q, 5, p->last);
		cs_stmt_bind_int(q, 6, p->bug);
		if (run(s, Q_COUNT))
			return CRASHSIG_EDB;
		memset(p, 0, sizeof(*p));
	}
	s->pend_len = 0;
	return 0;
}

static int tx_begin(crashsig_store *s)
{
	if (s->in_tx)
		return 0;
	if (cs_db_begin(s->db))
		return fail(s, CRASHSIG_EDB);
	s->in_tx = 1;
	s->tx_adds = 0;
	int64_t g;
	if (step_int(s, Q_GEN, &g)) {
		cs_db_rollback(s->db);
		s->in_tx = 0;
		return CRASHSIG_EDB;
	}
	if (g != s->gen) {
		/* Someone else changed the grouping: the caches are stale. */
		cache_clear(s);
		s->gen = g;
	}
	return 0;
}

static void tx_abort(crashsig_store *s)
{
	if (!s->in_tx)
		return;
	cs_db_rollback(s->db);
	s->in_tx = 0;
	/* Our own changes of this transaction are gone: so are the caches. */
	cache_clear(s);
	if (s->pend)
		memset(s->pend, 0, s->pend_cap * sizeof(*s->pend));
	s->pend_len = 0;
	rows_clear(s);
	s->gen = -1;
}

static int tx_commit(crashsig_store *s)
{
	if (!s->in_tx)
		return 0;
	if (flush_counts(s) || cs_db_commit(s->db)) {
		int rc = fail(s, CRASHSIG_EDB);
		tx_abort(s);
		return rc;
	}
	s->in_tx = 0;
	return 0;
}

/* Record a change of the grouping (bugs, titles, status). */
static int bump(crashsig_store *s)
{
	if (run(s, Q_GEN_BUMP))
		return CRASHSIG_EDB;
	s->gen++;
	return 0;
}

CS_EXPORT int crashsig_store_flush(crashsig_store *s)
{
	if (!s)
		return CRASHSIG_EINVAL;
	return tx_commit(s);
}

/* ---------------- open / migrate ---------------- */

static int migrate(crashsig_store *s)
{
	/* The version table may not exist yet; creating it is idempotent and
	 * done under the write lock, so two first users do not race. */
	if (cs_db_begin(s->db))
		return fail(s, CRASHSIG_EDB);
	int rc = cs_db_exec(s->db, "CREATE TABLE IF NOT EXISTS crashsig_schema (version INTEGER NOT NULL)");
	cs_stmt *st = NULL;
	if (!rc)
		rc = cs_db_prepare(s->db, "SELECT MAX(version) FROM crashsig_schema", &st);
	int64_t v = 0;
	if (!rc) {
		int r = cs_stmt_step(st);
		if (r < 0)
			rc = CRASHSIG_EDB;
		else if (r && !cs_stmt_is_null(st, 0))
			v = cs_stmt_int(st, 0);
		cs_stmt_free(st);
	}
	if (!rc && v > SCHEMA_VERSION) {
		cs_db_rollback(s->db);
		return cs_error(&s->err, CRASHSIG_EUNSUPPORTED,
				"the store has schema version %lld; this crashsig knows up to %d",
				(long long)v, SCHEMA_VERSION);
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
	}
	if (rc) {
		rc = fail(s, CRASHSIG_EDB);
		cs_db_rollback(s->db);
		return rc;
	}
	if (cs_db_commit(s->db))
		return fail(s, CRASHSIG_EDB);
	s->schema = (int)v;
	return 0;
}

CS_EXPORT int crashsig_store_open(crashsig_store **out, const char *url,
				  const crashsig_store_options *opts)
{
	if (!out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	crashsig_store *s = calloc(1, sizeof(*s));
	if (!s)
		return CRASHSIG_ENOMEM;
	*out = s;
	s->gen = -1;
	crashsig_store_options def = CRASHSIG_STORE_OPTIONS_INIT;
	if (opts && (opts->version < 1 || opts->version > CRASHSIG_STORE_OPTIONS_VERSION))
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown store options version %u",
				opts->version);
	s->opts = def;
	if (opts && opts->version == 1) /* the fields before ctx */
		memcpy(&s->opts, opts, offsetof(crashsig_store_options, ctx));
	else if (opts && opts->version == 2) /* the fields before keep_per_bug */
		memcpy(&s->opts, opts, offsetof(crashsig_store_options, keep_per_bug));
	else if (opts)
		s->opts = *opts;
	s->opts.version = CRASHSIG_STORE_OPTIONS_VERSION;
	if (s->opts.similarity_threshold <= 0)
		s->opts.similarity_threshold = CRASHSIG_SIMILARITY_THRESHOLD;
	if (!url || !*url)
		return cs_error(&s->err, CRASHSIG_EINVAL, "no database given");
	int rc = cs_db_open(&s->db, url, !(s->opts.flags & CRASHSIG_STORE_NO_CREATE),
			    s->opts.busy_timeout_ms, &s->err);
	if (rc)
		return rc;
	if ((rc = migrate(s)))
		return rc;
	for (int i = 0; i < NQ; i++)
		if (cs_db_prepare(s->db, queries[i], &s->q[i]))
			return fail(s, CRASHSIG_EDB);
	return 0;
}

CS_EXPORT void crashsig_store_free(crashsig_store *s)
{
	if (!s)
		return;
	if (s->in_tx && tx_commit(s))
		tx_abort(s);
	for (int i = 0; i < NQ; i++)
		cs_stmt_free(s->q[i]);
	cs_stmt_free(s->multi);
	rows_clear(s);
	free(s->rows);
	cs_db_close(s->db);
	cache_clear(s);
	cs_rules_free(s->own_rules);
	free(s->pend);
	free(s);
}

/* ---------------- the dashboard's rules ---------------- */

/* A title as the dashboard keeps it: spaces trimmed, length limited at a
 * UTF-8 boundary; bytes that are not UTF-8 become '?' so that every backend
 * can store it as text. */
static char *norm_title(const char *t)
{
	if (!t)
		t = "";
	while (cs_isspace((unsigned char)*t))
		t++;
	size_t n = strlen(t);
	while (n && cs_isspace((unsigned char)t[n - 1]))
		n--;
	char *o = malloc(n + 1);
	if (!o)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)t[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 && c >= 0xc2 ? 2
			: (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 && c <= 0xf4 ? 4 : 0;
		for (size_t m = 1; k && m < k; m++)
			if (i + m >= n || ((unsigned char)t[i + m] & 0xc0) != 0x80)
				k = 0;
		if (c < 0x20 || c == 0x7f)
			k = 0;
		if (j + (k ? k : 1) > MAX_TITLE)
			break;
		if (!k) {
			o[j++] = '?';
			i++;
			continue;
		}
		memcpy(o + j, t + i, k);
		j += k;
		i += k;
	}
	while (j && o[j - 1] == ' ')
		j--;
	o[j] = 0;
	return o;
}

typedef struct titles {
	char **v;
	size_t n;
} titles;

static void titles_free(titles *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static int titles_has(const titles *t, size_t from, const char *x)
{
	for (size_t i = from; i < t->n; i++)
		if (!strcmp(t->v[i], x))
			return 1;
	return 0;
}

/* The crash's title list: canonical title first, then its alternative
 * titles without repeats (reportCrash). */
static int crash_titles(const crashsig_crash *c, titles *t)
{
	t->v = calloc(c->nalt_titles + 1, sizeof(char *));
	if (!t->v)
		return CRASHSIG_ENOMEM;
	const char *canon = c->corrupted ? CRASHSIG_CORRUPTED_TITLE
			    : c->suppressed ? CRASHSIG_SUPPRESSED_TITLE : c->title;
	if (!(t->v[t->n++] = norm_title(canon)))
		return CRASHSIG_ENOMEM;
	if (c->corrupted || c->suppressed)
		return 0;
	for (size_t i = 0; i < c->nalt_titles; i++) {
		char *a = norm_title(c->alt_titles[i]);
		if (!a)
			return CRASHSIG_ENOMEM;
		if (titles_has(t, 0, a)) {
			free(a);
			continue;
		}
		t->v[t->n++] = a;
	}
	return 0;
}

typedef struct cand {
	int64_t id;
	char *title;
	int64_t seq;
	int status;
} cand;

static int cand_cmp(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	int c = strcmp(x->title, y->title); /* bytewise, as Go compares strings */
	if (c)
		return c;
	if (x->seq != y->seq)
		return x->seq > y->seq ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* findBugForCrash: the open bug the crash joins, or 0. */
static int find_bug(crashsig_store *s, const titles *t, int64_t *bug)
{
	*bug = 0;
	/* 1. A bug that merged this title before: highest seq, open. */
	cs_stmt *q = s->q[Q_MERGED_BUGS];
	cs_stmt_bind_text(q, 1, t->v[0]);
	int rc;
	while ((rc = cs_stmt_step(q)) == 1) {
		if (cs_stmt_int(q, 1) == CRASHSIG_BUG_OPEN) {
			*bug = cs_stmt_int(q, 0);
			break;
		}
	}
	cs_stmt_reset(q);
	if (rc < 0)
		return fail(s, CRASHSIG_EDB);
	if (*bug)
		return 0;
	/* 2. The highest-seq bug of each of the crash's titles, if open. */
	q = s->q[Q_TITLE_TOP];
	for (size_t i = 0; i < t->n; i++) {
		cs_stmt_bind_text(q, 1, t->v[i]);
		rc = cs_stmt_step(q);
		if (rc == 1 && cs_stmt_int(q, 1) == CRASHSIG_BUG_OPEN)
			*bug = cs_stmt_int(q, 0);
		cs_stmt_reset(q);
		if (rc < 0)
			return fail(s, CRASHSIG_EDB);
		if (*bug)
			return 0;
	}
	/* 3. Bugs whose alternative titles meet the crash's titles. */
	cand *cs = NULL;
	size_t nc = 0, cap = 0;
	q = s->q[Q_ALT_BUGS];
	rc = 0;
	for (size_t i = 0; i < t->n && rc >= 0; i++) {
		cs_stmt_bind_text(q, 1, t->v[i]);
		while ((rc = cs_stmt_step(q)) == 1) {
			if (cs_reserve((void **)&cs, &cap, nc + 1, sizeof(*cs))) {
				rc = CRASHSIG_ENOMEM;
				break;
			}
			const char *bt = cs_stmt_text(q, 1, NULL);
			cs[nc].id = cs_stmt_int(q, 0);
			cs[nc].title = strdup(bt ? bt : "");
			cs[nc].seq = cs_stmt_int(q, 2);
			cs[nc].status = (int)cs_stmt_int(q, 3);
			if (!cs[nc].title) {
				rc = CRASHSIG_ENOMEM;
				break;
			}
			nc++;
		}
		cs_stmt_reset(q);
	}
	if (rc < 0) {
		for (size_t i = 0; i < nc; i++)
			free(cs[i].title);
		free(cs);
		return rc == CRASHSIG_ENOMEM ? cs_error(&s->err, rc, "out of memory")
					     : fail(s, CRASHSIG_EDB);
	}
	if (nc > 1)
		qsort(cs, nc, sizeof(*cs), cand_cmp);
	int best_prio = 0;
	for (size_t i = 0; i < nc && rc >= 0; i++) {
		/* Only the highest seq of each bug title counts. */
		if (i && !strcmp(cs[i - 1].title, cs[i].title))
			continue;
		if (cs[i].status != CRASHSIG_BUG_OPEN)
			continue;
		int prio = 0;
		if (titles_has(t, 1, cs[i].title)) {
			prio = 2;
		} else {
			int64_t has;
			cs_stmt_bind_int(s->q[Q_ALT_HAS], 1, cs[i].id);
			cs_stmt_bind_text(s->q[Q_ALT_HAS], 2, t->v[0]);
			if (step_int(s, Q_ALT_HAS, &has)) {
				rc = CRASHSIG_EDB;
				break;
			}
			if (has > 0)
				prio = 1;
		}
		if (!*bug || prio > best_prio) {
			*bug = cs[i].id;
			best_prio = prio;
		}
	}
	for (size_t i = 0; i < nc; i++)
		free(cs[i].title);
	free(cs);
	return rc < 0 ? CRASHSIG_EDB : 0;
}

static int add_title(crashsig_store *s, int64_t bug, int kind, const char *title,
		     int *added)
{
	int64_t has, pos = 0;
	*added = 0;
	cs_stmt_bind_int(s->q[Q_HAS_TITLE], 1, bug);
	cs_stmt_bind_int(s->q[Q_HAS_TITLE], 2, kind);
	cs_stmt_bind_text(s->q[Q_HAS_TITLE], 3, title);
	if (step_int(s, Q_HAS_TITLE, &has))
		return CRASHSIG_EDB;
	if (has > 0)
		return 0;
	if (kind == T_ALT) {
		cs_stmt_bind_int(s->q[Q_NALT], 1, bug);
		if (step_int(s, Q_NALT, &pos))
			return CRASHSIG_EDB;
	}
	cs_stmt *q = s->q[Q_ADD_TITLE];
	cs_stmt_bind_int(q, 1, bug);
	cs_stmt_bind_int(q, 2, kind);
	cs_stmt_bind_text(q, 3, title);
	cs_stmt_bind_int(q, 4, pos);
	if (run(s, Q_ADD_TITLE))
		return CRASHSIG_EDB;
	*added = 1;
	return 0;
}

/* ---------------- similarity ---------------- */

/* The rules whose `generic` table similarity uses (see own_rules). */
static int sim_rules(crashsig_store *s, const cs_rules **out)
{
	*out = NULL;
	if (s->opts.ctx && s->opts.ctx->rules) {
		*out = s->opts.ctx->rules;
		return 0;
	}
	if (!s->own_rules) {
		int rc = cs_rules_load_builtin(&s->own_rules, &s->err);
		if (rc)
			return rc;
	}
	*out = s->own_rules;
	return 0;
}

static int load_sigs(crashsig_store *s)
{
	if (s->sigs_loaded)
		return 0;
	const cs_rules *rules;
	int rc = sim_rules(s, &rules);
	if (rc)
		return rc;
	cs_stmt *q = s->q[Q_SIGS];
	while ((rc = cs_stmt_step(q)) == 1) {
		if (cs_reserve((void **)&s->sigs, &s->sigs_cap, s->nsigs + 1,
			       sizeof(*s->sigs))) {
			rc = CRASHSIG_ENOMEM;
			break;
		}
		const char *sig = cs_stmt_text(q, 1, NULL);
		s->sigs[s->nsigs].id = cs_stmt_int(q, 0);
		if (cs_sig_prepare(&s->sigs[s->nsigs].sig, sig ? sig : "", rules)) {
			rc = CRASHSIG_ENOMEM;
			break;
		}
		s->nsigs++;
	}
	cs_stmt_reset(q);
	if (rc < 0)
		return rc == CRASHSIG_ENOMEM ? cs_error(&s->err, rc, "out of memory")
					     : fail(s, CRASHSIG_EDB);
	s->sigs_loaded = 1;
	return 0;
}

static void sigs_add(crashsig_store *s, int64_t id, const char *sig)
{
	if (!s->sigs_loaded || !sig || !*sig)
		return;
	if (cs_reserve((void **)&s->sigs, &s->sigs_cap, s->nsigs + 1, sizeof(*s->sigs)))
		return;
	const cs_rules *rules;
	if (sim_rules(s, &rules) || cs_sig_prepare(&s->sigs[s->nsigs].sig, sig, rules))
		return;
	s->sigs[s->nsigs++].id = id;
}

/* The open bug most similar to sig (smallest distance, then lowest id). */
static int most_similar(crashsig_store *s, const char *sig, int64_t *id, double *dist)
{
	*id = 0;
	*dist = 1.0;
	if (!sig || !*sig)
		return 0;
	int rc = load_sigs(s);
	if (rc)
		return rc;
	const cs_rules *rules;
	if ((rc = sim_rules(s, &rules)))
		return rc;
	cs_sig me;
	if (cs_sig_prepare(&me, sig, rules))
		return cs_error(&s->err, CRASHSIG_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->nsigs; i++) {
		double d = cs_sig_distance(&me, &s->sigs[i].sig);
		if (d < *dist || (d == *dist && *id && s->sigs[i].id < *id && d < 1.0)) {
			*dist = d;
			*id = s->sigs[i].id;
		}
	}
	cs_sig_release(&me);
	if (*dist >= 1.0)
		*id = 0;
	return 0;
}

/* ---------------- add ---------------- */

static int64_t now_s(void) { return (int64_t)time(NULL); }

static int add_locked(crashsig_store *s, const crashsig_crash *c0, const titles *t,
		      const char *key, const cs_lazy_sig *lazy, crashsig_add_result *res)
{
	crashsig_crash cc = *c0;
	const crashsig_crash *c = &cc;
	int64_t when = c->time ? c->time : now_s();
	int64_t bug = cache_get(s, key);
	int changed = 0, added;
	char *sig = NULL;
	if (!bug && lazy) {
		/* The slow path needs the signature: compute it now. */
		int no_stack = 0;
		if (lazy->fn(lazy->arg, &sig, &no_stack))
			return cs_error(&s->err, CRASHSIG_ENOMEM, "out of memory");
		cc.signature = sig;
		cc.no_stack_kind |= no_stack;
	}
	if (!bug) {
		if (find_bug(s, t, &bug)) {
			free(sig);
			return CRASHSIG_EDB;
		}
		int no_stack = c->no_stack_kind || c->corrupted || c->suppressed ||
			       cs_signature_no_stack_title(t->v[0]);
		int64_t sim = 0;
		double dist = 1.0;
		if (!bug && !no_stack) {
			if (most_similar(s, c->signature, &sim, &dist))
				goto db_fail;
			if (dist > s->opts.similarity_threshold)
				sim = 0;
			if (sim && (s->opts.flags & CRASHSIG_STORE_MERGE_SIMILAR)) {
				bug = sim;
				res->merged_similar = 1;
			}
			res->similar_to = sim;
			res->distance = sim ? dist : 0;
		}
		if (!bug) {
			/* createBugForCrash: one seq above the highest. */
			int64_t seq;
			cs_stmt_bind_text(s->q[Q_MAX_SEQ], 1, t->v[0]);
			if (step_int(s, Q_MAX_SEQ, &seq))
				goto db_fail;
			seq = seq < 0 ? 0 : seq + 1;
			cs_stmt *q = s->q[Q_NEW_BUG];
			cs_stmt_bind_text(q, 1, t->v[0]);
			cs_stmt_bind_int(q, 2, seq);
			cs_stmt_bind_int(q, 3, when);
			cs_stmt_bind_int(q, 4, when);
			cs_stmt_bind_text(q, 5, c->signature && *c->signature ? c->signature : NULL);
			cs_stmt_bind_blob(q, 6, c->report ? c->report : NULL, c->report ? c->report_len : 0);
			cs_stmt_bind_text(q, 7, c->source);
			if (sim) {
				cs_stmt_bind_int(q, 8, sim);
				cs_stmt_bind_double(q, 9, dist);
			} else {
				cs_stmt_bind_text(q, 8, NULL);
				cs_stmt_bind_text(q, 9, NULL);
			}
			cs_stmt_bind_int(q, 10, no_stack);
			int rc = cs_stmt_step(q);
			if (rc == 1)
				bug = cs_stmt_int(q, 0);
			cs_stmt_reset(q);
			if (rc != 1) {
				fail(s, CRASHSIG_EDB);
				goto db_fail;
			}
			res->new_bug = 1;
			changed = 1;
			if (!no_stack)
				sigs_add(s, bug, c->signature);
		}
		/* MergedTitles += title; AltTitles += titles. A new bug gets its
		 * title at AltTitles[0]. */
		if (add_title(s, bug, T_MERGED, t->v[0], &added))
			goto db_fail;
		changed |= added;
		for (size_t i = 0; i < t->n; i++) {
			if (add_title(s, bug, T_ALT, t->v[i], &added))
				goto db_fail;
			changed |= added;
		}
		if (changed && bump(s))
			goto db_fail;
		cache_put(s, key, bug);
	}
	if (count_crash(s, bug, when) ||
	    queue_crash(s, bug, when, t->v[0], c->source,
			c->signature && *c->signature ? c->signature : NULL)) {
		free(sig);
		return cs_error(&s->err, CRASHSIG_ENOMEM, "out of memory");
	}
	res->bug_id = bug;
	free(sig);
	return 0;
db_fail:
	free(sig);
	return CRASHSIG_EDB;
}

CS_EXPORT int crashsig_store_add(crashsig_store *s, const crashsig_crash *c,
				 crashsig_add_result *res)
{
	return cs_store_add_lazy(s, c, NULL, res);
}

int cs_store_add_lazy(crashsig_store *s, const crashsig_crash *c, const cs_lazy_sig *lazy,
		      crashsig_add_result *res)
{
	if (!s || !c || !s->db)
		return CRASHSIG_EINVAL;
	if (c->version != CRASHSIG_CRASH_VERSION)
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown crash version %u", c->version);
	if (!c->title && !c->corrupted && !c->suppressed)
		return cs_error(&s->err, CRASHSIG_EINVAL, "crash without a title");
	crashsig_add_result dummy;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	titles t = {0};
	cs_buf key = {0};
	int rc = crash_titles(c, &t);
	for (size_t i = 0; !rc && i < t.n; i++)
		if (cs_buf_adds(&key, t.v[i]) || cs_buf_addc(&key, '\n'))
			rc = CRASHSIG_ENOMEM;
	if (rc) {
		titles_free(&t);
		cs_buf_free(&key);
		return cs_error(&s->err, CRASHSIG_ENOMEM, "out of memory");
	}
	if (!t.v[0][0]) {
		titles_free(&t);
		cs_buf_free(&key);
		return cs_error(&s->err, CRASHSIG_EINVAL, "crash with an empty title");
	}
	rc = tx_begin(s);
	if (!rc) {
		rc = add_locked(s, c, &t, key.data, lazy, res);
		if (rc) {
			tx_abort(s);
		} else if (++s->tx_adds >= (s->opts.batch ? s->opts.batch : 1)) {
			rc = tx_commit(s);
		}
	}
	titles_free(&t);
	cs_buf_free(&key);
	if (rc)
		memset(res, 0, sizeof(*res));
	return rc;
}

/* ---------------- read ---------------- */

CS_EXPORT void crashsig_bug_free(crashsig_bug *b)
{
	if (!b)
		return;
	free((void *)b->title);
	free((void *)b->base_title);
	for (size_t i = 0; i < b->nmerged_titles; i++)
		free((void *)b->merged_titles[i]);
	free((void *)b->merged_titles);
	for (size_t i = 0; i < b->nalt_titles; i++)
		free((void *)b->alt_titles[i]);
	free((void *)b->alt_titles);
	free((void *)b->signature);
	free((void *)b->report);
	free((void *)b->report_source);
	free(b);
}

CS_EXPORT void crashsig_bugs_free(crashsig_bug **bugs, size_t count)
{
	if (!bugs)
		return;
	for (size_t i = 0; i < count; i++)
		crashsig_bug_free(bugs[i]);
	free(bugs);
}

static char *dup_col(cs_stmt *q, int col, size_t *len)
{
	size_t n;
	const char *p = cs_stmt_text(q, col, &n);
	if (len)
		*len = p ? n : 0;
	if (!p)
		return NULL;
	char *o = malloc(n + 1);
	if (o) {
		memcpy(o, p, n);
		o[n] = 0;
	}
	return o;
}

static int push_str(const char *const **v, size_t *n, const char *s)
{
	char *d = strdup(s ? s : "");
	const char **nv = d ? realloc((void *)*v, (*n + 1) * sizeof(char *)) : NULL;
	if (!nv) {
		free(d);
		return CRASHSIG_ENOMEM;
	}
	nv[(*n)++] = d;
	*v = nv;
	return 0;
}

static int load_bug(crashsig_store *s, int64_t id, crashsig_bug **out)
{
	*out = NULL;
	/* a read sees the counts of the open transaction */
	if ((s->pend_len || s->nrows) && flush_counts(s))
		return CRASHSIG_EDB;
	cs_stmt *q = s->q[Q_BUG];
	cs_stmt_bind_int(q, 1, id);
	int rc = cs_stmt_step(q);
	if (rc <= 0) {
		cs_stmt_reset(q);
		return rc < 0 ? fail(s, CRASHSIG_EDB)
			      : cs_error(&s->err, CRASHSIG_ENOTFOUND, "no bug %lld", (long long)id);
	}
	crashsig_bug *b = calloc(1, sizeof(*b));
	int oom = !b;
	if (b) {
		b->id = cs_stmt_int(q, 0);
		b->base_title = dup_col(q, 1, NULL);
		b->seq = (int)cs_stmt_int(q, 2);
		b->status = (crashsig_bug_status)cs_stmt_int(q, 3);
		b->count = cs_stmt_int(q, 4);
		b->first_seen = cs_stmt_int(q, 5);
		b->last_seen = cs_stmt_int(q, 6);
		b->signature = dup_col(q, 7, NULL);
		b->report = dup_col(q, 8, &b->report_len);
		b->report_source = dup_col(q, 9, NULL);
		b->similar_to = cs_stmt_is_null(q, 10) ? 0 : cs_stmt_int(q, 10);
		b->similar_distance = cs_stmt_is_null(q, 11) ? 0 : cs_stmt_double(q, 11);
		oom = !b->base_title;
	}
	cs_stmt_reset(q);
	if (!oom) {
		cs_buf t = {0};
		if (b->seq)
			oom = cs_buf_printf(&t, "%s (%d)", b->base_title, b->seq + 1) != 0;
		else
			oom = cs_buf_adds(&t, b->base_title) != 0;
		b->title = cs_buf_detach(&t);
		oom |= !b->title;
	}
	if (oom) {
		crashsig_bug_free(b);
		return cs_error(&s->err, CRASHSIG_ENOMEM, "out of memory");
	}
	q = s->q[Q_BUG_TITLES];
	cs_stmt_bind_int(q, 1, id);
	while ((rc = cs_stmt_step(q)) == 1) {
		const char *t = cs_stmt_text(q, 1, NULL);
		int e;
		if (cs_stmt_int(q, 0) == T_MERGED) {
			if (t && !strcmp(t, b->base_title))
				continue;
			e = push_str(&b->merged_titles, &b->nmerged_titles, t);
		} else {
			e = push_str(&b->alt_titles, &b->nalt_titles, t);
		}
		if (e) {
			rc = CRASHSIG_ENOMEM;
			break;
		}
	}
	cs_stmt_reset(q);
	if (rc < 0) {
		crashsig_bug_free(b);
		return rc == CRASHSIG_ENOMEM ? cs_error(&s->err, rc, "out of memory")
					     : fail(s, CRASHSIG_EDB);
	}
	*out = b;
	return 0;
}

CS_EXPORT int crashsig_store_get(crashsig_store *s, int64_t id, crashsig_bug **out)
{
	if (!s || !out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	return load_bug(s, id, out);
}

CS_EXPORT int crashsig_store_lookup(crashsig_store *s, const char *title,
				    const char *const *alt_titles, size_t nalt_titles,
				    crashsig_bug **out)
{
	if (!s || !out || !title)
		return CRASHSIG_EINVAL;
	*out = NULL;
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	c.title = title;
	c.alt_titles = alt_titles;
	c.nalt_titles = nalt_titles;
	titles t = {0};
	if (crash_titles(&c, &t)) {
		titles_free(&t);
		return cs_error(&s->err, CRASHSIG_ENOMEM, "out of memory");
	}
	int64_t bug = 0;
	int rc = find_bug(s, &t, &bug);
	titles_free(&t);
	if (rc)
		return rc;
	if (!bug)
		return cs_error(&s->err, CRASHSIG_ENOTFOUND, "no open bug for '%s'", title);
	return load_bug(s, bug, out);
}

CS_EXPORT int crashsig_store_list(crashsig_store *s, crashsig_bug ***out, size_t *count)
{
	if (!s || !out || !count)
		return CRASHSIG_EINVAL;
	*out = NULL;
	*count = 0;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	cs_stmt *q = s->q[Q_LIST];
	int rc;
	while ((rc = cs_stmt_step(q)) == 1) {
		if (cs_reserve((void **)&ids, &cap, n + 1, sizeof(*ids))) {
			rc = CRASHSIG_ENOMEM;
			break;
		}
		ids[n++] = cs_stmt_int(q, 0);
	}
	cs_stmt_reset(q);
	if (rc < 0) {
		free(ids);
		return rc == CRASHSIG_ENOMEM ? cs_error(&s->err, rc, "out of memory")
					     : fail(s, CRASHSIG_EDB);
	}
	crashsig_bug **bugs = calloc(n ? n : 1, sizeof(*bugs));
	if (!bugs) {
		free(ids);
		return cs_error(&s->err, CRASHSIG_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if ((rc = load_bug(s, ids[i], &bugs[i]))) {
			crashsig_bugs_free(bugs, i);
			free(ids);
			return rc;
		}
	}
	free(ids);
	*out = bugs;
	*count = n;
	return 0;
}

CS_EXPORT int crashsig_store_set_status(crashsig_store *s, int64_t id,
					crashsig_bug_status status)
{
	if (!s)
		return CRASHSIG_EINVAL;
	if (status != CRASHSIG_BUG_OPEN && status != CRASHSIG_BUG_FIXED &&
	    status != CRASHSIG_BUG_CLOSED)
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown bug status %d", (int)status);
	int rc = tx_begin(s);
	if (rc)
		return rc;
	int64_t exists;
	cs_stmt_bind_int(s->q[Q_BUG], 1, id);
	rc = cs_stmt_step(s->q[Q_BUG]);
	cs_stmt_reset(s->q[Q_BUG]);
	exists = rc;
	if (rc < 0) {
		rc = fail(s, CRASHSIG_EDB);
	} else if (!exists) {
		rc = cs_error(&s->err, CRASHSIG_ENOTFOUND, "no bug %lld", (long long)id);
	} else {
		cs_stmt_bind_int(s->q[Q_STATUS], 1, (int64_t)status);
		cs_stmt_bind_int(s->q[Q_STATUS], 2, id);
		rc = run(s, Q_STATUS);
		if (!rc)
			rc = bump(s);
	}
	if (rc) {
		tx_abort(s);
		return rc;
	}
	/* Status decides which bugs attract crashes: start the caches anew. */
	cache_clear(s);
	return tx_commit(s);
}
