/* Input and output helpers shared by the crashsig sub-commands: one way to
 * open inputs ('-' is stdin; lines are read through the library's input
 * layer, lines.h) and one way to notice write errors, so that every sub-command follows the same conventions:
 * exit status 0 found/ok, 1 nothing found/negative answer, 2 error. */
#ifndef CRASHSIG_TOOL_IO_H
#define CRASHSIG_TOOL_IO_H

#include <stddef.h>
#include <stdio.h>

#define TOOL_EXIT_OK 0
#define TOOL_EXIT_NONE 1
#define TOOL_EXIT_ERROR 2

/* fprintf(stderr, FMT, ...) for messages, which often echo input (file
 * names, rule text, report lines): control characters other than newline
 * and tab (C0, DEL, and C1 as UTF-8 U+0080..U+009F or as lone bytes
 * 0x80..0x9f) are printed as \xNN, so that input cannot drive the
 * terminal. */
void tool_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open PATH for reading ('-' is stdin). On failure prints
 * "PROG: PATH: strerror" and returns NULL; a directory is a failure
 * ("Is a directory"), not an empty input. */
FILE *tool_open(const char *prog, const char *path);
void tool_close(FILE *f);

/* Copy standard input, raw, into an anonymous temporary file (tmpfile(),
 * gone when closed) and return it rewound, so that it can be read more than
 * once with memory bounded; the caller fcloses it. On failure prints
 * "PROG: <stdin>: reason" and returns NULL. */
FILE *tool_spool_stdin(const char *prog);

/* 1 when writing to stdout has failed (the caller should stop producing
 * output and finish with tool_finish_stdout). */
int tool_stdout_failed(void);

/* Flush and close stdout. Returns status unchanged when everything was
 * written; otherwise prints "PROG: write error: strerror" (nothing for a
 * closed pipe, which is the reader's choice, as with SIGPIPE) and returns 2. */
int tool_finish_stdout(const char *prog, int status);

#endif
