/* crashsig dedup, shared by its two files: cmd_dedup.c (options, reading
 * input into the store, actions) and dedup_out.c (what it prints and
 * writes: bug and crash tables, JSON Lines, one bug's page, the export,
 * --outdir). Public API only. */
#ifndef CRASHSIG_TOOL_DEDUP_H
#define CRASHSIG_TOOL_DEDUP_H

#include <stdint.h>
#include <stdio.h>

#include "crashsig/dedup.h"

#define DD_PROG "crashsig dedup"

/* TIME: seconds since the epoch, YYYY-MM-DD[( |T)HH:MM[:SS]][Z] (UTC), or
 * an age (N followed by s, m, h, d or w) before now. 0 or -1. */
int dd_parse_time(const char *s, int64_t now, int64_t *out);
/* "open,fixed": a mask of 1 << crashsig_bug_status (0 for ""). 0 or -1. */
int dd_parse_statuses(const char *s, unsigned *mask);

/* "YYYY-MM-DD HH:MM:SS" (UTC) or "-" for 0. */
void dd_fmt_time(char *buf, size_t len, int64_t t);

void dd_bug_header(FILE *out);
void dd_bug_row(FILE *out, const crashsig_bug *b);
void dd_bug_json(FILE *out, const crashsig_bug *b, int with_report);

void dd_crash_header(FILE *out);
void dd_crash_row(FILE *out, const crashsig_crash_record *c);
/* with texts: "report" and "log" (null when dropped) */
void dd_crash_json(FILE *out, const crashsig_crash_record *c, int with_texts);
void dd_event_json(FILE *out, const crashsig_bug_event *e);

/* --bug ID: the bug, its titles, history, report and crashes. Returns 0 or
 * 2 (the error printed; url is the redacted store URL). */
int dd_bug_page(FILE *out, crashsig_store *s, const char *url, int64_t id, int json,
		const crashsig_crash_query *q);
/* --crash ID: one crash with its report and log. */
int dd_crash_page(FILE *out, crashsig_store *s, const char *url, const char *id, int json);
/* --crashes: the crashes q selects (all of them, page by page), as a table
 * or JSON Lines. *count: how many. Returns 0 or 2. */
int dd_crashes(FILE *out, crashsig_store *s, const char *url, const crashsig_crash_query *q,
	       int json, size_t *count);
/* --export: every bug, crash (with texts) and event as JSON Lines. */
int dd_export(FILE *out, crashsig_store *s, const char *url);
/* --outdir: DIR/<id>/{description,titles,report}, never through a
 * symbolic link planted in DIR. */
int dd_write_outdir(const char *outdir, const crashsig_bug *b);

#endif
