/*
 * The database layer of the bug store: SQLite (embedded default) and
 * PostgreSQL (libpq), behind one interface. Every SQL dialect difference of
 * the store lives in this file: the DDL placeholders in dialect_subst(), the
 * parameter syntax ('?' becomes $N for libpq) and how a writer takes the
 * write lock (cs_db_begin).
 *
 * libpq is loaded with dlopen() when a PostgreSQL URL is opened, as
 * libdebuginfod is (src/symbolize/locate.c): it pulls in Kerberos, LDAP,
 * GnuTLS and OpenSSL (some 25 shared objects), which every other use of
 * crashsig would load for nothing. libcrashsig has no link-time dependency
 * on it, and needs no libpq header to build.
 */
#include "dedup/dedup_int.h"

#include <dlfcn.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The part of libpq's ABI the store uses (libpq-fe.h of PostgreSQL 9.x to
 * 17; libpq.so.5 has kept it since 2005): opaque handles, the values of
 * the two enums compared, and the prototypes of the functions below. */
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
enum { PQ_CONNECTION_OK = 0 };                         /* ConnStatusType */
enum { PQ_PGRES_COMMAND_OK = 1, PQ_PGRES_TUPLES_OK = 2 }; /* ExecStatusType */
#define PQ_DIAG_SQLSTATE 'C'
typedef void (*pq_notice_fn)(void *arg, const char *message);

/* The soname of libpq since PostgreSQL 8.0. */
#define LIBPQ_SONAME "libpq.so.5"

typedef struct cs_pq {
	void *handle;
	PGconn *(*connectdb)(const char *conninfo);
	int (*status)(const PGconn *conn);
	char *(*errorMessage)(const PGconn *conn);
	void (*finish)(PGconn *conn);
	pq_notice_fn (*setNoticeProcessor)(PGconn *conn, pq_notice_fn proc, void *arg);
	PGresult *(*exec)(PGconn *conn, const char *query);
	PGresult *(*prepare)(PGconn *conn, const char *name, const char *query, int nparams,
			     const unsigned int *types);
	PGresult *(*execPrepared)(PGconn *conn, const char *name, int nparams,
				  const char *const *values, const int *lengths,
				  const int *formats, int result_format);
	int (*resultStatus)(const PGresult *res);
	char *(*resultErrorMessage)(const PGresult *res);
	char *(*resultErrorField)(const PGresult *res, int field);
	void (*clear)(PGresult *res);
	int (*ntuples)(const PGresult *res);
	int (*getisnull)(const PGresult *res, int row, int col);
	char *(*getvalue)(const PGresult *res, int row, int col);
	int (*getlength)(const PGresult *res, int row, int col);
} cs_pq;

/* Load libpq into pq. RTLD_NODELETE: libpq initialises OpenSSL, whose exit
 * handlers must stay mapped after the last store is closed. */
static int pq_load(cs_pq *pq, const char *soname, cs_err *err)
{
	memset(pq, 0, sizeof(*pq));
	dlerror();
	pq->handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!pq->handle) {
		const char *why = dlerror();
		return cs_error(err, CRASHSIG_EUNSUPPORTED,
				"postgresql: cannot load %s (%s); PostgreSQL stores need libpq "
				"(Debian: apt install libpq5)",
				soname, why ? why : "not found");
	}
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
#define S(f, n) {n, offsetof(cs_pq, f)}
		S(connectdb, "PQconnectdb"),
		S(status, "PQstatus"),
		S(errorMessage, "PQerrorMessage"),
		S(finish, "PQfinish"),
		S(setNoticeProcessor, "PQsetNoticeProcessor"),
		S(exec, "PQexec"),
		S(prepare, "PQprepare"),
		S(execPrepared, "PQexecPrepared"),
		S(resultStatus, "PQresultStatus"),
		S(resultErrorMessage, "PQresultErrorMessage"),
		S(resultErrorField, "PQresultErrorField"),
		S(clear, "PQclear"),
		S(ntuples, "PQntuples"),
		S(getisnull, "PQgetisnull"),
		S(getvalue, "PQgetvalue"),
		S(getlength, "PQgetlength"),
#undef S
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *f = dlsym(pq->handle, syms[i].name);
		if (!f) {
			dlclose(pq->handle);
			pq->handle = NULL;
			return cs_error(err, CRASHSIG_EUNSUPPORTED, "postgresql: %s has no %s",
					soname, syms[i].name);
		}
		/* POSIX: a data pointer from dlsym converts to a function pointer */
		memcpy((char *)pq + syms[i].off, &f, sizeof(f));
	}
	return 0;
}

struct cs_db {
	cs_db_kind kind;
	sqlite3 *lite;
	cs_pq pq;
	PGconn *pg;
	unsigned busy_ms;
	unsigned next_stmt; /* PostgreSQL prepared statement names */
	char msg[512];
};

#define MAXP 400

struct cs_stmt {
	cs_db *db;
	sqlite3_stmt *lite;
	int insert_id; /* prepared with {RETURNING id} */
	/* PostgreSQL */
	char name[24];
	int nparams;
	char *vals[MAXP];
	int lens[MAXP];
	int fmts[MAXP];
	PGresult *res;
	int row, nrows, ran;
};

/* libpq's messages span lines ("server closed the connection
 * unexpectedly\n\tThis probably means ..."): one line, so that an error is
 * one line of the tool's output. */
static void one_line(char *m)
{
	char *o = m;
	for (const char *p = m; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			while (p[1] == ' ' || p[1] == '\t' || p[1] == '\n' || p[1] == '\r')
				p++;
			if (p[1] && o > m && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		*o++ = *p;
	}
	while (o > m && o[-1] == ' ')
		o--;
	*o = 0;
}

static void set_msg(cs_db *db, const char *what, const char *detail)
{
	/* A failed libpq call without a result (the connection is gone) has
	 * an empty result message: the connection's own message says why. */
	int pg = db->pg && !strcmp(what, "postgresql");
	if (pg && (!detail || !*detail))
		detail = db->pq.errorMessage(db->pg);
	if (pg && (!detail || !*detail))
		detail = "the connection to the server was lost";
	snprintf(db->msg, sizeof(db->msg), "%s%s%s", what, detail ? ": " : "",
		 detail ? detail : "");
	one_line(db->msg);
}

const char *cs_db_errmsg(const cs_db *db) { return db ? db->msg : ""; }
cs_db_kind cs_db_get_kind(const cs_db *db) { return db->kind; }

/* DDL placeholders: {ID} an auto-increment 64-bit primary key, {BLOB}
 * bytes, {REAL} a double. */
static char *dialect_subst(cs_db_kind kind, const char *sql)
{
	static const char *const keys[] = {"{ID}", "{BLOB}", "{REAL}"};
	static const char *const lite[] = {"INTEGER PRIMARY KEY", "BLOB", "REAL"};
	static const char *const pg[] = {"BIGSERIAL PRIMARY KEY", "BYTEA",
					 "DOUBLE PRECISION"};
	cs_buf b = {0};
	for (const char *p = sql; *p;) {
		int done = 0;
		for (size_t k = 0; k < 3 && *p == '{'; k++) {
			size_t n = strlen(keys[k]);
			if (!strncmp(p, keys[k], n)) {
				if (cs_buf_adds(&b, kind == CS_DB_PG ? pg[k] : lite[k])) {
					cs_buf_free(&b);
					return NULL;
				}
				p += n;
				done = 1;
				break;
			}
		}
		if (!done && cs_buf_addc(&b, *p++)) {
			cs_buf_free(&b);
			return NULL;
		}
	}
	return b.data ? b.data : strdup("");
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* SQLite: run one statement text, retrying while the database is busy (the
 * busy handler covers most waits; BEGIN IMMEDIATE and journal_mode changes
 * can still report SQLITE_BUSY at once). */
static int lite_exec(cs_db *db, const char *sql)
{
	uint64_t start = now_ms();
	for (unsigned attempt = 0;; attempt++) {
		char *err = NULL;
		int rc = sqlite3_exec(db->lite, sql, NULL, NULL, &err);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
		    now_ms() - start < db->busy_ms) {
			sqlite3_free(err);
			sleep_ms(1 + attempt % 20);
			continue;
		}
		set_msg(db, "sqlite", err ? err : sqlite3_errmsg(db->lite));
		sqlite3_free(err);
		return CRASHSIG_EDB;
	}
}

static int pg_exec(cs_db *db, const char *sql)
{
	PGresult *r = db->pq.exec(db->pg, sql);
	int st = db->pq.resultStatus(r);
	if (st != PQ_PGRES_COMMAND_OK && st != PQ_PGRES_TUPLES_OK) {
		set_msg(db, "postgresql", db->pq.resultErrorMessage(r));
		db->pq.clear(r);
		return CRASHSIG_EDB;
	}
	db->pq.clear(r);
	return 0;
}

int cs_db_exec(cs_db *db, const char *sql)
{
	char *s = dialect_subst(db->kind, sql);
	if (!s) {
		set_msg(db, "out of memory", NULL);
		return CRASHSIG_ENOMEM;
	}
	int rc = db->kind == CS_DB_PG ? pg_exec(db, s) : lite_exec(db, s);
	free(s);
	return rc;
}

static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int cs_db_open(cs_db **out, const char *url, int create, unsigned busy_ms,
	       cs_err *err)
{
	return cs_db_open_with(out, url, create, busy_ms, LIBPQ_SONAME, err);
}

int cs_db_open_with(cs_db **out, const char *url, int create, unsigned busy_ms,
		    const char *libpq, cs_err *err)
{
	*out = NULL;
	cs_db *db = calloc(1, sizeof(*db));
	if (!db)
		return cs_error(err, CRASHSIG_ENOMEM, "out of memory");
	db->busy_ms = busy_ms ? busy_ms : 60000;
	if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11)) {
		db->kind = CS_DB_PG;
		int rc = pq_load(&db->pq, libpq, err);
		if (rc) {
			free(db);
			return rc;
		}
		db->pg = db->pq.connectdb(url);
		if (!db->pg || db->pq.status(db->pg) != PQ_CONNECTION_OK) {
			rc = cs_error(err, CRASHSIG_EDB, "postgresql: %s",
				      db->pg ? db->pq.errorMessage(db->pg) : "out of memory");
			one_line(err->msg);
			cs_db_close(db);
			return rc;
		}
		/* Keep notices (e.g. "relation already exists") off stderr: the
		 * library never prints. */
		db->pq.setNoticeProcessor(db->pg, quiet_notice, NULL);
		if (pg_exec(db, "SET client_min_messages = warning")) {
			rc = cs_error(err, CRASHSIG_EDB, "%s", db->msg);
			cs_db_close(db);
			return rc;
		}
	} else {
		db->kind = CS_DB_SQLITE;
		const char *path = !strncmp(url, "sqlite:", 7) ? url + 7 : url;
		if (!*path) {
			free(db);
			return cs_error(err, CRASHSIG_EINVAL, "empty database path");
		}
		int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
			    (create ? SQLITE_OPEN_CREATE : 0);
		int rc = sqlite3_open_v2(path, &db->lite, flags, NULL);
		if (rc != SQLITE_OK) {
			rc = cs_error(err, rc == SQLITE_CANTOPEN ? CRASHSIG_EIO : CRASHSIG_EDB,
				      "%s%s%s", db->lite ? sqlite3_errmsg(db->lite) : "out of memory",
				      errno ? ": " : "", errno ? strerror(errno) : "");
			cs_db_close(db);
			return rc;
		}
		sqlite3_busy_timeout(db->lite, (int)db->busy_ms);
		/* WAL: readers never block the writer and the writer never
		 * blocks readers; synchronous=NORMAL is durable across process
		 * crashes in WAL mode. */
		if (lite_exec(db, "PRAGMA journal_mode=WAL") ||
		    lite_exec(db, "PRAGMA synchronous=NORMAL") ||
		    lite_exec(db, "PRAGMA foreign_keys=ON") ||
		    lite_exec(db, "PRAGMA cache_size=-16384")) {
			rc = cs_error(err, CRASHSIG_EDB, "%s", db->msg);
			cs_db_close(db);
			return rc;
		}
	}
	*out = db;
	return 0;
}

void cs_db_close(cs_db *db)
{
	if (!db)
		return;
	if (db->lite)
		sqlite3_close_v2(db->lite);
	if (db->pg)
		db->pq.finish(db->pg);
	if (db->pq.handle)
		dlclose(db->pq.handle);
	free(db);
}

/* Key of the advisory lock every PostgreSQL writer of a crashsig store
 * takes ("crsig" in ASCII). */
#define PG_LOCK_KEY "100021000016487"

int cs_db_begin(cs_db *db)
{
	if (db->kind == CS_DB_PG) {
		if (pg_exec(db, "BEGIN"))
			return CRASHSIG_EDB;
		if (pg_exec(db, "SELECT pg_advisory_xact_lock(" PG_LOCK_KEY ")")) {
			pg_exec(db, "ROLLBACK");
			return CRASHSIG_EDB;
		}
		return 0;
	}
	return lite_exec(db, "BEGIN IMMEDIATE");
}

int cs_db_commit(cs_db *db)
{
	if (db->kind == CS_DB_PG)
		return pg_exec(db, "COMMIT");
	return lite_exec(db, "COMMIT");
}

void cs_db_rollback(cs_db *db)
{
	char keep[sizeof(db->msg)];
	memcpy(keep, db->msg, sizeof(keep));
	if (db->kind == CS_DB_PG)
		pg_exec(db, "ROLLBACK");
	else if (!sqlite3_get_autocommit(db->lite))
		lite_exec(db, "ROLLBACK");
	memcpy(db->msg, keep, sizeof(keep));
}

int cs_db_prepare(cs_db *db, const char *sql, cs_stmt **out)
{
	*out = NULL;
	cs_stmt *st = calloc(1, sizeof(*st));
	if (!st) {
		set_msg(db, "out of memory", NULL);
		return CRASHSIG_ENOMEM;
	}
	st->db = db;
	/* "{RETURNING id}" ends an INSERT whose new row id cs_stmt_insert_id()
	 * reads: PostgreSQL returns it as a row; SQLite's RETURNING buffers the
	 * rows in a temporary table, so there the statement leaves it out and
	 * asks sqlite3_changes() and sqlite3_last_insert_rowid(). */
	char *own = NULL;
	const char *mark = strstr(sql, "{RETURNING id}");
	if (mark) {
		size_t n = (size_t)(mark - sql);
		const char *with = db->kind == CS_DB_PG ? "RETURNING id" : "";
		own = malloc(n + strlen(with) + 1);
		if (!own) {
			free(st);
			set_msg(db, "out of memory", NULL);
			return CRASHSIG_ENOMEM;
		}
		memcpy(own, sql, n);
		strcpy(own + n, with);
		sql = own;
		st->insert_id = 1;
	}
	if (db->kind == CS_DB_SQLITE) {
		int prc = sqlite3_prepare_v3(db->lite, sql, -1, SQLITE_PREPARE_PERSISTENT,
					     &st->lite, NULL);
		free(own);
		if (prc != SQLITE_OK) {
			set_msg(db, "sqlite", sqlite3_errmsg(db->lite));
			free(st);
			return CRASHSIG_EDB;
		}
		*out = st;
		return 0;
	}
	cs_buf b = {0};
	int n = 0;
	for (const char *p = sql; *p; p++) {
		int e = *p == '?' ? cs_buf_printf(&b, "$%d", ++n) : cs_buf_addc(&b, *p);
		if (e) {
			cs_buf_free(&b);
			free(own);
			free(st);
			return CRASHSIG_ENOMEM;
		}
	}
	if (n > MAXP) {
		cs_buf_free(&b);
		free(own);
		free(st);
		set_msg(db, "too many parameters", NULL);
		return CRASHSIG_EINVAL;
	}
	st->nparams = n;
	snprintf(st->name, sizeof(st->name), "cs%u", db->next_stmt++);
	PGresult *r = db->pq.prepare(db->pg, st->name, b.data, n, NULL);
	cs_buf_free(&b);
	free(own);
	if (db->pq.resultStatus(r) != PQ_PGRES_COMMAND_OK) {
		set_msg(db, "postgresql", db->pq.resultErrorMessage(r));
		db->pq.clear(r);
		free(st);
		return CRASHSIG_EDB;
	}
	db->pq.clear(r);
	*out = st;
	return 0;
}

void cs_stmt_reset(cs_stmt *st)
{
	if (!st)
		return;
	if (st->lite) {
		sqlite3_reset(st->lite);
		sqlite3_clear_bindings(st->lite);
		return;
	}
	st->db->pq.clear(st->res);
	st->res = NULL;
	st->ran = 0;
	st->row = st->nrows = 0;
	for (int i = 0; i < MAXP; i++) {
		free(st->vals[i]);
		st->vals[i] = NULL;
		st->lens[i] = 0;
		st->fmts[i] = 0;
	}
}

void cs_stmt_free(cs_stmt *st)
{
	if (!st)
		return;
	if (st->lite) {
		sqlite3_finalize(st->lite);
	} else {
		cs_stmt_reset(st);
		if (st->db && st->db->pg) {
			char sql[64];
			snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
			st->db->pq.clear(st->db->pq.exec(st->db->pg, sql));
		}
	}
	free(st);
}

static int pg_param(cs_stmt *st, int i, const void *p, size_t n, int fmt)
{
	if (i < 1 || i > MAXP)
		return CRASHSIG_EINVAL;
	free(st->vals[i - 1]);
	st->vals[i - 1] = NULL;
	if (p) {
		char *v = malloc(n + 1);
		if (!v)
			return CRASHSIG_ENOMEM;
		memcpy(v, p, n);
		v[n] = 0;
		st->vals[i - 1] = v;
	}
	st->lens[i - 1] = (int)n;
	st->fmts[i - 1] = fmt;
	return 0;
}

int cs_stmt_bind_int(cs_stmt *st, int i, int64_t v)
{
	if (st->lite)
		return sqlite3_bind_int64(st->lite, i, v) == SQLITE_OK ? 0 : CRASHSIG_EDB;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return pg_param(st, i, buf, (size_t)n, 0);
}

int cs_stmt_bind_double(cs_stmt *st, int i, double v)
{
	if (st->lite)
		return sqlite3_bind_double(st->lite, i, v) == SQLITE_OK ? 0 : CRASHSIG_EDB;
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%.17g", v);
	return pg_param(st, i, buf, (size_t)n, 0);
}

int cs_stmt_bind_text(cs_stmt *st, int i, const char *s)
{
	if (st->lite) {
		int rc = s ? sqlite3_bind_text(st->lite, i, s, -1, SQLITE_TRANSIENT)
			   : sqlite3_bind_null(st->lite, i);
		return rc == SQLITE_OK ? 0 : CRASHSIG_EDB;
	}
	return pg_param(st, i, s, s ? strlen(s) : 0, 0);
}

int cs_stmt_bind_blob(cs_stmt *st, int i, const void *p, size_t n)
{
	if (st->lite) {
		int rc = p ? sqlite3_bind_blob64(st->lite, i, p, n, SQLITE_TRANSIENT)
			   : sqlite3_bind_null(st->lite, i);
		return rc == SQLITE_OK ? 0 : CRASHSIG_EDB;
	}
	return pg_param(st, i, p, n, 1);
}

int cs_stmt_step(cs_stmt *st)
{
	cs_db *db = st->db;
	if (st->lite) {
		for (;;) {
			int rc = sqlite3_step(st->lite);
			if (rc == SQLITE_ROW)
				return 1;
			if (rc == SQLITE_DONE)
				return 0;
			/* Inside BEGIN IMMEDIATE this does not happen; outside a
			 * transaction (reads) the busy handler has waited already. */
			set_msg(db, "sqlite", sqlite3_errmsg(db->lite));
			return CRASHSIG_EDB;
		}
	}
	if (!st->ran) {
		st->res = db->pq.execPrepared(db->pg, st->name, st->nparams,
					 (const char *const *)st->vals, st->lens,
					 st->fmts, 1 /* binary results */);
		int s = db->pq.resultStatus(st->res);
		if (s != PQ_PGRES_COMMAND_OK && s != PQ_PGRES_TUPLES_OK) {
			set_msg(db, "postgresql", db->pq.resultErrorMessage(st->res));
			db->pq.clear(st->res);
			st->res = NULL;
			return CRASHSIG_EDB;
		}
		st->ran = 1;
		st->nrows = db->pq.ntuples(st->res);
		st->row = -1;
	}
	if (st->row + 1 >= st->nrows)
		return 0;
	st->row++;
	return 1;
}

int64_t cs_stmt_insert_id(cs_stmt *st)
{
	if (st->lite)
		return sqlite3_changes(st->db->lite) ? sqlite3_last_insert_rowid(st->db->lite) : 0;
	return st->ran && st->nrows ? cs_stmt_int(st, 0) : 0;
}

int cs_stmt_is_int(cs_stmt *st, int col)
{
	if (st->lite)
		return sqlite3_column_type(st->lite, col) == SQLITE_INTEGER;
	/* PostgreSQL columns are typed: an INTEGER column holds integers */
	return !st->db->pq.getisnull(st->res, st->row, col);
}

int cs_db_table_exists(cs_db *db, const char *name, int *exists)
{
	cs_stmt *st = NULL;
	*exists = 0;
	const char *sql = db->kind == CS_DB_PG
				  ? "SELECT 1 WHERE to_regclass(CAST(? AS TEXT)) IS NOT NULL"
				  : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
	int rc = cs_db_prepare(db, sql, &st);
	if (rc)
		return rc;
	cs_stmt_bind_text(st, 1, name);
	rc = cs_stmt_step(st);
	cs_stmt_free(st);
	if (rc < 0)
		return CRASHSIG_EDB;
	*exists = rc == 1;
	return 0;
}

int cs_stmt_is_null(cs_stmt *st, int col)
{
	if (st->lite)
		return sqlite3_column_type(st->lite, col) == SQLITE_NULL;
	return st->db->pq.getisnull(st->res, st->row, col);
}

/* Binary results of libpq are big-endian; integers come as int2/4/8 and
 * doubles as float8 (the store only selects those). */
static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

int64_t cs_stmt_int(cs_stmt *st, int col)
{
	if (st->lite)
		return sqlite3_column_int64(st->lite, col);
	if (st->db->pq.getisnull(st->res, st->row, col))
		return 0;
	const unsigned char *p = (const unsigned char *)st->db->pq.getvalue(st->res, st->row, col);
	int n = st->db->pq.getlength(st->res, st->row, col);
	if (n == 8)
		return (int64_t)be(p, 8);
	if (n == 4)
		return (int32_t)(uint32_t)be(p, 4);
	if (n == 2)
		return (int16_t)(uint16_t)be(p, 2);
	if (n == 1)
		return p[0]; /* bool */
	return 0;
}

double cs_stmt_double(cs_stmt *st, int col)
{
	if (st->lite)
		return sqlite3_column_double(st->lite, col);
	if (st->db->pq.getisnull(st->res, st->row, col))
		return 0;
	const unsigned char *p = (const unsigned char *)st->db->pq.getvalue(st->res, st->row, col);
	int n = st->db->pq.getlength(st->res, st->row, col);
	if (n == 8) {
		uint64_t v = be(p, 8);
		double d;
		memcpy(&d, &v, sizeof(d));
		return d;
	}
	if (n == 4) {
		uint32_t v = (uint32_t)be(p, 4);
		float f;
		memcpy(&f, &v, sizeof(f));
		return f;
	}
	return 0;
}

const char *cs_stmt_text(cs_stmt *st, int col, size_t *len)
{
	if (st->lite) {
		const char *s = (const char *)sqlite3_column_text(st->lite, col);
		if (len)
			*len = s ? (size_t)sqlite3_column_bytes(st->lite, col) : 0;
		return s;
	}
	if (st->db->pq.getisnull(st->res, st->row, col)) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = (size_t)st->db->pq.getlength(st->res, st->row, col);
	return st->db->pq.getvalue(st->res, st->row, col);
}
