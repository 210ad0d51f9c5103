/* bench_decode FILE...: decode every Code: dump of the given logs in-process
 * (one decoder, as the library is used) and print timing figures. Files are
 * read into memory first; the loop repeats until at least 2 s have passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crashsig/crashsig.h"
#include "crashsig/decode.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --verify DIR: write DIR/N.bin (x86-64 kernel/user dump bytes from the
 * chosen start) and DIR/N.txt (our listing without the trap marks) for each
 * decoded x86-64 dump, so that the script can compare with objdump. */
static int write_verify(const char *dir, const crashsig_code *c, int k)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%05d.bin", dir, k);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(c->bytes + c->skipped, 1, c->nbytes - c->skipped, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%05d.txt", dir, k);
	f = fopen(path, "w");
	if (!f)
		return -1;
	for (size_t i = 0; i < c->ninsns; i++) {
		const char *l = c->insns[i].line;
		char buf[1024];
		snprintf(buf, sizeof(buf), "%s", l);
		char *m = strstr(buf, " <-- trapping instruction");
		if (m)
			memmove(m, m + 25, strlen(m + 25) + 1);
		if (c->insns[i].trapping)
			buf[0] = ' ';
		fprintf(f, "%s\n", buf);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	const char *verify = NULL;
	if (argc > 2 && !strcmp(argv[1], "--verify")) {
		verify = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: bench_decode [--verify DIR] FILE...\n");
		return 2;
	}
	int n = argc - 1;
	char **text = calloc((size_t)n, sizeof(*text));
	size_t *len = calloc((size_t)n, sizeof(*len));
	if (!text || !len)
		return 1;
	for (int i = 0; i < n; i++) {
		FILE *f = fopen(argv[i + 1], "rb");
		if (!f) {
			perror(argv[i + 1]);
			return 1;
		}
		fseek(f, 0, SEEK_END);
		long l = ftell(f);
		fseek(f, 0, SEEK_SET);
		text[i] = malloc((size_t)l + 1);
		len[i] = fread(text[i], 1, (size_t)l, f);
		fclose(f);
	}
	crashsig_decoder *d;
	if (crashsig_decoder_new(&d, NULL))
		return 1;
	size_t dumps = 0, ok = 0, insns = 0;
	double t0 = now(), t, best = 1e9;
	double *times = calloc(100000, sizeof(double));
	int rounds = 0;
	do {
		double r0 = now();
		for (int i = 0; i < n; i++) {
			crashsig_decoded *r;
			if (crashsig_decoder_decode(d, text[i], len[i],
						    CRASHSIG_ARCH_UNKNOWN, &r))
				return 1;
			if (rounds == 0) {
				for (size_t k = 0; k < crashsig_decoded_count(r); k++) {
					const crashsig_code *c = crashsig_decoded_code(r, k);
					dumps++;
					if (c->status == CRASHSIG_OK) {
						ok++;
						insns += c->ninsns;
						if (verify && c->arch == CRASHSIG_ARCH_X86_64 &&
						    write_verify(verify, c, (int)ok))
							return 1;
					}
				}
			}
			crashsig_decoded_free(r);
		}
		double rt = now() - r0;
		if (rt < best)
			best = rt;
		if (rounds < 100000)
			times[rounds] = rt;
		rounds++;
		t = now() - t0;
	} while (t < 2.0 && !verify);
	/* median of the rounds */
	int m = rounds < 100000 ? rounds : 100000;
	for (int i = 1; i < m; i++)
		for (int j = i; j > 0 && times[j - 1] > times[j]; j--) {
			double x = times[j];
			times[j] = times[j - 1];
			times[j - 1] = x;
		}
	double med = times[m / 2];
	free(times);
	printf("files=%d dumps=%zu decoded=%zu insns=%zu rounds=%d\n", n, dumps,
	       ok, insns, rounds);
	printf("in-process: best %.3f ms, median %.3f ms per pass over all files\n",
	       best * 1e3, med * 1e3);
	printf("in-process: %.2f us per dump (median), %.2f us (best)\n",
	       med * 1e6 / (double)(dumps ? dumps : 1),
	       best * 1e6 / (double)(dumps ? dumps : 1));
	crashsig_decoder_free(d);
	for (int i = 0; i < n; i++)
		free(text[i]);
	free(text);
	free(len);
	return 0;
}
