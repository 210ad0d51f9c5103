/* Output of decoded Code: dumps for the other crashsig sub-commands. */
#ifndef CRASHSIG_TOOL_DECODE_OUT_H
#define CRASHSIG_TOOL_DECODE_OUT_H

#include <stddef.h>
#include <stdio.h>

/* Print syzbot's "Code disassembly (best guess):" block for a report (the
 * first kernel-mode Code: dump, unless it is a BUG/WARN trap or the report is
 * a stall/hang), followed by a one-line explanation of the trapping
 * instruction. Returns 1 when something was printed, 0 when nothing was,
 * < 0 (a crashsig_error) on failure. */
int tool_decode_append_text(FILE *out, const char *report_text, size_t len);

/* Print a JSON array describing every code dump of the report (instructions,
 * trapping mark, explanation), to be used as the value of a "code" key.
 * Always prints a valid JSON value ("[]" when there is nothing or on
 * failure). Returns the number of dumps (>= 0) or < 0 on failure. */
int tool_decode_json(FILE *out, const char *report_text, size_t len);

#endif
