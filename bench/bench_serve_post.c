/*
 * A load client for crashsig serve's POST /api/crashes, in C so that the
 * client is not what is measured (the Python one of serve_load.py uses
 * about half a core of the two for 8 clients).
 *
 * usage: bench_serve_post HOST:PORT[,HOST:PORT...] CLIENTS REQUESTS_PER_CLIENT FILE...
 *
 * (Several servers: client i sends to server i modulo their number, as
 * serve processes of one PostgreSQL store share a fleet's load.)
 * CLIENTS threads, each with one keep-alive connection, send
 * REQUESTS_PER_CLIENT requests each: the FILEs in turn (each should hold
 * one crash), every request with its own source= (so its own crash id;
 * the run's own too, so a second run adds new crashes),
 * and every tenth sent again at once (a retry, which must come back
 * "duplicate":true). Prints requests/s, new crashes/s and the latency
 * (p50, p99) of all requests; exits 1 if a request fails or a retry is
 * not a duplicate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct body {
	char *data;
	size_t len;
} body;

typedef struct client {
	int id;
	long run; /* this run's number: its crashes are new to the store */
	struct sockaddr_in addr;
	const body *bodies;
	size_t nbodies;
	long n;
	double *lat; /* seconds, per request sent */
	long nlat;
	long fresh, dup_ok, failed;
	char err[256];
} client;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One response: its status, its body in buf (NUL-terminated). */
static int read_response(int fd, char *buf, size_t cap, int *status)
{
	size_t have = 0;
	char *end = NULL;
	while (!(end = strstr(buf, "\r\n\r\n"))) {
		if (have + 1 >= cap)
			return -1;
		ssize_t r = read(fd, buf + have, cap - 1 - have);
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = 0;
	}
	if (sscanf(buf, "HTTP/1.%*d %d", status) != 1)
		return -1;
	const char *cl = strcasestr(buf, "\r\nContent-Length:");
	if (!cl || cl > end)
		return -1;
	size_t len = strtoul(cl + 17, NULL, 10), head = (size_t)(end + 4 - buf);
	if (head + len + 1 > cap)
		return -1;
	while (have < head + len) {
		ssize_t r = read(fd, buf + have, head + len - have);
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	buf[head + len] = 0;
	memmove(buf, buf + head, len + 1);
	return 0;
}

static int connect_to(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *run(void *arg)
{
	client *c = arg;
	size_t cap = 1u << 20;
	char *buf = malloc(cap), head[512];
	int fd = connect_to(&c->addr);
	if (!buf || fd < 0) {
		snprintf(c->err, sizeof(c->err), "connect: %s", strerror(errno));
		c->failed++;
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (long i = 0; i < c->n; i++) {
		const body *b = &c->bodies[(size_t)(c->id + i) % c->nbodies];
		int sends = i % 10 == 9 ? 2 : 1;
		for (int k = 0; k < sends; k++) {
			int hl = snprintf(head, sizeof(head),
					  "POST /api/crashes?machine=load-%d&source=r%ld-c%d-%ld HTTP/1.1\r\n"
					  "Host: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
					  "Content-Length: %zu\r\n\r\n",
					  c->id, c->run, c->id, i, b->len);
			double t = now();
			int status = 0;
			buf[0] = 0;
			if (write_all(fd, head, (size_t)hl) || write_all(fd, b->data, b->len) ||
			    read_response(fd, buf, cap, &status) || status != 200) {
				snprintf(c->err, sizeof(c->err), "request %ld: %s (status %d)", i,
					 strerror(errno), status);
				c->failed++;
				close(fd);
				free(buf);
				return NULL;
			}
			c->lat[c->nlat++] = now() - t;
			int dup = strstr(buf, "\"duplicate\":true") != NULL;
			if (k == 0 && !dup)
				c->fresh++;
			if (k == 1) {
				if (!dup) {
					snprintf(c->err, sizeof(c->err), "request %ld: a retry is not a duplicate", i);
					c->failed++;
				}
				c->dup_ok++;
			}
		}
	}
	close(fd);
	free(buf);
	return NULL;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s HOST:PORT[,HOST:PORT...] CLIENTS REQUESTS_PER_CLIENT FILE...\n",
			argv[0]);
		return 2;
	}
	struct sockaddr_in addrs[8];
	int naddr = 0;
	for (char *a = strtok(argv[1], ","); a; a = strtok(NULL, ",")) {
		char host[64];
		unsigned port;
		if (naddr == 8 || sscanf(a, "%63[^:]:%u", host, &port) != 2 ||
		    inet_pton(AF_INET, host, &addrs[naddr].sin_addr) != 1) {
			fprintf(stderr, "%s: not HOST:PORT[,HOST:PORT...] (IPv4, at most 8)\n", a);
			return 2;
		}
		addrs[naddr].sin_family = AF_INET;
		addrs[naddr++].sin_port = htons((unsigned short)port);
	}
	if (!naddr)
		return 2;
	int nc = atoi(argv[2]);
	long n = atol(argv[3]);
	if (nc < 1 || n < 1) {
		fprintf(stderr, "CLIENTS and REQUESTS_PER_CLIENT must be positive\n");
		return 2;
	}
	size_t nb = (size_t)(argc - 4);
	body *bodies = calloc(nb, sizeof(*bodies));
	for (size_t i = 0; i < nb; i++) {
		FILE *f = fopen(argv[4 + i], "rb");
		if (!f || fseek(f, 0, SEEK_END) || (bodies[i].len = (size_t)ftell(f), fseek(f, 0, SEEK_SET)) ||
		    !(bodies[i].data = malloc(bodies[i].len + 1)) ||
		    fread(bodies[i].data, 1, bodies[i].len, f) != bodies[i].len) {
			fprintf(stderr, "%s: %s\n", argv[4 + i], strerror(errno));
			return 2;
		}
		fclose(f);
	}
	client *cl = calloc((size_t)nc, sizeof(*cl));
	pthread_t *th = calloc((size_t)nc, sizeof(*th));
	for (int i = 0; i < nc; i++) {
		cl[i] = (client){.id = i, .run = (long)getpid() * 1000 + (long)(time(NULL) % 1000),
				 .addr = addrs[i % naddr], .bodies = bodies, .nbodies = nb, .n = n};
		cl[i].lat = malloc((size_t)(n * 2) * sizeof(double));
	}
	double t0 = now();
	for (int i = 0; i < nc; i++)
		pthread_create(&th[i], NULL, run, &cl[i]);
	for (int i = 0; i < nc; i++)
		pthread_join(th[i], NULL);
	double el = now() - t0;
	long total = 0, fresh = 0, dups = 0, failed = 0;
	for (int i = 0; i < nc; i++) {
		total += cl[i].nlat;
		fresh += cl[i].fresh;
		dups += cl[i].dup_ok;
		failed += cl[i].failed;
		if (cl[i].err[0])
			fprintf(stderr, "client %d: %s\n", i, cl[i].err);
	}
	double *all = malloc((size_t)(total ? total : 1) * sizeof(double));
	long k = 0;
	for (int i = 0; i < nc; i++)
		for (long j = 0; j < cl[i].nlat; j++)
			all[k++] = cl[i].lat[j];
	qsort(all, (size_t)total, sizeof(double), cmp_d);
	printf("%d clients x %ld crashes (+%ld retries): %ld requests in %.2f s: %.0f requests/s, "
	       "%.0f new crashes/s; latency p50 %.1f ms, p99 %.1f ms; %ld failed\n",
	       nc, n, dups, total, el, total / el, fresh / el, total ? all[total / 2] * 1e3 : 0,
	       total ? all[(long)(total * 0.99)] * 1e3 : 0, failed);
	return failed ? 1 : 0;
}
