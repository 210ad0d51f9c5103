/* Dates and times as consoles and mail write them. See when.h. */
#include "input/when.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"

int64_t cs_days_from_civil(int64_t y, int m, int d)
{
	/* H. Hinnant's days_from_civil: eras of 400 years. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int64_t cs_utc_seconds(int64_t y, int m, int d, int h, int mi, int s)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return -1;
	return cs_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s;
}

int64_t cs_year_of(int64_t t)
{
	int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	return yoe + era * 400 + (m <= 2);
}

/* Month names as strftime's %b (and %B) writes them in the locales whose
 * journals and syslogs kernel developers paste most. UTF-8. */
static const struct {
	const char *name;
	unsigned char month;
} months[] = {
	/* English */
	{"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"june", 6},
	{"july", 7}, {"august", 8}, {"september", 9}, {"october", 10},
	{"november", 11}, {"december", 12},
	{"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"may", 5}, {"jun", 6},
	{"jul", 7}, {"aug", 8}, {"sep", 9}, {"sept", 9}, {"oct", 10}, {"nov", 11},
	{"dec", 12},
	/* German, Dutch */
	{"m\xc3\xa4r", 3}, {"mai", 5}, {"okt", 10}, {"dez", 12}, {"mrt", 3}, {"mei", 5},
	/* French */
	{"janv", 1}, {"f\xc3\xa9vr", 2}, {"mars", 3}, {"avr", 4}, {"avril", 4},
	{"juin", 6}, {"juil", 7}, {"ao\xc3\xbbt", 8}, {"d\xc3\xa9\x63", 12},
	/* Spanish, Italian, Portuguese */
	{"ene", 1}, {"abr", 4}, {"ago", 8}, {"dic", 12}, {"gen", 1}, {"mag", 5},
	{"giu", 6}, {"lug", 7}, {"set", 9}, {"ott", 10}, {"fev", 2}, {"out", 10},
	/* Polish, Czech */
	{"sty", 1}, {"lut", 2}, {"kwi", 4}, {"maj", 5}, {"cze", 6}, {"lip", 7},
	{"sie", 8}, {"wrz", 9}, {"pa\xc5\xba", 10}, {"lis", 11}, {"gru", 12},
	{"led", 1}, {"\xc3\xbano", 2}, {"b\xc5\x99\x65", 3}, {"dub", 4},
	{"kv\xc4\x9b", 5}, {"\xc4\x8dvn", 6}, {"\xc4\x8dvc", 7}, {"srp", 8},
	{"z\xc3\xa1\xc5\x99", 9}, {"\xc5\x99\xc3\xadj", 10}, {"pro", 12},
	/* Russian (nominative and genitive abbreviations) */
	{"\xd1\x8f\xd0\xbd\xd0\xb2", 1}, {"\xd1\x84\xd0\xb5\xd0\xb2", 2},
	{"\xd0\xbc\xd0\xb0\xd1\x80", 3}, {"\xd0\xb0\xd0\xbf\xd1\x80", 4},
	{"\xd0\xbc\xd0\xb0\xd0\xb9", 5}, {"\xd0\xbc\xd0\xb0\xd1\x8f", 5},
	{"\xd0\xb8\xd1\x8e\xd0\xbd", 6}, {"\xd0\xb8\xd1\x8e\xd0\xbb", 7},
	{"\xd0\xb0\xd0\xb2\xd0\xb3", 8}, {"\xd1\x81\xd0\xb5\xd0\xbd", 9},
	{"\xd0\xbe\xd0\xba\xd1\x82", 10}, {"\xd0\xbd\xd0\xbe\xd1\x8f", 11},
	{"\xd0\xb4\xd0\xb5\xd0\xba", 12},
};

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Upper-case Cyrillic (U+0410..U+042F) as lower case, for the comparison. */
static int prefix_fold(const char *s, size_t len, const char *name, size_t n)
{
	if (n > len)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)name[i];
		if (ascii_lower(a) == b)
			continue;
		/* Cyrillic capitals D0 90..D0 AF -> D0 B0..D0 BF / D1 80..D1 8F */
		if (i + 1 < n && a == 0xd0 && (unsigned char)s[i + 1] >= 0x90 &&
		    (unsigned char)s[i + 1] <= 0xaf) {
			unsigned c = (unsigned char)s[i + 1] + 0x20;
			unsigned char lead = c > 0xbf ? 0xd1 : 0xd0;
			unsigned char tail = (unsigned char)(c > 0xbf ? c - 0x40 : c);
			if (b == lead && (unsigned char)name[i + 1] == tail) {
				i++;
				continue;
			}
		}
		return 0;
	}
	return 1;
}

int cs_month_name(const char *s, size_t len, size_t *used)
{
	/* "12月" (Chinese, Japanese), "12월" (Korean) */
	if (len >= 4 && cs_isdigit((unsigned char)s[0])) {
		size_t i = 0;
		int m = 0;
		while (i < len && i < 2 && cs_isdigit((unsigned char)s[i]))
			m = m * 10 + (s[i++] - '0');
		if (m >= 1 && m <= 12 && i + 3 <= len &&
		    (!memcmp(s + i, "\xe6\x9c\x88", 3) || !memcmp(s + i, "\xec\x9b\x94", 3))) {
			*used = i + 3;
			return m;
		}
		return 0;
	}
	size_t best = 0;
	int month = 0;
	for (size_t k = 0; k < sizeof(months) / sizeof(months[0]); k++) {
		size_t n = strlen(months[k].name);
		if (n <= best || !prefix_fold(s, len, months[k].name, n))
			continue;
		/* a whole word: not followed by another letter */
		if (n < len && (cs_isalpha((unsigned char)s[n]) || (unsigned char)s[n] >= 0x80))
			continue;
		best = n;
		month = months[k].month;
	}
	if (!month)
		return 0;
	if (best < len && s[best] == '.')
		best++;
	*used = best;
	return month;
}

int cs_zone_offset(const char *s, size_t n, int32_t *off)
{
	static const struct {
		const char *name;
		int32_t min;
	} zones[] = {
		{"UT", 0},       {"UTC", 0},       {"GMT", 0},      {"Z", 0},
		{"WET", 0},      {"WEST", 60},     {"BST", 60},     {"CET", 60},
		{"CEST", 120},   {"MET", 60},      {"MEST", 120},   {"EET", 120},
		{"EEST", 180},   {"MSK", 180},     {"IST", 330},    {"CST", -360},
		{"CDT", -300},   {"EST", -300},    {"EDT", -240},   {"MST", -420},
		{"MDT", -360},   {"PST", -480},    {"PDT", -420},   {"AKST", -540},
		{"AKDT", -480},  {"HST", -600},    {"JST", 540},    {"KST", 540},
		{"HKT", 480},    {"SGT", 480},     {"AWST", 480},   {"ACST", 570},
		{"ACDT", 630},   {"AEST", 600},    {"AEDT", 660},   {"NZST", 720},
		{"NZDT", 780},
	};
	for (size_t k = 0; k < sizeof(zones) / sizeof(zones[0]); k++)
		if (strlen(zones[k].name) == n && !strncasecmp(s, zones[k].name, n)) {
			*off = zones[k].min * 60;
			return 1;
		}
	return 0;
}

void cs_time_place_year(crashsig_time *t, int m, int d, int h, int mi, int s,
			int32_t nsec, int64_t ref)
{
	t->flags |= CRASHSIG_TIME_NO_YEAR;
	if (!ref)
		return;
	int64_t y = cs_year_of(ref);
	int64_t w = cs_utc_seconds(y, m, d, h, mi, s);
	if (w < 0 || w > ref + 86400)
		w = cs_utc_seconds(y - 1, m, d, h, mi, s);
	if (w < 0)
		return;
	t->flags |= CRASHSIG_TIME_WALL;
	t->wall = w;
	t->wall_nsec = nsec;
}

/* ------------------------------------------------------------------ */
/* RFC 5322 dates                                                      */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *s;
	size_t i, n;
} scan;

static void skip_cfws(scan *c)
{
	for (;;) {
		while (c->i < c->n && (cs_isspace((unsigned char)c->s[c->i]) || c->s[c->i] == ','))
			c->i++;
		if (c->i < c->n && c->s[c->i] == '(') {
			/* comment, nested */
			int depth = 0;
			for (; c->i < c->n; c->i++) {
				if (c->s[c->i] == '\\' && c->i + 1 < c->n)
					c->i++;
				else if (c->s[c->i] == '(')
					depth++;
				else if (c->s[c->i] == ')' && --depth == 0) {
					c->i++;
					break;
				}
			}
			continue;
		}
		return;
	}
}

static int number(scan *c, int maxdig, long *v)
{
	size_t st = c->i;
	long x = 0;
	while (c->i < c->n && cs_isdigit((unsigned char)c->s[c->i]) && (int)(c->i - st) < maxdig)
		x = x * 10 + (c->s[c->i++] - '0');
	*v = x;
	return c->i > st ? (int)(c->i - st) : 0;
}

int cs_parse_mail_date(const char *s, size_t len, crashsig_time *t)
{
	scan c = {s, 0, len};
	skip_cfws(&c);
	/* optional day of week */
	if (c.i + 3 <= len && cs_isalpha((unsigned char)s[c.i])) {
		while (c.i < len && cs_isalpha((unsigned char)s[c.i]))
			c.i++;
		skip_cfws(&c);
	}
	long day, year, h, mi, sec = 0;
	if (!number(&c, 2, &day))
		return 0;
	skip_cfws(&c);
	size_t used = 0;
	int mon = cs_month_name(s + c.i, len - c.i, &used);
	if (!mon)
		return 0;
	c.i += used;
	skip_cfws(&c);
	int yd = number(&c, 4, &year);
	if (!yd)
		return 0;
	if (yd <= 2) /* obsolete two-digit year (RFC 5322 4.3) */
		year += year < 50 ? 2000 : 1900;
	else if (yd == 3)
		year += 1900;
	skip_cfws(&c);
	if (!number(&c, 2, &h) || c.i >= len || s[c.i] != ':')
		return 0;
	c.i++;
	if (!number(&c, 2, &mi))
		return 0;
	if (c.i < len && s[c.i] == ':') {
		c.i++;
		if (!number(&c, 2, &sec))
			return 0;
	}
	skip_cfws(&c);
	int32_t off = 0;
	int zone = 0;
	if (c.i < len && (s[c.i] == '+' || s[c.i] == '-')) {
		int neg = s[c.i] == '-';
		c.i++;
		long z;
		if (number(&c, 4, &z) == 4) {
			off = (int32_t)((z / 100) * 3600 + (z % 100) * 60);
			if (neg)
				off = -off;
			zone = 1;
		}
	} else if (c.i < len && cs_isalpha((unsigned char)s[c.i])) {
		size_t st = c.i;
		while (c.i < len && cs_isalpha((unsigned char)s[c.i]))
			c.i++;
		zone = cs_zone_offset(s + st, c.i - st, &off);
	}
	int64_t w = cs_utc_seconds(year, mon, (int)day, (int)h, (int)mi, (int)sec);
	if (w < 0)
		return 0;
	memset(t, 0, sizeof(*t));
	t->flags = CRASHSIG_TIME_WALL | (zone ? 0 : CRASHSIG_TIME_NO_ZONE);
	t->wall = w - off;
	t->utc_offset = off;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Public                                                              */
/* ------------------------------------------------------------------ */

CS_EXPORT size_t crashsig_time_format(const crashsig_time *t, char *buf, size_t len)
{
	if (!t || !(t->flags & CRASHSIG_TIME_WALL)) {
		if (buf && len)
			buf[0] = 0;
		return 0;
	}
	int64_t w = t->wall;
	int64_t days = (w >= 0 ? w : w - 86399) / 86400;
	int64_t secs = w - days * 86400;
	int64_t y = cs_year_of(w);
	int64_t doy = days - cs_days_from_civil(y, 1, 1);
	int m = 1;
	while (m < 12 && doy >= days_in_month(y, m)) {
		doy -= days_in_month(y, m);
		m++;
	}
	char frac[16] = "";
	if (t->wall_nsec > 0)
		snprintf(frac, sizeof(frac), ".%06d", (int)(t->wall_nsec / 1000));
	int n = snprintf(buf, buf ? len : 0, "%04lld-%02d-%02dT%02d:%02d:%02d%sZ", (long long)y,
			 m, (int)doy + 1, (int)(secs / 3600), (int)(secs / 60 % 60),
			 (int)(secs % 60), frac);
	return n < 0 ? 0 : (size_t)n;
}
