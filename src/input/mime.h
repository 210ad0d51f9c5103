/* MIME pieces for reading mail (RFC 2045-2047, 2231, 3676): header values,
 * Content-Type parameters, quoted-printable and base64 decoding, encoded
 * words, charset conversion to UTF-8. Bounded: every output is capped by
 * the caller's buffer limits. */
#ifndef CRASHSIG_INPUT_MIME_H
#define CRASHSIG_INPUT_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* A charset converter to UTF-8. "utf-8", "us-ascii" and unknown charsets
 * pass bytes through (an unknown one is flagged); bytes that do not
 * convert are kept as they are (JSON output escapes them). */
typedef struct cs_charset {
	void *cd;     /* iconv_t, or NULL: pass through */
	int unknown;  /* the charset was named but iconv does not know it */
	char name[40];
} cs_charset;

void cs_charset_init(cs_charset *c);
/* Select the charset by its MIME name (case-insensitive; NULL/"" = none). */
void cs_charset_set(cs_charset *c, const char *name);
/* Append s (n bytes) converted to UTF-8 to out, at most max bytes in all. */
int cs_charset_convert(cs_charset *c, const char *s, size_t n, cs_buf *out, size_t max);
void cs_charset_free(cs_charset *c);

/* Decode one line of quoted-printable (without its line end) and append
 * the bytes to out (at most max bytes in all). Returns 1 when the line ends
 * in a soft line break ("=" at the end), else 0; < 0 on ENOMEM. Invalid
 * escapes are kept as they are; trailing blanks (transport padding) are
 * dropped. */
int cs_qp_line(const char *s, size_t n, cs_buf *out, size_t max);

/* Base64 decoder state across lines: characters outside the alphabet are
 * skipped, '=' ends a group. */
typedef struct cs_b64 {
	uint32_t acc;
	int bits;
	int done; /* '=' seen: the rest of the part is ignored until a reset */
} cs_b64;
/* Decode s (n chars) into out (n * 3 / 4 + 3 bytes available); returns the
 * number of bytes written. */
size_t cs_b64_decode(cs_b64 *b, const char *s, size_t n, unsigned char *out);

/* Case-insensitive compare of a header name (n bytes) with name. */
int cs_header_is(const char *s, size_t n, const char *name);

/* A parsed Content-Type / Content-Disposition value. */
typedef struct cs_ctype {
	char type[64];     /* "text/plain", lower case; "" when absent */
	char boundary[76]; /* RFC 2046: 1..70 characters */
	char charset[40];
	char name[128];    /* name= / filename= */
	int flowed;        /* format=flowed */
	int delsp;         /* delsp=yes */
} cs_ctype;
/* Parse "type/subtype; param=value; ..." (quoted strings, comments, RFC 2231
 * "param*=charset''value" and "param*0=" continuations joined). */
void cs_ctype_parse(const char *s, size_t n, cs_ctype *ct);
/* The first token of a value, lower case ("quoted-printable",
 * "attachment"). */
void cs_token(const char *s, size_t n, char *out, size_t outlen);

/* Decode RFC 2047 encoded words in a header value and unfold it: blanks
 * between adjacent encoded words go, runs of blanks become one, the result
 * is UTF-8 (converted with the word's charset). Appends to out (at most max
 * bytes). */
int cs_header_decode(const char *s, size_t n, cs_buf *out, size_t max);

/* The address of a From:-like value ("Name <a@b>" or "a@b (Name)"), lower
 * case, into out; and the display name into name (either may be NULL). */
void cs_addr_parse(const char *s, size_t n, char *addr, size_t alen, char *name,
		   size_t nlen);

#endif
