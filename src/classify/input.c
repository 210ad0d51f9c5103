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
	cs_decomp_init(&s->dec);
}

/* "6,1234,5678,-;" at the start of a line: a /dev/kmsg (or netconsole
 * extended) record header. */
static int kmsg_record(const char *d, size_t len)
{
	size_t i = 0;
	for (int f = 0; f < 3; f++) {
		size_t st = i;
		while (i < len && cs_isdigit((unsigned char)d[i]))
			i++;
		if (i == st || i >= len || d[i] != ',')
			return 0;
		i++;
	}
	return i < len && (d[i] == '-' || d[i] == 'c' || d[i] == '+') &&
	       memchr(d + i, ';', len - i) != NULL;
}

/* " SUBSYSTEM=pci" / " DEVICE=+pci:0000:00:02.0": the dictionary lines that
 * follow a /dev/kmsg record; they are metadata, not console output. */
static int kmsg_dict(const char *d, size_t len)
{
	size_t i = 1;
	if (len < 3 || d[0] != ' ')
		return 0;
	while (i < len && ((d[i] >= 'A' && d[i] <= 'Z') || d[i] == '_' || cs_isdigit((unsigned char)d[i])))
		i++;
	return i > 1 && i < len && d[i] == '=';
}

static int emit(cs_splitter *s, const char *data, size_t len, uint64_t raw)
{
	if (len > s->max_line)
		len = s->max_line;
	if (len && data[len - 1] == '\r')
		len--;
	if (len && cs_isdigit((unsigned char)data[0]) && kmsg_record(data, len)) {
		s->kmsg = 1;
	} else if (s->kmsg && kmsg_dict(data, len)) {
		s->off += raw;
		return 0;
	}
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

static int split(void *arg, const char *data, size_t len)
{
	cs_splitter *s = arg;
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

int cs_splitter_feed(cs_splitter *s, const char *data, size_t len)
{
	return cs_decomp_feed(&s->dec, data, len, split, s);
}

int cs_splitter_finish(cs_splitter *s)
{
	int rc = cs_decomp_finish(&s->dec, split, s);
	if (rc)
		return rc;
	if (s->pending)
		return flush_partial(s);
	return 0;
}

void cs_splitter_free(cs_splitter *s)
{
	if (s) {
		cs_buf_free(&s->partial);
		cs_decomp_free(&s->dec);
	}
}

const char *cs_splitter_error(const cs_splitter *s)
{
	return s->dec.err[0] ? s->dec.err : NULL;
}
