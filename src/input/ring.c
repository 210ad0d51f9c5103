/*
 * The last bytes of a stream (see ring.h).
 */
#include "input/ring.h"

#include <stdlib.h>
#include <string.h>

#include "crashsig/base.h"

int cs_ring_init(cs_ring *r, size_t cap)
{
	r->end = 0;
	r->cap = cap ? cap : 1;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : CRASHSIG_ENOMEM;
}

void cs_ring_free(cs_ring *r)
{
	if (!r)
		return;
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

void cs_ring_add(cs_ring *r, const char *p, size_t n)
{
	if (!r->buf)
		return;
	if (n > r->cap) { /* only the last cap bytes stay */
		r->end += n - r->cap;
		p += n - r->cap;
		n = r->cap;
	}
	size_t at = (size_t)(r->end % r->cap);
	size_t k = r->cap - at < n ? r->cap - at : n;
	memcpy(r->buf + at, p, k);
	memcpy(r->buf, p + k, n - k);
	r->end += n;
}

char *cs_ring_lines(const cs_ring *r, uint64_t from, uint64_t to, size_t *len)
{
	*len = 0;
	if (!r->buf)
		return NULL;
	uint64_t lo = r->end > r->cap ? r->end - r->cap : 0;
	if (to > r->end)
		to = r->end;
	if (from < lo)
		from = lo;
	/* (the byte before lo is gone: a line may start there or not) */
	if (from > 0 && from < to && (from == lo || r->buf[(size_t)((from - 1) % r->cap)] != '\n')) {
		uint64_t f = from;
		while (f < to && r->buf[(size_t)(f % r->cap)] != '\n')
			f++;
		if (f < to)
			from = f + 1;
	}
	if (from >= to)
		return NULL;
	size_t n = (size_t)(to - from);
	char *o = malloc(n);
	if (!o)
		return NULL;
	size_t at = (size_t)(from % r->cap);
	size_t k = r->cap - at < n ? r->cap - at : n;
	memcpy(o, r->buf + at, k);
	memcpy(o + k, r->buf, n - k);
	*len = n;
	return o;
}
