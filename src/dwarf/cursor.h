/* Little-endian byte cursor over a DWARF section: ULEB128 / SLEB128,
 * fixed-size little-endian values, NUL-terminated strings. Private to the
 * library (src/dwarf/ and its users: die.c, symbolize's line_table.c).
 * Inline: it is the inner loop of every reader built on it.
 *
 * A read past the end sets bad (sticky), returns 0 and leaves p at end, so a
 * caller checks bad once after a group of reads. Values are assembled byte
 * by byte: the host's byte order does not matter. */
#ifndef CRASHSIG_DWARF_CURSOR_H
#define CRASHSIG_DWARF_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct dwr_cur {
	const unsigned char *p, *end;
	int bad;
} dwr_cur;

/* A section's bytes (mapped or owned by libelf / libdwfl: borrowed). */
typedef struct dwr_sec {
	const unsigned char *d;
	size_t n;
} dwr_sec;

static inline uint64_t dwr_uleb(dwr_cur *c)
{
	if (c->p < c->end && !(*c->p & 0x80)) /* one byte: codes, names, forms */
		return *c->p++;
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

static inline int64_t dwr_sleb(dwr_cur *c)
{
	uint64_t v = 0;
	unsigned sh = 0;
	while (c->p < c->end) {
		unsigned char b = *c->p++;
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

/* An n-byte little-endian value (n <= 8). */
static inline uint64_t dwr_fixed(dwr_cur *c, unsigned n)
{
	if ((size_t)(c->end - c->p) < n) {
		c->bad = 1;
		c->p = c->end;
		return 0;
	}
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += n;
	return v;
}

static inline void dwr_skip(dwr_cur *c, uint64_t n)
{
	if ((uint64_t)(c->end - c->p) < n) {
		c->bad = 1;
		c->p = c->end;
	} else {
		c->p += n;
	}
}

/* The NUL-terminated string at the cursor (pointing into the section). */
static inline const char *dwr_cstr(dwr_cur *c)
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

/* The string at offset off of a string section, NULL when off is out of
 * the section or the string is not terminated inside it. */
static inline const char *dwr_sec_str(const dwr_sec *s, uint64_t off)
{
	if (!s->d || off >= s->n || !memchr(s->d + off, 0, s->n - off))
		return NULL;
	return (const char *)s->d + off;
}

#endif
