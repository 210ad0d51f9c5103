#include "classify/input.h"

#include <string.h>

void cs_splitter_init(cs_splitter *s, size_t max_line, cs_line_fn fn, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->max_line = max_line ? max_line : 65536;
	/* "no limit" (SIZE_MAX) must not wrap the room computations below */
	if (s->max_line > SIZE_MAX / 2)
		s->max_line = SIZE_MAX / 2;
	s->fn = fn;
	s->arg = arg;
}

static int emit(cs_splitter *s, const char *data, size_t len, uint64_t raw)
{
	if (len > s->max_line)
		len = s->max_line;
	int rc = s->fn(s->arg, data, len, s->off, raw);
	s->off += raw;
	return rc;
}

/* Keep up to max_line bytes of the line being assembled across pieces. */
static int add_partial(cs_splitter *s, const char *p, size_t n)
{
	size_t room = s->partial.len < s->max_line ? s->max_line - s->partial.len : 0;
	return cs_buf_add(&s->partial, p, n < room ? n : room) ? CRASHSIG_ENOMEM : 0;
}

static int flush_partial(cs_splitter *s)
{
	int rc = emit(s, s->partial.data ? s->partial.data : "", s->partial.len,
		      s->pending);
	cs_buf_clear(&s->partial);
	s->pending = 0;
	s->in_cr = 0;
	return rc;
}

int cs_splitter_feed(cs_splitter *s, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	if (s->in_cr) {
		/* the last piece ended in '\r': more '\r' and one '\n' belong
		 * to the same line end */
		while (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		s->pending += (uint64_t)(p - data);
		if (p == end && (p == data || p[-1] == '\r'))
			return 0;
		int rc = flush_partial(s);
		if (rc)
			return rc;
	}
	const char *nl = NULL; /* first '\n' at or after p; end when none */
	while (p < end) {
		if (!nl || nl < p) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl)
				nl = end;
		}
		const char *cr = memchr(p, '\r', (size_t)(nl - p));
		const char *le = cr ? cr : nl; /* end of the line's text */
		const char *q;                 /* after the line end */
		if (cr) {
			q = cr;
			while (q < end && *q == '\r')
				q++;
			if (q < end && *q == '\n')
				q++;
		} else {
			q = nl < end ? nl + 1 : end;
		}
		if (q == end && (q == le || q[-1] == '\r')) {
			/* no line end yet, or one that may continue in the
			 * next piece */
			if (add_partial(s, p, (size_t)(le - p)))
				return CRASHSIG_ENOMEM;
			s->pending += (uint64_t)(end - p);
			s->in_cr = q != le;
			return 0;
		}
		int rc;
		if (s->pending) {
			if (add_partial(s, p, (size_t)(le - p)))
				return CRASHSIG_ENOMEM;
			s->pending += (uint64_t)(q - p);
			rc = flush_partial(s);
		} else {
			rc = emit(s, p, (size_t)(le - p), (uint64_t)(q - p));
		}
		if (rc)
			return rc;
		p = q;
	}
	return 0;
}

int cs_splitter_finish(cs_splitter *s)
{
	if (s->pending)
		return flush_partial(s);
	return 0;
}

void cs_splitter_free(cs_splitter *s)
{
	if (s)
		cs_buf_free(&s->partial);
}
