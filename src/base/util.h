/* Small internal helpers: growable byte buffer, error reporting. */
#ifndef CRASHSIG_UTIL_H
#define CRASHSIG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "crashsig/base.h"

/* Marks a symbol as part of the public ABI of the shared library. */
#define CS_EXPORT __attribute__((visibility("default")))

#if defined(__GNUC__)
#define CS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CS_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define CS_PRINTF(a, b)
#define CS_ALWAYS_INLINE inline
#endif

/* Growable buffer; always NUL terminated when data != NULL. Owner: the
 * struct holder; release with cs_buf_free. */
typedef struct cs_buf {
	char *data;
	size_t len;
	size_t cap;
} cs_buf;

int cs_buf_reserve(cs_buf *b, size_t extra);
int cs_buf_add(cs_buf *b, const void *data, size_t len);
/* One byte: in place while the buffer has room (the hot case of titles
 * and templates built byte by byte), else through cs_buf_add. */
static inline int cs_buf_addc(cs_buf *b, char c)
{
	if (b->len + 2 <= b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = 0;
		return 0;
	}
	return cs_buf_add(b, &c, 1);
}
int cs_buf_adds(cs_buf *b, const char *s);
int cs_buf_printf(cs_buf *b, const char *fmt, ...) CS_PRINTF(2, 3);
void cs_buf_clear(cs_buf *b);
void cs_buf_free(cs_buf *b);
/* Hand the buffer's memory to the caller (never NULL unless ENOMEM). */
char *cs_buf_detach(cs_buf *b);

char *cs_strndup(const char *s, size_t n);

/* Bump allocator for many small objects that live and die together (the
 * strings of the rules: one free instead of thousands, no malloc header
 * per string, contiguous pages). Owner: the struct holder; release with
 * cs_arena_free (which accepts an empty arena). */
typedef struct cs_arena_chunk cs_arena_chunk;
typedef struct cs_arena {
	cs_arena_chunk *head; /* the chunk being filled; older ones behind it */
} cs_arena;

/* n bytes aligned for any object, or NULL when out of memory. */
void *cs_arena_alloc(cs_arena *a, size_t n);
/* A NUL-terminated copy of the n bytes at s, or NULL. */
char *cs_arena_strndup(cs_arena *a, const char *s, size_t n);
char *cs_arena_strdup(cs_arena *a, const char *s);
void cs_arena_free(cs_arena *a);

/* Length of the well-formed UTF-8 sequence at s (n bytes available):
 * 1..4, or 0 when s does not start one (invalid byte, overlong form,
 * surrogate, above U+10FFFF, truncated). Writers of JSON escape the bytes
 * for which it is 0. */
size_t cs_utf8_len(const unsigned char *s, size_t n);

/* Make room for at least `need` elements of `elem` bytes in the array *p of
 * capacity *cap (doubling). Returns 0 or CRASHSIG_ENOMEM (*p unchanged). */
int cs_reserve(void **p, size_t *cap, size_t need, size_t elem);

/* Error text storage embedded in objects that report errors. */
typedef struct cs_err {
	char msg[512];
} cs_err;

/* Store a formatted message in e (if non-NULL) and return code. */
int cs_error(cs_err *e, int code, const char *fmt, ...) CS_PRINTF(3, 4);

/* Calls fn(arg, path, name) for every file below dir: entries whose name
 * starts with '.' are left out, directories are descended into at most
 * max_depth levels deep, symbolic links to directories only with
 * follow_links. path ("dir/.../name") and name are valid during the call.
 * Returns 0, fn's first non-zero result, CRASHSIG_ENOMEM, or CRASHSIG_EIO
 * (errno set) when dir itself cannot be opened; subdirectories that cannot
 * be opened are passed over. */
int cs_dir_walk(const char *dir, int max_depth, int follow_links,
		int (*fn)(void *arg, const char *path, const char *name), void *arg);

static inline int cs_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}
static inline int cs_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int cs_isxdigit(int c)
{
	return cs_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int cs_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline int cs_isalnum(int c) { return cs_isalpha(c) || cs_isdigit(c); }
static inline int cs_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Value + 1 of a hex digit, 0 for other bytes. */
extern const unsigned char cs_hex1[256];

/* Hex digits (no "0x") at s: their count (0 if none) and, in *out, their
 * value (of a run longer than 16 digits, the last 16). Inline: the frame
 * parser reads two or three numbers per stack line. */
static CS_ALWAYS_INLINE size_t cs_hex_digits(const char *s, size_t len,
					      uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	unsigned d;
	/* no bound check per digit: four at a time while four bytes are
	 * there, then the last one to three (frame offsets have 1-5 digits
	 * and often end the line, addresses have 8 or 16) */
#define CS_HEX_STEP(k)                                                         \
	if (!(d = cs_hex1[(unsigned char)s[i + (k)]])) {                       \
		i += (k);                                                      \
		goto done;                                                     \
	}                                                                      \
	v = (v << 4) | (d - 1);
	for (; len - i >= 4; i += 4) {
		CS_HEX_STEP(0) CS_HEX_STEP(1) CS_HEX_STEP(2) CS_HEX_STEP(3)
	}
	switch (len - i) {
	case 3:
		CS_HEX_STEP(0) CS_HEX_STEP(1) CS_HEX_STEP(2)
		break;
	case 2:
		CS_HEX_STEP(0) CS_HEX_STEP(1)
		break;
	case 1:
		CS_HEX_STEP(0)
		break;
	}
	i = len;
#undef CS_HEX_STEP
done:
	*out = v;
	return i;
}

/* Parse hex digits at s (optional 0x); returns chars consumed (0 if none,
 * *out untouched then). */
static inline size_t cs_parse_hex(const char *s, size_t len, uint64_t *out)
{
	size_t i = 0;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    cs_hex1[(unsigned char)s[2]])
		i = 2;
	uint64_t v;
	size_t n = cs_hex_digits(s + i, len - i, &v);
	if (!n)
		return 0;
	*out = v;
	return i + n;
}

#endif
