/* What crashsig dedup prints and writes: bug and crash tables, JSON Lines,
 * one bug's or one crash's page, the export of a whole store, --outdir.
 * Uses only the public API. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dedup_tool.h"
#include "io.h"
#include "json.h"

void dd_fmt_time(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t || !gmtime_r(&tt, &tm))
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static const char *status_name(crashsig_bug_status s)
{
	const char *n = crashsig_bug_status_name(s);
	return n ? n : "?";
}

static const char *or_dash(const char *s) { return s && *s ? s : "-"; }

/* ---------------- bugs ---------------- */

void dd_bug_header(FILE *out)
{
	fprintf(out, "%-6s %7s  %-19s  %-19s  %-7s  %s\n", "ID", "COUNT", "FIRST SEEN",
		"LAST SEEN", "STATUS", "TITLE");
}

void dd_bug_row(FILE *out, const crashsig_bug *b)
{
	char f[32], l[32];
	dd_fmt_time(f, sizeof(f), b->first_seen);
	dd_fmt_time(l, sizeof(l), b->last_seen);
	fprintf(out, "%-6lld %7lld  %-19s  %-19s  %-7s  %s", (long long)b->id,
		(long long)b->count, f, l, status_name(b->status), b->title);
	if (b->nmerged_titles) {
		fputs("  [also: ", out);
		for (size_t i = 0; i < b->nmerged_titles; i++)
			fprintf(out, "%s%s", i ? " | " : "", b->merged_titles[i]);
		fputc(']', out);
	}
	if (b->status == CRASHSIG_BUG_DUP)
		fprintf(out, "  [dup of bug %lld]", (long long)b->dup_of);
	if (b->similar_to)
		fprintf(out, "  [similar to bug %lld (distance %.2f)]",
			(long long)b->similar_to, b->similar_distance);
	fputc('\n', out);
}

static void json_list(FILE *out, const char *const *v, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		json_cstr(out, v[i]);
	}
	fputc(']', out);
}

static void json_int_or_null(FILE *out, const char *key, int64_t v)
{
	if (v)
		fprintf(out, ",\"%s\":%lld", key, (long long)v);
	else
		fprintf(out, ",\"%s\":null", key);
}

static void bug_fields(FILE *out, const crashsig_bug *b, int with_report)
{
	char f[32], l[32];
	dd_fmt_time(f, sizeof(f), b->first_seen);
	dd_fmt_time(l, sizeof(l), b->last_seen);
	fprintf(out, "\"id\":%lld,\"title\":", (long long)b->id);
	json_cstr(out, b->title);
	fputs(",\"base_title\":", out);
	json_cstr(out, b->base_title);
	fprintf(out, ",\"seq\":%d,\"status\":\"%s\"", b->seq, status_name(b->status));
	json_int_or_null(out, "dup_of", b->dup_of);
	json_int_or_null(out, "status_time", b->status_time);
	fprintf(out, ",\"count\":%lld,\"first_seen\":%lld,\"last_seen\":%lld,\"first_seen_utc\":",
		(long long)b->count, (long long)b->first_seen, (long long)b->last_seen);
	json_cstr(out, f);
	fputs(",\"last_seen_utc\":", out);
	json_cstr(out, l);
	fputs(",\"other_titles\":", out);
	json_list(out, b->merged_titles, b->nmerged_titles);
	fputs(",\"alt_titles\":", out);
	json_list(out, b->alt_titles, b->nalt_titles);
	fputs(",\"signature\":", out);
	json_cstr(out, b->signature);
	if (b->similar_to)
		fprintf(out, ",\"similar_to\":%lld,\"distance\":%.4f", (long long)b->similar_to,
			b->similar_distance);
	else
		fputs(",\"similar_to\":null,\"distance\":null", out);
	fputs(",\"report_source\":", out);
	json_cstr(out, b->report_source);
	if (with_report) {
		fputs(",\"report\":", out);
		if (b->report)
			json_str(out, b->report, b->report_len);
		else
			fputs("null", out);
	}
}

void dd_bug_json(FILE *out, const crashsig_bug *b, int with_report)
{
	fputc('{', out);
	bug_fields(out, b, with_report);
	fputs("}\n", out);
}

/* ---------------- crashes ---------------- */

void dd_crash_header(FILE *out)
{
	fprintf(out, "%-32s  %6s  %-19s  %-8s  %-12s  %-24s  %s\n", "CRASH", "BUG", "TIME",
		"FROM", "MACHINE", "RELEASE", "TITLE");
}

static const char *time_source(crashsig_time_source t)
{
	const char *n = crashsig_time_source_name(t);
	return n ? n : "?";
}

void dd_crash_row(FILE *out, const crashsig_crash_record *c)
{
	char t[32];
	dd_fmt_time(t, sizeof(t), c->time);
	fprintf(out, "%-32s  %6lld  %-19s  %-8s  %-12s  %-24s  %s%s\n", c->id, (long long)c->bug, t,
		time_source(c->time_source), or_dash(c->machine), or_dash(c->release), c->title,
		c->corrupted ? "  [corrupted]" : c->suppressed ? "  [suppressed]" : "");
}

static void crash_fields(FILE *out, const crashsig_crash_record *c, int with_texts)
{
	static const struct {
		unsigned bit;
		const char *name;
	} reasons[] = {{CRASHSIG_KEPT_FIRST, "first"},     {CRASHSIG_KEPT_LAST, "last"},
		       {CRASHSIG_KEPT_RELEASE, "release"}, {CRASHSIG_KEPT_MACHINE, "machine"},
		       {CRASHSIG_KEPT_TITLE, "title"},     {CRASHSIG_KEPT_SAMPLE, "sample"}};
	char t[32], r[32];
	dd_fmt_time(t, sizeof(t), c->time);
	dd_fmt_time(r, sizeof(r), c->received);
	fputs("\"id\":", out);
	json_cstr(out, c->id);
	fprintf(out, ",\"seq\":%lld,\"bug\":%lld,\"title\":", (long long)c->seq, (long long)c->bug);
	json_cstr(out, c->title);
	fputs(",\"type\":", out);
	json_cstr(out, c->type);
	fprintf(out, ",\"corrupted\":%s,\"suppressed\":%s,\"time\":%lld,\"time_nsec\":%d,\"time_utc\":",
		c->corrupted ? "true" : "false", c->suppressed ? "true" : "false",
		(long long)c->time, (int)c->time_nsec);
	json_cstr(out, t);
	fprintf(out, ",\"time_source\":\"%s\",\"received\":%lld,\"received_utc\":",
		time_source(c->time_source), (long long)c->received);
	json_cstr(out, r);
	if (c->uptime >= 0)
		fprintf(out, ",\"uptime\":%.6f", c->uptime);
	else
		fputs(",\"uptime\":null", out);
	fputs(",\"machine\":", out);
	json_cstr(out, c->machine);
	fputs(",\"source\":", out);
	json_cstr(out, c->source);
	fputs(",\"message_id\":", out);
	json_cstr(out, c->message_id);
	fprintf(out, ",\"offset\":%llu,\"release\":", (unsigned long long)c->offset);
	json_cstr(out, c->release);
	fputs(",\"build_id\":", out);
	json_cstr(out, c->build_id);
	fputs(",\"arch\":", out);
	json_cstr(out, c->arch);
	fputs(",\"hardware\":", out);
	json_cstr(out, c->hardware);
	fputs(",\"taint\":", out);
	json_cstr(out, c->taint);
	fputs(",\"signature\":", out);
	json_cstr(out, c->signature);
	fputs(",\"kept\":[", out);
	int n = 0;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (c->kept & reasons[i].bit)
			fprintf(out, "%s\"%s\"", n++ ? "," : "", reasons[i].name);
	fputc(']', out);
	if (with_texts) {
		fputs(",\"report\":", out);
		if (c->report)
			json_str(out, c->report, c->report_len);
		else
			fputs("null", out);
		fputs(",\"log\":", out);
		if (c->log)
			json_str(out, c->log, c->log_len);
		else
			fputs("null", out);
	}
}

void dd_crash_json(FILE *out, const crashsig_crash_record *c, int with_texts)
{
	fputc('{', out);
	crash_fields(out, c, with_texts);
	fputs("}\n", out);
}

static void event_fields(FILE *out, const crashsig_bug_event *e)
{
	char t[32];
	dd_fmt_time(t, sizeof(t), e->time);
	fprintf(out, "\"bug\":%lld,\"time\":%lld,\"time_utc\":", (long long)e->bug,
		(long long)e->time);
	json_cstr(out, t);
	fprintf(out, ",\"from\":\"%s\",\"to\":\"%s\"", status_name(e->from), status_name(e->to));
	json_int_or_null(out, "dup_of", e->dup_of);
	fprintf(out, ",\"moved\":%lld,\"reason\":", (long long)e->moved);
	json_cstr(out, e->reason);
}

void dd_event_json(FILE *out, const crashsig_bug_event *e)
{
	fputc('{', out);
	event_fields(out, e);
	fputs("}\n", out);
}

static void event_row(FILE *out, const crashsig_bug_event *e)
{
	char t[32];
	dd_fmt_time(t, sizeof(t), e->time);
	fprintf(out, "  %s  %s -> %s", t, status_name(e->from), status_name(e->to));
	if (e->to == CRASHSIG_BUG_DUP)
		fprintf(out, " of bug %lld (%lld crashes moved)", (long long)e->dup_of,
			(long long)e->moved);
	if (e->reason)
		fprintf(out, ": %s", e->reason);
	fputc('\n', out);
}

/* Indented text, for a report or log in a page. */
static void indented(FILE *out, const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		fputs("  ", out);
		fwrite(p, 1, l, out);
		fputc('\n', out);
		p = nl ? nl + 1 : end;
	}
}

/* Every crash of q, page by page (memory stays bounded). fn(out, c). */
static int each_crash(crashsig_store *s, const char *url, crashsig_crash_query q,
		      void (*fn)(FILE *, const crashsig_crash_record *, int), FILE *out,
		      int arg, int header, size_t *total)
{
	size_t want = q.limit;
	*total = 0;
	for (;;) {
		q.limit = want && want - *total < 1000 ? want - *total : 1000;
		crashsig_crash_record **v;
		size_t n;
		if (crashsig_store_crashes(s, &q, &v, &n)) {
			tool_err("%s: %s: %s\n", DD_PROG, url, crashsig_store_error(s));
			return TOOL_EXIT_ERROR;
		}
		if (header && n && !*total)
			dd_crash_header(out);
		for (size_t i = 0; i < n && !tool_stdout_failed(); i++)
			fn(out, v[i], arg);
		if (n)
			q.after = v[n - 1]->seq;
		*total += n;
		crashsig_crash_records_free(v, n);
		if (n < q.limit || (want && *total >= want) || tool_stdout_failed())
			return 0;
	}
}

static void crash_row_fn(FILE *out, const crashsig_crash_record *c, int arg)
{
	(void)arg;
	dd_crash_row(out, c);
}

static void crash_json_fn(FILE *out, const crashsig_crash_record *c, int with_texts)
{
	dd_crash_json(out, c, with_texts);
}

static void crash_export_fn(FILE *out, const crashsig_crash_record *c, int arg)
{
	(void)arg;
	fputs("{\"record\":\"crash\",", out);
	crash_fields(out, c, 1);
	fputs("}\n", out);
}

int dd_crashes(FILE *out, crashsig_store *s, const char *url, const crashsig_crash_query *q,
	       int json, size_t *count)
{
	return each_crash(s, url, *q, json ? crash_json_fn : crash_row_fn, out, 0, !json, count);
}

int dd_bug_page(FILE *out, crashsig_store *s, const char *url, int64_t id, int json,
		const crashsig_crash_query *q0)
{
	crashsig_bug *b = NULL;
	crashsig_bug_event *ev = NULL;
	size_t nev = 0;
	if (crashsig_store_get(s, id, &b) || crashsig_store_bug_events(s, id, &ev, &nev)) {
		tool_err("%s: %s: %s\n", DD_PROG, url, crashsig_store_error(s));
		crashsig_bug_free(b);
		return TOOL_EXIT_ERROR;
	}
	crashsig_crash_query q = *q0;
	q.bug = id;
	size_t n;
	int rc;
	if (json) {
		fputc('{', out);
		bug_fields(out, b, 1);
		fputs(",\"events\":[", out);
		for (size_t i = 0; i < nev; i++) {
			fputs(i ? ",{" : "{", out);
			event_fields(out, &ev[i]);
			fputc('}', out);
		}
		fputs("],\"crashes\":[", out);
		/* one JSON document: crashes as array elements */
		crashsig_crash_record **v;
		size_t nv, done = 0;
		rc = 0;
		for (;;) {
			q.limit = 1000;
			if (crashsig_store_crashes(s, &q, &v, &nv)) {
				tool_err("%s: %s: %s\n", DD_PROG, url, crashsig_store_error(s));
				rc = TOOL_EXIT_ERROR;
				break;
			}
			for (size_t i = 0; i < nv; i++) {
				fputs(done++ ? ",{" : "{", out);
				crash_fields(out, v[i], 0);
				fputc('}', out);
			}
			if (nv)
				q.after = v[nv - 1]->seq;
			crashsig_crash_records_free(v, nv);
			if (nv < 1000 || tool_stdout_failed())
				break;
		}
		fputs("]}\n", out);
	} else {
		char f[32], l[32], st[32];
		dd_fmt_time(f, sizeof(f), b->first_seen);
		dd_fmt_time(l, sizeof(l), b->last_seen);
		dd_fmt_time(st, sizeof(st), b->status_time);
		fprintf(out, "Bug %lld: %s\n", (long long)b->id, b->title);
		fprintf(out, "Status:     %s", status_name(b->status));
		if (b->status == CRASHSIG_BUG_DUP)
			fprintf(out, " of bug %lld", (long long)b->dup_of);
		if (b->status_time)
			fprintf(out, " since %s", st);
		fprintf(out, "\nCrashes:    %lld (first %s, last %s)\n", (long long)b->count, f, l);
		fputs("Titles:     ", out);
		for (size_t i = 0; i < b->nalt_titles; i++)
			fprintf(out, "%s%s\n", i ? "            " : "", b->alt_titles[i]);
		if (!b->nalt_titles)
			fprintf(out, "%s\n", b->title);
		for (size_t i = 0; i < b->nmerged_titles; i++)
			fprintf(out, "%s%s\n", i ? "            " : "Merged:     ", b->merged_titles[i]);
		if (b->signature)
			fprintf(out, "Signature:  %s\n", b->signature);
		if (b->similar_to)
			fprintf(out, "Similar to: bug %lld (distance %.2f)\n", (long long)b->similar_to,
				b->similar_distance);
		if (nev) {
			fputs("History:\n", out);
			for (size_t i = 0; i < nev; i++)
				event_row(out, &ev[i]);
		}
		if (b->report) {
			fprintf(out, "Report (%s):\n", or_dash(b->report_source));
			indented(out, b->report, b->report_len);
		}
		fputs("Crashes:\n", out);
		rc = each_crash(s, url, q, crash_row_fn, out, 0, 1, &n);
	}
	crashsig_bug_free(b);
	crashsig_bug_events_free(ev, nev);
	return rc;
}

int dd_crash_page(FILE *out, crashsig_store *s, const char *url, const char *id, int json)
{
	crashsig_crash_record *c = NULL;
	if (crashsig_store_get_crash(s, id, &c)) {
		tool_err("%s: %s: %s\n", DD_PROG, url, crashsig_store_error(s));
		return TOOL_EXIT_ERROR;
	}
	if (json) {
		dd_crash_json(out, c, 1);
	} else {
		char t[32], r[32];
		dd_fmt_time(t, sizeof(t), c->time);
		dd_fmt_time(r, sizeof(r), c->received);
		fprintf(out, "Crash %s (bug %lld): %s\n", c->id, (long long)c->bug, c->title);
		fprintf(out, "Time:     %s (%s); received %s\n", t, time_source(c->time_source), r);
		if (c->uptime >= 0)
			fprintf(out, "Uptime:   %.6f s\n", c->uptime);
		fprintf(out, "Machine:  %s\nSource:   %s at byte %llu\n", or_dash(c->machine),
			or_dash(c->source), (unsigned long long)c->offset);
		if (c->message_id)
			fprintf(out, "Mail:     %s\n", c->message_id);
		fprintf(out, "Kernel:   %s, %s, build id %s, taint %s\n", or_dash(c->release),
			or_dash(c->arch), or_dash(c->build_id), c->taint ? (*c->taint ? c->taint : "none") : "-");
		if (c->hardware)
			fprintf(out, "Hardware: %s\n", c->hardware);
		if (c->report) {
			fputs("Report:\n", out);
			indented(out, c->report, c->report_len);
		}
		if (c->log) {
			fputs("Log:\n", out);
			indented(out, c->log, c->log_len);
		}
		if (!c->kept)
			fputs("(report and log not kept: retention)\n", out);
	}
	crashsig_crash_record_free(c);
	return 0;
}

int dd_export(FILE *out, crashsig_store *s, const char *url)
{
	crashsig_bug **bugs = NULL;
	size_t nb = 0, nev = 0, n;
	crashsig_bug_event *ev = NULL;
	if (crashsig_store_list(s, &bugs, &nb) || crashsig_store_bug_events(s, 0, &ev, &nev)) {
		tool_err("%s: %s: %s\n", DD_PROG, url, crashsig_store_error(s));
		crashsig_bugs_free(bugs, nb);
		return TOOL_EXIT_ERROR;
	}
	for (size_t i = 0; i < nb; i++) {
		fputs("{\"record\":\"bug\",", out);
		bug_fields(out, bugs[i], 1);
		fputs("}\n", out);
	}
	for (size_t i = 0; i < nev; i++) {
		fputs("{\"record\":\"event\",", out);
		event_fields(out, &ev[i]);
		fputs("}\n", out);
	}
	crashsig_bugs_free(bugs, nb);
	crashsig_bug_events_free(ev, nev);
	crashsig_crash_query q = CRASHSIG_CRASH_QUERY_INIT;
	q.flags = CRASHSIG_CRASHES_TEXT;
	return each_crash(s, url, q, crash_export_fn, out, 0, 0, &n);
}

/* ---------------- --outdir ---------------- */

/* Write name in the directory dfd (shown as dir): through a new file
 * renamed over it, so that a symbolic link planted as name is replaced,
 * never followed. */
static int write_at(int dfd, const char *dir, const char *name, const char *data, size_t len)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", name, (long)getpid());
	unlinkat(dfd, tmp, 0);
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		tool_err("%s: %s/%s: %s\n", DD_PROG, dir, name, strerror(errno));
		return TOOL_EXIT_ERROR;
	}
	size_t off = 0;
	int bad = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			bad = errno;
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) && !bad)
		bad = errno;
	if (!bad && renameat(dfd, tmp, dfd, name))
		bad = errno;
	if (bad) {
		unlinkat(dfd, tmp, 0);
		tool_err("%s: %s/%s: write error: %s\n", DD_PROG, dir, name, strerror(bad));
		return TOOL_EXIT_ERROR;
	}
	return 0;
}

int dd_write_outdir(const char *outdir, const crashsig_bug *b)
{
	if (mkdir(outdir, 0777) && errno != EEXIST) {
		tool_err("%s: %s: %s\n", DD_PROG, outdir, strerror(errno));
		return TOOL_EXIT_ERROR;
	}
	/* OUTDIR itself is the user's choice (it may be a link); what crashsig
	 * creates inside is never reached through one */
	int top = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0) {
		tool_err("%s: %s: %s\n", DD_PROG, outdir, strerror(errno));
		return TOOL_EXIT_ERROR;
	}
	char name[32], dir[4200];
	snprintf(name, sizeof(name), "%lld", (long long)b->id);
	snprintf(dir, sizeof(dir), "%s/%s", outdir, name);
	if (mkdirat(top, name, 0777) && errno != EEXIST) {
		tool_err("%s: %s: %s\n", DD_PROG, dir, strerror(errno));
		close(top);
		return TOOL_EXIT_ERROR;
	}
	int dfd = openat(top, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(top);
	if (dfd < 0) {
		int e = errno;
		struct stat st;
		tool_err("%s: %s: %s; not written\n", DD_PROG, dir,
			 e == ELOOP || (e == ENOTDIR && !fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) &&
					S_ISLNK(st.st_mode))
				 ? "a symbolic link, not a directory crashsig made"
				 : strerror(e));
		return TOOL_EXIT_ERROR;
	}
	char desc[2048];
	int n = snprintf(desc, sizeof(desc), "%s\n", b->title);
	if (n < 0 || (size_t)n >= sizeof(desc))
		n = (int)sizeof(desc) - 1;
	int rc = write_at(dfd, dir, "description", desc, (size_t)n);
	size_t tl = 0;
	for (size_t i = 0; i < b->nalt_titles; i++)
		tl += strlen(b->alt_titles[i]) + 1;
	for (size_t i = 0; i < b->nmerged_titles; i++)
		tl += strlen(b->merged_titles[i]) + 1;
	char *t = malloc(tl + 1), *p = t;
	if (!t) {
		close(dfd);
		tool_err("%s: out of memory\n", DD_PROG);
		return TOOL_EXIT_ERROR;
	}
	for (size_t i = 0; i < b->nalt_titles; i++)
		p += sprintf(p, "%s\n", b->alt_titles[i]);
	for (size_t i = 0; i < b->nmerged_titles; i++) {
		int dup = 0;
		for (size_t j = 0; j < b->nalt_titles; j++)
			dup |= !strcmp(b->alt_titles[j], b->merged_titles[i]);
		if (!dup)
			p += sprintf(p, "%s\n", b->merged_titles[i]);
	}
	if (!rc)
		rc = write_at(dfd, dir, "titles", t, (size_t)(p - t));
	free(t);
	if (!rc && b->report)
		rc = write_at(dfd, dir, "report", b->report, b->report_len);
	close(dfd);
	return rc;
}
