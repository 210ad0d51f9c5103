/* Bounded reading of a log for the commands that work on windows of lines
 * (decode, symbolize): memory is bounded by the piece being worked on, never
 * by the input. */
#ifndef CRASHSIG_TOOL_LINES_H
#define CRASHSIG_TOOL_LINES_H

#include <stddef.h>
#include <stdio.h>

/* Longest line handed out at once: a longer line comes in segments of this
 * size (more/cont). No kernel line comes near it. */
#define TOOL_MAX_LINE (64 * 1024)

typedef struct tool_linereader {
	FILE *in;
	char *buf;      /* read buffer (owned) */
	size_t pos, end;
	char *line;     /* current segment without '\n', NUL terminated (owned) */
	size_t len;     /* bytes in line (<= TOOL_MAX_LINE) */
	size_t full;    /* bytes of the input line so far (all segments) */
	int nl;         /* the line ended in '\n' here */
	int more;       /* the line goes on in the next segment */
	int cont;       /* this segment continues the previous one */
	int eof;
} tool_linereader;

/* Owner: the caller; release with tool_lines_free. Returns 0 or -1 (ENOMEM). */
int tool_lines_init(tool_linereader *r, FILE *in);
/* Next line or segment of a long line: 1 with r->line/len set, 0 at the
 * end of input, -1 on a read error (errno set). */
int tool_lines_next(tool_linereader *r);
void tool_lines_free(tool_linereader *r);

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
