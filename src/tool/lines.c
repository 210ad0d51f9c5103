#include "lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (256 * 1024)

int tool_lines_init(tool_lines *a, tool_line_fn fn, void *arg)
{
	memset(a, 0, sizeof(*a));
	a->fn = fn;
	a->arg = arg;
	a->buf = malloc(TOOL_MAX_LINE + 1);
	if (!a->buf) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int emit(tool_lines *a, int nl, int more)
{
	a->buf[a->len] = 0;
	tool_line l = {a->buf, a->len, a->full, nl, more, a->cont};
	int rc = a->fn(a->arg, &l);
	a->len = 0;
	a->cont = more;
	if (!more)
		a->full = 0;
	return rc;
}

int tool_lines_write(void *arg, const void *data, size_t n)
{
	tool_lines *a = arg;
	const char *d = data;
	while (n) {
		const char *nl = memchr(d, '\n', n);
		size_t k = nl ? (size_t)(nl - d) : n;
		size_t room = TOOL_MAX_LINE - a->len;
		int rc;
		if (k > room) {
			/* the line goes on: hand out this segment */
			memcpy(a->buf + a->len, d, room);
			a->len += room;
			a->full += room;
			d += room;
			n -= room;
			if ((rc = emit(a, 0, 1)))
				return rc;
			continue;
		}
		memcpy(a->buf + a->len, d, k);
		a->len += k;
		a->full += k;
		d += k;
		n -= k;
		if (nl) {
			d++;
			n--;
			if ((rc = emit(a, 1, 0)))
				return rc;
		}
	}
	return 0;
}

int tool_lines_finish(tool_lines *a)
{
	if (a->len || a->cont)
		return emit(a, 0, 0);
	return 0;
}

void tool_lines_free(tool_lines *a)
{
	free(a->buf);
	a->buf = NULL;
}

int tool_lines_read(tool_lines *a, FILE *f)
{
	char *chunk = malloc(READ_CHUNK);
	if (!chunk) {
		errno = ENOMEM;
		return -1;
	}
	int rc = 0;
	size_t n;
	while (!rc && (n = fread(chunk, 1, READ_CHUNK, f)) > 0)
		rc = tool_lines_write(a, chunk, n);
	if (!rc && ferror(f))
		rc = -1;
	free(chunk);
	return rc;
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
