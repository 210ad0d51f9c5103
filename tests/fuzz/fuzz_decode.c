/* libFuzzer target: decode the Code: dumps of any text. The architecture is
 * inferred (as the CLI does by default) and, for the same text, forced to
 * the one the first byte selects. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"
#include "crashsig/decode.h"

static crashsig_decoder *dec;

static void run(const char *text, size_t len, crashsig_arch arch)
{
	crashsig_decoded *out = NULL;
	int rc = crashsig_decoder_decode(dec, text, len, arch, &out);
	if (rc && rc != CRASHSIG_EINVAL && rc != CRASHSIG_ENOMEM)
		abort();
	size_t n = crashsig_decoded_count(out);
	for (size_t i = 0; i < n; i++) {
		const crashsig_code *c = crashsig_decoded_code(out, i);
		if (!c)
			abort();
		if (c->trap_offset != CRASHSIG_NO_TRAP && c->trap_offset >= c->nbytes)
			abort();
		for (size_t k = 0; k < c->ninsns; k++)
			if (c->insns[k].offset + c->insns[k].size > c->nbytes ||
			    !c->insns[k].line)
				abort();
		if (c->listing)
			(void)strlen(c->listing);
		if (c->explanation)
			(void)strlen(c->explanation);
	}
	(void)crashsig_decoded_primary(out);
	crashsig_decoded_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dec && crashsig_decoder_new(&dec, NULL))
		abort();
	char *text = malloc(size ? size : 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	run(text, size, CRASHSIG_ARCH_UNKNOWN);
	if (size)
		run(text, size, (crashsig_arch)(data[0] % 8));
	free(text);
	return 0;
}
