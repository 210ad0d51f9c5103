/*
 * A bug's life cycle: open, fixed, invalid, or a duplicate merged into
 * another bug; every change is recorded in bug_events with its time and
 * reason.
 *
 * syzbot's dashboard has the same states (BugStatusOpen, Fixed, Invalid,
 * Dup; dashboard/app/entities.go) and keeps a duplicate's crashes on it,
 * counting them through its canonical bug (canonicalBug, isActiveBug in
 * api.go). The store merges instead: a duplicate's crashes, count and
 * titles move to its target, so that every count and crash list of the
 * target is whole, and the sum of the counts stays the number of crashes
 * accepted.
 */
#include "dedup/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bug_state {
	int64_t id;
	int status;
	int64_t dup_of;
	int64_t count, first, last;
	char *title;
	int seq;
} bug_state;

static int run_sql(crashsig_store *s, const char *sql, int nint, const int64_t *iv,
		   const char *text, int64_t *ret)
{
	cs_stmt *st;
	if (cs_db_prepare(s->db, sql, &st))
		return cs_store_fail(s, CRASHSIG_EDB);
	int k = 1;
	for (int i = 0; i < nint; i++)
		cs_stmt_bind_int(st, k++, iv[i]);
	if (text)
		cs_stmt_bind_text(st, k++, text);
	int rc = cs_stmt_step(st);
	if (ret)
		*ret = rc == 1 && !cs_stmt_is_null(st, 0) ? cs_stmt_int(st, 0) : -1;
	cs_stmt_free(st);
	return rc < 0 ? cs_store_fail(s, CRASHSIG_EDB) : 0;
}

static int load_state(crashsig_store *s, int64_t id, bug_state *b)
{
	memset(b, 0, sizeof(*b));
	cs_stmt *st;
	if (cs_db_prepare(s->db,
			  "SELECT status, dup_of, count, first_seen, last_seen, title, seq"
			  " FROM bugs WHERE id = ?",
			  &st))
		return cs_store_fail(s, CRASHSIG_EDB);
	cs_stmt_bind_int(st, 1, id);
	int rc = cs_stmt_step(st);
	if (rc == 1) {
		b->id = id;
		b->status = (int)cs_stmt_int(st, 0);
		b->dup_of = cs_stmt_is_null(st, 1) ? 0 : cs_stmt_int(st, 1);
		b->count = cs_stmt_int(st, 2);
		b->first = cs_stmt_int(st, 3);
		b->last = cs_stmt_int(st, 4);
		b->title = cs_store_dup_col(st, 5, NULL);
		b->seq = (int)cs_stmt_int(st, 6);
	}
	cs_stmt_free(st);
	if (rc < 0)
		return cs_store_fail(s, CRASHSIG_EDB);
	if (!rc)
		return cs_error(&s->err, CRASHSIG_ENOTFOUND, "no bug %lld", (long long)id);
	return b->title ? 0 : cs_store_oom(s);
}

/* "title" or "title (N)" */
static void shown(const bug_state *b, char *buf, size_t len)
{
	if (b->seq)
		snprintf(buf, len, "%s (%d)", b->title, b->seq + 1);
	else
		snprintf(buf, len, "%s", b->title);
}

/* Merge bug a into bug t: crashes, counts, titles, facets. *moved: the
 * crashes moved. */
static int merge_into(crashsig_store *s, const bug_state *a, const bug_state *t, int64_t *moved)
{
	int64_t iv[2] = {a->id, 0};
	int rc = run_sql(s, "SELECT COUNT(*) FROM crashes WHERE bug_id = ?", 1, iv, NULL, moved);
	if (rc)
		return rc;
	iv[0] = t->id;
	iv[1] = a->id;
	if ((rc = run_sql(s, "UPDATE crashes SET bug_id = ? WHERE bug_id = ?", 2, iv, NULL, NULL)))
		return rc;
	if ((rc = run_sql(s,
			  "INSERT INTO bug_facets (bug_id, kind, value) SELECT ?, kind, value"
			  " FROM bug_facets WHERE bug_id = ? ON CONFLICT DO NOTHING",
			  2, iv, NULL, NULL)))
		return rc;
	/* the facets moved with the crashes: the target's machine columns
	 * are recomputed, the duplicate has none left */
	if ((rc = run_sql(s, "DELETE FROM bug_facets WHERE bug_id = ?", 1, iv + 1, NULL, NULL)) ||
	    (rc = run_sql(s, CS_BUG_MACHINES_SQL " WHERE id = ?", 1, iv, NULL, NULL)) ||
	    (rc = run_sql(s, CS_BUG_MACHINES_SQL " WHERE id = ?", 1, iv + 1, NULL, NULL)))
		return rc;
	/* the facet cache may hold the duplicate's */
	if (s->facets)
		memset(s->facets, 0, s->facets_cap * sizeof(*s->facets));
	s->facets_len = 0;
	if (a->count) {
		int64_t first = a->first < t->first ? a->first : t->first;
		int64_t last = a->last > t->last ? a->last : t->last;
		int64_t cv[4] = {a->count, first, last, t->id};
		if ((rc = run_sql(s,
				  "UPDATE bugs SET count = count + ?, first_seen = ?, last_seen = ?"
				  " WHERE id = ?",
				  4, cv, NULL, NULL)))
			return rc;
	}
	iv[0] = a->id;
	if ((rc = run_sql(s, "UPDATE bugs SET count = 0 WHERE id = ?", 1, iv, NULL, NULL)))
		return rc;
	/* The duplicate's titles become the target's: later crashes with
	 * them join the target (its merged titles come first). */
	cs_stmt *st;
	if (cs_db_prepare(s->db, "SELECT kind, title FROM bug_titles WHERE bug_id = ? ORDER BY kind, pos",
			  &st))
		return cs_store_fail(s, CRASHSIG_EDB);
	cs_stmt_bind_int(st, 1, a->id);
	struct {
		int kind;
		char *title;
	} *v = NULL;
	size_t n = 0, cap = 0;
	int r;
	while ((r = cs_stmt_step(st)) == 1) {
		if (cs_reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
			r = CRASHSIG_ENOMEM;
			break;
		}
		v[n].kind = (int)cs_stmt_int(st, 0);
		if (!(v[n].title = cs_store_dup_col(st, 1, NULL))) {
			r = CRASHSIG_ENOMEM;
			break;
		}
		n++;
	}
	cs_stmt_free(st);
	if (r < 0)
		rc = r == CRASHSIG_ENOMEM ? cs_store_oom(s) : cs_store_fail(s, CRASHSIG_EDB);
	for (size_t i = 0; !rc && i < n; i++) {
		int added;
		rc = cs_add_title(s, t->id, v[i].kind, v[i].title, &added);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].title);
	free(v);
	return rc;
}

static int change_locked(crashsig_store *s, int64_t id, const crashsig_bug_change *c)
{
	bug_state b, t = {0};
	int rc = load_state(s, id, &b);
	if (rc)
		return rc;
	int64_t when = c->time ? c->time : cs_store_now();
	int64_t dup_of = 0, moved = 0;
	char name[300], other[300];
	shown(&b, name, sizeof(name));
	if (c->status == CRASHSIG_BUG_DUP) {
		/* the end of the chain of duplicates */
		int64_t target = c->dup_of;
		for (int hops = 0; !rc; hops++) {
			free(t.title);
			if ((rc = load_state(s, target, &t)))
				break;
			if (t.status != CRASHSIG_BUG_DUP || !t.dup_of || hops > 1000)
				break;
			target = t.dup_of;
		}
		if (!rc && t.id == id)
			rc = cs_error(&s->err, CRASHSIG_EINVAL,
				      "bug %lld cannot be a duplicate of %s",
				      (long long)id,
				      c->dup_of == id ? "itself" : "one of its own duplicates");
		if (!rc && b.status == CRASHSIG_BUG_DUP && b.dup_of == t.id)
			goto same;
		if (!rc)
			rc = merge_into(s, &b, &t, &moved);
		dup_of = t.id;
	} else if (c->status == CRASHSIG_BUG_OPEN) {
		if (b.status == CRASHSIG_BUG_OPEN)
			goto same;
		/* never two open bugs of one title: the second would never get
		 * a crash, and the dashboard's rules assume one */
		int64_t iv[1] = {id}, open_id;
		rc = run_sql(s, "SELECT id FROM bugs WHERE status = 0 AND id <> ? AND title = ?", 1, iv,
			     b.title, &open_id);
		if (!rc && open_id > 0) {
			bug_state o;
			if (!(rc = load_state(s, open_id, &o))) {
				shown(&o, other, sizeof(other));
				rc = cs_error(&s->err, CRASHSIG_EINVAL,
					      "bug %lld ('%.200s') is open with the same title: "
					      "bug %lld ('%.200s') stays %s (mark bug %lld a duplicate "
					      "of it, or fixed, first)",
					      (long long)open_id, other, (long long)id, name,
					      crashsig_bug_status_name((crashsig_bug_status)b.status),
					      (long long)open_id);
				free(o.title);
			}
		}
	} else if (b.status == (int)c->status) {
		goto same;
	}
	if (!rc) {
		cs_stmt *st;
		if (cs_db_prepare(s->db,
				  "UPDATE bugs SET status = ?, dup_of = ?, status_time = ? WHERE id = ?",
				  &st)) {
			rc = cs_store_fail(s, CRASHSIG_EDB);
		} else {
			cs_stmt_bind_int(st, 1, (int64_t)c->status);
			if (dup_of)
				cs_stmt_bind_int(st, 2, dup_of);
			else
				cs_stmt_bind_text(st, 2, NULL);
			cs_stmt_bind_int(st, 3, when);
			cs_stmt_bind_int(st, 4, id);
			if (cs_stmt_step(st) < 0)
				rc = cs_store_fail(s, CRASHSIG_EDB);
			cs_stmt_free(st);
		}
	}
	if (!rc) {
		cs_stmt *st;
		if (cs_db_prepare(s->db,
				  "INSERT INTO bug_events (bug_id, time, from_status, to_status, dup_of,"
				  " moved, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
				  &st)) {
			rc = cs_store_fail(s, CRASHSIG_EDB);
		} else {
			cs_stmt_bind_int(st, 1, id);
			cs_stmt_bind_int(st, 2, when);
			cs_stmt_bind_int(st, 3, b.status);
			cs_stmt_bind_int(st, 4, (int64_t)c->status);
			if (dup_of)
				cs_stmt_bind_int(st, 5, dup_of);
			else
				cs_stmt_bind_text(st, 5, NULL);
			cs_stmt_bind_int(st, 6, moved);
			cs_stmt_bind_text(st, 7, c->reason);
			if (cs_stmt_step(st) < 0)
				rc = cs_store_fail(s, CRASHSIG_EDB);
			cs_stmt_free(st);
		}
	}
	if (!rc)
		rc = cs_store_bump(s);
	free(b.title);
	free(t.title);
	return rc;
same:
	free(b.title);
	free(t.title);
	return 0;
}

CS_EXPORT int crashsig_store_change_bug(crashsig_store *s, int64_t id,
					const crashsig_bug_change *c)
{
	if (!s || !c)
		return CRASHSIG_EINVAL;
	if (c->version != CRASHSIG_BUG_CHANGE_VERSION)
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown bug change version %u", c->version);
	if (!crashsig_bug_status_name(c->status))
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown bug status %d", (int)c->status);
	if (c->status == CRASHSIG_BUG_DUP && c->dup_of <= 0)
		return cs_error(&s->err, CRASHSIG_EINVAL, "a duplicate needs the bug it duplicates");
	/* pending crashes first: they belong to the grouping before the change */
	int rc = cs_store_tx_commit(s);
	if (!rc)
		rc = cs_store_tx_begin(s);
	if (rc)
		return rc;
	rc = change_locked(s, id, c);
	if (rc) {
		cs_store_tx_abort(s);
		return rc;
	}
	/* Status decides which bugs attract crashes: start the caches anew. */
	cs_store_cache_clear(s);
	return cs_store_tx_commit(s);
}

CS_EXPORT int crashsig_store_set_status(crashsig_store *s, int64_t id,
					crashsig_bug_status status)
{
	if (!s)
		return CRASHSIG_EINVAL;
	if (status == CRASHSIG_BUG_DUP)
		return cs_error(&s->err, CRASHSIG_EINVAL,
				"a duplicate needs the bug it duplicates (crashsig_store_change_bug)");
	crashsig_bug_change c = CRASHSIG_BUG_CHANGE_INIT;
	c.status = status;
	return crashsig_store_change_bug(s, id, &c);
}

CS_EXPORT void crashsig_bug_events_free(crashsig_bug_event *v, size_t count)
{
	if (!v)
		return;
	for (size_t i = 0; i < count; i++)
		free((void *)v[i].reason);
	free(v);
}

CS_EXPORT int crashsig_store_bug_events(crashsig_store *s, int64_t bug, crashsig_bug_event **out,
					size_t *count)
{
	if (!s || !out || !count)
		return CRASHSIG_EINVAL;
	*out = NULL;
	*count = 0;
	cs_stmt *st;
	if (cs_db_prepare(s->db,
			  bug ? "SELECT bug_id, time, from_status, to_status, dup_of, moved, reason"
				" FROM bug_events WHERE bug_id = ? ORDER BY id"
			      : "SELECT bug_id, time, from_status, to_status, dup_of, moved, reason"
				" FROM bug_events ORDER BY id",
			  &st))
		return cs_store_fail(s, CRASHSIG_EDB);
	if (bug)
		cs_stmt_bind_int(st, 1, bug);
	crashsig_bug_event *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, r;
	while ((r = cs_stmt_step(st)) == 1) {
		if (cs_reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
			rc = cs_store_oom(s);
			break;
		}
		crashsig_bug_event *e = &v[n];
		e->bug = cs_stmt_int(st, 0);
		e->time = cs_stmt_int(st, 1);
		e->from = (crashsig_bug_status)cs_stmt_int(st, 2);
		e->to = (crashsig_bug_status)cs_stmt_int(st, 3);
		e->dup_of = cs_stmt_is_null(st, 4) ? 0 : cs_stmt_int(st, 4);
		e->moved = cs_stmt_int(st, 5);
		e->reason = NULL;
		if (!cs_stmt_is_null(st, 6) && !(e->reason = cs_store_dup_col(st, 6, NULL))) {
			rc = cs_store_oom(s);
			break;
		}
		n++;
	}
	if (!rc && r < 0)
		rc = cs_store_fail(s, CRASHSIG_EDB);
	cs_stmt_free(st);
	if (rc) {
		crashsig_bug_events_free(v, n);
		return rc;
	}
	if (!v && !(v = calloc(1, sizeof(*v))))
		return cs_store_oom(s);
	*out = v;
	*count = n;
	return 0;
}
