#include "lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (256 * 1024)

int tool_lines_init(tool_linereader *r, FILE *in)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->buf = malloc(READ_CHUNK);
	r->line = malloc(TOOL_MAX_LINE + 1);
	if (!r->buf || !r->line) {
		tool_lines_free(r);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int tool_lines_next(tool_linereader *r)
{
	r->cont = r->more;
	r->more = 0;
	r->len = 0;
	r->nl = 0;
	if (!r->cont)
		r->full = 0;
	for (;;) {
		if (r->pos == r->end) {
			if (r->eof)
				break;
			r->pos = 0;
			r->end = fread(r->buf, 1, READ_CHUNK, r->in);
			if (r->end < READ_CHUNK) {
				if (ferror(r->in))
					return -1;
				r->eof = 1;
			}
			if (!r->end)
				break;
		}
		const char *p = r->buf + r->pos;
		size_t avail = r->end - r->pos;
		const char *nl = memchr(p, '\n', avail);
		size_t n = nl ? (size_t)(nl - p) : avail;
		size_t room = TOOL_MAX_LINE - r->len;
		if (n > room) {
			/* the line goes on: hand out this segment */
			memcpy(r->line + r->len, p, room);
			r->len += room;
			r->full += room;
			r->pos += room;
			r->more = 1;
			break;
		}
		memcpy(r->line + r->len, p, n);
		r->len += n;
		r->full += n;
		r->pos += n + (nl ? 1 : 0);
		if (nl) {
			r->nl = 1;
			break;
		}
	}
	r->line[r->len] = 0;
	return r->len || r->nl || r->more ? 1 : 0;
}

void tool_lines_free(tool_linereader *r)
{
	free(r->buf);
	free(r->line);
	r->buf = r->line = NULL;
}

int tool_piece_add(tool_piece *p, const char *line, size_t len)
{
	if (p->len + len + 2 > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		while (cap < p->len + len + 2)
			cap *= 2;
		char *t = realloc(p->text, cap);
		if (!t)
			return -1;
		p->text = t;
		p->cap = cap;
	}
	if (p->nlines == p->lcap) {
		size_t cap = p->lcap ? p->lcap * 2 : 256;
		size_t *v = realloc(p->lines, cap * sizeof(*v));
		if (!v)
			return -1;
		p->lines = v;
		p->lcap = cap;
	}
	p->lines[p->nlines++] = p->len;
	memcpy(p->text + p->len, line, len);
	p->len += len;
	p->text[p->len++] = '\n';
	p->text[p->len] = 0;
	return 0;
}

void tool_piece_keep_from(tool_piece *p, size_t from)
{
	if (from >= p->nlines) {
		p->len = p->nlines = 0;
		if (p->text)
			p->text[0] = 0;
		return;
	}
	size_t off = p->lines[from];
	memmove(p->text, p->text + off, p->len - off + 1);
	p->len -= off;
	for (size_t i = from; i < p->nlines; i++)
		p->lines[i - from] = p->lines[i] - off;
	p->nlines -= from;
}

void tool_piece_free(tool_piece *p)
{
	free(p->text);
	free(p->lines);
	memset(p, 0, sizeof(*p));
}
