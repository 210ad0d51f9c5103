/* Little-endian byte cursor over a DWARF section, shared by the two fast
 * readers (line_table.c, die_walk.c). Private to src/symbolize/. Inline: it
 * is the inner loop of both. */
#ifndef CRASHSIG_DWARF_CURSOR_H
#define CRASHSIG_DWARF_CURSOR_H

#include <stdint.h>
#include <string.h>

#include "symbolize/symbolize_int.h"

struct lcur {
	const unsigned char *p, *end;
	int bad;
};

static inline uint64_t rd_uleb(struct lcur *c)
{
	uint64_t v = 0;
	unsigned sh = 0;
	while (c->p < c->end) {
		unsigned char b = *c->p++;
		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80))
			return v;
	}
	c->bad = 1;
	return 0;
}

static inline int64_t rd_sleb(struct lcur *c)
{
	uint64_t v = 0;
	unsigned sh = 0;
	unsigned char b = 0;
	while (c->p < c->end) {
		b = *c->p++;
		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80)) {
			if (sh < 64 && (b & 0x40))
				v |= ~(uint64_t)0 << sh;
			return (int64_t)v;
		}
	}
	c->bad = 1;
	return 0;
}

static inline uint64_t rd_n(struct lcur *c, unsigned n)
{
	if ((size_t)(c->end - c->p) < n) {
		c->bad = 1;
		c->p = c->end;
		return 0;
	}
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) /* little endian only (checked) */
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += n;
	return v;
}

static inline const char *rd_cstr(struct lcur *c)
{
	const unsigned char *z = memchr(c->p, 0, (size_t)(c->end - c->p));
	if (!z) {
		c->bad = 1;
		c->p = c->end;
		return NULL;
	}
	const char *r = (const char *)c->p;
	c->p = z + 1;
	return r;
}

static inline const char *sec_str(const struct secdata *sd, uint64_t off)
{
	if (!sd->d || off >= sd->n || !memchr(sd->d + off, 0, sd->n - off))
		return NULL;
	return (const char *)sd->d + off;
}

#endif
