#include "classify/normalize.h"

#include <stdint.h>
#include <string.h>

/* "[  123.456789]" at s: returns its length or 0 and sets *val. */
static size_t timestamp_len(const char *s, size_t len, double *val)
{
	static const double scale[] = {1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9};
	if (len < 4 || s[0] != '[')
		return 0;
	size_t i = 1;
	while (i < len && s[i] == ' ')
		i++;
	size_t d = i;
	uint64_t sec = 0, frac = 0;
	while (i < len && cs_isdigit((unsigned char)s[i]))
		sec = sec * 10 + (uint64_t)(s[i++] - '0');
	if (i == d || i >= len || s[i] != '.')
		return 0;
	i++;
	d = i;
	while (i < len && cs_isdigit((unsigned char)s[i]))
		frac = frac * 10 + (uint64_t)(s[i++] - '0');
	if (i == d || i >= len || s[i] != ']')
		return 0;
	*val = (double)sec + (i - d < 10 ? (double)frac * scale[i - d] : 0);
	return i + 1;
}

/* "[ T1234]" / "[    C1]": returns its length and copies the id. */
static size_t caller_len(const char *s, size_t len, char *id, size_t idlen)
{
	if (len < 4 || s[0] != '[')
		return 0;
	size_t i = 1;
	while (i < len && s[i] == ' ')
		i++;
	if (i >= len || (s[i] != 'T' && s[i] != 'C'))
		return 0;
	size_t st = i++;
	size_t d = i;
	while (i < len && cs_isdigit((unsigned char)s[i]))
		i++;
	if (i == d || i >= len || s[i] != ']' || i - st + 1 > idlen)
		return 0;
	memcpy(id, s + st, i - st);
	id[i - st] = 0;
	return i + 1;
}

static int is_month(const char *s, size_t len)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (len < 4 || s[3] != ' ')
		return 0;
	for (int m = 0; m < 12; m++)
		if (memcmp(s, months + 3 * m, 3) == 0)
			return 1;
	return 0;
}

/* Syslog ("Mar  3 10:00:01 host kernel: ") or ISO journal
 * ("2024-03-03T10:00:01.123456+00:00 host kernel: ") prefix. */
static size_t syslog_len(const char *s, size_t len)
{
	int dated = is_month(s, len) ||
		    (len > 11 && cs_isdigit((unsigned char)s[0]) &&
		     cs_isdigit((unsigned char)s[3]) && s[4] == '-' && s[7] == '-');
	if (!dated)
		return 0;
	size_t lim = len < 120 ? len : 120;
	for (size_t i = 10; i + 8 <= lim; i++)
		if (s[i] == 'k' && memcmp(s + i, "kernel: ", 8) == 0)
			return i + 8;
	return 0;
}

int cs_normalize(const char *raw, size_t len, cs_line *out, cs_buf *scratch)
{
	out->caller[0] = 0;
	out->has_ts = 0;
	out->ts = 0;
	/* Remove ANSI escape sequences, NUL bytes and stray '\r'. */
	if (memchr(raw, 0x1b, len) || memchr(raw, 0, len) || memchr(raw, '\r', len)) {
		cs_buf_clear(scratch);
		if (cs_buf_reserve(scratch, len))
			return CRASHSIG_ENOMEM;
		char *d = scratch->data;
		size_t n = 0;
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)raw[i];
			if (ch == 0x1b) {
				if (i + 1 < len && raw[i + 1] == '[') {
					i += 2;
					while (i < len && !(raw[i] >= 0x40 && raw[i] <= 0x7e))
						i++;
				} else if (i + 1 < len) {
					i++;
				}
				continue;
			}
			if (ch == 0 || ch == '\r')
				continue;
			d[n++] = (char)ch;
		}
		d[n] = 0;
		scratch->len = n;
		raw = d;
		len = n;
	}
	size_t i = syslog_len(raw, len);
	/* "<4>" log level */
	if (len - i >= 3 && raw[i] == '<' && cs_isdigit((unsigned char)raw[i + 1]) &&
	    raw[i + 2] == '>')
		i += 3;
	size_t t = timestamp_len(raw + i, len - i, &out->ts);
	if (!t) {
		/* Text glued before the timestamp ("syzkaller login: [  1.2] ..."). */
		size_t lim = len - i < 128 ? len - i : 128;
		const char *p = raw + i;
		for (size_t k = 1; k + 4 < lim; k++) {
			if (p[k] == '[' && (p[k + 1] == ' ' || cs_isdigit((unsigned char)p[k + 1]))) {
				size_t tl = timestamp_len(p + k, len - i - k, &out->ts);
				if (tl) {
					i += k;
					t = tl;
					break;
				}
			}
		}
	}
	if (t) {
		out->has_ts = 1;
		i += t;
		size_t c = caller_len(raw + i, len - i, out->caller, sizeof(out->caller));
		i += c;
	} else {
		size_t c = caller_len(raw + i, len - i, out->caller, sizeof(out->caller));
		if (c) {
			i += c;
			t = 1;
		}
	}
	if (t && i < len && raw[i] == ' ')
		i++;
	out->text = raw + i;
	out->len = len - i;
	return 0;
}
