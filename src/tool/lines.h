/* Bounded reading of a log for the commands that work on windows of lines
 * (decode, symbolize): bytes are pushed in (read from a file, or produced by
 * a decompressor) and come out as lines; memory is bounded by the piece being
 * worked on, never by the input. */
#ifndef CRASHSIG_TOOL_LINES_H
#define CRASHSIG_TOOL_LINES_H

#include <stddef.h>
#include <stdio.h>

/* Longest line handed out at once: a longer line comes in segments of this
 * size (more/cont). No kernel line comes near it. */
#define TOOL_MAX_LINE (64 * 1024)

struct crashsig_line;

/* A line, or one segment of a line longer than TOOL_MAX_LINE, as the
 * library's input layer reads it (decompressed, split at any line end, mail
 * decoded, NUL bytes and ANSI escapes removed). */
typedef struct tool_line {
	const char *s; /* the whole line, console prefix kept; NUL terminated */
	size_t len;
	const char *text; /* the console text: s without its prefix */
	size_t tlen;
	size_t full;   /* bytes of the input line so far (all segments) */
	int nl;        /* the line ended with a line end here */
	int more;      /* the line goes on in the next segment */
	int cont;      /* this segment continues the previous one */
	const struct crashsig_line *cl; /* the library's view */
} tool_line;

/* Receives each line; a non-zero return stops and is returned. */
typedef int (*tool_line_fn)(void *arg, const tool_line *l);

/* Read the open stream F (NAME in messages) through the library's input
 * layer and call FN for every line. Returns 0, FN's non-zero return, or 2
 * after printing "PROG: NAME: reason" (read, decompression, archive errors;
 * a negative return of FN is reported as out of memory). */
int tool_read_lines(const char *prog, const char *name, FILE *f, tool_line_fn fn,
		    void *arg);
/* The same for PATH ('-' is stdin), opened with tool_open. */
int tool_read_path(const char *prog, const char *path, tool_line_fn fn, void *arg);

/* A growable text piece (whole lines) with the offset of each line. */
typedef struct tool_piece {
	char *text;
	size_t len, cap;
	size_t *lines; /* start offset of each line in text */
	size_t nlines, lcap;
} tool_piece;

/* Append one line (a '\n' is added). Returns 0 or -1 (ENOMEM). */
int tool_piece_add(tool_piece *p, const char *line, size_t len);
/* Keep only the lines from index `from` on. */
void tool_piece_keep_from(tool_piece *p, size_t from);
void tool_piece_free(tool_piece *p);

#endif
