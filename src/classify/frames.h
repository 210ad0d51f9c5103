/* Frame model: stack-trace line parsing. */
#ifndef CRASHSIG_FRAMES_H
#define CRASHSIG_FRAMES_H

#include <stddef.h>

#include "crashsig/classify.h"

/* See crashsig_frame_parse(). */
int cs_frame_parse(const char *line, size_t len, crashsig_frame *f, char *buf,
		   size_t buflen);

/* The same; for an arm "[<pc>] (A) from [<lr>] (B+off/size)" line, f is the
 * call in B and, when callee is not NULL, *callee is A at pc, the function
 * the line shows running (callee->func is NULL when there is none, or when A
 * is printed with an offset: syzkaller's arm frame regex reads A only
 * without one). Strings live in buf. */
int cs_frame_parse_ex(const char *line, size_t len, crashsig_frame *f,
		      crashsig_frame *callee, char *buf, size_t buflen);

/* cs_frame_parse_ex() without its one-pass parser of the common shapes:
 * the same answer, the same *f and *callee (also when it is 0), more
 * slowly. For tests, which compare the two. */
int cs_frame_parse_general(const char *line, size_t len, crashsig_frame *f,
			   crashsig_frame *callee, char *buf, size_t buflen);

/* Can line be an instruction-pointer line, one cs_frame_parse_ex() gives
 * CRASHSIG_FRAME_IP ("RIP: ", "pc : ", "--- interrupt: N at ", ...) or a
 * pre-4.20 "(null)" pc line? 0 when it cannot: the first bytes after the
 * indent are none of those prefixes. */
int cs_frame_maybe_ip(const char *line, size_t len);

/* Length of the function name without compiler suffixes
 * (".isra.0", ".constprop.3", ".part.1", ".cold", ...). */
size_t cs_func_base_len(const char *func, size_t len);

#endif
