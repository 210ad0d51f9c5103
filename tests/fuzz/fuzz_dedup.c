/* libFuzzer target: dedup input. The input is a console log: every report
 * gets its stack signature and is added to a fresh in-memory SQLite bug
 * store (titles, alternative titles, similarity); the bugs are listed and
 * looked up again, and the signature distances computed pairwise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"

static crashsig_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx && crashsig_ctx_new(&ctx, NULL, NULL, 0))
		abort();
	crashsig_report **v = NULL;
	size_t n = 0;
	if (crashsig_parse_buffer(ctx, data, size, &v, &n))
		abort();
	crashsig_store *st = NULL;
	crashsig_store_options so = CRASHSIG_STORE_OPTIONS_INIT;
	so.flags = CRASHSIG_STORE_MERGE_SIMILAR;
	if (crashsig_store_open(&st, "sqlite::memory:", &so))
		abort();
	char *keys[16];
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		crashsig_signature *sig = NULL;
		if (crashsig_signature_new(&sig, ctx, v[i]) == 0 && sig) {
			if (sig->key && nk < 16)
				keys[nk++] = strdup(sig->key);
		}
		crashsig_signature_free(sig);
		crashsig_add_result res;
		if (crashsig_store_add_report(st, ctx, v[i], 1000 + (int64_t)i, "fuzz", &res) == 0) {
			crashsig_bug *b = NULL;
			if (crashsig_store_get(st, res.bug_id, &b) == 0 && (!b || !b->title))
				abort();
			crashsig_bug_free(b);
		}
	}
	for (size_t i = 0; i < nk; i++)
		for (size_t j = 0; j < nk; j++) {
			double d = crashsig_signature_distance(keys[i], keys[j]);
			if (!(d >= 0 && d <= 1))
				abort();
		}
	for (size_t i = 0; i < nk; i++)
		free(keys[i]);
	crashsig_bug **bugs = NULL;
	size_t nb = 0;
	if (crashsig_store_list(st, &bugs, &nb) == 0) {
		for (size_t i = 0; i < nb; i++) {
			crashsig_bug *b = NULL;
			if (crashsig_store_lookup(st, bugs[i]->base_title, bugs[i]->alt_titles,
						  bugs[i]->nalt_titles, &b) == 0)
				crashsig_bug_free(b);
		}
		crashsig_bugs_free(bugs, nb);
	}
	crashsig_store_free(st);
	crashsig_reports_free(v, n);
	return 0;
}
