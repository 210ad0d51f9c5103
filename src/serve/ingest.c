/* POST /api/crashes: a request body into the store, as crashsig dedup
 * reads a file: decompressed here (the bytes the parser's offsets count;
 * the parser keeps the log excerpts), parsed through the input layer
 * (mail, archives, console prefixes and their times). The body is parsed
 * first, its crashes held, outside the writer's lock; then they are
 * added through the server's writer (writer.c), which commits them with
 * those of the requests waiting beside them. A body whose crashes are
 * too many or too large to hold takes the writer as soon as that is
 * known and is written alone, each crash added as the parser hands it
 * over. Either way the crashes of one body are committed before the
 * answer, or none is kept. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#include "tool/json.h"

typedef struct ing {
	sv_worker *w;
	sv_writer *W;
	crashsig_store *store; /* the writer's, once taken */
	crashsig_parser *p;
	const char *machine, *source;
	uint64_t expanded, max;
	FILE *out;
	size_t n, fresh, newbugs;
	/* the crashes parsed, held until the writer is taken */
	crashsig_report **held;
	size_t nheld, held_cap, held_bytes;
	int taken;      /* the writer is taken */
	int solo;       /* ... for this body alone: each crash added as parsed */
	int store_rc;   /* the store failed (msg) */
	int too_much;   /* the body expands beyond max */
	int input_fail; /* the parser or decompressor failed */
	char *msg;
	size_t msglen;
} ing;

#define STOP 1
/* Held before a body is written alone: enough for any single report or
 * a small mbox, with their log excerpts. */
#define HELD_MAX 256
#define HELD_BYTES (8u << 20)

static int add_one(ing *g, crashsig_report *r)
{
	crashsig_add_options ao = CRASHSIG_ADD_OPTIONS_INIT;
	ao.source = g->source;
	ao.machine = g->machine;
	ao.time = 0; /* the report's own time, else now */
	ao.time_source = CRASHSIG_TIME_SOURCE_RECEIVED;
	crashsig_add_result res;
	/* (the log around it: the one the parser kept) */
	int rc = crashsig_store_add_report_opts(g->store, sv_writer_ctx(g->W), r, &ao, &res);
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

/* The held crashes, in order (each freed). */
static int add_held(ing *g)
{
	int rc = 0;
	for (size_t i = 0; i < g->nheld; i++) {
		if (!rc)
			rc = add_one(g, g->held[i]);
		else
			crashsig_report_free(g->held[i]);
	}
	g->nheld = 0;
	return rc;
}

static int hold_room(ing *g)
{
	if (g->nheld < g->held_cap)
		return 0;
	size_t cap = g->held_cap ? g->held_cap * 2 : 8;
	crashsig_report **v = realloc(g->held, cap * sizeof(*v));
	if (!v)
		return -1;
	g->held = v;
	g->held_cap = cap;
	return 0;
}

static size_t report_bytes(const crashsig_report *r)
{
	size_t a = 0, b = 0;
	crashsig_report_text(r, &a);
	crashsig_report_log(r, &b);
	return a + b + 512;
}

static int on_report(void *arg, crashsig_report *r)
{
	ing *g = arg;
	if (g->solo)
		return add_one(g, r);
	size_t sz = report_bytes(r);
	if (g->nheld < HELD_MAX && g->held_bytes + sz <= HELD_BYTES && !hold_room(g)) {
		g->held[g->nheld++] = r;
		g->held_bytes += sz;
		return 0;
	}
	/* too much to hold: take the writer now and write the body alone */
	if (sv_writer_take(g->W, &g->store, g->msg, g->msglen)) {
		g->store_rc = 503;
		crashsig_report_free(r);
		return STOP;
	}
	if (sv_writer_solo(g->W, g->msg, g->msglen)) {
		g->store_rc = 500;
		crashsig_report_free(r);
		return STOP;
	}
	g->taken = g->solo = 1;
	if (add_held(g)) {
		crashsig_report_free(r);
		return STOP;
	}
	return add_one(g, r);
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

/* The body through z, in pieces of 64 KiB, to fn. */
static int decompress(crashsig_decompressor *z, const char *body, size_t len,
		      crashsig_write_fn fn, void *arg)
{
	const size_t piece = 1u << 16;
	int rc = 0;
	for (size_t off = 0; !rc && off < len; off += piece)
		rc = crashsig_decompressor_feed(z, body + off, len - off < piece ? len - off : piece,
						fn, arg);
	return rc ? rc : crashsig_decompressor_finish(z, fn, arg);
}

/* 0, or 413 when the body expands beyond max (a corrupt body is found
 * and answered by the reading itself). */
static int content_source(sv_worker *w, const char *body, size_t len, uint64_t max, char *out,
			  size_t outlen)
{
	digest d = {1469598103934665603ull, 0x6c62272e07bb0142ull, 0, max};
	crashsig_decompressor *z = NULL;
	int rc = crashsig_decompressor_new(&z, w->ctx);
	if (!rc)
		rc = decompress(z, body, len, on_digest, &d);
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
	ing g = {.w = w,
		 .W = w->S->writer,
		 .machine = machine,
		 .source = source,
		 .max = cf->max_expanded,
		 .out = out,
		 .msg = msg,
		 .msglen = msglen};
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
	int rc = decompress(d, body, len, on_data, &g);
	if (!rc) {
		rc = crashsig_parser_finish(g.p);
		if (rc < 0 && !g.store_rc)
			g.input_fail = 1;
	}
	int status = 0;
	if (g.store_rc) {
		status = g.store_rc > 0 ? g.store_rc : 500; /* msg: set below or by the writer */
	} else if (g.too_much) {
		snprintf(msg, msglen, "the body expands to more than %llu bytes (--max-expanded)",
			 (unsigned long long)g.max);
		status = 413;
	} else if (rc) {
		snprintf(msg, msglen, "%s", crashsig_error_last(w->ctx));
		status = 400;
	}
	/* the crashes held: into the open batch */
	if (!status && !g.taken && g.nheld) {
		if (sv_writer_take(g.W, &g.store, msg, msglen)) {
			status = 503;
		} else {
			g.taken = 1;
			if (add_held(&g))
				status = 500;
		}
	}
	for (size_t i = 0; i < g.nheld; i++)
		crashsig_report_free(g.held[i]);
	free(g.held);
	fputs("]}\n", out);
	if (g.taken && sv_writer_finish(g.W, status ? (g.store_rc < 0 ? g.store_rc : status) : 0,
					g.solo, msg, msglen) &&
	    !status)
		status = 500; /* the commit failed (msg) */
	crashsig_decompressor_free(d);
	crashsig_parser_free(g.p);
	snprintf(note, notelen, "crashes=%zu new=%zu dup=%zu new_bugs=%zu", g.n, g.fresh,
		 g.n - g.fresh, g.newbugs);
	return status;
}
