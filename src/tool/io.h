/* Input and output helpers shared by the crashsig sub-commands: one way to
 * read inputs (compressed or not, '-' is stdin) and one way to notice write
 * errors, so that every sub-command follows the same conventions:
 * exit status 0 found/ok, 1 nothing found/negative answer, 2 error. */
#ifndef CRASHSIG_TOOL_IO_H
#define CRASHSIG_TOOL_IO_H

#include <stddef.h>
#include <stdio.h>

#define TOOL_EXIT_OK 0
#define TOOL_EXIT_NONE 1
#define TOOL_EXIT_ERROR 2

/* Open PATH for reading ('-' is stdin). On failure prints
 * "PROG: PATH: strerror" and returns NULL. */
FILE *tool_open(const char *prog, const char *path);
void tool_close(FILE *f);

/* Read all of PATH ('-' is stdin) into a malloc'ed, NUL-terminated buffer
 * owned by the caller; gzip, xz and zstd input (recognised by content) is
 * decompressed. On failure prints "PROG: PATH: reason" and returns 2. */
int tool_read_input(const char *prog, const char *path, char **buf, size_t *len);

/* 1 when writing to stdout has failed (the caller should stop producing
 * output and finish with tool_finish_stdout). */
int tool_stdout_failed(void);

/* Flush and close stdout. Returns status unchanged when everything was
 * written; otherwise prints "PROG: write error: strerror" (nothing for a
 * closed pipe, which is the reader's choice, as with SIGPIPE) and returns 2. */
int tool_finish_stdout(const char *prog, int status);

#endif
