/* Helpers shared by the test programs. */
#ifndef CRASHSIG_TESTUTIL_H
#define CRASHSIG_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>

/* Read a whole file into a NUL-terminated malloc'd buffer (owned by the
 * caller); NULL if it cannot be read. */
static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - 1 - n, f)) > 0) {
		n += got;
		if (n == cap - 1) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = 0;
	*len = n;
	return buf;
}

#endif
