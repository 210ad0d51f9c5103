/* Distinct contexts are independent (crashsig.h): the corpus classified in
 * several threads, each with its own context and parser, gives exactly the
 * single-threaded answers. Built and run under ThreadSanitizer by
 * scripts/test-tsan.sh; in the other builds it checks the answers only. */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crashsig/crashsig.h"
#include "crashsig/decode.h"
#include "testutil.h"

#define NTHREADS 4

typedef struct input {
	char *data;
	size_t len;
	char *expect; /* single-threaded answer */
} input;

static input *inputs;
static size_t ninputs;

static void add_dir(const char *dir, size_t cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		size_t len;
		char *t = i < cap ? test_read_file(path, &len) : NULL;
		if (t) {
			inputs = realloc(inputs, (ninputs + 1) * sizeof(*inputs));
			inputs[ninputs++] = (input){t, len, NULL};
		}
		free(names[i]);
	}
	free(names);
}

/* Everything a caller sees of the reports of one input (and the code
 * dumps of the first), as one string. */
static char *answer(crashsig_ctx *ctx, crashsig_decoder *dec, const input *in,
		    size_t chunk)
{
	crashsig_parser *p = NULL;
	if (crashsig_parser_new(&p, ctx))
		return NULL;
	for (size_t i = 0; i < in->len; i += chunk)
		if (crashsig_parser_feed(p, in->data + i,
					 chunk < in->len - i ? chunk : in->len - i))
			return NULL;
	crashsig_parser_finish(p);
	size_t cap = 4096, n = 0;
	char *out = malloc(cap);
	out[0] = 0;
	crashsig_report *r;
	int first = 1;
	while (crashsig_parser_next(p, &r) == 1) {
		char line[2048];
		const char *ex = crashsig_report_executor(r);
		const char *fr = crashsig_report_frame(r);
		int k = snprintf(line, sizeof(line), "%s|%s|%s|%d|%s|%s|%llu-%llu|%zu\n",
				 crashsig_report_title(r), crashsig_report_type(r),
				 crashsig_report_kind(r), crashsig_report_corrupted(r),
				 fr ? fr : "-", ex ? ex : "-",
				 (unsigned long long)crashsig_report_start(r),
				 (unsigned long long)crashsig_report_end(r),
				 crashsig_report_stack_count(r));
		if (first && dec) {
			size_t tl;
			const char *text = crashsig_report_text(r, &tl);
			crashsig_decoded *dd = NULL;
			if (!crashsig_decoder_decode(dec, text, tl, CRASHSIG_ARCH_UNKNOWN, &dd)) {
				const crashsig_code *c = crashsig_decoded_primary(dd);
				if (c && c->explanation && k < (int)sizeof(line) - 1)
					k += snprintf(line + k, sizeof(line) - (size_t)k, "%s\n",
						      c->explanation);
			}
			crashsig_decoded_free(dd);
			first = 0;
		}
		size_t l = strlen(line);
		while (n + l + 1 > cap)
			out = realloc(out, cap *= 2);
		memcpy(out + n, line, l + 1);
		n += l;
		crashsig_report_free(r);
	}
	crashsig_parser_free(p);
	return out;
}

typedef struct job {
	size_t id;
	size_t mismatches;
	size_t done;
} job;

static void *worker(void *arg)
{
	job *j = arg;
	crashsig_ctx *ctx = NULL;
	crashsig_decoder *dec = NULL;
	if (crashsig_ctx_new(&ctx, NULL, NULL, 0) || crashsig_decoder_new(&dec, ctx)) {
		j->mismatches = (size_t)-1;
		return NULL;
	}
	/* each thread walks the inputs from a different place, with its own
	 * chunk size */
	for (size_t k = 0; k < ninputs; k++) {
		const input *in = &inputs[(k + j->id * ninputs / NTHREADS) % ninputs];
		char *a = answer(ctx, dec, in, 4096 + 977 * j->id);
		if (!a || strcmp(a, in->expect))
			j->mismatches++;
		free(a);
		j->done++;
	}
	crashsig_decoder_free(dec);
	crashsig_ctx_free(ctx);
	return NULL;
}

static void test_threads_match_single(void **state)
{
	(void)state;
	add_dir(CRASHSIG_SOURCE_DIR "/fixtures/report", 400);
	add_dir(CRASHSIG_SOURCE_DIR "/fixtures/realkernel", 400);
	size_t own = ninputs;
	add_dir(CRASHSIG_SHARED_DIR "/corpus/syzkaller/linux/report", 700);
	if (ninputs == own)
		printf("skipped: the shared corpus part because %s is absent\n",
		       CRASHSIG_SHARED_DIR "/corpus/syzkaller/linux/report");
	assert_true(ninputs > 50);
	crashsig_ctx *ctx;
	crashsig_decoder *dec;
	assert_int_equal(crashsig_ctx_new(&ctx, NULL, NULL, 0), 0);
	assert_int_equal(crashsig_decoder_new(&dec, ctx), 0);
	size_t reports = 0;
	for (size_t i = 0; i < ninputs; i++) {
		inputs[i].expect = answer(ctx, dec, &inputs[i], (size_t)-1);
		assert_non_null(inputs[i].expect);
		for (const char *c = inputs[i].expect; *c; c++)
			reports += *c == '\n';
	}
	crashsig_decoder_free(dec);
	crashsig_ctx_free(ctx);
	assert_true(reports > 50);

	pthread_t th[NTHREADS];
	job jobs[NTHREADS];
	for (size_t t = 0; t < NTHREADS; t++) {
		jobs[t] = (job){t, 0, 0};
		assert_int_equal(pthread_create(&th[t], NULL, worker, &jobs[t]), 0);
	}
	for (size_t t = 0; t < NTHREADS; t++) {
		pthread_join(th[t], NULL);
		assert_int_equal(jobs[t].mismatches, 0);
		assert_int_equal(jobs[t].done, ninputs);
	}
	printf("%zu inputs (%zu answer lines) in %d threads: identical\n", ninputs, reports,
	       NTHREADS);
	for (size_t i = 0; i < ninputs; i++) {
		free(inputs[i].data);
		free(inputs[i].expect);
	}
	free(inputs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_match_single),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
