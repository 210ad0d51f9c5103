/* Query parameters of crashsig serve: the filters of `crashsig dedup
 * --list` and `--crashes`, with the same names and syntax. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "serve.h"
#include "tool/dedup_tool.h"

int sv_parse_time(const char *s, int64_t now, int64_t *out)
{
	return dd_parse_time(s, now, out);
}

int sv_parse_count(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || !v || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_statuses(const char *s, unsigned *mask)
{
	return dd_parse_statuses(s, mask);
}

/* The filters both queries share. */
static int common(sv_call *c, int64_t *since, int64_t *until, const char **machine,
		  const char **release)
{
	const char *v;
	if ((v = sv_param(c, "since")) && *v && sv_parse_time(v, c->now, since))
		return sv_fail(c, 400, "since: '%s' is not a time", v);
	if ((v = sv_param(c, "until")) && *v && sv_parse_time(v, c->now, until))
		return sv_fail(c, 400, "until: '%s' is not a time", v);
	if ((v = sv_param(c, "machine")) && *v)
		*machine = v;
	if ((v = sv_param(c, "release")) && *v)
		*release = v;
	return 0;
}

int sv_bug_filters(sv_call *c, crashsig_bug_query *q)
{
	*q = (crashsig_bug_query)CRASHSIG_BUG_QUERY_INIT;
	int rc = common(c, &q->since, &q->until, &q->machine, &q->release);
	if (rc)
		return rc;
	const char *v;
	if ((v = sv_param(c, "status")) && *v && parse_statuses(v, &q->statuses))
		return sv_fail(c, 400, "status: '%s' is not a list of open, fixed, invalid, dup", v);
	if ((v = sv_param(c, "title")) && *v)
		q->title_regex = v;
	if ((v = sv_param(c, "only")) && *v && strcmp(v, "0")) {
		if (!q->machine)
			return sv_fail(c, 400, "only: needs machine");
		q->flags |= CRASHSIG_QUERY_ONLY_MACHINE;
	}
	return 0;
}

int sv_bug_query(sv_call *c, crashsig_bug_query *q)
{
	int rc = sv_bug_filters(c, q);
	if (rc)
		return rc;
	const char *v;
	q->sort = CRASHSIG_SORT_ID;
	if ((v = sv_param(c, "sort")) && *v) {
		if (!strcmp(v, "id"))
			q->sort = CRASHSIG_SORT_ID;
		else if (!strcmp(v, "count"))
			q->sort = CRASHSIG_SORT_COUNT;
		else if (!strcmp(v, "first"))
			q->sort = CRASHSIG_SORT_FIRST_SEEN;
		else if (!strcmp(v, "last"))
			q->sort = CRASHSIG_SORT_LAST_SEEN;
		else
			return sv_fail(c, 400, "sort: '%s' is not id, count, first or last", v);
	}
	int reverse = (v = sv_param(c, "reverse")) && *v && strcmp(v, "0");
	int desc = q->sort != CRASHSIG_SORT_ID;
	if (desc != reverse)
		q->flags |= CRASHSIG_QUERY_DESCENDING;
	uint64_t n;
	if ((v = sv_param(c, "limit")) && *v) {
		if (sv_parse_count(v, SIZE_MAX, &n))
			return sv_fail(c, 400, "limit: '%s' is not a count", v);
		q->limit = (size_t)n;
	}
	return 0;
}

int sv_crash_query(sv_call *c, crashsig_crash_query *q, size_t default_limit, size_t max_limit)
{
	*q = (crashsig_crash_query)CRASHSIG_CRASH_QUERY_INIT;
	int rc = common(c, &q->since, &q->until, &q->machine, &q->release);
	if (rc)
		return rc;
	const char *v;
	if ((v = sv_param(c, "reverse")) && *v && strcmp(v, "0"))
		q->flags |= CRASHSIG_CRASHES_NEWEST_FIRST;
	q->limit = default_limit;
	uint64_t n;
	if ((v = sv_param(c, "limit")) && *v) {
		if (sv_parse_count(v, max_limit, &n))
			return sv_fail(c, 400, "limit: '%s' is not a count up to %zu", v, max_limit);
		q->limit = (size_t)n;
	}
	if ((v = sv_param(c, "after")) && *v) {
		if (sv_parse_count(v, INT64_MAX, &n))
			return sv_fail(c, 400, "after: '%s' is not a crash sequence number", v);
		q->after = (int64_t)n;
	}
	return 0;
}

/* ASCII case-insensitive substring. */
static int contains(const char *hay, const char *needle)
{
	if (!hay)
		return 0;
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return !n;
}

int sv_bug_matches(const crashsig_bug *b, const char *q)
{
	if (!q || !*q)
		return 1;
	if (contains(b->title, q) || contains(b->signature, q))
		return 1;
	for (size_t i = 0; i < b->nalt_titles; i++)
		if (contains(b->alt_titles[i], q))
			return 1;
	for (size_t i = 0; i < b->nmerged_titles; i++)
		if (contains(b->merged_titles[i], q))
			return 1;
	return 0;
}
