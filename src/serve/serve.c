/* crashsig serve: options, tokens, the listening address; start
 * libmicrohttpd, wait for SIGINT or SIGTERM, stop. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "serve.h"

#include "tool/commands.h"
#include "tool/io.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const char usage_text[] =
	"usage: crashsig serve [OPTIONS]\n"
	"\n"
	"A web dashboard and an HTTP API over a bug store, so that many machines\n"
	"send their crashes to one place and people look at them in a browser.\n"
	"One process; stop it with SIGINT or SIGTERM. One line per request goes to\n"
	"standard error.\n"
	"\n"
	"  POST /api/crashes?machine=NAME[&source=NAME]\n"
	"        the body is anything crashsig reads (console log, gzip/xz/zstd/bzip2,\n"
	"        tar, mail, mbox); answers {\"crashes\":[{\"id\",\"bug\",\"title\",\n"
	"        \"new_bug\",\"duplicate\"}]} once they are committed. Sending the same\n"
	"        log again (compressed or not) answers duplicate: true and counts\n"
	"        nothing; source= names a log sent again as it grows.\n"
	"  GET /api/bugs, /api/bugs/ID, /api/bugs/ID/crashes, /api/crashes,\n"
	"      /api/crashes/ID   JSON, with the filters of crashsig dedup (status,\n"
	"        title, since, until, machine, release, sort, reverse, limit, after)\n"
	"  GET /, /bug/ID, /crash/ID, /top, /machines, /stats   HTML pages\n"
	"\n"
	"Options:\n"
	"      --db URL          the bug store: sqlite:PATH, PATH or postgresql://...\n"
	"                        (default: $CRASHSIG_DB, else crashsig-bugs.db);\n"
	"                        created when missing. Several serve processes may\n"
	"                        share one PostgreSQL store.\n"
	"      --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; [::1]:PORT\n"
	"                        for IPv6; port 0: any free port, named on stderr)\n"
	"      --tokens FILE     writes need \"Authorization: Bearer TOKEN\" with a\n"
	"                        token of FILE (one per line: TOKEN [NAME]; at least\n"
	"                        16 characters); without it serve listens on\n"
	"                        loopback addresses only\n"
	"      --allow-host NAME  on a loopback address, also answer requests for\n"
	"                        Host: NAME (a reverse proxy's name); others are\n"
	"                        refused (403), against DNS rebinding\n"
	"      --max-body SIZE   largest request body (default 32M; K, M, G); 413\n"
	"                        beyond\n"
	"      --max-expanded SIZE  bytes a compressed body may expand to (default 1G)\n"
	"      --threads N       worker threads (default 4)\n"
	"      --timeout SEC     close connections idle for SEC seconds (default 60)\n"
	"      --vmlinux PATH    symbolize the reports of bug pages with this vmlinux\n"
	"      --modules DIR     ... and the modules under DIR\n"
	"      --merge-similar   a crash that would open a new bug joins the most\n"
	"                        similar open bug (as crashsig dedup)\n"
	"      --threshold D     similarity threshold in (0, 1] (default " STR(CRASHSIG_SIMILARITY_THRESHOLD) ")\n"
	"      --keep N, --keep-every K, --log-excerpt N   retention (as crashsig dedup)\n"
	"      --rules DIR       use the *.rules files in DIR\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 stopped by a signal, 2 an error (bad option, store, address,\n"
	"tokens, libmicrohttpd missing).\n";

enum {
	O_DB = 256, O_LISTEN, O_TOKENS, O_MAX_BODY, O_MAX_EXPANDED, O_THREADS, O_TIMEOUT,
	O_VMLINUX, O_MODULES, O_MERGE, O_THRESH, O_KEEP, O_KEEP_EVERY, O_LOG_EXCERPT, O_RULES,
	O_ALLOW_HOST
};

static int bad_arg(const char *opt, const char *arg, const char *what)
{
	tool_err("%s: %s: '%s' is not %s\n", SV_PROG, opt, arg, what);
	return TOOL_EXIT_ERROR;
}

/* N, NK, NM, NG (binary). */
static int parse_size(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	unsigned shift = 0;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (*end || (shift && v > (max >> shift)))
		return -1;
	v <<= shift;
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, sv_config *cf)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, O_DB},
		{"listen", required_argument, NULL, O_LISTEN},
		{"tokens", required_argument, NULL, O_TOKENS},
		{"max-body", required_argument, NULL, O_MAX_BODY},
		{"max-expanded", required_argument, NULL, O_MAX_EXPANDED},
		{"threads", required_argument, NULL, O_THREADS},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"vmlinux", required_argument, NULL, O_VMLINUX},
		{"modules", required_argument, NULL, O_MODULES},
		{"merge-similar", no_argument, NULL, O_MERGE},
		{"threshold", required_argument, NULL, O_THRESH},
		{"keep", required_argument, NULL, O_KEEP},
		{"keep-every", required_argument, NULL, O_KEEP_EVERY},
		{"log-excerpt", required_argument, NULL, O_LOG_EXCERPT},
		{"rules", required_argument, NULL, O_RULES},
		{"allow-host", required_argument, NULL, O_ALLOW_HOST},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	uint64_t v;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB: cf->db = optarg; break;
		case O_LISTEN: cf->listen = optarg; break;
		case O_TOKENS: cf->tokens_file = optarg; break;
		case O_MAX_BODY:
			if (parse_size(optarg, 1ull << 32, &v) || !v)
				return bad_arg("--max-body", optarg, "a size up to 4G");
			cf->max_body = (size_t)v;
			break;
		case O_MAX_EXPANDED:
			if (parse_size(optarg, 1ull << 50, &v) || !v)
				return bad_arg("--max-expanded", optarg, "a size");
			cf->max_expanded = v;
			break;
		case O_THREADS:
			if (parse_size(optarg, 256, &v) || !v)
				return bad_arg("--threads", optarg, "a count from 1 to 256");
			cf->threads = (unsigned)v;
			break;
		case O_TIMEOUT:
			if (parse_size(optarg, 86400, &v))
				return bad_arg("--timeout", optarg, "seconds (0 to 86400)");
			cf->timeout = (unsigned)v;
			break;
		case O_VMLINUX: cf->vmlinux = optarg; break;
		case O_MODULES: cf->modules = optarg; break;
		case O_MERGE: cf->merge = 1; break;
		case O_THRESH: {
			char *end;
			double d = strtod(optarg, &end);
			if (*end || end == optarg || !isfinite(d) || !(d > 0 && d <= 1))
				return bad_arg("--threshold", optarg, "a number in (0, 1]");
			cf->threshold = d;
			break;
		}
		case O_KEEP:
			if (!strcmp(optarg, "all"))
				cf->keep = CRASHSIG_KEEP_ALL;
			else if (parse_size(optarg, CRASHSIG_KEEP_ALL - 1, &v) || !v)
				return bad_arg("--keep", optarg, "a count or 'all'");
			else
				cf->keep = (unsigned)v;
			break;
		case O_KEEP_EVERY:
			if (parse_size(optarg, UINT32_MAX, &v) || !v)
				return bad_arg("--keep-every", optarg, "a count");
			cf->keep_every = (unsigned)v;
			break;
		case O_LOG_EXCERPT:
			if (parse_size(optarg, 16ull << 20, &v))
				return bad_arg("--log-excerpt", optarg, "a size up to 16M");
			cf->log_max = (size_t)v;
			break;
		case O_RULES: cf->rules = optarg; break;
		case O_ALLOW_HOST: {
			const char **h = realloc(cf->hosts, (cf->nhosts + 1) * sizeof(*h));
			if (!h)
				return TOOL_EXIT_ERROR;
			cf->hosts = h;
			cf->hosts[cf->nhosts++] = optarg;
			break;
		}
		case 'h': fputs(usage_text, stdout); return -1;
		default: fputs("Try 'crashsig serve --help'.\n", stderr); return TOOL_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		tool_err("%s: unexpected argument '%s' (see crashsig serve --help)\n", SV_PROG,
			 argv[optind]);
		return TOOL_EXIT_ERROR;
	}
	return 0;
}

/* ---------------- tokens ---------------- */

static void free_tokens(sv_config *cf)
{
	for (size_t i = 0; i < cf->ntokens; i++) {
		memset(cf->tokens[i].token, 0, cf->tokens[i].len);
		free(cf->tokens[i].token);
		free(cf->tokens[i].name);
	}
	free(cf->tokens);
	cf->tokens = NULL;
	cf->ntokens = 0;
}

#define TOKEN_MIN 16

/* FILE: one token per line, "TOKEN [NAME]"; blank lines and lines starting
 * with '#' are skipped. A token is 16 to 512 printable ASCII characters. */
static int load_tokens(sv_config *cf)
{
	const char *path = cf->tokens_file;
	FILE *f = fopen(path, "r");
	if (!f) {
		tool_err("%s: --tokens %s: %s\n", SV_PROG, path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (!fstat(fileno(f), &st) && (st.st_mode & 077))
		tool_err("%s: warning: --tokens %s can be read by other users (chmod 600 it)\n",
			 SV_PROG, path);
	char line[1024];
	unsigned lineno = 0;
	int rc = 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		lineno++;
		size_t n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			tool_err("%s: --tokens %s:%u: line too long\n", SV_PROG, path, lineno);
			rc = -1;
			break;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
			     line[n - 1] == '\t'))
			line[--n] = 0;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		size_t tl = strcspn(p, " \t");
		char *name = p + tl;
		while (*name == ' ' || *name == '\t')
			name++;
		int ok = tl >= TOKEN_MIN && tl <= 512;
		for (size_t i = 0; ok && i < tl; i++)
			ok = p[i] > ' ' && p[i] < 0x7f;
		if (!ok) {
			tool_err("%s: --tokens %s:%u: a token is %d to 512 printable ASCII characters\n",
				 SV_PROG, path, lineno, TOKEN_MIN);
			rc = -1;
			break;
		}
		sv_token *nt = realloc(cf->tokens, (cf->ntokens + 1) * sizeof(*nt));
		if (!nt) {
			rc = -1;
			break;
		}
		cf->tokens = nt;
		sv_token *t = &cf->tokens[cf->ntokens];
		char defname[32];
		snprintf(defname, sizeof(defname), "token%u", lineno);
		t->token = strndup(p, tl);
		t->len = tl;
		t->name = strdup(*name ? name : defname);
		if (!t->token || !t->name) {
			free(t->token);
			free(t->name);
			rc = -1;
			break;
		}
		cf->ntokens++;
	}
	if (!rc && ferror(f)) {
		tool_err("%s: --tokens %s: %s\n", SV_PROG, path, strerror(errno));
		rc = -1;
	}
	memset(line, 0, sizeof(line));
	fclose(f);
	if (!rc && !cf->ntokens) {
		tool_err("%s: --tokens %s: no token in it\n", SV_PROG, path);
		rc = -1;
	}
	return rc;
}

/* ---------------- the address ---------------- */

static int is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)ss;
		return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)ss;
		if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127;
	}
	return 0;
}

/* ADDR:PORT, [ADDR6]:PORT, HOST:PORT, :PORT (every IPv4 address) or PORT
 * (127.0.0.1). */
static int parse_listen(sv_config *cf)
{
	const char *s = cf->listen;
	char host[256], port[16];
	const char *colon;
	if (strspn(s, "0123456789") == strlen(s)) {
		snprintf(host, sizeof(host), "127.0.0.1");
		colon = s - 1;
	} else if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = 0;
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host) ||
		    memchr(s, ':', (size_t)(colon - s)))
			goto bad;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
		if (!host[0])
			snprintf(host, sizeof(host), "0.0.0.0");
	}
	if (!colon[1] || strlen(colon + 1) >= sizeof(port) ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) || atol(colon + 1) > 65535)
		goto bad;
	snprintf(port, sizeof(port), "%s", colon + 1);
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc || !ai) {
		tool_err("%s: --listen %s: %s\n", SV_PROG, s, rc ? gai_strerror(rc) : "no address");
		if (ai)
			freeaddrinfo(ai);
		return -1;
	}
	memcpy(&cf->addr, ai->ai_addr, ai->ai_addrlen);
	cf->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	cf->loopback = is_loopback(&cf->addr);
	return 0;
bad:
	tool_err("%s: --listen '%s' is not ADDR:PORT ([ADDR]:PORT for IPv6)\n", SV_PROG, s);
	return -1;
}

/* ---------------- the command ---------------- */

/* Open (create, migrate) the store once, so that a bad URL is an error
 * at start and the workers find its tables. */
static int check_store(sv_config *cf)
{
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	crashsig_store *s = NULL;
	int rc = crashsig_store_open(&s, cf->db, &so);
	if (rc)
		tool_err("%s: %s\n", SV_PROG, s ? crashsig_store_error(s) : "out of memory");
	else
		snprintf(cf->backend, sizeof(cf->backend), "%s", crashsig_store_backend(s));
	crashsig_store_free(s);
	return rc ? -1 : 0;
}

static int check_vmlinux(sv_config *cf)
{
	crashsig_ctx *ctx = NULL;
	char err[512];
	if (crashsig_ctx_new(&ctx, NULL, err, sizeof(err))) {
		tool_err("%s: %s\n", SV_PROG, err);
		return -1;
	}
	crashsig_symbolize_options o = CRASHSIG_SYMBOLIZE_OPTIONS_INIT;
	o.vmlinux = cf->vmlinux;
	o.modules_dir = cf->modules;
	crashsig_symbolizer *sym = NULL;
	int rc = crashsig_symbolizer_new(&sym, ctx, &o);
	if (rc)
		tool_err("%s: --vmlinux %s: %s\n", SV_PROG, cf->vmlinux, crashsig_error_last(ctx));
	crashsig_symbolizer_free(sym);
	crashsig_ctx_free(ctx);
	return rc ? -1 : 0;
}

int tool_cmd_serve(int argc, char **argv)
{
	sv_server *S = calloc(1, sizeof(*S));
	if (!S) {
		tool_err("%s: out of memory\n", SV_PROG);
		return TOOL_EXIT_ERROR;
	}
	sv_config *cf = &S->cfg;
	cf->db = getenv("CRASHSIG_DB");
	if (!cf->db || !*cf->db)
		cf->db = "crashsig-bugs.db";
	cf->listen = "127.0.0.1:8080";
	cf->max_body = 32u << 20;
	cf->max_expanded = 1ull << 30;
	cf->threads = 4;
	cf->timeout = 60;
	cf->log_max = CRASHSIG_LOG_EXCERPT_MAX;
	int status = TOOL_EXIT_ERROR, key = 0;
	int rc = parse_opts(argc, argv, cf);
	if (rc) {
		free(cf->hosts);
		free(S);
		return rc < 0 ? tool_finish_stdout(SV_PROG, 0) : rc;
	}
	crashsig_store_url_redact(cf->db, cf->db_shown, sizeof(cf->db_shown));
	if (cf->tokens_file && load_tokens(cf))
		goto out;
	if (parse_listen(cf))
		goto out;
	if (!cf->loopback && !cf->ntokens) {
		tool_err("%s: --listen %s is not a loopback address: without --tokens, serve listens "
			 "on loopback only (anyone could write to the store)\n",
			 SV_PROG, cf->listen);
		goto out;
	}
	if (check_store(cf) || (cf->vmlinux && check_vmlinux(cf)))
		goto out;
	char err[600];
	if (sv_mhd_load(&S->mhd, SV_MHD_SONAME, err, sizeof(err))) {
		tool_err("%s: %s\n", SV_PROG, err);
		goto out;
	}
	S->version = S->mhd.get_version();
	if (pthread_key_create(&S->key, sv_worker_destroy)) {
		tool_err("%s: pthread_key_create failed\n", SV_PROG);
		goto out;
	}
	key = 1;
	if (sv_writer_new(&S->writer, cf, err, sizeof(err))) {
		tool_err("%s: %s\n", SV_PROG, err);
		goto out;
	}
	/* The signals that stop serve are taken by this thread only (sigwait);
	 * libmicrohttpd's threads inherit the mask. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sv_http_start(S, err, sizeof(err))) {
		tool_err("%s: %s\n", SV_PROG, err);
		goto out;
	}
	char shown[300];
	if (cf->addr.ss_family == AF_INET6) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)&cf->addr)->sin6_addr, a, sizeof(a));
		snprintf(shown, sizeof(shown), "http://[%s]:%u/", a, S->port);
	} else {
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&cf->addr)->sin_addr, a, sizeof(a));
		snprintf(shown, sizeof(shown), "http://%s:%u/", a, S->port);
	}
	tool_err("%s: listening on %s (store %s, %s; %u threads; writes %s; libmicrohttpd %s)\n",
		 SV_PROG, shown, cf->db_shown, cf->backend,
		 cf->threads, cf->ntokens ? "need a token" : "open (loopback)",
		 S->version ? S->version : "?");
	fflush(stderr);
	int sig = 0;
	for (;;) {
		if (sigwait(&stop, &sig))
			continue;
		if (sig != SIGHUP)
			break;
	}
	tool_err("%s: %s: stopping\n", SV_PROG, strsignal(sig));
	sv_http_stop(S);
	status = 0;
out:
	sv_writer_free(S->writer);
	if (key)
		pthread_key_delete(S->key);
	sv_mhd_unload(&S->mhd);
	free_tokens(cf);
	free(cf->hosts);
	free(S);
	return status;
}
