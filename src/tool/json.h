/* Minimal JSON output helpers for the crashsig tool. */
#ifndef CRASHSIG_TOOL_JSON_H
#define CRASHSIG_TOOL_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write s (len bytes) as a JSON string literal. The output is always valid
 * UTF-8: well-formed UTF-8 sequences are copied; every byte that is not part
 * of one (invalid, overlong, surrogate, above U+10FFFF, truncated) is written
 * as the escape \u00XX of its Latin-1 value, so the byte's value is kept;
 * control characters and DEL are \u00XX too. */
void json_str(FILE *out, const char *s, size_t len);
/* Same for a NUL-terminated string; NULL prints null. */
void json_cstr(FILE *out, const char *s);
/* Length of the well-formed UTF-8 sequence at s (n > 0 bytes left; Unicode
 * 15, table 3-7: no overlong forms, no surrogates, nothing above
 * U+10FFFF), or 0. */
size_t tool_utf8_len(const unsigned char *s, size_t n);

#endif
