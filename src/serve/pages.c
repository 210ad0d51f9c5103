/* The HTML pages over many bugs: the bug list, the top crashers, the
 * machines, crashes per day. Every text from a crash goes through h_esc
 * (html.h); numbers and times are ours. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "html.h"
#include "serve.h"

#define DAY 86400
#define HOUR 3600
#define SPARK_DAYS 14
#define MACHINE_HOURS 48

const char *sv_status_name(crashsig_bug_status s)
{
	const char *n = crashsig_bug_status_name(s);
	return n ? n : "?";
}

void sv_footer(sv_call *c)
{
	char f[700];
	snprintf(f, sizeof(f), "crashsig %s - %s store %s", crashsig_version(), c->S->cfg.backend,
		 c->S->cfg.db_shown);
	h_foot(c->out, f);
}

/* "&name=value" for each filter present, for links that keep them (in an
 * attribute: & is written &amp;). */
static void keep_params(sv_call *c, const char *const *names, const char *skip)
{
	for (size_t i = 0; names[i]; i++) {
		const char *v = sv_param(c, names[i]);
		if (!v || !*v || (skip && !strcmp(skip, names[i])))
			continue;
		fprintf(c->out, "&amp;%s=", names[i]);
		h_url(c->out, v);
	}
}

static void input(sv_call *c, const char *name, const char *placeholder, const char *type)
{
	fprintf(c->out, "<input type=\"%s\" name=\"%s\" placeholder=\"%s\" value=\"", type, name,
		placeholder);
	h_str(c->out, sv_param(c, name));
	fputs("\">", c->out);
}

static int64_t day_start(int64_t t) { return t - ((t % DAY) + DAY) % DAY; }

/* ---------------- the bug list ---------------- */

typedef struct row {
	crashsig_bug *b;
	int64_t c24, c7;
	int64_t spark[SPARK_DAYS];
	char **mach; /* its machines (shown rows only) */
	size_t nmach;
} row;

static row *find_row(row *rows, size_t n, int64_t bug)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (rows[mid].b->id < bug)
			lo = mid + 1;
		else if (rows[mid].b->id > bug)
			hi = mid;
		else
			return &rows[mid];
	}
	return NULL;
}

enum { K_ID, K_TITLE, K_COUNT, K_24H, K_7D, K_FIRST, K_LAST, K_MACHINES, K_STATUS };
static const struct {
	const char *name, *label;
	int desc; /* largest / newest first by default */
} keys[] = {
	{"id", "ID", 0},       {"title", "Title", 0},	  {"count", "Count", 1},
	{"24h", "24 h", 1},    {"7d", "7 d", 1},	  {"first", "First seen", 1},
	{"last", "Last seen", 1}, {"machines", "Machines", 1}, {"status", "Status", 0},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

typedef struct sorter {
	int key, desc;
} sorter;

static int64_t key_value(const row *r, int key)
{
	switch (key) {
	case K_COUNT: return r->b->count;
	case K_24H: return r->c24;
	case K_7D: return r->c7;
	case K_FIRST: return r->b->first_seen;
	case K_LAST: return r->b->last_seen;
	case K_MACHINES: return r->b->machines;
	case K_STATUS: return r->b->status;
	default: return r->b->id;
	}
}

static int cmp_rows_by(const row *a, const row *b, const sorter *s)
{
	int d;
	if (s->key == K_TITLE) {
		d = strcasecmp(a->b->title, b->b->title);
	} else {
		int64_t x = key_value(a, s->key), y = key_value(b, s->key);
		d = x < y ? -1 : x > y;
	}
	if (s->desc)
		d = -d;
	if (!d) /* ties: by id */
		d = a->b->id < b->b->id ? -1 : a->b->id > b->b->id;
	return d;
}

/* qsort has no argument: a small merge sort that takes one */
static void sort_rows(row *v, row *tmp, size_t n, const sorter *s)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	sort_rows(v, tmp, h, s);
	sort_rows(v + h, tmp, n - h, s);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = cmp_rows_by(&v[j], &v[i], s) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static const char *const bug_filters[] = {"q",	   "status", "title", "machine", "release",
					  "since", "until",  "only",  NULL};

static void th(sv_call *c, int key, const sorter *s)
{
	int on = s->key == key;
	/* a click on the sorted column turns it round */
	int reverse = on ? (s->desc == keys[key].desc) : 0;
	fprintf(c->out, "<th><a href=\"/?sort=%s%s", keys[key].name, reverse ? "&amp;reverse=1" : "");
	keep_params(c, bug_filters, NULL);
	fprintf(c->out, "\">%s</a>%s</th>", keys[key].label,
		on ? (s->desc ? " &#9660;" : " &#9650;") : "");
}

int sv_page_bugs(sv_call *c)
{
	crashsig_bug_query q;
	int rc = sv_bug_filters(c, &q);
	if (rc)
		return rc;
	sorter so = {K_LAST, 1};
	const char *v = sv_param(c, "sort");
	if (v && *v) {
		size_t k;
		for (k = 0; k < NKEYS && strcmp(keys[k].name, v); k++)
			;
		if (k == NKEYS)
			return sv_fail(c, 400, "sort: '%s' is not one of id, title, count, 24h, 7d, "
					       "first, last, machines, status", v);
		so.key = (int)k;
		so.desc = keys[k].desc;
	}
	if ((v = sv_param(c, "reverse")) && *v && strcmp(v, "0"))
		so.desc = !so.desc;
	uint64_t limit = 100, offset = 0;
	if ((v = sv_param(c, "limit")) && *v && sv_parse_count(v, 1000000, &limit))
		return sv_fail(c, 400, "limit: '%s' is not a count", v);
	if ((v = sv_param(c, "offset")) && *v && sv_parse_count(v, UINT32_MAX, &offset))
		return sv_fail(c, 400, "offset: '%s' is not a count", v);
	const char *search = sv_param(c, "q");
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	crashsig_bug **bugs = NULL;
	size_t nb = 0;
	q.flags |= CRASHSIG_QUERY_NO_REPORT;
	if ((rc = crashsig_store_query(s, &q, &bugs, &nb)))
		return sv_store_fail(c, rc);
	row *rows = calloc(nb ? nb : 1, sizeof(*rows)), *tmp = calloc(nb ? nb : 1, sizeof(*rows));
	crashsig_count *cn = NULL;
	int64_t *ids = NULL;
	size_t ncn = 0, n = 0, first = 0, shown = 0;
	int64_t crashes = 0;
	if (!rows || !tmp) {
		rc = sv_fail(c, 503, "out of memory");
		goto out;
	}
	/* the search box, then the order, then the page */
	for (size_t i = 0; i < nb; i++)
		if (sv_bug_matches(bugs[i], search)) {
			rows[n++].b = bugs[i]; /* by id */
			crashes += bugs[i]->count;
		}
	/* the columns: crashes of the last 24 h and 7 days, per day over 14
	 * days, under the same machine and release filters; for every bug
	 * when the order needs them, else for the rows shown */
	crashsig_crash_query cq = CRASHSIG_CRASH_QUERY_INIT;
	cq.machine = q.machine;
	cq.release = q.release;
	int64_t d0 = day_start(c->now) - (SPARK_DAYS - 1) * DAY;
	int all = so.key == K_24H || so.key == K_7D;
	if (all) {
		cq.since = c->now - (so.key == K_24H ? DAY : 7 * DAY);
		if ((rc = crashsig_store_count(s, &cq, CRASHSIG_COUNT_BY_BUG, &cn, &ncn)))
			goto fail;
		row *r;
		for (size_t i = 0; i < ncn; i++)
			if ((r = find_row(rows, n, cn[i].bug)))
				*(so.key == K_24H ? &r->c24 : &r->c7) = cn[i].count;
		crashsig_counts_free(cn, ncn);
		cn = NULL;
	}
	sort_rows(rows, tmp, n, &so);
	first = offset < n ? (size_t)offset : n;
	shown = n - first < limit ? n - first : (size_t)limit;
	/* the rows shown: their counts in one statement per column */
	if (shown && !(ids = malloc(shown * sizeof(*ids)))) {
		rc = sv_fail(c, 503, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < shown; i++)
		ids[i] = rows[first + i].b->id;
	cq.bugs = ids;
	cq.nbugs = shown;
	/* rows first .. first + shown, by id, to find each count's row */
	memcpy(tmp, rows + first, shown * sizeof(*rows));
	sorter by_id = {K_ID, 0};
	sort_rows(tmp, rows + first, shown, &by_id);
	for (int k = 0; k < 3 && shown; k++) {
		if (all && k == (so.key == K_24H ? 0 : 1))
			continue;
		cq.since = k == 0 ? c->now - DAY : k == 1 ? c->now - 7 * DAY : d0;
		if ((rc = crashsig_store_count(s, &cq, CRASHSIG_COUNT_BY_BUG |
							       (k == 2 ? CRASHSIG_COUNT_BY_DAY : 0),
					       &cn, &ncn)))
			goto fail;
		row *r;
		for (size_t j = 0; j < ncn; j++) {
			if (!(r = find_row(tmp, shown, cn[j].bug)))
				continue;
			int64_t d = (cn[j].time - d0) / DAY;
			if (k == 0)
				r->c24 += cn[j].count;
			else if (k == 1)
				r->c7 += cn[j].count;
			else if (d >= 0 && d < SPARK_DAYS)
				r->spark[d] += cn[j].count;
		}
		crashsig_counts_free(cn, ncn);
		cn = NULL;
	}
	for (size_t i = 0; i < shown; i++)
		if (tmp[i].b->machines &&
		    (rc = crashsig_store_bug_facets(s, tmp[i].b->id, CRASHSIG_FACET_MACHINE,
						    &tmp[i].mach, &tmp[i].nmach)))
			goto fail;
	/* back in the page's order */
	sort_rows(tmp, rows + first, shown, &so);
	memcpy(rows + first, tmp, shown * sizeof(*rows));

	FILE *o = c->out;
	h_head(o, "Bugs", "bugs");
	fputs("<h1>Bugs</h1>\n<form class=\"f\" method=\"get\" action=\"/\">", o);
	input(c, "q", "search titles and frames", "search");
	const char *st = sv_param(c, "status");
	fputs("<select name=\"status\"><option value=\"\">any status</option>", o);
	static const char *const sts[] = {"open", "fixed", "invalid", "dup", "open,fixed"};
	int matched = !st || !*st;
	for (size_t i = 0; i < sizeof(sts) / sizeof(sts[0]); i++) {
		int sel = st && !strcmp(st, sts[i]);
		matched |= sel;
		fprintf(o, "<option%s>%s</option>", sel ? " selected" : "", sts[i]);
	}
	if (!matched) {
		fputs("<option selected>", o);
		h_str(o, st);
		fputs("</option>", o);
	}
	fputs("</select>", o);
	input(c, "machine", "machine", "text");
	input(c, "release", "kernel release", "text");
	input(c, "since", "since (24h, 7d, 2026-12-01)", "text");
	fprintf(o, "<input type=\"hidden\" name=\"sort\" value=\"%s\">", keys[so.key].name);
	if (so.desc != keys[so.key].desc)
		fputs("<input type=\"hidden\" name=\"reverse\" value=\"1\">", o);
	fputs("<button type=\"submit\">Filter</button> <a href=\"/\">all bugs</a></form>\n", o);
	fprintf(o, "<p class=\"summary\">%zu bug%s, %lld crash%s", n, n == 1 ? "" : "s",
		(long long)crashes, crashes == 1 ? "" : "es");
	if (shown < n)
		fprintf(o, " (%zu to %zu shown)", shown ? first + 1 : first, first + shown);
	fputs("</p>\n<table class=\"bugs\"><thead><tr>", o);
	static const int cols[] = {K_TITLE, K_COUNT, K_24H, K_7D};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		th(c, cols[i], &so);
	fprintf(o, "<th>Last %d days</th>", SPARK_DAYS);
	th(c, K_FIRST, &so);
	th(c, K_LAST, &so);
	th(c, K_MACHINES, &so);
	th(c, K_STATUS, &so);
	fputs("</tr></thead>\n<tbody>\n", o);
	for (size_t i = first; i < first + shown; i++) {
		const row *w = &rows[i];
		const crashsig_bug *b = w->b;
		fprintf(o, "<tr class=\"bug\" data-id=\"%lld\"><td class=\"title\"><a href=\"/bug/%lld\">",
			(long long)b->id, (long long)b->id);
		h_str(o, b->title);
		fputs("</a>", o);
		if (b->nmerged_titles)
			fprintf(o, " <span class=\"muted\">(+%zu title%s)</span>", b->nmerged_titles,
				b->nmerged_titles == 1 ? "" : "s");
		fprintf(o, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td>",
			(long long)b->count, (long long)w->c24, (long long)w->c7);
		h_spark(o, w->spark, SPARK_DAYS, d0, DAY, 84, 18);
		fputs("</td><td class=\"t\">", o);
		h_time(o, b->first_seen);
		fputs("</td><td class=\"t\">", o);
		h_time(o, b->last_seen);
		fputs("</td><td>", o);
		for (size_t k = 0; k < w->nmach && k < 3; k++) {
			fputs(k ? ", " : "", o);
			fputs("<a href=\"/?machine=", o);
			h_url(o, w->mach[k]);
			fputs("\">", o);
			h_str(o, w->mach[k]);
			fputs("</a>", o);
		}
		if (w->b->machines > 3)
			fprintf(o, " +%lld", (long long)w->b->machines - 3);
		fprintf(o, "</td><td class=\"status-%s\">%s</td></tr>\n", sv_status_name(b->status),
			sv_status_name(b->status));
	}
	fputs("</tbody></table>\n", o);
	if (first || first + shown < n) {
		/* the pages before and after, with the same filters and order */
		fputs("<p class=\"pages\">", o);
		for (int next = 0; next < 2; next++) {
			if (next ? first + shown >= n : !first)
				continue;
			size_t to = next ? first + shown : first > limit ? first - (size_t)limit : 0;
			fprintf(o, "%s<a rel=\"%s\" href=\"/?sort=%s%s&amp;limit=%llu&amp;offset=%zu", next && first ? " " : "",
				next ? "next" : "prev", keys[so.key].name,
				so.desc != keys[so.key].desc ? "&amp;reverse=1" : "",
				(unsigned long long)limit, to);
			keep_params(c, bug_filters, NULL);
			fprintf(o, "\">%s</a>", next ? "next &#8250;" : "&#8249; previous");
		}
		fputs("</p>\n", o);
	}
	sv_footer(c);
	rc = 200;
	goto out;
fail:
	rc = sv_store_fail(c, rc);
out:
	crashsig_counts_free(cn, ncn);
	free(ids);
	for (size_t i = 0; rows && i < n; i++)
		crashsig_strings_free(rows[i].mach, rows[i].nmach);
	free(rows);
	free(tmp);
	crashsig_bugs_free(bugs, nb);
	return rc;
}

/* ---------------- top crashers ---------------- */

static int cmp_count_desc(const void *a, const void *b)
{
	const crashsig_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->bug < y->bug ? -1 : x->bug > y->bug;
}

int sv_page_top(sv_call *c)
{
	uint64_t days = 7, limit = 50;
	const char *v;
	if ((v = sv_param(c, "days")) && *v && sv_parse_count(v, 3650, &days))
		return sv_fail(c, 400, "days: '%s' is not a number of days (1 to 3650)", v);
	if ((v = sv_param(c, "limit")) && *v && sv_parse_count(v, 1000, &limit))
		return sv_fail(c, 400, "limit: '%s' is not a count up to 1000", v);
	crashsig_crash_query cq = CRASHSIG_CRASH_QUERY_INIT;
	if ((v = sv_param(c, "machine")) && *v)
		cq.machine = v;
	if ((v = sv_param(c, "release")) && *v)
		cq.release = v;
	cq.since = c->now - (int64_t)days * DAY;
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	crashsig_count *cn = NULL;
	size_t n = 0;
	int rc = crashsig_store_count(s, &cq, CRASHSIG_COUNT_BY_BUG, &cn, &n);
	if (rc)
		return sv_store_fail(c, rc);
	qsort(cn, n, sizeof(*cn), cmp_count_desc);
	int64_t total = 0, top = n ? cn[0].count : 0;
	for (size_t i = 0; i < n; i++)
		total += cn[i].count;
	FILE *o = c->out;
	char title[64];
	snprintf(title, sizeof(title), "Top crashers of the last %llu day%s",
		 (unsigned long long)days, days == 1 ? "" : "s");
	h_head(o, title, "top");
	fprintf(o, "<h1>%s</h1>\n<form class=\"f\" method=\"get\" action=\"/top\">", title);
	fputs("<select name=\"days\">", o);
	static const unsigned choices[] = {1, 7, 30, 90, 365};
	int found = 0;
	for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		found |= choices[i] == days;
		fprintf(o, "<option value=\"%u\"%s>%u day%s</option>", choices[i],
			choices[i] == days ? " selected" : "", choices[i], choices[i] == 1 ? "" : "s");
	}
	if (!found)
		fprintf(o, "<option value=\"%llu\" selected>%llu days</option>", (unsigned long long)days,
			(unsigned long long)days);
	fputs("</select>", o);
	input(c, "machine", "machine", "text");
	input(c, "release", "kernel release", "text");
	fputs("<button type=\"submit\">Show</button></form>\n", o);
	fprintf(o, "<p class=\"summary\">%lld crash%s in %zu bug%s</p>\n", (long long)total,
		total == 1 ? "" : "es", n, n == 1 ? "" : "s");
	fputs("<table class=\"top\"><thead><tr><th>#</th><th>Title</th><th>Crashes</th><th>Share</th>"
	      "<th>Corrupted</th><th>Last seen</th><th>All time</th><th>Status</th></tr></thead>\n<tbody>\n",
	      o);
	for (size_t i = 0; i < n && i < limit; i++) {
		crashsig_bug *b = NULL;
		if ((rc = crashsig_store_get(s, cn[i].bug, &b))) {
			crashsig_counts_free(cn, n);
			return sv_store_fail(c, rc);
		}
		double share = total ? (double)cn[i].count / (double)total : 0;
		fprintf(o, "<tr class=\"bug\" data-id=\"%lld\"><td class=\"n\">%zu</td><td><a href=\"/bug/%lld\">",
			(long long)b->id, i + 1, (long long)b->id);
		h_str(o, b->title);
		fprintf(o, "</a></td><td class=\"n\">%lld</td><td><svg width=\"104\" height=\"12\" role=\"img\">"
			   "<rect x=\"0\" y=\"1\" width=\"%.1f\" height=\"10\" fill=\"#4a78c2\"/></svg> %.1f%%</td>"
			   "<td class=\"n\">%lld</td><td class=\"t\">",
			(long long)cn[i].count, top ? 100.0 * (double)cn[i].count / (double)top : 0,
			share * 100, (long long)cn[i].corrupted);
		h_time(o, cn[i].last);
		fprintf(o, "</td><td class=\"n\">%lld</td><td class=\"status-%s\">%s</td></tr>\n",
			(long long)b->count, sv_status_name(b->status), sv_status_name(b->status));
		crashsig_bug_free(b);
	}
	fputs("</tbody></table>\n", o);
	crashsig_counts_free(cn, n);
	sv_footer(c);
	return 200;
}

/* ---------------- machines ---------------- */

typedef struct mrow {
	const crashsig_count *all;
	int64_t hours[MACHINE_HOURS];
	int64_t last24;
} mrow;

static int cmp_key(const void *a, const void *b)
{
	const crashsig_count *x = a, *y = b;
	return strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

static int cmp_last_desc(const void *a, const void *b)
{
	const mrow *x = a, *y = b;
	if (x->all->last != y->all->last)
		return x->all->last > y->all->last ? -1 : 1;
	return strcmp(x->all->key, y->all->key);
}

int sv_page_machines(sv_call *c)
{
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	crashsig_crash_query cq = CRASHSIG_CRASH_QUERY_INIT;
	crashsig_count *all = NULL, *hr = NULL;
	size_t na = 0, nh = 0;
	int rc = crashsig_store_count(s, &cq, CRASHSIG_COUNT_BY_MACHINE, &all, &na);
	int64_t h0 = c->now - c->now % HOUR - (MACHINE_HOURS - 1) * HOUR;
	cq.since = h0;
	if (!rc)
		rc = crashsig_store_count(s, &cq, CRASHSIG_COUNT_BY_MACHINE | CRASHSIG_COUNT_BY_HOUR,
					  &hr, &nh);
	mrow *m = rc ? NULL : calloc(na ? na : 1, sizeof(*m));
	if (rc || !m) {
		crashsig_counts_free(all, na);
		crashsig_counts_free(hr, nh);
		return rc ? sv_store_fail(c, rc) : sv_fail(c, 503, "out of memory");
	}
	/* by name (strcmp: the database's collation may differ), to find each
	 * hourly row's machine */
	qsort(all, na, sizeof(*all), cmp_key);
	for (size_t i = 0; i < na; i++)
		m[i].all = &all[i];
	for (size_t i = 0; i < nh; i++) {
		size_t lo = 0, hi = na;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int d = strcmp(all[mid].key, hr[i].key);
			if (!d) {
				lo = mid;
				break;
			}
			if (d < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo >= na || strcmp(all[lo].key, hr[i].key))
			continue;
		int64_t k = (hr[i].time - h0) / HOUR;
		if (k >= 0 && k < MACHINE_HOURS)
			m[lo].hours[k] += hr[i].count;
		if (hr[i].time >= c->now - DAY)
			m[lo].last24 += hr[i].count;
	}
	qsort(m, na, sizeof(*m), cmp_last_desc);
	FILE *o = c->out;
	h_head(o, "Machines", "machines");
	fprintf(o, "<h1>Machines</h1>\n<p class=\"summary\">%zu machine%s</p>\n", na,
		na == 1 ? "" : "s");
	fprintf(o, "<table class=\"machines\"><thead><tr><th>Machine</th><th>Crashes</th>"
		   "<th>Last crash</th><th>Crashes per hour (%d h)</th><th>24 h</th>"
		   "<th>Bugs seen only here</th></tr></thead>\n<tbody>\n",
		MACHINE_HOURS);
	for (size_t i = 0; i < na && !rc; i++) {
		const char *name = m[i].all->key;
		fputs("<tr class=\"machine\"><td>", o);
		if (*name) {
			fputs("<a href=\"/?machine=", o);
			h_url(o, name);
			fputs("\">", o);
			h_str(o, name);
			fputs("</a>", o);
		} else {
			fputs("<span class=\"muted\">(none given)</span>", o);
		}
		fprintf(o, "</td><td class=\"n\">%lld</td><td class=\"t\">", (long long)m[i].all->count);
		h_time(o, m[i].all->last);
		fputs("</td><td>", o);
		h_spark(o, m[i].hours, MACHINE_HOURS, h0, HOUR, 144, 18);
		fprintf(o, "</td><td class=\"n\">%lld</td><td>", (long long)m[i].last24);
		if (*name) {
			crashsig_bug_query q = CRASHSIG_BUG_QUERY_INIT;
			q.machine = name;
			q.flags = CRASHSIG_QUERY_ONLY_MACHINE | CRASHSIG_QUERY_DESCENDING;
			q.sort = CRASHSIG_SORT_COUNT;
			crashsig_bug **bugs = NULL;
			size_t nb = 0;
			if ((rc = crashsig_store_query(s, &q, &bugs, &nb)))
				break;
			for (size_t k = 0; k < nb && k < 5; k++) {
				fprintf(o, "%s<a href=\"/bug/%lld\">", k ? "<br>" : "",
					(long long)bugs[k]->id);
				h_str(o, bugs[k]->title);
				fputs("</a>", o);
			}
			if (nb > 5) {
				fputs("<br><a href=\"/?only=1&amp;machine=", o);
				h_url(o, name);
				fprintf(o, "\">all %zu</a>", nb);
			}
			if (!nb)
				fputs("<span class=\"muted\">none</span>", o);
			crashsig_bugs_free(bugs, nb);
		}
		fputs("</td></tr>\n", o);
	}
	free(m);
	crashsig_counts_free(all, na);
	crashsig_counts_free(hr, nh);
	if (rc)
		return sv_store_fail(c, rc);
	fputs("</tbody></table>\n", o);
	sv_footer(c);
	return 200;
}

/* ---------------- crashes per day ---------------- */

#define MAX_SERIES 9 /* types shown; the rest is "other" */

typedef struct tsum {
	const char *type;
	int64_t total;
} tsum;

static int cmp_tsum(const void *a, const void *b)
{
	const tsum *x = a, *y = b;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->type, y->type);
}

int sv_page_stats(sv_call *c)
{
	uint64_t days = 30;
	const char *v;
	if ((v = sv_param(c, "days")) && *v && sv_parse_count(v, 3650, &days))
		return sv_fail(c, 400, "days: '%s' is not a number of days (1 to 3650)", v);
	crashsig_crash_query cq = CRASHSIG_CRASH_QUERY_INIT;
	if ((v = sv_param(c, "machine")) && *v)
		cq.machine = v;
	if ((v = sv_param(c, "release")) && *v)
		cq.release = v;
	int64_t d0 = day_start(c->now) - ((int64_t)days - 1) * DAY;
	cq.since = d0;
	size_t n = (size_t)days;
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	crashsig_count *bt = NULL;
	const crashsig_count *bd;
	size_t nbt = 0, nbd = 0;
	/* by day and type; a day's totals are the sum of its types' */
	int rc = crashsig_store_count(s, &cq, CRASHSIG_COUNT_BY_DAY | CRASHSIG_COUNT_BY_TYPE, &bt, &nbt);
	bd = bt;
	nbd = nbt;
	tsum *ts = rc ? NULL : calloc(nbt + 1, sizeof(*ts));
	int64_t *vals = rc ? NULL : calloc((MAX_SERIES + 1) * n, sizeof(*vals));
	int64_t *tot = rc ? NULL : calloc(n, sizeof(*tot)), *cor = rc ? NULL : calloc(n, sizeof(*cor));
	double *rate = rc ? NULL : calloc(n, sizeof(*rate));
	if (rc || !ts || !vals || !tot || !cor || !rate) {
		rc = rc ? sv_store_fail(c, rc) : sv_fail(c, 503, "out of memory");
		goto out;
	}
	/* the types by their total over the range */
	size_t nt = 0;
	for (size_t i = 0; i < nbt; i++) {
		const char *t = bt[i].key ? bt[i].key : "";
		size_t k;
		for (k = 0; k < nt && strcmp(ts[k].type, t); k++)
			;
		if (k == nt)
			ts[nt++].type = t;
		ts[k].total += bt[i].count;
	}
	qsort(ts, nt, sizeof(*ts), cmp_tsum);
	size_t ns = nt > MAX_SERIES + 1 ? MAX_SERIES + 1 : nt;
	const char *names[MAX_SERIES + 1];
	for (size_t k = 0; k < ns; k++)
		names[k] = k == MAX_SERIES ? "other" : *ts[k].type ? ts[k].type : "(no type)";
	for (size_t i = 0; i < nbt; i++) {
		int64_t d = (bt[i].time - d0) / DAY;
		if (d < 0 || d >= (int64_t)n)
			continue;
		const char *t = bt[i].key ? bt[i].key : "";
		size_t k;
		for (k = 0; k < ns && k < MAX_SERIES && strcmp(ts[k].type, t); k++)
			;
		if (k >= ns)
			k = ns - 1;
		vals[k * n + (size_t)d] += bt[i].count;
	}
	int64_t all = 0, allcor = 0;
	for (size_t i = 0; i < nbd; i++) {
		int64_t d = (bd[i].time - d0) / DAY;
		if (d < 0 || d >= (int64_t)n)
			continue;
		tot[d] += bd[i].count;
		cor[d] += bd[i].corrupted;
		all += bd[i].count;
		allcor += bd[i].corrupted;
	}
	for (size_t i = 0; i < n; i++)
		rate[i] = tot[i] ? (double)cor[i] / (double)tot[i] : -1;
	FILE *o = c->out;
	char title[64];
	snprintf(title, sizeof(title), "Crashes per day, last %llu day%s", (unsigned long long)days,
		 days == 1 ? "" : "s");
	h_head(o, title, "stats");
	fprintf(o, "<h1>%s</h1>\n<form class=\"f\" method=\"get\" action=\"/stats\">", title);
	fputs("<select name=\"days\">", o);
	static const unsigned choices[] = {7, 30, 90, 365};
	int found = 0;
	for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		found |= choices[i] == days;
		fprintf(o, "<option value=\"%u\"%s>%u days</option>", choices[i],
			choices[i] == days ? " selected" : "", choices[i]);
	}
	if (!found)
		fprintf(o, "<option value=\"%llu\" selected>%llu days</option>", (unsigned long long)days,
			(unsigned long long)days);
	fputs("</select>", o);
	input(c, "machine", "machine", "text");
	input(c, "release", "kernel release", "text");
	fputs("<button type=\"submit\">Show</button></form>\n", o);
	fprintf(o, "<p class=\"summary\">%lld crash%s, %lld corrupted report%s (%.1f%%)</p>\n",
		(long long)all, all == 1 ? "" : "es", (long long)allcor, allcor == 1 ? "" : "s",
		all ? 100.0 * (double)allcor / (double)all : 0.0);
	fputs("<p>Crashes per day by crash type; the line is the rate of corrupted reports.</p>\n", o);
	h_stacked(o, vals, ns, n, names, rate, "corrupted reports (%)", d0, DAY, 900, 260);
	fputs("<table class=\"days\"><thead><tr><th>Day (UTC)</th><th>Crashes</th><th>Corrupted</th>"
	      "<th>Rate</th></tr></thead>\n<tbody>\n",
	      o);
	for (size_t i = n; i-- > 0;) {
		if (!tot[i])
			continue;
		fputs("<tr class=\"day\"><td class=\"t\">", o);
		char day[16];
		time_t t = (time_t)(d0 + (int64_t)i * DAY);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		fprintf(o, "%s</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%.1f%%</td></tr>\n",
			day, (long long)tot[i], (long long)cor[i], 100.0 * rate[i]);
	}
	fputs("</tbody></table>\n", o);
	sv_footer(c);
	rc = 200;
out:
	free(ts);
	free(vals);
	free(tot);
	free(cor);
	free(rate);
	crashsig_counts_free(bt, nbt);
	return rc;
}
