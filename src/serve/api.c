/* The JSON API of crashsig serve. Bugs, crashes and events are the
 * objects `crashsig dedup --json` prints (the tool's writers), so that
 * the API and the command line answer alike. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

#include "tool/dedup_tool.h"
#include "tool/json.h"

/* A name given by a client (machine, source): 1 to 256 bytes, no control
 * character. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 256)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int sv_api_post_crashes(sv_call *c)
{
	const char *machine = sv_param(c, "machine"), *source = sv_param(c, "source");
	if (machine && !*machine)
		machine = NULL;
	if (source && !*source)
		source = NULL;
	if (machine && !name_ok(machine))
		return sv_fail(c, 400, "machine: 1 to 256 bytes without control characters");
	if (source && !name_ok(source))
		return sv_fail(c, 400, "source: 1 to 256 bytes without control characters");
	/* committed before the answer: an acknowledged crash survives a
	 * crash of serve (kill -9); on failure nothing of this body is kept,
	 * and the client may send it again */
	char msg[512];
	int rc = sv_ingest(c->w, c->rq->body ? c->rq->body : "", c->rq->len, machine, source,
			   c->out, msg, sizeof(msg), c->rq->note, sizeof(c->rq->note));
	return rc ? sv_fail(c, rc, "%s", msg) : 200;
}

int sv_api_bugs(sv_call *c)
{
	crashsig_bug_query q;
	int rc = sv_bug_query(c, &q);
	if (rc)
		return rc;
	const char *search = sv_param(c, "q");
	size_t limit = q.limit;
	if (search && *search)
		q.limit = 0; /* the search filters first */
	q.flags |= CRASHSIG_QUERY_NO_REPORT; /* a list has no reports */
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	crashsig_bug **bugs = NULL;
	size_t n = 0;
	if ((rc = crashsig_store_query(s, &q, &bugs, &n)))
		return sv_store_fail(c, rc);
	fputs("{\"bugs\":[", c->out);
	size_t shown = 0;
	for (size_t i = 0; i < n && (!limit || shown < limit); i++) {
		if (!sv_bug_matches(bugs[i], search))
			continue;
		if (shown++)
			fputc(',', c->out);
		dd_bug_json(c->out, bugs[i], 0);
	}
	fputs("]}\n", c->out);
	crashsig_bugs_free(bugs, n);
	return 200;
}

/* "123" or "123/crashes" */
static int parse_bug_path(const char *rest, int64_t *id, const char **tail)
{
	char *end;
	errno = 0;
	if (*rest < '1' || *rest > '9')
		return -1;
	long long v = strtoll(rest, &end, 10);
	if (errno || v <= 0)
		return -1;
	*id = v;
	*tail = end;
	return 0;
}

/* The crashes q selects, as {"crashes":[...],"next_after":SEQ|null}:
 * next_after pages on (?after=SEQ) when the limit was reached. */
static int crash_list(sv_call *c, crashsig_store *s, const crashsig_crash_query *q)
{
	crashsig_crash_record **v = NULL;
	size_t n = 0;
	int rc = crashsig_store_crashes(s, q, &v, &n);
	if (rc)
		return sv_store_fail(c, rc);
	fputs("{\"crashes\":[", c->out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', c->out);
		dd_crash_json(c->out, v[i], 0);
	}
	if (q->limit && n == q->limit)
		fprintf(c->out, "],\"next_after\":%lld}\n", (long long)v[n - 1]->seq);
	else
		fputs("],\"next_after\":null}\n", c->out);
	crashsig_crash_records_free(v, n);
	return 200;
}

int sv_api_bug(sv_call *c)
{
	int64_t id;
	const char *tail;
	if (parse_bug_path(c->rest, &id, &tail) || (*tail && strcmp(tail, "/crashes")))
		return sv_fail(c, 404, "no such page: /api/bugs/ID or /api/bugs/ID/crashes");
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	crashsig_bug *b = NULL;
	int rc = crashsig_store_get(s, id, &b);
	if (rc)
		return sv_store_fail(c, rc);
	if (*tail) {
		crashsig_bug_free(b);
		crashsig_crash_query q;
		if ((rc = sv_crash_query(c, &q, 1000, 100000)))
			return rc;
		q.bug = id;
		return crash_list(c, s, &q);
	}
	crashsig_bug_event *ev = NULL;
	size_t nev = 0;
	if ((rc = crashsig_store_bug_events(s, id, &ev, &nev))) {
		crashsig_bug_free(b);
		return sv_store_fail(c, rc);
	}
	fputs("{\"bug\":", c->out);
	dd_bug_json(c->out, b, 1);
	fputs(",\"events\":[", c->out);
	for (size_t i = 0; i < nev; i++) {
		if (i)
			fputc(',', c->out);
		dd_event_json(c->out, &ev[i]);
	}
	fputs("]}\n", c->out);
	crashsig_bug_events_free(ev, nev);
	crashsig_bug_free(b);
	return 200;
}

int sv_api_crashes(sv_call *c)
{
	crashsig_crash_query q;
	int rc = sv_crash_query(c, &q, 1000, 100000);
	if (rc)
		return rc;
	const char *bug = sv_param(c, "bug");
	const char *tail;
	if (bug && *bug && (parse_bug_path(bug, &q.bug, &tail) || *tail))
		return sv_fail(c, 400, "bug: '%s' is not a bug id", bug);
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	return crash_list(c, s, &q);
}

int sv_api_crash(sv_call *c)
{
	int status;
	crashsig_store *s = sv_store(c, &status);
	if (!s)
		return status;
	crashsig_crash_record *rec = NULL;
	int rc = crashsig_store_get_crash(s, c->rest, &rec);
	if (rc)
		return sv_store_fail(c, rc);
	dd_crash_json(c->out, rec, 1);
	crashsig_crash_record_free(rec);
	return 200;
}
