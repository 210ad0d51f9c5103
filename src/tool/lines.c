#include "lines.h"

#include <crashsig/crashsig.h>

#include "io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (64 * 1024)

typedef struct lread {
	tool_line_fn fn;
	void *arg;
	char *buf;
	size_t cap;
	size_t full;
	int rc; /* FN's non-zero return */
} lread;

static int on_cline(void *arg, const crashsig_line *cl)
{
	lread *r = arg;
	size_t need = cl->line_len + cl->len + 2;
	if (need > r->cap) {
		char *nb = realloc(r->buf, need);
		if (!nb)
			return r->rc = -1;
		r->buf = nb;
		r->cap = need;
	}
	memcpy(r->buf, cl->line, cl->line_len);
	r->buf[cl->line_len] = 0;
	const char *text = r->buf + cl->prefix_len;
	if (cl->text != cl->line + cl->prefix_len || cl->prefix_len > cl->line_len) {
		char *t = r->buf + cl->line_len + 1;
		memcpy(t, cl->text, cl->len);
		t[cl->len] = 0;
		text = t;
	}
	int cont = (cl->flags & CRASHSIG_LINE_CONT) != 0;
	int more = (cl->flags & CRASHSIG_LINE_MORE) != 0;
	r->full = (cont ? r->full : 0) + cl->line_len;
	tool_line l = {r->buf, cl->line_len, text, cl->len, r->full,
		       !more && !(cl->flags & CRASHSIG_LINE_NO_EOL), more, cont, cl};
	int rc = r->fn(r->arg, &l);
	if (rc)
		r->rc = rc;
	return rc;
}

int tool_read_lines(const char *prog, const char *name, FILE *f, tool_line_fn fn,
		    void *arg)
{
	crashsig_options co = CRASHSIG_OPTIONS_INIT;
	co.flags = CRASHSIG_CTX_NO_RULES;
	crashsig_ctx *ctx = NULL;
	crashsig_input *in = NULL;
	lread r = {fn, arg, NULL, 0, 0, 0};
	crashsig_input_options io = CRASHSIG_INPUT_OPTIONS_INIT;
	io.line = on_cline;
	io.arg = &r;
	io.flags = CRASHSIG_INPUT_SEGMENTS;
	io.max_line = TOOL_MAX_LINE;
	char *chunk = malloc(READ_CHUNK);
	if (!chunk || crashsig_ctx_new(&ctx, &co, NULL, 0) || crashsig_input_new(&in, ctx, &io)) {
		tool_err("%s: out of memory\n", prog);
		free(chunk);
		crashsig_ctx_free(ctx);
		return TOOL_EXIT_ERROR;
	}
	int status = 0;
	for (;;) {
		size_t n = fread(chunk, 1, READ_CHUNK, f);
		int rc = n ? crashsig_input_feed(in, chunk, n) : 0;
		if (!rc && n < READ_CHUNK) {
			if (ferror(f)) {
				tool_err("%s: %s: read error: %s\n", prog, name, strerror(errno));
				status = TOOL_EXIT_ERROR;
				break;
			}
			rc = crashsig_input_finish(in);
		}
		if (rc) {
			if (r.rc > 0)
				status = r.rc; /* FN's own return (FN reported it) */
			else if (r.rc < 0 || rc == CRASHSIG_ENOMEM) {
				tool_err("%s: %s: out of memory\n", prog, name);
				status = TOOL_EXIT_ERROR;
			} else {
				tool_err("%s: %s: %s\n", prog, name, crashsig_error_last(ctx));
				status = TOOL_EXIT_ERROR;
			}
			break;
		}
		if (n < READ_CHUNK)
			break;
	}
	free(chunk);
	free(r.buf);
	crashsig_input_free(in);
	crashsig_ctx_free(ctx);
	return status;
}

int tool_read_path(const char *prog, const char *path, tool_line_fn fn, void *arg)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	FILE *f = tool_open(prog, path);
	if (!f)
		return TOOL_EXIT_ERROR;
	int status = tool_read_lines(prog, name, f, fn, arg);
	tool_close(f);
	return status;
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
