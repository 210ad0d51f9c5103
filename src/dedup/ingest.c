/*
 * Adding crashes to the bug store: crash ids, the dashboard's grouping,
 * the crash record and its retention.
 *
 * The grouping rules come from google/syzkaller dashboard/app/api.go and
 * are re-expressed here (no code of it is used):
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
 *    crash's titles. A closed bug (fixed, invalid, or a duplicate:
 *    isActiveBug is false) therefore never attracts new crashes, and the
 *    next crash with its title opens seq 1, shown "title (2)"
 *    (Bug.displayTitle in dashboard/app/entities.go).
 *  - reportCrash() then counts the crash, adds its title to MergedTitles
 *    and its titles to AltTitles (mergeString / mergeStringList: appended,
 *    without repeats, order kept: AltTitles[0] stays the bug's title).
 *
 * Before any of that, the crash's id is looked up: a crash accepted before
 * changes nothing (crashes.crash_id is a unique key; the insert is
 * "ON CONFLICT DO NOTHING", so the database refuses a second copy whatever
 * the caches say).
 *
 * Retention (dedup.h): syzbot's dashboard saves a crash while the bug has
 * fewer than maxCrashes (40), and later one now and then (every 20th, one
 * an hour, a new title), and purges keeping the latest crash of each
 * manager and one crash per title (reportCrash, purgeOldCrashes). The store
 * keeps the row of every crash and drops only texts: those of crashes past
 * the first keep_per_bug that are not the last received, the first of a
 * release, machine or title, or a keep_every-th. The last crash received is
 * known for sure only at commit, so a crash kept for no other reason keeps
 * its texts in memory until then (one per bug touched by the transaction).
 */
#include "dedup/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <zstd.h>

/* Titles are cut at 200 bytes (at a UTF-8 boundary) and trimmed, as the
 * dashboard's normalizeCrashTitle/limitLength do with maxTextLen
 * (dashboard/app/api.go, entities.go). */
#define MAX_TITLE 200


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

void cs_titles_free(titles *t)
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
int cs_crash_titles(const crashsig_crash *c, titles *t)
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
int cs_find_bug(crashsig_store *s, const titles *t, int64_t *bug)
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
		return cs_store_fail(s, CRASHSIG_EDB);
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
			return cs_store_fail(s, CRASHSIG_EDB);
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
		return rc == CRASHSIG_ENOMEM ? cs_store_oom(s)
					     : cs_store_fail(s, CRASHSIG_EDB);
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
			if (cs_store_step_int(s, Q_ALT_HAS, &has)) {
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

int cs_add_title(crashsig_store *s, int64_t bug, int kind, const char *title, int *added)
{
	int64_t has, pos = 0;
	*added = 0;
	cs_stmt_bind_int(s->q[Q_HAS_TITLE], 1, bug);
	cs_stmt_bind_int(s->q[Q_HAS_TITLE], 2, kind);
	cs_stmt_bind_text(s->q[Q_HAS_TITLE], 3, title);
	if (cs_store_step_int(s, Q_HAS_TITLE, &has))
		return CRASHSIG_EDB;
	if (has > 0)
		return 0;
	if (kind == T_ALT) {
		cs_stmt_bind_int(s->q[Q_NALT], 1, bug);
		if (cs_store_step_int(s, Q_NALT, &pos))
			return CRASHSIG_EDB;
	}
	cs_stmt *q = s->q[Q_ADD_TITLE];
	cs_stmt_bind_int(q, 1, bug);
	cs_stmt_bind_int(q, 2, kind);
	cs_stmt_bind_text(q, 3, title);
	cs_stmt_bind_int(q, 4, pos);
	if (cs_store_run(s, Q_ADD_TITLE))
		return CRASHSIG_EDB;
	*added = 1;
	return 0;
}


/* ---------------- crash ids ---------------- */

static int valid_id(const char *id)
{
	size_t n = strlen(id);
	if (!n || n > CRASHSIG_CRASH_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)id[i] <= 0x20 || (unsigned char)id[i] >= 0x7f)
			return 0;
	return 1;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* One field of the id's input: a tag (absent / present) and the bytes, so
 * that NULL, "" and the boundaries between fields never run together. */
static void id_field(cs_sha256 *h, const char *p, size_t n)
{
	unsigned char tag = p ? 'S' : 'N';
	cs_sha256_update(h, &tag, 1);
	if (p) {
		unsigned char len[8];
		for (int i = 0; i < 8; i++)
			len[i] = (unsigned char)((uint64_t)n >> (8 * i));
		cs_sha256_update(h, len, 8);
		cs_sha256_update(h, p, n);
	}
}

/* The crash's id (see "Crash ids" in dedup.h): the client's, or derived
 * from the machine, source, offset, first line of the report and the
 * log's own time; with no source, a random one. */
static int crash_id(crashsig_store *s, const crashsig_crash *c, char out[CRASHSIG_CRASH_ID_MAX + 1])
{
	if (c->id) {
		if (!valid_id(c->id))
			return cs_error(&s->err, CRASHSIG_EINVAL,
					"crash id '%.140s' is not 1 to %d printable ASCII bytes "
					"without spaces", c->id, CRASHSIG_CRASH_ID_MAX);
		strcpy(out, c->id);
		return 0;
	}
	unsigned char d[32];
	if (!c->source && !c->message_id) {
		/* nothing stable to derive an id from */
		size_t got = 0;
		while (got < 16) {
			ssize_t r = getrandom(d + got, 16 - got, 0);
			if (r < 0)
				return cs_error(&s->err, CRASHSIG_EIO, "getrandom failed");
			got += (size_t)r;
		}
		hex(d, 16, out);
		return 0;
	}
	cs_sha256 h;
	cs_sha256_init(&h);
	static const char tag[] = "crashsig crash id 1";
	cs_sha256_update(&h, tag, sizeof(tag));
	id_field(&h, c->machine, c->machine ? strlen(c->machine) : 0);
	/* one mail is one crash in whichever mbox it is read */
	const char *where = c->message_id ? c->message_id : c->source;
	id_field(&h, where, strlen(where));
	char num[48];
	int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)c->offset);
	id_field(&h, num, (size_t)n);
	/* the first line of the report, trailing blanks left out */
	const char *line = c->report;
	size_t ll = 0;
	if (line) {
		const char *nl = memchr(line, '\n', c->report_len);
		ll = nl ? (size_t)(nl - line) : c->report_len;
		while (ll && cs_isspace((unsigned char)line[ll - 1]))
			ll--;
	}
	id_field(&h, line, ll);
	if (c->time_source == CRASHSIG_TIME_SOURCE_LOG || c->time_source == CRASHSIG_TIME_SOURCE_MAIL) {
		n = snprintf(num, sizeof(num), "%lld.%09d", (long long)c->time, (int)c->time_nsec);
		id_field(&h, num, (size_t)n);
	} else {
		id_field(&h, NULL, 0);
	}
	if (c->uptime >= 0) {
		n = snprintf(num, sizeof(num), "%.6f", c->uptime);
		id_field(&h, num, (size_t)n);
	} else {
		id_field(&h, NULL, 0);
	}
	cs_sha256_final(&h, d);
	hex(d, 16, out);
	return 0;
}

/* ---------------- crash texts ---------------- */

/* zstd's fastest regular level: crash texts are small (a few KiB), and at
 * level 3 resetting the larger tables cost more than compressing. */
#define ZSTD_LEVEL 1
/* A stored text never decompresses to more than this (a damaged or
 * foreign row cannot make the store allocate without bound). */
#define TEXT_UNPACK_MAX (16u * 1024u * 1024u)

int cs_text_pack(crashsig_store *s, const char *p, size_t n, void **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (!s->zc && !(s->zc = ZSTD_createCCtx()))
		return cs_store_oom(s);
	size_t cap = ZSTD_compressBound(n);
	void *b = malloc(cap ? cap : 1);
	if (!b)
		return cs_store_oom(s);
	size_t r = ZSTD_compressCCtx(s->zc, b, cap, p, n, ZSTD_LEVEL);
	if (ZSTD_isError(r)) {
		free(b);
		return cs_error(&s->err, CRASHSIG_EIO, "zstd: %s", ZSTD_getErrorName(r));
	}
	*out = b;
	*outlen = r;
	return 0;
}

int cs_text_unpack(crashsig_store *s, const void *p, size_t n, char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	unsigned long long size = ZSTD_getFrameContentSize(p, n);
	if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
	    size > TEXT_UNPACK_MAX)
		return cs_error(&s->err, CRASHSIG_EFORMAT, "a stored crash text is damaged");
	if (!s->zd && !(s->zd = ZSTD_createDCtx()))
		return cs_store_oom(s);
	char *b = malloc((size_t)size + 1);
	if (!b)
		return cs_store_oom(s);
	size_t r = ZSTD_decompressDCtx(s->zd, b, (size_t)size, p, n);
	if (ZSTD_isError(r) || r != size) {
		free(b);
		return cs_error(&s->err, CRASHSIG_EFORMAT, "a stored crash text is damaged");
	}
	b[r] = 0;
	*out = b;
	*outlen = r;
	return 0;
}

/* The part of a report that is kept: at most CRASHSIG_REPORT_MAX bytes, cut
 * after a line. */
static size_t report_keep(const char *p, size_t n)
{
	if (n <= CRASHSIG_REPORT_MAX)
		return n;
	size_t k = CRASHSIG_REPORT_MAX;
	while (k && p[k - 1] != '\n')
		k--;
	return k ? k : CRASHSIG_REPORT_MAX;
}

/* The part of a log excerpt that is kept: its last log_max bytes, from a
 * line start. Returns the offset of the kept part. */
static size_t log_skip(const crashsig_store *s, const char *p, size_t n)
{
	if (n <= s->opts.log_max)
		return 0;
	size_t k = n - s->opts.log_max;
	const char *nl = memchr(p + k, '\n', n - k);
	return nl && nl + 1 < p + n ? (size_t)(nl + 1 - p) : k;
}

static int write_texts(crashsig_store *s, int64_t row, const char *report, size_t rlen,
		       const char *log, size_t llen)
{
	void *pr = NULL, *pl = NULL;
	size_t nr = 0, nl = 0;
	int rc = 0;
	if (report)
		rc = cs_text_pack(s, report, report_keep(report, rlen), &pr, &nr);
	if (!rc && log) {
		size_t skip = log_skip(s, log, llen);
		rc = cs_text_pack(s, log + skip, llen - skip, &pl, &nl);
	}
	if (!rc) {
		cs_stmt *q = s->q[Q_TEXT_ADD];
		cs_stmt_bind_int(q, 1, row);
		cs_stmt_bind_blob(q, 2, pr, nr);
		cs_stmt_bind_blob(q, 3, pl, nl);
		rc = cs_store_run(s, Q_TEXT_ADD);
	}
	free(pr);
	free(pl);
	return rc;
}

/* ---------------- what a transaction did to each bug ---------------- */

static void pend_texts_free(crashsig_store *s, pend *p)
{
	s->pend_bytes -= p->report_len + p->log_len;
	free(p->report);
	free(p->log);
	p->report = p->log = NULL;
	p->report_len = p->log_len = 0;
}

/* The entry of bug (created with the bug's count and last kept crash
 * before the transaction). */
static int pend_get(crashsig_store *s, int64_t bug, pend **out)
{
	if (s->pend_cap) {
		for (size_t i = (size_t)bug & (s->pend_cap - 1);; i = (i + 1) & (s->pend_cap - 1)) {
			pend *p = &s->pend[i];
			if (!p->bug)
				break;
			if (p->bug == bug) {
				*out = p;
				return 0;
			}
		}
	}
	if ((s->pend_len + 1) * 2 > s->pend_cap) {
		size_t ncap = s->pend_cap ? s->pend_cap * 2 : 256;
		pend *n = calloc(ncap, sizeof(*n));
		if (!n)
			return cs_store_oom(s);
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
	cs_stmt *q = s->q[Q_BUG_BASE];
	cs_stmt_bind_int(q, 1, bug);
	int rc = cs_stmt_step(q);
	int64_t base = 0, prev = 0;
	if (rc == 1) {
		base = cs_stmt_int(q, 0);
		prev = cs_stmt_is_null(q, 1) ? 0 : cs_stmt_int(q, 1);
	}
	cs_stmt_reset(q);
	if (rc < 0)
		return cs_store_fail(s, CRASHSIG_EDB);
	size_t i = (size_t)bug & (s->pend_cap - 1);
	while (s->pend[i].bug)
		i = (i + 1) & (s->pend_cap - 1);
	pend *p = &s->pend[i];
	memset(p, 0, sizeof(*p));
	p->bug = bug;
	p->base = base;
	p->prev_last = prev;
	s->pend_len++;
	*out = p;
	return 0;
}

/* Write the pending totals of v (machines or crash_days). */
static int totals_flush(crashsig_store *s, mpend *v, size_t *len, int days)
{
	int rc = 0;
	for (size_t i = 0; i < *len; i++) {
		const mpend *m = &v[i];
		int q = days ? Q_DAY_ADD : Q_MACHINE_ADD, k = 1;
		cs_stmt *st = s->q[q];
		if (days)
			cs_stmt_bind_int(st, k++, m->day);
		cs_stmt_bind_text(st, k++, m->name);
		cs_stmt_bind_int(st, k++, m->count);
		cs_stmt_bind_int(st, k++, m->corrupted);
		cs_stmt_bind_int(st, k++, m->first);
		cs_stmt_bind_int(st, k++, m->last);
		if (!rc && cs_store_run(s, q))
			rc = CRASHSIG_EDB;
		free(v[i].name);
	}
	*len = 0;
	return rc;
}

static void totals_drop(mpend *v, size_t *len)
{
	for (size_t i = 0; i < *len; i++)
		free(v[i].name);
	*len = 0;
}

/* Count a crash in v under (name, day). */
static int totals_add(crashsig_store *s, mpend *v, size_t *len, int days, const char *name,
		      int64_t day, int corrupted, int64_t time)
{
	size_t i;
	for (i = 0; i < *len && (v[i].day != day || strcmp(v[i].name, name)); i++)
		;
	if (i == *len) {
		if (i == CS_MPEND_MAX) {
			if (totals_flush(s, v, len, days))
				return CRASHSIG_EDB;
			i = 0;
		}
		char *n = cs_strndup(name, strlen(name));
		if (!n)
			return cs_store_oom(s);
		v[i] = (mpend){n, day, 0, 0, time, time};
		*len = i + 1;
	}
	mpend *m = &v[i];
	m->count++;
	m->corrupted += corrupted != 0;
	if (time < m->first)
		m->first = time;
	if (time > m->last)
		m->last = time;
	return 0;
}

/* Count a crash in its machine's totals and its day's. */
static int totals_crash(crashsig_store *s, const crashsig_crash *c, const char *machine,
			const char *type)
{
	if (totals_add(s, s->mpend, &s->mpend_len, 0, machine ? machine : "", 0, c->corrupted,
		       c->time))
		return CRASHSIG_EDB;
	return totals_add(s, s->dpend, &s->dpend_len, 1, type ? type : "",
			  c->time / CS_DAY * CS_DAY, c->corrupted, c->time);
}

/* Texts held for the last crashes of the transaction's bugs, before they
 * are written at once instead (memory stays bounded). */
#define PEND_BYTES_MAX (32u * 1024u * 1024u)

/* The newest crash of p's bug is row: the previous newest, if it was kept
 * for no reason but being the last, loses its texts. */
static int pend_latest(crashsig_store *s, pend *p, int64_t row, unsigned kept,
		       const crashsig_crash *c)
{
	if (p->latest && p->latest_written == 2) {
		/* written early (memory bound) and kept for nothing else */
		cs_stmt_bind_int(s->q[Q_TEXT_DEL], 1, p->latest);
		if (cs_store_run(s, Q_TEXT_DEL))
			return CRASHSIG_EDB;
	}
	pend_texts_free(s, p);
	p->latest = row;
	p->latest_written = 1;
	int has = c->report || c->log;
	if (!has)
		return 0;
	if (kept || s->pend_bytes + c->report_len + c->log_len > PEND_BYTES_MAX) {
		if (write_texts(s, row, c->report, c->report_len, c->log, c->log_len))
			return CRASHSIG_EDB;
		p->latest_written = kept ? 1 : 2;
		return 0;
	}
	p->report_len = c->report ? report_keep(c->report, c->report_len) : 0;
	size_t skip = c->log ? log_skip(s, c->log, c->log_len) : 0;
	p->log_len = c->log ? c->log_len - skip : 0;
	p->report = c->report ? cs_strndup(c->report, p->report_len) : NULL;
	p->log = c->log ? cs_strndup(c->log + skip, p->log_len) : NULL;
	if ((c->report && !p->report) || (c->log && !p->log)) {
		free(p->report);
		free(p->log);
		p->report = p->log = NULL;
		p->report_len = p->log_len = 0;
		return cs_store_oom(s);
	}
	s->pend_bytes += p->report_len + p->log_len;
	p->latest_written = 0;
	return 0;
}

void cs_ingest_drop(crashsig_store *s)
{
	for (size_t i = 0; i < s->pend_cap; i++) {
		pend_texts_free(s, &s->pend[i]);
		memset(&s->pend[i], 0, sizeof(s->pend[i]));
	}
	s->pend_len = 0;
	s->pend_bytes = 0;
	totals_drop(s->mpend, &s->mpend_len);
	totals_drop(s->dpend, &s->dpend_len);
}

/* At commit: every bug's counts, and its last crash. */
int cs_ingest_flush(crashsig_store *s)
{
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
		if (p->count && cs_store_run(s, Q_COUNT))
			return CRASHSIG_EDB;
		if (p->latest) {
			if (!p->latest_written &&
			    write_texts(s, p->latest, p->report, p->report_len, p->log, p->log_len))
				return CRASHSIG_EDB;
			cs_stmt_bind_int(s->q[Q_KEPT_OR], 1, CRASHSIG_KEPT_LAST);
			cs_stmt_bind_int(s->q[Q_KEPT_OR], 2, p->latest);
			if (cs_store_run(s, Q_KEPT_OR))
				return CRASHSIG_EDB;
			if (p->prev_last && p->prev_last != p->latest) {
				int64_t kept;
				cs_stmt_bind_int(s->q[Q_KEPT_CLEAR_LAST], 1, ~(int64_t)CRASHSIG_KEPT_LAST);
				cs_stmt_bind_int(s->q[Q_KEPT_CLEAR_LAST], 2, p->prev_last);
				if (cs_store_step_int(s, Q_KEPT_CLEAR_LAST, &kept))
					return CRASHSIG_EDB;
				if (kept == 0) {
					cs_stmt_bind_int(s->q[Q_TEXT_DEL], 1, p->prev_last);
					if (cs_store_run(s, Q_TEXT_DEL))
						return CRASHSIG_EDB;
				}
			}
			cs_stmt_bind_int(s->q[Q_LAST_KEPT], 1, p->latest);
			cs_stmt_bind_int(s->q[Q_LAST_KEPT], 2, p->bug);
			if (cs_store_run(s, Q_LAST_KEPT))
				return CRASHSIG_EDB;
		}
		pend_texts_free(s, p);
		memset(p, 0, sizeof(*p));
	}
	s->pend_len = 0;
	int rc = totals_flush(s, s->mpend, &s->mpend_len, 0);
	if (totals_flush(s, s->dpend, &s->dpend_len, 1))
		rc = CRASHSIG_EDB;
	return rc;
}

/* ---------------- facets: the first crash of a release, machine ---------------- */

static uint64_t facet_key(int64_t bug, int kind, const char *v)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)bug * 0x9e3779b97f4a7c15ull;
	h = (h ^ (uint64_t)kind) * 1099511628211ull;
	for (; *v; v++)
		h = (h ^ (unsigned char)*v) * 1099511628211ull;
	return h | 1;
}

static int facet_known(const crashsig_store *s, uint64_t k)
{
	if (!s->facets_cap)
		return 0;
	for (size_t i = k & (s->facets_cap - 1);; i = (i + 1) & (s->facets_cap - 1)) {
		if (!s->facets[i])
			return 0;
		if (s->facets[i] == k)
			return 1;
	}
}

/* Remember a facet that is in the database (a cache of positive answers:
 * losing it costs a statement). */
static void facet_remember(crashsig_store *s, uint64_t k)
{
	if (s->facets_len >= 65536) {
		memset(s->facets, 0, s->facets_cap * sizeof(*s->facets));
		s->facets_len = 0;
	}
	if ((s->facets_len + 1) * 2 > s->facets_cap) {
		size_t ncap = s->facets_cap ? s->facets_cap * 2 : 1024;
		uint64_t *n = calloc(ncap, sizeof(*n));
		if (!n)
			return;
		for (size_t i = 0; i < s->facets_cap; i++) {
			if (!s->facets[i])
				continue;
			size_t j = s->facets[i] & (ncap - 1);
			while (n[j])
				j = (j + 1) & (ncap - 1);
			n[j] = s->facets[i];
		}
		free(s->facets);
		s->facets = n;
		s->facets_cap = ncap;
	}
	size_t i = k & (s->facets_cap - 1);
	while (s->facets[i] && s->facets[i] != k)
		i = (i + 1) & (s->facets_cap - 1);
	if (!s->facets[i]) {
		s->facets[i] = k;
		s->facets_len++;
	}
}

/* Is value the first of its kind in bug? (It is recorded either way.) A
 * release facet needs a value; a machine facet "" stands for crashes
 * without one. */
static int facet_new(crashsig_store *s, int64_t bug, int kind, const char *value, int *is_new)
{
	*is_new = 0;
	if (kind == F_MACHINE && !value)
		value = "";
	if (!value || (!*value && kind != F_MACHINE))
		return 0;
	uint64_t k = facet_key(bug, kind, value);
	if (facet_known(s, k))
		return 0;
	cs_stmt *q = s->q[Q_FACET_ADD];
	cs_stmt_bind_int(q, 1, bug);
	cs_stmt_bind_int(q, 2, kind);
	cs_stmt_bind_text(q, 3, value);
	int rc = cs_stmt_step(q);
	cs_stmt_reset(q);
	if (rc < 0)
		return cs_store_fail(s, CRASHSIG_EDB);
	*is_new = rc == 1;
	facet_remember(s, k);
	if (*is_new && kind == F_MACHINE) {
		/* the bug's machine columns (Q_BUG_MACHINE) */
		q = s->q[Q_BUG_MACHINE];
		cs_stmt_bind_text(q, 1, value);
		cs_stmt_bind_int(q, 2, *value != 0);
		cs_stmt_bind_int(q, 3, *value != 0);
		cs_stmt_bind_int(q, 4, bug);
		if (cs_store_run(s, Q_BUG_MACHINE))
			return CRASHSIG_EDB;
	}
	return 0;
}

/* ---------------- add ---------------- */

/* The bug that holds a known crash id: 1 (and *bug), or 0. */
static int known_crash(crashsig_store *s, const char *id, int64_t *bug)
{
	cs_stmt_bind_text(s->q[Q_CRASH_BY_ID], 1, id);
	if (cs_store_step_int(s, Q_CRASH_BY_ID, bug))
		return CRASHSIG_EDB;
	return *bug > 0;
}

/* A string field as stored: NULL stays NULL, "" stays "" only for taint
 * (not tainted); other empty strings are unknown. */
static const char *opt_str(const char *v) { return v && *v ? v : NULL; }

static int insert_crash(crashsig_store *s, const crashsig_crash *c, const char *id,
			int64_t bug, const char *title, int64_t received, unsigned kept,
			int64_t *row)
{
	cs_stmt *q = s->q[Q_CRASH_ADD];
	int k = 1;
	cs_stmt_bind_text(q, k++, id);
	cs_stmt_bind_int(q, k++, bug);
	cs_stmt_bind_int(q, k++, bug);
	cs_stmt_bind_int(q, k++, c->time);
	cs_stmt_bind_int(q, k++, c->time_nsec);
	cs_stmt_bind_int(q, k++, (int64_t)c->time_source);
	cs_stmt_bind_int(q, k++, received);
	cs_stmt_bind_text(q, k++, title);
	cs_stmt_bind_text(q, k++, c->source);
	cs_stmt_bind_text(q, k++, opt_str(c->signature));
	cs_stmt_bind_text(q, k++, opt_str(c->machine));
	cs_stmt_bind_int(q, k++, (int64_t)c->offset);
	cs_stmt_bind_text(q, k++, opt_str(c->release));
	cs_stmt_bind_text(q, k++, opt_str(c->build_id));
	cs_stmt_bind_text(q, k++, opt_str(c->arch));
	cs_stmt_bind_text(q, k++, opt_str(c->hardware));
	cs_stmt_bind_text(q, k++, c->taint);
	cs_stmt_bind_text(q, k++, opt_str(c->type));
	cs_stmt_bind_int(q, k++, c->corrupted ? 1 : 0);
	cs_stmt_bind_int(q, k++, c->suppressed ? 1 : 0);
	cs_stmt_bind_int(q, k++, kept);
	if (c->uptime >= 0)
		cs_stmt_bind_double(q, k++, c->uptime);
	else
		cs_stmt_bind_text(q, k++, NULL);
	cs_stmt_bind_text(q, k++, opt_str(c->message_id));
	int rc = cs_stmt_step(q);
	*row = rc >= 0 ? cs_stmt_insert_id(q) : 0;
	cs_stmt_reset(q);
	return rc < 0 ? cs_store_fail(s, CRASHSIG_EDB) : 0;
}

static int add_locked(crashsig_store *s, const crashsig_crash *c0, const titles *t,
		      const char *key, const char *id, const cs_lazy_sig *lazy,
		      crashsig_add_result *res)
{
	crashsig_crash cc = *c0;
	const crashsig_crash *c = &cc;
	int64_t bug = cs_store_cache_get(s, key);
	int changed = 0, added, title_new = 0;
	char *sig = NULL, *own_title = NULL;
	int rc = 0;
	if (!bug) {
		/* The slow path changes the grouping: first make sure the crash
		 * is new. */
		int64_t old;
		if ((rc = known_crash(s, id, &old)) != 0) {
			if (rc < 0)
				return rc;
			res->duplicate = 1;
			res->bug_id = old;
			return 0;
		}
	}
	if (!bug && lazy) {
		/* The slow path needs the signature: compute it now. */
		int no_stack = 0;
		if (lazy->fn(lazy->arg, &sig, &no_stack))
			return cs_store_oom(s);
		cc.signature = sig;
		cc.no_stack_kind |= no_stack;
	}
	if (!bug) {
		if ((rc = cs_find_bug(s, t, &bug)))
			goto db_fail;
		int no_stack = c->no_stack_kind || c->corrupted || c->suppressed ||
			       cs_signature_no_stack_title(t->v[0]);
		int64_t sim = 0;
		double dist = 1.0;
		if (!bug && !no_stack) {
			if ((rc = cs_store_most_similar(s, c->signature, &sim, &dist)))
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
			if ((rc = cs_store_step_int(s, Q_MAX_SEQ, &seq)))
				goto db_fail;
			seq = seq < 0 ? 0 : seq + 1;
			cs_stmt *q = s->q[Q_NEW_BUG];
			cs_stmt_bind_text(q, 1, t->v[0]);
			cs_stmt_bind_int(q, 2, seq);
			cs_stmt_bind_int(q, 3, c->time);
			cs_stmt_bind_int(q, 4, c->time);
			cs_stmt_bind_text(q, 5, opt_str(c->signature));
			cs_stmt_bind_text(q, 6, c->source);
			if (sim) {
				cs_stmt_bind_int(q, 7, sim);
				cs_stmt_bind_double(q, 8, dist);
			} else {
				cs_stmt_bind_text(q, 7, NULL);
				cs_stmt_bind_text(q, 8, NULL);
			}
			cs_stmt_bind_int(q, 9, no_stack);
			int r = cs_stmt_step(q);
			if (r == 1)
				bug = cs_stmt_int(q, 0);
			cs_stmt_reset(q);
			if (r == 1 && c->report) {
				/* its report lives apart (bug_reports): lists of
				 * bugs do not read it */
				q = s->q[Q_BUG_REPORT_ADD];
				cs_stmt_bind_int(q, 1, bug);
				cs_stmt_bind_blob(q, 2, c->report,
						  report_keep(c->report, c->report_len));
				if (cs_store_run(s, Q_BUG_REPORT_ADD))
					r = -1;
			}
			if (r != 1) {
				rc = cs_store_fail(s, CRASHSIG_EDB);
				goto db_fail;
			}
			res->new_bug = 1;
			changed = 1;
			if (!no_stack)
				cs_store_sigs_add(s, bug, c->signature);
		}
		/* MergedTitles += title; AltTitles += titles. A new bug gets its
		 * title at AltTitles[0]. */
		if ((rc = cs_add_title(s, bug, T_MERGED, t->v[0], &added)))
			goto db_fail;
		changed |= added;
		title_new = added && !res->new_bug;
		for (size_t i = 0; i < t->n; i++) {
			if ((rc = cs_add_title(s, bug, T_ALT, t->v[i], &added)))
				goto db_fail;
			changed |= added;
		}
		if (changed && (rc = cs_store_bump(s)))
			goto db_fail;
		cs_store_cache_put(s, key, bug);
	}
	/* The crash row: a duplicate inserts nothing (the unique key). */
	pend *p = NULL;
	if ((rc = pend_get(s, bug, &p)))
		goto db_fail;
	int64_t n = p->base + p->count + 1; /* its number in the bug */
	unsigned kept = 0;
	if (s->opts.keep_per_bug == CRASHSIG_KEEP_ALL || n <= (int64_t)s->opts.keep_per_bug)
		kept |= CRASHSIG_KEPT_FIRST;
	if (n % s->opts.keep_every == 0)
		kept |= CRASHSIG_KEPT_SAMPLE;
	if (title_new)
		kept |= CRASHSIG_KEPT_TITLE;
	/* A corrupted or suppressed crash's row keeps its own title (the bug's
	 * is the bin's). */
	if ((c->corrupted || c->suppressed) && c->title && !(own_title = norm_title(c->title))) {
		rc = cs_store_oom(s);
		goto db_fail;
	}
	int64_t row;
	if ((rc = insert_crash(s, c, id, bug, own_title && *own_title ? own_title : t->v[0],
			       cs_store_now(), kept, &row)))
		goto db_fail;
	if (!row) {
		/* already there (only the fast path gets here) */
		int64_t old = 0;
		if ((rc = known_crash(s, id, &old)) < 0)
			goto db_fail;
		res->duplicate = 1;
		res->bug_id = old;
		goto out;
	}
	int fresh;
	unsigned more = 0;
	if ((rc = facet_new(s, bug, F_RELEASE, c->release, &fresh)))
		goto db_fail;
	more |= fresh ? CRASHSIG_KEPT_RELEASE : 0;
	if ((rc = facet_new(s, bug, F_MACHINE, opt_str(c->machine), &fresh)))
		goto db_fail;
	more |= fresh && opt_str(c->machine) ? CRASHSIG_KEPT_MACHINE : 0;
	if ((rc = totals_crash(s, c, opt_str(c->machine), opt_str(c->type))))
		goto db_fail;
	if (more) {
		cs_stmt_bind_int(s->q[Q_KEPT_OR], 1, more);
		cs_stmt_bind_int(s->q[Q_KEPT_OR], 2, row);
		if ((rc = cs_store_run(s, Q_KEPT_OR)))
			goto db_fail;
		kept |= more;
	}
	if ((rc = pend_latest(s, p, row, kept, c)))
		goto db_fail;
	p->count++;
	if (p->count == 1 || c->time < p->first)
		p->first = c->time;
	if (p->count == 1 || c->time > p->last)
		p->last = c->time;
	res->bug_id = bug;
out:
	free(sig);
	free(own_title);
	return 0;
db_fail:
	free(sig);
	free(own_title);
	return rc < 0 ? rc : CRASHSIG_EDB;
}

CS_EXPORT int crashsig_store_add(crashsig_store *s, const crashsig_crash *c,
				 crashsig_add_result *res)
{
	return cs_store_add_lazy(s, c, NULL, res);
}

int cs_store_add_lazy(crashsig_store *s, const crashsig_crash *c0, const cs_lazy_sig *lazy,
		      crashsig_add_result *res)
{
	if (!s || !c0 || !s->db)
		return CRASHSIG_EINVAL;
	crashsig_add_result dummy;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (c0->version < 1 || c0->version > CRASHSIG_CRASH_VERSION)
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown crash version %u", c0->version);
	crashsig_crash c = CRASHSIG_CRASH_INIT;
	if (c0->version == 1) { /* the fields up to no_stack_kind */
		memcpy(&c, c0, offsetof(crashsig_crash, id));
		c.time_source = c0->time ? CRASHSIG_TIME_SOURCE_CLIENT : CRASHSIG_TIME_SOURCE_RECEIVED;
	} else {
		c = *c0;
	}
	if ((unsigned)c.time_source > CRASHSIG_TIME_SOURCE_CLIENT)
		return cs_error(&s->err, CRASHSIG_EINVAL, "unknown time source %d",
				(int)c.time_source);
	if (!c.time) {
		c.time = cs_store_now();
		c.time_nsec = 0;
		c.time_source = CRASHSIG_TIME_SOURCE_RECEIVED;
	}
	if (c.time_nsec < 0 || c.time_nsec > 999999999)
		c.time_nsec = 0;
	if (!c.title && !c.corrupted && !c.suppressed)
		return cs_error(&s->err, CRASHSIG_EINVAL, "crash without a title");
	int rc = crash_id(s, &c, res->crash_id);
	if (rc)
		return rc;
	titles t = {0};
	cs_buf key = {0};
	rc = cs_crash_titles(&c, &t);
	for (size_t i = 0; !rc && i < t.n; i++)
		if (cs_buf_adds(&key, t.v[i]) || cs_buf_addc(&key, '\n'))
			rc = CRASHSIG_ENOMEM;
	if (rc) {
		cs_titles_free(&t);
		cs_buf_free(&key);
		return cs_store_oom(s);
	}
	if (!t.v[0][0]) {
		cs_titles_free(&t);
		cs_buf_free(&key);
		return cs_error(&s->err, CRASHSIG_EINVAL, "crash with an empty title");
	}
	s->err.msg[0] = 0;
	rc = cs_store_tx_begin(s);
	if (!rc) {
		rc = add_locked(s, &c, &t, key.data, res->crash_id, lazy, res);
		if (rc) {
			cs_store_tx_abort(s);
		} else if (++s->tx_adds >= (s->opts.batch ? s->opts.batch : 1)) {
			rc = cs_store_tx_commit(s);
		}
	}
	cs_titles_free(&t);
	cs_buf_free(&key);
	if (rc) {
		char id[sizeof(res->crash_id)];
		memcpy(id, res->crash_id, sizeof(id));
		memset(res, 0, sizeof(*res));
		memcpy(res->crash_id, id, sizeof(id));
	}
	return rc;
}
