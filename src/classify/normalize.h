/* Line normalization: remove console decorations (timestamps, caller ids,
 * log levels, syslog/journal prefixes, ANSI escapes, NUL bytes, text glued
 * before a timestamp) and keep the caller id ("T1234"/"C1"). */
#ifndef CRASHSIG_NORMALIZE_H
#define CRASHSIG_NORMALIZE_H

#include <stddef.h>

#include "base/util.h"

typedef struct cs_line {
	const char *text; /* normalized text (into the input or scratch) */
	size_t len;
	char caller[16];  /* caller id without brackets, or "" */
	int has_ts;       /* a [ sec.usec] timestamp was removed */
	double ts;        /* its value in seconds (0 without one) */
} cs_line;

/* Normalize raw (len bytes). scratch is used when bytes must be removed
 * (ANSI escapes, NULs); out->text then points into scratch. */
int cs_normalize(const char *raw, size_t len, cs_line *out, cs_buf *scratch);

#endif
