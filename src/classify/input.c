#include "classify/input.h"

#include <string.h>

void cs_splitter_init(cs_splitter *s, size_t max_line, cs_line_fn fn, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->max_line = max_line ? max_line : 65536;
	s->fn = fn;
	s->arg = arg;
}

static int emit(cs_splitter *s, const char *data, size_t len, uint64_t raw)
{
	if (len > s->max_line)
		len = s->max_line;
	if (len && data[len - 1] == '\r')
		len--;
	int rc = s->fn(s->arg, data, len, s->off, raw);
	s->off += raw;
	return rc;
}

int cs_splitter_feed(cs_splitter *s, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			size_t n = (size_t)(end - p);
			size_t room = s->partial.len < s->max_line + 1
					      ? s->max_line + 1 - s->partial.len
					      : 0;
			if (cs_buf_add(&s->partial, p, n < room ? n : room))
				return CRASHSIG_ENOMEM;
			s->pending += n;
			return 0;
		}
		size_t n = (size_t)(nl - p);
		int rc;
		if (s->pending) {
			size_t room = s->partial.len < s->max_line + 1
					      ? s->max_line + 1 - s->partial.len
					      : 0;
			if (cs_buf_add(&s->partial, p, n < room ? n : room))
				return CRASHSIG_ENOMEM;
			rc = emit(s, s->partial.data, s->partial.len,
				  s->pending + n + 1);
			cs_buf_clear(&s->partial);
			s->pending = 0;
		} else {
			rc = emit(s, p, n, n + 1);
		}
		if (rc)
			return rc;
		p = nl + 1;
	}
	return 0;
}

int cs_splitter_finish(cs_splitter *s)
{
	int rc = 0;
	if (s->pending) {
		rc = emit(s, s->partial.data, s->partial.len, s->pending);
		cs_buf_clear(&s->partial);
		s->pending = 0;
	}
	return rc;
}

void cs_splitter_free(cs_splitter *s)
{
	if (s)
		cs_buf_free(&s->partial);
}
