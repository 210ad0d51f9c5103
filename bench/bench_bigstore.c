/* A large bug store for crashsig serve's page times (bench/bench_serve.sh
 * BIG=1, issue 21: a page of a store with 10k bugs and 1M crashes).
 *
 * usage: bench_bigstore [-b BUGS] [-n CRASHES] [-m MACHINES] [-d DAYS] DB_URL
 *
 * BUGS (10,000) distinct WARNING reports (each its own title, function
 * and stack) are parsed once; CRASHES (1,000,000) crashes are then added
 * through crashsig_store_add_report_opts, as crashsig dedup adds them: the
 * bug of each drawn with a skew (a few bugs crash often, most rarely, as on
 * syzbot), from one of MACHINES (50) machines, at a time spread over the
 * last DAYS (180) days, each with its own source so that none is a
 * duplicate. Prints the time taken, crashes/s and the bugs formed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crashsig/crashsig.h"
#include "crashsig/dedup.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: a fixed sequence, so two runs build the same store */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static crashsig_report *make_report(crashsig_ctx *ctx, size_t i)
{
	char text[2048];
	int n = snprintf(text, sizeof(text),
			 "------------[ cut here ]------------\n"
			 "WARNING: CPU: 1 PID: 4242 at drivers/bench/b%zu.c:%zu bench_fn_%zu+0x1c/0x40\n"
			 "Modules linked in:\n"
			 "CPU: 1 PID: 4242 Comm: syz-executor.%zu Not tainted 6.1.0-bench #1\n"
			 "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2 04/01/2014\n"
			 "RIP: 0010:bench_fn_%zu+0x1c/0x40 drivers/bench/b%zu.c:%zu\n"
			 "Call Trace:\n"
			 " <TASK>\n"
			 " bench_caller_%zu+0x2d/0x80 drivers/bench/b%zu.c:%zu\n"
			 " bench_ioctl_%zu+0x11/0x30\n"
			 " __x64_sys_ioctl+0x19d/0x220 fs/ioctl.c:870\n"
			 " do_syscall_64+0x35/0xb0 arch/x86/entry/common.c:80\n"
			 " entry_SYSCALL_64_after_hwframe+0x63/0xcd\n"
			 " </TASK>\n"
			 "---[ end trace 0000000000000000 ]---\n",
			 i % 97, 100 + i, i, i % 8, i, i % 97, 100 + i, i % 500, i % 97, 200 + i, i % 300);
	crashsig_report **v = NULL;
	size_t nv = 0;
	if (crashsig_parse_buffer(ctx, text, (size_t)n, &v, &nv) || nv != 1) {
		fprintf(stderr, "bench_bigstore: report %zu: %zu reports parsed\n", i, nv);
		exit(2);
	}
	crashsig_report *r = v[0];
	free(v);
	return r;
}

int main(int argc, char **argv)
{
	size_t bugs = 10000, crashes = 1000000, machines = 50, days = 180;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		size_t v = strtoul(argv[i + 1], NULL, 10);
		if (!strcmp(argv[i], "-b"))
			bugs = v;
		else if (!strcmp(argv[i], "-n"))
			crashes = v;
		else if (!strcmp(argv[i], "-m"))
			machines = v;
		else if (!strcmp(argv[i], "-d"))
			days = v;
		else
			break;
	}
	if (i + 1 != argc || !bugs || !machines || !days) {
		fprintf(stderr, "usage: bench_bigstore [-b BUGS] [-n CRASHES] [-m MACHINES] "
				"[-d DAYS] DB_URL\n");
		return 2;
	}
	const char *url = argv[i];
	char err[512];
	crashsig_ctx *ctx = NULL;
	if (crashsig_ctx_new(&ctx, NULL, err, sizeof(err))) {
		fprintf(stderr, "bench_bigstore: %s\n", err);
		return 2;
	}
	crashsig_report **reps = malloc(bugs * sizeof(*reps));
	if (!reps)
		return 2;
	for (size_t k = 0; k < bugs; k++)
		reps[k] = make_report(ctx, k);
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	so.ctx = ctx;
	so.batch = 4096;
	crashsig_store *s = NULL;
	if (crashsig_store_open(&s, url, &so)) {
		fprintf(stderr, "bench_bigstore: %s: %s\n", url,
			s ? crashsig_store_error(s) : "out of memory");
		return 2;
	}
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int64_t t_end = (int64_t)time(NULL);
	double span = (double)days * 86400.0;
	double t0 = now_s();
	char source[64], machine[32];
	/* every bug crashes at least once; then a skewed draw: u^3 puts most
	 * crashes on the first bugs */
	for (size_t k = 0; k < crashes; k++) {
		size_t b;
		if (k < bugs) {
			b = k;
		} else {
			double u = (double)(rnd(&seed) >> 11) / 9007199254740992.0;
			b = (size_t)(u * u * u * (double)bugs);
			if (b >= bugs)
				b = bugs - 1;
		}
		double when = (double)(rnd(&seed) >> 11) / 9007199254740992.0;
		snprintf(source, sizeof(source), "bench/%zu.log", k);
		snprintf(machine, sizeof(machine), "vm-%zu", (size_t)(rnd(&seed) % machines));
		crashsig_add_options ao = CRASHSIG_ADD_OPTIONS_INIT;
		ao.source = source;
		ao.machine = machine;
		ao.time = t_end - (int64_t)(when * span);
		ao.time_source = CRASHSIG_TIME_SOURCE_CLIENT;
		crashsig_add_result res;
		if (crashsig_store_add_report_opts(s, ctx, reps[b], &ao, &res)) {
			fprintf(stderr, "bench_bigstore: %s\n", crashsig_store_error(s));
			return 1;
		}
		if (isatty(2) && k % 50000 == 0)
			fprintf(stderr, "\r%zu crashes", k);
	}
	if (crashsig_store_flush(s)) {
		fprintf(stderr, "bench_bigstore: %s\n", crashsig_store_error(s));
		return 1;
	}
	double dt = now_s() - t0;
	printf("%zu crashes of %zu bugs from %zu machines over %zu days into %s in %.1f s "
	       "(%.0f crashes/s)\n",
	       crashes, bugs, machines, days, url, dt, (double)crashes / dt);
	crashsig_store_free(s);
	for (size_t k = 0; k < bugs; k++)
		crashsig_report_free(reps[k]);
	free(reps);
	crashsig_ctx_free(ctx);
	return 0;
}
