/* HTML output of crashsig serve: one escaping function for every text
 * that comes from a crash (titles, reports, logs, machine and task names,
 * types, sources: fuzzers put anything there), the page frame, and inline
 * SVG charts. Writes to a stdio stream (an open_memstream of the answer).
 * No state. */
#ifndef CRASHSIG_SERVE_HTML_H
#define CRASHSIG_SERVE_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Write n bytes of s as HTML text, safe in element content and in quoted
 * attribute values alike: & < > " ' become character references; tab,
 * newline and carriage return are kept; other control characters (C0, DEL,
 * C1) and every byte that is not part of well-formed UTF-8 (invalid,
 * overlong, surrogate, above U+10FFFF, truncated) become U+FFFD, so the
 * page is always valid UTF-8 and nothing from a crash can open a tag, end
 * an attribute or hide text. */
void h_esc(FILE *o, const char *s, size_t n);
/* The same for a NUL-terminated string; NULL writes nothing. */
void h_str(FILE *o, const char *s);
/* Percent-encode s for a URL query value or path segment (everything but
 * A-Z a-z 0-9 - . _ ~); the result needs no further HTML escaping. */
void h_url(FILE *o, const char *s);
/* "YYYY-MM-DD HH:MM" (UTC), or "-" for 0. */
void h_time(FILE *o, int64_t t);

/* The page frame: doctype, head with the inline style sheet, the
 * navigation (active: "bugs", "top", "machines", "stats" or NULL), and
 * the end. title is escaped. */
void h_head(FILE *o, const char *title, const char *active);
void h_foot(FILE *o, const char *footer);

/* Inline SVG charts. Buckets i = 0..n-1 start at t0 + i * step (seconds;
 * step 86400: days, 3600: hours), which labels the tooltips. */
/* A sparkline: one bar per bucket, w x h pixels. */
void h_spark(FILE *o, const int64_t *v, size_t n, int64_t t0, int64_t step, int w, int h);
/* A bar chart with its maximum and first / last bucket labelled. */
void h_bars(FILE *o, const int64_t *v, size_t n, int64_t t0, int64_t step, int w, int h,
	    const char *what);
/* Stacked bars: k series (v[s * n + i]), names[s] (escaped) in the legend;
 * rate[i] in [0, 1] (or < 0: none) drawn as a line on a 0-100% scale
 * (the rate of corrupted reports). */
void h_stacked(FILE *o, const int64_t *v, size_t k, size_t n, const char *const *names,
	       const double *rate, const char *rate_name, int64_t t0, int64_t step, int w,
	       int h);
/* The colour of series s of a stacked chart. */
const char *h_color(size_t s);

#endif
