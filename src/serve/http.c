/* libmicrohttpd's callbacks: each request is routed, refused (401, 403,
 * 404, 405, 413) or answered by a route with a body built in memory; one
 * line per request goes to stderr when it ends. */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "html.h"
#include "serve.h"

#include "tool/json.h"

/* Bytes of a refused or oversized body read (and dropped) before the
 * connection is closed instead. */
#define DRAIN_MAX(S) ((S)->cfg.max_body * 2 + (1u << 20))

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------- workers ---------------- */

static void worker_free(void *p)
{
	sv_worker *w = p;
	if (!w)
		return;
	if (w->store)
		crashsig_store_rollback(w->store);
	crashsig_store_free(w->store); /* before the context it borrows */
	crashsig_symbolizer_free(w->sym);
	crashsig_ctx_free(w->ctx);
	free(w);
}

void sv_worker_destroy(void *p) { worker_free(p); }

static sv_worker *get_worker(sv_server *S, char *err, size_t errlen)
{
	sv_worker *w = pthread_getspecific(S->key);
	if (w)
		return w;
	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->S = S;
	crashsig_options copts = CRASHSIG_OPTIONS_INIT;
	copts.rules_dir = S->cfg.rules;
	if (crashsig_ctx_new(&w->ctx, &copts, err, errlen) || pthread_setspecific(S->key, w)) {
		worker_free(w);
		return NULL;
	}
	return w;
}

double sv_threshold(const sv_server *S)
{
	return S->cfg.threshold > 0 ? S->cfg.threshold : CRASHSIG_SIMILARITY_THRESHOLD;
}

void sv_store_options(const sv_config *cf, crashsig_ctx *ctx, crashsig_store_options *so)
{
	*so = (crashsig_store_options)CRASHSIG_STORE_OPTIONS_INIT;
	/* the store was made when serve started: a store that has gone since
	 * (a removed SQLite file) is an error, not a new empty one */
	so->flags = CRASHSIG_STORE_NO_CREATE | (cf->merge ? CRASHSIG_STORE_MERGE_SIMILAR : 0);
	so->similarity_threshold = cf->threshold;
	/* committed (flush) or dropped (rollback) by the writer, never by
	 * count */
	so->batch = UINT_MAX;
	so->ctx = ctx;
	so->keep_per_bug = cf->keep;
	so->keep_every = cf->keep_every;
	so->log_max = cf->log_max ? cf->log_max : CRASHSIG_LOG_EXCERPT_MAX;
}

crashsig_store *sv_store(sv_call *c, int *status)
{
	sv_worker *w = c->w;
	if (w->store)
		return w->store;
	const sv_config *cf = &c->S->cfg;
	crashsig_store_options so;
	sv_store_options(cf, w->ctx, &so);
	if (crashsig_store_open(&w->store, cf->db, &so)) {
		*status = sv_fail(c, 503, "store: %s",
				  w->store ? crashsig_store_error(w->store) : "out of memory");
		crashsig_store_free(w->store);
		w->store = NULL;
		return NULL;
	}
	return w->store;
}

int sv_store_fail(sv_call *c, int rc)
{
	sv_worker *w = c->w;
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", w->store ? crashsig_store_error(w->store) : "no store");
	if (rc == CRASHSIG_EINVAL)
		return sv_fail(c, 400, "%s", msg);
	if (rc == CRASHSIG_ENOTFOUND)
		return sv_fail(c, 404, "%s", msg);
	if (w->store) {
		crashsig_store_rollback(w->store);
		crashsig_store_free(w->store);
		w->store = NULL;
	}
	return sv_fail(c, 500, "store: %s", msg);
}

/* ---------------- answers ---------------- */

const char *sv_param(const sv_call *c, const char *key)
{
	return c->S->mhd.lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, key);
}

static const char *reason(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

static int fresh_out(sv_call *c)
{
	if (c->out)
		fclose(c->out);
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
	c->out = open_memstream(&c->buf, &c->len);
	return c->out ? 0 : -1;
}

int sv_fail(sv_call *c, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fresh_out(c))
		return status;
	if (c->api) {
		c->ctype = "application/json; charset=utf-8";
		fprintf(c->out, "{\"error\":");
		json_cstr(c->out, msg);
		fprintf(c->out, ",\"status\":%d}\n", status);
	} else {
		char title[64];
		snprintf(title, sizeof(title), "%d %s", status, reason(status));
		c->ctype = "text/html; charset=utf-8";
		h_head(c->out, title, NULL);
		fprintf(c->out, "<h1>%s</h1>\n<p class=\"bad\">", title);
		h_str(c->out, msg);
		fputs("</p>\n", c->out);
		h_foot(c->out, "crashsig serve");
	}
	return status;
}

/* Queue an answer; buf (malloc'd, len bytes) is libmicrohttpd's now. */
static enum MHD_Result respond(sv_server *S, struct MHD_Connection *conn, sv_request *rq,
			       unsigned status, const char *ctype, char *buf, size_t len)
{
	const sv_mhd *m = &S->mhd;
	struct MHD_Response *r = m->create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return MHD_NO;
	}
	m->add_response_header(r, "Content-Type", ctype);
	m->add_response_header(r, "Cache-Control", "no-store");
	m->add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (!strncmp(ctype, "text/html", 9)) {
		/* no script, frame, form target or resource from elsewhere: a
		 * second line of defence behind the escaping */
		m->add_response_header(r, "Content-Security-Policy",
				       "default-src 'none'; style-src 'unsafe-inline'; "
				       "img-src 'self' data:; form-action 'self'; base-uri 'none'; "
				       "frame-ancestors 'none'");
		m->add_response_header(r, "Referrer-Policy", "no-referrer");
	}
	if (status == 401)
		m->add_response_header(r, "WWW-Authenticate", "Bearer realm=\"crashsig\"");
	enum MHD_Result ret = m->queue_response(conn, status, r);
	m->destroy_response(r);
	rq->status = status;
	rq->sent = len;
	return ret;
}

/* An answer with a short text (refusals before any route ran). */
static enum MHD_Result refuse(sv_server *S, struct MHD_Connection *conn, sv_request *rq,
			      int api, unsigned status, const char *msg, const char *allow)
{
	sv_call c = {.S = S, .conn = conn, .rq = rq, .api = api};
	sv_fail(&c, (int)status, "%s", msg);
	if (!c.out)
		return MHD_NO;
	fclose(c.out);
	if (allow) {
		/* 405: the answer names the methods the path takes */
		const sv_mhd *m = &S->mhd;
		struct MHD_Response *r =
			m->create_response_from_buffer(c.len, c.buf, MHD_RESPMEM_MUST_FREE);
		if (!r) {
			free(c.buf);
			return MHD_NO;
		}
		m->add_response_header(r, "Content-Type", c.ctype);
		m->add_response_header(r, "Allow", allow);
		enum MHD_Result ret = m->queue_response(conn, status, r);
		m->destroy_response(r);
		rq->status = status;
		rq->sent = c.len;
		return ret;
	}
	return respond(S, conn, rq, status, c.ctype, c.buf, c.len);
}

/* ---------------- routes ---------------- */

enum { M_GET = 1, M_POST = 2 };

static const struct route {
	unsigned methods;
	const char *path;
	int prefix; /* path is a prefix: the route gets the rest */
	int api;
	int (*fn)(sv_call *c);
} routes[] = {
	{M_GET, "/", 0, 0, sv_page_bugs},
	{M_GET, "/bug/", 1, 0, sv_page_bug},
	{M_GET, "/crash/", 1, 0, sv_page_crash},
	{M_GET, "/top", 0, 0, sv_page_top},
	{M_GET, "/machines", 0, 0, sv_page_machines},
	{M_GET, "/stats", 0, 0, sv_page_stats},
	{M_POST, "/api/crashes", 0, 1, sv_api_post_crashes},
	{M_GET, "/api/crashes", 0, 1, sv_api_crashes},
	{M_GET, "/api/crashes/", 1, 1, sv_api_crash},
	{M_GET, "/api/bugs", 0, 1, sv_api_bugs},
	{M_GET, "/api/bugs/", 1, 1, sv_api_bug},
};

/* The route of url for method; *allowed: the methods of the routes that
 * match the path (for 405). */
static const struct route *find_route(const char *url, unsigned method, unsigned *allowed)
{
	const struct route *hit = NULL;
	*allowed = 0;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *r = &routes[i];
		size_t n = strlen(r->path);
		if (r->prefix ? strncmp(url, r->path, n) || !url[n] : strcmp(url, r->path))
			continue;
		*allowed |= r->methods;
		if ((r->methods & method) && !hit)
			hit = r;
	}
	return hit;
}

static int run_route(sv_server *S, struct MHD_Connection *conn, sv_request *rq,
		     const struct route *r, const char *url, enum MHD_Result *ret)
{
	char err[512];
	sv_call c = {.S = S,
		     .conn = conn,
		     .rq = rq,
		     .url = url,
		     .rest = url + strlen(r->path),
		     .ctype = r->api ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
		     .api = r->api,
		     .now = (int64_t)time(NULL)};
	if (fresh_out(&c)) {
		*ret = MHD_NO;
		return 0;
	}
	int status;
	c.w = get_worker(S, err, sizeof(err));
	if (!c.w)
		status = sv_fail(&c, 503, "%s", err);
	else
		status = r->fn(&c);
	if (!status)
		status = 200;
	fclose(c.out);
	*ret = respond(S, conn, rq, (unsigned)status, c.ctype, c.buf, c.len);
	return status;
}

/* ---------------- tokens ---------------- */

/* The token of an "Authorization: Bearer TOKEN" header, compared with
 * every configured token in constant time. */
static const sv_token *authorized(const sv_server *S, struct MHD_Connection *conn)
{
	const char *h = S->mhd.lookup_connection_value(conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncasecmp(h, "Bearer ", 7))
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	size_t len = strlen(h);
	while (len && (h[len - 1] == ' ' || h[len - 1] == '\t'))
		len--;
	const sv_token *hit = NULL;
	for (size_t i = 0; i < S->cfg.ntokens; i++) {
		const sv_token *t = &S->cfg.tokens[i];
		unsigned diff = len != t->len;
		for (size_t k = 0; k < t->len; k++)
			diff |= (unsigned char)t->token[k] ^ (unsigned char)(k < len ? h[k] : 0);
		if (!diff && !hit)
			hit = t;
	}
	return hit;
}

/* ---------------- Host ---------------- */

/* On a loopback address, a request must name this server: a loopback
 * address, "localhost", or a name of --allow-host (any port). A web page
 * of a name that an attacker made resolve to 127.0.0.1 (DNS rebinding)
 * names its own host, and is refused. No Host (HTTP/1.0) is a local
 * client. */
static int host_ok(const sv_server *S, struct MHD_Connection *conn)
{
	if (!S->cfg.loopback)
		return 1;
	const char *h = S->mhd.lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	if (!h)
		return 1;
	char name[256];
	size_t n;
	if (h[0] == '[') {
		const char *rb = strchr(h, ']');
		if (!rb)
			return 0;
		n = (size_t)(rb - h - 1);
		h++;
	} else {
		n = strcspn(h, ":");
	}
	if (!n || n >= sizeof(name))
		return 0;
	memcpy(name, h, n);
	name[n] = 0;
	if (!strcasecmp(name, "localhost") || !strcmp(name, "::1"))
		return 1;
	struct in_addr a4;
	if (inet_pton(AF_INET, name, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127)
		return 1;
	for (size_t i = 0; i < S->cfg.nhosts; i++)
		if (!strcasecmp(name, S->cfg.hosts[i]))
			return 1;
	return 0;
}

/* ---------------- the request log ---------------- */

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	(void)kind;
	sv_request *rq = cls;
	size_t n = strlen(rq->line);
	if (n + 4 < sizeof(rq->line))
		snprintf(rq->line + n, sizeof(rq->line) - n, "%c%s%s%s",
			 strchr(rq->line, '?') ? '&' : '?', key, value ? "=" : "",
			 value ? value : "");
	return MHD_YES;
}

/* One line, written at once (threads share stderr), with control
 * characters shown as \xNN: requests carry anything. */
static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char *fmt, ...)
{
	char buf[1400], out[4200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)buf; *p && o + 5 < sizeof(out); p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o++] = '\n';
	fwrite(out, 1, o, stderr);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	sv_server *S = cls;
	sv_request *rq = *con_cls;
	if (!rq)
		return;
	*con_cls = NULL;
	char addr[INET6_ADDRSTRLEN] = "-";
	const union MHD_ConnectionInfo *ci =
		S->mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  addr, sizeof(addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr,
				  sizeof(addr));
	}
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	static const char *const ends[] = {"", " ended: error", " ended: timeout",
					   " ended: shutdown", " ended: read error",
					   " ended: client abort"};
	char status[16];
	if (rq->status)
		snprintf(status, sizeof(status), "%u", rq->status);
	else
		snprintf(status, sizeof(status), "-");
	log_line("%s %s %s %s %zu %.1fms%s%s%s%s%s", when, addr, rq->line, status, rq->sent,
		 (mono() - rq->start) * 1000, rq->who ? " client=" : "", rq->who ? rq->who : "",
		 rq->note[0] ? " " : "", rq->note,
		 (unsigned)toe < sizeof(ends) / sizeof(ends[0]) ? ends[toe] : " ended: ?");
	free(rq->body);
	free(rq);
}

/* ---------------- the access handler ---------------- */

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version,
				 const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	sv_server *S = cls;
	const sv_mhd *m = &S->mhd;
	sv_request *rq = *con_cls;
	if (!rq) {
		/* the headers: route, refuse, or wait for the body */
		if (!(rq = calloc(1, sizeof(*rq))))
			return MHD_NO;
		*con_cls = rq;
		rq->start = mono();
		rq->method = !strcmp(method, "GET")    ? SV_GET
			     : !strcmp(method, "HEAD") ? SV_HEAD
			     : !strcmp(method, "POST") ? SV_POST
						       : SV_OTHER;
		snprintf(rq->line, sizeof(rq->line), "%s %s", method, url);
		m->get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, rq);
		unsigned meth = rq->method == SV_POST ? M_POST : rq->method == SV_OTHER ? 0 : M_GET;
		unsigned allowed;
		const struct route *r = find_route(url, meth, &allowed);
		int api = !strncmp(url, "/api/", 5);
		if (!host_ok(S, conn))
			return refuse(S, conn, rq, api, 403,
				      "Host: this server answers on loopback to its addresses, localhost "
				      "and --allow-host names only (DNS rebinding)",
				      NULL);
		if (!r && !allowed)
			return refuse(S, conn, rq, api, 404, "no such page", NULL);
		if (!r) {
			char allow[32];
			snprintf(allow, sizeof(allow), "%s%s", allowed & M_GET ? "GET, HEAD" : "",
				 allowed & M_POST ? (allowed & M_GET ? ", POST" : "POST") : "");
			char msg[64];
			snprintf(msg, sizeof(msg), "%s takes %s", url, allow);
			return refuse(S, conn, rq, api, 405, msg, allow);
		}
		if (rq->method != SV_POST) {
			enum MHD_Result ret;
			run_route(S, conn, rq, r, url, &ret);
			return ret;
		}
		/* a write */
		const char *expect = m->lookup_connection_value(conn, MHD_HEADER_KIND,
								MHD_HTTP_HEADER_EXPECT);
		int early = expect && !strcasecmp(expect, "100-continue");
		if (S->cfg.ntokens) {
			const sv_token *t = authorized(S, conn);
			if (t)
				rq->who = t->name;
			else {
				rq->deny = 401;
				snprintf(rq->deny_msg, sizeof(rq->deny_msg),
					 "writes need \"Authorization: Bearer TOKEN\" with a token of --tokens");
			}
		} else if (m->lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN)) {
			/* without tokens (loopback only), a browser's page from
			 * anywhere could post here: browsers name their origin,
			 * the clients of this API do not */
			rq->deny = 403;
			snprintf(rq->deny_msg, sizeof(rq->deny_msg),
				 "writes from a web page (Origin:) are refused without --tokens");
		}
		const char *cl = m->lookup_connection_value(conn, MHD_HEADER_KIND,
							    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (!rq->deny && cl) {
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);
			if (end != cl && n > S->cfg.max_body) {
				/* refused before the body: a client that sent
				 * "Expect: 100-continue" sends none */
				char msg[128];
				snprintf(msg, sizeof(msg), "the body (%llu bytes) is over the limit of %zu bytes",
					 n, S->cfg.max_body);
				return refuse(S, conn, rq, 1, 413, msg, NULL);
			}
		}
		if (rq->deny && early)
			return refuse(S, conn, rq, 1, (unsigned)rq->deny, rq->deny_msg, NULL);
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		rq->received += n;
		if (rq->received > DRAIN_MAX(S))
			return MHD_NO; /* no more of it: the connection is closed */
		if (rq->deny || rq->too_big)
			return MHD_YES; /* read and dropped, answered at the end */
		if (rq->len + n > S->cfg.max_body) {
			rq->too_big = 1;
			free(rq->body);
			rq->body = NULL;
			rq->len = rq->cap = 0;
			return MHD_YES;
		}
		if (rq->len + n > rq->cap) {
			size_t cap = rq->cap ? rq->cap : 65536;
			while (cap < rq->len + n)
				cap *= 2;
			char *b = realloc(rq->body, cap);
			if (!b)
				return MHD_NO;
			rq->body = b;
			rq->cap = cap;
		}
		memcpy(rq->body + rq->len, upload, n);
		rq->len += n;
		return MHD_YES;
	}
	/* the whole body is here */
	if (rq->deny)
		return refuse(S, conn, rq, 1, (unsigned)rq->deny, rq->deny_msg, NULL);
	if (rq->too_big) {
		char msg[128];
		snprintf(msg, sizeof(msg), "the body is over the limit of %zu bytes", S->cfg.max_body);
		return refuse(S, conn, rq, 1, 413, msg, NULL);
	}
	unsigned allowed;
	const struct route *r = find_route(url, M_POST, &allowed);
	enum MHD_Result ret = MHD_NO;
	if (r)
		run_route(S, conn, rq, r, url, &ret);
	return ret;
}

/* libmicrohttpd's own messages. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char buf[1024];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	log_line("%s: libmicrohttpd: %s", SV_PROG, buf);
}

int sv_http_start(sv_server *S, char *err, size_t errlen)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	if (S->cfg.addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	const struct sockaddr *sa = (const struct sockaddr *)&S->cfg.addr;
	if (S->cfg.threads > 1)
		S->daemon = S->mhd.start_daemon(
			flags, 0, NULL, NULL, on_access, S, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, S,
			MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE,
			(unsigned int)S->cfg.threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, S,
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)S->cfg.timeout, MHD_OPTION_END);
	else
		S->daemon = S->mhd.start_daemon(
			flags, 0, NULL, NULL, on_access, S, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, S,
			MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_NOTIFY_COMPLETED, on_completed, S,
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)S->cfg.timeout, MHD_OPTION_END);
	if (!S->daemon) {
		snprintf(err, errlen, "cannot listen on %s (libmicrohttpd said why above)",
			 S->cfg.listen);
		return -1;
	}
	const union MHD_DaemonInfo *di = S->mhd.get_daemon_info(S->daemon, MHD_DAEMON_INFO_BIND_PORT);
	S->port = di ? di->port : 0;
	return 0;
}

void sv_http_stop(sv_server *S)
{
	if (S->daemon)
		S->mhd.stop_daemon(S->daemon);
	S->daemon = NULL;
}
