/* Private to the bug store (src/dedup/store*.c, schema.c, ingest.c,
 * query.c, lifecycle.c): the store object and what its parts share.
 *
 *   store.c      open / close, errors, transactions, caches, similarity
 *   schema.c     the schema, its versions and forward migrations
 *   ingest.c     adding crashes: ids, the dashboard's grouping, records,
 *                retention
 *   query.c      reading bugs, crashes and counts back
 *   lifecycle.c  bug states (open / fixed / invalid / dup) and their history
 */
#ifndef CRASHSIG_STORE_INT_H
#define CRASHSIG_STORE_INT_H

#include "dedup/dedup_int.h"

struct cs_rules;

/* Kinds of bug_titles rows. */
enum { T_MERGED = 0, T_ALT = 1 };
/* Kinds of bug_facets rows: what retention keeps the first crash of. */
enum { F_RELEASE = 1, F_MACHINE = 2 };

/* Recomputes bugs.machines, unnamed and only_machine from the machine
 * facets (kind 2; "" is a crash without a machine): the 3 -> 4 migration
 * for every bug, a merge for its target ("... WHERE id = ?"). */
#define CS_BUG_MACHINES_SQL                                                             \
	"UPDATE bugs SET"                                                               \
	" machines = (SELECT COUNT(*) FROM bug_facets f WHERE f.bug_id = bugs.id"       \
	" AND f.kind = 2 AND f.value <> ''),"                                            \
	" unnamed = (SELECT COUNT(*) FROM bug_facets f WHERE f.bug_id = bugs.id"        \
	" AND f.kind = 2 AND f.value = ''),"                                             \
	" only_machine = CASE WHEN (SELECT COUNT(*) FROM bug_facets f"                  \
	" WHERE f.bug_id = bugs.id AND f.kind = 2) = 1 THEN (SELECT MIN(f.value)"        \
	" FROM bug_facets f WHERE f.bug_id = bugs.id AND f.kind = 2) END"

/* Crashes of the current transaction per machine (machines table), and
 * per day and crash type (crash_days), written at commit. */
typedef struct mpend {
	char *name; /* "" for none */
	int64_t day; /* crash_days: the day's start; machines: 0 */
	int64_t count, corrupted, first, last;
} mpend;
#define CS_MPEND_MAX 16
#define CS_DAY 86400 /* crash_days.day = (time / CS_DAY) * CS_DAY, as SQL divides */

/* The statements every store prepares once (store.c: queries[]). */
enum {
	Q_GEN,
	Q_GEN_BUMP,
	Q_MERGED_BUGS,
	Q_TITLE_TOP,
	Q_ALT_BUGS,
	Q_ALT_HAS,
	Q_MAX_SEQ,
	Q_NEW_BUG,
	Q_BUG_REPORT_ADD,
	Q_ADD_TITLE,
	Q_HAS_TITLE,
	Q_NALT,
	Q_COUNT,
	Q_BUG,
	Q_BUG_TITLES,
	Q_LIST,
	Q_SIGS,
	Q_CRASH_ADD,
	Q_CRASH_BY_ID,
	Q_BUG_BASE,
	Q_FACET_ADD,
	Q_TEXT_ADD,
	Q_KEPT_OR,
	Q_KEPT_CLEAR_LAST,
	Q_TEXT_DEL,
	Q_LAST_KEPT,
	Q_BUG_MACHINE,
	Q_MACHINE_ADD,
	Q_DAY_ADD,
	Q_FACETS,
	NQ
};

typedef struct cache_ent {
	uint64_t hash;
	char *key; /* titles joined by '\n' */
	int64_t bug;
} cache_ent;

typedef struct sig_ent {
	int64_t id;
	cs_sig sig;
} sig_ent;

/* What the current transaction did to one bug: its counts (written once at
 * commit), and the last crash it received, whose texts may still be only
 * here (retention keeps the last crash of a bug; a crash kept for no other
 * reason is written only if no newer one arrives before the commit). */
typedef struct pend {
	int64_t bug;       /* 0: free slot */
	int64_t count, first, last;
	int64_t base;      /* the bug's count before the transaction */
	int64_t prev_last; /* the crash kept as its last before, or 0 */
	int64_t latest;    /* the newest crash of the transaction */
	int latest_written; /* its texts are in the database */
	char *report;      /* else its texts, to write at commit */
	size_t report_len;
	char *log;
	size_t log_len;
} pend;

struct crashsig_store {
	cs_db *db;
	cs_err err;
	crashsig_store_options opts;
	char url[512]; /* as shown in messages: crashsig_store_url_redact() */
	cs_stmt *q[NQ];
	int schema;
	/* transaction state */
	int in_tx;
	unsigned tx_adds;
	int64_t gen; /* generation the caches belong to; -1: none */
	pend *pend;
	size_t pend_cap, pend_len;
	size_t pend_bytes; /* texts held in pend */
	mpend mpend[CS_MPEND_MAX], dpend[CS_MPEND_MAX];
	size_t mpend_len, dpend_len;
	/* title list -> bug */
	cache_ent *cache;
	size_t cache_cap, cache_len;
	/* (bug, facet kind, value) known to be in bug_facets */
	uint64_t *facets;
	size_t facets_cap, facets_len;
	/* the rules whose `generic` table similarity uses: those of
	 * opts.ctx (borrowed), else the built-in ones, loaded on first use
	 * (owned) */
	struct cs_rules *own_rules;
	/* signatures of open bugs (for similarity) */
	sig_ent *sigs;
	size_t nsigs, sigs_cap;
	int sigs_loaded;
	/* zstd contexts for the crash texts (created on first use) */
	void *zc, *zd;
};

/* store.c */
int cs_store_fail(crashsig_store *s, int code); /* the db's message */
int cs_store_oom(crashsig_store *s);
int cs_store_step_int(crashsig_store *s, int q, int64_t *out); /* -1: no row */
int cs_store_run(crashsig_store *s, int q);
int cs_store_tx_begin(crashsig_store *s);
int cs_store_tx_commit(crashsig_store *s);
void cs_store_tx_abort(crashsig_store *s);
int cs_store_bump(crashsig_store *s);
void cs_store_cache_clear(crashsig_store *s);
int64_t cs_store_cache_get(crashsig_store *s, const char *key);
void cs_store_cache_put(crashsig_store *s, const char *key, int64_t bug);
int cs_store_sim_rules(crashsig_store *s, const struct cs_rules **out);
int cs_store_most_similar(crashsig_store *s, const char *sig, int64_t *id, double *dist);
void cs_store_sigs_add(crashsig_store *s, int64_t id, const char *sig);
int64_t cs_store_now(void);
/* A copy of column col (NUL terminated), or NULL for SQL NULL. */
char *cs_store_dup_col(cs_stmt *q, int col, size_t *len);

/* schema.c */
int cs_schema_open(crashsig_store *s, int create);
extern const char *const cs_store_queries[NQ];

/* ingest.c */
int cs_ingest_flush(crashsig_store *s); /* pending counts and texts */
void cs_ingest_drop(crashsig_store *s); /* forget them (rollback) */
/* Compress / decompress a crash text (zstd). */
int cs_text_pack(crashsig_store *s, const char *p, size_t n, void **out, size_t *outlen);
int cs_text_unpack(crashsig_store *s, const void *p, size_t n, char **out, size_t *outlen);

/* Titles as the dashboard keeps them (ingest.c). */
typedef struct titles {
	char **v;
	size_t n;
} titles;
void cs_titles_free(titles *t);
int cs_crash_titles(const crashsig_crash *c, titles *t);
int cs_find_bug(crashsig_store *s, const titles *t, int64_t *bug);
int cs_add_title(crashsig_store *s, int64_t bug, int kind, const char *title, int *added);

/* query.c */
int cs_load_bug(crashsig_store *s, int64_t id, crashsig_bug **out);

#endif
