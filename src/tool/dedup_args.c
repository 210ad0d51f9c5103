/* The arguments crashsig dedup and crashsig serve read alike: a time (a
 * date, seconds since the epoch, or an age) and a list of bug states. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dedup_tool.h"

int dd_parse_time(const char *s, int64_t now, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!errno && end != s && *s != '-' && *s != '+' && !isspace((unsigned char)*s)) {
		static const struct {
			char c;
			long long mul;
		} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
		if (!*end && strlen(s) != 10 && !strchr(s, '-')) {
			*out = v;
			return 0;
		}
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (end[0] == units[i].c && !end[1] && v >= 0 && v < LLONG_MAX / units[i].mul) {
				*out = now - v * units[i].mul;
				return 0;
			}
	}
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	const char *p = s + n;
	if (*p == ' ' || *p == 'T') {
		int k = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &k) != 2)
			return -1;
		p += 1 + k;
		if (*p == ':') {
			if (sscanf(p + 1, "%2d%n", &sec, &k) != 1)
				return -1;
			p += 1 + k;
		}
	}
	if (*p == 'Z')
		p++;
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 60)
		return -1;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = (int64_t)timegm(&tm);
	return 0;
}

int dd_parse_statuses(const char *s, unsigned *mask)
{
	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		char name[32];
		if (n && n < sizeof(name)) {
			memcpy(name, s, n);
			name[n] = 0;
			crashsig_bug_status st;
			if (crashsig_bug_status_parse(name, &st))
				return -1;
			*mask |= 1u << st;
		} else if (n) {
			return -1;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}
