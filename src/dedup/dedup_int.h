/* Private to src/dedup: one small database layer over SQLite and libpq, so
 * that the store has one code path for both. */
#ifndef CRASHSIG_DEDUP_INT_H
#define CRASHSIG_DEDUP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "crashsig/dedup.h"

typedef enum cs_db_kind { CS_DB_SQLITE = 0, CS_DB_PG = 1 } cs_db_kind;

typedef struct cs_db cs_db;
typedef struct cs_stmt cs_stmt;

/* url: "sqlite:PATH", PATH, "postgresql://..." or "postgres://...".
 * create: SQLite may create the file. On failure *out is NULL and err says
 * why (without the URL: the caller names the store). */
int cs_db_open(cs_db **out, const char *url, int create, unsigned busy_ms,
	       cs_err *err);
/* The same, loading libpq from the file or soname libpq (cs_db_open:
 * "libpq.so.5"); the tests use it to see the error of a missing libpq. */
int cs_db_open_with(cs_db **out, const char *url, int create, unsigned busy_ms,
		    const char *libpq, cs_err *err);
void cs_db_close(cs_db *db);
cs_db_kind cs_db_get_kind(const cs_db *db);

/* Run SQL text (no parameters, no rows wanted). The SQL may use the dialect
 * placeholders of cs_db_dialect(). */
int cs_db_exec(cs_db *db, const char *sql);

/* Transactions. begin() takes the database's write lock (SQLite: BEGIN
 * IMMEDIATE, retried while another writer holds it; PostgreSQL: BEGIN and a
 * transaction-scoped advisory lock), so writers are serialized and no
 * update is lost. */
int cs_db_begin(cs_db *db);
int cs_db_commit(cs_db *db);
void cs_db_rollback(cs_db *db);

/* Prepared statements; parameters are written '?' in the SQL. */
int cs_db_prepare(cs_db *db, const char *sql, cs_stmt **out);
void cs_stmt_free(cs_stmt *st);
int cs_stmt_bind_int(cs_stmt *st, int i, int64_t v); /* i from 1 */
int cs_stmt_bind_double(cs_stmt *st, int i, double v);
int cs_stmt_bind_text(cs_stmt *st, int i, const char *s); /* NULL: SQL NULL */
int cs_stmt_bind_blob(cs_stmt *st, int i, const void *p, size_t n);
/* 1: a row is ready, 0: done, < 0: error (see cs_db_errmsg). */
int cs_stmt_step(cs_stmt *st);
int cs_stmt_is_null(cs_stmt *st, int col); /* col from 0 */
/* After stepping an INSERT prepared with "{RETURNING id}" at its end: the
 * new row's id, or 0 when it inserted nothing (ON CONFLICT DO NOTHING). */
int64_t cs_stmt_insert_id(cs_stmt *st);
/* The value is an integer (SQLite keeps any type in any column). */
int cs_stmt_is_int(cs_stmt *st, int col);
/* Is there a table called name (in the connection's search path)? */
int cs_db_table_exists(cs_db *db, const char *name, int *exists);
int64_t cs_stmt_int(cs_stmt *st, int col);
double cs_stmt_double(cs_stmt *st, int col);
/* Valid until the next step/reset. */
const char *cs_stmt_text(cs_stmt *st, int col, size_t *len);
/* Ready for new bindings and a new run. */
void cs_stmt_reset(cs_stmt *st);

const char *cs_db_errmsg(const cs_db *db);

/* The stack signature helpers shared by the store. */
int cs_signature_no_stack_title(const char *title);

/* A signature key split once for many comparisons: its non-generic frames
 * (the `generic` table of rules; rules NULL: every frame is kept) and its
 * markers (pointing into buf, owned). */
struct cs_rules;
#define CS_SIG_MAX 32
typedef struct cs_sig {
	char *buf;
	const char *f[CS_SIG_MAX];
	size_t n;
	const char *kind, *tkind;
	const char *site; /* "=FILE": the assertion's source file, or "" */
} cs_sig;
int cs_sig_prepare(cs_sig *out, const char *key, const struct cs_rules *rules);
void cs_sig_release(cs_sig *s);
double cs_sig_distance(const cs_sig *a, const cs_sig *b);

/* Add a crash whose signature is computed only when the store needs it (a
 * crash that does not go straight to a known bug): fn sets *sig (malloc'd,
 * may stay NULL) and *no_stack; returns 0 or an error. */
typedef struct cs_lazy_sig {
	int (*fn)(void *arg, char **sig, int *no_stack);
	void *arg;
} cs_lazy_sig;
int cs_store_add_lazy(crashsig_store *s, const crashsig_crash *c, const cs_lazy_sig *lazy,
		      crashsig_add_result *res);

/* A report's signature as a cs_lazy_sig (arg: a cs_report_ref). */
typedef struct cs_report_ref {
	crashsig_ctx *ctx;
	const crashsig_report *r;
} cs_report_ref;
int cs_report_lazy_sig(void *arg, char **sig, int *no_stack);
/* A report's alternative titles, and those it gets without its
 * symbolization ([inline] frames, file:line): *alts point into r and into
 * *plain (the unsymbolized copy's reports, owned by the caller with *alts:
 * free(*alts), crashsig_reports_free(*plain, *nplain)). */
int cs_report_titles(crashsig_ctx *ctx, const crashsig_report *r, const char ***alts,
		     size_t *nalts, crashsig_report ***plain, size_t *nplain);

/* SHA-256 (sha256.c), for derived crash ids. */
typedef struct cs_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
} cs_sha256;
void cs_sha256_init(cs_sha256 *c);
void cs_sha256_update(cs_sha256 *c, const void *data, size_t len);
void cs_sha256_final(cs_sha256 *c, unsigned char out[32]);

#endif
