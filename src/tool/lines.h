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

/* A line, or one segment of a line longer than TOOL_MAX_LINE. */
typedef struct tool_line {
	const char *s; /* without '\n', NUL terminated */
	size_t len;
	size_t full;   /* bytes of the input line so far (all segments) */
	int nl;        /* the line ended in '\n' here */
	int more;      /* the line goes on in the next segment */
	int cont;      /* this segment continues the previous one */
} tool_line;

/* Receives each line; a non-zero return stops and is returned. */
typedef int (*tool_line_fn)(void *arg, const tool_line *l);

typedef struct tool_lines {
	char *buf; /* owned */
	size_t len, full;
	int cont;
	tool_line_fn fn;
	void *arg;
} tool_lines;

/* Owner: the caller; release with tool_lines_free. Returns 0 or -1 (ENOMEM). */
int tool_lines_init(tool_lines *a, tool_line_fn fn, void *arg);
/* Push bytes (the signature of crashsig_write_fn: arg is the tool_lines). */
int tool_lines_write(void *a, const void *data, size_t n);
/* End of input: hands out a last line without '\n'. */
int tool_lines_finish(tool_lines *a);
void tool_lines_free(tool_lines *a);
/* Push all of f. Returns 0, the callback's non-zero, or -1 on a read error
 * (errno set). */
int tool_lines_read(tool_lines *a, FILE *f);

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
