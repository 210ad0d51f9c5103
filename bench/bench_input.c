/*
 * bench_input: the input layer's speed on mail, in-process, one core.
 * usage: bench_input [-n ROUNDS] [-m MB] MAILDIR...
 * Builds an mbox of at least MB megabytes (default 100) in memory from the
 * raw messages (*.eml) of the MAILDIRs, as mboxrd writes one ("From "
 * separators, ">From " escaped), repeated until it is big enough, then
 * reads it ROUNDS times (default 5):
 *   input   crashsig_input: messages, MIME decoding, quoting, lines with
 *           their prefixes parsed
 *   parser  crashsig_parser: the same, and every crash titled
 * and prints MB/s (of the mbox) and messages/s per pass: median and
 * fastest round.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <crashsig/crashsig.h>

typedef struct buf {
	char *d;
	size_t n, cap;
} buf;

static void add(buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->d = realloc(b->d, b->cap);
		if (!b->d)
			exit(2);
	}
	memcpy(b->d + b->n, s, n);
	b->n += n;
}

/* One message into the mbox, mboxrd style. */
static void add_message(buf *b, const char *m, size_t n)
{
	static const char sep[] = "From mboxrd@z Thu Jan  1 00:00:00 1970\n";
	add(b, sep, sizeof(sep) - 1);
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(m + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - m) + 1 : n;
		size_t k = i;
		while (k < e && m[k] == '>')
			k++;
		if (e - k >= 5 && !memcmp(m + k, "From ", 5))
			add(b, ">", 1);
		add(b, m + i, e - i);
		i = e;
	}
	if (n && m[n - 1] != '\n')
		add(b, "\n", 1);
	add(b, "\n", 1);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *d = malloc((size_t)sz + 1);
	*len = fread(d, 1, (size_t)sz, f);
	fclose(f);
	return d;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t nlines, ndocs;

static int on_line(void *arg, const crashsig_line *l)
{
	(void)arg;
	(void)l;
	nlines++;
	return 0;
}

static int on_doc(void *arg, const crashsig_document *d, int end)
{
	(void)arg;
	(void)d;
	ndocs += !end;
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int rounds = 5;
	double mb = 100;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-m") && i + 1 < argc)
			mb = atof(argv[++i]);
	}
	if (i >= argc || rounds < 1) {
		fprintf(stderr, "usage: bench_input [-n ROUNDS] [-m MB] MAILDIR...\n");
		return 2;
	}
	buf one = {0};
	size_t nmsg = 0;
	for (; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d)
			continue;
		struct dirent *e;
		char **names = NULL;
		size_t nn = 0;
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);
			if (l > 4 && !strcmp(e->d_name + l - 4, ".eml")) {
				names = realloc(names, (nn + 1) * sizeof(*names));
				names[nn++] = strdup(e->d_name);
			}
		}
		closedir(d);
		for (size_t k = 0; k < nn; k++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], names[k]);
			size_t len;
			char *m = slurp(path, &len);
			if (m) {
				add_message(&one, m, len);
				nmsg++;
				free(m);
			}
			free(names[k]);
		}
		free(names);
	}
	if (!one.n) {
		fprintf(stderr, "bench_input: no messages\n");
		return 2;
	}
	buf mbox = {0};
	size_t copies = 0;
	while (mbox.n < (size_t)(mb * 1e6)) {
		add(&mbox, one.d, one.n);
		copies++;
	}
	printf("mbox: %.1f MB, %zu messages (%zu x %zu)\n", mbox.n / 1e6, nmsg * copies, copies,
	       nmsg);
	crashsig_ctx *ctx;
	if (crashsig_ctx_new(&ctx, NULL, NULL, 0))
		return 2;
	double *t = calloc((size_t)rounds, sizeof(*t));
	for (int pass = 0; pass < 2; pass++) {
		size_t crashes = 0;
		for (int r = 0; r < rounds; r++) {
			nlines = ndocs = 0;
			crashes = 0;
			double t0 = now();
			if (pass == 0) {
				crashsig_input_options o = CRASHSIG_INPUT_OPTIONS_INIT;
				o.line = on_line;
				o.document = on_doc;
				crashsig_input *in;
				if (crashsig_input_new(&in, ctx, &o))
					return 2;
				for (size_t off = 0; off < mbox.n; off += 1 << 20)
					crashsig_input_feed(in, mbox.d + off,
							    mbox.n - off < (1 << 20) ? mbox.n - off : 1 << 20);
				crashsig_input_finish(in);
				crashsig_input_free(in);
			} else {
				crashsig_parser *p;
				if (crashsig_parser_new(&p, ctx))
					return 2;
				crashsig_report *rep;
				for (size_t off = 0; off < mbox.n; off += 1 << 20) {
					crashsig_parser_feed(p, mbox.d + off,
							     mbox.n - off < (1 << 20) ? mbox.n - off : 1 << 20);
					while (crashsig_parser_next(p, &rep) == 1) {
						crashes++;
						crashsig_report_free(rep);
					}
				}
				crashsig_parser_finish(p);
				while (crashsig_parser_next(p, &rep) == 1) {
					crashes++;
					crashsig_report_free(rep);
				}
				crashsig_parser_free(p);
			}
			t[r] = now() - t0;
		}
		qsort(t, (size_t)rounds, sizeof(*t), cmp_d);
		double med = t[rounds / 2];
		if (pass == 0)
			printf("input:  %zu messages, %zu lines; median %.3f s = %.1f MB/s, %.0f messages/s; fastest %.1f MB/s\n",
			       ndocs, nlines, med, mbox.n / 1e6 / med, (double)(nmsg * copies) / med,
			       mbox.n / 1e6 / t[0]);
		else
			printf("parser: %zu crashes; median %.3f s = %.1f MB/s, %.0f messages/s; fastest %.1f MB/s\n",
			       crashes, med, mbox.n / 1e6 / med, (double)(nmsg * copies) / med,
			       mbox.n / 1e6 / t[0]);
	}
	free(t);
	free(one.d);
	free(mbox.d);
	crashsig_ctx_free(ctx);
	return 0;
}
