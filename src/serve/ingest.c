/* POST /api/crashes: a request body into the store, as crashsig dedup
 * reads a file: decompressed here (the bytes the parser's offsets count,
 * kept in a ring for the log excerpts), parsed through the input layer
 * (mail, archives, console prefixes and their times), each crash added
 * as soon as the parser hands it over. The crashes of one body are one
 * transaction: the caller commits them before it answers, or drops them
 * all. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#include "tool/json.h"

typedef struct ing {
	sv_worker *w;
	crashsig_parser *p;
	const char *machine, *source;
	uint64_t expanded, max;
	uint64_t end; /* offset after the last byte in the ring */
	FILE *out;
	size_t n, fresh, newbugs;
	int store_rc;   /* the store failed */
	int too_much;   /* the body expands beyond max */
	int input_fail; /* the parser or decompressor failed */
} ing;

static void ring_add(ing *g, const char *p, size_t n)
{
	sv_worker *w = g->w;
	size_t cap = w->ring_cap;
	if (n >= cap) {
		p += n - cap;
		g->end += n - cap;
		n = cap;
	}
	size_t at = (size_t)(g->end % cap);
	size_t k = cap - at < n ? cap - at : n;
	memcpy(w->ring + at, p, k);
	memcpy(w->ring, p + k, n - k);
	g->end += n;
}

/* The bytes [from, to) the ring still holds, from the first line start at
 * or after from; malloc'd (NULL when none). */
static char *ring_get(const ing *g, uint64_t from, uint64_t to, size_t *len)
{
	const sv_worker *w = g->w;
	size_t cap = w->ring_cap;
	*len = 0;
	uint64_t lo = g->end > cap ? g->end - cap : 0;
	if (to > g->end)
		to = g->end;
	if (from < lo)
		from = lo;
	if (from > 0 && from < to && w->ring[(size_t)((from - 1) % cap)] != '\n') {
		uint64_t f = from;
		while (f < to && w->ring[(size_t)(f % cap)] != '\n')
			f++;
		if (f < to)
			from = f + 1;
	}
	if (from >= to)
		return NULL;
	char *o = malloc((size_t)(to - from));
	if (!o)
		return NULL;
	for (uint64_t i = from; i < to; i++)
		o[i - from] = w->ring[(size_t)(i % cap)];
	*len = (size_t)(to - from);
	return o;
}

#define STOP 1

static int on_report(void *arg, crashsig_report *r)
{
	ing *g = arg;
	sv_worker *w = g->w;
	crashsig_add_options ao = CRASHSIG_ADD_OPTIONS_INIT;
	ao.source = g->source;
	ao.machine = g->machine;
	ao.time = 0; /* the report's own time, else now */
	ao.time_source = CRASHSIG_TIME_SOURCE_RECEIVED;
	size_t len = 0;
	char *log = NULL;
	/* the log around a crash of a console log (not of a mail, whose body
	 * may be encoded, nor of an archive member, which may be compressed on
	 * its own) */
	const crashsig_document *doc = crashsig_report_document(r);
	size_t log_max = w->S->cfg.log_max;
	if (log_max && (!doc || (doc->kind == CRASHSIG_DOCUMENT_LOG && !doc->member))) {
		uint64_t base = doc ? doc->offset : 0;
		uint64_t start = base + crashsig_report_start(r), end = base + crashsig_report_end(r);
		log = ring_get(g, start > log_max ? start - log_max : 0, end, &len);
	}
	ao.log = log;
	ao.log_len = len;
	crashsig_add_result res;
	int rc = crashsig_store_add_report_opts(w->store, w->ctx, r, &ao, &res);
	free(log);
	if (rc) {
		g->store_rc = rc;
		crashsig_report_free(r);
		return STOP;
	}
	fprintf(g->out, "%s{\"id\":", g->n ? "," : "");
	json_cstr(g->out, res.crash_id);
	fprintf(g->out, ",\"bug\":%lld,\"title\":", (long long)res.bug_id);
	json_cstr(g->out, crashsig_report_title(r));
	fprintf(g->out, ",\"new_bug\":%s,\"duplicate\":%s,\"corrupted\":%s}",
		res.new_bug ? "true" : "false", res.duplicate ? "true" : "false",
		crashsig_report_corrupted(r) ? "true" : "false");
	g->n++;
	g->fresh += !res.duplicate;
	g->newbugs += res.new_bug != 0;
	crashsig_report_free(r);
	return 0;
}

static int on_data(void *arg, const void *data, size_t len)
{
	ing *g = arg;
	g->expanded += len;
	if (g->expanded > g->max) {
		g->too_much = 1;
		return STOP;
	}
	ring_add(g, data, len);
	int rc = crashsig_parser_feed(g->p, data, len);
	if (rc < 0 && !g->store_rc)
		g->input_fail = 1;
	return rc;
}

/* The default source of a body's crashes: a digest of what the body
 * holds once decompressed, so that the same log sent again (a retry, or
 * the same log compressed another way or not at all) gives the same
 * crash ids, and two different logs never do. Two FNV-1a hashes with
 * different bases, the second also over the position (128 bits), and the
 * length. Not a defence against a writer who forges a collision: writers
 * hold a token. */
typedef struct digest {
	uint64_t a, b, n, max;
} digest;

static int on_digest(void *arg, const void *data, size_t len)
{
	digest *d = arg;
	const unsigned char *p = data;
	if (d->n + len > d->max)
		return STOP;
	uint64_t a = d->a, b = d->b, n = d->n;
	for (size_t i = 0; i < len; i++, n++) {
		a = (a ^ p[i]) * 1099511628211ull;
		b = (b ^ p[i] ^ (n & 0xff) << 8) * 0x100000001b3ull;
	}
	d->a = a;
	d->b = b;
	d->n = n;
	return 0;
}

/* 0, or 413 when the body expands beyond max (a corrupt body is found
 * and answered by the reading itself). */
static int content_source(sv_worker *w, const char *body, size_t len, uint64_t max, char *out,
			  size_t outlen)
{
	digest d = {1469598103934665603ull, 0x6c62272e07bb0142ull, 0, max};
	crashsig_decompressor *z = NULL;
	int rc = crashsig_decompressor_new(&z, w->ctx);
	const size_t piece = 1u << 16;
	for (size_t off = 0; !rc && off < len; off += piece)
		rc = crashsig_decompressor_feed(z, body + off, len - off < piece ? len - off : piece,
						on_digest, &d);
	if (!rc)
		rc = crashsig_decompressor_finish(z, on_digest, &d);
	crashsig_decompressor_free(z);
	snprintf(out, outlen, "content:%016llx%016llx:%llu", (unsigned long long)d.a,
		 (unsigned long long)d.b, (unsigned long long)d.n);
	return rc == STOP ? 413 : 0;
}

int sv_ingest(sv_worker *w, const char *body, size_t len, const char *machine,
	      const char *source, FILE *out, char *msg, size_t msglen, char *note, size_t notelen)
{
	const sv_config *cf = &w->S->cfg;
	if (!w->ring) {
		w->ring_cap = 2 * (cf->log_max ? cf->log_max : CRASHSIG_LOG_EXCERPT_MAX) + (1u << 20);
		if (!(w->ring = malloc(w->ring_cap))) {
			snprintf(msg, msglen, "out of memory");
			return 503;
		}
	}
	char src[80];
	if (!source) {
		if (content_source(w, body, len, cf->max_expanded, src, sizeof(src))) {
			snprintf(msg, msglen, "the body expands to more than %llu bytes (--max-expanded)",
				 (unsigned long long)cf->max_expanded);
			return 413;
		}
		source = src;
	}
	ing g = {.w = w, .machine = machine, .source = source, .max = cf->max_expanded, .out = out};
	crashsig_parser_options po = CRASHSIG_PARSER_OPTIONS_INIT;
	po.report = on_report;
	po.arg = &g;
	po.reference_time = (int64_t)time(NULL);
	crashsig_decompressor *d = NULL;
	if (crashsig_parser_new_opts(&g.p, w->ctx, &po) ||
	    crashsig_decompressor_new(&d, w->ctx)) {
		snprintf(msg, msglen, "%s", crashsig_error_last(w->ctx));
		crashsig_parser_free(g.p);
		return 503;
	}
	fputs("{\"crashes\":[", out);
	int rc = 0;
	const size_t piece = 1u << 16;
	for (size_t off = 0; !rc && off < len; off += piece)
		rc = crashsig_decompressor_feed(d, body + off, len - off < piece ? len - off : piece,
						on_data, &g);
	if (!rc)
		rc = crashsig_decompressor_finish(d, on_data, &g);
	if (!rc) {
		rc = crashsig_parser_finish(g.p);
		if (rc < 0 && !g.store_rc)
			g.input_fail = 1;
	}
	fputs("]}\n", out);
	int status = 0;
	if (g.store_rc) {
		status = g.store_rc; /* negative: the store's error */
	} else if (g.too_much) {
		snprintf(msg, msglen, "the body expands to more than %llu bytes (--max-expanded)",
			 (unsigned long long)g.max);
		status = 413;
	} else if (rc) {
		snprintf(msg, msglen, "%s", crashsig_error_last(w->ctx));
		status = 400;
	}
	crashsig_decompressor_free(d);
	crashsig_parser_free(g.p);
	snprintf(note, notelen, "crashes=%zu new=%zu dup=%zu new_bugs=%zu", g.n, g.fresh,
		 g.n - g.fresh, g.newbugs);
	return status;
}
