/* POST /api/crashes: a request body into the store, as crashsig dedup
 * reads a file: decompressed here (the bytes the parser's offsets count;
 * the parser keeps the log excerpts), parsed through the input layer
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
	FILE *out;
	size_t n, fresh, newbugs;
	int store_rc;   /* the store failed */
	int too_much;   /* the body expands beyond max */
	int input_fail; /* the parser or decompressor failed */
} ing;

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
	crashsig_add_result res;
	/* (the log around it: the one the parser kept) */
	int rc = crashsig_store_add_report_opts(w->store, w->ctx, r, &ao, &res);
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
	po.log_context = cf->log_max; /* the log excerpt of each crash */
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
