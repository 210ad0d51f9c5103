/* Console prefixes: remove them (timestamps, caller ids, log levels,
 * syslog/journal prefixes, dmesg's time formats, /dev/kmsg record headers,
 * ANSI escapes, NUL bytes, text glued before a timestamp) and say what they
 * held (time, level, caller, the format and its origin). */
#ifndef CRASHSIG_INPUT_PREFIX_H
#define CRASHSIG_INPUT_PREFIX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/util.h"
#include "crashsig/input.h"

typedef struct cs_line {
	const char *text; /* console text (into the input or scratch) */
	size_t len;
	/* the cleaned line (NULs, ANSI escapes, stray '\r' removed): the
	 * input or scratch; text == line + prefix_len */
	const char *line;
	size_t line_len;
	size_t prefix_len;
	char caller[16];  /* caller id without brackets, or ""; zero padded
			   * to its 16 bytes (compared whole: cs_same_caller) */
	int has_ts;       /* a timestamp was removed (the extractor's view:
			   * [ sec.usec], dmesg's stamps, kmsg) */
	double ts;        /* its value in seconds (0 without one) */
	crashsig_prefix prefix;
	crashsig_origin origin; /* console, journal or kmsg */
	int level;        /* <N> / kmsg priority, -1 */
	crashsig_time time; /* with CS_LINE_TIME only */
} cs_line;

/* Also parse the wall-clock time and the time since boot into out->time
 * (costs a little more: only for the lines whose time is wanted). */
#define CS_LINE_TIME 1u
/* raw holds no ESC, NUL or '\r' (the splitter's CS_RL_CLEAN): not looked
 * for again. */
#define CS_LINE_CLEAN 2u

/* Parse raw (len bytes). scratch is used when bytes must be removed
 * (ANSI escapes, NULs, kmsg escapes). ref: crashsig_input_options's
 * reference_time. */
int cs_line_parse(const char *raw, size_t len, cs_line *out, cs_buf *scratch,
		  unsigned want, int64_t ref);

/* Two zero-padded caller ids (cs_line.caller) the same? Two 8-byte
 * compares, no call. */
static inline int cs_same_caller(const char a[16], const char b[16])
{
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

static inline int cs_normalize(const char *raw, size_t len, cs_line *out, cs_buf *scratch)
{
	return cs_line_parse(raw, len, out, scratch, 0, 0);
}

/* A /dev/kmsg (or netconsole extended) record header at the start of a
 * line ("6,1234,5678,-;"). */
int cs_kmsg_record(const char *d, size_t len);
/* " SUBSYSTEM=pci" / " DEVICE=+pci:0000:00:02.0": a /dev/kmsg dictionary
 * line (metadata following a record, not console output). */
int cs_kmsg_dict(const char *d, size_t len);

#endif
