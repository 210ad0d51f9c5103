/* A bug's page (/bug/ID): its titles, state and history, a daily bar
 * chart, the report (symbolized with --vmlinux), its crashes, and the bugs
 * nearest by stack signature; and a crash's page (/crash/ID). Every text
 * from a crash goes through h_esc. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "serve.h"

#define DAY 86400
#define CHART_DAYS_MIN 30
#define CHART_DAYS_MAX 180
#define SIMILAR_MAX 10

static int64_t day_start(int64_t t) { return t - ((t % DAY) + DAY) % DAY; }

/* The worker's symbolizer, made on first use; NULL without --vmlinux or
 * when it cannot be made (*why says so). */
static crashsig_symbolizer *symbolizer(sv_call *c, const char **why)
{
	sv_worker *w = c->w;
	const sv_config *cf = &c->S->cfg;
	*why = NULL;
	if (!cf->vmlinux)
		return NULL;
	if (!w->sym && !w->sym_tried) {
		w->sym_tried = 1;
		crashsig_symbolize_options o = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
		o.vmlinux = cf->vmlinux;
		o.modules_dir = cf->modules;
		if (crashsig_symbolizer_new(&w->sym, w->ctx, &o)) {
			snprintf(w->err, sizeof(w->err), "%s", crashsig_error_last(w->ctx));
			crashsig_symbolizer_free(w->sym);
			w->sym = NULL;
		}
	}
	if (!w->sym)
		*why = w->err;
	return w->sym;
}

static void bug_link(FILE *o, const crashsig_bug *b)
{
	fprintf(o, "<a href=\"/bug/%lld\">", (long long)b->id);
	h_str(o, b->title);
	fputs("</a>", o);
}

static void crash_row(FILE *o, const crashsig_crash_record *cr)
{
	fputs("<tr class=\"crash\"><td class=\"t\"><a href=\"/crash/", o);
	h_url(o, cr->id);
	fputs("\">", o);
	h_time(o, cr->time);
	fputs("</a></td><td>", o);
	if (cr->machine) {
		fputs("<a href=\"/?machine=", o);
		h_url(o, cr->machine);
		fputs("\">", o);
		h_str(o, cr->machine);
		fputs("</a>", o);
	}
	fputs("</td><td>", o);
	h_str(o, cr->release);
	fputs("</td><td>", o);
	h_str(o, cr->title);
	if (cr->corrupted)
		fputs(" <span class=\"bad\">[corrupted]</span>", o);
	if (cr->suppressed)
		fputs(" <span class=\"muted\">[suppressed]</span>", o);
	fputs("</td><td>", o);
	h_str(o, cr->type);
	fputs("</td><td>", o);
	h_str(o, cr->source);
	fputs("</td><td>", o);
	fputs(cr->kept ? "report, log" : "<span class=\"muted\">dropped</span>", o);
	fputs("</td></tr>\n", o);
}

static int bug_id(const char *s, int64_t *id)
{
	char *end;
	errno = 0;
	if (*s < '1' || *s > '9')
		return -1;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

int sv_page_bug(sv_call *c)
{
	int64_t id;
	if (bug_id(c->rest, &id))
		return sv_fail(c, 404, "no such page: /bug/ID takes a bug number");
	crashsig_crash_query cq;
	int rc = sv_crash_query(c, &cq, 100, 10000);
	if (rc)
		return rc;
	cq.bug = id;
	/* newest first unless ?reverse=1 */
	cq.flags ^= CRASHSIG_CRASHES_NEWEST_FIRST;
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	crashsig_bug *b = NULL, **near_bugs = NULL;
	crashsig_bug_event *ev = NULL;
	crashsig_crash_record **cr = NULL;
	crashsig_count *days = NULL;
	size_t nev = 0, ncr = 0, ndays = 0, nn = 0;
	int64_t *chart = NULL;
	crashsig_similar *sim = NULL; /* nn of them, near_bugs[i] the bug of sim[i] */
	char *sym = NULL;
	if ((rc = crashsig_store_get(s, id, &b)) || (rc = crashsig_store_bug_events(s, id, &ev, &nev)) ||
	    (rc = crashsig_store_crashes(s, &cq, &cr, &ncr)))
		goto fail;
	/* the daily chart: from the first crash's day to today, at least
	 * CHART_DAYS_MIN days and at most CHART_DAYS_MAX */
	int64_t today = day_start(c->now);
	int64_t d0 = b->first_seen ? day_start(b->first_seen) : today;
	if (b->last_seen > c->now)
		today = day_start(b->last_seen);
	if (d0 > today)
		d0 = today;
	if ((today - d0) / DAY + 1 < CHART_DAYS_MIN)
		d0 = today - (CHART_DAYS_MIN - 1) * DAY;
	if ((today - d0) / DAY + 1 > CHART_DAYS_MAX)
		d0 = today - (CHART_DAYS_MAX - 1) * DAY;
	size_t nd = (size_t)((today - d0) / DAY + 1);
	crashsig_crash_query dq = CRASHSIG_CRASH_QUERY_INIT;
	dq.bug = id;
	dq.since = d0;
	if ((rc = crashsig_store_count(s, &dq, CRASHSIG_COUNT_BY_DAY, &days, &ndays)))
		goto fail;
	if (!(chart = calloc(nd, sizeof(*chart)))) {
		rc = CRASHSIG_ENOMEM;
		goto fail;
	}
	int64_t corrupted = 0;
	for (size_t i = 0; i < ndays; i++) {
		int64_t d = (days[i].time - d0) / DAY;
		if (d >= 0 && (size_t)d < nd)
			chart[d] += days[i].count;
		corrupted += days[i].corrupted;
	}
	/* the nearest open bugs by stack signature
	 * (crashsig_signature_distance: generic frames dropped, markers and
	 * first frame must agree) */
	if (b->signature && *b->signature) {
		size_t ns = 0;
		if ((rc = crashsig_store_similar(s, id, SIMILAR_MAX, &sim, &ns)))
			goto fail;
		if (!(near_bugs = calloc(ns ? ns : 1, sizeof(*near_bugs)))) {
			rc = CRASHSIG_ENOMEM;
			goto fail;
		}
		for (; nn < ns; nn++)
			if ((rc = crashsig_store_get(s, sim[nn].bug, &near_bugs[nn])))
				goto fail;
	}
	/* the report, symbolized when a vmlinux is configured */
	const char *why = NULL;
	size_t symlen = 0;
	crashsig_symbolizer *sz = b->report ? symbolizer(c, &why) : NULL;
	if (sz && crashsig_symbolizer_report(sz, b->report, b->report_len, &sym, &symlen)) {
		why = crashsig_error_last(c->w->ctx);
		free(sym);
		sym = NULL;
	}

	FILE *o = c->out;
	h_head(o, b->title, "bugs");
	fprintf(o, "<h1 class=\"bug-title\">Bug %lld: ", (long long)b->id);
	h_str(o, b->title);
	fputs("</h1>\n<dl class=\"kv\">", o);
	fprintf(o, "<dt>Status</dt><dd class=\"status-%s\">%s", sv_status_name(b->status),
		sv_status_name(b->status));
	if (b->status == CRASHSIG_BUG_DUP)
		fprintf(o, " of <a href=\"/bug/%lld\">bug %lld</a>", (long long)b->dup_of,
			(long long)b->dup_of);
	if (b->status_time) {
		fputs(" since ", o);
		h_time(o, b->status_time);
	}
	fprintf(o, "</dd><dt>Crashes</dt><dd>%lld", (long long)b->count);
	if (corrupted)
		fprintf(o, " (%lld corrupted reports)", (long long)corrupted);
	fputs("</dd><dt>First seen</dt><dd>", o);
	h_time(o, b->first_seen);
	fputs("</dd><dt>Last seen</dt><dd>", o);
	h_time(o, b->last_seen);
	fputs("</dd><dt>Signature</dt><dd><code>", o);
	h_str(o, b->signature ? b->signature : "-");
	fputs("</code></dd>", o);
	if (b->similar_to)
		fprintf(o, "<dt>Similar when opened</dt><dd><a href=\"/bug/%lld\">bug %lld</a> (distance %.2f)</dd>",
			(long long)b->similar_to, (long long)b->similar_to, b->similar_distance);
	fputs("</dl>\n<h2>Titles</h2>\n<ul class=\"titles\">", o);
	fputs("<li class=\"title\">", o);
	h_str(o, b->title);
	fputs(" <span class=\"muted\">(title)</span></li>", o);
	for (size_t i = 0; i < b->nmerged_titles; i++) {
		fputs("<li class=\"title\">", o);
		h_str(o, b->merged_titles[i]);
		fputs(" <span class=\"muted\">(a crash's title)</span></li>", o);
	}
	for (size_t i = 0; i < b->nalt_titles; i++) {
		if (!strcmp(b->alt_titles[i], b->base_title))
			continue;
		fputs("<li class=\"title\">", o);
		h_str(o, b->alt_titles[i]);
		fputs(" <span class=\"muted\">(alternative title)</span></li>", o);
	}
	fputs("</ul>\n<h2>Crashes per day</h2>\n", o);
	h_bars(o, chart, nd, d0, DAY, 720, 140, "crashes");
	if (nev) {
		fputs("\n<h2>History</h2>\n<table class=\"events\"><thead><tr><th>Time</th><th>Change</th>"
		      "<th>Reason</th></tr></thead><tbody>\n",
		      o);
		for (size_t i = 0; i < nev; i++) {
			fputs("<tr><td class=\"t\">", o);
			h_time(o, ev[i].time);
			fprintf(o, "</td><td>%s &rarr; %s", sv_status_name(ev[i].from),
				sv_status_name(ev[i].to));
			if (ev[i].to == CRASHSIG_BUG_DUP)
				fprintf(o, " of <a href=\"/bug/%lld\">bug %lld</a> (%lld crashes moved)",
					(long long)ev[i].dup_of, (long long)ev[i].dup_of,
					(long long)ev[i].moved);
			fputs("</td><td>", o);
			h_str(o, ev[i].reason);
			fputs("</td></tr>\n", o);
		}
		fputs("</tbody></table>\n", o);
	}
	fputs("<h2>Report</h2>\n", o);
	if (b->report) {
		fputs("<p class=\"muted\">From ", o);
		h_str(o, b->report_source ? b->report_source : "-");
		if (sym)
			fputs(", symbolized with ", o), h_str(o, c->S->cfg.vmlinux);
		else if (why)
			fputs("; not symbolized: ", o), h_str(o, why);
		fputs("</p>\n<pre class=\"report\">", o);
		if (sym)
			h_esc(o, sym, symlen);
		else
			h_esc(o, b->report, b->report_len);
		fputs("</pre>\n", o);
	} else {
		fputs("<p class=\"muted\">no report kept</p>\n", o);
	}
	fprintf(o, "<h2>Crashes</h2>\n<p class=\"summary\">%zu of %lld shown, %s first</p>\n", ncr,
		(long long)b->count, cq.flags & CRASHSIG_CRASHES_NEWEST_FIRST ? "newest" : "oldest");
	fputs("<table class=\"crashes\"><thead><tr><th>Time (UTC)</th><th>Machine</th><th>Release</th>"
	      "<th>Title</th><th>Type</th><th>Source</th><th>Kept</th></tr></thead>\n<tbody>\n",
	      o);
	for (size_t i = 0; i < ncr; i++)
		crash_row(o, cr[i]);
	fputs("</tbody></table>\n", o);
	if (cq.limit && ncr == cq.limit) {
		fprintf(o, "<p><a href=\"/bug/%lld?after=%lld&amp;limit=%zu%s\">more</a></p>\n",
			(long long)id, (long long)cr[ncr - 1]->seq, cq.limit,
			cq.flags & CRASHSIG_CRASHES_NEWEST_FIRST ? "" : "&amp;reverse=1");
	}
	fputs("<h2>Similar open bugs</h2>\n", o);
	if (!nn) {
		fputs("<p class=\"muted\">none (no other open bug's stack signature is within distance 1)</p>\n",
		      o);
	} else {
		fprintf(o, "<p class=\"muted\">By the distance of their stack signatures (edits over "
			   "frames, generic frames left out); at most %.2f counts as similar.</p>\n",
			sv_threshold(c->S));
		fputs("<table class=\"similar\"><thead><tr><th>Distance</th><th>Bug</th><th>Count</th>"
		      "<th>Status</th><th>Signature</th></tr></thead><tbody>\n",
		      o);
		for (size_t i = 0; i < nn && i < SIMILAR_MAX; i++) {
			fprintf(o, "<tr class=\"similar%s\"><td class=\"n\">%.2f</td><td>",
				sim[i].distance <= sv_threshold(c->S) ? " near" : "", sim[i].distance);
			bug_link(o, near_bugs[i]);
			fprintf(o, "</td><td class=\"n\">%lld</td><td class=\"status-%s\">%s</td><td><code>",
				(long long)near_bugs[i]->count, sv_status_name(near_bugs[i]->status),
				sv_status_name(near_bugs[i]->status));
			h_str(o, near_bugs[i]->signature);
			fputs("</code></td></tr>\n", o);
		}
		fputs("</tbody></table>\n", o);
	}
	sv_footer(c);
	rc = 200;
	goto out;
fail:
	rc = rc == CRASHSIG_ENOMEM ? sv_fail(c, 503, "out of memory") : sv_store_fail(c, rc);
out:
	free(sym);
	free(sim);
	free(chart);
	crashsig_counts_free(days, ndays);
	crashsig_crash_records_free(cr, ncr);
	crashsig_bug_events_free(ev, nev);
	crashsig_bugs_free(near_bugs, nn);
	crashsig_bug_free(b);
	return rc;
}

int sv_page_crash(sv_call *c)
{
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	crashsig_crash_record *cr = NULL;
	int rc = crashsig_store_get_crash(s, c->rest, &cr);
	if (rc)
		return sv_store_fail(c, rc);
	FILE *o = c->out;
	h_head(o, cr->title, "bugs");
	fputs("<h1>Crash ", o);
	h_str(o, cr->id);
	fputs("</h1>\n<dl class=\"kv\">", o);
	fprintf(o, "<dt>Bug</dt><dd><a href=\"/bug/%lld\">bug %lld</a></dd><dt>Title</dt><dd class=\"title\">",
		(long long)cr->bug, (long long)cr->bug);
	h_str(o, cr->title);
	if (cr->corrupted)
		fputs(" <span class=\"bad\">[corrupted]</span>", o);
	if (cr->suppressed)
		fputs(" <span class=\"muted\">[suppressed]</span>", o);
	fputs("</dd><dt>Time (UTC)</dt><dd>", o);
	h_time(o, cr->time);
	const char *ts = crashsig_time_source_name(cr->time_source);
	fprintf(o, " <span class=\"muted\">(%s)</span></dd><dt>Received</dt><dd>", ts ? ts : "?");
	h_time(o, cr->received);
	fputs("</dd>", o);
	if (cr->uptime >= 0)
		fprintf(o, "<dt>Uptime</dt><dd>%.3f s</dd>", cr->uptime);
	static const char *const labels[] = {"Machine", "Source",   "Message-ID", "Release", "Build id",
					     "Arch",    "Hardware", "Taint",      "Type",    "Signature"};
	const char *vals[] = {cr->machine, cr->source,   cr->message_id, cr->release, cr->build_id,
			      cr->arch,    cr->hardware, cr->taint,      cr->type,    cr->signature};
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		if (!vals[i])
			continue;
		fprintf(o, "<dt>%s</dt><dd>", labels[i]);
		h_str(o, vals[i]);
		fputs("</dd>", o);
	}
	fprintf(o, "<dt>Offset</dt><dd>%llu</dd></dl>\n", (unsigned long long)cr->offset);
	fputs("<h2>Report</h2>\n", o);
	if (cr->report) {
		fputs("<pre class=\"report\">", o);
		h_esc(o, cr->report, cr->report_len);
		fputs("</pre>\n", o);
	} else {
		fputs("<p class=\"muted\">not kept (retention)</p>\n", o);
	}
	fputs("<h2>Log</h2>\n", o);
	if (cr->log) {
		fputs("<pre class=\"log\">", o);
		h_esc(o, cr->log, cr->log_len);
		fputs("</pre>\n", o);
	} else {
		fputs("<p class=\"muted\">not kept</p>\n", o);
	}
	crashsig_crash_record_free(cr);
	sv_footer(c);
	return 200;
}
