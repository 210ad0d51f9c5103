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

/* Stream PATH ('-' is stdin): raw bytes are read in 64 KiB chunks,
 * decompressed when gzip, xz or zstd, and pushed to FN(ARG, data, len) (the
 * shape of crashsig_write_fn), so memory is bounded by what FN keeps. A
 * non-zero return of FN stops the stream and is returned as it is (FN has
 * reported it). Read and decompression errors print "PROG: PATH: reason"
 * and return 2 (a negative return of FN is
 * reported as out of memory and returned as 2). */
int tool_stream_input(const char *prog, const char *path,
		      int (*fn)(void *arg, const void *data, size_t len), void *arg);
/* The same from an open stream F, read from where it stands (not closed);
 * NAME is the input's name in messages. */
int tool_stream_file(const char *prog, const char *name, FILE *f,
		     int (*fn)(void *arg, const void *data, size_t len), void *arg);

/* 1 when writing to stdout has failed (the caller should stop producing
 * output and finish with tool_finish_stdout). */
int tool_stdout_failed(void);

/* Flush and close stdout. Returns status unchanged when everything was
 * written; otherwise prints "PROG: write error: strerror" (nothing for a
 * closed pipe, which is the reader's choice, as with SIGPIPE) and returns 2. */
int tool_finish_stdout(const char *prog, int status);

#endif
