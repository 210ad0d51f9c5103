/* crashsig serve: a web dashboard and an HTTP API over a bug store. A
 * front end like src/tool/, built on the public API only (and on the
 * tool's JSON writers, so that the API answers with the objects of
 * `crashsig dedup --json`).
 *
 *   serve.c   the command: options, tokens, the listening address, start
 *             and stop
 *   http.c    libmicrohttpd's callbacks: requests, bodies, limits, tokens,
 *             routes, one log line per request, the workers
 *   params.c  query parameters: the CLI's filters
 *   ingest.c  POST /api/crashes: a body parsed, then into the store
 *   writer.c  the process's one write connection, with group commit
 *   api.c     the JSON API
 *   pages.c   the bug list, top crashers, machines, crashes per day
 *   bugpage.c a bug's page, a crash's page
 *   html.c    escaping, the page frame, SVG charts
 *   mhd.c     libmicrohttpd through dlopen
 *
 * Threads: libmicrohttpd runs a pool of threads; each has its own worker
 * (a crashsig_ctx, a store handle and a symbolizer: a context and a store
 * are used by one thread at a time), made on its first request and freed
 * when the thread ends. Writes go through the server's writer (writer.c),
 * under its lock; otherwise the server is read-only once started.
 */
#ifndef CRASHSIG_SERVE_H
#define CRASHSIG_SERVE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "crashsig/crashsig.h"
#include "crashsig/dedup.h"
#include "crashsig/symbolize.h"

#include "mhd.h"

#define SV_PROG "crashsig serve"

typedef struct sv_token {
	char *token;
	size_t len;
	char *name; /* shown in the log, never the token */
} sv_token;

typedef struct sv_config {
	const char *db;     /* as given */
	char db_shown[600]; /* without a password */
	char backend[16];   /* "sqlite", "postgresql" */
	const char *listen;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int loopback;
	const char *tokens_file;
	sv_token *tokens;
	size_t ntokens;
	size_t max_body;       /* bytes of a request body (413 beyond) */
	uint64_t max_expanded; /* bytes a body may decompress to */
	unsigned threads;
	unsigned timeout; /* idle connection timeout, s */
	const char *rules, *vmlinux, *modules;
	/* host names a loopback server answers to besides its addresses and
	 * "localhost" (--allow-host) */
	const char **hosts;
	size_t nhosts;
	/* store options of the writers */
	int merge;
	double threshold;
	unsigned keep, keep_every;
	size_t log_max;
} sv_config;

typedef struct sv_server {
	sv_config cfg;
	sv_mhd mhd;
	pthread_key_t key; /* the thread's sv_worker */
	struct sv_writer *writer; /* writer.c: the process's writes */
	struct MHD_Daemon *daemon;
	unsigned port;
	const char *version; /* of libmicrohttpd */
} sv_server;

/* The process's writes (writer.c). A request's crashes join the open
 * batch; the batch commits when no other request is waiting to join it
 * (group commit: one transaction, one WAL write and one lock round for
 * several requests), and every request of a batch is answered once it is
 * committed, or fails with it. A body too large to hold parsed is written
 * alone, as it is parsed. */
typedef struct sv_writer sv_writer;
int sv_writer_new(sv_writer **out, const sv_config *cf, char *err, size_t errlen);
void sv_writer_free(sv_writer *W);
/* Take the writer for a request: *store is its connection (opened on
 * first use; on failure msg says why and the writer is not taken). */
int sv_writer_take(sv_writer *W, crashsig_store **store, char *msg, size_t msglen);
/* With the writer taken, before writing a body alone as it is parsed:
 * commits the open batch. On failure msg says why and the writer is
 * released. */
int sv_writer_solo(sv_writer *W, char *msg, size_t msglen);
/* Finish the request's writes: rc 0 joins them to the batch and waits for
 * its commit (or commits it); rc != 0 drops them (and the open batch with
 * them if they were added to it). Releases the writer. Returns 0 once
 * committed, else a store error (msg). */
int sv_writer_finish(sv_writer *W, int rc, int solo, char *msg, size_t msglen);
/* The writer's context (its rules), for adds made while it is taken. */
crashsig_ctx *sv_writer_ctx(sv_writer *W);

/* A thread's own objects. */
typedef struct sv_worker {
	const sv_server *S;
	crashsig_ctx *ctx;
	crashsig_store *store;
	crashsig_symbolizer *sym;
	int sym_tried;
	char err[512];
} sv_worker;

enum { SV_GET, SV_HEAD, SV_POST, SV_OTHER };

/* One request (libmicrohttpd's con_cls). */
typedef struct sv_request {
	double start;
	int method;
	char *body;
	size_t len, cap;
	uint64_t received;
	int too_big;
	int deny;          /* refused (401, 403): answered once the body is read */
	char deny_msg[128];
	char line[600];    /* method, path and query, for the log */
	unsigned status;
	size_t sent;
	char note[160]; /* for the log line */
	const char *who; /* the token's name */
} sv_request;

/* One call of a route. */
typedef struct sv_call {
	sv_server *S;
	sv_worker *w;
	struct MHD_Connection *conn;
	sv_request *rq;
	const char *url;  /* the path */
	const char *rest; /* what follows the route's prefix */
	FILE *out;        /* the answer's body: an open_memstream of buf */
	char *buf;
	size_t len;
	const char *ctype;
	int api;          /* errors as JSON */
	int64_t now;
} sv_call;

/* ---- http.c ---- */
/* Start libmicrohttpd on cfg.addr (S->port: the port bound); -1 with a
 * message in err. */
int sv_http_start(sv_server *S, char *err, size_t errlen);
/* Stop it: every request ends, every worker is freed. */
void sv_http_stop(sv_server *S);
/* The destructor of the threads' workers (pthread key). */
void sv_worker_destroy(void *w);
/* A query parameter (decoded by libmicrohttpd), or NULL. */
const char *sv_param(const sv_call *c, const char *key);
/* Write an error answer (JSON for the API, a page otherwise) and return
 * status. The message is text (escaped here). */
int sv_fail(sv_call *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A store call returned rc: CRASHSIG_EINVAL (a bad regex, ...) is a 400,
 * CRASHSIG_ENOTFOUND a 404, anything else a 500, and then the handle,
 * in an unknown state, is closed, to be opened again by the next
 * request. The store's message is the answer. */
int sv_store_fail(sv_call *c, int rc);
/* The store of the worker, opened on first use; NULL after sv_fail(). */
crashsig_store *sv_store(sv_call *c, int *status);
/* The options of serve's store connections (both the workers' and the
 * writer's). */
void sv_store_options(const sv_config *cf, crashsig_ctx *ctx, crashsig_store_options *so);
/* The similarity threshold in use. */
double sv_threshold(const sv_server *S);

/* ---- params.c ---- */
/* The CLI's TIME: seconds since the epoch, YYYY-MM-DD[( |T)HH:MM[:SS]][Z]
 * (UTC), or an age (N s/m/h/d/w) before now. */
int sv_parse_time(const char *s, int64_t now, int64_t *out);
/* A positive count (limit, days). */
int sv_parse_count(const char *s, uint64_t max, uint64_t *out);
/* The bug filters of `crashsig dedup --list`: status, title (a regex),
 * since, until, machine, release, and only (with machine: bugs seen on no
 * other machine). 0, or the status of the error answer (written). */
int sv_bug_filters(sv_call *c, crashsig_bug_query *q);
/* ... and sort (id, count, first, last), reverse, limit. */
int sv_bug_query(sv_call *c, crashsig_bug_query *q);
/* The crash filters of `crashsig dedup --crashes`: since, until, machine,
 * release, reverse, limit, after (paging). */
int sv_crash_query(sv_call *c, crashsig_crash_query *q, size_t default_limit,
		   size_t max_limit);
/* The search box: does the bug's title, an alternative or merged title or
 * a frame of its signature contain q (ASCII case-insensitive)? */
int sv_bug_matches(const crashsig_bug *b, const char *q);

/* ---- routes ---- */
int sv_api_post_crashes(sv_call *c);
int sv_api_bugs(sv_call *c);
int sv_api_bug(sv_call *c);
int sv_api_crashes(sv_call *c);
int sv_api_crash(sv_call *c);
int sv_page_bugs(sv_call *c);
int sv_page_top(sv_call *c);
int sv_page_machines(sv_call *c);
int sv_page_stats(sv_call *c);
int sv_page_bug(sv_call *c);
int sv_page_crash(sv_call *c);
/* The pages' shared parts (pages.c): a status's name ("?" when unknown),
 * the footer naming the version and the store. */
const char *sv_status_name(crashsig_bug_status s);
void sv_footer(sv_call *c);

/* ---- ingest.c ---- */
/* Read body into the store through the server's writer and write the
 * answer's JSON to out. Returns 0 once the body's crashes are committed,
 * or an HTTP status (msg says why) and none of them is kept. */
int sv_ingest(sv_worker *w, const char *body, size_t len, const char *machine,
	      const char *source, FILE *out, char *msg, size_t msglen, char *note,
	      size_t notelen);

#endif
