#include "classify/input.h"

#include <string.h>

void cs_splitter_init(cs_splitter *s, size_t max_line, cs_line_fn fn, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->max_line = max_line ? max_line : 65536;
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

static int split(void *arg, const char *data, size_t len)
{
	cs_splitter *s = arg;
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

int cs_splitter_feed(cs_splitter *s, const char *data, size_t len)
{
	return cs_decomp_feed(&s->dec, data, len, split, s);
}

int cs_splitter_finish(cs_splitter *s)
{
	int rc = cs_decomp_finish(&s->dec, split, s);
	if (rc)
		return rc;
	if (s->pending) {
		rc = emit(s, s->partial.data, s->partial.len, s->pending);
		cs_buf_clear(&s->partial);
		s->pending = 0;
	}
	return rc;
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
