/* Small string helpers shared by the objdump-style normalisers
 * (decode_x86.c, decode_arm.c) and the listing (decode_disasm.c). Private
 * to src/decode/. */
#ifndef CRASHSIG_DECODE_TEXT_H
#define CRASHSIG_DECODE_TEXT_H

#include <stdint.h>
#include <string.h>

#include "base/util.h"

static inline void str_replace_all(char *s, size_t cap, const char *from,
			    const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	char *p = s;
	while ((p = strstr(p, from))) {
		size_t rest = strlen(p + fl);
		if ((size_t)(p - s) + tl + rest + 1 > cap)
			return;
		memmove(p + tl, p + fl, rest + 1);
		memcpy(p, to, tl);
		p += tl;
	}
}

static inline int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* Parse a decimal or 0x-hex number with optional '-' at s; returns chars
 * consumed (0 if none). */
static inline size_t parse_num(const char *s, int *neg, uint64_t *v)
{
	size_t i = 0;
	*neg = 0;
	*v = 0;
	if (s[i] == '-') {
		*neg = 1;
		i++;
	}
	if (s[i] == '0' && s[i + 1] == 'x') {
		size_t h = cs_parse_hex(s + i, strlen(s + i), v);
		return h ? i + h : 0;
	}
	if (!cs_isdigit((unsigned char)s[i]))
		return 0;
	while (cs_isdigit((unsigned char)s[i]))
		*v = *v * 10 + (uint64_t)(s[i++] - '0');
	return i;
}

static const char hexd[] = "0123456789abcdef";

/* Hex digits of v, least significant first, into tmp; returns their count. */
static inline int hex_digits(uint64_t v, char tmp[16])
{
	int n = 0;
	do {
		tmp[n++] = hexd[v & 15];
		v >>= 4;
	} while (v);
	return n;
}

/* Write "0x%llx" (with an optional prefix) without printf. */
static inline size_t put_hex(char *o, const char *pfx, uint64_t v)
{
	size_t k = 0;
	while (*pfx)
		o[k++] = *pfx++;
	o[k++] = '0';
	o[k++] = 'x';
	char tmp[16];
	int n = hex_digits(v, tmp);
	while (n)
		o[k++] = tmp[--n];
	o[k] = 0;
	return k;
}

/* Rewrite capstone's AT&T operand text into objdump's: hex everywhere,
 * immediates unsigned in operand size, explicit 0x0 displacements, scale
 * ",1", no space after commas. */

#endif
