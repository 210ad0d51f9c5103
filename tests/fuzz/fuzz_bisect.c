/*
 * libFuzzer target for the bisection log parser (crashsig_bisect_parse takes
 * any bytes). Not part of the default build; build and run by hand:
 *
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang-14 \
 *         -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link,address,undefined
 *   cmake --build build-fuzz -j2 --target crashsig_static
 *   clang-14 -fsanitize=fuzzer,address,undefined -Iinclude \
 *         tests/fuzz/fuzz_bisect.c build-fuzz/libcrashsig.a \
 *         $(pkg-config --libs libpcre2-8 libdw libelf capstone libzstd) -liberty \
 *         -o fuzz_bisect
 *   ./fuzz_bisect -max_total_time=60 fixtures/bisect
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "crashsig/crashsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static crashsig_ctx *ctx;
	if (!ctx && crashsig_ctx_new(&ctx, NULL, NULL, 0))
		abort();
	crashsig_bisect *b = NULL;
	int rc = crashsig_bisect_parse(ctx, data, size, NULL, &b);
	if (rc != CRASHSIG_OK && rc != CRASHSIG_ENOTFOUND)
		abort();
	if (b) {
		char *out;
		if (crashsig_bisect_render(b, CRASHSIG_BISECT_JSON, "f", &out, NULL))
			abort();
		free(out);
		if (crashsig_bisect_render(b, CRASHSIG_BISECT_TEXT, "f", &out, NULL))
			abort();
		free(out);
	}
	crashsig_bisect_free(b);
	return 0;
}
