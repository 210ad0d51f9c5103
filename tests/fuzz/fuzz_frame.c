/* libFuzzer target: one stack frame line (crashsig_frame_parse). Every
 * string of the parsed frame must lie inside the caller's scratch buffer
 * (sized as the API documents: 256 + line length) and be terminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crashsig/crashsig.h"

static void inside(const char *s, const char *buf, size_t buflen, const uint8_t *line,
		   size_t len)
{
	if (!s)
		return;
	int in_buf = s >= buf && s < buf + buflen;
	int in_line = (const uint8_t *)s >= line && (const uint8_t *)s < line + len;
	if (!in_buf && !in_line && *s)
		abort();
	if (in_buf && !memchr(s, 0, (size_t)(buf + buflen - s)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so reads past the line are caught */
	char *line = malloc(size ? size : 1);
	size_t buflen = 256 + size;
	char *buf = malloc(buflen);
	if (!line || !buf)
		abort();
	memcpy(line, data, size);
	crashsig_frame f;
	if (crashsig_frame_parse(line, size, &f, buf, buflen) == 1) {
		inside(f.func, buf, buflen, (const uint8_t *)line, size);
		inside(f.module, buf, buflen, (const uint8_t *)line, size);
		inside(f.build_id, buf, buflen, (const uint8_t *)line, size);
		inside(f.file, buf, buflen, (const uint8_t *)line, size);
		if (!f.func)
			abort();
	}
	free(line);
	free(buf);
	return 0;
}
