/* Bisection log audit: internal model shared by parse.c, audit.c, render.c. */
#ifndef CRASHSIG_BISECT_INT_H
#define CRASHSIG_BISECT_INT_H

#include <stddef.h>

#include "crashsig/bisect.h"
#include "base/util.h"

/* A step as parsed. pub is what the API hands out; the rest is working
 * state of the parser and the audit. */
typedef struct bs_step {
	crashsig_bisect_step pub;
	crashsig_bisect_title *titles; /* owned array; title strings in the pool */
	size_t ntitles, cap_titles;
	int all_runs;        /* the runs came as "all runs: V" */
	crashsig_run_status all_status; /* status of "all runs" */
	const char *all_title;          /* its title (pool), or NULL */
	unsigned run_lines;  /* "run #N" lines seen */
	int has_runs;        /* any run result line */
	int build_only;      /* a build without tests (parent signature) */
	size_t pending_from; /* index in b->unrec of the first unplaced line */
	int pending_valid;
} bs_step;

struct crashsig_bisect {
	bs_step *steps;
	size_t nsteps, cap_steps;
	crashsig_bisect_summary sum;
	/* every string handed out lives here */
	char **pool;
	size_t npool, cap_pool;
	/* unrecognized lines */
	struct bs_unrec {
		const char *text;
		unsigned line;
	} *unrec;
	size_t nunrec, cap_unrec;
	const char **inconcl;
	size_t ninconcl, cap_inconcl;
	const char **diffstat;
	size_t ndiffstat, cap_diffstat;
	/* culprit commit block */
	int culprit_merge_line; /* "Merge:" seen in the culprit's git header */
	cs_buf message;         /* commit message lines of the culprit */
	cs_buf added;           /* "+" lines of a diff in the log, "file\tline\n" */
	int has_diff;
	cs_buf report;          /* the final crash report text */
	const char *final_title;
	int seen_bisection;     /* any line that only a bisection log has */
	/* format markers */
	int has_signature, has_modern_format, has_modern_rules;
	const char *good_start; /* the good commit of "# git bisect start" */
	long start_date;        /* YYYYMMDD of "starts bisection", or 0 */
};

/* Copy s (n bytes) into b's pool; NULL on ENOMEM. */
const char *bs_strndup(crashsig_bisect *b, const char *s, size_t n);
const char *bs_strdup(crashsig_bisect *b, const char *s);

/* parse.c: fill b from the log. */
int bs_parse(crashsig_bisect *b, const char *data, size_t len);
/* audit.c: verdicts, relations, flags, confidence. */
int bs_audit(crashsig_bisect *b, crashsig_ctx *ctx);

#endif
