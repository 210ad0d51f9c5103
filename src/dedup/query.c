/*
 * Reading the bug store back: bugs (one, every one, or those a query
 * selects, with sorts), crashes (filtered, paged) and counts (per bug,
 * day or hour, machine, release, arch, crash type).
 */
#include "dedup/store_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A bug's columns, as Q_BUG and crashsig_store_query() select them. */
#define BUG_COLS(report)                                                            \
	"b.id, b.title, b.seq, b.status, b.count, b.first_seen, b.last_seen,"      \
	" b.signature, " report ", b.report_source, b.similar_to, b.similar_distance," \
	" b.dup_of, b.status_time, b.machines"

/* One of a bug's titles (kind T_MERGED or T_ALT) as bug_titles lists
 * them: its own title is not a merged one. */
static int add_title(crashsig_bug *b, int kind, const char *t)
{
	if (kind == T_MERGED) {
		if (t && !strcmp(t, b->base_title))
			return 0;
		return push_str(&b->merged_titles, &b->nmerged_titles, t);
	}
	return push_str(&b->alt_titles, &b->nalt_titles, t);
}

/* The bug in the current row of q (BUG_COLS), without its titles. */
static int read_bug(crashsig_store *s, cs_stmt *q, crashsig_bug **out)
{
	*out = NULL;
	crashsig_bug *b = calloc(1, sizeof(*b));
	int oom = !b;
	if (b) {
		b->id = cs_stmt_int(q, 0);
		b->base_title = cs_store_dup_col(q, 1, NULL);
		b->seq = (int)cs_stmt_int(q, 2);
		b->status = (crashsig_bug_status)cs_stmt_int(q, 3);
		b->count = cs_stmt_int(q, 4);
		b->first_seen = cs_stmt_int(q, 5);
		b->last_seen = cs_stmt_int(q, 6);
		b->signature = cs_store_dup_col(q, 7, NULL);
		if (!cs_stmt_is_null(q, 8))
			b->report = cs_store_dup_col(q, 8, &b->report_len);
		b->report_source = cs_store_dup_col(q, 9, NULL);
		b->similar_to = cs_stmt_is_null(q, 10) ? 0 : cs_stmt_int(q, 10);
		b->similar_distance = cs_stmt_is_null(q, 11) ? 0 : cs_stmt_double(q, 11);
		b->dup_of = cs_stmt_is_null(q, 12) ? 0 : cs_stmt_int(q, 12);
		b->status_time = cs_stmt_int(q, 13);
		b->machines = cs_stmt_int(q, 14);
		oom = !b->base_title;
	}
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
		return cs_store_oom(s);
	}
	*out = b;
	return 0;
}

/* One bug's titles (Q_BUG_TITLES). */
static int bug_titles(crashsig_store *s, crashsig_bug *b)
{
	cs_stmt *tq = s->q[Q_BUG_TITLES];
	cs_stmt_bind_int(tq, 1, b->id);
	int r, oom = 0;
	while (!oom && (r = cs_stmt_step(tq)) == 1)
		oom = add_title(b, (int)cs_stmt_int(tq, 0), cs_stmt_text(tq, 1, NULL)) != 0;
	cs_stmt_reset(tq);
	return oom ? cs_store_oom(s) : r < 0 ? cs_store_fail(s, CRASHSIG_EDB) : 0;
}

typedef struct bug_at {
	int64_t id;
	crashsig_bug *b;
} bug_at;

static int cmp_bug_at(const void *a, const void *b)
{
	const bug_at *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The titles of many bugs in one pass over bug_titles (in its index's
 * order), rather than a statement per bug. */
static int add_titles_all(crashsig_store *s, crashsig_bug **bugs, size_t n)
{
	bug_at *at = malloc((n ? n : 1) * sizeof(*at));
	if (!at)
		return cs_store_oom(s);
	for (size_t i = 0; i < n; i++)
		at[i] = (bug_at){bugs[i]->id, bugs[i]};
	qsort(at, n, sizeof(*at), cmp_bug_at);
	cs_stmt *st;
	if (cs_db_prepare(s->db, "SELECT bug_id, kind, title FROM bug_titles ORDER BY bug_id, kind, pos",
			  &st)) {
		free(at);
		return cs_store_fail(s, CRASHSIG_EDB);
	}
	int r, rc = 0;
	size_t k = 0;
	while ((r = cs_stmt_step(st)) == 1) {
		int64_t id = cs_stmt_int(st, 0);
		while (k < n && at[k].id < id)
			k++;
		if (k == n)
			break;
		if (at[k].id != id)
			continue;
		if (add_title(at[k].b, (int)cs_stmt_int(st, 1), cs_stmt_text(st, 2, NULL))) {
			rc = cs_store_oom(s);
			break;
		}
	}
	if (r < 0 && !rc)
		rc = cs_store_fail(s, CRASHSIG_EDB);
	cs_stmt_free(st);
	free(at);
	return rc;
}

int cs_load_bug(crashsig_store *s, int64_t id, crashsig_bug **out)
{
	*out = NULL;
	/* a read sees the counts of the open transaction */
	if (s->pend_len && cs_ingest_flush(s))
		return CRASHSIG_EDB;
	cs_stmt *q = s->q[Q_BUG];
	cs_stmt_bind_int(q, 1, id);
	int rc = cs_stmt_step(q);
	if (rc <= 0) {
		cs_stmt_reset(q);
		return rc < 0 ? cs_store_fail(s, CRASHSIG_EDB)
			      : cs_error(&s->err, CRASHSIG_ENOTFOUND, "no bug %lld", (long long)id);
	}
	rc = read_bug(s, q, out);
	cs_stmt_reset(q);
	if (!rc && (rc = bug_titles(s, *out))) {
		crashsig_bug_free(*out);
		*out = NULL;
	}
	return rc;
}

CS_EXPORT int crashsig_store_get(crashsig_store *s, int64_t id, crashsig_bug **out)
{
	if (!s || !out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	return cs_load_bug(s, id, out);
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
	if (cs_crash_titles(&c, &t)) {
		cs_titles_free(&t);
		return cs_store_oom(s);
	}
	int64_t bug = 0;
	int rc = cs_find_bug(s, &t, &bug);
	cs_titles_free(&t);
	if (rc)
		return rc;
	if (!bug)
		return cs_error(&s->err, CRASHSIG_ENOTFOUND, "no open bug for '%s'", title);
	return cs_load_bug(s, bug, out);
}

/* ---------------- bugs ---------------- */

/* A statement built for one query, with its parameters bound in order. */
typedef struct qbuild {
	cs_buf sql;
	enum { P_INT, P_TEXT } kind[16];
	int64_t iv[16];
	const char *tv[16];
	int n;
	int oom;
} qbuild;

static void qb_add(qbuild *b, const char *sql) { b->oom |= cs_buf_adds(&b->sql, sql) != 0; }

static void qb_int(qbuild *b, const char *sql, int64_t v)
{
	qb_add(b, sql);
	b->kind[b->n] = P_INT;
	b->iv[b->n++] = v;
}

static void qb_text(qbuild *b, const char *sql, const char *v)
{
	qb_add(b, sql);
	b->kind[b->n] = P_TEXT;
	b->tv[b->n++] = v;
}

static int qb_prepare(crashsig_store *s, qbuild *b, cs_stmt **st)
{
	*st = NULL;
	if (b->oom) {
		cs_buf_free(&b->sql);
		return cs_store_oom(s);
	}
	int rc = cs_db_prepare(s->db, b->sql.data, st);
	cs_buf_free(&b->sql);
	if (rc)
		return cs_store_fail(s, CRASHSIG_EDB);
	for (int i = 0; i < b->n; i++) {
		if (b->kind[i] == P_INT)
			cs_stmt_bind_int(*st, i + 1, b->iv[i]);
		else
			cs_stmt_bind_text(*st, i + 1, b->tv[i]);
	}
	return 0;
}

/* The conditions on crashes of a crash query (and of a bug query's
 * time, machine and release), as " AND ..." over alias c. */
static void crash_conds(qbuild *b, int64_t since, int64_t until, const char *machine,
			const char *release)
{
	if (since)
		qb_int(b, " AND c.time >= ?", since);
	if (until)
		qb_int(b, " AND c.time < ?", until);
	if (machine)
		qb_text(b, " AND c.machine = ?", machine);
	if (release)
		qb_text(b, " AND c.krelease = ?", release);
}

static int title_matches(pcre2_code *re, pcre2_match_data *md, const crashsig_bug *b)
{
	if (pcre2_match(re, (PCRE2_SPTR)b->title, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0)
		return 1;
	for (size_t i = 0; i < b->nalt_titles; i++)
		if (pcre2_match(re, (PCRE2_SPTR)b->alt_titles[i], PCRE2_ZERO_TERMINATED, 0, 0, md,
				NULL) >= 0)
			return 1;
	for (size_t i = 0; i < b->nmerged_titles; i++)
		if (pcre2_match(re, (PCRE2_SPTR)b->merged_titles[i], PCRE2_ZERO_TERMINATED, 0, 0,
				md, NULL) >= 0)
			return 1;
	return 0;
}

CS_EXPORT int crashsig_store_query(crashsig_store *s, const crashsig_bug_query *q,
				   crashsig_bug ***out, size_t *count)
{
	if (!s || !out || !count)
		return CRASHSIG_EINVAL;
	*out = NULL;
	*count = 0;
	crashsig_bug_query all = CRASHSIG_BUG_QUERY_INIT;
	if (!q)
		q = &all;
	if (q->version != CRASHSIG_BUG_QUERY_VERSION)
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown bug query version %u", q->version);
	if ((unsigned)q->sort > CRASHSIG_SORT_LAST_SEEN)
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown sort %d", (int)q->sort);
	if ((q->flags & CRASHSIG_QUERY_ONLY_MACHINE) && !q->machine)
		return cs_error(&s->err, CRASHSIG_EINVAL, "only-machine without a machine");
	pcre2_code *re = NULL;
	pcre2_match_data *md = NULL;
	if (q->title_regex) {
		int ec;
		PCRE2_SIZE eo;
		re = pcre2_compile((PCRE2_SPTR)q->title_regex, PCRE2_ZERO_TERMINATED,
				   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			return cs_error(&s->err, CRASHSIG_EINVAL, "title regex '%.100s': %s at offset %zu",
					q->title_regex, (const char *)msg, (size_t)eo);
		}
		md = pcre2_match_data_create_from_pattern(re, NULL);
		if (!md) {
			pcre2_code_free(re);
			return cs_store_oom(s);
		}
	}
	if (s->pend_len && cs_ingest_flush(s)) {
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		return CRASHSIG_EDB;
	}
	qbuild b = {0};
	qb_add(&b, q->flags & CRASHSIG_QUERY_NO_REPORT
			   ? "SELECT " BUG_COLS("NULL") " FROM bugs b WHERE 1 = 1"
			   : "SELECT " BUG_COLS("r.report") " FROM bugs b"
			     " LEFT JOIN bug_reports r ON r.bug_id = b.id WHERE 1 = 1");
	if (q->statuses) {
		char in[64] = "";
		size_t o = 0;
		for (int st = 0; st <= CRASHSIG_BUG_DUP; st++)
			if (q->statuses & (1u << st))
				o += (size_t)snprintf(in + o, sizeof(in) - o, "%s%d", o ? ", " : "", st);
		qb_add(&b, " AND b.status IN (");
		qb_add(&b, o ? in : "-1");
		qb_add(&b, ")");
	}
	if (q->since || q->until) {
		qb_add(&b, " AND EXISTS (SELECT 1 FROM crashes c WHERE c.bug_id = b.id");
		crash_conds(&b, q->since, q->until, q->machine, q->release);
		qb_add(&b, ")");
	} else {
		/* without a time, the bug's facets know its machines and
		 * releases (a duplicate's moved with its crashes) */
		if (q->machine && !(q->flags & CRASHSIG_QUERY_ONLY_MACHINE))
			qb_text(&b, " AND EXISTS (SELECT 1 FROM bug_facets f WHERE f.bug_id = b.id"
				    " AND f.kind = 2 AND f.value = ?)", q->machine);
		if (q->release)
			qb_text(&b, " AND EXISTS (SELECT 1 FROM bug_facets f WHERE f.bug_id = b.id"
				    " AND f.kind = 1 AND f.value = ?)", q->release);
	}
	if (q->flags & CRASHSIG_QUERY_ONLY_MACHINE)
		qb_text(&b, " AND b.only_machine = ?", q->machine);
	static const char *const cols[] = {"b.id", "b.count", "b.first_seen", "b.last_seen"};
	int desc = (q->flags & CRASHSIG_QUERY_DESCENDING) != 0;
	qb_add(&b, " ORDER BY ");
	qb_add(&b, cols[q->sort]);
	qb_add(&b, desc ? " DESC" : "");
	if (q->sort != CRASHSIG_SORT_ID)
		qb_add(&b, ", b.id");
	if (!re && q->limit)
		qb_int(&b, " LIMIT ?", (int64_t)q->limit);
	cs_stmt *st;
	int rc = qb_prepare(s, &b, &st);
	crashsig_bug **bugs = NULL;
	size_t nb = 0, cap = 0;
	while (!rc) {
		int r = cs_stmt_step(st);
		if (r < 0)
			rc = cs_store_fail(s, CRASHSIG_EDB);
		if (r <= 0)
			break;
		if (cs_reserve((void **)&bugs, &cap, nb + 1, sizeof(*bugs)))
			rc = cs_store_oom(s);
		else if (!(rc = read_bug(s, st, &bugs[nb])))
			nb++;
	}
	cs_stmt_free(st);
	/* their titles: a statement per bug for a few, one pass for many */
	if (!rc && nb > 64)
		rc = add_titles_all(s, bugs, nb);
	for (size_t i = 0; !rc && nb <= 64 && i < nb; i++)
		rc = bug_titles(s, bugs[i]);
	/* the title regex, then the limit */
	size_t kept = 0;
	for (size_t i = 0; i < nb; i++) {
		if (!rc && (!re || title_matches(re, md, bugs[i])) && (!q->limit || kept < q->limit))
			bugs[kept++] = bugs[i];
		else
			crashsig_bug_free(bugs[i]);
	}
	nb = rc ? 0 : kept;
	if (!rc && !bugs && !(bugs = calloc(1, sizeof(*bugs))))
		rc = cs_store_oom(s);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	if (rc) {
		crashsig_bugs_free(bugs, nb);
		return rc;
	}
	*out = bugs;
	*count = nb;
	return 0;
}

CS_EXPORT int crashsig_store_list(crashsig_store *s, crashsig_bug ***out, size_t *count)
{
	return crashsig_store_query(s, NULL, out, count);
}

/* ---------------- crashes ---------------- */

CS_EXPORT void crashsig_crash_record_free(crashsig_crash_record *c)
{
	if (!c)
		return;
	free((void *)c->id);
	free((void *)c->title);
	free((void *)c->type);
	free((void *)c->machine);
	free((void *)c->source);
	free((void *)c->release);
	free((void *)c->build_id);
	free((void *)c->arch);
	free((void *)c->hardware);
	free((void *)c->taint);
	free((void *)c->signature);
	free((void *)c->message_id);
	free((void *)c->report);
	free((void *)c->log);
	free(c);
}

CS_EXPORT void crashsig_crash_records_free(crashsig_crash_record **v, size_t count)
{
	if (!v)
		return;
	for (size_t i = 0; i < count; i++)
		crashsig_crash_record_free(v[i]);
	free(v);
}

#define CRASH_SELECT                                                                   \
	"SELECT c.id, c.crash_id, c.bug_id, c.title, c.ctype, c.corrupted, c.suppressed," \
	" c.time, c.time_nsec, c.time_source, c.received, c.machine, c.source, c.pos,"  \
	" c.krelease, c.build_id, c.arch, c.hardware, c.taint, c.signature, c.kept," \
	" c.uptime, c.message_id"

/* One row of CRASH_SELECT (and, with texts, t.report and t.log). */
static int read_crash(crashsig_store *s, cs_stmt *st, int texts, crashsig_crash_record **out)
{
	crashsig_crash_record *c = calloc(1, sizeof(*c));
	if (!c)
		return cs_store_oom(s);
	int k = 0;
	c->seq = cs_stmt_int(st, k++);
	c->id = cs_store_dup_col(st, k++, NULL);
	c->bug = cs_stmt_int(st, k++);
	c->title = cs_store_dup_col(st, k++, NULL);
	c->type = cs_store_dup_col(st, k++, NULL);
	c->corrupted = (int)cs_stmt_int(st, k++);
	c->suppressed = (int)cs_stmt_int(st, k++);
	c->time = cs_stmt_int(st, k++);
	c->time_nsec = (int32_t)cs_stmt_int(st, k++);
	c->time_source = (crashsig_time_source)cs_stmt_int(st, k++);
	c->received = cs_stmt_int(st, k++);
	c->machine = cs_store_dup_col(st, k++, NULL);
	c->source = cs_store_dup_col(st, k++, NULL);
	c->offset = (uint64_t)cs_stmt_int(st, k++);
	c->release = cs_store_dup_col(st, k++, NULL);
	c->build_id = cs_store_dup_col(st, k++, NULL);
	c->arch = cs_store_dup_col(st, k++, NULL);
	c->hardware = cs_store_dup_col(st, k++, NULL);
	c->taint = cs_store_dup_col(st, k++, NULL);
	c->signature = cs_store_dup_col(st, k++, NULL);
	c->kept = (unsigned)cs_stmt_int(st, k++);
	c->uptime = cs_stmt_is_null(st, k) ? -1.0 : cs_stmt_double(st, k);
	k++;
	c->message_id = cs_store_dup_col(st, k++, NULL);
	int rc = 0;
	if (!c->id || !c->title)
		rc = cs_store_oom(s);
	for (int t = 0; !rc && texts && t < 2; t++, k++) {
		size_t n;
		const char *p = cs_stmt_text(st, k, &n);
		if (!p || !n)
			continue;
		char *txt;
		size_t len;
		if ((rc = cs_text_unpack(s, p, n, &txt, &len)))
			break;
		if (t == 0) {
			c->report = txt;
			c->report_len = len;
		} else {
			c->log = txt;
			c->log_len = len;
		}
	}
	if (rc) {
		crashsig_crash_record_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void crash_where(qbuild *b, const crashsig_crash_query *q)
{
	qb_add(b, " WHERE 1 = 1");
	if (q->bug)
		qb_int(b, " AND c.bug_id = ?", q->bug);
	if (q->bugs) {
		/* numbers of ours, written into the statement: a list of any
		 * length without a parameter per bug */
		qb_add(b, " AND c.bug_id IN (");
		for (size_t i = 0; i < q->nbugs; i++) {
			char n[32];
			snprintf(n, sizeof(n), "%s%lld", i ? ", " : "", (long long)q->bugs[i]);
			qb_add(b, n);
		}
		qb_add(b, q->nbugs ? ")" : "NULL)");
	}
	crash_conds(b, q->since, q->until, q->machine, q->release);
}

/* q as a query of this version in *v (a version 1 caller's struct ends
 * before bugs), or an error. */
static int crash_query_norm(crashsig_store *s, const crashsig_crash_query *q,
			    crashsig_crash_query *v)
{
	crashsig_crash_query all = CRASHSIG_CRASH_QUERY_INIT;
	if (!q) {
		*v = all;
		return 0;
	}
	if (q->version == 1) {
		*v = all;
		memcpy(v, q, offsetof(crashsig_crash_query, bugs));
		v->version = CRASHSIG_CRASH_QUERY_VERSION;
		return 0;
	}
	if (q->version != CRASHSIG_CRASH_QUERY_VERSION)
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown crash query version %u",
				q->version);
	*v = *q;
	return 0;
}

CS_EXPORT int crashsig_store_crashes(crashsig_store *s, const crashsig_crash_query *q,
				     crashsig_crash_record ***out, size_t *count)
{
	if (!s || !out || !count)
		return CRASHSIG_EINVAL;
	*out = NULL;
	*count = 0;
	crashsig_crash_query qv;
	if (crash_query_norm(s, q, &qv))
		return CRASHSIG_EINVAL;
	q = &qv;
	if (s->pend_len && cs_ingest_flush(s))
		return CRASHSIG_EDB;
	int texts = (q->flags & CRASHSIG_CRASHES_TEXT) != 0;
	int newest = (q->flags & CRASHSIG_CRASHES_NEWEST_FIRST) != 0;
	qbuild b = {0};
	qb_add(&b, CRASH_SELECT);
	qb_add(&b, texts ? ", t.report, t.log FROM crashes c LEFT JOIN crash_texts t ON t.crash = c.id"
			 : " FROM crashes c");
	crash_where(&b, q);
	if (q->flags & CRASHSIG_CRASHES_KEPT)
		qb_add(&b, " AND c.kept <> 0");
	if (q->after)
		qb_int(&b, newest ? " AND c.id < ?" : " AND c.id > ?", q->after);
	qb_add(&b, newest ? " ORDER BY c.id DESC" : " ORDER BY c.id");
	if (q->limit)
		qb_int(&b, " LIMIT ?", (int64_t)q->limit);
	cs_stmt *st;
	int rc = qb_prepare(s, &b, &st);
	crashsig_crash_record **v = NULL;
	size_t n = 0, cap = 0;
	while (!rc) {
		int r = cs_stmt_step(st);
		if (r < 0)
			rc = cs_store_fail(s, CRASHSIG_EDB);
		if (r <= 0)
			break;
		if (cs_reserve((void **)&v, &cap, n + 1, sizeof(*v)))
			rc = cs_store_oom(s);
		else if (!(rc = read_crash(s, st, texts, &v[n])))
			n++;
	}
	cs_stmt_free(st);
	if (rc < 0) {
		crashsig_crash_records_free(v, n);
		return rc;
	}
	if (!v && !(v = calloc(1, sizeof(*v))))
		return cs_store_oom(s);
	*out = v;
	*count = n;
	return 0;
}

CS_EXPORT int crashsig_store_get_crash(crashsig_store *s, const char *id,
				       crashsig_crash_record **out)
{
	if (!s || !id || !out)
		return CRASHSIG_EINVAL;
	*out = NULL;
	if (s->pend_len && cs_ingest_flush(s))
		return CRASHSIG_EDB;
	qbuild b = {0};
	qb_add(&b, CRASH_SELECT);
	qb_add(&b, ", t.report, t.log FROM crashes c LEFT JOIN crash_texts t ON t.crash = c.id");
	qb_text(&b, " WHERE c.crash_id = ?", id);
	cs_stmt *st;
	int rc = qb_prepare(s, &b, &st);
	if (!rc) {
		int r = cs_stmt_step(st);
		if (r < 0)
			rc = cs_store_fail(s, CRASHSIG_EDB);
		else if (!r)
			rc = cs_error(&s->err, CRASHSIG_ENOTFOUND, "no crash '%.140s'", id);
		else
			rc = read_crash(s, st, 1, out);
	}
	cs_stmt_free(st);
	return rc;
}

/* ---------------- counts ---------------- */

CS_EXPORT void crashsig_counts_free(crashsig_count *v, size_t count)
{
	if (!v)
		return;
	for (size_t i = 0; i < count; i++)
		free((void *)v[i].key);
	free(v);
}

static int ng_wanted(unsigned by)
{
	return (by & (CRASHSIG_COUNT_BY_BUG | CRASHSIG_COUNT_BY_DAY | CRASHSIG_COUNT_BY_HOUR)) != 0;
}

/* Counts by bug and / or time bucket, aggregated here rather than by
 * SQLite: its GROUP BY sorts every row of the window in a temporary tree,
 * 3 to 4 times the cost of reading them from the covering index
 * (crashes_by_time or crashes_by_bug). PostgreSQL aggregates by hash
 * itself and does not send the rows. */
typedef struct cslot {
	int64_t bug, time;
	size_t at; /* index in the result + 1; 0: free */
} cslot;

/* The first slot to try for (bug, time) in a table of cap slots (a power
 * of two). */
static size_t cslot_at(int64_t bug, int64_t time, size_t cap)
{
	uint64_t h = ((uint64_t)bug * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)time * 0xc2b2ae3d27d4eb4full);
	return (size_t)(h >> 17) & (cap - 1);
}

static int cmp_count_key(const void *a, const void *b)
{
	const crashsig_count *x = a, *y = b;
	if (x->bug != y->bug)
		return x->bug < y->bug ? -1 : 1;
	return x->time < y->time ? -1 : x->time > y->time;
}

static int count_in_c(crashsig_store *s, const crashsig_crash_query *q, int has_bug,
		      int64_t unit, crashsig_count **out, size_t *count)
{
	qbuild b = {0};
	qb_add(&b, "SELECT c.bug_id, c.time, c.corrupted FROM crashes c");
	crash_where(&b, q);
	if (q->flags & CRASHSIG_CRASHES_KEPT)
		qb_add(&b, " AND c.kept <> 0");
	cs_stmt *st;
	int rc = qb_prepare(s, &b, &st);
	if (rc)
		return rc;
	crashsig_count *v = NULL;
	cslot *tab = NULL;
	size_t n = 0, cap = 0, tcap = 0;
	int r;
	while ((r = cs_stmt_step(st)) == 1) {
		int64_t bug = has_bug ? cs_stmt_int(st, 0) : 0, t = cs_stmt_int(st, 1);
		int64_t k = unit ? t / unit * unit : 0; /* as SQL divides */
		int64_t corrupted = cs_stmt_int(st, 2);
		if ((n + 1) * 2 > tcap) {
			size_t ncap = tcap ? tcap * 2 : 1024;
			cslot *nt = calloc(ncap, sizeof(*nt));
			if (!nt) {
				rc = cs_store_oom(s);
				break;
			}
			for (size_t i = 0; i < tcap; i++) {
				if (!tab[i].at)
					continue;
				size_t j = cslot_at(tab[i].bug, tab[i].time, ncap);
				while (nt[j].at)
					j = (j + 1) & (ncap - 1);
				nt[j] = tab[i];
			}
			free(tab);
			tab = nt;
			tcap = ncap;
		}
		size_t j = cslot_at(bug, k, tcap);
		while (tab[j].at && (tab[j].bug != bug || tab[j].time != k))
			j = (j + 1) & (tcap - 1);
		if (!tab[j].at) {
			if (cs_reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
				rc = cs_store_oom(s);
				break;
			}
			v[n] = (crashsig_count){.bug = bug, .time = k, .first = t, .last = t};
			tab[j] = (cslot){bug, k, ++n};
		}
		crashsig_count *c = &v[tab[j].at - 1];
		c->count++;
		c->corrupted += corrupted;
		if (t < c->first)
			c->first = t;
		if (t > c->last)
			c->last = t;
	}
	if (r < 0 && !rc)
		rc = cs_store_fail(s, CRASHSIG_EDB);
	cs_stmt_free(st);
	free(tab);
	if (!rc && !v && !(v = calloc(1, sizeof(*v))))
		rc = cs_store_oom(s);
	if (rc) {
		free(v);
		return rc;
	}
	qsort(v, n, sizeof(*v), cmp_count_key);
	*out = v;
	*count = n;
	return 0;
}

CS_EXPORT int crashsig_store_count(crashsig_store *s, const crashsig_crash_query *q,
				   unsigned int by, crashsig_count **out, size_t *count)
{
	if (!s || !out || !count)
		return CRASHSIG_EINVAL;
	*out = NULL;
	*count = 0;
	crashsig_crash_query qv;
	if (crash_query_norm(s, q, &qv))
		return CRASHSIG_EINVAL;
	q = &qv;
	static const struct {
		unsigned bit;
		const char *col;
	} keys[] = {
		{CRASHSIG_COUNT_BY_MACHINE, "COALESCE(c.machine, '')"},
		{CRASHSIG_COUNT_BY_RELEASE, "COALESCE(c.krelease, '')"},
		{CRASHSIG_COUNT_BY_ARCH, "COALESCE(c.arch, '')"},
		{CRASHSIG_COUNT_BY_TYPE, "COALESCE(c.ctype, '')"},
	};
	unsigned times = by & (CRASHSIG_COUNT_BY_DAY | CRASHSIG_COUNT_BY_HOUR);
	const char *key = NULL;
	int nkeys = 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (by & keys[i].bit) {
			key = keys[i].col;
			nkeys++;
		}
	if (by & ~0x7fu || nkeys > 1 || times == (CRASHSIG_COUNT_BY_DAY | CRASHSIG_COUNT_BY_HOUR))
		return cs_error(&s->err, CRASHSIG_EINVAL,
				"count by 0x%x: at most one time key and one string key", by);
	if (s->pend_len && cs_ingest_flush(s))
		return CRASHSIG_EDB;
	int has_bug = (by & CRASHSIG_COUNT_BY_BUG) != 0;
	int64_t unit = times == CRASHSIG_COUNT_BY_DAY ? 86400 : times ? 3600 : 0;
	char tcol[64];
	snprintf(tcol, sizeof(tcol), "(c.time / %lld) * %lld", (long long)unit, (long long)unit);
	qbuild b = {0};
	cs_buf groups = {0};
	int ng = 0, oom = 0;
	/* The totals ingest keeps answer what they cover: every crash by
	 * machine (machines), and crashes of whole UTC days by day and type
	 * (crash_days). */
	int plain = !q->bug && !q->bugs && !q->machine && !q->release &&
		    !(q->flags & CRASHSIG_CRASHES_KEPT);
	if (plain && by == CRASHSIG_COUNT_BY_MACHINE && !q->since && !q->until) {
		qb_add(&b, "SELECT name, count, corrupted, first_seen, last_seen FROM machines"
			   " ORDER BY name");
		goto run;
	}
	if (plain && !(by & ~(CRASHSIG_COUNT_BY_DAY | CRASHSIG_COUNT_BY_TYPE)) && q->since >= 0 &&
	    q->until >= 0 && q->since % CS_DAY == 0 && q->until % CS_DAY == 0) {
		const char *g = by == (CRASHSIG_COUNT_BY_DAY | CRASHSIG_COUNT_BY_TYPE) ? "day, ctype"
				: by == CRASHSIG_COUNT_BY_DAY			   ? "day"
				: by == CRASHSIG_COUNT_BY_TYPE			   ? "ctype"
										   : NULL;
		/* (PostgreSQL's SUM of a BIGINT is a NUMERIC) */
		qb_add(&b, "SELECT ");
		if (g) {
			qb_add(&b, g);
			qb_add(&b, ", ");
		}
		qb_add(&b, "CAST(COALESCE(SUM(count), 0) AS BIGINT), CAST(SUM(corrupted) AS BIGINT),"
			   " MIN(first_seen), MAX(last_seen)"
			   " FROM crash_days WHERE 1 = 1");
		if (q->since)
			qb_int(&b, " AND day >= ?", q->since);
		if (q->until)
			qb_int(&b, " AND day < ?", q->until);
		if (g) {
			qb_add(&b, " GROUP BY ");
			qb_add(&b, g);
			qb_add(&b, " ORDER BY ");
			qb_add(&b, g);
		}
		goto run;
	}
	if (!key && ng_wanted(by) && cs_db_get_kind(s->db) != CS_DB_PG)
		return count_in_c(s, q, has_bug, unit, out, count);
	qb_add(&b, "SELECT ");
	/* A time window over all bugs reads the window from the time index;
	 * grouping by the bug column itself would make SQLite walk the whole
	 * bug index instead, to save a sort ("+" keeps it from that index). */
	const char *bugcol = q->bug || q->bugs || !(q->since || q->until) ? "c.bug_id" : "+c.bug_id";
	const char *cols[3] = {has_bug ? bugcol : NULL, unit ? tcol : NULL, key};
	for (int i = 0; i < 3; i++) {
		if (!cols[i])
			continue;
		qb_add(&b, cols[i]);
		qb_add(&b, ", ");
		oom |= cs_buf_printf(&groups, "%s%d", ng ? ", " : "", ng + 1) != 0;
		ng++;
	}
	qb_add(&b, "COUNT(*), SUM(c.corrupted), MIN(c.time), MAX(c.time) FROM crashes c");
	crash_where(&b, q);
	if (q->flags & CRASHSIG_CRASHES_KEPT)
		qb_add(&b, " AND c.kept <> 0");
	if (ng) {
		qb_add(&b, " GROUP BY ");
		qb_add(&b, groups.data ? groups.data : "1");
		qb_add(&b, " ORDER BY ");
		qb_add(&b, groups.data ? groups.data : "1");
	}
	cs_buf_free(&groups);
	b.oom |= oom;
run:;
	cs_stmt *st;
	int rc = qb_prepare(s, &b, &st);
	crashsig_count *v = NULL;
	size_t n = 0, cap = 0;
	while (!rc) {
		int r = cs_stmt_step(st);
		if (r < 0)
			rc = cs_store_fail(s, CRASHSIG_EDB);
		if (r <= 0)
			break;
		if (cs_reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
			rc = cs_store_oom(s);
			break;
		}
		crashsig_count *c = &v[n];
		memset(c, 0, sizeof(*c));
		int k = 0;
		if (has_bug)
			c->bug = cs_stmt_int(st, k++);
		if (unit)
			c->time = cs_stmt_int(st, k++);
		if (key) {
			size_t len;
			const char *t = cs_stmt_text(st, k++, &len);
			if (!(c->key = cs_strndup(t ? t : "", t ? len : 0))) {
				rc = cs_store_oom(s);
				break;
			}
		}
		c->count = cs_stmt_int(st, k++);
		c->corrupted = cs_stmt_is_null(st, k) ? 0 : cs_stmt_int(st, k);
		k++;
		c->first = cs_stmt_is_null(st, k) ? 0 : cs_stmt_int(st, k);
		k++;
		c->last = cs_stmt_is_null(st, k) ? 0 : cs_stmt_int(st, k);
		n++;
	}
	cs_stmt_free(st);
	if (rc < 0) {
		crashsig_counts_free(v, n);
		return rc;
	}
	if (!v && !(v = calloc(1, sizeof(*v))))
		return cs_store_oom(s);
	*out = v;
	*count = n;
	return 0;
}

/* ---------------- facets ---------------- */

CS_EXPORT void crashsig_strings_free(char **v, size_t count)
{
	if (!v)
		return;
	for (size_t i = 0; i < count; i++)
		free(v[i]);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

CS_EXPORT int crashsig_store_bug_facets(crashsig_store *s, int64_t bug, crashsig_facet what,
					char ***out, size_t *count)
{
	if (!s || !out || !count)
		return CRASHSIG_EINVAL;
	*out = NULL;
	*count = 0;
	if (what != CRASHSIG_FACET_RELEASE && what != CRASHSIG_FACET_MACHINE)
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown facet %d", (int)what);
	if (s->pend_len && cs_ingest_flush(s))
		return CRASHSIG_EDB;
	cs_stmt *st = s->q[Q_FACETS];
	cs_stmt_bind_int(st, 1, bug);
	cs_stmt_bind_int(st, 2, what == CRASHSIG_FACET_RELEASE ? F_RELEASE : F_MACHINE);
	char **v = NULL;
	size_t n = 0, cap = 0;
	int r, rc = 0;
	while ((r = cs_stmt_step(st)) == 1) {
		if (cs_reserve((void **)&v, &cap, n + 1, sizeof(*v)) ||
		    !(v[n] = cs_store_dup_col(st, 0, NULL))) {
			rc = cs_store_oom(s);
			break;
		}
		n++;
	}
	if (r < 0 && !rc)
		rc = cs_store_fail(s, CRASHSIG_EDB);
	cs_stmt_reset(st);
	if (!rc && !v && !(v = calloc(1, sizeof(*v))))
		rc = cs_store_oom(s);
	if (rc) {
		crashsig_strings_free(v, n);
		return rc;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	*count = n;
	return 0;
}
