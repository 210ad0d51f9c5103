/* MIME pieces for reading mail. See mime.h.
 * References: RFC 2045 (quoted-printable 6.7, base64 6.8), RFC 2046
 * (multipart boundaries 5.1.1), RFC 2047 (encoded words), RFC 2231
 * (parameter continuations and charsets), RFC 5322 (addresses, folding). */
#include "input/mime.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* Charsets                                                            */
/* ------------------------------------------------------------------ */

void cs_charset_init(cs_charset *c)
{
	memset(c, 0, sizeof(*c));
}

static int passthrough(const char *n)
{
	static const char *const names[] = {
		"utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "7bit", "8bit",
		"unknown-8bit", "x-unknown", "default",
	};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcasecmp(n, names[k]))
			return 1;
	return 0;
}

void cs_charset_set(cs_charset *c, const char *name)
{
	cs_charset_free(c);
	if (!name || !*name || passthrough(name))
		return;
	size_t n = strlen(name);
	if (n >= sizeof(c->name))
		n = sizeof(c->name) - 1;
	memcpy(c->name, name, n);
	c->name[n] = 0;
	/* gb2312 mail is GBK in practice (as mail readers treat it) */
	const char *from = !strcasecmp(c->name, "gb2312") ? "GBK" : c->name;
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1) {
		c->unknown = 1;
		return;
	}
	c->cd = cd;
}

int cs_charset_convert(cs_charset *c, const char *s, size_t n, cs_buf *out, size_t max)
{
	if (out->len >= max)
		return 0;
	if (!c->cd) {
		size_t take = n < max - out->len ? n : max - out->len;
		return cs_buf_add(out, s, take) ? CRASHSIG_ENOMEM : 0;
	}
	iconv(c->cd, NULL, NULL, NULL, NULL); /* initial shift state */
	char *in = (char *)(uintptr_t)s;
	size_t left = n;
	while (left && out->len < max) {
		size_t room = max - out->len;
		if (room > 4096)
			room = 4096;
		if (cs_buf_reserve(out, room))
			return CRASHSIG_ENOMEM;
		char *o = out->data + out->len;
		size_t olen = room;
		size_t r = iconv(c->cd, &in, &left, &o, &olen);
		out->len = (size_t)(o - out->data);
		out->data[out->len] = 0;
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		/* EILSEQ / EINVAL: keep the byte as it is and go on */
		if (left && out->len < max) {
			if (cs_buf_addc(out, *in))
				return CRASHSIG_ENOMEM;
			in++;
			left--;
			iconv(c->cd, NULL, NULL, NULL, NULL);
		}
	}
	return 0;
}

void cs_charset_free(cs_charset *c)
{
	if (c && c->cd)
		iconv_close((iconv_t)c->cd);
	if (c) {
		c->cd = NULL;
		c->unknown = 0;
		c->name[0] = 0;
	}
}

/* ------------------------------------------------------------------ */
/* Transfer encodings                                                  */
/* ------------------------------------------------------------------ */

int cs_qp_line(const char *s, size_t n, cs_buf *out, size_t max)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--; /* transport padding (RFC 2045 6.7 rule 3) */
	int soft = n && s[n - 1] == '=';
	if (soft)
		n--;
	if (cs_buf_reserve(out, n < max ? n : max))
		return CRASHSIG_ENOMEM;
	for (size_t i = 0; i < n && out->len < max; i++) {
		int h1, h2;
		char c = s[i];
		if (c == '=' && i + 2 < n && (h1 = cs_hexval((unsigned char)s[i + 1])) >= 0 &&
		    (h2 = cs_hexval((unsigned char)s[i + 2])) >= 0) {
			c = (char)(h1 * 16 + h2);
			i += 2;
		}
		out->data[out->len++] = c;
	}
	out->data[out->len] = 0;
	return soft;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

size_t cs_b64_decode(cs_b64 *b, const char *s, size_t n, unsigned char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n && !b->done; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '=') {
			b->done = 1;
			break;
		}
		int v = b64val(c);
		if (v < 0)
			continue; /* whitespace, garbage: skipped (RFC 2045 6.8) */
		b->acc = (b->acc << 6) | (uint32_t)v;
		b->bits += 6;
		if (b->bits >= 8) {
			b->bits -= 8;
			out[o++] = (unsigned char)(b->acc >> b->bits);
			b->acc &= (1u << b->bits) - 1;
		}
	}
	return o;
}

/* ------------------------------------------------------------------ */
/* Header values                                                       */
/* ------------------------------------------------------------------ */

int cs_header_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && !strncasecmp(s, name, n);
}

static void copy_lower(char *dst, size_t dlen, const char *s, size_t n)
{
	if (!dlen)
		return;
	if (n >= dlen)
		n = dlen - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	dst[n] = 0;
}

static void skip_ws_comments(const char *s, size_t n, size_t *i)
{
	while (*i < n) {
		if (cs_isspace((unsigned char)s[*i])) {
			(*i)++;
		} else if (s[*i] == '(') {
			int depth = 0;
			for (; *i < n; (*i)++) {
				if (s[*i] == '\\' && *i + 1 < n)
					(*i)++;
				else if (s[*i] == '(')
					depth++;
				else if (s[*i] == ')' && --depth == 0) {
					(*i)++;
					break;
				}
			}
		} else {
			return;
		}
	}
}

/* tspecials (RFC 2045 5.1) end a token */
static int tspecial(char c)
{
	return strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

void cs_token(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i = 0;
	skip_ws_comments(s, n, &i);
	size_t st = i;
	while (i < n && !cs_isspace((unsigned char)s[i]) && s[i] != ';' && s[i] != '(')
		i++;
	copy_lower(out, outlen, s + st, i - st);
}

/* A parameter value (token or quoted string) into out. */
static void param_value(const char *s, size_t n, size_t *i, char *out, size_t outlen,
			size_t *olen)
{
	size_t o = *olen;
	if (*i < n && s[*i] == '"') {
		(*i)++;
		while (*i < n && s[*i] != '"') {
			if (s[*i] == '\\' && *i + 1 < n)
				(*i)++;
			if (o + 1 < outlen)
				out[o++] = s[*i];
			(*i)++;
		}
		if (*i < n)
			(*i)++;
	} else {
		while (*i < n && s[*i] != ';' && !cs_isspace((unsigned char)s[*i])) {
			if (o + 1 < outlen)
				out[o++] = s[*i];
			(*i)++;
		}
	}
	if (outlen)
		out[o < outlen ? o : outlen - 1] = 0;
	*olen = o;
}

/* RFC 2231: "charset'lang'%XX..." extended value, percent-decoded in place. */
static void ext_value(char *v)
{
	char *q1 = strchr(v, '\'');
	char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	const char *src = q2 ? q2 + 1 : v;
	char *d = v;
	for (const char *p = src; *p; p++) {
		int h1, h2;
		if (*p == '%' && (h1 = cs_hexval((unsigned char)p[1])) >= 0 &&
		    (h2 = cs_hexval((unsigned char)p[2])) >= 0) {
			*d++ = (char)(h1 * 16 + h2);
			p += 2;
		} else {
			*d++ = *p;
		}
	}
	*d = 0;
}

void cs_ctype_parse(const char *s, size_t n, cs_ctype *ct)
{
	memset(ct, 0, sizeof(*ct));
	size_t i = 0;
	skip_ws_comments(s, n, &i);
	size_t st = i;
	while (i < n && s[i] != ';' && !cs_isspace((unsigned char)s[i]) && s[i] != '(')
		i++;
	copy_lower(ct->type, sizeof(ct->type), s + st, i - st);
	size_t bl = 0, nl = 0; /* lengths of continued boundary/name */
	while (i < n) {
		while (i < n && s[i] != ';')
			i++;
		if (i >= n)
			break;
		i++;
		skip_ws_comments(s, n, &i);
		st = i;
		while (i < n && !tspecial(s[i]) && !cs_isspace((unsigned char)s[i]))
			i++;
		char attr[48];
		copy_lower(attr, sizeof(attr), s + st, i - st);
		skip_ws_comments(s, n, &i);
		if (i >= n || s[i] != '=')
			continue;
		i++;
		skip_ws_comments(s, n, &i);
		/* attr, attr*, attr*0, attr*0*, attr*1 ... */
		char base[48];
		size_t al = strlen(attr);
		size_t cut = strcspn(attr, "*");
		int ext = al && attr[al - 1] == '*';
		int cont = cut < al && cs_isdigit((unsigned char)attr[cut + 1]);
		memcpy(base, attr, cut);
		base[cut] = 0;
		char val[256];
		size_t vl = 0;
		param_value(s, n, &i, val, sizeof(val), &vl);
		if (ext)
			ext_value(val);
		if (!strcmp(base, "boundary")) {
			size_t k = strlen(val);
			if (!cont)
				bl = 0;
			if (bl + k < sizeof(ct->boundary)) {
				memcpy(ct->boundary + bl, val, k + 1);
				bl += k;
			}
		} else if (!strcmp(base, "charset")) {
			copy_lower(ct->charset, sizeof(ct->charset), val, strlen(val));
		} else if (!strcmp(base, "name") || !strcmp(base, "filename")) {
			size_t k = strlen(val);
			if (!cont)
				nl = 0;
			if (nl + k < sizeof(ct->name)) {
				memcpy(ct->name + nl, val, k + 1);
				nl += k;
			}
		} else if (!strcmp(base, "format")) {
			ct->flowed = !strcasecmp(val, "flowed");
		} else if (!strcmp(base, "delsp")) {
			ct->delsp = !strcasecmp(val, "yes");
		}
	}
}

/* One encoded word "=?charset?E?text?=" at s[*i]; appended decoded and
 * converted to out. Returns 1 when it was one. */
static int encoded_word(const char *s, size_t n, size_t *i, cs_buf *out, size_t max)
{
	size_t p = *i;
	if (p + 8 > n || s[p] != '=' || s[p + 1] != '?')
		return 0;
	size_t cs = p + 2, q = cs;
	while (q < n && s[q] != '?' && !cs_isspace((unsigned char)s[q]))
		q++;
	if (q + 3 >= n || s[q] != '?' || s[q + 2] != '?')
		return 0;
	char enc = (char)(s[q + 1] | 0x20);
	if (enc != 'b' && enc != 'q')
		return 0;
	size_t t = q + 3, e = t;
	while (e + 1 < n && !(s[e] == '?' && s[e + 1] == '=') && !cs_isspace((unsigned char)s[e]))
		e++;
	if (e + 1 >= n || s[e] != '?' || s[e + 1] != '=')
		return 0;
	char csname[40];
	size_t cl = q - cs;
	const char *star = memchr(s + cs, '*', cl); /* RFC 2231 language */
	if (star)
		cl = (size_t)(star - (s + cs));
	if (cl >= sizeof(csname))
		cl = sizeof(csname) - 1;
	memcpy(csname, s + cs, cl);
	csname[cl] = 0;
	unsigned char tmp[512];
	size_t tl = 0;
	if (enc == 'b') {
		cs_b64 b = {0};
		size_t len = e - t;
		if (len > sizeof(tmp) * 4 / 3 - 4)
			len = sizeof(tmp) * 4 / 3 - 4;
		tl = cs_b64_decode(&b, s + t, len, tmp);
	} else {
		for (size_t k = t; k < e && tl < sizeof(tmp); k++) {
			int h1, h2;
			if (s[k] == '_')
				tmp[tl++] = ' ';
			else if (s[k] == '=' && k + 2 < e && (h1 = cs_hexval((unsigned char)s[k + 1])) >= 0 &&
				 (h2 = cs_hexval((unsigned char)s[k + 2])) >= 0) {
				tmp[tl++] = (unsigned char)(h1 * 16 + h2);
				k += 2;
			} else
				tmp[tl++] = (unsigned char)s[k];
		}
	}
	cs_charset c;
	cs_charset_init(&c);
	cs_charset_set(&c, csname);
	int rc = cs_charset_convert(&c, (const char *)tmp, tl, out, max);
	cs_charset_free(&c);
	*i = e + 2;
	return rc < 0 ? rc : 1;
}

int cs_header_decode(const char *s, size_t n, cs_buf *out, size_t max)
{
	size_t i = 0;
	int last_word = 0; /* the last thing appended was an encoded word */
	while (i < n && cs_isspace((unsigned char)s[i]))
		i++;
	while (i < n && out->len < max) {
		if (cs_isspace((unsigned char)s[i])) {
			while (i < n && cs_isspace((unsigned char)s[i]))
				i++;
			if (i >= n)
				break;
			/* blanks between two encoded words vanish */
			size_t save = i;
			if (last_word && s[i] == '=' && i + 1 < n && s[i + 1] == '?') {
				size_t len0 = out->len;
				int r = encoded_word(s, n, &i, out, max);
				if (r < 0)
					return r;
				if (r)
					continue;
				out->len = len0;
				i = save;
			}
			if (cs_buf_addc(out, ' '))
				return CRASHSIG_ENOMEM;
			last_word = 0;
			continue;
		}
		int r = encoded_word(s, n, &i, out, max);
		if (r < 0)
			return r;
		if (r) {
			last_word = 1;
			continue;
		}
		if (cs_buf_addc(out, s[i++]))
			return CRASHSIG_ENOMEM;
		last_word = 0;
	}
	if (out->len > max) {
		out->len = max;
		out->data[max] = 0;
	}
	return 0;
}

void cs_addr_parse(const char *s, size_t n, char *addr, size_t alen, char *name,
		   size_t nlen)
{
	if (addr && alen)
		addr[0] = 0;
	if (name && nlen)
		name[0] = 0;
	const char *lt = memchr(s, '<', n);
	const char *gt = lt ? memchr(lt, '>', n - (size_t)(lt - s)) : NULL;
	size_t as, ae;
	if (lt && gt) {
		as = (size_t)(lt - s) + 1;
		ae = (size_t)(gt - s);
		if (name && nlen) {
			size_t b = 0, e = (size_t)(lt - s);
			while (b < e && (cs_isspace((unsigned char)s[b]) || s[b] == '"'))
				b++;
			while (e > b && (cs_isspace((unsigned char)s[e - 1]) || s[e - 1] == '"'))
				e--;
			size_t k = e - b < nlen - 1 ? e - b : nlen - 1;
			memcpy(name, s + b, k);
			name[k] = 0;
		}
	} else {
		/* "a@b (Name)" or "a@b" */
		as = 0;
		while (as < n && cs_isspace((unsigned char)s[as]))
			as++;
		ae = as;
		while (ae < n && !cs_isspace((unsigned char)s[ae]) && s[ae] != '(' && s[ae] != ',')
			ae++;
		const char *op = memchr(s + ae, '(', n - ae);
		const char *cp = op ? memchr(op, ')', n - (size_t)(op - s)) : NULL;
		if (name && nlen && op && cp) {
			size_t k = (size_t)(cp - op - 1);
			if (k > nlen - 1)
				k = nlen - 1;
			memcpy(name, op + 1, k);
			name[k] = 0;
		}
	}
	if (addr && alen) {
		while (as < ae && cs_isspace((unsigned char)s[as]))
			as++;
		while (ae > as && cs_isspace((unsigned char)s[ae - 1]))
			ae--;
		copy_lower(addr, alen, s + as, ae - as);
	}
}
