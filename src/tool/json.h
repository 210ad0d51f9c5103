/* Minimal JSON output helpers for the crashsig tool. */
#ifndef CRASHSIG_TOOL_JSON_H
#define CRASHSIG_TOOL_JSON_H

#include <stdio.h>

/* Write s (len bytes) as a JSON string literal; invalid UTF-8 bytes are
 * written as \u00XX escapes of their Latin-1 value. */
void json_str(FILE *out, const char *s, size_t len);
/* Same for a NUL-terminated string; NULL prints null. */
void json_cstr(FILE *out, const char *s);

#endif
