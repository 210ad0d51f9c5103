/*
 * The bug store: crashes grouped into bugs with the rules of syzbot's
 * dashboard, in SQLite or PostgreSQL. This file opens and closes a store,
 * runs its transactions and keeps its caches; the rest is in schema.c,
 * ingest.c, query.c and lifecycle.c (see store_int.h).
 *
 * Concurrency: every change happens in a transaction that first takes the
 * database's write lock (cs_db_begin), so concurrent writers are
 * serialized and nothing is lost; crash ids are a unique key, so nothing is
 * counted twice either. The store keeps in-memory caches (titles to bug,
 * bug signatures); they are valid as long as nobody else changed the
 * grouping, which a generation counter in the database tells: every change
 * of titles, bugs or status bumps it, and a transaction that finds it moved
 * drops the caches.
 */
#include "dedup/store_int.h"

#include "base/ctx.h"
#include "classify/rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

int cs_store_fail(crashsig_store *s, int code)
{
	const char *m = cs_db_errmsg(s->db);
	return cs_error(&s->err, code, "%s", *m ? m : "database error");
}

int cs_store_oom(crashsig_store *s)
{
	return cs_error(&s->err, CRASHSIG_ENOMEM, "out of memory");
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

int64_t cs_store_now(void) { return (int64_t)time(NULL); }

CS_EXPORT const char *crashsig_bug_status_name(crashsig_bug_status st)
{
	switch (st) {
	case CRASHSIG_BUG_OPEN: return "open";
	case CRASHSIG_BUG_FIXED: return "fixed";
	case CRASHSIG_BUG_INVALID: return "invalid";
	case CRASHSIG_BUG_DUP: return "dup";
	}
	return NULL;
}

CS_EXPORT int crashsig_bug_status_parse(const char *name, crashsig_bug_status *out)
{
	static const struct {
		const char *n;
		crashsig_bug_status st;
	} names[] = {{"open", CRASHSIG_BUG_OPEN},       {"fixed", CRASHSIG_BUG_FIXED},
		     {"invalid", CRASHSIG_BUG_INVALID}, {"closed", CRASHSIG_BUG_INVALID},
		     {"dup", CRASHSIG_BUG_DUP},         {"duplicate", CRASHSIG_BUG_DUP}};
	if (!name || !out)
		return CRASHSIG_EINVAL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].n)) {
			*out = names[i].st;
			return 0;
		}
	return CRASHSIG_EINVAL;
}

CS_EXPORT const char *crashsig_time_source_name(crashsig_time_source src)
{
	switch (src) {
	case CRASHSIG_TIME_SOURCE_RECEIVED: return "received";
	case CRASHSIG_TIME_SOURCE_LOG: return "log";
	case CRASHSIG_TIME_SOURCE_MAIL: return "mail";
	case CRASHSIG_TIME_SOURCE_FILE: return "file";
	case CRASHSIG_TIME_SOURCE_CLIENT: return "client";
	}
	return NULL;
}

/* ---------------- URLs without passwords ---------------- */

/* Append n bytes of p to buf (len bytes) at *o, counting what does not fit. */
static void put(char *buf, size_t len, size_t *o, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++, (*o)++)
		if (*o + 1 < len)
			buf[*o] = p[i];
}

CS_EXPORT size_t crashsig_store_url_redact(const char *url, char *buf, size_t len)
{
	size_t o = 0;
	if (!url)
		url = "";
	const char *p = url;
	const char *scheme = strstr(url, "://");
	if (scheme && (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))) {
		/* user info: scheme://user:password@host... (the authority ends
		 * at the first '/', '?' or '#') */
		const char *auth = scheme + 3;
		size_t alen = strcspn(auth, "/?#");
		const char *at = NULL;
		for (size_t i = 0; i < alen; i++)
			if (auth[i] == '@')
				at = auth + i; /* the last '@' ends the user info */
		const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon) {
			put(buf, len, &o, url, (size_t)(colon + 1 - url));
			put(buf, len, &o, "***", 3);
			p = at;
		}
	}
	/* password=... among key=value parameters (URI query or conninfo) */
	while (*p) {
		const char *k = strstr(p, "password=");
		if (!k) {
			put(buf, len, &o, p, strlen(p));
			break;
		}
		int starts = k == url || k[-1] == '?' || k[-1] == '&' || k[-1] == ' ';
		size_t skip = strlen("password=");
		put(buf, len, &o, p, (size_t)(k - p) + skip);
		p = k + skip;
		if (starts) {
			put(buf, len, &o, "***", 3);
			if (*p == '\'') { /* conninfo quoting: 'se cret' */
				for (p++; *p && *p != '\''; p++)
					if (*p == '\\' && p[1])
						p++;
				if (*p)
					p++;
			} else {
				p += strcspn(p, "& ");
			}
		}
	}
	if (len)
		buf[o < len ? o : len - 1] = 0;
	return o;
}

/* ---------------- caches ---------------- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h | 1;
}

void cs_store_cache_clear(crashsig_store *s)
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
	free(s->facets);
	s->facets = NULL;
	s->facets_cap = s->facets_len = 0;
}

int64_t cs_store_cache_get(crashsig_store *s, const char *key)
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

void cs_store_cache_put(crashsig_store *s, const char *key, int64_t bug)
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

/* ---------------- statements and transactions ---------------- */

int cs_store_step_int(crashsig_store *s, int q, int64_t *out)
{
	int rc = cs_stmt_step(s->q[q]);
	if (rc < 0) {
		cs_stmt_reset(s->q[q]);
		return cs_store_fail(s, CRASHSIG_EDB);
	}
	*out = rc && !cs_stmt_is_null(s->q[q], 0) ? cs_stmt_int(s->q[q], 0) : -1;
	cs_stmt_reset(s->q[q]);
	return 0;
}

int cs_store_run(crashsig_store *s, int q)
{
	int rc = cs_stmt_step(s->q[q]);
	cs_stmt_reset(s->q[q]);
	return rc < 0 ? cs_store_fail(s, CRASHSIG_EDB) : 0;
}

char *cs_store_dup_col(cs_stmt *q, int col, size_t *len)
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

int cs_store_tx_begin(crashsig_store *s)
{
	if (s->in_tx)
		return 0;
	if (cs_db_begin(s->db))
		return cs_store_fail(s, CRASHSIG_EDB);
	s->in_tx = 1;
	s->tx_adds = 0;
	int64_t g = -1;
	if (cs_store_step_int(s, Q_GEN, &g)) {
		cs_db_rollback(s->db);
		s->in_tx = 0;
		return CRASHSIG_EDB;
	}
	if (g != s->gen) {
		/* Someone else changed the grouping: the caches are stale. */
		cs_store_cache_clear(s);
		s->gen = g;
	}
	return 0;
}

void cs_store_tx_abort(crashsig_store *s)
{
	if (!s->in_tx)
		return;
	cs_db_rollback(s->db);
	s->in_tx = 0;
	/* Our own changes of this transaction are gone: so are the caches. */
	cs_store_cache_clear(s);
	cs_ingest_drop(s);
	s->gen = -1;
}

int cs_store_tx_commit(crashsig_store *s)
{
	if (!s->in_tx)
		return 0;
	int rc = cs_ingest_flush(s);
	if (!rc && cs_db_commit(s->db))
		rc = cs_store_fail(s, CRASHSIG_EDB);
	if (rc) {
		cs_store_tx_abort(s);
		return rc;
	}
	s->in_tx = 0;
	return 0;
}

/* Record a change of the grouping (bugs, titles, status). */
int cs_store_bump(crashsig_store *s)
{
	if (cs_store_run(s, Q_GEN_BUMP))
		return CRASHSIG_EDB;
	s->gen++;
	return 0;
}

CS_EXPORT int crashsig_store_flush(crashsig_store *s)
{
	if (!s)
		return CRASHSIG_EINVAL;
	return cs_store_tx_commit(s);
}

CS_EXPORT int crashsig_store_rollback(crashsig_store *s)
{
	if (!s)
		return CRASHSIG_EINVAL;
	cs_store_tx_abort(s);
	return 0;
}

/* ---------------- similarity ---------------- */

/* The rules whose `generic` table similarity uses (see own_rules). */
int cs_store_sim_rules(crashsig_store *s, const cs_rules **out)
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
	int rc = cs_store_sim_rules(s, &rules);
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
		return rc == CRASHSIG_ENOMEM ? cs_store_oom(s) : cs_store_fail(s, CRASHSIG_EDB);
	s->sigs_loaded = 1;
	return 0;
}

void cs_store_sigs_add(crashsig_store *s, int64_t id, const char *sig)
{
	if (!s->sigs_loaded || !sig || !*sig)
		return;
	if (cs_reserve((void **)&s->sigs, &s->sigs_cap, s->nsigs + 1, sizeof(*s->sigs)))
		return;
	const cs_rules *rules;
	if (cs_store_sim_rules(s, &rules) || cs_sig_prepare(&s->sigs[s->nsigs].sig, sig, rules))
		return;
	s->sigs[s->nsigs++].id = id;
}

/* The open bug most similar to sig (smallest distance, then lowest id). */
int cs_store_most_similar(crashsig_store *s, const char *sig, int64_t *id, double *dist)
{
	*id = 0;
	*dist = 1.0;
	if (!sig || !*sig)
		return 0;
	int rc = load_sigs(s);
	if (rc)
		return rc;
	const cs_rules *rules;
	if ((rc = cs_store_sim_rules(s, &rules)))
		return rc;
	cs_sig me;
	if (cs_sig_prepare(&me, sig, rules))
		return cs_store_oom(s);
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

static int cmp_similar(const void *a, const void *b)
{
	const crashsig_similar *x = a, *y = b;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return x->bug < y->bug ? -1 : x->bug > y->bug;
}

CS_EXPORT int crashsig_store_similar(crashsig_store *s, int64_t bug, size_t max,
				     crashsig_similar **out, size_t *count)
{
	if (!s || !out || !count)
		return CRASHSIG_EINVAL;
	*out = NULL;
	*count = 0;
	crashsig_bug *b = NULL;
	int rc = cs_load_bug(s, bug, &b);
	if (!rc)
		rc = load_sigs(s);
	const cs_rules *rules = NULL;
	if (!rc)
		rc = cs_store_sim_rules(s, &rules);
	cs_sig me = {0};
	if (!rc && cs_sig_prepare(&me, b->signature ? b->signature : "", rules))
		rc = cs_store_oom(s);
	crashsig_similar *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; !rc && b->signature && i < s->nsigs; i++) {
		if (s->sigs[i].id == bug)
			continue;
		double d = cs_sig_distance(&me, &s->sigs[i].sig);
		if (d >= 1.0)
			continue;
		if (cs_reserve((void **)&v, &cap, n + 1, sizeof(*v)))
			rc = cs_store_oom(s);
		else
			v[n++] = (crashsig_similar){s->sigs[i].id, d};
	}
	cs_sig_release(&me);
	crashsig_bug_free(b);
	if (!rc && !v && !(v = calloc(1, sizeof(*v))))
		rc = cs_store_oom(s);
	if (rc) {
		free(v);
		return rc;
	}
	qsort(v, n, sizeof(*v), cmp_similar);
	*out = v;
	*count = max && n > max ? max : n;
	return 0;
}

/* ---------------- open / close ---------------- */

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
	crashsig_store_url_redact(url, s->url, sizeof(s->url));
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
	double th = s->opts.similarity_threshold;
	if (th == 0)
		s->opts.similarity_threshold = CRASHSIG_SIMILARITY_THRESHOLD;
	else if (!(th > 0 && th <= 1)) /* NaN too */
		return cs_error(&s->err, CRASHSIG_EINVAL,
				"similarity threshold %g is not in (0, 1]", th);
	if (!s->opts.keep_per_bug)
		s->opts.keep_per_bug = CRASHSIG_KEEP_PER_BUG;
	if (!s->opts.keep_every)
		s->opts.keep_every = CRASHSIG_KEEP_EVERY;
	if (!s->opts.log_max)
		s->opts.log_max = CRASHSIG_LOG_EXCERPT_MAX;
	if (!url || !*url)
		return cs_error(&s->err, CRASHSIG_EINVAL, "no database given");
	int create = !(s->opts.flags & CRASHSIG_STORE_NO_CREATE);
	int rc = cs_db_open(&s->db, url, create, s->opts.busy_timeout_ms, &s->err);
	if (rc) {
		char why[sizeof(s->err.msg)];
		memcpy(why, s->err.msg, sizeof(why));
		return cs_error(&s->err, rc, "%s: %s", s->url, why);
	}
	if ((rc = cs_schema_open(s, create)))
		return rc;
	for (int i = 0; i < NQ; i++)
		if (cs_db_prepare(s->db, cs_store_queries[i], &s->q[i]))
			return cs_store_fail(s, CRASHSIG_EDB);
	return 0;
}

CS_EXPORT void crashsig_store_free(crashsig_store *s)
{
	if (!s)
		return;
	if (s->in_tx && cs_store_tx_commit(s))
		cs_store_tx_abort(s);
	cs_ingest_drop(s);
	for (int i = 0; i < NQ; i++)
		cs_stmt_free(s->q[i]);
	cs_db_close(s->db);
	cs_store_cache_clear(s);
	cs_rules_free(s->own_rules);
	free(s->pend);
	ZSTD_freeCCtx(s->zc);
	ZSTD_freeDCtx(s->zd);
	free(s);
}
