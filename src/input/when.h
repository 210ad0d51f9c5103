/* Dates and times as consoles and mail write them: calendar arithmetic,
 * month names (in several locales), zone names, RFC 5322 dates. */
#ifndef CRASHSIG_INPUT_WHEN_H
#define CRASHSIG_INPUT_WHEN_H

#include <stddef.h>
#include <stdint.h>

#include "crashsig/input.h"

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12). */
int64_t cs_days_from_civil(int64_t y, int m, int d);
/* Seconds since the epoch of y-m-d h:mi:s in UTC; -1 when a field is out
 * of range. */
int64_t cs_utc_seconds(int64_t y, int m, int d, int h, int mi, int s);
/* Year of t (seconds since the epoch, UTC). */
int64_t cs_year_of(int64_t t);

/* The month name at s (its abbreviation or full name in English, German,
 * French, Spanish, Italian, Portuguese, Dutch, Russian, Polish, Czech, or
 * "12月"/"12월"): 1..12, and *used is its length (a trailing '.'
 * included); 0 when s holds none. */
int cs_month_name(const char *s, size_t len, size_t *used);

/* Offset east of UTC in seconds of a zone abbreviation ("UTC", "CET",
 * "PDT", ...) of n bytes; returns 1 when known. */
int cs_zone_offset(const char *s, size_t n, int32_t *off);

/* Fill t->wall from a date without a year: the year is the latest that
 * does not put the date more than a day after ref (seconds since the
 * epoch). Without ref (0) nothing is set. */
void cs_time_place_year(crashsig_time *t, int m, int d, int h, int mi, int s,
			int32_t nsec, int64_t ref);

/* An RFC 5322 date ("Wed, 07 Jan 2026 11:05:18 +0100", also the obsolete
 * forms: zone names, two-digit years, no weekday, no seconds).
 * Returns 1 and fills *t (CRASHSIG_TIME_WALL) when it parses. */
int cs_parse_mail_date(const char *s, size_t len, crashsig_time *t);

#endif
