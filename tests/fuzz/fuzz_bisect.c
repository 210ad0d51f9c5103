/* libFuzzer target: a syz-ci bisection log (crashsig_bisect_parse, the
 * documented fuzzing entry point), rendered as text and as JSON. The JSON
 * must be well-formed UTF-8 with no raw control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"

static crashsig_ctx *ctx;

/* 1 when s[0..n) is well-formed UTF-8 without C0 controls other than the
 * final newline (JSON strings escape them). */
static int json_bytes_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if (c < 0x20 && !(c == '\n' && i == n - 1))
				return 0;
			i++;
			continue;
		}
		size_t k;
		unsigned char lo = 0x80, hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			k = 2;
		else if (c >= 0xe0 && c <= 0xef)
			k = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		else
			return 0;
		if (i + k > n || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t j = 2; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx && crashsig_ctx_new(&ctx, NULL, NULL, 0))
		abort();
	char *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	crashsig_bisect *b = NULL;
	int rc = crashsig_bisect_parse(ctx, copy, size, NULL, &b);
	free(copy);
	if (rc) {
		if (b)
			abort();
		return 0;
	}
	for (size_t i = 0; i < crashsig_bisect_step_count(b); i++) {
		const crashsig_bisect_step *st = crashsig_bisect_step_get(b, i);
		if (!st || !st->commit)
			abort();
		for (size_t t = 0; t < st->ntitles; t++)
			(void)strlen(st->titles[t].title);
	}
	(void)crashsig_bisect_summary_get(b);
	char *out = NULL;
	size_t len = 0;
	if (crashsig_bisect_render(b, CRASHSIG_BISECT_TEXT, "log", &out, &len) == 0 &&
	    (!out || out[len]))
		abort();
	free(out);
	out = NULL;
	if (crashsig_bisect_render(b, CRASHSIG_BISECT_JSON, "log", &out, &len) == 0) {
		if (!out || out[len] || !json_bytes_ok((const unsigned char *)out, len))
			abort();
	}
	free(out);
	crashsig_bisect_free(b);
	return 0;
}
